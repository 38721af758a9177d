//! Checking a whole store: redb's page checksums, then every table against the log.
//!
//! The log (`log_segments`, and a format-1 store's `log`: `store::log`), `imports` and
//! `statements` are the ground truth; `history`, `current`, `by_time` and `refs` are derived
//! from the log (see `tables`). The check reads the log once in order and holds each table
//! against it version by version — `history` both ways; `current`, `by_time` and `refs`
//! against what each record's latest version (by its history) says they hold — decoding and
//! checking every stored value on the way. It never changes what the store holds: redb's
//! check only rewrites its own free-page bookkeeping, and only when that is wrong.
//!
//! Memory is bounded whatever the store's size: every table is read in key order and what
//! one table says another holds is looked up there (see `Check::run`); time grows with the
//! file size.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use redb::{ReadTransaction, ReadableDatabase, ReadableTable, ReadableTableMetadata};

use super::codec::decode;
use super::log::Log;
use super::read::{check_record, check_statement, decode_import, open_current, open_refs};
use super::tables;
use super::tables::{
    BY_TIME, ClosedStatement, CurrentEntry, HISTORY, IMPORTS, META, META_FORMAT_VERSION,
    META_NEXT_IMPORT, META_NEXT_SEQ, REF_COUNTS, STATEMENTS, STORE_FORMAT, counted, kind_name,
};
use super::{
    CONCURRENCY, Found, READER_CACHE_BYTES, StoreError, check_format, guarded, inspect, open_error,
    refuse_newer,
};
use crate::model::{Kind, Record, display_key};

/// The number of problems a report lists; the rest are counted.
pub const PROBLEMS_LISTED_MAX: usize = 50;

/// What `verify` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    pub integrity: Integrity,
    /// The store is read-only, so a private copy of it was checked (redb's check needs a
    /// writable file).
    pub checked_a_copy: bool,
    /// Entries read, per table, in the order of `tables`.
    pub entries: Vec<(&'static str, u64)>,
    /// The first [`PROBLEMS_LISTED_MAX`] problems, in the order found.
    pub problems: Vec<String>,
    pub problems_total: u64,
}

impl VerifyReport {
    /// Nothing is wrong: every figure read from this store is what its imports said.
    pub fn is_healthy(&self) -> bool {
        self.problems_total == 0 && !matches!(self.integrity, Integrity::Damaged(_))
    }
}

/// The result of redb's own check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Integrity {
    /// Every page of the committed trees matches its checksum.
    Clean,
    /// The pages are intact, but redb's record of free pages did not match them and was
    /// rebuilt (what an interrupted write can leave; no record was touched).
    Repaired,
    /// redb cannot read the file, or a page does not match its checksum. The tables were not
    /// read.
    Damaged(String),
}

/// Checks the store at `path`; see the module documentation. The store must exist and be a
/// careledger store; an import running meanwhile makes it return
/// [`StoreError::Busy`] at once.
pub fn verify(path: &Path) -> Result<VerifyReport, StoreError> {
    match inspect(path)? {
        Found::Nothing => return Err(StoreError::Missing(path.to_owned())),
        Found::Empty => {
            return Err(StoreError::NotAStore {
                path: path.to_owned(),
                why: crate::say!("the file is empty", "文件是空的"),
            });
        }
        Found::Redb => refuse_newer(path)?,
    }
    let open = |file: &Path| {
        guarded(|| {
            Ok(redb::Builder::new()
                .set_concurrency_mode(CONCURRENCY)
                .set_cache_size(READER_CACHE_BYTES)
                .open(file))
        })
    };
    let mut copy = None;
    let opened = match open(path) {
        Ok(Err(redb::DatabaseError::Storage(redb::StorageError::Io(e))))
            if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            let private = PrivateCopy::of(path)?;
            let opened = open(&private.path);
            copy = Some(private);
            opened
        }
        other => other,
    };
    let damaged = |what: String| {
        Ok(VerifyReport {
            integrity: Integrity::Damaged(what),
            checked_a_copy: copy.is_some(),
            entries: Vec::new(),
            problems: Vec::new(),
            problems_total: 0,
        })
    };
    let mut db = match opened {
        Ok(Ok(db)) => db,
        Ok(Err(e)) => match open_error(path, e, super::FileAction::Read) {
            StoreError::Damaged(what) => return damaged(what),
            other => return Err(other),
        },
        Err(StoreError::Damaged(what)) => return damaged(what),
        Err(e) => return Err(e),
    };
    let integrity = match guarded(|| Ok(db.check_integrity())) {
        Ok(Ok(true)) => Integrity::Clean,
        Ok(Ok(false)) => Integrity::Repaired,
        Ok(Err(e)) => match open_error(path, e, super::FileAction::Read) {
            StoreError::Damaged(what) => Integrity::Damaged(what),
            other => return Err(other),
        },
        Err(StoreError::Damaged(what)) => Integrity::Damaged(what),
        Err(e) => return Err(e),
    };
    if let Integrity::Damaged(what) = integrity {
        // Whatever closing says adds nothing to the verdict; it must not panic outside.
        let _ = guarded(move || Ok(db.close()?));
        return damaged(what);
    }
    let txn = guarded(|| Ok(db.begin_read()?))?;
    let version = guarded(|| {
        let meta = match txn.open_table(META) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(meta.get(META_FORMAT_VERSION)?.map(|v| v.value()))
    })?;
    check_format(path, version)?;
    let mut check = Check::default();
    check.run(&txn);
    let checked_a_copy = copy.is_some();
    drop(txn);
    // Closing writes the clean-shutdown header, which on a damaged file may fail.
    guarded(|| Ok(db.close()?))?;
    drop(copy);
    Ok(VerifyReport {
        integrity,
        checked_a_copy,
        entries: check.entries,
        problems: check.problems,
        problems_total: check.problems_total,
    })
}

