//! Chinese throughout in zh mode (issue 13, item 8): the work lists, `stats`, `closes`,
//! `explain payout`, the what-if and statement tables and the weekly report say everything a
//! person reads in Chinese — headings, statuses, task kinds, tiers, departments, outcomes,
//! totals — while CSV and JSON keep their English keys and tokens, and English counts take
//! the noun's number ("1 survey").

use std::path::Path;

use crate::util::Dir;

/// The gates fixture (300 customers, 2024): every task kind, tier and department.
fn gates() -> Dir {
    let dir = Dir::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gates/data");
    dir.ok(&["import", data.to_str().unwrap()]);
    dir
}

/// English tokens that must not show in a Chinese table (they are fine in CSV and JSON).
const TOKENS: [&str; 14] = [
    "overdue",
    "ahead",
    "super_vip",
    "general",
    "tier_care",
    "service_followup",
    "delivery_call",
    "customer_care",
    "after_sales",
    "no_answer",
    "wrong_number",
    "refused",
    "reached",
    "TOTAL",
];

fn assert_no_tokens(text: &str) {
    for token in TOKENS {
        assert!(!text.contains(token), "`{token}` in:\n{text}");
    }
}

#[test]
fn the_work_lists_speak_chinese_and_their_csv_keeps_tokens() {
    let d = gates();
    let tasks = d.ok_default_lang(&["tasks", "--as-of", "2024-11-05", "--ahead", "7"]);
    let mut lines = tasks.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("截至 2024-11-05 的待办回访任务："),
        "{tasks}"
    );
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "应回访时间",
            "状态",
            "客户级别",
            "回访类型",
            "部门",
            "客户编号",
            "姓名",
            "电话",
            "负责人",
            "联络次数",
            "最近结果",
            "截止时间"
        ]
    );
    // A super VIP's weekly care, named as the managers name it.
    assert!(
        tasks
            .lines()
            .any(|l| l.contains("未到期") && l.contains("超级VIP") && l.contains("分级关怀")),
        "{tasks}"
    );
    assert_no_tokens(&tasks);

    let csv = d.ok_default_lang(&[
        "tasks",
        "--as-of",
        "2024-11-05",
        "--ahead",
        "7",
        "--format",
        "csv",
    ]);
    assert!(
        csv.starts_with("\u{feff}due_at,status,tier,kind,department,"),
        "{csv}"
    );
    assert!(csv.contains(",ahead,super_vip,tier_care,customer_care,"));

    let lost = d.ok_default_lang(&["lost", "--as-of", "2024-11-30"]);
    assert!(lost.starts_with("截至 2024-11-30 的流失客户："), "{lost}");
    assert!(
        lost.lines().nth(1).unwrap().starts_with("客户编号"),
        "{lost}"
    );
    // The latest recovery attempt's outcome: 空号 for wrong_number, 拒访 for refused.
    assert!(lost.contains(" 空号") && lost.contains(" 拒访"), "{lost}");
    assert_no_tokens(&lost);
    let lost_en = d.ok_default_lang(&["--lang", "en", "lost", "--as-of", "2024-11-30"]);
    assert!(lost_en.contains(" wrong_number") && lost_en.contains(" refused"));
}

#[test]
fn stats_and_closes_speak_chinese() {
    let d = gates();
    let stats = d.ok_default_lang(&["stats"]);
    assert!(stats.starts_with("数据库 "), "{stats}");
    let rows: Vec<Vec<&str>> = stats
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(rows.contains(&vec!["记录类型", "当前", "版本"]), "{stats}");
    assert!(rows.contains(&vec!["客户", "300", "300"]), "{stats}");
    assert!(rows.contains(&vec!["联络记录", "1679", "1679"]), "{stats}");
    assert!(
        stats.contains("\n导入 1 次；最近一次：第 1 次导入，"),
        "{stats}"
    );
    assert!(
        rows.contains(&vec![
            "客户", "新增", "300", "修改", "0", "作废", "0", "未变", "0"
        ]),
        "{stats}"
    );
    assert_eq!(d.ok_default_lang(&["closes"]), "尚无已结账的月份\n");
}

