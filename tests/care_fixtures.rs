//! `report care`, and the additions of DOMAIN.md section 14 to `report churn` (reasons,
//! declared lost), reproduce the hand-worked results of every fixture under
//! `fixtures/care/`, and the visits report stays as section 4 makes it.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`; a folder with an
//! `AMEND` file is imported with `--amend`), a `README.md` with the hand-working, and one
//! expected file per report: `expected-care-2025-01.json` is `report care --month
//! 2025-01`, `expected-churn-…` and `expected-visits-…` the churn and visits reports of the
//! month. The expected files were worked out by hand from DOMAIN.md sections 4, 5, 7 and 14,
//! not copied from the program.

use crate::fixture;

const SET: &str = "care";

const FIXTURES: [&str; 8] = [
    "week_year_end",
    "becomes_vip_mid_year",
    "lost_no_care",
    "renewal_suppressed",
    "care_grace",
    "reasons_latest_wins",
    "declared_lost_second_refusal",
    "consent_withdrawn",
];

/// `care-2025-01` → `report care --month 2025-01`, likewise `churn-…` and `visits-…`.
fn command(stem: &str) -> Vec<String> {
    let (report, month) = stem.split_once('-').expect("REPORT-YYYY-MM");
    assert!(
        ["care", "churn", "visits"].contains(&report),
        "unknown report in expected-{stem}.json"
    );
    fixture::json_command(&["report", report, "--month", month])
}

fn check(name: &str) {
    fixture::check(SET, name, command);
}

#[test]
fn week_year_end() {
    check("week_year_end");
}

#[test]
fn becomes_vip_mid_year() {
    check("becomes_vip_mid_year");
}

#[test]
fn lost_no_care() {
    check("lost_no_care");
}

#[test]
fn renewal_suppressed() {
    check("renewal_suppressed");
}

#[test]
fn care_grace() {
    check("care_grace");
}

#[test]
fn reasons_latest_wins() {
    check("reasons_latest_wins");
}

#[test]
fn declared_lost_second_refusal() {
    check("declared_lost_second_refusal");
}

#[test]
fn consent_withdrawn() {
    check("consent_withdrawn");
}

#[test]
fn every_folder_has_a_test() {
    fixture::check_all_listed(SET, &FIXTURES);
}

#[test]
fn the_same_report_twice_is_byte_identical() {
    fixture::check_byte_identical(SET, &FIXTURES, command);
}

/// The reports also come out the same when derived from scratch (`--from-scratch`: the
/// facts are ignored), the way reports under other rules are made.
#[test]
fn from_scratch_the_figures_are_the_same() {
    for name in FIXTURES {
        let dir = fixture::imported(SET, name);
        for (stem, file, json) in fixture::expected(SET, name) {
            let mut args = vec!["--from-scratch".to_owned()];
            args.extend(command(&stem));
            fixture::assert_json(&dir, &args, &file, &json);
        }
    }
}

/// Gates read the care report and the churn report's new figure: the month's values of
/// the worked fixtures (January 2025 of week_year_end: 3 of 4 performed; May 2024 of
/// declared_lost_second_refusal: one episode declared lost).
#[test]
fn gates_read_the_care_figures_and_declared_lost() {
    let dir = fixture::imported(SET, "week_year_end");
    dir.write(
        "gates.toml",
        "[[gate]]\nkpi = \"care.tasks.completion_rate\"\nmin = 0.8\n\n\
         [[gate]]\nkpi = \"care.by_kind.due\"\nkind = \"tier_care\"\nmin = 4\nmax = 4\n\n\
         [[gate]]\nkpi = \"care.unscheduled_attempts\"\nmax = 0\n",
    );
    let out = dir.run(&[
        "check",
        "--month",
        "2025-01",
        "--gates",
        "gates.toml",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "one gate fails");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = report["checks"].as_array().unwrap();
    let passed: Vec<bool> = checks
        .iter()
        .map(|c| c["passed"].as_bool().unwrap())
        .collect();
    assert_eq!(passed, [false, true, true, true], "{report:#}");
    assert_eq!(checks[1]["gate"], "care.by_kind.due[tier_care]");
    assert_eq!(checks[1]["kind"], "tier_care");
    assert_eq!(report["reports"]["care"]["tasks"]["performed"], 3);

    dir.write(
        "bad.toml",
        "[[gate]]\nkpi = \"care.by_kind.due\"\nkind = \"delivery_call_1\"\nmin = 1\n",
    );
    let stderr = dir.fails(&["check", "--month", "2025-01", "--gates", "bad.toml"]);
    assert!(
        stderr.contains(
            "`delivery_call_1` is not a care task kind; use one of insurance_renewal, tier_care"
        ),
        "{stderr}"
    );

    let dir = fixture::imported(SET, "declared_lost_second_refusal");
    dir.write("gates.toml", "[[gate]]\nkpi = \"declared_lost\"\nmax = 0\n");
    let out = dir.run(&["check", "--month", "2024-05", "--gates", "gates.toml"]);
    assert_eq!(out.status.code(), Some(1));
}
