//! The tiers report: its tables (counts with the trailing year's revenue shares, customers),
//! its Markdown and its CSV.

use std::fmt::Write as _;

use super::table::{self, Table};
use super::{Lang, Render, RenderContext, csv_document, name, percent, plural, t, to_json, word};
use crate::kpi::tiers::{
    TierRevenue, TiersMonthReport, TiersReport, percents_largest_remainder, tenths,
};
use crate::rules::TierRules;

/// What each criterion means, for readers of the Markdown report, with the thresholds and
/// the trailing period of the rules in force (DOMAIN.md section 7; the Chinese after seed
/// `004_*`). With the default rules the texts are the seed's.
pub fn criteria(rules: &TierRules, lang: Lang) -> [(&'static str, String); 14] {
    let r = rules;
    // "In the trailing year" is the seed's wording for 365 days; any other length is said.
    let (trailing_en, trailing_zh) = match r.trailing_days {
        365 => ("the trailing year".to_owned(), "一年".to_owned()),
        n => (format!("the trailing {n} days"), format!("近 {n} 天")),
    };
    let en_zh = |en: String, zh: String| match lang {
        Lang::En => en,
        Lang::Zh => zh,
    };
    // The wordings that S and V criteria share, with their own thresholds.
    let visit_dates = |n: u32, zh_verb: &str| {
        en_zh(
            format!(
                "at least {} in {trailing_en}",
                plural(n, "visit date", "visit dates")
            ),
            format!("{trailing_zh}{zh_verb} {n} 次以上"),
        )
    };
    let referred_sales = |n: u32| {
        en_zh(
            format!("referred at least {}", plural(n, "sale", "sales")),
            format!("转介绍购车 {n} 台以上"),
        )
    };
    let insured = |n: u32| {
        en_zh(
            format!("insured with us {} running", plural(n, "year", "years")),
            format!("连续 {n} 年在本店投保"),
        )
    };
    let referred_policies = |n: u32, zh_or_more: &str| {
        en_zh(
            format!(
                "referred policies of at least {}",
                plural(n, "customer", "customers")
            ),
            format!("转介绍 {n} 名{zh_or_more}客户投保"),
        )
    };
    let s1 = r.s1_family_buyers_min;
    let (s7, s8, v1) = (
        r.s7_media_referred_sales_min,
        r.s8_surveys_min,
        r.v1_sales_min,
    );
    [
        (
            "S1",
            en_zh(
                format!("family with at least {}", plural(s1, "buyer", "buyers")),
                format!("一家人中有{}人以上购车", zh_small(s1)),
            ),
        ),
        ("S2", visit_dates(r.s2_visit_dates_min, "来店")),
        ("S3", referred_sales(r.s3_referred_sales_min)),
        ("S4", en_zh("influential".into(), "本地有影响力".into())),
        ("S5", insured(r.s5_policy_years_min)),
        ("S6", referred_policies(r.s6_policy_referrals_min, "以上")),
        (
            "S7",
            en_zh(
                format!("media, referred at least {}", plural(s7, "sale", "sales")),
                format!("媒体身份并转介绍 {s7} 台以上"),
            ),
        ),
        (
            "S8",
            en_zh(
                format!(
                    "at least {} in {trailing_en}, all satisfied",
                    plural(s8, "survey", "surveys")
                ),
                format!("{trailing_zh}内回访 {s8} 次以上且始终满意"),
            ),
        ),
        (
            "V1",
            en_zh(
                format!("bought at least {}", plural(v1, "car", "cars")),
                format!("购车 {v1} 台以上"),
            ),
        ),
        ("V2", visit_dates(r.v2_visit_dates_min, "进站")),
        (
            "V3",
            match r.v3_referred_sales_min {
                1 => en_zh("referred a sale".into(), "转介绍购车 1 台以上".into()),
                n => referred_sales(n),
            },
        ),
        (
            "V4",
            en_zh("suggestion adopted".into(), "合理化建议被采纳".into()),
        ),
        ("V5", insured(r.v5_policy_years_min)),
        ("V6", referred_policies(r.v6_policy_referrals_min, "")),
    ]
}

/// `n` things: `1 sale`, `3 sales`.
/// A small count in Chinese numerals (一 … 九, as the seed writes 二人以上), larger ones in
/// digits.
fn zh_small(n: u32) -> String {
    const NUMERALS: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => NUMERALS[n as usize - 1].to_owned(),
        n => n.to_string(),
    }
}

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
        markdown(self, &self.tables(cx), None, cx)
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

