//! Proves the behaviour of the commands (DOMAIN.md sections 10 and 11): idempotent and dry-run
//! imports, how import paths are resolved, the export round trip, file permissions, phone
//! masking, `history` and `stats`, the store location, and exit code 2 for bad usage.

use crate::util::{BASE, Dir, counts};

/// The kinds listed in an import summary, in order.
fn kinds_listed(stdout: &str) -> Vec<&str> {
    let table = stdout.split_once("\nkind ").expect("a count table").1;
    table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cells = l.split_whitespace();
            let kind = cells.next()?;
            (cells.count() == 4).then_some(kind)
        })
        .collect()
}

/// `stats` without its first line (the file size, which redb changes even on an aborted
/// transaction).
fn stats_body(d: &Dir) -> String {
    let stats = d.ok(&["--lang", "en", "stats"]);
    let (first, rest) = stats.split_once('\n').unwrap();
    assert!(first.starts_with("store "), "{stats}");
    rest.to_owned()
}

/// Writes BASE into `folder/` of the dir.
fn write_base(d: &Dir, folder: &str) {
    for (name, text) in BASE {
        d.write(&format!("{folder}/{name}"), text);
    }
}

/// BASE's row counts by kind, in dependency order: 11 rows in all. Every kind is listed,
/// those BASE has no file of with 0, because the export writes every kind (the import lists
/// only the kinds it has files of: the first eight).
const BASE_ROWS: [(&str, u64); 13] = [
    ("staff", 3),
    ("customers", 2),
    ("sales", 1),
    ("service_orders", 1),
    ("insurance", 1),
    ("contacts", 1),
    ("surveys", 1),
    ("survey_answers", 1),
    ("complaints", 0),
    ("complaint_steps", 0),
    ("actions", 0),
    ("action_steps", 0),
    ("calendar", 0),
];

const CUSTOMERS: &str = "customer_id,name,phone,family_id,tags,created_on\n";

#[test]
fn importing_the_same_files_twice_records_one_import() {
    let d = Dir::new();
    d.with_base();
    let before = d.snapshot();
    let out = d.ok(&["import", "base"]);
    assert!(
        out.starts_with("nothing to import: all 11 rows are already in the store"),
        "{out}"
    );
    // The import lists the kinds it has files of: BASE's eight.
    for &(kind, n) in &BASE_ROWS[..8] {
        assert_eq!(counts(&out, kind), [0, 0, 0, n], "{kind} in:\n{out}");
    }
    let stats = d.ok(&["--lang", "en", "stats"]);
    assert!(
        stats.contains("\nimports: 1; last: import 1 at "),
        "{stats}"
    );
    assert_eq!(d.snapshot(), before);
}

#[test]
fn a_dry_run_reports_the_counts_and_writes_nothing() {
    let d = Dir::new();
    d.with_base();
    let before = (d.snapshot(), stats_body(&d));
    // Two new customers, one identical to the store's, one amendment of C00011's name.
    d.write(
        "new/customers.csv",
        format!(
            "{CUSTOMERS}C00020,周敏,,,,2024-01-02\nC00021,吴昊,,,,2024-01-02\nC00002,李雷,13900001111,,,2023-01-02\nC00011,王芳芳,13812341234,F0007,influential;media,2023-04-02\n"
        ),
    );
    let out = d.ok(&["import", "--dry-run", "--amend", "new/customers.csv"]);
    assert!(
        out.starts_with("dry run of import 2: 1 file, 4 rows\n"),
        "{out}"
    );
    assert_eq!(counts(&out, "customers"), [2, 1, 0, 1], "{out}");
    assert_eq!(kinds_listed(&out), ["customers"], "{out}");
    assert!(
        out.trim_end()
            .ends_with("dry run: everything checked, nothing written"),
        "{out}"
    );
    assert!(before == (d.snapshot(), stats_body(&d)), "a dry run wrote");
    let history = d.ok(&["history", "customers", "C00011"]);
    assert!(
        history.starts_with("customers C00011: 1 version\n"),
        "{history}"
    );

    // A dry run of bad input fails like the real import.
    let stderr = d.fails(&["import", "--dry-run", "new/customers.csv"]);
    assert!(stderr.contains("new/customers.csv:5: name: "), "{stderr}");
}

