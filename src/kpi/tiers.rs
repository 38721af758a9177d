//! Customer tiers of a month (二八法则): counts per tier and, on request, each customer's
//! tier with the criteria that put them there.

use serde::Serialize;

use crate::derive::tiers::{Tier, TierInputs, as_of_for};
use crate::model::Period;
use crate::rules::Rules;
use crate::store::{Reader, StoreError};

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

pub fn run(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    list: bool,
) -> Result<TiersReport, StoreError> {
    let as_of = as_of_for(month.first);
    let tiers = TierInputs::load(reader, rules)?.evaluate(&rules.tiers, as_of);
    let mut counts = TierCounts::default();
    for result in tiers.values() {
        match result.tier {
            Tier::SuperVip => counts.super_vip += 1,
            Tier::Vip => counts.vip += 1,
            Tier::General => counts.general += 1,
        }
    }
    Ok(TiersReport {
        month: month.label.clone(),
        as_of: as_of.to_string(),
        counts,
        customers: list.then(|| {
            tiers
                .into_iter()
                .map(|(customer_id, r)| CustomerTier {
                    customer_id,
                    tier: r.tier,
                    criteria: r.criteria,
                })
                .collect()
        }),
    })
}
