//! Lost customers and recovery revenue: recovery revenue per month and per year, the
//! month's churn figures, every year's recovery revenue against all service revenue, the
//! staff credit, and why customers left over the year up to the month.

use std::collections::BTreeMap;

use super::{Figures, PackChart, PackError, Section};
use crate::chart;
use crate::kpi::KpiError;
use crate::kpi::churn::{ChurnFigures, ReasonLine};
use crate::model::{Kind, Period};
use crate::report::html::money;
use crate::report::{Lang, Table, t, word};

pub(super) fn section(f: &Figures) -> Result<Section, PackError> {
    let (cx, lang) = (&f.cx, f.cx.lang);
    let c = &f.churn;
    let mut s = Section::new(f);
    s.headed_chart(
        t(lang, "Lost customers and recovery revenue", "流失客户挽回"),
        recovery_chart(f)?,
        t(
            lang,
            "Recovery revenue per month and per year",
            "每月及每年挽回维修产值",
        ),
    );
    s.table(&figures_table(c, lang));
    // 客服部也能赚钱 (seed 003_*): the recovery revenue of every year against all service
    // revenue.
    let years = f.churn_year.years.as_deref().unwrap_or_default();
    s.titled_table(&crate::report::churn::years_table(years, cx));
    if let Some(staff) = c.staff_table(cx).filter(|t| !t.rows.is_empty()) {
        s.table(&staff);
    }
    reasons(&mut s, f)?;
    Ok(s)
}

/// Why customers left, over the year up to the month: the Pareto chart against the
/// published split, and the table.
fn reasons(s: &mut Section, f: &Figures) -> Result<(), PackError> {
    let (cx, lang) = (&f.cx, f.cx.lang);
    let reasons = reasons_ytd(f);
    let period = format!("{}-01 – {}", f.year.label, f.month.label);
    let pairs: Vec<(String, u64)> = reasons
        .iter()
        .map(|r| (r.reason.clone(), r.episodes))
        .collect();
    s.chart(
        PackChart {
            stem: "reasons",
            chart: chart::reasons_pareto(&pairs, &period, lang)?,
        },
        t(
            lang,
            "Why customers left, beside the published split",
            "客户流失原因（与资料统计对比）",
        ),
    );
    let given = t(
        lang,
        "Reasons given on recovery calls,",
        "挽回联络记录的流失原因，",
    );
    s.sub(&format!("{given} {period}"));
    s.table(&crate::report::churn::reasons_table(&reasons, cx));
    Ok(())
}

/// The month's churn figures, one per row.
fn figures_table(c: &ChurnFigures, lang: Lang) -> Table {
    let row = |label: &str, value: String| vec![label.to_owned(), value];
    let figures = vec![
        row(
            t(lang, "lost at month end", "月末流失"),
            c.lost_at_end.to_string(),
        ),
        row(word(lang, "newly lost"), c.newly_lost.to_string()),
        row(
            word(lang, "recovery attempts"),
            c.recovery_attempts.to_string(),
        ),
        row(
            t(lang, "customers contacted", "联络客户"),
            c.customers_contacted.to_string(),
        ),
        row(word(lang, "recovered"), c.recovered.to_string()),
        row(
            t(lang, "returned unprompted", "自行回店"),
            c.returned_unprompted.to_string(),
        ),
        row(
            word(lang, "recovery revenue"),
            money(i128::from(c.recovery_revenue.0)),
        ),
        row(
            t(lang, "of all service revenue", "占维修产值"),
            crate::report::churn::fen_percent(c.recovery_revenue, c.service_revenue),
        ),
        row(
            t(lang, "declared lost", "宣告流失"),
            c.declared_lost.to_string(),
        ),
    ];
    Table::new("", &["", ""], 1).rows(figures)
}

/// Recovery revenue per month of the year up to the month, and per year of data.
fn recovery_chart(f: &Figures) -> Result<PackChart, PackError> {
    let by_month: Vec<(String, i64)> = f
        .churn_year
        .months
        .iter()
        .flatten()
        .take_while(|m| m.month.as_deref() <= Some(f.month.label.as_str()))
        .map(|m| (m.month.clone().unwrap_or_default(), m.recovery_revenue.0))
        .collect();
    let by_year = recovery_by_year(f)?;
    Ok(PackChart {
        stem: "recovery",
        chart: chart::recovery_revenue(&by_month, &by_year, f.cx.lang)?,
    })
}

/// The recovery revenue of every year from the first year of any visit (a sale's delivery
/// or an order's opening) to the month's.
fn recovery_by_year(f: &Figures) -> Result<Vec<(i32, i64)>, PackError> {
    let this_year = f.month.first.year();
    let first_year = [Kind::Sale, Kind::ServiceOrder]
        .into_iter()
        .map(|kind| f.reader.earliest_time(kind))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .min()
        .map_or(this_year, |t| t.day().year());
    let by_year = (first_year..=this_year)
        .map(|y| {
            let year = Period::year(y).expect("a year");
            let figures = f.derived.churn_report(&year, None)?;
            Ok((y, figures.recovery_revenue.0))
        })
        .collect::<Result<_, KpiError>>()?;
    Ok(by_year)
}

/// Why customers left, over the year up to the month (the reasons Pareto chart).
fn reasons_ytd(f: &Figures) -> Vec<ReasonLine> {
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    for m in f
        .churn_year
        .months
        .iter()
        .flatten()
        .take_while(|m| m.month.as_deref() <= Some(f.month.label.as_str()))
    {
        for r in &m.reasons {
            *reasons.entry(r.reason.clone()).or_default() += r.episodes;
        }
    }
    crate::kpi::churn::reason_lines(reasons)
}
