//! The payout statement as an Excel workbook (issue 15, item 1), written with
//! `rust_xlsxwriter`: what finance files and pays from.
//!
//! Sheets, in order:
//!
//! 1. the statement: a title block (month, status open/closed, closed at, the SHA-256 of the
//!    closed statement, changes since close) and the totals, as formulas over the sheets
//!    below whose cached values are the engine's figures to the fen (an application that
//!    does not recalculate shows those; one that does gets the same);
//! 2. people: what each person receives (amount, adjustment, payable);
//! 3. lines: one row per tier, period and department, the contract's columns;
//! 4. prior-period adjustments, and 5. changes since close (empty tables when there are
//!    none, so that every month's workbook has the same sheets).
//!
//! Cells are typed: amounts are numbers (yuan, exact to the fen: fen / 100 is the double
//! nearest the decimal) shown with two decimals, counts are numbers, dates are dates, periods
//! and ids are text. Every table has its header frozen and an autofilter. Headers, sheet
//! names and the names of tiers, departments and outcomes follow the language.
//!
//! *Reproducible:* the same statement and language give the same bytes. The workbook's
//! creation time, the one clock rust_xlsxwriter would read, is set from the statement
//! (the close's time for a closed month, else the month's last day), and its zip entries
//! carry a fixed time of their own (rust_xlsxwriter's packager).
//!
//! The dealership's name is the rules' `[report] dealership` (the store holds none).

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Formula, Workbook, Worksheet, XlsxError,
};

use super::{Lang, name, plural, t, word};
use crate::kpi::payouts::{AdjustmentLine, Statement};
use crate::model::{Day, Fen};

/// rust_xlsxwriter refused to build the workbook: a cell beyond Excel's limits (a text of
/// more than 32 767 characters, say). Nothing was written.
#[derive(Debug, thiserror::Error)]
#[error("{}", crate::say!(
    "cannot write the statement as xlsx: {cause}",
    "无法把结算单写成 xlsx：{cause}",
    cause = .0
))]
pub struct XlsxFailure(String);

impl From<XlsxError> for XlsxFailure {
    fn from(e: XlsxError) -> XlsxFailure {
        XlsxFailure(e.to_string())
    }
}

/// The number format of money: yuan with both fen digits.
pub const MONEY_FORMAT: &str = "0.00";

/// The number format of dates.
const DATE_FORMAT: &str = "yyyy-mm-dd";

/// The number format of the close's time.
const TIME_FORMAT: &str = "yyyy-mm-dd hh:mm:ss";

/// The sheets' names, in order: statement, people, lines, prior-period adjustments, changes
/// since close, and the explanation of each line.
pub fn sheet_names(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::En => [
            "Statement",
            "People",
            "Lines",
            "Adjustments",
            "Changes since close",
            "Explain",
        ],
        Lang::Zh => [
            "结算单",
            "人员",
            "明细",
            "以前期间调整",
            "结账后变动",
            "说明",
        ],
    }
}

/// The rows of the title block (column A label, column B value) that carry a total, by the
/// key the test and a reader look them up with: the label's row is found by its position
/// in [`TITLE_KEYS`].
pub const TITLE_KEYS: [&str; 12] = [
    "dealership",
    "month",
    "status",
    "closed_at",
    "sha256",
    "changes_since_close_total",
    "total",
    "adjustments_total",
    "payable_total",
    "lines_total",
    "people",
    "lines",
];

/// The first row of the title block's keys (row 0 is the title, row 1 is empty).
pub const TITLE_FIRST_ROW: u32 = 2;

fn title_label(key: &str, lang: Lang) -> &'static str {
    match key {
        "dealership" => t(lang, "Dealership", "经销店"),
        "month" => t(lang, "Month", "月份"),
        "status" => t(lang, "Status", "状态"),
        "closed_at" => t(lang, "Closed at", "结账时间"),
        "sha256" => t(lang, "SHA-256 of the closed statement", "结账单 SHA-256"),
        "changes_since_close_total" => t(lang, "Changes since close", "结账后变动"),
        "total" => t(lang, "Total (people)", "合计（人员）"),
        "adjustments_total" => t(lang, "Prior-period adjustments", "以前期间调整"),
        "payable_total" => t(lang, "Payable", "应付合计"),
        "lines_total" => t(lang, "Total (lines)", "合计（明细）"),
        "people" => t(lang, "People", "人数"),
        "lines" => t(lang, "Lines", "明细行数"),
        _ => unreachable!("every title key has a label"),
    }
}

