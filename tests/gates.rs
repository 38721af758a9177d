//! Proves `careledger check`: every gate kind with its boundary (a value exactly at its limit
//! passes), missing data, baselines, bad gates files (exit 2), JUnit parsed back as XML, and
//! GitHub annotations. Values are worked out by hand from the fixtures (see their READMEs):
//! fixtures/visits/week_across_month_end has February 2024 tasks 2/1/1/1 (due, performed,
//! successful, on time) and one survey of overall 5; March 2/2/1/2 (delivery_call_2 1/1/0/1,
//! delivery_call_3 1/1/1/1, both sales tasks) and one survey of 3.

use std::path::Path;

use crate::util::Dir;

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
        .display()
        .to_string()
}

fn store() -> Dir {
    let dir = Dir::new();
    dir.ok(&["import", &fixture("visits/week_across_month_end")]);
    dir
}

/// Runs `check --month 2024-03` with one gates file; returns (exit code, stdout).
fn check(dir: &Dir, gates: &str, extra: &[&str]) -> (i32, String) {
    dir.write("gates.toml", gates);
    let gates_path = dir.join("gates.toml").display().to_string();
    let out = dir.run(
        &[
            &["check", "--month", "2024-03", "--gates", &gates_path][..],
            extra,
        ]
        .concat(),
    );
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(),
    )
}

/// Asserts a single-gate file passes with `pass_limit` and fails with `fail_limit`.
fn boundary(dir: &Dir, gate_head: &str, key: &str, pass_limit: &str, fail_limit: &str) {
    let (code, out) = check(
        dir,
        &format!("[[gate]]\n{gate_head}\n{key} = {pass_limit}\n"),
        &[],
    );
    assert_eq!(code, 0, "{key} = {pass_limit} should pass:\n{out}");
    assert!(out.contains("PASS") && !out.contains("FAIL"), "{out}");
    let (code, out) = check(
        dir,
        &format!("[[gate]]\n{gate_head}\n{key} = {fail_limit}\n"),
        &[],
    );
    assert_eq!(code, 1, "{key} = {fail_limit} should fail:\n{out}");
    assert!(out.contains("FAIL"), "{out}");
}

#[test]
fn floors_and_ceilings_pass_exactly_at_the_limit() {
    let dir = store();
    // March success rate = 1/2.
    boundary(&dir, "kpi = \"tasks.success_rate\"", "min", "0.5", "0.51");
    boundary(&dir, "kpi = \"tasks.success_rate\"", "max", "0.5", "0.49");
    boundary(&dir, "kpi = \"tasks.due\"", "max", "2", "1");
    // March mean overall = 3.
    boundary(&dir, "kpi = \"surveys.mean_overall\"", "min", "3", "3.001");
    // Per department and kind: March's two tasks are both sales tasks.
    boundary(
        &dir,
        "kpi = \"by_department.on_time_rate\"\ndepartment = \"sales\"",
        "max",
        "1.0",
        "0.99",
    );
    boundary(
        &dir,
        "kpi = \"by_kind.successful\"\nkind = \"delivery_call_3\"",
        "min",
        "1",
        "2",
    );
}

#[test]
fn changes_against_the_previous_month_absolute_and_relative() {
    let dir = store();
    // Completion rose from 1/2 (February) to 2/2: +0.5, i.e. +100 %.
    boundary(
        &dir,
        "kpi = \"tasks.completion_rate\"",
        "max_rise",
        "0.5",
        "0.49",
    );
    boundary(
        &dir,
        "kpi = \"tasks.completion_rate\"",
        "max_rise",
        "\"100%\"",
        "\"99.9%\"",
    );
    // Satisfaction fell from 1/1 to 0/1: a drop of 1.0; the mean from 5 to 3: 40 %.
    boundary(
        &dir,
        "kpi = \"surveys.satisfaction_rate\"",
        "max_drop",
        "1",
        "0.99",
    );
    boundary(
        &dir,
        "kpi = \"surveys.mean_overall\"",
        "max_drop",
        "\"40%\"",
        "\"39%\"",
    );
    // Success stayed at 1/2: no change passes even a zero limit, both ways.
    let (code, out) = check(
        &dir,
        "[[gate]]\nkpi = \"tasks.success_rate\"\nmax_drop = 0\nmax_rise = \"0%\"\n",
        &[],
    );
    assert_eq!(code, 0, "{out}");
    let (_, out) = check(
        &dir,
        "[[gate]]\nkpi = \"tasks.completion_rate\"\nmax_rise = 0.49\n",
        &[],
    );
    assert!(
        out.contains("2024-02: 50.00%"),
        "the reference is shown: {out}"
    );
}

