//! The staff roster, generated up front: a few dozen people in four departments, some
//! joining or leaving during the period, with a core in every department that stays for
//! the whole period so that every date has people to do the work.

use super::calendar::Calendar;
use super::rng::Rand;
use super::text::{GIVEN_NAMES, SURNAMES};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Dept {
    Sales,
    AfterSales,
    CustomerCare,
    Marketing,
    /// Appears only as a survey subject: a department without members (DOMAIN.md §2).
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
            Dept::Insurance => unreachable!("insurance has no staff"),
        }
    }

    /// Role of everyone but the department's manager.
    fn member_role(self) -> &'static str {
        match self {
            Dept::Sales => "consultant",
            Dept::AfterSales => "advisor",
            Dept::CustomerCare => "specialist",
            Dept::Marketing => "planner",
            Dept::Insurance => unreachable!("insurance has no staff"),
        }
    }
}

const STAFFED: [Dept; 4] = [
    Dept::Sales,
    Dept::AfterSales,
    Dept::CustomerCare,
    Dept::Marketing,
];

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
    /// Sizes grow with the logarithm of the customer count: 24 people at 2,000 customers,
    /// 57 at 200,000.
    pub(crate) fn generate(seed: u64, customers: u64, cal: &Calendar) -> Roster {
        let rng = Rand::new(seed ^ 0x5354_4146_465F_4745); // "STAFF_GE"
        let factor = 1 + u64::from((customers / 1_000).max(1).ilog2());
        let days = cal.days_total;
        let mut members = Vec::new();
        for dept in STAFFED {
            let count = match dept {
                Dept::Sales | Dept::AfterSales => 4 + 2 * factor,
                Dept::CustomerCare => 3 + factor,
                _ => 2 + factor / 2,
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
    /// The core guarantees one exists for any days inside the period.
    pub(crate) fn pick(&self, rng: &Rand, dept: Dept, from_day: i64, to_day: i64) -> usize {
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