/// The formats of the workbook, made once.
struct Formats {
    title: Format,
    header: Format,
    label: Format,
    money: Format,
    date: Format,
    time: Format,
    money_total: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new().set_bold().set_align(FormatAlign::Center),
            label: Format::new().set_bold(),
            money: Format::new().set_num_format(MONEY_FORMAT),
            date: Format::new().set_num_format(DATE_FORMAT),
            time: Format::new()
                .set_num_format(TIME_FORMAT)
                .set_align(FormatAlign::Left),
            money_total: Format::new().set_num_format(MONEY_FORMAT).set_bold(),
        }
    }
}

/// Fen as the yuan a cell holds: fen / 100, the double nearest the decimal amount (the
/// division is correctly rounded, and fen below 2^53 are exact).
pub fn yuan(fen: Fen) -> f64 {
    fen.0 as f64 / 100.0
}

fn excel_day(day: Day) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    let d = day.to_naive();
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

/// A sheet's name quoted for a formula (`'人员'!D2:D9`).
fn quoted(sheet: &str) -> String {
    format!("'{}'", sheet.replace('\'', "''"))
}

/// The column letter of a 0-based column (the sheets have fewer than 26 columns).
fn column(col: u16) -> char {
    debug_assert!(col < 26);
    char::from(b'A' + col as u8)
}

/// `SUM` over rows 2.. of a column of a sheet with `rows` data rows (an empty table sums
/// its one empty row: 0).
fn sum_formula(sheet: &str, col: u16, rows: usize) -> String {
    let last = rows.max(1) + 1;
    let c = column(col);
    format!("SUM({}!{c}2:{c}{last})", quoted(sheet))
}

/// A formula with the engine's figure as its cached value.
fn total_formula(formula: String, cached: Fen) -> Formula {
    Formula::new(formula).set_result(cached.to_string())
}

/// Writes a table's header, freezes it, and sets widths and the autofilter over `rows` data
/// rows.
fn table_frame(
    sheet: &mut Worksheet,
    header: &[&str],
    widths: &[f64],
    rows: usize,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (col, (text, width)) in header.iter().zip(widths).enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *text, &f.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows as u32, header.len() as u16 - 1)?;
    // Printed (or saved as PDF) across the page, however many pages down, the header on
    // each: a table split column-wise onto separate pages cannot be read.
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

/// The statement as an xlsx workbook, in `lang` (see the module's documentation).
pub fn statement_xlsx(s: &Statement, lang: Lang, dealership: &str) -> Result<Vec<u8>, XlsxFailure> {
    let f = Formats::new();
    let names = sheet_names(lang);
    let mut book = Workbook::new();
    let created = match &s.closed {
        Some(c) => ExcelDateTime::parse_from_str(&c.closed_at).ok(),
        None => None,
    };
    let created = match created {
        Some(at) => at,
        None => {
            let last = crate::model::Period::parse_month(&s.month)
                .map(|m| m.last)
                .map_err(XlsxFailure)?;
            excel_day(last)?
        }
    };
    let title = match (lang, dealership.is_empty()) {
        (Lang::En, true) => format!("Reward and fine statement {}", s.month),
        (Lang::En, false) => format!("{dealership}: reward and fine statement {}", s.month),
        (Lang::Zh, true) => format!("奖罚结算 {}", s.month),
        (Lang::Zh, false) => format!("{dealership} 奖罚结算 {}", s.month),
    };
    book.set_properties(
        &DocProperties::new()
            .set_title(title.as_str())
            .set_creation_datetime(&created),
    );

    // The sheets of tables first, so that the title block can refer to them; the title
    // block is moved first below.
    let title_sheet = book.add_worksheet();
    title_sheet.set_name(names[0])?;

    let people = book.add_worksheet();
    people.set_name(names[1])?;
    write_people(people, s, lang, &f)?;

    let lines = book.add_worksheet();
    lines.set_name(names[2])?;
    write_lines(lines, s, lang, &f)?;

    let adjustments = book.add_worksheet();
    adjustments.set_name(names[3])?;
    write_adjustments(adjustments, &s.adjustments, lang, &f)?;

    let changes = book.add_worksheet();
    changes.set_name(names[4])?;
    write_adjustments(changes, &s.changes_since_close, lang, &f)?;

    let explain = book.add_worksheet();
    explain.set_name(names[5])?;
    write_explain(explain, s, lang, &f)?;

    let sheet = book.worksheet_from_index(0)?;
    write_title_block(sheet, s, lang, &title, dealership, &names, &f)?;
    // The title block prints on one page, labels beside their values.
    sheet.set_print_fit_to_pages(1, 1);
    Ok(book.save_to_buffer()?)
}

