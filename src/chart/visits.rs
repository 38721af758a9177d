//! Return visits and surveys: the rates trend, satisfaction, the issues Pareto chart.

use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, AXIS_SIZE, Area, Axes, BLUE, Cx, DARK_GREY, Dash, Draw, Drawn, FillLook, GRID, HEIGHT,
    INK, LineLook, MID_GREY, Marker, PANEL_TITLE_SIZE, Pattern, Rect, SKY, Scale, Swatch,
    TICK_SIZE, Ticks, VALUE_SIZE, VERMILLION, WIDTH, bar, body_rect, category_axes, fit_line,
    fit_lines, footnote, group_thousands, header, legend, legend_at, marker, month_labels,
    nice_step, no_data, polyline, spread, text, text_boxed, text_width,
};
use super::i18n::{Ui, fill};
use super::{
    Chart, ChartError, Lang, MONTHS_SHOWN, check_categories, check_range, check_rate, last_sorted,
};

/// One month of return-visit rates, fractions of 1; `None` when no task was due.
#[derive(Clone, Debug, PartialEq)]
pub struct RatesPoint {
    /// `YYYY-MM`.
    pub month: String,
    pub completion: Option<f64>,
    pub success: Option<f64>,
    pub on_time: Option<f64>,
}

/// The three rate series: their label and look. Dash and marker tell them apart in print.
const RATE_SERIES: [(Ui, LineLook); 3] = [
    (
        Ui::Completion,
        LineLook {
            color: BLUE,
            dash: Dash::Solid,
            marker: Marker::Circle,
        },
    ),
    (
        Ui::Success,
        LineLook {
            color: VERMILLION,
            dash: Dash::Dashed,
            marker: Marker::Triangle,
        },
    ),
    (
        Ui::OnTime,
        LineLook {
            color: DARK_GREY,
            dash: Dash::Dotted,
            marker: Marker::Square,
        },
    ),
];

/// A level the rates are held to, drawn across the rates chart as a dashed rule and named in
/// its legend: `label` and a whole percentage (as the rules state thresholds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateTarget {
    pub label: Ui,
    pub percent: u32,
}

/// The y axis of the rates chart, in whole percentage points: from `lo_percent` to
/// `hi_percent`, a tick every `step_percent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RatesAxis {
    pub lo_percent: u32,
    pub hi_percent: u32,
    pub step_percent: u32,
}

/// The narrowest axis the rates chart zooms to, in points: months that differ by a point
/// should not look like a collapse.
const RATES_SPAN_MIN: u32 = 10;
/// Points of room kept below the lowest and above the highest value.
const RATES_MARGIN: u32 = 2;

/// The axis of the rates chart: zoomed to the rates drawn and the targets, not 0–100 %, so
/// that rates of 80–95 % use the height of the chart. The lowest and highest value (rates
/// floored and ceiled to whole points) get `RATES_MARGIN` points of room, the span is at
/// least `RATES_SPAN_MIN` points, and the ends are multiples of a step of 1, 2 or 5 × 10^k
/// points (at most five steps), within 0–100. `None` when nothing is drawn.
///
/// Rates 0.80–0.95 with a target of 95 %: 78–97, span 19, step 5, axis 75–100.
pub fn rates_axis(months: &[RatesPoint], targets: &[RateTarget]) -> Option<RatesAxis> {
    axis_of(
        months
            .iter()
            .flat_map(|p| [p.completion, p.success, p.on_time])
            .flatten(),
        targets,
    )
}

