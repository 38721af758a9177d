//! The churn and recovery report (流失客户挽回维修产值, DOMAIN.md sections 5 and 9): lost
//! customers, recovery calls, returns won back, and the repair revenue they brought, per
//! month or per year, optionally credited to the staff who made the winning calls.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::derive::churn::CustomerChurn;
use crate::model::{Day, Fen, Kind, MoneyOverflow, Period, PeriodKind, Record};
use crate::rules::Rules;
use crate::store::Reader;

use super::KpiError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChurnFigures {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<String>,
    /// Episodes lost on or before the period's last day and not returned by then.
    pub lost_at_end: u64,
    pub newly_lost: u64,
    pub recovery_attempts: u64,
    pub customers_contacted: u64,
    pub recovered: u64,
    pub returned_unprompted: u64,
    pub recovery_revenue: Fen,
    /// The revenue of every service order opened in the period (seed `003_*`: 客服部也能赚钱
    /// puts the recovery revenue beside it). A default when read from an older report.
    #[serde(default)]
    pub service_revenue: Fen,
    /// recovery_revenue / service_revenue, unrounded; `null` when there is no service
    /// revenue.
    #[serde(default)]
    pub recovery_share: Option<f64>,
    /// Episodes declared lost (最终宣告流失) on a date in the period (DOMAIN.md section 14).
    /// (A default when read: a report saved before revision 3, as a gate's baseline.)
    #[serde(default)]
    pub declared_lost: u64,
    /// Why customers left: episodes by their reason, counted in the period of the latest
    /// attempt giving it; count descending, then reason.
    #[serde(default)]
    pub reasons: Vec<ReasonLine>,
    /// How far the store's data reaches against the period (Markdown only).
    #[serde(skip)]
    pub data_through: Option<super::visits::DataThrough>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_staff: Option<Vec<StaffLine>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub months: Option<Vec<ChurnFigures>>,
    /// A year's report: one line per calendar year from the year of the earliest service
    /// order through the report's year (the seed's 2012–2015 table ends in the year it was
    /// written); empty when no order is dated by the year's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<Vec<YearLine>>,
}

/// One year of the multi-year table (流失客户挽回维修产值 per year, seed `003_*`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearLine {
    pub year: i32,
    pub recovery_revenue: Fen,
    pub service_revenue: Fen,
    pub recovery_share: Option<f64>,
}

/// `part / whole` unrounded; `None` when the whole is 0.
fn fen_share(part: Fen, whole: Fen) -> Option<f64> {
    (whole.0 != 0).then(|| part.0 as f64 / whole.0 as f64)
}

/// The revenue of the service orders opened on a date of `period`: the months' sums kept by
/// import when `kept` (the reports read the kept facts), else a by-time range scan of the
/// records, no derivation.
pub fn service_revenue(reader: &Reader, period: &Period, kept: bool) -> Result<Fen, KpiError> {
    if kept {
        let month = |day: Day| crate::facts::month_of(day.0);
        let sum = reader.service_revenue_in(month(period.first), month(period.last))?;
        return i64::try_from(sum).map(Fen).map_err(|_| {
            crate::model::MoneyOverflow {
                figure: crate::say!("the service revenue of {period}", "{period} 的维修产值"),
            }
            .into()
        });
    }
    let mut sum = Fen::ZERO;
    let mut overflow = None;
    reader.for_each_in_period(
        Kind::ServiceOrder,
        period.first.start(),
        Day(period.last.0 + 1).start(),
        |record| {
            if let Record::ServiceOrder(o) = record {
                match sum.add_or(o.revenue, || {
                    crate::say!("the service revenue of {period}", "{period} 的维修产值")
                }) {
                    Ok(s) => sum = s,
                    Err(e) => overflow = overflow.take().or(Some(e)),
                }
            }
            Ok(())
        },
    )?;
    match overflow {
        Some(e) => Err(e.into()),
        None => Ok(sum),
    }
}

/// Puts the period's service revenue and the recovery share into figures (and into each
/// month of a year's figures).
pub fn add_service_revenue(
    reader: &Reader,
    f: &mut ChurnFigures,
    kept: bool,
) -> Result<(), KpiError> {
    let period = match (&f.month, &f.year) {
        (Some(label), _) => Period::parse_month(label),
        (_, Some(label)) => Period::parse_year(label),
        _ => Err("no period".to_owned()),
    }
    .expect("churn figures name their month or year");
    f.service_revenue = service_revenue(reader, &period, kept)?;
    f.recovery_share = fen_share(f.recovery_revenue, f.service_revenue);
    for m in f.months.iter_mut().flatten() {
        add_service_revenue(reader, m, kept)?;
    }
    Ok(())
}

