//! Table definitions and what their values are, with the layout of each.
//!
//! Every value is `codec`-encoded: byte 0 is the format's version (`codec::FORMAT_VERSION`,
//! 1), the rest is that format's encoding of the stored type named below: for format 1,
//! bincode 2 (standard configuration) of the types of `stored::v1`, whose bytes
//! `stored::golden` pins. The types of this module (`LogEntry`, …) are what the rest of
//! careledger sees; they carry no encoding and may change, the stored types may not (see
//! `stored` for how a format 2 is added and read). Keys are redb tuples, ordered element by
//! element; `kind` is `Kind::code()` (1 staff … 8 survey_answers), `time` is
//! `Timestamp` seconds since 1970-01-01 00:00 local wall clock.
//!
//! | table | key | value (format 1) | holds |
//! |---|---|---|---|
//! | `log_segments` | `seq: u64` of its first version | a segment: byte 0 its encoding (1), then a zstd frame of consecutive versions, each a 4-byte length and a `v1::LogEntry` value ([`LogEntry`]); layout in `super::log` | every accepted version, in ingest order; only ever appended (store format 2) |
//! | `log` | `seq: u64` | `v1::LogEntry` ([`LogEntry`]) | the versions a store of format 1 logged, one entry each, read with the segments after them; never written by format 2 (a new store has no `log`) |
//! | `history` | `(kind, key, seq)` | `()` | every version of a record but the one `current` holds (a void, and the versions an amendment or void superseded: a prefix range; with `current`'s, a record's versions); a store of format 1 files the current one too |
//! | `current` | `(kind, key)` | `v1::CurrentEntry` ([`CurrentEntry`]) | latest non-void version of each record; with `current_recent`, which holds the keys added since the last fold and none that `current` holds (store format 3, `super::layers`) |
//! | `current_recent` | as `current` | as `current` | the recent layer of `current`: read with it, folded into it when it holds more than an eighth of its entries |
//! | `by_time` | `(kind, time, key)` | `()` | current records of a kind by their date |
//! | `refs` | `(target kind, target key, source kind, source key)` | `()` | current references, but those to staff (`counted`) and those a key implies (`keyed_under`: an answer's survey, a step's complaint or action); a store of format 1 lists those too (`listed`); with `refs_recent` as `current` with `current_recent` |
//! | `refs_recent` | as `refs` | `()` | the recent layer of `refs` |
//! | `ref_counts` | `(target kind, target key, source kind)` | `u64` | how many current records of the source kind name the target, for the kinds `counted` says (staff); no entry for none (store format 2) |
//! | `imports` | `import id: u64` | `v1::ImportEntry` ([`ImportEntry`]) | one entry per committed import |
//! | `statements` | month label `YYYY-MM` | `v1::ClosedStatement` ([`ClosedStatement`]) | the first closed payout statement of each month, as the JSON text finance saw; only ever added |
//! | `statement_versions` | `(month label, version)` | `v1::ClosedStatement` | the statements of a month closed again after a reopen, version 2 on; only ever added |
//! | `closes` | `seq: u64` | `v1::CloseEvent` ([`CloseEvent`]) | every close and reopen, with its time, version and hash or reason; only ever appended. A month's state is its last event (a month of `statements` with none is closed, version 1: a store from before reopening existed) |
//! | `meta` | `&str` | `u64` | `next_seq`, `next_import`, `format_version` (the store's format, [`STORE_FORMAT`]: a store of a newer format than the binary's is refused at open) |
//!
//! How aggregators avoid reading everything:
//! - one kind: the range `(kind, "")..(kind + 1, "")` of `current`, split into disjoint key
//!   ranges to scan in parallel from one read transaction;
//! - one month of one kind: the range `(kind, month start)..(kind, next month start)` of
//!   `by_time`, then point reads in `current`;
//! - one customer's records: the range `(customers, C, *, *)` of `refs` lists every current
//!   record that names C (as owner, or as referrer: check the column), then point reads;
//! - the answers of one survey: `current` keys `SURVEY\t…`, the range
//!   `(survey_answers, "SURVEY\t")..(survey_answers, "SURVEY\n")`.
//!
//! Beside them, the **facts tables** (`fact_customers`, `fact_tasks`, `fact_unscheduled`,
//! `fact_lost`, `fact_returns`, `fact_revenue`, `fact_calls`, `fact_survey_lines`,
//! `fact_surveys` (the surveys with their answers, for the visits report), `fact_stock`,
//! `fact_family`, `fact_tiers`, `fact_tier_counts`, `fact_service_revenue`, the care and
//! workflow tables, `fact_meta`;
//! layouts in [`super::facts`]) hold what the rules derive from
//! the records, keyed by date for month-sized reads; `fact_records` (with
//! `fact_record_additions`) keeps beside them each customer's records as they were derived
//! from, so that an import of new records reads a customer in one value, not record by
//! record through `refs`. Invariant: *facts = derive(log) for the
//! rules fingerprint* — `fact_meta` names the rules (and layout) they follow and the log
//! position they were derived at; they are derived state, written by `crate::facts` after an
//! import commits, never a promise of the format (another layout is derived again), and read
//! only when both match.
//!
//! `log_segments` (with a format-1 store's `log`), `imports`, `statements`,
//! `statement_versions` and `closes` are the ground truth
//! and are never changed; `history`, `current`,
//! `by_time` and `refs` are derived from the log and kept in step with it in the same write
//! transaction (so they are the one place where entries are removed: an index entry of a
//! superseded version).

