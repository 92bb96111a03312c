#!/usr/bin/env bash
# Mizan on 1,000,000 rows with 80 bootstrap replicate weights against the
# numpy peer (a BLAS product [1, y]ᵀ · R per domain), measured alternately.
#   benches/run-replicates.sh [ROWS] [ROUNDS]     (defaults: 1000000 rows, 3 rounds)
set -euo pipefail
cd "$(dirname "$0")"
source setup.sh
rounds="${2:-3}"
prepare survey-rep "${1:-1000000}" --replicates 80
out="$(mktemp -d)"
"$mizan" run replicates --out "$out/mizan" --force > /dev/null
"$py" peer_numpy_replicates.py data/survey-rep.parquet "$out/peer.csv"
"$py" compare.py "$out/mizan/indicators.csv" "$out/peer.csv"
"$py" measure.py "$rounds" mizan "$mizan run replicates --out $out/mizan -q --force" \
    numpy "$py peer_numpy_replicates.py data/survey-rep.parquet $out/peer.csv"
rm -rf "$out"
