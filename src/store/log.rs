//! The log: every accepted version, in ingest order, only ever appended.
//!
//! Store format 2 keeps the log in **segments**: `log_segments` maps the sequence number of
//! a segment's first version to a value holding that version and the ones after it, with
//! consecutive numbers: byte 0 is the segment's encoding ([`SEGMENT_ENCODING`], 1), the rest
//! a zstd frame (`store::zframe`) of the versions, each as a 4-byte little-endian length and
//! then the `log` value format 1 wrote for it (`codec::encode` of a [`LogEntry`], its own
//! version byte first). An import fills a segment until it compresses to about 90 % of a
//! 16 KiB page ([`PAGE_FIT`]; reading one version decompresses its segment, tens of
//! microseconds), and its last segment ends with it: a segment never holds two imports'
//! versions, and none is ever rewritten.
//!
//! Store format 1 kept one `log` entry per version. A format-1 store keeps those where they
//! are; the versions a later import appends go into segments. So the log is `log`'s
//! entries, then `log_segments`', in one increasing order of sequence numbers (`verify`
//! checks it), and [`Log`] reads both as one.
//!
//! Why: one B-tree entry per version cost an import an insert per row and the store a
//! tenth of its bytes in page structure; versions of one kind appended in key order are
//! alike, and a segment of them compresses to about a fifth.

use redb::{ReadOnlyTable, ReadTransaction, Table, TableDefinition};

use super::codec::{EncodedRecord, encode_log_into};
use super::read::decode_log;
use super::tables::missing;
use super::tables::{LOG, LogEntry};
use super::{StoreError, guarded, zframe};

pub(crate) const LOG_SEGMENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("log_segments");

/// Byte 0 of a segment value: how the rest is encoded.
pub(super) const SEGMENT_ENCODING: u8 = 1;

/// A segment value stays within one 16 KiB page of redb's: a value just over it takes a page
/// of 32 KiB. Segments of a fixed 64 KiB of versions compressed to 14–15 KB on average, and
/// the ones over 16 KiB left the log's table 40 % free space at 500 000 customers.
pub(super) const PAGE_FIT: usize = 16 * 1024 - 128;

/// The versions' bytes a segment starts by aiming for; each segment written sets the next
/// one's aim by its compression, for 90 % of [`PAGE_FIT`].
const RAW_FIRST_AIM: usize = 56 * 1024;

/// The segment an import is filling, written to `log_segments` when full and when the
/// import ends.
pub(super) struct SegmentWriter {
    first: u64,
    next: u64,
    raw: Vec<u8>,
    /// Where each version's bytes end in `raw`.
    ends: Vec<usize>,
    /// The bytes of versions at which the segment is compressed and written.
    aim: usize,
}

impl Default for SegmentWriter {
    fn default() -> SegmentWriter {
        SegmentWriter {
            first: 0,
            next: 0,
            raw: Vec::new(),
            ends: Vec::new(),
            aim: RAW_FIRST_AIM,
        }
    }
}

impl SegmentWriter {
    /// Adds version `seq`, which follows the one added before it: `entry`, with `record` as
    /// its record when given ([`encode_log_into`]).
    pub(super) fn push(
        &mut self,
        segments: &mut Table<'_, u64, &'static [u8]>,
        seq: u64,
        entry: &LogEntry,
        record: Option<EncodedRecord<'_>>,
    ) -> Result<(), StoreError> {
        if self.raw.is_empty() {
            self.first = seq;
        } else {
            assert_eq!(
                seq, self.next,
                "a segment's versions are numbered one after another"
            );
        }
        self.next = seq + 1;
        // The length first, filled in once the value is encoded after it.
        let at = self.raw.len();
        self.raw.extend_from_slice(&[0; 4]);
        encode_log_into(entry, record, &mut self.raw);
        let len = self.raw.len() - at - 4;
        let len = u32::try_from(len).expect("a version is smaller than 4 GiB");
        self.raw[at..at + 4].copy_from_slice(&len.to_le_bytes());
        self.ends.push(self.raw.len());
        if self.raw.len() >= self.aim {
            self.write_some(segments)?;
        }
        Ok(())
    }

    /// Writes every version held, as one segment or more.
    pub(super) fn flush(
        &mut self,
        segments: &mut Table<'_, u64, &'static [u8]>,
    ) -> Result<(), StoreError> {
        while !self.raw.is_empty() {
            self.write_some(segments)?;
        }
        Ok(())
    }

