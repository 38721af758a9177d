//! The streamed import: an import of any size in memory bounded by a chunk of rows
//! (DOMAIN.md section 3, decided exactly as the in-memory planner of [`super::plan`] decides
//! it).
//!
//! 1. **Set aside, sorted.** Each file is read a chunk of rows at a time (the CSV room's
//!    chunked reader, passed in as a [`ChunkReader`]); each chunk is sorted by key and written
//!    to a run file in a temporary folder beside the store. Files are read in parallel.
//! 2. **One key at a time, kinds in dependency order.** The runs of a kind are merged by
//!    (key, file, line): the rows of one key arrive together, in the order section 3 reads
//!    them, and the key is decided with the planner's own passes ([`net_of_key`],
//!    [`effect_of`], [`check_net_add`]) and appended at once, in the one write transaction
//!    ([`Store::append_streamed`]). Every reference points at an earlier kind, so it is
//!    checked against the transaction's own tables: the state the import leaves.
//! 3. **The checks that look forward** — a void of a record that a stored record still
//!    names, an amendment that a stored record contradicts — run once every kind is written,
//!    on the voided and amended keys (kept in memory: few), through the transaction's
//!    `refs`. A record naming them that this import wrote was checked in step 2; one it
//!    restated unchanged wrote nothing, so it is told apart by a pass over its kind's runs,
//!    only when an error would otherwise be reported.
//! 4. **Nothing written unless everything is valid.** Any error aborts the transaction.
//!
//! What differs from the in-memory planner is only the order of the log: versions get their
//! sequence numbers kind by kind in key order, where the planner numbers them in the order
//! their keys first appear in the files. DOMAIN.md asks for a sequence number per version,
//! not for that order; a key's own versions keep theirs. The property test
//! `tests/import_stream.rs` holds the two to the same outcome, errors, current records and
//! histories.
//!
//! Memory: a chunk of rows per file read at once, a read buffer per run in the merge, redb's
//! writer cache, and what the checks at the end need — the keys voided, the records amended
//! in a way a stored record could contradict (attempts and surveys moved to another
//! customer, complaints, actions), the keys of rows that failed to parse — which grows with
//! the corrections an import makes, not with its size (a first load makes none).

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use rayon::prelude::*;

use super::apply::{ImportFailure, ImportOptions, ImportOutcome};
use super::batch::{ErrorSink, ImportError, Row, Rows, Source, StreamedFile};
use super::plan::{
    EndState, Judge, amendment_has_holders, check_amended, check_net_add, check_void, count,
    effect_of, empty_counts, empty_within, net_of_key,
};
use crate::model::{Kind, Record, Timestamp};
use crate::store::{Appended, Appender, ImportFile, NewImport, Op, Store, StoreError};

/// Reads one file a chunk at a time: the rows that parse, in file order, at most `chunk_rows`
/// per call of the callback; `Ok(Err(errors))` for a problem with the whole file. The CLI
/// passes `csvio::parse_file_in_chunks`; the import room does not read CSV itself.
pub type ChunkReader<'a> = &'a (
        dyn Fn(
    &Source,
    usize,
    &mut dyn FnMut(Rows) -> io::Result<()>,
) -> io::Result<Result<StreamedFile, Vec<ImportError>>>
            + Sync
    );

/// How a streamed import sets its rows aside.
#[derive(Clone, Debug)]
pub struct StreamOptions {
    /// Rows per sorted run: the memory of a chunk is about this many rows, encoded.
    pub chunk_rows: usize,
    /// The folder the temporary runs go in: beside the store, on the same disk.
    pub temp_in: PathBuf,
    /// How the runs' folder is named: this, then random characters. It names the store, so
    /// that the folders with it that are there already were left by an import of this store
    /// that was killed (an import holds the store's write lock): they are removed first.
    pub temp_prefix: String,
}

/// Rows per run by default: about 100 MB of encoded rows.
pub const CHUNK_ROWS: usize = 1 << 20;

