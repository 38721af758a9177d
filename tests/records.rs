//! Proves the record kinds of DOMAIN.md sections 12–13 (complaints, complaint steps, actions,
//! action steps, the working calendar) end to end: they import with every rule of sections
//! 2–3 (located errors with the fix, references judged at the end of the import, the
//! several-rows rule, amendments, voids), a step is never dated before its complaint, the
//! export of all thirteen kinds reads back byte for byte, GB18030 and a BOM are read, the
//! library reads steps by complaint, and the generator writes them deterministically with
//! China's real 2025 National Day calendar.

use crate::import_errors::rejects;
use crate::util::{Dir, counts};

/// The five new files, valid against `Dir::with_base` (staff KF001, XS003, SH003; customers
/// C00011, C00002; attempt A0000001 and survey Q000001 of C00011). Dates and times in the
/// forms Excel re-saves, to prove that keys holding them are canonical.
const CARE: [(&str, &str); 5] = [
    (
        "complaints.csv",
        "complaint_id,customer_id,raised_at,category,department,channel,attempt_id,survey_id,owner_id,summary\n\
         T1,C00011,2024/1/16 9:20,broken_promise,sales,phone,A0000001,Q000001,KF001,\"承诺的脚垫没送, 客户不满\"\n\
         T2,C00002,2024-01-19 20:00,waiting_time,after_sales,,,,,\n",
    ),
    (
        "complaint_steps.csv",
        "complaint_id,step,at,staff_id,note\n\
         T1,escalated,2024-01-16 9:20,KF001,\n\
         T1,replied,2024/1/17 10:00,KF001,已致电客户\n\
         T1,resolved,2024-01-18 16:00:00,,\n\
         T1,reopened,2024-01-20 09:00,KF001,客户再次来电\n\
         T1,resolved,2024-01-22 16:00,KF001,\n",
    ),
    (
        "actions.csv",
        "action_id,raised_on,kind,subject,complaint_id,owner_id,due_on,summary\n\
         M1,2024-01-19,corrective,broken_promise,T1,SH003,2024/2/2,交车赠品清单核对\n\
         M2,2024-01-25,preventive,waiting_time,,SH003,2024-02-23,\n",
    ),
    (
        "action_steps.csv",
        "action_id,step,at,staff_id,note\n\
         M1,approved,2024-01-19 15:00,KF001,\n\
         M1,done,2024-01-30 11:00,SH003,\n\
         M1,verified,2024-02-05 10:00,KF001,\n",
    ),
    (
        "calendar.csv",
        "date,working,name\n2024-02-10,否,春节\n2024/2/4,是,春节调休\n2024-02-18,1,春节调休\n",
    ),
];

/// A store with BASE and the five files of [`CARE`] imported.
fn with_care() -> Dir {
    let d = Dir::new();
    d.with_base();
    for (name, text) in CARE {
        d.write(&format!("care/{name}"), text);
    }
    let out = d.ok(&["import", "care"]);
    for (kind, n) in [
        ("complaints", 2),
        ("complaint_steps", 5),
        ("actions", 2),
        ("action_steps", 3),
        ("calendar", 3),
    ] {
        assert_eq!(counts(&out, kind), [n, 0, 0, 0], "{kind} in:\n{out}");
    }
    d
}

fn exported(d: &Dir, dir: &str, name: &str) -> String {
    String::from_utf8(std::fs::read(d.join(dir).join(name)).unwrap()).unwrap()
}

