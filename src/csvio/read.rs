//! Reading interchange files into rows.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::quotes::OpenQuote;
use super::stream::Stop;

use crate::import::batch::{ERRORS_SHOWN_MAX, ImportError, ParsedFile, Rows, Source};
use crate::model::{CellError, Kind, Record};
use crate::store::Op;

/// Turns command-line paths into sources. A path is a file named as its kind
/// (`sales.csv`), `KIND=FILE` naming the kind explicitly, or a folder, of which every file
/// named as a kind is taken (in the order of the kinds; other files are left alone, with a
/// warning for other `.csv` files).
pub fn resolve_paths(args: &[String]) -> Result<(Vec<Source>, Vec<String>), Vec<ImportError>> {
    let mut sources = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if let Some((kind_text, file)) = arg.split_once('=')
            && !path.exists()
        {
            match Kind::parse_name(&kind_text.to_ascii_lowercase()) {
                Some(kind) => sources.push(Source {
                    path: PathBuf::from(file),
                    kind,
                }),
                None => errors.push(ImportError::new(
                    arg,
                    None,
                    "-",
                    format!(
                        "`{kind_text}` is not a record kind; use one of {}",
                        kind_list()
                    ),
                )),
            }
            continue;
        }
        if path.is_dir() {
            let mut names: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    errors.push(ImportError::new(
                        arg,
                        None,
                        "-",
                        format!("cannot read the folder: {e}"),
                    ));
                    continue;
                }
            };
            names.sort();
            let before = sources.len();
            for kind in Kind::ALL {
                if let Some(found) = names.iter().find(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.eq_ignore_ascii_case(&kind.file_name()))
                }) {
                    sources.push(Source {
                        path: found.clone(),
                        kind,
                    });
                }
            }
            for other in &names {
                let is_csv = other
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
                if is_csv && !sources[before..].iter().any(|s| &s.path == other) {
                    warnings.push(format!(
                        "{}: skipped: not named as a record kind ({}); name it KIND=FILE to import it",
                        other.display(),
                        kind_list()
                    ));
                }
            }
            if sources.len() == before {
                errors.push(ImportError::new(
                    arg,
                    None,
                    "-",
                    format!(
                        "the folder holds none of the files {}",
                        Kind::ALL.map(Kind::file_name).join(", ")
                    ),
                ));
            }
            continue;
        }
        if !path.exists() {
            errors.push(ImportError::new(
                arg,
                None,
                "-",
                "no such file or folder; check the path",
            ));
            continue;
        }
        let stem = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        // Excel and Windows users write `Staff.CSV`; the name is matched ignoring ASCII case.
        match Kind::ALL
            .into_iter()
            .find(|k| stem.eq_ignore_ascii_case(&k.file_name()))
        {
            Some(kind) => sources.push(Source { path: path.to_owned(), kind }),
            None => errors.push(ImportError::new(arg, None, "-", format!(
                "cannot tell which records the file holds from its name; name it as one of {} or give its kind as KIND=FILE, e.g. `careledger import sales={arg}` (kinds: {})",
                Kind::ALL.map(Kind::file_name).join(", "),
                kind_list()
            ))),
        }
    }
    if errors.is_empty() {
        Ok((read_once(sources, &mut warnings), warnings))
    } else {
        Err(errors)
    }
}

/// Drops a file given again (by the same or another path, or through its folder): read twice
/// it would only be superseded by itself, and its rows counted twice.
fn read_once(sources: Vec<Source>, warnings: &mut Vec<String>) -> Vec<Source> {
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut kept = Vec::new();
    for source in sources {
        let canonical = std::fs::canonicalize(&source.path).unwrap_or_else(|_| source.path.clone());
        if seen.contains(&canonical) {
            warnings.push(format!(
                "{}: given more than once; read once",
                source.display()
            ));
            continue;
        }
        seen.push(canonical);
        kept.push(source);
    }
    kept
}