/// Bytes of ids an index buffer holds per row of a chunk: a row adds one `by_time` entry and
/// a reference or two, about 40 bytes of ids, so a buffer of a default chunk is the store's
/// largest (32 MiB).
const INDEX_TEXT_PER_ROW: usize = 32;

/// A streamed import's result: its outcome and the files it read (without their rows).
#[derive(Debug)]
pub struct StreamedImport {
    pub outcome: ImportOutcome,
    pub files: Vec<StreamedFile>,
}

/// Imports files, streamed (see the module's documentation). On any bad row nothing is
/// written and the problems are returned, in file and line order, as the in-memory import
/// returns them. A dry run (`options.dry_run`) decides everything in the write transaction
/// and aborts it. `progress` is called with (rows done, rows in all) as keys are decided.
pub fn import_streamed(
    store: &Store,
    sources: &[Source],
    read: ChunkReader<'_>,
    options: &ImportOptions,
    stream: &StreamOptions,
    progress: &dyn Fn(u64, u64),
) -> Result<StreamedImport, ImportFailure> {
    let spill = Spill::new(&stream.temp_in, &stream.temp_prefix)?;
    let results: Vec<io::Result<Result<StreamedFile, Vec<ImportError>>>> = sources
        .par_iter()
        .enumerate()
        .map(|(file, source)| {
            let mut set_aside = |rows: Rows| spill.write(source.kind, file as u32, &rows);
            read(source, stream.chunk_rows.max(1), &mut set_aside)
        })
        .collect();
    let mut read_files = Vec::new();
    let mut whole_file = Vec::new();
    for (n, result) in results.into_iter().enumerate() {
        match result.map_err(|e| spill.failure(e))? {
            Ok(file) => read_files.push((n, file)),
            Err(errors) => whole_file.extend(errors.into_iter().map(|e| (n, e))),
        }
    }
    let mut sink = ErrorSink::new();
    for (n, f) in &read_files {
        sink.extend_file(*n, &f.errors, f.errors_total);
    }
    if !whole_file.is_empty() {
        // As the in-memory import: a whole file unreadable is listed with the row errors of
        // the others, without checking them against the store.
        for (n, e) in whole_file {
            sink.push(n, e);
        }
        return Err(ImportFailure::Rejected(sink.finish()));
    }
    // Every file was read: the n-th is the n-th source.
    let files: Vec<StreamedFile> = read_files.into_iter().map(|(_, f)| f).collect();
    let mut failed: Vec<HashSet<String>> = vec![HashSet::new(); Kind::ALL.len()];
    for f in &files {
        failed[f.source.kind as usize - 1].extend(f.failed_keys.iter().cloned());
    }
    let mut decider = Decider {
        judge: Judge {
            names: sources.iter().map(Source::display).collect(),
            sink,
        },
        amend: options.amend,
        failed,
        voided: vec![HashSet::new(); Kind::ALL.len()],
        known: RefCell::new(Known::new(KNOWN_MAX)),
        counts: empty_counts(),
        within: empty_within(),
        amended: Vec::new(),
        voids: Vec::new(),
        done: 0,
        total: files.iter().map(|f| f.rows).sum(),
        progress,
    };
    let (appended, decided) = store.append_streamed(|appender| {
        // The index entries wait beside the runs, a buffer about the size of a chunk's ids
        // at a time (so that tests with chunks of a few rows set many runs aside).
        appender.spill_index_in(
            spill.dir.path(),
            stream.chunk_rows.saturating_mul(INDEX_TEXT_PER_ROW),
        );
        for kind in Kind::ALL {
            let mut merge = Merge::open(&spill.runs(kind)).map_err(|e| spill.failure(e))?;
            decider.kind(appender, kind, &mut merge, &spill)?;
        }
        decider.look_forward(appender, &spill)?;
        (decider.progress)(decider.total, decider.total);
        let sink = std::mem::take(&mut decider.judge.sink);
        if !sink.is_empty() {
            return Ok((None, Err(sink.finish())));
        }
        if options.dry_run {
            return Ok((None, Ok(())));
        }
        let import = NewImport {
            at: options.at.clone(),
            amend: options.amend,
            files: files
                .iter()
                .map(|f| ImportFile {
                    path: f.source.display(),
                    kind: f.source.kind,
                    sha256: f.sha256.clone(),
                    rows: f.rows,
                })
                .collect(),
            counts: decider.counts.clone(),
        };
        Ok::<_, ImportFailure>((Some(import), Ok(())))
    })?;
    decided.map_err(ImportFailure::Rejected)?;
    let (import_id, recorded) = match appended {
        Appended::Committed { import_id, .. } => (import_id, true),
        Appended::Unchanged { next_import } => (next_import, false),
    };
    let present = |code: u8| files.iter().any(|f| f.source.kind.code() == code);
    let outcome = ImportOutcome {
        import_id,
        recorded,
        counts: decider
            .counts
            .iter()
            .filter(|c| present(c.kind_code))
            .copied()
            .collect(),
        within: decider
            .within
            .iter()
            .filter(|w| present(w.kind_code))
            .copied()
            .collect(),
        dry_run: options.dry_run,
    };
    Ok(StreamedImport { outcome, files })
}

