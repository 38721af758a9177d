//! Proves that personal data does not leak through careledger's outputs (issue 10, "Nothing
//! lost, nothing leaked"): error messages mask phones and cut long cells, CSV files neutralise
//! formula cells and still round-trip, control characters cannot reach a terminal, files are
//! private, and a failed export leaves its folder as it was.

use crate::util::{BASE, Dir, counts};

const CUSTOMERS_HEADER: &str = "customer_id,name,phone,family_id,tags,created_on\n";

/// Writes BASE into `base/`, with the files named in `replaced` swapped for the given text,
/// and imports it.
fn import_base_with(d: &Dir, replaced: &[(&str, &str)]) {
    for (name, text) in BASE {
        let text = replaced
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(text, |(_, t)| t);
        d.write(&format!("base/{name}"), text);
    }
    d.ok(&["import", d.join("base").to_str().unwrap()]);
}

/// The line of `text` that starts with `prefix`.
fn line_starting<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{text}"))
}

// --- 1. Errors and warnings never print a cell in full ------------------------------------

#[test]
fn a_phone_in_the_date_column_is_masked_in_the_error() {
    let d = Dir::new();
    d.write(
        "customers.csv",
        format!("{CUSTOMERS_HEADER}C1,王芳,,,,13812341234\n"),
    );
    let stderr = d.fails(&["import", "customers.csv"]);
    let line = line_starting(&stderr, "customers.csv:2: created_on: ");
    assert!(
        line.starts_with("customers.csv:2: created_on: `138****1234` "),
        "{line}"
    );
    assert!(!stderr.contains("13812341234"), "{stderr}");
    assert!(!d.db().exists(), "a rejected import writes nothing");
}

#[test]
fn a_ten_thousand_character_cell_gives_a_short_error() {
    let d = Dir::new();
    let cell = "x".repeat(10_000);
    d.write(
        "customers.csv",
        format!("{CUSTOMERS_HEADER}C1,王芳,,,,{cell}\n"),
    );
    let stderr = d.fails(&["import", "customers.csv"]);
    let line = line_starting(&stderr, "customers.csv:2: created_on: ");
    // 60 characters of the cell, then an ellipsis.
    let echoed = format!("`{}…` ", "x".repeat(60));
    assert!(line.contains(&echoed), "{line}");
    assert!(!line.contains(&"x".repeat(61)), "{line}");
    assert!(line.chars().count() < 300, "{} characters", line.len());
}

#[test]
fn an_amended_note_with_a_landline_is_masked() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "fix/contacts.csv",
        "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note\nA0000001,C00011,2024-01-16 09:12,phone,XS003,delivery_call_1,reached,请回电 0755-1234-5678\n",
    );
    let stderr = d.fails(&["import", "fix/contacts.csv"]);
    // Twelve digits in three groups of four: the first three and the last four stay.
    let line = line_starting(&stderr, "fix/contacts.csv:2: note: ");
    assert!(
        line.contains("this row says `请回电 075*-****-5678`"),
        "{line}"
    );
    assert!(
        line.contains("stored with note `客户满意, 无问题`"),
        "{line}"
    );
    assert!(!stderr.contains("1234-5678"), "{stderr}");
}

