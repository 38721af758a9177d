//! The HTML building blocks of the report pack's page: escaping, money as people read it,
//! tables, figures and cards, and the page shell (the style, and one small inline script
//! that counts the images that loaded, for the browser check and to warn a reader). No
//! external resource of any kind: a figure embeds its chart as PNG, so the page stands alone
//! when mailed or printed.
//!
//! *Architecture invariant:* `html` knows no report and no section, and names nothing of
//! [`super::pack`]: the pack composes its page from these blocks (`pack` → `html`, never the
//! reverse).

use std::fmt::Write as _;

use base64::Engine as _;

use super::{Align, Lang, Table, t};

/// Money as people read it: yuan with a comma every three digits and always both fen
/// digits, `191,370.50`. The same in Chinese: comma grouping by thousands with two decimals
/// is what Chinese finance statements and bank slips print (the 万 grouping is for words,
/// not for figures), so one form serves both languages. JSON and CSV keep the contract's
/// plain `191370.50`: this is for the page only.
pub fn money(fen: i128) -> String {
    group_decimal(&super::yuan_exact(fen))
}

/// A decimal figure with its integer digits grouped by thousands: `-191370.50` →
/// `-191,370.50`. Anything else (a percentage, a count, a word, a year) is returned as it is.
fn group_decimal(cell: &str) -> String {
    let (sign, rest) = match cell.strip_prefix(['-', '+', '−']) {
        Some(rest) => (&cell[..cell.len() - rest.len()], rest),
        None => ("", cell),
    };
    let Some((whole, fraction)) = rest.split_once('.') else {
        return cell.to_owned();
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return cell.to_owned();
    }
    format!("{sign}{}.{fraction}", crate::chart::group_thousands(whole))
}

pub fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A part of a page being written. Every text passed in is escaped here; only [`Html::raw`]
/// takes markup as it is.
pub struct Html {
    out: String,
    /// One self-contained file: no PNG and SVG beside the page for a figure to link to.
    single_file: bool,
}

