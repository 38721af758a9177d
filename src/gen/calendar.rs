//! Time inside the generated period, and the byte formatting of cells.
//!
//! The generated period is the warm-up ([`WARMUP_MONTHS`] before `--start`: history that
//! puts the dealership in a steady state) followed by the window (the configured months).
//! Times are whole seconds since the warm-up's first midnight (`i64`), days are whole days
//! since then; the window starts on day [`Calendar::window_start`]. Every formatted date comes from a table built once with chrono, so the hot
//! loop never does calendar arithmetic and never allocates.

use chrono::{Datelike, Months, NaiveDate};

pub(crate) const MINUTE: i64 = 60;
pub(crate) const HOUR: i64 = 3_600;
pub(crate) const DAY: i64 = 86_400;

/// Months of history generated before the first configured month: long enough that a
/// customer lost in the window's first month (180 days without a visit) had their last
/// visit inside the generated data, and that tiers (a trailing year) and insurance runs of
/// consecutive years have data from the window's first day.
pub(crate) const WARMUP_MONTHS: u32 = 24;

/// Contacts are made in half-hour slots from 08:30 to 19:00, with these weights: peaks in
/// the middle of the morning and of the afternoon, few calls over lunch (12:00–13:30) and
/// after 18:00 (a customer asked to be called after work).
const SLOTS_OPEN_SECS: i64 = 8 * HOUR + 30 * MINUTE;
const SLOT_SECS: i64 = 30 * MINUTE;
const SLOT_WEIGHTS: [u64; 21] = [
    2, 5, 7, // 08:30 09:00 09:30
    9, 10, 9, 6, // 10:00 … 11:30
    2, 1, 2, // 12:00 12:30 13:00
    5, 8, 10, 10, 9, 8, 7, 5, 3, // 13:30 … 17:30
    1, 1, // 18:00 18:30
];
/// Longest span [`work_time`] searches: its windows are at most a month and a bit.
const WORK_TIME_SPAN_DAYS_MAX: i64 = 62;

/// Longest period accepted: 100 years keeps every table small and every id width sane.
const MONTHS_MAX: u32 = 1_200;

pub(crate) struct Calendar {
    /// The warm-up's first day (day 0).
    pub(crate) start: NaiveDate,
    /// The first day of the window (the first configured month).
    pub(crate) window_start: i64,
    /// Index in [`Calendar::month_starts`] of the window's first month.
    pub(crate) window_month: usize,
    /// `YYYY-MM-DD` of every day of the period.
    dates: Vec<[u8; 10]>,
    /// Month index (0 = the first month) of every day.
    month_of_day: Vec<u16>,
    /// Calendar year of every day.
    year_of_day: Vec<i32>,
    /// First day and month of the year (1–12) of every month of the period.
    month_starts: Vec<(i64, u32)>,
    /// Number of days in the period; valid days are `0..days_total`.
    pub(crate) days_total: i64,
    /// First second after the period: every written time is below it.
    pub(crate) end_secs: i64,
}

