//! Churn and recovery (DOMAIN.md section 5): each customer's lost episodes, which returns a
//! recovery call won back (and whose call it was), and which service orders are recovery
//! revenue.

use rayon::prelude::*;

use super::episodes::{Episode, lost_episodes};
use super::{Activity, CustomerActivity};
use crate::model::{Day, Fen, Outcome, Purpose, Timestamp};
use crate::rules::Rules;

/// The recovery call a return is credited to: the latest qualifying attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryCall {
    pub attempt_id: String,
    pub at: Timestamp,
    pub staff_id: Option<String>,
}

/// A lost episode and, if the customer came back after a qualifying call, that call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpisodeState {
    pub episode: Episode,
    pub recovered_by: Option<RecoveryCall>,
    /// Why the customer left (DOMAIN.md section 14): the reason of the episode's latest
    /// attempt that gives one, with that attempt's date.
    pub reason: Option<(Day, String)>,
    /// The date the episode was declared lost (最终宣告流失): its `declared_lost_after`-th
    /// refused attempt.
    pub declared_on: Option<Day>,
}

impl EpisodeState {
    /// Whether the episode was declared lost on or before `day`.
    pub fn declared_by(&self, day: Day) -> bool {
        self.declared_on.is_some_and(|d| d <= day)
    }
}

/// A service order counted as recovery revenue, with the episode whose return it follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryOrder {
    pub order_id: String,
    pub opened_on: Day,
    pub revenue: Fen,
    /// Index into `CustomerChurn::episodes`: the earliest recovered return whose window holds
    /// the order.
    pub episode: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerChurn {
    pub customer_id: String,
    pub episodes: Vec<EpisodeState>,
    pub revenue: Vec<RecoveryOrder>,
    /// Every `churn_recovery` attempt, whatever its outcome: (date, attempt id).
    pub recovery_attempts: Vec<(Day, String)>,
}

/// Derives every customer's churn facts, in customer order, in parallel.
pub fn derive_churn(activity: &Activity, rules: &Rules) -> Vec<CustomerChurn> {
    let success = rules.visits.tasks.churn_recovery.success.clone();
    crate::progress::expect(
        crate::progress::Phase::Customers,
        activity.customers.len() as u64,
    );
    activity
        .customers
        .par_iter()
        .map(|c| derive_customer(c, rules, &success))
        .inspect(|_| crate::progress::advance(1))
        .collect()
}

/// One customer's churn facts; `success` is the `churn_recovery` rule's success outcomes.
pub fn derive_customer(c: &CustomerActivity, rules: &Rules, success: &[Outcome]) -> CustomerChurn {
    let visits: Vec<Day> = c
        .sales
        .iter()
        .map(|s| s.delivered_at.day())
        .chain(c.orders.iter().map(|o| o.opened_at.day()))
        .collect();
    let attribution = rules.churn.attribution();
    let mut calls: Vec<_> = c
        .attempts
        .iter()
        .filter(|a| a.purpose == Purpose::ChurnRecovery)
        .collect();
    calls.sort_by(|a, b| (a.at, &a.attempt_id).cmp(&(b.at, &b.attempt_id)));

    let episodes: Vec<EpisodeState> = lost_episodes(&visits, rules.churn.lapse())
        .into_iter()
        .map(|episode| {
            let recovered_by = episode.returned_on.and_then(|r| {
                calls
                    .iter()
                    .rfind(|a| {
                        let d = a.at.day();
                        success.contains(&a.outcome)
                            && episode.lost_on <= d
                            && d <= r
                            && r.0 - d.0 <= attribution
                    })
                    .map(|a| RecoveryCall {
                        attempt_id: a.attempt_id.clone(),
                        at: a.at,
                        staff_id: a.staff_id.clone(),
                    })
            });
            // The episode's attempts: dated from lost_on to the return, both included (to
            // any later date while there is none), in (at, attempt_id) order.
            let own: Vec<_> = calls
                .iter()
                .filter(|a| {
                    let d = a.at.day();
                    episode.lost_on <= d && episode.returned_on.is_none_or(|r| d <= r)
                })
                .collect();
            let reason = own
                .iter()
                .rev()
                .find_map(|a| a.reason.as_ref().map(|r| (a.at.day(), r.clone())));
            let declared_on = own
                .iter()
                .filter(|a| a.outcome == Outcome::Refused)
                .nth(usize::from(rules.churn.declared_lost_after).saturating_sub(1))
                .map(|a| a.at.day());
            EpisodeState {
                episode,
                recovered_by,
                reason,
                declared_on,
            }
        })
        .collect();

    let window = rules.churn.revenue_window();
    let mut orders: Vec<_> = c.orders.iter().collect();
    orders.sort_by(|a, b| (a.opened_at, &a.order_id).cmp(&(b.opened_at, &b.order_id)));
    let revenue = orders
        .into_iter()
        .filter_map(|o| {
            let day = o.opened_at.day();
            // Episodes are in order of their return, so the first match is the earliest; an
            // order in two windows counts once.
            episodes
                .iter()
                .position(|e| {
                    e.recovered_by.is_some()
                        && e.episode
                            .returned_on
                            .is_some_and(|r| r <= day && day.0 < r.0 + window)
                })
                .map(|episode| RecoveryOrder {
                    order_id: o.order_id.clone(),
                    opened_on: day,
                    revenue: o.revenue,
                    episode,
                })
        })
        .collect();

    CustomerChurn {
        customer_id: c.customer_id.clone(),
        episodes,
        revenue,
        recovery_attempts: calls
            .iter()
            .map(|a| (a.at.day(), a.attempt_id.clone()))
            .collect(),
    }
}
