//! The daily work list: open return-visit tasks as of a date, the calls the care staff make.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::derive::care::{self, CareKind};
use crate::derive::churn;
use crate::derive::tasks::{Owners, TaskState, derive_tasks};
use crate::derive::tiers::{Tier, TierInputs, as_of_for};
use crate::derive::{Activity, CustomerActivity};
use crate::model::{Customer, Day, Kind, Purpose, Record, Timestamp};
use crate::rules::Rules;
use crate::store::{Reader, StoreError};

/// Which open tasks to list.
#[derive(Clone, Debug, Default)]
pub struct WorkFilter {
    pub department: Option<String>,
    /// The task's owner under its kind's owner rule (`TaskRule::owner`: the sale's
    /// consultant, the order's advisor, the department's member with a role, or nobody for
    /// a pool); care tasks have none.
    pub staff: Option<String>,
    /// A task kind, or the purpose crediting a care task (`care` for tier_care).
    pub kind: Option<Purpose>,
    /// Also list tasks due up to this many days after the date.
    pub ahead_days: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkItem {
    pub task_id: String,
    pub kind: String,
    pub department: String,
    /// The customer's tier on the date: the list puts the most valuable first.
    pub tier: Tier,
    pub due_at: String,
    /// `overdue` (due before the date), `due` (due on the date) or `ahead` (a care task:
    /// due on its period's last day).
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
/// on or before the date (or up to `ahead_days` later). Care tasks (DOMAIN.md section 14)
/// are listed for as long as they accept attempts during the day (a week's care from its
/// Monday to its Sunday), ahead or not. Not listed: a recovery task of an episode declared lost by the date, and any task
/// of a customer without consent to be contacted. Sorted so that the most valuable
/// customers come first: by the customer's tier on the date (super VIP, VIP, general),
/// then due time, then task id.
pub fn open_tasks(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
    filter: &WorkFilter,
) -> Result<Vec<WorkItem>, StoreError> {
    let until = Timestamp(Day(as_of.0 + 1).start().0 - 1);
    let activity = Activity::load(reader)?.known_until(until);
    let day_start = as_of.start();
    // The CLI bounds `--ahead` to ten years; a library caller asking for more gets every task
    // after the date (the day only bounds a comparison, so saturating is exact here).
    let ahead = i32::try_from(filter.ahead_days).unwrap_or(i32::MAX);
    let last_due_day = Day(as_of.0.saturating_add(ahead));
    let grace = rules.grace_seconds();
    let tiers = TierInputs::load(reader, rules)?;
    let customers: BTreeMap<String, Customer> = reader
        .current_records(Kind::Customer)?
        .into_iter()
        .filter_map(Record::into_customer)
        .map(|c| (c.customer_id.clone(), c))
        .collect();
    let mut policies: BTreeMap<String, Vec<(String, Day)>> = BTreeMap::new();
    for p in reader
        .current_records(Kind::Policy)?
        .into_iter()
        .filter_map(Record::into_policy)
        .filter(|p| p.start_on <= as_of)
    {
        policies
            .entry(p.customer_id)
            .or_default()
            .push((p.policy_id, p.start_on));
    }
    let success = rules.visits.tasks.churn_recovery.success.clone();
    let owners = Owners::new(
        rules,
        reader
            .current_records(Kind::Staff)?
            .into_iter()
            .filter_map(Record::into_staff)
            .collect(),
    );
    let tasks = derive_tasks(&activity, rules, until);
    let mut open: Vec<(Tier, Open)> = Vec::new();
    for (c, derived) in activity.customers.iter().zip(tasks) {
        // A customer without consent is on no work list (PIPL, DOMAIN.md section 14).
        let Some(customer) = customers.get(&c.customer_id).filter(|c| c.contact_consent) else {
            continue;
        };
        let tier = tiers
            .tier_of(&c.customer_id, &rules.tiers, as_of_for(as_of))
            .tier;
        let churn = churn::derive_customer(c, rules, &success);
        let given_up: Vec<Day> = churn
            .episodes
            .iter()
            .filter(|e| e.declared_by(as_of))
            .map(|e| e.episode.lost_on)
            .collect();
        for s in derived.tasks {
            let given_up = s.task.kind == Purpose::ChurnRecovery
                && s.task.returned_on.is_none()
                && given_up
                    .iter()
                    .any(|d| s.task.id.ends_with(&format!("@{d}")));
            // Triggered by the end of the day (a churn task of a customer not yet lost is
            // not work yet, however near its due date), not successful, not withdrawn.
            if s.task.trigger_at <= until
                && !s.successful
                && !s.withdrawn
                && !given_up
                && s.task.due_at.0 + grace >= day_start.0
                && s.task.due_at.day() <= last_due_day
            {
                let department = super::task_rule(rules, s.task.kind).department.clone();
                let owner = owners.owner(s.task.kind, s.task.owner.as_deref(), s.task.trigger_at);
                let mut item = Open::of(s, None, department, grace);
                item.owner = owner;
                open.push((tier, item));
            }
        }
        let episodes: Vec<_> = churn.episodes.iter().map(|e| e.episode.clone()).collect();
        let own = policies.get(&c.customer_id).map_or(&[][..], Vec::as_slice);
        let care = care::derive_for(customer, c, own, &episodes, &tiers, rules);
        open.extend(open_care(care.tasks, rules, until, day_start).map(|o| (tier, o)));
    }
    // Customers with consent but no activity have care tasks too (a tagged VIP who never
    // came): the activity holds only customers with a record of theirs.
    for customer in customers.values().filter(|c| c.contact_consent) {
        if activity
            .customers
            .binary_search_by(|a| a.customer_id.cmp(&customer.customer_id))
            .is_ok()
        {
            continue;
        }
        let tier = tiers
            .tier_of(&customer.customer_id, &rules.tiers, as_of_for(as_of))
            .tier;
        let empty = CustomerActivity {
            customer_id: customer.customer_id.clone(),
            ..CustomerActivity::default()
        };
        let own = policies
            .get(&customer.customer_id)
            .map_or(&[][..], Vec::as_slice);
        let care = care::derive_for(customer, &empty, own, &[], &tiers, rules);
        open.extend(open_care(care.tasks, rules, until, day_start).map(|o| (tier, o)));
    }
    open.retain(|(_, o)| {
        filter.kind.is_none_or(|k| k == o.state.task.kind)
            && filter
                .staff
                .as_ref()
                .is_none_or(|st| o.owner.as_ref() == Some(st))
            && filter
                .department
                .as_ref()
                .is_none_or(|d| o.department == *d)
    });
    open.sort_by(|(ta, a), (tb, b)| {
        (ta, a.state.task.due_at, &a.state.task.id).cmp(&(
            tb,
            b.state.task.due_at,
            &b.state.task.id,
        ))
    });
    open.into_iter()
        .map(|(tier, o)| {
            let s = o.state;
            let (name, phone) = customers
                .get(&s.task.customer_id)
                .map(|c| (c.name.clone(), c.phone.clone().unwrap_or_default()))
                .unwrap_or_default();
            Ok(WorkItem {
                task_id: s.task.id.clone(),
                kind: o.kind,
                department: o.department,
                tier,
                due_at: s.task.due_at.to_string(),
                status: if o.due_day < as_of {
                    "overdue"
                } else if o.due_day == as_of {
                    "due"
                } else {
                    "ahead"
                },
                closes_at: Timestamp(s.task.due_at.0 + o.grace).to_string(),
                customer_id: s.task.customer_id.clone(),
                customer_name: name,
                phone,
                owner: o.owner.unwrap_or_default(),
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

/// The care tasks open on the day: triggered by its end, not successful, and accepting
/// attempts during it. Each is listed for its whole period and due on its last day.
fn open_care<'a>(
    tasks: Vec<care::CareTask>,
    rules: &'a Rules,
    until: Timestamp,
    day_start: Timestamp,
) -> impl Iterator<Item = Open> + 'a {
    let grace = rules.care.grace_seconds();
    tasks.into_iter().filter_map(move |t| {
        let s = &t.state;
        (s.task.trigger_at <= until && !s.successful && s.task.due_at.0 + grace > day_start.0).then(
            || {
                let department = t.kind.department(rules).to_owned();
                let mut item = Open::of(t.state, Some(t.kind), department, grace);
                item.due_day = t.belongs_on;
                item
            },
        )
    })
}

/// An open task on its way to the list.
struct Open {
    state: TaskState,
    kind: String,
    department: String,
    /// The day it is due (a care task: its period's last day).
    due_day: Day,
    /// The grace of its kind, in seconds.
    grace: i64,
    /// Whom it is listed for (`Owners::owner`); care tasks have nobody.
    owner: Option<String>,
}

impl Open {
    /// A task of `state`, a care task's when `care` names its kind.
    fn of(state: TaskState, care: Option<CareKind>, department: String, grace: i64) -> Open {
        Open {
            kind: care.map_or_else(|| state.task.kind.to_string(), |k| k.as_str().to_owned()),
            due_day: state.task.due_at.day(),
            state,
            department,
            grace,
            owner: None,
        }
    }
}
