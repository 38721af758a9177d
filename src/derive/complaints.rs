//! The complaint clock (DOMAIN.md section 12) and the state of corrective and preventive
//! actions (section 13), from plain input structs: whoever reads the records (the store, a
//! test, a finance script) fills [`ComplaintInput`]s and [`ActionInput`]s, and everything
//! here is a pure function of them, the working calendar and the rules.
//!
//! Decisions where the contract is silent:
//! - A complaint's first `escalated` and first `replied` steps are the ones that count for
//!   "on time" and for the reply's working hours; later ones change nothing.
//! - An action's status as of a day `d` (a month's end is its last day, as the contract's
//!   per-day rule reads) takes the steps dated on or before `d`, in this precedence:
//!   `verified` (a `verified` step, even without a `done` one: a manager's check implies the
//!   work was done) → `done` (a `done` step dated on or before due_on) → `done_late` (the
//!   first `done` step dated after due_on) → `overdue` (due_on < d) → `open`. So an action due
//!   on a month's last day and not yet done is `open` at that month's end, and `overdue`
//!   from the next day on.

use std::collections::BTreeMap;

use crate::model::{self, Day, Kind, Record, Timestamp};
use crate::rules::{ComplaintRules, Rules};
use crate::store::{Reader, StoreError};
use crate::worktime::WorkCalendar;

/// A step of a complaint. The order of the variants is the order of steps at the same
/// instant (escalated, replied, reopened, resolved).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StepKind {
    Escalated,
    Replied,
    Reopened,
    Resolved,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Escalated => "escalated",
            StepKind::Replied => "replied",
            StepKind::Reopened => "reopened",
            StepKind::Resolved => "resolved",
        }
    }
}

/// One step of a complaint (a row of `complaint_steps.csv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepInput {
    pub step: StepKind,
    pub at: Timestamp,
    pub staff_id: Option<String>,
}

/// A complaint with its steps (a row of `complaints.csv` and its rows of
/// `complaint_steps.csv`, in any order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComplaintInput {
    pub complaint_id: String,
    pub customer_id: String,
    /// When the dealership learned of it.
    pub raised_at: Timestamp,
    /// A category token (`service_attitude` …).
    pub category: String,
    /// The department complained about (a token).
    pub department: String,
    /// Who handles it.
    pub owner_id: Option<String>,
    pub steps: Vec<StepInput>,
}

/// A complaint's clock: its due times and what its steps did to them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComplaintClock<'a> {
    pub complaint: &'a ComplaintInput,
    /// raised_at + escalation hours of working time.
    pub escalation_due: Timestamp,
    /// raised_at + reply hours of working time.
    pub reply_due: Timestamp,
    /// The first `escalated` step.
    pub escalated_at: Option<Timestamp>,
    /// The first `replied` step.
    pub replied_at: Option<Timestamp>,
    /// Working seconds from raised_at to the first `replied` step.
    pub reply_working_seconds: Option<i64>,
    /// The steps as (at, kind), in the order of DOMAIN.md: by time, then escalated, replied,
    /// reopened, resolved.
    steps: Vec<(Timestamp, StepKind)>,
}

