//! The facts kept by import equal a derivation from scratch (issue 11): random sequences of
//! imports — adds, amendments, voids, rows of any month in any order, referrals and families
//! that link customers — into one store; after each, the facts are brought up to date as
//! `careledger import` does, and then
//! - the kept facts equal a from-scratch derivation, customer by customer (`facts::check`);
//! - every month's visits, churn and payouts figures read from the facts equal those derived
//!   from scratch, and so do a year's churn figures (the visits report with who is behind
//!   its figures: owners, callers, outcomes; staff records change between imports and name
//!   no customer, so the owners by role must be resolved at report time to stay equal);
//!   so does the visits report of the weeks of every day events fall on, and both with
//!   their surveys' issues, comments and per-question figures, as survey answers (which
//!   name a survey, not a customer) are added, amended and voided, with their survey or on
//!   their own;
//! - under other rules, the reports derive from scratch, and the next import derives every
//!   customer again under those rules.

use std::path::PathBuf;

use proptest::prelude::*;

use careledger::csvio::{ParsedFile, Source, parse_source};
use careledger::facts::Rebuild;
use careledger::import::{ImportExt, ImportOptions};
use careledger::kpi::Derived;
use careledger::kpi::payouts::{PayoutInputs, compute, statement_span};
use careledger::model::{Day, Kind, Period};
use careledger::rules::Rules;
use careledger::store::Store;

/// Days events are dated on: clusters a few days apart (so calls credit tasks) and gaps
/// over 180 days (so customers are lost and come back).
const DAYS: [&str; 12] = [
    "2023-01-10",
    "2023-01-12",
    "2023-02-01",
    "2023-09-01",
    "2023-09-03",
    "2024-01-05",
    "2024-03-20",
    "2024-03-22",
    "2024-10-01",
    "2024-10-04",
    "2025-05-01",
    "2025-05-02",
];
const CUSTOMERS: u8 = 6;
const DEPARTMENTS: [&str; 3] = ["sales", "after_sales", "customer_care"];
/// Questions an answer may be to: one of sales' own, one of after-sales', one no list
/// knows (ordered last, by token).
const QUESTIONS: [&str; 3] = ["consultant_attitude", "waiting_time", "coffee"];
/// Issue tokens a survey may name (bit i of its issues for `ISSUES[i]`).
const ISSUES: [&str; 3] = ["price", "waiting_time", "parking"];
/// Comments a survey may carry: none, plain, and one with a phone number the report masks
/// (and a comma, so the cell is quoted).
const COMMENTS: [&str; 3] = ["", "服务很好", "请回电 13800001111, 谢谢"];
const PURPOSES: [&str; 8] = [
    "delivery_call_1",
    "thank_you_letter",
    "delivery_call_2",
    "delivery_call_3",
    "service_followup",
    "churn_recovery",
    "care",
    "insurance_renewal",
];
/// Reasons an attempt may give (DOMAIN.md section 14); empty for none.
const REASONS: [&str; 3] = ["", "poor_service", "cheaper_elsewhere"];
const OUTCOMES: [&str; 7] = [
    "reached",
    "sent",
    "no_answer",
    "refused",
    "busy",
    "wrong_number",
    "callback",
];
/// Who sells, repairs and calls: a sale's consultant, an order's advisor, an attempt's
/// staff, chosen by the record's id (empty: the record names nobody).
const CONSULTANTS: [&str; 3] = ["XS1", "XS2", ""];
const ADVISORS: [&str; 3] = ["SH1", "", "SH2"];
const CALLERS: [&str; 3] = ["KF1", "XS1", ""];
/// Roles a changing staff member `XM{id}` may have; empty for none.
const ROLES: [&str; 3] = ["manager", "consultant", ""];

/// A moment: one of `DAYS`, plus days and hours.
type When = (usize, u8, u8);

fn at(w: When) -> String {
    let base = chrono::NaiveDate::parse_from_str(DAYS[w.0], "%Y-%m-%d").unwrap();
    let day = base + chrono::Duration::days(i64::from(w.1));
    format!("{day} {:02}:15", w.2)
}

fn day(w: When) -> String {
    at(w)[..10].to_owned()
}

fn when() -> impl Strategy<Value = When> {
    (0..DAYS.len(), 0u8..4, 8u8..20)
}

fn customer() -> impl Strategy<Value = u8> {
    0..CUSTOMERS
}

