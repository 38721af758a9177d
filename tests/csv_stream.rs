//! Proves that a file read in chunks (`csvio::parse_reader_in_chunks`) gives exactly what
//! the whole-file reader (`csvio::parse_source`) gives — rows, hash, errors, warnings, and
//! the errors that refuse a whole file — whatever the chunk size and however small the read
//! buffer (down to a byte, so that every boundary falls everywhere), for every encoding and
//! every class of bad input; and that chunks come in file order, never larger than asked.
//!
//! `parse_source` reads through the same reader in one chunk with the default buffer, so
//! these tests compare the reader with itself across boundaries; the fixtures' expected
//! outcomes pin what it reads. (Until the commit that made `parse_source` a wrapper, they
//! compared it with the former whole-file reader, and passed there for 20 000 random files.)

use std::convert::Infallible;
use std::io::Cursor;
use std::path::PathBuf;

use proptest::prelude::*;

use careledger::csvio::{
    ERRORS_SHOWN_MAX, ImportError, ParsedFile, READ_BUFFER_BYTES, Rows, Source, StreamedFile,
    parse_reader_in_chunks, parse_source,
};
use careledger::model::Kind;

const CHUNK_ROWS: [usize; 4] = [1, 2, 3, 1000];
const BUFFER_BYTES: [usize; 6] = [1, 2, 3, 7, 64, READ_BUFFER_BYTES];

fn source(kind: Kind) -> Source {
    Source {
        path: PathBuf::from(kind.file_name()),
        kind,
    }
}

/// Reads `bytes` in chunks; the chunks, and what the reader returned.
fn streamed(
    kind: Kind,
    bytes: &[u8],
    buffer_bytes: usize,
    chunk_rows: usize,
) -> (Vec<Rows>, Result<StreamedFile, Vec<ImportError>>) {
    let mut chunks = Vec::new();
    let result = parse_reader_in_chunks(
        &source(kind),
        Cursor::new(bytes),
        buffer_bytes,
        chunk_rows,
        &mut |rows| {
            chunks.push(rows);
            Ok::<(), Infallible>(())
        },
    );
    match result {
        Ok(result) => (chunks, result),
        Err(never) => match never {},
    }
}

/// The streamed reader equals the whole-file reader on `bytes`, for every chunk size and
/// read buffer; chunks are at most `chunk_rows` long and in file order. Returns the
/// whole-file reader's result, for the test to say which case it made.
fn check(kind: Kind, bytes: &[u8]) -> Result<ParsedFile, Vec<ImportError>> {
    let whole = parse_source(&source(kind), bytes);
    for chunk_rows in CHUNK_ROWS {
        for buffer_bytes in BUFFER_BYTES {
            let (chunks, result) = streamed(kind, bytes, buffer_bytes, chunk_rows);
            let at = format!("chunks of {chunk_rows} rows, buffers of {buffer_bytes} bytes");
            match (&whole, result) {
                (Ok(whole), Ok(file)) => {
                    assert_same(whole, &chunks, &file, &at);
                    assert_chunked(&chunks, chunk_rows, &at);
                }
                (Err(whole), Err(errors)) => assert_eq!(whole, &errors, "{at}"),
                (whole, streamed) => panic!(
                    "{at}: whole {}\nstreamed {:?}",
                    outcome(whole),
                    streamed.map(|file| (file.rows, file.errors_total))
                ),
            }
        }
    }
    whole
}

/// What a file read gave, in short, for a test to say which case it made: the rows and row
/// errors, or the first whole-file error as `LINE: column: reason`.
fn outcome(read: &Result<ParsedFile, Vec<ImportError>>) -> String {
    match read {
        Ok(file) => format!("{} rows, {} errors", file.rows.len(), file.errors_total),
        Err(errors) => format!(
            "{}: {}: {}",
            errors[0].line.unwrap_or(0),
            errors[0].column,
            errors[0].reason
        ),
    }
}

fn assert_outcome(read: &Result<ParsedFile, Vec<ImportError>>, expected: &str) {
    let outcome = outcome(read);
    assert!(
        outcome.contains(expected),
        "{outcome}\nshould hold: {expected}"
    );
}