/// A key the streamed import amended or voided, checked once every kind is written.
struct Deferred {
    kind: Kind,
    key: String,
    file: u32,
    line: u64,
    /// The stored record before and after, for an amendment.
    amended: Option<(Record, Record)>,
}

/// What the streamed import carries from key to key.
struct Decider<'p> {
    judge: Judge,
    amend: bool,
    /// Per kind, keys of rows that failed to parse.
    failed: Vec<HashSet<String>>,
    /// Per kind, keys whose net row is a void.
    voided: Vec<HashSet<String>>,
    known: RefCell<Known>,
    counts: Vec<crate::store::KindCounts>,
    within: Vec<super::WithinImport>,
    amended: Vec<Deferred>,
    voids: Vec<Deferred>,
    done: u64,
    total: u64,
    progress: &'p dyn Fn(u64, u64),
}

/// How many rows the import decides between two progress reports.
const PROGRESS_EVERY_ROWS: u64 = 1 << 16;

impl Decider<'_> {
    /// Decides and appends every key of a kind.
    fn kind(
        &mut self,
        appender: &mut Appender<'_>,
        kind: Kind,
        merge: &mut Merge,
        spill: &Spill,
    ) -> Result<(), ImportFailure> {
        let mut group = Rows::default();
        let mut files: Vec<u32> = Vec::new();
        let mut spare: Vec<(u32, Row<'_>)> = Vec::new();
        while merge
            .next_group(&mut group, &mut files)
            .map_err(|e| spill.failure(e))?
        {
            let mut rows = recycle(spare);
            rows.extend(files.iter().copied().zip(group.iter()));
            self.key(appender, kind, &rows)?;
            let before = self.done;
            self.done += rows.len() as u64;
            if before / PROGRESS_EVERY_ROWS != self.done / PROGRESS_EVERY_ROWS {
                (self.progress)(self.done, self.total);
            }
            spare = recycle(rows);
        }
        Ok(())
    }

    /// Decides one key from its rows in reading order, and appends its net row.
    fn key(
        &mut self,
        appender: &mut Appender<'_>,
        kind: Kind,
        rows: &[(u32, Row<'_>)],
    ) -> Result<(), StoreError> {
        let had_add = net_of_key(&mut self.judge, kind, rows, self.amend);
        let (file, last) = *rows.last().expect("a key has a row");
        // In a store that started empty no earlier version of this key exists: each key is
        // decided once, and nothing else writes its kind.
        let empty = appender.started_empty();
        let stored = match empty {
            true => None,
            false => appender.current(kind, last.key)?.map(|c| c.record),
        };
        let record = last.record();
        let effect = effect_of(
            &mut self.judge,
            kind,
            file,
            &last,
            record.as_ref(),
            stored.as_ref(),
            had_add,
            self.amend,
            &mut || Ok(!empty && appender.has_history(kind, last.key)?),
        )?;
        if let Some(record) = &record {
            let end = Written {
                appender,
                failed: &self.failed,
                voided: &self.voided,
                known: &self.known,
            };
            check_net_add(&mut self.judge, file, last.line, record, &end)?;
        } else {
            self.voided[kind as usize - 1].insert(last.key.to_owned());
        }
        if effect.writes() {
            // An amendment's records are kept for the checks at the end.
            let kept = match (effect, &stored, &record) {
                (super::Effect::Amended, Some(old), Some(new))
                    if amendment_has_holders(old, new) =>
                {
                    Some((old.clone(), new.clone()))
                }
                _ => None,
            };
            appender.push_record(kind, last.key, record.zip(last.encoded()), stored.as_ref())?;
            let deferred = |amended| Deferred {
                kind,
                key: last.key.to_owned(),
                file,
                line: last.line,
                amended,
            };
            match effect {
                super::Effect::Voided => self.voids.push(deferred(None)),
                _ if kept.is_some() => self.amended.push(deferred(kept)),
                _ => {}
            }
        }
        count(&mut self.counts, &mut self.within, kind, effect);
        self.within[kind as usize - 1].superseded += rows.len() as u64 - 1;
        Ok(())
    }

    /// Passes 4 and 5 once every kind is written: the records naming an amended or voided
    /// one that this import did not write (see the module's documentation).
    fn look_forward(
        &mut self,
        appender: &mut Appender<'_>,
        spill: &Spill,
    ) -> Result<(), ImportFailure> {
        let first = appender.first_seq();
        let mut checks: Vec<(&Deferred, Vec<(Kind, String)>)> = Vec::new();
        for d in self.amended.iter().chain(&self.voids) {
            let mut naming = Vec::new();
            appender.for_each_referrer(d.kind, &d.key, &mut |kind, key| {
                naming.push((kind, key.to_owned()));
            })?;
            let mut holders = Vec::new();
            for (kind, key) in naming {
                if appender.current(kind, &key)?.is_some_and(|c| c.seq < first) {
                    holders.push((kind, key));
                }
            }
            checks.push((d, holders));
        }
        // A holder that the import restates unchanged wrote no version: it is named in its
        // kind's runs.
        let candidates: BTreeSet<(Kind, &str)> = checks
            .iter()
            .flat_map(|(_, holders)| holders.iter().map(|(k, key)| (*k, key.as_str())))
            .collect();
        let mut restated: HashSet<(Kind, String)> = HashSet::new();
        for kind in candidates.iter().map(|(k, _)| *k).collect::<BTreeSet<_>>() {
            let mut merge = Merge::open(&spill.runs(kind)).map_err(|e| spill.failure(e))?;
            let (mut group, mut files) = (Rows::default(), Vec::new());
            while merge
                .next_group(&mut group, &mut files)
                .map_err(|e| spill.failure(e))?
            {
                let key = group.get(0).key;
                if candidates.contains(&(kind, key)) {
                    restated.insert((kind, key.to_owned()));
                }
            }
        }
        let stored = |kind: Kind, key: &str| Ok(appender.current(kind, key)?.map(|c| c.record));
        for (d, mut holders) in checks {
            holders.retain(|h| !restated.contains(h));
            match &d.amended {
                Some((old, new)) => {
                    check_amended(&mut self.judge, d.file, d.line, old, new, &holders, &stored)?
                }
                None => check_void(&mut self.judge, d.file, d.line, d.kind, &d.key, &holders),
            }
        }
        Ok(())
    }
}

/// An emptied vector of borrowed rows, its memory kept for rows borrowed anew (a collect
/// into a vector of the same layout reuses the allocation).
fn recycle<'b>(mut rows: Vec<(u32, Row<'_>)>) -> Vec<(u32, Row<'b>)> {
    rows.clear();
    rows.into_iter().map(|_| unreachable!("emptied")).collect()
}

