//! `report payouts --format json` reproduces, field for field, the hand-worked statements of every fixture under `fixtures/payouts/`, and the same statement twice is byte-identical.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`, … imported in that
//! order), a `README.md` with the hand-working, and one `expected-YYYY-MM.json` per
//! statement: `expected-2024-03.json` is `--month 2024-03`. The expected files were worked
//! out by hand from DOMAIN.md sections 7–9, not copied from the program. A folder holding a
//! `rules.toml` is reported with `--rules` that file (the payout rules of issue 15); the
//! others under the default rules, the contract's.

use crate::fixture;

const SET: &str = "payouts";

/// Every fixture folder, so the determinism test covers them all.
const FIXTURES: [&str; 10] = [
    "thresholds",
    "no_members",
    "membership_dates",
    "week_across_months",
    "december_year",
    "people_sums",
    "prorated_joiner",
    "participants",
    "min_surveys",
    "zero_member_lines_drop",
];

/// The fixture's `rules.toml`, if it has one.
fn rules_file(name: &str) -> Option<String> {
    let path = fixture::fixture_dir(SET, name).join("rules.toml");
    path.exists().then(|| path.display().to_string())
}

/// `expected-2024-03.json` is `--month 2024-03`, with `--rules rules.toml` when the fixture
/// has one.
fn command(name: &str) -> impl Fn(&str) -> Vec<String> {
    let rules = rules_file(name);
    move |stem: &str| {
        let mut args: Vec<String> = match &rules {
            Some(file) => vec!["--rules".into(), file.clone()],
            None => Vec::new(),
        };
        args.extend(fixture::json_command(&[
            "report", "payouts", "--month", stem,
        ]));
        args
    }
}

fn check(name: &str) {
    fixture::check(SET, name, command(name));
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
fn prorated_joiner() {
    check("prorated_joiner");
}

#[test]
fn participants() {
    check("participants");
}

#[test]
fn min_surveys() {
    check("min_surveys");
}

#[test]
fn zero_member_lines_drop() {
    check("zero_member_lines_drop");
}

/// The contract's fixtures have no rules file: their figures are those of the default
/// rules, which the new payout rules leave unchanged.
#[test]
fn the_contract_fixtures_run_under_the_default_rules() {
    for name in &FIXTURES[..6] {
        assert_eq!(rules_file(name), None, "{name}");
    }
    for name in &FIXTURES[6..] {
        assert!(rules_file(name).is_some(), "{name}");
    }
}

#[test]
fn same_report_twice_is_byte_identical() {
    for name in FIXTURES {
        fixture::check_byte_identical(SET, &[name], command(name));
    }
}

#[test]
fn every_fixture_folder_has_a_test() {
    fixture::check_all_listed(SET, &FIXTURES);
}
