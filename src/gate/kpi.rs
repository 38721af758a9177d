//! The registry of KPIs a gate can name: each a value of [`Kpi`], with its name in gates
//! files, the report it comes from, the filter it takes and the kind of value it is. A name
//! is parsed once, when the gates file is read; an unknown one is a load error, so reading
//! a value never meets a name it does not know.

use serde::{Deserialize, Serialize};

use crate::kpi::actions::ActionCounts;
use crate::kpi::care::CareReport;
use crate::kpi::churn::ChurnFigures;
use crate::kpi::complaints::{ComplaintTotals, LineCounts};
use crate::kpi::lapse::LapseReport;
use crate::kpi::visits::{Counts, SurveyTotals};
use crate::model::Fen;

use super::Rational;

/// Which report a KPI comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Visits,
    Churn,
    Payouts,
    Complaints,
    Actions,
    Care,
    Lapse,
}

/// The filter a KPI takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    None,
    /// `kind = "…"`, required.
    Kind,
    /// `department = "…"`, required.
    Department,
    /// `department = "…"`, optional.
    OptionalDepartment,
    /// `category = "…"` (a complaint category), required.
    Category,
}

/// The kind of value: rates are fractions 0–1; money is yuan; a score is a mean of 1–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    Rate,
    Money,
    Score,
    /// Working hours (the complaint reply median).
    Hours,
}

/// Which task counts of the visits report a task figure reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskScope {
    /// `tasks.*`: every task due in the month.
    All,
    /// `by_kind.*`, with `kind = "…"`.
    Kind,
    /// `by_department.*`, with `department = "…"`.
    Department,
}

/// A figure of a row of task counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskFigure {
    Due,
    Performed,
    Successful,
    OnTime,
    CompletionRate,
    SuccessRate,
    OnTimeRate,
}

/// A figure of the surveys of the visits report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SurveyFigure {
    Count,
    Satisfied,
    SatisfactionRate,
    MeanOverall,
}

/// A figure of the churn report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChurnFigure {
    LostAtEnd,
    NewlyLost,
    RecoveryAttempts,
    CustomersContacted,
    Recovered,
    ReturnedUnprompted,
    RecoveryRevenue,
    DeclaredLost,
}

/// A figure of the complaints of a month (`complaints.*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplaintFigure {
    Raised,
    EscalatedOnTime,
    HandledInTime,
    ResolvedByEnd,
    TimelyRate,
    EscalationRate,
}

/// A figure of a line of the complaints report, by category or department.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFigure {
    Raised,
    HandledInTime,
    /// handled_in_time / raised of the line.
    TimelyRate,
}

/// A KPI of the complaints report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplaintsKpi {
    Month(ComplaintFigure),
    /// `complaints.by_category.*`, with `category = "…"`.
    Category(LineFigure),
    /// `complaints.by_department.*`, with `department = "…"`.
    Department(LineFigure),
    OpenAtEnd,
    OverdueAtEnd,
    ReplyHoursMedian,
}

/// A count of the actions report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionFigure {
    Raised,
    Due,
    DoneOnTime,
    OverdueAtEnd,
}

/// A KPI a gate can name, by the report it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kpi {
    Visits(VisitsKpi),
    Churn(ChurnFigure),
    Payouts(PayoutsKpi),
    Complaints(ComplaintsKpi),
    Actions(ActionFigure),
    Care(CareKpi),
    Lapse(LapseFigure),
}

/// A figure of the lapse model as of the month's last day (issue 17), money in yuan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LapseFigure {
    /// The service revenue at risk in the next 12 months of the customers on the lapse
    /// list (not lost, consent to be contacted): expected revenue × (1 − P(alive)).
    RevenueAtRisk,
    /// The expected service revenue in the next 12 months of every fitted customer.
    ExpectedRevenue,
}

/// A KPI of the care report (DOMAIN.md section 14).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CareKpi {
    /// `care.tasks.*` (every care task of the month) or `care.by_kind.*`, with
    /// `kind = "tier_care"` or `"insurance_renewal"`.
    Task(TaskScope, TaskFigure),
    UnscheduledAttempts,
}

/// A KPI of the visits report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitsKpi {
    Task(TaskScope, TaskFigure),
    UnscheduledAttempts,
    Survey(SurveyFigure),
}

