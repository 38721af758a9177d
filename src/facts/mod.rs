//! Derived facts kept by import: after an import commits, the customers it touched (and those
//! linked to them) are derived again and their facts written to the store's facts tables
//! (`store::facts`), keyed for month-sized reads. A report then reads one month of facts.
//!
//! *Invariant:* facts = derive(log) for the rules fingerprint. The facts follow the rules in
//! force at the last import ([`fingerprint`]); a report under other rules (`--rules`, a
//! what-if), or of a store whose facts are missing or behind its log, derives from scratch
//! instead ([`current`]), and both ways give the same figures — `careledger verify` and the
//! property tests check it.
//!
//! Derivation is per customer. A customer's facts depend on their own records, on the sales
//! and policies naming them as referrer (tiers S3, S6, S7, V3, V6), on their family's
//! first sales (tier S1), and on the answers of their surveys (which name a survey, not a
//! customer); so an import derives again every customer a changed record names (owner or
//! referrer, before and after the change), the customer of the current survey a changed
//! answer belongs to, and every member of those customers' families (before and after).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::derive::CustomerActivity;
use crate::derive::care::{self, CareKind};
use crate::derive::churn;
use crate::derive::complaints::{
    Workflow, actions_overdue, clocks as complaint_clocks, complaint_stocks,
};
use crate::derive::tasks::TaskDeriver;
use crate::derive::tiers::{Tier, TierInputs, TierPiece};
use crate::model::{Customer, Day, Kind, Outcome, Period, Purpose, Record, Survey, Timestamp};
use crate::rules::Rules;
use crate::store::facts::{
    CARE_RENEWAL, CARE_TIER, CareTaskFact, CoverFact, CustomerFacts, CustomerRecords,
    DerivedCustomer, FactsUpdate, GENERATIONS_MAX, KeptUpdate, LAYOUT, MONTH_TABLES, NO_TIER,
    ROWS_HELD_PER_CUSTOMER, RecordsAdded, ReturnFact, RevenueFact, SERIES_ACTIONS_OVERDUE,
    SERIES_OPEN, SERIES_OVERDUE, SurveyAnswersFact, SurveyFact, TASK_ON_TIME, TASK_PERFORMED,
    TASK_SUCCESSFUL, TaskFact, TierChange, WorkflowFacts, sort_records, tier_count_deltas,
};
use crate::store::{Reader, Store, StoreError, sha256_hex};

/// Derive everything again, rather than the changed customers, when an import touches more
/// than this share of the customers (in quarters): both read each customer's records the
/// same way, but a rebuild writes into emptied tables where an update first reads and
/// compares every old fact, which costs more once most customers change.
const REBUILD_QUARTERS: u64 = 3;

/// The fingerprint of the rules (and of the facts' layout) facts are derived under. The
/// payout rules and the report's wording are left out: no fact depends on them (a payout
/// line is computed at report time from the surveys kept with their tier), so a what-if on
/// payouts still reads the kept facts.
pub fn fingerprint(rules: &Rules) -> String {
    let mut derived_under = rules.clone();
    derived_under.payouts = Rules::default().payouts;
    derived_under.report = Rules::default().report;
    sha256_hex(
        format!(
            "careledger facts layout {LAYOUT}\n{}",
            derived_under.to_toml()
        )
        .as_bytes(),
    )
}

/// Reports of this process ignore the kept facts (`careledger --from-scratch`).
static IGNORED: AtomicBool = AtomicBool::new(false);

/// Makes every later report of this process derive from scratch (`true`), or read the kept
/// facts where they are current (`false`, the default).
pub fn set_ignored(ignored: bool) {
    IGNORED.store(ignored, Ordering::Relaxed);
}

/// Whether the snapshot's facts follow `rules` and are up to date with its log, so that a
/// report may read them. A process that ignores the kept facts ([`set_ignored`]) reads only
/// facts derived from scratch for its reader ([`prepare`]).
pub fn current(reader: &Reader, rules: &Rules) -> Result<bool, StoreError> {
    if IGNORED.load(Ordering::Relaxed) && !reader.reads_derived_facts() {
        return Ok(false);
    }
    Ok(match reader.facts_state()? {
        Some(state) => {
            state.fingerprint == fingerprint(rules) && state.through == reader.next_seq()?
        }
        None => false,
    })
}

/// Whether this process ignores the kept facts (`careledger --from-scratch`).
pub fn ignored() -> bool {
    IGNORED.load(Ordering::Relaxed)
}

/// Record versions up to which reports under rules the kept facts do not follow, or that
/// ignore them (`--from-scratch`), derive in memory from the records (`kpi::Derived`):
/// quick (2.5 s for a report at 100 000 customers, 3.8 M versions) but holding every record
/// (1.7 GB there; 14 GB at 500 000 customers). Past it they derive the facts into a
/// temporary store first ([`derive_for`]: 12 s there, 0.4 GB, and bounded by a chunk
/// whatever the store's size).
pub const IN_MEMORY_VERSIONS_MAX: u64 = 1_000_000;

/// Prepares a snapshot for reports under `rules`: when the kept facts do not follow them,
/// or the process ignores them (`careledger --from-scratch`), and the store is past
/// [`IN_MEMORY_VERSIONS_MAX`], derives the facts for them from the records into a temporary
/// store (see [`derive_for`]), so that memory stays bounded whatever the store's size.
pub fn prepare(reader: &mut Reader, rules: &Rules) -> Result<(), StoreError> {
    prepare_with(reader, rules, ignored(), IN_MEMORY_VERSIONS_MAX)
}

/// [`prepare`], with whether the kept facts are ignored and the versions up to which
/// reports derive in memory given (tests use 0, to take the temporary store's way on a
/// small store).
pub fn prepare_with(
    reader: &mut Reader,
    rules: &Rules,
    ignore_kept: bool,
    in_memory_max: u64,
) -> Result<(), StoreError> {
    if !ignore_kept && current(reader, rules)? {
        return Ok(());
    }
    if reader.next_seq()?.saturating_sub(1) > in_memory_max {
        derive_for(reader, rules)?;
    }
    Ok(())
}

/// Derives every customer's facts under `rules` from scratch, chunk by chunk, into a
/// temporary store that `reader` then reads instead of the store's own facts: reports under
/// rules the kept facts do not follow (or of a store without them) read a month at a time
/// too, after one derivation in the memory of a chunk. The temporary file goes with the
/// reader.
pub fn derive_for(reader: &mut Reader, rules: &Rules) -> Result<(), StoreError> {
    let through = reader.next_seq()?;
    let scratch = Store::temporary_facts(through)?;
    let update = FactsUpdate {
        rebuild: true,
        fingerprint: fingerprint(rules),
        through,
        customers: Vec::new(),
        generation: 0,
        fold: false,
        workflow: Some(workflow_facts(reader, rules)?),
        month_of,
        rows_held: CHUNK * ROWS_HELD_PER_CUSTOMER,
    };
    let mut writer = scratch.store.begin_facts(&update)?;
    // Reports read no kept records: the temporary store keeps none.
    derive_in_chunks(reader, rules, CHUNK, Keep::Facts, |part| {
        writer.write(&part)
    })?;
    writer.commit()?;
    reader.attach_facts(scratch)
}

/// What bringing the facts up to date did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CatchUp {
    /// Every customer was derived again (no facts yet, other rules, or a large import).
    pub rebuilt: bool,
    /// Customers derived.
    pub customers: u64,
}

