//! Proves `backup` and `restore` (issue 15, item 4): a store backed up and restored gives
//! byte-identical reports (visits, churn, payouts of a closed and an open month, care,
//! complaints), export, history and closed statements; the backup is private and never
//! replaces a file; restore checks the backup and never replaces a store; a backup taken
//! while an import commits is the store before or after it, never between.

use std::path::Path;

use crate::util::Dir;

/// A generated dataset imported, two months closed, and an amendment since.
fn store() -> Dir {
    let dir = Dir::new();
    let data = dir.join("data");
    careledger::generator::generate(
        &careledger::generator::GenConfig {
            customers: 80,
            ..Default::default()
        },
        crate::util::to_files(&data),
    )
    .unwrap();
    dir.ok(&["import", data.to_str().unwrap()]);
    dir.ok(&["close", "--month", "2025-10"]);
    dir.ok(&["close", "--month", "2025-11"]);
    let sales = std::fs::read_to_string(data.join("sales.csv")).unwrap();
    let mut lines = sales.lines();
    let (header, first) = (lines.next().unwrap(), lines.next().unwrap());
    let cells: Vec<&str> = first.split(',').collect();
    let amended = format!(
        "{}\n{}\n",
        header,
        first.replace(cells[5], &format!("{}1", &cells[5][..cells[5].len() - 1]))
    );
    dir.write("corrections/sales.csv", amended);
    dir.ok(&[
        "import",
        "--amend",
        dir.join("corrections/sales.csv").to_str().unwrap(),
    ]);
    dir
}

/// careledger in the dir, with no store chosen (the caller passes --db).
fn bare(dir: &Dir) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("careledger").unwrap();
    cmd.current_dir(dir.path())
        .env_remove("CARELEDGER_DB")
        .env_remove("GITHUB_STEP_SUMMARY")
        // English, as `util::Dir::cmd` reads.
        .env("CARELEDGER_LANG", "en");
    cmd
}

/// What every report of a store prints, by the command that printed it.
fn reports(dir: &Dir, db: &Path) -> Vec<(String, Vec<u8>)> {
    let mut printed = Vec::new();
    let mut run = |args: &[&str]| {
        let out = bare(dir).arg("--db").arg(db).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        printed.push((args.join(" "), out.stdout));
    };
    for month in ["2025-10", "2025-11", "2025-12"] {
        for report in ["visits", "churn", "payouts", "care", "complaints"] {
            run(&["report", report, "--month", month]);
        }
        run(&["report", "payouts", "--month", month, "--format", "csv"]);
    }
    run(&["history", "sales", "S00000001"]);
    run(&["history", "customers", "C00000001"]);
    run(&["tasks", "--format", "csv"]);
    // The export, file by file.
    let export = dir.join(&format!(
        "export-{}",
        db.file_name().unwrap().to_string_lossy()
    ));
    bare(dir)
        .arg("--db")
        .arg(db)
        .arg("export")
        .arg(&export)
        .assert()
        .success();
    let mut files: Vec<_> = std::fs::read_dir(&export)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        printed.push((
            file.file_name().unwrap().to_string_lossy().into_owned(),
            std::fs::read(&file).unwrap(),
        ));
    }
    // The closed statements' JSON, as the store keeps it.
    let reader = careledger::store::Store::open_reader(db).unwrap();
    for c in reader.closed_statements().unwrap() {
        printed.push((
            format!("closed {} {} {}", c.month, c.closed_at, c.sha256),
            c.statement_json.into_bytes(),
        ));
    }
    printed
}

#[test]
fn a_restored_backup_gives_every_report_byte_for_byte() {
    let dir = store();
    let backup = dir.join("backups/store-backup.redb");
    let stdout = dir.ok(&["backup", backup.to_str().unwrap()]);
    assert!(stdout.contains("from one snapshot"), "{stdout}");
    for table in ["log", "imports", "statements", "meta", "fact_customers"] {
        assert!(
            stdout.lines().any(|l| l.trim_start().starts_with(table)),
            "{table} not copied:\n{stdout}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never over a file, and nothing left beside it.
    let again = dir.fails(&["backup", backup.to_str().unwrap()]);
    assert!(again.contains("exists already"), "{again}");
    let beside: Vec<_> = std::fs::read_dir(dir.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["store-backup.redb"]);

    // Restore refuses a store that exists, then restores into a new one.
    let refused = dir.fails(&["restore", backup.to_str().unwrap()]);
    assert!(
        refused.contains("restore never replaces a store"),
        "{refused}"
    );
    let restored = dir.join("restored.redb");
    let out = bare(&dir)
        .args(["restore", backup.to_str().unwrap(), "--db"])
        .arg(&restored)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("the store is healthy"), "{stdout}");
    assert!(stdout.contains("restored "), "{stdout}");

    let before = reports(&dir, &dir.db());
    let after = reports(&dir, &restored);
    assert_eq!(before.len(), after.len());
    for ((command, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "`{command}` differs after backup and restore");
    }
    assert!(before.iter().any(|(c, _)| c.starts_with("closed 2025-11")));
}

#[test]
fn restore_refuses_a_damaged_backup() {
    let dir = store();
    let backup = dir.join("b.redb");
    dir.ok(&["backup", backup.to_str().unwrap()]);
    // Flip a byte of a stored value (a customer id): its page's checksum no longer matches.
    let mut bytes = std::fs::read(&backup).unwrap();
    let at = bytes
        .windows(9)
        .position(|w| w == b"C00000042")
        .expect("the id is stored");
    bytes[at + 8] ^= 0x01;
    std::fs::write(&backup, bytes).unwrap();
    let restored = dir.join("restored.redb");
    let out = bare(&dir)
        .args(["restore", backup.to_str().unwrap(), "--db"])
        .arg(&restored)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(
        !restored.exists(),
        "nothing is restored from a damaged backup"
    );
}

/// A backup taken while an import commits in another process is one snapshot: its log is
/// the store's before the import or after it, and it is healthy.
#[test]
fn a_backup_during_an_import_is_the_store_before_or_after_it() {
    let dir = Dir::new();
    let data = dir.join("data");
    careledger::generator::generate(
        &careledger::generator::GenConfig {
            customers: 400,
            ..Default::default()
        },
        crate::util::to_files(&data),
    )
    .unwrap();
    // A first import, so that the store exists; the second brings the rest.
    dir.ok(&["import", data.join("staff.csv").to_str().unwrap()]);
    let log_len = |db: &Path| {
        careledger::store::Store::open_reader(db)
            .unwrap()
            .stats()
            .unwrap()
            .kinds
            .iter()
            .map(|(_, _, versions)| versions)
            .sum::<u64>()
    };
    let before = log_len(&dir.db());
    let mut import = std::process::Command::new(assert_cmd::cargo::cargo_bin!("careledger"))
        .current_dir(dir.path())
        .env_remove("CARELEDGER_DB")
        .arg("--db")
        .arg(dir.db())
        .args(["--quiet", "import", data.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut backups = Vec::new();
    for i in 0..4 {
        let backup = dir.join(&format!("during-{i}.redb"));
        let out = dir.run(&["backup", backup.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        backups.push(backup);
    }
    assert!(import.wait().unwrap().success());
    let after = log_len(&dir.db());
    assert!(after > before);
    for backup in &backups {
        let n = log_len(backup);
        assert!(
            n == before || n == after,
            "{n} is neither {before} nor {after}"
        );
        let out = bare(&dir)
            .arg("--db")
            .arg(backup)
            .arg("verify")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
