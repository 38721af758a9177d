//! Proves the complaint clock and the complaints and actions reports of DOMAIN.md sections 12
//! and 13 on hand-worked months: September and October 2025 under the real National Day
//! (国庆) schedule — 10-01 … 10-08 off, Sunday 09-28 and Saturday 10-11 worked — with the
//! default rules (Monday–Friday 08:30–17:30, 9 h a day; escalation 4.5 h, reply 13.5 h).
//! Every expected figure is worked out in the comments; the full JSON of both months, and
//! October's Markdown in both languages, are asserted byte for byte.

use careledger::derive::complaints::{
    ActionInput, ActionKind, ActionStepInput, ActionStepKind, ComplaintInput, StepInput, StepKind,
    clocks,
};
use careledger::kpi::actions::{actions_report, open_actions};
use careledger::kpi::complaints::{complaints_report, open_complaints};
use careledger::model::{Day, Period, Timestamp};
use careledger::report::to_json;
use careledger::rules::Rules;
use careledger::worktime::WorkCalendar;

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

fn day(text: &str) -> Day {
    Day::parse(text).unwrap()
}

pub fn guoqing_2025(rules: &Rules) -> WorkCalendar {
    let mut overrides: Vec<(Day, bool)> = (1..=8)
        .map(|d| (day(&format!("2025-10-{d:02}")), false))
        .collect();
    overrides.push((day("2025-09-28"), true));
    overrides.push((day("2025-10-11"), true));
    rules.worktime.calendar(overrides).unwrap()
}

fn complaint(
    id: &str,
    raised: &str,
    category: &str,
    department: &str,
    steps: &[(StepKind, &str)],
) -> ComplaintInput {
    ComplaintInput {
        complaint_id: id.into(),
        customer_id: format!("C{}", &id[1..]),
        raised_at: at(raised),
        category: category.into(),
        department: department.into(),
        owner_id: Some("KF001".into()),
        steps: steps
            .iter()
            .map(|(step, t)| StepInput {
                step: *step,
                at: at(t),
                staff_id: None,
            })
            .collect(),
    }
}

