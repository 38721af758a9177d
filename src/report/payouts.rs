//! The payout statement, its explanation and the what-if comparison, in Markdown and CSV.
//!
//! The statement's CSV, what finance imports into its spreadsheet, is laid out by
//! [`super::statement`] (and its workbook by [`super::xlsx`]). The people table people read
//! is built from the people rows below (names of departments in the report's language); the
//! lines table is its own, with satisfied over surveys in one cell.

use std::fmt::Write as _;

use super::table::{self, Table};
use super::{
    Lang, Render, RenderContext, csv_document, name, plural, t, to_json, total_exact, word,
    yuan_exact,
};
use crate::csvio::BOM;
use crate::kpi::payouts::{
    AdjustmentLine, ComparedPerson, Comparison, ExplainedRules, Explanation, LineRules,
    PayoutOutcome, Statement, Step, outcome_word,
};
use crate::model::Period;
use crate::rules::{MembersRule, ZeroMemberLines};

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

/// A line's outcome as people say it, with "sample too small" when its tier's `min_surveys`
/// made it `none`.
fn outcome_cell(outcome: PayoutOutcome, shaped_by: &LineRules, lang: Lang) -> String {
    let word = outcome_name(outcome_token(outcome), lang);
    if shaped_by.sample_too_small {
        match lang {
            Lang::En => format!("{word} ({})", sample_too_small(lang)),
            Lang::Zh => format!("{word}（{}）", sample_too_small(lang)),
        }
    } else {
        word.to_owned()
    }
}

fn sample_too_small(lang: Lang) -> &'static str {
    t(lang, "sample too small", "样本不足")
}

/// A line's members, with their days of the period's when they were prorated
/// (`3 (475 member-days / 366)`).
fn members_cell(members: u64, shaped_by: &LineRules, lang: Lang) -> String {
    match (shaped_by.member_days, shaped_by.period_days) {
        (Some(days), Some(period_days)) => match lang {
            Lang::En => format!("{members} ({days} member-days / {period_days})"),
            Lang::Zh => format!("{members}（{days} 人天 / {period_days} 天）"),
        },
        _ => members.to_string(),
    }
}

/// A step of a line's arithmetic in `lang` (English as the JSON has it).
fn step_text(step: &Step, lang: Lang) -> String {
    if lang == Lang::En {
        return step.english();
    }
    let who = |departments: &[String]| -> String {
        let names: Vec<String> = departments.iter().map(|d| name(d, lang)).collect();
        names.join("、")
    };
    match step {
        Step::Surveys {
            n,
            tier,
            department,
            period,
            satisfied,
            min,
        } => format!(
            "{period} {}客户关于{}的问卷 {n} 份，满意（总体评分 ≥ {min}）{satisfied} 份",
            name(tier.as_str(), lang),
            name(department, lang)
        ),
        Step::TooFew {
            n,
            min_surveys,
            tier,
        } => format!(
            "{n} 份问卷，少于{}行所需的 {min_surveys} 份（min_surveys）：样本不足，不奖不罚",
            name(tier.as_str(), lang)
        ),
        Step::AllSatisfied { n, reward } => {
            format!("{n} 份全部满意（100%）：每人奖励 {reward}")
        }
        Step::Fine {
            n,
            satisfied,
            threshold,
            fine,
        } => format!(
            "100 × {satisfied} = {} < {threshold} × {n} = {}：低于 {threshold}%，每人罚款 {fine}",
            100 * satisfied,
            u64::from(*threshold) * n
        ),
        Step::Neither {
            n,
            satisfied,
            threshold,
        } => format!(
            "100 × {satisfied} = {} ≥ {threshold} × {n} = {}：不低于 {threshold}% 但未达 100%，不奖不罚",
            100 * satisfied,
            u64::from(*threshold) * n
        ),
        Step::MembersOnLastDay {
            k,
            departments,
            last,
            per_member,
            amount,
        } => format!(
            "{} {last} 在职 {k} 人：{per_member} × {k} = {amount}",
            who(departments)
        ),
        Step::MembersWholePeriod {
            k,
            departments,
            first,
            last,
            per_member,
            amount,
        } => format!(
            "{} {first} 至 {last} 每天在职 {k} 人：{per_member} × {k} = {amount}",
            who(departments)
        ),
        Step::MembersProrated {
            k,
            departments,
            first,
            last,
            days,
            period_days,
            per_member,
            amount,
        } => format!(
            "{} {first} 至 {last} 在职 {k} 人，共 {days} 人天，期间 {period_days} 天：{per_member} × {days} / {period_days} = {amount}（四舍五入到分），按在职天数分摊，余下的分按最大余数分配",
            who(departments)
        ),
        Step::Dropped => "无人分摊：本行不列入结算单（zero_member_lines = drop）".to_owned(),
    }
}