fn kind_list() -> String {
    Kind::ALL.map(Kind::name).join(", ")
}

/// Reads and parses one file. `Err` is a problem with the whole file (unreadable, not
/// decodable, bad header); problems with single rows are in [`ParsedFile::errors`].
pub fn parse_file(source: &Source) -> Result<ParsedFile, Vec<ImportError>> {
    let name = source.display();
    let bytes = std::fs::read(&source.path).map_err(|e| {
        vec![ImportError::new(
            &name,
            None,
            "-",
            format!("cannot read the file: {e}"),
        )]
    })?;
    parse_source(source, &bytes)
}

/// The largest cell accepted, in bytes: a note or a comment is a few sentences; a cell of
/// megabytes is a broken file (or an attack), and is refused with its place.
pub const CELL_BYTES_MAX: usize = 64 * 1024;

/// Parses the bytes of one file.
pub fn parse_source(source: &Source, bytes: &[u8]) -> Result<ParsedFile, Vec<ImportError>> {
    let name = source.display();
    let sha256 = crate::store::sha256_hex(bytes);
    let text = decode_text_whole(&name, bytes).map_err(|e| vec![e])?;
    let delimiter = delimiter_of(bytes, &text);
    let kind = source.kind;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(vec![csv_error(&name, &e)]),
        None => {
            return Err(vec![ImportError::new(
                &name,
                Some(1),
                "-",
                format!(
                    "the file is empty; it needs a header row: {}",
                    header_line(kind)
                ),
            )]);
        }
    };
    let layout = Layout::from_header(&name, kind, &header)?;
    check_quotes(&name, &text, &header, delimiter).map_err(|e| vec![e])?;
    let mut rows = Rows::default();
    let mut errors = Vec::new();
    let mut errors_total = 0u64;
    let mut fail = |error: ImportError| {
        errors_total += 1;
        if errors.len() < ERRORS_SHOWN_MAX {
            errors.push(error);
        }
    };
    let mut failed_keys = Vec::new();
    drop(records);
    // One record buffer for the whole file: no allocation per row.
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                // The reader cannot resynchronise after a quoting error: the rest of the file
                // is unread, so the whole file is in error.
                fail(csv_error(&name, &e));
                return Err(errors);
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record.get(0) == Some("") {
            continue; // a blank line
        }
        if record.len() != header.len() {
            fail(ImportError::new(
                &name,
                Some(line),
                "-",
                format!(
                    "the row has {} cells but the header has {}; check for an unquoted comma or a missing cell",
                    record.len(),
                    header.len()
                ),
            ));
            if record.len() >= kind.key_columns() {
                // Best effort: the key is most likely in its usual place.
                failed_keys.push(
                    kind.key_of(
                        &layout
                            .index
                            .iter()
                            .map(|i| i.and_then(|i| record.get(i)).unwrap_or(""))
                            .collect::<Vec<_>>(),
                    ),
                );
            }
            continue;
        }
        let cells: Vec<&str> = layout
            .index
            .iter()
            .map(|i| i.map_or("", |i| super::unguard_cell(&record[i])))
            .collect();
        let key = kind.key_of(&cells);
        let oversized: Vec<(&str, usize)> = kind
            .columns()
            .iter()
            .zip(&cells)
            .filter(|(_, cell)| cell.len() > CELL_BYTES_MAX)
            .map(|(column, cell)| (column.name, cell.len()))
            .collect();
        if !oversized.is_empty() {
            for (column, len) in oversized {
                fail(ImportError::new(
                    &name,
                    Some(line),
                    column,
                    format!(
                        "the cell is {len} bytes; a cell holds at most {CELL_BYTES_MAX} bytes (64 KiB): shorten it, or check for a quote that is not closed"
                    ),
                ));
            }
            failed_keys.push(key);
            continue;
        }
        match parse_row(kind, layout.op.map_or("", |i| &record[i]), &cells) {
            Ok((op, parsed)) => rows.push(line, op, &key, parsed.as_ref()),
            Err(cell_errors) => {
                for e in cell_errors {
                    fail(ImportError::new(&name, Some(line), e.column, e.reason));
                }
                failed_keys.push(key);
            }
        }
    }
    rows.shrink_to_fit();
    Ok(ParsedFile {
        source: source.clone(),
        sha256,
        rows,
        errors,
        errors_total,
        failed_keys,
        warnings: layout.warnings,
    })
}

