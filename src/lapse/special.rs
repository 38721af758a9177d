//! Special functions the models need: log-gamma (from `statrs`, Lanczos, about 15 digits),
//! the Gauss hypergeometric function ₂F₁ on `|z| < 1` by its power series, and `ln(eˣ + eʸ)`
//! without overflow.
//!
//! ₂F₁ is not in `statrs`. Its series
//!
//! ```text
//! ₂F₁(a, b; c; z) = Σₙ (a)ₙ (b)ₙ / ((c)ₙ n!) zⁿ,   (q)ₙ = q (q+1) … (q+n−1)
//! ```
//!
//! is summed term by term with the ratio `uₙ₊₁ / uₙ = (a+n)(b+n) / ((c+n)(n+1)) · z`, which
//! needs no gamma function and so no cancellation between large numbers. The sum stops when
//! a bound on the tail is below [`SERIES_TOLERANCE`] of the sum: once the ratio `ρ` is below
//! one and the terms no longer grow, the tail after term `uₙ` is at most
//! `|uₙ| · ρ* / (1 − ρ*)` with `ρ* = max(ρ, |z|)` (the ratio tends to `|z|`; taking the larger
//! of the two covers ratios that still climb towards it). A series that has not stopped after
//! [`SERIES_TERMS_MAX`] terms (which happens only for `|z|` within about 10⁻⁵ of one) is an
//! error, not a guess. A parameter `a` or `b` that is a non-positive integer makes the series
//! a polynomial; it then stops on its first zero term.
//!
//! The BG/NBD's conditional expectation needs `(₂F₁(a, b; c; z) − 1) / b` for `b` near zero
//! (the model's `a − 1`, see `bgnbd`): [`hyp2f1_minus_one_over_b`] sums that series
//! directly, with the factor `b` taken out of every term, so it has no `0/0` at `b = 0`.
//!
//! The values in the tests are from Python's mpmath 1.3.0 (`mpmath.hyp2f1` at 30 digits).

use super::LapseError;

pub use statrs::function::gamma::ln_gamma;

/// The tail bound, relative to the sum, at which the ₂F₁ series stops.
pub const SERIES_TOLERANCE: f64 = 1e-16;

/// The most terms a ₂F₁ series may take. Near `|z| = 1` the terms shrink like `|z|ⁿ`, so
/// `|z| = 1 − 10⁻⁵` needs about 4 · 10⁶ terms: beyond this bound the series is refused.
pub const SERIES_TERMS_MAX: u32 = 5_000_000;

