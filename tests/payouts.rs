//! Proves closing, prior-period adjustments, `explain payout` and the what-if comparison on
//! the hand-worked fixture fixtures/close (see its README for the arithmetic).

use std::path::Path;

use serde_json::{Value, json};

use crate::util::Dir;

/// `(a, b, c)` of the string keys `keys` of every object of a JSON array.
fn triples<'a>(array: &'a Value, keys: [&str; 3]) -> Vec<(&'a str, &'a str, &'a str)> {
    array
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let text = |k: &str| o[k].as_str().unwrap();
            (text(keys[0]), text(keys[1]), text(keys[2]))
        })
        .collect()
}
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

    // Closing April settles the adjustment: May carries none. (The data ends on 04-09, so
    // April is closed with --force: see tests/close.rs for the refusals.)
    assert!(
        dir.ok(&["close", "--month", "2024-04", "--force"])
            .starts_with(
                "closed 2024-04: total 200.00, payable with prior-period adjustments -100.00;"
            )
    );
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

/// A store with a fixture of fixtures/payouts imported, and the path of a file in it.
fn payouts_fixture(name: &str) -> (Dir, String) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/payouts")
        .join(name);
    let dir = Dir::new();
    dir.ok(&["import", folder.to_str().unwrap()]);
    (dir, folder.join("rules.toml").display().to_string())
}