/// The complaints of the two months. Due times (worked by hand):
/// - K1 Wed 10-15 09:00: escalation 09:00 + 4.5 h = 13:30; reply 8.5 h on the 15th (to
///   17:30) + 5 h on the 16th = 10-16 13:30. Escalated and replied exactly then: on time, in
///   time. Reply working time 13.5 h = 48 600 s. Resolved 10-17.
/// - K2 same raise, escalated and replied one second after each due time: late both; reply
///   working time 48 601 s. Never resolved.
/// - K3 Fri 10-17 20:00: the clock starts Mon 10-20 08:30; escalation due 13:00 (escalated
///   12:00, on time); reply due 9 h Monday + 4.5 h = Tue 10-21 13:00, replied 15:00 (late);
///   reply working time 9 h + 6.5 h = 15.5 h = 55 800 s. Resolved 10-22, reopened 10-24,
///   resolved again 10-28: resolved at the end of October.
/// - K4 Tue 09-30 16:00, across the holiday: escalation 1.5 h on the 30th + 3 h on Thu 10-09 =
///   10-09 11:30; reply 1.5 h + 9 h (10-09) + 3 h (10-10) = 10-10 11:30. No step: open at the
///   end of September (not overdue: due in October), open and overdue at the end of October.
/// - K5 Thu 10-30 10:00: reply due 7.5 h on the 30th + 6 h = 10-31 14:30. No step: overdue at
///   the end of October.
/// - K6 Fri 10-31 23:00: clock from Mon 11-03 08:30; reply due 11-04; replied 11-03 09:00
///   (0.5 h = 1 800 s, in time). Open, not overdue, at the end of October.
/// - K7 Fri 09-26 17:00, category `parking` (no meaning, its own name): escalation 0.5 h on
///   Friday, Saturday off, 4 h on Sunday 09-28 (worked) = 09-28 12:30, escalated Fri 17:20
///   (on time); reply 0.5 + 9 (Sun) + 4 h = Mon 09-29 12:30, replied 09-29 10:00 (in time):
///   0.5 + 9 + 1.5 h = 11 h = 39 600 s. Resolved 09-30.
/// - K8 Mon 09-29 09:00: reply due 8.5 h + 5 h = 09-30 13:30; replied 09-29 11:00 (2 h =
///   7 200 s); resolved 10-02 (a holiday: resolved all the same), so open at September's end.
/// - K9 Sun 09-28 10:00 (worked): reply due 7.5 h + 6 h = 09-29 14:30; replied and resolved
///   at the same instant 09-28 16:00 (6 h = 21 600 s): replied is taken before resolved, so
///   it is resolved.
fn complaints() -> Vec<ComplaintInput> {
    use StepKind::{Escalated, Reopened, Replied, Resolved};
    vec![
        complaint(
            "K1",
            "2025-10-15 09:00",
            "service_attitude",
            "after_sales",
            &[
                (Escalated, "2025-10-15 13:30:00"),
                (Replied, "2025-10-16 13:30:00"),
                (Resolved, "2025-10-17 10:00"),
            ],
        ),
        complaint(
            "K2",
            "2025-10-15 09:00",
            "information",
            "sales",
            &[
                (Escalated, "2025-10-15 13:30:01"),
                (Replied, "2025-10-16 13:30:01"),
            ],
        ),
        complaint(
            "K3",
            "2025-10-17 20:00",
            "broken_promise",
            "sales",
            &[
                (Escalated, "2025-10-20 12:00"),
                (Replied, "2025-10-21 15:00"),
                (Resolved, "2025-10-22 09:00"),
                (Reopened, "2025-10-24 10:00"),
                (Resolved, "2025-10-28 16:00"),
            ],
        ),
        complaint(
            "K4",
            "2025-09-30 16:00",
            "product_quality",
            "after_sales",
            &[],
        ),
        complaint(
            "K5",
            "2025-10-30 10:00",
            "response_time",
            "customer_care",
            &[],
        ),
        complaint(
            "K6",
            "2025-10-31 23:00",
            "process",
            "sales",
            &[(Replied, "2025-11-03 09:00")],
        ),
        complaint(
            "K7",
            "2025-09-26 17:00",
            "parking",
            "after_sales",
            &[
                (Escalated, "2025-09-26 17:20"),
                (Replied, "2025-09-29 10:00"),
                (Resolved, "2025-09-30 09:00"),
            ],
        ),
        complaint(
            "K8",
            "2025-09-29 09:00",
            "service_attitude",
            "sales",
            &[
                (Replied, "2025-09-29 11:00"),
                (Resolved, "2025-10-02 10:00"),
            ],
        ),
        complaint(
            "K9",
            "2025-09-28 10:00",
            "process",
            "customer_care",
            &[
                (Resolved, "2025-09-28 16:00"),
                (Replied, "2025-09-28 16:00"),
            ],
        ),
    ]
}

fn month(label: &str) -> Period {
    Period::parse_month(label).unwrap()
}

#[test]
fn the_clocks_of_the_hand_worked_complaints() {
    let rules = Rules::default();
    let calendar = guoqing_2025(&rules);
    let inputs = complaints();
    let clocks = clocks(&inputs, &calendar, &rules.complaints);
    let due: Vec<(String, String, Option<i64>)> = clocks
        .iter()
        .map(|c| {
            (
                c.escalation_due.to_string(),
                c.reply_due.to_string(),
                c.reply_working_seconds,
            )
        })
        .collect();
    let expected = [
        ("2025-10-15 13:30:00", "2025-10-16 13:30:00", Some(48_600)),
        ("2025-10-15 13:30:00", "2025-10-16 13:30:00", Some(48_601)),
        ("2025-10-20 13:00:00", "2025-10-21 13:00:00", Some(55_800)),
        ("2025-10-09 11:30:00", "2025-10-10 11:30:00", None),
        ("2025-10-30 14:30:00", "2025-10-31 14:30:00", None),
        ("2025-11-03 13:00:00", "2025-11-04 13:00:00", Some(1_800)),
        ("2025-09-28 12:30:00", "2025-09-29 12:30:00", Some(39_600)),
        ("2025-09-29 13:30:00", "2025-09-30 13:30:00", Some(7_200)),
        ("2025-09-28 14:30:00", "2025-09-29 14:30:00", Some(21_600)),
    ];
    for (got, want) in due.iter().zip(expected) {
        assert_eq!(
            (got.0.as_str(), got.1.as_str(), got.2),
            (want.0, want.1, want.2)
        );
    }
}

