//! The headline cards: the month's rates and figures, each with its change against the
//! previous month; the visit rates also with the same month a year earlier (the 回访月报's
//! comparison).

use std::fmt::Write as _;

use super::{Figures, PackError, Section};
use crate::kpi::visits::Headline;
use crate::model::Fen;
use crate::report::html::{Html, money};
use crate::report::{Lang, percent, t, word};

/// A rate as n of d (`None` when there was nothing to count), this month and the previous.
type RatePair = (Option<(u64, u64)>, Option<(u64, u64)>);

/// A visit rate from a month's headline figures.
type VisitRate = fn(&Headline) -> Option<(u64, u64)>;

pub(super) fn section(f: &Figures) -> Result<Section, PackError> {
    let lang = f.cx.lang;
    let mut s = Section::new(f);
    s.raw("<section class=\"kpis\">\n");
    visit_cards(&mut s, f);
    if let Some(c) = &f.complaints {
        let (now, before) = (&c.now().complaints, &c.before.complaints);
        let timely = (
            ratio(now.handled_in_time, now.raised),
            ratio(before.handled_in_time, before.raised),
        );
        let label = t(lang, "Complaints handled in time", "相关问题及时处理完成率");
        rate_card(&mut s, lang, label, timely, None);
    }
    figure_cards(&mut s, f);
    s.raw("</section>\n");
    Ok(s)
}

/// n of d, or `None` when there is nothing to count.
fn ratio(n: u64, d: u64) -> Option<(u64, u64)> {
    (d > 0).then_some((n, d))
}

/// The return-visit rates and satisfaction, beside the same month last year.
fn visit_cards(h: &mut Html, f: &Figures) {
    let lang = f.cx.lang;
    let (now, before) = (f.visits_now().headline(), f.visits_before.headline());
    let last_year = f.visits_now().last_year.as_ref();
    let cards: [(&str, VisitRate); 4] = [
        (t(lang, "Return visits completed", "回访完成率"), |h| {
            ratio(h.tasks.performed, h.tasks.due)
        }),
        (
            t(lang, "Return visits successful", "回访成功率"),
            |h| ratio(h.tasks.successful, h.tasks.due),
        ),
        (t(lang, "First call on time", "回访及时率"), |h| {
            ratio(h.tasks.on_time, h.tasks.due)
        }),
        (word(lang, "Satisfaction"), |h| {
            ratio(h.surveys.satisfied, h.surveys.count)
        }),
    ];
    for (label, rate) in cards {
        let then = last_year.map(|l| (l.label.as_str(), rate(l)));
        rate_card(h, lang, label, (rate(&now), rate(&before)), then);
    }
}

/// Recovery revenue, customers lost, rewards and fines.
fn figure_cards(h: &mut Html, f: &Figures) {
    let lang = f.cx.lang;
    let vs = t(lang, "vs previous month", "较上月");
    let (now, before) = (&f.churn, &f.churn_before);
    h.card(
        t(lang, "Recovery revenue (yuan)", "挽回维修产值（元）"),
        &money(i128::from(now.recovery_revenue.0)),
        &format!(
            "{vs} {}",
            signed_fen(now.recovery_revenue, before.recovery_revenue)
        ),
    );
    let lost_delta = now.lost_at_end as i64 - before.lost_at_end as i64;
    h.card(
        t(lang, "Customers lost at month end", "月末流失客户"),
        &now.lost_at_end.to_string(),
        &format!("{vs} {}{}", sign(lost_delta), lost_delta.abs()),
    );
    let (now, before) = (f.statement.total, f.statement_before.total);
    h.card(
        t(lang, "Rewards and fines (yuan)", "奖罚合计（元）"),
        &money(i128::from(now.0)),
        &format!("{vs} {}", signed_fen(now, before)),
    );
}

/// A rate's card; with `last_year`, the same month a year earlier after the change.
fn rate_card(
    h: &mut Html,
    lang: Lang,
    label: &str,
    (now, before): RatePair,
    last_year: Option<(&str, Option<(u64, u64)>)>,
) {
    let vs = t(lang, "vs previous month", "较上月");
    let value = now.map_or_else(|| "–".to_owned(), |r| percent(r.0, r.1));
    let mut change = match (now, before) {
        (Some(n), Some(b)) => format!(
            "{vs} {}",
            signed_tenths(tenths(n) - tenths(b), t(lang, " pts", " 个百分点"))
        ),
        _ => format!("{vs} –"),
    };
    if let Some((month, rate)) = last_year {
        let then = rate.map_or_else(|| "–".to_owned(), |r| percent(r.0, r.1));
        let _ = match lang {
            Lang::En => write!(change, " · {month}: {then}"),
            Lang::Zh => write!(change, " · 去年同月 {then}"),
        };
    }
    h.card(label, &value, &change);
}

/// A rate in tenths of a percent, rounded half up with integers (as `percent` shows it).
fn tenths(r: (u64, u64)) -> i64 {
    ((r.0 * 1000 + r.1 / 2) / r.1) as i64
}

/// The sign a change is shown with: `+`, `−` (the minus sign, not a hyphen), or `±` for none.
fn sign(delta: i64) -> &'static str {
    match delta {
        d if d > 0 => "+",
        d if d < 0 => "−",
        _ => "±",
    }
}

fn signed_tenths(delta: i64, unit: &str) -> String {
    let abs = delta.abs();
    format!("{}{}.{}{unit}", sign(delta), abs / 10, abs % 10)
}

/// The change from `before` to `now`, signed; exact in i128, where the difference of two
/// i64 amounts cannot overflow.
fn signed_fen(now: Fen, before: Fen) -> String {
    let delta = i128::from(now.0) - i128::from(before.0);
    match delta {
        d if d > 0 => format!("+{}", money(d)),
        0 => "±0.00".into(),
        d => format!("−{}", money(-d)),
    }
}
