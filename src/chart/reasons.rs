//! Why customers left (seed `001_*`, DOMAIN.md section 14): the dealership's reasons as a
//! Pareto chart (share of the episodes with a reason, most first, with the cumulative share),
//! each bar beside the share the seed publishes for the same reason.

use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, Area, Axes, BLUE, Cx, Dash, Draw, FillLook, INK, LineLook, MID_GREY, Marker, Pattern,
    Rect, SKY, Scale, Swatch, Ticks, VALUE_SIZE, WIDTH, bar, category_axes, group_thousands,
    header, legend, marker, no_data, polyline, text, text_boxed,
};
use super::i18n::{Ui, fill};
use super::{Chart, ChartError, Lang, check_categories};

/// The split seed `001_*` publishes (客户离开我们的原因), in percent, by the reason tokens of
/// DOMAIN.md section 14: 45 % poor service, 20 % nobody cared, 15 % cheaper, 15 % better
/// product, 5 % other, of which the seed names 3 % moving away (迁居); the other 2 % (1 %
/// death, 1 % unnamed) stay `other`.
pub const PUBLISHED_REASONS: [(&str, u32); 6] = [
    ("poor_service", 45),
    ("not_cared_for", 20),
    ("cheaper_elsewhere", 15),
    ("better_product", 15),
    ("moved_away", 3),
    ("other", 2),
];

/// The dealership's reasons (episodes per reason token) as a Pareto chart beside the
/// published split: one pair of bars per reason, the dealership's first (most episodes
/// first), then the published reasons it has none of. `period` names the period counted
/// (`2025`) in the subtitle.
pub fn reasons_pareto(
    reasons: &[(String, u64)],
    period: &str,
    lang: Lang,
) -> Result<Chart, ChartError> {
    const CHART: &str = "reasons_pareto";
    check_categories(
        CHART,
        crate::voice::pick("reasons", "原因"),
        reasons.iter().map(|(r, _)| r.as_str()),
        usize::MAX,
    )?;
    let mut own: Vec<(String, u64)> = reasons.iter().filter(|(_, n)| *n > 0).cloned().collect();
    own.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: u128 = own.iter().map(|(_, n)| u128::from(*n)).sum();
    let mut bars: Vec<ReasonBar> = own
        .iter()
        .map(|(reason, n)| ReasonBar {
            reason: reason.clone(),
            episodes: u128::from(*n),
            published: published(reason),
        })
        .collect();
    for (reason, share) in PUBLISHED_REASONS {
        if !bars.iter().any(|b| b.reason == reason) {
            bars.push(ReasonBar {
                reason: reason.to_owned(),
                episodes: 0,
                published: Some(share),
            });
        }
    }
    canvas::render(
        CHART,
        lang,
        &Reasons {
            bars,
            total,
            period: period.to_owned(),
        },
    )
}

/// The published share of a reason, `None` for a token the seed does not name.
fn published(reason: &str) -> Option<u32> {
    PUBLISHED_REASONS
        .iter()
        .find(|(r, _)| *r == reason)
        .map(|(_, s)| *s)
}

struct ReasonBar {
    reason: String,
    episodes: u128,
    published: Option<u32>,
}

struct Reasons {
    bars: Vec<ReasonBar>,
    /// Episodes with a reason in the period.
    total: u128,
    period: String,
}

impl Draw for Reasons {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>, cx: &Cx) -> Result<(), ChartError> {
        let subtitle = fill(
            cx.ui(Ui::ReasonsSubtitle),
            &[&self.period, &group_thousands(&self.total.to_string())],
        );
        let top = header(root, cx, cx.ui(Ui::ReasonsTitle), Some(&subtitle))?;
        if self.total == 0 {
            return no_data(root, cx, canvas::body_rect(top));
        }
        let own_look = FillLook {
            fill: SKY,
            pattern: Pattern::Solid,
            ink: BLUE,
        };
        let published_look = FillLook {
            fill: canvas::PALE_GREY,
            pattern: Pattern::Diagonal,
            ink: MID_GREY,
        };
        let line_look = LineLook {
            color: INK,
            dash: Dash::Solid,
            marker: Marker::Square,
        };
        legend(
            root,
            cx,
            top + 8,
            &[
                (cx.ui(Ui::ReasonsOwn), Swatch::Fill(own_look)),
                (cx.ui(Ui::ReasonsPublished), Swatch::Fill(published_look)),
                (cx.ui(Ui::Cumulative), Swatch::Line(line_look)),
            ],
        )?;
        let area = Rect {
            l: 10,
            t: top + 28,
            r: WIDTH as i32 - 10,
            b: super::HEIGHT as i32 - 10,
        };
        const HEADROOM: f64 = 1.1;
        let ticks = Ticks::percent();
        let categories: Vec<String> = self.bars.iter().map(|b| cx.category(&b.reason)).collect();
        let frame = category_axes(
            root,
            cx,
            area,
            &Axes {
                y_desc: cx.ui(Ui::ReasonsShareAxis),
                y: &ticks,
                y_range: (0.0, 100.0 * HEADROOM),
                x_desc: cx.ui(Ui::ReasonsAxis),
                categories: &categories,
                right: None,
            },
        )?;
        let share = Scale {
            lo: 0.0,
            hi: 100.0 * HEADROOM,
            px_lo: frame.plot.b,
            px_hi: frame.plot.t,
        };
        let base = frame.y.px(0.0);
        let mut cumulative: u128 = 0;
        let mut line = Vec::new();
        for (i, b) in self.bars.iter().enumerate() {
            let (l, r) = frame.bar_span(i, 0.7);
            let mid = (l + r) / 2;
            // A share for drawing: the float only places a pixel and prints one decimal.
            let own = b.episodes as f64 * 100.0 / self.total as f64;
            let y = share.px(own);
            bar(root, cx, (l, base, mid - 1, y), &own_look)?;
            text(
                root,
                cx,
                &format!("{own:.0}%"),
                ((l + mid) / 2, y - 3),
                VALUE_SIZE,
                INK,
                (HPos::Center, VPos::Bottom),
            )?;
            if let Some(p) = b.published {
                let y = share.px(f64::from(p));
                bar(root, cx, (mid + 1, base, r, y), &published_look)?;
                text(
                    root,
                    cx,
                    &format!("{p}%"),
                    ((mid + r) / 2, y - 3),
                    VALUE_SIZE,
                    MID_GREY,
                    (HPos::Center, VPos::Bottom),
                )?;
            }
            if b.episodes > 0 {
                cumulative += b.episodes;
                let percent = cumulative as f64 * 100.0 / self.total as f64;
                line.push((frame.x_center(i), share.px(percent), percent));
            }
        }
        let pixels: Vec<(i32, i32)> = line.iter().map(|(x, y, _)| (*x, *y)).collect();
        polyline(root, cx, &pixels, line_look.color, line_look.dash)?;
        for (x, y, percent) in &line {
            marker(root, cx, (*x, *y), &line_look)?;
            text_boxed(
                root,
                cx,
                &format!("{percent:.0}%"),
                (x + 8, y - 12),
                VALUE_SIZE,
                INK,
                (HPos::Left, VPos::Center),
            )?;
        }
        Ok(())
    }
}