#[test]
fn a_dry_run_on_a_new_path_leaves_no_store_file() {
    let d = Dir::new();
    write_base(&d, "base");
    let out = d.ok(&["import", "--dry-run", "base"]);
    assert!(
        out.starts_with("dry run of import 1: 8 files, 11 rows\n"),
        "{out}"
    );
    for &(kind, n) in &BASE_ROWS[..8] {
        assert_eq!(counts(&out, kind), [n, 0, 0, 0], "{kind} in:\n{out}");
    }
    assert!(!d.db().exists(), "a dry run left a store file");
}

#[test]
fn a_folder_import_takes_the_files_named_as_kinds_and_warns_about_other_csv_files() {
    let d = Dir::new();
    d.write("f/staff.csv", BASE[0].1);
    d.write("f/kunden.csv", BASE[1].1);
    d.write("f/notes.txt", "not a csv file\n");
    let out = d.run(&["import", "f"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.starts_with("import 1: 1 file, 3 rows\n"), "{stdout}");
    assert_eq!(kinds_listed(&stdout), ["staff"], "{stdout}");
    assert_eq!(counts(&stdout, "staff"), [3, 0, 0, 0]);
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with("warning: f/kunden.csv: "),
        "{stderr}"
    );
    assert!(warnings[0].contains("KIND=FILE"), "{stderr}");

    // KIND=FILE imports a file of another name.
    let out = d.ok(&["import", "customers=f/kunden.csv"]);
    assert!(out.starts_with("import 2: 1 file, 2 rows\n"), "{out}");
    assert_eq!(counts(&out, "customers"), [2, 0, 0, 0], "{out}");
    let history = d.ok(&["history", "customers", "C00002"]);
    assert!(history.contains("(f/kunden.csv)"), "{history}");

    // Named directly, a file whose name is not a kind is an error suggesting KIND=FILE.
    let stderr = d.fails(&["import", "f/kunden.csv"]);
    assert!(stderr.contains("f/kunden.csv"), "{stderr}");
    assert!(stderr.contains("KIND=FILE"), "{stderr}");
    assert!(stderr.contains("customers.csv"), "{stderr}");
    // As is an unknown kind, and a folder with none of the files.
    let stderr = d.fails(&["import", "clients=f/kunden.csv"]);
    assert!(
        stderr.contains("`clients` is not a record kind"),
        "{stderr}"
    );
    d.write("empty/readme.txt", "nothing here\n");
    let stderr = d.fails(&["import", "empty"]);
    assert!(stderr.contains("empty"), "{stderr}");
    assert!(stderr.contains("none of the files"), "{stderr}");
    assert!(d.ok(&["--lang", "en", "stats"]).contains("\nimports: 2; "));
}

