//! What the import works on: the files of one import command, each with its rows kept
//! compact (`Rows`, records in the store's encoding), the errors its parsing found, and the
//! bounded list of rejections the planner adds to. These types are the import room's, so the
//! CSV room (`csvio`) depends on it and never the reverse: `csvio` fills a batch; the import
//! plans it and hands the store typed versions. The store never sees a batch.

use std::fmt;
use std::path::PathBuf;

use crate::model::{Kind, Record, Timestamp, echo, redact_message};
use crate::store::{EncodedRecord, Op, encode_record_into};

/// How many errors an import lists before it only counts the rest.
pub const ERRORS_SHOWN_MAX: usize = 50;

/// One problem with the input, located as `FILE:LINE: column: reason`.
///
/// Error lists end up in terminals, CI logs and e-mails, so an error never carries a cell in
/// full (PIPL): [`ImportError::new`] passes the reason through [`redact_message`] (cells
/// quoted in backticks are masked, escaped and cut short; 11-digit runs are masked anywhere)
/// and the column through [`echo`] (a column named by a header cell is input too). The file
/// and line are the operator's own path and a number, and stay as they are. `Display`
/// redacts again, for an error built field by field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    /// 1-based line of the row (the header is line 1); `None` for a whole-file problem.
    pub line: Option<u64>,
    /// The column, or `-` when the problem is not in one cell.
    pub column: String,
    pub reason: String,
}

impl ImportError {
    pub fn new(file: &str, line: Option<u64>, column: &str, reason: impl Into<String>) -> Self {
        ImportError {
            file: file.to_owned(),
            line,
            column: echo(column),
            reason: redact_message(&reason.into()),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Both are idempotent: an error made by `new` prints exactly as stored.
        let (column, reason) = (echo(&self.column), redact_message(&self.reason));
        match self.line {
            Some(line) => write!(f, "{}:{}: {}: {}", self.file, line, column, reason),
            None => write!(f, "{}: {}: {}", self.file, column, reason),
        }
    }
}

/// The errors of an import, bounded: the first [`ERRORS_SHOWN_MAX`] in file and line order
/// are kept, the rest only counted, so a file of a million bad rows cannot exhaust memory.
#[derive(Debug, Default)]
pub struct ErrorSink {
    /// A max-heap of the smallest (file, line, arrival) seen, at most `ERRORS_SHOWN_MAX`.
    kept: std::collections::BinaryHeap<Placed>,
    total: u64,
    arrival: u64,
}

/// An error with its place in the report's order: file as given, line, then arrival (so the
/// cells of one row keep their column order).
#[derive(Debug)]
struct Placed {
    order: (usize, u64, u64),
    error: ImportError,
}

impl PartialEq for Placed {
    fn eq(&self, other: &Self) -> bool {
        self.order == other.order
    }
}
impl Eq for Placed {}
impl PartialOrd for Placed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Placed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order.cmp(&other.order)
    }
}

/// Why an import was rejected: the first errors in file and line order, and how many there
/// were in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejections {
    pub errors: Vec<ImportError>,
    pub total: u64,
}

impl ErrorSink {
    pub fn new() -> ErrorSink {
        ErrorSink::default()
    }

    /// Adds an error of the `file`-th file (in the order given).
    pub fn push(&mut self, file: usize, error: ImportError) {
        self.total += 1;
        self.arrival += 1;
        let placed = Placed {
            order: (file, error.line.unwrap_or(0), self.arrival),
            error,
        };
        if self.kept.len() < ERRORS_SHOWN_MAX {
            self.kept.push(placed);
        } else if self.kept.peek().is_some_and(|largest| placed < *largest) {
            self.kept.pop();
            self.kept.push(placed);
        }
    }

    /// Adds the row errors of a parsed file, and counts those it only counted.
    pub fn extend_parsed(&mut self, file: usize, parsed: &ParsedFile) {
        self.extend_file(file, &parsed.errors, parsed.errors_total);
    }