impl<'a> ComplaintClock<'a> {
    pub fn new(
        complaint: &'a ComplaintInput,
        calendar: &WorkCalendar,
        rules: &ComplaintRules,
    ) -> ComplaintClock<'a> {
        let raised = complaint.raised_at;
        let mut steps: Vec<(Timestamp, StepKind)> =
            complaint.steps.iter().map(|s| (s.at, s.step)).collect();
        steps.sort_unstable();
        let first = |kind| steps.iter().find(|s| s.1 == kind).map(|s| s.0);
        let (escalated_at, replied_at) = (first(StepKind::Escalated), first(StepKind::Replied));
        ComplaintClock {
            complaint,
            escalation_due: calendar.add(raised, rules.escalation_hours.seconds()),
            reply_due: calendar.add(raised, rules.reply_hours.seconds()),
            escalated_at,
            replied_at,
            reply_working_seconds: replied_at.map(|at| calendar.working_seconds(raised, at)),
            steps,
        }
    }

    /// An `escalated` step at or before escalation_due.
    pub fn escalated_on_time(&self) -> bool {
        self.escalated_at
            .is_some_and(|at| at <= self.escalation_due)
    }

    /// 及时处理: a `replied` step at or before reply_due.
    pub fn handled_in_time(&self) -> bool {
        self.replied_at.is_some_and(|at| at <= self.reply_due)
    }

    /// The latest step at or before `t`.
    pub fn latest_step(&self, t: Timestamp) -> Option<StepKind> {
        let before = self.steps.partition_point(|s| s.0 <= t);
        before.checked_sub(1).map(|i| self.steps[i].1)
    }

    /// The latest step at or before `t` is `resolved`.
    pub fn resolved_as_of(&self, t: Timestamp) -> bool {
        self.latest_step(t) == Some(StepKind::Resolved)
    }

    pub fn escalated_as_of(&self, t: Timestamp) -> bool {
        self.escalated_at.is_some_and(|at| at <= t)
    }

    pub fn replied_as_of(&self, t: Timestamp) -> bool {
        self.replied_at.is_some_and(|at| at <= t)
    }

    /// reply_due < t and no `replied` step at or before t.
    pub fn overdue_as_of(&self, t: Timestamp) -> bool {
        self.reply_due < t && !self.replied_as_of(t)
    }

    /// Whether it had been raised by `t` and is not resolved as of `t`.
    pub fn open_as_of(&self, t: Timestamp) -> bool {
        self.complaint.raised_at <= t && !self.resolved_as_of(t)
    }
}

/// The clock of every complaint, in the order given.
pub fn clocks<'a>(
    complaints: &'a [ComplaintInput],
    calendar: &WorkCalendar,
    rules: &ComplaintRules,
) -> Vec<ComplaintClock<'a>> {
    complaints
        .iter()
        .map(|c| ComplaintClock::new(c, calendar, rules))
        .collect()
}

// An action's kind and steps are the records' own tokens (`model::ActionKind`,
// `model::ActionStepKind`): the rules of section 13 need no other order.
pub use crate::model::{ActionKind, ActionStepKind};

/// One step of an action (a row of `action_steps.csv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionStepInput {
    pub step: ActionStepKind,
    pub at: Timestamp,
    pub staff_id: Option<String>,
}

/// An action with its steps (a row of `actions.csv` and its rows of `action_steps.csv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionInput {
    pub action_id: String,
    pub raised_on: Day,
    pub kind: ActionKind,
    /// An issue token or complaint category.
    pub subject: String,
    pub complaint_id: Option<String>,
    pub owner_id: String,
    pub due_on: Day,
    pub steps: Vec<ActionStepInput>,
}

/// An action's status as of a day.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Open,
    Done,
    DoneLate,
    Verified,
    Overdue,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
            ActionStatus::DoneLate => "done_late",
            ActionStatus::Verified => "verified",
            ActionStatus::Overdue => "overdue",
        }
    }
}

impl ActionInput {
    /// The date of the first step of a kind.
    fn first(&self, kind: ActionStepKind) -> Option<Day> {
        self.steps
            .iter()
            .filter(|s| s.step == kind)
            .map(|s| s.at.day())
            .min()
    }

    /// The date of the first `done` step.
    pub fn done_on(&self) -> Option<Day> {
        self.first(ActionStepKind::Done)
    }

    /// A `done` step dated on or before due_on.
    pub fn done_on_time(&self) -> bool {
        self.done_on().is_some_and(|d| d <= self.due_on)
    }

    /// due_on < d and no `done` step dated on or before d.
    pub fn overdue_as_of(&self, d: Day) -> bool {
        self.due_on < d && self.done_on().is_none_or(|done| done > d)
    }

    /// The status as of the end of day `d` (see the module's precedence).
    pub fn status_as_of(&self, d: Day) -> ActionStatus {
        if self.first(ActionStepKind::Verified).is_some_and(|v| v <= d) {
            ActionStatus::Verified
        } else if let Some(done) = self.done_on().filter(|&done| done <= d) {
            if done <= self.due_on {
                ActionStatus::Done
            } else {
                ActionStatus::DoneLate
            }
        } else if self.overdue_as_of(d) {
            ActionStatus::Overdue
        } else {
            ActionStatus::Open
        }
    }