    /// Writes the versions held as one segment, or, when they compress to more than
    /// [`PAGE_FIT`], the first of them that fit by their compression (keeping the rest).
    fn write_some(
        &mut self,
        segments: &mut Table<'_, u64, &'static [u8]>,
    ) -> Result<(), StoreError> {
        let aim = PAGE_FIT * 9 / 10;
        let mut frame = zframe::compress(&self.raw);
        let mut count = self.ends.len();
        if 1 + frame.len() > PAGE_FIT && count > 1 {
            let budget = self.raw.len() * aim / frame.len();
            count = self
                .ends
                .iter()
                .take_while(|&&end| end <= budget)
                .count()
                .max(1);
            frame = zframe::compress(&self.raw[..self.ends[count - 1]]);
        }
        let used = self.ends[count - 1];
        self.aim = (used * aim / frame.len().max(1)).clamp(4 * 1024, 256 * 1024);
        let mut value = Vec::with_capacity(1 + frame.len());
        value.push(SEGMENT_ENCODING);
        value.extend_from_slice(&frame);
        segments.insert(self.first, value.as_slice())?;
        self.raw.drain(..used);
        self.ends.drain(..count);
        for end in &mut self.ends {
            *end -= used;
        }
        self.first += count as u64;
        Ok(())
    }
}

/// A segment read back: its first sequence number and its versions' encoded values.
struct Segment {
    first: u64,
    raw: Vec<u8>,
    /// Where each version's value starts in `raw`, and its length.
    spans: Vec<(usize, usize)>,
}

impl Segment {
    fn read(first: u64, value: &[u8]) -> Result<Segment, StoreError> {
        let damaged = |why: String| {
            StoreError::Damaged(crate::say!(
                "the log segment from version {first} {why}",
                "从版本 {first} 起的日志段{why}"
            ))
        };
        let raw = match value.split_first() {
            Some((&SEGMENT_ENCODING, frame)) => zframe::decompress(frame)
                .map_err(|e| damaged(crate::say!("does not decompress: {e}", "无法解压：{e}")))?,
            Some((&other, _)) => {
                return Err(damaged(crate::say!(
                    "has encoding {other}; this careledger reads encoding {SEGMENT_ENCODING}",
                    "的编码为 {other}；本 careledger 读取编码 {SEGMENT_ENCODING}"
                )));
            }
            None => return Err(damaged(crate::say!("is empty", "为空"))),
        };
        let mut spans = Vec::new();
        let mut at = 0;
        while at < raw.len() {
            let Some(len) = raw.get(at..at + 4) else {
                return Err(damaged(crate::say!(
                    "ends inside a length",
                    "在一个长度字段中途结束"
                )));
            };
            let len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
            let start = at + 4;
            if raw.len() - start < len {
                return Err(damaged(crate::say!(
                    "ends inside a version",
                    "在一个版本中途结束"
                )));
            }
            spans.push((start, len));
            at = start + len;
        }
        if spans.is_empty() {
            return Err(damaged(crate::say!("holds no version", "不含任何版本")));
        }
        Ok(Segment { first, raw, spans })
    }

    /// One past its last version's sequence number.
    fn end(&self) -> u64 {
        self.first + self.spans.len() as u64
    }

    fn entry(&self, seq: u64) -> Option<Result<LogEntry, StoreError>> {
        let i = usize::try_from(seq.checked_sub(self.first)?).ok()?;
        let &(start, len) = self.spans.get(i)?;
        Some(decode_log(seq, &self.raw[start..start + len]))
    }
}

/// The log of one read snapshot: format 1's `log` entries and format 2's segments, read as
/// one. Keeps the last segment it read, so that reading versions near each other
/// decompresses each segment once.
pub(super) struct Log {
    entries: Option<ReadOnlyTable<u64, &'static [u8]>>,
    segments: Option<ReadOnlyTable<u64, &'static [u8]>>,
    last: Option<Segment>,
}

impl Log {
    pub(super) fn open(txn: &ReadTransaction) -> Result<Log, StoreError> {
        guarded(|| {
            Ok(Log {
                entries: missing(txn.open_table(LOG))?,
                segments: missing(txn.open_table(LOG_SEGMENTS))?,
                last: None,
            })
        })
    }

