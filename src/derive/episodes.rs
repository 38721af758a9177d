//! Lost episodes (DOMAIN.md section 5): a customer with no visit for more than the lapse
//! after a visit is lost from that visit + lapse until their next visit, the return.

use crate::model::Day;

/// One lost episode of one customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Episode {
    /// The last visit before the lapse.
    pub last_visit: Day,
    /// last_visit + lapse days.
    pub lost_on: Day,
    /// The next visit, if the customer came back.
    pub returned_on: Option<Day>,
}

/// The episodes of one customer from their visit dates (sale delivery and order opening
/// dates, in any order, duplicates allowed). `lapse_days` comes from validated rules
/// ([`crate::rules::ChurnRules::lapse`], 1–3660), so `visit + lapse` is a date.
pub fn lost_episodes(visit_dates: &[Day], lapse_days: i32) -> Vec<Episode> {
    let mut dates = visit_dates.to_vec();
    dates.sort_unstable();
    dates.dedup();
    let lapse = lapse_days;
    let mut episodes = Vec::new();
    for (i, &v) in dates.iter().enumerate() {
        let next = dates.get(i + 1).copied();
        // Lost when the next visit is *later* than v + lapse: a return on day v + lapse
        // itself is in time.
        if next.is_none_or(|n| n.0 > v.0 + lapse) {
            episodes.push(Episode {
                last_visit: v,
                lost_on: Day(v.0 + lapse),
                returned_on: next,
            });
        }
    }
    episodes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    #[test]
    fn a_return_on_the_lapse_day_is_in_time_and_one_day_later_is_not() {
        // 2024-01-01 + 180 days = 2024-06-29.
        assert_eq!(
            lost_episodes(&[d("2024-01-01"), d("2024-06-29")], 180).len(),
            1
        ); // only the open one after the return
        let e = lost_episodes(&[d("2024-01-01"), d("2024-06-30")], 180);
        assert_eq!(
            e[0],
            Episode {
                last_visit: d("2024-01-01"),
                lost_on: d("2024-06-29"),
                returned_on: Some(d("2024-06-30"))
            }
        );
        assert_eq!(e[1].last_visit, d("2024-06-30"));
        assert_eq!(e[1].returned_on, None);
    }

    #[test]
    fn visits_on_one_date_count_once_and_order_does_not_matter() {
        let e = lost_episodes(&[d("2024-03-01"), d("2023-01-01"), d("2024-03-01")], 180);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].returned_on, Some(d("2024-03-01")));
        assert!(lost_episodes(&[], 180).is_empty());
    }
}
