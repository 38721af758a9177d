//! The store's write side of an import: typed record versions in, a typed outcome out, all in
//! one write transaction (DOMAIN.md section 3).
//!
//! The store does not decide what an import does, and knows nothing of CSV files or import
//! rows: its caller (the import room) decides, against a read snapshot, and hands the store
//! the versions to append with the [`Basis`] it decided against. The store checks that basis inside its write transaction: when another
//! import was committed meanwhile, nothing is written and the transaction comes back open
//! ([`Stale`]), so the caller decides again against exactly the state it will append to.

use redb::{ReadableTable, Table, WriteTransaction};

use super::codec::{EncodedRecord, decode, encode};
use super::read::Reader;
use super::tables::{
    BY_TIME, CURRENT, CurrentEntry, HISTORY, IMPORTS, ImportEntry, ImportFile, KindCounts, LOG,
    LogEntry, META, META_NEXT_IMPORT, META_NEXT_SEQ, Op, REFS,
};
use super::{Store, StoreError};
use crate::model::{Kind, Record};

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
        let mut appender = Appender::open(&txn, basis)?;
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
        let Stale { txn, basis, .. } = self;
        let written = append_versions(&txn, basis, &import, versions)?;
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
    import: &NewImport,
    versions: impl IntoIterator<Item = NewVersion<'v>>,
) -> Result<u64, StoreError> {
    let mut appender = Appender::open(txn, basis)?;
    // A store that has never held a version has no current record to replace: the first
    // import (all of a dealership's history, or a network's) skips a lookup per record.
    let first = basis.next_seq == Basis::EMPTY.next_seq;
    for version in versions {
        let old = match first {
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
    log: Tbl<'t, u64, &'static [u8]>,
    history: Tbl<'t, (u8, &'static str, u64), ()>,
    current: Tbl<'t, (u8, &'static str), &'static [u8]>,
    by_time: Tbl<'t, (u8, i64, &'static str), ()>,
    refs: Tbl<'t, (u8, &'static str, u8, &'static str), ()>,
    pending: IndexDeltas,
    import_id: u64,
    first_seq: u64,
    next_seq: u64,
}

impl<'t> Appender<'t> {
    fn open(txn: &'t WriteTransaction, basis: Basis) -> Result<Appender<'t>, StoreError> {
        Ok(Appender {
            log: txn.open_table(LOG)?,
            history: txn.open_table(HISTORY)?,
            current: txn.open_table(CURRENT)?,
            by_time: txn.open_table(BY_TIME)?,
            refs: txn.open_table(REFS)?,
            pending: IndexDeltas::default(),
            import_id: basis.next_import,
            first_seq: basis.next_seq,
            next_seq: basis.next_seq,
        })
    }

    /// The sequence number of the first version this transaction appends: a current record
    /// of a lower one was not written by it.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
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

    /// Whether the record ever had a version, pushed so far or stored before.
    pub fn has_history(&self, kind: Kind, key: &str) -> Result<bool, StoreError> {
        let range = (kind.code(), key, 0u64)..=(kind.code(), key, u64::MAX);
        Ok(self.history.range(range)?.next().transpose()?.is_some())
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
        self.pending.apply(&mut self.by_time, &mut self.refs)?;
        let (lo, hi) = ref_range(kind, key);
        for entry in self.refs.range(lo.as_tuple()..hi.as_tuple())? {
            let (key, _) = entry?;
            let (_, _, source_code, source_key) = key.value();
            let source = Kind::from_code(source_code).ok_or_else(|| {
                StoreError::Damaged(format!(
                    "refs names kind code {source_code}, which is no kind"
                ))
            })?;
            f(source, source_key);
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
            (Op::Add, Some(encoded)) => Some(encoded.decode()?),
            (Op::Void, None) => None,
            (op, record) => panic!(
                "a {} version {} a record",
                op.as_str(),
                if record.is_some() { "with" } else { "without" }
            ),
        };
        self.push_record(kind, key, record, old)
    }

    /// [`Appender::push`] of a version already decoded: an `add` of `record`, or a `void`
    /// when it is `None`.
    pub fn push_record(
        &mut self,
        kind: Kind,
        key: &str,
        record: Option<Record>,
        old: Option<&Record>,
    ) -> Result<u64, StoreError> {
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
            record,
        };
        self.log.insert(seq, encode(&entry).as_slice())?;
        self.history.insert((kind.code(), key, seq), ())?;
        if let Some(old) = old {
            self.pending.unindex(old);
        }
        match entry.record {
            Some(record) => {
                self.pending.index(&record);
                let value = CurrentEntry { seq, record };
                self.current
                    .insert((kind.code(), key), encode(&value).as_slice())?;
            }
            None => {
                self.current.remove((kind.code(), key))?;
            }
        }
        if self.pending.is_full() {
            self.pending.apply(&mut self.by_time, &mut self.refs)?;
        }
        self.next_seq += 1;
        Ok(seq)
    }

