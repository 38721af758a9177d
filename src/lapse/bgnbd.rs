//! The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
//!
//! While active, a customer buys as a Poisson process of rate λ ~ Gamma(r, α); after each
//! purchase they drop out with probability p ~ Beta(a, b). The paper's equation numbers are
//! cited beside each formula.
//!
//! **Likelihood (eq. 6), in logs.** For a customer `(x, t_x, T)`:
//!
//! ```text
//! ln L = A₁ + A₂ + ln(e^A₃ + δ_{x>0} e^A₄)
//! A₁ = lnΓ(r+x) − lnΓ(r) + r ln α
//! A₂ = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x)
//! A₃ = −(r+x) ln(α+T)
//! A₄ = ln a − ln(b+x−1) − (r+x) ln(α+t_x)
//! ```
//!
//! which is eq. 6 with its Beta functions written as gamma functions and the sum of its two
//! terms taken by `ln(eᵘ + eᵛ)` ([`super::special::log_add_exp`]): no factor is formed outside the
//! logs, so nothing overflows for large `x` or `T`.
//!
//! **Fit.** Nelder–Mead ([`super::optimise`]) on `(ln r, ln α, ln a, ln b)` from `(0, 0, 0, 0)`,
//! i.e. all four parameters 1, minimising `−ln L` summed over the customers in input order.
//!
//! **Expected transactions (eqs. 7 and 10).** Both are
//! `(a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; z)]`,
//! `z = t/(α+T+t)`, times P(alive) for eq. 10, and with `x = T = 0` for eq. 7. As written it
//! is `0/0` at `a = 1` and loses digits near it, and its ₂F₁ grows like `(1−z)^−(r+x)` for
//! large `x`. Euler's transformation (Abramowitz & Stegun 15.3.3),
//! `₂F₁(A, B; C; z) = (1−z)^{C−A−B} ₂F₁(C−A, C−B; C; z)`, turns the bracket into
//! `1 − (1−z)^ε F` with `ε = a − 1` and `F = ₂F₁(a+b−1−r, ε; a+b+x−1; z)`, a series whose
//! terms stay small. With `F = 1 + ε S`, `S` = [`super::special::hyp2f1_minus_one_over_b`],
//!
//! ```text
//! [1 − (1−z)^ε F] / ε = (1 − (1−z)^ε)/ε − (1−z)^ε S
//! ```
//!
//! where `(1 − (1−z)^ε)/ε = −expm1(ε ln(1−z))/ε` (its limit `−ln(1−z)` at `ε = 0`): the
//! division by `a − 1` is done exactly, and `a = 1` is an ordinary point.

use super::optimise::{self, Options};
use super::special::{hyp2f1_minus_one_over_b, ln_gamma, log_add_exp};
use super::{History, LapseError, check_histories};

/// The four BG/NBD parameters: transaction rates λ ~ Gamma(shape `r`, rate `alpha`), drop-out
/// probabilities p ~ Beta(`a`, `b`). `alpha` is in the caller's time unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BgNbdParams {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// A maximum-likelihood fit.
#[derive(Clone, Debug, PartialEq)]
pub struct BgNbdFit {
    pub params: BgNbdParams,
    /// The log-likelihood at `params`, summed over the customers (eq. 6).
    pub log_likelihood: f64,
    /// The optimiser's iterations and function evaluations, restarts included.
    pub iterations: u32,
    pub evaluations: u32,
    /// The optimiser met its stopping rule rather than its iteration bound.
    pub converged: bool,
    /// A parameter ended at its bound ([`PARAM_LOG_BOUND`]): the likelihood kept rising
    /// towards a limit of the model (with `a`, `b` → ∞ at a fixed ratio, every customer has
    /// the same drop-out probability), which the bounded value stands for.
    pub at_bound: bool,
}

/// Each parameter is fitted within `[e^−8, e^8]` (about 0.00034 to 2981). On small or
/// homogeneous data the likelihood may keep rising as `a` and `b` grow together (every
/// customer the same drop-out probability): unbounded, the fit runs to values at which the
/// series of eq. 10 needs millions of terms. Bounded, the fit stops at a model that predicts
/// within rounding of the limit; the CDNOW estimates lie far inside.
pub const PARAM_LOG_BOUND: f64 = 8.0;

