//! `tiers --month M --list --format json` reproduces, field for field, the hand-worked tiers of every fixture under `fixtures/tiers/` (and without `--list` the same object minus `customers`), and the same output twice is byte-identical.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`, … imported in that
//! order), a `README.md` with the hand-working, and one `expected-YYYY-MM.json` per month:
//! `expected-2024-03.json` is `--month 2024-03`, evaluated as of E = 2024-02-29.
//! The expected files were worked out by hand from DOMAIN.md section 7 (and the trailing
//! year's revenue shares, largest-remainder rounded), not copied from the program.

use crate::fixture;

const SET: &str = "tiers";

/// Every fixture folder, so the determinism test covers them all.
const FIXTURES: [&str; 4] = [
    "visits_and_sales",
    "referrals_and_policies",
    "tags_family_surveys",
    "revenue_shares",
];

/// `expected-2024-03.json` is `tiers --month 2024-03 --list`.
fn command(stem: &str) -> Vec<String> {
    fixture::json_command(&["tiers", "--month", stem, "--list"])
}

/// Checks every expected month, with `--list` and, minus the customer list, without.
fn check(name: &str) {
    let dir = fixture::imported(SET, name);
    for (month, file, expected) in fixture::expected(SET, name) {
        fixture::assert_json(&dir, &command(&month), &file, &expected);
        let mut summary = expected.clone();
        summary
            .as_object_mut()
            .expect("the expected file is a JSON object")
            .remove("customers");
        fixture::assert_json(
            &dir,
            &fixture::json_command(&["tiers", "--month", &month]),
            &file,
            &summary,
        );
    }
}

#[test]
fn visits_and_sales() {
    check("visits_and_sales");
}

#[test]
fn referrals_and_policies() {
    check("referrals_and_policies");
}

#[test]
fn tags_family_surveys() {
    check("tags_family_surveys");
}

#[test]
fn revenue_shares() {
    check("revenue_shares");
}

#[test]
fn same_report_twice_is_byte_identical() {
    fixture::check_byte_identical(SET, &FIXTURES, command);
}

#[test]
fn every_fixture_folder_has_a_test() {
    fixture::check_all_listed(SET, &FIXTURES);
}
