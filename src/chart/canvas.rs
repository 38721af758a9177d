//! Drawing shared by every chart: rendering one drawing to both PNG and SVG, the header and
//! legend, axes, bars with fill patterns, lines with dash patterns and markers, and number
//! formatting.
//!
//! Everything is drawn on the root area in pixels. A chart computes its own frame (the plot
//! rectangle and its scales) instead of using plotters' `ChartBuilder`, so that category
//! labels can wrap, value labels can avoid each other, and the layout is the same in both
//! formats.
//!
//! Printing in black and white: every series differs by more than colour — lines by dash
//! pattern and marker shape, filled areas by a hatching or dot pattern and a grey level.

use std::fmt::Display;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, FontTransform};

use super::font::{self, FAMILY};
use super::i18n::Ui;
use super::{Chart, ChartError, Lang};

/// Every chart is this size, in pixels; the SVG has the same width and height.
pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 600;

pub(crate) type Area<DB> = DrawingArea<DB, Shift>;

// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies, plus greys.
pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(crate) const SKY: RGBColor = RGBColor(86, 180, 233);
pub(crate) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub(crate) const GREEN: RGBColor = RGBColor(0, 158, 115);
pub(crate) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(crate) const PURPLE: RGBColor = RGBColor(94, 60, 153);
pub(crate) const INK: RGBColor = RGBColor(33, 33, 33);
pub(crate) const DARK_GREY: RGBColor = RGBColor(80, 80, 80);
pub(crate) const MID_GREY: RGBColor = RGBColor(140, 140, 140);
pub(crate) const GRID: RGBColor = RGBColor(222, 222, 222);
pub(crate) const PAPER: RGBColor = RGBColor(255, 255, 255);

/// Text sizes: pixels per em, in the PNG and as the SVG's `font-size`.
/// Each survives plotters' `× 1.24 / 1.24` exactly, so the SVG says `font-size="14"`, not
/// `14.000000000000002` (a test checks).
pub(crate) const TITLE_SIZE: f64 = 22.0;
pub(crate) const SUBTITLE_SIZE: f64 = 15.5;
pub(crate) const PANEL_TITLE_SIZE: f64 = 16.0;
pub(crate) const AXIS_SIZE: f64 = 14.0;
pub(crate) const TICK_SIZE: f64 = 12.5;
pub(crate) const VALUE_SIZE: f64 = 12.0;

/// Which backend a drawing is going to: the PNG needs the font fallback, the SVG does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Png,
    Svg,
}

/// What a drawing needs to know besides its data.
pub(crate) struct Cx {
    pub lang: Lang,
    pub target: Target,
    /// The public function drawing, for error messages.
    pub chart: &'static str,
}

impl Cx {
    /// A UI text in the chart's language.
    pub fn ui(&self, ui: Ui) -> &'static str {
        ui.text(self.lang)
    }

    /// The display name of a category token: translated when known, shortened when long.
    pub fn category(&self, token: &str) -> String {
        shorten(super::i18n::token(token, self.lang), CATEGORY_CHARS_MAX)
    }

    /// The display name of a complaint category, as the seed names it; shortened when long.
    pub fn complaint_category(&self, category: &str) -> String {
        shorten(
            super::i18n::complaint_category(category, self.lang),
            CATEGORY_CHARS_MAX,
        )
    }

    /// The plotters style of SVG text. plotters writes `font-size` as its size / 1.24.
    fn svg_style(&self, em: f64, color: RGBColor, pos: Pos, rotate: bool) -> TextStyle<'static> {
        let font = FontDesc::new(FontFamily::Name(FAMILY), em * 1.24, FontStyle::Normal);
        let font = if rotate {
            font.transform(FontTransform::Rotate270)
        } else {
            font
        };
        TextStyle {
            font,
            color: color.to_backend_color(),
            pos,
        }
    }

    /// The text as the target draws it (see [`font::png_text`]).
    fn prepare<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        match self.target {
            Target::Png => font::png_text(text),
            Target::Svg => font::svg_text(text),
        }
    }
}

/// Category names longer than this are cut with an ellipsis.
const CATEGORY_CHARS_MAX: usize = 28;

/// `text` cut to at most `max` characters, the last one an ellipsis when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Maps a plotters drawing error into [`ChartError::Draw`].
pub(crate) trait Drawn<T> {
    fn drawn(self, cx: &Cx) -> Result<T, ChartError>;
}

