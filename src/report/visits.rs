//! The return-visit report: its tables (by kind, by department, questions, issues), its
//! Markdown and its CSV.

use std::fmt::Write as _;

use super::table::{self, Table};
use super::{
    Lang, LongCsv, Render, RenderContext, csv_number, decimal2, name, percent, plural, t, to_json,
    word,
};
use crate::kpi::visits::{
    Counts, DataStatus, DepartmentQuestions, OutcomeCounts, StaffLine, SurveyComment, VisitsReport,
};
use crate::model::Outcome;

/// An attempt outcome as the care staff say it (the 回访记录表's words in Chinese).
pub(crate) fn outcome_name(outcome: Outcome, lang: Lang) -> &'static str {
    match outcome {
        Outcome::Reached => t(lang, "reached", "已接通"),
        Outcome::Sent => t(lang, "sent", "已发送"),
        Outcome::NoAnswer => t(lang, "no answer", "无人接听"),
        Outcome::Busy => t(lang, "busy", "占线"),
        Outcome::WrongNumber => t(lang, "wrong number", "空号"),
        Outcome::Refused => t(lang, "refused", "拒访"),
        Outcome::Callback => t(lang, "call back later", "稍后回电"),
    }
}

/// Outcome columns: one per outcome, in `Outcome::ALL` order.
fn outcome_cells(c: &OutcomeCounts) -> impl Iterator<Item = String> {
    c.each().into_iter().map(|(_, n)| n.to_string())
}

impl VisitsReport {
    fn period_label(&self) -> (&'static str, &str) {
        match (&self.month, &self.week) {
            (Some(m), _) => ("month", m),
            (_, Some(w)) => ("week", w),
            _ => ("period", ""),
        }
    }
}

fn counts_row(name: String, c: &Counts) -> Vec<String> {
    vec![
        name,
        c.due.to_string(),
        c.performed.to_string(),
        percent(c.performed, c.due),
        c.successful.to_string(),
        percent(c.successful, c.due),
        c.on_time.to_string(),
        percent(c.on_time, c.due),
    ]
}

/// A table of task counts (by kind, by department): one row per line, then the total.
pub(super) fn counts_table<'a>(
    title: &str,
    lang: Lang,
    lines: impl Iterator<Item = (String, &'a Counts)>,
    total: &Counts,
) -> Table {
    let header = [
        "",
        word(lang, "due"),
        word(lang, "performed"),
        word(lang, "completion"),
        word(lang, "successful"),
        word(lang, "success"),
        word(lang, "on time"),
        word(lang, "on-time rate"),
    ];
    Table::new(title, &header, 1)
        .rows(lines.map(|(name, c)| counts_row(name, c)))
        .total(counts_row(word(lang, "all").to_owned(), total))
}

/// A staff line's label: "name (id)", the id alone without a staff record, or the pool's
/// words for the tasks of nobody.
fn staff_label(line: &StaffLine, nobody: &str) -> String {
    match (&line.staff_id, &line.name) {
        (Some(id), Some(name)) => format!("{name} ({id})"),
        (Some(id), None) => id.clone(),
        (None, _) => nobody.to_owned(),
    }
}

