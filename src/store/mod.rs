//! The append-only redb store: opening it, importing into it, reading from it.
//!
//! *Architecture invariant:* this is the only module that touches redb. Everything above it
//! sees records, versions and imports, never tables.

mod apply;
pub mod codec;
mod plan;
mod read;
pub mod tables;

use std::path::{Path, PathBuf};

use redb::{ConcurrencyMode, Database, ReadOnlyDatabase, ReadableTable};

pub use apply::{ImportFailure, ImportOptions, ImportOutcome, Planned, plan_import};
pub use plan::{Effect, WithinImport};
pub use read::{Reader, StoreStats, Version};
pub use tables::{ClosedStatement, ImportEntry, ImportFile, KindCounts, Op};

/// A failure of the store itself (not of the input).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("no store at {0}; create one with `careledger import FILES...` or pass --db FILE")]
    Missing(PathBuf),
    #[error(
        "the store {path} is open for writing by another careledger process; wait for it to finish"
    )]
    Busy { path: PathBuf },
    #[error("cannot open the store {path}: {source}")]
    Open {
        path: PathBuf,
        source: redb::DatabaseError,
    },
    #[error("cannot create the store {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "store error: {0}; if it persists, restore the store from a backup or re-import the files into a new store"
    )]
    Redb(#[from] redb::Error),
    #[error(transparent)]
    Codec(#[from] codec::CodecError),
}

macro_rules! from_redb {
    ($($t:ty),+) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self { StoreError::Redb(e.into()) }
        }
    )+};
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// The redb concurrency mode of every open: one process writes (an import) while any number
/// of others read consistent snapshots (reports, exports).
const CONCURRENCY: ConcurrencyMode = ConcurrencyMode::SingleWriter;

/// The store, opened for writing.
pub struct Store {
    db: Database,
}

impl Store {
    /// Opens the store for writing, creating it when missing. A new store file is created
    /// readable and writable by its owner only: it holds names and phone numbers, personal
    /// data under China's PIPL.
    pub fn open_or_create(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            create_store_file(path).map_err(|source| StoreError::Create {
                path: path.to_owned(),
                source,
            })?;
        }
        let db = redb::Builder::new()
            .set_concurrency_mode(CONCURRENCY)
            .create(path)
            .map_err(|e| open_error(path, e))?;
        let store = Store { db };
        store.initialise()?;
        Ok(store)
    }

    /// Opens the store for reading: a consistent snapshot, taken now, that an import running
    /// in another process does not disturb.
    pub fn open_reader(path: &Path) -> Result<Reader, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_owned()));
        }
        let open = || {
            redb::Builder::new()
                .set_concurrency_mode(CONCURRENCY)
                .open_read_only(path)
        };
        let db: ReadOnlyDatabase = match open() {
            // The last writer was killed: a read-only open does not repair, so let a writer
            // open repair the file (redb restores the last commit), then read.
            Err(redb::DatabaseError::RepairAborted) => {
                drop(Store::open_or_create(path)?);
                open().map_err(|e| open_error(path, e))?
            }
            other => other.map_err(|e| open_error(path, e))?,
        };
        Reader::new(db)
    }

    /// Rewrites the file without the free space a large import leaves behind (a 1 M-row
    /// import shrinks by about a third). Safe with readers in other processes: redb holds
    /// them off meanwhile. Returns whether anything was reclaimed; `Ok(false)` too when a
    /// transaction of this process is still open (the file is then left as it is).
    pub fn compact(&mut self) -> Result<bool, StoreError> {
        match self.db.compact() {
            Ok(done) => Ok(done),
            Err(redb::CompactionError::TransactionInProgress) => Ok(false),
            Err(e) => Err(StoreError::Redb(e.into())),
        }
    }

    /// A read snapshot from this writer's handle (used by tests and by `import` itself).
    pub fn reader(&self) -> Result<Reader, StoreError> {
        Reader::from_database(&self.db)
    }

    fn initialise(&self) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(tables::META)?;
            let version = meta.get(tables::META_FORMAT_VERSION)?.map(|v| v.value());
            match version {
                None => {
                    meta.insert(
                        tables::META_FORMAT_VERSION,
                        u64::from(codec::FORMAT_VERSION),
                    )?;
                }
                Some(v) if v == u64::from(codec::FORMAT_VERSION) => {}
                Some(v) => {
                    return Err(codec::CodecError::Version { found: v as u8 }.into());
                }
            }
            for def in [tables::LOG, tables::IMPORTS] {
                txn.open_table(def)?;
            }
            txn.open_table(tables::HISTORY)?;
            txn.open_table(tables::CURRENT)?;
            txn.open_table(tables::BY_TIME)?;
            txn.open_table(tables::REFS)?;
            txn.open_table(tables::STATEMENTS)?;
        }
        txn.commit()?;
        Ok(())
    }
}

