//! The commands. Each parses its arguments, calls the library, and prints.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;

use clap::CommandFactory;
use rayon::prelude::*;

use careledger::csvio;
use careledger::derive::tiers::Tier;
use careledger::gate;
use careledger::generator::{self, GenConfig};
use careledger::import::{
    self, ERRORS_SHOWN_MAX, ErrorSink, ImportError, ImportExt, ImportFailure, ImportOptions,
    ImportOutcome, ParsedFile, Rejections, Rows, Source,
};
use careledger::kpi::{
    self,
    payouts::CloseFailure,
    worklist::{WorkFilter, WorkItem},
};
use careledger::model::{Day, Period, Purpose, Timestamp};
use careledger::model::{Kind, display_key, escape_controls, mask_phone, redact_message};
use careledger::report::{self, Lang, Render, RenderContext};
use careledger::rules::{Rules, TASK_KINDS};
use careledger::say;
use careledger::store::{CloseError, Integrity, Reader, Store, StoreError};

use super::dates::DateCensus;
use super::{
    Annotate, CheckFormat, Cli, Command, ExplainCommand, Failure, Format, ListFormat, OrWrite,
    ReportCommand, StatementFormat, out, out_bytes, style, write_failure,
};

/// The store of every command but `demo` when --db and CARELEDGER_DB are not given.
pub const DEFAULT_DB: &str = "careledger.redb";

/// The demo's own store when --db and CARELEDGER_DB are not given: never the store of real
/// data in the working folder.
pub const DEMO_DB: &str = "reports/demo/demo.redb";

pub fn run(cli: Cli) -> Result<(), Failure> {
    let default_db = match cli.command {
        Command::Demo { .. } => DEMO_DB,
        _ => DEFAULT_DB,
    };
    let db_path = cli
        .db
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from(default_db));
    let db = db_path.as_path();
    let rules = load_rules(cli.rules.as_deref())?;
    let lang = Lang::from(cli.lang);
    // Reports quote the rules they were computed with (windows, due times, thresholds).
    let cx = RenderContext::new(lang, &rules);
    match cli.command {
        Command::Rules => out(&rules.to_toml()),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "careledger", &mut script);
            out_bytes(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(|e| Failure::Unexpected(e.into()))?;
            out_bytes(&page)
        }
        Command::Report {
            report:
                ReportCommand::Visits {
                    month,
                    week,
                    format,
                },
        } => {
            let period = month.or(week).expect("clap requires one");
            let reader = open_for_reports(db, &rules)?;
            let report = kpi::visits::run(&reader, &rules, &period).map_err(store_failure)?;
            out_bytes(&report.render(format.into(), &cx))
        }
        Command::Report {
            report: ReportCommand::Complaints { month, format },
        } => {
            let reader = open_for_reports(db, &rules)?;
            let report = kpi::complaints::run(&reader, &rules, &month).map_err(store_failure)?;
            out_bytes(&report.render(format.into(), &cx))
        }
        Command::Report {
            report: ReportCommand::Care { month, format },
        } => {
            let reader = open_for_reports(db, &rules)?;
            let report = kpi::care::run(&reader, &rules, &month).map_err(store_failure)?;
            out_bytes(&report.render(format.into(), &cx))
        }
        Command::Report {
            report: ReportCommand::Actions { month, format },
        } => {
            let reader = open_for_reports(db, &rules)?;
            let workflow = careledger::derive::complaints::Workflow::load(&reader, &rules)
                .map_err(store_failure)?;
            let report = kpi::actions::actions_report(&workflow.actions, &month);
            out_bytes(&report.render(format.into(), &cx))
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
            let reader = open_for_reports(db, &rules)?;
            let by_staff = by_staff || format != super::Format::Json;
            let report =
                kpi::churn::run(&reader, &rules, &period, by_staff).map_err(kpi_failure)?;
            out_bytes(&report.render(format.into(), &cx))
        }
        Command::Tiers {
            month,
            list,
            format,
        } => {
            let reader = Store::open_reader(db).map_err(store_failure)?;
            let report = kpi::tiers::run(&reader, &rules, &month, list).map_err(kpi_failure)?;
            out_bytes(&report.render(format.into(), &cx))
        }
        Command::Report {
            report:
                ReportCommand::All {
                    month,
                    out: dir,
                    single_file,
                },
        } => {
            let dir = dir.unwrap_or_else(|| {
                let folder = default_pack_dir(&month, lang);
                if single_file {
                    folder.with_extension("html")
                } else {
                    folder
                }
            });
            report_all(db, &rules, &month, lang, &dir, single_file)
        }
        Command::Report {
            report:
                ReportCommand::Payouts {
                    month,
                    compare,
                    format,
                    out: file,
                },
        } => payouts_report(
            db,
            &rules,
            &cx,
            &month,
            compare.as_deref(),
            cli.rules.is_some(),
            format,
            file.as_deref(),
        ),
        Command::Check {
            month,
            gates,
            baseline,
            format,
            annotate,
            annotate_file,
            summary,
        } => check(
            db,
            &rules,
            &month,
            &gates,
            &baseline,
            format,
            CheckOutputs {
                annotate,
                annotate_file,
                summary,
                lang,
            },
        ),
        Command::Explain {
            what:
                ExplainCommand::Payout {
                    period,
                    tier,
                    department,
                    format,
                },
        } => {
            let period = Period::parse_any_arg(&period).map_err(Failure::Input)?;
            let tier = Tier::parse(&tier).ok_or_else(|| {
                Failure::Input(say!(
                    "`{tier}` is not a tier; use super_vip, vip or general",
                    "`{tier}` 不是客户等级；请用 super_vip、vip 或 general"
                ))
            })?;
            let reader = open_for_reports(db, &rules)?;
            let explanation = kpi::payouts::explain(&reader, &rules, &period, tier, &department)
                .map_err(kpi_failure)?
                .map_err(Failure::Input)?;
            out_bytes(&explanation.render(format.into(), &cx))
        }
        Command::Close {
            month,
            dry_run,
            force,
        } => close(db, &rules, &month, dry_run, force, lang),
        Command::Reopen { month, reason } => reopen(db, &month, &reason, lang),
        Command::Closes { month, version } => closes(db, lang, month.as_ref().zip(version)),
        Command::Lost {
            as_of,
            top,
            rank,
            format,
            show_phone,
            out: file,
        } => {
            let list = ListOptions {
                format,
                lang,
                show_phone,
                file,
            };
            lost(db, &rules, as_of, top, rank, &list)
        }
        Command::Lapse {
            as_of,
            top,
            format,
            show_phone,
            out: file,
        } => {
            let list = ListOptions {
                format,
                lang,
                show_phone,
                file,
            };
            lapse(db, &rules, as_of, top, &list)
        }
        Command::Complaints {
            open: _,
            as_of,
            format,
            show_phone,
            out: file,
        } => open_complaints(db, &rules, &cx, as_of, format, show_phone, file.as_deref()),
        Command::Actions {
            open: _,
            as_of,
            format,
            out: file,
        } => open_actions(db, &rules, &cx, as_of, format, file.as_deref()),
        Command::Tasks {
            as_of,
            department,
            staff,
            kind,
            ahead,
            format,
            show_phone,
            out: file,
        } => {
            let filter = WorkFilter {
                department,
                staff,
                kind,
                ahead_days: ahead,
            };
            let list = ListOptions {
                format,
                lang,
                show_phone,
                file,
            };
            tasks(db, &rules, as_of, &filter, &list)
        }
        Command::Import {
            paths,
            amend,
            dry_run,
            chunk_rows,
        } => import(db, &rules, lang, &paths, amend, dry_run, chunk_rows),
        Command::Export { dir } => export(db, &dir, lang),
        Command::History {
            kind,
            id,
            show_phone,
        } => history(db, &kind, &id, show_phone, lang),
        Command::Backup { file } => backup(db, &file, lang),
        Command::Restore { backup } => restore(&backup, db, &rules, lang),
        Command::Stats { tables } => stats(db, lang, tables),
        Command::Verify => verify(db, &rules, lang),
        Command::Facts => facts(db, &rules, lang),
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
            generate(&config, &dir, lang)
        }
        Command::Demo { customers, data } => demo(db, &rules, lang, customers, &data),
    }
}

fn load_rules(path: Option<&Path>) -> Result<Rules, Failure> {
    let Some(path) = path else {
        return Ok(Rules::default());
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Input(say!(
            "cannot read the rules file {}: {e}",
            "无法读取规则文件 {}：{e}",
            path.display()
        ))
    })?;
    Rules::from_toml(&path.display().to_string(), &text).map_err(|e| Failure::Input(e.to_string()))
}

pub fn parse_month_period(text: &str) -> Result<Period, String> {
    Period::parse_month_arg(text)
}

pub fn parse_year_period(text: &str) -> Result<Period, String> {
    Period::parse_year_arg(text)
}

pub fn parse_week_period(text: &str) -> Result<Period, String> {
    Period::parse_week_arg(text)
}

pub fn parse_day(text: &str) -> Result<Day, String> {
    Day::parse(text)
}

/// A moment: a date-time, or a date meaning 24:00 of it (the end of the day).
pub fn parse_moment(text: &str) -> Result<Timestamp, String> {
    match Timestamp::parse(text) {
        Ok(t) => Ok(t),
        Err(_) => Day::parse(text).map(|d| Day(d.0 + 1).start()).map_err(|_| {
            say!(
                "`{text}` is neither a date (YYYY-MM-DD) nor a date-time (YYYY-MM-DD HH:MM)",
                "`{text}` 既不是日期（YYYY-MM-DD），也不是日期时间（YYYY-MM-DD HH:MM）"
            )
        }),
    }
}

/// A task kind of the work list: a return-visit kind, or a care task's (held as the
/// purpose crediting it).
pub fn parse_task_kind(text: &str) -> Result<Purpose, String> {
    use careledger::derive::care::CareKind;
    let care = CareKind::ALL.into_iter().find(|k| k.as_str() == text);
    careledger::rules::task_kind(text)
        .or(care.map(CareKind::purpose))
        .ok_or_else(|| {
            say!(
                "`{text}` is not a task kind; use one of {}, {}",
                "`{text}` 不是任务类型；请用其中之一：{}, {}",
                TASK_KINDS.map(|k| k.as_str()).join(", "),
                CareKind::ALL.map(CareKind::as_str).join(", ")
            )
        })
}

