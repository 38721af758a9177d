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
    // A0000001 the next day, which `--as-of 2024-01-15` does not know yet. The customer is a
    // super VIP (tag influential): the care of 2024-W03 is open from that Monday; that of
    // 2024-W02 closed at its midnight, and the policy's renewal is not triggered yet.
    let out = dir.ok(&[
        "tasks",
        "--as-of",
        "2024-01-15",
        "--ahead",
        "3660",
        "--format",
        "csv",
    ]);
    assert_eq!(out.lines().count(), 1 + 5, "{out}");
    assert!(
        out.contains(",ahead,super_vip,tier_care,customer_care,C00011,"),
        "{out}"
    );
}

/// The largest amount a file may hold: 13 digits of yuan and two decimals.
const LARGEST_YUAN: &str = "9999999999999.99";

/// A customer lost in 2023 and won back on 2024-03-05 by a recovery call on 2024-03-01,
/// with `orders` service orders of the largest amount opened on the day of the return: every
/// one is recovery revenue of March 2024 (DOMAIN.md section 5).
fn recovered_customer_with_orders(dir: &Dir, folder: &str, first: usize, orders: usize) {
    dir.write(
        &format!("{folder}/staff.csv"),
        "staff_id,name,department,role,active_from,active_to\nKF001,李静,customer_care,manager,2021-08-02,\n",
    );
    dir.write(
        &format!("{folder}/customers.csv"),
        "customer_id,name,phone,family_id,tags,created_on\nC1,王芳,,,,2023-01-01\n",
    );
    // The sale of 2023-01-10 is the last visit; lost on 2023-07-09 (180 days later).
    dir.write(
        &format!("{folder}/sales.csv"),
        "sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id\nS1,C1,,2023-01-10 10:00,,100000.00,\n",
    );
    dir.write(
        &format!("{folder}/contacts.csv"),
        "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note\nA1,C1,2024-03-01 09:00,phone,KF001,churn_recovery,reached,\n",
    );
    let mut orders_csv = String::from(
        "order_id,customer_id,vin,opened_at,closed_at,revenue,advisor_id,followup_consent\n",
    );
    for i in first..first + orders {
        orders_csv.push_str(&format!("R{i:05},C1,,2024-03-05 09:00,,{LARGEST_YUAN},,\n"));
    }
    dir.write(&format!("{folder}/service_orders.csv"), orders_csv);
}