#[test]
fn export_import_export_is_byte_identical_and_files_start_with_a_bom() {
    let d = Dir::new();
    d.with_base();
    let out = d.ok(&["export", "out1"]);
    for (kind, n) in BASE_ROWS {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("out1/{kind}.csv ")))
            .unwrap_or_else(|| panic!("no line for {kind} in:\n{out}"));
        let noun = if n == 1 { "row" } else { "rows" };
        assert!(line.ends_with(&format!(" {n} {noun}")), "{line}");
    }

    let e = Dir::new();
    let first = d.join("out1");
    let out = e.ok(&["import", first.to_str().unwrap()]);
    for (kind, n) in BASE_ROWS {
        assert_eq!(counts(&out, kind), [n, 0, 0, 0], "{kind} in:\n{out}");
    }
    e.ok(&["export", "out2"]);

    let mut names: Vec<String> = std::fs::read_dir(&first)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = BASE_ROWS.iter().map(|(k, _)| format!("{k}.csv")).collect();
    expected.sort();
    assert_eq!(names, expected);
    for name in &names {
        let a = std::fs::read(first.join(name)).unwrap();
        let b = std::fs::read(e.join("out2").join(name)).unwrap();
        assert!(a.starts_with(b"\xEF\xBB\xBF"), "{name} has no BOM");
        assert!(a == b, "{name} differs after the round trip");
    }

    // The canonical form, worked out from BASE: seconds on datetimes, two decimals on money,
    // booleans spelled out, RFC 4180 quoting.
    let text = |name: &str| String::from_utf8(std::fs::read(first.join(name)).unwrap()).unwrap();
    assert_eq!(
        text("sales.csv"),
        "\u{feff}sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id\nS000001,C00011,LFV3A23C5K3012345,2024-01-15 10:30:00,XS003,191370.50,C00002\n"
    );
    assert_eq!(
        text("service_orders.csv"),
        "\u{feff}order_id,customer_id,vin,opened_at,closed_at,revenue,advisor_id,followup_consent\nR0000001,C00011,LFV3A23C5K3012345,2024-07-13 09:00:00,2024-07-13 11:00:00,380.00,SH003,true\n"
    );
    assert_eq!(
        text("contacts.csv"),
        "\u{feff}attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note\nA0000001,C00011,2024-01-16 09:12:00,phone,XS003,delivery_call_1,reached,\"客户满意, 无问题\"\n"
    );
}

#[cfg(unix)]
#[test]
fn the_store_and_exported_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let d = Dir::new();
    d.with_base();
    assert_eq!(mode(&d.db()), 0o600, "store file mode");
    // An existing world-readable export is replaced by a private one.
    let stale = d.write("out/customers.csv", "stale\n");
    std::fs::set_permissions(&stale, std::fs::Permissions::from_mode(0o644)).unwrap();
    d.ok(&["export", "out"]);
    for (kind, _) in BASE_ROWS {
        let path = d.join(&format!("out/{kind}.csv"));
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}

#[test]
fn history_masks_phones_unless_asked() {
    let d = Dir::new();
    d.with_base();
    let history = d.ok(&["history", "customers", "C00011"]);
    assert!(
        history.starts_with("customers C00011: 1 version\n"),
        "{history}"
    );
    assert!(
        history
            .lines()
            .any(|l| l.split_whitespace().eq(["phone", "138****1234"])),
        "{history}"
    );
    assert!(!history.contains("13812341234"), "{history}");
    let shown = d.ok(&["history", "customers", "C00011", "--show-phone"]);
    assert!(
        shown
            .lines()
            .any(|l| l.split_whitespace().eq(["phone", "13812341234"])),
        "{shown}"
    );
}

#[test]
fn no_command_output_holds_a_full_phone() {
    let d = Dir::new();
    write_base(&d, "base");
    let mut outputs = Vec::new();
    let mut run = |args: &[&str], code: i32| {
        let out = d.run(args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        outputs.push((args.join(" "), out.stdout, out.stderr));
    };
    run(&["import", "--dry-run", "base"], 0);
    run(&["import", "base"], 0);
    run(&["import", "base"], 0);
    run(&["--lang", "en", "stats"], 0);
    run(&["history", "customers", "C00011"], 0);
    run(&["history", "customers", "C00002"], 0);
    run(&["export", "out"], 0);
    // A rejected row of a customer with a phone: the error names the bad cell only.
    d.write(
        "bad/customers.csv",
        format!("{CUSTOMERS}C00011,王芳,13812341234,F0007,influential;media,2023-02-30\n"),
    );
    run(&["import", "bad/customers.csv"], 2);
    for (args, stdout, stderr) in &outputs {
        for text in [stdout, stderr] {
            let text = String::from_utf8_lossy(text);
            for phone in ["13812341234", "13900001111"] {
                assert!(
                    !text.contains(phone),
                    "`careledger {args}` printed the phone {phone}:\n{text}"
                );
            }
        }
    }
    // The export itself holds the data in full: it is the interchange file, not a display.
    let customers = std::fs::read_to_string(d.join("out/customers.csv")).unwrap();
    assert!(customers.contains(",13812341234,"), "{customers}");
}

#[test]
fn an_amendment_error_masks_the_phone() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "fix/customers.csv",
        format!("{CUSTOMERS}C00011,王芳,13812345678,F0007,influential;media,2023-04-02\n"),
    );
    let stderr = d.fails(&["import", "fix/customers.csv"]);
    assert!(stderr.contains("fix/customers.csv:2: phone: "), "{stderr}");
    assert!(!stderr.contains("13812341234"), "{stderr}");
    assert!(!stderr.contains("13812345678"), "{stderr}");
    assert!(stderr.contains("138****1234"), "{stderr}");
}

