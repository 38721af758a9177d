//! Proves the statement files finance pays from (issue 15, items 1 and 2): the xlsx workbook
//! read back with calamine holds every amount of the JSON statement, to the fen, and its
//! totals' cached values are the engine's totals; the same store gives the same bytes; the
//! CSV says what it is and its people column sums to the JSON total exactly once. On the
//! hand-worked fixture fixtures/close: March closed, then amended (changes since close),
//! April open carrying the prior-period adjustment.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use crate::util::Dir;

fn fixture(step: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/close")
        .join(step)
        .display()
        .to_string()
}

/// March closed then amended, April open with its adjustment.
fn store() -> Dir {
    let dir = Dir::new();
    dir.ok(&["import", &fixture("1")]);
    dir.ok(&["close", "--month", "2024-03"]);
    dir.ok(&["import", "--amend", &fixture("2")]);
    dir
}

/// Yuan text of the JSON (`"-150.00"`) as fen.
fn fen(v: &Value) -> i64 {
    careledger::model::Fen::parse_signed(v.as_str().unwrap_or_else(|| panic!("{v}")))
        .unwrap()
        .0
}

/// A numeric cell as fen: the double the cell holds, times 100, rounded (exact for any
/// amount below 2^53 fen).
fn cell_fen(cell: Option<&Data>) -> i64 {
    match cell {
        Some(Data::Float(f)) => (f * 100.0).round() as i64,
        Some(Data::Int(i)) => i * 100,
        other => panic!("not a number: {other:?}"),
    }
}

fn cell_text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        other => panic!("not a text: {other:?}"),
    }
}

fn cell_date(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::DateTime(d)) => d
            .as_datetime()
            .unwrap()
            .date()
            .format("%Y-%m-%d")
            .to_string(),
        other => panic!("not a date: {other:?}"),
    }
}

/// The value in column B of the title block's row labelled by `key`.
fn title_row(key: &str) -> u32 {
    careledger::report::xlsx::TITLE_FIRST_ROW
        + careledger::report::xlsx::TITLE_KEYS
            .iter()
            .position(|k| *k == key)
            .unwrap() as u32
}

fn check_workbook(path: &Path, json: &Value, zh: bool) {
    let names = careledger::report::xlsx::sheet_names(if zh {
        careledger::report::Lang::Zh
    } else {
        careledger::report::Lang::En
    });
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    assert_eq!(book.sheet_names(), names.map(String::from).to_vec());

    // People: every amount, adjustment and payable, to the fen.
    let people = book.worksheet_range(names[1]).unwrap();
    let header = cell_text(people.get_value((0, 0)));
    assert_eq!(header, if zh { "工号" } else { "staff" });
    let listed = json["people"].as_array().unwrap();
    assert_eq!(people.height(), listed.len() + 1);
    let mut people_total = 0;
    for (i, p) in listed.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(cell_text(people.get_value((row, 0))), p["staff_id"]);
        assert_eq!(cell_text(people.get_value((row, 1))), p["name"]);
        let amount = cell_fen(people.get_value((row, 3)));
        assert_eq!(amount, fen(&p["amount"]));
        people_total += amount;
        let adjustment = p.get("adjustment").map_or(0, fen);
        assert_eq!(cell_fen(people.get_value((row, 4))), adjustment);
        let payable = p.get("payable").map_or(fen(&p["amount"]), fen);
        assert_eq!(cell_fen(people.get_value((row, 5))), payable);
    }
    assert_eq!(people_total, fen(&json["total"]));

    // Lines: periods as text, dates as dates, amounts as numbers.
    let lines = book.worksheet_range(names[2]).unwrap();
    let listed = json["lines"].as_array().unwrap();
    assert_eq!(lines.height(), listed.len() + 1);
    for (i, l) in listed.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(cell_text(lines.get_value((row, 0))), l["period"]);
        assert_eq!(cell_date(lines.get_value((row, 1))), l["period_start"]);
        assert_eq!(cell_date(lines.get_value((row, 2))), l["period_end"]);
        assert_eq!(
            cell_fen(lines.get_value((row, 5))),
            l["surveys"].as_i64().unwrap() * 100
        );
        assert_eq!(cell_fen(lines.get_value((row, 8))), fen(&l["per_member"]));
        assert_eq!(
            cell_fen(lines.get_value((row, 9))),
            l["members"].as_i64().unwrap() * 100
        );
        assert_eq!(cell_fen(lines.get_value((row, 10))), fen(&l["amount"]));
    }

    // Adjustments and changes since close, row for row.
    for (sheet, key) in [(names[3], "adjustments"), (names[4], "changes_since_close")] {
        let range = book.worksheet_range(sheet).unwrap();
        let listed = json
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        assert_eq!(range.height(), listed.len() + 1, "{sheet}");
        for (i, a) in listed.iter().enumerate() {
            let row = i as u32 + 1;
            assert_eq!(cell_text(range.get_value((row, 0))), a["adjusts"]);
            assert_eq!(cell_text(range.get_value((row, 1))), a["period"]);
            assert_eq!(cell_fen(range.get_value((row, 4))), fen(&a["paid"]));
            assert_eq!(cell_fen(range.get_value((row, 5))), fen(&a["now"]));
            assert_eq!(cell_fen(range.get_value((row, 6))), fen(&a["amount"]));
        }
    }

    // The title block: what the statement is, and totals as formulas whose cached values
    // are the engine's figures.
    let title = book.worksheet_range(names[0]).unwrap();
    let formulas = book.worksheet_formula(names[0]).unwrap();
    let value = |key: &str| title.get_value((title_row(key), 1));
    assert_eq!(cell_text(value("month")), json["month"]);
    let closed = json.get("closed");
    let status = cell_text(value("status"));
    match (closed.is_some(), zh) {
        (true, true) => assert_eq!(status, "已结账"),
        (false, true) => assert_eq!(status, "未结账"),
        (true, false) => assert_eq!(status, "closed"),
        (false, false) => assert_eq!(status, "open"),
    }
    if let Some(c) = closed {
        assert_eq!(cell_text(value("sha256")), c["sha256"]);
        match value("closed_at") {
            Some(Data::DateTime(d)) => assert_eq!(
                d.as_datetime()
                    .unwrap()
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                c["closed_at"].as_str().unwrap()
            ),
            other => panic!("closed_at is not a date: {other:?}"),
        }
    }
    let or_zero = |key: &str| json.get(key).map_or(0, fen);
    let expected = [
        ("total", fen(&json["total"])),
        ("lines_total", fen(&json["total"])),
        ("adjustments_total", or_zero("adjustments_total")),
        (
            "payable_total",
            json.get("payable_total").map_or(fen(&json["total"]), fen),
        ),
    ];
    let mut expected = expected.to_vec();
    if closed.is_some() {
        expected.push((
            "changes_since_close_total",
            or_zero("changes_since_close_total"),
        ));
    }
    for (key, figure) in expected {
        assert_eq!(cell_fen(value(key)), figure, "{key}");
        let formula = formulas
            .get_value((title_row(key), 1))
            .unwrap_or_else(|| panic!("{key} has no formula"));
        assert!(
            formula.starts_with("SUM(") || key == "payable_total",
            "{key}: {formula}"
        );
    }
}

