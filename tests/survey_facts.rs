//! Survey answers are kept with their survey's customer's facts (`fact_surveys`): an import
//! of answers alone (an amended score, a voided answer) derives that customer again, and the
//! visits report read from the kept facts has the hand-worked per-question figures, the same
//! as derived from scratch, in every format and at 1 and 2 threads.

use serde_json::Value;

use crate::util::Dir;

const CUSTOMERS: &str = "customer_id,name,phone,family_id,tags,created_on
C1,王芳,13800000001,,,2023-05-01
C2,刘洋,13800000002,,,2023-06-01
";

/// Q1 and Q2 are about after-sales, Q3 about sales; Q4 is dated April (another month).
const SURVEYS: &str =
    "survey_id,attempt_id,customer_id,at,subject_department,overall,issues,comment
Q1,,C1,2024-03-05 10:00,after_sales,5,price,请致电13800001111
Q2,,C2,2024-03-10 11:00,after_sales,3,waiting_time;price,
Q3,,C1,2024-03-20 09:00,sales,4,,
Q4,,C2,2024-04-02 09:00,after_sales,1,,
";

const ANSWERS: &str = "survey_id,question,score
Q1,repair_quality,5
Q1,waiting_time,4
Q2,repair_quality,3
Q2,waiting_time,2
Q3,consultant_attitude,4
Q4,repair_quality,1
";

/// Q2's repair_quality amended from 3 to 5; Q1's waiting_time voided.
const CHANGES: &str = "survey_id,question,score,op
Q2,repair_quality,5,add
Q1,waiting_time,,void
";

const REPORT: [&str; 6] = ["report", "visits", "--month", "2024-03", "--format", "json"];