impl<T, E: Display> Drawn<T> for Result<T, E> {
    fn drawn(self, cx: &Cx) -> Result<T, ChartError> {
        self.map_err(|e| ChartError::Draw {
            chart: cx.chart,
            format: match cx.target {
                Target::Png => "PNG",
                Target::Svg => "SVG",
            },
            message: e.to_string(),
        })
    }
}

/// A chart's drawing, run once per backend.
pub(crate) trait Draw {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>, cx: &Cx) -> Result<(), ChartError>;
}

/// Draws `drawing` into an SVG document and into an RGB buffer encoded as PNG.
pub(crate) fn render(
    chart: &'static str,
    lang: Lang,
    drawing: &impl Draw,
) -> Result<Chart, ChartError> {
    if font::face().is_none() {
        return Err(ChartError::Font);
    }
    let mut svg = String::new();
    {
        let cx = Cx {
            lang,
            target: Target::Svg,
            chart,
        };
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&PAPER).drawn(&cx)?;
        drawing.draw(&root, &cx)?;
        root.present().drawn(&cx)?;
    }
    let mut rgb = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let cx = Cx {
            lang,
            target: Target::Png,
            chart,
        };
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&PAPER).drawn(&cx)?;
        drawing.draw(&root, &cx)?;
        root.present().drawn(&cx)?;
    }
    let png = encode_png(&rgb).map_err(|e| ChartError::Encode {
        chart,
        message: e.to_string(),
    })?;
    Ok(Chart { png, svg })
}

fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Measured on these charts: the Sub filter with default compression gives the smallest
    // files of the fixed filters, and adaptive filtering gives larger ones at several times
    // the cost (it dominated the test suite's run time in debug builds).
    encoder.set_compression(png::Compression::Default);
    encoder.set_filter(png::FilterType::Sub);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

/// One line of text where a chart's title goes (see [`super::text_strip`]).
pub(crate) struct Strip<'a> {
    pub text: &'a str,
    pub fallback: bool,
}

impl Draw for Strip<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>, cx: &Cx) -> Result<(), ChartError> {
        let at = (WIDTH as i32 / 2, 14);
        let anchor = (HPos::Center, VPos::Top);
        if self.fallback {
            text(root, cx, self.text, at, TITLE_SIZE, INK, anchor)
        } else {
            draw_line(root, cx, self.text, at, TITLE_SIZE, INK, anchor, false)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Text

/// Draws one line of text with its anchor at `at`.
pub(crate) fn text<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    s: &str,
    at: (i32, i32),
    size: f64,
    color: RGBColor,
    anchor: (HPos, VPos),
) -> Result<(), ChartError> {
    draw_line(root, cx, &cx.prepare(s), at, size, color, anchor, false)
}

/// Draws text rotated a quarter turn anticlockwise (a y axis description), centred on `at`.
pub(crate) fn text_vertical<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    s: &str,
    at: (i32, i32),
    size: f64,
) -> Result<(), ChartError> {
    let anchor = (HPos::Center, VPos::Center);
    draw_line(root, cx, &cx.prepare(s), at, size, INK, anchor, true)
}

/// Where the baseline lies below the anchor point, in ems: what the SVG backend writes as
/// `dy` (0.76em, 0.5ex, −0.5ex, taking an ex as half an em), so both formats agree.
fn baseline_below_anchor(v: VPos) -> f64 {
    match v {
        VPos::Top => 0.76,
        VPos::Center => 0.25,
        VPos::Bottom => -0.25,
    }
}

