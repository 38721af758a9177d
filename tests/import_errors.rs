//! Proves that every class of bad input (DOMAIN.md sections 2 and 3) rejects the whole import
//! with exit code 2, is reported as `FILE:LINE: column: reason` at the right place, and leaves
//! the store exactly as it was; and that the void, duplicate, amendment and encoding rules
//! accept what they must.

use crate::util::{BASE, Dir, counts};

/// Lines of stderr. A rejected import prints its errors unprefixed, so that each line starts
/// with its location.
pub(crate) fn stderr_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().collect()
}

/// The store's observable state: every exported file, and `stats` without its first line
/// (the file size, which redb changes even on an aborted transaction).
pub(crate) fn state(d: &Dir) -> (Vec<(String, Vec<u8>)>, String) {
    let stats = d.ok(&["--lang", "en", "stats"]);
    let mut stats_lines = stats.lines();
    let first = stats_lines.next().unwrap();
    assert!(first.starts_with("store "), "{stats}");
    (d.snapshot(), stats_lines.collect::<Vec<_>>().join("\n"))
}

/// The summary line of a rejected import of `n` errors.
fn rejected_summary(n: usize) -> String {
    format!(
        "import rejected: {n} error{}; nothing was written.",
        if n == 1 { "" } else { "s" }
    )
}

/// Runs an import that must be rejected and checks, in order, every error line: it starts with
/// the location prefix (`FILE:LINE: column: `) and holds every keyword. Checks the summary
/// line and that the store did not change. Returns stderr.
pub(crate) fn rejects(d: &Dir, args: &[&str], expected: &[(&str, &[&str])]) -> String {
    let before = state(d);
    let stderr = d.fails(args);
    let lines: Vec<&str> = stderr_lines(&stderr)
        .into_iter()
        .filter(|l| !l.starts_with("warning: "))
        .collect();
    let (summary, errors) = lines.split_last().expect("stderr has a summary line");
    assert!(
        summary.starts_with(&rejected_summary(expected.len())),
        "summary line `{summary}` in:\n{stderr}"
    );
    assert_eq!(
        errors.len(),
        expected.len(),
        "expected {} error lines in:\n{stderr}",
        expected.len()
    );
    for (line, (prefix, keywords)) in errors.iter().zip(expected) {
        assert!(
            line.starts_with(prefix),
            "expected a line starting with `{prefix}`, got `{line}` in:\n{stderr}"
        );
        for k in *keywords {
            assert!(line.contains(k), "`{line}` should mention `{k}`");
        }
    }
    assert!(state(d) == before, "a rejected import changed the store");
    stderr
}

/// The (current, versions) of one kind in `stats`.
pub(crate) fn stats_of(d: &Dir, kind: &str) -> (u64, u64) {
    let stats = d.ok(&["--lang", "en", "stats"]);
    let line = stats
        .lines()
        .find(|l| l.split_whitespace().next() == Some(kind))
        .unwrap();
    let n: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|c| c.parse().unwrap())
        .collect();
    (n[0], n[1])
}

/// The exported file of a kind, as text without the BOM.
pub(crate) fn exported(snapshot: &[(String, Vec<u8>)], file: &str) -> String {
    let (_, bytes) = snapshot.iter().find(|(n, _)| n == file).unwrap();
    String::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap().to_vec()).unwrap()
}

pub(crate) const CUSTOMERS: &str = "customer_id,name,phone,family_id,tags,created_on\n";
pub(crate) const SALES: &str =
    "sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id\n";
pub(crate) const CONTACTS: &str =
    "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note\n";
pub(crate) const SURVEYS: &str =
    "survey_id,attempt_id,customer_id,at,subject_department,overall,issues,comment\n";

