//! The commands. Each parses its arguments, calls the library, and prints.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context;
use rayon::prelude::*;

use careledger::csvio::{self, ERRORS_SHOWN_MAX, ImportError, ParsedFile};
use careledger::derive::tiers::Tier;
use careledger::gate;
use careledger::generator::{self, GenConfig};
use careledger::kpi::{
    self,
    worklist::{WorkFilter, WorkItem},
};
use careledger::model::{Day, Period, Purpose};
use careledger::model::{KEY_SEPARATOR, Kind, display_key, mask_phone};
use careledger::report::{Format, Lang, Render};
use careledger::rules::{Rules, TASK_KINDS};
use careledger::store::{
    CloseError, ImportFailure, ImportOptions, Integrity, Reader, Store, StoreError,
};

use super::{
    Annotate, CheckFormat, Cli, Command, ExplainCommand, Failure, ListFormat, ReportCommand, out,
    out_bytes,
};

pub fn run(cli: Cli) -> Result<(), Failure> {
    let db = cli.db.as_path();
    let rules = load_rules(cli.rules.as_deref())?;
    let lang = cli.lang;
    match cli.command {
        Command::Rules => out(&rules.to_toml()),
        Command::Report {
            report:
                ReportCommand::Visits {
                    month,
                    week,
                    format,
                },
        } => {
            let period = month.or(week).expect("clap requires one");
            let reader = Store::open_reader(db).map_err(store_failure)?;
            let report = kpi::visits::run(&reader, &rules, &period).map_err(store_failure)?;
            out_bytes(&report.render(format, lang))
        }
        Command::Report {
            report:
                ReportCommand::Churn {
                    month,
                    year,
                    by_staff,
                    format,
                },
        } => {
            let period = month.or(year).expect("clap requires one");
            let reader = Store::open_reader(db).map_err(store_failure)?;
            let by_staff = by_staff || format != Format::Json;
            let report =
                kpi::churn::run(&reader, &rules, &period, by_staff).map_err(store_failure)?;
            out_bytes(&report.render(format, lang))
        }
        Command::Tiers {
            month,
            list,
            format,
        } => {
            let reader = Store::open_reader(db).map_err(store_failure)?;
            let report = kpi::tiers::run(&reader, &rules, &month, list).map_err(store_failure)?;
            out_bytes(&report.render(format, lang))
        }
        Command::Report {
            report: ReportCommand::All { month, out: dir },
        } => {
            let dir = dir.unwrap_or_else(|| default_pack_dir(&month, lang));
            report_all(db, &rules, &month, lang, &dir)
        }
        Command::Report {
            report:
                ReportCommand::Payouts {
                    month,
                    compare,
                    format,
                },
        } => {
            let reader = Store::open_reader(db).map_err(store_failure)?;
            match compare {
                None => {
                    let statement =
                        kpi::payouts::statement(&reader, &rules, &month).map_err(store_failure)?;
                    out_bytes(&statement.render(format, lang))
                }
                Some(in_force) => {
                    if cli.rules.is_none() {
                        return Err(Failure::Input("--compare needs the proposed rules: pass them with --rules PROPOSAL.toml".into()));
                    }
                    let in_force = load_rules(
                        (in_force.as_os_str() != "defaults").then_some(in_force.as_path()),
                    )?;
                    let comparison = kpi::payouts::compare(&reader, &in_force, &rules, &month)
                        .map_err(store_failure)?;
                    out_bytes(&comparison.render(format, lang))
                }
            }
        }
        Command::Check {
            month,
            gates,
            baseline,
            format,
            annotate,
        } => check(db, &rules, &month, &gates, &baseline, format, annotate),
        Command::Explain {
            what:
                ExplainCommand::Payout {
                    period,
                    tier,
                    department,
                    format,
                },
        } => {
            let period = kpi::payouts::parse_period(&period).map_err(Failure::Input)?;
            let tier = match tier.as_str() {
                "super_vip" => Tier::SuperVip,
                "vip" => Tier::Vip,
                "general" => Tier::General,
                other => {
                    return Err(Failure::Input(format!(
                        "`{other}` is not a tier; use super_vip, vip or general"
                    )));
                }
            };
            let reader = Store::open_reader(db).map_err(store_failure)?;
            let explanation = kpi::payouts::explain(&reader, &rules, &period, tier, &department)
                .map_err(store_failure)?
                .map_err(Failure::Input)?;
            out_bytes(&explanation.render(format, lang))
        }
        Command::Close { month } => {
            if !db.exists() {
                return Err(store_failure(StoreError::Missing(db.to_owned())));
            }
            let store = Store::open_or_create(db).map_err(store_failure)?;
            let at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
            match kpi::payouts::close(&store, &rules, &month, &at) {
                Ok(closed) => out(&format!(
                    "closed {}: total {}{}; sha256 {}\n",
                    closed.month,
                    closed.statement.total,
                    closed
                        .statement
                        .payable_total
                        .map(|p| format!(", payable with prior-period adjustments {p}"))
                        .unwrap_or_default(),
                    closed.sha256
                )),
                Err(CloseError::Store(e)) => Err(store_failure(e)),
                Err(e) => Err(Failure::Input(e.to_string())),
            }
        }
        Command::Lost {
            as_of,
            top,
            format,
            show_phone,
        } => lost(db, &rules, as_of, top, format, show_phone),
        Command::Tasks {
            as_of,
            department,
            staff,
            kind,
            ahead,
            format,
            show_phone,
        } => {
            let filter = WorkFilter {
                department,
                staff,
                kind,
                ahead_days: ahead,
            };
            tasks(db, &rules, as_of, &filter, format, show_phone)
        }
        Command::Import {
            paths,
            amend,
            dry_run,
        } => import(db, &paths, amend, dry_run),
        Command::Export { dir } => export(db, &dir),
        Command::History {
            kind,
            id,
            show_phone,
        } => history(db, &kind, &id, show_phone),
        Command::Stats => stats(db),
        Command::Verify => verify(db),
        Command::Gen {
            customers,
            months,
            seed,
            start,
            out: dir,
        } => {
            let config = GenConfig {
                customers,
                months,
                seed,
                start_year: start.0,
                start_month: start.1,
            };
            generate(&config, &dir)
        }
        Command::Demo { customers, data } => demo(db, &rules, lang, customers, &data),
    }
}