/// Draws a prepared line of text: as SVG `<text>`, or rasterised with the embedded font.
#[allow(clippy::too_many_arguments)]
fn draw_line<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    s: &str,
    at: (i32, i32),
    size: f64,
    color: RGBColor,
    anchor: (HPos, VPos),
    rotate: bool,
) -> Result<(), ChartError> {
    if s.trim().is_empty() {
        return Ok(());
    }
    if cx.target == Target::Svg {
        let style = cx.svg_style(size, color, Pos::new(anchor.0, anchor.1), rotate);
        return root.draw_text(s, &style, at).drawn(cx);
    }
    let Some(line) = font::layout(s, size) else {
        return Err(ChartError::Font);
    };
    // Text-local coordinates: u along the line, v down, from the anchor.
    let u0 = match anchor.0 {
        HPos::Left => 0.0,
        HPos::Center => -f64::from(line.width) / 2.0,
        HPos::Right => -f64::from(line.width),
    };
    let u0 = u0.round() as i32;
    let v0 = (baseline_below_anchor(anchor.1) * size).round() as i32;
    let mut result = Ok(());
    font::rasterize(&line, |du, dv, coverage| {
        if result.is_err() || coverage <= 0.0 {
            return;
        }
        let (u, v) = (u0 + du, v0 + dv);
        let xy = if rotate {
            (at.0 + v, at.1 - u)
        } else {
            (at.0 + u, at.1 + v)
        };
        let ink = RGBAColor(color.0, color.1, color.2, f64::from(coverage));
        result = root.draw_pixel(xy, &ink).drawn(cx);
    });
    result
}

/// Draws one line of text on a white box, so that it stays legible over lines and grid.
pub(crate) fn text_boxed<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    s: &str,
    at: (i32, i32),
    size: f64,
    color: RGBColor,
    anchor: (HPos, VPos),
) -> Result<(), ChartError> {
    let w = text_width(cx, s, size);
    let l = match anchor.0 {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    // The box spans the line from 0.8 em above the baseline to 0.2 em below it.
    let baseline = at.1 + (baseline_below_anchor(anchor.1) * size).round() as i32;
    let t = baseline - (0.8 * size).round() as i32;
    let b = baseline + (0.2 * size).round() as i32;
    root.draw(&Rectangle::new(
        [(l - 2, t - 1), (l + w + 2, b + 1)],
        PAPER.filled(),
    ))
    .drawn(cx)?;
    text(root, cx, s, at, size, color, anchor)
}

/// The width of a line of text in pixels, the same for both targets' layout.
pub(crate) fn text_width(cx: &Cx, s: &str, size: f64) -> i32 {
    let s = cx.prepare(s);
    font::layout(&s, size).map_or(0, |line| line.width.ceil() as i32)
}

/// Breaks `s` into at most two lines no wider than `max_px`: at the space (or `_`, `-`)
/// nearest the middle, which is dropped, else in the middle; a line still too wide is shortened with an ellipsis.
pub(crate) fn fit_lines(cx: &Cx, s: &str, size: f64, max_px: i32) -> Vec<String> {
    if text_width(cx, s, size) <= max_px {
        return vec![s.to_string()];
    }
    let chars: Vec<char> = s.chars().collect();
    let middle = chars.len() / 2;
    let split = (0..chars.len())
        .filter(|&i| matches!(chars[i], ' ' | '_' | '-'))
        .min_by_key(|&i| i.abs_diff(middle));
    let (first, second): (String, String) = match split {
        Some(i) => (chars[..i].iter().collect(), chars[i + 1..].iter().collect()),
        None => (
            chars[..middle].iter().collect(),
            chars[middle..].iter().collect(),
        ),
    };
    vec![
        fit_line(cx, &first, size, max_px),
        fit_line(cx, &second, size, max_px),
    ]
}

/// `s` shortened with an ellipsis until it is no wider than `max_px`.
pub(crate) fn fit_line(cx: &Cx, s: &str, size: f64, max_px: i32) -> String {
    let mut line = s.to_string();
    // At most one pass per character: the loop is bounded by the label's length.
    let mut n = line.chars().count();
    while n > 1 && text_width(cx, &line, size) > max_px {
        n -= 1;
        line = shorten(s, n);
    }
    line
}

// ---------------------------------------------------------------------------------------
// Header, legend, notes

/// The height the header takes: the title, the optional subtitle.
pub(crate) fn header<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    title: &str,
    subtitle: Option<&str>,
) -> Result<i32, ChartError> {
    let centre = WIDTH as i32 / 2;
    text(
        root,
        cx,
        title,
        (centre, 14),
        TITLE_SIZE,
        INK,
        (HPos::Center, VPos::Top),
    )?;
    match subtitle {
        Some(sub) => {
            text(
                root,
                cx,
                sub,
                (centre, 46),
                SUBTITLE_SIZE,
                DARK_GREY,
                (HPos::Center, VPos::Top),
            )?;
            Ok(72)
        }
        None => Ok(50),
    }
}

