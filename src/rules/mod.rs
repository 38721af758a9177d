//! The rules in force: every offset, department, success set, window and threshold of
//! DOMAIN.md sections 4–8, 12 (the complaint clock and the working week) and 14 (care by
//! tier, renewal reminders, declared lost), with the
//! contract's values as defaults, overridable by a TOML file (`--rules FILE`). Unknown keys and impossible values are rejected with a message that
//! names the key.
//!
//! Every number has a range ([`INTEGER_RANGES`], [`PER_MEMBER_MAX`]), checked when the rules
//! are read, so no arithmetic on a rule can overflow: hours and days stay within ten years of
//! a date, and a payout line (per member × members) stays far below i64 fen.
//!
//! *Architecture invariant:* rules are plain data; they never read the store or the clock.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Day, Fen, Outcome, PeriodKind, Purpose};
use crate::worktime::{CalendarError, TimeOfDay, WeekdaySet, WorkCalendar, WorkHours};

/// The task kinds of DOMAIN.md section 4, in report order (by name).
pub const TASK_KINDS: [Purpose; 6] = [
    Purpose::ChurnRecovery,
    Purpose::DeliveryCall1,
    Purpose::DeliveryCall2,
    Purpose::DeliveryCall3,
    Purpose::ServiceFollowup,
    Purpose::ThankYouLetter,
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub visits: VisitRules,
    pub churn: ChurnRules,
    pub surveys: SurveyRules,
    pub tiers: TierRules,
    pub payouts: PayoutRules,
    pub complaints: ComplaintRules,
    pub worktime: WorktimeRules,
    pub care: CareRules,
    pub report: ReportRules,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitRules {
    /// How long after its due time an attempt can still credit a task.
    pub grace_hours: u32,
    /// Per task kind.
    pub tasks: TaskRules,
}

/// One rule per task kind, a field each, so no kind can be missing. The fields are in the
/// order of their names ([`TASK_KINDS`]): the TOML tables print in that order, as they did
/// when this was a map keyed by the purpose token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskRules {
    pub churn_recovery: TaskRule,
    pub delivery_call_1: TaskRule,
    pub delivery_call_2: TaskRule,
    pub delivery_call_3: TaskRule,
    pub service_followup: TaskRule,
    pub thank_you_letter: TaskRule,
}

impl TaskRules {
    /// The rule of a task kind; `None` for `care` and `insurance_renewal`, the purposes of
    /// the care tasks (DOMAIN.md section 14), which are not return-visit tasks.
    pub fn get(&self, kind: Purpose) -> Option<&TaskRule> {
        Some(match kind {
            Purpose::ChurnRecovery => &self.churn_recovery,
            Purpose::DeliveryCall1 => &self.delivery_call_1,
            Purpose::DeliveryCall2 => &self.delivery_call_2,
            Purpose::DeliveryCall3 => &self.delivery_call_3,
            Purpose::ServiceFollowup => &self.service_followup,
            Purpose::ThankYouLetter => &self.thank_you_letter,
            Purpose::Care | Purpose::InsuranceRenewal => return None,
        })
    }

    /// Every task kind with its rule, in [`TASK_KINDS`] order.
    pub fn all(&self) -> [(Purpose, &TaskRule); 6] {
        [
            (Purpose::ChurnRecovery, &self.churn_recovery),
            (Purpose::DeliveryCall1, &self.delivery_call_1),
            (Purpose::DeliveryCall2, &self.delivery_call_2),
            (Purpose::DeliveryCall3, &self.delivery_call_3),
            (Purpose::ServiceFollowup, &self.service_followup),
            (Purpose::ThankYouLetter, &self.thank_you_letter),
        ]
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskRule {
    /// Due time = trigger time + this many hours.
    pub due_hours: u32,
    /// The department the task belongs to (a token).
    pub department: String,
    /// Outcomes that make a credited attempt successful, as tokens in the file.
    #[serde(with = "outcome_tokens")]
    pub success: Vec<Outcome>,
    /// Whom a task of the kind is listed for (`tasks --staff`) and counted under in the
    /// visits report's `by_owner`; never changes a figure of the contract.
    pub owner: TaskOwner,
}

/// Who owns the tasks of a kind (seed `000_*`: the consultant makes calls 1 and 3, 由销售经理
/// 负责打出第二个电话). Written in the rules file as `"consultant"`, `"advisor"`,
/// `"role:ROLE"` or `"pool"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskOwner {
    /// The sale's consultant (`consultant_id`): the sale kinds only.
    Consultant,
    /// The service order's advisor (`advisor_id`), the person whose customer it is:
    /// `service_followup` only.
    Advisor,
    /// The staff member of the task's department with this role (a token) who is active on
    /// the task's trigger date; of several, the smallest staff id; of none, nobody. Resolved
    /// against the staff records when a report or list is made, so a staff change needs no
    /// task to be derived again.
    Role(String),
    /// Nobody in particular: the department's pool.
    Pool,
}

impl TaskOwner {
    /// The rule as the rules file writes it.
    pub fn word(&self) -> String {
        match self {
            TaskOwner::Consultant => "consultant".into(),
            TaskOwner::Advisor => "advisor".into(),
            TaskOwner::Role(role) => format!("role:{role}"),
            TaskOwner::Pool => "pool".into(),
        }
    }

    /// Whether the rule can name an owner for tasks of `kind`: a consultant only for the
    /// tasks of a sale, an advisor only for those of a service order.
    fn fits(&self, kind: Purpose) -> bool {
        match self {
            TaskOwner::Consultant => matches!(
                kind,
                Purpose::DeliveryCall1
                    | Purpose::ThankYouLetter
                    | Purpose::DeliveryCall2
                    | Purpose::DeliveryCall3
            ),
            TaskOwner::Advisor => kind == Purpose::ServiceFollowup,
            TaskOwner::Role(_) | TaskOwner::Pool => true,
        }
    }
}

impl Serialize for TaskOwner {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.word())
    }
}

