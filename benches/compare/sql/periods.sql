-- DOMAIN.md section 8: the payout periods ending in month ${month} (first day ${first_day},
-- last day ${last_day}), one set per tier from the rule table
-- rule_payouts(tier, tier_order, period, reward_fen, fine_fen): ISO weeks whose Sunday is
-- in the month, the month, and the year when the month is December.
CREATE OR REPLACE TEMP TABLE periods AS
WITH spans AS (
    SELECT 'week' AS kind, strftime(sunday - 6, '%G-W%V') AS period,
           CAST(sunday - 6 AS DATE) AS period_start, sunday AS period_end
    FROM (SELECT CAST(unnest(generate_series(DATE '${first_day}', DATE '${last_day}',
                                             INTERVAL 1 DAY)) AS DATE) AS sunday)
    WHERE isodow(sunday) = 7
    UNION ALL
    SELECT 'month', '${month}', DATE '${first_day}', DATE '${last_day}'
    UNION ALL
    SELECT 'year', CAST(year(DATE '${first_day}') AS VARCHAR),
           make_date(year(DATE '${first_day}'), 1, 1), DATE '${last_day}'
    WHERE month(DATE '${first_day}') = 12
)
SELECT r.tier, r.tier_order, r.reward_fen, r.fine_fen, s.*
FROM rule_payouts r
JOIN spans s ON s.kind = r.period;