#[test]
fn the_workbook_holds_every_amount_of_the_json_and_its_totals_to_the_fen() {
    let dir = store();
    for month in ["2024-03", "2024-04"] {
        let json: Value = serde_json::from_str(
            &dir.ok(&["report", "payouts", "--month", month, "--format", "json"]),
        )
        .unwrap();
        for lang in ["zh", "en"] {
            let file = dir.join(&format!("statement-{month}-{lang}.xlsx"));
            let stdout = dir.ok(&[
                "--lang",
                lang,
                "report",
                "payouts",
                "--month",
                month,
                "--format",
                "xlsx",
                "--out",
                file.to_str().unwrap(),
            ]);
            let wrote = if lang == "zh" { "已写入" } else { "wrote" };
            assert_eq!(stdout, format!("{wrote} {}\n", file.display()));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&file).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "{}", file.display());
            }
            check_workbook(&file, &json, lang == "zh");
            // The explanation of March's one line (fixtures/close: 2024-W10, Q1 and Q2 both
            // satisfied when it closed, two members, 100.00 each).
            if month == "2024-03" {
                let zh = lang == "zh";
                let names = careledger::report::xlsx::sheet_names(if zh {
                    careledger::report::Lang::Zh
                } else {
                    careledger::report::Lang::En
                });
                let mut book: Xlsx<_> = open_workbook(&file).unwrap();
                let explain = book.worksheet_range(names[5]).unwrap();
                assert_eq!(explain.height(), 2);
                assert_eq!(
                    cell_text(explain.get_value((1, 3))),
                    if zh {
                        "满意 2 / 2 份（100.0%）→ 奖励：每人 100.00 × 2 人 = 200.00"
                    } else {
                        "2 of 2 surveys satisfied (100.0%) → reward: 100.00 per member × 2 members = 200.00"
                    }
                );
                assert_eq!(cell_fen(explain.get_value((1, 4))), 20_000);
            }

            // The same store and arguments give the same bytes, from another process; and
            // a redirected stdout gets them too.
            let again = dir
                .cmd()
                .args(["--lang", lang, "report", "payouts", "--month", month])
                .args(["--format", "xlsx"])
                .output()
                .unwrap();
            assert!(again.status.success());
            assert_eq!(
                again.stdout,
                std::fs::read(&file).unwrap(),
                "{month} {lang}: two runs differ"
            );
        }
    }
}

