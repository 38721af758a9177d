//! One customer's story: a purchase (or a first service visit), the service visits that
//! follow every few months, lapses of more than 180 days with or without recovery calls,
//! insurance renewals, the return-visit calls customer care makes, and the surveys those
//! calls collect. All rows of a customer are written before the next one starts.
//!
//! Probabilities are per mille unless a name says otherwise; day counts are days since
//! the period's first day, times are seconds since its first midnight.

use std::mem;

mod cadence;
mod care;

/// Writing a row fails only when its file cannot be written.
type Result<T> = std::result::Result<T, csv::Error>;

use super::calendar::{Calendar, Cell, DAY, HOUR, MINUTE, work_time, work_time_on};
use super::rng::{Rand, mix};
use super::staff::{Dept, Roster};
use super::text::*;
use super::{
    F_ANSWERS, F_CONTACTS, F_CUSTOMERS, F_INSURANCE, F_ORDERS, F_SALES, F_STAFF, F_SURVEYS, FILES,
    GenConfig, Writer,
};

/// Width of the numeric part of customer, sale, order, policy, attempt, survey and
/// family ids: room for 99,999,999 of each before the ids merely grow longer.
const ID_WIDTH: usize = 8;

/// Every `HUB_SPACING`-th customer is a "hub" that later customers tend to name as
/// referrer, so that some customers collect 3+ referred sales (tier criterion S3) or
/// policies (S6) while others name random earlier customers.
const HUB_SPACING: u64 = 40;

/// A customer counts as lost 180 days after a visit with no next visit (DOMAIN.md §5).
const LOST_AFTER_DAYS: i64 = 180;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Reached,
    Sent,
    NoAnswer,
    Busy,
    Callback,
    WrongNumber,
    Refused,
}

impl Outcome {
    fn token(self) -> &'static str {
        match self {
            Outcome::Reached => "reached",
            Outcome::Sent => "sent",
            Outcome::NoAnswer => "no_answer",
            Outcome::Busy => "busy",
            Outcome::Callback => "callback",
            Outcome::WrongNumber => "wrong_number",
            Outcome::Refused => "refused",
        }
    }

    fn notes(self) -> &'static [&'static str] {
        match self {
            Outcome::Reached => NOTE_REACHED,
            Outcome::Sent => NOTE_SENT,
            Outcome::NoAnswer => NOTE_NO_ANSWER,
            Outcome::Busy => NOTE_BUSY,
            Outcome::Callback => NOTE_CALLBACK,
            Outcome::WrongNumber => NOTE_WRONG,
            Outcome::Refused => NOTE_REFUSED,
        }
    }

    /// Worth calling again later.
    fn retry(self) -> bool {
        matches!(self, Outcome::NoAnswer | Outcome::Busy | Outcome::Callback)
    }
}

/// Outcomes of a phone call, with their weights for return-visit calls and for
/// recovery calls to lapsed customers (who pick up less and refuse more).
const PHONE_OUTCOMES: [Outcome; 6] = [
    Outcome::Reached,
    Outcome::NoAnswer,
    Outcome::Busy,
    Outcome::Callback,
    Outcome::WrongNumber,
    Outcome::Refused,
];
/// How many calls that reach the customer end with a satisfaction survey, per kind of call:
/// most of them (the 回访 is where the survey is taken), fewer on the 7-day call, which
/// mostly checks that all is well, and on recovery calls, where it is not.
const SURVEY_DELIVERY_1_PER_MILLE: u64 = 800;
const SURVEY_DELIVERY_3_PER_MILLE: u64 = 450;
const SURVEY_FOLLOWUP_PER_MILLE: u64 = 820;
const SURVEY_RECOVERY_PER_MILLE: u64 = 450;
const SURVEY_CARE_PER_MILLE: u64 = 300;

const PHONE_WEIGHTS_FOLLOWUP: [u32; 6] = [74, 13, 5, 3, 2, 3];
const PHONE_WEIGHTS_CHURN: [u32; 6] = [45, 25, 8, 7, 7, 8];

/// How often a customer comes back for service.
#[derive(Clone, Copy)]
enum Habit {
    /// Ride-hailing drivers and the like: every few weeks, enough for tier criterion S2.
    Frequent,
    /// Every 2–6 months, seldom lapsing.
    Regular,
    /// Every 3–6 months, often lapsing.
    Drifting,
}

impl Habit {
    fn gap_days(self, rng: &Rand) -> i64 {
        match self {
            Habit::Frequent => rng.range(15, 61),
            Habit::Regular => rng.range(70, LOST_AFTER_DAYS + 1),
            Habit::Drifting => rng.range(100, LOST_AFTER_DAYS + 1),
        }
    }

    fn lapse_per_mille(self) -> u64 {
        match self {
            Habit::Frequent => 30,
            Habit::Regular => 70,
            Habit::Drifting => 350,
        }
    }
}

/// A recovery attempt planned for a lapse; written only if it happens before the
/// customer's actual return (and inside the period).
struct Planned {
    secs: i64,
    channel: &'static str,
    staff: usize,
    outcome: Outcome,
    /// Why the customer left, as they say on the call.
    reason: Option<&'static str>,
}

#[derive(Default)]
struct Counters {
    sale: u64,
    order: u64,
    policy: u64,
    attempt: u64,
    survey: u64,
    family: u64,
    vehicle: u64,
    complaint: u64,
    action: u64,
}

/// Consecutive customers form families of 2–4 members; this is the open one.
#[derive(Default)]
struct Family {
    id: u64,
    members_left: u32,
    surname: usize,
    /// From this day on two members have bought a car (tier criterion S1).
    pair_day: Option<i64>,
}

