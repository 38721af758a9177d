//! Care tasks (关怀, DOMAIN.md section 14): `tier_care` for each period of a customer's tier
//! cadence (超级VIP every ISO week, VIP every month, seed `004_*`) and `insurance_renewal`
//! in the weeks before a policy's anniversary (保险到期提醒), credited by `care` and
//! `insurance_renewal` attempts with the rule of section 4.
//!
//! A customer's tier_care tasks have no end: a VIP stays one, and is cared for, as long as
//! nothing changes. They are therefore described as *cover*: the runs of consecutive periods
//! of a tier in which the customer has a task (tier on the period's first day, not lost on
//! it, consent). Past a date from which neither the tier nor the lost state can change
//! (`horizon`), a run that is still open stays open. Tasks are materialised only up to
//! that date, which is after every attempt, so every attempt meets every task it could
//! credit; a report counts the tasks due in a month from the cover.

use std::cell::RefCell;
use std::collections::HashMap;

use super::CustomerActivity;
use super::episodes::Episode;
use super::tasks::{Task, TaskState, credit};
use super::tiers::{Tier, TierInputs, as_of_for};
use crate::model::{Attempt, Customer, Day, Period, Purpose, Timestamp};
use crate::rules::Rules;

/// The two kinds of care task, in report order (by name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CareKind {
    InsuranceRenewal,
    TierCare,
}

impl CareKind {
    pub const ALL: [CareKind; 2] = [CareKind::InsuranceRenewal, CareKind::TierCare];

    pub fn as_str(self) -> &'static str {
        match self {
            CareKind::InsuranceRenewal => "insurance_renewal",
            CareKind::TierCare => "tier_care",
        }
    }

    /// The purpose of the attempts that credit it.
    pub fn purpose(self) -> Purpose {
        match self {
            CareKind::InsuranceRenewal => Purpose::InsuranceRenewal,
            CareKind::TierCare => Purpose::Care,
        }
    }

    /// The kind of a task whose (attempt) purpose is `p`.
    pub fn of(p: Purpose) -> Option<CareKind> {
        match p {
            Purpose::InsuranceRenewal => Some(CareKind::InsuranceRenewal),
            Purpose::Care => Some(CareKind::TierCare),
            _ => None,
        }
    }

    /// The department the rules give the kind.
    pub fn department(self, rules: &Rules) -> &str {
        match self {
            CareKind::InsuranceRenewal => &rules.care.insurance_renewal.department,
            CareKind::TierCare => &rules.care.tier_care.department,
        }
    }
}

impl std::fmt::Display for CareKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A care task with its credits. `state.task.kind` is the purpose that credits it (`care`
/// for tier_care).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CareTask {
    pub state: TaskState,
    pub kind: CareKind,
    /// The tier that decided a tier_care task's period.
    pub tier: Option<Tier>,
    /// The date whose month the task belongs to: a tier_care period's last day, a renewal
    /// task's due date.
    pub belongs_on: Day,
}

impl AsRef<TaskState> for CareTask {
    fn as_ref(&self) -> &TaskState {
        &self.state
    }
}

impl AsMut<TaskState> for CareTask {
    fn as_mut(&mut self) -> &mut TaskState {
        &mut self.state
    }
}

/// A run of consecutive periods of a tier's cadence in which the customer has a tier_care
/// task: from the period starting on `from` to the one before the period starting on
/// `until` (`None`: every later period).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cover {
    pub tier: Tier,
    pub from: Day,
    pub until: Option<Day>,
}

/// What the care rules make of one customer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerCare {
    /// Every renewal task, and the tier_care tasks up to the horizon that [`TierTasks`]
    /// says, in (due, id) order.
    pub tasks: Vec<CareTask>,
    pub cover: Vec<Cover>,
    /// `care` and `insurance_renewal` attempts credited to no task: (attempt id, at).
    pub unscheduled: Vec<(String, Timestamp)>,
}

/// One customer's inputs.
pub struct CareInputs<'a> {
    pub customer_id: &'a str,
    pub created_on: Day,
    pub consent: bool,
    /// Current policies: (policy id, start_on).
    pub policies: Vec<(&'a str, Day)>,
    /// Every attempt of the customer (those of other purposes are skipped).
    pub attempts: &'a [Attempt],
    pub episodes: &'a [Episode],
    /// A date from which the customer's tier no longer changes (`TierInputs::settled_from`).
    pub tier_settled_from: Day,
}

/// Whether a customer is lost on a date: an episode has begun and not ended by then.
pub fn lost_on(episodes: &[Episode], day: Day) -> bool {
    episodes
        .iter()
        .any(|e| e.lost_on <= day && e.returned_on.is_none_or(|r| r > day))
}