    /// Raised by `d` and neither done nor verified as of `d`.
    pub fn open_as_of(&self, d: Day) -> bool {
        self.raised_on <= d
            && matches!(
                self.status_as_of(d),
                ActionStatus::Open | ActionStatus::Overdue
            )
    }
}

/// What the complaints and actions reports read from a snapshot: every current complaint
/// and action with its steps, and the working calendar — the rules' weekdays and hours with
/// the dates of `calendar.csv`.
pub struct Workflow {
    pub complaints: Vec<ComplaintInput>,
    pub actions: Vec<ActionInput>,
    pub calendar: WorkCalendar,
}

impl Workflow {
    /// Reads every complaint, action and calendar date of a snapshot (steps in one pass per
    /// kind, grouped by their key's first part).
    pub fn load(reader: &Reader, rules: &Rules) -> Result<Workflow, StoreError> {
        let calendar = calendar_of(reader, rules)?;

        let mut steps: BTreeMap<String, Vec<StepInput>> = BTreeMap::new();
        for s in reader
            .current_records(Kind::ComplaintStep)?
            .into_iter()
            .filter_map(Record::into_complaint_step)
        {
            steps
                .entry(s.complaint_id.clone())
                .or_default()
                .push(StepInput::of(s));
        }
        let complaints = reader
            .current_records(Kind::Complaint)?
            .into_iter()
            .filter_map(Record::into_complaint)
            .map(|c| {
                let steps = steps.remove(&c.complaint_id).unwrap_or_default();
                ComplaintInput::of(c, steps)
            })
            .collect();

        let mut action_steps: BTreeMap<String, Vec<ActionStepInput>> = BTreeMap::new();
        for s in reader
            .current_records(Kind::ActionStep)?
            .into_iter()
            .filter_map(Record::into_action_step)
        {
            action_steps
                .entry(s.action_id.clone())
                .or_default()
                .push(ActionStepInput::of(s));
        }
        let actions = reader
            .current_records(Kind::Action)?
            .into_iter()
            .filter_map(Record::into_action)
            .map(|a| {
                let steps = action_steps.remove(&a.action_id).unwrap_or_default();
                ActionInput::of(a, steps)
            })
            .collect();
        Ok(Workflow {
            complaints,
            actions,
            calendar,
        })
    }
}

/// The working calendar of a snapshot: the rules' weekdays and hours, with the dates of
/// `calendar.csv` (a few dozen a year).
pub fn calendar_of(reader: &Reader, rules: &Rules) -> Result<WorkCalendar, StoreError> {
    let overrides: Vec<(Day, bool)> = reader
        .current_records(Kind::CalendarDay)?
        .into_iter()
        .filter_map(Record::into_calendar_day)
        .map(|d| (d.date, d.working))
        .collect();
    Ok(rules
        .worktime
        .calendar(overrides)
        .expect("validated rules make a calendar"))
}

impl StepInput {
    /// A stored step as the clock reads it.
    pub fn of(s: model::ComplaintStep) -> StepInput {
        StepInput {
            step: match s.step {
                model::ComplaintStepKind::Escalated => StepKind::Escalated,
                model::ComplaintStepKind::Replied => StepKind::Replied,
                model::ComplaintStepKind::Resolved => StepKind::Resolved,
                model::ComplaintStepKind::Reopened => StepKind::Reopened,
            },
            at: s.at,
            staff_id: s.staff_id,
        }
    }
}

impl ComplaintInput {
    /// A stored complaint with its steps.
    pub fn of(c: model::Complaint, steps: Vec<StepInput>) -> ComplaintInput {
        ComplaintInput {
            complaint_id: c.complaint_id,
            customer_id: c.customer_id,
            raised_at: c.raised_at,
            category: c.category,
            department: c.department,
            owner_id: c.owner_id,
            steps,
        }
    }