#[test]
fn bad_dates_and_datetimes_are_located() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "bad/customers.csv",
        format!("{CUSTOMERS}C00020,周敏,,,,2024-02-30\n"),
    );
    // Line 2 is fine (T separator, seconds); line 3 has month 13.
    d.write(
        "bad/sales.csv",
        format!(
            "{SALES}S000002,C00011,,2024-02-01T09:00:00,,100,\nS000003,C00011,,2024-13-01 09:00,,100,\n"
        ),
    );
    rejects(
        &d,
        &["import", "bad"],
        &[
            (
                "bad/customers.csv:2: created_on: ",
                &["`2024-02-30`", "not a date", "YYYY-MM-DD"],
            ),
            (
                "bad/sales.csv:3: delivered_at: ",
                &["`2024-13-01 09:00`", "not a date and time"],
            ),
        ],
    );
}

#[test]
fn bad_money_is_located() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "bad/sales.csv",
        format!(
            "{SALES}S000002,C00011,,2024-02-01 09:00,,12.345,\nS000003,C00011,,2024-02-01 09:00,,-5,\nS000004,C00011,,2024-02-01 09:00,,\"1,000\",\nS000005,C00011,,2024-02-01 09:00,,1000.5,\n"
        ),
    );
    rejects(
        &d,
        &["import", "bad/sales.csv"],
        &[
            (
                "bad/sales.csv:2: amount: ",
                &["`12.345`", "not an amount of yuan"],
            ),
            (
                "bad/sales.csv:3: amount: ",
                &["`-5`", "not an amount of yuan"],
            ),
            (
                "bad/sales.csv:4: amount: ",
                &["`1,000`", "not an amount of yuan"],
            ),
        ],
    );
}

#[test]
fn unknown_enum_values_are_located_and_the_allowed_values_listed() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "bad/contacts.csv",
        format!(
            "{CONTACTS}A0000002,C00011,2024-01-17 09:00,fax,XS003,delivery_call_2,reached,\nA0000003,C00011,2024-01-17 09:00,phone,XS003,birthday_call,reached,\nA0000004,C00011,2024-01-17 09:00,sms,XS003,care,maybe,\n"
        ),
    );
    let channels = ["phone", "sms", "wechat", "letter", "email", "visit"];
    let purposes = [
        "delivery_call_1",
        "thank_you_letter",
        "delivery_call_2",
        "delivery_call_3",
        "service_followup",
        "churn_recovery",
        "care",
    ];
    let outcomes = [
        "reached",
        "sent",
        "no_answer",
        "busy",
        "wrong_number",
        "refused",
        "callback",
    ];
    let with = |bad: &'static str, allowed: &[&'static str]| -> Vec<&'static str> {
        std::iter::once(bad)
            .chain(allowed.iter().copied())
            .collect()
    };
    let channel = with("`fax`", &channels);
    let purpose = with("`birthday_call`", &purposes);
    let outcome = with("`maybe`", &outcomes);
    rejects(
        &d,
        &["import", "bad"],
        &[
            ("bad/contacts.csv:2: channel: ", &channel),
            ("bad/contacts.csv:3: purpose: ", &purpose),
            ("bad/contacts.csv:4: outcome: ", &outcome),
        ],
    );
}

#[test]
fn dangling_references_are_located() {
    let d = Dir::new();
    d.with_base();
    // C00030 is new in this import: the sale on line 3 refers to it and is fine.
    d.write(
        "bad/customers.csv",
        format!("{CUSTOMERS}C00030,孙丽,,,,2024-01-02\n"),
    );
    d.write(
        "bad/sales.csv",
        format!(
            "{SALES}S000002,C99999,,2024-02-01 09:00,,100,\nS000003,C00030,,2024-02-01 09:00,XS003,100,C00011\n"
        ),
    );
    // Line 2: unknown attempt. Line 3: A0000001 is C00011's, the survey says C00002.
    d.write(
        "bad/surveys.csv",
        format!(
            "{SURVEYS}Q000002,A9999999,C00011,2024-01-17 09:00,sales,5,,\nQ000003,A0000001,C00002,2024-01-17 09:00,sales,5,,\nQ000004,A0000001,C00011,2024-01-17 09:00,sales,5,,\n"
        ),
    );
    d.write(
        "bad/survey_answers.csv",
        "survey_id,question,score\nQ000004,waiting_time,3\nQ999999,waiting_time,3\n",
    );
    rejects(
        &d,
        &["import", "bad"],
        &[
            (
                "bad/sales.csv:2: customer_id: ",
                &["`C99999`", "neither in the store nor in this import"],
            ),
            (
                "bad/surveys.csv:2: attempt_id: ",
                &["`A9999999`", "neither in the store nor in this import"],
            ),
            (
                "bad/surveys.csv:3: attempt_id: ",
                &["`A0000001`", "`C00011`", "`C00002`"],
            ),
            (
                "bad/survey_answers.csv:3: survey_id: ",
                &["`Q999999`", "neither in the store nor in this import"],
            ),
        ],
    );
}