fn compared_people(c: &Value) -> Vec<(String, String, String, String)> {
    c["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["staff_id"].as_str().unwrap().to_owned(),
                p["in_force"].as_str().unwrap().to_owned(),
                p["proposed"].as_str().unwrap().to_owned(),
                p["difference"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// fixtures/payouts/prorated_joiner/README.md, "The same data under other members rules":
/// the what-if of prorating against the contract, person by person, and the statement under
/// `active_whole_period`, worked by hand.
#[test]
fn what_if_shows_the_members_rules_person_by_person() {
    let (dir, prorated) = payouts_fixture("prorated_joiner");
    let args = [
        "--rules",
        &prorated,
        "report",
        "payouts",
        "--month",
        "2024-12",
        "--compare",
    ];
    let c: Value = serde_json::from_str(&dir.ok(&args)).unwrap();
    let row = |id: &str, a: &str, b: &str, d: &str| (id.into(), a.into(), b.into(), d.into());
    assert_eq!(
        compared_people(&c),
        [
            row("KF01", "-150.00", "-150.00", "0.00"),
            row("KF02", "-150.00", "-37.71", "112.29"),
            row("KF03", "0.00", "-74.59", "-74.59"),
            row("KF04", "-150.00", "-37.70", "112.30"),
            row("SH01", "200.00", "200.00", "0.00"),
            row("SH02", "200.00", "50.27", "-149.73"),
            row("SH03", "200.00", "9.29", "-190.71"),
            row("XS01", "150.00", "150.00", "0.00"),
            row("XS02", "150.00", "82.26", "-67.74"),
        ]
    );
    assert_eq!(
        (
            c["total_in_force"].as_str(),
            c["total_proposed"].as_str(),
            c["difference"].as_str()
        ),
        (Some("450.00"), Some("191.82"), Some("-258.18"))
    );
    assert_eq!(
        c["rules_changed"],
        json!([{"key": "payouts.members", "in_force": "\"active_on_last_day\"", "proposed": "\"prorated\""}])
    );
    let zh = dir.ok(&[&args[..], &["--format", "md", "--lang", "zh"]].concat());
    assert!(
        zh.contains(
            "- **拟议规则的改动**\n  - `payouts.members`: \"active_on_last_day\" → \"prorated\"\n"
        ),
        "{zh}"
    );
    // The people table of the Markdown carries the same rows.
    let md = dir.ok(&[&args[..], &["--format", "md", "--lang", "en"]].concat());
    assert!(md.contains("| KF03 "), "{md}");
    assert!(md.contains("-74.59"), "{md}");
    let csv = dir.ok(&[&args[..], &["--format", "csv"]].concat());
    assert!(
        csv.contains("KF02,张敏,customer_care,-150.00,-37.71,112.29\r\n"),
        "{csv}"
    );
    assert!(csv.contains("TOTAL,,,450.00,191.82,-258.18\r\n"), "{csv}");

    // Only the staff active on every day of the period: KF01, SH01, XS01.
    dir.write(
        "whole.toml",
        "[payouts]\nmembers = \"active_whole_period\"\n",
    );
    let whole = dir.join("whole.toml").display().to_string();
    let s = statement_under(&dir, &whole, "2024-12");
    assert_eq!(s["total"], "200.00");
    let amounts: Vec<(&str, &str)> = s["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["staff_id"].as_str().unwrap(),
                p["amount"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        amounts,
        [("KF01", "-150.00"), ("SH01", "200.00"), ("XS01", "150.00")]
    );
    assert!(s["lines"][0].get("member_days").is_none(), "{s}");
}

fn statement_under(dir: &Dir, rules: &str, month: &str) -> Value {
    serde_json::from_str(&dir.ok(&[
        "--rules", rules, "report", "payouts", "--month", month, "--format", "json",
    ]))
    .unwrap()
}

fn explain_args<'a>(
    rules: &'a str,
    period: &'a str,
    tier: &'a str,
    department: &'a str,
) -> Vec<&'a str> {
    vec![
        "--rules",
        rules,
        "explain",
        "payout",
        "--period",
        period,
        "--tier",
        tier,
        "--department",
        department,
    ]
}

/// `explain payout` names the rule behind each figure: the prorated shares with each
/// member's days (fixtures/payouts/prorated_joiner), in English and Chinese.
#[test]
fn explain_shows_the_prorated_shares_and_the_members_rule() {
    let (dir, rules) = payouts_fixture("prorated_joiner");
    let args = explain_args(&rules, "2024", "general", "customer_care");
    let e: Value =
        serde_json::from_str(&dir.ok(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let members: Vec<(&str, u64, &str)> = e["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["staff_id"].as_str().unwrap(),
                m["days_active"].as_u64().unwrap(),
                m["amount"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            ("KF01", 366, "-150.00"),
            ("KF02", 92, "-37.71"),
            ("KF03", 182, "-74.59"),
            ("KF04", 92, "-37.70")
        ]
    );
    assert_eq!(e["amount"], "-300.00");
    assert_eq!(e["rules"]["members"], "prorated");
    assert_eq!(
        (
            e["rules"]["member_days"].as_u64(),
            e["rules"]["period_days"].as_u64()
        ),
        (Some(732), Some(366))
    );
    let en = dir.ok(&[&args[..], &["--lang", "en"]].concat());
    assert!(
        en.contains("-150.00 × 732 / 366 = -300.00 (to the fen, half away from zero)"),
        "{en}"
    );
    assert!(
        en.contains("members = prorated: the staff active on any day of the period"),
        "{en}"
    );
    assert!(
        en.contains("| KF03 | 王磊 | 2021-08-02 | 2024-06-30 | 182 | -74.59 |"),
        "{en}"
    );
    let zh = dir.ok(&[&args[..], &["--lang", "zh"]].concat());
    assert!(zh.contains("**适用规则**"), "{zh}");
    assert!(
        zh.contains("人员规则 members = prorated：期间内任一天在职的人员，按在职天数分摊"),
        "{zh}"
    );
    assert!(zh.contains("在职天数"), "{zh}");
}

/// fixtures/payouts/min_surveys: 2024-W10 has 1 survey of the 2 super VIP lines need.
#[test]
fn explain_says_sample_too_small() {
    let (dir, rules) = payouts_fixture("min_surveys");
    let args = explain_args(&rules, "2024-W10", "super_vip", "customer_care");
    let e: Value =
        serde_json::from_str(&dir.ok(&[&args[..], &["--format", "json"]].concat())).unwrap();
    assert_eq!(
        (e["outcome"].as_str(), e["amount"].as_str()),
        (Some("none"), Some("0.00"))
    );
    assert_eq!(e["rules"]["min_surveys"], 2);
    assert_eq!(e["rules"]["sample_too_small"], true);
    let en = dir.ok(&[&args[..], &["--lang", "en"]].concat());
    assert!(
        en.contains(
            "1 survey, fewer than the 2 a super_vip line needs (min_surveys): sample too small"
        ),
        "{en}"
    );
    assert!(
        en.contains("min_surveys = 2 for super_vip: 1 survey, sample too small"),
        "{en}"
    );
    let zh = dir.ok(&[&args[..], &["--lang", "zh"]].concat());
    assert!(zh.contains("样本不足"), "{zh}");
    // The statement's lines table says why the line is none.
    let md = dir.ok(&[
        "--rules", &rules, "--lang", "zh", "report", "payouts", "--month", "2024-03", "--format",
        "md",
    ]);
    assert!(md.contains("| 无（样本不足） |"), "{md}");
    let md = dir.ok(&[
        "--rules", &rules, "--lang", "en", "report", "payouts", "--month", "2024-03", "--format",
        "md",
    ]);
    assert!(md.contains("none (sample too small)"), "{md}");
    // W11 has the 2 it needs: rewarded as the contract says.
    let args = explain_args(&rules, "2024-W11", "super_vip", "customer_care");
    let e: Value =
        serde_json::from_str(&dir.ok(&[&args[..], &["--format", "json"]].concat())).unwrap();
    assert_eq!(
        (e["outcome"].as_str(), e["amount"].as_str()),
        (Some("reward"), Some("200.00"))
    );
    assert_eq!(e["rules"]["sample_too_small"], false);
}

/// fixtures/payouts/participants: the sales line is shared by after_sales too; the member
/// from after_sales is listed with her department.
#[test]
fn explain_names_the_participating_departments() {
    let (dir, rules) = payouts_fixture("participants");
    let args = explain_args(&rules, "2024-03", "vip", "sales");
    let e: Value =
        serde_json::from_str(&dir.ok(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let members: Vec<(&str, &str, &str)> =
        triples(&e["members"], ["staff_id", "department", "amount"]);
    assert_eq!(
        members,
        [
            ("SH01", "after_sales", "-100.00"),
            ("XS01", "sales", "-100.00"),
            ("XS02", "sales", "-100.00")
        ]
    );
    assert_eq!(e["rules"]["participants"], json!(["after_sales", "sales"]));
    assert_eq!(e["department"], "sales");
    let en = dir.ok(&[&args[..], &["--lang", "en"]].concat());
    assert!(
        en.contains(
            "3 members of after_sales and sales active on 2024-03-31: -100.00 × 3 = -300.00"
        ),
        "{en}"
    );
    assert!(
        en.contains("participants (payouts.participants.sales): the members of After-sales, Sales share the line"),
        "{en}"
    );
    let zh = dir.ok(&[&args[..], &["--lang", "zh"]].concat());
    assert!(
        zh.contains("参与部门（payouts.participants.sales）"),
        "{zh}"
    );
    // A department the rule does not name keeps its own members.
    let e: Value = serde_json::from_str(
        &dir.ok(&[
            &explain_args(&rules, "2024-03", "vip", "after_sales")[..],
            &["--format", "json"],
        ]
        .concat()),
    )
    .unwrap();
    assert_eq!(e["rules"]["participants"], json!(["after_sales"]));
    assert_eq!(e["rules"]["participants_named"], false);
    // The what-if against the contract: SH01 shares the fine, the sales staff as before.
    let c: Value = serde_json::from_str(&dir.ok(&[
        "--rules",
        &rules,
        "report",
        "payouts",
        "--month",
        "2024-03",
        "--compare",
    ]))
    .unwrap();
    let row = |id: &str, a: &str, b: &str, d: &str| (id.into(), a.into(), b.into(), d.into());
    assert_eq!(
        compared_people(&c),
        [
            row("SH01", "150.00", "50.00", "-100.00"),
            row("XS01", "-100.00", "-100.00", "0.00"),
            row("XS02", "-100.00", "-100.00", "0.00"),
        ]
    );
    assert_eq!(c["difference"], "-100.00");
    assert_eq!(
        c["rules_changed"],
        json!([{"key": "payouts.participants.sales", "in_force": "-", "proposed": "[\"sales\", \"after_sales\"]"}])
    );
}

/// fixtures/payouts/zero_member_lines_drop: a dropped line is still explained, and says so;
/// the what-if lists it under the rules in force only.
#[test]
fn explain_and_what_if_show_a_dropped_line() {
    let (dir, rules) = payouts_fixture("zero_member_lines_drop");
    let args = explain_args(&rules, "2024-05", "vip", "sales");
    let e: Value =
        serde_json::from_str(&dir.ok(&[&args[..], &["--format", "json"]].concat())).unwrap();
    assert_eq!(e["rules"]["dropped"], true);
    assert_eq!(e["members"], json!([]));
    let en = dir.ok(&[&args[..], &["--lang", "en"]].concat());
    assert!(
        en.contains(
            "no members: the line is dropped from the statement (zero_member_lines = drop)"
        ),
        "{en}"
    );
    let zh = dir.ok(&[&args[..], &["--lang", "zh"]].concat());
    assert!(zh.contains("本行无人分摊，结算单中不列出"), "{zh}");
    let c: Value = serde_json::from_str(&dir.ok(&[
        "--rules",
        &rules,
        "report",
        "payouts",
        "--month",
        "2024-05",
        "--compare",
    ]))
    .unwrap();
    let lines: Vec<(&str, &str, &str)> = triples(
        &c["lines"],
        ["department", "in_force_outcome", "proposed_outcome"],
    );
    assert_eq!(
        lines,
        [
            ("after_sales", "fine", "-"),
            ("customer_care", "reward", "reward"),
            ("sales", "reward", "-")
        ]
    );
    assert_eq!(c["difference"], "0.00");
}

/// A month closed under the new rules keeps their keys in its stored JSON, shows byte for
/// byte what was closed, and lays its lines out again (prorated days in the lines table);
/// statements closed before these keys existed read as ever (tests/golden.rs).
#[test]
fn a_month_closed_under_the_new_rules_reads_back() {
    let (dir, rules) = payouts_fixture("prorated_joiner");
    let before = dir.ok(&[
        "--rules", &rules, "report", "payouts", "--month", "2024-12", "--format", "json",
    ]);
    assert!(before.contains("\"member_days\": 732"), "{before}");
    // The fixture's data ends mid-December: the close is forced (tests/close.rs).
    dir.ok(&["--rules", &rules, "close", "--month", "2024-12", "--force"]);
    let after = dir.ok(&[
        "--rules", &rules, "report", "payouts", "--month", "2024-12", "--format", "json",
    ]);
    assert!(
        after.starts_with(before.strip_suffix("\n}\n").unwrap()),
        "{after}"
    );
    // Shown under the default rules, the closed figures stand; the difference is a change
    // since close.
    let shown: Value = serde_json::from_str(&dir.ok(&[
        "report", "payouts", "--month", "2024-12", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(shown["total"], "191.82");
    assert_eq!(shown["changes_since_close_total"], "258.18");
    let md = dir.ok(&[
        "--lang", "en", "report", "payouts", "--month", "2024-12", "--format", "md",
    ]);
    assert!(md.contains("4 (732 member-days / 366)"), "{md}");
}