impl VisitsReport {
    pub(super) fn owner_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        counts_table(
            t(lang, "By owner", "按负责人"),
            lang,
            self.by_owner.iter().map(|l| {
                (
                    staff_label(
                        l,
                        t(lang, "(no owner: a pool, or nobody found)", "（无负责人）"),
                    ),
                    &l.counts,
                )
            }),
            &self.tasks.counts,
        )
    }

    pub(super) fn caller_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let mut performed = self.tasks.counts;
        // The lines hold the performed tasks only (a task never attempted has no caller).
        performed.due = performed.performed;
        counts_table(
            t(
                lang,
                "By caller (first credited attempt)",
                "按回访人（首次回访）",
            ),
            lang,
            self.by_caller.iter().map(|l| {
                (
                    staff_label(l, t(lang, "(no staff id)", "（未记录工号）")),
                    &l.counts,
                )
            }),
            &performed,
        )
    }

    pub(super) fn outcomes_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let mut header = vec![
            t(lang, "Task kind", "回访类型"),
            t(lang, "attempts", "回访次数"),
        ];
        header.extend(Outcome::ALL.iter().map(|o| outcome_name(*o, lang)));
        let mut total = OutcomeCounts::default();
        for l in &self.outcomes {
            total.merge(&l.outcomes);
        }
        Table::new(
            t(lang, "Outcomes of the credited attempts", "回访结果"),
            &header,
            1,
        )
        .rows(self.outcomes.iter().map(|l| {
            [cx.kind_name(&l.kind), l.attempts.to_string()]
                .into_iter()
                .chain(outcome_cells(&l.outcomes))
                .collect()
        }))
        .total(
            [word(lang, "all").to_owned(), total.total().to_string()]
                .into_iter()
                .chain(outcome_cells(&total))
                .collect(),
        )
    }

    pub(super) fn unsuccessful_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let mut header = vec![
            t(lang, "Task kind", "回访类型"),
            t(lang, "not successful", "未成功"),
        ];
        header.extend(Outcome::ALL.iter().map(|o| outcome_name(*o, lang)));
        header.push(t(lang, "not attempted", "未回访"));
        let mut total = OutcomeCounts::default();
        let mut not_attempted = 0;
        for l in &self.unsuccessful_by_last_outcome {
            total.merge(&l.last_outcome);
            not_attempted += l.not_attempted;
        }
        let row = |name: String, unsuccessful: u64, c: &OutcomeCounts, not_attempted: u64| {
            [name, unsuccessful.to_string()]
                .into_iter()
                .chain(outcome_cells(c))
                .chain([not_attempted.to_string()])
                .collect::<Vec<_>>()
        };
        Table::new(
            t(
                lang,
                "Tasks not successful, by their last outcome",
                "未成功回访（按最后一次结果）",
            ),
            &header,
            1,
        )
        .rows(self.unsuccessful_by_last_outcome.iter().map(|l| {
            row(
                cx.kind_name(&l.kind),
                l.unsuccessful,
                &l.last_outcome,
                l.not_attempted,
            )
        }))
        .total(row(
            word(lang, "all").to_owned(),
            total.total() + not_attempted,
            &total,
            not_attempted,
        ))
    }

    pub(super) fn kind_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        counts_table(
            t(lang, "By task kind", "按回访类型"),
            lang,
            self.by_kind
                .iter()
                .map(|l| (cx.kind_name(&l.kind), &l.counts)),
            &self.tasks.counts,
        )
    }

    pub(super) fn department_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        counts_table(
            word(lang, "By department"),
            lang,
            self.by_department
                .iter()
                .map(|l| (name(&l.department, lang), &l.counts)),
            &self.tasks.counts,
        )
    }

    pub(super) fn issues_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let header = [
            word(lang, "issue"),
            t(lang, "surveys naming it", "提及的问卷数"),
            t(lang, "share of surveys", "占问卷比例"),
        ];
        Table::new(
            t(lang, "Most reported issues", "客户反映最多的问题"),
            &header,
            1,
        )
        .rows(self.top_issues.iter().map(|i| {
            vec![
                name(&i.issue, lang),
                i.count.to_string(),
                percent(i.count, self.surveys.count),
            ]
        }))
        .when_empty(t(
            lang,
            "No issues reported in this period.",
            "本期无客户反映的问题。",
        ))
    }
}

/// A subject department as the 回访月报 names its satisfaction: after-sales is the
/// satisfaction with the last repair (对上次维修的满意度).
fn subject_name(department: &str, lang: Lang) -> String {
    let name = name(department, lang);
    match (department, lang) {
        ("after_sales", Lang::En) => format!("{name} (satisfaction with the last repair)"),
        ("after_sales", Lang::Zh) => format!("{name}（对上次维修的满意度）"),
        _ => name,
    }
}

