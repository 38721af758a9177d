//! The facts tables: what the rules derive from the records, kept by import so that a report
//! reads one month of facts instead of deriving every customer's history.
//!
//! *Invariant:* for the rules whose fingerprint `fact_meta` names, the facts equal a
//! derivation from scratch of the current records (`facts = derive(log)`), as of the log
//! sequence number `fact_meta` also names. Facts are derived state: they are never the
//! source of a figure the records cannot reproduce, their encoding is not a promise (a new
//! layout changes the fingerprint, and the next import derives them again), and a store
//! without them, or with facts of other rules, or behind its log, is read by deriving from
//! scratch instead. What the rows mean is the business of `crate::facts`, which derives them;
//! this module only keeps them.
//!
//! | table | key | value | holds |
//! |---|---|---|---|
//! | `fact_customers` | customer id | [`CustomerFacts`], a zstd frame of its bincode bytes | every fact of one customer: what the month tables below hold of them, so re-deriving a customer first takes its old rows out |
//! | `fact_tasks` | `(due_at, task id)` | [`TaskRow`] | return-visit tasks not withdrawn: kind, credit state ([`TASK_PERFORMED`] …), the staff member the records name as owner (roles are resolved at report time from the staff records, so a staff change needs no fact derived again), the staff id of the first credited attempt, and every credited attempt's outcome |
//! | `fact_unscheduled` | `(at, attempt id)` | `()` | attempts with a task purpose credited to no task |
//! | `fact_lost` | `(lost_on, customer id)` | `()` | lost episodes, by the day they began |
//! | `fact_returns` | `(returned_on, customer id)` | [`ReturnFact`] | returns from an episode, recovered or not, with the recovering call's staff |
//! | `fact_revenue` | `(opened_on, order id)` | [`RevenueFact`] | service orders counted as recovery revenue |
//! | `fact_calls` | `(date, attempt id)` | customer id | `churn_recovery` attempts, whatever their outcome |
//! | `fact_survey_lines` | `(date, survey id)` | [`SurveyFact`] | surveys with their customer's tier on the survey date, what a payout line counts |
//! | `fact_surveys` | `(date, survey id)` | [`SurveyRow`] | surveys as the visits report reads them: time, subject department, overall score, issue tokens, comment (as stored) and current answers (`(question, score)` by question), so that a period's surveys are one range scan ([`SurveyAnswersFact`] says why apart from `fact_survey_lines`) |
//! | `fact_care_tasks` | `(date, task id)` | `[kind, flags, tier]` | care tasks (DOMAIN.md section 14) by the date whose month they belong to: every `insurance_renewal` task, and the `tier_care` tasks with a credited attempt (kind [`CARE_TIER`] or [`CARE_RENEWAL`], flags as `fact_tasks`, tier a `Tier::ALL` index or [`NO_TIER`]) |
//! | `fact_care_cover` | `(tier, first date of a period)` | `i64` | runs of tier_care cover begun minus runs ended at a period: the tier_care tasks of a tier due in a period are the sum up to its first date |
//! | `fact_care_unscheduled` | `(at, attempt id)` | `()` | `care` and `insurance_renewal` attempts credited to no task |
//! | `fact_reasons` | `(date, customer id)` | reason | lost episodes with a reason, by the date of the latest attempt that gives it |
//! | `fact_declared` | `(date, customer id)` | `()` | lost episodes declared lost, by the date they were |
//! | `fact_stock` | month index | `i64` | episodes begun minus episodes ended in the month: lost customers at a month's end is the sum up to it |
//! | `fact_family` | `(family id, customer id)` | `()` | the members of each family, for re-deriving a family's tiers |
//! | `fact_tiers` | `(customer id, month index)` | `[tier, criteria low, criteria high]` | each customer's tier (DOMAIN.md section 7, evaluated as of the end of the month before) from their first month (the one after `created_on`'s) at every month where it or its criteria change ([`TierChange`]): a month's tier is that of the latest entry up to it, and the last entry holds for every later month (derived up to the month the tier settles, `TierInputs::settled_from`) |
//! | `fact_service_revenue` | month index | `i128` | the revenue (fen) of the service orders opened in the month, every order counted (DOMAIN.md section 5's denominator of the recovery share); wider than a figure, so that a sum beyond `i64` is kept and the report says so |
//! | `fact_tier_counts` | `(tier, month index)` | `i64` | customers entering a tier at a month minus those leaving it: the customers of a tier in a month are the sum up to it |
//! | `fact_workflow` | `(series, month index)` | `i64` | the complaints open ([`SERIES_OPEN`]), open and overdue ([`SERIES_OVERDUE`]) and the actions overdue ([`SERIES_ACTIONS_OVERDUE`]) at the end of a month, where the figure changes: a later month has the value of the latest earlier entry |
//! | `fact_actions_due` | `(due_on, action id)` | `()` | actions by due date |
//! | `fact_records` | customer id | [`CustomerRecords`], a zstd frame | the customer's current records as their facts were derived from them, with their additions below: their own record, every other record naming them (what `refs` lists under them), their surveys' answers. An import of new records only derives a customer from these and its new records, rather than reading each record of theirs from `current` |
//! | `fact_record_additions` | `(generation, customer id)` | [`RecordsAdded`] (bincode, not compressed) | what such an import added to a customer's kept records, filed under a generation of its own (the log position the facts had before it): written after the others, not into each customer's value in place. At most [`GENERATIONS_MAX`] generations are kept: the import that would make one more folds them all into `fact_records` |
//! | `fact_meta` | `&str` | `&[u8]` | `fingerprint` (the rules and layout the facts follow), `through` (the log's next sequence number when they were derived, `u64` little-endian) |
//!
//! Dates are `Day` numbers, times `Timestamp` seconds, a month index is `year × 12 + month − 1`.
//!
//! A rebuild (every customer derived again into emptied tables) writes the tables keyed by a
//! date and an id — most of the rows — in key order: it sets their rows aside in sorted
//! runs as the chunks of customers come, and merges them in at the commit (`FactRuns`); an
//! update writes a customer's changed rows in place.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use bincode::{Decode, Encode};
use rayon::prelude::*;
use redb::{ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};

use super::read::Reader;
use super::runs::{
    RunEntry, get_bytes, get_first_byte, get_str, merge_runs, put_bytes, put_str, write_run,
};
use super::tables::{BY_TIME, HISTORY, LogEntry, META, META_NEXT_SEQ, missing};
use super::{Store, StoreError, guarded};
use crate::model::{Customer, Kind, Record, Timestamp};

const CUSTOMERS: TableDefinition<&str, &[u8]> = TableDefinition::new("fact_customers");
const TASKS: TableDefinition<(i64, &str), &[u8]> = TableDefinition::new("fact_tasks");
const UNSCHEDULED: TableDefinition<(i64, &str), ()> = TableDefinition::new("fact_unscheduled");
const LOST: TableDefinition<(i32, &str), ()> = TableDefinition::new("fact_lost");
const RETURNS: TableDefinition<(i32, &str), &[u8]> = TableDefinition::new("fact_returns");
const REVENUE: TableDefinition<(i32, &str), &[u8]> = TableDefinition::new("fact_revenue");
const CALLS: TableDefinition<(i32, &str), &str> = TableDefinition::new("fact_calls");
const SURVEYS: TableDefinition<(i32, &str), &[u8]> = TableDefinition::new("fact_survey_lines");
const ANSWERED: TableDefinition<(i32, &str), &[u8]> = TableDefinition::new("fact_surveys");
const STOCK: TableDefinition<i32, i64> = TableDefinition::new("fact_stock");
const FAMILY: TableDefinition<(&str, &str), ()> = TableDefinition::new("fact_family");
const FACT_META: TableDefinition<&str, &[u8]> = TableDefinition::new("fact_meta");
const RECORDS: TableDefinition<&str, &[u8]> = TableDefinition::new("fact_records");
const ADDITIONS: TableDefinition<(u64, &str), &[u8]> =
    TableDefinition::new("fact_record_additions");
const WORKFLOW: TableDefinition<(u8, i32), i64> = TableDefinition::new("fact_workflow");
const ACTIONS_DUE: TableDefinition<(i32, &str), ()> = TableDefinition::new("fact_actions_due");
const CARE_TASKS: TableDefinition<(i32, &str), [u8; 3]> = TableDefinition::new("fact_care_tasks");
const CARE_COVER: TableDefinition<(u8, i32), i64> = TableDefinition::new("fact_care_cover");
const CARE_UNSCHEDULED: TableDefinition<(i64, &str), ()> =
    TableDefinition::new("fact_care_unscheduled");
const REASONS: TableDefinition<(i32, &str), &str> = TableDefinition::new("fact_reasons");
const DECLARED: TableDefinition<(i32, &str), ()> = TableDefinition::new("fact_declared");
const TIERS: TableDefinition<(&str, i32), [u8; 3]> = TableDefinition::new("fact_tiers");
const TIER_COUNTS: TableDefinition<(u8, i32), i64> = TableDefinition::new("fact_tier_counts");
const SERVICE: TableDefinition<i32, i128> = TableDefinition::new("fact_service_revenue");

/// Shows every facts table to `visitor` (the backup copies each by its types: see
/// `store::backup`). A facts table added above must be added here too: a backup refuses a
/// store holding a table it was not shown.
pub(super) fn visit_tables(
    visitor: &mut impl super::backup::TableVisitor,
) -> Result<(), StoreError> {
    visitor.visit(CUSTOMERS)?;
    visitor.visit(TASKS)?;
    visitor.visit(UNSCHEDULED)?;
    visitor.visit(LOST)?;
    visitor.visit(RETURNS)?;
    visitor.visit(REVENUE)?;
    visitor.visit(CALLS)?;
    visitor.visit(SURVEYS)?;
    visitor.visit(ANSWERED)?;
    visitor.visit(STOCK)?;
    visitor.visit(FAMILY)?;
    visitor.visit(FACT_META)?;
    visitor.visit(RECORDS)?;
    visitor.visit(ADDITIONS)?;
    visitor.visit(WORKFLOW)?;
    visitor.visit(ACTIONS_DUE)?;
    visitor.visit(CARE_TASKS)?;
    visitor.visit(CARE_COVER)?;
    visitor.visit(CARE_UNSCHEDULED)?;
    visitor.visit(REASONS)?;
    visitor.visit(DECLARED)?;
    visitor.visit(TIERS)?;
    visitor.visit(TIER_COUNTS)?;
    visitor.visit(SERVICE)
}

const META_FINGERPRINT: &str = "fingerprint";
const META_THROUGH: &str = "through";

/// The month tables, in the order of [`Reader::month_table_rows`].
pub const MONTH_TABLES: [&str; 12] = [
    "fact_tasks",
    "fact_unscheduled",
    "fact_lost",
    "fact_returns",
    "fact_revenue",
    "fact_calls",
    "fact_survey_lines",
    "fact_care_tasks",
    "fact_care_unscheduled",
    "fact_reasons",
    "fact_declared",
    "fact_surveys",
];

impl CustomerFacts {
    /// How many rows of each month table the customer's facts make, in the order of
    /// [`MONTH_TABLES`].
    pub fn month_rows(&self) -> [u64; 12] {
        [
            self.tasks.len(),
            self.unscheduled.len(),
            self.lost.len(),
            self.returns.len(),
            self.revenue.len(),
            self.calls.len(),
            self.surveys.len(),
            self.care_tasks.len(),
            self.care_unscheduled.len(),
            self.reasons.len(),
            self.declared.len(),
            self.answered.len(),
        ]
        .map(|n| n as u64)
    }
}

/// Series of `fact_workflow`.
pub const SERIES_OPEN: u8 = 0;
pub const SERIES_OVERDUE: u8 = 1;
pub const SERIES_ACTIONS_OVERDUE: u8 = 2;

/// The complaints' and actions' facts, derived whole (they are few) whenever one of their
/// records or the calendar changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkflowFacts {
    /// (series, month index, value) where the value changes.
    pub stocks: Vec<(u8, i32, i64)>,
    /// (due_on, action id).
    pub actions_due: Vec<(i32, String)>,
}

/// Flag bits of a `fact_tasks` value's second byte.
pub const TASK_PERFORMED: u8 = 1;
pub const TASK_SUCCESSFUL: u8 = 2;
pub const TASK_ON_TIME: u8 = 4;

