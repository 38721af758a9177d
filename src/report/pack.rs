//! The manager's monthly report pack: every report in JSON, Markdown and CSV, every chart as
//! PNG and SVG, and an `index.html` that works offline (charts embedded, no external
//! resources). Building the pack is pure: it returns the files; the caller writes them.
//!
//! The pack is built in three steps, each in its own file: `load.rs` reads once the
//! figures of the month that more than one part of the pack shows (the reports filed beside
//! the page, the months the headline compares); `sections.rs` turns them into the page's
//! sections; `files.rs` lists the files beside the page (each report's JSON, Markdown and
//! CSV, the lapse model's JSON, the payouts workbook, each chart's PNG and SVG). The page is the shell of
//! [`super::html::page`] around the sections, in order, then the list of files.
//!
//! # Adding a section
//!
//! The page is a list of sections, `SECTIONS` in `sections.rs`: the headline cards, return
//! visits, complaints and actions, satisfaction, churn and recovery, about to lapse, care,
//! payouts, tiers.
//! Each is one function in its own file under `pack/sections/`, from the month's `Figures`
//! to a `Section`: its HTML, written with the blocks of [`super::html`], and the charts it
//! embeds (the pack files them beside the page as PNG and SVG, in the order of the page).
//! To add a section, add a file there with its function, and add the function to the list
//! where the page should show it; no other section changes. What only the new section
//! shows, it reads itself from the snapshot and the derivation in `Figures`; a figure
//! another part needs too belongs in `load.rs`, and a report filed beside the page in the
//! list of `files.rs`.
//!
//! *Architecture invariant:* `pack` → `html`, never the reverse. `html` holds the building
//! blocks (escaping, money, tables, figures, the page shell) and knows no report; the
//! sections and their order live here.

mod files;
mod load;
mod sections;

use super::Lang;
use crate::chart::ChartError;
use crate::derive::complaints::{ActionInput, ComplaintInput};
use crate::kpi::KpiError;
use crate::model::{MoneyOverflow, Period};
use crate::rules::Rules;
use crate::store::{Reader, StoreError};
use crate::worktime::WorkCalendar;

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A money figure beyond i64 fen: bad input (the message names the figure).
    #[error(transparent)]
    Overflow(#[from] MoneyOverflow),
    #[error(transparent)]
    Chart(#[from] ChartError),
    #[error(transparent)]
    Xlsx(#[from] super::xlsx::XlsxFailure),
}

impl From<KpiError> for PackError {
    fn from(e: KpiError) -> PackError {
        match e {
            KpiError::Store(e) => PackError::Store(e),
            KpiError::Overflow(e) => PackError::Overflow(e),
        }
    }
}

/// A file of the pack: its name in the pack folder and its bytes.
pub struct PackFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A chart of the pack and the stem of its files (`stem.png`, `stem.svg`).
pub struct PackChart {
    pub stem: &'static str,
    pub chart: crate::chart::Chart,
}

/// The complaints and actions the pack shows (DOMAIN.md sections 12–13), read by the caller
/// (every complaint and action in the store: the open counts and the trend reach back), with
/// the working calendar of the rules in force and `calendar.csv`.
#[derive(Clone, Copy, Debug)]
pub struct ComplaintsData<'a> {
    pub complaints: &'a [ComplaintInput],
    pub actions: &'a [ActionInput],
    pub calendar: &'a WorkCalendar,
}

/// Builds the pack of `month` from a snapshot, without the complaints section.
pub fn build(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    lang: Lang,
) -> Result<Vec<PackFile>, PackError> {
    assemble(reader, rules, month, lang, None, false)
}

/// Builds the pack of `month` from a snapshot, with the complaints and actions section fed
/// from `complaints`.
pub fn build_with(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    lang: Lang,
    complaints: Option<&ComplaintsData>,
) -> Result<Vec<PackFile>, PackError> {
    assemble(reader, rules, month, lang, complaints, false)
}

/// Builds the pack of `month` as one self-contained HTML page (`report all --single-file`):
/// the page of [`build`] with its charts embedded as `data:` URIs and no link to any other
/// file, so that it can be mailed or archived as it is. The JSON, Markdown and CSV are not
/// part of it.
pub fn build_single_file(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    lang: Lang,
) -> Result<Vec<u8>, PackError> {
    build_single_file_with(reader, rules, month, lang, None)
}

/// [`build_single_file`] with the complaints and actions section (see [`build_with`]).
pub fn build_single_file_with(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    lang: Lang,
    complaints: Option<&ComplaintsData>,
) -> Result<Vec<u8>, PackError> {
    let mut files = assemble(reader, rules, month, lang, complaints, true)?;
    let page = files.pop().expect("the page");
    debug_assert!(files.is_empty() && page.name == "index.html");
    Ok(page.bytes)
}

/// The files of the pack, the page last; a single file is the page alone (nothing beside
/// it for the page to link to).
fn assemble(
    reader: &Reader,
    rules: &Rules,
    month: &Period,
    lang: Lang,
    complaints: Option<&ComplaintsData>,
    single_file: bool,
) -> Result<Vec<PackFile>, PackError> {
    let figures = load::Figures::load(reader, rules, month, lang, complaints, single_file)?;
    let sections = sections::SECTIONS
        .iter()
        .map(|section| section(&figures))
        .collect::<Result<Vec<_>, _>>()?;
    let mut files = if single_file {
        Vec::new()
    } else {
        files::beside_page(&figures, &sections)?
    };
    let page = page(&figures, &sections, &files);
    files.push(PackFile {
        name: "index.html".into(),
        bytes: page.into_bytes(),
    });
    Ok(files)
}

/// The page: its title, the period and how far the data reaches, the sections in order,
/// and the list of the files beside it.
fn page(f: &load::Figures, sections: &[sections::Section], files: &[PackFile]) -> String {
    let lang = f.cx.lang;
    let title = match lang {
        Lang::En => format!("Customer care monthly report, {}", f.month.label),
        Lang::Zh => format!("客户关爱月度报告 {}", f.month.label),
    };
    let period = format!(
        "{} {} – {}",
        super::t(lang, "Period", "期间"),
        f.month.first,
        f.month.last
    );
    let mut subtitles = vec![period];
    // How far the data reaches: settled, still inside the grace, or beyond the data.
    let through = f.visits_now().data_through.as_ref();
    let grace_hours = f.rules.visits.grace_hours;
    if let Some(stamp) = super::visits::data_stamp(through, grace_hours, &f.cx) {
        subtitles.push(stamp.trim_matches('*').to_owned());
    }
    let mut body: String = sections.iter().map(sections::Section::html).collect();
    if !f.single_file {
        body.push_str(&files::list(lang, files));
    }
    super::html::page(lang, &title, &subtitles, &body)
}
