//! How far a long computation has got, for a caller to show. The library only counts; the
//! binary draws (renderers and `kpi` do no I/O). The meter is process-wide: a command
//! computes one report at a time, every count is a relaxed atomic add, and counting never
//! changes a figure (output stays byte-identical at any thread count).
//!
//! Two phases are counted: records read from the store (each kind adds its count when its
//! key scan is done, then each slice of records as it is decoded) and customers derived
//! (tasks, churn, tiers, the lost list: each customer as it is done).

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

/// What is being counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Idle,
    /// Records read from the store.
    Reading,
    /// Customers whose facts are derived.
    Customers,
}

static PHASE: AtomicU8 = AtomicU8::new(0);
static DONE: AtomicU64 = AtomicU64::new(0);
static TOTAL: AtomicU64 = AtomicU64::new(0);

fn code(phase: Phase) -> u8 {
    match phase {
        Phase::Idle => 0,
        Phase::Reading => 1,
        Phase::Customers => 2,
    }
}

/// Enters `phase` (counts restart) unless it is the phase already counted, then expects
/// `items` more: several kinds read at once add up to one reading phase.
pub fn expect(phase: Phase, items: u64) {
    if PHASE.swap(code(phase), Ordering::Relaxed) != code(phase) {
        DONE.store(0, Ordering::Relaxed);
        TOTAL.store(0, Ordering::Relaxed);
    }
    TOTAL.fetch_add(items, Ordering::Relaxed);
}

/// `items` more are done.
pub fn advance(items: u64) {
    DONE.fetch_add(items, Ordering::Relaxed);
}

/// The phase, and (done, expected) in it.
pub fn snapshot() -> (Phase, u64, u64) {
    let phase = match PHASE.load(Ordering::Relaxed) {
        1 => Phase::Reading,
        2 => Phase::Customers,
        _ => Phase::Idle,
    };
    (
        phase,
        DONE.load(Ordering::Relaxed),
        TOTAL.load(Ordering::Relaxed),
    )
}
