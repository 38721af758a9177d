//! The tiers report in Markdown and CSV.

use std::fmt::Write as _;

use super::{Lang, Render, csv_document, md_table, name, percent, t, to_json, word};
use crate::kpi::tiers::TiersReport;

/// What each criterion means, for readers of the Markdown report.
pub const CRITERIA: [(&str, &str, &str); 14] = [
    (
        "S1",
        "family with at least 2 buyers",
        "一家人中有二人以上购车",
    ),
    (
        "S2",
        "at least 5 visit dates in the trailing year",
        "一年来店 5 次以上",
    ),
    ("S3", "referred at least 3 sales", "转介绍购车 3 台以上"),
    ("S4", "influential", "本地有影响力"),
    (
        "S5",
        "insured with us 4 years running",
        "连续 4 年在本店投保",
    ),
    (
        "S6",
        "referred policies of at least 3 customers",
        "转介绍 3 名以上客户投保",
    ),
    (
        "S7",
        "media, referred at least 2 sales",
        "媒体身份并转介绍 2 台以上",
    ),
    (
        "S8",
        "at least 3 surveys in the trailing year, all satisfied",
        "一年内回访 3 次以上且始终满意",
    ),
    ("V1", "bought at least 2 cars", "购车 2 台以上"),
    (
        "V2",
        "at least 3 visit dates in the trailing year",
        "一年进站 3 次以上",
    ),
    ("V3", "referred a sale", "转介绍购车 1 台以上"),
    ("V4", "suggestion adopted", "合理化建议被采纳"),
    (
        "V5",
        "insured with us 3 years running",
        "连续 3 年在本店投保",
    ),
    (
        "V6",
        "referred policies of at least 2 customers",
        "转介绍 2 名客户投保",
    ),
];

impl Render for TiersReport {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    fn markdown(&self, lang: Lang) -> Vec<u8> {
        let c = &self.counts;
        let total = c.super_vip + c.vip + c.general;
        let mut out = String::new();
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "# Customer tiers (客户分级), month {} (as of {})\n",
                self.month, self.as_of
            ),
            Lang::Zh => writeln!(out, "# 客户分级 {}（按 {} 评定）\n", self.month, self.as_of),
        };
        let rows = vec![
            vec![
                name("super_vip", lang),
                c.super_vip.to_string(),
                percent(c.super_vip, total),
            ],
            vec![name("vip", lang), c.vip.to_string(), percent(c.vip, total)],
            vec![
                name("general", lang),
                c.general.to_string(),
                percent(c.general, total),
            ],
            vec![
                format!("**{}**", word(lang, "all")),
                total.to_string(),
                percent(total, total),
            ],
        ];
        md_table(
            &mut out,
            &[
                t(lang, "tier", "级别"),
                word(lang, "customers"),
                word(lang, "share"),
            ],
            1,
            &rows,
        );
        if let Some(customers) = &self.customers {
            let _ = writeln!(out, "\n## {}\n", t(lang, "Customers", "客户"));
            let rows: Vec<Vec<String>> = customers
                .iter()
                .map(|c| {
                    vec![
                        c.customer_id.clone(),
                        name(c.tier.as_str(), lang),
                        c.criteria.join(" "),
                    ]
                })
                .collect();
            md_table(
                &mut out,
                &[
                    word(lang, "customer"),
                    t(lang, "tier", "级别"),
                    t(lang, "criteria met", "符合条件"),
                ],
                3,
                &rows,
            );
            let _ = writeln!(
                out,
                "\n{}\n",
                t(
                    lang,
                    "Criteria (DOMAIN.md section 7, thresholds as configured):",
                    "分级条件（阈值以规则为准）："
                )
            );
            for (code, en, zh) in CRITERIA {
                let _ = writeln!(out, "- {code}: {}", t(lang, en, zh));
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
