//! Charts of the KPIs as PNG and SVG, in Chinese or English, for the HTML pack and for
//! printing.
//!
//! Each function takes plain data and a [`Lang`] and returns a [`Chart`]: the same drawing
//! as PNG bytes and as SVG text, [`WIDTH`] × [`HEIGHT`] pixels.
//!
//! | function | shows |
//! |---|---|
//! | [`rates_trend`] | completion, success and on-time rate of return visits, last 12 months, with target rules, the axis zoomed to the data |
//! | [`satisfaction`] | satisfaction rate by month, and mean score per survey question |
//! | [`issues_pareto`] | issues named in surveys, most named first, with the cumulative share |
//! | [`complaint_rates_trend`] | complaints handled in time and escalated on time, last 12 months, drawn as the rates trend |
//! | [`complaints_pareto`] | complaints by category, most first, with the cumulative share; categories named as seed `001_*` names them |
//! | [`recovery_revenue`] | churn recovery revenue by month and by year |
//! | [`reasons_pareto`] | why customers left, most first with the cumulative share, each beside the split seed `001_*` publishes |
//! | [`payouts_by_department`] | rewards above zero, fines below, per department |
//! | [`tiers_over_time`] | customers per tier (super VIP, VIP, general), last 12 months |
//! | [`customers_by_first_purchase_year`] | customers by the year of their first purchase |
//!
//! Conventions shared by all of them:
//!
//! - **Rate axes** of the rates trend are zoomed to the data and its target lines
//!   ([`rates_axis`]); the satisfaction trend keeps 0–100 % beside its score bars.
//! - **Rates** are fractions of 1 (`0.875` is 87.5 %), as in the JSON reports; `None` is a
//!   month without a denominator, drawn as a gap, never as zero. Scores are means on the
//!   1–5 scale. A value outside its range is an error ([`ChartError::OutOfRange`]), which
//!   catches a rate passed as a percentage.
//! - **Money** is integer fen. It becomes yuan only in labels, with integer arithmetic;
//!   floats only place pixels. Axes are in yuan, or in 万元 (10,000 yuan) when the largest
//!   amount of a panel reaches 10,000 yuan; the amounts written on bars and in titles are
//!   always exact yuan with both fen digits and thousands separators (`191,370.50`), never
//!   rounded to whole yuan.
//! - **Time axes** (months `YYYY-MM`, years) are sorted by key; a key given twice is an
//!   error. Month charts show the last 12 months given; missing months are not invented.
//!   Year charts fill the years between the first and the last with zero. Categories
//!   (departments, questions) keep the order given; issues are sorted by count.
//! - **Empty input** draws the chart's title and "no data" (无数据); it is not an error.
//! - **Labels** come from the table in [`i18n`]; a token that is not in it is shown as it
//!   is, shortened with "…" past 28 characters.
//! - **Black and white**: lines differ by dash pattern and marker shape, filled series by
//!   hatching or dots and grey level, not only by colour.
//!
//! *Architecture invariants:* this module does no I/O and reads no clock; the same input
//! gives byte-identical PNG and SVG. PNG text is drawn with the font embedded in the
//! binary (a subset of Noto Sans CJK SC, [`FONT_LICENSE`]), so Chinese renders on a
//! machine without CJK fonts; a character the font lacks is drawn as `[U+XXXX]` rather
//! than as a box (see [`png_text`]). SVG text names a CSS font list and is drawn by the
//! viewer.

mod canvas;
mod customers;
mod font;
pub mod i18n;
mod money;
mod reasons;
mod visits;

use std::fmt;

pub(crate) use canvas::group_thousands;
pub use canvas::{HEIGHT, WIDTH};
pub use customers::{customers_by_first_purchase_year, tiers_over_time};
pub use font::{FONT_CHARACTERS, FONT_LICENSE, FONT_OTF, covers, png_text};
pub use i18n::{Label, TOKENS, Ui, label, token};
pub use money::{payouts_by_department, recovery_revenue};
pub use reasons::{PUBLISHED_REASONS, reasons_pareto};
pub use visits::{
    ComplaintRatesPoint, RateTarget, RatesAxis, RatesPoint, complaint_rates_trend,
    complaints_pareto, issues_pareto, rates_axis, rates_trend, satisfaction,
};