impl BgNbdParams {
    /// One customer's log-likelihood (eq. 6, in the stable form of the module doc).
    pub fn customer_log_likelihood(&self, h: &History) -> f64 {
        let BgNbdParams { r, alpha, a, b } = *self;
        let x = f64::from(h.x);
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
        let a3 = -(r + x) * (alpha + h.age).ln();
        let a4 = if h.x > 0 {
            a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + h.t_x).ln()
        } else {
            f64::NEG_INFINITY
        };
        a1 + a2 + log_add_exp(a3, a4)
    }

    /// P(alive | x, t_x, T) (eq. 15):
    /// `1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x})`; exactly 1 when `x = 0`
    /// (the model lets a customer drop out only just after a purchase).
    pub fn p_alive(&self, x: u32, t_x: f64, age: f64) -> f64 {
        if x == 0 {
            return 1.0;
        }
        let BgNbdParams { r, alpha, a, b } = *self;
        let x = f64::from(x);
        let log_odds =
            a.ln() - (b + x - 1.0).ln() + (r + x) * ((alpha + age).ln() - (alpha + t_x).ln());
        1.0 / (1.0 + log_odds.exp())
    }

    /// E[Y(t) | x, t_x, T]: the expected transactions in the next `t` periods of a customer
    /// with this history (eq. 10). Errors: `t` negative or not finite, or `t` so long against
    /// `α + T` that ₂F₁'s series is refused (`t / (α+T+t)` within about 10⁻⁵ of 1).
    pub fn expected_future(&self, t: f64, x: u32, t_x: f64, age: f64) -> Result<f64, LapseError> {
        let count = self.count_if_alive(t, x, age)?;
        Ok(count * self.p_alive(x, t_x, age))
    }

    /// E[X(t)]: the expected repeat transactions of a customer in the first `t` periods after
    /// their first purchase (eq. 7). Errors as [`BgNbdParams::expected_future`].
    pub fn expected_transactions(&self, t: f64) -> Result<f64, LapseError> {
        self.count_if_alive(t, 0, 0.0)
    }

    /// `(a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]`, the
    /// expected transactions in the next `t` of a customer known to be alive at `T` after
    /// `x` repeats, computed as the module doc says.
    fn count_if_alive(&self, t: f64, x: u32, age: f64) -> Result<f64, LapseError> {
        if !t.is_finite() || t < 0.0 {
            return Err(LapseError::BadTime { t });
        }
        if t == 0.0 {
            return Ok(0.0);
        }
        let BgNbdParams { r, alpha, a, b } = *self;
        let x = f64::from(x);
        let z = t / (alpha + age + t);
        let c = a + b + x - 1.0;
        let epsilon = a - 1.0;
        let ln_one_minus_z = (-z).ln_1p();
        let power = (epsilon * ln_one_minus_z).exp();
        let first = if epsilon == 0.0 {
            -ln_one_minus_z
        } else {
            -(epsilon * ln_one_minus_z).exp_m1() / epsilon
        };
        let s = hyp2f1_minus_one_over_b(a + b - 1.0 - r, epsilon, c, z)?;
        Ok(c * (first - power * s))
    }
}

/// The log-likelihood of the customers (eq. 6), summed in input order.
pub fn log_likelihood(params: &BgNbdParams, histories: &[History]) -> f64 {
    histories
        .iter()
        .map(|h| params.customer_log_likelihood(h))
        .sum()
}

/// The maximum-likelihood parameters of the customers' histories (see the module doc).
///
/// Errors: no customers, or a history with a time that is negative, not finite, or with
/// `t_x > T` (named by its index).
pub fn fit(histories: &[History]) -> Result<BgNbdFit, LapseError> {
    check_histories(histories)?;
    let bounded = |v: f64| v.clamp(-PARAM_LOG_BOUND, PARAM_LOG_BOUND);
    let params_of = |v: &[f64]| BgNbdParams {
        r: bounded(v[0]).exp(),
        alpha: bounded(v[1]).exp(),
        a: bounded(v[2]).exp(),
        b: bounded(v[3]).exp(),
    };
    // Past the bound the likelihood is that of the bound, less a penalty that leads the
    // simplex back, so the minimum is at or inside the bound.
    let outside = |v: &[f64]| -> f64 {
        v.iter()
            .map(|x| (x.abs() - PARAM_LOG_BOUND).max(0.0).powi(2))
            .sum()
    };
    let negative = |v: &[f64]| -log_likelihood(&params_of(v), histories) + 1e3 * outside(v);
    let m = optimise::nelder_mead(negative, &[0.0; 4], &Options::default());
    let at_bound = m.x.iter().any(|x| x.abs() >= PARAM_LOG_BOUND - 1e-6);
    let params = params_of(&m.x);
    Ok(BgNbdFit {
        params,
        log_likelihood: log_likelihood(&params, histories),
        iterations: m.iterations,
        evaluations: m.evaluations,
        converged: m.converged,
        at_bound,
    })
}

