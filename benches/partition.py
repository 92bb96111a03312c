"""Splits a generated survey into N Parquet files for the cluster benchmark:
rows dealt by PSU (a PSU's rows stay in one file, as a statistics office
partitions by area), each file holding its `wave` column (the part number,
which Mizan's pattern `part-*.parquet` gives it).

    python partition.py SRC.parquet N OUT_DIR
"""
import sys

import polars as pl


def main() -> None:
    src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    lf = pl.scan_parquet(src)
    for i in range(n):
        (
            lf.filter((pl.col("psu").hash(seed=7) % n) == i)
            .with_columns(pl.lit(str(i)).alias("wave"))
            .sink_parquet(f"{out}/part-{i}.parquet")
        )


if __name__ == "__main__":
    main()
