//! Value types of the interchange files: money, dates, datetimes, ids, tokens, booleans.
//!
//! Every parser here is strict and total: it accepts exactly the formats of DOMAIN.md section 2
//! and returns a reason a person can act on otherwise. Money never passes through a float.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// An amount of money in integer fen (1 yuan = 100 fen).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub i64);

/// The largest number of yuan digits accepted, so that sums of millions of amounts stay far
/// from `i64::MAX` (10^13 yuan = 10^15 fen; 10^3 of them still fit).
const YUAN_DIGITS_MAX: usize = 13;

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Parses decimal yuan, `\d+(\.\d{1,2})?`.
    pub fn parse(text: &str) -> Result<Fen, String> {
        let (whole, frac) = match text.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (text, None),
        };
        let bad = || {
            crate::say!(
                "`{text}` is not an amount of yuan; write digits with at most two decimals, e.g. 380 or 191370.50 (no sign, no thousands separator, no currency symbol)",
                "`{text}` 不是以元为单位的金额；请只写数字，最多两位小数，例如 380 或 191370.50（不带正负号、千位分隔符和货币符号）"
            )
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if whole.len() > YUAN_DIGITS_MAX {
            return Err(crate::say!(
                "`{text}` is too large (at most {YUAN_DIGITS_MAX} digits of yuan)",
                "`{text}` 太大（元的部分最多 {YUAN_DIGITS_MAX} 位数字）"
            ));
        }
        let mut fen: i64 = whole.parse::<i64>().map_err(|_| bad())? * 100;
        if let Some(frac) = frac {
            if frac.is_empty() || frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let digits: i64 = frac.parse().map_err(|_| bad())?;
            fen += if frac.len() == 1 { digits * 10 } else { digits };
        }
        Ok(Fen(fen))
    }
}

impl Fen {
    /// Parses yuan with an optional leading `-` (stored statements, adjustments).
    pub fn parse_signed(text: &str) -> Result<Fen, String> {
        match text.strip_prefix('-') {
            // At most 13 digits of yuan: the negation is in range.
            Some(rest) => Fen::parse(rest).map(|f| Fen(-f.0)),
            None => Fen::parse(text),
        }
    }

    /// `self + rhs`, `None` when the sum leaves i64 fen.
    pub fn checked_add(self, rhs: Fen) -> Option<Fen> {
        self.0.checked_add(rhs.0).map(Fen)
    }

    /// `self − rhs`, `None` when the difference leaves i64 fen.
    pub fn checked_sub(self, rhs: Fen) -> Option<Fen> {
        self.0.checked_sub(rhs.0).map(Fen)
    }

    /// `−self`, `None` for the one amount whose negation leaves i64 (`i64::MIN` fen).
    pub fn checked_neg(self) -> Option<Fen> {
        self.0.checked_neg().map(Fen)
    }

    /// `self × n`, for per-member amounts times members; `None` when the product leaves i64
    /// fen (or `n` does not fit in i64).
    pub fn checked_times(self, n: u64) -> Option<Fen> {
        let n = i64::try_from(n).ok()?;
        self.0.checked_mul(n).map(Fen)
    }

    /// The sum of amounts, `None` as soon as a partial sum leaves i64 fen. (A sum that
    /// would come back into range later is still refused: its order is arbitrary.)
    pub fn checked_sum<I: IntoIterator<Item = Fen>>(amounts: I) -> Option<Fen> {
        amounts
            .into_iter()
            .try_fold(Fen::ZERO, |sum, amount| sum.checked_add(amount))
    }

    /// The exact sum in i128, for totals that are only shown or compared (a report's TOTAL
    /// row, a gate's sum of lines): fewer than 2^64 amounts of at most 2^63 fen cannot
    /// overflow i128 (2^127), so no check is needed.
    pub fn total_i128<I: IntoIterator<Item = Fen>>(amounts: I) -> i128 {
        amounts.into_iter().map(|f| i128::from(f.0)).sum()
    }

    /// [`Fen::checked_add`], naming the figure in the error.
    pub fn add_or(self, rhs: Fen, figure: impl FnOnce() -> String) -> Result<Fen, MoneyOverflow> {
        self.checked_add(rhs)
            .ok_or_else(|| MoneyOverflow { figure: figure() })
    }

