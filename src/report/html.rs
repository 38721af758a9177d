//! The report pack's `index.html`: headline figures with the change against the previous
//! month, the charts (embedded as PNG, so the page stands alone when mailed or printed), the
//! tables, and links to every file. No external resource of any kind; one small inline
//! script counts the images that loaded, for the browser check (and to warn a reader).

use std::fmt::Write as _;

use base64::Engine as _;

use super::{Align, Lang, RenderContext, Table, percent, t, word};
use crate::kpi::actions::{ActionLine, ActionsReport};
use crate::kpi::care::CareReport;
use crate::kpi::churn::{ChurnFigures, ReasonLine};
use crate::kpi::complaints::ComplaintsReport;
use crate::kpi::payouts::Statement;
use crate::kpi::tiers::TiersMonthReport;
use crate::kpi::visits::VisitsReport;
use crate::model::{Fen, Period};

/// A chart of the pack and the stem of its files. Defined here, with the page that embeds
/// it, so that the page depends on no part of the pack's assembly (`pack` builds the page,
/// never the reverse).
pub struct PackChart {
    pub stem: &'static str,
    pub chart: crate::chart::Chart,
}

/// A rate as n of d (`None` when there was nothing to count), this month and the previous.
pub type RatePair = (Option<(u64, u64)>, Option<(u64, u64)>);

/// The headline figures: (this month, previous month).
pub struct Headline {
    pub completion: RatePair,
    pub success: RatePair,
    pub on_time: RatePair,
    pub satisfaction: RatePair,
    pub recovery_revenue: (Fen, Fen),
    pub lost_at_end: (u64, u64),
    pub payouts_total: (Fen, Fen),
    /// Complaints handled in time, when the pack has the complaints section.
    pub complaints_timely: Option<RatePair>,
}

/// The complaints and actions section of the page (DOMAIN.md sections 12–13).
pub struct ComplaintsSection {
    pub report: ComplaintsReport,
    /// This month's actions report.
    pub actions: ActionsReport,
    /// Last month's actions (raised or due in it), with their status as of the end of this
    /// month.
    pub actions_before: Vec<ActionLine>,
    /// The label of last month.
    pub previous_month: String,
}

pub struct Page<'a> {
    pub month: &'a Period,
    pub cx: RenderContext<'a>,
    pub headline: &'a Headline,
    pub visits: &'a VisitsReport,
    pub churn: &'a ChurnFigures,
    /// Recovery revenue and all service revenue of every year of data.
    pub churn_years: &'a [crate::kpi::churn::YearLine],
    /// Why customers left over the year up to the month, and that period's label.
    pub reasons: &'a [ReasonLine],
    pub reasons_period: &'a str,
    pub care: &'a CareReport,
    pub statement: &'a Statement,
    pub tiers: &'a TiersMonthReport,
    /// `None` when the caller passed no complaints: the page has no such section.
    pub complaints: Option<&'a ComplaintsSection>,
    pub charts: &'a [PackChart],
    /// The pack's other files, linked from the page; empty for a single-file page, which
    /// has no sibling files to link to.
    pub files: &'a [String],
    /// One self-contained file (`report all --single-file`): the charts stay embedded, and
    /// nothing links to a file beside the page, so it can be mailed as it is.
    pub single_file: bool,
}

/// Money as people read it: yuan with a comma every three digits and always both fen
/// digits, `191,370.50`. The same in Chinese: comma grouping by thousands with two decimals
/// is what Chinese finance statements and bank slips print (the 万 grouping is for words,
/// not for figures), so one form serves both languages. JSON and CSV keep the contract's
/// plain `191370.50`: this is for the page only.
pub fn money(fen: i128) -> String {
    group_decimal(&super::yuan_exact(fen))
}

/// A decimal figure with its integer digits grouped by thousands: `-191370.50` →
/// `-191,370.50`. Anything else (a percentage, a count, a word, a year) is returned as it is.
fn group_decimal(cell: &str) -> String {
    let (sign, rest) = match cell.strip_prefix(['-', '+', '−']) {
        Some(rest) => (&cell[..cell.len() - rest.len()], rest),
        None => ("", cell),
    };
    let Some((whole, fraction)) = rest.split_once('.') else {
        return cell.to_owned();
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return cell.to_owned();
    }
    format!("{sign}{}.{fraction}", crate::chart::group_thousands(whole))
}