/// A copy of a read-only store in the temporary folder, removed when dropped.
struct PrivateCopy {
    path: PathBuf,
}

impl PrivateCopy {
    fn of(path: &Path) -> Result<PrivateCopy, StoreError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let copy = PrivateCopy {
            path: std::env::temp_dir().join(format!(
                "careledger-verify-{}-{nanos}.redb",
                std::process::id()
            )),
        };
        let failed = |e: std::io::Error| StoreError::Io {
            action: super::FileAction::CopyToCheck,
            path: path.to_owned(),
            cause: crate::say!("{e}; writing {}", "{e}；写入 {} 时", copy.path.display()),
        };
        super::create_private_file(&copy.path).map_err(failed)?;
        let mut from = std::fs::File::open(path).map_err(failed)?;
        let mut to = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&copy.path)
            .map_err(failed)?;
        std::io::copy(&mut from, &mut to).map_err(failed)?;
        Ok(copy)
    }
}

impl Drop for PrivateCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[derive(Default)]
struct Check {
    entries: Vec<(&'static str, u64)>,
    problems: Vec<String>,
    problems_total: u64,
}

impl Check {
    fn problem(&mut self, what: String) {
        self.problems_total += 1;
        if self.problems.len() < PROBLEMS_LISTED_MAX {
            self.problems.push(what);
        }
    }

    /// Runs one stage; damage that stops it (a key redb cannot read) is a problem, and the
    /// next stage runs.
    fn stage<T>(
        &mut self,
        table: &'static str,
        step: impl FnOnce(&mut Check) -> Result<T, StoreError>,
    ) -> Option<T> {
        match guarded(|| step(self)) {
            Ok(value) => Some(value),
            Err(StoreError::Damaged(what)) => {
                self.problem(crate::say!(
                    "{table}: reading stopped: {what}",
                    "{table}：读取中止：{what}"
                ));
                None
            }
            Err(e) => {
                self.problem(crate::say!(
                    "{table}: reading stopped: {e}",
                    "{table}：读取中止：{e}"
                ));
                None
            }
        }
    }

