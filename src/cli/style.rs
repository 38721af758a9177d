//! How the command talks on a terminal: colour only where a person reads it, `--quiet`,
//! English plurals, and the import's time estimate. No dependency: the escape codes are
//! three constants, and whether to use them is one function.
//!
//! Colour follows <https://no-color.org>: never when `NO_COLOR` is set to anything but the
//! empty string, and only when the stream written to is a terminal (a file, a pipe or a CI
//! log gets plain text, byte for byte what a test sees).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Set once from `--quiet`, before any command runs.
static QUIET: AtomicBool = AtomicBool::new(false);

pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether warnings and progress are suppressed (`--quiet`); errors never are.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// The stream a piece of text goes to, for [`paint`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// The colours careledger uses: a status that passed, one that failed, a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Pass,
    Fail,
    Warn,
}

impl Tone {
    /// SGR codes: bold green, bold red, bold yellow.
    fn code(self) -> &'static str {
        match self {
            Tone::Pass => "\x1b[1;32m",
            Tone::Fail => "\x1b[1;31m",
            Tone::Warn => "\x1b[1;33m",
        }
    }
}

const RESET: &str = "\x1b[0m";

/// Whether to colour, given `NO_COLOR` and whether the stream is a terminal (separated from
/// the environment so that it can be tested).
pub fn colour_wanted(no_color: Option<&std::ffi::OsStr>, terminal: bool) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Whether text written to `stream` now may carry colour.
pub fn colour(stream: Stream) -> bool {
    let terminal = match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    };
    colour_wanted(std::env::var_os("NO_COLOR").as_deref(), terminal)
}

/// `text` in the tone's colour when `stream` may carry colour, else as it is. For a status
/// word (`PASS`, `FAIL`) or a label (`warning:`), not for whole reports.
pub fn paint(text: &str, tone: Tone, stream: Stream) -> String {
    painted(text, tone, colour(stream))
}

/// The `check` table with each row's result (`PASS`, `FAIL`, or 通过, 未通过: its last word)
/// coloured when `colour`; the text is otherwise unchanged.
pub fn paint_results(table: &str, colour: bool) -> String {
    if !colour {
        return table.to_owned();
    }
    let mut out = String::with_capacity(table.len() + 64);
    for line in table.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let results = [
            ("PASS", Tone::Pass),
            ("FAIL", Tone::Fail),
            ("通过", Tone::Pass),
            ("未通过", Tone::Fail),
        ];
        // The word follows a space: 未通过 is not 通过 after 未.
        let painted_line = results.into_iter().find_map(|(word, tone)| {
            body.strip_suffix(word)
                .filter(|rest| rest.ends_with(' '))
                .map(|rest| format!("{rest}{}", painted(word, tone, true)))
        });
        out.push_str(painted_line.as_deref().unwrap_or(body));
        out.push_str(end);
    }
    out
}

fn painted(text: &str, tone: Tone, colour: bool) -> String {
    if colour {
        format!("{}{text}{RESET}", tone.code())
    } else {
        text.to_owned()
    }
}

/// Prints a warning on stderr (`warning: …`, the label coloured on a terminal), unless
/// `--quiet`.
pub fn warn(message: &str) {
    if !quiet() {
        // English puts a space after its colon; the full-width one carries its own.
        let (label, gap) = if careledger::voice::chinese() {
            ("警告：", "")
        } else {
            ("warning:", " ")
        };
        eprintln!("{}{gap}{message}", paint(label, Tone::Warn, Stream::Stderr));
    }
}

/// `n` with the English noun in its number: the library's, so the CLI and the reports agree.
pub use careledger::report::plural as count;

/// The share of the work done before the rate is measured: the first steps of an import
/// (opening tables, the first pages) run at another pace than the rest, and a rate measured
/// from the start would promise too much or too little.
pub const WARM_UP_PERCENT: u64 = 5;