/// October: raised K1, K2, K3, K5, K6 = 5; escalated on time K1, K3 = 2; handled in time K1
/// and K6 (its November reply is on record) = 2; resolved by the end K1, K3 = 2; rates 2/5.
/// Open at the end: K2, K4 (September's), K5, K6 = 4; overdue K4, K5 = 2. Replies 1 800,
/// 48 600, 48 601, 55 800 s: an even count, median (48 600 + 48 601) / 2 s = 97 201 / 7 200 h.
const OCTOBER: &str = r#"{
  "month": "2025-10",
  "complaints": {
    "raised": 5,
    "escalated_on_time": 2,
    "handled_in_time": 2,
    "resolved_by_end": 2,
    "timely_rate": 0.4,
    "escalation_rate": 0.4
  },
  "by_category": [
    {
      "category": "broken_promise",
      "raised": 1,
      "handled_in_time": 0
    },
    {
      "category": "information",
      "raised": 1,
      "handled_in_time": 0
    },
    {
      "category": "process",
      "raised": 1,
      "handled_in_time": 1
    },
    {
      "category": "response_time",
      "raised": 1,
      "handled_in_time": 0
    },
    {
      "category": "service_attitude",
      "raised": 1,
      "handled_in_time": 1
    }
  ],
  "by_department": [
    {
      "department": "after_sales",
      "raised": 1,
      "handled_in_time": 1
    },
    {
      "department": "customer_care",
      "raised": 1,
      "handled_in_time": 0
    },
    {
      "department": "sales",
      "raised": 3,
      "handled_in_time": 1
    }
  ],
  "open_at_end": 4,
  "overdue_at_end": 2,
  "reply_hours_median": 13.50013888888889
}
"#;

/// September: raised K4, K7, K8, K9 = 4; escalated on time K7 = 1; handled in time K7, K8, K9
/// = 3; resolved by the end (10-01 00:00) K7, K9 = 2. Open at the end K4, K8 = 2, none
/// overdue (K4's reply is due 10-10). Replies 7 200, 21 600, 39 600 s: an odd count, median
/// 21 600 s = 6 h.
const SEPTEMBER: &str = r#"{
  "month": "2025-09",
  "complaints": {
    "raised": 4,
    "escalated_on_time": 1,
    "handled_in_time": 3,
    "resolved_by_end": 2,
    "timely_rate": 0.75,
    "escalation_rate": 0.25
  },
  "by_category": [
    {
      "category": "parking",
      "raised": 1,
      "handled_in_time": 1
    },
    {
      "category": "process",
      "raised": 1,
      "handled_in_time": 1
    },
    {
      "category": "product_quality",
      "raised": 1,
      "handled_in_time": 0
    },
    {
      "category": "service_attitude",
      "raised": 1,
      "handled_in_time": 1
    }
  ],
  "by_department": [
    {
      "department": "after_sales",
      "raised": 2,
      "handled_in_time": 1
    },
    {
      "department": "customer_care",
      "raised": 1,
      "handled_in_time": 1
    },
    {
      "department": "sales",
      "raised": 1,
      "handled_in_time": 1
    }
  ],
  "open_at_end": 2,
  "overdue_at_end": 0,
  "reply_hours_median": 6.0
}
"#;

#[test]
fn the_complaints_reports_of_september_and_october_are_worked_by_hand() {
    let rules = Rules::default();
    let calendar = guoqing_2025(&rules);
    let inputs = complaints();
    let clocks = clocks(&inputs, &calendar, &rules.complaints);
    let october = complaints_report(&clocks, &month("2025-10"));
    assert_eq!(String::from_utf8(to_json(&october)).unwrap(), OCTOBER);
    let september = complaints_report(&clocks, &month("2025-09"));
    assert_eq!(String::from_utf8(to_json(&september)).unwrap(), SEPTEMBER);
    // A month with none: null rates and median.
    let august = complaints_report(&clocks, &month("2025-08"));
    assert_eq!(
        serde_json::to_string(&august).unwrap(),
        r#"{"month":"2025-08","complaints":{"raised":0,"escalated_on_time":0,"handled_in_time":0,"resolved_by_end":0,"timely_rate":null,"escalation_rate":null},"by_category":[],"by_department":[],"open_at_end":0,"overdue_at_end":0,"reply_hours_median":null}"#
    );
}