fn load_rules(path: Option<&Path>) -> Result<Rules, Failure> {
    let Some(path) = path else {
        return Ok(Rules::default());
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Input(format!(
            "cannot read the rules file {}: {e}",
            path.display()
        ))
    })?;
    Rules::from_toml(&path.display().to_string(), &text).map_err(|e| Failure::Input(e.to_string()))
}

pub fn parse_month_period(text: &str) -> Result<Period, String> {
    Period::parse_month(text)
}

pub fn parse_year_period(text: &str) -> Result<Period, String> {
    let bad = || format!("`{text}` is not a year; write YYYY, e.g. 2024");
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Period::year(text.parse().map_err(|_| bad())?).ok_or_else(bad)
}

pub fn parse_week_period(text: &str) -> Result<Period, String> {
    Period::parse_week(text)
}

pub fn parse_day(text: &str) -> Result<Day, String> {
    Day::parse(text)
}

pub fn parse_task_kind(text: &str) -> Result<Purpose, String> {
    match text.parse::<Purpose>() {
        Ok(p) if p != Purpose::Care => Ok(p),
        _ => Err(format!(
            "`{text}` is not a task kind; use one of {}",
            TASK_KINDS.map(|k| k.as_str()).join(", ")
        )),
    }
}

fn check(
    db: &Path,
    rules: &Rules,
    month: &Period,
    gates_path: &Path,
    baseline_paths: &[std::path::PathBuf],
    format: CheckFormat,
    annotate: Option<Annotate>,
) -> Result<(), Failure> {
    let text = std::fs::read_to_string(gates_path).map_err(|e| {
        Failure::Input(format!(
            "cannot read the gates file {}: {e}",
            gates_path.display()
        ))
    })?;
    let gates = gate::parse_gates(&gates_path.display().to_string(), &text)
        .map_err(|e| Failure::Input(e.to_string()))?;
    let mut baselines = Vec::new();
    for path in baseline_paths {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::Input(format!("cannot read the baseline {}: {e}", path.display()))
        })?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Failure::Input(format!("{}: not a JSON report: {e}", path.display())))?;
        baselines.push(json);
    }
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let sources: std::collections::BTreeSet<gate::Source> =
        gates.iter().map(|g| g.source).collect();
    // Both months come from one derivation of the snapshot (none when only payouts are gated).
    let derived =
        if sources.contains(&gate::Source::Visits) || sources.contains(&gate::Source::Churn) {
            Some(kpi::Derived::load(&reader, rules).map_err(store_failure)?)
        } else {
            None
        };
    let reports_of = |period: &Period| -> Result<gate::Reports, Failure> {
        let mut r = gate::Reports::default();
        if let Some(derived) = &derived {
            if sources.contains(&gate::Source::Visits) {
                r.visits = Some(derived.visits(period).map_err(store_failure)?);
            }
            if sources.contains(&gate::Source::Churn) {
                r.churn = Some(derived.churn_report(period, None));
            }
        }
        if sources.contains(&gate::Source::Payouts) {
            r.payouts =
                Some(kpi::payouts::statement(&reader, rules, period).map_err(store_failure)?);
        }
        Ok(r)
    };
    let previous_month = month.previous();
    let current = reports_of(month)?;
    let previous = reports_of(&previous_month)?;
    let checks = gate::evaluate(
        &gates,
        &month.label,
        &current,
        &previous_month.label,
        &previous,
        &baselines,
    );
    let failed = checks.iter().filter(|c| !c.passed).count();
    let mut output = match format {
        CheckFormat::Table => gate::table(&month.label, &checks).into_bytes(),
        CheckFormat::Junit => gate::junit(&month.label, &checks).into_bytes(),
        CheckFormat::Json => {
            let mut reports = std::collections::BTreeMap::new();
            if let Some(v) = &current.visits {
                reports.insert("visits", json_value(v));
            }
            if let Some(c) = &current.churn {
                reports.insert("churn", json_value(c));
            }
            if let Some(p) = &current.payouts {
                reports.insert("payouts", json_value(p));
            }
            let report = gate::CheckReport {
                month: month.label.clone(),
                passed: failed == 0,
                failed,
                checks: &checks,
                reports,
            };
            careledger::report::to_json(&report)
        }
    };
    if annotate == Some(Annotate::Github) {
        output.extend(gate::github_annotations(&month.label, &checks).into_bytes());
    }
    out_bytes(&output)?;
    if failed > 0 {
        Err(Failure::GateFailed)
    } else {
        Ok(())
    }
}

