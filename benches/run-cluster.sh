#!/usr/bin/env bash
# The first pass on a real Apache DataFusion Ballista cluster on this
# machine — a scheduler and two executors (one task slot each), started as
# `mizan cluster …` processes — against Mizan on its own, alternated: the
# benchmark study over the generated survey split by PSU into 8 Parquet
# files (benches/cluster/study.toml), and the same survey as one file
# (benches/study.toml, streamed batch by batch above 20M rows). Prints each
# side's time and peak memory (of the client process; the executors'
# memory is theirs), checks the two tables agree, and the bytes the cluster
# sent back (manifest.json, `cluster[].result_bytes`).
#   benches/run-cluster.sh [ROUNDS] [ROWS]   (defaults: 1 round, 50,000,000 rows)
set -euo pipefail
cd "$(dirname "$0")"
source setup.sh
rounds="${1:-1}"
rows="${2:-50000000}"
prepare survey "$rows"
cargo build --release --quiet --features ballista
parts="data/parts-$rows"
if [ ! -f "$parts/part-7.parquet" ]; then
    mkdir -p "$parts"
    "$py" partition.py "data/survey-$rows.parquet" 8 "$parts"
fi
mkdir -p cluster/data
ln -sfn "../../$parts" cluster/data/parts
work="$(mktemp -d)"
port=50050
"$mizan" cluster scheduler --port "$port" > "$work/scheduler.log" 2>&1 &
pids=($!)
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 2
for i in 0 1; do
    mkdir -p "$work/executor-$i"
    "$mizan" cluster executor --scheduler-port "$port" --port $((50051 + i)) \
        --grpc-port $((50061 + i)) --slots 1 --work-dir "$work/executor-$i" \
        > "$work/executor-$i.log" 2>&1 &
    pids+=($!)
done
sleep 3
url="df://127.0.0.1:$port"
"$mizan" run cluster --out "$work/cluster" -q --force --engine "$url"
"$mizan" run . --out "$work/local" -q --force
"$py" compare.py "$work/local/indicators.csv" "$work/cluster/indicators.csv"
"$py" -c "import json,sys; [print('cluster pass:', c['rows'], 'rows in', c['files'], 'files,', round(c['seconds'], 2), 's,', c['result_bytes'], 'bytes back') for c in json.load(open(sys.argv[1]))['cluster']]" "$work/cluster/manifest.json"
"$py" measure.py "$rounds" \
    local "$mizan run . --out $work/local -q --force" \
    cluster "$mizan run cluster --out $work/cluster -q --force --engine $url"
