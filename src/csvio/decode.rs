//! Telling a file's encoding, and decoding it as a stream.
//!
//! The decision is made once, by [`decide`], from what the first bytes promise ([`Bom`]) and
//! a census of the rest ([`Utf8Census`]), which can be fed a buffer at a time; the text is then
//! read through [`Decoded`], which passes UTF-8 through and decodes GB18030 a buffer at a
//! time. A byte that cannot be decoded is located by [`locate`], which reads up to it again.
//! [`decode_text`] puts these together for a file held in memory.

use std::borrow::Cow;
use std::io::{self, Read};

use super::lines::{Break, Breaks};
use crate::import::batch::ImportError;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16BE_BOM: &[u8] = b"\xFE\xFF";

/// What a file's first bytes promise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Bom {
    None,
    Utf8,
    /// `FF FE` little-endian, `FE FF` big-endian: Excel's "Unicode text".
    Utf16(&'static encoding_rs::Encoding),
}

impl Bom {
    /// How many bytes [`Bom::sniff`] needs to see (fewer only when the file is shorter).
    pub(super) const SNIFF_BYTES: usize = 3;

    pub(super) fn sniff(first: &[u8]) -> Bom {
        if first.starts_with(UTF16LE_BOM) {
            Bom::Utf16(encoding_rs::UTF_16LE)
        } else if first.starts_with(UTF16BE_BOM) {
            Bom::Utf16(encoding_rs::UTF_16BE)
        } else if first.starts_with(UTF8_BOM) {
            Bom::Utf8
        } else {
            Bom::None
        }
    }

    /// The bytes of the mark itself, before the body.
    pub(super) fn len(self) -> usize {
        match self {
            Bom::None => 0,
            Bom::Utf8 => UTF8_BOM.len(),
            Bom::Utf16(_) => UTF16LE_BOM.len(),
        }
    }
}

/// How the body of a file (after its byte-order mark) is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Encoding {
    Utf8,
    Gb18030,
    Utf16(&'static encoding_rs::Encoding),
}

/// Why a file is not decoded, before the byte is located: its offset in the body and what
/// the file was taken for.
#[derive(Debug)]
pub(super) struct Refusal {
    pub offset: u64,
    pub what: String,
}

/// Decides how a file is read: UTF-8 (with or without BOM) when valid, else GB18030, what
/// Excel writes on Chinese Windows. A BOM promises UTF-8, so a file with one is never read
/// as GB18030. A UTF-16 BOM (`FF FE` little-endian, `FE FF` big-endian: Excel's "Unicode
/// text") promises UTF-16, decoded as such (see `delimiter_of` for its tabs).
///
/// A file that is not valid UTF-8 is read as GB18030 only when the bytes say so. Chinese in
/// GB18030 is mostly invalid as UTF-8: about one character in ten happens to form a valid
/// UTF-8 sequence (李静 is `C0 EE BE B2`: `C0` is invalid, `EE BE B2` a valid 3-byte
/// sequence). A UTF-8 file with a stray byte is the opposite: all valid but that byte. So a
/// file with at least `UTF8_VALID_PER_INVALID_MIN` (4) valid non-ASCII characters per invalid
/// sequence is UTF-8 with a bad byte, refused with the byte's line, rather than decoded
/// wholesale into mojibake; anything else is tried as GB18030 (which may still fail, in
/// [`Decoded`]).
///
/// `census` is of the body, after the BOM; it is not looked at for UTF-16.
pub(super) fn decide(bom: Bom, census: &Census) -> Result<Encoding, Refusal> {
    match (bom, census.first_bad) {
        (Bom::Utf16(encoding), _) => Ok(Encoding::Utf16(encoding)),
        (_, None) => Ok(Encoding::Utf8),
        (Bom::Utf8, Some(offset)) => Err(Refusal {
            offset,
            what: crate::voice::pick(
                "the file starts with a UTF-8 byte-order mark but is not valid UTF-8",
                "文件以 UTF-8 字节顺序标记（BOM）开头，却不是有效的 UTF-8",
            )
            .into(),
        }),
        (Bom::None, Some(offset)) => {
            let (valid, invalid) = (census.valid, census.invalid);
            if valid >= UTF8_VALID_PER_INVALID_MIN * invalid {
                let s = if invalid == 1 { "" } else { "s" };
                Err(Refusal {
                    offset,
                    what: crate::say!(
                        "the file is UTF-8 ({valid} non-ASCII characters) with {invalid} invalid byte sequence{s}, so it is not read as GB18030",
                        "文件是 UTF-8（{valid} 个非 ASCII 字符），含 {invalid} 处无效的字节序列，因此不按 GB18030 读取"
                    ),
                })
            } else {
                Ok(Encoding::Gb18030)
            }
        }
    }
}