/// The state after the import as the streamed import reads it: the transaction's current
/// records (every kind a reference points at is written by then), the keys it voids and the
/// keys that failed to parse.
struct Written<'a, 't> {
    appender: &'a Appender<'t>,
    failed: &'a [HashSet<String>],
    voided: &'a [HashSet<String>],
    known: &'a RefCell<Known>,
}

/// Keys the import has found current, per kind: most rows name a customer (and a member of
/// staff) that dozens of other rows name too, and each would otherwise be a lookup in the
/// transaction's `current`. A key found current stays so for the rest of the import unless
/// the import voids it, and `voided` is asked first. Emptied when it reaches `KNOWN_MAX`
/// keys, so that it costs a bounded amount of memory whatever the store's size.
struct Known {
    keys: Vec<HashSet<Box<str>>>,
    len: usize,
    max: usize,
}

/// Keys [`Known`] holds at most (about 60 bytes each).
const KNOWN_MAX: usize = 1 << 21;

impl Known {
    fn new(max: usize) -> Known {
        Known {
            keys: vec![HashSet::new(); Kind::ALL.len()],
            len: 0,
            max,
        }
    }

    fn contains(&self, kind: Kind, key: &str) -> bool {
        self.keys[kind as usize - 1].contains(key)
    }

    fn insert(&mut self, kind: Kind, key: &str) {
        if self.len >= self.max {
            self.keys.iter_mut().for_each(HashSet::clear);
            self.len = 0;
        }
        if self.keys[kind as usize - 1].insert(key.into()) {
            self.len += 1;
        }
    }
}