    fn run(&mut self, txn: &ReadTransaction) {
        let meta = self.stage("meta", |_| {
            let meta = txn.open_table(META)?;
            let get = |name| -> Result<u64, StoreError> {
                Ok(meta.get(name)?.map(|v| v.value()).unwrap_or(1))
            };
            Ok((
                get(META_NEXT_SEQ)?,
                get(META_NEXT_IMPORT)?,
                get(META_FORMAT_VERSION)?,
            ))
        });
        let (next_seq, next_import, format) = meta.unwrap_or((u64::MAX, u64::MAX, STORE_FORMAT));
        // Format 2 counts the references to some kinds in `ref_counts` and leaves out those
        // a key implies; format 1 listed them all.
        let listed = |source: Kind, target: Kind| format < 2 || tables::listed(source, target);

        let imports = self
            .stage("imports", |c| {
                let table = txn.open_table(IMPORTS)?;
                let mut ids = BTreeSet::new();
                for entry in table.iter()? {
                    let (id, value) = entry?;
                    let id = id.value();
                    match decode_import(value.value()) {
                        Ok(import) if import.id == id => {}
                        Ok(import) => c.problem(crate::say!(
                            "imports: the entry filed as import {id} says it is import {}",
                            "imports：存放为第 {id} 次导入的条目自称是第 {} 次导入",
                            import.id
                        )),
                        Err(e) => c.problem(crate::say!(
                            "imports: import {id}: {e}",
                            "imports：第 {id} 次导入：{e}"
                        )),
                    }
                    if id >= next_import {
                        c.problem(crate::say!(
                            "imports: import {id} is at or past meta's next_import {next_import}",
                            "imports：第 {id} 次导入不小于 meta 的 next_import {next_import}"
                        ));
                    }
                    ids.insert(id);
                }
                c.entries.push(("imports", ids.len() as u64));
                Ok(ids)
            })
            .unwrap_or_default();

        self.stage("statements", |c| {
            let table = match txn.open_table(STATEMENTS) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            for entry in table.iter()? {
                let (month, value) = entry?;
                let month = month.value();
                match decode::<ClosedStatement>(value.value()) {
                    Ok(s) => {
                        if let Err(e) = check_statement(month, &s) {
                            c.problem(crate::say!("statements: {e}", "statements：{e}"));
                        }
                    }
                    Err(e) => c.problem(crate::say!(
                        "statements: {}: {e}",
                        "statements：{}：{e}",
                        month.escape_debug()
                    )),
                }
            }
            c.entries.push(("statements", table.len()?));
            Ok(())
        });
        // Statement versions and close events: each version filed under its month with its
        // hash, each close naming a stored version with that hash.
        self.stage("closes", |c| {
            match super::closes::months_of(txn) {
                Ok(months) => {
                    let events: usize = months.values().map(|m| m.events.len()).sum();
                    c.entries.push(("close events", events as u64));
                }
                Err(e) => c.problem(crate::say!("closes: {e}", "closes：{e}")),
            }
            Ok(())
        });

        // Each table against the log, in memory bounded whatever the store's size: the log
        // is read in order (a segment decompressed once), and what a version says another
        // table holds is looked up there. A derived table that holds every entry it should
        // and as many entries as it should holds no other (keys are unique); only then is it
        // read the other way round, to name what it holds too many of.
        //
        // A version is its record's latest when neither `history` (below `next_seq`: a
        // number past it is a problem of its own) nor `current` files a later one; the
        // latest says what `current`, `by_time` and `refs` hold of the record.
        let mut expected_times = 0u64;
        let mut expected_refs = 0u64;
        // (target kind, target key, source kind) → records: a few per staff member.
        let mut expected_counts: BTreeMap<(u8, String, u8), u64> = BTreeMap::new();
        self.stage("log", |c| {
            let log = Log::open(txn)?;
            let history = txn.open_table(HISTORY)?;
            let current = open_current(txn)?;
            let by_time = txn.open_table(BY_TIME)?;
            let refs = open_refs(txn)?;
            let mut n = 0;
            let mut found = 0u64;
            let mut filed = 0u64;
            let mut per_kind: BTreeMap<u8, u64> = BTreeMap::new();
            log.scan(0, u64::MAX, &mut |seq, entry| {
                n += 1;
                if seq >= next_seq {
                    c.problem(crate::say!(
                        "log: entry {seq} is at or past meta's next_seq {next_seq}",
                        "log：条目 {seq} 不小于 meta 的 next_seq {next_seq}"
                    ));
                }
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(StoreError::Damaged(what)) => {
                        c.problem(crate::say!("log: {what}", "log：{what}"));
                        return Ok(());
                    }
                    Err(e) => {
                        c.problem(crate::say!("log: {e}", "log：{e}"));
                        return Ok(());
                    }
                };
                if !imports.contains(&entry.import_id) {
                    c.problem(crate::say!(
                        "log: entry {seq} names import {}, which is not in imports",
                        "log：条目 {seq} 指向第 {} 次导入，但 imports 中没有这次导入",
                        entry.import_id
                    ));
                }
                if let Some(record) = &entry.record
                    && let Err(e) = round_trip(record)
                {
                    c.problem(crate::say!("log: entry {seq}: {e}", "log：条目 {seq}：{e}"));
                }
                let (code, key) = (entry.kind.code(), entry.key.as_str());
                *per_kind.entry(code).or_default() += 1;
                let what = name(code, key);
                let stored = current
                    .get((code, key))?
                    .map(|value| decode::<CurrentEntry>(value.value()));
                let current_seq = match &stored {
                    Some(Ok(entry)) => Some(entry.seq),
                    _ => None,
                };
                let later = (code, key, seq.saturating_add(1))..(code, key, next_seq.max(seq));
                let latest =
                    history.range(later)?.next().is_none() && current_seq.is_none_or(|s| s <= seq);
                // `history` files every version but the current one (and, in a store of
                // format 1, that one too); the latest add is `current`'s to hold, and
                // checked there below.
                if history.get((code, key, seq))?.is_some() {
                    filed += 1;
                } else if !(latest && entry.record.is_some()) {
                    c.problem(crate::say!(
                        "history: lacks version #{seq} of {what}",
                        "history：缺少 {what} 的版本 #{seq}"
                    ));
                }
                if !latest {
                    return Ok(());
                }
                let Some(record) = &entry.record else {
                    if stored.is_some() {
                        c.problem(crate::say!(
                            "current: holds {what}, which the log says is absent or voided",
                            "current：存有 {what}，但日志显示它不存在或已作废"
                        ));
                    }
                    return Ok(());
                };
                match stored {
                    None => c.problem(crate::say!("current: lacks {what}", "current：缺少 {what}")),
                    Some(Err(e)) => {
                        found += 1;
                        c.problem(crate::say!("current: {what}: {e}", "current：{what}：{e}"));
                    }
                    Some(Ok(stored)) => {
                        found += 1;
                        if stored.seq != seq {
                            c.problem(crate::say!(
                                "current: holds version #{} of {what}; the log's latest is #{seq}",
                                "current：存有 {what} 的版本 #{}；日志中最新的是 #{seq}",
                                stored.seq
                            ));
                        } else if stored.record != *record {
                            c.problem(crate::say!(
                                "current: {what} differs from its version #{seq} in the log",
                                "current：{what} 与日志中它的版本 #{seq} 不同"
                            ));
                        } else if let Err(e) = check_record(&stored.record) {
                            c.problem(crate::say!("current: {what}: {e}", "current：{what}：{e}"));
                        }
                    }
                }
                if let Some(time) = record.time() {
                    expected_times += 1;
                    if by_time.get((code, time.0, key))?.is_none() {
                        c.problem(crate::say!("by_time: lacks {what}", "by_time：缺少 {what}"));
                    }
                }
                for r in record.references() {
                    let target = r.target.code();
                    if listed(entry.kind, r.target) {
                        if refs.get((target, r.key, code, key))?.is_none() {
                            c.problem(crate::say!(
                                "refs: lacks the reference of {what} to {}",
                                "refs：缺少 {what} 对 {} 的引用",
                                name(target, r.key)
                            ));
                        }
                    } else if counted(r.target) {
                        *expected_counts
                            .entry((target, r.key.to_owned(), code))
                            .or_default() += 1;
                    }
                    if listed(entry.kind, r.target) {
                        expected_refs += 1;
                    }
                    if current.get((target, r.key))?.is_none()
                        && latest_record(txn, target, r.key)?.is_none()
                    {
                        c.problem(crate::say!(
                            "refs: {what} refers to {}, which is not current",
                            "refs：{what} 引用了 {}，但它不是当前记录",
                            name(target, r.key)
                        ));
                    }
                }
                Ok(())
            })?;
            c.entries.push(("log", n));
            // `stats` counts each kind's versions by what the imports say they wrote.
            let mut counted: BTreeMap<u8, u64> = BTreeMap::new();
            for entry in txn.open_table(IMPORTS)?.iter()? {
                if let Ok(import) = decode_import(entry?.1.value()) {
                    for counts in &import.counts {
                        *counted.entry(counts.kind_code).or_default() += counts.written();
                    }
                }
            }
            counted.retain(|_, n| *n > 0);
            for code in counted
                .keys()
                .chain(per_kind.keys())
                .collect::<BTreeSet<_>>()
            {
                let (said, held) = (counted.get(code), per_kind.get(code));
                if said != held {
                    c.problem(crate::say!(
                        "imports: count {} versions of {}, the log holds {}",
                        "imports：记有 {} 个 {} 版本，日志中有 {} 个",
                        said.unwrap_or(&0),
                        kind_name(*code),
                        held.unwrap_or(&0)
                    ));
                }
            }
            let kept = history.len()?;
            c.entries.push(("history", kept));
            if kept != filed {
                // More entries than the versions found there: name those the log lacks.
                let mut log = Log::open(txn)?;
                for entry in history.iter()? {
                    let (stored, _) = entry?;
                    let (kind, key, seq) = stored.value();
                    let logged = log.get(seq).ok().flatten();
                    if !logged.is_some_and(|e| e.kind.code() == kind && e.key == key) {
                        c.problem(crate::say!(
                            "history: holds version #{seq} of {}, which the log does not",
                            "history：存有 {} 的版本 #{seq}，但日志中没有",
                            name(kind, key)
                        ));
                    }
                }
            }
            // Every record the log says is current was looked up above; more entries than
            // those found are records it says are absent or voided.
            let held = current.len()?;
            c.entries.push(("current", held));
            current.in_both(|(k, kk)| {
                c.problem(crate::say!(
                    "current_recent: holds {}, which current holds too",
                    "current_recent：存有 {}，但 current 中也有",
                    name(k, kk)
                ))
            })?;
            if held != found {
                for entry in current.iter()? {
                    let (at, _) = entry?;
                    let (k, kk) = at.value();
                    if latest_record(txn, k, kk)?.is_none() {
                        c.problem(crate::say!(
                            "current: holds {}, which the log says is absent or voided",
                            "current：存有 {}，但日志显示它不存在或已作废",
                            name(k, kk)
                        ));
                    }
                }
            }
            Ok(())
        });

