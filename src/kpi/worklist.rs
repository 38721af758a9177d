//! The daily work list: open tasks as of a date, the calls the care staff make.
//!
//! The list is made customer by customer (`customer_open`), in one of two ways that give
//! the same bytes:
//!
//! - **From the kept facts** (when they follow the rules and the log:
//!   `crate::facts::current`): month-sized range reads of the facts name the *candidates*,
//!   the customers who can have a task open on the date, and only they are derived again,
//!   from their own records (`crate::facts::people_of`, a chunk at a time). The
//!   work is that of the tasks due around the date, not of the store's history; the
//!   tier_care candidates come from the kept tiers (`tier_care_candidates`), every
//!   customer with a cared-for tier being one.
//! - **From scratch** ([`open_tasks_from_scratch`]: `--from-scratch`, other rules, or facts
//!   behind the log): every customer's history is derived.
//!
//! The candidates are a superset of the customers with a task open on the date (`candidates`
//! says why for each kind), and a customer's open tasks depend only on their own records,
//! the sales and policies naming them as referrer and their family's buyers (their tier),
//! which is what their records read brings: so both ways list the same tasks.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::derive::care::{self, CareKind};
use crate::derive::churn;
use crate::derive::tasks::{Owners, TaskDeriver, TaskState};
use crate::derive::tiers::{Tier, TierInputs, as_of_for};
use crate::derive::{Activity, CustomerActivity};
use crate::model::{Customer, Day, Kind, Outcome, Period, Purpose, Record, Timestamp};
use crate::rules::Rules;
use crate::store::facts::CARE_RENEWAL;
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
/// Monday to its Sunday), ahead or not. Not listed: a recovery task of an episode declared
/// lost by the date, and any task of a customer without consent to be contacted. Sorted so
/// that the most valuable customers come first: by the customer's tier on the date (super
/// VIP, VIP, general), then due time, then task id.
///
/// Reads the kept facts when they are current (`crate::facts::current`), deriving only the
/// customers who can have a task open on the date; derives every customer otherwise
/// ([`open_tasks_from_scratch`]). Both give the same list.
pub fn open_tasks(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
    filter: &WorkFilter,
) -> Result<Vec<WorkItem>, StoreError> {
    if crate::facts::current(reader, rules)? {
        open_tasks_from_facts(reader, rules, as_of, filter)
    } else {
        open_tasks_from_scratch(reader, rules, as_of, filter)
    }
}

/// [`open_tasks`] derived from every customer's history, whatever facts the store keeps:
/// the way of a store without current facts, and what the kept facts' way is checked
/// against.
pub fn open_tasks_from_scratch(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
    filter: &WorkFilter,
) -> Result<Vec<WorkItem>, StoreError> {
    let judge = Judge::new(reader, rules, as_of, filter)?;
    let activity = Activity::load(reader)?.known_until(judge.until);
    let tiers = TierInputs::load(reader, rules)?;
    // A customer without consent is on no work list (PIPL, DOMAIN.md section 14).
    let customers: Vec<Customer> = reader
        .current_records(Kind::Customer)?
        .into_iter()
        .filter_map(Record::into_customer)
        .filter(|c| c.contact_consent)
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
    crate::progress::expect(crate::progress::Phase::Customers, customers.len() as u64);
    let open: Vec<(Tier, Open)> = customers
        .par_iter()
        .flat_map_iter(|customer| {
            // The activity holds only customers with a record of theirs; the others (a
            // tagged VIP who never came) have care tasks too.
            let none;
            let activity = match activity
                .customers
                .binary_search_by(|a| a.customer_id.cmp(&customer.customer_id))
            {
                Ok(i) => &activity.customers[i],
                Err(_) => {
                    none = CustomerActivity {
                        customer_id: customer.customer_id.clone(),
                        ..CustomerActivity::default()
                    };
                    &none
                }
            };
            let own = policies
                .get(&customer.customer_id)
                .map_or(&[][..], Vec::as_slice);
            let open = customer_open(customer, activity, own, &tiers, &judge);
            crate::progress::advance(1);
            open
        })
        .collect();
    Ok(finish(open, &judge, filter))
}