/// The multi-year table of a year's report: every year from that of the earliest service
/// order through `through`, with its recovery revenue, service revenue and share.
pub fn year_lines(derived: &super::Derived, through: i32) -> Result<Vec<YearLine>, KpiError> {
    // The by-time index's first entry: the earliest service order.
    let first_year = derived
        .reader
        .earliest_time(Kind::ServiceOrder)?
        .map(|t| t.day().year())
        .filter(|year| *year <= through);
    let Some(first_year) = first_year else {
        return Ok(Vec::new());
    };
    (first_year..=through)
        .map(|year| {
            let period = Period::year(year).expect("a year");
            let recovery_revenue = derived.churn_report(&period, None)?.recovery_revenue;
            let service_revenue = service_revenue(derived.reader, &period, derived.reads_facts())?;
            Ok(YearLine {
                year,
                recovery_revenue,
                service_revenue,
                recovery_share: fen_share(recovery_revenue, service_revenue),
            })
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonLine {
    pub reason: String,
    pub episodes: u64,
}

/// Reason counts as the report lists them: count descending, then reason.
pub fn reason_lines(counts: BTreeMap<String, u64>) -> Vec<ReasonLine> {
    let mut lines: Vec<ReasonLine> = counts
        .into_iter()
        .map(|(reason, episodes)| ReasonLine { reason, episodes })
        .collect();
    lines.sort_by(|a, b| {
        b.episodes
            .cmp(&a.episodes)
            .then_with(|| a.reason.cmp(&b.reason))
    });
    lines
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffLine {
    /// `None` for recovery calls recorded without a staff id.
    pub staff_id: Option<String>,
    pub name: Option<String>,
    pub department: Option<String>,
    pub recovered: u64,
    pub recovery_revenue: Fen,
}

/// Staff names and departments, for crediting lines.
pub type StaffDirectory = BTreeMap<String, (String, String)>;

pub fn staff_directory(reader: &Reader) -> Result<StaffDirectory, crate::store::StoreError> {
    Ok(reader
        .current_records(Kind::Staff)?
        .into_iter()
        .filter_map(Record::into_staff)
        .map(|s| (s.staff_id, (s.name, s.department)))
        .collect())
}

/// The figures of one period (a month, or a year: stocks at its end, flows over it, and
/// customers contacted counted once in the period). Revenue sums are checked: amounts of at
/// most 13 digits of yuan still overflow i64 fen past about 9 000 of them.
pub fn churn_figures(
    churn: &[CustomerChurn],
    period: &Period,
    staff: Option<&StaffDirectory>,
) -> Result<ChurnFigures, MoneyOverflow> {
    let mut f = empty_figures(period);
    let mut credited: BTreeMap<Option<&str>, (u64, Fen)> = BTreeMap::new();
    let mut contacted: BTreeSet<&str> = BTreeSet::new();
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    for c in churn {
        for e in &c.episodes {
            f.declared_lost += u64::from(e.declared_on.is_some_and(|d| period.contains(d)));
            if let Some((day, reason)) = &e.reason
                && period.contains(*day)
            {
                *reasons.entry(reason.clone()).or_default() += 1;
            }
            let ep = &e.episode;
            if ep.lost_on <= period.last && ep.returned_on.is_none_or(|r| r > period.last) {
                f.lost_at_end += 1;
            }
            f.newly_lost += u64::from(period.contains(ep.lost_on));
            if let Some(r) = ep.returned_on
                && period.contains(r)
            {
                match &e.recovered_by {
                    Some(call) => {
                        f.recovered += 1;
                        credited.entry(call.staff_id.as_deref()).or_default().0 += 1;
                    }
                    None => f.returned_unprompted += 1,
                }
            }
        }
        for order in c.revenue.iter().filter(|o| period.contains(o.opened_on)) {
            f.recovery_revenue = f.recovery_revenue.add_or(order.revenue, || {
                crate::say!(
                    "the recovery revenue of {period}",
                    "{period} 的挽回维修产值"
                )
            })?;
            let call = c.episodes[order.episode]
                .recovered_by
                .as_ref()
                .expect("revenue follows recovered returns");
            let line = credited.entry(call.staff_id.as_deref()).or_default();
            line.1 = line.1.add_or(order.revenue, || {
                crate::say!(
                    "the recovery revenue of {period} credited to one member of staff",
                    "{period} 计入某一位员工名下的挽回维修产值"
                )
            })?;
        }
        let calls = c
            .recovery_attempts
            .iter()
            .filter(|(d, _)| period.contains(*d))
            .count() as u64;
        f.recovery_attempts += calls;
        if calls > 0 {
            contacted.insert(&c.customer_id);
        }
    }
    f.customers_contacted = contacted.len() as u64;
    f.reasons = reason_lines(reasons);
    f.by_staff = staff.map(|directory| staff_lines(credited, directory));
    Ok(f)
}

/// The figures of one period from the kept facts (`crate::facts`): ranges of the period's
/// episodes, returns, recovery calls and revenue, and the lost stock summed up to its end.
pub fn churn_figures_from_facts(
    reader: &Reader,
    period: &Period,
    staff: Option<&StaffDirectory>,
) -> Result<ChurnFigures, KpiError> {
    let (first, last) = (period.first.0, period.last.0);
    let mut f = empty_figures(period);
    f.lost_at_end = reader.lost_stock_through(crate::facts::month_of(last))?;
    f.newly_lost = reader.count_lost(first, last)?;
    let mut credited: BTreeMap<Option<String>, (u64, Fen)> = BTreeMap::new();
    let mut returns = Vec::new();
    reader.for_each_return(first, last, |r| returns.push(r))?;
    for r in returns {
        if r.recovered {
            f.recovered += 1;
            credited.entry(r.staff_id).or_default().0 += 1;
        } else {
            f.returned_unprompted += 1;
        }
    }
    let mut orders = Vec::new();
    reader.for_each_revenue(first, last, |o| orders.push(o))?;
    for o in orders {
        let revenue = Fen(o.revenue);
        f.recovery_revenue = f.recovery_revenue.add_or(revenue, || {
            crate::say!(
                "the recovery revenue of {period}",
                "{period} 的挽回维修产值"
            )
        })?;
        let line = credited.entry(o.staff_id).or_default();
        line.1 = line.1.add_or(revenue, || {
            crate::say!(
                "the recovery revenue of {period} credited to one member of staff",
                "{period} 计入某一位员工名下的挽回维修产值"
            )
        })?;
    }
    let mut contacted: BTreeSet<String> = BTreeSet::new();
    reader.for_each_recovery_call(first, last, |customer| {
        f.recovery_attempts += 1;
        if !contacted.contains(customer) {
            contacted.insert(customer.to_owned());
        }
    })?;
    f.customers_contacted = contacted.len() as u64;
    f.declared_lost = reader.count_declared(first, last)?;
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    reader.for_each_reason(first, last, |reason| {
        *reasons.entry(reason.to_owned()).or_default() += 1;
    })?;
    f.reasons = reason_lines(reasons);
    f.by_staff = staff.map(|directory| {
        let credited = credited
            .iter()
            .map(|(id, line)| (id.as_deref(), *line))
            .collect();
        staff_lines(credited, directory)
    });
    Ok(f)
}

fn empty_figures(period: &Period) -> ChurnFigures {
    ChurnFigures {
        month: (period.kind == PeriodKind::Month).then(|| period.label.clone()),
        year: (period.kind == PeriodKind::Year).then(|| period.label.clone()),
        lost_at_end: 0,
        newly_lost: 0,
        recovery_attempts: 0,
        customers_contacted: 0,
        recovered: 0,
        returned_unprompted: 0,
        recovery_revenue: Fen::ZERO,
        service_revenue: Fen::ZERO,
        recovery_share: None,
        declared_lost: 0,
        reasons: Vec::new(),
        data_through: None,
        by_staff: None,
        months: None,
        years: None,
    }
}

/// The credit per staff member: named staff by id, calls without a staff id last.
fn staff_lines(
    credited: BTreeMap<Option<&str>, (u64, Fen)>,
    directory: &StaffDirectory,
) -> Vec<StaffLine> {
    let mut lines: Vec<StaffLine> = credited
        .into_iter()
        .map(|(id, (recovered, revenue))| {
            let known = id.and_then(|id| directory.get(id));
            StaffLine {
                staff_id: id.map(str::to_owned),
                name: known.map(|k| k.0.clone()),
                department: known.map(|k| k.1.clone()),
                recovered,
                recovery_revenue: revenue,
            }
        })
        .collect();
    lines.sort_by(|a, b| {
        (a.staff_id.is_none(), &a.staff_id).cmp(&(b.staff_id.is_none(), &b.staff_id))
    });
    lines
}

/// The churn report of a month, or of a year with its twelve months and the multi-year
/// table, each with its service revenue and recovery share.
pub fn run(
    reader: &Reader,
    rules: &Rules,
    period: &Period,
    by_staff: bool,
) -> Result<ChurnFigures, KpiError> {
    let directory = if by_staff {
        Some(staff_directory(reader)?)
    } else {
        None
    };
    let derived = super::Derived::load(reader, rules)?;
    let mut figures = derived.churn_report(period, directory.as_ref())?;
    if period.kind == PeriodKind::Year {
        figures.years = Some(year_lines(&derived, period.first.year())?);
    }
    Ok(figures)
}
