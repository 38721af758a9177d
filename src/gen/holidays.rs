//! China's public holidays and 调休 make-up working days, 2021–2026, as the State Council
//! set them: 国务院办公厅关于20XX年部分节假日安排的通知, one notice a year (for 2021
//! 国办发明电〔2020〕27号, 2022 〔2021〕11号, 2023 〔2022〕16号, 2024 〔2023〕7号, 2025
//! 〔2024〕12号, 2026 〔2025〕7号). The generator writes them as `calendar.csv` rows for the
//! years its period touches (DOMAIN.md section 12: holidays off, make-up days on), so that
//! the complaint clock of generated data runs on the real working days.
//!
//! Each holiday is the range of days the notice gives off ("放假调休，共N天"), every day of it
//! (weekend days included: they are the holiday too), and the days it names as working
//! ("…上班"), which are Saturdays or Sundays. What a notice only encourages (2024's 除夕
//! off "结合带薪年休假") is not a holiday and is not listed.
//!
//! *Years outside the table get no calendar rows*: a period in 2020 or 2027 is generated
//! with the default working week only, because the dates of a year are known only from its
//! notice (published each November or December for the next year). Add the year's row here
//! when its notice is out.

/// One holiday of a notice: its name, the first and last day off (inclusive, `(month, day)`
/// of `year`, or of the year before for a holiday that starts in late December), and the
/// weekend days made working days for it.
pub(crate) struct Holiday {
    /// The year of the notice (2023's New Year's Day starts in 2022); read by the tests.
    #[allow(dead_code)]
    pub(crate) year: i32,
    pub(crate) name: &'static str,
    /// (year, month, day) of the first day off.
    pub(crate) first: (i32, u32, u32),
    /// (year, month, day) of the last day off.
    pub(crate) last: (i32, u32, u32),
    /// (year, month, day) of each make-up working day (调休上班).
    pub(crate) working: &'static [(i32, u32, u32)],
}

const fn h(
    year: i32,
    name: &'static str,
    first: (i32, u32, u32),
    last: (i32, u32, u32),
    working: &'static [(i32, u32, u32)],
) -> Holiday {
    Holiday {
        year,
        name,
        first,
        last,
        working,
    }
}