impl<'de> Deserialize<'de> for TaskOwner {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<TaskOwner, D::Error> {
        text::task_owner(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl TaskRule {
    /// Due time = trigger time + this many seconds.
    pub fn due_seconds(&self) -> i64 {
        i64::from(self.due_hours) * 3600
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChurnRules {
    /// A customer with no visit for more than this many days after a visit is lost.
    pub lapse_days: u16,
    /// A successful recovery attempt at most this many days before the return recovers it.
    pub attribution_days: u16,
    /// Revenue of orders opened in [return, return + this many days) is recovery revenue.
    pub revenue_window_days: u16,
    /// The `lost` list values a customer by their sales and repairs in this many days before
    /// they were lost.
    pub value_window_days: u16,
    /// An episode is declared lost (最终宣告流失, DOMAIN.md section 14) on the date of its
    /// attempt with outcome `refused` of this number: it leaves the `lost` list and its
    /// recovery task is not offered again.
    pub declared_lost_after: u16,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyRules {
    /// A survey is satisfied when overall is at least this (1–5).
    pub satisfied_overall_min: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierRules {
    /// Length of the trailing year, in days.
    pub trailing_days: u16,
    pub s1_family_buyers_min: u32,
    pub s2_visit_dates_min: u32,
    pub s3_referred_sales_min: u32,
    pub s5_policy_years_min: u32,
    pub s6_policy_referrals_min: u32,
    pub s7_media_referred_sales_min: u32,
    /// S8: at least this many surveys in the trailing year, every one of them satisfied.
    pub s8_surveys_min: u32,
    pub v1_sales_min: u32,
    pub v2_visit_dates_min: u32,
    pub v3_referred_sales_min: u32,
    pub v5_policy_years_min: u32,
    pub v6_policy_referrals_min: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayoutRules {
    /// A fine applies when 100 × satisfied < fine_below_percent × surveys.
    pub fine_below_percent: u32,
    /// Who shares a line, and in what shares: `active_on_last_day` (the contract),
    /// `prorated` or `active_whole_period` (see [`MembersRule`]).
    #[serde(with = "members_word")]
    pub members: MembersRule,
    /// What becomes of a line no one shares: `keep` (the contract: members 0, amount 0.00)
    /// or `drop`.
    #[serde(with = "zero_member_word")]
    pub zero_member_lines: ZeroMemberLines,
    pub super_vip: TierPayout,
    pub vip: TierPayout,
    pub general: TierPayout,
    /// Per subject department, the departments whose members share its lines (seed 004_*:
    /// 销售部售后部全体, `sales = ["sales", "after_sales"]`). A department not named here is
    /// shared by its own members only (the contract).
    pub participants: BTreeMap<String, Vec<String>>,
}

impl PayoutRules {
    /// The departments whose members share a line about `department`, sorted, each once.
    pub fn participants_of(&self, department: &str) -> Vec<String> {
        match self.participants.get(department) {
            Some(list) => {
                let mut list = list.clone();
                list.sort();
                list.dedup();
                list
            }
            None => vec![department.to_owned()],
        }
    }
}

/// Who shares a payout line, and in what shares. With every member active on every day of
/// the period the three agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MembersRule {
    /// The staff active on the period's last day, each receiving the per-member amount
    /// (DOMAIN.md section 8).
    ActiveOnLastDay,
    /// The staff active on at least one day of the period, each by the days they were
    /// active: the line is per member × member-days / period days, rounded to the fen half
    /// away from zero, split between them by largest remainder (`kpi::payouts::prorate`).
    Prorated,
    /// Only the staff active on every day of the period, each receiving the per-member
    /// amount.
    ActiveWholePeriod,
}

impl MembersRule {
    pub const ALL: [MembersRule; 3] = [
        MembersRule::ActiveOnLastDay,
        MembersRule::Prorated,
        MembersRule::ActiveWholePeriod,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MembersRule::ActiveOnLastDay => "active_on_last_day",
            MembersRule::Prorated => "prorated",
            MembersRule::ActiveWholePeriod => "active_whole_period",
        }
    }
}

/// What becomes of a line with surveys but no member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZeroMemberLines {
    /// The line stays, with members 0 and amount 0.00 (DOMAIN.md section 8).
    Keep,
    /// The line is left out of the statement (`explain payout` still shows it, as dropped).
    Drop,
}

impl ZeroMemberLines {
    pub fn as_str(self) -> &'static str {
        match self {
            ZeroMemberLines::Keep => "keep",
            ZeroMemberLines::Drop => "drop",
        }
    }
}

/// A tier's payout rule. In the file, the period is a word and the amounts are yuan, as a
/// string (`reward = "100.00"`, as they always were) or a TOML number (`reward = 100`,
/// `fine = 50.5`) read exactly from its text, as a gates file reads money
/// (see `money_numbers_as_text`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierPayout {
    /// `week` (ISO, Monday–Sunday), `month` or `year`.
    #[serde(with = "period_word")]
    pub period: PeriodKind,
    /// Per member when every survey is satisfied, e.g. "100.00".
    #[serde(with = "yuan")]
    pub reward: Fen,
    /// Per member when satisfaction is below the fine threshold (positive), e.g. "50.00".
    #[serde(with = "yuan")]
    pub fine: Fen,
    /// A line with fewer surveys than this has outcome `none` ("sample too small"); 1, the
    /// contract, lets every line count.
    pub min_surveys: u32,
}

/// What reports say about whose they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRules {
    /// The dealership's name, shown at the head of the payout statement (xlsx, CSV); empty:
    /// none shown.
    pub dealership: String,
}

/// Care by tier and insurance renewal reminders (DOMAIN.md section 14).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareRules {
    /// Attempts are credited to a care task up to this many hours after its due time (0:
    /// an attempt counts for the period it falls in).
    pub grace_hours: u32,
    pub tier_care: TierCareRule,
    pub insurance_renewal: RenewalRule,
}

impl CareRules {
    pub fn grace_seconds(&self) -> i64 {
        i64::from(self.grace_hours) * 3600
    }
}

/// 关怀 by tier: how often each tier is cared for (seed `004_*`: 超级VIP weekly, VIP
/// monthly, general yearly), `off` for none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierCareRule {
    /// `week` (ISO), `month`, `year` or `off`.
    #[serde(with = "cadence_word")]
    pub super_vip: Option<PeriodKind>,
    #[serde(with = "cadence_word")]
    pub vip: Option<PeriodKind>,
    #[serde(with = "cadence_word")]
    pub general: Option<PeriodKind>,
    pub department: String,
    #[serde(with = "outcome_tokens")]
    pub success: Vec<Outcome>,
}

impl TierCareRule {
    /// A tier's cadence, `None` when its care is off.
    pub fn cadence(&self, tier: crate::derive::tiers::Tier) -> Option<PeriodKind> {
        use crate::derive::tiers::Tier;
        match tier {
            Tier::SuperVip => self.super_vip,
            Tier::Vip => self.vip,
            Tier::General => self.general,
        }
    }
}

/// 保险到期提醒: a task per policy in the weeks before its anniversary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalRule {
    /// `false` derives no renewal task.
    pub enabled: bool,
    /// trigger_at = the anniversary (start_on + 1 year) minus this many days, at 00:00.
    pub trigger_days_before: u16,
    /// due_at = the anniversary minus this many days, at 00:00.
    pub due_days_before: u16,
    pub department: String,
    #[serde(with = "outcome_tokens")]
    pub success: Vec<Outcome>,
}

/// The complaint clock (DOMAIN.md section 12), in working hours: exact hundredths of an hour,
/// written as a TOML number (`4.5`) or a string (`"4.5"`), read from its text, never through
/// a float.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRules {
    /// escalation_due = raised_at + this many working hours (半个工作日, half a working day).
    #[serde(with = "work_hours")]
    pub escalation_hours: WorkHours,
    /// reply_due = raised_at + this many working hours (half a day to reach the manager,
    /// then one working day).
    #[serde(with = "work_hours")]
    pub reply_hours: WorkHours,
}

/// The dealership's working week (DOMAIN.md section 12); `calendar.csv` overrides dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorktimeRules {
    /// Working weekdays, as words `mon` … `sun`, printed in week order.
    #[serde(with = "weekday_words")]
    pub weekdays: WeekdaySet,
    /// Working hours of a working day, `HH:MM` (local wall clock), start before end.
    #[serde(with = "time_of_day")]
    pub day_start: TimeOfDay,
    #[serde(with = "time_of_day")]
    pub day_end: TimeOfDay,
}

impl WorktimeRules {
    /// The working calendar of these rules with the dates of `calendar.csv` (date →
    /// working).
    pub fn calendar(
        &self,
        overrides: impl IntoIterator<Item = (Day, bool)>,
    ) -> Result<WorkCalendar, CalendarError> {
        WorkCalendar::new(self.weekdays, self.day_start, self.day_end, overrides)
    }
}

/// The longest complaint clock: a year of working hours (8 784 h), as for task due hours.
pub const WORK_HOURS_MAX: WorkHours = WorkHours(878_400);

/// The words a rules file uses for the text it holds: each is parsed here, where the file is
/// read, and nowhere else.
mod text {
    use crate::model::{Fen, Outcome, PeriodKind, Purpose};
    use crate::worktime::{TimeOfDay, WeekdaySet, WorkHours};

    use super::TASK_KINDS;

    pub fn period(word: &str) -> Result<PeriodKind, String> {
        match word {
            "week" => Ok(PeriodKind::Week),
            "month" => Ok(PeriodKind::Month),
            "year" => Ok(PeriodKind::Year),
            _ => Err(crate::say!(
                "`{word}` is not a period; use week, month or year",
                "`{word}` 不是期间；请用 week、month 或 year"
            )),
        }
    }

    pub fn members(word: &str) -> Result<super::MembersRule, String> {
        super::MembersRule::ALL
            .into_iter()
            .find(|m| m.as_str() == word)
            .ok_or_else(|| {
                crate::say!(
                    "`{word}` is not a members rule; use active_on_last_day, prorated or active_whole_period",
                    "`{word}` 不是人数计算规则；请用 active_on_last_day、prorated 或 active_whole_period"
                )
            })
    }

    pub fn zero_member_lines(word: &str) -> Result<super::ZeroMemberLines, String> {
        match word {
            "keep" => Ok(super::ZeroMemberLines::Keep),
            "drop" => Ok(super::ZeroMemberLines::Drop),
            _ => Err(crate::say!(
                "`{word}` is not a rule for lines without members; use keep or drop",
                "`{word}` 不是无在职人员的奖罚行的规则；请用 keep 或 drop"
            )),
        }
    }

    /// An amount per member: unsigned yuan (a fine is written positive).
    pub fn yuan(text: &str) -> Result<Fen, String> {
        Fen::parse(text)
    }

    pub fn outcome(token: &str) -> Result<Outcome, String> {
        token.parse()
    }

