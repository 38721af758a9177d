//! Return-visit tasks and the crediting of attempts to them (DOMAIN.md section 4).
//!
//! Tasks are derived per customer: a customer's tasks and attempts never touch another
//! customer's, so customers are derived in parallel and the result, kept in customer order,
//! does not depend on the thread count.

use rayon::prelude::*;

use super::episodes::{Episode, lost_episodes};
use super::{Activity, CustomerActivity};
use crate::model::{Attempt, Day, Outcome, Purpose, Staff, Timestamp};
use crate::rules::{Rules, TaskOwner};

/// One return-visit task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// `KIND:SOURCE`, SOURCE being the sale id, the order id or `CUSTOMER@LOST_ON`.
    pub id: String,
    pub kind: Purpose,
    pub customer_id: String,
    pub trigger_at: Timestamp,
    pub due_at: Timestamp,
    /// The staff member the records name for the task under its kind's owner rule
    /// (`TaskRule::owner`): the sale's consultant under `consultant`, the order's advisor
    /// under `advisor`; `None` under `role:ROLE` and `pool`, and when the record names
    /// nobody. Who the task is listed and counted for is [`Owners::owner`]: a role is
    /// resolved against the staff records then, not kept with the task, so a staff change
    /// derives no task again.
    pub owner: Option<String>,
    /// For a churn task, the episode's return date.
    pub returned_on: Option<Day>,
}

/// An attempt credited to a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    pub attempt_id: String,
    pub at: Timestamp,
    pub outcome: Outcome,
    pub staff_id: Option<String>,
}

/// A task with the attempts credited to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskState {
    pub task: Task,
    /// In crediting order, (at, attempt_id).
    pub credits: Vec<Credit>,
    pub successful: bool,
    /// Withdrawn churn task: the customer came back by the due date before anyone called.
    /// It is not due and counts nowhere.
    pub withdrawn: bool,
}

impl AsRef<TaskState> for TaskState {
    fn as_ref(&self) -> &TaskState {
        self
    }
}

impl AsMut<TaskState> for TaskState {
    fn as_mut(&mut self) -> &mut TaskState {
        self
    }
}

impl TaskState {
    pub fn performed(&self) -> bool {
        !self.credits.is_empty()
    }

    /// Whether the first credited attempt, whatever its outcome, came by the due time.
    pub fn on_time(&self) -> bool {
        self.credits
            .first()
            .is_some_and(|c| c.at <= self.task.due_at)
    }
}

/// Who owns each task (`TaskRule::owner`), resolved against the staff records: the same
/// for a task derived from scratch and for one read from the kept facts, which keep only
/// the staff member the records name ([`Task::owner`]).
pub struct Owners {
    /// Per task kind (`slot`): the owner rule, the kind's department and due offset.
    rules: [Option<(TaskOwner, String, i64)>; 7],
    /// Every current staff record, by staff id.
    staff: Vec<Staff>,
}

impl Owners {
    pub fn new(rules: &Rules, mut staff: Vec<Staff>) -> Owners {
        let mut by_kind: [Option<(TaskOwner, String, i64)>; 7] = Default::default();
        for (kind, rule) in rules.visits.tasks.all() {
            by_kind[slot(kind)] = Some((
                rule.owner.clone(),
                rule.department.clone(),
                rule.due_seconds(),
            ));
        }
        staff.sort_by(|a, b| a.staff_id.cmp(&b.staff_id));
        Owners {
            rules: by_kind,
            staff,
        }
    }

    /// The owner of a task of `kind` triggered at `trigger_at` whose records name `named`
    /// ([`Task::owner`]): `named` under `consultant` and `advisor`; under `role:ROLE` the
    /// staff member of the kind's department with that role who is active on the trigger
    /// date (of several the smallest staff id, of none nobody); nobody under `pool`.
    pub fn owner(
        &self,
        kind: Purpose,
        named: Option<&str>,
        trigger_at: Timestamp,
    ) -> Option<String> {
        let (rule, department, _) = self.rules[slot(kind)].as_ref()?;
        match rule {
            TaskOwner::Consultant | TaskOwner::Advisor => named.map(str::to_owned),
            TaskOwner::Pool => None,
            TaskOwner::Role(role) => {
                let day = trigger_at.day();
                // In staff id order: the first found is the smallest.
                self.staff
                    .iter()
                    .find(|s| {
                        s.department == *department
                            && s.role.as_deref() == Some(role.as_str())
                            && s.active_from <= day
                            && s.active_to.is_none_or(|to| day <= to)
                    })
                    .map(|s| s.staff_id.clone())
            }
        }
    }

