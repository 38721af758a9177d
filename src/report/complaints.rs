//! The complaints and actions reports and their work lists (DOMAIN.md sections 12–13): their
//! tables, Markdown (zh/en) and CSV. Categories are named as seed `001_*` names them
//! ([`crate::chart::i18n::complaint_category`]), departments as every report names them.
//!
//! The work lists carry phones in full; they render masked ([`mask_phone`]) unless the
//! caller sets `show_phone`, so that a list mailed or printed shows no number by default.

use std::fmt::Write as _;

use super::table::{self, Table};
use super::{
    Lang, LongCsv, Render, RenderContext, csv_document, csv_number, decimal2, name, percent,
    plural, t, to_json, word,
};
use crate::csvio::BOM;
use crate::kpi::actions::{ActionLine, ActionsReport, OpenAction};
use crate::kpi::complaints::{ComplaintsReport, LineCounts, OpenComplaint};
use crate::model::mask_phone;

/// A complaint category as people call it; also an action's subject (an issue token or a
/// complaint category), so that the six categories read the same in both tables.
pub(crate) fn category_name(category: &str, lang: Lang) -> String {
    crate::chart::i18n::complaint_category(category, lang).to_owned()
}

/// A status, step or kind word of this room in `lang`.
fn state_word(token: &str, lang: Lang) -> String {
    const WORDS: &[(&str, &str, &str)] = &[
        ("open", "open", "未完成"),
        ("done", "done", "按时完成"),
        ("done_late", "done late", "逾期完成"),
        ("verified", "verified", "已验证"),
        ("overdue", "overdue", "已逾期"),
        ("due", "due", "待办"),
        ("waiting", "awaiting resolution", "待解决"),
        (
            "escalation",
            "escalate to the general manager",
            "递交总经理",
        ),
        ("reply", "reply to the customer", "回复客户"),
        ("escalated", "escalated", "已递交总经理"),
        ("replied", "replied", "已回复客户"),
        ("reopened", "reopened", "重新处理"),
        ("resolved", "resolved", "已解决"),
        ("corrective", "corrective", "整改"),
        ("preventive", "preventive", "预防"),
    ];
    WORDS.iter().find(|(k, _, _)| *k == token).map_or_else(
        || token.to_owned(),
        |(_, en, zh)| t(lang, en, zh).to_owned(),
    )
}

fn line_row(name: String, c: &LineCounts) -> Vec<String> {
    vec![
        name,
        c.raised.to_string(),
        c.handled_in_time.to_string(),
        percent(c.handled_in_time, c.raised),
    ]
}

impl ComplaintsReport {
    fn totals(&self) -> LineCounts {
        LineCounts {
            raised: self.complaints.raised,
            handled_in_time: self.complaints.handled_in_time,
        }
    }

    fn lines_table<'a>(
        &self,
        title: &str,
        lang: Lang,
        lines: impl Iterator<Item = (String, &'a LineCounts)>,
    ) -> Table {
        let header = [
            "",
            t(lang, "raised", "投诉"),
            t(lang, "handled in time", "及时处理"),
            t(lang, "timely rate", "及时处理率"),
        ];
        Table::new(title, &header, 1)
            .rows(lines.map(|(n, c)| line_row(n, c)))
            .total(line_row(word(lang, "all").to_owned(), &self.totals()))
    }

    /// By category, named as the seed names them.
    pub fn category_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        self.lines_table(
            t(lang, "By category", "按投诉类别"),
            lang,
            self.by_category
                .iter()
                .map(|l| (category_name(&l.category, lang), &l.counts)),
        )
    }

    /// By the department complained about.
    pub fn department_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        self.lines_table(
            word(lang, "By department"),
            lang,
            self.by_department
                .iter()
                .map(|l| (name(&l.department, lang), &l.counts)),
        )
    }

    /// The month's figures, one per row, as the report pack's page shows them.
    pub fn figures_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let c = &self.complaints;
        let rows = vec![
            vec![t(lang, "raised", "投诉").to_owned(), c.raised.to_string()],
            vec![
                t(lang, "escalated on time", "及时递交总经理").to_owned(),
                format!(
                    "{} ({})",
                    c.escalated_on_time,
                    percent(c.escalated_on_time, c.raised)
                ),
            ],
            vec![
                t(lang, "handled in time", "及时处理").to_owned(),
                format!(
                    "{} ({})",
                    c.handled_in_time,
                    percent(c.handled_in_time, c.raised)
                ),
            ],
            vec![
                t(lang, "resolved by month end", "月末已解决").to_owned(),
                c.resolved_by_end.to_string(),
            ],
            vec![
                t(
                    lang,
                    "open at month end (any month)",
                    "月末未结（含以前月份）",
                )
                .to_owned(),
                self.open_at_end.to_string(),
            ],
            vec![
                t(lang, "overdue at month end", "月末逾期未回复").to_owned(),
                self.overdue_at_end.to_string(),
            ],
            vec![
                t(
                    lang,
                    "median reply time (working hours)",
                    "回复用时中位数（工作小时）",
                )
                .to_owned(),
                decimal2(self.reply_hours_median),
            ],
        ];
        Table::new("", &["", ""], 1).rows(rows)
    }
}