/// [`open_tasks`] from the kept facts, which must be current: only the [`candidates`] are
/// derived, a chunk at a time, from their own records.
fn open_tasks_from_facts(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
    filter: &WorkFilter,
) -> Result<Vec<WorkItem>, StoreError> {
    let judge = Judge::new(reader, rules, as_of, filter)?;
    let candidates: Vec<String> = candidates(reader, &judge, filter)?.into_iter().collect();
    crate::progress::expect(crate::progress::Phase::Customers, candidates.len() as u64);
    let mut open = Vec::new();
    for part in candidates.chunks(CANDIDATES_CHUNK) {
        open.extend(open_of_some(reader, &judge, part)?);
    }
    Ok(finish(open, &judge, filter))
}

/// Candidates derived together: a chunk's records (and their families') are held in memory
/// at once, whatever the number of candidates.
const CANDIDATES_CHUNK: usize = 1_000;

/// The date asked about and what every customer's tasks are judged by on it.
struct Judge<'a> {
    rules: &'a Rules,
    as_of: Day,
    /// The end of the date: what was recorded by then is known.
    until: Timestamp,
    day_start: Timestamp,
    /// The latest due date listed.
    last_due_day: Day,
    /// The grace of every return-visit task kind, in seconds.
    grace: i64,
    owners: Owners,
    deriver: TaskDeriver,
    /// The outcomes that make a recovery call successful.
    success: Vec<Outcome>,
}

impl<'a> Judge<'a> {
    fn new(
        reader: &Reader,
        rules: &'a Rules,
        as_of: Day,
        filter: &WorkFilter,
    ) -> Result<Judge<'a>, StoreError> {
        // The CLI bounds `--ahead` to ten years; a library caller asking for more gets every
        // task after the date (the day only bounds a comparison, so saturating is exact).
        let ahead = i32::try_from(filter.ahead_days).unwrap_or(i32::MAX);
        let owners = Owners::new(
            rules,
            reader
                .current_records(Kind::Staff)?
                .into_iter()
                .filter_map(Record::into_staff)
                .collect(),
        );
        Ok(Judge {
            rules,
            as_of,
            until: Timestamp(Day(as_of.0 + 1).start().0 - 1),
            day_start: as_of.start(),
            last_due_day: Day(as_of.0.saturating_add(ahead)),
            grace: rules.grace_seconds(),
            owners,
            deriver: TaskDeriver::new(rules),
            success: rules.visits.tasks.churn_recovery.success.clone(),
        })
    }
}

/// One customer's open tasks on the date, with their tier: the customer's (with consent),
/// their activity known by the end of the date, and their policies started by then;
/// `tiers` holds at least their tier inputs.
fn customer_open(
    customer: &Customer,
    activity: &CustomerActivity,
    policies: &[(String, Day)],
    tiers: &TierInputs,
    judge: &Judge,
) -> Vec<(Tier, Open)> {
    let rules = judge.rules;
    let tier = tier_lookup(tiers, rules, &customer.customer_id, judge.as_of);
    let derived = judge.deriver.derive(activity, judge.until);
    let churn = churn::derive_customer(activity, rules, &judge.success);
    let given_up: Vec<Day> = churn
        .episodes
        .iter()
        .filter(|e| e.declared_by(judge.as_of))
        .map(|e| e.episode.lost_on)
        .collect();
    let mut open = Vec::new();
    for s in derived.tasks {
        let given_up = s.task.kind == Purpose::ChurnRecovery
            && s.task.returned_on.is_none()
            && given_up
                .iter()
                .any(|d| s.task.id.ends_with(&format!("@{d}")));
        // Triggered by the end of the day (a churn task of a customer not yet lost is not
        // work yet, however near its due date), not successful, not withdrawn.
        if s.task.trigger_at <= judge.until
            && !s.successful
            && !s.withdrawn
            && !given_up
            && s.task.due_at.0 + judge.grace >= judge.day_start.0
            && s.task.due_at.day() <= judge.last_due_day
        {
            let department = super::task_rule(rules, s.task.kind).department.clone();
            let owner = judge
                .owners
                .owner(s.task.kind, s.task.owner.as_deref(), s.task.trigger_at);
            let mut item = Open::of(s, None, department, judge.grace, customer);
            item.owner = owner;
            open.push((tier, item));
        }
    }
    let episodes: Vec<_> = churn.episodes.iter().map(|e| e.episode.clone()).collect();
    let care = care::derive_for(customer, activity, policies, &episodes, tiers, rules);
    open.extend(open_care(care.tasks, customer, judge).map(|o| (tier, o)));
    open
}

/// The customer's tier on the date, which orders the list: as of the end of the month
/// before (DOMAIN.md section 7). The one place the list asks for a listed customer's tier.
fn tier_lookup(tiers: &TierInputs, rules: &Rules, customer_id: &str, as_of: Day) -> Tier {
    tiers
        .tier_of(customer_id, &rules.tiers, as_of_for(as_of))
        .tier
}