fn assert_same(whole: &ParsedFile, chunks: &[Rows], file: &StreamedFile, at: &str) {
    let rows: Vec<_> = chunks.iter().flat_map(Rows::iter).collect();
    assert_eq!(rows.len(), whole.rows.len(), "{at}: rows");
    assert_eq!(file.rows, whole.rows.len() as u64, "{at}: rows counted");
    for (streamed, whole) in rows.iter().zip(whole.rows.iter()) {
        assert_eq!(
            (
                streamed.line,
                streamed.op,
                streamed.key,
                streamed.record_bytes()
            ),
            (whole.line, whole.op, whole.key, whole.record_bytes()),
            "{at}"
        );
        assert_eq!(streamed.time(), whole.time(), "{at}: line {}", whole.line);
    }
    assert_eq!(file.source, whole.source, "{at}");
    assert_eq!(file.sha256, whole.sha256, "{at}: sha256");
    assert_eq!(file.errors, whole.errors, "{at}: errors");
    assert_eq!(file.errors_total, whole.errors_total, "{at}: errors_total");
    assert_eq!(file.failed_keys, whole.failed_keys, "{at}: failed_keys");
    assert_eq!(file.warnings, whole.warnings, "{at}: warnings");
}

/// Every chunk holds 1 to `chunk_rows` rows, and the lines never go back across them.
fn assert_chunked(chunks: &[Rows], chunk_rows: usize, at: &str) {
    for chunk in chunks {
        assert!(
            (1..=chunk_rows).contains(&chunk.len()),
            "{at}: a chunk of {}",
            chunk.len()
        );
    }
    let lines: Vec<u64> = chunks.iter().flat_map(Rows::iter).map(|r| r.line).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{at}: {lines:?}");
}

/// The contacts header this file's fixtures use (with an `op` column for void rows).
const HEADER: &str = "attempt_id,customer_id,at,channel,purpose,outcome,note,op";

fn row(id: usize, note: &str) -> String {
    format!("A{id},C1,2024-01-16 09:12,phone,care,reached,{note},")
}

fn lines(lines: &[String], end: &str) -> Vec<u8> {
    let mut text = lines.join(end);
    text.push_str(end);
    text.into_bytes()
}

fn gb18030(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// UTF-16 with its byte-order mark, as Excel's "Unicode text".
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let bom = if big_endian {
        [0xFE, 0xFF]
    } else {
        [0xFF, 0xFE]
    };
    let units = text.encode_utf16().flat_map(|unit| match big_endian {
        true => unit.to_be_bytes(),
        false => unit.to_le_bytes(),
    });
    bom.into_iter().chain(units).collect()
}

/// A file of good rows with Chinese notes, the header first.
fn good_rows(n: usize) -> Vec<String> {
    let mut file = vec![HEADER.to_owned()];
    file.extend((1..=n).map(|i| row(i, "已提醒下次保养")));
    file
}

#[test]
fn utf8_with_and_without_bom_crlf_and_lf() {
    let mut file = good_rows(7);
    file.insert(3, String::new());
    file.insert(5, row(90, "\"two\nlines, \"\"quoted\"\"\""));
    file.push(String::new());
    for end in ["\n", "\r\n"] {
        let bytes = lines(&file, end);
        assert_outcome(&check(Kind::Attempt, &bytes), "8 rows, 0 errors");
        let bom = [b"\xEF\xBB\xBF".as_slice(), &bytes].concat();
        assert_outcome(&check(Kind::Attempt, &bom), "8 rows, 0 errors");
    }
    // No line break at the end, and a lone CR.
    let lone_cr = format!("{HEADER}\r{}", row(1, "x"));
    assert_outcome(
        &check(Kind::Attempt, lone_cr.as_bytes()),
        "1 rows, 0 errors",
    );
}