impl Render for ComplaintsReport {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        vec![self.category_table(cx), self.department_table(cx)]
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let lang = cx.lang;
        let c = &self.complaints;
        let rules = &cx.rules.complaints;
        let (escalation, reply) = (rules.escalation_hours, rules.reply_hours);
        let median = decimal2(self.reply_hours_median);
        let mut out = String::new();
        let lines = match lang {
            Lang::En => [
                format!("# Complaints report (投诉), month {}\n", self.month),
                format!(
                    "- **Handled in time** {} of {} replied to within {reply} working hours ({})",
                    c.handled_in_time,
                    plural(c.raised, "complaint", "complaints"),
                    percent(c.handled_in_time, c.raised)
                ),
                format!(
                    "- **Escalated on time** {} within {escalation} working hours ({})",
                    c.escalated_on_time,
                    percent(c.escalated_on_time, c.raised)
                ),
                format!("- **Resolved by month end** {}", c.resolved_by_end),
                format!(
                    "- **Open at month end** {} (raised in any month), {} of them overdue",
                    self.open_at_end, self.overdue_at_end
                ),
                format!("- **Median reply time** {median} working hours"),
            ],
            Lang::Zh => [
                format!("# 投诉月报 {}\n", self.month),
                format!(
                    "- **相关问题及时处理完成率** 投诉 {} 件，{reply} 个工作小时内回复客户 {} 件（{}）",
                    c.raised,
                    c.handled_in_time,
                    percent(c.handled_in_time, c.raised)
                ),
                format!(
                    "- **及时递交率** {escalation} 个工作小时内递交总经理 {} 件（{}）",
                    c.escalated_on_time,
                    percent(c.escalated_on_time, c.raised)
                ),
                format!("- **月末已解决** {} 件", c.resolved_by_end),
                format!(
                    "- **月末未结** {} 件（含以前月份），其中逾期未回复 {} 件",
                    self.open_at_end, self.overdue_at_end
                ),
                format!("- **回复用时中位数** {median} 个工作小时"),
            ],
        };
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        table::markdown(&mut out, &self.tables(cx));
        out.into_bytes()
    }

    /// The long table of the visits and churn reports: `period,section,name,metric,value`.
    fn csv(&self) -> Vec<u8> {
        let mut csv = LongCsv::new();
        let label = self.month.as_str();
        let c = &self.complaints;
        for (metric, value) in [
            ("raised", c.raised),
            ("escalated_on_time", c.escalated_on_time),
            ("handled_in_time", c.handled_in_time),
            ("resolved_by_end", c.resolved_by_end),
        ] {
            csv.push(label, "complaints", "", metric, value.to_string());
        }
        csv.push(
            label,
            "complaints",
            "",
            "timely_rate",
            csv_number(c.timely_rate),
        );
        csv.push(
            label,
            "complaints",
            "",
            "escalation_rate",
            csv_number(c.escalation_rate),
        );
        for (section, lines) in [
            (
                "by_category",
                self.by_category
                    .iter()
                    .map(|l| (&l.category, &l.counts))
                    .collect::<Vec<_>>(),
            ),
            (
                "by_department",
                self.by_department
                    .iter()
                    .map(|l| (&l.department, &l.counts))
                    .collect(),
            ),
        ] {
            for (name, counts) in lines {
                csv.push(label, section, name, "raised", counts.raised.to_string());
                csv.push(
                    label,
                    section,
                    name,
                    "handled_in_time",
                    counts.handled_in_time.to_string(),
                );
            }
        }
        csv.push(
            label,
            "open_at_end",
            "",
            "count",
            self.open_at_end.to_string(),
        );
        csv.push(
            label,
            "overdue_at_end",
            "",
            "count",
            self.overdue_at_end.to_string(),
        );
        csv.push(
            label,
            "reply_hours_median",
            "",
            "hours",
            csv_number(self.reply_hours_median),
        );
        csv.into_bytes()
    }
}

const ACTION_HEADER: [&str; 9] = [
    "action_id",
    "kind",
    "subject",
    "complaint_id",
    "owner_id",
    "raised_on",
    "due_on",
    "done_on",
    "status",
];