/// How a line series looks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LineLook {
    pub color: RGBColor,
    pub dash: Dash,
    pub marker: Marker,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dash {
    Solid,
    Dashed,
    Dotted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Triangle,
    Square,
}

/// How a filled area looks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FillLook {
    pub fill: RGBColor,
    pub pattern: Pattern,
    /// The colour of the pattern and the outline.
    pub ink: RGBColor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pattern {
    Solid,
    /// Lines rising to the right, `/`.
    Diagonal,
    /// Lines falling to the right, `\`.
    BackDiagonal,
    Dots,
}

/// A legend entry's sample.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Swatch {
    Line(LineLook),
    Fill(FillLook),
    /// A reference line: a dashed rule without markers.
    Rule(RGBColor),
}

const SWATCH_W: i32 = 34;

/// Draws the legend in one row centred on the chart, its middle at `y`.
pub(crate) fn legend<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    y: i32,
    items: &[(&str, Swatch)],
) -> Result<(), ChartError> {
    legend_at(root, cx, (WIDTH as i32 / 2, y), items)
}

/// Draws the legend in one row centred on `centre`.
pub(crate) fn legend_at<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    centre: (i32, i32),
    items: &[(&str, Swatch)],
) -> Result<(), ChartError> {
    let (centre_x, y) = centre;
    const GAP: i32 = 8;
    const SPACING: i32 = 30;
    let mut widths = Vec::with_capacity(items.len());
    for (label, _) in items {
        widths.push(text_width(cx, label, AXIS_SIZE));
    }
    let total: i32 = widths.iter().map(|w| SWATCH_W + GAP + w).sum::<i32>()
        + SPACING * (items.len() as i32 - 1).max(0);
    let mut x = centre_x - total / 2;
    for ((label, swatch), w) in items.iter().zip(widths) {
        match swatch {
            Swatch::Line(look) => {
                polyline(
                    root,
                    cx,
                    &[(x, y), (x + SWATCH_W, y)],
                    look.color,
                    look.dash,
                )?;
                marker(root, cx, (x + SWATCH_W / 2, y), look)?;
            }
            Swatch::Rule(color) => {
                polyline(root, cx, &[(x, y), (x + SWATCH_W, y)], *color, Dash::Dashed)?;
            }
            Swatch::Fill(look) => {
                bar(root, cx, (x + 4, y - 8, x + SWATCH_W - 4, y + 8), look)?;
            }
        }
        text(
            root,
            cx,
            label,
            (x + SWATCH_W + GAP, y),
            AXIS_SIZE,
            INK,
            (HPos::Left, VPos::Center),
        )?;
        x += SWATCH_W + GAP + w + SPACING;
    }
    Ok(())
}

/// A small note at the bottom left of the chart.
pub(crate) fn footnote<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    note: &str,
) -> Result<(), ChartError> {
    text(
        root,
        cx,
        note,
        (12, HEIGHT as i32 - 8),
        VALUE_SIZE,
        DARK_GREY,
        (HPos::Left, VPos::Bottom),
    )
}

/// "No data" in the middle of a light box filling `rect`.
/// The chart area under a header, for "no data".
pub(crate) fn body_rect(top: i32) -> Rect {
    Rect {
        l: 60,
        t: top + 20,
        r: WIDTH as i32 - 60,
        b: HEIGHT as i32 - 40,
    }
}

/// The fill of a bar drawn for comparison (a published figure beside the data's).
pub(crate) const PALE_GREY: RGBColor = RGBColor(215, 215, 215);

pub(crate) fn no_data<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    rect: Rect,
) -> Result<(), ChartError> {
    root.draw(&Rectangle::new(
        [(rect.l, rect.t), (rect.r, rect.b)],
        RGBColor(246, 246, 246).filled(),
    ))
    .drawn(cx)?;
    root.draw(&Rectangle::new([(rect.l, rect.t), (rect.r, rect.b)], GRID))
        .drawn(cx)?;
    text(
        root,
        cx,
        cx.ui(Ui::NoData),
        ((rect.l + rect.r) / 2, (rect.t + rect.b) / 2),
        TITLE_SIZE,
        MID_GREY,
        (HPos::Center, VPos::Center),
    )
}

// ---------------------------------------------------------------------------------------
// Shapes

/// A rectangle in pixels: left, top, right, bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rect {
    pub l: i32,
    pub t: i32,
    pub r: i32,
    pub b: i32,
}