        self.stage("by_time", |c| {
            let table = txn.open_table(BY_TIME)?;
            let n = table.len()?;
            c.entries.push(("by_time", n));
            if n == expected_times {
                return Ok(());
            }
            for entry in table.iter()? {
                let (stored, _) = entry?;
                let (kind, time, key) = stored.value();
                let filed = latest_record(txn, kind, key)?
                    .and_then(|r| r.time())
                    .is_some_and(|t| t.0 == time);
                if !filed {
                    c.problem(crate::say!(
                        "by_time: files {} under a time its current version does not have",
                        "by_time：把 {} 归在其当前版本所没有的时间下",
                        name(kind, key)
                    ));
                }
            }
            Ok(())
        });

        self.stage("refs", |c| {
            let table = open_refs(txn)?;
            let n = table.len()?;
            c.entries.push(("refs", n));
            table.in_both(|(target, target_key, kind, key)| {
                c.problem(crate::say!(
                    "refs_recent: says {} refers to {}, which refs says too",
                    "refs_recent：记有 {} 引用 {}，但 refs 中也有",
                    name(kind, key),
                    name(target, target_key)
                ))
            })?;
            if n == expected_refs {
                return Ok(());
            }
            for entry in table.iter()? {
                let (stored, _) = entry?;
                let (target, target_key, kind, key) = stored.value();
                let refers = latest_record(txn, kind, key)?.is_some_and(|record| {
                    record
                        .references()
                        .iter()
                        .any(|r| r.target.code() == target && r.key == target_key)
                });
                let (source_kind, target_kind) = (Kind::from_code(kind), Kind::from_code(target));
                let unlisted = match (source_kind, target_kind) {
                    (Some(s), Some(t)) => !listed(s, t),
                    _ => false,
                };
                if refers && unlisted {
                    let how = match target_kind.is_some_and(counted) {
                        true => crate::voice::pick("which ref_counts counts", "由 ref_counts 计数"),
                        false => crate::voice::pick("which its key implies", "已由其编号隐含"),
                    };
                    c.problem(crate::say!(
                        "refs: lists the reference of {} to {}, {how}",
                        "refs：列出了 {} 对 {} 的引用，而该引用{how}",
                        name(kind, key),
                        name(target, target_key)
                    ));
                } else if !refers {
                    c.problem(crate::say!(
                        "refs: says {} refers to {}, which its current version does not",
                        "refs：记有 {} 引用 {}，但其当前版本并未引用",
                        name(kind, key),
                        name(target, target_key)
                    ));
                }
            }
            Ok(())
        });