#[test]
fn the_same_key_twice_with_different_content_is_an_error_naming_the_first_line() {
    let d = Dir::new();
    d.with_base();
    // C00020 differs between lines 2 and 4; C00021 is repeated identically (lines 3 and 5).
    d.write(
        "bad/customers.csv",
        format!(
            "{CUSTOMERS}C00020,周敏,,,,2024-01-02\nC00021,吴昊,,,,2024-01-02\nC00020,周敏敏,,,,2024-01-02\nC00021,吴昊,,,,2024-01-02\n"
        ),
    );
    rejects(
        &d,
        &["import", "bad/customers.csv"],
        &[(
            "bad/customers.csv:4: customer_id: ",
            &["`C00020`", "different content", "bad/customers.csv:2"],
        )],
    );

    // Across two files of the same kind, the second one's line names the first file's.
    d.write(
        "more/a.csv",
        format!("{CUSTOMERS}C00020,周敏,,,,2024-01-02\n"),
    );
    d.write(
        "more/b.csv",
        format!("{CUSTOMERS}C00022,郑洁,,,,2024-01-02\nC00020,周敏,13700000000,,,2024-01-02\n"),
    );
    rejects(
        &d,
        &["import", "customers=more/a.csv", "customers=more/b.csv"],
        &[(
            "more/b.csv:3: customer_id: ",
            &["`C00020`", "different content", "more/a.csv:2"],
        )],
    );
}

#[test]
fn the_same_key_twice_with_identical_content_is_accepted_once() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "ok/customers.csv",
        format!("{CUSTOMERS}C00020,周敏,,,,2024-01-02\nC00020,周敏,,,,2024-01-02\n"),
    );
    let out = d.ok(&["import", "ok/customers.csv"]);
    let [added, amended, voided, _] = counts(&out, "customers");
    assert_eq!((added, amended, voided), (1, 0, 0), "{out}");
    // Base has 2 customers; one more record, one more version.
    assert_eq!(stats_of(&d, "customers"), (3, 3));
    let customers = exported(&d.snapshot(), "customers.csv");
    assert_eq!(customers.matches("C00020,").count(), 1, "{customers}");
}

#[test]
fn a_missing_required_column_is_an_error_on_line_1_naming_it() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "bad/sales.csv",
        "sale_id,customer_id,vin,consultant_id,referrer_id\nS000002,C00011,,XS003,\n",
    );
    rejects(
        &d,
        &["import", "bad/sales.csv"],
        &[
            (
                "bad/sales.csv:1: delivered_at: ",
                &["required column is missing"],
            ),
            ("bad/sales.csv:1: amount: ", &["required column is missing"]),
        ],
    );
}

#[test]
fn undecodable_bytes_are_located_by_line_and_column() {
    let d = Dir::new();
    d.with_base();
    let mut bytes = b"staff_id,name,department,role,active_from,active_to\nKF002,ok,customer_care,,2022-01-01,\nKF003,"
        .to_vec();
    bytes.push(0xFF);
    bytes.extend_from_slice(b",customer_care,,2022-01-01,\n");
    d.write("bad/staff.csv", &bytes);
    rejects(
        &d,
        &["import", "bad/staff.csv"],
        &[(
            "bad/staff.csv:3: name: ",
            &["0xFF", "neither UTF-8 nor GB18030"],
        )],
    );
}