#[test]
fn the_open_complaints_list_puts_overdue_first_then_due_time() {
    let rules = Rules::default();
    let calendar = guoqing_2025(&rules);
    let inputs = complaints();
    let clocks = clocks(&inputs, &calendar, &rules.complaints);
    // As of the end of October: K4 overdue (escalation due 10-09 11:30), K5 overdue
    // (escalation due 10-30 14:30), K6 due (escalation 11-03 13:00), K2 waiting (replied).
    let list = open_complaints(&clocks, at("2025-11-01 00:00"), |c| format!("1381234{c}"));
    let rows: Vec<(&str, &str, Option<&str>, Option<&str>)> = list
        .iter()
        .map(|r| {
            (
                r.complaint_id.as_str(),
                r.status,
                r.next.map(|n| n.as_str()),
                r.due_at.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "K4",
                "overdue",
                Some("escalation"),
                Some("2025-10-09 11:30:00")
            ),
            (
                "K5",
                "overdue",
                Some("escalation"),
                Some("2025-10-30 14:30:00")
            ),
            ("K6", "due", Some("escalation"), Some("2025-11-03 13:00:00")),
            ("K2", "waiting", None, None),
        ]
    );
    assert_eq!(list[0].phone, "1381234C4");
    // K3 between its first resolution and the reopening is not open; after it, it is,
    // waiting (its reply is on record) with `reopened` as its latest step.
    let mid = open_complaints(&clocks, at("2025-10-23 00:00"), |_| String::new());
    assert!(!mid.iter().any(|r| r.complaint_id == "K3"));
    let reopened = open_complaints(&clocks, at("2025-10-25 00:00"), |_| String::new());
    let k3 = reopened.iter().find(|r| r.complaint_id == "K3").unwrap();
    assert_eq!((k3.status, k3.last_step), ("waiting", Some("reopened")));
}

// One argument per column of actions.csv, read like its row.
#[allow(clippy::too_many_arguments)]
fn action(
    id: &str,
    raised: &str,
    kind: ActionKind,
    subject: &str,
    complaint: Option<&str>,
    owner: &str,
    due: &str,
    steps: &[(ActionStepKind, &str)],
) -> ActionInput {
    ActionInput {
        action_id: id.into(),
        raised_on: day(raised),
        kind,
        subject: subject.into(),
        complaint_id: complaint.map(str::to_owned),
        owner_id: owner.into(),
        due_on: day(due),
        steps: steps
            .iter()
            .map(|(step, t)| ActionStepInput {
                step: *step,
                at: at(t),
                staff_id: None,
            })
            .collect(),
    }
}

/// The actions, with their status as of the end of October (10-31):
/// - A1 due 10-20, done 10-20 17:00 (on its due date: on time), verified 10-22: verified.
/// - A2 due 10-20, done 10-21 09:00: a day late, done_late.
/// - A3 due 10-24, approved, never done: overdue.
/// - A4 raised in September, due 10-31 (the month's last day), not done: open (overdue from
///   11-01).
/// - A5 raised and due in September, never done: not listed in October, but overdue at its
///   end.
/// - A6 raised 10-28, due 11-10: open.
/// - A7 due 10-31, done 10-31: done.
pub fn actions() -> Vec<ActionInput> {
    use ActionKind::{Corrective, Preventive};
    use ActionStepKind::{Approved, Done, Verified};
    vec![
        action(
            "A1",
            "2025-10-15",
            Corrective,
            "service_attitude",
            Some("K1"),
            "SH001",
            "2025-10-20",
            &[(Done, "2025-10-20 17:00"), (Verified, "2025-10-22 10:00")],
        ),
        action(
            "A2",
            "2025-10-15",
            Preventive,
            "information",
            None,
            "XS002",
            "2025-10-20",
            &[(Done, "2025-10-21 09:00")],
        ),
        action(
            "A3",
            "2025-10-16",
            Corrective,
            "broken_promise",
            Some("K3"),
            "SH001",
            "2025-10-24",
            &[(Approved, "2025-10-17 09:00")],
        ),
        action(
            "A4",
            "2025-09-20",
            Preventive,
            "product_quality",
            None,
            "SH003",
            "2025-10-31",
            &[],
        ),
        action(
            "A5",
            "2025-09-10",
            Corrective,
            "process",
            None,
            "XS002",
            "2025-09-25",
            &[],
        ),
        action(
            "A6",
            "2025-10-28",
            Preventive,
            "response_time",
            None,
            "SH003",
            "2025-11-10",
            &[],
        ),
        action(
            "A7",
            "2025-10-05",
            Corrective,
            "waiting_time",
            None,
            "SH001",
            "2025-10-31",
            &[(Done, "2025-10-31 16:00")],
        ),
    ]
}

