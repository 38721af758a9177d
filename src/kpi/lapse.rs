//! Who is about to lapse, and what they are worth (issue 17): the BG/NBD and Gamma-Gamma
//! models ([`crate::lapse`]) fitted on the dealership's own service visits, the customers
//! ranked by the service revenue at risk, and the holdout check that says whether the model
//! fits this dealership.
//!
//! *What a transaction is.* A service visit: a day on which the customer opened at least one
//! service order (two orders of one day are one visit, as the paper merges a day's purchases),
//! its spend the revenue of that day's orders. Sales are not visits here: a car is bought
//! every few years, service is what a loyal customer comes back for (seed `003_*`). A
//! customer enters the model at their first service visit; one who never came for service
//! is not in it.
//!
//! *Time* is in weeks (days / 7), as in the paper; the horizon of "the next 12 months" is
//! 365 days.
//!
//! *The figures per customer*, at the end of the as-of day, knowing only what was recorded
//! by then:
//! - `p_alive`: P(still active | x, t_x, T) (the paper's eq. 15);
//! - `expected_visits`: E[visits in the next 365 days | x, t_x, T] (eq. 10);
//! - `expected_revenue`: expected visits × E[spend per visit | their mean repeat spend, x]
//!   (Gamma-Gamma), rounded to the fen once;
//! - `revenue_at_risk`: expected revenue × (1 − P(alive)), as the issue defines it, rounded
//!   to the fen from the unrounded product. High for a valuable customer whose activity is
//!   in doubt; low both for a loyal regular (P(alive) near 1) and for one long gone (expected
//!   revenue near 0): the list is of customers worth a call *before* they lapse.
//!
//! *The list* holds the customers not lost as of the date (section 9: lost customers are the
//! `lost` list's, which `lost --rank risk` orders by the same figure), with consent to be
//! contacted, most revenue at risk first (then customer id). Every customer with a service
//! visit is in the fit.
//!
//! *The holdout check* (the paper's Figures 2–4): the model fitted again on the visits up to
//! six months before the date, and its predicted visits in those six months (per month,
//! cumulative) set against the visits made.
//!
//! *Determinism:* the fits are single-threaded with fixed starts ([`crate::lapse`]); the
//! per-customer figures are computed in parallel but each from its own inputs only, and
//! collected in customer id order: the same store and date give the same bytes at any thread
//! count.

use rayon::prelude::*;
use serde::Serialize;

use super::KpiError;
use crate::derive::Activity;
use crate::derive::tiers::Tier;
use crate::lapse::{self, BgNbdParams, GammaGammaParams, History, LapseError, Spend};
use crate::model::{Day, Fen, Kind, Record};
use crate::rules::Rules;
use crate::store::Reader;

/// Days per model time unit (a week).
const DAYS_PER_UNIT: f64 = 7.0;

/// The horizon of the expected figures: the next 12 months.
pub const HORIZON_DAYS: i32 = 365;

/// The months held out for the holdout check.
pub const HOLDOUT_MONTHS: u32 = 6;

/// One customer's service visits up to the date: each day's spend in fen, by date.
struct Visits {
    index: usize,
    days: Vec<(Day, Fen)>,
}

impl Visits {
    /// The model's history at `cut_off` (the end of that day): repeat visits, the time of
    /// the last since the first, the age at the cut-off, in weeks.
    fn history(&self, cut_off: Day) -> Option<History> {
        let first = self.days.first()?.0;
        let last = self.days.last()?.0;
        Some(History {
            x: (self.days.len() - 1) as u32,
            t_x: f64::from(last.0 - first.0) / DAYS_PER_UNIT,
            age: f64::from(cut_off.0 + 1 - first.0) / DAYS_PER_UNIT,
        })
    }

    /// The mean spend of the repeat visits, in yuan (the Gamma-Gamma model's z̄).
    fn repeat_spend(&self) -> Spend {
        let repeats = &self.days[1..];
        let total: i64 = repeats.iter().map(|(_, f)| f.0).sum();
        let zbar = match repeats.len() {
            0 => 0.0,
            n => total as f64 / 100.0 / n as f64,
        };
        Spend {
            x: repeats.len() as u32,
            zbar,
        }
    }
}

/// The fitted BG/NBD parameters, rounded for the report (the figures use them unrounded).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedBgNbd {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    pub log_likelihood: f64,
    /// A parameter ended at its bound (see [`crate::lapse::bgnbd::PARAM_LOG_BOUND`]).
    pub at_bound: bool,
}

/// The fitted Gamma-Gamma parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedGammaGamma {
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
    pub log_likelihood: f64,
}

