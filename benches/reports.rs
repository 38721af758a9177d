//! Every report on one large generated store, at 1 and 2 rayon threads, read from the facts
//! kept by import and derived from scratch: the return-visit report, the churn report, the
//! payout statement and the tiers. Prints the time of each and checks that both thread
//! counts and both ways give byte-identical JSON.
//!
//! `cargo bench --bench reports`; `CARELEDGER_BENCH_CUSTOMERS=N` sets the size (default
//! 100 000 customers over 60 months: about 1.7 M attempts, 0.6 M service orders, 0.27 M
//! surveys; the import takes about a minute and the store about 1.3 GB of temporary disk).

use std::time::Instant;

use careledger::csvio::{parse_file, resolve_paths};
use careledger::generator::{GenConfig, generate};
use careledger::import::{ImportExt, ImportOptions};
use careledger::kpi;
use careledger::model::{Kind, Period};
use careledger::report::Render;
use careledger::rules::Rules;
use careledger::store::{Reader, Store};

type Job = (
    &'static str,
    Box<dyn Fn(&Reader, &Rules) -> Vec<u8> + Send + Sync>,
);

fn main() {
    let customers: u64 = std::env::var("CARELEDGER_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data folder");
    let open = |name: &str| -> std::io::Result<Box<dyn std::io::Write>> {
        let file = std::fs::File::create(data.join(name))?;
        Ok(Box::new(std::io::BufWriter::new(file)))
    };
    generate(
        &GenConfig {
            customers,
            months: 60,
            start_year: 2021,
            start_month: 1,
            ..GenConfig::default()
        },
        open,
    )
    .expect("generate");
    let store = Store::open_or_create(&dir.path().join("bench.redb")).expect("store");
    let t = Instant::now();
    {
        let (sources, _) = resolve_paths(&[data.display().to_string()]).expect("sources");
        let files: Vec<_> = sources
            .iter()
            .map(|s| parse_file(s).expect("parse"))
            .collect();
        let options = ImportOptions {
            at: "2026-01-01 00:00:00".into(),
            ..ImportOptions::default()
        };
        store
            .import(&files, &options, &|_, _| {})
            .map_err(|_| "import failed")
            .unwrap();
    }
    let import_s = t.elapsed().as_secs_f64();
    std::fs::remove_dir_all(&data).ok();
    let t = Instant::now();
    careledger::facts::catch_up(&store, &Rules::default()).expect("facts");
    let facts_s = t.elapsed().as_secs_f64();
    let reader = store.reader().expect("reader");
    let count = |kind| reader.count_current(kind).unwrap();
    println!(
        "reports benchmark: {customers} customers, {} attempts, {} service orders, {} surveys (import {import_s:.0} s, facts derived in {facts_s:.1} s)",
        count(Kind::Attempt),
        count(Kind::ServiceOrder),
        count(Kind::Survey)
    );

    let month = Period::parse_month("2025-06").unwrap();
    let december = Period::parse_month("2025-12").unwrap();
    let jobs: Vec<Job> = vec![
        (
            "report visits --month 2025-06",
            Box::new(move |r, rules| kpi::visits::run(r, rules, &month).unwrap().json()),
        ),
        (
            "report churn --month 2025-06 --by-staff",
            Box::new(move |r, rules| {
                kpi::churn::run(r, rules, &Period::parse_month("2025-06").unwrap(), true)
                    .unwrap()
                    .json()
            }),
        ),
        (
            "report churn --year 2025",
            Box::new(move |r, rules| {
                kpi::churn::run(r, rules, &Period::year(2025).unwrap(), false)
                    .unwrap()
                    .json()
            }),
        ),
        (
            "report payouts --month 2025-12 (year line)",
            Box::new(move |r, rules| kpi::payouts::statement(r, rules, &december).unwrap().json()),
        ),
        (
            "tiers --month 2025-06 --list",
            Box::new(move |r, rules| {
                kpi::tiers::run(r, rules, &Period::parse_month("2025-06").unwrap(), true)
                    .unwrap()
                    .json()
            }),
        ),
    ];
    let rules = Rules::default();
    println!(
        "{:<44}{:>14}{:>14}{:>16}{:>16}",
        "report", "facts 1 thr s", "facts 2 thr s", "scratch 1 thr s", "scratch 2 thr s"
    );
    for (name, job) in &jobs {
        let mut outputs = Vec::new();
        let mut seconds = Vec::new();
        for from_scratch in [false, true] {
            careledger::facts::set_ignored(from_scratch);
            // An untimed run first, so that neither thread count pays for reading the store
            // from disk into the page cache.
            job(&reader, &rules);
            for threads in [1, 2] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let t = Instant::now();
                outputs.push(pool.install(|| job(&reader, &rules)));
                seconds.push(t.elapsed().as_secs_f64());
            }
        }
        assert!(
            outputs.windows(2).all(|w| w[0] == w[1]),
            "{name}: 1 and 2 threads, facts and scratch, must give identical output"
        );
        println!(
            "{name:<44}{:>14.3}{:>14.3}{:>16.2}{:>16.2}",
            seconds[0], seconds[1], seconds[2], seconds[3]
        );
    }
    println!("every report identical at 1 and 2 threads, from the kept facts and from scratch");
}
