//! The import room: between the CSV files (`csvio`) and the store, what one import command
//! does to the store (DOMAIN.md section 3).
//!
//! The pipeline, one step per room or file:
//!
//! 1. **Parse** (`csvio`, into [`batch`]): each file's rows become compact [`batch::Rows`]
//!    (records held in the store's encoding, [`crate::store::EncodedRecord`]), and each bad
//!    cell a located [`batch::ImportError`]. A batch can also be built without CSV (the
//!    planner's tests do).
//! 2. **Validate and net effect** ([`plan`](plan_import)): against a read snapshot of the
//!    store, the net row of every key and what it does (added, amended, voided, unchanged,
//!    withdrawn), and every reason to reject the import: amendments without `--amend`,
//!    dangling references, voids of records still referred to. Pure: no redb, tested
//!    against a map; a dry run stops here.
//! 3. **Apply** ([`ImportExt::apply`]): the plan's versions, typed
//!    ([`crate::store::NewVersion`]), go to [`crate::store::Store::append`] with the
//!    [`crate::store::Basis`] they were decided against. If another import committed since,
//!    the store says so ([`crate::store::Stale`], its write transaction still open) and the
//!    import is planned again against the state it will be appended to.
//! 4. **Derive facts** ([`crate::facts::catch_up`], called by the CLI with the rules in
//!    force): after an import commits, the customers it touched are derived again and their
//!    facts written, in a second write transaction, with the log position they follow.
//!    Never before a commit, never for a rejected, dry or no-op import. A process killed
//!    between the two commits leaves the facts behind the log: reports then derive from
//!    scratch (same figures, slower) until the next import catches them up. A library
//!    caller that imports calls it too, or its reports derive from scratch.
//!
//! *Architecture invariant:* the import room never touches redb and never names bincode; it
//! holds records as the store encodes them and hands the store typed versions. `csvio`
//! depends on it (it fills the batch), and it on neither `csvio` nor the CLI.

mod apply;
pub mod batch;
mod plan;
mod stream;

pub use apply::{ImportExt, ImportFailure, ImportOptions, ImportOutcome, Planned, plan_import};
pub use batch::{
    ERRORS_SHOWN_MAX, ErrorSink, ImportError, ParsedFile, Rejections, Row, Rows, Source,
    StreamedFile,
};
pub use plan::{Effect, WithinImport};
pub use stream::{CHUNK_ROWS, ChunkReader, StreamOptions, StreamedImport, import_streamed};
