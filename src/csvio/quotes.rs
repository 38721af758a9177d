//! Finding a quote left open, before the rows are parsed.
//!
//! RFC 4180 lets a quoted cell span lines, so a missing closing quote does not make a file
//! invalid: it silently swallows the rows after it into one cell, up to the next quote. That
//! is decided here by evidence: a quoted cell that runs to the end of the file, or that
//! spans a whole line which reads as a complete row of this file's header, is an error
//! located where the quote opened. A note that legitimately holds line breaks has lines that
//! are not rows of the file.
//!
//! The scan follows the reader's rules (csv-core): a quote opens a quoted cell only at the
//! start of a cell; inside one, `""` is a quote; a quote elsewhere is literal.
//!
//! Lines end at `\r\n`, `\n` or a lone `\r`, as `lines` counts them.
//!
//! It looks at the bytes `"`, the delimiter (`,` or a tab), `\n` and `\r` only, and these are
//! never part of a multi-byte character in UTF-8 or GB18030 (whose trail bytes are `40`–`FE`,
//! or `30`–`39`): it runs on a file's raw bytes as well as on its decoded text, and finds the
//! same. It is fed a buffer at a time and holds one line: the current line inside a quoted
//! cell, to see whether it reads as a row.

use super::lines::{Break, Breaks};
use crate::import::batch::ImportError;

/// A quote left open: where it opened, and why that is an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct OpenQuote {
    line: u64,
    cell: usize,
    /// The first line inside the cell that reads as a row, or `None` when the cell runs to
    /// the end of the file.
    row_line: Option<u64>,
}

impl OpenQuote {
    /// The error, its column named by the (decoded) header.
    pub(super) fn error(&self, name: &str, header: &csv::StringRecord) -> ImportError {
        let column = header.get(self.cell).map_or_else(
            || crate::say!("cell {}", "第 {} 个单元格", self.cell + 1),
            |c| c.trim().to_owned(),
        );
        let reason = match self.row_line {
            None => crate::voice::pick(
                "a quote opened in this cell is never closed: the cell runs to the end of the file and swallows every row after it; close the quote (a quote inside a cell is written twice: \"\")",
                "这个单元格中的引号一直没有闭合：单元格延续到文件末尾，吞掉了其后的每一行；请闭合引号（单元格内的引号要写两次：\"\"）",
            )
            .to_owned(),
            Some(row_line) => crate::say!(
                "a quote opened in this cell is not closed before line {row_line}, which reads as a row of its own: the cell would swallow the rows after it; close the quote (a quote inside a cell is written twice: \"\")",
                "这个单元格中的引号在第 {row_line} 行之前没有闭合，而第 {row_line} 行本身就像完整的一行数据：单元格会吞掉其后的各行；请闭合引号（单元格内的引号要写两次：\"\"）"
            ),
        };
        ImportError::new(name, Some(self.line), &column, reason)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Outside a quoted cell; `cell_start` says whether a quote would open one.
    Outside,
    Quoted,
    /// A quote inside a quoted cell: the next byte tells an escaped quote (`""`) from the
    /// end of the cell.
    QuotedQuote,
}

/// The scan, fed a buffer at a time (see the module's doc).
#[derive(Debug)]
pub(super) struct QuoteScan {
    /// Cells in the header: a line inside a quoted cell that reads as a row of this many.
    width: usize,
    delimiter: u8,
    state: State,
    line: u64,
    cell: usize,
    cell_start: bool,
    /// The quoted cell being read: where it opened, whether a line break was seen in it
    /// (from the second on, each ends a whole line), and the first whole line that reads as
    /// a row.
    open: OpenQuote,
    broke: bool,
    /// The current whole-line candidate inside the quoted cell.
    current: Vec<u8>,
    breaks: Breaks,
    found: Option<OpenQuote>,
}

impl QuoteScan {
    pub(super) fn new(width: usize, delimiter: u8) -> QuoteScan {
        QuoteScan {
            width,
            delimiter,
            state: State::Outside,
            line: 1,
            cell: 0,
            cell_start: true,
            open: OpenQuote {
                line: 0,
                cell: 0,
                row_line: None,
            },
            broke: false,
            current: Vec::new(),
            breaks: Breaks::default(),
            found: None,
        }
    }

    pub(super) fn feed(&mut self, bytes: &[u8]) {
        if self.found.is_some() {
            return;
        }
        for &b in bytes {
            let brk = self.breaks.step(b);
            if brk == Break::Continues {
                continue; // the `\n` of a `\r\n`: its `\r` ended the line
            }
            match self.state {
                State::Quoted => match b {
                    b'"' => {
                        self.keep(b);
                        self.state = State::QuotedQuote;
                    }
                    _ if brk == Break::Ends => {
                        if self.broke
                            && self.open.row_line.is_none()
                            && reads_as_row(&self.current, self.width, self.delimiter)
                        {
                            self.open.row_line = Some(self.line);
                        }
                        self.current.clear();
                        self.broke = true;
                        self.line += 1;
                    }
                    _ => self.keep(b),
                },
                State::QuotedQuote if b == b'"' => {
                    self.keep(b);
                    self.state = State::Quoted;
                }
                State::QuotedQuote => {
                    if self.close() {
                        return;
                    }
                    self.outside(b, brk);
                }
                State::Outside => self.outside(b, brk),
            }
        }
    }

    /// The open quote found, once every byte was fed.
    pub(super) fn finish(mut self) -> Option<OpenQuote> {
        match self.state {
            State::Quoted if self.found.is_none() => {
                self.open.row_line = None;
                Some(self.open)
            }
            State::QuotedQuote => {
                self.close();
                self.found
            }
            _ => self.found,
        }
    }

    fn outside(&mut self, b: u8, brk: Break) {
        if self.cell_start && b == b'"' {
            self.state = State::Quoted;
            self.open = OpenQuote {
                line: self.line,
                cell: self.cell,
                row_line: None,
            };
            self.broke = false;
            self.current.clear();
            return;
        }
        match b {
            d if d == self.delimiter => {
                self.cell += 1;
                self.cell_start = true;
            }
            _ if brk == Break::Ends => {
                self.line += 1;
                self.cell = 0;
                self.cell_start = true;
            }
            _ => self.cell_start = false,
        }
    }

    /// Keeps a byte of a quoted cell's line when that line may be a whole one.
    fn keep(&mut self, b: u8) {
        if self.broke && self.open.row_line.is_none() {
            self.current.push(b);
        }
    }

    /// Ends a quoted cell; whether it spanned a line that reads as a row (then the scan is
    /// done).
    fn close(&mut self) -> bool {
        self.state = State::Outside;
        self.cell_start = false;
        self.current.clear();
        if self.open.row_line.is_some() {
            self.found = Some(self.open.clone());
        }
        self.found.is_some()
    }
}

/// Whether a line parses as one complete CSV row of `width` cells.
fn reads_as_row(line: &[u8], width: usize, delimiter: u8) -> bool {
    if width < 2 || line.is_empty() {
        return false;
    }
    let mut reader = super::read::csv_reader(line, delimiter, line.len());
    let mut records = reader.byte_records();
    matches!(
        (records.next(), records.next()),
        (Some(Ok(r)), None) if r.len() == width
    )
}
