//! KPI gates for CI pipelines: floors, ceilings and the largest allowed change of any KPI of
//! the visits, churn, payouts, complaints, actions and care reports and of the lapse model,
//! against the previous month or a baseline report.
//! Every comparison is exact (see [`Rational`]); a value exactly at its limit passes.
//!
//! No limit passes through f64: a TOML float is read from its decimal text as written (a
//! money limit `min = 1500.10` is exactly 1500.10 yuan, however many digits it has), a
//! string such as `"1500.10"` likewise, and a money limit with more than two decimals is
//! refused rather than rounded.
//!
//! *Architecture invariant:* gates read reports, never the store: the caller computes the
//! reports (this month, the previous one) and hands them over.

mod kpi;
mod rational;
mod render;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use kpi::{
    ActionFigure, CareKpi, ChurnFigure, ComplaintFigure, ComplaintsKpi, Filter, Kpi, LapseFigure,
    LapseFigures, LineFigure, PayoutsKpi, Source, SurveyFigure, TaskFigure, TaskScope, Unit,
    VisitsKpi, kpi_names,
};
pub use rational::Rational;
pub use render::{github_annotations, junit, summary_markdown, table};

use crate::derive::care::CareKind;
use crate::kpi::actions::ActionsReport;
use crate::kpi::care::CareReport;
use crate::kpi::churn::ChurnFigures;
use crate::kpi::complaints::ComplaintsReport;
use crate::kpi::payouts::Statement;
use crate::kpi::visits::VisitsReport;
use crate::model::{Fen, Purpose};
use crate::rules::TASK_KINDS;
use kpi::money;

use Filter as F;
use Unit as U;

/// One `[[gate]]` of a gates file, as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    // Spanned: an unknown KPI is reported with its line.
    kpi: Spanned<String>,
    name: Option<String>,
    kind: Option<String>,
    department: Option<String>,
    category: Option<String>,
    // Spanned: a float's value is read from its text in the file, never from its f64.
    min: Option<Spanned<toml::Value>>,
    max: Option<Spanned<toml::Value>>,
    max_drop: Option<Spanned<toml::Value>>,
    max_rise: Option<Spanned<toml::Value>>,
    baseline_max_drop: Option<Spanned<toml::Value>>,
    baseline_max_rise: Option<Spanned<toml::Value>>,
    #[serde(default)]
    allow_missing: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    gate: Vec<RawGate>,
}

/// A change limit: absolute (in the KPI's unit) or relative (a percentage of the reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Absolute(Rational),
    Relative(Rational),
}

/// A checked gate.
#[derive(Clone, Debug)]
pub struct Gate {
    pub name: String,
    pub kpi: Kpi,
    /// The task kind of a `by_kind.*` KPI.
    pub kind: Option<Purpose>,
    pub department: Option<String>,
    /// The complaint category of a `complaints.by_category.*` KPI.
    pub category: Option<String>,
    pub min: Option<Rational>,
    pub max: Option<Rational>,
    pub max_drop: Option<Change>,
    pub max_rise: Option<Change>,
    pub baseline_max_drop: Option<Change>,
    pub baseline_max_rise: Option<Change>,
    pub allow_missing: bool,
    /// The line (from 1) of the gate's `[[gate]]` header in its file, for CI annotations
    /// that point at it.
    pub line: usize,
}

/// The line (from 1) of the `[[gate]]` header of the table holding the byte `offset` (its
/// `kpi` value): the nearest header line at or before it. A simple scan, not the TOML
/// parser's spans, because toml reports spans of values, not of array-of-tables headers; a
/// `[[gate]]` line inside a multi-line string would mislead it, which no gates file needs.
/// A gate written inline (`gate = [{ kpi = … }]`) has no header: its `kpi` line is used.
fn header_line(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or_default();
    let kpi_line = before.matches('\n').count() + 1;
    before
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.trim_start()
                .strip_prefix("[[")
                .and_then(|rest| rest.trim_start().strip_prefix("gate"))
                .is_some_and(|rest| rest.trim_start().starts_with("]]"))
        })
        .map(|(i, _)| i + 1)
        .last()
        .unwrap_or(kpi_line)
}

/// A gates file that cannot be used: exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{}", crate::say!(
    "{file}: {message}",
    "{file}：{message}",
    file = .file,
    message = .message
))]
pub struct GatesError {
    pub file: String,
    pub message: String,
}

