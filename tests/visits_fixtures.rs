//! `report visits --format json` reproduces, field for field, the hand-worked results of every fixture under `fixtures/visits/`, and the same report twice is byte-identical.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`, … imported in that
//! order), a `README.md` with the hand-working, and one `expected-PERIOD.json` per report:
//! `expected-2024-03.json` is `--month 2024-03`, `expected-2024-W09.json` is `--week 2024-W09`.
//! The expected files were worked out by hand from DOMAIN.md, not copied from the program.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::Dir;

/// Every fixture folder, so the determinism test covers them all.
const FIXTURES: [&str; 11] = [
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
];

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/visits")
        .join(name)
}

/// The folders to import, in order: the numbered subfolders `1/`, `2/`, … if there are any,
/// otherwise the fixture folder itself.
fn import_folders(dir: &Path) -> Vec<PathBuf> {
    let mut numbered: Vec<(u32, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_dir())
        .filter_map(|p| {
            let n = p.file_name()?.to_str()?.parse::<u32>().ok()?;
            Some((n, p))
        })
        .collect();
    numbered.sort();
    if numbered.is_empty() {
        vec![dir.to_path_buf()]
    } else {
        numbered.into_iter().map(|(_, p)| p).collect()
    }
}

/// The expected reports of a fixture as (period flag, period, file), sorted by file name.
fn expected_reports(dir: &Path) -> Vec<(&'static str, String, PathBuf)> {
    let mut found: Vec<(&'static str, String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            let period = name.strip_prefix("expected-")?.strip_suffix(".json")?;
            let flag = if period.contains("-W") {
                "--week"
            } else {
                "--month"
            };
            Some((flag, period.to_owned(), p))
        })
        .collect();
    found.sort_by(|a, b| a.2.cmp(&b.2));
    assert!(
        !found.is_empty(),
        "{} holds no expected-*.json",
        dir.display()
    );
    found
}

/// Imports a fixture into a fresh store.
fn imported(name: &str) -> Dir {
    let dir = Dir::new();
    for folder in import_folders(&fixture_dir(name)) {
        dir.ok(&["import", folder.to_str().expect("a UTF-8 path")]);
    }
    dir
}

/// Imports the fixture and checks every expected report in it.
fn check(name: &str) {
    let fixture = fixture_dir(name);
    let dir = imported(name);
    for (flag, period, file) in expected_reports(&fixture) {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let expected: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));
        let stdout = dir.ok(&["report", "visits", flag, &period, "--format", "json"]);
        let actual: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("report visits {flag} {period} printed no JSON ({e}):\n{stdout}")
        });
        assert!(
            actual == expected,
            "fixture {name}, report visits {flag} {period} differs from {}\n--- expected:\n{}\n--- actual:\n{}",
            file.display(),
            serde_json::to_string_pretty(&expected).unwrap(),
            serde_json::to_string_pretty(&actual).unwrap()
        );
    }
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

/// The same store and arguments give the same bytes (STYLE.md rule 5), for every fixture
/// and period.
#[test]
fn same_report_twice_is_byte_identical() {
    for name in FIXTURES {
        let dir = imported(name);
        for (flag, period, _) in expected_reports(&fixture_dir(name)) {
            let args = [
                "report",
                "visits",
                flag,
                period.as_str(),
                "--format",
                "json",
            ];
            let first = dir.ok(&args);
            let second = dir.ok(&args);
            assert_eq!(
                first, second,
                "fixture {name}: report visits {flag} {period} changed between two runs"
            );
        }
    }
}

/// Every folder under fixtures/visits/ is listed in FIXTURES, so none is silently skipped.
#[test]
fn every_fixture_folder_has_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/visits");
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .expect("fixtures/visits exists")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(folders, listed);
}