fn write_title_block(
    sheet: &mut Worksheet,
    s: &Statement,
    lang: Lang,
    title: &str,
    dealership: &str,
    names: &[&str; 6],
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, title, &f.title)?;
    sheet.set_column_width(0, 34)?;
    sheet.set_column_width(1, 68)?;
    for (i, key) in TITLE_KEYS.iter().enumerate() {
        let row = TITLE_FIRST_ROW + i as u32;
        sheet.write_string_with_format(row, 0, title_label(key, lang), &f.label)?;
        match *key {
            // `[report] dealership` of the rules; empty when none is set.
            "dealership" => {
                if !dealership.is_empty() {
                    sheet.write_string(row, 1, dealership)?;
                }
            }
            "month" => {
                sheet.write_string(row, 1, &s.month)?;
            }
            "status" => {
                let status = match (&s.closed, lang) {
                    (Some(_), Lang::En) => "closed",
                    (None, Lang::En) => "open",
                    (Some(_), Lang::Zh) => "已结账",
                    (None, Lang::Zh) => "未结账",
                };
                sheet.write_string(row, 1, status)?;
            }
            "closed_at" => {
                if let Some(c) = &s.closed {
                    match ExcelDateTime::parse_from_str(&c.closed_at) {
                        Ok(at) => sheet.write_datetime_with_format(row, 1, &at, &f.time)?,
                        Err(_) => sheet.write_string(row, 1, &c.closed_at)?,
                    };
                }
            }
            "sha256" => {
                if let Some(c) = &s.closed {
                    sheet.write_string(row, 1, &c.sha256)?;
                }
            }
            "changes_since_close_total" => {
                if s.closed.is_some() {
                    sheet.write_formula_with_format(
                        row,
                        1,
                        total_formula(
                            sum_formula(names[4], 6, s.changes_since_close.len()),
                            s.changes_since_close_total.unwrap_or_default(),
                        ),
                        &f.money_total,
                    )?;
                }
            }
            "total" => {
                sheet.write_formula_with_format(
                    row,
                    1,
                    total_formula(sum_formula(names[1], 3, s.people.len()), s.total),
                    &f.money_total,
                )?;
            }
            "adjustments_total" => {
                sheet.write_formula_with_format(
                    row,
                    1,
                    total_formula(
                        sum_formula(names[3], 6, s.adjustments.len()),
                        s.adjustments_total.unwrap_or_default(),
                    ),
                    &f.money_total,
                )?;
            }
            "payable_total" => {
                // Total plus adjustments, by the cells above: what the engine adds.
                let total_row = TITLE_FIRST_ROW + 1 + position("total");
                let adjustments_row = TITLE_FIRST_ROW + 1 + position("adjustments_total");
                sheet.write_formula_with_format(
                    row,
                    1,
                    total_formula(
                        format!("B{total_row}+B{adjustments_row}"),
                        s.payable_total.unwrap_or(s.total),
                    ),
                    &f.money_total,
                )?;
            }
            "lines_total" => {
                sheet.write_formula_with_format(
                    row,
                    1,
                    total_formula(sum_formula(names[2], 10, s.lines.len()), s.total),
                    &f.money_total,
                )?;
            }
            "people" => {
                sheet.write_number(row, 1, s.people.len() as f64)?;
            }
            "lines" => {
                sheet.write_number(row, 1, s.lines.len() as f64)?;
            }
            _ => unreachable!("every title key is written"),
        }
    }
    Ok(())
}

/// The row index of a title key within [`TITLE_KEYS`].
fn position(key: &str) -> u32 {
    TITLE_KEYS
        .iter()
        .position(|k| *k == key)
        .expect("a title key") as u32
}