/// One row of some file: an add with its cells, or a void of a key.
#[derive(Clone, Debug)]
enum Row {
    /// id, family, tags, created, contact consent.
    Customer(u8, Option<u8>, u8, When, bool),
    Sale(u8, u8, When, Option<u8>),
    Order(u8, u8, When, Option<u8>, u32, bool),
    Policy(u8, u8, When, Option<u8>),
    /// id, customer, at, purpose, outcome, reason.
    Attempt(u8, u8, When, usize, usize, usize),
    /// id, customer, at, department, overall, issues (bits of `ISSUES`), comment.
    Survey(u8, u8, When, usize, u8, u8, usize),
    /// survey id, question, score: added or amended.
    Answer(u8, usize, u8),
    /// survey id, question.
    VoidAnswer(u8, usize),
    /// A staff member `XM{id}` (added or amended): department index, role index, active
    /// from, active to.
    Staff(u8, usize, usize, When, Option<When>),
    Void(Kind, u8),
}

fn row() -> impl Strategy<Value = Row> {
    prop_oneof![
        1 => (customer(), proptest::option::of(0u8..2), 0u8..8, when(), proptest::bool::weighted(0.8))
            .prop_map(|(c, f, tags, w, consent)| Row::Customer(c, f, tags, w, consent)),
        2 => (0u8..8, customer(), when(), proptest::option::of(customer()))
            .prop_map(|(id, c, w, r)| Row::Sale(id, c, w, r)),
        2 => (
            0u8..10,
            customer(),
            when(),
            proptest::option::of(1u8..80),
            1u32..90_000,
            any::<bool>()
        )
            .prop_map(|(id, c, w, closed, revenue, consent)| Row::Order(
                id, c, w, closed, revenue, consent
            )),
        1 => (0u8..6, customer(), when(), proptest::option::of(customer()))
            .prop_map(|(id, c, w, r)| Row::Policy(id, c, w, r)),
        3 => (0u8..24, customer(), when(), 0..PURPOSES.len(), 0..OUTCOMES.len(), 0..REASONS.len())
            .prop_map(|(id, c, w, p, o, r)| Row::Attempt(id, c, w, p, o, r)),
        2 => (0u8..6, customer(), when(), 0..DEPARTMENTS.len(), 1u8..6, 0u8..8, 0..COMMENTS.len())
            .prop_map(|(id, c, w, d, score, issues, comment)| Row::Survey(id, c, w, d, score, issues, comment)),
        // Answers to the surveys most often added, so that most have one to go to.
        4 => (0u8..4, 0..QUESTIONS.len(), 1u8..6)
            .prop_map(|(id, q, score)| Row::Answer(id, q, score)),
        2 => (0u8..4, 0..QUESTIONS.len()).prop_map(|(id, q)| Row::VoidAnswer(id, q)),
        1 => (0u8..3, 0..DEPARTMENTS.len(), 0..ROLES.len(), when(), proptest::option::of(when()))
            .prop_map(|(id, d, r, from, to)| Row::Staff(id, d, r, from, to)),
        1 => (
            prop_oneof![
                Just(Kind::Sale),
                Just(Kind::ServiceOrder),
                Just(Kind::Policy),
                Just(Kind::Attempt),
                Just(Kind::Survey),
                Just(Kind::Customer)
            ],
            0u8..10
        )
            .prop_map(|(k, id)| Row::Void(k, id)),
    ]
}

fn prefix(kind: Kind) -> &'static str {
    match kind {
        Kind::Customer => "C",
        Kind::Sale => "S",
        Kind::ServiceOrder => "R",
        Kind::Policy => "P",
        Kind::Attempt => "A",
        _ => "Q",
    }
}

fn header(kind: Kind) -> &'static str {
    match kind {
        Kind::Staff => "staff_id,name,department,role,active_from,active_to",
        Kind::Customer => "customer_id,name,phone,family_id,tags,created_on,contact_consent",
        Kind::Sale => "sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id",
        Kind::ServiceOrder => {
            "order_id,customer_id,vin,opened_at,closed_at,revenue,advisor_id,followup_consent"
        }
        Kind::Policy => "policy_id,customer_id,start_on,referrer_id",
        Kind::Attempt => "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note,reason",
        Kind::SurveyAnswer => "survey_id,question,score",
        _ => "survey_id,attempt_id,customer_id,at,subject_department,overall,issues,comment",
    }
}

fn opt_customer(c: Option<u8>) -> String {
    c.map(|c| format!("C{c}")).unwrap_or_default()
}