fn action_csv_row(a: &ActionLine) -> Vec<String> {
    vec![
        a.action_id.clone(),
        a.kind.clone(),
        a.subject.clone(),
        a.complaint_id.clone().unwrap_or_default(),
        a.owner_id.clone(),
        a.raised_on.clone(),
        a.due_on.clone(),
        a.done_on.clone().unwrap_or_default(),
        a.status.as_str().to_owned(),
    ]
}

/// A table of action lines, with their status as of the date its title says.
pub fn actions_table(title: &str, lines: &[ActionLine], cx: &RenderContext) -> Table {
    let lang = cx.lang;
    let header = [
        t(lang, "action", "措施"),
        t(lang, "kind", "类型"),
        t(lang, "subject", "问题"),
        t(lang, "complaint", "投诉"),
        t(lang, "owner", "责任人"),
        t(lang, "raised", "提出日期"),
        t(lang, "due", "完成时间"),
        t(lang, "done", "完成日期"),
        t(lang, "status", "状态"),
    ];
    Table::new(title, &header, 9)
        .rows(lines.iter().map(|a| {
            vec![
                a.action_id.clone(),
                state_word(&a.kind, lang),
                category_name(&a.subject, lang),
                a.complaint_id.clone().unwrap_or_else(|| "–".into()),
                a.owner_id.clone(),
                a.raised_on.clone(),
                a.due_on.clone(),
                a.done_on.clone().unwrap_or_else(|| "–".into()),
                state_word(a.status.as_str(), lang),
            ]
        }))
        .when_empty(t(lang, "No actions.", "无措施。"))
}

impl Render for ActionsReport {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        vec![actions_table(
            t(
                cx.lang,
                "Actions raised or due this month (status at month end)",
                "本月提出或到期的措施（月末状态）",
            ),
            &self.actions,
            cx,
        )]
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let lang = cx.lang;
        let c = &self.counts;
        let mut out = String::new();
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "# Corrective and preventive actions (整改措施和预防措施), month {}\n\n- **Raised** {}\n- **Due** {}, done on time {} ({})\n- **Overdue at month end** {} (raised in any month)",
                self.month,
                c.raised,
                c.due,
                c.done_on_time,
                percent(c.done_on_time, c.due),
                c.overdue_at_end
            ),
            Lang::Zh => writeln!(
                out,
                "# 整改措施和预防措施 {}\n\n- **本月提出** {} 项\n- **本月到期** {} 项，按时完成 {} 项（{}）\n- **月末逾期** {} 项（含以前月份）",
                self.month,
                c.raised,
                c.due,
                c.done_on_time,
                percent(c.done_on_time, c.due),
                c.overdue_at_end
            ),
        };
        table::markdown(&mut out, &self.tables(cx));
        out.into_bytes()
    }

    /// One row per listed action, the columns of the JSON (UTF-8 with a BOM, for Excel);
    /// the counts are the JSON's.
    fn csv(&self) -> Vec<u8> {
        let rows: Vec<Vec<String>> = self.actions.iter().map(action_csv_row).collect();
        let mut bytes = BOM.to_vec();
        bytes.extend(csv_document(&ACTION_HEADER, &rows));
        bytes
    }
}

/// The open-complaints work list as of a time, ready to render.
#[derive(Clone, Debug)]
pub struct ComplaintWorkList<'a> {
    /// `YYYY-MM-DD HH:MM:SS`.
    pub as_of: String,
    pub rows: &'a [OpenComplaint],
    /// Show phones in full (otherwise masked, `138****1234`).
    pub show_phone: bool,
}

impl ComplaintWorkList<'_> {
    fn shown(&self) -> Vec<OpenComplaint> {
        let mut rows = self.rows.to_vec();
        if !self.show_phone {
            for r in &mut rows {
                r.phone = mask_phone(&r.phone);
            }
        }
        rows
    }
}

const COMPLAINT_LIST_HEADER: [&str; 11] = [
    "status",
    "next",
    "due_at",
    "complaint_id",
    "customer_id",
    "phone",
    "raised_at",
    "category",
    "department",
    "owner_id",
    "last_step",
];

