#!/usr/bin/env bash
# The benchmark: Mizan's whole process (Parquet in -> indicators out) against
# the hand-written polars script on the same generated survey, same run.
#   benches/run.sh [ROWS] [ROUNDS]        (defaults: 10000000 rows, 3 rounds)
set -euo pipefail
cd "$(dirname "$0")"
rows="${1:-10000000}"
rounds="${2:-3}"
venv="${VENV:-.venv}"
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q -r requirements.txt; }
py="$venv/bin/python"
mkdir -p data
[ -f "data/survey-$rows.parquet" ] || "$py" generate.py "$rows" "data/survey-$rows.parquet"
ln -sf "survey-$rows.parquet" data/survey.parquet
cargo build --release --quiet
mizan="${CARGO_TARGET_DIR:-../target}/release/mizan"
out="$(mktemp -d)"
"$mizan" run . --out "$out/mizan" > /dev/null
"$py" peer_polars.py data/survey.parquet "$out/peer.csv"
"$py" compare.py "$out/mizan/indicators.csv" "$out/peer.csv"
"$py" measure.py "$rounds" mizan "$mizan run . --out $out/mizan" polars "$py peer_polars.py data/survey.parquet $out/peer.csv"
rm -rf "$out"