/// The answers of the surveys about one department, questions in their fixed order.
pub(super) fn question_table(d: &DepartmentQuestions, cx: &RenderContext) -> Table {
    let lang = cx.lang;
    let min = cx.rules.surveys.satisfied_overall_min;
    let satisfied = match lang {
        Lang::En => format!("satisfied (≥ {min})"),
        Lang::Zh => format!("满意（≥ {min} 分）"),
    };
    let header = [
        word(lang, "question"),
        word(lang, "answers"),
        word(lang, "mean score"),
        satisfied.as_str(),
        t(lang, "satisfaction rate", "满意率"),
    ];
    let title = match lang {
        Lang::En => format!("Satisfaction by question: {}", name(&d.department, lang)),
        Lang::Zh => format!("各问题满意度：{}", name(&d.department, lang)),
    };
    Table::new(&title, &header, 1).rows(d.questions.iter().map(|q| {
        vec![
            name(&q.question, lang),
            q.answers.to_string(),
            decimal2(Some(q.mean_score)),
            q.satisfied.to_string(),
            percent(q.satisfied, q.answers),
        ]
    }))
}

impl VisitsReport {
    /// Satisfaction per subject department, then all surveys.
    pub(super) fn satisfaction_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let header = [
            t(lang, "Surveys about", "调查对象部门"),
            t(lang, "surveys", "调查数"),
            word(lang, "satisfied"),
            t(lang, "satisfaction rate", "满意率"),
            t(lang, "mean overall", "总体平均分"),
        ];
        let s = &self.surveys;
        Table::new(
            t(lang, "Satisfaction by department", "各部门满意度"),
            &header,
            1,
        )
        .rows(self.satisfaction_by_department.iter().map(|d| {
            vec![
                subject_name(&d.department, lang),
                d.surveys.to_string(),
                d.satisfied.to_string(),
                percent(d.satisfied, d.surveys),
                decimal2(d.mean_overall),
            ]
        }))
        .total(vec![
            word(lang, "all").to_owned(),
            s.count.to_string(),
            s.satisfied.to_string(),
            percent(s.satisfied, s.count),
            decimal2(s.mean_overall),
        ])
        .when_empty(t(lang, "No surveys in this period.", "本期无满意度调查。"))
    }

    /// The comments under their issue tokens: the issues in `top_issues` order (all of them,
    /// not only the top ten: count descending, then token), comments naming no issue last
    /// under "other"; a comment naming two issues is under both.
    fn comments_markdown(&self, out: &mut String, lang: Lang) {
        let _ = writeln!(
            out,
            "\n## {}\n",
            t(lang, "Comments and suggestions", "客户意见和建议")
        );
        if self.comments.is_empty() {
            let _ = writeln!(
                out,
                "{}\n",
                t(lang, "No comments in this period.", "本期无客户意见。")
            );
            return;
        }
        let mut groups: Vec<(&str, Vec<&SurveyComment>)> = Vec::new();
        let mut other = Vec::new();
        for c in &self.comments {
            if c.issues.is_empty() {
                other.push(c);
            }
            for issue in &c.issues {
                match groups.iter_mut().find(|(i, _)| i == issue) {
                    Some((_, list)) => list.push(c),
                    None => groups.push((issue, vec![c])),
                }
            }
        }
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
        // A survey may name the token `other` itself: its comments join the ones naming
        // nothing, under one heading, last.
        if let Some(i) = groups.iter().position(|(issue, _)| *issue == "other") {
            let (_, named) = groups.remove(i);
            other.extend(named);
            other.sort_by(|a, b| a.survey_id.cmp(&b.survey_id));
            other.dedup_by(|a, b| a.survey_id == b.survey_id);
        }
        if !other.is_empty() {
            groups.push(("other", other));
        }
        for (issue, list) in groups {
            let _ = match lang {
                Lang::En => writeln!(out, "### {} ({})\n", name(issue, lang), list.len()),
                Lang::Zh => writeln!(out, "### {}（{} 条）\n", name(issue, lang), list.len()),
            };
            for c in list {
                let department = name(&c.department, lang);
                let _ = match lang {
                    Lang::En => writeln!(
                        out,
                        "- {} {department} (overall {}): {}",
                        c.day, c.overall, c.text
                    ),
                    Lang::Zh => writeln!(
                        out,
                        "- {} {department}（总体 {} 分）：{}",
                        c.day, c.overall, c.text
                    ),
                };
            }
            out.push('\n');
        }
    }

    /// The stamp under the title: how far the data reaches, and whether the figures of this
    /// period may still change.
    fn data_stamp(&self, cx: &RenderContext) -> Option<String> {
        data_stamp(self.data_through.as_ref(), cx.rules.visits.grace_hours, cx)
    }
}

