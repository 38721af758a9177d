//! Proves the everyday surface of issue 16: files as users have them (UTF-16 from Excel,
//! names in any case, the `KIND=FILE` hint), the README's first steps, and the CLI
//! conventions (completions, man page, version, quiet, colour, plurals).

use crate::util::{Dir, counts};

const CUSTOMERS: &str = "customer_id,name,phone,family_id,tags,created_on\n";

/// UTF-16 as Excel's "Unicode text" writes it: a BOM, then the units.
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    bytes
}

/// The `name` line of a record's history.
fn history_name(d: &Dir, id: &str) -> String {
    let history = d.ok(&["history", "customers", id]);
    history
        .lines()
        .find(|l| l.split_whitespace().next() == Some("name"))
        .unwrap_or_else(|| panic!("{history}"))
        .split_whitespace()
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Excel's "Unicode text" (tab-separated UTF-16LE, CRLF) and a big-endian twin, saved as
/// `Customers.CSV` in a folder and as `CUSTOMERS.csv` named directly: both import, with
/// their Chinese and a comma inside a tab-separated cell intact.
#[test]
fn utf16_files_with_names_in_any_case_import() {
    let d = Dir::new();
    d.with_base();
    let excel = "customer_id\tname\tphone\tfamily_id\ttags\tcreated_on\r\nC00020\t张伟, 先生\t\t\t\t2024/1/2\r\n";
    d.write("excel/Customers.CSV", utf16(excel, false));
    let out = d.ok(&["import", "excel"]);
    assert_eq!(counts(&out, "customers"), [1, 0, 0, 0], "{out}");
    assert_eq!(history_name(&d, "C00020"), "张伟, 先生");

    let big = format!("{CUSTOMERS}C00021,周敏,,,,2024-01-03\n");
    d.write("be/CUSTOMERS.csv", utf16(&big, true));
    let out = d.ok(&["import", "be/CUSTOMERS.csv"]);
    assert_eq!(counts(&out, "customers"), [1, 0, 0, 0], "{out}");
    assert_eq!(history_name(&d, "C00021"), "周敏");
    // The kind of KIND=FILE is matched ignoring case as well.
    d.write(
        "more.csv",
        format!("{CUSTOMERS}C00022,孙丽,,,,2024-01-04\n"),
    );
    let out = d.ok(&["import", "Customers=more.csv"]);
    assert_eq!(counts(&out, "customers"), [1, 0, 0, 0], "{out}");
}

/// A file whose name is not a kind is refused with the exact command that imports it.
#[test]
fn an_unknown_file_name_is_refused_with_the_kind_file_form() {
    let d = Dir::new();
    d.with_base();
    d.write(
        "corrections.csv",
        format!("{CUSTOMERS}C00011,王芳,13812349999,F0007,influential;media,2023-04-02\n"),
    );
    let stderr = d.fails(&["import", "--amend", "corrections.csv"]);
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with(
            "corrections.csv: -: cannot tell which records the file holds from its name;"
        ),
        "{stderr}"
    );
    assert!(
        first
            .contains("give its kind as KIND=FILE, e.g. `careledger import sales=corrections.csv`"),
        "{stderr}"
    );
    // The README's corrected example: the amendment goes in as KIND=FILE.
    let out = d.ok(&["import", "--amend", "customers=corrections.csv"]);
    assert_eq!(counts(&out, "customers"), [0, 1, 0, 0], "{out}");
}

/// The README's corrections example names its kind: a bare `corrections.csv` is refused.
#[test]
fn the_readme_amend_example_names_its_kind() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let amends: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("careledger import --amend"))
        .collect();
    assert_eq!(
        amends,
        [
            "careledger import --amend sales=corrections.csv    # KIND=FILE: `corrections` is not a kind"
        ]
    );
}