fn check(
    db: &Path,
    rules: &Rules,
    month: &Period,
    gates_path: &Path,
    baseline_paths: &[std::path::PathBuf],
    format: CheckFormat,
    outputs: CheckOutputs,
) -> Result<(), Failure> {
    let text = std::fs::read_to_string(gates_path).map_err(|e| {
        Failure::Input(say!(
            "cannot read the gates file {}: {e}",
            "无法读取门禁文件 {}：{e}",
            gates_path.display()
        ))
    })?;
    let gates_file = gates_path.display().to_string();
    let gates = gate::parse_gates(&gates_file, &text).map_err(|e| Failure::Input(e.to_string()))?;
    gate::require_baseline(&gates_file, &gates, baseline_paths.len())
        .map_err(|e| Failure::Input(e.to_string()))?;
    let mut baselines = Vec::new();
    for path in baseline_paths {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::Input(say!(
                "cannot read the baseline {}: {e}",
                "无法读取基线 {}：{e}",
                path.display()
            ))
        })?;
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            Failure::Input(say!(
                "{}: not a JSON report: {e}",
                "{}：不是 JSON 报告：{e}",
                path.display()
            ))
        })?;
        baselines.push(json);
    }
    let reader = open_for_reports(db, rules)?;
    let sources: std::collections::BTreeSet<gate::Source> =
        gates.iter().map(|g| g.kpi.source()).collect();
    // Both months come from one derivation of the snapshot (none when only payouts are gated).
    let derived =
        if sources.contains(&gate::Source::Visits) || sources.contains(&gate::Source::Churn) {
            Some(kpi::Derived::load(&reader, rules).map_err(store_failure)?)
        } else {
            None
        };
    let lapse_before = gates.iter().any(|g| {
        g.kpi.source() == gate::Source::Lapse && (g.max_drop.is_some() || g.max_rise.is_some())
    });
    let reports_of = |period: &Period| -> Result<gate::Reports, Failure> {
        let mut r = gate::Reports::default();
        if sources.contains(&gate::Source::Complaints) {
            r.complaints =
                Some(kpi::complaints::run(&reader, rules, period).map_err(store_failure)?);
        }
        if sources.contains(&gate::Source::Actions) {
            r.actions = Some(kpi::actions::run(&reader, rules, period).map_err(store_failure)?);
        }
        if sources.contains(&gate::Source::Care) {
            r.care = Some(kpi::care::run(&reader, rules, period).map_err(store_failure)?);
        }
        if let Some(derived) = &derived {
            if sources.contains(&gate::Source::Visits) {
                r.visits = Some(derived.visits(period).map_err(store_failure)?);
            }
            if sources.contains(&gate::Source::Churn) {
                r.churn = Some(
                    derived
                        .churn_report(period, None)
                        .map_err(|e| Failure::Input(e.to_string()))?,
                );
            }
        }
        if sources.contains(&gate::Source::Payouts) {
            r.payouts = Some(kpi::payouts::statement(&reader, rules, period).map_err(kpi_failure)?);
        }
        // The lapse model as of the month's last day (the previous month's only when a gate
        // compares with it: a fit takes seconds); a model that cannot be fitted is no data.
        if sources.contains(&gate::Source::Lapse) && (period == month || lapse_before) {
            r.lapse = match kpi::lapse::lapse_report(&reader, rules, period.last) {
                Ok(report) => Some(gate::LapseFigures::of(&report)),
                Err(kpi::lapse::LapseFailure::Model(_)) => None,
                Err(e) => return Err(lapse_failure(e)),
            };
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
    let output = match format {
        CheckFormat::Table => style::paint_results(
            &gate::table(&month.label, &checks, outputs.lang),
            style::colour(style::Stream::Stdout),
        )
        .into_bytes(),
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
            if let Some(c) = &current.complaints {
                reports.insert("complaints", json_value(c));
            }
            if let Some(a) = &current.actions {
                reports.insert("actions", json_value(a));
            }
            if let Some(c) = &current.care {
                reports.insert("care", json_value(c));
            }
            if let Some(l) = &current.lapse {
                reports.insert("lapse", json_value(l));
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
    out_bytes(&output)?;
    // Annotations and the summary go beside the report, never into it: stdout is the JUnit
    // or JSON file a CI step saves (`> gates.xml`), and a line after `</testsuites>` would
    // make it invalid.
    if outputs.annotate == Some(Annotate::Github) {
        let annotations = gate::github_annotations(&gates_file, &month.label, &checks);
        match &outputs.annotate_file {
            Some(path) => std::fs::write(path, annotations).map_err(|e| {
                write_failure(
                    &say!(
                        "cannot write the annotations to {}",
                        "无法把注释写入 {}",
                        path.display()
                    ),
                    &e,
                )
            })?,
            None => eprint!("{annotations}"),
        }
    }
    if let Some(path) = &outputs.summary {
        use std::io::Write as _;
        // Appended, as GitHub expects of $GITHUB_STEP_SUMMARY: earlier steps' summaries stay.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(gate::summary_markdown(&month.label, &checks).as_bytes()))
            .map_err(|e| {
                write_failure(
                    &say!(
                        "cannot append the summary to {}",
                        "无法把摘要追加到 {}",
                        path.display()
                    ),
                    &e,
                )
            })?;
    }
    if failed > 0 {
        Err(Failure::GateFailed)
    } else {
        Ok(())
    }
}

/// Where `check` writes besides its report on stdout.
struct CheckOutputs {
    annotate: Option<Annotate>,
    annotate_file: Option<std::path::PathBuf>,
    summary: Option<std::path::PathBuf>,
    /// The table's language (the JUnit, JSON, annotations and summary stay English).
    lang: Lang,
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

/// Writes a file beside its target and renames it, so a failure never leaves half a file (nor
/// the `.partial` beside it). The file is private (0600 on unix), and so are the folders made
/// for it (0700): what careledger writes to files holds names, phones or payouts.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write as _;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir_all(parent).or_write(|| cannot_create_folder(parent))?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = path.with_file_name(format!(".{name}.partial"));
    let written = create_private(&partial)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&partial, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(write_failure(
            &say!("cannot write {}", "无法写入 {}", path.display()),
            &e,
        ));
    }
    Ok(())
}

fn report_all(
    db: &Path,
    rules: &Rules,
    month: &Period,
    lang: Lang,
    dir: &Path,
    single_file: bool,
) -> Result<(), Failure> {
    use careledger::report::pack::{self, PackError};
    let failure = |e: PackError| match e {
        PackError::Store(e) => store_failure(e),
        PackError::Overflow(e) => Failure::Input(e.to_string()),
        other => Failure::Unexpected(other.into()),
    };
    let reader = open_for_reports(db, rules)?;
    // The complaints and actions section, when the store holds any.
    let workflow =
        careledger::derive::complaints::Workflow::load(&reader, rules).map_err(store_failure)?;
    let data = pack::ComplaintsData {
        complaints: &workflow.complaints,
        actions: &workflow.actions,
        calendar: &workflow.calendar,
    };
    let data = (!workflow.complaints.is_empty() || !workflow.actions.is_empty()).then_some(&data);
    if single_file {
        // `dir` is the file here.
        let page =
            pack::build_single_file_with(&reader, rules, month, lang, data).map_err(failure)?;
        write_atomically(dir, &page)?;
        return out(&say!("wrote {}\n", "已写入 {}\n", dir.display()));
    }
    let files = pack::build_with(&reader, rules, month, lang, data).map_err(failure)?;
    create_private_dir_all(dir).or_write(|| cannot_create_folder(dir))?;
    for file in &files {
        write_atomically(&dir.join(&file.name), &file.bytes)?;
    }
    out(&say!(
        "wrote {} to {}\nopen {}\n",
        "已把 {}写入 {}\n请打开 {}\n",
        counted(files.len() as u64, "file", "files", "个文件"),
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
        .ok_or_else(store_is_empty)?
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
            None => Err(store_is_empty()),
        },
    }
}

/// Opens a snapshot for reports under `rules` ([`careledger::facts::prepare`]: a large
/// store whose kept facts follow other rules gets facts derived for these, chunk by chunk,
/// into a temporary store; a small one is derived in memory by each report).
fn open_for_reports(db: &Path, rules: &Rules) -> Result<Reader, Failure> {
    let mut reader = Store::open_reader(db).map_err(store_failure)?;
    careledger::facts::prepare(&mut reader, rules).map_err(store_failure)?;
    Ok(reader)
}

/// Imports committed meanwhile after which [`readers_for_compare`] gives up.
const COMPARE_SNAPSHOT_TRIES: usize = 3;

/// Two snapshots of one state for a what-if, each prepared for one side's rules
/// ([`open_for_reports`]): on a large store each side reads the kept facts or facts derived
/// for it into its own temporary store, instead of deriving every customer in memory. An
/// import committed between the two opens is met by opening both again.
fn readers_for_compare(
    db: &Path,
    in_force: &Rules,
    mut proposed_reader: Reader,
    proposed: &Rules,
) -> Result<(Reader, Reader), Failure> {
    for _ in 0..COMPARE_SNAPSHOT_TRIES {
        let in_force_reader = open_for_reports(db, in_force)?;
        if in_force_reader.basis().map_err(store_failure)?
            == proposed_reader.basis().map_err(store_failure)?
        {
            return Ok((in_force_reader, proposed_reader));
        }
        proposed_reader = open_for_reports(db, proposed)?;
    }
    Err(Failure::Input(say!(
        "imports kept being committed while the what-if was read ({COMPARE_SNAPSHOT_TRIES} tries); run it again when they are done",
        "读取假设分析期间不断有导入提交（试了 {COMPARE_SNAPSHOT_TRIES} 次）；请等它们完成后再运行"
    )))
}

/// `careledger report payouts`: the statement (or, with `--compare`, the what-if), printed
/// or written to `--out`. The workbook (`--format xlsx`) is binary: it is written to a file,
/// `--out` or a redirected stdout, and refused on a terminal.
#[allow(clippy::too_many_arguments)]
fn payouts_report(
    db: &Path,
    rules: &Rules,
    cx: &RenderContext,
    month: &Period,
    compare: Option<&Path>,
    proposal_given: bool,
    format: StatementFormat,
    file: Option<&Path>,
) -> Result<(), Failure> {
    let text_format = match format {
        StatementFormat::Json => Some(Format::Json),
        StatementFormat::Md => Some(Format::Md),
        StatementFormat::Csv => Some(Format::Csv),
        StatementFormat::Xlsx => None,
    };
    if text_format.is_none() {
        if compare.is_some() {
            return Err(Failure::Input(
                careledger::voice::pick(
                    "--compare has no xlsx form: use --format md, csv or json",
                    "--compare 没有 xlsx 格式：请用 --format md、csv 或 json",
                )
                .into(),
            ));
        }
        if file.is_none() && std::io::stdout().is_terminal() {
            return Err(Failure::Input(
                careledger::voice::pick(
                    "an xlsx workbook is binary and is not printed on a terminal: pass --out FILE (written readable by you only)",
                    "xlsx 工作簿是二进制文件，不在终端上打印：请加 --out FILE（写出的文件只有你能读）",
                )
                .into(),
            ));
        }
    }
    let reader = open_for_reports(db, rules)?;
    let bytes = match compare {
        None => {
            let statement = kpi::payouts::statement(&reader, rules, month).map_err(kpi_failure)?;
            match text_format {
                Some(f) => statement.render(f.into(), cx),
                None => careledger::report::xlsx::statement_xlsx(
                    &statement,
                    cx.lang,
                    &rules.report.dealership,
                )
                .map_err(|e| Failure::Unexpected(e.into()))?,
            }
        }
        Some(in_force) => {
            if !proposal_given {
                return Err(Failure::Input(
                    careledger::voice::pick(
                        "--compare needs the proposed rules: pass them with --rules PROPOSAL.toml",
                        "--compare 需要拟议的规则：请用 --rules PROPOSAL.toml 传入",
                    )
                    .into(),
                ));
            }
            let in_force = load_rules((in_force.as_os_str() != "defaults").then_some(in_force))?;
            let (in_force_reader, reader) = readers_for_compare(db, &in_force, reader, rules)?;
            let comparison =
                kpi::payouts::compare(&in_force_reader, &in_force, &reader, rules, month)
                    .map_err(kpi_failure)?;
            comparison.render(text_format.expect("xlsx is refused above").into(), cx)
        }
    };
    match file {
        None => out_bytes(&bytes),
        Some(path) => {
            write_atomically(path, &bytes)?;
            out(&say!("wrote {}\n", "已写入 {}\n", path.display()))
        }
    }
}

/// `careledger complaints --open`: the open complaints as of a moment, overdue first.
fn open_complaints(
    db: &Path,
    rules: &Rules,
    cx: &RenderContext,
    as_of: Option<Timestamp>,
    format: Format,
    show_phone: bool,
    file: Option<&Path>,
) -> Result<(), Failure> {
    use careledger::report::complaints::ComplaintWorkList;
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let as_of = match as_of {
        Some(t) => t,
        None => reader
            .latest_time()
            .map_err(store_failure)?
            .ok_or_else(store_is_empty)?,
    };
    let workflow =
        careledger::derive::complaints::Workflow::load(&reader, rules).map_err(store_failure)?;
    let clocks = careledger::derive::complaints::clocks(
        &workflow.complaints,
        &workflow.calendar,
        &rules.complaints,
    );
    // Phones of the listed customers only: point reads.
    let mut phones: std::collections::BTreeMap<String, String> = Default::default();
    for clock in clocks.iter().filter(|c| c.open_as_of(as_of)) {
        let id = &clock.complaint.customer_id;
        if !phones.contains_key(id)
            && let Some((_, careledger::Record::Customer(c))) = reader
                .get(careledger::Kind::Customer, id)
                .map_err(store_failure)?
        {
            phones.insert(id.clone(), c.phone.unwrap_or_default());
        }
    }
    let rows = kpi::complaints::open_complaints(&clocks, as_of, |id| {
        phones.get(id).cloned().unwrap_or_default()
    });
    let list = ComplaintWorkList {
        as_of: as_of.to_string(),
        rows: &rows,
        show_phone,
    };
    write_list(&list.render(format.into(), cx), rows.len(), file)
}

/// `careledger actions --open`: the actions not done as of a date, overdue first.
fn open_actions(
    db: &Path,
    rules: &Rules,
    cx: &RenderContext,
    as_of: Option<Day>,
    format: Format,
    file: Option<&Path>,
) -> Result<(), Failure> {
    use careledger::report::complaints::ActionWorkList;
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let as_of = as_of_or_latest(&reader, as_of)?;
    let workflow =
        careledger::derive::complaints::Workflow::load(&reader, rules).map_err(store_failure)?;
    let rows = kpi::actions::open_actions(&workflow.actions, as_of);
    let list = ActionWorkList {
        as_of: as_of.to_string(),
        rows: &rows,
    };
    write_list(&list.render(format.into(), cx), rows.len(), file)
}

/// Prints a rendered list, or writes it to the `--out` file (private, atomically).
fn write_list(bytes: &[u8], rows: usize, file: Option<&Path>) -> Result<(), Failure> {
    match file {
        None => out_bytes(bytes),
        Some(path) => {
            write_atomically(path, bytes)?;
            out(&say!(
                "wrote {} ({})\n",
                "已写入 {}（{}）\n",
                path.display(),
                counted(rows as u64, "row", "rows", "行")
            ))
        }
    }
}

/// How a work list is shown: its format, whether phones are shown in full, and the file to
/// write it to instead of stdout.
struct ListOptions {
    format: ListFormat,
    /// The language of the table format (CSV and JSON keep keys and tokens).
    lang: Lang,
    show_phone: bool,
    file: Option<std::path::PathBuf>,
}

/// A column of a work list: its CSV key, and what its cells hold, so that a printed table
/// can say them in the reader's language.
struct Column {
    key: &'static str,
    cells: Cells,
}

/// What a work list's column holds.
#[derive(Clone, Copy, PartialEq)]
enum Cells {
    /// Ids, names, dates, counts, money: shown as they are.
    Plain,
    /// A token (status, tier, kind, department, outcome): named in the reader's language.
    Token,
    /// A date and an outcome token (`2024-07-14 refused`): the outcome named.
    DatedToken,
}

const fn plain(key: &'static str) -> Column {
    Column {
        key,
        cells: Cells::Plain,
    }
}

const fn token(key: &'static str) -> Column {
    Column {
        key,
        cells: Cells::Token,
    }
}

impl Column {
    /// A cell as a printed table shows it in `lang`.
    fn shown(&self, cell: String, lang: Lang) -> String {
        match self.cells {
            Cells::Plain => cell,
            Cells::Token if cell.is_empty() => cell,
            Cells::Token => report::list_token(&cell, lang),
            Cells::DatedToken => match cell.split_once(' ') {
                Some((date, outcome)) => format!("{date} {}", report::list_token(outcome, lang)),
                None => cell,
            },
        }
    }
}

/// Prints a list as JSON, CSV (with BOM, for Excel) or an aligned table under a title, or
/// writes it to the `--out` file: private (0600), in folders created private (0700), written
/// atomically. A list holds names and phones.
fn print_list<T: serde::Serialize>(
    title: &str,
    items: &[T],
    columns: &[Column],
    row: impl Fn(&T) -> Vec<String>,
    list: &ListOptions,
) -> Result<(), Failure> {
    let keys: Vec<&str> = columns.iter().map(|c| c.key).collect();
    let bytes = match list.format {
        ListFormat::Json => careledger::report::to_json(&items),
        ListFormat::Csv => {
            let rows: Vec<Vec<String>> = items.iter().map(row).collect();
            let mut bytes = csvio::BOM.to_vec();
            bytes.extend(careledger::report::csv_document(&keys, &rows));
            bytes
        }
        ListFormat::Table => {
            let mut text = format!("{title}\n");
            if !items.is_empty() {
                let lang = list.lang;
                let rows: Vec<Vec<String>> = items
                    .iter()
                    .map(|item| {
                        let cells = row(item);
                        cells
                            .into_iter()
                            .zip(columns)
                            .map(|(cell, column)| column.shown(cell, lang))
                            .collect()
                    })
                    .collect();
                let header: Vec<&str> = columns
                    .iter()
                    .map(|c| report::list_heading(c.key, lang))
                    .collect();
                text.push_str(&text_table(&header, &rows));
            }
            text.into_bytes()
        }
    };
    match &list.file {
        None => out_bytes(&bytes),
        Some(path) => {
            write_atomically(path, &bytes)?;
            out(&say!(
                "wrote {} ({})\n",
                "已写入 {}（{}）\n",
                path.display(),
                counted(items.len() as u64, "row", "rows", "行")
            ))
        }
    }
}

fn lost(
    db: &Path,
    rules: &Rules,
    as_of: Option<Day>,
    top: Option<usize>,
    rank: super::LostRank,
    list: &ListOptions,
) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let as_of = as_of_or_latest(&reader, as_of)?;
    let mut items = kpi::lost::lost_customers(&reader, rules, as_of).map_err(kpi_failure)?;
    if rank == super::LostRank::Risk {
        // The lapse model's revenue at risk, most first; then the customer id, as by value.
        let risk = kpi::lapse::risk_by_customer(&reader, as_of).map_err(lapse_failure)?;
        let of = |c: &kpi::lost::LostCustomer| risk.get(&c.customer_id).copied();
        items.sort_by(|a, b| {
            of(b)
                .cmp(&of(a))
                .then_with(|| a.customer_id.cmp(&b.customer_id))
        });
    }
    let mut title = match list.lang {
        Lang::En => format!("lost customers as of {as_of}: {}", items.len()),
        Lang::Zh => format!("截至 {as_of} 的流失客户：{} 位", items.len()),
    };
    if let Some(top) = top.filter(|&top| top < items.len()) {
        title = match (list.lang, rank) {
            (Lang::En, super::LostRank::Value) => {
                format!("{title} in all; the {top} most valuable")
            }
            (Lang::En, super::LostRank::Risk) => {
                format!("{title} in all; the {top} with the most revenue at risk")
            }
            (Lang::Zh, super::LostRank::Value) => format!("{title}，以下为价值最高的 {top} 位"),
            (Lang::Zh, super::LostRank::Risk) => {
                format!("{title}，以下为风险维修产值最高的 {top} 位")
            }
        };
        items.truncate(top);
    }
    if !list.show_phone {
        for item in &mut items {
            item.phone = mask_phone(&item.phone);
        }
    }
    let columns = [
        plain("customer_id"),
        plain("name"),
        plain("phone"),
        token("tier"),
        plain("last_visit"),
        plain("lost_on"),
        plain("days_lost"),
        plain("value"),
        plain("repair_revenue"),
        plain("sales_amount"),
        plain("recovery_attempts"),
        Column {
            key: "last_attempt",
            cells: Cells::DatedToken,
        },
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
    print_list(&title, &items, &columns, row, list)
}

/// A lapse report that could not be made: the store's failure, or a model that does not fit
/// this data (bad input for the model: exit 2, with the reason).
fn lapse_failure(e: kpi::lapse::LapseFailure) -> Failure {
    match e {
        kpi::lapse::LapseFailure::Kpi(e) => kpi_failure(e),
        kpi::lapse::LapseFailure::Model(e) => Failure::Input(say!(
            "the lapse model could not be fitted to this store's service visits: {e}",
            "流失预警模型无法拟合本数据库的维修到店记录：{e}"
        )),
    }
}

/// `lapse`: the model's summary and holdout check, then the customers about to lapse.
fn lapse(
    db: &Path,
    rules: &Rules,
    as_of: Option<Day>,
    top: Option<usize>,
    list: &ListOptions,
) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let as_of = as_of_or_latest(&reader, as_of)?;
    let mut report = kpi::lapse::lapse_report(&reader, rules, as_of).map_err(lapse_failure)?;
    if !list.show_phone {
        for c in &mut report.customers {
            c.phone = mask_phone(&c.phone);
        }
    }
    let mut title = report::lapse::summary(&report, list.lang);
    if let Some(top) = top.filter(|&top| top < report.customers.len()) {
        report.customers.truncate(top);
        let _ = match list.lang {
            Lang::En => writeln!(title, "the {top} with the most revenue at risk:"),
            Lang::Zh => writeln!(title, "风险维修产值最高的 {top} 位："),
        };
    }
    if list.format == ListFormat::Json {
        let bytes = report::to_json(&report);
        return write_list(&bytes, report.customers.len(), list.file.as_deref());
    }
    let columns = [
        plain("customer_id"),
        plain("name"),
        plain("phone"),
        token("tier"),
        plain("first_visit"),
        plain("last_visit"),
        plain("visits"),
        plain("p_alive"),
        plain("expected_visits"),
        plain("expected_revenue"),
        plain("revenue_at_risk"),
        plain("owner"),
    ];
    let row = |c: &kpi::lapse::LapseCustomer| {
        vec![
            c.customer_id.clone(),
            c.name.clone(),
            c.phone.clone(),
            c.tier.as_str().to_owned(),
            c.first_visit.clone(),
            c.last_visit.clone(),
            c.visits.to_string(),
            c.p_alive.clone(),
            c.expected_visits.clone(),
            c.expected_revenue.to_string(),
            c.revenue_at_risk.to_string(),
            c.owner.clone(),
        ]
    };
    print_list(title.trim_end(), &report.customers, &columns, row, list)
}

fn tasks(
    db: &Path,
    rules: &Rules,
    as_of: Option<Day>,
    filter: &WorkFilter,
    list: &ListOptions,
) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let as_of = as_of_or_latest(&reader, as_of)?;
    let mut items =
        kpi::worklist::open_tasks(&reader, rules, as_of, filter).map_err(store_failure)?;
    if !list.show_phone {
        for item in &mut items {
            item.phone = mask_phone(&item.phone);
        }
    }
    print_list(
        &match list.lang {
            Lang::En => format!("open tasks as of {as_of}: {}", items.len()),
            Lang::Zh => format!("截至 {as_of} 的待办回访任务：{} 项", items.len()),
        },
        &items,
        &WORK_COLUMNS,
        work_row,
        list,
    )
}

