//! Proves closing, prior-period adjustments, `explain payout` and the what-if comparison on
//! the hand-worked fixture fixtures/close (see its README for the arithmetic).

use std::path::Path;

use serde_json::{Value, json};

use crate::util::Dir;

fn fixture(step: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/close")
        .join(step)
        .display()
        .to_string()
}

fn statement(dir: &Dir, month: &str) -> Value {
    serde_json::from_str(&dir.ok(&["report", "payouts", "--month", month, "--format", "json"]))
        .unwrap()
}

fn people(s: &Value) -> Vec<(String, String, Option<String>, Option<String>)> {
    s["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["staff_id"].as_str().unwrap().to_owned(),
                p["amount"].as_str().unwrap().to_owned(),
                p["adjustment"].as_str().map(str::to_owned),
                p["payable"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    careledger::store::sha256_hex(bytes)
}

#[test]
fn an_amendment_after_close_is_settled_by_the_next_open_month() {
    let dir = Dir::new();
    dir.ok(&["import", &fixture("1")]);
    let march_before = dir.ok(&[
        "report", "payouts", "--month", "2024-03", "--format", "json",
    ]);
    assert_eq!(statement(&dir, "2024-03")["total"], "200.00");

    // Closing stores exactly what the report printed: the hash is that of the JSON.
    let closed = dir.ok(&["close", "--month", "2024-03"]);
    assert_eq!(
        closed,
        format!(
            "closed 2024-03: total 200.00; sha256 {}\n",
            sha256(march_before.as_bytes())
        )
    );

    // Refusals: twice, out of order, earlier.
    assert!(
        dir.fails(&["close", "--month", "2024-03"])
            .contains("2024-03 is already closed")
    );
    assert!(
        dir.fails(&["close", "--month", "2024-05"])
            .contains("2024-05 cannot be closed before 2024-04")
    );
    assert!(
        dir.fails(&["close", "--month", "2024-02"])
            .contains("2024-02 comes before 2024-03")
    );

    dir.ok(&["import", "--amend", &fixture("2")]);
    let march = statement(&dir, "2024-03");
    assert_eq!(
        march["total"], "200.00",
        "a closed month shows its closed figures"
    );
    assert_eq!(march["closed"]["sha256"], sha256(march_before.as_bytes()));
    assert_eq!(
        march["changes_since_close"],
        json!([{"adjusts": "2024-03", "period": "2024-W10", "tier": "super_vip", "department": "customer_care",
                "paid": "200.00", "now": "-100.00", "amount": "-300.00"}])
    );
    assert_eq!(march["changes_since_close_total"], "-300.00");

    let april = statement(&dir, "2024-04");
    assert_eq!(april["total"], "200.00");
    assert_eq!(april["adjustments"], march["changes_since_close"]);
    assert_eq!(april["adjustments_total"], "-300.00");
    assert_eq!(april["payable_total"], "-100.00");
    assert_eq!(
        people(&april),
        [
            (
                "KF001".into(),
                "100.00".into(),
                Some("-150.00".into()),
                Some("-50.00".into())
            ),
            (
                "KF002".into(),
                "100.00".into(),
                Some("-150.00".into()),
                Some("-50.00".into())
            ),
        ]
    );
    // The CSV for finance: what it is first, then people with their adjustment; the totals
    // are in the first block, not under the columns (tests/statement_files.rs sums them).
    let csv = dir.ok(&["report", "payouts", "--month", "2024-04", "--format", "csv"]);
    assert!(
        csv.starts_with(
            "\u{feff}field,value\r\nreport,payouts\r\nmonth,2024-04\r\nstatus,open\r\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("\r\ntotal,200.00\r\nadjustments_total,-300.00\r\npayable_total,-100.00\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\r\n\r\nstaff_id,name,department,amount,adjustment,payable\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("KF001,李静,customer_care,100.00,-150.00,-50.00\r\n"),
        "{csv}"
    );
    assert!(!csv.contains("TOTAL"), "{csv}");

    // Closing April settles the adjustment: May carries none.
    assert!(dir.ok(&["close", "--month", "2024-04"]).starts_with(
        "closed 2024-04: total 200.00, payable with prior-period adjustments -100.00;"
    ));
    let may = statement(&dir, "2024-05");
    assert!(may.get("adjustments").is_none(), "{may}");
    assert_eq!(may["total"], "0.00");

    // Undoing the amendment brings March back to 200.00: May carries +300.00.
    dir.ok(&["import", "--amend", &fixture("3")]);
    let may = statement(&dir, "2024-05");
    assert_eq!(
        may["adjustments"],
        json!([{"adjusts": "2024-03", "period": "2024-W10", "tier": "super_vip", "department": "customer_care",
                "paid": "-100.00", "now": "200.00", "amount": "300.00"}])
    );
    assert_eq!(may["payable_total"], "300.00");
    assert_eq!(
        people(&may)[0],
        (
            "KF001".into(),
            "0.00".into(),
            Some("150.00".into()),
            Some("150.00".into())
        )
    );
}

#[test]
fn explain_shows_the_surveys_members_and_arithmetic_of_a_line() {
    let dir = Dir::new();
    dir.ok(&["import", &fixture("1")]);
    dir.ok(&["import", "--amend", &fixture("2")]);
    let args = [
        "explain",
        "payout",
        "--period",
        "2024-W10",
        "--tier",
        "super_vip",
        "--department",
        "customer_care",
    ];
    let e: Value =
        serde_json::from_str(&dir.ok(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let surveys: Vec<(&str, u64, bool)> = e["surveys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["survey_id"].as_str().unwrap(),
                s["overall"].as_u64().unwrap(),
                s["satisfied"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(surveys, [("Q1", 5, true), ("Q2", 2, false)]);
    let members: Vec<&str> = e["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["staff_id"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["KF001", "KF002"]);
    assert_eq!(
        (
            e["outcome"].as_str(),
            e["per_member"].as_str(),
            e["amount"].as_str()
        ),
        (Some("fine"), Some("-50.00"), Some("-100.00"))
    );
    let md = dir.ok(&args);
    assert!(md.contains("100 × 1 = 100 < 95 × 2 = 190"), "{md}");
    assert!(md.contains("-50.00 × 2 = -100.00"), "{md}");

    // A period of the wrong kind for the tier, and a line that does not exist.
    assert!(
        dir.fails(&[
            "explain",
            "payout",
            "--period",
            "2024-03",
            "--tier",
            "super_vip",
            "--department",
            "customer_care"
        ])
        .contains("super_vip is paid per week")
    );
    assert!(
        dir.fails(&[
            "explain",
            "payout",
            "--period",
            "2024-W11",
            "--tier",
            "super_vip",
            "--department",
            "customer_care"
        ])
        .contains("there is no such line")
    );
}

#[test]
fn what_if_compares_a_proposal_line_by_line_and_person_by_person() {
    let dir = Dir::new();
    dir.ok(&["import", &fixture("1")]);
    dir.ok(&["import", "--amend", &fixture("2")]);
    // Fine only below 50 %: W10 (1 of 2 = 50 %) is no longer fined; the reward becomes 120.00.
    dir.write(
        "proposal.toml",
        "[payouts]\nfine_below_percent = 50\n[payouts.super_vip]\nreward = \"120.00\"\n",
    );
    let proposal = dir.join("proposal.toml").display().to_string();
    let march: Value = serde_json::from_str(&dir.ok(&[
        "--rules",
        &proposal,
        "report",
        "payouts",
        "--month",
        "2024-03",
        "--compare",
    ]))
    .unwrap();
    assert_eq!(
        march["lines"],
        json!([{"period": "2024-W10", "tier": "super_vip", "department": "customer_care", "surveys": 2, "satisfied": 1,
                "in_force_outcome": "fine", "in_force_amount": "-100.00", "proposed_outcome": "none",
                "proposed_amount": "0.00", "difference": "100.00"}])
    );
    assert_eq!(
        (
            march["total_in_force"].as_str(),
            march["total_proposed"].as_str(),
            march["difference"].as_str()
        ),
        (Some("-100.00"), Some("0.00"), Some("100.00"))
    );
    assert_eq!(march["people"][1]["staff_id"], "KF002");
    assert_eq!(
        (
            march["people"][1]["in_force"].as_str(),
            march["people"][1]["proposed"].as_str()
        ),
        (Some("-50.00"), Some("0.00"))
    );
    let april: Value = serde_json::from_str(&dir.ok(&[
        "--rules",
        &proposal,
        "report",
        "payouts",
        "--month",
        "2024-04",
        "--compare",
    ]))
    .unwrap();
    assert_eq!(
        (
            april["total_in_force"].as_str(),
            april["total_proposed"].as_str()
        ),
        (Some("200.00"), Some("240.00"))
    );
    // Against an explicit in-force file equal to the proposal, nothing changes.
    let same: Value = serde_json::from_str(&dir.ok(&[
        "--rules",
        &proposal,
        "report",
        "payouts",
        "--month",
        "2024-03",
        "--compare",
        &proposal,
    ]))
    .unwrap();
    assert_eq!(same["difference"], "0.00");
    assert!(
        dir.fails(&["report", "payouts", "--month", "2024-03", "--compare"])
            .contains("--compare needs the proposed rules")
    );
}

/// The payout and success rules are typed (a period kind, fen, outcomes) but the file keeps
/// its words and strings of yuan: `careledger rules` prints a file's values back in the
/// canonical form, which reads back to equal rules and prints byte for byte the same.
#[test]
fn typed_rules_round_trip_through_the_rules_command() {
    use careledger::model::{Fen, Outcome, PeriodKind};
    use careledger::rules::Rules;

    let dir = Dir::new();
    dir.write(
        "typed.toml",
        "[payouts.vip]\nperiod = \"week\"\nreward = \"123.4\"\nfine = \"60\"\n\
         [visits.tasks.thank_you_letter]\nsuccess = [\"reached\", \"callback\"]\n",
    );
    let typed = dir.join("typed.toml").display().to_string();
    let printed = dir.ok(&["--rules", &typed, "rules"]);
    // Amounts print with exactly two decimals; the period and outcomes as written.
    assert!(
        printed
            .contains("[payouts.vip]\nperiod = \"week\"\nreward = \"123.40\"\nfine = \"60.00\"\n"),
        "{printed}"
    );
    assert!(
        printed.contains("success = [\"reached\", \"callback\"]"),
        "{printed}"
    );
    let rules = Rules::from_toml("printed", &printed).unwrap();
    assert_eq!(rules.payouts.vip.period, PeriodKind::Week);
    assert_eq!(rules.payouts.vip.reward, Fen(12_340));
    assert_eq!(rules.payouts.vip.fine, Fen(6_000));
    assert_eq!(
        rules.visits.tasks.thank_you_letter.success,
        [Outcome::Reached, Outcome::Callback]
    );
    // Everything not in the file is the default.
    assert_eq!(rules.payouts.super_vip, Rules::default().payouts.super_vip);
    assert_eq!(
        Rules::from_toml(
            "typed.toml",
            &std::fs::read_to_string(dir.join("typed.toml")).unwrap()
        )
        .unwrap(),
        rules
    );
    // The printed rules, given back, print the same bytes.
    dir.write("printed.toml", &printed);
    let again = dir.ok(&[
        "--rules",
        dir.join("printed.toml").to_str().unwrap(),
        "rules",
    ]);
    assert_eq!(again, printed);
    // A signed amount is refused where the file is read, naming the key.
    dir.write("signed.toml", "[payouts.general]\nfine = \"-150.00\"\n");
    let err = dir.fails(&[
        "--rules",
        dir.join("signed.toml").to_str().unwrap(),
        "rules",
    ]);
    assert!(
        err.contains("signed.toml: payouts.general.fine: `-150.00` is not an amount of yuan"),
        "{err}"
    );
}