#[test]
fn quotes_left_open() {
    // Never closed.
    let mut file = good_rows(4);
    file.insert(2, row(50, "\"runs away"));
    assert_outcome(
        &check(Kind::Attempt, &lines(&file, "\n")),
        "3: note: a quote opened in this cell is never closed",
    );
    // Not closed before a line that reads as a row: that line is named, not the first
    // line inside the cell.
    let mut file = good_rows(4);
    file.insert(2, row(50, "\"opens\nnot a row\n\"\"still\"\" not"));
    file.push("closes\",".to_owned());
    assert_outcome(
        &check(Kind::Attempt, &lines(&file, "\r\n")),
        "3: note: a quote opened in this cell is not closed before line 6,",
    );
    // In the header itself, and in a header that spans lines (its row is one cell short).
    let header_open = format!("attempt_id,\"customer_id\n{}\n", row(1, ""));
    assert_outcome(&check(Kind::Attempt, header_open.as_bytes()), "1: ");
    let header_lines = format!("{HEADER},\"extra\nline\"\n{}\n", row(1, ""));
    assert_outcome(
        &check(Kind::Attempt, header_lines.as_bytes()),
        "0 rows, 1 errors",
    );
    // A quote opened after a bad header: the header is reported.
    assert_outcome(
        &check(Kind::Attempt, b"attempt_id,x\n\"open\n"),
        "1: customer_id: required column is missing",
    );
}

#[test]
fn gb18030_good_and_malformed() {
    let text = String::from_utf8(lines(&good_rows(40), "\r\n")).unwrap();
    let bytes = gb18030(&text);
    assert_outcome(&check(Kind::Attempt, &bytes), "40 rows, 0 errors");
    // Malformed near the end, after chunks were handed over; in a cell of line 30; as the
    // last byte; and with a bad header or a quote left open, which it outranks.
    let mut late = bytes.clone();
    late.insert(bytes.len() - 5, 0xFF);
    assert_outcome(
        &check(Kind::Attempt, &late),
        "41: note: the file is neither UTF-8 nor GB18030",
    );
    let mut mid = bytes.clone();
    let at = text.find("A30,").unwrap();
    mid.insert(gb18030(&text[..at]).len() + 12, 0xFF);
    assert_outcome(&check(Kind::Attempt, &mid), "31: at: the file is neither");
    let cut = [bytes.as_slice(), &[0x81]].concat();
    assert_outcome(
        &check(Kind::Attempt, &cut),
        "42: attempt_id: the file is neither",
    );
    let bad_header = gb18030(&text.replacen("attempt_id", "attempt", 1));
    assert_outcome(
        &check(Kind::Attempt, &bad_header),
        "1: attempt_id: required",
    );
    let bad_header = [bad_header.as_slice(), &[0xFF]].concat();
    assert_outcome(&check(Kind::Attempt, &bad_header), "the file is neither");
    let open = gb18030(&text.replacen("已提醒", "\"已提醒", 1));
    assert_outcome(&check(Kind::Attempt, &open), "2: note: a quote opened");
    let open = [open.as_slice(), &[0xFF]].concat();
    assert_outcome(&check(Kind::Attempt, &open), "the file is neither");
}

#[test]
fn utf8_with_a_stray_byte_is_refused() {
    let text = String::from_utf8(lines(&good_rows(12), "\n")).unwrap();
    for at in [text.find("A3,").unwrap() + 20, text.len() - 2] {
        let mut bytes = text.clone().into_bytes();
        bytes.insert(at, 0xFF);
        assert_outcome(
            &check(Kind::Attempt, &bytes),
            "1 invalid byte sequence, so it is not read as GB18030",
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), &bytes].concat();
        assert_outcome(
            &check(Kind::Attempt, &bom),
            "the file starts with a UTF-8 byte-order mark",
        );
    }
    // A sequence cut at the very end.
    let cut = [text.as_bytes(), "保".as_bytes()[..2].as_ref()].concat();
    assert_outcome(
        &check(Kind::Attempt, &cut),
        "14: attempt_id: the file is UTF-8",
    );
}

