//! The append-only redb store: opening it, appending record versions to it, reading from it.
//!
//! *Architecture invariant:* this is the only module that touches redb, and it knows nothing
//! of CSV files or import rows. Everything above it sees records, versions and imports, never
//! tables: an import hands it typed versions ([`Store::append`]) and gets a typed outcome.

mod append;
pub mod backup;
mod closes;
pub mod codec;
pub mod facts;
mod layers;
mod log;
mod read;
mod runs;
mod stored;
pub mod tables;
mod verify;
mod zframe;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use redb::{ConcurrencyMode, Database, ReadOnlyDatabase, ReadableDatabase, ReadableTable};

use tables::STORE_FORMAT;

pub use append::{Appended, Appender, Basis, NewImport, NewVersion, Stale};
pub use backup::{BackupError, BackupSummary, backup};
pub use closes::{MonthCloses, ReopenError};
pub use codec::{EncodedRecord, encode_record_into};
pub(crate) use read::SnapshotView;
pub use read::{Reader, StoreStats, TableSize, Version};
pub use tables::{
    CloseAction, CloseEvent, ClosedStatement, ImportEntry, ImportFile, KindCounts, Op,
};
pub use verify::{Integrity, PROBLEMS_LISTED_MAX, VerifyReport, verify};

/// A failure of the store itself (not of the input).
///
/// Every redb error is classified on its way in (see `classify`): damage to the file,
/// a full disk and a busy store each get their own variant, so the CLI can say what to do.
/// The messages never repeat a cause: variants hold their cause as text, not as a `source`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("{}", crate::say!(
        "no store at {path}; create one with `careledger import FILES...` or pass --db FILE",
        "{path} 处没有数据库；请用 `careledger import FILES...` 创建一个，或用 --db FILE 指定",
        path = .0.display()
    ))]
    Missing(PathBuf),
    #[error("{}", crate::say!(
        "the store {path} is open for writing by another careledger process; wait for it to finish",
        "数据库 {path} 正被另一个 careledger 进程写入；请等它完成",
        path = .path.display()
    ))]
    Busy { path: PathBuf },
    #[error("{}", crate::say!(
        "another import was committed while the facts were derived; run the command again",
        "推导派生数据期间另有一次导入已提交；请再运行一次该命令"
    ))]
    Stale,
    #[error("{}", crate::say!(
        "cannot create the store {path}: the folder {folder} does not exist; create it first (mkdir -p {folder}) or pass --db with a file in an existing folder",
        "无法创建数据库 {path}：文件夹 {folder} 不存在；请先创建它（mkdir -p {folder}），或用 --db 指定一个已有文件夹中的文件",
        path = .path.display(),
        folder = .folder.display()
    ))]
    NoFolder { path: PathBuf, folder: PathBuf },
    #[error("{}", crate::say!(
        "{path} is a folder, not a store file; pass --db FILE, e.g. --db {path}/careledger.redb",
        "{path} 是文件夹，不是数据库文件；请用 --db FILE 指定，例如 --db {path}/careledger.redb",
        path = .0.display()
    ))]
    IsFolder(PathBuf),
    #[error("{}", crate::say!(
        "{path} is not a careledger store ({why}); it was left as it is. Pass --db with the store file, or a new file name to create a store",
        "{path} 不是 careledger 数据库（{why}）；它保持原样。请用 --db 指定数据库文件，或指定一个新文件名来创建数据库",
        path = .path.display(),
        why = .why
    ))]
    NotAStore { path: PathBuf, why: String },
    #[error("{}", crate::say!(
        "the store {path} is read-only: nothing was written. Make it writable (chmod u+w {path}) or import into another store",
        "数据库 {path} 是只读的：没有写入任何内容。请使它可写（chmod u+w {path}），或导入到另一个数据库",
        path = .0.display()
    ))]
    ReadOnly(PathBuf),
    #[error("{}", crate::say!(
        "the store {path} was left by an interrupted import and must be repaired before it is read, which needs write permission: make it writable (chmod u+w {path}) and run the command again",
        "数据库 {path} 是一次中断的导入留下的，读取前必须先修复，而修复需要写权限：请使它可写（chmod u+w {path}），再运行该命令",
        path = .0.display()
    ))]
    RepairNeedsWrite(PathBuf),
    #[error("{}", crate::say!(
        "the store is damaged ({what}): run `careledger verify` to see what is wrong, then restore the store from a backup (or re-import the CSV files into a new store)",
        "数据库已损坏（{what}）：请运行 `careledger verify` 查看问题所在，然后从备份恢复数据库（或把 CSV 文件重新导入一个新数据库）",
        what = .0
    ))]
    Damaged(String),
    #[error("{}", crate::say!(
        "cannot write the store, for lack of room ({cause}). The transaction was not committed: the store is unchanged. Free disk space (or raise the file size limit, `ulimit -f`) and run the command again",
        "空间不足，无法写入数据库（{cause}）。事务未提交：数据库未改变。请腾出磁盘空间（或提高文件大小上限，`ulimit -f`），再运行该命令",
        cause = .0
    ))]
    NoSpace(String),
    #[error("{}", io_said(*.action, .path, .cause))]
    Io {
        action: FileAction,
        path: PathBuf,
        cause: String,
    },
    #[error("{}", crate::say!(
        "store error: {cause}; if it persists, run `careledger verify`, and restore the store from a backup or re-import the files into a new store",
        "数据库错误：{cause}；如果问题持续出现，请运行 `careledger verify`，并从备份恢复数据库，或把文件重新导入一个新数据库",
        cause = .0
    ))]
    Redb(String),
    /// The store's `meta` says it was written in a format newer than this binary writes
    /// and reads. Nothing was read or written; a newer release reads it.
    #[error("{}", crate::say!(
        "the store {path} was written by a newer careledger (format {format}; this careledger reads format {STORE_FORMAT} and older); use that release or newer. Nothing was read or written",
        "数据库 {path} 由更新版本的 careledger 写入（格式 {format}；本 careledger 读取格式 {STORE_FORMAT} 及更早的格式）；请使用该版本或更新的版本。未读取也未写入任何内容",
        path = .path.display(),
        format = .format
    ))]
    Newer { path: PathBuf, format: u64 },
    /// A stored value of another format version (a damaged value is [`StoreError::Damaged`]).
    #[error(transparent)]
    Codec(codec::CodecError),
}