#[test]
fn the_workbook_has_no_form_for_a_comparison() {
    let dir = store();
    dir.write("proposal.toml", "");
    let message = dir.fails(&[
        "--rules",
        "proposal.toml",
        "report",
        "payouts",
        "--month",
        "2024-04",
        "--compare",
        "--format",
        "xlsx",
    ]);
    assert!(message.contains("--compare has no xlsx form"), "{message}");
}

/// The blocks of the statement CSV, each as rows of cells (no cell of the fixture holds a
/// comma or a quote).
fn csv_blocks(text: &str) -> Vec<Vec<Vec<String>>> {
    let text = text
        .strip_prefix('\u{feff}')
        .expect("the CSV starts with a BOM");
    text.split("\r\n\r\n")
        .map(|block| {
            block
                .split("\r\n")
                .filter(|l| !l.is_empty())
                .map(|l| l.split(',').map(str::to_owned).collect())
                .collect()
        })
        .collect()
}

#[test]
fn the_csv_says_what_it_is_and_its_people_sum_to_the_json_total_once() {
    let dir = store();
    for month in ["2024-03", "2024-04"] {
        let json: Value = serde_json::from_str(
            &dir.ok(&["report", "payouts", "--month", month, "--format", "json"]),
        )
        .unwrap();
        let zh = dir.ok(&["report", "payouts", "--month", month, "--format", "csv"]);
        let en = dir.ok(&[
            "--lang", "en", "report", "payouts", "--month", month, "--format", "csv",
        ]);
        assert_eq!(zh, en, "the CSV's keys are the same in every language");
        let blocks = csv_blocks(&zh);
        let field = |key: &str| {
            blocks[0]
                .iter()
                .find(|r| r[0] == key)
                .unwrap_or_else(|| panic!("no {key}"))[1]
                .clone()
        };
        assert_eq!(blocks[0][0], ["field", "value"]);
        assert_eq!(field("month"), month);
        match json.get("closed") {
            Some(c) => {
                assert_eq!(field("status"), "closed");
                assert_eq!(field("closed_at"), c["closed_at"].as_str().unwrap());
                assert_eq!(field("sha256"), c["sha256"].as_str().unwrap());
                assert_eq!(
                    field("changes_since_close_total"),
                    json["changes_since_close_total"].as_str().unwrap()
                );
            }
            None => {
                assert_eq!(field("status"), "open");
                assert_eq!(field("sha256"), "");
            }
        }
        assert_eq!(field("total"), json["total"].as_str().unwrap());

        // SUM() over the people's amount column is the total, once: no total row in it.
        let people = &blocks[1];
        assert_eq!(people[0][..4], ["staff_id", "name", "department", "amount"]);
        assert_eq!(people.len() - 1, json["people"].as_array().unwrap().len());
        let sum = |rows: &[Vec<String>], col: usize| -> i64 {
            rows[1..]
                .iter()
                .map(|r| careledger::model::Fen::parse_signed(&r[col]).unwrap().0)
                .sum()
        };
        assert_eq!(sum(people, 3), fen(&json["total"]));
        let lines = &blocks[2];
        assert_eq!(lines[0][10], "amount");
        assert_eq!(sum(lines, 10), fen(&json["total"]));
        assert!(blocks.iter().flatten().all(|r| r[0] != "TOTAL"));
    }
}

/// The dealership's name, from the rules' `[report] dealership`, heads the workbook's title
/// block; without it the row is empty.
#[test]
fn the_workbook_names_the_dealership_of_the_rules() {
    let dir = store();
    dir.write("rules.toml", "[report]\ndealership = \"众达丰田4S店\"\n");
    for (rules, expected) in [(true, "众达丰田4S店"), (false, "")] {
        let file = dir.join(&format!("d-{rules}.xlsx"));
        let mut args = vec!["--lang", "zh"];
        if rules {
            args.extend(["--rules", "rules.toml"]);
        }
        args.extend([
            "report", "payouts", "--month", "2024-04", "--format", "xlsx",
        ]);
        args.extend(["--out", file.to_str().unwrap()]);
        dir.ok(&args);
        let mut book: Xlsx<_> = open_workbook(&file).unwrap();
        let names = careledger::report::xlsx::sheet_names(careledger::report::Lang::Zh);
        let title = book.worksheet_range(names[0]).unwrap();
        let value = match title.get_value((title_row("dealership"), 1)) {
            Some(Data::Empty) | None => String::new(),
            other => cell_text(other),
        };
        assert_eq!(value, expected);
        let heading = cell_text(title.get_value((0, 0)));
        assert_eq!(heading.starts_with("众达丰田4S店 "), rules, "{heading}");
    }
}