impl Rect {
    pub fn width(&self) -> i32 {
        self.r - self.l
    }
    pub fn height(&self) -> i32 {
        self.b - self.t
    }
}

/// A polyline in pixels with a dash pattern.
pub(crate) fn polyline<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    points: &[(i32, i32)],
    color: RGBColor,
    dash: Dash,
) -> Result<(), ChartError> {
    if points.len() < 2 {
        return Ok(());
    }
    let style = color.stroke_width(2);
    match dash {
        Dash::Solid => root.draw(&PathElement::new(points.to_vec(), style)),
        Dash::Dashed => root.draw(&DashedPathElement::new(
            points.iter().copied(),
            10,
            6,
            style,
        )),
        Dash::Dotted => root.draw(&DashedPathElement::new(points.iter().copied(), 3, 4, style)),
    }
    .drawn(cx)
}

/// A series marker centred on `at`.
pub(crate) fn marker<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    at: (i32, i32),
    look: &LineLook,
) -> Result<(), ChartError> {
    let (x, y) = at;
    match look.marker {
        Marker::Circle => root.draw(&Circle::new(at, 5, look.color.filled())),
        Marker::Triangle => root.draw(&TriangleMarker::new(at, 7, look.color.filled())),
        Marker::Square => {
            root.draw(&Rectangle::new(
                [(x - 5, y - 5), (x + 5, y + 5)],
                PAPER.filled(),
            ))
            .drawn(cx)?;
            root.draw(&Rectangle::new(
                [(x - 5, y - 5), (x + 5, y + 5)],
                look.color.stroke_width(2),
            ))
        }
    }
    .drawn(cx)
}

/// A filled bar between two corners in pixels (in any order), with its pattern and outline.
pub(crate) fn bar<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    corners: (i32, i32, i32, i32),
    look: &FillLook,
) -> Result<(), ChartError> {
    let (x0, y0, x1, y1) = corners;
    let r = Rect {
        l: x0.min(x1),
        t: y0.min(y1),
        r: x0.max(x1),
        b: y0.max(y1),
    };
    root.draw(&Rectangle::new(
        [(r.l, r.t), (r.r, r.b)],
        look.fill.filled(),
    ))
    .drawn(cx)?;
    for (a, b) in pattern_segments(r, look.pattern) {
        root.draw(&PathElement::new(vec![a, b], look.ink.stroke_width(1)))
            .drawn(cx)?;
    }
    root.draw(&Rectangle::new(
        [(r.l, r.t), (r.r, r.b)],
        look.ink.stroke_width(1),
    ))
    .drawn(cx)
}

/// Pattern spacing in pixels.
const PATTERN_STEP: i32 = 7;