/// What careledger was doing with the store's file when the system refused
/// ([`StoreError::Io`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileAction {
    Create,
    Open,
    Read,
    Write,
    /// Copying a read-only store to check it (`verify`).
    CopyToCheck,
}

impl FileAction {
    /// The action as the message says it: `read`, or 读取 with what follows the store's path.
    fn said(self) -> (&'static str, &'static str, &'static str) {
        match self {
            FileAction::Create => ("create", "创建", ""),
            FileAction::Open => ("open", "打开", ""),
            FileAction::Read => ("read", "读取", ""),
            FileAction::Write => ("write", "写入", ""),
            FileAction::CopyToCheck => (
                "copy (to check it, since it is read-only)",
                "复制",
                "（它是只读的，要复制后才能检查）",
            ),
        }
    }
}

/// The message of [`StoreError::Io`].
fn io_said(action: FileAction, path: &Path, cause: &str) -> String {
    let path = path.display();
    let (action, verb, why) = action.said();
    crate::say!(
        "cannot {action} the store {path}: {cause}",
        "无法{verb}数据库 {path}{why}：{cause}"
    )
}

impl StoreError {
    /// Whether the error says the file is damaged (the CLI's exit 3 with "restore from
    /// backup"). A damaged value always arrives as [`StoreError::Damaged`]: the conversion
    /// from a codec error makes it one.
    pub fn is_damaged(&self) -> bool {
        matches!(self, StoreError::Damaged(_))
    }
}

impl From<codec::CodecError> for StoreError {
    fn from(e: codec::CodecError) -> Self {
        match e {
            codec::CodecError::Damaged(what) => StoreError::Damaged(what),
            other => StoreError::Codec(other),
        }
    }
}

impl From<redb::Error> for StoreError {
    fn from(e: redb::Error) -> Self {
        classify(e)
    }
}

macro_rules! from_redb {
    ($($t:ty),+) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self { classify(e.into()) }
        }
    )+};
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::DatabaseError
);

