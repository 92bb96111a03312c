# Copied unchanged from ../shared/bench/peer_polars_cube.py (the anchor the speed
# issue names: the strongest hand-written peer for the survey table).
"""The strongest hand-written peer we know for the survey benchmark: what an analyst
fluent in polars writes when speed matters. For 20 binary indicators u01..u20, overall
and by region, urban, sex, age_group and education: the weighted proportion, its
Taylor-linearised SE (stratified, first-stage clusters with replacement, as R's
survey computes it by default) and the unweighted n — 540 rows.

One scan of the Parquet file groups the rows once by (stratum, psu, all five
breakdowns): the "cube" of PSU x cell sums, a few hundred thousand rows at most.
Every table is then rolled up from the cube, never from the rows again.

    python peer_polars_cube.py DATA.parquet OUT.csv

Input columns: weight, stratum, psu, region, urban, sex, age_group, education,
u01..u20 (0/1). Output columns: indicator, by, domain, estimate, se, n ("" by and
domain on the overall rows). Needs only polars.
"""
import sys

import polars as pl

IND = [f"u{k:02d}" for k in range(1, 21)]
BY = ["region", "urban", "sex", "age_group", "education"]


def main() -> None:
    data, out = sys.argv[1], sys.argv[2]
    cube = (
        pl.scan_parquet(data)
        .group_by(["stratum", "psu", *BY])
        .agg(
            pl.col("weight").sum().alias("sw"),
            pl.len().alias("n"),
            *[(pl.col("weight") * pl.col(u)).sum().alias(u) for u in IND],
        )
        .collect()
        .lazy()
    )
    # PSUs per stratum in the whole sample (PSUs without a row of a domain count as 0).
    n_h = cube.group_by("stratum").agg(pl.col("psu").n_unique().alias("n_h"))
    tables = []
    for b in [None, *BY]:
        keys = [] if b is None else [b]
        psu = cube.group_by([*keys, "stratum", "psu"]).agg(
            pl.col("sw").sum(), pl.col("n").sum(), *[pl.col(u).sum() for u in IND]
        )
        long = psu.unpivot(index=[*keys, "stratum", "psu", "sw", "n"], on=IND,
                           variable_name="indicator", value_name="swy")
        dom = [*keys, "indicator"]
        long = long.with_columns(
            W=pl.col("sw").sum().over(dom), Y=pl.col("swy").sum().over(dom)
        ).with_columns(z=(pl.col("swy") - pl.col("Y") / pl.col("W") * pl.col("sw")) / pl.col("W"))
        strata = (
            long.group_by([*dom, "stratum"])
            .agg(s1=pl.col("z").sum(), s2=(pl.col("z") ** 2).sum(), n=pl.col("n").sum(),
                 W=pl.col("W").first(), Y=pl.col("Y").first())
            .join(n_h, on="stratum")
            .with_columns(v=pl.col("n_h") / (pl.col("n_h") - 1) * (pl.col("s2") - pl.col("s1") ** 2 / pl.col("n_h")))
        )
        res = strata.group_by(dom).agg(
            estimate=(pl.col("Y").first() / pl.col("W").first()),
            se=pl.col("v").sum().sqrt(),
            n=pl.col("n").sum(),
        )
        tables.append(res.select(
            "indicator",
            pl.lit(b or "").alias("by"),
            (pl.col(b).cast(pl.String) if b else pl.lit("")).alias("domain"),
            "estimate", "se", "n",
        ))
    pl.concat(pl.collect_all(tables)).sort(["indicator", "by", "domain"]).write_csv(out)


if __name__ == "__main__":
    main()