/// A KPI of the payout statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayoutsKpi {
    /// The statement's total.
    Total,
    /// The sum of the statement's line amounts, of one department or of all.
    LineAmount,
}

const TASK_FIGURES: [TaskFigure; 7] = [
    TaskFigure::Due,
    TaskFigure::Performed,
    TaskFigure::Successful,
    TaskFigure::OnTime,
    TaskFigure::CompletionRate,
    TaskFigure::SuccessRate,
    TaskFigure::OnTimeRate,
];

/// The names of the care report's task figures, by scope (all, kind) then figure.
const CARE_TASK_NAMES: [[&str; 7]; 2] = [
    [
        "care.tasks.due",
        "care.tasks.performed",
        "care.tasks.successful",
        "care.tasks.on_time",
        "care.tasks.completion_rate",
        "care.tasks.success_rate",
        "care.tasks.on_time_rate",
    ],
    [
        "care.by_kind.due",
        "care.by_kind.performed",
        "care.by_kind.successful",
        "care.by_kind.on_time",
        "care.by_kind.completion_rate",
        "care.by_kind.success_rate",
        "care.by_kind.on_time_rate",
    ],
];

/// The names of the task figures, by scope then figure (in [`TASK_FIGURES`] order).
const TASK_NAMES: [[&str; 7]; 3] = [
    [
        "tasks.due",
        "tasks.performed",
        "tasks.successful",
        "tasks.on_time",
        "tasks.completion_rate",
        "tasks.success_rate",
        "tasks.on_time_rate",
    ],
    [
        "by_kind.due",
        "by_kind.performed",
        "by_kind.successful",
        "by_kind.on_time",
        "by_kind.completion_rate",
        "by_kind.success_rate",
        "by_kind.on_time_rate",
    ],
    [
        "by_department.due",
        "by_department.performed",
        "by_department.successful",
        "by_department.on_time",
        "by_department.completion_rate",
        "by_department.success_rate",
        "by_department.on_time_rate",
    ],
];

impl Kpi {
    /// Every KPI, in the order messages and docs list them: visits, churn, payouts,
    /// complaints, actions, care, lapse.
    pub const ALL: [Kpi; 72] = {
        use ChurnFigure as C;
        use ComplaintFigure as Cf;
        use ComplaintsKpi as Ck;
        use Kpi::{Churn, Visits};
        use LineFigure as Lf;
        use SurveyFigure as Sv;
        use TaskScope::{All, Department, Kind};
        use VisitsKpi::{Survey, Task};
        let mut all = [Kpi::Payouts(PayoutsKpi::Total); 72];
        let mut i = 0;
        let scopes = [All, Kind, Department];
        let mut s = 0;
        while s < 3 {
            let mut f = 0;
            while f < 7 {
                all[i] = Visits(Task(scopes[s], TASK_FIGURES[f]));
                i += 1;
                f += 1;
            }
            s += 1;
        }
        let rest = [
            Visits(VisitsKpi::UnscheduledAttempts),
            Visits(Survey(Sv::Count)),
            Visits(Survey(Sv::Satisfied)),
            Visits(Survey(Sv::SatisfactionRate)),
            Visits(Survey(Sv::MeanOverall)),
            Churn(C::LostAtEnd),
            Churn(C::NewlyLost),
            Churn(C::RecoveryAttempts),
            Churn(C::CustomersContacted),
            Churn(C::Recovered),
            Churn(C::ReturnedUnprompted),
            Churn(C::RecoveryRevenue),
            Churn(C::DeclaredLost),
            Kpi::Payouts(PayoutsKpi::Total),
            Kpi::Payouts(PayoutsKpi::LineAmount),
            Kpi::Complaints(Ck::Month(Cf::Raised)),
            Kpi::Complaints(Ck::Month(Cf::EscalatedOnTime)),
            Kpi::Complaints(Ck::Month(Cf::HandledInTime)),
            Kpi::Complaints(Ck::Month(Cf::ResolvedByEnd)),
            Kpi::Complaints(Ck::Month(Cf::TimelyRate)),
            Kpi::Complaints(Ck::Month(Cf::EscalationRate)),
            Kpi::Complaints(Ck::Category(Lf::Raised)),
            Kpi::Complaints(Ck::Category(Lf::HandledInTime)),
            Kpi::Complaints(Ck::Category(Lf::TimelyRate)),
            Kpi::Complaints(Ck::Department(Lf::Raised)),
            Kpi::Complaints(Ck::Department(Lf::HandledInTime)),
            Kpi::Complaints(Ck::Department(Lf::TimelyRate)),
            Kpi::Complaints(Ck::OpenAtEnd),
            Kpi::Complaints(Ck::OverdueAtEnd),
            Kpi::Complaints(Ck::ReplyHoursMedian),
            Kpi::Actions(ActionFigure::Raised),
            Kpi::Actions(ActionFigure::Due),
            Kpi::Actions(ActionFigure::DoneOnTime),
            Kpi::Actions(ActionFigure::OverdueAtEnd),
        ];
        let mut r = 0;
        while r < rest.len() {
            all[i] = rest[r];
            i += 1;
            r += 1;
        }
        let care_scopes = [All, Kind];
        let mut s = 0;
        while s < 2 {
            let mut f = 0;
            while f < 7 {
                all[i] = Kpi::Care(CareKpi::Task(care_scopes[s], TASK_FIGURES[f]));
                i += 1;
                f += 1;
            }
            s += 1;
        }
        all[i] = Kpi::Care(CareKpi::UnscheduledAttempts);
        i += 1;
        all[i] = Kpi::Lapse(LapseFigure::RevenueAtRisk);
        i += 1;
        all[i] = Kpi::Lapse(LapseFigure::ExpectedRevenue);
        i += 1;
        assert!(i == 72, "every KPI is listed once");
        all
    };