/// When [`catch_up_with`] derives every customer again rather than those changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rebuild {
    /// When the facts follow other rules, or the import touched most customers.
    WhenCheaper,
    /// Only when the facts follow other rules (for tests of the customer-by-customer way).
    OnlyForOtherRules,
}

/// Brings the store's facts up to date with its log under `rules`: the customers changed
/// since the facts were last written are derived again, or everyone when the facts follow
/// other rules or that is cheaper. Run after every committed import.
pub fn catch_up(store: &Store, rules: &Rules) -> Result<CatchUp, StoreError> {
    catch_up_with(store, rules, Rebuild::WhenCheaper)
}

/// [`catch_up`], choosing when to derive everyone again.
pub fn catch_up_with(store: &Store, rules: &Rules, when: Rebuild) -> Result<CatchUp, StoreError> {
    catch_up_in_chunks_of(store, rules, when, CHUNK)
}

/// [`catch_up_with`], deriving `chunk` customers at a time where it derives in chunks (tests
/// use tiny chunks so that every path runs over several).
pub fn catch_up_in_chunks_of(
    store: &Store,
    rules: &Rules,
    when: Rebuild,
    chunk: usize,
) -> Result<CatchUp, StoreError> {
    let print = fingerprint(rules);
    loop {
        let reader = store.reader()?;
        let through = reader.next_seq()?;
        let state = reader.facts_state()?;
        let mut only_new = false;
        let mut fresh = Fresh::default();
        let (targets, workflow_changed) = match &state {
            Some(s) if s.fingerprint == print && s.through == through => {
                return Ok(CatchUp::default());
            }
            Some(s) if s.fingerprint == print && s.through < through => {
                let changed = changed_customers(&reader, s.through, through)?;
                let cheaper = when == Rebuild::WhenCheaper && {
                    let all = reader.count_current(Kind::Customer)?;
                    (changed.customers.len() as u64).saturating_mul(4)
                        > all.saturating_mul(REBUILD_QUARTERS)
                };
                only_new = changed.only_new;
                fresh = changed.fresh;
                ((!cheaper).then_some(changed.customers), changed.workflow)
            }
            _ => (None, true),
        };
        let workflow = if workflow_changed || targets.is_none() {
            Some(workflow_facts(&reader, rules)?)
        } else {
            None
        };
        let rebuild = targets.is_none();
        let mut update = FactsUpdate {
            rebuild,
            fingerprint: print.clone(),
            through,
            customers: Vec::new(),
            generation: state.as_ref().map_or(0, |s| s.through),
            fold: false,
            workflow,
            month_of,
            rows_held: chunk.saturating_mul(ROWS_HELD_PER_CUSTOMER),
        };
        let written = match targets {
            // The increment's customers, chunk by chunk when only new records came (their
            // families are among them: see `changed_customers`).
            Some(targets) if only_new => {
                // The kept records' additions, one generation an import: with as many as
                // are kept at most, this import folds them all into the records instead.
                let generations = reader.record_generations()?;
                update.fold = generations.len() >= GENERATIONS_MAX;
                let mut writer = match store.begin_facts(&update) {
                    Err(StoreError::Stale) => continue,
                    other => other?,
                };
                // Every member of a target's family is a target (`changed_customers`).
                let members = families_of(&reader, &targets)?;
                let family_of: BTreeMap<&String, &String> = members
                    .iter()
                    .flat_map(|(f, ids)| ids.iter().map(move |id| (id, f)))
                    .collect();
                let list: Vec<&String> = targets.iter().collect();
                // Pipelined as a rebuild is: writing a chunk (on this thread: one writer)
                // overlaps deriving the next. Once each customer's records were gathered
                // in parallel (`people_of`), the writing was what kept a thread idle: 6.4 s
                // against 6.5–7.1 s for an increment at 100 000 customers, for 100 MB
                // more memory (the chunk waiting). Each customer's records are their kept
                // ones with the new ones added (`Source::Kept`): nothing of theirs changed
                // but by addition.
                pipelined(
                    tapered(&list, chunk),
                    |part| {
                        let want: BTreeSet<String> = part.iter().map(|id| (*id).clone()).collect();
                        let gather = with_families(part, &family_of, &members);
                        derive_some(
                            &reader,
                            rules,
                            &gather,
                            &want,
                            Source::Kept(&fresh, &generations),
                            if update.fold {
                                Keep::Whole
                            } else {
                                Keep::Additions
                            },
                        )
                    },
                    |derived| writer.write(&derived),
                )?;
                if update.fold {
                    fold_records(&reader, &generations, &targets, &mut writer)?;
                }
                writer.commit()?;
                targets.len() as u64
            }
            // In one chunk: a record may have moved from one of them to another.
            Some(targets) => {
                update.customers = derive_some(
                    &reader,
                    rules,
                    &targets,
                    &targets,
                    Source::Store,
                    Keep::Whole,
                )?;
                match store.write_facts(&update) {
                    Err(StoreError::Stale) => continue,
                    other => other?,
                }
                update.customers.len() as u64
            }
            // Everyone, chunk by chunk into the emptied tables.
            None => {
                let mut writer = match store.begin_facts(&update) {
                    Err(StoreError::Stale) => continue,
                    other => other?,
                };
                let n = derive_in_chunks(&reader, rules, chunk, Keep::Whole, |part| {
                    writer.write(&part)
                })?;
                writer.commit()?;
                n
            }
        };
        return Ok(CatchUp {
            rebuilt: rebuild,
            customers: written,
        });
    }
}

/// Writes whole the kept records of every customer with additions but `targets` (written
/// whole already), `CHUNK` customers at a time: a fold ([`FactsUpdate::fold`]).
fn fold_records(
    reader: &Reader,
    generations: &[u64],
    targets: &BTreeSet<String>,
    writer: &mut crate::store::facts::FactsWriter,
) -> Result<(), StoreError> {
    let rest: Vec<String> = reader
        .customers_with_additions()?
        .into_iter()
        .filter(|id| !targets.contains(id))
        .collect();
    for part in rest.chunks(CHUNK) {
        let whole: Vec<(String, Vec<u8>)> = part
            .par_iter()
            .map(|id| {
                let kept = reader.kept_records_of(id, generations)?.ok_or_else(|| {
                    StoreError::Damaged(crate::say!(
                        "customer `{id}` has kept additions but no kept records",
                        "客户 `{id}` 有保存的新增记录，却没有保存的记录"
                    ))
                })?;
                Ok((id.clone(), kept.encode()))
            })
            .collect::<Result<_, StoreError>>()?;
        writer.write_records(&whole)?;
    }
    Ok(())
}

/// The families of some customers, from their current records: family → members.
fn families_of(
    reader: &Reader,
    ids: &BTreeSet<String>,
) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in ids {
        if let Some((_, Record::Customer(c))) = reader.get(Kind::Customer, id)?
            && let Some(family) = c.family_id
        {
            members.entry(family).or_default().push(id.clone());
        }
    }
    Ok(members)
}

/// `want` with the members of their families (`members`: family → customers).
fn with_families(
    want: &[&String],
    family_of: &BTreeMap<&String, &String>,
    members: &BTreeMap<String, Vec<String>>,
) -> BTreeSet<String> {
    let mut gather: BTreeSet<String> = want.iter().map(|id| (*id).clone()).collect();
    for id in want {
        if let Some(family) = family_of.get(id) {
            gather.extend(members[*family].iter().cloned());
        }
    }
    gather
}

