"""The replicate-weight peer: what an analyst fluent in numpy writes for the
80-replicate table — for each breakdown, the rows sorted by domain once, then
per domain one BLAS matrix product [1, y01..y20]ᵀ · R of the domain's rows
(21 × 80 replicate totals), the full-sample estimate from the main weight and
the bootstrap variance Σ_r (θ_r − θ̄)² / (R − 1) (R's `svrepdesign(type =
"bootstrap")` with `mse = FALSE`).

    python peer_numpy_replicates.py DATA.parquet OUT.csv

Input: weight, region, urban, sex, age_group, education, u01..u20 (0/1) and
rw1..rwR. Output columns: indicator, by, domain, estimate, se, n.
"""
import sys

import numpy as np
import polars as pl

IND = [f"u{k:02d}" for k in range(1, 21)]
BY = ["region", "urban", "sex", "age_group", "education"]


def main() -> None:
    data, out = sys.argv[1], sys.argv[2]
    df = pl.read_parquet(data)
    reps = [c for c in df.columns if c.startswith("rw")]
    w = df["weight"].to_numpy()
    y = np.column_stack([np.ones(df.height), df.select(IND).to_numpy().astype(np.float64)])
    r = np.ascontiguousarray(df.select(reps).to_numpy())
    scale = 1.0 / (len(reps) - 1)
    rows = []
    for b in [None, *BY]:
        codes = np.zeros(df.height, dtype=np.int64) if b is None else df[b].to_numpy()
        order = np.argsort(codes, kind="stable")
        values, starts = np.unique(codes[order], return_index=True)
        ends = np.append(starts[1:], df.height)
        ys, rs, ws = y[order], r[order], w[order]
        for v, s, e in zip(values, starts, ends):
            full = ws[s:e] @ ys[s:e]
            totals = ys[s:e].T @ rs[s:e]
            thetas = totals[1:] / totals[0]
            se = np.sqrt(scale * ((thetas - thetas.mean(axis=1, keepdims=True)) ** 2).sum(axis=1))
            for k, u in enumerate(IND):
                rows.append((u, b or "", "" if b is None else str(v), full[k + 1] / full[0], se[k], e - s))
    pl.DataFrame(rows, schema=["indicator", "by", "domain", "estimate", "se", "n"], orient="row").write_csv(out)


if __name__ == "__main__":
    main()
