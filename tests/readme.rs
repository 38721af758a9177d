//! Proves the README's guide cannot rot: every `careledger …` line of its `sh` code blocks
//! runs, in order, on a small generated store, and exits 0 (or the code its comment
//! documents, `# exit N`). The GitHub Actions workflow's command is run by `.ci/run`.
//!
//! The store is `gen --customers 300 --months 18 --seed 7 --start 2024-07` written where the
//! guide imports from (`exports/2024-10/`); the files the examples name come from the
//! README's own text (`proposal.toml`) or, where it shows none, from the generated data
//! (`corrections.csv`: the first sale with its amount corrected by 18 yuan).

use std::path::Path;

use assert_cmd::Command;

use crate::util::Dir;

/// One command of the README: its arguments after `careledger`, the file its stdout is
/// redirected to (`> FILE`), and the exit code it documents.
#[derive(Debug, PartialEq)]
struct Example {
    line: String,
    args: Vec<String>,
    stdout_to: Option<String>,
    exit: i32,
}

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md")
}

/// Every `careledger` line of the README's ```sh blocks, in order.
fn examples(readme: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_sh = !in_sh && trimmed == "```sh";
            continue;
        }
        let Some(rest) = trimmed.strip_prefix("careledger ").filter(|_| in_sh) else {
            continue;
        };
        let (command, comment) = rest.split_once(" #").unwrap_or((rest, ""));
        // The first `exit N` of the comment is what the example documents (`verify  # exit
        // 0: healthy; exit 3: damaged`).
        let exit = comment
            .split("exit ")
            .nth(1)
            .and_then(|after| after.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let mut args: Vec<String> = Vec::new();
        let mut stdout_to = None;
        let mut words = command.split_whitespace();
        while let Some(word) = words.next() {
            // A tiny shell: words and `> FILE`; anything else needs this parser extended.
            assert!(
                !word.contains(['"', '\'', '$', '|', '<', '&', ';', '*', '`']),
                "README: `{trimmed}`: extend tests/readme.rs to run `{word}`"
            );
            if word == ">" {
                stdout_to = Some(words.next().expect("a file after >").to_owned());
            } else {
                args.push(word.to_owned());
            }
        }
        found.push(Example {
            line: trimmed.to_owned(),
            args,
            stdout_to,
            exit,
        });
    }
    found
}