        self.stage("ref_counts", |c| {
            let Some(table) = super::tables::missing(txn.open_table(REF_COUNTS))? else {
                for ((target, target_key, kind), n) in &expected_counts {
                    c.problem(crate::say!(
                        "ref_counts: lacks {n} of {} naming {}",
                        "ref_counts：缺少 {n} 条 {} 对 {} 的引用",
                        kind_name(*kind),
                        name(*target, target_key)
                    ));
                }
                return Ok(());
            };
            c.entries.push(("ref_counts", table.len()?));
            let mut expected = expected_counts.into_iter().peekable();
            for entry in table.iter()? {
                let (at, n) = entry?;
                let (target, target_key, kind) = at.value();
                let n = n.value();
                while let Some(((t, tk, k), m)) =
                    expected.next_if(|(e, _)| (e.0, e.1.as_str(), e.2) < (target, target_key, kind))
                {
                    c.problem(crate::say!(
                        "ref_counts: lacks {m} of {} naming {}",
                        "ref_counts：缺少 {m} 条 {} 对 {} 的引用",
                        kind_name(k),
                        name(t, &tk)
                    ));
                }
                let m = match expected
                    .next_if(|(e, _)| (e.0, e.1.as_str(), e.2) == (target, target_key, kind))
                {
                    Some((_, m)) => m,
                    None => 0,
                };
                if n != m {
                    c.problem(crate::say!(
                        "ref_counts: counts {n} of {} naming {}; the log says {m}",
                        "ref_counts：记有 {n} 条 {} 对 {} 的引用；日志显示为 {m} 条",
                        kind_name(kind),
                        name(target, target_key)
                    ));
                }
            }
            for ((t, tk, k), m) in expected {
                c.problem(crate::say!(
                    "ref_counts: lacks {m} of {} naming {}",
                    "ref_counts：缺少 {m} 条 {} 对 {} 的引用",
                    kind_name(k),
                    name(t, &tk)
                ));
            }
            Ok(())
        });
    }
}