#[test]
fn header_cells_in_warnings_and_errors_are_masked() {
    let d = Dir::new();
    // An unknown column holding a phone: the import goes ahead with a warning.
    d.write(
        "a/customers.csv",
        "customer_id,name,created_on,13812341234\nC1,王芳,2023-04-02,x\n",
    );
    let out = d.run(&["import", "a/customers.csv"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("ignoring unknown column `138****1234`"),
        "{stderr}"
    );
    assert!(!stderr.contains("13812341234"), "{stderr}");
    // The same phone twice in a header: the error's column is masked too.
    d.write(
        "b/customers.csv",
        "customer_id,name,created_on,13900001111,13900001111\nC2,李雷,2023-01-02,,\n",
    );
    let stderr = d.fails(&["import", "b/customers.csv"]);
    assert!(
        stderr.contains("b/customers.csv:1: 139****1111: the column appears twice"),
        "{stderr}"
    );
    assert!(!stderr.contains("13900001111"), "{stderr}");
}

// --- 2. CSV written for Excel neutralises formula cells ----------------------------------

fn formula_base(d: &Dir) {
    import_base_with(
        d,
        &[
            (
                "customers.csv",
                "customer_id,name,phone,family_id,tags,created_on\nC00011,-5+3,13812341234,F0007,influential;media,2023-04-02\nC00002,@SUM(A1),13900001111,,,2023-01-02\n",
            ),
            (
                "contacts.csv",
                "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note\nA0000001,C00011,2024-01-16 09:12,phone,XS003,delivery_call_1,reached,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n",
            ),
        ],
    );
}

#[test]
fn export_guards_formula_cells_and_reimports_them_unchanged() {
    let d = Dir::new();
    formula_base(&d);
    d.ok(&["export", "out"]);
    let read = |name: &str| std::fs::read_to_string(d.join("out").join(name)).unwrap();
    assert_eq!(
        read("customers.csv"),
        "\u{feff}customer_id,name,phone,family_id,tags,created_on\nC00002,'@SUM(A1),13900001111,,,2023-01-02\nC00011,'-5+3,13812341234,F0007,influential;media,2023-04-02\n"
    );
    assert_eq!(
        read("contacts.csv"),
        "\u{feff}attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note\nA0000001,C00011,2024-01-16 09:12:00,phone,XS003,delivery_call_1,reached,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n"
    );
    // The store holds the cells as typed, without the guard.
    let history = d.ok(&["history", "customers", "C00002"]);
    assert!(
        history
            .lines()
            .any(|l| l.split_whitespace().eq(["name", "@SUM(A1)"])),
        "{history}"
    );

    // Importing the export into the same store changes nothing.
    let again = d.ok(&["import", d.join("out").to_str().unwrap()]);
    assert_eq!(counts(&again, "customers"), [0, 0, 0, 2], "{again}");
    assert_eq!(counts(&again, "contacts"), [0, 0, 0, 1], "{again}");

    // Into a new store and out again: byte for byte.
    let e = Dir::new();
    e.ok(&["import", d.join("out").to_str().unwrap()]);
    e.ok(&["export", "out"]);
    for (name, _) in BASE {
        let a = std::fs::read(d.join("out").join(name)).unwrap();
        let b = std::fs::read(e.join("out").join(name)).unwrap();
        assert!(a == b, "{name} differs after the round trip");
    }
}

#[test]
fn a_cell_that_starts_with_a_quote_survives_the_round_trip() {
    let d = Dir::new();
    import_base_with(
        &d,
        &[(
            "customers.csv",
            "customer_id,name,phone,family_id,tags,created_on\nC00011,'=x,13812341234,F0007,,2023-04-02\nC00002,'李雷,13900001111,,,2023-01-02\n",
        )],
    );
    // A typed guard is dropped on import ('=x is =x); a quote before other text is data.
    let history = d.ok(&["history", "customers", "C00011"]);
    assert!(
        history
            .lines()
            .any(|l| l.split_whitespace().eq(["name", "=x"])),
        "{history}"
    );
    d.ok(&["export", "out"]);
    let customers = std::fs::read_to_string(d.join("out/customers.csv")).unwrap();
    assert!(customers.contains("\nC00002,''李雷,"), "{customers}");
    assert!(customers.contains("\nC00011,'=x,"), "{customers}");
    let again = d.ok(&["import", d.join("out").to_str().unwrap()]);
    assert_eq!(counts(&again, "customers"), [0, 0, 0, 2], "{again}");
}

#[test]
fn work_lists_and_report_csv_guard_formula_cells() {
    let d = Dir::new();
    formula_base(&d);
    // The thank-you letter of the sale delivered 2024-01-15 10:30 falls due 24 h later; the
    // customer (tag influential: super VIP) has the weekly care of 2024-W03 open all week.
    let tasks = d.ok(&["tasks", "--as-of", "2024-01-16", "--format", "csv"]);
    assert_eq!(
        tasks,
        "\u{feff}due_at,status,tier,kind,department,customer_id,name,phone,owner,attempts,last_outcome,closes_at\r\n\
         2024-01-16 10:30:00,due,super_vip,thank_you_letter,sales,C00011,'-5+3,138****1234,XS003,0,,2024-01-18 10:30:00\r\n\
         2024-01-22 00:00:00,ahead,super_vip,tier_care,customer_care,C00011,'-5+3,138****1234,,0,,2024-01-22 00:00:00\r\n"
    );
    // Last visit 2024-07-13, lost 180 days later on 2025-01-09; 537 days before 2026-06-30.
    let lost = d.ok(&["lost", "--as-of", "2026-06-30", "--format", "csv"]);
    assert_eq!(
        lost,
        "\u{feff}customer_id,name,phone,tier,last_visit,lost_on,days_lost,value,repair_revenue,sales_amount,recovery_attempts,last_attempt\r\nC00011,'-5+3,138****1234,super_vip,2024-07-13,2025-01-09,537,191750.50,380.00,191370.50,0,\r\n"
    );
    // Every report CSV goes through csv_document; negative amounts stay numbers.
    let csv = careledger::report::csv_document(
        &["name", "amount", "note"],
        &[
            vec!["@SUM(A1)".into(), "-150.00".into(), "=1+1".into()],
            vec!["+86 138".into(), "0.00".into(), "\tx".into()],
        ],
    );
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "name,amount,note\r\n'@SUM(A1),-150.00,'=1+1\r\n'+86 138,0.00,'\tx\r\n"
    );
}

