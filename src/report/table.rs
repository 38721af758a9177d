//! A report's tables, built once. Each report lists its tables
//! ([`Render::tables`](super::Render::tables)); the Markdown renders them here and the report
//! pack's HTML renders the same values in [`super::html`], so a column added to one shows in
//! both. (Before, the HTML built its own copies of the questions, issues, staff-credit and
//! payout tables, and they drifted: the HTML payout lines had no outcome column.)
//!
//! CSV does not render these tables, on purpose. A report's CSV is a machine format: English
//! keys and raw tokens in every language (`after_sales`, `reward`), for visits and churn one
//! long table (`period,section,name,metric,value`, the README's "Report formats"), for the
//! payout statement the columns finance imports (`period_start`, `surveys` and `satisfied`
//! apart). A table here is for people: headings and names in the report's language, satisfied
//! over surveys in one cell, percentages, a total in bold. Rendering the CSV from these would
//! change bytes that spreadsheets read, so each `csv()` keeps its own form, built from the
//! same figures (the statement's people rows are shared: see `report::payouts`).

use std::fmt::Write as _;

/// How a column's cells are aligned: figures to the right, so that digits line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub heading: String,
    pub align: Align,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    /// A total of the rows above (the `all` row of a breakdown): its label is bold in
    /// Markdown. The HTML shows it as it shows every row.
    pub total: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The section heading; empty for a table that sits under the report's own title.
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// What the Markdown says instead of a table with no rows; `None` shows the empty table.
    pub empty: Option<String>,
}

impl Table {
    /// A table with these headings; the columns from `right_from` on hold figures.
    pub fn new(title: &str, headings: &[&str], right_from: usize) -> Table {
        Table {
            title: title.to_owned(),
            columns: headings
                .iter()
                .enumerate()
                .map(|(i, h)| Column {
                    heading: (*h).to_owned(),
                    align: if i >= right_from {
                        Align::Right
                    } else {
                        Align::Left
                    },
                })
                .collect(),
            rows: Vec::new(),
            empty: None,
        }
    }

    /// The table with these rows added, one cell per column.
    pub fn rows<I: IntoIterator<Item = Vec<String>>>(mut self, rows: I) -> Table {
        for cells in rows {
            self.push(cells, false);
        }
        self
    }

    /// The table with a total row added.
    pub fn total(mut self, cells: Vec<String>) -> Table {
        self.push(cells, true);
        self
    }

    /// The table with the text the Markdown shows when it has no rows.
    pub fn when_empty(mut self, text: &str) -> Table {
        self.empty = Some(text.to_owned());
        self
    }

    fn push(&mut self, cells: Vec<String>, total: bool) {
        assert_eq!(
            cells.len(),
            self.columns.len(),
            "a row of table `{}` has one cell per column",
            self.title
        );
        self.rows.push(Row { cells, total });
    }

    /// The table as a Markdown section: `## title` (when it has one), then the table, or the
    /// `empty` text when there are no rows. Cells escape `|`; a total's label is bold.
    pub fn markdown(&self, out: &mut String) {
        if !self.title.is_empty() {
            let _ = write!(out, "\n## {}\n\n", self.title);
        }
        if let (true, Some(text)) = (self.rows.is_empty(), &self.empty) {
            let _ = writeln!(out, "{text}");
            return;
        }
        let headings: Vec<&str> = self.columns.iter().map(|c| c.heading.as_str()).collect();
        let _ = writeln!(out, "| {} |", headings.join(" | "));
        let rule: Vec<&str> = self
            .columns
            .iter()
            .map(|c| match c.align {
                Align::Left => "---",
                Align::Right => "---:",
            })
            .collect();
        let _ = writeln!(out, "|{}|", rule.join("|"));
        for row in &self.rows {
            let cells: Vec<String> = row
                .cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let c = c.replace('|', "\\|");
                    if row.total && i == 0 {
                        format!("**{c}**")
                    } else {
                        c
                    }
                })
                .collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }
}

/// The tables as Markdown sections, in order.
pub fn markdown(out: &mut String, tables: &[Table]) {
    for table in tables {
        table.markdown(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(table: &Table) -> String {
        let mut out = String::new();
        table.markdown(&mut out);
        out
    }

    #[test]
    fn markdown_aligns_figures_right_escapes_pipes_and_bolds_a_total() {
        let table = Table::new("Lines", &["name", "n", "share"], 1)
            .rows([vec!["a|b".to_owned(), "3".to_owned(), "75.0%".to_owned()]])
            .total(vec!["all".to_owned(), "4".to_owned(), "100.0%".to_owned()]);
        assert_eq!(
            md(&table),
            "\n## Lines\n\n| name | n | share |\n|---|---:|---:|\n| a\\|b | 3 | 75.0% |\n| **all** | 4 | 100.0% |\n"
        );
    }

    #[test]
    fn an_empty_table_shows_its_text_and_an_untitled_one_no_heading() {
        let empty = Table::new("Issues", &["issue", "n"], 1).when_empty("None.");
        assert_eq!(md(&empty), "\n## Issues\n\nNone.\n");
        let untitled = Table::new("", &["tier", "n"], 1);
        assert_eq!(md(&untitled), "| tier | n |\n|---|---:|\n");
    }

    #[test]
    #[should_panic(expected = "one cell per column")]
    fn a_row_of_the_wrong_width_is_refused() {
        let _ = Table::new("t", &["a", "b"], 1).rows([vec!["only one".to_owned()]]);
    }
}
