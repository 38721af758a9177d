//! The return-visit report on a generated store of over one million contact attempts, at 1
//! and 2 rayon threads: prints the time of each step and checks that both thread counts give
//! byte-identical JSON.
//!
//! `cargo bench --bench visits`; `CARELEDGER_BENCH_CUSTOMERS=N` changes the size (default
//! 125 000 customers ≈ 1.09 M attempts).

use std::time::Instant;

use careledger::csvio::{parse_file, resolve_paths};
use careledger::derive::Activity;
use careledger::derive::tasks::derive_tasks;
use careledger::generator::{GenConfig, generate};
use careledger::kpi::visits::{surveys_in, visits_report};
use careledger::model::{Kind, Period, Timestamp};
use careledger::report::Render;
use careledger::rules::Rules;
use careledger::store::{ImportOptions, Store};

fn main() {
    let customers: u64 = std::env::var("CARELEDGER_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(125_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    generate(
        &GenConfig {
            customers,
            ..GenConfig::default()
        },
        &data,
    )
    .expect("generate");
    let (sources, _) = resolve_paths(&[data.display().to_string()]).expect("sources");
    let files: Vec<_> = sources
        .iter()
        .map(|s| parse_file(s).expect("parse"))
        .collect();
    let store = Store::open_or_create(&dir.path().join("bench.redb")).expect("store");
    let options = ImportOptions {
        at: "2026-01-01 00:00:00".into(),
        ..ImportOptions::default()
    };
    let t = Instant::now();
    store
        .import(&files, &options, &|_, _| {})
        .map_err(|_| "import failed")
        .unwrap();
    let import_s = t.elapsed().as_secs_f64();
    drop(files);
    let reader = store.reader().expect("reader");
    let attempts = reader.count_current(Kind::Attempt).unwrap();
    let orders = reader.count_current(Kind::ServiceOrder).unwrap();
    println!(
        "visits benchmark: {customers} customers, {attempts} attempts, {orders} service orders (import took {import_s:.1} s)"
    );

    let rules = Rules::default();
    let period = Period::parse_month("2025-06").unwrap();
    let mut outputs = Vec::new();
    println!(
        "{:<8}{:>10}{:>10}{:>10}{:>12}{:>10}",
        "threads", "load s", "derive s", "surveys s", "aggregate s", "total s"
    );
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let t0 = Instant::now();
            let activity = Activity::load(&reader).unwrap();
            let t1 = Instant::now();
            let derived = derive_tasks(&activity, &rules, Timestamp(i64::MAX));
            let t2 = Instant::now();
            let surveys = surveys_in(&reader, &period).unwrap();
            let t3 = Instant::now();
            let report = visits_report(&derived, &surveys, &rules, &period);
            let json = report.json();
            let t4 = Instant::now();
            println!(
                "{threads:<8}{:>10.2}{:>10.2}{:>10.2}{:>12.3}{:>10.2}",
                (t1 - t0).as_secs_f64(),
                (t2 - t1).as_secs_f64(),
                (t3 - t2).as_secs_f64(),
                (t4 - t3).as_secs_f64(),
                (t4 - t0).as_secs_f64()
            );
            outputs.push(json);
        });
    }
    assert_eq!(
        outputs[0], outputs[1],
        "1 and 2 threads must give identical JSON"
    );
    println!(
        "JSON identical at 1 and 2 threads ({} bytes)",
        outputs[0].len()
    );
}
