//! The payout statement, its explanation and the what-if comparison, in Markdown and CSV.
//!
//! The CSV is what finance imports into its spreadsheet: UTF-8 with a BOM (Excel on Chinese
//! Windows), one row per person first, then the lines, each section with a total row that
//! adds up to the fen.

use std::fmt::Write as _;

use super::{Render, csv_document, md_table, to_json};
use crate::csvio::BOM;
use crate::kpi::payouts::{Comparison, Explanation, Statement};
use crate::model::Fen;

fn sum(values: impl Iterator<Item = Fen>) -> Fen {
    values.sum()
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
        let rewards = sum(self
            .lines
            .iter()
            .filter(|l| l.amount.0 > 0)
            .map(|l| l.amount));
        let fines = sum(self
            .lines
            .iter()
            .filter(|l| l.amount.0 < 0)
            .map(|l| l.amount));
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
        let adjusted = self.payable_total.is_some();
        let _ = writeln!(out, "\n## People\n");
        let mut header = vec!["staff", "name", "department", "amount"];
        if adjusted {
            header.extend(["adjustment", "payable"]);
        }
        let rows: Vec<Vec<String>> = self
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
        md_table(&mut out, &header, 3, &rows);
        let _ = writeln!(out, "\n## Lines\n");
        let rows: Vec<Vec<String>> = self
            .lines
            .iter()
            .map(|l| {
                vec![
                    l.period.clone(),
                    l.tier.clone(),
                    l.department.clone(),
                    format!("{}/{}", l.satisfied, l.surveys),
                    l.outcome.clone(),
                    l.per_member.to_string(),
                    l.members.to_string(),
                    l.amount.to_string(),
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
                "outcome",
                "per member",
                "members",
                "amount",
            ],
            3,
            &rows,
        );
        for (title, list) in [
            ("Prior-period adjustments", &self.adjustments),
            ("Changes since close", &self.changes_since_close),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n## {title}\n");
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    vec![
                        a.adjusts.clone(),
                        a.period.clone(),
                        a.tier.clone(),
                        a.department.clone(),
                        a.paid.to_string(),
                        a.now.to_string(),
                        a.amount.to_string(),
                    ]
                })
                .collect();
            md_table(
                &mut out,
                &[
                    "month",
                    "period",
                    "tier",
                    "department",
                    "paid",
                    "now",
                    "difference",
                ],
                4,
                &rows,
            );
        }
        let _ = writeln!(
            out,
            "\n`careledger explain payout --period P --tier T --department D` shows the surveys and members behind a line."
        );
        out.into_bytes()
    }

    fn csv(&self) -> Vec<u8> {
        let adjusted = self.payable_total.is_some();
        let mut header = vec!["staff_id", "name", "department", "amount"];
        if adjusted {
            header.extend(["adjustment", "payable"]);
        }
        let mut rows: Vec<Vec<String>> = self
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
            sum(self.people.iter().map(|p| p.amount)).to_string(),
        ];
        if adjusted {
            total.push(
                sum(self.people.iter().map(|p| p.adjustment.unwrap_or_default())).to_string(),
            );
            total.push(sum(self.people.iter().map(|p| p.payable.unwrap_or_default())).to_string());
        }
        rows.push(total);
        let mut bytes = BOM.to_vec();
        bytes.extend(csv_document(&header, &rows));
        bytes.extend(b"\r\n");
        let mut rows: Vec<Vec<String>> = self
            .lines
            .iter()
            .map(|l| {
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
            })
            .collect();
        let mut total = vec![String::new(); 11];
        total[0] = "TOTAL".into();
        total[10] = self.total.to_string();
        rows.push(total);
        bytes.extend(csv_document(
            &[
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
            ],
            &rows,
        ));
        if !self.adjustments.is_empty() {
            bytes.extend(b"\r\n");
            let mut rows: Vec<Vec<String>> = self
                .adjustments
                .iter()
                .map(|a| {
                    vec![
                        a.adjusts.clone(),
                        a.period.clone(),
                        a.tier.clone(),
                        a.department.clone(),
                        a.paid.to_string(),
                        a.now.to_string(),
                        a.amount.to_string(),
                    ]
                })
                .collect();
            rows.push(vec![
                "TOTAL".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                self.adjustments_total.unwrap_or_default().to_string(),
            ]);
            bytes.extend(csv_document(
                &[
                    "adjusts",
                    "period",
                    "tier",
                    "department",
                    "paid",
                    "now",
                    "amount",
                ],
                &rows,
            ));
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
        let rows: Vec<Vec<String>> = self
            .people
            .iter()
            .map(|p| {
                vec![
                    p.staff_id.clone(),
                    p.name.clone(),
                    p.department.clone(),
                    p.in_force.to_string(),
                    p.proposed.to_string(),
                    p.difference.to_string(),
                ]
            })
            .collect();
        md_table(
            &mut out,
            &[
                "staff",
                "name",
                "department",
                "in force",
                "proposed",
                "difference",
            ],
            3,
            &rows,
        );
        out.into_bytes()
    }

    fn csv(&self) -> Vec<u8> {
        let mut rows: Vec<Vec<String>> = self
            .people
            .iter()
            .map(|p| {
                vec![
                    p.staff_id.clone(),
                    p.name.clone(),
                    p.department.clone(),
                    p.in_force.to_string(),
                    p.proposed.to_string(),
                    p.difference.to_string(),
                ]
            })
            .collect();
        rows.push(vec![
            "TOTAL".into(),
            String::new(),
            String::new(),
            self.total_in_force.to_string(),
            self.total_proposed.to_string(),
            self.difference.to_string(),
        ]);
        let mut bytes = BOM.to_vec();
        bytes.extend(csv_document(
            &[
                "staff_id",
                "name",
                "department",
                "in_force",
                "proposed",
                "difference",
            ],
            &rows,
        ));
        bytes
    }
}
