#!/usr/bin/env bash
# Executes reproduce_figure.ipynb against a study's output folder, as CI does.
#   notebooks/run.sh OUT_DIR       (a Python virtual environment is made on first use:
#                                   $NOTEBOOK_VENV, default ~/.cache/mizan/notebook-venv)
set -euo pipefail
cd "$(dirname "$0")"
out="$(cd "$1" && pwd)"
venv="${NOTEBOOK_VENV:-${HOME}/.cache/mizan/notebook-venv}"
if [ ! -x "$venv/bin/python" ] || ! cmp -s requirements.txt "$venv/requirements.txt"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r requirements.txt
    cp requirements.txt "$venv/requirements.txt"
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
MIZAN_OUT="$out" REDRAWN="$scratch/redrawn.png" "$venv/bin/python" - <<'PY'
import nbformat
from nbclient import NotebookClient

nb = nbformat.read("reproduce_figure.ipynb", as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
print("notebook ran: every check passed")
PY
