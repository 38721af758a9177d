"""Splits a generated data folder into a base (everything dated before a cut day) and an
increment (the rest), for the monthly-increment measurement.

Each row is dated by its own date column (staff: active_from, customers: created_on, sales:
delivered_at, orders: opened_at, policies: start_on, attempts and surveys: at; an answer goes
with its survey). Referential integrity: increment rows may reference base rows, never the
other way; a base row that references an increment row moves to the increment. References
only point from a kind to kinds earlier in DOMAIN.md's table (staff and customers first), so
one pass in that order reaches the fixed point.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

# kind -> (key column, date column, {reference column: referenced kind})
LAYOUT: dict[str, tuple[str, str | None, dict[str, str]]] = {
    "staff": ("staff_id", "active_from", {}),
    "customers": ("customer_id", "created_on", {}),
    "sales": (
        "sale_id",
        "delivered_at",
        {"customer_id": "customers", "consultant_id": "staff", "referrer_id": "customers"},
    ),
    "service_orders": ("order_id", "opened_at", {"customer_id": "customers", "advisor_id": "staff"}),
    "insurance": ("policy_id", "start_on", {"customer_id": "customers", "referrer_id": "customers"}),
    "contacts": ("attempt_id", "at", {"customer_id": "customers", "staff_id": "staff"}),
    "surveys": ("survey_id", "at", {"customer_id": "customers", "attempt_id": "contacts"}),
    "survey_answers": ("survey_id", None, {"survey_id": "surveys"}),
}


@dataclass
class SplitSummary:
    """Rows per kind: (base, increment, moved to the increment for integrity)."""

    rows: dict[str, tuple[int, int, int]] = field(default_factory=dict)


def split(source: Path, base: Path, increment: Path, cut_day: str) -> SplitSummary:
    """Writes base/ and increment/ with the same file names as source/."""
    base.mkdir(parents=True, exist_ok=True)
    increment.mkdir(parents=True, exist_ok=True)
    later: dict[str, set[str]] = {kind: set() for kind in LAYOUT}
    summary = SplitSummary()
    for kind, (key, date_column, references) in LAYOUT.items():
        name = f"{kind}.csv"
        with (
            (source / name).open(newline="", encoding="utf-8-sig") as src,
            (base / name).open("w", newline="", encoding="utf-8") as out_base,
            (increment / name).open("w", newline="", encoding="utf-8") as out_inc,
        ):
            reader = csv.reader(src)
            header = next(reader)
            index = {column: i for i, column in enumerate(header)}
            writers = (csv.writer(out_base), csv.writer(out_inc))
            for w in writers:
                w.writerow(header)
            counts = [0, 0, 0]
            for row in reader:
                dated_later = date_column is not None and row[index[date_column]] >= cut_day
                needs_later = any(
                    row[index[column]] in later[target]
                    for column, target in references.items()
                    if column in index and row[index[column]]
                )
                if dated_later or needs_later:
                    later[kind].add(row[index[key]])
                    writers[1].writerow(row)
                    counts[1] += 1
                    counts[2] += int(date_column is not None and not dated_later)
                else:
                    writers[0].writerow(row)
                    counts[0] += 1
            summary.rows[kind] = (counts[0], counts[1], counts[2])
    return summary
