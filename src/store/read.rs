//! Reading a consistent snapshot of the store.

use redb::{
    Database, ReadOnlyDatabase, ReadTransaction, ReadableDatabase, ReadableTable,
    ReadableTableMetadata,
};

use super::StoreError;
use super::apply::{Basis, ref_range};
use super::codec::decode;
use super::plan::View;
use super::tables::{
    BY_TIME, CURRENT, ClosedStatement, CurrentEntry, HISTORY, IMPORTS, ImportEntry, LOG, LogEntry,
    META, META_NEXT_IMPORT, META_NEXT_SEQ, REFS, STATEMENTS,
};
use rayon::prelude::*;

use crate::model::{KEY_SEPARATOR, Kind, Record, SurveyAnswer, Timestamp};

/// One read transaction: every read through it sees the same snapshot, however long it lives
/// and whatever imports commit meanwhile.
pub struct Reader {
    // Keeps a read-only handle alive for as long as the snapshot (None when borrowed from a
    // writer's handle).
    _db: Option<ReadOnlyDatabase>,
    txn: ReadTransaction,
}

/// One stored version of a record, with the import that brought it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub seq: u64,
    pub entry: LogEntry,
    pub import: ImportEntry,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreStats {
    /// (kind, current records, stored versions) for every kind.
    pub kinds: Vec<(Kind, u64, u64)>,
    pub imports: u64,
    pub last_import: Option<ImportEntry>,
}

impl Reader {
    pub(super) fn new(db: ReadOnlyDatabase) -> Result<Reader, StoreError> {
        let txn = db.begin_read()?;
        Ok(Reader { _db: Some(db), txn })
    }

    pub(super) fn from_database(db: &Database) -> Result<Reader, StoreError> {
        Ok(Reader {
            _db: None,
            txn: db.begin_read()?,
        })
    }

    /// The current record of a kind and key.
    pub fn get(&self, kind: Kind, key: &str) -> Result<Option<(u64, Record)>, StoreError> {
        let table = self.txn.open_table(CURRENT)?;
        match table.get((kind.code(), key))? {
            Some(bytes) => {
                let entry: CurrentEntry = decode(bytes.value())?;
                Ok(Some((entry.seq, entry.record)))
            }
            None => Ok(None),
        }
    }

    /// Calls `f` with every current record of a kind, in key order.
    pub fn for_each_current(
        &self,
        kind: Kind,
        mut f: impl FnMut(&Record) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let table = self.txn.open_table(CURRENT)?;
        for entry in table.range((kind.code(), "")..(kind.code() + 1, ""))? {
            let (_, value) = entry?;
            let current: CurrentEntry = decode(value.value())?;
            debug_assert_eq!(current.record.kind(), kind);
            f(&current.record)?;
        }
        Ok(())
    }

    /// Calls `f` with every current record of a kind dated in `[from, to)` (see
    /// `Record::time`), in order of time then key: one month of one kind without reading
    /// the rest. Survey answers have no date and are never visited.
    pub fn for_each_in_period(
        &self,
        kind: Kind,
        from: Timestamp,
        to: Timestamp,
        mut f: impl FnMut(&Record) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let by_time = self.txn.open_table(BY_TIME)?;
        let current = self.txn.open_table(CURRENT)?;
        for entry in by_time.range((kind.code(), from.0, "")..(kind.code(), to.0, ""))? {
            let (key, _) = entry?;
            let (_, _, key) = key.value();
            let bytes = current.get((kind.code(), key))?.ok_or_else(|| {
                damaged(format!(
                    "by_time names {kind} `{key}`, which is not current"
                ))
            })?;
            f(&decode::<CurrentEntry>(bytes.value())?.record)?;
        }
        Ok(())
    }

    /// Calls `f` with every current record that refers to a customer (as its owner, or as
    /// referrer: check the field), grouped by kind, in key order.
    pub fn for_each_referring_to_customer(
        &self,
        customer_id: &str,
        mut f: impl FnMut(&Record) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let refs = self.txn.open_table(REFS)?;
        let current = self.txn.open_table(CURRENT)?;
        let (lo, hi) = ref_range(Kind::Customer, customer_id);
        for entry in refs.range(lo.as_tuple()..hi.as_tuple())? {
            let (key, _) = entry?;
            let (_, _, source_code, source_key) = key.value();
            let bytes = current.get((source_code, source_key))?.ok_or_else(|| {
                damaged(format!("refs names `{source_key}`, which is not current"))
            })?;
            f(&decode::<CurrentEntry>(bytes.value())?.record)?;
        }
        Ok(())
    }

