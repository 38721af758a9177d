//! Proves that a `--db` pointing at the wrong thing (a folder, a device, a missing folder, a
//! file that is not a store, an empty file, a read-only store) exits 2 with one line saying
//! what to do, and leaves what is there untouched; and that an import failing for lack of
//! room says the store is unchanged, and leaves it so.

use std::path::Path;
use std::process::{Command, Output};

use crate::util::{BASE, Dir};

/// Runs careledger with `--db db` and the arguments, in `dir`.
fn run_on(dir: &Dir, db: &Path, args: &[&str]) -> Output {
    Command::new(assert_cmd::cargo::cargo_bin!("careledger"))
        .current_dir(dir.path())
        .env_remove("CARELEDGER_DB")
        .env("CARELEDGER_LANG", "en")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("careledger runs")
}

/// Asserts exit 2 with one line on stderr holding `expected`, and no phrase of it twice
/// (regression: `{:#}` printed a redb cause after a message that already held it).
fn assert_usage_error(out: &Output, expected: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(expected), "`{expected}` not in: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    let parts: Vec<&str> = stderr.split([':', ';', '(', ')']).map(str::trim).collect();
    for (i, part) in parts.iter().enumerate() {
        assert!(
            part.len() < 12 || !parts[i + 1..].contains(part),
            "`{part}` twice in: {stderr}"
        );
    }
    stderr
}

/// The commands that only read, and an import of the base dataset.
fn commands(dir: &Dir) -> [Vec<String>; 3] {
    for (name, text) in BASE {
        dir.write(&format!("base/{name}"), text);
    }
    [
        vec!["stats".into()],
        vec![
            "report".into(),
            "visits".into(),
            "--month".into(),
            "2024-01".into(),
        ],
        vec!["import".into(), dir.join("base").display().to_string()],
    ]
}

#[test]
fn a_folder_is_not_a_store() {
    let dir = Dir::new();
    let folder = dir.join("folder");
    std::fs::create_dir(&folder).unwrap();
    for args in commands(&dir) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_usage_error(
            &run_on(&dir, &folder, &args),
            "is a folder, not a store file",
        );
    }
}

#[test]
fn a_device_is_not_a_store() {
    let dir = Dir::new();
    for args in commands(&dir) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_usage_error(
            &run_on(&dir, Path::new("/dev/null"), &args),
            "/dev/null is not a careledger store (not a regular file)",
        );
    }
}

#[test]
fn a_store_in_a_missing_folder_names_the_folder() {
    let dir = Dir::new();
    let db = dir.join("no/such/folder/store.redb");
    let [stats, report, import] = commands(&dir);
    let import: Vec<&str> = import.iter().map(String::as_str).collect();
    let stderr = assert_usage_error(&run_on(&dir, &db, &import), "does not exist");
    assert!(stderr.contains("the folder"), "{stderr}");
    assert!(stderr.contains("no/such/folder "), "{stderr}");
    for args in [stats, report] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_usage_error(&run_on(&dir, &db, &args), "no store at");
    }
    assert!(!dir.join("no").exists());
}

/// Regression: `--db sales.csv import …` must never turn a CSV file, or any file of other
/// bytes, into a store.
#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_as_it_is() {
    let dir = Dir::new();
    let mut random = vec![0u8; 20_000];
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for b in &mut random {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let files = [
        dir.write("sales.csv", BASE[2].1),
        dir.write("noise.bin", &random),
    ];
    for file in &files {
        let before = std::fs::read(file).unwrap();
        for args in commands(&dir) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            assert_usage_error(
                &run_on(&dir, file, &args),
                &format!("{} is not a careledger store", file.display()),
            );
            assert_eq!(std::fs::read(file).unwrap(), before, "{file:?} was changed");
        }
    }
}

/// An empty file is refused by every command that reads, and stays empty; an import turns
/// it into a store (nothing in it can be lost: `--db "$(mktemp)"`).
#[test]
fn an_empty_file_is_read_as_no_store_and_imported_into() {
    let dir = Dir::new();
    let empty = dir.write("empty.redb", "");
    let [stats, report, import] = commands(&dir);
    for args in [stats, report, vec!["verify".into()]] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_usage_error(&run_on(&dir, &empty, &args), "the file is empty");
        assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
    }
    let import: Vec<&str> = import.iter().map(String::as_str).collect();
    assert!(run_on(&dir, &empty, &import).status.success());
    assert!(run_on(&dir, &empty, &["verify"]).status.success());
}