const WORK_COLUMNS: [Column; 12] = [
    plain("due_at"),
    token("status"),
    token("tier"),
    token("kind"),
    token("department"),
    plain("customer_id"),
    plain("name"),
    plain("phone"),
    plain("owner"),
    plain("attempts"),
    token("last_outcome"),
    plain("closes_at"),
];

fn work_row(i: &WorkItem) -> Vec<String> {
    vec![
        i.due_at.clone(),
        i.status.to_owned(),
        i.tier.as_str().to_owned(),
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
/// columns (a Chinese character takes two). Cells show control, bidi and zero-width
/// characters escaped (`\u{1b}`): a name or note cannot drive the terminal or reorder a line.
fn text_table(header: &[&str], rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr;
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| escape_controls(c).into_owned())
                .collect()
        })
        .collect();
    let rows = rows.as_slice();
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

/// Parses `YYYY-MM` (the generator's first month), within the reporting years.
pub fn parse_month(text: &str) -> Result<(i32, u32), String> {
    use chrono::Datelike as _;
    let month = Period::parse_month_arg(text)?;
    let first = month.first.to_naive();
    Ok((first.year(), first.month()))
}

/// A KPI that could not be computed: a store failure as [`store_failure`] maps it; a money
/// figure beyond i64 fen is bad input (exit 2), and the message names the figure.
fn kpi_failure(e: kpi::KpiError) -> Failure {
    match e {
        kpi::KpiError::Store(e) => store_failure(e),
        kpi::KpiError::Overflow(e) => Failure::Input(e.to_string()),
    }
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
        | StoreError::RepairNeedsWrite(_)
        | StoreError::Newer { .. } => Failure::Input(e.to_string()),
        StoreError::Damaged(_)
        | StoreError::NoSpace(_)
        | StoreError::Io { .. }
        | StoreError::Codec(_) => Failure::Fatal(e.to_string()),
        other => Failure::Unexpected(other.into()),
    }
}

