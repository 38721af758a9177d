"""The DuckDB side of the comparison: one command per measured step, each run in its own
process by bench.py so that start-up and peak memory are counted as for careledger.

    duck.py load    --db FILE --data DIR                  create the tables, read the CSVs
    duck.py append  --db FILE --data DIR                  INSERT the rows of more CSVs
    duck.py report  --db FILE --rules TOML --report R --month YYYY-MM
    duck.py year    --db FILE --rules TOML --year YYYY    derive once, then 36 reports

Reports print JSON shaped like careledger's `--format json` (money as integer fen) on
stdout. Every report is "cold": the derived tables (tasks, credits, episodes, tiers) are
temporary and rebuilt from the loaded rows by each process.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import re
import string
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"

# The record kinds of DOMAIN.md section 2, in import order: table name = file stem.
KINDS: tuple[str, ...] = (
    "staff",
    "customers",
    "sales",
    "service_orders",
    "insurance",
    "contacts",
    "surveys",
    "survey_answers",
)

TIER_ORDER: tuple[str, ...] = ("super_vip", "vip", "general")
TASK_KINDS: tuple[str, ...] = (
    "delivery_call_1",
    "thank_you_letter",
    "delivery_call_2",
    "delivery_call_3",
    "service_followup",
    "churn_recovery",
)
REPORTS: tuple[str, ...] = ("visits", "churn", "payouts")


# ---------------------------------------------------------------------------------------
# Rules: the TOML that `careledger rules` prints.


@dataclass(frozen=True)
class Rules:
    """The rules in force, as parameters for the SQL files and two small rule tables."""

    scalars: dict[str, int]
    task_kinds: list[tuple[str, int, str, list[str]]]  # kind, due seconds, department, success
    payouts: list[tuple[str, int, str, int, int]]  # tier, order, period, reward fen, fine fen

    @staticmethod
    def read(path: Path) -> Rules:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        scalars: dict[str, int] = {
            "grace_seconds": int(doc["visits"]["grace_hours"]) * 3600,
            "satisfied_overall_min": int(doc["surveys"]["satisfied_overall_min"]),
            "fine_below_percent": int(doc["payouts"]["fine_below_percent"]),
        }
        for key in ("lapse_days", "attribution_days", "revenue_window_days"):
            scalars[key] = int(doc["churn"][key])
        for key, value in doc["tiers"].items():
            scalars[key] = int(value)
        task_kinds = [
            (kind, int(rule["due_hours"]) * 3600, rule["department"], list(rule["success"]))
            for kind, rule in sorted(doc["visits"]["tasks"].items())
            if kind in TASK_KINDS
        ]
        payouts = [
            (
                tier,
                order,
                doc["payouts"][tier]["period"],
                yuan_to_fen(doc["payouts"][tier]["reward"]),
                yuan_to_fen(doc["payouts"][tier]["fine"]),
            )
            for order, tier in enumerate(TIER_ORDER)
        ]
        return Rules(scalars=scalars, task_kinds=task_kinds, payouts=payouts)


def yuan_to_fen(value: str | int | float) -> int:
    """'150.00' (or a TOML number) -> 15000, exactly."""
    text = str(value)
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", text):
        raise ValueError(f"not an amount of yuan: {text!r}")
    sign = -1 if text.startswith("-") else 1
    whole, _, cents = text.lstrip("-").partition(".")
    return sign * (int(whole) * 100 + int((cents + "00")[:2]))


def create_rule_tables(con: duckdb.DuckDBPyConnection, rules: Rules) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rule_task_kinds "
        "(kind VARCHAR, due_seconds BIGINT, department VARCHAR, success VARCHAR[])"
    )
    con.executemany("INSERT INTO rule_task_kinds VALUES (?, ?, ?, ?)", rules.task_kinds)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rule_payouts "
        "(tier VARCHAR, tier_order INTEGER, period VARCHAR, reward_fen BIGINT, fine_fen BIGINT)"
    )
    con.executemany("INSERT INTO rule_payouts VALUES (?, ?, ?, ?, ?)", rules.payouts)


# ---------------------------------------------------------------------------------------
# SQL files: `${name}` parameters, blocks introduced by `-- name: NAME`.


def sql_text(file: str, params: dict[str, Any]) -> str:
    return string.Template((SQL_DIR / file).read_text(encoding="utf-8")).substitute(params)


def run_script(con: duckdb.DuckDBPyConnection, file: str, params: dict[str, Any]) -> None:
    """Runs every statement of a preparation file."""
    con.execute(sql_text(file, params))


def run_blocks(
    con: duckdb.DuckDBPyConnection, file: str, params: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Runs each named block of a report file; blocks named `_…` only prepare."""
    results: dict[str, list[dict[str, Any]]] = {}
    parts = re.split(r"^-- name: (\w+)\s*$", sql_text(file, params), flags=re.MULTILINE)
    for name, body in zip(parts[1::2], parts[2::2]):
        cursor = con.execute(body)
        if name.startswith("_"):
            continue
        columns = [d[0] for d in cursor.description]
        results[name] = [dict(zip(columns, row)) for row in cursor.fetchall()]
    return results


# ---------------------------------------------------------------------------------------
# Months.


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @staticmethod
    def parse(text: str) -> Month:
        year, month = text.split("-")
        return Month(int(year), int(month))

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def params(self) -> dict[str, str]:
        return {
            "month": self.label,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
        }

    def payout_span(self) -> tuple[dt.date, dt.date]:
        """The days of every payout period ending in this month (a week may start in the
        month before; the year starts in January)."""
        start = self.first_day - dt.timedelta(days=6)
        if self.month == 12:
            start = dt.date(self.year, 1, 1)
        return start, self.last_day


