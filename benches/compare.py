"""Checks Mizan's indicators table against the peer's: same rows, estimates
to 1e-9 and SEs and interval bounds to 1e-7 relative (the bounds when the
peer writes them).

    python compare.py MIZAN_OUT/indicators.csv PEER.csv
"""
import sys

import polars as pl


def main() -> None:
    key = ["indicator", "by", "domain"]
    cast = [pl.col(k).cast(pl.Utf8).fill_null("") for k in key]
    ours = pl.read_csv(sys.argv[1], infer_schema_length=0).with_columns(cast)
    peer = pl.read_csv(sys.argv[2], infer_schema_length=0).with_columns(cast)
    j = ours.join(peer, on=key, how="full", suffix="_peer", coalesce=True)
    assert j.height == ours.height == peer.height, f"row sets differ: ours {ours.height}, peer {peer.height}, joined {j.height}"
    worst = {}
    for col, tol in [("estimate", 1e-9), ("se", 1e-7), ("ci_low", 1e-7), ("ci_high", 1e-7)]:
        if col not in peer.columns:
            continue
        rel = j.select(
            ((pl.col(col).cast(pl.Float64) - pl.col(f"{col}_peer").cast(pl.Float64)).abs()
             / pl.max_horizontal(pl.col(col).cast(pl.Float64).abs(), pl.col(f"{col}_peer").cast(pl.Float64).abs(), pl.lit(1e-300))).max()
        ).item()
        worst[col] = rel
        assert rel is not None and rel <= tol, f"{col}: worst relative difference {rel}"
    assert (j["n"].cast(pl.Int64) == j["n_peer"].cast(pl.Int64)).all(), "n differs"
    print(f"{j.height} rows agree; worst relative differences: " + ", ".join(f"{k} {v:.1e}" for k, v in worst.items()))


if __name__ == "__main__":
    main()
