//! Customer tiers of a month (二八法则): counts per tier, each tier's share of the trailing
//! year's sales and service revenue (找出那些能给企业带来80%利润、总量却仅占20%的关键客户,
//! seed `004_*`) and, on request, each customer's tier with the criteria that put them there.
//!
//! Only customers that exist as of E (created on or before it) are counted and listed: a
//! customer created later is general by DOMAIN.md section 7, but counting them would report
//! customers the dealership did not have yet.

use std::collections::HashMap;

use serde::Serialize;

use crate::derive::tiers::{Tier, TierInputs, TierResult, as_of_for};
use crate::model::{Day, Fen, Kind, MoneyOverflow, Period, Record};
use crate::rules::Rules;
use crate::store::{Reader, StoreError};

use super::KpiError;

/// What `tiers --month` reports: the tiers of the month ([`TiersReport`], its keys at the
/// top level of the JSON) and the trailing year's revenue per tier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TiersMonthReport {
    #[serde(flatten)]
    pub tiers: TiersReport,
    pub trailing_year: TierRevenue,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TiersReport {
    pub month: String,
    /// E: the tiers of every date of the month are evaluated as of this date.
    pub as_of: String,
    pub counts: TierCounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customers: Option<Vec<CustomerTier>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TierCounts {
    pub super_vip: u64,
    pub vip: u64,
    pub general: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CustomerTier {
    pub customer_id: String,
    pub tier: Tier,
    pub criteria: Vec<&'static str>,
}

/// The revenue of the trailing year (E − trailing_days + 1 … E) per tier as of E: sales by
/// the date of `delivered_at`, service orders by the date of `opened_at`, of the customers
/// counted (records of customers created after E, or not in the store, are left out, so the
/// shares are shares of the counted customers' revenue).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TierRevenue {
    pub first: String,
    pub last: String,
    /// One line per tier, in the order super_vip, vip, general.
    pub tiers: Vec<TierRevenueLine>,
    pub total: RevenueTotal,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TierRevenueLine {
    pub tier: Tier,
    pub customers: u64,
    pub sales_amount: Fen,
    /// sales_amount / total sales amount, unrounded; `null` when the total is 0.
    pub sales_share: Option<f64>,
    /// The share as printed, in percent with one decimal (`"33.4"`): largest-remainder
    /// rounding, so a column adds up to exactly `"100.0"`; `null` when the total is 0.
    pub sales_percent: Option<String>,
    pub service_revenue: Fen,
    pub service_share: Option<f64>,
    pub service_percent: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RevenueTotal {
    pub customers: u64,
    pub sales_amount: Fen,
    pub service_revenue: Fen,
}

impl TierCounts {
    fn of(&self, tier: Tier) -> u64 {
        match tier {
            Tier::SuperVip => self.super_vip,
            Tier::Vip => self.vip,
            Tier::General => self.general,
        }
    }

    fn add(&mut self, tier: Tier) {
        match tier {
            Tier::SuperVip => self.super_vip += 1,
            Tier::Vip => self.vip += 1,
            Tier::General => self.general += 1,
        }
    }
}

/// The tiers of a month: from the kept facts when they follow `rules` (a pass over the
/// month's counts, and over every customer's tier changes only for the list), else
/// evaluated from every customer's records.
pub(crate) enum MonthTiers {
    Kept { month: i32 },
    Derived(HashMap<String, TierResult>),
}

impl MonthTiers {
    pub(crate) fn load(
        reader: &Reader,
        rules: &Rules,
        month: &Period,
        kept: bool,
    ) -> Result<MonthTiers, KpiError> {
        if kept && crate::facts::current(reader, rules)? {
            return Ok(MonthTiers::Kept {
                month: crate::facts::month_of(month.first.0),
            });
        }
        let as_of = as_of_for(month.first);
        let inputs = TierInputs::load(reader, rules)?;
        Ok(MonthTiers::Derived(
            inputs
                .evaluate(&rules.tiers, as_of)
                .into_iter()
                .filter(|(id, _)| inputs.exists_on(id, as_of))
                .collect(),
        ))
    }

    /// The customers of each tier.
    fn counts(&self, reader: &Reader) -> Result<TierCounts, KpiError> {
        let mut counts = TierCounts::default();
        match self {
            MonthTiers::Kept { month } => {
                let [super_vip, vip, general] = reader.tier_counts_at(*month)?;
                counts = TierCounts {
                    super_vip,
                    vip,
                    general,
                };
            }
            MonthTiers::Derived(tiers) => {
                for r in tiers.values() {
                    counts.add(r.tier);
                }
            }
        }
        Ok(counts)
    }

    /// Every customer's tier with its criteria, in customer id order.
    fn list(&self, reader: &Reader) -> Result<Vec<CustomerTier>, KpiError> {
        let listed = |customer_id: &str, r: TierResult| CustomerTier {
            customer_id: customer_id.to_owned(),
            tier: r.tier,
            criteria: r.criteria,
        };
        let mut list = Vec::new();
        match self {
            MonthTiers::Kept { month } => reader.for_each_tier_in(*month, |id, change| {
                let tier = crate::facts::tier_of(change.tier)?;
                list.push(listed(id, TierResult::from_bits(tier, change.criteria)));
                Ok(())
            })?,
            MonthTiers::Derived(tiers) => {
                let mut ids: Vec<&String> = tiers.keys().collect();
                ids.sort();
                list.extend(ids.into_iter().map(|id| listed(id, tiers[id].clone())));
            }
        }
        Ok(list)
    }

    /// A customer's tier; `None` for one who does not exist in the month.
    pub(crate) fn tier_of(
        &self,
        reader: &Reader,
        customer_id: &str,
    ) -> Result<Option<Tier>, StoreError> {
        match self {
            MonthTiers::Kept { month } => reader
                .tier_at(customer_id, *month)?
                .map(|c| crate::facts::tier_of(c.tier))
                .transpose(),
            MonthTiers::Derived(tiers) => Ok(tiers.get(customer_id).map(|r| r.tier)),
        }
    }
}

/// The customers of each tier in each of some months (what [`run`] counts): from the kept
/// facts when they follow `rules`, else from one evaluation of every customer's inputs.
pub fn counts_by_month(
    reader: &Reader,
    rules: &Rules,
    months: &[Period],
) -> Result<Vec<TierCounts>, KpiError> {
    if crate::facts::current(reader, rules)? {
        return months
            .iter()
            .map(|m| MonthTiers::load(reader, rules, m, true)?.counts(reader))
            .collect();
    }
    let inputs = TierInputs::load(reader, rules)?;
    Ok(months
        .iter()
        .map(|m| {
            let as_of = as_of_for(m.first);
            let mut counts = TierCounts::default();
            for (id, r) in inputs.evaluate(&rules.tiers, as_of) {
                if inputs.exists_on(&id, as_of) {
                    counts.add(r.tier);
                }
            }
            counts
        })
        .collect())
}

/// The tiers of a month, each customer's with `list`, and the trailing year's revenue per
/// tier: read from the kept facts when they follow `rules`.
pub fn run(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    list: bool,
) -> Result<TiersMonthReport, KpiError> {
    run_with(reader, rules, month, list, true)
}

/// [`run`] derived from scratch, whatever facts the store keeps: for comparing the two ways.
pub fn run_scratch(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    list: bool,
) -> Result<TiersMonthReport, KpiError> {
    run_with(reader, rules, month, list, false)
}

fn run_with(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    list: bool,
    kept: bool,
) -> Result<TiersMonthReport, KpiError> {
    let as_of = as_of_for(month.first);
    let tiers = MonthTiers::load(reader, rules, month, kept)?;
    let counts = tiers.counts(reader)?;

    // Sales and orders of the trailing year: two by-time range scans, credited to the tier
    // of their customer as of E.
    let first = Day(as_of.0 - rules.tiers.trailing() + 1);
    let mut tier_of: HashMap<String, Option<Tier>> = HashMap::new();
    let mut sales = [Fen::ZERO; 3];
    let mut service = [Fen::ZERO; 3];
    let (from, to) = (first.start(), Day(as_of.0 + 1).start());
    let mut overflow: Option<MoneyOverflow> = None;
    for kind in [Kind::Sale, Kind::ServiceOrder] {
        reader.for_each_in_period(kind, from, to, |record| {
            let (customer, fen, sums) = match record {
                Record::Sale(s) => (&s.customer_id, s.amount, &mut sales),
                Record::ServiceOrder(o) => (&o.customer_id, o.revenue, &mut service),
                _ => return Ok(()),
            };
            let tier = match tier_of.get(customer.as_str()) {
                Some(tier) => *tier,
                None => {
                    let tier = tiers.tier_of(reader, customer)?;
                    tier_of.insert(customer.clone(), tier);
                    tier
                }
            };
            if let Some(tier) = tier {
                let sum = &mut sums[tier as usize];
                match sum.add_or(fen, || {
                    crate::say!(
                        "the trailing year's revenue of tier {tier}",
                        "客户等级 {tier} 近一年的营收"
                    )
                }) {
                    Ok(s) => *sum = s,
                    Err(e) => overflow = overflow.take().or(Some(e)),
                }
            }
            Ok(())
        })?;
    }
    if let Some(e) = overflow {
        return Err(e.into());
    }
    let sales_total = Fen::try_sum(sales, || {
        crate::say!("the trailing year's sales amount", "近一年的销售金额")
    })?;
    let service_total = Fen::try_sum(service, || {
        crate::say!("the trailing year's service revenue", "近一年的维修产值")
    })?;
    let sales_percent = percents_largest_remainder(sales.map(|f| f.0));
    let service_percent = percents_largest_remainder(service.map(|f| f.0));
    let lines = Tier::ALL
        .into_iter()
        .map(|tier| {
            let i = tier as usize;
            TierRevenueLine {
                tier,
                customers: counts.of(tier),
                sales_amount: sales[i],
                sales_share: share(sales[i], sales_total),
                sales_percent: sales_percent.map(|p| tenths(p[i])),
                service_revenue: service[i],
                service_share: share(service[i], service_total),
                service_percent: service_percent.map(|p| tenths(p[i])),
            }
        })
        .collect();

    Ok(TiersMonthReport {
        tiers: TiersReport {
            month: month.label.clone(),
            as_of: as_of.to_string(),
            counts,
            customers: list.then(|| tiers.list(reader)).transpose()?,
        },
        trailing_year: TierRevenue {
            first: first.to_string(),
            last: as_of.to_string(),
            tiers: lines,
            total: RevenueTotal {
                customers: counts.super_vip + counts.vip + counts.general,
                sales_amount: sales_total,
                service_revenue: service_total,
            },
        },
    })
}

/// `part / total` unrounded; `None` when the total is 0.
fn share(part: Fen, total: Fen) -> Option<f64> {
    (total.0 != 0).then(|| part.0 as f64 / total.0 as f64)
}

/// `"33.4"` from 334 tenths of a percent.
pub fn tenths(n: u32) -> String {
    format!("{}.{}", n / 10, n % 10)
}

/// Each part's share of the total in tenths of a percent, adding up to exactly 1000: every
/// part gets the floor of its exact share, and the tenths still missing go one each to the
/// parts with the largest remainders, ties to the earlier part (tier order). Integer
/// arithmetic only (fen or counts). `None` when the total is 0 (nothing to share: the
/// report prints `–`) or a part is negative (amounts never are; a share of a negative part
/// means nothing).
pub fn percents_largest_remainder<const N: usize>(parts: [i64; N]) -> Option<[u32; N]> {
    if parts.iter().any(|p| *p < 0) {
        return None;
    }
    let total: i128 = parts.iter().map(|p| i128::from(*p)).sum();
    if total == 0 {
        return None;
    }
    let mut tenths = [0u32; N];
    let mut remainders = [0i128; N];
    for (i, p) in parts.iter().enumerate() {
        let scaled = i128::from(*p) * 1000;
        tenths[i] = u32::try_from(scaled / total).expect("a part of the total: at most 1000");
        remainders[i] = scaled % total;
    }
    let missing = 1000 - tenths.iter().sum::<u32>();
    // Fewer than N tenths are missing: each floor loses less than one.
    let mut order: Vec<usize> = (0..N).collect();
    order.sort_by(|a, b| remainders[*b].cmp(&remainders[*a]).then(a.cmp(b)));
    for i in order.into_iter().take(missing as usize) {
        tenths[i] += 1;
    }
    Some(tenths)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lr<const N: usize>(fen: [i64; N]) -> Option<[u32; N]> {
        percents_largest_remainder(fen)
    }

    #[test]
    fn thirds_give_the_spare_tenth_to_the_first_tier() {
        // 333.33… each: floors 333 + 333 + 333 = 999, equal remainders, the first gets it.
        assert_eq!(lr([100, 100, 100]), Some([334, 333, 333]));
    }

    #[test]
    fn the_largest_remainders_get_the_missing_tenths() {
        // 1/6, 1/6, 4/6 of 1000 = 166.67, 166.67, 666.67: floors 998, two tenths missing,
        // remainders all equal → the first two.
        assert_eq!(lr([1, 1, 4]), Some([167, 167, 666]));
        // 2/7, 2/7, 3/7 = 285.71, 285.71, 428.57: floors 998; remainders 5, 5, 4 (of 7).
        assert_eq!(lr([2, 2, 3]), Some([286, 286, 428]));
        // 1/8, 3/8, 4/8 = 125, 375, 500 exactly: nothing to add.
        assert_eq!(lr([1, 3, 4]), Some([125, 375, 500]));
    }

    #[test]
    fn a_zero_total_prints_nothing() {
        assert_eq!(lr([0, 0, 0]), None);
        assert_eq!(lr([0, 5, 0]), Some([0, 1000, 0]));
    }

    #[test]
    fn huge_amounts_do_not_overflow() {
        assert_eq!(lr([i64::MAX, i64::MAX, 0]), Some([500, 500, 0]));
    }
}