/// What reading a file's rows left besides the rows, which went to the caller in chunks.
pub(super) struct RowsRead {
    pub rows: u64,
    pub errors: Vec<ImportError>,
    pub errors_total: u64,
    pub failed_keys: Vec<String>,
    pub warnings: Vec<String>,
}

/// Reads a file's decoded text: its header, then its rows, handed to `on_chunk`
/// `chunk_rows` at a time (see `csvio::parse_reader_in_chunks`). `open_quote`, found by the
/// first pass, refuses the file once its header is known to be good.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_rows<E>(
    name: &str,
    kind: Kind,
    text: impl Read,
    delimiter: u8,
    open_quote: Option<OpenQuote>,
    buffer_bytes: usize,
    chunk_rows: usize,
    on_chunk: &mut dyn FnMut(Rows) -> Result<(), E>,
) -> Result<RowsRead, Stop<E>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(buffer_bytes)
        .from_reader(text);
    // One record buffer for the whole file: no allocation per row.
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            return Err(Stop::Refused(vec![ImportError::new(
                name,
                Some(1),
                "-",
                format!(
                    "the file is empty; it needs a header row: {}",
                    header_line(kind)
                ),
            )]));
        }
        Err(e) => return Err(stopped(name, e, Vec::new())),
    }
    let header = record.clone();
    let layout = Layout::from_header(name, kind, &header).map_err(Stop::Refused)?;
    if let Some(open_quote) = open_quote {
        return Err(Stop::Refused(vec![open_quote.error(name, &header)]));
    }
    let mut rows = Rows::default();
    let mut rows_total = 0u64;
    let mut errors = Vec::new();
    let mut errors_total = 0u64;
    let mut fail = |error: ImportError| {
        errors_total += 1;
        if errors.len() < ERRORS_SHOWN_MAX {
            errors.push(error);
        }
    };
    let mut failed_keys = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(stopped(name, e, errors)),
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record.get(0) == Some("") {
            continue; // a blank line
        }
        if record.len() != header.len() {
            fail(ImportError::new(
                name,
                Some(line),
                "-",
                format!(
                    "the row has {} cells but the header has {}; check for an unquoted comma or a missing cell",
                    record.len(),
                    header.len()
                ),
            ));
            if record.len() >= kind.key_columns() {
                // Best effort: the key is most likely in its usual place.
                failed_keys.push(
                    kind.key_of(
                        &layout
                            .index
                            .iter()
                            .map(|i| i.and_then(|i| record.get(i)).unwrap_or(""))
                            .collect::<Vec<_>>(),
                    ),
                );
            }
            continue;
        }
        let cells: Vec<&str> = layout
            .index
            .iter()
            .map(|i| i.map_or("", |i| super::unguard_cell(&record[i])))
            .collect();
        let key = kind.key_of(&cells);
        let oversized: Vec<(&str, usize)> = kind
            .columns()
            .iter()
            .zip(&cells)
            .filter(|(_, cell)| cell.len() > CELL_BYTES_MAX)
            .map(|(column, cell)| (column.name, cell.len()))
            .collect();
        if !oversized.is_empty() {
            for (column, len) in oversized {
                fail(ImportError::new(
                    name,
                    Some(line),
                    column,
                    format!(
                        "the cell is {len} bytes; a cell holds at most {CELL_BYTES_MAX} bytes (64 KiB): shorten it, or check for a quote that is not closed"
                    ),
                ));
            }
            failed_keys.push(key);
            continue;
        }
        match parse_row(kind, layout.op.map_or("", |i| &record[i]), &cells) {
            Ok((op, parsed)) => {
                rows.push(line, op, &key, parsed.as_ref());
                if rows.len() == chunk_rows {
                    rows_total += hand_over(&mut rows, on_chunk)?;
                }
            }
            Err(cell_errors) => {
                for e in cell_errors {
                    fail(ImportError::new(name, Some(line), e.column, e.reason));
                }
                failed_keys.push(key);
            }
        }
    }
    if !rows.is_empty() {
        rows_total += hand_over(&mut rows, on_chunk)?;
    }
    Ok(RowsRead {
        rows: rows_total,
        errors,
        errors_total,
        failed_keys,
        warnings: layout.warnings,
    })
}

