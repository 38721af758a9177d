//! The payout statement, its explanation and the what-if comparison, in Markdown and CSV.
//!
//! The statement's CSV, what finance imports into its spreadsheet, is laid out by
//! [`super::statement`] (and its workbook by [`super::xlsx`]). The people table people read
//! is built from the people rows below (names of departments in the report's language); the
//! lines table is its own, with satisfied over surveys in one cell.

use std::fmt::Write as _;

use super::table::{self, Table};
use super::{
    Lang, Render, RenderContext, csv_document, name, t, to_json, total_exact, word, yuan_exact,
};
use crate::csvio::BOM;
use crate::kpi::payouts::{
    AdjustmentLine, ComparedPerson, Comparison, Explanation, PayoutOutcome, Statement, outcome_word,
};
use crate::model::Period;

const COMPARED_PEOPLE_HEADER: [&str; 6] = [
    "staff_id",
    "name",
    "department",
    "in_force",
    "proposed",
    "difference",
];

/// The people of a statement, with adjustment and payable columns when it carries
/// adjustments; the last row is the total.
fn people_rows(s: &Statement) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let adjusted = s.payable_total.is_some();
    let mut header = vec!["staff_id", "name", "department", "amount"];
    if adjusted {
        header.extend(["adjustment", "payable"]);
    }
    let mut rows: Vec<Vec<String>> = s
        .people
        .iter()
        .map(|p| {
            let mut row = vec![
                p.staff_id.clone(),
                p.name.clone(),
                p.department.clone(),
                p.amount.to_string(),
            ];
            if adjusted {
                row.push(p.adjustment.unwrap_or_default().to_string());
                row.push(p.payable.unwrap_or_default().to_string());
            }
            row
        })
        .collect();
    let mut total = vec![
        "TOTAL".to_owned(),
        String::new(),
        String::new(),
        yuan_exact(total_exact(s.people.iter().map(|p| p.amount))),
    ];
    if adjusted {
        total.push(yuan_exact(total_exact(
            s.people.iter().map(|p| p.adjustment.unwrap_or_default()),
        )));
        total.push(yuan_exact(total_exact(
            s.people.iter().map(|p| p.payable.unwrap_or_default()),
        )));
    }
    rows.push(total);
    (header, rows)
}

fn adjustment_row(a: &AdjustmentLine) -> Vec<String> {
    vec![
        a.adjusts.clone(),
        a.period.clone(),
        a.tier.clone(),
        a.department.clone(),
        a.paid.to_string(),
        a.now.to_string(),
        a.amount.to_string(),
    ]
}

// How a payout line's period and outcome are shown. Every renderer reads them through these
// functions only, so that typing them (a period type, an outcome enum) changes these lines.

/// A period's label: `2026-W40`, `2026-10`, `2026`.
fn period_cell(period: &Period) -> String {
    period.label.clone()
}

/// A line's outcome as its JSON and CSV token: `reward`, `fine` or `none`.
fn outcome_token(outcome: PayoutOutcome) -> &'static str {
    outcome.as_str()
}

/// An outcome token (`reward`, `fine`, `none`, or `-` for a side of a comparison without
/// the line) as people say it.
fn outcome_name(outcome: &str, lang: Lang) -> &str {
    match outcome {
        "reward" => t(lang, "reward", "奖励"),
        "fine" => t(lang, "fine", "罚款"),
        "none" => t(lang, "none", "无"),
        other => other,
    }
}

fn compared_people_rows(c: &Comparison) -> Vec<Vec<String>> {
    let row = |p: &ComparedPerson| {
        vec![
            p.staff_id.clone(),
            p.name.clone(),
            p.department.clone(),
            p.in_force.to_string(),
            p.proposed.to_string(),
            p.difference.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = c.people.iter().map(row).collect();
    rows.push(vec![
        "TOTAL".into(),
        String::new(),
        String::new(),
        c.total_in_force.to_string(),
        c.total_proposed.to_string(),
        c.difference.to_string(),
    ]);
    rows
}

impl Statement {
    /// Who receives what, with adjustment and payable columns when the statement carries
    /// adjustments; the last row is the total (as in the CSV, whose rows these are).
    pub(super) fn people_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let (_, rows) = people_rows(self);
        let mut header = vec![
            word(lang, "staff"),
            word(lang, "name"),
            word(lang, "department"),
            word(lang, "amount"),
        ];
        if self.payable_total.is_some() {
            header.extend([t(lang, "adjustment", "调整"), t(lang, "payable", "应付")]);
        }
        Table::new(word(lang, "People"), &header, 3).rows(rows.into_iter().map(|mut r| {
            r[2] = name(&r[2], lang);
            r
        }))
    }

    /// One row per payout line: what its surveys earned and what its members receive.
    pub(super) fn lines_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let header = [
            word(lang, "period"),
            t(lang, "tier", "客户级别"),
            word(lang, "department"),
            t(lang, "satisfied", "满意/调查"),
            t(lang, "outcome", "结果"),
            word(lang, "per member"),
            word(lang, "members"),
            word(lang, "amount"),
        ];
        Table::new(word(lang, "Lines"), &header, 3).rows(self.lines.iter().map(|l| {
            vec![
                period_cell(&l.period),
                name(l.tier.as_str(), lang),
                name(&l.department, lang),
                format!("{}/{}", l.satisfied, l.surveys),
                outcome_name(outcome_token(l.outcome), lang).to_owned(),
                l.per_member.to_string(),
                l.members.to_string(),
                l.amount.to_string(),
            ]
        }))
    }
}

