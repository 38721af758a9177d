//! Money charts: churn recovery revenue, payouts by department.
//!
//! Amounts arrive as integer fen and stay integers through every sum and every label;
//! `f64` appears only where a value becomes a pixel.

use plotters::element::PathElement;
use plotters::prelude::{Color, DrawingBackend};
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, Area, Axes, Cx, Draw, Drawn, FillLook, GREEN, HEIGHT, INK, PANEL_TITLE_SIZE, Pattern,
    Rect, Swatch, Ticks, VALUE_SIZE, VERMILLION, WIDTH, bar, category_axes, group_thousands,
    header, legend, month_labels, nice_step, no_data, text, text_width, thin_labels,
};
use super::i18n::{Ui, fill};
use super::{Chart, ChartError, Lang, MONTHS_SHOWN, check_categories, fill_years, last_sorted};

/// The unit of a money axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Yuan,
    /// 万元, 10,000 yuan.
    Wan,
}

impl Unit {
    fn fen(self) -> i128 {
        match self {
            Unit::Yuan => 100,
            Unit::Wan => 1_000_000,
        }
    }

    /// 万元 once the largest amount reaches 10,000 yuan, so that labels stay short.
    fn for_amounts(amounts: &[i64]) -> Unit {
        let max = amounts
            .iter()
            .map(|a| i128::from(*a).abs())
            .max()
            .unwrap_or(0);
        // 1,000,000 fen = 10,000 yuan = 1 万元.
        if max >= 1_000_000 {
            Unit::Wan
        } else {
            Unit::Yuan
        }
    }

    fn axis(self) -> Ui {
        match self {
            Unit::Yuan => Ui::RevenueYuan,
            Unit::Wan => Ui::RevenueWan,
        }
    }
}

/// `fen` in `unit` with `decimals` decimals, rounded half away from zero, thousands grouped:
/// `in_unit(123_456_789, Unit::Yuan, 2)` is `1,234,567.89`.
fn in_unit(fen: i128, unit: Unit, decimals: u32) -> String {
    let scale = 10i128.pow(decimals);
    let den = unit.fen();
    let q = (fen.abs() * scale + den / 2) / den;
    let sign = if fen < 0 && q != 0 { "-" } else { "" };
    let mut out = format!("{sign}{}", group_thousands(&(q / scale).to_string()));
    if decimals > 0 {
        out.push_str(&format!(
            ".{:0width$}",
            q % scale,
            width = decimals as usize
        ));
    }
    out
}

/// Exact yuan with two decimals and a sign: `+600.00`, `-150.00`, `0.00`.
fn signed_yuan(fen: i64) -> String {
    let plain = in_unit(i128::from(fen), Unit::Yuan, 2);
    if fen > 0 { format!("+{plain}") } else { plain }
}

/// Ticks from at most `lo` (≤ 0) to at least `hi` (≥ 0) fen, labelled in `unit`; tick
/// values are in fen.
fn money_ticks(lo: i128, hi: i128, unit: Unit) -> Ticks {
    // Ticks at whole yuan, or at hundredths of 万元 (100 yuan).
    let min_step = match unit {
        Unit::Yuan => 100,
        Unit::Wan => 10_000,
    };
    let span = u128::try_from(hi - lo).unwrap_or(0).max(1);
    let step = i128::try_from(nice_step(span, 5, u128::try_from(min_step).unwrap_or(1)))
        .unwrap_or(i128::MAX / 16);
    let decimals = if step % unit.fen() == 0 {
        0
    } else if step * 10 % unit.fen() == 0 {
        1
    } else {
        2
    };
    let first = lo.div_euclid(step) * step;
    let mut last = -((-hi).div_euclid(step) * step);
    if last <= first {
        last = first + step;
    }
    let mut ticks = Ticks::default();
    let mut v = first;
    // At most about seven steps by the choice of step; the bound guards the loop.
    while v <= last && ticks.values.len() < 16 {
        ticks.values.push(v as f64);
        ticks.labels.push(in_unit(v, unit, decimals));
        v += step;
    }
    ticks
}