    /// Every current record of a kind, in key order.
    ///
    /// A first pass reads only keys and keeps every `SLICE`-th one as a boundary; then rayon
    /// threads each scan one slice of the key range and decode it, all through this one read
    /// transaction, so every slice reads the same snapshot. The slices are concatenated in
    /// key order: the result does not depend on the thread count.
    pub fn current_records(&self, kind: Kind) -> Result<Vec<Record>, StoreError> {
        const SLICE: usize = 16_384;
        let code = kind.code();
        let mut bounds: Vec<Option<String>> = vec![None];
        {
            let table = self.txn.open_table(CURRENT)?;
            for (i, entry) in table.range((code, "")..(code + 1, ""))?.enumerate() {
                let (key, _) = entry?;
                if i > 0 && i % SLICE == 0 {
                    bounds.push(Some(key.value().1.to_owned()));
                }
            }
        }
        bounds.push(None);
        let slices: Vec<Result<Vec<Record>, StoreError>> = bounds
            .par_windows(2)
            .map(|w| {
                let table = self.txn.open_table(CURRENT)?;
                let from = (code, w[0].as_deref().unwrap_or(""));
                let range = match &w[1] {
                    Some(to) => table.range(from..(code, to.as_str()))?,
                    None => table.range(from..(code + 1, ""))?,
                };
                let mut records = Vec::with_capacity(SLICE);
                for entry in range {
                    records.push(decode::<CurrentEntry>(entry?.1.value())?.record);
                }
                Ok(records)
            })
            .collect();
        let mut records = Vec::new();
        for slice in slices {
            records.extend(slice?);
        }
        Ok(records)
    }

    /// The current answers of one survey, by question.
    pub fn answers_of(&self, survey_id: &str) -> Result<Vec<SurveyAnswer>, StoreError> {
        let table = self.txn.open_table(CURRENT)?;
        let code = Kind::SurveyAnswer.code();
        let (lo, hi) = (
            format!("{survey_id}{KEY_SEPARATOR}"),
            format!("{survey_id}\n"),
        );
        let mut answers = Vec::new();
        for entry in table.range((code, lo.as_str())..(code, hi.as_str()))? {
            match decode::<CurrentEntry>(entry?.1.value())?.record {
                Record::SurveyAnswer(a) => answers.push(a),
                other => {
                    return Err(damaged(format!(
                        "{} stored among survey answers",
                        other.key()
                    )));
                }
            }
        }
        Ok(answers)
    }

    /// The latest date-time any current record is dated by (see `Record::time`), or `None`
    /// for an empty store. Reports use it as "today" so that the clock is never read.
    pub fn latest_time(&self) -> Result<Option<Timestamp>, StoreError> {
        let by_time = self.txn.open_table(BY_TIME)?;
        let mut latest = None;
        for kind in Kind::ALL {
            if let Some(entry) = by_time
                .range((kind.code(), i64::MIN, "")..(kind.code() + 1, i64::MIN, ""))?
                .next_back()
            {
                let time = Timestamp(entry?.0.value().1);
                latest = latest.max(Some(time));
            }
        }
        Ok(latest)
    }