/// Reads a gates file (TOML, one `[[gate]]` table per gate).
pub fn parse_gates(file: &str, text: &str) -> Result<Vec<Gate>, GatesError> {
    let fail = |message: String| GatesError {
        file: file.to_owned(),
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
    if raw.gate.is_empty() {
        return Err(fail(crate::say!(
            "no gates: add at least one [[gate]] table with a kpi and a limit",
            "没有门禁：请至少加一个带 kpi 和限值的 [[gate]] 表"
        )));
    }
    raw.gate
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let at = crate::say!("gate {} (kpi `{}`)", "第 {} 个门禁（kpi `{}`）", i + 1, g.kpi.get_ref());
            let bad = |what: String| fail(crate::say!("{at}: {what}", "{at}：{what}"));
            let kpi = Kpi::parse(g.kpi.get_ref()).map_err(|why| {
                let before = text.get(..g.kpi.span().start).unwrap_or_default();
                let line = before.matches('\n').count() + 1;
                fail(crate::say!("gate {}, line {line}: {why}", "第 {} 个门禁，第 {line} 行：{why}", i + 1))
            })?;
            let unit = kpi.unit();
            match (kpi.filter(), &g.category) {
                (F::Category, None) => {
                    return Err(bad(crate::say!("needs `category = \"…\"` (a complaint category)", "需要 `category = \"…\"`（投诉类别）")));
                }
                (F::Category, Some(_)) if g.kind.is_some() || g.department.is_some() => {
                    return Err(bad(crate::say!("takes no such filter (category applies to complaints.by_category.*, and it alone)", "不接受这种筛选（category 只用于 complaints.by_category.*，且只能单独使用）")));
                }
                (F::Category, Some(_)) => {}
                (_, Some(_)) => {
                    return Err(bad(crate::say!("takes no category filter (category applies to complaints.by_category.*)", "不接受 category 筛选（category 只用于 complaints.by_category.*）")));
                }
                (_, None) => {}
            }
            match (kpi.filter(), &g.kind, &g.department) {
                (F::Category, _, _) => {}
                (F::Kind, None, _) => return Err(bad(crate::say!("needs `kind = \"…\"` (a task kind)", "需要 `kind = \"…\"`（任务类型）"))),
                (F::Department, _, None) => return Err(bad(crate::say!("needs `department = \"…\"`", "需要 `department = \"…\"`"))),
                (F::Kind, _, Some(_)) | (F::None | F::Department | F::OptionalDepartment, Some(_), _) => {
                    return Err(bad(crate::say!("takes no such filter (kind applies to by_kind.*, department to by_department.* and lines.amount)", "不接受这种筛选（kind 用于 by_kind.*，department 用于 by_department.* 和 lines.amount）")));
                }
                (F::None, _, Some(_)) => return Err(bad(crate::say!("takes no department filter", "不接受 department 筛选"))),
                _ => {}
            }
            let kind = match &g.kind {
                None => None,
                // A care KPI's kind is a care task kind, held as the purpose crediting it.
                Some(kind) if kpi.source() == Source::Care => Some(
                    CareKind::ALL
                        .into_iter()
                        .find(|k| k.as_str() == kind)
                        .map(CareKind::purpose)
                        .ok_or_else(|| {
                            bad(crate::say!(
                                "`{kind}` is not a care task kind; use one of {}",
                                "`{kind}` 不是关怀任务类型；请用其中之一：{}",
                                CareKind::ALL.map(CareKind::as_str).join(", ")
                            ))
                        })?,
                ),
                Some(kind) => Some(
                    crate::rules::task_kind(kind)
                        .ok_or_else(|| {
                            bad(crate::say!(
                                "`{kind}` is not a task kind; use one of {}",
                                "`{kind}` 不是任务类型；请用其中之一：{}",
                                TASK_KINDS.map(Purpose::as_str).join(", ")
                            ))
                        })?,
                ),
            };
            let in_fen = |key: &str, r: Rational| -> Result<(), GatesError> {
                if unit == U::Money && !r.is_hundredths() {
                    return Err(bad(crate::say!("{key}: {} has more than two decimals; money is in yuan with at most two (fen), e.g. 1500.10", "{key}：{} 超过两位小数；金额以元为单位，最多两位小数（到分），例如 1500.10", raw_text(text, key, &g))));
                }
                Ok(())
            };
            let level = |key: &str, v: &Option<Spanned<toml::Value>>| -> Result<Option<Rational>, GatesError> {
                let Some(v) = v else { return Ok(None) };
                let r = number(v, text).ok_or_else(|| bad(crate::say!("{key}: `{}` is not a number", "{key}：`{}` 不是数字", v.get_ref())))?;
                if unit == U::Rate && (r < Rational::int(0) || r > Rational::int(1)) {
                    return Err(bad(crate::say!("{key}: {r} is impossible for a rate; rates run from 0 to 1 (write 0.85 for 85 %)", "{key}：{r} 不可能是比率；比率在 0 到 1 之间（85 % 写作 0.85）")));
                }
                in_fen(key, r)?;
                Ok(Some(r))
            };
            let change = |key: &str, v: &Option<Spanned<toml::Value>>| -> Result<Option<Change>, GatesError> {
                let Some(v) = v else { return Ok(None) };
                let c = match v.get_ref() {
                    toml::Value::String(s) if s.ends_with('%') => Rational::parse_decimal(s.trim_end_matches('%').trim()).map(Change::Relative),
                    _ => number(v, text).map(Change::Absolute),
                }
                .ok_or_else(|| bad(crate::say!("{key}: `{}` is not a limit; write a number in the KPI's unit (0.05) or a percentage of the earlier value (\"5%\")", "{key}：`{}` 不是限值；请写 KPI 单位下的数（0.05），或相对先前值的百分比（\"5%\"）", v.get_ref())))?;
                match c {
                    Change::Absolute(r) | Change::Relative(r) if r.is_negative() => {
                        return Err(bad(crate::say!("{key}: a change limit cannot be negative", "{key}：变化限值不能为负")));
                    }
                    Change::Absolute(r) => in_fen(key, r)?,
                    Change::Relative(_) => {}
                }
                Ok(Some(c))
            };
            let gate = Gate {
                name: g.name.clone().unwrap_or_else(|| match (&g.kind, &g.department, &g.category) {
                    (Some(k), _, _) => format!("{}[{k}]", kpi.name()),
                    (_, Some(d), _) => format!("{}[{d}]", kpi.name()),
                    (_, _, Some(c)) => format!("{}[{c}]", kpi.name()),
                    _ => kpi.name().to_owned(),
                }),
                kpi,
                kind,
                department: g.department.clone(),
                category: g.category.clone(),
                min: level("min", &g.min)?,
                max: level("max", &g.max)?,
                max_drop: change("max_drop", &g.max_drop)?,
                max_rise: change("max_rise", &g.max_rise)?,
                baseline_max_drop: change("baseline_max_drop", &g.baseline_max_drop)?,
                baseline_max_rise: change("baseline_max_rise", &g.baseline_max_rise)?,
                allow_missing: g.allow_missing,
                line: header_line(text, g.kpi.span().start),
            };
            if let (Some(min), Some(max)) = (gate.min, gate.max)
                && min > max
            {
                return Err(bad(crate::say!("min {min} is above max {max}: no value could pass", "min {min} 大于 max {max}：没有任何值能通过")));
            }
            if gate.min.is_none()
                && gate.max.is_none()
                && gate.max_drop.is_none()
                && gate.max_rise.is_none()
                && gate.baseline_max_drop.is_none()
                && gate.baseline_max_rise.is_none()
            {
                return Err(bad(crate::say!("sets no limit: give min, max, max_drop, max_rise, baseline_max_drop or baseline_max_rise", "没有设置限值：请给出 min、max、max_drop、max_rise、baseline_max_drop 或 baseline_max_rise")));
            }
            Ok(gate)
        })
        .collect()
}