/// A date from which nothing that decides a period's task changes any more, and after every
/// attempt: the tier (evaluated as of the end of the month before, so two months after it
/// settles), the lost state (the last episode's start and return), the attempts (with the
/// grace) — plus a year, so that the last period materialised stands for every later one.
fn horizon(inputs: &CareInputs, grace_days: i32) -> Day {
    let episodes = inputs
        .episodes
        .iter()
        .flat_map(|e| [Some(e.lost_on), e.returned_on])
        .flatten();
    let attempts = inputs
        .attempts
        .iter()
        .map(|a| Day(a.at.day().0 + grace_days + 1));
    let latest = [inputs.created_on, Day(inputs.tier_settled_from.0 + 62)]
        .into_iter()
        .chain(episodes)
        .chain(attempts)
        .max()
        .expect("created_on is a date");
    Day(latest.0 + 366)
}

/// `start_on + 1 year`: the same month and day a year later (29 February → 28 February).
pub fn anniversary(start_on: Day) -> Day {
    use chrono::Datelike;
    let d = start_on.to_naive();
    let next = chrono::NaiveDate::from_ymd_opt(d.year() + 1, d.month(), d.day())
        .or_else(|| chrono::NaiveDate::from_ymd_opt(d.year() + 1, d.month(), d.day() - 1))
        .expect("a date a year on exists");
    Day::from_naive(next)
}

/// Which tier_care tasks [`derive_customer`] lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierTasks {
    /// Every one up to the horizon: the work list shows the open ones.
    All,
    /// Only those a `care` attempt falls in the window of (trigger to due with the grace):
    /// the facts keep no other. A task no attempt is a candidate for takes no credit and
    /// changes no other task's (the rule of section 4 chooses among candidates only), so
    /// the tasks listed are credited exactly as with [`TierTasks::All`].
    Creditable,
}

/// Derives one customer's care tasks and credits their care attempts. `tier_on(d)` is the
/// customer's tier on date `d` (DOMAIN.md section 7).
pub fn derive_customer(
    inputs: &CareInputs,
    tier_on: impl Fn(Day) -> Tier,
    rules: &Rules,
    listed: TierTasks,
) -> CustomerCare {
    let care = &rules.care;
    let grace = care.grace_seconds();
    let mut tasks: Vec<CareTask> = Vec::new();
    let mut cover: Vec<Cover> = Vec::new();
    // The times of the customer's `care` attempts, in order: a period's task is listed
    // (with `TierTasks::Creditable`) when one falls in its window.
    let mut care_times: Vec<i64> = inputs
        .attempts
        .iter()
        .filter(|a| a.purpose == Purpose::Care)
        .map(|a| a.at.0)
        .collect();
    care_times.sort_unstable();
    let creditable = |first: Day, next: Day| {
        let (from, to) = (first.start().0, next.start().0.saturating_add(grace));
        let i = care_times.partition_point(|t| *t < from);
        care_times.get(i).is_some_and(|t| *t <= to)
    };
    if inputs.consent {
        let end = horizon(inputs, i32::try_from(grace / 86_400).unwrap_or(i32::MAX));
        for tier in Tier::ALL {
            let Some(cadence) = care.tier_care.cadence(tier) else {
                continue;
            };
            // The periods are walked by their first days; a period (with its label) is
            // built only for a task.
            let mut day = Period::of(cadence, inputs.created_on).first;
            if day < inputs.created_on {
                day = cadence.next_start(day);
            }
            let mut open: Option<Day> = None;
            while day <= end {
                let next = cadence.next_start(day);
                let covered = tier_on(day) == tier && !lost_on(inputs.episodes, day);
                match (covered, open) {
                    (true, None) => open = Some(day),
                    (false, Some(from)) => {
                        cover.push(Cover {
                            tier,
                            from,
                            until: Some(day),
                        });
                        open = None;
                    }
                    _ => {}
                }
                if covered && (listed == TierTasks::All || creditable(day, next)) {
                    let period = Period::of(cadence, day);
                    debug_assert_eq!((period.first, period.last), (day, Day(next.0 - 1)));
                    tasks.push(tier_task(inputs.customer_id, tier, &period));
                }
                day = next;
            }
            if let Some(from) = open {
                cover.push(Cover {
                    tier,
                    from,
                    until: None,
                });
            }
        }
        if care.insurance_renewal.enabled {
            tasks.extend(renewal_tasks(inputs, rules));
        }
    }
    tasks.sort_by(|a, b| {
        (a.state.task.due_at, &a.state.task.id).cmp(&(b.state.task.due_at, &b.state.task.id))
    });
    let mut attempts: Vec<&Attempt> = inputs
        .attempts
        .iter()
        .filter(|a| a.purpose.is_care())
        .collect();
    attempts.sort_by(|a, b| (a.at, &a.attempt_id).cmp(&(b.at, &b.attempt_id)));
    let unscheduled = credit(&mut tasks, attempts, grace, |kind| {
        match CareKind::of(kind).expect("care tasks have care purposes") {
            CareKind::InsuranceRenewal => &care.insurance_renewal.success,
            CareKind::TierCare => &care.tier_care.success,
        }
    });
    CustomerCare {
        tasks,
        cover,
        unscheduled,
    }
}

