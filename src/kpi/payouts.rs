//! Reward and fine payouts (奖罚标准 of seed `004_*`, DOMAIN.md section 8): per tier, period
//! and department, from the satisfaction of the period's surveys; the monthly statement
//! finance pays from, with its people, closing, prior-period adjustments, and what-if
//! comparison of proposed rules.
//!
//! All arithmetic is on integers: counts, and money in fen.

use std::collections::{BTreeMap, HashMap};

use std::fmt;

use chrono::Datelike;
use serde::{Deserialize, Serialize, Serializer};

use crate::derive::tiers::{Tier, TierInputs, as_of_for};
use crate::model::{Day, Fen, Kind, MoneyOverflow, Period, PeriodKind, Record, Staff, Timestamp};
use crate::rules::{MembersRule, Rules, TierPayout, ZeroMemberLines};
use crate::store::{CloseError, Reader, StoreError};

use super::KpiError;
use crate::report::plural;

mod closed;
pub use closed::ClosedMonth;

/// What a line's satisfaction earns: `reward` at 100 %, `fine` below the threshold, `none`
/// in between.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutOutcome {
    Reward,
    Fine,
    None,
}

impl PayoutOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            PayoutOutcome::Reward => "reward",
            PayoutOutcome::Fine => "fine",
            PayoutOutcome::None => "none",
        }
    }

    /// The outcome of a token (`reward`, `fine`, `none`).
    pub fn parse(token: &str) -> Option<PayoutOutcome> {
        [
            PayoutOutcome::Reward,
            PayoutOutcome::Fine,
            PayoutOutcome::None,
        ]
        .into_iter()
        .find(|o| o.as_str() == token)
    }
}

impl fmt::Display for PayoutOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a statement: a tier, a period of that tier, and a department.
///
/// In JSON the period is three keys, `period` (its label), `period_start` and `period_end`
/// (DOMAIN.md section 9), written and read through a private wire struct.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "PayoutLineJson", try_from = "PayoutLineJson")]
pub struct PayoutLine {
    pub period: Period,
    pub tier: Tier,
    pub department: String,
    pub surveys: u64,
    pub satisfied: u64,
    pub outcome: PayoutOutcome,
    /// The signed amount each member receives (`"0.00"` for none).
    pub per_member: Fen,
    /// The number of people sharing the line.
    pub members: u64,
    pub amount: Fen,
    /// The rules that shaped the line where they differ from the contract's; each is absent
    /// from the JSON under the default rules.
    pub shaped_by: LineRules,
}

/// What the rules beyond the contract did to a line (all empty under the default rules, and
/// then absent from its JSON): the sample was below `min_surveys`, the members were
/// prorated by their days, other departments share it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineRules {
    /// The line had fewer surveys than its tier's `min_surveys`: outcome `none`.
    pub sample_too_small: bool,
    /// Under `members = "prorated"`: the days each member was active in the period, summed,
    /// and the period's days.
    pub member_days: Option<u64>,
    pub period_days: Option<u64>,
    /// When `payouts.participants` names the line's department: the departments whose
    /// members share it.
    pub shared_by: Option<Vec<String>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A payout line as JSON has it, key for key and in order: what statements print and what
/// closed statements hold. The keys after `amount` are this project's, present only when a
/// rule beyond the contract's shaped the line.
#[derive(Serialize, Deserialize)]
struct PayoutLineJson {
    period: String,
    period_start: String,
    period_end: String,
    tier: Tier,
    department: String,
    surveys: u64,
    satisfied: u64,
    outcome: PayoutOutcome,
    per_member: Fen,
    members: u64,
    amount: Fen,
    #[serde(default, skip_serializing_if = "is_false")]
    sample_too_small: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    member_days: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period_days: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shared_by: Option<Vec<String>>,
}

impl From<PayoutLine> for PayoutLineJson {
    fn from(l: PayoutLine) -> PayoutLineJson {
        PayoutLineJson {
            period_start: l.period.first.to_string(),
            period_end: l.period.last.to_string(),
            period: l.period.label,
            tier: l.tier,
            department: l.department,
            surveys: l.surveys,
            satisfied: l.satisfied,
            outcome: l.outcome,
            per_member: l.per_member,
            members: l.members,
            amount: l.amount,
            sample_too_small: l.shaped_by.sample_too_small,
            member_days: l.shaped_by.member_days,
            period_days: l.shaped_by.period_days,
            shared_by: l.shaped_by.shared_by,
        }
    }
}

impl TryFrom<PayoutLineJson> for PayoutLine {
    type Error = String;

    /// Reads a line written earlier (a closed statement): the label gives the period, and its
    /// dates must be the ones written beside it.
    fn try_from(l: PayoutLineJson) -> Result<PayoutLine, String> {
        Ok(PayoutLine {
            period: period_written(&l.period, &l.period_start, &l.period_end)?,
            tier: l.tier,
            department: l.department,
            surveys: l.surveys,
            satisfied: l.satisfied,
            outcome: l.outcome,
            per_member: l.per_member,
            members: l.members,
            amount: l.amount,
            shaped_by: LineRules {
                sample_too_small: l.sample_too_small,
                member_days: l.member_days,
                period_days: l.period_days,
                shared_by: l.shared_by,
            },
        })
    }
}

/// The period of a line written earlier: its label gives the period, and the dates written
/// beside it must be the period's own.
fn period_written(label: &str, start: &str, end: &str) -> Result<Period, String> {
    let period = period_of_label(label)?;
    let (first, last) = (period.first.to_string(), period.last.to_string());
    if (first.as_str(), last.as_str()) != (start, end) {
        return Err(crate::say!(
            "the period {label} runs from {first} to {last}, but the line says {start} to {end}",
            "期间 {label} 是 {first} 到 {last}，但该行写的是 {start} 到 {end}"
        ));
    }
    Ok(period)
}

/// A period from a label written earlier, of any of the three kinds (`2024-W09`, `2024-03`,
/// `2024`).
fn period_of_label(label: &str) -> Result<Period, String> {
    if label.contains('W') {
        Period::parse_week(label)
    } else if label.len() == 4 {
        Period::parse_year(label)
    } else {
        Period::parse_month(label)
    }
}

/// Serialises a value by its `Display` text (dates and times in JSON).
fn as_text<T: fmt::Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// Serialises a period by its label.
fn as_label<S: Serializer>(period: &Period, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&period.label)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonLine {
    pub staff_id: String,
    pub name: String,
    pub department: String,
    /// The sum of the person's lines.
    pub amount: Fen,
    /// Prior-period adjustments carried by this statement, when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustment: Option<Fen>,
    /// amount + adjustment, when there are adjustments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payable: Option<Fen>,
}

/// A prior-period adjustment: what a line of a closed month comes to now, against what was
/// paid for it (its closed amount plus earlier adjustments).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustmentLine {
    /// The closed month the line belongs to.
    pub adjusts: String,
    pub period: String,
    pub tier: String,
    pub department: String,
    pub paid: Fen,
    pub now: Fen,
    pub amount: Fen,
}

/// A person's share of the adjustments of one closed month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonAdjustment {
    pub adjusts: String,
    pub staff_id: String,
    pub amount: Fen,
}

/// The payout statement of a month (DOMAIN.md section 9), with what this project adds:
/// adjustments carried from closed months, and for a closed month, the close and any change
/// since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub month: String,
    pub lines: Vec<PayoutLine>,
    pub people: Vec<PersonLine>,
    pub total: Fen,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<AdjustmentLine>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub person_adjustments: Vec<PersonAdjustment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustments_total: Option<Fen>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payable_total: Option<Fen>,
    /// Set when the month is closed: the figures above are the closed ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<CloseInfo>,
    /// For a closed month: how records imported since would change its lines (they are
    /// settled by the next open month's adjustments).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes_since_close: Vec<AdjustmentLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes_since_close_total: Option<Fen>,
    /// For a closed month: the statement's JSON text as it was closed, which the JSON view
    /// shows instead of serialising the fields above (see [`Statement::json_bytes`]).
    #[serde(skip)]
    pub closed_json: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseInfo {
    pub closed_at: String,
    pub sha256: String,
}

/// A survey as the payouts see it.
#[derive(Clone, Debug)]
pub struct RatedSurvey {
    pub survey_id: String,
    pub at: Timestamp,
    pub customer_id: String,
    /// The survey's subject_department.
    pub department: String,
    pub overall: u8,
    /// The customer's tier on the survey date.
    pub tier: Tier,
    pub satisfied: bool,
}