/// A limit as written: an integer, a float read from its text in the file (never its f64),
/// or a decimal string.
/// A gate with a `baseline_*` limit needs `--baseline FILE`: without one, every such check
/// would fail (or, with allow_missing, pass) for a reason that is not the KPI's. Exit 2.
pub fn require_baseline(
    file: &str,
    gates: &[Gate],
    baselines_given: usize,
) -> Result<(), GatesError> {
    if baselines_given > 0 {
        return Ok(());
    }
    match gates
        .iter()
        .find(|g| g.baseline_max_drop.is_some() || g.baseline_max_rise.is_some())
    {
        None => Ok(()),
        Some(g) => Err(GatesError {
            file: file.to_owned(),
            message: crate::say!(
                "gate `{}` sets {} but no baseline was given: pass --baseline FILE (a JSON report saved earlier with `report visits|churn|payouts --format json` or `check --format json`)",
                "门禁 `{}` 设置了 {}，但没有给出基线：请传入 --baseline FILE（之前用 `report visits|churn|payouts --format json` 或 `check --format json` 保存的 JSON 报告）",
                g.name,
                if g.baseline_max_drop.is_some() {
                    "baseline_max_drop"
                } else {
                    "baseline_max_rise"
                }
            ),
        }),
    }
}

fn number(v: &Spanned<toml::Value>, source: &str) -> Option<Rational> {
    match v.get_ref() {
        toml::Value::Integer(i) => Some(Rational::int(i128::from(*i))),
        toml::Value::Float(_) => Rational::parse_toml_float(source.get(v.span())?.trim()),
        toml::Value::String(s) => Rational::parse_decimal(s.trim()),
        _ => None,
    }
}

