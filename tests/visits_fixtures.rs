//! `report visits --format json` reproduces, field for field, the hand-worked results of every fixture under `fixtures/visits/`, and the same report twice is byte-identical.
//!
//! Each fixture folder holds the CSV files to import (or `1/`, `2/`, … imported in that
//! order), a `README.md` with the hand-working, and one `expected-PERIOD.json` per report:
//! `expected-2024-03.json` is `--month 2024-03`, `expected-2024-W09.json` is `--week 2024-W09`.
//! The expected files were worked out by hand from DOMAIN.md, not copied from the program.

use crate::fixture;

const SET: &str = "visits";

/// Every fixture folder, so the determinism test covers them all.
const FIXTURES: [&str; 14] = [
    "task_kinds",
    "crediting_order",
    "grace_edge",
    "before_trigger",
    "service_consent",
    "voided",
    "overlapping_deliveries",
    "week_across_month_end",
    "empty_month",
    "churn_recovery",
    "surveys",
    "owners",
    "outcomes",
    "satisfaction",
];

/// `expected-2024-03.json` is `--month 2024-03`; `expected-2024-W09.json` is `--week 2024-W09`.
fn command(stem: &str) -> Vec<String> {
    let flag = if stem.contains("-W") {
        "--week"
    } else {
        "--month"
    };
    fixture::json_command(&["report", "visits", flag, stem])
}

fn check(name: &str) {
    fixture::check(SET, name, command);
}

#[test]
fn task_kinds() {
    check("task_kinds");
}

#[test]
fn crediting_order() {
    check("crediting_order");
}

#[test]
fn grace_edge() {
    check("grace_edge");
}

#[test]
fn before_trigger() {
    check("before_trigger");
}

#[test]
fn service_consent() {
    check("service_consent");
}

#[test]
fn voided() {
    check("voided");
}

#[test]
fn overlapping_deliveries() {
    check("overlapping_deliveries");
}

#[test]
fn week_across_month_end() {
    check("week_across_month_end");
}

#[test]
fn empty_month() {
    check("empty_month");
}

#[test]
fn churn_recovery() {
    check("churn_recovery");
}

#[test]
fn surveys() {
    check("surveys");
}

#[test]
fn owners() {
    check("owners");
}

#[test]
fn outcomes() {
    check("outcomes");
}

#[test]
fn satisfaction() {
    check("satisfaction");
}

/// The Markdown of `satisfaction`: the same month last year beside each headline rate, the
/// data stamp (inside the grace, beyond the data, settled), the questions in their fixed
/// order, and the comments under their issues with phone numbers masked.
#[test]
fn satisfaction_markdown() {
    let dir = fixture::imported(SET, "satisfaction");
    let md = |lang: &str, month: &str| {
        dir.ok(&[
            "--lang", lang, "report", "visits", "--month", month, "--format", "md",
        ])
    };
    let en = md("en", "2024-03");
    for line in [
        "*Data through 2024-03-25. Not final: attempts up to 2024-04-03 00:00:00 (48 h grace after the period) may still change these figures.*",
        "- **Completion** 0 of 0 due return visits performed (–; 2023-03: –)",
        "- **Satisfaction** 3 of 5 surveys satisfied (60.0%; 2023-03: 50.0%), mean overall score 3.60 (2023-03: 3.00)",
        "| After-sales (satisfaction with the last repair) | 3 | 2 | 66.7% | 4.00 |",
        "| Waiting time | 3 | 3.67 | 2 | 66.7% |",
        "- 2024-03-08 After-sales (overall 3): 等太久了, 请打我电话 139****5678",
        "- 2024-03-04 After-sales (overall 5): 很满意",
    ] {
        assert!(en.contains(line), "missing {line:?} in:\n{en}");
    }
    // Fixed order, not by token: after-sales' own questions, another department's, unknown.
    let order = [
        "| Repair quality",
        "| Waiting time",
        "| Car wash",
        "| Consultant attitude",
        "| coffee",
        "| lounge",
    ];
    let at: Vec<usize> = order.iter().map(|q| en.find(q).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    // Issues by count, then token; the comment naming none last, under Other.
    let headings = [
        "### Broken promise (1)",
        "### Price (1)",
        "### Waiting time (1)",
        "### Other (1)",
    ];
    let at: Vec<usize> = headings.iter().map(|h| en.find(h).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    assert!(
        !en.contains("13912345678") && !en.contains("87654321"),
        "{en}"
    );
    assert!(
        !en.contains("去年的意见"),
        "last year's comment is not this month's"
    );

    let zh = md("zh", "2024-03");
    assert!(
        zh.contains("- **满意度** 满意 3 / 调查 5 份（60.0%；2023-03：50.0%），总体平均分 3.60（2023-03：3.00）"),
        "{zh}"
    );
    assert!(
        zh.contains("| 售后服务部（对上次维修的满意度） | 3 | 2 | 66.7% | 4.00 |"),
        "{zh}"
    );
    assert!(zh.contains("*数据截至 2024-03-25。尚未定稿"), "{zh}");
    assert!(
        zh.contains("### 其他（1 条）\n\n- 2024-03-04 售后服务部（总体 5 分）：很满意"),
        "{zh}"
    );
    assert!(
        md("en", "2024-05")
            .contains("*Data through 2024-03-25: this period lies beyond the data.*")
    );
    assert!(md("en", "2023-03").contains("*Data through 2024-03-25.*\n"));
}

#[test]
fn same_report_twice_is_byte_identical() {
    fixture::check_byte_identical(SET, &FIXTURES, command);
}

#[test]
fn every_fixture_folder_has_a_test() {
    fixture::check_all_listed(SET, &FIXTURES);
}
