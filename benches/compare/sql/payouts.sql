-- DOMAIN.md sections 8 and 9: the lines and people of `report payouts` for month ${month}.
-- Needs periods.sql and tiers.sql (covering every survey of the periods). Money in fen.
-- Blocks whose name starts with '_' only prepare; the others are the report's figures.

-- name: _lines
CREATE OR REPLACE TEMP TABLE payout_lines AS
WITH counted AS (
    SELECT p.period, p.period_start, p.period_end, p.tier, p.tier_order, p.reward_fen,
           p.fine_fen, s.subject_department AS department, count(*) AS surveys,
           count(*) FILTER (WHERE s.overall >= ${satisfied_overall_min}) AS satisfied
    FROM periods p
    JOIN surveys s ON CAST(s."at" AS DATE) BETWEEN p.period_start AND p.period_end
    JOIN tiers t
      ON t.customer_id = s.customer_id AND t.tier = p.tier
     AND t.e = CAST(date_trunc('month', s."at") - INTERVAL 1 DAY AS DATE)
    GROUP BY ALL
),
judged AS (
    SELECT *,
           CASE WHEN satisfied = surveys THEN 'reward'
                WHEN 100 * satisfied < ${fine_below_percent} * surveys THEN 'fine'
                ELSE 'none' END AS outcome
    FROM counted
)
SELECT *,
       CASE outcome WHEN 'reward' THEN reward_fen WHEN 'fine' THEN -fine_fen ELSE 0 END
           AS per_member
FROM judged;

-- name: _members
CREATE OR REPLACE TEMP TABLE payout_members AS
SELECT l.period, l.tier, l.department, l.per_member, m.staff_id
FROM payout_lines l
JOIN staff m
  ON m.department = l.department AND m.active_from <= l.period_end
 AND (m.active_to IS NULL OR m.active_to >= l.period_end);

-- name: lines
SELECT l.period, strftime(l.period_start, '%Y-%m-%d') AS period_start,
       strftime(l.period_end, '%Y-%m-%d') AS period_end, l.tier, l.department, l.surveys,
       l.satisfied, l.outcome, l.per_member, coalesce(m.members, 0) AS members,
       l.per_member * coalesce(m.members, 0) AS amount
FROM payout_lines l
LEFT JOIN (
    SELECT period, tier, department, count(*) AS members
    FROM payout_members
    GROUP BY ALL
) m USING (period, tier, department)
ORDER BY l.period_end, l.tier_order, l.department;

-- name: people
SELECT staff_id, sum(per_member) AS amount
FROM payout_members
GROUP BY staff_id
ORDER BY staff_id;