#[test]
fn utf16_with_tabs_and_commas() {
    let text = "staff_id\tname\tdepartment\tactive_from\r\nKF001\t李静, 主管\tcustomer_care\t2021/8/2\r\nKF002\t\"王\tfang\"\tsales\t2022-01-03\r\nKF003\t\"open\r\n";
    for big_endian in [false, true] {
        assert_outcome(
            &check(Kind::Staff, &utf16(text, big_endian)),
            "4: name: a quote opened in this cell is never closed",
        );
        let closed = utf16(&text.replace("\"open", "open"), big_endian);
        assert_outcome(&check(Kind::Staff, &closed), "2 rows, 1 errors");
        let commas = utf16(&text.replace('\t', ","), big_endian);
        assert_outcome(&check(Kind::Staff, &commas), "4: name: a quote opened");
        let mut unpaired = utf16(text, big_endian);
        unpaired.extend(if big_endian {
            [0xD8, 0x00]
        } else {
            [0x00, 0xD8]
        });
        assert_outcome(
            &check(Kind::Staff, &unpaired),
            "5: -: the file starts with a UTF-16",
        );
    }
}

#[test]
fn columns_without_a_name_and_empty_cells_past_the_header_are_ignored() {
    // Excel writes a column without a name, and empty cells, for each column right of the
    // data that was once used: the rows read as if they were not there, with a warning.
    let text = "attempt_id,customer_id,at,channel,,purpose,outcome,,\r\nA1,C1,2024-01-16 09:12,phone,,care,reached,,\r\nA2,C1,2024-01-16 09:12,sms,,care,sent,,\r\n";
    let read = check(Kind::Attempt, text.as_bytes()).unwrap();
    let keys: Vec<&str> = read.rows.iter().map(|r| r.key).collect();
    assert_eq!(keys, ["A1", "A2"]);
    assert_eq!(read.errors_total, 0);
    assert_eq!(
        read.warnings,
        ["contacts.csv: ignoring 3 columns without a name in the header (cells 5, 8, 9)"]
    );
    // Empty cells past the header's width in some rows only: read too; a cell with
    // something in it there, or a cell too few, is an error on its line.
    let text = "attempt_id,customer_id,at,channel,purpose,outcome\nA1,C1,2024-01-16 09:12,phone,care,reached,,\nA2,C1,2024-01-16 09:12,phone,care,reached,,x\nA3,C1,2024-01-16 09:12,phone,care\nA4,C1,2024-01-16 09:12,phone,care,reached\n";
    let read = check(Kind::Attempt, text.as_bytes()).unwrap();
    let keys: Vec<&str> = read.rows.iter().map(|r| r.key).collect();
    assert_eq!(keys, ["A1", "A4"]);
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let errors: Vec<(Option<u64>, &str)> = read
        .errors
        .iter()
        .map(|e| (e.line, e.reason.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                Some(3),
                "the row has 8 cells but the header has 6; check for an unquoted comma or a missing cell"
            ),
            (
                Some(4),
                "the row has 5 cells but the header has 6; check for an unquoted comma or a missing cell"
            ),
        ]
    );
}

#[test]
fn bad_headers_and_empty_files() {
    for (bytes, expected) in [
        (&b""[..], "1: -: the file is empty"),
        (b"\n\r\n\n", "1: -: the file is empty"),
        (b"\xEF\xBB\xBF", "1: -: the file is empty"),
        (b"\xFF\xFE", "1: -: the file is empty"),
        (b"attempt_id,attempt_id,customer_id\n", "1: attempt_id: the column appears twice"),
        (
            b"attempt_id,customer_id,at,channel,purpose,outcome,shoe_size\nA1,C1,2024-01-16 09:12,phone,care,reached,42\n",
            "1 rows, 0 errors",
        ),
        (
            b"\n\nattempt_id,customer_id,at,channel,purpose,outcome\nA1,C1,2024-01-16 09:12,phone,care,reached\n",
            "1 rows, 0 errors",
        ),
    ] {
        assert_outcome(&check(Kind::Attempt, bytes), expected);
    }
}