impl Render for Statement {
    fn json(&self) -> Vec<u8> {
        self.json_bytes()
    }

    /// People, lines, and the adjustment lists that are not empty.
    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        let lang = cx.lang;
        let mut tables = vec![self.people_table(cx), self.lines_table(cx)];
        for (title, list) in [
            (
                t(lang, "Prior-period adjustments", "以前期间调整"),
                &self.adjustments,
            ),
            (
                t(lang, "Changes since close", "结账后变动"),
                &self.changes_since_close,
            ),
        ] {
            if !list.is_empty() {
                let header = [
                    t(lang, "month", "所属月份"),
                    word(lang, "period"),
                    t(lang, "tier", "客户级别"),
                    word(lang, "department"),
                    t(lang, "paid", "已付"),
                    t(lang, "now", "现应为"),
                    word(lang, "difference"),
                ];
                tables.push(Table::new(title, &header, 4).rows(list.iter().map(adjustment_row)));
            }
        }
        tables
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let lang = cx.lang;
        let mut out = String::new();
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "# Reward and fine statement (奖罚), month {}\n",
                self.month
            ),
            Lang::Zh => writeln!(out, "# 奖罚结算 {}\n", self.month),
        };
        if let Some(c) = &self.closed {
            let _ = match lang {
                Lang::En => writeln!(
                    out,
                    "Closed at {} (sha256 `{}`): the figures below are the closed ones.\n",
                    c.closed_at, c.sha256
                ),
                Lang::Zh => writeln!(
                    out,
                    "已于 {} 结账（sha256 `{}`）：以下为结账数。\n",
                    c.closed_at, c.sha256
                ),
            };
        }
        let rewards = yuan_exact(total_exact(
            self.lines
                .iter()
                .filter(|l| l.amount.0 > 0)
                .map(|l| l.amount),
        ));
        let fines = yuan_exact(total_exact(
            self.lines
                .iter()
                .filter(|l| l.amount.0 < 0)
                .map(|l| l.amount),
        ));
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "- **Total** {} yuan: rewards {rewards}, fines {fines}",
                self.total
            ),
            Lang::Zh => writeln!(
                out,
                "- **合计** {} 元：奖励 {rewards}，罚款 {fines}",
                self.total
            ),
        };
        if let (Some(adj), Some(payable)) = (self.adjustments_total, self.payable_total) {
            let _ = match lang {
                Lang::En => writeln!(
                    out,
                    "- **Prior-period adjustments** {adj}; **payable** {payable}"
                ),
                Lang::Zh => writeln!(out, "- **以前期间调整** {adj}；**应付** {payable}"),
            };
        }
        if let Some(changes) = self.changes_since_close_total {
            let _ = match lang {
                Lang::En => writeln!(
                    out,
                    "- **Changed since close** records imported after the close would change this month by {changes}; the next open month settles it"
                ),
                Lang::Zh => writeln!(
                    out,
                    "- **结账后变动** 结账后导入的记录使本月变动 {changes}，在下一个未结账月份调整"
                ),
            };
        }
        table::markdown(&mut out, &self.tables(cx));
        let _ = writeln!(
            out,
            "\n{}",
            t(
                lang,
                "`careledger explain payout --period P --tier T --department D` shows the surveys and members behind a line.",
                "`careledger explain payout --period P --tier T --department D` 可查看某一行对应的问卷与人员。"
            )
        );
        out.into_bytes()
    }

    /// The statement finance pays from: what it is first, then people, lines and
    /// adjustments, each column adding up to its total once (see [`super::statement`]).
    fn csv(&self) -> Vec<u8> {
        super::statement::csv(self)
    }
}