/// [`rates_axis`] of any rates.
fn axis_of(rates: impl Iterator<Item = f64> + Clone, targets: &[RateTarget]) -> Option<RatesAxis> {
    // A rate is a fraction of 1 checked to be within 0..=1; whole points below and above.
    let lows = rates.clone().map(|v| (v * 100.0).floor() as u32);
    let highs = rates.map(|v| (v * 100.0).ceil() as u32);
    let target_points = targets.iter().map(|t| t.percent.min(100));
    // Targets alone draw nothing: without a rate there is no axis.
    lows.clone().next()?;
    let lo = lows.chain(target_points.clone()).min()?;
    let hi = highs.chain(target_points).max()?;
    let mut lo = lo.saturating_sub(RATES_MARGIN);
    let mut hi = (hi + RATES_MARGIN).min(100);
    if hi - lo < RATES_SPAN_MIN {
        // Widen about the middle, shifted inwards at 0 % and 100 %.
        lo = lo.saturating_sub((RATES_SPAN_MIN - (hi - lo)) / 2);
        hi = (lo + RATES_SPAN_MIN).min(100);
        lo = hi - RATES_SPAN_MIN;
    }
    let step = u32::try_from(nice_step(u128::from(hi - lo), 5, 1)).unwrap_or(20);
    let lo_percent = lo / step * step;
    let hi_percent = (hi.div_ceil(step) * step).min(100);
    Some(RatesAxis {
        lo_percent,
        hi_percent,
        step_percent: step,
    })
}

/// Completion, success and on-time rate per month, the last 12 months given: lines with
/// markers, each point labelled with its percentage (one decimal), and each target as a
/// dashed rule; the y axis is [`rates_axis`], zoomed to the data.
pub fn rates_trend(
    months: &[RatesPoint],
    targets: &[RateTarget],
    lang: Lang,
) -> Result<Chart, ChartError> {
    const CHART: &str = "rates_trend";
    for point in months {
        for (name, value) in [
            ("completion", point.completion),
            ("success", point.success),
            ("on_time", point.on_time),
        ] {
            if let Some(v) = value {
                check_rate(
                    CHART,
                    || crate::say!("the {name} rate of {}", "{} 的 {name} 率", point.month),
                    v,
                )?;
            }
        }
    }
    let kept = last_sorted(CHART, months, |p| p.month.clone(), MONTHS_SHOWN)?;
    let drawing = RatesTrend::new(
        [Ui::RatesTitle, Ui::RatesAxis, Ui::RatesGapNote],
        &RATE_SERIES,
        kept.iter()
            .map(|p| (p.month.clone(), vec![p.completion, p.success, p.on_time]))
            .collect(),
        targets,
    );
    canvas::render(CHART, lang, &drawing)
}

/// One month of complaint rates (DOMAIN.md section 12), fractions of 1; `None` when no
/// complaint was raised.
#[derive(Clone, Debug, PartialEq)]
pub struct ComplaintRatesPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// 相关问题及时处理完成率: handled in time / raised.
    pub timely: Option<f64>,
    /// Escalated on time / raised.
    pub escalation: Option<f64>,
}

/// The two complaint rate series: their label and look.
const COMPLAINT_SERIES: [(Ui, LineLook); 2] = [
    (
        Ui::ComplaintTimely,
        LineLook {
            color: BLUE,
            dash: Dash::Solid,
            marker: Marker::Circle,
        },
    ),
    (
        Ui::ComplaintEscalation,
        LineLook {
            color: VERMILLION,
            dash: Dash::Dashed,
            marker: Marker::Triangle,
        },
    ),
];

/// The complaints handled in time (timely rate) and escalated on time per month, the last
/// 12 months given, drawn as the return-visit rates are ([`rates_trend`]: markers, labels,
/// the axis zoomed to the data, gaps for months without complaints), with `targets` as
/// dashed rules.
pub fn complaint_rates_trend(
    months: &[ComplaintRatesPoint],
    targets: &[RateTarget],
    lang: Lang,
) -> Result<Chart, ChartError> {
    const CHART: &str = "complaint_rates_trend";
    for point in months {
        for (name, value) in [("timely", point.timely), ("escalation", point.escalation)] {
            if let Some(v) = value {
                check_rate(
                    CHART,
                    || crate::say!("the {name} rate of {}", "{} 的 {name} 率", point.month),
                    v,
                )?;
            }
        }
    }
    let kept = last_sorted(CHART, months, |p| p.month.clone(), MONTHS_SHOWN)?;
    let drawing = RatesTrend::new(
        [
            Ui::ComplaintRatesTitle,
            Ui::ComplaintRatesAxis,
            Ui::ComplaintGapNote,
        ],
        &COMPLAINT_SERIES,
        kept.iter()
            .map(|p| (p.month.clone(), vec![p.timely, p.escalation]))
            .collect(),
        targets,
    );
    canvas::render(CHART, lang, &drawing)
}