#[test]
fn missing_data_fails_unless_allowed() {
    let dir = store();
    // No churn_recovery task is due in March: the rate is null.
    let gate =
        "[[gate]]\nkpi = \"by_kind.completion_rate\"\nkind = \"churn_recovery\"\nmin = 0.5\n";
    let (code, out) = check(&dir, gate, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("no data") && out.contains("allow_missing"),
        "{out}"
    );
    let (code, out) = check(&dir, &format!("{gate}allow_missing = true\n"), &[]);
    assert_eq!(code, 0, "{out}");
    // A change check with no reference (the baseline given is a churn report, which holds
    // no visits KPI) fails unless allowed. (No --baseline at all is bad usage, exit 2: see
    // tests/overflow.rs.)
    let churn = dir.ok(&["report", "churn", "--month", "2024-02", "--format", "json"]);
    dir.write("churn.json", &churn);
    let baseline = dir.join("churn.json").display().to_string();
    let gate = "[[gate]]\nkpi = \"tasks.completion_rate\"\nbaseline_max_drop = 0.1\n";
    assert_eq!(check(&dir, gate, &["--baseline", &baseline]).0, 1);
    assert_eq!(
        check(
            &dir,
            &format!("{gate}allow_missing = true\n"),
            &["--baseline", &baseline]
        )
        .0,
        0
    );
}

#[test]
fn changes_against_a_baseline_report() {
    let dir = store();
    let february = dir.ok(&["report", "visits", "--month", "2024-02", "--format", "json"]);
    dir.write("baseline.json", &february);
    let baseline = dir.join("baseline.json").display().to_string();
    // On time rose from 1/2 to 2/2 against the baseline.
    let gate = |limit: &str| {
        format!("[[gate]]\nkpi = \"tasks.on_time_rate\"\nbaseline_max_rise = {limit}\n")
    };
    let (code, out) = check(&dir, &gate("0.5"), &["--baseline", &baseline]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("baseline: 50.00%"), "{out}");
    assert_eq!(
        check(&dir, &gate("\"50%\""), &["--baseline", &baseline]).0,
        1
    );
    // `check --format json` output serves as a baseline too (it embeds the reports).
    let (code, json) = check(
        &dir,
        &gate("0.5"),
        &["--baseline", &baseline, "--format", "json"],
    );
    assert_eq!(code, 0);
    dir.write("check.json", &json);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["passed"], true);
    assert_eq!(doc["reports"]["visits"]["tasks"]["due"], 2);
    let own = dir.join("check.json").display().to_string();
    // Against March itself, nothing changed.
    assert_eq!(check(&dir, &gate("0"), &["--baseline", &own]).0, 0);
}

#[test]
fn money_gates_on_churn_and_payouts() {
    let dir = Dir::new();
    dir.ok(&["import", &fixture("churn/lapse_edge")]);
    // fixtures/churn/lapse_edge: March 2024 recovery revenue 1234.50.
    boundary(
        &dir,
        "kpi = \"recovery_revenue\"",
        "min",
        "\"1234.50\"",
        "\"1234.51\"",
    );
    boundary(&dir, "kpi = \"recovered\"", "min", "1", "2");
    let dir = Dir::new();
    dir.ok(&["import", &fixture("close/1")]);
    // fixtures/close: March 2024 pays 200.00, all to customer care.
    boundary(&dir, "kpi = \"total\"", "max", "200", "199.99");
    boundary(
        &dir,
        "kpi = \"lines.amount\"\ndepartment = \"customer_care\"",
        "min",
        "200",
        "200.01",
    );
}

