//! One import: validate every row against the store and the rest of the import, then append
//! the changes, all in one write transaction (DOMAIN.md section 3).

use std::collections::HashMap;

use redb::{ReadableTable, Table};

use super::codec::{decode, encode};
use super::tables::{
    BY_TIME, CURRENT, CurrentEntry, HISTORY, IMPORTS, ImportEntry, ImportFile, KindCounts, LOG,
    LogEntry, META, META_NEXT_IMPORT, META_NEXT_SEQ, Op, REFS,
};
use super::{Store, StoreError};
use crate::csvio::{ImportError, ParsedFile, Row};
use crate::model::{Kind, Record, display_key, mask_phone};

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Accept rows whose key exists with different content, as new versions.
    pub amend: bool,
    /// Validate only: roll the transaction back instead of committing.
    pub dry_run: bool,
    /// The caller's wall-clock time, recorded in the import log (`YYYY-MM-DD HH:MM:SS`).
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The id the import got (or, on a dry run, would have got).
    pub import_id: u64,
    /// Whether the import was committed and logged: false on a dry run, and when every row
    /// was unchanged (re-importing the same files is a no-op that leaves no trace).
    pub recorded: bool,
    /// Per kind that had rows, in dependency order.
    pub counts: Vec<KindCounts>,
    pub dry_run: bool,
}

#[derive(Debug)]
pub enum ImportFailure {
    /// The input is bad; nothing was written. Sorted by file (as given) and line.
    Rejected(Vec<ImportError>),
    Store(StoreError),
}

impl<E: Into<StoreError>> From<E> for ImportFailure {
    fn from(e: E) -> Self {
        ImportFailure::Store(e.into())
    }
}

/// What a row does to its record.
enum Change {
    Added,
    Amended(CurrentEntry),
    Voided(CurrentEntry),
    Unchanged,
}

/// A row of the import with its place.
struct Item<'a> {
    file: usize,
    kind: Kind,
    row: &'a Row,
    change: Change,
}

type Tbl<'t, K, V> = Table<'t, K, V>;

