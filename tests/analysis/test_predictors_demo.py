"""The 1998 paper's three factors, from the demo's derived data only (seed 0)."""

from __future__ import annotations

import polars as pl

from remission.analysis import Factor, factor_table, firth_regression
from remission.derive import derive_study
from remission.simulate import demo_study


def test_three_factors_associated_with_complete_response() -> None:
    adsl = derive_study(demo_study().study)["adsl"].with_columns(
        (pl.col("CRFL") == "Y").alias("cr")
    )
    factors = [
        Factor("PRIORIT", "Prior immunotherapy"),
        Factor("C1DOSES", "Course-1 doses", "continuous"),
        Factor("LYMMAXC1", "Maximal rebound lymphocytosis", "continuous"),
    ]
    table = factor_table(adsl, "cr", factors).filter(pl.col("row") == "factor")
    p = dict(zip(table["column"], table["p_value"], strict=True))
    assert all(v < 0.05 for v in p.values()), p
    cr, rest = adsl.filter("cr"), adsl.filter(~pl.col("cr"))
    # directions reported in 1998: less prior immunotherapy, more doses, higher rebound in CR
    assert (cr["PRIORIT"] == "Y").mean() < (rest["PRIORIT"] == "Y").mean()
    assert cr["C1DOSES"].median() > rest["C1DOSES"].median()
    assert cr["LYMMAXC1"].median() > rest["LYMMAXC1"].median()
    tests = dict(zip(table["column"], table["test"], strict=True))
    assert tests["PRIORIT"].startswith("Fisher exact")
    assert tests["C1DOSES"].startswith("Wilcoxon rank-sum")


def test_firth_on_the_three_factors_is_finite_and_in_direction() -> None:
    adsl = derive_study(demo_study().study)["adsl"].with_columns(
        (pl.col("CRFL") == "Y").cast(pl.Int64).alias("cr"),
        (pl.col("PRIORIT") == "Y").cast(pl.Int64).alias("prior"),
        (pl.col("LYMMAXC1") / 1000).alias("rebound"),
    )
    fit = firth_regression(adsl, "cr", ["prior", "C1DOSES", "rebound"]).table
    coef = dict(zip(fit["term"], fit["coef"], strict=True))
    assert coef["prior"] < 0 < coef["C1DOSES"]
    assert coef["rebound"] > 0