/// Customers derived together when every customer is derived again: a rebuild holds one
/// chunk's records and facts in memory (their families' records too), whatever the size of
/// the store.
const CHUNK: usize = 5_000;

/// Derives every current customer's facts, `CHUNK` customers at a time in customer id
/// order, and hands each chunk to `f`; returns the number of customers.
fn derive_in_chunks(
    reader: &Reader,
    rules: &Rules,
    chunk: usize,
    keep: Keep,
    f: impl FnMut(Vec<DerivedCustomer>) -> Result<(), StoreError>,
) -> Result<u64, StoreError> {
    // Every customer and their family: a chunk's families are derived with it (tier S1
    // counts a family's buyers), whichever chunk their members are in.
    let mut ids: Vec<String> = Vec::new();
    let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
    reader.for_each_current(Kind::Customer, |r| {
        if let Record::Customer(c) = r {
            ids.push(c.customer_id.clone());
            if let Some(family) = &c.family_id {
                members
                    .entry(family.clone())
                    .or_default()
                    .push(c.customer_id.clone());
            }
        }
        Ok(())
    })?;
    let family_of: BTreeMap<&String, &String> = members
        .iter()
        .flat_map(|(f, ids)| ids.iter().map(move |id| (id, f)))
        .collect();
    crate::progress::expect(crate::progress::Phase::Customers, ids.len() as u64);
    let list: Vec<&String> = ids.iter().collect();
    pipelined(
        tapered(&list, chunk),
        |part| {
            let want: BTreeSet<String> = part.iter().map(|id| (*id).clone()).collect();
            let gather = with_families(part, &family_of, &members);
            derive_some(reader, rules, &gather, &want, Source::Store, keep)
        },
        f,
    )?;
    Ok(ids.len() as u64)
}

/// `list` in parts for [`pipelined`]: `chunk` items each, but the last `2 × chunk` or fewer
/// in halves, quarters and so on down to an eighth of a chunk. The writing of the last part
/// overlaps no deriving (one core idle while one thread writes it), so it is kept short: at
/// 100 000 customers the last full chunk's writing was 0.5–0.7 s of an increment with the
/// other core waiting.
fn tapered<T>(list: &[T], chunk: usize) -> impl Iterator<Item = &[T]> + Send + '_
where
    T: Sync,
{
    let chunk = chunk.max(1);
    let least = (chunk / 8).max(1);
    let mut rest = list;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = rest.len();
        let take = if n > 2 * chunk {
            chunk
        } else if n > least {
            n.div_ceil(2).min(chunk)
        } else {
            n
        };
        let (part, after) = rest.split_at(take);
        rest = after;
        Some(part)
    })
}

/// Derives `parts` one after another on a thread of its own (each with every thread of the
/// pool) while `take` takes the derived parts, in order, on this one: writing a chunk's
/// facts (one thread: redb has one writer) overlaps deriving the next. At most two derived
/// parts wait for `take`, so memory stays bounded by a few chunks. The first error, of
/// either side, ends both and is returned; what `take` receives does not depend on the
/// thread count. A panic while deriving closes the channel and is raised again when the
/// scope ends, before the caller can commit what `take` wrote.
fn pipelined<P: Send, T: Send>(
    parts: impl Iterator<Item = P> + Send,
    derive: impl Fn(P) -> Result<T, StoreError> + Sync,
    mut take: impl FnMut(T) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    std::thread::scope(|scope| {
        let (sender, derived) = std::sync::mpsc::sync_channel::<Result<T, StoreError>>(1);
        let derive = &derive;
        // (Like rayon's own threads, one that the system cannot start is a panic.)
        scope.spawn(move || {
            for part in parts {
                let result = derive(part);
                let failed = result.is_err();
                // A closed channel: `take` failed and returned.
                if sender.send(result).is_err() || failed {
                    break;
                }
            }
        });
        for result in derived {
            take(result?)?;
        }
        Ok(())
    })
}

/// The care facts of every customer, derived from scratch (chunk by chunk, keeping only
/// these): what `fact_care_tasks`, `fact_care_cover` and `fact_care_unscheduled` would hold
/// under `rules`, for reports when the kept facts do not follow them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CareMemory {
    /// (date, task id) → task.
    pub tasks: BTreeMap<(i32, String), CareTaskFact>,
    /// (tier, first date) → runs begun minus runs ended.
    pub cover: BTreeMap<(u8, i32), i64>,
    /// (at, attempt id).
    pub unscheduled: BTreeSet<(i64, String)>,
}

/// Adds runs of cover to `fact_care_cover`'s deltas: +1 where a run begins, −1 where it
/// ends.
fn add_cover(deltas: &mut BTreeMap<(u8, i32), i64>, runs: &[CoverFact]) {
    for c in runs {
        *deltas.entry((c.tier, c.from)).or_default() += 1;
        if let Some(until) = c.until {
            *deltas.entry((c.tier, until)).or_default() -= 1;
        }
    }
}

/// Derives [`CareMemory`] from a snapshot under `rules`.
pub fn care_in_memory(reader: &Reader, rules: &Rules) -> Result<CareMemory, StoreError> {
    let mut memory = CareMemory::default();
    derive_in_chunks(reader, rules, CHUNK, Keep::Facts, |chunk| {
        for facts in chunk.into_iter().filter_map(|d| d.facts) {
            for t in facts.care_tasks {
                memory.tasks.insert((t.day, t.id.clone()), t);
            }
            add_cover(&mut memory.cover, &facts.care_cover);
            memory.unscheduled.extend(facts.care_unscheduled);
        }
        Ok(())
    })?;
    Ok(memory)
}

/// The month index of a date: `year × 12 + month − 1`.
pub fn month_of(day: i32) -> i32 {
    use chrono::Datelike;
    let date = Day(day).to_naive();
    date.year() * 12 + date.month0() as i32
}

/// What the log entries since the facts were derived change.
struct Changed {
    /// Every customer a changed record names, before and after, and the customer of the
    /// current survey of every changed answer, with their families' members.
    customers: BTreeSet<String>,
    /// A complaint, an action, one of their steps or a calendar date changed.
    workflow: bool,
    /// Every entry is a record's first version: no record moved from one customer to
    /// another, so the customers may be derived and written in chunks.
    only_new: bool,
    /// The records those entries add, when `only_new`.
    fresh: Fresh,
}

/// The records an import of new records only adds to what its customers' facts were derived
/// from: each by the customers it names (what `refs` lists it under), and the answers it
/// adds, by survey.
#[derive(Default)]
pub(crate) struct Fresh {
    records: BTreeMap<String, Vec<Record>>,
    answers: BTreeMap<String, Vec<(String, u8)>>,
}

impl Fresh {
    /// Notes a new record.
    fn add(&mut self, record: &Record) {
        if let Record::SurveyAnswer(a) = record {
            self.answers
                .entry(a.survey_id.clone())
                .or_default()
                .push((a.question.clone(), a.score));
        }
        let mut named: Vec<&str> = record
            .references()
            .into_iter()
            .filter(|r| r.target == Kind::Customer)
            .map(|r| r.key)
            .collect();
        // A sale naming its customer as its referrer too is listed under them once.
        named.sort_unstable();
        named.dedup();
        for id in named {
            self.records
                .entry(id.to_owned())
                .or_default()
                .push(record.clone());
        }
    }