/// A report as a JSON value (the reports embedded in `check --format json`).
fn json_value<T: serde::Serialize>(report: &T) -> serde_json::Value {
    serde_json::to_value(report).expect("reports serialise")
}

/// reports/YYYY-MM for Chinese (the dealership's managers), reports/YYYY-MM-en for English.
fn default_pack_dir(month: &Period, lang: Lang) -> std::path::PathBuf {
    let suffix = if lang == Lang::En { "-en" } else { "" };
    Path::new("reports").join(format!("{}{suffix}", month.label))
}

/// Writes a file beside its target and renames it, so a failure never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = path.with_file_name(format!(".{name}.partial"));
    std::fs::write(&partial, bytes)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn report_all(
    db: &Path,
    rules: &Rules,
    month: &Period,
    lang: Lang,
    dir: &Path,
) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let files =
        careledger::report::pack::build(&reader, rules, month, lang).map_err(|e| match e {
            careledger::report::pack::PackError::Store(e) => store_failure(e),
            other => Failure::Unexpected(other.into()),
        })?;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    for file in &files {
        write_atomically(&dir.join(&file.name), &file.bytes)?;
    }
    out(&format!(
        "wrote {} files to {}\nopen {}\n",
        files.len(),
        dir.display(),
        dir.join("index.html").display()
    ))
}

/// The latest complete month of the store: the month of its latest date when that date is
/// the month's last day, else the month before.
fn latest_complete_month(reader: &Reader) -> Result<Period, Failure> {
    let latest = reader
        .latest_time()
        .map_err(store_failure)?
        .ok_or_else(|| Failure::Input("the store is empty; import data first".into()))?
        .day();
    let month = Period::month_of(latest);
    Ok(if latest == month.last {
        month
    } else {
        month.previous()
    })
}

/// The date a list is "as of": the one given, or the latest date in the store.
fn as_of_or_latest(reader: &Reader, as_of: Option<Day>) -> Result<Day, Failure> {
    match as_of {
        Some(day) => Ok(day),
        None => match reader.latest_time().map_err(store_failure)? {
            Some(t) => Ok(t.day()),
            None => Err(Failure::Input(
                "the store is empty; import data first".into(),
            )),
        },
    }
}