/// One month of the holdout: visits made and predicted, cumulative from the calibration
/// end.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HoldoutMonth {
    /// The last day of the month (the last one is the as-of date).
    pub through: String,
    pub actual: u64,
    /// The cohort's unconditional expectation (the paper's Figures 2–3), to a tenth.
    pub predicted: f64,
    /// The sum of the customers' conditional expectations (what the list ranks by).
    pub conditional: f64,
}

/// The holdout check: fitted on the visits up to `calibration_end`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Holdout {
    pub calibration_end: String,
    pub holdout_end: String,
    pub customers: u64,
    pub bgnbd: FittedBgNbd,
    pub months: Vec<HoldoutMonth>,
}

/// One customer of the lapse list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LapseCustomer {
    pub customer_id: String,
    pub name: String,
    /// In full; the CLI masks it unless asked.
    pub phone: String,
    pub tier: Tier,
    pub first_visit: String,
    pub last_visit: String,
    /// Service visits (days) up to the date.
    pub visits: u64,
    /// P(alive), to four decimals.
    pub p_alive: String,
    /// Expected visits in the next 365 days, to two decimals.
    pub expected_visits: String,
    pub expected_revenue: Fen,
    pub revenue_at_risk: Fen,
    /// The service advisor of the latest visit (the person whose customer it is).
    pub owner: String,
}

/// The lapse report as of a date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LapseReport {
    pub as_of: String,
    /// The calibration period: the first service visit in the store to the date.
    pub calibration_first: String,
    pub calibration_last: String,
    /// Customers with a service visit (the fit), and those with a repeat one (Gamma-Gamma).
    pub customers_fitted: u64,
    pub repeat_customers: u64,
    pub horizon_days: i32,
    pub bgnbd: FittedBgNbd,
    pub gamma_gamma: FittedGammaGamma,
    /// Expected service revenue of every fitted customer in the next 365 days, and the
    /// revenue at risk of the customers on the list — all of them: `lapse --top N` prints
    /// fewer, not a smaller total (the gate's figure).
    pub expected_revenue: Fen,
    pub revenue_at_risk: Fen,
    pub holdout: Option<Holdout>,
    pub customers: Vec<LapseCustomer>,
}

/// A model estimate for a report: six decimals, so that the bytes do not show the last
/// bits of a float.
fn shown(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

/// Yuan (a model estimate) to fen, rounded half away from zero: the one place a float
/// becomes money.
fn to_fen(yuan: f64) -> Fen {
    Fen((yuan * 100.0).round() as i64)
}

/// Why a lapse report could not be made: the store, or a model that could not be fitted
/// to this data (too few customers, a series refused).
#[derive(Debug, thiserror::Error)]
pub enum LapseFailure {
    #[error(transparent)]
    Kpi(#[from] KpiError),
    #[error("{}", crate::say!(
        "the lapse model could not be fitted to this store's service visits: {e}",
        "流失预警模型无法拟合本数据库的维修到店记录：{e}",
        e = .0
    ))]
    Model(#[from] LapseError),
}

impl From<crate::store::StoreError> for LapseFailure {
    fn from(e: crate::store::StoreError) -> LapseFailure {
        LapseFailure::Kpi(e.into())
    }
}

fn model_failure(e: LapseError) -> LapseFailure {
    LapseFailure::Model(e)
}

/// Every customer's service visits recorded by the end of `as_of`, merged by day; customers
/// without one are left out.
fn service_visits(activity: &Activity, as_of: Day) -> Vec<Visits> {
    activity
        .customers
        .iter()
        .enumerate()
        .filter_map(|(index, c)| {
            let mut days: Vec<(Day, Fen)> = Vec::new();
            let mut orders: Vec<_> = c
                .orders
                .iter()
                .filter(|o| o.opened_at.day() <= as_of)
                .collect();
            orders.sort_by_key(|o| o.opened_at);
            for o in orders {
                let day = o.opened_at.day();
                match days.last_mut() {
                    Some((d, spend)) if *d == day => spend.0 += o.revenue.0,
                    _ => days.push((day, o.revenue)),
                }
            }
            (!days.is_empty()).then_some(Visits { index, days })
        })
        .collect()
}

fn fitted_bgnbd(fit: &lapse::BgNbdFit) -> FittedBgNbd {
    FittedBgNbd {
        r: shown(fit.params.r),
        alpha: shown(fit.params.alpha),
        a: shown(fit.params.a),
        b: shown(fit.params.b),
        log_likelihood: shown(fit.log_likelihood),
        at_bound: fit.at_bound,
    }
}

/// The models fitted on the visits up to `as_of`.
struct Fitted {
    bgnbd: lapse::BgNbdFit,
    gamma_gamma: lapse::GammaGammaFit,
}