/// The text of a gate's limit as written in the file, for messages.
fn raw_text(source: &str, key: &str, g: &RawGate) -> String {
    let v = match key {
        "min" => &g.min,
        "max" => &g.max,
        "max_drop" => &g.max_drop,
        "max_rise" => &g.max_rise,
        "baseline_max_drop" => &g.baseline_max_drop,
        _ => &g.baseline_max_rise,
    };
    v.as_ref()
        .and_then(|v| source.get(v.span()))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The reports of one month that the gates read.
#[derive(Clone, Debug, Default)]
pub struct Reports {
    pub visits: Option<VisitsReport>,
    pub churn: Option<ChurnFigures>,
    pub payouts: Option<Statement>,
    pub complaints: Option<ComplaintsReport>,
    pub actions: Option<ActionsReport>,
    pub care: Option<CareReport>,
    /// The lapse model as of the month's last day; `None` also when it could not be fitted
    /// (no data: the gate fails unless `allow_missing`).
    pub lapse: Option<LapseFigures>,
}

/// A sum of amounts (from a statement, or a baseline file someone wrote): exact in i128,
/// where fewer than 2^64 amounts of at most 2^63 fen cannot overflow.
fn money_sum(amounts: impl Iterator<Item = Fen>) -> Rational {
    Rational::new(Fen::total_i128(amounts), 100)
}

/// What the payout gates read of a statement: its total and its lines' departments and
/// amounts. A baseline is read into this, so a statement saved by any release, or written
/// by hand, gives its figures without being a statement of today's shape.
#[derive(Clone, Debug, Deserialize)]
struct PayoutFigures {
    total: Fen,
    lines: Vec<PayoutLineFigures>,
}

#[derive(Clone, Debug, Deserialize)]
struct PayoutLineFigures {
    department: String,
    amount: Fen,
}

impl Gate {
    /// The gate's KPI in a month's reports; `None` when there is no data (a rate over
    /// nothing, no surveys for a mean).
    pub fn value(&self, reports: &Reports) -> Option<Rational> {
        match self.kpi {
            Kpi::Visits(kpi) => self.visits_value(kpi, reports.visits.as_ref()?),
            Kpi::Churn(figure) => Some(figure.of(reports.churn.as_ref()?)),
            Kpi::Payouts(kpi) => {
                let p = reports.payouts.as_ref()?;
                Some(self.payouts_value(
                    kpi,
                    p.total,
                    p.lines.iter().map(|l| (l.department.as_str(), l.amount)),
                ))
            }
            Kpi::Complaints(kpi) => self.complaints_value(kpi, reports.complaints.as_ref()?),
            Kpi::Actions(figure) => Some(figure.of(&reports.actions.as_ref()?.counts)),
            Kpi::Care(kpi) => kpi.of(reports.care.as_ref()?, self.care_kind()),
            Kpi::Lapse(figure) => Some(figure.of(reports.lapse.as_ref()?)),
        }
    }

    /// The care task kind of a `care.by_kind.*` gate, as the report names it.
    fn care_kind(&self) -> Option<&'static str> {
        self.kind.and_then(CareKind::of).map(CareKind::as_str)
    }

    /// The gate's `kind` as its gates file wrote it: a task kind, or a care task kind.
    pub fn kind_name(&self) -> Option<&'static str> {
        match self.kpi.source() {
            Source::Care => self.care_kind(),
            _ => self.kind.map(Purpose::as_str),
        }
    }

    fn complaints_value(&self, kpi: ComplaintsKpi, c: &ComplaintsReport) -> Option<Rational> {
        match kpi {
            ComplaintsKpi::Month(figure) => figure.of(&c.complaints),
            ComplaintsKpi::Category(figure) => {
                let category = self.category.as_deref()?;
                let line = c
                    .by_category
                    .iter()
                    .find(|l| l.category == category)
                    .map(|l| l.counts)
                    .unwrap_or_default();
                figure.of(&line)
            }
            ComplaintsKpi::Department(figure) => {
                let department = self.department.as_deref()?;
                let line = c
                    .by_department
                    .iter()
                    .find(|l| l.department == department)
                    .map(|l| l.counts)
                    .unwrap_or_default();
                figure.of(&line)
            }
            ComplaintsKpi::OpenAtEnd => Some(Rational::int(c.open_at_end.into())),
            ComplaintsKpi::OverdueAtEnd => Some(Rational::int(c.overdue_at_end.into())),
            ComplaintsKpi::ReplyHoursMedian => c.reply_hours_median.map(kpi::reply_hours),
        }
    }

    fn visits_value(&self, kpi: VisitsKpi, v: &VisitsReport) -> Option<Rational> {
        match kpi {
            VisitsKpi::Task(TaskScope::All, figure) => figure.of(&v.tasks.counts),
            VisitsKpi::Task(TaskScope::Kind, figure) => figure.of(
                &crate::kpi::visits::kind_counts(&v.by_kind, self.kind?.as_str()),
            ),
            VisitsKpi::Task(TaskScope::Department, figure) => {
                let d = self.department.as_deref()?;
                let counts = v
                    .by_department
                    .iter()
                    .find(|l| l.department == d)
                    .map(|l| l.counts)
                    .unwrap_or_default();
                figure.of(&counts)
            }
            VisitsKpi::UnscheduledAttempts => Some(Rational::int(v.unscheduled_attempts.into())),
            VisitsKpi::Survey(figure) => figure.of(&v.surveys),
        }
    }

    fn payouts_value<'a>(
        &self,
        kpi: PayoutsKpi,
        total: Fen,
        lines: impl Iterator<Item = (&'a str, Fen)>,
    ) -> Rational {
        match (kpi, &self.department) {
            (PayoutsKpi::Total, _) => money(total),
            (PayoutsKpi::LineAmount, Some(d)) => {
                money_sum(lines.filter(|(dept, _)| dept == d).map(|(_, a)| a))
            }
            (PayoutsKpi::LineAmount, None) => money_sum(lines.map(|(_, a)| a)),
        }
    }

    /// The gate's KPI in a JSON report written earlier (any of `report visits|churn|payouts
    /// --format json`, or `check --format json`, which holds all three).
    pub fn baseline_value(&self, baselines: &[serde_json::Value]) -> Option<Rational> {
        for doc in baselines {
            let report = match (doc.get("reports"), self.kpi.source()) {
                (Some(r), Source::Visits) => r.get("visits"),
                (Some(r), Source::Churn) => r.get("churn"),
                (Some(r), Source::Payouts) => r.get("payouts"),
                (Some(r), Source::Complaints) => r.get("complaints"),
                (Some(r), Source::Actions) => r.get("actions"),
                (Some(r), Source::Care) => r.get("care"),
                (Some(r), Source::Lapse) => r.get("lapse"),
                (None, Source::Visits) => doc.get("tasks").map(|_| doc),
                (None, Source::Churn) => doc.get("lost_at_end").map(|_| doc),
                (None, Source::Payouts) => doc.get("lines").map(|_| doc),
                (None, Source::Complaints) => doc.get("open_at_end").map(|_| doc),
                (None, Source::Actions) => doc.get("counts").map(|_| doc),
                (None, Source::Care) => doc.get("by_tier").map(|_| doc),
                (None, Source::Lapse) => doc.get("revenue_at_risk").map(|_| doc),
            };
            let Some(report) = report.filter(|r| !r.is_null()) else {
                continue;
            };
            let value = match self.kpi {
                Kpi::Visits(kpi) => serde_json::from_value::<VisitsReport>(report.clone())
                    .ok()
                    .and_then(|v| self.visits_value(kpi, &v)),
                Kpi::Churn(figure) => serde_json::from_value::<ChurnFigures>(report.clone())
                    .ok()
                    .map(|c| figure.of(&c)),
                Kpi::Payouts(kpi) => serde_json::from_value::<PayoutFigures>(report.clone())
                    .ok()
                    .map(|p| {
                        self.payouts_value(
                            kpi,
                            p.total,
                            p.lines.iter().map(|l| (l.department.as_str(), l.amount)),
                        )
                    }),
                Kpi::Complaints(kpi) => serde_json::from_value::<ComplaintsReport>(report.clone())
                    .ok()
                    .and_then(|c| self.complaints_value(kpi, &c)),
                Kpi::Actions(figure) => serde_json::from_value::<ActionsReport>(report.clone())
                    .ok()
                    .map(|a| figure.of(&a.counts)),
                Kpi::Care(kpi) => serde_json::from_value::<CareReport>(report.clone())
                    .ok()
                    .and_then(|c| kpi.of(&c, self.care_kind())),
                Kpi::Lapse(figure) => serde_json::from_value::<LapseFigures>(report.clone())
                    .ok()
                    .map(|l| figure.of(&l)),
            };
            if value.is_some() {
                return value;
            }
        }
        None
    }

    /// A value for people: rates as percentages, money as yuan.
    pub fn show(&self, value: Rational) -> String {
        match self.kpi.unit() {
            U::Rate => format!("{:.2}%", value.to_f64() * 100.0),
            // Exact: a money value or limit prints every digit it has.
            U::Money => value.to_decimal(2),
            U::Score => format!("{:.3}", value.to_f64()),
            U::Hours => format!("{:.2} h", value.to_f64()),
            U::Count => value.to_string(),
        }
    }

    fn show_change(&self, c: Change) -> String {
        match c {
            Change::Relative(r) => format!("{r}%"),
            Change::Absolute(r) => match self.kpi.unit() {
                U::Rate => format!("{:.2} points", r.to_f64() * 100.0),
                _ => self.show(r),
            },
        }
    }
}