impl Store {
    /// Imports parsed files as one transaction. On any bad row nothing is written and every
    /// problem is returned. `progress` is called with (rows done, rows in all).
    pub fn import(
        &self,
        files: &[ParsedFile],
        options: &ImportOptions,
        progress: &dyn Fn(u64, u64),
    ) -> Result<ImportOutcome, ImportFailure> {
        let names: Vec<String> = files.iter().map(|f| f.source.display()).collect();
        let mut errors: Vec<(usize, u64, ImportError)> = Vec::new();
        for (file, parsed) in files.iter().enumerate() {
            errors.extend(
                parsed
                    .errors
                    .iter()
                    .map(|e| (file, e.line.unwrap_or(0), e.clone())),
            );
        }
        // Keys of rows that failed to parse: already in error, so rows that refer to them are
        // not reported again as dangling.
        let failed: std::collections::HashSet<(Kind, &str)> = files
            .iter()
            .flat_map(|f| f.failed_keys.iter().map(|k| (f.source.kind, k.as_str())))
            .collect();
        let mut fail = |file: usize, line: u64, column: &str, reason: String| {
            errors.push((
                file,
                line,
                ImportError::new(&names[file], Some(line), column, reason),
            ));
        };

        // Rows in dependency order of kinds, then in the order the files were given, so that
        // sequence numbers do not depend on how the files were parsed.
        let mut items: Vec<Item> = Vec::new();
        let mut seen: HashMap<(Kind, &str), usize> = HashMap::new();
        let mut duplicates = vec![0u64; Kind::ALL.len()];
        for kind in Kind::ALL {
            for (file, parsed) in files
                .iter()
                .enumerate()
                .filter(|(_, f)| f.source.kind == kind)
            {
                for row in &parsed.rows {
                    if let Some(&first) = seen.get(&(kind, row.key.as_str())) {
                        let earlier: &Item = &items[first];
                        if earlier.row.op == row.op && earlier.row.record == row.record {
                            duplicates[kind as usize - 1] += 1;
                        } else {
                            fail(
                                file,
                                row.line,
                                kind.columns()[0].name,
                                format!(
                                    "{} `{}` appears again with different content (first at {}:{}); keep one row per key",
                                    kind.noun(),
                                    display_key(&row.key),
                                    names[earlier.file],
                                    earlier.row.line
                                ),
                            );
                        }
                        continue;
                    }
                    seen.insert((kind, row.key.as_str()), items.len());
                    items.push(Item {
                        file,
                        kind,
                        row,
                        change: Change::Unchanged,
                    });
                }
            }
        }
        let total = items.len() as u64 * 2;

        let txn = self.db.begin_write()?;
        let outcome = {
            let mut log = txn.open_table(LOG)?;
            let mut history = txn.open_table(HISTORY)?;
            let mut current = txn.open_table(CURRENT)?;
            let mut by_time = txn.open_table(BY_TIME)?;
            let mut refs = txn.open_table(REFS)?;
            let mut imports = txn.open_table(IMPORTS)?;
            let mut meta = txn.open_table(META)?;

            // Pass 1: what does each row change?
            for (n, item) in items.iter_mut().enumerate() {
                let stored = get_current(&current, item.kind, &item.row.key)?;
                item.change = match (&item.row.record, stored) {
                    (Some(_), None) => Change::Added,
                    (Some(new), Some(old)) if *new == old.record => Change::Unchanged,
                    (Some(new), Some(old)) => {
                        if !options.amend {
                            for (column, (was, now)) in differing_cells(&old.record, new) {
                                fail(
                                    item.file,
                                    item.row.line,
                                    column,
                                    format!(
                                        "{} `{}` is stored with {column} `{was}`, this row says `{now}`; to record the change as an amendment, import again with --amend",
                                        item.kind.noun(),
                                        display_key(&item.row.key)
                                    ),
                                );
                            }
                        }
                        Change::Amended(old)
                    }
                    (None, Some(old)) => Change::Voided(old),
                    (None, None) => {
                        let prefix = (item.kind.code(), item.row.key.as_str(), 0u64)
                            ..=(item.kind.code(), item.row.key.as_str(), u64::MAX);
                        if history.range(prefix)?.next().is_none() {
                            fail(
                                item.file,
                                item.row.line,
                                item.kind.columns()[0].name,
                                format!(
                                    "there is no {} `{}` to void, in the store or this import; check the key",
                                    item.kind.noun(),
                                    display_key(&item.row.key)
                                ),
                            );
                        }
                        Change::Unchanged // already void: re-importing a void is a no-op
                    }
                };
                if n % 4096 == 0 {
                    progress(n as u64, total);
                }
            }

            // Pass 2: every reference must resolve in the state after the import.
            let after = |kind: Kind, key: &str| -> Result<Option<Record>, StoreError> {
                match seen.get(&(kind, key)) {
                    Some(&i) => Ok(items[i].row.record.clone()),
                    None => Ok(get_current(&current, kind, key)?.map(|c| c.record)),
                }
            };
            for item in &items {
                let Some(record) = &item.row.record else {
                    continue;
                };
                for reference in record.references() {
                    let exists = match seen.get(&(reference.target, reference.key)) {
                        Some(&i) => items[i].row.op == Op::Add,
                        None => {
                            failed.contains(&(reference.target, reference.key))
                                || current
                                    .get((reference.target.code(), reference.key))?
                                    .is_some()
                        }
                    };
                    if !exists {
                        let voided = seen.contains_key(&(reference.target, reference.key));
                        fail(
                            item.file,
                            item.row.line,
                            reference.column,
                            if voided {
                                format!(
                                    "refers to {} `{}`, which this import voids; void this row too or keep that record",
                                    reference.target.noun(),
                                    display_key(reference.key)
                                )
                            } else {
                                format!(
                                    "refers to {} `{}`, which is neither in the store nor in this import; import {} first or together, or fix the id",
                                    reference.target.noun(),
                                    display_key(reference.key),
                                    reference.target.file_name()
                                )
                            },
                        );
                    }
                }
                if let Record::Survey(survey) = record
                    && let Some(attempt_id) = &survey.attempt_id
                    && let Some(Record::Attempt(attempt)) = after(Kind::Attempt, attempt_id)?
                    && attempt.customer_id != survey.customer_id
                {
                    fail(
                        item.file,
                        item.row.line,
                        "attempt_id",
                        format!(
                            "attempt `{attempt_id}` belongs to customer `{}`, not to this survey's customer `{}`; fix the attempt_id or the customer_id",
                            attempt.customer_id, survey.customer_id
                        ),
                    );
                }
            }

            // Pass 2b: an attempt moved to another customer must not leave a stored survey
            // pointing at an attempt of someone else.
            for item in &items {
                let (Change::Amended(old), Some(Record::Attempt(new))) =
                    (&item.change, &item.row.record)
                else {
                    continue;
                };
                let Record::Attempt(old) = &old.record else {
                    continue;
                };
                if old.customer_id == new.customer_id {
                    continue;
                }
                let (lo, hi) = ref_range(Kind::Attempt, &item.row.key);
                for entry in refs.range(lo.as_tuple()..hi.as_tuple())? {
                    let (key, _) = entry?;
                    let (_, _, source_code, source_key) = key.value();
                    if source_code != Kind::Survey.code()
                        || seen.contains_key(&(Kind::Survey, source_key))
                    {
                        continue; // surveys in this import were checked above
                    }
                    if let Some(stored) = get_current(&current, Kind::Survey, source_key)?
                        && let Record::Survey(survey) = stored.record
                        && survey.customer_id != new.customer_id
                    {
                        fail(
                            item.file,
                            item.row.line,
                            "customer_id",
                            format!(
                                "survey `{source_key}` of customer `{}` refers to this attempt; an attempt and its surveys belong to one customer, so amend the survey too or keep the customer",
                                survey.customer_id
                            ),
                        );
                    }
                }
            }

            // Pass 3: a voided record must not be left referenced by a record that stays.
            for item in &items {
                if !matches!(item.change, Change::Voided(_)) {
                    continue;
                }
                let (lo, hi) = ref_range(item.kind, &item.row.key);
                let mut holders = Vec::new();
                for entry in refs.range(lo.as_tuple()..hi.as_tuple())? {
                    let (key, _) = entry?;
                    let (_, _, source_code, source_key) = key.value();
                    let source = Kind::from_code(source_code).expect("stored kind codes are valid");
                    if !seen.contains_key(&(source, source_key)) {
                        holders.push(format!("{} `{}`", source.noun(), display_key(source_key)));
                    }
                }
                if !holders.is_empty() {
                    let shown = holders.len().min(5);
                    let verb = if holders.len() == 1 {
                        "refers"
                    } else {
                        "refer"
                    };
                    fail(
                        item.file,
                        item.row.line,
                        item.kind.columns()[0].name,
                        format!(
                            "cannot void {} `{}`: {}{} still {verb} to it; void those in the same import first",
                            item.kind.noun(),
                            display_key(&item.row.key),
                            holders[..shown].join(", "),
                            if holders.len() > shown {
                                format!(" and {} more", holders.len() - shown)
                            } else {
                                String::new()
                            }
                        ),
                    );
                }
            }

            if !errors.is_empty() {
                drop((log, history, current, by_time, refs, imports, meta));
                txn.abort()?;
                errors.sort_by_key(|(file, line, _)| (*file, *line)); // stable: cell order kept
                return Err(ImportFailure::Rejected(
                    errors.into_iter().map(|(_, _, e)| e).collect(),
                ));
            }

            // Pass 4: append.
            let import_id = meta.get(META_NEXT_IMPORT)?.map_or(1, |v| v.value());
            let mut seq = meta.get(META_NEXT_SEQ)?.map_or(1, |v| v.value());
            let mut counts: Vec<KindCounts> = Kind::ALL
                .iter()
                .map(|k| KindCounts {
                    kind_code: k.code(),
                    unchanged: duplicates[*k as usize - 1],
                    ..KindCounts::default()
                })
                .collect();
            for (n, item) in items.iter().enumerate() {
                let count = &mut counts[item.kind as usize - 1];
                let old = match &item.change {
                    Change::Unchanged => {
                        count.unchanged += 1;
                        continue;
                    }
                    Change::Added => {
                        count.added += 1;
                        None
                    }
                    Change::Amended(old) => {
                        count.amended += 1;
                        Some(old)
                    }
                    Change::Voided(old) => {
                        count.voided += 1;
                        Some(old)
                    }
                };
                let (kind, key) = (item.kind, item.row.key.as_str());
                let entry = LogEntry {
                    import_id,
                    kind,
                    key: key.to_owned(),
                    op: item.row.op,
                    record: item.row.record.clone(),
                };
                log.insert(seq, encode(&entry).as_slice())?;
                history.insert((kind.code(), key, seq), ())?;
                if let Some(old) = old {
                    unindex(&mut by_time, &mut refs, &old.record)?;
                }
                match &item.row.record {
                    Some(record) => {
                        let value = encode(&CurrentEntry {
                            seq,
                            record: record.clone(),
                        });
                        current.insert((kind.code(), key), value.as_slice())?;
                        index(&mut by_time, &mut refs, record)?;
                    }
                    None => {
                        current.remove((kind.code(), key))?;
                    }
                }
                seq += 1;
                if n % 4096 == 0 {
                    progress(items.len() as u64 + n as u64, total);
                }
            }
            progress(total, total);

            let mut rows_per_file = vec![0u64; files.len()];
            for item in &items {
                rows_per_file[item.file] += 1;
            }
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
                counts: counts.clone(),
            };
            imports.insert(import_id, encode(&entry).as_slice())?;
            meta.insert(META_NEXT_IMPORT, import_id + 1)?;
            meta.insert(META_NEXT_SEQ, seq)?;
            let present: Vec<Kind> = files.iter().map(|f| f.source.kind).collect();
            counts.retain(|c| present.contains(&c.kind()));
            let changed = counts.iter().any(|c| c.written() > 0);
            ImportOutcome {
                import_id,
                recorded: changed && !options.dry_run,
                counts,
                dry_run: options.dry_run,
            }
        };
        if outcome.recorded {
            txn.commit()?;
        } else {
            txn.abort()?;
        }
        Ok(outcome)
    }
}

fn get_current(
    current: &Tbl<(u8, &str), &[u8]>,
    kind: Kind,
    key: &str,
) -> Result<Option<CurrentEntry>, StoreError> {
    match current.get((kind.code(), key))? {
        Some(bytes) => Ok(Some(decode(bytes.value())?)),
        None => Ok(None),
    }
}

/// The columns whose cells differ, with the stored and the new cell. Phone numbers are
/// masked: error messages end up in terminals and CI logs (personal data under PIPL).
fn differing_cells(old: &Record, new: &Record) -> Vec<(&'static str, (String, String))> {
    let columns = new.kind().columns();
    old.cells()
        .into_iter()
        .zip(new.cells())
        .zip(columns)
        .filter(|((a, b), _)| a != b)
        .map(|((a, b), c)| match c.name {
            "phone" => (c.name, (mask_phone(&a), mask_phone(&b))),
            _ => (c.name, (a, b)),
        })
        .collect()
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
