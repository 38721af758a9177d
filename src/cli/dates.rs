//! The warning about dates that are likely typing mistakes (a year of 1925 for 2025): before
//! 1990, or more than a year after the rest of the import. Kept as a census of the import's
//! dates per day, filled as rows are read, so that an import read in chunks (`--chunk-rows`)
//! warns exactly as one read whole: its memory is a few numbers per distinct day.

use std::collections::BTreeMap;

use careledger::import::Rows;
use careledger::model::Day;

/// The earliest year a record may plausibly be dated in: dealership records before it are
/// typing mistakes (a year of 1925 for 2025).
const PLAUSIBLE_YEAR_MIN: i32 = 1990;

/// How many implausible dates a warning lists before it only counts them.
const IMPLAUSIBLE_SHOWN_MAX: usize = 5;

/// How far after the rest of the import (its 99th percentile day) a date is implausible.
const YEAR_DAYS: i32 = 366;

/// The dated rows of an import per day: how many, and the first few in file and line order.
#[derive(Debug, Default)]
pub struct DateCensus {
    days: BTreeMap<i32, (u64, Vec<(usize, u64)>)>,
}

impl DateCensus {
    /// Counts the dated rows of the `file`-th file.
    pub fn add(&mut self, file: usize, rows: &Rows) {
        for row in rows.iter() {
            if let Some(time) = row.time() {
                self.count(time.day().0, 1, &[(file, row.line)]);
            }
        }
    }

    /// Adds another census (of other rows) to this one.
    pub fn merge(&mut self, other: DateCensus) {
        for (day, (n, first)) in other.days {
            self.count(day, n, &first);
        }
    }

    fn count(&mut self, day: i32, n: u64, places: &[(usize, u64)]) {
        let (count, first) = self.days.entry(day).or_default();
        *count += n;
        for &place in places {
            // Kept sorted; a place after the last of a full list is not among the first.
            if first.len() == IMPLAUSIBLE_SHOWN_MAX {
                if first.last().is_some_and(|last| place >= *last) {
                    continue;
                }
                first.pop();
            }
            let at = first.partition_point(|p| *p < place);
            first.insert(at, place);
        }
    }

    /// The warning, if any row is dated before 1990 or more than a year after the day of the
    /// import's 99th percentile date; `names` are the files' names in the order given.
    pub fn warning(&self, names: &[String]) -> Option<String> {
        let total: u64 = self.days.values().map(|(n, _)| n).sum();
        let rank = total.checked_sub(1)? * 99 / 100;
        let mut seen = 0;
        let reference = self.days.iter().find_map(|(day, (n, _))| {
            seen += n;
            (seen > rank).then_some(*day)
        })?;
        let floor = Day::from_ymd(PLAUSIBLE_YEAR_MIN, 1, 1)
            .expect("a valid date")
            .0;
        let implausible = |day: i32| day < floor || day > reference.saturating_add(YEAR_DAYS);
        let mut count = 0u64;
        let mut found: Vec<(usize, u64, i32)> = Vec::new();
        for (day, (n, first)) in self.days.iter().filter(|(day, _)| implausible(**day)) {
            count += n;
            found.extend(first.iter().map(|(file, line)| (*file, *line, *day)));
        }
        if count == 0 {
            return None;
        }
        found.sort_unstable();
        found.truncate(IMPLAUSIBLE_SHOWN_MAX);
        let listed: Vec<String> = found
            .iter()
            .map(|(file, line, day)| format!("{}:{line} ({})", names[*file], Day(*day)))
            .collect();
        let (listed, more) = (listed.join(", "), count.saturating_sub(found.len() as u64));
        let more = if more > 0 {
            careledger::say!(" and {more} more", " 等，另有 {more} 条")
        } else {
            String::new()
        };
        let are = if count == 1 { " is" } else { "s are" };
        Some(careledger::say!(
            "{count} record{are} dated before {PLAUSIBLE_YEAR_MIN} or more than a year after the rest of the import, likely a mistyped year: {listed}{more}; imported as written — check them, and amend with --amend if wrong",
            "{count} 条记录的日期早于 {PLAUSIBLE_YEAR_MIN} 年，或比本次导入的其余日期晚一年以上，可能是年份输错：{listed}{more}；已按原样导入——请核对，如有错误用 --amend 修改"
        ))
    }
}