/// The row's kind and its CSV line (with the `op` cell).
fn line(row: &Row) -> (Kind, String) {
    let tags = |t: u8| {
        [(1, "influential"), (2, "media"), (4, "suggestion_adopted")]
            .iter()
            .filter(|(bit, _)| t & bit != 0)
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(";")
    };
    match row {
        Row::Customer(c, f, t, w, consent) => (
            Kind::Customer,
            format!(
                "C{c},客户{c},,{},{},{},{consent},add",
                f.map(|f| format!("F{f}")).unwrap_or_default(),
                tags(*t),
                day(*w)
            ),
        ),
        Row::Sale(id, c, w, r) => (
            Kind::Sale,
            format!(
                "S{id},C{c},,{},{},150000.00,{},add",
                at(*w),
                CONSULTANTS[usize::from(*id) % 3],
                opt_customer(r.filter(|r| r != c))
            ),
        ),
        Row::Order(id, c, w, closed, revenue, consent) => {
            let closed = closed
                .map(|h| {
                    let opened =
                        chrono::NaiveDateTime::parse_from_str(&at(*w), "%Y-%m-%d %H:%M").unwrap();
                    (opened + chrono::Duration::hours(i64::from(h)))
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            (
                Kind::ServiceOrder,
                format!(
                    "R{id},C{c},,{},{closed},{}.{:02},{},{consent},add",
                    at(*w),
                    revenue / 100,
                    revenue % 100,
                    ADVISORS[usize::from(*id) % 3]
                ),
            )
        }
        Row::Policy(id, c, w, r) => (
            Kind::Policy,
            format!(
                "P{id},C{c},{},{},add",
                day(*w),
                opt_customer(r.filter(|r| r != c))
            ),
        ),
        Row::Attempt(id, c, w, p, o, r) => (
            Kind::Attempt,
            format!(
                "A{id},C{c},{},phone,{},{},{},,{},add",
                at(*w),
                CALLERS[usize::from(*id) % 3],
                PURPOSES[*p],
                OUTCOMES[*o],
                REASONS[*r]
            ),
        ),
        Row::Survey(id, c, w, d, score, issues, comment) => {
            let issues: Vec<&str> = ISSUES
                .iter()
                .enumerate()
                .filter(|(i, _)| issues & (1 << i) != 0)
                .map(|(_, t)| *t)
                .collect();
            (
                Kind::Survey,
                format!(
                    "Q{id},,C{c},{},{},{score},{},\"{}\",add",
                    at(*w),
                    DEPARTMENTS[*d],
                    issues.join(";"),
                    COMMENTS[*comment]
                ),
            )
        }
        Row::Answer(id, q, score) => (
            Kind::SurveyAnswer,
            format!("Q{id},{},{score},add", QUESTIONS[*q]),
        ),
        Row::VoidAnswer(id, q) => (Kind::SurveyAnswer, format!("Q{id},{},,void", QUESTIONS[*q])),
        Row::Staff(id, d, r, from, to) => (
            Kind::Staff,
            format!(
                "XM{id},经理{id},{},{},{},{},add",
                DEPARTMENTS[*d],
                ROLES[*r],
                day(*from),
                to.map(day).unwrap_or_default()
            ),
        ),
        Row::Void(kind, id) => {
            let commas = header(*kind).matches(',').count();
            (
                *kind,
                format!("{}{id}{},void", prefix(*kind), ",".repeat(commas)),
            )
        }
    }
}

fn parse(kind: Kind, text: &str) -> ParsedFile {
    let source = Source {
        path: PathBuf::from(kind.file_name()),
        kind,
    };
    parse_source(&source, text.as_bytes()).expect("the file is well-formed")
}

/// The rows as an import of them can take them: an answer to a survey that will not be
/// current after the rows is left out (a dangling reference would refuse the whole import),
/// and the void of a survey comes with the voids of its current answers (which would
/// otherwise still refer to it).
fn resolvable(store: &Store, rows: &[Row]) -> Vec<Row> {
    let reader = store.reader().unwrap();
    let key = |id: u8| format!("Q{id}");
    let mut current: std::collections::BTreeMap<u8, bool> = std::collections::BTreeMap::new();
    for row in rows {
        match row {
            Row::Survey(id, ..) => {
                current.insert(*id, true);
            }
            Row::Void(Kind::Survey, id) => {
                current.insert(*id, false);
            }
            _ => {}
        }
    }
    let is_current = |id: u8| {
        current
            .get(&id)
            .copied()
            .unwrap_or_else(|| reader.get(Kind::Survey, &key(id)).unwrap().is_some())
    };
    // Answers the store holds, and those the rows add before a void of them: a void of
    // any other answer would refuse the whole import.
    let mut answered: std::collections::BTreeSet<(u8, usize)> = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for row in rows {
        match row {
            Row::Answer(id, ..) if !is_current(*id) => {}
            Row::Answer(id, q, _) => {
                answered.insert((*id, *q));
                out.push(row.clone());
            }
            Row::VoidAnswer(id, q)
                if !answered.contains(&(*id, *q))
                    && reader
                        .get(
                            Kind::SurveyAnswer,
                            &format!("{}\t{}", key(*id), QUESTIONS[*q]),
                        )
                        .unwrap()
                        .is_none() => {}
            Row::Void(Kind::Survey, id) => {
                for a in reader.answers_of(&key(*id)).unwrap() {
                    let q = QUESTIONS.iter().position(|q| *q == a.question).unwrap();
                    out.push(Row::VoidAnswer(*id, q));
                }
                out.push(row.clone());
            }
            _ => out.push(row.clone()),
        }
    }
    out
}

/// Imports the rows (amendments allowed), one file per kind; a rejected import changes
/// nothing, which is as good a step as any.
fn import(store: &Store, rows: &[Row]) {
    let rows = &resolvable(store, rows)[..];
    let mut files = Vec::new();
    for kind in [
        Kind::Staff,
        Kind::Customer,
        Kind::Sale,
        Kind::ServiceOrder,
        Kind::Policy,
        Kind::Attempt,
        Kind::Survey,
        Kind::SurveyAnswer,
    ] {
        let lines: Vec<String> = rows
            .iter()
            .map(line)
            .filter(|(k, _)| *k == kind)
            .map(|(_, l)| l)
            .collect();
        if !lines.is_empty() {
            let text = format!("{},op\n{}\n", header(kind), lines.join("\n"));
            files.push(parse(kind, &text));
        }
    }
    if files.iter().any(|f| !f.errors.is_empty()) {
        return;
    }
    let options = ImportOptions {
        amend: true,
        ..ImportOptions::default()
    };
    let _ = store.import(&files, &options, &|_, _| {});
}

fn other_rules() -> Rules {
    use careledger::rules::TaskOwner;
    let mut rules = Rules::default();
    rules.churn.lapse_days = 90;
    rules.tiers.v2_visit_dates_min = 2;
    // Other owners: the consultant makes call 2, a manager of customer care owns the
    // follow-ups, the letters are the sales pool's.
    let tasks = &mut rules.visits.tasks;
    tasks.delivery_call_2.owner = TaskOwner::Consultant;
    tasks.service_followup.owner = TaskOwner::Role("manager".into());
    tasks.thank_you_letter.owner = TaskOwner::Pool;
    rules
}

/// Every figure read from the facts equals the one derived from scratch.
fn assert_facts_equal_scratch(store: &Store, rules: &Rules) -> Result<(), TestCaseError> {
    let reader = store.reader().unwrap();
    prop_assert!(careledger::facts::current(&reader, rules).unwrap());
    let checked = careledger::facts::check(&reader, rules, 10).unwrap();
    prop_assert_eq!(checked.standing, careledger::facts::Standing::Current);
    prop_assert!(checked.problems.is_empty(), "{:?}", checked.problems);
    let kept = Derived::load(&reader, rules).unwrap();
    prop_assert!(kept.reads_facts());
    let scratch = Derived::scratch(&reader, rules).unwrap();
    let directory = careledger::kpi::churn::staff_directory(&reader).unwrap();
    let mut months = Vec::new();
    for year in 2023..=2026 {
        for m in 1..=12 {
            months.push(Period::month(year, m).unwrap());
        }
    }
    // The weeks events fall in, some across a month's end (2023-09-01 is a Friday).
    let mut weeks: Vec<Period> = DAYS
        .iter()
        .flat_map(|d| {
            let day = Day::parse(d).unwrap();
            [Period::week_of(day), Period::week_of(Day(day.0 + 3))]
        })
        .collect();
    weeks.dedup();
    for week in &weeks {
        prop_assert_eq!(
            kept.visits(week).unwrap(),
            scratch.visits(week).unwrap(),
            "visits {}",
            week
        );
    }
    for month in &months {
        prop_assert_eq!(
            kept.visits(month).unwrap(),
            scratch.visits(month).unwrap(),
            "visits {}",
            month
        );
        prop_assert_eq!(
            kept.churn_report(month, Some(&directory)).unwrap(),
            scratch.churn_report(month, Some(&directory)).unwrap(),
            "churn {}",
            month
        );
        prop_assert_eq!(
            careledger::kpi::care::run(&reader, rules, month).unwrap(),
            careledger::kpi::care::run_scratch(&reader, rules, month).unwrap(),
            "care {}",
            month
        );
        prop_assert_eq!(
            careledger::kpi::tiers::run(&reader, rules, month, true).unwrap(),
            careledger::kpi::tiers::run_scratch(&reader, rules, month, true).unwrap(),
            "tiers {}",
            month
        );
        for day in [Day(month.first.0 + 14), month.last] {
            prop_assert_eq!(
                careledger::kpi::lost::lost_customers(&reader, rules, day).unwrap(),
                careledger::kpi::lost::lost_customers_scratch(&reader, rules, day).unwrap(),
                "lost {}",
                day
            );
        }
        let (first, last) = statement_span(month);
        let from_facts = PayoutInputs::load(&reader, rules, first, last).unwrap();
        let from_scratch = PayoutInputs::load_scratch(&reader, rules, first, last).unwrap();
        prop_assert_eq!(
            compute(&from_facts, rules, month).unwrap(),
            compute(&from_scratch, rules, month).unwrap(),
            "payouts {}",
            month
        );
    }
    for year in 2023..=2025 {
        let period = Period::year(year).unwrap();
        prop_assert_eq!(
            kept.churn_report(&period, Some(&directory)).unwrap(),
            scratch.churn_report(&period, Some(&directory)).unwrap()
        );
    }
    // Under other rules: facts derived for them into a temporary store, read a month at a
    // time, equal the derivation in memory.
    let other = if careledger::facts::fingerprint(rules)
        == careledger::facts::fingerprint(&Rules::default())
    {
        other_rules()
    } else {
        Rules::default()
    };
    let mut temporary = store.reader().unwrap();
    careledger::facts::derive_for(&mut temporary, &other).unwrap();
    let from_temporary = Derived::load(&temporary, &other).unwrap();
    prop_assert!(from_temporary.reads_facts());
    let in_memory = Derived::scratch(&reader, &other).unwrap();
    for month in months.iter().step_by(5) {
        prop_assert_eq!(
            from_temporary.visits(month).unwrap(),
            in_memory.visits(month).unwrap()
        );
        prop_assert_eq!(
            from_temporary.churn_report(month, None).unwrap(),
            in_memory.churn_report(month, None).unwrap()
        );
        prop_assert_eq!(
            careledger::kpi::tiers::run(&temporary, &other, month, true).unwrap(),
            careledger::kpi::tiers::run_scratch(&reader, &other, month, true).unwrap()
        );
        let (first, last) = statement_span(month);
        prop_assert_eq!(
            compute(
                &PayoutInputs::load(&temporary, &other, first, last).unwrap(),
                &other,
                month
            )
            .unwrap(),
            compute(
                &PayoutInputs::load_scratch(&reader, &other, first, last).unwrap(),
                &other,
                month
            )
            .unwrap()
        );
    }
    Ok(())
}

fn staff(store: &Store) {
    let text = format!(
        "{}\nKF1,李静,customer_care,,2020-01-01,\nXS1,王强,sales,,2020-01-01,\nXS2,孙丽,sales,,2020-01-01,\nSH1,赵敏,after_sales,,2020-01-01,\nSH2,周杰,after_sales,,2020-01-01,\nXM9,钱经理,sales,manager,2020-01-01,2023-12-31\n",
        header(Kind::Staff)
    );
    store
        .import(
            &[parse(Kind::Staff, &text)],
            &ImportOptions::default(),
            &|_, _| {},
        )
        .unwrap();
}

/// A store with the staff, every customer (so most rows' references resolve) and the
/// surveys answers go to, each with answers to two questions (so that later answers amend,
/// void and add to them): survey `Q{n}` is customer `C{n}`'s, answered `5 - n` to
/// questions `n` and `n + 1` (modulo 3) of `QUESTIONS`. Its facts are derived.
fn seeded(dir: &tempfile::TempDir) -> Store {
    let store = Store::open_or_create(&dir.path().join("s.redb")).unwrap();
    staff(&store);
    let everyone: Vec<Row> = (0..CUSTOMERS)
        .map(|c| Row::Customer(c, (c % 3 < 2).then_some(c % 2), c % 8, (0, 0, 9), true))
        .collect();
    import(&store, &everyone);
    let answered: Vec<Row> =
        (0..4u8)
            .map(|id| {
                let n = usize::from(id);
                Row::Survey(id, id, (n * 3, 1, 10), n % 3, id + 2, id, n % 3)
            })
            .chain((0..4u8).flat_map(|id| {
                (0..2).map(move |q| Row::Answer(id, (usize::from(id) + q) % 3, 5 - id))
            }))
            .collect();
    import(&store, &answered);
    careledger::facts::catch_up(&store, &Rules::default()).unwrap();
    store
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn kept_facts_equal_a_derivation_from_scratch(
        steps in proptest::collection::vec(
            (proptest::collection::vec(row(), 1..14), any::<bool>()),
            1..7,
        )
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = seeded(&dir);
        for (rows, under_other_rules) in &steps {
            import(&store, rows);
            let rules = if *under_other_rules { other_rules() } else { Rules::default() };
            // Chunks of two customers: the chunked ways run over several chunks.
            careledger::facts::catch_up_in_chunks_of(&store, &rules, Rebuild::OnlyForOtherRules, 2)
                .unwrap();
            assert_facts_equal_scratch(&store, &rules)?;
            // Reports under rules the facts do not follow derive from scratch.
            let reader = store.reader().unwrap();
            let other = if *under_other_rules { Rules::default() } else { other_rules() };
            prop_assert!(!Derived::load(&reader, &other).unwrap().reads_facts());
        }
    }
}

/// Worked by hand: C0 and C4 are family F0. C4 bought in January 2023 and answered a survey
/// on 2024-05-10; when C0's purchase of February 2023 is imported later, F0 has two buyers
/// as of 2024-04-30, so C4 is super VIP on the survey date (S1) — a fact of C4 changed by a
/// record of C0, which only the family link reaches.
#[test]
fn a_family_members_sale_changes_the_tier_kept_on_another_members_survey() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_or_create(&dir.path().join("s.redb")).unwrap();
    staff(&store);
    let rules = Rules::default();
    import(
        &store,
        &[
            Row::Customer(0, Some(0), 0, (0, 0, 9), true),
            Row::Customer(4, Some(0), 0, (0, 0, 9), true),
            Row::Sale(1, 4, (0, 0, 10), None),
        ],
    );
    // The survey's date is none of `DAYS`: its row is written out.
    let text = format!(
        "{},op\nQ1,,C4,2024-05-10 10:15,after_sales,5,,,add\n",
        header(Kind::Survey)
    );
    store
        .import(
            &[parse(Kind::Survey, &text)],
            &ImportOptions::default(),
            &|_, _| {},
        )
        .unwrap();
    careledger::facts::catch_up_with(&store, &rules, Rebuild::OnlyForOtherRules).unwrap();
    let survey_day = careledger::model::Day::parse("2024-05-10").unwrap().0;
    let tier = |store: &Store| {
        let mut tier = None;
        store
            .reader()
            .unwrap()
            .for_each_survey_fact(survey_day, survey_day, |f| {
                if f.survey_id == "Q1" {
                    tier = Some(f.tier);
                }
                Ok(())
            })
            .unwrap();
        tier
    };
    // One buyer in F0: C4 meets no criterion (one sale, one visit date in the trailing year).
    assert_eq!(tier(&store), Some(2), "general");

    import(&store, &[Row::Sale(2, 0, (2, 0, 10), None)]);
    // A new record only: derived in chunks, here of one customer, so C4's chunk must gather
    // its family's records itself.
    let done =
        careledger::facts::catch_up_in_chunks_of(&store, &rules, Rebuild::OnlyForOtherRules, 1)
            .unwrap();
    assert!(!done.rebuilt);
    // C0 (the sale's customer) and C4 (C0's family): two customers derived again.
    assert_eq!(done.customers, 2);
    assert_eq!(tier(&store), Some(0), "super VIP by S1");
    let reader = store.reader().unwrap();
    let checked = careledger::facts::check(&reader, &rules, 10).unwrap();
    assert_eq!(checked.customers, 2);
    assert!(checked.problems.is_empty(), "{:?}", checked.problems);
}

/// The command line's side: an import derives the facts; `verify` checks them against a
/// derivation from scratch; under other rules reports derive from scratch (same figures as
/// after `careledger facts` has derived the facts for those rules).
#[test]
fn verify_checks_the_kept_facts_and_facts_derives_them_for_other_rules() {
    let dir = crate::util::Dir::new();
    dir.with_base();
    let verify = dir.ok(&["verify"]);
    assert!(
        verify.contains("kept facts: up to date under the rules in force; 2 customers derived again from scratch and compared"),
        "{verify}"
    );
    let other = dir.write("other.toml", "[churn]\nlapse_days = 30\n");
    let other = other.to_str().unwrap();
    let verify = dir.ok(&["--rules", other, "verify"]);
    assert!(
        verify.contains("kept facts: follow other rules"),
        "{verify}"
    );
    let report = [
        "--rules", other, "report", "churn", "--month", "2024-08", "--format", "json",
    ];
    let from_scratch = dir.ok(&report);
    let derived = dir.ok(&["--rules", other, "facts"]);
    assert_eq!(
        derived,
        "kept facts: 2 customers derived again (every customer, under the rules in force)\n"
    );
    assert_eq!(
        dir.ok(&["--rules", other, "facts"]),
        "kept facts: up to date under the rules in force; nothing to derive\n"
    );
    assert_eq!(dir.ok(&report), from_scratch);
    let verify = dir.ok(&["--rules", other, "verify"]);
    assert!(verify.contains("kept facts: up to date"), "{verify}");
}

/// The complaints' and actions' figures read from the kept facts (the month's records plus
/// the stocks at its end) equal those derived from every complaint and action, after an
/// import that brings complaints and actions without their steps and one that brings the
/// steps (and so changes every stock).
#[test]
fn complaint_and_action_reports_from_the_facts_equal_those_from_scratch() {
    use careledger::derive::complaints::Workflow;
    use careledger::kpi::{actions, complaints};

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    careledger::generate(
        &careledger::GenConfig {
            customers: 600,
            months: 18,
            seed: 3,
            start_year: 2024,
            start_month: 1,
        },
        |name: &str| -> std::io::Result<Box<dyn std::io::Write>> {
            Ok(Box::new(std::fs::File::create(data.join(name))?))
        },
    )
    .unwrap();
    let store = Store::open_or_create(&dir.path().join("s.redb")).unwrap();
    let rules = Rules::default();
    let files_of = |kinds: &[Kind]| -> Vec<ParsedFile> {
        kinds
            .iter()
            .map(|k| {
                let text = std::fs::read_to_string(data.join(k.file_name())).unwrap();
                parse(*k, &text)
            })
            .collect()
    };
    let steps = [Kind::ComplaintStep, Kind::ActionStep];
    let first: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|k| !steps.contains(k))
        .collect();
    for kinds in [&first[..], &steps[..]] {
        store
            .import(&files_of(kinds), &ImportOptions::default(), &|_, _| {})
            .unwrap();
        careledger::facts::catch_up(&store, &rules).unwrap();
        let reader = store.reader().unwrap();
        assert!(careledger::facts::current(&reader, &rules).unwrap());
        let checked = careledger::facts::check(&reader, &rules, 10).unwrap();
        assert!(checked.problems.is_empty(), "{:?}", checked.problems);
        let w = Workflow::load(&reader, &rules).unwrap();
        assert!(w.complaints.len() > 20 && w.actions.len() > 20);
        for year in 2024..=2025 {
            for m in 1..=12 {
                let month = Period::month(year, m).unwrap();
                assert_eq!(
                    complaints::run(&reader, &rules, &month).unwrap(),
                    complaints::complaints_report_of(
                        &w.complaints,
                        &w.calendar,
                        &rules.complaints,
                        &month
                    ),
                    "complaints {month}"
                );
                assert_eq!(
                    actions::run(&reader, &rules, &month).unwrap(),
                    actions::actions_report(&w.actions, &month),
                    "actions {month}"
                );
            }
        }
    }
}

