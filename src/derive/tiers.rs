//! Customer tiers by the 80/20 rule (二八法则, DOMAIN.md section 7): super VIP, VIP or
//! general, as of the last day of the month before the date asked about.
//!
//! The inputs of every criterion are gathered once per snapshot ([`TierInputs`]); evaluating
//! all customers as of one date is then a pass over small per-customer lists, in parallel.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{Customer, Day, Kind, Period, Record};
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

impl CustomerInputs {
    /// A customer's inputs from their own record, before any other record is added.
    fn of(c: &Customer) -> CustomerInputs {
        let has = |tag: &str| c.tags.iter().any(|t| t == tag);
        CustomerInputs {
            created_on: Some(c.created_on),
            family_id: c.family_id.clone(),
            influential: has("influential"),
            media: has("media"),
            suggestion_adopted: has("suggestion_adopted"),
            ..CustomerInputs::default()
        }
    }

    /// Adds what `record` says of customer `id`: as its customer, as its referrer, or both.
    /// Records of kinds no criterion reads, and records naming `id` in neither role, add
    /// nothing.
    fn add(&mut self, id: &str, record: &Record, satisfied_min: u8) {
        let is = |other: &str| other == id;
        let is_referrer = |r: &Option<String>| r.as_deref().is_some_and(is);
        match record {
            Record::Sale(s) => {
                let day = s.delivered_at.day();
                if is(&s.customer_id) {
                    self.sales.push(day);
                    self.visits.push(day);
                }
                if is_referrer(&s.referrer_id) {
                    self.referred_sales.push(day);
                }
            }
            Record::ServiceOrder(o) if is(&o.customer_id) => self.visits.push(o.opened_at.day()),
            Record::Policy(p) => {
                if is(&p.customer_id) {
                    self.policies.push(p.start_on);
                }
                if is_referrer(&p.referrer_id) {
                    self.policy_referrals
                        .push((p.start_on, p.customer_id.clone()));
                }
            }
            Record::Survey(s) if is(&s.customer_id) => {
                self.surveys.push((s.at.day(), s.overall >= satisfied_min));
            }
            _ => {}
        }
    }
}

/// The customers a record adds inputs to: its own customer, then its referrer if another.
fn customers_named(record: &Record) -> impl Iterator<Item = &str> {
    let (own, referrer) = match record {
        Record::Sale(s) => (Some(&s.customer_id), s.referrer_id.as_ref()),
        Record::ServiceOrder(o) => (Some(&o.customer_id), None),
        Record::Policy(p) => (Some(&p.customer_id), p.referrer_id.as_ref()),
        Record::Survey(s) => (Some(&s.customer_id), None),
        _ => (None, None),
    };
    own.into_iter()
        .chain(referrer.filter(|r| Some(*r) != own))
        .map(String::as_str)
}

/// One customer's part of the [`TierInputs`] ([`TierInputs::piece`]).
pub struct TierPiece {
    customer_id: String,
    inputs: CustomerInputs,
}

/// The inputs of every criterion for every current customer of a snapshot.
pub struct TierInputs {
    customers: BTreeMap<String, CustomerInputs>,
    /// family id → the earliest delivery date of a sale to each member with one (in no
    /// particular order: only counted).
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
    /// snapshot ([`TierInputs::load`]). Those of some customers are gathered a customer at a
    /// time instead ([`TierInputs::piece`], `crate::facts`).
    pub fn from_records(
        customer_records: Vec<Record>,
        sale_records: Vec<Record>,
        order_records: Vec<Record>,
        policy_records: Vec<Record>,
        survey_records: Vec<Record>,
        rules: &Rules,
    ) -> TierInputs {
        let mut customers: BTreeMap<String, CustomerInputs> = customer_records
            .into_iter()
            .filter_map(Record::into_customer)
            .map(|c| (c.customer_id.clone(), CustomerInputs::of(&c)))
            .collect();
        let satisfied_min = rules.surveys.satisfied_overall_min;
        for record in sale_records
            .iter()
            .chain(&order_records)
            .chain(&policy_records)
            .chain(&survey_records)
        {
            for id in customers_named(record) {
                if let Some(c) = customers.get_mut(id) {
                    c.add(id, record, satisfied_min);
                }
            }
        }
        TierInputs::finish(customers)
    }