#[test]
fn history_of_a_survey_answer_and_history_errors() {
    let d = Dir::new();
    d.with_base();
    let history = d.ok(&["history", "survey_answers", "Q000001/consultant_attitude"]);
    assert!(
        history.starts_with("survey_answers Q000001/consultant_attitude: 1 version\n"),
        "{history}"
    );
    for (column, value) in [
        ("survey_id", "Q000001"),
        ("question", "consultant_attitude"),
        ("score", "5"),
    ] {
        assert!(
            history
                .lines()
                .any(|l| l.split_whitespace().eq([column, value])),
            "{history}"
        );
    }
    assert!(history.contains("/base/survey_answers.csv)"), "{history}");
    // The singular names the same kind.
    assert_eq!(
        d.ok(&["history", "customer", "C00002"]),
        d.ok(&["history", "customers", "C00002"])
    );

    let stderr = d.fails(&["history", "widgets", "C00011"]);
    assert!(
        stderr.contains("`widgets` is not a record kind"),
        "{stderr}"
    );
    assert!(stderr.contains("survey_answers"), "{stderr}");
    let stderr = d.fails(&["history", "customers", "C99999"]);
    assert!(stderr.contains("`C99999`"), "{stderr}");
    let stderr = d.fails(&["history", "survey_answers", "Q000001/waiting_time"]);
    assert!(stderr.contains("`Q000001/waiting_time`"), "{stderr}");
    let stderr = d.fails(&["history", "survey_answers", "Q000001"]);
    assert!(stderr.contains("SURVEY_ID/QUESTION"), "{stderr}");
}

#[test]
fn reading_commands_on_a_missing_store_exit_2_and_create_nothing() {
    let d = Dir::new();
    let expected = format!("no store at {}", d.db().display());
    let stderr = d.fails(&["--lang", "en", "stats"]);
    assert!(stderr.contains(&expected), "{stderr}");
    let stderr = d.fails(&["history", "customers", "C00011"]);
    assert!(stderr.contains(&expected), "{stderr}");
    let stderr = d.fails(&["export", "out"]);
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(!d.db().exists());
}

#[test]
fn bad_usage_exits_2() {
    let d = Dir::new();
    for args in [
        &["bogus"][..],
        &[],
        &["import"],
        &["import", "--frobnicate", "base"],
        &["history", "customers"],
        &["gen", "--start", "2024-13", "--out", "gen"],
        &["gen", "--customers", "many", "--out", "gen"],
    ] {
        let stderr = d.fails(args);
        assert!(!stderr.trim().is_empty(), "{args:?} printed no message");
        assert!(
            stderr.contains("Usage") || stderr.contains("--help"),
            "{args:?}:\n{stderr}"
        );
    }
    assert!(!d.db().exists());
    assert!(!d.join("gen").exists());
}

