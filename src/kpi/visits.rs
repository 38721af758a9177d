//! The return-visit report (回访月报, DOMAIN.md sections 4, 6 and 9): tasks due in a period
//! and what became of them, unscheduled attempts, and the period's surveys.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::rate;
use crate::derive::tasks::{CustomerTasks, Owners};
use crate::model::privacy::{PHONE_DIGITS_MIN, mask_digit_runs};
use crate::model::{Day, Kind, Outcome, Period, PeriodKind, Purpose, Record, Staff, Timestamp};
use crate::rules::Rules;
use crate::store::facts::{SurveyAnswersFact, TASK_ON_TIME, TASK_PERFORMED, TASK_SUCCESSFUL};
use crate::store::{Reader, StoreError};

/// How many issues `top_issues` lists.
pub const TOP_ISSUES_MAX: usize = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitsReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week: Option<String>,
    pub tasks: TaskTotals,
    pub by_kind: Vec<KindLine>,
    pub by_department: Vec<DepartmentLine>,
    pub unscheduled_attempts: u64,
    pub surveys: SurveyTotals,
    pub questions: Vec<QuestionLine>,
    pub top_issues: Vec<IssueLine>,
    /// The period's tasks by their owner (`TaskRule::owner`): sorted by staff id, the
    /// tasks without one (a pool kind, or a rule that finds nobody) last under `null`.
    #[serde(default)]
    pub by_owner: Vec<StaffLine>,
    /// The period's performed tasks by the staff id of their first credited attempt (the
    /// call that decides `on_time`): sorted by staff id, attempts without one last under
    /// `null`. A task never attempted has no caller and is in no line, so every line's
    /// `due` equals its `performed`, and the lines add up to `tasks.performed`.
    #[serde(default)]
    pub by_caller: Vec<StaffLine>,
    /// Per task kind of `by_kind`, the outcomes of every attempt credited to the period's
    /// tasks of that kind, whenever the attempt was made.
    #[serde(default)]
    pub outcomes: Vec<OutcomeLine>,
    /// Per task kind of `by_kind`, the period's tasks that are not successful: the
    /// performed ones by the outcome of their last credited attempt, the others as
    /// `not_attempted` (the manager's list of 无人接听 / 空号 / 拒访).
    #[serde(default)]
    pub unsuccessful_by_last_outcome: Vec<UnsuccessfulLine>,
    /// The period's surveys by the department they are about (`subject_department`), sorted
    /// by department: satisfaction as in `surveys`, per department. The after-sales line is
    /// the 回访月报's 对上次维修的满意度.
    #[serde(default)]
    pub satisfaction_by_department: Vec<DepartmentSatisfaction>,
    /// The answers of the period's surveys by the department the survey is about (sorted by
    /// department), each department's questions in [`question_order`]: the mean score and
    /// the 满意率, the share of answers of at least `surveys.satisfied_overall_min`.
    #[serde(default)]
    pub questions_by_department: Vec<DepartmentQuestions>,
    /// The period's survey comments, phone-like digit runs masked, by survey id. Personal
    /// data: for people (the Markdown), never in the JSON.
    #[serde(skip)]
    pub comments: Vec<SurveyComment>,
    /// The headline figures of the same month a year before (a month report only).
    #[serde(skip)]
    pub last_year: Option<Headline>,
    /// The latest record time of the store, and what it means for this period.
    #[serde(skip)]
    pub data_through: Option<DataThrough>,
}

/// Satisfaction of the surveys about one department.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartmentSatisfaction {
    pub department: String,
    pub surveys: u64,
    /// Surveys with `overall` of at least `surveys.satisfied_overall_min`.
    pub satisfied: u64,
    pub satisfaction_rate: Option<f64>,
    pub mean_overall: Option<f64>,
}

/// The answers of the surveys about one department.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartmentQuestions {
    pub department: String,
    pub questions: Vec<QuestionSatisfaction>,
}

/// One question's answers: their mean and their 满意率.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionSatisfaction {
    pub question: String,
    pub answers: u64,
    pub mean_score: f64,
    /// Answers scoring at least `surveys.satisfied_overall_min`.
    pub satisfied: u64,
    /// satisfied / answers.
    pub satisfaction_rate: f64,
}