#[test]
fn bad_gates_files_exit_2_naming_the_problem() {
    let dir = store();
    for (gates, expected) in [
        (
            "[[gate]]\nkpi = \"tasks.completion\"\nmin = 0.5\n",
            "unknown KPI",
        ),
        (
            "[[gate]]\nkpi = \"tasks.completion_rate\"\nmin = 0.9\nmax = 0.8\n",
            "no value could pass",
        ),
        (
            "[[gate]]\nkpi = \"tasks.completion_rate\"\nmin = 85\n",
            "rates run from 0 to 1",
        ),
        (
            "[[gate]]\nkpi = \"tasks.completion_rate\"\nmax_drop = -0.1\n",
            "cannot be negative",
        ),
        (
            "[[gate]]\nkpi = \"by_kind.completion_rate\"\nmin = 0.5\n",
            "needs `kind",
        ),
        (
            "[[gate]]\nkpi = \"tasks.due\"\nkind = \"delivery_call_1\"\nmin = 1\n",
            "takes no such filter",
        ),
        (
            "[[gate]]\nkpi = \"by_kind.due\"\nkind = \"phone_call\"\nmin = 1\n",
            "not a task kind",
        ),
        (
            "[[gate]]\nkpi = \"tasks.due\"\nminimum = 1\n",
            "unknown field",
        ),
        ("[[gate]]\nkpi = \"tasks.due\"\n", "sets no limit"),
        ("", "no gates"),
        ("[[gate]\n", "gates.toml"),
        (
            "[[gate]]\nkpi = \"tasks.due\"\nmax_rise = \"lots\"\n",
            "not a limit",
        ),
    ] {
        let (code, out) = check(&dir, gates, &[]);
        assert_eq!(code, 2, "{gates:?} should be refused:\n{out}");
        assert!(
            out.contains(expected),
            "{gates:?}: expected `{expected}` in:\n{out}"
        );
    }
    let out = dir.run(&["check", "--month", "2024-03", "--gates", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn junit_reports_each_check() {
    let dir = store();
    let gates = "[[gate]]\nkpi = \"tasks.success_rate\"\nmin = 0.5\n\n[[gate]]\nname = \"visits <done> & \\\"more\\\"\"\nkpi = \"tasks.completion_rate\"\nmin = 0.5\nmax_rise = \"10%\"\n";
    let (code, xml) = check(&dir, gates, &["--format", "junit"]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&xml).expect("JUnit output is XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(
        (suite.attribute("tests"), suite.attribute("failures")),
        (Some("3"), Some("1"))
    );
    let cases: Vec<(String, bool)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            (
                n.attribute("name").unwrap().to_owned(),
                n.children().any(|c| c.has_tag_name("failure")),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("tasks.success_rate min".to_owned(), false),
            ("visits <done> & \"more\" min".to_owned(), false),
            ("visits <done> & \"more\" max_rise".to_owned(), true),
        ]
    );
}

/// A KPI name is parsed when the gates file is read: a typo is a load error (exit 2) that
/// names the gate, its line and the name, suggests the nearest known one and lists them all.
#[test]
fn an_unknown_kpi_is_refused_with_the_nearest_known_name() {
    let dir = store();
    let (code, out) = check(
        &dir,
        "[[gate]]\nkpi = \"tasks.due\"\nmin = 1\n\n[[gate]]\nkpi = \"visits.completion_rat\"\nmin = 0.5\n",
        &[],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "gates.toml: gate 2, line 6: unknown KPI `visits.completion_rat`; did you mean `tasks.completion_rate`? the KPIs are: tasks.due, tasks.performed,"
        ),
        "{out}"
    );
    for known in [
        "by_department.on_time_rate",
        "recovery_revenue",
        "lines.amount",
    ] {
        assert!(out.contains(known), "{known} is listed:\n{out}");
    }
    // Nothing was checked: no table was printed.
    assert!(!out.contains("PASS") && !out.contains("FAIL"), "{out}");
}

/// The gates files CI uses keep their meaning (fixtures/gates/README.md: November 2024 has
/// 102 of 118 due visits performed, 86.44 %, and 16 customers lost at its end).
#[test]
fn the_ci_gates_files_pass_and_fail_as_before() {
    let dir = Dir::new();
    dir.ok(&["import", &fixture("gates/data")]);
    let run = |file: &str| {
        let out = dir.run(&[
            "check",
            "--month",
            "2024-11",
            "--gates",
            &fixture(&format!("gates/{file}")),
        ]);
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
        )
    };
    let (code, out) = run("pass.toml");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("10 checks, 0 failed"), "{out}");
    assert!(out.contains("42590.60"), "{out}");
    let (code, out) = run("fail.toml");
    assert_eq!(code, 1, "{out}");
    let failed: Vec<(&str, &str)> = out
        .lines()
        .filter(|l| l.ends_with("FAIL"))
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            (cells[0], cells[2])
        })
        .collect();
    assert_eq!(
        failed,
        [("tasks.completion_rate", "86.44%"), ("lost_at_end", "16")]
    );
}

