//! Reading a consistent snapshot of the store.

use std::collections::BTreeMap;

use redb::{
    Database, ReadOnlyDatabase, ReadTransaction, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, TableHandle,
};

use super::append::{Basis, ref_range};
use super::codec::decode;
use super::layers::{CURRENT_RECENT, Layers, REFS_RECENT};
use super::tables::{
    BY_TIME, CURRENT, ClosedStatement, CurrentEntry, HISTORY, IMPORTS, ImportEntry, LogEntry, META,
    META_FORMAT_VERSION, META_NEXT_IMPORT, META_NEXT_SEQ, Op, REF_COUNTS, REFS, counted,
    keyed_under, missing,
};
use super::{StoreError, guarded};
use rayon::prelude::*;

use crate::model::{
    ActionStep, ComplaintStep, Day, Fen, KEY_SEPARATOR, Kind, Record, SurveyAnswer, Timestamp,
    display_key,
};

type CurrentRead = Layers<redb::ReadOnlyTable<(u8, &'static str), &'static [u8]>>;
type RefsRead = Layers<redb::ReadOnlyTable<(u8, &'static str, u8, &'static str), ()>>;

/// `current` with its recent layer, to read (`store::layers`).
pub(super) fn open_current(txn: &ReadTransaction) -> Result<CurrentRead, StoreError> {
    Ok(Layers::read(
        txn.open_table(CURRENT)?,
        missing(txn.open_table(CURRENT_RECENT))?,
    ))
}

/// `refs` with its recent layer, to read (`store::layers`).
pub(super) fn open_refs(txn: &ReadTransaction) -> Result<RefsRead, StoreError> {
    Ok(Layers::read(
        txn.open_table(REFS)?,
        missing(txn.open_table(REFS_RECENT))?,
    ))
}

/// One read transaction: every read through it sees the same snapshot, however long it lives
/// and whatever imports commit meanwhile.
pub struct Reader {
    // Keeps a read-only handle alive for as long as the snapshot (None when borrowed from a
    // writer's handle).
    _db: Option<ReadOnlyDatabase>,
    txn: ReadTransaction,
    /// Facts derived from scratch into a temporary store, read instead of the store's own
    /// (`store::facts`).
    pub(super) scratch: Option<super::facts::ScratchFacts>,
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
    /// The store's format (`meta` `format_version`; see `store::stored`).
    pub format_version: u64,
    /// (kind, current records, stored versions) for every kind.
    pub kinds: Vec<(Kind, u64, u64)>,
    pub imports: u64,
    pub last_import: Option<ImportEntry>,
}

impl Reader {
    /// The snapshot's transaction, for the other tables' readers of `store`.
    pub(super) fn txn(&self) -> &ReadTransaction {
        &self.txn
    }

    pub(super) fn new(db: ReadOnlyDatabase) -> Result<Reader, StoreError> {
        let txn = guarded(|| Ok(db.begin_read()?))?;
        Ok(Reader {
            _db: Some(db),
            txn,
            scratch: None,
        })
    }

    pub(super) fn from_database(db: &Database) -> Result<Reader, StoreError> {
        Ok(Reader {
            _db: None,
            txn: guarded(|| Ok(db.begin_read()?))?,
            scratch: None,
        })
    }

    /// The format version in `meta`, or `None` when the database has no such entry (it is
    /// not a careledger store).
    pub(super) fn format_version(&self) -> Result<Option<u64>, StoreError> {
        guarded(|| {
            let meta = match self.txn.open_table(META) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            Ok(meta.get(META_FORMAT_VERSION)?.map(|v| v.value()))
        })
    }

    /// The current record of a kind and key.
    pub fn get(&self, kind: Kind, key: &str) -> Result<Option<(u64, Record)>, StoreError> {
        guarded(|| {
            let table = open_current(&self.txn)?;
            match table.get((kind.code(), key))? {
                Some(bytes) => {
                    let entry = decode_current(kind, bytes.value())?;
                    Ok(Some((entry.seq, entry.record)))
                }
                None => Ok(None),
            }
        })
    }

    /// Calls `f` with every current record of a kind, in key order.
    pub fn for_each_current(
        &self,
        kind: Kind,
        mut f: impl FnMut(&Record) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let table = guarded(|| open_current(&self.txn))?;
        let mut range = guarded(|| Ok(table.range((kind.code(), "")..(kind.code() + 1, ""))?))?;
        // Each step reads inside the guard; `f` runs outside it (see `guarded`).
        while let Some(current) = guarded(|| match range.next() {
            Some(entry) => Ok(Some(decode_current(kind, entry?.1.value())?)),
            None => Ok(None),
        })? {
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
        let (by_time, current) =
            guarded(|| Ok((self.txn.open_table(BY_TIME)?, open_current(&self.txn)?)))?;
        let mut range =
            guarded(|| Ok(by_time.range((kind.code(), from.0, "")..(kind.code(), to.0, ""))?))?;
        while let Some(record) = guarded(|| {
            let Some(entry) = range.next() else {
                return Ok(None);
            };
            let (key, _) = entry?;
            let (_, time, key) = key.value();
            let bytes = current.get((kind.code(), key))?.ok_or_else(|| {
                damaged(crate::say!(
                    "by_time names {kind} `{key}`, which is not current",
                    "by_time 列出了 {kind} `{key}`，但它不是当前记录"
                ))
            })?;
            let record = decode_current(kind, bytes.value())?.record;
            if record.time() != Some(Timestamp(time)) {
                return Err(damaged(crate::say!(
                    "by_time files {kind} `{key}` under another time than its record's",
                    "by_time 把 {kind} `{key}` 归在与其记录不同的时间下"
                )));
            }
            Ok(Some(record))
        })? {
            f(&record)?;
        }
        Ok(())
    }

    /// Calls `f` with every current record that refers to a customer (as its owner, or as
    /// referrer: check the field), grouped by kind, in key order.
    pub fn for_each_referring_to_customer(
        &self,
        customer_id: &str,
        mut f: impl FnMut(Record) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let (refs, current) = guarded(|| Ok((open_refs(&self.txn)?, open_current(&self.txn)?)))?;
        let (lo, hi) = ref_range(Kind::Customer, customer_id);
        let mut range = guarded(|| Ok(refs.range(lo.as_tuple()..hi.as_tuple())?))?;
        while let Some(record) = guarded(|| {
            let Some(entry) = range.next() else {
                return Ok(None);
            };
            let (key, _) = entry?;
            let (_, _, source_code, source_key) = key.value();
            let source = Kind::from_code(source_code).ok_or_else(|| {
                damaged(crate::say!(
                    "refs names the record kind code {source_code}",
                    "refs 中出现记录类型代码 {source_code}"
                ))
            })?;
            let bytes = current.get((source_code, source_key))?.ok_or_else(|| {
                damaged(crate::say!(
                    "refs names `{source_key}`, which is not current",
                    "refs 列出了 `{source_key}`，但它不是当前记录"
                ))
            })?;
            Ok(Some(decode_current(source, bytes.value())?.record))
        })? {
            f(record)?;
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
        let mut count = 0u64;
        guarded(|| {
            let table = open_current(&self.txn)?;
            for (i, entry) in table.range((code, "")..(code + 1, ""))?.enumerate() {
                let (key, _) = entry?;
                if i > 0 && i % SLICE == 0 {
                    bounds.push(Some(key.value().1.to_owned()));
                }
                count += 1;
            }
            Ok(())
        })?;
        bounds.push(None);
        crate::progress::expect(crate::progress::Phase::Reading, count);
        let slices: Vec<Result<Vec<Record>, StoreError>> = bounds
            .par_windows(2)
            .map(|w| {
                guarded(|| {
                    let table = open_current(&self.txn)?;
                    let from = (code, w[0].as_deref().unwrap_or(""));
                    let range = match &w[1] {
                        Some(to) => table.range(from..(code, to.as_str()))?,
                        None => table.range(from..(code + 1, ""))?,
                    };
                    let mut records = Vec::with_capacity(SLICE);
                    for entry in range {
                        records.push(decode_current(kind, entry?.1.value())?.record);
                    }
                    crate::progress::advance(records.len() as u64);
                    Ok(records)
                })
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
        let records = self.current_under(Kind::SurveyAnswer, survey_id)?;
        Ok(records
            .into_iter()
            .filter_map(Record::into_survey_answer)
            .collect())
    }

    /// The current steps of one complaint, in key order: by step name (escalated, reopened,
    /// replied, resolved), then time. Sort by `at` for the order they happened in.
    pub fn steps_of_complaint(&self, complaint_id: &str) -> Result<Vec<ComplaintStep>, StoreError> {
        let records = self.current_under(Kind::ComplaintStep, complaint_id)?;
        Ok(records
            .into_iter()
            .filter_map(Record::into_complaint_step)
            .collect())
    }

    /// The current steps of one action, in key order: by step name (approved, done,
    /// verified), then time.
    pub fn steps_of_action(&self, action_id: &str) -> Result<Vec<ActionStep>, StoreError> {
        let records = self.current_under(Kind::ActionStep, action_id)?;
        Ok(records
            .into_iter()
            .filter_map(Record::into_action_step)
            .collect())
    }

    /// The current records of a composite-key kind whose first key part is `first`: the
    /// contiguous key range `FIRST\t` .. `FIRST\n` (see `KEY_SEPARATOR`), without a scan.
    fn current_under(&self, kind: Kind, first: &str) -> Result<Vec<Record>, StoreError> {
        debug_assert!(kind.key_columns() > 1);
        guarded(|| {
            let table = open_current(&self.txn)?;
            let code = kind.code();
            let (lo, hi) = (format!("{first}{KEY_SEPARATOR}"), format!("{first}\n"));
            let mut records = Vec::new();
            for entry in table.range((code, lo.as_str())..(code, hi.as_str()))? {
                // `decode_current` checks that the record is of `kind`.
                records.push(decode_current(kind, entry?.1.value())?.record);
            }
            Ok(records)
        })
    }

    /// The latest date-time any current record is dated by (see `Record::time`), or `None`
    /// for an empty store. Reports use it as "today" so that the clock is never read.
    ///
    /// Calendar days are left out: a calendar is a schedule, imported for the whole year
    /// ahead, not an event; counting it would move "today" to the last holiday listed.
    pub fn latest_time(&self) -> Result<Option<Timestamp>, StoreError> {
        guarded(|| {
            let by_time = self.txn.open_table(BY_TIME)?;
            let mut latest = None;
            for kind in Kind::ALL.into_iter().filter(|&k| k != Kind::CalendarDay) {
                if let Some(entry) = by_time
                    .range((kind.code(), i64::MIN, "")..(kind.code() + 1, i64::MIN, ""))?
                    .next_back()
                {
                    let time = Timestamp(entry?.0.value().1);
                    check_time(time)
                        .map_err(|e| damaged(crate::say!("by_time: {e}", "by_time：{e}")))?;
                    latest = latest.max(Some(time));
                }
            }
            Ok(latest)
        })
    }

    /// The number of current records of a kind.
    pub fn count_current(&self, kind: Kind) -> Result<u64, StoreError> {
        guarded(|| {
            let table = open_current(&self.txn)?;
            let mut n = 0;
            for entry in table.range((kind.code(), "")..(kind.code() + 1, ""))? {
                entry?;
                n += 1;
            }
            Ok(n)
        })
    }

    /// Every version of one record, oldest first.
    pub fn history(&self, kind: Kind, key: &str) -> Result<Vec<Version>, StoreError> {
        let mut log = super::log::Log::open(&self.txn)?;
        guarded(|| {
            let history = self.txn.open_table(HISTORY)?;
            let current = open_current(&self.txn)?;
            let imports = self.txn.open_table(IMPORTS)?;
            // `history` files every version but the current one (a store of format 1 filed
            // that one too).
            let mut seqs = Vec::new();
            for entry in history.range((kind.code(), key, 0)..=(kind.code(), key, u64::MAX))? {
                seqs.push(entry?.0.value().2);
            }
            if let Some(value) = current.get((kind.code(), key))? {
                seqs.push(decode_current(kind, value.value())?.seq);
            }
            seqs.sort_unstable();
            seqs.dedup();
            let mut versions = Vec::new();
            for seq in seqs {
                let entry = log.get(seq)?.ok_or_else(|| {
                    damaged(crate::say!(
                        "log entry {seq} is missing",
                        "日志条目 {seq} 缺失"
                    ))
                })?;
                if entry.kind != kind || entry.key != key {
                    return Err(damaged(crate::say!(
                        "history files log entry {seq} under another record",
                        "history 把日志条目 {seq} 归在另一条记录下"
                    )));
                }
                let import_bytes = imports.get(entry.import_id)?.ok_or_else(|| {
                    damaged(crate::say!(
                        "import {} is missing",
                        "第 {} 次导入缺失",
                        entry.import_id
                    ))
                })?;
                versions.push(Version {
                    seq,
                    entry,
                    import: decode_import(import_bytes.value())?,
                });
            }
            Ok(versions)
        })
    }

    /// Every import, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportEntry>, StoreError> {
        guarded(|| {
            let table = self.txn.open_table(IMPORTS)?;
            let mut out = Vec::new();
            for entry in table.iter()? {
                out.push(decode_import(entry?.1.value())?);
            }
            Ok(out)
        })
    }

    /// Every table the snapshot holds (records, indexes, imports, statements, kept facts),
    /// with its entries and bytes, in the order the store lists its tables.
    pub fn table_sizes(&self) -> Result<Vec<TableSize>, StoreError> {
        let mut sizer = Sizer {
            txn: &self.txn,
            sizes: Vec::new(),
        };
        super::tables::visit_tables(&mut sizer)?;
        super::facts::visit_tables(&mut sizer)?;
        Ok(sizer.sizes)
    }

    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let format_version = self.format_version()?.ok_or_else(|| {
            damaged(crate::say!(
                "the meta table has no format_version",
                "meta 表中没有 format_version"
            ))
        })?;
        // Each kind's versions, as the imports counted them when they wrote them (`verify`
        // holds these counts to the log's).
        let mut versions: BTreeMap<u8, u64> = BTreeMap::new();
        for import in self.imports()? {
            for counts in &import.counts {
                *versions.entry(counts.kind_code).or_default() += counts.written();
            }
        }
        let mut kinds = Vec::new();
        for kind in Kind::ALL {
            let versions = versions.get(&kind.code()).copied().unwrap_or(0);
            kinds.push((kind, self.count_current(kind)?, versions));
        }
        guarded(|| {
            let imports = self.txn.open_table(IMPORTS)?;
            let last_import = match imports.last()? {
                Some((_, v)) => Some(decode_import(v.value())?),
                None => None,
            };
            Ok(StoreStats {
                format_version,
                kinds,
                imports: imports.len()?,
                last_import,
            })
        })
    }
}

/// The tables an import is planned against, opened once from one read transaction.
pub(crate) struct SnapshotView {
    current: CurrentRead,
    history: redb::ReadOnlyTable<(u8, &'static str, u64), ()>,
    refs: RefsRead,
    /// `None` in a store of format 1, which listed every reference in `refs`.
    ref_counts: Option<redb::ReadOnlyTable<(u8, &'static str, u8), u64>>,
}

impl Reader {
    pub(crate) fn view(&self) -> Result<SnapshotView, StoreError> {
        guarded(|| {
            Ok(SnapshotView {
                current: open_current(&self.txn)?,
                history: self.txn.open_table(HISTORY)?,
                refs: open_refs(&self.txn)?,
                ref_counts: super::tables::missing(self.txn.open_table(REF_COUNTS))?,
            })
        })
    }

    /// The state an import planned against this snapshot starts from.
    pub fn basis(&self) -> Result<Basis, StoreError> {
        guarded(|| {
            let meta = self.txn.open_table(META)?;
            Ok(Basis {
                next_import: meta.get(META_NEXT_IMPORT)?.map_or(1, |v| v.value()),
                next_seq: meta.get(META_NEXT_SEQ)?.map_or(1, |v| v.value()),
            })
        })
    }
}

/// What an import is planned against (the import room's `View`): the current version of a
/// record, whether it ever had one, and the records that refer to it.
impl SnapshotView {
    /// The current (latest, non-void) version of a record.
    pub(crate) fn current(
        &self,
        kind: Kind,
        key: &str,
    ) -> Result<Option<CurrentEntry>, StoreError> {
        guarded(|| match self.current.get((kind.code(), key))? {
            Some(bytes) => Ok(Some(decode_current(kind, bytes.value())?)),
            None => Ok(None),
        })
    }

    /// Whether the record ever had a version (a voided record has, and is not current;
    /// `history` holds every version but the current one).
    pub(crate) fn has_history(&self, kind: Kind, key: &str) -> Result<bool, StoreError> {
        let range = (kind.code(), key, 0u64)..=(kind.code(), key, u64::MAX);
        guarded(|| {
            Ok(self.history.range(range)?.next().transpose()?.is_some()
                || self.current.get((kind.code(), key))?.is_some())
        })
    }

    /// Calls `f` with the kind and key of every current record that refers to this one.
    pub(crate) fn for_each_referrer(
        &self,
        kind: Kind,
        key: &str,
        f: &mut dyn FnMut(Kind, &str),
    ) -> Result<(), StoreError> {
        let (lo, hi) = ref_range(kind, key);
        let mut found: Vec<(Kind, String)> = Vec::new();
        guarded(|| {
            for entry in self.refs.range(lo.as_tuple()..hi.as_tuple())? {
                let (key, _) = entry?;
                let (_, _, source_code, source_key) = key.value();
                let source = Kind::from_code(source_code).ok_or_else(|| {
                    damaged(crate::say!(
                        "refs names kind code {source_code}, which is no kind",
                        "refs 中出现记录类型代码 {source_code}，但没有这种记录类型"
                    ))
                })?;
                // A store of format 1 listed these; they are read by key below.
                if keyed_under(kind) != Some(source) {
                    found.push((source, source_key.to_owned()));
                }
            }
            Ok(())
        })?;
        if let Some(counts) = &self.ref_counts {
            guarded(|| counted_referrers(counts, &self.current, kind, key, &mut found))?;
        }
        guarded(|| keyed_referrers(&self.current, kind, key, &mut found))?;
        // The callback runs outside the guard: a panic of ours stays a bug, not damage.
        for (source, key) in &found {
            f(*source, key);
        }
        Ok(())
    }
}

/// Adds to `found` the current records naming a record of a kind whose referrers
/// `ref_counts` counts ([`counted`]): for each source kind it counts, a scan of that kind's
/// current records — made only when there are any, which a void of such a record (refused
/// then) is the one thing to ask. The scan must find as many as the count says.
pub(super) fn counted_referrers(
    counts: &impl ReadableTable<(u8, &'static str, u8), u64>,
    current: &Layers<impl ReadableTable<(u8, &'static str), &'static [u8]>>,
    target: Kind,
    key: &str,
    found: &mut Vec<(Kind, String)>,
) -> Result<(), StoreError> {
    if !counted(target) {
        return Ok(());
    }
    let code = target.code();
    for entry in counts.range((code, key, 0u8)..=(code, key, u8::MAX))? {
        let (at, n) = entry?;
        let (source_code, n) = (at.value().2, n.value());
        let source = Kind::from_code(source_code).ok_or_else(|| {
            damaged(crate::say!(
                "ref_counts names kind code {source_code}, which is no kind",
                "ref_counts 中出现记录类型代码 {source_code}，但没有这种记录类型"
            ))
        })?;
        let mut seen = 0u64;
        for record in current.range((source_code, "")..(source_code + 1, ""))? {
            let (at, value) = record?;
            let entry = decode_current(source, value.value())?;
            if entry
                .record
                .references()
                .iter()
                .any(|r| r.target == target && r.key == key)
            {
                found.push((source, at.value().1.to_owned()));
                seen += 1;
            }
        }
        if seen != n {
            return Err(damaged(crate::say!(
                "ref_counts says {n} current {} name {target} `{}`; there are {seen}",
                "ref_counts 记有 {n} 条当前的 {} 引用 {target} `{}`；实际有 {seen} 条",
                source.name(),
                display_key(key)
            )));
        }
    }
    Ok(())
}

/// Adds to `found` the current records that name a record by the first part of their own
/// key ([`keyed_under`]: a survey's answers, a complaint's or an action's steps), from the
/// range of those keys in `current`. Ids hold no control character, so the range from
/// `KEY\t` to `KEY\n` holds exactly the keys whose first part is `KEY`.
pub(super) fn keyed_referrers(
    current: &Layers<impl ReadableTable<(u8, &'static str), &'static [u8]>>,
    target: Kind,
    key: &str,
    found: &mut Vec<(Kind, String)>,
) -> Result<(), StoreError> {
    let Some(source) = keyed_under(target) else {
        return Ok(());
    };
    let (lo, hi) = (format!("{key}{KEY_SEPARATOR}"), format!("{key}\n"));
    for entry in current.range((source.code(), lo.as_str())..(source.code(), hi.as_str()))? {
        let (at, _) = entry?;
        found.push((source, at.value().1.to_owned()));
    }
    Ok(())
}

/// Decodes a `current` value of a kind and checks it (see [`check_record`]).
fn decode_current(kind: Kind, bytes: &[u8]) -> Result<CurrentEntry, StoreError> {
    let entry: CurrentEntry = decode(bytes).map_err(|e| {
        damaged(crate::say!(
            "a current record of {kind} does not decode: {e}",
            "{kind} 的一条当前记录无法解码：{e}"
        ))
    })?;
    if entry.record.kind() != kind {
        return Err(damaged(crate::say!(
            "a {} is stored among the {}",
            "{} 混在 {} 之中",
            entry.record.kind().noun_said(),
            kind.name()
        )));
    }
    check_record(&entry.record).map_err(|e| {
        damaged(crate::say!(
            "{kind} `{}`: {e}",
            "{kind} `{}`：{e}",
            entry.record.key()
        ))
    })?;
    Ok(entry)
}

/// Decodes a `log` value and checks it.
pub(super) fn decode_log(seq: u64, bytes: &[u8]) -> Result<LogEntry, StoreError> {
    let entry: LogEntry = decode(bytes).map_err(|e| {
        damaged(crate::say!(
            "log entry {seq} does not decode: {e}",
            "日志条目 {seq} 无法解码：{e}"
        ))
    })?;
    let problem = match (&entry.op, &entry.record) {
        (Op::Add, None) => Some(crate::say!("an add without a record", "新增操作没有记录")),
        (Op::Void, Some(_)) => Some(crate::say!("a void with a record", "作废操作带有记录")),
        (_, Some(r)) if r.kind() != entry.kind || r.key() != entry.key => {
            Some(crate::say!("a record of another key", "记录属于另一个编号"))
        }
        (_, Some(r)) => check_record(r).err(),
        (Op::Void, None) => None,
    };
    match problem {
        Some(p) => Err(damaged(crate::say!(
            "log entry {seq}: {p}",
            "日志条目 {seq}：{p}"
        ))),
        None => Ok(entry),
    }
}

/// Decodes an `imports` value (whose conversion checks what `KindCounts::kind` relies on).
pub(super) fn decode_import(bytes: &[u8]) -> Result<ImportEntry, StoreError> {
    Ok(decode(bytes)?)
}

/// Checks a closed statement against its key and its hash, so that what reads it may rely
/// on a month label and on the JSON finance saw.
pub(super) fn check_statement(month: &str, statement: &ClosedStatement) -> Result<(), String> {
    if statement.month != month || crate::model::Period::parse_month(month).is_err() {
        return Err(crate::say!(
            "the statement filed under `{}` is for `{}`",
            "存放在 `{}` 下的结算单属于 `{}`",
            month.escape_debug(),
            statement.month.escape_debug()
        ));
    }
    if super::sha256_hex(statement.statement_json.as_bytes()) != statement.sha256 {
        return Err(crate::say!(
            "the statement of {month} does not match its SHA-256",
            "{month} 的结算单与其 SHA-256 不符"
        ));
    }
    Ok(())
}

/// The first and last moments a stored date may fall in: what the CSV parsers accept
/// (four-digit years). Anything outside is damage, and would overflow date arithmetic.
fn time_bounds() -> (Timestamp, Timestamp) {
    let first = Day::from_ymd(0, 1, 1).expect("year 0 is a date").start();
    let last = Day::from_ymd(9999, 12, 31)
        .expect("year 9999 is a date")
        .start();
    (first, Timestamp(last.0 + 86_399))
}

fn check_time(t: Timestamp) -> Result<(), String> {
    let (first, last) = time_bounds();
    if (first..=last).contains(&t) {
        Ok(())
    } else {
        Err(crate::say!(
            "the time {} seconds is not a date of years 0000-9999",
            "时间 {} 秒不是 0000-9999 年间的日期",
            t.0
        ))
    }
}

fn check_day(d: Day) -> Result<(), String> {
    check_time(Timestamp(i64::from(d.0) * 86_400))
}

fn check_score(score: u8) -> Result<(), String> {
    if (1..=5).contains(&score) {
        Ok(())
    } else {
        Err(crate::say!(
            "the score {score} is not 1-5",
            "分数 {score} 不在 1-5 之间"
        ))
    }
}

fn check_money(amount: Fen) -> Result<(), String> {
    // What `Fen::parse` accepts: no sign, at most 13 digits of yuan.
    const FEN_MAX: i64 = 10_i64.pow(15);
    if (0..FEN_MAX).contains(&amount.0) {
        Ok(())
    } else {
        Err(crate::say!(
            "the amount {} fen is out of range",
            "金额 {} 分超出范围",
            amount.0
        ))
    }
}

/// Checks the values of a decoded record that the derivations compute with: dates they do
/// calendar arithmetic on, scores they index by, amounts they add up. A damaged value
/// that still decodes would otherwise overflow, panic or silently skew a figure. Cheap: no
/// allocation; `verify` checks every cell as well.
pub(super) fn check_record(record: &Record) -> Result<(), String> {
    match record {
        Record::Staff(r) => {
            check_day(r.active_from)?;
            r.active_to.map_or(Ok(()), check_day)
        }
        Record::Customer(r) => check_day(r.created_on),
        Record::Sale(r) => {
            check_time(r.delivered_at)?;
            check_money(r.amount)
        }
        Record::ServiceOrder(r) => {
            check_time(r.opened_at)?;
            r.closed_at.map_or(Ok(()), check_time)?;
            check_money(r.revenue)
        }
        Record::Policy(r) => check_day(r.start_on),
        Record::Attempt(r) => check_time(r.at),
        Record::Survey(r) => {
            check_time(r.at)?;
            check_score(r.overall)
        }
        Record::SurveyAnswer(r) => check_score(r.score),
        Record::Complaint(r) => check_time(r.raised_at),
        Record::ComplaintStep(r) => check_time(r.at),
        Record::Action(r) => {
            check_day(r.raised_on)?;
            check_day(r.due_on)
        }
        Record::ActionStep(r) => check_time(r.at),
        Record::CalendarDay(r) => check_day(r.date),
    }
}

pub(super) fn damaged(what: String) -> StoreError {
    StoreError::Damaged(what)
}

/// One table's size in a snapshot ([`Reader::table_sizes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSize {
    pub name: String,
    pub entries: u64,
    /// The bytes of its keys and values.
    pub stored_bytes: u64,
    /// The bytes of its B-tree's branch pages and page headers.
    pub metadata_bytes: u64,
    /// The bytes left free inside its pages.
    pub fragmented_bytes: u64,
}

impl TableSize {
    /// Every byte its pages take.
    pub fn total(&self) -> u64 {
        self.stored_bytes + self.metadata_bytes + self.fragmented_bytes
    }
}

/// Measures each table it is shown; a table the store never made is left out.
struct Sizer<'a> {
    txn: &'a ReadTransaction,
    sizes: Vec<TableSize>,
}

impl super::backup::TableVisitor for Sizer<'_> {
    fn visit<K: redb::Key + 'static, V: redb::Value + 'static>(
        &mut self,
        table: redb::TableDefinition<K, V>,
    ) -> Result<(), StoreError> {
        let size = guarded(|| {
            let opened = match self.txn.open_table(table) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let stats = opened.stats()?;
            Ok(Some(TableSize {
                name: table.name().to_owned(),
                entries: opened.len()?,
                stored_bytes: stats.stored_bytes(),
                metadata_bytes: stats.metadata_bytes(),
                fragmented_bytes: stats.fragmented_bytes(),
            }))
        })?;
        self.sizes.extend(size);
        Ok(())
    }
}
