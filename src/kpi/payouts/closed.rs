//! Closed months as the store keeps them: each statement's JSON text, exactly as it was
//! closed, shown as that text and read for figures only by the keys JSON output promises
//! (DOMAIN.md section 9), never decoded into today's `Statement` for them.

use serde::Serialize;
use serde_json::Value;

use super::{AdjustmentLine, CloseInfo, LineKey, Statement};
use crate::model::Fen;
use crate::store::{Reader, StoreError};

/// A closed month as the store keeps it: the statement's JSON text, exactly as it was
/// closed. It is shown as that text, and read for figures only by their keys, never decoded
/// into today's [`Statement`] for them: a statement closed by an earlier careledger settles
/// its adjustments whatever the struct has become since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedMonth {
    pub month: String,
    pub closed_at: String,
    pub sha256: String,
    /// The statement's JSON as the report printed it when the month was closed.
    pub json: String,
    pub(super) figures: ClosedFigures,
}

/// What adjustments need of a closed statement: its lines' and people's amounts, and the
/// adjustments it carried for earlier months.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ClosedFigures {
    pub(super) lines: Vec<(LineKey, Fen)>,
    pub(super) people: Vec<(String, Fen)>,
    /// (the month adjusted, the line, the amount)
    pub(super) adjustments: Vec<(String, LineKey, Fen)>,
    /// (the month adjusted, the staff id, the amount)
    pub(super) person_adjustments: Vec<(String, String, Fen)>,
}

impl ClosedFigures {
    /// Reads `lines[]` (`period`, `tier`, `department`, `amount`) and `people[]`
    /// (`staff_id`, `amount`), keys of DOMAIN.md section 9, and this project's
    /// `adjustments[]` (`adjusts` and a line's keys and `amount`) and `person_adjustments[]`
    /// (`adjusts`, `staff_id`, `amount`), absent when a statement carries none. No other key
    /// is read.
    fn read(json: &str) -> Result<ClosedFigures, String> {
        let value: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let list = |key: &str| match value.get(key) {
            None => Ok(&[][..]),
            Some(Value::Array(items)) => Ok(&items[..]),
            Some(_) => Err(crate::say!("`{key}` is not a list", "`{key}` 不是列表")),
        };
        let text = |item: &Value, key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    crate::say!("an entry has no text `{key}`", "有一项没有文本 `{key}`")
                })
        };
        let money = |item: &Value, key: &str| {
            Fen::parse_signed(&text(item, key)?)
                .map_err(|e| crate::say!("`{key}`: {e}", "`{key}`：{e}"))
        };
        let line = |item: &Value| -> Result<LineKey, String> {
            Ok((
                text(item, "period")?,
                text(item, "tier")?,
                text(item, "department")?,
            ))
        };
        let mut figures = ClosedFigures::default();
        for item in list("lines")? {
            figures.lines.push((line(item)?, money(item, "amount")?));
        }
        for item in list("people")? {
            figures
                .people
                .push((text(item, "staff_id")?, money(item, "amount")?));
        }
        for item in list("adjustments")? {
            let adjusts = text(item, "adjusts")?;
            figures
                .adjustments
                .push((adjusts, line(item)?, money(item, "amount")?));
        }
        for item in list("person_adjustments")? {
            let adjusts = text(item, "adjusts")?;
            figures.person_adjustments.push((
                adjusts,
                text(item, "staff_id")?,
                money(item, "amount")?,
            ));
        }
        Ok(figures)
    }
}

/// Every closed month, oldest first, with the figures adjustments need read from its JSON.
pub(super) fn closed_months(reader: &Reader) -> Result<Vec<ClosedMonth>, StoreError> {
    reader
        .closed_statements()?
        .into_iter()
        .map(|c| {
            let figures = ClosedFigures::read(&c.statement_json)
                .and_then(|f| match c.statement_json.ends_with("\n}\n") {
                    true => Ok(f),
                    false => Err(crate::say!(
                        "it does not end as the JSON close writes",
                        "它的结尾与结账写出的 JSON 不同"
                    )),
                })
                .map_err(|e| {
                    StoreError::Damaged(crate::say!(
                        "closed statement {}: {e}",
                        "已结账的结算单 {}：{e}",
                        c.month
                    ))
                })?;
            Ok(ClosedMonth {
                month: c.month,
                closed_at: c.closed_at,
                sha256: c.sha256,
                json: c.statement_json,
                figures,
            })
        })
        .collect()
}

