//! Cells that a spreadsheet would run as formulas (OWASP "CSV injection"), and the reversible
//! guard careledger puts in front of them.
//!
//! Excel, WPS and LibreOffice read a cell that starts with `=`, `+`, `-` or `@` (and, after a
//! leading tab or carriage return, whatever follows) as a formula: a customer's note reading
//! `=HYPERLINK("http://…","点击")` would become a live link in the manager's spreadsheet, and
//! worse formulas can reach other cells or the network. Every CSV careledger writes — the
//! export, work lists, report CSVs — therefore writes such a cell with a leading `'`, which a
//! spreadsheet shows as text and does not evaluate.
//!
//! The export must read back byte for byte, so the rule is reversible:
//!
//! - **writing** ([`guard_cell`]): a cell starting with `=`, `+`, `-`, `@`, tab, carriage
//!   return, **or `'`** gets one more `'` in front. A plain number (`-150.00`, `+5`) is left
//!   alone: it cannot be a formula, and finance needs fines to stay numbers.
//! - **reading** ([`unguard_cell`], called on every cell the import takes): one leading `'`
//!   is dropped when the next character is one of those seven (`=`, `+`, `-`, `@`, tab,
//!   carriage return, `'`).
//!
//! So `unguard_cell(guard_cell(x)) == x` for every cell. A file typed by hand that holds
//! `'=x` imports as `=x`, which is also what Excel itself makes of a typed `'=x`.

use std::borrow::Cow;

/// The guard written in front of a formula-like cell.
pub const GUARD: char = '\'';

/// The first characters that make a spreadsheet evaluate a cell.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn needs_guard_after(c: char) -> bool {
    FORMULA_STARTS.contains(&c) || c == GUARD
}

/// `[+-]?digits(.digits)?`: a number, which a spreadsheet reads as a number, not a formula.
fn is_plain_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// The cell as careledger writes it to CSV: with a `'` in front when it starts like a formula
/// or with `'` (see the module documentation).
pub fn guard_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if needs_guard_after(c) && !is_plain_number(cell) => {
            Cow::Owned(format!("{GUARD}{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// The cell as the import reads it: a guard written by [`guard_cell`] (or typed in a
/// spreadsheet) removed.
pub fn unguard_cell(cell: &str) -> &str {
    match cell.strip_prefix(GUARD) {
        Some(rest) if rest.starts_with(needs_guard_after) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_guarded() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("-5+3", "'-5+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+86 138", "'+86 138"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'x", "''x"),
            ("'", "''"),
            ("-", "'-"),
            ("-1.", "'-1."),
        ] {
            assert_eq!(guard_cell(cell), written, "{cell:?}");
            assert_eq!(unguard_cell(written), cell, "{written:?}");
        }
    }

    #[test]
    fn other_cells_and_numbers_are_written_as_they_are() {
        for cell in [
            "",
            "王芳",
            "a=b",
            "-150.00",
            "+5",
            "-0.05",
            "13812341234",
            "x'",
        ] {
            assert_eq!(guard_cell(cell), cell);
            assert_eq!(unguard_cell(cell), cell);
        }
    }

    #[test]
    fn reading_undoes_writing_for_every_short_cell() {
        let alphabet = ['=', '-', '+', '@', '\'', '\t', '1', '.', 'a'];
        let mut cells = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = cells
                .iter()
                .flat_map(|c| alphabet.iter().map(move |a| format!("{c}{a}")))
                .collect();
            cells.extend(longer);
        }
        cells.sort();
        cells.dedup();
        assert_eq!(cells.len(), 1 + 9 + 81 + 729 + 6561);
        for cell in &cells {
            assert_eq!(unguard_cell(&guard_cell(cell)), cell, "{cell:?}");
        }
    }

    #[test]
    fn a_quote_before_anything_else_is_kept_on_reading() {
        assert_eq!(unguard_cell("'13812341234"), "'13812341234");
        assert_eq!(unguard_cell("'abc"), "'abc");
        assert_eq!(unguard_cell("''x"), "'x");
    }
}
