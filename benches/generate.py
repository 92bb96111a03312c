"""Seeded generator of the benchmark survey: N respondents in 40 strata of
~10 PSUs, a weight, region (12), urban (2), sex (2), age group (6),
education (4) and 20 binary usage indicators u01..u20; optionally R
bootstrap-style replicate weight columns rw1..rwR (PSU-level resampling).

    python generate.py ROWS OUT.parquet [--replicates R] [--seed S]

Same seed and numpy version, same file. Above 50,000,000 rows the file is
written in parts of at most that many rows (memory stays a few GiB), each
drawn as its own sample of the same 40 strata and 400 PSU ids with the
seed (S, part), and streamed into OUT.
"""
import argparse
import os
import tempfile

import numpy as np
import polars as pl


PART_ROWS = 50_000_000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", type=int)
    ap.add_argument("out")
    ap.add_argument("--replicates", type=int, default=0)
    ap.add_argument("--seed", type=int, default=20261127)
    a = ap.parse_args()
    if a.rows <= PART_ROWS:
        sample(np.random.default_rng(a.seed), a.rows, a.replicates).write_parquet(a.out, compression="zstd")
        return
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(a.out))) as tmp:
        parts = []
        for k, start in enumerate(range(0, a.rows, PART_ROWS)):
            n = min(PART_ROWS, a.rows - start)
            path = os.path.join(tmp, f"part-{k:03d}.parquet")
            sample(np.random.default_rng([a.seed, k]), n, a.replicates).write_parquet(path, compression="zstd")
            parts.append(path)
        pl.scan_parquet(parts).sink_parquet(a.out, compression="zstd")


def sample(rng: np.random.Generator, n: int, replicates: int) -> pl.DataFrame:
    n_strata, psu_per = 40, 10
    # Each row belongs to one of 400 PSUs; PSU sizes vary.
    psu_size = rng.integers(50, 150, n_strata * psu_per)
    psu_of_row = rng.choice(n_strata * psu_per, size=n, p=psu_size / psu_size.sum())
    psu_of_row.sort()
    stratum = psu_of_row // psu_per + 1
    region = (stratum - 1) % 12 + 1
    urban = rng.integers(1, 3, n)
    sex = rng.integers(1, 3, n)
    age_group = rng.integers(1, 7, n)
    education = rng.integers(1, 5, n)
    psu_effect = rng.normal(0, 0.4, n_strata * psu_per)[psu_of_row]
    weight = (200 + 50 * stratum + rng.gamma(4.0, 20.0, n)).astype(np.float64)
    cols = {
        "stratum": stratum.astype(np.int32),
        "psu": (psu_of_row + 1).astype(np.int32),
        "weight": weight,
        "region": region.astype(np.int32),
        "urban": urban.astype(np.int32),
        "sex": sex.astype(np.int32),
        "age_group": age_group.astype(np.int32),
        "education": education.astype(np.int32),
    }
    for k in range(1, 21):
        logit = -1.0 + 0.12 * k + 0.5 * (urban == 1) - 0.25 * (age_group - 3) + 0.3 * education + psu_effect
        cols[f"u{k:02d}"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    for r in range(1, replicates + 1):
        # Bootstrap within strata: each PSU gets a multiplicity (n_h/(n_h-1)) * m.
        mult = rng.multinomial(psu_per - 1, [1 / psu_per] * psu_per, size=n_strata).reshape(-1)
        factor = mult * psu_per / (psu_per - 1)
        cols[f"rw{r}"] = weight * factor[psu_of_row]
    return pl.DataFrame(cols)


if __name__ == "__main__":
    main()