    /// The name a gates file uses.
    pub fn name(self) -> &'static str {
        match self {
            Kpi::Visits(VisitsKpi::Task(scope, figure)) => {
                TASK_NAMES[scope as usize][figure as usize]
            }
            Kpi::Visits(VisitsKpi::UnscheduledAttempts) => "unscheduled_attempts",
            Kpi::Visits(VisitsKpi::Survey(f)) => match f {
                SurveyFigure::Count => "surveys.count",
                SurveyFigure::Satisfied => "surveys.satisfied",
                SurveyFigure::SatisfactionRate => "surveys.satisfaction_rate",
                SurveyFigure::MeanOverall => "surveys.mean_overall",
            },
            Kpi::Churn(f) => match f {
                ChurnFigure::LostAtEnd => "lost_at_end",
                ChurnFigure::NewlyLost => "newly_lost",
                ChurnFigure::RecoveryAttempts => "recovery_attempts",
                ChurnFigure::CustomersContacted => "customers_contacted",
                ChurnFigure::Recovered => "recovered",
                ChurnFigure::ReturnedUnprompted => "returned_unprompted",
                ChurnFigure::RecoveryRevenue => "recovery_revenue",
                ChurnFigure::DeclaredLost => "declared_lost",
            },
            Kpi::Payouts(PayoutsKpi::Total) => "total",
            Kpi::Payouts(PayoutsKpi::LineAmount) => "lines.amount",
            Kpi::Complaints(k) => match k {
                ComplaintsKpi::Month(f) => match f {
                    ComplaintFigure::Raised => "complaints.raised",
                    ComplaintFigure::EscalatedOnTime => "complaints.escalated_on_time",
                    ComplaintFigure::HandledInTime => "complaints.handled_in_time",
                    ComplaintFigure::ResolvedByEnd => "complaints.resolved_by_end",
                    ComplaintFigure::TimelyRate => "complaints.timely_rate",
                    ComplaintFigure::EscalationRate => "complaints.escalation_rate",
                },
                ComplaintsKpi::Category(f) => match f {
                    LineFigure::Raised => "complaints.by_category.raised",
                    LineFigure::HandledInTime => "complaints.by_category.handled_in_time",
                    LineFigure::TimelyRate => "complaints.by_category.timely_rate",
                },
                ComplaintsKpi::Department(f) => match f {
                    LineFigure::Raised => "complaints.by_department.raised",
                    LineFigure::HandledInTime => "complaints.by_department.handled_in_time",
                    LineFigure::TimelyRate => "complaints.by_department.timely_rate",
                },
                ComplaintsKpi::OpenAtEnd => "complaints.open_at_end",
                ComplaintsKpi::OverdueAtEnd => "complaints.overdue_at_end",
                ComplaintsKpi::ReplyHoursMedian => "complaints.reply_hours_median",
            },
            Kpi::Actions(f) => match f {
                ActionFigure::Raised => "actions.raised",
                ActionFigure::Due => "actions.due",
                ActionFigure::DoneOnTime => "actions.done_on_time",
                ActionFigure::OverdueAtEnd => "actions.overdue_at_end",
            },
            Kpi::Care(CareKpi::Task(scope, figure)) => {
                CARE_TASK_NAMES[usize::from(scope != TaskScope::All)][figure as usize]
            }
            Kpi::Care(CareKpi::UnscheduledAttempts) => "care.unscheduled_attempts",
            Kpi::Lapse(LapseFigure::RevenueAtRisk) => "lapse.revenue_at_risk",
            Kpi::Lapse(LapseFigure::ExpectedRevenue) => "lapse.expected_revenue",
        }
    }

    pub fn source(self) -> Source {
        match self {
            Kpi::Visits(_) => Source::Visits,
            Kpi::Churn(_) => Source::Churn,
            Kpi::Payouts(_) => Source::Payouts,
            Kpi::Complaints(_) => Source::Complaints,
            Kpi::Actions(_) => Source::Actions,
            Kpi::Care(_) => Source::Care,
            Kpi::Lapse(_) => Source::Lapse,
        }
    }

    pub fn filter(self) -> Filter {
        match self {
            Kpi::Visits(VisitsKpi::Task(TaskScope::All, _)) => Filter::None,
            Kpi::Visits(VisitsKpi::Task(TaskScope::Kind, _))
            | Kpi::Care(CareKpi::Task(TaskScope::Kind, _)) => Filter::Kind,
            Kpi::Visits(VisitsKpi::Task(TaskScope::Department, _)) => Filter::Department,
            Kpi::Payouts(PayoutsKpi::LineAmount) => Filter::OptionalDepartment,
            Kpi::Complaints(ComplaintsKpi::Category(_)) => Filter::Category,
            Kpi::Complaints(ComplaintsKpi::Department(_)) => Filter::Department,
            Kpi::Visits(VisitsKpi::UnscheduledAttempts | VisitsKpi::Survey(_))
            | Kpi::Churn(_)
            | Kpi::Payouts(PayoutsKpi::Total)
            | Kpi::Complaints(
                ComplaintsKpi::Month(_)
                | ComplaintsKpi::OpenAtEnd
                | ComplaintsKpi::OverdueAtEnd
                | ComplaintsKpi::ReplyHoursMedian,
            )
            | Kpi::Actions(_)
            | Kpi::Care(CareKpi::Task(TaskScope::All | TaskScope::Department, _))
            | Kpi::Care(CareKpi::UnscheduledAttempts)
            | Kpi::Lapse(_) => Filter::None,
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Kpi::Visits(VisitsKpi::Task(_, f)) => match f {
                TaskFigure::Due
                | TaskFigure::Performed
                | TaskFigure::Successful
                | TaskFigure::OnTime => Unit::Count,
                TaskFigure::CompletionRate | TaskFigure::SuccessRate | TaskFigure::OnTimeRate => {
                    Unit::Rate
                }
            },
            Kpi::Visits(VisitsKpi::UnscheduledAttempts) => Unit::Count,
            Kpi::Visits(VisitsKpi::Survey(f)) => match f {
                SurveyFigure::Count | SurveyFigure::Satisfied => Unit::Count,
                SurveyFigure::SatisfactionRate => Unit::Rate,
                SurveyFigure::MeanOverall => Unit::Score,
            },
            Kpi::Churn(ChurnFigure::RecoveryRevenue) | Kpi::Payouts(_) => Unit::Money,
            Kpi::Churn(_) => Unit::Count,
            Kpi::Complaints(k) => match k {
                ComplaintsKpi::Month(
                    ComplaintFigure::TimelyRate | ComplaintFigure::EscalationRate,
                )
                | ComplaintsKpi::Category(LineFigure::TimelyRate)
                | ComplaintsKpi::Department(LineFigure::TimelyRate) => Unit::Rate,
                ComplaintsKpi::ReplyHoursMedian => Unit::Hours,
                _ => Unit::Count,
            },
            Kpi::Actions(_) => Unit::Count,
            Kpi::Care(CareKpi::Task(_, f)) => {
                Kpi::Visits(VisitsKpi::Task(TaskScope::All, f)).unit()
            }
            Kpi::Care(CareKpi::UnscheduledAttempts) => Unit::Count,
            Kpi::Lapse(_) => Unit::Money,
        }
    }

    /// Reads a KPI name as a gates file writes it. An unknown name is refused with the
    /// nearest known one, when one is near, and the list of all.
    pub fn parse(name: &str) -> Result<Kpi, String> {
        if let Some(kpi) = Kpi::ALL.into_iter().find(|k| k.name() == name) {
            return Ok(kpi);
        }
        let nearest = Kpi::ALL
            .into_iter()
            .map(|k| (edit_distance(name, k.name()), k.name()))
            .min()
            .filter(|&(d, near)| d <= NEAR_EDITS_MAX && 3 * d <= near.len())
            .map(|(_, n)| crate::say!("did you mean `{n}`? ", "是不是要写 `{n}`？"))
            .unwrap_or_default();
        Err(crate::say!(
            "unknown KPI `{}`; {nearest}the KPIs are: {}",
            "未知的 KPI `{}`；{nearest}KPI 有：{}",
            name.escape_debug(),
            kpi_names().join(", ")
        ))
    }
}

