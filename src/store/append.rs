//! The store's write side of an import: typed record versions in, a typed outcome out, all in
//! one write transaction (DOMAIN.md section 3).
//!
//! The store does not decide what an import does, and knows nothing of CSV files or import
//! rows: its caller (the import room) decides, against a read snapshot, and hands the store
//! the versions to append with the [`Basis`] it decided against. The store checks that basis inside its write transaction: when another
//! import was committed meanwhile, nothing is written and the transaction comes back open
//! ([`Stale`]), so the caller decides again against exactly the state it will append to.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use redb::{ReadableTable, Table, WriteTransaction};

use super::codec::{EncodedRecord, decode, encode, encode_current};
use super::layers::{CURRENT_RECENT, Layers, REFS_RECENT};
use super::log::{LOG_SEGMENTS, SegmentWriter};
use super::read::Reader;
use super::runs::{RunEntry, get_first_byte, get_str, merge_runs, put_str, write_run};
use super::tables::{
    BY_TIME, CURRENT, CurrentEntry, HISTORY, IMPORTS, ImportEntry, ImportFile, KindCounts,
    LogEntry, META, META_FORMAT_VERSION, META_NEXT_IMPORT, META_NEXT_SEQ, Op, REF_COUNTS, REFS,
    STORE_FORMAT, counted, keyed_under, kind_name,
};
use super::{Store, StoreError};
use crate::model::{Kind, Record, display_key};

/// The state of the store an import was decided against: equal bases mean no import was
/// committed in between (closing a month does not change what an import does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Basis {
    pub(super) next_import: u64,
    pub(super) next_seq: u64,
}

impl Basis {
    /// A store with nothing in it (also what a store file that does not exist yet holds).
    pub const EMPTY: Basis = Basis {
        next_import: 1,
        next_seq: 1,
    };

    /// The id the next import committed on this basis gets.
    pub fn next_import(self) -> u64 {
        self.next_import
    }
}

/// One record version to append: an `add` with its record, or a `void` of its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewVersion<'a> {
    pub kind: Kind,
    pub key: &'a str,
    pub op: Op,
    /// The record in the store's encoding on an `add`; `None` on a `void`.
    pub record: Option<EncodedRecord<'a>>,
    /// The key has no current version on the basis the append is made on, as a plan
    /// against that basis found (an added key): the append does not look it up again. A
    /// monthly increment is nearly all such keys, and the lookups were a third of its
    /// append's samples, on one thread. `false` always works; `true` for a key the basis
    /// holds would leave its current version's index entries behind (debug builds assert
    /// that it does not).
    pub new_key: bool,
}

/// What the import log keeps of an import: everything of an [`ImportEntry`] but the id, which
/// the store gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewImport {
    /// When the import ran, as the caller's wall clock said (`YYYY-MM-DD HH:MM:SS`).
    pub at: String,
    pub amend: bool,
    pub files: Vec<ImportFile>,
    /// Per kind, what the versions do; their `written` counts add up to the versions given.
    pub counts: Vec<KindCounts>,
}

/// What an append did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Appended {
    /// The versions were appended and the import logged as `import_id`.
    Committed { import_id: u64, versions: u64 },
    /// There was no version to append: nothing was committed and nothing logged (importing
    /// the same files again leaves no trace). `next_import` is the id it would have got.
    Unchanged { next_import: u64 },
}

/// An import's write transaction, still open, whose basis is not the one the import was
/// decided against: another import was committed meanwhile. Nothing has been written. While
/// it lives no other import can commit, so an import decided again against
/// [`Stale::reader`] is appended to exactly the state it was decided against.
#[must_use = "append through it, or abort it"]
pub struct Stale<'s> {
    store: &'s Store,
    txn: WriteTransaction,
    basis: Basis,
}