/// The notices of 2021–2026, holiday by holiday, in date order.
pub(crate) const HOLIDAYS: &[Holiday] = &[
    // 2021 (国办发明电〔2020〕27号).
    h(2021, "元旦", (2021, 1, 1), (2021, 1, 3), &[]),
    h(
        2021,
        "春节",
        (2021, 2, 11),
        (2021, 2, 17),
        &[(2021, 2, 7), (2021, 2, 20)],
    ),
    h(2021, "清明节", (2021, 4, 3), (2021, 4, 5), &[]),
    h(
        2021,
        "劳动节",
        (2021, 5, 1),
        (2021, 5, 5),
        &[(2021, 4, 25), (2021, 5, 8)],
    ),
    h(2021, "端午节", (2021, 6, 12), (2021, 6, 14), &[]),
    h(
        2021,
        "中秋节",
        (2021, 9, 19),
        (2021, 9, 21),
        &[(2021, 9, 18)],
    ),
    h(
        2021,
        "国庆节",
        (2021, 10, 1),
        (2021, 10, 7),
        &[(2021, 9, 26), (2021, 10, 9)],
    ),
    // 2022 (国办发明电〔2021〕11号).
    h(2022, "元旦", (2022, 1, 1), (2022, 1, 3), &[]),
    h(
        2022,
        "春节",
        (2022, 1, 31),
        (2022, 2, 6),
        &[(2022, 1, 29), (2022, 1, 30)],
    ),
    h(2022, "清明节", (2022, 4, 3), (2022, 4, 5), &[(2022, 4, 2)]),
    h(
        2022,
        "劳动节",
        (2022, 4, 30),
        (2022, 5, 4),
        &[(2022, 4, 24), (2022, 5, 7)],
    ),
    h(2022, "端午节", (2022, 6, 3), (2022, 6, 5), &[]),
    h(2022, "中秋节", (2022, 9, 10), (2022, 9, 12), &[]),
    h(
        2022,
        "国庆节",
        (2022, 10, 1),
        (2022, 10, 7),
        &[(2022, 10, 8), (2022, 10, 9)],
    ),
    // 2023 (国办发明电〔2022〕16号): New Year's Day starts on 2022-12-31.
    h(2023, "元旦", (2022, 12, 31), (2023, 1, 2), &[]),
    h(
        2023,
        "春节",
        (2023, 1, 21),
        (2023, 1, 27),
        &[(2023, 1, 28), (2023, 1, 29)],
    ),
    h(2023, "清明节", (2023, 4, 5), (2023, 4, 5), &[]),
    h(
        2023,
        "劳动节",
        (2023, 4, 29),
        (2023, 5, 3),
        &[(2023, 4, 23), (2023, 5, 6)],
    ),
    h(
        2023,
        "端午节",
        (2023, 6, 22),
        (2023, 6, 24),
        &[(2023, 6, 25)],
    ),
    h(
        2023,
        "中秋节、国庆节",
        (2023, 9, 29),
        (2023, 10, 6),
        &[(2023, 10, 7), (2023, 10, 8)],
    ),
    // 2024 (国办发明电〔2023〕7号).
    h(2024, "元旦", (2024, 1, 1), (2024, 1, 1), &[]),
    h(
        2024,
        "春节",
        (2024, 2, 10),
        (2024, 2, 17),
        &[(2024, 2, 4), (2024, 2, 18)],
    ),
    h(2024, "清明节", (2024, 4, 4), (2024, 4, 6), &[(2024, 4, 7)]),
    h(
        2024,
        "劳动节",
        (2024, 5, 1),
        (2024, 5, 5),
        &[(2024, 4, 28), (2024, 5, 11)],
    ),
    h(2024, "端午节", (2024, 6, 10), (2024, 6, 10), &[]),
    h(
        2024,
        "中秋节",
        (2024, 9, 15),
        (2024, 9, 17),
        &[(2024, 9, 14)],
    ),
    h(
        2024,
        "国庆节",
        (2024, 10, 1),
        (2024, 10, 7),
        &[(2024, 9, 29), (2024, 10, 12)],
    ),
    // 2025 (国办发明电〔2024〕12号).
    h(2025, "元旦", (2025, 1, 1), (2025, 1, 1), &[]),
    h(
        2025,
        "春节",
        (2025, 1, 28),
        (2025, 2, 4),
        &[(2025, 1, 26), (2025, 2, 8)],
    ),
    h(2025, "清明节", (2025, 4, 4), (2025, 4, 6), &[]),
    h(2025, "劳动节", (2025, 5, 1), (2025, 5, 5), &[(2025, 4, 27)]),
    h(2025, "端午节", (2025, 5, 31), (2025, 6, 2), &[]),
    h(
        2025,
        "国庆节、中秋节",
        (2025, 10, 1),
        (2025, 10, 8),
        &[(2025, 9, 28), (2025, 10, 11)],
    ),
    // 2026 (国办发明电〔2025〕7号).
    h(2026, "元旦", (2026, 1, 1), (2026, 1, 3), &[(2026, 1, 4)]),
    h(
        2026,
        "春节",
        (2026, 2, 15),
        (2026, 2, 23),
        &[(2026, 2, 14), (2026, 2, 28)],
    ),
    h(2026, "清明节", (2026, 4, 4), (2026, 4, 6), &[]),
    h(2026, "劳动节", (2026, 5, 1), (2026, 5, 5), &[(2026, 5, 9)]),
    h(2026, "端午节", (2026, 6, 19), (2026, 6, 21), &[]),
    h(2026, "中秋节", (2026, 9, 25), (2026, 9, 27), &[]),
    h(
        2026,
        "国庆节",
        (2026, 10, 1),
        (2026, 10, 7),
        &[(2026, 9, 20), (2026, 10, 10)],
    ),
];

