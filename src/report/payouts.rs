//! The payout statement, its explanation and the what-if comparison, in Markdown and CSV.
//!
//! The CSV is what finance imports into its spreadsheet: UTF-8 with a BOM (Excel on Chinese
//! Windows), one row per person first, then the lines, each section with a total row that
//! adds up to the fen. Markdown and CSV are built from the same rows.

use std::fmt::Write as _;

use super::{Render, csv_document, md_table, to_json};
use crate::csvio::BOM;
use crate::kpi::payouts::{
    AdjustmentLine, ComparedPerson, Comparison, Explanation, PayoutLine, Statement,
};
use crate::model::Fen;

const ADJUSTMENT_HEADER: [&str; 7] = [
    "adjusts",
    "period",
    "tier",
    "department",
    "paid",
    "now",
    "amount",
];
const LINE_HEADER: [&str; 11] = [
    "period",
    "period_start",
    "period_end",
    "tier",
    "department",
    "surveys",
    "satisfied",
    "outcome",
    "per_member",
    "members",
    "amount",
];
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
        s.people.iter().map(|p| p.amount).sum::<Fen>().to_string(),
    ];
    if adjusted {
        total.push(
            s.people
                .iter()
                .map(|p| p.adjustment.unwrap_or_default())
                .sum::<Fen>()
                .to_string(),
        );
        total.push(
            s.people
                .iter()
                .map(|p| p.payable.unwrap_or_default())
                .sum::<Fen>()
                .to_string(),
        );
    }
    rows.push(total);
    (header, rows)
}

