//! Complaints (投诉) and corrective and preventive actions (DOMAIN.md sections 12–13): the
//! month's figures, the rates over the trend months, the categories (Pareto and table), the
//! departments, this month's actions and last month's. Empty when the pack was built
//! without complaints.

use super::{Figures, PackChart, PackError, Section};
use crate::chart::{self, ComplaintRatesPoint};
use crate::kpi::actions::ActionLine;
use crate::report::html::Html;
use crate::report::pack::load::Complaints;
use crate::report::{Lang, t};

pub(super) fn section(f: &Figures) -> Result<Section, PackError> {
    let mut s = Section::new(f);
    let Some(c) = &f.complaints else {
        return Ok(s);
    };
    let (cx, lang) = (&f.cx, f.cx.lang);
    let (rates, pareto) = charts(c, lang)?;
    let r = c.now();
    s.headed_chart(
        t(lang, "Complaints (投诉)", "投诉"),
        rates,
        t(
            lang,
            "Complaints handled in time and escalated on time, last 12 months",
            "近 12 个月投诉及时处理率、及时递交率",
        ),
    );
    s.table(&r.figures_table(cx));
    s.chart(
        pareto,
        t(
            lang,
            "Complaints by category (Pareto)",
            "投诉类别（帕累托图）",
        ),
    );
    s.table(&r.category_table(cx));
    s.table(&r.department_table(cx));
    actions(&mut s, f, c);
    Ok(s)
}

/// The rates over the trend months, and the month's categories as a Pareto chart.
fn charts(c: &Complaints, lang: Lang) -> Result<(PackChart, PackChart), PackError> {
    let points: Vec<ComplaintRatesPoint> = c
        .trend
        .iter()
        .map(|r| ComplaintRatesPoint {
            month: r.month.clone(),
            timely: r.complaints.timely_rate,
            escalation: r.complaints.escalation_rate,
        })
        .collect();
    let categories: Vec<(String, u64)> = c
        .now()
        .by_category
        .iter()
        .map(|l| (l.category.clone(), l.counts.raised))
        .collect();
    Ok((
        PackChart {
            stem: "complaints-rates",
            chart: chart::complaint_rates_trend(&points, &[], lang)?,
        },
        PackChart {
            stem: "complaints-pareto",
            chart: chart::complaints_pareto(&categories, lang)?,
        },
    ))
}

/// The actions: the month's counts, then this month's actions and last month's, each with
/// its status at the end of this month.
fn actions(h: &mut Html, f: &Figures, c: &Complaints) {
    let lang = f.cx.lang;
    let k = &c.actions.counts;
    h.h2(t(
        lang,
        "Corrective and preventive actions",
        "整改措施和预防措施",
    ));
    let counts = match lang {
        Lang::En => format!(
            "Raised {}; due {}, done on time {}; overdue at month end {} (raised in any month).",
            k.raised, k.due, k.done_on_time, k.overdue_at_end
        ),
        Lang::Zh => format!(
            "本月提出 {} 项；本月到期 {} 项，按时完成 {} 项；月末逾期 {} 项（含以前月份）。",
            k.raised, k.due, k.done_on_time, k.overdue_at_end
        ),
    };
    h.p(&counts);
    let previous = &f.previous.label;
    let this_month = match lang {
        Lang::En => "This month's actions (status at month end)".to_owned(),
        Lang::Zh => "本月措施（月末状态）".to_owned(),
    };
    let last_month = match lang {
        Lang::En => format!("Last month's actions ({previous}), status at the end of this month"),
        Lang::Zh => format!("上月措施（{previous}）本月末状态"),
    };
    action_table(h, f, &this_month, &c.actions.actions);
    action_table(h, f, &last_month, &c.actions_before);
}

/// Actions under their heading, or the words that there are none.
fn action_table(h: &mut Html, f: &Figures, heading: &str, lines: &[ActionLine]) {
    let lang = f.cx.lang;
    h.h3(heading);
    if lines.is_empty() {
        h.p(t(lang, "No actions.", "无措施。"));
    } else {
        h.table(&crate::report::complaints::actions_table("", lines, &f.cx));
    }
}
