//! What a monthly increment costs in redb by the layout of the records, before any rule is
//! applied: the floor under an increment of careledger's store, for the design of a format 3
//! (README, *What the remaining targets need*).
//!
//! Synthetic records shaped like the 100 000-customer comparison's (about 60 records of about
//! 70 bytes per customer; ids allocated per customer, as `gen` does, so a month's new keys
//! are spread over the whole key space; an increment names 29 % of the customers, 3.4 new
//! records each), stored two ways:
//!
//! - **per record** (store format 2): `current` `(kind, key) → seq + record`, and `refs`
//!   `(customer kind, customer, kind, key) → ()` to find a customer's records;
//! - **per customer**: `bundles` `customer → zstd frame of the customer's records` (level 1),
//!   and `owners` `(kind, key) → customer` for the records an import names by key;
//! - **key runs**: the same bundles, the keys filed by `(import, kind, key)`, each import's
//!   one sorted run after the others (an LSM tree's first level; merging is not measured);
//! - **bundles only**: no key index, to tell its share.
//!
//! Each is loaded in one transaction (keys in order), then the increment is written in one
//! transaction (committed, durable), then the touched customers' records are read back from
//! a read transaction, as the facts step reads them. `by_time` and the log are left out:
//! both layouts would keep them alike (a month's entries land at the end of the time index).
//!
//! `cargo bench --bench layout`; `CARELEDGER_BENCH_CUSTOMERS=N` changes the size (default
//! 100 000). Figures measured are in the README (*What the remaining targets need*).

use std::time::Instant;

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

const CURRENT: TableDefinition<(u8, &str), &[u8]> = TableDefinition::new("current");
const REFS: TableDefinition<(u8, &str, u8, &str), ()> = TableDefinition::new("refs");
const BUNDLES: TableDefinition<&str, &[u8]> = TableDefinition::new("bundles");
const OWNERS: TableDefinition<(u8, &str), &str> = TableDefinition::new("owners");
const OWNER_RUNS: TableDefinition<(u32, u8, &str), &str> = TableDefinition::new("owner_runs");

/// How the per-customer layout finds the customer of a record named by key.
#[derive(Clone, Copy, PartialEq)]
enum Index {
    /// `owners`, a B-tree by `(kind, key)`: an import's new keys land all over it.
    BTree,
    /// `owner_runs`, by `(import, kind, key)`: each import's keys one sorted run, appended
    /// after the others (an LSM tree's level 0; a lookup reads each run, and the runs are
    /// merged now and then, which is not measured here).
    Runs,
    /// None: the bundles alone.
    None,
}

impl Index {
    fn name(self) -> &'static str {
        match self {
            Index::BTree => "per customer",
            Index::Runs => "key runs",
            Index::None => "bundles only",
        }
    }

    /// Files the keys an import brings, `(kind, key, customer)`, sorted.
    fn file(self, tx: &redb::WriteTransaction, import: u32, keys: &[(u8, String, u64)]) {
        match self {
            Index::BTree => {
                let mut owners = tx.open_table(OWNERS).expect("table");
                for (kind, key, c) in keys {
                    owners
                        .insert((*kind, key.as_str()), customer_id(*c).as_str())
                        .expect("insert");
                }
            }
            Index::Runs => {
                let mut runs = tx.open_table(OWNER_RUNS).expect("table");
                for (kind, key, c) in keys {
                    runs.insert((import, *kind, key.as_str()), customer_id(*c).as_str())
                        .expect("insert");
                }
            }
            Index::None => {}
        }
    }
}

const RECORDS_PER_CUSTOMER: u64 = 60;
/// Kinds a customer's records are spread over (sales, orders, policies, attempts, surveys).
const KINDS: u8 = 5;
const CUSTOMER_KIND: u8 = 2;

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn customer_id(c: u64) -> String {
    format!("C{c:08}")
}

/// The key of a customer's `n`-th record of a kind: allocated per customer, as `gen` does.
fn record_key(kind: u8, c: u64, n: u64) -> String {
    format!("{}{c:08}{n:03}", (b'A' + kind) as char)
}

/// A record's text, about 70 bytes, shaped like a CSV row of attempts or orders.
fn record_text(rng: &mut Rng, key: &str, c: u64) -> Vec<u8> {
    const WORDS: [&str; 6] = [
        "delivery_24h",
        "delivery_3d",
        "repair_3d",
        "successful",
        "unreachable",
        "recovery",
    ];
    format!(
        "{key},C{c:08},2025-{:02}-{:02} {:02}:{:02},{},{},S{:04},{}",
        1 + rng.below(12),
        1 + rng.below(28),
        8 + rng.below(10),
        rng.below(60),
        WORDS[rng.below(3) as usize],
        WORDS[3 + rng.below(3) as usize],
        rng.below(400),
        rng.below(1_000_000)
    )
    .into_bytes()
}

