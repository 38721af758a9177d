//! `report churn --format json` (by month, by month with `--by-staff`, by year) reproduces, field for field, the hand-worked results of every fixture under `fixtures/churn/`, and the same report twice is byte-identical.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`, … imported in that
//! order), a `README.md` with the hand-working, and one `expected-*.json` per report; the file
//! name says which: `expected-2024-03.json` is `--month 2024-03`,
//! `expected-2024-03-by-staff.json` is `--month 2024-03 --by-staff`, `expected-2024.json` is
//! `--year 2024`. The expected files were worked out by hand from DOMAIN.md sections 5 and 9,
//! not copied from the program.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::Dir;

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

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/churn")
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

/// The period arguments an expected file's name stands for:
/// `2024-03` → `--month 2024-03`, `2024-03-by-staff` → `--month 2024-03 --by-staff`,
/// `2024` → `--year 2024`.
fn period_args(stem: &str, file: &Path) -> Vec<String> {
    let is_month = |s: &str| {
        s.len() == 7
            && s.as_bytes()[4] == b'-'
            && s.bytes()
                .enumerate()
                .all(|(i, b)| i == 4 || b.is_ascii_digit())
    };
    let is_year = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(month) = stem.strip_suffix("-by-staff") {
        if is_month(month) {
            return vec!["--month".into(), month.into(), "--by-staff".into()];
        }
    } else if is_month(stem) {
        return vec!["--month".into(), stem.into()];
    } else if is_year(stem) {
        return vec!["--year".into(), stem.into()];
    }
    panic!(
        "{}: expected-*.json must be named expected-YYYY-MM.json, expected-YYYY-MM-by-staff.json or expected-YYYY.json",
        file.display()
    )
}

/// The expected reports of a fixture as (period arguments, file), sorted by file name.
fn expected_reports(dir: &Path) -> Vec<(Vec<String>, PathBuf)> {
    let mut found: Vec<(Vec<String>, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            let stem = name.strip_prefix("expected-")?.strip_suffix(".json")?;
            Some((period_args(stem, &p), p))
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

/// `report churn PERIOD-ARGS --format json`.
fn report_args(period: &[String]) -> Vec<&str> {
    let mut args = vec!["report", "churn"];
    args.extend(period.iter().map(String::as_str));
    args.extend(["--format", "json"]);
    args
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
    for (period, file) in expected_reports(&fixture) {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let expected: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));
        let args = report_args(&period);
        let stdout = dir.ok(&args);
        let actual: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "careledger {} printed no JSON ({e}):\n{stdout}",
                args.join(" ")
            )
        });
        assert!(
            actual == expected,
            "fixture {name}, careledger {} differs from {}\n--- expected:\n{}\n--- actual:\n{}",
            args.join(" "),
            file.display(),
            serde_json::to_string_pretty(&expected).unwrap(),
            serde_json::to_string_pretty(&actual).unwrap()
        );
    }
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

/// The same store and arguments give the same bytes (STYLE.md rule 5), for every fixture
/// and report.
#[test]
fn same_report_twice_is_byte_identical() {
    for name in FIXTURES {
        let dir = imported(name);
        for (period, _) in expected_reports(&fixture_dir(name)) {
            let args = report_args(&period);
            let first = dir.ok(&args);
            let second = dir.ok(&args);
            assert_eq!(
                first,
                second,
                "fixture {name}: careledger {} changed between two runs",
                args.join(" ")
            );
        }
    }
}

/// Every folder under fixtures/churn/ is listed in FIXTURES, so none is silently skipped.
#[test]
fn every_fixture_folder_has_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/churn");
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .expect("fixtures/churn exists")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(folders, listed);
}