/// Prints a list as JSON, CSV (with BOM, for Excel) or an aligned table under a title.
fn print_list<T: serde::Serialize>(
    title: &str,
    items: &[T],
    header: &[&str],
    row: impl Fn(&T) -> Vec<String>,
    format: ListFormat,
) -> Result<(), Failure> {
    match format {
        ListFormat::Json => out_bytes(&careledger::report::to_json(&items)),
        ListFormat::Csv => {
            let rows: Vec<Vec<String>> = items.iter().map(row).collect();
            let mut bytes = csvio::BOM.to_vec();
            bytes.extend(careledger::report::csv_document(header, &rows));
            out_bytes(&bytes)
        }
        ListFormat::Table => {
            let mut text = format!("{title}\n");
            if !items.is_empty() {
                let rows: Vec<Vec<String>> = items.iter().map(row).collect();
                text.push_str(&text_table(header, &rows));
            }
            out(&text)
        }
    }
}

fn lost(
    db: &Path,
    rules: &Rules,
    as_of: Option<Day>,
    top: Option<usize>,
    format: ListFormat,
    show_phone: bool,
) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let as_of = as_of_or_latest(&reader, as_of)?;
    let mut items = kpi::lost::lost_customers(&reader, rules, as_of).map_err(store_failure)?;
    let mut title = format!("lost customers as of {as_of}: {}", items.len());
    if let Some(top) = top.filter(|&top| top < items.len()) {
        title = format!("{title} in all; the {top} most valuable");
        items.truncate(top);
    }
    if !show_phone {
        for item in &mut items {
            item.phone = mask_phone(&item.phone);
        }
    }
    let header = [
        "customer_id",
        "name",
        "phone",
        "tier",
        "last_visit",
        "lost_on",
        "days_lost",
        "value",
        "repair_revenue",
        "sales_amount",
        "recovery_attempts",
        "last_attempt",
    ];
    let row = |c: &kpi::lost::LostCustomer| {
        vec![
            c.customer_id.clone(),
            c.name.clone(),
            c.phone.clone(),
            c.tier.as_str().to_owned(),
            c.last_visit.clone(),
            c.lost_on.clone(),
            c.days_lost.to_string(),
            c.value.to_string(),
            c.repair_revenue.to_string(),
            c.sales_amount.to_string(),
            c.recovery_attempts.to_string(),
            c.last_attempt.clone(),
        ]
    };
    print_list(&title, &items, &header, row, format)
}

fn tasks(
    db: &Path,
    rules: &Rules,
    as_of: Option<Day>,
    filter: &WorkFilter,
    format: ListFormat,
    show_phone: bool,
) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let as_of = as_of_or_latest(&reader, as_of)?;
    let mut items =
        kpi::worklist::open_tasks(&reader, rules, as_of, filter).map_err(store_failure)?;
    if !show_phone {
        for item in &mut items {
            item.phone = mask_phone(&item.phone);
        }
    }
    print_list(
        &format!("open tasks as of {as_of}: {}", items.len()),
        &items,
        &WORK_HEADER,
        work_row,
        format,
    )
}

const WORK_HEADER: [&str; 11] = [
    "due_at",
    "status",
    "kind",
    "department",
    "customer_id",
    "name",
    "phone",
    "owner",
    "attempts",
    "last_outcome",
    "closes_at",
];

fn work_row(i: &WorkItem) -> Vec<String> {
    vec![
        i.due_at.clone(),
        i.status.to_owned(),
        i.kind.clone(),
        i.department.clone(),
        i.customer_id.clone(),
        i.customer_name.clone(),
        i.phone.clone(),
        i.owner.clone(),
        i.attempts.to_string(),
        i.last_outcome.clone(),
        i.closes_at.clone(),
    ]
}

/// A plain-text table with columns padded to their widest cell, measured in terminal
/// columns (a Chinese character takes two).
fn text_table(header: &[&str], rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.width())))
            .collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let mut text = line(header.to_vec());
    for row in rows {
        text.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    text
}

/// Parses `YYYY-MM`.
pub fn parse_month(text: &str) -> Result<(i32, u32), String> {
    let bad = || format!("`{text}` is not a month; write YYYY-MM, e.g. 2024-01");
    let (y, m) = text.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    Ok((year, month))
}