/// Lines 2, 6 and 11 hold the `[[gate]]` headers (the last indented, with spaces inside).
/// March 2024: success 1 of 2 (exactly the floor), completion 2 of 2 against February's 1 of
/// 2 (a rise of 100 %, above 10 %), no churn_recovery task due (no data, allowed).
const ANNOTATED_GATES: &str = "# gates for the annotations
[[gate]]
kpi = \"tasks.success_rate\"
min = 0.5

[[gate]]
name = \"done|all, 100%: yes\"
kpi = \"tasks.completion_rate\"
max_rise = \"10%\"

  [[ gate ]]   # indented
kpi = \"by_kind.completion_rate\"
kind = \"churn_recovery\"
min = 0.5
allow_missing = true
";

/// GitHub's syntax: properties escape `%`, `:` and `,`; the message escapes `%`.
const EXPECTED_ANNOTATIONS: &str = "::error file=gates.toml,line=6,title=KPI gate failed%3A done|all%2C 100%25%3A yes max_rise::2024-03 done|all, 100%25: yes max_rise: 100.00%25 (limit 10%25): rose by 100.00%25 against 2024-02: 50.00%25, more than 10%25
::warning file=gates.toml,line=11,title=KPI gate passed without data%3A by_kind.completion_rate[churn_recovery] min::2024-03 by_kind.completion_rate[churn_recovery] min: no data (limit 50.00%25): no data (allow_missing)
";