// The expected values are mpmath's, with more digits than an f64 holds: kept as printed.
#[cfg(test)]
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    /// The paper's CDNOW estimates (Table 1 of the BG/NBD paper).
    const PAPER: BgNbdParams = BgNbdParams {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };

    fn close(got: f64, want: f64, rel: f64) {
        assert!(
            (got - want).abs() <= rel * want.abs(),
            "got {got:e}, want {want:e} (relative error {:e})",
            ((got - want) / want).abs()
        );
    }

    fn h(x: u32, t_x: f64, age: f64) -> History {
        History { x, t_x, age }
    }

    #[test]
    fn p_alive_matches_mpmath() {
        // mpmath at 30 digits of eq. 15 with the paper's parameters.
        close(
            PAPER.p_alive(2, 30.43, 38.86),
            0.726_578_570_080_672_9,
            1e-13,
        );
        close(
            PAPER.p_alive(1, 1.71, 38.86),
            0.212_100_985_377_379_08,
            1e-13,
        );
        assert_eq!(PAPER.p_alive(0, 0.0, 38.86), 1.0);
    }

    #[test]
    fn expected_future_matches_mpmath() {
        // mpmath at 30 digits of eq. 10 as the paper writes it (with hyp2f1, no rewriting).
        close(
            PAPER.expected_future(39.0, 2, 30.43, 38.86).unwrap(),
            1.226_028_174_767_144_5,
            1e-12,
        );
        close(
            PAPER.expected_future(39.0, 0, 0.0, 38.86).unwrap(),
            0.195_098_052_011_262_64,
            1e-12,
        );
        close(
            PAPER.expected_future(10.0, 25, 37.5, 38.0).unwrap(),
            5.279_454_425_333_537_5,
            1e-12,
        );
        let a_above_one = BgNbdParams { a: 1.8, ..PAPER };
        close(
            a_above_one.expected_future(52.0, 3, 20.0, 30.0).unwrap(),
            1.250_469_406_407_158,
            1e-12,
        );
    }

    #[test]
    fn expected_transactions_matches_mpmath() {
        // mpmath at 30 digits of eq. 7 with the paper's parameters.
        close(
            PAPER.expected_transactions(39.0).unwrap(),
            1.196_723_193_320_816_9,
            1e-12,
        );
        close(
            PAPER.expected_transactions(78.0).unwrap(),
            1.860_519_057_942_768_6,
            1e-12,
        );
        assert_eq!(PAPER.expected_transactions(0.0).unwrap(), 0.0);
    }

    #[test]
    fn a_equal_to_one_is_an_ordinary_point() {
        // Either side of a = 1 and at it, the expectation moves smoothly.
        let at = BgNbdParams { a: 1.0, ..PAPER };
        let below = BgNbdParams {
            a: 1.0 - 1e-7,
            ..PAPER
        };
        let above = BgNbdParams {
            a: 1.0 + 1e-7,
            ..PAPER
        };
        let v = at.expected_future(20.0, 3, 25.0, 30.0).unwrap();
        assert!(v.is_finite() && v > 0.0);
        close(below.expected_future(20.0, 3, 25.0, 30.0).unwrap(), v, 1e-6);
        close(above.expected_future(20.0, 3, 25.0, 30.0).unwrap(), v, 1e-6);
    }

    #[test]
    fn log_likelihood_matches_mpmath() {
        // mpmath at 30 digits of eq. 6 (the product form) for three customers.
        close(
            PAPER.customer_log_likelihood(&h(2, 30.43, 38.86)),
            -9.458_606_307_066_271,
            1e-12,
        );
        close(
            PAPER.customer_log_likelihood(&h(0, 0.0, 38.86)),
            -0.554_713_276_438_158_5,
            1e-12,
        );
        close(
            PAPER.customer_log_likelihood(&h(40, 30.0, 31.0)),
            -39.223_234_372_377_57,
            1e-12,
        );
    }

    #[test]
    fn bad_input_is_named() {
        assert_eq!(fit(&[]), Err(LapseError::NoCustomers));
        let e = fit(&[h(1, 2.0, 3.0), h(1, 5.0, 3.0)]).unwrap_err();
        assert!(matches!(e, LapseError::BadHistory { index: 1, .. }), "{e}");
        assert!(PAPER.expected_future(-1.0, 1, 1.0, 2.0).is_err());
        assert!(PAPER.expected_future(f64::NAN, 1, 1.0, 2.0).is_err());
    }
}
