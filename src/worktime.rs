//! Working time (DOMAIN.md section 12): the dealership's working days and hours, and the two
//! functions the complaint clock is made of — the working time between two instants, and
//! the instant a given working time after another.
//!
//! A [`WorkCalendar`] is the working weekdays and the working hours of a day (rules,
//! `[worktime]`), plus single dates overridden (`calendar.csv`: public holidays off, 调休
//! make-up days on). Everything is exact to the second, in integer arithmetic.
//!
//! Both functions are built on one counter, `W(t)`: the working seconds from an arbitrary
//! origin up to `t`. `W` is continuous and non-decreasing; it rises by one second per second
//! inside the working hours of a working day and is flat elsewhere. The working days before a
//! date are counted by whole weeks (a formula) plus the overrides before it (a binary search
//! over their running sum), so `W` costs O(log overrides) whatever the span, and [`add`]
//! finds its day by galloping and bisecting over dates: no loop per day or minute.
//!
//! [`add`]: WorkCalendar::add
//!
//! *Architecture invariant:* pure arithmetic on [`Timestamp`]s and [`Day`]s; no clock, no I/O.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::{Day, Timestamp};

const SECONDS_PER_DAY: i64 = 86_400;

/// 1970-01-01, day 0, was a Thursday: weekday index 3 counting Monday as 0.
const DAY_ZERO_WEEKDAY: i64 = 3;

/// The weekday words of a rules file, Monday first.
pub const WEEKDAY_WORDS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A set of weekdays, bit 0 Monday … bit 6 Sunday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WeekdaySet(pub u8);

impl WeekdaySet {
    /// Monday to Friday.
    pub const MON_FRI: WeekdaySet = WeekdaySet(0b001_1111);

    /// Whether the weekday with index `i` (Monday 0 … Sunday 6) is in the set.
    pub fn contains(self, i: usize) -> bool {
        i < 7 && self.0 & (1 << i) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 & 0b111_1111 == 0
    }

    /// The set's words in week order (`["mon", "tue", …]`).
    pub fn words(self) -> Vec<&'static str> {
        (0..7)
            .filter(|&i| self.contains(i))
            .map(|i| WEEKDAY_WORDS[i])
            .collect()
    }

    /// Reads weekday words; a word twice is refused, as is an unknown one.
    pub fn parse<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<WeekdaySet, String> {
        let mut set = 0u8;
        for word in words {
            let i = WEEKDAY_WORDS
                .iter()
                .position(|w| *w == word)
                .ok_or_else(|| {
                    crate::say!(
                        "`{word}` is not a weekday; use {}",
                        "`{word}` 不是表示星期几的词；请用其中之一：{}",
                        WEEKDAY_WORDS.join(", ")
                    )
                })?;
            if set & (1 << i) != 0 {
                return Err(crate::say!("`{word}` is named twice", "`{word}` 写了两次"));
            }
            set |= 1 << i;
        }
        Ok(WeekdaySet(set))
    }
}

/// A time of day in whole minutes, as seconds after midnight: 00:00 to 24:00 (the end of the
/// day, for a working day that ends at midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(pub u32);

impl TimeOfDay {
    /// Reads `HH:MM` (two digits each), from `00:00` to `24:00`.
    pub fn parse(text: &str) -> Result<TimeOfDay, String> {
        let bad = || {
            crate::say!(
                "`{text}` is not a time of day; write HH:MM, e.g. 08:30 or 17:30",
                "`{text}` 不是一天中的时刻；请写成 HH:MM，例如 08:30 或 17:30"
            )
        };
        match text.as_bytes() {
            [h0, h1, b':', m0, m1] if [h0, h1, m0, m1].iter().all(|b| b.is_ascii_digit()) => {
                let hours = u32::from(h0 - b'0') * 10 + u32::from(h1 - b'0');
                let minutes = u32::from(m0 - b'0') * 10 + u32::from(m1 - b'0');
                if minutes >= 60 || hours > 24 || (hours == 24 && minutes > 0) {
                    return Err(bad());
                }
                Ok(TimeOfDay(hours * 3600 + minutes * 60))
            }
            _ => Err(bad()),
        }
    }

    pub fn seconds(self) -> i64 {
        i64::from(self.0)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 3600, self.0 / 60 % 60)
    }
}

/// A duration in working hours, held as hundredths of an hour (36 seconds each), so that a
/// rule written `4.5` is exact and prints back as `4.5`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkHours(pub u32);

impl WorkHours {
    pub fn seconds(self) -> i64 {
        i64::from(self.0) * 36
    }

