//! The return-visit report (回访月报, DOMAIN.md sections 4, 6 and 9): tasks due in a period
//! and what became of them, unscheduled attempts, and the period's surveys.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::rate;
use crate::derive::tasks::CustomerTasks;
use crate::model::{Day, Kind, Period, PeriodKind, Purpose, Record, Survey};
use crate::rules::Rules;
use crate::store::facts::{TASK_ON_TIME, TASK_PERFORMED, TASK_SUCCESSFUL};
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

/// A survey with its current answers as (question, score).
pub type AnsweredSurvey = (Survey, Vec<(String, u8)>);

/// The surveys dated in a period, each with its current answers.
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
            Ok((s, answers))
        })
        .collect()
}

/// The tasks due in a period and the unscheduled attempts, counted.
#[derive(Default)]
struct TaskTally {
    total: Counts,
    by_kind: BTreeMap<&'static str, Counts>,
    by_department: BTreeMap<String, Counts>,
    unscheduled: u64,
}

impl TaskTally {
    fn add(
        &mut self,
        rules: &Rules,
        kind: Purpose,
        performed: bool,
        successful: bool,
        on_time: bool,
    ) {
        let (p, s, o) = (performed, successful, on_time);
        self.total.add(p, s, o);
        self.by_kind.entry(kind.as_str()).or_default().add(p, s, o);
        let department = &super::task_rule(rules, kind).department;
        self.by_department
            .entry(department.clone())
            .or_default()
            .add(p, s, o);
    }

    /// From every customer's credited tasks, derived from scratch.
    fn of_derived(derived: &[CustomerTasks], rules: &Rules, period: &Period) -> TaskTally {
        let mut tally = TaskTally::default();
        for customer in derived {
            for state in customer
                .tasks
                .iter()
                .filter(|s| !s.withdrawn && period.contains(s.task.due_at.day()))
            {
                tally.add(
                    rules,
                    state.task.kind,
                    state.performed(),
                    state.successful,
                    state.on_time(),
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
    fn of_facts(reader: &Reader, rules: &Rules, period: &Period) -> Result<TaskTally, StoreError> {
        let (from, to) = (period.first.start().0, Day(period.last.0 + 1).start().0);
        let mut tally = TaskTally::default();
        let mut kinds = Vec::new();
        reader.for_each_task_fact(from, to, |kind, flags| kinds.push((kind, flags)))?;
        for (code, flags) in kinds {
            tally.add(
                rules,
                crate::facts::purpose_of(code)?,
                flags & TASK_PERFORMED != 0,
                flags & TASK_SUCCESSFUL != 0,
                flags & TASK_ON_TIME != 0,
            );
        }
        tally.unscheduled = reader.count_unscheduled(from, to)?;
        Ok(tally)
    }
}

/// Aggregates the report of one period from every customer's credited tasks and the
/// period's surveys.
pub fn visits_report(
    derived: &[CustomerTasks],
    surveys: &[AnsweredSurvey],
    rules: &Rules,
    period: &Period,
) -> VisitsReport {
    assemble(
        TaskTally::of_derived(derived, rules, period),
        surveys,
        rules,
        period,
    )
}

/// The report of one period from the kept facts (`crate::facts`) and the period's surveys.
pub fn visits_report_from_facts(
    reader: &Reader,
    surveys: &[AnsweredSurvey],
    rules: &Rules,
    period: &Period,
) -> Result<VisitsReport, StoreError> {
    Ok(assemble(
        TaskTally::of_facts(reader, rules, period)?,
        surveys,
        rules,
        period,
    ))
}

fn assemble(
    tally: TaskTally,
    surveys: &[AnsweredSurvey],
    rules: &Rules,
    period: &Period,
) -> VisitsReport {
    let TaskTally {
        total,
        by_kind,
        by_department,
        unscheduled,
    } = tally;
    let satisfied_min = rules.surveys.satisfied_overall_min;
    let count = surveys.len() as u64;
    let satisfied = surveys
        .iter()
        .filter(|(s, _)| s.overall >= satisfied_min)
        .count() as u64;
    let overall_sum: u64 = surveys.iter().map(|(s, _)| u64::from(s.overall)).sum();
    let mut questions: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut issues: BTreeMap<&str, u64> = BTreeMap::new();
    for (survey, answers) in surveys {
        for (question, score) in answers {
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
    }
}

/// The return-visit report of a period from a snapshot: derives every customer's tasks (in
/// parallel), credits the attempts, and aggregates the period.
pub fn run(reader: &Reader, rules: &Rules, period: &Period) -> Result<VisitsReport, StoreError> {
    super::Derived::load(reader, rules)?.visits(period)
}