/// What a statement is computed from: the surveys of the months it spans, each with its
/// customer's tier on its date, and the staff.
pub struct PayoutInputs {
    pub surveys: Vec<RatedSurvey>,
    pub staff: Vec<Staff>,
}

const TIER_ORDER: [Tier; 3] = [Tier::SuperVip, Tier::Vip, Tier::General];

/// The payout rule of a tier.
fn tier_rule(rules: &Rules, tier: Tier) -> &TierPayout {
    match tier {
        Tier::SuperVip => &rules.payouts.super_vip,
        Tier::Vip => &rules.payouts.vip,
        Tier::General => &rules.payouts.general,
    }
}

/// The periods of a tier that end in `month` (weeks whose Sunday is in it, the month, the
/// year when it is December).
pub fn periods_ending_in(kind: PeriodKind, month: &Period) -> Vec<Period> {
    match kind {
        PeriodKind::Week => (month.first.0..=month.last.0)
            .map(Day)
            .filter(|d| d.to_naive().weekday() == chrono::Weekday::Sun)
            .map(Period::week_of)
            .collect(),
        PeriodKind::Month => vec![month.clone()],
        PeriodKind::Year if month.first.to_naive().month() == 12 => {
            vec![Period::year(month.first.year()).expect("a year")]
        }
        PeriodKind::Year => Vec::new(),
    }
}

/// The first and last dates any period of a month's statement can cover, under any rules:
/// from the Monday of the week ending in the month's first days, or January 1st.
pub fn statement_span(month: &Period) -> (Day, Day) {
    let year_start = Period::year(month.first.year()).expect("a year").first;
    (Day(month.first.0 - 6).min(year_start), month.last)
}

impl PayoutInputs {
    /// Loads the surveys dated in `[first, last]`, rating each with its customer's tier on its
    /// date (kept by import when the facts follow `rules`, else derived from scratch), and
    /// the staff.
    pub fn load(
        reader: &Reader,
        rules: &Rules,
        first: Day,
        last: Day,
    ) -> Result<PayoutInputs, StoreError> {
        let facts = crate::facts::current(reader, rules)?;
        PayoutInputs::load_from(reader, rules, first, last, facts)
    }

    /// As [`PayoutInputs::load`], with every tier derived from scratch.
    pub fn load_scratch(
        reader: &Reader,
        rules: &Rules,
        first: Day,
        last: Day,
    ) -> Result<PayoutInputs, StoreError> {
        PayoutInputs::load_from(reader, rules, first, last, false)
    }

    fn load_from(
        reader: &Reader,
        rules: &Rules,
        first: Day,
        last: Day,
        facts: bool,
    ) -> Result<PayoutInputs, StoreError> {
        let mut surveys = Vec::new();
        let satisfied_min = rules.surveys.satisfied_overall_min;
        if facts {
            // The kept facts hold what a line counts: no survey record is read. They are
            // taken one at a time (a December statement spans the year).
            reader.for_each_survey_fact(first.0, last.0, |f| {
                surveys.push(RatedSurvey {
                    survey_id: f.survey_id,
                    at: Timestamp(f.at),
                    customer_id: f.customer_id,
                    department: f.department,
                    overall: f.overall,
                    tier: crate::facts::tier_of(f.tier)?,
                    satisfied: f.overall >= satisfied_min,
                });
                Ok(())
            })?;
        } else {
            let tiers = TierInputs::load(reader, rules)?;
            reader.for_each_in_period(
                Kind::Survey,
                first.start(),
                Day(last.0 + 1).start(),
                |r| {
                    if let Record::Survey(s) = r {
                        surveys.push(RatedSurvey {
                            survey_id: s.survey_id.clone(),
                            at: s.at,
                            customer_id: s.customer_id.clone(),
                            department: s.subject_department.clone(),
                            overall: s.overall,
                            tier: tiers
                                .tier_of(&s.customer_id, &rules.tiers, as_of_for(s.at.day()))
                                .tier,
                            satisfied: s.overall >= satisfied_min,
                        });
                    }
                    Ok(())
                },
            )?;
        }
        let staff = reader
            .current_records(Kind::Staff)?
            .into_iter()
            .filter_map(Record::into_staff)
            .collect();
        Ok(PayoutInputs { surveys, staff })
    }

    /// Staff of a department active on a date, by staff id.
    pub fn members(&self, department: &str, on: Day) -> Vec<&Staff> {
        let mut members: Vec<&Staff> = self
            .staff
            .iter()
            .filter(|s| {
                s.department == department
                    && s.active_from <= on
                    && s.active_to.is_none_or(|to| to >= on)
            })
            .collect();
        members.sort_by(|a, b| a.staff_id.cmp(&b.staff_id));
        members
    }

    /// The people who share a line over `period`: the staff of `departments` (each person
    /// once) that `rule` counts, by staff id, each with the days of the period they were
    /// active (active_from … active_to, both inclusive).
    pub fn sharers(
        &self,
        departments: &[String],
        period: &Period,
        rule: MembersRule,
    ) -> Vec<(&Staff, u64)> {
        let mut sharers: Vec<(&Staff, u64)> = self
            .staff
            .iter()
            .filter(|s| departments.contains(&s.department))
            .filter_map(|s| {
                let from = s.active_from.max(period.first);
                let to = s.active_to.map_or(period.last, |to| to.min(period.last));
                let days = u64::try_from(to.0 - from.0 + 1).unwrap_or(0);
                let counted = match rule {
                    MembersRule::ActiveOnLastDay => {
                        s.active_from <= period.last
                            && s.active_to.is_none_or(|to| to >= period.last)
                    }
                    MembersRule::ActiveWholePeriod => {
                        s.active_from <= period.first
                            && s.active_to.is_none_or(|to| to >= period.last)
                    }
                    MembersRule::Prorated => days > 0,
                };
                counted.then_some((s, days))
            })
            .collect();
        sharers.sort_by(|a, b| a.0.staff_id.cmp(&b.0.staff_id));
        sharers
    }

    /// The surveys behind one line.
    pub fn line_surveys(&self, period: &Period, tier: Tier, department: &str) -> Vec<&RatedSurvey> {
        let mut list: Vec<&RatedSurvey> = self
            .surveys
            .iter()
            .filter(|s| s.tier == tier && s.department == department && period.contains(s.at.day()))
            .collect();
        list.sort_by(|a, b| (a.at, &a.survey_id).cmp(&(b.at, &b.survey_id)));
        list
    }
}

/// The outcome of n surveys with s satisfied: reward at 100 %, fine when
/// 100·s < threshold·n, none otherwise — integer arithmetic only.
pub fn outcome(satisfied: u64, surveys: u64, fine_below_percent: u32) -> PayoutOutcome {
    if satisfied == surveys {
        PayoutOutcome::Reward
    } else if 100 * satisfied < u64::from(fine_below_percent) * surveys {
        PayoutOutcome::Fine
    } else {
        PayoutOutcome::None
    }
}

/// The signed per-member amount of an outcome under a tier's rule.
pub fn per_member(outcome: PayoutOutcome, rule: &TierPayout) -> Fen {
    match outcome {
        PayoutOutcome::Reward => rule.reward,
        // Validated rules bound a fine to 0..=PER_MEMBER_MAX: its negation is in range.
        PayoutOutcome::Fine => Fen(-rule.fine.0),
        PayoutOutcome::None => Fen::ZERO,
    }
}

/// A line's amount, per member × members, checked.
fn line_amount(
    per_member: Fen,
    members: u64,
    period: &Period,
    tier: Tier,
    department: &str,
) -> Result<Fen, MoneyOverflow> {
    per_member
        .checked_times(members)
        .ok_or_else(|| MoneyOverflow {
            figure: crate::say!(
                "the payout line {period} {} {department} ({per_member} × {members} members)",
                "奖罚行 {period} {} {department}（{per_member} × {members} 人）",
                tier.as_str()
            ),
        })
}