/// The line segments (a dot is a one-pixel segment) of `pattern` clipped to `r`.
fn pattern_segments(r: Rect, pattern: Pattern) -> Vec<((i32, i32), (i32, i32))> {
    let mut out = Vec::new();
    if r.width() < 3 || r.height() < 3 {
        return out;
    }
    // Inside the outline.
    let (l, t, rr, b) = (r.l + 1, r.t + 1, r.r - 1, r.b - 1);
    match pattern {
        Pattern::Solid => {}
        Pattern::Diagonal => {
            // x + y = c, from the top-left corner to the bottom-right one.
            let mut c = l + t + PATTERN_STEP;
            while c < rr + b {
                let xa = l.max(c - b);
                let xb = rr.min(c - t);
                if xa <= xb {
                    out.push(((xa, c - xa), (xb, c - xb)));
                }
                c += PATTERN_STEP;
            }
        }
        Pattern::BackDiagonal => {
            // x - y = c.
            let mut c = l - b + PATTERN_STEP;
            while c < rr - t {
                let xa = l.max(c + t);
                let xb = rr.min(c + b);
                if xa <= xb {
                    out.push(((xa, xa - c), (xb, xb - c)));
                }
                c += PATTERN_STEP;
            }
        }
        Pattern::Dots => {
            let mut y = t + PATTERN_STEP / 2;
            let mut row = 0;
            while y < b {
                let mut x = l + PATTERN_STEP / 2 + if row % 2 == 0 { 0 } else { PATTERN_STEP / 2 };
                while x < rr {
                    out.push(((x, y), (x + 1, y)));
                    x += PATTERN_STEP;
                }
                y += PATTERN_STEP;
                row += 1;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Axes

/// A linear map from values to pixels.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub px_lo: i32,
    pub px_hi: i32,
}

impl Scale {
    pub fn px(&self, v: f64) -> i32 {
        let span = self.hi - self.lo;
        let t = if span == 0.0 {
            0.0
        } else {
            (v - self.lo) / span
        };
        let px = f64::from(self.px_lo) + t * f64::from(self.px_hi - self.px_lo);
        px.round() as i32
    }
}

/// Tick values on an axis and their labels.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ticks {
    pub values: Vec<f64>,
    pub labels: Vec<String>,
}

impl Ticks {
    /// 0, 20, …, 100 labelled as percentages.
    pub fn percent() -> Ticks {
        let values: Vec<f64> = (0..=5).map(|i| f64::from(i * 20)).collect();
        let labels = values.iter().map(|v| format!("{v}%")).collect();
        Ticks { values, labels }
    }

    /// `lo`, `lo + step`, …, `hi` percent (whole points), labelled as percentages.
    pub fn percent_range(lo: u32, hi: u32, step: u32) -> Ticks {
        let values: Vec<f64> = (lo..=hi)
            .step_by(step.max(1) as usize)
            .map(f64::from)
            .collect();
        let labels = values.iter().map(|v| format!("{v}%")).collect();
        Ticks { values, labels }
    }

    /// Multiples of a "nice" step (1, 2 or 5 × 10^k) covering 0..=`max`, at most about six.
    pub fn counts(max: u128) -> Ticks {
        let step = nice_step(max.max(1), 5, 1);
        let mut values = Vec::new();
        let mut labels = Vec::new();
        let mut v: u128 = 0;
        // The step makes at most six ticks below max; one more tops the axis.
        while values.len() < 12 {
            values.push(v as f64);
            labels.push(group_thousands(&v.to_string()));
            // At least two ticks, so that the axis has a height even when max is 0.
            if v >= max && values.len() >= 2 {
                break;
            }
            v += step;
        }
        Ticks { values, labels }
    }

    pub fn max(&self) -> f64 {
        self.values.last().copied().unwrap_or(1.0)
    }

    pub fn min(&self) -> f64 {
        self.values.first().copied().unwrap_or(0.0)
    }
}

/// The smallest of 1, 2, 5 × 10^k (and at least `min_step`) that covers `span` in at most
/// `count` steps.
pub(crate) fn nice_step(span: u128, count: u128, min_step: u128) -> u128 {
    let mut magnitude: u128 = 1;
    // 10^38 is the largest power of ten in a u128; spans are far below it.
    for _ in 0..38 {
        for m in [1, 2, 5] {
            let step = m * magnitude;
            if step >= min_step && step * count >= span {
                return step;
            }
        }
        magnitude *= 10;
    }
    magnitude
}

/// Digits with a comma every three from the right: `1234567` → `1,234,567`. A leading `-`
/// is kept.
pub(crate) fn group_thousands(digits: &str) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits),
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    out.push_str(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The plot rectangle of a chart with categories along x and values along y.
pub(crate) struct Frame {
    pub plot: Rect,
    pub y: Scale,
    /// The number of category slots along x.
    pub n: usize,
}

impl Frame {
    pub fn slot(&self) -> f64 {
        f64::from(self.plot.width()) / self.n.max(1) as f64
    }

    pub fn x_center(&self, i: usize) -> i32 {
        self.plot.l + ((i as f64 + 0.5) * self.slot()).round() as i32
    }

    /// The left and right pixel of a bar filling `share` of slot `i`.
    pub fn bar_span(&self, i: usize, share: f64) -> (i32, i32) {
        let half = (self.slot() * share / 2.0).max(1.0);
        let c = (self.plot.l as f64) + (i as f64 + 0.5) * self.slot();
        ((c - half).round() as i32, (c + half).round() as i32)
    }
}

/// The axes of a category chart: what to draw around the plot.
pub(crate) struct Axes<'a> {
    pub y_desc: &'a str,
    pub y: &'a Ticks,
    /// The values at the bottom and the top of the plot; wider than the ticks to leave
    /// room for value labels.
    pub y_range: (f64, f64),
    pub x_desc: &'a str,
    pub categories: &'a [String],
    /// A secondary y axis on the right: its description and ticks (values in its own
    /// range, from `right_range.0` to `right_range.1`).
    pub right: Option<(&'a str, &'a Ticks, (f64, f64))>,
}

/// Lays out and draws the axes of a category chart inside `area`; returns the frame.
pub(crate) fn category_axes<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    area: Rect,
    axes: &Axes<'_>,
) -> Result<Frame, ChartError> {
    // Left: the y description (rotated), the tick labels.
    let mut tick_w = 0;
    for label in &axes.y.labels {
        tick_w = tick_w.max(text_width(cx, label, TICK_SIZE));
    }
    let mut right_w = 0;
    if let Some((_, ticks, _)) = axes.right {
        for label in &ticks.labels {
            right_w = right_w.max(text_width(cx, label, TICK_SIZE));
        }
    }
    let left = area.l + 24 + tick_w + 10;
    let right = if axes.right.is_some() {
        area.r - 24 - right_w - 10
    } else {
        area.r - 10
    };
    // Bottom: two lines of category labels, then the x description.
    let plot = Rect {
        l: left,
        t: area.t + 8,
        r: right,
        b: area.b - 64,
    };
    let y = Scale {
        lo: axes.y_range.0,
        hi: axes.y_range.1,
        px_lo: plot.b,
        px_hi: plot.t,
    };
    let frame = Frame {
        plot,
        y,
        n: axes.categories.len(),
    };
    for (value, label) in axes.y.values.iter().zip(&axes.y.labels) {
        let py = y.px(*value);
        root.draw(&PathElement::new(vec![(plot.l, py), (plot.r, py)], GRID))
            .drawn(cx)?;
        text(
            root,
            cx,
            label,
            (plot.l - 6, py),
            TICK_SIZE,
            INK,
            (HPos::Right, VPos::Center),
        )?;
    }
    text_vertical(
        root,
        cx,
        axes.y_desc,
        (area.l + 10, (plot.t + plot.b) / 2),
        AXIS_SIZE,
    )?;
    if let Some((desc, ticks, (lo, hi))) = axes.right {
        let scale = Scale {
            lo,
            hi,
            px_lo: plot.b,
            px_hi: plot.t,
        };
        for (value, label) in ticks.values.iter().zip(&ticks.labels) {
            let py = scale.px(*value);
            root.draw(&PathElement::new(vec![(plot.r, py), (plot.r + 4, py)], INK))
                .drawn(cx)?;
            text(
                root,
                cx,
                label,
                (plot.r + 7, py),
                TICK_SIZE,
                INK,
                (HPos::Left, VPos::Center),
            )?;
        }
        text_vertical(
            root,
            cx,
            desc,
            (area.r - 10, (plot.t + plot.b) / 2),
            AXIS_SIZE,
        )?;
        root.draw(&PathElement::new(
            vec![(plot.r, plot.t), (plot.r, plot.b)],
            INK,
        ))
        .drawn(cx)?;
    }
    root.draw(&PathElement::new(
        vec![(plot.l, plot.t), (plot.l, plot.b), (plot.r, plot.b)],
        INK,
    ))
    .drawn(cx)?;
    let slot = frame.slot() as i32;
    for (i, label) in axes.categories.iter().enumerate() {
        let lines = fit_lines(cx, label, TICK_SIZE, label_room(axes.categories, i, slot));
        for (k, line) in lines.iter().enumerate() {
            text(
                root,
                cx,
                line,
                (frame.x_center(i), plot.b + 6 + 17 * k as i32),
                TICK_SIZE,
                INK,
                (HPos::Center, VPos::Top),
            )?;
        }
    }
    text(
        root,
        cx,
        axes.x_desc,
        ((plot.l + plot.r) / 2, area.b - 4),
        AXIS_SIZE,
        INK,
        (HPos::Center, VPos::Bottom),
    )?;
    Ok(frame)
}