/// Runs `check --month 2024-03 --gates gates.toml` (relative, as a workflow gives it).
fn run_annotated(dir: &Dir, extra: &[&str]) -> (i32, String, String) {
    dir.write("gates.toml", ANNOTATED_GATES);
    let out = dir.run(
        &[
            &["check", "--month", "2024-03", "--gates", "gates.toml"][..],
            extra,
        ]
        .concat(),
    );
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Regression (issue 16): `--annotate github` wrote `::error` lines after `</testsuites>`,
/// so the README's `--format junit > gates.xml` was not XML and `--format json` not JSON.
#[test]
fn github_annotations_go_to_stderr_pointing_at_each_gates_line() {
    let dir = store();
    let (code, stdout, stderr) =
        run_annotated(&dir, &["--format", "junit", "--annotate", "github"]);
    assert_eq!(code, 1, "{stderr}");
    let doc = roxmltree::Document::parse(&stdout).expect("stdout is only the JUnit XML");
    assert_eq!(doc.root_element().tag_name().name(), "testsuites");
    assert_eq!(doc.root_element().attribute("failures"), Some("1"));
    assert_eq!(stderr, EXPECTED_ANNOTATIONS);

    let (code, stdout, stderr) = run_annotated(&dir, &["--format", "json", "--annotate", "github"]);
    assert_eq!(code, 1, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is only JSON");
    assert_eq!(json["failed"], 1);
    assert_eq!(json["checks"].as_array().unwrap().len(), 3);
    assert_eq!(stderr, EXPECTED_ANNOTATIONS);

    // --annotate-file: the same lines in the file, nothing on stderr.
    let (code, stdout, stderr) = run_annotated(
        &dir,
        &["--annotate", "github", "--annotate-file", "annotations.txt"],
    );
    assert_eq!(code, 1);
    assert_eq!(stderr, "");
    assert!(
        stdout.starts_with("KPI gates for 2024-03: 3 checks, 1 failed\n"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("annotations.txt")).unwrap(),
        EXPECTED_ANNOTATIONS
    );
}

const EXPECTED_SUMMARY: &str = "### KPI gates for 2024-03: 3 checks, 1 failed

| gate | check | value | limit | against | result | note |
|---|---|---|---|---|---|---|
| tasks.success_rate | min | 50.00% | 50.00% |  | PASS |  |
| done\\|all, 100%: yes | max_rise | 100.00% | 10% | 2024-02: 50.00% | FAIL | rose by 100.00% against 2024-02: 50.00%, more than 10% |
| by_kind.completion_rate[churn_recovery] | min | no data | 50.00% |  | PASS (allow_missing) | no data (allow_missing) |

";

/// `--summary FILE`, or `$GITHUB_STEP_SUMMARY` without it, gets the gates as a Markdown
/// table, appended (GitHub collects each step's summary from the same file).
#[test]
fn the_summary_is_a_markdown_table_appended_to_the_file() {
    let dir = store();
    dir.write("summary.md", "earlier step\n");
    let (code, _, _) = run_annotated(&dir, &["--summary", "summary.md"]);
    assert_eq!(code, 1);
    assert_eq!(
        std::fs::read_to_string(dir.join("summary.md")).unwrap(),
        format!("earlier step\n{EXPECTED_SUMMARY}")
    );

    let out = dir
        .cmd()
        .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"))
        .args(["check", "--month", "2024-03", "--gates", "gates.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.join("summary.md")).unwrap(),
        format!("earlier step\n{EXPECTED_SUMMARY}{EXPECTED_SUMMARY}")
    );
}

/// Runs `check --month 2025-12` with one gates file; returns (exit code, stdout and stderr).
fn check_december(dir: &Dir, gates: &str, extra: &[&str]) -> (i32, String) {
    dir.write("gates.toml", gates);
    let gates_path = dir.join("gates.toml").display().to_string();
    let out = dir.run(
        &[
            &["check", "--month", "2025-12", "--gates", &gates_path][..],
            extra,
        ]
        .concat(),
    );
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(),
    )
}

/// Issue 17: `lapse.revenue_at_risk` and `lapse.expected_revenue` are the lapse report's as
/// of the month's last day, in yuan: a ceiling below fails (exit 1), at the value passes;
/// against the previous month too; `check --format json` files the two figures (not the
/// list), and a saved `lapse --format json` serves as a baseline.
#[test]
fn lapse_gates_read_the_model_as_of_the_month_end() {
    let dir = crate::util::lapse_store();
    let lapse: serde_json::Value =
        serde_json::from_str(&dir.ok(&["lapse", "--as-of", "2025-12-31", "--format", "json"]))
            .unwrap();
    let at_risk = lapse["revenue_at_risk"].as_str().unwrap().to_owned();
    let expected = lapse["expected_revenue"].as_str().unwrap().to_owned();
    let fen = |yuan: &str| -> i64 { yuan.replace('.', "").parse().unwrap() };
    assert!(fen(&at_risk) > 0, "{lapse}");
    let below = |yuan: &str| {
        let f = fen(yuan) - 1;
        format!("{}.{:02}", f / 100, f % 100)
    };

    let (code, out) = check_december(
        &dir,
        &format!(
            "[[gate]]\nkpi = \"lapse.revenue_at_risk\"\nmax = \"{at_risk}\"\n\n[[gate]]\nkpi = \"lapse.expected_revenue\"\nmin = \"{expected}\"\n"
        ),
        &[],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("lapse.revenue_at_risk   max    {at_risk}")),
        "{out}"
    );
    let (code, out) = check_december(
        &dir,
        &format!(
            "[[gate]]\nkpi = \"lapse.revenue_at_risk\"\nmax = \"{}\"\n",
            below(&at_risk)
        ),
        &[],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("above the ceiling"), "{out}");

    // Against November's end, and the JSON: the figures, never the list.
    let (code, out) = check_december(
        &dir,
        "[[gate]]\nkpi = \"lapse.revenue_at_risk\"\nmax_rise = \"1000%\"\n",
        &["--format", "json"],
    );
    assert_eq!(code, 0, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["reports"]["lapse"],
        serde_json::json!({"as_of": "2025-12-31", "expected_revenue": expected, "revenue_at_risk": at_risk})
    );
    let november: serde_json::Value =
        serde_json::from_str(&dir.ok(&["lapse", "--as-of", "2025-11-30", "--format", "json"]))
            .unwrap();
    assert_eq!(
        report["checks"][0]["reference"],
        format!("2025-11: {}", november["revenue_at_risk"].as_str().unwrap())
    );

    // A saved lapse report as the baseline: no change against itself.
    dir.write("lapse.json", lapse.to_string());
    let baseline = dir.join("lapse.json").display().to_string();
    let (code, out) = check_december(
        &dir,
        "[[gate]]\nkpi = \"lapse.revenue_at_risk\"\nbaseline_max_rise = 0\n",
        &["--baseline", &baseline],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("baseline: {at_risk}")), "{out}");
}

