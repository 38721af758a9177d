//! The dates of the three lunar festivals a dealership greets its customers on — 春节 (the
//! first day of the first lunar month), 端午 (5th of the 5th) and 中秋 (15th of the 8th) —
//! for 2000–2050, as a table: the Chinese calendar depends on astronomical new moons, which is
//! more than a generator should compute. The table was produced with the Python package
//! `lunardate` and checked against a second, independent one (`lunar-python`): they agree on
//! every date; the test module checks a handful against published calendars.
//!
//! Years outside the table have no festival: the generator then sends no festival greeting
//! that year (as for the public holidays of `holidays.rs`, a year is added when needed).

/// First year of [`FESTIVALS`].
pub(crate) const FIRST_YEAR: i32 = 2000;

/// Per year from [`FIRST_YEAR`]: (month, day) of 春节, 端午 and 中秋.
#[rustfmt::skip]
const FESTIVALS: [[(u8, u8); 3]; 51] = [
    [(2, 5), (6, 6), (9, 12)], // 2000
    [(1, 24), (6, 25), (10, 1)], // 2001
    [(2, 12), (6, 15), (9, 21)], // 2002
    [(2, 1), (6, 4), (9, 11)], // 2003
    [(1, 22), (6, 22), (9, 28)], // 2004
    [(2, 9), (6, 11), (9, 18)], // 2005
    [(1, 29), (5, 31), (10, 6)], // 2006
    [(2, 18), (6, 19), (9, 25)], // 2007
    [(2, 7), (6, 8), (9, 14)], // 2008
    [(1, 26), (5, 28), (10, 3)], // 2009
    [(2, 14), (6, 16), (9, 22)], // 2010
    [(2, 3), (6, 6), (9, 12)], // 2011
    [(1, 23), (6, 23), (9, 30)], // 2012
    [(2, 10), (6, 12), (9, 19)], // 2013
    [(1, 31), (6, 2), (9, 8)], // 2014
    [(2, 19), (6, 20), (9, 27)], // 2015
    [(2, 8), (6, 9), (9, 15)], // 2016
    [(1, 28), (5, 30), (10, 4)], // 2017
    [(2, 16), (6, 18), (9, 24)], // 2018
    [(2, 5), (6, 7), (9, 13)], // 2019
    [(1, 25), (6, 25), (10, 1)], // 2020
    [(2, 12), (6, 14), (9, 21)], // 2021
    [(2, 1), (6, 3), (9, 10)], // 2022
    [(1, 22), (6, 22), (9, 29)], // 2023
    [(2, 10), (6, 10), (9, 17)], // 2024
    [(1, 29), (5, 31), (10, 6)], // 2025
    [(2, 17), (6, 19), (9, 25)], // 2026
    [(2, 6), (6, 9), (9, 15)], // 2027
    [(1, 26), (5, 28), (10, 3)], // 2028
    [(2, 13), (6, 16), (9, 22)], // 2029
    [(2, 3), (6, 5), (9, 12)], // 2030
    [(1, 23), (6, 24), (10, 1)], // 2031
    [(2, 11), (6, 12), (9, 19)], // 2032
    [(1, 31), (6, 1), (9, 8)], // 2033
    [(2, 19), (6, 20), (9, 27)], // 2034
    [(2, 8), (6, 10), (9, 16)], // 2035
    [(1, 28), (5, 30), (10, 4)], // 2036
    [(2, 15), (6, 18), (9, 24)], // 2037
    [(2, 4), (6, 7), (9, 13)], // 2038
    [(1, 24), (5, 27), (10, 2)], // 2039
    [(2, 12), (6, 14), (9, 20)], // 2040
    [(2, 1), (6, 3), (9, 10)], // 2041
    [(1, 22), (6, 22), (9, 28)], // 2042
    [(2, 10), (6, 11), (9, 17)], // 2043
    [(1, 30), (5, 31), (10, 5)], // 2044
    [(2, 17), (6, 19), (9, 25)], // 2045
    [(2, 6), (6, 8), (9, 15)], // 2046
    [(1, 26), (5, 29), (10, 4)], // 2047
    [(2, 14), (6, 15), (9, 22)], // 2048
    [(2, 2), (6, 4), (9, 11)], // 2049
    [(1, 23), (6, 23), (9, 30)], // 2050
];

/// One of the three festivals.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Festival {
    /// 春节.
    Spring,
    DragonBoat,
    MidAutumn,
}

impl Festival {
    pub(crate) const ALL: [Festival; 3] =
        [Festival::Spring, Festival::DragonBoat, Festival::MidAutumn];

    /// The greeting a care message notes, as a list of one (the generator's note lists).
    pub(crate) fn notes(self) -> &'static [&'static str] {
        match self {
            Festival::Spring => &["春节祝福"],
            Festival::DragonBoat => &["端午节问候"],
            Festival::MidAutumn => &["中秋节祝福"],
        }
    }

    /// The festival's date in `year`, if the table holds the year.
    pub(crate) fn date(self, year: i32) -> Option<chrono::NaiveDate> {
        let row = FESTIVALS.get(usize::try_from(year - FIRST_YEAR).ok()?)?;
        let (month, day) = row[self as usize];
        chrono::NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day))
    }
}