/// October: raised A1, A2, A3, A6, A7 = 5; due A1, A2, A3, A4, A7 = 5; done on time A1, A7 =
/// 2; overdue at the end A3 and A5 (the backlog) = 2. Listed by due date, then id.
const OCTOBER_ACTIONS: &str = r#"{"month":"2025-10","counts":{"raised":5,"due":5,"done_on_time":2,"overdue_at_end":2},"actions":[{"action_id":"A1","kind":"corrective","subject":"service_attitude","complaint_id":"K1","owner_id":"SH001","raised_on":"2025-10-15","due_on":"2025-10-20","done_on":"2025-10-20","status":"verified"},{"action_id":"A2","kind":"preventive","subject":"information","complaint_id":null,"owner_id":"XS002","raised_on":"2025-10-15","due_on":"2025-10-20","done_on":"2025-10-21","status":"done_late"},{"action_id":"A3","kind":"corrective","subject":"broken_promise","complaint_id":"K3","owner_id":"SH001","raised_on":"2025-10-16","due_on":"2025-10-24","done_on":null,"status":"overdue"},{"action_id":"A4","kind":"preventive","subject":"product_quality","complaint_id":null,"owner_id":"SH003","raised_on":"2025-09-20","due_on":"2025-10-31","done_on":null,"status":"open"},{"action_id":"A7","kind":"corrective","subject":"waiting_time","complaint_id":null,"owner_id":"SH001","raised_on":"2025-10-05","due_on":"2025-10-31","done_on":"2025-10-31","status":"done"},{"action_id":"A6","kind":"preventive","subject":"response_time","complaint_id":null,"owner_id":"SH003","raised_on":"2025-10-28","due_on":"2025-11-10","done_on":null,"status":"open"}]}"#;

#[test]
fn the_actions_report_of_october_is_worked_by_hand() {
    let report = actions_report(&actions(), &month("2025-10"));
    assert_eq!(serde_json::to_string(&report).unwrap(), OCTOBER_ACTIONS);
    // September: raised A4, A5 = 2; due A5 = 1, not done; overdue at its end A5 = 1 (A4 is
    // due in October). A4 is listed (raised in September), open.
    let september = actions_report(&actions(), &month("2025-09"));
    assert_eq!(
        serde_json::to_string(&september.counts).unwrap(),
        r#"{"raised":2,"due":1,"done_on_time":0,"overdue_at_end":1}"#
    );
    let ids: Vec<&str> = september
        .actions
        .iter()
        .map(|a| a.action_id.as_str())
        .collect();
    assert_eq!(ids, ["A5", "A4"]);
}

