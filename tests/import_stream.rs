//! The streamed import (bounded memory, `import --chunk-rows`) against the in-memory planner,
//! its model: random sequences of imports — adds, amendments with and without `--amend`,
//! voids, several rows of one key across two files of a kind, dangling references, voids of
//! records still named, attempts and surveys moved to another customer, complaint and action
//! steps dated before their complaint or action, rows that fail to parse — into two stores,
//! one import path each, with chunks of one to four rows. After every step the two give the
//! same outcome or the same rejections (errors and their order included), and the stores the
//! same current records, the same versions of every key and the same import log. Only the
//! sequence numbers may differ (DOMAIN.md asks for one per version, not for their order).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use proptest::prelude::*;

use careledger::csvio::{
    ParsedFile, READ_BUFFER_BYTES, Rows, Source, StreamedFile, parse_reader_in_chunks,
    parse_source, write_kind,
};
use careledger::import::{
    ImportError, ImportExt, ImportFailure, ImportOptions, StreamOptions, import_streamed,
};
use careledger::model::Kind;
use careledger::store::Store;

/// The kinds the sequences draw from, in dependency order.
const KINDS: [Kind; 8] = [
    Kind::Customer,
    Kind::Attempt,
    Kind::Survey,
    Kind::Complaint,
    Kind::ComplaintStep,
    Kind::Action,
    Kind::ActionStep,
    Kind::Staff,
];

/// One row: an add (id, customer, day, a variant that changes the content, and for surveys
/// and complaints the attempt or survey they name), a void of a key, or a row that fails to
/// parse.
#[derive(Clone, Debug)]
enum Row {
    Add {
        kind: Kind,
        id: u8,
        customer: u8,
        day: u8,
        variant: u8,
        names: Option<u8>,
    },
    Void {
        kind: Kind,
        id: u8,
        day: u8,
    },
    Bad {
        kind: Kind,
        id: u8,
    },
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        3 => Just(Kind::Customer),
        3 => Just(Kind::Attempt),
        2 => Just(Kind::Survey),
        2 => Just(Kind::Complaint),
        2 => Just(Kind::ComplaintStep),
        1 => Just(Kind::Action),
        1 => Just(Kind::ActionStep),
    ]
}

/// A customer: mostly the one of the record's id (`id % 3`), so that surveys and complaints
/// agree with the attempts and surveys they name; sometimes another (a move).
fn customer_of() -> impl Strategy<Value = Option<u8>> {
    proptest::option::weighted(0.2, 0u8..3)
}

fn row() -> impl Strategy<Value = Row> {
    prop_oneof![
        12 => (kind(), 0u8..4, customer_of(), 1u8..4, 0u8..2, proptest::option::weighted(0.2, 0u8..4)).prop_map(
            |(kind, id, customer, day, variant, names)| Row::Add { kind, id, customer: customer.unwrap_or(id % 3), day, variant, names: Some(names.unwrap_or(id)) }
        ),
        2 => (kind(), 0u8..4, 1u8..4).prop_map(|(kind, id, day)| Row::Void { kind, id, day }),
        1 => (kind(), 0u8..4).prop_map(|(kind, id)| Row::Bad { kind, id }),
    ]
}

/// An import: rows, each with the file of its kind it goes to (0 or 1), and `--amend`.
fn import() -> impl Strategy<Value = (Vec<(Row, u8)>, bool)> {
    (
        proptest::collection::vec((row(), 0u8..2), 1..8),
        proptest::bool::weighted(0.7),
    )
}

/// What both stores start from: the manager who owns every action, and of every other kind
/// the records 0 to 3 (customers 0 to 2), each naming the one of its id, steps a day after.
fn base() -> Vec<(Row, u8)> {
    let mut rows = vec![(
        Row::Add {
            kind: Kind::Staff,
            id: 0,
            customer: 0,
            day: 1,
            variant: 0,
            names: None,
        },
        0,
    )];
    for kind in KINDS.iter().copied().filter(|k| *k != Kind::Staff) {
        for id in 0..if kind == Kind::Customer { 3 } else { 4 } {
            let day = if matches!(kind, Kind::ComplaintStep | Kind::ActionStep) {
                3
            } else {
                2
            };
            rows.push((
                Row::Add {
                    kind,
                    id,
                    customer: id % 3,
                    day,
                    variant: 0,
                    names: Some(id),
                },
                0,
            ));
        }
    }
    rows
}

