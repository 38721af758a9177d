//! Care by tier, renewal reminders, why lost customers left, and consent: what DOMAIN.md
//! section 14 counts (revision 3 of the contract).
//!
//! *Invariant:* every draw here comes from the customer's care stream (`TEND_SALT`,
//! `Customer::tend`), never from the stream of their sales and visits: how often care
//! calls, renewal calls, reasons or refusals happen can be tuned without moving a sale,
//! a visit or a survey of section 2.
//!
//! Care by tier. The generator does not derive tiers (that is the engine's job, section 7);
//! it approximates a customer's tier as of the last day of the month before a period from
//! what it knows of them when their visits are written ([`Run::tier_as_of`]): two buyers in
//! the family, 5 visit dates in the trailing year, tag `influential`, policies in 4
//! consecutive years, 3 satisfied surveys in the trailing year (S1, S2, S4, S5, S8);
//! otherwise 2 sales, 3 visit dates in the trailing year, a hub that later customers name as
//! referrer, tag `suggestion_adopted`, policies in 3 consecutive years (V1, V2, V3, V4, V5).
//! Referrals (S3, S6, S7, V6, and V3 but for hubs) are made by customers written later and
//! are left out, as are second cars of family members: a few of the engine's super VIPs
//! are cared for monthly or not at all, and a few cared-for customers are general (their
//! care attempts are unscheduled, as in any real export).
//!
//! Per period of the tier (section 8: ISO week for super VIP, month for VIP) in which the
//! customer is not lost on the first day, customer care makes one touch with probability
//! [`SUPER_VIP_CARED_PER_MILLE`] (super VIP) or [`VIP_CARED_PER_MILLE`] (VIP), on a day
//! drawn from the period (Monday to Saturday of a week) — or the day of a festival (春节,
//! 端午, 中秋 on their real dates) or of the customer's birthday when the period has one, with
//! its greeting — at a working hour ([`work_time`]); a quarter of the routine touches are
//! marketing's invitations (会员日, 爱车讲堂). Mostly an SMS or a
//! WeChat message (`sent`), some phone calls (reached 70 %, no answer 20 %, busy 10 %); a
//! call that gets nobody is followed by a WeChat message later in the period in 60 % of
//! cases. General customers get a birthday message on their birthday with
//! probability [`GENERAL_BIRTHDAY_PER_MILLE`] a year (no task: unscheduled care).
//!
//! Renewal reminders. For every policy, unless the customer renews early
//! ([`EARLY_RENEWAL_PER_MILLE`]: a new policy 30–60 days before the anniversary, so the
//! task is suppressed), the insurance desk's renewal specialists (续保专员) remind the
//! customer with probability [`REMINDED_PER_MILLE`]: in the window anniversary − 30 …
//! anniversary − 8 days in 86 % of cases, else late, anniversary − 6 … + 7 days; a phone
//! call mostly, a WeChat message in 15 %; a call that gets nobody is tried again 1–5 days
//! later in 70 %. The customer renews (a policy starting 0–3 days before the anniversary,
//! or just after a late call) with probability 900 ‰ after a reached call, 800 ‰ after a
//! message, 250 ‰ after a refusal and 600 ‰ without either.
//!
//! Consent. [`NO_CONSENT_PER_MILLE`] of customers have withdrawn consent: no care, renewal
//! or recovery attempts (a customer without consent is on no work list); their delivery
//! and service calls, which section 4 still counts, happen as for everybody.

use super::*;
use crate::generator::festivals::Festival;

/// Salt of the care stream (ASCII of "TENDCARE").
pub(super) const TEND_SALT: u64 = 0x5445_4E44_4341_5245;

/// Customers without `contact_consent`: 2.5 %.
const NO_CONSENT_PER_MILLE: u64 = 25;

/// Share of periods (weeks, months) of a super VIP and of a VIP with a care touch.
const SUPER_VIP_CARED_PER_MILLE: u64 = 900;
const VIP_CARED_PER_MILLE: u64 = 800;
/// A general customer's birthday message, per year.
const GENERAL_BIRTHDAY_PER_MILLE: u64 = 150;

/// Policies renewed early (30–60 days before the anniversary: no renewal task).
const EARLY_RENEWAL_PER_MILLE: u64 = 40;
/// Policies whose renewal is reminded at all.
const REMINDED_PER_MILLE: u64 = 880;

/// After a refused recovery call, how often someone tries again, and how often the
/// customer refuses again (the episode is then declared lost).
pub(super) const TRY_AGAIN_PER_MILLE: u64 = 450;
pub(super) const REFUSED_AGAIN_PER_MILLE: u64 = 750;

