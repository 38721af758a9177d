//! Proves the store against a naive model: random sequences of imports (adds, amendments with
//! and without --amend, voids, several rows of one key in one import — DOMAIN.md section 3,
//! revision 3 — and dangling references) are accepted or rejected exactly when the model
//! says, with the model's counts, and the export always equals the
//! model's current view; an export re-imported into an empty store exports identically.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;

use careledger::csvio::{ParsedFile, Source, parse_source, write_kind};
use careledger::import::{ImportExt, ImportFailure, ImportOptions};
use careledger::model::Kind;
use careledger::store::Store;

/// A customer's content: (name index, phone present).
type CustomerV = (u8, bool);
/// A sale's content: (customer, amount fen, referrer).
type SaleV = (u8, u32, Option<u8>);

#[derive(Clone, Debug)]
enum RowOp<V> {
    Add(u8, V),
    Void(u8),
}

#[derive(Clone, Debug)]
struct Import {
    customers: Vec<RowOp<CustomerV>>,
    sales: Vec<RowOp<SaleV>>,
    amend: bool,
}

fn customer_row(id: u8, v: &CustomerV, variant: bool) -> String {
    // The created_on date is written in one canonical form; the name and phone vary.
    let phone = if v.1 {
        format!("1380000{:04}", id)
    } else {
        String::new()
    };
    let _ = variant;
    format!("C{id},客户{},{phone},,,2023-01-0{}\n", v.0, 1 + id % 9)
}

fn sale_row(id: u8, v: &SaleV, variant: bool) -> String {
    // Inputs vary in form (minutes only / T separator; one or two decimals) but not in value.
    let at = if variant {
        "2024-01-15 10:30"
    } else {
        "2024-01-15T10:30:00"
    };
    let amount = if variant && v.1.is_multiple_of(10) {
        format!("{}.{}", v.1 / 100, v.1 % 100 / 10)
    } else {
        format!("{}.{:02}", v.1 / 100, v.1 % 100)
    };
    let referrer = v.2.map(|r| format!("C{r}")).unwrap_or_default();
    format!("S{id},C{},,{at},,{amount},{referrer}\n", v.0)
}

fn csv_of<V>(header: &str, ops: &[RowOp<V>], row: impl Fn(u8, &V, bool) -> String) -> String {
    let mut text = format!("{header},op\n");
    for (i, op) in ops.iter().enumerate() {
        match op {
            RowOp::Add(id, v) => {
                let line = row(*id, v, i % 2 == 0);
                text.push_str(&format!("{},add\n", line.trim_end()));
            }
            RowOp::Void(id) => {
                let commas = header.matches(',').count();
                let prefix = if header.starts_with("sale") { "S" } else { "C" };
                text.push_str(&format!("{prefix}{id}{},void\n", ",".repeat(commas)));
            }
        }
    }
    text
}

/// The naive model: current views, and which keys ever had a version.
#[derive(Clone, Debug, Default)]
struct Model {
    customers: BTreeMap<u8, CustomerV>,
    sales: BTreeMap<u8, SaleV>,
    ever_customers: std::collections::BTreeSet<u8>,
    ever_sales: std::collections::BTreeSet<u8>,
}

/// (added, amended, voided, unchanged, superseded, withdrawn) for customers then sales.
type Counts = [(u64, u64, u64, u64, u64, u64); 2];

