//! Complaints (投诉) and their steps, corrective and preventive actions (整改/预防) and their
//! steps, the general manager who approves them, and the working calendar: the files of
//! DOMAIN.md sections 12–13.
//!
//! *Invariant:* nothing here draws from a stream the files of section 2 use. A customer's
//! complaints come from a stream of their own (`COMPLAINT_SALT`, per customer), the actions
//! from one stream for the whole run (`ACTION_SALT`), the general manager's name from a
//! third; what they are drawn from (unhappy surveys, refused calls) is noted while the
//! customer's rows are written, without a draw. So complaints and actions can be tuned
//! without moving a row of the files of section 2.
//!
//! Where complaints come from, and their proportions:
//! - a survey with overall 1 becomes a complaint in 80 % of cases, overall 2 in 45 %
//!   (raised 2–30 minutes after the survey: the caller takes it down);
//! - a call refused by the customer (outcome `refused`), in 20 % (raised 1–10 minutes
//!   after the call).
//!
//! Categories follow the survey's issue tokens, one of them drawn, mapped to the six of seed
//! `001_*` ([`category_of_issue`]): `waiting_time` → `response_time` (回应时间: the
//! customer waited), `price` → `broken_promise` (空头承诺: the bill differs from the quote),
//! the six categories as themselves. A survey without issues and a refused call draw from
//! service_attitude 35, response_time 20, broken_promise 15, process 12, information 10,
//! product_quality 8 (per 100).
//!
//! The clock (working time: Mon–Fri 08:30–17:30, holidays and 调休 days of `holidays.rs`):
//! escalated within 4.5 working hours 86 %, late (4.6–14 h) 11 %, never 3 %; replied within
//! 13.5 working hours 80 %, late (13.6–45 h) 14 %, never 6 %; a replied complaint resolved
//! within 3 working days 88 %; a resolved one reopened 1–10 days later 9 %, and resolved
//! again within 2–20 working hours 80 % of those. Every step is by the owner: the after-sales
//! manager for after-sales and insurance complaints, the customer-care manager for the rest.
//!
//! Actions: 2–4 a month; corrective 65 % (70 % of them for one of the month's complaints,
//! whose category is the subject and whose owner the owner), preventive 35 %; due 7–28 days
//! after being raised; approved by the general manager within the working day (95 %); done
//! on time 80 %, late (1–15 days after the due date) 12 %, never 8 %; verified by the
//! general manager 1–5 working days after done, 70 % of those done.

use super::*;
use crate::generator::holidays;
use crate::generator::{F_ACTION_STEPS, F_ACTIONS, F_CALENDAR, F_COMPLAINT_STEPS, F_COMPLAINTS};

/// Salts of the streams of this module (ASCII of "COMPLAIN", "ACTIONS_", "GENMGR__").
const COMPLAINT_SALT: u64 = 0x434F_4D50_4C41_494E;
const ACTION_SALT: u64 = 0x4143_5449_4F4E_535F;
const GM_SALT: u64 = 0x4745_4E4D_4752_5F5F;

/// The general manager's staff id: one person, for the whole period.
const GM_ID: &str = "ZJ001";

/// Working hours of the complaint clock (DOMAIN.md section 12's default rules).
const OPEN_SECS: i64 = 8 * HOUR + 30 * MINUTE;
const CLOSE_SECS: i64 = 17 * HOUR + 30 * MINUTE;

/// Complaints of one month an action may be raised for: the first few are enough, and the
/// bound keeps memory independent of the customer count.
const LINKABLE_PER_MONTH_MAX: usize = 8;

/// The working days of the period and some time after it, for the complaint clock.
struct WorkDays {
    working: Vec<bool>,
    /// Weekday of day 0, Monday = 0.
    first_weekday: i64,
}

impl WorkDays {
    /// Days past the period the table covers: a clock started near its end runs on.
    const MARGIN_DAYS: i64 = 120;