#[test]
fn the_weekly_report_is_the_weekly_report() {
    let d = gates();
    let zh = d.ok_default_lang(&["report", "visits", "--week", "2024-W45", "--format", "md"]);
    assert!(zh.starts_with("# 回访周报 2024-W45\n"), "{zh}");
    let month = d.ok_default_lang(&["report", "visits", "--month", "2024-11", "--format", "md"]);
    assert!(month.starts_with("# 回访月报 2024-11\n"), "{month}");
    let en = d.ok_default_lang(&[
        "--lang", "en", "report", "visits", "--week", "2024-W45", "--format", "md",
    ]);
    assert!(
        en.starts_with("# Weekly return-visit report (回访周报), week 2024-W45\n"),
        "{en}"
    );
}

#[test]
fn explain_and_the_what_if_speak_chinese_to_the_total() {
    let d = gates();
    // 2024-W44: one survey of a super VIP about after-sales, satisfied; 5 advisors on
    // 2024-11-03, 100.00 each.
    let args = [
        "explain",
        "payout",
        "--period",
        "2024-W44",
        "--tier",
        "super_vip",
        "--department",
        "after_sales",
    ];
    let zh = d.ok_default_lang(&args);
    for step in [
        "- 2024-W44 超级VIP客户关于售后服务部的问卷 1 份，满意（总体评分 ≥ 4）1 份\n",
        "- 1 份全部满意（100%）：每人奖励 100.00\n",
        "- 售后服务部 2024-11-03 在职 5 人：100.00 × 5 = 500.00\n",
    ] {
        assert!(zh.contains(step), "{step} missing from:\n{zh}");
    }
    assert_no_tokens(&zh);
    let en = d.ok_default_lang(&[&["--lang", "en"][..], &args].concat());
    assert!(
        en.contains("- 1 survey of super_vip customers about after_sales in 2024-W44, 1 satisfied (overall ≥ 4)\n")
            && en.contains("- 1 of 1 satisfied (100 %): reward 100.00 per member\n")
            && en.contains("- 5 members of after_sales active on 2024-11-03: 100.00 × 5 = 500.00\n"),
        "{en}"
    );
    // The JSON keeps the English steps.
    let json = d.ok_default_lang(&[&args[..], &["--format", "json"]].concat());
    assert!(json.contains("\"1 of 1 satisfied (100 %): reward 100.00 per member\""));

    // The what-if: super VIP reward 150.00 instead of 100.00; two weeks of 5 advisors.
    d.write(
        "proposal.toml",
        "[payouts.super_vip]\nreward = \"150.00\"\n",
    );
    let proposal = d.join("proposal.toml");
    let what_if = |format: &str| {
        d.ok_default_lang(&[
            "--rules",
            proposal.to_str().unwrap(),
            "report",
            "payouts",
            "--month",
            "2024-11",
            "--compare",
            "--format",
            format,
        ])
    };
    let csv = what_if("csv");
    let what_if = what_if("md");
    assert!(
        what_if.contains("| SH001 | 许婷婷 | 售后服务部 | 200.00 | 300.00 | 100.00 |"),
        "{what_if}"
    );
    assert!(
        what_if.contains("| **合计** |  |  | 1000.00 | 1500.00 | 500.00 |"),
        "{what_if}"
    );
    // Rule keys are names the rules file uses, quoted as code; everything else is Chinese.
    let prose: String = what_if
        .lines()
        .filter(|l| !l.contains('`'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_no_tokens(&prose);
    let statement =
        d.ok_default_lang(&["report", "payouts", "--month", "2024-11", "--format", "md"]);
    assert!(
        statement.contains("| **合计** |  |  | 1000.00 |"),
        "{statement}"
    );
    assert_no_tokens(&statement);
    // The what-if's CSV keeps its TOTAL row and tokens for the spreadsheet.
    assert!(
        csv.contains("SH001,许婷婷,after_sales,200.00,300.00,100.00\r\n"),
        "{csv}"
    );
    assert!(csv.contains("TOTAL,,,1000.00,1500.00,500.00\r\n"), "{csv}");
}

/// The store's own commands speak the default language too: an import's summary (and the
/// dry run's and a no-op's), `facts`, `verify`, `backup`, `restore`, `export` and
/// `history`. The counts are the fixture's rows per file (3 807 in all, counted with a CSV
/// reader), and every kind is named as `stats` names it.
#[test]
fn the_store_commands_speak_chinese() {
    let d = Dir::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gates/data");
    let data = data.to_str().unwrap();
    let first = d.ok_default_lang(&["import", data]);
    assert!(
        first.starts_with("第 1 次导入：8 个文件，3807 行\n记录类型 "),
        "{first}"
    );
    let rows: Vec<Vec<&str>> = first
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    let expected = [
        ("员工", "18"),
        ("客户", "300"),
        ("销售", "215"),
        ("维修工单", "431"),
        ("保险保单", "143"),
        ("联络记录", "1679"),
        ("满意度调查", "229"),
        ("调查答案", "792"),
    ];
    assert_eq!(rows.len(), expected.len(), "{first}");
    for (row, (kind, added)) in rows.iter().zip(expected) {
        assert_eq!(row, &[kind, added, "0", "0", "0"], "{first}");
    }
    let again = d.ok_default_lang(&["import", data]);
    assert!(
        again.starts_with("无需导入：3807 行都已在数据库中，没有变化\n"),
        "{again}"
    );
    let dry = d.ok_default_lang(&["import", "--dry-run", data]);
    assert!(
        dry.starts_with("试导入（将是第 2 次导入）：8 个文件，3807 行\n")
            && dry.ends_with("\n试导入：全部检查完毕，未写入任何数据\n"),
        "{dry}"
    );
    assert_eq!(
        d.ok_default_lang(&["facts"]),
        "保存的派生数据：已按现行规则更新到最新，无需重新派生\n"
    );
    let verify = d.ok_default_lang(&["verify"]);
    assert!(
        verify.contains("\nredb 完整性检查：通过（每一页都与其校验和相符）\n")
            && verify.contains("\n  current             3807 条\n")
            && verify.contains("；300 位客户已从头重新派生并逐一比对\n")
            && verify.ends_with("\n数据库完好\n"),
        "{verify}"
    );
    let backup = d.ok_default_lang(&["backup", "b.redb"]);
    assert!(
        backup.starts_with(&format!("已将 {} 备份到 b.redb（", d.db().display()))
            && backup.contains("个表，取自同一快照）：\n"),
        "{backup}"
    );
    let restored = d.ok_default_lang(&["restore", "b.redb", "--db", "r.redb"]);
    assert!(
        restored.contains("\n数据库完好\n已将 b.redb 恢复到 r.redb（")
            && restored.ends_with("）；使用时请加 --db r.redb\n"),
        "{restored}"
    );
    let export = d.ok_default_lang(&["export", "out"]);
    assert!(
        export.contains("customers.csv") && export.contains(" 300 行\n"),
        "{export}"
    );
    let history = d.ok_default_lang(&["history", "customers", "C00000001"]);
    assert!(
        history.starts_with("客户 C00000001：1 个版本\n\n版本 #")
            && history.contains("  写入  第 1 次导入，"),
        "{history}"
    );
    // Closing a month: the dry run's hash is the one close stores (the figures themselves
    // are held by tests/close.rs and the payout fixtures).
    let would = d.ok_default_lang(&["close", "--month", "2024-11", "--dry-run"]);
    let sha = would
        .split("sha256 ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap();
    assert!(
        would.starts_with("将结账 2024-11：合计 ")
            && would.ends_with(&format!("；sha256 {sha}\n未保存任何内容（--dry-run）\n")),
        "{would}"
    );
    let closed = d.ok_default_lang(&["close", "--month", "2024-11"]);
    assert!(
        closed.starts_with("已结账 2024-11：合计 ")
            && closed.ends_with(&format!("；sha256 {sha}\n")),
        "{closed}"
    );
    let reopened = d.ok_default_lang(&["reopen", "--month", "2024-11", "--reason", "核对"]);
    assert_eq!(
        reopened,
        "已重新打开 2024-11（其第 1 版结算单仍可在 `careledger closes` 中查看）；核对无误后请再次结账\n"
    );
    let again_closed = d.ok_default_lang(&["close", "--month", "2024-11"]);
    assert!(
        again_closed.starts_with("已结账 2024-11（第 2 版）：合计 "),
        "{again_closed}"
    );
    for text in [
        &first,
        &again,
        &dry,
        &verify,
        &backup,
        &restored,
        &export,
        &history,
        &would,
        &closed,
        &reopened,
        &again_closed,
    ] {
        // (Table names, as redb files them, are identifiers: `imports` stays.)
        for word in [
            "import ", "added", "kind", "entries", "healthy", "version ", "rows",
        ] {
            assert!(!text.contains(word), "`{word}` in:\n{text}");
        }
    }
}

/// Whether a text holds a Chinese character (a CJK unified ideograph).
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// English words of the messages below, none of which may remain in their Chinese.
const ENGLISH: [&str; 12] = [
    "import rejected",
    "nothing was written",
    "not a date",
    "ignoring",
    "unknown column",
    "warning:",
    "there is no",
    "in the store",
    "neither a date",
    "write YYYY",
    "Fix the rows",
    "e.g.",
];

fn assert_no_english(text: &str) {
    for word in ENGLISH {
        assert!(!text.contains(word), "`{word}` in:\n{text}");
    }
}

/// Errors and warnings follow `--lang` too: a rejected import's rows, its warnings and its
/// summary, a bad argument, a record that is not there. The locations and what a person types
/// back (file names, columns, cells in backticks, options) stay as they are.
#[test]
fn errors_and_warnings_speak_chinese() {
    let d = Dir::new();
    d.with_base();
    let bad = d.write(
        "bad/sales.csv",
        "sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id,shoe_size\n\
         S000002,C00011,LFV3A23C5K3012346,2024-02-30 10:30,XS003,1000,,42\n",
    );
    let bad = bad.to_str().unwrap();
    let stderr = d.fails_default_lang(2, &["import", bad]);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(
        lines[0].starts_with(&format!("警告：{bad}：忽略未知的列 `shoe_size`；")),
        "{stderr}"
    );
    let located = format!("{bad}:2: delivered_at: `2024-02-30 10:30` ");
    assert!(lines[1].starts_with(&located), "{stderr}");
    assert!(has_chinese(&lines[1][located.len()..]), "{stderr}");
    assert_eq!(
        lines[2],
        "导入被拒绝：1 个错误；未写入任何数据。请改正以上各行，再运行同样的导入。"
    );
    assert_no_english(&stderr);
    // The same import under --lang en says it in English.
    let english = d.fails(&["import", bad]);
    assert!(english.starts_with("warning: "), "{english}");
    assert!(
        english.contains("\nimport rejected: 1 error; nothing was written."),
        "{english}"
    );

    // An argument the parser checks, before the command runs.
    let stderr = d.fails_default_lang(2, &["lost", "--as-of", "2024-13-01"]);
    assert!(stderr.contains("`2024-13-01` 不是日期"), "{stderr}");
    assert_no_english(&stderr.replace("error: invalid value", ""));

    // The store's own errors.
    let empty = Dir::new();
    let stderr = empty.fails_default_lang(2, &["stats"]);
    assert_eq!(
        stderr,
        format!(
            "careledger: {} 处没有数据库；请用 `careledger import FILES...` 创建一个，或用 --db FILE 指定\n",
            empty.db().display()
        )
    );

    // A record that is not there, named as the kind it is.
    let stderr = d.fails_default_lang(2, &["history", "sales", "S404"]);
    assert_eq!(
        stderr,
        "careledger: 数据库中没有销售记录 `S404`，任何版本都没有\n"
    );
}
