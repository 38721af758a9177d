//! Proves that a store written by the release of format 1 (`fixtures/golden/`, see its
//! README) still reads exactly as it was written: it opens, shows `format 1`, verifies,
//! exports the committed files byte for byte, shows its closed months exactly as closed, and
//! takes new imports (which make it format 2: `store::log`); and that a store of a newer
//! format is refused, untouched.

use std::path::{Path, PathBuf};

use crate::util::Dir;

fn golden(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/golden")
        .join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(golden(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A dir whose store is a copy of the golden store (the committed file is never opened: a
/// read may repair, and a test must not change it).
fn golden_copy() -> Dir {
    let dir = Dir::new();
    std::fs::copy(golden("golden.redb"), dir.db()).expect("copy the golden store");
    dir
}

#[test]
fn the_golden_store_opens_verifies_and_shows_format_1() {
    let dir = golden_copy();
    let stats = dir.ok(&["--lang", "en", "stats"]);
    let (first, body) = stats.split_once('\n').unwrap();
    assert!(first.ends_with(", format 1)"), "{stats}");
    // Worked out from the inputs (README): S2 added then voided; Q2 added, amended twice.
    let kinds: Vec<&str> = body.lines().take(9).collect();
    assert_eq!(
        kinds,
        [
            "kind                 current    versions",
            "staff                      4           4",
            "customers                  3           3",
            "sales                      1           3",
            "service_orders             2           2",
            "insurance                  2           2",
            "contacts                   4           4",
            "surveys                    4           6",
            "survey_answers             3           3",
        ]
    );
    assert!(
        body.contains("\nimports: 3; last: import 3 at 2026-11-30 "),
        "{stats}"
    );
    let verify = dir.ok(&["verify"]);
    assert!(verify.ends_with("the store is healthy\n"), "{verify}");
    assert!(
        verify.contains("  statements             2 entries\n"),
        "{verify}"
    );
}

/// `export` of the store in `dir` writes the 13 files of `committed`, byte for byte.
fn exports_as_committed(dir: &Dir, committed: &Path) {
    let out = dir.join("export");
    dir.ok(&["export", out.to_str().unwrap()]);
    let mut names: Vec<String> = std::fs::read_dir(committed)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 13, "{names:?}");
    for name in names {
        let expected = std::fs::read(committed.join(&name)).unwrap();
        let actual = std::fs::read(out.join(&name)).unwrap();
        assert!(
            actual == expected,
            "export/{name} differs:\n--- committed\n{}\n--- exported\n{}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&actual)
        );
    }
}

#[test]
fn the_golden_store_exports_the_committed_files_byte_for_byte() {
    let dir = golden_copy();
    // The eight kinds of the first release, and the five of DOMAIN.md sections 12–13,
    // which the golden store has no record of: their files are a header only.
    exports_as_committed(&dir, &golden("export"));
    assert_eq!(
        dir.ok(&["--lang", "en", "history", "surveys", "Q2"]),
        read("report/history-surveys-Q2.txt")
    );
}

/// A closed month is shown as the text that was closed (`closed/`, whose SHA-256 the store
/// keeps), with what is known since appended: `closed`, and for March the change since
/// close (+300.00: Q2 back to 5 after April settled −300.00).
#[test]
fn the_golden_store_shows_its_closed_months_exactly_as_closed() {
    let dir = golden_copy();
    for month in ["2024-03", "2024-04"] {
        let shown = dir.ok(&["report", "payouts", "--month", month, "--format", "json"]);
        assert_eq!(
            shown,
            read(&format!("report/payouts-{month}.json")),
            "{month}"
        );
        let closed = read(&format!("closed/{month}.json"));
        let kept = closed.strip_suffix("\n}\n").expect("a JSON object");
        let appended = shown.strip_prefix(kept).unwrap_or_else(|| {
            panic!("{month} is not shown as closed:\n{shown}\n--- closed:\n{closed}")
        });
        let sha256 = careledger::store::sha256_hex(closed.as_bytes());
        assert!(
            appended.starts_with(&format!(
                ",\n  \"closed\": {{\n    \"closed_at\": \"2026-11-30 06:33:50\",\n    \"sha256\": \"{sha256}\"\n  }}"
            )),
            "{month}: {appended}"
        );
    }
    let april: serde_json::Value = serde_json::from_str(&read("closed/2024-04.json")).unwrap();
    assert_eq!(april["adjustments"][0]["amount"], "-300.00");
    assert_eq!(april["payable_total"], "-100.00");
    let march = dir.ok(&[
        "report", "payouts", "--month", "2024-03", "--format", "json",
    ]);
    let march: serde_json::Value = serde_json::from_str(&march).unwrap();
    assert_eq!(march["changes_since_close_total"], "300.00");
    // May, the first open month, settles March's change.
    let may = dir.ok(&[
        "report", "payouts", "--month", "2024-05", "--format", "json",
    ]);
    let may: serde_json::Value = serde_json::from_str(&may).unwrap();
    assert_eq!(
        (
            may["adjustments_total"].as_str(),
            may["payable_total"].as_str()
        ),
        (Some("300.00"), Some("300.00"))
    );
    // The other views of a closed month show the closed figures too.
    let md = dir.ok(&[
        "--lang", "en", "report", "payouts", "--month", "2024-04", "--format", "md",
    ]);
    assert!(md.contains("Closed at 2026-11-30 06:33:50"), "{md}");
    assert!(
        md.contains("- **Prior-period adjustments** -300.00; **payable** -100.00"),
        "{md}"
    );
}

/// An import into the format-1 store appends its versions in format 2's log segments
/// beside format 1's `log` entries, and marks the store format 3: the log reads as one,
/// across both (the amended survey's four versions, three old and one new, in order).
#[test]
fn the_golden_store_takes_a_new_import() {
    let dir = golden_copy();
    dir.write(
        "new/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on\nC4,周女士,,,,2024-05-01\n",
    );
    dir.write(
        "new/surveys.csv",
        "survey_id,attempt_id,customer_id,at,subject_department,overall,issues,comment\nQ2,,C1,2024-03-07 15:00,customer_care,3,,\n",
    );
    dir.ok(&["import", "--amend", dir.join("new").to_str().unwrap()]);
    let verify = dir.ok(&["verify"]);
    assert!(verify.ends_with("the store is healthy\n"), "{verify}");
    // 27 versions of format 1 and the 2 new ones.
    assert!(
        verify.contains("\n  log                   29 entries\n"),
        "{verify}"
    );
    let stats = dir.ok(&["--lang", "en", "stats", "--tables"]);
    assert!(
        stats.contains("\ncustomers                  4           4\n"),
        "{stats}"
    );
    assert!(
        stats.contains("\nsurveys                    4           7\n"),
        "{stats}"
    );
    assert!(stats.lines().next().unwrap().ends_with(", format 3)"));
    let entries = |table: &str| {
        stats
            .lines()
            .find(|l| l.split_whitespace().next() == Some(table))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or_else(|| panic!("no {table} in {stats}"))
            .to_owned()
    };
    assert_eq!(
        (entries("log"), entries("log_segments")),
        ("27".into(), "1".into())
    );
    // Format 1 listed the six references to staff in `refs` (sale S1 and attempts A1, A2 to
    // XS001, order R1 to SH001, A3 to KF001, A4 to KF002); the import counted them instead:
    // one entry per staff member and naming kind. It also dropped the three answers'
    // references to their surveys, which their keys imply: 25 - 6 - 3. The amended survey
    // Q2's reference to C1 was taken out of `refs` with its old version and filed anew with
    // its new one, in the recent layer with the new customer C4's record (store format 3):
    // 15 + 1.
    assert_eq!(
        (
            entries("refs"),
            entries("refs_recent"),
            entries("ref_counts")
        ),
        ("15".into(), "1".into(), "5".into())
    );
    assert_eq!(entries("current_recent"), "1");
    let history = dir.ok(&["--lang", "en", "history", "surveys", "Q2"]);
    assert!(history.starts_with("surveys Q2: 4 versions\n"), "{history}");
    let versions: Vec<&str> = history
        .lines()
        .filter(|l| l.starts_with("version #"))
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(
        versions,
        ["version #19", "version #26", "version #27", "version #29"]
    );
    assert!(
        history.ends_with(
            "  * overall             3\n    issues              \n    comment             \n"
        ),
        "{history}"
    );
}

/// A staff member's referrers, counted since the import that made the store format 2, and a
/// survey's answers, no longer listed in `refs`, are still named when a void would leave
/// them dangling — by an import in memory and by one in chunks alike — and a void that
/// takes its referrer with it goes through.
#[test]
fn the_golden_store_names_a_staff_members_referrers_after_counting_them() {
    let dir = golden_copy();
    dir.write(
        "new/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on\nC4,周女士,,,,2024-05-01\n",
    );
    dir.ok(&["import", dir.join("new").to_str().unwrap()]);
    dir.write(
        "void/staff.csv",
        "staff_id,name,department,role,active_from,active_to,op\nXS001,,,,,,void\nKF002,,,,,,void\n",
    );
    // And a survey's answers, whose keys name it.
    dir.write(
        "void/surveys.csv",
        "survey_id,attempt_id,customer_id,at,subject_department,overall,issues,comment,op\nQ3,,,,,,,,void\n",
    );
    let void = dir.join("void").display().to_string();
    for args in [
        &["--lang", "en", "import", &void][..],
        &["--lang", "en", "import", "--chunk-rows", "1", &void],
    ] {
        let stderr = dir.fails(args);
        assert!(
            stderr.contains("staff.csv:2: staff_id: cannot void staff member `XS001`: sale `S1`, contact attempt `A1`, contact attempt `A2` still refer to it"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("staff.csv:3: staff_id: cannot void staff member `KF002`: contact attempt `A4` still refers to it"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("surveys.csv:2: survey_id: cannot void survey `Q3`: survey answer `Q3/consultant_attitude`, survey answer `Q3/waiting` still refer to it"),
            "{args:?}: {stderr}"
        );
    }
    std::fs::remove_file(dir.join("void/surveys.csv")).unwrap();
    dir.write(
        "void/staff.csv",
        "staff_id,name,department,role,active_from,active_to,op\nKF002,,,,,,void\n",
    );
    dir.write(
        "void/contacts.csv",
        "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note,op\nA4,,,,,,,,void\n",
    );
    dir.ok(&["import", "--chunk-rows", "1", &void]);
    assert!(dir.ok(&["verify"]).ends_with("the store is healthy\n"));
}

/// What a later release that writes a newer format would leave in `meta`.
fn set_format_version(db: &Path, version: u64) {
    const META: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("meta");
    let db = redb::Database::open(db).unwrap();
    let txn = db.begin_write().unwrap();
    txn.open_table(META)
        .unwrap()
        .insert("format_version", version)
        .unwrap();
    txn.commit().unwrap();
}

/// A store of a newer format is refused, exit 2 (the store is sound; the binary is the wrong
/// one), by every command, before anything is read or written.
#[test]
fn a_store_of_a_newer_format_is_refused_untouched() {
    let dir = golden_copy();
    set_format_version(&dir.db(), 4);
    let before = std::fs::read(dir.db()).unwrap();
    dir.write(
        "new/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on\nC4,周女士,,,,2024-05-01\n",
    );
    let new = dir.join("new").display().to_string();
    let export = dir.join("export").display().to_string();
    for args in [
        &["--lang", "en", "stats"][..],
        &["verify"],
        &["export", &export],
        &["report", "payouts", "--month", "2024-04"],
        &["import", &new],
        &["import", "--dry-run", &new],
        &["close", "--month", "2024-05"],
    ] {
        let stderr = dir.fails(args);
        assert!(
            stderr.contains("was written by a newer careledger (format 4; this careledger reads format 3 and older); use that release or newer"),
            "{args:?}: {stderr}"
        );
        assert!(
            std::fs::read(dir.db()).unwrap() == before,
            "{args:?} changed the store"
        );
    }
    assert!(!dir.join("export").exists());
}

/// The golden store of format 2 (`fixtures/golden-2/`: the same inputs and steps as format
/// 1's, written by the release that introduced format 2) reads as it was written: the same
/// records and versions as format 1's; its log in three segments (one per import) and no
/// `log` table; `history` holding only the versions no longer current (sale S2's add and
/// void, survey Q2's first two: 4); the six references to staff counted (5 entries) and the
/// three answers' references to their surveys implied by their keys (refs: 16); and it
/// exports, reports and shows history exactly as committed.
#[test]
fn the_format_2_golden_store_reads_as_written() {
    golden_reads_as_written(
        "golden-2",
        "format 2",
        ("3", "27"),
        &[("history", "4"), ("ref_counts", "5"), ("refs", "16")],
    );
}

/// The golden store of format 3 (`fixtures/golden-3/`: format 2's steps, then a new customer
/// C4) reads as it was written: its recent layers hold the survey Q2's reference to C1,
/// filed anew by its amendment (refs 15 + 1), and C4 (current 23 + 1); the log has a
/// fourth segment and 28 versions.
#[test]
fn the_format_3_golden_store_reads_as_written() {
    golden_reads_as_written(
        "golden-3",
        "format 3",
        ("4", "28"),
        &[
            ("history", "4"),
            ("ref_counts", "5"),
            ("refs", "15"),
            ("refs_recent", "1"),
            ("current", "23"),
            ("current_recent", "1"),
        ],
    );
}

/// A committed golden store of a later format than 1, in `fixtures/FOLDER`, against what it
/// was committed with: its format, format 1's records and versions (and C4, when there),
/// no `log` table, its log segments and versions (`log`), the entries of `tables`, `verify`,
/// `export`, both payouts reports and Q2's history.
fn golden_reads_as_written(folder: &str, format: &str, log: (&str, &str), tables: &[(&str, &str)]) {
    let golden = |path: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(folder)
            .join(path)
    };
    let dir = Dir::new();
    std::fs::copy(golden("golden.redb"), dir.db()).expect("copy the golden store");
    let stats = dir.ok(&["--lang", "en", "stats", "--tables"]);
    assert!(
        stats
            .lines()
            .next()
            .unwrap()
            .ends_with(&format!(", {format})")),
        "{stats}"
    );
    for line in [
        "\nsales                      1           3\n",
        "\nsurveys                    4           6\n",
        "\nsurvey_answers             3           3\n",
    ] {
        assert!(stats.contains(line), "{line:?} not in {stats}");
    }
    let entries = |table: &str| {
        stats
            .lines()
            .find(|l| l.split_whitespace().next() == Some(table))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_owned)
    };
    assert_eq!(entries("log"), None);
    assert_eq!(entries("log_segments").as_deref(), Some(log.0));
    for (table, n) in tables {
        assert_eq!(entries(table).as_deref(), Some(*n), "{table}");
    }
    let verify = dir.ok(&["verify"]);
    assert!(verify.ends_with("the store is healthy\n"), "{verify}");
    assert!(
        verify.contains(&format!("\n  log                   {} entries\n", log.1)),
        "{verify}"
    );
    exports_as_committed(&dir, &golden("export"));
    for month in ["2024-03", "2024-04"] {
        let shown = dir.ok(&["report", "payouts", "--month", month, "--format", "json"]);
        let committed = std::fs::read_to_string(golden(&format!("report/payouts-{month}.json")));
        assert_eq!(shown, committed.unwrap(), "{month}");
    }
    assert_eq!(
        dir.ok(&["--lang", "en", "history", "surveys", "Q2"]),
        std::fs::read_to_string(golden("report/history-surveys-Q2.txt")).unwrap()
    );
}