/// A chart of rate lines by month: the return-visit rates, the complaint rates.
struct RatesTrend {
    /// Title, y axis, the footnote on gaps.
    texts: [Ui; 3],
    looks: &'static [(Ui, LineLook)],
    months: Vec<String>,
    /// Per series (in `looks` order), per month.
    series: Vec<Vec<Option<f64>>>,
    targets: Vec<RateTarget>,
    /// `None` when no rate is drawn.
    axis: Option<RatesAxis>,
}

impl RatesTrend {
    /// From the months' values, one per series.
    fn new(
        texts: [Ui; 3],
        looks: &'static [(Ui, LineLook)],
        months: Vec<(String, Vec<Option<f64>>)>,
        targets: &[RateTarget],
    ) -> RatesTrend {
        let targets: Vec<RateTarget> = targets
            .iter()
            .map(|t| RateTarget {
                percent: t.percent.min(100),
                ..*t
            })
            .collect();
        let series: Vec<Vec<Option<f64>>> = (0..looks.len())
            .map(|s| months.iter().map(|(_, values)| values[s]).collect())
            .collect();
        // Month by month, series by series: the order the return-visit axis always read.
        let axis = axis_of(
            months.iter().flat_map(|(_, v)| v.iter().copied()).flatten(),
            &targets,
        );
        RatesTrend {
            texts,
            looks,
            months: months.into_iter().map(|(m, _)| m).collect(),
            series,
            targets,
            axis,
        }
    }
}