impl Calendar {
    pub(crate) fn new(start_year: i32, start_month: u32, months: u32) -> Result<Self, String> {
        if months == 0 || months > MONTHS_MAX {
            return Err(crate::say!(
                "--months must be between 1 and {MONTHS_MAX}, got {months}",
                "--months 必须在 1 到 {MONTHS_MAX} 之间，实际为 {months}"
            ));
        }
        let start = NaiveDate::from_ymd_opt(start_year, start_month, 1).ok_or_else(|| {
            crate::say!(
                "start {start_year}-{start_month} is not a valid year and month (month 1-12)",
                "起始 {start_year}-{start_month} 不是有效的年月（月份 1-12）"
            )
        })?;
        let end = start
            .checked_add_months(Months::new(months))
            .ok_or_else(|| {
                crate::say!(
                    "the period ends outside the supported date range",
                    "期间的结束超出了支持的日期范围"
                )
            })?;
        let window = start;
        let start = window
            .checked_sub_months(Months::new(WARMUP_MONTHS))
            .ok_or_else(|| {
                crate::say!(
                    "the warm-up starts outside the supported date range",
                    "预热期的开始超出了支持的日期范围"
                )
            })?;
        let days_total = (end - start).num_days();
        let mut dates = Vec::with_capacity(days_total as usize);
        let mut month_of_day = Vec::with_capacity(days_total as usize);
        let mut year_of_day = Vec::with_capacity(days_total as usize);
        let mut month_starts = Vec::with_capacity(months as usize);
        let mut day = start;
        while day < end {
            if day.day() == 1 {
                month_starts.push((dates.len() as i64, day.month()));
            }
            let mut cell = [0u8; 10];
            let text = day.format("%Y-%m-%d").to_string();
            if text.len() != 10 {
                return Err(crate::say!(
                    "year {} cannot be written as YYYY",
                    "年份 {} 无法写成 YYYY",
                    day.year()
                ));
            }
            cell.copy_from_slice(text.as_bytes());
            dates.push(cell);
            let month_index =
                (day.year() - start.year()) * 12 + day.month() as i32 - start.month() as i32;
            month_of_day.push(month_index as u16);
            year_of_day.push(day.year());
            day = day.succ_opt().ok_or_else(|| {
                crate::say!(
                    "the period ends outside the supported date range",
                    "期间的结束超出了支持的日期范围"
                )
            })?;
        }
        Ok(Calendar {
            start,
            window_start: (window - start).num_days(),
            window_month: WARMUP_MONTHS as usize,
            dates,
            month_of_day,
            year_of_day,
            month_starts,
            days_total,
            end_secs: days_total * DAY,
        })
    }

    pub(crate) fn last_day(&self) -> i64 {
        self.days_total - 1
    }

    pub(crate) fn date(&self, day: i64) -> &[u8; 10] {
        &self.dates[day as usize]
    }

    /// `YYYY-MM-DD` of any day, inside the period or not (a due date may lie after it, a
    /// customer may have been registered before the warm-up). Slower than
    /// [`Calendar::date`]: for the few rows that need it.
    pub(crate) fn date_any(&self, day: i64) -> String {
        self.naive(day).format("%Y-%m-%d").to_string()
    }

    /// The date of any day.
    pub(crate) fn naive(&self, day: i64) -> NaiveDate {
        self.start + chrono::TimeDelta::days(day)
    }

    /// The day number of a date.
    pub(crate) fn day_of(&self, date: NaiveDate) -> i64 {
        (date - self.start).num_days()
    }

    /// Calendar year of any day.
    pub(crate) fn year_any(&self, day: i64) -> i32 {
        match usize::try_from(day)
            .ok()
            .and_then(|d| self.year_of_day.get(d))
        {
            Some(&year) => year,
            None => self.naive(day).year(),
        }
    }

    pub(crate) fn month(&self, day: i64) -> u16 {
        self.month_of_day[day as usize]
    }

    pub(crate) fn year(&self, day: i64) -> i32 {
        self.year_of_day[day as usize]
    }

    pub(crate) fn month_starts(&self) -> &[(i64, u32)] {
        &self.month_starts
    }

    /// Day of the week of any day, Monday = 0 … Sunday = 6.
    pub(crate) fn weekday(&self, day: i64) -> i64 {
        (i64::from(self.start.weekday().num_days_from_monday()) + day).rem_euclid(7)
    }

    /// The same month and day a year after `day` (29 February → 28 February), the
    /// "+ 1 year" of DOMAIN.md section 14's renewal window. Any day; the answer may lie
    /// outside the period.
    pub(crate) fn plus_year(&self, day: i64) -> i64 {
        let date = self.naive(day);
        let next = date
            .checked_add_months(Months::new(12))
            .expect("a year after a supported date is supported");
        (next - self.start).num_days()
    }

    /// Whether a time lies inside the warm-up or the window (nothing outside them is ever
    /// written).
    pub(crate) fn contains(&self, secs: i64) -> bool {
        (0..self.end_secs).contains(&secs)
    }

    /// Whether a time lies inside the window (the configured months).
    pub(crate) fn in_window(&self, secs: i64) -> bool {
        (self.window_start * DAY..self.end_secs).contains(&secs)
    }
}

