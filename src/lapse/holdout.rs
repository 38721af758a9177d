//! The paper's check of the BG/NBD model: fit on a calibration window, then compare the
//! repeat transactions predicted for a holdout window with those made.
//!
//! Input is each customer's transaction times (any order, in the caller's unit; times on
//! the same day should be merged by the caller first if a day is the unit of purchase, as the
//! CDNOW data are). A customer's first transaction starts their clock; a customer whose first
//! transaction is after the calibration end is not in the calibration cohort and is left
//! out, as is one with no transaction.
//!
//! At the calibration end each customer's [`History`] `(x, t_x, T)` is built and the model
//! fitted ([`bgnbd::fit`]). The holdout is cut into periods of the given length from the
//! calibration end (the last one ending at the holdout end), and for each period end `τ`:
//!
//! - **actual**: the cohort's transactions in `(calibration end, τ]`;
//! - **predicted** (the paper's Figures 2–3, its tracking of the whole cohort): each
//!   customer's unconditional `E[X(τ − s)] − E[X(c − s)]`, `s` their first purchase and `c`
//!   the calibration end (eq. 7), summed over the cohort; it uses the customers' start dates
//!   but not their calibration purchases;
//! - **conditional**: each customer's `E[Y(τ − c) | x, t_x, T]` (eq. 10), summed: the
//!   customer-level figure a lapse list ranks by, here added up to be checked.
//!
//! And, as the paper's Figure 4, per calibration frequency `x = 0, 1, …, 6` and `7 or more`:
//! the mean transactions each group made in the whole holdout against their mean conditional
//! expectation. Sums run over customers in input order, so the figures are reproducible.

use super::bgnbd::{self, BgNbdFit};
use super::{History, LapseError};

/// The most periods a holdout may be cut into.
pub const HOLDOUT_PERIODS_MAX: u32 = 10_000;

/// Calibration frequencies get a row each below this; the last row is "this many or more".
pub const FREQUENCY_ROWS_FROM: u32 = 7;

/// The cumulative figures at the end of one holdout period.
#[derive(Clone, Debug, PartialEq)]
pub struct HoldoutPeriod {
    /// The period's end, in the caller's clock.
    pub end: f64,
    /// Transactions made by the cohort from the calibration end to `end`.
    pub actual_cumulative: u64,
    /// The cohort's unconditional expectation over the same span (Figures 2–3).
    pub predicted_cumulative: f64,
    /// The sum of the customers' conditional expectations over the same span (eq. 10).
    pub conditional_cumulative: f64,
}

/// The holdout by calibration frequency (Figure 4).
#[derive(Clone, Debug, PartialEq)]
pub struct HoldoutFrequency {
    /// The calibration repeat count `x` of the row; the last row holds `x ≥` this.
    pub x: u32,
    pub or_more: bool,
    pub customers: u64,
    /// The mean transactions the row's customers made in the whole holdout.
    pub actual_mean: f64,
    /// The mean of their conditional expectations for the whole holdout.
    pub conditional_mean: f64,
}

/// What [`holdout_check`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct HoldoutCheck {
    pub fit: BgNbdFit,
    /// The input indices of the customers in the calibration cohort, ascending.
    pub customers: Vec<usize>,
    /// Their histories at the calibration end, in the same order.
    pub histories: Vec<History>,
    pub periods: Vec<HoldoutPeriod>,
    pub by_frequency: Vec<HoldoutFrequency>,
}