/// A prorated line (`members = "prorated"`): its amount, and each member's share.
///
/// With per-member amount p (signed), member i active d_i of the period's D days and
/// Σd = d_1 + … + d_n:
/// - the line is p × Σd / D, rounded to the fen half away from zero;
/// - member i's exact share is p × d_i / D; each receives its magnitude rounded down, and
///   the fen left over (the rounded line less those, always fewer than the members with a
///   fraction) go one each to the largest remainders (|p| × d_i mod D), ties to the earlier
///   member (by staff id, the order of `days`): the shares add up to the line exactly, and
///   each is its exact share rounded down or up;
/// - a fine is the same arithmetic on its magnitude, negated.
///
/// Integers only (i128, so no product can overflow); a member active the whole period
/// receives p exactly.
pub fn prorate(per_member: Fen, days: &[u64], period_days: u64) -> Option<(Fen, Vec<Fen>)> {
    assert!(period_days > 0, "a period has days");
    let p = i128::from(per_member.0).abs();
    let big_d = i128::from(period_days);
    let member_days: i128 = days.iter().map(|&d| i128::from(d)).sum();
    let line = (2 * p * member_days + big_d) / (2 * big_d);
    let mut shares: Vec<i128> = days.iter().map(|&d| p * i128::from(d) / big_d).collect();
    let left = line - shares.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..days.len()).collect();
    // Largest remainder first; equal remainders in staff-id order (the sort is stable).
    order.sort_by_key(|&i| std::cmp::Reverse(p * i128::from(days[i]) % big_d));
    for &i in order.iter().take(usize::try_from(left).ok()?) {
        shares[i] += 1;
    }
    let sign = if per_member.0 < 0 { -1 } else { 1 };
    let fen = |v: i128| i64::try_from(sign * v).ok().map(Fen);
    Some((
        fen(line)?,
        shares.into_iter().map(fen).collect::<Option<Vec<Fen>>>()?,
    ))
}

/// A line as the rules make it, with who shares it and in what shares, and whether
/// `zero_member_lines = "drop"` leaves it out.
struct Shaped<'a> {
    line: PayoutLine,
    /// (member, days active in the period, their share), by staff id.
    shares: Vec<(&'a Staff, u64, Fen)>,
    dropped: bool,
}

/// Makes the line of a tier, period and department from its counts: the outcome (none
/// below the tier's `min_surveys`), the people sharing it (the participating departments'
/// staff that the members rule counts) and the amounts. The one place a line is made, for
/// statements and explanations alike.
fn shape<'a>(
    inputs: &'a PayoutInputs,
    rules: &Rules,
    period: &Period,
    tier: Tier,
    department: &str,
    (surveys, satisfied): (u64, u64),
) -> Result<Shaped<'a>, MoneyOverflow> {
    let rule = tier_rule(rules, tier);
    let sample_too_small = surveys < u64::from(rule.min_surveys);
    let outcome = if sample_too_small {
        PayoutOutcome::None
    } else {
        outcome(satisfied, surveys, rules.payouts.fine_below_percent)
    };
    let per_member = per_member(outcome, rule);
    let named = rules.payouts.participants.contains_key(department);
    let departments = rules.payouts.participants_of(department);
    let mode = rules.payouts.members;
    let sharers = inputs.sharers(&departments, period, mode);
    let members = sharers.len() as u64;
    let overflow = || MoneyOverflow {
        figure: crate::say!(
            "the payout line {period} {} {department} ({per_member} × {members} members)",
            "奖罚行 {period} {} {department}（{per_member} × {members} 人）",
            tier.as_str()
        ),
    };
    let mut shaped_by = LineRules {
        sample_too_small,
        shared_by: named.then_some(departments),
        ..LineRules::default()
    };
    let (amount, shares) = if mode == MembersRule::Prorated {
        let days: Vec<u64> = sharers.iter().map(|&(_, d)| d).collect();
        let period_days = u64::try_from(period.last.0 - period.first.0 + 1).expect("a period");
        shaped_by.member_days = Some(days.iter().sum());
        shaped_by.period_days = Some(period_days);
        let (amount, amounts) = prorate(per_member, &days, period_days).ok_or_else(overflow)?;
        // The line is at most per member × members: within the checked range.
        line_amount(per_member, members, period, tier, department)?;
        (amount, amounts)
    } else {
        (
            line_amount(per_member, members, period, tier, department)?,
            vec![per_member; sharers.len()],
        )
    };
    Ok(Shaped {
        line: PayoutLine {
            period: period.clone(),
            tier,
            department: department.to_owned(),
            surveys,
            satisfied,
            outcome,
            per_member,
            members,
            amount,
            shaped_by,
        },
        shares: sharers
            .into_iter()
            .zip(shares)
            .map(|((s, d), a)| (s, d, a))
            .collect(),
        dropped: members == 0 && rules.payouts.zero_member_lines == ZeroMemberLines::Drop,
    })
}

/// The lines and people of a month's statement, computed from the inputs. Every sum is
/// checked; an overflow names the figure.
pub fn compute(
    inputs: &PayoutInputs,
    rules: &Rules,
    month: &Period,
) -> Result<Statement, MoneyOverflow> {
    let mut shaped = Vec::new();
    for tier in TIER_ORDER {
        let rule = tier_rule(rules, tier);
        for period in periods_ending_in(rule.period, month) {
            let mut by_department: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
            for s in inputs
                .surveys
                .iter()
                .filter(|s| s.tier == tier && period.contains(s.at.day()))
            {
                let d = by_department.entry(&s.department).or_default();
                d.0 += 1;
                d.1 += u64::from(s.satisfied);
            }
            for (department, counts) in by_department {
                let line = shape(inputs, rules, &period, tier, department, counts)?;
                if !line.dropped {
                    shaped.push(line);
                }
            }
        }
    }
    // By last date, then tier in the order super_vip, vip, general (Tier's order), then
    // department (DOMAIN.md section 9).
    shaped.sort_by(|a, b| {
        let (a, b) = (&a.line, &b.line);
        (a.period.last, a.tier, &a.department).cmp(&(b.period.last, b.tier, &b.department))
    });
    let mut people: BTreeMap<String, PersonLine> = BTreeMap::new();
    for (member, _, share) in shaped.iter().flat_map(|l| &l.shares) {
        let person = people
            .entry(member.staff_id.clone())
            .or_insert_with(|| PersonLine {
                staff_id: member.staff_id.clone(),
                name: member.name.clone(),
                department: member.department.clone(),
                amount: Fen::ZERO,
                adjustment: None,
                payable: None,
            });
        person.amount = person.amount.add_or(*share, || {
            crate::say!(
                "the payout of {} in {}",
                "{} 在 {} 的奖罚",
                member.staff_id,
                month.label
            )
        })?;
    }
    let lines: Vec<PayoutLine> = shaped.into_iter().map(|l| l.line).collect();
    let total = Fen::try_sum(lines.iter().map(|l| l.amount), || {
        crate::say!("the payout total of {}", "{} 的奖罚合计", month.label)
    })?;
    let statement = Statement {
        month: month.label.clone(),
        lines,
        people: people.into_values().collect(),
        total,
        adjustments: Vec::new(),
        person_adjustments: Vec::new(),
        adjustments_total: None,
        payable_total: None,
        closed: None,
        changes_since_close: Vec::new(),
        changes_since_close_total: None,
        closed_json: None,
    };
    Ok(statement)
}

/// A month just closed: the statement computed and stored, and its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed {
    pub month: String,
    pub closed_at: String,
    pub sha256: String,
    /// 1 for a first close, 2 on for a month closed again after a reopen.
    pub version: u32,
    pub statement: Statement,
}

type LineKey = (String, String, String);

fn line_key(period: &str, tier: &str, department: &str) -> LineKey {
    (period.to_owned(), tier.to_owned(), department.to_owned())
}

/// What has been paid for a closed month, per line and per person: its closed figures plus
/// the adjustments for it carried by later closed statements.
/// What was paid per line and per person.
type Paid = (BTreeMap<LineKey, Fen>, BTreeMap<String, Fen>);

