#!/usr/bin/env bash
# CSV ingest at scale: the generated survey written as CSV with a few bad
# rows (an out-of-range region, a non-numeric weight, a missing flag), then
# Mizan's whole run (contract checks, typed Parquet, rejects) against polars'
# streaming scan_csv(...).sink_parquet(...) of the same file, alternately.
# `mizan-streamed` is the same study with [study.engine] stream_rows = 0: the
# kept rows written to typed Parquet as they are checked, then estimated
# from that file batch by batch (what a CSV of more than 20M rows does).
#   benches/run-csv.sh [ROWS] [ROUNDS]      (defaults: 10000000 rows, 3 rounds)
set -euo pipefail
cd "$(dirname "$0")"
source setup.sh
rounds="${2:-3}"
rows="${1:-10000000}"
prepare survey "$rows"
csv="data/survey-$rows.csv"
if [ ! -f "$csv" ]; then
    "$py" - "data/survey-$rows.parquet" "$csv" <<'PY'
import sys
import polars as pl
df = pl.read_parquet(sys.argv[1]).with_columns(pl.col("weight").cast(pl.String))
bad = {3: ("region", "13"), len(df) // 2: ("weight", "n/a"), len(df) - 2: ("u07", None)}
for row, (col, value) in bad.items():
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value)).otherwise(pl.col(col).cast(pl.String)).alias(col)
    )
df.write_csv(sys.argv[2])
PY
fi
ln -sf "survey-$rows.csv" data/survey.csv
out="$(mktemp -d)"
mkdir -p "$out/streamed-study"
sed -e "s#^path = \"../data/survey.csv\"#path = \"$PWD/data/survey.csv\"#" \
    -e "s#^contract = \"survey.contract.toml\"#contract = \"$PWD/csv/survey.contract.toml\"#" \
    -e 's/^title = "Benchmark, CSV ingest"$/title = "Benchmark, CSV ingest"\n\n[study.engine]\nstream_rows = 0/' \
    csv/study.toml > "$out/streamed-study/study.toml"
"$mizan" run csv --out "$out/mizan" --force > /dev/null
"$mizan" run "$out/streamed-study" --out "$out/streamed" --force > /dev/null
"$py" compare.py "$out/mizan/indicators.csv" "$out/streamed/indicators.csv"
"$py" -c "import polars as pl, sys; print(pl.read_parquet(sys.argv[1]).height, \"rows refused\")" "$out/mizan/rejects/survey.parquet"
"$py" measure.py "$rounds" mizan "$mizan run csv --out $out/mizan -q --force" \
    mizan-streamed "$mizan run $out/streamed-study --out $out/streamed -q --force" \
    sink "$py peer_polars_sink.py data/survey.csv csv/survey.contract.toml $out/peer.parquet"
rm -rf "$out"