/// The cells of an add, by column name.
fn cells(
    kind: Kind,
    id: u8,
    customer: u8,
    day: u8,
    variant: u8,
    names: Option<u8>,
) -> Vec<(&'static str, String)> {
    let at = |hour: u8| format!("2024-01-0{day} {hour:02}:00");
    match kind {
        Kind::Staff => vec![
            ("staff_id", "XM0".into()),
            ("name", "经理".into()),
            ("department", "customer_care".into()),
            ("role", "manager".into()),
            ("active_from", "2020-01-01".into()),
        ],
        Kind::Customer => vec![
            ("customer_id", format!("C{id}")),
            ("name", format!("客户{variant}")),
            ("created_on", "2023-01-01".into()),
        ],
        Kind::Attempt => vec![
            ("attempt_id", format!("A{id}")),
            ("customer_id", format!("C{customer}")),
            ("at", at(10 + variant)),
            ("channel", "phone".into()),
            ("purpose", "service_followup".into()),
            ("outcome", "reached".into()),
        ],
        Kind::Survey => vec![
            ("survey_id", format!("Q{id}")),
            (
                "attempt_id",
                names.map(|a| format!("A{a}")).unwrap_or_default(),
            ),
            ("customer_id", format!("C{customer}")),
            ("at", at(11)),
            ("subject_department", "after_sales".into()),
            ("overall", (3 + variant).to_string()),
        ],
        Kind::Complaint => vec![
            ("complaint_id", format!("K{id}")),
            ("customer_id", format!("C{customer}")),
            ("raised_at", at(9 + variant * 4)),
            ("category", "process".into()),
            ("department", "after_sales".into()),
            (
                "survey_id",
                names.map(|q| format!("Q{q}")).unwrap_or_default(),
            ),
        ],
        Kind::ComplaintStep => vec![
            ("complaint_id", format!("K{id}")),
            ("step", "replied".into()),
            ("at", at(12)),
            ("note", format!("n{variant}")),
        ],
        Kind::Action => vec![
            ("action_id", format!("T{id}")),
            ("raised_on", format!("2024-01-0{}", day.min(8) + variant)),
            ("kind", "corrective".into()),
            ("subject", "process".into()),
            ("owner_id", "XM0".into()),
            ("due_on", "2024-02-01".into()),
        ],
        Kind::ActionStep => vec![
            ("action_id", format!("T{id}")),
            ("step", "approved".into()),
            ("at", at(12)),
            ("note", format!("n{variant}")),
        ],
        _ => unreachable!("not drawn"),
    }
}

/// A row's key cells for a void: the id, and for steps their step and time.
fn key_cells(kind: Kind, id: u8, day: u8) -> Vec<(&'static str, String)> {
    let mut cells = cells(kind, id, 0, day, 0, None);
    cells.truncate(kind.key_columns());
    cells
}

/// The CSV line of cells by name, in the kind's column order, then the op.
fn line(kind: Kind, cells: &[(&str, String)], op: &str) -> String {
    let mut out: Vec<String> = kind
        .columns()
        .iter()
        .map(|c| {
            let cell = cells
                .iter()
                .find(|(n, _)| *n == c.name)
                .map_or("", |(_, v)| v.as_str());
            if cell.contains(',') {
                format!("\"{cell}\"")
            } else {
                cell.to_owned()
            }
        })
        .collect();
    out.push(op.to_owned());
    out.join(",")
}

fn header(kind: Kind) -> String {
    let mut names: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
    names.push("op");
    names.join(",")
}

/// The files of an import, as (source, text): one or two per kind, in dependency order.
fn files_of(rows: &[(Row, u8)]) -> Vec<(Source, String)> {
    let mut texts: BTreeMap<(usize, u8), Vec<String>> = BTreeMap::new();
    for (row, file) in rows {
        let (kind, text) = match row {
            Row::Add {
                kind,
                id,
                customer,
                day,
                variant,
                names,
            } => (
                *kind,
                line(
                    *kind,
                    &cells(*kind, *id, *customer, *day, *variant, *names),
                    "add",
                ),
            ),
            Row::Void { kind, id, day } => {
                (*kind, line(*kind, &key_cells(*kind, *id, *day), "void"))
            }
            Row::Bad { kind, id } => {
                // A date no calendar has, in the row's date column (after the key).
                let mut c = cells(*kind, *id, 0, 1, 0, None);
                let date = ["created_on", "at", "raised_at", "raised_on"];
                let at = c
                    .iter()
                    .skip(kind.key_columns())
                    .position(|(n, _)| date.contains(n))
                    .map(|i| i + kind.key_columns())
                    .unwrap_or(1);
                c[at].1 = "2024-13-45".into();
                (*kind, line(*kind, &c, "add"))
            }
        };
        let order = KINDS.iter().position(|k| *k == kind).expect("drawn");
        texts.entry((order, *file)).or_default().push(text);
    }
    texts
        .into_iter()
        .map(|((order, file), lines)| {
            let kind = KINDS[order];
            let source = Source {
                path: PathBuf::from(format!("{}_{file}.csv", kind.name())),
                kind,
            };
            (source, format!("{}\n{}\n", header(kind), lines.join("\n")))
        })
        .collect()
}