/// The generations of `fact_record_additions` kept at most: reading a customer's records
/// takes one point read per generation, and folding them rewrites every customer's value.
pub const GENERATIONS_MAX: usize = 6;

/// The layout of the facts tables. Part of the fingerprint: facts of another layout are
/// derived again, never read.
pub const LAYOUT: u32 = 10;

/// Kinds of a `fact_care_tasks` value's first byte.
pub const CARE_TIER: u8 = 0;
pub const CARE_RENEWAL: u8 = 1;
/// The tier byte of a task no tier decided (a renewal).
pub const NO_TIER: u8 = u8::MAX;

/// A care task as `fact_care_tasks` keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct CareTaskFact {
    /// The date whose month the task belongs to.
    pub day: i32,
    pub id: String,
    pub kind: u8,
    pub flags: u8,
    pub tier: u8,
}

/// A run of tier_care cover: periods of the tier's cadence from the one starting on
/// `from` to the one before the one starting on `until` (`None`: no end).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct CoverFact {
    pub tier: u8,
    pub from: i32,
    pub until: Option<i32>,
}

/// One return-visit task: its due time, id, kind (`Purpose` index), credit flags, and who
/// is behind it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct TaskFact {
    pub due_at: i64,
    pub id: String,
    pub kind: u8,
    pub flags: u8,
    /// The staff member the task's records name under its kind's owner rule (the sale's
    /// consultant, the order's advisor); `None` under a role or pool rule.
    pub owner: Option<String>,
    /// The staff id of the first credited attempt.
    pub caller: Option<String>,
    /// The outcome (`Outcome::ALL` index) of every credited attempt, in crediting order.
    pub outcomes: Vec<u8>,
}

/// A `fact_tasks` value: a [`TaskFact`] without its key.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct TaskRow {
    pub kind: u8,
    pub flags: u8,
    pub owner: Option<String>,
    pub caller: Option<String>,
    pub outcomes: Vec<u8>,
}

impl TaskFact {
    fn row(&self) -> TaskRow {
        TaskRow {
            kind: self.kind,
            flags: self.flags,
            owner: self.owner.clone(),
            caller: self.caller.clone(),
            outcomes: self.outcomes.clone(),
        }
    }
}

/// A customer's tier from a month on (until their next change): the tier's `Tier::ALL`
/// index and the criteria met, bit i for `derive::tiers::CRITERIA[i]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct TierChange {
    pub month: i32,
    pub tier: u8,
    pub criteria: u16,
}

impl TierChange {
    fn value(&self) -> [u8; 3] {
        let [low, high] = self.criteria.to_le_bytes();
        [self.tier, low, high]
    }

    fn of(month: i32, value: [u8; 3]) -> TierChange {
        TierChange {
            month,
            tier: value[0],
            criteria: u16::from_le_bytes([value[1], value[2]]),
        }
    }
}

/// What a customer's tier changes add to `fact_tier_counts`, times `sign`: they enter their
/// first tier at its month, and at each change of tier leave the old one for the new.
pub fn tier_count_deltas(changes: &[TierChange], sign: i64, deltas: &mut BTreeMap<(u8, i32), i64>) {
    let mut previous: Option<u8> = None;
    for c in changes {
        if previous == Some(c.tier) {
            continue;
        }
        if let Some(old) = previous {
            *deltas.entry((old, c.month)).or_default() -= sign;
        }
        *deltas.entry((c.tier, c.month)).or_default() += sign;
        previous = Some(c.tier);
    }
}

/// A return from a lost episode.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ReturnFact {
    pub returned_on: i32,
    pub lost_on: i32,
    /// Won back by a recovery call (section 5), else returned unprompted.
    pub recovered: bool,
    /// The recovering call's staff, when it names one.
    pub staff_id: Option<String>,
}

/// A survey as a payout line counts it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SurveyFact {
    pub day: i32,
    pub survey_id: String,
    /// Timestamp seconds.
    pub at: i64,
    pub customer_id: String,
    pub department: String,
    pub overall: u8,
    /// The customer's tier on the survey date (`Tier::ALL` index).
    pub tier: u8,
}

/// A survey as the visits report reads it (`fact_surveys`), with its current answers.
///
/// Kept apart from [`SurveyFact`] (`fact_survey_lines`), though both are keyed by
/// `(date, survey id)`: a payout statement reads five weeks and more of survey lines and
/// needs none of the comment, issues and answers, which make a row several times larger;
/// kept apart, payouts decode what they did before, and the visits report reads no tier.
/// What both hold (date, time, department, overall) is derived from the same survey
/// record in the same derivation, so they cannot disagree.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SurveyAnswersFact {
    pub day: i32,
    pub survey_id: String,
    /// Timestamp seconds.
    pub at: i64,
    pub department: String,
    pub overall: u8,
    /// The issue tokens as the record lists them.
    pub issues: Vec<String>,
    /// The comment as stored: a report masks it.
    pub comment: Option<String>,
    /// The survey's current answers as (question, score), by question.
    pub answers: Vec<(String, u8)>,
}

/// A `fact_surveys` value: a [`SurveyAnswersFact`] without its key.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SurveyRow {
    pub at: i64,
    pub department: String,
    pub overall: u8,
    pub issues: Vec<String>,
    pub comment: Option<String>,
    pub answers: Vec<(String, u8)>,
}

impl SurveyAnswersFact {
    /// The fact of a survey record with its current answers (by question).
    pub fn of_survey(survey: crate::model::Survey, answers: Vec<(String, u8)>) -> Self {
        SurveyAnswersFact {
            day: survey.at.day().0,
            survey_id: survey.survey_id,
            at: survey.at.0,
            department: survey.subject_department,
            overall: survey.overall,
            issues: survey.issues,
            comment: survey.comment,
            answers,
        }
    }

    fn row(&self) -> SurveyRow {
        SurveyRow {
            at: self.at,
            department: self.department.clone(),
            overall: self.overall,
            issues: self.issues.clone(),
            comment: self.comment.clone(),
            answers: self.answers.clone(),
        }
    }
}

/// A service order counted as recovery revenue.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct RevenueFact {
    pub opened_on: i32,
    pub order_id: String,
    /// Fen.
    pub revenue: i64,
    /// The staff of the call that recovered the return the order follows.
    pub staff_id: Option<String>,
}

/// Every fact of one customer. Lists are in the order the derivation produced them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct CustomerFacts {
    pub family_id: Option<String>,
    pub tasks: Vec<TaskFact>,
    /// (at, attempt id).
    pub unscheduled: Vec<(i64, String)>,
    /// lost_on of every episode.
    pub lost: Vec<i32>,
    pub returns: Vec<ReturnFact>,
    pub revenue: Vec<RevenueFact>,
    /// (date, attempt id) of every `churn_recovery` attempt.
    pub calls: Vec<(i32, String)>,
    pub surveys: Vec<SurveyFact>,
    /// The same surveys with their answers, as the visits report reads them.
    pub answered: Vec<SurveyAnswersFact>,
    pub care_tasks: Vec<CareTaskFact>,
    pub care_cover: Vec<CoverFact>,
    /// (at, attempt id).
    pub care_unscheduled: Vec<(i64, String)>,
    /// (date of the latest attempt giving it, reason) of every episode with a reason.
    pub reasons: Vec<(i32, String)>,
    /// The date each episode declared lost was.
    pub declared: Vec<i32>,
    /// The customer's tier from their first month, where it or its criteria change.
    pub tiers: Vec<TierChange>,
    /// (month index, fen) the revenue of the customer's service orders opened in a month,
    /// for the months with an order.
    pub service: Vec<(i32, i64)>,
}

impl CustomerFacts {
    /// Whether the customer has no fact at all (nothing is kept for them).
    pub fn is_empty(&self) -> bool {
        *self == CustomerFacts::default()
    }
}

/// One customer derived again, as [`FactsWriter::write`] takes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedCustomer {
    pub id: String,
    /// Their facts; `None` when they are no longer a current customer (nothing is kept of
    /// them then, records included).
    pub facts: Option<CustomerFacts>,
    /// What to keep of the records they were derived from; `None` leaves the kept records
    /// as they are (facts derived into a temporary store keep none; a customer whose records
    /// did not change).
    pub records: Option<KeptUpdate>,
}

/// How a customer's kept records change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeptUpdate {
    /// All of them, [`CustomerRecords::encode`]d: they replace the kept ones and their
    /// additions.
    Whole(Vec<u8>),
    /// What an import of new records added, [`RecordsAdded::encode`]d, filed under the
    /// update's generation ([`FactsUpdate::generation`]).
    Added(Vec<u8>),
}

/// What an import of new records adds to one customer's kept records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordsAdded {
    /// Their new records, by kind (code), then key.
    pub records: Vec<Record>,
    /// New answers of their surveys: survey id → (question, score) by question.
    pub answers: AnswersBySurvey,
}

impl RecordsAdded {
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.answers.is_empty()
    }

    /// The records as `codec::encode_records_into` writes them, then the answers in bincode
    /// (the same body as a kept frame's, uncompressed): a few records, not worth a zstd frame.
    pub fn encode(&self) -> Vec<u8> {
        let mut raw = Vec::with_capacity(128 * (self.records.len() + 1));
        encode_lists(&self.records, &self.answers, &mut raw);
        raw
    }

    fn decode(raw: &[u8]) -> Result<RecordsAdded, StoreError> {
        let (records, answers) = decode_lists(raw).map_err(|e| {
            StoreError::Damaged(crate::say!(
                "a customer's kept additions do not decode: {e}",
                "一位客户保存的新增记录无法解码：{e}"
            ))
        })?;
        Ok(RecordsAdded { records, answers })
    }
}

/// Survey id → (question, score) by question: a customer's answers as kept.
pub type AnswersBySurvey = BTreeMap<String, Vec<(String, u8)>>;

/// A list of records (`codec::encode_records_into`: the store's own encoding of a record),
/// then answers by survey in bincode: the body of [`RecordsAdded`] and of
/// [`CustomerRecords`].
fn encode_lists(records: &[Record], answers: &AnswersBySurvey, raw: &mut Vec<u8>) {
    super::codec::encode_records_into(records, raw);
    bincode::encode_into_std_write(answers, raw, config())
        .expect("encoding into a Vec cannot fail");
}

/// Reads what [`encode_lists`] wrote, all of `raw`; why not, for a damage report.
fn decode_lists(raw: &[u8]) -> Result<(Vec<Record>, AnswersBySurvey), String> {
    let (records, n) = super::codec::decode_records(raw).map_err(|e| e.to_string())?;
    let (answers, used) =
        bincode::decode_from_slice(&raw[n..], config()).map_err(|e| e.to_string())?;
    if n + used != raw.len() {
        return Err(crate::say!(
            "{} trailing bytes",
            "多出 {} 个字节",
            raw.len() - n - used
        ));
    }
    Ok((records, answers))
}

/// One customer's current records, as their facts are derived from them and as
/// `fact_records` keeps them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerRecords {
    pub customer: Customer,
    /// Every other current record naming them, as owner or as referrer (what `refs` lists
    /// under them), by kind (its code), then key.
    pub records: Vec<Record>,
    /// The current answers of their surveys that have any: survey id → (question, score)
    /// by question.
    pub answers: AnswersBySurvey,
}

impl CustomerRecords {
    /// A zstd frame of: the customer's record, then the other records (each list as
    /// `codec::encode_records_into` writes it: the store's own encoding of a record), then
    /// the answers in bincode.
    pub fn encode(&self) -> Vec<u8> {
        let mut raw = Vec::with_capacity(128 * (self.records.len() + 1));
        super::codec::encode_records_into(&[Record::Customer(self.customer.clone())], &mut raw);
        encode_lists(&self.records, &self.answers, &mut raw);
        super::zframe::compress(&raw)
    }