#[test]
fn the_open_actions_list_puts_overdue_first() {
    // As of 11-01: A5 (due 09-25, 37 days over), A3 (10-24, 8 days), A4 (10-31, 1 day)
    // overdue; A6 open. A1, A2, A7 are done.
    let list = open_actions(&actions(), day("2025-11-01"));
    let rows: Vec<(&str, &str, i32, bool)> = list
        .iter()
        .map(|a| {
            (
                a.action_id.as_str(),
                a.status.as_str(),
                a.days_overdue,
                a.approved,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("A5", "overdue", 37, false),
            ("A3", "overdue", 8, true),
            ("A4", "overdue", 1, false),
            ("A6", "open", 0, false),
        ]
    );
}

#[test]
fn october_renders_in_markdown_in_both_languages_and_in_csv() {
    use careledger::report::complaints::ComplaintWorkList;
    use careledger::report::{Format, Lang, Render, RenderContext};
    let rules = Rules::default();
    let calendar = guoqing_2025(&rules);
    let inputs = complaints();
    let clocks = clocks(&inputs, &calendar, &rules.complaints);
    let october = complaints_report(&clocks, &month("2025-10"));
    let md = |lang| {
        String::from_utf8(october.render(Format::Md, &RenderContext::new(lang, &rules))).unwrap()
    };
    assert_eq!(md(Lang::En), OCTOBER_MD_EN);
    assert_eq!(md(Lang::Zh), OCTOBER_MD_ZH);
    // The text quotes the rules in force, not their defaults.
    let mut other = rules.clone();
    other.complaints.reply_hours = careledger::worktime::WorkHours(900);
    let text = String::from_utf8(october.markdown(&RenderContext::new(Lang::En, &other))).unwrap();
    assert!(text.contains("replied to within 9 working hours"), "{text}");
    let csv = String::from_utf8(october.csv()).unwrap();
    assert!(
        csv.starts_with("period,section,name,metric,value\r\n2025-10,complaints,,raised,5\r\n")
    );
    assert!(csv.ends_with(
        "2025-10,overdue_at_end,,count,2\r\n2025-10,reply_hours_median,,hours,13.50013888888889\r\n"
    ));
    // The work list masks phones unless asked; its CSV keeps English keys.
    let list = open_complaints(&clocks, at("2025-11-01 00:00"), |_| "13812341234".into());
    let masked = ComplaintWorkList {
        as_of: "2025-11-01 00:00:00".into(),
        rows: &list,
        show_phone: false,
    };
    let csv = String::from_utf8(masked.csv()).unwrap();
    assert!(csv.starts_with("\u{feff}status,next,due_at,complaint_id,customer_id,phone,raised_at,category,department,owner_id,last_step\r\noverdue,escalation,2025-10-09 11:30:00,K4,C4,138****1234,"), "{csv}");
    assert!(!csv.contains("13812341234"));
    let shown = ComplaintWorkList {
        show_phone: true,
        ..masked
    };
    assert!(
        String::from_utf8(shown.json())
            .unwrap()
            .contains("\"phone\": \"13812341234\"")
    );
    let zh = String::from_utf8(shown.markdown(&RenderContext::new(Lang::Zh, &rules))).unwrap();
    assert!(zh.contains("| 已逾期 | 递交总经理 | 2025-10-09 11:30:00 | K4 | C4 | 13812341234 | 2025-09-30 16:00:00 | 产品品质 | 售后服务部 | KF001 | – |"), "{zh}");
}

const OCTOBER_MD_EN: &str = "# Complaints report (投诉), month 2025-10

- **Handled in time** 2 of 5 complaints replied to within 13.5 working hours (40.0%)
- **Escalated on time** 2 within 4.5 working hours (40.0%)
- **Resolved by month end** 2
- **Open at month end** 4 (raised in any month), 2 of them overdue
- **Median reply time** 13.50 working hours

## By category

|  | raised | handled in time | timely rate |
|---|---:|---:|---:|
| Broken promise | 1 | 0 | 0.0% |
| Information needed | 1 | 0 | 0.0% |
| Process | 1 | 1 | 100.0% |
| Response time | 1 | 0 | 0.0% |
| Service attitude | 1 | 1 | 100.0% |
| **all** | 5 | 2 | 40.0% |

## By department

|  | raised | handled in time | timely rate |
|---|---:|---:|---:|
| After-sales | 1 | 1 | 100.0% |
| Customer care | 1 | 0 | 0.0% |
| Sales | 3 | 1 | 33.3% |
| **all** | 5 | 2 | 40.0% |
";

const OCTOBER_MD_ZH: &str = "# 投诉月报 2025-10

- **相关问题及时处理完成率** 投诉 5 件，13.5 个工作小时内回复客户 2 件（40.0%）
- **及时递交率** 4.5 个工作小时内递交总经理 2 件（40.0%）
- **月末已解决** 2 件
- **月末未结** 4 件（含以前月份），其中逾期未回复 2 件
- **回复用时中位数** 13.50 个工作小时

## 按投诉类别

|  | 投诉 | 及时处理 | 及时处理率 |
|---|---:|---:|---:|
| 空头承诺 | 1 | 0 | 0.0% |
| 需要资讯 | 1 | 0 | 0.0% |
| 系统流程 | 1 | 1 | 100.0% |
| 回应时间 | 1 | 0 | 0.0% |
| 服务态度 | 1 | 1 | 100.0% |
| **合计** | 5 | 2 | 40.0% |

## 按部门

|  | 投诉 | 及时处理 | 及时处理率 |
|---|---:|---:|---:|
| 售后服务部 | 1 | 1 | 100.0% |
| 客户关爱部 | 1 | 0 | 0.0% |
| 销售部 | 3 | 1 | 33.3% |
| **合计** | 5 | 2 | 40.0% |
";

#[test]
fn the_complaint_charts_name_categories_as_the_seed_does_and_sort_the_pareto() {
    use careledger::chart::{self, ComplaintRatesPoint, Lang};
    let categories = [
        ("process".to_owned(), 2u64),
        ("information".to_owned(), 5),
        ("parking".to_owned(), 1),
        ("broken_promise".to_owned(), 5),
    ];
    let zh = chart::complaints_pareto(&categories, Lang::Zh).unwrap();
    // Most first, ties by token: broken_promise, information (5 each), process, parking.
    let order: Vec<usize> = ["空头承诺", "需要资讯", "系统流程", "parking"]
        .iter()
        .map(|name| zh.svg.find(name).unwrap_or_else(|| panic!("{name}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(zh.svg.contains("投诉 13 件"));
    assert_eq!(chart::complaints_pareto(&categories, Lang::Zh).unwrap(), zh);
    let en = chart::complaints_pareto(&categories, Lang::En).unwrap();
    assert!(en.svg.contains("Information needed"));
    let points: Vec<ComplaintRatesPoint> = (1..=12)
        .map(|m| ComplaintRatesPoint {
            month: format!("2025-{m:02}"),
            timely: (m != 4).then(|| 0.8 + f64::from(m) / 100.0),
            escalation: (m != 4).then_some(0.9),
        })
        .collect();
    let trend = chart::complaint_rates_trend(&points, &[], Lang::Zh).unwrap();
    assert!(trend.svg.contains("投诉及时处理率月度趋势"));
    assert!(trend.svg.contains("折线断开处：当月无投诉"));
    assert_eq!(
        chart::complaint_rates_trend(&points, &[], Lang::Zh).unwrap(),
        trend
    );
    if let Some(dir) = std::env::var_os("CARELEDGER_CHART_SAMPLES") {
        std::fs::create_dir_all(&dir).unwrap();
        let dir = std::path::Path::new(&dir);
        std::fs::write(dir.join("complaints-pareto-zh.png"), &zh.png).unwrap();
        std::fs::write(dir.join("complaints-rates-zh.png"), &trend.png).unwrap();
    }
}

/// Every figure of the two reports is a KPI a gate can name, compared exactly: October's
/// timely rate is 2/5, its overdue count 2, its reply median 97 201 / 7 200 h =
/// 13.500138(8…) h, a hair below the decimal 13.50013888888889.
#[test]
fn gates_read_the_complaints_and_actions_figures_exactly() {
    use careledger::gate::{Reports, evaluate, parse_gates};
    let rules = Rules::default();
    let calendar = guoqing_2025(&rules);
    let inputs = complaints();
    let clocks = clocks(&inputs, &calendar, &rules.complaints);
    let reports = |m: &str| Reports {
        complaints: Some(complaints_report(&clocks, &month(m))),
        actions: Some(actions_report(&actions(), &month(m))),
        ..Reports::default()
    };
    let gates = parse_gates(
        "gates.toml",
        r#"
[[gate]]
kpi = "complaints.timely_rate"
min = 0.4
[[gate]]
kpi = "complaints.timely_rate"
name = "timely 95 %"
min = 0.95
[[gate]]
kpi = "complaints.overdue_at_end"
max = 2
[[gate]]
kpi = "complaints.overdue_at_end"
name = "no overdue"
max = 0
[[gate]]
kpi = "complaints.reply_hours_median"
max = 13.50013888888889
min = 13.5
[[gate]]
kpi = "complaints.reply_hours_median"
name = "median floor"
min = 13.50013888888889
[[gate]]
kpi = "complaints.by_category.timely_rate"
category = "service_attitude"
min = 1
[[gate]]
kpi = "complaints.by_department.raised"
department = "sales"
max = 3
max_rise = 2
[[gate]]
kpi = "actions.overdue_at_end"
max = 1
[[gate]]
kpi = "actions.done_on_time"
min = 2
[[gate]]
kpi = "complaints.escalation_rate"
baseline_max_drop = 0.3
"#,
    )
    .unwrap();
    let baseline: serde_json::Value =
        serde_json::from_slice(&to_json(&complaints_report(&clocks, &month("2025-09")))).unwrap();
    let checks = evaluate(
        &gates,
        "2025-10",
        &reports("2025-10"),
        "2025-09",
        &reports("2025-09"),
        &[baseline],
    );
    let outcome: Vec<(&str, &str, String, bool)> = checks
        .iter()
        .map(|c| (c.gate.as_str(), c.check, c.value.clone(), c.passed))
        .collect();
    assert_eq!(
        outcome,
        [
            ("complaints.timely_rate", "min", "40.00%".into(), true),
            ("timely 95 %", "min", "40.00%".into(), false),
            ("complaints.overdue_at_end", "max", "2".into(), true),
            ("no overdue", "max", "2".into(), false),
            (
                "complaints.reply_hours_median",
                "min",
                "13.50 h".into(),
                true
            ),
            (
                "complaints.reply_hours_median",
                "max",
                "13.50 h".into(),
                true
            ),
            ("median floor", "min", "13.50 h".into(), false),
            (
                "complaints.by_category.timely_rate[service_attitude]",
                "min",
                "100.00%".into(),
                true
            ),
            // Sales: 3 in October, 1 in September: a rise of 2, exactly the limit.
            (
                "complaints.by_department.raised[sales]",
                "max",
                "3".into(),
                true
            ),
            (
                "complaints.by_department.raised[sales]",
                "max_rise",
                "3".into(),
                true
            ),
            ("actions.overdue_at_end", "max", "2".into(), false),
            ("actions.done_on_time", "min", "2".into(), true),
            // September's escalation rate 1/4 from the baseline file, October's 2/5: a rise.
            (
                "complaints.escalation_rate",
                "baseline_max_drop",
                "40.00%".into(),
                true
            ),
        ]
    );
    // A category filter is required where it applies and refused elsewhere.
    let e = parse_gates(
        "g.toml",
        "[[gate]]\nkpi = \"complaints.by_category.raised\"\nmax = 1\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("needs `category"), "{e}");
    let e = parse_gates(
        "g.toml",
        "[[gate]]\nkpi = \"complaints.raised\"\ncategory = \"process\"\nmax = 1\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("takes no category filter"), "{e}");
    let e = parse_gates(
        "g.toml",
        "[[gate]]\nkpi = \"complaints.timely_rate\"\nmin = 95\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("impossible for a rate"), "{e}");
}

/// The report pack with the complaints section: October 2025 over a store of other data,
/// its complaints and actions fed by the caller. The complaints and actions files are the
/// reports' own bytes; the page holds the section in both languages with its two charts
/// (the timely-rate trend next to the return-visit rates, the category Pareto) and the
/// status of September's actions as of the end of October; the pack is byte-identical at 1
/// and 2 threads.
#[test]
fn the_report_pack_shows_the_complaints_and_actions_the_caller_passes() {
    use careledger::report::pack::{ComplaintsData, build, build_with};
    use careledger::report::{Lang, Render};
    let dir = crate::util::Dir::new();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gates/data");
    dir.ok(&["import", data.to_str().unwrap()]);
    let reader = careledger::Store::open_reader(&dir.db()).unwrap();
    let rules = Rules::default();
    let calendar = guoqing_2025(&rules);
    let (inputs, acts) = (complaints(), actions());
    let feed = ComplaintsData {
        complaints: &inputs,
        actions: &acts,
        calendar: &calendar,
    };
    let october = month("2025-10");
    let pack = |lang, threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| build_with(&reader, &rules, &october, lang, Some(&feed)).unwrap())
    };
    let zh = pack(Lang::Zh, 1);
    let by_name = |files: &[careledger::report::pack::PackFile], name: &str| {
        files
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name}"))
            .bytes
            .clone()
    };
    assert_eq!(
        String::from_utf8(by_name(&zh, "complaints.json")).unwrap(),
        OCTOBER
    );
    assert_eq!(
        by_name(&zh, "actions.json"),
        actions_report(&acts, &october).json()
    );
    for stem in ["complaints-rates", "complaints-pareto"] {
        assert!(zh.iter().any(|f| f.name == format!("{stem}.png")), "{stem}");
    }
    let page = String::from_utf8(by_name(&zh, "index.html")).unwrap();
    for text in [
        "相关问题及时处理完成率",
        "<h2>投诉</h2>",
        "需要资讯",
        "上月措施（2025-09）本月末状态",
        // A4 is September's, due 10-31 and not done: open at the end of October; A5 overdue.
        "<td>A5</td><td>整改</td><td>系统流程</td>",
    ] {
        assert!(page.contains(text), "{text}");
    }
    let rates = page.find("rates.png").unwrap();
    let complaint_rates = page.find("complaints-rates.png").unwrap();
    let satisfaction = page.find("satisfaction.png").unwrap();
    assert!(rates < complaint_rates && complaint_rates < satisfaction);
    let en = pack(Lang::En, 2);
    let page = String::from_utf8(by_name(&en, "index.html")).unwrap();
    assert!(page.contains("Last month&#x27;s actions") || page.contains("Last month's actions"));
    assert!(page.contains("Complaints handled in time"));
    // Byte-identical at any thread count.
    let names = |files: &[careledger::report::pack::PackFile]| {
        files
            .iter()
            .map(|f| (f.name.clone(), f.bytes.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&pack(Lang::En, 1)), names(&en));
    assert_eq!(names(&pack(Lang::Zh, 2)), names(&zh));
    // Without the feed, the pack is what it was: no complaints files or section.
    let plain = build(&reader, &rules, &october, Lang::Zh).unwrap();
    assert!(!plain.iter().any(|f| f.name.starts_with("complaints")));
    assert!(
        !String::from_utf8(by_name(&plain, "index.html"))
            .unwrap()
            .contains("<h2>投诉</h2>")
    );
}