use redb::TableDefinition;

use crate::model::{Kind, Record};

pub(crate) const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("log");
pub(crate) const HISTORY: TableDefinition<(u8, &str, u64), ()> = TableDefinition::new("history");
pub(crate) const CURRENT: TableDefinition<(u8, &str), &[u8]> = TableDefinition::new("current");
pub(crate) const BY_TIME: TableDefinition<(u8, i64, &str), ()> = TableDefinition::new("by_time");
pub(crate) const REFS: TableDefinition<(u8, &str, u8, &str), ()> = TableDefinition::new("refs");
pub(crate) const REF_COUNTS: TableDefinition<(u8, &str, u8), u64> =
    TableDefinition::new("ref_counts");
pub(crate) const IMPORTS: TableDefinition<u64, &[u8]> = TableDefinition::new("imports");
pub(crate) const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
pub(crate) const STATEMENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("statements");
pub(crate) const STATEMENT_VERSIONS: TableDefinition<(&str, u32), &[u8]> =
    TableDefinition::new("statement_versions");
pub(crate) const CLOSES: TableDefinition<u64, &[u8]> = TableDefinition::new("closes");

/// A missing table reads as empty: a facts table of a store written before facts existed,
/// a log table of a store of another format (`store::log`), `ref_counts` of a store of
/// format 1.
pub(super) fn missing<T>(r: Result<T, redb::TableError>) -> Result<Option<T>, super::StoreError> {
    match r {
        Ok(t) => Ok(Some(t)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Shows every table above to `visitor` (the backup copies each by its types: see
/// `store::backup`). A table added above must be added here too: a backup refuses a store
/// holding a table it was not shown.
pub(super) fn visit_tables(
    visitor: &mut impl super::backup::TableVisitor,
) -> Result<(), super::StoreError> {
    visitor.visit(LOG)?;
    visitor.visit(super::log::LOG_SEGMENTS)?;
    visitor.visit(HISTORY)?;
    visitor.visit(CURRENT)?;
    visitor.visit(super::layers::CURRENT_RECENT)?;
    visitor.visit(BY_TIME)?;
    visitor.visit(REFS)?;
    visitor.visit(super::layers::REFS_RECENT)?;
    visitor.visit(REF_COUNTS)?;
    visitor.visit(IMPORTS)?;
    visitor.visit(META)?;
    visitor.visit(STATEMENTS)?;
    visitor.visit(STATEMENT_VERSIONS)?;
    visitor.visit(CLOSES)
}

/// Whether the current records naming a record of this kind are counted in `ref_counts`
/// rather than listed in `refs` (store format 2): staff, whom nearly every attempt, order and
/// sale names (4.1 of the 10.4 million references at 100 000 customers, and a third of an
/// increment's index writes), and whose referrers only a void of a staff row asks for — it
/// then reads them from `current`, and only when the count says there are any.
pub(crate) fn counted(target: Kind) -> bool {
    target == Kind::Staff
}

/// The kind whose records name a record of `target` by the first part of their own key: a
/// survey's answers (`SURVEY\tquestion`), a complaint's and an action's steps. `current`'s
/// range of those keys lists them, so `refs` does not (store format 2; format 1 listed
/// them, 1.4 of the 10.4 million references at 100 000 customers).
pub(crate) fn keyed_under(target: Kind) -> Option<Kind> {
    match target {
        Kind::Survey => Some(Kind::SurveyAnswer),
        Kind::Complaint => Some(Kind::ComplaintStep),
        Kind::Action => Some(Kind::ActionStep),
        _ => None,
    }
}

/// Whether `refs` lists the references of `source` records to `target` records in a store of
/// format 2: not those its key implies ([`keyed_under`]), nor those it counts ([`counted`]).
pub(crate) fn listed(source: Kind, target: Kind) -> bool {
    !counted(target) && keyed_under(target) != Some(source)
}

/// A stored kind code as messages name it: `contacts`, or `kind 99` for a code that is no
/// kind (damage).
pub(crate) fn kind_name(code: u8) -> String {
    Kind::from_code(code).map_or_else(
        || crate::say!("kind {code}", "记录类型代码 {code}"),
        |k| k.to_string(),
    )
}

pub(crate) const META_NEXT_SEQ: &str = "next_seq";
pub(crate) const META_NEXT_IMPORT: &str = "next_import";
pub(crate) const META_FORMAT_VERSION: &str = "format_version";

/// The store format this careledger writes (`meta` `format_version`), and the newest it
/// reads: 3 keeps the keys the imports since the last fold added in `current_recent` and
/// `refs_recent` (`store::layers`), which a careledger of format 2 would not read; 2 keeps
/// the log in compressed segments (`store::log`); 1 kept one `log` entry per version. A
/// store of format 1 or 2 is read as it is (it has no recent layer), and the next import
/// into it marks it format 3. Values keep their own version byte (`codec::FORMAT_VERSION`,
/// still 1: no value changed its layout).
pub const STORE_FORMAT: u64 = 3;

/// What a version does to its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Void,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Void => "void",
        }
    }
}

/// `log` value: one version of one record. `record` is `None` for a void.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub import_id: u64,
    pub kind: Kind,
    pub key: String,
    pub op: Op,
    pub record: Option<Record>,
}