/// Sorts a redb error into what the caller can act on. redb reports a damaged file as
/// `Corrupted` (a page it cannot make sense of) or as a table it cannot find or read with
/// the types it was written with; every table careledger reads exists in every store, since
/// the open checks the format (see [`Store::open_reader`]).
fn classify(e: redb::Error) -> StoreError {
    match e {
        redb::Error::Corrupted(what) => StoreError::Damaged(format!("redb: {what}")),
        redb::Error::TableDoesNotExist(name) => StoreError::Damaged(crate::say!(
            "the table `{name}` is missing",
            "表 `{name}` 缺失"
        )),
        e @ (redb::Error::TableTypeMismatch { .. }
        | redb::Error::TypeDefinitionChanged { .. }
        | redb::Error::TableIsMultimap(_)
        | redb::Error::TableIsNotMultimap(_)) => StoreError::Damaged(e.to_string()),
        redb::Error::Io(io) if is_no_space(&io) => StoreError::NoSpace(io.to_string()),
        redb::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            StoreError::Damaged(io.to_string())
        }
        other => StoreError::Redb(other.to_string()),
    }
}

/// Whether a write failed for lack of room: a full disk (ENOSPC), a file size limit
/// (EFBIG, `ulimit -f`) or a quota (EDQUOT).
fn is_no_space(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{FileTooLarge, QuotaExceeded, StorageFull};
    matches!(e.kind(), StorageFull | FileTooLarge | QuotaExceeded)
}

/// The text of a panic's payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        crate::voice::pick("a panic", "发生 panic").to_owned()
    }
}

/// Runs one step of work inside redb and turns a panic there into [`StoreError::Damaged`].
///
/// redb trusts the pages it reads: a damaged page can make it index out of bounds or unwrap
/// invalid UTF-8 in a key (redb 4.6 `types.rs`, `btree_base.rs`; debug builds also assert).
/// Only redb calls and decoding go inside `step`, never the caller's callbacks, so a bug of
/// ours still surfaces as the bug it is. Nothing is shared across the boundary that a panic
/// could leave half-updated: the caller drops the transaction on error.
pub(crate) fn guarded<T>(step: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)) {
        Ok(result) => result,
        Err(payload) => Err(StoreError::Damaged(crate::say!(
            "redb could not read a page: {}",
            "redb 无法读取某一页：{}",
            panic_text(payload.as_ref())
        ))),
    }
}

/// redb's page cache for a writer (read cache and write buffer together). With redb's default
/// of 1 GiB, a 2-million-row import of contacts (160 MB of CSV) peaked at 826 MB; with
/// 128 MiB it peaks at 329 MB and takes about 20 % longer, all of it in the compaction that
/// follows a large import (benches/import_memory.rs; figures in the README).
const WRITER_CACHE_BYTES: usize = 128 << 20;

/// redb's page cache for a reader. A report reads a month of facts (a few MB); deriving from
/// scratch reads the store once, page after page, which a cache as large as redb's default
/// (1 GiB) would only fill: at 100 000 customers it held 1.1 GB of the 1.7 GB a report took.
pub(super) const READER_CACHE_BYTES: usize = 128 << 20;

/// The redb concurrency mode of every open: one process writes (an import) while any number
/// of others read consistent snapshots (reports, exports).
const CONCURRENCY: ConcurrencyMode = ConcurrencyMode::SingleWriter;

/// The store, opened for writing.
pub struct Store {
    db: Database,
    /// The folder the store's file is in: where a rebuild of the facts sets its sorted runs
    /// aside, on the store's own disk.
    folder: PathBuf,
    /// `recent` layers are folded past this many entries at least (`store::layers`).
    fold_min: u64,
}

/// The folder a store file is in (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// How long a reader waits, in all, for another process to finish repairing a store that an
/// interrupted import left, before it reports the store busy.
const REPAIR_WAIT_MAX: Duration = Duration::from_secs(10);

/// The pause between two attempts to open a store that another process is repairing.
const REPAIR_RETRY_PAUSE: Duration = Duration::from_millis(25);

