//! Every text of a report that quotes a rule quotes the rules in force (issue 18, item 5):
//! under a changed rules file the changed numbers appear and the defaults do not, and without
//! one the defaults appear — in the Markdown of every report (zh and en), in the report pack
//! (index.html, its Markdown, the satisfaction chart) and in `explain payout`.
//!
//! The texts that quote a rule: the delivery calls' names (their due time), the churn note
//! (attribution and revenue windows), the tier criteria (thresholds, trailing period), the
//! satisfaction chart's fine threshold, the explained arithmetic (satisfied score, fine
//! threshold), and the "not final" stamp of a month the data has not settled (the grace).
//! The lapse changes figures only; no text may quote its default.

use std::path::Path;

use crate::util::Dir;

/// Every rule a text quotes, changed; and the lapse, which no text quotes. (The grace is 30 h
/// here, not 24: 24 h is the default due time of the first delivery call, which the
/// changed texts must not show.)
const CHANGED: &str = r#"
[visits]
grace_hours = 30

[visits.tasks.delivery_call_1]
due_hours = 36
department = "sales"
success = ["reached"]

[visits.tasks.delivery_call_2]
due_hours = 96
department = "sales"
success = ["reached"]

[visits.tasks.delivery_call_3]
due_hours = 240
department = "sales"
success = ["reached"]

[churn]
lapse_days = 120
attribution_days = 60
revenue_window_days = 200
declared_lost_after = 3

[care.tier_care]
super_vip = "month"
vip = "week"
general = "off"
department = "customer_care"
success = ["reached", "sent"]

[surveys]
satisfied_overall_min = 5

[tiers]
trailing_days = 300
s1_family_buyers_min = 3
s2_visit_dates_min = 6
v3_referred_sales_min = 2

[payouts]
fine_below_percent = 90
"#;

/// What the default rules' texts say, none of which may appear under [`CHANGED`]: the
/// delivery calls' due times, the lapse, grace, attribution and revenue windows, the fine
/// threshold and the trailing year.
const DEFAULT_QUOTES: [&str; 16] = [
    "24 h", "24小时", "3 days", "3日", "7 days", "7日", "180 days", "180 天", "48 h", "48小时",
    "90 days", "90 天", "365 days", "365 天", "95 %", "95%",
];

/// A store of fixtures/`set`, with the changed rules written beside it.
fn store(set: &str) -> Dir {
    let dir = Dir::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(set);
    dir.ok(&["import", data.to_str().unwrap()]);
    dir.write("changed.toml", CHANGED);
    dir
}

/// The output of careledger `args` in `lang`, under the changed rules or the defaults.
fn run(dir: &Dir, changed: bool, lang: &str, args: &[&str]) -> String {
    let mut all = vec!["--lang", lang];
    if changed {
        all.extend(["--rules", "changed.toml"]);
    }
    all.extend(args);
    dir.ok(&all)
}

/// Under the changed rules `text` holds every `changed` quote and no default one (neither
/// `default` nor any of [`DEFAULT_QUOTES`]); under the defaults `default_text` holds every
/// `default` quote and no `changed` one.
fn check(what: &str, text: &str, default_text: &str, changed: &[&str], default: &[&str]) {
    for quote in changed {
        assert!(text.contains(quote), "{what}: `{quote}` missing:\n{text}");
        assert!(
            !default_text.contains(quote),
            "{what}, default rules: `{quote}` found:\n{default_text}"
        );
    }
    for quote in default.iter().chain(&DEFAULT_QUOTES) {
        assert!(!text.contains(quote), "{what}: `{quote}` found:\n{text}");
    }
    for quote in default {
        assert!(
            default_text.contains(quote),
            "{what}, default rules: `{quote}` missing:\n{default_text}"
        );
    }
}

/// Checks the Markdown of `args` in both languages.
fn check_md(dir: &Dir, args: &[&str], quotes: [(&str, &[&str], &[&str]); 2]) {
    for (lang, changed, default) in quotes {
        let what = format!("{} ({lang})", args.join(" "));
        check(
            &what,
            &run(dir, true, lang, args),
            &run(dir, false, lang, args),
            changed,
            default,
        );
    }
}