    /// Adds the row errors a file kept (its first ones), and counts the `total` it had.
    pub fn extend_file(&mut self, file: usize, kept: &[ImportError], total: u64) {
        for e in kept {
            self.push(file, e.clone());
        }
        // A file keeps its first errors in line order: the ones it dropped come after
        // `ERRORS_SHOWN_MAX` of its own, so they can never be among the first shown.
        self.total += total - kept.len() as u64;
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Takes the errors of a sink filled apart (on another thread), as if they were pushed
    /// here in their order: what it kept, and the count of what it left out — each of those
    /// comes after `ERRORS_SHOWN_MAX` of its own errors, so this sink would leave it out too.
    pub fn merge(&mut self, other: ErrorSink) {
        let left_out = other.total - other.kept.len() as u64;
        for placed in other.kept.into_sorted_vec() {
            self.push(placed.order.0, placed.error);
        }
        self.total += left_out;
    }

    pub fn finish(self) -> Rejections {
        Rejections {
            errors: self
                .kept
                .into_sorted_vec()
                .into_iter()
                .map(|p| p.error)
                .collect(),
            total: self.total,
        }
    }
}

/// A file to import and the kind it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    pub kind: Kind,
}

impl Source {
    pub fn display(&self) -> String {
        self.path.display().to_string()
    }
}

/// A parsed file: the rows that parsed, and the errors of those that did not.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    pub source: Source,
    pub sha256: String,
    pub rows: Rows,
    /// Errors of single rows, the first `ERRORS_SHOWN_MAX` of them. The file is still
    /// checked against the store, so one run lists every problem; an import with any error
    /// writes nothing.
    pub errors: Vec<ImportError>,
    /// How many row errors the file has, including those not kept in `errors`.
    pub errors_total: u64,
    /// Keys of rows that failed to parse, so that rows referring to them are not also
    /// reported as dangling references.
    pub failed_keys: Vec<String>,
    pub warnings: Vec<String>,
}

/// A file read in chunks (`csvio::parse_file_in_chunks`): everything a [`ParsedFile`] holds
/// but its rows, which went to the reader's caller a chunk at a time, in file order.
#[derive(Clone, Debug)]
pub struct StreamedFile {
    pub source: Source,
    pub sha256: String,
    /// How many rows parsed (and were handed over).
    pub rows: u64,
    /// As [`ParsedFile::errors`].
    pub errors: Vec<ImportError>,
    pub errors_total: u64,
    pub failed_keys: Vec<String>,
    pub warnings: Vec<String>,
}

// The parsed rows of a file, kept compact: one arena of bytes (each row's key, then its
// record in the store's encoding, `store::EncodedRecord`) and a fixed-size entry per row. A
// file of millions of rows thus costs about its encoded size, with no allocation per row to
// keep; a row's record is decoded when it is needed (a plan decodes each net row once or
// twice).
//
// Two rows' records are equal exactly when their encodings are (see `EncodedRecord`), so the
// planner compares bytes.

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
    record: EncodedRecord<'a>,
    time: i64,
}

impl<'a> Row<'a> {
    /// The parsed record; `None` on a void row.
    pub fn record(&self) -> Option<Record> {
        (self.op == Op::Add).then(|| {
            self.record
                .decode()
                .expect("rows hold records they encoded themselves")
        })
    }

