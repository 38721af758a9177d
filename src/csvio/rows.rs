//! The parsed rows of a file, kept compact: one arena of bytes (each row's key, then its
//! record in the store's encoding) and a fixed-size entry per row. A file of millions of rows
//! thus costs about its encoded size, with no allocation per row to keep; a row's record is
//! decoded when it is needed (a plan decodes each net row once or twice).
//!
//! Two rows' records are equal exactly when their encodings are: bincode's encoding of these
//! types is deterministic and injective, so the planner compares bytes.

use crate::model::{Record, Timestamp};
use crate::store::{Op, codec};

/// The rows of one file, in file order.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    arena: Vec<u8>,
    entries: Vec<Entry>,
}

/// Where a row's bytes are, and what is read without decoding.
#[derive(Clone, Copy, Debug)]
struct Entry {
    start: u64,
    /// `Record::time` in seconds, or `NO_TIME`.
    time: i64,
    line: u32,
    key_len: u32,
    record_len: u32,
    op: Op,
}

const NO_TIME: i64 = i64::MIN;

/// One data row of a file, borrowed from its [`Rows`].
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    /// 1-based line where the row starts (the header is line 1).
    pub line: u64,
    pub op: Op,
    pub key: &'a str,
    /// The record in the store's encoding; empty on a void row, of which only the key is
    /// read.
    record: &'a [u8],
    time: i64,
}

impl<'a> Row<'a> {
    /// The parsed record; `None` on a void row.
    pub fn record(&self) -> Option<Record> {
        (self.op == Op::Add).then(|| {
            codec::decode_body(self.record).expect("rows hold records they encoded themselves")
        })
    }

    /// The record's encoding: equal exactly when the records are.
    pub fn record_bytes(&self) -> &'a [u8] {
        self.record
    }

    /// The record's date (`Record::time`), without decoding it.
    pub fn time(&self) -> Option<Timestamp> {
        (self.time != NO_TIME).then_some(Timestamp(self.time))
    }
}

impl Rows {
    /// Appends a row. `record` is `None` for a void row.
    ///
    /// # Panics
    /// On a line beyond `u32::MAX`: a file of four billion lines does not fit in memory.
    pub fn push(&mut self, line: u64, op: Op, key: &str, record: Option<&Record>) {
        debug_assert_eq!(op == Op::Add, record.is_some());
        let start = self.arena.len() as u64;
        self.arena.extend_from_slice(key.as_bytes());
        let before = self.arena.len();
        if let Some(record) = record {
            codec::encode_body_into(record, &mut self.arena);
        }
        self.entries.push(Entry {
            start,
            time: record.and_then(Record::time).map_or(NO_TIME, |t| t.0),
            line: u32::try_from(line).expect("a file of fewer than 2^32 lines"),
            key_len: u32::try_from(key.len()).expect("keys are short"),
            record_len: u32::try_from(self.arena.len() - before).expect("records are short"),
            op,
        });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `i`-th row.
    pub fn get(&self, i: usize) -> Row<'_> {
        let e = self.entries[i];
        let start = e.start as usize;
        let key_end = start + e.key_len as usize;
        let end = key_end + e.record_len as usize;
        Row {
            line: u64::from(e.line),
            op: e.op,
            key: std::str::from_utf8(&self.arena[start..key_end]).expect("keys are stored as text"),
            record: &self.arena[key_end..end],
            time: e.time,
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Gives back the arena's spare capacity once the file is read.
    pub fn shrink_to_fit(&mut self) {
        self.arena.shrink_to_fit();
        self.entries.shrink_to_fit();
    }

    /// Bytes held, for the import benchmark's accounting.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity() + self.entries.capacity() * std::mem::size_of::<Entry>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Fen, Sale};

    #[test]
    fn rows_give_back_what_was_pushed() {
        let sale = Record::Sale(Sale {
            sale_id: "S1".into(),
            customer_id: "C1".into(),
            vin: None,
            delivered_at: Timestamp(1_700_000_000),
            consultant_id: Some("XS003".into()),
            amount: Fen(19_137_050),
            referrer_id: None,
        });
        let mut rows = Rows::default();
        rows.push(2, Op::Add, "S1", Some(&sale));
        rows.push(3, Op::Void, "S2", None);
        rows.push(5, Op::Add, "S1", Some(&sale));
        assert_eq!(rows.len(), 3);
        let (a, v, b) = (rows.get(0), rows.get(1), rows.get(2));
        assert_eq!((a.line, a.op, a.key), (2, Op::Add, "S1"));
        assert_eq!(a.record(), Some(sale));
        assert_eq!(a.time(), Some(Timestamp(1_700_000_000)));
        assert_eq!(
            (v.line, v.op, v.key, v.record(), v.time()),
            (3, Op::Void, "S2", None, None)
        );
        assert_eq!(a.record_bytes(), b.record_bytes());
    }
}