#[test]
fn the_new_kinds_export_in_canonical_form_and_all_thirteen_files_round_trip() {
    let d = with_care();
    d.ok(&["export", "out1"]);
    let mut names: Vec<String> = std::fs::read_dir(d.join("out1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 13, "{names:?}");

    // Keys in canonical form, rows in key order (steps by name, then time).
    assert_eq!(
        exported(&d, "out1", "complaint_steps.csv"),
        "\u{feff}complaint_id,step,at,staff_id,note\n\
         T1,escalated,2024-01-16 09:20:00,KF001,\n\
         T1,reopened,2024-01-20 09:00:00,KF001,客户再次来电\n\
         T1,replied,2024-01-17 10:00:00,KF001,已致电客户\n\
         T1,resolved,2024-01-18 16:00:00,,\n\
         T1,resolved,2024-01-22 16:00:00,KF001,\n"
    );
    assert_eq!(
        exported(&d, "out1", "calendar.csv"),
        "\u{feff}date,working,name\n2024-02-04,true,春节调休\n2024-02-10,false,春节\n2024-02-18,true,春节调休\n"
    );
    assert_eq!(
        exported(&d, "out1", "actions.csv"),
        "\u{feff}action_id,raised_on,kind,subject,complaint_id,owner_id,due_on,summary\n\
         M1,2024-01-19,corrective,broken_promise,T1,SH003,2024-02-02,交车赠品清单核对\n\
         M2,2024-01-25,preventive,waiting_time,,SH003,2024-02-23,\n"
    );
    assert!(
        exported(&d, "out1", "complaints.csv").contains(
            "T1,C00011,2024-01-16 09:20:00,broken_promise,sales,phone,A0000001,Q000001,KF001,\"承诺的脚垫没送, 客户不满\"\n"
        )
    );

    // Imported into an empty store and exported again: byte for byte.
    let e = Dir::new();
    let out = e.ok(&["import", d.join("out1").to_str().unwrap()]);
    assert!(out.contains("13 files"), "{out}");
    e.ok(&["export", "out2"]);
    for name in &names {
        assert_eq!(
            exported(&d, "out1", name),
            exported(&e, "out2", name),
            "{name} differs after the round trip"
        );
    }
    // Importing the export again into the first store changes nothing.
    let out = d.ok(&["import", "out1"]);
    assert!(out.starts_with("nothing to import"), "{out}");
    assert_eq!(counts(&out, "complaint_steps"), [0, 0, 0, 5]);
}

#[test]
fn bad_rows_of_the_new_kinds_are_located_with_their_fix() {
    let d = Dir::new();
    d.with_base();
    let (complaints, _) = CARE[0];
    d.write(
        &format!("bad/{complaints}"),
        "complaint_id,customer_id,raised_at,category,department,attempt_id\n\
         T1,C00011,2024-01-16 09:20,broken_promise,sales,A0000001\n\
         T3,C00002,2024-01-16 10:00,service_attitude,sales,A0000001\n\
         T4,C00002,2024-01-16 10:00,Service,sales,\n",
    );
    d.write(
        "bad/complaint_steps.csv",
        "complaint_id,step,at,staff_id,note\n\
         T1,answered,2024-01-17 10:00,,\n\
         T1,escalated,2024-01-16 09:19:59,,\n\
         T1,escalated,2024-01-16 09:20:00,,\n\
         T9,replied,2024-01-17 10:00,,\n\
         T1,replied,2024-01-17 25:00,XX999,\n\
         T1,replied,2024-01-17 10:00,XX999,\n",
    );
    d.write(
        "bad/actions.csv",
        "action_id,raised_on,kind,subject,complaint_id,owner_id,due_on\n\
         M1,2024-01-19,corrective,broken_promise,T9,ZZ1,2024-02-02\n\
         M2,2024-01-19,remedial,waiting_time,,SH003,2024-01-18\n",
    );
    d.write(
        "bad/action_steps.csv",
        "action_id,step,at\nM9,done,2024-01-20 10:00\nM1,approved,2024-01-18 23:59:59\n",
    );
    d.write(
        "bad/calendar.csv",
        "date,working\n2024-02-30,否\n2024-02-10,maybe\n",
    );
    rejects(
        &d,
        &["import", "bad"],
        &[
            (
                "bad/complaints.csv:3: attempt_id: ",
                &["`A0000001`", "`C00011`", "`C00002`", "fix the attempt_id"],
            ),
            ("bad/complaints.csv:4: category: ", &["`Service`"]),
            (
                "bad/complaint_steps.csv:2: step: ",
                &["`answered`", "escalated, replied, resolved, reopened"],
            ),
            (
                "bad/complaint_steps.csv:3: at: ",
                &["2024-01-16 09:19:59", "`T1`", "2024-01-16 09:20:00"],
            ),
            (
                "bad/complaint_steps.csv:5: complaint_id: ",
                &["`T9`", "complaints.csv"],
            ),
            ("bad/complaint_steps.csv:6: at: ", &["HH:MM"]),
            (
                "bad/complaint_steps.csv:7: staff_id: ",
                &["`XX999`", "staff.csv"],
            ),
            ("bad/actions.csv:2: complaint_id: ", &["`T9`"]),
            ("bad/actions.csv:2: owner_id: ", &["`ZZ1`"]),
            (
                "bad/actions.csv:3: kind: ",
                &["`remedial`", "corrective, preventive"],
            ),
            (
                "bad/action_steps.csv:2: action_id: ",
                &["`M9`", "actions.csv"],
            ),
            (
                "bad/action_steps.csv:3: at: ",
                &["2024-01-18 23:59:59", "`M1`", "2024-01-19"],
            ),
            (
                "bad/calendar.csv:2: date: ",
                &["`2024-02-30`", "YYYY-MM-DD"],
            ),
            ("bad/calendar.csv:3: working: ", &["`maybe`", "是/否"]),
        ],
    );
    // A due date before the action was raised is refused where the action is parsed.
    d.write(
        "due/actions.csv",
        "action_id,raised_on,kind,subject,owner_id,due_on\nM2,2024-01-19,corrective,x,SH003,2024-01-18\n",
    );
    rejects(
        &d,
        &["import", "due"],
        &[("due/actions.csv:2: due_on: ", &["2024-01-18", "2024-01-19"])],
    );
}

/// Rev. 3's several-rows rule on composite keys whose date-time is written two ways: the same
/// key, so identical rows are harmless and differing ones an amendment naming both lines.
#[test]
fn several_rows_of_one_step_key_follow_the_last_row_rule() {
    let d = with_care();
    d.write(
        "twice/complaint_steps.csv",
        "complaint_id,step,at,staff_id,note\n\
         T2,escalated,2024-01-22 9:00,KF001,\n\
         T2,escalated,2024/1/22 09:00:00,KF001,\n\
         T2,replied,2024-01-22 10:00,KF001,first\n\
         T2,replied,2024/1/22 10:00:00,KF001,second\n",
    );
    rejects(
        &d,
        &["import", "twice"],
        &[(
            "twice/complaint_steps.csv:5: complaint_id: ",
            &[
                "T2/replied/2024-01-22 10:00:00",
                "twice/complaint_steps.csv:4",
                "note `first` → `second`",
                "--amend",
            ],
        )],
    );
    let out = d.ok(&["import", "--amend", "twice"]);
    assert_eq!(counts(&out, "complaint_steps"), [2, 0, 0, 0], "{out}");
    assert!(out.contains("complaint_steps: 2 rows superseded"), "{out}");
    // An add then a void in one import: nothing written for a key the store never had.
    d.write(
        "withdrawn/complaint_steps.csv",
        "complaint_id,step,at,op\nT2,resolved,2024-01-23 10:00,\nT2,resolved,2024/1/23 10:00,void\n",
    );
    let out = d.ok(&["import", "withdrawn"]);
    assert!(out.contains("1 record added and voided"), "{out}");
    d.ok(&["export", "after"]);
    assert!(!exported(&d, "after", "complaint_steps.csv").contains("T2,resolved"));
}

#[test]
fn amendments_and_voids_keep_steps_after_their_complaint_and_nothing_dangling() {
    let d = with_care();
    // A complaint with steps and an action cannot be voided alone.
    d.write(
        "void/complaints.csv",
        "complaint_id,customer_id,raised_at,category,department,op\nT1,,,,,void\n",
    );
    rejects(
        &d,
        &["import", "void"],
        &[(
            "void/complaints.csv:2: complaint_id: ",
            &["cannot void complaint `T1`", "complaint step `T1/", "more"],
        )],
    );
    // Raised later than two of its stored steps: each is named at the complaint's row.
    d.write(
        "later/complaints.csv",
        "complaint_id,customer_id,raised_at,category,department,channel,attempt_id,survey_id,owner_id,summary\n\
         T1,C00011,2024-01-17 12:00,broken_promise,sales,phone,A0000001,Q000001,KF001,\"承诺的脚垫没送, 客户不满\"\n",
    );
    rejects(
        &d,
        &["import", "--amend", "later"],
        &[
            (
                "later/complaints.csv:2: raised_at: ",
                &["escalated", "2024-01-16 09:20:00"],
            ),
            (
                "later/complaints.csv:2: raised_at: ",
                &["replied", "2024-01-17 10:00:00"],
            ),
        ],
    );
    // Amended earlier: accepted with --amend, refused without.
    d.write(
        "earlier/complaints.csv",
        "complaint_id,customer_id,raised_at,category,department,channel,attempt_id,survey_id,owner_id,summary\n\
         T1,C00011,2024-01-16 09:00,broken_promise,sales,phone,A0000001,Q000001,KF001,\"承诺的脚垫没送, 客户不满\"\n",
    );
    rejects(
        &d,
        &["import", "earlier"],
        &[(
            "earlier/complaints.csv:2: raised_at: ",
            &["2024-01-16 09:20:00", "2024-01-16 09:00:00", "--amend"],
        )],
    );
    let out = d.ok(&["import", "--amend", "earlier"]);
    assert_eq!(counts(&out, "complaints"), [0, 1, 0, 0], "{out}");
    let history = d.ok(&["--lang", "en", "history", "complaints", "T1"]);
    assert!(
        history.starts_with("complaints T1: 2 versions"),
        "{history}"
    );

    // A step is voided by its key, written in any accepted form.
    d.write(
        "step/complaint_steps.csv",
        "complaint_id,step,at,op\nT1,resolved,2024/1/22 16:00,void\n",
    );
    let out = d.ok(&["import", "step"]);
    assert_eq!(counts(&out, "complaint_steps"), [0, 0, 1, 0], "{out}");
    let history = d.ok(&[
        "--lang",
        "en",
        "history",
        "complaint_steps",
        "T1/resolved/2024-01-22 16:00",
    ]);
    assert!(
        history.starts_with("complaint_steps T1/resolved/2024-01-22 16:00:00: 2 versions"),
        "{history}"
    );

    // Everything that refers to T1 voided with it, in one import: accepted.
    d.write(
        "all/complaint_steps.csv",
        "complaint_id,step,at,op\n\
         T1,escalated,2024-01-16 09:20,void\n\
         T1,replied,2024-01-17 10:00,void\n\
         T1,resolved,2024-01-18 16:00,void\n\
         T1,reopened,2024-01-20 09:00,void\n",
    );
    d.write(
        "all/actions.csv",
        "action_id,raised_on,kind,subject,owner_id,due_on,op\nM1,,,,,,void\n",
    );
    d.write(
        "all/action_steps.csv",
        "action_id,step,at,op\nM1,approved,2024-01-19 15:00,void\nM1,done,2024-01-30 11:00,void\nM1,verified,2024-02-05 10:00,void\n",
    );
    d.write(
        "all/complaints.csv",
        "complaint_id,customer_id,raised_at,category,department,op\nT1,,,,,void\n",
    );
    let out = d.ok(&["import", "all"]);
    assert_eq!(counts(&out, "complaints"), [0, 0, 1, 0], "{out}");
    assert_eq!(counts(&out, "complaint_steps"), [0, 0, 4, 0], "{out}");
    let reader = careledger::Store::open_reader(&d.db()).unwrap();
    assert!(reader.steps_of_complaint("T1").unwrap().is_empty());
    assert!(reader.steps_of_action("M1").unwrap().is_empty());
    assert_eq!(
        reader
            .current_records(careledger::Kind::Complaint)
            .unwrap()
            .len(),
        1
    );
}

/// A complaint whose attempt moves to another customer is caught like a survey's.
#[test]
fn moving_an_attempt_named_by_a_complaint_to_another_customer_is_refused() {
    let d = with_care();
    d.write(
        "move/contacts.csv",
        "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note\nA0000001,C00002,2024-01-16 09:12,phone,XS003,delivery_call_1,reached,\"客户满意, 无问题\"\n",
    );
    let stderr = d.fails(&["import", "--amend", "move"]);
    assert!(
        stderr.contains("move/contacts.csv:2: customer_id: complaint `T1` of customer `C00011`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("move/contacts.csv:2: customer_id: survey `Q000001`"),
        "{stderr}"
    );
}

#[test]
fn the_library_reads_steps_by_complaint_and_by_action() {
    let d = with_care();
    let reader = careledger::Store::open_reader(&d.db()).unwrap();
    let steps = reader.steps_of_complaint("T1").unwrap();
    let names: Vec<(&str, String)> = steps
        .iter()
        .map(|s| (s.step.as_str(), s.at.to_string()))
        .collect();
    assert_eq!(
        names,
        [
            ("escalated", "2024-01-16 09:20:00".to_owned()),
            ("reopened", "2024-01-20 09:00:00".to_owned()),
            ("replied", "2024-01-17 10:00:00".to_owned()),
            ("resolved", "2024-01-18 16:00:00".to_owned()),
            ("resolved", "2024-01-22 16:00:00".to_owned()),
        ]
    );
    assert!(reader.steps_of_complaint("T").unwrap().is_empty());
    assert_eq!(reader.steps_of_action("M1").unwrap().len(), 3);
    let complaints = reader.current_records(careledger::Kind::Complaint).unwrap();
    let t1 = complaints[0].clone().into_complaint().unwrap();
    assert_eq!(
        careledger::model::category_name_zh(&t1.category),
        Some("空头承诺")
    );
    assert_eq!(careledger::model::category_name_zh("waiting_time"), None);
}

#[test]
fn a_gb18030_complaints_file_and_a_bom_calendar_are_read() {
    let d = Dir::new();
    d.with_base();
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(
        "complaint_id,customer_id,raised_at,category,department,summary\nT5,C00011,2024-01-16 09:20,service_attitude,sales,顾问态度冷淡\n",
    );
    assert!(!unmappable);
    d.write("gb/complaints.csv", &bytes);
    d.write(
        "gb/calendar.csv",
        "\u{feff}date,working,name\n2024-10-01,false,国庆节\n",
    );
    d.ok(&["import", "gb"]);
    d.ok(&["export", "out"]);
    assert!(
        exported(&d, "out", "complaints.csv")
            .contains("T5,C00011,2024-01-16 09:20:00,service_attitude,sales,,,,,顾问态度冷淡\n")
    );
    assert!(exported(&d, "out", "calendar.csv").ends_with("2024-10-01,false,国庆节\n"));
    // The calendar is no event: "today" stays the latest event (BASE's service order), not
    // the last calendar date.
    let reader = careledger::Store::open_reader(&d.db()).unwrap();
    assert_eq!(
        reader.latest_time().unwrap().unwrap().to_string(),
        "2024-07-13 09:00:00"
    );
}
/// The generator writes the new files deterministically, they import, and the calendar holds
/// the State Council's 2025 National Day: 10-01..10-08 off, 09-28 (Sun) and 10-11 (Sat) on.
#[test]
fn the_generator_writes_complaints_actions_and_the_real_holiday_calendar() {
    let config = careledger::GenConfig {
        customers: 300,
        months: 12,
        seed: 11,
        start_year: 2025,
        start_month: 1,
    };
    let (a, b) = (Dir::new(), Dir::new());
    let summary = careledger::generate(&config, crate::util::to_files(&a.join("data"))).unwrap();
    careledger::generate(&config, crate::util::to_files(&b.join("data"))).unwrap();
    assert_eq!(summary.rows.len(), 13);
    for (name, rows) in &summary.rows {
        let (x, y) = (
            std::fs::read(a.join("data").join(name)).unwrap(),
            std::fs::read(b.join("data").join(name)).unwrap(),
        );
        assert!(x == y, "{name} differs for the same seed");
        assert!(*rows > 0, "{name} is empty");
    }
    let calendar = std::fs::read_to_string(a.join("data/calendar.csv")).unwrap();
    for day in 1..=8 {
        assert!(
            calendar.contains(&format!("2025-10-0{day},false,")),
            "2025-10-0{day} off:\n{calendar}"
        );
    }
    for on in ["2025-09-28,true,", "2025-10-11,true,", "2025-01-26,true,"] {
        assert!(calendar.contains(on), "{on}\n{calendar}");
    }
    assert!(!calendar.contains("2024-") && !calendar.contains("2026-"));
    // Every reference resolves and no step comes before its complaint: the import accepts it.
    let out = a.ok(&["import", "data"]);
    assert!(out.contains("13 files"), "{out}");
}

/// The columns DOMAIN.md section 14 added: `contact_consent` of customers and `reason` of
/// attempts import, amend and export (only where a record holds another value than the
/// default, so older exports keep their bytes), and read back unchanged; the purpose
/// `insurance_renewal` is accepted; a bad value is located.
#[test]
fn consent_and_reason_columns_import_and_export() {
    let d = Dir::new();
    d.with_base();
    // Before any such value, the export reads as before revision 3.
    let out = d.join("before");
    d.ok(&["export", out.to_str().unwrap()]);
    let customers = std::fs::read_to_string(out.join("customers.csv")).unwrap();
    assert!(
        customers.starts_with("\u{feff}customer_id,name,phone,family_id,tags,created_on\n"),
        "{customers}"
    );
    let contacts = std::fs::read_to_string(out.join("contacts.csv")).unwrap();
    assert!(contacts.contains("purpose,outcome,note\n"), "{contacts}");

    d.write(
        "r3/customers.csv",
        "customer_id,name,created_on,contact_consent\nC9,张伟,2024-02-01,否\n",
    );
    d.write(
        "r3/contacts.csv",
        "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note,reason\n\
         A9,C9,2024-09-01 10:00,phone,KF001,churn_recovery,refused,,poor_service\n\
         A10,C9,2024-09-02 10:00,wechat,KF001,insurance_renewal,sent,,\n",
    );
    d.ok(&["import", d.join("r3").to_str().unwrap()]);
    let out = d.join("after");
    d.ok(&["export", out.to_str().unwrap()]);
    let customers = std::fs::read_to_string(out.join("customers.csv")).unwrap();
    assert!(
        customers.contains("created_on,contact_consent\n")
            && customers.contains("C9,张伟,,,,2024-02-01,false\n")
            && customers.contains(",2023-04-02,true\n"),
        "{customers}"
    );
    let contacts = std::fs::read_to_string(out.join("contacts.csv")).unwrap();
    assert!(
        contacts.contains(
            "A9,C9,2024-09-01 10:00:00,phone,KF001,churn_recovery,refused,,poor_service\n"
        ) && contacts
            .contains("A10,C9,2024-09-02 10:00:00,wechat,KF001,insurance_renewal,sent,,\n"),
        "{contacts}"
    );
    // The export reads back as no change at all.
    let again = d.ok(&["import", out.to_str().unwrap()]);
    assert_eq!(counts(&again, "customers"), [0, 0, 0, 3]);
    assert_eq!(counts(&again, "contacts"), [0, 0, 0, 3]);
    // Giving consent back is an amendment of the customer.
    d.write(
        "r4/customers.csv",
        "customer_id,name,created_on,contact_consent\nC9,张伟,2024-02-01,true\n",
    );
    let stderr = d.fails(&["import", d.join("r4").to_str().unwrap()]);
    assert!(stderr.contains("contact_consent"), "{stderr}");
    let amended = d.ok(&["import", "--amend", d.join("r4").to_str().unwrap()]);
    assert_eq!(counts(&amended, "customers"), [0, 1, 0, 0]);
    // A reason must be a token.
    d.write(
        "bad/contacts.csv",
        "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note,reason\n\
         A11,C9,2024-09-03 10:00,phone,KF001,churn_recovery,refused,,Poor Service\n",
    );
    let stderr = d.fails(&["import", d.join("bad").to_str().unwrap()]);
    assert!(
        stderr.contains("contacts.csv:2") && stderr.contains("reason"),
        "{stderr}"
    );
}
