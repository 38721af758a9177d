-- DOMAIN.md section 5: visit dates and lost episodes.
-- Visits are the distinct dates of sale.delivered_at and service_order.opened_at.
CREATE OR REPLACE TEMP TABLE visit_dates AS
SELECT customer_id, CAST(delivered_at AS DATE) AS d FROM sales
UNION
SELECT customer_id, CAST(opened_at AS DATE) AS d FROM service_orders;

-- A visit v whose next visit is later than v + lapse (or absent) opens an episode lost on
-- v + lapse; the next visit, if any, is its return.
CREATE OR REPLACE TEMP TABLE episodes AS
SELECT customer_id, CAST(d + ${lapse_days} AS DATE) AS lost_on, next_d AS returned_on
FROM (
    SELECT customer_id, d, lead(d) OVER (PARTITION BY customer_id ORDER BY d) AS next_d
    FROM visit_dates
)
WHERE next_d IS NULL OR next_d > d + ${lapse_days};
