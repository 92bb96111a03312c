#!/usr/bin/env bash
# The benchmark: Mizan's whole process (Parquet in -> indicators out) against
# the hand-written polars script on the same generated survey, same run.
#   benches/run.sh [ROWS] [ROUNDS]        (defaults: 10000000 rows, 3 rounds)
set -euo pipefail
cd "$(dirname "$0")"
source setup.sh
rounds="${2:-3}"
prepare survey "${1:-10000000}"
out="$(mktemp -d)"
"$mizan" run . --out "$out/mizan" > /dev/null
"$py" peer_polars.py data/survey.parquet "$out/peer.csv"
"$py" compare.py "$out/mizan/indicators.csv" "$out/peer.csv"
"$py" measure.py "$rounds" mizan "$mizan run . --out $out/mizan" polars "$py peer_polars.py data/survey.parquet $out/peer.csv"
rm -rf "$out"
