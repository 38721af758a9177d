//! One import: plan it against a snapshot of the store (`plan`), then append the plan's
//! versions, all in one write transaction (DOMAIN.md section 3).

use redb::{ReadableTable, Table};

use super::batch::{ParsedFile, Rejections};
use super::codec::{decode, encode};
use super::plan::{self, Effect, Plan, WithinImport};
use super::read::Reader;
use super::tables::{
    BY_TIME, CURRENT, CurrentEntry, HISTORY, IMPORTS, ImportEntry, ImportFile, KindCounts, LOG,
    LogEntry, META, META_NEXT_IMPORT, META_NEXT_SEQ, REFS,
};
use super::{Store, StoreError};
use crate::model::{Kind, Record};

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Accept rows whose key exists with different content, as new versions.
    pub amend: bool,
    /// Validate only: plan, write nothing.
    pub dry_run: bool,
    /// The caller's wall-clock time, recorded in the import log (`YYYY-MM-DD HH:MM:SS`).
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The id the import got (or, on a dry run, would have got).
    pub import_id: u64,
    /// Whether the import was committed and logged: false on a dry run, and when no key
    /// changed (re-importing the same files is a no-op that leaves no trace).
    pub recorded: bool,
    /// Per kind that had rows, in dependency order: what the net row of each key did.
    pub counts: Vec<KindCounts>,
    /// Per kind of `counts`: rows superseded by a later row of their key, and keys added
    /// then voided within the import (nothing written). Not kept in the import log.
    pub within: Vec<WithinImport>,
    pub dry_run: bool,
}

#[derive(Debug)]
pub enum ImportFailure {
    /// The input is bad; nothing was written. Sorted by file (as given) and line.
    Rejected(Rejections),
    Store(StoreError),
}

impl<E: Into<StoreError>> From<E> for ImportFailure {
    fn from(e: E) -> Self {
        ImportFailure::Store(e.into())
    }
}

type Tbl<'t, K, V> = Table<'t, K, V>;

/// The state of the store a plan was decided against: equal bases mean no import was
/// committed in between (closing a month does not change what an import does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Basis {
    pub next_import: u64,
    pub next_seq: u64,
}

impl Basis {
    /// A store with nothing in it.
    pub(crate) const EMPTY: Basis = Basis {
        next_import: 1,
        next_seq: 1,
    };
}

/// An import decided against a snapshot of the store, ready to append: what a dry run shows,
/// and what `Store::apply` writes unless another import was committed meanwhile.
pub struct Planned<'a> {
    plan: Plan<'a>,
    basis: Basis,
    amend: bool,
}

impl Planned<'_> {
    /// What the import would do: a dry run's outcome.
    pub fn outcome(&self) -> ImportOutcome {
        outcome(&self.plan, self.basis.next_import, false, true)
    }

    /// The number of new versions the import would write; 0 for a no-op.
    pub fn writes(&self) -> u64 {
        self.plan.writes()
    }
}

/// Plans an import against a read snapshot, writing nothing: a dry run, or the first half of
/// an import. Works on a read-only store; `reader` is `None` when there is no store yet (an
/// empty one is assumed).
pub fn plan_import<'a>(
    files: &'a [ParsedFile],
    reader: Option<&Reader>,
    amend: bool,
) -> Result<Planned<'a>, ImportFailure> {
    let (plan, basis) = match reader {
        Some(r) => (plan::plan(files, &r.view()?, amend)?, r.basis()?),
        None => (plan::plan(files, &plan::EmptyView, amend)?, Basis::EMPTY),
    };
    Ok(Planned {
        plan: plan.map_err(ImportFailure::Rejected)?,
        basis,
        amend,
    })
}

/// The outcome of a plan, restricted to the kinds the import had files of.
fn outcome(plan: &Plan<'_>, import_id: u64, recorded: bool, dry_run: bool) -> ImportOutcome {
    let present = |code: u8| plan.files.iter().any(|f| f.source.kind.code() == code);
    ImportOutcome {
        import_id,
        recorded,
        counts: plan
            .counts
            .iter()
            .filter(|c| present(c.kind_code))
            .copied()
            .collect(),
        within: plan
            .within
            .iter()
            .filter(|w| present(w.kind_code))
            .copied()
            .collect(),
        dry_run,
    }
}

impl Store {
    /// Imports parsed files as one transaction: plans against the current state, then
    /// appends (see [`Store::apply`]). On any bad row nothing is written and the problems are
    /// returned. `progress` is called with (rows done, rows in all).
    pub fn import(
        &self,
        files: &[ParsedFile],
        options: &ImportOptions,
        progress: &dyn Fn(u64, u64),
    ) -> Result<ImportOutcome, ImportFailure> {
        let planned = plan_import(files, Some(&self.reader()?), options.amend)?;
        if options.dry_run {
            return Ok(planned.outcome());
        }
        self.apply(planned, options, progress)
    }

