"""careledger vs DuckDB on the same generated data: figures checked equal, then timed.

Run through run.sh (it makes the virtualenv and builds careledger). For each size:

1. generate five years of data with `careledger gen`, and split it into a base (before
   the last month) and an increment (the last month);
2. load: `careledger import` vs DuckDB reading the CSVs into a .duckdb file, alternating;
3. one-month reports (visits, churn, payouts of the last month) vs DuckDB cold, alternating;
4. the 36 reports of the last year: 36 careledger invocations vs one DuckDB process;
5. the monthly increment: importing the last month into a store holding the rest, then the
   month's three reports, vs DuckDB appending the month's rows, then three cold reports.

Every report of steps 3-5 (and of one mid-range month) is compared figure by figure; any
difference is printed and the run fails. Each measurement is a process (or a sequence of
processes) of its own; the time is its wall time, process start included, and the memory
is the largest peak RSS among its processes (from wait4's rusage). Before each measurement,
untimed, the bench flushes the page cache's dirty pages (sync(2)): the stores it has just
copied for the increment would otherwise be written back inside the timed process, whose
first fsync of the copy writes all of it -- the bench's copying, not the step measured. At
100 000 customers that was 0.7-1.1 s of careledger's import of the increment (a 1.25 GB
store) and 0.25 s of DuckDB's append (0.4 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import check
import split

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture"
REPORTS = ("visits", "churn", "payouts")
DEFAULT_SIZES = (20_000, 100_000)
LARGE_SIZES = (500_000, 2_000_000)


# ---------------------------------------------------------------------------------------
# Measuring processes.


@dataclass(frozen=True)
class Run:
    """One or more processes run one after the other."""

    seconds: float
    peak_rss_mb: float
    outputs: list[str]


def run_one(cmd: list[str]) -> tuple[float, float, str]:
    """Runs one process: wall seconds, its own peak RSS in MiB, its stdout. The output goes
    to unnamed temporary files so that the process is reaped here, by wait4, whose rusage
    is that process's alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code != 0:
            sys.stderr.write(err.read().decode(errors="replace"))
            raise SystemExit(f"failed ({code}): {' '.join(cmd)}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def run_many(cmds: list[list[str]]) -> Run:
    # Whatever is still to be written back (a copied store, the other side's output) is
    # written now, outside the timing.
    os.sync()
    seconds, peak, outputs = 0.0, 0.0, []
    for cmd in cmds:
        s, rss, out = run_one(cmd)
        seconds += s
        peak = max(peak, rss)
        outputs.append(out)
    return Run(seconds, peak, outputs)


@dataclass
class Row:
    """One line of the results table: median time and largest peak RSS of each side."""

    step: str
    careledger: list[Run] = field(default_factory=list)
    duckdb: list[Run] = field(default_factory=list)

    @staticmethod
    def seconds(runs: list[Run]) -> float:
        return statistics.median(r.seconds for r in runs)

    @staticmethod
    def peak(runs: list[Run]) -> float:
        return max(r.peak_rss_mb for r in runs)


# ---------------------------------------------------------------------------------------
# The two sides' commands.


@dataclass(frozen=True)
class Tools:
    careledger: Path
    python: Path
    rules: Path

    def cl(self, db: Path, *args: str) -> list[str]:
        return [str(self.careledger), "--db", str(db), "-q", *args]

    def cl_report(self, db: Path, report: str, month: str) -> list[str]:
        return self.cl(db, "report", report, "--month", month, "--format", "json")

    def duck(self, *args: str) -> list[str]:
        return [str(self.python), str(HERE / "duck.py"), *args]

    def duck_report(self, db: Path, report: str, month: str) -> list[str]:
        return self.duck(
            "report", "--db", str(db), "--rules", str(self.rules), "--report", report,
            "--month", month,
        )


def remove(*paths: Path) -> None:
    for path in paths:
        for p in (path, path.with_name(path.name + ".wal")):
            if p.exists():
                p.unlink()


# ---------------------------------------------------------------------------------------
# Checking.


@dataclass
class Checker:
    compared: int = 0
    figures: int = 0
    differences: list[str] = field(default_factory=list)

    def check(self, where: str, report: str, careledger_json: str, duckdb_json: str) -> None:
        self.check_parsed(where, report, json.loads(careledger_json), json.loads(duckdb_json))

    def check_parsed(
        self, where: str, report: str, ours: dict[str, Any], theirs: dict[str, Any]
    ) -> None:
        diffs = check.compare(report, ours, theirs)
        self.compared += 1
        self.figures += check.figure_count(report, ours)
        for d in diffs:
            line = f"MISMATCH [{where}] {d}"
            print(line, flush=True)
            self.differences.append(line)


# ---------------------------------------------------------------------------------------
# The steps of one size.


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def full(self) -> Path:
        return self.root / "data"

    @property
    def base(self) -> Path:
        return self.root / "base"

    @property
    def increment(self) -> Path:
        return self.root / "increment"


def month_label(start: tuple[int, int], offset: int) -> str:
    index = start[0] * 12 + (start[1] - 1) + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def generator_fingerprint(tools: Tools) -> str:
    """A digest of what this build's generator writes for a small fixed input: data kept
    from an earlier build is reused only when the generator still writes the same rows."""
    import hashlib
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [str(tools.careledger), "gen", "-q", "--customers", "50", "--months", "3",
             "--start", "2021-01", "--seed", "1", "--out", tmp],
            check=True, stdout=subprocess.DEVNULL,
        )
        digest = hashlib.sha256()
        for path in sorted(Path(tmp).iterdir()):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]