impl Render for Explanation {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    /// The line's surveys, then the members counted.
    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        let lang = cx.lang;
        let header = [
            t(lang, "survey", "问卷"),
            t(lang, "at", "时间"),
            word(lang, "customer"),
            t(lang, "overall", "总体评分"),
            t(lang, "satisfied", "满意"),
            t(lang, "issues", "问题"),
        ];
        let surveys =
            Table::new(t(lang, "Surveys", "问卷"), &header, 6).rows(self.surveys.iter().map(|s| {
                vec![
                    s.survey_id.clone(),
                    s.at.to_string(),
                    s.customer_id.clone(),
                    s.overall.to_string(),
                    if s.satisfied {
                        t(lang, "yes", "是")
                    } else {
                        t(lang, "**no**", "**否**")
                    }
                    .to_owned(),
                    s.issues
                        .iter()
                        .map(|i| name(i, lang))
                        .collect::<Vec<_>>()
                        .join(" "),
                ]
            }));
        let header = [
            word(lang, "staff"),
            word(lang, "name"),
            t(lang, "active from", "入职"),
            t(lang, "active to", "离职"),
            word(lang, "amount"),
        ];
        let members = Table::new(t(lang, "Members counted", "计入人员"), &header, 4).rows(
            self.members.iter().map(|m| {
                vec![
                    m.staff_id.clone(),
                    m.name.clone(),
                    m.active_from.to_string(),
                    m.active_to.map(|d| d.to_string()).unwrap_or_default(),
                    self.per_member.to_string(),
                ]
            }),
        );
        vec![surveys, members]
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let lang = cx.lang;
        let mut out = String::new();
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "# Why {} of {} in {} ({} … {}) came to {}\n",
                self.department,
                self.tier,
                period_cell(&self.period),
                self.period.first,
                self.period.last,
                self.amount
            ),
            Lang::Zh => writeln!(
                out,
                "# {} · {} · {}（{} 至 {}）为何是 {}\n",
                name(&self.department, lang),
                name(self.tier.as_str(), lang),
                period_cell(&self.period),
                self.period.first,
                self.period.last,
                self.amount
            ),
        };
        for step in &self.arithmetic {
            let _ = writeln!(out, "- {step}");
        }
        table::markdown(&mut out, &self.tables(cx));
        out.into_bytes()
    }

    fn csv(&self) -> Vec<u8> {
        let rows: Vec<Vec<String>> = self
            .surveys
            .iter()
            .map(|s| {
                vec![
                    s.survey_id.clone(),
                    s.at.to_string(),
                    s.customer_id.clone(),
                    s.overall.to_string(),
                    s.satisfied.to_string(),
                    s.issues.join(";"),
                ]
            })
            .collect();
        let mut bytes = BOM.to_vec();
        bytes.extend(csv_document(
            &[
                "survey_id",
                "at",
                "customer_id",
                "overall",
                "satisfied",
                "issues",
            ],
            &rows,
        ));
        bytes
    }
}

impl Render for Comparison {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    /// The lines under both rules, then the people.
    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        let lang = cx.lang;
        let header = [
            word(lang, "period"),
            t(lang, "tier", "客户级别"),
            word(lang, "department"),
            t(lang, "satisfied", "满意/调查"),
            word(lang, "in force"),
            word(lang, "proposed"),
            word(lang, "difference"),
        ];
        let lines = Table::new(word(lang, "Lines"), &header, 3).rows(self.lines.iter().map(|l| {
            vec![
                period_cell(&l.period),
                name(l.tier.as_str(), lang),
                name(&l.department, lang),
                format!("{}/{}", l.satisfied, l.surveys),
                format!(
                    "{} {}",
                    outcome_name(outcome_word(l.in_force_outcome), lang),
                    l.in_force_amount
                ),
                format!(
                    "{} {}",
                    outcome_name(outcome_word(l.proposed_outcome), lang),
                    l.proposed_amount
                ),
                l.difference.to_string(),
            ]
        }));
        let header = [
            word(lang, "staff"),
            word(lang, "name"),
            word(lang, "department"),
            word(lang, "in force"),
            word(lang, "proposed"),
            word(lang, "difference"),
        ];
        let people = Table::new(word(lang, "People"), &header, 3).rows(compared_people_rows(self));
        vec![lines, people]
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let lang = cx.lang;
        let mut out = String::new();
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "# What-if: proposed rules against the rules in force, month {}\n",
                self.month
            ),
            Lang::Zh => writeln!(out, "# 方案测算：拟议规则与现行规则对比 {}\n", self.month),
        };
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "- **In force** {}; **proposed** {}; **difference** {}",
                self.total_in_force, self.total_proposed, self.difference
            ),
            Lang::Zh => writeln!(
                out,
                "- **现行** {}；**拟议** {}；**差额** {}",
                self.total_in_force, self.total_proposed, self.difference
            ),
        };
        table::markdown(&mut out, &self.tables(cx));
        out.into_bytes()
    }

    fn csv(&self) -> Vec<u8> {
        let mut bytes = BOM.to_vec();
        bytes.extend(csv_document(
            &COMPARED_PEOPLE_HEADER,
            &compared_people_rows(self),
        ));
        bytes
    }
}
