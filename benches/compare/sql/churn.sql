-- DOMAIN.md sections 5 and 9: the figures of `report churn` for the days
-- ${first_day} .. ${last_day}. Needs episodes.sql and recovery.sql.

-- name: churn
SELECT
    (SELECT count(*) FROM episodes
      WHERE lost_on <= DATE '${last_day}'
        AND (returned_on IS NULL OR returned_on > DATE '${last_day}')) AS lost_at_end,
    (SELECT count(*) FROM episodes
      WHERE lost_on BETWEEN DATE '${first_day}' AND DATE '${last_day}') AS newly_lost,
    (SELECT count(*) FROM contacts
      WHERE purpose = 'churn_recovery'
        AND CAST("at" AS DATE) BETWEEN DATE '${first_day}' AND DATE '${last_day}') AS recovery_attempts,
    (SELECT count(DISTINCT customer_id) FROM contacts
      WHERE purpose = 'churn_recovery'
        AND CAST("at" AS DATE) BETWEEN DATE '${first_day}' AND DATE '${last_day}') AS customers_contacted,
    (SELECT count(*) FROM returns
      WHERE recovered AND returned_on BETWEEN DATE '${first_day}' AND DATE '${last_day}') AS recovered,
    (SELECT count(*) FROM returns
      WHERE NOT recovered AND returned_on BETWEEN DATE '${first_day}' AND DATE '${last_day}') AS returned_unprompted,
    (SELECT coalesce(CAST(sum(revenue) * 100 AS BIGINT), 0) FROM recovery_orders
      WHERE opened_on BETWEEN DATE '${first_day}' AND DATE '${last_day}') AS recovery_revenue;
