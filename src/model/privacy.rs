//! Keeping personal data and terminal control out of what careledger prints.
//!
//! Names, phone numbers and payouts are personal data under China's PIPL, and error messages
//! end up in CI logs, tickets and e-mails. So a message never quotes a cell in full: a quoted
//! cell is [`echo`]ed — digit runs that look like phone numbers masked as `138****1234`,
//! invisible and control characters escaped, and the whole cut at [`ECHO_CHARS_MAX`]
//! characters. [`redact_message`] applies the same to every backtick-quoted span of a finished
//! message, so that a message built anywhere (the import's checks against the store, for
//! instance) is covered too, and masks 11-digit runs (a Chinese mobile number, a landline with
//! its area code) even outside the quotes.
//!
//! Text outside backticks is the program's own: line numbers, byte offsets, counts and dates
//! it formatted itself. There a run of 7 to 10 digits stays readable (a line number of a big
//! file, a byte offset), which is why the stricter rule applies inside quotes only.
//!
//! [`escape_controls`] is for everything printed to a terminal: an ESC in a customer's note
//! must not be able to recolour, clear or rewrite the screen, and a bidi override must not
//! reorder what a manager reads.
//!
//! *Architecture invariant:* nothing here changes stored or exported data; these functions
//! shape what people see.

use std::borrow::Cow;

/// The most characters of a cell an error message quotes; longer cells end in `…`.
pub const ECHO_CHARS_MAX: usize = 60;

/// A quoted digit run this long (separators aside) may be a phone number and is masked.
pub const PHONE_DIGITS_MIN: usize = 7;

/// A digit run this long is masked wherever it stands: an 11-digit mobile number, or a
/// landline with its area code. Shorter runs outside quotes are the program's own numbers.
pub const PHONE_DIGITS_MIN_ANYWHERE: usize = 11;

/// Whether a character is invisible or steers the display rather than showing itself: C0 and
/// C1 controls (ESC, BEL, NUL, DEL …), bidi embeddings, overrides, isolates and marks,
/// zero-width characters, line and paragraph separators, and the byte-order mark. Ids may not
/// hold them ([`crate::model::check_id`]); terminal output shows them escaped.
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'              // Arabic letter mark
            | '\u{200B}'..='\u{200F}' // zero-width space, non-joiner, joiner; LRM, RLM
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'              // word joiner
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // byte-order mark, zero-width no-break space
        )
}

/// The text with every [hidden character](is_hidden_char) written as a Rust escape
/// (`\u{1b}`), so it shows as what it is and cannot act on a terminal.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape_controls`] for a document of lines (Markdown): the line ends stay.
pub fn escape_controls_keep_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_hidden_char(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.split('\n')
            .map(escape_controls)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A cell as an error message may quote it: phone-like digit runs masked, hidden characters
/// escaped, at most [`ECHO_CHARS_MAX`] characters (then `…`). Masking comes first, so a cut
/// never leaves the visible half of a number; escaping before the cut bounds the length.
/// Applying it twice gives the same text.
pub fn echo(cell: &str) -> String {
    let masked = mask_digit_runs(cell, PHONE_DIGITS_MIN);
    let escaped = escape_controls(&masked);
    cap(&escaped)
}

fn cap(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS_MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// A finished message made safe to print: every backtick-quoted span [`echo`]ed (an
/// unterminated quote runs to the end), digit runs of [`PHONE_DIGITS_MIN_ANYWHERE`] or more
/// masked outside the quotes, hidden characters escaped everywhere. Idempotent.
///
/// A cell that itself holds backticks can shift where a quote seems to end; its 11-digit
/// runs are still masked, shorter ones may not be. Cells parsed by [`crate::model::Record`]
/// are echoed before they are quoted, so this only concerns messages quoting stored values.
pub fn redact_message(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push('`');
            out.push_str(&echo(part));
        } else {
            if i > 0 {
                out.push('`');
            }
            let masked = mask_digit_runs(part, PHONE_DIGITS_MIN_ANYWHERE);
            out.push_str(&escape_controls(&masked));
        }
    }
    out
}