/// Churn recovery revenue (DOMAIN.md §5) in two panels: by month (`YYYY-MM`, the last 12
/// given; the panel title carries their total) and by year (every year between the first
/// and last given). Amounts are fen.
pub fn recovery_revenue(
    by_month: &[(String, i64)],
    by_year: &[(i32, i64)],
    lang: Lang,
) -> Result<Chart, ChartError> {
    const CHART: &str = "recovery_revenue";
    let months = last_sorted(CHART, by_month, |(m, _)| m.clone(), MONTHS_SHOWN)?;
    let years = fill_years(CHART, by_year)?;
    let drawing = Revenue {
        months: months.into_iter().cloned().collect(),
        years,
    };
    canvas::render(CHART, lang, &drawing)
}

struct Revenue {
    months: Vec<(String, i64)>,
    years: Vec<(i32, i64)>,
}

const REVENUE_LOOK: FillLook = FillLook {
    fill: GREEN,
    pattern: Pattern::Solid,
    ink: RGB_DARK_GREEN,
};
const RGB_DARK_GREEN: plotters::style::RGBColor = plotters::style::RGBColor(0, 100, 72);

impl Draw for Revenue {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>, cx: &Cx) -> Result<(), ChartError> {
        let top = header(root, cx, cx.ui(Ui::RevenueTitle), None)?;
        let left = Rect {
            l: 10,
            t: top + 4,
            r: 600,
            b: HEIGHT as i32 - 10,
        };
        let right = Rect {
            l: 620,
            t: top + 4,
            r: WIDTH as i32 - 10,
            b: HEIGHT as i32 - 10,
        };
        let total: i128 = self.months.iter().map(|(_, a)| i128::from(*a)).sum();
        let title = fill(cx.ui(Ui::RevenueByMonth), &[&in_unit(total, Unit::Yuan, 2)]);
        let months: Vec<&str> = self.months.iter().map(|(m, _)| m.as_str()).collect();
        let month_amounts: Vec<i64> = self.months.iter().map(|(_, a)| *a).collect();
        money_panel(
            root,
            cx,
            left,
            &title,
            Ui::Month,
            &month_labels(&months, 40.0),
            &month_amounts,
        )?;
        let years: Vec<String> = self.years.iter().map(|(y, _)| y.to_string()).collect();
        let year_amounts: Vec<i64> = self.years.iter().map(|(_, a)| *a).collect();
        money_panel(
            root,
            cx,
            right,
            cx.ui(Ui::RevenueByYear),
            Ui::Year,
            &years,
            &year_amounts,
        )
    }
}