/// The open tasks of some candidates (customer ids), from their records read one by one
/// with those of their families' members (whose first sales decide tier S1): the records
/// that decide their tasks and tiers exactly as the whole snapshot would.
fn open_of_some(
    reader: &Reader,
    judge: &Judge,
    part: &[String],
) -> Result<Vec<(Tier, Open)>, StoreError> {
    let families: Vec<Option<String>> = part
        .par_iter()
        .map(|id| {
            Ok(match reader.get(Kind::Customer, id)? {
                Some((_, Record::Customer(c))) => c.family_id,
                _ => None,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let mut gather: BTreeSet<String> = part.iter().cloned().collect();
    for family in families.into_iter().flatten().collect::<BTreeSet<_>>() {
        // The kept facts are current: `fact_family` lists every member.
        gather.extend(reader.family_members(&family)?);
    }
    let wanted: BTreeSet<&str> = part.iter().map(String::as_str).collect();
    let generations = reader.record_generations()?;
    // Each candidate with consent, with their policies started by the date and what was
    // recorded by its end.
    let (people, tiers) = crate::facts::people_of(
        reader,
        &gather,
        judge.rules,
        crate::facts::Answers::Skip,
        // The kept facts are current, and so are the records kept with them.
        crate::facts::Source::Kept(&crate::facts::Fresh::default(), &generations),
        crate::facts::Keep::Facts,
        |c| c.contact_consent && wanted.contains(c.customer_id.as_str()),
    )?;
    let people: Vec<crate::facts::Person> = people
        .into_values()
        .map(|mut p| {
            p.activity = known_until(p.activity, judge.until);
            p.policies.retain(|(_, start_on)| *start_on <= judge.as_of);
            p
        })
        .collect();
    Ok(people
        .par_iter()
        .flat_map_iter(|p| {
            let open = customer_open(&p.customer, &p.activity, &p.policies, &tiers, judge);
            crate::progress::advance(1);
            open
        })
        .collect())
}

/// One customer's activity recorded by `until` (`Activity::known_until`).
fn known_until(activity: CustomerActivity, until: Timestamp) -> CustomerActivity {
    let mut known = Activity {
        customers: vec![activity],
    }
    .known_until(until);
    known.customers.pop().expect("one customer in, one out")
}

/// The customers who can have a task open on the date that `filter` lists, from
/// month-sized reads of the kept facts (which must be current). A superset, kind by kind:
///
/// - A sale's or an order's task open on the date was triggered by its end, so its record
///   is known then and the task is derived with the same due time from every record: it is
///   in `fact_tasks`, which keeps every task not withdrawn, among those due from the start
///   of the day less the grace to the last due date listed.
/// - A recovery task open on the date began (its episode's `lost_on`) by the date, and is
///   due at most the grace before the start of the day; the episode is one of every
///   record's too (the next visit, if any, is after the date). It may be withdrawn since,
///   when the customer came back after the date and before its due date, and so missing
///   from `fact_tasks`: its customer is found in `fact_lost`, which keeps every episode,
///   returned or not, by the date it began.
/// - A renewal task open on the date was triggered by then (so the policies started by
///   the date decide whether the customer renewed early, as every policy does) and is due
///   at most the care grace before the start of the day: it is in `fact_care_tasks`,
///   which keeps every renewal task by due date.
/// - A tier_care task's customers are [`tier_care_candidates`].
///
/// Care tasks have no owner: none is listed for a staff member.
fn candidates(
    reader: &Reader,
    judge: &Judge,
    filter: &WorkFilter,
) -> Result<BTreeSet<String>, StoreError> {
    let rules = judge.rules;
    let wants = |kind: Purpose| {
        filter.kind.is_none_or(|k| k == kind)
            && filter
                .department
                .as_ref()
                .is_none_or(|d| d == department_of(rules, kind))
    };
    let mut out = BTreeSet::new();

    // Return-visit tasks by due time: the source record names the customer.
    let from = judge.day_start.0 - judge.grace;
    let to = judge
        .last_due_day
        .0
        .checked_add(1)
        .map_or(i64::MAX, |d| Day(d).start().0);
    let mut rows: Vec<(u8, String)> = Vec::new();
    reader.for_each_task_fact(from, to, |t| rows.push((t.kind, t.id)))?;
    let named: Vec<Option<String>> = rows
        .par_iter()
        .map(|(code, id)| {
            let kind = crate::facts::purpose_of(*code)?;
            if !wants(kind) {
                return Ok(None);
            }
            task_customer(reader, kind, id).map(Some)
        })
        .collect::<Result<_, StoreError>>()?;
    out.extend(named.into_iter().flatten());

    // Recovery tasks, withdrawn since or not: the episodes begun in the window.
    if wants(Purpose::ChurnRecovery) {
        let due = super::task_rule(rules, Purpose::ChurnRecovery).due_seconds();
        let first = Timestamp(judge.day_start.0 - judge.grace - due).day();
        reader.for_each_lost(first.0, judge.as_of.0, |_, customer| {
            out.insert(customer.to_owned());
        })?;
    }

    if filter.staff.is_none() {
        let care_grace = rules.care.grace_seconds();
        let renewal = &rules.care.insurance_renewal;
        if renewal.enabled && wants(Purpose::InsuranceRenewal) {
            let first = Timestamp(judge.day_start.0 - care_grace).day();
            // Due this many days after its trigger, which is by the date.
            let last = judge.as_of.0 + i32::from(renewal.trigger_days_before)
                - i32::from(renewal.due_days_before);
            for t in reader.care_task_facts(first.0, last)? {
                if t.kind == CARE_RENEWAL {
                    out.insert(renewal_customer(reader, &t.id)?);
                }
            }
        }
        if wants(Purpose::Care) {
            out.extend(tier_care_candidates(reader, rules, judge.as_of)?);
        }
    }
    Ok(out)
}

/// The department of a task kind, or of the care task a purpose credits.
fn department_of(rules: &Rules, kind: Purpose) -> &str {
    match CareKind::of(kind) {
        Some(care) => care.department(rules),
        None => &super::task_rule(rules, kind).department,
    }
}

/// The customer of a return-visit task of `fact_tasks`, from its id (`KIND:SOURCE`): the
/// recovery task's `CUSTOMER@LOST_ON`, or the customer of its sale or service order.
fn task_customer(reader: &Reader, kind: Purpose, id: &str) -> Result<String, StoreError> {
    let damaged = |why: String| {
        StoreError::Damaged(crate::say!(
            "fact_tasks holds the task `{id}`: {why}",
            "fact_tasks 中的任务 `{id}`：{why}"
        ))
    };
    let source = id
        .strip_prefix(kind.as_str())
        .and_then(|s| s.strip_prefix(':'))
        .ok_or_else(|| {
            damaged(crate::say!(
                "its id does not begin with its kind",
                "其编号不以其类型开头"
            ))
        })?;
    let record = match kind {
        Purpose::ChurnRecovery => {
            return source
                .rsplit_once('@')
                .map(|(customer, _)| customer.to_owned())
                .ok_or_else(|| {
                    damaged(crate::say!(
                        "no `@` before the date the customer was lost",
                        "客户流失日期前没有 `@`"
                    ))
                });
        }
        Purpose::ServiceFollowup => reader.get(Kind::ServiceOrder, source)?,
        Purpose::Care | Purpose::InsuranceRenewal => {
            return Err(damaged(crate::say!(
                "a care task is no return-visit task",
                "关怀任务不是回访任务"
            )));
        }
        _ => reader.get(Kind::Sale, source)?,
    };
    match record {
        Some((_, Record::Sale(s))) => Ok(s.customer_id),
        Some((_, Record::ServiceOrder(o))) => Ok(o.customer_id),
        _ => Err(damaged(crate::say!(
            "its record is not current",
            "其记录不是当前记录"
        ))),
    }
}

/// The customer of a renewal task of `fact_care_tasks` (`insurance_renewal:POLICY`).
fn renewal_customer(reader: &Reader, id: &str) -> Result<String, StoreError> {
    let policy = id
        .strip_prefix(CareKind::InsuranceRenewal.as_str())
        .and_then(|s| s.strip_prefix(':'));
    match policy.map(|p| reader.get(Kind::Policy, p)).transpose()? {
        Some(Some((_, Record::Policy(p)))) => Ok(p.customer_id),
        _ => Err(StoreError::Damaged(crate::say!(
            "fact_care_tasks holds the renewal task `{id}`, whose policy is not current",
            "fact_care_tasks 中的续保任务 `{id}` 的保单不是当前记录"
        ))),
    }
}

/// The customers who can have a tier_care task open on `as_of`: those whose tier on a date
/// of [`tier_care_dates`] has a cadence (every customer when `general` has one), from the
/// kept tiers: a pass over every customer's tier changes per date, no record read.
fn tier_care_candidates(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
) -> Result<BTreeSet<String>, StoreError> {
    let cared = |tier: Tier| rules.care.tier_care.cadence(tier).is_some();
    let mut out = BTreeSet::new();
    if cared(Tier::General) {
        reader.for_each_current(Kind::Customer, |r| {
            if let Record::Customer(c) = r {
                out.insert(c.customer_id.clone());
            }
            Ok(())
        })?;
        return Ok(out);
    }
    for date in tier_care_dates(rules, as_of) {
        // The month whose tiers are evaluated as of this month end.
        let month = crate::facts::month_of(date.0) + 1;
        reader.for_each_tier_in(month, |id, change| {
            if cared(crate::facts::tier_of(change.tier)?) {
                out.insert(id.to_owned());
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// The dates whose tier decides a tier_care task that can be open on `as_of`: the month
/// end before the first day (`as_of_for`) of each period of a tier's cadence begun by the
/// date and still accepting attempts at its start. Such a period ends at most the care
/// grace (rounded up to days) before the date, so it holds a day of that span. With no
/// grace it is the period holding the date — whose first day may be in the month before
/// (an ISO week begun on a Monday of that month), so the tier of the month before that.
fn tier_care_dates(rules: &Rules, as_of: Day) -> BTreeSet<Day> {
    let grace = rules.care.grace_seconds();
    // The care grace is at most 8 784 hours (rules validation): 367 days here.
    let back = i32::try_from(grace / 86_400 + 1).unwrap_or(i32::MAX);
    let mut dates = BTreeSet::new();
    for tier in Tier::ALL {
        let Some(cadence) = rules.care.tier_care.cadence(tier) else {
            continue;
        };
        for day in as_of.0.saturating_sub(back)..=as_of.0 {
            let period = Period::of(cadence, Day(day));
            if Day(period.last.0 + 1).start().0 + grace > as_of.start().0 {
                dates.insert(as_of_for(period.first));
            }
        }
    }
    dates
}

/// The list: the open tasks `filter` keeps, most valuable customer first.
fn finish(mut open: Vec<(Tier, Open)>, judge: &Judge, filter: &WorkFilter) -> Vec<WorkItem> {
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
    // Task ids are unique: the order is total, whatever order the customers came in.
    open.sort_by(|(ta, a), (tb, b)| {
        (ta, a.state.task.due_at, &a.state.task.id).cmp(&(
            tb,
            b.state.task.due_at,
            &b.state.task.id,
        ))
    });
    let as_of = judge.as_of;
    open.into_iter()
        .map(|(tier, o)| {
            let s = o.state;
            WorkItem {
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
                customer_name: o.name,
                phone: o.phone,
                owner: o.owner.unwrap_or_default(),
                attempts: s.credits.len() as u64,
                last_outcome: s
                    .credits
                    .last()
                    .map(|c| c.outcome.to_string())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// The care tasks open on the day: triggered by its end, not successful, and accepting
/// attempts during it. Each is listed for its whole period and due on its last day.
fn open_care<'a>(
    tasks: Vec<care::CareTask>,
    customer: &'a Customer,
    judge: &'a Judge,
) -> impl Iterator<Item = Open> + 'a {
    let grace = judge.rules.care.grace_seconds();
    tasks.into_iter().filter_map(move |t| {
        let s = &t.state;
        (s.task.trigger_at <= judge.until
            && !s.successful
            && s.task.due_at.0 + grace > judge.day_start.0)
            .then(|| {
                let department = t.kind.department(judge.rules).to_owned();
                let mut item = Open::of(t.state, Some(t.kind), department, grace, customer);
                item.due_day = t.belongs_on;
                item
            })
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
    /// The customer's name and phone.
    name: String,
    phone: String,
}

impl Open {
    /// A task of `state`, a care task's when `care` names its kind, of `customer`.
    fn of(
        state: TaskState,
        care: Option<CareKind>,
        department: String,
        grace: i64,
        customer: &Customer,
    ) -> Open {
        Open {
            kind: care.map_or_else(|| state.task.kind.to_string(), |k| k.as_str().to_owned()),
            due_day: state.task.due_at.day(),
            state,
            department,
            grace,
            owner: None,
            name: customer.name.clone(),
            phone: customer.phone.clone().unwrap_or_default(),
        }
    }
}