    /// Every closed payout statement, oldest month first.
    pub fn closed_statements(&self) -> Result<Vec<ClosedStatement>, StoreError> {
        let table = match self.txn.open_table(STATEMENTS) {
            Ok(t) => t,
            // A store written before statements existed has no such table: nothing closed.
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for entry in table.iter()? {
            out.push(decode(entry?.1.value())?);
        }
        Ok(out)
    }

    /// The number of current records of a kind.
    pub fn count_current(&self, kind: Kind) -> Result<u64, StoreError> {
        let table = self.txn.open_table(CURRENT)?;
        let mut n = 0;
        for entry in table.range((kind.code(), "")..(kind.code() + 1, ""))? {
            entry?;
            n += 1;
        }
        Ok(n)
    }

    /// Every version of one record, oldest first.
    pub fn history(&self, kind: Kind, key: &str) -> Result<Vec<Version>, StoreError> {
        let history = self.txn.open_table(HISTORY)?;
        let log = self.txn.open_table(LOG)?;
        let imports = self.txn.open_table(IMPORTS)?;
        let mut versions = Vec::new();
        for entry in history.range((kind.code(), key, 0)..=(kind.code(), key, u64::MAX))? {
            let seq = entry?.0.value().2;
            let bytes = log
                .get(seq)?
                .ok_or_else(|| damaged(format!("log entry {seq} is missing")))?;
            let entry: LogEntry = decode(bytes.value())?;
            let import_bytes = imports
                .get(entry.import_id)?
                .ok_or_else(|| damaged(format!("import {} is missing", entry.import_id)))?;
            versions.push(Version {
                seq,
                entry,
                import: decode(import_bytes.value())?,
            });
        }
        Ok(versions)
    }

    /// Every import, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportEntry>, StoreError> {
        let table = self.txn.open_table(IMPORTS)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            out.push(decode(entry?.1.value())?);
        }
        Ok(out)
    }

    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let history = self.txn.open_table(HISTORY)?;
        let imports = self.txn.open_table(IMPORTS)?;
        let mut kinds = Vec::new();
        for kind in Kind::ALL {
            let mut versions = 0;
            for entry in history.range((kind.code(), "", 0)..(kind.code() + 1, "", 0))? {
                entry?;
                versions += 1;
            }
            kinds.push((kind, self.count_current(kind)?, versions));
        }
        let last_import = match imports.last()? {
            Some((_, v)) => Some(decode(v.value())?),
            None => None,
        };
        Ok(StoreStats {
            kinds,
            imports: imports.len()?,
            last_import,
        })
    }
}

/// The tables an import is planned against, opened once from one read transaction.
pub(crate) struct SnapshotView {
    current: redb::ReadOnlyTable<(u8, &'static str), &'static [u8]>,
    history: redb::ReadOnlyTable<(u8, &'static str, u64), ()>,
    refs: redb::ReadOnlyTable<(u8, &'static str, u8, &'static str), ()>,
}

impl Reader {
    pub(crate) fn view(&self) -> Result<SnapshotView, StoreError> {
        Ok(SnapshotView {
            current: self.txn.open_table(CURRENT)?,
            history: self.txn.open_table(HISTORY)?,
            refs: self.txn.open_table(REFS)?,
        })
    }

    /// The state an import planned against this snapshot starts from.
    pub(crate) fn basis(&self) -> Result<Basis, StoreError> {
        let meta = self.txn.open_table(META)?;
        Ok(Basis {
            next_import: meta.get(META_NEXT_IMPORT)?.map_or(1, |v| v.value()),
            next_seq: meta.get(META_NEXT_SEQ)?.map_or(1, |v| v.value()),
        })
    }
}

impl View for SnapshotView {
    fn current(&self, kind: Kind, key: &str) -> Result<Option<CurrentEntry>, StoreError> {
        match self.current.get((kind.code(), key))? {
            Some(bytes) => Ok(Some(decode(bytes.value())?)),
            None => Ok(None),
        }
    }

    fn has_history(&self, kind: Kind, key: &str) -> Result<bool, StoreError> {
        let range = (kind.code(), key, 0u64)..=(kind.code(), key, u64::MAX);
        Ok(self.history.range(range)?.next().transpose()?.is_some())
    }

    fn for_each_referrer(
        &self,
        kind: Kind,
        key: &str,
        f: &mut dyn FnMut(Kind, &str),
    ) -> Result<(), StoreError> {
        let (lo, hi) = ref_range(kind, key);
        for entry in self.refs.range(lo.as_tuple()..hi.as_tuple())? {
            let (key, _) = entry?;
            let (_, _, source_code, source_key) = key.value();
            let source = Kind::from_code(source_code).ok_or_else(|| {
                damaged(format!(
                    "refs names kind code {source_code}, which is no kind"
                ))
            })?;
            f(source, source_key);
        }
        Ok(())
    }
}

fn damaged(what: String) -> StoreError {
    StoreError::Codec(super::codec::CodecError::Damaged(what))
}
