//! About to lapse (issue 17): the customers not lost yet, ranked by the service revenue at
//! risk of the BG/NBD and Gamma-Gamma models fitted on the service visits, as of the month's
//! last day; what the model was fitted on, its parameters, its holdout check, and the
//! customers with the most at risk. No name or phone: the list is for the manager to read
//! (who calls whom is `careledger lapse`'s work list); customers are named by their id, and
//! by the staff member whose customer they are.

use super::{Figures, PackError, Section};
use crate::kpi::lapse::{HOLDOUT_MONTHS, HORIZON_DAYS, LapseReport};
use crate::lapse::LapseError;
use crate::report::html::money;
use crate::report::{Lang, Table, name, t};

/// The customers the page lists: the most revenue at risk.
const SHOWN: usize = 20;

// The texts call the horizon "the next 12 months", as the issue does (a number of days would
// read as a rule's window: the churn lapse is 365 days by default).
const _: () = assert!(HORIZON_DAYS == 365, "the texts say 12 months");

pub(super) fn section(f: &Figures) -> Result<Section, PackError> {
    let lang = f.cx.lang;
    let mut s = Section::new(f);
    s.h2(t(lang, "About to lapse", "即将流失客户"));
    match &f.lapse {
        Ok(r) => report(&mut s, f, r),
        Err(e) => s.p(&not_fitted(e, &f.month.last.to_string(), lang)),
    }
    Ok(s)
}

/// Why there is no list: the model could not be fitted to the store's service visits.
fn not_fitted(e: &LapseError, as_of: &str, lang: Lang) -> String {
    match (e, lang) {
        (LapseError::NoCustomers, Lang::En) => format!(
            "The lapse model could not be fitted as of {as_of}: it needs customers with a service visit, and some with a repeat visit, and this store has too few."
        ),
        (LapseError::NoCustomers, Lang::Zh) => format!(
            "截至 {as_of}，无法拟合流失模型：模型需要有维修到店记录的客户，且其中有再次到店的客户，本店的客户不足。"
        ),
        (e, Lang::En) => format!(
            "The lapse model could not be fitted to this store's service visits as of {as_of}: {e}."
        ),
        (_, Lang::Zh) => format!("截至 {as_of}，无法以本店的维修到店记录拟合流失模型。"),
    }
}

fn report(s: &mut Section, f: &Figures, r: &LapseReport) {
    let lang = f.cx.lang;
    s.p(&what_it_is(r, lang));
    s.p(&parameters(r, lang));
    s.p(&match lang {
        Lang::En => format!(
            "Expected service revenue of all fitted customers in the next 12 months: {} yuan; revenue at risk of the {} customers listed: {} yuan.",
            money(r.expected_revenue.0.into()),
            r.customers.len(),
            money(r.revenue_at_risk.0.into())
        ),
        Lang::Zh => format!(
            "全部拟合客户未来 12 个月的预计维修产值 {} 元；列出的 {} 位客户的风险维修产值合计 {} 元。",
            money(r.expected_revenue.0.into()),
            r.customers.len(),
            money(r.revenue_at_risk.0.into())
        ),
    });
    holdout(s, r, lang);
    customers(s, f, r);
}

/// What the list is, and what the model was fitted on.
fn what_it_is(r: &LapseReport, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Customers not lost yet as of {}, ranked by the service revenue at risk in the next 12 months: their expected service revenue × (1 − P(alive)), from the BG/NBD and Gamma-Gamma models fitted on the service visits. High for a valuable customer whose activity is in doubt, low both for a loyal regular and for one long gone: customers worth a call before they lapse. Fitted on the service visits of {} – {}: {} customers, {} with a repeat visit; {} listed (not lost, with consent to be contacted).",
            r.as_of,
            r.calibration_first,
            r.calibration_last,
            r.customers_fitted,
            r.repeat_customers,
            r.customers.len()
        ),
        Lang::Zh => format!(
            "截至 {} 尚未流失的客户，按未来 12 个月的风险维修产值排序：风险维修产值 = 预计维修产值 × (1 − 活跃概率)，由以维修到店记录拟合的 BG/NBD 与 Gamma-Gamma 模型算出。价值高而活跃存疑的客户风险最高；忠实的常客与早已不来的客户都低：名单上是值得在流失前联络的客户。拟合数据：{} 至 {} 的维修到店记录，客户 {} 位，其中再次到店 {} 位；列出 {} 位（尚未流失且同意联络）。",
            r.as_of,
            r.calibration_first,
            r.calibration_last,
            r.customers_fitted,
            r.repeat_customers,
            r.customers.len()
        ),
    }
}