    /// Reads what [`CustomerRecords::encode`] wrote; a value that is not one is damage.
    pub fn decode(frame: &[u8]) -> Result<CustomerRecords, StoreError> {
        let damaged = |e: String| {
            StoreError::Damaged(crate::say!(
                "a customer's kept records do not decode: {e}",
                "一位客户保存的记录无法解码：{e}"
            ))
        };
        let raw = super::zframe::decompress(frame).map_err(damaged)?;
        let (own, n) = super::codec::decode_records(&raw).map_err(|e| damaged(e.to_string()))?;
        let customer = match <[Record; 1]>::try_from(own) {
            Ok([Record::Customer(c)]) => c,
            _ => return Err(damaged(crate::say!("no customer record", "没有客户记录"))),
        };
        let (records, answers) = decode_lists(&raw[n..]).map_err(damaged)?;
        Ok(CustomerRecords {
            customer,
            records,
            answers,
        })
    }

    /// Adds what an import added: the records in their places (by kind, then key), the
    /// answers to their surveys' lists (by question).
    pub fn add(&mut self, added: RecordsAdded) {
        if !added.records.is_empty() {
            // Merged, both lists being in that order: sorting the joined list again was
            // 3.5 % of an increment's CPU time (each of 28 800 customers at 100 000).
            let mut new = added.records;
            sort_records(&mut new);
            let mut new = new.into_iter().peekable();
            let kept = std::mem::take(&mut self.records);
            self.records.reserve_exact(kept.len() + new.len());
            for record in kept {
                while let Some(n) = new.next_if(|n| record_order(n) < record_order(&record)) {
                    self.records.push(n);
                }
                self.records.push(record);
            }
            self.records.extend(new);
        }
        for (survey, answers) in added.answers {
            let list = self.answers.entry(survey).or_default();
            list.extend(answers);
            list.sort();
        }
    }
}

/// Puts records in the order `refs` lists a customer's: by kind (its code), then key.
pub fn sort_records(records: &mut [Record]) {
    records.sort_by(|a, b| record_order(a).cmp(&record_order(b)));
}

/// Where a record goes among a customer's: by kind (its code), then key.
fn record_order(record: &Record) -> (u8, std::borrow::Cow<'_, str>) {
    (record.kind().code(), record.key_ref())
}

/// The distinct generations of a `fact_record_additions` table, oldest first: one range read
/// each.
fn generations(
    table: &impl ReadableTable<(u64, &'static str), &'static [u8]>,
) -> Result<Vec<u64>, StoreError> {
    let mut found = Vec::new();
    let mut from = 0u64;
    while let Some(entry) = table.range((from, "")..)?.next() {
        let g = entry?.0.value().0;
        found.push(g);
        match g.checked_add(1) {
            Some(next) => from = next,
            None => break,
        }
    }
    Ok(found)
}

/// Which rules the facts follow, and how far into the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactsState {
    pub fingerprint: String,
    /// The log's next sequence number when the facts were last brought up to date.
    pub through: u64,
}

/// What to write: customers' new facts (`None`: the customer has none any more).
pub struct FactsUpdate {
    /// Replace every fact (the rules changed, or the store has none yet).
    pub rebuild: bool,
    pub fingerprint: String,
    /// The log's next sequence number the update was derived at; the write is refused
    /// ([`StoreError::Stale`]) if an import committed since.
    pub through: u64,
    pub customers: Vec<DerivedCustomer>,
    /// The generation [`KeptUpdate::Added`] files its additions under: the log position the
    /// facts were derived at before this update.
    pub generation: u64,
    /// Fold every generation of `fact_record_additions` into `fact_records`: the update writes
    /// every customer who has additions whole ([`FactsWriter::write_records`] for those it
    /// does not derive), and the additions go at the commit.
    pub fold: bool,
    /// The complaints' and actions' facts, when they changed: they replace the old ones.
    pub workflow: Option<WorkflowFacts>,
    /// Month index of a date, for `fact_stock`.
    pub month_of: fn(i32) -> i32,
    /// For a rebuild: the bytes of rows of the dated tables held before they are set aside
    /// in a sorted run ([`ROWS_HELD_PER_CUSTOMER`] times the customers of a chunk).
    pub rows_held: usize,
}

/// Bytes of rows of the dated tables a rebuild holds per customer of a chunk before it sets
/// them aside: about what a customer of five years has.
pub const ROWS_HELD_PER_CUSTOMER: usize = 4 << 10;

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

fn encode<T: Encode>(value: &T) -> Vec<u8> {
    bincode::encode_to_vec(value, config()).expect("facts encode to memory")
}

/// Decodes a fact; `what` names it in a message of damage (English, Chinese).
fn decode<T: Decode<()>>(
    (what, what_zh): (&'static str, &'static str),
    bytes: &[u8],
) -> Result<T, StoreError> {
    bincode::decode_from_slice(bytes, config())
        .map(|(v, _)| v)
        .map_err(|e| {
            let what = crate::voice::pick(what, what_zh);
            StoreError::Damaged(crate::say!(
                "a {what} fact does not decode: {e}",
                "一条{what}派生数据无法解码：{e}"
            ))
        })
}

/// A `fact_customers` value: a zstd frame of the customer's facts in bincode
/// (`store::zframe`). The value holds every row of that customer's other facts (an update
/// compares old with new to write only the rows that changed), so stored plainly it was an
/// eighth of the store.
fn encode_customer(facts: &CustomerFacts) -> Vec<u8> {
    super::zframe::compress(&encode(facts))
}

fn decode_customer(bytes: &[u8]) -> Result<CustomerFacts, StoreError> {
    let raw = super::zframe::decompress(bytes).map_err(|e| {
        StoreError::Damaged(crate::say!(
            "a customer's facts do not decompress: {e}",
            "一位客户的派生数据无法解压：{e}"
        ))
    })?;
    decode(("customer", "客户"), &raw)
}

/// The log entries an increment's reading of the log holds at once, with the versions they
/// supersede (a few MB). The library's own tests hand them over three at a time, so that
/// what they read crosses batches.
#[cfg(not(test))]
const LOG_BATCH: usize = 16_384;
#[cfg(test)]
const LOG_BATCH: usize = 3;

impl Reader {
    /// The transaction the facts tables are read through: the temporary store's when facts
    /// were derived from scratch for this reader, else the snapshot's.
    fn facts_txn(&self) -> &ReadTransaction {
        self.scratch.as_ref().map_or(self.txn(), |s| &s.txn)
    }

    /// Whether this reader reads facts derived from scratch for it ([`Reader::attach_facts`])
    /// rather than the store's own.
    pub fn reads_derived_facts(&self) -> bool {
        self.scratch.is_some()
    }

    /// Makes this reader read the facts of `scratch` (a [`Store::temporary_facts`] written
    /// with facts derived from this reader's snapshot) instead of the store's own.
    pub fn attach_facts(&mut self, scratch: ScratchStore) -> Result<(), StoreError> {
        let txn = guarded(|| Ok(scratch.store.db.begin_read()?))?;
        self.scratch = Some(ScratchFacts {
            txn,
            _store: scratch.store,
            _file: scratch.file,
        });
        Ok(())
    }

    /// The state of the facts, `None` for a store that has none.
    pub fn facts_state(&self) -> Result<Option<FactsState>, StoreError> {
        guarded(|| {
            let Some(meta) = missing(self.facts_txn().open_table(FACT_META))? else {
                return Ok(None);
            };
            let fingerprint = meta.get(META_FINGERPRINT)?;
            let through = meta.get(META_THROUGH)?;
            Ok(match (fingerprint, through) {
                (Some(f), Some(t)) => Some(FactsState {
                    fingerprint: String::from_utf8_lossy(f.value()).into_owned(),
                    through: u64::from_le_bytes(t.value().try_into().map_err(|_| {
                        StoreError::Damaged(crate::say!(
                            "fact_meta `through` is not 8 bytes",
                            "fact_meta 的 `through` 不是 8 个字节"
                        ))
                    })?),
                }),
                _ => None,
            })
        })
    }

    /// The log's next sequence number: where the next import's versions will start.
    pub fn next_seq(&self) -> Result<u64, StoreError> {
        guarded(|| {
            let meta = self.txn().open_table(META)?;
            Ok(meta.get(META_NEXT_SEQ)?.map_or(1, |v| v.value()))
        })
    }

    /// The kept facts of one customer.
    pub fn customer_facts(&self, customer_id: &str) -> Result<Option<CustomerFacts>, StoreError> {
        guarded(|| {
            let Some(table) = missing(self.facts_txn().open_table(CUSTOMERS))? else {
                return Ok(None);
            };
            table
                .get(customer_id)?
                .map(|v| decode_customer(v.value()))
                .transpose()
        })
    }

    /// The records a customer's kept facts were derived from (`fact_records`), `None` when
    /// none are kept of them (a customer new since, or facts kept by an older careledger,
    /// or derived into a temporary store).
    pub fn kept_records(&self, customer_id: &str) -> Result<Option<CustomerRecords>, StoreError> {
        let generations = self.record_generations()?;
        self.kept_records_of(customer_id, &generations)
    }

    /// [`Reader::kept_records`], given [`Reader::record_generations`].
    pub fn kept_records_of(
        &self,
        customer_id: &str,
        generations: &[u64],
    ) -> Result<Option<CustomerRecords>, StoreError> {
        guarded(|| {
            let Some(table) = missing(self.facts_txn().open_table(RECORDS))? else {
                return Ok(None);
            };
            let Some(mut kept) = table
                .get(customer_id)?
                .map(|v| CustomerRecords::decode(v.value()))
                .transpose()?
            else {
                return Ok(None);
            };
            if let Some(added) = missing(self.facts_txn().open_table(ADDITIONS))? {
                for g in generations {
                    if let Some(raw) = added.get((*g, customer_id))? {
                        kept.add(RecordsAdded::decode(raw.value())?);
                    }
                }
            }
            Ok(Some(kept))
        })
    }

    /// The generations of `fact_record_additions`, oldest first.
    pub fn record_generations(&self) -> Result<Vec<u64>, StoreError> {
        guarded(|| match missing(self.facts_txn().open_table(ADDITIONS))? {
            Some(table) => generations(&table),
            None => Ok(Vec::new()),
        })
    }

    /// Every customer with additions kept, in id order.
    pub fn customers_with_additions(&self) -> Result<BTreeSet<String>, StoreError> {
        guarded(|| {
            let mut ids = BTreeSet::new();
            if let Some(table) = missing(self.facts_txn().open_table(ADDITIONS))? {
                for entry in table.iter()? {
                    ids.insert(entry?.0.value().1.to_owned());
                }
            }
            Ok(ids)
        })
    }

    /// The number of customers whose records are kept (`fact_records`).
    pub fn customers_with_records(&self) -> Result<u64, StoreError> {
        use redb::ReadableTableMetadata;
        guarded(|| match missing(self.facts_txn().open_table(RECORDS))? {
            Some(table) => Ok(table.len()?),
            None => Ok(0),
        })
    }

    /// The number of customers with kept facts.
    pub fn customers_with_facts(&self) -> Result<u64, StoreError> {
        use redb::ReadableTableMetadata;
        guarded(|| match missing(self.facts_txn().open_table(CUSTOMERS))? {
            Some(table) => Ok(table.len()?),
            None => Ok(0),
        })
    }

