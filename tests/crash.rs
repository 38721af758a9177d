//! Proves that an import is one transaction: killing the binary at any moment during a large
//! import leaves the store exactly as before (or, if the commit had landed, exactly as after),
//! a re-run then succeeds; and a reader keeps a consistent old snapshot while an import writes.

use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use careledger::csvio::{parse_file, resolve_paths, write_kind};
use careledger::generator::{GenConfig, generate};
use careledger::import::{ImportExt, ImportOptions};
use careledger::model::Kind;
use careledger::store::Store;

use crate::util::Dir;

/// Generates a dataset big enough that a debug-build import takes a few seconds.
pub(crate) fn dataset(dir: &Dir, customers: u64) -> String {
    let data = dir.join("data");
    generate(
        &GenConfig {
            customers,
            ..GenConfig::default()
        },
        crate::util::to_files(&data),
    )
    .unwrap();
    data.display().to_string()
}

/// The slowest test of the suite (about 25 s in a debug build on two cores), and necessarily
/// so: a kill can only land mid-import if the import lasts long enough, so the dataset is
/// 2 000 customers, imported in full three times (reference, rerun, and the kills).
#[test]
fn killing_an_import_leaves_the_store_as_before_slow_because_the_import_must_outlast_the_kill() {
    let dir = Dir::new();
    let data = dataset(&dir, 2000);
    // The store starts with staff and customers; the killed import brings everything else.
    dir.ok(&[
        "import",
        &format!("{data}/staff.csv"),
        &format!("{data}/customers.csv"),
    ]);
    let before = dir.snapshot();

    // What "after" looks like, from a separate store.
    let reference = Dir::new();
    reference.ok(&["import", &data]);
    let after = reference.snapshot();
    assert_ne!(before, after);

    let mut killed_mid_import = 0;
    for delay_ms in [150u64, 400, 700, 1000, 1500] {
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
        child.kill().ok(); // SIGKILL: no chance to clean up
        child.wait().unwrap();
        let now = dir.snapshot();
        if finished {
            assert_eq!(now, after, "a finished import leaves the full state");
            break;
        }
        assert!(
            now == before || now == after,
            "killed after {delay_ms} ms: the store is neither before nor after"
        );
        if now == before {
            killed_mid_import += 1;
        } else {
            break; // the commit landed just before the kill
        }
    }
    assert!(
        killed_mid_import >= 1,
        "no kill landed during the import; the dataset is too small for this machine"
    );

    // The store still opens for writing, and the same import now succeeds in full.
    dir.ok(&["import", &data]);
    assert_eq!(dir.snapshot(), after);
}

#[test]
fn a_reader_sees_the_old_snapshot_while_an_import_is_writing() {
    let dir = Dir::new();
    let data = dataset(&dir, 300);
    let (sources, _) = resolve_paths(&[data]).unwrap();
    let files: Vec<_> = sources.iter().map(|s| parse_file(s).unwrap()).collect();
    let (base, rest): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|f| matches!(f.source.kind, Kind::Staff | Kind::Customer));
    let store = Store::open_or_create(&dir.db()).unwrap();
    let options = ImportOptions {
        at: "2026-01-01 00:00:00".into(),
        ..ImportOptions::default()
    };
    store
        .import(&base, &options, &|_, _| {})
        .map_err(|_| "base import")
        .unwrap();
    let customers_before = write_kind(&store.reader().unwrap(), Kind::Customer, Vec::new())
        .unwrap()
        .0;
    let contacts: u64 = rest
        .iter()
        .filter(|f| f.source.kind == Kind::Attempt)
        .map(|f| f.rows.len() as u64)
        .sum();
    assert!(contacts > 1000);

    // Halfway through writing, the import pauses in its progress callback while the main
    // thread reads through a snapshot taken at that moment and through one taken before.
    let early = store.reader().unwrap();
    let (at_half, go_on) = (mpsc::channel::<()>(), mpsc::channel::<()>());
    std::thread::scope(|scope| {
        let store = &store;
        let (rest, options) = (&rest, &options);
        let (tx, rx) = (at_half.0, go_on.1);
        let writer = scope.spawn(move || {
            let paused = std::cell::Cell::new(false);
            let progress = |done: u64, total: u64| {
                if !paused.get() && done * 4 >= total * 3 {
                    paused.set(true);
                    tx.send(()).unwrap();
                    rx.recv().unwrap();
                }
            };
            store
                .import(rest, options, &progress)
                .map_err(|_| "import")
                .unwrap()
        });
        at_half
            .1
            .recv_timeout(Duration::from_secs(120))
            .expect("the import reaches its write phase");
        let during = store.reader().unwrap();
        for snapshot in [&early, &during] {
            assert_eq!(snapshot.count_current(Kind::Attempt).unwrap(), 0);
            assert_eq!(snapshot.count_current(Kind::Customer).unwrap(), 300);
            assert_eq!(
                write_kind(snapshot, Kind::Customer, Vec::new()).unwrap().0,
                customers_before
            );
        }
        go_on.0.send(()).unwrap();
        let outcome = writer.join().unwrap();
        assert!(outcome.recorded);
        // Old snapshots stay old after the commit; a new one sees the import.
        assert_eq!(early.count_current(Kind::Attempt).unwrap(), 0);
        assert_eq!(
            store
                .reader()
                .unwrap()
                .count_current(Kind::Attempt)
                .unwrap(),
            contacts
        );
    });
}

#[test]
fn another_process_reads_while_an_import_runs() {
    let dir = Dir::new();
    let data = dataset(&dir, 2000);
    dir.ok(&[
        "import",
        &format!("{data}/staff.csv"),
        &format!("{data}/customers.csv"),
    ]);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("careledger"))
        .arg("--db")
        .arg(dir.db())
        .args(["import", &data])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut reads_during_import = 0;
    let mut seen = Vec::new();
    while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(300) {
        let stats = dir.ok(&["--lang", "en", "stats"]);
        let contacts_line = stats
            .lines()
            .find(|l| l.starts_with("contacts"))
            .unwrap()
            .to_owned();
        let current: u64 = contacts_line
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        if child.try_wait().unwrap().is_none() {
            // Still running: the reader sees the last commit, without any contact, or the
            // import's commit with every one (while the import derives its facts after it),
            // never a part.
            seen.push((current, stats));
            reads_during_import += u64::from(current == 0);
        }
    }
    assert!(child.wait().unwrap().success());
    let after = dir.ok(&["--lang", "en", "stats"]);
    let contacts: u64 = after
        .lines()
        .find(|l| l.starts_with("contacts"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap()
        .parse()
        .unwrap();
    assert!(contacts > 0, "{after}");
    for (current, stats) in &seen {
        assert!(*current == 0 || *current == contacts, "{stats}");
    }
    assert!(
        reads_during_import >= 1,
        "the import ended before a read could run"
    );
}