/// A time for a contact in `from..=to`, inside the working slots and shaped by
/// [`SLOT_WEIGHTS`] (each slot weighted by its weight times the seconds of it the window
/// covers). A window without any working slot (a few night hours) gives the start of the
/// first slot after `from`, plus up to half an hour: the call is made when the office opens.
pub(crate) fn work_time(rng: &super::rng::Rand, from: i64, to: i64) -> i64 {
    let to = to.min(from + WORK_TIME_SPAN_DAYS_MAX * DAY);
    let overlap = |day: i64, k: usize| -> (i64, u64) {
        let start = day * DAY + SLOTS_OPEN_SECS + k as i64 * SLOT_SECS;
        let lo = start.max(from);
        let hi = (start + SLOT_SECS).min(to + 1);
        (lo, (hi - lo).max(0) as u64)
    };
    let days = from.div_euclid(DAY)..=to.div_euclid(DAY);
    let mut total = 0u64;
    for day in days.clone() {
        for (k, w) in SLOT_WEIGHTS.iter().enumerate() {
            total += w * overlap(day, k).1;
        }
    }
    if total == 0 {
        let day = from.div_euclid(DAY);
        let opening = day * DAY + SLOTS_OPEN_SECS;
        let next = if from <= opening {
            opening
        } else {
            opening + DAY
        };
        return next + rng.range(0, SLOT_SECS);
    }
    let mut x = rng.below(total);
    for day in days {
        for (k, w) in SLOT_WEIGHTS.iter().enumerate() {
            let (lo, secs) = overlap(day, k);
            if x < w * secs {
                return lo + (x / w) as i64;
            }
            x -= w * secs;
        }
    }
    unreachable!("the draw is below the total")
}

/// A time for a contact on `day`, shaped as [`work_time`].
pub(crate) fn work_time_on(rng: &super::rng::Rand, day: i64) -> i64 {
    work_time(rng, day * DAY, day * DAY + DAY - 1)
}

/// A reusable buffer that formats one cell at a time without allocating.
pub(crate) struct Cell {
    buf: [u8; 48],
}

impl Cell {
    pub(crate) fn new() -> Self {
        Cell { buf: [0; 48] }
    }

    /// `prefix` followed by `n` zero-padded to at least `width` digits.
    pub(crate) fn id(&mut self, prefix: &str, n: u64, width: usize) -> &[u8] {
        let p = prefix.len();
        self.buf[..p].copy_from_slice(prefix.as_bytes());
        let len = put_uint(&mut self.buf, p, n, width);
        &self.buf[..len]
    }

    pub(crate) fn uint(&mut self, n: u64) -> &[u8] {
        let len = put_uint(&mut self.buf, 0, n, 1);
        &self.buf[..len]
    }

    /// Yuan with exactly two decimals, from integer fen.
    pub(crate) fn money(&mut self, fen: i64) -> &[u8] {
        debug_assert!(fen >= 0, "the generator never writes negative money");
        let fen = fen.unsigned_abs();
        let mut len = put_uint(&mut self.buf, 0, fen / 100, 1);
        self.buf[len] = b'.';
        len = put_uint(&mut self.buf, len + 1, fen % 100, 2);
        &self.buf[..len]
    }

    /// `YYYY-MM-DD HH:MM:SS`.
    pub(crate) fn datetime(&mut self, cal: &Calendar, secs: i64) -> &[u8] {
        debug_assert!(cal.contains(secs), "time {secs} outside the period");
        let day = secs.div_euclid(DAY);
        let rest = secs.rem_euclid(DAY) as u64;
        self.buf[..10].copy_from_slice(cal.date(day));
        self.buf[10] = b' ';
        put_uint(&mut self.buf, 11, rest / 3_600, 2);
        self.buf[13] = b':';
        put_uint(&mut self.buf, 14, rest / 60 % 60, 2);
        self.buf[16] = b':';
        put_uint(&mut self.buf, 17, rest % 60, 2);
        &self.buf[..19]
    }
}

/// Writes `n` in decimal at `pos`, zero-padded to `width`; returns the end position.
fn put_uint(buf: &mut [u8], pos: usize, mut n: u64, width: usize) -> usize {
    let mut digits = [0u8; 20];
    let mut count = 0;
    loop {
        digits[count] = b'0' + (n % 10) as u8;
        count += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut at = pos;
    for _ in count..width {
        buf[at] = b'0';
        at += 1;
    }
    for i in (0..count).rev() {
        buf[at] = digits[i];
        at += 1;
    }
    at
}
