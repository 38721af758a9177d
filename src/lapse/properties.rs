//! Property tests of the BG/NBD functions over any parameters and histories: P(alive) is 1
//! without repeat purchases and falls as the gap since the last one grows; the expected
//! future transactions are never negative and grow with the horizon; the conditional
//! expectation of a customer without repeats at age 0 is the unconditional one (eq. 10 → 7).

use proptest::prelude::*;

use super::BgNbdParams;

fn params() -> impl Strategy<Value = BgNbdParams> {
    (0.05f64..5.0, 0.1f64..50.0, 0.05f64..5.0, 0.05f64..10.0)
        .prop_map(|(r, alpha, a, b)| BgNbdParams { r, alpha, a, b })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn without_repeats_a_customer_is_alive(p in params(), t_x in 0.0f64..100.0, age in 0.0f64..100.0) {
        prop_assert_eq!(p.p_alive(0, t_x, age), 1.0);
    }

    #[test]
    fn a_longer_gap_lowers_p_alive(
        p in params(),
        x in 1u32..60,
        age in 0.5f64..100.0,
        later in 0.0f64..=1.0,
        earlier in 0.0f64..=1.0,
    ) {
        // Two last-purchase times t_x at a fixed age, the earlier one a longer gap.
        let (early, late) = if earlier <= later { (earlier, later) } else { (later, earlier) };
        let (t_early, t_late) = (early * age, late * age);
        let (p_early, p_late) = (p.p_alive(x, t_early, age), p.p_alive(x, t_late, age));
        prop_assert!(p_early <= p_late, "t_x {t_early} gives {p_early}, t_x {t_late} gives {p_late}");
        prop_assert!((0.0..=1.0).contains(&p_early));
        // At the cut-off itself (t_x = T) the customer is alive unless they dropped out
        // after that purchase: P = 1 / (1 + a/(b+x−1)).
        let at_age = p.p_alive(x, age, age);
        let want = 1.0 / (1.0 + p.a / (p.b + f64::from(x) - 1.0));
        prop_assert!((at_age - want).abs() <= 1e-12);
    }

    #[test]
    fn expected_future_is_positive_and_grows_with_t(
        p in params(),
        x in 0u32..60,
        age in 0.0f64..100.0,
        recency in 0.0f64..=1.0,
        t1 in 0.0f64..200.0,
        dt in 0.0f64..200.0,
    ) {
        let t_x = if x == 0 { 0.0 } else { recency * age };
        let near = p.expected_future(t1, x, t_x, age).unwrap();
        let far = p.expected_future(t1 + dt, x, t_x, age).unwrap();
        prop_assert!(near >= 0.0, "E[Y({t1})] = {near}");
        // A relative slack for rounding where the two are equal to the last digits.
        prop_assert!(far >= near * (1.0 - 1e-12), "E[Y({t1})] = {near} > E[Y({})] = {far}", t1 + dt);
        prop_assert!(far.is_finite());
    }

    #[test]
    fn a_new_customer_expects_the_unconditional_count(p in params(), t in 0.0f64..200.0) {
        let conditional = p.expected_future(t, 0, 0.0, 0.0).unwrap();
        let unconditional = p.expected_transactions(t).unwrap();
        prop_assert_eq!(conditional.to_bits(), unconditional.to_bits());
    }
}