/// Gives a chunk of rows to the caller; how many there were.
fn hand_over<E>(
    rows: &mut Rows,
    on_chunk: &mut dyn FnMut(Rows) -> Result<(), E>,
) -> Result<u64, Stop<E>> {
    let mut chunk = std::mem::take(rows);
    chunk.shrink_to_fit();
    let len = chunk.len() as u64;
    on_chunk(chunk).map_err(Stop::Chunk)?;
    Ok(len)
}

/// Why the CSV reader stopped: reading failed (I/O, or a byte that does not decode), or the
/// text is not CSV. The reader cannot resynchronise after a quoting error: the rest of the
/// file is unread, so the whole file is in error, with the row errors found before.
fn stopped<E>(name: &str, error: csv::Error, mut errors: Vec<ImportError>) -> Stop<E> {
    if error.is_io_error() {
        return Stop::Io(super::stream::io_error(error));
    }
    if errors.len() < ERRORS_SHOWN_MAX {
        errors.push(csv_error(name, &error));
    }
    Stop::Refused(errors)
}

/// Finds a quote left open, before the CSV reader runs. RFC 4180 lets a quoted cell span
/// lines, so a missing closing quote does not make a file invalid: it silently swallows the
/// rows after it into one cell, up to the next quote. That is decided here by evidence: a
/// quoted cell that runs to the end of the file, or that spans a whole line which reads as a
/// complete row of this file's header, is an error located where the quote opened. A note
/// that legitimately holds line breaks has lines that are not rows of the file.
///
/// The scan follows the reader's rules (csv-core): a quote opens a quoted cell only at the
/// start of a cell; inside one, `""` is a quote; a quote elsewhere is literal.
fn check_quotes(
    name: &str,
    text: &str,
    header: &csv::StringRecord,
    delimiter: u8,
) -> Result<(), ImportError> {
    let b = text.as_bytes();
    let column = |cell: usize| {
        header
            .get(cell)
            .map_or_else(|| format!("cell {}", cell + 1), |c| c.trim().to_owned())
    };
    let (mut i, mut line, mut cell, mut cell_start) = (0usize, 1u64, 0usize, true);
    while i < b.len() {
        if cell_start && b[i] == b'"' {
            let (open_line, open_cell) = (line, cell);
            let mut newlines = Vec::new();
            i += 1;
            loop {
                match b.get(i) {
                    None => {
                        return Err(ImportError::new(
                            name,
                            Some(open_line),
                            &column(open_cell),
                            "a quote opened in this cell is never closed: the cell runs to the end of the file and swallows every row after it; close the quote (a quote inside a cell is written twice: \"\")",
                        ));
                    }
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\n') => {
                        newlines.push(i);
                        line += 1;
                        i += 1;
                    }
                    Some(_) => i += 1,
                }
            }
            // Every whole line inside the cell: between two of its line breaks.
            for (n, w) in newlines.windows(2).enumerate() {
                let inner = text[w[0] + 1..w[1]].trim_end_matches('\r');
                if reads_as_row(inner, header.len(), delimiter) {
                    return Err(ImportError::new(
                        name,
                        Some(open_line),
                        &column(open_cell),
                        format!(
                            "a quote opened in this cell is not closed before line {}, which reads as a row of its own: the cell would swallow the rows after it; close the quote (a quote inside a cell is written twice: \"\")",
                            open_line + n as u64 + 1
                        ),
                    ));
                }
            }
            cell_start = false;
            continue;
        }
        match b[i] {
            d if d == delimiter => {
                cell += 1;
                cell_start = true;
            }
            b'\n' => {
                line += 1;
                cell = 0;
                cell_start = true;
            }
            b'\r' => {
                cell = 0;
                cell_start = true;
            }
            _ => cell_start = false,
        }
        i += 1;
    }
    Ok(())
}