# ---------------------------------------------------------------------------------------
# Loading.


def table_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return {name: kind for name, kind in rows}


def insert_csv(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    """INSERT the rows of one CSV file, read with the table's column types (explicit: no
    sniffing), whatever the file's column order."""
    types = table_types(con, table)
    with path.open(encoding="utf-8-sig") as f:
        header = f.readline().rstrip("\r\n").split(",")
    unknown = [c for c in header if c not in types]
    if unknown:
        raise SystemExit(f"{path}: columns this bench does not read: {unknown}")
    columns = "{" + ", ".join(f"'{c}': '{types[c]}'" for c in header) + "}"
    con.execute(
        f"INSERT INTO {table} BY NAME SELECT * FROM read_csv(?, header = true, "
        f"columns = {columns}, timestampformat = '%Y-%m-%d %H:%M:%S', "
        "dateformat = '%Y-%m-%d', quote = '\"', escape = '\"')",
        [str(path)],
    )


def load(db: Path, data: Path) -> None:
    con = duckdb.connect(str(db))
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    append_into(con, data)
    con.close()


def append(db: Path, data: Path) -> None:
    con = duckdb.connect(str(db))
    append_into(con, data)
    con.close()


def append_into(con: duckdb.DuckDBPyConnection, data: Path) -> None:
    con.execute("BEGIN TRANSACTION")
    for kind in KINDS:
        path = data / f"{kind}.csv"
        if path.exists():
            insert_csv(con, kind, path)
    con.execute("COMMIT")


# ---------------------------------------------------------------------------------------
# Deriving and reporting.


def derive(
    con: duckdb.DuckDBPyConnection,
    rules: Rules,
    reports: set[str],
    tier_span: tuple[dt.date, dt.date] | None,
) -> None:
    """Builds the derived tables the given reports need, from the loaded rows."""
    params = dict(rules.scalars)
    create_rule_tables(con, rules)
    run_script(con, "episodes.sql", params)
    if "visits" in reports:
        run_script(con, "tasks.sql", params)
    if "churn" in reports:
        run_script(con, "recovery.sql", params)
    if "payouts" in reports:
        assert tier_span is not None
        span = {"from_day": tier_span[0].isoformat(), "to_day": tier_span[1].isoformat()}
        run_script(con, "tiers.sql", params | span)


def month_report(
    con: duckdb.DuckDBPyConnection, rules: Rules, report: str, month: Month
) -> dict[str, Any]:
    """One report's figures for one month, from derived tables already built."""
    params: dict[str, Any] = dict(rules.scalars) | month.params()
    if report == "payouts":
        run_script(con, "periods.sql", params)
    blocks = run_blocks(con, f"{report}.sql", params)
    out: dict[str, Any] = {"month": month.label}
    if report == "visits":
        out["tasks"] = blocks["tasks"][0]
        out["by_kind"] = blocks["by_kind"]
        out["by_department"] = blocks["by_department"]
        out["unscheduled_attempts"] = blocks["unscheduled_attempts"][0]["n"]
        out["surveys"] = blocks["surveys"][0]
        out["questions"] = blocks["questions"]
        out["top_issues"] = blocks["top_issues"]
    elif report == "churn":
        out |= blocks["churn"][0]
    else:
        out["lines"] = blocks["lines"]
        out["people"] = blocks["people"]
        out["total"] = sum(line["amount"] for line in blocks["lines"])
    return out


def connect_for_reports(db: Path) -> duckdb.DuckDBPyConnection:
    # Read-only: reports write nothing to the store; derived tables are TEMP.
    return duckdb.connect(str(db), read_only=True)


def report(db: Path, rules: Rules, name: str, month: Month) -> dict[str, Any]:
    con = connect_for_reports(db)
    span = month.payout_span() if name == "payouts" else None
    derive(con, rules, {name}, span)
    result = month_report(con, rules, name, month)
    con.close()
    return result


def year_reports(db: Path, rules: Rules, year: int) -> list[dict[str, Any]]:
    """The 36 reports of a year (12 months x visits, churn, payouts) in one process: the
    derived tables are built once, then each month is queried."""
    con = connect_for_reports(db)
    months = [Month(year, m) for m in range(1, 13)]
    span = (months[0].payout_span()[0], months[-1].last_day)
    derive(con, rules, set(REPORTS), span)
    results = [
        {"report": name} | month_report(con, rules, name, month)
        for month in months
        for name in REPORTS
    ]
    con.close()
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for command in ("load", "append"):
        p = sub.add_parser(command)
        p.add_argument("--db", type=Path, required=True)
        p.add_argument("--data", type=Path, required=True)
    p = sub.add_parser("report")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--rules", type=Path, required=True)
    p.add_argument("--report", choices=REPORTS, required=True)
    p.add_argument("--month", type=Month.parse, required=True)
    p = sub.add_parser("year")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--rules", type=Path, required=True)
    p.add_argument("--year", type=int, required=True)
    args = parser.parse_args(argv)

    if args.command == "load":
        load(args.db, args.data)
    elif args.command == "append":
        append(args.db, args.data)
    elif args.command == "report":
        result = report(args.db, Rules.read(args.rules), args.report, args.month)
        json.dump(result, sys.stdout, default=str)
    else:
        json.dump(year_reports(args.db, Rules.read(args.rules), args.year), sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