#[test]
fn rows_are_numbered_by_the_lines_a_person_sees_whatever_the_line_endings() {
    // Excel for Windows ends lines with CRLF, Excel for Mac's "CSV (Macintosh)" with a lone
    // CR: errors must name the line a person sees, both those found reading the row and
    // those found against the store. (Until 2026-12-02 a CRLF file's rows were numbered one
    // line early, and a lone-CR file's all "line 1".)
    let d = Dir::new();
    d.with_base();
    let ending = |text: String, end: &str| text.replace('\n', end);
    d.write(
        "bad/customers.csv",
        ending(
            format!("{CUSTOMERS}C00030,孙丽,,,,2024-01-02\n\nC00031,周敏,,,,2024-02-30\n"),
            "\r\n",
        ),
    );
    // Mixed: CRLF, a lone CR, LF.
    d.write(
        "bad/sales.csv",
        format!(
            "{}\r\nS000002,C00030,,2024-02-01 09:00,,100,\rS000003,C00030,,2024-02-01 09:00,,100,\nS000004,C99999,,2024-02-01 09:00,,100,\n",
            SALES.trim_end()
        ),
    );
    d.write(
        "bad/surveys.csv",
        ending(
            format!(
                "{SURVEYS}Q000002,A0000001,C00011,2024-01-17 09:00,sales,5,,\nQ000003,A9999999,C00011,2024-01-17 09:00,sales,5,,\"two\nlines\"\nQ000004,A9999998,C00011,2024-01-17 09:00,sales,5,,\n"
            ),
            "\r",
        ),
    );
    rejects(
        &d,
        &["import", "bad"],
        &[
            (
                "bad/customers.csv:4: created_on: ",
                &["`2024-02-30`", "not a date"],
            ),
            (
                "bad/sales.csv:4: customer_id: ",
                &["`C99999`", "neither in the store nor in this import"],
            ),
            (
                "bad/surveys.csv:3: attempt_id: ",
                &["`A9999999`", "neither in the store nor in this import"],
            ),
            (
                "bad/surveys.csv:5: attempt_id: ",
                &["`A9999998`", "neither in the store nor in this import"],
            ),
        ],
    );
}

#[test]
fn what_excel_does_to_a_file_it_saves_again_is_read_or_located() {
    // Opened in Excel and saved again: booleans become TRUE/FALSE (read as true/false), long
    // numbers are written as Excel shows them, `1.38E+10` (their digits are lost: refused,
    // with the way to export them whole).
    let d = Dir::new();
    d.with_base();
    d.write(
        "xl/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on,contact_consent\r\nC00030,孙丽,,,,2024-01-02,FALSE\r\nC00031,周敏,,,,2024-01-02,True\r\n",
    );
    d.ok(&["import", "xl"]);
    let customers = exported(&d.snapshot(), "customers.csv");
    assert!(
        customers.contains("C00030,孙丽,,,,2024-01-02,false"),
        "{customers}"
    );
    assert!(
        customers.contains("C00031,周敏,,,,2024-01-02,true"),
        "{customers}"
    );
    d.write(
        "bad/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on,contact_consent\r\nC00032,王芳,1.38E+10,,,2024-01-02,TRUE\r\n2.02512E+11,李静,,,,2024-01-02,\r\n",
    );
    rejects(
        &d,
        &["import", "bad"],
        &[
            (
                "bad/customers.csv:2: phone: ",
                &["`1.38E+10`", "scientific notation", "set to Text"],
            ),
            (
                "bad/customers.csv:3: customer_id: ",
                &["`2.02512E+11`", "scientific notation", "set to Text"],
            ),
        ],
    );
}

