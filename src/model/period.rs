//! Reporting periods: calendar months, ISO weeks (Monday–Sunday, ISO week-numbering year) and
//! calendar years, each a closed range of dates.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};

use super::values::Day;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodKind {
    Week,
    Month,
    Year,
}

impl PeriodKind {
    /// The JSON key a report uses for its period (`"week"`, `"month"`, `"year"`).
    pub fn key(self) -> &'static str {
        match self {
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Year => "year",
        }
    }
}

/// A period: its label (`2024-W09`, `2024-03`, `2024`) and its first and last dates.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: Day,
    pub last: Day,
    pub label: String,
}

impl Period {
    pub fn month(year: i32, month: u32) -> Option<Period> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        Some(Period {
            kind: PeriodKind::Month,
            first: Day::from_naive(first),
            last: Day(Day::from_naive(next).0 - 1),
            label: format!("{year:04}-{month:02}"),
        })
    }

    pub fn iso_week(year: i32, week: u32) -> Option<Period> {
        let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)?;
        let first = Day::from_naive(monday);
        Some(Period {
            kind: PeriodKind::Week,
            first,
            last: Day(first.0 + 6),
            label: format!("{year:04}-W{week:02}"),
        })
    }

    pub fn year(year: i32) -> Option<Period> {
        Some(Period {
            kind: PeriodKind::Year,
            first: Day::from_naive(NaiveDate::from_ymd_opt(year, 1, 1)?),
            last: Day::from_naive(NaiveDate::from_ymd_opt(year, 12, 31)?),
            label: format!("{year:04}"),
        })
    }

    /// The month containing a date.
    pub fn month_of(day: Day) -> Period {
        let d = day.to_naive();
        Period::month(d.year(), d.month()).expect("a date's month exists")
    }

    /// The ISO week containing a date.
    pub fn week_of(day: Day) -> Period {
        let w = day.to_naive().iso_week();
        Period::iso_week(w.year(), w.week()).expect("a date's ISO week exists")
    }

    /// Parses `YYYY-MM`.
    pub fn parse_month(text: &str) -> Result<Period, String> {
        let bad = || format!("`{text}` is not a month; write YYYY-MM, e.g. 2024-03");
        let b = text.as_bytes();
        if b.len() != 7
            || b[4] != b'-'
            || !text[..4]
                .bytes()
                .chain(text[5..].bytes())
                .all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        Period::month(
            text[..4].parse().map_err(|_| bad())?,
            text[5..].parse().map_err(|_| bad())?,
        )
        .ok_or_else(bad)
    }

    /// Parses `YYYY-Www` (ISO week-numbering year).
    pub fn parse_week(text: &str) -> Result<Period, String> {
        let bad = || {
            format!(
                "`{text}` is not an ISO week; write YYYY-Www, e.g. 2024-W09 (weeks run Monday to Sunday)"
            )
        };
        let b = text.as_bytes();
        if b.len() != 8
            || &text[4..6] != "-W"
            || !text[..4]
                .bytes()
                .chain(text[6..].bytes())
                .all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        Period::iso_week(
            text[..4].parse().map_err(|_| bad())?,
            text[6..].parse().map_err(|_| bad())?,
        )
        .ok_or_else(bad)
    }

    pub fn contains(&self, day: Day) -> bool {
        self.first <= day && day <= self.last
    }

    /// The period of the same kind just before this one.
    pub fn previous(&self) -> Period {
        let before = Day(self.first.0 - 1);
        match self.kind {
            PeriodKind::Week => Period::week_of(before),
            PeriodKind::Month => Period::month_of(before),
            PeriodKind::Year => Period::year(before.year()).expect("a year exists"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    #[test]
    fn months_weeks_and_years_have_their_dates() {
        let feb = Period::parse_month("2024-02").unwrap();
        assert_eq!((feb.first, feb.last), (d("2024-02-01"), d("2024-02-29")));
        let dec = Period::parse_month("2024-12").unwrap();
        assert_eq!(dec.last, d("2024-12-31"));
        let w = Period::parse_week("2024-W09").unwrap();
        assert_eq!((w.first, w.last), (d("2024-02-26"), d("2024-03-03")));
        // The ISO week-numbering year: 2024-12-30 .. 2025-01-05 is 2025-W01.
        let w = Period::week_of(d("2024-12-30"));
        assert_eq!((w.label.as_str(), w.last), ("2025-W01", d("2025-01-05")));
        assert_eq!(Period::year(2024).unwrap().last, d("2024-12-31"));
        assert_eq!(
            Period::parse_month("2024-01").unwrap().previous().label,
            "2023-12"
        );
        assert_eq!(
            Period::parse_week("2025-W01").unwrap().previous().label,
            "2024-W52"
        );
    }

    #[test]
    fn bad_labels_are_refused() {
        for bad in ["2024-3", "2024-13", "24-03", "2024/03"] {
            assert!(Period::parse_month(bad).is_err(), "{bad}");
        }
        for bad in ["2024-W9", "2024-W54", "2024W09", "2021-W53x"] {
            assert!(Period::parse_week(bad).is_err(), "{bad}");
        }
        assert!(Period::parse_week("2020-W53").is_ok());
        assert!(Period::parse_week("2021-W53").is_err());
    }
}
