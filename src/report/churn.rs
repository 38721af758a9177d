//! The churn and recovery report: its tables (by month, staff credit, by department), its
//! Markdown and its CSV.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::table::{self, Table};
use super::{Lang, LongCsv, Render, RenderContext, days, name, percent, plural, t, to_json, word};
use crate::kpi::churn::{ChurnFigures, ReasonLine, StaffLine};
use crate::model::Fen;

/// A share of money as printed, percent with one decimal rounded half up (`"12.3%"`), `–`
/// when the whole is 0. Integer arithmetic.
pub(super) fn fen_percent(part: Fen, whole: Fen) -> String {
    if whole.0 <= 0 || part.0 < 0 {
        return "–".into();
    }
    let (p, w) = (i128::from(part.0), i128::from(whole.0));
    let tenths = (p * 1000 + w / 2) / w;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

impl ChurnFigures {
    fn label(&self) -> (&'static str, &str) {
        match (&self.month, &self.year) {
            (Some(m), _) => ("month", m),
            (_, Some(y)) => ("year", y),
            _ => ("period", ""),
        }
    }

    /// Totals per department of the staff lines (calls without staff under "–").
    pub fn by_department(&self) -> Vec<(String, u64, Fen)> {
        let mut departments: BTreeMap<String, (u64, Fen)> = BTreeMap::new();
        // Each department's revenue is a part of the staff lines' revenue, itself summed
        // with checks from amounts that are never negative: a part cannot overflow where the
        // whole did not.
        for line in self.by_staff.iter().flatten() {
            let d = departments
                .entry(line.department.clone().unwrap_or_else(|| "–".into()))
                .or_default();
            d.0 += line.recovered;
            d.1 =
                d.1.checked_add(line.recovery_revenue)
                    .expect("a part of the recovery revenue, which was summed with checks");
        }
        departments
            .into_iter()
            .map(|(d, (n, fen))| (d, n, fen))
            .collect()
    }
}

fn staff_cells(line: &StaffLine) -> [String; 3] {
    [
        line.staff_id
            .clone()
            .unwrap_or_else(|| "(no staff id)".into()),
        line.name.clone().unwrap_or_default(),
        line.department.clone().unwrap_or_default(),
    ]
}

impl ChurnFigures {
    /// Recovered returns and their revenue by the staff who made the winning call; `None`
    /// for figures without staff credit.
    pub(super) fn staff_table(&self, cx: &RenderContext) -> Option<Table> {
        let lang = cx.lang;
        let lines = self.by_staff.as_ref()?;
        let header = [
            word(lang, "staff"),
            word(lang, "name"),
            word(lang, "department"),
            word(lang, "recovered"),
            word(lang, "recovery revenue"),
        ];
        let table = Table::new(
            t(
                lang,
                "Won back, by the staff who made the call",
                "按挽回人员",
            ),
            &header,
            3,
        )
        .rows(lines.iter().map(|l| {
            let [id, staff_name, dept] = staff_cells(l);
            vec![
                id,
                staff_name,
                name(&dept, lang),
                l.recovered.to_string(),
                l.recovery_revenue.to_string(),
            ]
        }))
        .when_empty(t(
            lang,
            "No recovered returns or recovery revenue in this period.",
            "本期无挽回客户或挽回产值。",
        ));
        Some(table)
    }
}

/// Recovery revenue year by year against all service revenue (seed `003_*`'s 2012–2015
/// table).
pub fn years_table(years: &[crate::kpi::churn::YearLine], cx: &RenderContext) -> Table {
    let lang = cx.lang;
    let header = [
        t(lang, "year", "年份"),
        word(lang, "recovery revenue"),
        t(lang, "service revenue", "维修产值"),
        t(lang, "recovery share", "挽回占比"),
    ];
    Table::new(t(lang, "By year", "历年挽回维修产值"), &header, 1)
        .rows(years.iter().map(|y| {
            vec![
                y.year.to_string(),
                y.recovery_revenue.to_string(),
                y.service_revenue.to_string(),
                fen_percent(y.recovery_revenue, y.service_revenue),
            ]
        }))
        .when_empty(t(
            lang,
            "No service orders up to this year.",
            "本年及以前无维修工单。",
        ))
}

/// Why customers left (DOMAIN.md section 14): episodes per reason, with their share and the
/// share seed `001_*` publishes for the reason.
pub fn reasons_table(reasons: &[ReasonLine], cx: &RenderContext) -> Table {
    let lang = cx.lang;
    let header = [
        t(lang, "reason", "流失原因"),
        t(lang, "lost customers", "流失客户"),
        word(lang, "share"),
        t(lang, "published (seed 001)", "资料统计"),
    ];
    let total: u64 = reasons.iter().map(|r| r.episodes).sum();
    let published = |reason: &str| {
        crate::chart::PUBLISHED_REASONS
            .iter()
            .find(|(r, _)| *r == reason)
            .map_or_else(String::new, |(_, p)| format!("{p}%"))
    };
    Table::new(t(lang, "Why customers left", "客户流失原因"), &header, 1)
        .rows(reasons.iter().map(|r| {
            vec![
                name(&r.reason, lang),
                r.episodes.to_string(),
                percent(r.episodes, total),
                published(&r.reason),
            ]
        }))
        .when_empty(t(
            lang,
            "No recovery call gave a reason in this period.",
            "本期挽回联络未记录流失原因。",
        ))
}

impl Render for ChurnFigures {
    fn json(&self) -> Vec<u8> {
        to_json(self)
    }

    /// Why customers left, by month (a year's report), then, with staff credit, by staff
    /// and (when anyone was credited) by department.
    fn tables(&self, cx: &RenderContext) -> Vec<Table> {
        let lang = cx.lang;
        let mut tables = vec![reasons_table(&self.reasons, cx)];
        if let Some(months) = &self.months {
            let header = [
                t(lang, "month", "月份"),
                word(lang, "recovery revenue"),
                t(lang, "service revenue", "维修产值"),
                t(lang, "recovery share", "挽回占比"),
                word(lang, "recovered"),
                t(lang, "unprompted", "自行回店"),
                word(lang, "newly lost"),
                t(lang, "lost at end", "期末流失"),
                word(lang, "recovery attempts"),
            ];
            tables.push(Table::new(t(lang, "By month", "按月"), &header, 1).rows(
                months.iter().map(|m| {
                    vec![
                        m.month.clone().unwrap_or_default(),
                        m.recovery_revenue.to_string(),
                        m.service_revenue.to_string(),
                        fen_percent(m.recovery_revenue, m.service_revenue),
                        m.recovered.to_string(),
                        m.returned_unprompted.to_string(),
                        m.newly_lost.to_string(),
                        m.lost_at_end.to_string(),
                        m.recovery_attempts.to_string(),
                    ]
                }),
            ));
        }
        if let Some(years) = &self.years {
            tables.push(years_table(years, cx));
        }
        if let Some(staff) = self.staff_table(cx) {
            let anyone_credited = !staff.rows.is_empty();
            tables.push(staff);
            if anyone_credited {
                let header = [
                    word(lang, "department"),
                    word(lang, "recovered"),
                    word(lang, "recovery revenue"),
                ];
                tables.push(
                    Table::new(word(lang, "By department"), &header, 1).rows(
                        self.by_department().into_iter().map(|(d, n, fen)| {
                            vec![name(&d, lang), n.to_string(), fen.to_string()]
                        }),
                    ),
                );
            }
        }
        tables
    }

    fn markdown(&self, cx: &RenderContext) -> Vec<u8> {
        let lang = cx.lang;
        let (kind, label) = self.label();
        let kind_word = match kind {
            "year" => t(lang, "year", "年"),
            _ => t(lang, "month", "月"),
        };
        let mut out = String::new();
        let returns = self.recovered + self.returned_unprompted;
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "# Lost-customer recovery (流失客户挽回维修产值), {kind_word} {label}\n"
            ),
            Lang::Zh => writeln!(out, "# 流失客户挽回维修产值 {label}\n"),
        };
        if let Some(stamp) =
            super::visits::data_stamp(self.data_through.as_ref(), cx.rules.visits.grace_hours, cx)
        {
            let _ = writeln!(out, "{stamp}\n");
        }
        let lines = match lang {
            Lang::En => [
                format!(
                    "- **Recovery revenue** {} yuan of repair revenue from customers won back: {} of all {} yuan service revenue",
                    self.recovery_revenue,
                    fen_percent(self.recovery_revenue, self.service_revenue),
                    self.service_revenue
                ),
                format!(
                    "- **Returns** {} came back: {} after a recovery call ({}), {} by themselves",
                    plural(returns, "lost customer", "lost customers"),
                    self.recovered,
                    percent(self.recovered, returns),
                    self.returned_unprompted
                ),
                format!(
                    "- **Lost** {} lost at the end of the {kind_word}; {} newly lost in it",
                    plural(self.lost_at_end, "customer", "customers"),
                    self.newly_lost
                ),
                format!(
                    "- **Calls** {} to {}",
                    plural(
                        self.recovery_attempts,
                        "recovery attempt",
                        "recovery attempts"
                    ),
                    plural(self.customers_contacted, "customer", "customers")
                ),
                format!(
                    "- **Declared lost** {} (given up after {} refusals: off the lost list)",
                    self.declared_lost, cx.rules.churn.declared_lost_after
                ),
            ],
            Lang::Zh => [
                format!(
                    "- **挽回维修产值** {} 元，占全部维修产值 {} 元的 {}",
                    self.recovery_revenue,
                    self.service_revenue,
                    fen_percent(self.recovery_revenue, self.service_revenue)
                ),
                format!(
                    "- **回店** 流失客户回店 {returns} 位：挽回 {} 位（{}），自行回店 {} 位",
                    self.recovered,
                    percent(self.recovered, returns),
                    self.returned_unprompted
                ),
                format!(
                    "- **流失** 期末流失客户 {} 位，本期新增流失 {} 位",
                    self.lost_at_end, self.newly_lost
                ),
                format!(
                    "- **挽回联络** {} 次，涉及客户 {} 位",
                    self.recovery_attempts, self.customers_contacted
                ),
                format!(
                    "- **宣告流失** {} 位（{} 次拒绝回访后最终宣告流失，移出流失客户名单）",
                    self.declared_lost, cx.rules.churn.declared_lost_after
                ),
            ],
        };
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        table::markdown(&mut out, &self.tables(cx));
        if self.by_staff.is_some() {
            // The windows of the rules in force (DOMAIN.md section 5: attribution and
            // revenue window), never their defaults.
            let churn = &cx.rules.churn;
            let attribution = days(u32::from(churn.attribution_days), lang);
            let window = days(u32::from(churn.revenue_window_days), lang);
            let _ = match lang {
                Lang::En => writeln!(
                    out,
                    "\nA recovered return is credited to whoever made the latest successful recovery call in the {attribution} before it; its repair revenue for the next {window} follows it. So the revenue credited to a member of staff follows the customers they won back earlier: this period's revenue may come from calls made months before."
                ),
                Lang::Zh => writeln!(
                    out,
                    "\n挽回客户计入回店前 {attribution}内最后一次成功挽回联络的人员；其后 {window}的维修产值随之计入。因此人员名下的挽回产值随其此前挽回的客户而来：本期产值可能来自数月前的挽回联络。"
                ),
            };
        } else {
            out.push('\n');
        }
        out.into_bytes()
    }

    /// `period,section,name,metric,value`, one row per figure, for the report and each of its
    /// months; its own form, not the tables people read (see [`LongCsv`]).
    fn csv(&self) -> Vec<u8> {
        let mut csv = LongCsv::new();
        let mut figures = vec![self];
        figures.extend(self.months.iter().flatten());
        for f in figures {
            let (_, label) = f.label();
            let mut push = |section: &str, name: &str, metric: &str, value: String| {
                csv.push(label, section, name, metric, value);
            };
            for (metric, value) in [
                ("lost_at_end", f.lost_at_end),
                ("newly_lost", f.newly_lost),
                ("recovery_attempts", f.recovery_attempts),
                ("customers_contacted", f.customers_contacted),
                ("recovered", f.recovered),
                ("returned_unprompted", f.returned_unprompted),
            ] {
                push("totals", "", metric, value.to_string());
            }
            push(
                "totals",
                "",
                "recovery_revenue",
                f.recovery_revenue.to_string(),
            );
            push("totals", "", "declared_lost", f.declared_lost.to_string());
            push(
                "totals",
                "",
                "service_revenue",
                f.service_revenue.to_string(),
            );
            push(
                "totals",
                "",
                "recovery_share",
                super::csv_number(f.recovery_share),
            );
            for y in f.years.iter().flatten() {
                let year = y.year.to_string();
                push(
                    "years",
                    &year,
                    "recovery_revenue",
                    y.recovery_revenue.to_string(),
                );
                push(
                    "years",
                    &year,
                    "service_revenue",
                    y.service_revenue.to_string(),
                );
                push(
                    "years",
                    &year,
                    "recovery_share",
                    super::csv_number(y.recovery_share),
                );
            }
            for r in &f.reasons {
                push("reasons", &r.reason, "episodes", r.episodes.to_string());
            }
            for l in f.by_staff.iter().flatten() {
                let [id, _, _] = staff_cells(l);
                push("by_staff", &id, "recovered", l.recovered.to_string());
                push(
                    "by_staff",
                    &id,
                    "recovery_revenue",
                    l.recovery_revenue.to_string(),
                );
            }
            for (d, n, fen) in f.by_department() {
                push("by_department", &d, "recovered", n.to_string());
                push("by_department", &d, "recovery_revenue", fen.to_string());
            }
        }
        csv.into_bytes()
    }
}