/// The members rule as people say it.
fn members_rule_text(rule: MembersRule, lang: Lang) -> &'static str {
    match rule {
        MembersRule::ActiveOnLastDay => t(
            lang,
            "the staff active on the period's last day, each the full amount per member",
            "期间最后一天在职的人员，每人按全额",
        ),
        MembersRule::Prorated => t(
            lang,
            "the staff active on any day of the period, each by the days they were active (the line rounded to the fen half away from zero, shared by largest remainder)",
            "期间内任一天在职的人员，按在职天数分摊（整行金额四舍五入到分，按最大余数法分配到人）",
        ),
        MembersRule::ActiveWholePeriod => t(
            lang,
            "only the staff active on every day of the period, each the full amount per member",
            "仅期间内每天都在职的人员，每人按全额",
        ),
    }
}

/// The rules behind an explained line, one sentence each, in the reader's language.
fn explained_rules(e: &Explanation, lang: Lang) -> Vec<String> {
    let r: &ExplainedRules = &e.rules;
    let tier = e.tier.as_str();
    let n = e.surveys.len();
    let mut out = Vec::new();
    out.push(match (lang, r.sample_too_small) {
        (Lang::En, true) => format!(
            "min_surveys = {} for {tier}: {}, sample too small, so neither reward nor fine",
            r.min_surveys,
            plural(n as u64, "survey", "surveys")
        ),
        (Lang::En, false) => format!(
            "min_surveys = {} for {tier}: {} enough to count",
            r.min_surveys,
            match n {
                1 => "1 survey is".to_owned(),
                n => format!("{n} surveys are"),
            }
        ),
        (Lang::Zh, true) => format!(
            "最少问卷数 min_surveys = {}（{}）：仅 {n} 份问卷，样本不足，不奖不罚",
            r.min_surveys,
            name(tier, lang)
        ),
        (Lang::Zh, false) => format!(
            "最少问卷数 min_surveys = {}（{}）：{n} 份问卷，足以计算",
            r.min_surveys,
            name(tier, lang)
        ),
    });
    out.push(match lang {
        Lang::En => format!(
            "members = {}: {}",
            r.members.as_str(),
            members_rule_text(r.members, lang)
        ),
        Lang::Zh => format!(
            "人员规则 members = {}：{}",
            r.members.as_str(),
            members_rule_text(r.members, lang)
        ),
    });
    let departments: Vec<String> = r.participants.iter().map(|d| name(d, lang)).collect();
    out.push(match (lang, r.participants_named) {
        (Lang::En, true) => format!(
            "participants (payouts.participants.{}): the members of {} share the line",
            e.department,
            departments.join(", ")
        ),
        (Lang::En, false) => format!(
            "participants: no rule names {}, so its own members share the line",
            name(&e.department, lang)
        ),
        (Lang::Zh, true) => format!(
            "参与部门（payouts.participants.{}）：由{}全体人员分摊",
            e.department,
            departments.join("、")
        ),
        (Lang::Zh, false) => format!(
            "参与部门：未设置 {}，由本部门人员分摊",
            name(&e.department, lang)
        ),
    });
    out.push(match (lang, r.zero_member_lines, r.dropped) {
        (Lang::En, _, true) => {
            "zero_member_lines = drop: no one shares this line, so the statement leaves it out"
                .to_owned()
        }
        (Lang::Zh, _, true) => {
            "无人员的行 zero_member_lines = drop：本行无人分摊，结算单中不列出".to_owned()
        }
        (Lang::En, ZeroMemberLines::Drop, false) => {
            "zero_member_lines = drop: a line no one shares would be left out; this one is kept"
                .to_owned()
        }
        (Lang::Zh, ZeroMemberLines::Drop, false) => {
            "无人员的行 zero_member_lines = drop：无人分摊的行不列出；本行列出".to_owned()
        }
        (Lang::En, ZeroMemberLines::Keep, false) => {
            "zero_member_lines = keep: a line no one shares stays, at 0.00".to_owned()
        }
        (Lang::Zh, ZeroMemberLines::Keep, false) => {
            "无人员的行 zero_member_lines = keep：无人分摊的行仍列出，金额 0.00".to_owned()
        }
    });
    out
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

/// A people table as people read it: departments named, and the last row (the total, as
/// the CSV has it) a bold total row named in `lang`.
fn people_table(lang: Lang, header: &[&str], mut rows: Vec<Vec<String>>) -> Table {
    let mut total = rows.pop().expect("people rows end with their total");
    total[0] = word(lang, "all").to_owned();
    Table::new(word(lang, "People"), header, 3)
        .rows(rows.into_iter().map(|mut r| {
            r[2] = name(&r[2], lang);
            r
        }))
        .total(total)
}

/// The headings of an adjustment list (prior-period adjustments, changes since close), in
/// the Markdown and the workbook alike.
pub(super) fn adjustment_header(lang: Lang) -> [&'static str; 7] {
    [
        t(lang, "month", "所属月份"),
        word(lang, "period"),
        t(lang, "tier", "客户级别"),
        word(lang, "department"),
        t(lang, "paid", "已付"),
        t(lang, "now", "现应为"),
        word(lang, "difference"),
    ]
}

/// An adjustment line as people read it: tier and department named.
fn adjustment_cells(a: &AdjustmentLine, lang: Lang) -> Vec<String> {
    let mut row = adjustment_row(a);
    row[2] = name(&row[2], lang);
    row[3] = name(&row[3], lang);
    row
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
        people_table(lang, &header, rows)
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
                outcome_cell(l.outcome, &l.shaped_by, lang),
                l.per_member.to_string(),
                members_cell(l.members, &l.shaped_by, lang),
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
                let header = adjustment_header(lang);
                tables.push(
                    Table::new(title, &header, 4)
                        .rows(list.iter().map(|a| adjustment_cells(a, lang))),
                );
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
        // The department column when other departments share the line; the days column when
        // the shares are by days.
        let departments = self.rules.participants_named;
        let days = self.rules.members == MembersRule::Prorated;
        let mut header = vec![word(lang, "staff"), word(lang, "name")];
        if departments {
            header.push(word(lang, "department"));
        }
        header.extend([t(lang, "active from", "入职"), t(lang, "active to", "离职")]);
        if days {
            header.push(t(lang, "days active", "在职天数"));
        }
        header.push(word(lang, "amount"));
        let members = Table::new(
            t(lang, "Members counted", "计入人员"),
            &header,
            header.len() - 1 - usize::from(days),
        )
        .rows(self.members.iter().map(|m| {
            let mut row = vec![m.staff_id.clone(), m.name.clone()];
            if departments {
                row.push(name(&m.department, lang));
            }
            row.push(m.active_from.to_string());
            row.push(m.active_to.map(|d| d.to_string()).unwrap_or_default());
            if days {
                row.push(m.days_active.to_string());
            }
            row.push(m.amount.to_string());
            row
        }));
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
            let _ = writeln!(out, "- {}", step_text(step, lang));
        }
        let _ = writeln!(out, "\n**{}**\n", t(lang, "Rules applied", "适用规则"));
        for rule in explained_rules(self, lang) {
            let _ = writeln!(out, "- {rule}");
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
        let people = people_table(lang, &header, compared_people_rows(self));
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
        if !self.rules_changed.is_empty() {
            let _ = writeln!(
                out,
                "- **{}**",
                t(lang, "Rules the proposal changes", "拟议规则的改动")
            );
            for c in &self.rules_changed {
                let _ = writeln!(out, "  - `{}`: {} → {}", c.key, c.in_force, c.proposed);
            }
        }
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
