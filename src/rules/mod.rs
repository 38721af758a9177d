//! The rules in force: every offset, department, success set, window and threshold of
//! DOMAIN.md sections 4–8, with the contract's values as defaults, overridable by a TOML file
//! (`--rules FILE`). Unknown keys and impossible values are rejected with a message that
//! names the key.
//!
//! Every number has a range ([`INTEGER_RANGES`], [`PER_MEMBER_MAX`]), checked when the rules
//! are read, so no arithmetic on a rule can overflow: hours and days stay within ten years of
//! a date, and a payout line (per member × members) stays far below i64 fen.
//!
//! *Architecture invariant:* rules are plain data; they never read the store or the clock.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Fen, Outcome, Purpose};

/// The task kinds of DOMAIN.md section 4, in report order (by name).
pub const TASK_KINDS: [Purpose; 6] = [
    Purpose::ChurnRecovery,
    Purpose::DeliveryCall1,
    Purpose::DeliveryCall2,
    Purpose::DeliveryCall3,
    Purpose::ServiceFollowup,
    Purpose::ThankYouLetter,
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub visits: VisitRules,
    pub churn: ChurnRules,
    pub surveys: SurveyRules,
    pub tiers: TierRules,
    pub payouts: PayoutRules,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitRules {
    /// How long after its due time an attempt can still credit a task.
    pub grace_hours: u32,
    /// Per task kind, keyed by its purpose token.
    pub tasks: BTreeMap<String, TaskRule>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskRule {
    /// Due time = trigger time + this many hours.
    pub due_hours: u32,
    /// The department the task belongs to (a token).
    pub department: String,
    /// Outcomes that make a credited attempt successful.
    pub success: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChurnRules {
    /// A customer with no visit for more than this many days after a visit is lost.
    pub lapse_days: u32,
    /// A successful recovery attempt at most this many days before the return recovers it.
    pub attribution_days: u32,
    /// Revenue of orders opened in [return, return + this many days) is recovery revenue.
    pub revenue_window_days: u32,
    /// The `lost` list values a customer by their sales and repairs in this many days before
    /// they were lost.
    pub value_window_days: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyRules {
    /// A survey is satisfied when overall is at least this (1–5).
    pub satisfied_overall_min: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierRules {
    /// Length of the trailing year, in days.
    pub trailing_days: u32,
    pub s1_family_buyers_min: u32,
    pub s2_visit_dates_min: u32,
    pub s3_referred_sales_min: u32,
    pub s5_policy_years_min: u32,
    pub s6_policy_referrals_min: u32,
    pub s7_media_referred_sales_min: u32,
    /// S8: at least this many surveys in the trailing year, every one of them satisfied.
    pub s8_surveys_min: u32,
    pub v1_sales_min: u32,
    pub v2_visit_dates_min: u32,
    pub v3_referred_sales_min: u32,
    pub v5_policy_years_min: u32,
    pub v6_policy_referrals_min: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayoutRules {
    /// A fine applies when 100 × satisfied < fine_below_percent × surveys.
    pub fine_below_percent: u32,
    pub super_vip: TierPayout,
    pub vip: TierPayout,
    pub general: TierPayout,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierPayout {
    /// `week` (ISO, Monday–Sunday), `month` or `year`.
    pub period: String,
    /// Yuan per member when every survey is satisfied, e.g. "100.00".
    pub reward: String,
    /// Yuan per member when satisfaction is below the fine threshold, e.g. "50.00".
    pub fine: String,
}

/// The allowed range of every integer rule, by TOML key (`*` is any task kind), with its unit
/// for messages. Durations are bounded by about a year (hours) or ten years (days): far
/// beyond any sensible rule, and small enough that a date plus any of them is a date.
/// Thresholds are at least 1 (a threshold of 0 would be met by every customer).
pub const INTEGER_RANGES: &[(&str, i64, i64, &str)] = &[
    ("visits.grace_hours", 0, 8_784, "hours"),
    ("visits.tasks.*.due_hours", 1, 8_784, "hours"),
    ("churn.lapse_days", 1, 3_660, "days"),
    ("churn.attribution_days", 0, 3_660, "days"),
    ("churn.revenue_window_days", 1, 3_660, "days"),
    ("churn.value_window_days", 1, 3_660, "days"),
    ("surveys.satisfied_overall_min", 1, 5, "(a score)"),
    ("tiers.trailing_days", 1, 3_660, "days"),
    ("tiers.s1_family_buyers_min", 1, 10_000, "customers"),
    ("tiers.s2_visit_dates_min", 1, 10_000, "dates"),
    ("tiers.s3_referred_sales_min", 1, 10_000, "sales"),
    ("tiers.s5_policy_years_min", 1, 100, "years"),
    ("tiers.s6_policy_referrals_min", 1, 10_000, "customers"),
    ("tiers.s7_media_referred_sales_min", 1, 10_000, "sales"),
    ("tiers.s8_surveys_min", 1, 10_000, "surveys"),
    ("tiers.v1_sales_min", 1, 10_000, "sales"),
    ("tiers.v2_visit_dates_min", 1, 10_000, "dates"),
    ("tiers.v3_referred_sales_min", 1, 10_000, "sales"),
    ("tiers.v5_policy_years_min", 1, 100, "years"),
    ("tiers.v6_policy_referrals_min", 1, 10_000, "customers"),
    ("payouts.fine_below_percent", 1, 100, "%"),
];

/// The largest reward or fine per member: 1 000 000.00 yuan, 5 000 times the contract's
/// largest (200.00). A line is this times its members, so it stays below i64 fen
/// (9.2 × 10^18) for any department of fewer than 9 × 10^10 members; a person's total is at
/// most 7 lines (5 weeks, a month, a year) of it.
pub const PER_MEMBER_MAX: Fen = Fen(100_000_000);

/// The range of an integer rule, by its key.
fn integer_range(key: &str) -> Option<(i64, i64, &'static str)> {
    INTEGER_RANGES.iter().find_map(|&(pattern, lo, hi, unit)| {
        let mut p = pattern.split('.');
        let mut k = key.split('.');
        loop {
            match (p.next(), k.next()) {
                (None, None) => return Some((lo, hi, unit)),
                (Some(a), Some(b)) if a == "*" || a == b => {}
                _ => return None,
            }
        }
    })
}

/// The message for an integer rule outside its range, if it is.
fn out_of_range(key: &str, value: i64) -> Option<String> {
    let (lo, hi, unit) = integer_range(key)?;
    (!(lo..=hi).contains(&value))
        .then(|| format!("{value} is out of range; it must be from {lo} to {hi} {unit}"))
}

/// Every integer leaf of a TOML table, with its dotted key.
fn integer_leaves(table: &toml::Table, prefix: &str, out: &mut Vec<(String, i64)>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Integer(i) => out.push((path, *i)),
            toml::Value::Table(t) => integer_leaves(t, &path, out),
            _ => {}
        }
    }
}

/// A rules file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: {key}: {reason}")]
    Value {
        file: String,
        key: String,
        reason: String,
    },
}

fn task(due_hours: u32, department: &str, success: &[&str]) -> TaskRule {
    TaskRule {
        due_hours,
        department: department.into(),
        success: success.iter().map(|s| s.to_string()).collect(),
    }
}

impl Default for Rules {
    /// The rules of DOMAIN.md, taken from the seed documents.
    fn default() -> Rules {
        let tasks = [
            ("delivery_call_1", task(24, "sales", &["reached"])),
            ("thank_you_letter", task(24, "sales", &["sent", "reached"])),
            ("delivery_call_2", task(72, "sales", &["reached"])),
            ("delivery_call_3", task(168, "sales", &["reached"])),
            ("service_followup", task(72, "customer_care", &["reached"])),
            (
                "churn_recovery",
                task(30 * 24, "customer_care", &["reached", "sent"]),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Rules {
            visits: VisitRules {
                grace_hours: 48,
                tasks,
            },
            churn: ChurnRules {
                lapse_days: 180,
                attribution_days: 90,
                revenue_window_days: 365,
                value_window_days: 365,
            },
            surveys: SurveyRules {
                satisfied_overall_min: 4,
            },
            tiers: TierRules {
                trailing_days: 365,
                s1_family_buyers_min: 2,
                s2_visit_dates_min: 5,
                s3_referred_sales_min: 3,
                s5_policy_years_min: 4,
                s6_policy_referrals_min: 3,
                s7_media_referred_sales_min: 2,
                s8_surveys_min: 3,
                v1_sales_min: 2,
                v2_visit_dates_min: 3,
                v3_referred_sales_min: 1,
                v5_policy_years_min: 3,
                v6_policy_referrals_min: 2,
            },
            payouts: PayoutRules {
                fine_below_percent: 95,
                super_vip: TierPayout {
                    period: "week".into(),
                    reward: "100.00".into(),
                    fine: "50.00".into(),
                },
                vip: TierPayout {
                    period: "month".into(),
                    reward: "150.00".into(),
                    fine: "100.00".into(),
                },
                general: TierPayout {
                    period: "year".into(),
                    reward: "200.00".into(),
                    fine: "150.00".into(),
                },
            },
        }
    }
}

/// A task kind's rule, resolved into typed values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskKindRule {
    pub kind: Purpose,
    pub due_seconds: i64,
    pub department: String,
    pub success: Vec<Outcome>,
}

impl Rules {
    /// Reads a rules file: a partial TOML document whose keys override the defaults.
    pub fn from_toml(file: &str, text: &str) -> Result<Rules, RulesError> {
        let overrides: toml::Table =
            text.parse()
                .map_err(|e: toml::de::Error| RulesError::Syntax {
                    file: file.into(),
                    message: e.to_string(),
                })?;
        let mut merged = toml::Table::try_from(Rules::default()).expect("the defaults serialise");
        merge(&mut merged, overrides);
        // Ranges first, on the TOML integers: a value too large for its type (a grace of
        // 10^12 hours) is then reported with its key and range, not as a type error.
        let mut integers = Vec::new();
        integer_leaves(&merged, "", &mut integers);
        for (key, value) in integers {
            if let Some(reason) = out_of_range(&key, value) {
                return Err(RulesError::Value {
                    file: file.into(),
                    key,
                    reason,
                });
            }
        }
        let rules: Rules = merged
            .try_into()
            .map_err(|e: toml::de::Error| RulesError::Syntax {
                file: file.into(),
                message: format!(
                    "{}; `careledger rules` prints every key with its default",
                    e.message()
                ),
            })?;
        rules.validate(file)?;
        Ok(rules)
    }

    /// The rules as a complete TOML document.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("rules serialise")
    }

    /// Checks every value; the first impossible one is reported.
    pub fn validate(&self, file: &str) -> Result<(), RulesError> {
        let bad = |key: &str, reason: String| {
            Err(RulesError::Value {
                file: file.into(),
                key: key.into(),
                reason,
            })
        };
        let mut integers = Vec::new();
        integer_leaves(
            &toml::Table::try_from(self).expect("rules serialise"),
            "",
            &mut integers,
        );
        for (key, value) in integers {
            if let Some(reason) = out_of_range(&key, value) {
                return bad(&key, reason);
            }
        }
        for kind in TASK_KINDS {
            if !self.visits.tasks.contains_key(kind.as_str()) {
                return bad(
                    &format!("visits.tasks.{kind}"),
                    "is missing; every task kind needs a rule".into(),
                );
            }
        }
        for (name, rule) in &self.visits.tasks {
            let key = format!("visits.tasks.{name}");
            match name.parse::<Purpose>() {
                Ok(p) if p != Purpose::Care => {}
                _ => {
                    return bad(
                        &key,
                        format!(
                            "is not a task kind; the task kinds are {}",
                            TASK_KINDS.map(|k| k.as_str()).join(", ")
                        ),
                    );
                }
            }
            if crate::model::check_token(&rule.department).is_err() {
                return bad(
                    &format!("{key}.department"),
                    format!(
                        "`{}` is not a department token (a-z, 0-9, _)",
                        rule.department
                    ),
                );
            }
            if rule.success.is_empty() {
                return bad(
                    &format!("{key}.success"),
                    "is empty; no attempt could ever succeed".into(),
                );
            }
            for outcome in &rule.success {
                if let Err(e) = outcome.parse::<Outcome>() {
                    return bad(&format!("{key}.success"), e);
                }
            }
        }
        for (name, tier) in [
            ("super_vip", &self.payouts.super_vip),
            ("vip", &self.payouts.vip),
            ("general", &self.payouts.general),
        ] {
            if !matches!(tier.period.as_str(), "week" | "month" | "year") {
                return bad(
                    &format!("payouts.{name}.period"),
                    format!("`{}` is not a period; use week, month or year", tier.period),
                );
            }
            for (field, value) in [("reward", &tier.reward), ("fine", &tier.fine)] {
                let key = format!("payouts.{name}.{field}");
                match Fen::parse(value) {
                    Err(e) => return bad(&key, e),
                    Ok(fen) if fen > PER_MEMBER_MAX => {
                        return bad(
                            &key,
                            format!(
                                "{fen} yuan per member is out of range; it must be from 0.00 to {PER_MEMBER_MAX} yuan"
                            ),
                        );
                    }
                    Ok(_) => {}
                }
            }
        }
        Ok(())
    }

    /// The rule of one task kind, typed. Panics on a kind that is not a task kind or on rules
    /// that were not validated.
    pub fn task(&self, kind: Purpose) -> TaskKindRule {
        let rule = &self.visits.tasks[kind.as_str()];
        TaskKindRule {
            kind,
            due_seconds: i64::from(rule.due_hours) * 3600,
            department: rule.department.clone(),
            success: rule
                .success
                .iter()
                .map(|s| s.parse().expect("validated"))
                .collect(),
        }
    }

    pub fn grace_seconds(&self) -> i64 {
        i64::from(self.visits.grace_hours) * 3600
    }
}

/// Typed days for date arithmetic. Validated rules are at most 3660 days, so each fits i32;
/// unvalidated ones panic here rather than wrap.
fn days(value: u32) -> i32 {
    i32::try_from(value).expect("validated rules: at most 3660 days")
}

impl ChurnRules {
    pub fn lapse(&self) -> i32 {
        days(self.lapse_days)
    }

    pub fn attribution(&self) -> i32 {
        days(self.attribution_days)
    }

    pub fn revenue_window(&self) -> i32 {
        days(self.revenue_window_days)
    }

    pub fn value_window(&self) -> i32 {
        days(self.value_window_days)
    }
}

impl TierRules {
    pub fn trailing(&self) -> i32 {
        days(self.trailing_days)
    }
}

impl TierPayout {
    /// The reward per member; panics on rules that were not validated.
    pub fn reward_fen(&self) -> Fen {
        Fen::parse(&self.reward).expect("validated rules")
    }

    /// The fine per member (positive); panics on rules that were not validated.
    pub fn fine_fen(&self) -> Fen {
        Fen::parse(&self.fine).expect("validated rules")
    }
}

/// Overlays `overrides` on `base`, table by table.
fn merge(base: &mut toml::Table, overrides: toml::Table) {
    for (key, value) in overrides {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_contract_and_round_trip() {
        let rules = Rules::default();
        rules.validate("defaults").unwrap();
        assert_eq!(Rules::from_toml("x", &rules.to_toml()).unwrap(), rules);
        let churn = rules.task(Purpose::ChurnRecovery);
        assert_eq!(churn.due_seconds, 30 * 86_400);
        assert_eq!(churn.success, [Outcome::Reached, Outcome::Sent]);
        assert_eq!(rules.grace_seconds(), 48 * 3600);
    }

    #[test]
    fn a_partial_file_overrides_only_its_keys() {
        let rules = Rules::from_toml(
            "r.toml",
            "[visits]\ngrace_hours = 24\n[visits.tasks.delivery_call_1]\ndue_hours = 12\n",
        )
        .unwrap();
        assert_eq!(rules.visits.grace_hours, 24);
        assert_eq!(rules.task(Purpose::DeliveryCall1).due_seconds, 12 * 3600);
        assert_eq!(rules.task(Purpose::DeliveryCall1).department, "sales");
        assert_eq!(rules.churn, Rules::default().churn);
    }

    #[test]
    fn unknown_keys_and_impossible_values_are_refused() {
        let e = Rules::from_toml("r.toml", "[visits]\ngrace_hour = 24\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("grace_hour"), "{e}");
        let e = Rules::from_toml("r.toml", "[surveys]\nsatisfied_overall_min = 6\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "r.toml: surveys.satisfied_overall_min: 6 is out of range; it must be from 1 to 5 (a score)"
        );
        let e = Rules::from_toml(
            "r.toml",
            "[visits.tasks.delivery_call_1]\nsuccess = [\"maybe\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "r.toml: visits.tasks.delivery_call_1.success: `maybe` is not a valid outcome"
            ),
            "{e}"
        );
        let e = Rules::from_toml(
            "r.toml",
            "[visits.tasks.care]\ndue_hours = 1\ndepartment = \"x\"\nsuccess = [\"sent\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("visits.tasks.care: is not a task kind"), "{e}");
        let e = Rules::from_toml("r.toml", "[payouts.vip]\nreward = \"-5\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("r.toml: payouts.vip.reward:"), "{e}");
        let e = Rules::from_toml("r.toml", "[payouts.vip]\nperiod = \"fortnight\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("payouts.vip.period"), "{e}");
        assert!(Rules::from_toml("r.toml", "[visits\n").is_err());
    }

    fn refusal(toml: &str) -> String {
        Rules::from_toml("r.toml", toml).unwrap_err().to_string()
    }

    /// Regression (issue 10): a grace of 10^12 hours failed as a bare type error, a negative
    /// window likewise, and an enormous reward was accepted and overflowed the payout line.
    #[test]
    fn every_number_is_range_checked_naming_its_key_and_range() {
        assert_eq!(
            refusal("[visits]\ngrace_hours = 1000000000000\n"),
            "r.toml: visits.grace_hours: 1000000000000 is out of range; it must be from 0 to 8784 hours"
        );
        assert_eq!(
            refusal("[churn]\nrevenue_window_days = -5\n"),
            "r.toml: churn.revenue_window_days: -5 is out of range; it must be from 1 to 3660 days"
        );
        assert_eq!(
            refusal("[visits.tasks.churn_recovery]\ndue_hours = 8785\n"),
            "r.toml: visits.tasks.churn_recovery.due_hours: 8785 is out of range; it must be from 1 to 8784 hours"
        );
        assert_eq!(
            refusal("[tiers]\ns5_policy_years_min = 0\n"),
            "r.toml: tiers.s5_policy_years_min: 0 is out of range; it must be from 1 to 100 years"
        );
        assert_eq!(
            refusal("[payouts.super_vip]\nreward = \"9999999999999.99\"\n"),
            "r.toml: payouts.super_vip.reward: 9999999999999.99 yuan per member is out of range; it must be from 0.00 to 1000000.00 yuan"
        );
        assert_eq!(
            refusal("[payouts.general]\nfine = \"1000000.01\"\n"),
            "r.toml: payouts.general.fine: 1000000.01 yuan per member is out of range; it must be from 0.00 to 1000000.00 yuan"
        );
        // The edges are accepted.
        let rules = Rules::from_toml(
            "r.toml",
            "[visits]\ngrace_hours = 8784\n[churn]\nlapse_days = 3660\nattribution_days = 0\n[payouts.vip]\nreward = \"1000000.00\"\n",
        )
        .unwrap();
        assert_eq!(rules.churn.lapse(), 3660);
        assert_eq!(rules.payouts.vip.reward_fen(), Fen(100_000_000));
        // Rules built in code are held to the same ranges.
        let mut rules = Rules::default();
        rules.tiers.trailing_days = 4000;
        assert_eq!(
            rules.validate("code").unwrap_err().to_string(),
            "code: tiers.trailing_days: 4000 is out of range; it must be from 1 to 3660 days"
        );
    }

    /// Every integer the rules hold has a range: a new rule without one fails here.
    #[test]
    fn every_integer_rule_has_a_range() {
        let mut integers = Vec::new();
        integer_leaves(
            &toml::Table::try_from(Rules::default()).unwrap(),
            "",
            &mut integers,
        );
        assert_eq!(integers.len(), 6 + 1 + 4 + 1 + 13 + 1);
        for (key, _) in integers {
            assert!(integer_range(&key).is_some(), "{key} has no range");
        }
    }
}
