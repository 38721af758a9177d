//! Customer charts: tiers over time, customers by year of first purchase.

use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, Area, Axes, BLUE, Cx, Draw, FillLook, HEIGHT, INK, ORANGE, PAPER, PURPLE, Pattern, Rect,
    SKY, Swatch, Ticks, VALUE_SIZE, WIDTH, bar, body_rect, category_axes, group_thousands, header,
    legend, month_labels, no_data, text, text_boxed, text_width, thin_labels,
};
use super::i18n::Ui;
use super::{Chart, ChartError, Lang, MONTHS_SHOWN, fill_years, last_sorted};

/// The tiers in the order of the input arrays, `[super_vip, vip, general]`, with their
/// looks: a dark solid, a mid tone hatched, a light tone dotted.
const TIERS: [(&str, FillLook); 3] = [
    (
        "super_vip",
        FillLook {
            fill: PURPLE,
            pattern: Pattern::Solid,
            ink: RGBColor(50, 30, 90),
        },
    ),
    (
        "vip",
        FillLook {
            fill: ORANGE,
            pattern: Pattern::BackDiagonal,
            ink: RGBColor(120, 70, 0),
        },
    ),
    (
        "general",
        FillLook {
            fill: RGBColor(214, 228, 242),
            pattern: Pattern::Dots,
            ink: RGBColor(70, 90, 120),
        },
    ),
];

/// Customers per tier and month, `(YYYY-MM, [super_vip, vip, general])`, the last 12
/// months given: stacked bars (general at the bottom, super VIP on top) with each count
/// inside its segment where it fits, and the month's total above.
pub fn tiers_over_time(months: &[(String, [u64; 3])], lang: Lang) -> Result<Chart, ChartError> {
    const CHART: &str = "tiers_over_time";
    let kept = last_sorted(CHART, months, |(m, _)| m.clone(), MONTHS_SHOWN)?;
    let drawing = Tiers {
        months: kept.into_iter().cloned().collect(),
    };
    canvas::render(CHART, lang, &drawing)
}

struct Tiers {
    months: Vec<(String, [u64; 3])>,
}

impl Draw for Tiers {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>, cx: &Cx) -> Result<(), ChartError> {
        let top = header(root, cx, cx.ui(Ui::TiersTitle), None)?;
        if self.months.is_empty() {
            return no_data(root, cx, body_rect(top));
        }
        let items: Vec<(String, Swatch)> = TIERS
            .iter()
            .map(|(tier, look)| (cx.category(tier), Swatch::Fill(*look)))
            .collect();
        let items: Vec<(&str, Swatch)> = items.iter().map(|(l, s)| (l.as_str(), *s)).collect();
        legend(root, cx, top + 10, &items)?;
        let area = Rect {
            l: 10,
            t: top + 30,
            r: WIDTH as i32 - 10,
            b: HEIGHT as i32 - 10,
        };
        // Totals in u128: three u64 counts cannot overflow it.
        let totals: Vec<u128> = self
            .months
            .iter()
            .map(|(_, c)| c.iter().map(|n| u128::from(*n)).sum())
            .collect();
        let max = totals.iter().copied().max().unwrap_or(0);
        let ticks = Ticks::counts(max);
        let months: Vec<&str> = self.months.iter().map(|(m, _)| m.as_str()).collect();
        let slot = f64::from(area.width() - 90) / months.len() as f64;
        let categories = month_labels(&months, slot);
        let frame = category_axes(
            root,
            cx,
            area,
            &Axes {
                y_desc: cx.ui(Ui::CustomersAxis),
                y: &ticks,
                y_range: (0.0, ticks.max() * 1.08),
                x_desc: cx.ui(Ui::Month),
                categories: &categories,
                right: None,
            },
        )?;
        for (i, ((_, counts), total)) in self.months.iter().zip(&totals).enumerate() {
            let (l, r) = frame.bar_span(i, 0.6);
            let mut below: u128 = 0;
            // From the bottom: general, vip, super_vip.
            for tier in [2, 1, 0] {
                let n = counts[tier];
                if n == 0 {
                    continue;
                }
                let y0 = frame.y.px(below as f64);
                below += u128::from(n);
                let y1 = frame.y.px(below as f64);
                bar(root, cx, (l, y0, r, y1), &TIERS[tier].1)?;
                let label = group_thousands(&n.to_string());
                let fits = y0 - y1 >= 18 && text_width(cx, &label, VALUE_SIZE) < r - l - 4;
                if fits {
                    let at = (frame.x_center(i), (y0 + y1) / 2);
                    let anchor = (HPos::Center, VPos::Center);
                    if tier == 0 {
                        text(root, cx, &label, at, VALUE_SIZE, PAPER, anchor)?;
                    } else {
                        text_boxed(root, cx, &label, at, VALUE_SIZE, INK, anchor)?;
                    }
                }
            }
            text(
                root,
                cx,
                &group_thousands(&total.to_string()),
                (frame.x_center(i), frame.y.px(*total as f64) - 4),
                VALUE_SIZE,
                INK,
                (HPos::Center, VPos::Bottom),
            )?;
        }
        Ok(())
    }
}

/// Customers by the year of their first purchase, `(year, customers)`: one bar per year
/// from the first to the last given (missing years drawn as zero), counts above the bars.
pub fn customers_by_first_purchase_year(
    years: &[(i32, u64)],
    lang: Lang,
) -> Result<Chart, ChartError> {
    const CHART: &str = "customers_by_first_purchase_year";
    let years = fill_years(CHART, years)?;
    canvas::render(CHART, lang, &FirstPurchase { years })
}

struct FirstPurchase {
    years: Vec<(i32, u64)>,
}

impl Draw for FirstPurchase {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>, cx: &Cx) -> Result<(), ChartError> {
        let top = header(root, cx, cx.ui(Ui::FirstPurchaseTitle), None)?;
        if self.years.is_empty() {
            return no_data(root, cx, body_rect(top));
        }
        let area = Rect {
            l: 10,
            t: top + 6,
            r: WIDTH as i32 - 10,
            b: HEIGHT as i32 - 10,
        };
        let max = self.years.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let ticks = Ticks::counts(u128::from(max));
        let years: Vec<String> = self.years.iter().map(|(y, _)| y.to_string()).collect();
        let categories = thin_labels(&years, area.width());
        let frame = category_axes(
            root,
            cx,
            area,
            &Axes {
                y_desc: cx.ui(Ui::CustomersAxis),
                y: &ticks,
                y_range: (0.0, ticks.max() * 1.08),
                x_desc: cx.ui(Ui::FirstPurchaseAxis),
                categories: &categories,
                right: None,
            },
        )?;
        let look = FillLook {
            fill: SKY,
            pattern: Pattern::Solid,
            ink: BLUE,
        };
        let base = frame.y.px(0.0);
        for (i, (_, n)) in self.years.iter().enumerate() {
            let (l, r) = frame.bar_span(i, 0.65);
            let y = frame.y.px(*n as f64);
            bar(root, cx, (l, base, r, y), &look)?;
            let label = group_thousands(&n.to_string());
            if text_width(cx, &label, VALUE_SIZE) <= frame.slot() as i32 + 4 {
                text(
                    root,
                    cx,
                    &label,
                    (frame.x_center(i), y - 3),
                    VALUE_SIZE,
                    INK,
                    (HPos::Center, VPos::Bottom),
                )?;
            }
        }
        Ok(())
    }
}