impl Draw for RatesTrend {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>, cx: &Cx) -> Result<(), ChartError> {
        let [title, axis_desc, gap_note] = self.texts;
        let top = header(root, cx, cx.ui(title), None)?;
        let all = &self.series;
        let axis = match self.axis {
            Some(axis) if all.iter().flatten().any(Option::is_some) => axis,
            _ => return no_data(root, cx, body_rect(top)),
        };
        let target_names: Vec<String> = self
            .targets
            .iter()
            .map(|t| format!("{} {}%", cx.ui(t.label), t.percent))
            .collect();
        let items: Vec<(&str, Swatch)> = self
            .looks
            .iter()
            .map(|(ui, look)| (cx.ui(*ui), Swatch::Line(*look)))
            .chain(
                target_names
                    .iter()
                    .map(|name| (name.as_str(), Swatch::Rule(MID_GREY))),
            )
            .collect();
        legend(root, cx, top + 10, &items)?;
        let area = Rect {
            l: 10,
            t: top + 30,
            r: WIDTH as i32 - 10,
            b: HEIGHT as i32 - 22,
        };
        let months: Vec<&str> = self.months.iter().map(String::as_str).collect();
        let slot = f64::from(area.width() - 90) / months.len() as f64;
        let categories = month_labels(&months, slot);
        let ticks = Ticks::percent_range(axis.lo_percent, axis.hi_percent, axis.step_percent);
        // Room above the top tick for the labels of the highest points.
        let headroom = f64::from(axis.hi_percent - axis.lo_percent) * 0.08;
        let frame = category_axes(
            root,
            cx,
            area,
            &Axes {
                y_desc: cx.ui(axis_desc),
                y: &ticks,
                y_range: (
                    f64::from(axis.lo_percent),
                    f64::from(axis.hi_percent) + headroom,
                ),
                x_desc: cx.ui(Ui::Month),
                categories: &categories,
                right: None,
            },
        )?;
        // The targets first, under the lines.
        for t in &self.targets {
            let y = frame.y.px(f64::from(t.percent));
            polyline(
                root,
                cx,
                &[(frame.plot.l, y), (frame.plot.r, y)],
                MID_GREY,
                Dash::Dashed,
            )?;
        }
        // Per series, per month: the point's value and pixel, or a gap.
        let points: Vec<Vec<Option<Point>>> = all
            .iter()
            .map(|series| {
                series
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v.map(|v| (v, (frame.x_center(i), frame.y.px(v * 100.0)))))
                    .collect()
            })
            .collect();
        for (series, (_, look)) in points.iter().zip(self.looks) {
            for run in series.split(Option::is_none) {
                let run: Vec<(i32, i32)> = run.iter().flatten().map(|(_, p)| *p).collect();
                polyline(root, cx, &run, look.color, look.dash)?;
            }
        }
        for (series, (_, look)) in points.iter().zip(self.looks) {
            for (_, p) in series.iter().flatten() {
                marker(root, cx, *p, look)?;
            }
        }
        // Labels right of their point, spread apart where the rates of a month are close.
        for (i, _) in self.months.iter().enumerate() {
            let column: Vec<(usize, f64, (i32, i32))> = points
                .iter()
                .enumerate()
                .filter_map(|(s, series)| series[i].map(|(v, p)| (s, v, p)))
                .collect();
            let wanted: Vec<i32> = column.iter().map(|(_, _, (_, y))| y - 9).collect();
            let placed = spread(&wanted, 15, frame.plot.t, frame.plot.b - 8);
            for ((s, v, (x, _)), y) in column.iter().zip(placed) {
                text_boxed(
                    root,
                    cx,
                    &percent1(*v),
                    (x + 8, y),
                    VALUE_SIZE,
                    self.looks[*s].1.color,
                    (HPos::Left, VPos::Center),
                )?;
            }
        }
        if all.iter().flatten().any(Option::is_none) {
            footnote(root, cx, cx.ui(gap_note))?;
        }
        Ok(())
    }
}

/// A plotted value and its pixel.
type Point = (f64, (i32, i32));

/// A fraction as a percentage with one decimal: `0.8755` → `87.6%`.
fn percent1(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// The satisfaction-rate trend (left: a line, %) and the mean score per survey question of
/// the month (right: bars on the 1–5 scale), in one image. `trend` is `(YYYY-MM, rate)`,
/// the last 12 months shown; `questions` are `(question token, mean score)` in the order
/// given, at most 20.
pub fn satisfaction(
    trend: &[(String, Option<f64>)],
    questions: &[(String, f64)],
    fine_below_percent: u32,
    lang: Lang,
) -> Result<Chart, ChartError> {
    const CHART: &str = "satisfaction";
    const QUESTIONS_MAX: usize = 20;
    for (month, rate) in trend {
        if let Some(v) = rate {
            check_rate(
                CHART,
                || crate::say!("the satisfaction rate of {month}", "{month} 的满意率"),
                *v,
            )?;
        }
    }
    for (question, score) in questions {
        check_range(
            CHART,
            || crate::say!("the mean score of {question}", "{question} 的平均分"),
            *score,
            (1.0, 5.0),
            "1..=5",
        )?;
    }
    check_categories(
        CHART,
        crate::voice::pick("questions", "问题"),
        questions.iter().map(|(q, _)| q.as_str()),
        QUESTIONS_MAX,
    )?;
    let kept = last_sorted(CHART, trend, |(m, _)| m.clone(), MONTHS_SHOWN)?;
    let drawing = Satisfaction {
        trend: kept.into_iter().cloned().collect(),
        questions: questions.to_vec(),
        fine_below_percent: fine_below_percent.min(100),
    };
    canvas::render(CHART, lang, &drawing)
}

struct Satisfaction {
    trend: Vec<(String, Option<f64>)>,
    questions: Vec<(String, f64)>,
    /// The payout fine threshold of the rules in force (95 % by default, DOMAIN.md §8):
    /// below it, a period's satisfaction earns a fine.
    fine_below_percent: u32,
}

impl Draw for Satisfaction {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>, cx: &Cx) -> Result<(), ChartError> {
        let top = header(root, cx, cx.ui(Ui::SatisfactionTitle), None)?;
        let left = Rect {
            l: 10,
            t: top + 4,
            r: 555,
            b: HEIGHT as i32 - 10,
        };
        let right = Rect {
            l: 575,
            t: top + 4,
            r: WIDTH as i32 - 10,
            b: HEIGHT as i32 - 10,
        };
        self.draw_trend(root, cx, left)?;
        self.draw_questions(root, cx, right)
    }
}