impl Render for ComplaintWorkList<'_> {
    fn json(&self) -> Vec<u8> {
        to_json(&self.shown())
    }

    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        let lang = cx.lang;
        let header = [
            t(lang, "status", "状态"),
            t(lang, "next", "下一步"),
            t(lang, "due", "期限"),
            t(lang, "complaint", "投诉"),
            word(lang, "customer"),
            t(lang, "phone", "电话"),
            t(lang, "raised", "受理时间"),
            t(lang, "category", "类别"),
            word(lang, "department"),
            t(lang, "owner", "负责人"),
            t(lang, "last step", "最近一步"),
        ];
        vec![
            Table::new("", &header, 11)
                .rows(self.shown().iter().map(|r| {
                    vec![
                        state_word(r.status, lang),
                        r.next
                            .map_or_else(|| "–".into(), |n| state_word(n.as_str(), lang)),
                        r.due_at.clone().unwrap_or_else(|| "–".into()),
                        r.complaint_id.clone(),
                        r.customer_id.clone(),
                        r.phone.clone(),
                        r.raised_at.clone(),
                        category_name(&r.category, lang),
                        name(&r.department, lang),
                        r.owner_id.clone().unwrap_or_else(|| "–".into()),
                        r.last_step
                            .map_or_else(|| "–".into(), |s| state_word(s, lang)),
                    ]
                }))
                .when_empty(t(lang, "No open complaints.", "无未结投诉。")),
        ]
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let mut out = match cx.lang {
            Lang::En => format!(
                "# Open complaints as of {}: {}\n\n",
                self.as_of,
                self.rows.len()
            ),
            Lang::Zh => format!(
                "# 未结投诉（截至 {}）：{} 件\n\n",
                self.as_of,
                self.rows.len()
            ),
        };
        table::markdown(&mut out, &self.tables(cx));
        out.into_bytes()
    }

    fn csv(&self) -> Vec<u8> {
        let rows: Vec<Vec<String>> = self
            .shown()
            .into_iter()
            .map(|r| {
                vec![
                    r.status.to_owned(),
                    r.next.map(|n| n.as_str().to_owned()).unwrap_or_default(),
                    r.due_at.unwrap_or_default(),
                    r.complaint_id,
                    r.customer_id,
                    r.phone,
                    r.raised_at,
                    r.category,
                    r.department,
                    r.owner_id.unwrap_or_default(),
                    r.last_step.unwrap_or_default().to_owned(),
                ]
            })
            .collect();
        let mut bytes = BOM.to_vec();
        bytes.extend(csv_document(&COMPLAINT_LIST_HEADER, &rows));
        bytes
    }
}

/// The open-actions work list as of a date, ready to render.
#[derive(Clone, Debug)]
pub struct ActionWorkList<'a> {
    /// `YYYY-MM-DD`.
    pub as_of: String,
    pub rows: &'a [OpenAction],
}

const ACTION_LIST_HEADER: [&str; 10] = [
    "status",
    "days_overdue",
    "due_on",
    "action_id",
    "kind",
    "subject",
    "complaint_id",
    "owner_id",
    "raised_on",
    "approved",
];

impl Render for ActionWorkList<'_> {
    fn json(&self) -> Vec<u8> {
        to_json(&self.rows)
    }

    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        let lang = cx.lang;
        let header = [
            t(lang, "status", "状态"),
            t(lang, "days overdue", "逾期天数"),
            t(lang, "due", "完成时间"),
            t(lang, "action", "措施"),
            t(lang, "kind", "类型"),
            t(lang, "subject", "问题"),
            t(lang, "complaint", "投诉"),
            t(lang, "owner", "责任人"),
            t(lang, "raised", "提出日期"),
            t(lang, "approved", "已批准"),
        ];
        vec![
            Table::new("", &header, 10)
                .rows(self.rows.iter().map(|a| {
                    vec![
                        state_word(a.status.as_str(), lang),
                        a.days_overdue.to_string(),
                        a.due_on.clone(),
                        a.action_id.clone(),
                        state_word(&a.kind, lang),
                        category_name(&a.subject, lang),
                        a.complaint_id.clone().unwrap_or_else(|| "–".into()),
                        a.owner_id.clone(),
                        a.raised_on.clone(),
                        t(
                            lang,
                            if a.approved { "yes" } else { "no" },
                            if a.approved { "是" } else { "否" },
                        )
                        .to_owned(),
                    ]
                }))
                .when_empty(t(lang, "No open actions.", "无未完成的措施。")),
        ]
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let mut out = match cx.lang {
            Lang::En => format!(
                "# Open actions as of {}: {}\n\n",
                self.as_of,
                self.rows.len()
            ),
            Lang::Zh => format!(
                "# 未完成的措施（截至 {}）：{} 项\n\n",
                self.as_of,
                self.rows.len()
            ),
        };
        table::markdown(&mut out, &self.tables(cx));
        out.into_bytes()
    }

    fn csv(&self) -> Vec<u8> {
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|a| {
                vec![
                    a.status.as_str().to_owned(),
                    a.days_overdue.to_string(),
                    a.due_on.clone(),
                    a.action_id.clone(),
                    a.kind.clone(),
                    a.subject.clone(),
                    a.complaint_id.clone().unwrap_or_default(),
                    a.owner_id.clone(),
                    a.raised_on.clone(),
                    a.approved.to_string(),
                ]
            })
            .collect();
        let mut bytes = BOM.to_vec();
        bytes.extend(csv_document(&ACTION_LIST_HEADER, &rows));
        bytes
    }
}
