//! Proves the store's secondary indexes follow amendments and voids (a month scan of one kind
//! and a customer's records return exactly the current records, worked out by hand), and that
//! compaction keeps every record and version.

use std::path::PathBuf;

use careledger::csvio::{Source, parse_source};
use careledger::import::{ImportExt, ImportOptions};
use careledger::model::{Kind, Record, Timestamp};
use careledger::store::{Reader, Store};

fn import(store: &Store, files: &[(Kind, &str)], amend: bool) {
    let parsed: Vec<_> = files
        .iter()
        .map(|(kind, text)| {
            let source = Source {
                path: PathBuf::from(kind.file_name()),
                kind: *kind,
            };
            parse_source(&source, text.as_bytes()).unwrap()
        })
        .collect();
    let options = ImportOptions {
        amend,
        at: "2026-01-01 00:00:00".into(),
        ..ImportOptions::default()
    };
    store
        .import(&parsed, &options, &|_, _| {})
        .map_err(|e| format!("{e:?}"))
        .unwrap();
}

fn keys_in_month(reader: &Reader, kind: Kind, from: &str, to: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let (from, to) = (
        Timestamp::parse(from).unwrap(),
        Timestamp::parse(to).unwrap(),
    );
    reader
        .for_each_in_period(kind, from, to, |r| {
            keys.push(r.key());
            Ok(())
        })
        .unwrap();
    keys
}

fn keys_of_customer(reader: &Reader, customer: &str) -> Vec<String> {
    let mut keys = Vec::new();
    reader
        .for_each_referring_to_customer(customer, |r| {
            keys.push(format!("{}:{}", r.kind(), r.key()));
            Ok(())
        })
        .unwrap();
    keys
}

const CUSTOMERS: &str = "customer_id,name,created_on\nC1,甲,2024-01-01\nC2,乙,2024-01-01\n";
const SALES: &str = "sale_id,customer_id,delivered_at,amount,referrer_id\n\
S1,C1,2024-01-31 23:59:59,1,\n\
S2,C1,2024-02-01 00:00:00,1,C2\n\
S3,C2,2024-01-15 10:00,1,\n";
const ORDERS: &str = "order_id,customer_id,opened_at,revenue\nR1,C1,2024-01-10 09:00,380\nR2,C2,2024-01-11 09:00,100\n";

#[test]
fn month_scans_and_customer_scans_follow_amendments_and_voids() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_or_create(&dir.path().join("s.redb")).unwrap();
    import(
        &store,
        &[
            (Kind::Customer, CUSTOMERS),
            (Kind::Sale, SALES),
            (Kind::ServiceOrder, ORDERS),
        ],
        false,
    );

    let reader = store.reader().unwrap();
    // January is [01-01 00:00, 02-01 00:00): S1 at the last second is in, S2 at midnight is out.
    assert_eq!(
        keys_in_month(&reader, Kind::Sale, "2024-01-01 00:00", "2024-02-01 00:00"),
        ["S3", "S1"]
    );
    assert_eq!(
        keys_in_month(&reader, Kind::Sale, "2024-02-01 00:00", "2024-03-01 00:00"),
        ["S2"]
    );
    // C2 owns S3 and R2 and referred S2.
    assert_eq!(
        keys_of_customer(&reader, "C2"),
        ["sales:S2", "sales:S3", "service_orders:R2"]
    );
    assert_eq!(
        keys_of_customer(&reader, "C1"),
        ["sales:S1", "sales:S2", "service_orders:R1"]
    );

    // S1 moves to March and loses nothing else; S2 drops its referrer; R2 is voided.
    import(
        &store,
        &[
            (
                Kind::Sale,
                "sale_id,customer_id,delivered_at,amount,referrer_id\nS1,C1,2024-03-02 08:00,1,\nS2,C1,2024-02-01 00:00,1,\n",
            ),
            (
                Kind::ServiceOrder,
                "order_id,customer_id,opened_at,revenue,op\nR2,,,,void\n",
            ),
        ],
        true,
    );
    let reader = store.reader().unwrap();
    assert_eq!(
        keys_in_month(&reader, Kind::Sale, "2024-01-01 00:00", "2024-02-01 00:00"),
        ["S3"]
    );
    assert_eq!(
        keys_in_month(&reader, Kind::Sale, "2024-03-01 00:00", "2024-04-01 00:00"),
        ["S1"]
    );
    assert!(
        keys_in_month(
            &reader,
            Kind::ServiceOrder,
            "2024-01-01 00:00",
            "2024-02-01 00:00"
        ) == ["R1"]
    );
    assert_eq!(keys_of_customer(&reader, "C2"), ["sales:S3"]);
    let mut s1 = None;
    reader
        .for_each_referring_to_customer("C1", |r| {
            if let Record::Sale(s) = r
                && s.sale_id == "S1"
            {
                s1 = Some(s.delivered_at.to_string());
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(s1.as_deref(), Some("2024-03-02 08:00:00"));
}

#[test]
fn compaction_keeps_every_record_and_gives_space_back() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    careledger::generator::generate(
        &careledger::generator::GenConfig {
            customers: 300,
            ..Default::default()
        },
        crate::util::to_files(&data),
    )
    .unwrap();
    let (sources, _) = careledger::csvio::resolve_paths(&[data.display().to_string()]).unwrap();
    let files: Vec<_> = sources
        .iter()
        .map(|s| careledger::csvio::parse_file(s).unwrap())
        .collect();
    let path = dir.path().join("s.redb");
    let mut store = Store::open_or_create(&path).unwrap();
    let options = ImportOptions {
        at: "2026-01-01 00:00:00".into(),
        ..ImportOptions::default()
    };
    store
        .import(&files, &options, &|_, _| {})
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    let export = |store: &Store| -> Vec<Vec<u8>> {
        let reader = store.reader().unwrap();
        Kind::ALL
            .iter()
            .map(|k| {
                careledger::csvio::write_kind(&reader, *k, Vec::new())
                    .unwrap()
                    .0
            })
            .collect()
    };
    let before = export(&store);
    let history_before = store
        .reader()
        .unwrap()
        .history(Kind::Sale, "S00000001")
        .unwrap();
    let size_before = std::fs::metadata(&path).unwrap().len();
    assert!(
        store.compact().unwrap(),
        "a fresh import leaves space to reclaim"
    );
    assert_eq!(export(&store), before);
    assert_eq!(
        store
            .reader()
            .unwrap()
            .history(Kind::Sale, "S00000001")
            .unwrap(),
        history_before
    );
    drop(store);
    assert!(std::fs::metadata(&path).unwrap().len() < size_before);
}