impl Satisfaction {
    fn draw_trend<DB: DrawingBackend>(
        &self,
        root: &Area<DB>,
        cx: &Cx,
        panel: Rect,
    ) -> Result<(), ChartError> {
        panel_title(root, cx, panel, cx.ui(Ui::SatisfactionTrend))?;
        // Below the title, a row for the legend.
        let area = Rect {
            t: panel.t + 56,
            ..panel
        };
        if self.trend.iter().all(|(_, v)| v.is_none()) {
            return no_data(root, cx, inset(area));
        }
        let months: Vec<&str> = self.trend.iter().map(|(m, _)| m.as_str()).collect();
        let slot = f64::from(area.width() - 90) / months.len() as f64;
        let categories = month_labels(&months, slot);
        let ticks = Ticks::percent();
        let frame = category_axes(
            root,
            cx,
            area,
            &Axes {
                y_desc: cx.ui(Ui::SatisfactionAxis),
                y: &ticks,
                y_range: (0.0, 108.0),
                x_desc: cx.ui(Ui::Month),
                categories: &categories,
                right: None,
            },
        )?;
        let look = LineLook {
            color: BLUE,
            dash: Dash::Solid,
            marker: Marker::Circle,
        };
        // The fine threshold: a dashed rule, named in the panel's legend (the rates sit
        // around it, so a label on the line would cover them).
        let threshold = format!("{} {}%", cx.ui(Ui::FineThreshold), self.fine_below_percent);
        legend_at(
            root,
            cx,
            ((frame.plot.l + frame.plot.r) / 2, panel.t + 40),
            &[
                (cx.ui(Ui::SatisfactionRate), Swatch::Line(look)),
                (&threshold, Swatch::Rule(MID_GREY)),
            ],
        )?;
        let y_fine = frame.y.px(f64::from(self.fine_below_percent));
        polyline(
            root,
            cx,
            &[(frame.plot.l, y_fine), (frame.plot.r, y_fine)],
            MID_GREY,
            Dash::Dashed,
        )?;
        let points: Vec<Option<(i32, i32)>> = self
            .trend
            .iter()
            .enumerate()
            .map(|(i, (_, v))| v.map(|v| (frame.x_center(i), frame.y.px(v * 100.0))))
            .collect();
        for run in points.split(Option::is_none) {
            let run: Vec<(i32, i32)> = run.iter().flatten().copied().collect();
            polyline(root, cx, &run, look.color, look.dash)?;
        }
        for p in points.iter().flatten() {
            marker(root, cx, *p, &look)?;
        }
        // Above the point; where neighbours would touch, every other label goes below.
        let narrow = frame.slot() < 46.0;
        for (i, (p, (_, v))) in points.iter().zip(&self.trend).enumerate() {
            let (Some((x, y)), Some(v)) = (p, v) else {
                continue;
            };
            let below = narrow && i % 2 == 1;
            let (at, anchor) = if below {
                ((*x, y + 9), (HPos::Center, VPos::Top))
            } else {
                ((*x, y - 9), (HPos::Center, VPos::Bottom))
            };
            text_boxed(root, cx, &percent1(*v), at, VALUE_SIZE, INK, anchor)?;
        }
        Ok(())
    }

