//! Command-line parsing and dispatch. Each command is a thin layer over the library: it
//! parses arguments, calls one library function, and prints.

mod commands;
mod dates;
pub mod style;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use careledger::model::{Day, Period, Purpose, Timestamp};
use careledger::report;

/// `--format` of a report: the library's [`report::Format`], parsed here (clap stays in the
/// binary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Md,
    Csv,
}

impl From<Format> for report::Format {
    fn from(f: Format) -> report::Format {
        match f {
            Format::Json => report::Format::Json,
            Format::Md => report::Format::Md,
            Format::Csv => report::Format::Csv,
        }
    }
}

/// `--lang`: the library's [`report::Lang`], parsed here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

impl From<Lang> for report::Lang {
    fn from(l: Lang) -> report::Lang {
        match l {
            Lang::Zh => report::Lang::Zh,
            Lang::En => report::Lang::En,
        }
    }
}

/// careledger: return-visit, churn-recovery and payout KPIs for a dealership's customer care,
/// from an append-only embedded store.
/// `careledger --version`: the program's version and the store format it reads and writes
/// (a store of a newer format is refused), e.g. `0.1.0 (store format 2)`.
static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{} (store format {})",
        env!("CARGO_PKG_VERSION"),
        careledger::store::tables::STORE_FORMAT
    )
});

#[derive(Debug, Parser)]
#[command(name = "careledger", version = VERSION.as_str(), about, long_about = None)]
pub struct Cli {
    /// The store file [default: careledger.redb; for `demo`, its own reports/demo/demo.redb].
    #[arg(long, global = true, env = "CARELEDGER_DB", value_name = "DB")]
    pub db: Option<PathBuf>,

    /// The language of Markdown, HTML and charts: zh for the dealership's managers, en for
    /// the group (JSON and CSV keep English keys).
    #[arg(
        long,
        global = true,
        env = "CARELEDGER_LANG",
        value_enum,
        default_value = "zh"
    )]
    pub lang: Lang,

    /// A TOML file overriding the default rules (`careledger rules` prints them all).
    #[arg(long, global = true, env = "CARELEDGER_RULES", value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// Print only errors: no warnings, no progress bar.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Derive every figure from the records, ignoring the facts the store keeps: slower, the
    /// same figures (to cross-check them, as `verify` does for the whole store).
    #[arg(long, global = true, env = "CARELEDGER_FROM_SCRATCH")]
    pub from_scratch: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The longest look ahead of `tasks --ahead`, in days: ten years, far beyond any task's due