    /// Working hours: a decimal with at most two decimals, more than 0.
    pub fn work_hours(text: &str) -> Result<WorkHours, String> {
        let bad = || {
            crate::say!(
                "`{text}` is not a number of working hours; write hours with at most two decimals, e.g. 4.5 or 13.5",
                "`{text}` 不是工作小时数；请写最多两位小数的小时数，例如 4.5 或 13.5"
            )
        };
        let hours = crate::gate::Rational::parse_decimal(text.trim())
            .filter(|r| !r.is_negative() && r.is_hundredths())
            .ok_or_else(bad)?;
        // Whole hundredths (checked above): num × 100 / den is exact.
        let hundredths = hours.num.checked_mul(100).ok_or_else(bad)? / hours.den;
        if hundredths <= 0 || hundredths > i128::from(super::WORK_HOURS_MAX.0) {
            return Err(crate::say!(
                "{text} working hours is out of range; it must be more than 0 and at most {} hours",
                "{text} 个工作小时超出范围；必须大于 0 且不超过 {} 小时",
                super::WORK_HOURS_MAX
            ));
        }
        Ok(WorkHours(u32::try_from(hundredths).map_err(|_| bad())?))
    }

    pub fn weekdays(words: &[String]) -> Result<WeekdaySet, String> {
        let set = WeekdaySet::parse(words.iter().map(String::as_str))?;
        if set.is_empty() {
            return Err(crate::say!(
                "is empty; name at least one working weekday",
                "为空；请至少列出一个工作日"
            ));
        }
        Ok(set)
    }

    pub fn time_of_day(text: &str) -> Result<TimeOfDay, String> {
        TimeOfDay::parse(text)
    }

    /// A task kind's owner rule: `consultant`, `advisor`, `role:ROLE` (a token) or `pool`.
    pub fn task_owner(word: &str) -> Result<super::TaskOwner, String> {
        use super::TaskOwner;
        match word {
            "consultant" => Ok(TaskOwner::Consultant),
            "advisor" => Ok(TaskOwner::Advisor),
            "pool" => Ok(TaskOwner::Pool),
            _ => match word.strip_prefix("role:") {
                Some(role) if crate::model::check_token(role).is_ok() => {
                    Ok(TaskOwner::Role(role.to_owned()))
                }
                Some(role) => Err(crate::say!(
                    "`{role}` is not a role token (a-z, 0-9, _); write e.g. role:manager",
                    "`{role}` 不是角色代码（a-z、0-9、_）；请写成例如 role:manager"
                )),
                None => Err(crate::say!(
                    "`{word}` is not an owner rule; use consultant, advisor, role:ROLE (e.g. role:manager) or pool",
                    "`{word}` 不是负责人规则；请用 consultant、advisor、role:ROLE（例如 role:manager）或 pool"
                )),
            },
        }
    }

    pub fn task_kind(token: &str) -> Result<Purpose, String> {
        super::task_kind(token).ok_or_else(|| {
            crate::say!(
                "is not a task kind; the task kinds are {}",
                "不是任务类型；任务类型有：{}",
                TASK_KINDS
                    .map(|k| k.as_str())
                    .join(crate::voice::pick(", ", "、"))
            )
        })
    }
}

/// The task kind of a token: a purpose that has return-visit tasks (not `care` or
/// `insurance_renewal`). Used
/// wherever a task kind is read: rules files, gates files, `tasks --kind`.
pub fn task_kind(token: &str) -> Option<Purpose> {
    token.parse::<Purpose>().ok().filter(|&p| !p.is_care())
}

/// A care cadence as its word: a period (`"week"`) or `"off"`.
mod cadence_word {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::model::PeriodKind;

    pub fn serialize<S: Serializer>(kind: &Option<PeriodKind>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.map_or("off", PeriodKind::key))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PeriodKind>, D::Error> {
        match String::deserialize(d)?.as_str() {
            "off" => Ok(None),
            word => super::text::period(word)
                .map(Some)
                .map_err(|e| serde::de::Error::custom(crate::say!("{e}, or off", "{e}，或 off"))),
        }
    }
}

/// `PeriodKind` as its word (`"week"`).
mod period_word {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::model::PeriodKind;

