//! The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV:
//! Using iso-value curves for customer base analysis"; the note "The Gamma-Gamma model of
//! monetary value", Fader & Hardie 2013).
//!
//! A customer's spends are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers. Given `x`
//! repeat transactions with mean spend `z̄`, the likelihood of `z̄` is
//!
//! ```text
//! ln f = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄)
//! ```
//!
//! and the expected mean spend is `E[Z | z̄, x] = p (γ + x z̄) / (p x + q − 1)` — a weighted
//! mean of the population mean `p γ / (q − 1)` and the customer's own `z̄`, the weight of
//! `z̄` growing with `x`.
//!
//! **Fit.** Nelder–Mead on `(ln p, ln q, ln γ)` from `(0, 0, 0)`, minimising `−ln f` summed
//! over the customers with `x ≥ 1` in input order. The model assumes spend independent of
//! the purchase process, which the caller should check (the correlation of `x` and `z̄`).
//!
//! Spend is in the caller's money unit as an `f64` (the CDNOW test uses dollars); an
//! expected revenue made from it is rounded to fen by the caller (see the [`super`] doc).

use super::LapseError;
use super::optimise::{self, Options};
use super::special::ln_gamma;

/// A customer's spend history: `x ≥ 1` repeat transactions and their mean spend `zbar > 0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spend {
    pub x: u32,
    pub zbar: f64,
}

/// The three Gamma-Gamma parameters: spend shape `p`, and ν ~ Gamma(shape `q`, rate `gamma`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GammaGammaParams {
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
}

/// A maximum-likelihood fit.
#[derive(Clone, Debug, PartialEq)]
pub struct GammaGammaFit {
    pub params: GammaGammaParams,
    /// The log-likelihood at `params`, summed over the customers.
    pub log_likelihood: f64,
    pub iterations: u32,
    pub evaluations: u32,
    /// The optimiser met its stopping rule rather than its iteration bound.
    pub converged: bool,
}

impl GammaGammaParams {
    /// One customer's log-likelihood (the module doc's `ln f`).
    pub fn customer_log_likelihood(&self, s: &Spend) -> f64 {
        let GammaGammaParams { p, q, gamma } = *self;
        let x = f64::from(s.x);
        let px = p * x;
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
            + q * gamma.ln()
            + (px - 1.0) * s.zbar.ln()
            + px * x.ln()
            - (px + q) * (gamma + x * s.zbar).ln()
    }

    /// E[Z | z̄, x] = p (γ + x z̄) / (p x + q − 1): the expected mean spend of a customer with
    /// `x` repeat transactions of mean `zbar` (with `x = 0`, the population mean). `None`
    /// when `q ≤ 1`, where the model's mean spend is infinite.
    pub fn expected_spend(&self, x: u32, zbar: f64) -> Option<f64> {
        let GammaGammaParams { p, q, gamma } = *self;
        if q <= 1.0 {
            return None;
        }
        let x = f64::from(x);
        Some(p * (gamma + x * zbar) / (p * x + q - 1.0))
    }
}

/// The log-likelihood of the customers, summed in input order.
pub fn log_likelihood(params: &GammaGammaParams, spends: &[Spend]) -> f64 {
    spends
        .iter()
        .map(|s| params.customer_log_likelihood(s))
        .sum()
}

/// The maximum-likelihood parameters (see the module doc). Errors: no customers, or one with
/// `x = 0` or a mean spend that is not positive and finite (named by its index: leave
/// customers without repeat transactions out).
pub fn fit(spends: &[Spend]) -> Result<GammaGammaFit, LapseError> {
    if spends.is_empty() {
        return Err(LapseError::NoCustomers);
    }
    for (index, s) in spends.iter().enumerate() {
        if s.x == 0 || !s.zbar.is_finite() || s.zbar <= 0.0 {
            return Err(LapseError::BadSpend {
                index,
                x: s.x,
                zbar: s.zbar,
            });
        }
    }
    let params_of = |v: &[f64]| GammaGammaParams {
        p: v[0].exp(),
        q: v[1].exp(),
        gamma: v[2].exp(),
    };
    let negative = |v: &[f64]| -log_likelihood(&params_of(v), spends);
    let m = optimise::nelder_mead(negative, &[0.0; 3], &Options::default());
    Ok(GammaGammaFit {
        params: params_of(&m.x),
        log_likelihood: -m.value,
        iterations: m.iterations,
        evaluations: m.evaluations,
        converged: m.converged,
    })
}

// The expected values are mpmath's, with more digits than an f64 holds: kept as printed.
#[cfg(test)]
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    const PAPER: GammaGammaParams = GammaGammaParams {
        p: 6.25,
        q: 3.74,
        gamma: 15.44,
    };

    #[test]
    fn log_likelihood_matches_mpmath() {
        // mpmath at 30 digits of the module doc's density, as a product of gamma functions.
        let got = PAPER.customer_log_likelihood(&Spend { x: 2, zbar: 22.35 });
        let want = -3.551_316_759_731_704_7;
        assert!((got - want).abs() < 1e-12 * want.abs(), "{got} vs {want}");
    }

    #[test]
    fn expected_spend_weighs_the_customer_by_their_count() {
        // p γ / (q − 1) with x = 0: 6.25 · 15.44 / 2.74.
        let population = PAPER.expected_spend(0, 0.0).unwrap();
        assert!((population - 6.25 * 15.44 / 2.74).abs() < 1e-12);
        // (6.25 · (15.44 + 2 · 22.35)) / (6.25 · 2 + 2.74)
        let one = PAPER.expected_spend(2, 22.35).unwrap();
        assert!((one - 6.25 * (15.44 + 44.7) / 15.24).abs() < 1e-12);
        // Between the population mean (35.22) and the customer's own (22.35), nearer theirs
        // as x grows.
        let many = PAPER.expected_spend(50, 22.35).unwrap();
        assert!(22.35 < many && many < one && one < population);
        assert_eq!(
            GammaGammaParams { q: 1.0, ..PAPER }.expected_spend(1, 5.0),
            None
        );
    }

    #[test]
    fn bad_spends_are_named() {
        assert_eq!(fit(&[]), Err(LapseError::NoCustomers));
        let e = fit(&[Spend { x: 1, zbar: 3.0 }, Spend { x: 0, zbar: 0.0 }]).unwrap_err();
        assert!(matches!(e, LapseError::BadSpend { index: 1, .. }), "{e}");
    }
}
