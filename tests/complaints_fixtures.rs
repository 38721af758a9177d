//! `report complaints` and `report actions --format json` reproduce, field for field, the
//! hand-worked results of every fixture under `fixtures/complaints/` (DOMAIN.md sections 12
//! and 13), byte for byte as the command line prints them, the same at 1 and 2 threads; the
//! open-complaints list and the Markdown of one month are checked on the same data, and a
//! step dated before its complaint is refused at import.
//!
//! Each fixture folder holds the CSV files to import, a `README.md` with the hand-working,
//! and one expected file per report: `expected-2025-10.json` is `report complaints --month
//! 2025-10`, `expected-actions-2025-10.json` is `report actions --month 2025-10`. The
//! expected files were worked out by hand (most of them are the strings `tests/complaints.rs`
//! asserts at library level), not copied from the program.

use crate::fixture;
use crate::util::Dir;

const SET: &str = "complaints";

/// The folders with expected reports (every folder but `step_before_raised`).
const REPORTED: [&str; 5] = [
    "guoqing_2025",
    "clock_boundaries",
    "reopened",
    "seed_categories",
    "actions",
];

/// `expected-actions-2025-10.json` is `report actions --month 2025-10`; `expected-2025-10.json`
/// is `report complaints --month 2025-10`.
fn command(stem: &str) -> Vec<String> {
    match stem.strip_prefix("actions-") {
        Some(month) => fixture::json_command(&["report", "actions", "--month", month]),
        None => fixture::json_command(&["report", "complaints", "--month", stem]),
    }
}

/// The parsed JSON equals the expected file's, and so do the bytes: the expected files are
/// pretty-printed as the command line prints them.
fn check(name: &str) {
    fixture::check(SET, name, command);
    let dir = fixture::imported(SET, name);
    for (stem, file, _) in fixture::expected(SET, name) {
        let args = command(&stem);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let expected = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            dir.ok(&args),
            expected,
            "careledger {} is not byte for byte {}",
            args.join(" "),
            file.display()
        );
    }
}

#[test]
fn guoqing_2025() {
    check("guoqing_2025");
}

#[test]
fn clock_boundaries() {
    check("clock_boundaries");
}

#[test]
fn reopened() {
    check("reopened");
}

#[test]
fn seed_categories() {
    check("seed_categories");
}

#[test]
fn actions() {
    check("actions");
}

/// Every report of every fixture prints the same bytes at 1 and at 2 threads, and twice.
#[test]
fn reports_are_byte_identical_at_one_and_two_threads() {
    for name in REPORTED {
        let dir = fixture::imported(SET, name);
        for (stem, _, _) in fixture::expected(SET, name) {
            let mut args = command(&stem);
            for format in ["json", "md", "csv"] {
                *args.last_mut().unwrap() = format.to_owned();
                let run = |threads: &str| {
                    let out = dir
                        .cmd()
                        .env("RAYON_NUM_THREADS", threads)
                        .args(&args)
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "careledger {args:?}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    out.stdout
                };
                let one = run("1");
                assert!(
                    !one.is_empty(),
                    "{name}: careledger {args:?} printed nothing"
                );
                assert_eq!(
                    one,
                    run("2"),
                    "{name}: careledger {args:?} differs between 1 and 2 threads"
                );
                assert_eq!(one, run("1"), "{name}: careledger {args:?} changed");
            }
        }
    }
}

