//! Return visits (回访): the rates over the trend months, the month's tables by task kind and
//! department, who is behind the figures and why calls failed.

use super::{Figures, PackChart, PackError, Section};
use crate::chart::{self, RatesPoint};
use crate::report::t;

pub(super) fn section(f: &Figures) -> Result<Section, PackError> {
    let (cx, lang) = (&f.cx, f.cx.lang);
    let v = f.visits_now();
    let mut s = Section::new(f);
    s.headed_chart(
        t(lang, "Return visits (回访)", "回访"),
        rates_chart(f)?,
        t(
            lang,
            "Completion, success and on-time rates, last 12 months",
            "近 12 个月回访完成率、成功率、及时率",
        ),
    );
    s.table(&v.kind_table(cx));
    s.table(&v.department_table(cx));
    // Who is behind the figures, and why calls failed (issue 13): each under its title.
    for table in [
        v.owner_table(cx),
        v.caller_table(cx),
        v.outcomes_table(cx),
        v.unsuccessful_table(cx),
    ] {
        s.titled_table(&table);
    }
    let unscheduled = t(
        lang,
        "Unscheduled attempts (calls made for no due task):",
        "计划外回访（没有对应任务的联络）：",
    );
    s.p(&format!("{unscheduled} {}", v.unscheduled_attempts));
    Ok(s)
}

/// The completion, success and on-time rates of the trend months, with their target.
fn rates_chart(f: &Figures) -> Result<PackChart, PackError> {
    let points: Vec<RatesPoint> = f
        .visits
        .iter()
        .map(|v| RatesPoint {
            month: v.month.clone().unwrap_or_default(),
            completion: v.tasks.completion_rate,
            success: v.tasks.success_rate,
            on_time: v.tasks.on_time_rate,
        })
        .collect();
    // The target line of the rates chart. No rule sets a target for the return-visit rates
    // (gates files hold per-pipeline minimums, not part of the rules a pack is built with);
    // the one threshold the rules in force hold for a rate is the payout fine line (a
    // period's satisfaction below it earns a fine, 95 % by default), which is the bar the
    // department is held to, so the chart draws it as the target. Rates targets added to the
    // rules belong in this list.
    let rate_targets = [chart::RateTarget {
        label: chart::Ui::FineThreshold,
        percent: f.rules.payouts.fine_below_percent,
    }];
    Ok(PackChart {
        stem: "rates",
        chart: chart::rates_trend(&points, &rate_targets, f.cx.lang)?,
    })
}