/// One customer's care, from their record, activity, current policies and lost episodes,
/// with their tier from `tiers` (evaluated once per month it is asked for).
pub fn derive_for(
    customer: &Customer,
    activity: &CustomerActivity,
    policies: &[(String, Day)],
    episodes: &[Episode],
    tiers: &TierInputs,
    rules: &Rules,
) -> CustomerCare {
    let id = customer.customer_id.as_str();
    let seen: RefCell<HashMap<Day, Tier>> = RefCell::new(HashMap::new());
    let tier_on = |day: Day| {
        let as_of = as_of_for(day);
        *seen
            .borrow_mut()
            .entry(as_of)
            .or_insert_with(|| tiers.tier_of(id, &rules.tiers, as_of).tier)
    };
    let settled = tiers
        .settled_from(id, &rules.tiers)
        .unwrap_or(customer.created_on);
    derive_with(
        customer,
        activity,
        policies,
        episodes,
        settled,
        tier_on,
        rules,
        TierTasks::All,
    )
}

/// [`derive_for`] with the customer's tier on each date given by `tier_on`, the date from
/// which it no longer changes (`TierInputs::settled_from`), and which tier_care tasks to
/// list.
#[allow(clippy::too_many_arguments)]
pub fn derive_with(
    customer: &Customer,
    activity: &CustomerActivity,
    policies: &[(String, Day)],
    episodes: &[Episode],
    tier_settled_from: Day,
    tier_on: impl Fn(Day) -> Tier,
    rules: &Rules,
    listed: TierTasks,
) -> CustomerCare {
    let inputs = CareInputs {
        customer_id: customer.customer_id.as_str(),
        created_on: customer.created_on,
        consent: customer.contact_consent,
        policies: policies.iter().map(|(p, d)| (p.as_str(), *d)).collect(),
        attempts: &activity.attempts,
        episodes,
        tier_settled_from,
    };
    derive_customer(&inputs, tier_on, rules, listed)
}

fn tier_task(customer_id: &str, tier: Tier, period: &Period) -> CareTask {
    CareTask {
        state: TaskState {
            task: Task {
                id: ["tier_care:", customer_id, "@", &period.label].concat(),
                kind: Purpose::Care,
                customer_id: customer_id.to_owned(),
                trigger_at: period.first.start(),
                due_at: Day(period.last.0 + 1).start(),
                owner: None,
                returned_on: None,
            },
            credits: Vec::new(),
            successful: false,
            withdrawn: false,
        },
        kind: CareKind::TierCare,
        tier: Some(tier),
        belongs_on: period.last,
    }
}

/// A renewal task per current policy, unless the customer renewed early: another policy
/// of theirs starts after this one and on or before the task's trigger date.
fn renewal_tasks<'a>(inputs: &'a CareInputs, rules: &Rules) -> impl Iterator<Item = CareTask> + 'a {
    let rule = &rules.care.insurance_renewal;
    let (before_trigger, before_due) = (
        i32::from(rule.trigger_days_before),
        i32::from(rule.due_days_before),
    );
    inputs.policies.iter().filter_map(move |&(id, start)| {
        let anniversary = anniversary(start);
        let trigger = Day(anniversary.0 - before_trigger);
        let due = Day(anniversary.0 - before_due);
        let renewed_early = inputs
            .policies
            .iter()
            .any(|&(other, s)| other != id && start < s && s <= trigger);
        (!renewed_early).then(|| CareTask {
            state: TaskState {
                task: Task {
                    id: format!("insurance_renewal:{id}"),
                    kind: Purpose::InsuranceRenewal,
                    customer_id: inputs.customer_id.to_owned(),
                    trigger_at: trigger.start(),
                    due_at: due.start(),
                    owner: None,
                    returned_on: None,
                },
                credits: Vec::new(),
                successful: false,
                withdrawn: false,
            },
            kind: CareKind::InsuranceRenewal,
            tier: None,
            belongs_on: due,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(t: &str) -> Day {
        Day::parse(t).unwrap()
    }

    #[test]
    fn anniversaries_keep_month_and_day_and_29_february_becomes_28() {
        assert_eq!(anniversary(d("2024-03-01")), d("2025-03-01"));
        assert_eq!(anniversary(d("2024-02-29")), d("2025-02-28"));
        assert_eq!(anniversary(d("2023-02-28")), d("2024-02-28"));
    }

    #[test]
    fn a_customer_is_lost_from_lost_on_until_the_day_before_the_return() {
        let e = [Episode {
            last_visit: d("2024-01-01"),
            lost_on: d("2024-06-29"),
            returned_on: Some(d("2024-08-01")),
        }];
        assert!(!lost_on(&e, d("2024-06-28")));
        assert!(lost_on(&e, d("2024-06-29")));
        assert!(lost_on(&e, d("2024-07-31")));
        assert!(!lost_on(&e, d("2024-08-01")));
    }
}