    /// The record's encoding: equal exactly when the records are.
    pub fn record_bytes(&self) -> &'a [u8] {
        self.record.as_bytes()
    }

    /// The record in the store's encoding, as the store appends it; `None` on a void row.
    pub fn encoded(&self) -> Option<EncodedRecord<'a>> {
        (self.op == Op::Add).then_some(self.record)
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
        let time = record.and_then(Record::time);
        self.push_with(line, op, key, time, |arena| {
            if let Some(record) = record {
                encode_record_into(record, arena);
            }
        });
    }

    /// Appends a row whose record is already in the store's encoding (empty on a void row),
    /// with its date: a row read back from where it was set aside.
    pub fn push_encoded(
        &mut self,
        line: u64,
        op: Op,
        key: &str,
        record: &[u8],
        time: Option<Timestamp>,
    ) {
        debug_assert_eq!(op == Op::Add, !record.is_empty());
        self.push_with(line, op, key, time, |arena| arena.extend_from_slice(record));
    }

    /// Appends a row: its key, then what `record` writes into the arena.
    fn push_with(
        &mut self,
        line: u64,
        op: Op,
        key: &str,
        time: Option<Timestamp>,
        record: impl FnOnce(&mut Vec<u8>),
    ) {
        let start = self.arena.len() as u64;
        self.arena.extend_from_slice(key.as_bytes());
        let before = self.arena.len();
        record(&mut self.arena);
        self.entries.push(Entry {
            start,
            time: time.map_or(NO_TIME, |t| t.0),
            line: u32::try_from(line).expect("a file of fewer than 2^32 lines"),
            key_len: u32::try_from(key.len()).expect("keys are short"),
            record_len: u32::try_from(self.arena.len() - before).expect("records are short"),
            op,
        });
    }

    /// Empties the rows, keeping the memory for the next ones.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.entries.clear();
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
            record: EncodedRecord::from_bytes(&self.arena[key_end..end]),
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

    /// Sinks filled apart and merged in order keep and count what one sink filled with every
    /// error in that order would: here 130 errors (two on each line, in column order), past
    /// `ERRORS_SHOWN_MAX` within a share and in all.
    #[test]
    fn merged_sinks_keep_what_one_sink_keeps() {
        let errors: Vec<(usize, ImportError)> = (0..65u64)
            .flat_map(|n| {
                // Shares hold lines out of file order: the sink orders them.
                let (file, line) = ((n % 2) as usize, 200 - n);
                ["a", "b"]
                    .map(|column| (file, ImportError::new("f.csv", Some(line), column, "bad")))
            })
            .collect();
        let mut one = ErrorSink::new();
        for (file, e) in errors.clone() {
            one.push(file, e);
        }
        let mut merged = ErrorSink::new();
        for share in errors.chunks(54) {
            let mut apart = ErrorSink::new();
            for (file, e) in share.iter().cloned() {
                apart.push(file, e);
            }
            merged.merge(apart);
        }
        let (one, merged) = (one.finish(), merged.finish());
        assert_eq!(merged, one);
        assert_eq!(one.total, 130);
        assert_eq!(one.errors.len(), ERRORS_SHOWN_MAX);
        // File 0 first, its lines from the lowest (200 - 64 = 136), each line's columns in
        // order: worked out from the loop above, not read back.
        let first: Vec<(u64, &str)> = one.errors[..4]
            .iter()
            .map(|e| (e.line.unwrap(), e.column.as_str()))
            .collect();
        assert_eq!(first, [(136, "a"), (136, "b"), (138, "a"), (138, "b")]);
    }

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

    /// Regression (issue 10): every error of a bad file was kept in memory; a file of
    /// millions of bad rows could exhaust it. The sink keeps the first 50 in file and line
    /// order, whatever order they arrive in, and counts the rest.
    #[test]
    fn the_error_sink_keeps_the_first_errors_in_order_and_counts_all() {
        let mut sink = ErrorSink::new();
        for line in (2..10_002u64).rev() {
            sink.push(1, ImportError::new("b.csv", Some(line), "x", "bad"));
        }
        sink.push(0, ImportError::new("a.csv", Some(7), "y", "first"));
        sink.push(0, ImportError::new("a.csv", Some(7), "z", "second"));
        let r = sink.finish();
        assert_eq!(r.total, 10_002);
        assert_eq!(r.errors.len(), ERRORS_SHOWN_MAX);
        // a.csv first, its two errors of line 7 in arrival order; then b.csv from line 2.
        assert_eq!(
            (r.errors[0].column.as_str(), r.errors[1].column.as_str()),
            ("y", "z")
        );
        let lines: Vec<u64> = r.errors[2..].iter().map(|e| e.line.unwrap()).collect();
        assert_eq!(lines, (2..50).collect::<Vec<u64>>());
    }
}
