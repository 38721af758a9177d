//! Customer tiers by the 80/20 rule (二八法则, DOMAIN.md section 7): super VIP, VIP or
//! general, as of the last day of the month before the date asked about.
//!
//! The inputs of every criterion are gathered once per snapshot ([`TierInputs`]); evaluating
//! all customers as of one date is then a pass over small per-customer lists, in parallel.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{Day, Kind, Period, Record};
use crate::rules::{Rules, TierRules};
use crate::store::{Reader, StoreError};

/// A customer's tier. Its order is the order of reports: super_vip, vip, general.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    SuperVip,
    Vip,
    General,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::SuperVip, Tier::Vip, Tier::General];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::SuperVip => "super_vip",
            Tier::Vip => "vip",
            Tier::General => "general",
        }
    }

    /// The tier of a token (`super_vip`, `vip`, `general`).
    pub fn parse(token: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == token)
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A customer's tier and every criterion they meet (S1–S8, then V1–V6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TierResult {
    pub tier: Tier,
    pub criteria: Vec<&'static str>,
}

/// Every criterion, in the order a [`TierResult`] lists those met: S1–S8, then V1–V6.
pub const CRITERIA: [&str; 14] = [
    "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "V1", "V2", "V3", "V4", "V5", "V6",
];

impl TierResult {
    /// The criteria met as bits: bit i for `CRITERIA[i]`.
    pub fn criteria_bits(&self) -> u16 {
        CRITERIA
            .iter()
            .enumerate()
            .filter(|(_, c)| self.criteria.contains(c))
            .fold(0, |bits, (i, _)| bits | 1 << i)
    }

    /// The result a tier and its criteria bits stand for.
    pub fn from_bits(tier: Tier, bits: u16) -> TierResult {
        TierResult {
            tier,
            criteria: CRITERIA
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & 1 << i != 0)
                .map(|(_, c)| *c)
                .collect(),
        }
    }
}

/// What the criteria of one customer look at.
#[derive(Clone, Debug, Default)]
struct CustomerInputs {
    created_on: Option<Day>,
    family_id: Option<String>,
    influential: bool,
    media: bool,
    suggestion_adopted: bool,
    /// Delivery dates of the customer's own sales.
    sales: Vec<Day>,
    /// Visit dates (deliveries and order openings), sorted, distinct.
    visits: Vec<Day>,
    /// Delivery dates of sales naming the customer as referrer.
    referred_sales: Vec<Day>,
    /// Start years of the customer's own policies, with their start dates.
    policies: Vec<Day>,
    /// (start date, holder) of policies naming the customer as referrer.
    policy_referrals: Vec<(Day, String)>,
    /// (date, satisfied) of the customer's surveys.
    surveys: Vec<(Day, bool)>,
}

/// The inputs of every criterion for every current customer of a snapshot.
pub struct TierInputs {
    customers: BTreeMap<String, CustomerInputs>,
    /// family id → (customer, earliest delivery date of a sale to them).
    family_buyers: HashMap<String, Vec<Day>>,
}