    pub fn serialize<S: Serializer>(kind: &PeriodKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.key())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PeriodKind, D::Error> {
        super::text::period(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// [`MembersRule`] as its word (`"prorated"`).
mod members_word {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::MembersRule;

    pub fn serialize<S: Serializer>(rule: &MembersRule, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(rule.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MembersRule, D::Error> {
        super::text::members(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// [`ZeroMemberLines`] as its word (`"keep"`).
mod zero_member_word {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::ZeroMemberLines;

    pub fn serialize<S: Serializer>(rule: &ZeroMemberLines, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(rule.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ZeroMemberLines, D::Error> {
        super::text::zero_member_lines(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Money per member as a string of yuan (`"100.00"`), never negative.
mod yuan {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::model::Fen;

    pub fn serialize<S: Serializer>(fen: &Fen, s: S) -> Result<S::Ok, S::Error> {
        fen.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Fen, D::Error> {
        super::text::yuan(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Working hours as a TOML number (`4.5`). Read from a decimal string (what
/// [`exact_numbers_as_text`] puts in place of a number written in the file), an integer, or
/// a float of the defaults (whose shortest decimal is the hundredths it was made from).
mod work_hours {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::worktime::WorkHours;

    pub fn serialize<S: Serializer>(hours: &WorkHours, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(hours.as_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<WorkHours, D::Error> {
        let text = match toml::Value::deserialize(d)? {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            other => {
                return Err(serde::de::Error::custom(crate::say!(
                    "`{other}` is not a number of working hours; write e.g. 4.5",
                    "`{other}` 不是工作小时数；请写成例如 4.5"
                )));
            }
        };
        super::text::work_hours(&text).map_err(serde::de::Error::custom)
    }
}

/// Weekdays as their words (`["mon", "tue"]`), in week order.
mod weekday_words {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::worktime::WeekdaySet;

    pub fn serialize<S: Serializer>(set: &WeekdaySet, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(set.words())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<WeekdaySet, D::Error> {
        super::text::weekdays(&Vec::<String>::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A time of day as `"HH:MM"`.
mod time_of_day {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::worktime::TimeOfDay;

    pub fn serialize<S: Serializer>(time: &TimeOfDay, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&time.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimeOfDay, D::Error> {
        super::text::time_of_day(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Outcomes as their tokens (`["reached", "sent"]`), in the order written.
mod outcome_tokens {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::model::Outcome;

    pub fn serialize<S: Serializer>(outcomes: &[Outcome], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(outcomes.iter().map(|o| o.as_str()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Outcome>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|t| super::text::outcome(t).map_err(serde::de::Error::custom))
            .collect()
    }
}

/// The allowed range of every integer rule, by TOML key (`*` is any task kind), with its unit
/// for messages (English, Chinese). Durations are bounded by about a year (hours) or ten years (days): far
/// beyond any sensible rule, and small enough that a date plus any of them is a date.
/// Thresholds are at least 1 (a threshold of 0 would be met by every customer).
pub const INTEGER_RANGES: &[(&str, i64, i64, (&str, &str))] = &[
    ("visits.grace_hours", 0, 8_784, ("hours", "小时")),
    ("visits.tasks.*.due_hours", 1, 8_784, ("hours", "小时")),
    ("churn.lapse_days", 1, 3_660, ("days", "天")),
    ("churn.attribution_days", 0, 3_660, ("days", "天")),
    ("churn.revenue_window_days", 1, 3_660, ("days", "天")),
    ("churn.value_window_days", 1, 3_660, ("days", "天")),
    ("churn.declared_lost_after", 1, 100, ("refusals", "次拒访")),
    ("care.grace_hours", 0, 8_784, ("hours", "小时")),
    (
        "care.insurance_renewal.trigger_days_before",
        0,
        366,
        ("days", "天"),
    ),
    (
        "care.insurance_renewal.due_days_before",
        0,
        366,
        ("days", "天"),
    ),
    ("surveys.satisfied_overall_min", 1, 5, ("(a score)", "分")),
    ("tiers.trailing_days", 1, 3_660, ("days", "天")),
    (
        "tiers.s1_family_buyers_min",
        1,
        10_000,
        ("customers", "位客户"),
    ),
    ("tiers.s2_visit_dates_min", 1, 10_000, ("dates", "个日期")),
    (
        "tiers.s3_referred_sales_min",
        1,
        10_000,
        ("sales", "笔销售"),
    ),
    ("tiers.s5_policy_years_min", 1, 100, ("years", "年")),
    (
        "tiers.s6_policy_referrals_min",
        1,
        10_000,
        ("customers", "位客户"),
    ),
    (
        "tiers.s7_media_referred_sales_min",
        1,
        10_000,
        ("sales", "笔销售"),
    ),
    (
        "tiers.s8_surveys_min",
        1,
        10_000,
        ("surveys", "份满意度调查"),
    ),
    ("tiers.v1_sales_min", 1, 10_000, ("sales", "笔销售")),
    ("tiers.v2_visit_dates_min", 1, 10_000, ("dates", "个日期")),
    (
        "tiers.v3_referred_sales_min",
        1,
        10_000,
        ("sales", "笔销售"),
    ),
    ("tiers.v5_policy_years_min", 1, 100, ("years", "年")),
    (
        "tiers.v6_policy_referrals_min",
        1,
        10_000,
        ("customers", "位客户"),
    ),
    ("payouts.fine_below_percent", 1, 100, ("%", "%")),
    (
        "payouts.*.min_surveys",
        1,
        10_000,
        ("surveys", "份满意度调查"),
    ),
];

/// The largest reward or fine per member: 1 000 000.00 yuan, 5 000 times the contract's
/// largest (200.00). A line is this times its members, so it stays below i64 fen
/// (9.2 × 10^18) for any department of fewer than 9 × 10^10 members; a person's total is at
/// most 7 lines (5 weeks, a month, a year) of it.
pub const PER_MEMBER_MAX: Fen = Fen(100_000_000);

/// The range of an integer rule, by its key.
fn integer_range(key: &str) -> Option<(i64, i64, (&'static str, &'static str))> {
    INTEGER_RANGES.iter().find_map(|&(pattern, lo, hi, unit)| {
        let mut p = pattern.split('.');
        let mut k = key.split('.');
        loop {
            match (p.next(), k.next()) {
                (None, None) => return Some((lo, hi, unit)),
                (Some(a), Some(b)) if a == "*" || a == b => {}
                _ => return None,
            }
        }
    })
}

/// The message for an integer rule outside its range, if it is.
fn out_of_range(key: &str, value: i64) -> Option<String> {
    let (lo, hi, (unit, unit_zh)) = integer_range(key)?;
    let unit = crate::voice::pick(unit, unit_zh);
    (!(lo..=hi).contains(&value)).then(|| {
        crate::say!(
            "{value} is out of range; it must be from {lo} to {hi} {unit}",
            "{value} 超出范围；必须在 {lo} 到 {hi} {unit}之间"
        )
    })
}

/// Every integer leaf of a TOML table, with its dotted key.
fn integer_leaves(table: &toml::Table, prefix: &str, out: &mut Vec<(String, i64)>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Integer(i) => out.push((path, *i)),
            toml::Value::Table(t) => integer_leaves(t, &path, out),
            _ => {}
        }
    }
}

/// A rules file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{}", crate::say!(
        "{file}: {message}",
        "{file}：{message}",
        file = .file,
        message = .message
    ))]
    Syntax { file: String, message: String },
    #[error("{}", crate::say!(
        "{file}: {key}: {reason}",
        "{file}：{key}：{reason}",
        file = .file,
        key = .key,
        reason = .reason
    ))]
    Value {
        file: String,
        key: String,
        reason: String,
    },
}

fn task(due_hours: u32, department: &str, success: &[Outcome], owner: TaskOwner) -> TaskRule {
    TaskRule {
        due_hours,
        department: department.into(),
        success: success.to_vec(),
        owner,
    }
}

impl Default for Rules {
    /// The rules of DOMAIN.md, taken from the seed documents.
    fn default() -> Rules {
        use Outcome::{Reached, Sent};
        use TaskOwner::{Advisor, Consultant, Pool, Role};
        Rules {
            visits: VisitRules {
                grace_hours: 48,
                tasks: TaskRules {
                    churn_recovery: task(30 * 24, "customer_care", &[Reached, Sent], Pool),
                    delivery_call_1: task(24, "sales", &[Reached], Consultant),
                    // Seed 000_*: 交车后的3天内由销售经理负责打出第二个电话.
                    delivery_call_2: task(72, "sales", &[Reached], Role("manager".into())),
                    delivery_call_3: task(168, "sales", &[Reached], Consultant),
                    service_followup: task(72, "customer_care", &[Reached], Advisor),
                    thank_you_letter: task(24, "sales", &[Sent, Reached], Consultant),
                },
            },
            churn: ChurnRules {
                lapse_days: 180,
                attribution_days: 90,
                revenue_window_days: 365,
                value_window_days: 365,
                declared_lost_after: 2,
            },
            surveys: SurveyRules {
                satisfied_overall_min: 4,
            },
            tiers: TierRules {
                trailing_days: 365,
                s1_family_buyers_min: 2,
                s2_visit_dates_min: 5,
                s3_referred_sales_min: 3,
                s5_policy_years_min: 4,
                s6_policy_referrals_min: 3,
                s7_media_referred_sales_min: 2,
                s8_surveys_min: 3,
                v1_sales_min: 2,
                v2_visit_dates_min: 3,
                v3_referred_sales_min: 1,
                v5_policy_years_min: 3,
                v6_policy_referrals_min: 2,
            },
            // Amounts in fen: Fen(10_000) is 100.00 yuan per member.
            payouts: PayoutRules {
                fine_below_percent: 95,
                members: MembersRule::ActiveOnLastDay,
                zero_member_lines: ZeroMemberLines::Keep,
                super_vip: TierPayout {
                    period: PeriodKind::Week,
                    reward: Fen(10_000),
                    fine: Fen(5_000),
                    min_surveys: 1,
                },
                vip: TierPayout {
                    period: PeriodKind::Month,
                    reward: Fen(15_000),
                    fine: Fen(10_000),
                    min_surveys: 1,
                },
                general: TierPayout {
                    period: PeriodKind::Year,
                    reward: Fen(20_000),
                    fine: Fen(15_000),
                    min_surveys: 1,
                },
                participants: BTreeMap::new(),
            },
            // Seed 002_*: 半个工作日 to the general manager, then 一个工作日 to reply.
            complaints: ComplaintRules {
                escalation_hours: WorkHours(450),
                reply_hours: WorkHours(1_350),
            },
            worktime: WorktimeRules {
                weekdays: WeekdaySet::MON_FRI,
                day_start: TimeOfDay(8 * 3600 + 30 * 60),
                day_end: TimeOfDay(17 * 3600 + 30 * 60),
            },
            // Seed 004_*: 超级VIP 每周, VIP 每月 (一般客户 每年, off by default: DOMAIN.md
            // section 14); renewal reminders from 30 to 7 days before the anniversary.
            care: CareRules {
                grace_hours: 0,
                tier_care: TierCareRule {
                    super_vip: Some(PeriodKind::Week),
                    vip: Some(PeriodKind::Month),
                    general: None,
                    department: "customer_care".into(),
                    success: vec![Reached, Sent],
                },
                insurance_renewal: RenewalRule {
                    enabled: true,
                    trigger_days_before: 30,
                    due_days_before: 7,
                    department: "customer_care".into(),
                    success: vec![Reached, Sent],
                },
            },
            report: ReportRules::default(),
        }
    }
}

/// The first text value of a merged rules table that does not parse, as (key, reason): task
/// kinds (the keys of `visits.tasks`), success outcomes, payout periods and amounts. Checked
/// on the TOML, before it becomes [`Rules`], so the message names the key; the same
/// functions then parse the values into their types.
fn bad_text(table: &toml::Table) -> Option<(String, String)> {
    if let Some(toml::Value::Table(tasks)) = table.get("visits").and_then(|v| v.get("tasks")) {
        for (name, rule) in tasks {
            let key = format!("visits.tasks.{name}");
            if let Err(reason) = text::task_kind(name) {
                return Some((key, reason));
            }
            if let Some(toml::Value::Array(items)) = rule.get("success") {
                for item in items {
                    if let toml::Value::String(token) = item
                        && let Err(reason) = text::outcome(token)
                    {
                        return Some((format!("{key}.success"), reason));
                    }
                }
            }
            if let Some(toml::Value::String(word)) = rule.get("owner")
                && let Err(reason) = text::task_owner(word)
            {
                return Some((format!("{key}.owner"), reason));
            }
        }
    }
    if let Some(toml::Value::Table(payouts)) = table.get("payouts") {
        let check = |field: &str, parse: fn(&str) -> Result<(), String>| match payouts.get(field) {
            Some(toml::Value::String(value)) => parse(value)
                .err()
                .map(|reason| (format!("payouts.{field}"), reason)),
            _ => None,
        };
        let bad = check("members", |v| text::members(v).map(drop)).or_else(|| {
            check("zero_member_lines", |v| {
                text::zero_member_lines(v).map(drop)
            })
        });
        if bad.is_some() {
            return bad;
        }
    }
    for tier in ["super_vip", "vip", "general"] {
        let Some(toml::Value::Table(rule)) = table.get("payouts").and_then(|p| p.get(tier)) else {
            continue;
        };
        let check = |field: &str, parse: fn(&str) -> Result<(), String>| match rule.get(field) {
            Some(toml::Value::String(value)) => parse(value)
                .err()
                .map(|reason| (format!("payouts.{tier}.{field}"), reason)),
            _ => None,
        };
        let bad = check("period", |v| text::period(v).map(drop))
            .or_else(|| check("reward", |v| text::yuan(v).map(drop)))
            .or_else(|| check("fine", |v| text::yuan(v).map(drop)));
        if bad.is_some() {
            return bad;
        }
    }
    if let Some(toml::Value::Table(care)) = table.get("care") {
        for rule in ["tier_care", "insurance_renewal"] {
            if let Some(toml::Value::Array(items)) = care.get(rule).and_then(|r| r.get("success")) {
                for item in items {
                    if let toml::Value::String(token) = item
                        && let Err(reason) = text::outcome(token)
                    {
                        return Some((format!("care.{rule}.success"), reason));
                    }
                }
            }
        }
        if let Some(toml::Value::Table(tiers)) = care.get("tier_care") {
            for tier in ["super_vip", "vip", "general"] {
                if let Some(toml::Value::String(word)) = tiers.get(tier)
                    && word != "off"
                    && let Err(reason) = text::period(word)
                {
                    return Some((
                        format!("care.tier_care.{tier}"),
                        crate::say!("{reason}, or off", "{reason}，或 off"),
                    ));
                }
            }
        }
    }
    if let Some(toml::Value::Table(complaints)) = table.get("complaints") {
        for field in ["escalation_hours", "reply_hours"] {
            let value = match complaints.get(field) {
                Some(toml::Value::String(value)) => value.clone(),
                Some(toml::Value::Integer(i)) => i.to_string(),
                _ => continue,
            };
            if let Err(reason) = text::work_hours(&value) {
                return Some((format!("complaints.{field}"), reason));
            }
        }
    }
    if let Some(toml::Value::Table(worktime)) = table.get("worktime") {
        if let Some(toml::Value::Array(items)) = worktime.get("weekdays") {
            let words: Vec<String> = items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect();
            if words.len() == items.len()
                && let Err(reason) = text::weekdays(&words)
            {
                return Some(("worktime.weekdays".into(), reason));
            }
        }
        for field in ["day_start", "day_end"] {
            if let Some(toml::Value::String(value)) = worktime.get(field)
                && let Err(reason) = text::time_of_day(value)
            {
                return Some((format!("worktime.{field}"), reason));
            }
        }
    }
    None
}

/// The money keys of a rules file, with where their values are written, for
/// [`money_numbers_as_text`]. Unknown keys are left to the full parse, which reports them.
#[derive(Deserialize)]
struct MoneySpans {
    payouts: Option<PayoutSpans>,
}

#[derive(Deserialize)]
struct PayoutSpans {
    super_vip: Option<TierSpans>,
    vip: Option<TierSpans>,
    general: Option<TierSpans>,
}

#[derive(Deserialize)]
struct TierSpans {
    reward: Option<toml::Spanned<toml::Value>>,
    fine: Option<toml::Spanned<toml::Value>>,
}

/// Replaces each reward and fine written as a TOML number by the yuan it is, as text, so
/// that one parser ([`text::yuan`]) reads every amount. A float is read from its text in the
/// file (`150.5` is exactly 15 050 fen), never from its f64, with the parser gates use
/// ([`crate::gate::Rational::parse_toml_float`]): `0.1 + 0.2` style surprises cannot reach a
/// payout. A number that is not whole fen (`150.555`) or is negative is replaced by its text
/// as written, which [`text::yuan`] then refuses with the key and the fix.
fn money_numbers_as_text(text: &str, overrides: &mut toml::Table) {
    let Some(payouts) = toml::from_str::<MoneySpans>(text)
        .ok()
        .and_then(|m| m.payouts)
    else {
        return;
    };
    for (tier, spans) in [
        ("super_vip", payouts.super_vip),
        ("vip", payouts.vip),
        ("general", payouts.general),
    ] {
        let Some(spans) = spans else { continue };
        for (field, spanned) in [("reward", spans.reward), ("fine", spans.fine)] {
            let Some(spanned) = spanned else { continue };
            let written = text.get(spanned.span()).unwrap_or_default().trim();
            let yuan = match spanned.get_ref() {
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(_) => crate::gate::Rational::parse_toml_float(written)
                    .filter(|r| !r.is_negative() && r.is_hundredths())
                    .map_or_else(|| written.to_owned(), |r| r.to_decimal(2)),
                _ => continue,
            };
            if let Some(toml::Value::Table(rule)) =
                overrides.get_mut("payouts").and_then(|p| p.get_mut(tier))
            {
                rule.insert(field.into(), toml::Value::String(yuan));
            }
        }
    }
}

/// The working-hours keys of a rules file, with where their values are written.
#[derive(Deserialize)]
struct HoursSpans {
    complaints: Option<BTreeMap<String, toml::Spanned<toml::Value>>>,
}

/// Replaces each working-hours rule written as a TOML float (`escalation_hours = 4.5`) by
/// its text in the file, so that [`text::work_hours`] reads the decimal as written, exactly,
/// as [`money_numbers_as_text`] does for money.
fn hours_numbers_as_text(text: &str, overrides: &mut toml::Table) {
    let Some(spans) = toml::from_str::<HoursSpans>(text)
        .ok()
        .and_then(|h| h.complaints)
    else {
        return;
    };
    for (field, spanned) in spans {
        if !matches!(spanned.get_ref(), toml::Value::Float(_)) {
            continue;
        }
        let written = text.get(spanned.span()).unwrap_or_default().trim();
        let plain = crate::gate::Rational::parse_toml_float(written)
            .filter(|r| !r.is_negative() && r.is_hundredths())
            .map_or_else(|| written.to_owned(), |r| r.to_decimal(2));
        if let Some(toml::Value::Table(rule)) = overrides.get_mut("complaints") {
            rule.insert(field, toml::Value::String(plain));
        }
    }
}

impl Rules {
    /// Reads a rules file: a partial TOML document whose keys override the defaults.
    pub fn from_toml(file: &str, text: &str) -> Result<Rules, RulesError> {
        let overrides: toml::Table =
            text.parse()
                .map_err(|e: toml::de::Error| RulesError::Syntax {
                    file: file.into(),
                    message: e.to_string(),
                })?;
        let mut overrides = overrides;
        money_numbers_as_text(text, &mut overrides);
        hours_numbers_as_text(text, &mut overrides);
        let mut merged = toml::Table::try_from(Rules::default()).expect("the defaults serialise");
        merge(&mut merged, overrides);
        // Ranges first, on the TOML integers: a value too large for its type (a grace of
        // 10^12 hours) is then reported with its key and range, not as a type error.
        let mut integers = Vec::new();
        integer_leaves(&merged, "", &mut integers);
        for (key, value) in integers {
            if let Some(reason) = out_of_range(&key, value) {
                return Err(RulesError::Value {
                    file: file.into(),
                    key,
                    reason,
                });
            }
        }
        // Then the text values, likewise with their keys.
        if let Some((key, reason)) = bad_text(&merged) {
            return Err(RulesError::Value {
                file: file.into(),
                key,
                reason,
            });
        }
        let rules: Rules = merged
            .try_into()
            .map_err(|e: toml::de::Error| RulesError::Syntax {
                file: file.into(),
                message: crate::say!(
                    "{}; `careledger rules` prints every key with its default",
                    "{}；`careledger rules` 会列出每个键及其默认值",
                    e.message()
                ),
            })?;
        rules.validate(file)?;
        Ok(rules)
    }

    /// The rules as a complete TOML document.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("rules serialise")
    }

    /// Checks every value; the first impossible one is reported. Rules read from a file and
    /// rules built in code are held to the same checks.
    pub fn validate(&self, file: &str) -> Result<(), RulesError> {
        let bad = |key: &str, reason: String| {
            Err(RulesError::Value {
                file: file.into(),
                key: key.into(),
                reason,
            })
        };
        let mut integers = Vec::new();
        integer_leaves(
            &toml::Table::try_from(self).expect("rules serialise"),
            "",
            &mut integers,
        );
        for (key, value) in integers {
            if let Some(reason) = out_of_range(&key, value) {
                return bad(&key, reason);
            }
        }
        for (kind, rule) in self.visits.tasks.all() {
            let key = format!("visits.tasks.{kind}");
            if crate::model::check_token(&rule.department).is_err() {
                return bad(
                    &format!("{key}.department"),
                    crate::say!(
                        "`{}` is not a department token (a-z, 0-9, _)",
                        "`{}` 不是部门代码（a-z、0-9、_）",
                        rule.department
                    ),
                );
            }
            if rule.success.is_empty() {
                return bad(
                    &format!("{key}.success"),
                    crate::say!(
                        "is empty; no attempt could ever succeed",
                        "为空；没有任何联络能算作成功"
                    ),
                );
            }
            if let TaskOwner::Role(_) = &rule.owner
                && let Err(reason) = text::task_owner(&rule.owner.word())
            {
                return bad(&format!("{key}.owner"), reason);
            }
            if !rule.owner.fits(kind) {
                let named = match kind {
                    Purpose::ServiceFollowup => crate::voice::pick("advisor, ", "advisor、"),
                    Purpose::ChurnRecovery => "",
                    _ => crate::voice::pick("consultant, ", "consultant、"),
                };
                return bad(
                    &format!("{key}.owner"),
                    crate::say!(
                        "a {kind} task has no {}; use {named}role:ROLE or pool",
                        "{kind} 任务没有 {}；请用 {named}role:ROLE 或 pool",
                        rule.owner.word()
                    ),
                );
            }
        }
        for (name, tier) in [
            ("super_vip", &self.payouts.super_vip),
            ("vip", &self.payouts.vip),
            ("general", &self.payouts.general),
        ] {
            for (field, fen) in [("reward", tier.reward), ("fine", tier.fine)] {
                if !(Fen::ZERO..=PER_MEMBER_MAX).contains(&fen) {
                    return bad(
                        &format!("payouts.{name}.{field}"),
                        crate::say!(
                            "{fen} yuan per member is out of range; it must be from 0.00 to {PER_MEMBER_MAX} yuan",
                            "每人 {fen} 元超出范围；必须在 0.00 到 {PER_MEMBER_MAX} 元之间"
                        ),
                    );
                }
            }
        }
        for (subject, shared_by) in &self.payouts.participants {
            let key = format!("payouts.participants.{subject}");
            if crate::model::check_token(subject).is_err() {
                return bad(
                    &key,
                    crate::say!(
                        "`{subject}` is not a department token (a-z, 0-9, _)",
                        "`{subject}` 不是部门代码（a-z、0-9、_）"
                    ),
                );
            }
            if shared_by.is_empty() {
                return bad(
                    &key,
                    crate::say!(
                        "is empty; no one would share the lines about {subject}: name its participating departments, or leave the key out so that its own members share them",
                        "为空；关于 {subject} 的奖罚行将无人分摊：请列出参与分摊的部门，或删去这个键，让它自己的员工分摊"
                    ),
                );
            }
            for (i, department) in shared_by.iter().enumerate() {
                if crate::model::check_token(department).is_err() {
                    return bad(
                        &key,
                        crate::say!(
                            "`{department}` is not a department token (a-z, 0-9, _)",
                            "`{department}` 不是部门代码（a-z、0-9、_）"
                        ),
                    );
                }
                if shared_by[..i].contains(department) {
                    return bad(
                        &key,
                        crate::say!("names {department} twice", "两次列出了 {department}"),
                    );
                }
            }
        }
        for (field, hours) in [
            ("escalation_hours", self.complaints.escalation_hours),
            ("reply_hours", self.complaints.reply_hours),
        ] {
            if hours.0 == 0 || hours > WORK_HOURS_MAX {
                return bad(
                    &format!("complaints.{field}"),
                    crate::say!(
                        "{hours} working hours is out of range; it must be more than 0 and at most {WORK_HOURS_MAX} hours",
                        "{hours} 个工作小时超出范围；必须大于 0 且不超过 {WORK_HOURS_MAX} 小时"
                    ),
                );
            }
        }
        let w = &self.worktime;
        if let Err(e) = WorkCalendar::check(w.weekdays, w.day_start, w.day_end) {
            let key = match e {
                CalendarError::NoWeekday => "worktime.weekdays",
                CalendarError::EmptyDay { .. } => "worktime.day_end",
            };
            return bad(key, e.to_string());
        }
        let care = &self.care;
        for (key, department, success) in [
            (
                "care.tier_care",
                &care.tier_care.department,
                &care.tier_care.success,
            ),
            (
                "care.insurance_renewal",
                &care.insurance_renewal.department,
                &care.insurance_renewal.success,
            ),
        ] {
            if crate::model::check_token(department).is_err() {
                return bad(
                    &format!("{key}.department"),
                    crate::say!(
                        "`{department}` is not a department token (a-z, 0-9, _)",
                        "`{department}` 不是部门代码（a-z、0-9、_）"
                    ),
                );
            }
            if success.is_empty() {
                return bad(
                    &format!("{key}.success"),
                    crate::say!(
                        "is empty; no attempt could ever succeed",
                        "为空；没有任何联络能算作成功"
                    ),
                );
            }
        }
        let dealership = &self.report.dealership;
        if dealership.chars().count() > 200
            || dealership
                .chars()
                .any(crate::model::privacy::is_hidden_char)
        {
            return bad(
                "report.dealership",
                crate::say!(
                    "is longer than 200 characters or holds a control character; write the name as it should print",
                    "超过 200 个字符或含有控制字符；请按应打印的样子写名称"
                ),
            );
        }
        let renewal = &care.insurance_renewal;
        if renewal.due_days_before > renewal.trigger_days_before {
            return bad(
                "care.insurance_renewal.due_days_before",
                crate::say!(
                    "{} days before the anniversary is earlier than the trigger ({} days before); a task is due on or after it is triggered",
                    "截止于周年日前 {} 天，早于触发时间（周年日前 {} 天）；任务的截止时间须在触发之时或之后",
                    renewal.due_days_before,
                    renewal.trigger_days_before
                ),
            );
        }
        Ok(())
    }

    pub fn grace_seconds(&self) -> i64 {
        i64::from(self.visits.grace_hours) * 3600
    }
}

/// Days for date arithmetic. Day rules are u16: validated ones are at most 3660 days, and
/// even an unvalidated one (at most 65 535 days, 179 years) keeps a date plus it a date.
fn days(value: u16) -> i32 {
    i32::from(value)
}

impl ChurnRules {
    pub fn lapse(&self) -> i32 {
        days(self.lapse_days)
    }

    pub fn attribution(&self) -> i32 {
        days(self.attribution_days)
    }

    pub fn revenue_window(&self) -> i32 {
        days(self.revenue_window_days)
    }

    pub fn value_window(&self) -> i32 {
        days(self.value_window_days)
    }
}

impl TierRules {
    pub fn trailing(&self) -> i32 {
        days(self.trailing_days)
    }
}

/// Overlays `overrides` on `base`, table by table.
fn merge(base: &mut toml::Table, overrides: toml::Table) {
    for (key, value) in overrides {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_contract_and_round_trip() {
        let rules = Rules::default();
        rules.validate("defaults").unwrap();
        assert_eq!(Rules::from_toml("x", &rules.to_toml()).unwrap(), rules);
        let churn = rules.visits.tasks.get(Purpose::ChurnRecovery).unwrap();
        assert_eq!(churn.due_seconds(), 30 * 86_400);
        assert_eq!(churn.success, [Outcome::Reached, Outcome::Sent]);
        assert_eq!(rules.visits.tasks.get(Purpose::Care), None);
        assert_eq!(rules.payouts.vip.reward, Fen(15_000));
        assert_eq!(rules.payouts.general.period, PeriodKind::Year);
        assert_eq!(rules.grace_seconds(), 48 * 3600);
    }

    #[test]
    fn a_partial_file_overrides_only_its_keys() {
        let rules = Rules::from_toml(
            "r.toml",
            "[visits]\ngrace_hours = 24\n[visits.tasks.delivery_call_1]\ndue_hours = 12\n",
        )
        .unwrap();
        assert_eq!(rules.visits.grace_hours, 24);
        assert_eq!(rules.visits.tasks.delivery_call_1.due_seconds(), 12 * 3600);
        assert_eq!(rules.visits.tasks.delivery_call_1.department, "sales");
        assert_eq!(rules.churn, Rules::default().churn);
    }

    #[test]
    fn unknown_keys_and_impossible_values_are_refused() {
        let e = Rules::from_toml("r.toml", "[visits]\ngrace_hour = 24\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("grace_hour"), "{e}");
        let e = Rules::from_toml("r.toml", "[surveys]\nsatisfied_overall_min = 6\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "r.toml: surveys.satisfied_overall_min: 6 is out of range; it must be from 1 to 5 (a score)"
        );
        let e = Rules::from_toml(
            "r.toml",
            "[visits.tasks.delivery_call_1]\nsuccess = [\"maybe\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "r.toml: visits.tasks.delivery_call_1.success: `maybe` is not a valid outcome"
            ),
            "{e}"
        );
        let e = Rules::from_toml(
            "r.toml",
            "[visits.tasks.care]\ndue_hours = 1\ndepartment = \"x\"\nsuccess = [\"sent\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("visits.tasks.care: is not a task kind"), "{e}");
        let e = Rules::from_toml("r.toml", "[payouts.vip]\nreward = \"-5\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("r.toml: payouts.vip.reward:"), "{e}");
        let e = Rules::from_toml("r.toml", "[payouts.vip]\nperiod = \"fortnight\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("payouts.vip.period"), "{e}");
        assert!(Rules::from_toml("r.toml", "[visits\n").is_err());
    }

    fn refusal(toml: &str) -> String {
        Rules::from_toml("r.toml", toml).unwrap_err().to_string()
    }

    /// Issue 13 item 7: a task kind's owner is a rule, defaulting to the seed's people (the
    /// sales manager makes the second delivery call), and a wrong word is refused naming
    /// its key.
    #[test]
    fn owner_rules_default_to_the_seed_and_are_checked() {
        let rules = Rules::default();
        let tasks = &rules.visits.tasks;
        assert_eq!(tasks.delivery_call_1.owner, TaskOwner::Consultant);
        assert_eq!(tasks.thank_you_letter.owner, TaskOwner::Consultant);
        assert_eq!(
            tasks.delivery_call_2.owner,
            TaskOwner::Role("manager".into())
        );
        assert_eq!(tasks.delivery_call_3.owner, TaskOwner::Consultant);
        assert_eq!(tasks.service_followup.owner, TaskOwner::Advisor);
        assert_eq!(tasks.churn_recovery.owner, TaskOwner::Pool);
        assert!(rules.to_toml().contains("owner = \"role:manager\""));
        let changed = Rules::from_toml(
            "r.toml",
            "[visits.tasks.delivery_call_2]\nowner = \"consultant\"\n[visits.tasks.service_followup]\nowner = \"role:lead_advisor\"\n",
        )
        .unwrap();
        assert_eq!(
            changed.visits.tasks.delivery_call_2.owner,
            TaskOwner::Consultant
        );
        assert_eq!(
            changed.visits.tasks.service_followup.owner,
            TaskOwner::Role("lead_advisor".into())
        );
        assert_eq!(
            refusal("[visits.tasks.delivery_call_2]\nowner = \"boss\"\n"),
            "r.toml: visits.tasks.delivery_call_2.owner: `boss` is not an owner rule; use consultant, advisor, role:ROLE (e.g. role:manager) or pool"
        );
        assert_eq!(
            refusal("[visits.tasks.delivery_call_2]\nowner = \"role:Manager\"\n"),
            "r.toml: visits.tasks.delivery_call_2.owner: `Manager` is not a role token (a-z, 0-9, _); write e.g. role:manager"
        );
        assert_eq!(
            refusal("[visits.tasks.churn_recovery]\nowner = \"consultant\"\n"),
            "r.toml: visits.tasks.churn_recovery.owner: a churn_recovery task has no consultant; use role:ROLE or pool"
        );
        assert_eq!(
            refusal("[visits.tasks.delivery_call_1]\nowner = \"advisor\"\n"),
            "r.toml: visits.tasks.delivery_call_1.owner: a delivery_call_1 task has no advisor; use consultant, role:ROLE or pool"
        );
    }

    /// Regression (issue 10): a grace of 10^12 hours failed as a bare type error, a negative
    /// window likewise, and an enormous reward was accepted and overflowed the payout line.
    #[test]
    fn every_number_is_range_checked_naming_its_key_and_range() {
        assert_eq!(
            refusal("[visits]\ngrace_hours = 1000000000000\n"),
            "r.toml: visits.grace_hours: 1000000000000 is out of range; it must be from 0 to 8784 hours"
        );
        assert_eq!(
            refusal("[churn]\nrevenue_window_days = -5\n"),
            "r.toml: churn.revenue_window_days: -5 is out of range; it must be from 1 to 3660 days"
        );
        assert_eq!(
            refusal("[visits.tasks.churn_recovery]\ndue_hours = 8785\n"),
            "r.toml: visits.tasks.churn_recovery.due_hours: 8785 is out of range; it must be from 1 to 8784 hours"
        );
        assert_eq!(
            refusal("[tiers]\ns5_policy_years_min = 0\n"),
            "r.toml: tiers.s5_policy_years_min: 0 is out of range; it must be from 1 to 100 years"
        );
        assert_eq!(
            refusal("[payouts.super_vip]\nreward = \"9999999999999.99\"\n"),
            "r.toml: payouts.super_vip.reward: 9999999999999.99 yuan per member is out of range; it must be from 0.00 to 1000000.00 yuan"
        );
        assert_eq!(
            refusal("[payouts.general]\nfine = \"1000000.01\"\n"),
            "r.toml: payouts.general.fine: 1000000.01 yuan per member is out of range; it must be from 0.00 to 1000000.00 yuan"
        );
        // The edges are accepted.
        let rules = Rules::from_toml(
            "r.toml",
            "[visits]\ngrace_hours = 8784\n[churn]\nlapse_days = 3660\nattribution_days = 0\n[payouts.vip]\nreward = \"1000000.00\"\n",
        )
        .unwrap();
        assert_eq!(rules.churn.lapse(), 3660);
        assert_eq!(rules.payouts.vip.reward, Fen(100_000_000));
        // Rules built in code are held to the same ranges.
        let mut rules = Rules::default();
        rules.tiers.trailing_days = 4000;
        assert_eq!(
            rules.validate("code").unwrap_err().to_string(),
            "code: tiers.trailing_days: 4000 is out of range; it must be from 1 to 3660 days"
        );
    }

    /// Issue 16: money may be a TOML number, as in a gates file, read exactly from its text.
    /// 150.5 yuan is 15 050 fen; 0.29 is 29 fen (as an f64, 0.29 × 100 is 28.999…, which
    /// truncates to 28); 1.5e2 is 150 yuan = 15 000 fen; 1_000 is 100 000 fen.
    #[test]
    fn money_may_be_a_number_read_from_its_text() {
        let rules = Rules::from_toml(
            "r.toml",
            "[payouts.super_vip]\nreward = 150.5\nfine = 0.29\n[payouts.vip]\nreward = 1.5e2\nfine = 1_000\n[payouts.general]\nreward = 150\n",
        )
        .unwrap();
        assert_eq!(rules.payouts.super_vip.reward, Fen(15_050));
        assert_eq!(rules.payouts.super_vip.fine, Fen(29));
        assert_eq!(rules.payouts.vip.reward, Fen(15_000));
        assert_eq!(rules.payouts.vip.fine, Fen(100_000));
        assert_eq!(rules.payouts.general.reward, Fen(15_000));
        // The general fine keeps its default (150.00) and the file round-trips as strings.
        assert_eq!(rules.payouts.general.fine, Fen(15_000));
        assert!(rules.to_toml().contains("reward = \"150.50\""));
        assert_eq!(
            refusal("[payouts.vip]\nreward = 150.555\n"),
            "r.toml: payouts.vip.reward: `150.555` is not an amount of yuan; write digits with at most two decimals, e.g. 380 or 191370.50 (no sign, no thousands separator, no currency symbol)"
        );
        assert_eq!(
            refusal("[payouts.vip]\nfine = -5\n"),
            "r.toml: payouts.vip.fine: `-5` is not an amount of yuan; write digits with at most two decimals, e.g. 380 or 191370.50 (no sign, no thousands separator, no currency symbol)"
        );
        assert_eq!(
            refusal("[payouts.general]\nfine = 1000000.01\n"),
            "r.toml: payouts.general.fine: 1000000.01 yuan per member is out of range; it must be from 0.00 to 1000000.00 yuan"
        );
    }

    /// Issue 12: the complaint clock's hours are exact decimals (4.5 h is 16 200 s, never a
    /// float's 4.4999…), the working week is words and times, and both print back as written.
    #[test]
    fn complaint_hours_and_the_working_week_read_exactly_and_print_back() {
        let rules = Rules::default();
        assert_eq!(rules.complaints.escalation_hours.seconds(), 16_200);
        assert_eq!(rules.complaints.reply_hours.seconds(), 48_600);
        let printed = rules.to_toml();
        assert!(
            printed.contains(
                "[complaints]\nescalation_hours = 4.5\nreply_hours = 13.5\n\n[worktime]\nweekdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\nday_start = \"08:30\"\nday_end = \"17:30\"\n"
            ),
            "{printed}"
        );
        // 0.29 h is 1044 s exactly (as an f64, 0.29 × 3600 is 1043.999…).
        let rules = Rules::from_toml(
            "r.toml",
            "[complaints]\nescalation_hours = 0.29\nreply_hours = \"12\"\n[worktime]\nweekdays = [\"sat\", \"mon\"]\nday_end = \"24:00\"\n",
        )
        .unwrap();
        assert_eq!(rules.complaints.escalation_hours.seconds(), 1_044);
        assert_eq!(rules.complaints.reply_hours.seconds(), 12 * 3600);
        assert_eq!(rules.worktime.weekdays.words(), ["mon", "sat"]);
        assert_eq!(rules.worktime.day_end.to_string(), "24:00");
        assert_eq!(Rules::from_toml("x", &rules.to_toml()).unwrap(), rules);
        assert_eq!(
            refusal("[complaints]\nreply_hours = 13.555\n"),
            "r.toml: complaints.reply_hours: `13.555` is not a number of working hours; write hours with at most two decimals, e.g. 4.5 or 13.5"
        );
        assert_eq!(
            refusal("[complaints]\nescalation_hours = 0\n"),
            "r.toml: complaints.escalation_hours: 0 working hours is out of range; it must be more than 0 and at most 8784 hours"
        );
        assert_eq!(
            refusal("[worktime]\nday_start = \"17:30\"\n"),
            "r.toml: worktime.day_end: the working day starts at 17:30 and ends at 17:30; it must end after it starts"
        );
        assert_eq!(
            refusal("[worktime]\nweekdays = [\"mon\", \"funday\"]\n"),
            "r.toml: worktime.weekdays: `funday` is not a weekday; use mon, tue, wed, thu, fri, sat, sun"
        );
        assert_eq!(
            refusal("[worktime]\nday_start = \"8:30\"\n"),
            "r.toml: worktime.day_start: `8:30` is not a time of day; write HH:MM, e.g. 08:30 or 17:30"
        );
        let calendar = Rules::default()
            .worktime
            .calendar([(Day::parse("2025-10-01").unwrap(), false)])
            .unwrap();
        assert!(!calendar.is_working(Day::parse("2025-10-01").unwrap()));
        assert_eq!(calendar.day_seconds(), 9 * 3600);
    }

    /// Issue 14: the care rules print as words (a cadence or `off`), read back, and refuse
    /// a bad cadence, an empty success set and a renewal due before its trigger.
    #[test]
    fn care_rules_print_read_back_and_refuse_the_impossible() {
        let printed = Rules::default().to_toml();
        assert!(
            printed.contains(
                "[care]\ngrace_hours = 0\n\n[care.tier_care]\nsuper_vip = \"week\"\nvip = \"month\"\ngeneral = \"off\"\ndepartment = \"customer_care\"\nsuccess = [\"reached\", \"sent\"]\n\n[care.insurance_renewal]\nenabled = true\ntrigger_days_before = 30\ndue_days_before = 7\n"
            ),
            "{printed}"
        );
        assert!(printed.contains("declared_lost_after = 2\n"), "{printed}");
        let rules = Rules::from_toml(
            "r.toml",
            "[care.tier_care]\nvip = \"off\"\ngeneral = \"year\"\n[churn]\ndeclared_lost_after = 3\n",
        )
        .unwrap();
        assert_eq!(rules.care.tier_care.vip, None);
        assert_eq!(rules.care.tier_care.general, Some(PeriodKind::Year));
        assert_eq!(rules.churn.declared_lost_after, 3);
        assert_eq!(Rules::from_toml("x", &rules.to_toml()).unwrap(), rules);
        assert_eq!(
            refusal("[care.tier_care]\nvip = \"fortnight\"\n"),
            "r.toml: care.tier_care.vip: `fortnight` is not a period; use week, month or year, or off"
        );
        assert_eq!(
            refusal("[care.insurance_renewal]\nsuccess = []\n"),
            "r.toml: care.insurance_renewal.success: is empty; no attempt could ever succeed"
        );
        assert_eq!(
            refusal("[care.insurance_renewal]\ndue_days_before = 31\n"),
            "r.toml: care.insurance_renewal.due_days_before: 31 days before the anniversary is earlier than the trigger (30 days before); a task is due on or after it is triggered"
        );
        assert_eq!(
            refusal("[churn]\ndeclared_lost_after = 0\n"),
            "r.toml: churn.declared_lost_after: 0 is out of range; it must be from 1 to 100 refusals"
        );
    }

    /// Issue 15: the payout rules finance can defend print with their defaults (the
    /// contract's figures), read back, and refuse unknown words and impossible values naming
    /// the key.
    #[test]
    fn payout_rules_print_read_back_and_refuse_the_impossible() {
        let printed = Rules::default().to_toml();
        assert!(
            printed.contains(
                "[payouts]\nfine_below_percent = 95\nmembers = \"active_on_last_day\"\nzero_member_lines = \"keep\"\n"
            ),
            "{printed}"
        );
        assert!(
            printed.contains("[payouts.vip]\nperiod = \"month\"\nreward = \"150.00\"\nfine = \"100.00\"\nmin_surveys = 1\n"),
            "{printed}"
        );
        assert!(printed.contains("[payouts.participants]\n"), "{printed}");
        let rules = Rules::from_toml(
            "r.toml",
            "[payouts]\nmembers = \"prorated\"\nzero_member_lines = \"drop\"\n[payouts.super_vip]\nmin_surveys = 3\n[payouts.participants]\nsales = [\"sales\", \"after_sales\"]\n",
        )
        .unwrap();
        assert_eq!(rules.payouts.members, MembersRule::Prorated);
        assert_eq!(rules.payouts.zero_member_lines, ZeroMemberLines::Drop);
        assert_eq!(rules.payouts.super_vip.min_surveys, 3);
        assert_eq!(rules.payouts.vip.min_surveys, 1);
        assert_eq!(
            rules.payouts.participants_of("sales"),
            ["after_sales", "sales"]
        );
        assert_eq!(
            rules.payouts.participants_of("after_sales"),
            ["after_sales"]
        );
        assert_eq!(Rules::from_toml("x", &rules.to_toml()).unwrap(), rules);
        let rules =
            Rules::from_toml("r.toml", "[payouts]\nmembers = \"active_whole_period\"\n").unwrap();
        assert_eq!(rules.payouts.members, MembersRule::ActiveWholePeriod);
        assert_eq!(
            refusal("[payouts]\nmembers = \"everyone\"\n"),
            "r.toml: payouts.members: `everyone` is not a members rule; use active_on_last_day, prorated or active_whole_period"
        );
        assert_eq!(
            refusal("[payouts]\nzero_member_lines = \"hide\"\n"),
            "r.toml: payouts.zero_member_lines: `hide` is not a rule for lines without members; use keep or drop"
        );
        assert_eq!(
            refusal("[payouts.vip]\nmin_surveys = 0\n"),
            "r.toml: payouts.vip.min_surveys: 0 is out of range; it must be from 1 to 10000 surveys"
        );
        assert_eq!(
            refusal("[payouts.general]\nmin_surveys = 10001\n"),
            "r.toml: payouts.general.min_surveys: 10001 is out of range; it must be from 1 to 10000 surveys"
        );
        assert_eq!(
            refusal("[payouts.participants]\nsales = []\n"),
            "r.toml: payouts.participants.sales: is empty; no one would share the lines about sales: name its participating departments, or leave the key out so that its own members share them"
        );
        assert_eq!(
            refusal("[payouts.participants]\nsales = [\"sales\", \"After Sales\"]\n"),
            "r.toml: payouts.participants.sales: `After Sales` is not a department token (a-z, 0-9, _)"
        );
        assert_eq!(
            refusal("[payouts.participants]\nsales = [\"sales\", \"sales\"]\n"),
            "r.toml: payouts.participants.sales: names sales twice"
        );
        assert!(
            refusal("[payouts]\nmin_surveys = 2\n").contains("min_surveys"),
            "min_surveys is per tier, not global"
        );
    }

    /// Every integer the rules hold has a range: a new rule without one fails here.
    #[test]
    fn every_integer_rule_has_a_range() {
        let mut integers = Vec::new();
        integer_leaves(
            &toml::Table::try_from(Rules::default()).unwrap(),
            "",
            &mut integers,
        );
        // Tasks' due hours, grace, churn (with declared_lost_after), surveys, tiers,
        // payouts, care (grace, the renewal window), the payout tiers' min_surveys.
        assert_eq!(integers.len(), 6 + 1 + 5 + 1 + 13 + 1 + 3 + 3);
        for (key, _) in integers {
            assert!(integer_range(&key).is_some(), "{key} has no range");
        }
    }
}