/// One panel of revenue bars with value labels; "no data" when there are no amounts.
fn money_panel<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    panel: Rect,
    title: &str,
    x_desc: Ui,
    categories: &[String],
    amounts: &[i64],
) -> Result<(), ChartError> {
    text(
        root,
        cx,
        title,
        ((panel.l + panel.r) / 2, panel.t + 4),
        PANEL_TITLE_SIZE,
        INK,
        (HPos::Center, VPos::Top),
    )?;
    let area = Rect {
        t: panel.t + 30,
        ..panel
    };
    if amounts.is_empty() {
        return no_data(
            root,
            cx,
            Rect {
                l: area.l + 30,
                t: area.t + 10,
                r: area.r - 30,
                b: area.b - 30,
            },
        );
    }
    let unit = Unit::for_amounts(amounts);
    let lo = amounts
        .iter()
        .map(|a| i128::from(*a))
        .min()
        .unwrap_or(0)
        .min(0);
    let hi = amounts
        .iter()
        .map(|a| i128::from(*a))
        .max()
        .unwrap_or(0)
        .max(0);
    let ticks = money_ticks(lo, hi, unit);
    let pad = (ticks.max() - ticks.min()) * 0.08;
    let labels = thin_labels(categories, area.width());
    let frame = category_axes(
        root,
        cx,
        area,
        &Axes {
            y_desc: cx.ui(unit.axis()),
            y: &ticks,
            y_range: (
                if lo < 0 { ticks.min() - pad } else { 0.0 },
                ticks.max() + pad,
            ),
            x_desc: cx.ui(x_desc),
            categories: &labels,
            right: None,
        },
    )?;
    let base = frame.y.px(0.0);
    for (i, amount) in amounts.iter().enumerate() {
        let (l, r) = frame.bar_span(i, 0.7);
        let y = frame.y.px(*amount as f64);
        bar(root, cx, (l, base, r, y), &REVENUE_LOOK)?;
        // The exact amount in yuan and fen, whatever the axis unit: a label rounded to
        // whole yuan (or to 100 yuan in 万元) would disagree with the tables beside it.
        let label = in_unit(i128::from(*amount), Unit::Yuan, 2);
        // Labels that do not fit their slot are left out; the axis still reads.
        if text_width(cx, &label, VALUE_SIZE) <= frame.slot() as i32 + 6 {
            let (at, v) = if *amount < 0 {
                ((frame.x_center(i), y + 3), VPos::Top)
            } else {
                ((frame.x_center(i), y - 3), VPos::Bottom)
            };
            text(root, cx, &label, at, VALUE_SIZE, INK, (HPos::Center, v))?;
        }
    }
    if lo < 0 {
        root.draw(&PathElement::new(
            vec![(frame.plot.l, base), (frame.plot.r, base)],
            INK.stroke_width(2),
        ))
        .drawn(cx)?;
    }
    Ok(())
}

/// The widest list of departments drawn.
const DEPARTMENTS_MAX: usize = 20;

/// Reward and fine payouts per department (`(department token, fen)` in the order given):
/// rewards above the zero line, fines below, each labelled with its exact yuan amount; the
/// subtitle carries the net total.
pub fn payouts_by_department(
    departments: &[(String, i64)],
    lang: Lang,
) -> Result<Chart, ChartError> {
    const CHART: &str = "payouts_by_department";
    check_categories(
        CHART,
        crate::voice::pick("departments", "部门"),
        departments.iter().map(|(d, _)| d.as_str()),
        DEPARTMENTS_MAX,
    )?;
    canvas::render(
        CHART,
        lang,
        &Payouts {
            departments: departments.to_vec(),
        },
    )
}

struct Payouts {
    departments: Vec<(String, i64)>,
}

const REWARD_LOOK: FillLook = FillLook {
    fill: GREEN,
    pattern: Pattern::Solid,
    ink: RGB_DARK_GREEN,
};
const FINE_LOOK: FillLook = FillLook {
    fill: plotters::style::RGBColor(248, 203, 173),
    pattern: Pattern::Diagonal,
    ink: VERMILLION,
};