    fn draw_questions<DB: DrawingBackend>(
        &self,
        root: &Area<DB>,
        cx: &Cx,
        panel: Rect,
    ) -> Result<(), ChartError> {
        panel_title(root, cx, panel, cx.ui(Ui::Questions))?;
        let area = Rect {
            t: panel.t + 56,
            ..panel
        };
        if self.questions.is_empty() {
            return no_data(root, cx, inset(area));
        }
        const LABEL_W_MAX: i32 = 150;
        let names: Vec<String> = self.questions.iter().map(|(q, _)| cx.category(q)).collect();
        let mut label_w = 0;
        for name in &names {
            label_w = label_w.max(text_width(cx, name, TICK_SIZE).min(LABEL_W_MAX));
        }
        let plot = Rect {
            l: area.l + label_w + 12,
            t: area.t + 8,
            r: area.r - 44,
            b: area.b - 50,
        };
        let x = Scale {
            lo: 1.0,
            hi: 5.0,
            px_lo: plot.l,
            px_hi: plot.r,
        };
        for score in 1..=5 {
            let px = x.px(f64::from(score));
            root.draw(&plotters::element::PathElement::new(
                vec![(px, plot.t), (px, plot.b)],
                GRID,
            ))
            .drawn(cx)?;
            text(
                root,
                cx,
                &score.to_string(),
                (px, plot.b + 6),
                TICK_SIZE,
                INK,
                (HPos::Center, VPos::Top),
            )?;
        }
        text(
            root,
            cx,
            cx.ui(Ui::ScoreAxis),
            ((plot.l + plot.r) / 2, area.b - 4),
            AXIS_SIZE,
            INK,
            (HPos::Center, VPos::Bottom),
        )?;
        let n = self.questions.len();
        let slot = f64::from(plot.height()) / n as f64;
        let look = FillLook {
            fill: SKY,
            pattern: Pattern::Solid,
            ink: BLUE,
        };
        for (i, ((_, score), name)) in self.questions.iter().zip(&names).enumerate() {
            let centre = plot.t + ((i as f64 + 0.5) * slot).round() as i32;
            let half = ((slot * 0.3).round() as i32).clamp(2, 14);
            bar(
                root,
                cx,
                (plot.l, centre - half, x.px(*score), centre + half),
                &look,
            )?;
            text(
                root,
                cx,
                &format!("{score:.2}"),
                (x.px(*score) + 5, centre),
                VALUE_SIZE,
                INK,
                (HPos::Left, VPos::Center),
            )?;
            // Two lines where the rows leave room for them.
            let lines = if slot >= 36.0 {
                fit_lines(cx, name, TICK_SIZE, LABEL_W_MAX)
            } else {
                vec![fit_line(cx, name, TICK_SIZE, LABEL_W_MAX)]
            };
            let first = centre - 8 * (lines.len() as i32 - 1);
            for (k, line) in lines.iter().enumerate() {
                text(
                    root,
                    cx,
                    line,
                    (plot.l - 6, first + 16 * k as i32),
                    TICK_SIZE,
                    INK,
                    (HPos::Right, VPos::Center),
                )?;
            }
        }
        root.draw(&plotters::element::PathElement::new(
            vec![(plot.l, plot.t), (plot.l, plot.b), (plot.r, plot.b)],
            INK,
        ))
        .drawn(cx)
    }
}

/// A panel's title, centred at its top.
fn panel_title<DB: DrawingBackend>(
    root: &Area<DB>,
    cx: &Cx,
    panel: Rect,
    title: &str,
) -> Result<(), ChartError> {
    text(
        root,
        cx,
        title,
        ((panel.l + panel.r) / 2, panel.t + 4),
        PANEL_TITLE_SIZE,
        INK,
        (HPos::Center, VPos::Top),
    )
}

/// `rect` less a margin, for a "no data" box.
fn inset(rect: Rect) -> Rect {
    Rect {
        l: rect.l + 30,
        t: rect.t + 10,
        r: rect.r - 30,
        b: rect.b - 30,
    }
}