fn paid_for(month: &str, closed: &[ClosedMonth]) -> Result<Paid, MoneyOverflow> {
    let mut lines = BTreeMap::new();
    let mut people = BTreeMap::new();
    for c in closed {
        let f = &c.figures;
        if c.month == month {
            for (key, amount) in &f.lines {
                *lines.entry(key.clone()).or_insert(Fen::ZERO) = *amount;
            }
            for (staff_id, amount) in &f.people {
                people.insert(staff_id.clone(), *amount);
            }
        }
        for (key, amount) in f
            .adjustments
            .iter()
            .filter(|a| a.0 == month)
            .map(|a| (&a.1, a.2))
        {
            let e = lines.entry(key.clone()).or_insert(Fen::ZERO);
            *e = e.add_or(amount, || {
                crate::say!(
                    "what was paid for the payout line {} {} {} of {month}",
                    "{month} 奖罚行 {} {} {} 的已付金额",
                    key.0,
                    key.1,
                    key.2
                )
            })?;
        }
        for (staff_id, amount) in f
            .person_adjustments
            .iter()
            .filter(|a| a.0 == month)
            .map(|a| (&a.1, a.2))
        {
            let e = people.entry(staff_id.clone()).or_insert(Fen::ZERO);
            *e = e.add_or(amount, || {
                crate::say!(
                    "what was paid to {staff_id} for {month}",
                    "{month} 已付给 {staff_id} 的金额"
                )
            })?;
        }
    }
    Ok((lines, people))
}

/// The differences between a closed month's figures now and what was paid for it.
fn differences(
    month: &str,
    now: &Statement,
    closed: &[ClosedMonth],
) -> Result<(Vec<AdjustmentLine>, Vec<PersonAdjustment>), MoneyOverflow> {
    let (paid_lines, paid_people) = paid_for(month, closed)?;
    let mut now_lines: BTreeMap<LineKey, (Fen, &PayoutLine)> = BTreeMap::new();
    for l in &now.lines {
        now_lines.insert(
            line_key(&l.period.label, l.tier.as_str(), &l.department),
            (l.amount, l),
        );
    }
    let mut keys: Vec<&LineKey> = paid_lines.keys().chain(now_lines.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut adjustments = Vec::new();
    for key in keys {
        let paid = paid_lines.get(key).copied().unwrap_or(Fen::ZERO);
        let current = now_lines.get(key).map_or(Fen::ZERO, |(f, _)| *f);
        if paid != current {
            adjustments.push(AdjustmentLine {
                adjusts: month.to_owned(),
                period: key.0.clone(),
                tier: key.1.clone(),
                department: key.2.clone(),
                paid,
                now: current,
                amount: current.sub_or(paid, || {
                    crate::say!(
                        "the adjustment of the payout line {} {} {} of {month}",
                        "{month} 奖罚行 {} {} {} 的调整",
                        key.0,
                        key.1,
                        key.2
                    )
                })?,
            });
        }
    }
    let now_people: BTreeMap<&str, Fen> = now
        .people
        .iter()
        .map(|p| (p.staff_id.as_str(), p.amount))
        .collect();
    let mut ids: Vec<&str> = paid_people
        .keys()
        .map(String::as_str)
        .chain(now_people.keys().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut people = Vec::new();
    for id in ids {
        let diff = now_people.get(id).copied().unwrap_or(Fen::ZERO).sub_or(
            paid_people.get(id).copied().unwrap_or(Fen::ZERO),
            || {
                crate::say!(
                    "the adjustment of {id} for {month}",
                    "{id} 在 {month} 的调整"
                )
            },
        )?;
        if diff != Fen::ZERO {
            people.push(PersonAdjustment {
                adjusts: month.to_owned(),
                staff_id: id.to_owned(),
                amount: diff,
            });
        }
    }
    Ok((adjustments, people))
}

/// The statement of a month as finance sees it, from a snapshot:
/// - a closed month shows its closed figures, and any change since;
/// - the first open month after the last closed one also carries the prior-period
///   adjustments of every closed month;
/// - any other month is computed afresh.
pub fn statement(reader: &Reader, rules: &Rules, month: &Period) -> Result<Statement, KpiError> {
    let closed = closed_months(reader)?;
    let needs: Vec<Period> = match closed.iter().find(|c| c.month == month.label) {
        Some(_) => vec![month.clone()],
        None if next_open(&closed).as_ref() == Some(month) => {
            let mut months: Vec<Period> = closed
                .iter()
                .map(|c| Period::parse_month(&c.month).expect("stored label"))
                .collect();
            months.push(month.clone());
            months
        }
        None => vec![month.clone()],
    };
    let first = needs
        .iter()
        .map(|m| statement_span(m).0)
        .min()
        .expect("one month");
    let last = needs.iter().map(|m| m.last).max().expect("one month");
    let inputs = PayoutInputs::load(reader, rules, first, last)?;
    statement_from(&inputs, rules, month, &closed)
}

/// Every closed month, oldest first, with the figures adjustments need read from its JSON.
pub fn closed_months(reader: &Reader) -> Result<Vec<ClosedMonth>, StoreError> {
    closed::closed_months(reader)
}

/// The month after the last closed one, if any month is closed.
pub fn next_open(closed: &[ClosedMonth]) -> Option<Period> {
    closed
        .iter()
        .map(|c| Period::parse_month(&c.month).expect("stored label"))
        .max()
        .map(|m| Period::month_of(Day(m.last.0 + 1)))
}

/// As [`statement`], from loaded inputs and the closed months.
pub fn statement_from(
    inputs: &PayoutInputs,
    rules: &Rules,
    month: &Period,
    closed: &[ClosedMonth],
) -> Result<Statement, KpiError> {
    if let Some(c) = closed.iter().find(|c| c.month == month.label) {
        // The JSON view shows `c.json` itself (`Statement::json_bytes`); Markdown, CSV and
        // HTML lay the closed figures out through the frozen format-1 view of that JSON
        // (`closed::layout`), never by decoding it into today's struct.
        let mut s: Statement = closed::layout(&c.json).map_err(|e| {
            StoreError::Damaged(crate::say!(
                "closed statement {} cannot be laid out by this careledger: {e}",
                "本 careledger 无法排版已结账的结算单 {}：{e}",
                c.month
            ))
        })?;
        s.closed_json = Some(c.json.clone());
        let now = compute(inputs, rules, month)?;
        let (changes, _) = differences(&month.label, &now, closed)?;
        s.changes_since_close_total = if changes.is_empty() {
            None
        } else {
            Some(Fen::try_sum(changes.iter().map(|a| a.amount), || {
                crate::say!(
                    "the changes since {} was closed",
                    "{} 结账以来的变动",
                    month.label
                )
            })?)
        };
        s.changes_since_close = changes;
        s.closed = Some(CloseInfo {
            closed_at: c.closed_at.clone(),
            sha256: c.sha256.clone(),
        });
        return Ok(s);
    }
    let mut s = compute(inputs, rules, month)?;
    if next_open(closed).as_ref() == Some(month) {
        let mut months: Vec<&str> = closed.iter().map(|c| c.month.as_str()).collect();
        months.sort_unstable();
        for m in months {
            let now = compute(
                inputs,
                rules,
                &Period::parse_month(m).expect("stored label"),
            )?;
            let (lines, people) = differences(m, &now, closed)?;
            s.adjustments.extend(lines);
            s.person_adjustments.extend(people);
        }
        if !s.adjustments.is_empty() || !s.person_adjustments.is_empty() {
            apply_person_adjustments(&mut s, inputs)?;
        }
    }
    Ok(s)
}

/// Folds person adjustments into the people list (adding people who only have adjustments),
/// with payable = amount + adjustment.
fn apply_person_adjustments(s: &mut Statement, inputs: &PayoutInputs) -> Result<(), MoneyOverflow> {
    let mut by_id: HashMap<&str, Fen> = HashMap::new();
    for a in &s.person_adjustments {
        let e = by_id.entry(a.staff_id.as_str()).or_insert(Fen::ZERO);
        *e = e.add_or(a.amount, || {
            crate::say!(
                "the adjustments of {} in {}",
                "{} 在 {} 的调整",
                a.staff_id,
                s.month
            )
        })?;
    }
    let mut people: BTreeMap<String, PersonLine> = s
        .people
        .drain(..)
        .map(|p| (p.staff_id.clone(), p))
        .collect();
    for (id, _) in by_id.iter() {
        if !people.contains_key(*id) {
            let staff = inputs.staff.iter().find(|st| st.staff_id == *id);
            people.insert(
                (*id).to_owned(),
                PersonLine {
                    staff_id: (*id).to_owned(),
                    name: staff.map(|st| st.name.clone()).unwrap_or_default(),
                    department: staff.map(|st| st.department.clone()).unwrap_or_default(),
                    amount: Fen::ZERO,
                    adjustment: None,
                    payable: None,
                },
            );
        }
    }
    for p in people.values_mut() {
        let adjustment = by_id.get(p.staff_id.as_str()).copied().unwrap_or(Fen::ZERO);
        p.adjustment = Some(adjustment);
        p.payable = Some(p.amount.add_or(adjustment, || {
            crate::say!(
                "what {} is payable in {}",
                "{} 在 {} 的应付金额",
                p.staff_id,
                s.month
            )
        })?);
    }
    s.people = people.into_values().collect();
    let adjustments_total = Fen::try_sum(s.adjustments.iter().map(|a| a.amount), || {
        crate::say!("the adjustments total of {}", "{} 的调整合计", s.month)
    })?;
    s.adjustments_total = Some(adjustments_total);
    s.payable_total = Some(s.total.add_or(adjustments_total, || {
        crate::say!("the payable total of {}", "{} 的应付合计", s.month)
    })?);
    Ok(())
}

/// Why a month was not closed: the store refused (out of order, already closed, failed), or
/// its statement overflowed (bad input).
#[derive(Debug, thiserror::Error)]
pub enum CloseFailure {
    #[error(transparent)]
    Close(#[from] CloseError),
    #[error(transparent)]
    Overflow(#[from] MoneyOverflow),
    /// The month looks unready (see [`close_warnings`]); `--force` closes it anyway.
    #[error("{}", crate::say!(
        "{month} was not closed: {}; check the data, or close it anyway with --force",
        "{month} 未结账：{}；请核对数据，或用 --force 强制结账",
        .reasons.join(crate::voice::pick("; ", "；")),
        month = .month
    ))]
    Unsafe { month: String, reasons: Vec<String> },
}

impl From<StoreError> for CloseFailure {
    fn from(e: StoreError) -> CloseFailure {
        CloseFailure::Close(CloseError::Store(e))
    }
}

impl From<KpiError> for CloseFailure {
    fn from(e: KpiError) -> CloseFailure {
        match e {
            KpiError::Store(e) => e.into(),
            KpiError::Overflow(e) => e.into(),
        }
    }
}

/// Why closing a month now may be a mistake (issue 15): the data does not reach the month,
/// or not past its grace, or it has no survey. `close` refuses such a month unless forced.
pub fn close_warnings(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    statement: &Statement,
) -> Result<Vec<String>, StoreError> {
    let mut warnings = Vec::new();
    let latest = reader.latest_time()?;
    // The month's figures can change until the grace after its end has passed.
    let settled = Timestamp(Day(month.last.0 + 1).start().0 + rules.grace_seconds());
    match latest {
        None => warnings.push(crate::say!("the store holds no records", "数据库中没有任何记录")),
        Some(t) if t.day() < month.first => warnings.push(crate::say!(
            "the data ends on {}, before {} begins",
            "数据止于 {}，在 {} 开始之前",
            t.day(),
            month.label
        )),
        Some(t) if t < settled => warnings.push(crate::say!(
            "the data reaches only {t}, and the figures of {} can change until {settled} (its end plus the {} h grace)",
            "数据只到 {t}，而 {} 的数字在 {settled} 之前仍可能变化（月末加上 {} 小时宽限期）",
            month.label, rules.visits.grace_hours
        )),
        Some(_) => {}
    }
    if statement.lines.is_empty() {
        warnings.push(crate::say!(
            "no survey counts in any period of {}: the statement is empty",
            "{} 的任何期间都没有计入的满意度调查：结算单是空的",
            month.label
        ));
    }
    Ok(warnings)
}

/// What closing a month would freeze: its statement (with the adjustments it carries), the
/// hash it would be stored with, and the reasons to hesitate (see [`close_warnings`]).
pub struct ClosePlan {
    pub statement: Statement,
    pub json: String,
    pub sha256: String,
    pub warnings: Vec<String>,
}

/// Plans closing a month from a snapshot, without storing anything (`close --dry-run`).
pub fn plan_close(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
) -> Result<ClosePlan, CloseFailure> {
    let statement = statement(reader, rules, month)?;
    if let Some(info) = &statement.closed {
        return Err(CloseError::AlreadyClosed(month.label.clone(), info.closed_at.clone()).into());
    }
    // The order first (the store checks it again when it stores): no warning about the
    // data matters for a month that cannot be closed yet.
    let closed = closed_months(reader)?;
    if let Some(open) = next_open(&closed)
        && open != *month
    {
        let last = closed
            .iter()
            .map(|c| c.month.clone())
            .max()
            .unwrap_or_default();
        return Err(if month.label < open.label {
            CloseError::Earlier {
                month: month.label.clone(),
                last,
            }
        } else {
            CloseError::OutOfOrder {
                month: month.label.clone(),
                open: open.label,
            }
        }
        .into());
    }
    let warnings = close_warnings(reader, rules, month, &statement)?;
    let json = String::from_utf8(crate::report::to_json(&statement)).expect("JSON is UTF-8");
    let sha256 = crate::store::sha256_hex(json.as_bytes());
    Ok(ClosePlan {
        statement,
        json,
        sha256,
        warnings,
    })
}

/// Closes a month: computes its statement from a snapshot (with the adjustments it carries)
/// and stores it with its hash. `closed_at` is the caller's wall-clock time. Refused, with
/// the reasons, when [`close_warnings`] finds any, unless `force`.
pub fn close(
    store: &crate::store::Store,
    rules: &Rules,
    month: &Period,
    closed_at: &str,
    force: bool,
) -> Result<Closed, CloseFailure> {
    let reader = store.reader()?;
    let plan = plan_close(&reader, rules, month)?;
    if !force && !plan.warnings.is_empty() {
        return Err(CloseFailure::Unsafe {
            month: month.label.clone(),
            reasons: plan.warnings,
        });
    }
    let stored = crate::store::ClosedStatement {
        month: month.label.clone(),
        closed_at: closed_at.to_owned(),
        sha256: plan.sha256.clone(),
        statement_json: plan.json,
    };
    let version = store.close_month(&stored)?;
    Ok(Closed {
        month: month.label.clone(),
        closed_at: closed_at.to_owned(),
        sha256: plan.sha256,
        version,
        statement: plan.statement,
    })
}

/// Everything behind one statement line: "why was I fined".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub period: Period,
    pub tier: Tier,
    pub department: String,
    pub surveys: Vec<ExplainedSurvey>,
    pub satisfied: u64,
    pub outcome: PayoutOutcome,
    pub per_member: Fen,
    pub members: Vec<ExplainedMember>,
    pub amount: Fen,
    /// The arithmetic, step by step ([`Step::english`] in JSON; the Markdown says it in
    /// the reader's language).
    pub arithmetic: Vec<Step>,
    /// The rules that produced the figures, as typed values (the reports say them in the
    /// reader's language).
    pub rules: ExplainedRules,
}

