//! The language careledger speaks in outside its reports: its errors and warnings.
//!
//! A report takes its language as an argument ([`crate::report::Lang`]): it is a pure function
//! of its inputs, and a finance script may render both languages in one process. An error is
//! made deep inside parsing, the store or the rules, as text, and threading a language through
//! every one of those signatures would buy nothing. So the language of messages is one setting
//! of the process, as a locale is for gettext: the library speaks English until told otherwise,
//! and the `careledger` command sets it from `--lang` (Chinese by default) before it does
//! anything else.
//!
//! A message is written once per language, side by side, with [`say!`](crate::say): the
//! English and the Chinese format strings take the same arguments, and only the one in force
//! is formatted.
//! Identifiers a person types back (file names, column names, table names, command lines,
//! values quoted in backticks) are the same in both.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::report::Lang;

static CHINESE: AtomicBool = AtomicBool::new(false);

/// Sets the language of every message from now on, for the whole process.
pub fn set(lang: Lang) {
    CHINESE.store(lang == Lang::Zh, Ordering::Relaxed);
}

/// The language of messages in force: English unless [`set`] said otherwise.
pub fn lang() -> Lang {
    if chinese() { Lang::Zh } else { Lang::En }
}

/// Whether messages are in Chinese.
pub fn chinese() -> bool {
    CHINESE.load(Ordering::Relaxed)
}

/// One of two fixed texts, by the language in force.
pub fn pick(en: &'static str, zh: &'static str) -> &'static str {
    if chinese() { zh } else { en }
}

/// A message in the language in force: `say!("english {x}", "中文 {x}", x = …)` formats the
/// English or the Chinese string (a `String`). Both strings take the same arguments, inline
/// (`{path}`) or after them; only the one in force is formatted. Exported (`careledger::say!`)
/// for the command, which speaks the same way.
#[macro_export]
macro_rules! say {
    ($en:literal, $zh:literal $($arg:tt)*) => {
        if $crate::voice::chinese() {
            format!($zh $($arg)*)
        } else {
            format!($en $($arg)*)
        }
    };
}

#[cfg(test)]
mod tests {
    // The setting is the process's: these tests only read it (library tests run in English,
    // every one of them at once); `tests/zh_text.rs` runs the command in Chinese.
    #[test]
    fn the_library_speaks_english_until_told() {
        assert_eq!(super::lang(), crate::report::Lang::En);
        let path = "sales.csv";
        assert_eq!(
            crate::say!("cannot read {path}", "无法读取 {path}"),
            "cannot read sales.csv"
        );
        assert_eq!(crate::say!("{} rows", "{} 行", 3), "3 rows");
        assert_eq!(super::pick("warning:", "警告："), "warning:");
    }
}