/// See [`decide`]: GB18030 Chinese gives about one valid per nine invalid; a UTF-8 file
/// with a stray byte gives as many valid characters as it has Chinese.
const UTF8_VALID_PER_INVALID_MIN: u64 = 4;

/// What [`Utf8Census`] found in all the bytes it was fed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Census {
    /// Valid non-ASCII UTF-8 characters.
    pub valid: u64,
    /// Invalid UTF-8 sequences (an incomplete one at the end counts as one).
    pub invalid: u64,
    /// Offset of the first invalid sequence; `None` when the bytes are valid UTF-8.
    pub first_bad: Option<u64>,
}

/// Counts valid non-ASCII characters and invalid sequences of UTF-8 fed a buffer at a time.
/// A sequence cut by the end of a buffer is carried (at most 3 bytes) and judged with the
/// next, so the counts do not depend on where the buffers end: an invalid sequence is the
/// longest prefix of a valid one (as `str::from_utf8` reports it), and an incomplete sequence
/// at the very end is one.
#[derive(Debug, Default)]
pub(super) struct Utf8Census {
    census: Census,
    /// Bytes judged so far (the carried ones are not).
    judged: u64,
    carried: [u8; 4],
    carried_len: usize,
}

impl Utf8Census {
    pub(super) fn feed(&mut self, mut bytes: &[u8]) {
        // First finish the sequence carried from the previous buffer, a byte at a time.
        while self.carried_len > 0 {
            let Some((&byte, rest)) = bytes.split_first() else {
                return;
            };
            self.carried[self.carried_len] = byte;
            let sequence = &self.carried[..=self.carried_len];
            match std::str::from_utf8(sequence) {
                Ok(_) => {
                    self.census.valid += 1;
                    self.judged += sequence.len() as u64;
                    self.carried_len = 0;
                    bytes = rest;
                }
                Err(e) => match e.error_len() {
                    None => {
                        self.carried_len += 1;
                        bytes = rest;
                    }
                    Some(bad_len) => {
                        // The carried bytes were a valid start, so the invalid sequence is
                        // exactly them; the new byte is judged afresh below.
                        debug_assert_eq!(bad_len, self.carried_len);
                        self.invalid(bad_len);
                        self.carried_len = 0;
                    }
                },
            }
        }
        loop {
            let error = match std::str::from_utf8(bytes) {
                Ok(_) => {
                    self.census.valid += non_ascii_chars(bytes);
                    self.judged += bytes.len() as u64;
                    return;
                }
                Err(e) => e,
            };
            let good_len = error.valid_up_to();
            self.census.valid += non_ascii_chars(&bytes[..good_len]);
            self.judged += good_len as u64;
            match error.error_len() {
                Some(bad_len) => {
                    self.invalid(bad_len);
                    bytes = &bytes[good_len + bad_len..];
                }
                None => {
                    // A sequence cut by the end of the buffer (at most 3 bytes).
                    let cut = &bytes[good_len..];
                    self.carried[..cut.len()].copy_from_slice(cut);
                    self.carried_len = cut.len();
                    return;
                }
            }
        }
    }

    /// The census once every byte was fed.
    pub(super) fn finish(mut self) -> Census {
        if self.carried_len > 0 {
            self.invalid(self.carried_len);
        }
        self.census
    }

    fn invalid(&mut self, len: usize) {
        self.census.first_bad.get_or_insert(self.judged);
        self.census.invalid += 1;
        self.judged += len as u64;
    }
}

/// The non-ASCII characters of valid UTF-8: their lead bytes, the only bytes from `C0` up.
fn non_ascii_chars(valid: &[u8]) -> u64 {
    valid.iter().filter(|&&b| b >= 0xC0).count() as u64
}

/// The text of a file's body as a stream of UTF-8: passed through when the body is UTF-8
/// (already checked by [`Utf8Census`]), decoded a buffer at a time when it is GB18030. A
/// malformed GB18030 sequence ends the stream with an `InvalidData` error and leaves its
/// offset in [`Decoded::malformed`].
pub(super) struct Decoded<R> {
    inner: R,
    /// `None`: the body is UTF-8, read as it is.
    decoder: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    out: Vec<u8>,
    out_start: usize,
    out_end: usize,
    /// Raw bytes the decoder took.
    consumed: u64,
    eof: bool,
    finished: bool,
    malformed: Option<u64>,
}

