//! The return-visit report in Markdown and CSV.

use std::fmt::Write as _;

use super::{Render, csv_document, csv_number, decimal2, md_table, percent, to_json};
use crate::kpi::visits::{Counts, VisitsReport};

impl VisitsReport {
    fn period_label(&self) -> (&'static str, &str) {
        match (&self.month, &self.week) {
            (Some(m), _) => ("month", m),
            (_, Some(w)) => ("week", w),
            _ => ("period", ""),
        }
    }
}

fn counts_row(name: &str, c: &Counts) -> Vec<String> {
    vec![
        name.to_owned(),
        c.due.to_string(),
        c.performed.to_string(),
        percent(c.performed, c.due),
        c.successful.to_string(),
        percent(c.successful, c.due),
        c.on_time.to_string(),
        percent(c.on_time, c.due),
    ]
}

impl Render for VisitsReport {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    fn markdown(&self) -> Vec<u8> {
        let (kind, label) = self.period_label();
        let t = &self.tasks.counts;
        let mut out = String::new();
        let _ = writeln!(out, "# Return-visit report (回访月报), {kind} {label}\n");
        let _ = writeln!(
            out,
            "- **Completion** {} of {} due return visits performed ({})",
            t.performed,
            t.due,
            percent(t.performed, t.due)
        );
        let _ = writeln!(
            out,
            "- **Success** {} successful ({})",
            t.successful,
            percent(t.successful, t.due)
        );
        let _ = writeln!(
            out,
            "- **On time** {} first attempts by the due time ({})",
            t.on_time,
            percent(t.on_time, t.due)
        );
        let s = &self.surveys;
        let _ = writeln!(
            out,
            "- **Satisfaction** {} of {} surveys satisfied ({}), mean overall score {}",
            s.satisfied,
            s.count,
            percent(s.satisfied, s.count),
            decimal2(s.mean_overall)
        );
        let _ = writeln!(
            out,
            "- **Unscheduled attempts** {} (calls made for no due task)\n",
            self.unscheduled_attempts
        );

        let header = [
            "",
            "due",
            "performed",
            "completion",
            "successful",
            "success",
            "on time",
            "on-time rate",
        ];
        let _ = writeln!(out, "## By task kind\n");
        let mut rows: Vec<Vec<String>> = self
            .by_kind
            .iter()
            .map(|l| counts_row(&l.kind, &l.counts))
            .collect();
        rows.push(counts_row("**all**", t));
        md_table(&mut out, &header, 1, &rows);
        let _ = writeln!(out, "\n## By department\n");
        let mut rows: Vec<Vec<String>> = self
            .by_department
            .iter()
            .map(|l| counts_row(&l.department, &l.counts))
            .collect();
        rows.push(counts_row("**all**", t));
        md_table(&mut out, &header, 1, &rows);

        let _ = writeln!(out, "\n## Satisfaction by question\n");
        if self.questions.is_empty() {
            let _ = writeln!(out, "No answers in this {kind}.");
        } else {
            let rows: Vec<Vec<String>> = self
                .questions
                .iter()
                .map(|q| {
                    vec![
                        q.question.clone(),
                        q.answers.to_string(),
                        decimal2(Some(q.mean_score)),
                    ]
                })
                .collect();
            md_table(&mut out, &["question", "answers", "mean score"], 1, &rows);
        }
        let _ = writeln!(out, "\n## Most reported issues\n");
        if self.top_issues.is_empty() {
            let _ = writeln!(out, "No issues reported in this {kind}.");
        } else {
            let rows: Vec<Vec<String>> = self
                .top_issues
                .iter()
                .map(|i| {
                    vec![
                        i.issue.clone(),
                        i.count.to_string(),
                        percent(i.count, s.count),
                    ]
                })
                .collect();
            md_table(
                &mut out,
                &["issue", "surveys naming it", "share of surveys"],
                1,
                &rows,
            );
        }
        out.into_bytes()
    }

    /// One row per figure: `period,section,name,metric,value`, a long table that pivots in
    /// any spreadsheet.
    fn csv(&self) -> Vec<u8> {
        let (_, label) = self.period_label();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut push = |section: &str, name: &str, metric: &str, value: String| {
            rows.push(vec![
                label.to_owned(),
                section.to_owned(),
                name.to_owned(),
                metric.to_owned(),
                value,
            ]);
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
        csv_document(&["period", "section", "name", "metric", "value"], &rows)
    }
}
