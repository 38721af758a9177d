//! Backup and restore (issue 15, item 4): a consistent copy of the whole store.
//!
//! A backup is a new store file holding every table of the store — the log, the imports,
//! the closed statements, the indexes, `meta` and the kept facts — copied entry for entry
//! from **one read snapshot**, in one write transaction of the new file. Imports and
//! reports in other processes go on meanwhile: a read transaction holds its snapshot
//! whatever commits after it (redb's MVCC), so the copy is the store as of one commit,
//! never half an import.
//!
//! Why not copy the file's bytes: a writer in another process may commit, and reuse freed
//! pages, while the bytes are read, so a byte copy can mix two commits. redb 4 has no
//! backup call, and its untyped tables cannot be iterated (`ReadOnlyUntypedTable` gives
//! only its length), so each table is copied with its typed definition: `tables.rs` and
//! `facts.rs` show theirs to a `TableVisitor`. A table the snapshot holds that neither
//! shows is refused rather than left out: a backup is all the tables or none.
//!
//! The copy is built under a temporary name beside the target, readable by its owner only
//! (0600: it holds personal data, like the store), made durable, and linked into place only
//! if nothing is there: an existing file is never replaced, and a failure leaves nothing
//! behind. The entry count of every table is compared between the snapshot and the copy
//! before it is committed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use redb::{
    Key, MultimapTableHandle, ReadTransaction, ReadableTable, ReadableTableMetadata,
    TableDefinition, TableHandle, Value, WriteTransaction,
};

use super::{CONCURRENCY, Store, StoreError, guarded};

/// Why no backup was written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    #[error("{}", crate::say!(
        "{path} exists already; a backup never replaces a file: choose a new file name",
        "{path} 已存在；备份从不覆盖文件：请换一个新文件名",
        path = .0.display()
    ))]
    Exists(PathBuf),
    #[error("{}", crate::say!(
        "the store holds a table `{table}` that this careledger does not know (was it written by a newer careledger?); nothing was written: back it up with that release",
        "数据库中有一个本 careledger 不认识的表 `{table}`（是更新版本的 careledger 写入的吗？）；没有写入任何内容：请用那个版本备份",
        table = .0
    ))]
    UnknownTable(String),
    #[error("{}", crate::say!(
        "the copy of the table `{table}` holds {copied} entries, the store {stored}; nothing was written",
        "表 `{table}` 的副本有 {copied} 条，数据库中有 {stored} 条；没有写入任何内容",
        table = .table,
        copied = .copied,
        stored = .stored
    ))]
    Incomplete {
        table: String,
        stored: u64,
        copied: u64,
    },
    #[error("{}", crate::say!(
        "cannot write the backup {path}: {cause}",
        "无法写入备份 {path}：{cause}",
        path = .path.display(),
        cause = .cause
    ))]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a backup copied: every table's name and entry count, in name order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    pub tables: Vec<(String, u64)>,
}

/// Something shown every table definition of the store, each with its key and value types
/// (a generic method: the tables differ in types).
pub(crate) trait TableVisitor {
    fn visit<K: Key + 'static, V: Value + 'static>(
        &mut self,
        table: TableDefinition<K, V>,
    ) -> Result<(), StoreError>;
}

/// Copies the tables the snapshot holds, each shown by its definition.
struct Copier<'a> {
    from: &'a ReadTransaction,
    to: &'a WriteTransaction,
    /// The tables of the snapshot not copied yet.
    pending: BTreeMap<String, ()>,
    copied: Vec<(String, u64)>,
    incomplete: Option<BackupError>,
}

impl TableVisitor for Copier<'_> {
    fn visit<K: Key + 'static, V: Value + 'static>(
        &mut self,
        table: TableDefinition<K, V>,
    ) -> Result<(), StoreError> {
        // A table this store never made (facts not derived yet) is not created in the copy.
        if self.pending.remove(table.name()).is_none() {
            return Ok(());
        }
        let (stored, copied) = guarded(|| {
            let source = self.from.open_table(table)?;
            let mut target = self.to.open_table(table)?;
            for entry in source.iter()? {
                let (key, value) = entry?;
                target.insert(key.value(), value.value())?;
            }
            Ok((source.len()?, target.len()?))
        })?;
        if stored != copied && self.incomplete.is_none() {
            self.incomplete = Some(BackupError::Incomplete {
                table: table.name().to_owned(),
                stored,
                copied,
            });
        }
        self.copied.push((table.name().to_owned(), copied));
        Ok(())
    }
}

/// Writes a consistent copy of the store at `source` to `target`, a new file (see the
/// module's documentation). Other processes may read and import meanwhile.
pub fn backup(source: &Path, target: &Path) -> Result<BackupSummary, BackupError> {
    if target.symlink_metadata().is_ok() {
        return Err(BackupError::Exists(target.to_owned()));
    }
    // One snapshot: every table is read through this transaction.
    let reader = Store::open_reader(source)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    let temp = target.with_file_name(format!(".{name}.backup-{}", std::process::id()));
    let write_error = |cause: std::io::Error| BackupError::Write {
        path: target.to_owned(),
        cause,
    };
    let _ = std::fs::remove_file(&temp);
    super::create_private_file(&temp).map_err(write_error)?;
    let result = copy_into(&reader, &temp).and_then(|summary| {
        std::fs::File::open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(write_error)?;
        match std::fs::hard_link(&temp, target) {
            Ok(()) => Ok(summary),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(BackupError::Exists(target.to_owned()))
            }
            // A file system without hard links: rename, after looking (a narrower race).
            Err(_) if !target.exists() => std::fs::rename(&temp, target)
                .map(|()| summary)
                .map_err(write_error),
            Err(e) => Err(write_error(e)),
        }
    });
    let _ = std::fs::remove_file(&temp);
    if result.is_ok()
        && let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(parent)
    {
        // The link itself durable (best effort: not every platform syncs a folder).
        let _ = dir.sync_all();
    }
    result
}

/// Copies every table of the reader's snapshot into a new database at `path` (an empty
/// private file), in one write transaction committed only when every table is copied whole.
fn copy_into(reader: &super::Reader, path: &Path) -> Result<BackupSummary, BackupError> {
    let from = reader.txn();
    let (tables, multimap) = guarded(|| {
        let tables: Vec<String> = from.list_tables()?.map(|t| t.name().to_owned()).collect();
        let multimap: Vec<String> = from
            .list_multimap_tables()?
            .map(|t| t.name().to_owned())
            .collect();
        Ok((tables, multimap))
    })?;
    // careledger makes no multimap table: one is a table of another release.
    if let Some(name) = multimap.into_iter().next() {
        return Err(BackupError::UnknownTable(name));
    }
    let db = guarded(|| {
        Ok(redb::Builder::new()
            .set_concurrency_mode(CONCURRENCY)
            .create(path)?)
    })?;
    let to = guarded(|| Ok(db.begin_write()?))?;
    let mut copier = Copier {
        from,
        to: &to,
        pending: tables.into_iter().map(|t| (t, ())).collect(),
        copied: Vec::new(),
        incomplete: None,
    };
    super::tables::visit_tables(&mut copier)?;
    super::facts::visit_tables(&mut copier)?;
    if let Some(name) = copier.pending.keys().next() {
        return Err(BackupError::UnknownTable(name.clone()));
    }
    if let Some(e) = copier.incomplete.take() {
        return Err(e);
    }
    let mut copied = std::mem::take(&mut copier.copied);
    drop(copier);
    guarded(|| Ok(to.commit()?))?;
    drop(db);
    copied.sort();
    Ok(BackupSummary { tables: copied })
}