impl Store {
    /// Appends an import's versions, in the order given, moves the current view and the
    /// indexes with them and logs the import, all in one write transaction; or, when `basis`
    /// is no longer the store's, writes nothing and returns the open transaction
    /// (`Ok(Err(Stale))`). The transaction excludes every other writer.
    ///
    /// # Panics
    /// When the versions do not match `import.counts` (as many as they count written), or a
    /// version is inconsistent in itself (an `add` without a record, a `void` with one, a
    /// `void` of a key that is not current): the caller decided them against this basis.
    pub fn append<'v>(
        &self,
        basis: Basis,
        import: NewImport,
        versions: impl IntoIterator<Item = NewVersion<'v>>,
    ) -> Result<Result<Appended, Stale<'_>>, StoreError> {
        let stale = self.begin_append()?;
        if stale.basis != basis {
            return Ok(Err(stale));
        }
        stale.append(import, versions).map(Ok)
    }

    /// Appends an import whose versions are decided as they are appended: `body` pushes
    /// them through an [`Appender`], reading the state they leave, and returns the import's
    /// log entry to commit it, or `None` to write nothing (a rejected import). Nothing is
    /// committed either when no version was pushed, or when `body` fails. The transaction
    /// excludes every other writer, so there is no basis to check: `body` decides against
    /// the state it appends to.
    ///
    /// # Panics
    /// When the versions pushed do not match `import.counts` (as many as they count
    /// written).
    pub fn append_streamed<T, E: From<StoreError>>(
        &self,
        body: impl FnOnce(&mut Appender<'_>) -> Result<(Option<NewImport>, T), E>,
    ) -> Result<(Appended, T), E> {
        let Stale { txn, basis, .. } = self.begin_append()?;
        let mut appender = Appender::open(&txn, basis, self.fold_min)?;
        let (import, value) = match body(&mut appender) {
            Ok(decided) => decided,
            Err(e) => {
                drop(appender);
                txn.abort().map_err(StoreError::from)?;
                return Err(e);
            }
        };
        let written = appender.finish()?;
        let Some(import) = import.filter(|_| written > 0) else {
            txn.abort().map_err(StoreError::from)?;
            return Ok((
                Appended::Unchanged {
                    next_import: basis.next_import,
                },
                value,
            ));
        };
        assert_eq!(
            written,
            import.counts.iter().map(KindCounts::written).sum::<u64>(),
            "the sequence advances by the versions the import counts written"
        );
        log_import(&txn, basis, import, written)?;
        txn.commit().map_err(StoreError::from)?;
        Ok((
            Appended::Committed {
                import_id: basis.next_import,
                versions: written,
            },
            value,
        ))
    }

    /// Opens an import's write transaction and reads the basis it starts from.
    fn begin_append(&self) -> Result<Stale<'_>, StoreError> {
        let txn = self.db.begin_write()?;
        let basis = {
            let meta = txn.open_table(META)?;
            Basis {
                next_import: meta.get(META_NEXT_IMPORT)?.map_or(1, |v| v.value()),
                next_seq: meta.get(META_NEXT_SEQ)?.map_or(1, |v| v.value()),
            }
        };
        Ok(Stale {
            store: self,
            txn,
            basis,
        })
    }
}

impl Stale<'_> {
    /// The state the transaction appends to.
    pub fn basis(&self) -> Basis {
        self.basis
    }

    /// A read snapshot of the state the transaction appends to: taken while the transaction
    /// is open, when no other writer can commit.
    pub fn reader(&self) -> Result<Reader, StoreError> {
        let reader = self.store.reader()?;
        debug_assert_eq!(reader.basis()?, self.basis, "no writer commits meanwhile");
        Ok(reader)
    }

    /// Appends the versions on this transaction's own basis (see [`Store::append`]).
    pub fn append<'v>(
        self,
        import: NewImport,
        versions: impl IntoIterator<Item = NewVersion<'v>>,
    ) -> Result<Appended, StoreError> {
        let Stale { txn, basis, store } = self;
        let written = append_versions(&txn, basis, store.fold_min, &import, versions)?;
        if written == 0 {
            txn.abort()?;
            return Ok(Appended::Unchanged {
                next_import: basis.next_import,
            });
        }
        log_import(&txn, basis, import, written)?;
        txn.commit()?;
        Ok(Appended::Committed {
            import_id: basis.next_import,
            versions: written,
        })
    }

    /// Ends the transaction without writing anything.
    pub fn abort(self) -> Result<(), StoreError> {
        self.txn.abort()?;
        Ok(())
    }
}

type Tbl<'t, K, V> = Table<'t, K, V>;

/// Appends the versions from the basis' sequence number on, and moves the current view and
/// the indexes with them. Returns how many were appended. Asserts after writing that they
/// are the versions `import.counts` counts.
fn append_versions<'v>(
    txn: &WriteTransaction,
    basis: Basis,
    fold_min: u64,
    import: &NewImport,
    versions: impl IntoIterator<Item = NewVersion<'v>>,
) -> Result<u64, StoreError> {
    let mut appender = Appender::open(txn, basis, fold_min)?;
    // A store that has never held a version has no current record to replace: the first
    // import (all of a dealership's history, or a network's) skips a lookup per record.
    let first = basis.next_seq == Basis::EMPTY.next_seq;
    for version in versions {
        debug_assert!(
            !version.new_key || appender.current(version.kind, version.key)?.is_none(),
            "a version marked new_key has a current version"
        );
        let old = match first || version.new_key {
            true => None,
            false => appender.current(version.kind, version.key)?,
        };
        appender.push(version, old.map(|o| o.record).as_ref())?;
    }
    let written = appender.finish()?;
    assert_eq!(
        written,
        import.counts.iter().map(KindCounts::written).sum::<u64>(),
        "the sequence advances by the versions the import counts written"
    );
    Ok(written)
}