#[test]
fn a_gb18030_file_imports_with_its_chinese_intact() {
    let d = Dir::new();
    d.with_base();
    let text = format!("{CUSTOMERS}C00020,张伟,13700001234,,suggestion_adopted,2024-01-02\n");
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file must not be UTF-8"
    );
    d.write("gbk/customers.csv", &bytes);
    let out = d.ok(&["import", "gbk/customers.csv"]);
    assert_eq!(counts(&out, "customers")[0], 1, "{out}");
    let history = d.ok(&["history", "customers", "C00020"]);
    assert!(
        history
            .lines()
            .any(|l| l.split_whitespace().eq(["name", "张伟"])),
        "{history}"
    );
}

#[test]
fn a_utf8_file_with_a_bom_imports() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "bom/customers.csv",
        format!("\u{feff}{CUSTOMERS}C00020,张伟,,,,2024-01-02\n"),
    );
    let out = d.ok(&["import", "bom/customers.csv"]);
    assert_eq!(counts(&out, "customers"), [1, 0, 0, 0], "{out}");
    let history = d.ok(&["history", "customers", "C00020"]);
    assert!(
        history
            .lines()
            .any(|l| l.split_whitespace().eq(["customer_id", "C00020"])),
        "{history}"
    );
    assert!(
        history
            .lines()
            .any(|l| l.split_whitespace().eq(["name", "张伟"])),
        "{history}"
    );
}

#[test]
fn an_amendment_needs_amend_and_then_becomes_a_second_version() {
    let d = Dir::new();
    d.with_base();
    // C00011 in BASE: 王芳,13812341234,F0007,influential;media,2023-04-02.
    d.write(
        "fix/customers.csv",
        format!("{CUSTOMERS}C00011,王芳芳,13812341234,F0007,influential,2023-04-02\n"),
    );
    rejects(
        &d,
        &["import", "fix/customers.csv"],
        &[
            (
                "fix/customers.csv:2: name: ",
                &["`王芳`", "`王芳芳`", "--amend"],
            ),
            (
                "fix/customers.csv:2: tags: ",
                &["`influential;media`", "`influential`", "--amend"],
            ),
        ],
    );

    let out = d.ok(&["import", "--amend", "fix/customers.csv"]);
    assert_eq!(counts(&out, "customers"), [0, 1, 0, 0], "{out}");
    let history = d.ok(&["history", "customers", "C00011"]);
    assert!(
        history.starts_with("customers C00011: 2 versions\n"),
        "{history}"
    );
    // The second version marks exactly the two changed fields.
    let second = history.rsplit("version #").next().unwrap();
    let marked: Vec<&str> = second
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("* "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(marked, ["name", "tags"], "{history}");
    assert!(second.contains("--amend"), "{history}");
    // Importing the amended row again is a no-op.
    let again = d.ok(&["import", "fix/customers.csv"]);
    assert!(again.starts_with("nothing to import"), "{again}");
}

const VOID_C00002: &str = "customer_id,name,phone,family_id,tags,created_on,op\nC00002,,,,,,void\n";

#[test]
fn voiding_a_customer_still_referenced_by_a_sale_is_an_error_naming_the_sale() {
    let d = Dir::new();
    d.with_base();
    // C00002 is the referrer of sale S000001 in BASE.
    d.write("void/customers.csv", VOID_C00002);
    rejects(
        &d,
        &["import", "void/customers.csv"],
        &[(
            "void/customers.csv:2: customer_id: ",
            &["cannot void", "`C00002`", "sale `S000001`"],
        )],
    );
}

#[test]
fn voiding_the_sale_and_its_customer_together_removes_both() {
    let d = Dir::new();
    d.with_base();
    d.write("void/customers.csv", VOID_C00002);
    d.write(
        "void/sales.csv",
        "sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id,op\nS000001,,,,,,,void\n",
    );
    let out = d.ok(&["import", "void"]);
    assert_eq!(counts(&out, "customers"), [0, 0, 1, 0], "{out}");
    assert_eq!(counts(&out, "sales"), [0, 0, 1, 0], "{out}");
    let snapshot = d.snapshot();
    assert_eq!(exported(&snapshot, "sales.csv"), SALES);
    let customers = exported(&snapshot, "customers.csv");
    assert!(!customers.contains("C00002"), "{customers}");
    assert!(customers.contains("C00011,"), "{customers}");
    // Current 1 of 2 customer versions + 1 void version.
    assert_eq!(stats_of(&d, "customers"), (1, 3));
    assert_eq!(stats_of(&d, "sales"), (0, 2));

    // Re-importing the same voids is a no-op: no import is recorded.
    let again = d.ok(&["import", "void"]);
    assert!(again.starts_with("nothing to import"), "{again}");
    assert!(d.ok(&["--lang", "en", "stats"]).contains("imports: 2;"));

    // An add after the void brings the record back.
    d.write(
        "back/customers.csv",
        format!("{CUSTOMERS}C00002,李雷,13900001111,,,2023-01-02\n"),
    );
    let out = d.ok(&["import", "back/customers.csv"]);
    assert_eq!(counts(&out, "customers"), [1, 0, 0, 0], "{out}");
    let history = d.ok(&["history", "customers", "C00002"]);
    assert!(
        history.starts_with("customers C00002: 3 versions\n"),
        "{history}"
    );
    let ops: Vec<&str> = history
        .lines()
        .filter(|l| l.starts_with("version #"))
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(ops, ["add", "void", "add"], "{history}");
    let customers = exported(&d.snapshot(), "customers.csv");
    assert!(
        customers.contains("C00002,李雷,13900001111,,,2023-01-02"),
        "{customers}"
    );
}

#[test]
fn voiding_a_key_that_never_existed_is_an_error() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "void/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on,op\nC77777,,,,,,void\n",
    );
    rejects(
        &d,
        &["import", "void/customers.csv"],
        &[(
            "void/customers.csv:2: customer_id: ",
            &["no customer `C77777`", "void"],
        )],
    );
}

