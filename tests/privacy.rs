//! Proves that personal data does not leak through careledger's outputs (issue 10, "Nothing
//! lost, nothing leaked"): error messages mask phones and cut long cells, CSV files neutralise
//! formula cells and still round-trip, control characters cannot reach a terminal, files are
//! private, and a failed export leaves its folder as it was.

use crate::util::{BASE, Dir};

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
    let tasks = d.ok(&["tasks", "--as-of", "2024-01-16"]);
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