    /// [`Fen::checked_sub`], naming the figure in the error.
    pub fn sub_or(self, rhs: Fen, figure: impl FnOnce() -> String) -> Result<Fen, MoneyOverflow> {
        self.checked_sub(rhs)
            .ok_or_else(|| MoneyOverflow { figure: figure() })
    }

    /// [`Fen::checked_sum`], naming the figure in the error.
    pub fn try_sum<I: IntoIterator<Item = Fen>>(
        amounts: I,
        figure: impl FnOnce() -> String,
    ) -> Result<Fen, MoneyOverflow> {
        Fen::checked_sum(amounts).ok_or_else(|| MoneyOverflow { figure: figure() })
    }
}

/// A figure of money beyond what i64 fen hold (92 233 720 368 547 758.07 yuan). An amount
/// read from a file is at most 13 digits of yuan (under 10^15 fen), so it takes more than
/// 9 000 of the largest amounts in one figure: the amounts are wrong, and the message says
/// where to look.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::say!(
    "{figure} is beyond the largest amount careledger can hold ({max} yuan): the amounts it adds up are implausibly large; check them in the files imported (sales.csv amount, service_orders.csv revenue) and correct them with `import --amend`",
    "{figure} 超出了 careledger 能容纳的最大金额（{max} 元）：累加的金额大得不合理；请在导入的文件中核对它们（sales.csv 的 amount 列、service_orders.csv 的 revenue 列），并用 `import --amend` 改正",
    figure = .figure,
    max = Fen(i64::MAX)
))]
pub struct MoneyOverflow {
    /// What was being summed, e.g. `recovery revenue of 2024-11`.
    pub figure: String,
}

/// Money in JSON is a string of yuan with two decimals (DOMAIN.md section 9).
impl serde::Serialize for Fen {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Fen {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Fen, D::Error> {
        let text = String::deserialize(d)?;
        Fen::parse_signed(&text).map_err(serde::de::Error::custom)
    }
}

/// Yuan with exactly two decimals, `-150.00`; zero is always `0.00`, never `-0.00`.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

// Fen has no `+`, `-`, unary `-` or `Sum`: in a release build they would wrap silently, and
// finance pays from these figures. Every sum goes through the checked operations above.

/// A calendar date, as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

/// A local wall-clock time of the dealership (no zone: China has no daylight saving), as
/// seconds since 1970-01-01 00:00:00 of the same wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

const SECONDS_PER_DAY: i64 = 86_400;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("1970-01-01 is a date")
}

impl Day {
    pub fn from_naive(date: NaiveDate) -> Day {
        Day((date - epoch()).num_days() as i32)
    }

