//! The lapse report as people read it: what the model was fitted on, its parameters, and
//! the holdout check, in the reader's language (the list itself is a work list: the CLI
//! prints it as `tasks` and `lost` are printed).

use std::fmt::Write as _;

use super::table::Table;
use super::{Lang, t};
use crate::kpi::lapse::LapseReport;

/// The model's summary: calibration, parameters, what is at risk, and whether the model fits
/// (the holdout), one line each.
pub fn summary(r: &LapseReport, lang: Lang) -> String {
    let b = &r.bgnbd;
    let g = &r.gamma_gamma;
    let mut out = String::new();
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "about to lapse as of {}: {} customers not lost yet, ranked by service revenue at risk in the next {} days",
            r.as_of,
            r.customers.len(),
            r.horizon_days
        ),
        Lang::Zh => writeln!(
            out,
            "截至 {} 的流失预警：尚未流失的客户 {} 位，按未来 {} 天的风险维修产值排序",
            r.as_of,
            r.customers.len(),
            r.horizon_days
        ),
    };
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "fitted on the service visits of {} … {}: {} customers, {} with a repeat visit",
            r.calibration_first, r.calibration_last, r.customers_fitted, r.repeat_customers
        ),
        Lang::Zh => writeln!(
            out,
            "拟合数据：{} 至 {} 的维修到店记录，客户 {} 位，其中再次到店 {} 位",
            r.calibration_first, r.calibration_last, r.customers_fitted, r.repeat_customers
        ),
    };
    let _ = writeln!(
        out,
        "BG/NBD{} r = {}, alpha = {}, a = {}, b = {}, LL = {}; Gamma-Gamma{} p = {}, q = {}, gamma = {}",
        t(lang, " (time in weeks)", "（时间单位：周）"),
        b.r,
        b.alpha,
        b.a,
        b.b,
        b.log_likelihood,
        t(lang, " (spend in yuan)", "（金额单位：元）"),
        g.p,
        g.q,
        g.gamma
    );
    if b.at_bound {
        let _ = writeln!(
            out,
            "{}",
            t(
                lang,
                "(a parameter is at its bound: the data show no spread in how likely customers are to drop out, and the bounded value stands for that limit)",
                "（有参数到达上限：数据中各客户的流失概率几乎相同，取上限值代表这一极限）"
            )
        );
    }
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "expected service revenue of all fitted customers: {}; at risk, all customers on the list: {}",
            r.expected_revenue, r.revenue_at_risk
        ),
        Lang::Zh => writeln!(
            out,
            "全部拟合客户的预计维修产值 {} 元；名单上全部客户的风险维修产值合计 {} 元",
            r.expected_revenue, r.revenue_at_risk
        ),
    };
    match &r.holdout {
        None => {
            let _ = writeln!(
                out,
                "{}",
                t(
                    lang,
                    "holdout check: the data start less than 6 months before the date",
                    "留出检验：数据不足 6 个月，无法检验"
                )
            );
        }
        Some(h) => {
            let _ = match lang {
                Lang::En => writeln!(
                    out,
                    "holdout check: fitted on the visits up to {} ({} customers), the visits of the 6 months to {} predicted and made (cumulative):",
                    h.calibration_end, h.customers, h.holdout_end
                ),
                Lang::Zh => writeln!(
                    out,
                    "留出检验：以 {} 及以前的到店记录拟合（客户 {} 位），预测此后 6 个月至 {} 的到店次数并与实际对比（累计）：",
                    h.calibration_end, h.customers, h.holdout_end
                ),
            };
            let mut text = String::new();
            holdout_table(r, lang).markdown(&mut text);
            out.push_str(&text);
        }
    }
    out
}

/// The holdout check as a table: per month end, the visits made, predicted for the cohort
/// (the paper's Figures 2–3) and the sum of the customers' own expectations.
pub fn holdout_table(r: &LapseReport, lang: Lang) -> Table {
    let header = [
        t(lang, "through", "截至"),
        t(lang, "actual", "实际"),
        t(lang, "predicted (cohort)", "预测（整体）"),
        t(lang, "predicted (per customer)", "预测（逐客户）"),
        t(lang, "predicted / actual", "预测/实际"),
    ];
    let rows = r.holdout.iter().flat_map(|h| &h.months).map(|m| {
        vec![
            m.through.clone(),
            m.actual.to_string(),
            format!("{:.1}", m.predicted),
            format!("{:.1}", m.conditional),
            if m.actual == 0 {
                "–".to_owned()
            } else {
                format!("{:.1}%", 100.0 * m.predicted / m.actual as f64)
            },
        ]
    });
    Table::new("", &header, 1).rows(rows)
}
