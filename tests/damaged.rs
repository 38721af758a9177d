//! Proves that a damaged store is reported, never trusted or panicked on: `verify` finds a
//! flipped byte in a stored value, every read command exits 3 on it with "the store is
//! damaged … verify … backup", a sweep of byte flips across the whole file never panics, and
//! readers of a store left by a killed import repair it once and read, without a false
//! "busy".

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::util::Dir;

/// Every read command, with the arguments the small base dataset has data for. `{dir}` is
/// replaced by a folder the command may write into. The last, the report pack, draws charts
/// and takes 100 times longer than the others: the sweep runs it at every fourth place.
const READ_COMMANDS: [&[&str]; 13] = [
    &["--lang", "en", "stats"],
    &["export", "{dir}/export"],
    &["history", "customers", "C00011"],
    &["report", "visits", "--month", "2024-01"],
    &["report", "churn", "--month", "2024-07"],
    &["report", "payouts", "--month", "2024-01"],
    &["tiers", "--month", "2024-02"],
    &["tasks"],
    &["lost"],
    &["check", "--month", "2024-01", "--gates", "{gates}"],
    &["history", "survey_answers", "Q000001/consultant_attitude"],
    &["verify"],
    &["report", "all", "--month", "2024-01", "--out", "{dir}/pack"],
];

fn gates_file() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/gates/pass.toml")
        .display()
        .to_string()
}

/// Runs one read command on `db`, with its output files under `dir`.
fn run_read(db: &Path, dir: &Path, args: &[&str]) -> Output {
    let gates = gates_file();
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{dir}", &dir.display().to_string())
                .replace("{gates}", &gates)
        })
        .collect();
    Command::new(assert_cmd::cargo::cargo_bin!("careledger"))
        .current_dir(dir)
        .env_remove("CARELEDGER_DB")
        .arg("--db")
        .arg(db)
        .args(&args)
        .output()
        .expect("careledger runs")
}

/// The base store's file, built once per test.
fn base_store() -> (Dir, Vec<u8>) {
    let dir = Dir::new();
    dir.with_base();
    let bytes = std::fs::read(dir.db()).unwrap();
    (dir, bytes)
}

/// Asserts what every run on a damaged file must be: an exit code of DOMAIN.md section 11
/// (0, 2 or 3; and 1 for `check`, whose gates may fail on a figure the damage changed), never
/// a panic (101) nor a panic message, nor an internal error.
fn assert_no_panic(out: &Output, args: &[&str], what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let gate_failed = args[0] == "check" && out.status.code() == Some(1);
    assert!(
        matches!(out.status.code(), Some(0 | 2 | 3)) || gate_failed,
        "{what}: exit {:?}\n{stderr}",
        out.status.code()
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{what}: {stderr}"
    );
}