    /// A stored complaint with its steps read from the snapshot.
    pub fn read(reader: &Reader, c: model::Complaint) -> Result<ComplaintInput, StoreError> {
        let steps = reader
            .steps_of_complaint(&c.complaint_id)?
            .into_iter()
            .map(StepInput::of)
            .collect();
        Ok(ComplaintInput::of(c, steps))
    }
}

impl ActionStepInput {
    pub fn of(s: model::ActionStep) -> ActionStepInput {
        ActionStepInput {
            step: s.step,
            at: s.at,
            staff_id: s.staff_id,
        }
    }
}

impl ActionInput {
    pub fn of(a: model::Action, steps: Vec<ActionStepInput>) -> ActionInput {
        ActionInput {
            kind: a.kind,
            action_id: a.action_id,
            raised_on: a.raised_on,
            subject: a.subject,
            complaint_id: a.complaint_id,
            owner_id: a.owner_id,
            due_on: a.due_on,
            steps,
        }
    }

    /// A stored action with its steps read from the snapshot.
    pub fn read(reader: &Reader, a: model::Action) -> Result<ActionInput, StoreError> {
        let steps = reader
            .steps_of_action(&a.action_id)?
            .into_iter()
            .map(ActionStepInput::of)
            .collect();
        Ok(ActionInput::of(a, steps))
    }
}

/// Complaints open, and open and overdue, as of `t`: the stocks at the end of a month.
pub fn complaint_stocks(clocks: &[ComplaintClock], t: Timestamp) -> (u64, u64) {
    clocks
        .iter()
        .filter(|c| c.open_as_of(t))
        .fold((0, 0), |(open, overdue), c| {
            (open + 1, overdue + u64::from(c.overdue_as_of(t)))
        })
}

