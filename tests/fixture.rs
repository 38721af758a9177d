//! Hand-worked fixtures: `fixtures/SET/NAME/` holds the CSV files to import (or numbered
//! folders `1/`, `2/`, … imported in that order; one holding a file `AMEND` with `--amend`), a README with the hand-working, and one
//! `expected-STEM.json` per report, STEM naming the period (`2024-03`, `2024-W09`, `2024`,
//! `2024-03-by-staff`, …). The expected files are worked out by hand, never copied from the
//! program's output.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::Dir;

pub fn fixture_dir(set: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(set)
        .join(name)
}

/// The folders to import, in order: the numbered subfolders if there are any, otherwise the
/// fixture folder itself.
fn import_folders(dir: &Path) -> Vec<PathBuf> {
    let mut numbered: Vec<(u32, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_dir())
        .filter_map(|p| Some((p.file_name()?.to_str()?.parse::<u32>().ok()?, p)))
        .collect();
    numbered.sort();
    if numbered.is_empty() {
        vec![dir.to_path_buf()]
    } else {
        numbered.into_iter().map(|(_, p)| p).collect()
    }
}

/// A fresh store with the fixture imported.
pub fn imported(set: &str, name: &str) -> Dir {
    let dir = Dir::new();
    for folder in import_folders(&fixture_dir(set, name)) {
        let path = folder.to_str().expect("a UTF-8 path");
        // A folder holding an `AMEND` marker changes records already imported.
        if folder.join("AMEND").exists() {
            dir.ok(&["import", "--amend", path]);
        } else {
            dir.ok(&["import", path]);
        }
    }
    dir
}

/// The fixture's expected reports as (STEM, file, parsed JSON), sorted by file name.
pub fn expected(set: &str, name: &str) -> Vec<(String, PathBuf, Value)> {
    let dir = fixture_dir(set, name);
    let mut found: Vec<(String, PathBuf, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter_map(|p| {
            let stem = p
                .file_name()?
                .to_str()?
                .strip_prefix("expected-")?
                .strip_suffix(".json")?
                .to_owned();
            let text = std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            let json = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", p.display()));
            Some((stem, p, json))
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

/// Runs careledger and compares its JSON with the expected value, printing both on a
/// mismatch.
pub fn assert_json(dir: &Dir, args: &[String], file: &Path, expected: &Value) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stdout = dir.ok(&args);
    let actual: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "careledger {} printed no JSON ({e}):\n{stdout}",
            args.join(" ")
        )
    });
    assert!(
        actual == *expected,
        "careledger {} differs from {}\n--- expected:\n{}\n--- actual:\n{}",
        args.join(" "),
        file.display(),
        serde_json::to_string_pretty(expected).unwrap(),
        serde_json::to_string_pretty(&actual).unwrap()
    );
}

/// Imports a fixture and checks every expected report: `command(STEM)` is the command line
/// that prints it.
pub fn check(set: &str, name: &str, command: impl Fn(&str) -> Vec<String>) {
    let dir = imported(set, name);
    for (stem, file, json) in expected(set, name) {
        assert_json(&dir, &command(&stem), &file, &json);
    }
}

/// The same store and arguments give the same bytes (STYLE.md rule 5), for every fixture
/// of a set and every report.
pub fn check_byte_identical(set: &str, names: &[&str], command: impl Fn(&str) -> Vec<String>) {
    for name in names {
        let dir = imported(set, name);
        for (stem, _, _) in expected(set, name) {
            let args = command(&stem);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            assert_eq!(
                dir.ok(&args),
                dir.ok(&args),
                "fixture {set}/{name}: careledger {} changed between runs",
                args.join(" ")
            );
        }
    }
}

/// Every folder of a set is listed, so none is silently skipped.
pub fn check_all_listed(set: &str, names: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(set);
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut listed: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(folders, listed, "fixtures/{set}: every folder needs a test");
}

/// `careledger ARGS... --format json` as owned strings.
pub fn json_command(args: &[&str]) -> Vec<String> {
    args.iter()
        .map(|s| s.to_string())
        .chain(["--format".into(), "json".into()])
        .collect()
}
