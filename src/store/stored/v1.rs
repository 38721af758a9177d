//! Format 1: the layout of every stored value since the first release.
//!
//! A value is the version byte `1`, then these types in bincode 2's standard configuration
//! (`codec`): integers as varints (signed ones zigzagged), strings and sequences as a varint
//! length then the items, `Option` as a byte 0/1 then the value, `bool` as a byte, a struct
//! as its fields in the order written here, an enum as the varint index of its variant (in
//! the order written here, from 0) then the variant's fields.
//!
//! **These types are the format.** Never reorder, rename into another shape, add or remove a
//! field or a variant here: `stored::golden` pins their bytes. A change of what is stored is
//! a new module (`v2`), a new version byte, and a reader of this one (see `stored`). The
//! domain types (`crate::model`, `tables`) are free to change; the conversions below are
//! where they meet this format.
//!
//! `Kind` is stored by its variant index (staff 0 … survey_answers 7, complaints 8 …
//! calendar 12), unlike the table keys, which hold `model::Kind::code` (1 … 13).
//!
//! The kinds of DOMAIN.md sections 12–13 (complaints, complaint steps, actions, action
//! steps, the calendar) were appended later as variants **at the end** of `Kind` and
//! `Record`, with types of their own: bincode writes a variant as its index, so every older
//! value keeps its bytes (see `stored`, *why new record kinds are still format 1*).
//!
//! The columns DOMAIN.md section 14 added to existing kinds (`contact_consent` of customers,
//! `reason` of attempts) follow the same rule: a record at the column's default is written
//! as before (`Record::Customer`, `Record::Attempt`), byte for byte; one with another value
//! as an appended variant that wraps the old struct and adds the field (`CustomerV3`,
//! `AttemptV3`). `Purpose` gains `InsuranceRenewal` at its end.

use bincode::{Decode, Encode};

use crate::model;
use crate::store::codec::CodecError;
use crate::store::tables;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Fen(pub i64);

/// Days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Day(pub i32);