/// What an import came to, comparable across the two paths.
#[derive(Debug, PartialEq)]
enum Came {
    Imported(careledger::import::ImportOutcome),
    Rejected(careledger::import::Rejections),
}

fn in_memory(store: &Store, files: &[(Source, String)], options: &ImportOptions) -> Came {
    let parsed: Vec<ParsedFile> = files
        .iter()
        .map(|(source, text)| parse_source(source, text.as_bytes()).expect("well-formed files"))
        .collect();
    match store.import(&parsed, options, &|_, _| {}) {
        Ok(outcome) => Came::Imported(outcome),
        Err(ImportFailure::Rejected(r)) => Came::Rejected(r),
        Err(other) => panic!("the in-memory import failed: {other:?}"),
    }
}

/// Reads a file of `files` a chunk at a time, with the CSV room's chunked reader.
fn read_in_chunks(
    files: &[(Source, String)],
    source: &Source,
    chunk_rows: usize,
    on_chunk: &mut dyn FnMut(Rows) -> std::io::Result<()>,
) -> std::io::Result<Result<StreamedFile, Vec<ImportError>>> {
    let (_, text) = files
        .iter()
        .find(|(s, _)| s == source)
        .expect("a file of the import");
    let bytes = std::io::Cursor::new(text.as_bytes());
    parse_reader_in_chunks(source, bytes, READ_BUFFER_BYTES, chunk_rows, on_chunk)
}

fn streamed(
    store: &Store,
    files: &[(Source, String)],
    options: &ImportOptions,
    chunk_rows: usize,
    temp: &std::path::Path,
) -> Came {
    let sources: Vec<Source> = files.iter().map(|(s, _)| s.clone()).collect();
    let read =
        |source: &Source, chunk: usize, on_chunk: &mut dyn FnMut(Rows) -> std::io::Result<()>| {
            read_in_chunks(files, source, chunk, on_chunk)
        };
    let stream = StreamOptions {
        chunk_rows,
        temp_in: temp.to_owned(),
        temp_prefix: ".b.redb.import-".to_owned(),
    };
    match import_streamed(store, &sources, &read, options, &stream, &|_, _| {}) {
        Ok(imported) => Came::Imported(imported.outcome),
        Err(ImportFailure::Rejected(r)) => Came::Rejected(r),
        Err(other) => panic!("the streamed import failed: {other:?}"),
    }
}

/// Everything of a store but the sequence numbers: every kind's export, every key's
/// versions (op and record, in order), and the import log.
fn contents(store: &Store, keys: &BTreeSet<(Kind, String)>) -> (Vec<String>, Vec<String>, String) {
    let reader = store.reader().unwrap();
    let exports = Kind::ALL
        .iter()
        .map(|&kind| String::from_utf8(write_kind(&reader, kind, Vec::new()).unwrap().0).unwrap())
        .collect();
    let histories = keys
        .iter()
        .map(|(kind, key)| {
            let versions: Vec<String> = reader
                .history(*kind, key)
                .unwrap()
                .iter()
                .map(|v| {
                    format!(
                        "{}:{}:{:?}",
                        v.entry.import_id,
                        v.entry.op.as_str(),
                        v.entry.record
                    )
                })
                .collect();
            format!("{kind:?} {key}: {}", versions.join(" | "))
        })
        .collect();
    (
        exports,
        histories,
        format!("{:?}", reader.imports().unwrap()),
    )
}