fn line_row(l: &PayoutLine) -> Vec<String> {
    vec![
        l.period.clone(),
        l.period_start.clone(),
        l.period_end.clone(),
        l.tier.clone(),
        l.department.clone(),
        l.surveys.to_string(),
        l.satisfied.to_string(),
        l.outcome.clone(),
        l.per_member.to_string(),
        l.members.to_string(),
        l.amount.to_string(),
    ]
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

/// A total row under `width` columns with the amount in the last one.
fn total_row(width: usize, amount: Fen) -> Vec<String> {
    let mut row = vec![String::new(); width];
    row[0] = "TOTAL".into();
    row[width - 1] = amount.to_string();
    row
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

impl Render for Statement {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    fn markdown(&self) -> Vec<u8> {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Reward and fine statement (奖罚), month {}\n",
            self.month
        );
        if let Some(c) = &self.closed {
            let _ = writeln!(
                out,
                "Closed at {} (sha256 `{}`): the figures below are the closed ones.\n",
                c.closed_at, c.sha256
            );
        }
        let rewards: Fen = self
            .lines
            .iter()
            .filter(|l| l.amount.0 > 0)
            .map(|l| l.amount)
            .sum();
        let fines: Fen = self
            .lines
            .iter()
            .filter(|l| l.amount.0 < 0)
            .map(|l| l.amount)
            .sum();
        let _ = writeln!(
            out,
            "- **Total** {} yuan: rewards {rewards}, fines {fines}",
            self.total
        );
        if let (Some(adj), Some(payable)) = (self.adjustments_total, self.payable_total) {
            let _ = writeln!(
                out,
                "- **Prior-period adjustments** {adj}; **payable** {payable}"
            );
        }
        if let Some(changes) = self.changes_since_close_total {
            let _ = writeln!(
                out,
                "- **Changed since close** records imported after the close would change this month by {changes}; the next open month settles it"
            );
        }
        let _ = writeln!(out, "\n## People\n");
        let (header, rows) = people_rows(self);
        md_table(&mut out, &header, 3, &rows);
        let _ = writeln!(out, "\n## Lines\n");
        let rows: Vec<Vec<String>> = self.lines.iter().map(line_row).collect();
        md_table(&mut out, &LINE_HEADER, 5, &rows);
        for (title, list) in [
            ("Prior-period adjustments", &self.adjustments),
            ("Changes since close", &self.changes_since_close),
        ] {
            if !list.is_empty() {
                let _ = writeln!(out, "\n## {title}\n");
                let rows: Vec<Vec<String>> = list.iter().map(adjustment_row).collect();
                md_table(&mut out, &ADJUSTMENT_HEADER, 4, &rows);
            }
        }
        let _ = writeln!(
            out,
            "\n`careledger explain payout --period P --tier T --department D` shows the surveys and members behind a line."
        );
        out.into_bytes()
    }

    fn csv(&self) -> Vec<u8> {
        let mut bytes = BOM.to_vec();
        let (header, rows) = people_rows(self);
        bytes.extend(csv_document(&header, &rows));
        bytes.extend(b"\r\n");
        let mut rows: Vec<Vec<String>> = self.lines.iter().map(line_row).collect();
        rows.push(total_row(LINE_HEADER.len(), self.total));
        bytes.extend(csv_document(&LINE_HEADER, &rows));
        if !self.adjustments.is_empty() {
            bytes.extend(b"\r\n");
            let mut rows: Vec<Vec<String>> = self.adjustments.iter().map(adjustment_row).collect();
            rows.push(total_row(
                ADJUSTMENT_HEADER.len(),
                self.adjustments_total.unwrap_or_default(),
            ));
            bytes.extend(csv_document(&ADJUSTMENT_HEADER, &rows));
        }
        bytes
    }
}

impl Render for Explanation {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    fn markdown(&self) -> Vec<u8> {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Why {} of {} in {} ({} … {}) came to {}\n",
            self.department,
            self.tier,
            self.period,
            self.period_start,
            self.period_end,
            self.amount
        );
        for step in &self.arithmetic {
            let _ = writeln!(out, "- {step}");
        }
        let _ = writeln!(out, "\n## Surveys\n");
        let rows: Vec<Vec<String>> = self
            .surveys
            .iter()
            .map(|s| {
                vec![
                    s.survey_id.clone(),
                    s.at.clone(),
                    s.customer_id.clone(),
                    s.overall.to_string(),
                    if s.satisfied { "yes" } else { "**no**" }.to_owned(),
                    s.issues.join(" "),
                ]
            })
            .collect();
        md_table(
            &mut out,
            &["survey", "at", "customer", "overall", "satisfied", "issues"],
            6,
            &rows,
        );
        let _ = writeln!(out, "\n## Members counted\n");
        let rows: Vec<Vec<String>> = self
            .members
            .iter()
            .map(|m| {
                vec![
                    m.staff_id.clone(),
                    m.name.clone(),
                    m.active_from.clone(),
                    m.active_to.clone().unwrap_or_default(),
                    self.per_member.to_string(),
                ]
            })
            .collect();
        md_table(
            &mut out,
            &["staff", "name", "active from", "active to", "amount"],
            4,
            &rows,
        );
        out.into_bytes()
    }

    fn csv(&self) -> Vec<u8> {
        let rows: Vec<Vec<String>> = self
            .surveys
            .iter()
            .map(|s| {
                vec![
                    s.survey_id.clone(),
                    s.at.clone(),
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

    fn markdown(&self) -> Vec<u8> {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# What-if: proposed rules against the rules in force, month {}\n",
            self.month
        );
        let _ = writeln!(
            out,
            "- **In force** {}; **proposed** {}; **difference** {}\n",
            self.total_in_force, self.total_proposed, self.difference
        );
        let _ = writeln!(out, "## Lines\n");
        let rows: Vec<Vec<String>> = self
            .lines
            .iter()
            .map(|l| {
                vec![
                    l.period.clone(),
                    l.tier.clone(),
                    l.department.clone(),
                    format!("{}/{}", l.satisfied, l.surveys),
                    format!("{} {}", l.in_force_outcome, l.in_force_amount),
                    format!("{} {}", l.proposed_outcome, l.proposed_amount),
                    l.difference.to_string(),
                ]
            })
            .collect();
        md_table(
            &mut out,
            &[
                "period",
                "tier",
                "department",
                "satisfied",
                "in force",
                "proposed",
                "difference",
            ],
            3,
            &rows,
        );
        let _ = writeln!(out, "\n## People\n");
        md_table(
            &mut out,
            &COMPARED_PEOPLE_HEADER,
            3,
            &compared_people_rows(self),
        );
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