/// Seconds since 1970-01-01 00:00:00 of the dealership's wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Timestamp(pub i64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Kind {
    Staff,
    Customer,
    Sale,
    ServiceOrder,
    Policy,
    Attempt,
    Survey,
    SurveyAnswer,
    // Appended (DOMAIN.md sections 12–13): the indexes above never move.
    Complaint,
    ComplaintStep,
    Action,
    ActionStep,
    CalendarDay,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Channel {
    Phone,
    Sms,
    Wechat,
    Letter,
    Email,
    Visit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Purpose {
    DeliveryCall1,
    ThankYouLetter,
    DeliveryCall2,
    DeliveryCall3,
    ServiceFollowup,
    ChurnRecovery,
    Care,
    // Appended (DOMAIN.md section 14): the indexes above never move.
    InsuranceRenewal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Outcome {
    Reached,
    Sent,
    NoAnswer,
    Busy,
    WrongNumber,
    Refused,
    Callback,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Staff {
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub role: Option<String>,
    pub active_from: Day,
    pub active_to: Option<Day>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Customer {
    pub customer_id: String,
    pub name: String,
    pub phone: Option<String>,
    pub family_id: Option<String>,
    pub tags: Vec<String>,
    pub created_on: Day,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Sale {
    pub sale_id: String,
    pub customer_id: String,
    pub vin: Option<String>,
    pub delivered_at: Timestamp,
    pub consultant_id: Option<String>,
    pub amount: Fen,
    pub referrer_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ServiceOrder {
    pub order_id: String,
    pub customer_id: String,
    pub vin: Option<String>,
    pub opened_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    pub revenue: Fen,
    pub advisor_id: Option<String>,
    pub followup_consent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Policy {
    pub policy_id: String,
    pub customer_id: String,
    pub start_on: Day,
    pub referrer_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Attempt {
    pub attempt_id: String,
    pub customer_id: String,
    pub at: Timestamp,
    pub channel: Channel,
    pub staff_id: Option<String>,
    pub purpose: Purpose,
    pub outcome: Outcome,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Survey {
    pub survey_id: String,
    pub attempt_id: Option<String>,
    pub customer_id: String,
    pub at: Timestamp,
    pub subject_department: String,
    pub overall: u8,
    pub issues: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SurveyAnswer {
    pub survey_id: String,
    pub question: String,
    pub score: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum ComplaintStepKind {
    Escalated,
    Replied,
    Resolved,
    Reopened,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum ActionKind {
    Corrective,
    Preventive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum ActionStepKind {
    Approved,
    Done,
    Verified,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Complaint {
    pub complaint_id: String,
    pub customer_id: String,
    pub raised_at: Timestamp,
    pub category: String,
    pub department: String,
    pub channel: Option<String>,
    pub attempt_id: Option<String>,
    pub survey_id: Option<String>,
    pub owner_id: Option<String>,
    pub summary: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ComplaintStep {
    pub complaint_id: String,
    pub step: ComplaintStepKind,
    pub at: Timestamp,
    pub staff_id: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Action {
    pub action_id: String,
    pub raised_on: Day,
    pub kind: ActionKind,
    pub subject: String,
    pub complaint_id: Option<String>,
    pub owner_id: String,
    pub due_on: Day,
    pub summary: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ActionStep {
    pub action_id: String,
    pub step: ActionStepKind,
    pub at: Timestamp,
    pub staff_id: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct CalendarDay {
    pub date: Day,
    pub working: bool,
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Record {
    Staff(Staff),
    Customer(Customer),
    Sale(Sale),
    ServiceOrder(ServiceOrder),
    Policy(Policy),
    Attempt(Attempt),
    Survey(Survey),
    SurveyAnswer(SurveyAnswer),
    // Appended (DOMAIN.md sections 12–13): the indexes above never move.
    Complaint(Complaint),
    ComplaintStep(ComplaintStep),
    Action(Action),
    ActionStep(ActionStep),
    CalendarDay(CalendarDay),
    // Appended (DOMAIN.md section 14): a customer or attempt with a value of a column that
    // revision 3 added other than its default. One at the default is written as the variant
    // above, byte for byte as before.
    CustomerV3(CustomerV3),
    AttemptV3(AttemptV3),
}

/// A customer who withdrew consent to be contacted (`contact_consent` false).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct CustomerV3 {
    pub customer: Customer,
    pub contact_consent: bool,
}

/// An attempt that names why the customer left (`reason`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct AttemptV3 {
    pub attempt: Attempt,
    pub reason: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Op {
    Add,
    Void,
}

/// `log` value.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct LogEntry {
    pub import_id: u64,
    pub kind: Kind,
    pub key: String,
    pub op: Op,
    pub record: Option<Record>,
}

/// `current` value.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct CurrentEntry {
    pub seq: u64,
    pub record: Record,
}

/// `imports` value.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ImportEntry {
    pub id: u64,
    pub at: String,
    pub amend: bool,
    pub files: Vec<ImportFile>,
    pub counts: Vec<KindCounts>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ImportFile {
    pub path: String,
    pub kind: Kind,
    pub sha256: String,
    pub rows: u64,
}

/// `kind_code` is `model::Kind::code` (1 … 8), not the variant index of [`Kind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct KindCounts {
    pub kind_code: u8,
    pub added: u64,
    pub amended: u64,
    pub voided: u64,
    pub unchanged: u64,
}

/// `statements` value. `statement_json` is the text the report printed when the month was
/// closed; it is kept and shown as that text, never decoded into today's statement type.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ClosedStatement {
    pub month: String,
    pub closed_at: String,
    pub sha256: String,
    pub statement_json: String,
}

/// A close or reopen (the `closes` table), appended to format 1 with reopening: a new type
/// of a new table, so no older value changes.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct CloseEvent {
    pub month: String,
    pub at: String,
    pub action: CloseAction,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum CloseAction {
    Closed { version: u32, sha256: String },
    Reopened { reason: String },
}

impl From<&tables::CloseEvent> for CloseEvent {
    fn from(value: &tables::CloseEvent) -> Self {
        CloseEvent {
            month: value.month.clone(),
            at: value.at.clone(),
            action: match &value.action {
                tables::CloseAction::Closed { version, sha256 } => CloseAction::Closed {
                    version: *version,
                    sha256: sha256.clone(),
                },
                tables::CloseAction::Reopened { reason } => CloseAction::Reopened {
                    reason: reason.clone(),
                },
            },
        }
    }
}

impl From<CloseEvent> for tables::CloseEvent {
    fn from(value: CloseEvent) -> Self {
        tables::CloseEvent {
            month: value.month,
            at: value.at,
            action: match value.action {
                CloseAction::Closed { version, sha256 } => {
                    tables::CloseAction::Closed { version, sha256 }
                }
                CloseAction::Reopened { reason } => tables::CloseAction::Reopened { reason },
            },
        }
    }
}

// Conversions to the model and back. From the model they are total; into it they are total
// too wherever the domain type can hold every stored value (the value checks the store
// needs, such as dates in range, are `read::check_record`'s), and fallible (`TryFrom`, the
// store's damage error) where it cannot.

/// Maps unit-like values between the model and this format, both ways, variant by variant.
macro_rules! same_variants {
    ($stored:ident, $model:path { $($variant:ident),+ $(,)? }) => {
        impl From<$model> for $stored {
            fn from(value: $model) -> Self {
                use $model as M;
                match value { $(M::$variant => $stored::$variant),+ }
            }
        }
        impl From<$stored> for $model {
            fn from(value: $stored) -> Self {
                use $model as M;
                match value { $($stored::$variant => M::$variant),+ }
            }
        }
    };
}

same_variants!(
    Kind,
    model::Kind {
        Staff,
        Customer,
        Sale,
        ServiceOrder,
        Policy,
        Attempt,
        Survey,
        SurveyAnswer,
        Complaint,
        ComplaintStep,
        Action,
        ActionStep,
        CalendarDay
    }
);
same_variants!(
    ComplaintStepKind,
    model::ComplaintStepKind {
        Escalated,
        Replied,
        Resolved,
        Reopened
    }
);
same_variants!(
    ActionKind,
    model::ActionKind {
        Corrective,
        Preventive
    }
);
same_variants!(
    ActionStepKind,
    model::ActionStepKind {
        Approved,
        Done,
        Verified
    }
);
same_variants!(
    Channel,
    model::Channel {
        Phone,
        Sms,
        Wechat,
        Letter,
        Email,
        Visit
    }
);
same_variants!(
    Purpose,
    model::Purpose {
        DeliveryCall1,
        ThankYouLetter,
        DeliveryCall2,
        DeliveryCall3,
        ServiceFollowup,
        ChurnRecovery,
        Care,
        InsuranceRenewal
    }
);
same_variants!(
    Outcome,
    model::Outcome {
        Reached,
        Sent,
        NoAnswer,
        Busy,
        WrongNumber,
        Refused,
        Callback
    }
);
same_variants!(Op, tables::Op { Add, Void });

/// Maps a newtype between the model and this format, both ways.
macro_rules! same_newtype {
    ($stored:ident, $model:path) => {
        impl From<$model> for $stored {
            fn from(value: $model) -> Self {
                $stored(value.0)
            }
        }
        impl From<$stored> for $model {
            fn from(value: $stored) -> Self {
                use $model as M;
                M(value.0)
            }
        }
    };
}

same_newtype!(Fen, model::Fen);
same_newtype!(Day, model::Day);
same_newtype!(Timestamp, model::Timestamp);

/// Maps a struct between the model and this format field by field, both ways: the same
/// field names, each converted with `From` (a `String` or `u8` as itself, an `Option` or a
/// `Vec` of them as they are).
macro_rules! same_fields {
    ($stored:ident, $model:path { $($field:ident: $how:ident),+ $(,)? }) => {
        impl From<&$model> for $stored {
            fn from(value: &$model) -> Self {
                $stored { $($field: same_fields!(@to $how, value.$field)),+ }
            }
        }
        impl From<$stored> for $model {
            fn from(value: $stored) -> Self {
                use $model as M;
                M { $($field: same_fields!(@from $how, value.$field)),+ }
            }
        }
    };
    (@to plain, $e:expr) => { $e.clone() };
    (@from plain, $e:expr) => { $e };
    (@to into, $e:expr) => { $e.into() };
    (@from into, $e:expr) => { $e.into() };
    (@to opt, $e:expr) => { $e.map(Into::into) };
    (@from opt, $e:expr) => { $e.map(Into::into) };
}

same_fields!(
    Staff,
    model::Staff {
        staff_id: plain,
        name: plain,
        department: plain,
        role: plain,
        active_from: into,
        active_to: opt,
    }
);
impl From<&model::Customer> for Customer {
    fn from(value: &model::Customer) -> Self {
        Customer {
            customer_id: value.customer_id.clone(),
            name: value.name.clone(),
            phone: value.phone.clone(),
            family_id: value.family_id.clone(),
            tags: value.tags.clone(),
            created_on: value.created_on.into(),
        }
    }
}

impl Customer {
    fn into_model(self, contact_consent: bool) -> model::Customer {
        model::Customer {
            customer_id: self.customer_id,
            name: self.name,
            phone: self.phone,
            family_id: self.family_id,
            tags: self.tags,
            created_on: self.created_on.into(),
            contact_consent,
        }
    }
}
same_fields!(
    Sale,
    model::Sale {
        sale_id: plain,
        customer_id: plain,
        vin: plain,
        delivered_at: into,
        consultant_id: plain,
        amount: into,
        referrer_id: plain,
    }
);
same_fields!(
    ServiceOrder,
    model::ServiceOrder {
        order_id: plain,
        customer_id: plain,
        vin: plain,
        opened_at: into,
        closed_at: opt,
        revenue: into,
        advisor_id: plain,
        followup_consent: plain,
    }
);
same_fields!(
    Policy,
    model::Policy {
        policy_id: plain,
        customer_id: plain,
        start_on: into,
        referrer_id: plain,
    }
);
impl From<&model::Attempt> for Attempt {
    fn from(value: &model::Attempt) -> Self {
        Attempt {
            attempt_id: value.attempt_id.clone(),
            customer_id: value.customer_id.clone(),
            at: value.at.into(),
            channel: value.channel.into(),
            staff_id: value.staff_id.clone(),
            purpose: value.purpose.into(),
            outcome: value.outcome.into(),
            note: value.note.clone(),
        }
    }
}

impl Attempt {
    fn into_model(self, reason: Option<String>) -> model::Attempt {
        model::Attempt {
            attempt_id: self.attempt_id,
            customer_id: self.customer_id,
            at: self.at.into(),
            channel: self.channel.into(),
            staff_id: self.staff_id,
            purpose: self.purpose.into(),
            outcome: self.outcome.into(),
            note: self.note,
            reason,
        }
    }
}
same_fields!(
    Survey,
    model::Survey {
        survey_id: plain,
        attempt_id: plain,
        customer_id: plain,
        at: into,
        subject_department: plain,
        overall: plain,
        issues: plain,
        comment: plain,
    }
);
same_fields!(
    SurveyAnswer,
    model::SurveyAnswer {
        survey_id: plain,
        question: plain,
        score: plain,
    }
);
same_fields!(
    Complaint,
    model::Complaint {
        complaint_id: plain,
        customer_id: plain,
        raised_at: into,
        category: plain,
        department: plain,
        channel: plain,
        attempt_id: plain,
        survey_id: plain,
        owner_id: plain,
        summary: plain,
    }
);
same_fields!(
    ComplaintStep,
    model::ComplaintStep {
        complaint_id: plain,
        step: into,
        at: into,
        staff_id: plain,
        note: plain,
    }
);
same_fields!(
    Action,
    model::Action {
        action_id: plain,
        raised_on: into,
        kind: into,
        subject: plain,
        complaint_id: plain,
        owner_id: plain,
        due_on: into,
        summary: plain,
    }
);
same_fields!(
    ActionStep,
    model::ActionStep {
        action_id: plain,
        step: into,
        at: into,
        staff_id: plain,
        note: plain,
    }
);
same_fields!(
    CalendarDay,
    model::CalendarDay {
        date: into,
        working: plain,
        name: plain,
    }
);
same_fields!(
    ImportFile,
    tables::ImportFile {
        path: plain,
        kind: into,
        sha256: plain,
        rows: plain,
    }
);
same_fields!(
    KindCounts,
    tables::KindCounts {
        kind_code: plain,
        added: plain,
        amended: plain,
        voided: plain,
        unchanged: plain,
    }
);
same_fields!(
    ClosedStatement,
    tables::ClosedStatement {
        month: plain,
        closed_at: plain,
        sha256: plain,
        statement_json: plain,
    }
);

/// Maps the record enum between the model and this format, variant by variant; customers
/// and attempts by hand (their revision-3 variants).
macro_rules! same_records {
    ($($variant:ident),+ $(,)?) => {
        impl From<&model::Record> for Record {
            fn from(value: &model::Record) -> Self {
                match value {
                    $(model::Record::$variant(r) => Record::$variant(r.into()),)+
                    model::Record::Customer(c) if c.contact_consent => Record::Customer(c.into()),
                    model::Record::Customer(c) => Record::CustomerV3(CustomerV3 {
                        customer: c.into(),
                        contact_consent: c.contact_consent,
                    }),
                    model::Record::Attempt(a) if a.reason.is_none() => Record::Attempt(a.into()),
                    model::Record::Attempt(a) => Record::AttemptV3(AttemptV3 {
                        attempt: a.into(),
                        reason: a.reason.clone(),
                    }),
                }
            }
        }
        impl From<Record> for model::Record {
            fn from(value: Record) -> Self {
                match value {
                    $(Record::$variant(r) => model::Record::$variant(r.into()),)+
                    Record::Customer(c) => model::Record::Customer(c.into_model(true)),
                    Record::CustomerV3(c) => {
                        model::Record::Customer(c.customer.into_model(c.contact_consent))
                    }
                    Record::Attempt(a) => model::Record::Attempt(a.into_model(None)),
                    Record::AttemptV3(a) => model::Record::Attempt(a.attempt.into_model(a.reason)),
                }
            }
        }
    };
}

same_records!(
    Staff,
    Sale,
    ServiceOrder,
    Policy,
    Survey,
    SurveyAnswer,
    Complaint,
    ComplaintStep,
    Action,
    ActionStep,
    CalendarDay
);

impl From<&tables::LogEntry> for LogEntry {
    fn from(value: &tables::LogEntry) -> Self {
        LogEntry {
            import_id: value.import_id,
            kind: value.kind.into(),
            key: value.key.clone(),
            op: value.op.into(),
            record: value.record.as_ref().map(Record::from),
        }
    }
}

/// Total: whether the op and the record agree is `read::decode_log`'s check, which names the
/// log entry.
impl From<LogEntry> for tables::LogEntry {
    fn from(value: LogEntry) -> Self {
        tables::LogEntry {
            import_id: value.import_id,
            kind: value.kind.into(),
            key: value.key,
            op: value.op.into(),
            record: value.record.map(Into::into),
        }
    }
}

impl From<&tables::CurrentEntry> for CurrentEntry {
    fn from(value: &tables::CurrentEntry) -> Self {
        CurrentEntry {
            seq: value.seq,
            record: (&value.record).into(),
        }
    }
}

impl From<CurrentEntry> for tables::CurrentEntry {
    fn from(value: CurrentEntry) -> Self {
        tables::CurrentEntry {
            seq: value.seq,
            record: value.record.into(),
        }
    }
}

impl From<&tables::ImportEntry> for ImportEntry {
    fn from(value: &tables::ImportEntry) -> Self {
        ImportEntry {
            id: value.id,
            at: value.at.clone(),
            amend: value.amend,
            files: value.files.iter().map(ImportFile::from).collect(),
            counts: value.counts.iter().map(KindCounts::from).collect(),
        }
    }
}

/// Fallible: a count's `kind_code` is a plain byte in this format, and
/// `tables::KindCounts::kind` relies on it naming a kind.
impl TryFrom<ImportEntry> for tables::ImportEntry {
    type Error = CodecError;

    fn try_from(value: ImportEntry) -> Result<Self, CodecError> {
        if let Some(c) = value
            .counts
            .iter()
            .find(|c| model::Kind::from_code(c.kind_code).is_none())
        {
            return Err(CodecError::Damaged(format!(
                "import {} counts the record kind code {}",
                value.id, c.kind_code
            )));
        }
        Ok(tables::ImportEntry {
            id: value.id,
            at: value.at,
            amend: value.amend,
            files: value.files.into_iter().map(Into::into).collect(),
            counts: value.counts.into_iter().map(Into::into).collect(),
        })
    }
}