/// Why customers left (`reason` of churn_recovery attempts), with weights per 100.
///
/// Seed `001_*` gives 45 % poor service, 20 % nobody cared, 15 % cheaper elsewhere, 15 %
/// better product, 5 % other (3 % moved). This dealership's twist: an independent
/// quick-service chain opened across the road in the first year of the period and undercuts
/// its maintenance prices, so `cheaper_elsewhere` takes 25 % (from poor service, nobody
/// cared and better product), and the city's new district draws owners away, so
/// `moved_away` is counted apart from `other` (5 % each).
const REASONS: [(&str, u32); 6] = [
    ("poor_service", 40),
    ("not_cared_for", 15),
    ("cheaper_elsewhere", 25),
    ("better_product", 10),
    ("moved_away", 5),
    ("other", 5),
];

/// Outcomes of a renewal call, with their weights.
const RENEWAL_OUTCOMES: [Outcome; 5] = [
    Outcome::Reached,
    Outcome::NoAnswer,
    Outcome::Busy,
    Outcome::Callback,
    Outcome::Refused,
];
const RENEWAL_WEIGHTS: [u32; 5] = [68, 17, 7, 5, 3];

/// Outcomes of a care call, with their weights.
const CARE_PHONE_OUTCOMES: [Outcome; 3] = [Outcome::Reached, Outcome::NoAnswer, Outcome::Busy];
const CARE_PHONE_WEIGHTS: [u32; 3] = [70, 20, 10];

/// Insurance surveys after a renewal call that reached the customer.
const SURVEY_RENEWAL_PER_MILLE: u64 = 300;
/// Care messages that invite to an event (会员日, 爱车讲堂): sent by marketing.
const MARKETING_INVITE_PER_MILLE: u64 = 250;

pub(super) fn draw_consent(tend: &Rand) -> bool {
    !tend.chance(NO_CONSENT_PER_MILLE)
}

/// A customer's birthday (month, day): the file of DOMAIN.md section 2 has no birth date,
/// so the generator derives one, stable per customer (the first draws of the care stream
/// after consent), and greets on it. 29 February is never drawn.
pub(super) fn draw_birthday(tend: &Rand) -> (u32, u32) {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let month = 1 + tend.below(12) as u32;
    (
        month,
        1 + tend.below(u64::from(DAYS[month as usize - 1])) as u32,
    )
}

/// A reason a lost customer gives, by [`REASONS`].
pub(super) fn draw_reason(tend: &Rand) -> &'static str {
    let weights = REASONS.map(|(_, w)| w);
    REASONS[tend.weighted(&weights)].0
}

/// What the caller notes down when the customer gives `reason`.
pub(super) fn reason_notes(reason: &str) -> &'static [&'static str] {
    match reason {
        "poor_service" => NOTE_REASON_POOR_SERVICE,
        "not_cared_for" => NOTE_REASON_NOT_CARED_FOR,
        "cheaper_elsewhere" => NOTE_REASON_CHEAPER,
        "better_product" => NOTE_REASON_BETTER_PRODUCT,
        "moved_away" => NOTE_REASON_MOVED,
        _ => NOTE_REASON_OTHER,
    }
}

/// The generator's guess of a tier (section 7).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Tier {
    SuperVip,
    Vip,
    General,
}