/// `--from-scratch` on a store past the versions reports derive in memory: the facts are
/// derived again from the records into a temporary store, which the reader then reads
/// instead of the store's own (memory bounded by a chunk, where the in-memory way held 14 GB
/// at 500 000 customers), with the figures of a derivation in memory. The limit is 0 here
/// (`prepare_with`), to take that way on a small store.
#[test]
fn ignoring_the_kept_facts_past_the_in_memory_limit_derives_them_into_a_temporary_store() {
    let dir = crate::util::lapse_store();
    let rules = Rules::default();
    let mut reader = Store::open_reader(&dir.db()).unwrap();
    assert!(careledger::facts::current(&reader, &rules).unwrap());
    // Under the limit nothing is derived beforehand: each report derives in memory.
    careledger::facts::prepare_with(&mut reader, &rules, true, u64::MAX).unwrap();
    assert!(!reader.reads_derived_facts());
    // Past it, the kept facts (current as they are) are not read: facts derived from the
    // records are.
    careledger::facts::prepare_with(&mut reader, &rules, true, 0).unwrap();
    assert!(reader.reads_derived_facts());
    let from_temporary = Derived::load(&reader, &rules).unwrap();
    assert!(from_temporary.reads_facts());
    let in_memory = Derived::scratch(&reader, &rules).unwrap();
    for m in [3, 9, 12] {
        let month = Period::month(2025, m).unwrap();
        assert_eq!(
            from_temporary.visits(&month).unwrap(),
            in_memory.visits(&month).unwrap()
        );
        assert_eq!(
            from_temporary.churn_report(&month, None).unwrap(),
            in_memory.churn_report(&month, None).unwrap()
        );
    }
}