/// How many single-character edits away a name may be for "did you mean": enough for a
/// typo and a wrong report prefix (`visits.` for `tasks.`). The edits must also be at most a
/// third of the known name, so a short word (`profit`) is not "near" a short name (`total`).
const NEAR_EDITS_MAX: usize = 6;

/// The longest name compared for suggestions: a gates file is anyone's, and the distance is
/// quadratic in the lengths. Longer names get no suggestion.
const SUGGEST_CHARS_MAX: usize = 64;

/// The Levenshtein distance between two short names, in characters; `usize::MAX` for a name
/// too long to compare.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > SUGGEST_CHARS_MAX || b.len() > SUGGEST_CHARS_MAX {
        return usize::MAX;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The KPI names a gate can use, for messages and docs.
pub fn kpi_names() -> Vec<&'static str> {
    Kpi::ALL.iter().map(|k| k.name()).collect()
}

fn rate(n: u64, d: u64) -> Option<Rational> {
    (d > 0).then(|| Rational::new(i128::from(n), i128::from(d)))
}

pub(super) fn money(fen: Fen) -> Rational {
    Rational::new(i128::from(fen.0), 100)
}

impl TaskFigure {
    /// The figure of a row of counts; `None` for a rate over no tasks.
    pub(super) fn of(self, c: &Counts) -> Option<Rational> {
        Some(match self {
            TaskFigure::Due => Rational::int(c.due.into()),
            TaskFigure::Performed => Rational::int(c.performed.into()),
            TaskFigure::Successful => Rational::int(c.successful.into()),
            TaskFigure::OnTime => Rational::int(c.on_time.into()),
            TaskFigure::CompletionRate => return rate(c.performed, c.due),
            TaskFigure::SuccessRate => return rate(c.successful, c.due),
            TaskFigure::OnTimeRate => return rate(c.on_time, c.due),
        })
    }
}

