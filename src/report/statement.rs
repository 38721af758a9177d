//! The payout statement as the CSV finance pays from (issue 15, item 2).
//!
//! It says what it is before anything else, and every column of figures adds up to its
//! total exactly once:
//!
//! 1. a `field,value` block: `report` (`payouts`), `month`, `status` (`open` or `closed`),
//!    `closed_at` and `sha256` (empty for an open month), `total`, `adjustments_total`,
//!    `payable_total` (total + adjustments), `changes_since_close_total` (empty unless a
//!    closed month changed since), `people` and `lines` (how many rows follow);
//! 2. the people: `staff_id,name,department,amount,adjustment,payable`, one row per person
//!    and no total row, so `SUM()` over `amount` is `total` and over `payable` is
//!    `payable_total`;
//! 3. the lines, with the contract's columns (DOMAIN.md section 9), no total row either
//!    (`SUM()` over `amount` is `total` again);
//! 4. the prior-period adjustments and the changes since close, when there are any, with
//!    the same columns as each other (their totals are in the first block).
//!
//! Blocks are separated by an empty line. Keys and tokens are English in every language
//! (a CSV is read by programs; `--lang` changes nothing here), the text is UTF-8 with a BOM
//! (Excel on Chinese Windows, LibreOffice's import both detect UTF-8 by it), line ends are
//! CRLF, and formula-like cells are guarded ([`csv_document`]).

use super::csv_document;
use crate::csvio::BOM;
use crate::kpi::payouts::{AdjustmentLine, Statement};
use crate::model::Fen;

/// The columns of the people block.
pub const PEOPLE_HEADER: [&str; 6] = [
    "staff_id",
    "name",
    "department",
    "amount",
    "adjustment",
    "payable",
];

/// The columns of the lines block: the contract's keys of a line.
pub const LINE_HEADER: [&str; 11] = [
    "period",
    "period_start",
    "period_end",
    "tier",
    "department",
    "surveys",
    "satisfied",
    "outcome",
    "per_member",
    "members",
    "amount",
];

/// The columns of the adjustments and changes-since-close blocks.
pub const ADJUSTMENT_HEADER: [&str; 8] = [
    "section",
    "adjusts",
    "period",
    "tier",
    "department",
    "paid",
    "now",
    "amount",
];

/// Whether a statement is of a closed month: `closed` or `open`.
pub fn status(s: &Statement) -> &'static str {
    if s.closed.is_some() { "closed" } else { "open" }
}

/// What finance pays for the month: the total plus the prior-period adjustments it carries.
pub fn payable_total(s: &Statement) -> Fen {
    s.payable_total.unwrap_or(s.total)
}

/// The first block's fields, in order, as (key, value).
pub fn summary_fields(s: &Statement) -> Vec<(&'static str, String)> {
    let (closed_at, sha256) = s
        .closed
        .as_ref()
        .map(|c| (c.closed_at.clone(), c.sha256.clone()))
        .unwrap_or_default();
    vec![
        ("report", "payouts".to_owned()),
        ("month", s.month.clone()),
        ("status", status(s).to_owned()),
        ("closed_at", closed_at),
        ("sha256", sha256),
        ("total", s.total.to_string()),
        (
            "adjustments_total",
            s.adjustments_total.unwrap_or_default().to_string(),
        ),
        ("payable_total", payable_total(s).to_string()),
        (
            "changes_since_close_total",
            s.changes_since_close_total
                .map(|f| f.to_string())
                .unwrap_or_default(),
        ),
        ("people", s.people.len().to_string()),
        ("lines", s.lines.len().to_string()),
    ]
}

/// A person's payable: their amount plus their adjustment (the amount when there is none).
pub fn person_payable(p: &crate::kpi::payouts::PersonLine) -> Fen {
    p.payable.unwrap_or(p.amount)
}

fn adjustment_row(section: &str, a: &AdjustmentLine) -> Vec<String> {
    vec![
        section.to_owned(),
        a.adjusts.clone(),
        a.period.clone(),
        a.tier.clone(),
        a.department.clone(),
        a.paid.to_string(),
        a.now.to_string(),
        a.amount.to_string(),
    ]
}