/// One row of `calendar.csv`: a date, whether it is a working day, and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CalendarRow {
    pub(crate) date: chrono::NaiveDate,
    pub(crate) working: bool,
    pub(crate) name: String,
}

/// Every row of the table dated in one of `years` (a date's own year: 2022-12-31 of the
/// 2023 New Year's Day is a row of 2022), in date order. Make-up days are named after their
/// holiday, `春节调休`.
pub(crate) fn rows_for_years(years: std::ops::RangeInclusive<i32>) -> Vec<CalendarRow> {
    use chrono::{Datelike, NaiveDate};
    let date = |(y, m, d): (i32, u32, u32)| {
        NaiveDate::from_ymd_opt(y, m, d).expect("the holiday table holds real dates")
    };
    let mut rows = Vec::new();
    for holiday in HOLIDAYS {
        let mut day = date(holiday.first);
        while day <= date(holiday.last) {
            rows.push(CalendarRow {
                date: day,
                working: false,
                name: holiday.name.to_owned(),
            });
            day = day.succ_opt().expect("in range");
        }
        for &w in holiday.working {
            rows.push(CalendarRow {
                date: date(w),
                working: true,
                name: format!("{}调休", holiday.name),
            });
        }
    }
    rows.retain(|r| years.contains(&r.date.year()));
    rows.sort_by_key(|r| r.date);
    rows
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Weekday};

    use super::*;

    /// The table's own consistency: make-up days fall on weekends, no date appears twice,
    /// and a year's weekdays off, net of its make-up days, are at most its statutory days
    /// (11 until 2024, 13 from 2025).
    #[test]
    fn the_table_is_consistent() {
        let rows = rows_for_years(2020..=2027);
        for pair in rows.windows(2) {
            assert!(pair[0].date < pair[1].date, "{:?} twice", pair[1].date);
        }
        for r in rows.iter().filter(|r| r.working) {
            assert!(
                matches!(r.date.weekday(), Weekday::Sat | Weekday::Sun),
                "make-up day {} is a weekday",
                r.date
            );
        }
        for year in 2021..=2026 {
            let holidays: Vec<&Holiday> = HOLIDAYS.iter().filter(|h| h.year == year).collect();
            assert!(holidays.len() >= 6, "{year}");
            // 11 statutory days until 2024; from 2025, 13 (one more each for 春节 and
            // 劳动节, by the amended 全国年节及纪念日放假办法).
            let off_weekdays: i64 = holidays
                .iter()
                .flat_map(|h| {
                    let (y, m, d) = h.first;
                    let (y2, m2, d2) = h.last;
                    let first = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
                    let last = chrono::NaiveDate::from_ymd_opt(y2, m2, d2).unwrap();
                    first.iter_days().take_while(move |&d| d <= last)
                })
                .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
                .count() as i64;
            let make_up: i64 = holidays.iter().map(|h| h.working.len() as i64).sum();
            let statutory = if year >= 2025 { 13 } else { 11 };
            assert!(
                off_weekdays - make_up <= statutory,
                "{year}: {off_weekdays} weekdays off, {make_up} make-up days"
            );
        }
    }

    #[test]
    fn national_day_2025_and_spring_festival_2025() {
        let rows = rows_for_years(2025..=2025);
        let find = |m, d| {
            rows.iter()
                .find(|r| r.date == chrono::NaiveDate::from_ymd_opt(2025, m, d).unwrap())
        };
        for d in 1..=8 {
            assert!(!find(10, d).unwrap().working);
        }
        assert!(find(9, 28).unwrap().working && find(10, 11).unwrap().working);
        assert!(find(1, 26).unwrap().working && find(2, 8).unwrap().working);
        assert_eq!(find(10, 1).unwrap().name, "国庆节、中秋节");
        assert_eq!(find(9, 28).unwrap().name, "国庆节、中秋节调休");
        assert!(find(10, 9).is_none());
        // The 2023 New Year's Day starts in 2022.
        let rows = rows_for_years(2022..=2022);
        assert_eq!(rows.last().unwrap().name, "元旦");
        assert_eq!(rows.last().unwrap().date.to_string(), "2022-12-31");
    }
}