/// A record's latest version as the log has it, found through the version numbers its
/// `current` entry and its history file (the latest the log names it in); `None` when it
/// has none or it is void. A point look-up, for the rare checks that need one.
fn latest_record(txn: &ReadTransaction, kind: u8, key: &str) -> Result<Option<Record>, StoreError> {
    let history = txn.open_table(HISTORY)?;
    let mut log = Log::open(txn)?;
    // The current version's number first, then `history`'s, latest first.
    let current = open_current(txn)?
        .get((kind, key))?
        .and_then(|value| decode::<CurrentEntry>(value.value()).ok())
        .map(|entry| entry.seq);
    let mut filed = Vec::new();
    for entry in history.range((kind, key, 0)..=(kind, key, u64::MAX))?.rev() {
        filed.push(entry?.0.value().2);
    }
    let mut seqs: Vec<u64> = current.into_iter().chain(filed).collect();
    seqs.sort_unstable_by(|a, b| b.cmp(a));
    for seq in seqs {
        if let Ok(Some(e)) = log.get(seq)
            && e.kind.code() == kind
            && e.key == key
        {
            return Ok(e.record);
        }
    }
    Ok(None)
}

/// A record as problems name it: `customers C00011`.
fn name(code: u8, key: &str) -> String {
    format!("{} `{}`", kind_name(code), display_key(key).escape_debug())
}

