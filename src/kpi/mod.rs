//! KPIs: the figures of DOMAIN.md sections 4–9, aggregated from derived facts and records
//! into report structures whose serialisation is the JSON of section 9.
//!
//! *Architecture invariant:* `kpi` never opens a file and never reads the clock; it reads a
//! store snapshot through `store::Reader` and returns plain data. Rates are computed from
//! integer counts only at the end.

pub mod churn;
pub mod lost;
pub mod payouts;
pub mod tiers;
pub mod visits;
pub mod worklist;

/// `n / d` as a rate, `None` (JSON `null`) when the denominator is 0.
pub fn rate(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}