/// A customer's figures under the fitted models: P(alive), expected visits and revenue in
/// the horizon, and the revenue at risk.
fn figures(
    bg: &BgNbdParams,
    gg: &GammaGammaParams,
    v: &Visits,
    as_of: Day,
) -> Result<(f64, f64, Fen, Fen), LapseError> {
    let h = v
        .history(as_of)
        .expect("a customer in the list has a visit");
    let p_alive = bg.p_alive(h.x, h.t_x, h.age);
    let horizon = f64::from(HORIZON_DAYS) / DAYS_PER_UNIT;
    let visits = bg.expected_future(horizon, h.x, h.t_x, h.age)?;
    let spend = v.repeat_spend();
    let per_visit = gg.expected_spend(spend.x, spend.zbar).unwrap_or(0.0);
    let revenue = visits * per_visit;
    Ok((
        p_alive,
        visits,
        to_fen(revenue),
        to_fen(revenue * (1.0 - p_alive)),
    ))
}

/// Fits both models on the visits up to `as_of`.
fn fit(visits: &[Visits], as_of: Day) -> Result<Fitted, LapseFailure> {
    let histories: Vec<History> = visits.iter().filter_map(|v| v.history(as_of)).collect();
    let bgnbd = lapse::bgnbd::fit(&histories).map_err(model_failure)?;
    let spends: Vec<Spend> = visits
        .iter()
        .map(Visits::repeat_spend)
        .filter(|s| s.x > 0 && s.zbar > 0.0)
        .collect();
    let gamma_gamma = lapse::gamma_gamma::fit(&spends).map_err(model_failure)?;
    Ok(Fitted { bgnbd, gamma_gamma })
}

/// The revenue at risk of each customer with a service visit by `as_of`, by customer id:
/// what `lost --rank risk` orders by.
pub fn risk_by_customer(
    reader: &Reader,
    as_of: Day,
) -> Result<std::collections::BTreeMap<String, Fen>, LapseFailure> {
    let activity = Activity::load(reader)?;
    let visits = service_visits(&activity, as_of);
    let fitted = fit(&visits, as_of)?;
    let (bg, gg) = (&fitted.bgnbd.params, &fitted.gamma_gamma.params);
    visits
        .par_iter()
        .map(|v| {
            let (_, _, _, risk) = figures(bg, gg, v, as_of).map_err(model_failure)?;
            Ok((activity.customers[v.index].customer_id.clone(), risk))
        })
        .collect()
}