/// The outcome of one check of one gate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    pub gate: String,
    pub kpi: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `min`, `max`, `max_drop`, `max_rise`, `baseline_max_drop` or `baseline_max_rise`.
    pub check: &'static str,
    /// The value, for people (`84.03%`, `1234.50`, `17`), or `no data`.
    pub value: String,
    /// The limit, for people.
    pub limit: String,
    /// What the change was measured against, for change checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub passed: bool,
    /// Why it failed, or why a missing value passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Passed only because the gate sets `allow_missing` (no value, or no reference): CI
    /// shows it as a warning. Not in the JSON, whose keys are a promise to baselines.
    #[serde(skip)]
    pub missing_allowed: bool,
    /// The line of the gate's `[[gate]]` header in the gates file. Not in the JSON.
    #[serde(skip)]
    pub line: usize,
    /// `value`, `reference` and `note` in Chinese, for the table `check` prints under
    /// `--lang zh`. Not in the JSON: the JSON, the JUnit and the annotations keep the English
    /// ones, which a baseline and a CI system read.
    #[serde(skip)]
    pub zh: ShownZh,
}

/// The words of a [`Check`] a person reads, in Chinese.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShownZh {
    pub value: String,
    pub reference: Option<String>,
    pub note: Option<String>,
}

