//! The stored types: what the tables hold, one module per format, apart from the domain
//! types so that those are free to change.
//!
//! Every value in a table starts with its format's version byte (`codec::FORMAT_VERSION`,
//! 1 today); the rest is that format's encoding of a type of its module: `v1` for format 1.
//! [`Stored`] ties each type the rest of careledger sees (`model::Record`,
//! `tables::LogEntry`, …) to its stored form, and `codec::encode`/`codec::decode` go through
//! it, so nothing outside `store` sees a stored type or bincode.
//!
//! *How a format 2 would be read.* A change of what is stored (a new field, another
//! encoding) adds a module `v2` beside `v1`, never an edit of `v1`, and:
//! - `Stored` gains `type V2` and `from_v2`/`to_v2`; `codec::FORMAT_VERSION` becomes 2 and
//!   new values are written as `v2`;
//! - `codec::decode` dispatches on the version byte: `1` → `from_v1`, `2` → `from_v2`, so a
//!   store holding values of both reads as one (this is why every value carries the byte);
//! - or, when reading format 1 in place is not worth keeping, a `careledger migrate` command
//!   rewrites every value as `v2` in one write transaction, after a backup, and sets the
//!   `meta` entry `format_version` to 2; it refuses to run on a store of format 2.
//!
//! Either way `tests/golden.rs` keeps passing on the committed format-1 store
//! (`fixtures/golden/`), and `golden` here keeps pinning format 1's bytes.
//!
//! *Store format 2 changed no value.* It keeps the log in compressed segments
//! (`store::log`): a table layout, named by `meta`'s `format_version`
//! (`tables::STORE_FORMAT`), while each version inside a segment is the format-1 `log`
//! value, byte for byte. So values still carry version byte 1, and a format-1 store is read
//! in place: its `log` entries stay where they are, the segments follow them.
//!
//! *Why new record kinds are still format 1.* Complaints, their steps, actions, their
//! steps and the calendar (DOMAIN.md sections 12–13) were added as variants appended **at
//! the end** of `v1::Kind` and `v1::Record`, each with a struct of its own. bincode writes
//! an enum value as the index of its variant, then its fields; appending a variant gives
//! it a new index and leaves every existing one where it was, so every value a format-1
//! store holds, and every value of the old kinds written from now on, keeps its exact bytes
//! (the golden test pins them unchanged and the new ones after them). Nothing already
//! stored needs a new reader, which is what a format version is for. What appending never
//! allows: inserting a variant before another, reordering, or changing a field of an
//! existing struct: those move bytes, and are a `v2`. A careledger from before the
//! addition reads such a store as long as it holds no record of the new kinds; one that does
//! fails to decode there and reports damage naming the value, rather than misreading it.

pub mod v1;

#[cfg(test)]
pub(super) mod golden;

use super::codec::CodecError;
use super::tables::{CloseEvent, ClosedStatement, CurrentEntry, ImportEntry, LogEntry};
use crate::model::Record;

/// A type the tables hold (or an import keeps in memory, for a record: `EncodedRecord`), with
/// its layout in each format.
pub(crate) trait Stored: Sized {
    /// The type's layout in format 1.
    type V1: bincode::Encode + bincode::Decode<()>;

    fn to_v1(&self) -> Self::V1;

    /// Fails, with the store's damage error, where a stored value is one the domain type
    /// cannot hold.
    fn from_v1(stored: Self::V1) -> Result<Self, CodecError>;
}

/// A type whose stored form converts from `&Self` and into `Self` without failing.
macro_rules! stored_as {
    ($($t:ty => $v1:ty),+ $(,)?) => {$(
        impl Stored for $t {
            type V1 = $v1;
            fn to_v1(&self) -> $v1 {
                self.into()
            }
            fn from_v1(stored: $v1) -> Result<Self, CodecError> {
                Ok(stored.into())
            }
        }
    )+};
}

stored_as!(
    Record => v1::Record,
    LogEntry => v1::LogEntry,
    CurrentEntry => v1::CurrentEntry,
    ClosedStatement => v1::ClosedStatement,
    CloseEvent => v1::CloseEvent,
);

impl Stored for ImportEntry {
    type V1 = v1::ImportEntry;
    fn to_v1(&self) -> v1::ImportEntry {
        self.into()
    }
    fn from_v1(stored: v1::ImportEntry) -> Result<Self, CodecError> {
        stored.try_into()
    }
}