#[test]
fn the_store_path_comes_from_db_then_careledger_db_then_the_default() {
    let d = Dir::new();
    write_base(&d, "base");
    let cmd = || {
        let mut cmd = assert_cmd::Command::cargo_bin("careledger").unwrap();
        cmd.current_dir(d.path()).env_remove("CARELEDGER_DB");
        cmd
    };
    cmd()
        .env("CARELEDGER_DB", "from-env.redb")
        .args(["import", "base"])
        .assert()
        .success();
    assert!(d.join("from-env.redb").exists());
    assert!(!d.join("careledger.redb").exists());
    cmd().args(["import", "base/staff.csv"]).assert().success();
    assert!(d.join("careledger.redb").exists());
    // --db wins over the environment.
    cmd()
        .env("CARELEDGER_DB", "from-env.redb")
        .args(["--db", "flag.redb", "import", "base/staff.csv"])
        .assert()
        .success();
    assert!(d.join("flag.redb").exists());
    let stats = cmd()
        .env("CARELEDGER_DB", "from-env.redb")
        .args(["--lang", "en", "stats"])
        .output()
        .unwrap();
    let stats = String::from_utf8(stats.stdout).unwrap();
    // from-env.redb holds all of BASE, the others only the 3 staff.
    assert!(
        stats
            .lines()
            .any(|l| l.split_whitespace().eq(["customers", "2", "2"])),
        "{stats}"
    );
}

/// The entries of one table in `stats --tables`.
fn table_entries(stats: &str, table: &str) -> u64 {
    let line = stats
        .lines()
        .find(|l| l.split_whitespace().next() == Some(table))
        .unwrap_or_else(|| panic!("no `{table}` row in:\n{stats}"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// `stats --tables` says where the store's bytes go: every table with its entries. BASE's
/// 11 rows make 11 versions, each its record's current one (so `history`, which files every
/// version but the current one, is empty), in one log segment (one import's versions fit in
/// one: `store::log`); a store of format 2 has no `log` table. Its references, counted from the
/// columns DOMAIN.md section 2 names: the sale's consultant, customer and referrer (3), the
/// order's advisor and customer (2), the policy's customer (1), the attempt's staff and
/// customer (2), the survey's attempt and customer (2) and the answer's survey (1): 11. The
/// three to staff are counted in `ref_counts`, one entry per staff member and naming kind
/// (XS003 by a sale and by an attempt, SH003 by an order: 3); the answer's key implies its
/// survey (`Q000001\tconsultant_attitude`); `refs` lists the other 7.
#[test]
fn stats_lists_every_table_with_its_entries() {
    let d = Dir::new();
    d.with_base();
    let plain = d.ok(&["--lang", "en", "stats"]);
    assert!(!plain.contains("\nrefs "), "{plain}");
    let stats = d.ok(&["--lang", "en", "stats", "--tables"]);
    assert!(!stats.lines().any(|l| l.starts_with("log ")), "{stats}");
    for (table, n) in [
        ("log_segments", 1),
        ("history", 0),
        ("current", 11),
        ("refs", 7),
        ("ref_counts", 3),
        ("imports", 1),
    ] {
        assert_eq!(table_entries(&stats, table), n, "{table} in:\n{stats}");
    }
    // A void adds a version and takes the record out of the current view and its indexes;
    // `history` then files both of the record's versions.
    d.write(
        "void/survey_answers.csv",
        "survey_id,question,score,op\nQ000001,consultant_attitude,,void\n",
    );
    d.ok(&["import", "void"]);
    let stats = d.ok(&["--lang", "en", "stats", "--tables"]);
    for (table, n) in [
        ("log_segments", 2),
        ("history", 2),
        ("current", 10),
        ("refs", 7),
        ("ref_counts", 3),
    ] {
        assert_eq!(table_entries(&stats, table), n, "{table} in:\n{stats}");
    }
    // The total row adds up the tables above it.
    let rows: Vec<&str> = stats
        .lines()
        .skip_while(|l| !l.starts_with("table "))
        .skip(1)
        .take_while(|l| !l.starts_with("total "))
        .collect();
    let sum: u64 = rows
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(table_entries(&stats, "total"), sum, "{stats}");
    let zh = d.ok(&["--lang", "zh", "stats", "--tables"]);
    assert!(zh.contains("\n表 ") && zh.contains("\n合计 "), "{zh}");
}
