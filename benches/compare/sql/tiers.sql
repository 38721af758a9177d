-- DOMAIN.md section 7: the tier of each surveyed customer on each survey date, for the
-- surveys dated from ${from_day} to ${to_day}. Needs episodes.sql (visit_dates).
-- The tier on date d is evaluated as of E = the last day of the month before d's month, so
-- it is computed once per (customer, E).

CREATE OR REPLACE TEMP TABLE tier_asof AS
SELECT DISTINCT customer_id, CAST(date_trunc('month', "at") - INTERVAL 1 DAY AS DATE) AS e
FROM surveys
WHERE CAST("at" AS DATE) BETWEEN DATE '${from_day}' AND DATE '${to_day}';

CREATE OR REPLACE TEMP TABLE tiers AS
WITH
-- S1: distinct customers of C's family with a sale dated on or before E.
family_buyers AS (
    SELECT p.customer_id, p.e, count(DISTINCT s.customer_id) AS n
    FROM tier_asof p
    JOIN customers c ON c.customer_id = p.customer_id AND c.family_id IS NOT NULL
    JOIN customers m ON m.family_id = c.family_id
    JOIN sales s ON s.customer_id = m.customer_id AND CAST(s.delivered_at AS DATE) <= p.e
    GROUP BY ALL
),
-- S2, V2: distinct visit dates in the trailing year E - (days - 1) .. E.
trailing_visits AS (
    SELECT p.customer_id, p.e, count(*) AS n
    FROM tier_asof p
    JOIN visit_dates v ON v.customer_id = p.customer_id
     AND v.d BETWEEN p.e - (${trailing_days} - 1) AND p.e
    GROUP BY ALL
),
-- S3, S7, V3: sales naming C as referrer; V1: sales to C.
referred_sales AS (
    SELECT p.customer_id, p.e, count(*) AS n
    FROM tier_asof p
    JOIN sales s ON s.referrer_id = p.customer_id AND CAST(s.delivered_at AS DATE) <= p.e
    GROUP BY ALL
),
own_sales AS (
    SELECT p.customer_id, p.e, count(*) AS n
    FROM tier_asof p
    JOIN sales s ON s.customer_id = p.customer_id AND CAST(s.delivered_at AS DATE) <= p.e
    GROUP BY ALL
),
-- S5, V5: the longest run of consecutive policy years ending in year(E) or year(E) - 1.
policy_years AS (
    SELECT DISTINCT p.customer_id, p.e, year(i.start_on) AS y
    FROM tier_asof p
    JOIN insurance i ON i.customer_id = p.customer_id AND i.start_on <= p.e
),
policy_runs AS (
    SELECT customer_id, e, max(y) AS last_year, count(*) AS years
    FROM (SELECT *, y - row_number() OVER (PARTITION BY customer_id, e ORDER BY y) AS island
          FROM policy_years)
    GROUP BY customer_id, e, island
),
policy_streak AS (
    SELECT customer_id, e, max(years) AS n
    FROM policy_runs
    WHERE last_year >= year(e) - 1
    GROUP BY ALL
),
-- S6, V6: distinct customers holding a policy that names C as referrer.
policy_referrals AS (
    SELECT p.customer_id, p.e, count(DISTINCT i.customer_id) AS n
    FROM tier_asof p
    JOIN insurance i ON i.referrer_id = p.customer_id AND i.start_on <= p.e
    GROUP BY ALL
),
-- S8: surveys in the trailing year, and how many of them satisfied.
trailing_surveys AS (
    SELECT p.customer_id, p.e, count(*) AS n,
           count(*) FILTER (WHERE s.overall >= ${satisfied_overall_min}) AS satisfied
    FROM tier_asof p
    JOIN surveys s ON s.customer_id = p.customer_id
     AND CAST(s."at" AS DATE) BETWEEN p.e - (${trailing_days} - 1) AND p.e
    GROUP BY ALL
),
facts AS (
    SELECT p.customer_id, p.e, c.created_on,
           coalesce(string_split(c.tags, ';'), []) AS tags,
           coalesce(fb.n, 0) AS family_buyers, coalesce(tv.n, 0) AS visit_dates,
           coalesce(rs.n, 0) AS referred_sales, coalesce(os.n, 0) AS own_sales,
           coalesce(ps.n, 0) AS policy_years, coalesce(pr.n, 0) AS policy_referrals,
           coalesce(ts.n, 0) AS surveys, coalesce(ts.satisfied, 0) AS satisfied
    FROM tier_asof p
    JOIN customers c USING (customer_id)
    LEFT JOIN family_buyers fb USING (customer_id, e)
    LEFT JOIN trailing_visits tv USING (customer_id, e)
    LEFT JOIN referred_sales rs USING (customer_id, e)
    LEFT JOIN own_sales os USING (customer_id, e)
    LEFT JOIN policy_streak ps USING (customer_id, e)
    LEFT JOIN policy_referrals pr USING (customer_id, e)
    LEFT JOIN trailing_surveys ts USING (customer_id, e)
)
SELECT customer_id, e,
    CASE
    WHEN created_on > e THEN 'general'
    WHEN family_buyers >= ${s1_family_buyers_min}                                   -- S1
      OR visit_dates >= ${s2_visit_dates_min}                                       -- S2
      OR referred_sales >= ${s3_referred_sales_min}                                 -- S3
      OR list_contains(tags, 'influential')                                         -- S4
      OR policy_years >= ${s5_policy_years_min}                                     -- S5
      OR policy_referrals >= ${s6_policy_referrals_min}                             -- S6
      OR (list_contains(tags, 'media')
          AND referred_sales >= ${s7_media_referred_sales_min})                     -- S7
      OR (surveys >= ${s8_surveys_min} AND satisfied = surveys)                     -- S8
      THEN 'super_vip'
    WHEN own_sales >= ${v1_sales_min}                                               -- V1
      OR visit_dates >= ${v2_visit_dates_min}                                       -- V2
      OR referred_sales >= ${v3_referred_sales_min}                                 -- V3
      OR list_contains(tags, 'suggestion_adopted')                                  -- V4
      OR policy_years >= ${v5_policy_years_min}                                     -- V5
      OR policy_referrals >= ${v6_policy_referrals_min}                             -- V6
      THEN 'vip'
    ELSE 'general'
    END AS tier
FROM facts;
