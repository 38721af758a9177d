//! `tiers --month M --list --format json` reproduces, field for field, the hand-worked tiers of every fixture under `fixtures/tiers/` (and without `--list` the same object minus `customers`), and the same output twice is byte-identical.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`, … imported in that
//! order), a `README.md` with the hand-working, and one `expected-YYYY-MM.json` per month:
//! `expected-2024-03.json` is `--month 2024-03`, evaluated as of E = 2024-02-29.
//! The expected files were worked out by hand from DOMAIN.md section 7, not copied from the
//! program.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::Dir;

/// Every fixture folder, so the determinism test covers them all.
const FIXTURES: [&str; 3] = [
    "visits_and_sales",
    "referrals_and_policies",
    "tags_family_surveys",
];

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tiers")
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

/// The expected outputs of a fixture as (month, file), sorted by file name.
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

/// Runs `tiers` with the arguments and parses its JSON.
fn tiers_json(dir: &Dir, args: &[&str]) -> Value {
    let mut all = vec!["tiers"];
    all.extend_from_slice(args);
    let stdout = dir.ok(&all);
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("careledger {all:?} printed no JSON ({e}):\n{stdout}"))
}

fn assert_same(name: &str, what: &str, file: &Path, expected: &Value, actual: &Value) {
    assert!(
        actual == expected,
        "fixture {name}, {what} differs from {}\n--- expected:\n{}\n--- actual:\n{}",
        file.display(),
        serde_json::to_string_pretty(expected).unwrap(),
        serde_json::to_string_pretty(actual).unwrap()
    );
}

/// Imports the fixture and checks every expected month in it, with and without `--list`.
fn check(name: &str) {
    let fixture = fixture_dir(name);
    let dir = imported(name);
    for (month, file) in expected_months(&fixture) {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let expected: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));

        let listed = tiers_json(&dir, &["--month", &month, "--list", "--format", "json"]);
        assert_same(
            name,
            &format!("tiers --month {month} --list"),
            &file,
            &expected,
            &listed,
        );

        // Without --list the object is the same minus the customer list.
        let mut summary = expected.clone();
        summary
            .as_object_mut()
            .expect("the expected file is a JSON object")
            .remove("customers");
        let actual = tiers_json(&dir, &["--month", &month, "--format", "json"]);
        assert_same(
            name,
            &format!("tiers --month {month} (no --list)"),
            &file,
            &summary,
            &actual,
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

/// The same store and arguments give the same bytes (STYLE.md rule 5), for every fixture
/// and month.
#[test]
fn same_tiers_twice_are_byte_identical() {
    for name in FIXTURES {
        let dir = imported(name);
        for (month, _) in expected_months(&fixture_dir(name)) {
            let args = [
                "tiers",
                "--month",
                month.as_str(),
                "--list",
                "--format",
                "json",
            ];
            let first = dir.ok(&args);
            let second = dir.ok(&args);
            assert_eq!(
                first, second,
                "fixture {name}: tiers --month {month} --list changed between two runs"
            );
        }
    }
}

/// Every folder under fixtures/tiers/ is listed in FIXTURES, so none is silently skipped.
#[test]
fn every_fixture_folder_has_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tiers");
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .expect("fixtures/tiers exists")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(folders, listed);
}
