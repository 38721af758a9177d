//! Closed months as the store keeps them: each statement's JSON text, exactly as it was
//! closed, shown as that text and read for figures only by the keys JSON output promises
//! (DOMAIN.md section 9), never decoded into today's `Statement` for them.

use serde::Serialize;
use serde_json::Value;

use super::{AdjustmentLine, CloseInfo, LineKey, Statement};
use crate::model::Fen;
use crate::store::codec::CodecError;
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
            Some(_) => Err(format!("`{key}` is not a list")),
        };
        let text = |item: &Value, key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("an entry has no text `{key}`"))
        };
        let money = |item: &Value, key: &str| {
            Fen::parse_signed(&text(item, key)?).map_err(|e| format!("`{key}`: {e}"))
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
                    false => Err("it does not end as the JSON close writes".into()),
                })
                .map_err(|e| {
                    StoreError::Codec(CodecError::Damaged(format!(
                        "closed statement {}: {e}",
                        c.month
                    )))
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