/// time, and small enough that `as_of + ahead` is an ordinary date.
const AHEAD_DAYS_MAX: i64 = 3660;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import CSV files (or folders of them) into the store, as one transaction.
    Import {
        /// Files named as their kind (sales.csv …), KIND=FILE, or folders holding such files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
        /// Accept rows that change a stored record, as new versions (amendments).
        #[arg(long)]
        amend: bool,
        /// Check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import in memory bounded by this many rows: the rows are set aside on disk, in
        /// sorted runs beside the store, and decided one key at a time. The default for
        /// files of more than 256 MiB in all (a dry run too, but on a read-only store).
        #[arg(long, value_name = "ROWS", value_parser = clap::value_parser!(u64).range(1..))]
        chunk_rows: Option<u64>,
    },
    /// Write the current view of the store as CSV files, one per record kind, into a folder.
    Export {
        /// The folder to write into (created if missing).
        dir: PathBuf,
    },
    /// Show every version of one record, with the import that brought it.
    History {
        /// The kind: staff, customers, sales, service_orders, insurance, contacts, surveys,
        /// survey_answers (singulars work too).
        kind: String,
        /// The record's id; a survey answer is SURVEY_ID/QUESTION.
        id: String,
        /// Print phone numbers in full (personal data: only when needed).
        #[arg(long)]
        show_phone: bool,
    },
    /// Write a consistent copy of the whole store (records and their history, imports,
    /// closed statements, kept facts) to a new file, from one snapshot: imports and reports
    /// may run meanwhile. The file is readable by its owner only; an existing file is never
    /// replaced.
    Backup {
        /// The backup file to create, e.g. backups/careledger-2025-07-01.redb.
        file: PathBuf,
    },
    /// Check a backup as `verify` does, then copy it into a new store, --db NEW (a store
    /// that exists is never replaced).
    Restore {
        /// The backup file written by `careledger backup`.
        backup: PathBuf,
    },
    /// Show record counts per kind, the store's size and the last import.
    Stats {
        /// Also show every table's entries and bytes (records, indexes, kept facts): where
        /// the store's size goes.
        #[arg(long)]
        tables: bool,
    },
    /// Check the whole store: redb's page checksums, then every index and the current view
    /// derived again from the log, and the kept facts derived again from scratch under the
    /// rules in force. Exit 0 when healthy, 3 when damaged. Changes nothing.
    Verify,
    /// Bring the kept facts up to date: derive again the customers changed since they were
    /// last derived, or every customer when they follow other rules than those in force
    /// (after a change of --rules, or an import interrupted after its commit). Until then,
    /// reports derive from scratch: the same figures, more slowly.
    Facts,
    /// Print the rules in force (defaults, overridden by --rules FILE) as TOML.
    Rules,
    /// Write a report of a period.
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
    /// The recovery work list: customers lost as of a date, most valuable first.
    Lost {
        /// The date to list for, YYYY-MM-DD; default: the latest date in the store.
        #[arg(long, value_parser = commands::parse_day)]
        as_of: Option<Day>,
        /// Only this many customers (the first in the list's order).
        #[arg(long)]
        top: Option<usize>,
        /// The order: `value` (sales and repairs of the year before they were lost) or `risk`
        /// (the service revenue at risk of the lapse model, `careledger lapse`).
        #[arg(long, value_enum, default_value = "value")]
        rank: LostRank,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        /// Print phone numbers in full (personal data: only when needed).
        #[arg(long)]
        show_phone: bool,
        /// Write the list to this file instead of printing it, readable by its owner only
        /// (a shell redirect `>` creates a file anyone on the machine may read).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Who is about to lapse (流失预警): the BG/NBD and Gamma-Gamma models fitted on the service
    /// visits, customers not lost yet ranked by the service revenue at risk in the next 12
    /// months, with the fitted parameters and a holdout check of the last 6 months.
    Lapse {
        /// The date to fit and list for, YYYY-MM-DD; default: the latest date in the store.
        #[arg(long, value_parser = commands::parse_day)]
        as_of: Option<Day>,
        /// Only this many customers (the most revenue at risk).
        #[arg(long)]
        top: Option<usize>,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        /// Print phone numbers in full (personal data: only when needed).
        #[arg(long)]
        show_phone: bool,
        /// Write the list to this file instead of printing it, readable by its owner only
        /// (a shell redirect `>` creates a file anyone on the machine may read).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check KPI gates (floors, ceilings, largest changes) for a month: exit 0 when all pass,
    /// 1 when any fails, 2 on a bad gates file. For CI pipelines.
    Check {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = commands::parse_month_period)]
        month: Period,
        /// The gates file (TOML; see the README, "Failing a build when a KPI regresses").
        #[arg(long, value_name = "FILE")]
        gates: PathBuf,
        /// A JSON report written earlier (report visits|churn|payouts --format json, or
        /// check --format json) for the baseline_max_drop / baseline_max_rise limits; may be
        /// given more than once.
        #[arg(long, value_name = "FILE")]
        baseline: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: CheckFormat,
        /// Also write annotations for a CI system to stderr (`github`: an `::error` workflow
        /// command per failed check and a `::warning` per check passed only through
        /// allow_missing, each pointing at its gate's line in the gates file). Never into
        /// the report on stdout.
        #[arg(long, value_enum)]
        annotate: Option<Annotate>,
        /// Write the annotations to this file instead of stderr.
        #[arg(long, value_name = "FILE", requires = "annotate")]
        annotate_file: Option<PathBuf>,
        /// Append a Markdown table of the gates to this file (a GitHub Actions job summary);
        /// defaults to $GITHUB_STEP_SUMMARY when that is set.
        #[arg(long, value_name = "FILE", env = "GITHUB_STEP_SUMMARY")]
        summary: Option<PathBuf>,
    },
    /// Explain a figure.
    Explain {
        #[command(subcommand)]
        what: ExplainCommand,
    },
    /// Close a month's payout statement: store it, with its hash, as finance paid it. Later
    /// changes reach the next open month as prior-period adjustments.
    Close {
        /// The month, YYYY-MM; months close in order.
        #[arg(long, value_parser = commands::parse_month_period)]
        month: Period,
        /// Print what would be frozen (totals, lines, people, the hash) and store nothing.
        #[arg(long)]
        dry_run: bool,
        /// Close even a month the data does not reach past its grace, or one without
        /// surveys.
        #[arg(long)]
        force: bool,
    },
    /// Reopen the latest closed month, for a reason that is kept: its statement stays
    /// readable, and closing it again stores a new version.
    Reopen {
        /// The month, YYYY-MM: the latest closed one.
        #[arg(long, value_parser = commands::parse_month_period)]
        month: Period,
        /// Why (kept in the store with the time).
        #[arg(long)]
        reason: String,
    },
    /// The closed months: each statement version with its hash and time, and every reopen
    /// with its reason; with --month and --version, that statement as it was closed.
    Closes {
        /// A month, YYYY-MM: print the JSON of one of its statement versions.
        #[arg(long, value_parser = commands::parse_month_period, requires = "version")]
        month: Option<Period>,
        /// The version to print (1 is the first close).
        #[arg(long, requires = "month")]
        version: Option<u32>,
    },
    /// Customer tiers (super VIP / VIP / general, the 80/20 rule) of a month.
    Tiers {
        /// The month, YYYY-MM; tiers are evaluated as of the last day of the month before.
        #[arg(long, value_parser = commands::parse_month_period)]
        month: Period,
        /// List every customer with their tier and the criteria they meet.
        #[arg(long)]
        list: bool,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// The work list: open return-visit tasks due (or overdue) as of a date.
    Tasks {
        /// The date to list for, YYYY-MM-DD; default: the latest date in the store.
        #[arg(long, value_parser = commands::parse_day)]
        as_of: Option<Day>,
        /// Only tasks of this department.
        #[arg(long)]
        department: Option<String>,
        /// Only tasks owned by this staff member (the sale's consultant for delivery tasks).
        #[arg(long)]
        staff: Option<String>,
        /// Only tasks of this kind (delivery_call_1, thank_you_letter, delivery_call_2,
        /// delivery_call_3, service_followup, churn_recovery).
        #[arg(long, value_parser = commands::parse_task_kind)]
        kind: Option<Purpose>,
        /// Also list tasks due up to this many days after the date (at most 3660, ten years).
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=AHEAD_DAYS_MAX))]
        ahead: u32,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        /// Print phone numbers in full (personal data: only when needed).
        #[arg(long)]
        show_phone: bool,
        /// Write the list to this file instead of printing it, readable by its owner only
        /// (a shell redirect `>` creates a file anyone on the machine may read).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The complaints work list: open complaints, with what is due next (escalation to the
    /// general manager, reply to the customer) and when, overdue first.
    Complaints {
        /// List the open complaints (the one list there is; may be left out).
        #[arg(long)]
        open: bool,
        /// The moment to list for: YYYY-MM-DD (24:00 of that day) or YYYY-MM-DD HH:MM;
        /// default: the latest time in the store.
        #[arg(long, value_parser = commands::parse_moment)]
        as_of: Option<Timestamp>,
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
        /// Print phone numbers in full (personal data: only when needed).
        #[arg(long)]
        show_phone: bool,
        /// Write the list to this file instead of printing it, readable by its owner only.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The actions work list: corrective and preventive actions not done yet, overdue first.
    Actions {
        /// List the open actions (the one list there is; may be left out).
        #[arg(long)]
        open: bool,
        /// The date to list for, YYYY-MM-DD; default: the latest date in the store.
        #[arg(long, value_parser = commands::parse_day)]
        as_of: Option<Day>,
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
        /// Write the list to this file instead of printing it, readable by its owner only.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Generate a realistic, deterministic dataset: every record kind's file.
    Gen {
        /// Number of customers.
        #[arg(long, default_value_t = 2000)]
        customers: u64,
        /// Number of months covered.
        #[arg(long, default_value_t = 24)]
        months: u32,
        /// Seed: the same seed gives byte-identical files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// First month covered, YYYY-MM.
        #[arg(long, default_value = "2024-01", value_parser = commands::parse_month)]
        start: (i32, u32),
        /// The folder to write the files into.
        #[arg(long)]
        out: PathBuf,
    },
    /// The main job end to end: generate a dataset, import it into the demo's own store
    /// (reports/demo/demo.redb unless --db is given), and write the report pack of the latest
    /// complete month. A store holding imports of other files than the demo's is refused.
    Demo {
        /// Number of customers to generate.
        #[arg(long, default_value_t = 2000)]
        customers: u64,
        /// Where the generated files go.
        #[arg(long, default_value = "reports/demo/data")]
        data: PathBuf,
    },
    /// Print a shell completion script: `careledger completions bash >
    /// ~/.local/share/bash-completion/completions/careledger`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `careledger man > careledger.1`.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The return-visit report (回访月报): tasks due, performed, successful, on time;
    /// satisfaction; most reported issues.
    Visits {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = commands::parse_month_period, required_unless_present = "week", conflicts_with = "week")]
        month: Option<Period>,
        /// The ISO week, YYYY-Www (Monday to Sunday).
        #[arg(long, value_parser = commands::parse_week_period)]
        week: Option<Period>,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// The churn and recovery report (流失客户挽回维修产值): lost customers, recovery calls,
    /// returns won back and the repair revenue they brought.
    Churn {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = commands::parse_month_period, required_unless_present = "year", conflicts_with = "year")]
        month: Option<Period>,
        /// The year, YYYY: its twelve months and the year's totals.
        #[arg(long, value_parser = commands::parse_year_period)]
        year: Option<Period>,
        /// Credit recovered returns and their revenue to the staff who made the winning call
        /// (always shown in md and csv).
        #[arg(long)]
        by_staff: bool,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// The complaints report (投诉, 相关问题及时处理完成率): complaints raised in the month,
    /// escalated and handled in time by the working-time clock, open and overdue at its end.
    Complaints {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = commands::parse_month_period)]
        month: Period,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// The corrective and preventive actions (整改措施和预防措施) raised or due in the month,
    /// with their status at its end.
    Actions {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = commands::parse_month_period)]
        month: Period,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// The care report (客户关怀): tier care (super VIP weekly, VIP monthly) and insurance
    /// renewal reminders due in the month, and what became of them.
    Care {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = commands::parse_month_period)]
        month: Period,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// The manager's report pack: every report (json, md, csv), every chart (PNG, SVG) and an
    /// index.html that works offline, by default under reports/YYYY-MM/.
    All {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = commands::parse_month_period)]
        month: Period,
        /// The folder to write into; default reports/YYYY-MM (reports/YYYY-MM-en for English).
        /// With --single-file, the file to write; default reports/YYYY-MM.html.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write one self-contained HTML file (charts embedded, no links to other files) that
        /// can be mailed as it is, instead of the folder.
        #[arg(long)]
        single_file: bool,
    },
    /// The reward and fine statement (奖罚) of a month: every period ending in it, per tier and
    /// department, and what each person receives.
    Payouts {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = commands::parse_month_period)]
        month: Period,
        /// What-if: compare the rules given with --rules (the proposal) against the rules in
        /// force: the built-in defaults (`--compare` alone), or the rules file given here.
        #[arg(long, value_name = "IN_FORCE.toml", num_args = 0..=1, default_missing_value = "defaults")]
        compare: Option<PathBuf>,
        /// json, md, csv, or xlsx: the workbook finance files (binary: with --out FILE, or
        /// stdout redirected to a file; never printed on a terminal).
        #[arg(long, value_enum, default_value = "json")]
        format: StatementFormat,
        /// Write the statement to this file instead of printing it, readable by its owner
        /// only (a shell redirect `>` creates a file anyone on the machine may read).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `--format` of `report payouts`: the report formats, and the statement's workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StatementFormat {
    Json,
    Md,
    Csv,
    Xlsx,
}

