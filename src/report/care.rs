//! The care report (关怀, DOMAIN.md section 14): its tables (by kind, by tier, by
//! department), its Markdown and its CSV, in the shape of the visits report.

use std::fmt::Write as _;

use super::table::{self, Table};
use super::visits::counts_table;
use super::{LongCsv, Render, RenderContext, csv_number, name, percent, t, to_json, word};
use crate::kpi::care::CareReport;
use crate::kpi::visits::Counts;

/// A table of care task counts: the visits report's, its "due" column saying 应关怀.
fn care_counts_table<'a>(
    title: &str,
    lang: super::Lang,
    lines: impl Iterator<Item = (String, &'a Counts)>,
    total: &Counts,
) -> Table {
    let mut table = counts_table(title, lang, lines, total);
    table.columns[1].heading = t(lang, "due", "应关怀").to_owned();
    table
}

impl CareReport {
    pub fn kind_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        care_counts_table(
            t(lang, "By task kind", "按关怀类型"),
            lang,
            self.by_kind
                .iter()
                .map(|l| (name(&l.kind, lang), &l.counts)),
            &self.tasks.counts,
        )
    }

    /// The tier_care tasks by the tier that decided their period, with the cadence of the
    /// rules in force.
    pub fn tier_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let mut total = Counts::default();
        for l in &self.by_tier {
            total.merge(&l.counts);
        }
        care_counts_table(
            t(lang, "Tier care by tier", "分级关怀（按客户级别）"),
            lang,
            self.by_tier.iter().map(|l| {
                let cadence = cx
                    .rules
                    .care
                    .tier_care
                    .cadence(l.tier)
                    .map_or("", |k| cadence_word(k, lang));
                (
                    format!("{} ({cadence})", name(l.tier.as_str(), lang)),
                    &l.counts,
                )
            }),
            &total,
        )
    }

    pub fn department_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        care_counts_table(
            word(lang, "By department"),
            lang,
            self.by_department
                .iter()
                .map(|l| (name(&l.department, lang), &l.counts)),
            &self.tasks.counts,
        )
    }
}

/// A care cadence as people say it: weekly, monthly, yearly (每周, 每月, 每年).
fn cadence_word(kind: crate::model::PeriodKind, lang: super::Lang) -> &'static str {
    use crate::model::PeriodKind;
    match kind {
        PeriodKind::Week => t(lang, "weekly", "每周"),
        PeriodKind::Month => t(lang, "monthly", "每月"),
        PeriodKind::Year => t(lang, "yearly", "每年"),
    }
}

impl Render for CareReport {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        vec![
            self.kind_table(cx),
            self.tier_table(cx),
            self.department_table(cx),
        ]
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let lang = cx.lang;
        let c = &self.tasks.counts;
        let mut out = String::new();
        let _ = match lang {
            super::Lang::En => writeln!(
                out,
                "# Care report (客户关怀月报), month {}\n\n\
                 - **Completion** {} of {} due care tasks performed ({})\n\
                 - **Success** {} successful ({})\n\
                 - **Unscheduled care attempts** {} (care and renewal contacts for no due task)\n",
                self.month,
                c.performed,
                c.due,
                percent(c.performed, c.due),
                c.successful,
                percent(c.successful, c.due),
                self.unscheduled_attempts
            ),
            super::Lang::Zh => writeln!(
                out,
                "# 客户关怀月报 {}\n\n\
                 - **关怀完成率** 应关怀 {} 个，实施 {} 个（{}）\n\
                 - **关怀成功率** 成功 {} 个（{}）\n\
                 - **计划外关怀联络** {} 次（没有对应关怀任务的关怀或续保联络）\n",
                self.month,
                c.due,
                c.performed,
                percent(c.performed, c.due),
                c.successful,
                percent(c.successful, c.due),
                self.unscheduled_attempts
            ),
        };
        if let Some(stamp) =
            super::visits::data_stamp(self.data_through.as_ref(), cx.rules.care.grace_hours, cx)
        {
            let _ = writeln!(out, "{stamp}\n");
        }
        table::markdown(&mut out, &self.tables(cx));
        out.into_bytes()
    }

    /// One row per figure, `period,section,name,metric,value`, as the visits report's.
    fn csv(&self) -> Vec<u8> {
        let mut csv = LongCsv::new();
        let label = self.month.as_str();
        let mut counts = |section: &str, name: &str, c: &Counts| {
            for (metric, value) in [
                ("due", c.due),
                ("performed", c.performed),
                ("successful", c.successful),
                ("on_time", c.on_time),
            ] {
                csv.push(label, section, name, metric, value.to_string());
            }
        };
        counts("tasks", "", &self.tasks.counts);
        for l in &self.by_kind {
            counts("by_kind", &l.kind, &l.counts);
        }
        for l in &self.by_tier {
            counts("by_tier", l.tier.as_str(), &l.counts);
        }
        for l in &self.by_department {
            counts("by_department", &l.department, &l.counts);
        }
        for (metric, value) in [
            ("completion_rate", self.tasks.completion_rate),
            ("success_rate", self.tasks.success_rate),
            ("on_time_rate", self.tasks.on_time_rate),
        ] {
            csv.push(label, "tasks", "", metric, csv_number(value));
        }
        csv.push(
            label,
            "unscheduled_attempts",
            "",
            "count",
            self.unscheduled_attempts.to_string(),
        );
        csv.into_bytes()
    }
}
