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

    /// The first day of the period of this kind after the one that starts on `first`,
    /// without building either period (no label): what a walk over many periods needs.
    pub fn next_start(self, first: Day) -> Day {
        match self {
            // ISO weeks are seven days, one after another.
            PeriodKind::Week => Day(first.0 + 7),
            PeriodKind::Month | PeriodKind::Year => {
                let d = first.to_naive();
                let (year, month) = match self {
                    PeriodKind::Month if d.month() < 12 => (d.year(), d.month() + 1),
                    PeriodKind::Month => (d.year() + 1, 1),
                    _ => (d.year() + 1, 1),
                };
                Day::from_naive(
                    NaiveDate::from_ymd_opt(year, month, 1).expect("the first of a month exists"),
                )
            }
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

    /// Parses a month label `YYYY-MM`, any four-digit year: the labels stored in closed
    /// statements, which are a compatibility promise. Text a person typed goes through
    /// [`Period::parse_month_arg`], which also bounds the year.
    pub fn parse_month(text: &str) -> Result<Period, String> {
        let bad = || {
            crate::say!(
                "`{text}` is not a month; write YYYY-MM, e.g. 2024-03",
                "`{text}` 不是月份；请写成 YYYY-MM，例如 2024-03"
            )
        };
        // Checked as bytes, so no slice below can cut a multi-byte character.
        match text.as_bytes() {
            [y0, y1, y2, y3, b'-', m0, m1] => {
                let year = four_digits([*y0, *y1, *y2, *y3]).ok_or_else(bad)?;
                let month = two_digits([*m0, *m1]).ok_or_else(bad)?;
                Period::month(year, month).ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }

    /// Parses an ISO week label `YYYY-Www` (ISO week-numbering year), any four-digit year.
    pub fn parse_week(text: &str) -> Result<Period, String> {
        let bad = || {
            crate::say!(
                "`{text}` is not an ISO week; write YYYY-Www, e.g. 2024-W09 (weeks run Monday to Sunday)",
                "`{text}` 不是 ISO 周；请写成 YYYY-Www，例如 2024-W09（每周从周一到周日）"
            )
        };
        match text.as_bytes() {
            [y0, y1, y2, y3, b'-', b'W', w0, w1] => {
                let year = four_digits([*y0, *y1, *y2, *y3]).ok_or_else(bad)?;
                let week = two_digits([*w0, *w1]).ok_or_else(bad)?;
                Period::iso_week(year, week).ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }

    /// Parses a year label `YYYY`, any four-digit year.
    pub fn parse_year(text: &str) -> Result<Period, String> {
        let bad = || {
            crate::say!(
                "`{text}` is not a year; write YYYY, e.g. 2024",
                "`{text}` 不是年份；请写成 YYYY，例如 2024"
            )
        };
        match text.as_bytes() {
            [y0, y1, y2, y3] => {
                let year = four_digits([*y0, *y1, *y2, *y3]).ok_or_else(bad)?;
                Period::year(year).ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }

    /// `--month YYYY-MM` as a person typed it: a month label whose year is a reporting year.
    pub fn parse_month_arg(text: &str) -> Result<Period, String> {
        Period::parse_month(text).and_then(in_reporting_years)
    }

    /// `--week YYYY-Www` as a person typed it.
    pub fn parse_week_arg(text: &str) -> Result<Period, String> {
        Period::parse_week(text).and_then(in_reporting_years)
    }

    /// `--year YYYY` as a person typed it.
    pub fn parse_year_arg(text: &str) -> Result<Period, String> {
        Period::parse_year(text).and_then(in_reporting_years)
    }

    /// A period label of any kind as a person typed it: `2024-W09`, `2024-03` or `2024`.
    pub fn parse_any_arg(text: &str) -> Result<Period, String> {
        if text.contains('W') {
            Period::parse_week_arg(text)
        } else if text.len() == 4 {
            Period::parse_year_arg(text)
        } else {
            Period::parse_month_arg(text)
        }
    }

    pub fn contains(&self, day: Day) -> bool {
        self.first <= day && day <= self.last
    }

    /// The period of a kind containing a date.
    pub fn of(kind: PeriodKind, day: Day) -> Period {
        match kind {
            PeriodKind::Week => Period::week_of(day),
            PeriodKind::Month => Period::month_of(day),
            PeriodKind::Year => Period::year(day.year()).expect("a date's year exists"),
        }
    }

    /// The period of the same kind just after this one.
    pub fn next(&self) -> Period {
        Period::of(self.kind, Day(self.last.0 + 1))
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

/// The first and last years a command-line period may name. The records of a dealership
/// start long after 1990, and a bound far from chrono's calendar limits means that every
/// period a report derives from the one given (the month before, the twelve trailing
/// months, the year, the week reaching into the previous month) is an ordinary date: no
/// arithmetic near a limit, no four-digit label turning into five.
pub const REPORTING_YEAR_MIN: i32 = 1990;
pub const REPORTING_YEAR_MAX: i32 = 2200;

fn in_reporting_years(period: Period) -> Result<Period, String> {
    // A week's label names its ISO year, which is the year of its Thursday.
    let year = Day(period.first.0 + 3).year();
    if (REPORTING_YEAR_MIN..=REPORTING_YEAR_MAX).contains(&year) {
        Ok(period)
    } else {
        Err(crate::say!(
            "{} is outside the years careledger reports on; name a period from {REPORTING_YEAR_MIN} to {REPORTING_YEAR_MAX}",
            "{} 超出了 careledger 报告的年份范围；请指定 {REPORTING_YEAR_MIN} 年到 {REPORTING_YEAR_MAX} 年之间的期间",
            period.label
        ))
    }
}

fn four_digits(b: [u8; 4]) -> Option<i32> {
    b.iter().try_fold(0i32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0'))
    })
}

fn two_digits(b: [u8; 2]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
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
    fn the_next_start_is_the_first_day_of_the_next_period() {
        // 2024-12-30 is the Monday of ISO week 2025-W01.
        assert_eq!(
            PeriodKind::Week.next_start(d("2024-12-30")),
            d("2025-01-06")
        );
        assert_eq!(
            PeriodKind::Month.next_start(d("2024-01-01")),
            d("2024-02-01")
        );
        assert_eq!(
            PeriodKind::Month.next_start(d("2024-12-01")),
            d("2025-01-01")
        );
        assert_eq!(
            PeriodKind::Year.next_start(d("2024-01-01")),
            d("2025-01-01")
        );
        // The same as building the period after, over three years of days.
        for n in 0..1100 {
            let day = Day(d("2023-01-01").0 + n);
            for kind in [PeriodKind::Week, PeriodKind::Month, PeriodKind::Year] {
                let period = Period::of(kind, day);
                assert_eq!(kind.next_start(period.first), period.next().first, "{day}");
            }
        }
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

    #[test]
    fn command_line_periods_stay_in_the_reporting_years() {
        assert_eq!(Period::parse_month_arg("1990-01").unwrap().label, "1990-01");
        assert_eq!(
            Period::parse_month_arg("2200-12").unwrap().last,
            d("2200-12-31")
        );
        assert_eq!(
            Period::parse_year_arg("2200").unwrap().first,
            d("2200-01-01")
        );
        // 1990-W01 starts on Monday 1 January 1990; its Thursday is in 1990.
        assert_eq!(
            Period::parse_week_arg("1990-W01").unwrap().first,
            d("1990-01-01")
        );
        assert_eq!(
            Period::parse_month_arg("9999-12").unwrap_err(),
            "9999-12 is outside the years careledger reports on; name a period from 1990 to 2200"
        );
        for bad in ["0000-01", "1989-12", "2201-01"] {
            assert!(Period::parse_month_arg(bad).is_err(), "{bad}");
            // The label itself is well formed: a stored label of any year still reads.
            assert!(Period::parse_month(bad).is_ok(), "{bad}");
        }
        assert!(Period::parse_year_arg("1989").is_err());
        assert!(Period::parse_week_arg("2201-W01").is_err());
        assert!(Period::parse_week_arg("1989-W52").is_err());
        assert_eq!(Period::parse_any_arg("2024-W09").unwrap().label, "2024-W09");
        assert_eq!(Period::parse_any_arg("2024-03").unwrap().label, "2024-03");
        assert_eq!(Period::parse_any_arg("2024").unwrap().label, "2024");
        assert!(Period::parse_any_arg("0000").is_err());
    }

    /// Regression: `--week 2024-é0` sliced the text at byte 6, inside `é`, and panicked.
    #[test]
    fn non_ascii_text_is_refused_not_sliced() {
        assert!(Period::parse_week("2024-é0").is_err());
        assert!(Period::parse_week("2024-Wé").is_err());
        assert!(Period::parse_month("2024é3").is_err());
        assert!(Period::parse_month("é024-03").is_err());
        assert!(Period::parse_year("20é").is_err());
    }

    proptest::proptest! {
        /// Every parser of text a person types returns, whatever the text.
        #[test]
        fn period_parsers_never_panic(
            any in ".{0,12}",
            near in "[0-9éW一+-]{0,9}",
        ) {
            for text in [any.as_str(), near.as_str()] {
                let _ = Period::parse_month(text);
                let _ = Period::parse_week(text);
                let _ = Period::parse_year(text);
                let _ = Period::parse_month_arg(text);
                let _ = Period::parse_week_arg(text);
                let _ = Period::parse_year_arg(text);
                let _ = Period::parse_any_arg(text);
            }
        }
    }
}