/// "Data through DATE", with a note when the period is still inside its grace (`hours`: the
/// visits grace, or the care grace for the care report) or lies beyond the data.
pub(crate) fn data_stamp(
    through: Option<&crate::kpi::visits::DataThrough>,
    hours: u32,
    cx: &RenderContext,
) -> Option<String> {
    let through = through?;
    let day = through.latest.day();
    Some(match (through.status, cx.lang) {
        (DataStatus::Settled, Lang::En) => format!("*Data through {day}.*"),
        (DataStatus::Settled, Lang::Zh) => format!("*数据截至 {day}。*"),
        // No grace (the care report's default): the period itself is not over.
        (DataStatus::InGrace { settles_at }, Lang::En) if hours == 0 => format!(
            "*Data through {day}. Not final: contacts up to the period's end ({settles_at}) may still change these figures.*"
        ),
        (DataStatus::InGrace { settles_at }, Lang::Zh) if hours == 0 => {
            format!("*数据截至 {day}。尚未定稿：期末（{settles_at}）前的联络仍可能改变本期数字。*")
        }
        (DataStatus::InGrace { settles_at }, Lang::En) => format!(
            "*Data through {day}. Not final: attempts up to {settles_at} ({hours} h grace after the period) may still change these figures.*"
        ),
        (DataStatus::InGrace { settles_at }, Lang::Zh) => format!(
            "*数据截至 {day}。尚未定稿：期末后 {hours} 小时宽限期内（至 {settles_at}）的回访仍可能改变本期数字。*"
        ),
        (DataStatus::BeyondData, Lang::En) => {
            format!("*Data through {day}: this period lies beyond the data.*")
        }
        (DataStatus::BeyondData, Lang::Zh) => format!("*数据截至 {day}：本期尚无数据。*"),
    })
}

/// `percent(n, d)`, followed by the same figure of another period when there is one:
/// `84.1%; 2023-06: 80.3%` (the headline sets it in parentheses).
fn beside(n: u64, d: u64, other: Option<(&str, u64, u64)>, lang: Lang) -> String {
    let now = percent(n, d);
    match (other, lang) {
        (None, _) => now,
        (Some((label, n, d)), Lang::En) => format!("{now}; {label}: {}", percent(n, d)),
        (Some((label, n, d)), Lang::Zh) => format!("{now}；{label}：{}", percent(n, d)),
    }
}