    /// Appends a planned import in one write transaction. The write transaction excludes
    /// every other writer; if an import was committed since the plan's snapshot, the import
    /// is planned again against the state it is appended to (and may then be rejected).
    /// Nothing is written, and no transaction committed, when no key changes.
    pub fn apply(
        &self,
        planned: Planned<'_>,
        options: &ImportOptions,
        progress: &dyn Fn(u64, u64),
    ) -> Result<ImportOutcome, ImportFailure> {
        assert_eq!(
            planned.amend, options.amend,
            "planned with the same --amend"
        );
        let txn = self.db.begin_write()?;
        let basis = {
            let meta = txn.open_table(META)?;
            Basis {
                next_import: meta.get(META_NEXT_IMPORT)?.map_or(1, |v| v.value()),
                next_seq: meta.get(META_NEXT_SEQ)?.map_or(1, |v| v.value()),
            }
        };
        let plan = if basis == planned.basis {
            planned.plan
        } else {
            // The read snapshot taken now is the state the write transaction started from:
            // no other writer can commit while it is open.
            let reader = self.reader()?;
            match plan::plan(planned.plan.files, &reader.view()?, options.amend)? {
                Ok(plan) => plan,
                Err(rejections) => {
                    txn.abort()?;
                    return Err(ImportFailure::Rejected(rejections));
                }
            }
        };
        if plan.writes() == 0 || options.dry_run {
            txn.abort()?;
            return Ok(outcome(&plan, basis.next_import, false, options.dry_run));
        }
        let import_id = append(&txn, &plan, options, progress)?;
        assert_eq!(import_id, basis.next_import);
        txn.commit()?;
        Ok(outcome(&plan, import_id, true, false))
    }
}

/// Appends a plan's versions, moves the current view and the indexes with them, and logs the
/// import. Returns the import's id. Asserts after writing that the sequence advanced by
/// exactly the versions written.
fn append(
    txn: &redb::WriteTransaction,
    plan: &Plan<'_>,
    options: &ImportOptions,
    progress: &dyn Fn(u64, u64),
) -> Result<u64, StoreError> {
    let mut log = txn.open_table(LOG)?;
    let mut history = txn.open_table(HISTORY)?;
    let mut current = txn.open_table(CURRENT)?;
    let mut by_time = txn.open_table(BY_TIME)?;
    let mut refs = txn.open_table(REFS)?;
    let mut imports = txn.open_table(IMPORTS)?;
    let mut meta = txn.open_table(META)?;

    let import_id = meta.get(META_NEXT_IMPORT)?.map_or(1, |v| v.value());
    let first_seq = meta.get(META_NEXT_SEQ)?.map_or(1, |v| v.value());
    let mut seq = first_seq;
    let total = plan.net.len() as u64;
    for (n, net) in plan.in_order().enumerate() {
        if n % 4096 == 0 {
            progress(n as u64, total);
        }
        if !net.effect.writes() {
            continue;
        }
        let row = plan.row(net);
        let (kind, key) = (net.kind, row.key);
        // The stored version this one replaces, read back for its index entries.
        let old: Option<CurrentEntry> = match current.get((kind.code(), key))? {
            Some(bytes) => Some(decode(bytes.value())?),
            None => None,
        };
        debug_assert_eq!(old.is_some(), net.effect != Effect::Added);
        let entry = LogEntry {
            import_id,
            kind,
            key: key.to_owned(),
            op: row.op,
            record: row.record(),
        };
        log.insert(seq, encode(&entry).as_slice())?;
        history.insert((kind.code(), key, seq), ())?;
        if let Some(old) = &old {
            unindex(&mut by_time, &mut refs, &old.record)?;
        }
        match entry.record {
            Some(record) => {
                let value = CurrentEntry { seq, record };
                current.insert((kind.code(), key), encode(&value).as_slice())?;
                index(&mut by_time, &mut refs, &value.record)?;
            }
            None => {
                current.remove((kind.code(), key))?;
            }
        }
        seq += 1;
    }
    progress(total, total);
    assert_eq!(
        seq - first_seq,
        plan.writes(),
        "the sequence advances by the versions written"
    );

    let files = plan.files;
    let entry = ImportEntry {
        id: import_id,
        at: options.at.clone(),
        amend: options.amend,
        files: files
            .iter()
            .map(|f| ImportFile {
                path: f.source.display(),
                kind: f.source.kind,
                sha256: f.sha256.clone(),
                rows: f.rows.len() as u64,
            })
            .collect(),
        counts: plan.counts.clone(),
    };
    imports.insert(import_id, encode(&entry).as_slice())?;
    meta.insert(META_NEXT_IMPORT, import_id + 1)?;
    meta.insert(META_NEXT_SEQ, seq)?;
    Ok(import_id)
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

fn index(
    by_time: &mut Tbl<(u8, i64, &str), ()>,
    refs: &mut Tbl<(u8, &str, u8, &str), ()>,
    record: &Record,
) -> Result<(), StoreError> {
    let (kind, key) = (record.kind().code(), record.key());
    if let Some(time) = record.time() {
        by_time.insert((kind, time.0, key.as_str()), ())?;
    }
    for r in record.references() {
        refs.insert((r.target.code(), r.key, kind, key.as_str()), ())?;
    }
    Ok(())
}

fn unindex(
    by_time: &mut Tbl<(u8, i64, &str), ()>,
    refs: &mut Tbl<(u8, &str, u8, &str), ()>,
    record: &Record,
) -> Result<(), StoreError> {
    let (kind, key) = (record.kind().code(), record.key());
    if let Some(time) = record.time() {
        by_time.remove((kind, time.0, key.as_str()))?;
    }
    for r in record.references() {
        refs.remove((r.target.code(), r.key, kind, key.as_str()))?;
    }
    Ok(())
}