/// Regression: redb panics on some damaged pages (invalid UTF-8 in a key, an index out of
/// bounds), and careledger let the panic through (exit 101) or read silently. Flips one
/// byte at a time, at a spread of places in every page and at random places, and runs every
/// read command on each copy.
#[test]
fn a_sweep_of_flipped_bytes_never_panics() {
    let (base, bytes) = base_store();
    let page = 4096;
    let mut offsets: Vec<usize> = (0..bytes.len() / page)
        .flat_map(|p| [p * page + 7 + p * 13, p * page + 2053 + p * 97])
        .filter(|offset| *offset < bytes.len())
        .collect();
    // xorshift64 with a fixed seed: the same offsets every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..16 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        offsets.push((x % bytes.len() as u64) as usize);
    }
    let started = Instant::now();
    let damaged_found = std::sync::atomic::AtomicUsize::new(0);
    // Two workers: the machine is shared.
    let offsets: Vec<(usize, usize)> = offsets.into_iter().enumerate().collect();
    let chunks: Vec<&[(usize, usize)]> = offsets.chunks(offsets.len().div_ceil(2)).collect();
    std::thread::scope(|scope| {
        for chunk in chunks {
            let (base, bytes, damaged_found) = (&base, &bytes, &damaged_found);
            scope.spawn(move || {
                for &(i, offset) in chunk {
                    let dir = tempfile::tempdir_in(base.path()).unwrap();
                    let db = dir.path().join("flipped.redb");
                    let mut flipped = bytes.clone();
                    flipped[offset] ^= 0xFF;
                    std::fs::write(&db, &flipped).unwrap();
                    let commands = if i % 4 == 0 {
                        &READ_COMMANDS[..]
                    } else {
                        &READ_COMMANDS[..READ_COMMANDS.len() - 1]
                    };
                    for args in commands {
                        let out = run_read(&db, dir.path(), args);
                        assert_no_panic(&out, args, &format!("byte {offset} flipped, {args:?}"));
                        if out.status.code() == Some(3) {
                            damaged_found.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    assert!(
        damaged_found.into_inner() > 0,
        "no flip was found damaged: the sweep does not reach the data"
    );
    eprintln!(
        "{} offsets x {} commands in {:?}",
        offsets.len(),
        READ_COMMANDS.len(),
        started.elapsed()
    );
}

/// Regression: a flipped byte inside a stored value (a customer's name made invalid UTF-8)
/// was found by nothing; reports must refuse it and `verify` must name the damage.
#[test]
fn a_flipped_byte_in_a_stored_value_is_damage_to_verify_and_to_every_report() {
    let (dir, mut bytes) = base_store();
    let healthy = dir.ok(&["verify"]);
    assert!(healthy.contains("the store is healthy"), "{healthy}");
    assert!(healthy.contains("current"), "{healthy}");
    // 王芳 is stored in the customer's `log` and `current` values; its first byte 0xE7 made
    // 0xFF is no longer UTF-8.
    let name = "王芳".as_bytes();
    let places: Vec<usize> = bytes
        .windows(name.len())
        .enumerate()
        .filter(|(_, w)| *w == name)
        .map(|(i, _)| i)
        .collect();
    assert!(!places.is_empty(), "the name is stored as it is");
    for &i in &places {
        bytes[i] = 0xFF;
    }
    std::fs::write(dir.db(), &bytes).unwrap();

    let verify = dir.run(&["verify"]);
    assert_eq!(verify.status.code(), Some(3), "{verify:?}");
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(
        stderr.contains("is damaged") && stderr.contains("restore it from a backup"),
        "{stderr}"
    );
    for args in [
        &["export", "out"][..],
        // The month-sized reports (visits, churn, payouts, tiers, and `check` over them) read
        // the month's kept facts and records, never the customers: damage to a customer is
        // for the commands that read them, and for every report derived from scratch.
        &["--from-scratch", "tiers", "--month", "2024-02"],
        &["--from-scratch", "lost"],
        &["history", "customers", "C00011"],
    ] {
        let out = dir.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("the store is damaged")
                && stderr.contains("careledger verify")
                && stderr.contains("backup"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    }
}

/// Regression: every reader of a store whose last import was killed repaired it through a
/// writable open; two at once collided, and the loser failed with "open for writing by
/// another careledger process" though no import ran. Now one repairs and the others wait,
/// then all read the state before the import.
#[test]
fn readers_of_a_store_left_by_a_killed_import_all_read() {
    let dir = Dir::new();
    let data = crate::crash::dataset(&dir, 2000);
    dir.ok(&[
        "import",
        &format!("{data}/staff.csv"),
        &format!("{data}/customers.csv"),
    ]);
    let before = dir.ok(&["--lang", "en", "stats"]);
    let mut rounds = 0;
    for delay_ms in [300u64, 600, 900, 1200] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("careledger"))
            .arg("--db")
            .arg(dir.db())
            .args(["import", &data])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok();
        child.wait().unwrap();
        if finished {
            break;
        }
        // Six readers at once on the interrupted store.
        let readers: Vec<_> = (0..6)
            .map(|_| {
                Command::new(assert_cmd::cargo::cargo_bin!("careledger"))
                    .env_remove("CARELEDGER_DB")
                    .arg("--db")
                    .arg(dir.db())
                    .args(["--lang", "en", "stats"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut outputs = Vec::new();
        for reader in readers {
            outputs.push(reader.wait_with_output().unwrap());
        }
        // The first line of stats names the file size, which the repair may change.
        let body = |s: &[u8]| {
            let s = String::from_utf8_lossy(s);
            s.lines().skip(1).collect::<Vec<_>>().join("\n")
        };
        let mut saw_before = false;
        for out in &outputs {
            assert!(
                out.status.success(),
                "a reader failed after the kill at {delay_ms} ms: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            saw_before |= body(&out.stdout) == body(before.as_bytes());
        }
        let all_same = outputs
            .windows(2)
            .all(|w| body(&w[0].stdout) == body(&w[1].stdout));
        assert!(all_same, "readers disagree after the kill at {delay_ms} ms");
        if !saw_before {
            break; // the commit landed before the kill
        }
        rounds += 1;
    }
    assert!(
        rounds >= 1,
        "no kill landed during the import; the dataset is too small for this machine"
    );
    let verify = dir.ok(&["verify"]);
    assert!(verify.contains("the store is healthy"), "{verify}");
}