impl TierInputs {
    pub fn load(reader: &Reader, rules: &Rules) -> Result<TierInputs, StoreError> {
        // Five disjoint key ranges of one snapshot, read at once.
        let ((customer_records, sale_records), ((order_records, policy_records), survey_records)) =
            rayon::join(
                || {
                    rayon::join(
                        || reader.current_records(Kind::Customer),
                        || reader.current_records(Kind::Sale),
                    )
                },
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || reader.current_records(Kind::ServiceOrder),
                                || reader.current_records(Kind::Policy),
                            )
                        },
                        || reader.current_records(Kind::Survey),
                    )
                },
            );
        Ok(TierInputs::from_records(
            customer_records?,
            sale_records?,
            order_records?,
            policy_records?,
            survey_records?,
            rules,
        ))
    }

    /// The inputs from lists of current records, each kind in key order: every record of a
    /// snapshot ([`TierInputs::load`]), or those of some customers — their own records, the
    /// sales and policies naming them as referrer, and their family members' customer
    /// records and sales — which decide those customers' tiers exactly as the whole
    /// snapshot would (`crate::facts`).
    pub fn from_records(
        customer_records: Vec<Record>,
        sale_records: Vec<Record>,
        order_records: Vec<Record>,
        policy_records: Vec<Record>,
        survey_records: Vec<Record>,
        rules: &Rules,
    ) -> TierInputs {
        let mut customers: BTreeMap<String, CustomerInputs> = BTreeMap::new();
        let mut family_of: HashMap<String, String> = HashMap::new();
        for c in customer_records
            .into_iter()
            .filter_map(Record::into_customer)
        {
            if let Some(f) = &c.family_id {
                family_of.insert(c.customer_id.clone(), f.clone());
            }
            let has = |tag: &str| c.tags.iter().any(|t| t == tag);
            let inputs = CustomerInputs {
                created_on: Some(c.created_on),
                family_id: c.family_id.clone(),
                influential: has("influential"),
                media: has("media"),
                suggestion_adopted: has("suggestion_adopted"),
                ..CustomerInputs::default()
            };
            customers.insert(c.customer_id, inputs);
        }
        let mut first_sale: HashMap<String, Day> = HashMap::new();
        for s in sale_records.into_iter().filter_map(Record::into_sale) {
            let day = s.delivered_at.day();
            let first = first_sale.entry(s.customer_id.clone()).or_insert(day);
            *first = (*first).min(day);
            if let Some(c) = customers.get_mut(&s.customer_id) {
                c.sales.push(day);
                c.visits.push(day);
            }
            if let Some(r) = s.referrer_id.as_ref().and_then(|r| customers.get_mut(r)) {
                r.referred_sales.push(day);
            }
        }
        for o in order_records
            .into_iter()
            .filter_map(Record::into_service_order)
        {
            if let Some(c) = customers.get_mut(&o.customer_id) {
                c.visits.push(o.opened_at.day());
            }
        }
        for p in policy_records.into_iter().filter_map(Record::into_policy) {
            if let Some(c) = customers.get_mut(&p.customer_id) {
                c.policies.push(p.start_on);
            }
            if let Some(r) = p.referrer_id.as_ref().and_then(|r| customers.get_mut(r)) {
                r.policy_referrals.push((p.start_on, p.customer_id.clone()));
            }
        }
        let satisfied_min = rules.surveys.satisfied_overall_min;
        for s in survey_records.into_iter().filter_map(Record::into_survey) {
            if let Some(c) = customers.get_mut(&s.customer_id) {
                c.surveys.push((s.at.day(), s.overall >= satisfied_min));
            }
        }
        for c in customers.values_mut() {
            c.visits.sort_unstable();
            c.visits.dedup();
        }
        let mut family_buyers: HashMap<String, Vec<Day>> = HashMap::new();
        for (customer, family) in &family_of {
            if let Some(&day) = first_sale.get(customer) {
                family_buyers.entry(family.clone()).or_default().push(day);
            }
        }
        TierInputs {
            customers,
            family_buyers,
        }
    }

    /// Every current customer's tier as of `as_of` (E), in customer id order.
    pub fn evaluate(&self, rules: &TierRules, as_of: Day) -> BTreeMap<String, TierResult> {
        let list: Vec<(&String, &CustomerInputs)> = self.customers.iter().collect();
        crate::progress::expect(crate::progress::Phase::Customers, list.len() as u64);
        list.par_iter()
            .map(|(id, c)| ((*id).clone(), self.evaluate_one(c, rules, as_of)))
            .inspect(|_| crate::progress::advance(1))
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    }

    /// Whether a customer exists as of `day`: in the store and created on or before it.
    /// The tiers report counts only these (DOMAIN.md section 7 rates the others general,
    /// which is what a survey or payout needs, but a count of customers who did not exist
    /// yet is no count of the dealership's customers).
    pub fn exists_on(&self, customer_id: &str, day: Day) -> bool {
        self.customers
            .get(customer_id)
            .and_then(|c| c.created_on)
            .is_some_and(|created| created <= day)
    }

    /// One customer's tier as of `as_of`; a customer not in the store is general.
    pub fn tier_of(&self, customer_id: &str, rules: &TierRules, as_of: Day) -> TierResult {
        match self.customers.get(customer_id) {
            Some(c) => self.evaluate_one(c, rules, as_of),
            None => TierResult {
                tier: Tier::General,
                criteria: Vec::new(),
            },
        }
    }

    /// A date from which a customer's tier as of any later date stays the same: past the
    /// trailing year after their latest dated input (their own records, the sales and
    /// policies naming them, their family's buyers) and past the two years a policy run
    /// may still end in. `None` for a customer not in the store.
    pub fn settled_from(&self, customer_id: &str, rules: &TierRules) -> Option<Day> {
        let c = self.customers.get(customer_id)?;
        let family = c
            .family_id
            .as_ref()
            .and_then(|f| self.family_buyers.get(f))
            .into_iter()
            .flatten();
        let latest = c
            .created_on
            .into_iter()
            .chain(c.sales.iter().copied())
            .chain(c.visits.iter().copied())
            .chain(c.referred_sales.iter().copied())
            .chain(c.policies.iter().copied())
            .chain(c.policy_referrals.iter().map(|(d, _)| *d))
            .chain(c.surveys.iter().map(|(d, _)| *d))
            .chain(family.copied())
            .max()?;
        // A policy run ends in year(E) or year(E) − 1: two calendar years (≤ 731 days) after
        // the latest policy it counts nothing.
        Some(Day(latest.0 + rules.trailing().max(731) + 1))
    }

    fn evaluate_one(&self, c: &CustomerInputs, r: &TierRules, e: Day) -> TierResult {
        if c.created_on.is_none_or(|d| d > e) {
            return TierResult {
                tier: Tier::General,
                criteria: Vec::new(),
            };
        }
        let trailing_first = Day(e.0 - r.trailing() + 1);
        let in_trailing = |d: Day| trailing_first <= d && d <= e;
        let by_e = |d: &Day| *d <= e;
        // Counts stay usize and meet their thresholds through `at_least`: a `count as u32`
        // would wrap past 2^32 records and make a large count look small.
        let count = |v: &[Day]| v.iter().filter(|d| by_e(d)).count();

        let family_buyers = c
            .family_id
            .as_ref()
            .and_then(|f| self.family_buyers.get(f))
            .map_or(0, |buyers| buyers.iter().filter(|d| by_e(d)).count());
        let trailing_visits = c.visits.iter().filter(|d| in_trailing(**d)).count();
        let referred = count(&c.referred_sales);
        let run = policy_run(&c.policies, e);
        let policy_holders: BTreeSet<&str> = c
            .policy_referrals
            .iter()
            .filter(|(d, _)| by_e(d))
            .map(|(_, h)| h.as_str())
            .collect();
        let holders = policy_holders.len();
        let trailing_surveys: Vec<bool> = c
            .surveys
            .iter()
            .filter(|(d, _)| in_trailing(*d))
            .map(|(_, s)| *s)
            .collect();

        let mut criteria = Vec::new();
        let mut check = |name: &'static str, met: bool| {
            if met {
                criteria.push(name);
            }
        };
        check(
            "S1",
            c.family_id.is_some() && at_least(family_buyers, r.s1_family_buyers_min),
        );
        check("S2", at_least(trailing_visits, r.s2_visit_dates_min));
        check("S3", at_least(referred, r.s3_referred_sales_min));
        check("S4", c.influential);
        check("S5", at_least(run, r.s5_policy_years_min));
        check("S6", at_least(holders, r.s6_policy_referrals_min));
        check(
            "S7",
            c.media && at_least(referred, r.s7_media_referred_sales_min),
        );
        check(
            "S8",
            at_least(trailing_surveys.len(), r.s8_surveys_min)
                && trailing_surveys.iter().all(|s| *s),
        );
        check("V1", at_least(count(&c.sales), r.v1_sales_min));
        check("V2", at_least(trailing_visits, r.v2_visit_dates_min));
        check("V3", at_least(referred, r.v3_referred_sales_min));
        check("V4", c.suggestion_adopted);
        check("V5", at_least(run, r.v5_policy_years_min));
        check("V6", at_least(holders, r.v6_policy_referrals_min));
        let tier = if criteria.iter().any(|c| c.starts_with('S')) {
            Tier::SuperVip
        } else if criteria.is_empty() {
            Tier::General
        } else {
            Tier::Vip
        };
        TierResult { tier, criteria }
    }
}

