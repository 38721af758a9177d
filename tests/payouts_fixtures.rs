//! `report payouts --format json` reproduces, field for field, the hand-worked statements of every fixture under `fixtures/payouts/`, and the same statement twice is byte-identical.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`, … imported in that
//! order), a `README.md` with the hand-working, and one `expected-YYYY-MM.json` per
//! statement: `expected-2024-03.json` is `--month 2024-03`. The expected files were worked
//! out by hand from DOMAIN.md sections 7–9, not copied from the program.

use crate::fixture;

const SET: &str = "payouts";

/// Every fixture folder, so the determinism test covers them all.
const FIXTURES: [&str; 6] = [
    "thresholds",
    "no_members",
    "membership_dates",
    "week_across_months",
    "december_year",
    "people_sums",
];

/// `expected-2024-03.json` is `--month 2024-03`.
fn command(stem: &str) -> Vec<String> {
    fixture::json_command(&["report", "payouts", "--month", stem])
}

fn check(name: &str) {
    fixture::check(SET, name, command);
}

#[test]
fn thresholds() {
    check("thresholds");
}

#[test]
fn no_members() {
    check("no_members");
}

#[test]
fn membership_dates() {
    check("membership_dates");
}

#[test]
fn week_across_months() {
    check("week_across_months");
}

#[test]
fn december_year() {
    check("december_year");
}

#[test]
fn people_sums() {
    check("people_sums");
}

#[test]
fn same_report_twice_is_byte_identical() {
    fixture::check_byte_identical(SET, &FIXTURES, command);
}

#[test]
fn every_fixture_folder_has_a_test() {
    fixture::check_all_listed(SET, &FIXTURES);
}