    /// What this import added to a customer's kept records: their new records, and the
    /// new answers of their surveys, old and new.
    fn added_to(&self, kept: &CustomerRecords) -> RecordsAdded {
        let id = &kept.customer.customer_id;
        let mut added = RecordsAdded {
            records: self.records.get(id).cloned().unwrap_or_default(),
            answers: BTreeMap::new(),
        };
        if self.answers.is_empty() {
            return added;
        }
        for record in kept.records.iter().chain(&added.records) {
            if let Record::Survey(s) = record
                && s.customer_id == *id
                && let Some(new) = self.answers.get(&s.survey_id)
            {
                let mut list = new.clone();
                list.sort();
                added.answers.insert(s.survey_id.clone(), list);
            }
        }
        sort_records(&mut added.records);
        added
    }
}

/// Where [`people_of`] reads a customer's records from.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// Their current records in the store: the customer record, what `refs` lists under
    /// them (each read from `current`), their surveys' answers.
    Store,
    /// Their kept records (`fact_records` with the additions of these generations of
    /// `fact_record_additions`, as of the kept facts) with these added; the store where none
    /// are kept. Only for records that changed by addition alone since the kept facts were
    /// derived.
    Kept(&'a Fresh, &'a [u64]),
}

/// What [`derive_some`] hands over of each customer's records, to keep with their facts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Nothing ([`DerivedCustomer::records`] `None`).
    Facts,
    /// All of them ([`KeptUpdate::Whole`]).
    Whole,
    /// What [`Source::Kept`] added to those kept ([`KeptUpdate::Added`]; nothing when it
    /// added nothing), all of them for a customer none are kept of.
    Additions,
}

