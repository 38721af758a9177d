//! careledger: an embedded-database reporting and KPI incentive engine for the customer-care
//! departments of car dealerships.
//!
//! # Code map
//!
//! Data flows csvio → import → store → derive → facts (kept) → aggregate → present:
//!
//! - [`model`]: record and value types — what a row of an interchange file means: the
//!   thirteen kinds of DOMAIN.md sections 2 and 12–13 (complaints, their steps, actions,
//!   their steps and the working calendar after the first eight). Money is
//!   [`model::Fen`], integer fen; time is [`model::Timestamp`] / [`model::Day`], local wall clock;
//!   [`model::Period`] is a month, an ISO week or a year. [`model::privacy`] shapes what people
//!   see of personal data: cells echoed in messages, text escaped for terminals.
//! - [`csvio`]: the CSV interchange files — decoding (UTF-8, BOM, GB18030), parsing rows with
//!   errors located as `FILE:LINE: column: reason` into the import's batch types, writing
//!   records back, and the reversible `'` guard of formula-like cells ([`csvio::guard_cell`]).
//! - [`import`]: the import room, one import command from parsed files to a committed import
//!   — parse (`csvio`, into [`import::batch`]: files of compact rows, located errors bounded
//!   by an `ErrorSink`) → validate and net effect (`plan`: what each key's net row does and
//!   every reason to reject, against a read snapshot; pure, no redb: tested against a map) →
//!   apply (typed versions handed to [`store::Store::append`], planned again if the store
//!   says another import committed meanwhile) → derive facts ([`facts::catch_up`]). An
//!   import too large to hold (`import --chunk-rows`, the CLI's default past 256 MiB) is
//!   streamed instead (`import::import_streamed`): files read in chunks into sorted runs on
//!   disk, merged one key at a time, each key decided by the planner's own passes against the
//!   write transaction ([`store::Appender`]) and appended at once.
//! - [`store`]: the append-only redb store — tables, the stored types of each format
//!   (`store::stored::v1`, apart from the domain types) and their codec, snapshots, closed
//!   payout statements, `verify`, and the write side of an import: typed record versions in
//!   ([`store::NewVersion`], records held as [`store::EncodedRecord`]), a typed outcome out
//!   ([`store::Appended`], or [`store::Stale`] when the basis moved), in one transaction.
//!   What it writes in bulk — a streamed import's index entries, a rebuild's rows of the
//!   date-keyed facts tables — waits in sorted runs in nameless files (`store::runs`) and
//!   goes into its tables in one pass in key order, each page written once and left full.
//!   `current` and `refs` keep the keys added since their last fold in a recent layer
//!   beside them (`store::layers`), so that an increment writes pages in proportion to its
//!   own keys, not to the store.
//! - [`rules`]: every offset, window and threshold of the contract, overridable by TOML;
//!   typed (period kinds, fen, outcomes), its text parsed once where the file is read.
//! - [`worktime`]: working time — the working calendar (weekdays, hours, `calendar.csv`
//!   overrides) and the exact working seconds between instants and instant after a working
//!   time, which the complaint clock (`derive::complaints`) is made of.
//! - [`voice`]: the language of errors and warnings, one setting of the process (English in
//!   the library, `--lang` in the command); [`say!`] writes a message in both, side by side.
//! - [`derive`](mod@derive): facts that follow from records and rules — return-visit tasks and their
//!   crediting, lost episodes and recovery, customer tiers, complaint clocks and action
//!   states. Per customer, in parallel.
//! - [`facts`]: derived facts kept by import — after an import, the customers it touched
//!   (and those linked to them by referral or family) are derived again, in chunks of
//!   bounded memory, and their tasks, episodes, returns, recovery revenue, survey lines,
//!   surveys with their answers, care, tier in every month and service revenue per month
//!   written to the store's facts tables (`store::facts`), keyed for month-sized reads,
//!   with the complaints' and actions' month-end stocks; [`facts::check`] compares them
//!   with a derivation from scratch.
//! - [`kpi`]: the reports — visits, churn, tiers, payouts (with close, adjustments, explain,
//!   what-if), complaints and actions, and the work lists (`tasks`, `lost`, `lapse`, open
//!   complaints and actions). A report reads its period's kept facts when they follow its
//!   rules, and derives from scratch otherwise: `tiers` reads the month's tier counts (and,
//!   for its list, every customer's tier changes), `lost` the customers with an episode
//!   open on the date, each read on its own, and the `tasks` work list the facts around
//!   its date to find the customers who can have a task open then, deriving only those
//!   again from their own records (`lapse` reads every customer's service visits: a model
//!   is fitted on all of them).
//! - [`lapse`]: who is about to lapse and what they are worth — the BG/NBD and Gamma-Gamma
//!   models fitted by maximum likelihood (a deterministic Nelder–Mead, ₂F₁ by its series),
//!   P(alive), expected future transactions and spend, and the paper's holdout check;
//!   checked against the published CDNOW estimates (`fixtures/cdnow`). Floats: model
//!   estimates, rounded to fen by the caller where they become money.
//! - [`gate`]: KPI gates for CI — floors, ceilings and changes, compared exactly; the KPIs a
//!   gate can name are an enum, so an unknown name fails when the gates file is read.
//! - [`report`]: presenting — JSON, Markdown (en/zh) and CSV renderers that return bytes, and
//!   the monthly report pack with its offline `index.html`. The page is a list of sections
//!   (`report/pack/sections/`, one file each: headline, visits, complaints, satisfaction,
//!   churn, care, payouts, tiers) written with the HTML building blocks of `report::html`
//!   (escaping, money, tables, figures, the page shell); `html` never names `pack`.
//! - [`chart`]: the charts (PNG and SVG, plotters), with a subset CJK font shipped in the crate.
//! - [`generator`]: the deterministic generator of realistic input files.
//! - `cli` (binary only): argument parsing and printing; glue over the library.