/// The report of a rejected import: the errors kept (the first ones, in file and line
/// order), how many more there were, and what to do.
fn list_errors(rejections: &Rejections) -> String {
    let mut text = String::new();
    for e in rejections.errors.iter().take(ERRORS_SHOWN_MAX) {
        let _ = writeln!(text, "{e}");
    }
    let shown = rejections.errors.len().min(ERRORS_SHOWN_MAX) as u64;
    if rejections.total > shown {
        let more = rejections.total - shown;
        let word = if more == 1 { "error" } else { "errors" };
        let _ = writeln!(
            text,
            "{}",
            say!("... and {more} more {word}", "……另有 {more} 个错误")
        );
    }
    let total = rejections.total;
    let errors = style::count(total, "error", "errors");
    let _ = write!(
        text,
        "{}",
        say!(
            "import rejected: {errors}; nothing was written. Fix the rows above and run the same import again.",
            "导入被拒绝：{total} 个错误；未写入任何数据。请改正以上各行，再运行同样的导入。"
        )
    );
    text
}

/// Whole-file errors (few by nature) as a rejection.
fn rejections(errors: Vec<ImportError>) -> Rejections {
    let mut sink = ErrorSink::new();
    for e in errors {
        sink.push(0, e);
    }
    sink.finish()
}

/// The files an import names, with the warnings about what it skips printed.
fn import_sources(paths: &[String]) -> Result<Vec<Source>, Failure> {
    let (sources, warnings) =
        csvio::resolve_paths(paths).map_err(|e| Failure::Report(list_errors(&rejections(e))))?;
    for w in warnings {
        style::warn(&redact_message(&w));
    }
    Ok(sources)
}

/// Reads and parses the files of an import, in parallel. Problems with whole files are
/// returned at once; problems with rows travel in the files, to be listed with the store's.
fn parse_sources(sources: &[Source]) -> Result<Vec<ParsedFile>, Failure> {
    let results: Vec<_> = sources.par_iter().map(csvio::parse_file).collect();
    let mut files = Vec::new();
    let mut whole_file = Vec::new();
    for (n, result) in results.into_iter().enumerate() {
        match result {
            Ok(file) => files.push((n, file)),
            Err(e) => whole_file.extend(e.into_iter().map(|e| (n, e))),
        }
    }
    // Warnings quote header cells: masked and cut short like the cells of errors.
    for w in files.iter().flat_map(|(_, f)| &f.warnings) {
        style::warn(&redact_message(w));
    }
    if !whole_file.is_empty() {
        // A whole file is unreadable: checking the others against the store would report
        // every reference into it as dangling, so list what is known, in file order.
        let mut sink = ErrorSink::new();
        for (n, e) in whole_file {
            sink.push(n, e);
        }
        for (n, f) in &files {
            sink.extend_parsed(*n, f);
        }
        return Err(Failure::Report(list_errors(&sink.finish())));
    }
    Ok(files.into_iter().map(|(_, f)| f).collect())
}

/// Rows written by an import from which the store is compacted afterwards...
const COMPACT_ROWS_MIN: u64 = 50_000;

/// ...when they are at least this share (1/n) of every version the store holds: a monthly
/// increment into a large store leaves little free space, and the next import reuses it,
/// while rewriting the whole file would cost more than the import itself. An import into an
/// empty store is never compacted: it replaced no page that an earlier transaction wrote, so
/// there is nothing to give back (at 100 000 customers the file was 2 418 020 352 bytes
/// with and without, and compacting it took 9 of the import's 81 seconds).
const COMPACT_SHARE: u64 = 4;

/// Rows below which no progress bar is drawn.
const PROGRESS_ROWS_MIN: u64 = 50_000;

/// Files of more than this many bytes in all are imported streamed, in bounded memory
/// (`--chunk-rows`): held whole, their rows take about twice their size.
const STREAM_ABOVE_BYTES: u64 = 256 << 20;