/// The what-if reads each side through a reader prepared for its rules: past the in-memory
/// limit (0 here) each derives its facts into its own temporary store, and the comparison
/// is the one a single reader derives in memory.
#[test]
fn a_what_if_past_the_in_memory_limit_reads_each_side_from_derived_facts() {
    use careledger::kpi::payouts::compare;
    let dir = crate::util::lapse_store();
    let (in_force, proposed) = (Rules::default(), other_rules());
    let mut in_force_reader = Store::open_reader(&dir.db()).unwrap();
    careledger::facts::prepare_with(&mut in_force_reader, &in_force, true, 0).unwrap();
    let mut proposed_reader = Store::open_reader(&dir.db()).unwrap();
    careledger::facts::prepare_with(&mut proposed_reader, &proposed, false, 0).unwrap();
    assert!(in_force_reader.reads_derived_facts() && proposed_reader.reads_derived_facts());
    assert!(careledger::facts::current(&proposed_reader, &proposed).unwrap());
    let one = Store::open_reader(&dir.db()).unwrap();
    assert!(!careledger::facts::current(&one, &proposed).unwrap());
    for m in [6, 12] {
        let month = Period::month(2025, m).unwrap();
        let derived = compare(
            &in_force_reader,
            &in_force,
            &proposed_reader,
            &proposed,
            &month,
        )
        .unwrap();
        assert!(!derived.lines.is_empty(), "a month with payout lines");
        assert_eq!(
            derived,
            compare(&one, &in_force, &one, &proposed, &month).unwrap()
        );
    }
}