/// Fit at `calibration_end` and compare the holdout up to `holdout_end`, in periods of
/// `period` (see the module doc).
///
/// Errors: `calibration_end ≥ holdout_end`, a period that is not positive or cuts the holdout
/// into more than [`HOLDOUT_PERIODS_MAX`] periods, a transaction time that is not finite, no
/// customer in the cohort, or an expectation whose series is refused.
pub fn holdout_check<T: AsRef<[f64]>>(
    transactions: &[T],
    calibration_end: f64,
    holdout_end: f64,
    period: f64,
) -> Result<HoldoutCheck, LapseError> {
    let bad_window = || LapseError::BadWindow {
        calibration_end,
        holdout_end,
        period,
        periods_max: HOLDOUT_PERIODS_MAX,
    };
    let span = holdout_end - calibration_end;
    let finite = calibration_end.is_finite() && holdout_end.is_finite() && period.is_finite();
    if !finite || span <= 0.0 || period <= 0.0 {
        return Err(bad_window());
    }
    let periods_count = (span / period).ceil();
    if periods_count > f64::from(HOLDOUT_PERIODS_MAX) {
        return Err(bad_window());
    }
    let mut periods_count = periods_count as u32;
    // A last period shorter than a millionth of a period is rounding in `span / period` (39
    // weeks as days / 7 is 39.000000000000007): it joins the one before.
    if periods_count > 1 && span - f64::from(periods_count - 1) * period <= 1e-6 * period {
        periods_count -= 1;
    }
    // Each end from the calibration end directly, so no rounding accumulates.
    let ends: Vec<f64> = (1..=periods_count)
        .map(|k| match k == periods_count {
            true => holdout_end,
            false => calibration_end + f64::from(k) * period,
        })
        .collect();

    // The cohort, its histories and first purchases, and each customer's holdout times.
    let mut customers = Vec::new();
    let mut histories = Vec::new();
    let mut starts = Vec::new();
    let mut holdout_times: Vec<Vec<f64>> = Vec::new();
    for (index, times) in transactions.iter().enumerate() {
        let mut times = times.as_ref().to_vec();
        if times.iter().any(|t| !t.is_finite()) {
            return Err(LapseError::BadTransactionTime { index });
        }
        times.sort_by(f64::total_cmp);
        let Some(&first) = times.first() else {
            continue;
        };
        if first > calibration_end {
            continue;
        }
        let calibration = times.partition_point(|&t| t <= calibration_end);
        let x = u32::try_from(calibration - 1).unwrap_or(u32::MAX);
        let t_x = times[calibration - 1] - first;
        customers.push(index);
        histories.push(History {
            x,
            t_x,
            age: calibration_end - first,
        });
        starts.push(first);
        holdout_times.push(
            times[calibration..]
                .iter()
                .copied()
                .take_while(|&t| t <= holdout_end)
                .collect(),
        );
    }

    let fit = bgnbd::fit(&histories)?;
    let params = fit.params;

    let mut periods = Vec::with_capacity(ends.len());
    for &end in &ends {
        let mut actual = 0u64;
        let mut predicted = 0.0;
        let mut conditional = 0.0;
        for ((h, &start), times) in histories.iter().zip(&starts).zip(&holdout_times) {
            actual += times.partition_point(|&t| t <= end) as u64;
            predicted += params.expected_transactions(end - start)?
                - params.expected_transactions(calibration_end - start)?;
            conditional += params.expected_future(end - calibration_end, h.x, h.t_x, h.age)?;
        }
        periods.push(HoldoutPeriod {
            end,
            actual_cumulative: actual,
            predicted_cumulative: predicted,
            conditional_cumulative: conditional,
        });
    }

    // Figure 4: sums per row, then means.
    let rows = FREQUENCY_ROWS_FROM as usize + 1;
    let mut count = vec![0u64; rows];
    let mut actual_sum = vec![0.0f64; rows];
    let mut expected_sum = vec![0.0f64; rows];
    for (h, times) in histories.iter().zip(&holdout_times) {
        let row = h.x.min(FREQUENCY_ROWS_FROM) as usize;
        count[row] += 1;
        actual_sum[row] += times.len() as f64;
        expected_sum[row] += params.expected_future(span, h.x, h.t_x, h.age)?;
    }
    let by_frequency = (0..rows)
        .map(|row| {
            let n = count[row];
            let mean = |sum: f64| if n == 0 { 0.0 } else { sum / n as f64 };
            HoldoutFrequency {
                x: row as u32,
                or_more: row as u32 == FREQUENCY_ROWS_FROM,
                customers: n,
                actual_mean: mean(actual_sum[row]),
                conditional_mean: mean(expected_sum[row]),
            }
        })
        .collect();

    Ok(HoldoutCheck {
        fit,
        customers,
        histories,
        periods,
        by_frequency,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histories_and_counts_follow_the_windows() {
        // Customer 0: first at 1, repeats at 3 and 9 (calibration), 12 and 19 (holdout), 40
        // (after it). Customer 1: one purchase. Customer 2: starts in the holdout (left
        // out). Customer 3: none. Times unsorted on purpose.
        let tx = vec![
            vec![9.0, 1.0, 12.0, 3.0, 40.0, 19.0],
            vec![4.0],
            vec![11.0, 13.0],
            vec![],
        ];
        let check = holdout_check(&tx, 10.0, 20.0, 4.0).unwrap();
        assert_eq!(check.customers, vec![0, 1]);
        assert_eq!(
            check.histories,
            vec![
                History {
                    x: 2,
                    t_x: 8.0,
                    age: 9.0
                },
                History {
                    x: 0,
                    t_x: 0.0,
                    age: 6.0
                },
            ]
        );
        let ends: Vec<f64> = check.periods.iter().map(|p| p.end).collect();
        assert_eq!(ends, vec![14.0, 18.0, 20.0]);
        let actual: Vec<u64> = check.periods.iter().map(|p| p.actual_cumulative).collect();
        assert_eq!(actual, vec![1, 1, 2]);
        for w in check.periods.windows(2) {
            assert!(w[0].predicted_cumulative <= w[1].predicted_cumulative);
            assert!(w[0].conditional_cumulative <= w[1].conditional_cumulative);
        }
        assert_eq!(check.by_frequency.len(), FREQUENCY_ROWS_FROM as usize + 1);
        assert_eq!(check.by_frequency[0].customers, 1);
        assert_eq!(check.by_frequency[2].customers, 1);
        assert_eq!(check.by_frequency[2].actual_mean, 2.0);
    }

    #[test]
    fn bad_windows_are_refused() {
        let tx = vec![vec![1.0, 2.0]];
        for (c, h, p) in [(10.0, 10.0, 1.0), (10.0, 20.0, 0.0), (0.0, 1e9, 1.0)] {
            assert!(matches!(
                holdout_check(&tx, c, h, p),
                Err(LapseError::BadWindow { .. })
            ));
        }
        assert_eq!(
            holdout_check(&[vec![1.0, f64::NAN]], 5.0, 10.0, 1.0),
            Err(LapseError::BadTransactionTime { index: 0 })
        );
    }
}