    /// Calls `f` with every task due in `[from, to)`, in (due_at, id) order.
    pub fn for_each_task_fact(
        &self,
        from: i64,
        to: i64,
        mut f: impl FnMut(TaskFact),
    ) -> Result<(), StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(TASKS)?;
            for entry in table.range((from, "")..(to, ""))? {
                let (key, value) = entry?;
                let (due_at, id) = key.value();
                let row: TaskRow = decode(("task", "回访任务"), value.value())?;
                f(TaskFact {
                    due_at,
                    id: id.to_owned(),
                    kind: row.kind,
                    flags: row.flags,
                    owner: row.owner,
                    caller: row.caller,
                    outcomes: row.outcomes,
                });
            }
            Ok(())
        })
    }

    /// The number of unscheduled attempts dated in `[from, to)`.
    pub fn count_unscheduled(&self, from: i64, to: i64) -> Result<u64, StoreError> {
        self.count_at(UNSCHEDULED, from, to)
    }

    /// The number of episodes lost on a date in `[from, to]`.
    pub fn count_lost(&self, from: i32, to: i32) -> Result<u64, StoreError> {
        self.count_on(LOST, from, to)
    }

    /// Episodes lost and not returned at the end of the month `month` (an index): the sum of
    /// `fact_stock` up to it.
    pub fn lost_stock_through(&self, month: i32) -> Result<u64, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(STOCK)?;
            let mut sum: i64 = 0;
            for entry in table.range(..=month)? {
                sum += entry?.1.value();
            }
            u64::try_from(sum).map_err(|_| {
                StoreError::Damaged(crate::say!(
                    "fact_stock sums to {sum} by {month}",
                    "fact_stock 到 {month} 的合计为 {sum}"
                ))
            })
        })
    }

    /// Calls `f` with every return dated in `[from, to]`, in date then customer order.
    pub fn for_each_return(
        &self,
        from: i32,
        to: i32,
        mut f: impl FnMut(ReturnFact),
    ) -> Result<(), StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(RETURNS)?;
            for entry in table.range((from, "")..(to.saturating_add(1), ""))? {
                f(decode(("return", "回店"), entry?.1.value())?);
            }
            Ok(())
        })
    }

    /// Calls `f` with every recovery-revenue order opened in `[from, to]`.
    pub fn for_each_revenue(
        &self,
        from: i32,
        to: i32,
        mut f: impl FnMut(RevenueFact),
    ) -> Result<(), StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(REVENUE)?;
            for entry in table.range((from, "")..(to.saturating_add(1), ""))? {
                f(decode(("revenue", "维修产值"), entry?.1.value())?);
            }
            Ok(())
        })
    }

    /// Calls `f(customer id)` for every `churn_recovery` attempt dated in `[from, to]`.
    pub fn for_each_recovery_call(
        &self,
        from: i32,
        to: i32,
        f: impl FnMut(&str),
    ) -> Result<(), StoreError> {
        self.for_each_text_on(CALLS, from, to, f)
    }

    /// Calls `f` with every survey line dated in `[from, to]` (`fact_survey_lines`), by date
    /// then id, holding one at a time: a December statement reads the year's surveys (2.2 M
    /// at 2 000 000 customers), and keeps less of each than a `SurveyFact`.
    pub fn for_each_survey_fact(
        &self,
        from: i32,
        to: i32,
        mut f: impl FnMut(SurveyFact) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let table = guarded(|| Ok(self.facts_txn().open_table(SURVEYS)?))?;
        let mut range = guarded(|| Ok(table.range((from, "")..(to.saturating_add(1), ""))?))?;
        while let Some(fact) = guarded(|| match range.next() {
            Some(entry) => Ok(Some(decode(("survey", "满意度调查"), entry?.1.value())?)),
            None => Ok(None),
        })? {
            f(fact)?;
        }
        Ok(())
    }

    /// Every survey dated in `[from, to]` with its answers, as the visits report reads
    /// them: one range scan of `fact_surveys`, by date then id.
    pub fn survey_answers_facts(
        &self,
        from: i32,
        to: i32,
    ) -> Result<Vec<SurveyAnswersFact>, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(ANSWERED)?;
            let mut out = Vec::new();
            for entry in table.range((from, "")..(to.saturating_add(1), ""))? {
                let (key, value) = entry?;
                let (day, id) = key.value();
                let row: SurveyRow =
                    decode(("answered survey", "已作答满意度调查"), value.value())?;
                out.push(SurveyAnswersFact {
                    day,
                    survey_id: id.to_owned(),
                    at: row.at,
                    department: row.department,
                    overall: row.overall,
                    issues: row.issues,
                    comment: row.comment,
                    answers: row.answers,
                });
            }
            Ok(out)
        })
    }

    /// Every care task belonging to a date in `[from, to]`.
    pub fn care_task_facts(&self, from: i32, to: i32) -> Result<Vec<CareTaskFact>, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(CARE_TASKS)?;
            let mut out = Vec::new();
            for entry in table.range((from, "")..(to.saturating_add(1), ""))? {
                let (key, value) = entry?;
                let (day, id) = key.value();
                let [kind, flags, tier] = value.value();
                out.push(CareTaskFact {
                    day,
                    id: id.to_owned(),
                    kind,
                    flags,
                    tier,
                });
            }
            Ok(out)
        })
    }

    /// The tier_care tasks of a tier (`Tier::ALL` index) in the period starting on `first`:
    /// the sum of `fact_care_cover` up to it.
    pub fn care_cover_at(&self, tier: u8, first: i32) -> Result<u64, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(CARE_COVER)?;
            let mut sum: i64 = 0;
            for entry in table.range((tier, i32::MIN)..=(tier, first))? {
                sum += entry?.1.value();
            }
            u64::try_from(sum).map_err(|_| {
                StoreError::Damaged(crate::say!(
                    "fact_care_cover sums to {sum} for tier {tier}",
                    "fact_care_cover 中客户等级 {tier} 的合计为 {sum}"
                ))
            })
        })
    }

    /// The customers of each tier (`Tier::ALL` order) in a month: the sums of
    /// `fact_tier_counts` up to it. Customers created after the month's evaluation date are
    /// in none.
    pub fn tier_counts_at(&self, month: i32) -> Result<[u64; 3], StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(TIER_COUNTS)?;
            let mut counts = [0u64; 3];
            for (tier, count) in (0u8..).zip(&mut counts) {
                let mut sum: i64 = 0;
                for entry in table.range((tier, i32::MIN)..=(tier, month))? {
                    sum += entry?.1.value();
                }
                *count = u64::try_from(sum).map_err(|_| {
                    StoreError::Damaged(crate::say!(
                        "fact_tier_counts sums to {sum} for tier {tier}",
                        "fact_tier_counts 中客户等级 {tier} 的合计为 {sum}"
                    ))
                })?;
            }
            Ok(counts)
        })
    }

    /// A customer's tier in a month: their latest change up to it; `None` when they did not
    /// exist by the month's evaluation date (or are not in the store).
    pub fn tier_at(&self, customer_id: &str, month: i32) -> Result<Option<TierChange>, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(TIERS)?;
            let last = table
                .range((customer_id, i32::MIN)..=(customer_id, month))?
                .next_back()
                .transpose()?;
            Ok(last.map(|(k, v)| TierChange::of(k.value().1, v.value())))
        })
    }

    /// Calls `f(customer id, tier)` for every customer who exists in a month, with their tier
    /// then, in customer id order: a pass over every customer's tier changes.
    pub fn for_each_tier_in(
        &self,
        month: i32,
        mut f: impl FnMut(&str, TierChange) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(TIERS)?;
            let mut held: Option<(String, TierChange)> = None;
            for entry in table.iter()? {
                let (k, v) = entry?;
                let (id, m) = k.value();
                if held.as_ref().is_some_and(|(h, _)| h != id) {
                    let (h, change) = held.take().expect("held");
                    f(&h, change)?;
                }
                if m <= month {
                    let change = TierChange::of(m, v.value());
                    match &mut held {
                        Some((_, c)) => *c = change,
                        None => held = Some((id.to_owned(), change)),
                    }
                }
            }
            if let Some((h, change)) = held {
                f(&h, change)?;
            }
            Ok(())
        })
    }

    /// Every entry of `fact_tier_counts`.
    pub fn tier_counts_table(&self) -> Result<BTreeMap<(u8, i32), i64>, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(TIER_COUNTS)?;
            let mut out = BTreeMap::new();
            for entry in table.iter()? {
                let (k, v) = entry?;
                out.insert(k.value(), v.value());
            }
            Ok(out)
        })
    }

    /// The number of rows of `fact_tiers`.
    pub fn tier_rows(&self) -> Result<u64, StoreError> {
        use redb::ReadableTableMetadata;
        guarded(|| Ok(self.facts_txn().open_table(TIERS)?.len()?))
    }

    /// The customers with a lost episode open at the end of `day` (begun on or before it,
    /// not returned by it), in customer id order, with the day it began: a pass over the
    /// episodes begun and ended by then, not over the records.
    pub fn lost_on(&self, day: i32) -> Result<Vec<(String, i32)>, StoreError> {
        guarded(|| {
            let mut open: BTreeMap<(String, i32), ()> = BTreeMap::new();
            let lost = self.facts_txn().open_table(LOST)?;
            for entry in lost.range(..(day.saturating_add(1), ""))? {
                let (key, _) = entry?;
                let (lost_on, customer) = key.value();
                open.insert((customer.to_owned(), lost_on), ());
            }
            let returns = self.facts_txn().open_table(RETURNS)?;
            for entry in returns.range(..(day.saturating_add(1), ""))? {
                let (key, value) = entry?;
                let r: ReturnFact = decode(("return", "回店"), value.value())?;
                open.remove(&(key.value().1.to_owned(), r.lost_on));
            }
            Ok(open.into_keys().collect())
        })
    }

    /// The revenue (fen) of the service orders opened in the months `[from, to]` (month
    /// indexes): a sum over at most the months asked for, which may be beyond a figure's
    /// `i64` (the caller says so).
    pub fn service_revenue_in(&self, from: i32, to: i32) -> Result<i128, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(SERVICE)?;
            let mut sum: i128 = 0;
            for entry in table.range(from..=to)? {
                sum += entry?.1.value();
            }
            Ok(sum)
        })
    }

    /// Every entry of `fact_service_revenue`, by month index: the first is the month of
    /// the earliest service order.
    pub fn service_table(&self) -> Result<BTreeMap<i32, i128>, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(SERVICE)?;
            let mut out = BTreeMap::new();
            for entry in table.iter()? {
                let (k, v) = entry?;
                out.insert(k.value(), v.value());
            }
            Ok(out)
        })
    }

    /// The number of care attempts credited to no task, dated in `[from, to)`.
    pub fn count_care_unscheduled(&self, from: i64, to: i64) -> Result<u64, StoreError> {
        self.count_at(CARE_UNSCHEDULED, from, to)
    }

    /// Calls `f(reason)` for every episode whose reason is dated in `[from, to]`.
    pub fn for_each_reason(
        &self,
        from: i32,
        to: i32,
        f: impl FnMut(&str),
    ) -> Result<(), StoreError> {
        self.for_each_text_on(REASONS, from, to, f)
    }

    /// The rows of a table keyed by `(time, id)` with a time in `[from, to)`.
    fn count_at(
        &self,
        def: TableDefinition<(i64, &'static str), ()>,
        from: i64,
        to: i64,
    ) -> Result<u64, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(def)?;
            let mut n = 0;
            for entry in table.range((from, "")..(to, ""))? {
                entry?;
                n += 1;
            }
            Ok(n)
        })
    }

    /// The rows of a table keyed by `(date, id)` with a date in `[from, to]`.
    fn count_on(
        &self,
        def: TableDefinition<(i32, &'static str), ()>,
        from: i32,
        to: i32,
    ) -> Result<u64, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(def)?;
            let mut n = 0;
            for entry in table.range((from, "")..(to.saturating_add(1), ""))? {
                entry?;
                n += 1;
            }
            Ok(n)
        })
    }

    /// Calls `f` with the text of every row of a table keyed by `(date, id)` with a date in
    /// `[from, to]`.
    fn for_each_text_on(
        &self,
        def: TableDefinition<(i32, &'static str), &'static str>,
        from: i32,
        to: i32,
        mut f: impl FnMut(&str),
    ) -> Result<(), StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(def)?;
            for entry in table.range((from, "")..(to.saturating_add(1), ""))? {
                f(entry?.1.value());
            }
            Ok(())
        })
    }

    /// The number of episodes declared lost on a date in `[from, to]`.
    pub fn count_declared(&self, from: i32, to: i32) -> Result<u64, StoreError> {
        self.count_on(DECLARED, from, to)
    }

    /// Every entry of `fact_care_cover`, by (tier, date).
    pub fn care_cover_table(&self) -> Result<BTreeMap<(u8, i32), i64>, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(CARE_COVER)?;
            let mut out = BTreeMap::new();
            for entry in table.iter()? {
                let (k, v) = entry?;
                out.insert(k.value(), v.value());
            }
            Ok(out)
        })
    }

    /// Calls `f` with every log entry of sequence number in `[from, to)`, the record of the
    /// version before it (`None` when the entry is its record's first version, or follows a
    /// void), and whether it is its record's first version: what an import changed, for
    /// deciding whom to derive again.
    pub fn for_each_log_entry(
        &self,
        from: u64,
        to: u64,
        mut f: impl FnMut(&LogEntry, Option<&Record>, bool),
    ) -> Result<(), StoreError> {
        let scan = super::log::Log::open(self.txn())?;
        let mut earlier = super::log::Log::open(self.txn())?;
        // The versions before are read a batch at a time in the log's order, so that each
        // segment holding some of them is decompressed once per batch, not once per version
        // (an import amending records all over the log); `f` still sees the log's order.
        let mut batch: Vec<(u64, LogEntry)> = Vec::new();
        let mut hand_over = |batch: &mut Vec<(u64, LogEntry)>,
                             earlier: &mut super::log::Log,
                             history: &redb::ReadOnlyTable<(u8, &'static str, u64), ()>|
         -> Result<(), StoreError> {
            // The version before each one is not current (this one or a later one is, or the
            // record is void), so `history` files it. Looked up on every thread: one range
            // read per entry, about 100 000 for a monthly increment at 100 000 customers.
            let befores: Vec<Option<u64>> = batch
                .par_iter()
                .map(|(seq, entry)| {
                    let code = entry.kind.code();
                    Ok(history
                        .range((code, entry.key.as_str(), 0)..(code, entry.key.as_str(), *seq))?
                        .next_back()
                        .transpose()?
                        .map(|(k, _)| k.value().2))
                })
                .collect::<Result<_, StoreError>>()?;
            let mut wanted: Vec<(u64, usize)> = befores
                .iter()
                .enumerate()
                .filter_map(|(i, before)| before.map(|prev| (prev, i)))
                .collect();
            wanted.sort_unstable();
            let mut previous: Vec<Option<Record>> = vec![None; batch.len()];
            for (prev, i) in wanted {
                previous[i] = earlier
                    .get(prev)?
                    .ok_or_else(|| {
                        StoreError::Damaged(crate::say!(
                            "log entry {prev} is missing",
                            "日志条目 {prev} 缺失"
                        ))
                    })?
                    .record;
            }
            for (((_, entry), before), previous) in batch.drain(..).zip(befores).zip(previous) {
                f(&entry, previous.as_ref(), before.is_none());
            }
            Ok(())
        };
        guarded(|| {
            let history = self.txn().open_table(HISTORY)?;
            scan.scan(from, to, &mut |seq, entry| {
                batch.push((seq, entry?));
                if batch.len() == LOG_BATCH {
                    hand_over(&mut batch, &mut earlier, &history)?;
                }
                Ok(())
            })?;
            hand_over(&mut batch, &mut earlier, &history)
        })
    }

    /// The earliest time a current record of a kind is dated by, `None` when there is none.
    pub fn earliest_time(&self, kind: Kind) -> Result<Option<Timestamp>, StoreError> {
        guarded(|| {
            let by_time = self.txn().open_table(BY_TIME)?;
            let first = by_time
                .range((kind.code(), i64::MIN, "")..(kind.code() + 1, i64::MIN, ""))?
                .next()
                .transpose()?;
            Ok(first.map(|(k, _)| Timestamp(k.value().1)))
        })
    }

    /// Every entry of `fact_stock`, by month index.
    pub fn stock_table(&self) -> Result<BTreeMap<i32, i64>, StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(STOCK)?;
            let mut out = BTreeMap::new();
            for entry in table.iter()? {
                let (k, v) = entry?;
                out.insert(k.value(), v.value());
            }
            Ok(out)
        })
    }

    /// The number of rows of each month table, in the order of [`MONTH_TABLES`].
    pub fn month_table_rows(&self) -> Result<[u64; 12], StoreError> {
        use redb::ReadableTableMetadata;
        guarded(|| {
            let t = self.facts_txn();
            Ok([
                t.open_table(TASKS)?.len()?,
                t.open_table(UNSCHEDULED)?.len()?,
                t.open_table(LOST)?.len()?,
                t.open_table(RETURNS)?.len()?,
                t.open_table(REVENUE)?.len()?,
                t.open_table(CALLS)?.len()?,
                t.open_table(SURVEYS)?.len()?,
                t.open_table(CARE_TASKS)?.len()?,
                t.open_table(CARE_UNSCHEDULED)?.len()?,
                t.open_table(REASONS)?.len()?,
                t.open_table(DECLARED)?.len()?,
                t.open_table(ANSWERED)?.len()?,
            ])
        })
    }

    /// A `fact_workflow` series at the end of a month (an index): the latest entry up to it.
    pub fn workflow_stock(&self, series: u8, month: i32) -> Result<u64, StoreError> {
        guarded(|| {
            let Some(table) = missing(self.facts_txn().open_table(WORKFLOW))? else {
                return Ok(0);
            };
            let value = table
                .range((series, i32::MIN)..=(series, month))?
                .next_back()
                .transpose()?
                .map_or(0, |(_, v)| v.value());
            u64::try_from(value).map_err(|_| {
                StoreError::Damaged(crate::say!(
                    "fact_workflow holds {value} for series {series}",
                    "fact_workflow 中序列 {series} 的值为 {value}"
                ))
            })
        })
    }

    /// The ids of the actions due on a date in `[from, to]`.
    pub fn actions_due(&self, from: i32, to: i32) -> Result<Vec<String>, StoreError> {
        guarded(|| {
            let Some(table) = missing(self.facts_txn().open_table(ACTIONS_DUE))? else {
                return Ok(Vec::new());
            };
            let mut out = Vec::new();
            for entry in table.range((from, "")..(to.saturating_add(1), ""))? {
                out.push(entry?.0.value().1.to_owned());
            }
            Ok(out)
        })
    }

    /// Every entry of the workflow facts, for comparing them with a fresh derivation.
    pub fn workflow_facts(&self) -> Result<WorkflowFacts, StoreError> {
        guarded(|| {
            let mut out = WorkflowFacts::default();
            if let Some(table) = missing(self.facts_txn().open_table(WORKFLOW))? {
                for entry in table.iter()? {
                    let (k, v) = entry?;
                    let (series, month) = k.value();
                    out.stocks.push((series, month, v.value()));
                }
            }
            if let Some(table) = missing(self.facts_txn().open_table(ACTIONS_DUE))? {
                for entry in table.iter()? {
                    let (key, _) = entry?;
                    let (day, id) = key.value();
                    out.actions_due.push((day, id.to_owned()));
                }
            }
            Ok(out)
        })
    }

    /// The customers the facts file under a family.
    pub fn family_members(&self, family_id: &str) -> Result<Vec<String>, StoreError> {
        guarded(|| {
            let Some(table) = missing(self.facts_txn().open_table(FAMILY))? else {
                return Ok(Vec::new());
            };
            let mut out = Vec::new();
            for entry in table.range((family_id, "")..=(family_id, "\u{10FFFF}"))? {
                let (k, _) = entry?;
                let (family, customer) = k.value();
                if family == family_id {
                    out.push(customer.to_owned());
                }
            }
            Ok(out)
        })
    }
}

