//! `report payouts --format json` reproduces, field for field, the hand-worked statements of every fixture under `fixtures/payouts/`, and the same statement twice is byte-identical.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`, … imported in that
//! order), a `README.md` with the hand-working, and one `expected-YYYY-MM.json` per
//! statement: `expected-2024-03.json` is `--month 2024-03`. The expected files were worked
//! out by hand from DOMAIN.md sections 7–9, not copied from the program.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::Dir;

/// Every fixture folder, so the determinism test covers them all.
const FIXTURES: [&str; 6] = [
    "thresholds",
    "no_members",
    "membership_dates",
    "week_across_months",
    "december_year",
    "people_sums",
];

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/payouts")
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

/// The expected statements of a fixture as (month, file), sorted by file name.
fn expected_months(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            let month = name.strip_prefix("expected-")?.strip_suffix(".json")?;
            Some((month.to_owned(), p))
        })
        .collect();
    found.sort_by(|a, b| a.1.cmp(&b.1));
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

/// Imports the fixture and checks every expected statement in it.
fn check(name: &str) {
    let fixture = fixture_dir(name);
    let dir = imported(name);
    for (month, file) in expected_months(&fixture) {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let expected: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));
        let stdout = dir.ok(&["report", "payouts", "--month", &month, "--format", "json"]);
        let actual: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("report payouts --month {month} printed no JSON ({e}):\n{stdout}")
        });
        assert!(
            actual == expected,
            "fixture {name}, report payouts --month {month} differs from {}\n--- expected:\n{}\n--- actual:\n{}",
            file.display(),
            serde_json::to_string_pretty(&expected).unwrap(),
            serde_json::to_string_pretty(&actual).unwrap()
        );
    }
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

/// The same store and arguments give the same bytes (STYLE.md rule 5), for every fixture
/// and statement.
#[test]
fn same_statement_twice_is_byte_identical() {
    for name in FIXTURES {
        let dir = imported(name);
        for (month, _) in expected_months(&fixture_dir(name)) {
            let args = [
                "report",
                "payouts",
                "--month",
                month.as_str(),
                "--format",
                "json",
            ];
            let first = dir.ok(&args);
            let second = dir.ok(&args);
            assert_eq!(
                first, second,
                "fixture {name}: report payouts --month {month} changed between two runs"
            );
        }
    }
}

/// Every folder under fixtures/payouts/ is listed in FIXTURES, so none is silently skipped.
#[test]
fn every_fixture_folder_has_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/payouts");
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .expect("fixtures/payouts exists")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(folders, listed);
}
