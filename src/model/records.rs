//! The record kinds of the interchange files and their columns: the eight of DOMAIN.md
//! section 2, and the complaints, actions and working calendar of sections 12–13.
//!
//! A record is the parsed content of one CSV row. These are domain types, free to change:
//! the store keeps its own copies of them (`store::stored::v1`, format 1) and converts at its
//! boundary, so a change here changes no stored byte (a new field to keep is a new format,
//! see `store::stored`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use super::values::{
    Day, Fen, Timestamp, check_id, check_not_excel_scientific, check_token, parse_bool,
    parse_score, parse_tokens,
};

/// A record kind; the discriminant (`code`) is stored in keys and must never change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Kind {
    Staff = 1,
    Customer = 2,
    Sale = 3,
    ServiceOrder = 4,
    Policy = 5,
    Attempt = 6,
    Survey = 7,
    SurveyAnswer = 8,
    Complaint = 9,
    ComplaintStep = 10,
    Action = 11,
    ActionStep = 12,
    CalendarDay = 13,
}

/// One column of an interchange file.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// A column added by a later revision of the contract (DOMAIN.md section 14), written by
    /// `export` only when some record holds another value than this one (its default's
    /// canonical cell), so that a store without such values exports as it always did.
    pub sparse: Option<&'static str>,
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
        sparse: None,
    }
}
const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
        sparse: None,
    }
}
/// An optional column that `export` leaves out while every record holds `default` in it.
const fn sparse(name: &'static str, default: &'static str) -> Column {
    Column {
        name,
        required: false,
        sparse: Some(default),
    }
}

const STAFF_COLUMNS: &[Column] = &[
    req("staff_id"),
    req("name"),
    req("department"),
    opt("role"),
    req("active_from"),
    opt("active_to"),
];
const CUSTOMER_COLUMNS: &[Column] = &[
    req("customer_id"),
    req("name"),
    opt("phone"),
    opt("family_id"),
    opt("tags"),
    req("created_on"),
    sparse("contact_consent", "true"),
];
const SALE_COLUMNS: &[Column] = &[
    req("sale_id"),
    req("customer_id"),
    opt("vin"),
    req("delivered_at"),
    opt("consultant_id"),
    req("amount"),
    opt("referrer_id"),
];
const SERVICE_ORDER_COLUMNS: &[Column] = &[
    req("order_id"),
    req("customer_id"),
    opt("vin"),
    req("opened_at"),
    opt("closed_at"),
    req("revenue"),
    opt("advisor_id"),
    opt("followup_consent"),
];
const POLICY_COLUMNS: &[Column] = &[
    req("policy_id"),
    req("customer_id"),
    req("start_on"),
    opt("referrer_id"),
];
const ATTEMPT_COLUMNS: &[Column] = &[
    req("attempt_id"),
    req("customer_id"),
    req("at"),
    req("channel"),
    opt("staff_id"),
    req("purpose"),
    req("outcome"),
    opt("note"),
    sparse("reason", ""),
];
const SURVEY_COLUMNS: &[Column] = &[
    req("survey_id"),
    opt("attempt_id"),
    req("customer_id"),
    req("at"),
    req("subject_department"),
    req("overall"),
    opt("issues"),
    opt("comment"),
];
const SURVEY_ANSWER_COLUMNS: &[Column] = &[req("survey_id"), req("question"), req("score")];
const COMPLAINT_COLUMNS: &[Column] = &[
    req("complaint_id"),
    req("customer_id"),
    req("raised_at"),
    req("category"),
    req("department"),
    opt("channel"),
    opt("attempt_id"),
    opt("survey_id"),
    opt("owner_id"),
    opt("summary"),
];
const COMPLAINT_STEP_COLUMNS: &[Column] = &[
    req("complaint_id"),
    req("step"),
    req("at"),
    opt("staff_id"),
    opt("note"),
];
const ACTION_COLUMNS: &[Column] = &[
    req("action_id"),
    req("raised_on"),
    req("kind"),
    req("subject"),
    opt("complaint_id"),
    req("owner_id"),
    req("due_on"),
    opt("summary"),
];
const ACTION_STEP_COLUMNS: &[Column] = &[
    req("action_id"),
    req("step"),
    req("at"),
    opt("staff_id"),
    opt("note"),
];
const CALENDAR_COLUMNS: &[Column] = &[req("date"), req("working"), opt("name")];

