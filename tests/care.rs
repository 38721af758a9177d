//! The work lists under DOMAIN.md section 14: care tasks on the daily list with the tier,
//! the most valuable customers first; no entry for a customer without consent; a lost
//! episode declared lost leaves the lost list and its recovery task is not offered again.

use crate::fixture;
use crate::util::Dir;

/// The rows of `tasks --format csv` as "kind customer due_at", columns found by the header.
fn task_ids(csv: &str) -> Vec<String> {
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let kind = header.iter().position(|h| *h == "kind").unwrap();
    let customer = header.iter().position(|h| *h == "customer_id").unwrap();
    let due = header.iter().position(|h| *h == "due_at").unwrap();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{} {} {}", cells[kind], cells[customer], cells[due])
        })
        .collect()
}

#[test]
fn a_customer_without_consent_is_on_no_work_list() {
    let args = [
        "tasks",
        "--as-of",
        "2025-03-10",
        "--ahead",
        "3",
        "--format",
        "csv",
    ];
    // Before the withdrawal (the fixture's first import only): both VIPs' care of March,
    // and CW's open delivery call; all VIPs, so by due time.
    let dir = Dir::new();
    let first = fixture::fixture_dir("care", "consent_withdrawn").join("1");
    dir.ok(&["import", first.to_str().unwrap()]);
    assert_eq!(
        task_ids(&dir.ok(&args)),
        [
            "delivery_call_2 CW 2025-03-13 10:00:00",
            "tier_care CK 2025-04-01 00:00:00",
            "tier_care CW 2025-04-01 00:00:00",
        ]
    );
    // After it: nothing of CW's, not even the delivery call, which the visits report still
    // counts (fixtures/care/consent_withdrawn).
    let dir = fixture::imported("care", "consent_withdrawn");
    assert_eq!(
        task_ids(&dir.ok(&args)),
        ["tier_care CK 2025-04-01 00:00:00"]
    );
}

#[test]
fn the_work_list_puts_the_most_valuable_customers_first() {
    let dir = Dir::new();
    dir.write(
        "in/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on\n\
         G1,甲,13800000001,,,2024-01-01\n\
         V1,乙,13800000002,,suggestion_adopted,2024-01-01\n\
         S1,丙,13800000003,,influential,2024-01-01\n",
    );
    dir.write(
        "in/sales.csv",
        "sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id\n\
         SG,G1,,2025-03-10 09:00,,100000.00,\n",
    );
    dir.ok(&["import", dir.join("in").to_str().unwrap()]);
    // 2025-03-11 (a Tuesday): the general customer's delivery tasks are due first by time,
    // but the super VIP's week (2025-W11, 03-10 … 03-16) and the VIP's month come first.
    let csv = dir.ok(&["tasks", "--as-of", "2025-03-11", "--format", "csv"]);
    assert_eq!(
        task_ids(&csv),
        [
            "tier_care S1 2025-03-17 00:00:00",
            "tier_care V1 2025-04-01 00:00:00",
            "delivery_call_1 G1 2025-03-11 09:00:00",
            "thank_you_letter G1 2025-03-11 09:00:00",
        ]
    );
    assert!(
        csv.contains(",ahead,super_vip,tier_care,customer_care,S1,"),
        "{csv}"
    );
    assert!(
        csv.contains(",due,general,delivery_call_1,sales,G1,"),
        "{csv}"
    );
    // `--kind` takes the care kinds too.
    let care = dir.ok(&[
        "tasks",
        "--as-of",
        "2025-03-11",
        "--kind",
        "tier_care",
        "--format",
        "csv",
    ]);
    assert_eq!(task_ids(&care).len(), 2);
}

#[test]
fn declared_lost_leaves_the_lost_list_and_the_recovery_task() {
    let dir = Dir::new();
    dir.write(
        "in/staff.csv",
        "staff_id,name,department,role,active_from,active_to\nKF001,李静,customer_care,agent,2021-08-02,\n",
    );
    dir.write(
        "in/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on\nCX,谢军,13800000261,,,2023-01-01\n",
    );
    // One visit on 2023-10-01: lost on 2024-03-29, its recovery task due 2024-04-28.
    dir.write(
        "in/service_orders.csv",
        "order_id,customer_id,vin,opened_at,closed_at,revenue,advisor_id,followup_consent\n\
         RX1,CX,,2023-10-01 10:00,,500.00,,\n",
    );
    // A refusal before lost_on does not count; the second one within the episode (04-05)
    // declares it lost.
    dir.write(
        "in/contacts.csv",
        "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note,reason\n\
         X0,CX,2024-03-28 10:00,phone,KF001,churn_recovery,refused,,\n\
         X1,CX,2024-04-02 10:00,phone,KF001,churn_recovery,refused,,poor_service\n\
         X2,CX,2024-04-05 10:00,phone,KF001,churn_recovery,refused,,\n",
    );
    dir.ok(&["import", dir.join("in").to_str().unwrap()]);
    let tasks = |day: &str| {
        task_ids(&dir.ok(&["tasks", "--as-of", day, "--ahead", "30", "--format", "csv"]))
    };
    assert_eq!(
        tasks("2024-04-04"),
        ["churn_recovery CX 2024-04-28 00:00:00"]
    );
    assert!(tasks("2024-04-05").is_empty());
    let lost = |day: &str| dir.ok(&["lost", "--as-of", day, "--format", "csv"]);
    assert!(
        lost("2024-04-04").contains("\nCX,"),
        "{}",
        lost("2024-04-04")
    );
    assert!(
        !lost("2024-04-05").contains("\nCX,"),
        "{}",
        lost("2024-04-05")
    );
    // The churn report counts it in April, and the reason of the latest attempt giving one.
    let churn: serde_json::Value =
        serde_json::from_str(&dir.ok(&["report", "churn", "--month", "2024-04"])).unwrap();
    assert_eq!(churn["declared_lost"], 1);
    assert_eq!(
        churn["reasons"],
        serde_json::json!([{"reason": "poor_service", "episodes": 1}])
    );
    assert_eq!(
        churn["lost_at_end"], 1,
        "still lost: the figure is unchanged"
    );

    // How far the data reaches (the latest record: X2, 2024-04-05 10:00), in the Markdown:
    // April's churn can still change within the 48 h visits grace, its care until the
    // month's end (no care grace); March's care is settled.
    let md = |args: &[&str]| dir.ok(&[&["--lang", "en"][..], args, &["--format", "md"]].concat());
    assert!(
        md(&["report", "churn", "--month", "2024-04"]).contains(
            "*Data through 2024-04-05. Not final: attempts up to 2024-05-03 00:00:00 (48 h grace after the period) may still change these figures.*"
        )
    );
    assert!(
        md(&["report", "care", "--month", "2024-04"]).contains(
            "*Data through 2024-04-05. Not final: contacts up to the period's end (2024-05-01 00:00:00) may still change these figures.*"
        )
    );
    assert!(md(&["report", "care", "--month", "2024-03"]).contains("*Data through 2024-04-05.*\n"));
    assert!(
        md(&["report", "care", "--month", "2024-06"])
            .contains("*Data through 2024-04-05: this period lies beyond the data.*")
    );
}
