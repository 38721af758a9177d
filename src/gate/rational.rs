//! Exact rationals for gate comparisons: counts, rates (n/d), money (fen/100) and limits
//! written as decimals are all compared without floating point.

use std::cmp::Ordering;
use std::fmt;

/// `num / den`, `den > 0`.
#[derive(Clone, Copy, Debug)]
pub struct Rational {
    pub num: i128,
    pub den: i128,
}

impl Rational {
    pub fn new(num: i128, den: i128) -> Rational {
        assert!(den > 0, "a rational's denominator is positive");
        Rational { num, den }
    }

    pub fn int(n: i128) -> Rational {
        Rational { num: n, den: 1 }
    }

    /// Parses a plain decimal: `0.85`, `-3`, `10000.00`, `1e-3` is refused.
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
            || whole.len() + frac.len() > 30
        {
            return None;
        }
        let num: i128 = format!("{whole}{frac}").parse().ok()?;
        let den = 10i128.checked_pow(frac.len() as u32)?;
        Some(Rational::new(if negative { -num } else { num }, den))
    }

    /// A float written in TOML or JSON, read as the shortest decimal that prints it (so
    /// `0.85` is exactly 85/100).
    pub fn from_f64(value: f64) -> Option<Rational> {
        if !value.is_finite() {
            return None;
        }
        let text = format!("{value}");
        Rational::parse_decimal(&text)
    }

    pub fn abs(self) -> Rational {
        Rational::new(self.num.abs(), self.den)
    }

    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    /// A decimal approximation for display.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl std::ops::Sub for Rational {
    type Output = Rational;
    fn sub(self, other: Rational) -> Rational {
        Rational::new(
            self.num * other.den - other.num * self.den,
            self.den * other.den,
        )
    }
}

impl std::ops::Mul for Rational {
    type Output = Rational;
    fn mul(self, other: Rational) -> Rational {
        Rational::new(self.num * other.num, self.den * other.den)
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
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}", self.to_f64())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_floats_are_exact() {
        assert_eq!(Rational::from_f64(0.85), Some(Rational::new(17, 20)));
        assert_eq!(
            Rational::parse_decimal("10000.00"),
            Some(Rational::int(10_000))
        );
        assert_eq!(Rational::parse_decimal("-0.5"), Some(Rational::new(-1, 2)));
        assert!(Rational::parse_decimal("1e3").is_none());
        assert!(Rational::parse_decimal("").is_none());
        // 4 of 5 is exactly 0.8: a limit of 0.8 is met, not missed by rounding.
        assert_eq!(Rational::new(4, 5), Rational::from_f64(0.8).unwrap());
        assert!(Rational::new(2, 3) > Rational::from_f64(0.6666666).unwrap());
    }
}