/// A note of a check, in English (JSON, JUnit) and Chinese (the table under `--lang zh`).
type Note = (String, String);

/// Evaluates every gate on this month's reports against the previous month's and the
/// baselines.
pub fn evaluate(
    gates: &[Gate],
    month: &str,
    current: &Reports,
    previous_month: &str,
    previous: &Reports,
    baselines: &[serde_json::Value],
) -> Vec<Check> {
    let mut checks = Vec::new();
    for gate in gates {
        let value = gate.value(current);
        // `outcome` is Ok(note) on a pass (a note when something was missing but allowed).
        let mut push = |check: &'static str,
                        limit: String,
                        reference: Option<Note>,
                        outcome: Result<Option<Note>, Note>| {
            let missing_allowed = match (&value, &outcome) {
                (None, _) => gate.allow_missing,
                // A passing check carries a note only when its reference was missing and
                // allowed (below).
                (Some(_), Ok(Some(_))) => true,
                _ => false,
            };
            let name = &gate.name;
            let (passed, note) = match (&value, outcome) {
                (None, _) if gate.allow_missing => (
                    true,
                    Some((
                        "no data (allow_missing)".to_owned(),
                        "无数据（allow_missing）".to_owned(),
                    )),
                ),
                (None, _) => (
                    false,
                    Some((
                        format!(
                            "no data for {name} in {month}; set allow_missing = true to let it pass"
                        ),
                        format!(
                            "{month} 没有 {name} 的数据；要让它通过，请设置 allow_missing = true"
                        ),
                    )),
                ),
                (Some(_), Ok(note)) => (true, note),
                (Some(_), Err(why)) => (false, Some(why)),
            };
            let shown = value.map(|v| gate.show(v));
            let (reference, reference_zh) = reference.unzip();
            let (note, note_zh) = note.unzip();
            checks.push(Check {
                gate: gate.name.clone(),
                kpi: gate.kpi.name(),
                kind: gate.kind_name().map(str::to_owned),
                department: gate.department.clone(),
                category: gate.category.clone(),
                check,
                value: shown.clone().unwrap_or_else(|| "no data".to_owned()),
                limit,
                reference,
                passed,
                note,
                missing_allowed,
                line: gate.line,
                zh: ShownZh {
                    value: shown.unwrap_or_else(|| "无数据".to_owned()),
                    reference: reference_zh,
                    note: note_zh,
                },
            });
        };
        if let Some(min) = gate.min {
            let ok = value.is_none_or(|v| v >= min);
            push(
                "min",
                gate.show(min),
                None,
                if ok {
                    Ok(None)
                } else {
                    let floor = gate.show(min);
                    Err((
                        format!("below the floor {floor}"),
                        format!("低于下限 {floor}"),
                    ))
                },
            );
        }
        if let Some(max) = gate.max {
            let ok = value.is_none_or(|v| v <= max);
            push(
                "max",
                gate.show(max),
                None,
                if ok {
                    Ok(None)
                } else {
                    let ceiling = gate.show(max);
                    Err((
                        format!("above the ceiling {ceiling}"),
                        format!("高于上限 {ceiling}"),
                    ))
                },
            );
        }
        let changes = [
            (
                "max_drop",
                gate.max_drop,
                true,
                Some(gate.value(previous)),
                (previous_month, previous_month),
            ),
            (
                "max_rise",
                gate.max_rise,
                false,
                Some(gate.value(previous)),
                (previous_month, previous_month),
            ),
            (
                "baseline_max_drop",
                gate.baseline_max_drop,
                true,
                Some(gate.baseline_value(baselines)),
                ("baseline", "基线"),
            ),
            (
                "baseline_max_rise",
                gate.baseline_max_rise,
                false,
                Some(gate.baseline_value(baselines)),
                ("baseline", "基线"),
            ),
        ];
        for (check, limit, is_drop, reference, (label, label_zh)) in changes {
            let (Some(limit), Some(reference)) = (limit, reference) else {
                continue;
            };
            let (reference_text, reference_zh) = match reference {
                Some(r) => {
                    let r = gate.show(r);
                    (format!("{label}: {r}"), format!("{label_zh}：{r}"))
                }
                None => (format!("{label}: no data"), format!("{label_zh}：无数据")),
            };
            let outcome = match (value, reference) {
                (Some(v), Some(r)) => {
                    // Checked: values and limits are far below i128, but a baseline file is
                    // anyone's; an overflow fails the check, it never wraps.
                    let change = if is_drop {
                        r.checked_sub(v)
                    } else {
                        v.checked_sub(r)
                    };
                    let allowed = change.and_then(|change| match limit {
                        Change::Absolute(a) => Some(change <= a),
                        Change::Relative(p) => Some(
                            change.checked_mul(Rational::int(100))?
                                <= p.checked_mul(r.checked_abs()?)?,
                        ),
                    });
                    match (change, allowed) {
                        (Some(_), Some(true)) => Ok(None),
                        (Some(change), Some(false)) => {
                            let same = |by: String| (by.clone(), by);
                            let (by, by_zh) = match limit {
                                Change::Absolute(_) => {
                                    same(gate.show_change(Change::Absolute(change)))
                                }
                                Change::Relative(_) if r.num == 0 => {
                                    ("an infinite share".to_owned(), "无穷大的比例".to_owned())
                                }
                                Change::Relative(_) => same(format!(
                                    "{:.2}%",
                                    change.to_f64() / r.to_f64().abs() * 100.0
                                )),
                            };
                            let limit = gate.show_change(limit);
                            let (moved, moved_zh) = if is_drop {
                                ("dropped", "下降")
                            } else {
                                ("rose", "上升")
                            };
                            Err((
                                format!(
                                    "{moved} by {by} against {reference_text}, more than {limit}"
                                ),
                                format!("与 {reference_zh} 相比{moved_zh}了 {by_zh}，超过 {limit}"),
                            ))
                        }
                        _ => Err((
                            format!(
                                "the change against {reference_text} is too large to compute exactly; check the baseline"
                            ),
                            format!("与 {reference_zh} 相比的变化太大，无法精确计算；请检查基线"),
                        )),
                    }
                }
                (Some(_), None) if gate.allow_missing => Ok(Some((
                    "no reference value (allow_missing)".to_owned(),
                    "没有对照值（allow_missing）".to_owned(),
                ))),
                (Some(_), None) => Err((
                    format!(
                        "no {reference_text}: nothing to compare with; set allow_missing = true to let it pass"
                    ),
                    format!(
                        "没有对照值（{reference_zh}）：无从比较；要让它通过，请设置 allow_missing = true"
                    ),
                )),
                (None, _) => Ok(None),
            };
            push(
                check,
                gate.show_change(limit),
                Some((reference_text, reference_zh)),
                outcome,
            );
        }
    }
    checks
}