/// Imports of new records only add to the kept records of the customers they name, one
/// generation of `fact_record_additions` each, rather than rewriting them; the import that
/// would make one generation more than `GENERATIONS_MAX` folds them all back into
/// `fact_records`. An amendment derives its customers from the store and keeps their records
/// whole. After every import the kept facts and records equal a derivation from scratch.
#[test]
fn imports_of_new_records_add_a_generation_each_and_the_seventh_folds_them() {
    use careledger::store::facts::GENERATIONS_MAX;
    use std::collections::BTreeSet;
    assert_eq!(GENERATIONS_MAX, 6, "the expected counts below assume six");
    let dir = tempfile::tempdir().unwrap();
    let store = seeded(&dir);
    let rules = Rules::default();
    let catch_up = || {
        careledger::facts::catch_up_with(&store, &rules, Rebuild::OnlyForOtherRules).unwrap();
        assert_facts_equal_scratch(&store, &rules).unwrap();
    };
    let ids = |set: &[u8]| -> BTreeSet<String> { set.iter().map(|c| format!("C{c}")).collect() };
    let state = || {
        let reader = store.reader().unwrap();
        (
            reader.record_generations().unwrap().len(),
            reader.customers_with_additions().unwrap(),
        )
    };
    assert_eq!(
        state(),
        (0, BTreeSet::new()),
        "derived whole from the store"
    );
    // Import i: an attempt of C(i), a sale of C(i+1) referred by C(i+2), and an answer to a
    // question survey Q(i) of C(i) had none for (i < 4), or a new survey of C(i) answered.
    for i in 0..8u8 {
        let n = 200 + i;
        let mut rows = vec![
            Row::Attempt(n, i % 6, (10, 1, 10), 3, 0, 0),
            Row::Sale(n, (i + 1) % 6, (11, 0, 10), Some((i + 2) % 6)),
        ];
        if i < 4 {
            rows.push(Row::Answer(i, (usize::from(i) + 2) % 3, 3));
        } else {
            rows.push(Row::Survey(n, i % 6, (11, 1, 11), 0, 4, 0, 0));
            rows.push(Row::Answer(n, 0, 4));
        }
        import(&store, &rows);
        catch_up();
        // The customers with additions since the last fold: those imports i named.
        let expected = match i {
            0 => (1, ids(&[0, 1, 2])),
            1 => (2, ids(&[0, 1, 2, 3])),
            2 => (3, ids(&[0, 1, 2, 3, 4])),
            3..=5 => (usize::from(i) + 1, ids(&[0, 1, 2, 3, 4, 5])),
            // Six generations kept: the seventh import folds them.
            6 => (0, BTreeSet::new()),
            _ => (1, ids(&[1, 2, 3])),
        };
        assert_eq!(state(), expected, "after import {i}");
        if i == 0 {
            let reader = store.reader().unwrap();
            let referrer = reader.kept_records("C2").unwrap().unwrap();
            assert!(
                referrer.records.iter().any(|r| r.key() == "S200"),
                "the sale is kept under its referrer too"
            );
            let answers = &reader.kept_records("C0").unwrap().unwrap().answers["Q0"];
            let q = |name: &str, score: u8| (name.to_owned(), score);
            assert_eq!(
                answers,
                &vec![
                    q("coffee", 3),
                    q("consultant_attitude", 5),
                    q("waiting_time", 5)
                ],
                "the new answer among the kept ones, by question"
            );
        }
    }
    // Amending C1's attempt derives C1 and their family's C3 from the store: their records are
    // kept whole, and only C2's additions are left.
    import(&store, &[Row::Attempt(207, 1, (10, 2, 10), 3, 0, 0)]);
    catch_up();
    assert_eq!(state(), (1, ids(&[2])));
}
