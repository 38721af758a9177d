//! Who is about to lapse, and what they are worth (issue 17): the BG/NBD model of repeat
//! purchases (Fader, Hardie & Lee 2005, "Counting your customers the easy way") and the
//! Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV:
//! Using iso-value curves for customer base analysis"), fitted by maximum likelihood.
//!
//! - [`bgnbd`]: the log-likelihood (the paper's eq. 6), the fit → (r, α, a, b), the
//!   probability that a customer is still active (eq. 15), the expected transactions in the
//!   next `t` periods given a customer's history (eq. 10) and for a new customer (eq. 7).
//! - [`gamma_gamma`]: the log-likelihood and fit → (p, q, γ) of the spend model, and a
//!   customer's expected average spend given their mean spend and repeat count.
//! - [`holdout`]: the paper's check: fit on a calibration window and compare the predicted
//!   repeat transactions of the holdout window with those made (Figures 2–4).
//! - [`optimise`]: the Nelder–Mead minimiser the fits use; [`special`]: log-gamma and the
//!   Gauss hypergeometric ₂F₁.
//!
//! A customer enters as a [`History`]: `x` repeat transactions (after the first), `t_x` the
//! time of the last one since the first, `age` (the paper's `T`) the time from the first to
//! the cut-off. Times are `f64` in a unit the caller picks (weeks, days): the fitted `α` is in
//! that unit and every time passed back must use it too.
//!
//! *Architecture invariant:* **the models read no store and no clock.** The cut-off is the
//! caller's, inside the histories it builds; the same histories give bit-identical
//! parameters (no threads, sums in input order, fixed start points).
//!
//! *Floats here, fen elsewhere.* These are model estimates, so they are `f64`. A money figure
//! made from them (expected revenue = expected transactions × expected spend) is rounded to
//! fen by the caller, once, where it leaves for a report: no float reaches a `Fen`.

pub mod bgnbd;
pub mod gamma_gamma;
pub mod holdout;
pub mod optimise;
#[cfg(test)]
mod properties;
pub mod special;

pub use bgnbd::{BgNbdFit, BgNbdParams};
pub use gamma_gamma::{GammaGammaFit, GammaGammaParams, Spend};
pub use holdout::{HoldoutCheck, HoldoutFrequency, HoldoutPeriod, holdout_check};

/// One customer's purchase history at a cut-off, in the paper's notation `(x, t_x, T)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct History {
    /// Repeat transactions: all after the first, up to the cut-off.
    pub x: u32,
    /// The time of the last repeat transaction since the first transaction; 0 when `x = 0`.
    pub t_x: f64,
    /// The time from the first transaction to the cut-off (the paper's `T`).
    pub age: f64,
}

impl History {
    /// A history whose times are finite with `0 ≤ t_x ≤ age`, or the reason it is not (in the
    /// language of messages, [`crate::voice`]).
    pub fn check(&self) -> Result<(), &'static str> {
        if !self.t_x.is_finite() || !self.age.is_finite() {
            return Err(crate::voice::pick(
                "t_x and age must be finite",
                "t_x 和 age 必须是有限值",
            ));
        }
        if self.t_x < 0.0 || self.age < 0.0 {
            return Err(crate::voice::pick(
                "t_x and age must not be negative",
                "t_x 和 age 不能为负",
            ));
        }
        if self.t_x > self.age {
            return Err(crate::voice::pick(
                "the last transaction (t_x) cannot come after the cut-off (age)",
                "最后一次交易（t_x）不能晚于截止点（age）",
            ));
        }
        Ok(())
    }
}

/// What the models refuse, and why.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum LapseError {
    #[error("{}", crate::say!(
        "no customers to fit: give at least one history (Gamma-Gamma: one with x ≥ 1)",
        "没有可拟合的客户：请至少给出一条历史（Gamma-Gamma：至少一条 x ≥ 1 的历史）"
    ))]
    NoCustomers,
    #[error("{}", crate::say!(
        "customer {index}: x = {x}, t_x = {t_x}, age = {age}: {reason}",
        "客户 {index}：x = {x}，t_x = {t_x}，age = {age}：{reason}",
        index = .index,
        x = .x,
        t_x = .t_x,
        age = .age,
        reason = .reason
    ))]
    BadHistory {
        index: usize,
        x: u32,
        t_x: f64,
        age: f64,
        reason: &'static str,
    },
    #[error("{}", crate::say!(
        "customer {index}: x = {x}, mean spend {zbar}: the spend model needs x ≥ 1 and a positive, finite mean spend",
        "客户 {index}：x = {x}，平均消费 {zbar}：消费模型需要 x ≥ 1，且平均消费是有限的正数",
        index = .index,
        x = .x,
        zbar = .zbar
    ))]
    BadSpend { index: usize, x: u32, zbar: f64 },
    #[error("{}", crate::say!(
        "2F1({a}, {b}; {c}; {z}): the series needs |z| < 1 and c not 0, −1, −2, …",
        "2F1({a}, {b}; {c}; {z})：该级数需要 |z| < 1，且 c 不为 0、−1、−2、…",
        a = .a,
        b = .b,
        c = .c,
        z = .z
    ))]
    SeriesDomain { a: f64, b: f64, c: f64, z: f64 },
    #[error("{}", crate::say!(
        "2F1({a}, {b}; {c}; {z}): the series did not converge within its bound; z is too close to 1 (shorten t)",
        "2F1({a}, {b}; {c}; {z})：该级数在其上限内未收敛；z 太接近 1（请缩短 t）",
        a = .a,
        b = .b,
        c = .c,
        z = .z
    ))]
    SeriesDiverged { a: f64, b: f64, c: f64, z: f64 },
    #[error("{}", crate::say!(
        "a time must be finite and not negative, got t = {t}",
        "时间必须是有限的非负值，实际为 t = {t}",
        t = .t
    ))]
    BadTime { t: f64 },
    #[error("{}", crate::say!(
        "holdout check: need calibration end < holdout end and a positive period of at most {periods_max} per holdout, got {calibration_end}, {holdout_end}, {period}",
        "留出检验：需要校准期终点 < 留出期终点，且周期为正、每个留出期最多 {periods_max} 个周期，实际为 {calibration_end}、{holdout_end}、{period}",
        periods_max = .periods_max,
        calibration_end = .calibration_end,
        holdout_end = .holdout_end,
        period = .period
    ))]
    BadWindow {
        calibration_end: f64,
        holdout_end: f64,
        period: f64,
        periods_max: u32,
    },
    #[error("{}", crate::say!(
        "holdout check: customer {index} has a transaction time that is not finite",
        "留出检验：客户 {index} 有一个交易时间不是有限值",
        index = .index
    ))]
    BadTransactionTime { index: usize },
}

/// Check every history, naming the first bad one.
pub(crate) fn check_histories(histories: &[History]) -> Result<(), LapseError> {
    if histories.is_empty() {
        return Err(LapseError::NoCustomers);
    }
    for (index, h) in histories.iter().enumerate() {
        h.check().map_err(|reason| LapseError::BadHistory {
            index,
            x: h.x,
            t_x: h.t_x,
            age: h.age,
            reason,
        })?;
    }
    Ok(())
}