fn changed_customers(reader: &Reader, from: u64, to: u64) -> Result<Changed, StoreError> {
    let mut named: BTreeSet<String> = BTreeSet::new();
    // Surveys whose answers changed: an answer names its survey, whose customer keeps it.
    let mut answered: BTreeSet<String> = BTreeSet::new();
    // Customers whose own record changed: their family may have changed with it.
    let mut recorded: BTreeSet<String> = BTreeSet::new();
    let mut workflow = false;
    let mut only_new = true;
    let mut fresh = Fresh::default();
    reader.for_each_log_entry(from, to, |entry, previous, first| {
        only_new &= first;
        if only_new && let Some(record) = &entry.record {
            fresh.add(record);
        }
        if entry.kind == Kind::Customer {
            recorded.insert(entry.key.clone());
        }
        workflow |= matches!(
            entry.kind,
            Kind::Complaint
                | Kind::ComplaintStep
                | Kind::Action
                | Kind::ActionStep
                | Kind::CalendarDay
        );
        for record in entry.record.iter().chain(previous) {
            for id in customers_named(record) {
                named.insert(id.to_owned());
            }
            if let Record::SurveyAnswer(a) = record {
                answered.insert(a.survey_id.clone());
            }
        }
    })?;
    // The survey as it is now: one moved to another customer by these imports names both
    // customers itself (its own entry, before and after), and a survey no longer current
    // keeps no answer in anyone's facts (its void named its customer). An answer's key holds
    // its survey's, so its versions all name the same survey.
    // These point reads run on every thread: a monthly increment names tens of thousands of
    // customers (28 800 at 100 000), and this step, reading the log included, took 0.3 s on
    // one thread there while the other core waited.
    let surveyed: Vec<Option<String>> = answered
        .par_iter()
        .map(|survey_id| {
            Ok(match reader.get(Kind::Survey, survey_id)? {
                Some((_, Record::Survey(s))) => Some(s.customer_id),
                _ => None,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    named.extend(surveyed.into_iter().flatten());
    let families: BTreeSet<String> = named
        .par_iter()
        .map(|id| {
            // The family the facts were derived with: that of the customer record as the
            // facts saw it, which is the current one unless these entries changed the
            // record.
            let before = match recorded.contains(id) {
                true => reader.customer_facts(id)?.and_then(|f| f.family_id),
                false => None,
            };
            let now = match reader.get(Kind::Customer, id)? {
                Some((_, Record::Customer(c))) => c.family_id,
                _ => None,
            };
            Ok([before, now])
        })
        .collect::<Result<Vec<_>, StoreError>>()?
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    let mut targets = named;
    for family in &families {
        targets.extend(reader.family_members(family)?);
    }
    if !only_new {
        fresh = Fresh::default();
    }
    Ok(Changed {
        customers: targets,
        workflow,
        only_new,
        fresh,
    })
}

/// The complaints' and actions' facts, derived from every complaint and action (they are
/// few): the open, overdue and overdue-action stocks at the end of every month from the
/// first complaint or action to the month after the last instant that can change one (a
/// step, a due time), where they stay; and the actions by due date.
pub fn workflow_facts(reader: &Reader, rules: &Rules) -> Result<WorkflowFacts, StoreError> {
    let w = Workflow::load(reader, rules)?;
    let clocks = complaint_clocks(&w.complaints, &w.calendar, &rules.complaints);
    let mut days: Vec<i32> = Vec::new();
    for c in &clocks {
        days.push(c.complaint.raised_at.day().0);
        days.push(c.reply_due.day().0);
        days.push(c.escalation_due.day().0);
        days.extend(c.complaint.steps.iter().map(|s| s.at.day().0));
    }
    for a in &w.actions {
        days.extend([a.raised_on.0, a.due_on.0 + 1]);
        days.extend(a.steps.iter().map(|s| s.at.day().0));
    }
    let mut stocks = Vec::new();
    if let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) {
        let mut before = [0i64; 3];
        for index in month_of(*first)..=month_of(*last) + 1 {
            let month = month_period(index);
            let end = Day(month.last.0 + 1).start();
            let (open, overdue) = complaint_stocks(&clocks, end);
            let now = [open, overdue, actions_overdue(&w.actions, month.last)]
                .map(|n| i64::try_from(n).expect("counts fit i64"));
            for (series, (value, was)) in [SERIES_OPEN, SERIES_OVERDUE, SERIES_ACTIONS_OVERDUE]
                .into_iter()
                .zip(now.iter().zip(&before))
            {
                if value != was {
                    stocks.push((series, index, *value));
                }
            }
            before = now;
        }
    }
    // In the order the table keeps them: series, then month.
    stocks.sort_unstable();
    let mut actions_due: Vec<(i32, String)> = w
        .actions
        .iter()
        .map(|a| (a.due_on.0, a.action_id.clone()))
        .collect();
    actions_due.sort();
    Ok(WorkflowFacts {
        stocks,
        actions_due,
    })
}

/// The month of an index (`year × 12 + month − 1`).
pub fn month_period(index: i32) -> Period {
    let month = u32::try_from(index.rem_euclid(12)).expect("0..12") + 1;
    Period::month(index.div_euclid(12), month).expect("a month of a stored date")
}

/// The first day of the month of index `year * 12 + month0` ([`month_of`]): the
/// `first` of its [`month_period`], without the period's label (a tier timeline asks it of
/// every month of every customer it derives).
fn month_first(index: i32) -> Day {
    let month = u32::try_from(index.rem_euclid(12)).expect("0..12") + 1;
    Day::from_ymd(index.div_euclid(12), month, 1).expect("a month of a stored date")
}

/// The customers whose facts a record enters: its owner, and the referrer of a sale or policy.
fn customers_named(record: &Record) -> Vec<&str> {
    let referrer = match record {
        Record::Sale(s) => s.referrer_id.as_deref(),
        Record::Policy(p) => p.referrer_id.as_deref(),
        _ => None,
    };
    match record {
        // Staff enter no customer's facts. Survey answers enter their survey's customer's,
        // found through the survey (`changed_customers`): the answer names no customer.
        Record::Staff(_) | Record::SurveyAnswer(_) => Vec::new(),
        _ => record.customer_id().into_iter().chain(referrer).collect(),
    }
}

/// Derives the facts of the customers of `want` from the records of those of `gather` (a
/// superset: `want` with their families' members, whose sales decide tier S1), read from
/// `source`: facts `None` for one who is no longer a current customer; with
/// [`Keep::Whole`] or [`Keep::Additions`], what to keep of each one's records too.
fn derive_some(
    reader: &Reader,
    rules: &Rules,
    gather: &BTreeSet<String>,
    want: &BTreeSet<String>,
    source: Source,
    keep: Keep,
) -> Result<Vec<DerivedCustomer>, StoreError> {
    let (people, tiers) = people_of(reader, gather, rules, Answers::Read, source, keep, |c| {
        want.contains(&c.customer_id)
    })?;
    let deriver = TaskDeriver::new(rules);
    let success = rules.visits.tasks.churn_recovery.success.clone();
    crate::progress::expect(crate::progress::Phase::Customers, people.len() as u64);
    let mut derived: BTreeMap<String, (CustomerFacts, Option<KeptUpdate>)> = people
        .into_par_iter()
        .map(|(id, mut person)| {
            let facts = customer_facts(&person, &tiers, &deriver, rules, &success);
            (id, (facts, person.records.take()))
        })
        .inspect(|_| crate::progress::advance(1))
        .collect();
    Ok(want
        .iter()
        .map(|id| {
            let (facts, records) = derived
                .remove(id)
                .map_or((None, None), |(facts, records)| (Some(facts), records));
            DerivedCustomer {
                id: id.clone(),
                facts,
                records,
            }
        })
        .collect())
}

/// Whether [`people_of`] reads the answers of each person's surveys (facts need them; the
/// work list does not).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answers {
    Read,
    Skip,
}

/// The current customers of `gather` that `wanted` accepts, in customer id order, each with
/// their own records (each kind in key order, as a snapshot lists them), and the tier inputs
/// of every current customer of `gather`. The work list (`kpi::worklist`) reads its
/// candidates this way too.
///
/// Each customer is read on their own, in parallel from the one snapshot (see
/// [`read_customer`]). A record naming two of them (a sale and its referrer) is read once
/// for each. Each person carries what `keep` says to keep of their records.
pub(crate) fn people_of(
    reader: &Reader,
    gather: &BTreeSet<String>,
    rules: &Rules,
    answers: Answers,
    source: Source,
    keep: Keep,
    wanted: impl Fn(&Customer) -> bool + Sync,
) -> Result<(BTreeMap<String, Person>, TierInputs), StoreError> {
    let ids: Vec<&String> = gather.iter().collect();
    // Kept records carry their answers: they are read either way.
    let read_answers = answers == Answers::Read || keep != Keep::Facts;
    let read: Vec<Option<(TierPiece, Option<Person>)>> = ids
        .par_iter()
        .map(|id| {
            let Some((mut read, added)) = read_customer(reader, id, source, read_answers)? else {
                return Ok(None);
            };
            let piece = TierInputs::piece(&read.customer, &read.records, rules);
            if !wanted(&read.customer) {
                return Ok(Some((piece, None)));
            }
            let records = match (keep, added) {
                (Keep::Facts, _) => None,
                (Keep::Additions, Some(added)) if added.is_empty() => None,
                (Keep::Additions, Some(added)) => Some(KeptUpdate::Added(added.encode())),
                (Keep::Whole | Keep::Additions, _) => Some(KeptUpdate::Whole(read.encode())),
            };
            if answers == Answers::Skip {
                read.answers.clear();
            }
            let mut person = Person::of(read);
            person.records = records;
            Ok(Some((piece, Some(person))))
        })
        .collect::<Result<_, StoreError>>()?;
    let mut people = BTreeMap::new();
    let mut pieces = Vec::with_capacity(read.len());
    for (piece, person) in read.into_iter().flatten() {
        if let Some(person) = person {
            people.insert(person.customer.customer_id.clone(), person);
        }
        pieces.push(piece);
    }
    Ok((people, TierInputs::from_pieces(pieces)))
}

/// One customer's current records, `None` when they are no current customer: from
/// `source`, with what [`Source::Kept`] added to their kept records (`None` when none were
/// kept, and they were read from the store). From the store: their customer record, then
/// every current record naming them through `refs` (as owner or as referrer; by kind, then
/// key), which is exactly what their own lists and their part of the tier inputs are made
/// of, and with `answers`, the current answers of each of their surveys that has any, by
/// question (one range read each).
fn read_customer(
    reader: &Reader,
    id: &str,
    source: Source,
    answers: bool,
) -> Result<Option<(CustomerRecords, Option<RecordsAdded>)>, StoreError> {
    if let Source::Kept(fresh, generations) = source
        && let Some(mut kept) = reader.kept_records_of(id, generations)?
    {
        let added = fresh.added_to(&kept);
        kept.add(added.clone());
        return Ok(Some((kept, Some(added))));
    }
    let Some(customer) = reader
        .get(Kind::Customer, id)?
        .and_then(|(_, r)| r.into_customer())
    else {
        return Ok(None);
    };
    // (About 60 records a customer in `gen`'s data.)
    let mut records = Vec::with_capacity(64);
    reader.for_each_referring_to_customer(id, |record| {
        records.push(record);
        Ok(())
    })?;
    let mut by_survey = BTreeMap::new();
    if answers {
        for record in &records {
            if let Record::Survey(s) = record
                && s.customer_id == id
            {
                let list: Vec<(String, u8)> = reader
                    .answers_of(&s.survey_id)?
                    .into_iter()
                    .map(|a| (a.question, a.score))
                    .collect();
                if !list.is_empty() {
                    by_survey.insert(s.survey_id.clone(), list);
                }
            }
        }
    }
    Ok(Some((
        CustomerRecords {
            customer,
            records,
            answers: by_survey,
        },
        None,
    )))
}

/// What one customer's facts (or open tasks) are derived from, besides the tier inputs.
pub(crate) struct Person {
    pub(crate) customer: Customer,
    pub(crate) activity: CustomerActivity,
    pub(crate) surveys: Vec<Survey>,
    /// The current answers of their surveys as (question, score), by survey id then
    /// question; read only where facts are derived ([`Answers::Read`]).
    pub(crate) answers: BTreeMap<String, Vec<(String, u8)>>,
    /// (policy id, start_on) of their current policies.
    pub(crate) policies: Vec<(String, Day)>,
    /// What to keep of their records ([`Keep`]).
    pub(crate) records: Option<KeptUpdate>,
}

impl Person {
    /// A customer with their own records among those naming them (by kind and key): the
    /// records naming them only as referrer count towards their tier alone
    /// ([`TierInputs::piece`]).
    fn of(read: CustomerRecords) -> Person {
        let CustomerRecords {
            customer,
            records,
            answers,
        } = read;
        let id = customer.customer_id.clone();
        // Each list sized once: grown by doubling, the lists of a chunk's customers took
        // a tenth of the facts step's reading in a profile.
        let of = |kind: Kind| records.iter().filter(|r| r.kind() == kind).count();
        let mut person = Person {
            customer,
            activity: CustomerActivity {
                customer_id: id.clone(),
                sales: Vec::with_capacity(of(Kind::Sale)),
                orders: Vec::with_capacity(of(Kind::ServiceOrder)),
                attempts: Vec::with_capacity(of(Kind::Attempt)),
            },
            surveys: Vec::with_capacity(of(Kind::Survey)),
            answers,
            policies: Vec::with_capacity(of(Kind::Policy)),
            records: None,
        };
        for record in records {
            match person.activity.add(record) {
                Some(Record::Policy(p)) if p.customer_id == id => {
                    person.policies.push((p.policy_id, p.start_on));
                }
                Some(Record::Survey(s)) if s.customer_id == id => person.surveys.push(s),
                _ => {}
            }
        }
        person
    }
}

/// One customer's facts.
fn customer_facts(
    person: &Person,
    tiers: &TierInputs,
    deriver: &TaskDeriver,
    rules: &Rules,
    success: &[Outcome],
) -> CustomerFacts {
    let Person {
        customer,
        activity,
        surveys,
        answers,
        policies,
        records: _,
    } = person;
    let family_id = customer.family_id.clone();
    let derived = deriver.derive(activity, Timestamp(i64::MAX));
    let tasks = derived
        .tasks
        .iter()
        .filter(|s| !s.withdrawn)
        .map(|s| TaskFact {
            due_at: s.task.due_at.0,
            id: s.task.id.clone(),
            kind: purpose_code(s.task.kind),
            flags: flag(s.performed(), TASK_PERFORMED)
                | flag(s.successful, TASK_SUCCESSFUL)
                | flag(s.on_time(), TASK_ON_TIME),
            owner: s.task.owner.clone(),
            caller: s.credits.first().and_then(|c| c.staff_id.clone()),
            outcomes: s.credits.iter().map(|c| outcome_code(c.outcome)).collect(),
        })
        .collect();
    let unscheduled = derived
        .unscheduled
        .into_iter()
        .map(|(id, at)| (at.0, id))
        .collect();

    let churn = churn::derive_customer(activity, rules, success);
    let lost = churn.episodes.iter().map(|e| e.episode.lost_on.0).collect();
    let returns = churn
        .episodes
        .iter()
        .filter_map(|e| {
            e.episode.returned_on.map(|r| ReturnFact {
                returned_on: r.0,
                lost_on: e.episode.lost_on.0,
                recovered: e.recovered_by.is_some(),
                staff_id: e.recovered_by.as_ref().and_then(|c| c.staff_id.clone()),
            })
        })
        .collect();
    let revenue = churn
        .revenue
        .iter()
        .map(|o| RevenueFact {
            opened_on: o.opened_on.0,
            order_id: o.order_id.clone(),
            revenue: o.revenue.0,
            staff_id: churn.episodes[o.episode]
                .recovered_by
                .as_ref()
                .and_then(|c| c.staff_id.clone()),
        })
        .collect();
    let calls = churn
        .recovery_attempts
        .iter()
        .map(|(day, id)| (day.0, id.clone()))
        .collect();
    let settled = tiers
        .settled_from(&customer.customer_id, &rules.tiers)
        .unwrap_or(customer.created_on);
    let timeline = tier_timeline(customer, tiers, settled, rules);
    let tier_on = |day: Day| tier_in(&timeline, month_of(day.0));
    let answered = surveys
        .iter()
        .map(|s| {
            let answers = answers.get(&s.survey_id).cloned().unwrap_or_default();
            SurveyAnswersFact::of_survey(s.clone(), answers)
        })
        .collect();
    let surveys = surveys
        .iter()
        .map(|s| {
            let day = s.at.day();
            let tier = tier_on(day);
            SurveyFact {
                day: day.0,
                survey_id: s.survey_id.clone(),
                at: s.at.0,
                customer_id: s.customer_id.clone(),
                department: s.subject_department.clone(),
                overall: s.overall,
                tier: tier_code(tier),
            }
        })
        .collect();
    let reasons = churn
        .episodes
        .iter()
        .filter_map(|e| e.reason.as_ref().map(|(day, r)| (day.0, r.clone())))
        .collect();
    let declared = churn
        .episodes
        .iter()
        .filter_map(|e| e.declared_on.map(|d| d.0))
        .collect();
    let episodes: Vec<_> = churn.episodes.iter().map(|e| e.episode.clone()).collect();
    // The facts keep only the tier_care tasks credited: the others are not listed.
    let care = care::derive_with(
        customer,
        activity,
        policies,
        &episodes,
        settled,
        tier_on,
        rules,
        care::TierTasks::Creditable,
    );
    let (care_tasks, care_cover, care_unscheduled) = care_facts(care);
    CustomerFacts {
        family_id,
        tasks,
        unscheduled,
        lost,
        returns,
        revenue,
        calls,
        surveys,
        answered,
        care_tasks,
        care_cover,
        care_unscheduled,
        reasons,
        declared,
        tiers: timeline,
        service: service_by_month(activity),
    }
}

/// The revenue of a customer's service orders by the month they were opened, in month
/// order, leaving out months that sum to 0. A month whose sum would not fit an `i64` keeps
/// more than one entry (the table adds them up in an `i128`).
fn service_by_month(activity: &CustomerActivity) -> Vec<(i32, i64)> {
    let mut by_month: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for o in &activity.orders {
        let sums = by_month.entry(month_of(o.opened_at.day().0)).or_default();
        match sums
            .last_mut()
            .and_then(|s| s.checked_add(o.revenue.0).map(|n| (s, n)))
        {
            Some((s, n)) => *s = n,
            None => sums.push(o.revenue.0),
        }
    }
    by_month
        .into_iter()
        .flat_map(|(month, sums)| sums.into_iter().map(move |fen| (month, fen)))
        .filter(|(_, fen)| *fen != 0)
        .collect()
}

/// A customer's tier in every month from their first (the one after `created_on`'s: the
/// first whose evaluation date finds them created) up to the one whose evaluation date is
/// past the day their tier settles (`TierInputs::settled_from`), kept where it or its
/// criteria change.
fn tier_timeline(
    customer: &Customer,
    tiers: &TierInputs,
    settled: Day,
    rules: &Rules,
) -> Vec<TierChange> {
    let id = customer.customer_id.as_str();
    let first = month_of(customer.created_on.0) + 1;
    let last = (month_of(settled.0) + 1).max(first);
    let mut changes: Vec<TierChange> = Vec::new();
    for month in first..=last {
        let result = tiers.tier_of(id, &rules.tiers, Day(month_first(month).0 - 1));
        let change = TierChange {
            month,
            tier: tier_code(result.tier),
            criteria: result.criteria_bits(),
        };
        if changes
            .last()
            .is_none_or(|c| (c.tier, c.criteria) != (change.tier, change.criteria))
        {
            changes.push(change);
        }
    }
    changes
}

/// A customer's tier in a month from their tier changes: general before their first.
fn tier_in(changes: &[TierChange], month: i32) -> Tier {
    let after = changes.partition_point(|c| c.month <= month);
    after
        .checked_sub(1)
        .map_or(Tier::General, |i| Tier::ALL[usize::from(changes[i].tier)])
}

/// One customer's care facts: every renewal task and the credited tier_care tasks, the
/// cover, the unscheduled care attempts.
fn care_facts(
    derived: care::CustomerCare,
) -> (Vec<CareTaskFact>, Vec<CoverFact>, Vec<(i64, String)>) {
    let tasks = derived
        .tasks
        .iter()
        .filter(|t| t.kind == CareKind::InsuranceRenewal || t.state.performed())
        .map(|t| CareTaskFact {
            day: t.belongs_on.0,
            id: t.state.task.id.clone(),
            kind: match t.kind {
                CareKind::TierCare => CARE_TIER,
                CareKind::InsuranceRenewal => CARE_RENEWAL,
            },
            flags: flag(t.state.performed(), TASK_PERFORMED)
                | flag(t.state.successful, TASK_SUCCESSFUL)
                | flag(t.state.on_time(), TASK_ON_TIME),
            tier: t.tier.map_or(NO_TIER, tier_code),
        })
        .collect();
    let cover = derived
        .cover
        .iter()
        .map(|c| CoverFact {
            tier: tier_code(c.tier),
            from: c.from.0,
            until: c.until.map(|u| u.0),
        })
        .collect();
    let unscheduled = derived
        .unscheduled
        .into_iter()
        .map(|(id, at)| (at.0, id))
        .collect();
    (tasks, cover, unscheduled)
}

fn flag(set: bool, bit: u8) -> u8 {
    if set { bit } else { 0 }
}

/// A value of a closed list as a facts table stores it: its index in the list.
fn code_in<T: PartialEq>(all: &[T], value: &T) -> u8 {
    let index = all
        .iter()
        .position(|v| v == value)
        .expect("a value of its list");
    u8::try_from(index).expect("lists of fewer than 256 values")
}

/// The value of a stored index in a closed list; a code outside it is damage, named with
/// the table and what it codes.
fn of_code<T: Copy>(all: &[T], code: u8, what: (&str, &str)) -> Result<T, StoreError> {
    let (en, zh) = what;
    all.get(usize::from(code))
        .copied()
        .ok_or_else(|| StoreError::Damaged(crate::say!("{en} code {code}", "{zh}代码 {code}")))
}

/// A task kind as a `fact_tasks` value stores it: its index in `Purpose::ALL`.
pub fn purpose_code(kind: Purpose) -> u8 {
    code_in(Purpose::ALL, &kind)
}

/// The task kind of a stored code.
pub fn purpose_of(code: u8) -> Result<Purpose, StoreError> {
    of_code(
        Purpose::ALL,
        code,
        (
            "fact_tasks names the task kind",
            "fact_tasks 中出现任务类型",
        ),
    )
}

/// An attempt outcome as a `fact_tasks` value stores it: its index in `Outcome::ALL`.
pub fn outcome_code(outcome: Outcome) -> u8 {
    code_in(Outcome::ALL, &outcome)
}

/// The outcome of a stored code.
pub fn outcome_of(code: u8) -> Result<Outcome, StoreError> {
    of_code(
        Outcome::ALL,
        code,
        ("fact_tasks names the outcome", "fact_tasks 中出现结果"),
    )
}

/// A tier as the facts tables (`fact_survey_lines`, `fact_tiers`, …) store it: its index in
/// `Tier::ALL`.
pub fn tier_code(tier: Tier) -> u8 {
    code_in(&Tier::ALL, &tier)
}

/// The tier of a stored code.
pub fn tier_of(code: u8) -> Result<Tier, StoreError> {
    of_code(
        &Tier::ALL,
        code,
        (
            "a facts table names the tier",
            "某个派生数据表中出现客户等级",
        ),
    )
}

/// Where the kept facts stand against the rules in force and the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// None kept (a store written before facts existed, or never imported into since).
    None,
    /// They follow other rules than those in force.
    OtherRules,
    /// They follow the rules in force, but imports committed since were not derived (an
    /// import interrupted after its commit).
    Behind,
    /// Up to date: reports read them.
    Current,
}

/// What [`check`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactsCheck {
    pub standing: Standing,
    /// Customers derived from scratch and compared (0 unless current).
    pub customers: u64,
    /// The first `max` problems found.
    pub problems: Vec<String>,
}