/// Whether a line parses as one complete CSV row of `width` cells.
fn reads_as_row(line: &str, width: usize, delimiter: u8) -> bool {
    if width < 2 || line.is_empty() {
        return false;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(line.as_bytes());
    let mut records = reader.records();
    matches!(
        (records.next(), records.next()),
        (Some(Ok(r)), None) if r.len() == width
    )
}

/// Parses the operation and, on an `add`, the record; a `void` row only has its key read.
fn parse_row(kind: Kind, op: &str, cells: &[&str]) -> Result<(Op, Option<Record>), Vec<CellError>> {
    match op {
        "" | "add" => Record::parse(kind, cells).map(|r| (Op::Add, Some(r))),
        "void" => {
            let errors: Vec<CellError> = kind
                .columns()
                .iter()
                .zip(cells)
                .take(kind.key_columns())
                .filter_map(|(column, cell)| {
                    let checked = if cell.is_empty() {
                        Err("is empty; a void row needs its key".to_owned())
                    } else {
                        kind.check_key_cell(column.name, cell)
                    };
                    checked.err().map(|reason| CellError {
                        column: column.name,
                        reason,
                    })
                })
                .collect();
            if errors.is_empty() {
                Ok((Op::Void, None))
            } else {
                Err(errors)
            }
        }
        other => Err(vec![CellError {
            column: "op",
            reason: format!(
                "`{other}` is not an operation; write add, void, or leave it empty (add)"
            ),
        }]),
    }
}

/// Where each column of the kind sits in the file.
struct Layout {
    /// For each column of `kind.columns()`, its index in the file's rows.
    index: Vec<Option<usize>>,
    op: Option<usize>,
    warnings: Vec<String>,
}

impl Layout {
    fn from_header(
        name: &str,
        kind: Kind,
        header: &csv::StringRecord,
    ) -> Result<Layout, Vec<ImportError>> {
        let mut positions: HashMap<&str, usize> = HashMap::new();
        let mut errors = Vec::new();
        let mut unknown = Vec::new();
        for (i, cell) in header.iter().enumerate() {
            let cell = cell.trim();
            if positions.insert(cell, i).is_some() {
                errors.push(ImportError::new(
                    name,
                    Some(1),
                    cell,
                    "the column appears twice in the header; keep one",
                ));
            }
            if cell != "op" && !kind.columns().iter().any(|c| c.name == cell) {
                unknown.push(cell.to_owned());
            }
        }
        let index: Vec<Option<usize>> = kind
            .columns()
            .iter()
            .map(|c| positions.get(c.name).copied())
            .collect();
        for (column, found) in kind.columns().iter().zip(&index) {
            if column.required && found.is_none() {
                errors.push(ImportError::new(
                    name,
                    Some(1),
                    column.name,
                    format!(
                        "required column is missing from the header; the header of {} needs: {}",
                        kind.file_name(),
                        header_line(kind)
                    ),
                ));
            }
        }
        let mut warnings = Vec::new();
        if !unknown.is_empty() {
            warnings.push(format!(
                "{name}: ignoring unknown column{} {}; {} reads {}",
                if unknown.len() == 1 { "" } else { "s" },
                unknown
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                kind.file_name(),
                header_line(kind)
            ));
        }
        if errors.is_empty() {
            Ok(Layout {
                index,
                op: positions.get("op").copied(),
                warnings,
            })
        } else {
            Err(errors)
        }
    }
}

fn header_line(kind: Kind) -> String {
    kind.columns()
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(",")
}

fn csv_error(name: &str, error: &csv::Error) -> ImportError {
    let line = error.position().map(|p| p.line());
    ImportError::new(
        name,
        line,
        "-",
        format!("the file is not valid CSV: {error}; check the quoting of this row"),
    )
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16BE_BOM: &[u8] = b"\xFE\xFF";

/// The cell separator of a file: a tab for a UTF-16 file whose header line holds one, else a
/// comma. Excel's "Unicode text" (the only UTF-16 it writes) is tab-separated, and a user who
/// saved that way should not have to convert it again; a UTF-16 file with commas is read as
/// CSV. Only UTF-16 is sniffed: in a UTF-8 or GB18030 file a tab in the header is far more
/// likely a stray key than a different format, and reading it as CSV reports the header.
fn delimiter_of(bytes: &[u8], text: &str) -> u8 {
    let utf16 = bytes.starts_with(UTF16LE_BOM) || bytes.starts_with(UTF16BE_BOM);
    let header = text.lines().next().unwrap_or_default();
    if utf16 && header.contains('\t') {
        b'\t'
    } else {
        b','
    }
}

/// Decodes a UTF-16 file after its byte-order mark. An unpaired surrogate (or an odd last
/// byte) is refused at its line, counted in the text decoded before it.
fn decode_utf16(
    name: &str,
    body: &[u8],
    encoding: &'static encoding_rs::Encoding,
) -> Result<String, ImportError> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len() * 2);
    let mut out = String::with_capacity(capacity);
    let (result, _read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(..) => Err(ImportError::new(
            name,
            Some(out.matches('\n').count() as u64 + 1),
            "-",
            format!(
                "the file starts with a {} byte-order mark but holds a unit that is not UTF-16 (an unpaired surrogate or an odd last byte); save it again as \"Unicode text\" or \"CSV UTF-8\"",
                encoding.name()
            ),
        )),
        encoding_rs::DecoderResult::OutputFull => unreachable!("the output was reserved"),
    }
}