impl EndState for Written<'_, '_> {
    fn after(&self, kind: Kind, key: &str) -> Result<Option<Record>, StoreError> {
        Ok(self.appender.current(kind, key)?.map(|c| c.record))
    }

    fn resolves(&self, kind: Kind, key: &str) -> Result<(bool, bool), StoreError> {
        let i = kind as usize - 1;
        if self.voided[i].contains(key) {
            return Ok((false, true));
        }
        if self.known.borrow().contains(kind, key) {
            return Ok((true, false));
        }
        let exists = self.appender.exists(kind, key)?;
        if exists {
            self.known.borrow_mut().insert(kind, key);
        }
        Ok((exists || self.failed[i].contains(key), false))
    }
}

/// The temporary folder of an import's sorted runs, and the runs of each kind. Removed with
/// everything in it when the import ends, whatever happens.
struct Spill {
    dir: tempfile::TempDir,
    runs: Mutex<Vec<Vec<PathBuf>>>,
    next: AtomicUsize,
}

impl Spill {
    fn new(temp_in: &Path, prefix: &str) -> Result<Spill, ImportFailure> {
        remove_left_behind(temp_in, prefix);
        // The runs hold the rows, personal data: the folder is its owner's only.
        let mut builder = tempfile::Builder::new();
        builder.prefix(prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = builder
            .tempdir_in(temp_in)
            .map_err(|cause| ImportFailure::Spill {
                path: temp_in.to_owned(),
                cause,
            })?;
        Ok(Spill {
            dir,
            runs: Mutex::new(vec![Vec::new(); Kind::ALL.len()]),
            next: AtomicUsize::new(0),
        })
    }

    fn failure(&self, cause: io::Error) -> ImportFailure {
        ImportFailure::Spill {
            path: self.dir.path().to_owned(),
            cause,
        }
    }

    /// The runs of a kind, in no particular order.
    fn runs(&self, kind: Kind) -> Vec<PathBuf> {
        self.runs.lock().expect("no panic holds the lock")[kind as usize - 1].clone()
    }

    /// Sorts a chunk of rows of the `file`-th file by key (rows of one key keep their order)
    /// and writes it as a run.
    fn write(&self, kind: Kind, file: u32, rows: &Rows) -> io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        // Each row read once (not once per comparison); a stable sort keeps a key's rows in
        // file order.
        let mut order: Vec<Row<'_>> = rows.iter().collect();
        order.sort_by(|a, b| a.key.cmp(b.key));
        let n = self.next.fetch_add(1, AtomicOrdering::Relaxed);
        let path = self.dir.path().join(format!("{n}.run"));
        let mut out = BufWriter::with_capacity(RUN_BUFFER_BYTES, create_private(&path)?);
        for row in order {
            let record = row.record_bytes();
            out.write_all(&(row.key.len() as u32).to_le_bytes())?;
            out.write_all(row.key.as_bytes())?;
            out.write_all(&file.to_le_bytes())?;
            out.write_all(&(row.line as u32).to_le_bytes())?;
            out.write_all(&[u8::from(row.op == Op::Add)])?;
            out.write_all(&row.time().map_or(i64::MIN, |t| t.0).to_le_bytes())?;
            out.write_all(&(record.len() as u32).to_le_bytes())?;
            out.write_all(record)?;
        }
        out.flush()?;
        self.runs.lock().expect("no panic holds the lock")[kind as usize - 1].push(path);
        Ok(())
    }
}