/// An import's write transaction, taking versions one at a time while its caller reads the
/// state they leave: the streamed import decides each key against the records of the kinds
/// it has already appended (see [`Store::append_streamed`]). Reads see every version pushed
/// so far; `refs` only after [`Appender::for_each_referrer`] writes the pending index
/// entries.
pub struct Appender<'t> {
    segments: Tbl<'t, u64, &'static [u8]>,
    segment: SegmentWriter,
    history: Tbl<'t, (u8, &'static str, u64), ()>,
    current: Layers<Tbl<'t, (u8, &'static str), &'static [u8]>>,
    by_time: TimeTable<'t>,
    refs: RefTable<'t>,
    ref_counts: CountTable<'t>,
    pending: IndexDeltas,
    import_id: u64,
    first_seq: u64,
    next_seq: u64,
    /// The least entries a recent layer holds before it is folded (`Store::fold_min`).
    fold_min: u64,
}

impl<'t> Appender<'t> {
    fn open(
        txn: &'t WriteTransaction,
        basis: Basis,
        fold_min: u64,
    ) -> Result<Appender<'t>, StoreError> {
        let mut appender = Appender {
            segments: txn.open_table(LOG_SEGMENTS)?,
            segment: SegmentWriter::default(),
            history: txn.open_table(HISTORY)?,
            current: Layers::write(txn.open_table(CURRENT)?, txn.open_table(CURRENT_RECENT)?)?,
            by_time: txn.open_table(BY_TIME)?,
            refs: Layers::write(txn.open_table(REFS)?, txn.open_table(REFS_RECENT)?)?,
            ref_counts: txn.open_table(REF_COUNTS)?,
            pending: IndexDeltas::default(),
            import_id: basis.next_import,
            first_seq: basis.next_seq,
            next_seq: basis.next_seq,
            fold_min,
        };
        let format = txn
            .open_table(META)?
            .get(META_FORMAT_VERSION)?
            .map(|v| v.value());
        if format == Some(1) {
            appender.count_listed_references()?;
        }
        Ok(appender)
    }

    /// A store of format 1 listed every reference in `refs`; format 2 counts those to the
    /// kinds [`counted`] says, and leaves out those a key implies ([`keyed_under`]). The
    /// first import into a format-1 store makes it so, in its own transaction (it marks the
    /// store format 2 when it commits).
    fn count_listed_references(&mut self) -> Result<(), StoreError> {
        for target in Kind::ALL {
            let Some(source) = keyed_under(target) else {
                continue;
            };
            let code = target.code();
            let range = (code, "", 0u8, "")..(code + 1, "", 0u8, "");
            self.refs
                .main
                .retain_in(range, |(_, _, kind, _), _| kind != source.code())?;
        }
        for target in Kind::ALL.into_iter().filter(|k| counted(*k)) {
            let code = target.code();
            let range = (code, "", 0u8, "")..(code + 1, "", 0u8, "");
            let mut tally: BTreeMap<(String, u8), u64> = BTreeMap::new();
            for entry in self.refs.main.range(range.clone())? {
                let (key, _) = entry?;
                let (_, target_key, source, _) = key.value();
                *tally.entry((target_key.to_owned(), source)).or_default() += 1;
            }
            self.refs.main.retain_in(range, |_, _| false)?;
            for ((target_key, source), n) in tally {
                self.ref_counts
                    .insert((code, target_key.as_str(), source), n)?;
            }
        }
        Ok(())
    }

    /// The sequence number of the first version this transaction appends: a current record
    /// of a lower one was not written by it.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// Sets the index entries that this import adds aside in sorted runs in files in
    /// `folder` (a private one: the entries hold ids) whenever its buffer fills, and merges
    /// them into `by_time` and `refs` in one pass in key order at the end: each page is then
    /// written once and left full, where a buffer written as it fills leaves the pages it
    /// splits half empty on every pass over the index (at 500 000 customers, a first import
    /// left 1.0 GiB of the 2.0 GiB of `refs` free space). The files have no name (they go
    /// when the import does, however it ends).
    ///
    /// The buffer then holds at most `text_max` bytes of ids (and about as much again of
    /// entries) before it is set aside; at most 32 MiB (`INDEX_TEXT_MAX`).
    pub fn spill_index_in(&mut self, folder: &Path, text_max: usize) {
        self.pending.text_max = text_max.min(INDEX_TEXT_MAX);
        self.pending.spill = Some(IndexSpill {
            folder: folder.to_owned(),
            time_runs: Vec::new(),
            ref_runs: Vec::new(),
        });
    }

    /// Whether the store held no version before this transaction.
    pub fn started_empty(&self) -> bool {
        self.first_seq == Basis::EMPTY.next_seq
    }

    /// The current version of a record, with the versions pushed so far.
    pub fn current(&self, kind: Kind, key: &str) -> Result<Option<CurrentEntry>, StoreError> {
        match self.current.get((kind.code(), key))? {
            Some(bytes) => Ok(Some(decode(bytes.value())?)),
            None => Ok(None),
        }
    }

    /// Whether the record has a current version, with the versions pushed so far (read
    /// without decoding it).
    pub fn exists(&self, kind: Kind, key: &str) -> Result<bool, StoreError> {
        Ok(self.current.get((kind.code(), key))?.is_some())
    }

    /// Whether the record ever had a version, pushed so far or stored before (`history`
    /// holds every version but the current one).
    pub fn has_history(&self, kind: Kind, key: &str) -> Result<bool, StoreError> {
        let range = (kind.code(), key, 0u64)..=(kind.code(), key, u64::MAX);
        Ok(self.history.range(range)?.next().transpose()?.is_some() || self.exists(kind, key)?)
    }

    /// Calls `f` with the kind, key and current sequence number of every current record that
    /// refers to this one, with the versions pushed so far (their pending index entries are
    /// written first).
    pub fn for_each_referrer(
        &mut self,
        kind: Kind,
        key: &str,
        f: &mut dyn FnMut(Kind, &str),
    ) -> Result<(), StoreError> {
        self.pending
            .flush(&mut self.by_time, &mut self.refs, &mut self.ref_counts)?;
        let (lo, hi) = ref_range(kind, key);
        for entry in self.refs.range(lo.as_tuple()..hi.as_tuple())? {
            let (key, _) = entry?;
            let (_, _, source_code, source_key) = key.value();
            let source = Kind::from_code(source_code).ok_or_else(|| {
                StoreError::Damaged(crate::say!(
                    "refs names kind code {source_code}, which is no kind",
                    "refs 中出现记录类型代码 {source_code}，但没有这种记录类型"
                ))
            })?;
            // Listed by a store of format 1 before this import made it format 2, and read
            // by key below.
            if keyed_under(kind) != Some(source) {
                f(source, source_key);
            }
        }
        let mut found = Vec::new();
        super::read::counted_referrers(&self.ref_counts, &self.current, kind, key, &mut found)?;
        super::read::keyed_referrers(&self.current, kind, key, &mut found)?;
        for (source, key) in &found {
            f(*source, key);
        }
        Ok(())
    }

    /// Appends one version; `old` is the record's current version as read through this
    /// appender (`None` when it has none), whose index entries it replaces. Returns its
    /// sequence number.
    ///
    /// # Panics
    /// On a version inconsistent in itself (an `add` without a record, a `void` with one).
    pub fn push(
        &mut self,
        version: NewVersion<'_>,
        old: Option<&Record>,
    ) -> Result<u64, StoreError> {
        let NewVersion { kind, key, op, .. } = version;
        let record = match (op, version.record) {
            (Op::Add, Some(encoded)) => Some((encoded.decode()?, encoded)),
            (Op::Void, None) => None,
            (op, record) => panic!(
                "a {} version {} a record",
                op.as_str(),
                if record.is_some() { "with" } else { "without" }
            ),
        };
        self.push_record(kind, key, record, old)
    }

    /// [`Appender::push`] of a version already decoded: an `add` of `record` with its
    /// encoding (which `log` and `current` store as it is), or a `void` when it is `None`.
    pub fn push_record(
        &mut self,
        kind: Kind,
        key: &str,
        record: Option<(Record, EncodedRecord<'_>)>,
        old: Option<&Record>,
    ) -> Result<u64, StoreError> {
        let (record, encoded) = record.unzip();
        let op = if record.is_some() { Op::Add } else { Op::Void };
        debug_assert!(
            record.is_some() || old.is_some(),
            "a void appended replaces a current record"
        );
        debug_assert!(
            record.is_none() || record.as_ref() != old,
            "an add appended changes its record"
        );
        let seq = self.next_seq;
        let entry = LogEntry {
            import_id: self.import_id,
            kind,
            key: key.to_owned(),
            op,
            record: None,
        };
        self.segment
            .push(&mut self.segments, seq, &entry, encoded)?;
        if let Some(old) = old {
            self.pending.unindex(old);
        }
        // `history` files every version but the current one: the version this one
        // supersedes, and a void (a store of format 1 filed the current one too, and still
        // does for the versions it holds).
        let superseded = match record.zip(encoded) {
            Some((record, encoded)) => {
                self.pending.index(&record);
                let (at, value) = ((kind.code(), key), encode_current(seq, encoded));
                // With no current version, as read through this appender, the key is in
                // neither layer of `current`; else it is replaced where it is.
                match old {
                    None => self.current.insert_new(at, value.as_slice(), decode_seq)?,
                    Some(_) => self.current.replace(at, value.as_slice(), decode_seq)?,
                }
            }
            None => {
                self.history.insert((kind.code(), key, seq), ())?;
                self.current.remove((kind.code(), key), decode_seq)?
            }
        };
        if let Some(superseded) = superseded {
            self.history.insert((kind.code(), key, superseded?), ())?;
        }
        if self.pending.is_full() {
            self.pending
                .set_aside(&mut self.by_time, &mut self.refs, &mut self.ref_counts)?;
        }
        self.next_seq += 1;
        Ok(seq)
    }

    /// Writes the pending index entries; returns how many versions were appended.
    fn finish(mut self) -> Result<u64, StoreError> {
        self.segment.flush(&mut self.segments)?;
        self.pending
            .flush(&mut self.by_time, &mut self.refs, &mut self.ref_counts)?;
        // The recent layers, folded when they have grown (`store::layers`).
        if self.current.fold_due(self.fold_min)? {
            self.current.fold()?;
        }
        if self.refs.fold_due(self.fold_min)? {
            self.refs.fold()?;
        }
        Ok(self.next_seq - self.first_seq)
    }
}