/// One step of a line's arithmetic, with the figures it names: the reports say it in the
/// reader's language, the JSON in English ([`Step::english`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The line's surveys and how many were satisfied.
    Surveys {
        n: u64,
        tier: Tier,
        department: String,
        period: String,
        satisfied: u64,
        min: u8,
    },
    /// Fewer surveys than the tier's `min_surveys`: neither reward nor fine.
    TooFew {
        n: u64,
        min_surveys: u32,
        tier: Tier,
    },
    /// Every survey satisfied: the reward.
    AllSatisfied { n: u64, reward: Fen },
    /// Below the threshold: the fine.
    Fine {
        n: u64,
        satisfied: u64,
        threshold: u32,
        fine: Fen,
    },
    /// At or above the threshold but not every survey satisfied.
    Neither {
        n: u64,
        satisfied: u64,
        threshold: u32,
    },
    /// `members = "active_on_last_day"`: who shares the line.
    MembersOnLastDay {
        k: u64,
        departments: Vec<String>,
        last: Day,
        per_member: Fen,
        amount: Fen,
    },
    /// `members = "active_whole_period"`.
    MembersWholePeriod {
        k: u64,
        departments: Vec<String>,
        first: Day,
        last: Day,
        per_member: Fen,
        amount: Fen,
    },
    /// `members = "prorated"`: the line by member-days.
    MembersProrated {
        k: u64,
        departments: Vec<String>,
        first: Day,
        last: Day,
        days: u64,
        period_days: u64,
        per_member: Fen,
        amount: Fen,
    },
    /// No members and `zero_member_lines = "drop"`.
    Dropped,
}

