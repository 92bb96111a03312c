#!/usr/bin/env bash
# Mizan on 1,000,000 rows with 80 bootstrap replicate weights (no peer script:
# the figure is Mizan's own time and memory).
#   benches/run-replicates.sh [ROWS] [ROUNDS]     (defaults: 1000000 rows, 3 rounds)
set -euo pipefail
cd "$(dirname "$0")"
rows="${1:-1000000}"
rounds="${2:-3}"
venv="${VENV:-.venv}"
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q -r requirements.txt; }
py="$venv/bin/python"
mkdir -p data
[ -f "data/survey-rep-$rows.parquet" ] || "$py" generate.py "$rows" "data/survey-rep-$rows.parquet" --replicates 80
ln -sf "survey-rep-$rows.parquet" data/survey-rep.parquet
cargo build --release --quiet
mizan="${CARGO_TARGET_DIR:-../target}/release/mizan"
out="$(mktemp -d)"
"$py" measure.py "$rounds" mizan "$mizan run replicates --out $out/mizan"
rm -rf "$out"