/// `current` value: the latest version's sequence number and its record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentEntry {
    pub seq: u64,
    pub record: Record,
}

/// `imports` value: what one import command brought in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportEntry {
    pub id: u64,
    /// When the import ran, as the caller's wall clock said (`YYYY-MM-DD HH:MM:SS`). The
    /// engine never reads the clock; this is bookkeeping, used by no KPI.
    pub at: String,
    pub amend: bool,
    pub files: Vec<ImportFile>,
    pub counts: Vec<KindCounts>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportFile {
    /// The path as given on the command line.
    pub path: String,
    pub kind: Kind,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub rows: u64,
}

/// What an import did to one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindCounts {
    pub kind_code: u8,
    pub added: u64,
    pub amended: u64,
    pub voided: u64,
    pub unchanged: u64,
}

impl KindCounts {
    pub fn kind(&self) -> Kind {
        Kind::from_code(self.kind_code).expect("stored kind codes are valid")
    }

    pub fn written(&self) -> u64 {
        self.added + self.amended + self.voided
    }
}

/// `statements` value: a month's payout statement as it was closed. The statement is kept as
/// the JSON the report printed, so a closed month reads back exactly as finance saw it,
/// whatever later versions of careledger compute: it is shown as this text and read for
/// figures only by the keys DOMAIN.md section 9 promises, never decoded into today's
/// statement type (`kpi::payouts`).
/// A close or a reopen of a month's payout statement (the `closes` table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseEvent {
    pub month: String,
    /// The caller's wall-clock time (`YYYY-MM-DD HH:MM:SS`).
    pub at: String,
    pub action: CloseAction,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloseAction {
    /// The month was closed; its statement is version `version` (1 is in `statements`).
    Closed { version: u32, sha256: String },
    /// The month was reopened, for this reason: its statement versions stay readable.
    Reopened { reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedStatement {
    pub month: String,
    /// The caller's wall-clock time of the close (`YYYY-MM-DD HH:MM:SS`).
    pub closed_at: String,
    /// SHA-256 of `statement_json`, lower-case hex.
    pub sha256: String,
    pub statement_json: String,
}