/// Facts derived from scratch, in a temporary store that lives as long as the reader that
/// reads them (fields drop in order: the transaction, the store, then the file).
pub struct ScratchFacts {
    txn: ReadTransaction,
    _store: Store,
    _file: tempfile::TempPath,
}

/// A temporary store for facts derived from scratch: write them with
/// [`Store::begin_facts`] through `store`, then [`Reader::attach_facts`].
pub struct ScratchStore {
    pub store: Store,
    file: tempfile::TempPath,
}

impl Store {
    /// A new store in a temporary file (readable by its owner only; deleted with the reader
    /// it is attached to) holding no record, its log position `through` (the snapshot's
    /// whose facts it will hold), and a small cache: memory stays that of a chunk.
    pub fn temporary_facts(through: u64) -> Result<ScratchStore, StoreError> {
        let file = tempfile::NamedTempFile::new()
            .map_err(|e| super::io_error(super::FileAction::Create, &std::env::temp_dir(), &e))?
            .into_temp_path();
        let db = guarded(|| {
            redb::Builder::new()
                .set_cache_size(64 << 20)
                .create(&file)
                .map_err(|e| {
                    StoreError::Damaged(crate::say!(
                        "cannot create a temporary store: {e}",
                        "无法创建临时数据库：{e}"
                    ))
                })
        })?;
        guarded(|| {
            let txn = db.begin_write()?;
            txn.open_table(META)?.insert(META_NEXT_SEQ, through)?;
            txn.commit()?;
            Ok(())
        })?;
        Ok(ScratchStore {
            store: Store {
                db,
                folder: std::env::temp_dir(),
                fold_min: super::layers::FOLD_MIN,
            },
            file,
        })
    }

    /// Where a rebuild sets its runs aside: beside the store, on its own disk; in the system's
    /// temporary folder when no file can be made there (a store writable in a folder that is
    /// not); or nowhere, when neither can take one: the rows then go straight in.
    fn run_folder(&self) -> Option<PathBuf> {
        [self.folder.clone(), std::env::temp_dir()]
            .into_iter()
            .find(|folder| tempfile::tempfile_in(folder).is_ok())
    }

    /// Writes derived facts in one transaction, with the fingerprint and log position they
    /// follow. Refused with [`StoreError::Stale`] when the log has moved past `update.through`.
    pub fn write_facts(&self, update: &FactsUpdate) -> Result<(), StoreError> {
        let mut writer = self.begin_facts(update)?;
        writer.write(&update.customers)?;
        writer.commit()
    }

    /// Opens the one transaction that writes derived facts: the header's (a rebuild empties
    /// every facts table first; the complaints' and actions' facts, when given, replace the
    /// old ones), then [`FactsWriter::write`] chunk by chunk, then [`FactsWriter::commit`].
    /// Only the customers of `update.customers` are written here. Refused with
    /// [`StoreError::Stale`] when the log has moved past `update.through`.
    pub fn begin_facts(&self, update: &FactsUpdate) -> Result<FactsWriter, StoreError> {
        guarded(|| {
            let txn = self.db.begin_write()?;
            let next_seq = {
                let meta = txn.open_table(META)?;
                meta.get(META_NEXT_SEQ)?.map_or(1, |v| v.value())
            };
            if next_seq != update.through {
                return Err(StoreError::Stale);
            }
            if update.rebuild {
                // Every facts table goes, of this layout or an older one (a table of another
                // key or value type, or one a later layout dropped).
                // (redb deletes a table by its name, whatever its types.)
                let stale: Vec<_> = txn
                    .list_tables()?
                    .filter(|t| redb::TableHandle::name(t).starts_with("fact_"))
                    .collect();
                for table in stale {
                    txn.delete_table(table)?;
                }
            }
            if let Some(workflow) = &update.workflow {
                delete(&txn, WORKFLOW)?;
                delete(&txn, ACTIONS_DUE)?;
                let mut stocks = txn.open_table(WORKFLOW)?;
                for (series, month, value) in &workflow.stocks {
                    stocks.insert((*series, *month), *value)?;
                }
                let mut due = txn.open_table(ACTIONS_DUE)?;
                for (day, id) in &workflow.actions_due {
                    due.insert((*day, id.as_str()), ())?;
                }
            }
            {
                let mut meta = txn.open_table(FACT_META)?;
                meta.insert(META_FINGERPRINT, update.fingerprint.as_bytes())?;
                meta.insert(META_THROUGH, update.through.to_le_bytes().as_slice())?;
            }
            // Every facts table exists from here on, even when no customer is written.
            let kept = Generations {
                now: update.generation,
                // A fold deletes the whole table at its commit: nothing to remove from it
                // customer by customer before (six removals for each customer written).
                cleared: match update.fold {
                    true => Vec::new(),
                    false => generations(&txn.open_table(ADDITIONS)?)?,
                },
            };
            write_customers(&txn, &[], update.month_of, &kept, None)?;
            Ok(FactsWriter {
                txn,
                generations: kept,
                fold: update.fold,
                month_of: update.month_of,
                // A rebuild writes into emptied tables: its rows can wait and go in in key
                // order.
                aside: match update.rebuild {
                    true => self
                        .run_folder()
                        .map(|folder| FactRuns::new(&folder, update.rows_held)),
                    false => None,
                },
            })
        })
    }
}

/// The open transaction of [`Store::begin_facts`]: nothing is visible until `commit`.
pub struct FactsWriter {
    txn: WriteTransaction,
    generations: Generations,
    /// `fact_record_additions` goes at the commit ([`FactsUpdate::fold`]).
    fold: bool,
    month_of: fn(i32) -> i32,
    /// A rebuild's rows of the dated tables, set aside until the commit (`None` for an
    /// update).
    aside: Option<FactRuns>,
}