/// The Markdown of a tiers report: title, tables, what the revenue shares are (when shown)
/// and, with the customer list, what each criterion means.
fn markdown(
    report: &TiersReport,
    tables: &[Table],
    revenue: Option<&TierRevenue>,
    cx: &RenderContext,
) -> Vec<u8> {
    let lang = cx.lang;
    let mut out = String::new();
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "# Customer tiers (客户分级), month {} (as of {})\n",
            report.month, report.as_of
        ),
        Lang::Zh => writeln!(
            out,
            "# 客户分级 {}（按 {} 评定）\n",
            report.month, report.as_of
        ),
    };
    table::markdown(&mut out, tables);
    if let Some(r) = revenue {
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "\nCustomers created on or before {as_of}, by their tier as of {as_of}, with their sales (by delivery date) and service revenue (by order opening date) of {} … {}. Each share column is rounded by largest remainder so that it adds up to exactly 100.0%; – when the column's total is 0 (80/20 rule: 找出那些能给企业带来80%利润、总量却仅占20%的关键客户).",
                r.first,
                r.last,
                as_of = report.as_of
            ),
            Lang::Zh => writeln!(
                out,
                "\n统计 {as_of} 及以前建档的客户，按其 {as_of} 的级别；销售额按交车日期、维修产值按开单日期计 {} 至 {}。各占比列按最大余数法取一位小数，合计恰为 100.0%；该列合计为 0 时显示 –（二八法则：找出那些能给企业带来80%利润、总量却仅占20%的关键客户）。",
                r.first,
                r.last,
                as_of = report.as_of
            ),
        };
    }
    if report.customers.is_some() {
        let _ = writeln!(
            out,
            "\n{}\n",
            t(
                lang,
                "Criteria (DOMAIN.md section 7, thresholds as configured):",
                "分级条件（阈值以规则为准）："
            )
        );
        for (code, text) in criteria(&cx.rules.tiers, lang) {
            let _ = writeln!(out, "- {code}: {text}");
        }
    }
    out.into_bytes()
}

/// A printed share in percent, `–` for none.
fn printed(p: &Option<String>) -> String {
    p.as_ref().map_or_else(|| "–".into(), |p| format!("{p}%"))
}

impl TiersMonthReport {
    /// Per tier: customers and their share, the trailing year's sales amount and service
    /// revenue with their shares, and the total. Every share column adds up to 100.0%
    /// (largest remainder).
    pub fn revenue_table(&self, cx: &RenderContext) -> Table {
        let lang = cx.lang;
        let r = &self.trailing_year;
        let header = [
            t(lang, "tier", "级别"),
            word(lang, "customers"),
            word(lang, "share"),
            t(lang, "sales amount", "销售额"),
            word(lang, "share"),
            t(lang, "service revenue", "维修产值"),
            word(lang, "share"),
        ];
        let customers = percents_largest_remainder(
            r.tiers
                .iter()
                .map(|l| i64::try_from(l.customers).unwrap_or(i64::MAX))
                .collect::<Vec<_>>()
                .try_into()
                .expect("three tiers"),
        );
        let customer_share = |i: usize| {
            customers.map_or_else(|| "–".into(), |p: [u32; 3]| format!("{}%", tenths(p[i])))
        };
        let all = |total: bool| {
            if total {
                "100.0%".to_owned()
            } else {
                "–".to_owned()
            }
        };
        Table::new("", &header, 1)
            .rows(r.tiers.iter().enumerate().map(|(i, l)| {
                vec![
                    name(l.tier.as_str(), lang),
                    l.customers.to_string(),
                    customer_share(i),
                    l.sales_amount.to_string(),
                    printed(&l.sales_percent),
                    l.service_revenue.to_string(),
                    printed(&l.service_percent),
                ]
            }))
            .total(vec![
                word(lang, "all").to_owned(),
                r.total.customers.to_string(),
                all(customers.is_some()),
                r.total.sales_amount.to_string(),
                all(r.tiers.iter().any(|l| l.sales_percent.is_some())),
                r.total.service_revenue.to_string(),
                all(r.tiers.iter().any(|l| l.service_percent.is_some())),
            ])
    }
}

