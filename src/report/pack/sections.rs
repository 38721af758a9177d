//! The sections of the page, in page order: [`SECTIONS`]. A section is a function in its own
//! file below, from the month's [`Figures`] to a [`Section`]. To add one, add its file here
//! and its function to the list (the pack's module docs say more).

mod care;
mod churn;
mod complaints;
mod headline;
mod lapse;
mod payouts;
mod satisfaction;
mod tiers;
mod visits;

use std::ops::{Deref, DerefMut};

use super::load::Figures;
use super::{PackChart, PackError};
use crate::report::html::Html;

/// A section's function: the month's figures in, the section out.
pub(super) type Build = fn(&Figures) -> Result<Section, PackError>;

/// The page, top to bottom. Complaints and actions sit beside the return visits, right after
/// them; a section with nothing to show (no complaints fed) is empty. The customers about to
/// lapse follow the lost ones, before care.
pub(super) const SECTIONS: &[Build] = &[
    headline::section,
    visits::section,
    complaints::section,
    satisfaction::section,
    churn::section,
    lapse::section,
    care::section,
    payouts::section,
    tiers::section,
];

/// A section of the page: its HTML, and the charts it embeds (the pack writes them beside
/// the page as PNG and SVG, in page order). It derefs to the [`Html`] it is written with.
pub(super) struct Section {
    html: Html,
    charts: Vec<PackChart>,
}

impl Section {
    pub fn new(f: &Figures) -> Section {
        Section {
            html: Html::new(f.single_file),
            charts: Vec::new(),
        }
    }

    pub fn html(&self) -> &str {
        self.html.as_str()
    }

    pub fn charts(&self) -> &[PackChart] {
        &self.charts
    }

    /// The section's heading and its first chart, kept together in print.
    pub fn headed_chart(&mut self, heading: &str, chart: PackChart, alt: &str) {
        let (stem, png) = (chart.stem, &chart.chart.png);
        self.html.headed_figure(heading, stem, png, alt);
        self.charts.push(chart);
    }

    pub fn chart(&mut self, chart: PackChart, alt: &str) {
        self.html.figure(chart.stem, &chart.chart.png, alt);
        self.charts.push(chart);
    }
}

impl Deref for Section {
    type Target = Html;

    fn deref(&self) -> &Html {
        &self.html
    }
}

impl DerefMut for Section {
    fn deref_mut(&mut self) -> &mut Html {
        &mut self.html
    }
}

#[cfg(test)]
mod tests {
    /// The sections' shared words (`word(lang, "…")`) have their translation, as
    /// `report`'s own test checks for the report files.
    #[test]
    fn every_shared_word_has_a_translation() {
        for file in [
            include_str!("sections/care.rs"),
            include_str!("sections/churn.rs"),
            include_str!("sections/complaints.rs"),
            include_str!("sections/headline.rs"),
            include_str!("sections/lapse.rs"),
            include_str!("sections/payouts.rs"),
            include_str!("sections/satisfaction.rs"),
            include_str!("sections/tiers.rs"),
            include_str!("sections/visits.rs"),
        ] {
            for part in file.split("word(lang, \"").skip(1) {
                let en = &part[..part.find('"').expect("a closing quote")];
                assert!(
                    crate::report::WORDS.iter().any(|(e, _)| *e == en),
                    "`{en}` is missing from WORDS"
                );
            }
        }
    }
}