/// One kind of an import, as DOMAIN.md section 3 (revision 3) says: rows in file order, the
/// last row of a key is its net effect, compared with the store as a single row would be; an
/// `add` differing from the previous `add` of its key needs --amend; an add then a void of a
/// key the store does not hold writes nothing (withdrawn).
fn apply_kind<V: Clone + PartialEq>(
    current: &mut BTreeMap<u8, V>,
    ever: &mut std::collections::BTreeSet<u8>,
    ops: &[RowOp<V>],
    amend: bool,
) -> Option<(u64, u64, u64, u64, u64, u64)> {
    // Per key, in order of first appearance: its rows.
    let mut order: Vec<u8> = Vec::new();
    let mut rows: BTreeMap<u8, Vec<&RowOp<V>>> = BTreeMap::new();
    for op in ops {
        let id = match op {
            RowOp::Add(id, _) | RowOp::Void(id) => *id,
        };
        if !rows.contains_key(&id) {
            order.push(id);
        }
        rows.entry(id).or_default().push(op);
    }
    let mut counts = (0, 0, 0, 0, 0, 0);
    let mut ok = true;
    let mut next = current.clone();
    let mut written = Vec::new();
    for id in order {
        let key_rows = &rows[&id];
        counts.4 += key_rows.len() as u64 - 1;
        let adds: Vec<&V> = key_rows
            .iter()
            .filter_map(|op| match op {
                RowOp::Add(_, v) => Some(v),
                RowOp::Void(_) => None,
            })
            .collect();
        if adds.windows(2).any(|w| w[0] != w[1]) && !amend {
            ok = false;
        }
        match key_rows.last().expect("a key has a row") {
            RowOp::Add(_, v) => match current.get(&id) {
                None => {
                    counts.0 += 1;
                    next.insert(id, v.clone());
                    written.push(id);
                }
                Some(old) if old == v => counts.3 += 1,
                Some(_) => {
                    ok &= amend;
                    counts.1 += 1;
                    next.insert(id, v.clone());
                    written.push(id);
                }
            },
            RowOp::Void(_) => {
                if current.contains_key(&id) {
                    counts.2 += 1;
                    next.remove(&id);
                    written.push(id);
                } else if !adds.is_empty() {
                    counts.5 += 1;
                } else if ever.contains(&id) {
                    counts.3 += 1;
                } else {
                    ok = false;
                }
            }
        }
    }
    if !ok {
        return None;
    }
    ever.extend(written);
    *current = next;
    Some(counts)
}

impl Model {
    /// Applies an import; `None` when it must be rejected (the model is then unchanged).
    fn apply(&mut self, import: &Import) -> Option<Counts> {
        let mut next = self.clone();
        let c = apply_kind(
            &mut next.customers,
            &mut next.ever_customers,
            &import.customers,
            import.amend,
        );
        let s = apply_kind(
            &mut next.sales,
            &mut next.ever_sales,
            &import.sales,
            import.amend,
        );
        let (c, s) = (c?, s?);
        // Referential integrity of the state after the import.
        let consistent = next.sales.values().all(|(customer, _, referrer)| {
            next.customers.contains_key(customer)
                && referrer.is_none_or(|r| next.customers.contains_key(&r))
        });
        if !consistent {
            return None;
        }
        *self = next;
        Some([c, s])
    }

    fn export(&self) -> [String; 2] {
        // Keys sort as strings: "C10" < "C2".
        let mut customers: Vec<(String, String)> = self
            .customers
            .iter()
            .map(|(id, v)| {
                let phone = if v.1 {
                    format!("1380000{:04}", id)
                } else {
                    String::new()
                };
                (
                    format!("C{id}"),
                    format!("C{id},客户{},{phone},,,2023-01-0{}\n", v.0, 1 + id % 9),
                )
            })
            .collect();
        customers.sort();
        let mut sales: Vec<(String, String)> = self
            .sales
            .iter()
            .map(|(id, (c, fen, r))| {
                let referrer = r.map(|r| format!("C{r}")).unwrap_or_default();
                (
                    format!("S{id}"),
                    format!(
                        "S{id},C{c},,2024-01-15 10:30:00,,{}.{:02},{referrer}\n",
                        fen / 100,
                        fen % 100
                    ),
                )
            })
            .collect();
        sales.sort();
        let c: String = customers.into_iter().map(|(_, l)| l).collect();
        let s: String = sales.into_iter().map(|(_, l)| l).collect();
        [
            format!("\u{feff}customer_id,name,phone,family_id,tags,created_on\n{c}"),
            format!(
                "\u{feff}sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id\n{s}"
            ),
        ]
    }
}

fn parse(kind: Kind, text: &str) -> ParsedFile {
    let source = Source {
        path: PathBuf::from(kind.file_name()),
        kind,
    };
    let parsed = parse_source(&source, text.as_bytes()).expect("the file is well-formed");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed
}

