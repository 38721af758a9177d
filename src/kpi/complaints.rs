//! The complaints report (投诉, DOMAIN.md section 12) and the open-complaints work list, from
//! complaint clocks ([`crate::derive::complaints`]).
//!
//! Decisions where the contract is silent:
//! - `reply_hours_median` is the exact median of whole working seconds, divided by 3600
//!   once (one rounding, to the nearest f64); gates recover the exact value.
//! - "As of the end of M" is as of the instant 24:00 of its last day, which is 00:00 of the
//!   next: a step at that instant counts, and so would a complaint raised at it.
//! - The work list's "what is due next": nothing once a reply is on record (the complaint
//!   waits for its resolution, which has no clock); else the reply when the complaint was
//!   escalated; else the escalation. A row is `overdue` when that due time has passed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rate;
use crate::derive::complaints::{
    ComplaintClock, ComplaintInput, Workflow, calendar_of, clocks, complaint_stocks,
};
use crate::model::{Day, Period, Timestamp};
use crate::model::{Kind, Record};
use crate::rules::ComplaintRules;
use crate::rules::Rules;
use crate::store::facts::{SERIES_OPEN, SERIES_OVERDUE};
use crate::store::{Reader, StoreError};
use crate::worktime::WorkCalendar;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintsReport {
    pub month: String,
    pub complaints: ComplaintTotals,
    pub by_category: Vec<CategoryLine>,
    pub by_department: Vec<DepartmentLine>,
    pub open_at_end: u64,
    pub overdue_at_end: u64,
    /// Working hours from raised_at to the first reply, the median over the month's
    /// complaints that have one.
    pub reply_hours_median: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintTotals {
    pub raised: u64,
    pub escalated_on_time: u64,
    pub handled_in_time: u64,
    pub resolved_by_end: u64,
    /// 相关问题及时处理完成率 = handled_in_time / raised.
    pub timely_rate: Option<f64>,
    /// escalated_on_time / raised.
    pub escalation_rate: Option<f64>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCounts {
    pub raised: u64,
    pub handled_in_time: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLine {
    pub category: String,
    #[serde(flatten)]
    pub counts: LineCounts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentLine {
    pub department: String,
    #[serde(flatten)]
    pub counts: LineCounts,
}

/// The end of a month: 24:00 of its last day.
pub fn end_of(month: &Period) -> Timestamp {
    Day(month.last.0 + 1).start()
}

/// The median of whole seconds, in hours: the middle value, or the mean of the two middle
/// values, divided once. `None` for none.
fn median_hours(mut seconds: Vec<i64>) -> Option<f64> {
    seconds.sort_unstable();
    let n = seconds.len();
    match n {
        0 => None,
        n if n % 2 == 1 => Some(seconds[n / 2] as f64 / 3600.0),
        n => Some((seconds[n / 2 - 1] + seconds[n / 2]) as f64 / 7200.0),
    }
}

/// The report of a month: its complaints (raised on a date in it) and, as of its end, every
/// complaint raised by then that is open or overdue.
pub fn complaints_report(clocks: &[ComplaintClock], month: &Period) -> ComplaintsReport {
    complaints_report_with(clocks, month, complaint_stocks(clocks, end_of(month)))
}

/// The report of a month from the clocks of (at least) its complaints, with the open and
/// overdue complaints at its end counted elsewhere (the kept facts).
pub fn complaints_report_with(
    clocks: &[ComplaintClock],
    month: &Period,
    (open_at_end, overdue_at_end): (u64, u64),
) -> ComplaintsReport {
    let end = end_of(month);
    let mut totals = (0u64, 0u64, 0u64, 0u64);
    let mut by_category: BTreeMap<&str, LineCounts> = BTreeMap::new();
    let mut by_department: BTreeMap<&str, LineCounts> = BTreeMap::new();
    let mut reply_seconds = Vec::new();
    for clock in clocks {
        let c = clock.complaint;
        if !month.contains(c.raised_at.day()) {
            continue;
        }
        let in_time = clock.handled_in_time();
        totals.0 += 1;
        totals.1 += u64::from(clock.escalated_on_time());
        totals.2 += u64::from(in_time);
        totals.3 += u64::from(clock.resolved_as_of(end));
        for line in [
            by_category.entry(c.category.as_str()).or_default(),
            by_department.entry(c.department.as_str()).or_default(),
        ] {
            line.raised += 1;
            line.handled_in_time += u64::from(in_time);
        }
        reply_seconds.extend(clock.reply_working_seconds);
    }
    let (raised, escalated_on_time, handled_in_time, resolved_by_end) = totals;
    ComplaintsReport {
        month: month.label.clone(),
        complaints: ComplaintTotals {
            raised,
            escalated_on_time,
            handled_in_time,
            resolved_by_end,
            timely_rate: rate(handled_in_time, raised),
            escalation_rate: rate(escalated_on_time, raised),
        },
        by_category: by_category
            .into_iter()
            .map(|(category, counts)| CategoryLine {
                category: category.to_owned(),
                counts,
            })
            .collect(),
        by_department: by_department
            .into_iter()
            .map(|(department, counts)| DepartmentLine {
                department: department.to_owned(),
                counts,
            })
            .collect(),
        open_at_end,
        overdue_at_end,
        reply_hours_median: median_hours(reply_seconds),
    }
}

/// [`complaints_report`] from the complaints themselves.
pub fn complaints_report_of(
    complaints: &[ComplaintInput],
    calendar: &WorkCalendar,
    rules: &ComplaintRules,
    month: &Period,
) -> ComplaintsReport {
    complaints_report(&clocks(complaints, calendar, rules), month)
}

/// What an open complaint waits for next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NextDue {
    Escalation,
    Reply,
}

impl NextDue {
    pub fn as_str(self) -> &'static str {
        match self {
            NextDue::Escalation => "escalation",
            NextDue::Reply => "reply",
        }
    }
}

/// A row of the open-complaints work list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpenComplaint {
    pub complaint_id: String,
    pub customer_id: String,
    /// As the caller passed it (in full); the renderers mask it unless asked not to.
    pub phone: String,
    pub raised_at: String,
    pub category: String,
    pub department: String,
    pub owner_id: Option<String>,
    /// The escalation or the reply; `None` once replied (it waits for its resolution).
    pub next: Option<NextDue>,
    pub due_at: Option<String>,
    /// `overdue` (the next due time has passed), `due`, or `waiting` (nothing due).
    pub status: &'static str,
    /// The latest step at or before the time of the list (`reopened` tells a complaint that
    /// came back), `None` for none.
    pub last_step: Option<&'static str>,
}

/// Complaints open at `as_of` (raised by then and not resolved as of then): overdue first,
/// then by due time, then those waiting for nothing, by raised_at; ties by id. `phone`
/// gives a customer's phone.
pub fn open_complaints(
    clocks: &[ComplaintClock],
    as_of: Timestamp,
    phone: impl Fn(&str) -> String,
) -> Vec<OpenComplaint> {
    let mut open: Vec<(u8, Timestamp, &ComplaintClock, Option<NextDue>)> = clocks
        .iter()
        .filter(|c| c.open_as_of(as_of))
        .map(|clock| {
            let next = if clock.replied_as_of(as_of) {
                None
            } else if clock.escalated_as_of(as_of) {
                Some((NextDue::Reply, clock.reply_due))
            } else {
                Some((NextDue::Escalation, clock.escalation_due))
            };
            match next {
                Some((kind, due)) if due < as_of => (0, due, clock, Some(kind)),
                Some((kind, due)) => (1, due, clock, Some(kind)),
                None => (2, clock.complaint.raised_at, clock, None),
            }
        })
        .collect();
    open.sort_by(|a, b| {
        (a.0, a.1, &a.2.complaint.complaint_id).cmp(&(b.0, b.1, &b.2.complaint.complaint_id))
    });
    open.into_iter()
        .map(|(rank, time, clock, next)| {
            let c = clock.complaint;
            OpenComplaint {
                complaint_id: c.complaint_id.clone(),
                customer_id: c.customer_id.clone(),
                phone: phone(&c.customer_id),
                raised_at: c.raised_at.to_string(),
                category: c.category.clone(),
                department: c.department.clone(),
                owner_id: c.owner_id.clone(),
                next,
                due_at: next.map(|_| time.to_string()),
                status: ["overdue", "due", "waiting"][usize::from(rank)],
                last_step: clock.latest_step(as_of).map(|s| s.as_str()),
            }
        })
        .collect()
}

/// The complaints report of a month from a snapshot. Where the kept facts follow `rules`,
/// it reads the month's complaints (by date) with their steps, and the open and overdue
/// complaints at its end from the facts; otherwise every complaint, from scratch.
pub fn run(reader: &Reader, rules: &Rules, month: &Period) -> Result<ComplaintsReport, StoreError> {
    if !crate::facts::current(reader, rules)? {
        let w = Workflow::load(reader, rules)?;
        return Ok(complaints_report_of(
            &w.complaints,
            &w.calendar,
            &rules.complaints,
            month,
        ));
    }
    let calendar = calendar_of(reader, rules)?;
    let mut raised = Vec::new();
    reader.for_each_in_period(Kind::Complaint, month.first.start(), end_of(month), |r| {
        if let Record::Complaint(c) = r {
            raised.push(c.clone());
        }
        Ok(())
    })?;
    let inputs = raised
        .into_iter()
        .map(|c| ComplaintInput::read(reader, c))
        .collect::<Result<Vec<_>, _>>()?;
    let index = crate::facts::month_of(month.last.0);
    let stocks = (
        reader.workflow_stock(SERIES_OPEN, index)?,
        reader.workflow_stock(SERIES_OVERDUE, index)?,
    );
    Ok(complaints_report_with(
        &clocks(&inputs, &calendar, &rules.complaints),
        month,
        stocks,
    ))
}