    /// The hours as a float for printing; exact in the sense that the shortest decimal that
    /// reads back as this float is the decimal of the hundredths (at most 11 digits).
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl fmt::Display for WorkHours {
    /// `4.5`, `13.5`, `9`, `0.25`: the hours with no trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, part) = (self.0 / 100, self.0 % 100);
        match part {
            0 => write!(f, "{whole}"),
            p if p % 10 == 0 => write!(f, "{whole}.{}", p / 10),
            p => write!(f, "{whole}.{p:02}"),
        }
    }
}

/// The dealership's working calendar: which dates are working days, and the working hours
/// of a working day (the same every working day).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkCalendar {
    weekdays: WeekdaySet,
    /// Seconds after midnight; `day_start < day_end`.
    day_start: i64,
    day_end: i64,
    /// Working weekdays in a week, 1–7.
    per_week: i64,
    /// `per_week_prefix[r]` = working weekdays among the `r` days from a Thursday (day 0).
    per_week_prefix: [i64; 8],
    /// Every date whose override differs from its weekday, with the running sum of the
    /// differences up to and including it (+1 a make-up working day, −1 a day off), by date.
    overrides: Vec<(i64, bool, i64)>,
}

/// Why a calendar cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{}", crate::say!(
        "no working weekday: at least one weekday must be a working day",
        "没有设为工作日的星期几：一周中至少要有一天是工作日"
    ))]
    NoWeekday,
    #[error("{}", crate::say!(
        "the working day starts at {start} and ends at {end}; it must end after it starts",
        "工作日从 {start} 开始、到 {end} 结束；结束时间必须晚于开始时间",
        start = .start,
        end = .end
    ))]
    EmptyDay { start: TimeOfDay, end: TimeOfDay },
}

impl WorkCalendar {
    /// A calendar of working `weekdays`, hours `[day_start, day_end)` and date overrides
    /// (date → working). A date given twice keeps its last value. At least one weekday must
    /// work, so that every span of working time ends (overrides are finitely many).
    pub fn new(
        weekdays: WeekdaySet,
        day_start: TimeOfDay,
        day_end: TimeOfDay,
        overrides: impl IntoIterator<Item = (Day, bool)>,
    ) -> Result<WorkCalendar, CalendarError> {
        Self::check(weekdays, day_start, day_end)?;
        let mut per_week_prefix = [0i64; 8];
        for r in 0..7 {
            let weekday = (r as i64 + DAY_ZERO_WEEKDAY).rem_euclid(7) as usize;
            per_week_prefix[r + 1] = per_week_prefix[r] + i64::from(weekdays.contains(weekday));
        }
        let dates: BTreeMap<i64, bool> = overrides
            .into_iter()
            .map(|(d, w)| (i64::from(d.0), w))
            .collect();
        let mut running = 0;
        let overrides = dates
            .into_iter()
            .filter(|&(d, working)| working != weekday_works(weekdays, d))
            .map(|(d, working)| {
                running += if working { 1 } else { -1 };
                (d, working, running)
            })
            .collect();
        Ok(WorkCalendar {
            weekdays,
            day_start: day_start.seconds(),
            day_end: day_end.seconds(),
            per_week: per_week_prefix[7],
            per_week_prefix,
            overrides,
        })
    }

    /// The checks of [`WorkCalendar::new`], for rules to hold their values to.
    pub fn check(
        weekdays: WeekdaySet,
        day_start: TimeOfDay,
        day_end: TimeOfDay,
    ) -> Result<(), CalendarError> {
        if weekdays.is_empty() {
            return Err(CalendarError::NoWeekday);
        }
        if day_start >= day_end {
            return Err(CalendarError::EmptyDay {
                start: day_start,
                end: day_end,
            });
        }
        Ok(())
    }

    /// Working seconds in a working day.
    pub fn day_seconds(&self) -> i64 {
        self.day_end - self.day_start
    }

    /// Whether `day` is a working day.
    pub fn is_working(&self, day: Day) -> bool {
        let d = i64::from(day.0);
        match self.overrides.binary_search_by_key(&d, |o| o.0) {
            Ok(i) => self.overrides[i].1,
            Err(_) => weekday_works(self.weekdays, d),
        }
    }

    /// Working days before date `d` (days since 1970-01-01), counted from day 0; negative
    /// before it. `K(d + 1) − K(d)` is 1 when `d` works, else 0.
    fn working_days_before(&self, d: i64) -> i64 {
        let (weeks, rest) = (d.div_euclid(7), d.rem_euclid(7) as usize);
        let by_weekday = weeks * self.per_week + self.per_week_prefix[rest];
        // The overrides before `d`: the running sum of the last one dated before it.
        let before = self.overrides.partition_point(|o| o.0 < d);
        let adjust = before.checked_sub(1).map_or(0, |i| self.overrides[i].2);
        by_weekday + adjust
    }

