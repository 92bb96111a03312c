#!/usr/bin/env bash
# Mizan on 1,000,000 rows with 80 bootstrap replicate weights (no peer script:
# the figure is Mizan's own time and memory).
#   benches/run-replicates.sh [ROWS] [ROUNDS]     (defaults: 1000000 rows, 3 rounds)
set -euo pipefail
cd "$(dirname "$0")"
source setup.sh
rounds="${2:-3}"
prepare survey-rep "${1:-1000000}" --replicates 80
out="$(mktemp -d)"
"$py" measure.py "$rounds" mizan "$mizan run replicates --out $out/mizan"
rm -rf "$out"
