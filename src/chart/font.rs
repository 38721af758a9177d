//! The embedded font and the text that may be drawn with it.
//!
//! PNG charts are rasterised here, so their glyphs come from the font embedded in the
//! binary: a subset of Noto Sans CJK SC (SIL Open Font License 1.1) holding printable ASCII
//! and the characters of the label table, nothing else (see `README.md` beside this file).
//! A machine without any CJK font still draws real Chinese glyphs.
//!
//! A character outside the subset would be drawn as the font's "missing glyph" box, which
//! looks like data but says nothing. So before text reaches the PNG rasteriser, each such
//! character is replaced by its code point in ASCII, `[U+8D22]`: visibly wrong, and still
//! telling which character it was. SVG text is left as it is (only characters XML forbids
//! are replaced): a browser draws it with its own fonts.

use std::borrow::Cow;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};

/// The font, an OpenType (CFF) subset of Noto Sans CJK SC Regular.
pub const FONT_OTF: &[u8] = include_bytes!("font/NotoSansCJKsc-Regular-subset.otf");

/// The font's licence, which must travel with it (SIL Open Font License 1.1).
pub const FONT_LICENSE: &str = include_str!("font/OFL.txt");

/// The characters the font was subset to (the input of `pyftsubset --text-file`). The tests
/// check that the font has a glyph for each of them.
pub const FONT_CHARACTERS: &str = include_str!("font/chars.txt");

/// The `font-family` written into SVG text: a CSS font list, so that a browser showing the
/// SVG picks the first of these it has.
pub(crate) const FAMILY: &str =
    "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";

/// The parsed font, once per process; `None` when the embedded bytes are not a font (a
/// damaged checkout).
pub(crate) fn face() -> Option<&'static FontRef<'static>> {
    static FACE: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FACE.get_or_init(|| FontRef::try_from_slice(FONT_OTF).ok())
        .as_ref()
}

/// A line of text laid out at an em size: each glyph and its pen position.
///
/// PNG text is laid out and rasterised here rather than by plotters, whose glyph drawing
/// drops each glyph's left side bearing (Latin text comes out unevenly spaced) and whose
/// sizes are not the SVG's. Here one em is `em_px` pixels, as is the SVG's `font-size`.
pub(crate) struct Line {
    pub width: f32,
    glyphs: Vec<(GlyphId, f32)>,
    scale: PxScale,
}

pub(crate) fn layout(text: &str, em_px: f64) -> Option<Line> {
    let font = face()?;
    let units_per_em = font.units_per_em()?;
    // ab_glyph scales by the height ascent − descent; convert from the em.
    let scale = PxScale::from(em_px as f32 * font.height_unscaled() / units_per_em);
    let scaled = font.as_scaled(scale);
    let mut x = 0.0;
    let mut previous = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            x += scaled.kern(p, id);
        }
        glyphs.push((id, x));
        x += scaled.h_advance(id);
        previous = Some(id);
    }
    Some(Line {
        width: x,
        glyphs,
        scale,
    })
}

/// Calls `pixel(dx, dy, coverage)` for every pixel a line inks, relative to the start of
/// its baseline; coverage is in 0..=1.
pub(crate) fn rasterize(line: &Line, mut pixel: impl FnMut(i32, i32, f32)) {
    let Some(font) = face() else {
        return;
    };
    for (id, x) in &line.glyphs {
        let glyph = id.with_scale_and_position(line.scale, point(*x, 0.0));
        if let Some(outlined) = font.outline_glyph(glyph) {
            let bounds = outlined.px_bounds();
            let (x0, y0) = (bounds.min.x as i32, bounds.min.y as i32);
            outlined.draw(|gx, gy, c| {
                let (gx, gy) = (i32::try_from(gx), i32::try_from(gy));
                if let (Ok(gx), Ok(gy)) = (gx, gy) {
                    pixel(x0 + gx, y0 + gy, c.clamp(0.0, 1.0));
                }
            });
        }
    }
}

/// Whether the embedded font has a glyph for `c`.
pub fn covers(c: char) -> bool {
    c == ' ' || c.is_ascii_graphic() || (!c.is_ascii() && FONT_CHARACTERS.contains(c))
}

/// `text` as it is drawn into a PNG: control characters become spaces, characters the font
/// lacks become `[U+XXXX]`.
pub fn png_text(text: &str) -> Cow<'_, str> {
    if text.chars().all(covers) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.push(' ');
        } else if covers(c) {
            out.push(c);
        } else {
            out.push_str(&format!("[U+{:04X}]", u32::from(c)));
        }
    }
    Cow::Owned(out)
}

/// `text` as it is written into an SVG: control characters become spaces and the two
/// non-characters XML 1.0 forbids become U+FFFD, so the document always parses.
pub(crate) fn svg_text(text: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}';
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_outside_the_font_are_spelled_out_for_png() {
        assert_eq!(png_text("回访 ok"), "回访 ok");
        // 务 is in the subset (服务), 财 is not.
        assert_eq!(png_text("财务X"), "[U+8D22]务X");
        assert_eq!(png_text("a\tb"), "a b");
    }

    #[test]
    fn svg_text_is_always_valid_xml_text() {
        assert_eq!(svg_text("财务"), "财务");
        assert_eq!(svg_text("a\u{1}b\u{FFFF}"), "a b\u{FFFD}");
    }
}