fn import(
    db: &Path,
    rules: &Rules,
    lang: Lang,
    paths: &[String],
    amend: bool,
    dry_run: bool,
    chunk_rows: Option<u64>,
) -> Result<(), Failure> {
    let sources = import_sources(paths)?;
    let bytes: u64 = sources
        .iter()
        .filter_map(|s| std::fs::metadata(&s.path).ok())
        .map(|m| m.len())
        .sum();
    if chunk_rows.is_some() || bytes > STREAM_ABOVE_BYTES {
        let chunk_rows = chunk_rows.map_or(import::CHUNK_ROWS, |n| {
            usize::try_from(n).unwrap_or(usize::MAX)
        });
        if let Some(done) = import_streamed(db, rules, lang, &sources, amend, dry_run, chunk_rows)?
        {
            return Ok(done);
        }
    }
    let files = parse_sources(&sources)?;
    let rows: u64 = files.iter().map(|f| f.rows.len() as u64).sum();
    let mut census = DateCensus::default();
    for (n, f) in files.iter().enumerate() {
        census.add(n, &f.rows);
    }
    let names: Vec<String> = sources.iter().map(Source::display).collect();
    if let Some(warning) = census.warning(&names) {
        style::warn(&warning);
    }
    // The import is planned against a read snapshot first: a rejected import, a dry run and a
    // no-op never open the store for writing (which changes its file even when nothing is
    // committed), never create one, and never remove one, so they work on a read-only store
    // and cannot race with an import in another process.
    // No file, or an empty one (`--db "$(mktemp)"`), holds nothing yet: planned as an empty
    // store. Anything else is opened as a store, which refuses a folder, a device or a file
    // that is not a store, even on a dry run.
    let planned = if holds_a_store(db) {
        let reader = Store::open_reader(db).map_err(store_failure)?;
        import::plan_import(&files, Some(&reader), amend).map_err(import_failure)?
    } else {
        import::plan_import(&files, None, amend).map_err(import_failure)?
    };
    if dry_run || planned.writes() == 0 {
        let mut outcome = planned.outcome();
        outcome.dry_run = dry_run;
        return out(&import_summary(files.len(), rows, &outcome, lang));
    }
    let store = Store::open_or_create(db).map_err(store_failure)?;
    let bar = import_bar(rows);
    let started = std::time::Instant::now();
    let eta = std::sync::Mutex::new(style::Eta::default());
    let progress = |done: u64, total: u64| show_progress(&bar, started, &eta, done, total);
    let result = store.apply(planned, &import_options(amend), &progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let outcome = result.map_err(import_failure)?;
    after_import(store, rules, &outcome)?;
    out(&import_summary(files.len(), rows, &outcome, lang))
}

/// Whether `db` names a store file with something in it: no file, or an empty one
/// (`--db "$(mktemp)"`), holds nothing yet.
fn holds_a_store(db: &Path) -> bool {
    let empty_file = std::fs::metadata(db).is_ok_and(|m| m.is_file() && m.len() == 0);
    db.exists() && !empty_file
}

/// An import's options for this run: the wall-clock time it is logged with.
fn import_options(amend: bool) -> ImportOptions {
    ImportOptions {
        amend,
        dry_run: false,
        at: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

fn import_failure(failure: ImportFailure) -> Failure {
    match failure {
        ImportFailure::Rejected(r) => Failure::Report(list_errors(&r)),
        ImportFailure::Store(e) => store_failure(e),
        ImportFailure::Spill { path, cause } => Failure::Fatal(say!(
            "cannot write the import's temporary files in {}: {cause}. Nothing was imported: the store is unchanged. Free disk space beside the store (the import sets its rows aside there, about their encoded size) and run the same import again",
            "无法在 {} 写入导入的临时文件：{cause}。没有导入任何数据：数据库未改变。请在数据库所在位置腾出磁盘空间（导入会把各行暂存在那里，约为其编码后的大小），再运行同样的导入",
            path.display()
        )),
    }
}

/// Imports in bounded memory (`--chunk-rows`; see `import::import_streamed`). The store is
/// created when there is none; a new store that ends up with nothing in it (the import was
/// rejected, or wrote nothing) is removed again (an empty file given as the store is left
/// empty), so a rejected import leaves no file behind. `None` when the import reads its
/// files whole instead: a dry run on a read-only store.
fn import_streamed(
    db: &Path,
    rules: &Rules,
    lang: Lang,
    sources: &[Source],
    amend: bool,
    dry_run: bool,
    chunk_rows: usize,
) -> Result<Option<()>, Failure> {
    // A dry run decides in a write transaction that it aborts: on the store (nothing in it
    // changes) or, when there is none yet, on an empty store in a private temporary folder
    // beside it (removed after). A read-only store cannot take one: its dry run reads the
    // files whole, against a snapshot.
    let mut scratch: Option<ScratchFolder> = None;
    // A store this import creates (no file, or an empty one such as `mktemp` makes) is
    // taken back when the import writes nothing: removed, or emptied again.
    let created = (!dry_run && !holds_a_store(db)).then(|| db.exists());
    let store = if !dry_run {
        Store::open_or_create(db).map_err(store_failure)?
    } else if holds_a_store(db) {
        match Store::open_or_create(db) {
            Ok(store) => store,
            Err(StoreError::ReadOnly(_)) => return Ok(None),
            Err(e) => return Err(store_failure(e)),
        }
    } else {
        let folder = store_folder(db);
        let made = scratch.insert(private_temp_dir(&folder).map_err(|e| {
            Failure::Fatal(say!(
                "cannot make a temporary folder in {} for the dry run: {e}",
                "无法在 {} 为试导入创建临时文件夹：{e}",
                folder.display()
            ))
        })?);
        Store::open_or_create(&made.path().join("dry-run.redb")).map_err(store_failure)?
    };
    // The runs go beside the store, named after it; a dry run without a store keeps them in
    // its scratch folder (it holds no lock on `db`, so it must not touch folders named after
    // it).
    let name = db.file_name().map_or_else(
        || "careledger".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (temp_in, temp_prefix) = match &scratch {
        Some(scratch) => (scratch.path().to_owned(), ".import-".to_owned()),
        None => (store_folder(db), format!(".{name}.import-")),
    };
    let stream = import::StreamOptions {
        chunk_rows,
        temp_in,
        temp_prefix,
    };
    let bar = import_bar(PROGRESS_ROWS_MIN);
    let started = std::time::Instant::now();
    let eta = std::sync::Mutex::new(style::Eta::default());
    let progress = |done: u64, total: u64| show_progress(&bar, started, &eta, done, total);
    // The dates are counted as the rows go by, for the warning about mistyped years.
    let census = std::sync::Mutex::new(DateCensus::default());
    let read = |source: &Source,
                chunk_rows: usize,
                on_chunk: &mut dyn FnMut(Rows) -> std::io::Result<()>| {
        let file = sources.iter().position(|s| s == source).unwrap_or(0);
        csvio::parse_file_in_chunks(source, chunk_rows, &mut |rows: Rows| {
            let mut counted = DateCensus::default();
            counted.add(file, &rows);
            census
                .lock()
                .expect("no panic holds the lock")
                .merge(counted);
            on_chunk(rows)
        })
    };
    let options = ImportOptions {
        dry_run,
        ..import_options(amend)
    };
    let result = import::import_streamed(&store, sources, &read, &options, &stream, &progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let names: Vec<String> = sources.iter().map(Source::display).collect();
    let census = census.into_inner().expect("no panic holds the lock");
    if let Some(warning) = census.warning(&names) {
        style::warn(&warning);
    }
    let take_back = |store: Store| {
        drop(store);
        match created {
            Some(false) => drop(std::fs::remove_file(db)),
            Some(true) => drop(std::fs::File::create(db)),
            None => {}
        }
    };
    let imported = match result {
        Ok(imported) => imported,
        Err(failure) => {
            take_back(store);
            return Err(import_failure(failure));
        }
    };
    for w in imported.files.iter().flat_map(|f| &f.warnings) {
        style::warn(&redact_message(w));
    }
    let rows: u64 = imported.files.iter().map(|f| f.rows).sum();
    if created.is_some() && !imported.outcome.recorded {
        take_back(store);
    } else if !dry_run {
        after_import(store, rules, &imported.outcome)?;
    }
    out(&import_summary(
        imported.files.len(),
        rows,
        &imported.outcome,
        lang,
    ))?;
    Ok(Some(()))
}

/// The folder a store file is in (where an import sets its rows aside).
fn store_folder(db: &Path) -> std::path::PathBuf {
    match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => std::path::PathBuf::from("."),
    }
}

/// The name of every dry run's scratch folder begins with this.
const DRY_RUN_PREFIX: &str = ".careledger-dry-run-";
/// ... and with this while it is made, before it is locked ([`private_temp_dir`]).
const NEW_DRY_RUN_PREFIX: &str = ".careledger-new-dry-run-";

/// A dry run's scratch folder, when there is no store yet: its owner's only, removed when
/// dropped, and locked while it lives (its `lock` file is held locked), so that a later dry
/// run beside it tells it from a folder a killed dry run left behind, and removes only
/// those ([`sweep_dry_runs`]). Two dry runs in one folder hold no other lock in common.
struct ScratchFolder {
    path: std::path::PathBuf,
    _lock: std::fs::File,
}

impl ScratchFolder {
    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A new [`ScratchFolder`] in `folder`, after the folders killed dry runs left there are
/// removed. It is made under another name, locked, then renamed: a folder of the swept name
/// is locked from its first instant.
fn private_temp_dir(folder: &Path) -> std::io::Result<ScratchFolder> {
    sweep_dry_runs(folder);
    let mut builder = tempfile::Builder::new();
    builder.prefix(NEW_DRY_RUN_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let made = builder.tempdir_in(folder)?;
    let lock = std::fs::File::create(made.path().join("lock"))?;
    lock.lock()?;
    let suffix = made
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().replacen(NEW_DRY_RUN_PREFIX, "", 1))
        .unwrap_or_default();
    let path = folder.join(format!("{DRY_RUN_PREFIX}{suffix}"));
    std::fs::rename(made.path(), &path)?;
    // Renamed: nothing is left at the name `made` would remove.
    let _ = made.keep();
    Ok(ScratchFolder { path, _lock: lock })
}

/// Removes the scratch folders in `folder` that dry runs killed before they could remove
/// them: those whose `lock` file no process holds. A folder without one (an older
/// careledger's, or another program's) is left alone.
fn sweep_dry_runs(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let ours = entry
            .file_name()
            .to_string_lossy()
            .starts_with(DRY_RUN_PREFIX);
        // (A link is not followed: `file_type` is the entry's own.)
        if !ours || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(lock) = std::fs::File::open(entry.path().join("lock")) else {
            continue;
        };
        if lock.try_lock().is_ok() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The progress bar of an import of `rows` rows, when it is worth one and stderr shows it.
fn import_bar(rows: u64) -> Option<indicatif::ProgressBar> {
    let show_bar = rows >= PROGRESS_ROWS_MIN && std::io::stderr().is_terminal() && !style::quiet();
    show_bar.then(|| {
        let bar = indicatif::ProgressBar::new(rows);
        // The estimate is ours (`prefix`), not indicatif's `{eta}`: indicatif averages from
        // the start, and an import's first steps run at another pace than the rest.
        bar.set_style(
            indicatif::ProgressStyle::with_template(careledger::voice::pick(
                "{msg} [{bar:40}] {percent}% ({prefix})",
                "{msg} [{bar:40}] {percent}%（{prefix}）",
            ))
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        bar.set_message(careledger::voice::pick("importing", "导入中"));
        bar.set_prefix(style::time_left(None));
        bar
    })
}

fn show_progress(
    bar: &Option<indicatif::ProgressBar>,
    started: std::time::Instant,
    eta: &std::sync::Mutex<style::Eta>,
    done: u64,
    total: u64,
) {
    if let Some(bar) = bar {
        bar.set_length(total);
        bar.set_position(done);
        let estimate = eta
            .lock()
            .ok()
            .and_then(|mut eta| eta.update(started.elapsed(), done, total));
        if let Some(left) = estimate {
            bar.set_prefix(style::time_left(Some(left)));
        }
    }
}

/// What follows a committed import: the facts of the customers it touched, derived again,
/// and a compaction after a large one.
fn after_import(mut store: Store, rules: &Rules, outcome: &ImportOutcome) -> Result<(), Failure> {
    // The facts of the customers the import touched, derived again under the rules in force
    // (all of them when the facts followed other rules), for month-sized reports. The import
    // is committed whatever happens here: if this fails, reports derive from scratch (the
    // same figures, more slowly) until `careledger facts` succeeds; a damaged store is
    // still an error.
    if let Err(e) = careledger::facts::catch_up(&store, rules) {
        if e.is_damaged() {
            return Err(store_failure(e));
        }
        style::warn(&say!(
            "the import was committed, but its facts were not derived ({e}); reports derive from scratch until `careledger facts` succeeds",
            "导入已提交，但其派生数据未能推导（{e}）；在 `careledger facts` 成功之前，报告从头推导"
        ));
    }
    // A large import leaves free pages behind; giving them back costs a few seconds per GB.
    let written: u64 = outcome.counts.iter().map(|c| c.written()).sum();
    let versions = store
        .reader()
        .and_then(|r| r.next_seq())
        .map_err(store_failure)?
        - 1;
    if outcome.recorded
        && written < versions
        && written >= COMPACT_ROWS_MIN
        && written.saturating_mul(COMPACT_SHARE) >= versions
    {
        store.compact().map_err(store_failure)?;
    }
    Ok(())
}

/// What an import did (or, on a dry run, would do), per kind.
fn import_summary(files: usize, rows: u64, outcome: &ImportOutcome, lang: Lang) -> String {
    let mut text = String::new();
    let id = outcome.import_id;
    let _ = match (lang, outcome.dry_run) {
        (Lang::En, dry) => writeln!(
            text,
            "{} {id}: {}, {}",
            if dry { "dry run of import" } else { "import" },
            style::count(files as u64, "file", "files"),
            style::count(rows, "row", "rows"),
        ),
        (Lang::Zh, false) => writeln!(text, "第 {id} 次导入：{files} 个文件，{rows} 行"),
        (Lang::Zh, true) => writeln!(
            text,
            "试导入（将是第 {id} 次导入）：{files} 个文件，{rows} 行"
        ),
    };
    if !outcome.dry_run && !outcome.recorded {
        text = match lang {
            Lang::En if rows == 1 => {
                "nothing to import: the 1 row is already in the store, unchanged\n".to_owned()
            }
            Lang::En => {
                format!("nothing to import: all {rows} rows are already in the store, unchanged\n")
            }
            Lang::Zh => format!("无需导入：{rows} 行都已在数据库中，没有变化\n"),
        };
    }
    match lang {
        Lang::En => {
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
        }
        Lang::Zh => {
            let rows: Vec<Vec<String>> = outcome
                .counts
                .iter()
                .map(|c| {
                    vec![
                        kind_label_zh(c.kind()).to_owned(),
                        c.added.to_string(),
                        c.amended.to_string(),
                        c.voided.to_string(),
                        c.unchanged.to_string(),
                    ]
                })
                .collect();
            text.push_str(&figures_table(
                &["记录类型", "新增", "修改", "作废", "未变"],
                &rows,
            ));
        }
    }
    for w in outcome
        .within
        .iter()
        .filter(|w| w.superseded + w.withdrawn > 0)
    {
        let kind = Kind::from_code(w.kind_code).expect("outcome kinds are valid");
        let _ = match lang {
            Lang::En => writeln!(
                text,
                "{}: {} superseded by a later row of the same key; {} added and voided in this import (nothing written)",
                kind.name(),
                style::count(w.superseded, "row", "rows"),
                style::count(w.withdrawn, "record", "records"),
            ),
            Lang::Zh => writeln!(
                text,
                "{}：{} 行被同一键后面的行取代；{} 条记录在本次导入中新增又作废（未写入）",
                kind_label_zh(kind),
                w.superseded,
                w.withdrawn,
            ),
        };
    }
    if outcome.dry_run {
        let _ = writeln!(
            text,
            "{}",
            match lang {
                Lang::En => "dry run: everything checked, nothing written",
                Lang::Zh => "试导入：全部检查完毕，未写入任何数据",
            }
        );
    }
    text
}

/// Writes the interchange file of every kind, all or nothing: they are written into a private
/// staging folder beside `dir` (same file system), then the staging folder becomes `dir` when
/// there was none, or its files replace those of `dir` one by one, the replaced ones kept
/// aside until all are in place. A failure at any point leaves `dir` as it was and no
/// staging files behind.
fn export(db: &Path, dir: &Path, lang: Lang) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let existed = match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => {
            return Err(Failure::Input(say!(
                "{} is a file, not a folder; name a folder to export into",
                "{} 是文件，不是文件夹；请指定要导出到的文件夹",
                dir.display()
            )));
        }
        Err(_) => false,
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    create_private_dir_all(&parent).or_write(|| cannot_create_folder(&parent))?;
    let mut staging = Staging::beside(dir).or_write(|| {
        say!(
            "cannot create a staging folder beside {}",
            "无法在 {} 旁创建暂存文件夹",
            dir.display()
        )
    })?;
    let mut text = String::new();
    let mut names = Vec::new();
    for kind in Kind::ALL {
        let staged = staging.path.join(kind.file_name());
        let cannot = || say!("cannot write {}", "无法写入 {}", staged.display());
        let file = create_private(&staged).or_write(cannot)?;
        let (buffered, n) = csvio::write_kind(&reader, kind, std::io::BufWriter::new(file))
            .map_err(|e| match e {
                csvio::ExportError::Store(e) => store_failure(e),
                csvio::ExportError::Io(e) => write_failure(&cannot(), &e),
                csvio::ExportError::Csv(e) => write_failure(&cannot(), &e.into()),
            })?;
        buffered
            .into_inner()
            .map_err(|e| write_failure(&cannot(), e.error()))?
            .sync_all()
            .or_write(cannot)?;
        let _ = writeln!(
            text,
            "{:<22}{n:>10} {}",
            dir.join(kind.file_name()).display(),
            rows_word(n, lang)
        );
        names.push(kind.file_name());
    }
    if existed {
        replace_files(&staging.path, dir, &names)?;
    } else {
        std::fs::rename(&staging.path, dir).or_write(|| cannot_create_folder(dir))?;
        staging.keep = true;
    }
    sync_dir(dir);
    sync_dir(&parent);
    out(&text)
}

/// A private folder beside a target, removed with what it holds when dropped unless kept.
struct Staging {
    path: std::path::PathBuf,
    keep: bool,
}

impl Staging {
    /// Tries a few names (`.out.staging-PID-N`) so that a leftover folder of a killed run or
    /// a concurrent export does not stop this one.
    fn beside(target: &Path) -> std::io::Result<Staging> {
        const ATTEMPTS_MAX: u32 = 100;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "export".into());
        let mut attempt = 0;
        loop {
            let path =
                target.with_file_name(format!(".{name}.staging-{}-{attempt}", std::process::id()));
            match create_private_dir(&path) {
                Ok(()) => return Ok(Staging { path, keep: false }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    attempt += 1;
                    if attempt == ATTEMPTS_MAX {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Moves the staged files over those of `dir`, all or none. Each file of `dir` that is about
/// to be replaced is first moved into the staging folder; on a failure, the files moved in so
/// far are taken out again and the previous ones put back. Something in `dir` that is not a
/// file (a folder named `customers.csv`) is never moved: the rename over it fails instead.
fn replace_files(staging: &Path, dir: &Path, names: &[String]) -> Result<(), Failure> {
    let previous = staging.join(".previous");
    create_private_dir(&previous)
        .or_write(|| say!("cannot create {}", "无法创建 {}", previous.display()))?;
    let mut done: Vec<(std::path::PathBuf, Option<std::path::PathBuf>)> = Vec::new();
    for name in names {
        let target = dir.join(name);
        let is_dir = std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir());
        let step = || -> std::io::Result<Option<std::path::PathBuf>> {
            let saved = match std::fs::symlink_metadata(&target) {
                Ok(m) if !m.is_dir() => {
                    let aside = previous.join(name);
                    std::fs::rename(&target, &aside)?;
                    Some(aside)
                }
                _ => None,
            };
            if let Err(e) = std::fs::rename(staging.join(name), &target) {
                if let Some(aside) = &saved {
                    let _ = std::fs::rename(aside, &target);
                }
                return Err(e);
            }
            Ok(saved)
        };
        match step() {
            Ok(saved) => done.push((target, saved)),
            Err(e) => {
                for (target, saved) in done.into_iter().rev() {
                    let _ = match saved {
                        Some(aside) => std::fs::rename(aside, &target),
                        None => std::fs::remove_file(&target),
                    };
                }
                return Err(if is_dir {
                    Failure::Input(say!(
                        "{} is a folder; move it away or export into another folder (nothing was changed)",
                        "{} 是文件夹；请把它移开，或导出到另一个文件夹（未做任何改动）",
                        target.display()
                    ))
                } else {
                    write_failure(
                        &say!(
                            "cannot write {}; {} was left as it was",
                            "无法写入 {}；{} 保持原样",
                            target.display(),
                            dir.display()
                        ),
                        &e,
                    )
                });
            }
        }
    }
    Ok(())
}

/// Makes a finished rename durable (best effort: not every platform can sync a folder).
fn sync_dir(dir: &Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// Creates a file readable and writable by its owner only (0600), like the store. A file
/// left at the path is removed first: opening an existing file would keep its mode.
#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::create(path)
}

/// Creates one folder, private to its owner (0700); fails if it exists.
#[cfg(unix)]
fn create_private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(path)
}

#[cfg(not(unix))]
fn create_private_dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir(path)
}

/// Creates a folder and its missing parents, each private to its owner (0700). Folders that
/// exist already keep their mode: they are the operator's, who may share them on purpose;
/// the files careledger writes into them are private anyway.
#[cfg(unix)]
fn create_private_dir_all(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
}

#[cfg(not(unix))]
fn create_private_dir_all(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)
}

fn history(
    db: &Path,
    kind_text: &str,
    id: &str,
    show_phone: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let kind = Kind::parse_name(kind_text).ok_or_else(|| {
        Failure::Input(say!(
            "`{kind_text}` is not a record kind; use one of {}",
            "`{kind_text}` 不是记录类型；请用其中之一：{}",
            Kind::ALL.map(Kind::name).join(", ")
        ))
    })?;
    let key = kind.key_from_display(id).map_err(Failure::Input)?;
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let versions = reader.history(kind, &key).map_err(store_failure)?;
    if versions.is_empty() {
        return Err(Failure::Input(say!(
            "there is no {} `{id}` in the store, in any version",
            "数据库中没有{} `{id}`，任何版本都没有",
            kind.noun_said()
        )));
    }
    let columns = kind.columns();
    let mut text = String::new();
    let _ = match lang {
        Lang::En => writeln!(
            text,
            "{kind} {}: {}",
            display_key(&key),
            style::count(versions.len() as u64, "version", "versions")
        ),
        Lang::Zh => writeln!(
            text,
            "{} {}：{} 个版本",
            kind_label_zh(kind),
            display_key(&key),
            versions.len()
        ),
    };
    let mut previous: Option<Vec<String>> = None;
    for v in &versions {
        let files: Vec<&str> = v
            .import
            .files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.path.as_str())
            .collect();
        let amend = if v.import.amend { " --amend" } else { "" };
        let _ = match lang {
            Lang::En => writeln!(
                text,
                "\nversion #{}  {}  import {} at {}{amend}  ({})",
                v.seq,
                v.entry.op.as_str(),
                v.import.id,
                v.import.at,
                files.join(", ")
            ),
            Lang::Zh => writeln!(
                text,
                "\n版本 #{}  {}  第 {} 次导入，{}{amend}  （{}）",
                v.seq,
                match v.entry.op {
                    careledger::store::Op::Add => "写入",
                    careledger::store::Op::Void => "作废",
                },
                v.import.id,
                v.import.at,
                files.join("、")
            ),
        };
        let Some(record) = &v.entry.record else {
            let _ = writeln!(
                text,
                "{}",
                match lang {
                    Lang::En => "  (voided: the record no longer counts anywhere)",
                    Lang::Zh => "  （已作废：这条记录不再计入任何数字）",
                }
            );
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
                "  {}{:<20}{}",
                if changed { "* " } else { "  " },
                column.name,
                escape_controls(cell)
            );
        }
        previous = Some(cells);
    }
    out(&text)
}

/// `close`: stores the month's statement, or with `dry_run` shows what would be stored.
fn close(
    db: &Path,
    rules: &Rules,
    month: &Period,
    dry_run: bool,
    force: bool,
    lang: Lang,
) -> Result<(), Failure> {
    if !db.exists() {
        return Err(store_failure(StoreError::Missing(db.to_owned())));
    }
    let failure = |e: CloseFailure| match e {
        CloseFailure::Close(CloseError::Store(e)) => store_failure(e),
        e => Failure::Input(e.to_string()),
    };
    if dry_run {
        let reader = Store::open_reader(db).map_err(store_failure)?;
        let plan = kpi::payouts::plan_close(&reader, rules, month).map_err(failure)?;
        let s = &plan.statement;
        let (lines, people) = (s.lines.len() as u64, s.people.len() as u64);
        let mut text = match lang {
            Lang::En => format!(
                "would close {}: total {}{}; {}, {}; sha256 {}\n",
                month.label,
                s.total,
                payable_text(s.payable_total, lang),
                style::count(lines, "line", "lines"),
                style::count(people, "person", "people"),
                plan.sha256
            ),
            Lang::Zh => format!(
                "将结账 {}：合计 {}{}；{lines} 行，{people} 人；sha256 {}\n",
                month.label,
                s.total,
                payable_text(s.payable_total, lang),
                plan.sha256
            ),
        };
        for w in &plan.warnings {
            let _ = match lang {
                Lang::En => writeln!(text, "warning: {w} (close would refuse without --force)"),
                Lang::Zh => writeln!(text, "警告：{w}（不加 --force 时结账会被拒绝）"),
            };
        }
        text.push_str(match (lang, plan.warnings.is_empty()) {
            (Lang::En, true) => "nothing stored (--dry-run)\n",
            (Lang::En, false) => "nothing stored (--dry-run); check the data before closing\n",
            (Lang::Zh, true) => "未保存任何内容（--dry-run）\n",
            (Lang::Zh, false) => "未保存任何内容（--dry-run）；结账前请核对数据\n",
        });
        return out(&text);
    }
    let store = Store::open_or_create(db).map_err(store_failure)?;
    let at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    let closed = kpi::payouts::close(&store, rules, month, &at, force).map_err(failure)?;
    let version = match lang {
        _ if closed.version == 1 => String::new(),
        Lang::En => format!(" (version {})", closed.version),
        Lang::Zh => format!("（第 {} 版）", closed.version),
    };
    let (month, total, sha) = (&closed.month, &closed.statement.total, &closed.sha256);
    let payable = payable_text(closed.statement.payable_total, lang);
    out(&match lang {
        Lang::En => format!("closed {month}{version}: total {total}{payable}; sha256 {sha}\n"),
        Lang::Zh => format!("已结账 {month}{version}：合计 {total}{payable}；sha256 {sha}\n"),
    })
}

/// What a statement pays once the prior-period adjustments are added, after its total; empty
/// when there are none.
fn payable_text(payable: Option<careledger::model::Fen>, lang: Lang) -> String {
    match (payable, lang) {
        (None, _) => String::new(),
        (Some(p), Lang::En) => format!(", payable with prior-period adjustments {p}"),
        (Some(p), Lang::Zh) => format!("，含以前期间调整后应付 {p}"),
    }
}

/// `reopen`: records the reopen of the latest closed month with its reason.
fn reopen(db: &Path, month: &Period, reason: &str, lang: Lang) -> Result<(), Failure> {
    if reason.trim().is_empty() {
        return Err(Failure::Input(
            careledger::voice::pick(
                "--reason is empty; say why the month is reopened (it is kept with the statement)",
                "--reason 是空的；请说明为什么重新打开这个月（原因会与结算单一起保存）",
            )
            .into(),
        ));
    }
    if !db.exists() {
        return Err(store_failure(StoreError::Missing(db.to_owned())));
    }
    let store = Store::open_or_create(db).map_err(store_failure)?;
    let at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    match store.reopen_month(&month.label, &at, reason) {
        Ok(version) => out(&match lang {
            Lang::En => format!(
                "reopened {} (its statement version {version} stays readable in `careledger closes`); close it again when it is right\n",
                month.label
            ),
            Lang::Zh => format!(
                "已重新打开 {}（其第 {version} 版结算单仍可在 `careledger closes` 中查看）；核对无误后请再次结账\n",
                month.label
            ),
        }),
        Err(careledger::store::ReopenError::Store(e)) => Err(store_failure(e)),
        Err(e) => Err(Failure::Input(e.to_string())),
    }
}

/// The lines of `closes` (and of `stats`): each closed month's versions and reopens.
fn close_history_text(history: &[careledger::store::MonthCloses], lang: Lang) -> String {
    use careledger::store::CloseAction;
    let mut text = String::new();
    let closed = |at: &dyn std::fmt::Display, version: &dyn std::fmt::Display, sha: &str| match lang
    {
        Lang::En => format!("  {at}  closed   version {version}  sha256 {sha}\n"),
        Lang::Zh => format!("  {at}  结账  第 {version} 版  sha256 {sha}\n"),
    };
    for m in history {
        let state = match (m.closed_version(), lang) {
            (Some(v), Lang::En) => format!("closed (version {v})"),
            (Some(v), Lang::Zh) => format!("已结账（第 {v} 版）"),
            (None, Lang::En) => "reopened: open".to_owned(),
            (None, Lang::Zh) => "已重新打开：未结账".to_owned(),
        };
        let _ = writeln!(text, "{} {state}", m.month);
        if m.events.is_empty() {
            // Closed before reopening existed: its one version is the record.
            for (i, v) in m.versions.iter().enumerate() {
                text.push_str(&closed(&v.closed_at, &(i + 1), &v.sha256));
            }
        }
        for e in &m.events {
            match &e.action {
                CloseAction::Closed { version, sha256 } => {
                    text.push_str(&closed(&e.at, version, sha256));
                }
                CloseAction::Reopened { reason } => {
                    let reason = careledger::model::privacy::escape_controls(reason);
                    let _ = match lang {
                        Lang::En => writeln!(text, "  {}  reopened  reason: {reason}", e.at),
                        Lang::Zh => writeln!(text, "  {}  重新打开  原因：{reason}", e.at),
                    };
                }
            }
        }
    }
    text
}

/// `closes`: every closed month with its versions and reopens; or one version's statement,
/// the JSON as it was closed (byte for byte, its hash the one listed).
fn closes(db: &Path, lang: Lang, one: Option<(&Period, u32)>) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let history = reader.close_history().map_err(store_failure)?;
    if let Some((month, version)) = one {
        let statement = history
            .iter()
            .find(|m| m.month == month.label)
            .and_then(|m| {
                m.versions
                    .get(usize::try_from(version).ok()?.checked_sub(1)?)
            })
            .ok_or_else(|| {
                Failure::Input(say!(
                    "{} has no closed statement version {version}; `careledger closes` lists them",
                    "{} 没有第 {version} 版已结账的结算单；`careledger closes` 会列出它们",
                    month.label
                ))
            })?;
        return out(&statement.statement_json);
    }
    if history.is_empty() {
        return out(match lang {
            Lang::En => "no month has been closed\n",
            Lang::Zh => "尚无已结账的月份\n",
        });
    }
    out(&close_history_text(&history, lang))
}

/// A backup that was not written, by what the user can do about it.
fn backup_failure(e: careledger::store::BackupError) -> Failure {
    use careledger::store::BackupError;
    match e {
        BackupError::Exists(_) => Failure::Input(e.to_string()),
        BackupError::Write { path, cause } => write_failure(
            &say!(
                "cannot write the backup {}",
                "无法写入备份 {}",
                path.display()
            ),
            &cause,
        ),
        BackupError::Store(e) => store_failure(e),
        other => Failure::Fatal(other.to_string()),
    }
}

/// `careledger backup FILE`: a consistent copy of the whole store, from one snapshot.
fn backup(db: &Path, file: &Path, lang: Lang) -> Result<(), Failure> {
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir_all(parent).or_write(|| cannot_create_folder(parent))?;
    }
    let summary = careledger::store::backup(db, file).map_err(backup_failure)?;
    let tables = summary.tables.len() as u64;
    let mut text = match lang {
        Lang::En => format!(
            "backed up {} to {} ({}, from one snapshot):\n",
            db.display(),
            file.display(),
            style::count(tables, "table", "tables")
        ),
        Lang::Zh => format!(
            "已将 {} 备份到 {}（{tables} 个表，取自同一快照）：\n",
            db.display(),
            file.display(),
        ),
    };
    for (table, n) in &summary.tables {
        let _ = writeln!(text, "  {table:<24}{n:>12} {}", entries_word(*n, lang));
    }
    out(&text)
}

/// `careledger restore BACKUP --db NEW`: checks the backup as `verify` does, then copies it
/// into a new store. An existing store is never replaced.
fn restore(backup: &Path, db: &Path, rules: &Rules, lang: Lang) -> Result<(), Failure> {
    if db.symlink_metadata().is_ok() {
        return Err(Failure::Input(say!(
            "{} exists; restore never replaces a store: pass --db with a new file name (move the old store aside first if you mean to replace it)",
            "{} 已存在；恢复从不覆盖数据库：请用 --db 指定一个新文件名（如果确实要替换，先把旧数据库移开）",
            db.display()
        )));
    }
    if !backup.exists() {
        return Err(Failure::Input(say!(
            "there is no backup at {}",
            "{} 没有备份",
            backup.display()
        )));
    }
    verify(backup, rules, lang).map_err(|e| match e {
        Failure::Fatal(_) => Failure::Fatal(say!(
            "the backup {} is damaged (see above): nothing was restored; restore an older backup",
            "备份 {} 已损坏（见上）：未恢复任何内容；请恢复更早的备份",
            backup.display()
        )),
        other => other,
    })?;
    let summary = careledger::store::backup(backup, db).map_err(backup_failure)?;
    let tables = summary.tables.len() as u64;
    out(&match lang {
        Lang::En => format!(
            "restored {} into {} ({}); use it with --db {}\n",
            backup.display(),
            db.display(),
            style::count(tables, "table", "tables"),
            db.display()
        ),
        Lang::Zh => format!(
            "已将 {} 恢复到 {}（{tables} 个表）；使用时请加 --db {}\n",
            backup.display(),
            db.display(),
            db.display()
        ),
    })
}

fn stats(db: &Path, lang: Lang, tables: bool) -> Result<(), Failure> {
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let stats = reader.stats().map_err(store_failure)?;
    let size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    let zh = lang == Lang::Zh;
    let mut text = String::new();
    let _ = match lang {
        Lang::En => writeln!(
            text,
            "store {} ({}, format {})",
            db.display(),
            human_bytes(size),
            stats.format_version
        ),
        Lang::Zh => writeln!(
            text,
            "数据库 {}（{}，格式 {}）",
            db.display(),
            human_bytes(size),
            stats.format_version
        ),
    };
    let rows: Vec<Vec<String>> = stats
        .kinds
        .iter()
        .map(|(kind, current, versions)| {
            let kind = if zh {
                kind_label_zh(*kind)
            } else {
                kind.name()
            };
            vec![kind.to_owned(), current.to_string(), versions.to_string()]
        })
        .collect();
    let header = if zh {
        ["记录类型", "当前", "版本"]
    } else {
        ["kind", "current", "versions"]
    };
    text.push_str(&figures_table(&header, &rows));
    if tables {
        text.push_str(&table_sizes_text(&reader, size, lang)?);
    }
    let history = reader.close_history().map_err(store_failure)?;
    if !history.is_empty() {
        let _ = writeln!(
            text,
            "{}",
            if zh {
                "已结账月份："
            } else {
                "closed months:"
            }
        );
        text.push_str(&close_history_text(&history, lang));
    }
    let Some(last) = &stats.last_import else {
        let _ = writeln!(text, "{}", if zh { "尚未导入" } else { "no imports yet" });
        return out(&text);
    };
    let amend = if last.amend { " (--amend)" } else { "" };
    let _ = match lang {
        Lang::En => writeln!(
            text,
            "imports: {}; last: import {} at {}{amend}",
            stats.imports, last.id, last.at
        ),
        Lang::Zh => writeln!(
            text,
            "导入 {} 次；最近一次：第 {} 次导入，{}{amend}",
            stats.imports, last.id, last.at
        ),
    };
    for f in &last.files {
        let rows = match lang {
            Lang::En => format!("{:>10} {:<4}", f.rows, rows_word(f.rows, lang)),
            Lang::Zh => format!("{:>10} 行  ", f.rows),
        };
        let _ = writeln!(text, "  {:<40}{rows}  sha256 {}", f.path, f.sha256);
    }
    for c in last.counts.iter().filter(|c| c.written() + c.unchanged > 0) {
        let _ = match lang {
            Lang::En => writeln!(
                text,
                "  {:<16} added {} amended {} voided {} unchanged {}",
                c.kind().name(),
                c.added,
                c.amended,
                c.voided,
                c.unchanged
            ),
            Lang::Zh => writeln!(
                text,
                "  {}  新增 {} 修改 {} 作废 {} 未变 {}",
                pad(kind_label_zh(c.kind()), 12),
                c.added,
                c.amended,
                c.voided,
                c.unchanged
            ),
        };
    }
    out(&text)
}

/// Every table's entries and bytes, largest first, with each one's share of the file: where
/// a store's size goes (`stats --tables`). Stored bytes are the keys and values; overhead is
/// the B-tree's own pages and the free space inside them.
fn table_sizes_text(reader: &Reader, file_bytes: u64, lang: Lang) -> Result<String, Failure> {
    let mut sizes = reader.table_sizes().map_err(store_failure)?;
    sizes.sort_by(|a, b| b.total().cmp(&a.total()).then_with(|| a.name.cmp(&b.name)));
    let share = |bytes: u64| match file_bytes {
        0 => "-".to_owned(),
        all => format!("{}.{}%", bytes * 100 / all, bytes * 1000 / all % 10),
    };
    let mut rows: Vec<Vec<String>> = sizes
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.entries.to_string(),
                human_bytes(t.stored_bytes),
                human_bytes(t.metadata_bytes + t.fragmented_bytes),
                share(t.total()),
            ]
        })
        .collect();
    let all: u64 = sizes.iter().map(|t| t.total()).sum();
    rows.push(vec![
        match lang {
            Lang::En => "total".to_owned(),
            Lang::Zh => "合计".to_owned(),
        },
        sizes.iter().map(|t| t.entries).sum::<u64>().to_string(),
        human_bytes(sizes.iter().map(|t| t.stored_bytes).sum()),
        human_bytes(all - sizes.iter().map(|t| t.stored_bytes).sum::<u64>()),
        share(all),
    ]);
    let header = match lang {
        Lang::En => ["table", "entries", "stored", "overhead", "of the file"],
        Lang::Zh => ["表", "条目", "数据", "结构与空闲", "占文件"],
    };
    Ok(figures_table(&header, &rows))
}