fn export(store: &Store, kind: Kind) -> String {
    let reader = store.reader().unwrap();
    let (bytes, _) = write_kind(&reader, kind, Vec::new()).unwrap();
    String::from_utf8(bytes).unwrap()
}

fn run_import(store: &Store, import: &Import) -> Result<Counts, ()> {
    let files = vec![
        parse(
            Kind::Customer,
            &csv_of(
                "customer_id,name,phone,family_id,tags,created_on",
                &import.customers,
                customer_row,
            ),
        ),
        parse(
            Kind::Sale,
            &csv_of(
                "sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id",
                &import.sales,
                sale_row,
            ),
        ),
    ];
    let options = ImportOptions {
        amend: import.amend,
        dry_run: false,
        at: "2026-01-01 00:00:00".into(),
    };
    match store.import(&files, &options, &|_, _| {}) {
        Ok(outcome) => {
            let get = |kind: Kind| {
                let c = outcome.counts.iter().find(|c| c.kind() == kind);
                let w = outcome.within.iter().find(|w| w.kind_code == kind.code());
                let (c, w) = (
                    c.copied().unwrap_or_default(),
                    w.copied().unwrap_or_default(),
                );
                (
                    c.added,
                    c.amended,
                    c.voided,
                    c.unchanged,
                    w.superseded,
                    w.withdrawn,
                )
            };
            Ok([get(Kind::Customer), get(Kind::Sale)])
        }
        Err(ImportFailure::Rejected(_)) => Err(()),
        Err(other) => panic!("import failure: {other:?}"),
    }
}

fn row_op<V: std::fmt::Debug + Clone + 'static>(
    value: impl Strategy<Value = V> + 'static,
) -> impl Strategy<Value = RowOp<V>> {
    prop_oneof![
        4 => (0u8..12, value).prop_map(|(id, v)| RowOp::Add(id, v)),
        1 => (0u8..12).prop_map(RowOp::Void),
    ]
}

fn import_strategy() -> impl Strategy<Value = Import> {
    let customer = (0u8..3, any::<bool>());
    let sale = (
        0u8..12,
        prop_oneof![Just(38_000u32), Just(19_137_050), 1u32..1_000_000],
        proptest::option::of(0u8..12),
    );
    (
        proptest::collection::vec(row_op(customer), 0..10),
        proptest::collection::vec(row_op(sale), 0..8),
        proptest::bool::weighted(0.5),
    )
        .prop_map(|(customers, mut sales, amend)| {
            // A customer cannot refer themself (a parse error, not what this test is about).
            for op in &mut sales {
                if let RowOp::Add(_, (customer, _, referrer)) = op
                    && *referrer == Some(*customer)
                {
                    *referrer = None;
                }
            }
            Import {
                customers,
                sales,
                amend,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn imports_match_the_naive_model(imports in proptest::collection::vec(import_strategy(), 1..7)) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_or_create(&dir.path().join("s.redb")).unwrap();
        // Recent layers folded as soon as they hold two keys and an eighth of the table.
        store.fold_recent_past(1);
        let mut model = Model::default();
        for import in &imports {
            let expected = model.apply(import);
            let got = run_import(&store, import);
            prop_assert_eq!(got.ok(), expected, "import {:?}", import);
            let [c, s] = model.export();
            prop_assert_eq!(export(&store, Kind::Customer), c);
            prop_assert_eq!(export(&store, Kind::Sale), s);
        }
        // Round trip: the export, imported into an empty store, exports identically.
        let exported = [export(&store, Kind::Customer), export(&store, Kind::Sale)];
        let fresh = Store::open_or_create(&dir.path().join("fresh.redb")).unwrap();
        let files = vec![parse(Kind::Customer, &exported[0]), parse(Kind::Sale, &exported[1])];
        fresh.import(&files, &ImportOptions::default(), &|_, _| {}).map_err(|_| "round trip rejected").unwrap();
        prop_assert_eq!(export(&fresh, Kind::Customer), exported[0].clone());
        prop_assert_eq!(export(&fresh, Kind::Sale), exported[1].clone());
    }
}
