//! Gate results as a table, JUnit XML and GitHub annotations.

use std::fmt::Write as _;

use super::Check;

/// A plain table: gate, check, value, limit, reference, PASS/FAIL.
pub fn table(month: &str, checks: &[Check]) -> String {
    let header = ["gate", "check", "value", "limit", "against", "result"];
    let rows: Vec<[String; 6]> = checks
        .iter()
        .map(|c| {
            [
                c.gate.clone(),
                c.check.to_owned(),
                c.value.clone(),
                c.limit.clone(),
                c.reference.clone().unwrap_or_default(),
                if c.passed {
                    "PASS".to_owned()
                } else {
                    "FAIL".to_owned()
                },
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = String::new();
    let failed = checks.iter().filter(|c| !c.passed).count();
    let _ = writeln!(
        out,
        "KPI gates for {month}: {} checks, {failed} failed",
        checks.len()
    );
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for (row, c) in rows.iter().zip(checks) {
        let _ = writeln!(out, "{}", line(row.iter().map(String::as_str).collect()));
        if let Some(note) = c.note.as_ref().filter(|_| !c.passed) {
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

/// `::error::` lines for GitHub Actions, one per failed check.
pub fn github_annotations(month: &str, checks: &[Check]) -> String {
    let mut out = String::new();
    for c in checks.iter().filter(|c| !c.passed) {
        // Workflow commands end at a newline; '%' and newlines must be escaped.
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
        )
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
        let _ = writeln!(out, "::error title=KPI gate failed::{message}");
    }
    out
}
