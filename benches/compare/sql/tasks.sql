-- DOMAIN.md section 4: return-visit tasks, the crediting of attempts, and each task's state.
-- Needs episodes.sql and the rule table rule_task_kinds(kind, due_seconds, department, success).

CREATE OR REPLACE TEMP TABLE tasks AS
SELECT k.kind || ':' || s.sale_id AS task_id, k.kind, s.customer_id,
       s.delivered_at AS trigger_at, s.delivered_at + to_seconds(k.due_seconds) AS due_at,
       CAST(NULL AS DATE) AS returned_on
FROM sales s
JOIN rule_task_kinds k
  ON k.kind IN ('delivery_call_1', 'thank_you_letter', 'delivery_call_2', 'delivery_call_3')
UNION ALL
SELECT k.kind || ':' || o.order_id, k.kind, o.customer_id,
       o.closed_at, o.closed_at + to_seconds(k.due_seconds), NULL
FROM service_orders o
JOIN rule_task_kinds k ON k.kind = 'service_followup'
WHERE o.closed_at IS NOT NULL AND coalesce(o.followup_consent, true)
UNION ALL
SELECT k.kind || ':' || e.customer_id || '@' || strftime(e.lost_on, '%Y-%m-%d'), k.kind,
       e.customer_id, CAST(e.lost_on AS TIMESTAMP),
       CAST(e.lost_on AS TIMESTAMP) + to_seconds(k.due_seconds), e.returned_on
FROM episodes e
JOIN rule_task_kinds k ON k.kind = 'churn_recovery';

-- Attempts that may credit a task: purpose one of the task kinds (never `care`).
CREATE OR REPLACE TEMP TABLE task_attempts AS
SELECT a.attempt_id, a.customer_id, a."at", a.purpose, a.outcome,
       list_contains(k.success, a.outcome) AS success
FROM contacts a
JOIN rule_task_kinds k ON k.kind = a.purpose;

-- Each attempt's candidate tasks (same customer and kind, trigger_at <= at <= due_at + grace),
-- as a list in the order of preference: earliest due_at, then smallest task id.
CREATE OR REPLACE TEMP TABLE attempt_candidates AS
SELECT a.attempt_id, a.customer_id, a.purpose, a."at", a.success,
       list(t.task_id ORDER BY t.due_at, t.task_id) AS candidates
FROM task_attempts a
JOIN tasks t
  ON t.customer_id = a.customer_id AND t.kind = a.purpose
 AND t.trigger_at <= a."at" AND a."at" <= t.due_at + to_seconds(${grace_seconds})
GROUP BY ALL;

-- The sequential rule. Attempts are taken in (at, attempt_id) order; an attempt goes to its
-- first candidate not yet successful on the attempts credited so far, else to its first
-- candidate. Only attempts of the same customer and purpose share candidates, so the walk
-- runs per (customer, purpose) group. In a group where every attempt has exactly one
-- candidate the state never changes a choice, so those attempts take it directly; the
-- groups with a choice to make are walked attempt by attempt with a recursive CTE whose
-- state is the list of tasks already successful.
CREATE OR REPLACE TEMP TABLE credits AS
WITH RECURSIVE
ordered AS (
    SELECT *, row_number() OVER (PARTITION BY customer_id, purpose ORDER BY "at", attempt_id) AS rn,
           max(len(candidates)) OVER (PARTITION BY customer_id, purpose) AS widest
    FROM attempt_candidates
),
walk AS (
    SELECT customer_id, purpose, CAST(0 AS BIGINT) AS rn, CAST(NULL AS VARCHAR) AS attempt_id,
           CAST(NULL AS VARCHAR) AS task_id, CAST([] AS VARCHAR[]) AS successful
    FROM ordered
    WHERE widest > 1 AND rn = 1
    UNION ALL
    SELECT customer_id, purpose, rn, attempt_id, task_id,
           CASE WHEN success AND NOT list_contains(successful, task_id)
                THEN list_append(successful, task_id) ELSE successful END
    FROM (
        SELECT w.customer_id, w.purpose, o.rn, o.attempt_id, o.success, w.successful,
               coalesce(list_filter(o.candidates, lambda c: NOT list_contains(w.successful, c))[1],
                        o.candidates[1]) AS task_id
        FROM walk w
        JOIN ordered o
          ON o.customer_id = w.customer_id AND o.purpose = w.purpose AND o.rn = w.rn + 1
    )
)
SELECT o.attempt_id, o.candidates[1] AS task_id
FROM ordered o
WHERE o.widest = 1
UNION ALL
SELECT attempt_id, task_id FROM walk WHERE rn > 0;

-- Each task with what crediting made of it.
CREATE OR REPLACE TEMP TABLE task_state AS
SELECT t.task_id, t.kind, k.department, t.customer_id, t.due_at,
       count(a.attempt_id) > 0 AS performed,
       coalesce(bool_or(a.success), false) AS successful,
       coalesce(min(a."at") <= t.due_at, false) AS on_time,
       t.kind = 'churn_recovery' AND count(a.attempt_id) = 0
           AND t.returned_on IS NOT NULL AND t.returned_on <= CAST(t.due_at AS DATE) AS withdrawn
FROM tasks t
JOIN rule_task_kinds k ON k.kind = t.kind
LEFT JOIN credits c ON c.task_id = t.task_id
LEFT JOIN task_attempts a ON a.attempt_id = c.attempt_id
GROUP BY t.task_id, t.kind, k.department, t.customer_id, t.due_at, t.returned_on;

-- Attempts of a task purpose that credit no task (no candidate at all).
CREATE OR REPLACE TEMP TABLE unscheduled AS
SELECT a.attempt_id, a."at"
FROM task_attempts a
ANTI JOIN attempt_candidates c ON c.attempt_id = a.attempt_id;