/// Decodes a file: UTF-8 (with or without BOM) when valid, else GB18030, what Excel writes
/// on Chinese Windows. A BOM promises UTF-8, so a file with one is never read as GB18030.
/// A UTF-16 BOM (`FF FE` little-endian, `FE FF` big-endian: Excel's "Unicode text") promises
/// UTF-16, decoded as such (see `delimiter_of` for its tabs).
///
/// A file that is not valid UTF-8 is read as GB18030 only when the bytes say so. Chinese in
/// GB18030 is mostly invalid as UTF-8: about one character in ten happens to form a valid
/// UTF-8 sequence (李静 is `C0 EE BE B2`: `C0` is invalid, `EE BE B2` a valid 3-byte
/// sequence). A UTF-8 file with a stray byte is the opposite: all valid but that byte. So a
/// file with at least `UTF8_VALID_PER_INVALID_MIN` (4) valid non-ASCII characters per invalid
/// sequence is UTF-8 with a bad byte, refused with the byte's line, rather than decoded
/// wholesale into mojibake; anything else is tried as GB18030.
fn decode_text_whole<'b>(
    name: &str,
    bytes: &'b [u8],
) -> Result<std::borrow::Cow<'b, str>, ImportError> {
    use std::borrow::Cow;
    if let Some(body) = bytes.strip_prefix(UTF16LE_BOM) {
        return decode_utf16(name, body, encoding_rs::UTF_16LE).map(Cow::Owned);
    }
    if let Some(body) = bytes.strip_prefix(UTF16BE_BOM) {
        return decode_utf16(name, body, encoding_rs::UTF_16BE).map(Cow::Owned);
    }
    if let Some(body) = bytes.strip_prefix(UTF8_BOM) {
        return std::str::from_utf8(body).map(Cow::Borrowed).map_err(|e| {
            undecodable(
                name,
                body,
                e.valid_up_to(),
                "the file starts with a UTF-8 byte-order mark but is not valid UTF-8",
            )
        });
    }
    let first_bad = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(Cow::Borrowed(text)),
        Err(e) => e.valid_up_to(),
    };
    let (valid, invalid) = utf8_census(bytes);
    if valid >= UTF8_VALID_PER_INVALID_MIN * invalid {
        return Err(undecodable(
            name,
            bytes,
            first_bad,
            &format!(
                "the file is UTF-8 ({valid} non-ASCII characters) with {invalid} invalid byte sequence{}, so it is not read as GB18030",
                if invalid == 1 { "" } else { "s" }
            ),
        ));
    }
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len() * 4);
    let mut out = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(Cow::Owned(out)),
        encoding_rs::DecoderResult::Malformed(bad, _) => Err(undecodable(
            name,
            bytes,
            read - usize::from(bad),
            "the file is neither UTF-8 nor GB18030",
        )),
        encoding_rs::DecoderResult::OutputFull => unreachable!("the output was reserved"),
    }
}

