//! Import throughput and storage cost at a stated size: generates a realistic dataset of about
//! one million rows, imports it into an empty store, then imports it again (every row
//! unchanged), and prints rows/s and bytes per stored record.
//!
//! `cargo bench --bench import`; `CARELEDGER_BENCH_CUSTOMERS=N` changes the size (default
//! 52 000 customers ≈ 1.03 M rows).

use std::time::Instant;

use rayon::prelude::*;

use careledger::csvio::{parse_file, resolve_paths};
use careledger::generator::{GenConfig, generate};
use careledger::import::{ImportExt, ImportOptions};
use careledger::store::Store;

fn main() {
    let customers: u64 = std::env::var("CARELEDGER_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(52_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let config = GenConfig {
        customers,
        ..GenConfig::default()
    };

    let t = Instant::now();
    std::fs::create_dir_all(&data).expect("data folder");
    let open = |name: &str| -> std::io::Result<Box<dyn std::io::Write>> {
        let file = std::fs::File::create(data.join(name))?;
        Ok(Box::new(std::io::BufWriter::new(file)))
    };
    let summary = generate(&config, open).expect("generate");
    let gen_s = t.elapsed().as_secs_f64();
    let rows: u64 = summary.rows.iter().map(|(_, n)| n).sum();
    let csv_bytes: u64 = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();

    let (sources, _) = resolve_paths(&[data.display().to_string()]).expect("sources");
    let t = Instant::now();
    let files: Vec<_> = sources
        .par_iter()
        .map(|s| parse_file(s).expect("parse"))
        .collect();
    let parse_s = t.elapsed().as_secs_f64();

    let db = dir.path().join("bench.redb");
    let store = Store::open_or_create(&db).expect("store");
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
    let t = Instant::now();
    let again = store
        .import(&files, &options, &|_, _| {})
        .map_err(|_| "re-import failed")
        .unwrap();
    let reimport_s = t.elapsed().as_secs_f64();
    assert!(
        !again.recorded,
        "a re-import of the same files changes nothing"
    );
    drop(store); // redb gives back the unused end of the file on close
    let store_bytes = std::fs::metadata(&db).unwrap().len();
    let mut store = Store::open_or_create(&db).expect("store");
    let t = Instant::now();
    store.compact().expect("compact");
    let compact_s = t.elapsed().as_secs_f64();
    drop(store);
    let compact_bytes = std::fs::metadata(&db).unwrap().len();

    println!(
        "import benchmark: {customers} customers, {rows} rows, {:.1} MiB of CSV",
        csv_bytes as f64 / 1048576.0
    );
    println!("{:<34}{:>10}{:>14}", "step", "seconds", "rows/s");
    for (step, s) in [
        ("generate (8 files)", gen_s),
        ("read + parse (parallel by file)", parse_s),
        ("import into empty store (1 txn)", import_s),
        ("re-import, all unchanged", reimport_s),
        ("parse + import", parse_s + import_s),
    ] {
        println!("{step:<34}{s:>10.2}{:>14.0}", rows as f64 / s);
    }
    println!(
        "store file {:.1} MiB = {:.0} bytes per stored record ({:.0} bytes per CSV row)",
        store_bytes as f64 / 1048576.0,
        store_bytes as f64 / rows as f64,
        csv_bytes as f64 / rows as f64
    );
    println!(
        "compacted (as `careledger import` does after a large import) in {compact_s:.1} s: {:.1} MiB = {:.0} bytes per stored record",
        compact_bytes as f64 / 1048576.0,
        compact_bytes as f64 / rows as f64
    );
}
