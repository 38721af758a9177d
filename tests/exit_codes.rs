//! Exit codes by cause (DOMAIN.md section 11, issue 18): what the user can fix — a generator
//! asked for no months, an output folder that cannot be made or written — is exit 2 with
//! what to do, never the "unexpected" exit 3.

use crate::util::Dir;

/// Runs careledger and returns (exit code, stderr).
fn run(d: &Dir, args: &[&str]) -> (Option<i32>, String) {
    let out = d.run(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn gen_with_no_months_is_bad_usage() {
    let d = Dir::new();
    let (code, stderr) = run(&d, &["gen", "--months", "0", "--out", "data"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr, "careledger: --months must be between 1 and 1200, got 0\n",
        "one line, saying what to do"
    );
    assert!(!d.join("data").exists(), "nothing was written");
}

#[test]
fn an_output_folder_that_cannot_be_made_is_bad_usage() {
    let d = Dir::new();
    d.write("taken", "a file where a folder should go");
    // gen into a folder below a file.
    let (code, stderr) = run(&d, &["gen", "--customers", "5", "--out", "taken/data"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.starts_with("careledger: cannot create the folder taken/data: ")
            && stderr.contains("choose a folder you can write to"),
        "{stderr}"
    );
    // The report pack into a file.
    d.with_base();
    let (code, stderr) = run(
        &d,
        &["report", "all", "--month", "2024-01", "--out", "taken"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot create the folder taken"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("taken")).unwrap(),
        "a file where a folder should go"
    );
}

#[test]
fn a_pack_file_blocked_by_a_folder_is_bad_usage() {
    let d = Dir::new();
    d.with_base();
    std::fs::create_dir_all(d.join("pack/index.html")).unwrap();
    let (code, stderr) = run(
        &d,
        &["report", "all", "--month", "2024-01", "--out", "pack"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot write pack/index.html"), "{stderr}");
    assert!(
        !std::fs::read_dir(d.join("pack")).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".partial")),
        "a partial file was left behind"
    );
}