/// See [`decode_text`]: GB18030 Chinese gives about one valid per nine invalid; a UTF-8 file
/// with a stray byte gives as many valid characters as it has Chinese.
const UTF8_VALID_PER_INVALID_MIN: u64 = 4;

/// (valid non-ASCII UTF-8 characters, invalid UTF-8 sequences) of some bytes.
fn utf8_census(mut bytes: &[u8]) -> (u64, u64) {
    let (mut valid, mut invalid) = (0u64, 0u64);
    loop {
        let (good, rest) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                let bad_len = e.error_len().unwrap_or(rest.len());
                (
                    std::str::from_utf8(good).expect("valid up to here"),
                    Some(&rest[bad_len..]),
                )
            }
        };
        valid += good.chars().filter(|c| !c.is_ascii()).count() as u64;
        match rest {
            Some(rest) => {
                invalid += 1;
                bytes = rest;
            }
            None => return (valid, invalid),
        }
    }
}

/// Locates an undecodable byte by line and column, reading the header as far as it decodes.
fn undecodable(name: &str, bytes: &[u8], offset: usize, what: &str) -> ImportError {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let header_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let header = String::from_utf8_lossy(&bytes[..header_end]);
    let cell_index = count_unquoted_commas(&bytes[line_start..offset]);
    let column = header
        .trim_end_matches('\r')
        .split(',')
        .nth(cell_index)
        .map_or_else(
            || format!("cell {}", cell_index + 1),
            |c| c.trim().to_owned(),
        );
    ImportError::new(
        name,
        Some(line),
        &column,
        format!(
            "{what}: byte 0x{:02X} at offset {offset} cannot be decoded; save the file as \"CSV UTF-8\" (or fix this cell) and import again",
            bytes[offset]
        ),
    )
}