#[test]
fn the_visits_report_names_the_delivery_calls_by_the_due_times_in_force() {
    let dir = store("gates/data");
    for args in [
        &["report", "visits", "--month", "2024-11", "--format", "md"][..],
        &["report", "visits", "--week", "2024-W47", "--format", "md"],
    ] {
        check_md(
            &dir,
            args,
            [
                (
                    "en",
                    &[
                        "| Delivery call (36 h) |",
                        "| Delivery call (4 days) |",
                        "| Delivery call (10 days) |",
                    ],
                    &[
                        "| Delivery call (24 h) |",
                        "| Delivery call (3 days) |",
                        "| Delivery call (7 days) |",
                    ],
                ),
                (
                    "zh",
                    &["| 交车36小时回访 |", "| 交车4日回访 |", "| 交车10日回访 |"],
                    &["| 交车24小时回访 |", "| 交车3日回访 |", "| 交车7日回访 |"],
                ),
            ],
        );
    }
}

#[test]
fn the_churn_report_quotes_the_attribution_and_revenue_windows_in_force() {
    let dir = store("gates/data");
    for args in [
        &["report", "churn", "--month", "2024-11", "--format", "md"][..],
        &["report", "churn", "--year", "2024", "--format", "md"],
    ] {
        check_md(
            &dir,
            args,
            [
                (
                    "en",
                    &[
                        "in the 60 days before it; its repair revenue for the next 200 days follows it.",
                    ],
                    &[
                        "in the 90 days before it; its repair revenue for the next 365 days follows it.",
                    ],
                ),
                (
                    "zh",
                    &[
                        "挽回客户计入回店前 60 天内最后一次成功挽回联络的人员；其后 200 天的维修产值随之计入。",
                    ],
                    &[
                        "挽回客户计入回店前 90 天内最后一次成功挽回联络的人员；其后 365 天的维修产值随之计入。",
                    ],
                ),
            ],
        );
    }
}

/// Issue 14: the churn report quotes the refusals that declare an episode lost, and the care
/// report each tier's cadence, as the rules in force set them.
#[test]
fn declared_lost_and_the_care_cadences_quote_the_rules_in_force() {
    let dir = store("gates/data");
    check_md(
        &dir,
        &["report", "churn", "--month", "2024-11", "--format", "md"],
        [
            (
                "en",
                &["(given up after 3 refusals"],
                &["(given up after 2 refusals"],
            ),
            ("zh", &["（3 次拒绝回访后"], &["（2 次拒绝回访后"]),
        ],
    );
    // A super VIP cared for every week by default, every month under the changed rules.
    let dir = store("care/week_year_end");
    check_md(
        &dir,
        &["report", "care", "--month", "2024-12", "--format", "md"],
        [
            (
                "en",
                &["| Super VIP (monthly) |"],
                &["| Super VIP (weekly) |"],
            ),
            ("zh", &["| 超级VIP (每月) |"], &["| 超级VIP (每周) |"]),
        ],
    );
}

#[test]
fn the_tier_criteria_quote_the_thresholds_in_force() {
    let dir = store("gates/data");
    check_md(
        &dir,
        &["tiers", "--month", "2024-11", "--list", "--format", "md"],
        [
            (
                "en",
                &[
                    "- S1: family with at least 3 buyers\n",
                    "- S2: at least 6 visit dates in the trailing 300 days\n",
                    "- S8: at least 3 surveys in the trailing 300 days, all satisfied\n",
                    "- V2: at least 3 visit dates in the trailing 300 days\n",
                    "- V3: referred at least 2 sales\n",
                ],
                &[
                    "- S1: family with at least 2 buyers\n",
                    "- S2: at least 5 visit dates in the trailing year\n",
                    "- S8: at least 3 surveys in the trailing year, all satisfied\n",
                    "- V2: at least 3 visit dates in the trailing year\n",
                    "- V3: referred a sale\n",
                ],
            ),
            (
                "zh",
                &[
                    "- S1: 一家人中有三人以上购车\n",
                    "- S2: 近 300 天来店 6 次以上\n",
                    "- S8: 近 300 天内回访 3 次以上且始终满意\n",
                    "- V2: 近 300 天进站 3 次以上\n",
                    "- V3: 转介绍购车 2 台以上\n",
                ],
                &[
                    "- S1: 一家人中有二人以上购车\n",
                    "- S2: 一年来店 5 次以上\n",
                    "- S8: 一年内回访 3 次以上且始终满意\n",
                    "- V2: 一年进站 3 次以上\n",
                    "- V3: 转介绍购车 1 台以上\n",
                ],
            ),
        ],
    );
}

/// The payout statement quotes no rule: under the changed rules it quotes no default either.
#[test]
fn the_payout_statement_quotes_no_default() {
    let dir = store("gates/data");
    check_md(
        &dir,
        &["report", "payouts", "--month", "2024-11", "--format", "md"],
        [("en", &[], &[]), ("zh", &[], &[])],
    );
}

