-- DOMAIN.md section 5: recovered returns and recovery revenue. Needs episodes.sql and the
-- rule table rule_task_kinds (the success outcomes of churn_recovery).

-- A return R is recovered when some successful churn_recovery attempt of the customer is
-- dated d with lost_on <= d <= R and R - d <= attribution days.
CREATE OR REPLACE TEMP TABLE returns AS
SELECT e.customer_id, e.lost_on, e.returned_on,
       EXISTS (
           SELECT 1
           FROM contacts a
           JOIN rule_task_kinds k ON k.kind = 'churn_recovery'
           WHERE a.customer_id = e.customer_id AND a.purpose = 'churn_recovery'
             AND list_contains(k.success, a.outcome)
             AND CAST(a."at" AS DATE) BETWEEN e.lost_on AND e.returned_on
             AND e.returned_on - CAST(a."at" AS DATE) <= ${attribution_days}
       ) AS recovered
FROM episodes e
WHERE e.returned_on IS NOT NULL;

-- Service orders opened in [R, R + window) of a recovered return R; each order once.
CREATE OR REPLACE TEMP TABLE recovery_orders AS
SELECT o.order_id, CAST(o.opened_at AS DATE) AS opened_on, o.revenue
FROM service_orders o
SEMI JOIN returns r
  ON r.recovered AND r.customer_id = o.customer_id
 AND CAST(o.opened_at AS DATE) >= r.returned_on
 AND CAST(o.opened_at AS DATE) < r.returned_on + ${revenue_window_days};