/// The text of the README's code block whose first line is `# NAME`, without that line.
fn shown_file(readme: &str, name: &str) -> String {
    let start = readme
        .find(&format!("\n# {name}"))
        .unwrap_or_else(|| panic!("the README shows no {name}"));
    let body = &readme[start + 1..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_owned()
}

fn careledger(dir: &Dir) -> Command {
    let mut cmd = Command::cargo_bin("careledger").expect("the binary is built");
    // As a user runs it: the default store `careledger.redb` in the working folder.
    cmd.current_dir(dir.path());
    for var in [
        "CARELEDGER_DB",
        "CARELEDGER_RULES",
        "CARELEDGER_LANG",
        "GITHUB_STEP_SUMMARY",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn the_readme_examples_are_found_with_their_exit_codes() {
    let found = examples(
        "```sh\ncareledger verify   # exit 0: healthy; exit 3: damaged\n```\n\
         ```toml\ncareledger = 1\n```\n\
         ```sh\ncareledger report payouts --month 2025-06 --format csv > s.csv   # for finance\n\
         cargo run -- demo\n```\n",
    );
    assert_eq!(
        found,
        [
            Example {
                line: "careledger verify   # exit 0: healthy; exit 3: damaged".into(),
                args: vec!["verify".into()],
                stdout_to: None,
                exit: 0,
            },
            Example {
                line:
                    "careledger report payouts --month 2025-06 --format csv > s.csv   # for finance"
                        .into(),
                args: ["report", "payouts", "--month", "2025-06", "--format", "csv"]
                    .map(String::from)
                    .to_vec(),
                stdout_to: Some("s.csv".into()),
                exit: 0,
            },
        ]
    );
}

/// About 15 s in a debug build, half of it the README's own 50 000-customer `gen`.
#[test]
fn every_readme_example_runs_on_a_demo_store() {
    let readme = readme();
    let examples = examples(&readme);
    // The guide's sections are all there (a parser that found nothing would pass).
    for expected in [
        "careledger import exports/2024-10/",
        "careledger verify",
        "careledger close --month 2025-06",
        "careledger report all --month 2025-06",
    ] {
        assert!(
            examples.iter().any(|e| e.line.starts_with(expected)),
            "`{expected}` not found among {examples:#?}"
        );
    }
    assert!(examples.len() >= 25, "{examples:#?}");

    let dir = Dir::new();
    let generated = careledger(&dir)
        .args(["gen", "--customers", "300", "--months", "18", "--seed", "7"])
        .args(["--start", "2024-07", "--out", "exports/2024-10/"])
        .output()
        .unwrap();
    assert!(generated.status.success(), "{generated:?}");
    dir.write("proposal.toml", shown_file(&readme, "proposal.toml"));
    let sales = std::fs::read_to_string(dir.join("exports/2024-10/sales.csv")).unwrap();
    let mut lines = sales.lines();
    let (header, first) = (lines.next().unwrap(), lines.next().unwrap());
    assert!(first.starts_with("S00000001,"), "{first}");
    // The amount mistyped: two digits of the yuan swapped (…57.50 → …75.50 style), or 18
    // yuan more when they are equal; whatever the generated sale, a different amount.
    let amount_col = header.split(',').position(|c| c == "amount").unwrap();
    let mut cells: Vec<String> = first.split(',').map(str::to_owned).collect();
    let amount = cells[amount_col].clone();
    let fen: i64 = amount.replace('.', "").parse().unwrap();
    let corrected = format!("{}.{:02}", (fen + 1_800) / 100, (fen + 1_800) % 100);
    cells[amount_col] = corrected.clone();
    dir.write(
        "corrections.csv",
        format!("{header}\n{}\n", cells.join(",")),
    );

    for example in &examples {
        let out = careledger(&dir).args(&example.args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(example.exit),
            "README: `{}`\nstdout:\n{}\nstderr:\n{}",
            example.line,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(file) = &example.stdout_to {
            dir.write(file, &out.stdout);
        }
        // What some examples promise, checked where they ran.
        let stdout = String::from_utf8_lossy(&out.stdout);
        match example.args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["history", "sales", "S00000001"] => {
                assert!(
                    // As a user runs it: in Chinese, the default.
                    stdout.starts_with("销售 S00000001：2 个版本"),
                    "{stdout}"
                );
                assert!(
                    stdout.contains(&format!("  * amount              {corrected}")),
                    "{stdout}"
                );
            }
            ["history", "survey_answers", "Q00000001/consultant_attitude"] => {
                assert!(stdout.contains("score               "), "{stdout}");
            }
            _ => {}
        }
    }
    // The statement for finance holds the line `explain payout` shows (W23, super VIP,
    // after-sales), every line pays per member × members (DOMAIN.md §8), and the total is
    // the sum of the lines. (The figures themselves are generated data: the payout rules
    // are checked on hand-made fixtures, tests/payouts_fixtures.rs.)
    let statement = std::fs::read_to_string(dir.join("statement-2025-06.csv")).unwrap();
    let fen = |s: &str| -> i64 {
        let negative = s.starts_with('-');
        let (yuan, cents) = s.trim_start_matches('-').split_once('.').unwrap();
        let value = yuan.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap();
        if negative { -value } else { value }
    };
    let rows: Vec<Vec<&str>> = statement
        .lines()
        .map(|l| l.trim_end_matches('\r').split(',').collect())
        .collect();
    let total = rows.iter().find(|r| r[0] == "total").expect("a total")[1];
    let lines: Vec<&Vec<&str>> = rows
        .iter()
        .filter(|r| r.len() == 11 && r[0] != "period")
        .collect();
    assert!(!lines.is_empty(), "{statement}");
    assert!(
        lines
            .iter()
            .any(|r| r[0] == "2025-W23" && r[3] == "super_vip" && r[4] == "after_sales"),
        "{statement}"
    );
    for r in &lines {
        assert_eq!(
            fen(r[10]),
            fen(r[8]) * r[9].parse::<i64>().unwrap(),
            "{r:?}"
        );
    }
    assert_eq!(fen(total), lines.iter().map(|r| fen(r[10])).sum::<i64>());
    for written in [
        "calls.csv",
        "exports/current/sales.csv",
        "backups/careledger-2025-07-01.redb",
        "restored.redb",
        "reports/2025-06/index.html",
        "pack-for-group/index.html",
        "data/contacts.csv",
    ] {
        assert!(dir.join(written).is_file(), "{written} was not written");
    }
}