/// fixtures/payouts/thresholds/README.md: the line 2024-W11 super_vip sales has Q403
/// (overall 5) and Q404 (overall 3), so 1 of 2 satisfied under either satisfied score, and
/// 100 × 1 is below 95 × 2 and 90 × 2 alike: a fine of 50.00 per member either way.
#[test]
fn explain_payout_quotes_the_satisfied_score_and_fine_threshold_in_force() {
    let dir = store("payouts/thresholds");
    let args = [
        "explain",
        "payout",
        "--period",
        "2024-W11",
        "--tier",
        "super_vip",
        "--department",
        "sales",
        "--format",
        "md",
    ];
    let changed: &[&str] = &[
        "2 surveys of super_vip customers about sales in 2024-W11, 1 satisfied (overall ≥ 5)",
        "100 × 1 = 100 < 90 × 2 = 180: below 90 %, fine 50.00 per member",
    ];
    let default: &[&str] = &[
        "2 surveys of super_vip customers about sales in 2024-W11, 1 satisfied (overall ≥ 4)",
        "100 × 1 = 100 < 95 × 2 = 190: below 95 %, fine 50.00 per member",
    ];
    let changed_zh: &[&str] = &[
        "2024-W11 超级VIP客户关于销售部的问卷 2 份，满意（总体评分 ≥ 5）1 份",
        "100 × 1 = 100 < 90 × 2 = 180：低于 90%，每人罚款 50.00",
    ];
    let default_zh: &[&str] = &[
        "2024-W11 超级VIP客户关于销售部的问卷 2 份，满意（总体评分 ≥ 4）1 份",
        "100 × 1 = 100 < 95 × 2 = 190：低于 95%，每人罚款 50.00",
    ];
    check_md(
        &dir,
        &args,
        [("en", changed, default), ("zh", changed_zh, default_zh)],
    );
}

#[test]
fn the_report_pack_quotes_the_rules_in_force() {
    let dir = store("gates/data");
    for (lang, kinds, default_kinds, threshold, default_threshold) in [
        (
            "en",
            [
                "<td>Delivery call (36 h)</td>",
                "<td>Delivery call (4 days)</td>",
                "<td>Delivery call (10 days)</td>",
            ],
            [
                "<td>Delivery call (24 h)</td>",
                "<td>Delivery call (3 days)</td>",
                "<td>Delivery call (7 days)</td>",
            ],
            "fine threshold 90%",
            "fine threshold 95%",
        ),
        (
            "zh",
            [
                "<td>交车36小时回访</td>",
                "<td>交车4日回访</td>",
                "<td>交车10日回访</td>",
            ],
            [
                "<td>交车24小时回访</td>",
                "<td>交车3日回访</td>",
                "<td>交车7日回访</td>",
            ],
            "罚款线 90%",
            "罚款线 95%",
        ),
    ] {
        let pack = |changed: bool| {
            let out = format!("pack-{lang}-{changed}");
            run(
                &dir,
                changed,
                lang,
                &["report", "all", "--month", "2024-11", "--out", &out],
            );
            let read = |name: &str| std::fs::read_to_string(dir.join(&out).join(name)).unwrap();
            (
                read("index.html"),
                read("satisfaction.svg"),
                [read("visits.md"), read("churn.md"), read("churn-2024.md")],
            )
        };
        let (html, svg, md) = pack(true);
        let (default_html, default_svg, default_md) = pack(false);
        check(
            &format!("index.html ({lang})"),
            &html,
            &default_html,
            &kinds,
            &default_kinds,
        );
        // The chart names the threshold in its legend (the rates are labelled too, with a
        // decimal: `95.2%` is a rate, `95%` is not).
        check(
            &format!("satisfaction.svg ({lang})"),
            &svg,
            &default_svg,
            &[threshold],
            &[default_threshold],
        );
        let (window, default_window) = match lang {
            "en" => ("in the 60 days before it", "in the 90 days before it"),
            _ => ("回店前 60 天内", "回店前 90 天内"),
        };
        check(
            &format!("visits.md ({lang})"),
            &md[0],
            &default_md[0],
            &[],
            &[],
        );
        for (i, name) in [(1, "churn.md"), (2, "churn-2024.md")] {
            check(
                &format!("{name} ({lang})"),
                &md[i],
                &default_md[i],
                &[window],
                &[default_window],
            );
        }
    }
}