    /// [`Owners::owner`] of a task known by its due time (a kept fact): the trigger time is
    /// the due time less the kind's offset, as derivation made it.
    pub fn owner_by_due(
        &self,
        kind: Purpose,
        named: Option<&str>,
        due_at: Timestamp,
    ) -> Option<String> {
        let offset = self.rules[slot(kind)].as_ref().map_or(0, |r| r.2);
        self.owner(kind, named, Timestamp(due_at.0 - offset))
    }

    /// A staff member's name, from their current record.
    pub fn name(&self, staff_id: &str) -> Option<&str> {
        self.staff
            .binary_search_by(|s| s.staff_id.as_str().cmp(staff_id))
            .ok()
            .map(|i| self.staff[i].name.as_str())
    }
}

/// What crediting made of one customer's tasks and attempts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerTasks {
    pub tasks: Vec<TaskState>,
    /// Attempts with a task purpose (not `care` or `insurance_renewal`) credited to no task:
    /// (attempt_id, at).
    pub unscheduled: Vec<(String, Timestamp)>,
    pub episodes: Vec<Episode>,
}

/// The per-kind rules, resolved once.
struct KindRules {
    due_seconds: [i64; 7],
    success: [Vec<Outcome>; 7],
    owner: [Option<TaskOwner>; 7],
    grace_seconds: i64,
    lapse_days: i32,
}

fn slot(kind: Purpose) -> usize {
    kind as usize
}

impl KindRules {
    fn new(rules: &Rules) -> KindRules {
        let mut due_seconds = [0; 7];
        let mut success: [Vec<Outcome>; 7] = Default::default();
        let mut owner: [Option<TaskOwner>; 7] = Default::default();
        for (kind, rule) in rules.visits.tasks.all() {
            due_seconds[slot(kind)] = rule.due_seconds();
            success[slot(kind)] = rule.success.clone();
            owner[slot(kind)] = Some(rule.owner.clone());
        }
        KindRules {
            due_seconds,
            success,
            owner,
            grace_seconds: rules.grace_seconds(),
            lapse_days: rules.churn.lapse(),
        }
    }
}

/// Derives and credits the tasks of every customer, knowing only what was recorded up to
/// `known_until` (inclusive): later sales, orders, closings and attempts are ignored, as if
/// the report ran at that moment. `Timestamp(i64::MAX)` means everything.
pub fn derive_tasks(
    activity: &Activity,
    rules: &Rules,
    known_until: Timestamp,
) -> Vec<CustomerTasks> {
    let kinds = KindRules::new(rules);
    crate::progress::expect(
        crate::progress::Phase::Customers,
        activity.customers.len() as u64,
    );
    activity
        .customers
        .par_iter()
        .map(|customer| derive_customer(customer, &kinds, known_until))
        .inspect(|_| crate::progress::advance(1))
        .collect()
}

/// The rules of task derivation, resolved once, for deriving customers one at a time.
pub struct TaskDeriver {
    kinds: KindRules,
}

impl TaskDeriver {
    pub fn new(rules: &Rules) -> TaskDeriver {
        TaskDeriver {
            kinds: KindRules::new(rules),
        }
    }

    /// One customer's credited tasks, knowing what was recorded up to `known_until`.
    pub fn derive(&self, customer: &CustomerActivity, known_until: Timestamp) -> CustomerTasks {
        derive_customer(customer, &self.kinds, known_until)
    }
}

