//! A fuzz target run in CI for a bounded number of cases: the base dataset's CSV bytes are
//! mutated (bytes flipped, inserted and deleted; quotes, commas, line breaks, stray high bytes
//! and BOMs injected; lines duplicated and dropped) and imported with the real binary into a
//! store holding the base dataset. Whatever the bytes, careledger exits 0 or 2, never panics,
//! and a rejected import leaves the store file byte-for-byte unchanged.
//!
//! `CARELEDGER_FUZZ_CASES=N` runs more cases (CI runs the default, 160: about 4 s).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::util::{BASE, Dir};

/// One mutation of a file's bytes.
#[derive(Clone, Debug)]
enum Mutation {
    Flip { at: usize, byte: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
    DuplicateLine { line: usize },
    DropLine { line: usize },
}

/// Bytes that break CSV and decoding in interesting ways.
fn nasty() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\"\"".to_vec()),
        Just(vec![0xFF]),
        Just(vec![0xC4]),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(vec![0x1B, b'[', b'3', b'1', b'm']),
        Just("\u{202E}".as_bytes().to_vec()),
        Just(b"=1+2".to_vec()),
        Just(b"void".to_vec()),
        Just(b"99999999999999".to_vec()),
        Just(b"2024/2/30 9:05".to_vec()),
        proptest::collection::vec(any::<u8>(), 1..6),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        (any::<usize>(), nasty()).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1usize..8).prop_map(|(at, len)| Mutation::Delete { at, len }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        any::<usize>().prop_map(|line| Mutation::DropLine { line }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    match m {
        Mutation::Flip { at, byte } => {
            if !bytes.is_empty() {
                bytes[at % n] = *byte;
            }
        }
        Mutation::Insert { at, bytes: b } => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, b.iter().copied());
        }
        Mutation::Delete { at, len } => {
            let at = at % n;
            let end = (at + len).min(bytes.len());
            bytes.drain(at.min(end)..end);
        }
        Mutation::DuplicateLine { line } | Mutation::DropLine { line } => {
            let mut lines: Vec<Vec<u8>> = bytes
                .split_inclusive(|&b| b == b'\n')
                .map(<[u8]>::to_vec)
                .collect();
            if lines.is_empty() {
                return;
            }
            let i = line % lines.len();
            if matches!(m, Mutation::DuplicateLine { .. }) {
                let copy = lines[i].clone();
                lines.insert(i + 1, copy);
            } else {
                lines.remove(i);
            }
            *bytes = lines.concat();
        }
    }
}

/// Extra rows so that mutations meet amendments, voids and references, not only the header.
fn more_rows(name: &str) -> &'static str {
    match name {
        "customers.csv" => {
            "C00020,周敏,13700000000,F0007,,2024-01-02\nC00021,吴昊,,,vip_like,2024/1/3\n"
        }
        "sales.csv" => "S000002,C00020,,2024-02-01 09:00,XS003,1000.00,C00011\n",
        "contacts.csv" => {
            "A0000002,C00020,2024-02-02 09:00,phone,XS003,delivery_call_1,reached,\"好, 很好\"\n"
        }
        _ => "",
    }
}

#[test]
fn mutated_csv_never_panics_and_a_rejected_import_changes_nothing() {
    let d = Dir::new();
    d.with_base();
    let pristine = std::fs::read(d.db()).unwrap();
    let cases = std::env::var("CARELEDGER_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(160);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        0..BASE.len(),
        proptest::collection::vec(mutation(), 1..5),
        any::<bool>(),
    );
    runner
        .run(&strategy, |(file, mutations, amend)| {
            std::fs::write(d.db(), &pristine).unwrap();
            let (name, text) = BASE[file];
            let mut bytes = format!("{text}{}", more_rows(name)).into_bytes();
            for m in &mutations {
                apply(&mut bytes, m);
            }
            let _ = std::fs::remove_dir_all(d.join("fuzz"));
            d.write(&format!("fuzz/{name}"), &bytes);
            // The other files of the base, unchanged, so that references can resolve.
            for (other, text) in BASE.iter().filter(|(n, _)| *n != name) {
                d.write(
                    &format!("fuzz/{other}"),
                    format!("{text}{}", more_rows(other)),
                );
            }
            let mut args = vec!["import", "fuzz"];
            if amend {
                args.push("--amend");
            }
            let out = d.run(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            prop_assert!(!stderr.contains("panicked"), "panic: {}", stderr);
            let code = out.status.code();
            prop_assert!(
                code == Some(0) || code == Some(2),
                "exit {:?} for {:?}:\n{}",
                code,
                mutations,
                stderr
            );
            if code == Some(2) {
                prop_assert!(
                    std::fs::read(d.db()).unwrap() == pristine,
                    "a rejected import changed the store file: {:?}\n{}",
                    mutations,
                    stderr
                );
            }
            Ok(())
        })
        .unwrap();
}
