//! Gate results as a table, JUnit XML and GitHub annotations.

use std::fmt::Write as _;

use super::Check;
use crate::report::Lang;

/// A plain table: gate, check, value, limit, reference, PASS/FAIL, each failed check's note
/// under its row; in Chinese under `Lang::Zh` (the gate names, the checks' keys and the
/// figures are as the gates file and the reports give them).
pub fn table(month: &str, checks: &[Check], lang: Lang) -> String {
    use unicode_width::UnicodeWidthStr;
    let zh = lang == Lang::Zh;
    let header = if zh {
        ["门禁", "检查", "数值", "限值", "对照", "结果"]
    } else {
        ["gate", "check", "value", "limit", "against", "result"]
    };
    let rows: Vec<[String; 6]> = checks
        .iter()
        .map(|c| {
            let (value, reference) = if zh {
                (&c.zh.value, &c.zh.reference)
            } else {
                (&c.value, &c.reference)
            };
            let result = match (c.passed, zh) {
                (true, false) => "PASS",
                (false, false) => "FAIL",
                (true, true) => "通过",
                (false, true) => "未通过",
            };
            [
                c.gate.clone(),
                c.check.to_owned(),
                value.clone(),
                c.limit.clone(),
                reference.clone().unwrap_or_default(),
                result.to_owned(),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.width()))))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = String::new();
    let failed = checks.iter().filter(|c| !c.passed).count();
    let total = checks.len();
    let _ = if zh {
        writeln!(
            out,
            "{month} 的 KPI 门禁：{total} 项检查，{failed} 项未通过"
        )
    } else {
        writeln!(
            out,
            "KPI gates for {month}: {total} checks, {failed} failed"
        )
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for (row, c) in rows.iter().zip(checks) {
        let _ = writeln!(out, "{}", line(row.iter().map(String::as_str).collect()));
        let note = if zh { &c.zh.note } else { &c.note };
        if let Some(note) = note.as_ref().filter(|_| !c.passed) {
            let _ = writeln!(out, "    {note}");
        }
    }
    out
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// JUnit XML: one test case per check, so CI systems show each gate as a test.
pub fn junit(month: &str, checks: &[Check]) -> String {
    let failed = checks.iter().filter(|c| !c.passed).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"careledger\" tests=\"{}\" failures=\"{failed}\">",
        checks.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"KPI gates {}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\">",
        xml_escape(month),
        checks.len()
    );
    for c in checks {
        let name = xml_escape(&format!("{} {}", c.gate, c.check));
        let _ = write!(
            out,
            "    <testcase classname=\"careledger.gates\" name=\"{name}\""
        );
        if c.passed {
            let _ = writeln!(out, "/>");
        } else {
            let message = format!(
                "{} = {}, limit {}{}",
                c.gate,
                c.value,
                c.limit,
                c.reference
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
            let _ = writeln!(out, ">");
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"KpiGate\">{}</failure>",
                xml_escape(&message),
                xml_escape(c.note.as_deref().unwrap_or(""))
            );
            let _ = writeln!(out, "    </testcase>");
        }
    }
    let _ = writeln!(out, "  </testsuite>\n</testsuites>");
    out
}

/// Escapes the message of a GitHub workflow command: a command ends at a line break, and `%`
/// starts an escape (GitHub's `escapeData` in @actions/core).
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command: as the message, and also `:` (which ends
/// the properties) and `,` (which separates them) (`escapeProperty` in @actions/core).
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Workflow commands for GitHub Actions, one line each: `::error` for every failed check,
/// `::warning` for every check that passed only through `allow_missing`, each pointing at
/// its gate's `[[gate]]` line in `gates_file` (the path as given, relative to the workspace
/// as GitHub expects). They go to stderr or a file, never into the report on stdout.
pub fn github_annotations(gates_file: &str, month: &str, checks: &[Check]) -> String {
    let mut out = String::new();
    for c in checks {
        let (command, title) = match (c.passed, c.missing_allowed) {
            (false, _) => ("error", "KPI gate failed"),
            (true, true) => ("warning", "KPI gate passed without data"),
            (true, false) => continue,
        };
        let message = format!(
            "{month} {} {}: {} (limit {}){}",
            c.gate,
            c.check,
            c.value,
            c.limit,
            c.note
                .as_ref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default()
        );
        let _ = writeln!(
            out,
            "::{command} file={},line={},title={}::{}",
            github_property(gates_file),
            c.line,
            github_property(&format!("{title}: {} {}", c.gate, c.check)),
            github_data(&message)
        );
    }
    out
}

/// A Markdown cell: `|` would end the cell and a line break the row.
fn md_cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// The gates as a Markdown table, for a job summary (`--summary`, `$GITHUB_STEP_SUMMARY`):
/// a heading with the counts, then one row per check.
pub fn summary_markdown(month: &str, checks: &[Check]) -> String {
    let failed = checks.iter().filter(|c| !c.passed).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### KPI gates for {}: {} checks, {failed} failed\n",
        md_cell(month),
        checks.len()
    );
    let _ = writeln!(
        out,
        "| gate | check | value | limit | against | result | note |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for c in checks {
        let result = match (c.passed, c.missing_allowed) {
            (false, _) => "FAIL",
            (true, true) => "PASS (allow_missing)",
            (true, false) => "PASS",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {result} | {} |",
            md_cell(&c.gate),
            c.check,
            md_cell(&c.value),
            md_cell(&c.limit),
            md_cell(c.reference.as_deref().unwrap_or("")),
            md_cell(c.note.as_deref().unwrap_or(""))
        );
    }
    // A blank line ends the table, so a summary appended after it starts a block of its own.
    out.push('\n');
    out
}