impl Step {
    /// The step in English, as the JSON carries it.
    pub fn english(&self) -> String {
        match self {
            Step::Surveys {
                n,
                tier,
                department,
                period,
                satisfied,
                min,
            } => format!(
                "{} of {} customers about {department} in {period}, {satisfied} satisfied (overall ≥ {min})",
                plural(*n, "survey", "surveys"),
                tier.as_str()
            ),
            Step::TooFew {
                n,
                min_surveys,
                tier,
            } => format!(
                "{}, fewer than the {min_surveys} a {} line needs (min_surveys): sample too small, neither reward nor fine",
                plural(*n, "survey", "surveys"),
                tier.as_str()
            ),
            Step::AllSatisfied { n, reward } => {
                let all = if *n == 1 {
                    "1 of 1".to_owned()
                } else {
                    format!("all {n}")
                };
                format!("{all} satisfied (100 %): reward {reward} per member")
            }
            Step::Fine {
                n,
                satisfied,
                threshold,
                fine,
            } => format!(
                "100 × {satisfied} = {} < {threshold} × {n} = {}: below {threshold} %, fine {fine} per member",
                100 * satisfied,
                u64::from(*threshold) * n
            ),
            Step::Neither {
                n,
                satisfied,
                threshold,
            } => format!(
                "100 × {satisfied} = {} ≥ {threshold} × {n} = {}: at least {threshold} % but not 100 %, neither reward nor fine",
                100 * satisfied,
                u64::from(*threshold) * n
            ),
            Step::MembersOnLastDay {
                k,
                departments,
                last,
                per_member,
                amount,
            } => format!(
                "{} of {} active on {last}: {per_member} × {k} = {amount}",
                plural(*k, "member", "members"),
                departments.join(" and ")
            ),
            Step::MembersWholePeriod {
                k,
                departments,
                first,
                last,
                per_member,
                amount,
            } => format!(
                "{} of {} active on every day from {first} to {last}: {per_member} × {k} = {amount}",
                plural(*k, "member", "members"),
                departments.join(" and ")
            ),
            Step::MembersProrated {
                k,
                departments,
                first,
                last,
                days,
                period_days,
                per_member,
                amount,
            } => format!(
                "{} of {} active in {first} … {last}, {} in a period of {period_days} days: {per_member} × {days} / {period_days} = {amount} (to the fen, half away from zero), shared by days active with the leftover fen to the largest remainders",
                plural(*k, "member", "members"),
                departments.join(" and "),
                plural(*days, "member-day", "member-days")
            ),
            Step::Dropped => {
                "no members: the line is dropped from the statement (zero_member_lines = drop)"
                    .to_owned()
            }
        }
    }
}

/// The payout rules behind an explained line: its tier's `min_surveys` and whether the line
/// fell below it, the members rule, the departments sharing the line (and whether
/// `payouts.participants` names them), the period's days and the members' days (prorated),
/// and whether the line is dropped from statements (`zero_member_lines = "drop"` and no
/// member).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExplainedRules {
    pub min_surveys: u32,
    pub sample_too_small: bool,
    #[serde(serialize_with = "members_rule_word")]
    pub members: MembersRule,
    pub participants: Vec<String>,
    pub participants_named: bool,
    #[serde(serialize_with = "zero_member_word")]
    pub zero_member_lines: ZeroMemberLines,
    pub dropped: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_days: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_days: Option<u64>,
}

fn members_rule_word<S: Serializer>(rule: &MembersRule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.as_str())
}

fn zero_member_word<S: Serializer>(rule: &ZeroMemberLines, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.as_str())
}

/// The JSON keys of an explanation, in order: the period as label, start and end, as in a
/// statement line.
impl Serialize for Explanation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            #[serde(serialize_with = "as_label")]
            period: &'a Period,
            #[serde(serialize_with = "as_text")]
            period_start: Day,
            #[serde(serialize_with = "as_text")]
            period_end: Day,
            tier: Tier,
            department: &'a str,
            surveys: &'a [ExplainedSurvey],
            satisfied: u64,
            outcome: PayoutOutcome,
            per_member: Fen,
            members: &'a [ExplainedMember],
            amount: Fen,
            arithmetic: Vec<String>,
            rules: &'a ExplainedRules,
        }
        Json {
            period: &self.period,
            period_start: self.period.first,
            period_end: self.period.last,
            tier: self.tier,
            department: &self.department,
            surveys: &self.surveys,
            satisfied: self.satisfied,
            outcome: self.outcome,
            per_member: self.per_member,
            members: &self.members,
            amount: self.amount,
            arithmetic: self.arithmetic.iter().map(Step::english).collect(),
            rules: &self.rules,
        }
        .serialize(s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExplainedSurvey {
    pub survey_id: String,
    #[serde(serialize_with = "as_text")]
    pub at: Timestamp,
    pub customer_id: String,
    pub overall: u8,
    pub satisfied: bool,
    pub issues: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExplainedMember {
    pub staff_id: String,
    pub name: String,
    #[serde(serialize_with = "as_text")]
    pub active_from: Day,
    #[serde(serialize_with = "optional_text")]
    pub active_to: Option<Day>,
    pub department: String,
    /// The days of the period the member was active (counted under `members = "prorated"`).
    pub days_active: u64,
    /// The member's share of the line.
    pub amount: Fen,
}

/// Serialises an optional value by its `Display` text, `null` when absent.
fn optional_text<T: fmt::Display, S: Serializer>(
    value: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

/// Explains one line: the surveys (id, date, customer, score, satisfied), the members
/// counted, and the arithmetic. The period must be of the tier's kind.
pub fn explain(
    reader: &Reader,
    rules: &Rules,
    period: &Period,
    tier: Tier,
    department: &str,
) -> Result<Result<Explanation, String>, KpiError> {
    let rule = tier_rule(rules, tier);
    if rule.period != period.kind {
        return Ok(Err(crate::say!(
            "{} is paid per {}, so its lines have {} periods; `{}` is a {}",
            "{} 按 {} 发放，所以其奖罚行的期间是 {}；`{}` 是 {}",
            tier.as_str(),
            rule.period.key(),
            rule.period.key(),
            period.label,
            period.kind.key()
        )));
    }
    let inputs = PayoutInputs::load(reader, rules, period.first, period.last)?;
    let surveys = inputs.line_surveys(period, tier, department);
    let n = surveys.len() as u64;
    if n == 0 {
        return Ok(Err(crate::say!(
            "there is no such line: no surveys of {} customers about {department} are dated in {}",
            "没有这样的奖罚行：{} 客户关于 {department} 的满意度调查没有一份日期在 {} 内",
            tier.as_str(),
            period.label
        )));
    }
    let satisfied = surveys.iter().filter(|s| s.satisfied).count() as u64;
    let shaped = shape(&inputs, rules, period, tier, department, (n, satisfied))?;
    let line = &shaped.line;
    let (outcome, per_member, amount) = (line.outcome, line.per_member, line.amount);
    let threshold = rules.payouts.fine_below_percent;
    let min = rules.surveys.satisfied_overall_min;
    let mut arithmetic = vec![Step::Surveys {
        n,
        tier,
        department: department.to_owned(),
        period: period.label.clone(),
        satisfied,
        min,
    }];
    arithmetic.push(if line.shaped_by.sample_too_small {
        Step::TooFew {
            n,
            min_surveys: rule.min_surveys,
            tier,
        }
    } else if satisfied == n {
        Step::AllSatisfied {
            n,
            reward: rule.reward,
        }
    } else if outcome == PayoutOutcome::Fine {
        Step::Fine {
            n,
            satisfied,
            threshold,
            fine: rule.fine,
        }
    } else {
        Step::Neither {
            n,
            satisfied,
            threshold,
        }
    });
    let departments = rules.payouts.participants_of(department);
    let k = line.members;
    let (first, last) = (period.first, period.last);
    let days = line.shaped_by.member_days.zip(line.shaped_by.period_days);
    arithmetic.push(match (rules.payouts.members, days) {
        (MembersRule::Prorated, Some((days, period_days))) => Step::MembersProrated {
            k,
            departments: departments.clone(),
            first,
            last,
            days,
            period_days,
            per_member,
            amount,
        },
        (MembersRule::ActiveWholePeriod, _) => Step::MembersWholePeriod {
            k,
            departments: departments.clone(),
            first,
            last,
            per_member,
            amount,
        },
        _ => Step::MembersOnLastDay {
            k,
            departments: departments.clone(),
            last,
            per_member,
            amount,
        },
    });
    if shaped.dropped {
        arithmetic.push(Step::Dropped);
    }
    let explained_rules = ExplainedRules {
        min_surveys: rule.min_surveys,
        sample_too_small: line.shaped_by.sample_too_small,
        members: rules.payouts.members,
        participants: departments,
        participants_named: line.shaped_by.shared_by.is_some(),
        zero_member_lines: rules.payouts.zero_member_lines,
        dropped: shaped.dropped,
        member_days: line.shaped_by.member_days,
        period_days: line.shaped_by.period_days,
    };
    Ok(Ok(Explanation {
        period: period.clone(),
        tier,
        department: department.to_owned(),
        // The issues are not what a line counts: read from the line's survey records.
        surveys: surveys
            .iter()
            .map(|s| {
                let issues = match reader.get(Kind::Survey, &s.survey_id)? {
                    Some((_, Record::Survey(record))) => record.issues,
                    _ => Vec::new(),
                };
                Ok(ExplainedSurvey {
                    survey_id: s.survey_id.clone(),
                    at: s.at,
                    customer_id: s.customer_id.clone(),
                    overall: s.overall,
                    satisfied: s.satisfied,
                    issues,
                })
            })
            .collect::<Result<_, StoreError>>()?,
        satisfied,
        outcome,
        per_member,
        members: shaped
            .shares
            .iter()
            .map(|&(m, days_active, share)| ExplainedMember {
                staff_id: m.staff_id.clone(),
                name: m.name.clone(),
                active_from: m.active_from,
                active_to: m.active_to,
                department: m.department.clone(),
                days_active,
                amount: share,
            })
            .collect(),
        amount,
        arithmetic,
        rules: explained_rules,
    }))
}

/// A proposed rule change against the rules in force, line by line and person by person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub month: String,
    pub lines: Vec<ComparedLine>,
    pub people: Vec<ComparedPerson>,
    pub total_in_force: Fen,
    pub total_proposed: Fen,
    pub difference: Fen,
    /// Every rule the proposal changes, by its key in a rules file, with both values as
    /// TOML (`payouts.members`: `"active_on_last_day"` → `"prorated"`).
    pub rules_changed: Vec<RuleChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    pub key: String,
    pub in_force: String,
    pub proposed: String,
}

/// The rules that differ between two rule sets, by dotted key, in key order. A key present
/// on one side only (a participants entry) shows `-` on the other.
fn rules_changed(in_force: &Rules, proposed: &Rules) -> Vec<RuleChange> {
    fn leaves(table: &toml::Table, prefix: &str, out: &mut BTreeMap<String, String>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(t) => leaves(t, &path, out),
                v => {
                    out.insert(path, v.to_string());
                }
            }
        }
    }
    let flat = |rules: &Rules| {
        let mut out = BTreeMap::new();
        leaves(
            &toml::Table::try_from(rules).expect("rules serialise"),
            "",
            &mut out,
        );
        out
    };
    let (a, b) = (flat(in_force), flat(proposed));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| RuleChange {
            key: k.clone(),
            in_force: a.get(k).cloned().unwrap_or_else(|| "-".into()),
            proposed: b.get(k).cloned().unwrap_or_else(|| "-".into()),
        })
        .collect()
}

