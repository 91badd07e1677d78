"""Table 1 and the factors associated with complete response (the 1998 paper's three)."""

from __future__ import annotations

import polars as pl

from remission.analysis import (
    Factor,
    factor_table,
    firth_regression,
    logistic_regression,
    table_one,
)
from remission.figures import forest_plot
from remission.report._model import ReportFigure, ReportTable, Section
from remission.study import Study

Frames = dict[str, pl.DataFrame]

TABLE_ONE = (
    Factor("AGE", "Age", "continuous", "years"),
    Factor("SEX", "Sex"),
    Factor("ECOG", "ECOG performance status"),
    Factor("WEIGHTBL", "Weight", "continuous", "kg"),
    Factor("PRIORIT", "Prior immunotherapy"),
    Factor("PRIORCT", "Prior chemotherapy"),
    Factor("NSITES", "Organ sites of disease", "continuous"),
    Factor("SCONLY", "Subcutaneous/cutaneous disease only"),
)

CANDIDATES = (
    Factor("PRIORIT", "Prior immunotherapy"),
    Factor("C1DOSES", "Doses of IL-2 given in course 1", "continuous", "doses"),
    Factor(
        "LYMMAXC1", "Maximal rebound lymphocytosis after IL-2, course 1", "continuous", "cells/uL"
    ),
    Factor("HISTOL", "Histology"),
    Factor("SCONLY", "Subcutaneous/cutaneous disease only"),
    Factor("NSITES", "Organ sites of disease", "continuous"),
    Factor("ECOG", "ECOG performance status"),
    Factor("AGE", "Age", "continuous", "years"),
    Factor("SEX", "Sex"),
)
"""Candidate factors, the paper's three first (order of the table)."""

THE_THREE = ("PRIORIT", "C1DOSES", "LYMMAXC1")


def _available(adsl: pl.DataFrame, factors: tuple[Factor, ...]) -> list[Factor]:
    """Factors with data and more than one value."""
    return [
        f
        for f in factors
        if f.column in adsl.columns and adsl[f.column].drop_nulls().n_unique() > 1
    ]


def table_one_section(study: Study, frames: Frames) -> Section:
    """Table 1: patient characteristics by histology and overall (n (%), median [IQR],
    mean (SD), missing counts, standardised mean differences)."""
    s = Section("table1", "Patient characteristics")
    adsl = frames["adsl"]
    factors = _available(adsl, TABLE_ONE)
    groups = adsl["HISTOL"].n_unique()
    t = table_one(adsl, "HISTOL" if groups > 1 else None, factors)
    keep = [
        "variable",
        "level",
        "statistic",
        "Overall",
        *[str(g) for g in adsl["HISTOL"].unique().sort().to_list() if groups > 1],
    ]
    if "smd" in t.columns and groups == 2:
        keep.append("smd")
    s.tables.append(
        ReportTable(
            "table1",
            "Table 1. Patient characteristics",
            t.select([c for c in keep if c in t.columns]),
            "n (%) for categories; median [Q1, Q3] and mean (SD) for numbers; smd: standardised "
            "mean difference between the two histologies (Yang & Dalton for categories).",
        )
    )
    return s


def _wide(adsl: pl.DataFrame) -> pl.DataFrame:
    return adsl.with_columns(
        (pl.col("CRFL") == "Y").alias("cr"),
        (pl.col("PRIORIT") == "Y").cast(pl.Int64).alias("prior_immunotherapy"),
        pl.col("C1DOSES").alias("course1_doses"),
        (pl.col("LYMMAXC1") / 1000).alias("rebound_per_1000"),
    )


MODEL_TERMS = {
    "prior_immunotherapy": "Prior immunotherapy (yes vs no)",
    "course1_doses": "Course-1 doses (per dose)",
    "rebound_per_1000": "Maximal rebound (per 1,000 cells/uL)",
}