def prepare(tools: Tools, layout: Layout, customers: int, start: str, months: int) -> None:
    """Generates the data (once per size and settings) and splits off the last month."""
    stamp = layout.root / "generated.txt"
    settings = (f"customers={customers} months={months} start={start} seed=1\n"
                f"generator={generator_fingerprint(tools)}\n")
    if stamp.exists() and stamp.read_text() == settings:
        return
    shutil.rmtree(layout.root, ignore_errors=True)
    layout.root.mkdir(parents=True)
    y, m = (int(x) for x in start.split("-"))
    last = month_label((y, m), months - 1)
    print(f"  generating {customers} customers, {months} months from {start}", flush=True)
    subprocess.run(
        [str(tools.careledger), "gen", "-q", "--customers", str(customers), "--months",
         str(months), "--start", start, "--seed", "1", "--out", str(layout.full)],
        check=True, stdout=subprocess.DEVNULL,
    )
    summary = split.split(layout.full, layout.base, layout.increment, f"{last}-01")
    moved = sum(r[2] for r in summary.rows.values())
    print(f"  split at {last}-01: increment {sum(r[1] for r in summary.rows.values())} rows"
          f" ({moved} earlier rows moved with what they reference)", flush=True)
    stamp.write_text(settings)


def check_fixture(tools: Tools, root: Path, checker: Checker) -> None:
    """The hand-made data of fixture/ (two sales hours apart, overlapping follow-ups, tied
    attempt times, withdrawn and recovered episodes, overlapping revenue windows, tier
    changes, a week across two months, staff leaving): every report of 2023-2025, untimed.
    The generated data never gives an attempt two candidate tasks, so this is what checks
    the sequential crediting rule."""
    print("fixture (hand-made edge cases): every month of 2023-2025", flush=True)
    root.mkdir(parents=True, exist_ok=True)
    store, duck = root / "fixture.redb", root / "fixture.duckdb"
    remove(store, duck)
    run_many([tools.cl(store, "import", str(FIXTURE)),
              tools.duck("load", "--db", str(duck), "--data", str(FIXTURE))])
    for year in (2023, 2024, 2025):
        theirs = json.loads(run_many([tools.duck("year", "--db", str(duck), "--rules",
                                                 str(tools.rules), "--year", str(year))]
                                     ).outputs[0])
        for their in theirs:
            report = their.pop("report")
            ours = run_many([tools.cl_report(store, report, their["month"])]).outputs[0]
            checker.check_parsed("fixture", report, json.loads(ours), their)


