//! Reading interchange files into rows.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use super::lines::Lines;
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
                    crate::say!(
                        "`{kind_text}` is not a record kind; use one of {}",
                        "`{kind_text}` 不是记录类型；请用其中之一：{}",
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
                        crate::say!("cannot read the folder: {e}", "无法读取文件夹：{e}"),
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
                    warnings.push(crate::say!(
                        "{}: skipped: not named as a record kind ({}); name it KIND=FILE to import it",
                        "{}：已跳过：文件名不是记录类型（{}）；要导入它，请写成 KIND=FILE",
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
                    crate::say!(
                        "the folder holds none of the files {}",
                        "文件夹中没有以下任何一个文件：{}",
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
                crate::voice::pick(
                    "no such file or folder; check the path",
                    "文件或文件夹不存在；请检查路径",
                ),
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
            None => errors.push(ImportError::new(arg, None, "-", crate::say!(
                "cannot tell which records the file holds from its name; name it as one of {} or give its kind as KIND=FILE, e.g. `careledger import sales={arg}` (kinds: {})",
                "无法从文件名看出文件中是哪类记录；请把它命名为 {} 之一，或用 KIND=FILE 指明类型，例如 `careledger import sales={arg}`（类型：{}）",
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
            warnings.push(crate::say!(
                "{}: given more than once; read once",
                "{}：指定了不止一次；只读取一次",
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
///
/// The rows are kept whole; to read a large file in bounded memory, see
/// [`super::parse_file_in_chunks`], which this reads through in one chunk.
pub fn parse_file(source: &Source) -> Result<ParsedFile, Vec<ImportError>> {
    parse_whole(source, super::stream::open(source)?)
}

/// The largest cell accepted, in bytes: a note or a comment is a few sentences; a cell of
/// megabytes is a broken file (or an attack), and is refused with its place.
pub const CELL_BYTES_MAX: usize = 64 * 1024;

/// Parses the bytes of one file.
pub fn parse_source(source: &Source, bytes: &[u8]) -> Result<ParsedFile, Vec<ImportError>> {
    parse_whole(source, std::io::Cursor::new(bytes))
}

/// Reads a file in one chunk of all its rows.
fn parse_whole(source: &Source, reader: impl Read + Seek) -> Result<ParsedFile, Vec<ImportError>> {
    let mut rows = None;
    let read = super::parse_reader_in_chunks(
        source,
        reader,
        super::READ_BUFFER_BYTES,
        usize::MAX,
        &mut |chunk| {
            debug_assert!(rows.is_none(), "one chunk of every row");
            rows = Some(chunk);
            Ok::<(), Infallible>(())
        },
    );
    let file = match read {
        Ok(file) => file?,
        Err(never) => match never {},
    };
    Ok(ParsedFile {
        source: file.source,
        sha256: file.sha256,
        rows: rows.unwrap_or_default(),
        errors: file.errors,
        errors_total: file.errors_total,
        failed_keys: file.failed_keys,
        warnings: file.warnings,
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

/// How a file's text is read into rows.
pub(super) struct Reading<'a> {
    /// The file, as errors name it.
    pub name: &'a str,
    pub kind: Kind,
    pub delimiter: u8,
    /// The size of the CSV reader's buffer.
    pub buffer_bytes: usize,
    /// The most rows handed over at a time.
    pub chunk_rows: usize,
}

impl Reading<'_> {
    /// A CSV reader of the file's text: the header is read as a record, and rows may have
    /// any number of cells (a row of the wrong width is reported, not fatal).
    pub(super) fn csv<R: Read>(&self, text: R) -> csv::Reader<R> {
        csv_reader(text, self.delimiter, self.buffer_bytes)
    }

    /// How many cells the header (the first record) has, read alone from the raw body: the
    /// cells are split at ASCII bytes, which decoding leaves where they are.
    pub(super) fn header_width(&self, body: impl Read) -> std::io::Result<usize> {
        let mut header = csv::ByteRecord::new();
        match self.csv(body).read_byte_record(&mut header) {
            Ok(true) => Ok(header.len()),
            Ok(false) => Ok(0),
            Err(e) => Err(super::stream::io_error(e)),
        }
    }
}

/// See [`Reading::csv`].
pub(super) fn csv_reader<R: Read>(text: R, delimiter: u8, buffer_bytes: usize) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(buffer_bytes)
        .from_reader(text)
}

/// Reads a file's decoded text: its header, then its rows, handed to `on_chunk`
/// `chunk_rows` at a time (see `csvio::parse_reader_in_chunks`). `open_quote`, found by the
/// first pass, refuses the file once its header is known to be good.
pub(super) fn read_rows<E>(
    reading: &Reading,
    text: impl Read,
    open_quote: Option<OpenQuote>,
    on_chunk: &mut dyn FnMut(Rows) -> Result<(), E>,
) -> Result<RowsRead, Stop<E>> {
    let (name, kind) = (reading.name, reading.kind);
    let mut reader = reading.csv(Lines::new(text));
    // One record buffer for the whole file: no allocation per row.
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            return Err(Stop::Refused(vec![ImportError::new(
                name,
                Some(1),
                "-",
                crate::say!(
                    "the file is empty; it needs a header row: {}",
                    "文件是空的；它需要一行表头：{}",
                    header_line(kind)
                ),
            )]));
        }
        Err(e) => return Err(stopped(name, &mut reader, e, Vec::new())),
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
            Err(e) => return Err(stopped(name, &mut reader, e, errors)),
        }
        let line = record
            .position()
            .map_or(0, |p| reader.get_mut().line(p.byte()));
        if record.len() == 1 && record.get(0) == Some("") {
            continue; // a blank line
        }
        // Empty cells past the header's last (Excel writes them for cells of the sheet that
        // were once used) hold nothing to read.
        let fits = record.len() == header.len()
            || (record.len() > header.len() && record.iter().skip(header.len()).all(str::is_empty));
        if !fits {
            fail(ImportError::new(
                name,
                Some(line),
                "-",
                crate::say!(
                    "the row has {} cells but the header has {}; check for an unquoted comma or a missing cell",
                    "这一行有 {} 个单元格，表头却有 {} 个；请检查是否有没加引号的逗号，或缺了单元格",
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
                    crate::say!(
                        "the cell is {len} bytes; a cell holds at most {CELL_BYTES_MAX} bytes (64 KiB): shorten it, or check for a quote that is not closed",
                        "单元格有 {len} 字节；一个单元格最多 {CELL_BYTES_MAX} 字节（64 KiB）：请缩短它，或检查是否有没闭合的引号"
                    ),
                ));
            }
            failed_keys.push(key);
            continue;
        }
        match parse_row(kind, layout.op.map_or("", |i| &record[i]), &cells) {
            Ok((op, parsed)) => {
                rows.push(line, op, &key, parsed.as_ref());
                if rows.len() == reading.chunk_rows {
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
fn stopped<R: std::io::Read, E>(
    name: &str,
    reader: &mut csv::Reader<Lines<R>>,
    error: csv::Error,
    mut errors: Vec<ImportError>,
) -> Stop<E> {
    if error.is_io_error() {
        return Stop::Io(super::stream::io_error(error));
    }
    if errors.len() < ERRORS_SHOWN_MAX {
        let line = error.position().map(|p| reader.get_mut().line(p.byte()));
        errors.push(csv_error(name, line, &error));
    }
    Stop::Refused(errors)
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
                        Err(crate::voice::pick(
                            "is empty; a void row needs its key",
                            "为空；作废行需要填写其编号",
                        )
                        .to_owned())
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
            reason: crate::say!(
                "`{other}` is not an operation; write add, void, or leave it empty (add)",
                "`{other}` 不是操作；请写 add 或 void，或者留空（即 add）"
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
        let mut unnamed = Vec::new();
        for (i, cell) in header.iter().enumerate() {
            let cell = cell.trim();
            if cell.is_empty() {
                // A column without a name: Excel writes one for each column right of the
                // data whose cells were once used. Nothing can be read from it.
                unnamed.push(i + 1);
                continue;
            }
            if positions.insert(cell, i).is_some() {
                errors.push(ImportError::new(
                    name,
                    Some(1),
                    cell,
                    crate::voice::pick(
                        "the column appears twice in the header; keep one",
                        "这一列在表头中出现了两次；请只保留一个",
                    ),
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
                    crate::say!(
                        "required column is missing from the header; the header of {} needs: {}",
                        "表头中缺少这个必填列；{} 的表头需要：{}",
                        kind.file_name(),
                        header_line(kind)
                    ),
                ));
            }
        }
        let mut warnings = Vec::new();
        if !unknown.is_empty() {
            let s = if unknown.len() == 1 { "" } else { "s" };
            warnings.push(crate::say!(
                "{name}: ignoring unknown column{s} {}; {} reads {}",
                "{name}：忽略未知的列 {}；{} 读取的列是：{}",
                unknown
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(crate::voice::pick(", ", "、")),
                kind.file_name(),
                header_line(kind)
            ));
        }
        if !unnamed.is_empty() {
            let s = if unnamed.len() == 1 { "" } else { "s" };
            warnings.push(crate::say!(
                "{name}: ignoring {} column{s} without a name in the header (cell{s} {})",
                "{name}：忽略表头中 {} 个没有名称的列（第 {} 个单元格）",
                unnamed.len(),
                unnamed
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(crate::voice::pick(", ", "、")),
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

fn csv_error(name: &str, line: Option<u64>, error: &csv::Error) -> ImportError {
    ImportError::new(
        name,
        line,
        "-",
        crate::say!(
            "the file is not valid CSV: {error}; check the quoting of this row",
            "文件不是有效的 CSV：{error}；请检查这一行的引号"
        ),
    )
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
        // An unpaired surrogate (D800 then 'A') on line 2 is refused there, as is one on line
        // 3 after Windows' and classic Mac's line endings.
        let mut bytes = utf16("staff_id,name,department,active_from\nKF001,", false);
        bytes.extend([0x00, 0xD8, b'A', 0x00]);
        let errors = parse_source(&source(Kind::Staff), &bytes).unwrap_err();
        assert_eq!(errors[0].line, Some(2));
        for (ends, line) in [("\r\n\r\n", 3), ("\r\r", 3), ("\r\n\r", 3), ("\n\r\n", 3)] {
            let text = format!("staff_id,name,department,active_from{ends}KF001,");
            let mut bytes = utf16(&text, false);
            bytes.extend([0x00, 0xD8, b'A', 0x00]);
            let errors = parse_source(&source(Kind::Staff), &bytes).unwrap_err();
            assert_eq!(errors[0].line, Some(line), "{ends:?}");
        }
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