/// Every key the rows can name (for the history comparison).
fn keys_of(files: &[(Source, String)]) -> BTreeSet<(Kind, String)> {
    let mut keys = BTreeSet::new();
    for (source, text) in files {
        if let Ok(parsed) = parse_source(source, text.as_bytes()) {
            keys.extend(parsed.rows.iter().map(|r| (source.kind, r.key.to_owned())));
        }
    }
    keys
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_streamed_import_decides_as_the_in_memory_planner(
        imports in proptest::collection::vec(import(), 1..6),
        chunk_rows in 1usize..5,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, b) = (
            Store::open_or_create(&dir.path().join("a.redb")).unwrap(),
            Store::open_or_create(&dir.path().join("b.redb")).unwrap(),
        );
        // `a` folds its recent layers into `current` and `refs` as soon as they hold two
        // entries and an eighth of the table; `b` keeps every key since its first import in
        // them (store::layers): the two read alike, and both verify.
        a.fold_recent_past(1);
        let base = files_of(&base());
        let options = ImportOptions { amend: false, dry_run: false, at: "2026-11-30 12:00:00".into() };
        prop_assert!(matches!(in_memory(&a, &base, &options), Came::Imported(_)));
        prop_assert!(matches!(streamed(&b, &base, &options, chunk_rows, dir.path()), Came::Imported(_)));
        let mut keys = keys_of(&base);
        for (step, (rows, amend)) in imports.iter().enumerate() {
            let files = files_of(rows);
            keys.extend(keys_of(&files));
            let options = ImportOptions { amend: *amend, ..options.clone() };
            let expected = in_memory(&a, &files, &options);
            let got = streamed(&b, &files, &options, chunk_rows, dir.path());
            prop_assert_eq!(got, expected, "step {}", step);
            prop_assert_eq!(contents(&b, &keys), contents(&a, &keys), "step {}", step);
        }
        // Nothing is left behind in the folder the runs went to.
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        prop_assert_eq!(left.len(), 2, "{:?}", left);
        // The indexes, whose entries the streamed import set aside in runs of a few rows and
        // merged at the end, hold what the records say: `verify` derives them again.
        drop((a, b));
        for name in ["a.redb", "b.redb"] {
            let report = careledger::store::verify(&dir.path().join(name)).unwrap();
            prop_assert!(report.is_healthy(), "{}: {:?}", name, report.problems);
        }
    }
}

use assert_cmd::cargo::CommandCargoExt;

use crate::util::{BASE, Dir};

/// Runs careledger in `dir` on the store `db`.
fn run_on(dir: &Dir, db: &str, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::cargo_bin("careledger").expect("the binary is built");
    cmd.current_dir(dir.path())
        .env_remove("CARELEDGER_DB")
        .arg("--db")
        .arg(dir.join(db))
        .arg("--lang")
        .arg("en");
    cmd.args(args).output().expect("careledger runs")
}

/// A folder with the small valid dataset in `base/`, not imported.
fn with_base_files() -> Dir {
    let dir = Dir::new();
    for (name, text) in BASE {
        dir.write(&format!("base/{name}"), text);
    }
    dir
}

/// The names of the entries of the folder that `keep` keeps.
fn entries(dir: &Dir, keep: impl Fn(&str) -> bool) -> Vec<String> {
    std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| keep(n))
        .collect()
}

