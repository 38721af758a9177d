//! Record types and value types: what a row of an interchange file means.
//!
//! *Architecture invariant:* nothing here touches redb or the file system.

mod period;
pub mod privacy;
mod records;
mod values;

pub use period::{Period, PeriodKind, REPORTING_YEAR_MAX, REPORTING_YEAR_MIN};
pub use privacy::{echo, escape_controls, redact_message};
pub use records::{
    Action, ActionKind, ActionStep, ActionStepKind, Attempt, COMPLAINT_CATEGORIES, CalendarDay,
    CellError, Channel, Column, Complaint, ComplaintStep, ComplaintStepKind, Customer,
    KEY_SEPARATOR, Kind, Outcome, Policy, Purpose, Record, Reference, Sale, ServiceOrder, Staff,
    Survey, SurveyAnswer, category_name_zh, display_key, key_from_parts,
};
pub use values::{
    Day, Fen, ID_BYTES_MAX, MoneyOverflow, Timestamp, check_id, check_token, mask_phone,
    parse_bool, parse_score, parse_tokens,
};