/// What a closed month's JSON view appends to the text that was closed.
#[derive(Serialize)]
struct SinceClose<'a> {
    closed: &'a CloseInfo,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    changes_since_close: &'a [AdjustmentLine],
    #[serde(skip_serializing_if = "Option::is_none")]
    changes_since_close_total: Option<Fen>,
}

impl Statement {
    /// The statement as JSON. A closed month is the text that was closed, byte for byte,
    /// with `closed` (when, and the text's SHA-256) and, when records imported since would
    /// change it, `changes_since_close` and `changes_since_close_total` appended as its last
    /// keys: for a month closed by this careledger, the same bytes as serialising the
    /// statement.
    pub fn json_bytes(&self) -> Vec<u8> {
        let (Some(text), Some(closed)) = (&self.closed_json, &self.closed) else {
            return crate::report::to_json(self);
        };
        let since = crate::report::to_json(&SinceClose {
            closed,
            changes_since_close: &self.changes_since_close,
            changes_since_close_total: self.changes_since_close_total,
        });
        // `{\n  "closed": …\n}\n` → `\n  "closed": …\n`.
        let since = &since[1..since.len() - 2];
        let kept = text
            .strip_suffix("\n}\n")
            .expect("closed_months checks the closing brace");
        let mut out = Vec::with_capacity(kept.len() + since.len() + 3);
        out.extend_from_slice(kept.as_bytes());
        out.push(b',');
        out.extend_from_slice(since);
        out.extend_from_slice(b"}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(period: &str, tier: &str, department: &str) -> LineKey {
        (period.into(), tier.into(), department.into())
    }

    /// Only the promised keys are read: unknown keys and fields of another shape elsewhere
    /// (a later release's `outcome` object, say) do not matter; absent lists are empty.
    #[test]
    fn figures_are_read_by_their_keys_alone() {
        let json = r#"{"month": "2024-04", "extra": {"a": 1},
            "lines": [{"period": "2024-W15", "tier": "super_vip", "department": "customer_care",
                       "outcome": {"kind": "reward"}, "amount": "200.00"}],
            "people": [{"staff_id": "KF001", "amount": "-0.05", "name": 7}],
            "adjustments": [{"adjusts": "2024-03", "period": "2024-W10", "tier": "super_vip",
                             "department": "customer_care", "amount": "-300.00"}]}"#;
        let f = ClosedFigures::read(json).unwrap();
        assert_eq!(
            f.lines,
            [(key("2024-W15", "super_vip", "customer_care"), Fen(20_000))]
        );
        assert_eq!(f.people, [("KF001".to_owned(), Fen(-5))]);
        assert_eq!(
            f.adjustments,
            [(
                "2024-03".to_owned(),
                key("2024-W10", "super_vip", "customer_care"),
                Fen(-30_000)
            )]
        );
        assert!(f.person_adjustments.is_empty());
        assert!(
            ClosedFigures::read(r#"{"lines": [{"period": "2024-03", "amount": "1.00"}]}"#)
                .unwrap_err()
                .contains("`tier`")
        );
        assert!(ClosedFigures::read(r#"{"people": {}}"#).is_err());
    }

    /// The appended keys come out as serialising the whole statement puts them.
    #[test]
    fn a_closed_statement_is_its_text_with_the_close_appended() {
        let text = "{\n  \"month\": \"2024-03\",\n  \"total\": \"1.00\"\n}\n".to_owned();
        let mut s: Statement = serde_json::from_str(
            r#"{"month": "2024-03", "lines": [], "people": [], "total": "1.00"}"#,
        )
        .unwrap();
        s.closed_json = Some(text);
        s.closed = Some(CloseInfo {
            closed_at: "2024-04-01 09:00:00".into(),
            sha256: "ab".into(),
        });
        assert_eq!(
            String::from_utf8(s.json_bytes()).unwrap(),
            "{\n  \"month\": \"2024-03\",\n  \"total\": \"1.00\",\n  \"closed\": {\n    \"closed_at\": \"2024-04-01 09:00:00\",\n    \"sha256\": \"ab\"\n  }\n}\n"
        );
        s.changes_since_close_total = Some(Fen(-100));
        assert!(String::from_utf8(s.json_bytes()).unwrap().ends_with(
            "\"sha256\": \"ab\"\n  },\n  \"changes_since_close_total\": \"-1.00\"\n}\n"
        ));
    }
}

/// A closed statement's JSON as format 1 writes it — the keys of DOMAIN.md section 9 and this
/// project's additions, money as yuan strings — frozen here. The Markdown, CSV and HTML of a
/// closed month are laid out from this view, converted into today's [`Statement`] in one
/// place ([`layout`]), and never by decoding the stored text into today's struct: the struct
/// may change, and a month closed by an earlier careledger still shows as it was closed.
/// Keys a later format adds are ignored here; a later format that changes these keys gets a
/// `v2` beside this one.
mod v1 {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub(super) struct Statement {
        pub month: String,
        pub lines: Vec<Line>,
        pub people: Vec<Person>,
        pub total: String,
        #[serde(default)]
        pub adjustments: Vec<Adjustment>,
        #[serde(default)]
        pub person_adjustments: Vec<PersonAdjustment>,
        #[serde(default)]
        pub adjustments_total: Option<String>,
        #[serde(default)]
        pub payable_total: Option<String>,
    }

    #[derive(Deserialize)]
    pub(super) struct Line {
        pub period: String,
        pub period_start: String,
        pub period_end: String,
        pub tier: String,
        pub department: String,
        pub surveys: u64,
        pub satisfied: u64,
        pub outcome: String,
        pub per_member: String,
        pub members: u64,
        pub amount: String,
        // Added with the payout rules of issue 15; absent from statements closed before
        // them, and from any closed under the contract's rules.
        #[serde(default)]
        pub sample_too_small: bool,
        #[serde(default)]
        pub member_days: Option<u64>,
        #[serde(default)]
        pub period_days: Option<u64>,
        #[serde(default)]
        pub shared_by: Option<Vec<String>>,
    }

    #[derive(Deserialize)]
    pub(super) struct Person {
        pub staff_id: String,
        pub name: String,
        pub department: String,
        pub amount: String,
        #[serde(default)]
        pub adjustment: Option<String>,
        #[serde(default)]
        pub payable: Option<String>,
    }

    #[derive(Deserialize)]
    pub(super) struct Adjustment {
        pub adjusts: String,
        pub period: String,
        pub tier: String,
        pub department: String,
        pub paid: String,
        pub now: String,
        pub amount: String,
    }

    #[derive(Deserialize)]
    pub(super) struct PersonAdjustment {
        pub adjusts: String,
        pub staff_id: String,
        pub amount: String,
    }
}

/// Lays out a closed statement's text as a [`Statement`] for Markdown, CSV and HTML, through
/// the frozen format-1 view of its JSON.
pub(super) fn layout(json: &str) -> Result<Statement, String> {
    use crate::derive::tiers::Tier;

    let v: v1::Statement = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let money = |text: &str| Fen::parse_signed(text);
    let tier = |text: &str| Tier::parse(text).ok_or_else(|| format!("`{text}` is not a tier"));
    let outcome = |text: &str| {
        super::PayoutOutcome::parse(text).ok_or_else(|| format!("`{text}` is not a payout outcome"))
    };
    let lines = v
        .lines
        .into_iter()
        .map(|l| {
            Ok(super::PayoutLine {
                period: super::period_written(&l.period, &l.period_start, &l.period_end)?,
                tier: tier(&l.tier)?,
                department: l.department,
                surveys: l.surveys,
                satisfied: l.satisfied,
                outcome: outcome(&l.outcome)?,
                per_member: money(&l.per_member)?,
                members: l.members,
                amount: money(&l.amount)?,
                shaped_by: super::LineRules {
                    sample_too_small: l.sample_too_small,
                    member_days: l.member_days,
                    period_days: l.period_days,
                    shared_by: l.shared_by,
                },
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let people = v
        .people
        .into_iter()
        .map(|p| {
            Ok(super::PersonLine {
                staff_id: p.staff_id,
                name: p.name,
                department: p.department,
                amount: money(&p.amount)?,
                adjustment: p.adjustment.as_deref().map(money).transpose()?,
                payable: p.payable.as_deref().map(money).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let adjustments = v
        .adjustments
        .into_iter()
        .map(|a| {
            Ok(AdjustmentLine {
                adjusts: a.adjusts,
                period: a.period,
                tier: a.tier,
                department: a.department,
                paid: money(&a.paid)?,
                now: money(&a.now)?,
                amount: money(&a.amount)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let person_adjustments = v
        .person_adjustments
        .into_iter()
        .map(|a| {
            Ok(super::PersonAdjustment {
                adjusts: a.adjusts,
                staff_id: a.staff_id,
                amount: money(&a.amount)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Statement {
        month: v.month,
        lines,
        people,
        total: money(&v.total)?,
        adjustments,
        person_adjustments,
        adjustments_total: v.adjustments_total.as_deref().map(money).transpose()?,
        payable_total: v.payable_total.as_deref().map(money).transpose()?,
        closed: None,
        changes_since_close: Vec::new(),
        changes_since_close_total: None,
        closed_json: None,
    })
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    /// A statement as format 1 closed it, written by hand from DOMAIN.md section 9's keys and
    /// this project's additions, with a key a later format might add.
    const CLOSED: &str = r#"{
  "month": "2025-01",
  "lines": [{"period": "2025-W01", "period_start": "2024-12-30", "period_end": "2025-01-05",
             "tier": "super_vip", "department": "after_sales", "surveys": 5, "satisfied": 4,
             "outcome": "fine", "per_member": "-50.00", "members": 2, "amount": "-100.00"}],
  "people": [{"staff_id": "SH001", "name": "赵六", "department": "after_sales",
              "amount": "-50.00", "adjustment": "30.00", "payable": "-20.00"}],
  "total": "-100.00",
  "adjustments": [{"adjusts": "2024-12", "period": "2024-12", "tier": "vip",
                   "department": "sales", "paid": "150.00", "now": "180.00", "amount": "30.00"}],
  "person_adjustments": [{"adjusts": "2024-12", "staff_id": "SH001", "amount": "30.00"}],
  "adjustments_total": "30.00",
  "payable_total": "-70.00",
  "a_key_of_a_later_format": [1, 2]
}
"#;

    #[test]
    fn a_closed_statement_is_laid_out_from_its_format_1_keys() {
        let s = layout(CLOSED).unwrap();
        assert_eq!(s.month, "2025-01");
        let l = &s.lines[0];
        assert_eq!(
            (
                l.period.label.as_str(),
                l.period.first.to_string(),
                l.tier.as_str()
            ),
            ("2025-W01", "2024-12-30".to_owned(), "super_vip")
        );
        assert_eq!((l.surveys, l.satisfied, l.members), (5, 4, 2));
        assert_eq!(l.outcome.as_str(), "fine");
        assert_eq!((l.per_member, l.amount), (Fen(-5_000), Fen(-10_000)));
        let p = &s.people[0];
        assert_eq!(
            (p.amount, p.adjustment, p.payable),
            (Fen(-5_000), Some(Fen(3_000)), Some(Fen(-2_000)))
        );
        assert_eq!(s.total, Fen(-10_000));
        assert_eq!(s.adjustments[0].now, Fen(18_000));
        assert_eq!(s.person_adjustments[0].amount, Fen(3_000));
        assert_eq!(
            (s.adjustments_total, s.payable_total),
            (Some(Fen(3_000)), Some(Fen(-7_000)))
        );
    }

    #[test]
    fn a_line_whose_dates_are_not_its_period_is_refused() {
        let bad = CLOSED.replace("2024-12-30", "2024-12-29");
        assert!(layout(&bad).unwrap_err().contains("2025-W01"));
    }
}