impl<R: Read> Decoded<R> {
    /// `buffer_bytes`: the size of the raw buffer; the decoded one is four times as large,
    /// and both are at least a few characters.
    pub(super) fn new(inner: R, gb18030: bool, buffer_bytes: usize) -> Decoded<R> {
        let (raw, out) = if gb18030 {
            let raw_bytes = buffer_bytes.max(4);
            (vec![0; raw_bytes], vec![0; raw_bytes * 4])
        } else {
            (Vec::new(), Vec::new())
        };
        Decoded {
            inner,
            decoder: gb18030.then(|| encoding_rs::GB18030.new_decoder_without_bom_handling()),
            raw,
            raw_start: 0,
            raw_end: 0,
            out,
            out_start: 0,
            out_end: 0,
            consumed: 0,
            eof: false,
            finished: false,
            malformed: None,
        }
    }

    /// The body's offset of the malformed sequence that ended the stream, if one did.
    pub(super) fn malformed(&self) -> Option<u64> {
        self.malformed
    }

    /// Decodes the rest of the body without keeping it, to learn whether it decodes: the
    /// offset of a malformed sequence, or `None`. UTF-8 was checked whole before.
    pub(super) fn check_rest(&mut self) -> io::Result<Option<u64>> {
        if self.decoder.is_none() {
            return Ok(None);
        }
        let mut scratch = [0u8; 4096];
        loop {
            match self.read(&mut scratch) {
                Ok(0) => return Ok(None),
                Ok(_) => {}
                Err(_) if self.malformed.is_some() => return Ok(self.malformed),
                Err(e) => return Err(e),
            }
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(decoder) = &mut self.decoder else {
            return self.inner.read(buf);
        };
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.out[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.malformed.is_some() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    gb18030_refused(),
                ));
            }
            if self.finished {
                return Ok(0);
            }
            if self.raw_start == self.raw_end && !self.eof {
                let n = read_some(&mut self.inner, &mut self.raw)?;
                self.eof = n == 0;
                (self.raw_start, self.raw_end) = (0, n);
            }
            let (result, read, written) = decoder.decode_to_utf8_without_replacement(
                &self.raw[self.raw_start..self.raw_end],
                &mut self.out,
                self.eof,
            );
            self.raw_start += read;
            self.consumed += read as u64;
            (self.out_start, self.out_end) = (0, written);
            match result {
                encoding_rs::DecoderResult::InputEmpty => self.finished = self.eof,
                encoding_rs::DecoderResult::OutputFull => {}
                encoding_rs::DecoderResult::Malformed(bad, _) => {
                    // As a whole-file decode reports it: the bytes taken, less the bad ones
                    // (which may have come in an earlier buffer).
                    self.malformed = Some(self.consumed - u64::from(bad));
                    self.out_end = 0;
                }
            }
        }
    }
}

/// Decodes a UTF-16 file after its byte-order mark. An unpaired surrogate (or an odd last
/// byte) is refused at its line, counted in the text decoded before it.
pub(super) fn decode_utf16(
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
            Some(super::lines::line_at_end(out.as_bytes())),
            "-",
            crate::say!(
                "the file starts with a {} byte-order mark but holds a unit that is not UTF-16 (an unpaired surrogate or an odd last byte); save it again as \"Unicode text\" or \"CSV UTF-8\"",
                "文件以 {} 字节顺序标记开头，却含有不是 UTF-16 的单元（未配对的代理项，或末尾多出一个字节）；请重新另存为“Unicode 文本”或“CSV UTF-8（逗号分隔）”",
                encoding.name()
            ),
        )),
        encoding_rs::DecoderResult::OutputFull => unreachable!("the output was reserved"),
    }
}

/// Decodes a file held in memory: UTF-8 (with or without BOM) when valid, else GB18030 when
/// the bytes say so; UTF-16 by its BOM (the rules are `decide`'s, in this module). An
/// undecodable byte is refused with its line and column. `csvio::parse_file_in_chunks`
/// decides the same way without holding the file.
pub fn decode_text<'b>(name: &str, bytes: &'b [u8]) -> Result<Cow<'b, str>, ImportError> {
    let bom = Bom::sniff(bytes);
    let body = &bytes[bom.len()..];
    let mut census = Utf8Census::default();
    if !matches!(bom, Bom::Utf16(_)) {
        census.feed(body);
    }
    let located = |offset: u64, what: &str| {
        locate(name, body, offset, what, super::READ_BUFFER_BYTES)
            .expect("reading memory cannot fail")
    };
    match decide(bom, &census.finish()) {
        Err(refusal) => Err(located(refusal.offset, &refusal.what)),
        Ok(Encoding::Utf16(encoding)) => decode_utf16(name, body, encoding).map(Cow::Owned),
        Ok(Encoding::Utf8) => Ok(Cow::Borrowed(
            std::str::from_utf8(body).expect("the census found it valid"),
        )),
        Ok(Encoding::Gb18030) => {
            let mut text = String::new();
            let mut decoded = Decoded::new(body, true, super::READ_BUFFER_BYTES);
            match decoded.read_to_string(&mut text) {
                Ok(_) => Ok(Cow::Owned(text)),
                Err(e) => match decoded.malformed() {
                    Some(offset) => Err(located(offset, gb18030_refused())),
                    None => unreachable!("reading memory cannot fail: {e}"),
                },
            }
        }
    }
}