/// Where the kept facts stand.
pub fn standing(reader: &Reader, rules: &Rules) -> Result<Standing, StoreError> {
    Ok(match reader.facts_state()? {
        None => Standing::None,
        Some(s) if s.fingerprint != fingerprint(rules) => Standing::OtherRules,
        Some(s) if s.through != reader.next_seq()? => Standing::Behind,
        Some(_) => Standing::Current,
    })
}

/// Compares the kept facts with a derivation from scratch under the rules in force, when
/// they follow those rules and are up to date: every customer's facts, the rows of every
/// month table, and the lost stock of every month. At most `max` problems are listed.
pub fn check(reader: &Reader, rules: &Rules, max: usize) -> Result<FactsCheck, StoreError> {
    let standing = standing(reader, rules)?;
    if standing != Standing::Current {
        return Ok(FactsCheck {
            standing,
            customers: 0,
            problems: Vec::new(),
        });
    }
    let mut problems = Vec::new();
    let mut note = |problem: String| {
        if problems.len() < max {
            problems.push(problem);
        }
    };
    let mut rows = [0u64; MONTH_TABLES.len()];
    let mut stock: BTreeMap<i32, i64> = BTreeMap::new();
    let mut cover: BTreeMap<(u8, i32), i64> = BTreeMap::new();
    let mut tier_counts: BTreeMap<(u8, i32), i64> = BTreeMap::new();
    let mut tier_rows = 0u64;
    let mut service: BTreeMap<i32, i128> = BTreeMap::new();
    let mut with_facts = 0u64;
    let mut with_records = 0u64;
    let generations = reader.record_generations()?;
    let customers = derive_in_chunks(reader, rules, CHUNK, Keep::Whole, |chunk| {
        for DerivedCustomer { id, facts, records } in chunk {
            if let Some(KeptUpdate::Whole(records)) = records {
                with_records += 1;
                let kept = reader.kept_records_of(&id, &generations)?;
                if kept != Some(CustomerRecords::decode(&records)?) {
                    note(crate::say!(
                        "the kept records of customer `{id}` differ from their current records",
                        "客户 `{id}` 保存的记录与其当前记录不同"
                    ));
                }
            }
            let fresh = facts.filter(|f| !f.is_empty());
            let kept = reader.customer_facts(&id)?;
            if kept != fresh {
                note(match (&kept, &fresh) {
                    (None, _) => crate::say!(
                        "customer `{id}` has facts, but none are kept",
                        "客户 `{id}` 有派生数据，但没有保存"
                    ),
                    _ => crate::say!(
                        "the kept facts of customer `{id}` differ from a derivation from scratch",
                        "客户 `{id}` 保存的派生数据与从头推导的结果不同"
                    ),
                });
            }
            let Some(facts) = fresh else { continue };
            with_facts += 1;
            for (total, n) in rows.iter_mut().zip(facts.month_rows()) {
                *total += n;
            }
            for day in &facts.lost {
                *stock.entry(month_of(*day)).or_default() += 1;
            }
            for r in &facts.returns {
                *stock.entry(month_of(r.returned_on)).or_default() -= 1;
            }
            add_cover(&mut cover, &facts.care_cover);
            tier_count_deltas(&facts.tiers, 1, &mut tier_counts);
            tier_rows += facts.tiers.len() as u64;
            for (month, fen) in &facts.service {
                *service.entry(*month).or_default() += i128::from(*fen);
            }
        }
        Ok(())
    })?;
    let kept_records = reader.customers_with_records()?;
    if kept_records != with_records {
        note(crate::say!(
            "records are kept for {kept_records} customers; there are {with_records}",
            "保存了 {kept_records} 位客户的记录；当前客户有 {with_records} 位"
        ));
    }
    let kept_customers = reader.customers_with_facts()?;
    if kept_customers != with_facts {
        note(crate::say!(
            "facts are kept for {kept_customers} customers; {with_facts} have facts",
            "保存了 {kept_customers} 位客户的派生数据；有派生数据的客户是 {with_facts} 位"
        ));
    }
    stock.retain(|_, n| *n != 0);
    let kept_rows = reader.month_table_rows()?;
    for ((table, expected), kept) in MONTH_TABLES.iter().zip(rows).zip(kept_rows) {
        if expected != kept {
            note(crate::say!(
                "{table} holds {kept} rows; the customers' facts make {expected}",
                "{table} 有 {kept} 行；按客户的派生数据应为 {expected} 行"
            ));
        }
    }
    if reader.stock_table()? != stock {
        note(crate::say!(
            "fact_stock differs from the episodes' starts and returns",
            "fact_stock 与各流失期的开始和回店不符"
        ));
    }
    cover.retain(|_, n| *n != 0);
    if reader.care_cover_table()? != cover {
        note(crate::say!(
            "fact_care_cover differs from the customers' runs of tier care",
            "fact_care_cover 与客户的分级关怀期不符"
        ));
    }
    service.retain(|_, n| *n != 0);
    if reader.service_table()? != service {
        note(crate::say!(
            "fact_service_revenue differs from the customers' service orders",
            "fact_service_revenue 与客户的维修工单不符"
        ));
    }
    tier_counts.retain(|_, n| *n != 0);
    if reader.tier_counts_table()? != tier_counts {
        note(crate::say!(
            "fact_tier_counts differs from the customers' tier changes",
            "fact_tier_counts 与客户等级的变化不符"
        ));
    }
    let kept_rows = reader.tier_rows()?;
    if kept_rows != tier_rows {
        note(crate::say!(
            "fact_tiers holds {kept_rows} rows; the customers' facts make {tier_rows}",
            "fact_tiers 有 {kept_rows} 行；按客户的派生数据应为 {tier_rows} 行"
        ));
    }
    if reader.workflow_facts()? != workflow_facts(reader, rules)? {
        note(crate::say!(
            "the complaints' and actions' facts differ from a derivation from scratch",
            "投诉和整改措施的派生数据与从头推导的结果不同"
        ));
    }
    Ok(FactsCheck {
        standing,
        customers,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts of an increment's customers: whole chunks, then the last two chunks' worth
    /// in halves down to an eighth of a chunk; every item once, in order.
    #[test]
    fn the_last_parts_taper_and_every_item_comes_once_in_order() {
        let sizes = |n: usize, chunk: usize| {
            let list: Vec<usize> = (0..n).collect();
            let parts: Vec<&[usize]> = tapered(&list, chunk).collect();
            let joined: Vec<usize> = parts.iter().flat_map(|p| p.iter().copied()).collect();
            assert_eq!(joined, list, "{n} items in parts of {chunk}");
            parts.iter().map(|p| p.len()).collect::<Vec<_>>()
        };
        // 28 800 customers (the 100 000-customer comparison's increment): four chunks,
        // then 8 800 in 4 400, 2 200, 1 100 and the 1 100 left taken as 550 and 550.
        assert_eq!(
            sizes(28_800, 5_000),
            [5_000, 5_000, 5_000, 5_000, 4_400, 2_200, 1_100, 550, 550]
        );
        // Exactly two chunks: a chunk, then halves of the other.
        assert_eq!(sizes(10_000, 5_000), [5_000, 2_500, 1_250, 625, 625]);
        // At most an eighth of a chunk: one part.
        assert_eq!(sizes(625, 5_000), [625]);
        assert_eq!(sizes(7, 16), [4, 2, 1]);
        assert_eq!(sizes(5, 1), [1, 1, 1, 1, 1]);
        assert_eq!(sizes(0, 5_000), Vec::<usize>::new());
    }

    /// A month's first day, by hand, for the months around the years' ends, leap February
    /// and the calendar's first and last reporting years.
    #[test]
    fn a_months_first_day_is_the_first_of_its_period() {
        for (year, month0, first) in [
            (2024, 0, "2024-01-01"),
            (2024, 1, "2024-02-01"),
            (2024, 2, "2024-03-01"),
            (2023, 11, "2023-12-01"),
            (1990, 0, "1990-01-01"),
        ] {
            let index = year * 12 + month0;
            assert_eq!(month_first(index), Day::parse(first).unwrap());
            assert_eq!(month_first(index), month_period(index).first);
            assert_eq!(month_of(month_first(index).0), index);
        }
    }

    #[test]
    fn pipelined_parts_arrive_in_order_and_an_error_of_either_side_ends_both() {
        let derived = std::sync::atomic::AtomicUsize::new(0);
        let mut taken = Vec::new();
        pipelined(
            0..50u32,
            |n| {
                derived.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(n * 2)
            },
            |n| {
                taken.push(n);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(taken, (0..50).map(|n| n * 2).collect::<Vec<_>>());
        assert_eq!(derived.into_inner(), 50);

        // Deriving part 3 fails: parts 0..3 were taken, and the error is returned.
        let mut taken = Vec::new();
        let err = pipelined(
            0..50u32,
            |n| match n {
                3 => Err(StoreError::Damaged("part 3".into())),
                n => Ok(n),
            },
            |n| {
                taken.push(n);
                Ok(())
            },
        )
        .unwrap_err();
        assert!(
            matches!(err, StoreError::Damaged(ref w) if w == "part 3"),
            "{err}"
        );
        assert_eq!(taken, vec![0, 1, 2]);

        // Taking part 2 fails: deriving stops within the two parts that may wait.
        let derived = std::sync::atomic::AtomicUsize::new(0);
        let err = pipelined(
            0..50u32,
            |n| {
                derived.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(n)
            },
            |n| match n {
                2 => Err(StoreError::Damaged("took 2".into())),
                _ => Ok(()),
            },
        )
        .unwrap_err();
        assert!(
            matches!(err, StoreError::Damaged(ref w) if w == "took 2"),
            "{err}"
        );
        let derived = derived.into_inner();
        assert!((3..=6).contains(&derived), "{derived} parts derived");

        // Deriving part 4 panics: the panic reaches the caller, after parts 0..4 were taken.
        let mut taken = Vec::new();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pipelined(
                0..50u32,
                |n| match n {
                    4 => panic!("deriving part 4"),
                    n => Ok(n),
                },
                |n| {
                    taken.push(n);
                    Ok(())
                },
            )
        }));
        assert!(outcome.is_err(), "the panic is raised again");
        assert_eq!(taken, vec![0, 1, 2, 3]);
    }

    /// Payout rules shape no fact: changing them keeps the kept facts current; any rule a
    /// fact depends on changes the fingerprint.
    #[test]
    fn the_fingerprint_leaves_out_the_payout_rules_only() {
        let defaults = fingerprint(&Rules::default());
        let mut payouts = Rules::default();
        payouts.payouts.fine_below_percent = 80;
        payouts.payouts.vip.min_surveys = 3;
        assert_eq!(fingerprint(&payouts), defaults);
        let mut tiers = Rules::default();
        tiers.tiers.v1_sales_min = 3;
        assert_ne!(fingerprint(&tiers), defaults);
        let mut care = Rules::default();
        care.care.grace_hours = 1;
        assert_ne!(fingerprint(&care), defaults);
    }
}
