//! The progress meter (`careledger::progress`) balances: a report expects every customer it
//! derives and counts each one done, so the bar the binary draws from it ends full. A test
//! binary of its own: the meter is process-wide, and the other tests compute reports at the
//! same time.

use careledger::csvio::{parse_file, resolve_paths};
use careledger::derive::Activity;
use careledger::progress::{self, Phase};
use careledger::{GenConfig, ImportExt, ImportOptions, Period, Rules, Store, generate};

#[test]
fn a_report_counts_every_customer_it_derives() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let open = |name: &str| -> std::io::Result<Box<dyn std::io::Write>> {
        Ok(Box::new(std::fs::File::create(data.join(name))?))
    };
    let config = GenConfig {
        customers: 300,
        months: 6,
        ..GenConfig::default()
    };
    generate(&config, open).unwrap();
    let (sources, _) = resolve_paths(&[data.display().to_string()]).unwrap();
    let files: Vec<_> = sources.iter().map(|s| parse_file(s).unwrap()).collect();
    let store = Store::open_or_create(&dir.path().join("s.redb")).unwrap();
    store
        .import(&files, &ImportOptions::default(), &|_, _| {})
        .map_err(|_| "import")
        .unwrap();
    let reader = store.reader().unwrap();
    let customers = Activity::load(&reader).unwrap().customers.len() as u64;
    assert!(customers > 0);

    let month = Period::parse_month("2024-03").unwrap();
    careledger::kpi::visits::run(&reader, &Rules::default(), &month).unwrap();
    // Visits derive the tasks of every customer once: each expected, each counted.
    assert_eq!(
        progress::snapshot(),
        (Phase::Customers, customers, customers)
    );

    careledger::kpi::churn::run(&reader, &Rules::default(), &month, false).unwrap();
    let (phase, done, total) = progress::snapshot();
    assert_eq!(phase, Phase::Customers);
    assert_eq!(done, total, "the bar ends full");
    assert_eq!(total % customers, 0, "whole passes over the customers");
}