/// Why a month cannot be closed.
#[derive(Debug, thiserror::Error)]
pub enum CloseError {
    #[error(
        "{0} is already closed (closed at {1}); a closed month is never closed again — later changes reach the next open month as prior-period adjustments"
    )]
    AlreadyClosed(String, String),
    #[error("{month} cannot be closed before {open}: close the months in order, {open} first")]
    OutOfOrder { month: String, open: String },
    #[error(
        "{month} comes before {last}, the last closed month: months close in order, and an earlier month is settled through adjustments"
    )]
    Earlier { month: String, last: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<redb::TransactionError> for CloseError {
    fn from(e: redb::TransactionError) -> Self {
        CloseError::Store(e.into())
    }
}

impl From<redb::TableError> for CloseError {
    fn from(e: redb::TableError) -> Self {
        CloseError::Store(e.into())
    }
}

impl From<redb::StorageError> for CloseError {
    fn from(e: redb::StorageError) -> Self {
        CloseError::Store(e.into())
    }
}

impl From<redb::CommitError> for CloseError {
    fn from(e: redb::CommitError) -> Self {
        CloseError::Store(e.into())
    }
}

impl Store {
    /// Stores a month's closed statement, in one transaction: refused when the month is
    /// closed already, or when it is not the month after the last closed one (the first
    /// close may be any month: it starts the ledger).
    pub fn close_month(&self, statement: &ClosedStatement) -> Result<(), CloseError> {
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(tables::STATEMENTS)?;
            if let Some(existing) = table.get(statement.month.as_str())? {
                let existing: ClosedStatement =
                    codec::decode(existing.value()).map_err(StoreError::from)?;
                return Err(CloseError::AlreadyClosed(
                    existing.month,
                    existing.closed_at,
                ));
            }
            let last = table.last()?.map(|(k, _)| k.value().to_owned());
            if let Some(open) = last.as_deref().map(next_month_label)
                && open != statement.month
            {
                if statement.month < open {
                    return Err(CloseError::Earlier {
                        month: statement.month.clone(),
                        last: last.unwrap_or_default(),
                    });
                }
                return Err(CloseError::OutOfOrder {
                    month: statement.month.clone(),
                    open,
                });
            }
            table.insert(
                statement.month.as_str(),
                codec::encode(statement).as_slice(),
            )?;
        }
        txn.commit()?;
        Ok(())
    }
}

/// `YYYY-MM` of the month after a `YYYY-MM` label.
fn next_month_label(label: &str) -> String {
    let period = crate::model::Period::parse_month(label).expect("stored month labels are valid");
    crate::model::Period::month_of(crate::model::Day(period.last.0 + 1)).label
}

/// SHA-256 of bytes, lower-case hex (file and statement hashes).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn open_error(path: &Path, e: redb::DatabaseError) -> StoreError {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Busy {
            path: path.to_owned(),
        },
        source => StoreError::Open {
            path: path.to_owned(),
            source,
        },
    }
}

/// Creates a new, initialised store at `path` atomically: built under a temporary name beside
/// it, then linked into place only if nothing is there yet. A reader in another process thus
/// never sees a half-made store (an empty file, or one without its tables), and two imports
/// creating the same store at once never replace each other's file: the loser of the race
/// opens the winner's store.
fn create_store_file(path: &Path) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".into());
    let temp = path.with_file_name(format!(".{name}.new-{}", std::process::id()));
    let build = || -> std::io::Result<()> {
        create_private_file(&temp)?;
        let db = redb::Builder::new()
            .set_concurrency_mode(CONCURRENCY)
            .create(&temp)
            .map_err(std::io::Error::other)?;
        Store { db }.initialise().map_err(std::io::Error::other)
    };
    let placed = build().and_then(|()| match std::fs::hard_link(&temp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // A file system without hard links: rename, which cannot refuse to replace a file that
        // appeared meanwhile, so check first (a narrower race than none).
        Err(_) if !path.exists() => std::fs::rename(&temp, path),
        Err(e) => Err(e),
    });
    let _ = std::fs::remove_file(&temp);
    placed
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(drop)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map(drop)
}