/// Every cell of a record is one the CSV parser accepts, and parses back to the record.
fn round_trip(record: &Record) -> Result<(), String> {
    check_record(record)?;
    let cells = record.cells();
    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
    match Record::parse(record.kind(), &cells) {
        Ok(parsed) if parsed == *record => Ok(()),
        Ok(_) => Err(crate::say!(
            "the record does not read back as itself",
            "记录读回后与原记录不同"
        )),
        Err(errors) => Err(errors
            .iter()
            .map(|e| crate::say!("{}: {}", "{}：{}", e.column, e.reason))
            .collect::<Vec<_>>()
            .join(crate::voice::pick("; ", "；"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Customer, Day, Fen, Record, Sale, Staff, Timestamp};
    use crate::store::tables::{CURRENT, REFS};
    use crate::store::{
        Appended, Basis, EncodedRecord, ImportFile, KindCounts, NewImport, NewVersion, Op, Store,
        encode_record_into,
    };

    /// A store holding a customer, a staff member and a sale that names both, appended as one
    /// import through the store's own write API (the store's tests never go through CSV).
    fn store(dir: &Path) -> Store {
        let day = |text: &str| Day::parse(text).unwrap();
        let records = [
            Record::Staff(Staff {
                staff_id: "XS003".into(),
                name: "王强".into(),
                department: "sales".into(),
                role: Some("consultant".into()),
                active_from: day("2021-08-02"),
                active_to: None,
            }),
            Record::Customer(Customer {
                customer_id: "C00011".into(),
                name: "王芳".into(),
                phone: Some("13812341234".into()),
                family_id: None,
                tags: Vec::new(),
                created_on: day("2023-04-02"),
                contact_consent: true,
            }),
            Record::Sale(Sale {
                sale_id: "S000001".into(),
                customer_id: "C00011".into(),
                vin: None,
                delivered_at: Timestamp::parse("2024-01-15 10:30").unwrap(),
                consultant_id: Some("XS003".into()),
                amount: Fen(19_137_050),
                referrer_id: None,
            }),
        ];
        let mut arena = Vec::new();
        let spans: Vec<_> = records
            .iter()
            .map(|record| {
                let start = arena.len();
                encode_record_into(record, &mut arena);
                start..arena.len()
            })
            .collect();
        let keys: Vec<String> = records.iter().map(Record::key).collect();
        let versions = records.iter().enumerate().map(|(i, record)| NewVersion {
            kind: record.kind(),
            key: &keys[i],
            op: Op::Add,
            record: Some(EncodedRecord::from_bytes(&arena[spans[i].clone()])),
            new_key: false,
        });
        let import = NewImport {
            at: "2026-01-01 00:00:00".into(),
            amend: false,
            files: records
                .iter()
                .map(|r| ImportFile {
                    path: r.kind().file_name(),
                    kind: r.kind(),
                    sha256: String::new(),
                    rows: 1,
                })
                .collect(),
            counts: records
                .iter()
                .map(|r| KindCounts {
                    kind_code: r.kind().code(),
                    added: 1,
                    ..KindCounts::default()
                })
                .collect(),
        };
        let store = Store::open_or_create(&dir.join("store.redb")).unwrap();
        let appended = store.append(Basis::EMPTY, import, versions).unwrap();
        assert!(matches!(
            appended,
            Ok(Appended::Committed {
                import_id: 1,
                versions: 3
            })
        ));
        store
    }

    #[test]
    fn a_healthy_store_has_no_problems_and_counts_every_table() {
        let dir = tempfile::tempdir().unwrap();
        drop(store(dir.path()));
        let report = verify(&dir.path().join("store.redb")).unwrap();
        assert_eq!(report.integrity, Integrity::Clean);
        assert!(report.is_healthy(), "{report:?}");
        let n = |t: &str| report.entries.iter().find(|e| e.0 == t).unwrap().1;
        assert_eq!((n("log"), n("current"), n("history")), (3, 3, 0));
        // The sale's two references: its customer listed in `refs`, its consultant counted.
        assert_eq!((n("by_time"), n("refs"), n("ref_counts")), (3, 1, 1));
        assert_eq!(n("imports"), 1);
    }

    /// Index entries written through redb pass its checksums: only deriving them again from
    /// the log finds them wrong.
    #[test]
    fn indexes_out_of_step_with_the_log_are_each_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let txn = store.db.begin_write().unwrap();
        {
            let mut by_time = txn.open_table(BY_TIME).unwrap();
            let sale = Kind::Sale.code();
            let time = by_time
                .iter()
                .unwrap()
                .map(|e| {
                    let (key, _) = e.unwrap();
                    let (kind, time, _) = key.value();
                    (kind, time)
                })
                .find(|e| e.0 == sale)
                .unwrap()
                .1;
            by_time.remove((sale, time, "S000001")).unwrap();
            let mut refs = txn.open_table(REFS).unwrap();
            refs.insert((Kind::Customer.code(), "C99999", sale, "S000001"), ())
                .unwrap();
            // Format 2 counts the references to staff: one listed is out of place.
            refs.insert((Kind::Staff.code(), "XS003", sale, "S000001"), ())
                .unwrap();
            let mut history = txn.open_table(HISTORY).unwrap();
            history
                .insert((Kind::Staff.code(), "XS003", 77), ())
                .unwrap();
        }
        txn.commit().unwrap();
        drop(store);
        let report = verify(&dir.path().join("store.redb")).unwrap();
        assert_eq!(report.integrity, Integrity::Clean);
        assert!(!report.is_healthy());
        assert_eq!(report.problems_total, 4, "{:#?}", report.problems);
        let all = report.problems.join("\n");
        for expected in [
            "by_time: lacks sales `S000001`",
            "refs: says sales `S000001` refers to customers `C99999`",
            "refs: lists the reference of sales `S000001` to staff `XS003`, which ref_counts counts",
            "history: holds version #77 of staff `XS003`",
        ] {
            assert!(all.contains(expected), "`{expected}` not in\n{all}");
        }
    }

    /// A count of references to staff below what an import takes away is damage: the
    /// import stops, naming the count, and writes nothing.
    #[test]
    fn a_count_below_what_an_import_takes_away_stops_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let txn = store.db.begin_write().unwrap();
        txn.open_table(REF_COUNTS)
            .unwrap()
            .remove((Kind::Staff.code(), "XS003", Kind::Sale.code()))
            .unwrap();
        txn.commit().unwrap();
        let basis = store.reader().unwrap().basis().unwrap();
        let import = NewImport {
            at: "2026-01-02 00:00:00".into(),
            amend: false,
            files: vec![ImportFile {
                path: "sales.csv".into(),
                kind: Kind::Sale,
                sha256: String::new(),
                rows: 1,
            }],
            counts: vec![KindCounts {
                kind_code: Kind::Sale.code(),
                voided: 1,
                ..KindCounts::default()
            }],
        };
        let void = NewVersion {
            kind: Kind::Sale,
            key: "S000001",
            op: Op::Void,
            record: None,
            new_key: false,
        };
        let error = store
            .append(basis, import, [void])
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("ref_counts counts 0 sales naming staff `XS003`, fewer than the 1 this import takes away"),
            "{error}"
        );
        assert_eq!(store.reader().unwrap().basis().unwrap(), basis);
    }

    /// A log segment that does not decompress passes redb's checksums (it was written
    /// through redb): verify names it by its first version, and what the other tables hold
    /// of the versions it held, rather than stopping.
    #[test]
    fn a_log_segment_that_does_not_decompress_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let txn = store.db.begin_write().unwrap();
        txn.open_table(crate::store::log::LOG_SEGMENTS)
            .unwrap()
            .insert(1, b"\x01not zstd".as_slice())
            .unwrap();
        txn.commit().unwrap();
        drop(store);
        let report = verify(&dir.path().join("store.redb")).unwrap();
        assert_eq!(report.integrity, Integrity::Clean);
        let all = report.problems.join("\n");
        assert!(
            all.contains("log: the log segment from version 1 does not decompress"),
            "{all}"
        );
        // The three records' only versions were in the segment: `current` holds them
        // against a log without them, and the imports counted them.
        for what in ["staff `XS003`", "customers `C00011`", "sales `S000001`"] {
            assert!(
                all.contains(&crate::say!(
                    "current: holds {what}, which the log says is absent or voided",
                    "current：存有 {what}，但日志显示它不存在或已作废"
                )),
                "{all}"
            );
        }
        assert!(
            all.contains("imports: count 1 versions of sales, the log holds 0"),
            "{all}"
        );
    }

    /// The other direction of each index: an entry too many (named by reading the table
    /// back, as its count is off), a current record and a reference missing, a current
    /// record the log voided — each named once, and nothing else.
    #[test]
    fn entries_too_many_and_missing_are_each_named_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let txn = store.db.begin_write().unwrap();
        {
            let (sale, customer, staff) =
                (Kind::Sale.code(), Kind::Customer.code(), Kind::Staff.code());
            let mut by_time = txn.open_table(BY_TIME).unwrap();
            by_time.insert((sale, 7, "S000001"), ()).unwrap();
            txn.open_table(REF_COUNTS)
                .unwrap()
                .insert((staff, "XS003", sale), 2)
                .unwrap();
            let mut current = txn.open_table(CURRENT).unwrap();
            current.remove((customer, "C00011")).unwrap();
            let copy = current
                .get((staff, "XS003"))
                .unwrap()
                .unwrap()
                .value()
                .to_vec();
            current.insert((staff, "XS999"), copy.as_slice()).unwrap();
        }
        txn.commit().unwrap();
        drop(store);
        let report = verify(&dir.path().join("store.redb")).unwrap();
        let all = report.problems.join("\n");
        let expected = [
            "current: lacks customers `C00011`",
            "current: holds staff `XS999`, which the log says is absent or voided",
            "ref_counts: counts 2 of sales naming staff `XS003`; the log says 1",
            "by_time: files sales `S000001` under a time its current version does not have",
            // C00011 has one version, which only `current` filed (`history` files the
            // others): with it gone, what names C00011 names a record the store cannot find.
            "refs: sales `S000001` refers to customers `C00011`, which is not current",
            "by_time: files customers `C00011` under a time its current version does not have",
        ];
        for e in expected {
            assert_eq!(all.matches(e).count(), 1, "`{e}` not once in\n{all}");
        }
        assert_eq!(report.problems_total, expected.len() as u64, "{all}");
    }
}