#[derive(Debug, Subcommand)]
pub enum ExplainCommand {
    /// The surveys, members and arithmetic behind one payout line ("why was I fined").
    Payout {
        /// The line's period: an ISO week (2024-W09), a month (2024-03) or a year (2024).
        #[arg(long)]
        period: String,
        /// super_vip, vip or general.
        #[arg(long)]
        tier: String,
        /// The department the surveys were about.
        #[arg(long)]
        department: String,
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
}

/// The output of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
    Junit,
}

/// CI annotations `check` can print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Annotate {
    Github,
}

/// The format of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

/// The order of the lost list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LostRank {
    /// Sales and repair revenue of the 365 days before they were lost, most first.
    Value,
    /// The lapse model's service revenue at risk in the next 12 months, most first.
    Risk,
}

/// How a command failed, mapped to the exit codes of DOMAIN.md section 11.
pub enum Failure {
    /// Bad usage or bad input; nothing was written. Exit 2.
    Input(String),
    /// Bad input, as a report whose lines start with their location (`FILE:LINE: column:
    /// reason`), printed as it is. Exit 2.
    Report(String),
    /// A KPI gate failed; the report is printed already. Exit 1.
    GateFailed,
    /// A failure that is not the input's, with a message that says what to do (a damaged
    /// store, a full disk). Exit 3.
    Fatal(String),
    /// Anything unexpected. Exit 3.
    Unexpected(anyhow::Error),
}

