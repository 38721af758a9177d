//! Proves the work list (`tasks`) read from the kept facts lists exactly what a derivation
//! from scratch lists: on generated stores, week after week, with look-aheads and filters,
//! under the default rules and under rules with care grace spanning periods; for a recovery
//! task open on the date but withdrawn later (worked by hand); and in the same bytes at one
//! and two threads.

use std::collections::BTreeSet;

use careledger::kpi::worklist::{WorkFilter, WorkItem, open_tasks, open_tasks_from_scratch};
use careledger::model::Purpose;
use careledger::rules::Rules;
use careledger::{Day, Store};

use crate::util::Dir;

/// A generated store of `customers` customers (2024-01 to 2025-12), imported (so its facts
/// are kept) under the rules of `rules_toml` when given.
fn generated(customers: u64, rules_toml: Option<&str>) -> (Dir, Rules) {
    let dir = Dir::new();
    let data = dir.join("data");
    careledger::generator::generate(
        &careledger::generator::GenConfig {
            customers,
            ..Default::default()
        },
        crate::util::to_files(&data),
    )
    .unwrap();
    let rules = match rules_toml {
        Some(text) => {
            let path = dir.write("rules.toml", text);
            dir.ok(&[
                "--rules",
                path.to_str().unwrap(),
                "import",
                data.to_str().unwrap(),
            ]);
            Rules::from_toml("rules.toml", text).unwrap()
        }
        None => {
            dir.ok(&["import", data.to_str().unwrap()]);
            Rules::default()
        }
    };
    (dir, rules)
}

fn day(text: &str) -> Day {
    Day::parse(text).unwrap()
}

/// Lists with both ways and asserts them equal; returns the list.
fn same_both_ways(
    reader: &careledger::Reader,
    rules: &Rules,
    as_of: Day,
    filter: &WorkFilter,
) -> Vec<WorkItem> {
    let facts = open_tasks(reader, rules, as_of, filter).unwrap();
    let scratch = open_tasks_from_scratch(reader, rules, as_of, filter).unwrap();
    assert_eq!(
        facts, scratch,
        "the work list of {as_of} with {filter:?} differs between the kept facts and a derivation from scratch"
    );
    facts
}

