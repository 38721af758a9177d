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
