//! Reading a file in chunks of rows, in memory that does not grow with the file.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use sha2::Digest;

use super::decode::{
    Bom, Decoded, Encoding, Utf8Census, decide, decode_utf16, gb18030_refused, locate, read_some,
};
use super::quotes::{OpenQuote, QuoteScan};
use super::read::{Reading, RowsRead, read_rows};
use crate::import::batch::{ImportError, Rows, Source, StreamedFile};
use crate::model::Kind;

/// The size of the buffers a file is read through, raw and decoded.
pub const READ_BUFFER_BYTES: usize = 64 * 1024;

/// Reads one file in chunks: `on_chunk` gets its parsed rows in file order, at most
/// `chunk_rows` rows per call (the last call may have fewer; a file with no good rows makes no call).
/// `Ok(Err(errors))` is a problem with the whole file — exactly the `Vec<ImportError>` that
/// `parse_file` returns for it; `Err(e)` is an error of `on_chunk`, returned as soon as it happens.
///
/// Most problems with the whole file are found before the first chunk (see
/// [`parse_reader_in_chunks`]), but not all: a GB18030 file may turn out not to decode near
/// its end, or the file may become unreadable. A caller must drop the chunks it got when it
/// gets `Ok(Err(_))`.
///
/// # Panics
/// When `chunk_rows` is 0.
pub fn parse_file_in_chunks<E>(
    source: &Source,
    chunk_rows: usize,
    on_chunk: &mut dyn FnMut(Rows) -> Result<(), E>,
) -> Result<Result<StreamedFile, Vec<ImportError>>, E> {
    match open(source) {
        Ok(file) => parse_reader_in_chunks(source, file, READ_BUFFER_BYTES, chunk_rows, on_chunk),
        Err(errors) => Ok(Err(errors)),
    }
}

/// Opens a source's file, or says why it cannot be read.
pub(super) fn open(source: &Source) -> Result<File, Vec<ImportError>> {
    File::open(&source.path).map_err(|e| vec![unreadable(&source.display(), &e)])
}

fn unreadable(name: &str, error: &io::Error) -> ImportError {
    ImportError::new(
        name,
        None,
        "-",
        crate::say!("cannot read the file: {error}", "无法读取文件：{error}"),
    )
}

/// [`parse_file_in_chunks`] over any reader (from its start), through buffers of
/// `read_buffer_bytes` (at least 1; tests use a few bytes to meet every boundary).
///
/// A file is read twice. The first pass hashes it (SHA-256), takes the census that decides
/// its encoding (`decode::decide`) and looks for a quote left open (`quotes`), on the raw
/// bytes, so that a file that is not UTF-8 or GB18030, or has a quote left open, is refused
/// before any chunk. The second pass decodes it as a stream into the CSV reader, and hands
/// over its rows. A header is read a third time, alone, first: the quote scan needs its
/// width. A byte that does not decode is located by reading up to it again.
///
/// Memory held: one chunk of rows (the caller's to keep or drop), the read and decode
/// buffers (`read_buffer_bytes` raw, four times that decoded) and the CSV reader's, the
/// header record, one line inside a quoted cell, the row being parsed, and the first
/// `ERRORS_SHOWN_MAX` errors with the keys of the rows that failed. A record is held whole
/// however long it is: a header with a quote never closed runs to the end of the file (and
/// is refused); a data row cannot, since the first pass refuses such a file, but a quoted
/// cell may span many lines that do not read as rows (and is refused past `CELL_BYTES_MAX`).
///
/// A UTF-16 file (Excel's "Unicode text", small in practice: Excel does not write a million
/// rows) is read and decoded whole, then read as above from its text.
///
/// The file must not change while it is read: the two passes would see different bytes.
pub fn parse_reader_in_chunks<R: Read + Seek, E>(
    source: &Source,
    mut reader: R,
    read_buffer_bytes: usize,
    chunk_rows: usize,
    on_chunk: &mut dyn FnMut(Rows) -> Result<(), E>,
) -> Result<Result<StreamedFile, Vec<ImportError>>, E> {
    assert!(chunk_rows > 0, "a chunk holds at least one row");
    let name = source.display();
    let buffer_bytes = read_buffer_bytes.max(1);
    match read_file(
        &name,
        source.kind,
        &mut reader,
        buffer_bytes,
        chunk_rows,
        on_chunk,
    ) {
        Ok((sha256, read)) => Ok(Ok(StreamedFile {
            source: source.clone(),
            sha256,
            rows: read.rows,
            errors: read.errors,
            errors_total: read.errors_total,
            failed_keys: read.failed_keys,
            warnings: read.warnings,
        })),
        Err(Stop::Chunk(e)) => Err(e),
        Err(Stop::Refused(errors)) => Ok(Err(errors)),
        Err(Stop::Io(e)) => Ok(Err(vec![unreadable(&name, &e)])),
        Err(Stop::Malformed(_)) => unreachable!("located by read_file"),
    }
}

/// Why reading a file stopped before its end.
pub(super) enum Stop<E> {
    /// The whole file is refused with these errors.
    Refused(Vec<ImportError>),
    Io(io::Error),
    /// A GB18030 sequence that does not decode, at this offset of the body.
    Malformed(u64),
    /// The caller's `on_chunk` failed.
    Chunk(E),
}

