//! The generator's only source of randomness.
//!
//! Output must stay byte-identical forever for a given configuration, so this wrapper
//! draws raw `u64`s from ChaCha8 (a fixed, specified stream) and does its own range
//! reduction, instead of relying on `rand`'s distribution code, whose algorithms may
//! change between releases. Probabilities are integers per mille: no floats anywhere.

use std::cell::RefCell;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Odd multiplier (2^64 / golden ratio) that spreads consecutive customer indices over
/// the whole seed space.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// Methods take `&self` (the stream sits in a `RefCell`) so that draws can be nested in
/// the arguments of calls that also take the generator, e.g.
/// `fit_working(rng, t + rng.range(a, b))`; arguments evaluate left to right, so the
/// order of draws stays fixed.
pub(crate) struct Rand(RefCell<ChaCha8Rng>);

impl Rand {
    pub(crate) fn new(seed: u64) -> Self {
        Rand(RefCell::new(ChaCha8Rng::seed_from_u64(seed)))
    }

    /// The stream of one customer: independent of every other customer, so a customer's
    /// rows depend only on the seed, its index and the sequential counters.
    pub(crate) fn for_customer(seed: u64, index: u64) -> Self {
        Self::new(seed ^ index.wrapping_add(1).wrapping_mul(GOLDEN))
    }

    /// Uniform in `0..n` (0 when `n` is 0). Multiply-shift reduction: the bias is below
    /// n / 2^64, far under anything a KPI could notice.
    pub(crate) fn below(&self, n: u64) -> u64 {
        ((u128::from(self.0.borrow_mut().next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..hi`; `lo` when the range is empty.
    pub(crate) fn range(&self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + self.below((hi - lo) as u64) as i64
        }
    }

    /// True with probability `per_mille` / 1000.
    pub(crate) fn chance(&self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    pub(crate) fn pick<'a, T>(&self, items: &'a [T]) -> &'a T {
        debug_assert!(!items.is_empty());
        &items[self.below(items.len() as u64) as usize]
    }

    /// Index drawn with the given integer weights (at least one must be positive).
    pub(crate) fn weighted(&self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        debug_assert!(total > 0);
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }
}

/// SplitMix64 finalizer: a fixed hash for values that must not depend on any stream
/// position (e.g. how good a department's month is).
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(GOLDEN);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}