impl FactsWriter {
    /// Writes some customers' new facts (`None`: they have none any more), replacing what is
    /// kept of them. Chunks may be written one after another when no record moves between
    /// customers of different chunks (a rebuild, whose tables start empty, or one chunk).
    pub fn write(&mut self, customers: &[DerivedCustomer]) -> Result<(), StoreError> {
        guarded(|| {
            write_customers(
                &self.txn,
                customers,
                self.month_of,
                &self.generations,
                self.aside.as_mut(),
            )
        })
    }

    /// Writes some customers' records whole ([`CustomerRecords::encode`]), their facts
    /// unchanged: a fold's customers with additions that the update does not derive.
    pub fn write_records(&mut self, records: &[(String, Vec<u8>)]) -> Result<(), StoreError> {
        guarded(|| {
            let mut table = self.txn.open_table(RECORDS)?;
            for (id, frame) in records {
                table.insert(id.as_str(), frame.as_slice())?;
            }
            Ok(())
        })
    }

    /// Writes the rows set aside, in key order, and makes every fact written visible.
    pub fn commit(self) -> Result<(), StoreError> {
        guarded(|| {
            if let Some(aside) = self.aside {
                aside.write_into(&mut DatedTables::open(&self.txn)?)?;
            }
            if self.fold {
                delete(&self.txn, ADDITIONS)?;
            }
            Ok(self.txn.commit()?)
        })
    }
}

fn delete<K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &WriteTransaction,
    def: TableDefinition<K, V>,
) -> Result<(), StoreError> {
    txn.delete_table(def)?;
    Ok(())
}

/// The facts tables keyed by a date (or a time) and an id, most of the facts' rows: those a
/// rebuild sets aside to write in key order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Dated {
    Tasks,
    Unscheduled,
    Lost,
    Returns,
    Revenue,
    Calls,
    Surveys,
    Answered,
    CareTasks,
    CareUnscheduled,
    Reasons,
    Declared,
}

impl Dated {
    const ALL: [Dated; 12] = [
        Dated::Tasks,
        Dated::Unscheduled,
        Dated::Lost,
        Dated::Returns,
        Dated::Revenue,
        Dated::Calls,
        Dated::Surveys,
        Dated::Answered,
        Dated::CareTasks,
        Dated::CareUnscheduled,
        Dated::Reasons,
        Dated::Declared,
    ];

    /// The table a run names by `table as u8` (whatever the order of `ALL`).
    fn of_code(code: u8) -> Option<Dated> {
        Dated::ALL.into_iter().find(|table| *table as u8 == code)
    }
}

/// The dated tables, open in one write transaction.
struct DatedTables<'t> {
    tasks: redb::Table<'t, (i64, &'static str), &'static [u8]>,
    unscheduled: redb::Table<'t, (i64, &'static str), ()>,
    lost: redb::Table<'t, (i32, &'static str), ()>,
    returns: redb::Table<'t, (i32, &'static str), &'static [u8]>,
    revenue: redb::Table<'t, (i32, &'static str), &'static [u8]>,
    calls: redb::Table<'t, (i32, &'static str), &'static str>,
    surveys: redb::Table<'t, (i32, &'static str), &'static [u8]>,
    answered: redb::Table<'t, (i32, &'static str), &'static [u8]>,
    care_tasks: redb::Table<'t, (i32, &'static str), [u8; 3]>,
    care_unscheduled: redb::Table<'t, (i64, &'static str), ()>,
    reasons: redb::Table<'t, (i32, &'static str), &'static str>,
    declared: redb::Table<'t, (i32, &'static str), ()>,
}

impl<'t> DatedTables<'t> {
    fn open(txn: &'t WriteTransaction) -> Result<DatedTables<'t>, StoreError> {
        Ok(DatedTables {
            tasks: txn.open_table(TASKS)?,
            unscheduled: txn.open_table(UNSCHEDULED)?,
            lost: txn.open_table(LOST)?,
            returns: txn.open_table(RETURNS)?,
            revenue: txn.open_table(REVENUE)?,
            calls: txn.open_table(CALLS)?,
            surveys: txn.open_table(SURVEYS)?,
            answered: txn.open_table(ANSWERED)?,
            care_tasks: txn.open_table(CARE_TASKS)?,
            care_unscheduled: txn.open_table(CARE_UNSCHEDULED)?,
            reasons: txn.open_table(REASONS)?,
            declared: txn.open_table(DECLARED)?,
        })
    }

    /// Inserts one row, given as the date (or time) of its key, the id, and the value's
    /// bytes (a unit value has none).
    fn insert(&mut self, table: Dated, at: i64, id: &str, value: &[u8]) -> Result<(), StoreError> {
        let day = || {
            i32::try_from(at).map_err(|_| {
                StoreError::Damaged(crate::say!(
                    "a {table:?} fact dated {at}",
                    "一条日期为 {at} 的 {table:?} 派生数据"
                ))
            })
        };
        let text = || {
            std::str::from_utf8(value).map_err(|_| {
                StoreError::Damaged(crate::say!(
                    "a {table:?} fact's text",
                    "一条 {table:?} 派生数据的文本"
                ))
            })
        };
        match table {
            Dated::Tasks => drop(self.tasks.insert((at, id), value)?),
            Dated::Unscheduled => drop(self.unscheduled.insert((at, id), ())?),
            Dated::Lost => drop(self.lost.insert((day()?, id), ())?),
            Dated::Returns => drop(self.returns.insert((day()?, id), value)?),
            Dated::Revenue => drop(self.revenue.insert((day()?, id), value)?),
            Dated::Calls => drop(self.calls.insert((day()?, id), text()?)?),
            Dated::Surveys => drop(self.surveys.insert((day()?, id), value)?),
            Dated::Answered => drop(self.answered.insert((day()?, id), value)?),
            Dated::CareTasks => {
                let value: [u8; 3] = value.try_into().map_err(|_| {
                    StoreError::Damaged(crate::say!(
                        "a care task fact's value",
                        "一条关怀任务派生数据的值"
                    ))
                })?;
                drop(self.care_tasks.insert((day()?, id), value)?);
            }
            Dated::CareUnscheduled => drop(self.care_unscheduled.insert((at, id), ())?),
            Dated::Reasons => drop(self.reasons.insert((day()?, id), text()?)?),
            Dated::Declared => drop(self.declared.insert((day()?, id), ())?),
        }
        Ok(())
    }
}

/// A row of a dated table set aside: (table, date or time, id, value), in key order.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct FactRow(Dated, i64, String, Vec<u8>);

impl RunEntry for FactRow {
    fn read(from: &mut impl Read) -> std::io::Result<Option<FactRow>> {
        let Some(code) = get_first_byte(from)? else {
            return Ok(None);
        };
        let table = Dated::of_code(code).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                crate::say!("no facts table", "没有这个派生数据表"),
            )
        })?;
        let mut at = [0u8; 8];
        from.read_exact(&mut at)?;
        let id = get_str(from)?;
        Ok(Some(FactRow(
            table,
            i64::from_le_bytes(at),
            id,
            get_bytes(from)?,
        )))
    }
}

/// A rebuild's rows of the dated tables: held, then set aside in sorted runs, and written
/// into the tables in one pass in key order at the commit — each page once, and full, where
/// writing each chunk of customers as it comes touched every page of the date-keyed tables
/// once per chunk and left them half empty (at 500 000 customers, 1.0 GiB of free space in
/// `fact_care_tasks`, `fact_surveys`, `fact_tasks` and `fact_survey_lines`).
struct FactRuns {
    folder: PathBuf,
    rows: Vec<FactRow>,
    held: usize,
    held_max: usize,
    runs: Vec<File>,
}

impl FactRuns {
    fn new(folder: &Path, held_max: usize) -> FactRuns {
        FactRuns {
            folder: folder.to_owned(),
            rows: Vec::new(),
            held: 0,
            held_max,
            runs: Vec::new(),
        }
    }

    fn push(&mut self, table: Dated, at: i64, id: &str, value: &[u8]) -> Result<(), StoreError> {
        self.held += id.len() + value.len() + std::mem::size_of::<FactRow>();
        self.rows
            .push(FactRow(table, at, id.to_owned(), value.to_vec()));
        if self.held >= self.held_max {
            self.set_aside()?;
        }
        Ok(())
    }

    /// Sorts the rows held into a new run.
    fn set_aside(&mut self) -> Result<(), StoreError> {
        self.rows.sort_unstable();
        let run = write_run(&self.folder, self.rows.iter(), |out, row| {
            out.push(row.0 as u8);
            out.extend_from_slice(&row.1.to_le_bytes());
            put_str(out, &row.2);
            put_bytes(out, &row.3);
        })
        .map_err(|e| super::io_error(super::FileAction::Write, &self.folder, &e))?;
        self.runs.extend(run);
        self.rows.clear();
        self.held = 0;
        Ok(())
    }

    /// Writes every row, in key order.
    fn write_into(mut self, tables: &mut DatedTables) -> Result<(), StoreError> {
        if self.runs.is_empty() {
            self.rows.sort_unstable();
            for FactRow(table, at, id, value) in &self.rows {
                tables.insert(*table, *at, id, value)?;
            }
            return Ok(());
        }
        self.set_aside()?;
        let mut failed = None;
        merge_runs(
            std::mem::take(&mut self.runs),
            |FactRow(table, at, id, value)| {
                tables.insert(table, at, &id, &value).map_err(|e| {
                    failed = Some(e);
                    redb::StorageError::Corrupted("a facts row was refused".into())
                })
            },
        )
        .map_err(|e| match failed.take() {
            Some(refused) => refused,
            None => e.into_store(|e| super::io_error(super::FileAction::Read, &self.folder, &e)),
        })
    }
}