#[test]
fn bad_rows_of_every_class() {
    let mut file = good_rows(3);
    file.push("A4,C1".to_owned()); // too few cells
    file.push(format!("{},extra", row(5, ""))); // too many
    file.push("A6,C1,2024-13-45 09:12,fax,care,reached,,".to_owned()); // cell errors
    file.push("A7,,,,,,,void".to_owned()); // a void row
    file.push(",,,,,,,void".to_owned()); // a void row without its key
    file.push(row(8, "").replace(",,", ",,delete"));
    file.push(row(9, &"长".repeat(30_000))); // 90 000 bytes: oversized
    file.push(row(10, "a \"literal\" quote"));
    file.push(row(11, "\"a note\non lines, which are not rows\""));
    let read = check(Kind::Attempt, &lines(&file, "\n"));
    assert_outcome(&read, "6 rows, 7 errors");
}

#[test]
fn more_bad_rows_than_are_kept() {
    let mut file = good_rows(5);
    file.extend((0..70).map(|i| format!("B{i},C1")));
    file.extend((6..9).map(|i| row(i, "")));
    let whole = check(Kind::Attempt, &lines(&file, "\n")).unwrap();
    assert_eq!(
        (whole.errors.len(), whole.errors_total),
        (ERRORS_SHOWN_MAX, 70)
    );
}

#[test]
fn an_error_of_the_caller_stops_the_reading_at_once() {
    let bytes = lines(&good_rows(10), "\n");
    let mut calls = 0;
    let result = parse_reader_in_chunks(
        &source(Kind::Attempt),
        Cursor::new(&bytes),
        7,
        3,
        &mut |rows| {
            calls += 1;
            assert_eq!(rows.len(), 3);
            if calls == 2 { Err("full") } else { Ok(()) }
        },
    );
    assert_eq!(result.unwrap_err(), "full");
    assert_eq!(calls, 2);
}

/// The pieces random files are made of: good rows, Chinese, blank lines, quoted cells over
/// lines, quotes left open, bad cells, void rows, rows of the wrong width, stray bytes.
fn piece() -> impl Strategy<Value = String> {
    proptest::sample::select(vec![
        "A1,C1,2024-01-16 09:12,phone,care,reached,,",
        "A2,C2,2024-01-16 09:12,phone,care,reached,已提醒下次保养,",
        "A3,C1,2024-01-16 09:12,phone,care,reached,\"two\nlines, \"\"q\"\"\",",
        "A4,C1,2024-01-16 09:12,phone,care,reached,\"opens",
        "closes\",",
        "\"",
        "",
        "\r",
        "A5,C1,2024-13-45 09:12,fax,care,reached,,",
        "A6,,,,,,,void",
        ",,,,,,,void",
        "A7,C1",
        "A8,C1,2024-01-16 09:12,phone,care,reached,李静,add,x",
        "A9,C1,2024-01-16 09:12,phone,care,reached,x,delete",
        "\t",
        "王",
    ])
    .prop_map(str::to_owned)
}

/// How a random file is written: its encoding, and a byte spoiled or not.
#[derive(Clone, Copy, Debug)]
enum Written {
    Utf8,
    Utf8Bom,
    Gb18030,
    Utf16 { big_endian: bool },
}

fn written() -> impl Strategy<Value = Written> {
    prop_oneof![
        Just(Written::Utf8),
        Just(Written::Utf8Bom),
        Just(Written::Gb18030),
        any::<bool>().prop_map(|big_endian| Written::Utf16 { big_endian }),
    ]
}

