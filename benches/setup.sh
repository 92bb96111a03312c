# Sourced by the benchmark scripts: the Python environment, the generated
# survey and the release build.
#   prepare NAME ROWS [generate.py options]  → $py, $mizan, data/NAME.parquet
set -euo pipefail
prepare() {
    local name="$1" rows="$2"
    shift 2
    local venv="${VENV:-.venv}"
    [ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q -r requirements.txt; }
    py="$venv/bin/python"
    mkdir -p data
    [ -f "data/$name-$rows.parquet" ] || "$py" generate.py "$rows" "data/$name-$rows.parquet" "$@"
    ln -sf "$name-$rows.parquet" "data/$name.parquet"
    cargo build --release --quiet
    mizan="${CARGO_TARGET_DIR:-../target}/release/mizan"
}
