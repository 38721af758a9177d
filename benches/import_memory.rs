//! Peak memory of importing a 2-million-row contacts file, as a user runs it: the real
//! `careledger` binary in its own process, measured by the kernel (`wait4`'s maximum resident
//! set). Generates a dataset whose contacts file has about 2 M rows (100 000 customers: under
//! the 256 MiB past which an import reads in chunks by default), imports staff and customers
//! first, then the contacts file alone — once in memory, once in chunks (`--chunk-rows`,
//! bounded memory, into a second store) — and prints the time, the peak memory and its ratio
//! to the file's size for each.
//!
//! `cargo bench --bench import_memory`; `CARELEDGER_BENCH_CUSTOMERS=N` changes the size.
//! Figures measured are in the README ("Measured figures").

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Runs careledger with the arguments; returns (seconds, peak resident set in bytes).
#[allow(clippy::zombie_processes)] // reaped by wait4, for its rusage
fn run(args: &[&str]) -> (f64, u64) {
    let t = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_careledger"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("careledger starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child (not reaped by `Child`, which is only dropped), with
    // valid pointers to locals.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = t.elapsed().as_secs_f64();
    assert_eq!(reaped, pid, "wait4 reaps the child");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "careledger {args:?} failed with status {status}"
    );
    // Linux reports ru_maxrss in KiB.
    (seconds, usage.ru_maxrss as u64 * 1024)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1048576.0
}

fn main() {
    let customers: u64 = std::env::var("CARELEDGER_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let db = dir.path().join("bench.redb");
    let path = |p: &Path| p.to_str().expect("a UTF-8 temp path").to_owned();
    let (data_s, db_s) = (path(&data), path(&db));
    let customers_s = customers.to_string();
    run(&["gen", "--customers", &customers_s, "--out", &data_s]);
    let file = |name: &str| path(&data.join(name));
    let streamed_db = path(&dir.path().join("streamed.redb"));
    for db in [&db_s, &streamed_db] {
        run(&[
            "--db",
            db,
            "import",
            &file("staff.csv"),
            &file("customers.csv"),
        ]);
    }
    let contacts = data.join("contacts.csv");
    let contacts_bytes = std::fs::metadata(&contacts).expect("contacts.csv").len();
    let contacts_rows = std::fs::read(&contacts)
        .expect("contacts.csv")
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        - 1;
    println!(
        "import of contacts.csv: {contacts_rows} rows, {:.1} MiB, into a store of {customers} customers",
        mib(contacts_bytes)
    );
    let chunk = (contacts_rows / 8).max(1).to_string();
    let ways: [(&str, &str, Vec<&str>); 2] = [
        ("in memory", &db_s, vec![]),
        ("in chunks", &streamed_db, vec!["--chunk-rows", &chunk]),
    ];
    for (way, db, extra) in ways {
        let before = std::fs::metadata(db).expect("store").len();
        let mut args = vec!["--db", db, "import", "--quiet"];
        args.extend(extra.iter().copied());
        let contacts_s = file("contacts.csv");
        args.push(&contacts_s);
        let (seconds, peak) = run(&args);
        let after = std::fs::metadata(db).expect("store").len();
        println!("{way}:");
        println!("  {:<26}{:>12}", "time", format!("{seconds:.1} s"));
        println!(
            "  {:<26}{:>12}",
            "rows/s",
            format!("{:.0}", contacts_rows as f64 / seconds)
        );
        println!(
            "  {:<26}{:>12}   ({:.2}× the file)",
            "peak memory (max RSS)",
            format!("{:.0} MiB", mib(peak)),
            peak as f64 / contacts_bytes as f64
        );
        println!(
            "  {:<26}{:>12}   ({:.0} bytes per contact, {:.0} per CSV row)",
            "store growth",
            format!("{:.0} MiB", mib(after.saturating_sub(before))),
            after.saturating_sub(before) as f64 / contacts_rows as f64,
            contacts_bytes as f64 / contacts_rows as f64
        );
    }
}
