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
    assert!(!amends.is_empty(), "the README shows an amendment");
    for line in amends {
        // The file argument names its kind: `sales=corrections.csv`.
        let file = line.split_whitespace().nth(3).unwrap();
        let kind = file.split_once('=').map(|(k, _)| k);
        assert!(
            kind.and_then(careledger::Kind::parse_name).is_some(),
            "`{line}` does not name its kind"
        );
    }
}

/// Runs `careledger demo` with a small dataset in a fresh folder; returns the dir and stdout.
fn small_demo() -> (Dir, String) {
    let d = Dir::new();
    let mut cmd = assert_cmd::Command::cargo_bin("careledger").unwrap();
    let out = cmd
        .current_dir(d.path())
        .env_remove("CARELEDGER_DB")
        .env_remove("CARELEDGER_LANG")
        .env_remove("CARELEDGER_RULES")
        .args(["demo", "--customers", "60"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (d, String::from_utf8(out.stdout).unwrap())
}

/// The demo's "Try also" lines run as printed, in the folder the demo ran in. The generator
/// starts in 2024-01 and covers 24 months, so the latest complete month is 2025-12 and the
/// lists are as of its last day.
#[test]
fn the_demos_try_also_lines_run_as_printed() {
    let (d, stdout) = small_demo();
    let tail = stdout
        .split("还可以试试：\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{stdout}"));
    let lines: Vec<&str> = tail.lines().map(str::trim).collect();
    assert_eq!(
        lines,
        [
            "careledger --db reports/demo/demo.redb report visits --month 2025-12 --format md",
            "careledger --db reports/demo/demo.redb tasks",
            "careledger --db reports/demo/demo.redb lost --top 20",
        ]
    );
    let expected_first_lines = [
        "# 回访月报 2025-12",
        "截至 2025-12-31 的待办回访任务：",
        "截至 2025-12-31 的流失客户：",
    ];
    for (line, expected) in lines.iter().zip(expected_first_lines) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "careledger");
        let mut cmd = assert_cmd::Command::cargo_bin("careledger").unwrap();
        let out = cmd
            .current_dir(d.path())
            .env_remove("CARELEDGER_DB")
            .args(&words[1..])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(expected), "{line}:\n{text}");
    }
}

/// The demo writes into its own store, reports/demo/demo.redb, never the working folder's
/// careledger.redb; run again it changes nothing; and it refuses a store holding data it
/// did not write (issue 15: the demo once imported its dataset into a store of real data).
#[test]
fn the_demo_keeps_to_its_own_store_and_refuses_one_of_real_data() {
    let (d, _) = small_demo();
    assert!(d.join("reports/demo/demo.redb").is_file());
    assert!(!d.join("careledger.redb").exists());
    let demo = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("careledger")
            .unwrap()
            .current_dir(d.path())
            .env_remove("CARELEDGER_DB")
            .env_remove("CARELEDGER_LANG")
            .env_remove("CARELEDGER_RULES")
            .args(args)
            .output()
            .unwrap()
    };
    let again = demo(&["demo", "--customers", "60"]);
    assert!(again.status.success(), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stdout).contains("无需导入"));

    // A store of real data: the demo refuses it, and leaves it as it was.
    let real = demo(&[
        "gen",
        "--customers",
        "20",
        "--months",
        "2",
        "--out",
        "exports",
    ]);
    assert!(real.status.success(), "{real:?}");
    assert!(demo(&["import", "exports"]).status.success());
    let before = std::fs::read(d.join("careledger.redb")).unwrap();
    let refused = demo(&["--db", "careledger.redb", "demo", "--customers", "60"]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("careledger.redb 中有不是演示写入的数据（第 1 次导入，exports/"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(d.join("careledger.redb")).unwrap(), before);
}

/// reports/README.md lists exactly the files `report all` writes (the demo's pack), with
/// the year of `churn-YYYY.*` as `YYYY`.
#[test]
fn reports_readme_lists_the_files_of_the_pack() {
    let (d, stdout) = small_demo();
    assert!(
        stdout.contains("已把 47 个文件写入 reports/2025-12\n"),
        "{stdout}"
    );
    let mut written: Vec<String> = std::fs::read_dir(d.join("reports/2025-12"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .replace("2025", "YYYY")
        })
        .collect();
    written.sort();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/reports/README.md")).unwrap();
    // The first cell of each table row holds the file names, each in backticks.
    let mut listed: Vec<String> = readme
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            let first = l.split('|').nth(1).unwrap();
            first
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    listed.sort();
    assert_eq!(listed.len(), 47);
    assert_eq!(listed, written);
    // And the demo's dataset is where the README says.
    for kind in ["staff", "customers", "survey_answers"] {
        assert!(d.join(&format!("reports/demo/data/{kind}.csv")).is_file());
    }
}

