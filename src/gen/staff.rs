//! The staff roster, generated up front: people in five departments, sized to the work the
//! customer count brings, some joining or leaving during the period, with a core in every
//! department that stays for the whole period so that every date has people to do the work.
//!
//! Sizes follow what a 4S dealership staffs per month of work (measured volumes per 1,000
//! customers of this generator, [`MonthlyVolume`]): a service advisor per 300 service
//! orders, a sales consultant per 10 deliveries, a customer-care specialist per 900 calls
//! and messages (about 45 a working day), a renewal specialist (续保专员) per 120 renewal
//! reminders, a marketing planner per 1,500 invitations; each department at least a
//! manager and three members.

use super::calendar::Calendar;
use super::rng::Rand;
use super::text::{GIVEN_NAMES, SURNAMES};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Dept {
    Sales,
    AfterSales,
    CustomerCare,
    Marketing,
    /// The insurance desk: renewal reminders, and the subject of insurance surveys.
    Insurance,
}

impl Dept {
    pub(crate) fn token(self) -> &'static str {
        match self {
            Dept::Sales => "sales",
            Dept::AfterSales => "after_sales",
            Dept::CustomerCare => "customer_care",
            Dept::Marketing => "marketing",
            Dept::Insurance => "insurance",
        }
    }

    fn id_prefix(self) -> &'static str {
        match self {
            Dept::Sales => "XS",
            Dept::AfterSales => "SH",
            Dept::CustomerCare => "KF",
            Dept::Marketing => "SC",
            Dept::Insurance => "BX",
        }
    }

    /// Role of everyone but the department's manager.
    fn member_role(self) -> &'static str {
        match self {
            Dept::Sales => "consultant",
            Dept::AfterSales => "advisor",
            Dept::CustomerCare => "specialist",
            Dept::Marketing => "planner",
            Dept::Insurance => "renewal_specialist",
        }
    }
}

const STAFFED: [Dept; 5] = [
    Dept::Sales,
    Dept::AfterSales,
    Dept::CustomerCare,
    Dept::Marketing,
    Dept::Insurance,
];

/// Work per month of the window per 1,000 customers, as this generator makes it (measured
/// on seeds 1–3, 2,000 customers, 24 months; the steady state makes it flat over the months).
struct MonthlyVolume;

impl MonthlyVolume {
    const ORDERS_PER_1000: u64 = 100;
    const SALES_PER_1000: u64 = 8;
    /// Contacts customer care makes: follow-ups, recovery calls, care touches.
    const CARE_CONTACTS_PER_1000: u64 = 600;
    const RENEWAL_CALLS_PER_1000: u64 = 16;
    const INVITATIONS_PER_1000: u64 = 130;
}

/// Members (the manager included) a department needs for `work` units a month when one
/// person handles `per_person`: at least a manager and three members (one of whom may
/// come or go during the period).
fn sized(work: u64, per_person: u64) -> u64 {
    (1 + work.div_ceil(per_person)).max(4)
}

pub(crate) struct Member {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) dept: Dept,
    pub(crate) role: &'static str,
    pub(crate) from_day: i64,
    /// Last active day (inclusive); `None` = still active at the end.
    pub(crate) to_day: Option<i64>,
}

impl Member {
    fn active_through(&self, from_day: i64, to_day: i64) -> bool {
        self.from_day <= from_day && self.to_day.is_none_or(|last| to_day <= last)
    }
}

pub(crate) struct Roster {
    pub(crate) members: Vec<Member>,
}

impl Roster {
    /// Department sizes from the monthly work `customers` bring (see the module comment).
    pub(crate) fn generate(seed: u64, customers: u64, cal: &Calendar) -> Roster {
        let rng = Rand::new(seed ^ 0x5354_4146_465F_4745); // "STAFF_GE"
        let days = cal.days_total;
        let per_month = |per_1000: u64| customers.saturating_mul(per_1000) / 1_000;
        let mut members = Vec::new();
        for dept in STAFFED {
            let count = match dept {
                Dept::AfterSales => sized(per_month(MonthlyVolume::ORDERS_PER_1000), 300),
                Dept::Sales => sized(per_month(MonthlyVolume::SALES_PER_1000), 10),
                Dept::CustomerCare => sized(per_month(MonthlyVolume::CARE_CONTACTS_PER_1000), 900),
                Dept::Insurance => sized(per_month(MonthlyVolume::RENEWAL_CALLS_PER_1000), 120),
                Dept::Marketing => sized(per_month(MonthlyVolume::INVITATIONS_PER_1000), 1_500),
            };
            // The core never leaves: at least three people, half the department.
            let core = (count / 2).max(3);
            for k in 0..count {
                let (from_day, to_day) = if k < core {
                    (0, None)
                } else {
                    match rng.below(3) {
                        // Joins during the period.
                        0 => (rng.range(days / 12, days - days / 12), None),
                        // Leaves during the period.
                        1 => (0, Some(rng.range(days / 6, days - 1))),
                        // Joins and leaves again, or is still there.
                        _ => {
                            let from = rng.range(0, days / 2);
                            let to = from + rng.range(90, days);
                            (from, (to < days - 1).then_some(to))
                        }
                    }
                };
                let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN_NAMES));
                members.push(Member {
                    id: format!("{}{:03}", dept.id_prefix(), k + 1),
                    name,
                    dept,
                    role: if k == 0 {
                        "manager"
                    } else {
                        dept.member_role()
                    },
                    from_day,
                    to_day,
                });
            }
        }
        Roster { members }
    }

    /// A member of `dept` (never its manager) active on every day of `from_day..=to_day`.
    /// The core guarantees one exists for any days inside the period. Days before the
    /// period (a contact that will not be written) count as its first day.
    pub(crate) fn pick(&self, rng: &Rand, dept: Dept, from_day: i64, to_day: i64) -> usize {
        let (from_day, to_day) = (from_day.max(0), to_day.max(0));
        let eligible = |m: &Member| {
            m.dept == dept && m.role != "manager" && m.active_through(from_day, to_day)
        };
        let count = self.members.iter().filter(|m| eligible(m)).count();
        assert!(
            count > 0,
            "no {} staff active on days {from_day}..={to_day}",
            dept.token()
        );
        let nth = rng.below(count as u64) as usize;
        self.members
            .iter()
            .enumerate()
            .filter(|(_, m)| eligible(m))
            .nth(nth)
            .map(|(i, _)| i)
            .expect("counted above")
    }
}