impl Html {
    pub fn new(single_file: bool) -> Html {
        Html {
            out: String::new(),
            single_file,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// Markup as it is: the caller has escaped what it holds.
    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    pub fn h2(&mut self, text: &str) {
        let _ = writeln!(self.out, "<h2>{}</h2>", esc(text));
    }

    pub fn h3(&mut self, text: &str) {
        let _ = writeln!(self.out, "<h3>{}</h3>", esc(text));
    }

    pub fn p(&mut self, text: &str) {
        let _ = writeln!(self.out, "<p>{}</p>", esc(text));
    }

    /// A line of lesser weight under a heading (a period, a source).
    pub fn sub(&mut self, text: &str) {
        let _ = writeln!(self.out, "<p class=\"sub\">{}</p>", esc(text));
    }

    /// A headline card: what it counts, the figure, and its change.
    pub fn card(&mut self, label: &str, value: &str, change: &str) {
        let _ = writeln!(
            self.out,
            "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"change\">{}</div></div>",
            esc(label),
            esc(value),
            esc(change)
        );
    }

    /// A table of a report, as the Markdown shows it but without its title and empty text:
    /// the page sets its own sections. Figures get the right-aligned class `n`.
    pub fn table(&mut self, table: &Table) {
        self.out.push_str("<table>\n<thead><tr>");
        for c in &table.columns {
            let _ = write!(self.out, "<th>{}</th>", esc(&c.heading));
        }
        self.out.push_str("</tr></thead>\n<tbody>\n");
        for row in &table.rows {
            self.out.push_str("<tr>");
            for (cell, column) in row.cells.iter().zip(&table.columns) {
                // The tables hold money as the Markdown shows it (`191370.50`); the page
                // groups the digits of every decimal figure. Only money has decimals and
                // reaches four digits (a mean score is below 10, rates end in `%`), so
                // grouping decimals touches money alone; counts and years stay as they are.
                let (class, text) = match column.align {
                    Align::Right => (" class=\"n\"", group_decimal(cell)),
                    Align::Left => ("", cell.clone()),
                };
                let _ = write!(self.out, "<td{class}>{}</td>", esc(&text));
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</tbody>\n</table>\n");
    }

    /// A table under its own title (`<h3>`), or its empty text when it has no row.
    pub fn titled_table(&mut self, table: &Table) {
        self.h3(&table.title);
        match (&table.empty, table.rows.is_empty()) {
            (Some(empty), true) => self.p(empty),
            _ => self.table(table),
        }
    }

    /// A links list under a heading: each name links to the file of that name beside the
    /// page.
    pub fn links(&mut self, heading: &str, names: &[&str]) {
        self.h2(heading);
        self.out.push_str("<ul>\n");
        for name in names {
            let _ = writeln!(self.out, "<li><a href=\"{0}\">{0}</a></li>", esc(name));
        }
        self.out.push_str("</ul>\n");
    }

    /// A section's heading and its figure, in one block that printing does not split: a
    /// heading alone at the foot of a page, its chart on the next, is what `break-after:
    /// avoid` alone does not always prevent (Chromium honours it only between siblings).
    pub fn headed_figure(&mut self, heading: &str, stem: &str, png: &[u8], alt: &str) {
        let _ = writeln!(self.out, "<div class=\"keep\"><h2>{}</h2>", esc(heading));
        self.figure(stem, png, alt);
        self.out.push_str("</div>\n");
    }

    /// A chart embedded as PNG, its caption linking to its files `stem.png` and `stem.svg`
    /// beside the page.
    pub fn figure(&mut self, stem: &str, png: &[u8], alt: &str) {
        let data = base64::engine::general_purpose::STANDARD.encode(png);
        // A single file has no PNG and SVG beside it: the caption names the chart instead.
        let caption = if self.single_file {
            esc(alt)
        } else {
            format!("<a href=\"{stem}.png\">PNG</a> · <a href=\"{stem}.svg\">SVG</a>")
        };
        let _ = writeln!(
            self.out,
            "<figure><img src=\"data:image/png;base64,{data}\" alt=\"{}\" width=\"{}\" height=\"{}\"><figcaption>{caption}</figcaption></figure>",
            esc(alt),
            crate::chart::WIDTH,
            crate::chart::HEIGHT
        );
    }
}

/// The print rules: A4, headings `break-after: avoid`, cards, figures and table rows
/// `break-inside: avoid`. No `break-after` on a figure's caption: as the last child it
/// passes the avoid on to the section's `.keep` block, which Chromium then keeps with the
/// table after it and pushes to the next page whole (the first page printed half empty).
const STYLE: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;max-width:1060px;margin:24px auto;padding:0 16px;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:2px solid #333;padding-bottom:4px;margin-top:2em}
.sub{color:#555;margin-top:4px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:10px;margin:16px 0}
.kpi{border:1px solid #999;padding:10px 12px}.kpi .label{font-size:.85em;color:#444}.kpi .value{font-size:1.6em;font-weight:600}.kpi .change{font-size:.85em;color:#444}
table{border-collapse:collapse;margin:8px 0 16px;font-size:.9em}th,td{border:1px solid #bbb;padding:3px 8px}th{background:#eee;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:12px 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}figcaption{font-size:.8em;color:#555}
#missing{display:none;border:2px solid #b00;padding:8px;color:#b00}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}h1,h2,h3{break-after:avoid;page-break-after:avoid}.kpi,figure,tr,.keep{break-inside:avoid;page-break-inside:avoid}thead{display:table-header-group}figure img{max-height:120mm;width:auto}a{color:inherit;text-decoration:none}#missing{display:none!important}}";

/// Counts the images that loaded (for `.ci/browser-check`) and warns the reader when one
/// did not.
const SCRIPT: &str = "window.addEventListener('load',function(){var imgs=Array.prototype.slice.call(document.images);var bad=imgs.filter(function(i){return !(i.complete&&i.naturalWidth>0)});document.body.setAttribute('data-images-total',imgs.length);document.body.setAttribute('data-images-failed',bad.length);if(bad.length){var m=document.getElementById('missing');m.style.display='block';m.textContent+=' '+bad.length;}});";

/// The page: its shell around `body` (the sections, already HTML), under `title` and the
/// lines of `subtitles`, with the notice the script shows when an image did not load.
pub fn page(lang: Lang, title: &str, subtitles: &[String], body: &str) -> String {
    let mut h = Html::new(false);
    let _ = write!(
        h.out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n",
        lang.html_tag(),
        esc(title)
    );
    let _ = writeln!(h.out, "<h1>{}</h1>", esc(title));
    for line in subtitles {
        h.sub(line);
    }
    let _ = writeln!(
        h.out,
        "<p id=\"missing\">{}</p>",
        t(lang, "Some charts failed to load:", "部分图表未能加载：")
    );
    h.out.push_str(body);
    let _ = writeln!(h.out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    h.out
}

#[cfg(test)]
mod tests {
    use super::{group_decimal, money};

    #[test]
    fn money_is_grouped_by_thousands_with_both_fen_digits() {
        assert_eq!(money(19_137_050), "191,370.50");
        assert_eq!(money(-19_137_050), "-191,370.50");
        assert_eq!(money(100_000), "1,000.00");
        assert_eq!(money(99_999), "999.99");
        assert_eq!(money(5), "0.05");
        assert_eq!(money(i128::from(i64::MIN)), "-92,233,720,368,547,758.08");
    }

    #[test]
    fn only_decimal_figures_are_grouped() {
        assert_eq!(group_decimal("191370.50"), "191,370.50");
        assert_eq!(group_decimal("−1150.00"), "−1,150.00");
        assert_eq!(group_decimal("4.62"), "4.62"); // a mean score
        assert_eq!(group_decimal("2024"), "2024"); // a year, a count
        assert_eq!(group_decimal("86.4%"), "86.4%");
        assert_eq!(group_decimal("18/19"), "18/19");
        assert_eq!(group_decimal("1.2.3"), "1.2.3");
        assert_eq!(group_decimal("."), ".");
    }
}