impl Store {
    /// Opens the store for writing, creating it when missing. A new store file is created
    /// readable and writable by its owner only: it holds names and phone numbers, personal
    /// data under China's PIPL.
    ///
    /// A path that holds anything but a store is refused before redb opens it, and left as it
    /// is: a folder, a device, a file of other bytes, a redb database of another program. An
    /// empty file becomes a store (`--db "$(mktemp)"`): nothing in it can be lost.
    pub fn open_or_create(path: &Path) -> Result<Store, StoreError> {
        match inspect(path)? {
            Found::Nothing => {
                let folder = folder_of(path);
                if !folder.is_dir() {
                    return Err(StoreError::NoFolder {
                        path: path.to_owned(),
                        folder,
                    });
                }
                create_store_file(path).map_err(|e| io_error(FileAction::Create, path, &e))?;
            }
            Found::Empty => {}
            Found::Redb => refuse_newer(path)?,
        }
        let db = guarded(|| {
            redb::Builder::new()
                .set_concurrency_mode(CONCURRENCY)
                .set_cache_size(WRITER_CACHE_BYTES)
                .create(path)
                .map_err(|e| open_error(path, e, FileAction::Write))
        })?;
        let store = Store {
            db,
            folder: folder_of(path),
            fold_min: layers::FOLD_MIN,
        };
        store.initialise(path)?;
        Ok(store)
    }

    /// Opens the store for reading: a consistent snapshot, taken now, that an import running
    /// in another process does not disturb. Never writes, except to repair a store whose last
    /// import was killed (redb restores its last commit).
    pub fn open_reader(path: &Path) -> Result<Reader, StoreError> {
        match inspect(path)? {
            Found::Nothing => return Err(StoreError::Missing(path.to_owned())),
            Found::Empty => {
                return Err(StoreError::NotAStore {
                    path: path.to_owned(),
                    why: crate::say!(
                        "the file is empty; `careledger import` turns an empty file into a store",
                        "文件是空的；`careledger import` 会把空文件变成数据库"
                    ),
                });
            }
            Found::Redb => {}
        }
        let db = open_read_only_repairing(path)?;
        let reader = Reader::new(db)?;
        check_format(path, reader.format_version()?)?;
        Ok(reader)
    }

    /// Rewrites the file without the free space a large import leaves behind (a 1 M-row
    /// import shrinks by about a third). Safe with readers in other processes: redb holds
    /// them off meanwhile. Returns whether anything was reclaimed; `Ok(false)` too when a
    /// transaction of this process is still open (the file is then left as it is).
    pub fn compact(&mut self) -> Result<bool, StoreError> {
        match self.db.compact() {
            Ok(done) => Ok(done),
            Err(redb::CompactionError::TransactionInProgress) => Ok(false),
            Err(e) => Err(classify(e.into())),
        }
    }

    /// Folds the recent layers of `current` and `refs` into them once they hold more than
    /// `entries` (and an eighth of the table), instead of 65 536: for tests, which then
    /// cross a fold in a few rows. What is read never depends on it (`store::layers`).
    #[doc(hidden)]
    pub fn fold_recent_past(&mut self, entries: u64) {
        self.fold_min = entries;
    }

    /// A read snapshot from this writer's handle (used by tests and by `import` itself).
    pub fn reader(&self) -> Result<Reader, StoreError> {
        Reader::from_database(&self.db)
    }

    /// Creates the tables of a new store, or checks the format of an existing one. A redb
    /// database of another program (tables, but no careledger format version) is refused
    /// before anything is written to it.
    fn initialise(&self, path: &Path) -> Result<(), StoreError> {
        let foreign = guarded(|| {
            let txn = self.db.begin_read()?;
            let version = match txn.open_table(tables::META) {
                Ok(meta) => meta.get(tables::META_FORMAT_VERSION)?.map(|v| v.value()),
                Err(redb::TableError::TableDoesNotExist(_)) => None,
                Err(e) => return Err(e.into()),
            };
            Ok(version.is_none() && txn.list_tables()?.next().is_some())
        })?;
        if foreign {
            return Err(StoreError::NotAStore {
                path: path.to_owned(),
                why: crate::say!(
                    "a redb database of another program",
                    "另一个程序的 redb 数据库"
                ),
            });
        }
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(tables::META)?;
            let version = meta.get(tables::META_FORMAT_VERSION)?.map(|v| v.value());
            match version {
                None => {
                    meta.insert(tables::META_FORMAT_VERSION, STORE_FORMAT)?;
                }
                // Refused before anything is written: the transaction is dropped, not committed.
                Some(v) => check_format(path, Some(v))?,
            }
            // A new store logs in segments; a store of format 1 keeps its `log` table.
            txn.open_table(log::LOG_SEGMENTS)?;
            txn.open_table(tables::IMPORTS)?;
            txn.open_table(tables::HISTORY)?;
            txn.open_table(tables::CURRENT)?;
            txn.open_table(layers::CURRENT_RECENT)?;
            txn.open_table(tables::BY_TIME)?;
            txn.open_table(tables::REFS)?;
            txn.open_table(layers::REFS_RECENT)?;
            txn.open_table(tables::REF_COUNTS)?;
            txn.open_table(tables::STATEMENTS)?;
        }
        txn.commit()?;
        Ok(())
    }
}

