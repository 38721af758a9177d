//! The eight record kinds of the interchange files (DOMAIN.md section 2) and their columns.
//!
//! A record is the parsed content of one CSV row. These are domain types, free to change:
//! the store keeps its own copies of them (`store::stored::v1`, format 1) and converts at its
//! boundary, so a change here changes no stored byte (a new field to keep is a new format,
//! see `store::stored`).

use std::fmt;
use std::str::FromStr;

use super::values::{
    Day, Fen, Timestamp, check_id, check_token, parse_bool, parse_score, parse_tokens,
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
}

/// One column of an interchange file.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}
const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
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

impl Kind {
    /// Every kind, in dependency order: a kind only references kinds before it.
    pub const ALL: [Kind; 8] = [
        Kind::Staff,
        Kind::Customer,
        Kind::Sale,
        Kind::ServiceOrder,
        Kind::Policy,
        Kind::Attempt,
        Kind::Survey,
        Kind::SurveyAnswer,
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
        }
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
        }
    }

    /// How many leading columns make up the key.
    pub fn key_columns(self) -> usize {
        match self {
            Kind::SurveyAnswer => 2,
            _ => 1,
        }
    }

    /// Builds the stored key from the key cells (see [`key_from_parts`]).
    pub fn key_of(self, cells: &[&str]) -> String {
        key_from_parts(&cells[..self.key_columns()])
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
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
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
                    _ => Err(format!(
                        "`{}` is not a valid {}; use one of: {}",
                        text,
                        stringify!($name).to_lowercase(),
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
    Channel { Phone = "phone", Sms = "sms", Wechat = "wechat", Letter = "letter", Email = "email", Visit = "visit" }
);
token_enum!(
    /// What an attempt was for; every purpose but `care` can credit a return-visit task.
    Purpose {
        DeliveryCall1 = "delivery_call_1",
        ThankYouLetter = "thank_you_letter",
        DeliveryCall2 = "delivery_call_2",
        DeliveryCall3 = "delivery_call_3",
        ServiceFollowup = "service_followup",
        ChurnRecovery = "churn_recovery",
        Care = "care",
    }
);
token_enum!(
    /// What came of an attempt.
    Outcome {
        Reached = "reached",
        Sent = "sent",
        NoAnswer = "no_answer",
        Busy = "busy",
        WrongNumber = "wrong_number",
        Refused = "refused",
        Callback = "callback",
    }
);

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

    /// The stored key (see [`KEY_SEPARATOR`] for composite keys).
    pub fn key(&self) -> String {
        match self {
            Record::Staff(r) => r.staff_id.clone(),
            Record::Customer(r) => r.customer_id.clone(),
            Record::Sale(r) => r.sale_id.clone(),
            Record::ServiceOrder(r) => r.order_id.clone(),
            Record::Policy(r) => r.policy_id.clone(),
            Record::Attempt(r) => r.attempt_id.clone(),
            Record::Survey(r) => r.survey_id.clone(),
            Record::SurveyAnswer(r) => key_from_parts(&[&r.survey_id, &r.question]),
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
            Record::Staff(_) | Record::SurveyAnswer(_) => None,
        }
    }

    /// The moment the record is dated by, for the time index: the event time, or midnight of
    /// the event date. Survey answers are dated by their survey and have none.
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
                phone: p.opt_text("phone"),
                family_id: p.opt_id("family_id"),
                tags: p.tokens("tags"),
                created_on: p.req("created_on", Day::parse, Day(0)),
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
                        format!(
                            "closed at {closed}, before it was opened at {}; a closed_at must not be earlier than opened_at",
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
                "is empty; this column is required, fill it in".into(),
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
                format!("`{customer_id}` is the customer themself; a referrer is another customer, or leave it empty"),
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