/// One customer's records: (kind, key, text), kinds in turn.
fn customer_records(rng: &mut Rng, c: u64, from: u64, count: u64) -> Vec<(u8, String, Vec<u8>)> {
    (from..from + count)
        .map(|n| {
            let kind = (n % u64::from(KINDS)) as u8 + 3;
            let key = record_key(kind, c, n);
            let text = record_text(rng, &key, c);
            (kind, key, text)
        })
        .collect()
}

/// A bundle: each record as kind, key length, key, text length, text; then compressed.
fn bundle(records: &[(u8, String, Vec<u8>)]) -> Vec<u8> {
    let mut raw = Vec::new();
    for (kind, key, text) in records {
        raw.push(*kind);
        raw.extend_from_slice(&(key.len() as u16).to_le_bytes());
        raw.extend_from_slice(key.as_bytes());
        raw.extend_from_slice(&(text.len() as u32).to_le_bytes());
        raw.extend_from_slice(text);
    }
    zstd::bulk::compress(&raw, 1).expect("compresses")
}

fn unbundle(bytes: &[u8]) -> Vec<(u8, String, Vec<u8>)> {
    let raw = zstd::stream::decode_all(bytes).expect("decompresses");
    let mut out = Vec::new();
    let mut at = 0;
    while at < raw.len() {
        let kind = raw[at];
        let klen = u16::from_le_bytes([raw[at + 1], raw[at + 2]]) as usize;
        let key = String::from_utf8(raw[at + 3..at + 3 + klen].to_vec()).expect("utf-8");
        at += 3 + klen;
        let tlen = u32::from_le_bytes(raw[at..at + 4].try_into().expect("4 bytes")) as usize;
        out.push((kind, key, raw[at + 4..at + 4 + tlen].to_vec()));
        at += 4 + tlen;
    }
    out
}

/// Seconds to run `write` in one write transaction of `db` and commit it (durably).
fn written(db: &Database, write: impl FnOnce(&redb::WriteTransaction)) -> f64 {
    let t = Instant::now();
    let tx = db.begin_write().expect("write");
    write(&tx);
    tx.commit().expect("commit");
    seconds(t)
}

fn seconds(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

fn file_mb(path: &std::path::Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6)
}

