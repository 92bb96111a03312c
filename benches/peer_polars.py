"""The hand-written peer: what an analyst fluent in polars would write to
compute the benchmark table — for each of the 20 indicators, overall and by
region, urban, sex, age group and education, the weighted proportion, its
Taylor-linearised SE (stratified, first-stage clusters with replacement, as
R's survey), a logit 95% interval with t on the domain's design degrees of
freedom (svyciprop's default), and the unweighted n.

    python peer_polars.py DATA.parquet OUT.csv
"""
import math
import sys

import polars as pl
from scipy.stats import t as student_t

BY = ["_all", "region", "urban", "sex", "age_group", "education"]
INDS = [f"u{k:02d}" for k in range(1, 21)]


def main() -> None:
    data, out = sys.argv[1], sys.argv[2]
    df = (
        pl.scan_parquet(data)
        .select(["stratum", "psu", "weight", *BY[1:], *INDS])
        .with_columns(pl.lit(0).alias("_all"))
        .collect()
    )
    n_h = df.group_by("stratum").agg(pl.col("psu").n_unique().alias("n_h"))
    rows = []
    for b in BY:
        # One aggregation per breakdown: every indicator's sums per (domain, stratum, PSU).
        cells = df.group_by([b, "stratum", "psu"]).agg(
            pl.col("weight").sum().alias("sw"),
            pl.len().alias("n"),
            *[(pl.col("weight") * pl.col(u)).sum().alias(u) for u in INDS],
        )
        totals = cells.group_by(b).agg(pl.col("sw").sum().alias("W"), pl.col("n").sum().alias("n"), *[pl.col(u).sum() for u in INDS])
        for u in INDS:
            t = cells.select([b, "stratum", "psu", "sw", u]).join(totals.select([b, "W", pl.col(u).alias("Y")]), on=b)
            t = t.with_columns(((pl.col(u) - pl.col("Y") / pl.col("W") * pl.col("sw")) / pl.col("W")).alias("z"))
            # PSUs of the stratum without a row of the domain have z = 0.
            strata = (
                t.group_by([b, "stratum"])
                .agg(pl.col("z").sum().alias("sz"), (pl.col("z") ** 2).sum().alias("szz"), pl.len().alias("psus"))
                .join(n_h, on="stratum")
                .with_columns((pl.col("n_h") / (pl.col("n_h") - 1) * (pl.col("szz") - pl.col("sz") ** 2 / pl.col("n_h"))).alias("v"))
            )
            var = strata.group_by(b).agg(pl.col("v").sum().alias("var"), (pl.col("psus").sum() - pl.len()).alias("df"))
            res = totals.select([b, "W", "n", pl.col(u).alias("Y")]).join(var, on=b).sort(b)
            for r in res.iter_rows(named=True):
                p, se, dof = r["Y"] / r["W"], math.sqrt(r["var"]), r["df"]
                lo = hi = None
                if 0 < p < 1 and dof > 0:
                    half = student_t.ppf(0.975, dof) * se / (p * (1 - p))
                    c = math.log(p / (1 - p))
                    lo, hi = 1 / (1 + math.exp(-(c - half))), 1 / (1 + math.exp(-(c + half)))
                rows.append({
                    "indicator": u,
                    "by": "" if b == "_all" else b,
                    "domain": "" if b == "_all" else str(r[b]),
                    "estimate": p,
                    "se": se,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": r["n"],
                })
    pl.DataFrame(rows).write_csv(out)


if __name__ == "__main__":
    main()