/// The whole result, as `check --format json` prints it (usable later as a baseline).
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport<'a> {
    pub month: String,
    pub passed: bool,
    pub failed: usize,
    pub checks: &'a [Check],
    pub reports: BTreeMap<&'static str, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(toml: &str) -> Gate {
        parse_gates("g.toml", toml).unwrap().remove(0)
    }

    /// A payouts baseline is read for its total and line amounts only: a statement written by
    /// hand, without people or with labels today's lines would not read, still gives them.
    #[test]
    fn a_payouts_baseline_gives_its_total_and_line_amounts() {
        let baseline: serde_json::Value = serde_json::from_str(
            r#"{"month": "2024-03", "total": "7.50",
                "lines": [{"period": "W10", "department": "a", "amount": "10.00"},
                          {"period": "?", "department": "b", "amount": "-2.50"},
                          {"department": "a", "amount": "0.25"}]}"#,
        )
        .unwrap();
        let total = gate("[[gate]]\nkpi = \"total\"\nbaseline_max_drop = 1\n");
        assert_eq!(
            total.baseline_value(std::slice::from_ref(&baseline)),
            Some(Rational::new(750, 100))
        );
        let a =
            gate("[[gate]]\nkpi = \"lines.amount\"\ndepartment = \"a\"\nbaseline_max_drop = 1\n");
        // 10.00 + 0.25
        assert_eq!(
            a.baseline_value(std::slice::from_ref(&baseline)),
            Some(Rational::new(1025, 100))
        );
        let all = gate("[[gate]]\nkpi = \"lines.amount\"\nbaseline_max_drop = 1\n");
        // 10.00 − 2.50 + 0.25
        assert_eq!(
            all.baseline_value(std::slice::from_ref(&baseline)),
            Some(Rational::new(775, 100))
        );
    }

    #[test]
    fn a_gate_holds_its_kpi_and_task_kind_typed() {
        let g = gate("[[gate]]\nkpi = \"by_kind.on_time\"\nkind = \"delivery_call_2\"\nmin = 1\n");
        assert_eq!(
            g.kpi,
            Kpi::Visits(VisitsKpi::Task(TaskScope::Kind, TaskFigure::OnTime))
        );
        assert_eq!(g.kind, Some(Purpose::DeliveryCall2));
        assert_eq!(g.name, "by_kind.on_time[delivery_call_2]");
        assert_eq!(g.kpi.source(), Source::Visits);
    }
}
