//! Closing safely (issue 15, item 3): a dry run stores nothing; a month the data does not
//! reach past its grace, or without surveys, is refused unless forced; the latest closed
//! month can be reopened for a reason, which is kept, and closing it again stores a new
//! version while the first stays readable; `closes` and `stats` list the history.
//!
//! The data is fixtures/close (worked by hand in its README): March 2024 pays 200.00
//! (2024-W10, two members, reward), and after `2/` −100.00 (a fine); the latest record is
//! Q3, 2024-04-09 11:00.

use crate::util::Dir;

fn fixture(step: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/close")
        .join(step)
        .display()
        .to_string()
}

fn sha256(text: &str) -> String {
    careledger::store::sha256_hex(text.as_bytes())
}

#[test]
fn close_refuses_unready_months_and_reopen_keeps_every_version() {
    let dir = Dir::new();
    dir.ok(&["import", &fixture("1")]);
    let nothing = "尚无已结账的月份\n";

    // May: no data yet, and no survey in any of its periods.
    let dry = dir.ok(&["close", "--month", "2024-05", "--dry-run"]);
    assert!(
        dry.starts_with("would close 2024-05: total 0.00; 0 lines, 0 people; sha256 "),
        "{dry}"
    );
    assert!(
        dry.contains("warning: the data ends on 2024-04-09, before 2024-05 begins (close would refuse without --force)\n")
            && dry.contains("warning: no survey counts in any period of 2024-05: the statement is empty (close would refuse without --force)\n")
            && dry.ends_with("nothing stored (--dry-run); check the data before closing\n"),
        "{dry}"
    );
    let refused = dir.fails(&["close", "--month", "2024-05"]);
    assert!(
        refused.contains("2024-05 was not closed: the data ends on 2024-04-09, before 2024-05 begins; no survey counts in any period of 2024-05: the statement is empty; check the data, or close it anyway with --force"),
        "{refused}"
    );
    // April ends 04-30; with the 48 h grace its figures settle at 05-03 00:00.
    let refused = dir.fails(&["close", "--month", "2024-04"]);
    assert!(
        refused.contains("the data reaches only 2024-04-09 11:00:00, and the figures of 2024-04 can change until 2024-05-03 00:00:00 (its end plus the 48 h grace)"),
        "{refused}"
    );
    assert_eq!(dir.ok(&["--lang", "zh", "closes"]), nothing);

    // March is ready: the dry run shows the hash close will store, and stores nothing.
    let march_v1 = dir.ok(&["report", "payouts", "--month", "2024-03"]);
    let dry = dir.ok(&["close", "--month", "2024-03", "--dry-run"]);
    assert_eq!(
        dry,
        format!(
            "would close 2024-03: total 200.00; 1 line, 2 people; sha256 {}\nnothing stored (--dry-run)\n",
            sha256(&march_v1)
        )
    );
    assert_eq!(dir.ok(&["--lang", "zh", "closes"]), nothing);
    assert_eq!(
        dir.ok(&["close", "--month", "2024-03"]),
        format!(
            "closed 2024-03: total 200.00; sha256 {}\n",
            sha256(&march_v1)
        )
    );

    // Reopening: only a closed month, only the latest, and only for a reason.
    assert!(
        dir.fails(&["reopen", "--month", "2024-02", "--reason", "x"])
            .contains("2024-02 is not closed; only a closed month can be reopened")
    );
    assert!(
        dir.fails(&["reopen", "--month", "2024-03", "--reason", " "])
            .contains("--reason is empty")
    );

    // Q2 was mistyped: March is reopened, recomputed, and closed again as version 2.
    dir.ok(&["import", "--amend", &fixture("2")]);
    let reopened = dir.ok(&["reopen", "--month", "2024-03", "--reason", "Q2 录入错误"]);
    assert!(reopened.starts_with("reopened 2024-03 (its statement version 1 stays readable"));
    let march_v2 = dir.ok(&["report", "payouts", "--month", "2024-03"]);
    let now: serde_json::Value = serde_json::from_str(&march_v2).unwrap();
    assert_eq!(now["total"], "-100.00");
    assert!(now.get("closed").is_none(), "an open month: {now}");
    assert_eq!(
        dir.ok(&["close", "--month", "2024-03"]),
        format!(
            "closed 2024-03 (version 2): total -100.00; sha256 {}\n",
            sha256(&march_v2)
        )
    );
    // Both versions read back byte for byte.
    assert_eq!(
        dir.ok(&["closes", "--month", "2024-03", "--version", "1"]),
        march_v1
    );
    assert_eq!(
        dir.ok(&["closes", "--month", "2024-03", "--version", "2"]),
        march_v2
    );
    assert!(
        dir.fails(&["closes", "--month", "2024-03", "--version", "3"])
            .contains("2024-03 has no closed statement version 3")
    );
    let zh = dir.ok(&["--lang", "zh", "closes"]);
    let zh: Vec<&str> = zh.lines().collect();
    assert_eq!(zh[0], "2024-03 已结账（第 2 版）");
    assert!(zh[2].ends_with("  重新打开  原因：Q2 录入错误"), "{zh:?}");
    let history = dir.ok(&["--lang", "en", "closes"]);
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 4, "{history}");
    assert_eq!(lines[0], "2024-03 closed (version 2)");
    assert!(lines[1].ends_with(&format!(
        "  closed   version 1  sha256 {}",
        sha256(&march_v1)
    )));
    assert!(
        lines[2].ends_with("  reopened  reason: Q2 录入错误"),
        "{history}"
    );
    assert!(lines[3].ends_with(&format!(
        "  closed   version 2  sha256 {}",
        sha256(&march_v2)
    )));

    // Once April is closed (forced: the data ends early), March is no longer the latest.
    dir.ok(&["close", "--month", "2024-04", "--force"]);
    assert!(
        dir.fails(&["reopen", "--month", "2024-03", "--reason", "again"])
            .contains("2024-03 is not the latest closed month (2024-04 is)")
    );
    let stats = dir.ok(&["--lang", "en", "stats"]);
    assert!(
        stats.contains("closed months:\n2024-03 closed (version 2)\n")
            && stats.contains("\n2024-04 closed (version 1)\n"),
        "{stats}"
    );
    dir.ok(&["verify"]);

    // A backup keeps every version and event: restored, the history reads the same.
    let backup = dir.join("b.redb");
    let restored = dir.join("r.redb");
    dir.ok(&["backup", backup.to_str().unwrap()]);
    let on_restored = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("careledger")
            .unwrap()
            .env_remove("CARELEDGER_DB")
            // English, as `Dir::ok` reads.
            .env("CARELEDGER_LANG", "en")
            .arg("--db")
            .arg(&restored)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    on_restored(&["restore", backup.to_str().unwrap()]);
    assert_eq!(on_restored(&["closes"]), dir.ok(&["closes"]));
    assert_eq!(
        on_restored(&["closes", "--month", "2024-03", "--version", "1"]),
        march_v1
    );
}
