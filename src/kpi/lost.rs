//! The recovery work list (流失客户): customers lost as of a date, the most valuable first —
//! the 20 % who bring 80 % (seed `004_*`) are the calls worth making first.

use rayon::prelude::*;
use serde::Serialize;

use crate::derive::episodes::{Episode, lost_episodes};
use crate::derive::tiers::Tier;
use crate::derive::{Activity, CustomerActivity};
use crate::model::{Customer, Day, Fen, Kind, MoneyOverflow, Period, Purpose, Record};
use crate::rules::Rules;
use crate::store::Reader;

use super::KpiError;
use super::tiers::MonthTiers;

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

/// What the list says of a lost customer, worked out from their activity.
struct Open {
    last_visit: Day,
    lost_on: Day,
    value: Fen,
    repair: Fen,
    sales: Fen,
    attempts: u64,
    latest: String,
}

/// A customer's open episode as of the end of `as_of` with what the list says of it; `None`
/// when they are not lost then, or were declared lost by then (DOMAIN.md section 14).
fn open_episode(
    c: &CustomerActivity,
    rules: &Rules,
    as_of: Day,
) -> Result<Option<Open>, MoneyOverflow> {
    let Some(last) = lost_as_of(c, rules.churn.lapse(), as_of) else {
        return Ok(None);
    };
    let value_days = rules.churn.value_window();
    let window = |d: Day| last.lost_on.0 - value_days <= d.0 && d < last.lost_on;
    let figure = |en: &str, zh: &str| {
        crate::say!(
            "the {en} of lost customer {}",
            "流失客户 {} 的{zh}",
            c.customer_id
        )
    };
    let repair = Fen::try_sum(
        c.orders
            .iter()
            .filter(|o| window(o.opened_at.day()))
            .map(|o| o.revenue),
        || figure("repair revenue", "维修产值"),
    )?;
    let sales = Fen::try_sum(
        c.sales
            .iter()
            .filter(|s| window(s.delivered_at.day()))
            .map(|s| s.amount),
        || figure("sales amount", "销售金额"),
    )?;
    let value = repair.add_or(sales, || {
        figure("value (repairs and sales)", "价值（维修与销售）")
    })?;
    let mut calls: Vec<_> = c
        .attempts
        .iter()
        .filter(|a| {
            a.purpose == Purpose::ChurnRecovery && last.lost_on <= a.at.day() && a.at.day() <= as_of
        })
        .collect();
    calls.sort_by(|a, b| (a.at, &a.attempt_id).cmp(&(b.at, &b.attempt_id)));
    // Declared lost (最终宣告流失, DOMAIN.md section 14) by the date: given up, off the list.
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
    Ok(Some(Open {
        last_visit: last.last_visit,
        lost_on: last.lost_on,
        value,
        repair,
        sales,
        attempts: calls.len() as u64,
        latest,
    }))
}

/// The line of a lost customer; `None` for one without consent to be contacted (PIPL: on
/// no work list).
fn line(
    customer_id: &str,
    customer: Option<&Customer>,
    tier: Tier,
    open: Open,
    as_of: Day,
) -> Option<LostCustomer> {
    let (name, phone) = match customer {
        Some(c) if !c.contact_consent => return None,
        Some(c) => (c.name.clone(), c.phone.clone().unwrap_or_default()),
        None => (String::new(), String::new()),
    };
    Some(LostCustomer {
        customer_id: customer_id.to_owned(),
        name,
        phone,
        tier,
        last_visit: open.last_visit.to_string(),
        lost_on: open.lost_on.to_string(),
        days_lost: as_of.0 - open.lost_on.0,
        value: open.value,
        repair_revenue: open.repair,
        sales_amount: open.sales,
        recovery_attempts: open.attempts,
        last_attempt: open.latest,
    })
}

/// Customers lost as of the end of `as_of`, knowing only what was recorded by then, sorted
/// by value descending, then customer id: all but those declared lost by then (DOMAIN.md
/// section 14) and those who withdrew consent to be contacted.
///
/// When the kept facts follow `rules`, only the customers with an episode open on the date
/// (`fact_lost` less `fact_returns`) are read, each through the `refs` index, and their
/// tier is the kept one; otherwise every customer's activity is read and every tier
/// evaluated. Both give the same list: the kept episodes are those of every customer's
/// visits, and one open at the end of the date is open knowing only the visits by then
/// (a later visit ends it later, never earlier), so the customers read are every
/// customer `lost_as_of` finds lost, and each is worked out by the same functions.
pub fn lost_customers(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
) -> Result<Vec<LostCustomer>, KpiError> {
    if crate::facts::current(reader, rules)? {
        Ok(ranked(lost_from_facts(reader, rules, as_of)?))
    } else {
        lost_customers_scratch(reader, rules, as_of)
    }
}

/// [`lost_customers`] derived from scratch, whatever facts the store keeps: for comparing
/// the two ways.
pub fn lost_customers_scratch(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
) -> Result<Vec<LostCustomer>, KpiError> {
    Ok(ranked(lost_from_scratch(reader, rules, as_of)?))
}

/// The list by value descending, then customer id.
fn ranked(mut list: Vec<LostCustomer>) -> Vec<LostCustomer> {
    list.sort_by(|a, b| {
        b.value
            .cmp(&a.value)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    list
}

/// [`lost_customers`] from the kept facts: the customers with an open episode, read one by
/// one, in parallel.
fn lost_from_facts(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
) -> Result<Vec<LostCustomer>, KpiError> {
    let tiers = MonthTiers::load(reader, rules, &Period::month_of(as_of), true)?;
    let candidates = reader.lost_on(as_of.0)?;
    let lines: Vec<Option<LostCustomer>> = candidates
        .par_iter()
        .map(|(id, _)| -> Result<Option<LostCustomer>, KpiError> {
            let (customer, activity) = CustomerActivity::read(reader, id)?;
            let Some(open) = open_episode(&activity, rules, as_of)? else {
                return Ok(None);
            };
            let tier = tiers.tier_of(reader, id)?.unwrap_or(Tier::General);
            Ok(line(id, customer.as_ref(), tier, open, as_of))
        })
        .collect::<Result<_, _>>()?;
    Ok(lines.into_iter().flatten().collect())
}

/// [`lost_customers`] from every customer's records.
fn lost_from_scratch(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
) -> Result<Vec<LostCustomer>, KpiError> {
    let activity = Activity::load(reader)?;
    let open: Vec<Option<Open>> = activity
        .customers
        .par_iter()
        .map(|c| open_episode(c, rules, as_of))
        .collect::<Result<_, _>>()?;
    let tiers = MonthTiers::load(reader, rules, &Period::month_of(as_of), false)?;
    let mut list = Vec::new();
    for (c, open) in activity.customers.iter().zip(open) {
        let Some(open) = open else { continue };
        let id = &c.customer_id;
        let customer = match reader.get(Kind::Customer, id)? {
            Some((_, Record::Customer(c))) => Some(c),
            _ => None,
        };
        let tier = tiers.tier_of(reader, id)?.unwrap_or(Tier::General);
        list.extend(line(id, customer.as_ref(), tier, open, as_of));
    }
    Ok(list)
}
