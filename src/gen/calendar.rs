//! Time inside the generated period, and the byte formatting of cells.
//!
//! Times are whole seconds since the period's first midnight (`i64`), days are whole days
//! since then. Every formatted date comes from a table built once with chrono, so the hot
//! loop never does calendar arithmetic and never allocates.

use chrono::{Datelike, Months, NaiveDate};

pub(crate) const MINUTE: i64 = 60;
pub(crate) const HOUR: i64 = 3_600;
pub(crate) const DAY: i64 = 86_400;

/// Contacts happen during working hours, 08:30–20:00.
const WORK_OPEN_SECS: i64 = 8 * HOUR + 30 * MINUTE;
const WORK_CLOSE_SECS: i64 = 20 * HOUR;

/// Longest period accepted: 100 years keeps every table small and every id width sane.
const MONTHS_MAX: u32 = 1_200;

pub(crate) struct Calendar {
    /// The period's first day (day 0).
    pub(crate) start: NaiveDate,
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
            return Err(format!(
                "--months must be between 1 and {MONTHS_MAX}, got {months}"
            ));
        }
        let start = NaiveDate::from_ymd_opt(start_year, start_month, 1).ok_or_else(|| {
            format!("start {start_year}-{start_month} is not a valid year and month (month 1-12)")
        })?;
        let end = start
            .checked_add_months(Months::new(months))
            .ok_or("the period ends outside the supported date range")?;
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
                return Err(format!("year {} cannot be written as YYYY", day.year()));
            }
            cell.copy_from_slice(text.as_bytes());
            dates.push(cell);
            let month_index =
                (day.year() - start.year()) * 12 + day.month() as i32 - start.month() as i32;
            month_of_day.push(month_index as u16);
            year_of_day.push(day.year());
            day = day
                .succ_opt()
                .ok_or("the period ends outside the supported date range")?;
        }
        Ok(Calendar {
            start,
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

    /// `YYYY-MM-DD` of any day, inside the period or not (a due date may lie after it).
    /// Slower than [`Calendar::date`]: for the few rows that need it.
    pub(crate) fn date_any(&self, day: i64) -> String {
        (self.start + chrono::Days::new(day.max(0) as u64))
            .format("%Y-%m-%d")
            .to_string()
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
    /// "+ 1 year" of DOMAIN.md section 14's renewal window. Any day after the period's
    /// start; the answer may lie after the period.
    pub(crate) fn plus_year(&self, day: i64) -> i64 {
        let date = self.start + chrono::Days::new(day.max(0) as u64);
        let next = date
            .checked_add_months(Months::new(12))
            .expect("a year after a supported date is supported");
        (next - self.start).num_days()
    }

    /// Whether a time lies inside the period (nothing outside it is ever written).
    pub(crate) fn contains(&self, secs: i64) -> bool {
        (0..self.end_secs).contains(&secs)
    }
}

/// Moves a time into working hours (08:30 to 19:59): before opening it moves to the
/// first 90 minutes of the same day, from closing on to the first two hours of the next.
pub(crate) fn fit_working(rng: &super::rng::Rand, secs: i64) -> i64 {
    let day = secs.div_euclid(DAY);
    let time_of_day = secs.rem_euclid(DAY);
    if time_of_day < WORK_OPEN_SECS {
        day * DAY + WORK_OPEN_SECS + rng.range(0, 90 * MINUTE)
    } else if time_of_day >= WORK_CLOSE_SECS {
        (day + 1) * DAY + WORK_OPEN_SECS + rng.range(0, 120 * MINUTE)
    } else {
        secs
    }
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