impl<E> From<io::Error> for Stop<E> {
    fn from(error: io::Error) -> Self {
        Stop::Io(error)
    }
}

/// The passes of [`parse_reader_in_chunks`]: the file's SHA-256 and what its rows left.
fn read_file<R: Read + Seek, E>(
    name: &str,
    kind: Kind,
    reader: &mut R,
    buffer_bytes: usize,
    chunk_rows: usize,
    on_chunk: &mut dyn FnMut(Rows) -> Result<(), E>,
) -> Result<(String, RowsRead), Stop<E>> {
    reader.rewind()?;
    let mut first = Vec::with_capacity(Bom::SNIFF_BYTES);
    (&mut *reader)
        .take(Bom::SNIFF_BYTES as u64)
        .read_to_end(&mut first)?;
    let bom = Bom::sniff(&first);
    let body_start = bom.len() as u64;
    if let Bom::Utf16(encoding) = bom {
        let mut bytes = first;
        reader.read_to_end(&mut bytes)?;
        let sha256 = hex(&sha2::Sha256::digest(&bytes));
        let text = decode_utf16(name, &bytes[bom.len()..], encoding)
            .map_err(|e| Stop::Refused(vec![e]))?;
        drop(bytes);
        let reading = Reading {
            name,
            kind,
            delimiter: delimiter_of(&text),
            buffer_bytes,
            chunk_rows,
        };
        let mut quotes = QuoteScan::new(reading.header_width(text.as_bytes())?, reading.delimiter);
        quotes.feed(text.as_bytes());
        let read = read_text(&reading, text.as_bytes(), false, quotes.finish(), on_chunk)?;
        return Ok((sha256, read));
    }
    let reading = Reading {
        name,
        kind,
        // Only UTF-16 is sniffed for tabs (see `delimiter_of`).
        delimiter: b',',
        buffer_bytes,
        chunk_rows,
    };
    reader.seek(SeekFrom::Start(body_start))?;
    let width = reading.header_width(&mut *reader)?;
    // Pass 1.
    reader.rewind()?;
    let mut sha = sha2::Sha256::new();
    let mut census = Utf8Census::default();
    let mut quotes = QuoteScan::new(width, reading.delimiter);
    let mut buf = vec![0u8; buffer_bytes];
    let mut at = 0u64;
    loop {
        let n = read_some(reader, &mut buf)?;
        if n == 0 {
            break;
        }
        let bytes = &buf[..n];
        sha.update(bytes);
        let body = &bytes[(body_start.saturating_sub(at) as usize).min(n)..];
        census.feed(body);
        quotes.feed(body);
        at += n as u64;
    }
    drop(buf);
    let sha256 = hex(&sha.finalize());
    let located = |reader: &mut R, offset: u64, what: &str| -> Result<ImportError, Stop<E>> {
        reader.seek(SeekFrom::Start(body_start))?;
        Ok(locate(name, reader, offset, what, buffer_bytes)?)
    };
    let encoding = match decide(bom, &census.finish()) {
        Ok(encoding) => encoding,
        Err(refusal) => {
            return Err(Stop::Refused(vec![located(
                reader,
                refusal.offset,
                &refusal.what,
            )?]));
        }
    };
    // Pass 2.
    reader.seek(SeekFrom::Start(body_start))?;
    match read_text(
        &reading,
        &mut *reader,
        encoding == Encoding::Gb18030,
        quotes.finish(),
        on_chunk,
    ) {
        Ok(read) => Ok((sha256, read)),
        Err(Stop::Malformed(offset)) => Err(Stop::Refused(vec![located(
            reader,
            offset,
            gb18030_refused(),
        )?])),
        Err(stop) => Err(stop),
    }
}

/// The second pass: the rows of a body, decoded from GB18030 or passed through as UTF-8. A
/// GB18030 sequence that does not decode outranks every other refusal, as when the whole
/// file was decoded first.
fn read_text<E>(
    reading: &Reading,
    body: impl Read,
    gb18030: bool,
    open_quote: Option<OpenQuote>,
    on_chunk: &mut dyn FnMut(Rows) -> Result<(), E>,
) -> Result<RowsRead, Stop<E>> {
    let mut text = Decoded::new(body, gb18030, reading.buffer_bytes);
    match read_rows(reading, &mut text, open_quote, on_chunk) {
        Err(Stop::Refused(errors)) => match text.check_rest()? {
            Some(offset) => Err(Stop::Malformed(offset)),
            None => Err(Stop::Refused(errors)),
        },
        Err(Stop::Io(e)) => Err(text.malformed().map_or(Stop::Io(e), Stop::Malformed)),
        other => other,
    }
}

/// The I/O error under a CSV reader's error; a byte record of a flexible reader has no other.
pub(super) fn io_error(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The cell separator of a UTF-16 file: a tab when its header line holds one, else a comma.
/// Excel's "Unicode text" (the only UTF-16 it writes) is tab-separated, and a user who saved
/// that way should not have to convert it again; a UTF-16 file with commas is read as CSV.
/// Only UTF-16 is sniffed: in a UTF-8 or GB18030 file a tab in the header is far more likely a
/// stray key than a different format, and reading it as CSV reports the header.
fn delimiter_of(utf16_text: &str) -> u8 {
    let header = utf16_text.lines().next().unwrap_or_default();
    if header.contains('\t') { b'\t' } else { b',' }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