    fn new(cal: &Calendar) -> WorkDays {
        use chrono::Datelike;
        let first_weekday = i64::from(cal.start.weekday().num_days_from_monday());
        let days = cal.days_total + Self::MARGIN_DAYS;
        let mut working: Vec<bool> = (0..days).map(|d| (first_weekday + d) % 7 < 5).collect();
        let last = cal.start + chrono::Days::new(days as u64);
        for row in holidays::rows_for_years(cal.start.year()..=last.year()) {
            let day = (row.date - cal.start).num_days();
            if (0..days).contains(&day) {
                working[day as usize] = row.working;
            }
        }
        WorkDays {
            working,
            first_weekday,
        }
    }

    fn is_working(&self, day: i64) -> bool {
        match usize::try_from(day).ok().and_then(|d| self.working.get(d)) {
            Some(&w) => w,
            None => (self.first_weekday + day).rem_euclid(7) < 5,
        }
    }

    /// The earliest time at or after `t` whose working time from `t` is `need` seconds: the
    /// `add` of DOMAIN.md section 12.
    fn add(&self, t: i64, need: i64) -> i64 {
        let (mut day, mut time_of_day, mut need) = (t.div_euclid(DAY), t.rem_euclid(DAY), need);
        // Bounded: the generator adds at most a few working days, and every week has some.
        for _ in 0..1_000 {
            if self.is_working(day) {
                let from = time_of_day.max(OPEN_SECS);
                if from < CLOSE_SECS {
                    if need <= CLOSE_SECS - from {
                        return day * DAY + from + need;
                    }
                    need -= CLOSE_SECS - from;
                }
            }
            day += 1;
            time_of_day = 0;
        }
        unreachable!("no working time in 1,000 days")
    }
}

/// Something a complaint may be raised from.
struct Source {
    secs: i64,
    attempt: Option<u64>,
    survey: Option<u64>,
    dept: Dept,
    /// The survey's overall score; `None` for a refused call.
    overall: Option<u8>,
    issues: [Option<&'static str>; 2],
}

/// A complaint an action may name.
struct Linkable {
    no: u64,
    category: &'static str,
    owner: usize,
    raised_day: i64,
}

/// What this module keeps across customers: bounded by the months, not the customers.
pub(super) struct State {
    sources: Vec<Source>,
    work: WorkDays,
    /// Roster indexes of the managers of after_sales, customer_care and sales.
    after_sales_manager: usize,
    customer_care_manager: usize,
    sales_manager: usize,
    linkable: Vec<Vec<Linkable>>,
}

impl State {
    pub(super) fn new(cal: &Calendar, roster: &Roster) -> State {
        let manager = |dept: Dept| {
            roster
                .members
                .iter()
                .position(|m| m.dept == dept && m.role == "manager")
                .expect("every staffed department has a manager in its core")
        };
        State {
            sources: Vec::with_capacity(8),
            work: WorkDays::new(cal),
            after_sales_manager: manager(Dept::AfterSales),
            customer_care_manager: manager(Dept::CustomerCare),
            sales_manager: manager(Dept::Sales),
            linkable: (0..cal.month_starts().len()).map(|_| Vec::new()).collect(),
        }
    }