/// Maps a store failure to its exit code: a wrong `--db` is bad usage (2); a damaged store
/// or a full disk is not the input's fault, and its message says what to do (3).
fn store_failure(e: StoreError) -> Failure {
    match e {
        StoreError::Missing(_)
        | StoreError::Busy { .. }
        | StoreError::NoFolder { .. }
        | StoreError::IsFolder(_)
        | StoreError::NotAStore { .. }
        | StoreError::ReadOnly(_)
        | StoreError::RepairNeedsWrite(_) => Failure::Input(e.to_string()),
        StoreError::Codec(careledger::store::codec::CodecError::Damaged(what)) => {
            Failure::Fatal(StoreError::Damaged(what).to_string())
        }
        StoreError::Damaged(_)
        | StoreError::NoSpace(_)
        | StoreError::Io { .. }
        | StoreError::Codec(_) => Failure::Fatal(e.to_string()),
        other => Failure::Unexpected(other.into()),
    }
}

fn list_errors(errors: &[ImportError]) -> String {
    let mut text = String::new();
    for e in errors.iter().take(ERRORS_SHOWN_MAX) {
        let _ = writeln!(text, "{e}");
    }
    if errors.len() > ERRORS_SHOWN_MAX {
        let _ = writeln!(
            text,
            "... and {} more errors",
            errors.len() - ERRORS_SHOWN_MAX
        );
    }
    let _ = write!(
        text,
        "import rejected: {} error{}; nothing was written. Fix the rows above and run the same import again.",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    text
}

/// Reads and parses the files of an import, in parallel. Problems with whole files are
/// returned at once; problems with rows travel in the files, to be listed with the store's.
pub fn read_sources(paths: &[String]) -> Result<Vec<ParsedFile>, Failure> {
    let (sources, warnings) =
        csvio::resolve_paths(paths).map_err(|e| Failure::Report(list_errors(&e)))?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let results: Vec<_> = sources.par_iter().map(csvio::parse_file).collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(e) => errors.extend(e),
        }
    }
    for w in files.iter().flat_map(|f| &f.warnings) {
        eprintln!("warning: {w}");
    }
    if !errors.is_empty() {
        // A whole file is unreadable: checking the others against the store would report
        // every reference into it as dangling, so list what is known, in file order.
        errors.extend(files.into_iter().flat_map(|f| f.errors));
        let order: Vec<String> = sources.iter().map(|s| s.display()).collect();
        errors.sort_by_key(|e| (order.iter().position(|o| *o == e.file), e.line));
        return Err(Failure::Report(list_errors(&errors)));
    }
    Ok(files)
}

/// Rows written by an import from which the store is compacted afterwards.
const COMPACT_ROWS_MIN: u64 = 50_000;

/// Rows below which no progress bar is drawn.
const PROGRESS_ROWS_MIN: u64 = 50_000;

fn import(db: &Path, paths: &[String], amend: bool, dry_run: bool) -> Result<(), Failure> {
    let files = read_sources(paths)?;
    let rows: u64 = files.iter().map(|f| f.rows.len() as u64).sum();
    let created = !db.exists();
    let mut store = Store::open_or_create(db).map_err(store_failure)?;
    let bar = (rows >= PROGRESS_ROWS_MIN && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(rows * 2);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {percent}% ({eta} left)")
                .expect("the template is valid")
                .progress_chars("=> "),
        );
        bar.set_message("importing");
        bar
    });
    let progress = |done: u64, total: u64| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    };
    let options = ImportOptions {
        amend,
        dry_run,
        at: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
    };
    let result = store.import(&files, &options, &progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    // A large import leaves free pages behind; giving them back costs a few seconds per GB.
    if let Ok(outcome) = &result
        && outcome.recorded
        && outcome.counts.iter().map(|c| c.written()).sum::<u64>() >= COMPACT_ROWS_MIN
    {
        store.compact().map_err(store_failure)?;
    }
    drop(store);
    // A store file this command created holds nothing of value unless the import committed.
    let remove_new_store = || {
        if created {
            let _ = std::fs::remove_file(db);
        }
    };
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(ImportFailure::Rejected(errors)) => {
            remove_new_store();
            return Err(Failure::Report(list_errors(&errors)));
        }
        Err(ImportFailure::Store(e)) => {
            remove_new_store();
            return Err(store_failure(e));
        }
    };
    if dry_run {
        remove_new_store();
    }
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} {}: {} file{}, {rows} rows",
        if dry_run {
            "dry run of import"
        } else {
            "import"
        },
        outcome.import_id,
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    );
    if !dry_run && !outcome.recorded {
        text = format!("nothing to import: all {rows} rows are already in the store, unchanged\n");
    }
    let _ = writeln!(
        text,
        "{:<16}{:>10}{:>10}{:>10}{:>11}",
        "kind", "added", "amended", "voided", "unchanged"
    );
    for c in &outcome.counts {
        let _ = writeln!(
            text,
            "{:<16}{:>10}{:>10}{:>10}{:>11}",
            c.kind().name(),
            c.added,
            c.amended,
            c.voided,
            c.unchanged
        );
    }
    if dry_run {
        let _ = writeln!(text, "dry run: everything checked, nothing written");
    }
    out(&text)
}