fn count_unquoted_commas(bytes: &[u8]) -> usize {
    let mut quoted = false;
    let mut commas = 0;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            _ => {}
        }
    }
    commas
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(kind: Kind) -> Source {
        Source {
            path: PathBuf::from(kind.file_name()),
            kind,
        }
    }

    #[test]
    fn gb18030_is_read_when_the_bytes_are_not_utf8() {
        let (bytes, _, _) = encoding_rs::GB18030
            .encode("staff_id,name,department,active_from\nKF001,李静,customer_care,2021-08-02\n");
        let parsed = parse_source(&source(Kind::Staff), &bytes).unwrap();
        match &parsed.rows.get(0).record() {
            Some(Record::Staff(s)) => assert_eq!(s.name, "李静"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn undecodable_bytes_are_located() {
        let mut bytes = b"staff_id,name,department,active_from\nKF001,".to_vec();
        bytes.extend([0xFF, 0xFE]);
        bytes.extend(b",customer_care,2021-08-02\n");
        let errors = parse_source(&source(Kind::Staff), &bytes).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].line, errors[0].column.as_str()),
            (Some(2), "name")
        );
    }

    /// UTF-16 as Excel's "Unicode text" writes it: BOM, then the units, tab-separated, CRLF.
    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        bytes
    }

    /// Issue 16: Excel's "Unicode text" (UTF-16LE, tabs) and its big-endian twin are read;
    /// a comma in a cell of a tab-separated file is data, not a separator.
    #[test]
    fn utf16_with_a_bom_is_decoded_and_its_tabs_separate_cells() {
        let text = "staff_id\tname\tdepartment\tactive_from\r\nKF001\t李静, 主管\tcustomer_care\t2021/8/2\r\nKF002\t\"王\tfang\"\tsales\t2022-01-03\r\n";
        for big_endian in [false, true] {
            let parsed = parse_source(&source(Kind::Staff), &utf16(text, big_endian)).unwrap();
            assert_eq!(parsed.errors.len(), 0, "{:?}", parsed.errors);
            assert_eq!(parsed.rows.len(), 2);
            match (parsed.rows.get(0).record(), parsed.rows.get(1).record()) {
                (Some(Record::Staff(a)), Some(Record::Staff(b))) => {
                    assert_eq!(
                        (a.staff_id.as_str(), a.name.as_str()),
                        ("KF001", "李静, 主管")
                    );
                    assert_eq!(a.department, "customer_care");
                    assert_eq!(
                        (b.name.as_str(), b.department.as_str()),
                        ("王\tfang", "sales")
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        // A UTF-16 file with commas is CSV as usual.
        let parsed = parse_source(
            &source(Kind::Staff),
            &utf16(
                "staff_id,name,department,active_from\nKF001,李静,customer_care,2021-08-02\n",
                false,
            ),
        )
        .unwrap();
        assert_eq!(parsed.rows.len(), 1);
        // An unpaired surrogate (D800 then 'A') on line 2 is refused there.
        let mut bytes = utf16("staff_id,name,department,active_from\nKF001,", false);
        bytes.extend([0x00, 0xD8, b'A', 0x00]);
        let errors = parse_source(&source(Kind::Staff), &bytes).unwrap_err();
        assert_eq!(errors[0].line, Some(2));
        assert!(
            errors[0].reason.contains("UTF-16LE byte-order mark"),
            "{}",
            errors[0].reason
        );
    }

    /// A tab in the header of a UTF-8 file is not taken as a separator: only UTF-16 is sniffed.
    #[test]
    fn tabs_separate_cells_only_in_utf16() {
        let text =
            "staff_id\tname\tdepartment\tactive_from\nKF001\t李静\tcustomer_care\t2021-08-02\n";
        let errors = parse_source(&source(Kind::Staff), text.as_bytes()).unwrap_err();
        // The whole header is one unknown column: the four required ones are missing.
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(columns, ["staff_id", "name", "department", "active_from"]);
    }

    #[test]
    fn bom_is_skipped_and_unknown_columns_warned() {
        let bytes = "\u{feff}staff_id,name,department,active_from,shoe_size\nKF001,李静,customer_care,2021-08-02,42\n";
        let parsed = parse_source(&source(Kind::Staff), bytes.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.warnings.len(), 1);
        assert!(parsed.warnings[0].contains("`shoe_size`"));
    }

    #[test]
    fn quoted_cells_with_newlines_keep_the_starting_line() {
        let text = "attempt_id,customer_id,at,channel,purpose,outcome,note\nA1,C1,2024-01-16 09:12,phone,care,reached,\"two\nlines\"\nA2,C1,2024-01-16 09:12,fax,care,reached,\n";
        let errors = parse_source(&source(Kind::Attempt), text.as_bytes())
            .unwrap()
            .errors;
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].line, errors[0].column.as_str()),
            (Some(4), "channel")
        );
    }
}
