#!/usr/bin/env bash
# Time and memory against rows: the benchmark study (benches/study.toml, 540
# rows of indicators) on generated surveys of each size, Mizan against the
# cube peer, alternated; then the plot of both, drawn by Mizan itself from
# the measurements (benches/scale/study.toml → docs/scale-*.svg).
# Above [study.engine] stream_rows (20,000,000 by default) Mizan streams the
# file batch by batch; `mizan-streamed` is the same study with stream_rows = 0
# (streamed at every size), to show what streaming costs.
#   benches/run-scale.sh [ROUNDS] [ROWS...]   (defaults: 1 round; 1M 10M 50M 200M)
set -euo pipefail
cd "$(dirname "$0")"
source setup.sh
rounds="${1:-1}"
shift || true
sizes=("${@:-1000000 10000000 50000000 200000000}")
csv=scale/results.csv
# Sizes measured again replace their lines.
[ -f "$csv" ] || echo "million_rows,command,seconds,peak_mib" > "$csv"
for rows in ${sizes[@]}; do sed -i "/^$((rows / 1000000)),/d" "$csv"; done
out="$(mktemp -d)"
mkdir -p "$out/streamed-study"
sed -e "s#^path = \"data/survey.parquet\"#path = \"$PWD/data/survey.parquet\"#" \
    -e 's/^title = "Benchmark"$/title = "Benchmark"\n\n[study.engine]\nstream_rows = 0/' \
    study.toml > "$out/streamed-study/study.toml"
for rows in ${sizes[@]}; do
    prepare survey "$rows"
    echo "== $rows rows"
    "$mizan" run . --out "$out/mizan" --force > /dev/null
    # The peer may not fit in memory (200M rows: killed); its line says so.
    if "$py" peer_polars_cube.py data/survey.parquet "$out/cube.csv"; then
        "$py" compare.py "$out/mizan/indicators.csv" "$out/cube.csv"
    fi
    MEASURE_CSV="$csv" MEASURE_ROWS="$((rows / 1000000))" "$py" measure.py "$rounds" \
        mizan "$mizan run . --out $out/mizan -q --force" \
        mizan-streamed "$mizan run $out/streamed-study --out $out/streamed -q --force" \
        cube "$py peer_polars_cube.py data/survey.parquet $out/cube.csv"
done
rm -rf "$out"
"$mizan" run scale --out scale/out -q --force
cp scale/out/figures/scale_seconds.svg ../docs/scale-seconds.svg
cp scale/out/figures/scale_memory.svg ../docs/scale-memory.svg