fn export(db: &Path, dir: &Path) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let mut text = String::new();
    for kind in Kind::ALL {
        let path = dir.join(kind.file_name());
        // Write beside the target and rename, so a failure never leaves a half-written file.
        let partial = dir.join(format!(".{}.partial", kind.file_name()));
        let file = create_private(&partial)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        let (buffered, n) = csvio::write_kind(&reader, kind, std::io::BufWriter::new(file))
            .map_err(|e| match e {
                csvio::ExportError::Store(e) => store_failure(e),
                other => Failure::Unexpected(
                    anyhow::Error::new(other)
                        .context(format!("cannot write {}", partial.display())),
                ),
            })?;
        buffered
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {}: {}", partial.display(), e.error()))?
            .sync_all()?;
        std::fs::rename(&partial, &path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let _ = writeln!(text, "{:<22}{n:>10} rows", path.display());
    }
    out(&text)
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::create(path)
}

fn history(db: &Path, kind_text: &str, id: &str, show_phone: bool) -> Result<(), Failure> {
    let kind = Kind::parse_name(kind_text).ok_or_else(|| {
        Failure::Input(format!(
            "`{kind_text}` is not a record kind; use one of {}",
            Kind::ALL.map(Kind::name).join(", ")
        ))
    })?;
    let key = match kind {
        Kind::SurveyAnswer => match id.rsplit_once('/') {
            Some((survey, question)) => format!("{survey}{KEY_SEPARATOR}{question}"),
            None => {
                return Err(Failure::Input(format!(
                    "a survey answer is named SURVEY_ID/QUESTION, e.g. Q000001/consultant_attitude; got `{id}`"
                )));
            }
        },
        _ => id.to_owned(),
    };
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let versions = reader.history(kind, &key).map_err(store_failure)?;
    if versions.is_empty() {
        return Err(Failure::Input(format!(
            "there is no {} `{id}` in the store, in any version",
            kind.noun()
        )));
    }
    let columns = kind.columns();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{kind} {}: {} version{}",
        display_key(&key),
        versions.len(),
        if versions.len() == 1 { "" } else { "s" }
    );
    let mut previous: Option<Vec<String>> = None;
    for v in &versions {
        let files: Vec<&str> = v
            .import
            .files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.path.as_str())
            .collect();
        let _ = writeln!(
            text,
            "\nversion #{}  {}  import {} at {}{}  ({})",
            v.seq,
            v.entry.op.as_str(),
            v.import.id,
            v.import.at,
            if v.import.amend { " --amend" } else { "" },
            files.join(", ")
        );
        let Some(record) = &v.entry.record else {
            let _ = writeln!(text, "  (voided: the record no longer counts anywhere)");
            previous = None;
            continue;
        };
        let mut cells = record.cells();
        if kind == Kind::Customer && !show_phone {
            let phone = columns
                .iter()
                .position(|c| c.name == "phone")
                .expect("customers have a phone column");
            cells[phone] = mask_phone(&cells[phone]);
        }
        for (i, (column, cell)) in columns.iter().zip(&cells).enumerate() {
            let changed = previous.as_ref().is_some_and(|p| p[i] != *cell);
            let _ = writeln!(
                text,
                "  {}{:<20}{cell}",
                if changed { "* " } else { "  " },
                column.name
            );
        }
        previous = Some(cells);
    }
    out(&text)
}

