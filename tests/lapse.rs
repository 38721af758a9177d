//! `careledger lapse` and `lost --rank risk` (issue 17) on a generated store: the list is the
//! customers not lost yet, with consent, most revenue at risk first; each customer's figures
//! follow from the printed parameters and their visits by the paper's formulas (worked
//! again here, independently of the program's code); the output is the same bytes at one
//! thread and at two.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::util::Dir;

/// 400 customers over 24 months (with the generator's two years of history before them).
fn store() -> Dir {
    let d = Dir::new();
    d.ok(&[
        "gen",
        "--customers",
        "400",
        "--months",
        "24",
        "--start",
        "2024-01",
        "--out",
        "data",
    ]);
    d.ok(&["import", "data"]);
    d
}

fn lapse_json(d: &Dir, threads: &str) -> String {
    let out = d
        .cmd()
        .env("RAYON_NUM_THREADS", threads)
        .args(["lapse", "--as-of", "2025-12-31", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn days(date: &str) -> i64 {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    d.signed_duration_since(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap())
        .num_days()
}

fn fen(text: &str) -> i64 {
    let (yuan, cents) = text.split_once('.').unwrap();
    let sign = if yuan.starts_with('-') { -1 } else { 1 };
    sign * (yuan.trim_start_matches('-').parse::<i64>().unwrap() * 100
        + cents.parse::<i64>().unwrap())
}

#[test]
fn the_lapse_list_follows_the_papers_formulas_and_is_the_same_at_any_thread_count() {
    let d = store();
    let one = lapse_json(&d, "1");
    assert_eq!(one, lapse_json(&d, "2"), "1 and 2 threads differ");
    let r: Value = serde_json::from_str(&one).unwrap();
    let customers = r["customers"].as_array().unwrap();
    assert!(customers.len() > 20, "{one}");
    let (pr, alpha, a, b) = (
        r["bgnbd"]["r"].as_f64().unwrap(),
        r["bgnbd"]["alpha"].as_f64().unwrap(),
        r["bgnbd"]["a"].as_f64().unwrap(),
        r["bgnbd"]["b"].as_f64().unwrap(),
    );
    assert!(pr > 0.0 && alpha > 0.0 && a > 0.0 && b > 0.0, "{one}");
    // Fitted within the bounds (e^±8): this small store's dropout runs to the bound.
    let bound = 8f64.exp() * (1.0 + 1e-9);
    assert!([pr, alpha, a, b].iter().all(|p| *p <= bound), "{one}");

    // Ordered by revenue at risk, then id; the total is the listed customers' sum; nobody's
    // risk exceeds their expected revenue.
    let risk: Vec<i64> = customers
        .iter()
        .map(|c| fen(c["revenue_at_risk"].as_str().unwrap()))
        .collect();
    assert!(risk.windows(2).all(|w| w[0] >= w[1]), "not ranked by risk");
    assert_eq!(
        risk.iter().sum::<i64>(),
        fen(r["revenue_at_risk"].as_str().unwrap())
    );
    for c in customers {
        let expected = fen(c["expected_revenue"].as_str().unwrap());
        let at_risk = fen(c["revenue_at_risk"].as_str().unwrap());
        assert!(0 <= at_risk && at_risk <= expected, "{c}");
    }

    // P(alive) from the printed parameters and the customer's own visits (eq. 15 of Fader,
    // Hardie & Lee 2005): x repeat visits, t_x and T in weeks, T to the end of the as-of day.
    for c in customers.iter().take(40) {
        let visits = c["visits"].as_u64().unwrap();
        let x = (visits - 1) as f64;
        let first = days(c["first_visit"].as_str().unwrap());
        let last = days(c["last_visit"].as_str().unwrap());
        let t_x = (last - first) as f64 / 7.0;
        let age = (days("2025-12-31") + 1 - first) as f64 / 7.0;
        let p = if visits == 1 {
            1.0
        } else {
            1.0 / (1.0 + a / (b + x - 1.0) * ((alpha + age) / (alpha + t_x)).powf(pr + x))
        };
        let shown: f64 = c["p_alive"].as_str().unwrap().parse().unwrap();
        assert!((p - shown).abs() < 2e-4, "{c}: P(alive) {p} by hand");
    }

    // No lost customer is on it (they are the lost list's), and the lost list ranked by risk
    // holds the same customers as ranked by value.
    let lost: Value =
        serde_json::from_str(&d.ok(&["lost", "--as-of", "2025-12-31", "--format", "json"]))
            .unwrap();
    let lost_ids: BTreeSet<&str> = lost
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["customer_id"].as_str().unwrap())
        .collect();
    assert!(!lost_ids.is_empty());
    assert!(
        customers
            .iter()
            .all(|c| !lost_ids.contains(c["customer_id"].as_str().unwrap()))
    );
    let by_risk: Value = serde_json::from_str(&d.ok(&[
        "lost",
        "--as-of",
        "2025-12-31",
        "--rank",
        "risk",
        "--format",
        "json",
    ]))
    .unwrap();
    let risk_ids: BTreeSet<&str> = by_risk
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["customer_id"].as_str().unwrap())
        .collect();
    assert_eq!(lost_ids, risk_ids);
}

#[test]
fn the_lapse_table_speaks_the_language_and_masks_phones() {
    let d = store();
    let zh = d.ok(&[
        "--lang",
        "zh",
        "lapse",
        "--as-of",
        "2025-12-31",
        "--top",
        "5",
    ]);
    assert!(zh.starts_with("截至 2025-12-31 的流失预警："), "{zh}");
    assert!(
        zh.contains("留出检验：以 2025-06-30 及以前的到店记录拟合"),
        "{zh}"
    );
    assert!(zh.contains("| 2025-12-31 |"), "{zh}");
    assert!(zh.contains("风险维修产值最高的 5 位："), "{zh}");
    let en = d.ok(&[
        "--lang",
        "en",
        "lapse",
        "--as-of",
        "2025-12-31",
        "--top",
        "5",
    ]);
    assert!(en.starts_with("about to lapse as of 2025-12-31: "), "{en}");
    assert!(en.contains("\ncustomer_id  name"), "{en}");
    // Phones are masked unless asked: a masked phone has four stars.
    let csv = d.ok(&["lapse", "--as-of", "2025-12-31", "--format", "csv"]);
    assert!(
        csv.starts_with("\u{feff}customer_id,name,phone,tier,"),
        "{csv}"
    );
    let phones: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .filter(|p| !p.is_empty())
        .collect();
    assert!(
        !phones.is_empty() && phones.iter().all(|p| p.contains("****")),
        "{csv}"
    );
}

#[test]
fn a_store_without_service_visits_is_told_why_there_is_no_model() {
    let d = Dir::new();
    d.write(
        "customers.csv",
        "customer_id,name,phone,created_on\nC1,王芳,13800000001,2024-01-05\n",
    );
    d.ok(&["import", "customers.csv"]);
    let err = d.fails(&["lapse", "--as-of", "2024-06-30"]);
    assert!(err.contains("the lapse model could not be fitted"), "{err}");
}
