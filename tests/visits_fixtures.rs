//! `report visits --format json` reproduces, field for field, the hand-worked results of every fixture under `fixtures/visits/`, and the same report twice is byte-identical.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`, … imported in that
//! order), a `README.md` with the hand-working, and one `expected-PERIOD.json` per report:
//! `expected-2024-03.json` is `--month 2024-03`, `expected-2024-W09.json` is `--week 2024-W09`.
//! The expected files were worked out by hand from DOMAIN.md, not copied from the program.

use crate::fixture;

const SET: &str = "visits";

/// Every fixture folder, so the determinism test covers them all.
const FIXTURES: [&str; 13] = [
    "task_kinds",
    "crediting_order",
    "grace_edge",
    "before_trigger",
    "service_consent",
    "voided",
    "overlapping_deliveries",
    "week_across_month_end",
    "empty_month",
    "churn_recovery",
    "surveys",
    "owners",
    "outcomes",
];

/// `expected-2024-03.json` is `--month 2024-03`; `expected-2024-W09.json` is `--week 2024-W09`.
fn command(stem: &str) -> Vec<String> {
    let flag = if stem.contains("-W") {
        "--week"
    } else {
        "--month"
    };
    fixture::json_command(&["report", "visits", flag, stem])
}

fn check(name: &str) {
    fixture::check(SET, name, command);
}

#[test]
fn task_kinds() {
    check("task_kinds");
}

#[test]
fn crediting_order() {
    check("crediting_order");
}

#[test]
fn grace_edge() {
    check("grace_edge");
}

#[test]
fn before_trigger() {
    check("before_trigger");
}

#[test]
fn service_consent() {
    check("service_consent");
}

#[test]
fn voided() {
    check("voided");
}

#[test]
fn overlapping_deliveries() {
    check("overlapping_deliveries");
}

#[test]
fn week_across_month_end() {
    check("week_across_month_end");
}

#[test]
fn empty_month() {
    check("empty_month");
}

#[test]
fn churn_recovery() {
    check("churn_recovery");
}

#[test]
fn surveys() {
    check("surveys");
}

#[test]
fn owners() {
    check("owners");
}

#[test]
fn outcomes() {
    check("outcomes");
}

#[test]
fn same_report_twice_is_byte_identical() {
    fixture::check_byte_identical(SET, &FIXTURES, command);
}

#[test]
fn every_fixture_folder_has_a_test() {
    fixture::check_all_listed(SET, &FIXTURES);
}