/// A line under both rules. A side without the line (no surveys of that tier there) has no
/// outcome, `"-"` in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComparedLine {
    #[serde(serialize_with = "as_label")]
    pub period: Period,
    pub tier: Tier,
    pub department: String,
    pub surveys: u64,
    pub satisfied: u64,
    #[serde(serialize_with = "outcome_or_dash")]
    pub in_force_outcome: Option<PayoutOutcome>,
    pub in_force_amount: Fen,
    #[serde(serialize_with = "outcome_or_dash")]
    pub proposed_outcome: Option<PayoutOutcome>,
    pub proposed_amount: Fen,
    pub difference: Fen,
}

/// An outcome's word, or `-` when that side has no such line.
pub fn outcome_word(outcome: Option<PayoutOutcome>) -> &'static str {
    outcome.map_or("-", PayoutOutcome::as_str)
}

fn outcome_or_dash<S: Serializer>(
    outcome: &Option<PayoutOutcome>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(outcome_word(*outcome))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComparedPerson {
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub in_force: Fen,
    pub proposed: Fen,
    pub difference: Fen,
}

/// What the month's statement would have been under `proposed` against `in_force`, both
/// computed afresh from the records (closing does not apply to a what-if).
///
/// Each side is read through its own reader of the same state: one prepared for its rules
/// (`crate::facts::prepare`), so that on a large store each reads the kept facts or facts
/// derived for it into a temporary store, and neither derives every customer in memory.
/// One reader serves both on a small store.
pub fn compare(
    in_force_reader: &Reader,
    in_force: &Rules,
    proposed_reader: &Reader,
    proposed: &Rules,
    month: &Period,
) -> Result<Comparison, KpiError> {
    let (first, last) = statement_span(month);
    let a = compute(
        &PayoutInputs::load(in_force_reader, in_force, first, last)?,
        in_force,
        month,
    )?;
    let b = compute(
        &PayoutInputs::load(proposed_reader, proposed, first, last)?,
        proposed,
        month,
    )?;
    // In statement order: last date, tier, department; then the label, as two rules may pay
    // a tier over different periods ending on the same date.
    let mut lines: BTreeMap<(Day, Tier, String, String), ComparedLine> = BTreeMap::new();
    for (line, side) in a
        .lines
        .iter()
        .map(|l| (l, 0))
        .chain(b.lines.iter().map(|l| (l, 1)))
    {
        let key = (
            line.period.last,
            line.tier,
            line.department.clone(),
            line.period.label.clone(),
        );
        let entry = lines.entry(key).or_insert_with(|| ComparedLine {
            period: line.period.clone(),
            tier: line.tier,
            department: line.department.clone(),
            surveys: line.surveys,
            satisfied: line.satisfied,
            in_force_outcome: None,
            in_force_amount: Fen::ZERO,
            proposed_outcome: None,
            proposed_amount: Fen::ZERO,
            difference: Fen::ZERO,
        });
        if side == 0 {
            entry.in_force_outcome = Some(line.outcome);
            entry.in_force_amount = line.amount;
        } else {
            entry.proposed_outcome = Some(line.outcome);
            entry.proposed_amount = line.amount;
            // The proposal's counts win where they differ (its tiers may differ).
            entry.surveys = line.surveys;
            entry.satisfied = line.satisfied;
        }
        entry.difference = entry.proposed_amount.sub_or(entry.in_force_amount, || {
            crate::say!(
                "the difference of the payout line {} {} {}",
                "奖罚行 {} {} {} 的差额",
                line.period,
                line.tier.as_str(),
                line.department
            )
        })?;
    }
    let mut people: BTreeMap<String, ComparedPerson> = BTreeMap::new();
    for (p, side) in a
        .people
        .iter()
        .map(|p| (p, 0))
        .chain(b.people.iter().map(|p| (p, 1)))
    {
        let entry = people
            .entry(p.staff_id.clone())
            .or_insert_with(|| ComparedPerson {
                staff_id: p.staff_id.clone(),
                name: p.name.clone(),
                department: p.department.clone(),
                in_force: Fen::ZERO,
                proposed: Fen::ZERO,
                difference: Fen::ZERO,
            });
        if side == 0 {
            entry.in_force = p.amount;
        } else {
            entry.proposed = p.amount;
        }
        entry.difference = entry.proposed.sub_or(entry.in_force, || {
            crate::say!("the difference of {}'s payout", "{} 的奖罚差额", p.staff_id)
        })?;
    }
    Ok(Comparison {
        month: month.label.clone(),
        lines: lines.into_values().collect(),
        people: people.into_values().collect(),
        total_in_force: a.total,
        total_proposed: b.total,
        difference: b.total.sub_or(a.total, || {
            crate::say!(
                "the difference of the payout totals of {}",
                "{} 的奖罚合计差额",
                month.label
            )
        })?,
        rules_changed: rules_changed(in_force, proposed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    /// The JSON of section 9 for a line, written out by hand: typed values print as the
    /// strings they replaced, key for key and in order.
    const W01_LINE: &str = r#"{"period":"2025-W01","period_start":"2024-12-30","period_end":"2025-01-05","tier":"super_vip","department":"after_sales","surveys":5,"satisfied":4,"outcome":"fine","per_member":"-50.00","members":3,"amount":"-150.00"}"#;

    fn w01_line() -> PayoutLine {
        PayoutLine {
            // 2024-12-30 is the Monday of the ISO week 2025-W01.
            period: Period::week_of(day("2024-12-30")),
            tier: Tier::SuperVip,
            department: "after_sales".into(),
            surveys: 5,
            satisfied: 4,
            outcome: PayoutOutcome::Fine,
            per_member: Fen(-5_000),
            members: 3,
            amount: Fen(-15_000),
            shaped_by: LineRules::default(),
        }
    }

    #[test]
    fn a_typed_line_prints_the_json_of_section_9_and_reads_back() {
        let line = w01_line();
        assert_eq!(line.period.first, day("2024-12-30"));
        assert_eq!(line.period.last, day("2025-01-05"));
        assert_eq!(serde_json::to_string(&line).unwrap(), W01_LINE);
        let read: PayoutLine = serde_json::from_str(W01_LINE).unwrap();
        assert_eq!(read, line);
        assert_eq!(read.period.kind, PeriodKind::Week);
    }

    #[test]
    fn a_written_line_whose_dates_are_not_its_periods_is_refused() {
        let shifted = W01_LINE.replace("2025-01-05", "2025-01-06");
        let e = serde_json::from_str::<PayoutLine>(&shifted)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(
                "the period 2025-W01 runs from 2024-12-30 to 2025-01-05, but the line says 2024-12-30 to 2025-01-06"
            ),
            "{e}"
        );
        for (from, to) in [
            (r#""outcome":"fine""#, r#""outcome":"penalty""#),
            (r#""tier":"super_vip""#, r#""tier":"gold""#),
            (r#""period":"2025-W01""#, r#""period":"2025-W1""#),
        ] {
            let bad = W01_LINE.replace(from, to);
            assert!(serde_json::from_str::<PayoutLine>(&bad).is_err(), "{bad}");
        }
        // A month and a year label read as their periods.
        let month = r#"{"period":"2024-02","period_start":"2024-02-01","period_end":"2024-02-29","tier":"vip","department":"sales","surveys":1,"satisfied":1,"outcome":"reward","per_member":"150.00","members":0,"amount":"0.00"}"#;
        let line: PayoutLine = serde_json::from_str(month).unwrap();
        assert_eq!(
            (line.period.kind, line.tier, line.outcome),
            (PeriodKind::Month, Tier::Vip, PayoutOutcome::Reward)
        );
        let year = month
            .replace(r#""2024-02""#, r#""2024""#)
            .replace("2024-02-01", "2024-01-01")
            .replace("2024-02-29", "2024-12-31");
        let line: PayoutLine = serde_json::from_str(&year).unwrap();
        assert_eq!(line.period.kind, PeriodKind::Year);
    }

    #[test]
    fn outcomes_follow_the_integer_thresholds() {
        // 19 of 20 is exactly 95 %: not below, so neither reward nor fine.
        assert_eq!(outcome(19, 20, 95), PayoutOutcome::None);
        assert_eq!(outcome(18, 20, 95), PayoutOutcome::Fine);
        assert_eq!(outcome(20, 20, 95), PayoutOutcome::Reward);
        let rule = &Rules::default().payouts.vip;
        assert_eq!(per_member(PayoutOutcome::Reward, rule), Fen(15_000));
        assert_eq!(per_member(PayoutOutcome::Fine, rule), Fen(-10_000));
        assert_eq!(per_member(PayoutOutcome::None, rule), Fen::ZERO);
        assert_eq!(
            serde_json::to_string(&[
                PayoutOutcome::Reward,
                PayoutOutcome::Fine,
                PayoutOutcome::None
            ])
            .unwrap(),
            r#"["reward","fine","none"]"#
        );
    }

    /// The prorating of `members = "prorated"`, worked by hand (fixtures/payouts/
    /// prorated_joiner/README.md): the fine of 150.00 over the 366 days of 2024, members
    /// active 366, 92, 182 and 92 days: the line is 15 000 × 732 / 366 = 30 000 fen; the
    /// shares round down to 15 000, 3 770 (rem 180), 7 459 (rem 6), 3 770 (rem 180), 29 999
    /// in all, and the one fen left goes to the first of the two remainders of 180.
    #[test]
    fn prorating_rounds_the_line_and_splits_it_by_largest_remainder() {
        let (line, shares) = prorate(Fen(-15_000), &[366, 92, 182, 92], 366).unwrap();
        assert_eq!(line, Fen(-30_000));
        assert_eq!(
            shares,
            [Fen(-15_000), Fen(-3_771), Fen(-7_459), Fen(-3_770)]
        );
        // 20 000 × 475 / 366 = 25 956.28…: 25 956; floors 20 000 + 5 027 (rem 118) + 928
        // (rem 352) = 25 955; the fen left goes to the remainder 352.
        let (line, shares) = prorate(Fen(20_000), &[366, 92, 17], 366).unwrap();
        assert_eq!(line, Fen(25_956));
        assert_eq!(shares, [Fen(20_000), Fen(5_027), Fen(929)]);
        // Half a fen rounds away from zero: 1 fen over 2 of 4 days is 0.5 → 1, -0.5 → -1.
        assert_eq!(prorate(Fen(1), &[2], 4).unwrap(), (Fen(1), vec![Fen(1)]));
        assert_eq!(prorate(Fen(-1), &[2], 4).unwrap(), (Fen(-1), vec![Fen(-1)]));
        // No member, or none: nothing to share; a whole period is the full amount.
        assert_eq!(prorate(Fen(10_000), &[], 7).unwrap(), (Fen::ZERO, vec![]));
        assert_eq!(
            prorate(Fen::ZERO, &[3, 7], 7).unwrap(),
            (Fen::ZERO, vec![Fen::ZERO, Fen::ZERO])
        );
        assert_eq!(
            prorate(Fen(10_000), &[7, 7], 7).unwrap(),
            (Fen(20_000), vec![Fen(10_000), Fen(10_000)])
        );
    }

    /// Against a naive model of the rule in exact fractions: the shares add up to the line,
    /// each is its exact share rounded down or up, and the line is the exact sum rounded
    /// half away from zero.
    #[test]
    fn prorated_shares_always_add_up_to_the_line() {
        for per_member in [1, 7, 3_333, 5_000, 10_000, 15_000, 100_000_000] {
            for period_days in [7_u64, 28, 29, 30, 31, 365, 366] {
                for n in 1..6_u64 {
                    let days: Vec<u64> = (0..n)
                        .map(|i| (i * 37 + per_member as u64) % period_days + 1)
                        .collect();
                    for sign in [1, -1] {
                        let p = Fen(sign * per_member);
                        let (line, shares) = prorate(p, &days, period_days).unwrap();
                        assert_eq!(shares.iter().map(|f| f.0).sum::<i64>(), line.0);
                        let total: i128 = days.iter().map(|&d| i128::from(d)).sum::<i128>()
                            * i128::from(per_member);
                        let d = i128::from(period_days);
                        let rounded = (total / d) + i128::from(2 * (total % d) >= d);
                        assert_eq!(i128::from(line.0), i128::from(sign) * rounded);
                        for (share, &dd) in shares.iter().zip(&days) {
                            let exact = i128::from(per_member) * i128::from(dd);
                            let floor = exact / d;
                            let got = i128::from(share.0.abs());
                            assert!(got == floor || (got == floor + 1 && exact % d != 0));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_periods_of_a_statement_come_from_the_typed_rule() {
        let january = Period::month(2025, 1).unwrap();
        // Sundays in January 2025: the 5th, 12th, 19th and 26th.
        let weeks: Vec<String> = periods_ending_in(PeriodKind::Week, &january)
            .into_iter()
            .map(|p| p.label)
            .collect();
        assert_eq!(weeks, ["2025-W01", "2025-W02", "2025-W03", "2025-W04"]);
        assert_eq!(periods_ending_in(PeriodKind::Year, &january), []);
        let december = Period::month(2024, 12).unwrap();
        assert_eq!(
            periods_ending_in(PeriodKind::Year, &december),
            [Period::year(2024).unwrap()]
        );
    }
}
