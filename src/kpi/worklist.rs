//! The daily work list: open return-visit tasks as of a date, the calls the care staff make.

use serde::Serialize;

use crate::derive::Activity;
use crate::derive::tasks::derive_tasks;
use crate::model::{Day, Kind, Purpose, Record, Timestamp};
use crate::rules::Rules;
use crate::store::{Reader, StoreError};

/// Which open tasks to list.
#[derive(Clone, Debug, Default)]
pub struct WorkFilter {
    pub department: Option<String>,
    /// The task's owner (the sale's consultant for delivery tasks).
    pub staff: Option<String>,
    pub kind: Option<Purpose>,
    /// Also list tasks due up to this many days after the date.
    pub ahead_days: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkItem {
    pub task_id: String,
    pub kind: String,
    pub department: String,
    pub due_at: String,
    /// `overdue` (due before the date), `due` (due on the date) or `ahead`.
    pub status: &'static str,
    /// When the task stops accepting attempts (due time + grace).
    pub closes_at: String,
    pub customer_id: String,
    pub customer_name: String,
    /// In full; the CLI masks it unless asked.
    pub phone: String,
    pub owner: String,
    pub attempts: u64,
    pub last_outcome: String,
}

/// Open tasks as of the end of `as_of`, knowing only what was recorded by then: triggered,
/// not successful, not withdrawn, still accepting attempts at the start of the day, and due
/// on or before the date (or up to `ahead_days` later). Sorted by due time, then task id.
pub fn open_tasks(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
    filter: &WorkFilter,
) -> Result<Vec<WorkItem>, StoreError> {
    let activity = Activity::load(reader)?;
    let until = Timestamp(Day(as_of.0 + 1).start().0 - 1);
    let day_start = as_of.start();
    // The CLI bounds `--ahead` to ten years; a library caller asking for more gets every task
    // after the date (the day only bounds a comparison, so saturating is exact here).
    let ahead = i32::try_from(filter.ahead_days).unwrap_or(i32::MAX);
    let last_due_day = Day(as_of.0.saturating_add(ahead));
    let grace = rules.grace_seconds();
    let mut open: Vec<_> = derive_tasks(&activity, rules, until)
        .into_iter()
        .flat_map(|c| c.tasks)
        // Triggered by the end of the day (a churn task of a customer not yet lost is not
        // work yet, however near its due date), not successful, not withdrawn.
        .filter(|s| s.task.trigger_at <= until && !s.successful && !s.withdrawn)
        .filter(|s| s.task.due_at.0 + grace >= day_start.0 && s.task.due_at.day() <= last_due_day)
        .filter(|s| filter.kind.is_none_or(|k| k == s.task.kind))
        .filter(|s| {
            filter
                .staff
                .as_ref()
                .is_none_or(|st| s.task.owner.as_ref() == Some(st))
        })
        .filter(|s| {
            filter
                .department
                .as_ref()
                .is_none_or(|d| super::task_rule(rules, s.task.kind).department == *d)
        })
        .collect();
    open.sort_by(|a, b| (a.task.due_at, &a.task.id).cmp(&(b.task.due_at, &b.task.id)));
    open.into_iter()
        .map(|s| {
            let (name, phone) = match reader.get(Kind::Customer, &s.task.customer_id)? {
                Some((_, Record::Customer(c))) => (c.name, c.phone.unwrap_or_default()),
                _ => (String::new(), String::new()),
            };
            let due_day = s.task.due_at.day();
            Ok(WorkItem {
                task_id: s.task.id.clone(),
                kind: s.task.kind.to_string(),
                department: super::task_rule(rules, s.task.kind).department.clone(),
                due_at: s.task.due_at.to_string(),
                status: if due_day < as_of {
                    "overdue"
                } else if due_day == as_of {
                    "due"
                } else {
                    "ahead"
                },
                closes_at: Timestamp(s.task.due_at.0 + grace).to_string(),
                customer_id: s.task.customer_id.clone(),
                customer_name: name,
                phone,
                owner: s.task.owner.clone().unwrap_or_default(),
                attempts: s.credits.len() as u64,
                last_outcome: s
                    .credits
                    .last()
                    .map(|c| c.outcome.to_string())
                    .unwrap_or_default(),
            })
        })
        .collect()
}