/// The remaining time of a piece of work, from the rate after the warm-up: `(done − done at
/// warm-up) / (elapsed − elapsed at warm-up)`. `None` until the warm-up is over and some
/// work has been done since.
#[derive(Debug, Default)]
pub struct Eta {
    warm: Option<(Duration, u64)>,
}

impl Eta {
    /// Records progress at `elapsed` since the start and returns the estimate.
    pub fn update(&mut self, elapsed: Duration, done: u64, total: u64) -> Option<Duration> {
        if total == 0 || done >= total {
            return Some(Duration::ZERO);
        }
        let Some((warm_at, warm_done)) = self.warm else {
            // u128: rows × 100 cannot overflow.
            if u128::from(done) * 100 >= u128::from(total) * u128::from(WARM_UP_PERCENT) {
                self.warm = Some((elapsed, done));
            }
            return None;
        };
        let (since, rows) = (elapsed.checked_sub(warm_at)?, done.checked_sub(warm_done)?);
        if rows == 0 || since.is_zero() {
            return None;
        }
        let left = u128::from(total - done);
        let nanos = since.as_nanos().checked_mul(left)? / u128::from(rows);
        Some(Duration::from_nanos(
            u64::try_from(nanos).unwrap_or(u64::MAX),
        ))
    }
}