/// The number of bars of the Pareto chart; further issues are summed into "other".
const ISSUES_SHOWN: usize = 10;

/// Issues named in surveys, `(issue token, surveys naming it)`: bars by count, most named
/// first (ties by token; issues named by no survey are left out), with the cumulative
/// share of all mentions as a line on a secondary 0–100 % axis. Past ten issues, the least named are summed into "other",
/// drawn last. `surveys` is the number of surveys in the period, shown in the subtitle.
pub fn issues_pareto(
    issues: &[(String, u64)],
    surveys: u64,
    lang: Lang,
) -> Result<Chart, ChartError> {
    const CHART: &str = "issues_pareto";
    let (bars, mentions) = pareto_bars(CHART, crate::voice::pick("issues", "问题类型"), issues)?;
    let drawing = Pareto {
        of: ParetoOf::Issues { surveys },
        bars,
        mentions,
    };
    canvas::render(CHART, lang, &drawing)
}

/// Complaints by category, `(category token, complaints raised)`: the Pareto chart of
/// [`issues_pareto`] (bars most first, ties by token, past ten categories the rest summed
/// into "other", the cumulative share as a line), with the categories named as the seed
/// names them (服务态度, 需要资讯, … in Chinese: [`super::i18n::complaint_category`]).
pub fn complaints_pareto(categories: &[(String, u64)], lang: Lang) -> Result<Chart, ChartError> {
    const CHART: &str = "complaints_pareto";
    let (bars, mentions) =
        pareto_bars(CHART, crate::voice::pick("categories", "类别"), categories)?;
    let drawing = Pareto {
        of: ParetoOf::Complaints,
        bars,
        mentions,
    };
    canvas::render(CHART, lang, &drawing)
}

/// The bars of a Pareto chart, most first (ties by key, zeros left out), at most
/// [`ISSUES_SHOWN`] with the rest summed into "other" (`None`), and their total. Counts in
/// u128: a sum of u64 counts cannot overflow it.
fn pareto_bars(
    chart: &'static str,
    what: &'static str,
    items: &[(String, u64)],
) -> Result<(Vec<ParetoBar>, u128), ChartError> {
    check_categories(
        chart,
        what,
        items.iter().map(|(i, _)| i.as_str()),
        usize::MAX,
    )?;
    let mut sorted: Vec<(String, u64)> = items.iter().filter(|(_, n)| *n > 0).cloned().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: u128 = sorted.iter().map(|(_, n)| u128::from(*n)).sum();
    let mut bars: Vec<ParetoBar> = Vec::with_capacity(ISSUES_SHOWN);
    if sorted.len() > ISSUES_SHOWN {
        let rest: u128 = sorted[ISSUES_SHOWN - 1..]
            .iter()
            .map(|(_, n)| u128::from(*n))
            .sum();
        bars.extend(
            sorted
                .drain(..ISSUES_SHOWN - 1)
                .map(|(k, n)| (Some(k), u128::from(n))),
        );
        bars.push((None, rest));
    } else {
        bars.extend(sorted.into_iter().map(|(k, n)| (Some(k), u128::from(n))));
    }
    Ok((bars, total))
}

/// A bar of a Pareto chart: its category (`None` is "other") and its count.
type ParetoBar = (Option<String>, u128);

/// What a Pareto chart counts, which sets its words and how its categories are named.
enum ParetoOf {
    /// Survey issues; the surveys of the period, for the subtitle.
    Issues { surveys: u64 },
    /// Complaints by category.
    Complaints,
}

struct Pareto {
    of: ParetoOf,
    bars: Vec<ParetoBar>,
    /// The sum of the bars: issue mentions, or complaints.
    mentions: u128,
}