impl Render for VisitsReport {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        vec![
            self.kind_table(cx),
            self.department_table(cx),
            self.owner_table(cx),
            self.caller_table(cx),
            self.outcomes_table(cx),
            self.unsuccessful_table(cx),
            self.satisfaction_table(cx),
        ]
        .into_iter()
        .chain(
            self.questions_by_department
                .iter()
                .map(|d| question_table(d, cx)),
        )
        .chain([self.issues_table(cx)])
        .collect()
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let lang = cx.lang;
        let (kind, label) = self.period_label();
        let c = &self.tasks.counts;
        let s = &self.surveys;
        let mut out = String::new();
        // A week's report is the 回访周报, a month's the 回访月报.
        let _ = match (lang, kind) {
            (Lang::En, "week") => writeln!(
                out,
                "# Weekly return-visit report (回访周报), week {label}\n"
            ),
            (Lang::En, _) => writeln!(out, "# Return-visit report (回访月报), month {label}\n"),
            (Lang::Zh, "week") => writeln!(out, "# 回访周报 {label}\n"),
            (Lang::Zh, _) => writeln!(out, "# 回访月报 {label}\n"),
        };
        if let Some(stamp) = self.data_stamp(cx) {
            let _ = writeln!(out, "{stamp}\n");
        }
        let ly = self.last_year.as_ref();
        let lc = ly.map(|l| (l.label.as_str(), &l.tasks));
        let of = |f: fn(&Counts) -> u64| lc.map(|(label, c)| (label, f(c), c.due));
        let survey_ly = ly.map(|l| (l.label.as_str(), l.surveys.satisfied, l.surveys.count));
        let mean_ly = match (ly, lang) {
            (None, _) => String::new(),
            (Some(l), Lang::En) => format!(" ({}: {})", l.label, decimal2(l.surveys.mean_overall)),
            (Some(l), Lang::Zh) => format!("（{}：{}）", l.label, decimal2(l.surveys.mean_overall)),
        };
        let lines = match lang {
            Lang::En => [
                format!(
                    "- **Completion** {} of {} due return visits performed ({})",
                    c.performed,
                    c.due,
                    beside(c.performed, c.due, of(|c| c.performed), lang)
                ),
                format!(
                    "- **Success** {} successful ({})",
                    c.successful,
                    beside(c.successful, c.due, of(|c| c.successful), lang)
                ),
                format!(
                    "- **On time** {} first attempts by the due time ({})",
                    c.on_time,
                    beside(c.on_time, c.due, of(|c| c.on_time), lang)
                ),
                format!(
                    "- **Satisfaction** {} of {} satisfied ({}), mean overall score {}{}",
                    s.satisfied,
                    plural(s.count, "survey", "surveys"),
                    beside(s.satisfied, s.count, survey_ly, lang),
                    decimal2(s.mean_overall),
                    mean_ly
                ),
                format!(
                    "- **Unscheduled attempts** {} (calls made for no due task)",
                    self.unscheduled_attempts
                ),
            ],
            Lang::Zh => [
                format!(
                    "- **回访完成率** 应回访 {} 个，实施回访 {} 个（{}）",
                    c.due,
                    c.performed,
                    beside(c.performed, c.due, of(|c| c.performed), lang)
                ),
                format!(
                    "- **回访成功率** 成功回访 {} 个（{}）",
                    c.successful,
                    beside(c.successful, c.due, of(|c| c.successful), lang)
                ),
                format!(
                    "- **回访及时率** 按时首次回访 {} 个（{}）",
                    c.on_time,
                    beside(c.on_time, c.due, of(|c| c.on_time), lang)
                ),
                format!(
                    "- **满意度** 满意 {} / 调查 {} 份（{}），总体平均分 {}{}",
                    s.satisfied,
                    s.count,
                    beside(s.satisfied, s.count, survey_ly, lang),
                    decimal2(s.mean_overall),
                    mean_ly
                ),
                format!(
                    "- **计划外回访** {} 次（没有对应应回访任务的联络）",
                    self.unscheduled_attempts
                ),
            ],
        };
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        table::markdown(&mut out, &self.tables(cx));
        self.comments_markdown(&mut out, lang);
        out.into_bytes()
    }

    /// One row per figure: `period,section,name,metric,value`, a long table that pivots in
    /// any spreadsheet; its own form, not the tables people read (see [`LongCsv`]).
    fn csv(&self) -> Vec<u8> {
        let (_, label) = self.period_label();
        let mut csv = LongCsv::new();
        let mut push = |section: &str, name: &str, metric: &str, value: String| {
            csv.push(label, section, name, metric, value);
        };
        let mut counts = |section: &str, name: &str, c: &Counts| {
            for (metric, value) in [
                ("due", c.due),
                ("performed", c.performed),
                ("successful", c.successful),
                ("on_time", c.on_time),
            ] {
                push(section, name, metric, value.to_string());
            }
        };
        counts("tasks", "", &self.tasks.counts);
        for l in &self.by_kind {
            counts("by_kind", &l.kind, &l.counts);
        }
        for l in &self.by_department {
            counts("by_department", &l.department, &l.counts);
        }
        // An empty name is the line of nobody (JSON null).
        for l in &self.by_owner {
            counts("by_owner", l.staff_id.as_deref().unwrap_or(""), &l.counts);
        }
        for l in &self.by_caller {
            counts("by_caller", l.staff_id.as_deref().unwrap_or(""), &l.counts);
        }
        push(
            "tasks",
            "",
            "completion_rate",
            csv_number(self.tasks.completion_rate),
        );
        push(
            "tasks",
            "",
            "success_rate",
            csv_number(self.tasks.success_rate),
        );
        push(
            "tasks",
            "",
            "on_time_rate",
            csv_number(self.tasks.on_time_rate),
        );
        push(
            "unscheduled_attempts",
            "",
            "count",
            self.unscheduled_attempts.to_string(),
        );
        let s = &self.surveys;
        push("surveys", "", "count", s.count.to_string());
        push("surveys", "", "satisfied", s.satisfied.to_string());
        push(
            "surveys",
            "",
            "satisfaction_rate",
            csv_number(s.satisfaction_rate),
        );
        push("surveys", "", "mean_overall", csv_number(s.mean_overall));
        for q in &self.questions {
            push("questions", &q.question, "answers", q.answers.to_string());
            push(
                "questions",
                &q.question,
                "mean_score",
                csv_number(Some(q.mean_score)),
            );
        }
        for i in &self.top_issues {
            push("top_issues", &i.issue, "count", i.count.to_string());
        }
        for d in &self.satisfaction_by_department {
            let section = "satisfaction_by_department";
            push(section, &d.department, "surveys", d.surveys.to_string());
            push(section, &d.department, "satisfied", d.satisfied.to_string());
            push(
                section,
                &d.department,
                "satisfaction_rate",
                csv_number(d.satisfaction_rate),
            );
            push(
                section,
                &d.department,
                "mean_overall",
                csv_number(d.mean_overall),
            );
        }
        // Named DEPARTMENT/QUESTION, in the fixed question order.
        for d in &self.questions_by_department {
            for q in &d.questions {
                let name = format!("{}/{}", d.department, q.question);
                let section = "questions_by_department";
                push(section, &name, "answers", q.answers.to_string());
                push(section, &name, "mean_score", csv_number(Some(q.mean_score)));
                push(section, &name, "satisfied", q.satisfied.to_string());
                push(
                    section,
                    &name,
                    "satisfaction_rate",
                    csv_number(Some(q.satisfaction_rate)),
                );
            }
        }
        for l in &self.outcomes {
            push("outcomes", &l.kind, "attempts", l.attempts.to_string());
            for (outcome, n) in l.outcomes.each() {
                push("outcomes", &l.kind, outcome.as_str(), n.to_string());
            }
        }
        for l in &self.unsuccessful_by_last_outcome {
            let section = "unsuccessful_by_last_outcome";
            push(section, &l.kind, "unsuccessful", l.unsuccessful.to_string());
            for (outcome, n) in l.last_outcome.each() {
                push(section, &l.kind, outcome.as_str(), n.to_string());
            }
            push(
                section,
                &l.kind,
                "not_attempted",
                l.not_attempted.to_string(),
            );
        }
        csv.into_bytes()
    }
}
