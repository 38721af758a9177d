//! Proves that no number a person or a file supplies can wrap, panic or run off the calendar:
//! periods outside the reporting years, `tasks --ahead` beyond ten years, rule values out of
//! range, money sums beyond i64 fen, and gates that need a baseline or hold money limits.
//! Each is refused with exit 2 and a message naming what to fix.

use crate::util::Dir;

/// Regression (issue 10): `report all --month 9999-12` and `--month 0000-01` ran the pack
/// over years the calendar barely holds (and `--week 2024-é0` panicked on a byte slice).
#[test]
fn periods_outside_the_reporting_years_exit_2() {
    let dir = Dir::new();
    dir.with_base();
    for (args, message) in [
        (
            &["report", "all", "--month", "9999-12"][..],
            "9999-12 is outside the years careledger reports on; name a period from 1990 to 2200",
        ),
        (
            &["report", "visits", "--month", "0000-01"][..],
            "0000-01 is outside the years careledger reports on; name a period from 1990 to 2200",
        ),
        (
            &["report", "churn", "--year", "2201"][..],
            "2201 is outside the years careledger reports on; name a period from 1990 to 2200",
        ),
        (
            &["report", "visits", "--week", "1989-W52"][..],
            "1989-W52 is outside the years careledger reports on; name a period from 1990 to 2200",
        ),
        (
            &["check", "--month", "1989-12", "--gates", "gates.toml"][..],
            "1989-12 is outside the years careledger reports on; name a period from 1990 to 2200",
        ),
        (
            &["report", "visits", "--week", "2024-é0"][..],
            "`2024-é0` is not an ISO week; write YYYY-Www",
        ),
        (
            &["gen", "--start", "0000-01", "--out", "gen"][..],
            "0000-01 is outside the years careledger reports on",
        ),
        (
            &[
                "explain",
                "payout",
                "--period",
                "9999",
                "--tier",
                "vip",
                "--department",
                "sales",
            ][..],
            "9999 is outside the years careledger reports on; name a period from 1990 to 2200",
        ),
    ] {
        let stderr = dir.fails(args);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    assert!(!dir.join("reports").exists(), "nothing is written");
    assert!(!dir.join("gen").exists(), "nothing is written");
    // The edges of the range are ordinary months.
    dir.ok(&["report", "visits", "--month", "2200-12"]);
    dir.ok(&["report", "visits", "--month", "1990-01"]);
}

/// `tasks --ahead` is bounded to ten years (3660 days), so `as_of + ahead` is a date.
#[test]
fn tasks_ahead_is_bounded_to_ten_years() {
    let dir = Dir::new();
    dir.with_base();
    let stderr = dir.fails(&["tasks", "--as-of", "2024-01-15", "--ahead", "3661"]);
    assert!(stderr.contains("3661 is not in 0..=3660"), "{stderr}");
    let stderr = dir.fails(&["tasks", "--ahead", "4294967295"]);
    assert!(stderr.contains("is not in 0..=3660"), "{stderr}");
    // The base sale of 2024-01-15 10:30 has its four sales tasks open on that day, the last
    // due a week later (delivery_call_3, 2024-01-22 10:30); delivery_call_1 is credited by
    // A0000001 the next day, which `--as-of 2024-01-15` does not know yet.
    let out = dir.ok(&[
        "tasks",
        "--as-of",
        "2024-01-15",
        "--ahead",
        "3660",
        "--format",
        "csv",
    ]);
    assert_eq!(out.lines().count(), 1 + 4, "{out}");
}
