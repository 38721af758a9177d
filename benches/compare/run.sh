#!/usr/bin/env bash
# careledger vs DuckDB: figures checked equal, then timed. See README.md beside this file.
#
#   benches/compare/run.sh                     20k and 100k customers
#   benches/compare/run.sh --large             also 500k and 2M (hours)
#   benches/compare/run.sh --sizes 2000        any sizes, comma-separated
#   benches/compare/run.sh --reps 1            runs per step (default 3; 1 above 100k)
#   benches/compare/run.sh --scaling [--sizes N,M] [--large]
#                                              careledger alone at 1 and 2 threads, from the
#                                              kept facts and from scratch (scaling.py)
#
# Makes a virtualenv under target/compare-venv with the pinned DuckDB, builds careledger
# (release) if needed, and leaves data, stores and results.md under target/compare/.
# Exits non-zero when any figure differs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

venv="$root/target/compare-venv"
stamp="$venv/requirements.txt"
if [[ ! -x "$venv/bin/python" ]] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    echo "making $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi

cargo build --release --quiet

if [[ "${1:-}" == "--scaling" ]]; then
    shift
    exec "$venv/bin/python" "$here/scaling.py" \
        --careledger "$root/target/release/careledger" --out "$root/target/compare" "$@"
fi
exec "$venv/bin/python" "$here/bench.py" \
    --careledger "$root/target/release/careledger" --out "$root/target/compare" "$@"
