//! The recovery work list (流失客户): customers lost as of a date, the most valuable first —
//! the 20 % who bring 80 % (seed `004_*`) are the calls worth making first.

use rayon::prelude::*;
use serde::Serialize;

use crate::derive::episodes::{Episode, lost_episodes};
use crate::derive::tiers::{Tier, TierInputs, as_of_for};
use crate::derive::{Activity, CustomerActivity};
use crate::model::{Day, Fen, Kind, MoneyOverflow, Purpose, Record};
use crate::rules::Rules;
use crate::store::Reader;

use super::KpiError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LostCustomer {
    pub customer_id: String,
    pub name: String,
    /// In full; the CLI masks it unless asked.
    pub phone: String,
    pub tier: Tier,
    pub last_visit: String,
    pub lost_on: String,
    pub days_lost: i32,
    /// Sales amounts and repair revenue dated in the 365 days before lost_on.
    pub value: Fen,
    pub repair_revenue: Fen,
    pub sales_amount: Fen,
    /// `churn_recovery` attempts since lost_on.
    pub recovery_attempts: u64,
    /// Date and outcome of the latest of them.
    pub last_attempt: String,
}

/// The customer's episode that is open at the end of `as_of` (lost by then, not back by
/// then), knowing only the visits (deliveries, order openings) dated by then.
pub(crate) fn lost_as_of(c: &CustomerActivity, lapse: i32, as_of: Day) -> Option<Episode> {
    let visits: Vec<Day> = c
        .sales
        .iter()
        .map(|s| s.delivered_at.day())
        .chain(c.orders.iter().map(|o| o.opened_at.day()))
        .filter(|d| *d <= as_of)
        .collect();
    lost_episodes(&visits, lapse)
        .pop()
        .filter(|last| last.returned_on.is_none() && last.lost_on <= as_of)
}

/// Customers lost as of the end of `as_of`, knowing only what was recorded by then, sorted
/// by value descending, then customer id: all but those declared lost by then (DOMAIN.md
/// section 14) and those who withdrew consent to be contacted.
pub fn lost_customers(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
) -> Result<Vec<LostCustomer>, KpiError> {
    let activity = Activity::load(reader)?;
    let lapse = rules.churn.lapse();
    let value_days = rules.churn.value_window();
    type Open = (usize, Day, Day, Fen, Fen, Fen, u64, String);
    let open: Vec<Option<Open>> = activity
        .customers
        .par_iter()
        .enumerate()
        .map(|(i, c)| -> Result<Option<Open>, MoneyOverflow> {
            let Some(last) = lost_as_of(c, lapse, as_of) else {
                return Ok(None);
            };
            let window = |d: Day| last.lost_on.0 - value_days <= d.0 && d < last.lost_on;
            let figure = |what: &str| format!("the {what} of lost customer {}", c.customer_id);
            let repair = Fen::try_sum(
                c.orders
                    .iter()
                    .filter(|o| window(o.opened_at.day()))
                    .map(|o| o.revenue),
                || figure("repair revenue"),
            )?;
            let sales = Fen::try_sum(
                c.sales
                    .iter()
                    .filter(|s| window(s.delivered_at.day()))
                    .map(|s| s.amount),
                || figure("sales amount"),
            )?;
            let value = repair.add_or(sales, || figure("value (repairs and sales)"))?;
            let mut calls: Vec<_> = c
                .attempts
                .iter()
                .filter(|a| {
                    a.purpose == Purpose::ChurnRecovery
                        && last.lost_on <= a.at.day()
                        && a.at.day() <= as_of
                })
                .collect();
            calls.sort_by(|a, b| (a.at, &a.attempt_id).cmp(&(b.at, &b.attempt_id)));
            // Declared lost (最终宣告流失, DOMAIN.md section 14) by the date: given up, off
            // the list.
            let refusals = calls
                .iter()
                .filter(|a| a.outcome == crate::model::Outcome::Refused)
                .count();
            if refusals >= usize::from(rules.churn.declared_lost_after) {
                return Ok(None);
            }
            let latest = calls
                .last()
                .map(|a| format!("{} {}", a.at.day(), a.outcome))
                .unwrap_or_default();
            Ok(Some((
                i,
                last.last_visit,
                last.lost_on,
                value,
                repair,
                sales,
                calls.len() as u64,
                latest,
            )))
        })
        .collect::<Result<_, _>>()?;
    let tiers = TierInputs::load(reader, rules)?.evaluate(&rules.tiers, as_of_for(as_of));
    let mut list = Vec::with_capacity(open.len());
    for (i, last_visit, lost_on, value, repair, sales, attempts, latest) in
        open.into_iter().flatten()
    {
        let id = &activity.customers[i].customer_id;
        let (name, phone) = match reader.get(Kind::Customer, id)? {
            // A customer without consent to be contacted is on no work list (PIPL).
            Some((_, Record::Customer(c))) if !c.contact_consent => continue,
            Some((_, Record::Customer(c))) => (c.name, c.phone.unwrap_or_default()),
            _ => (String::new(), String::new()),
        };
        list.push(LostCustomer {
            customer_id: id.clone(),
            name,
            phone,
            tier: tiers.get(id).map_or(Tier::General, |t| t.tier),
            last_visit: last_visit.to_string(),
            lost_on: lost_on.to_string(),
            days_lost: as_of.0 - lost_on.0,
            value,
            repair_revenue: repair,
            sales_amount: sales,
            recovery_attempts: attempts,
            last_attempt: latest,
        });
    }
    list.sort_by(|a, b| {
        b.value
            .cmp(&a.value)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    Ok(list)
}
