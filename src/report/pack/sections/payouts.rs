//! Rewards and fines: the month's payouts per department (chart), per person and line by
//! line.

use std::collections::BTreeMap;

use super::{Figures, PackChart, PackError, Section};
use crate::chart;
use crate::model::Fen;
use crate::report::t;

pub(super) fn section(f: &Figures) -> Result<Section, PackError> {
    let (cx, lang) = (&f.cx, f.cx.lang);
    let mut s = Section::new(f);
    s.headed_chart(
        t(lang, "Rewards and fines", "奖罚"),
        departments_chart(f)?,
        t(lang, "Payouts per department", "各部门奖罚金额"),
    );
    s.table(&f.statement.people_table(cx));
    s.table(&f.statement.lines_table(cx));
    Ok(s)
}

/// The month's payouts summed per department.
fn departments_chart(f: &Figures) -> Result<PackChart, PackError> {
    let mut departments: BTreeMap<String, Fen> = BTreeMap::new();
    for line in &f.statement.lines {
        let d = departments
            .entry(line.department.clone())
            .or_insert(Fen::ZERO);
        *d = d.add_or(line.amount, || {
            crate::say!(
                "the payouts of {} in {}",
                "{} 在 {} 的奖罚",
                line.department,
                f.month.label
            )
        })?;
    }
    let departments: Vec<(String, i64)> =
        departments.into_iter().map(|(d, fen)| (d, fen.0)).collect();
    Ok(PackChart {
        stem: "payouts",
        chart: chart::payouts_by_department(&departments, f.cx.lang)?,
    })
}
