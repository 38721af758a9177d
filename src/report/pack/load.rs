//! The figures of the month that more than one part of the pack shows: the reports filed
//! beside the page, and the months the headline cards compare. Each is read once, here;
//! what only one section shows, that section reads itself from [`Figures::reader`] and
//! [`Figures::derived`].

use super::{ComplaintsData, PackError};
use crate::derive::complaints::clocks;
use crate::kpi::Derived;
use crate::kpi::actions::{ActionLine, ActionsReport, action_lines, actions_report};
use crate::kpi::care::CareReport;
use crate::kpi::churn::{ChurnFigures, StaffDirectory, staff_directory};
use crate::kpi::complaints::{ComplaintsReport, complaints_report};
use crate::kpi::lapse::{LapseFailure, LapseReport, lapse_report};
use crate::kpi::payouts::{self, Statement};
use crate::kpi::tiers::TiersMonthReport;
use crate::kpi::visits::VisitsReport;
use crate::lapse::LapseError;
use crate::model::Period;
use crate::report::{Lang, RenderContext};
use crate::rules::Rules;
use crate::store::Reader;

/// Months shown in the trend charts.
const TREND_MONTHS: usize = 12;

/// What every section may read: the month, the rules and language, the snapshot, and the
/// figures loaded once for the whole pack.
pub(super) struct Figures<'a> {
    pub reader: &'a Reader,
    pub rules: &'a Rules,
    pub cx: RenderContext<'a>,
    pub month: &'a Period,
    pub previous: Period,
    /// The year of the month.
    pub year: Period,
    /// The trend months: the [`TREND_MONTHS`] months ending with the month, oldest first.
    pub months: Vec<Period>,
    /// One self-contained page (`report all --single-file`): nothing beside it.
    pub single_file: bool,
    pub derived: Derived<'a>,
    /// The return visits of each trend month (the month last), and of the previous month.
    pub visits: Vec<VisitsReport>,
    pub visits_before: VisitsReport,
    /// Churn: the month (with staff credit), the previous month, and the year as
    /// `report churn --year` gives it, with the table of every year.
    pub churn: ChurnFigures,
    pub churn_before: ChurnFigures,
    pub churn_year: ChurnFigures,
    /// Care by tier and renewal reminders (DOMAIN.md section 14).
    pub care: CareReport,
    pub statement: Statement,
    pub statement_before: Statement,
    /// The month's tiers with the trailing year's revenue per tier (the 80/20 check).
    pub tiers: TiersMonthReport,
    /// `None` when the caller passed no complaints: the pack has no such section.
    pub complaints: Option<Complaints>,
    /// The staff by id: their names and departments (the churn staff credit, the owners of
    /// the customers about to lapse).
    pub staff: StaffDirectory,
    /// The lapse model as of the month's last day (issue 17), with no customer's name or
    /// phone: the section shows it and `lapse.json` files it. A model that cannot be fitted
    /// to the store (too few customers) is the reason, which the section says; the pack
    /// still builds.
    pub lapse: Result<LapseReport, LapseError>,
}

/// The complaints and actions the pack shows (DOMAIN.md sections 12–13).
pub(super) struct Complaints {
    /// The report of each trend month (the month last).
    pub trend: Vec<ComplaintsReport>,
    pub before: ComplaintsReport,
    /// This month's actions report.
    pub actions: ActionsReport,
    /// Last month's actions (raised or due in it), with their status as of the end of this
    /// month.
    pub actions_before: Vec<ActionLine>,
}

impl Complaints {
    /// The month's report.
    pub fn now(&self) -> &ComplaintsReport {
        self.trend.last().expect("twelve months")
    }
}

impl<'a> Figures<'a> {
    pub fn load(
        reader: &'a Reader,
        rules: &'a Rules,
        month: &'a Period,
        lang: Lang,
        complaints: Option<&ComplaintsData>,
        single_file: bool,
    ) -> Result<Figures<'a>, PackError> {
        let derived = Derived::load(reader, rules)?;
        let months = trailing_months(month, TREND_MONTHS);
        let previous = month.previous();
        let year = Period::year(month.first.year()).expect("a year");
        let visits = months
            .iter()
            .map(|p| derived.visits(p))
            .collect::<Result<Vec<_>, _>>()?;
        let visits_before = derived.visits(&previous)?;
        let staff = staff_directory(reader)?;
        let [churn, churn_before, churn_year] = load_churn(&derived, &staff, month, &year)?;
        Ok(Figures {
            reader,
            rules,
            cx: RenderContext::new(lang, rules),
            care: crate::kpi::care::run(reader, rules, month)?,
            statement: payouts::statement(reader, rules, month)?,
            statement_before: payouts::statement(reader, rules, &previous)?,
            tiers: crate::kpi::tiers::run(reader, rules, month, false)?,
            complaints: complaints.map(|data| load_complaints(data, rules, &months, month)),
            month,
            previous,
            year,
            months,
            single_file,
            derived,
            visits,
            visits_before,
            churn,
            churn_before,
            churn_year,
            staff,
            lapse: load_lapse(reader, rules, month)?,
        })
    }

    /// The month's return visits.
    pub fn visits_now(&self) -> &VisitsReport {
        self.visits.last().expect("twelve months")
    }
}

/// Churn: the month with staff credit, the previous month, and the year (with staff, and
/// with the table of every year, as `report churn --year` gives it).
fn load_churn(
    derived: &Derived,
    directory: &StaffDirectory,
    month: &Period,
    year: &Period,
) -> Result<[ChurnFigures; 3], PackError> {
    let now = derived.churn_report(month, Some(directory))?;
    let before = derived.churn_report(&month.previous(), None)?;
    let mut year_figures = derived.churn_report(year, Some(directory))?;
    year_figures.years = Some(crate::kpi::churn::year_lines(derived, year.first.year())?);
    Ok([now, before, year_figures])
}

/// The lapse model as of the end of the month's last day (whether or not the data reach it:
/// the page says how far they do), computed once for the pack. Names and phones are
/// emptied here, so that no part of the pack can show them: the pack is read and forwarded
/// beyond the people who call the customers (`careledger lapse` is their work list).
fn load_lapse(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
) -> Result<Result<LapseReport, LapseError>, PackError> {
    match lapse_report(reader, rules, month.last) {
        Ok(mut report) => {
            for c in &mut report.customers {
                c.name.clear();
                c.phone.clear();
            }
            Ok(Ok(report))
        }
        Err(LapseFailure::Model(e)) => Ok(Err(e)),
        Err(LapseFailure::Kpi(e)) => Err(e.into()),
    }
}

/// Complaints and actions: the trend months, this month's actions and last month's, the
/// latter with their status as of the end of this month.
fn load_complaints(
    data: &ComplaintsData,
    rules: &Rules,
    months: &[Period],
    month: &Period,
) -> Complaints {
    let clocks = clocks(data.complaints, data.calendar, &rules.complaints);
    let previous = month.previous();
    Complaints {
        trend: months
            .iter()
            .map(|p| complaints_report(&clocks, p))
            .collect(),
        before: complaints_report(&clocks, &previous),
        actions: actions_report(data.actions, month),
        actions_before: action_lines(data.actions, &previous, month.last),
    }
}

/// The `n` months ending with `month`, oldest first.
fn trailing_months(month: &Period, n: usize) -> Vec<Period> {
    let mut months = vec![month.clone()];
    while months.len() < n {
        let before = months.last().expect("one month").previous();
        months.push(before);
    }
    months.reverse();
    months
}