/// A survey's comment as a report may show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyComment {
    pub survey_id: String,
    pub day: Day,
    pub department: String,
    pub overall: u8,
    /// The survey's distinct issue tokens, sorted; empty when it names none.
    pub issues: Vec<String>,
    /// Phone-like digit runs masked ([`crate::model::privacy::mask_digit_runs`]), line
    /// breaks as spaces.
    pub text: String,
}

/// The headline figures of a period: what the Markdown sets beside this period's.
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    pub label: String,
    pub tasks: Counts,
    pub surveys: SurveyTotals,
}

/// How far the store's data reaches, against a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataThrough {
    /// The latest time any current record is dated by (`Reader::latest_time`).
    pub latest: Timestamp,
    pub status: DataStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataStatus {
    /// The data reaches past the period's end and its grace: the figures are settled.
    Settled,
    /// The data reaches into the period or its grace: attempts up to `settles_at` (the
    /// period's end plus the visits grace) may still change the figures.
    InGrace { settles_at: Timestamp },
    /// The period begins after the latest record.
    BeyondData,
}

impl DataThrough {
    /// Where `latest` stands against `period` and a grace of `grace_seconds`.
    pub fn new(latest: Timestamp, period: &Period, grace_seconds: i64) -> DataThrough {
        let settles_at = Timestamp(Day(period.last.0 + 1).start().0 + grace_seconds);
        let status = if latest < period.first.start() {
            DataStatus::BeyondData
        } else if latest < settles_at {
            DataStatus::InGrace { settles_at }
        } else {
            DataStatus::Settled
        };
        DataThrough { latest, status }
    }
}

/// The questions in the order the reports list them, per subject department: the
/// department's own questions as the survey asks them (the generator's lists), then every
/// other known question in this table's order. A question not listed here comes after,
/// by token.
pub const QUESTION_ORDER: &[(&str, &[&str])] = &[
    (
        "sales",
        &[
            "consultant_attitude",
            "delivery_explanation",
            "vehicle_condition",
            "price_transparency",
            "delivery_timeliness",
        ],
    ),
    (
        "after_sales",
        &[
            "advisor_attitude",
            "repair_quality",
            "waiting_time",
            "price_transparency",
            "car_wash",
        ],
    ),
    (
        "customer_care",
        &[
            "staff_attitude",
            "communication",
            "problem_resolution",
            "call_timing",
        ],
    ),
    (
        "insurance",
        &["claim_speed", "price_transparency", "staff_attitude"],
    ),
];

/// The sort key of a question in the surveys about `department` ([`QUESTION_ORDER`]): its
/// place among the department's own questions, else among all known ones after them, else
/// after every known one, by token.
pub fn question_order<'q>(department: &str, question: &'q str) -> (usize, usize, &'q str) {
    let own = QUESTION_ORDER
        .iter()
        .find(|(d, _)| *d == department)
        .and_then(|(_, qs)| qs.iter().position(|q| *q == question));
    if let Some(i) = own {
        return (0, i, "");
    }
    let known = QUESTION_ORDER
        .iter()
        .flat_map(|(_, qs)| qs.iter())
        .position(|q| *q == question);
    match known {
        Some(i) => (1, i, ""),
        None => (2, 0, question),
    }
}

/// The tasks of one staff member (or of nobody: `staff_id` null).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffLine {
    pub staff_id: Option<String>,
    /// From the current staff record; null when there is none.
    pub name: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
}

/// A count per attempt outcome, keyed by the outcome's token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    pub reached: u64,
    pub sent: u64,
    pub no_answer: u64,
    pub busy: u64,
    pub wrong_number: u64,
    pub refused: u64,
    pub callback: u64,
}

impl OutcomeCounts {
    fn add(&mut self, outcome: Outcome) {
        *match outcome {
            Outcome::Reached => &mut self.reached,
            Outcome::Sent => &mut self.sent,
            Outcome::NoAnswer => &mut self.no_answer,
            Outcome::Busy => &mut self.busy,
            Outcome::WrongNumber => &mut self.wrong_number,
            Outcome::Refused => &mut self.refused,
            Outcome::Callback => &mut self.callback,
        } += 1;
    }

