//! KPIs: the figures of DOMAIN.md sections 4–9, aggregated from derived facts and records
//! into report structures whose serialisation is the JSON of section 9.
//!
//! *Architecture invariant:* `kpi` never opens a file and never reads the clock; it reads a
//! store snapshot through `store::Reader` and returns plain data. Rates are computed from
//! integer counts only at the end.

use std::sync::OnceLock;

use chrono::Datelike as _;

use crate::derive::Activity;
use crate::derive::churn::{CustomerChurn, derive_churn};
use crate::derive::tasks::{CustomerTasks, derive_tasks};
use crate::model::{MoneyOverflow, Period, PeriodKind, Purpose, Timestamp};
use crate::rules::{Rules, TaskRule};
use crate::store::{Reader, StoreError};

pub mod actions;
pub mod care;
pub mod churn;
pub mod complaints;
pub mod lapse;
pub mod lost;
pub mod payouts;
pub mod tiers;
pub mod visits;
pub mod worklist;

// Counts are widened from `len()` and `count()` with `as u64` throughout the KPIs: exact on
// every target whose usize is at most 64 bits, which this assertion makes a build error
// elsewhere.
const _: () = assert!(usize::BITS <= u64::BITS);

/// Why a KPI could not be computed: the store failed, or a money figure summed beyond i64
/// fen (bad input: the message names the figure).
#[derive(Debug, thiserror::Error)]
pub enum KpiError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Overflow(#[from] MoneyOverflow),
}

/// `n / d` as a rate, `None` (JSON `null`) when the denominator is 0.
pub fn rate(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// The rule of a derived task's kind. Tasks are derived only for the task kinds (never for
/// `care`, the one purpose without a rule), so every task has one.
pub(crate) fn task_rule(rules: &Rules, kind: Purpose) -> &TaskRule {
    rules
        .visits
        .tasks
        .get(kind)
        .expect("tasks are derived only for task kinds")
}

/// What several reports of one snapshot share. When the snapshot's facts follow the rules
/// in force (`crate::facts::current`), every report reads its period's facts; otherwise the
/// activity is read once and the tasks and churn facts are derived from it on first use, so
/// a command that reports two months (a gate, the report pack) derives once.
pub struct Derived<'r> {
    pub reader: &'r Reader,
    pub rules: &'r Rules,
    /// `None` when the reports read the kept facts.
    activity: Option<Activity>,
    tasks: OnceLock<Vec<CustomerTasks>>,
    churn: OnceLock<Vec<CustomerChurn>>,
}

impl<'r> Derived<'r> {
    /// Reads the kept facts when they follow `rules`, else derives from scratch.
    pub fn load(reader: &'r Reader, rules: &'r Rules) -> Result<Derived<'r>, StoreError> {
        if crate::facts::current(reader, rules)? {
            Ok(Derived {
                reader,
                rules,
                activity: None,
                tasks: OnceLock::new(),
                churn: OnceLock::new(),
            })
        } else {
            Derived::scratch(reader, rules)
        }
    }

    /// Derives from scratch, whatever facts the store keeps: for comparing the two ways.
    pub fn scratch(reader: &'r Reader, rules: &'r Rules) -> Result<Derived<'r>, StoreError> {
        Ok(Derived {
            reader,
            rules,
            activity: Some(Activity::load(reader)?),
            tasks: OnceLock::new(),
            churn: OnceLock::new(),
        })
    }

    /// Whether the reports read the kept facts.
    pub fn reads_facts(&self) -> bool {
        self.activity.is_none()
    }

    /// Every customer's credited tasks, knowing everything in the snapshot (derived from
    /// scratch; `None` when the reports read the kept facts).
    pub fn tasks(&self) -> Option<&[CustomerTasks]> {
        let activity = self.activity.as_ref()?;
        Some(
            self.tasks
                .get_or_init(|| derive_tasks(activity, self.rules, Timestamp(i64::MAX))),
        )
    }

    fn churn(&self) -> Option<&[CustomerChurn]> {
        let activity = self.activity.as_ref()?;
        Some(
            self.churn
                .get_or_init(|| derive_churn(activity, self.rules)),
        )
    }

    /// The return-visit report of a month or week, with how far the data reaches and, for a
    /// month, the same month a year before.
    pub fn visits(&self, period: &Period) -> Result<visits::VisitsReport, StoreError> {
        // Every record is read before the tasks are derived (on first use), and the staff
        // once: the progress meter ends on the derivation, full.
        // From the kept facts, the surveys too: one range scan of `fact_surveys`.
        let facts = self.reads_facts();
        let records = visits::records_in(self.reader, period, facts)?;
        let before = match period.kind {
            PeriodKind::Month => {
                let d = period.first.to_naive();
                Period::month(d.year() - 1, d.month())
            }
            _ => None,
        };
        let last_year = match before {
            Some(before) => {
                let surveys = visits::surveys_of(self.reader, &before, facts)?;
                let staff = records.staff.clone();
                Some((before, visits::PeriodRecords { surveys, staff }))
            }
            None => None,
        };
        let latest = self.reader.latest_time()?;
        let mut report = self.visits_of(period, &records)?;
        if let Some((before, records)) = last_year {
            report.last_year = Some(self.visits_of(&before, &records)?.headline());
        }
        report.data_through =
            latest.map(|t| visits::DataThrough::new(t, period, self.rules.grace_seconds()));
        Ok(report)
    }

    /// The return-visit report of a period from its records, on its own.
    fn visits_of(
        &self,
        period: &Period,
        records: &visits::PeriodRecords,
    ) -> Result<visits::VisitsReport, StoreError> {
        match self.tasks() {
            Some(tasks) => Ok(visits::visits_report(tasks, records, self.rules, period)),
            None => visits::visits_report_from_facts(self.reader, records, self.rules, period),
        }
    }

    fn churn_figures(
        &self,
        period: &Period,
        staff: Option<&churn::StaffDirectory>,
    ) -> Result<churn::ChurnFigures, KpiError> {
        match self.churn() {
            Some(derived) => Ok(churn::churn_figures(derived, period, staff)?),
            None => churn::churn_figures_from_facts(self.reader, period, staff),
        }
    }

    /// The churn report of a month, or of a year with its twelve months; with `staff`, the
    /// credit per staff member.
    pub fn churn_report(
        &self,
        period: &Period,
        staff: Option<&churn::StaffDirectory>,
    ) -> Result<churn::ChurnFigures, KpiError> {
        let mut figures = self.churn_figures(period, staff)?;
        if period.kind == PeriodKind::Year {
            let year = period.first.year();
            figures.months = Some(
                (1..=12)
                    .map(|m| self.churn_figures(&Period::month(year, m).expect("a month"), staff))
                    .collect::<Result<_, _>>()?,
            );
        }
        // Recovery revenue in context: the period's service revenue, read by date range.
        churn::add_service_revenue(self.reader, &mut figures, self.reads_facts())?;
        figures.data_through = self
            .reader
            .latest_time()?
            .map(|t| visits::DataThrough::new(t, period, self.rules.grace_seconds()));
        Ok(figures)
    }
}