/// `n >= threshold`, exactly: a u32 threshold always fits usize on the 32- and 64-bit
/// targets careledger builds for, and where it would not, no count could reach it.
fn at_least(n: usize, threshold: u32) -> bool {
    usize::try_from(threshold).is_ok_and(|t| n >= t)
}

/// The longest run of consecutive calendar years with a policy starting in each (policies
/// starting on or before E), counting only a run that ends in year(E) or year(E) − 1.
fn policy_run(starts: &[Day], e: Day) -> usize {
    let years: BTreeSet<i32> = starts
        .iter()
        .filter(|d| **d <= e)
        .map(|d| d.year())
        .collect();
    let year_e = e.year();
    [year_e, year_e - 1]
        .into_iter()
        .filter(|end| years.contains(end))
        .map(|end| (0..).take_while(|k| years.contains(&(end - k))).count())
        .max()
        .unwrap_or(0)
}

/// The date tiers are evaluated as of for any date of `period`'s first month: the last day
/// of the month before (DOMAIN.md section 7).
pub fn as_of_for(day: Day) -> Day {
    Day(Period::month_of(day).first.0 - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(t: &str) -> Day {
        Day::parse(t).unwrap()
    }

    #[test]
    fn policy_runs_must_end_this_year_or_last() {
        let e = d("2024-06-30");
        let starts = |ys: &[i32]| {
            ys.iter()
                .map(|y| Day::from_ymd(*y, 3, 1).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(policy_run(&starts(&[2020, 2021, 2022, 2023]), e), 4);
        assert_eq!(policy_run(&starts(&[2019, 2020, 2021, 2022]), e), 0);
        assert_eq!(policy_run(&starts(&[2021, 2022, 2023, 2024]), e), 4);
        // 2024-07-01 starts after E: not counted, the run ends in 2023.
        assert_eq!(
            policy_run(&[starts(&[2022, 2023]), vec![d("2024-07-01")]].concat(), e),
            2
        );
    }

    #[test]
    fn tiers_are_evaluated_as_of_the_end_of_the_previous_month() {
        assert_eq!(as_of_for(d("2024-03-15")), d("2024-02-29"));
        assert_eq!(as_of_for(d("2024-01-01")), d("2023-12-31"));
    }
}