//! # Architecture invariants
//!
//! - **Only `store` touches redb; `store` knows nothing of CSV or of import rows.** Everything
//!   else sees records, versions and snapshots. The rooms of an import depend one way:
//!   `csvio` → `import` → `store` (`csvio` fills the import's batch; the import hands the
//!   store typed versions); `store` names neither `csvio` nor `import`, and `import` never
//!   names `csvio`.
//! - **Stored types are a promise; domain types are free.** Only `store` names bincode, and
//!   only for the types of `store::stored`; others hold a record's encoding only as an opaque
//!   [`store::EncodedRecord`]. A store of a newer format is refused, and the golden store of
//!   `fixtures/golden` must keep reading.
//! - **Inputs are ground state; everything else is derived.** The store's log of record
//!   versions (compressed segments, `store::log`) and its `imports` are only ever appended
//!   to; the current view and the indexes are derived from them in the same transaction.
//! - **Facts = derive(log) for the rules fingerprint.** The facts tables hold what the rules
//!   whose fingerprint they carry derive from the log up to the sequence number they carry.
//!   A report reads them only when both match (its rules, the log's end); otherwise it
//!   derives from scratch, with the same figures. A report's work is then proportional to
//!   the period it answers, not to the store's history. Beside them `fact_records` keeps
//!   each customer's records as they stood at that sequence number, the input of their
//!   facts: an import that only adds records derives its customers from those and its own
//!   rows; `verify` compares them with the store's current records.
//! - **The engine never reads the clock.** The import time is passed in by the caller; the
//!   generator takes its calendar from its arguments.
//! - **No floats near money.** Amounts are `i64` fen, parsed and printed exactly; threshold
//!   comparisons (payout fines, gates) are integer or rational arithmetic.
//! - **Deterministic output.** The same store and arguments give byte-identical reports,
//!   charts and pages at any thread count: parallel work is per customer and kept in order.
//! - **Renderers do no I/O** and `kpi` never opens a file; only the binary writes files.
//! - **A rejected import writes nothing, not even a byte.** An import is planned against a
//!   read snapshot; the store is opened for writing (or created, atomically) only for a plan
//!   that writes. The store appends only on the basis the plan was made on: if another import
//!   committed since, it hands back its still-open write transaction ([`store::Stale`]) and
//!   the import is planned again against exactly the state it is appended to. A streamed
//!   import decides inside its write transaction and aborts it on any error: no record,
//!   version or index entry is written, a store it created is removed again, but an existing
//!   store's file has been opened for writing.
//! - **Import memory is bounded**: in memory, by the encoded size of the rows, not by their
//!   count (rows held encoded in one arena per file, [`import::Rows`]; keys grouped by
//!   sorting; versions handed to the store as an iterator over borrowed rows); streamed, by a
//!   chunk of rows per file read at once, whatever the input. The writer's redb cache is
//!   fixed (`store::WRITER_CACHE_BYTES`).
//! - **No message quotes a cell in full.** Import errors are redacted where they are made
//!   ([`import::ImportError::new`]): phones masked, cells cut at 60 characters, control
//!   characters escaped. Stored and exported data is never masked; only displays are.
//! - **Every message a person reads is written in both languages.** An error or warning is
//!   made with [`say!`] (or [`voice::pick`]), the English and the Chinese side by side with
//!   the same arguments; what goes into JSON, CSV, JUnit or a hash (gate notes, `explain`'s
//!   steps, the rules fingerprint) stays English and is not made with it.

// The library's surface. The rooms below are public so that a finance script or a test can
// call what the CLI calls, room by room (`careledger::kpi::payouts::statement`); what most
// callers need is re-exported here. Helpers of a room (the bilingual word lists of `report`,
// say) are crate-private, and `clap` appears only in the binary.
pub use csvio::{parse_file, parse_source, resolve_paths};
pub use generator::{GenConfig, GenError, generate};
pub use import::{ImportExt, ImportFailure, ImportOptions, ImportOutcome};
pub use model::{Day, Fen, Kind, Period, Record, Timestamp};
pub use report::{Format, Lang, Render, RenderContext};
pub use rules::Rules;
pub use store::{Reader, Store, StoreError};

pub mod chart;
pub mod csvio;
pub mod derive;
pub mod facts;
// The generator's folder is `gen/`; `gen` is a reserved word in edition 2024.
pub mod gate;
#[path = "gen/mod.rs"]
pub mod generator;
pub mod import;
pub mod kpi;
pub mod lapse;
pub mod model;
pub mod progress;
pub mod report;
pub mod rules;
pub mod store;
pub mod voice;
pub mod worktime;