    /// Notes a survey just written; the unhappy ones may become complaints.
    pub(super) fn note_survey(
        &mut self,
        no: u64,
        attempt: Option<u64>,
        secs: i64,
        dept: Dept,
        overall: u8,
        issues: [Option<&'static str>; 2],
    ) {
        if overall <= 2 {
            self.sources.push(Source {
                secs,
                attempt,
                survey: Some(no),
                dept,
                overall: Some(overall),
                issues,
            });
        }
    }

    /// Notes a call the customer refused.
    pub(super) fn note_refused(&mut self, no: u64, secs: i64, purpose: &str) {
        let dept = match purpose {
            "service_followup" => Dept::AfterSales,
            p if p.starts_with("delivery_call") || p == "thank_you_letter" => Dept::Sales,
            _ => Dept::CustomerCare,
        };
        self.sources.push(Source {
            secs,
            attempt: Some(no),
            survey: None,
            dept,
            overall: None,
            issues: [None; 2],
        });
    }

    /// Who handles a complaint about `dept`.
    fn owner(&self, dept: Dept) -> usize {
        match dept {
            Dept::AfterSales | Dept::Insurance => self.after_sales_manager,
            _ => self.customer_care_manager,
        }
    }
}

/// The category of DOMAIN.md section 12 an issue token is reported under.
fn category_of_issue(issue: &str) -> &'static str {
    match issue {
        "waiting_time" => "response_time",
        "price" => "broken_promise",
        other => crate::model::COMPLAINT_CATEGORIES
            .iter()
            .map(|(token, _)| *token)
            .find(|token| *token == other)
            .unwrap_or("process"),
    }
}

/// Categories of complaints without an issue to go by, with their weights.
const CATEGORIES_DRAWN: [(&str, u32); 6] = [
    ("service_attitude", 35),
    ("response_time", 20),
    ("broken_promise", 15),
    ("process", 12),
    ("information", 10),
    ("product_quality", 8),
];

/// Subjects of actions not raised for a complaint: the categories and the two issue tokens
/// that are not categories.
const SUBJECTS: [&str; 8] = [
    "service_attitude",
    "response_time",
    "broken_promise",
    "process",
    "information",
    "product_quality",
    "waiting_time",
    "price",
];

impl Run<'_> {
    /// The general manager, after the roster: approves and verifies every action.
    pub(super) fn write_general_manager(&mut self) -> Result<()> {
        let rng = Rand::new(self.cfg.seed ^ GM_SALT);
        let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN_NAMES));
        let w = &mut self.w[F_STAFF];
        w.write_field(GM_ID)?;
        w.write_field(&name)?;
        w.write_field("management")?;
        w.write_field("general_manager")?;
        w.write_field(self.cal.date(0))?;
        w.write_field(b"")?;
        self.end_row(F_STAFF)
    }

    /// The complaints of one customer, from what was noted while their rows were written.
    pub(super) fn complaints(&mut self, c: &Customer) -> Result<()> {
        let sources = std::mem::take(&mut self.care.sources);
        let rng = Rand::for_customer(self.cfg.seed ^ COMPLAINT_SALT, c.index);
        for s in &sources {
            let per_mille = match s.overall {
                Some(1) => 800,
                Some(_) => 450,
                None => 200,
            };
            if rng.chance(per_mille) {
                self.complaint(&rng, c, s)?;
            }
        }
        self.care.sources = sources;
        self.care.sources.clear();
        Ok(())
    }

    fn complaint(&mut self, rng: &Rand, c: &Customer, s: &Source) -> Result<()> {
        let raised = if s.survey.is_some() {
            s.secs + rng.range(2 * MINUTE, 30 * MINUTE)
        } else {
            s.secs + rng.range(MINUTE, 10 * MINUTE)
        };
        // Complaints are the window's: the warm-up holds only the history its reports need.
        if !self.cal.in_window(raised) {
            return Ok(());
        }
        let named: Vec<&'static str> = s.issues.iter().flatten().copied().collect();
        let category = if named.is_empty() {
            let weights: Vec<u32> = CATEGORIES_DRAWN.iter().map(|(_, w)| *w).collect();
            CATEGORIES_DRAWN[rng.weighted(&weights)].0
        } else {
            category_of_issue(rng.pick::<&str>(&named))
        };
        let owner = self.care.owner(s.dept);
        self.next.complaint += 1;
        let no = self.next.complaint;
        let summaries = COMPLAINT_SUMMARIES
            .iter()
            .find(|(c, _)| *c == category)
            .map(|(_, s)| *s)
            .expect("a summary for every category");
        let w = &mut self.w[F_COMPLAINTS];
        w.write_field(self.cell.id("T", no, ID_WIDTH))?;
        w.write_field(self.cell.id("C", c.no(), ID_WIDTH))?;
        w.write_field(self.cell.datetime(self.cal, raised))?;
        w.write_field(category)?;
        w.write_field(s.dept.token())?;
        w.write_field(if s.attempt.is_some() {
            "phone"
        } else {
            "survey"
        })?;
        match s.attempt {
            Some(a) => w.write_field(self.cell.id("A", a, ID_WIDTH))?,
            None => w.write_field(b"")?,
        }
        match s.survey {
            Some(q) => w.write_field(self.cell.id("Q", q, ID_WIDTH))?,
            None => w.write_field(b"")?,
        }
        w.write_field(&self.roster.members[owner].id)?;
        if rng.chance(700) {
            w.write_field(rng.pick(summaries))?;
        } else {
            w.write_field(b"")?;
        }
        self.end_row(F_COMPLAINTS)?;

        let raised_day = raised / DAY;
        let month = &mut self.care.linkable[usize::from(self.cal.month(raised_day))];
        if month.len() < LINKABLE_PER_MONTH_MAX {
            month.push(Linkable {
                no,
                category,
                owner,
                raised_day,
            });
        }

        // The clock, in working time from raised_at (DOMAIN.md section 12).
        let work = &self.care.work;
        let add = |t: i64, hours_x10: (i64, i64)| {
            work.add(
                t,
                rng.range(hours_x10.0 * HOUR / 10, hours_x10.1 * HOUR / 10),
            )
        };
        let escalated = match rng.weighted(&[86, 11, 3]) {
            0 => Some(add(raised, (2, 44))),
            1 => Some(add(raised, (46, 140))),
            _ => None,
        };
        let replied = match rng.weighted(&[80, 14, 6]) {
            0 => Some(add(raised, (10, 134))),
            1 => Some(add(raised, (136, 450))),
            _ => None,
        }
        .map(|t| match escalated {
            Some(e) if t < e => add(e, (2, 10)),
            _ => t,
        });
        let resolved = replied
            .filter(|_| rng.chance(880))
            .map(|r| add(r, (0, 270)));
        let reopened = resolved
            .filter(|_| rng.chance(90))
            .map(|r| work.add(r + rng.range(DAY, 10 * DAY), 0));
        let resolved_again = reopened
            .filter(|_| rng.chance(800))
            .map(|r| add(r, (20, 200)));
        let steps = [
            ("escalated", escalated, NOTE_ESCALATED),
            ("replied", replied, NOTE_REPLIED),
            ("resolved", resolved, NOTE_RESOLVED),
            ("reopened", reopened, NOTE_REOPENED),
            ("resolved", resolved_again, NOTE_RESOLVED),
        ];
        for (step, at, notes) in steps {
            let Some(at) = at else { continue };
            // Seconds on the clock of the system the step is logged in.
            let at = at + rng.range(0, MINUTE);
            if !self.cal.contains(at) {
                // Later steps are later still: the period ends before them.
                break;
            }
            let w = &mut self.w[F_COMPLAINT_STEPS];
            w.write_field(self.cell.id("T", no, ID_WIDTH))?;
            w.write_field(step)?;
            w.write_field(self.cell.datetime(self.cal, at))?;
            w.write_field(&self.roster.members[owner].id)?;
            if rng.chance(500) {
                w.write_field(rng.pick(notes))?;
            } else {
                w.write_field(b"")?;
            }
            self.end_row(F_COMPLAINT_STEPS)?;
        }
        Ok(())
    }

    /// The actions of every month, after all customers (so that they can name complaints).
    pub(crate) fn actions(&mut self) -> Result<()> {
        let rng = Rand::new(self.cfg.seed ^ ACTION_SALT);
        let starts: Vec<i64> = self.cal.month_starts().iter().map(|(d, _)| *d).collect();
        // The window's months: the warm-up is history, nobody acts on it any more.
        for (m, &month_start) in starts.iter().enumerate().skip(self.cal.window_month) {
            let month_end = starts.get(m + 1).copied().unwrap_or(self.cal.days_total);
            for _ in 0..2 + rng.below(3) {
                self.action(&rng, m, month_start, month_end)?;
            }
        }
        Ok(())
    }

    fn action(&mut self, rng: &Rand, m: usize, month_start: i64, month_end: i64) -> Result<()> {
        let corrective = rng.chance(650);
        let linked = match &self.care.linkable[m][..] {
            [] => None,
            some if corrective && rng.chance(700) => Some(rng.pick(some)),
            _ => None,
        };
        let (raised_day, subject, owner, complaint) = match linked {
            Some(l) => (
                (l.raised_day + rng.range(0, 6)).min(month_end - 1),
                l.category,
                l.owner,
                Some(l.no),
            ),
            None => {
                let subject = *rng.pick(&SUBJECTS);
                let owner = match subject {
                    "response_time" | "process" => self.care.customer_care_manager,
                    "service_attitude" | "information" | "broken_promise" if rng.chance(400) => {
                        self.care.sales_manager
                    }
                    _ => self.care.after_sales_manager,
                };
                (
                    month_start + rng.range(0, month_end - month_start),
                    subject,
                    owner,
                    None,
                )
            }
        };
        let due_day = raised_day + rng.range(7, 29);
        self.next.action += 1;
        let no = self.next.action;
        let w = &mut self.w[F_ACTIONS];
        w.write_field(self.cell.id("M", no, ID_WIDTH))?;
        w.write_field(self.cal.date(raised_day))?;
        w.write_field(if corrective {
            "corrective"
        } else {
            "preventive"
        })?;
        w.write_field(subject)?;
        match complaint {
            Some(t) => w.write_field(self.cell.id("T", t, ID_WIDTH))?,
            None => w.write_field(b"")?,
        }
        w.write_field(&self.roster.members[owner].id)?;
        w.write_field(self.cal.date_any(due_day))?;
        w.write_field(rng.pick(if corrective {
            ACTION_CORRECTIVE
        } else {
            ACTION_PREVENTIVE
        }))?;
        self.end_row(F_ACTIONS)?;

        let work = &self.care.work;
        let owner_id = self.roster.members[owner].id.clone();
        let approved = rng
            .chance(950)
            .then(|| work.add(raised_day * DAY + rng.range(9 * HOUR, 17 * HOUR), 0));
        let done = match rng.weighted(&[80, 12, 8]) {
            0 => {
                let day = raised_day + rng.range(1, due_day - raised_day + 1);
                let t = work.add(day * DAY, rng.range(0, 8 * HOUR));
                // Done on a weekend rather than late: the owner kept the date.
                Some(if t / DAY > due_day {
                    due_day * DAY + rng.range(9 * HOUR, 17 * HOUR)
                } else {
                    t
                })
            }
            1 => Some(work.add((due_day + rng.range(1, 16)) * DAY, rng.range(0, 8 * HOUR))),
            _ => None,
        }
        .map(|t| match approved {
            Some(a) if t <= a => work.add(a, rng.range(HOUR, 3 * HOUR)),
            _ => t,
        });
        let verified = done
            .filter(|_| rng.chance(700))
            .map(|t| work.add(t, rng.range(9 * HOUR, 45 * HOUR)));
        let steps = [
            ("approved", approved, GM_ID),
            ("done", done, owner_id.as_str()),
            ("verified", verified, GM_ID),
        ];
        for (step, at, staff) in steps {
            let Some(at) = at else { continue };
            let at = at + rng.range(0, MINUTE);
            if !self.cal.contains(at) {
                break;
            }
            let w = &mut self.w[F_ACTION_STEPS];
            w.write_field(self.cell.id("M", no, ID_WIDTH))?;
            w.write_field(step)?;
            w.write_field(self.cell.datetime(self.cal, at))?;
            w.write_field(staff)?;
            w.write_field(b"")?;
            self.end_row(F_ACTION_STEPS)?;
        }
        Ok(())
    }

    /// The public holidays and 调休 days of every year the period touches (none for years
    /// outside `holidays.rs`'s table).
    pub(crate) fn calendar(&mut self) -> Result<()> {
        let years = self.cal.year(self.cal.window_start)..=self.cal.year(self.cal.last_day());
        for row in holidays::rows_for_years(years) {
            let w = &mut self.w[F_CALENDAR];
            w.write_field(row.date.format("%Y-%m-%d").to_string())?;
            w.write_field(if row.working { "true" } else { "false" })?;
            w.write_field(&row.name)?;
            self.end_row(F_CALENDAR)?;
        }
        Ok(())
    }
}