/// Regression (issue 10): recovery revenue summed with `+` on i64 fen, which a release build
/// wraps into a negative figure. 9223 of the largest amounts still fit; the 9224th is refused
/// with exit 2, naming the figure, in every command that sums it, and nothing is written.
#[test]
fn a_sum_beyond_i64_fen_is_refused_naming_the_figure() {
    let dir = Dir::new();
    recovered_customer_with_orders(&dir, "a", 1, 9_223);
    dir.ok(&["import", dir.join("a").to_str().unwrap()]);
    // 9223 × 9 999 999 999 999.99 yuan = 92 229 999 999 999 907.77 yuan
    // (9 222 999 999 999 990 777 fen, below i64::MAX = 9 223 372 036 854 775 807).
    let out = dir.ok(&["report", "churn", "--month", "2024-03"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["recovered"], 1);
    assert_eq!(json["recovery_revenue"], "92229999999999907.77");

    // A money gate holds this figure to the fen, written as a TOML float: through f64 (53
    // bits, steps of 16 at 9 × 10^16) 907.77 and 907.78 were the same number and both passed.
    dir.write(
        "exact.toml",
        "[[gate]]\nkpi = \"recovery_revenue\"\nmin = 92229999999999907.77\n",
    );
    let out = dir.ok(&["check", "--month", "2024-03", "--gates", "exact.toml"]);
    assert!(out.contains("92229999999999907.77"), "{out}");
    dir.write(
        "above.toml",
        "[[gate]]\nkpi = \"recovery_revenue\"\nmin = 92229999999999907.78\n",
    );
    let out = dir.run(&["check", "--month", "2024-03", "--gates", "above.toml"]);
    assert_eq!(out.status.code(), Some(1), "one fen above the value fails");

    // One more order: 9224 × 999 999 999 999 999 fen = 9 223 999 999 999 990 776 fen.
    let orders =
        "order_id,customer_id,vin,opened_at,closed_at,revenue,advisor_id,followup_consent\n"
            .to_owned()
            + &format!("R09224,C1,,2024-03-05 09:00,,{LARGEST_YUAN},,\n");
    dir.write("b/service_orders.csv", orders);
    dir.ok(&["import", dir.join("b/service_orders.csv").to_str().unwrap()]);
    let beyond = "is beyond the largest amount careledger can hold (92233720368547758.07 yuan)";
    let figure = format!("the recovery revenue of 2024-03 {beyond}");
    for (args, period) in [
        (&["report", "churn", "--month", "2024-03"][..], "2024-03"),
        (
            &["report", "churn", "--month", "2024-03", "--format", "md"][..],
            "2024-03",
        ),
        (&["report", "churn", "--year", "2024"][..], "2024"),
        (
            &["report", "all", "--month", "2024-03", "--out", "pack"][..],
            "2024-03",
        ),
    ] {
        let stderr = dir.fails(args);
        let figure = format!("the recovery revenue of {period} {beyond}");
        assert!(stderr.contains(&figure), "{args:?}: {stderr}");
        assert!(
            stderr.contains(
                "check them in the files imported (sales.csv amount, service_orders.csv revenue)"
            ),
            "{stderr}"
        );
    }
    assert!(!dir.join("pack").exists(), "the pack writes nothing");
    dir.write(
        "gates.toml",
        "[[gate]]\nkpi = \"recovery_revenue\"\nmin = 0\n",
    );
    let stderr = dir.fails(&["check", "--month", "2024-03", "--gates", "gates.toml"]);
    assert!(stderr.contains(&figure), "{stderr}");
    // April's figures do not hold March's orders: they still report.
    let out = dir.ok(&["report", "churn", "--month", "2024-04"]);
    assert!(out.contains("\"recovery_revenue\": \"0.00\""), "{out}");
}

/// Regression (issue 10): a per-member amount had no upper bound, so a line (per member ×
/// members) could overflow. The rules are refused when read, naming the key and the range.
#[test]
fn an_enormous_per_member_amount_is_refused_when_the_rules_are_read() {
    let dir = Dir::new();
    dir.with_base();
    dir.write(
        "big.toml",
        "[payouts.super_vip]\nreward = \"9999999999999.99\"\n",
    );
    let stderr = dir.fails(&[
        "--rules", "big.toml", "report", "payouts", "--month", "2024-01",
    ]);
    assert!(
        stderr.contains("big.toml: payouts.super_vip.reward: 9999999999999.99 yuan per member is out of range; it must be from 0.00 to 1000000.00 yuan"),
        "{stderr}"
    );
    dir.write("grace.toml", "[visits]\ngrace_hours = 1000000000000\n");
    let stderr = dir.fails(&["--rules", "grace.toml", "rules"]);
    assert!(
        stderr.contains("grace.toml: visits.grace_hours: 1000000000000 is out of range; it must be from 0 to 8784 hours"),
        "{stderr}"
    );
    dir.write("window.toml", "[churn]\nattribution_days = -1\n");
    let stderr = dir.fails(&[
        "--rules",
        "window.toml",
        "report",
        "churn",
        "--month",
        "2024-01",
    ]);
    assert!(
        stderr.contains("window.toml: churn.attribution_days: -1 is out of range; it must be from 0 to 3660 days"),
        "{stderr}"
    );
}

/// The largest per-member amount allowed pays exactly: 1 000 000.00 yuan × 1 member of
/// sales (XS003) for the base dataset's one survey (Q000001, 2024-01-16, overall 4: satisfied).
/// C00011 is tagged influential, so super VIP (S4): the line is ISO week 2024-W03
/// (2024-01-15 … 2024-01-21), in January's statement.
#[test]
fn the_largest_per_member_amount_pays_exactly() {
    let dir = Dir::new();
    dir.with_base();
    dir.write("max.toml", "[payouts.super_vip]\nreward = \"1000000.00\"\n");
    let out = dir.ok(&[
        "--rules", "max.toml", "report", "payouts", "--month", "2024-01",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let line = &json["lines"][0];
    assert_eq!(line["period"], "2024-W03");
    assert_eq!(line["tier"], "super_vip");
    assert_eq!(line["department"], "sales");
    assert_eq!(line["outcome"], "reward");
    assert_eq!(line["per_member"], "1000000.00");
    assert_eq!(line["members"], 1);
    assert_eq!(line["amount"], "1000000.00");
    assert_eq!(json["total"], "1000000.00");
    assert_eq!(json["people"][0]["staff_id"], "XS003");
    assert_eq!(json["people"][0]["amount"], "1000000.00");
}

/// Regression (issue 10): a gate with `baseline_*` limits and no `--baseline` failed every
/// such check as "no data" (exit 1), or passed them with allow_missing; it is bad usage.
#[test]
fn a_baseline_limit_without_a_baseline_is_exit_2() {
    let dir = Dir::new();
    dir.with_base();
    for gate in [
        "[[gate]]\nkpi = \"tasks.completion_rate\"\nbaseline_max_drop = 0.1\n",
        "[[gate]]\nname = \"care\"\nkpi = \"tasks.completion_rate\"\nbaseline_max_rise = \"5%\"\nallow_missing = true\n",
    ] {
        dir.write("gates.toml", gate);
        let stderr = dir.fails(&["check", "--month", "2024-01", "--gates", "gates.toml"]);
        let name = if gate.contains("care") {
            "gate `care` sets baseline_max_rise"
        } else {
            "gate `tasks.completion_rate` sets baseline_max_drop"
        };
        assert!(
            stderr.contains(&format!(
                "gates.toml: {name} but no baseline was given: pass --baseline FILE"
            )),
            "{stderr}"
        );
    }
}

/// Money limits are exact decimals of yuan: fixtures/churn/lapse_edge has March 2024
/// recovery revenue 1234.50 (see its README). A float, a string and an integer limit are read
/// exactly; a limit with a third decimal is refused, not rounded.
#[test]
fn money_limits_are_exact_and_at_most_two_decimals() {
    let dir = Dir::new();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/churn/lapse_edge");
    dir.ok(&["import", fixture.to_str().unwrap()]);
    let run = |limit: &str| {
        dir.write(
            "gates.toml",
            format!("[[gate]]\nkpi = \"recovery_revenue\"\nmin = {limit}\n"),
        );
        dir.run(&["check", "--month", "2024-03", "--gates", "gates.toml"])
    };
    for (limit, code) in [
        ("1234.50", 0),
        ("1234.5", 0),
        ("1_234.50", 0),
        ("123450e-2", 0),
        ("\"1234.50\"", 0),
        ("1234", 0),
        ("1234.51", 1),
        ("\"1234.51\"", 1),
        ("1235", 1),
    ] {
        let out = run(limit);
        assert_eq!(out.status.code(), Some(code), "min = {limit}: {out:?}");
    }
    for limit in ["1234.505", "\"1234.499\""] {
        let out = run(limit);
        assert_eq!(out.status.code(), Some(2), "min = {limit}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains("min: ")
                && stderr.contains(
                    "has more than two decimals; money is in yuan with at most two (fen)"
                ),
            "{stderr}"
        );
    }
    for limit in ["inf", "nan"] {
        let out = run(limit);
        assert_eq!(out.status.code(), Some(2), "min = {limit}");
    }
}