/// Removes the folders named with `prefix` in `folder`: runs of an import killed before it
/// could remove them (personal data, and as large as the files it read). Best effort: what
/// cannot be removed stays, and the import goes ahead.
fn remove_left_behind(folder: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let named = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(prefix));
        if named && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Creates a run file, readable by its owner only.
fn create_private(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// The write and read buffer of a run.
const RUN_BUFFER_BYTES: usize = 256 << 10;

/// One row read back from a run, with the run it came from; ordered so that the smallest
/// (key, file, line) is the greatest, for `BinaryHeap`.
struct Head {
    key: String,
    file: u32,
    line: u32,
    add: bool,
    time: i64,
    record: Vec<u8>,
    run: usize,
}

impl Head {
    fn place(&self) -> (&str, u32, u32) {
        (&self.key, self.file, self.line)
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.place() == other.place()
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        other.place().cmp(&self.place())
    }
}

/// The runs of a kind merged by (key, file, line).
struct Merge {
    runs: Vec<BufReader<File>>,
    heap: BinaryHeap<Head>,
}

impl Merge {
    fn open(paths: &[PathBuf]) -> io::Result<Merge> {
        let mut merge = Merge {
            runs: Vec::with_capacity(paths.len()),
            heap: BinaryHeap::with_capacity(paths.len()),
        };
        for (run, path) in paths.iter().enumerate() {
            merge.runs.push(BufReader::with_capacity(
                RUN_BUFFER_BYTES,
                File::open(path)?,
            ));
            let mut head = Head {
                key: String::new(),
                file: 0,
                line: 0,
                add: false,
                time: 0,
                record: Vec::new(),
                run,
            };
            if read_row(&mut merge.runs[run], &mut head)? {
                merge.heap.push(head);
            }
        }
        Ok(merge)
    }

    /// The rows of the next key, in reading order, into `group` (and their files into
    /// `files`); false when every run is read.
    fn next_group(&mut self, group: &mut Rows, files: &mut Vec<u32>) -> io::Result<bool> {
        group.clear();
        files.clear();
        while let Some(top) = self.heap.peek() {
            if !group.is_empty() && top.key != group.get(0).key {
                break;
            }
            let mut head = self.heap.pop().expect("peeked");
            let op = if head.add { Op::Add } else { Op::Void };
            let time = (head.time != i64::MIN).then_some(Timestamp(head.time));
            group.push_encoded(u64::from(head.line), op, &head.key, &head.record, time);
            files.push(head.file);
            if read_row(&mut self.runs[head.run], &mut head)? {
                self.heap.push(head);
            }
        }
        Ok(!group.is_empty())
    }
}

/// Reads a run's next row into `head`, reusing its buffers; false at the end of the run.
fn read_row(run: &mut BufReader<File>, head: &mut Head) -> io::Result<bool> {
    let mut len = [0u8; 4];
    match run.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
        Err(e) => return Err(e),
    }
    let mut key = std::mem::take(&mut head.key).into_bytes();
    key.resize(u32::from_le_bytes(len) as usize, 0);
    run.read_exact(&mut key)?;
    head.key = String::from_utf8(key)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a run's key is not text"))?;
    let mut fixed = [0u8; 4 + 4 + 1 + 8 + 4];
    run.read_exact(&mut fixed)?;
    let word = |at: usize| u32::from_le_bytes(fixed[at..at + 4].try_into().expect("4 bytes"));
    head.file = word(0);
    head.line = word(4);
    head.add = fixed[8] == 1;
    head.time = i64::from_le_bytes(fixed[9..17].try_into().expect("8 bytes"));
    head.record.resize(word(17) as usize, 0);
    run.read_exact(&mut head.record)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::plan::tests::customer;

    #[test]
    fn known_keys_are_per_kind_and_emptied_when_full() {
        let mut known = Known::new(3);
        known.insert(Kind::Customer, "C1");
        known.insert(Kind::Staff, "C1");
        known.insert(Kind::Customer, "C1");
        assert!(known.contains(Kind::Customer, "C1"));
        assert!(known.contains(Kind::Staff, "C1"));
        assert!(!known.contains(Kind::Attempt, "C1"));
        assert_eq!(known.len, 2, "a key known twice counts once");
        known.insert(Kind::Customer, "C2");
        assert_eq!(known.len, 3);
        // The fourth key finds it full: everything goes, then the new key is kept.
        known.insert(Kind::Customer, "C3");
        assert_eq!(known.len, 1);
        assert!(known.contains(Kind::Customer, "C3"));
        assert!(!known.contains(Kind::Customer, "C1"));
        assert!(!known.contains(Kind::Staff, "C1"));
    }

    fn rows(list: &[(u64, &str, Option<&str>)]) -> Rows {
        let mut rows = Rows::default();
        for (line, key, name) in list {
            let record = name.map(|n| customer(key, n));
            let op = if record.is_some() { Op::Add } else { Op::Void };
            rows.push(*line, op, key, record.as_ref());
        }
        rows
    }

    /// Runs of two files, in chunks, merge into the rows of each key in reading order (file
    /// as given, then line), keys in order; the runs are their owner's only.
    #[test]
    fn runs_merge_into_each_keys_rows_in_reading_order() {
        let dir = tempfile::tempdir().unwrap();
        // A folder an import killed earlier left behind is removed; others are not.
        let left = dir.path().join(".store.import-old");
        std::fs::create_dir(&left).unwrap();
        std::fs::write(left.join("0.run"), b"rows").unwrap();
        let other = dir.path().join(".other.import-old");
        std::fs::create_dir(&other).unwrap();
        let spill = Spill::new(dir.path(), ".store.import-").unwrap();
        assert!(!left.exists() && other.exists());
        let kind = Kind::Customer;
        spill
            .write(
                kind,
                1,
                &rows(&[(2, "C2", Some("b1")), (3, "C1", Some("a1"))]),
            )
            .unwrap();
        spill.write(kind, 1, &rows(&[(4, "C2", None)])).unwrap();
        spill
            .write(
                kind,
                0,
                &rows(&[(2, "C2", Some("b0")), (3, "C3", Some("c0"))]),
            )
            .unwrap();
        let mut merge = Merge::open(&spill.runs(kind)).unwrap();
        let (mut group, mut files) = (Rows::default(), Vec::new());
        let mut seen = Vec::new();
        while merge.next_group(&mut group, &mut files).unwrap() {
            let list: Vec<String> = files
                .iter()
                .zip(group.iter())
                .map(|(file, row)| {
                    let name = match row.record() {
                        Some(Record::Customer(c)) => c.name,
                        _ => "void".into(),
                    };
                    format!("{file}:{}:{name}", row.line)
                })
                .collect();
            seen.push(format!("{} {}", group.get(0).key, list.join(" ")));
        }
        assert_eq!(
            seen,
            ["C1 1:3:a1", "C2 0:2:b0 1:2:b1 1:4:void", "C3 0:3:c0"]
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(spill.dir.path()), 0o700);
            for run in spill.runs(kind) {
                assert_eq!(mode(&run), 0o600);
            }
        }
        let folder = spill.dir.path().to_owned();
        drop(spill);
        assert!(!folder.exists(), "the runs are removed with the import");
    }
}