    /// One customer's part of the inputs, from their current record and every current
    /// record naming them (their own, and the sales and policies naming them as referrer),
    /// each kind in key order. The pieces of some customers and of their families' members
    /// decide those customers' tiers exactly as the whole snapshot would
    /// ([`TierInputs::from_pieces`]).
    pub fn piece(customer: &Customer, records: &[Record], rules: &Rules) -> TierPiece {
        let id = customer.customer_id.as_str();
        let mut inputs = CustomerInputs::of(customer);
        let satisfied_min = rules.surveys.satisfied_overall_min;
        for record in records {
            inputs.add(id, record, satisfied_min);
        }
        TierPiece {
            customer_id: id.to_owned(),
            inputs,
        }
    }

    /// The inputs of the customers whose pieces these are.
    pub fn from_pieces(pieces: impl IntoIterator<Item = TierPiece>) -> TierInputs {
        TierInputs::finish(
            pieces
                .into_iter()
                .map(|p| (p.customer_id, p.inputs))
                .collect(),
        )
    }

    /// The inputs once every record is added: visits sorted and distinct, and each
    /// family's buyers (the first delivery date of each member with a sale).
    fn finish(mut customers: BTreeMap<String, CustomerInputs>) -> TierInputs {
        let mut family_buyers: HashMap<String, Vec<Day>> = HashMap::new();
        for c in customers.values_mut() {
            c.visits.sort_unstable();
            c.visits.dedup();
            if let (Some(family), Some(&first)) = (&c.family_id, c.sales.iter().min()) {
                family_buyers.entry(family.clone()).or_default().push(first);
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

    /// Three customers: A and B of one family F, C alone. S1 is A's sale that C referred,
    /// S2 B's sale that B referred, S3 A's sale; O1 A's order on S1's day, O2 C's; P1 C's
    /// policy that A referred, P2 A's; V1 B's satisfied survey, V2 A's unsatisfied one.
    fn family_and_referrals() -> (Vec<Record>, [Vec<Record>; 4]) {
        use crate::model::{Fen, ServiceOrder, Timestamp};
        let at = |t: &str| Timestamp(d(t).0 as i64 * 86_400 + 36_000);
        let customer = |id: &str, family: Option<&str>| {
            Record::Customer(Customer {
                customer_id: id.into(),
                name: id.into(),
                phone: None,
                family_id: family.map(Into::into),
                tags: Vec::new(),
                created_on: d("2020-01-01"),
                contact_consent: true,
            })
        };
        let sale = |id: &str, c: &str, day: &str, referrer: Option<&str>| {
            Record::Sale(crate::model::Sale {
                sale_id: id.into(),
                customer_id: c.into(),
                vin: None,
                delivered_at: at(day),
                consultant_id: None,
                amount: Fen(100),
                referrer_id: referrer.map(Into::into),
            })
        };
        let order = |id: &str, c: &str, day: &str| {
            Record::ServiceOrder(ServiceOrder {
                order_id: id.into(),
                customer_id: c.into(),
                vin: None,
                opened_at: at(day),
                closed_at: None,
                revenue: Fen(100),
                advisor_id: None,
                followup_consent: true,
            })
        };
        let policy = |id: &str, c: &str, day: &str, referrer: Option<&str>| {
            Record::Policy(crate::model::Policy {
                policy_id: id.into(),
                customer_id: c.into(),
                start_on: d(day),
                referrer_id: referrer.map(Into::into),
            })
        };
        let survey = |id: &str, c: &str, day: &str, overall: u8| {
            Record::Survey(crate::model::Survey {
                survey_id: id.into(),
                attempt_id: None,
                customer_id: c.into(),
                at: at(day),
                subject_department: "service".into(),
                overall,
                issues: Vec::new(),
                comment: None,
            })
        };
        let (s1, s2, s3) = (
            sale("S1", "A", "2021-03-01", Some("C")),
            sale("S2", "B", "2021-05-01", Some("B")),
            sale("S3", "A", "2022-01-10", None),
        );
        let (o1, o2) = (
            order("O1", "A", "2021-03-01"),
            order("O2", "C", "2022-02-02"),
        );
        let (p1, p2) = (
            policy("P1", "C", "2021-06-01", Some("A")),
            policy("P2", "A", "2022-06-01", None),
        );
        let (v1, v2) = (
            survey("V1", "B", "2021-07-01", 5),
            survey("V2", "A", "2021-08-01", 2),
        );
        let customers = vec![
            customer("A", Some("F")),
            customer("B", Some("F")),
            customer("C", None),
        ];
        // Each customer's records naming them, by kind then key, as `refs` lists them; then
        // every record of a kind, in key order, as a snapshot does.
        let of_a = vec![
            s1.clone(),
            s3.clone(),
            o1.clone(),
            p1.clone(),
            p2.clone(),
            v2.clone(),
        ];
        let of_b = vec![s2.clone(), v1.clone()];
        let of_c = vec![s1.clone(), o2.clone(), p1.clone()];
        let by_kind = vec![s1, s2, s3, o1, o2, p1, p2, v1, v2];
        (customers, [of_a, of_b, of_c, by_kind])
    }

    #[test]
    fn a_customer_at_a_time_gives_the_inputs_the_whole_snapshot_gives() {
        let rules = Rules::default();
        let (customers, [of_a, of_b, of_c, all]) = family_and_referrals();
        let pieces = customers
            .iter()
            .zip([&of_a, &of_b, &of_c])
            .map(|(c, records)| {
                let Record::Customer(c) = c else {
                    unreachable!()
                };
                TierInputs::piece(c, records, &rules)
            });
        let from_pieces = TierInputs::from_pieces(pieces.collect::<Vec<_>>());
        let kind = |k: Kind| all.iter().filter(|r| r.kind() == k).cloned().collect();
        let whole = TierInputs::from_records(
            customers.clone(),
            kind(Kind::Sale),
            kind(Kind::ServiceOrder),
            kind(Kind::Policy),
            kind(Kind::Survey),
            &rules,
        );
        let shown = |t: &TierInputs| {
            let mut buyers: Vec<(String, Vec<Day>)> = t
                .family_buyers
                .iter()
                .map(|(f, days)| {
                    let mut days = days.clone();
                    days.sort();
                    (f.clone(), days)
                })
                .collect();
            buyers.sort();
            format!("{:?}\n{buyers:?}", t.customers)
        };
        assert_eq!(shown(&from_pieces), shown(&whole));

        // Worked out by hand from the records above.
        let a = &from_pieces.customers["A"];
        assert_eq!(a.sales, [d("2021-03-01"), d("2022-01-10")]);
        assert_eq!(
            a.visits,
            [d("2021-03-01"), d("2022-01-10")],
            "O1 on S1's day"
        );
        assert!(a.referred_sales.is_empty());
        assert_eq!(a.policies, [d("2022-06-01")]);
        assert_eq!(a.policy_referrals, [(d("2021-06-01"), "C".to_owned())]);
        assert_eq!(a.surveys, [(d("2021-08-01"), false)]);
        let b = &from_pieces.customers["B"];
        assert_eq!(b.sales, [d("2021-05-01")]);
        assert_eq!(
            b.referred_sales,
            [d("2021-05-01")],
            "B referred their own sale"
        );
        assert_eq!(b.surveys, [(d("2021-07-01"), true)]);
        let c = &from_pieces.customers["C"];
        assert!(c.sales.is_empty());
        assert_eq!(c.referred_sales, [d("2021-03-01")]);
        assert_eq!(c.visits, [d("2022-02-02")]);
        assert_eq!(c.policies, [d("2021-06-01")]);
        let mut family = from_pieces.family_buyers["F"].clone();
        family.sort();
        assert_eq!(
            family,
            [d("2021-03-01"), d("2021-05-01")],
            "first sales of A and B"
        );
        assert_eq!(from_pieces.family_buyers.len(), 1);
    }

    #[test]
    fn tiers_are_evaluated_as_of_the_end_of_the_previous_month() {
        assert_eq!(as_of_for(d("2024-03-15")), d("2024-02-29"));
        assert_eq!(as_of_for(d("2024-01-01")), d("2023-12-31"));
    }
}