    pub fn to_naive(self) -> NaiveDate {
        epoch() + chrono::Duration::days(i64::from(self.0))
    }

    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        NaiveDate::from_ymd_opt(year, month, day).map(Day::from_naive)
    }

    /// Parses a date: `YYYY-MM-DD`, or the forms Excel re-saves (`2025/4/10`, `2025-4-10`):
    /// `/` instead of `-`, month and day with or without a leading zero, year first with four
    /// digits (DOMAIN.md section 2).
    pub fn parse(text: &str) -> Result<Day, String> {
        parse_date_part(text).ok_or_else(|| {
            crate::say!(
                "`{text}` is not a date; write YYYY-MM-DD, e.g. 2024-03-01 (2024/3/1 works too)",
                "`{text}` 不是日期；请写成 YYYY-MM-DD，例如 2024-03-01（2024/3/1 也可以）"
            )
        })
    }

    /// Midnight at the start of this date.
    pub fn start(self) -> Timestamp {
        Timestamp(i64::from(self.0) * SECONDS_PER_DAY)
    }

    pub fn year(self) -> i32 {
        self.to_naive().year()
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.to_naive();
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

impl Timestamp {
    pub fn from_naive(dt: NaiveDateTime) -> Timestamp {
        Timestamp(Day::from_naive(dt.date()).start().0 + i64::from(dt.num_seconds_from_midnight()))
    }

    /// The date this moment falls on.
    pub fn day(self) -> Day {
        Day(self.0.div_euclid(SECONDS_PER_DAY) as i32)
    }

    /// Parses `YYYY-MM-DD HH:MM[:SS]`, with `T` allowed instead of the space, and the forms
    /// Excel re-saves: `/` instead of `-`, month, day and hour without a leading zero
    /// (`2025/4/10 9:05`, `2025-4-10 9:05:00`). Minutes and seconds keep their two digits;
    /// the year comes first and has four (DOMAIN.md section 2).
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        let bad = || {
            crate::say!(
                "`{text}` is not a date and time; write YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS, e.g. 2024-01-15 10:30 (2024/1/15 10:30 works too)",
                "`{text}` 不是日期时间；请写成 YYYY-MM-DD HH:MM 或 YYYY-MM-DD HH:MM:SS，例如 2024-01-15 10:30（2024/1/15 10:30 也可以）"
            )
        };
        let (date, time) = text
            .split_once(' ')
            .or_else(|| text.split_once('T'))
            .ok_or_else(bad)?;
        let day = parse_date_part(date).ok_or_else(bad)?;
        let mut parts = time.split(':');
        let hour = parts.next().and_then(one_or_two_digits).filter(|&h| h < 24);
        let minute = parts.next().and_then(two_digits_str).filter(|&m| m < 60);
        let second = match parts.next() {
            None => Some(0),
            Some(s) => two_digits_str(s).filter(|&s| s < 60),
        };
        match (hour, minute, second, parts.next()) {
            (Some(h), Some(m), Some(s), None) => {
                Ok(Timestamp(day.start().0 + i64::from(h * 3600 + m * 60 + s)))
            }
            _ => Err(bad()),
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS`, the canonical form the export writes.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(SECONDS_PER_DAY);
        write!(
            f,
            "{} {:02}:{:02}:{:02}",
            self.day(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

/// Exactly two ASCII digits.
fn two_digits_str(text: &str) -> Option<u32> {
    match text.as_bytes() {
        [x, y] if x.is_ascii_digit() && y.is_ascii_digit() => {
            Some(u32::from(x - b'0') * 10 + u32::from(y - b'0'))
        }
        _ => None,
    }
}

/// One or two ASCII digits (a month, day or hour as Excel writes it).
fn one_or_two_digits(text: &str) -> Option<u32> {
    match text.as_bytes() {
        [x] if x.is_ascii_digit() => Some(u32::from(x - b'0')),
        _ => two_digits_str(text),
    }
}

/// `YYYY-MM-DD`, or with `/` for both separators, month and day with one or two digits.
fn parse_date_part(text: &str) -> Option<Day> {
    let separator = if text.contains('/') { '/' } else { '-' };
    let mut parts = text.split(separator);
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    Day::from_ymd(year, one_or_two_digits(month)?, one_or_two_digits(day)?)
}

/// The longest id accepted, in bytes.
pub const ID_BYTES_MAX: usize = 64;

/// Checks an id: 1–64 bytes, no control characters, no leading or trailing spaces.
///
/// "Control characters" here are all [hidden characters](super::privacy::is_hidden_char):
/// besides C0/C1 controls (ESC, BEL, tab …), the bidi overrides and isolates, zero-width
/// characters and the byte-order mark. An id is shown on screens, searched for and matched
/// across files; one that looks like another id, or that can rewrite a terminal, is refused.
/// The message shows the id with those characters escaped (`C\u{1b}1`), never raw.
pub fn check_id(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err(crate::voice::pick("the id is empty", "编号为空").into());
    }
    if text.len() > ID_BYTES_MAX {
        return Err(crate::say!(
            "the id is {} bytes long; ids are at most {ID_BYTES_MAX} bytes",
            "编号长 {} 字节；编号最多 {ID_BYTES_MAX} 字节",
            text.len()
        ));
    }
    if let Some(hidden) = text.chars().find(|&c| super::privacy::is_hidden_char(c)) {
        return Err(crate::say!(
            "`{}` holds the invisible or control character U+{:04X}; ids may not, remove it",
            "`{}` 含有不可见字符或控制字符 U+{:04X}；编号中不能有它，请删除",
            super::privacy::echo(text),
            u32::from(hidden)
        ));
    }
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return Err(crate::say!(
            "`{}` starts or ends with a space; remove it",
            "`{}` 开头或结尾有空格；请删除",
            super::privacy::echo(text)
        ));
    }
    check_not_excel_scientific(text)
}

/// Refuses a cell that is a number as Excel shows a long one in scientific notation
/// (`1.38E+10`, `2.02512E+11`). Excel writes an id or a phone number so when the file was
/// opened and saved again without the column formatted as text, and the digits it did not
/// show are gone: two ids may now read the same. No id or phone number is written this way.
pub fn check_not_excel_scientific(text: &str) -> Result<(), String> {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let scientific = text
        .split_once(['E', 'e'])
        .is_some_and(|(mantissa, exponent)| {
            let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
            whole.len() == 1
                && digits(whole)
                && digits(fraction)
                && exponent.strip_prefix('+').is_some_and(digits)
        });
    if scientific {
        return Err(crate::say!(
            "`{}` is a number as Excel shows it in scientific notation, and the digits it did not show are lost; export the file again, and open it in Excel through Data > From Text/CSV with this column set to Text",
            "`{}` 是 Excel 以科学计数法显示的数字，没有显示的位数已经丢失；请重新导出文件，在 Excel 中通过“数据 > 从文本/CSV”打开，并把这一列设为“文本”",
            super::privacy::echo(text)
        ));
    }
    Ok(())
}

/// Checks a token: `[a-z0-9_]+`.
pub fn check_token(text: &str) -> Result<(), String> {
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        Ok(())
    } else {
        Err(crate::say!(
            "`{text}` is not a token; use lower-case letters, digits and `_` only, e.g. after_sales",
            "`{text}` 不是有效的代码；只能用小写字母、数字和 `_`，例如 after_sales"
        ))
    }
}

/// Parses a `;`-separated token list; the empty cell is the empty list.
pub fn parse_tokens(text: &str) -> Result<Vec<String>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(';')
        .map(|t| check_token(t).map(|()| t.to_owned()))
        .collect()
}

/// Parses a boolean cell; `None` for the empty cell, whose meaning is the column's default.
/// `true` and `false` in any case: Excel re-saves them as `TRUE` and `FALSE`.
pub fn parse_bool(text: &str) -> Result<Option<bool>, String> {
    match text {
        "" => Ok(None),
        "1" | "是" => Ok(Some(true)),
        "0" | "否" => Ok(Some(false)),
        _ if text.eq_ignore_ascii_case("true") => Ok(Some(true)),
        _ if text.eq_ignore_ascii_case("false") => Ok(Some(false)),
        _ => Err(crate::say!(
            "`{text}` is not a boolean; write true/false, 1/0 or 是/否",
            "`{text}` 不是布尔值；请写 true/false、1/0 或 是/否"
        )),
    }
}

/// Parses a score, an integer 1–5.
pub fn parse_score(text: &str) -> Result<u8, String> {
    match text {
        "1" | "2" | "3" | "4" | "5" => Ok(text.as_bytes()[0] - b'0'),
        _ => Err(crate::say!(
            "`{text}` is not a score; write a whole number from 1 to 5",
            "`{text}` 不是分数；请写 1 到 5 的整数"
        )),
    }
}

/// Masks a phone number for display (`138****1234`): personal data under China's PIPL.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let head = if chars.len() >= 11 { 3 } else { 0 };
    let tail = 4;
    let hidden = chars.len() - head - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_excel_wrote_in_scientific_notation_are_refused() {
        for bad in ["1.38E+10", "2.02512E+11", "1E+15", "9.9e+5"] {
            assert!(check_not_excel_scientific(bad).is_err(), "{bad}");
            assert!(check_id(bad).is_err(), "{bad}");
        }
        for good in [
            "13800000000",
            "C1.38E+10",
            "1.38E10",
            "1.38E-10",
            "12.3E+4",
            "E+10",
            "1.E+10",
            "S2025E+1",
        ] {
            assert_eq!(check_not_excel_scientific(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn booleans_parse_as_written_and_as_excel_resaves_them() {
        for (text, expected) in [
            ("", None),
            ("true", Some(true)),
            ("TRUE", Some(true)),
            ("True", Some(true)),
            ("1", Some(true)),
            ("是", Some(true)),
            ("false", Some(false)),
            ("FALSE", Some(false)),
            ("0", Some(false)),
            ("否", Some(false)),
        ] {
            assert_eq!(parse_bool(text), Ok(expected), "{text}");
        }
        for bad in ["yes", "y", "t", "2", " true", "true ", "truE1", "是的"] {
            assert!(parse_bool(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn money_parses_exactly() {
        assert_eq!(Fen::parse("380"), Ok(Fen(38_000)));
        assert_eq!(Fen::parse("380.0"), Ok(Fen(38_000)));
        assert_eq!(Fen::parse("191370.50"), Ok(Fen(19_137_050)));
        assert_eq!(Fen::parse("0.07"), Ok(Fen(7)));
        assert_eq!(Fen::parse("0.7"), Ok(Fen(70)));
        for bad in [
            "",
            "-1",
            "1.",
            ".5",
            "1.234",
            "1,000",
            "¥5",
            "1e3",
            " 5",
            "99999999999999",
        ] {
            assert!(Fen::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn money_arithmetic_is_checked() {
        let max = Fen(i64::MAX);
        assert_eq!(Fen(150).checked_add(Fen(-200)), Some(Fen(-50)));
        assert_eq!(max.checked_add(Fen(1)), None);
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert_eq!(Fen(-5).checked_sub(Fen(-5)), Some(Fen::ZERO));
        assert_eq!(Fen(i64::MIN).checked_neg(), None);
        assert_eq!(Fen(-15_000).checked_neg(), Some(Fen(15_000)));
        // 100.00 yuan × 6 members = 600.00.
        assert_eq!(Fen(10_000).checked_times(6), Some(Fen(60_000)));
        // 10^15 fen × 9223 = 9.223 × 10^18 ≤ i64::MAX; × 9224 is beyond it.
        assert_eq!(
            Fen(1_000_000_000_000_000).checked_times(9_223),
            Some(Fen(9_223_000_000_000_000_000))
        );
        assert_eq!(Fen(1_000_000_000_000_000).checked_times(9_224), None);
        assert_eq!(Fen(1).checked_times(u64::MAX), None);
        assert_eq!(
            Fen(0).checked_times(u64::MAX),
            None,
            "u64::MAX members is not an i64"
        );
    }

    #[test]
    fn sums_of_the_largest_amounts_overflow_after_9223_of_them() {
        // The largest amount a file may hold: 13 digits of yuan and two decimals.
        let largest = Fen::parse("9999999999999.99").unwrap();
        assert_eq!(largest, Fen(999_999_999_999_999));
        // 9223 × 999 999 999 999 999 = 9 222 999 999 999 990 777 ≤ i64::MAX
        // (9 223 372 036 854 775 807); one more is 9 223 999 999 999 990 776 > i64::MAX.
        assert_eq!(
            Fen::checked_sum(std::iter::repeat_n(largest, 9_223)),
            Some(Fen(9_222_999_999_999_990_777))
        );
        assert_eq!(Fen::checked_sum(std::iter::repeat_n(largest, 9_224)), None);
        let e = Fen::try_sum(std::iter::repeat_n(largest, 9_224), || {
            "the recovery revenue of 2024-11".to_owned()
        })
        .unwrap_err();
        assert_eq!(e.figure, "the recovery revenue of 2024-11");
        assert!(
            e.to_string().starts_with(
                "the recovery revenue of 2024-11 is beyond the largest amount careledger can hold (92233720368547758.07 yuan)"
            ),
            "{e}"
        );
        // An exact total in i128 for what is only shown: 9224 of them, no wrap.
        assert_eq!(
            Fen::total_i128(std::iter::repeat_n(largest, 9_224)),
            9_223_999_999_999_990_776
        );
        assert_eq!(Fen::checked_sum([]), Some(Fen::ZERO));
        assert_eq!(Fen(7).add_or(Fen(-9), || unreachable!()), Ok(Fen(-2)));
        assert_eq!(
            Fen(i64::MIN).sub_or(Fen(1), || "x".into()),
            Err(MoneyOverflow { figure: "x".into() })
        );
    }

    #[test]
    fn money_formats_with_two_decimals_and_no_negative_zero() {
        assert_eq!(Fen(0).to_string(), "0.00");
        assert_eq!(Fen(-15_000).to_string(), "-150.00");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(Fen(19_137_050).to_string(), "191370.50");
    }

    #[test]
    fn datetimes_parse_both_separators_and_optional_seconds() {
        let a = Timestamp::parse("2024-07-13 09:00").unwrap();
        let b = Timestamp::parse("2024-07-13T09:00:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "2024-07-13 09:00:00");
        assert_eq!(a.day(), Day::parse("2024-07-13").unwrap());
        assert_eq!(
            Timestamp::parse("1970-01-02 00:00:01").unwrap(),
            Timestamp(86_401)
        );
        for bad in [
            "2024-07-13",
            "2024-02-30 09:00",
            "2024-07-13 24:00",
            "2024-07-13 09:00:60",
            "2024-07-13 09:00 ",
            "2024-07-13 9:5",
            "2024/07-13 09:00",
            "13/7/2024 09:00",
            "24-7-13 09:00",
            "2024-07-13 009:00",
            "2024-07-13 09:00:00:00",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    /// Excel re-saves dates with `/` and without leading zeros (DOMAIN.md section 2,
    /// revision 3); the year still comes first, with four digits.
    #[test]
    fn excel_date_forms_are_accepted_year_first() {
        let at = |t: &str| Timestamp::parse(t).map(|t| t.to_string());
        assert_eq!(at("2025/4/10 9:05"), Ok("2025-04-10 09:05:00".into()));
        assert_eq!(at("2025-4-10 9:05:00"), Ok("2025-04-10 09:05:00".into()));
        assert_eq!(at("2025/04/10 09:05:07"), Ok("2025-04-10 09:05:07".into()));
        assert_eq!(at("2025/4/1T23:59"), Ok("2025-04-01 23:59:00".into()));
        let day = |t: &str| Day::parse(t).map(|d| d.to_string());
        assert_eq!(day("2025/04/10"), Ok("2025-04-10".into()));
        assert_eq!(day("2025/4/1"), Ok("2025-04-01".into()));
        assert_eq!(day("2025-4-10"), Ok("2025-04-10".into()));
        for bad in [
            "10/4/2025",
            "4/10/2025",
            "2025/4/31",
            "2025/4-10",
            "2025//10",
            "25/4/10",
        ] {
            assert!(Day::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert!(Timestamp::parse("10/4/2025 9:05").is_err());
    }

    #[test]
    fn dates_before_1970_keep_their_day() {
        let d = Day::parse("1969-12-31").unwrap();
        assert_eq!(d, Day(-1));
        assert_eq!(d.to_string(), "1969-12-31");
        assert_eq!(Timestamp(-1).day(), Day(-1));
    }

    #[test]
    fn ids_and_tokens() {
        assert!(check_id("C00011").is_ok());
        assert!(check_id(" C1").is_err());
        assert!(check_id("C\t1").is_err());
        for hidden in [
            "C\u{1b}1",
            "C\u{7}1",
            "C\u{202e}1",
            "C\u{2066}1",
            "C\u{200b}1",
            "\u{feff}C1",
        ] {
            let reason = check_id(hidden).unwrap_err();
            assert!(
                !reason.contains(crate::model::privacy::is_hidden_char),
                "{reason}"
            );
        }
        assert_eq!(
            check_id("C\u{1b}1").unwrap_err(),
            "`C\\u{1b}1` holds the invisible or control character U+001B; ids may not, remove it"
        );
        assert!(check_id(&"x".repeat(65)).is_err());
        assert_eq!(parse_tokens("a;b_2"), Ok(vec!["a".into(), "b_2".into()]));
        assert!(parse_tokens("a;;b").is_err());
        assert!(parse_tokens("A").is_err());
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("87654321"), "****4321");
        assert_eq!(mask_phone("123"), "***");
    }
}