impl SurveyFigure {
    /// The figure of the surveys; `None` for a rate or mean over no surveys.
    pub(super) fn of(self, s: &SurveyTotals) -> Option<Rational> {
        match self {
            SurveyFigure::Count => Some(Rational::int(s.count.into())),
            SurveyFigure::Satisfied => Some(Rational::int(s.satisfied.into())),
            SurveyFigure::SatisfactionRate => rate(s.satisfied, s.count),
            // The mean is sum/count; the sum is an integer below 2^52, so mean × count
            // recovers it exactly.
            SurveyFigure::MeanOverall => s
                .mean_overall
                .map(|m| Rational::new((m * s.count as f64).round() as i128, i128::from(s.count))),
        }
    }
}

impl ChurnFigure {
    pub(super) fn of(self, c: &ChurnFigures) -> Rational {
        match self {
            ChurnFigure::LostAtEnd => Rational::int(c.lost_at_end.into()),
            ChurnFigure::NewlyLost => Rational::int(c.newly_lost.into()),
            ChurnFigure::RecoveryAttempts => Rational::int(c.recovery_attempts.into()),
            ChurnFigure::CustomersContacted => Rational::int(c.customers_contacted.into()),
            ChurnFigure::Recovered => Rational::int(c.recovered.into()),
            ChurnFigure::ReturnedUnprompted => Rational::int(c.returned_unprompted.into()),
            ChurnFigure::RecoveryRevenue => money(c.recovery_revenue),
            ChurnFigure::DeclaredLost => Rational::int(c.declared_lost.into()),
        }
    }
}

