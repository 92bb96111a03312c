"""An independent computation of a handful of the study's figures, with
polars straight from the trimmed CSVs (not through Mizan), written to
expected.csv; the test `crunchbase.rs` compares Mizan's indicators with it.

    python3 check.py        (polars 1.44; benches/requirements.txt pins it)
"""
import io

import polars as pl

def read(name):
    with open(f"../../datasets/crunchbase/{name}", encoding="latin-1", newline="") as f:
        return pl.read_csv(io.StringIO(f.read().replace("\r", "\n")), infer_schema_length=0)

rounds = read("rounds.csv").with_columns(
    pl.col("funded_at").str.to_date(),
    pl.col("raised_amount_usd").cast(pl.Float64),
)
companies = read("companies.csv")
rows = []
def add(indicator, by, domain, value):
    rows.append({"indicator": indicator, "by": by, "domain": domain, "value": float(value)})

add("companies", "", "", companies.height)
for state in ["CA", "NY", "MA", "TX"]:
    add("companies", "state_code", state, companies.filter(pl.col("state_code") == state).height)
for cat in ["software", "web", "mobile"]:
    add("companies", "category_code", cat, companies.filter(pl.col("category_code") == cat).height)
quarter = (pl.col("funded_at").dt.year().cast(pl.String) + "-Q" + pl.col("funded_at").dt.quarter().cast(pl.String))
for q in ["2012-Q1", "2012-Q4", "2013-Q2", "2013-Q4"]:
    add("rounds", "funded_at:quarter", q, rounds.filter(quarter == q).height)
for t in ["angel", "series-a", "venture"]:
    amount = rounds.filter(pl.col("funding_round_type") == t)["raised_amount_usd"].sum() / 1_000_000
    add("amount_raised", "funding_round_type", t, amount)
seed = rounds.filter(pl.col("raised_amount_usd") <= 4_000_000)
for year in [2012, 2013]:
    # R's qrule "math" with unit weights: the smallest value whose share of
    # rows at or below it reaches one half.
    values = seed.filter(pl.col("funded_at").dt.year() == year)["raised_amount_usd"].sort()
    n = values.len()
    k = -(-n // 2)  # ceil(n / 2)
    add("median_seed", "funded_at:year", str(year), values[k - 1])
pl.DataFrame(rows).write_csv("expected.csv")
print(pl.DataFrame(rows))
