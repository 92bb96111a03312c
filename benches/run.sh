#!/usr/bin/env bash
# The benchmark: Mizan's whole process (Parquet in -> indicators out) against
# the two hand-written polars scripts on the same generated survey, measured
# alternately in the same run: peer_polars_cube.py (one group-by of the rows
# into a PSU x cell cube, the strongest peer we know) and peer_polars.py.
# Mizan runs with --force, so every round recomputes everything.
#   benches/run.sh [ROWS] [ROUNDS]        (defaults: 10000000 rows, 3 rounds)
set -euo pipefail
cd "$(dirname "$0")"
source setup.sh
rounds="${2:-3}"
prepare survey "${1:-10000000}"
out="$(mktemp -d)"
"$mizan" run . --out "$out/mizan" --force > /dev/null
"$py" peer_polars_cube.py data/survey.parquet "$out/cube.csv"
"$py" compare.py "$out/mizan/indicators.csv" "$out/cube.csv"
"$py" peer_polars.py data/survey.parquet "$out/peer.csv"
"$py" compare.py "$out/mizan/indicators.csv" "$out/peer.csv"
"$py" measure.py "$rounds" mizan "$mizan run . --out $out/mizan -q --force" \
    cube "$py peer_polars_cube.py data/survey.parquet $out/cube.csv" \
    polars "$py peer_polars.py data/survey.parquet $out/peer.csv"
rm -rf "$out"