/// `ln(eˣ + eʸ)`, exact to rounding whatever the sizes of `x` and `y`; `−∞` is allowed.
pub fn log_add_exp(x: f64, y: f64) -> f64 {
    let (hi, lo) = if x >= y { (x, y) } else { (y, x) };
    if hi == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// The Gauss hypergeometric function ₂F₁(a, b; c; z) for real `|z| < 1` (see the module
/// doc for how the series is summed and when it stops).
///
/// Errors: `|z| ≥ 1` or not finite, `c` a non-positive integer (the function has a pole),
/// or no convergence within [`SERIES_TERMS_MAX`] terms.
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64, LapseError> {
    check_series(a, b, c, z)?;
    // u₁ = a b z / c; the terms after it follow the same ratio as the /b series below.
    let first = a * b * z / c;
    let tail = sum_from_first(a, b, c, z, first)?;
    Ok(1.0 + tail)
}

/// `(₂F₁(a, b; c; z) − 1) / b`, with its limit `Σₙ≥₁ (a)ₙ (n−1)! zⁿ / ((c)ₙ n!)` at `b = 0`.
///
/// Its terms are those of ₂F₁ with the factor `b` of `(b)ₙ = b (b+1)ₙ₋₁` taken out, so no
/// term is divided by a small `b`. Same domain and errors as [`hyp2f1`].
pub fn hyp2f1_minus_one_over_b(a: f64, b: f64, c: f64, z: f64) -> Result<f64, LapseError> {
    check_series(a, b, c, z)?;
    // u₁ = a z / c; uₙ₊₁ / uₙ = (a+n)(b+n) z / ((c+n)(n+1)), as for ₂F₁ itself.
    sum_from_first(a, b, c, z, a * z / c)
}

fn check_series(a: f64, b: f64, c: f64, z: f64) -> Result<(), LapseError> {
    let finite = a.is_finite() && b.is_finite() && c.is_finite() && z.is_finite();
    if !finite || z.abs() >= 1.0 {
        return Err(LapseError::SeriesDomain { a, b, c, z });
    }
    if c <= 0.0 && c.fract() == 0.0 {
        return Err(LapseError::SeriesDomain { a, b, c, z });
    }
    Ok(())
}

/// `Σₙ≥₁ uₙ` with `u₁ = first` and `uₙ₊₁ = uₙ (a+n)(b+n) z / ((c+n)(n+1))`.
fn sum_from_first(a: f64, b: f64, c: f64, z: f64, first: f64) -> Result<f64, LapseError> {
    let mut term = first;
    let mut sum = first;
    for n in 1..SERIES_TERMS_MAX {
        if term == 0.0 {
            return Ok(sum);
        }
        let n = f64::from(n);
        let ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        // The bound holds only once the terms shrink for good: the ratio's size is below one
        // and n is past the parameters, so that later ratios move monotonically towards |z|.
        let settled = n > a.abs() + b.abs() + c.abs();
        let rho = ratio.abs().max(z.abs());
        if settled && rho < 1.0 && term.abs() * rho / (1.0 - rho) <= SERIES_TOLERANCE * sum.abs() {
            return Ok(sum);
        }
        term *= ratio;
        sum += term;
        if !sum.is_finite() {
            break;
        }
    }
    Err(LapseError::SeriesDiverged { a, b, c, z })
}

// The expected values are mpmath's, with more digits than an f64 holds: kept as printed.
#[cfg(test)]
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    /// `got` within `rel` of `want`, relative.
    fn close(got: f64, want: f64, rel: f64) {
        assert!(
            (got - want).abs() <= rel * want.abs(),
            "got {got:e}, want {want:e} (relative error {:e})",
            ((got - want) / want).abs()
        );
    }

    #[test]
    fn hyp2f1_matches_mpmath() {
        // (a, b, c, z, mpmath.hyp2f1(a, b, c, z)) at mp.dps = 30.
        let cases = [
            (1.0, 1.0, 2.0, 0.5, 1.386_294_361_119_890_6),
            (0.5, 0.5, 1.5, 0.25, 1.047_197_551_196_597_7),
            (0.243, 2.426, 2.219, 0.3, 1.100_518_533_085_473),
            (2.243, 4.426, 4.219, 0.47, 4.493_036_934_011_619_8),
            (10.243, 12.426, 12.219, 0.9, 27_253_369_537.496_834),
            (0.243, 2.426, 2.219, -0.6, 0.883_988_856_622_154_2),
            (-3.0, 2.5, 1.5, 0.7, -0.099_000_000_000_000_02),
            (3.0, 4.0, 5.0, 0.99, 19_634.999_360_690_477),
        ];
        for (a, b, c, z, want) in cases {
            close(hyp2f1(a, b, c, z).unwrap(), want, 1e-13);
        }
    }

    #[test]
    fn minus_one_over_b_matches_mpmath() {
        // (a, b, c, z, (mpmath.hyp2f1(a, b, c, z) - 1) / b) at mp.dps = 50.
        let cases = [
            (2.426, -0.207, 2.219, 0.47, 0.662_261_951_677_483_4),
            (2.426, 1e-9, 2.219, 0.47, 0.710_266_078_073_635_8),
            (2.426, -1e-12, 2.219, 0.95, 3.843_393_338_651_197_8),
        ];
        for (a, b, c, z, want) in cases {
            close(hyp2f1_minus_one_over_b(a, b, c, z).unwrap(), want, 1e-13);
        }
        // At b = 0 the limit: Σ (a)ₙ zⁿ / ((c)ₙ n); for a = c it is −ln(1 − z).
        close(
            hyp2f1_minus_one_over_b(1.7, 0.0, 1.7, 0.6).unwrap(),
            -(0.4f64).ln(),
            1e-14,
        );
    }

    #[test]
    fn closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z and ₂F₁(a, b; b; z) = (1 − z)^−a.
        for z in [-0.9, -0.3, 0.1, 0.5, 0.8, 0.95] {
            close(hyp2f1(1.0, 1.0, 2.0, z).unwrap(), -(-z).ln_1p() / z, 1e-14);
            close(
                hyp2f1(0.37, 2.5, 2.5, z).unwrap(),
                (1.0 - z).powf(-0.37),
                1e-14,
            );
        }
    }

    #[test]
    fn outside_the_disc_is_an_error() {
        assert!(hyp2f1(1.0, 1.0, 2.0, 1.0).is_err());
        assert!(hyp2f1(1.0, 1.0, 2.0, -1.5).is_err());
        assert!(hyp2f1(1.0, 1.0, -2.0, 0.5).is_err());
        assert!(hyp2f1(1.0, 1.0, 2.0, f64::NAN).is_err());
        // Too close to one for the bounded series.
        assert!(hyp2f1(1.0, 1.0, 2.0, 1.0 - 1e-9).is_err());
    }

    #[test]
    fn log_add_exp_is_stable() {
        close(log_add_exp(0.0, 0.0), 2f64.ln(), 1e-15);
        close(log_add_exp(-1000.0, -1000.0), -1000.0 + 2f64.ln(), 1e-15);
        assert_eq!(log_add_exp(1000.0, f64::NEG_INFINITY), 1000.0);
        assert_eq!(
            log_add_exp(f64::NEG_INFINITY, f64::NEG_INFINITY),
            f64::NEG_INFINITY
        );
    }

    #[test]
    fn ln_gamma_known_values() {
        close(ln_gamma(1.0) + 1.0, 1.0, 1e-15);
        close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-14);
        close(ln_gamma(10.0), 362_880f64.ln(), 1e-14);
        close(ln_gamma(0.243), 1.318_043_584_699_669_9, 1e-13);
    }
}