impl Draw for Payouts {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>, cx: &Cx) -> Result<(), ChartError> {
        let net: i128 = self.departments.iter().map(|(_, a)| i128::from(*a)).sum();
        let subtitle = fill(cx.ui(Ui::PayoutsSubtitle), &[&in_unit(net, Unit::Yuan, 2)]);
        let subtitle = (!self.departments.is_empty()).then_some(subtitle);
        let top = header(root, cx, cx.ui(Ui::PayoutsTitle), subtitle.as_deref())?;
        if self.departments.is_empty() {
            return no_data(
                root,
                cx,
                Rect {
                    l: 60,
                    t: top + 20,
                    r: WIDTH as i32 - 60,
                    b: HEIGHT as i32 - 40,
                },
            );
        }
        legend(
            root,
            cx,
            top + 8,
            &[
                (cx.ui(Ui::Reward), Swatch::Fill(REWARD_LOOK)),
                (cx.ui(Ui::Fine), Swatch::Fill(FINE_LOOK)),
            ],
        )?;
        let area = Rect {
            l: 10,
            t: top + 28,
            r: WIDTH as i32 - 10,
            b: HEIGHT as i32 - 10,
        };
        let amounts: Vec<i128> = self
            .departments
            .iter()
            .map(|(_, a)| i128::from(*a))
            .collect();
        let lo = amounts.iter().copied().min().unwrap_or(0).min(0);
        let hi = amounts.iter().copied().max().unwrap_or(0).max(0);
        let ticks = money_ticks(lo, hi, Unit::Yuan);
        let pad = (ticks.max() - ticks.min()) * 0.08;
        let categories: Vec<String> = self
            .departments
            .iter()
            .map(|(d, _)| cx.category(d))
            .collect();
        let frame = category_axes(
            root,
            cx,
            area,
            &Axes {
                y_desc: cx.ui(Ui::PayoutsAxis),
                y: &ticks,
                y_range: (
                    if lo < 0 { ticks.min() - pad } else { 0.0 },
                    if hi > 0 {
                        ticks.max() + pad
                    } else {
                        ticks.max()
                    },
                ),
                x_desc: cx.ui(Ui::DepartmentAxis),
                categories: &categories,
                right: None,
            },
        )?;
        let zero = frame.y.px(0.0);
        for (i, (_, amount)) in self.departments.iter().enumerate() {
            let (l, r) = frame.bar_span(i, 0.55);
            let y = frame.y.px(*amount as f64);
            let look = if *amount < 0 {
                &FINE_LOOK
            } else {
                &REWARD_LOOK
            };
            if *amount != 0 {
                bar(root, cx, (l, zero, r, y), look)?;
            }
            let (at, v) = if *amount < 0 {
                ((frame.x_center(i), y + 4), VPos::Top)
            } else {
                ((frame.x_center(i), y - 4), VPos::Bottom)
            };
            text(
                root,
                cx,
                &signed_yuan(*amount),
                at,
                VALUE_SIZE,
                INK,
                (HPos::Center, v),
            )?;
        }
        root.draw(&PathElement::new(
            vec![(frame.plot.l, zero), (frame.plot.r, zero)],
            INK.stroke_width(2),
        ))
        .drawn(cx)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_units_round_half_away_from_zero() {
        assert_eq!(in_unit(123_456_789, Unit::Yuan, 2), "1,234,567.89");
        assert_eq!(in_unit(150, Unit::Yuan, 0), "2");
        assert_eq!(in_unit(-150, Unit::Yuan, 0), "-2");
        assert_eq!(in_unit(-49, Unit::Yuan, 0), "0");
        assert_eq!(in_unit(12_345_000, Unit::Wan, 2), "12.35");
        assert_eq!(in_unit(0, Unit::Wan, 2), "0.00");
    }

    #[test]
    fn signed_yuan_is_exact() {
        assert_eq!(signed_yuan(60_000), "+600.00");
        assert_eq!(signed_yuan(-15_000), "-150.00");
        assert_eq!(signed_yuan(0), "0.00");
        assert_eq!(signed_yuan(i64::MIN), "-92,233,720,368,547,758.08");
    }

    #[test]
    fn units_switch_at_ten_thousand_yuan() {
        assert_eq!(Unit::for_amounts(&[999_999]), Unit::Yuan);
        assert_eq!(Unit::for_amounts(&[-1_000_000]), Unit::Wan);
        assert_eq!(Unit::for_amounts(&[]), Unit::Yuan);
    }

    #[test]
    fn money_ticks_cover_both_signs() {
        let t = money_ticks(-15_000, 60_000, Unit::Yuan);
        assert_eq!(t.labels, ["-200", "0", "200", "400", "600"]);
        let t = money_ticks(0, 0, Unit::Yuan);
        assert_eq!(t.labels, ["0", "1"]);
        let t = money_ticks(0, 35_000_000, Unit::Wan);
        assert_eq!(t.labels, ["0", "10", "20", "30", "40"]);
        let t = money_ticks(0, 150_000, Unit::Wan);
        assert_eq!(t.labels, ["0.00", "0.05", "0.10", "0.15"]);
    }
}