/// The first draws of a customer's stream, right after the family draws: whether they buy
/// a car, how often they come back, how long they stay, and their first visit. A function
/// of its own because the head of a family replays it for the members that follow
/// ([`Run::family_pair_day`]).
///
/// A steady state. Every customer stays with the dealership for a loyal span (buyers 2–8
/// years: most leave for an independent garage once the warranty is over; owners who bought
/// elsewhere 1–5 years), after which they stop coming (a last lapse with its recovery calls,
/// and no return). The first visit is drawn uniformly from `-span .. days`: the customers
/// whose span overlaps the generated period, arrivals before the warm-up included (their
/// earlier visits are not written). So the chance that a customer is active on a day is
/// span / (span + days) on every day of the period: as many active customers, visits and
/// losses in the window's first month as in its last.
struct Opening {
    buyer: bool,
    habit: Habit,
    first_day: i64,
    /// The last day the customer comes back; later they are gone for good.
    loyal_until: i64,
}

impl Opening {
    fn draw(rng: &Rand, days: i64) -> Opening {
        let buyer = rng.chance(700);
        let habit = match rng.weighted(&[50, 600, 350]) {
            0 => Habit::Frequent,
            1 => Habit::Regular,
            _ => Habit::Drifting,
        };
        let span = if buyer {
            rng.range(2 * 365, 8 * 365)
        } else {
            rng.range(365, 5 * 365)
        };
        let first_day = rng.range(-span, days);
        Opening {
            buyer,
            habit,
            first_day,
            loyal_until: first_day + span,
        }
    }
}

/// The tags of DOMAIN.md section 2 that have meaning, as written in `customers.csv`.
#[derive(Clone, Copy, Default)]
struct Tags {
    influential: bool,
    media: bool,
    suggestion_adopted: bool,
}

/// A visit (a sale or a service order), in the order written.
#[derive(Clone, Copy)]
struct Visit {
    day: i64,
    is_sale: bool,
}

/// What the rows of one customer need to know about them.
struct Customer {
    index: u64,
    created_day: i64,
    vins: [[u8; 17]; 2],
    vehicles: usize,
    tags: Tags,
    /// The family's [`Family::pair_day`], for a member of a family.
    family_pair_day: Option<i64>,
    /// The customer's care stream: consent, care by tier, renewal calls and renewals,
    /// reasons and repeated refusals of recovery calls (`customer/cadence.rs`).
    tend: Rand,
    /// `contact_consent`: without it, no care, renewal or recovery attempts.
    consent: bool,
    /// (month, day) of the customer's birthday (`cadence::draw_birthday`).
    birthday: (u32, u32),
}

impl Customer {
    fn no(&self) -> u64 {
        self.index + 1
    }
}

pub(crate) struct Run<'a> {
    cfg: &'a GenConfig,
    /// The one make the dealership sells and services ([`brand_of_seed`]).
    brand: &'static Brand,
    cal: &'a Calendar,
    roster: &'a Roster,
    w: Vec<Writer>,
    rows: [u64; FILES],
    cell: Cell,
    /// Scratch for multi-part cells (names, tags, issues).
    text: String,
    plan: Vec<Planned>,
    /// The visits of the customer being written (bounded: at least 15 days apart).
    visits: Vec<Visit>,
    /// The customer's surveys so far: (day, satisfied), for tier criterion S8.
    surveyed: Vec<(i64, bool)>,
    /// The start days of the customer's policies, for tier criteria S5 and V5.
    policy_days: Vec<i64>,
    /// Set while drawing calls that are not made (to a customer without consent): attempts
    /// and surveys write nothing.
    mute: bool,
    next: Counters,
    family: Family,
    /// What the complaints of sections 12–13 are drawn from (`care`), kept apart from the
    /// draws above so that the files of section 2 do not change.
    care: care::State,
}

impl<'a> Run<'a> {
    pub(crate) fn new(
        cfg: &'a GenConfig,
        cal: &'a Calendar,
        roster: &'a Roster,
        w: Vec<Writer>,
    ) -> Self {
        Run {
            cfg,
            brand: brand_of_seed(cfg.seed),
            cal,
            roster,
            w,
            rows: [0; FILES],
            cell: Cell::new(),
            text: String::with_capacity(64),
            plan: Vec::with_capacity(4),
            visits: Vec::with_capacity(64),
            surveyed: Vec::with_capacity(16),
            policy_days: Vec::with_capacity(8),
            mute: false,
            next: Counters::default(),
            family: Family::default(),
            care: care::State::new(cal, roster),
        }
    }

    pub(crate) fn finish(mut self) -> Result<[u64; FILES]> {
        for w in &mut self.w {
            w.flush()?;
        }
        Ok(self.rows)
    }

    fn end_row(&mut self, file: usize) -> Result<()> {
        self.w[file].write_record(None::<&[u8]>)?;
        self.rows[file] += 1;
        Ok(())
    }

    pub(crate) fn write_staff(&mut self) -> Result<()> {
        for m in &self.roster.members {
            let w = &mut self.w[F_STAFF];
            w.write_field(&m.id)?;
            w.write_field(&m.name)?;
            w.write_field(m.dept.token())?;
            w.write_field(m.role)?;
            w.write_field(self.cal.date(m.from_day))?;
            match m.to_day {
                Some(day) => w.write_field(self.cal.date(day))?,
                None => w.write_field(b"")?,
            }
            self.end_row(F_STAFF)?;
        }
        self.write_general_manager()
    }