fn write_people(
    sheet: &mut Worksheet,
    s: &Statement,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let header = [
        word(lang, "staff"),
        word(lang, "name"),
        word(lang, "department"),
        word(lang, "amount"),
        t(lang, "adjustment", "调整"),
        t(lang, "payable", "应付"),
    ];
    table_frame(
        sheet,
        &header,
        &[12.0, 14.0, 16.0, 12.0, 12.0, 12.0],
        s.people.len(),
        f,
    )?;
    for (i, p) in s.people.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &p.staff_id)?;
        sheet.write_string(row, 1, &p.name)?;
        sheet.write_string(row, 2, name(&p.department, lang))?;
        sheet.write_number_with_format(row, 3, yuan(p.amount), &f.money)?;
        sheet.write_number_with_format(row, 4, yuan(p.adjustment.unwrap_or_default()), &f.money)?;
        sheet.write_number_with_format(
            row,
            5,
            yuan(super::statement::person_payable(p)),
            &f.money,
        )?;
    }
    Ok(())
}

fn write_lines(
    sheet: &mut Worksheet,
    s: &Statement,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let header = [
        word(lang, "period"),
        t(lang, "from", "起"),
        t(lang, "to", "止"),
        t(lang, "tier", "客户级别"),
        word(lang, "department"),
        t(lang, "surveys", "调查数"),
        t(lang, "satisfied", "满意数"),
        t(lang, "outcome", "结果"),
        word(lang, "per member"),
        word(lang, "members"),
        word(lang, "amount"),
    ];
    table_frame(
        sheet,
        &header,
        &[10.0, 12.0, 12.0, 12.0, 16.0, 9.0, 9.0, 9.0, 11.0, 8.0, 12.0],
        s.lines.len(),
        f,
    )?;
    for (i, l) in s.lines.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &l.period.label)?;
        sheet.write_datetime_with_format(row, 1, &excel_day(l.period.first)?, &f.date)?;
        sheet.write_datetime_with_format(row, 2, &excel_day(l.period.last)?, &f.date)?;
        sheet.write_string(row, 3, name(l.tier.as_str(), lang))?;
        sheet.write_string(row, 4, name(&l.department, lang))?;
        sheet.write_number(row, 5, l.surveys as f64)?;
        sheet.write_number(row, 6, l.satisfied as f64)?;
        sheet.write_string(row, 7, outcome_name(l.outcome.as_str(), lang))?;
        sheet.write_number_with_format(row, 8, yuan(l.per_member), &f.money)?;
        sheet.write_number(row, 9, l.members as f64)?;
        sheet.write_number_with_format(row, 10, yuan(l.amount), &f.money)?;
    }
    Ok(())
}

/// One row per line: the arithmetic behind its amount in words ("why was I fined"), as
/// `explain payout` gives it, from the statement's own figures.
fn write_explain(
    sheet: &mut Worksheet,
    s: &Statement,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let header = [
        word(lang, "period"),
        t(lang, "tier", "客户级别"),
        word(lang, "department"),
        t(lang, "how the amount comes about", "金额的由来"),
        word(lang, "amount"),
    ];
    table_frame(
        sheet,
        &header,
        &[10.0, 12.0, 16.0, 90.0, 12.0],
        s.lines.len(),
        f,
    )?;
    for (i, l) in s.lines.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &l.period.label)?;
        sheet.write_string(row, 1, name(l.tier.as_str(), lang))?;
        sheet.write_string(row, 2, name(&l.department, lang))?;
        sheet.write_string(row, 3, explain_line(l, lang))?;
        sheet.write_number_with_format(row, 4, yuan(l.amount), &f.money)?;
    }
    Ok(())
}