    /// Version `seq`, `None` when the log has none of that number.
    pub(super) fn get(&mut self, seq: u64) -> Result<Option<LogEntry>, StoreError> {
        guarded(|| {
            if let Some(entries) = &self.entries
                && let Some(value) = entries.get(seq)?
            {
                return decode_log(seq, value.value()).map(Some);
            }
            if let Some(last) = &self.last
                && let Some(entry) = last.entry(seq)
            {
                return entry.map(Some);
            }
            let Some(segments) = &self.segments else {
                return Ok(None);
            };
            let Some(found) = segments.range(..=seq)?.next_back() else {
                return Ok(None);
            };
            let (first, value) = found?;
            let segment = Segment::read(first.value(), value.value())?;
            let entry = segment.entry(seq).transpose()?;
            self.last = Some(segment);
            Ok(entry)
        })
    }

    /// Calls `f` with every version numbered in `[from, to)`, in order, each as it decodes
    /// (a version that does not is handed over as its error, and the scan goes on). A
    /// segment that cannot be read, or that overlaps the versions before it, is one error,
    /// numbered by its first version; the scan goes on after it.
    pub(super) fn scan(
        &self,
        from: u64,
        to: u64,
        f: &mut dyn FnMut(u64, Result<LogEntry, StoreError>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        guarded(|| {
            // One past the last version read: a segment must start at or after it.
            let mut end = 0;
            if let Some(entries) = &self.entries {
                for entry in entries.range(from..to)? {
                    let (seq, value) = entry?;
                    let seq = seq.value();
                    end = seq + 1;
                    f(seq, decode_log(seq, value.value()))?;
                }
            }
            let Some(segments) = &self.segments else {
                return Ok(());
            };
            // The segment holding `from` starts at or before it.
            let start = match segments.range(..=from)?.next_back() {
                Some(found) => found?.0.value(),
                None => from,
            };
            for found in segments.range(start..to)? {
                let (first, value) = found?;
                let first = first.value();
                if first < end {
                    f(
                        first,
                        Err(StoreError::Damaged(crate::say!(
                            "the log segment from version {first} overlaps the versions before it, up to {}",
                            "从版本 {first} 起的日志段与它之前的版本重叠（直到 {}）",
                            end - 1
                        ))),
                    )?;
                    continue;
                }
                let segment = match Segment::read(first, value.value()) {
                    Ok(segment) => segment,
                    Err(e) => {
                        f(first, Err(e))?;
                        end = first + 1;
                        continue;
                    }
                };
                for seq in segment.first.max(from)..segment.end().min(to) {
                    f(seq, segment.entry(seq).expect("within the segment"))?;
                }
                end = segment.end();
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use redb::{Database, ReadableDatabase, ReadableTable};

    use super::*;
    use crate::model::{Fen, Kind, Record, Sale, Timestamp};
    use crate::store::codec::encode;
    use crate::store::tables::Op;

    /// Version `seq` of a test log: a sale whose fields vary with it, every seventh a void.
    fn version(seq: u64) -> LogEntry {
        let key = format!("S{seq:06}");
        let record = (!seq.is_multiple_of(7)).then(|| {
            Record::Sale(Sale {
                sale_id: key.clone(),
                customer_id: format!("C{:05}", seq % 97),
                vin: None,
                delivered_at: Timestamp(1_700_000_000 + seq as i64 * 61),
                consultant_id: Some("XS003".into()),
                amount: Fen(seq as i64 * 1_000),
                referrer_id: None,
            })
        });
        LogEntry {
            import_id: 1 + seq / 1_000,
            kind: Kind::Sale,
            key,
            op: if record.is_some() { Op::Add } else { Op::Void },
            record,
        }
    }

    /// A store whose log holds versions 1..=`old` as format 1 wrote them (a `log` entry
    /// each), then `old + 1..=last` in segments, one writer for each two thousand versions
    /// (an import each).
    fn log_of(old: u64, last: u64) -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("log.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut entries = txn.open_table(LOG).unwrap();
            for seq in 1..=old {
                entries
                    .insert(seq, encode(&version(seq)).as_slice())
                    .unwrap();
            }
            let mut segments = txn.open_table(LOG_SEGMENTS).unwrap();
            let mut writer = SegmentWriter::default();
            for seq in old + 1..=last {
                writer
                    .push(&mut segments, seq, &version(seq), None)
                    .unwrap();
                if seq.is_multiple_of(2_000) {
                    writer.flush(&mut segments).unwrap();
                }
            }
            writer.flush(&mut segments).unwrap();
        }
        txn.commit().unwrap();
        (dir, db)
    }

    fn scanned(log: &Log, from: u64, to: u64) -> Vec<u64> {
        let mut seqs = Vec::new();
        log.scan(from, to, &mut |seq, entry| {
            assert_eq!(entry.unwrap(), version(seq));
            seqs.push(seq);
            Ok(())
        })
        .unwrap();
        seqs
    }

    /// 4 500 versions of about 55 bytes: format 1's 20, then segments that each fit a page
    /// (all but the last of each writer filled to at least half of it), never across a
    /// writer's end (each two thousand versions). Every version reads back, alone and in
    /// any range, across the two tables.
    #[test]
    fn versions_read_back_from_format_1_entries_and_segments_alike() {
        let (_dir, db) = log_of(20, 4_500);
        let txn = db.begin_read().unwrap();
        let segments: Vec<(u64, usize)> = txn
            .open_table(LOG_SEGMENTS)
            .unwrap()
            .iter()
            .unwrap()
            .map(|e| {
                let (first, value) = e.unwrap();
                (first.value(), value.value().len())
            })
            .collect();
        assert_eq!(segments[0].0, 21);
        let mut ends = Vec::new();
        for (i, &(first, bytes)) in segments.iter().enumerate() {
            let end = segments.get(i + 1).map_or(4_501, |s| s.0);
            assert!(bytes <= PAGE_FIT, "segment {first}: {bytes} bytes");
            // A writer's end closes a segment, and none holds versions of two writers.
            let last_of_writer = end == 2_001 || end == 4_001 || end == 4_501;
            assert_eq!(
                (first - 1) / 2_000,
                (end - 2) / 2_000,
                "segment {first}..{end}"
            );
            if !last_of_writer {
                assert!(bytes >= PAGE_FIT / 2, "segment {first}: {bytes} bytes");
            }
            ends.push(end);
        }
        assert!(ends.contains(&2_001) && ends.contains(&4_001));
        assert!(segments.len() >= 4, "{segments:?}");
        let mut log = Log::open(&txn).unwrap();
        for seq in [1, 20, 21, 999, 1_000, 1_001, 4_500, 3_333, 2, 4_499] {
            assert_eq!(log.get(seq).unwrap(), Some(version(seq)), "version {seq}");
        }
        assert_eq!(log.get(0).unwrap(), None);
        assert_eq!(log.get(4_501).unwrap(), None);
        let log = Log::open(&txn).unwrap();
        assert_eq!(scanned(&log, 0, u64::MAX), (1..=4_500).collect::<Vec<_>>());
        for (from, to) in [
            (5, 25),
            (20, 22),
            (21, 21),
            (990, 1_011),
            (1_500, 4_501),
            (4_500, 9_999),
        ] {
            assert_eq!(
                scanned(&log, from, to),
                (from..to.min(4_501)).collect::<Vec<_>>()
            );
        }
    }

    /// Versions that compress poorly (a pseudo-random VIN and customer each): the first
    /// segment's aim overshoots a page, so the writer keeps what does not fit for the next
    /// segment. Every segment still fits a page, and every version reads back.
    #[test]
    fn a_segment_that_would_not_fit_a_page_is_cut() {
        let noisy = |seq: u64| {
            let mut entry = version(seq);
            let mut x = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
            let mut text = String::new();
            for _ in 0..40 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                text.push(char::from(b'A' + (x % 26) as u8));
            }
            if let Some(Record::Sale(sale)) = &mut entry.record {
                sale.vin = Some(text[..17].to_owned());
                sale.customer_id = text[17..].to_owned();
            }
            entry
        };
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("log.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut segments = txn.open_table(LOG_SEGMENTS).unwrap();
            let mut writer = SegmentWriter::default();
            for seq in 1..=3_000 {
                writer.push(&mut segments, seq, &noisy(seq), None).unwrap();
            }
            writer.flush(&mut segments).unwrap();
        }
        txn.commit().unwrap();
        let txn = db.begin_read().unwrap();
        let sizes: Vec<usize> = txn
            .open_table(LOG_SEGMENTS)
            .unwrap()
            .iter()
            .unwrap()
            .map(|e| e.unwrap().1.value().len())
            .collect();
        assert!(sizes.iter().all(|&n| n <= PAGE_FIT), "{sizes:?}");
        assert!(sizes.len() >= 5, "{sizes:?}");
        // What makes this the case of a cut: the first aim's versions overshoot a page.
        let mut raw = Vec::new();
        let mut seq = 1;
        while raw.len() < RAW_FIRST_AIM {
            let value = encode(&noisy(seq));
            raw.extend_from_slice(&(value.len() as u32).to_le_bytes());
            raw.extend_from_slice(&value);
            seq += 1;
        }
        assert!(zframe::compress(&raw).len() > PAGE_FIT);
        let mut log = Log::open(&txn).unwrap();
        for seq in 1..=3_000 {
            assert_eq!(log.get(seq).unwrap(), Some(noisy(seq)), "version {seq}");
        }
    }

    /// A store of format 1 has no segments table, a store of format 2 no `log`.
    #[test]
    fn either_table_may_be_missing() {
        for (old, last) in [(30, 30), (0, 30)] {
            let dir = tempfile::tempdir().unwrap();
            let db = Database::create(dir.path().join("log.redb")).unwrap();
            let txn = db.begin_write().unwrap();
            if old > 0 {
                let mut entries = txn.open_table(LOG).unwrap();
                for seq in 1..=old {
                    entries
                        .insert(seq, encode(&version(seq)).as_slice())
                        .unwrap();
                }
            } else {
                let mut segments = txn.open_table(LOG_SEGMENTS).unwrap();
                let mut writer = SegmentWriter::default();
                for seq in 1..=last {
                    writer
                        .push(&mut segments, seq, &version(seq), None)
                        .unwrap();
                }
                writer.flush(&mut segments).unwrap();
            }
            txn.commit().unwrap();
            let txn = db.begin_read().unwrap();
            let mut log = Log::open(&txn).unwrap();
            assert_eq!(log.get(17).unwrap(), Some(version(17)));
            assert_eq!(scanned(&log, 1, 31), (1..=30).collect::<Vec<_>>());
        }
    }

    /// A segment that cannot be read is one error, numbered by its first version; the scan
    /// goes on with the next, and reading a version in it fails rather than guess.
    #[test]
    fn a_damaged_or_overlapping_segment_is_named_and_passed() {
        let (_dir, db) = log_of(0, 3_000);
        let txn = db.begin_write().unwrap();
        {
            let mut segments = txn.open_table(LOG_SEGMENTS).unwrap();
            let firsts: Vec<u64> = segments
                .iter()
                .unwrap()
                .map(|e| e.unwrap().0.value())
                .collect();
            assert_eq!(firsts[0], 1);
            let second = firsts[1];
            segments.insert(second, b"\x01not zstd".as_slice()).unwrap();
            // A copy of the first segment filed as starting at 2: it overlaps version 1's.
            let copy = segments.get(1).unwrap().unwrap().value().to_vec();
            segments.insert(2_999, copy.as_slice()).unwrap();
            assert!(firsts.len() >= 3 && second < 2_999, "{firsts:?}");
        }
        txn.commit().unwrap();
        let txn = db.begin_read().unwrap();
        let second = txn
            .open_table(LOG_SEGMENTS)
            .unwrap()
            .iter()
            .unwrap()
            .nth(1)
            .unwrap()
            .unwrap()
            .0
            .value();
        let log = Log::open(&txn).unwrap();
        let mut errors = Vec::new();
        let mut good = 0;
        log.scan(0, u64::MAX, &mut |seq, entry| {
            match entry {
                Ok(_) => good += 1,
                Err(e) => errors.push((seq, e.to_string())),
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].0, second);
        assert!(
            errors[0].1.contains(&format!(
                "the log segment from version {second} does not decompress"
            )),
            "{errors:?}"
        );
        assert_eq!(errors[1].0, 2_999);
        assert!(
            errors[1].1.contains("overlaps the versions before it"),
            "{errors:?}"
        );
        let mut log = Log::open(&txn).unwrap();
        assert!(log.get(second + 1).is_err());
        assert_eq!(log.get(1).unwrap(), Some(version(1)));
        // The segments' versions but the damaged one's, less those the copy hides (2 998).
        assert!(good > 0 && good < 3_000, "{good}");
    }

    /// A segment's own framing: each length and version whole, at least one version.
    #[test]
    fn a_segment_cut_short_is_damage() {
        let mut raw = Vec::new();
        let value = encode(&version(1));
        raw.extend_from_slice(&(value.len() as u32).to_le_bytes());
        raw.extend_from_slice(&value);
        let frame = |raw: &[u8]| [&[SEGMENT_ENCODING][..], &zframe::compress(raw)].concat();
        assert_eq!(Segment::read(1, &frame(&raw)).unwrap().end(), 2);
        for (cut, why) in [
            (&raw[..2], "ends inside a length"),
            (&raw[..raw.len() - 1], "ends inside a version"),
            (&raw[..0], "holds no version"),
        ] {
            let e = Segment::read(1, &frame(cut)).err().unwrap().to_string();
            assert!(e.contains(why), "{e}");
        }
        let e = Segment::read(1, &[2, 0]).err().unwrap().to_string();
        assert!(
            e.contains("has encoding 2; this careledger reads encoding 1"),
            "{e}"
        );
    }
}