// --- 3. Control characters -------------------------------------------------------------

#[test]
fn ids_with_control_or_invisible_characters_are_rejected_and_shown_escaped() {
    for (id, code, shown) in [
        ("C\u{1b}[31m1", "U+001B", "C\\u{1b}[31m1"),
        ("C\u{7}1", "U+0007", "C\\u{7}1"),
        ("C\u{202e}1", "U+202E", "C\\u{202e}1"),
        ("C\u{2066}1", "U+2066", "C\\u{2066}1"),
        ("C\u{200b}1", "U+200B", "C\\u{200b}1"),
        ("C\u{feff}1", "U+FEFF", "C\\u{feff}1"),
    ] {
        let d = Dir::new();
        d.write(
            "customers.csv",
            format!("{CUSTOMERS_HEADER}{id},王芳,,,,2023-04-02\n"),
        );
        let out = d.run(&["import", "customers.csv"]);
        assert_eq!(out.status.code(), Some(2), "{shown}");
        assert!(
            !out.stderr.contains(&0x1b),
            "raw ESC in the error of {shown}"
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        let expected = format!(
            "customers.csv:2: customer_id: `{shown}` holds the invisible or control character {code}"
        );
        assert!(stderr.contains(&expected), "{stderr}");
        assert!(!stderr.contains(id), "{stderr}");
    }
}

#[test]
fn control_characters_in_names_show_escaped_in_tasks_and_history() {
    let d = Dir::new();
    import_base_with(
        &d,
        &[(
            "customers.csv",
            "customer_id,name,phone,family_id,tags,created_on\nC00011,王\u{1b}[31m芳\u{202e},13812341234,F0007,influential;media,2023-04-02\nC00002,李雷,13900001111,,,2023-01-02\n",
        )],
    );
    let shown = "王\\u{1b}[31m芳\\u{202e}";
    for args in [
        &["tasks", "--as-of", "2024-01-16"][..],
        &["history", "customers", "C00011"][..],
        &["lost", "--as-of", "2026-06-30"][..],
    ] {
        let out = d.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.contains(&0x1b), "raw ESC in {args:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(!stdout.contains('\u{202e}'), "{stdout}");
        assert!(stdout.contains(shown), "{args:?}:\n{stdout}");
    }
    let tasks = d.ok(&["--lang", "en", "tasks", "--as-of", "2024-01-16"]);
    // The table is aligned on the escaped name: 王 and 芳 take two columns each.
    let row = line_starting(&tasks, "2024-01-16 10:30:00");
    assert!(
        row.contains(&format!("C00011       {shown}  138****1234  XS003")),
        "{tasks}"
    );
    // The export keeps the name exactly: it is data, not display.
    d.ok(&["export", "out"]);
    let customers = std::fs::read_to_string(d.join("out/customers.csv")).unwrap();
    assert!(
        customers.contains("C00011,王\u{1b}[31m芳\u{202e},13812341234,"),
        "{customers}"
    );
}

// --- 4. Files careledger writes are private ----------------------------------------------

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_report_pack_lists_and_exports_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    d.with_base();

    // Folders careledger creates are 0700, every file in them 0600.
    d.ok(&["report", "all", "--month", "2024-01", "--out", "new/pack"]);
    assert_eq!(mode(&d.join("new")), 0o700);
    assert_eq!(mode(&d.join("new/pack")), 0o700);
    let files: Vec<_> = std::fs::read_dir(d.join("new/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(files.iter().any(|p| p.ends_with("index.html")), "{files:?}");
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }

    // A folder the operator made keeps its mode; a stale world-readable file is replaced
    // by a private one.
    std::fs::create_dir(d.join("shared")).unwrap();
    std::fs::set_permissions(d.join("shared"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let stale = d.write("shared/index.html", "stale");
    std::fs::set_permissions(&stale, std::fs::Permissions::from_mode(0o644)).unwrap();
    d.ok(&["report", "all", "--month", "2024-01", "--out", "shared"]);
    assert_eq!(mode(&d.join("shared")), 0o755);
    assert_eq!(mode(&stale), 0o600);

    // A work list written with --out.
    let said = d.ok(&[
        "tasks",
        "--as-of",
        "2024-01-16",
        "--format",
        "csv",
        "--out",
        "lists/calls.csv",
    ]);
    assert_eq!(said, "wrote lists/calls.csv (2 rows)\n");
    assert_eq!(mode(&d.join("lists")), 0o700);
    assert_eq!(mode(&d.join("lists/calls.csv")), 0o600);
    let calls = std::fs::read_to_string(d.join("lists/calls.csv")).unwrap();
    assert!(
        calls.contains("\r\n2024-01-16 10:30:00,due,super_vip,thank_you_letter,sales,C00011,王芳,138****1234,XS003,0,,2024-01-18 10:30:00\r\n"),
        "{calls}"
    );
    d.ok(&["lost", "--as-of", "2026-06-30", "--out", "lists/lost.txt"]);
    assert_eq!(mode(&d.join("lists/lost.txt")), 0o600);

    // The export, into a folder it creates.
    d.ok(&["export", "backup/out"]);
    assert_eq!(mode(&d.join("backup")), 0o700);
    assert_eq!(mode(&d.join("backup/out")), 0o700);
    for (name, _) in BASE {
        assert_eq!(mode(&d.join("backup/out").join(name)), 0o600, "{name}");
    }
}

// --- 5. A failed export leaves the folder as it was -------------------------------------

/// Every entry of a folder, recursively, with the bytes of files (`None` for folders).
fn tree(dir: &std::path::Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut entries = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for e in std::fs::read_dir(&folder).unwrap() {
            let path = e.unwrap().path();
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            if path.is_dir() {
                entries.push((name, None));
                stack.push(path);
            } else {
                entries.push((name, Some(std::fs::read(&path).unwrap())));
            }
        }
    }
    entries.sort();
    entries
}

#[test]
fn a_failed_export_leaves_the_folder_as_it_was() {
    let d = Dir::new();
    d.with_base();
    // staff.csv comes first and is replaced before customers.csv fails: it must come back.
    d.write("out/staff.csv", "old staff\n");
    d.write("out/notes.txt", "the operator's own file\n");
    d.write(
        "out/customers.csv/keep.txt",
        "a folder where a file should go\n",
    );
    let before = tree(&d.join("out"));

    let stderr = d.fails(&["export", "out"]);
    assert!(
        stderr.contains("customers.csv is a folder; move it away or export into another folder"),
        "{stderr}"
    );
    assert_eq!(tree(&d.join("out")), before);
    assert_eq!(
        std::fs::read_to_string(d.join("out/staff.csv")).unwrap(),
        "old staff\n"
    );
    // Nothing staged is left beside the folder or in it.
    let mut top: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    top.sort();
    assert_eq!(top, ["base", "out", "store.redb"]);

    // With the folder moved away, the same export goes through and replaces staff.csv.
    std::fs::remove_dir_all(d.join("out/customers.csv")).unwrap();
    d.ok(&["export", "out"]);
    let staff = std::fs::read_to_string(d.join("out/staff.csv")).unwrap();
    assert!(staff.starts_with("\u{feff}staff_id,name,"), "{staff}");
    assert_eq!(
        std::fs::read_to_string(d.join("out/notes.txt")).unwrap(),
        "the operator's own file\n"
    );
    let mut top: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    top.sort();
    assert_eq!(top, ["base", "out", "store.redb"]);
}

#[test]
fn an_export_into_a_file_fails_and_writes_nothing() {
    let d = Dir::new();
    d.with_base();
    d.write("out", "not a folder\n");
    let stderr = d.fails(&["export", "out"]);
    assert!(stderr.contains("out is a file, not a folder"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(d.join("out")).unwrap(),
        "not a folder\n"
    );
}