fn derive_customer(c: &CustomerActivity, kinds: &KindRules, until: Timestamp) -> CustomerTasks {
    let mut tasks: Vec<Task> = Vec::new();
    let mut task = |kind: Purpose,
                    source: &str,
                    trigger_at: Timestamp,
                    owner: Option<&String>,
                    returned_on: Option<Day>| {
        tasks.push(Task {
            id: format!("{kind}:{source}"),
            kind,
            customer_id: c.customer_id.clone(),
            trigger_at,
            due_at: Timestamp(trigger_at.0 + kinds.due_seconds[slot(kind)]),
            owner: owner.cloned(),
            returned_on,
        });
    };
    let mut visit_dates = Vec::new();
    for sale in c.sales.iter().filter(|s| s.delivered_at <= until) {
        visit_dates.push(sale.delivered_at.day());
        for kind in [
            Purpose::DeliveryCall1,
            Purpose::ThankYouLetter,
            Purpose::DeliveryCall2,
            Purpose::DeliveryCall3,
        ] {
            let consultant = (kinds.owner[slot(kind)] == Some(TaskOwner::Consultant))
                .then_some(sale.consultant_id.as_ref())
                .flatten();
            task(kind, &sale.sale_id, sale.delivered_at, consultant, None);
        }
    }
    for order in c.orders.iter().filter(|o| o.opened_at <= until) {
        visit_dates.push(order.opened_at.day());
        if let Some(closed_at) = order.closed_at
            && closed_at <= until
            && order.followup_consent
        {
            let kind = Purpose::ServiceFollowup;
            let advisor = (kinds.owner[slot(kind)] == Some(TaskOwner::Advisor))
                .then_some(order.advisor_id.as_ref())
                .flatten();
            task(kind, &order.order_id, closed_at, advisor, None);
        }
    }
    let episodes = lost_episodes(&visit_dates, kinds.lapse_days);
    for e in &episodes {
        let source = format!("{}@{}", c.customer_id, e.lost_on);
        task(
            Purpose::ChurnRecovery,
            &source,
            e.lost_on.start(),
            None,
            e.returned_on,
        );
    }
    // Candidates are judged by earliest due time, then smallest id.
    tasks.sort_by(|a, b| (a.due_at, &a.id).cmp(&(b.due_at, &b.id)));

    let mut states: Vec<TaskState> = tasks
        .into_iter()
        .map(|task| TaskState {
            task,
            credits: Vec::new(),
            successful: false,
            withdrawn: false,
        })
        .collect();
    let mut attempts: Vec<&Attempt> = c
        .attempts
        .iter()
        .filter(|a| !a.purpose.is_care() && a.at <= until)
        .collect();
    attempts.sort_by(|a, b| (a.at, &a.attempt_id).cmp(&(b.at, &b.attempt_id)));
    let unscheduled = credit(&mut states, attempts, kinds.grace_seconds, |kind| {
        &kinds.success[slot(kind)]
    });
    for state in &mut states {
        state.withdrawn = state.task.kind == Purpose::ChurnRecovery
            && state.credits.is_empty()
            && state
                .task
                .returned_on
                .is_some_and(|r| r <= state.task.due_at.day());
    }
    CustomerTasks {
        tasks: states,
        unscheduled,
        episodes,
    }
}

/// Credits attempts to tasks by the rule of DOMAIN.md section 4: `states` in (due_at, id)
/// order, `attempts` in (at, attempt_id) order. Attempt A is a candidate for task T of the
/// same purpose when T.trigger_at ≤ A.at ≤ T.due_at + grace; it goes to the earliest-due
/// candidate not yet successful (judged on the credits so far), else to the earliest-due
/// candidate. Returns the attempts credited to no task: (attempt id, at).
///
/// `states` are anything holding a task state (a care task credits its own, in place).
pub(crate) fn credit<'a, 's, S: AsRef<TaskState> + AsMut<TaskState>>(
    states: &mut [S],
    attempts: impl IntoIterator<Item = &'a Attempt>,
    grace: i64,
    success: impl Fn(Purpose) -> &'s [Outcome],
) -> Vec<(String, Timestamp)> {
    debug_assert!(
        states.is_sorted_by_key(|s| s.as_ref().task.due_at),
        "tasks are credited in due order"
    );
    let mut unscheduled = Vec::new();
    for attempt in attempts {
        let is_candidate = |s: &S| {
            let s = s.as_ref();
            s.task.kind == attempt.purpose
                && s.task.trigger_at <= attempt.at
                && attempt.at.0 <= s.task.due_at.0.saturating_add(grace)
        };
        // The tasks due (with the grace) before the attempt are no candidates: in due order,
        // they are a prefix, passed over by a binary search.
        let from = states
            .partition_point(|s| s.as_ref().task.due_at.0.saturating_add(grace) < attempt.at.0);
        let later = &states[from..];
        let chosen = later
            .iter()
            .position(|s| is_candidate(s) && !s.as_ref().successful)
            .or_else(|| later.iter().position(is_candidate))
            .map(|i| from + i);
        match chosen {
            Some(i) => {
                let state = states[i].as_mut();
                state.successful |= success(attempt.purpose).contains(&attempt.outcome);
                state.credits.push(Credit {
                    attempt_id: attempt.attempt_id.clone(),
                    at: attempt.at,
                    outcome: attempt.outcome,
                    staff_id: attempt.staff_id.clone(),
                });
            }
            None => unscheduled.push((attempt.attempt_id.clone(), attempt.at)),
        }
    }
    unscheduled
}