/// A file or folder careledger was asked to write could not be written. What the user can
/// fix (a folder they may not write to, a file or folder in the way, a missing parent) is
/// bad usage, exit 2; a full disk is exit 3, saying so. Either way the message names what
/// could not be written.
pub fn write_failure(what: &str, e: &std::io::Error) -> Failure {
    use std::io::ErrorKind::*;
    match e.kind() {
        StorageFull | QuotaExceeded | FileTooLarge => Failure::Fatal(careledger::say!(
            "{what}: {e}; the disk is full: free some space and run the command again",
            "{what}：{e}；磁盘已满：请腾出空间，再运行这条命令"
        )),
        PermissionDenied | ReadOnlyFilesystem | NotADirectory | IsADirectory | AlreadyExists
        | NotFound | InvalidFilename | DirectoryNotEmpty => Failure::Input(careledger::say!(
            "{what}: {e}; choose a folder you can write to, or move what is in the way",
            "{what}：{e}；请选择一个你能写入的文件夹，或把挡路的东西移开"
        )),
        _ => Failure::Fatal(careledger::say!("{what}: {e}", "{what}：{e}")),
    }
}

/// `?` for writing files: classifies the error with [`write_failure`].
pub trait OrWrite<T> {
    fn or_write(self, what: impl FnOnce() -> String) -> Result<T, Failure>;
}