impl Kind {
    /// Every kind, in dependency order: a kind only references kinds before it. The order
    /// is also that of the codes (the import's counts are indexed by `code − 1`); the
    /// calendar references nothing, so it can come last.
    pub const ALL: [Kind; 13] = [
        Kind::Staff,
        Kind::Customer,
        Kind::Sale,
        Kind::ServiceOrder,
        Kind::Policy,
        Kind::Attempt,
        Kind::Survey,
        Kind::SurveyAnswer,
        Kind::Complaint,
        Kind::ComplaintStep,
        Kind::Action,
        Kind::ActionStep,
        Kind::CalendarDay,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The name used on the command line and in reports: the file name without `.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Staff => "staff",
            Kind::Customer => "customers",
            Kind::Sale => "sales",
            Kind::ServiceOrder => "service_orders",
            Kind::Policy => "insurance",
            Kind::Attempt => "contacts",
            Kind::Survey => "surveys",
            Kind::SurveyAnswer => "survey_answers",
            Kind::Complaint => "complaints",
            Kind::ComplaintStep => "complaint_steps",
            Kind::Action => "actions",
            Kind::ActionStep => "action_steps",
            Kind::CalendarDay => "calendar",
        }
    }

    /// One record of the kind, in prose ("a sale", "the customer `C1`").
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Staff => "staff member",
            Kind::Customer => "customer",
            Kind::Sale => "sale",
            Kind::ServiceOrder => "service order",
            Kind::Policy => "policy",
            Kind::Attempt => "contact attempt",
            Kind::Survey => "survey",
            Kind::SurveyAnswer => "survey answer",
            Kind::Complaint => "complaint",
            Kind::ComplaintStep => "complaint step",
            Kind::Action => "action",
            Kind::ActionStep => "action step",
            Kind::CalendarDay => "calendar day",
        }
    }

    /// One record of the kind, in Chinese prose (`销售记录`, `客户`): [`Kind::noun`] in the
    /// messages' Chinese.
    pub fn noun_zh(self) -> &'static str {
        match self {
            Kind::Staff => "员工",
            Kind::Customer => "客户",
            Kind::Sale => "销售记录",
            Kind::ServiceOrder => "维修工单",
            Kind::Policy => "保险保单",
            Kind::Attempt => "联络记录",
            Kind::Survey => "满意度调查",
            Kind::SurveyAnswer => "调查答案",
            Kind::Complaint => "投诉",
            Kind::ComplaintStep => "投诉处理步骤",
            Kind::Action => "整改措施",
            Kind::ActionStep => "措施步骤",
            Kind::CalendarDay => "日历日期",
        }
    }

    /// [`Kind::noun`] or [`Kind::noun_zh`], by the language of messages in force
    /// ([`crate::voice`]): the noun a message written with `say!` names a record with.
    pub fn noun_said(self) -> &'static str {
        crate::voice::pick(self.noun(), self.noun_zh())
    }

    pub fn file_name(self) -> String {
        format!("{}.csv", self.name())
    }

    /// The columns in the order the export writes them (DOMAIN.md section 2).
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Staff => STAFF_COLUMNS,
            Kind::Customer => CUSTOMER_COLUMNS,
            Kind::Sale => SALE_COLUMNS,
            Kind::ServiceOrder => SERVICE_ORDER_COLUMNS,
            Kind::Policy => POLICY_COLUMNS,
            Kind::Attempt => ATTEMPT_COLUMNS,
            Kind::Survey => SURVEY_COLUMNS,
            Kind::SurveyAnswer => SURVEY_ANSWER_COLUMNS,
            Kind::Complaint => COMPLAINT_COLUMNS,
            Kind::ComplaintStep => COMPLAINT_STEP_COLUMNS,
            Kind::Action => ACTION_COLUMNS,
            Kind::ActionStep => ACTION_STEP_COLUMNS,
            Kind::CalendarDay => CALENDAR_COLUMNS,
        }
    }

    /// How many leading columns make up the key.
    pub fn key_columns(self) -> usize {
        match self {
            Kind::SurveyAnswer => 2,
            Kind::ComplaintStep | Kind::ActionStep => 3,
            _ => 1,
        }
    }

    /// Builds the stored key from the key cells (see [`key_from_parts`]). A date or a
    /// date-time in a key is put in canonical form first (`2025/4/10 9:05` →
    /// `2025-04-10 09:05:00`), so that a row names the same key however Excel wrote its
    /// date, and the key equals [`Record::key`] of the parsed record. A cell that does not
    /// parse is kept as it is: its row is in error anyway.
    pub fn key_of(self, cells: &[&str]) -> String {
        let mut parts: Vec<String> = cells[..self.key_columns()]
            .iter()
            .map(|c| (*c).to_owned())
            .collect();
        match self {
            Kind::ComplaintStep | Kind::ActionStep => {
                if let Ok(at) = Timestamp::parse(&parts[2]) {
                    parts[2] = at.to_string();
                }
            }
            Kind::CalendarDay => {
                if let Ok(date) = Day::parse(&parts[0]) {
                    parts[0] = date.to_string();
                }
            }
            _ => {}
        }
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        key_from_parts(&parts)
    }

    /// Checks one key cell of a `void` row (of which only the key is read): an id, or the
    /// token, step, date or date-time the key column holds.
    pub fn check_key_cell(self, column: &str, cell: &str) -> Result<(), String> {
        match (self, column) {
            (Kind::SurveyAnswer, "question") => check_token(cell),
            (Kind::ComplaintStep, "step") => cell.parse::<ComplaintStepKind>().map(drop),
            (Kind::ActionStep, "step") => cell.parse::<ActionStepKind>().map(drop),
            (_, "at") => Timestamp::parse(cell).map(drop),
            (Kind::CalendarDay, "date") => Day::parse(cell).map(drop),
            _ => check_id(cell),
        }
    }

    /// Turns a key as people write it ([`display_key`]: parts joined by `/`) into the
    /// stored key, for `history`: `Q1/consultant_attitude`,
    /// `T1/replied/2025-04-10 09:05` (a date-time in any accepted form), `2025-10-01`.
    /// Ids may hold `/`, so a composite key is split at its last separators.
    pub fn key_from_display(self, text: &str) -> Result<String, String> {
        match self {
            Kind::SurveyAnswer => match text.rsplit_once('/') {
                Some((survey, question)) => Ok(key_from_parts(&[survey, question])),
                None => Err(crate::say!(
                    "a survey answer is named SURVEY_ID/QUESTION, e.g. Q000001/consultant_attitude; got `{text}`",
                    "调查答案的写法是 SURVEY_ID/QUESTION，例如 Q000001/consultant_attitude；收到的是 `{text}`"
                )),
            },
            Kind::ComplaintStep | Kind::ActionStep => {
                let steps: Vec<&str> = match self {
                    Kind::ComplaintStep => {
                        ComplaintStepKind::ALL.iter().map(|s| s.as_str()).collect()
                    }
                    _ => ActionStepKind::ALL.iter().map(|s| s.as_str()).collect(),
                };
                let split = steps
                    .iter()
                    .filter_map(|step| {
                        text.rfind(&format!("/{step}/"))
                            .map(|at| (at, &text[..at], *step, &text[at + step.len() + 2..]))
                    })
                    .max_by_key(|(at, ..)| *at);
                match split {
                    Some((_, id, step, at)) => Ok(self.key_of(&[id, step, at])),
                    None => Err(crate::say!(
                        "a {} is named ID/STEP/AT, e.g. {}/{}/2025-04-10 09:05:00 (steps: {}); got `{text}`",
                        "{}的写法是 ID/STEP/AT，例如 {}/{}/2025-04-10 09:05:00（步骤：{}）；收到的是 `{text}`",
                        self.noun_said(),
                        if self == Kind::ComplaintStep {
                            "T00000001"
                        } else {
                            "M00000001"
                        },
                        steps[0],
                        steps.join(", ")
                    )),
                }
            }
            _ => Ok(self.key_of(&[text])),
        }
    }

    /// Parses a kind as written on the command line: the file name without `.csv`, or the
    /// singular (`sale`, `order`, `policy`, `attempt`, `answer` …).
    pub fn parse_name(text: &str) -> Option<Kind> {
        let text = text.strip_suffix(".csv").unwrap_or(text);
        Some(match text {
            "staff" => Kind::Staff,
            "customers" | "customer" => Kind::Customer,
            "sales" | "sale" => Kind::Sale,
            "service_orders" | "service_order" | "orders" | "order" => Kind::ServiceOrder,
            "insurance" | "policies" | "policy" => Kind::Policy,
            "contacts" | "contact" | "attempts" | "attempt" => Kind::Attempt,
            "surveys" | "survey" => Kind::Survey,
            "survey_answers" | "survey_answer" | "answers" | "answer" => Kind::SurveyAnswer,
            "complaints" | "complaint" => Kind::Complaint,
            "complaint_steps" | "complaint_step" => Kind::ComplaintStep,
            "actions" | "action" => Kind::Action,
            "action_steps" | "action_step" => Kind::ActionStep,
            "calendar" | "calendar_day" | "calendar_days" => Kind::CalendarDay,
            _ => return None,
        })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The separator inside a composite key. Ids cannot hold control characters, so the key of a
/// survey answer, `SURVEY\tQUESTION`, is unambiguous, and all answers of one survey form the
/// contiguous key range `SURVEY\t` .. `SURVEY\n`.
pub const KEY_SEPARATOR: char = '\t';

pub fn key_from_parts(parts: &[&str]) -> String {
    parts.join(&KEY_SEPARATOR.to_string())
}

/// A key as people write it: composite parts joined by `/`.
pub fn display_key(key: &str) -> String {
    key.replace(KEY_SEPARATOR, "/")
}

macro_rules! token_enum {
    ($(#[$meta:meta])* $name:ident ($noun:literal, $noun_zh:literal) { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(crate::say!(
                        "`{}` is not a valid {}; use one of: {}",
                        "`{}` 不是有效的{}；请用其中之一：{}",
                        text,
                        crate::voice::pick($noun, $noun_zh),
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

token_enum!(
    /// How an attempt reached (or tried to reach) the customer.
    Channel ("channel", "渠道") { Phone = "phone", Sms = "sms", Wechat = "wechat", Letter = "letter", Email = "email", Visit = "visit" }
);
token_enum!(
    /// What an attempt was for; every purpose but `care` and `insurance_renewal` can credit a
    /// return-visit task.
    Purpose ("purpose", "目的") {
        DeliveryCall1 = "delivery_call_1",
        ThankYouLetter = "thank_you_letter",
        DeliveryCall2 = "delivery_call_2",
        DeliveryCall3 = "delivery_call_3",
        ServiceFollowup = "service_followup",
        ChurnRecovery = "churn_recovery",
        Care = "care",
        InsuranceRenewal = "insurance_renewal",
    }
);
impl Purpose {
    /// `care` and `insurance_renewal`: the purposes of the care tasks (DOMAIN.md section 14),
    /// which never count in the visits report.
    pub fn is_care(self) -> bool {
        matches!(self, Purpose::Care | Purpose::InsuranceRenewal)
    }
}

token_enum!(
    /// What came of an attempt.
    Outcome ("outcome", "结果") {
        Reached = "reached",
        Sent = "sent",
        NoAnswer = "no_answer",
        Busy = "busy",
        WrongNumber = "wrong_number",
        Refused = "refused",
        Callback = "callback",
    }
);

token_enum!(
    /// A step of a complaint's handling (DOMAIN.md section 12).
    ComplaintStepKind ("complaint step", "投诉处理步骤") {
        Escalated = "escalated",
        Replied = "replied",
        Resolved = "resolved",
        Reopened = "reopened",
    }
);
token_enum!(
    /// 整改 (corrective: fixes a problem that occurred) or 预防 (preventive: keeps one from
    /// occurring), DOMAIN.md section 13.
    ActionKind ("action kind", "措施类型") {
        Corrective = "corrective",
        Preventive = "preventive",
    }
);
token_enum!(
    /// A step of an action's follow-up (DOMAIN.md section 13).
    ActionStepKind ("action step", "措施步骤") {
        Approved = "approved",
        Done = "done",
        Verified = "verified",
    }
);

/// The complaint categories of seed `001_*` (投诉类别), with their Chinese names. Any other
/// token is a valid category too, reported under its own name.
pub const COMPLAINT_CATEGORIES: [(&str, &str); 6] = [
    ("service_attitude", "服务态度"),
    ("information", "需要资讯"),
    ("broken_promise", "空头承诺"),
    ("response_time", "回应时间"),
    ("product_quality", "产品品质"),
    ("process", "系统流程"),
];

/// The Chinese name of one of the six complaint categories of DOMAIN.md section 12, for the
/// renderers; `None` for any other token (shown as the token itself).
pub fn category_name_zh(token: &str) -> Option<&'static str> {
    COMPLAINT_CATEGORIES
        .iter()
        .find(|(t, _)| *t == token)
        .map(|(_, zh)| *zh)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Staff {
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub role: Option<String>,
    pub active_from: Day,
    /// Inclusive; `None` while still active.
    pub active_to: Option<Day>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Customer {
    pub customer_id: String,
    pub name: String,
    pub phone: Option<String>,
    pub family_id: Option<String>,
    pub tags: Vec<String>,
    pub created_on: Day,
    /// Whether the customer agrees to be contacted (China's PIPL, DOMAIN.md section 14):
    /// without it they get no care task and appear on no work list.
    pub contact_consent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sale {
    pub sale_id: String,
    pub customer_id: String,
    pub vin: Option<String>,
    pub delivered_at: Timestamp,
    pub consultant_id: Option<String>,
    pub amount: Fen,
    pub referrer_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub policy_id: String,
    pub customer_id: String,
    pub start_on: Day,
    pub referrer_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub attempt_id: String,
    pub customer_id: String,
    pub at: Timestamp,
    pub channel: Channel,
    pub staff_id: Option<String>,
    pub purpose: Purpose,
    pub outcome: Outcome,
    pub note: Option<String>,
    /// Why the customer left, on a `churn_recovery` attempt (DOMAIN.md section 14).
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyAnswer {
    pub survey_id: String,
    pub question: String,
    pub score: u8,
}

/// A complaint (投诉): raised when the dealership learned of it, about a department.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Complaint {
    pub complaint_id: String,
    pub customer_id: String,
    /// When the dealership learned of it: the complaint clock starts here.
    pub raised_at: Timestamp,
    /// A token: one of [`COMPLAINT_CATEGORIES`] or any other.
    pub category: String,
    /// The department complained about (a token, like survey subjects).
    pub department: String,
    /// How it came in (a token: `phone`, `survey`, `walk_in` …).
    pub channel: Option<String>,
    /// The call that found it; an attempt of the same customer.
    pub attempt_id: Option<String>,
    /// The survey it came from; a survey of the same customer.
    pub survey_id: Option<String>,
    /// Who handles it.
    pub owner_id: Option<String>,
    pub summary: Option<String>,
}

/// One step of a complaint; key (complaint_id, step, at).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComplaintStep {
    pub complaint_id: String,
    pub step: ComplaintStepKind,
    /// Never before the complaint's raised_at (an import error).
    pub at: Timestamp,
    pub staff_id: Option<String>,
    pub note: Option<String>,
}

/// A corrective or preventive action (整改措施/预防措施) with an owner and a due date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub action_id: String,
    pub raised_on: Day,
    pub kind: ActionKind,
    /// An issue token or a complaint category.
    pub subject: String,
    pub complaint_id: Option<String>,
    pub owner_id: String,
    /// Never before raised_on.
    pub due_on: Day,
    pub summary: Option<String>,
}

/// One step of an action; key (action_id, step, at).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionStep {
    pub action_id: String,
    pub step: ActionStepKind,
    /// Never before the action's raised_on (an import error).
    pub at: Timestamp,
    pub staff_id: Option<String>,
    pub note: Option<String>,
}

/// One date of the working calendar that overrides the default week (a public holiday off,
/// a 调休 make-up day on); key = date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: Day,
    pub working: bool,
    pub name: Option<String>,
}

/// One record of any kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    Staff(Staff),
    Customer(Customer),
    Sale(Sale),
    ServiceOrder(ServiceOrder),
    Policy(Policy),
    Attempt(Attempt),
    Survey(Survey),
    SurveyAnswer(SurveyAnswer),
    Complaint(Complaint),
    ComplaintStep(ComplaintStep),
    Action(Action),
    ActionStep(ActionStep),
    CalendarDay(CalendarDay),
}

/// A reference from one record to another, by the column that holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference<'a> {
    pub column: &'static str,
    pub target: Kind,
    pub key: &'a str,
}

fn reference<'a>(column: &'static str, target: Kind, key: &'a str) -> Reference<'a> {
    Reference {
        column,
        target,
        key,
    }
}

fn cell_opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}

impl Record {
    pub fn kind(&self) -> Kind {
        match self {
            Record::Staff(_) => Kind::Staff,
            Record::Customer(_) => Kind::Customer,
            Record::Sale(_) => Kind::Sale,
            Record::ServiceOrder(_) => Kind::ServiceOrder,
            Record::Policy(_) => Kind::Policy,
            Record::Attempt(_) => Kind::Attempt,
            Record::Survey(_) => Kind::Survey,
            Record::SurveyAnswer(_) => Kind::SurveyAnswer,
            Record::Complaint(_) => Kind::Complaint,
            Record::ComplaintStep(_) => Kind::ComplaintStep,
            Record::Action(_) => Kind::Action,
            Record::ActionStep(_) => Kind::ActionStep,
            Record::CalendarDay(_) => Kind::CalendarDay,
        }
    }

    pub fn into_sale(self) -> Option<Sale> {
        if let Record::Sale(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_service_order(self) -> Option<ServiceOrder> {
        if let Record::ServiceOrder(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_attempt(self) -> Option<Attempt> {
        if let Record::Attempt(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_survey(self) -> Option<Survey> {
        if let Record::Survey(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_customer(self) -> Option<Customer> {
        if let Record::Customer(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_staff(self) -> Option<Staff> {
        if let Record::Staff(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_policy(self) -> Option<Policy> {
        if let Record::Policy(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_survey_answer(self) -> Option<SurveyAnswer> {
        if let Record::SurveyAnswer(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_complaint(self) -> Option<Complaint> {
        if let Record::Complaint(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_complaint_step(self) -> Option<ComplaintStep> {
        if let Record::ComplaintStep(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_action(self) -> Option<Action> {
        if let Record::Action(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_action_step(self) -> Option<ActionStep> {
        if let Record::ActionStep(r) = self {
            Some(r)
        } else {
            None
        }
    }

    pub fn into_calendar_day(self) -> Option<CalendarDay> {
        if let Record::CalendarDay(r) = self {
            Some(r)
        } else {
            None
        }
    }

    /// The stored key (see [`KEY_SEPARATOR`] for composite keys).
    pub fn key(&self) -> String {
        self.key_ref().into_owned()
    }

    /// [`Record::key`], borrowed from the record where it is one of its cells (every kind
    /// but those keyed by several cells, and calendar days).
    pub fn key_ref(&self) -> Cow<'_, str> {
        match self {
            Record::Staff(r) => Cow::Borrowed(&r.staff_id),
            Record::Customer(r) => Cow::Borrowed(&r.customer_id),
            Record::Sale(r) => Cow::Borrowed(&r.sale_id),
            Record::ServiceOrder(r) => Cow::Borrowed(&r.order_id),
            Record::Policy(r) => Cow::Borrowed(&r.policy_id),
            Record::Attempt(r) => Cow::Borrowed(&r.attempt_id),
            Record::Survey(r) => Cow::Borrowed(&r.survey_id),
            Record::SurveyAnswer(r) => Cow::Owned(key_from_parts(&[&r.survey_id, &r.question])),
            Record::Complaint(r) => Cow::Borrowed(&r.complaint_id),
            Record::ComplaintStep(r) => Cow::Owned(key_from_parts(&[
                &r.complaint_id,
                r.step.as_str(),
                &r.at.to_string(),
            ])),
            Record::Action(r) => Cow::Borrowed(&r.action_id),
            Record::ActionStep(r) => Cow::Owned(key_from_parts(&[
                &r.action_id,
                r.step.as_str(),
                &r.at.to_string(),
            ])),
            Record::CalendarDay(r) => Cow::Owned(r.date.to_string()),
        }
    }

    /// The customer the record belongs to, if it belongs to one.
    pub fn customer_id(&self) -> Option<&str> {
        match self {
            Record::Customer(r) => Some(&r.customer_id),
            Record::Sale(r) => Some(&r.customer_id),
            Record::ServiceOrder(r) => Some(&r.customer_id),
            Record::Policy(r) => Some(&r.customer_id),
            Record::Attempt(r) => Some(&r.customer_id),
            Record::Survey(r) => Some(&r.customer_id),
            Record::Complaint(r) => Some(&r.customer_id),
            // Steps and actions belong to a complaint or to the dealership, not to a customer
            // directly; the calendar to nobody.
            Record::Staff(_)
            | Record::SurveyAnswer(_)
            | Record::ComplaintStep(_)
            | Record::Action(_)
            | Record::ActionStep(_)
            | Record::CalendarDay(_) => None,
        }
    }

    /// The moment the record is dated by, for the time index: the event time, or midnight of
    /// the event date. Survey answers are dated by their survey and have none. A calendar day
    /// is dated by its date (it is no event: `Reader::latest_time` leaves it out).
    pub fn time(&self) -> Option<Timestamp> {
        match self {
            Record::Staff(r) => Some(r.active_from.start()),
            Record::Customer(r) => Some(r.created_on.start()),
            Record::Sale(r) => Some(r.delivered_at),
            Record::ServiceOrder(r) => Some(r.opened_at),
            Record::Policy(r) => Some(r.start_on.start()),
            Record::Attempt(r) => Some(r.at),
            Record::Survey(r) => Some(r.at),
            Record::SurveyAnswer(_) => None,
            Record::Complaint(r) => Some(r.raised_at),
            Record::ComplaintStep(r) => Some(r.at),
            Record::Action(r) => Some(r.raised_on.start()),
            Record::ActionStep(r) => Some(r.at),
            Record::CalendarDay(r) => Some(r.date.start()),
        }
    }

    /// Every reference this record holds to another record.
    pub fn references(&self) -> Vec<Reference<'_>> {
        let mut refs = Vec::new();
        fn push<'a>(
            refs: &mut Vec<Reference<'a>>,
            column: &'static str,
            target: Kind,
            key: &'a Option<String>,
        ) {
            if let Some(key) = key {
                refs.push(reference(column, target, key));
            }
        }
        match self {
            Record::Staff(_) | Record::Customer(_) => {}
            Record::Sale(r) => {
                push(&mut refs, "consultant_id", Kind::Staff, &r.consultant_id);
                push(&mut refs, "referrer_id", Kind::Customer, &r.referrer_id);
                refs.push(reference("customer_id", Kind::Customer, &r.customer_id));
            }
            Record::ServiceOrder(r) => {
                push(&mut refs, "advisor_id", Kind::Staff, &r.advisor_id);
                refs.push(reference("customer_id", Kind::Customer, &r.customer_id));
            }
            Record::Policy(r) => {
                push(&mut refs, "referrer_id", Kind::Customer, &r.referrer_id);
                refs.push(reference("customer_id", Kind::Customer, &r.customer_id));
            }
            Record::Attempt(r) => {
                push(&mut refs, "staff_id", Kind::Staff, &r.staff_id);
                refs.push(reference("customer_id", Kind::Customer, &r.customer_id));
            }
            Record::Survey(r) => {
                push(&mut refs, "attempt_id", Kind::Attempt, &r.attempt_id);
                refs.push(reference("customer_id", Kind::Customer, &r.customer_id));
            }
            Record::SurveyAnswer(r) => {
                refs.push(reference("survey_id", Kind::Survey, &r.survey_id));
            }
            Record::Complaint(r) => {
                push(&mut refs, "attempt_id", Kind::Attempt, &r.attempt_id);
                push(&mut refs, "survey_id", Kind::Survey, &r.survey_id);
                push(&mut refs, "owner_id", Kind::Staff, &r.owner_id);
                refs.push(reference("customer_id", Kind::Customer, &r.customer_id));
            }
            Record::ComplaintStep(r) => {
                push(&mut refs, "staff_id", Kind::Staff, &r.staff_id);
                refs.push(reference("complaint_id", Kind::Complaint, &r.complaint_id));
            }
            Record::Action(r) => {
                push(&mut refs, "complaint_id", Kind::Complaint, &r.complaint_id);
                refs.push(reference("owner_id", Kind::Staff, &r.owner_id));
            }
            Record::ActionStep(r) => {
                push(&mut refs, "staff_id", Kind::Staff, &r.staff_id);
                refs.push(reference("action_id", Kind::Action, &r.action_id));
            }
            Record::CalendarDay(_) => {}
        }
        refs
    }

    /// The cells of the record in the order of [`Kind::columns`], in canonical form.
    pub fn cells(&self) -> Vec<String> {
        match self {
            Record::Staff(r) => vec![
                r.staff_id.clone(),
                r.name.clone(),
                r.department.clone(),
                cell_opt(&r.role),
                r.active_from.to_string(),
                cell_opt(&r.active_to),
            ],
            Record::Customer(r) => vec![
                r.customer_id.clone(),
                r.name.clone(),
                cell_opt(&r.phone),
                cell_opt(&r.family_id),
                r.tags.join(";"),
                r.created_on.to_string(),
                r.contact_consent.to_string(),
            ],
            Record::Sale(r) => vec![
                r.sale_id.clone(),
                r.customer_id.clone(),
                cell_opt(&r.vin),
                r.delivered_at.to_string(),
                cell_opt(&r.consultant_id),
                r.amount.to_string(),
                cell_opt(&r.referrer_id),
            ],
            Record::ServiceOrder(r) => vec![
                r.order_id.clone(),
                r.customer_id.clone(),
                cell_opt(&r.vin),
                r.opened_at.to_string(),
                cell_opt(&r.closed_at),
                r.revenue.to_string(),
                cell_opt(&r.advisor_id),
                r.followup_consent.to_string(),
            ],
            Record::Policy(r) => vec![
                r.policy_id.clone(),
                r.customer_id.clone(),
                r.start_on.to_string(),
                cell_opt(&r.referrer_id),
            ],
            Record::Attempt(r) => vec![
                r.attempt_id.clone(),
                r.customer_id.clone(),
                r.at.to_string(),
                r.channel.to_string(),
                cell_opt(&r.staff_id),
                r.purpose.to_string(),
                r.outcome.to_string(),
                cell_opt(&r.note),
                cell_opt(&r.reason),
            ],
            Record::Survey(r) => vec![
                r.survey_id.clone(),
                cell_opt(&r.attempt_id),
                r.customer_id.clone(),
                r.at.to_string(),
                r.subject_department.clone(),
                r.overall.to_string(),
                r.issues.join(";"),
                cell_opt(&r.comment),
            ],
            Record::SurveyAnswer(r) => {
                vec![r.survey_id.clone(), r.question.clone(), r.score.to_string()]
            }
            Record::Complaint(r) => vec![
                r.complaint_id.clone(),
                r.customer_id.clone(),
                r.raised_at.to_string(),
                r.category.clone(),
                r.department.clone(),
                cell_opt(&r.channel),
                cell_opt(&r.attempt_id),
                cell_opt(&r.survey_id),
                cell_opt(&r.owner_id),
                cell_opt(&r.summary),
            ],
            Record::ComplaintStep(r) => vec![
                r.complaint_id.clone(),
                r.step.to_string(),
                r.at.to_string(),
                cell_opt(&r.staff_id),
                cell_opt(&r.note),
            ],
            Record::Action(r) => vec![
                r.action_id.clone(),
                r.raised_on.to_string(),
                r.kind.to_string(),
                r.subject.clone(),
                cell_opt(&r.complaint_id),
                r.owner_id.clone(),
                r.due_on.to_string(),
                cell_opt(&r.summary),
            ],
            Record::ActionStep(r) => vec![
                r.action_id.clone(),
                r.step.to_string(),
                r.at.to_string(),
                cell_opt(&r.staff_id),
                cell_opt(&r.note),
            ],
            Record::CalendarDay(r) => {
                vec![r.date.to_string(), r.working.to_string(), cell_opt(&r.name)]
            }
        }
    }

    /// Parses one row. `cells` holds the row's cells in the order of [`Kind::columns`]
    /// (the empty string for an absent optional column). Every bad cell is reported.
    pub fn parse(kind: Kind, cells: &[&str]) -> Result<Record, Vec<CellError>> {
        let mut p = CellParser {
            kind,
            cells,
            errors: Vec::new(),
        };
        let record = match kind {
            Kind::Staff => Record::Staff(Staff {
                staff_id: p.id("staff_id"),
                name: p.text("name"),
                department: p.token("department"),
                role: p.opt_text("role"),
                active_from: p.req("active_from", Day::parse, Day(0)),
                active_to: p.opt("active_to", Day::parse),
            }),
            Kind::Customer => Record::Customer(Customer {
                customer_id: p.id("customer_id"),
                name: p.text("name"),
                phone: p.opt("phone", |t| {
                    check_not_excel_scientific(t).map(|()| t.to_owned())
                }),
                family_id: p.opt_id("family_id"),
                tags: p.tokens("tags"),
                created_on: p.req("created_on", Day::parse, Day(0)),
                contact_consent: p
                    .opt("contact_consent", parse_bool)
                    .flatten()
                    .unwrap_or(true),
            }),
            Kind::Sale => {
                let sale = Sale {
                    sale_id: p.id("sale_id"),
                    customer_id: p.id("customer_id"),
                    vin: p.opt_id("vin"),
                    delivered_at: p.req("delivered_at", Timestamp::parse, Timestamp(0)),
                    consultant_id: p.opt_id("consultant_id"),
                    amount: p.req("amount", Fen::parse, Fen::ZERO),
                    referrer_id: p.opt_id("referrer_id"),
                };
                p.check_not_self_referral(&sale.customer_id, &sale.referrer_id);
                Record::Sale(sale)
            }
            Kind::ServiceOrder => {
                let order = ServiceOrder {
                    order_id: p.id("order_id"),
                    customer_id: p.id("customer_id"),
                    vin: p.opt_id("vin"),
                    opened_at: p.req("opened_at", Timestamp::parse, Timestamp(0)),
                    closed_at: p.opt("closed_at", Timestamp::parse),
                    revenue: p.req("revenue", Fen::parse, Fen::ZERO),
                    advisor_id: p.opt_id("advisor_id"),
                    followup_consent: p
                        .opt("followup_consent", parse_bool)
                        .flatten()
                        .unwrap_or(true),
                };
                if let Some(closed) = order.closed_at
                    && closed < order.opened_at
                {
                    p.fail(
                        "closed_at",
                        crate::say!(
                            "closed at {closed}, before it was opened at {}; a closed_at must not be earlier than opened_at",
                            "关闭时间 {closed} 早于开单时间 {}；closed_at 不能早于 opened_at",
                            order.opened_at
                        ),
                    );
                }
                Record::ServiceOrder(order)
            }
            Kind::Policy => {
                let policy = Policy {
                    policy_id: p.id("policy_id"),
                    customer_id: p.id("customer_id"),
                    start_on: p.req("start_on", Day::parse, Day(0)),
                    referrer_id: p.opt_id("referrer_id"),
                };
                p.check_not_self_referral(&policy.customer_id, &policy.referrer_id);
                Record::Policy(policy)
            }
            Kind::Attempt => Record::Attempt(Attempt {
                attempt_id: p.id("attempt_id"),
                customer_id: p.id("customer_id"),
                at: p.req("at", Timestamp::parse, Timestamp(0)),
                channel: p.req("channel", Channel::from_str, Channel::Phone),
                staff_id: p.opt_id("staff_id"),
                purpose: p.req("purpose", Purpose::from_str, Purpose::Care),
                outcome: p.req("outcome", Outcome::from_str, Outcome::Reached),
                note: p.opt_text("note"),
                reason: p.opt_token("reason"),
            }),
            Kind::Survey => Record::Survey(Survey {
                survey_id: p.id("survey_id"),
                attempt_id: p.opt_id("attempt_id"),
                customer_id: p.id("customer_id"),
                at: p.req("at", Timestamp::parse, Timestamp(0)),
                subject_department: p.token("subject_department"),
                overall: p.req("overall", parse_score, 0),
                issues: p.tokens("issues"),
                comment: p.opt_text("comment"),
            }),
            Kind::SurveyAnswer => Record::SurveyAnswer(SurveyAnswer {
                survey_id: p.id("survey_id"),
                question: p.token("question"),
                score: p.req("score", parse_score, 0),
            }),
            Kind::Complaint => Record::Complaint(Complaint {
                complaint_id: p.id("complaint_id"),
                customer_id: p.id("customer_id"),
                raised_at: p.req("raised_at", Timestamp::parse, Timestamp(0)),
                category: p.token("category"),
                department: p.token("department"),
                channel: p.opt_token("channel"),
                attempt_id: p.opt_id("attempt_id"),
                survey_id: p.opt_id("survey_id"),
                owner_id: p.opt_id("owner_id"),
                summary: p.opt_text("summary"),
            }),
            Kind::ComplaintStep => Record::ComplaintStep(ComplaintStep {
                complaint_id: p.id("complaint_id"),
                step: p.req(
                    "step",
                    ComplaintStepKind::from_str,
                    ComplaintStepKind::Escalated,
                ),
                at: p.req("at", Timestamp::parse, Timestamp(0)),
                staff_id: p.opt_id("staff_id"),
                note: p.opt_text("note"),
            }),
            Kind::Action => {
                let action = Action {
                    action_id: p.id("action_id"),
                    raised_on: p.req("raised_on", Day::parse, Day(0)),
                    kind: p.req("kind", ActionKind::from_str, ActionKind::Corrective),
                    subject: p.token("subject"),
                    complaint_id: p.opt_id("complaint_id"),
                    owner_id: p.id("owner_id"),
                    due_on: p.req("due_on", Day::parse, Day(0)),
                    summary: p.opt_text("summary"),
                };
                if action.due_on < action.raised_on && p.errors.is_empty() {
                    p.fail(
                        "due_on",
                        crate::say!(
                            "due on {}, before the action was raised on {}; a due_on must not be earlier than raised_on",
                            "到期日 {} 早于整改措施的提出日期 {}；due_on 不能早于 raised_on",
                            action.due_on, action.raised_on
                        ),
                    );
                }
                Record::Action(action)
            }
            Kind::ActionStep => Record::ActionStep(ActionStep {
                action_id: p.id("action_id"),
                step: p.req("step", ActionStepKind::from_str, ActionStepKind::Approved),
                at: p.req("at", Timestamp::parse, Timestamp(0)),
                staff_id: p.opt_id("staff_id"),
                note: p.opt_text("note"),
            }),
            Kind::CalendarDay => Record::CalendarDay(CalendarDay {
                date: p.req("date", Day::parse, Day(0)),
                working: p.req(
                    "working",
                    |t| parse_bool(t).map(|b| b.unwrap_or(false)),
                    false,
                ),
                name: p.opt_text("name"),
            }),
        };
        if p.errors.is_empty() {
            Ok(record)
        } else {
            Err(p.errors)
        }
    }
}

/// A bad cell: the column and a reason that says how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellError {
    pub column: &'static str,
    pub reason: String,
}

/// Reads the cells of one row by column name, collecting every error instead of stopping at
/// the first, so one import run reports all of a file's problems.
struct CellParser<'a> {
    kind: Kind,
    cells: &'a [&'a str],
    errors: Vec<CellError>,
}

impl CellParser<'_> {
    fn cell(&self, column: &'static str) -> &str {
        let index = self
            .kind
            .columns()
            .iter()
            .position(|c| c.name == column)
            .expect("column names in Record::parse match Kind::columns");
        self.cells[index]
    }

    fn fail(&mut self, column: &'static str, reason: String) {
        self.errors.push(CellError { column, reason });
    }

    fn opt<T>(
        &mut self,
        column: &'static str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.cell(column);
        if text.is_empty() {
            return None;
        }
        match parse(text) {
            Ok(v) => Some(v),
            Err(reason) => {
                // Parsers quote the cell as `cell`; the message shows its echo instead, so a
                // phone in the wrong column or a 10 000-character note is not repeated in
                // full (PIPL). `ImportError::new` redacts quotes again, but only here is it
                // known exactly where the cell starts and ends.
                let quoted = format!("`{text}`");
                let reason = if reason.contains(&quoted) {
                    reason.replace(&quoted, &format!("`{}`", super::privacy::echo(text)))
                } else {
                    reason
                };
                self.fail(column, reason);
                None
            }
        }
    }

    /// A required cell; `placeholder` stands in after an error (the record is discarded).
    fn req<T>(
        &mut self,
        column: &'static str,
        parse: impl Fn(&str) -> Result<T, String>,
        placeholder: T,
    ) -> T {
        if self.cell(column).is_empty() {
            self.fail(
                column,
                crate::voice::pick(
                    "is empty; this column is required, fill it in",
                    "为空；这一列必填，请填写",
                )
                .into(),
            );
            return placeholder;
        }
        self.opt(column, parse).unwrap_or(placeholder)
    }

    fn id(&mut self, column: &'static str) -> String {
        self.req(
            column,
            |t| check_id(t).map(|()| t.to_owned()),
            String::new(),
        )
    }

    fn opt_id(&mut self, column: &'static str) -> Option<String> {
        self.opt(column, |t| check_id(t).map(|()| t.to_owned()))
    }

    fn token(&mut self, column: &'static str) -> String {
        self.req(
            column,
            |t| check_token(t).map(|()| t.to_owned()),
            String::new(),
        )
    }

    fn opt_token(&mut self, column: &'static str) -> Option<String> {
        self.opt(column, |t| check_token(t).map(|()| t.to_owned()))
    }

    fn tokens(&mut self, column: &'static str) -> Vec<String> {
        self.opt(column, parse_tokens).unwrap_or_default()
    }

    fn text(&mut self, column: &'static str) -> String {
        self.req(column, |t| Ok(t.to_owned()), String::new())
    }

    /// A referral names another customer: one naming the buyer would count towards the
    /// buyer's own tier (S3, S6, V3, V6 of DOMAIN.md section 7).
    fn check_not_self_referral(&mut self, customer_id: &str, referrer_id: &Option<String>) {
        if referrer_id.as_deref() == Some(customer_id) && !customer_id.is_empty() {
            self.fail(
                "referrer_id",
                crate::say!(
                    "`{customer_id}` is the customer themself; a referrer is another customer, or leave it empty",
                    "`{customer_id}` 就是客户本人；推荐人须是另一位客户，或者留空"
                ),
            );
        }
    }

    fn opt_text(&mut self, column: &'static str) -> Option<String> {
        self.opt(column, |t| Ok(t.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_through_cells() {
        let row = [
            "R0000001",
            "C00011",
            "LFV3A23C5K3012345",
            "2024-07-13 09:00",
            "2024-07-13T11:00:00",
            "380.0",
            "SH003",
            "",
        ];
        let record = Record::parse(Kind::ServiceOrder, &row).unwrap();
        let cells = record.cells();
        assert_eq!(
            cells,
            [
                "R0000001",
                "C00011",
                "LFV3A23C5K3012345",
                "2024-07-13 09:00:00",
                "2024-07-13 11:00:00",
                "380.00",
                "SH003",
                "true"
            ]
        );
        let again: Vec<&str> = cells.iter().map(String::as_str).collect();
        assert_eq!(Record::parse(Kind::ServiceOrder, &again).unwrap(), record);
    }

    #[test]
    fn every_bad_cell_is_reported() {
        let row = [
            "A1",
            "C1",
            "2024-13-01 09:00",
            "fax",
            "",
            "delivery_call_1",
            "maybe",
            "",
            "",
        ];
        let errors = Record::parse(Kind::Attempt, &row).unwrap_err();
        let columns: Vec<_> = errors.iter().map(|e| e.column).collect();
        assert_eq!(columns, ["at", "channel", "outcome"]);
        assert!(
            errors[1].reason.contains("phone, sms, wechat"),
            "{}",
            errors[1].reason
        );
    }

    #[test]
    fn a_customer_cannot_refer_themself() {
        let row = ["S1", "C1", "", "2024-01-15 10:30", "", "1", "C1"];
        let errors = Record::parse(Kind::Sale, &row).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].column, "referrer_id");
        let row = ["P1", "C1", "2024-03-01", "C1"];
        assert_eq!(
            Record::parse(Kind::Policy, &row).unwrap_err()[0].column,
            "referrer_id"
        );
    }

    #[test]
    fn closed_before_opened_is_rejected() {
        let row = [
            "R1",
            "C1",
            "",
            "2024-07-13 09:00",
            "2024-07-13 08:59",
            "1",
            "",
            "否",
        ];
        let errors = Record::parse(Kind::ServiceOrder, &row).unwrap_err();
        assert_eq!(errors[0].column, "closed_at");
    }
}