fn stats(db: &Path) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let stats = reader.stats().map_err(store_failure)?;
    let size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    let mut text = String::new();
    let _ = writeln!(text, "store {} ({})", db.display(), human_bytes(size));
    let _ = writeln!(text, "{:<16}{:>12}{:>12}", "kind", "current", "versions");
    for (kind, current, versions) in &stats.kinds {
        let _ = writeln!(text, "{:<16}{current:>12}{versions:>12}", kind.name());
    }
    match &stats.last_import {
        None => {
            let _ = writeln!(text, "no imports yet");
        }
        Some(last) => {
            let _ = writeln!(
                text,
                "imports: {}; last: import {} at {}{}",
                stats.imports,
                last.id,
                last.at,
                if last.amend { " (--amend)" } else { "" }
            );
            for f in &last.files {
                let _ = writeln!(
                    text,
                    "  {:<40}{:>10} rows  sha256 {}",
                    f.path, f.rows, f.sha256
                );
            }
            for c in last.counts.iter().filter(|c| c.written() + c.unchanged > 0) {
                let _ = writeln!(
                    text,
                    "  {:<16} added {} amended {} voided {} unchanged {}",
                    c.kind().name(),
                    c.added,
                    c.amended,
                    c.voided,
                    c.unchanged
                );
            }
        }
    }
    out(&text)
}

fn verify(db: &Path) -> Result<(), Failure> {
    let report = careledger::store::verify(db).map_err(store_failure)?;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "verify {}{}",
        db.display(),
        if report.checked_a_copy {
            " (read-only: a private copy was checked)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        text,
        "redb integrity check: {}",
        match &report.integrity {
            Integrity::Clean => "clean (every page matches its checksum)".to_owned(),
            Integrity::Repaired => "pages intact; its record of free pages was rebuilt".to_owned(),
            Integrity::Damaged(what) => format!("FAILED: {what}"),
        }
    );
    if matches!(report.integrity, Integrity::Damaged(_)) {
        let _ = writeln!(text, "the tables were not read");
    } else {
        let _ = writeln!(
            text,
            "checked against the log (every value decoded, every index derived again):"
        );
        for (table, n) in &report.entries {
            let _ = writeln!(text, "  {table:<12}{n:>12} entries");
        }
    }
    for problem in &report.problems {
        let _ = writeln!(text, "problem: {problem}");
    }
    if report.problems_total > report.problems.len() as u64 {
        let _ = writeln!(
            text,
            "... and {} more problems",
            report.problems_total - report.problems.len() as u64
        );
    }
    if report.is_healthy() {
        let _ = writeln!(text, "the store is healthy");
        return out(&text);
    }
    out(&text)?;
    Err(Failure::Fatal(format!(
        "the store {} is damaged ({}): do not use its figures; restore it from a backup, or re-import the CSV files into a new store",
        db.display(),
        match (&report.integrity, report.problems_total) {
            (Integrity::Damaged(_), _) => "redb's integrity check failed".to_owned(),
            (_, 1) => "1 problem".to_owned(),
            (_, n) => format!("{n} problems"),
        }
    )))
}

fn human_bytes(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    if bytes >= MIB {
        format!("{}.{} MiB", bytes / MIB, bytes % MIB * 10 / MIB)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

fn generate(config: &GenConfig, dir: &Path) -> Result<(), Failure> {
    let summary = generator::generate(config, dir)?;
    let mut text = format!("generated into {}:\n", dir.display());
    for (file, rows) in &summary.rows {
        let _ = writeln!(text, "  {file:<22}{rows:>10} rows");
    }
    out(&text)
}

fn demo(db: &Path, rules: &Rules, lang: Lang, customers: u64, data: &Path) -> Result<(), Failure> {
    let config = GenConfig {
        customers,
        ..GenConfig::default()
    };
    generate(&config, data)?;
    let paths = [data.display().to_string()];
    import(db, &paths, false, false)?;
    let month = latest_complete_month(&Store::open_reader(db).map_err(store_failure)?)?;
    let dir = default_pack_dir(&month, lang);
    report_all(db, rules, &month, lang, &dir)?;
    out(&format!(
        "\nThe demo store is {db}; the report pack of {month} is in {dir}. Try also:\n  careledger --db {db} report visits --month {month} --format md\n  careledger --db {db} tasks\n  careledger --db {db} lost --top 20\n",
        db = db.display(),
        dir = dir.display(),
    ))
}
