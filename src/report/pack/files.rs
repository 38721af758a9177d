//! The files beside the page, in the order the page lists them: each report's JSON,
//! Markdown and CSV, the lapse model's JSON, the payouts workbook, then each chart's PNG and SVG in the order of the
//! page.

use super::load::Figures;
use super::sections::Section;
use super::{PackError, PackFile};
use crate::report::html::Html;
use crate::report::{Lang, Render, t};

/// Every file of the pack but the page.
pub(super) fn beside_page(f: &Figures, sections: &[Section]) -> Result<Vec<PackFile>, PackError> {
    let mut files = Vec::new();
    for (stem, report) in reports(f) {
        files.extend(report_files(f, &stem, report));
    }
    // The lapse model as `careledger lapse --format json` gives it, without names and
    // phones (emptied in `load.rs`); nothing when it could not be fitted.
    if let Ok(lapse) = &f.lapse {
        files.push(PackFile {
            name: "lapse.json".into(),
            bytes: crate::report::to_json(lapse),
        });
    }
    // The statement as finance files it: the workbook of `report payouts --format xlsx`.
    let dealership = &f.rules.report.dealership;
    files.push(PackFile {
        name: "payouts.xlsx".into(),
        bytes: crate::report::xlsx::statement_xlsx(&f.statement, f.cx.lang, dealership)?,
    });
    for c in sections.iter().flat_map(Section::charts) {
        files.push(PackFile {
            name: format!("{}.png", c.stem),
            bytes: c.chart.png.clone(),
        });
        files.push(PackFile {
            name: format!("{}.svg", c.stem),
            bytes: c.chart.svg.clone().into_bytes(),
        });
    }
    Ok(files)
}

/// The reports filed beside the page, by the stem of their files. A report a new section
/// files goes into this list.
fn reports<'f>(f: &'f Figures) -> Vec<(String, &'f dyn Render)> {
    let mut reports: Vec<(String, &dyn Render)> = vec![
        ("visits".into(), f.visits_now()),
        ("churn".into(), &f.churn),
        (format!("churn-{}", f.year.label), &f.churn_year),
        ("care".into(), &f.care),
        ("payouts".into(), &f.statement),
        ("tiers".into(), &f.tiers),
    ];
    if let Some(c) = &f.complaints {
        reports.push(("complaints".into(), c.now()));
        reports.push(("actions".into(), &c.actions));
    }
    reports
}

/// A report's JSON, Markdown and CSV.
fn report_files(f: &Figures, stem: &str, report: &dyn Render) -> [PackFile; 3] {
    let json = if stem == "churn" {
        // The churn JSON follows the contract exactly: it is `report churn --month --format
        // json`, with no staff credit; the Markdown and CSV keep it.
        let mut contract = f.churn.clone();
        contract.by_staff = None;
        contract.json()
    } else {
        report.json()
    };
    [
        PackFile {
            name: format!("{stem}.json"),
            bytes: json,
        },
        PackFile {
            name: format!("{stem}.md"),
            bytes: report.markdown(&f.cx),
        },
        PackFile {
            name: format!("{stem}.csv"),
            bytes: report.csv(),
        },
    ]
}

/// The list of the files beside the page, each a link.
pub(super) fn list(lang: Lang, files: &[PackFile]) -> String {
    let mut h = Html::new(false);
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    h.links(t(lang, "Files", "文件"), &names);
    h.as_str().to_owned()
}