/// Writes some customers' facts in place of their old ones. With `aside`, the rows of the
/// dated tables wait there (a rebuild, whose tables were emptied: nothing is removed).
fn write_customers(
    txn: &WriteTransaction,
    derived: &[DerivedCustomer],
    month_of: fn(i32) -> i32,
    generations: &Generations,
    mut aside: Option<&mut FactRuns>,
) -> Result<(), StoreError> {
    let mut customers = txn.open_table(CUSTOMERS)?;
    let mut records = txn.open_table(RECORDS)?;
    let mut added = txn.open_table(ADDITIONS)?;
    let mut dated = DatedTables::open(txn)?;
    let mut stock = txn.open_table(STOCK)?;
    let mut family = txn.open_table(FAMILY)?;
    let mut care_cover = txn.open_table(CARE_COVER)?;
    let mut tiers = txn.open_table(TIERS)?;
    let mut tier_counts = txn.open_table(TIER_COUNTS)?;
    let mut tier_delta: BTreeMap<(u8, i32), i64> = BTreeMap::new();
    let mut service = txn.open_table(SERVICE)?;
    let mut service_delta: BTreeMap<i32, i128> = BTreeMap::new();
    let mut stock_delta: BTreeMap<i32, i64> = BTreeMap::new();
    let mut cover_delta: BTreeMap<(u8, i32), i64> = BTreeMap::new();
    let mut cover = |c: &CoverFact, sign: i64| {
        *cover_delta.entry((c.tier, c.from)).or_default() += sign;
        if let Some(until) = c.until {
            *cover_delta.entry((c.tier, until)).or_default() -= sign;
        }
    };
    let empty = CustomerFacts::default();

    // The old facts are read here (one writer) and decoded, and the changed new ones
    // encoded, on every thread: on the writer, decompressing and compressing them took
    // about half of an increment's writing (profiled at 100 000 customers).
    let mut stored = Vec::with_capacity(derived.len());
    for d in derived {
        stored.push(customers.get(d.id.as_str())?.map(|v| v.value().to_vec()));
    }
    let olds: Vec<CustomerFacts> = stored
        .into_par_iter()
        .map(|old| {
            Ok(old
                .map(|v| decode_customer(&v))
                .transpose()?
                .unwrap_or_default())
        })
        .collect::<Result<_, StoreError>>()?;
    let encoded: Vec<Option<Vec<u8>>> = derived
        .par_iter()
        .zip(&olds)
        .map(|(d, old)| {
            let new = d.facts.as_ref().unwrap_or(&empty);
            (!new.is_empty() && new != old).then(|| encode_customer(new))
        })
        .collect();
    // Only what changed is written: the rows of the old facts that the new ones lack go, then
    // the new rows the old ones lack come. Every row goes before any comes: a record that
    // moved to another customer (a sale amended to another customer id) keeps its key.
    for (d, old) in derived.iter().zip(&olds) {
        let new = d.facts.as_ref().unwrap_or(&empty);
        let id = d.id.as_str();
        for t in gone(&old.tasks, &new.tasks) {
            dated.tasks.remove((t.due_at, t.id.as_str()))?;
        }
        for (at, attempt) in gone(&old.unscheduled, &new.unscheduled) {
            dated.unscheduled.remove((*at, attempt.as_str()))?;
        }
        for day in gone(&old.lost, &new.lost) {
            dated.lost.remove((*day, id))?;
            *stock_delta.entry(month_of(*day)).or_default() -= 1;
        }
        for r in gone(&old.returns, &new.returns) {
            dated.returns.remove((r.returned_on, id))?;
            *stock_delta.entry(month_of(r.returned_on)).or_default() += 1;
        }
        for r in gone(&old.revenue, &new.revenue) {
            dated.revenue.remove((r.opened_on, r.order_id.as_str()))?;
        }
        for (day, attempt) in gone(&old.calls, &new.calls) {
            dated.calls.remove((*day, attempt.as_str()))?;
        }
        for f in gone(&old.surveys, &new.surveys) {
            dated.surveys.remove((f.day, f.survey_id.as_str()))?;
        }
        for f in gone(&old.answered, &new.answered) {
            dated.answered.remove((f.day, f.survey_id.as_str()))?;
        }
        for t in gone(&old.care_tasks, &new.care_tasks) {
            dated.care_tasks.remove((t.day, t.id.as_str()))?;
        }
        for c in gone(&old.care_cover, &new.care_cover) {
            cover(c, -1);
        }
        for (at, attempt) in gone(&old.care_unscheduled, &new.care_unscheduled) {
            dated.care_unscheduled.remove((*at, attempt.as_str()))?;
        }
        for (day, _) in gone(&old.reasons, &new.reasons) {
            dated.reasons.remove((*day, id))?;
        }
        for day in gone(&old.declared, &new.declared) {
            dated.declared.remove((*day, id))?;
        }
        if old.tiers != new.tiers {
            for c in gone(&old.tiers, &new.tiers) {
                tiers.remove((id, c.month))?;
            }
            tier_count_deltas(&old.tiers, -1, &mut tier_delta);
        }
        for (month, fen) in &old.service {
            *service_delta.entry(*month).or_default() -= i128::from(*fen);
        }
        if old.family_id != new.family_id
            && let Some(f) = &old.family_id
        {
            family.remove((f.as_str(), id))?;
        }
    }
    let mut put = |table: Dated, day: i64, id: &str, value: &[u8]| match aside.as_deref_mut() {
        Some(aside) => aside.push(table, day, id, value),
        None => dated.insert(table, day, id, value),
    };
    for ((d, old), encoded) in derived.iter().zip(&olds).zip(encoded) {
        let new = d.facts.as_ref().unwrap_or(&empty);
        let id = d.id.as_str();
        for t in gone(&new.tasks, &old.tasks) {
            put(Dated::Tasks, t.due_at, &t.id, &encode(&t.row()))?;
        }
        for (at, attempt) in gone(&new.unscheduled, &old.unscheduled) {
            put(Dated::Unscheduled, *at, attempt, &[])?;
        }
        for day in gone(&new.lost, &old.lost) {
            put(Dated::Lost, (*day).into(), id, &[])?;
            *stock_delta.entry(month_of(*day)).or_default() += 1;
        }
        for r in gone(&new.returns, &old.returns) {
            put(Dated::Returns, r.returned_on.into(), id, &encode(r))?;
            *stock_delta.entry(month_of(r.returned_on)).or_default() -= 1;
        }
        for r in gone(&new.revenue, &old.revenue) {
            put(Dated::Revenue, r.opened_on.into(), &r.order_id, &encode(r))?;
        }
        for (day, attempt) in gone(&new.calls, &old.calls) {
            put(Dated::Calls, (*day).into(), attempt, id.as_bytes())?;
        }
        for f in gone(&new.surveys, &old.surveys) {
            put(Dated::Surveys, f.day.into(), &f.survey_id, &encode(f))?;
        }
        for f in gone(&new.answered, &old.answered) {
            put(
                Dated::Answered,
                f.day.into(),
                &f.survey_id,
                &encode(&f.row()),
            )?;
        }
        for t in gone(&new.care_tasks, &old.care_tasks) {
            put(
                Dated::CareTasks,
                t.day.into(),
                &t.id,
                &[t.kind, t.flags, t.tier],
            )?;
        }
        for c in gone(&new.care_cover, &old.care_cover) {
            cover(c, 1);
        }
        for (at, attempt) in gone(&new.care_unscheduled, &old.care_unscheduled) {
            put(Dated::CareUnscheduled, *at, attempt, &[])?;
        }
        for (day, reason) in gone(&new.reasons, &old.reasons) {
            put(Dated::Reasons, (*day).into(), id, reason.as_bytes())?;
        }
        for day in gone(&new.declared, &old.declared) {
            put(Dated::Declared, (*day).into(), id, &[])?;
        }
        if old.tiers != new.tiers {
            for c in gone(&new.tiers, &old.tiers) {
                tiers.insert((id, c.month), c.value())?;
            }
            tier_count_deltas(&new.tiers, 1, &mut tier_delta);
        }
        for (month, fen) in &new.service {
            *service_delta.entry(*month).or_default() += i128::from(*fen);
        }
        if old.family_id != new.family_id
            && let Some(f) = &new.family_id
        {
            family.insert((f.as_str(), id), ())?;
        }
        if new.is_empty() {
            if !old.is_empty() {
                customers.remove(id)?;
            }
        } else if let Some(value) = encoded {
            customers.insert(id, value.as_slice())?;
        }
        // Records written whole, or no longer kept, leave their additions behind.
        let whole = match (&d.records, &d.facts) {
            (Some(KeptUpdate::Added(raw)), _) => {
                added.insert((generations.now, id), raw.as_slice())?;
                false
            }
            (Some(KeptUpdate::Whole(frame)), _) => {
                records.insert(id, frame.as_slice())?;
                true
            }
            (None, None) => {
                records.remove(id)?;
                true
            }
            (None, Some(_)) => false,
        };
        if whole {
            for g in &generations.cleared {
                added.remove((*g, id))?;
            }
        }
    }
    add_month_deltas(&mut stock, stock_delta, "fact_stock")?;
    // Sums of i64 amounts: an i128 holds more of them than a store can.
    for (month, delta) in service_delta.into_iter().filter(|(_, d)| *d != 0) {
        let now = service.get(month)?.map_or(0, |v| v.value()) + delta;
        if now == 0 {
            service.remove(month)?;
        } else {
            service.insert(month, now)?;
        }
    }
    add_deltas(&mut care_cover, cover_delta)?;
    add_deltas(&mut tier_counts, tier_delta)?;
    Ok(())
}

/// The generations of `fact_record_additions` a facts update sees.
struct Generations {
    /// Its own ([`FactsUpdate::generation`]).
    now: u64,
    /// Those kept when it began, whose entries a customer written whole (or no longer kept)
    /// leaves: none when it folds, which deletes the table at its commit.
    cleared: Vec<u64>,
}

/// Adds `deltas` to a table of monthly figures, leaving out the months that become 0.
fn add_month_deltas(
    table: &mut redb::Table<i32, i64>,
    deltas: BTreeMap<i32, i64>,
    name: &str,
) -> Result<(), StoreError> {
    for (month, delta) in deltas.into_iter().filter(|(_, d)| *d != 0) {
        let now = table
            .get(month)?
            .map_or(0, |v| v.value())
            .checked_add(delta)
            .ok_or_else(|| {
                StoreError::Damaged(crate::say!(
                    "{name} overflows in month {month}",
                    "{name} 在月份 {month} 溢出"
                ))
            })?;
        if now == 0 {
            table.remove(month)?;
        } else {
            table.insert(month, now)?;
        }
    }
    Ok(())
}

/// Adds `deltas` to a table of running sums' steps, leaving out the steps that become 0.
fn add_deltas(
    table: &mut redb::Table<(u8, i32), i64>,
    deltas: BTreeMap<(u8, i32), i64>,
) -> Result<(), StoreError> {
    for (key, delta) in deltas.into_iter().filter(|(_, d)| *d != 0) {
        let now = table.get(key)?.map_or(0, |v| v.value()) + delta;
        if now == 0 {
            table.remove(key)?;
        } else {
            table.insert(key, now)?;
        }
    }
    Ok(())
}

/// The items of `from` that `to` lacks, in `from`'s order. Lists are one customer's, and an
/// increment mostly adds to their end: the start the two share is passed over one comparison
/// an item, and only the rest is looked for in `to` (the whole of it: a list may repeat an
/// item).
fn gone<'a, T: PartialEq>(from: &'a [T], to: &'a [T]) -> impl Iterator<Item = &'a T> {
    let shared = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    from[shared..].iter().filter(move |x| !to.contains(x))
}

