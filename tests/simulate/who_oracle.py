"""A deliberately small, independent WHO best-response evaluator used only to check the
simulator: it shares no code with ``remission`` so that a simulator bug cannot hide behind
the same bug in the derivation.

Time-point response per assessment after baseline (WHO / NCI bidimensional):
CR = every lesion absent and no new lesion; PD = a new lesion, or sum of products >= 1.25 x
its smallest value so far; PR = sum of products <= 0.5 x baseline; otherwise SD.
Best response: assessments up to the first PD; CR or PR must be confirmed by a CR (or CR/PR)
at least 28 days later; SD needs >= 42 days from treatment start.
"""

from __future__ import annotations

import polars as pl


def timepoint_responses(
    patients: pl.DataFrame, lesions: pl.DataFrame, measurements: pl.DataFrame
) -> pl.DataFrame:
    """One row per patient and assessment date after baseline, with ``tpr``."""
    m = measurements.join(
        lesions.select("patient_id", "lesion_id", "target", "first_seen_on"),
        on=["patient_id", "lesion_id"],
    )
    base = m.group_by("patient_id").agg(pl.col("assessed_on").min().alias("baseline_on"))
    m = m.join(base, on="patient_id")
    m = m.with_columns(
        (pl.col("first_seen_on") > pl.col("baseline_on")).alias("new"),
        (pl.col("longest_mm").fill_null(0) * pl.col("perpendicular_mm").fill_null(0)).alias(
            "product"
        ),
    )
    per_date = (
        m.group_by("patient_id", "assessed_on")
        .agg(
            pl.col("product").filter(pl.col("target") & ~pl.col("new")).sum().alias("spd"),
            (pl.col("new") & (pl.col("state") == "present")).any().alias("new_lesion"),
            ((pl.col("state") == "absent") | pl.col("new")).all().alias("all_absent"),
        )
        .join(base, on="patient_id")
        .sort("patient_id", "assessed_on")
    )
    per_date = per_date.with_columns(
        pl.col("spd").first().over("patient_id").alias("spd0"),
        pl.col("spd").cum_min().over("patient_id").alias("nadir"),
    )
    follow = per_date.filter(pl.col("assessed_on") > pl.col("baseline_on"))
    follow = follow.with_columns(
        pl.when(pl.col("new_lesion"))
        .then(pl.lit("PD"))
        .when(pl.col("all_absent"))
        .then(pl.lit("CR"))
        .when(pl.col("spd") >= 1.25 * pl.col("nadir"))
        .then(pl.lit("PD"))
        .when(pl.col("spd") <= 0.5 * pl.col("spd0"))
        .then(pl.lit("PR"))
        .otherwise(pl.lit("SD"))
        .alias("tpr")
    )
    return follow.join(patients.select("patient_id", "treatment_start"), on="patient_id")


def best_response(
    patients: pl.DataFrame, lesions: pl.DataFrame, measurements: pl.DataFrame
) -> pl.DataFrame:
    """Best overall response per patient (CR, PR, SD, PD or NE)."""
    tp = timepoint_responses(patients, lesions, measurements).sort("patient_id", "assessed_on")
    first_pd = (
        tp.filter(pl.col("tpr") == "PD")
        .group_by("patient_id")
        .agg(pl.col("assessed_on").min().alias("pd_on"))
    )
    tp = tp.join(first_pd, on="patient_id", how="left").filter(
        pl.col("pd_on").is_null() | (pl.col("assessed_on") <= pl.col("pd_on"))
    )
    later = tp.select(
        "patient_id", pl.col("assessed_on").alias("later_on"), pl.col("tpr").alias("later_tpr")
    )
    pairs = tp.join(later, on="patient_id").filter(
        pl.col("later_on") >= pl.col("assessed_on") + pl.duration(days=28)
    )
    confirmed = pairs.group_by("patient_id", "assessed_on", "tpr").agg(
        pl.col("later_tpr").first().alias("next_tpr")
    )
    cr = confirmed.filter((pl.col("tpr") == "CR") & (pl.col("next_tpr") == "CR"))["patient_id"]
    pr = confirmed.filter(
        pl.col("tpr").is_in(["CR", "PR"]) & pl.col("next_tpr").is_in(["CR", "PR"])
    )["patient_id"]
    sd = tp.filter(
        pl.col("tpr").is_in(["SD", "PR", "CR"])
        & (pl.col("assessed_on") >= pl.col("treatment_start") + pl.duration(days=42))
    )
    pd_ = tp.filter(pl.col("tpr") == "PD")["patient_id"]
    return patients.select("patient_id").with_columns(
        pl.when(pl.col("patient_id").is_in(cr.implode()))
        .then(pl.lit("CR"))
        .when(pl.col("patient_id").is_in(pr.implode()))
        .then(pl.lit("PR"))
        .when(pl.col("patient_id").is_in(sd["patient_id"].implode()))
        .then(pl.lit("SD"))
        .when(pl.col("patient_id").is_in(pd_.implode()))
        .then(pl.lit("PD"))
        .otherwise(pl.lit("NE"))
        .alias("bor")
    )