/// What a body that is not GB18030 either was taken for (see [`decide`]).
pub(super) fn gb18030_refused() -> &'static str {
    crate::voice::pick(
        "the file is neither UTF-8 nor GB18030",
        "文件既不是 UTF-8，也不是 GB18030",
    )
}

/// Locates an undecodable byte of a body by line and column, reading the body from its
/// start up to the byte (and on to the end of the first line, for the header's column names,
/// read as far as they decode). It holds the first line and the byte's line, no more.
pub(super) fn locate(
    name: &str,
    mut body: impl Read,
    offset: u64,
    what: &str,
    buffer_bytes: usize,
) -> io::Result<ImportError> {
    let mut buf = vec![0u8; buffer_bytes.max(1)];
    let (mut at, mut line) = (0u64, 1u64);
    let mut header = Vec::new();
    let mut header_done = false;
    let mut current = Vec::new();
    let mut bad = None;
    let mut breaks = Breaks::default();
    while bad.is_none() || !header_done {
        let n = read_some(&mut body, &mut buf)?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            let brk = breaks.step(b);
            if !header_done {
                header_done = brk != Break::None;
                if !header_done {
                    header.push(b);
                }
            }
            if at == offset {
                bad = Some(b);
            } else if at < offset {
                match brk {
                    Break::Ends => {
                        line += 1;
                        current.clear();
                    }
                    Break::Continues => {}
                    Break::None => current.push(b),
                }
            }
            at += 1;
        }
    }
    let bad = bad.ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::UnexpectedEof,
            crate::voice::pick(
                "the file ended before the byte found undecodable; was it changed while read?",
                "文件在找到的无法解码的字节之前就结束了；读取期间文件是否被改动过？",
            ),
        )
    })?;
    let header = String::from_utf8_lossy(&header);
    let cell_index = count_unquoted_commas(&current);
    let column = header.split(',').nth(cell_index).map_or_else(
        || crate::say!("cell {}", "第 {} 个单元格", cell_index + 1),
        |c| c.trim().to_owned(),
    );
    Ok(ImportError::new(
        name,
        Some(line),
        &column,
        crate::say!(
            "{what}: byte 0x{bad:02X} at offset {offset} cannot be decoded; save the file as \"CSV UTF-8\" (or fix this cell) and import again",
            "{what}：偏移 {offset} 处的字节 0x{bad:02X} 无法解码；请把文件另存为“CSV UTF-8（逗号分隔）”（或改正这个单元格），再重新导入"
        ),
    ))
}

/// `Read::read`, again when interrupted by a signal.
pub(super) fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            result => return result,
        }
    }
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

    /// The census of a file fed in buffers of any size is the census of the file at once,
    /// which is counted here naively, a `str::from_utf8` at a time.
    #[test]
    fn the_census_does_not_depend_on_the_buffers() {
        fn naive(mut bytes: &[u8]) -> Census {
            let mut census = Census::default();
            let mut at = 0u64;
            loop {
                let (good, rest) = match std::str::from_utf8(bytes) {
                    Ok(text) => (text, None),
                    Err(e) => {
                        let (good, rest) = bytes.split_at(e.valid_up_to());
                        let bad_len = e.error_len().unwrap_or(rest.len());
                        census.first_bad.get_or_insert(at + good.len() as u64);
                        at += (good.len() + bad_len) as u64;
                        (std::str::from_utf8(good).unwrap(), Some(&rest[bad_len..]))
                    }
                };
                census.valid += good.chars().filter(|c| !c.is_ascii()).count() as u64;
                match rest {
                    Some(rest) => {
                        census.invalid += 1;
                        bytes = rest;
                    }
                    None => return census,
                }
            }
        }
        let (gb, _, _) = encoding_rs::GB18030.encode("李静,王芳\n");
        let samples: Vec<Vec<u8>> = vec![
            "李静, 主管 😀 é".as_bytes().to_vec(),
            gb.into_owned(),
            b"ab\xE4\xB8".to_vec(),
            b"\xE0\x80\x80\xF0\x9F\x41\xFF\xC3".to_vec(),
            b"\xF0\x9F\x98".to_vec(),
            Vec::new(),
        ];
        for bytes in samples {
            for size in 1..=bytes.len().max(1) {
                let mut census = Utf8Census::default();
                for chunk in bytes.chunks(size) {
                    census.feed(chunk);
                }
                assert_eq!(census.finish(), naive(&bytes), "{bytes:?} in {size}s");
            }
        }
    }
}