#[test]
fn errors_in_several_files_are_all_listed_sorted_by_file_then_line() {
    let d = Dir::new();
    d.with_base();
    // customers.csv: line 2 is an amendment (found against the store), line 3 a bad date (found
    // while parsing). sales.csv: line 2 a bad amount (parsing), line 3 a dangling customer
    // (store). Unsorted, the parse errors would come first.
    d.write(
        "bad/customers.csv",
        format!("{CUSTOMERS}C00002,李雷雷,13900001111,,,2023-01-02\nC00020,周敏,,,,2024-02-30\n"),
    );
    d.write(
        "bad/sales.csv",
        format!(
            "{SALES}S000002,C00011,,2024-02-01 09:00,,abc,\nS000003,C99999,,2024-02-01 09:00,,100,\n"
        ),
    );
    rejects(
        &d,
        &["import", "bad/customers.csv", "bad/sales.csv"],
        &[
            ("bad/customers.csv:2: name: ", &["`李雷`", "`李雷雷`"]),
            ("bad/customers.csv:3: created_on: ", &["`2024-02-30`"]),
            ("bad/sales.csv:2: amount: ", &["`abc`"]),
            ("bad/sales.csv:3: customer_id: ", &["`C99999`"]),
        ],
    );
}

#[test]
fn a_whole_file_error_does_not_hide_the_other_files_errors() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "bad/customers.csv",
        format!("{CUSTOMERS}C00020,周敏,,,,2024-02-30\n"),
    );
    d.write(
        "bad/sales.csv",
        "sale_id,customer_id,vin,delivered_at,consultant_id,referrer_id\nS000002,C00011,,2024-02-01 09:00,,\n",
    );
    rejects(
        &d,
        &["import", "bad"],
        &[
            ("bad/customers.csv:2: created_on: ", &["`2024-02-30`"]),
            ("bad/sales.csv:1: amount: ", &["required column is missing"]),
        ],
    );
}

#[test]
fn error_lines_start_with_the_location() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "bad/sales.csv",
        format!(
            "{SALES}S000002,C00011,,2024-02-01 09:00,,1.234,\nS000003,C00011,,2024-02-01 09:00,,-1,\n"
        ),
    );
    let stderr = d.fails(&["import", "bad/sales.csv"]);
    for prefix in ["bad/sales.csv:2: amount: ", "bad/sales.csv:3: amount: "] {
        assert!(
            stderr.lines().any(|l| l.starts_with(prefix)),
            "no line starts with `{prefix}`:\n{stderr}"
        );
    }
}