impl CareKpi {
    /// The figure of a care report; `kind` is the gate's `kind` for `care.by_kind.*`.
    pub(super) fn of(self, r: &CareReport, kind: Option<&str>) -> Option<Rational> {
        match self {
            CareKpi::Task(TaskScope::Kind, figure) => {
                figure.of(&crate::kpi::visits::kind_counts(&r.by_kind, kind?))
            }
            CareKpi::Task(_, figure) => figure.of(&r.tasks.counts),
            CareKpi::UnscheduledAttempts => Some(Rational::int(r.unscheduled_attempts.into())),
        }
    }
}

impl ComplaintFigure {
    /// The figure of a month's complaints; `None` for a rate over none.
    pub(super) fn of(self, c: &ComplaintTotals) -> Option<Rational> {
        Some(match self {
            ComplaintFigure::Raised => Rational::int(c.raised.into()),
            ComplaintFigure::EscalatedOnTime => Rational::int(c.escalated_on_time.into()),
            ComplaintFigure::HandledInTime => Rational::int(c.handled_in_time.into()),
            ComplaintFigure::ResolvedByEnd => Rational::int(c.resolved_by_end.into()),
            ComplaintFigure::TimelyRate => return rate(c.handled_in_time, c.raised),
            ComplaintFigure::EscalationRate => return rate(c.escalated_on_time, c.raised),
        })
    }
}

impl LineFigure {
    /// The figure of a line (zeros for a category or department with no complaint).
    pub(super) fn of(self, c: &LineCounts) -> Option<Rational> {
        match self {
            LineFigure::Raised => Some(Rational::int(c.raised.into())),
            LineFigure::HandledInTime => Some(Rational::int(c.handled_in_time.into())),
            LineFigure::TimelyRate => rate(c.handled_in_time, c.raised),
        }
    }
}

/// The median reply time, exactly: the report holds (a + b) / 7200 or a / 3600 hours for
/// whole seconds a and b, an f64 within half an ulp of it; times 7200 it is within far less
/// than ½ of the integer a + b (or 2a), which rounding recovers (below 2^53).
pub(super) fn reply_hours(median: f64) -> Rational {
    Rational::new((median * 7200.0).round() as i128, 7200)
}

/// What the lapse gates read of a lapse report: the date it is as of and its two money
/// totals. `check --format json` files this as `reports.lapse` (the list itself, with its
/// names and phones, stays out of a file CI keeps); a baseline is read into it from there or
/// from a saved `careledger lapse --format json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LapseFigures {
    pub as_of: String,
    pub expected_revenue: Fen,
    pub revenue_at_risk: Fen,
}

impl LapseFigures {
    pub fn of(report: &LapseReport) -> LapseFigures {
        LapseFigures {
            as_of: report.as_of.clone(),
            expected_revenue: report.expected_revenue,
            revenue_at_risk: report.revenue_at_risk,
        }
    }
}

impl LapseFigure {
    pub(super) fn of(self, l: &LapseFigures) -> Rational {
        match self {
            LapseFigure::RevenueAtRisk => money(l.revenue_at_risk),
            LapseFigure::ExpectedRevenue => money(l.expected_revenue),
        }
    }
}

