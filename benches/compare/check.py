"""Equality of careledger's `--format json` reports and DuckDB's figures.

Both sides are reduced to the same plain figures: counts as integers, money as integer fen
(careledger prints yuan strings, DuckDB computes fen), lists keyed by what names an entry.
Rates and means are left out (they follow from the counts). `compare` returns one line per
differing figure, naming it.
"""

from __future__ import annotations

import re
from typing import Any

COUNTS = ("due", "performed", "successful", "on_time")
CHURN = (
    "lost_at_end",
    "newly_lost",
    "recovery_attempts",
    "customers_contacted",
    "recovered",
    "returned_unprompted",
)
LINE_FIELDS = (
    "period_start",
    "period_end",
    "surveys",
    "satisfied",
    "outcome",
    "per_member",
    "members",
    "amount",
)
MONEY = re.compile(r"-?\d+\.\d{2}")

Figures = dict[str, Any]


def fen(value: str | int) -> int:
    """careledger money ("-150.00") -> fen; DuckDB's figures are already fen."""
    if isinstance(value, int):
        return value
    if not MONEY.fullmatch(value) or value == "-0.00":
        raise ValueError(f"money not in the contract's form: {value!r}")
    sign = -1 if value.startswith("-") else 1
    whole, cents = value.lstrip("-").split(".")
    return sign * (int(whole) * 100 + int(cents))


def visits_figures(report: dict[str, Any]) -> Figures:
    out: Figures = {f"tasks.{k}": report["tasks"][k] for k in COUNTS}
    for line in report["by_kind"]:
        out |= {f"by_kind[{line['kind']}].{k}": line[k] for k in COUNTS}
    for line in report["by_department"]:
        out |= {f"by_department[{line['department']}].{k}": line[k] for k in COUNTS}
    out["unscheduled_attempts"] = report["unscheduled_attempts"]
    out["surveys.count"] = report["surveys"]["count"]
    out["surveys.satisfied"] = report["surveys"]["satisfied"]
    for line in report["questions"]:
        out[f"questions[{line['question']}].answers"] = line["answers"]
    out["top_issues"] = [(line["issue"], line["count"]) for line in report["top_issues"]]
    return out


def churn_figures(report: dict[str, Any]) -> Figures:
    out: Figures = {k: report[k] for k in CHURN}
    out["recovery_revenue"] = fen(report["recovery_revenue"])
    return out


def payouts_figures(report: dict[str, Any]) -> Figures:
    out: Figures = {}
    keys = []
    for line in report["lines"]:
        key = f"{line['period']}/{line['tier']}/{line['department']}"
        keys.append(key)
        for field in LINE_FIELDS:
            value = line[field]
            out[f"lines[{key}].{field}"] = (
                fen(value) if field in ("per_member", "amount") else value
            )
    out["lines (order)"] = keys
    for person in report["people"]:
        out[f"people[{person['staff_id']}].amount"] = fen(person["amount"])
    out["total"] = fen(report["total"])
    return out


FIGURES = {"visits": visits_figures, "churn": churn_figures, "payouts": payouts_figures}


def compare(report: str, careledger: dict[str, Any], duckdb: dict[str, Any]) -> list[str]:
    """The figures that differ, as 'NAME: careledger X, duckdb Y' (empty when equal)."""
    ours = FIGURES[report](careledger)
    theirs = FIGURES[report](duckdb)
    diffs = []
    for name in sorted(ours.keys() | theirs.keys()):
        a, b = ours.get(name, "absent"), theirs.get(name, "absent")
        if a != b:
            diffs.append(f"{report} {careledger['month']} {name}: careledger {a}, duckdb {b}")
    return diffs


def figure_count(report: str, careledger: dict[str, Any]) -> int:
    """How many figures one comparison checked (for the summary line)."""
    return len(FIGURES[report](careledger))