    pub(crate) fn customer(&mut self, index: u64) -> Result<()> {
        let rng = Rand::for_customer(self.cfg.seed, index);
        let days = self.cal.days_total;
        let last = self.cal.last_day();

        let head = self.family.members_left == 0 && rng.chance(56);
        if head {
            self.family = Family {
                id: self.next.family + 1,
                members_left: 2 + rng.below(3) as u32,
                surname: rng.below(SURNAMES.len() as u64) as usize,
                pair_day: None,
            };
            self.next.family += 1;
        }
        let family = (self.family.members_left > 0).then(|| {
            self.family.members_left -= 1;
            (self.family.id, self.family.surname)
        });

        // Three in four customers buy a car in the period; the rest are owners of older
        // cars who come for service, mostly early in the period (they were due anyway).
        let Opening {
            buyer,
            habit,
            first_day,
            loyal_until,
        } = Opening::draw(&rng, days);
        if head {
            self.family.pair_day =
                self.family_pair_day(index, (buyer && first_day >= 0).then_some(first_day));
        }
        // Registered when they first came in (a test drive, a quote), before the warm-up for
        // an older customer.
        let created_day = first_day - rng.range(0, 21);
        let mut c = Customer {
            index,
            created_day,
            vins: [[0; 17]; 2],
            vehicles: 0,
            tags: Tags::default(),
            family_pair_day: family.and(self.family.pair_day),
            tend: Rand::for_customer(self.cfg.seed ^ cadence::TEND_SALT, index),
            consent: true,
            birthday: (1, 1),
        };
        c.consent = cadence::draw_consent(&c.tend);
        c.birthday = cadence::draw_birthday(&c.tend);
        self.customer_row(&rng, &mut c, family)?;

        let mut second_sale = (buyer && rng.chance(100))
            .then(|| first_day + rng.range(90, 730))
            .filter(|&day| day <= last);
        let mut day = first_day;
        let mut is_sale = buyer;
        let mut previous: Option<i64> = None;
        self.visits.clear();
        self.surveyed.clear();
        self.policy_days.clear();
        // Each turn writes one visit and decides the next; bounded because visits are
        // at least 15 days apart and stop at the end of the period. Visits before the warm-up
        // are not written: only the car bought then (and its insurance) carries on.
        loop {
            if day >= 0 {
                if is_sale {
                    self.sale(&rng, &mut c, day)?;
                } else {
                    self.order(&rng, &mut c, day, previous)?;
                }
                self.visits.push(Visit { day, is_sale });
            } else if is_sale {
                self.add_vehicle(&rng, &mut c, self.cal.year_any(day));
                if rng.chance(550) {
                    self.policies(&rng, &c, day)?;
                }
            }
            previous = Some(day);

            self.plan.clear();
            let candidate = if rng.chance(habit.lapse_per_mille()) {
                self.plan_lapse(&rng, &c, day, false)
            } else {
                Some(day + habit.gap_days(&rng))
            };
            // The loyal span is over: the customer does not come back, whoever calls.
            let candidate = match candidate {
                Some(n) if n > loyal_until => {
                    self.plan.clear();
                    self.plan_lapse(&rng, &c, day, true)
                }
                other => other,
            };
            let next = match (candidate, second_sale) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            // Recovery calls stop once the customer is back. A customer who withdrew
            // consent is on no work list (DOMAIN.md section 14): their calls are muted.
            let plan = mem::take(&mut self.plan);
            // Nor are calls made for a lapse after a visit before the warm-up: that visit is
            // not in the data, so neither is the episode.
            self.mute = !c.consent || day < 0;
            for p in plan
                .iter()
                .filter(|p| next.is_none_or(|n| p.secs / DAY < n))
            {
                self.recovery_attempt(&rng, &c, p)?;
            }
            self.mute = false;
            self.plan = plan;

            match next {
                Some(n) if n <= last => {
                    is_sale = second_sale == Some(n);
                    if is_sale {
                        second_sale = None;
                    }
                    day = n;
                }
                _ => break,
            }
        }

        if !buyer {
            if rng.chance(250) {
                self.policies(&rng, &c, first_day + rng.range(0, 200))?;
            }
            // A call logged as a delivery call for someone who bought no car here: an
            // unscheduled attempt.
            if rng.chance(20) {
                let t = work_time_on(&rng, first_day + 1);
                let staff = self.roster.pick(&rng, Dept::Sales, t / DAY, t / DAY);
                self.attempt(
                    &rng,
                    &c,
                    t,
                    "phone",
                    Some(staff),
                    "delivery_call_2",
                    Outcome::Reached,
                    None,
                )?;
            }
        }

        // Care by tier (DOMAIN.md section 14), from the customer's own care stream, now
        // that their visits are known.
        self.care_cadence(&c)?;
        // Last, from a stream of its own: the customer's complaints, from the unhappy
        // surveys and refused calls noted above.
        self.complaints(&c)
    }

    /// The day from which a family just started by customer `head` has two members with a
    /// sale (tier criterion S1), if it ever has: the second earliest first sale among the
    /// head (`head_sale_day`) and the members that follow, whose opening draws are replayed
    /// from their own streams (each member's stream starts with them, see [`Opening`]).
    /// Second cars are left out: an approximation, as every tier here is.
    fn family_pair_day(&self, head: u64, head_sale_day: Option<i64>) -> Option<i64> {
        let mut sale_days = [i64::MAX; 4];
        sale_days[0] = head_sale_day.unwrap_or(i64::MAX);
        let members_after = u64::from(self.family.members_left);
        for k in 1..=members_after {
            let index = head + k;
            if index >= self.cfg.customers {
                break;
            }
            let o = Opening::draw(
                &Rand::for_customer(self.cfg.seed, index),
                self.cal.days_total,
            );
            // A first sale before the warm-up is not in the data.
            if o.buyer && o.first_day >= 0 {
                sale_days[k as usize] = o.first_day;
            }
        }
        sale_days.sort_unstable();
        (sale_days[1] != i64::MAX).then_some(sale_days[1])
    }

    fn customer_row(
        &mut self,
        rng: &Rand,
        c: &mut Customer,
        family: Option<(u64, usize)>,
    ) -> Result<()> {
        let surname = match family {
            Some((_, surname)) if rng.chance(800) => surname,
            _ => rng.below(SURNAMES.len() as u64) as usize,
        };
        self.text.clear();
        self.text.push_str(SURNAMES[surname]);
        self.text.push_str(rng.pick::<&str>(GIVEN_NAMES));
        let w = &mut self.w[F_CUSTOMERS];
        w.write_field(self.cell.id("C", c.no(), ID_WIDTH))?;
        w.write_field(&self.text)?;

        if rng.chance(980) {
            let mut phone = [0u8; 11];
            phone[0] = b'1';
            phone[1] = *rng.pick(b"358");
            for digit in &mut phone[2..] {
                *digit = b'0' + rng.below(10) as u8;
            }
            w.write_field(phone)?;
        } else {
            w.write_field(b"")?;
        }
        match family {
            Some((id, _)) => w.write_field(self.cell.id("F", id, ID_WIDTH))?,
            None => w.write_field(b"")?,
        }

        let hub = c.index.is_multiple_of(HUB_SPACING);
        self.text.clear();
        let tags = [
            ("influential", if hub { 100 } else { 28 }),
            ("media", if hub { 150 } else { 8 }),
            ("suggestion_adopted", 30),
        ];
        for (tag, per_mille) in tags {
            if rng.chance(per_mille) {
                if !self.text.is_empty() {
                    self.text.push(';');
                }
                self.text.push_str(tag);
                match tag {
                    "influential" => c.tags.influential = true,
                    "media" => c.tags.media = true,
                    _ => c.tags.suggestion_adopted = true,
                }
            }
        }
        w.write_field(&self.text)?;
        w.write_field(self.cal.date_any(c.created_day))?;
        w.write_field(if c.consent { "true" } else { "false" })?;
        self.end_row(F_CUSTOMERS)
    }