fn write(text: &str, written: Written) -> Vec<u8> {
    match written {
        Written::Utf8 => text.as_bytes().to_vec(),
        Written::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Written::Gb18030 => gb18030(text),
        Written::Utf16 { big_endian } => utf16(&text.replace(',', "\t"), big_endian),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_files_read_the_same_in_chunks(
        header in prop_oneof![
            6 => Just(HEADER),
            2 => Just("attempt_id,customer_id,at,channel,purpose,outcome,note"),
            1 => Just("attempt_id,\"at"),
            1 => Just("a,b"),
        ],
        pieces in proptest::collection::vec(piece(), 0..14),
        crlf in any::<bool>(),
        written in written(),
        spoil in proptest::option::weighted(0.25, (any::<proptest::sample::Index>(), any::<u8>())),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let text = format!("{header}{end}{}", pieces.join(end));
        let mut bytes = write(&text, written);
        if let Some((at, byte)) = spoil {
            bytes.insert(at.index(bytes.len() + 1), byte);
        }
        let _ = check(Kind::Attempt, &bytes);
    }
}

/// The line a person counts at byte `at` of `text`: 1, plus every `\n` before it and every
/// `\r` before it that no `\n` follows.
fn naive_line(text: &[u8], at: usize) -> u64 {
    let breaks = (0..at)
        .filter(|&i| text[i] == b'\n' || (text[i] == b'\r' && text.get(i + 1) != Some(&b'\n')))
        .count();
    1 + breaks as u64
}

#[test]
fn lines_ending_in_a_lone_carriage_return_are_numbered_as_lines() {
    // Classic Mac OS line endings (Excel for Mac's "CSV (Macintosh)"): row A3's date is bad.
    let text = format!(
        "{HEADER}\r{}\r{}\r\r{}\r",
        row(1, "x"),
        row(2, "\"two\rlines\""),
        row(3, "x").replace("2024-01-16", "2024-13-16")
    );
    let read = check(Kind::Attempt, text.as_bytes()).unwrap();
    let lines: Vec<(String, u64)> = read
        .rows
        .iter()
        .map(|r| (r.key.to_owned(), r.line))
        .collect();
    assert_eq!(lines, [("A1".to_owned(), 2), ("A2".to_owned(), 3)]);
    assert_eq!(read.errors[0].line, Some(6), "{:?}", read.errors);
    // A quote left open, and a byte that does not decode, are located by the same count.
    let open = format!("{HEADER}\r{}\r\r{}\r", row(1, "x"), row(2, "\"runs away"));
    assert_outcome(
        &check(Kind::Attempt, open.as_bytes()),
        "4: note: a quote opened in this cell is never closed",
    );
    let mut spoiled = format!("{HEADER}\r\n{}\r{}", row(1, "x"), row(2, "x")).into_bytes();
    let at = spoiled.len() - 2;
    spoiled.insert(at, 0xFF);
    assert_outcome(
        &check(Kind::Attempt, &spoiled),
        "3: note: the file is neither UTF-8 nor GB18030",
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Rows, blank lines and rows in error, each line ended by `\n`, `\r\n` or a lone `\r`,
    /// in every encoding: every row and every error is on the line a naive count of the
    /// text's bytes puts it.
    #[test]
    fn every_line_ending_numbers_rows_as_a_person_counts(
        lines in proptest::collection::vec((0..3u8, 0..3u8), 0..12),
        header_end in 0..3u8,
        written in written(),
    ) {
        const ENDS: [&str; 3] = ["\n", "\r\n", "\r"];
        let mut text = format!("{HEADER}{}", ENDS[header_end as usize]);
        // (key, byte where its row starts, whether it is in error)
        let mut placed = Vec::new();
        for (i, &(what, end)) in lines.iter().enumerate() {
            let start = text.len();
            match what {
                0 => text.push_str(&row(i, "x")),
                1 => text.push_str(&row(i, "x").replace("2024-01-16", "2024-13-16")),
                _ => {} // a blank line
            }
            if what < 2 {
                placed.push((format!("A{i}"), start, what == 1));
            }
            text.push_str(ENDS[end as usize]);
        }
        let read = check(Kind::Attempt, &write(&text, written)).unwrap();
        let bytes = text.into_bytes();
        let got: Vec<(String, u64)> = read.rows.iter().map(|r| (r.key.to_owned(), r.line)).collect();
        let want: Vec<(String, u64)> = placed
            .iter()
            .filter(|(_, _, bad)| !bad)
            .map(|(key, start, _)| (key.clone(), naive_line(&bytes, *start)))
            .collect();
        prop_assert_eq!(got, want);
        let got: Vec<Option<u64>> = read.errors.iter().map(|e| e.line).collect();
        let want: Vec<Option<u64>> = placed
            .iter()
            .filter(|(_, _, bad)| *bad)
            .map(|(_, start, _)| Some(naive_line(&bytes, *start)))
            .collect();
        prop_assert_eq!(got, want);
    }
}