impl Render for TiersMonthReport {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    /// Tiers with customers and revenue shares; with `--list`, every customer.
    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        let mut tables = vec![self.revenue_table(cx)];
        tables.extend(self.tiers.tables(cx).into_iter().skip(1));
        tables
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        markdown(&self.tiers, &self.tables(cx), Some(&self.trailing_year), cx)
    }

    /// With `--list`: `customer_id,tier,criteria`; otherwise
    /// `tier,customers,sales_amount,sales_percent,service_revenue,service_percent` (percents
    /// as printed, empty when the column's total is 0).
    fn csv(&self) -> Vec<u8> {
        if self.tiers.customers.is_some() {
            return self.tiers.csv();
        }
        let rows: Vec<Vec<String>> = self
            .trailing_year
            .tiers
            .iter()
            .map(|l| {
                vec![
                    l.tier.as_str().to_owned(),
                    l.customers.to_string(),
                    l.sales_amount.to_string(),
                    l.sales_percent.clone().unwrap_or_default(),
                    l.service_revenue.to_string(),
                    l.service_percent.clone().unwrap_or_default(),
                ]
            })
            .collect();
        csv_document(
            &[
                "tier",
                "customers",
                "sales_amount",
                "sales_percent",
                "service_revenue",
                "service_percent",
            ],
            &rows,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;

    /// With the default rules the criteria read as the seed (`004_*`) and DOMAIN.md section 7
    /// word them.
    #[test]
    fn the_default_criteria_are_the_seeds_texts() {
        let rules = Rules::default().tiers;
        let zh: Vec<String> = criteria(&rules, Lang::Zh)
            .into_iter()
            .map(|(code, text)| format!("{code}: {text}"))
            .collect();
        assert_eq!(
            zh,
            [
                "S1: 一家人中有二人以上购车",
                "S2: 一年来店 5 次以上",
                "S3: 转介绍购车 3 台以上",
                "S4: 本地有影响力",
                "S5: 连续 4 年在本店投保",
                "S6: 转介绍 3 名以上客户投保",
                "S7: 媒体身份并转介绍 2 台以上",
                "S8: 一年内回访 3 次以上且始终满意",
                "V1: 购车 2 台以上",
                "V2: 一年进站 3 次以上",
                "V3: 转介绍购车 1 台以上",
                "V4: 合理化建议被采纳",
                "V5: 连续 3 年在本店投保",
                "V6: 转介绍 2 名客户投保",
            ]
        );
        let en: Vec<String> = criteria(&rules, Lang::En)
            .into_iter()
            .map(|(code, text)| format!("{code}: {text}"))
            .collect();
        assert_eq!(
            en,
            [
                "S1: family with at least 2 buyers",
                "S2: at least 5 visit dates in the trailing year",
                "S3: referred at least 3 sales",
                "S4: influential",
                "S5: insured with us 4 years running",
                "S6: referred policies of at least 3 customers",
                "S7: media, referred at least 2 sales",
                "S8: at least 3 surveys in the trailing year, all satisfied",
                "V1: bought at least 2 cars",
                "V2: at least 3 visit dates in the trailing year",
                "V3: referred a sale",
                "V4: suggestion adopted",
                "V5: insured with us 3 years running",
                "V6: referred policies of at least 2 customers",
            ]
        );
    }

    #[test]
    fn a_threshold_of_one_is_singular_and_ten_is_in_digits() {
        let mut rules = Rules::default().tiers;
        rules.s1_family_buyers_min = 10;
        rules.s5_policy_years_min = 1;
        let [s1, _, _, _, s5, ..] = criteria(&rules, Lang::En);
        assert_eq!(s1.1, "family with at least 10 buyers");
        assert_eq!(s5.1, "insured with us 1 year running");
        let [s1, ..] = criteria(&rules, Lang::Zh);
        assert_eq!(s1.1, "一家人中有10人以上购车");
    }
}
