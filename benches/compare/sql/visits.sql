-- DOMAIN.md sections 4, 6 and 9: the figures of `report visits` for the days
-- ${first_day} .. ${last_day}. Needs tasks.sql. One query per block, each after its name.

-- name: tasks
SELECT count(*) AS due,
       count(*) FILTER (WHERE performed) AS performed,
       count(*) FILTER (WHERE successful) AS successful,
       count(*) FILTER (WHERE on_time) AS on_time
FROM task_state
WHERE NOT withdrawn AND CAST(due_at AS DATE) BETWEEN DATE '${first_day}' AND DATE '${last_day}';

-- name: by_kind
SELECT kind, count(*) AS due,
       count(*) FILTER (WHERE performed) AS performed,
       count(*) FILTER (WHERE successful) AS successful,
       count(*) FILTER (WHERE on_time) AS on_time
FROM task_state
WHERE NOT withdrawn AND CAST(due_at AS DATE) BETWEEN DATE '${first_day}' AND DATE '${last_day}'
GROUP BY kind
ORDER BY kind;

-- name: by_department
SELECT department, count(*) AS due,
       count(*) FILTER (WHERE performed) AS performed,
       count(*) FILTER (WHERE successful) AS successful,
       count(*) FILTER (WHERE on_time) AS on_time
FROM task_state
WHERE NOT withdrawn AND CAST(due_at AS DATE) BETWEEN DATE '${first_day}' AND DATE '${last_day}'
GROUP BY department
ORDER BY department;

-- name: unscheduled_attempts
SELECT count(*) AS n
FROM unscheduled
WHERE CAST("at" AS DATE) BETWEEN DATE '${first_day}' AND DATE '${last_day}';

-- name: surveys
SELECT count(*) AS count,
       count(*) FILTER (WHERE overall >= ${satisfied_overall_min}) AS satisfied
FROM surveys
WHERE CAST("at" AS DATE) BETWEEN DATE '${first_day}' AND DATE '${last_day}';

-- name: questions
SELECT a.question, count(*) AS answers
FROM survey_answers a
JOIN surveys s USING (survey_id)
WHERE CAST(s."at" AS DATE) BETWEEN DATE '${first_day}' AND DATE '${last_day}'
GROUP BY a.question
ORDER BY a.question;

-- name: top_issues
SELECT issue, count(*) AS count
FROM (
    SELECT DISTINCT survey_id, unnest(string_split(issues, ';')) AS issue
    FROM surveys
    WHERE issues IS NOT NULL
      AND CAST("at" AS DATE) BETWEEN DATE '${first_day}' AND DATE '${last_day}'
)
WHERE issue <> ''
GROUP BY issue
ORDER BY count DESC, issue
LIMIT 10;