    /// The counts in `Outcome::ALL` order.
    pub fn each(&self) -> [(Outcome, u64); 7] {
        [
            (Outcome::Reached, self.reached),
            (Outcome::Sent, self.sent),
            (Outcome::NoAnswer, self.no_answer),
            (Outcome::Busy, self.busy),
            (Outcome::WrongNumber, self.wrong_number),
            (Outcome::Refused, self.refused),
            (Outcome::Callback, self.callback),
        ]
    }

    pub fn total(&self) -> u64 {
        self.each().iter().map(|(_, n)| n).sum()
    }

    /// Adds another tally's counts.
    pub fn merge(&mut self, other: &OutcomeCounts) {
        self.reached += other.reached;
        self.sent += other.sent;
        self.no_answer += other.no_answer;
        self.busy += other.busy;
        self.wrong_number += other.wrong_number;
        self.refused += other.refused;
        self.callback += other.callback;
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeLine {
    pub kind: String,
    /// Attempts credited to the kind's tasks of the period: the sum of the outcomes.
    pub attempts: u64,
    #[serde(flatten)]
    pub outcomes: OutcomeCounts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsuccessfulLine {
    pub kind: String,
    /// Tasks not successful: due − successful of the kind, the sum of the counts below.
    pub unsuccessful: u64,
    /// Performed but not successful, by the outcome of the last credited attempt.
    #[serde(flatten)]
    pub last_outcome: OutcomeCounts,
    /// No credited attempt.
    pub not_attempted: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub due: u64,
    pub performed: u64,
    pub successful: u64,
    pub on_time: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskTotals {
    #[serde(flatten)]
    pub counts: Counts,
    pub completion_rate: Option<f64>,
    pub success_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindLine {
    pub kind: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartmentLine {
    pub department: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyTotals {
    pub count: u64,
    pub satisfied: u64,
    pub satisfaction_rate: Option<f64>,
    pub mean_overall: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionLine {
    pub question: String,
    pub answers: u64,
    pub mean_score: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueLine {
    pub issue: String,
    pub count: u64,
}

/// The counts of one kind of a report's `by_kind` (zeros for a kind with no task).
pub fn kind_counts(lines: &[KindLine], kind: &str) -> Counts {
    lines
        .iter()
        .find(|l| l.kind == kind)
        .map(|l| l.counts)
        .unwrap_or_default()
}

impl Counts {
    /// Adds another tally's counts.
    pub(crate) fn merge(&mut self, other: &Counts) {
        self.due += other.due;
        self.performed += other.performed;
        self.successful += other.successful;
        self.on_time += other.on_time;
    }

    pub(crate) fn add(&mut self, performed: bool, successful: bool, on_time: bool) {
        self.due += 1;
        self.performed += u64::from(performed);
        self.successful += u64::from(successful);
        self.on_time += u64::from(on_time);
    }
}

/// A survey of the period as the report counts it, with its current answers: read from
/// the records ([`surveys_in`]) or from the kept facts ([`surveys_from_facts`]), the same
/// either way. It is the kept fact's own type: what the report reads of a survey is what
/// `fact_surveys` keeps.
pub type AnsweredSurvey = SurveyAnswersFact;

/// What a visits report reads besides the tasks: the period's surveys, and the staff
/// records that resolve owners by role and name the people.
#[derive(Clone, Debug, Default)]
pub struct PeriodRecords {
    /// The surveys dated in the period, each with its current answers, by survey id.
    pub surveys: Vec<AnsweredSurvey>,
    /// Every current staff record.
    pub staff: Vec<Staff>,
}

/// What a report of `period` reads besides the tasks ([`PeriodRecords`]): the surveys
/// dated in it, each with its current answers (from the kept facts with `facts`, else from
/// the records), and the staff.
pub fn records_in(
    reader: &Reader,
    period: &Period,
    facts: bool,
) -> Result<PeriodRecords, StoreError> {
    let surveys = surveys_of(reader, period, facts)?;
    let staff = reader
        .current_records(Kind::Staff)?
        .into_iter()
        .filter_map(Record::into_staff)
        .collect();
    Ok(PeriodRecords { surveys, staff })
}

/// The surveys dated in `period`, each with its current answers, by survey id: from the
/// kept facts with `facts` ([`surveys_from_facts`]), else from the records ([`surveys_in`]).
pub fn surveys_of(
    reader: &Reader,
    period: &Period,
    facts: bool,
) -> Result<Vec<AnsweredSurvey>, StoreError> {
    if facts {
        surveys_from_facts(reader, period)
    } else {
        surveys_in(reader, period)
    }
}

/// The surveys dated in `period`, each with its current answers, by survey id, from the
/// records: a range of `by_time`, then per survey a point read and a range of its answers.
pub fn surveys_in(reader: &Reader, period: &Period) -> Result<Vec<AnsweredSurvey>, StoreError> {
    let mut surveys = Vec::new();
    let to = crate::model::Day(period.last.0 + 1).start();
    reader.for_each_in_period(Kind::Survey, period.first.start(), to, |record| {
        if let Record::Survey(s) = record {
            surveys.push(s.clone());
        }
        Ok(())
    })?;
    surveys.sort_by(|a, b| a.survey_id.cmp(&b.survey_id));
    surveys
        .into_iter()
        .map(|s| {
            let answers = reader
                .answers_of(&s.survey_id)?
                .into_iter()
                .map(|a| (a.question, a.score))
                .collect();
            Ok(SurveyAnswersFact::of_survey(s, answers))
        })
        .collect()
}

/// [`surveys_in`] from the kept facts (`fact_surveys`): one range scan of the period's
/// dates, no record read.
pub fn surveys_from_facts(
    reader: &Reader,
    period: &Period,
) -> Result<Vec<AnsweredSurvey>, StoreError> {
    let mut surveys = reader.survey_answers_facts(period.first.0, period.last.0)?;
    // The table lists them by date, then id; the records' way lists them by id.
    surveys.sort_by(|a, b| a.survey_id.cmp(&b.survey_id));
    Ok(surveys)
}

/// One task of the period as the tally counts it, derived from scratch or read from a
/// kept fact.
struct Counted<'a> {
    kind: Purpose,
    /// Resolved ([`Owners::owner`]).
    owner: Option<String>,
    performed: bool,
    successful: bool,
    on_time: bool,
    /// The staff id of the first credited attempt (`None` also when it names nobody).
    caller: Option<&'a str>,
    /// The credited attempts' outcomes, in crediting order.
    outcomes: &'a mut dyn Iterator<Item = Outcome>,
}

/// The tasks due in a period and the unscheduled attempts, counted.
#[derive(Default)]
struct TaskTally {
    total: Counts,
    by_kind: BTreeMap<&'static str, Counts>,
    by_department: BTreeMap<String, Counts>,
    unscheduled: u64,
    by_owner: BTreeMap<Option<String>, Counts>,
    by_caller: BTreeMap<Option<String>, Counts>,
    /// Per kind: every credited attempt's outcome; the last outcome of the performed tasks
    /// not successful, and the tasks not attempted.
    outcomes: BTreeMap<&'static str, (OutcomeCounts, OutcomeCounts, u64)>,
}

impl TaskTally {
    fn add(&mut self, rules: &Rules, task: Counted) {
        let (p, s, o) = (task.performed, task.successful, task.on_time);
        self.total.add(p, s, o);
        self.by_kind
            .entry(task.kind.as_str())
            .or_default()
            .add(p, s, o);
        let department = &super::task_rule(rules, task.kind).department;
        self.by_department
            .entry(department.clone())
            .or_default()
            .add(p, s, o);
        self.by_owner.entry(task.owner).or_default().add(p, s, o);
        if p {
            self.by_caller
                .entry(task.caller.map(str::to_owned))
                .or_default()
                .add(p, s, o);
        }
        let (all, last, not_attempted) = self.outcomes.entry(task.kind.as_str()).or_default();
        let mut final_outcome = None;
        for outcome in task.outcomes {
            all.add(outcome);
            final_outcome = Some(outcome);
        }
        if !s {
            match final_outcome {
                Some(outcome) => last.add(outcome),
                None => *not_attempted += 1,
            }
        }
    }

    /// From every customer's credited tasks, derived from scratch.
    fn of_derived(
        derived: &[CustomerTasks],
        rules: &Rules,
        owners: &Owners,
        period: &Period,
    ) -> TaskTally {
        let mut tally = TaskTally::default();
        for customer in derived {
            for state in customer
                .tasks
                .iter()
                .filter(|s| !s.withdrawn && period.contains(s.task.due_at.day()))
            {
                let task = &state.task;
                tally.add(
                    rules,
                    Counted {
                        kind: task.kind,
                        owner: owners.owner(task.kind, task.owner.as_deref(), task.trigger_at),
                        performed: state.performed(),
                        successful: state.successful,
                        on_time: state.on_time(),
                        caller: state.credits.first().and_then(|c| c.staff_id.as_deref()),
                        outcomes: &mut state.credits.iter().map(|c| c.outcome),
                    },
                );
            }
            tally.unscheduled += customer
                .unscheduled
                .iter()
                .filter(|(_, at)| period.contains(at.day()))
                .count() as u64;
        }
        tally
    }

    /// From the period's kept facts: a range of `fact_tasks` and one of `fact_unscheduled`.
    fn of_facts(
        reader: &Reader,
        rules: &Rules,
        owners: &Owners,
        period: &Period,
    ) -> Result<TaskTally, StoreError> {
        let (from, to) = (period.first.start().0, Day(period.last.0 + 1).start().0);
        let mut tally = TaskTally::default();
        let mut facts = Vec::new();
        reader.for_each_task_fact(from, to, |fact| facts.push(fact))?;
        for fact in facts {
            let kind = crate::facts::purpose_of(fact.kind)?;
            let outcomes = fact
                .outcomes
                .iter()
                .map(|code| crate::facts::outcome_of(*code))
                .collect::<Result<Vec<_>, _>>()?;
            tally.add(
                rules,
                Counted {
                    kind,
                    owner: owners.owner_by_due(
                        kind,
                        fact.owner.as_deref(),
                        crate::model::Timestamp(fact.due_at),
                    ),
                    performed: fact.flags & TASK_PERFORMED != 0,
                    successful: fact.flags & TASK_SUCCESSFUL != 0,
                    on_time: fact.flags & TASK_ON_TIME != 0,
                    caller: fact.caller.as_deref(),
                    outcomes: &mut outcomes.into_iter(),
                },
            );
        }
        tally.unscheduled = reader.count_unscheduled(from, to)?;
        Ok(tally)
    }
}

/// Aggregates the report of one period from every customer's credited tasks and the
/// period's records (surveys, staff).
pub fn visits_report(
    derived: &[CustomerTasks],
    records: &PeriodRecords,
    rules: &Rules,
    period: &Period,
) -> VisitsReport {
    let owners = Owners::new(rules, records.staff.clone());
    assemble(
        TaskTally::of_derived(derived, rules, &owners, period),
        &owners,
        &records.surveys,
        rules,
        period,
    )
}

/// The report of one period from the kept facts (`crate::facts`) and the period's records.
/// Owners by role are resolved here, against the staff records of the snapshot, as from
/// scratch: the facts keep only the staff member a task's records name.
pub fn visits_report_from_facts(
    reader: &Reader,
    records: &PeriodRecords,
    rules: &Rules,
    period: &Period,
) -> Result<VisitsReport, StoreError> {
    let owners = Owners::new(rules, records.staff.clone());
    Ok(assemble(
        TaskTally::of_facts(reader, rules, &owners, period)?,
        &owners,
        &records.surveys,
        rules,
        period,
    ))
}

/// Staff lines sorted by staff id, `null` last, named from the staff records.
fn staff_lines(map: BTreeMap<Option<String>, Counts>, owners: &Owners) -> Vec<StaffLine> {
    // `None` sorts first in a map: moved to the end.
    let mut lines: Vec<StaffLine> = map
        .into_iter()
        .map(|(staff_id, counts)| StaffLine {
            name: staff_id
                .as_deref()
                .and_then(|id| owners.name(id))
                .map(str::to_owned),
            staff_id,
            counts,
        })
        .collect();
    lines.sort_by_key(|l| l.staff_id.is_none());
    lines
}

fn assemble(
    tally: TaskTally,
    owners: &Owners,
    surveys: &[AnsweredSurvey],
    rules: &Rules,
    period: &Period,
) -> VisitsReport {
    let TaskTally {
        total,
        by_kind,
        by_department,
        unscheduled,
        by_owner,
        by_caller,
        outcomes,
    } = tally;
    let satisfied_min = rules.surveys.satisfied_overall_min;
    let count = surveys.len() as u64;
    let satisfied = surveys
        .iter()
        .filter(|s| s.overall >= satisfied_min)
        .count() as u64;
    let overall_sum: u64 = surveys.iter().map(|s| u64::from(s.overall)).sum();
    let mut questions: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut issues: BTreeMap<&str, u64> = BTreeMap::new();
    for survey in surveys {
        for (question, score) in &survey.answers {
            let q = questions.entry(question).or_default();
            q.0 += 1;
            q.1 += u64::from(*score);
        }
        // A token named twice in one survey counts once.
        let named: BTreeSet<&str> = survey.issues.iter().map(String::as_str).collect();
        for issue in named {
            *issues.entry(issue).or_default() += 1;
        }
    }
    let mut top_issues: Vec<IssueLine> = issues
        .into_iter()
        .map(|(issue, count)| IssueLine {
            issue: issue.to_owned(),
            count,
        })
        .collect();
    top_issues.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.issue.cmp(&b.issue)));
    top_issues.truncate(TOP_ISSUES_MAX);
    let (satisfaction_by_department, questions_by_department) = by_subject(surveys, satisfied_min);

    VisitsReport {
        month: (period.kind == PeriodKind::Month).then(|| period.label.clone()),
        week: (period.kind == PeriodKind::Week).then(|| period.label.clone()),
        tasks: TaskTotals {
            counts: total,
            completion_rate: rate(total.performed, total.due),
            success_rate: rate(total.successful, total.due),
            on_time_rate: rate(total.on_time, total.due),
        },
        by_kind: by_kind
            .into_iter()
            .map(|(kind, counts)| KindLine {
                kind: kind.to_owned(),
                counts,
            })
            .collect(),
        by_department: by_department
            .into_iter()
            .map(|(department, counts)| DepartmentLine { department, counts })
            .collect(),
        unscheduled_attempts: unscheduled,
        surveys: SurveyTotals {
            count,
            satisfied,
            satisfaction_rate: rate(satisfied, count),
            mean_overall: rate(overall_sum, count),
        },
        questions: questions
            .into_iter()
            .map(|(question, (answers, sum))| QuestionLine {
                question: question.to_owned(),
                answers,
                mean_score: sum as f64 / answers as f64,
            })
            .collect(),
        top_issues,
        by_owner: staff_lines(by_owner, owners),
        by_caller: staff_lines(by_caller, owners),
        outcomes: outcomes
            .iter()
            .map(|(kind, (all, _, _))| OutcomeLine {
                kind: (*kind).to_owned(),
                attempts: all.total(),
                outcomes: *all,
            })
            .collect(),
        unsuccessful_by_last_outcome: outcomes
            .iter()
            .map(|(kind, (_, last, not_attempted))| UnsuccessfulLine {
                kind: (*kind).to_owned(),
                unsuccessful: last.total() + not_attempted,
                last_outcome: *last,
                not_attempted: *not_attempted,
            })
            .collect(),
        satisfaction_by_department,
        questions_by_department,
        comments: comments(surveys),
        last_year: None,
        data_through: None,
    }
}

/// Satisfaction and question lines per subject department (DOMAIN.md section 6, per
/// department), a score of at least `satisfied_min` counting as satisfied.
fn by_subject(
    surveys: &[AnsweredSurvey],
    satisfied_min: u8,
) -> (Vec<DepartmentSatisfaction>, Vec<DepartmentQuestions>) {
    // Per department: (surveys, satisfied, overall sum), and per question (answers,
    // satisfied answers, score sum).
    type Tally = (u64, u64, u64);
    let mut departments: BTreeMap<&str, (Tally, BTreeMap<&str, Tally>)> = BTreeMap::new();
    for survey in surveys {
        let (totals, questions) = departments.entry(survey.department.as_str()).or_default();
        totals.0 += 1;
        totals.1 += u64::from(survey.overall >= satisfied_min);
        totals.2 += u64::from(survey.overall);
        for (question, score) in &survey.answers {
            let q = questions.entry(question.as_str()).or_default();
            q.0 += 1;
            q.1 += u64::from(*score >= satisfied_min);
            q.2 += u64::from(*score);
        }
    }
    let satisfaction = departments
        .iter()
        .map(
            |(department, ((n, satisfied, sum), _))| DepartmentSatisfaction {
                department: (*department).to_owned(),
                surveys: *n,
                satisfied: *satisfied,
                satisfaction_rate: rate(*satisfied, *n),
                mean_overall: rate(*sum, *n),
            },
        )
        .collect();
    let questions = departments
        .iter()
        .filter(|(_, (_, questions))| !questions.is_empty())
        .map(|(department, (_, questions))| {
            let mut lines: Vec<QuestionSatisfaction> = questions
                .iter()
                .map(
                    |(question, (answers, satisfied, sum))| QuestionSatisfaction {
                        question: (*question).to_owned(),
                        answers: *answers,
                        mean_score: *sum as f64 / *answers as f64,
                        satisfied: *satisfied,
                        satisfaction_rate: *satisfied as f64 / *answers as f64,
                    },
                )
                .collect();
            lines.sort_by(|a, b| {
                question_order(department, &a.question)
                    .cmp(&question_order(department, &b.question))
            });
            DepartmentQuestions {
                department: (*department).to_owned(),
                questions: lines,
            }
        })
        .collect();
    (satisfaction, questions)
}

/// The surveys' comments (those with text), masked, in survey id order.
fn comments(surveys: &[AnsweredSurvey]) -> Vec<SurveyComment> {
    surveys
        .iter()
        .filter_map(|s| {
            let text = s.comment.as_deref()?.trim();
            if text.is_empty() {
                return None;
            }
            let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let issues: BTreeSet<&str> = s.issues.iter().map(String::as_str).collect();
            Some(SurveyComment {
                survey_id: s.survey_id.clone(),
                day: Timestamp(s.at).day(),
                department: s.department.clone(),
                overall: s.overall,
                issues: issues.into_iter().map(str::to_owned).collect(),
                text: mask_digit_runs(&one_line, PHONE_DIGITS_MIN).into_owned(),
            })
        })
        .collect()
}

impl VisitsReport {
    /// The headline figures of this report, to set beside another period's.
    pub fn headline(&self) -> Headline {
        Headline {
            label: self
                .month
                .clone()
                .or_else(|| self.week.clone())
                .unwrap_or_default(),
            tasks: self.tasks.counts,
            surveys: self.surveys.clone(),
        }
    }
}

/// The return-visit report of a period from a snapshot: derives every customer's tasks (in
/// parallel), credits the attempts, and aggregates the period.
pub fn run(reader: &Reader, rules: &Rules, period: &Period) -> Result<VisitsReport, StoreError> {
    super::Derived::load(reader, rules)?.visits(period)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every question of the fixed order has a Chinese name, so the 回访月报's question
    /// tables never fall back to an English token for a known question.
    #[test]
    fn every_ordered_question_has_a_chinese_name() {
        for (department, questions) in QUESTION_ORDER {
            for q in *questions {
                assert_ne!(
                    crate::chart::token(q, crate::chart::Lang::Zh),
                    *q,
                    "{department}/{q}"
                );
            }
        }
    }

    #[test]
    fn own_questions_first_then_known_then_unknown_by_token() {
        let mut qs = [
            "lounge",
            "consultant_attitude",
            "car_wash",
            "coffee",
            "repair_quality",
        ];
        qs.sort_by_key(|q| question_order("after_sales", q));
        assert_eq!(
            qs,
            [
                "repair_quality",
                "car_wash",
                "consultant_attitude",
                "coffee",
                "lounge"
            ]
        );
    }

    #[test]
    fn data_through_settles_after_the_grace() {
        let march = Period::month(2024, 3).unwrap();
        let settles_at = Timestamp(Day(march.last.0 + 1).start().0 + 48 * 3600);
        let at = |t: i64| DataThrough::new(Timestamp(t), &march, 48 * 3600).status;
        assert_eq!(at(march.first.start().0 - 1), DataStatus::BeyondData);
        assert_eq!(
            at(march.first.start().0),
            DataStatus::InGrace { settles_at }
        );
        assert_eq!(at(settles_at.0 - 1), DataStatus::InGrace { settles_at });
        assert_eq!(at(settles_at.0), DataStatus::Settled);
    }
}