/// Actions raised by `d` and overdue as of it (the backlog at the end of a month).
pub fn actions_overdue(actions: &[ActionInput], d: Day) -> u64 {
    actions
        .iter()
        .filter(|a| a.raised_on <= d && a.overdue_as_of(d))
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    fn complaint(raised: &str, steps: &[(StepKind, &str)]) -> ComplaintInput {
        ComplaintInput {
            complaint_id: "K1".into(),
            customer_id: "C1".into(),
            raised_at: at(raised),
            category: "service_attitude".into(),
            department: "after_sales".into(),
            owner_id: None,
            steps: steps
                .iter()
                .map(|(step, t)| StepInput {
                    step: *step,
                    at: at(t),
                    staff_id: None,
                })
                .collect(),
        }
    }

    #[test]
    fn escalation_and_reply_are_judged_at_the_exact_due_second() {
        let rules = Rules::default();
        let calendar = rules.worktime.calendar([]).unwrap();
        // Monday 2025-09-08 09:00 + 4.5 h = 13:30; + 13.5 h = 8.5 h Monday (to 17:30) and 5 h
        // Tuesday from 08:30 = Tuesday 13:30.
        let on_time = complaint(
            "2025-09-08 09:00",
            &[
                (StepKind::Escalated, "2025-09-08 13:30:00"),
                (StepKind::Replied, "2025-09-09 13:30:00"),
            ],
        );
        let c = ComplaintClock::new(&on_time, &calendar, &rules.complaints);
        assert_eq!(c.escalation_due, at("2025-09-08 13:30"));
        assert_eq!(c.reply_due, at("2025-09-09 13:30"));
        assert!(c.escalated_on_time() && c.handled_in_time());
        // Reply working time: 8.5 h + 5 h = 13.5 h.
        assert_eq!(c.reply_working_seconds, Some(48_600));
        // One second later is late.
        let late = complaint(
            "2025-09-08 09:00",
            &[
                (StepKind::Escalated, "2025-09-08 13:30:01"),
                (StepKind::Replied, "2025-09-09 13:30:01"),
            ],
        );
        let c = ComplaintClock::new(&late, &calendar, &rules.complaints);
        assert!(!c.escalated_on_time() && !c.handled_in_time());
        // Overdue as of t: reply_due < t and no reply at or before t. At reply_due itself it
        // is not; at 13:30:01 the late reply is at t, so it is not either.
        assert!(!c.overdue_as_of(at("2025-09-09 13:30:00")));
        assert!(!c.overdue_as_of(at("2025-09-09 13:30:01")));
        let unanswered = complaint("2025-09-08 09:00", &[]);
        let u = ComplaintClock::new(&unanswered, &calendar, &rules.complaints);
        assert!(!u.overdue_as_of(at("2025-09-09 13:30:00")));
        assert!(u.overdue_as_of(at("2025-09-09 13:30:01")));
        assert_eq!(u.reply_working_seconds, None);
    }

    #[test]
    fn steps_at_one_instant_are_taken_escalated_replied_reopened_resolved() {
        let rules = Rules::default();
        let calendar = rules.worktime.calendar([]).unwrap();
        let input = complaint(
            "2025-09-08 09:00",
            &[
                (StepKind::Resolved, "2025-09-10 10:00"),
                (StepKind::Reopened, "2025-09-10 10:00"),
                (StepKind::Replied, "2025-09-09 10:00"),
                (StepKind::Reopened, "2025-09-12 10:00"),
                (StepKind::Resolved, "2025-09-15 10:00"),
            ],
        );
        let c = ComplaintClock::new(&input, &calendar, &rules.complaints);
        // At 09-10 10:00 reopened and resolved tie: resolved is taken last.
        assert!(c.resolved_as_of(at("2025-09-10 10:00")));
        assert!(!c.resolved_as_of(at("2025-09-10 09:59:59")));
        assert!(c.resolved_as_of(at("2025-09-12 09:59:59")));
        assert!(!c.resolved_as_of(at("2025-09-12 10:00")));
        assert!(c.open_as_of(at("2025-09-14 00:00")));
        assert!(c.resolved_as_of(at("2025-09-15 10:00")));
        assert_eq!(c.latest_step(at("2025-09-08 09:00")), None);
    }

    fn action(due: &str, steps: &[(ActionStepKind, &str)]) -> ActionInput {
        ActionInput {
            action_id: "A1".into(),
            raised_on: day("2025-10-01"),
            kind: ActionKind::Corrective,
            subject: "service_attitude".into(),
            complaint_id: None,
            owner_id: "S1".into(),
            due_on: day(due),
            steps: steps
                .iter()
                .map(|(step, t)| ActionStepInput {
                    step: *step,
                    at: at(t),
                    staff_id: None,
                })
                .collect(),
        }
    }

    #[test]
    fn an_action_done_on_its_due_date_is_on_time_and_a_day_later_late() {
        use ActionStatus as S;
        use ActionStepKind::{Approved, Done, Verified};
        let end = day("2025-10-31");
        let on_due = action("2025-10-20", &[(Done, "2025-10-20 23:59:59")]);
        assert!(on_due.done_on_time());
        assert_eq!(on_due.status_as_of(end), S::Done);
        let late = action(
            "2025-10-20",
            &[(Approved, "2025-10-02 09:00"), (Done, "2025-10-21 00:00")],
        );
        assert!(!late.done_on_time());
        // As of the due date itself, not yet overdue; the day after, overdue until done.
        assert_eq!(late.status_as_of(day("2025-10-20")), S::Open);
        assert!(!late.overdue_as_of(day("2025-10-21")));
        assert_eq!(late.status_as_of(day("2025-10-21")), S::DoneLate);
        let never = action("2025-10-20", &[]);
        assert!(never.overdue_as_of(day("2025-10-21")));
        assert_eq!(never.status_as_of(end), S::Overdue);
        // Due on the month's last day, not done: open at that month's end, overdue the next.
        let last_day = action("2025-10-31", &[]);
        assert_eq!(last_day.status_as_of(end), S::Open);
        assert_eq!(last_day.status_as_of(day("2025-11-01")), S::Overdue);
        // Verified wins, from the date of its step.
        let verified = action(
            "2025-10-20",
            &[(Done, "2025-10-25 10:00"), (Verified, "2025-11-03 10:00")],
        );
        assert_eq!(verified.status_as_of(end), S::DoneLate);
        assert_eq!(verified.status_as_of(day("2025-11-03")), S::Verified);
        assert!(!verified.open_as_of(end));
        assert!(never.open_as_of(end));
    }
}