impl Run<'_> {
    /// The tier of customer `c` as of day `as_of` (the last day of the month before a
    /// period), approximated from their tags, family and the visits written so far
    /// (`self.visits`, in day order). Hubs get their first referred sale within months of
    /// joining, so a hub counts as VIP from its creation.
    pub(super) fn tier_as_of(&self, c: &Customer, as_of: i64) -> Tier {
        if as_of < c.created_day {
            return Tier::General;
        }
        let (mut trailing, mut sales) = (0u32, 0u32);
        for v in self.visits.iter().take_while(|v| v.day <= as_of) {
            trailing += u32::from(v.day > as_of - 365);
            sales += u32::from(v.is_sale);
        }
        let hub = c.index.is_multiple_of(HUB_SPACING) && c.index > 0;
        let (mut surveys, mut satisfied) = (0u32, 0u32);
        for &(day, ok) in &self.surveyed {
            if as_of - 365 < day && day <= as_of {
                surveys += 1;
                satisfied += u32::from(ok);
            }
        }
        let policy_years = self.policy_run_years(as_of);
        if c.tags.influential
            || trailing >= 5
            || c.family_pair_day.is_some_and(|d| d <= as_of)
            || policy_years >= 4
            || (surveys >= 3 && satisfied == surveys)
        {
            Tier::SuperVip
        } else if sales >= 2
            || trailing >= 3
            || c.tags.suggestion_adopted
            || hub
            || policy_years >= 3
        {
            Tier::Vip
        } else {
            Tier::General
        }
    }

    /// The longest run of consecutive calendar years with a policy starting on or before
    /// `as_of` that ends in the year of `as_of` or the year before (criteria S5, V5).
    fn policy_run_years(&self, as_of: i64) -> u32 {
        let Some(as_of_year) = (as_of >= 0).then(|| self.cal.year(as_of.min(self.cal.last_day())))
        else {
            return 0;
        };
        let has = |year: i32| {
            self.policy_days
                .iter()
                .any(|&d| d <= as_of && self.cal.year(d) == year)
        };
        [as_of_year, as_of_year - 1]
            .into_iter()
            .map(|end| (0..).take_while(|&k| has(end - k)).count() as u32)
            .max()
            .unwrap_or(0)
    }

    /// Whether the customer is lost on `day` (section 5): their latest visit on or before
    /// it lies 180 days or more back.
    fn lost_on(&self, day: i64) -> bool {
        self.visits
            .iter()
            .take_while(|v| v.day <= day)
            .last()
            .is_some_and(|v| day - v.day >= LOST_AFTER_DAYS)
    }

    /// The first greeting day in `first..=last`: a festival (`festivals.rs`, on its real
    /// date) or the customer's birthday, with its note.
    fn greeting_day(
        &self,
        c: &Customer,
        first: i64,
        last: i64,
    ) -> Option<(i64, &'static [&'static str])> {
        let mut best: Option<(i64, &'static [&'static str])> = None;
        for year in self.cal.year_any(first)..=self.cal.year_any(last) {
            let birthday = chrono::NaiveDate::from_ymd_opt(year, c.birthday.0, c.birthday.1)
                .map(|d| (d, NOTE_BIRTHDAY));
            let festivals = Festival::ALL
                .into_iter()
                .filter_map(|f| f.date(year).map(|d| (d, f.notes())));
            for (date, note) in festivals.chain(birthday) {
                let day = self.cal.day_of(date);
                if (first..=last).contains(&day) && best.is_none_or(|(b, _)| day < b) {
                    best = Some((day, note));
                }
            }
        }
        best
    }

    /// The care touches of one customer over the window, after their visits (the warm-up
    /// needs none: care tasks count only in the months they belong to).
    pub(super) fn care_cadence(&mut self, c: &Customer) -> Result<()> {
        if !c.consent {
            return Ok(());
        }
        let rng = &c.tend;
        let months = self.cal.month_starts().len();
        // Bounded by the months of the period, and by 6 weeks a month.
        for m in self.cal.window_month..months {
            let (start, month_of_year) = self.cal.month_starts()[m];
            let end = self
                .cal
                .month_starts()
                .get(m + 1)
                .map_or(self.cal.days_total, |&(d, _)| d);
            match self.tier_as_of(c, start - 1) {
                Tier::SuperVip => {
                    let mut monday = start + (7 - self.cal.weekday(start)) % 7;
                    while monday < end {
                        if !self.lost_on(monday) && rng.chance(SUPER_VIP_CARED_PER_MILLE) {
                            let sunday = (monday + 6).min(self.cal.last_day());
                            // Monday to Saturday: nobody sends care messages on Sunday (but
                            // on a festival or a birthday).
                            self.care_touch(c, monday, (monday + 5).min(sunday), sunday, 350)?;
                        }
                        monday += 7;
                    }
                }
                Tier::Vip => {
                    if !self.lost_on(start) && rng.chance(VIP_CARED_PER_MILLE) {
                        self.care_touch(c, start, end - 1, end - 1, 200)?;
                    }
                }
                Tier::General => {
                    if month_of_year == c.birthday.0
                        && rng.chance(GENERAL_BIRTHDAY_PER_MILLE)
                        && !self.lost_on(start)
                    {
                        let day = (start + i64::from(c.birthday.1) - 1).min(end - 1);
                        if day >= c.created_day {
                            let t = work_time_on(rng, day);
                            let staff = self.roster.pick(rng, Dept::CustomerCare, day, day);
                            self.attempt(
                                rng,
                                c,
                                t,
                                "sms",
                                Some(staff),
                                "care",
                                Outcome::Sent,
                                Some(NOTE_BIRTHDAY),
                            )?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// One care touch on a day of `first..=last_touch`: the greeting of a festival or of the
    /// customer's birthday on its day when the period has one, otherwise a routine touch by
    /// customer care or an invitation by marketing. A failed call may be followed by a
    /// message up to `period_last`. `phone_per_mille` of touches are calls.
    fn care_touch(
        &mut self,
        c: &Customer,
        first: i64,
        last_touch: i64,
        period_last: i64,
        phone_per_mille: u64,
    ) -> Result<()> {
        let rng = &c.tend;
        let greeting = self.greeting_day(c, first, period_last);
        let invite = greeting.is_none() && rng.chance(MARKETING_INVITE_PER_MILLE);
        let day = match greeting {
            Some((day, _)) => day,
            None => first + rng.range(0, last_touch - first + 1),
        };
        let t = work_time_on(rng, day);
        let dept = if invite {
            Dept::Marketing
        } else {
            Dept::CustomerCare
        };
        let staff = self.roster.pick(rng, dept, day, day);
        let (channel, outcome) = if !invite && rng.chance(phone_per_mille) {
            (
                "phone",
                CARE_PHONE_OUTCOMES[rng.weighted(&CARE_PHONE_WEIGHTS)],
            )
        } else if rng.chance(530) {
            ("sms", Outcome::Sent)
        } else {
            ("wechat", Outcome::Sent)
        };
        let notes = match greeting {
            _ if outcome == Outcome::NoAnswer || outcome == Outcome::Busy => None,
            Some((_, note)) => Some(note),
            None if invite => Some(NOTE_CARE_INVITE),
            None => Some(NOTE_CARE),
        };
        // No survey: a care touch asks for none, and surveys would move tiers (S8) and payouts.
        self.attempt(rng, c, t, channel, Some(staff), "care", outcome, notes)?;
        if outcome.retry() && day < period_last && rng.chance(600) {
            let day = day + 1 + rng.range(0, period_last - day);
            let t = work_time_on(rng, day);
            let staff = self.roster.pick(rng, Dept::CustomerCare, day, day);
            self.attempt(
                rng,
                c,
                t,
                "wechat",
                Some(staff),
                "care",
                Outcome::Sent,
                Some(NOTE_CARE),
            )?;
        }
        Ok(())
    }

    /// The renewal reminder of the policy starting on `start` and the customer's answer:
    /// the start of the next policy, if they renew (see the module comment).
    pub(super) fn renewal(&mut self, c: &Customer, start: i64) -> Result<Option<i64>> {
        let rng = &c.tend;
        let anniversary = self.cal.plus_year(start);
        if rng.chance(EARLY_RENEWAL_PER_MILLE) {
            return Ok(Some(anniversary - rng.range(30, 61)));
        }
        let mut heard: Option<Outcome> = None;
        let mut last_call_day = None;
        // Only policies in the data are reminded (one that started before the warm-up is
        // not, and its renewal follows without a call).
        if c.consent && start >= 0 && rng.chance(REMINDED_PER_MILLE) {
            let first_day = if rng.chance(860) {
                anniversary - rng.range(8, 31)
            } else {
                anniversary + rng.range(-6, 8)
            };
            let mut t = work_time_on(rng, first_day);
            for _ in 0..2 {
                let day = t / DAY;
                let (channel, outcome) = if rng.chance(150) {
                    ("wechat", Outcome::Sent)
                } else {
                    ("phone", RENEWAL_OUTCOMES[rng.weighted(&RENEWAL_WEIGHTS)])
                };
                // The insurance desk's renewal specialists (续保专员) make the calls.
                let staff = self.roster.pick(rng, Dept::Insurance, day, day);
                let notes =
                    matches!(outcome, Outcome::Reached | Outcome::Sent).then_some(NOTE_RENEWAL);
                let id = self.attempt(
                    rng,
                    c,
                    t,
                    channel,
                    Some(staff),
                    "insurance_renewal",
                    outcome,
                    notes,
                )?;
                if outcome == Outcome::Reached && rng.chance(SURVEY_RENEWAL_PER_MILLE) {
                    let at = t + rng.range(3 * MINUTE, 20 * MINUTE);
                    self.survey(rng, c, id, at, Dept::Insurance)?;
                }
                last_call_day = Some(day);
                let rank = |o: Option<Outcome>| match o {
                    Some(Outcome::Reached) => 3,
                    Some(Outcome::Sent) => 2,
                    Some(Outcome::Refused) => 1,
                    _ => 0,
                };
                if rank(Some(outcome)) > rank(heard) {
                    heard = Some(outcome);
                }
                if !outcome.retry() || !rng.chance(700) {
                    break;
                }
                t = work_time(rng, t + DAY, t + 5 * DAY);
            }
        }
        let renew_per_mille = match heard {
            Some(Outcome::Reached) => 900,
            Some(Outcome::Sent) => 800,
            Some(Outcome::Refused) => 250,
            _ => 600,
        };
        if !rng.chance(renew_per_mille) {
            return Ok(None);
        }
        let on_time = anniversary - rng.range(0, 4);
        Ok(Some(match last_call_day {
            // Called late: the customer renews once reminded, coverage lapsed a few days.
            Some(day) if day >= on_time => day + rng.range(0, 3),
            _ => on_time,
        }))
    }
}