/// The lapse report as of the end of `as_of`.
pub fn lapse_report(
    reader: &Reader,
    rules: &Rules,
    as_of: Day,
) -> Result<LapseReport, LapseFailure> {
    let activity = Activity::load(reader)?.known_until(Day(as_of.0 + 1).start());
    let visits = service_visits(&activity, as_of);
    let fitted = fit(&visits, as_of)?;
    let (bg, gg) = (&fitted.bgnbd.params, &fitted.gamma_gamma.params);
    let lapse = rules.churn.lapse();
    let rows: Vec<(usize, f64, f64, Fen, Fen, bool)> = visits
        .par_iter()
        .map(|v| {
            let (p, n, revenue, risk) = figures(bg, gg, v, as_of).map_err(model_failure)?;
            let lost =
                super::lost::lost_as_of(&activity.customers[v.index], lapse, as_of).is_some();
            Ok((v.index, p, n, revenue, risk, lost))
        })
        .collect::<Result<_, LapseFailure>>()?;
    let expected_revenue = Fen(rows.iter().map(|r| r.3.0).sum());
    let month = crate::model::Period::month_of(as_of);
    let tiers = super::tiers::MonthTiers::load(reader, rules, &month, true)?;
    let mut customers = Vec::new();
    for ((i, p, n, revenue, risk, lost), v) in rows.into_iter().zip(&visits) {
        if lost {
            continue;
        }
        let c = &activity.customers[i];
        let (name, phone) = match reader.get(Kind::Customer, &c.customer_id)? {
            // A customer without consent to be contacted is on no work list (PIPL).
            Some((_, Record::Customer(r))) if !r.contact_consent => continue,
            Some((_, Record::Customer(r))) => (r.name, r.phone.unwrap_or_default()),
            _ => (String::new(), String::new()),
        };
        let last_day = v.days.last().expect("a visit").0;
        let owner = c
            .orders
            .iter()
            .filter(|o| o.opened_at.day() == last_day)
            .filter_map(|o| o.advisor_id.clone())
            .min()
            .unwrap_or_default();
        customers.push(LapseCustomer {
            customer_id: c.customer_id.clone(),
            name,
            phone,
            tier: tiers
                .tier_of(reader, &c.customer_id)?
                .unwrap_or(Tier::General),
            first_visit: v.days[0].0.to_string(),
            last_visit: last_day.to_string(),
            visits: v.days.len() as u64,
            p_alive: format!("{p:.4}"),
            expected_visits: format!("{n:.2}"),
            expected_revenue: revenue,
            revenue_at_risk: risk,
            owner,
        });
    }
    customers.sort_by(|a, b| {
        b.revenue_at_risk
            .cmp(&a.revenue_at_risk)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    let revenue_at_risk = Fen(customers.iter().map(|c| c.revenue_at_risk.0).sum());
    let first = visits
        .iter()
        .map(|v| v.days[0].0)
        .min()
        .expect("a fitted customer");
    Ok(LapseReport {
        as_of: as_of.to_string(),
        calibration_first: first.to_string(),
        calibration_last: as_of.to_string(),
        customers_fitted: visits.len() as u64,
        repeat_customers: visits.iter().filter(|v| v.days.len() > 1).count() as u64,
        horizon_days: HORIZON_DAYS,
        bgnbd: fitted_bgnbd(&fitted.bgnbd),
        gamma_gamma: FittedGammaGamma {
            p: shown(gg.p),
            q: shown(gg.q),
            gamma: shown(gg.gamma),
            log_likelihood: shown(fitted.gamma_gamma.log_likelihood),
        },
        expected_revenue,
        revenue_at_risk,
        holdout: holdout(&visits, as_of)?,
        customers,
    })
}

/// The holdout check: fitted on the visits up to six months before `as_of`, its predictions
/// at each month end since against the visits made; `None` when the data start too late for
/// it (no visit before the calibration end).
///
/// At each month end τ, with c the calibration end (the paper's Figures 2–3 and eq. 7/10):
/// actual = the cohort's visits in (c, τ]; predicted = Σ over the cohort of
/// E[X(τ − s)] − E[X(c − s)], s a customer's first visit; conditional = Σ E[Y(τ − c) | x, t_x,
/// T]. The cohort is the customers with a visit by c.
fn holdout(visits: &[Visits], as_of: Day) -> Result<Option<Holdout>, LapseFailure> {
    let ends: Vec<Day> = (0..=HOLDOUT_MONTHS)
        .rev()
        .map(|back| months_before(as_of, back))
        .collect();
    let calibration_end = ends[0];
    let cohort: Vec<(&Visits, History)> = visits
        .iter()
        .filter_map(|v| {
            let before: Vec<(Day, Fen)> = v
                .days
                .iter()
                .copied()
                .filter(|(d, _)| *d <= calibration_end)
                .collect();
            let h = Visits {
                index: v.index,
                days: before,
            }
            .history(calibration_end)?;
            Some((v, h))
        })
        .collect();
    if cohort.is_empty() {
        return Ok(None);
    }
    let histories: Vec<History> = cohort.iter().map(|(_, h)| *h).collect();
    let fit = lapse::bgnbd::fit(&histories).map_err(model_failure)?;
    let bg = &fit.params;
    let weeks = |from: Day, to: Day| f64::from(to.0 - from.0) / DAYS_PER_UNIT;
    let mut months = Vec::new();
    for &end in &ends[1..] {
        let mut actual = 0;
        let mut predicted = 0.0;
        let mut conditional = 0.0;
        for (v, h) in &cohort {
            let first = v.days[0].0;
            actual += v
                .days
                .iter()
                .filter(|(d, _)| calibration_end < *d && *d <= end)
                .count() as u64;
            // Ages at the ends of the days: the first visit's day counts.
            let age = |day: Day| weeks(first, day) + 1.0 / DAYS_PER_UNIT;
            predicted += bg.expected_transactions(age(end)).map_err(model_failure)?
                - bg.expected_transactions(age(calibration_end))
                    .map_err(model_failure)?;
            conditional += bg
                .expected_future(weeks(calibration_end, end), h.x, h.t_x, h.age)
                .map_err(model_failure)?;
        }
        months.push(HoldoutMonth {
            through: end.to_string(),
            actual,
            predicted: (predicted * 10.0).round() / 10.0,
            conditional: (conditional * 10.0).round() / 10.0,
        });
    }
    Ok(Some(Holdout {
        calibration_end: calibration_end.to_string(),
        holdout_end: as_of.to_string(),
        customers: cohort.len() as u64,
        bgnbd: fitted_bgnbd(&fit),
        months,
    }))
}

/// The day `months` months before `day` (the same day of the month, or the month's last
/// when it is shorter: 2025-08-31 → 2025-02-28).
fn months_before(day: Day, months: u32) -> Day {
    let date = day.to_naive() - chrono::Months::new(months);
    Day::from_naive(date)
}