/// Why a month cannot be closed.
#[derive(Debug, thiserror::Error)]
pub enum CloseError {
    #[error("{}", crate::say!(
        "{month} is already closed (closed at {at}); a closed month is never closed again — later changes reach the next open month as prior-period adjustments",
        "{month} 已结账（结账于 {at}）；已结账的月份不会再次结账——之后的改动作为前期调整计入下一个未结账的月份",
        month = .0,
        at = .1
    ))]
    AlreadyClosed(String, String),
    #[error("{}", crate::say!(
        "{month} cannot be closed before {open}: close the months in order, {open} first",
        "{month} 不能在 {open} 之前结账：请按顺序结账，先结 {open}",
        month = .month,
        open = .open
    ))]
    OutOfOrder { month: String, open: String },
    #[error("{}", crate::say!(
        "{month} comes before {last}, the last closed month: months close in order, and an earlier month is settled through adjustments",
        "{month} 早于最后一个已结账的月份 {last}：月份按顺序结账，更早的月份通过调整来结算",
        month = .month,
        last = .last
    ))]
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

/// `YYYY-MM` of the month after a stored `YYYY-MM` label; a label that does not parse is
/// damage (close writes only labels it parsed).
fn next_month_label(label: &str) -> Result<String, StoreError> {
    let period = crate::model::Period::parse_month(label).map_err(|_| {
        StoreError::Damaged(crate::say!(
            "the statements table holds `{}`, not a month",
            "statements 表中存有 `{}`，不是月份",
            label.escape_debug()
        ))
    })?;
    Ok(crate::model::Period::month_of(crate::model::Day(period.last.0 + 1)).label)
}

/// SHA-256 of bytes, lower-case hex (file and statement hashes).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a store path holds, looked at before redb opens it.
enum Found {
    Nothing,
    Empty,
    /// A file that starts with redb's magic number.
    Redb,
}

/// The first bytes of every redb file (redb 4.6 `tree_store/page_store/header.rs`).
const REDB_MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

fn inspect(path: &Path) -> Result<Found, StoreError> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(io_error(FileAction::Open, path, &e)),
    };
    if meta.is_dir() {
        return Err(StoreError::IsFolder(path.to_owned()));
    }
    let not_a_store = |why: String| StoreError::NotAStore {
        path: path.to_owned(),
        why,
    };
    if !meta.is_file() {
        return Err(not_a_store(crate::say!(
            "not a regular file",
            "不是普通文件"
        )));
    }
    if meta.len() == 0 {
        return Ok(Found::Empty);
    }
    let mut head = [0u8; REDB_MAGIC.len()];
    let mut file = std::fs::File::open(path).map_err(|e| io_error(FileAction::Read, path, &e))?;
    let n = std::io::Read::read(&mut file, &mut head)
        .map_err(|e| io_error(FileAction::Read, path, &e))?;
    if n < head.len() || head != REDB_MAGIC {
        return Err(not_a_store(crate::say!(
            "it does not start as a redb database does; if it is a store, its first bytes are damaged",
            "它的开头不像 redb 数据库；如果它是数据库，它开头的字节已损坏"
        )));
    }
    Ok(Found::Redb)
}

