//! Proves the README's guide cannot rot: every `careledger …` line of its `sh` code blocks
//! runs, in order, on a small generated store, and exits 0 (or the code its comment
//! documents, `# exit N`). The GitHub Actions workflow's command is run by `.ci/run`.
//!
//! The store is `gen --customers 300 --months 18 --seed 7 --start 2024-07` written where the
//! guide imports from (`exports/2024-10/`); the files the examples name come from the
//! README's own text (`proposal.toml`) or, where it shows none, from the generated data
//! (`corrections.csv`: the first sale with its amount mistyped, 138157.50 → 138175.50).

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
    assert_eq!(
        first,
        "S00000001,C00000001,LHGA23C55RA000001,2024-08-24 17:34:00,XS005,138157.50,"
    );
    dir.write(
        "corrections.csv",
        format!("{header}\n{}\n", first.replace("138157.50", "138175.50")),
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
                    stdout.starts_with("sales S00000001: 2 versions"),
                    "{stdout}"
                );
                assert!(
                    stdout.contains("  * amount              138175.50"),
                    "{stdout}"
                );
            }
            ["history", "survey_answers", "Q00000001/advisor_attitude"] => {
                assert!(stdout.contains("score               4"), "{stdout}");
            }
            _ => {}
        }
    }
    // The statement for finance: super VIP rewards of W23 (after_sales, sales 500.00 each)
    // and W24 (customer_care 400.00, sales 500.00), 1 900.00 in all (the example's W23 line
    // is the one `explain payout` shows).
    let statement = std::fs::read_to_string(dir.join("statement-2025-06.csv")).unwrap();
    assert!(statement.contains("\ntotal,1900.00\r\n"), "{statement}");
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
