"""The CSV-ingest peer: polars' own streaming CSV reader writing Parquet,
without any validation (the floor a validating ingest is measured against).
It is given the contract's column types, as Mizan is, and turns a cell that
does not parse into a null (`ignore_errors`) — without that, polars stops
at the benchmark's first bad cell (`n/a` in a float column).

    python peer_polars_sink.py DATA.csv CONTRACT.toml OUT.parquet
"""
import sys
import tomllib

import polars as pl

TYPES = {"integer": pl.Int64, "float": pl.Float64, "string": pl.String, "boolean": pl.Boolean}

with open(sys.argv[2], "rb") as f:
    columns = tomllib.load(f)["columns"]
with open(sys.argv[1], encoding="utf-8") as f:
    names = f.readline().rstrip("\r\n").split(",")
schema = {n: TYPES[columns[n]["type"]] if n in columns else pl.String for n in names}
pl.scan_csv(sys.argv[1], schema=schema, ignore_errors=True).sink_parquet(sys.argv[3])