/// What the comparisons covered: kinds and statuses listed, across every date.
#[derive(Default)]
struct Seen {
    kinds: BTreeSet<String>,
    statuses: BTreeSet<&'static str>,
    /// (kind, status) pairs.
    pairs: BTreeSet<(String, &'static str)>,
    items: usize,
}

impl Seen {
    fn add(&mut self, list: &[WorkItem]) {
        self.items += list.len();
        for item in list {
            self.kinds.insert(item.kind.clone());
            self.statuses.insert(item.status);
            self.pairs.insert((item.kind.clone(), item.status));
        }
    }
}

/// Compares both ways on every `step`-th day from `first` to `last`: the plain list every
/// time, and on every fourth date look-aheads and filters by kind, department and staff.
fn compare_dates(
    reader: &careledger::Reader,
    rules: &Rules,
    first: Day,
    last: Day,
    step: i32,
) -> Seen {
    assert!(careledger::facts::current(reader, rules).unwrap());
    let mut seen = Seen::default();
    let mut date = first;
    let mut n = 0;
    while date <= last {
        let plain = same_both_ways(reader, rules, date, &WorkFilter::default());
        seen.add(&plain);
        if n % 4 == 0 {
            for ahead_days in [3, 40] {
                let filter = WorkFilter {
                    ahead_days,
                    ..WorkFilter::default()
                };
                let list = same_both_ways(reader, rules, date, &filter);
                seen.add(&list);
                // Every owner listed, and one who owns nothing.
                let owners: BTreeSet<String> = list
                    .iter()
                    .map(|i| i.owner.clone())
                    .filter(|o| !o.is_empty())
                    .chain(["NOBODY".to_owned()])
                    .collect();
                for staff in owners {
                    let filter = WorkFilter {
                        staff: Some(staff),
                        ahead_days,
                        ..WorkFilter::default()
                    };
                    same_both_ways(reader, rules, date, &filter);
                }
            }
            for kind in Purpose::ALL {
                let filter = WorkFilter {
                    kind: Some(*kind),
                    ahead_days: 10,
                    ..WorkFilter::default()
                };
                same_both_ways(reader, rules, date, &filter);
            }
            for department in ["sales", "customer_care", "after_sales"] {
                let filter = WorkFilter {
                    department: Some(department.to_owned()),
                    ahead_days: 10,
                    ..WorkFilter::default()
                };
                same_both_ways(reader, rules, date, &filter);
            }
        }
        date = Day(date.0 + step);
        n += 1;
    }
    seen
}

/// Every kind of task was listed, in every status, across the dates: the comparison is not
/// of empty lists.
fn assert_covered(seen: &Seen) {
    for kind in [
        "delivery_call_1",
        "thank_you_letter",
        "delivery_call_2",
        "delivery_call_3",
        "service_followup",
        "churn_recovery",
        "insurance_renewal",
        "tier_care",
    ] {
        assert!(seen.kinds.contains(kind), "no {kind} task listed");
    }
    assert_eq!(
        seen.statuses,
        BTreeSet::from(["ahead", "due", "overdue"]),
        "statuses listed"
    );
    assert!(seen.items > 500, "{} items listed", seen.items);
}

#[test]
fn the_kept_facts_list_what_a_derivation_from_scratch_lists_week_after_week() {
    let (dir, rules) = generated(200, None);
    let reader = Store::open_reader(&dir.db()).unwrap();
    // Every week of the second generated year (Mondays), and every fifth week of both from
    // a Thursday (month starts fall on both).
    let mut seen = compare_dates(&reader, &rules, day("2025-01-06"), day("2025-12-31"), 7);
    let thursdays = compare_dates(&reader, &rules, day("2024-02-01"), day("2025-12-31"), 35);
    seen.kinds.extend(thursdays.kinds);
    seen.statuses.extend(thursdays.statuses);
    seen.items += thursdays.items;
    assert_covered(&seen);
}

/// Under a care grace of 80 hours a week's tier_care task is open until the Wednesday after
/// it, and a month's until the 3rd of the next: the tiers of the month ends before those
/// periods decide whom to derive (month starts, Mondays to Wednesdays). Return-visit tasks
/// close 12 hours after their due time, and the recovery task is due after 10 days.
#[test]
fn the_kept_facts_list_the_same_under_a_care_grace_spanning_periods() {
    let toml = "[visits]\ngrace_hours = 12\n[visits.tasks.churn_recovery]\ndue_hours = 240\n[care]\ngrace_hours = 80\n[care.tier_care]\nsuper_vip = \"week\"\nvip = \"month\"\ngeneral = \"off\"\n";
    let (dir, rules) = generated(200, Some(toml));
    assert_eq!(rules.care.grace_hours, 80);
    let reader = Store::open_reader(&dir.db()).unwrap();
    let mut seen = Seen::default();
    for month in 1..=12 {
        for d in [1, 3, 4] {
            let date = day(&format!("2025-{month:02}-{d:02}"));
            seen.add(&same_both_ways(
                &reader,
                &rules,
                date,
                &WorkFilter::default(),
            ));
            let care = WorkFilter {
                kind: Some(Purpose::Care),
                ..WorkFilter::default()
            };
            same_both_ways(&reader, &rules, date, &care);
        }
    }
    // A tier_care task of an ended period is listed (as overdue) on a day of the grace.
    assert!(
        seen.pairs.contains(&("tier_care".to_owned(), "overdue")),
        "{:?}",
        seen.pairs
    );
}

/// General customers cared for yearly: every customer may have a care task.
#[test]
fn the_kept_facts_list_the_same_when_every_tier_is_cared_for() {
    let toml = "[care]\ngrace_hours = 24\n[care.tier_care]\ngeneral = \"year\"\n";
    let (dir, rules) = generated(100, Some(toml));
    let reader = Store::open_reader(&dir.db()).unwrap();
    let seen = compare_dates(&reader, &rules, day("2024-01-01"), day("2025-12-31"), 61);
    assert!(seen.items > 50, "{} items listed", seen.items);
}

/// Worked by hand (default rules: lapse 180 days, a recovery task due 30 days after the
/// customer is lost, grace 48 h). C1's only visit is a sale delivered 2024-01-01, so C1 is
/// lost on 2024-01-01 + 180 days = 2024-06-29 and the task churn_recovery:C1@2024-06-29 is
/// due 2024-07-29 00:00, closing 2024-07-31 00:00. C1 comes back on 2024-07-10 (a service
/// order) before anyone calls: the task is withdrawn (returned by its due date, nothing
/// credited), so the kept facts hold no such task. As of 2024-07-05, knowing only what was
/// recorded by then, C1 has not come back: the task is open, due 24 days later, and listed
/// with `--ahead 24` (not with 23). As of 2024-07-10 the return is known: nothing.
#[test]
fn a_recovery_task_open_on_the_date_and_withdrawn_later_is_listed() {
    let dir = Dir::new();
    dir.write(
        "d/customers.csv",
        "customer_id,name,phone,family_id,tags,created_on\nC1,王芳,13812341234,,,2023-06-01\n",
    );
    dir.write(
        "d/sales.csv",
        "sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id\nS1,C1,,2024-01-01 10:00,,150000.00,\n",
    );
    dir.write(
        "d/service_orders.csv",
        "order_id,customer_id,vin,opened_at,closed_at,revenue,advisor_id,followup_consent\nR1,C1,,2024-07-10 09:00,,300.00,,\n",
    );
    // A thank-you letter sent and every delivery call reached: no sale task stays open.
    dir.write(
        "d/contacts.csv",
        "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note\nA1,C1,2024-01-01 12:00,letter,,thank_you_letter,sent,\nA2,C1,2024-01-01 13:00,phone,,delivery_call_1,reached,\nA3,C1,2024-01-02 13:00,phone,,delivery_call_2,reached,\nA4,C1,2024-01-03 13:00,phone,,delivery_call_3,reached,\n",
    );
    dir.ok(&["import", dir.join("d").to_str().unwrap()]);
    let rules = Rules::default();
    let reader = Store::open_reader(&dir.db()).unwrap();
    assert!(careledger::facts::current(&reader, &rules).unwrap());
    // The kept tasks: the sale's four, and the recovery task of the episode after R1
    // (2024-07-10 + 180 days), not the withdrawn one.
    let mut kept = Vec::new();
    reader
        .for_each_task_fact(i64::MIN, i64::MAX, |t| kept.push(t.id))
        .unwrap();
    kept.sort();
    assert_eq!(
        kept,
        [
            "churn_recovery:C1@2025-01-06",
            "delivery_call_1:S1",
            "delivery_call_2:S1",
            "delivery_call_3:S1",
            "thank_you_letter:S1"
        ]
    );

    let ahead = |days: u32| WorkFilter {
        ahead_days: days,
        ..WorkFilter::default()
    };
    let list = open_tasks(&reader, &rules, day("2024-07-05"), &ahead(24)).unwrap();
    let listed: Vec<(&str, &str, &str, &str, &str)> = list
        .iter()
        .map(|i| {
            (
                i.task_id.as_str(),
                i.status,
                i.due_at.as_str(),
                i.closes_at.as_str(),
                i.customer_id.as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [(
            "churn_recovery:C1@2024-06-29",
            "ahead",
            "2024-07-29 00:00:00",
            "2024-07-31 00:00:00",
            "C1"
        )]
    );
    assert_eq!(list[0].department, "customer_care");
    assert_eq!(
        list,
        open_tasks_from_scratch(&reader, &rules, day("2024-07-05"), &ahead(24)).unwrap()
    );
    assert!(
        open_tasks(&reader, &rules, day("2024-07-05"), &ahead(23))
            .unwrap()
            .is_empty()
    );
    assert!(
        open_tasks(&reader, &rules, day("2024-07-10"), &ahead(30))
            .unwrap()
            .is_empty()
    );

    // The command says the same, read from the facts or derived from scratch.
    let args = [
        "tasks",
        "--as-of",
        "2024-07-05",
        "--ahead",
        "24",
        "--format",
        "csv",
    ];
    let facts = dir.ok(&args);
    assert_eq!(
        facts,
        dir.ok(&[&["--from-scratch"][..], &args[..]].concat())
    );
    assert_eq!(facts.lines().count(), 2, "{facts}");
    assert!(facts.contains("churn_recovery"), "{facts}");
}

/// The command prints the same bytes from the kept facts and from scratch, at one and two
/// threads.
#[test]
fn the_command_prints_the_same_bytes_both_ways_at_one_and_two_threads() {
    let (dir, _) = generated(200, None);
    for args in [
        vec!["tasks", "--as-of", "2025-06-02", "--format", "csv"],
        vec![
            "tasks",
            "--as-of",
            "2025-10-01",
            "--ahead",
            "30",
            "--format",
            "json",
        ],
        vec![
            "tasks",
            "--as-of",
            "2025-12-15",
            "--department",
            "customer_care",
            "--format",
            "csv",
        ],
    ] {
        let run = |threads: &str, scratch: bool| {
            let mut cmd = dir.cmd();
            cmd.env("RAYON_NUM_THREADS", threads);
            if scratch {
                cmd.arg("--from-scratch");
            }
            let out = cmd.args(&args).output().unwrap();
            assert!(out.status.success(), "{args:?}");
            out.stdout
        };
        let one = run("1", false);
        assert!(one.len() > 200, "{args:?} printed almost nothing");
        assert_eq!(one, run("2", false), "{args:?} differs at 2 threads");
        assert_eq!(one, run("1", true), "{args:?} differs from scratch");
        assert_eq!(
            one,
            run("2", true),
            "{args:?} differs from scratch at 2 threads"
        );
    }
}