impl<T> OrWrite<T> for std::io::Result<T> {
    fn or_write(self, what: impl FnOnce() -> String) -> Result<T, Failure> {
        self.map_err(|e| write_failure(&what(), &e))
    }
}

pub fn main() -> ExitCode {
    // Errors and warnings speak `--lang` too, from the first one on: the arguments' own
    // checks (a date of `--as-of`) run while they are parsed, so the language is read first.
    careledger::voice::set(lang_before_parsing(std::env::args_os()));
    let cli = Cli::parse();
    careledger::voice::set(cli.lang.into());
    style::set_quiet(cli.quiet);
    careledger::facts::set_ignored(cli.from_scratch);
    keep_panics_quiet();
    // Reports derive every customer's facts: at a network's scale that takes a while, so
    // they show how far they are (the import draws its own bar).
    let long = matches!(
        cli.command,
        Command::Report { .. }
            | Command::Check { .. }
            | Command::Tiers { .. }
            | Command::Tasks { .. }
            | Command::Lost { .. }
            | Command::Lapse { .. }
            | Command::Explain { .. }
            | Command::Close { .. }
            | Command::Reopen { .. }
    );
    let meter = long.then(style::Meter::start).flatten();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commands::run(cli)));
    drop(meter);
    let result = result.unwrap_or_else(|_| {
        let what = PANIC
            .lock()
            .ok()
            .and_then(|mut p| p.take())
            .unwrap_or_else(|| careledger::voice::pick("an internal error", "内部错误").into());
        Err(Failure::Fatal(careledger::say!(
            "internal error: {what}. Nothing was half-written (imports are one transaction). Run `careledger verify`: if the store is damaged, restore it from a backup; if it is healthy, this is a bug in careledger: report it with the command you ran",
            "内部错误：{what}。没有写下一半的数据（每次导入是一个事务）。请运行 `careledger verify`：如果数据库已损坏，从备份恢复；如果完好，这是 careledger 的缺陷：请连同你运行的命令一起报告"
        )))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            eprintln!("careledger: {message}");
            ExitCode::from(2)
        }
        Err(Failure::GateFailed) => ExitCode::from(1),
        Err(Failure::Fatal(message)) => {
            eprintln!("careledger: {message}");
            ExitCode::from(3)
        }
        Err(Failure::Report(report)) => {
            eprintln!("{report}");
            ExitCode::from(2)
        }
        Err(Failure::Unexpected(error)) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("careledger: {error:#}");
            eprintln!(
                "careledger: {}",
                careledger::voice::pick(
                    "this is unexpected; nothing was half-written (imports are one transaction). If it persists, run `careledger stats` and report the message above.",
                    "这是意外情况；没有写下一半的数据（每次导入是一个事务）。如果一再出现，请运行 `careledger stats`，并报告上面的消息。"
                )
            );
            ExitCode::from(3)
        }
    }
}

