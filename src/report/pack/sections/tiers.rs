//! Customer tiers: customers per tier over the trend months, customers by the year of their
//! first purchase, and the month's revenue per tier (the 80/20 check).

use std::collections::BTreeMap;

use super::{Figures, PackChart, PackError, Section};
use crate::chart;
use crate::kpi::tiers::TierCounts;
use crate::model::{Day, Kind, Record, Timestamp};
use crate::report::t;

pub(super) fn section(f: &Figures) -> Result<Section, PackError> {
    let lang = f.cx.lang;
    let mut s = Section::new(f);
    s.headed_chart(
        t(lang, "Customer tiers", "客户分级"),
        tiers_chart(f)?,
        t(
            lang,
            "Customers per tier, last 12 months",
            "近 12 个月各级客户数",
        ),
    );
    s.chart(
        first_purchase_chart(f)?,
        t(
            lang,
            "Customers by year of first purchase",
            "按首次购车年份的客户数",
        ),
    );
    s.table(&f.tiers.revenue_table(&f.cx));
    Ok(s)
}

/// Customers per tier at each trend month's evaluation date, counting only those who
/// exist by then (issue 13: the tiers report counts no customer created after it).
fn tiers_chart(f: &Figures) -> Result<PackChart, PackError> {
    let counts: Vec<TierCounts> = crate::kpi::tiers::counts_by_month(f.reader, f.rules, &f.months)?;
    debug_assert_eq!(f.tiers.tiers.counts, *counts.last().expect("twelve months"));
    let by_month: Vec<(String, [u64; 3])> = f
        .months
        .iter()
        .zip(&counts)
        .map(|(p, c)| (p.label.clone(), [c.super_vip, c.vip, c.general]))
        .collect();
    Ok(PackChart {
        stem: "tiers",
        chart: chart::tiers_over_time(&by_month, f.cx.lang)?,
    })
}

/// Customers by the year of their first purchase, up to the month.
fn first_purchase_chart(f: &Figures) -> Result<PackChart, PackError> {
    let mut first_sale: BTreeMap<String, Day> = BTreeMap::new();
    f.reader.for_each_in_period(
        Kind::Sale,
        Timestamp(i64::MIN),
        Day(f.month.last.0 + 1).start(),
        |r| {
            if let Record::Sale(s) = r {
                first_sale
                    .entry(s.customer_id.clone())
                    .or_insert(s.delivered_at.day());
            }
            Ok(())
        },
    )?;
    let mut by_year: BTreeMap<i32, u64> = BTreeMap::new();
    for first in first_sale.values() {
        *by_year.entry(first.year()).or_default() += 1;
    }
    let by_year: Vec<(i32, u64)> = by_year.into_iter().collect();
    Ok(PackChart {
        stem: "first-purchase",
        chart: chart::customers_by_first_purchase_year(&by_year, f.cx.lang)?,
    })
}
