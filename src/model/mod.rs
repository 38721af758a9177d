//! Record types and value types: what a row of an interchange file means.
//!
//! *Architecture invariant:* nothing here touches redb or the file system.

mod records;
mod values;

pub use records::{
    display_key, key_from_parts, Attempt, CellError, Channel, Column, Customer, Kind, Outcome,
    Policy, Purpose, Record, Reference, Sale, ServiceOrder, Staff, Survey, SurveyAnswer,
    KEY_SEPARATOR,
};
pub use values::{
    check_id, check_token, mask_phone, parse_bool, parse_score, parse_tokens, Day, Fen,
    Timestamp, ID_BYTES_MAX,
};
