"""careledger alone, at growing sizes and at 1 and 2 threads: the initial import, each
one-month report read from the kept facts and derived from scratch (`--from-scratch`), and
the 36 reports of a year — time and peak memory of each process, and a check that every
report is byte-identical at 1 and 2 threads and from the facts and from scratch.

    target/compare-venv/bin/python benches/compare/scaling.py \\
        --careledger target/release/careledger --out target/compare [--sizes 20000,100000]

(`run.sh` makes the virtualenv; this script needs only the standard library.) Data is
shared with `bench.py` (`target/compare/nN/data`, generated when missing). Threads are set
with `RAYON_NUM_THREADS`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import bench

MONTH = "2025-12"
REPORTS = ("visits", "churn", "payouts")


def run_env(cmd: list[str], threads: int) -> bench.Run:
    """One process with `threads` rayon threads."""
    os.environ["RAYON_NUM_THREADS"] = str(threads)
    try:
        seconds, rss, out = bench.run_one(cmd)
    finally:
        del os.environ["RAYON_NUM_THREADS"]
    return bench.Run(seconds, rss, [out])


def measure(careledger: Path, root: Path, customers: int, sizes_large: bool) -> list[str]:
    tools = bench.Tools(careledger, Path(sys.executable), root / "rules.toml")
    layout = bench.Layout(root / f"n{customers}")
    bench.prepare(tools, layout, customers, "2021-01", 60)
    rows: list[str] = []
    store = layout.root / "scaling.redb"
    import_threads = (2,) if sizes_large else (1, 2)
    for threads in import_threads:
        bench.remove(store)
        run = run_env(tools.cl(store, "import", str(layout.full)), threads)
        rows.append(row(customers, "initial import", threads, run))
    for report in REPORTS:
        outputs = set()
        for scratch in (False, True):
            for threads in (1, 2):
                cmd = tools.cl_report(store, report, MONTH)
                if scratch:
                    cmd.insert(1, "--from-scratch")
                run = run_env(cmd, threads)
                outputs.add(run.outputs[0])
                way = "from scratch" if scratch else "from the kept facts"
                rows.append(row(customers, f"report {report} {MONTH}, {way}", threads, run))
        if len(outputs) != 1:
            raise SystemExit(f"report {report}: outputs differ between threads or ways")
    for threads in (1, 2):
        cmds = [
            tools.cl_report(store, report, f"2025-{m:02d}")
            for m in range(1, 13)
            for report in REPORTS
        ]
        os.environ["RAYON_NUM_THREADS"] = str(threads)
        try:
            run = bench.run_many(cmds)
        finally:
            del os.environ["RAYON_NUM_THREADS"]
        rows.append(row(customers, "36 reports of 2025, from the kept facts", threads, run))
    bench.remove(store)
    return rows


def row(customers: int, step: str, threads: int, run: bench.Run) -> str:
    return (
        f"| {customers:,} | {step} | {threads} | {bench.seconds_text(run.seconds)} "
        f"| {run.peak_rss_mb:.0f} |"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--careledger", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--large", action="store_true", help="also 500k and 2M customers")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.large:
        sizes += [500_000, 2_000_000]
    args.out.mkdir(parents=True, exist_ok=True)
    if not (args.out / "rules.toml").exists():
        (args.out / "rules.toml").write_text(
            subprocess.run(
                [str(args.careledger), "rules"], check=True, capture_output=True, text=True
            ).stdout
        )
    lines = [
        "| customers | step | threads | seconds | peak RSS MiB |",
        "|---:|---|---:|---:|---:|",
    ]
    for customers in sizes:
        print(f"{customers:,} customers", flush=True)
        lines += measure(args.careledger, args.out, customers, customers > 100_000)
    table = "\n".join(lines) + "\n\nEvery report identical at 1 and 2 threads, from the kept facts and from scratch.\n"
    (args.out / "scaling.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