/// The sequence number a `current` value holds.
fn decode_seq(value: &[u8]) -> Result<u64, StoreError> {
    Ok(decode::<CurrentEntry>(value)?.seq)
}

/// Logs the import and moves the store's counters past it.
fn log_import(
    txn: &WriteTransaction,
    basis: Basis,
    import: NewImport,
    written: u64,
) -> Result<(), StoreError> {
    let mut imports = txn.open_table(IMPORTS)?;
    let mut meta = txn.open_table(META)?;
    let NewImport {
        at,
        amend,
        files,
        counts,
    } = import;
    let entry = ImportEntry {
        id: basis.next_import,
        at,
        amend,
        files,
        counts,
    };
    imports.insert(entry.id, encode(&entry).as_slice())?;
    meta.insert(META_NEXT_IMPORT, basis.next_import + 1)?;
    meta.insert(META_NEXT_SEQ, basis.next_seq + written)?;
    // A store of format 1 now holds segments: a careledger of format 1 would not see them.
    meta.insert(META_FORMAT_VERSION, STORE_FORMAT)?;
    Ok(())
}

/// The bounds of the `refs` entries that point at one record: ids hold no control
/// characters, so `key + "\0"` is greater than `key` and less than any longer key.
pub(super) fn ref_range(kind: Kind, key: &str) -> (RefBound, RefBound) {
    (
        RefBound {
            kind: kind.code(),
            key: key.to_owned(),
        },
        RefBound {
            kind: kind.code(),
            key: format!("{key}\0"),
        },
    )
}