pub fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A rate in tenths of a percent, rounded half up with integers (as `percent` shows it).
fn tenths(r: (u64, u64)) -> i64 {
    ((r.0 * 1000 + r.1 / 2) / r.1) as i64
}

fn signed_tenths(delta: i64, unit: &str) -> String {
    let sign = if delta > 0 {
        "+"
    } else if delta < 0 {
        "−"
    } else {
        "±"
    };
    format!("{sign}{}.{}{unit}", delta.abs() / 10, delta.abs() % 10)
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

struct Html {
    out: String,
    lang: Lang,
    single_file: bool,
}

impl Html {
    fn kpi(&mut self, label: &str, value: String, change: String) {
        let _ = writeln!(
            self.out,
            "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"change\">{}</div></div>",
            esc(label),
            esc(&value),
            esc(&change)
        );
    }

    fn rate_kpi(&mut self, label: &str, (now, before): RatePair) {
        self.rate_kpi_with(label, (now, before), None);
    }

    /// A rate's card; with `last_year`, the same month a year earlier after the change.
    fn rate_kpi_with(
        &mut self,
        label: &str,
        (now, before): RatePair,
        last_year: Option<(&str, Option<(u64, u64)>)>,
    ) {
        let vs = t(self.lang, "vs previous month", "较上月");
        let value = now.map_or_else(|| "–".to_owned(), |r| percent(r.0, r.1));
        let mut change = match (now, before) {
            (Some(n), Some(b)) => format!(
                "{vs} {}",
                signed_tenths(tenths(n) - tenths(b), t(self.lang, " pts", " 个百分点"))
            ),
            _ => format!("{vs} –"),
        };
        if let Some((month, rate)) = last_year {
            let then = rate.map_or_else(|| "–".to_owned(), |r| percent(r.0, r.1));
            let _ = match self.lang {
                Lang::En => write!(change, " · {month}: {then}"),
                Lang::Zh => write!(change, " · 去年同月 {then}"),
            };
        }
        self.kpi(label, value, change);
    }

    /// A table of a report, as the Markdown shows it but without its title and empty text:
    /// the page sets its own sections. Figures get the right-aligned class `n`.
    fn table(&mut self, table: &Table) {
        self.out.push_str("<table>\n<thead><tr>");
        for c in &table.columns {
            let _ = write!(self.out, "<th>{}</th>", esc(&c.heading));
        }
        self.out.push_str("</tr></thead>\n<tbody>\n");
        for row in &table.rows {
            self.out.push_str("<tr>");
            for (cell, column) in row.cells.iter().zip(&table.columns) {
                // The tables hold money as the Markdown shows it (`191370.50`); the page
                // groups the digits of every decimal figure. Only money has decimals and
                // reaches four digits (a mean score is below 10, rates end in `%`), so
                // grouping decimals touches money alone; counts and years stay as they are.
                let (class, text) = match column.align {
                    Align::Right => (" class=\"n\"", group_decimal(cell)),
                    Align::Left => ("", cell.clone()),
                };
                let _ = write!(self.out, "<td{class}>{}</td>", esc(&text));
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</tbody>\n</table>\n");
    }

    /// A table under its own title (`<h3>`), or its empty text when it has no row.
    fn titled_table(&mut self, table: &Table) {
        let _ = writeln!(self.out, "<h3>{}</h3>", esc(&table.title));
        match (&table.empty, table.rows.is_empty()) {
            (Some(empty), true) => {
                let _ = writeln!(self.out, "<p>{}</p>", esc(empty));
            }
            _ => self.table(table),
        }
    }

    /// A section's heading and its chart, in one block that printing does not split: a
    /// heading alone at the foot of a page, its chart on the next, is what `break-after:
    /// avoid` alone does not always prevent (Chromium honours it only between siblings).
    fn headed_chart(&mut self, heading: &str, charts: &[PackChart], stem: &str, alt: &str) {
        let _ = writeln!(self.out, "<div class=\"keep\"><h2>{}</h2>", esc(heading));
        self.chart(charts, stem, alt);
        self.out.push_str("</div>\n");
    }

    fn chart(&mut self, charts: &[PackChart], stem: &str, alt: &str) {
        let Some(c) = charts.iter().find(|c| c.stem == stem) else {
            return;
        };
        let data = base64::engine::general_purpose::STANDARD.encode(&c.chart.png);
        // A single file has no PNG and SVG beside it: the caption names the chart instead.
        let caption = if self.single_file {
            esc(alt)
        } else {
            format!("<a href=\"{stem}.png\">PNG</a> · <a href=\"{stem}.svg\">SVG</a>")
        };
        let _ = writeln!(
            self.out,
            "<figure><img src=\"data:image/png;base64,{data}\" alt=\"{}\" width=\"{}\" height=\"{}\"><figcaption>{caption}</figcaption></figure>",
            esc(alt),
            crate::chart::WIDTH,
            crate::chart::HEIGHT
        );
    }
}

/// The print rules: A4, headings `break-after: avoid`, cards, figures and table rows
/// `break-inside: avoid`. No `break-after` on a figure's caption: as the last child it
/// passes the avoid on to the section's `.keep` block, which Chromium then keeps with the
/// table after it and pushes to the next page whole (the first page printed half empty).
const STYLE: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;max-width:1060px;margin:24px auto;padding:0 16px;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:2px solid #333;padding-bottom:4px;margin-top:2em}
.sub{color:#555;margin-top:4px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:10px;margin:16px 0}
.kpi{border:1px solid #999;padding:10px 12px}.kpi .label{font-size:.85em;color:#444}.kpi .value{font-size:1.6em;font-weight:600}.kpi .change{font-size:.85em;color:#444}
table{border-collapse:collapse;margin:8px 0 16px;font-size:.9em}th,td{border:1px solid #bbb;padding:3px 8px}th{background:#eee;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:12px 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}figcaption{font-size:.8em;color:#555}
#missing{display:none;border:2px solid #b00;padding:8px;color:#b00}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}h1,h2,h3{break-after:avoid;page-break-after:avoid}.kpi,figure,tr,.keep{break-inside:avoid;page-break-inside:avoid}thead{display:table-header-group}figure img{max-height:120mm;width:auto}a{color:inherit;text-decoration:none}#missing{display:none!important}}";

/// Counts the images that loaded (for `.ci/browser-check`) and warns the reader when one
/// did not.
const SCRIPT: &str = "window.addEventListener('load',function(){var imgs=Array.prototype.slice.call(document.images);var bad=imgs.filter(function(i){return !(i.complete&&i.naturalWidth>0)});document.body.setAttribute('data-images-total',imgs.length);document.body.setAttribute('data-images-failed',bad.length);if(bad.length){var m=document.getElementById('missing');m.style.display='block';m.textContent+=' '+bad.length;}});";

/// The page.
pub fn index(p: &Page) -> String {
    let cx = &p.cx;
    let lang = cx.lang;
    let mut h = Html {
        out: String::new(),
        lang,
        single_file: p.single_file,
    };
    let title = match lang {
        Lang::En => format!("Customer care monthly report, {}", p.month.label),
        Lang::Zh => format!("客户关爱月度报告 {}", p.month.label),
    };
    let _ = write!(
        h.out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n",
        lang.html_tag(),
        esc(&title)
    );
    let _ = writeln!(h.out, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        h.out,
        "<p class=\"sub\">{} {} – {}</p>",
        t(lang, "Period", "期间"),
        p.month.first,
        p.month.last
    );
    // How far the data reaches: settled, still inside the grace, or beyond the data.
    if let Some(stamp) = super::visits::data_stamp(
        p.visits.data_through.as_ref(),
        p.cx.rules.visits.grace_hours,
        &p.cx,
    ) {
        let _ = writeln!(
            h.out,
            "<p class=\"sub\">{}</p>",
            esc(stamp.trim_matches('*'))
        );
    }
    let _ = writeln!(
        h.out,
        "<p id=\"missing\">{}</p>",
        t(lang, "Some charts failed to load:", "部分图表未能加载：")
    );

    let hl = p.headline;
    h.out.push_str("<section class=\"kpis\">\n");
    // The same month last year beside the visit rates (the 回访月报's comparison).
    let ly = p.visits.last_year.as_ref();
    let last = |f: &dyn Fn(&crate::kpi::visits::Headline) -> Option<(u64, u64)>| {
        ly.map(|l| (l.label.as_str(), f(l)))
    };
    let ratio = |n: u64, d: u64| (d > 0).then_some((n, d));
    h.rate_kpi_with(
        t(lang, "Return visits completed", "回访完成率"),
        hl.completion,
        last(&|l| ratio(l.tasks.performed, l.tasks.due)),
    );
    h.rate_kpi_with(
        t(lang, "Return visits successful", "回访成功率"),
        hl.success,
        last(&|l| ratio(l.tasks.successful, l.tasks.due)),
    );
    h.rate_kpi_with(
        t(lang, "First call on time", "回访及时率"),
        hl.on_time,
        last(&|l| ratio(l.tasks.on_time, l.tasks.due)),
    );
    h.rate_kpi_with(
        word(lang, "Satisfaction"),
        hl.satisfaction,
        last(&|l| ratio(l.surveys.satisfied, l.surveys.count)),
    );
    if let Some(timely) = hl.complaints_timely {
        h.rate_kpi(
            t(lang, "Complaints handled in time", "相关问题及时处理完成率"),
            timely,
        );
    }
    let vs = t(lang, "vs previous month", "较上月");
    h.kpi(
        t(lang, "Recovery revenue (yuan)", "挽回维修产值（元）"),
        money(i128::from(hl.recovery_revenue.0.0)),
        format!(
            "{vs} {}",
            signed_fen(hl.recovery_revenue.0, hl.recovery_revenue.1)
        ),
    );
    let lost_delta = hl.lost_at_end.0 as i64 - hl.lost_at_end.1 as i64;
    h.kpi(
        t(lang, "Customers lost at month end", "月末流失客户"),
        hl.lost_at_end.0.to_string(),
        format!(
            "{vs} {}{}",
            if lost_delta > 0 {
                "+"
            } else if lost_delta < 0 {
                "−"
            } else {
                "±"
            },
            lost_delta.abs()
        ),
    );
    h.kpi(
        t(lang, "Rewards and fines (yuan)", "奖罚合计（元）"),
        money(i128::from(hl.payouts_total.0.0)),
        format!(
            "{vs} {}",
            signed_fen(hl.payouts_total.0, hl.payouts_total.1)
        ),
    );
    h.out.push_str("</section>\n");

    // Return visits.
    let v = p.visits;
    h.headed_chart(
        t(lang, "Return visits (回访)", "回访"),
        p.charts,
        "rates",
        t(
            lang,
            "Completion, success and on-time rates, last 12 months",
            "近 12 个月回访完成率、成功率、及时率",
        ),
    );
    h.table(&v.kind_table(cx));
    h.table(&v.department_table(cx));
    // Who is behind the figures, and why calls failed (issue 13): each under its title.
    for table in [
        v.owner_table(cx),
        v.caller_table(cx),
        v.outcomes_table(cx),
        v.unsuccessful_table(cx),
    ] {
        h.titled_table(&table);
    }
    let _ = writeln!(
        h.out,
        "<p>{} {}</p>",
        t(
            lang,
            "Unscheduled attempts (calls made for no due task):",
            "计划外回访（没有对应任务的联络）："
        ),
        v.unscheduled_attempts
    );

    // Complaints and actions, beside the return visits.
    if let Some(section) = p.complaints {
        complaints_section(&mut h, p, section);
    }

    // Satisfaction.
    h.headed_chart(
        word(lang, "Satisfaction"),
        p.charts,
        "satisfaction",
        t(
            lang,
            "Satisfaction trend and mean score per question",
            "满意度趋势与各问题平均分",
        ),
    );
    // Satisfaction the way the 回访月报 shows it: per department (after-sales is 对上次维修的
    // 满意度), then per department its questions with mean and 满意率.
    h.titled_table(&v.satisfaction_table(cx));
    for d in &v.questions_by_department {
        h.titled_table(&super::visits::question_table(d, cx));
    }
    h.chart(
        p.charts,
        "issues",
        t(
            lang,
            "Most reported issues (Pareto)",
            "客户反映最多的问题（帕累托图）",
        ),
    );
    h.table(&v.issues_table(cx));

    // Churn and recovery.
    let c = p.churn;
    h.headed_chart(
        t(lang, "Lost customers and recovery revenue", "流失客户挽回"),
        p.charts,
        "recovery",
        t(
            lang,
            "Recovery revenue per month and per year",
            "每月及每年挽回维修产值",
        ),
    );
    let figures = vec![
        vec![
            t(lang, "lost at month end", "月末流失").to_owned(),
            c.lost_at_end.to_string(),
        ],
        vec![
            word(lang, "newly lost").to_owned(),
            c.newly_lost.to_string(),
        ],
        vec![
            word(lang, "recovery attempts").to_owned(),
            c.recovery_attempts.to_string(),
        ],
        vec![
            t(lang, "customers contacted", "联络客户").to_owned(),
            c.customers_contacted.to_string(),
        ],
        vec![word(lang, "recovered").to_owned(), c.recovered.to_string()],
        vec![
            t(lang, "returned unprompted", "自行回店").to_owned(),
            c.returned_unprompted.to_string(),
        ],
        vec![
            word(lang, "recovery revenue").to_owned(),
            money(i128::from(c.recovery_revenue.0)),
        ],
        vec![
            t(lang, "of all service revenue", "占维修产值").to_owned(),
            super::churn::fen_percent(c.recovery_revenue, c.service_revenue),
        ],
        vec![
            t(lang, "declared lost", "宣告流失").to_owned(),
            c.declared_lost.to_string(),
        ],
    ];
    h.table(&Table::new("", &["", ""], 1).rows(figures));
    // 客服部也能赚钱 (seed 003_*): the recovery revenue of every year against all service
    // revenue.
    h.titled_table(&super::churn::years_table(p.churn_years, cx));
    if let Some(staff) = c.staff_table(cx).filter(|t| !t.rows.is_empty()) {
        h.table(&staff);
    }
    h.chart(
        p.charts,
        "reasons",
        t(
            lang,
            "Why customers left, beside the published split",
            "客户流失原因（与资料统计对比）",
        ),
    );
    let _ = writeln!(
        h.out,
        "<p class=\"sub\">{} {}</p>",
        t(
            lang,
            "Reasons given on recovery calls,",
            "挽回联络记录的流失原因，"
        ),
        esc(p.reasons_period)
    );
    h.table(&super::churn::reasons_table(p.reasons, cx));

    // Care by tier and renewal reminders.
    let care = p.care;
    let _ = writeln!(
        h.out,
        "<h2>{}</h2>",
        t(
            lang,
            "Care by tier and renewal reminders",
            "分级关怀与续保提醒"
        )
    );
    let k = &care.tasks.counts;
    let care_figures = vec![
        vec![
            t(lang, "care tasks due", "应关怀").to_owned(),
            k.due.to_string(),
        ],
        vec![
            word(lang, "completion").to_owned(),
            percent(k.performed, k.due),
        ],
        vec![
            word(lang, "success").to_owned(),
            percent(k.successful, k.due),
        ],
        vec![
            t(lang, "unscheduled care contacts", "计划外关怀联络").to_owned(),
            care.unscheduled_attempts.to_string(),
        ],
    ];
    h.table(&Table::new("", &["", ""], 1).rows(care_figures));
    h.table(&care.kind_table(cx));
    h.table(&care.tier_table(cx));

    // Payouts.
    let s = p.statement;
    h.headed_chart(
        t(lang, "Rewards and fines", "奖罚"),
        p.charts,
        "payouts",
        t(lang, "Payouts per department", "各部门奖罚金额"),
    );
    h.table(&s.people_table(cx));
    h.table(&s.lines_table(cx));

    // Tiers.
    h.headed_chart(
        t(lang, "Customer tiers", "客户分级"),
        p.charts,
        "tiers",
        t(
            lang,
            "Customers per tier, last 12 months",
            "近 12 个月各级客户数",
        ),
    );
    h.chart(
        p.charts,
        "first-purchase",
        t(
            lang,
            "Customers by year of first purchase",
            "按首次购车年份的客户数",
        ),
    );
    h.table(&p.tiers.revenue_table(cx));

    // Files: a single file has none beside it to link to.
    if !p.single_file {
        let _ = writeln!(h.out, "<h2>{}</h2>\n<ul>", t(lang, "Files", "文件"));
        for f in p.files {
            let _ = writeln!(h.out, "<li><a href=\"{0}\">{0}</a></li>", esc(f));
        }
        h.out.push_str("</ul>\n");
    }
    let _ = writeln!(h.out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    h.out
}

/// The complaints section: the month's figures, the rates trend, the categories (Pareto and
/// table), the departments, this month's actions and last month's.
fn complaints_section(h: &mut Html, p: &Page, section: &ComplaintsSection) {
    let cx = &p.cx;
    let lang = cx.lang;
    let r = &section.report;
    h.headed_chart(
        t(lang, "Complaints (投诉)", "投诉"),
        p.charts,
        "complaints-rates",
        t(
            lang,
            "Complaints handled in time and escalated on time, last 12 months",
            "近 12 个月投诉及时处理率、及时递交率",
        ),
    );
    h.table(&r.figures_table(cx));
    h.chart(
        p.charts,
        "complaints-pareto",
        t(
            lang,
            "Complaints by category (Pareto)",
            "投诉类别（帕累托图）",
        ),
    );
    h.table(&r.category_table(cx));
    h.table(&r.department_table(cx));
    let a = &section.actions;
    let _ = writeln!(
        h.out,
        "<h2>{}</h2>",
        esc(t(
            lang,
            "Corrective and preventive actions",
            "整改措施和预防措施"
        ))
    );
    let counts = match lang {
        Lang::En => format!(
            "Raised {}; due {}, done on time {}; overdue at month end {} (raised in any month).",
            a.counts.raised, a.counts.due, a.counts.done_on_time, a.counts.overdue_at_end
        ),
        Lang::Zh => format!(
            "本月提出 {} 项；本月到期 {} 项，按时完成 {} 项；月末逾期 {} 项（含以前月份）。",
            a.counts.raised, a.counts.due, a.counts.done_on_time, a.counts.overdue_at_end
        ),
    };
    let _ = writeln!(h.out, "<p>{}</p>", esc(&counts));
    for (heading, lines) in [
        (
            match lang {
                Lang::En => "This month's actions (status at month end)".to_owned(),
                Lang::Zh => "本月措施（月末状态）".to_owned(),
            },
            &a.actions,
        ),
        (
            match lang {
                Lang::En => format!(
                    "Last month's actions ({}), status at the end of this month",
                    section.previous_month
                ),
                Lang::Zh => format!("上月措施（{}）本月末状态", section.previous_month),
            },
            &section.actions_before,
        ),
    ] {
        let _ = writeln!(h.out, "<h3>{}</h3>", esc(&heading));
        if lines.is_empty() {
            let _ = writeln!(h.out, "<p>{}</p>", esc(t(lang, "No actions.", "无措施。")));
        } else {
            h.table(&super::complaints::actions_table("", lines, cx));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{group_decimal, money};

    #[test]
    fn money_is_grouped_by_thousands_with_both_fen_digits() {
        assert_eq!(money(19_137_050), "191,370.50");
        assert_eq!(money(-19_137_050), "-191,370.50");
        assert_eq!(money(100_000), "1,000.00");
        assert_eq!(money(99_999), "999.99");
        assert_eq!(money(5), "0.05");
        assert_eq!(money(i128::from(i64::MIN)), "-92,233,720,368,547,758.08");
    }

    #[test]
    fn only_decimal_figures_are_grouped() {
        assert_eq!(group_decimal("191370.50"), "191,370.50");
        assert_eq!(group_decimal("−1150.00"), "−1,150.00");
        assert_eq!(group_decimal("4.62"), "4.62"); // a mean score
        assert_eq!(group_decimal("2024"), "2024"); // a year, a count
        assert_eq!(group_decimal("86.4%"), "86.4%");
        assert_eq!(group_decimal("18/19"), "18/19");
        assert_eq!(group_decimal("1.2.3"), "1.2.3");
        assert_eq!(group_decimal("."), ".");
    }
}
