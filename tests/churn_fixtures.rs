//! `report churn --format json` (by month, by month with `--by-staff`, by year) reproduces, field for field, the hand-worked results of every fixture under `fixtures/churn/`, and the same report twice is byte-identical.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`, … imported in that
//! order), a `README.md` with the hand-working, and one `expected-*.json` per report; the file
//! name says which: `expected-2024-03.json` is `--month 2024-03`,
//! `expected-2024-03-by-staff.json` is `--month 2024-03 --by-staff`, `expected-2024.json` is
//! `--year 2024`. The expected files were worked out by hand from DOMAIN.md sections 5 and 9,
//! not copied from the program.

use crate::fixture;

const SET: &str = "churn";

/// Every fixture folder, so the determinism test covers them all.
const FIXTURES: [&str; 9] = [
    "lapse_edge",
    "attribution_90_days",
    "qualifying_attempts",
    "overlapping_windows",
    "sales_and_window_edges",
    "voided",
    "lost_at_end",
    "by_staff",
    "year_2024",
];

/// `2024-03` → `--month 2024-03`, `2024-03-by-staff` → `--month 2024-03 --by-staff`,
/// `2024` → `--year 2024`.
fn command(stem: &str) -> Vec<String> {
    match stem.strip_suffix("-by-staff") {
        Some(month) => fixture::json_command(&["report", "churn", "--month", month, "--by-staff"]),
        None if stem.len() == 4 => fixture::json_command(&["report", "churn", "--year", stem]),
        None => fixture::json_command(&["report", "churn", "--month", stem]),
    }
}

fn check(name: &str) {
    fixture::check(SET, name, command);
}

#[test]
fn lapse_edge() {
    check("lapse_edge");
}

#[test]
fn attribution_90_days() {
    check("attribution_90_days");
}

#[test]
fn qualifying_attempts() {
    check("qualifying_attempts");
}

#[test]
fn overlapping_windows() {
    check("overlapping_windows");
}

#[test]
fn sales_and_window_edges() {
    check("sales_and_window_edges");
}

#[test]
fn voided() {
    check("voided");
}

#[test]
fn lost_at_end() {
    check("lost_at_end");
}

#[test]
fn by_staff() {
    check("by_staff");
}

#[test]
fn year_2024() {
    check("year_2024");
}

#[test]
fn same_report_twice_is_byte_identical() {
    fixture::check_byte_identical(SET, &FIXTURES, command);
}

#[test]
fn every_fixture_folder_has_a_test() {
    fixture::check_all_listed(SET, &FIXTURES);
}