    /// An earlier customer (index), often a hub; never the customer itself.
    fn referrer(rng: &Rand, index: u64) -> Option<u64> {
        if index == 0 {
            return None;
        }
        if rng.chance(600) {
            let hub_max = (index - 1) / HUB_SPACING;
            let hub = hub_max.saturating_sub(5) + rng.below(hub_max.min(5) + 1);
            Some(hub * HUB_SPACING)
        } else {
            Some(rng.below(index))
        }
    }

    /// A model of the brand, by its share of sales.
    fn model(&self, rng: &Rand) -> &'static Model {
        let weights: [u32; 8] =
            std::array::from_fn(|i| self.brand.models.get(i).map_or(0, |m| m.weight));
        &self.brand.models[rng.weighted(&weights[..self.brand.models.len()])]
    }

    fn new_vin(&mut self, rng: &Rand, model: &Model, model_year: i32) -> [u8; 17] {
        const YEAR_CODES: &[u8; 30] = b"ABCDEFGHJKLMNPRSTVWXY123456789";
        const PLANTS: &[u8; 10] = b"ABCDEFGHJK";
        self.next.vehicle += 1;
        let serial = self.next.vehicle;
        let mut vin = [b'0'; 17];
        vin[..3].copy_from_slice(rng.pick(self.brand.wmis).as_bytes());
        vin[3..8].copy_from_slice(model.vds.as_bytes());
        vin[9] = YEAR_CODES[(model_year - 1980).rem_euclid(30) as usize];
        vin[10] = PLANTS[(serial / 1_000_000 % 10) as usize];
        let mut rest = serial % 1_000_000;
        for i in (11..17).rev() {
            vin[i] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        vin[8] = vin_check_digit(&vin);
        vin
    }

    /// A car of the brand for the customer; its model.
    fn add_vehicle(&mut self, rng: &Rand, c: &mut Customer, model_year: i32) -> &'static Model {
        let slot = c.vehicles.min(1);
        let model = self.model(rng);
        c.vins[slot] = self.new_vin(rng, model, model_year);
        c.vehicles = (c.vehicles + 1).min(2);
        model
    }

    fn sale(&mut self, rng: &Rand, c: &mut Customer, day: i64) -> Result<()> {
        let delivered = day * DAY + 9 * HOUR + rng.range(0, 9 * 60) * MINUTE;
        // The consultant also makes the week of calls after delivery.
        let consultant = self.roster.pick(rng, Dept::Sales, day, day + 14);
        let model = self.add_vehicle(rng, c, self.cal.year(day));
        let slot = c.vehicles - 1;
        // The model's list price band in hundreds of yuan, most cars at the cheaper trims,
        // less a discount of up to 8 % in steps of 0.50 yuan.
        let u = rng.range(0, 1_000);
        let (lo, hi) = model.price_yuan;
        let price_fen = (lo + (hi - lo) * u * u / 1_000_000) / 100 * 100 * 100;
        let discount_fen = price_fen * rng.range(0, 80) / 1_000 / 50 * 50;
        let amount_fen = price_fen - discount_fen;
        let referrer = if rng.chance(100) {
            Self::referrer(rng, c.index)
        } else {
            None
        };

        self.next.sale += 1;
        let w = &mut self.w[F_SALES];
        w.write_field(self.cell.id("S", self.next.sale, ID_WIDTH))?;
        w.write_field(self.cell.id("C", c.no(), ID_WIDTH))?;
        w.write_field(c.vins[slot])?;
        w.write_field(self.cell.datetime(self.cal, delivered))?;
        w.write_field(&self.roster.members[consultant].id)?;
        w.write_field(self.cell.money(amount_fen))?;
        match referrer {
            Some(r) => w.write_field(self.cell.id("C", r + 1, ID_WIDTH))?,
            None => w.write_field(b"")?,
        }
        self.end_row(F_SALES)?;

        // Delivery calls at 24 h, 72 h and 168 h (000_*): mostly on time, some late
        // within the 48 h grace, some never made. Each window is (first, last second); the
        // call is placed inside it at a working hour ([`work_time`]), so an on-time call
        // stays on time and a late one late.
        let call_1 = match rng.weighted(&[82, 8, 10]) {
            0 => Some((delivered + HOUR, delivered + 24 * HOUR - MINUTE)),
            1 => Some((delivered + 25 * HOUR, delivered + 70 * HOUR)),
            _ => None,
        };
        if let Some(window) = call_1 {
            self.calls(
                rng,
                c,
                window,
                "delivery_call_1",
                consultant,
                Some((Dept::Sales, SURVEY_DELIVERY_1_PER_MILLE)),
            )?;
        }
        if rng.chance(880) {
            let t = work_time(rng, delivered + HOUR, delivered + 24 * HOUR - MINUTE);
            let (channel, staff) = match rng.weighted(&[30, 40, 30]) {
                0 => ("letter", Some(consultant)),
                1 => ("sms", rng.chance(500).then_some(consultant)),
                _ => ("wechat", Some(consultant)),
            };
            self.attempt(
                rng,
                c,
                t,
                channel,
                staff,
                "thank_you_letter",
                Outcome::Sent,
                None,
            )?;
        }
        let call_2 = match rng.weighted(&[75, 8, 17]) {
            0 => Some((delivered + 44 * HOUR, delivered + 72 * HOUR - MINUTE)),
            1 => Some((delivered + 73 * HOUR, delivered + 118 * HOUR)),
            _ => None,
        };
        if let Some(window) = call_2 {
            self.calls(rng, c, window, "delivery_call_2", consultant, None)?;
        }
        let call_3 = match rng.weighted(&[70, 8, 22]) {
            0 => Some((delivered + 120 * HOUR, delivered + 168 * HOUR - MINUTE)),
            1 => Some((delivered + 169 * HOUR, delivered + 214 * HOUR)),
            _ => None,
        };
        if let Some(window) = call_3 {
            self.calls(
                rng,
                c,
                window,
                "delivery_call_3",
                consultant,
                Some((Dept::Sales, SURVEY_DELIVERY_3_PER_MILLE)),
            )?;
        }
        // Now and then a third delivery call logged weeks too late: unscheduled.
        if rng.chance(5) {
            let t = work_time(rng, delivered + 35 * DAY, delivered + 60 * DAY);
            self.attempt(
                rng,
                c,
                t,
                "phone",
                Some(consultant),
                "delivery_call_3",
                Outcome::Reached,
                None,
            )?;
        }

        if rng.chance(550) {
            self.policies(rng, c, day)?;
        }
        Ok(())
    }

    fn order(
        &mut self,
        rng: &Rand,
        c: &mut Customer,
        day: i64,
        previous: Option<i64>,
    ) -> Result<()> {
        if c.vehicles == 0 {
            // An owner who bought elsewhere or before the period: an older car.
            let year = self.cal.year(day) - rng.range(1, 9) as i32;
            // An owner who bought the brand elsewhere: the workshop services its own make.
            self.add_vehicle(rng, c, year);
        }
        let vin = c.vins[rng.below(c.vehicles as u64) as usize];
        let opened = day * DAY + 8 * HOUR + rng.range(0, 9 * 60 + 30) * MINUTE;
        let kind = rng.below(1_000);
        let mut closed = if kind < 830 {
            opened + rng.range(30, 6 * 60) * MINUTE
        } else if kind < 970 {
            (day + 1) * DAY + 9 * HOUR + rng.range(0, 8 * 60) * MINUTE
        } else {
            (day + rng.range(2, 6)) * DAY + 10 * HOUR + rng.range(0, 7 * 60) * MINUTE
        };
        if kind < 830 && closed.rem_euclid(DAY) > 19 * HOUR {
            closed = (day + 1) * DAY + 9 * HOUR + rng.range(0, 3 * 60) * MINUTE;
        }
        // Cars still in the workshop: a few waiting for parts, many of the last days'.
        let still_open = if self.cal.end_secs - opened < 3 * DAY {
            rng.chance(500)
        } else {
            rng.chance(15)
        };
        let closed = (!still_open && self.cal.contains(closed)).then_some(closed);

        // Maintenance 300–2,000 yuan, repairs up to 8,000, some major repairs beyond (for
        // a mainstream brand; a luxury brand's workshop charges more).
        let revenue_yuan = match rng.weighted(&[70, 25, 5]) {
            0 => rng.range(300, 2_000),
            1 => rng.range(2_000, 8_000),
            _ => rng.range(8_000, 40_000),
        } * self.brand.service_percent
            / 100;
        let revenue_fen = revenue_yuan * 100
            + if rng.chance(500) {
                rng.range(0, 10) * 10
            } else {
                0
            };
        let advisor = self
            .roster
            .pick(rng, Dept::AfterSales, day, closed.map_or(day, |t| t / DAY));
        let consent = !rng.chance(50);

        // A maintenance reminder some days before a visit (保养提醒): care, though no tier's
        // cadence asks for it. Muted, draws and all, for a customer without consent.
        self.mute = !c.consent;
        if previous.is_some_and(|p| day - 14 > p) && rng.chance(150) {
            let t = work_time(rng, (day - 10) * DAY, (day - 3) * DAY);
            if rng.chance(600) {
                self.attempt(
                    rng,
                    c,
                    t,
                    "sms",
                    None,
                    "care",
                    Outcome::Sent,
                    Some(NOTE_MAINTENANCE),
                )?;
            } else {
                let staff = self.roster.pick(rng, Dept::CustomerCare, t / DAY, t / DAY);
                let outcome = if rng.chance(850) {
                    Outcome::Reached
                } else {
                    Outcome::NoAnswer
                };
                let id = self.attempt(
                    rng,
                    c,
                    t,
                    "phone",
                    Some(staff),
                    "care",
                    outcome,
                    Some(NOTE_MAINTENANCE),
                )?;
                if outcome == Outcome::Reached && rng.chance(SURVEY_CARE_PER_MILLE) {
                    self.survey(
                        rng,
                        c,
                        id,
                        t + rng.range(3 * MINUTE, 20 * MINUTE),
                        Dept::CustomerCare,
                    )?;
                }
            }
        }
        self.mute = false;

        self.next.order += 1;
        let order_no = self.next.order;
        let w = &mut self.w[F_ORDERS];
        w.write_field(self.cell.id("R", order_no, ID_WIDTH))?;
        w.write_field(self.cell.id("C", c.no(), ID_WIDTH))?;
        w.write_field(vin)?;
        w.write_field(self.cell.datetime(self.cal, opened))?;
        match closed {
            Some(t) => w.write_field(self.cell.datetime(self.cal, t))?,
            None => w.write_field(b"")?,
        }
        w.write_field(self.cell.money(revenue_fen))?;
        w.write_field(&self.roster.members[advisor].id)?;
        w.write_field(if consent { "true" } else { "false" })?;
        self.end_row(F_ORDERS)?;

        let Some(closed) = closed else { return Ok(()) };
        let closed_day = closed / DAY;
        if consent {
            let first = match rng.weighted(&[80, 7, 13]) {
                0 => Some((closed + 2 * HOUR, closed + 72 * HOUR - MINUTE)),
                1 => Some((closed + 73 * HOUR, closed + 116 * HOUR)),
                _ => None,
            };
            if let Some(window) = first {
                let staff = self
                    .roster
                    .pick(rng, Dept::CustomerCare, closed_day, closed_day + 8);
                self.calls(
                    rng,
                    c,
                    window,
                    "service_followup",
                    staff,
                    Some((Dept::AfterSales, SURVEY_FOLLOWUP_PER_MILLE)),
                )?;
            }
        } else if rng.chance(150) {
            // Called although the customer declined follow-up: no task, unscheduled.
            let t = work_time(rng, closed + 2 * HOUR, closed + 48 * HOUR);
            let staff = self.roster.pick(rng, Dept::CustomerCare, t / DAY, t / DAY);
            self.attempt(
                rng,
                c,
                t,
                "phone",
                Some(staff),
                "service_followup",
                Outcome::Refused,
                None,
            )?;
        }
        // A survey filled in on the tablet at the counter: no attempt behind it.
        if rng.chance(40) {
            self.survey(
                rng,
                c,
                None,
                closed + rng.range(5 * MINUTE, 40 * MINUTE),
                Dept::AfterSales,
            )?;
        }
        Ok(())
    }

    /// Decides what follows a lapse after the visit on `visit_day`: plans the recovery
    /// attempts into `self.plan` and returns the day the customer comes back, if ever.
    ///
    /// A call the customer answers or refuses tells why they left (the episode's reason,
    /// drawn once and now and then changed by a later call: `cadence::draw_reason`). After
    /// a refusal the manager sometimes tries once more; refused again, the episode is
    /// declared lost (最终宣告流失, DOMAIN.md section 14) and nobody calls again.
    ///
    /// `gone`: the customer's loyal span is over; whatever the calls, they never come back.
    fn plan_lapse(&mut self, rng: &Rand, c: &Customer, visit_day: i64, gone: bool) -> Option<i64> {
        let lost_on = visit_day + LOST_AFTER_DAYS;
        let mut success_day = None;
        let mut declared_lost = false;
        let mut second_try_success = None;
        if rng.chance(680) {
            let mut reason = None;
            let mut give_reason = |outcome: Outcome| {
                matches!(outcome, Outcome::Reached | Outcome::Refused).then(|| {
                    let r = match reason {
                        Some(r) if !c.tend.chance(200) => r,
                        _ => cadence::draw_reason(&c.tend),
                    };
                    reason = Some(r);
                    r
                })
            };
            let mut t = work_time(rng, lost_on * DAY, (lost_on + 26) * DAY);
            for _ in 0..3 {
                let (channel, outcome) = match rng.weighted(&[75, 15, 7, 3]) {
                    0 => ("phone", PHONE_OUTCOMES[rng.weighted(&PHONE_WEIGHTS_CHURN)]),
                    1 => ("sms", Outcome::Sent),
                    2 => ("wechat", Outcome::Sent),
                    _ => ("visit", Outcome::Reached),
                };
                let staff = self.roster.pick(rng, Dept::CustomerCare, t / DAY, t / DAY);
                self.plan.push(Planned {
                    secs: t,
                    channel,
                    staff,
                    outcome,
                    reason: give_reason(outcome),
                });
                if matches!(outcome, Outcome::Reached | Outcome::Sent) {
                    success_day = Some(t / DAY);
                    break;
                }
                if outcome == Outcome::Refused && c.tend.chance(cadence::TRY_AGAIN_PER_MILLE) {
                    // One more try a week or a few later, by phone or in person.
                    let t = work_time(&c.tend, t + 7 * DAY, t + 30 * DAY);
                    let channel = if c.tend.chance(800) { "phone" } else { "visit" };
                    let outcome = if c.tend.chance(cadence::REFUSED_AGAIN_PER_MILLE) {
                        Outcome::Refused
                    } else {
                        Outcome::Reached
                    };
                    let staff = self
                        .roster
                        .pick(&c.tend, Dept::CustomerCare, t / DAY, t / DAY);
                    self.plan.push(Planned {
                        secs: t,
                        channel,
                        staff,
                        outcome,
                        reason: give_reason(outcome),
                    });
                    if outcome == Outcome::Reached {
                        second_try_success = Some(t / DAY);
                    } else {
                        declared_lost = true;
                    }
                }
                if !outcome.retry() {
                    break;
                }
                t = work_time(rng, t + 2 * DAY, t + 8 * DAY);
            }
        }
        // The main stream decides; a second try (care stream) overrides.
        let back = match success_day {
            // Persuaded: back within 90 days of the call, which makes it a recovery.
            Some(day) if rng.chance(550) => Some(day + rng.range(1, 91)),
            // Comes back on their own some time later, or never.
            _ if rng.chance(450) => Some(visit_day + rng.range(LOST_AFTER_DAYS + 1, 561)),
            _ => None,
        };
        if gone {
            return None;
        }
        match second_try_success {
            // Declared lost: now and then they come back all the same, on their own.
            _ if declared_lost => c
                .tend
                .chance(150)
                .then(|| visit_day + c.tend.range(LOST_AFTER_DAYS + 60, 561)),
            Some(day) if c.tend.chance(550) => Some(day + c.tend.range(1, 91)),
            _ => back,
        }
    }

    fn recovery_attempt(&mut self, rng: &Rand, c: &Customer, p: &Planned) -> Result<()> {
        let notes = match p.reason {
            Some(reason) if p.outcome == Outcome::Reached => Some(cadence::reason_notes(reason)),
            _ if p.outcome == Outcome::Sent => Some(NOTE_CHURN_SENT),
            _ => None,
        };
        let id = self.attempt_with_reason(
            rng,
            c,
            p.secs,
            p.channel,
            Some(p.staff),
            "churn_recovery",
            p.outcome,
            notes,
            p.reason,
        )?;
        if p.outcome == Outcome::Reached && rng.chance(SURVEY_RECOVERY_PER_MILLE) {
            self.survey(
                rng,
                c,
                id,
                p.secs + rng.range(3 * MINUTE, 20 * MINUTE),
                Dept::CustomerCare,
            )?;
        }
        Ok(())
    }

    /// Yearly policies from `first_day`, each followed by the renewal reminder in the
    /// month before its anniversary and, more often after a call that reached the customer,
    /// by a renewal starting near the anniversary (`cadence.rs` says how often); a few
    /// customers renew early, before the reminder is due. Until the customer drops out or
    /// the period ends. Policies that start before the warm-up are not written (the chain
    /// of renewals carries on from them).
    fn policies(&mut self, rng: &Rand, c: &Customer, first_day: i64) -> Result<()> {
        let referrer = if rng.chance(80) {
            Self::referrer(rng, c.index)
        } else {
            None
        };
        let last = self.cal.last_day();
        let mut day = first_day;
        // Bounded: every renewal starts at least 300 days after the policy it renews.
        while day <= last {
            if day < 0 {
                match self.renewal(c, day)? {
                    Some(next) => {
                        day = next;
                        continue;
                    }
                    None => break,
                }
            }
            self.next.policy += 1;
            let w = &mut self.w[F_INSURANCE];
            w.write_field(self.cell.id("P", self.next.policy, ID_WIDTH))?;
            w.write_field(self.cell.id("C", c.no(), ID_WIDTH))?;
            w.write_field(self.cal.date(day))?;
            match referrer.filter(|_| day == first_day) {
                Some(r) => w.write_field(self.cell.id("C", r + 1, ID_WIDTH))?,
                None => w.write_field(b"")?,
            }
            self.end_row(F_INSURANCE)?;
            self.policy_days.push(day);
            match self.renewal(c, day)? {
                Some(next) => {
                    debug_assert!(next >= day + 300, "renewal {next} of policy {day}");
                    day = next;
                }
                None => break,
            }
        }
        Ok(())
    }

    /// Calls for one return-visit task, the first inside `window` (first and last second):
    /// a call that is not answered is usually tried again a few hours later, at most three
    /// calls in all.
    fn calls(
        &mut self,
        rng: &Rand,
        c: &Customer,
        window: (i64, i64),
        purpose: &'static str,
        staff: usize,
        survey: Option<(Dept, u64)>,
    ) -> Result<()> {
        let mut t = work_time(rng, window.0, window.1);
        for _ in 0..3 {
            let (channel, outcome) = if rng.chance(60) {
                (
                    "wechat",
                    if rng.chance(600) {
                        Outcome::Reached
                    } else {
                        Outcome::Sent
                    },
                )
            } else {
                (
                    "phone",
                    PHONE_OUTCOMES[rng.weighted(&PHONE_WEIGHTS_FOLLOWUP)],
                )
            };
            let id = self.attempt(rng, c, t, channel, Some(staff), purpose, outcome, None)?;
            if id.is_none() {
                break;
            }
            if let Some((dept, per_mille)) = survey
                && outcome == Outcome::Reached
                && rng.chance(per_mille)
            {
                // Some follow-up surveys rate the call itself, i.e. customer care.
                let dept = if purpose == "service_followup" && rng.chance(150) {
                    Dept::CustomerCare
                } else {
                    dept
                };
                self.survey(rng, c, id, t + rng.range(3 * MINUTE, 20 * MINUTE), dept)?;
            }
            if !outcome.retry() || !rng.chance(750) {
                break;
            }
            t = work_time(rng, t + HOUR, t + 26 * HOUR);
        }
        Ok(())
    }

    /// Writes one attempt without a reason unless it falls after the period; returns its
    /// number.
    #[allow(clippy::too_many_arguments)] // one cell each; a struct would only rename them
    fn attempt(
        &mut self,
        rng: &Rand,
        c: &Customer,
        secs: i64,
        channel: &str,
        staff: Option<usize>,
        purpose: &str,
        outcome: Outcome,
        notes: Option<&[&str]>,
    ) -> Result<Option<u64>> {
        self.attempt_with_reason(rng, c, secs, channel, staff, purpose, outcome, notes, None)
    }

    /// Writes one attempt unless it falls after the period; returns its number. `reason`
    /// is why a lost customer left (churn_recovery only).
    #[allow(clippy::too_many_arguments)] // one cell each; a struct would only rename them
    fn attempt_with_reason(
        &mut self,
        rng: &Rand,
        c: &Customer,
        secs: i64,
        channel: &str,
        staff: Option<usize>,
        purpose: &str,
        outcome: Outcome,
        notes: Option<&[&str]>,
        reason: Option<&str>,
    ) -> Result<Option<u64>> {
        debug_assert!(reason.is_none() || purpose == "churn_recovery");
        if !self.cal.contains(secs) {
            return Ok(None);
        }
        // Seconds on the clock of the phone system; stays inside the same minute.
        let secs = secs / MINUTE * MINUTE + rng.range(0, MINUTE);
        if self.mute {
            return Ok(None);
        }
        self.next.attempt += 1;
        let no = self.next.attempt;
        let w = &mut self.w[F_CONTACTS];
        w.write_field(self.cell.id("A", no, ID_WIDTH))?;
        w.write_field(self.cell.id("C", c.no(), ID_WIDTH))?;
        w.write_field(self.cell.datetime(self.cal, secs))?;
        w.write_field(channel)?;
        match staff {
            Some(i) => w.write_field(&self.roster.members[i].id)?,
            None => w.write_field(b"")?,
        }
        w.write_field(purpose)?;
        w.write_field(outcome.token())?;
        // A single note is the label of a templated message (a greeting, a reminder): always
        // logged. Free-text notes are written down now and then.
        if notes.is_some_and(|n| n.len() == 1) || rng.chance(450) {
            w.write_field(rng.pick(notes.unwrap_or(outcome.notes())))?;
        } else {
            w.write_field(b"")?;
        }
        w.write_field(reason.unwrap_or(""))?;
        self.end_row(F_CONTACTS)?;
        if outcome == Outcome::Refused {
            self.care.note_refused(no, secs, purpose);
        }
        Ok(Some(no))
    }

    /// Writes a survey (and its answers) unless it falls after the period.
    fn survey(
        &mut self,
        rng: &Rand,
        c: &Customer,
        attempt: Option<u64>,
        secs: i64,
        dept: Dept,
    ) -> Result<()> {
        if !self.cal.contains(secs) {
            return Ok(());
        }
        let (unhappy_base, issues, questions): (u64, &[&str], &[Question]) = match dept {
            Dept::Sales => (500, ISSUES_SALES, QUESTIONS_SALES),
            Dept::AfterSales => (800, ISSUES_AFTER_SALES, QUESTIONS_AFTER_SALES),
            Dept::Insurance => (700, ISSUES_INSURANCE, QUESTIONS_INSURANCE),
            Dept::CustomerCare | Dept::Marketing => (600, ISSUES_CARE, QUESTIONS_CARE),
        };
        let month = self.cal.month(secs / DAY);
        // Unhappy probability = base (per 10,000) × month factor (percent).
        let unhappy =
            rng.below(1_000_000) < unhappy_base * month_factor_percent(self.cfg.seed, dept, month);
        let overall: u64 = if unhappy {
            [1, 2, 3][rng.weighted(&[15, 30, 55])]
        } else if rng.chance(350) {
            4
        } else {
            5
        };

        self.text.clear();
        let issue_count = if unhappy {
            rng.weighted(&[8, 62, 30])
        } else {
            usize::from(rng.chance(40))
        };
        let first = rng.below(issues.len() as u64) as usize;
        let mut named: [Option<&'static str>; 2] = [None; 2];
        if issue_count >= 1 {
            self.text.push_str(issues[first]);
            named[0] = Some(issues[first]);
        }
        if issue_count >= 2 {
            let second = (first + 1 + rng.below(issues.len() as u64 - 1) as usize) % issues.len();
            self.text.push(';');
            self.text.push_str(issues[second]);
            named[1] = Some(issues[second]);
        }
        // The comment talks about the first issue named, if any.
        let comment = match named[0] {
            Some(issue) if rng.chance(if unhappy { 750 } else { 500 }) => {
                let (unhappy_says, minor) = comments_of_issue(issue);
                *rng.pick(if unhappy { unhappy_says } else { minor })
            }
            None if !unhappy && rng.chance(400) => *rng.pick(COMMENT_HAPPY),
            _ => "",
        };

        if self.mute {
            return Ok(());
        }
        self.next.survey += 1;
        let no = self.next.survey;
        let w = &mut self.w[F_SURVEYS];
        w.write_field(self.cell.id("Q", no, ID_WIDTH))?;
        match attempt {
            Some(a) => w.write_field(self.cell.id("A", a, ID_WIDTH))?,
            None => w.write_field(b"")?,
        }
        w.write_field(self.cell.id("C", c.no(), ID_WIDTH))?;
        w.write_field(self.cell.datetime(self.cal, secs))?;
        w.write_field(dept.token())?;
        w.write_field(self.cell.uint(overall))?;
        w.write_field(&self.text)?;
        w.write_field(comment)?;
        self.end_row(F_SURVEYS)?;
        self.surveyed.push((secs / DAY, overall >= 4));
        self.care
            .note_survey(no, attempt, secs, dept, overall as u8, named);

        // 2–5 distinct questions of the department, scores close to the overall, leaning
        // as the question does; a question about an issue the survey names scores 1–2
        // points below the overall.
        let mut order = [0usize, 1, 2, 3, 4];
        let pool = questions.len().min(order.len());
        let count = 2 + rng.below(pool as u64 - 1) as usize;
        for i in 0..count {
            let j = i + rng.below((pool - i) as u64) as usize;
            order.swap(i, j);
            let (question, lean) = questions[order[i]];
            let about_issue = named.iter().flatten().any(|issue| {
                QUESTION_ISSUES
                    .iter()
                    .any(|(i, q)| i == issue && *q == question)
            });
            let score = if about_issue {
                overall.saturating_sub(1 + rng.below(2)).max(1)
            } else {
                match rng.weighted(&lean) {
                    0 => overall.saturating_sub(1).max(1),
                    1 => overall,
                    _ => (overall + 1).min(5),
                }
            };
            let w = &mut self.w[F_ANSWERS];
            w.write_field(self.cell.id("Q", no, ID_WIDTH))?;
            w.write_field(question)?;
            w.write_field(self.cell.uint(score))?;
            self.end_row(F_ANSWERS)?;
        }
        Ok(())
    }
}