fn main() {
    let customers: u64 = std::env::var("CARELEDGER_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    // The increment: 29 % of the customers, 3 or 4 new records each, after their own.
    let mut pick = Rng(7);
    let mut touched: Vec<u64> = (0..customers).filter(|_| pick.below(100) < 29).collect();
    touched.sort_unstable();
    let new_of = |c: u64| 3 + c % 2;
    let new_rows: u64 = touched.iter().map(|&c| new_of(c)).sum();
    println!(
        "{customers} customers, {} records; increment: {} customers, {new_rows} records",
        customers * RECORDS_PER_CUSTOMER,
        touched.len()
    );
    println!(
        "{:<14}{:>10}{:>10}{:>14}{:>12}",
        "layout", "load s", "file MB", "increment s", "read s"
    );

    // Per record.
    let path = dir.path().join("per-record.redb");
    let db = Database::create(&path).expect("creates");
    let load = written(&db, |tx| {
        let mut current = tx.open_table(CURRENT).expect("table");
        let mut refs = tx.open_table(REFS).expect("table");
        let mut rng = Rng(1);
        let mut seq = 0u64;
        // Keys in order: kind by kind, customer by customer.
        let mut all: Vec<(u8, String, Vec<u8>, u64)> = Vec::new();
        for c in 0..customers {
            for (kind, key, text) in customer_records(&mut rng, c, 0, RECORDS_PER_CUSTOMER) {
                all.push((kind, key, text, c));
            }
        }
        all.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut value = Vec::new();
        for (kind, key, text, _) in &all {
            seq += 1;
            value.clear();
            value.extend_from_slice(&seq.to_le_bytes());
            value.extend_from_slice(text);
            current
                .insert((*kind, key.as_str()), value.as_slice())
                .expect("insert");
        }
        all.sort_unstable_by(|a, b| (a.3, a.0, &a.1).cmp(&(b.3, b.0, &b.1)));
        for (kind, key, _, c) in &all {
            let id = customer_id(*c);
            refs.insert((CUSTOMER_KIND, id.as_str(), *kind, key.as_str()), ())
                .expect("insert");
        }
    });
    let size = file_mb(&path);
    let increment = written(&db, |tx| {
        let mut current = tx.open_table(CURRENT).expect("table");
        let mut refs = tx.open_table(REFS).expect("table");
        let mut rng = Rng(2);
        let mut value = Vec::new();
        for &c in &touched {
            let id = customer_id(c);
            for (kind, key, text) in customer_records(&mut rng, c, RECORDS_PER_CUSTOMER, new_of(c))
            {
                value.clear();
                value.extend_from_slice(&u64::MAX.to_le_bytes());
                value.extend_from_slice(&text);
                current
                    .insert((kind, key.as_str()), value.as_slice())
                    .expect("insert");
                refs.insert((CUSTOMER_KIND, id.as_str(), kind, key.as_str()), ())
                    .expect("insert");
            }
        }
    });
    let t = Instant::now();
    let mut bytes = 0usize;
    {
        let tx = db.begin_read().expect("read");
        let current = tx.open_table(CURRENT).expect("table");
        let refs = tx.open_table(REFS).expect("table");
        for &c in &touched {
            let id = customer_id(c);
            let from = (CUSTOMER_KIND, id.as_str(), 0u8, "");
            let to = (CUSTOMER_KIND, id.as_str(), u8::MAX, "");
            for entry in refs.range(from..to).expect("range") {
                let (k, _) = entry.expect("entry");
                let (_, _, kind, key) = k.value();
                bytes += current
                    .get((kind, key))
                    .expect("get")
                    .expect("held")
                    .value()
                    .len();
            }
        }
    }
    let read = seconds(t);
    println!(
        "{:<14}{load:>10.1}{size:>10.0}{increment:>14.2}{read:>12.2}",
        "per record"
    );
    drop(db);
    std::fs::remove_file(&path).expect("removed");

    for index in [Index::BTree, Index::Runs, Index::None] {
        let bytes_b = per_customer(dir.path(), customers, &touched, new_of, index);
        // Both read every record of the touched customers, the new ones included.
        assert_eq!(bytes, bytes_b, "both layouts read the same records");
    }
}

/// The per-customer layout: loads, writes the increment, reads the touched customers back;
/// prints its line and returns the bytes read; `index` says how a key finds its customer.
fn per_customer(
    dir: &std::path::Path,
    customers: u64,
    touched: &[u64],
    new_of: impl Fn(u64) -> u64,
    index: Index,
) -> usize {
    let path = dir.join(format!("{}.redb", index.name().replace(' ', "-")));
    let db = Database::create(&path).expect("creates");
    let load = written(&db, |tx| {
        let mut bundles = tx.open_table(BUNDLES).expect("table");
        let mut rng = Rng(1);
        let mut keys: Vec<(u8, String, u64)> = Vec::new();
        for c in 0..customers {
            let records = customer_records(&mut rng, c, 0, RECORDS_PER_CUSTOMER);
            keys.extend(records.iter().map(|(k, key, _)| (*k, key.clone(), c)));
            bundles
                .insert(customer_id(c).as_str(), bundle(&records).as_slice())
                .expect("insert");
        }
        keys.sort_unstable();
        index.file(tx, 0, &keys);
    });
    let size = file_mb(&path);
    let increment = written(&db, |tx| {
        let mut bundles = tx.open_table(BUNDLES).expect("table");
        let mut rng = Rng(2);
        let mut keys: Vec<(u8, String, u64)> = Vec::new();
        for &c in touched {
            let id = customer_id(c);
            let mut records = unbundle(
                bundles
                    .get(id.as_str())
                    .expect("get")
                    .expect("held")
                    .value(),
            );
            let new = customer_records(&mut rng, c, RECORDS_PER_CUSTOMER, new_of(c));
            keys.extend(new.iter().map(|(kind, key, _)| (*kind, key.clone(), c)));
            records.extend(new);
            bundles
                .insert(id.as_str(), bundle(&records).as_slice())
                .expect("insert");
        }
        drop(bundles);
        keys.sort_unstable();
        index.file(tx, 1, &keys);
    });
    let t = Instant::now();
    let mut bytes_b = 0usize;
    {
        let tx = db.begin_read().expect("read");
        let bundles = tx.open_table(BUNDLES).expect("table");
        for &c in touched {
            let id = customer_id(c);
            let records = unbundle(
                bundles
                    .get(id.as_str())
                    .expect("get")
                    .expect("held")
                    .value(),
            );
            bytes_b += records.iter().map(|(_, _, t)| t.len() + 8).sum::<usize>();
        }
    }
    let read = seconds(t);
    println!(
        "{:<14}{load:>10.1}{size:>10.0}{increment:>14.2}{read:>12.2}",
        index.name()
    );
    drop(db);
    std::fs::remove_file(&path).expect("removed");
    bytes_b
}