    /// `W(t)`: working seconds from the start of day 0 to `t` (negative before it).
    fn counter(&self, t: Timestamp) -> i64 {
        let d = t.0.div_euclid(SECONDS_PER_DAY);
        let second = t.0.rem_euclid(SECONDS_PER_DAY);
        let today = if self.is_working(Day(d as i32)) {
            second.clamp(self.day_start, self.day_end) - self.day_start
        } else {
            0
        };
        self.working_days_before(d) * self.day_seconds() + today
    }

    /// The working time from `a` to `b`: the length of the overlap of `[a, b)` with the
    /// working hours of working days, in seconds; 0 when `b ≤ a`.
    pub fn working_seconds(&self, a: Timestamp, b: Timestamp) -> i64 {
        if b <= a {
            return 0;
        }
        self.counter(b) - self.counter(a)
    }

    /// The earliest instant `t′ ≥ t` whose working time from `t` is `seconds`.
    ///
    /// For `seconds > 0` this is inside, or at the end of, the working hours of a working
    /// day: a complaint raised at 20:00 on a Friday with 4.5 h to go is due at 13:00 on the
    /// next working day (its clock starts at 08:30), and 9 h from 08:30 is 17:30 the same
    /// day, not 08:30 the next. `add(t, 0) = t`, even after hours: nothing is owed, so nothing
    /// waits for the next working day.
    ///
    /// # Panics
    /// When `seconds` is negative.
    pub fn add(&self, t: Timestamp, seconds: i64) -> Timestamp {
        assert!(seconds >= 0, "a working time to add is not negative");
        if seconds == 0 {
            return t;
        }
        let target = self.counter(t) + seconds;
        let length = self.day_seconds();
        // The working day on which the counter reaches `target`: the one with
        // `K(day) = index`, reached `into` seconds after the day's start (0 < into ≤ length).
        let index = (target - 1).div_euclid(length);
        let into = target - index * length;
        // The first date d with K(d + 1) > index is that working day. From t's date, gallop
        // forward to a date past it, then bisect.
        // t's date is not past that day: K(t's date) · length ≤ W(t) < target.
        let mut lo = t.0.div_euclid(SECONDS_PER_DAY);
        let mut step = 1i64;
        let mut hi = lo;
        while self.working_days_before(hi + 1) <= index {
            lo = hi + 1;
            hi = lo + step;
            step = step.saturating_mul(2);
        }
        // Invariant: K(lo) ≤ index (lo is t's date or past a date with K ≤ index) and
        // K(hi + 1) > index.
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.working_days_before(mid + 1) > index {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Timestamp(lo * SECONDS_PER_DAY + self.day_start + into)
    }
}

fn weekday_works(weekdays: WeekdaySet, d: i64) -> bool {
    weekdays.contains((d + DAY_ZERO_WEEKDAY).rem_euclid(7) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    fn default_calendar(overrides: &[(&str, bool)]) -> WorkCalendar {
        WorkCalendar::new(
            WeekdaySet::MON_FRI,
            TimeOfDay::parse("08:30").unwrap(),
            TimeOfDay::parse("17:30").unwrap(),
            overrides.iter().map(|(d, w)| (day(d), *w)),
        )
        .unwrap()
    }

    /// The 2025 National Day holiday (国庆): 10-01 … 10-08 off, Sunday 09-28 and Saturday
    /// 10-11 worked instead (调休).
    fn guoqing_2025() -> WorkCalendar {
        let mut days: Vec<(String, bool)> = (1..=8)
            .map(|d| (format!("2025-10-{d:02}"), false))
            .collect();
        days.push(("2025-09-28".into(), true));
        days.push(("2025-10-11".into(), true));
        let days: Vec<(&str, bool)> = days.iter().map(|(d, w)| (d.as_str(), *w)).collect();
        default_calendar(&days)
    }

    const H: i64 = 3600;

    #[test]
    fn hand_worked_working_time() {
        let c = default_calendar(&[]);
        // 2025-09-05 is a Friday. Friday 16:00 → Monday 10:00: 1.5 h Friday + 1.5 h Monday.
        assert_eq!(
            c.working_seconds(at("2025-09-05 16:00"), at("2025-09-08 10:00")),
            3 * H
        );
        // Friday 16:00 + 4.5 h: 1.5 h Friday, 3 h Monday from 08:30 → Monday 11:30.
        assert_eq!(
            c.add(at("2025-09-05 16:00"), 4 * H + H / 2),
            at("2025-09-08 11:30")
        );
        // Raised Friday 20:00: the clock starts Monday 08:30; + 4.5 h = 13:00, + 13.5 h =
        // 9 h Monday (to 17:30) + 4.5 h Tuesday = Tuesday 13:00.
        let friday_evening = at("2025-09-05 20:00");
        assert_eq!(c.add(friday_evening, 16_200), at("2025-09-08 13:00"));
        assert_eq!(c.add(friday_evening, 48_600), at("2025-09-09 13:00"));
        // add(t, 0) = t, even after hours.
        assert_eq!(c.add(friday_evening, 0), friday_evening);
        // Boundaries: from exactly 17:30, nothing more that day; 08:30 + 9 h is 17:30 the
        // same day (the earliest instant), not 08:30 the next.
        assert_eq!(c.add(at("2025-09-08 17:30"), 1), at("2025-09-09 08:30:01"));
        assert_eq!(c.add(at("2025-09-08 08:30"), 9 * H), at("2025-09-08 17:30"));
        assert_eq!(c.add(at("2025-09-08 08:00"), 9 * H), at("2025-09-08 17:30"));
        assert_eq!(
            c.working_seconds(at("2025-09-08 08:30"), at("2025-09-08 17:30")),
            9 * H
        );
        assert_eq!(
            c.working_seconds(at("2025-09-08 17:30"), at("2025-09-09 08:30")),
            0
        );
        // A whole week is five working days.
        assert_eq!(
            c.working_seconds(at("2025-09-01 00:00"), at("2025-09-08 00:00")),
            45 * H
        );
        assert_eq!(
            c.working_seconds(at("2025-09-08 12:00"), at("2025-09-08 11:00")),
            0
        );
    }

    #[test]
    fn the_2025_national_day_holiday() {
        let c = guoqing_2025();
        assert!(c.is_working(day("2025-09-28")));
        assert!(!c.is_working(day("2025-10-01")));
        assert!(c.is_working(day("2025-10-09")));
        assert!(c.is_working(day("2025-10-11")));
        // Raised Tuesday 2025-09-30 16:00 + 4.5 h: 1.5 h on the 30th; 10-01 … 10-08 are off;
        // 3 h on Thursday 10-09 from 08:30 → 10-09 11:30.
        assert_eq!(
            c.add(at("2025-09-30 16:00"), 16_200),
            at("2025-10-09 11:30")
        );
        // + 13.5 h: 1.5 h on 09-30, 9 h on 10-09, 3 h on Friday 10-10 → 10-10 11:30.
        assert_eq!(
            c.add(at("2025-09-30 16:00"), 48_600),
            at("2025-10-10 11:30")
        );
        // Raised Friday 10-10 17:00 + 4.5 h: 0.5 h on the 10th, 4 h on Saturday 10-11 (a
        // make-up working day) → 10-11 12:30.
        assert_eq!(
            c.add(at("2025-10-10 17:00"), 16_200),
            at("2025-10-11 12:30")
        );
        // Raised Saturday 09-27 10:00: the clock starts Sunday 09-28 08:30 (worked).
        assert_eq!(
            c.add(at("2025-09-27 10:00"), 16_200),
            at("2025-09-28 13:00")
        );
        // The holiday week: 09-29 (Mon) 08:30 → 10-10 08:30 holds 09-29, 09-30, 10-09 = 27 h.
        assert_eq!(
            c.working_seconds(at("2025-09-29 08:30"), at("2025-10-10 08:30")),
            27 * H
        );
    }

    #[test]
    fn long_spans_are_counted_without_walking_them() {
        let c = default_calendar(&[("2000-01-03", false)]);
        // Twenty years of 9 h days, 5 a week (a loop per minute would walk ten million
        // minutes; this bisects over dates).
        let a = at("2001-01-01 08:30");
        let b = c.add(a, 9 * H * 5 * 52 * 20);
        assert_eq!(c.working_seconds(a, b), 9 * H * 5 * 52 * 20);
        // 1040 working weeks from Monday 2001-01-01 08:30 end with the 1040th Friday at
        // 17:30: 2001-01-05 + 1039 × 7 days = 2020-12-04.
        assert_eq!(b, at("2020-12-04 17:30"));
    }

    #[test]
    fn words_and_times_read_and_print() {
        assert_eq!(
            WeekdaySet::parse(["mon", "sat"]).unwrap(),
            WeekdaySet(0b010_0001)
        );
        assert_eq!(
            WeekdaySet::MON_FRI.words(),
            ["mon", "tue", "wed", "thu", "fri"]
        );
        assert!(WeekdaySet::parse(["mon", "mon"]).is_err());
        assert!(WeekdaySet::parse(["monday"]).is_err());
        assert_eq!(TimeOfDay::parse("08:30"), Ok(TimeOfDay(30_600)));
        assert_eq!(TimeOfDay::parse("24:00"), Ok(TimeOfDay(86_400)));
        for bad in ["8:30", "24:01", "08:60", "0830", "08:3"] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(TimeOfDay(30_600).to_string(), "08:30");
        assert_eq!(WorkHours(450).to_string(), "4.5");
        assert_eq!(WorkHours(1350).seconds(), 48_600);
        assert_eq!(WorkHours(900).to_string(), "9");
        assert_eq!(WorkHours(25).to_string(), "0.25");
        assert_eq!(WorkHours(450).as_f64().to_string(), "4.5");
        assert!(
            WorkCalendar::new(
                WeekdaySet(0),
                TimeOfDay(0),
                TimeOfDay(60),
                std::iter::empty()
            )
            .is_err()
        );
        assert!(
            WorkCalendar::new(
                WeekdaySet::MON_FRI,
                TimeOfDay(60),
                TimeOfDay(60),
                std::iter::empty()
            )
            .is_err()
        );
    }

    /// The naive model: a calendar walked minute by minute. Exact for instants, hours and
    /// day boundaries that are whole minutes, which the property test draws.
    struct Naive<'a> {
        c: &'a WorkCalendar,
        weekdays: WeekdaySet,
        overrides: &'a BTreeMap<i64, bool>,
    }

    impl Naive<'_> {
        fn works(&self, minute_start: i64) -> bool {
            let d = minute_start.div_euclid(SECONDS_PER_DAY);
            let s = minute_start.rem_euclid(SECONDS_PER_DAY);
            let day_works = self
                .overrides
                .get(&d)
                .copied()
                .unwrap_or_else(|| weekday_works(self.weekdays, d));
            day_works && self.c.day_start <= s && s + 60 <= self.c.day_end
        }

        fn working_seconds(&self, a: i64, b: i64) -> i64 {
            (a..b).step_by(60).filter(|&m| self.works(m)).count() as i64 * 60
        }

        fn add(&self, t: i64, seconds: i64) -> i64 {
            let (mut m, mut done) = (t, 0);
            while done < seconds {
                if self.works(m) {
                    done += 60;
                }
                m += 60;
            }
            m
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Both functions agree with the minute-by-minute model on random calendars (any
        /// non-empty set of weekdays, working hours of at least an hour, up to a dozen date
        /// overrides either way), random instants within five weeks of 2025-09-01 and
        /// random working times up to 30 h.
        #[test]
        fn working_time_agrees_with_a_minute_by_minute_model(
            weekdays in 1u8..128,
            start_minute in 0u32..(23 * 60),
            length_minutes in 60u32..(24 * 60),
            overrides in proptest::collection::vec((0i64..35, proptest::bool::ANY), 0..12),
            a_minute in 0i64..(35 * 1440),
            span_minutes in 0i64..(14 * 1440),
            hours_minutes in 0i64..(30 * 60),
        ) {
            let origin = i64::from(day("2025-09-01").0);
            let start = start_minute * 60;
            let end = (start + length_minutes * 60).min(86_400);
            let overrides: BTreeMap<i64, bool> =
                overrides.into_iter().map(|(d, w)| (origin + d, w)).collect();
            let c = WorkCalendar::new(
                WeekdaySet(weekdays),
                TimeOfDay(start),
                TimeOfDay(end),
                overrides.iter().map(|(d, w)| (Day(*d as i32), *w)),
            )
            .unwrap();
            let naive = Naive { c: &c, weekdays: WeekdaySet(weekdays), overrides: &overrides };
            let a = origin * SECONDS_PER_DAY + a_minute * 60;
            let b = a + span_minutes * 60;
            proptest::prop_assert_eq!(
                c.working_seconds(Timestamp(a), Timestamp(b)),
                naive.working_seconds(a, b)
            );
            proptest::prop_assert_eq!(c.working_seconds(Timestamp(b), Timestamp(a)), 0);
            let seconds = hours_minutes * 60;
            let due = c.add(Timestamp(a), seconds);
            proptest::prop_assert_eq!(due.0, naive.add(a, seconds));
            proptest::prop_assert_eq!(c.working_seconds(Timestamp(a), due), seconds);
        }
    }
}