/// `7 of 9 surveys satisfied (77.8%) → fine: -100.00 per member × 7 members = -700.00`.
fn explain_line(l: &crate::kpi::payouts::PayoutLine, lang: Lang) -> String {
    use crate::kpi::payouts::PayoutOutcome;
    let share = super::percent(l.satisfied, l.surveys);
    let r = &l.shaped_by;
    let members = match (r.member_days, r.period_days, lang) {
        (Some(days), Some(period), Lang::En) => {
            format!(
                "{}, {} of {period} days",
                plural(l.members, "member", "members"),
                plural(days, "member-day", "member-days")
            )
        }
        (Some(days), Some(period), Lang::Zh) => {
            format!("{} 人，按在职天数 {days} 人天 / {period} 天", l.members)
        }
        (_, _, Lang::En) => plural(l.members, "member", "members"),
        (_, _, Lang::Zh) => format!("{} 人", l.members),
    };
    let shared = match (&r.shared_by, lang) {
        (Some(d), Lang::En) => format!(
            "; shared by {}",
            d.iter()
                .map(|d| name(d, lang))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (Some(d), Lang::Zh) => format!(
            "；由{}分摊",
            d.iter()
                .map(|d| name(d, lang))
                .collect::<Vec<_>>()
                .join("、")
        ),
        (None, _) => String::new(),
    };
    match (l.outcome, lang) {
        (PayoutOutcome::None, Lang::En) if r.sample_too_small => format!(
            "{}: sample too small, neither reward nor fine{shared}",
            plural(l.surveys, "survey", "surveys")
        ),
        (PayoutOutcome::None, Lang::Zh) if r.sample_too_small => {
            format!("{} 份问卷：样本不足，不奖不罚{shared}", l.surveys)
        }
        (PayoutOutcome::None, Lang::En) => format!(
            "{} of {} satisfied ({share}): neither reward nor fine{shared}",
            l.satisfied,
            plural(l.surveys, "survey", "surveys")
        ),
        (PayoutOutcome::None, Lang::Zh) => format!(
            "满意 {} / {} 份（{share}）：不奖不罚{shared}",
            l.satisfied, l.surveys
        ),
        (outcome, Lang::En) => format!(
            "{} of {} satisfied ({share}) → {}: {} per member × {members} = {}{shared}",
            l.satisfied,
            plural(l.surveys, "survey", "surveys"),
            outcome_name(outcome.as_str(), lang),
            l.per_member,
            l.amount
        ),
        (outcome, Lang::Zh) => format!(
            "满意 {} / {} 份（{share}）→ {}：每人 {} × {members} = {}{shared}",
            l.satisfied,
            l.surveys,
            outcome_name(outcome.as_str(), lang),
            l.per_member,
            l.amount
        ),
    }
}

fn outcome_name(outcome: &str, lang: Lang) -> &str {
    match outcome {
        "reward" => t(lang, "reward", "奖励"),
        "fine" => t(lang, "fine", "罚款"),
        "none" => t(lang, "none", "无"),
        other => other,
    }
}

fn write_adjustments(
    sheet: &mut Worksheet,
    list: &[AdjustmentLine],
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let header = super::payouts::adjustment_header(lang);
    table_frame(
        sheet,
        &header,
        &[10.0, 10.0, 12.0, 16.0, 12.0, 12.0, 12.0],
        list.len(),
        f,
    )?;
    for (i, a) in list.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &a.adjusts)?;
        sheet.write_string(row, 1, &a.period)?;
        sheet.write_string(row, 2, name(&a.tier, lang))?;
        sheet.write_string(row, 3, name(&a.department, lang))?;
        sheet.write_number_with_format(row, 4, yuan(a.paid), &f.money)?;
        sheet.write_number_with_format(row, 5, yuan(a.now), &f.money)?;
        sheet.write_number_with_format(row, 6, yuan(a.amount), &f.money)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_cells_are_the_nearest_double_and_read_back_to_the_fen() {
        for fen in [
            0,
            1,
            -1,
            5,
            10,
            15_000,
            -15_000,
            12_345_678_901,
            -99,
            100_000_000_000_007,
        ] {
            let back = (yuan(Fen(fen)) * 100.0).round() as i64;
            assert_eq!(back, fen);
            // The shortest text of the double is the decimal amount (what the cell holds).
            let text = format!("{}", yuan(Fen(fen)));
            assert_eq!(Fen::parse_signed(&text).unwrap().0, fen, "{text}");
        }
    }

    #[test]
    fn sums_name_their_sheet_quoted_and_an_empty_table_sums_one_empty_row() {
        assert_eq!(sum_formula("人员", 3, 4), "SUM('人员'!D2:D5)");
        assert_eq!(sum_formula("People", 10, 0), "SUM('People'!K2:K2)");
    }
}