/// A store the lapse model cannot be fitted to has no lapse figures: the gate fails with
/// "no data" unless `allow_missing`.
#[test]
fn a_lapse_gate_on_a_store_too_small_for_the_model_has_no_data() {
    let dir = store();
    let gates = "[[gate]]\nkpi = \"lapse.revenue_at_risk\"\nmax = 100000\n";
    let (code, out) = check(&dir, gates, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no data"), "{out}");
    let (code, out) = check(&dir, &format!("{gates}allow_missing = true\n"), &[]);
    assert_eq!(code, 0, "{out}");
}

/// The table `check` prints follows `--lang`: under zh its title, headings, results, the
/// reference's label and the notes are Chinese, padded by display width (a Chinese character
/// takes two columns); the gate names, the checks' keys and the figures stay as the gates file
/// and the reports give them. The JUnit and JSON stay English (the tests above). The figures
/// are those of `ANNOTATED_GATES` (worked above it).
#[test]
fn the_table_speaks_chinese_under_lang_zh() {
    let dir = store();
    let (code, stdout, _) = run_annotated(&dir, &["--lang", "zh"]);
    assert_eq!(code, 1);
    let expected = [
        "2024-03 的 KPI 门禁：3 项检查，1 项未通过",
        "门禁                                     检查      数值     限值    对照             结果",
        "tasks.success_rate                       min       50.00%   50.00%                   通过",
        "done|all, 100%: yes                      max_rise  100.00%  10%     2024-02：50.00%  未通过",
        "    与 2024-02：50.00% 相比上升了 100.00%，超过 10%",
        "by_kind.completion_rate[churn_recovery]  min       无数据   50.00%                   通过",
    ];
    assert_eq!(stdout, expected.map(|l| format!("{l}\n")).concat());
}