/// How a department fares in a month, in percent of its usual share of unhappy
/// customers: some months are excellent (10 %, often a 100 % satisfaction rate), the
/// others between 50 % and 180 %. A pure function of seed, department and month, so it
/// needs no state across customers.
fn month_factor_percent(seed: u64, dept: Dept, month: u16) -> u64 {
    let x = mix(seed ^ 0x5341_5449_5346_0000 ^ ((dept as u64) << 20) ^ u64::from(month));
    if x % 100 < 15 {
        10
    } else {
        50 + (x >> 8) % 131
    }
}

/// The brand of a seed (a 4S dealership sells one maker's cars): a pure function of it.
pub(crate) fn brand_of_seed(seed: u64) -> &'static Brand {
    &BRANDS[(mix(seed ^ 0x4252_414E_445F_5F5F) % BRANDS.len() as u64) as usize] // "BRAND___"
}

/// ISO 3779 check digit (position 9) of a VIN whose other 16 characters are set.
fn vin_check_digit(vin: &[u8; 17]) -> u8 {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let value = |ch: u8| -> u32 {
        match ch {
            b'0'..=b'9' => u32::from(ch - b'0'),
            b'A'..=b'H' => u32::from(ch - b'A') + 1,
            b'J'..=b'N' => u32::from(ch - b'J') + 1,
            b'P' => 7,
            b'R' => 9,
            b'S'..=b'Z' => u32::from(ch - b'S') + 2,
            _ => 0,
        }
    };
    let sum: u32 = vin.iter().zip(WEIGHTS).map(|(&ch, w)| value(ch) * w).sum();
    match sum % 11 {
        10 => b'X',
        d => b'0' + d as u8,
    }
}