fn ok_on(dir: &Dir, db: &str, args: &[&str]) -> String {
    let out = run_on(dir, db, args);
    assert!(
        out.status.success(),
        "careledger {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The golden store's three imports (a close's inputs: an amended survey, a voided sale),
/// once as the in-memory import does them and once in chunks of two rows: the same
/// summaries, the same records, the same payouts, a healthy store and no file left behind.
#[test]
fn an_import_in_chunks_writes_what_an_import_in_memory_writes() {
    let dir = Dir::new();
    let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/golden/input");
    for (n, amend) in [("1", false), ("2", true), ("3", true)] {
        let folder = input.join(n);
        let mut args = vec!["import", folder.to_str().unwrap()];
        if amend {
            args.push("--amend");
        }
        let whole = ok_on(&dir, "whole.redb", &args);
        args.extend(["--chunk-rows", "2"]);
        let chunked = ok_on(&dir, "chunked.redb", &args);
        assert_eq!(chunked, whole, "import {n}");
    }
    for args in [
        vec![
            "report", "payouts", "--month", "2024-03", "--format", "json",
        ],
        vec![
            "report", "payouts", "--month", "2024-04", "--format", "json",
        ],
        vec!["report", "visits", "--month", "2024-03", "--format", "json"],
    ] {
        assert_eq!(
            ok_on(&dir, "chunked.redb", &args),
            ok_on(&dir, "whole.redb", &args)
        );
    }
    for db in ["whole.redb", "chunked.redb"] {
        let folder = dir.join(&format!("export-{db}"));
        ok_on(&dir, db, &["export", folder.to_str().unwrap()]);
    }
    for kind in Kind::ALL {
        let name = kind.file_name();
        let read = |db: &str| std::fs::read(dir.join(&format!("export-{db}/{name}"))).ok();
        assert_eq!(read("chunked.redb"), read("whole.redb"), "{name}");
    }
    assert!(ok_on(&dir, "chunked.redb", &["verify"]).contains("the store is healthy"));
    let left = entries(&dir, |n| n.starts_with('.'));
    assert!(left.is_empty(), "{left:?}");
}

/// A rejected import in chunks into a new store lists the errors the in-memory import lists,
/// and leaves no store file and no temporary folder behind.
#[test]
fn a_rejected_import_in_chunks_leaves_nothing_behind() {
    let dir = with_base_files();
    // A contact of a customer no file has.
    dir.write(
        "base/contacts.csv",
        "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note\nA0000001,C00011,2024-01-16 09:12,phone,XS003,delivery_call_1,reached,\nA0000002,C09999,2024-01-17 09:12,phone,XS003,delivery_call_1,reached,\n",
    );
    let base = dir.join("base");
    let whole = run_on(&dir, "whole.redb", &["import", base.to_str().unwrap()]);
    let chunked = run_on(
        &dir,
        "chunked.redb",
        &["import", base.to_str().unwrap(), "--chunk-rows", "1"],
    );
    assert_eq!(chunked.status.code(), Some(2));
    assert_eq!(whole.status.code(), Some(2));
    let stderr = String::from_utf8(chunked.stderr).unwrap();
    assert!(
        stderr.contains("contacts.csv:3: customer_id: refers to customer"),
        "{stderr}"
    );
    assert_eq!(stderr, String::from_utf8(whole.stderr).unwrap());
    let left = entries(&dir, |n| n != "base");
    assert!(left.is_empty(), "{left:?}");
    // An empty file given as the store (as `mktemp` makes) is left empty.
    std::fs::write(dir.join("empty.redb"), b"").unwrap();
    let out = run_on(
        &dir,
        "empty.redb",
        &["import", base.to_str().unwrap(), "--chunk-rows", "1"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::metadata(dir.join("empty.redb")).unwrap().len(), 0);
}

/// A dry run in chunks says what a dry run in memory says, creates no store, and leaves an
/// existing store's records as they were.
#[test]
fn a_dry_run_in_chunks_reports_as_one_in_memory_and_changes_nothing() {
    let dir = with_base_files();
    let base = dir.join("base");
    let base = base.to_str().unwrap();
    let whole = ok_on(&dir, "none.redb", &["import", "--dry-run", base]);
    let chunked = ok_on(
        &dir,
        "none.redb",
        &["import", "--dry-run", "--chunk-rows", "1", base],
    );
    assert!(
        whole.starts_with("dry run of import 1: 8 files, 11 rows\n"),
        "{whole}"
    );
    assert_eq!(chunked, whole);
    assert!(!dir.join("none.redb").exists(), "a dry run created a store");
    ok_on(&dir, "store.redb", &["import", base]);
    // An amendment and a void, tried and not written.
    dir.write(
        "change/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on,op\nC00002,李雷雷,13900001111,,,2023-01-02,add\n",
    );
    let change = dir.join("change");
    let change = change.to_str().unwrap();
    let export = |name: &str| {
        let folder = dir.join(name);
        ok_on(&dir, "store.redb", &["export", folder.to_str().unwrap()]);
        std::fs::read(folder.join("customers.csv")).unwrap()
    };
    let before = export("before");
    let whole = ok_on(
        &dir,
        "store.redb",
        &["import", "--dry-run", "--amend", change],
    );
    let chunked = ok_on(
        &dir,
        "store.redb",
        &[
            "import",
            "--dry-run",
            "--amend",
            "--chunk-rows",
            "2",
            change,
        ],
    );
    assert!(
        whole.starts_with("dry run of import 2: 1 file, 1 row\n"),
        "{whole}"
    );
    assert_eq!(crate::util::counts(&chunked, "customers"), [0, 1, 0, 0]);
    assert_eq!(chunked, whole);
    assert_eq!(export("after"), before);
    let left = entries(&dir, |n| n.starts_with('.'));
    assert!(left.is_empty(), "{left:?}");
}
