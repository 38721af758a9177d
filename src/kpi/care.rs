//! The care report (关怀, DOMAIN.md section 14): the tier_care and insurance_renewal tasks
//! of a month and what became of them, in the shape of the visits report, by kind, by the
//! tier that decided a tier_care period, and by department.
//!
//! A month's tier_care tasks are counted from the cover (`fact_care_cover`: the customers
//! cared for in each period), their credits from the credited tasks; renewal tasks are
//! rows of their own. The kept facts are read when they follow the rules in force, else the
//! same facts are derived from scratch ([`crate::facts::care_in_memory`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rate;
use super::visits::{Counts, DepartmentLine, KindLine, TaskTotals};
use crate::derive::care::CareKind;
use crate::derive::tiers::Tier;
use crate::facts::{CareMemory, tier_code};
use crate::model::{Day, Period};
use crate::rules::Rules;
use crate::store::facts::{
    CARE_RENEWAL, CARE_TIER, CareTaskFact, TASK_ON_TIME, TASK_PERFORMED, TASK_SUCCESSFUL,
};
use crate::store::{Reader, StoreError};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CareReport {
    pub month: String,
    pub tasks: TaskTotals,
    pub by_kind: Vec<KindLine>,
    pub by_tier: Vec<TierLine>,
    pub by_department: Vec<DepartmentLine>,
    /// `care` and `insurance_renewal` attempts dated in the month credited to no task.
    pub unscheduled_attempts: u64,
    /// How far the store's data reaches against the month, with the care grace (Markdown
    /// only).
    #[serde(skip)]
    pub data_through: Option<super::visits::DataThrough>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierLine {
    pub tier: Tier,
    #[serde(flatten)]
    pub counts: Counts,
}

/// Where the care facts come from: the kept tables, or a derivation in memory.
trait CareSource {
    fn tasks(&self, first: Day, last: Day) -> Result<Vec<CareTaskFact>, StoreError>;
    /// The tier_care tasks of a tier in the period starting on `first`.
    fn cover_at(&self, tier: u8, first: Day) -> Result<u64, StoreError>;
    /// Unscheduled care attempts dated in `[from, to)` (timestamps).
    fn unscheduled(&self, from: i64, to: i64) -> Result<u64, StoreError>;
}

impl CareSource for Reader {
    fn tasks(&self, first: Day, last: Day) -> Result<Vec<CareTaskFact>, StoreError> {
        self.care_task_facts(first.0, last.0)
    }
    fn cover_at(&self, tier: u8, first: Day) -> Result<u64, StoreError> {
        self.care_cover_at(tier, first.0)
    }
    fn unscheduled(&self, from: i64, to: i64) -> Result<u64, StoreError> {
        self.count_care_unscheduled(from, to)
    }
}

impl CareSource for CareMemory {
    fn tasks(&self, first: Day, last: Day) -> Result<Vec<CareTaskFact>, StoreError> {
        Ok(self
            .tasks
            .range((first.0, String::new())..(last.0.saturating_add(1), String::new()))
            .map(|(_, t)| t.clone())
            .collect())
    }
    fn cover_at(&self, tier: u8, first: Day) -> Result<u64, StoreError> {
        let sum: i64 = self
            .cover
            .range((tier, i32::MIN)..=(tier, first.0))
            .map(|(_, n)| n)
            .sum();
        Ok(u64::try_from(sum).expect("runs end after they begin"))
    }
    fn unscheduled(&self, from: i64, to: i64) -> Result<u64, StoreError> {
        Ok(self
            .unscheduled
            .range((from, String::new())..(to, String::new()))
            .count() as u64)
    }
}

/// The care report of a month.
pub fn run(reader: &Reader, rules: &Rules, month: &Period) -> Result<CareReport, StoreError> {
    let report = if crate::facts::current(reader, rules)? {
        report(reader, rules, month)?
    } else {
        report(&crate::facts::care_in_memory(reader, rules)?, rules, month)?
    };
    stamped(reader, rules, month, report)
}

/// The report with how far the data reaches against its month (the care grace).
fn stamped(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    mut report: CareReport,
) -> Result<CareReport, StoreError> {
    report.data_through = reader
        .latest_time()?
        .map(|t| super::visits::DataThrough::new(t, month, rules.care.grace_seconds()));
    Ok(report)
}

/// The care report of a month derived from scratch, whatever facts the store keeps: for
/// comparing the two ways.
pub fn run_scratch(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
) -> Result<CareReport, StoreError> {
    let report = report(&crate::facts::care_in_memory(reader, rules)?, rules, month)?;
    stamped(reader, rules, month, report)
}

/// The care reports of several months from one snapshot, deriving at most once.
pub fn run_months(
    reader: &Reader,
    rules: &Rules,
    months: &[Period],
) -> Result<Vec<CareReport>, StoreError> {
    let memory = if crate::facts::current(reader, rules)? {
        None
    } else {
        Some(crate::facts::care_in_memory(reader, rules)?)
    };
    months
        .iter()
        .map(|m| {
            let report = match &memory {
                None => report(reader, rules, m)?,
                Some(memory) => report(memory, rules, m)?,
            };
            stamped(reader, rules, m, report)
        })
        .collect()
}

fn report(
    source: &impl CareSource,
    rules: &Rules,
    month: &Period,
) -> Result<CareReport, StoreError> {
    let mut by_tier: BTreeMap<Tier, Counts> = BTreeMap::new();
    // The tier_care tasks due: per tier, the periods of its cadence ending in the month.
    for tier in Tier::ALL {
        let Some(cadence) = rules.care.tier_care.cadence(tier) else {
            continue;
        };
        let mut period = Period::of(cadence, month.first);
        while period.last <= month.last {
            let due = source.cover_at(tier_code(tier), period.first)?;
            if due > 0 {
                by_tier.entry(tier).or_default().due += due;
            }
            period = period.next();
        }
    }
    let mut renewal = Counts::default();
    for t in source.tasks(month.first, month.last)? {
        let (p, s, o) = (
            t.flags & TASK_PERFORMED != 0,
            t.flags & TASK_SUCCESSFUL != 0,
            t.flags & TASK_ON_TIME != 0,
        );
        match t.kind {
            CARE_RENEWAL => renewal.add(p, s, o),
            CARE_TIER => {
                let tier = crate::facts::tier_of(t.tier)?;
                let line = by_tier.entry(tier).or_default();
                line.performed += u64::from(p);
                line.successful += u64::from(s);
                line.on_time += u64::from(o);
            }
            other => {
                return Err(StoreError::Damaged(crate::say!(
                    "fact_care_tasks names the care kind code {other}",
                    "fact_care_tasks 中出现关怀类型代码 {other}"
                )));
            }
        }
    }
    let mut tier_care = Counts::default();
    for counts in by_tier.values() {
        tier_care.merge(counts);
    }
    let mut total = Counts::default();
    let mut by_kind = Vec::new();
    let mut by_department: BTreeMap<String, Counts> = BTreeMap::new();
    for kind in CareKind::ALL {
        let counts = match kind {
            CareKind::InsuranceRenewal => renewal,
            CareKind::TierCare => tier_care,
        };
        if counts.due == 0 {
            continue;
        }
        total.merge(&counts);
        by_department
            .entry(kind.department(rules).to_owned())
            .or_default()
            .merge(&counts);
        by_kind.push(KindLine {
            kind: kind.as_str().to_owned(),
            counts,
        });
    }
    let (from, to) = (month.first.start().0, Day(month.last.0 + 1).start().0);
    Ok(CareReport {
        month: month.label.clone(),
        tasks: TaskTotals {
            counts: total,
            completion_rate: rate(total.performed, total.due),
            success_rate: rate(total.successful, total.due),
            on_time_rate: rate(total.on_time, total.due),
        },
        by_kind,
        by_tier: by_tier
            .into_iter()
            .filter(|(_, c)| c.due > 0)
            .map(|(tier, counts)| TierLine { tier, counts })
            .collect(),
        by_department: by_department
            .into_iter()
            .map(|(department, counts)| DepartmentLine { department, counts })
            .collect(),
        unscheduled_attempts: source.unscheduled(from, to)?,
        data_through: None,
    })
}