/// Runs careledger as a user without write permission to the store: the current user when
/// it is not root (chmod is enough), else `nobody` through setpriv (root writes anyway).
/// `None` when neither is possible.
pub(crate) fn run_without_write_permission(dir: &Dir, args: &[&str]) -> Option<Output> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let root = std::fs::metadata(dir.path()).unwrap().uid() == 0;
    let mode = if root { 0o444 } else { 0o400 };
    std::fs::set_permissions(dir.db(), std::fs::Permissions::from_mode(mode)).unwrap();
    if !root {
        return Some(dir.run(args));
    }
    let setpriv = Path::new("/usr/bin/setpriv");
    if !setpriv.exists() {
        eprintln!("skipped: running as root without setpriv, a read-only file is writable");
        return None;
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(assert_cmd::cargo::cargo_bin!("careledger"))
        .current_dir(dir.path())
        .env_remove("CARELEDGER_DB")
        // English, as `Dir::run` reads.
        .env("CARELEDGER_LANG", "en")
        .arg("--db")
        .arg(dir.db())
        .args(args)
        .output()
        .expect("setpriv runs");
    Some(out)
}

/// Regression: an import into a read-only store failed with redb's "Permission denied",
/// twice, as an unexpected failure (exit 3). Reports must work on a read-only store.
#[test]
fn a_read_only_store_reads_and_refuses_an_import() {
    let dir = Dir::new();
    dir.with_base();
    let before = dir.snapshot();
    let bytes = std::fs::read(dir.db()).unwrap();
    let Some(report) =
        run_without_write_permission(&dir, &["report", "visits", "--month", "2024-01"])
    else {
        return;
    };
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let verify = run_without_write_permission(&dir, &["verify"]).unwrap();
    let verified = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "{verified}");
    assert!(
        verified.contains("a private copy was checked"),
        "{verified}"
    );

    dir.write(
        "more/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on\nC00099,张伟,,,,2024-02-02\n",
    );
    let import = run_without_write_permission(
        &dir,
        &[
            "import",
            &dir.join("more/customers.csv").display().to_string(),
        ],
    )
    .unwrap();
    let stderr = assert_usage_error(&import, "is read-only: nothing was written");
    assert!(stderr.contains("chmod u+w"), "{stderr}");
    assert_eq!(std::fs::read(dir.db()).unwrap(), bytes);
    assert_eq!(dir.snapshot(), before);
}

/// Regression: an import that ran out of room failed as "unexpected" with redb's I/O error.
/// It must say the store is unchanged, and leave it so: no half-written file beside it, the
/// same records, a healthy store. The room runs out through a file size limit (`ulimit -f`,
/// in 512-byte blocks, with SIGXFSZ ignored so that the write fails with EFBIG), which needs
/// no root, unlike a small file system.
#[test]
fn an_import_out_of_room_leaves_the_store_unchanged() {
    let dir = Dir::new();
    let data = dir.join("data");
    careledger::generator::generate(
        &careledger::generator::GenConfig {
            customers: 300,
            months: 6,
            ..Default::default()
        },
        crate::util::to_files(&data),
    )
    .unwrap();
    let data = data.display().to_string();
    dir.ok(&[
        "import",
        &format!("{data}/staff.csv"),
        &format!("{data}/customers.csv"),
    ]);
    let before = dir.snapshot();
    let size = std::fs::metadata(dir.db()).unwrap().len();
    let files = || {
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let files_before = files();
    // Room for the store as it is and a few pages more; the import needs far more.
    let limit_blocks = size / 512 + 16;
    let script = format!("trap '' XFSZ; ulimit -f {limit_blocks}; exec \"$0\" \"$@\"");
    let out = Command::new("sh")
        .args(["-c", &script])
        .arg(assert_cmd::cargo::cargo_bin!("careledger"))
        .current_dir(dir.path())
        .env_remove("CARELEDGER_DB")
        // English, as `Dir::run` reads.
        .env("CARELEDGER_LANG", "en")
        .arg("--db")
        .arg(dir.db())
        .args(["import", &data])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && out.status.code() != Some(101),
        "exit {:?}: {stderr}",
        out.status.code()
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("the store is unchanged") && stderr.contains("Free disk space"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_eq!(files(), files_before, "no file left beside the store");
    assert_eq!(dir.snapshot(), before);
    let verify = dir.ok(&["verify"]);
    assert!(verify.contains("the store is healthy"), "{verify}");
}