pub(super) struct RefBound {
    kind: u8,
    key: String,
}

impl RefBound {
    pub(super) fn as_tuple(&self) -> (u8, &str, u8, &str) {
        (self.kind, &self.key, 0, "")
    }
}

/// The index entries an import adds and removes, held until there are many and then written
/// in key order: a B-tree filled in key order touches each page once and leaves it full,
/// where entries in the order their records come (`refs` by the referring record, keyed by
/// the referred one) touch pages at random and leave them half empty — about a third of the
/// store's bytes and most of an import's page reads before this. With a spill folder
/// ([`Appender::spill_index_in`]) the additions of a full buffer are set aside in sorted
/// runs instead, and all of them are merged into the indexes in one pass at the end.
///
/// Each version's key appears once in an import, and every index entry names its record's
/// own key, so no entry is both removed and added by different versions: removing all the
/// old entries, then adding all the new, gives what removing and adding version by version
/// gave — and so does removing them as they come and adding them at the end.
struct IndexDeltas {
    /// Every key the entries name, back to back; entries hold spans of it.
    text: String,
    time_removed: Vec<TimeEntry>,
    time_added: Vec<TimeEntry>,
    refs_removed: Vec<RefEntry>,
    refs_added: Vec<RefEntry>,
    /// The change to `ref_counts`: by target kind and key, by source kind code.
    counts: BTreeMap<u8, BTreeMap<String, [i64; KIND_CODES]>>,
    /// The text at which the buffer is written or set aside: `INDEX_TEXT_MAX` unless the
    /// import asks for less.
    text_max: usize,
    spill: Option<IndexSpill>,
}