// Reads of the work list (`kpi::worklist`): which customers can have a task open on a date.
impl Reader {
    /// Calls `f(lost_on, customer id)` for every lost episode begun on a date in
    /// `[from, to]`, returned since or not, in date then customer order.
    pub fn for_each_lost(
        &self,
        from: i32,
        to: i32,
        mut f: impl FnMut(i32, &str),
    ) -> Result<(), StoreError> {
        guarded(|| {
            let table = self.facts_txn().open_table(LOST)?;
            for entry in table.range((from, "")..(to.saturating_add(1), ""))? {
                let (key, _) = entry?;
                let (day, customer) = key.value();
                f(day, customer);
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `gone` against the definition it shortens (every item of `from` not in `to`), on
    /// lists that share a start, differ in the middle, repeat items, or are empty.
    #[test]
    fn gone_lists_what_the_other_list_lacks_in_order() {
        let naive = |from: &[u8], to: &[u8]| -> Vec<u8> {
            from.iter().copied().filter(|x| !to.contains(x)).collect()
        };
        let cases: [(&[u8], &[u8], &[u8]); 8] = [
            (&[], &[], &[]),
            (&[1, 2, 3], &[], &[1, 2, 3]),
            (&[], &[1, 2], &[]),
            (&[1, 2, 3], &[1, 2, 3, 4, 5], &[]),
            (&[1, 2, 3, 4, 5], &[1, 2, 3], &[4, 5]),
            (&[1, 2, 7, 4], &[1, 2, 3, 4], &[7]),
            // Past the shared start, an item may still be in it (a repeat): not gone.
            (&[1, 2, 1, 9], &[1, 2, 5], &[9]),
            (&[5, 1, 2], &[1, 2, 5], &[]),
        ];
        for (from, to, expected) in cases {
            let got: Vec<u8> = gone(from, to).copied().collect();
            assert_eq!(got, expected, "gone({from:?}, {to:?})");
            assert_eq!(got, naive(from, to));
        }
    }

    /// Appends versions of staff records as one import: `Some(role)` adds or amends, `None`
    /// voids.
    fn append_staff(store: &Store, versions: &[(&str, Option<Option<&str>>)]) {
        use crate::model::{Day, Staff};
        use crate::store::{EncodedRecord, ImportFile, KindCounts, NewImport, NewVersion, Op};
        let records: Vec<Option<Record>> = versions
            .iter()
            .map(|(id, role)| {
                role.map(|role| {
                    Record::Staff(Staff {
                        staff_id: (*id).into(),
                        name: "王强".into(),
                        department: "sales".into(),
                        role: role.map(str::to_owned),
                        active_from: Day::parse("2021-08-02").unwrap(),
                        active_to: None,
                    })
                })
            })
            .collect();
        let mut arena = Vec::new();
        let spans: Vec<_> = records
            .iter()
            .map(|r| {
                let start = arena.len();
                if let Some(r) = r {
                    crate::store::encode_record_into(r, &mut arena);
                }
                start..arena.len()
            })
            .collect();
        let basis = store.reader().unwrap().basis().unwrap();
        let written = versions.len() as u64;
        let import = NewImport {
            at: "2026-01-01 00:00:00".into(),
            amend: true,
            files: vec![ImportFile {
                path: "staff.csv".into(),
                kind: Kind::Staff,
                sha256: String::new(),
                rows: written,
            }],
            counts: vec![KindCounts {
                kind_code: Kind::Staff.code(),
                added: written,
                ..KindCounts::default()
            }],
        };
        let new = versions
            .iter()
            .zip(&records)
            .enumerate()
            .map(|(i, ((id, _), r))| NewVersion {
                kind: Kind::Staff,
                key: id,
                op: if r.is_some() { Op::Add } else { Op::Void },
                record: r
                    .as_ref()
                    .map(|_| EncodedRecord::from_bytes(&arena[spans[i].clone()])),
                new_key: false,
            });
        assert!(store.append(basis, import, new).unwrap().is_ok());
    }

    /// What an increment changed, read from the log with the version each entry
    /// supersedes: in batches of three here (`LOG_BATCH`), six entries, the versions they
    /// supersede read in the log's order, handed over in the entries' own order.
    #[test]
    fn an_increments_entries_come_with_the_versions_they_supersede() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_or_create(&dir.path().join("store.redb")).unwrap();
        // Each first version's role is its own id in lower case, so that a version handed
        // with the wrong entry shows.
        let ids = ["S0", "S1", "S2", "S3", "S4", "S5", "S6"];
        let roles: Vec<String> = ids.iter().map(|id| id.to_lowercase()).collect();
        let first: Vec<_> = ids
            .iter()
            .zip(&roles)
            .map(|(id, role)| (*id, Some(Some(role.as_str()))))
            .collect();
        append_staff(&store, &first);
        let from = store.reader().unwrap().basis().unwrap().next_seq;
        append_staff(
            &store,
            &[
                ("S6", Some(Some("second"))),
                ("S1", None),
                ("S7", Some(None)),
                ("S0", Some(Some("second"))),
                ("S4", Some(Some("second"))),
                ("S2", Some(Some("second"))),
            ],
        );
        let mut seen = Vec::new();
        store
            .reader()
            .unwrap()
            .for_each_log_entry(from, u64::MAX, |entry, previous, first| {
                let role = |r: Option<&Record>| match r {
                    Some(Record::Staff(s)) => s.role.clone().unwrap_or_else(|| "-".into()),
                    Some(_) => unreachable!(),
                    None => "none".into(),
                };
                seen.push(format!(
                    "{} {} {} was {} {first}",
                    entry.key,
                    entry.op.as_str(),
                    role(entry.record.as_ref()),
                    role(previous)
                ));
            })
            .unwrap();
        assert_eq!(
            seen,
            [
                "S6 add second was s6 false",
                "S1 void none was s1 false",
                "S7 add - was none true",
                "S0 add second was s0 false",
                "S4 add second was s4 false",
                "S2 add second was s2 false",
            ]
        );
    }

    /// A customer with a year of monthly tasks and unscheduled calls: ids that share their
    /// prefixes, as real ones do.
    fn a_year_of_facts() -> CustomerFacts {
        let tasks = (0..12)
            .map(|m| TaskFact {
                due_at: 1_700_000_000 + i64::from(m) * 2_592_000,
                id: format!("delivery_7d:S000{m:02}"),
                kind: 2,
                flags: TASK_PERFORMED | TASK_SUCCESSFUL,
                owner: Some("XS004".to_owned()),
                caller: Some("KF013".to_owned()),
                outcomes: vec![0, 1],
            })
            .collect();
        CustomerFacts {
            family_id: Some("F0042".to_owned()),
            tasks,
            unscheduled: (0..12)
                .map(|m| (1_700_000_000 + m * 2_592_000, format!("A000001{m:02}")))
                .collect(),
            lost: vec![19_000, 19_400],
            ..CustomerFacts::default()
        }
    }

    #[test]
    fn a_customers_facts_read_back_as_written_from_fewer_bytes() {
        let facts = a_year_of_facts();
        let stored = encode_customer(&facts);
        assert_eq!(decode_customer(&stored).unwrap(), facts);
        assert!(
            stored.len() < encode(&facts).len(),
            "{} compressed bytes against {} plain",
            stored.len(),
            encode(&facts).len()
        );
        // Twice on one thread: the kept contexts start each frame afresh.
        assert_eq!(encode_customer(&facts), stored);
        let empty = CustomerFacts::default();
        assert_eq!(decode_customer(&encode_customer(&empty)).unwrap(), empty);
    }

    /// Every row of the dated tables, as text, table by table in key order.
    fn dated_rows(store: &Store) -> Vec<String> {
        fn dump<K: redb::Key + 'static, V: redb::Value + 'static>(
            txn: &ReadTransaction,
            def: TableDefinition<K, V>,
            out: &mut Vec<String>,
        ) where
            for<'a> K::SelfType<'a>: std::fmt::Debug,
            for<'a> V::SelfType<'a>: std::fmt::Debug,
        {
            let table = txn.open_table(def).unwrap();
            for entry in table.iter().unwrap() {
                let (k, v) = entry.unwrap();
                out.push(format!(
                    "{}: {:?} {:?}",
                    redb::TableHandle::name(&def),
                    k.value(),
                    v.value()
                ));
            }
        }
        let txn = store.db.begin_read().unwrap();
        let mut out = Vec::new();
        dump(&txn, TASKS, &mut out);
        dump(&txn, UNSCHEDULED, &mut out);
        dump(&txn, LOST, &mut out);
        dump(&txn, RETURNS, &mut out);
        dump(&txn, REVENUE, &mut out);
        dump(&txn, CALLS, &mut out);
        dump(&txn, SURVEYS, &mut out);
        dump(&txn, ANSWERED, &mut out);
        dump(&txn, CARE_TASKS, &mut out);
        dump(&txn, CARE_UNSCHEDULED, &mut out);
        dump(&txn, REASONS, &mut out);
        dump(&txn, DECLARED, &mut out);
        out
    }

    /// A rebuild writes the same rows whether it holds them all to the commit or sets each
    /// aside in a run of its own, merged at the commit.
    #[test]
    fn a_rebuild_writes_the_same_rows_set_aside_in_runs() {
        let customers: Vec<DerivedCustomer> = (0..5)
            .map(|n| {
                let mut facts = a_year_of_facts();
                for t in &mut facts.tasks {
                    t.id = format!("{}-{n}", t.id);
                    t.due_at -= i64::from(n) * 86_400;
                }
                facts.unscheduled = vec![(1_700_000_000 - i64::from(n), format!("A{n}"))];
                facts.lost = vec![19_000 + n];
                facts.calls = vec![(19_001, format!("A9{n}"))];
                facts.reasons = vec![(19_002 - n, format!("价格{n}"))];
                facts.care_tasks = vec![CareTaskFact {
                    day: 19_003 - n,
                    id: format!("tier_care:C{n}@2022-01"),
                    kind: CARE_TIER,
                    flags: TASK_PERFORMED,
                    tier: 1,
                }];
                facts.declared = vec![19_004];
                DerivedCustomer {
                    id: format!("C{n}"),
                    facts: Some(facts),
                    records: None,
                }
            })
            .collect();
        let folder = tempfile::tempdir().unwrap();
        let rows_of = |rows_held: usize, runs_beside: bool| {
            let path = folder
                .path()
                .join(format!("{rows_held}-{runs_beside}.redb"));
            let mut store = Store::open_or_create(&path).unwrap();
            if !runs_beside {
                // No file can be made beside the store: the runs go to the temporary folder.
                store.folder = folder.path().join("no such folder");
            }
            let update = FactsUpdate {
                rebuild: true,
                fingerprint: "f".into(),
                through: 1,
                customers: Vec::new(),
                generation: 0,
                fold: false,
                workflow: None,
                month_of: |day| day / 30,
                rows_held,
            };
            let mut writer = store.begin_facts(&update).unwrap();
            // Two chunks, the later one's rows sorting first.
            writer.write(&customers[3..]).unwrap();
            writer.write(&customers[..3]).unwrap();
            writer.commit().unwrap();
            dated_rows(&store)
        };
        let held = rows_of(usize::MAX, true);
        // Per customer: 12 tasks, and one row of each of six other tables.
        assert_eq!(held.len(), 5 * (12 + 6), "{held:#?}");
        assert!(held.iter().any(|r| r.contains("价格3")), "{held:#?}");
        assert_eq!(rows_of(1, true), held, "every row a run of its own");
        assert_eq!(rows_of(300, true), held, "a few rows a run");
        assert_eq!(rows_of(1, false), held, "runs in the temporary folder");
        // The runs have no name: nothing is left beside the stores.
        let left = std::fs::read_dir(folder.path()).unwrap().count();
        assert_eq!(left, 4, "the four stores only");
    }

    #[test]
    fn a_damaged_customer_value_is_reported_damaged() {
        let stored = encode_customer(&a_year_of_facts());
        for damaged in [
            &stored[..stored.len() / 2],
            &stored[4..],
            b"not zstd".as_slice(),
        ] {
            match decode_customer(damaged) {
                Err(StoreError::Damaged(text)) => assert!(text.contains("facts"), "{text}"),
                other => panic!("expected damage, got {other:?}"),
            }
        }
    }

    /// A customer's kept records read back as written, with additions in their places; a
    /// value that is not one, or holds no customer record first, is damage.
    #[test]
    fn kept_records_read_back_with_their_additions_in_place() {
        use crate::store::stored::golden;
        let all = golden::records();
        let customer = all
            .iter()
            .find_map(|r| r.clone().into_customer())
            .expect("the golden records hold a customer");
        let sorted = |mut records: Vec<Record>| {
            records.sort_by_key(|a| (a.kind().code(), a.key()));
            records
        };
        let others: Vec<Record> = all
            .iter()
            .filter(|r| r.kind() != Kind::Customer && r.kind() != Kind::SurveyAnswer)
            .cloned()
            .collect();
        assert!(others.len() >= 4, "{others:?}");
        let (first, later) = others.split_at(others.len() / 2);
        let q = |name: &str, score: u8| (name.to_owned(), score);
        let mut kept = CustomerRecords {
            customer: customer.clone(),
            records: sorted(first.to_vec()),
            answers: BTreeMap::from([("Q1".to_owned(), vec![q("b", 4), q("d", 2)])]),
        };
        let frame = kept.encode();
        assert_eq!(CustomerRecords::decode(&frame).unwrap(), kept);
        let added = RecordsAdded {
            records: sorted(later.to_vec()),
            answers: BTreeMap::from([
                ("Q1".to_owned(), vec![q("a", 5), q("c", 3)]),
                ("Q2".to_owned(), vec![q("a", 1)]),
            ]),
        };
        assert_eq!(RecordsAdded::decode(&added.encode()).unwrap(), added);
        kept.add(added);
        assert_eq!(
            kept.records,
            sorted(others.clone()),
            "every record, by kind and key"
        );
        assert_eq!(
            kept.answers,
            BTreeMap::from([
                (
                    "Q1".to_owned(),
                    vec![q("a", 5), q("b", 4), q("c", 3), q("d", 2)]
                ),
                ("Q2".to_owned(), vec![q("a", 1)]),
            ])
        );
        // Additions falling between the kept records, given in reverse: each goes to its
        // place among them.
        let (even, odd): (Vec<_>, Vec<_>) = sorted(others.clone())
            .into_iter()
            .enumerate()
            .partition(|(i, _)| i % 2 == 0);
        let mut kept = CustomerRecords {
            customer: customer.clone(),
            records: even.into_iter().map(|(_, r)| r).collect(),
            answers: BTreeMap::new(),
        };
        kept.add(RecordsAdded {
            records: odd.into_iter().rev().map(|(_, r)| r).collect(),
            answers: BTreeMap::new(),
        });
        assert_eq!(kept.records, sorted(others.clone()));
        // A list whose first record is no customer's.
        let mut raw = Vec::new();
        super::super::codec::encode_records_into(&others[..1], &mut raw);
        super::super::codec::encode_records_into(&[], &mut raw);
        raw.push(0);
        for damaged in [
            frame[..frame.len() / 2].to_vec(),
            b"not zstd".to_vec(),
            super::super::zframe::compress(&raw),
        ] {
            match CustomerRecords::decode(&damaged) {
                Err(StoreError::Damaged(text)) => assert!(text.contains("records"), "{text}"),
                other => panic!("expected damage, got {other:?}"),
            }
        }
    }
}