/// The language of a chart's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Simplified Chinese.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The language tag for an HTML `lang` attribute.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// One chart, drawn twice: a PNG image and an SVG document of the same size and layout.
#[derive(Clone, PartialEq, Eq)]
pub struct Chart {
    pub png: Vec<u8>,
    pub svg: String,
}

impl fmt::Debug for Chart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chart")
            .field("png_bytes", &self.png.len())
            .field("svg_bytes", &self.svg.len())
            .finish()
    }
}

/// Why a chart could not be drawn. Empty input is not an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    #[error("{}", crate::say!(
        "chart {chart}: {what} is {value}, outside {range}; rates are fractions of 1 (0.875 for 87.5 %) and scores means on the 1–5 scale",
        "图表 {chart}：{what} 为 {value}，超出 {range}；比率是 0 到 1 之间的小数（87.5 % 写作 0.875），分数是 1–5 分制上的平均值",
        chart = .chart,
        what = .what,
        value = .value,
        range = .range
    ))]
    OutOfRange {
        chart: &'static str,
        what: String,
        value: f64,
        range: &'static str,
    },
    #[error("{}", crate::say!(
        "chart {chart}: `{key}` is given more than once; merge the entries before charting",
        "图表 {chart}：`{key}` 出现了不止一次；请先合并这些条目再作图",
        chart = .chart,
        key = .key
    ))]
    Duplicate { chart: &'static str, key: String },
    #[error("{}", crate::say!(
        "chart {chart}: {count} {what} is more than the {max} it can show legibly; select or aggregate them first",
        "图表 {chart}：{count} 个{what}超过了它能清晰显示的 {max} 个；请先筛选或汇总",
        chart = .chart,
        what = .what,
        count = .count,
        max = .max
    ))]
    TooMany {
        chart: &'static str,
        /// What there are too many of, in the language of messages (`years`, 年份).
        what: &'static str,
        count: usize,
        max: usize,
    },
    #[error("{}", crate::say!(
        "chart {chart}: drawing the {format} failed: {message} (a bug in careledger's charts; please report it)",
        "图表 {chart}：绘制 {format} 失败：{message}（这是 careledger 图表的缺陷；请报告）",
        chart = .chart,
        format = .format,
        message = .message
    ))]
    Draw {
        chart: &'static str,
        format: &'static str,
        message: String,
    },
    #[error("{}", crate::say!(
        "chart {chart}: encoding the PNG failed: {message}",
        "图表 {chart}：PNG 编码失败：{message}",
        chart = .chart,
        message = .message
    ))]
    Encode {
        chart: &'static str,
        message: String,
    },
    #[error("{}", crate::say!(
        "the chart font embedded in careledger is damaged; rebuild from a clean checkout (src/chart/font/)",
        "careledger 内嵌的图表字体已损坏；请从干净的检出重新构建（src/chart/font/）"
    ))]
    Font,
}

/// Renders one line of text with the chart font on a white strip, as the charts draw it.
/// With `fallback` false, characters missing from the font are drawn as the font's
/// missing-glyph box instead of `[U+XXXX]`: the tests compare the two.
#[doc(hidden)]
pub fn text_strip(text: &str, fallback: bool) -> Result<Chart, ChartError> {
    canvas::render("text_strip", Lang::Zh, &canvas::Strip { text, fallback })
}

/// Checks that `value` is finite and within `lo..=hi`.
fn check_range(
    chart: &'static str,
    what: impl FnOnce() -> String,
    value: f64,
    (lo, hi): (f64, f64),
    range: &'static str,
) -> Result<(), ChartError> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(ChartError::OutOfRange {
            chart,
            what: what(),
            value,
            range,
        })
    }
}

