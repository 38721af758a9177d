//! The tiers report in Markdown and CSV.

use std::fmt::Write as _;

use super::{Render, csv_document, md_table, percent, to_json};
use crate::kpi::tiers::TiersReport;

/// What each criterion means, for readers of the Markdown report.
pub const CRITERIA: [(&str, &str); 14] = [
    ("S1", "family with at least 2 buyers"),
    ("S2", "at least 5 visit dates in the trailing year"),
    ("S3", "referred at least 3 sales"),
    ("S4", "influential"),
    ("S5", "insured with us 4 years running"),
    ("S6", "referred policies of at least 3 customers"),
    ("S7", "media, referred at least 2 sales"),
    (
        "S8",
        "at least 3 surveys in the trailing year, all satisfied",
    ),
    ("V1", "bought at least 2 cars"),
    ("V2", "at least 3 visit dates in the trailing year"),
    ("V3", "referred a sale"),
    ("V4", "suggestion adopted"),
    ("V5", "insured with us 3 years running"),
    ("V6", "referred policies of at least 2 customers"),
];

impl Render for TiersReport {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    fn markdown(&self) -> Vec<u8> {
        let c = &self.counts;
        let total = c.super_vip + c.vip + c.general;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Customer tiers (客户分级), month {} (as of {})\n",
            self.month, self.as_of
        );
        let rows = vec![
            vec![
                "super VIP (超级VIP)".to_owned(),
                c.super_vip.to_string(),
                percent(c.super_vip, total),
            ],
            vec!["VIP".to_owned(), c.vip.to_string(), percent(c.vip, total)],
            vec![
                "general (一般客户)".to_owned(),
                c.general.to_string(),
                percent(c.general, total),
            ],
            vec![
                "**all**".to_owned(),
                total.to_string(),
                percent(total, total),
            ],
        ];
        md_table(&mut out, &["tier", "customers", "share"], 1, &rows);
        if let Some(customers) = &self.customers {
            let _ = writeln!(out, "\n## Customers\n");
            let rows: Vec<Vec<String>> = customers
                .iter()
                .map(|c| {
                    vec![
                        c.customer_id.clone(),
                        c.tier.as_str().to_owned(),
                        c.criteria.join(" "),
                    ]
                })
                .collect();
            md_table(&mut out, &["customer", "tier", "criteria met"], 3, &rows);
            let _ = writeln!(
                out,
                "\nCriteria (DOMAIN.md section 7, thresholds as configured):\n"
            );
            for (code, meaning) in CRITERIA {
                let _ = writeln!(out, "- {code}: {meaning}");
            }
        }
        out.into_bytes()
    }

    /// With `--list`: `customer_id,tier,criteria`; otherwise `tier,customers`.
    fn csv(&self) -> Vec<u8> {
        match &self.customers {
            Some(customers) => {
                let rows: Vec<Vec<String>> = customers
                    .iter()
                    .map(|c| {
                        vec![
                            c.customer_id.clone(),
                            c.tier.as_str().to_owned(),
                            c.criteria.join(";"),
                        ]
                    })
                    .collect();
                csv_document(&["customer_id", "tier", "criteria"], &rows)
            }
            None => {
                let c = &self.counts;
                let rows = vec![
                    vec!["super_vip".to_owned(), c.super_vip.to_string()],
                    vec!["vip".to_owned(), c.vip.to_string()],
                    vec!["general".to_owned(), c.general.to_string()],
                ];
                csv_document(&["tier", "customers"], &rows)
            }
        }
    }
}