/// The width a centred category label may take: its slot, and as many empty slots (thinned
/// labels) on both sides as the nearer neighbour leaves; the edges count as empty.
fn label_room(categories: &[String], i: usize, slot: i32) -> i32 {
    let empty_before = categories[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_empty())
        .count();
    let empty_after = categories[i + 1..]
        .iter()
        .take_while(|c| c.is_empty())
        .count();
    let spare = match (i == 0, i + 1 == categories.len()) {
        (true, true) => 0,
        (true, false) => empty_after,
        (false, true) => empty_before,
        (false, false) => empty_before.min(empty_after),
    };
    slot * (1 + 2 * i32::try_from(spare).unwrap_or(0)) - 4
}

/// Month labels: `2025-06` when there is room; otherwise the month alone (`07`), except for
/// the first and for January, which keep the year.
pub(crate) fn month_labels(months: &[&str], slot_px: f64) -> Vec<String> {
    months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let compact = slot_px < 64.0;
            match m.split_once('-') {
                Some((_, mm)) if compact && i > 0 && mm != "01" => mm.to_string(),
                _ => m.to_string(),
            }
        })
        .collect()
}

/// Every k-th label of a long run of categories (years), so that labels do not collide.
pub(crate) fn thin_labels(categories: &[String], width_px: i32) -> Vec<String> {
    const LABEL_PX: usize = 44;
    let slot = (width_px.max(1) as usize / categories.len().max(1)).max(1);
    let every = LABEL_PX.div_ceil(slot).max(1);
    categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i % every == 0 {
                c.clone()
            } else {
                String::new()
            }
        })
        .collect()
}