/// Checks a rate, a fraction of 1.
fn check_rate(
    chart: &'static str,
    what: impl FnOnce() -> String,
    value: f64,
) -> Result<(), ChartError> {
    check_range(chart, what, value, (0.0, 1.0), "0..=1")
}

/// The number of months a month chart shows.
const MONTHS_SHOWN: usize = 12;

/// `items` sorted by `key`, refusing a key given twice, keeping the last `keep`.
fn last_sorted<'a, T, K: Ord + fmt::Display>(
    chart: &'static str,
    items: &'a [T],
    key: impl Fn(&T) -> K,
    keep: usize,
) -> Result<Vec<&'a T>, ChartError> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by_key(|item| key(item));
    for pair in sorted.windows(2) {
        if key(pair[0]) == key(pair[1]) {
            return Err(ChartError::Duplicate {
                chart,
                key: key(pair[0]).to_string(),
            });
        }
    }
    let skip = sorted.len().saturating_sub(keep);
    Ok(sorted.split_off(skip))
}

/// The widest span of years a year chart draws.
const YEARS_MAX: usize = 50;

/// `(year, value)` pairs sorted, with the years between the first and the last filled with
/// `V::default()`.
fn fill_years<V: Copy + Default>(
    chart: &'static str,
    items: &[(i32, V)],
) -> Result<Vec<(i32, V)>, ChartError> {
    let sorted = last_sorted(chart, items, |(year, _)| *year, usize::MAX)?;
    let (Some(first), Some(last)) = (sorted.first(), sorted.last()) else {
        return Ok(Vec::new());
    };
    let span = usize::try_from(i64::from(last.0) - i64::from(first.0) + 1).unwrap_or(usize::MAX);
    if span > YEARS_MAX {
        return Err(ChartError::TooMany {
            chart,
            what: crate::voice::pick("years", "年份"),
            count: span,
            max: YEARS_MAX,
        });
    }
    let mut out = Vec::with_capacity(span);
    let mut given = sorted.iter().peekable();
    for year in first.0..=last.0 {
        match given.peek() {
            Some((y, v)) if *y == year => {
                out.push((year, *v));
                given.next();
            }
            _ => out.push((year, V::default())),
        }
    }
    Ok(out)
}

/// Refuses a category given twice or more categories than `max`.
fn check_categories<'a>(
    chart: &'static str,
    what: &'static str,
    keys: impl Iterator<Item = &'a str>,
    max: usize,
) -> Result<(), ChartError> {
    let mut seen: Vec<&str> = keys.collect();
    if seen.len() > max {
        return Err(ChartError::TooMany {
            chart,
            what,
            count: seen.len(),
            max,
        });
    }
    seen.sort_unstable();
    for pair in seen.windows(2) {
        if pair[0] == pair[1] {
            return Err(ChartError::Duplicate {
                chart,
                key: pair[0].to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_sorted_and_filled() {
        let filled = fill_years("t", &[(2008, 3u64), (2006, 1)]).unwrap();
        assert_eq!(filled, [(2006, 1), (2007, 0), (2008, 3)]);
        assert!(fill_years::<u64>("t", &[]).unwrap().is_empty());
        assert!(matches!(
            fill_years("t", &[(1900, 1u64), (2025, 1)]),
            Err(ChartError::TooMany { .. })
        ));
        assert!(matches!(
            fill_years("t", &[(2025, 1u64), (2025, 2)]),
            Err(ChartError::Duplicate { .. })
        ));
    }

    #[test]
    fn months_keep_the_last_twelve() {
        let months: Vec<String> = (1..=14).map(|m| format!("2025-{m:02}")).rev().collect();
        let kept = last_sorted("t", &months, |m| m.clone(), 12).unwrap();
        assert_eq!(kept.len(), 12);
        assert_eq!(kept[0], "2025-03");
        assert_eq!(kept[11], "2025-14");
    }
}