/// A progress bar for a long report, drawn on stderr from the library's meter
/// (`careledger::progress`) by a thread of its own: only on a terminal, never with
/// `--quiet`, and only once the command has run for [`METER_DELAY`] (a quick report shows
/// nothing). The estimate is measured after a warm-up, per phase ([`Eta`]). Dropping the
/// meter stops the thread and clears the bar.
pub struct Meter {
    stop: std::sync::Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How long a command runs before its progress is shown.
pub const METER_DELAY: Duration = Duration::from_secs(1);

impl Meter {
    pub fn start() -> Option<Meter> {
        if quiet() || !std::io::stderr().is_terminal() {
            return None;
        }
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let started = std::time::Instant::now();
            while started.elapsed() < METER_DELAY {
                if stopped.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg}").expect("the template is valid"),
            );
            let mut shown = careledger::progress::Phase::Idle;
            let (mut eta, mut since) = (Eta::default(), std::time::Instant::now());
            while !stopped.load(Ordering::Relaxed) {
                let (phase, done, total) = careledger::progress::snapshot();
                if phase != shown {
                    (shown, eta, since) = (phase, Eta::default(), std::time::Instant::now());
                }
                let left = eta.update(since.elapsed(), done, total);
                bar.set_message(progress_line(phase, done, total, left));
                std::thread::sleep(Duration::from_millis(200));
            }
            bar.finish_and_clear();
        });
        Some(Meter {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Meter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The bar's text: what is counted, how far, and the time left once it can be told.
pub fn progress_line(
    phase: careledger::progress::Phase,
    done: u64,
    total: u64,
    left: Option<Duration>,
) -> String {
    use careledger::progress::Phase;
    use careledger::voice::pick;
    let what = match phase {
        Phase::Idle => return pick("working…", "处理中…").into(),
        Phase::Reading => pick("reading records", "读取记录"),
        Phase::Customers => pick("deriving customers", "推导客户"),
    };
    if total == 0 {
        return format!("{what}…");
    }
    let done = done.min(total);
    let percent = u128::from(done) * 100 / u128::from(total);
    let left = time_left(left);
    careledger::say!(
        "{what}: {done} of {total} ({percent}%, {left})",
        "{what}：{done} / {total}（{percent}%，{left}）"
    )
}

/// The time left of a bar, once it can be told.
pub fn time_left(left: Option<Duration>) -> String {
    match left {
        Some(d) => careledger::say!("{} left", "剩余 {}", duration_text(d)),
        None => careledger::voice::pick("estimating the time left", "正在估算剩余时间").into(),
    }
}

/// An estimate as a person reads it: `42s`, `3m 05s`, `1h 02m`.
pub fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_and_never_with_no_color() {
        use std::ffi::OsStr;
        assert!(colour_wanted(None, true));
        assert!(!colour_wanted(None, false));
        assert!(!colour_wanted(Some(OsStr::new("1")), true));
        // no-color.org: an empty NO_COLOR does not disable colour.
        assert!(colour_wanted(Some(OsStr::new("")), true));
        assert_eq!(painted("FAIL", Tone::Fail, true), "\x1b[1;31mFAIL\x1b[0m");
        assert_eq!(painted("FAIL", Tone::Fail, false), "FAIL");
    }

    #[test]
    fn counts_are_plural_unless_one() {
        assert_eq!(count(0u64, "row", "rows"), "0 rows");
        assert_eq!(count(1u64, "row", "rows"), "1 row");
        assert_eq!(count(2u64, "file", "files"), "2 files");
    }

    /// 1 000 000 rows; the first 5 % (50 000) take 10 s (a slow start), then 10 000 rows a
    /// second. At 150 000 rows (10 s later), 850 000 are left: 85 s. A rate from the start
    /// (150 000 rows in 20 s = 7 500/s) would say 113 s.
    #[test]
    fn the_estimate_uses_the_rate_after_the_warm_up() {
        let s = Duration::from_secs;
        let mut eta = Eta::default();
        assert_eq!(eta.update(s(5), 25_000, 1_000_000), None);
        assert_eq!(eta.update(s(10), 50_000, 1_000_000), None); // the warm-up ends here
        assert_eq!(eta.update(s(20), 150_000, 1_000_000), Some(s(85)));
        assert_eq!(eta.update(s(30), 250_000, 1_000_000), Some(s(75)));
        assert_eq!(
            eta.update(s(40), 1_000_000, 1_000_000),
            Some(Duration::ZERO)
        );
        assert_eq!(duration_text(s(85)), "1m 25s");
        assert_eq!(duration_text(s(7)), "7s");
        assert_eq!(duration_text(s(3720)), "1h 02m");
    }

    #[test]
    fn check_results_are_coloured_only_when_wanted() {
        let table = "KPI gates for 2024-11: 2 checks, 1 failed\ngate  check  result\na     min    PASS\nb     max    FAIL\n    note: FAIL\n";
        assert_eq!(paint_results(table, false), table);
        assert_eq!(
            paint_results(table, true),
            "KPI gates for 2024-11: 2 checks, 1 failed\ngate  check  result\na     min    \u{1b}[1;32mPASS\u{1b}[0m\nb     max    \u{1b}[1;31mFAIL\u{1b}[0m\n    note: \u{1b}[1;31mFAIL\u{1b}[0m\n"
        );
        // In Chinese: 未通过 is a failure, not 通过 after 未.
        let table = "门禁  结果\na     通过\nb     未通过\n";
        assert_eq!(
            paint_results(table, true),
            "门禁  结果\na     \u{1b}[1;32m通过\u{1b}[0m\nb     \u{1b}[1;31m未通过\u{1b}[0m\n"
        );
    }

    #[test]
    fn the_report_progress_line_says_what_how_far_and_how_long() {
        use careledger::progress::Phase;
        assert_eq!(
            progress_line(
                Phase::Customers,
                190_000,
                760_000,
                Some(Duration::from_secs(39))
            ),
            "deriving customers: 190000 of 760000 (25%, 39s left)"
        );
        assert_eq!(
            progress_line(Phase::Reading, 40_000, 2_018_576, None),
            "reading records: 40000 of 2018576 (1%, estimating the time left)"
        );
        // Nothing expected yet (a kind with no records): no figures to show.
        assert_eq!(
            progress_line(Phase::Reading, 0, 0, None),
            "reading records…"
        );
        assert_eq!(progress_line(Phase::Idle, 0, 0, None), "working…");
    }
}