impl Default for IndexDeltas {
    fn default() -> IndexDeltas {
        IndexDeltas {
            text: String::new(),
            time_removed: Vec::new(),
            time_added: Vec::new(),
            refs_removed: Vec::new(),
            refs_added: Vec::new(),
            counts: BTreeMap::new(),
            text_max: INDEX_TEXT_MAX,
            spill: None,
        }
    }
}

/// Where an import's index additions wait, sorted, for the end of the import.
struct IndexSpill {
    folder: PathBuf,
    time_runs: Vec<File>,
    ref_runs: Vec<File>,
}

/// A span of [`IndexDeltas::text`].
#[derive(Clone, Copy)]
struct Span(u32, u32);

/// A `by_time` entry: (kind, time, key).
#[derive(Clone, Copy)]
struct TimeEntry(u8, i64, Span);

/// A `refs` entry: (target kind, target key, kind, key).
#[derive(Clone, Copy)]
struct RefEntry(u8, Span, u8, Span);

/// Text held by the pending entries at which they are written (with the entries themselves
/// about twice that): bounds an import's memory whatever its size.
const INDEX_TEXT_MAX: usize = 32 << 20;

type TimeTable<'t> = Tbl<'t, (u8, i64, &'static str), ()>;
type RefTable<'t> = Layers<Tbl<'t, (u8, &'static str, u8, &'static str), ()>>;
type CountTable<'t> = Tbl<'t, (u8, &'static str, u8), u64>;

/// Kind codes run from 1 to the number of kinds: a list indexed by code has one more.
const KIND_CODES: usize = Kind::ALL.len() + 1;

impl IndexDeltas {
    fn span(&mut self, text: &str) -> Span {
        let start = u32::try_from(self.text.len()).expect("pending index text under 4 GiB");
        self.text.push_str(text);
        Span(start, text.len() as u32)
    }

    fn str(&self, span: Span) -> &str {
        &self.text[span.0 as usize..(span.0 + span.1) as usize]
    }

    fn time_key(&self, e: &TimeEntry) -> (u8, i64, &str) {
        (e.0, e.1, self.str(e.2))
    }

    fn ref_key(&self, e: &RefEntry) -> (u8, &str, u8, &str) {
        (e.0, self.str(e.1), e.2, self.str(e.3))
    }

    /// A record's `by_time` and `refs` entries; its references to the kinds [`counted`]
    /// says are counted (`sign` is 1 for a record indexed, -1 for one unindexed).
    fn entries(&mut self, record: &Record, sign: i64) -> (Option<TimeEntry>, Vec<RefEntry>) {
        let (kind, key) = (record.kind().code(), record.key());
        let own = self.span(&key);
        let time = record.time().map(|time| TimeEntry(kind, time.0, own));
        let mut refs = Vec::new();
        let source = record.kind();
        for r in record.references() {
            if keyed_under(r.target) == Some(source) {
                continue;
            }
            if counted(r.target) {
                let by_key = self.counts.entry(r.target.code()).or_default();
                let counts = match by_key.get_mut(r.key) {
                    Some(counts) => counts,
                    None => by_key.entry(r.key.to_owned()).or_default(),
                };
                counts[usize::from(kind)] += sign;
            } else {
                refs.push(RefEntry(r.target.code(), self.span(r.key), kind, own));
            }
        }
        (time, refs)
    }

    fn index(&mut self, record: &Record) {
        let (time, refs) = self.entries(record, 1);
        self.time_added.extend(time);
        self.refs_added.extend(refs);
    }

    fn unindex(&mut self, record: &Record) {
        let (time, refs) = self.entries(record, -1);
        self.time_removed.extend(time);
        self.refs_removed.extend(refs);
    }

    /// Adds the pending changes of the counts to `ref_counts` (a count that reaches 0 is
    /// removed) and empties them.
    fn write_counts(&mut self, table: &mut CountTable) -> Result<(), StoreError> {
        for (target, by_key) in std::mem::take(&mut self.counts) {
            for (key, changes) in by_key {
                for (source, change) in changes.into_iter().enumerate() {
                    if change == 0 {
                        continue;
                    }
                    let entry = (target, key.as_str(), source as u8);
                    let was = table.get(entry)?.map_or(0, |v| v.value());
                    let now = i128::from(was) + i128::from(change);
                    match u64::try_from(now) {
                        Ok(0) => drop(table.remove(entry)?),
                        Ok(now) => drop(table.insert(entry, now)?),
                        Err(_) => {
                            return Err(StoreError::Damaged(crate::say!(
                                "ref_counts counts {was} {} naming {} `{}`, fewer than the {} this import takes away",
                                "ref_counts 记有 {was} 条 {} 引用 {} `{}`，少于本次导入要去掉的 {} 条",
                                kind_name(source as u8),
                                kind_name(target),
                                display_key(&key),
                                -change
                            )));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn is_full(&self) -> bool {
        self.text.len() >= self.text_max
    }

    /// Sorts every pending list in key order.
    fn sort(&mut self) {
        let mut lists = (
            std::mem::take(&mut self.time_removed),
            std::mem::take(&mut self.time_added),
            std::mem::take(&mut self.refs_removed),
            std::mem::take(&mut self.refs_added),
        );
        for list in [&mut lists.0, &mut lists.1] {
            list.sort_unstable_by(|a, b| self.time_key(a).cmp(&self.time_key(b)));
        }
        for list in [&mut lists.2, &mut lists.3] {
            list.sort_unstable_by(|a, b| self.ref_key(a).cmp(&self.ref_key(b)));
        }
        (
            self.time_removed,
            self.time_added,
            self.refs_removed,
            self.refs_added,
        ) = lists;
    }

    /// The buffer is full: the removals are written now, the additions too, or set aside in
    /// a sorted run each when there is a spill folder.
    fn set_aside(
        &mut self,
        by_time: &mut TimeTable,
        refs: &mut RefTable,
        counts: &mut CountTable,
    ) -> Result<(), StoreError> {
        if self.spill.is_none() {
            return self.flush(by_time, refs, counts);
        }
        self.write_counts(counts)?;
        self.sort();
        self.write_removals(by_time, refs)?;
        self.spill_additions()?;
        self.clear();
        Ok(())
    }

    /// Writes every pending entry (removals first) and every run set aside, in key order,
    /// and empties the buffers.
    fn flush(
        &mut self,
        by_time: &mut TimeTable,
        refs: &mut RefTable,
        counts: &mut CountTable,
    ) -> Result<(), StoreError> {
        self.write_counts(counts)?;
        self.sort();
        self.write_removals(by_time, refs)?;
        let runs_waiting = self
            .spill
            .as_ref()
            .is_some_and(|s| !s.time_runs.is_empty() || !s.ref_runs.is_empty());
        if runs_waiting {
            // The rest joins the runs, and all of them are merged in one pass.
            self.spill_additions()?;
            let spill = self.spill.as_mut().expect("runs are waiting");
            let folder = spill.folder.clone();
            let io = |e: std::io::Error| super::io_error(super::FileAction::Read, &folder, &e);
            merge_runs(std::mem::take(&mut spill.time_runs), |e: TimeOwned| {
                by_time.insert((e.0, e.1, e.2.as_str()), ()).map(drop)
            })
            .map_err(|e| e.into_store(io))?;
            merge_runs(std::mem::take(&mut spill.ref_runs), |e: RefOwned| {
                refs.insert_new((e.0, e.1.as_str(), e.2, e.3.as_str()), (), drop)
                    .map(drop)
            })
            .map_err(|e| e.into_store(io))?;
        } else {
            for e in &self.time_added {
                by_time.insert(self.time_key(e), ())?;
            }
            for e in &self.refs_added {
                refs.insert_new(self.ref_key(e), (), drop)?;
            }
        }
        self.clear();
        Ok(())
    }

    fn write_removals(
        &self,
        by_time: &mut TimeTable,
        refs: &mut RefTable,
    ) -> Result<(), StoreError> {
        for e in &self.time_removed {
            by_time.remove(self.time_key(e))?;
        }
        for e in &self.refs_removed {
            refs.remove(self.ref_key(e), drop)?;
        }
        Ok(())
    }

    /// Writes the (sorted) additions to a new run of each index.
    fn spill_additions(&mut self) -> Result<(), StoreError> {
        let Some(spill) = &self.spill else {
            return Ok(());
        };
        let folder = spill.folder.clone();
        let io = |e: std::io::Error| super::io_error(super::FileAction::Write, &folder, &e);
        let time_run = write_run(&folder, self.time_added.iter(), |out, e| {
            put_time(out, self.time_key(e));
        })
        .map_err(io)?;
        let ref_run = write_run(&folder, self.refs_added.iter(), |out, e| {
            put_ref(out, self.ref_key(e));
        })
        .map_err(io)?;
        let spill = self.spill.as_mut().expect("checked above");
        spill.time_runs.extend(time_run);
        spill.ref_runs.extend(ref_run);
        Ok(())
    }

    /// Empties the buffers; they keep their capacity for the next batch.
    fn clear(&mut self) {
        self.text.clear();
        self.time_removed.clear();
        self.time_added.clear();
        self.refs_removed.clear();
        self.refs_added.clear();
    }
}

/// An owned `by_time` entry read back from a run.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TimeOwned(u8, i64, String);

/// An owned `refs` entry read back from a run.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct RefOwned(u8, String, u8, String);

impl RunEntry for TimeOwned {
    fn read(from: &mut impl Read) -> std::io::Result<Option<Self>> {
        let Some(kind) = get_first_byte(from)? else {
            return Ok(None);
        };
        let mut time = [0u8; 8];
        from.read_exact(&mut time)?;
        Ok(Some(TimeOwned(
            kind,
            i64::from_le_bytes(time),
            get_str(from)?,
        )))
    }
}

impl RunEntry for RefOwned {
    fn read(from: &mut impl Read) -> std::io::Result<Option<Self>> {
        let Some(target) = get_first_byte(from)? else {
            return Ok(None);
        };
        let target_key = get_str(from)?;
        let mut kind = [0u8; 1];
        from.read_exact(&mut kind)?;
        Ok(Some(RefOwned(target, target_key, kind[0], get_str(from)?)))
    }
}

/// Appends a `by_time` entry in a run's layout ([`TimeOwned::read`] reads it).
fn put_time(out: &mut Vec<u8>, (kind, time, key): (u8, i64, &str)) {
    out.push(kind);
    out.extend_from_slice(&time.to_le_bytes());
    put_str(out, key);
}

/// Appends a `refs` entry in a run's layout ([`RefOwned::read`] reads it).
fn put_ref(out: &mut Vec<u8>, (target, target_key, kind, key): (u8, &str, u8, &str)) {
    out.push(target);
    put_str(out, target_key);
    out.push(kind);
    put_str(out, key);
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use super::*;

    /// Runs written from sorted lists read back together in key order, whatever the kind of
    /// key: negative times, empty and non-ASCII ids, keys that are prefixes of others.
    #[test]
    fn runs_merge_back_in_key_order() {
        let folder = tempfile::tempdir().unwrap();
        let mut all: Vec<TimeOwned> = Vec::new();
        let mut runs = Vec::new();
        for run in [
            vec![(1, -5, "b"), (1, 0, ""), (6, 7, "A1")],
            vec![
                (1, -5, "a"),
                (6, 7, "A"),
                (6, 7, "A10"),
                (8, i64::MAX, "客户"),
            ],
            vec![],
            vec![(0, i64::MIN, "z")],
        ] {
            let mut entries: Vec<TimeOwned> = run
                .into_iter()
                .map(|(k, t, s): (u8, i64, &str)| TimeOwned(k, t, s.to_owned()))
                .collect();
            entries.sort();
            let file = write_run(folder.path(), entries.iter(), |out, e| {
                put_time(out, (e.0, e.1, &e.2));
            })
            .unwrap();
            assert_eq!(
                file.is_some(),
                !entries.is_empty(),
                "no file for no entries"
            );
            runs.extend(file);
            all.extend(entries);
        }
        let mut merged = Vec::new();
        merge_runs(runs, |e: TimeOwned| {
            merged.push(e);
            Ok(())
        })
        .map_err(|_| "merge failed")
        .unwrap();
        all.sort();
        assert_eq!(merged, all);
        assert_eq!(merged[0], TimeOwned(0, i64::MIN, "z".into()));
        // The files have no name: nothing is left in the folder.
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_reference_reads_back_as_written() {
        let folder = tempfile::tempdir().unwrap();
        let entries = [
            RefOwned(2, "C1".into(), 6, "A1".into()),
            RefOwned(2, "C1".into(), 7, String::new()),
        ];
        let file = write_run(folder.path(), entries.iter(), |out, e| {
            put_ref(out, (e.0, &e.1, e.2, &e.3));
        })
        .unwrap()
        .unwrap();
        let mut reader = BufReader::new(file);
        for e in &entries {
            assert!(RefOwned::read(&mut reader).unwrap().as_ref() == Some(e));
        }
        assert!(
            RefOwned::read(&mut reader).unwrap().is_none(),
            "the end of the run"
        );
    }
}