def factors_section(study: Study, frames: Frames) -> Section:
    """Factors associated with complete response: the factor table, logistic and Firth
    regression of the paper's three factors, and a forest plot."""
    s = Section("factors", "Factors associated with complete response")
    adsl = _wide(frames["adsl"])
    n_cr = int(adsl["cr"].sum())
    if n_cr in (0, adsl.height):
        s.notes.append("Not available: no complete responder (or only complete responders).")
        return s
    factors = _available(adsl, CANDIDATES)
    missing = [f.label for f in CANDIDATES[:3] if f not in factors]
    if missing:
        s.notes.append(
            "Not available for this study: "
            + "; ".join(missing)
            + " (no dose ledger or no lymphocyte counts)."
        )
    table = factor_table(
        adsl, "cr", factors, outcome_label="complete response", adjust=("holm", "BH")
    )
    s.paragraphs.append(
        f"{n_cr} complete responders compared with the other {adsl.height - n_cr} patients. "
        "Two-sided tests named beside each p-value; p_holm and p_bh adjust over the factors."
    )
    show = ["factor", "level", "group", "rest", "test", "p_value", "p_holm", "p_bh"]
    s.tables.append(
        ReportTable(
            "factors",
            "Factors associated with complete response",
            table.select([c for c in show if c in table.columns]).rename(
                {"group": "complete response", "rest": "no complete response"}
            ),
            "Categories: n (%); numbers: mean ± SEM; median [Q1, Q3].",
        )
    )
    terms = [
        t
        for t, col in (
            ("prior_immunotherapy", "PRIORIT"),
            ("course1_doses", "C1DOSES"),
            ("rebound_per_1000", "LYMMAXC1"),
        )
        if col in [f.column for f in factors]
    ]
    if not terms:
        return s
    rows = []
    uni = []
    for term in terms:
        r = logistic_regression(adsl, "cr", [term], name=f"univariable: {term}")
        row = r.table.filter(pl.col("term") == term).row(0, named=True)
        uni.append(
            (
                "univariable",
                MODEL_TERMS[term],
                row["or"],
                row["profile_lower"],
                row["profile_upper"],
                row["p"],
            )
        )
    multi = logistic_regression(adsl, "cr", terms, name="multivariable")
    firth = firth_regression(adsl, "cr", terms, name="multivariable, Firth")
    for label, result in (("multivariable", multi), ("multivariable, Firth", firth)):
        for row in result.table.filter(pl.col("term") != "(Intercept)").iter_rows(named=True):
            rows.append(
                (
                    label,
                    MODEL_TERMS[row["term"]],
                    row["or"],
                    row["profile_lower"],
                    row["profile_upper"],
                    row["p"],
                )
            )
    models = pl.DataFrame(
        uni + rows,
        schema={
            "model": pl.String,
            "term": pl.String,
            "odds_ratio": pl.Float64,
            "ci_lower": pl.Float64,
            "ci_upper": pl.Float64,
            "p_value": pl.Float64,
        },
        orient="row",
    )
    s.tables.append(
        ReportTable(
            "regression",
            "Logistic regression of complete response",
            models,
            "Odds ratios with profile-likelihood 95% CIs (Firth: profile penalised likelihood); "
            "p: Wald (logistic) or penalised likelihood ratio (Firth).",
        )
    )
    fig = forest_plot(
        models.select(
            pl.col("term").alias("label"),
            pl.col("odds_ratio").alias("estimate"),
            pl.col("ci_lower").alias("lower"),
            pl.col("ci_upper").alias("upper"),
            "model",
        ),
        title="Odds ratios of complete response",
    )
    s.figures.append(
        ReportFigure.from_matplotlib("forest", "Odds ratios of complete response", fig)
    )
    return s


def factor_headline(frames: Frames) -> list[tuple[str, str]]:
    """The paper's three factors with their direction and p-value, for the demo's summary."""
    adsl = _wide(frames["adsl"])
    if adsl["cr"].sum() == 0:
        return []
    factors = [f for f in _available(adsl, CANDIDATES) if f.column in THE_THREE]
    table = factor_table(adsl, "cr", factors).filter(pl.col("row") == "factor")
    out = []
    for f, row in zip(factors, table.iter_rows(named=True), strict=True):
        if f.kind == "continuous":
            cr, rest = (
                adsl.filter("cr")[f.column].median(),
                adsl.filter(~pl.col("cr"))[f.column].median(),
            )
            direction = f"median {cr:g} vs {rest:g}"
        else:
            cr = (adsl.filter("cr")[f.column] == "Y").mean() * 100
            rest = (adsl.filter(~pl.col("cr"))[f.column] == "Y").mean() * 100
            direction = f"{cr:.1f}% vs {rest:.1f}%"
        out.append(
            (
                f"{f.label} (CR vs others)",
                f"{direction}, p = {row['p_value']:.2g} ({row['test'].split(',')[0]})",
            )
        )
    return out