/// The README says how to put `careledger` on the PATH before its guide first calls it.
#[test]
fn the_readme_installs_before_the_guide_calls_careledger() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let install = readme
        .find("cargo install --path .")
        .expect("an install line");
    // The first command line (in a code block) that calls `careledger`.
    let first_call = readme
        .lines()
        .scan((0, false), |(offset, in_code), line| {
            let start = *offset;
            *offset += line.len() + 1;
            if line.starts_with("```") {
                *in_code = !*in_code;
            }
            Some((start, *in_code && line.starts_with("careledger ")))
        })
        .find(|&(_, call)| call)
        .map(|(start, _)| start)
        .unwrap();
    assert!(
        install < first_call,
        "install at byte {install}, first call at {first_call}"
    );
    // (The first `careledger` line is the install block's own check.)
    assert!(install < readme.find("## Guide").unwrap());
}

/// `--version` names the store format too (`store::tables::STORE_FORMAT`, 3: the recent
/// layers of `current` and `refs`); stored values keep their own version byte, 1.
#[test]
fn version_names_the_store_format() {
    let d = Dir::new();
    assert_eq!(
        d.ok(&["--version"]),
        format!(
            "careledger {} (store format 3)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert_eq!(careledger::store::tables::STORE_FORMAT, 3);
    assert_eq!(careledger::store::codec::FORMAT_VERSION, 1);
}

/// Completions and the man page come from the clap definition: every subcommand is in them.
#[test]
fn completions_and_the_man_page_are_generated() {
    let d = Dir::new();
    let bash = d.ok(&["completions", "bash"]);
    assert!(bash.starts_with("_careledger() {"), "{bash}");
    assert!(bash.contains("complete -F _careledger"), "{bash}");
    let zsh = d.ok(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef careledger\n"), "{zsh}");
    let fish = d.ok(&["completions", "fish"]);
    assert!(fish.contains("complete -c careledger"), "{fish}");
    let man = d.ok(&["man"]);
    assert!(
        man.contains(".TH careledger 1  \"careledger 0.1.0 (store format 3)\""),
        "{man}"
    );
    for sub in [
        "import",
        "export",
        "verify",
        "report",
        "check",
        "completions",
        "man",
    ] {
        assert!(
            bash.contains(&format!("careledger__subcmd__{sub}")),
            "bash lacks {sub}"
        );
        assert!(
            man.contains(&format!("careledger\\-{sub}(1)")),
            "man lacks {sub}"
        );
    }
    // An unknown shell is bad usage: exit 2, naming the shells.
    let stderr = d.fails(&["completions", "tcsh"]);
    assert!(
        stderr.contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{stderr}"
    );
}

/// `--quiet` drops warnings (an unknown column) but keeps errors; without a terminal no
/// colour is written, and the counts are in correct English ("1 file, 1 row").
#[test]
fn quiet_keeps_errors_and_counts_are_plural_only_when_more_than_one() {
    let d = Dir::new();
    d.write(
        "one/customers.csv",
        "customer_id,name,created_on,shoe_size\nC1,王芳,2024-01-02,42\n",
    );
    let out = d.cmd().args(["import", "one"]).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(
        stderr,
        "warning: one/customers.csv: ignoring unknown column `shoe_size`; customers.csv reads customer_id,name,phone,family_id,tags,created_on,contact_consent\n"
    );
    assert!(stdout.starts_with("import 1: 1 file, 1 row\n"), "{stdout}");
    let out = d.cmd().args(["--quiet", "import", "one"]).output().unwrap();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("nothing to import: the 1 row is already in the store, unchanged\n")
    );
    // Errors stay under -q.
    let out = d
        .cmd()
        .args(["-q", "import", "missing.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("missing.csv: -: no such file or folder; check the path\n"),
        "{stderr}"
    );
    assert!(!stderr.contains('\x1b'));
    // Two files, three rows.
    d.write(
        "two/staff.csv",
        "staff_id,name,department,active_from\nKF1,李静,customer_care,2021-08-02\n",
    );
    d.write(
        "two/customers.csv",
        "customer_id,name,created_on\nC2,李雷,2024-01-02\nC3,韩梅梅,2024-01-03\n",
    );
    let stdout = d.ok(&["import", "two"]);
    assert!(
        stdout.starts_with("import 2: 2 files, 3 rows\n"),
        "{stdout}"
    );
}