/// The statement's CSV (see the module's documentation for its blocks).
pub fn csv(s: &Statement) -> Vec<u8> {
    let mut bytes = BOM.to_vec();
    let fields: Vec<Vec<String>> = summary_fields(s)
        .into_iter()
        .map(|(k, v)| vec![k.to_owned(), v])
        .collect();
    bytes.extend(csv_document(&["field", "value"], &fields));

    bytes.extend(b"\r\n");
    let people: Vec<Vec<String>> = s
        .people
        .iter()
        .map(|p| {
            vec![
                p.staff_id.clone(),
                p.name.clone(),
                p.department.clone(),
                p.amount.to_string(),
                p.adjustment.unwrap_or_default().to_string(),
                person_payable(p).to_string(),
            ]
        })
        .collect();
    bytes.extend(csv_document(&PEOPLE_HEADER, &people));

    bytes.extend(b"\r\n");
    let lines: Vec<Vec<String>> = s
        .lines
        .iter()
        .map(|l| {
            vec![
                l.period.label.clone(),
                l.period.first.to_string(),
                l.period.last.to_string(),
                l.tier.as_str().to_owned(),
                l.department.clone(),
                l.surveys.to_string(),
                l.satisfied.to_string(),
                l.outcome.as_str().to_owned(),
                l.per_member.to_string(),
                l.members.to_string(),
                l.amount.to_string(),
            ]
        })
        .collect();
    bytes.extend(csv_document(&LINE_HEADER, &lines));

    if !s.adjustments.is_empty() || !s.changes_since_close.is_empty() {
        bytes.extend(b"\r\n");
        let rows: Vec<Vec<String>> = s
            .adjustments
            .iter()
            .map(|a| adjustment_row("prior_period_adjustment", a))
            .chain(
                s.changes_since_close
                    .iter()
                    .map(|a| adjustment_row("change_since_close", a)),
            )
            .collect();
        bytes.extend(csv_document(&ADJUSTMENT_HEADER, &rows));
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(json: &str) -> Statement {
        serde_json::from_str(json).unwrap()
    }

    /// The blocks of a CSV, each a list of rows of cells.
    fn blocks(bytes: &[u8]) -> Vec<Vec<Vec<String>>> {
        let text = std::str::from_utf8(bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("a BOM");
        text.split("\r\n\r\n")
            .map(|block| {
                block
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(|l| l.split(',').map(str::to_owned).collect())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_first_block_says_what_the_statement_is_and_amounts_sum_once() {
        let s = statement(
            r#"{"month": "2024-04",
                "lines": [{"period": "2024-04", "period_start": "2024-04-01",
                           "period_end": "2024-04-30", "tier": "vip",
                           "department": "customer_care", "surveys": 2, "satisfied": 2,
                           "outcome": "reward", "per_member": "100.00", "members": 2,
                           "amount": "200.00"}],
                "people": [
                  {"staff_id": "KF001", "name": "李静", "department": "customer_care",
                   "amount": "100.00", "adjustment": "-150.00", "payable": "-50.00"},
                  {"staff_id": "KF002", "name": "王芳", "department": "customer_care",
                   "amount": "100.00", "adjustment": "-150.00", "payable": "-50.00"}],
                "total": "200.00",
                "adjustments": [{"adjusts": "2024-03", "period": "2024-03", "tier": "vip",
                                 "department": "customer_care", "paid": "200.00",
                                 "now": "-100.00", "amount": "-300.00"}],
                "adjustments_total": "-300.00", "payable_total": "-100.00"}"#,
        );
        let b = blocks(&csv(&s));
        assert_eq!(b.len(), 4);
        let field = |k: &str| {
            b[0].iter()
                .find(|r| r[0] == k)
                .map(|r| r[1].clone())
                .unwrap()
        };
        assert_eq!(b[0][0], ["field", "value"]);
        assert_eq!(field("month"), "2024-04");
        assert_eq!(field("status"), "open");
        assert_eq!(field("closed_at"), "");
        assert_eq!(field("total"), "200.00");
        assert_eq!(field("payable_total"), "-100.00");
        assert_eq!(b[1][0], PEOPLE_HEADER);
        let sum = |rows: &[Vec<String>], col: usize| {
            Fen::total_i128(
                rows[1..]
                    .iter()
                    .map(|r| Fen::parse_signed(&r[col]).unwrap()),
            )
        };
        assert_eq!(sum(&b[1], 3), 20_000);
        assert_eq!(sum(&b[1], 5), -10_000);
        assert_eq!(sum(&b[2], 10), 20_000);
        assert_eq!(b[3][1][0], "prior_period_adjustment");
        assert!(b.iter().flatten().all(|r| r[0] != "TOTAL"));
    }
}