/// Opens a store read-only, repairing it first when its last writer was killed.
///
/// A read-only open never repairs; a writable open does (redb restores the last commit).
/// Several readers may find the store needing repair at once: the first writable open
/// repairs, and the others, refused meanwhile, wait and try again (at most
/// [`REPAIR_WAIT_MAX`]), then read the repaired file.
fn open_read_only_repairing(path: &Path) -> Result<ReadOnlyDatabase, StoreError> {
    let started = Instant::now();
    loop {
        let attempt = guarded(|| {
            Ok(redb::Builder::new()
                .set_concurrency_mode(CONCURRENCY)
                .set_cache_size(READER_CACHE_BYTES)
                .open_read_only(path))
        })?;
        let refused = match attempt {
            Ok(db) => return Ok(db),
            Err(redb::DatabaseError::RepairAborted) => {
                // The open repairs; the close writes the clean-shutdown header. Both inside
                // the guard: on a damaged file either may fail.
                let repair = guarded(|| {
                    Ok(redb::Builder::new()
                        .set_concurrency_mode(CONCURRENCY)
                        .open(path)
                        .and_then(redb::Database::close))
                })?;
                match repair {
                    Ok(()) => continue,
                    Err(redb::DatabaseError::DatabaseAlreadyOpen) => true,
                    Err(e) => {
                        return Err(match open_error(path, e, FileAction::Write) {
                            StoreError::ReadOnly(path) => StoreError::RepairNeedsWrite(path),
                            other => other,
                        });
                    }
                }
            }
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => true,
            Err(e) => return Err(open_error(path, e, FileAction::Read)),
        };
        debug_assert!(refused);
        if started.elapsed() >= REPAIR_WAIT_MAX {
            return Err(StoreError::Busy {
                path: path.to_owned(),
            });
        }
        std::thread::sleep(REPAIR_RETRY_PAUSE);
    }
}

/// Refuses a store of a newer format before a writable open (which writes redb's header, and
/// may repair): a store the binary cannot read is left byte for byte as it was. Looked at
/// through a read-only open; when that fails (a store needing repair, say), the caller's open
/// reports why, and the format is checked after it as always.
fn refuse_newer(path: &Path) -> Result<(), StoreError> {
    let version = guarded(|| {
        match redb::Builder::new()
            .set_concurrency_mode(CONCURRENCY)
            .open_read_only(path)
        {
            Ok(db) => Reader::new(db)?.format_version(),
            Err(_) => Ok(None),
        }
    });
    match version {
        Ok(Some(v)) if v > STORE_FORMAT => check_format(path, Some(v)),
        _ => Ok(()),
    }
}

/// Refuses a redb database that is not a careledger store, or one of another format: a newer
/// one (a later release wrote it: [`StoreError::Newer`]), or an older one than format 1,
/// which cannot exist, so is damage.
///
/// A store of format 1 is read as it is: its values are format 1's (`stored` decodes every
/// value by its version byte) and its log's entries stay in `log`, read with the segments a
/// later import appends (`store::log`). A store of format 1 or 2 has no recent layers
/// (`store::layers`), which read as empty. An import into it marks it format 3, which is
/// what it then holds.
fn check_format(path: &Path, version: Option<u64>) -> Result<(), StoreError> {
    match version {
        Some(v) if (1..=STORE_FORMAT).contains(&v) => Ok(()),
        Some(v) if v > STORE_FORMAT => Err(StoreError::Newer {
            path: path.to_owned(),
            format: v,
        }),
        Some(v) => Err(codec::CodecError::Version {
            found: u8::try_from(v).unwrap_or(u8::MAX),
        }
        .into()),
        None => Err(StoreError::NotAStore {
            path: path.to_owned(),
            why: crate::say!(
                "a redb database without careledger's format version",
                "没有 careledger 格式版本的 redb 数据库"
            ),
        }),
    }
}

fn open_error(path: &Path, e: redb::DatabaseError, action: FileAction) -> StoreError {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Busy {
            path: path.to_owned(),
        },
        redb::DatabaseError::Storage(redb::StorageError::Io(io)) => io_error(action, path, &io),
        other => classify(other.into()),
    }
}

/// An I/O error of opening or creating the store, by what the user can do about it.
fn io_error(action: FileAction, path: &Path, e: &std::io::Error) -> StoreError {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
            if action == FileAction::Write =>
        {
            StoreError::ReadOnly(path.to_owned())
        }
        // redb's word for a file that is not a database (a header it cannot read)
        ErrorKind::InvalidData => StoreError::NotAStore {
            path: path.to_owned(),
            why: crate::say!(
                "{e}; if it is a store, its header is damaged",
                "{e}；如果它是数据库，它的文件头已损坏"
            ),
        },
        _ if is_no_space(e) => StoreError::NoSpace(e.to_string()),
        _ => StoreError::Io {
            action,
            path: path.to_owned(),
            cause: e.to_string(),
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
        Store {
            db,
            folder: folder_of(&temp),
            fold_min: layers::FOLD_MIN,
        }
        .initialise(&temp)
        .map_err(std::io::Error::other)
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
