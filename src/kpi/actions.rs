//! The actions report (整改措施和预防措施, DOMAIN.md section 13) and the open-actions work
//! list, from [`ActionInput`]s.
//!
//! Decisions where the contract is silent:
//! - "As of the end of M" is as of M's last day (the contract's rules on actions are per
//!   day), with the status precedence of [`crate::derive::complaints`].
//! - `done_on_time` counts the actions due in M that are done on time; `overdue_at_end`
//!   counts every action raised on or before M's last day (in any month) that is overdue as
//!   of it, as `open_at_end` does for complaints: the backlog, not only M's actions. The
//!   list holds the actions raised in M and those due in M, by due date, then id.

use serde::{Deserialize, Serialize};

use crate::derive::complaints::{
    ActionInput, ActionStatus, ActionStepKind, Workflow, actions_overdue,
};
use crate::model::{Day, Kind, Period, Record};
use crate::rules::Rules;
use crate::store::facts::SERIES_ACTIONS_OVERDUE;
use crate::store::{Reader, StoreError};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionsReport {
    pub month: String,
    pub counts: ActionCounts,
    pub actions: Vec<ActionLine>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCounts {
    /// Actions raised in M.
    pub raised: u64,
    /// Actions due in M.
    pub due: u64,
    /// Of those due in M, the ones done on time.
    pub done_on_time: u64,
    /// Actions raised on or before M's last day, overdue as of it.
    pub overdue_at_end: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionLine {
    pub action_id: String,
    /// `corrective` or `preventive`.
    pub kind: String,
    pub subject: String,
    pub complaint_id: Option<String>,
    pub owner_id: String,
    pub raised_on: String,
    pub due_on: String,
    /// The date of the first `done` step, if any is dated by the time of the status.
    pub done_on: Option<String>,
    pub status: ActionStatus,
}

/// The line of an action, its status as of `as_of`.
fn line(action: &ActionInput, as_of: Day) -> ActionLine {
    ActionLine {
        action_id: action.action_id.clone(),
        kind: action.kind.as_str().to_owned(),
        subject: action.subject.clone(),
        complaint_id: action.complaint_id.clone(),
        owner_id: action.owner_id.clone(),
        raised_on: action.raised_on.to_string(),
        due_on: action.due_on.to_string(),
        done_on: action
            .done_on()
            .filter(|&d| d <= as_of)
            .map(|d| d.to_string()),
        status: action.status_as_of(as_of),
    }
}

/// The actions raised in `month` or due in it, each with its status as of `as_of`, by due
/// date then id. The report uses the month's last day; the report pack shows last month's
/// actions as of the end of this one.
pub fn action_lines(actions: &[ActionInput], month: &Period, as_of: Day) -> Vec<ActionLine> {
    let mut chosen: Vec<&ActionInput> = actions
        .iter()
        .filter(|a| month.contains(a.raised_on) || month.contains(a.due_on))
        .collect();
    chosen.sort_by(|a, b| (a.due_on, &a.action_id).cmp(&(b.due_on, &b.action_id)));
    chosen.into_iter().map(|a| line(a, as_of)).collect()
}

/// The report of a month.
pub fn actions_report(actions: &[ActionInput], month: &Period) -> ActionsReport {
    actions_report_with(actions, month, actions_overdue(actions, month.last))
}

/// The report of a month from (at least) the actions raised or due in it, with the overdue
/// backlog at its end counted elsewhere (the kept facts).
pub fn actions_report_with(
    actions: &[ActionInput],
    month: &Period,
    overdue_at_end: u64,
) -> ActionsReport {
    let end = month.last;
    let due: Vec<&ActionInput> = actions
        .iter()
        .filter(|a| month.contains(a.due_on))
        .collect();
    ActionsReport {
        month: month.label.clone(),
        counts: ActionCounts {
            raised: actions
                .iter()
                .filter(|a| month.contains(a.raised_on))
                .count() as u64,
            due: due.len() as u64,
            done_on_time: due.iter().filter(|a| a.done_on_time()).count() as u64,
            overdue_at_end,
        },
        actions: action_lines(actions, month, end),
    }
}

/// A row of the open-actions work list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpenAction {
    pub action_id: String,
    pub kind: String,
    pub subject: String,
    pub complaint_id: Option<String>,
    pub owner_id: String,
    pub raised_on: String,
    pub due_on: String,
    /// `overdue` or `open`.
    pub status: ActionStatus,
    /// Days past the due date (0 when not overdue).
    pub days_overdue: i32,
    /// Whether the general manager's approval is on record.
    pub approved: bool,
}

/// Actions open as of the end of `as_of` (raised by then, neither done nor verified):
/// overdue first, then by due date, then id.
pub fn open_actions(actions: &[ActionInput], as_of: Day) -> Vec<OpenAction> {
    let mut open: Vec<&ActionInput> = actions.iter().filter(|a| a.open_as_of(as_of)).collect();
    open.sort_by_key(|a| (!a.overdue_as_of(as_of), a.due_on, &a.action_id));
    open.into_iter()
        .map(|a| OpenAction {
            action_id: a.action_id.clone(),
            kind: a.kind.as_str().to_owned(),
            subject: a.subject.clone(),
            complaint_id: a.complaint_id.clone(),
            owner_id: a.owner_id.clone(),
            raised_on: a.raised_on.to_string(),
            due_on: a.due_on.to_string(),
            status: a.status_as_of(as_of),
            days_overdue: (as_of.0 - a.due_on.0).max(0),
            approved: a
                .steps
                .iter()
                .any(|s| s.step == ActionStepKind::Approved && s.at.day() <= as_of),
        })
        .collect()
}

/// The actions report of a month from a snapshot. Where the kept facts follow `rules`, it
/// reads the actions raised in the month (by date) and those due in it (the facts' index),
/// with their steps, and the overdue backlog from the facts; otherwise every action.
pub fn run(reader: &Reader, rules: &Rules, month: &Period) -> Result<ActionsReport, StoreError> {
    if !crate::facts::current(reader, rules)? {
        let w = Workflow::load(reader, rules)?;
        return Ok(actions_report(&w.actions, month));
    }
    let mut listed = std::collections::BTreeMap::new();
    reader.for_each_in_period(
        Kind::Action,
        month.first.start(),
        Day(month.last.0 + 1).start(),
        |r| {
            if let Record::Action(a) = r {
                listed.insert(a.action_id.clone(), a.clone());
            }
            Ok(())
        },
    )?;
    for id in reader.actions_due(month.first.0, month.last.0)? {
        if let Some((_, Record::Action(a))) = reader.get(Kind::Action, &id)? {
            listed.insert(id, a);
        }
    }
    let inputs = listed
        .into_values()
        .map(|a| ActionInput::read(reader, a))
        .collect::<Result<Vec<_>, _>>()?;
    let overdue =
        reader.workflow_stock(SERIES_ACTIONS_OVERDUE, crate::facts::month_of(month.last.0))?;
    Ok(actions_report_with(&inputs, month, overdue))
}
