//! Line numbers as a person counts them: a line ends at `\r\n`, at `\n`, or at a `\r` alone —
//! the line ending of classic Mac OS, which Excel for Mac's "CSV (Macintosh)" still writes.
//!
//! The CSV reader ends a record at all three, but the position it gives a record is where
//! its read began, before the line break that ended the last record (the `\n` of a `\r\n`)
//! and any blank lines, and its line count is of `\n`s only. So in a Windows file (`\r\n`)
//! every row was numbered one line early, and in a Mac file every row was "line 1".
//! [`Lines`] passes the text to the reader unchanged and notes its runs of line-break bytes;
//! a record's line is that of its first byte that is not one ([`Lines::line`]). The quote
//! scan (`quotes`) and the locating of an undecodable byte (`decode::locate`) count with
//! [`Breaks`], by the same rule, as does the error of a UTF-16 file ([`line_at_end`]).

use std::collections::VecDeque;
use std::io::{self, Read};

/// A text on its way to the CSV reader, unchanged, with its runs of `\r` and `\n` bytes
/// that the reader may not have numbered a record after yet.
///
/// It holds the runs between the last record numbered and what the reader has read ahead:
/// at most one for each line in the reader's buffer and in the record being read.
pub(super) struct Lines<R> {
    inner: R,
    /// Bytes passed on so far.
    at: u64,
    /// The run reaching the end of what was read: the next read may lengthen it.
    open: Option<Run>,
    /// Runs closed and not yet passed by a record numbered, in order.
    runs: VecDeque<Run>,
    /// Line breaks in the runs already passed.
    before: u64,
}

/// A maximal run of `\r` and `\n` bytes: where it starts and ends, and how many lines it
/// ends (`\r\n`, `\n` and a lone `\r` one each).
#[derive(Clone, Copy, Debug)]
struct Run {
    start: u64,
    end: u64,
    breaks: u64,
    /// Whether the last byte was a `\r`, across reads.
    breaking: Breaks,
}

impl<R> Lines<R> {
    pub(super) fn new(inner: R) -> Lines<R> {
        Lines {
            inner,
            at: 0,
            open: None,
            runs: VecDeque::new(),
            before: 0,
        }
    }

    /// The line of the record whose read began at byte `origin` (`csv::Position::byte`):
    /// the line of its first byte that is not a line break. Records are numbered in file
    /// order, once their first byte was read: `origin` never goes back.
    pub(super) fn line(&mut self, origin: u64) -> u64 {
        let mut first = origin;
        while let Some(run) = self.runs.front() {
            if run.start > first {
                break;
            }
            first = first.max(run.end);
            self.before += run.breaks;
            self.runs.pop_front();
        }
        1 + self.before
    }

    fn close_open(&mut self) {
        if let Some(run) = self.open.take() {
            self.runs.push_back(run);
        }
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if !buf.is_empty() {
                self.close_open(); // the end of the text
            }
            return Ok(0);
        }
        let bytes = &buf[..n];
        for i in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            let offset = self.at + i as u64;
            if self.open.is_some_and(|run| run.end != offset) {
                self.close_open(); // other bytes came between
            }
            let run = self.open.get_or_insert(Run {
                start: offset,
                end: offset,
                breaks: 0,
                breaking: Breaks::default(),
            });
            run.end = offset + 1;
            run.breaks += u64::from(run.breaking.step(bytes[i]) == Break::Ends);
        }
        self.at += n as u64;
        if self.open.is_some_and(|run| run.end != self.at) {
            self.close_open();
        }
        Ok(n)
    }
}

/// Counts line breaks a byte at a time: `\r\n`, `\n` and a lone `\r` each end one line.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Breaks {
    after_cr: bool,
}

impl Breaks {
    /// What byte `b` is to the lines: a break, the `\n` of a `\r\n` (which the `\r` broke
    /// already), or neither.
    pub(super) fn step(&mut self, b: u8) -> Break {
        let after_cr = std::mem::replace(&mut self.after_cr, b == b'\r');
        match b {
            b'\r' => Break::Ends,
            b'\n' if after_cr => Break::Continues,
            b'\n' => Break::Ends,
            _ => Break::None,
        }
    }
}

/// The line a text's end is on: 1, and one for each line break in it.
pub(super) fn line_at_end(text: &[u8]) -> u64 {
    let mut breaks = Breaks::default();
    1 + text
        .iter()
        .filter(|&&b| breaks.step(b) == Break::Ends)
        .count() as u64
}

/// See [`Breaks::step`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Break {
    /// The byte ends a line.
    Ends,
    /// The `\n` of a `\r\n`: part of the break its `\r` made.
    Continues,
    /// Any other byte.
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader handing over `step` bytes at a time, so that a run of line breaks falls
    /// across reads.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// The line each byte is on, counted naively: after each `\n`, and after each `\r` not
    /// followed by `\n`.
    fn naive_lines(text: &[u8]) -> Vec<u64> {
        let mut line = 1;
        let mut lines = Vec::new();
        for (i, &b) in text.iter().enumerate() {
            lines.push(line);
            if b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')) {
                line += 1;
            }
        }
        lines
    }

    #[test]
    fn a_record_is_on_the_line_of_its_first_byte() {
        let text = b"a\rb\r\nc\nd\r\r\ne\n\r\rf\r";
        let naive = naive_lines(text);
        assert_eq!(naive, [1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 9]);
        let is_break = |b: u8| b == b'\r' || b == b'\n';
        // Each first byte of a line, with where a reader's read of it may begin: the start
        // of the breaks before it (the CSV reader's case), or the byte itself.
        let firsts: Vec<(usize, usize)> = (0..text.len())
            .filter(|&i| !is_break(text[i]) && (i == 0 || is_break(text[i - 1])))
            .map(|i| {
                let run = (0..i).rev().take_while(|&j| is_break(text[j])).last();
                (i, run.unwrap_or(i))
            })
            .collect();
        assert_eq!(firsts, [(0, 0), (2, 1), (5, 3), (7, 6), (11, 8), (15, 12)]);
        for step in 1..=text.len() {
            for from_run in [true, false] {
                let mut reader = Lines::new(Trickle { bytes: text, step });
                let mut read = Vec::new();
                reader.read_to_end(&mut read).unwrap();
                assert_eq!(read, text, "passed on unchanged");
                for &(first, run) in &firsts {
                    let origin = if from_run { run } else { first };
                    assert_eq!(
                        reader.line(origin as u64),
                        naive[first],
                        "byte {first}, read from {origin}, reads of {step}"
                    );
                }
            }
        }
        let mut breaks = Breaks::default();
        let ends: Vec<Break> = b"a\r\n\n\r\rb".iter().map(|&b| breaks.step(b)).collect();
        use Break::*;
        assert_eq!(ends, [None, Ends, Continues, Ends, Ends, Ends, None]);
        for end in 0..=text.len() {
            let last = naive_lines(&text[..end]).last().copied().unwrap_or(1);
            let broke = end > 0 && (text[end - 1] == b'\n' || text[end - 1] == b'\r');
            assert_eq!(line_at_end(&text[..end]), last + u64::from(broke), "{end}");
        }
    }
}