/// Imports `rows` as `bad/sales.csv` into a store holding the base data, which must reject
/// it and stay as it was; returns stderr.
fn sales_rejected(rows: impl Iterator<Item = String>) -> String {
    let d = Dir::new();
    d.with_base();
    let mut text = SALES.to_owned();
    for row in rows {
        text.push_str(&row);
        text.push('\n');
    }
    d.write("bad/sales.csv", text);
    let before = state(&d);
    let stderr = d.fails(&["import", "bad/sales.csv"]);
    assert!(state(&d) == before, "a rejected import changed the store");
    stderr
}

/// Checks the stderr of an import rejected with `total` errors in `bad/sales.csv`: the first
/// 50 listed, the `n`-th on the line and column `expected(n)` gives and holding its words,
/// then the count of the rest and the summary.
fn first_50_then_the_count(
    stderr: &str,
    total: usize,
    expected: impl Fn(usize) -> (usize, &'static str, Vec<String>),
) {
    let lines = stderr_lines(stderr);
    assert_eq!(lines.len(), 52, "{stderr}");
    for (n, line) in lines[..50].iter().enumerate() {
        let (at, column, words) = expected(n);
        let prefix = format!("bad/sales.csv:{at}: {column}: ");
        assert!(
            line.starts_with(&prefix),
            "`{line}` should start with `{prefix}`"
        );
        for word in words {
            assert!(line.contains(&word), "`{line}` should mention `{word}`");
        }
    }
    assert_eq!(lines[50], format!("... and {} more errors", total - 50));
    assert!(lines[51].starts_with(&rejected_summary(total)), "{stderr}");
}

#[test]
fn more_than_50_errors_lists_50_and_counts_the_rest() {
    let stderr =
        sales_rejected((0..53).map(|i| format!("S1{i:05},C00011,,2024-02-01 09:00,,x{i},")));
    // 53 bad rows on lines 2..=54: the first 50 (lines 2..=51) are listed.
    first_50_then_the_count(&stderr, 53, |n| (n + 2, "amount", vec![format!("`x{n}`")]));
}

/// The references are checked on every thread, 4 096 rows at a time, each share with its own
/// errors: 10 000 sales, every 50th naming a customer nobody imported, are 200 errors over
/// three shares (82, 82 and 36 of them, the first share past the 50 listed on its own). The
/// list is the first 50 by line, as one pass finds them, and the rest are counted.
#[test]
fn dangling_references_across_many_rows_are_listed_by_line_and_counted() {
    let stderr = sales_rejected((0..10_000).map(|i| {
        let customer = if i % 50 == 0 {
            format!("C9{i:05}")
        } else {
            "C00011".to_owned()
        };
        format!("S2{i:05},{customer},,2024-02-01 09:00,,100,")
    }));
    // Row i is on line i + 2; the dangling ones are i = 0, 50, 100, ...: the first 50 of
    // them end at i = 2 450, line 2 452.
    first_50_then_the_count(&stderr, 200, |n| {
        let i = n * 50;
        (
            i + 2,
            "customer_id",
            vec![
                format!("`C9{i:05}`"),
                "neither in the store nor in this import".to_owned(),
            ],
        )
    });
}

#[test]
fn a_failed_import_into_a_new_store_leaves_no_store_file() {
    let d = Dir::new();
    // Rejected while checking references (the store was opened).
    d.write(
        "bad/sales.csv",
        format!("{SALES}S000001,C00011,,2024-01-15 10:30,,100,\n"),
    );
    let stderr = d.fails(&["import", "bad/sales.csv"]);
    assert!(
        stderr_lines(&stderr)[0].starts_with("bad/sales.csv:2: customer_id: "),
        "{stderr}"
    );
    assert!(!d.db().exists(), "the rejected import left a store file");
    // Rejected while parsing.
    d.write(
        "bad/customers.csv",
        format!("{CUSTOMERS}C00011,王芳,,,,2023-02-29\n"),
    );
    let stderr = d.fails(&["import", "bad/customers.csv"]);
    assert!(
        stderr_lines(&stderr)[0].starts_with("bad/customers.csv:2: created_on: "),
        "{stderr}"
    );
    assert!(!d.db().exists(), "the rejected import left a store file");
    // And `stats` still says there is no store.
    assert!(d.fails(&["--lang", "en", "stats"]).contains("no store at"));
}

#[test]
fn an_unknown_column_is_a_warning_naming_it_and_the_import_succeeds() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "extra/customers.csv",
        "customer_id,name,shoe_size,phone,family_id,tags,created_on\nC00020,周敏,42,,,,2024-01-02\n",
    );
    let out = d.run(&["import", "extra/customers.csv"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let warning = stderr
        .lines()
        .find(|l| l.starts_with("warning: "))
        .unwrap_or_else(|| panic!("no warning in:\n{stderr}"));
    assert!(warning.contains("extra/customers.csv"), "{warning}");
    assert!(warning.contains("`shoe_size`"), "{warning}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(counts(&stdout, "customers"), [1, 0, 0, 0], "{stdout}");
    let customers = exported(&d.snapshot(), "customers.csv");
    assert!(
        customers.contains("C00020,周敏,,,,2024-01-02\n"),
        "{customers}"
    );
}

/// BASE itself must import cleanly; the tests above build on it.
#[test]
fn the_base_dataset_counts() {
    let d = Dir::new();
    d.with_base();
    let expected = [
        ("staff", 3),
        ("customers", 2),
        ("sales", 1),
        ("service_orders", 1),
        ("insurance", 1),
        ("contacts", 1),
        ("surveys", 1),
        ("survey_answers", 1),
    ];
    assert_eq!(BASE.len(), expected.len());
    for (kind, n) in expected {
        assert_eq!(stats_of(&d, kind), (n, n), "{kind}");
    }
}

const CONTACTS_A0000001: &str =
    "A0000001,2024-01-16 09:12,phone,XS003,delivery_call_1,reached,\"客户满意, 无问题\"";

#[test]
fn amending_an_attempt_away_from_its_surveys_customer_is_an_error() {
    let d = Dir::new();
    d.with_base();
    // Survey Q000001 (customer C00011) refers to attempt A0000001; move the attempt to C00002.
    let (id, rest) = CONTACTS_A0000001.split_once(',').unwrap();
    d.write(
        "fix/contacts.csv",
        format!("{CONTACTS}{id},C00002,{rest}\n"),
    );
    rejects(
        &d,
        &["import", "--amend", "fix/contacts.csv"],
        &[("fix/contacts.csv:2: ", &["`Q000001`"])],
    );
}

#[test]
fn amending_an_attempt_and_its_survey_together_to_another_customer_is_accepted() {
    let d = Dir::new();
    d.with_base();
    let (id, rest) = CONTACTS_A0000001.split_once(',').unwrap();
    d.write(
        "fix/contacts.csv",
        format!("{CONTACTS}{id},C00002,{rest}\n"),
    );
    d.write(
        "fix/surveys.csv",
        format!("{SURVEYS}Q000001,A0000001,C00002,2024-01-16 09:20,sales,4,waiting_time;price,\n"),
    );
    let out = d.ok(&["import", "--amend", "fix"]);
    assert_eq!(counts(&out, "contacts"), [0, 1, 0, 0], "{out}");
    assert_eq!(counts(&out, "surveys"), [0, 1, 0, 0], "{out}");
    // The export is consistent: it imports into a new store.
    let snapshot = d.snapshot();
    let e = Dir::new();
    for (name, bytes) in &snapshot {
        e.write(&format!("again/{name}"), bytes);
    }
    e.ok(&["import", "again"]);
    assert_eq!(e.snapshot(), snapshot);
}