fn report(dir: &Dir, args: &[&str], threads: &str) -> String {
    let out = dir
        .cmd()
        .env("RAYON_NUM_THREADS", threads)
        .env_remove("CARELEDGER_FROM_SCRATCH")
        .args(args)
        .output()
        .expect("careledger runs");
    assert!(
        out.status.success(),
        "careledger {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// (department, question) → (answers, mean_score, satisfied) of `questions_by_department`.
fn per_question(json: &str) -> Vec<(String, String, u64, f64, u64)> {
    let v: Value = serde_json::from_str(json).expect("JSON");
    let mut out = Vec::new();
    for d in v["questions_by_department"].as_array().expect("a list") {
        for q in d["questions"].as_array().expect("a list") {
            out.push((
                d["department"].as_str().unwrap().to_owned(),
                q["question"].as_str().unwrap().to_owned(),
                q["answers"].as_u64().unwrap(),
                q["mean_score"].as_f64().unwrap(),
                q["satisfied"].as_u64().unwrap(),
            ));
        }
    }
    out
}

fn line(
    department: &str,
    question: &str,
    answers: u64,
    mean: f64,
    satisfied: u64,
) -> (String, String, u64, f64, u64) {
    (
        department.to_owned(),
        question.to_owned(),
        answers,
        mean,
        satisfied,
    )
}

/// Every format of the month's and of a week's visits report, from the kept facts, equals
/// the one derived from scratch, at 1 and 2 threads.
fn assert_kept_equals_scratch(dir: &Dir) {
    for period in [["--month", "2024-03"], ["--week", "2024-W10"]] {
        for format in ["json", "md", "csv"] {
            let args = ["report", "visits", period[0], period[1], "--format", format];
            let kept = report(dir, &args, "1");
            assert_eq!(report(dir, &args, "2"), kept, "{args:?} at 2 threads");
            let mut scratch_args = vec!["--from-scratch"];
            scratch_args.extend(args);
            for threads in ["1", "2"] {
                assert_eq!(
                    report(dir, &scratch_args, threads),
                    kept,
                    "{args:?} from scratch at {threads} threads"
                );
            }
        }
    }
}

/// Worked by hand. March 2024 before the change: after-sales repair_quality Q1 5 and Q2 3
/// (2 answers, mean 4.0, 1 of at least 4), waiting_time Q1 4 and Q2 2 (2, 3.0, 1); sales
/// consultant_attitude Q3 4 (1, 4.0, 1); Q4 is April's. After Q2's repair_quality becomes
/// 5 and Q1's waiting_time is voided: repair_quality 5 and 5 (2, 5.0, 2), waiting_time Q2's
/// 2 alone (1, 2.0, 0), consultant_attitude unchanged.
#[test]
fn an_import_of_answers_alone_changes_the_kept_per_question_figures() {
    let dir = Dir::new();
    dir.write("base/customers.csv", CUSTOMERS);
    dir.write("base/surveys.csv", SURVEYS);
    dir.write("base/survey_answers.csv", ANSWERS);
    dir.ok(&["import", dir.join("base").to_str().unwrap()]);

    let before = report(&dir, &REPORT, "1");
    assert_eq!(
        per_question(&before),
        [
            line("after_sales", "repair_quality", 2, 4.0, 1),
            line("after_sales", "waiting_time", 2, 3.0, 1),
            line("sales", "consultant_attitude", 1, 4.0, 1),
        ]
    );
    assert_kept_equals_scratch(&dir);

    let changes = dir.write("changes/survey_answers.csv", CHANGES);
    dir.ok(&["import", "--amend", changes.to_str().unwrap()]);
    // The reports below read the kept facts: brought up to date by the import, and equal to
    // a derivation from scratch customer by customer.
    assert_verified(&dir);

    let after = report(&dir, &REPORT, "1");
    assert_eq!(
        per_question(&after),
        [
            line("after_sales", "repair_quality", 2, 5.0, 2),
            line("after_sales", "waiting_time", 1, 2.0, 0),
            line("sales", "consultant_attitude", 1, 4.0, 1),
        ]
    );
    let v: Value = serde_json::from_str(&after).unwrap();
    // Over every department: 5, 5 and 2 and 4 → repair_quality (2, 5.0), waiting_time (1,
    // 2.0), consultant_attitude (1, 4.0), by question token.
    let questions: Vec<(&str, u64, f64)> = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["question"].as_str().unwrap(),
                q["answers"].as_u64().unwrap(),
                q["mean_score"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        questions,
        [
            ("consultant_attitude", 1, 4.0),
            ("repair_quality", 2, 5.0),
            ("waiting_time", 1, 2.0)
        ]
    );
    // The surveys themselves did not change: 3 in March, overall 5, 3, 4.
    assert_eq!(v["surveys"]["count"], 3);
    assert_eq!(v["surveys"]["satisfied"], 2);
    assert_kept_equals_scratch(&dir);
    // The comments (masked) come from the kept facts as from the records.
    let md = report(
        &dir,
        &["report", "visits", "--month", "2024-03", "--format", "md"],
        "1",
    );
    assert!(!md.contains("13800001111"), "{md}");
}

/// A survey moved to another customer by an amendment takes its answers with it: both
/// customers are derived again, and the report and `verify` agree with the records.
#[test]
fn a_survey_moved_to_another_customer_keeps_its_answers_in_the_kept_facts() {
    let dir = Dir::new();
    dir.write("base/customers.csv", CUSTOMERS);
    dir.write("base/surveys.csv", SURVEYS);
    dir.write("base/survey_answers.csv", ANSWERS);
    dir.ok(&["import", dir.join("base").to_str().unwrap()]);
    let moved = dir.write(
        "moved/surveys.csv",
        "survey_id,attempt_id,customer_id,at,subject_department,overall,issues,comment\n\
         Q1,,C2,2024-03-05 10:00,after_sales,5,price,请致电13800001111\n",
    );
    dir.ok(&["import", "--amend", moved.to_str().unwrap()]);
    let changes = dir.write("changes/survey_answers.csv", CHANGES);
    dir.ok(&["import", "--amend", changes.to_str().unwrap()]);
    assert_verified(&dir);
    assert_eq!(
        per_question(&report(&dir, &REPORT, "1")),
        [
            line("after_sales", "repair_quality", 2, 5.0, 2),
            line("after_sales", "waiting_time", 1, 2.0, 0),
            line("sales", "consultant_attitude", 1, 4.0, 1),
        ]
    );
    assert_kept_equals_scratch(&dir);
}

/// `verify` finds the kept facts up to date: equal, customer by customer, to a derivation
/// from scratch under the rules in force.
fn assert_verified(dir: &Dir) {
    let verify = dir.ok(&["verify"]);
    assert!(
        verify.contains("kept facts: up to date under the rules in force"),
        "{verify}"
    );
}