def measure_size(
    tools: Tools, layout: Layout, customers: int, start: str, months: int, reps: int,
    checker: Checker,
) -> list[Row]:
    prepare(tools, layout, customers, start, months)
    y, m = (int(x) for x in start.split("-"))
    last = month_label((y, m), months - 1)
    middle = month_label((y, m), months // 2)
    year = int(last[:4])
    store, duck = layout.root / "full.redb", layout.root / "full.duckdb"
    rows: list[Row] = []

    print("  load", flush=True)
    load = Row("initial import / load (all rows)")
    for _ in range(reps):
        remove(store)
        load.careledger.append(run_many([tools.cl(store, "import", str(layout.full))]))
        remove(duck)
        load.duckdb.append(run_many([tools.duck("load", "--db", str(duck), "--data",
                                                str(layout.full))]))
    rows.append(load)

    print(f"  one-month reports {last} (and {middle}, checked only)", flush=True)
    for report in REPORTS:
        row = Row(f"report {report} {last}")
        for _ in range(reps):
            row.careledger.append(run_many([tools.cl_report(store, report, last)]))
            row.duckdb.append(run_many([tools.duck_report(duck, report, last)]))
        checker.check("month", report, row.careledger[-1].outputs[0], row.duckdb[-1].outputs[0])
        rows.append(row)
        checker.check(
            "mid-range month", report,
            run_many([tools.cl_report(store, report, middle)]).outputs[0],
            run_many([tools.duck_report(duck, report, middle)]).outputs[0],
        )

    print(f"  36 reports of {year}", flush=True)
    year_row = Row(f"36 reports of {year}")
    months_of_year = [f"{year:04d}-{mm:02d}" for mm in range(1, 13)]
    year_cmds = [tools.cl_report(store, r, mo) for mo in months_of_year for r in REPORTS]
    for _ in range(max(1, reps - 1)):
        year_row.careledger.append(run_many(year_cmds))
        year_row.duckdb.append(run_many([tools.duck("year", "--db", str(duck), "--rules",
                                                    str(tools.rules), "--year", str(year))]))
    theirs = json.loads(year_row.duckdb[-1].outputs[0])
    for ours_text, their in zip(year_row.careledger[-1].outputs, theirs, strict=True):
        checker.check_parsed(f"year {year}", their.pop("report"), json.loads(ours_text), their)
    rows.append(year_row)
    # The full stores are not read again: at 500 000 customers they are 14 GB, and the
    # increment needs room for two more of about that size.
    remove(store, duck)

    print(f"  monthly increment {last}", flush=True)
    base_store, base_duck = layout.root / "base.redb", layout.root / "base.duckdb"
    remove(base_store, base_duck)
    run_many([tools.cl(base_store, "import", str(layout.base)),
              tools.duck("load", "--db", str(base_duck), "--data", str(layout.base))])
    inc = Row(f"increment {last}: import + 3 reports")
    inc_store, inc_duck = layout.root / "inc.redb", layout.root / "inc.duckdb"
    for _ in range(reps):
        remove(inc_store, inc_duck)
        shutil.copyfile(base_store, inc_store)
        shutil.copyfile(base_duck, inc_duck)
        inc.careledger.append(run_many(
            [tools.cl(inc_store, "import", str(layout.increment))]
            + [tools.cl_report(inc_store, r, last) for r in REPORTS]))
        inc.duckdb.append(run_many(
            [tools.duck("append", "--db", str(inc_duck), "--data", str(layout.increment))]
            + [tools.duck_report(inc_duck, r, last) for r in REPORTS]))
    for i, report in enumerate(REPORTS, start=1):
        checker.check("increment", report, inc.careledger[-1].outputs[i],
                      inc.duckdb[-1].outputs[i])
    rows.append(inc)
    remove(inc_store, inc_duck)
    return rows


# ---------------------------------------------------------------------------------------
# The table.


def seconds_text(s: float) -> str:
    return f"{s:.3f}" if s < 10 else f"{s:.1f}"


def table(results: dict[int, list[Row]], reps: dict[int, int]) -> str:
    lines = [
        "| customers | step | careledger s | DuckDB s | careledger / DuckDB "
        "| careledger peak RSS MiB | DuckDB peak RSS MiB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size, rows in results.items():
        for row in rows:
            a, b = Row.seconds(row.careledger), Row.seconds(row.duckdb)
            lines.append(
                f"| {size:,} | {row.step} | {seconds_text(a)} | {seconds_text(b)} "
                f"| {a / b:.2f} | {Row.peak(row.careledger):.0f} | {Row.peak(row.duckdb):.0f} |"
            )
    runs = ", ".join(f"{size:,}: {n}" for size, n in reps.items())
    lines.append("")
    lines.append(f"Times are medians of the alternating runs (runs per size: {runs}; the year "
                 "step one fewer, at least one); peak RSS is the largest of any run.")
    return "\n".join(lines) + "\n"


def machine() -> str:
    cpus = os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB memory"
    except OSError:
        pass
    import duckdb  # only for the version

    return f"{cpus} cores{mem}; DuckDB {duckdb.__version__}; Python {sys.version.split()[0]}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="careledger vs DuckDB")
    parser.add_argument("--careledger", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder for data and stores")
    parser.add_argument("--sizes", type=str, help="comma-separated customer counts")
    parser.add_argument("--large", action="store_true", help="also 500k and 2M customers")
    parser.add_argument("--reps", type=int, help="alternating runs per step (default 3, 1 "
                        "above 100k customers)")
    parser.add_argument("--start", default="2021-01")
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(DEFAULT_SIZES)
    if args.large and not args.sizes:
        sizes += LARGE_SIZES
    args.out.mkdir(parents=True, exist_ok=True)
    rules = args.out / "rules.toml"
    rules.write_text(subprocess.run([str(args.careledger), "rules"], check=True,
                                    capture_output=True, text=True).stdout)
    tools = Tools(careledger=args.careledger.resolve(), python=Path(sys.executable),
                  rules=rules)

    checker = Checker()
    check_fixture(tools, args.out / "fixture", checker)
    results: dict[int, list[Row]] = {}
    reps: dict[int, int] = {}
    for size in sizes:
        reps[size] = args.reps or (3 if size <= 100_000 else 1)
        print(f"{size:,} customers", flush=True)
        results[size] = measure_size(tools, Layout(args.out / f"n{size}"), size, args.start,
                                     args.months, reps[size], checker)

    text = (f"## careledger vs DuckDB\n\n{machine()}; data: `careledger gen --months "
            f"{args.months} --start {args.start} --seed 1`.\n\n{table(results, reps)}\n"
            f"Equality: {checker.compared} reports compared, {checker.figures} figures, "
            f"{len(checker.differences)} differences.\n")
    (args.out / "results.md").write_text(text)
    print()
    print(text)
    print(f"written to {args.out / 'results.md'}")
    if checker.differences:
        print(f"FAILED: {len(checker.differences)} figures differ (listed above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