/// The fitted parameters, as `careledger lapse` prints them.
fn parameters(r: &LapseReport, lang: Lang) -> String {
    let (b, g) = (&r.bgnbd, &r.gamma_gamma);
    match lang {
        Lang::En => format!(
            "Fitted parameters: BG/NBD (time in weeks) r = {}, α = {}, a = {}, b = {}; Gamma-Gamma (spend in yuan) p = {}, q = {}, γ = {}.",
            b.r, b.alpha, b.a, b.b, g.p, g.q, g.gamma
        ),
        Lang::Zh => format!(
            "拟合参数：BG/NBD（时间单位：周）r = {}，α = {}，a = {}，b = {}；Gamma-Gamma（金额单位：元）p = {}，q = {}，γ = {}。",
            b.r, b.alpha, b.a, b.b, g.p, g.q, g.gamma
        ),
    }
}

/// The holdout check: how to read it, and its table.
fn holdout(s: &mut Section, r: &LapseReport, lang: Lang) {
    s.h3(t(
        lang,
        "Does the model fit this store?",
        "模型是否适合本店？",
    ));
    let Some(h) = &r.holdout else {
        s.p(&match lang {
            Lang::En => format!(
                "No holdout check: the data start less than {HOLDOUT_MONTHS} months before {}.",
                r.as_of
            ),
            Lang::Zh => format!("无法做留出检验：数据不足 {HOLDOUT_MONTHS} 个月。"),
        });
        return;
    };
    s.p(&match lang {
        Lang::En => format!(
            "Holdout check: the model fitted again on the visits up to {} ({} customers) predicts the visits of the {HOLDOUT_MONTHS} months held out, to {}; the table sets them against the visits made, cumulative. The model fits this store when predicted / actual stays near 100 %.",
            h.calibration_end, h.customers, h.holdout_end
        ),
        Lang::Zh => format!(
            "留出检验：以 {} 及以前的到店记录重新拟合（客户 {} 位），预测留出的 {HOLDOUT_MONTHS} 个月（至 {}）的到店次数，与实际到店次数对比（累计）。预测/实际接近 100% 时，模型适合本店。",
            h.calibration_end, h.customers, h.holdout_end
        ),
    });
    s.table(&crate::report::lapse::holdout_table(r, lang));
}

/// The customers with the most revenue at risk: no name or phone.
fn customers(s: &mut Section, f: &Figures, r: &LapseReport) {
    let lang = f.cx.lang;
    let shown = r.customers.len().min(SHOWN);
    s.h3(&match lang {
        Lang::En => format!("The {shown} customers with the most revenue at risk"),
        Lang::Zh => format!("风险维修产值最高的 {shown} 位客户"),
    });
    if shown == 0 {
        s.p(t(
            lang,
            "No customer is listed: every fitted customer is lost, or has not consented to be contacted.",
            "没有列出的客户：拟合的客户均已流失，或未同意联络。",
        ));
        return;
    }
    let header = [
        t(lang, "customer", "客户编号"),
        t(lang, "tier", "客户级别"),
        t(lang, "owner", "负责人"),
        t(lang, "last visit", "最近到店"),
        t(lang, "visits", "到店次数"),
        t(lang, "P(alive)", "活跃概率"),
        t(lang, "expected visits", "预计到店次数"),
        t(lang, "expected revenue", "预计维修产值"),
        t(lang, "revenue at risk", "风险维修产值"),
    ];
    let rows = r.customers[..shown].iter().map(|c| {
        // The owner by staff id, with their name when the staff list has them.
        let owner = match f.staff.get(&c.owner) {
            Some((staff_name, _)) if !staff_name.is_empty() => {
                format!("{} {staff_name}", c.owner)
            }
            _ => c.owner.clone(),
        };
        vec![
            c.customer_id.clone(),
            name(c.tier.as_str(), lang),
            owner,
            c.last_visit.clone(),
            c.visits.to_string(),
            c.p_alive.clone(),
            c.expected_visits.clone(),
            c.expected_revenue.to_string(),
            c.revenue_at_risk.to_string(),
        ]
    });
    s.table(&Table::new("", &header, 4).rows(rows));
}