/// The open list as of the end of October (24:00 of 10-31), worked in
/// `fixtures/complaints/guoqing_2025/README.md`: phones masked by default, the CSV with a BOM
/// and CRLF line ends, the same at 1 and 2 threads.
#[test]
fn the_open_complaints_at_the_end_of_october_as_csv() {
    let dir = fixture::imported(SET, "guoqing_2025");
    let expected = std::fs::read(
        fixture::fixture_dir(SET, "guoqing_2025").join("expected-open-2025-10-31.csv"),
    )
    .unwrap();
    let args = [
        "complaints",
        "--open",
        "--as-of",
        "2025-10-31",
        "--format",
        "csv",
    ];
    let run = |threads: &str| {
        let out = dir
            .cmd()
            .env("RAYON_NUM_THREADS", threads)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let one = run("1");
    assert_eq!(
        String::from_utf8_lossy(&one),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(one, expected);
    assert_eq!(run("2"), one);
    // No phone in full unless asked.
    assert!(!String::from_utf8_lossy(&one).contains("13812340004"));
    let shown = dir.ok(&[&args[..], &["--show-phone"]].concat());
    assert!(shown.contains(",K4,C4,13812340004,"), "{shown}");
}

/// The ids, statuses and latest steps of the open list at a moment.
fn open_at(dir: &Dir, moment: &str) -> Vec<(String, String, String)> {
    let json: serde_json::Value = serde_json::from_str(&dir.ok(&[
        "complaints",
        "--open",
        "--as-of",
        moment,
        "--format",
        "json",
    ]))
    .unwrap();
    json.as_array()
        .unwrap_or_else(|| panic!("not a list: {json}"))
        .iter()
        .map(|r| {
            let text = |key: &str| r[key].as_str().unwrap_or("").to_owned();
            (text("complaint_id"), text("status"), text("last_step"))
        })
        .collect()
}

/// K3 is resolved 10-22 09:00, reopened 10-24 10:00, resolved again 10-28 16:00: it is open
/// exactly from the reopening (inclusive) to the second resolution (exclusive).
#[test]
fn a_reopened_complaint_is_open_between_reopening_and_the_next_resolution() {
    let dir = fixture::imported(SET, "reopened");
    let k3 = |status: &str, step: &str| vec![("K3".to_owned(), status.to_owned(), step.to_owned())];
    assert_eq!(open_at(&dir, "2025-10-22 08:59"), k3("waiting", "replied"));
    assert_eq!(open_at(&dir, "2025-10-22 09:00"), []);
    assert_eq!(open_at(&dir, "2025-10-23"), []);
    assert_eq!(open_at(&dir, "2025-10-24 09:59"), []);
    assert_eq!(open_at(&dir, "2025-10-24 10:00"), k3("waiting", "reopened"));
    assert_eq!(open_at(&dir, "2025-10-28 15:59"), k3("waiting", "reopened"));
    assert_eq!(open_at(&dir, "2025-10-28 16:00"), []);
}

/// October's Markdown in both languages is the text `tests/complaints.rs` asserts at library
/// level (`expected-2025-10.en.md`, `expected-2025-10.zh.md`).
#[test]
fn october_markdown_in_both_languages() {
    let dir = fixture::imported(SET, "guoqing_2025");
    let folder = fixture::fixture_dir(SET, "guoqing_2025");
    for lang in ["en", "zh"] {
        let expected =
            std::fs::read_to_string(folder.join(format!("expected-2025-10.{lang}.md"))).unwrap();
        let md = dir.ok(&[
            "--lang",
            lang,
            "report",
            "complaints",
            "--month",
            "2025-10",
            "--format",
            "md",
        ]);
        assert_eq!(md, expected, "--lang {lang}");
    }
}

/// November of `seed_categories` holds one complaint of each of the seed's six categories
/// and one of another token: zh names the six as seed `001_*` does, en in English, and the
/// other token is shown as it is.
#[test]
fn the_six_seed_categories_are_named_in_each_language() {
    let dir = fixture::imported(SET, "seed_categories");
    let md = |lang: &str| {
        dir.ok(&[
            "--lang",
            lang,
            "report",
            "complaints",
            "--month",
            "2025-11",
            "--format",
            "md",
        ])
    };
    let zh = md("zh");
    let chinese = [
        "服务态度",
        "需要资讯",
        "空头承诺",
        "回应时间",
        "产品品质",
        "系统流程",
    ];
    for name in chinese {
        assert!(zh.contains(&format!("| {name} |")), "{name}:\n{zh}");
    }
    assert!(zh.contains("| parking |"), "{zh}");
    let en = md("en");
    for name in [
        "Service attitude",
        "Information needed",
        "Broken promise",
        "Response time",
        "Product quality",
        "Process",
    ] {
        assert!(en.contains(&format!("| {name} |")), "{name}:\n{en}");
    }
    assert!(en.contains("| parking |"), "{en}");
    for name in chinese {
        assert!(!en.contains(name), "{name} in English:\n{en}");
    }
}

/// A step one second before its complaint's raised_at is refused: exit 2, the error names
/// the file, the line and the column `at`, and nothing is written (the step at raised_at
/// exactly, on the line before, is fine).
#[test]
fn step_before_raised() {
    let dir = Dir::new();
    let folder = fixture::fixture_dir(SET, "step_before_raised");
    // A store holding the staff alone, to show that the failed import leaves it as it was.
    dir.ok(&["import", folder.join("staff.csv").to_str().unwrap()]);
    let before = dir.snapshot();
    let err = dir.fails(&["import", folder.to_str().unwrap()]);
    assert!(err.contains("complaint_steps.csv:3: at: "), "{err}");
    assert!(
        err.contains("the replied step is dated 2025-10-15 08:59:59, before complaint `K1` was raised at 2025-10-15 09:00:00"),
        "{err}"
    );
    assert!(!err.contains("complaint_steps.csv:2:"), "{err}");
    assert!(!err.contains("complaint_steps.csv:4:"), "{err}");
    assert_eq!(dir.snapshot(), before, "the refused import wrote something");
}

#[test]
fn every_fixture_folder_has_a_test() {
    let mut all = REPORTED.to_vec();
    all.push("step_before_raised");
    fixture::check_all_listed(SET, &all);
}

/// `check` gates on the complaints and actions figures of the hand-worked October
/// (timely rate 2/5 = 0.4, overdue actions at the end 2): a floor at the figure passes, a
/// floor above it fails with exit 1, as does a ceiling of one overdue action.
#[test]
fn check_gates_the_complaints_and_actions_figures() {
    let dir = fixture::imported(SET, "guoqing_2025");
    let actions = fixture::imported(SET, "actions");
    let gates = |text: &str| dir.write("gates.toml", text).display().to_string();
    let pass = gates("[[gate]]\nkpi = \"complaints.timely_rate\"\nmin = 0.4\n");
    let out = dir.run(&["check", "--month", "2025-10", "--gates", &pass]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let fail = gates("[[gate]]\nkpi = \"complaints.timely_rate\"\nmin = 0.95\n");
    let out = dir.run(&["check", "--month", "2025-10", "--gates", &fail]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("complaints.timely_rate"), "{text}");
    let overdue = actions
        .write(
            "gates.toml",
            "[[gate]]\nkpi = \"actions.overdue_at_end\"\nmax = 1\n",
        )
        .display()
        .to_string();
    let out = actions.run(&["check", "--month", "2025-10", "--gates", &overdue]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}