/// A record kind as the dealership's staff call it.
fn kind_label_zh(kind: Kind) -> &'static str {
    // A table's row names the kind, where a message names one record of it (`noun_zh`).
    match kind {
        Kind::Sale => "销售",
        Kind::CalendarDay => "工作日历",
        other => other.noun_zh(),
    }
}

/// `text` padded with spaces to `width` terminal columns (a Chinese character takes two).
fn pad(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// A table of a name column and right-aligned figures, padded in terminal columns.
fn figures_table<const N: usize>(header: &[&str; N], rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr;
    let name_width = rows
        .iter()
        .map(|r| r[0].width())
        .chain([header[0].width(), 16])
        .max()
        .unwrap_or(16);
    let line = |cells: &[&str]| {
        let mut line = pad(cells[0], name_width);
        for cell in &cells[1..] {
            line.push_str(&" ".repeat(12usize.saturating_sub(cell.width())));
            line.push_str(cell);
        }
        line.push('\n');
        line
    };
    let mut text = line(header);
    for r in rows {
        text.push_str(&line(&r.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    text
}

fn verify(db: &Path, rules: &Rules, lang: Lang) -> Result<(), Failure> {
    let mut report = careledger::store::verify(db).map_err(store_failure)?;
    // The kept facts, once the tables they are derived from are known to be sound.
    let facts = if report.is_healthy() {
        let reader = Store::open_reader(db).map_err(store_failure)?;
        let checked =
            careledger::facts::check(&reader, rules, careledger::store::PROBLEMS_LISTED_MAX)
                .map_err(store_failure)?;
        report.problems_total += checked.problems.len() as u64;
        report.problems.extend(checked.problems.iter().cloned());
        Some(checked)
    } else {
        None
    };
    let zh = lang == Lang::Zh;
    let mut text = String::new();
    let (verb, copy) = match lang {
        Lang::En => ("verify", " (read-only: a private copy was checked)"),
        Lang::Zh => ("检查", "（只读：检查的是它的一份私有副本）"),
    };
    let copy = if report.checked_a_copy { copy } else { "" };
    let _ = writeln!(text, "{verb} {}{copy}", db.display());
    let failed = |what: &str| {
        let word = if zh { "未通过" } else { "FAILED" };
        let colon = if zh { "：" } else { ": " };
        format!(
            "{}{colon}{what}",
            style::paint(word, style::Tone::Fail, style::Stream::Stdout)
        )
    };
    let integrity = match (&report.integrity, lang) {
        (Integrity::Clean, Lang::En) => "clean (every page matches its checksum)".to_owned(),
        (Integrity::Clean, Lang::Zh) => "通过（每一页都与其校验和相符）".to_owned(),
        (Integrity::Repaired, Lang::En) => {
            "pages intact; its record of free pages was rebuilt".to_owned()
        }
        (Integrity::Repaired, Lang::Zh) => "页面完好；空闲页的记录已重建".to_owned(),
        (Integrity::Damaged(what), _) => failed(what),
    };
    let _ = match lang {
        Lang::En => writeln!(text, "redb integrity check: {integrity}"),
        Lang::Zh => writeln!(text, "redb 完整性检查：{integrity}"),
    };
    if matches!(report.integrity, Integrity::Damaged(_)) {
        let _ = writeln!(
            text,
            "{}",
            if zh {
                "未读取各表"
            } else {
                "the tables were not read"
            }
        );
    } else {
        let _ = writeln!(
            text,
            "{}",
            if zh {
                "已对照日志检查（每个值都已解码，每个索引都已重新推导）："
            } else {
                "checked against the log (every value decoded, every index derived again):"
            }
        );
        for (table, n) in &report.entries {
            let _ = writeln!(text, "  {table:<12}{n:>12} {}", entries_word(*n, lang));
        }
    }
    if let Some(checked) = &facts {
        use careledger::facts::Standing;
        let line = match (checked.standing, lang) {
            (Standing::Current, Lang::En) => format!(
                "kept facts: up to date under the rules in force; {} derived again from scratch and compared",
                style::count(checked.customers, "customer", "customers")
            ),
            (Standing::Current, Lang::Zh) => format!(
                "保存的派生数据：已按现行规则更新到最新；{} 位客户已从头重新派生并逐一比对",
                checked.customers
            ),
            (Standing::Behind, Lang::En) => "kept facts: behind the log (an import was interrupted after its commit); reports derive from scratch until `careledger facts` catches them up".to_owned(),
            (Standing::Behind, Lang::Zh) => "保存的派生数据：落后于日志（有一次导入在提交后被中断）；在 `careledger facts` 补齐之前，报告从头推导".to_owned(),
            (Standing::OtherRules, Lang::En) => "kept facts: follow other rules than those in force (pass the same --rules as the imports); reports under these rules derive from scratch".to_owned(),
            (Standing::OtherRules, Lang::Zh) => "保存的派生数据：依据的规则与现行规则不同（请传入与导入时相同的 --rules）；按现行规则的报告从头推导".to_owned(),
            (Standing::None, Lang::En) => "kept facts: none (reports derive from scratch; the next import, or `careledger facts`, derives them)".to_owned(),
            (Standing::None, Lang::Zh) => "保存的派生数据：没有（报告从头推导；下一次导入或 `careledger facts` 会派生它们）".to_owned(),
        };
        let _ = writeln!(text, "{line}");
    }
    for problem in &report.problems {
        let (word, gap) = if zh {
            ("问题：", "")
        } else {
            ("problem:", " ")
        };
        let _ = writeln!(
            text,
            "{}{gap}{problem}",
            style::paint(word, style::Tone::Fail, style::Stream::Stdout)
        );
    }
    let more = report.problems_total - report.problems.len() as u64;
    if more > 0 {
        let _ = match lang {
            Lang::En => writeln!(
                text,
                "... and {more} more {}",
                if more == 1 { "problem" } else { "problems" }
            ),
            Lang::Zh => writeln!(text, "……另有 {more} 个问题"),
        };
    }
    if report.is_healthy() {
        let healthy = style::paint(
            if zh { "完好" } else { "healthy" },
            style::Tone::Pass,
            style::Stream::Stdout,
        );
        let _ = match lang {
            Lang::En => writeln!(text, "the store is {healthy}"),
            Lang::Zh => writeln!(text, "数据库{healthy}"),
        };
        return out(&text);
    }
    out(&text)?;
    let (path, total) = (db.display(), report.problems_total);
    let why = match (&report.integrity, zh) {
        (Integrity::Damaged(_), false) => "redb's integrity check failed".to_owned(),
        (Integrity::Damaged(_), true) => "redb 完整性检查未通过".to_owned(),
        (_, false) => style::count(total, "problem", "problems"),
        (_, true) => format!("{total} 个问题"),
    };
    Err(Failure::Fatal(say!(
        "the store {path} is damaged ({why}): do not use its figures; restore it from a backup, or re-import the CSV files into a new store",
        "数据库 {path} 已损坏（{why}）：不要使用它的数字；请从备份恢复，或把 CSV 文件重新导入一个新数据库"
    )))
}

/// `careledger facts`: brings the kept facts up to date under the rules in force.
fn facts(db: &Path, rules: &Rules, lang: Lang) -> Result<(), Failure> {
    let standing = {
        let reader = Store::open_reader(db).map_err(store_failure)?;
        careledger::facts::standing(&reader, rules).map_err(store_failure)?
    };
    if standing == careledger::facts::Standing::Current {
        return out(match lang {
            Lang::En => "kept facts: up to date under the rules in force; nothing to derive\n",
            Lang::Zh => "保存的派生数据：已按现行规则更新到最新，无需重新派生\n",
        });
    }
    let store = Store::open_or_create(db).map_err(store_failure)?;
    let done = careledger::facts::catch_up(&store, rules).map_err(store_failure)?;
    out(&match lang {
        Lang::En => format!(
            "kept facts: {} derived again{}\n",
            style::count(done.customers, "customer", "customers"),
            if done.rebuilt {
                " (every customer, under the rules in force)"
            } else {
                ""
            }
        ),
        Lang::Zh => format!(
            "保存的派生数据：重新派生了 {} 位客户{}\n",
            done.customers,
            if done.rebuilt {
                "（全部客户，按现行规则）"
            } else {
                ""
            }
        ),
    })
}

/// What a count of a table's entries is followed by: `entry`/`entries`, or 条.
fn entries_word(n: u64, lang: Lang) -> &'static str {
    match lang {
        Lang::En if n == 1 => "entry",
        Lang::En => "entries",
        Lang::Zh => "条",
    }
}

/// A report or list asked of a store with no records yet.
fn store_is_empty() -> Failure {
    Failure::Input(say!(
        "the store is empty; import data first",
        "数据库是空的；请先导入数据"
    ))
}

/// What a folder that could not be made is reported as, to [`OrWrite::or_write`].
fn cannot_create_folder(folder: &Path) -> String {
    say!(
        "cannot create the folder {}",
        "无法创建文件夹 {}",
        folder.display()
    )
}

/// `n` with its noun in the language of messages: `1 file`, `47 files`, or `47 个文件`.
fn counted(n: u64, one: &str, many: &str, zh_unit: &str) -> String {
    if careledger::voice::chinese() {
        format!("{n} {zh_unit}")
    } else {
        style::count(n, one, many)
    }
}

/// What a count of rows is followed by in a column of counts: `row`/`rows`, or 行.
fn rows_word(n: u64, lang: Lang) -> &'static str {
    match lang {
        Lang::En if n == 1 => "row",
        Lang::En => "rows",
        Lang::Zh => "行",
    }
}

fn human_bytes(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    if bytes >= MIB {
        format!("{}.{} MiB", bytes / MIB, bytes % MIB * 10 / MIB)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

/// Generates every kind's file into `dir` (created if missing, replacing files of the same
/// names). The generator only produces bytes; the files are made here.
fn generate(config: &GenConfig, dir: &Path, lang: Lang) -> Result<(), Failure> {
    config.check().map_err(|e| Failure::Input(e.to_string()))?;
    std::fs::create_dir_all(dir).or_write(|| cannot_create_folder(dir))?;
    let open = |name: &str| -> std::io::Result<Box<dyn std::io::Write>> {
        let file = std::fs::File::create(dir.join(name))?;
        Ok(Box::new(std::io::BufWriter::with_capacity(1 << 16, file)))
    };
    let summary = generator::generate(config, open).map_err(|e| match e {
        generator::GenError::Config(message) => Failure::Input(message),
        generator::GenError::Write { file, source } => write_failure(
            &say!(
                "cannot write {file} in {}",
                "无法在 {} 写入 {file}",
                dir.display()
            ),
            &source,
        ),
        other => Failure::Unexpected(other.into()),
    })?;
    let mut text = match lang {
        Lang::En => format!("generated into {}:\n", dir.display()),
        Lang::Zh => format!("已生成到 {}：\n", dir.display()),
    };
    for (file, rows) in &summary.rows {
        let _ = writeln!(text, "  {file:<22}{rows:>10} {}", rows_word(*rows, lang));
    }
    out(&text)
}

/// Refuses a store that holds data the demo did not write: an import of any file outside
/// the demo's data folder. A missing or empty store, or one whose every import came from
/// the data folder (an earlier demo), is the demo's.
fn refuse_other_data(db: &Path, data: &Path) -> Result<(), Failure> {
    if std::fs::metadata(db).map_or(true, |m| m.len() == 0) {
        return Ok(());
    }
    let reader = Store::open_reader(db).map_err(store_failure)?;
    let data_canonical = std::fs::canonicalize(data).ok();
    let is_demo_file = |path: &str| {
        let path = Path::new(path);
        path.starts_with(data)
            || data_canonical
                .as_ref()
                .is_some_and(|d| std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(d)))
    };
    let imports = reader.imports().map_err(store_failure)?;
    if let Some((import, file)) = imports.iter().find_map(|i| {
        i.files
            .iter()
            .find(|f| !is_demo_file(&f.path))
            .map(|f| (i, f))
    }) {
        return Err(Failure::Input(say!(
            "{} holds data the demo did not write (import {} of {} at {}); the demo writes only into its own store: leave --db out (it uses {DEMO_DB}) or pass a new file",
            "{} 中有不是演示写入的数据（第 {} 次导入，{}，{}）；演示只写入它自己的数据库：请不要加 --db（它使用 {DEMO_DB}），或传入一个新文件",
            db.display(),
            import.id,
            escape_controls(&file.path),
            import.at
        )));
    }
    Ok(())
}

fn demo(db: &Path, rules: &Rules, lang: Lang, customers: u64, data: &Path) -> Result<(), Failure> {
    refuse_other_data(db, data)?;
    let config = GenConfig {
        customers,
        ..GenConfig::default()
    };
    generate(&config, data, lang)?;
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir_all(parent).or_write(|| cannot_create_folder(parent))?;
    }
    let paths = [data.display().to_string()];
    import(db, rules, lang, &paths, false, false, None)?;
    let month = latest_complete_month(&Store::open_reader(db).map_err(store_failure)?)?;
    let dir = default_pack_dir(&month, lang);
    report_all(db, rules, &month, lang, &dir, false)?;
    let said = match lang {
        Lang::En => format!(
            "The demo store is {}; the report pack of {month} is in {}. Try also:",
            db.display(),
            dir.display()
        ),
        Lang::Zh => format!(
            "演示数据库是 {}；{month} 的报告包在 {}。还可以试试：",
            db.display(),
            dir.display()
        ),
    };
    out(&format!(
        "\n{said}\n  careledger --db {db} report visits --month {month} --format md\n  careledger --db {db} tasks\n  careledger --db {db} lost --top 20\n",
        db = db.display(),
    ))
}