    /// Writes the pending index entries; returns how many versions were appended.
    fn finish(mut self) -> Result<u64, StoreError> {
        self.pending.apply(&mut self.by_time, &mut self.refs)?;
        Ok(self.next_seq - self.first_seq)
    }
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
/// store's bytes and most of an import's page reads before this.
///
/// Each version's key appears once in an import, and every index entry names its record's
/// own key, so no entry is both removed and added by different versions: removing all the
/// old entries, then adding all the new, gives what removing and adding version by version
/// gave.
#[derive(Default)]
struct IndexDeltas {
    /// Every key the entries name, back to back; entries hold spans of it.
    text: String,
    time_removed: Vec<TimeEntry>,
    time_added: Vec<TimeEntry>,
    refs_removed: Vec<RefEntry>,
    refs_added: Vec<RefEntry>,
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

impl IndexDeltas {
    fn span(&mut self, text: &str) -> Span {
        let start = u32::try_from(self.text.len()).expect("pending index text under 4 GiB");
        self.text.push_str(text);
        Span(start, text.len() as u32)
    }

    fn entries(&mut self, record: &Record) -> (Option<TimeEntry>, Vec<RefEntry>) {
        let (kind, key) = (record.kind().code(), record.key());
        let own = self.span(&key);
        let time = record.time().map(|time| TimeEntry(kind, time.0, own));
        let refs = record
            .references()
            .into_iter()
            .map(|r| RefEntry(r.target.code(), self.span(r.key), kind, own))
            .collect();
        (time, refs)
    }

    fn index(&mut self, record: &Record) {
        let (time, refs) = self.entries(record);
        self.time_added.extend(time);
        self.refs_added.extend(refs);
    }

    fn unindex(&mut self, record: &Record) {
        let (time, refs) = self.entries(record);
        self.time_removed.extend(time);
        self.refs_removed.extend(refs);
    }

    fn is_full(&self) -> bool {
        self.text.len() >= INDEX_TEXT_MAX
    }

    /// Writes the pending entries in key order (removals first) and empties the buffers.
    fn apply(
        &mut self,
        by_time: &mut Tbl<(u8, i64, &str), ()>,
        refs: &mut Tbl<(u8, &str, u8, &str), ()>,
    ) -> Result<(), StoreError> {
        let mut time_removed = std::mem::take(&mut self.time_removed);
        let mut time_added = std::mem::take(&mut self.time_added);
        let mut refs_removed = std::mem::take(&mut self.refs_removed);
        let mut refs_added = std::mem::take(&mut self.refs_added);
        let text = std::mem::take(&mut self.text);
        let str = |span: Span| &text[span.0 as usize..(span.0 + span.1) as usize];
        let time_key = |e: &TimeEntry| (e.0, e.1, str(e.2));
        let ref_key = |e: &RefEntry| (e.0, str(e.1), e.2, str(e.3));
        for list in [&mut time_removed, &mut time_added] {
            list.sort_unstable_by(|a, b| time_key(a).cmp(&time_key(b)));
        }
        for list in [&mut refs_removed, &mut refs_added] {
            list.sort_unstable_by(|a, b| ref_key(a).cmp(&ref_key(b)));
        }
        for e in &time_removed {
            by_time.remove(time_key(e))?;
        }
        for e in &refs_removed {
            refs.remove(ref_key(e))?;
        }
        for e in &time_added {
            by_time.insert(time_key(e), ())?;
        }
        for e in &refs_added {
            refs.insert(ref_key(e), ())?;
        }
        // The buffers keep their capacity for the next batch.
        self.text = text;
        self.text.clear();
        for (list, kept) in [
            (&mut self.time_removed, time_removed),
            (&mut self.time_added, time_added),
        ] {
            *list = kept;
            list.clear();
        }
        for (list, kept) in [
            (&mut self.refs_removed, refs_removed),
            (&mut self.refs_added, refs_added),
        ] {
            *list = kept;
            list.clear();
        }
        Ok(())
    }
}