fn is_digit(c: char) -> bool {
    // Full-width digits too: Chinese input methods type them.
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Masks every digit run of at least `digits_min` digits in the style of
/// [`crate::model::mask_phone`]: the last four digits stay, and the first three when the run
/// has 11 or more (`138****1234`, `***4567`).
///
/// A run is digits joined by single `-` or spaces where both sides hold at least three digits,
/// so `138-1234-1234` and `0755 1234 5678` are one run each, while the groups of a date
/// (`2024-07-13 09:00`) stay apart. Left alone: a run with a decimal point next to it
/// (`1234567.00`, money), and a run glued to a Latin letter or `_` (ids like `R0000001`,
/// VINs) unless it has [`PHONE_DIGITS_MIN_ANYWHERE`] digits.
pub fn mask_digit_runs(text: &str, digits_min: usize) -> Cow<'_, str> {
    let chars: Vec<char> = text.chars().collect();
    let mut masked = chars.clone();
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i]) || (i > 0 && is_digit(chars[i - 1])) {
            i += 1;
            continue;
        }
        // A run starts at i: read its groups.
        let group_end = |start: usize| {
            let mut end = start;
            while end < chars.len() && is_digit(chars[end]) {
                end += 1;
            }
            end
        };
        let mut end = group_end(i);
        let mut last_len = end - i;
        let mut digits = last_len;
        while end + 1 < chars.len() && matches!(chars[end], '-' | ' ') && is_digit(chars[end + 1]) {
            let next_end = group_end(end + 1);
            let next_len = next_end - end - 1;
            if last_len < 3 || next_len < 3 {
                break;
            }
            digits += next_len;
            last_len = next_len;
            end = next_end;
        }
        let decimal_after = end + 1 < chars.len() && chars[end] == '.' && is_digit(chars[end + 1]);
        let decimal_before = i >= 2 && chars[i - 1] == '.' && is_digit(chars[i - 2]);
        let glued = i > 0 && (chars[i - 1].is_ascii_alphabetic() || chars[i - 1] == '_');
        let needed = if glued {
            digits_min.max(PHONE_DIGITS_MIN_ANYWHERE)
        } else {
            digits_min
        };
        if digits >= needed && !decimal_after && !decimal_before {
            let head = if digits >= 11 { 3 } else { 0 };
            let tail = 4;
            let mut n = 0;
            for c in &mut masked[i..end] {
                if is_digit(*c) {
                    if n >= head && n < digits - tail {
                        *c = '*';
                    }
                    n += 1;
                }
            }
            changed = true;
        }
        i = end;
    }
    if changed {
        Cow::Owned(masked.into_iter().collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_mask(input: &str, digits_min: usize, expected: &str) {
        assert_eq!(mask_digit_runs(input, digits_min), expected, "{input}");
    }

    #[test]
    fn phone_like_runs_are_masked() {
        check_mask("13812341234", 7, "138****1234");
        check_mask("tel 13812341234.", 7, "tel 138****1234.");
        check_mask("138-1234-1234", 7, "138-****-1234");
        check_mask("0755 1234 5678", 7, "075* **** 5678");
        check_mask("+86 138 1234 1234", 7, "+86 138 **** 1234");
        check_mask("87654321", 7, "****4321");
        check_mask("１３８１２３４１２３４", 7, "１３８****１２３４");
        check_mask("电话13812341234", 7, "电话138****1234");
    }

    #[test]
    fn dates_money_ids_and_short_numbers_stay_readable() {
        for text in [
            "2024-07-13 09:00:00",
            "2024/7/13 9:05",
            "1234567.00",
            "0.1234567",
            "R0000001",
            "LFV3A23C5K3012345",
            "123456",
        ] {
            check_mask(text, 7, text);
        }
        // A Latin letter does not shield an 11-digit run.
        check_mask("C13812341234", 7, "C138****1234");
    }

    #[test]
    fn outside_quotes_only_eleven_digits_are_masked() {
        check_mask(
            "at offset 12345678",
            PHONE_DIGITS_MIN_ANYWHERE,
            "at offset 12345678",
        );
        check_mask(
            "x 13812341234 y",
            PHONE_DIGITS_MIN_ANYWHERE,
            "x 138****1234 y",
        );
    }

    #[test]
    fn echo_masks_escapes_and_caps() {
        assert_eq!(echo("13812341234"), "138****1234");
        assert_eq!(echo("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(echo("\u{202e}x"), "\\u{202e}x");
        let long = "甲".repeat(10_000);
        assert_eq!(echo(&long), format!("{}…", "甲".repeat(60)));
        let exactly = "x".repeat(60);
        assert_eq!(echo(&exactly), exactly);
    }

    #[test]
    fn messages_are_redacted_in_quotes_and_readable_outside() {
        let message = "customer `C1` is stored with note `call 1234567`, this row says `call 13812341234 x`; line 1234567";
        assert_eq!(
            redact_message(message),
            "customer `C1` is stored with note `call ***4567`, this row says `call 138****1234 x`; line 1234567"
        );
        assert_eq!(
            redact_message("unterminated `13812341234 and 1234567"),
            "unterminated `138****1234 and ***4567"
        );
        assert_eq!(
            redact_message("no quotes 13812341234\u{7}"),
            "no quotes 138****1234\\u{7}"
        );
    }

    #[test]
    fn echo_and_redact_are_idempotent() {
        let long = format!("{}13812341234", "x".repeat(100));
        for text in [
            "`13812341234`".to_owned(),
            format!("`{long}` is not a date"),
            "`a\u{1b}b` and 13812341234".to_owned(),
        ] {
            let once = redact_message(&text);
            assert_eq!(redact_message(&once), once, "{text}");
            assert_eq!(echo(&echo(&text)), echo(&text), "{text}");
        }
    }

    #[test]
    fn hidden_characters() {
        for c in [
            '\u{0}', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{200b}', '\u{200d}',
            '\u{2060}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{feff}',
        ] {
            assert!(is_hidden_char(c), "{:?}", c);
        }
        for c in ['a', '王', ' ', '\u{3000}', '…'] {
            assert!(!is_hidden_char(c), "{:?}", c);
        }
        assert_eq!(escape_controls("王芳"), "王芳");
        assert_eq!(
            escape_controls_keep_lines("| a\u{1b}[2J |\n| b |\n"),
            "| a\\u{1b}[2J |\n| b |\n"
        );
    }
}
