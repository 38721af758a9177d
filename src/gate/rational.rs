//! Exact rationals for gate comparisons: counts, rates (n/d), money (fen/100) and limits
//! written as decimals are all compared without floating point and without overflow:
//! comparison never multiplies (it expands both fractions like Euclid's algorithm), and the
//! arithmetic of change limits is checked.

use std::cmp::Ordering;
use std::fmt;

/// `num / den`, `den > 0`.
#[derive(Clone, Copy, Debug)]
pub struct Rational {
    pub num: i128,
    pub den: i128,
}

/// The most digits a decimal limit may have (before and after the point together): 10^30
/// is far beyond any count or amount, and leaves i128 (1.7 × 10^38) room to spare.
const DECIMAL_DIGITS_MAX: usize = 30;

impl Rational {
    pub fn new(num: i128, den: i128) -> Rational {
        assert!(den > 0, "a rational's denominator is positive");
        Rational { num, den }
    }

    pub fn int(n: i128) -> Rational {
        Rational { num: n, den: 1 }
    }

    /// Parses a plain decimal: `0.85`, `-3`, `10000.00`; `1e-3` is refused.
    pub fn parse_decimal(text: &str) -> Option<Rational> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole
                .bytes()
                .chain(frac.bytes())
                .all(|b| b.is_ascii_digit())
            || whole.len() + frac.len() > DECIMAL_DIGITS_MAX
        {
            return None;
        }
        let num: i128 = format!("{whole}{frac}").parse().ok()?;
        // At most 30 fraction digits: the cast is exact.
        let den = 10i128.checked_pow(frac.len() as u32)?;
        Some(Rational::new(if negative { -num } else { num }, den))
    }

    /// A TOML float read from its text as written (`1500.10`, `+0.85`, `1_000.5`, `5e-2`),
    /// never through f64: `1500.10` is exactly 150010/100, and a limit with more digits than
    /// an f64 holds keeps every one of them. `inf` and `nan` are not limits.
    pub fn parse_toml_float(text: &str) -> Option<Rational> {
        let plain: String = text.chars().filter(|c| *c != '_').collect();
        let plain = plain.strip_prefix('+').unwrap_or(&plain);
        let (mantissa, exponent) = match plain.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.strip_prefix('+').unwrap_or(e).parse::<i32>().ok()?),
            None => (plain, 0),
        };
        let m = Rational::parse_decimal(mantissa)?;
        let scale = 10i128.checked_pow(exponent.unsigned_abs())?;
        if exponent >= 0 {
            Some(Rational::new(m.num.checked_mul(scale)?, m.den))
        } else {
            Some(Rational::new(m.num, m.den.checked_mul(scale)?))
        }
    }

    /// The same value with numerator and denominator divided by their gcd.
    fn reduced(self) -> Rational {
        let g = gcd(self.num.unsigned_abs(), self.den.unsigned_abs());
        // g divides den > 0 and |num|, and g ≥ 1; both quotients are in range.
        let g = i128::try_from(g).expect("a divisor of a positive i128");
        Rational::new(self.num / g, self.den / g)
    }

    /// `|self|`; `None` only for `i128::MIN` as numerator.
    pub fn checked_abs(self) -> Option<Rational> {
        Some(Rational::new(self.num.checked_abs()?, self.den))
    }

    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    /// `self − other`, `None` when it does not fit i128.
    pub fn checked_sub(self, other: Rational) -> Option<Rational> {
        let (a, b) = (self.reduced(), other.reduced());
        let num = a
            .num
            .checked_mul(b.den)?
            .checked_sub(b.num.checked_mul(a.den)?)?;
        Some(Rational::new(num, a.den.checked_mul(b.den)?).reduced())
    }

    /// `self × other`, `None` when it does not fit i128.
    pub fn checked_mul(self, other: Rational) -> Option<Rational> {
        let (a, b) = (self.reduced(), other.reduced());
        Some(Rational::new(a.num.checked_mul(b.num)?, a.den.checked_mul(b.den)?).reduced())
    }

    /// Whether this is a whole number of hundredths (fen, when it is yuan).
    pub fn is_hundredths(self) -> bool {
        let r = self.reduced();
        100 % r.den == 0
    }

    /// A decimal approximation, for display only: no comparison goes through it.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// The value with exactly `places` decimals, rounded half away from zero; exact while
    /// the scaled numerator fits i128 (every value a gate meets), else via f64.
    pub fn to_decimal(self, places: u32) -> String {
        let r = self.reduced();
        let den = r.den.unsigned_abs();
        let Some(half_up) = 10i128
            .checked_pow(places)
            .and_then(|p| r.num.unsigned_abs().checked_mul(p.unsigned_abs()))
            .and_then(|scaled| scaled.checked_add(den / 2))
        else {
            return format!("{:.*}", places as usize, self.to_f64());
        };
        let q = half_up / den;
        let p = 10u128.pow(places);
        let sign = if r.num < 0 && q != 0 { "-" } else { "" };
        if places == 0 {
            format!("{sign}{q}")
        } else {
            format!("{sign}{}.{:0width$}", q / p, q % p, width = places as usize)
        }
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// Compares a/b with c/d (b, d > 0) without multiplying: by their integer parts, then by
/// the reciprocals of their remainders, as in a continued fraction. No step can overflow.
fn compare(a: i128, b: i128, c: i128, d: i128) -> Ordering {
    let (qa, ra) = (a.div_euclid(b), a.rem_euclid(b));
    let (qc, rc) = (c.div_euclid(d), c.rem_euclid(d));
    if qa != qc {
        return qa.cmp(&qc);
    }
    match (ra, rc) {
        (0, 0) => Ordering::Equal,
        (0, _) => Ordering::Less,
        (_, 0) => Ordering::Greater,
        // ra/b < rc/d exactly when b/ra > d/rc; 0 < ra < b and 0 < rc < d.
        _ => compare(d, rc, b, ra),
    }
}

impl PartialEq for Rational {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Rational {}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(self.num, self.den, other.num, other.den)
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.reduced();
        if r.den == 1 {
            write!(f, "{}", r.num)
        } else {
            write!(f, "{}", self.to_f64())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(
            Rational::parse_decimal("10000.00"),
            Some(Rational::int(10_000))
        );
        assert_eq!(Rational::parse_decimal("-0.5"), Some(Rational::new(-1, 2)));
        assert!(Rational::parse_decimal("1e3").is_none());
        assert!(Rational::parse_decimal("").is_none());
        assert!(Rational::parse_decimal(&"9".repeat(31)).is_none());
        // 4 of 5 is exactly 0.8: a limit of 0.8 is met, not missed by rounding.
        assert_eq!(
            Rational::new(4, 5),
            Rational::parse_toml_float("0.8").unwrap()
        );
        assert!(Rational::new(2, 3) > Rational::parse_toml_float("0.6666666").unwrap());
    }

    /// Regression (issue 10): TOML floats went through f64, so a money limit with more
    /// digits than an f64 holds was compared as a different number.
    #[test]
    fn toml_floats_are_read_from_their_text() {
        let f = |t: &str| Rational::parse_toml_float(t).unwrap();
        assert_eq!(f("1500.10"), Rational::new(150_010, 100));
        assert_eq!(f("+0.85"), Rational::new(17, 20));
        assert_eq!(f("1_000.5"), Rational::new(2001, 2));
        assert_eq!(f("5e-2"), Rational::new(1, 20));
        assert_eq!(f("1.5E+3"), Rational::int(1500));
        assert_eq!(f("-2.0"), Rational::int(-2));
        // 12345678901234567.89 as f64 is 12345678901234568: the text keeps the fen.
        assert_eq!(
            f("12345678901234567.89"),
            Rational::new(1_234_567_890_123_456_789, 100)
        );
        assert!(f("12345678901234567.89") < Rational::int(12_345_678_901_234_568));
        for bad in ["inf", "-inf", "nan", "1e40", "1e-40", "1e"] {
            assert!(Rational::parse_toml_float(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn comparisons_never_overflow() {
        let big = Rational::new(i128::MAX, 1);
        let tiny = Rational::new(1, i128::MAX);
        assert!(big > tiny);
        assert!(Rational::new(-1, i128::MAX) < tiny);
        // (2^126 + 1) / 2^126 = 1 + 1/2^126 against (2^126 + 2) / (2^126 + 1) =
        // 1 + 1/(2^126 + 1): the first is larger, and cross-multiplying would overflow.
        let p = 1i128 << 126;
        assert!(Rational::new(p + 1, p) > Rational::new(p + 2, p + 1));
        assert!(Rational::new(p + 2, p + 1) < Rational::new(p + 1, p));
        assert_eq!(Rational::new(6, 4), Rational::new(3, 2));
        assert_eq!(Rational::new(i128::MIN, 2), Rational::new(i128::MIN / 2, 1));
        assert!(Rational::new(i128::MIN, 1) < Rational::new(i128::MIN + 1, 1));
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(
            Rational::new(3, 4).checked_sub(Rational::new(1, 4)),
            Some(Rational::new(1, 2))
        );
        assert_eq!(
            Rational::new(3, 4).checked_mul(Rational::int(100)),
            Some(Rational::int(75))
        );
        assert_eq!(Rational::int(i128::MAX).checked_mul(Rational::int(2)), None);
        assert_eq!(Rational::int(i128::MIN).checked_sub(Rational::int(1)), None);
        assert_eq!(Rational::int(i128::MIN).checked_abs(), None);
        assert!(Rational::new(150_010, 100).is_hundredths());
        assert!(!Rational::new(1_500_105, 1000).is_hundredths());
        assert_eq!(Rational::new(150_010, 100).to_decimal(2), "1500.10");
        assert_eq!(Rational::new(-1, 200).to_decimal(2), "-0.01");
        assert_eq!(Rational::new(-1, 300).to_decimal(2), "0.00");
        assert_eq!(
            Rational::new(1_234_567_890_123_456_789, 100).to_decimal(2),
            "12345678901234567.89"
        );
    }
}