impl ActionFigure {
    pub(super) fn of(self, c: &ActionCounts) -> Rational {
        Rational::int(
            match self {
                ActionFigure::Raised => c.raised,
                ActionFigure::Due => c.due,
                ActionFigure::DoneOnTime => c.done_on_time,
                ActionFigure::OverdueAtEnd => c.overdue_at_end,
            }
            .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kpi_has_one_name_that_parses_back_to_it() {
        let names = kpi_names();
        assert_eq!(names.len(), 72);
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 72, "names are unique");
        for kpi in Kpi::ALL {
            assert_eq!(Kpi::parse(kpi.name()), Ok(kpi));
        }
        // A few by hand: the name, its report, its filter and its kind of value.
        let by_hand = [
            (
                "tasks.completion_rate",
                Source::Visits,
                Filter::None,
                Unit::Rate,
            ),
            ("by_kind.due", Source::Visits, Filter::Kind, Unit::Count),
            (
                "by_department.on_time_rate",
                Source::Visits,
                Filter::Department,
                Unit::Rate,
            ),
            (
                "surveys.mean_overall",
                Source::Visits,
                Filter::None,
                Unit::Score,
            ),
            ("recovery_revenue", Source::Churn, Filter::None, Unit::Money),
            (
                "returned_unprompted",
                Source::Churn,
                Filter::None,
                Unit::Count,
            ),
            ("total", Source::Payouts, Filter::None, Unit::Money),
            (
                "complaints.timely_rate",
                Source::Complaints,
                Filter::None,
                Unit::Rate,
            ),
            (
                "complaints.by_category.raised",
                Source::Complaints,
                Filter::Category,
                Unit::Count,
            ),
            (
                "complaints.by_department.timely_rate",
                Source::Complaints,
                Filter::Department,
                Unit::Rate,
            ),
            (
                "complaints.reply_hours_median",
                Source::Complaints,
                Filter::None,
                Unit::Hours,
            ),
            (
                "actions.overdue_at_end",
                Source::Actions,
                Filter::None,
                Unit::Count,
            ),
            (
                "lines.amount",
                Source::Payouts,
                Filter::OptionalDepartment,
                Unit::Money,
            ),
            ("declared_lost", Source::Churn, Filter::None, Unit::Count),
            (
                "care.tasks.completion_rate",
                Source::Care,
                Filter::None,
                Unit::Rate,
            ),
            ("care.by_kind.due", Source::Care, Filter::Kind, Unit::Count),
            (
                "care.unscheduled_attempts",
                Source::Care,
                Filter::None,
                Unit::Count,
            ),
            (
                "lapse.revenue_at_risk",
                Source::Lapse,
                Filter::None,
                Unit::Money,
            ),
            (
                "lapse.expected_revenue",
                Source::Lapse,
                Filter::None,
                Unit::Money,
            ),
        ];
        for (name, source, filter, unit) in by_hand {
            let kpi = Kpi::parse(name).unwrap();
            assert_eq!(
                (kpi.source(), kpi.filter(), kpi.unit()),
                (source, filter, unit)
            );
        }
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_nearest_and_the_list() {
        let e = Kpi::parse("visits.completion_rat").unwrap_err();
        assert!(
            e.starts_with(
                "unknown KPI `visits.completion_rat`; did you mean `tasks.completion_rate`? the KPIs are: tasks.due, tasks.performed,"
            ),
            "{e}"
        );
        assert!(
            e.ends_with("care.unscheduled_attempts, lapse.revenue_at_risk, lapse.expected_revenue"),
            "{e}"
        );
        assert!(
            Kpi::parse("totl")
                .unwrap_err()
                .starts_with("unknown KPI `totl`; did you mean `total`?")
        );
        // Nothing near (5 edits from `total`, more than a third of it): only the list.
        let e = Kpi::parse("profit").unwrap_err();
        assert!(
            e.starts_with("unknown KPI `profit`; the KPIs are: tasks.due,"),
            "{e}"
        );
        let long = "x".repeat(10_000);
        assert!(!Kpi::parse(&long).unwrap_err().contains("did you mean"));
    }

    #[test]
    fn edit_distances_count_single_character_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "total"), 5);
        assert_eq!(edit_distance("total", "total"), 0);
        // visits → tasks is v→t, i→a, drop i, t→k; then the missing final e.
        assert_eq!(
            edit_distance("visits.completion_rat", "tasks.completion_rate"),
            5
        );
    }
}