/// The language `--lang` will say once the arguments are parsed: its last value on the
/// command line (`--lang en`, `--lang=en`), else `CARELEDGER_LANG`, else Chinese. A value
/// that is no language is left to the parser to refuse.
fn lang_before_parsing(args: impl IntoIterator<Item = std::ffi::OsString>) -> report::Lang {
    let parse = |v: &str| match v {
        "en" => Some(report::Lang::En),
        "zh" => Some(report::Lang::Zh),
        _ => None,
    };
    let mut given = None;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            given = args
                .next()
                .and_then(|v| parse(&v.to_string_lossy()))
                .or(given);
        } else if let Some(v) = arg.strip_prefix("--lang=") {
            given = parse(v).or(given);
        }
    }
    given
        .or_else(|| parse(&std::env::var("CARELEDGER_LANG").ok()?))
        .unwrap_or(report::Lang::Zh)
}

/// The message and place of the last panic, for `main` to print if nothing caught it.
static PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Replaces the panic message on stderr with a note that `main` turns into a plain message
/// and exit 3, should the panic reach it. The store catches the panics redb raises on a
/// damaged page and reports them as damage (see `store::guarded`); those must not print.
/// With `RUST_BACKTRACE` set, the note carries the backtrace, for debugging.
fn keep_panics_quiet() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let backtrace = std::backtrace::Backtrace::capture();
        let backtrace = match backtrace.status() {
            std::backtrace::BacktraceStatus::Captured => format!("\n{backtrace}"),
            _ => String::new(),
        };
        if let Ok(mut last) = PANIC.lock() {
            *last = Some(format!("{text}{place}{backtrace}"));
        }
    }));
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes to stdout, turning a closed pipe into an error that exits cleanly.
pub fn out(text: &str) -> Result<(), Failure> {
    out_bytes(text.as_bytes())
}

/// Writes bytes to stdout (see [`out`]).
pub fn out_bytes(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::Unexpected(e.into()))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// The language is read from the arguments before they are parsed, in both spellings;
    /// what follows `--` is an operand, not an option.
    #[test]
    fn the_language_is_known_before_the_arguments_are_parsed() {
        use careledger::report::Lang;
        let lang =
            |args: &[&str]| super::lang_before_parsing(args.iter().map(std::ffi::OsString::from));
        assert_eq!(lang(&["careledger", "--lang", "en", "stats"]), Lang::En);
        assert_eq!(lang(&["careledger", "stats", "--lang=en"]), Lang::En);
        assert_eq!(lang(&["careledger", "--lang", "zh", "stats"]), Lang::Zh);
        assert_eq!(lang(&["careledger", "--lang=en", "--lang=zh"]), Lang::Zh);
        // A value that is no language leaves the one before it.
        assert_eq!(lang(&["careledger", "--lang=en", "--lang", "fr"]), Lang::En);
        // An operand after `--` (a file named so) is not the option.
        assert_eq!(
            lang(&["careledger", "--lang=en", "import", "--", "--lang=zh"]),
            Lang::En
        );
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
