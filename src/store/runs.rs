//! Sorted runs in files: what an import or a rebuild of the facts sets aside when it has
//! more entries to write than it holds in memory, each run sorted, to merge them into their
//! tables in one pass in key order at the end — a B-tree filled in key order writes each
//! page once and leaves it full. The files have no name (`tempfile::tempfile_in`): they go
//! when their writer does, however it ends, and only it can read them.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// An entry of a run file, read back in the layout its writer used: fixed-size integers
/// little-endian, texts and byte strings as their 4-byte length then their bytes
/// ([`put_str`], [`put_bytes`]).
pub(super) trait RunEntry: Ord + Sized {
    /// The next entry, or `None` at the end of the run.
    fn read(from: &mut impl Read) -> std::io::Result<Option<Self>>;
}

pub(super) fn put_str(out: &mut Vec<u8>, text: &str) {
    put_bytes(out, text.as_bytes());
}

pub(super) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).expect("an entry's text under 4 GiB");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(bytes);
}

pub(super) fn get_bytes(from: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    from.read_exact(&mut len)?;
    let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
    from.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// The next byte, or `None` at the end of the run.
pub(super) fn get_first_byte(from: &mut impl Read) -> std::io::Result<Option<u8>> {
    let mut byte = [0u8; 1];
    match from.read(&mut byte)? {
        0 => Ok(None),
        _ => Ok(Some(byte[0])),
    }
}

pub(super) fn get_str(from: &mut impl Read) -> std::io::Result<String> {
    String::from_utf8(get_bytes(from)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// Writes `entries` (in key order) to a new nameless file in `folder`, rewound for reading;
/// `None` when there are none.
pub(super) fn write_run<'e, E: 'e>(
    folder: &Path,
    entries: impl ExactSizeIterator<Item = &'e E>,
    mut put: impl FnMut(&mut Vec<u8>, &E),
) -> std::io::Result<Option<File>> {
    if entries.len() == 0 {
        return Ok(None);
    }
    let mut file = BufWriter::with_capacity(RUN_BUFFER_BYTES, tempfile::tempfile_in(folder)?);
    let mut bytes = Vec::new();
    for e in entries {
        bytes.clear();
        put(&mut bytes, e);
        file.write_all(&bytes)?;
    }
    let mut file = file.into_inner().map_err(|e| e.into_error())?;
    file.seek(SeekFrom::Start(0))?;
    Ok(Some(file))
}

/// The read and write buffer of a run file.
const RUN_BUFFER_BYTES: usize = 256 << 10;

/// Why a merge of runs stopped.
pub(super) enum MergeError {
    Run(std::io::Error),
    Store(redb::StorageError),
}

impl MergeError {
    pub(super) fn into_store(
        self,
        io: impl FnOnce(std::io::Error) -> super::StoreError,
    ) -> super::StoreError {
        match self {
            MergeError::Run(e) => io(e),
            MergeError::Store(e) => e.into(),
        }
    }
}

/// Reads the runs together and hands `insert` every entry, in key order.
pub(super) fn merge_runs<E: RunEntry>(
    runs: Vec<File>,
    mut insert: impl FnMut(E) -> Result<(), redb::StorageError>,
) -> Result<(), MergeError> {
    let mut readers: Vec<BufReader<File>> = runs
        .into_iter()
        .map(|f| BufReader::with_capacity(RUN_BUFFER_BYTES, f))
        .collect();
    let mut heads = BinaryHeap::new();
    for (n, reader) in readers.iter_mut().enumerate() {
        if let Some(e) = E::read(reader).map_err(MergeError::Run)? {
            heads.push(Reverse((e, n)));
        }
    }
    while let Some(Reverse((e, n))) = heads.pop() {
        insert(e).map_err(MergeError::Store)?;
        if let Some(next) = E::read(&mut readers[n]).map_err(MergeError::Run)? {
            heads.push(Reverse((next, n)));
        }
    }
    Ok(())
}
