"""The CSV-ingest peer: polars' own streaming CSV reader writing Parquet,
without any validation (the floor a validating ingest is measured against).

    python peer_polars_sink.py DATA.csv OUT.parquet
"""
import sys

import polars as pl

pl.scan_csv(sys.argv[1]).sink_parquet(sys.argv[2])