impl Draw for Pareto {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>, cx: &Cx) -> Result<(), ChartError> {
        let total = group_thousands(&self.mentions.to_string());
        let (title, subtitle, count, count_axis, category_axis, cumulative_axis) = match self.of {
            ParetoOf::Issues { surveys } => (
                Ui::ParetoTitle,
                fill(
                    cx.ui(Ui::ParetoSubtitle),
                    &[&group_thousands(&surveys.to_string()), &total],
                ),
                Ui::IssueCount,
                Ui::IssueCountAxis,
                Ui::IssueAxis,
                Ui::CumulativeAxis,
            ),
            ParetoOf::Complaints => (
                Ui::ComplaintParetoTitle,
                fill(cx.ui(Ui::ComplaintParetoSubtitle), &[&total]),
                Ui::ComplaintCount,
                Ui::ComplaintCountAxis,
                Ui::ComplaintCategoryAxis,
                Ui::ComplaintCumulativeAxis,
            ),
        };
        let top = header(root, cx, cx.ui(title), Some(&subtitle))?;
        if self.bars.is_empty() {
            return no_data(root, cx, body_rect(top));
        }
        let bar_look = FillLook {
            fill: SKY,
            pattern: Pattern::Solid,
            ink: BLUE,
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
                (cx.ui(count), Swatch::Fill(bar_look)),
                (cx.ui(Ui::Cumulative), Swatch::Line(line_look)),
            ],
        )?;
        let area = Rect {
            l: 10,
            t: top + 28,
            r: WIDTH as i32 - 10,
            b: HEIGHT as i32 - 10,
        };
        let max = self.bars.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let ticks = Ticks::counts(max);
        // The same headroom on both axes keeps 100 % level with the top tick's share.
        const HEADROOM: f64 = 1.1;
        let categories: Vec<String> = self
            .bars
            .iter()
            .map(|(k, _)| match k {
                Some(k) => match self.of {
                    ParetoOf::Issues { .. } => cx.category(k),
                    ParetoOf::Complaints => cx.complaint_category(k),
                },
                None => cx.ui(Ui::Other).to_string(),
            })
            .collect();
        let right = Ticks::percent();
        let frame = category_axes(
            root,
            cx,
            area,
            &Axes {
                y_desc: cx.ui(count_axis),
                y: &ticks,
                y_range: (0.0, ticks.max() * HEADROOM),
                x_desc: cx.ui(category_axis),
                categories: &categories,
                right: Some((cx.ui(cumulative_axis), &right, (0.0, 100.0 * HEADROOM))),
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
        let mut line = Vec::with_capacity(self.bars.len());
        for (i, (_, n)) in self.bars.iter().enumerate() {
            let (l, r) = frame.bar_span(i, 0.6);
            let y = frame.y.px(*n as f64);
            bar(root, cx, (l, base, r, y), &bar_look)?;
            text(
                root,
                cx,
                &group_thousands(&n.to_string()),
                (frame.x_center(i), y - 3),
                VALUE_SIZE,
                INK,
                (HPos::Center, VPos::Bottom),
            )?;
            cumulative += *n;
            // A share for drawing: the float only places a pixel and prints one decimal.
            let percent = cumulative as f64 * 100.0 / self.mentions.max(1) as f64;
            line.push((frame.x_center(i), share.px(percent), percent));
        }
        let pixels: Vec<(i32, i32)> = line.iter().map(|(x, y, _)| (*x, *y)).collect();
        polyline(root, cx, &pixels, line_look.color, line_look.dash)?;
        for (i, (x, y, percent)) in line.iter().enumerate() {
            marker(root, cx, (*x, *y), &line_look)?;
            // Right of the point, except the last one, which would run into the right axis.
            let (at, h) = if i + 1 == line.len() {
                ((x - 8, y - 12), HPos::Right)
            } else {
                ((x + 8, y - 12), HPos::Left)
            };
            text_boxed(
                root,
                cx,
                &format!("{percent:.1}%"),
                at,
                VALUE_SIZE,
                INK,
                (h, VPos::Center),
            )?;
        }
        Ok(())
    }
}
