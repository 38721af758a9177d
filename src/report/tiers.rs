//! The tiers report: its tables (counts, customers), its Markdown and its CSV.

use std::fmt::Write as _;

use super::table::{self, Table};
use super::{Lang, Render, RenderContext, csv_document, name, percent, t, to_json, word};
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

impl TiersReport {
    /// Customers per tier with their share, and the total (untitled: it sits under the
    /// report's title).
    pub(super) fn counts_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let c = &self.counts;
        let total = c.super_vip + c.vip + c.general;
        let header = [
            t(lang, "tier", "级别"),
            word(lang, "customers"),
            word(lang, "share"),
        ];
        Table::new("", &header, 1)
            .rows(
                [
                    ("super_vip", c.super_vip),
                    ("vip", c.vip),
                    ("general", c.general),
                ]
                .map(|(tier, n)| vec![name(tier, lang), n.to_string(), percent(n, total)]),
            )
            .total(vec![
                word(lang, "all").to_owned(),
                total.to_string(),
                percent(total, total),
            ])
    }
}

impl Render for TiersReport {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    /// The count per tier; with `--list`, every customer.
    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        let mut tables = vec![self.counts_table(cx)];
        if let Some(customers) = &self.customers {
            let lang = cx.lang;
            let header = [
                word(lang, "customer"),
                t(lang, "tier", "级别"),
                t(lang, "criteria met", "符合条件"),
            ];
            tables.push(Table::new(t(lang, "Customers", "客户"), &header, 3).rows(
                customers.iter().map(|c| {
                    vec![
                        c.customer_id.clone(),
                        name(c.tier.as_str(), lang),
                        c.criteria.join(" "),
                    ]
                }),
            ));
        }
        tables
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let lang = cx.lang;
        let mut out = String::new();
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "# Customer tiers (客户分级), month {} (as of {})\n",
                self.month, self.as_of
            ),
            Lang::Zh => writeln!(out, "# 客户分级 {}（按 {} 评定）\n", self.month, self.as_of),
        };
        table::markdown(&mut out, &self.tables(cx));
        if self.customers.is_some() {
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