/// Places value labels that share a column so that they do not overlap: given each label's
/// wanted centre (pixels, any order), returns centres at least `gap` apart, each as close
/// to its wish as the order allows, kept within `top..=bottom`.
pub(crate) fn spread(wanted: &[i32], gap: i32, top: i32, bottom: i32) -> Vec<i32> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by_key(|&i| (wanted[i], i));
    let mut placed = vec![0; wanted.len()];
    let mut previous: Option<i32> = None;
    for &i in &order {
        let y = match previous {
            Some(p) => wanted[i].max(p + gap),
            None => wanted[i].max(top),
        };
        placed[i] = y;
        previous = Some(y);
    }
    // Pushed past the bottom: shift the whole column up.
    if let Some(&last) = order.last() {
        let over = placed[last] - bottom;
        if over > 0 {
            for y in &mut placed {
                *y -= over;
            }
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_font_sizes_are_written_exactly() {
        for size in [
            TITLE_SIZE,
            SUBTITLE_SIZE,
            PANEL_TITLE_SIZE,
            AXIS_SIZE,
            TICK_SIZE,
            VALUE_SIZE,
        ] {
            assert_eq!(size * 1.24 / 1.24, size);
        }
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(100, 5, 1), 20);
        assert_eq!(nice_step(7, 5, 1), 2);
        assert_eq!(nice_step(1, 5, 1), 1);
        assert_eq!(nice_step(1_234_567, 5, 100), 500_000);
        assert_eq!(nice_step(3, 5, 100), 100);
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands("0"), "0");
        assert_eq!(group_thousands("999"), "999");
        assert_eq!(group_thousands("1000"), "1,000");
        assert_eq!(group_thousands("-1234567"), "-1,234,567");
    }

    #[test]
    fn count_ticks_cover_the_maximum() {
        let t = Ticks::counts(37);
        assert_eq!(t.labels, ["0", "10", "20", "30", "40"]);
        let t = Ticks::counts(0);
        assert_eq!(t.labels, ["0", "1"]);
    }

    #[test]
    fn spread_labels_apart() {
        assert_eq!(spread(&[100, 105, 300], 14, 0, 500), [100, 114, 300]);
        assert_eq!(spread(&[495, 490], 14, 0, 500), [504 - 4, 490 - 4]);
    }

    #[test]
    fn compact_month_labels() {
        let months = ["2025-11", "2025-12", "2026-01", "2026-02"];
        assert_eq!(month_labels(&months, 80.0), months);
        assert_eq!(
            month_labels(&months, 40.0),
            ["2025-11", "12", "2026-01", "02"]
        );
    }

    #[test]
    fn patterns_stay_inside_their_rectangle() {
        let r = Rect {
            l: 10,
            t: 20,
            r: 60,
            b: 45,
        };
        for pattern in [Pattern::Diagonal, Pattern::BackDiagonal, Pattern::Dots] {
            let segments = pattern_segments(r, pattern);
            assert!(!segments.is_empty(), "{pattern:?}");
            for ((x0, y0), (x1, y1)) in segments {
                for (x, y) in [(x0, y0), (x1, y1)] {
                    assert!(
                        (r.l..=r.r).contains(&x) && (r.t..=r.b).contains(&y),
                        "{pattern:?}"
                    );
                }
            }
        }
    }
}
