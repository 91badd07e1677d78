"""ADSL: one row per patient with everything a subject-level analysis needs."""

from __future__ import annotations

import datetime as dt

import polars as pl

from remission._units import DAYS_PER_YEAR
from remission.derive._tumor import BASELINE
from remission.study import TABLES

CUTANEOUS = ("skin", "subcutaneous")
"""Organs of subcutaneous/cutaneous-only disease (Phan 2001: response 53.6% vs 12.4%)."""

_ORGAN_BITS = {
    organ: 1 << i for i, organ in enumerate(sorted(TABLES["lesions"].column("organ").values))
}
"""One bit per organ of the study format's vocabulary (18), numbered in text order: a
patient's organs are then one whole number, and sorting the bits sorts the names."""

ADSL_COLUMNS: dict[str, str] = {
    "STUDYID": "Study name",
    "USUBJID": "Patient identifier",
    "HISTOL": "Histology",
    "SEX": "Sex",
    "AGE": "Age at treatment start (years)",
    "WEIGHTBL": "Baseline weight (kg)",
    "ECOG": "ECOG performance status",
    "TRTSDT": "Treatment start date",
    "RANDDT": "Randomisation date",
    "REFDT": "Reference date of response and time-to-event",
    "DTHDT": "Death date",
    "LSTALVDT": "Last date known alive",
    "DTHFL": "Died (Y/N)",
    "PRIORIT": "Prior immunotherapy (Y/N)",
    "PRIORCT": "Prior chemotherapy (Y/N)",
    "PRIORRT": "Prior radiotherapy (Y/N)",
    "NPRIOR": "Number of prior therapies",
    "C1DOSES": "Doses given in course 1 (the 1998 paper's total dose)",
    "C1IUKG": "IU/kg given in course 1",
    "DOSGIVN": "Doses given in all courses",
    "TOTIUKG": "IU/kg given in all courses",
    "NCOURSES": "Number of courses",
    "LYMBL": "Lymphocytes before the first dose (cells/uL)",
    "LYMMAX": "Maximal rebound lymphocyte count after IL-2, any cycle (cells/uL)",
    "LYMMAXC1": "Maximal rebound lymphocyte count after IL-2, course 1 (cells/uL)",
    "LYMFCBL": "Largest rebound as fold change from the cycle's baseline",
    "BOR": "Best overall response (confirmation not required)",
    "CBOR": "Best confirmed overall response",
    "CRFL": "Complete response (confirmed) (Y/N)",
    "ORFL": "Objective response: confirmed CR or PR (Y/N)",
    "NSITES": "Number of organ sites of disease at baseline",
    "SITES": "Organ sites of disease at baseline",
    "SCONLY": "Subcutaneous/cutaneous-only disease at baseline (Y/N)",
    "PFUYRS": "Potential follow-up: data cut-off minus treatment start (years)",
    "SYNTHFL": "Synthetic data (Y/N)",
}
"""Every ADSL column and its meaning (also in docs/derive.md)."""


_PER_DAY_IN_YEARS = 1 / DAYS_PER_YEAR
"""Days to years by multiplying: Polars divides a column of many rows by a number as a
multiplication by its reciprocal but a one-row column by true division, which can differ in
the last bit; multiplying is the same at any height, so one patient's ADSL row is the same
derived alone (a partition of one, ``derive_study``) or with the cohort."""


def _yn(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr).then(pl.lit("Y")).otherwise(pl.lit("N"))


def derive_adsl(
    patients: pl.DataFrame,
    reference: pl.DataFrame,
    prior_therapies: pl.DataFrame,
    lesions: pl.DataFrame,
    measurements: pl.DataFrame,
    *,
    adex: pl.DataFrame | None = None,
    adlb: pl.DataFrame | None = None,
    adrs: pl.DataFrame | None = None,
    cutoff_date: dt.date,
    synthetic: bool,
    studyid: str = "",
) -> pl.DataFrame:
    """ADSL from the study's tables and its other derived datasets.

    Parameters
    ----------
    patients : polars.DataFrame
        The study's ``patients`` table: one row per patient.
    reference : polars.DataFrame
        ``patient_id`` and ``REFDT`` (``reference_dates``): ADSL's ``REFDT``, and the date the
        baseline scan is chosen by (``BASELINE``, as ``tumor_assessments`` chooses it).
    prior_therapies, lesions, measurements : polars.DataFrame
        The study's tables of those names (each may be empty).
    adex, adlb, adrs : polars.DataFrame, optional
        The derived datasets giving exposure, lymphocyte rebound and best responses; their
        columns are null when omitted.
    cutoff_date : datetime.date
        The data cut-off (``study.toml``), for the potential follow-up ``PFUYRS``.
    synthetic : bool
        Whether the data are synthetic (``SYNTHFL``).
    studyid : str
        ``STUDYID`` of every row.

    Returns
    -------
    polars.DataFrame
        One row per patient, the columns of ``ADSL_COLUMNS``.

    Examples
    --------
    >>> from remission.derive import reference_dates
    >>> from remission.simulate import simulate_study
    >>> study = simulate_study(n_patients=40, seed=1)
    >>> t = study.table
    >>> adsl = derive_adsl(t("patients"), reference_dates(t("patients")), t("prior_therapies"),
    ...                    t("lesions"), t("measurements"), cutoff_date=study.config.cutoff_date,
    ...                    synthetic=True)
    >>> adsl.height, adsl["SYNTHFL"].unique().to_list(), adsl["CBOR"].null_count()
    (40, ['Y'], 40)
    """
    out = (
        _subjects(patients, reference, cutoff_date, studyid)
        .join(_prior_therapies(prior_therapies), on="USUBJID", how="left")
        .with_columns(
            _yn(pl.col("_it").fill_null(False)).alias("PRIORIT"),
            _yn(pl.col("_ct").fill_null(False)).alias("PRIORCT"),
            _yn(pl.col("_rt").fill_null(False)).alias("PRIORRT"),
            pl.col("NPRIOR").fill_null(0).cast(pl.Int64),
        )
    )
    exposure = _wide(adex, ("C1DOSES", "C1IUKG", "DOSGIVN", "TOTIUKG", "NCOURSES"))
    lymph = _wide(adlb, ("LYMBL", "LYMMAX", "LYMMAXC1", "LYMFCBL"))
    out = out.join(exposure, on="USUBJID", how="left").join(lymph, on="USUBJID", how="left")
    out = _with_best_responses(out, adrs).with_columns(
        _yn(pl.col("CBOR") == "CR").alias("CRFL"),
        _yn(pl.col("CBOR").is_in(["CR", "PR"])).alias("ORFL"),
    )
    sites = _baseline_sites(lesions, measurements, reference)
    out = out.join(sites, on="USUBJID", how="left").with_columns(
        pl.col("NSITES").fill_null(0).cast(pl.Int64),
        pl.col("SCONLY").fill_null("N"),
        _yn(pl.lit(synthetic)).alias("SYNTHFL"),
    )
    return out.select(list(ADSL_COLUMNS)).sort("USUBJID")


def _subjects(
    patients: pl.DataFrame, reference: pl.DataFrame, cutoff_date: dt.date, studyid: str
) -> pl.DataFrame:
    """One row per patient: identity, demography, dates and potential follow-up."""
    age = pl.coalesce(
        (
            (pl.col("treatment_start") - pl.col("birth_date")).dt.total_days() * _PER_DAY_IN_YEARS
        ).floor(),
        pl.col("age_at_start_years"),
    )
    refdt = reference.select("patient_id", pl.col("REFDT").alias("_refdt"))
    return patients.join(refdt, on="patient_id", how="left", maintain_order="left").select(
        pl.lit(studyid).alias("STUDYID"),
        pl.col("patient_id").alias("USUBJID"),
        pl.col("histology").alias("HISTOL"),
        pl.col("sex").alias("SEX"),
        age.alias("AGE"),
        pl.col("weight_kg").alias("WEIGHTBL"),
        pl.col("ecog").alias("ECOG"),
        pl.col("treatment_start").alias("TRTSDT"),
        pl.col("randomized_on").alias("RANDDT"),
        pl.col("_refdt").alias("REFDT"),
        pl.col("death_date").alias("DTHDT"),
        pl.col("last_known_alive").alias("LSTALVDT"),
        _yn(pl.col("death_date").is_not_null()).alias("DTHFL"),
        (
            (pl.lit(cutoff_date) - pl.col("treatment_start")).dt.total_days() * _PER_DAY_IN_YEARS
        ).alias("PFUYRS"),
    )


def _prior_therapies(prior_therapies: pl.DataFrame) -> pl.DataFrame:
    """Per patient with prior therapies: immuno-, chemo-, radiotherapy (bool), how many."""
    return (
        prior_therapies.group_by("patient_id")
        .agg(
            (pl.col("category") == "immunotherapy").any().alias("_it"),
            (pl.col("category") == "chemotherapy").any().alias("_ct"),
            (pl.col("category") == "radiotherapy").any().alias("_rt"),
            pl.len().alias("NPRIOR"),
        )
        .rename({"patient_id": "USUBJID"})
    )


def _wide(frame: pl.DataFrame | None, codes: tuple[str, ...]) -> pl.DataFrame:
    """The patient-level (``COURSE`` null) ``codes`` of ADEX or ADLB, one column each."""
    schema = {"USUBJID": pl.String} | {c: pl.Float64 for c in codes}
    if frame is None or frame.is_empty():
        return pl.DataFrame(schema=schema)
    rows = frame.filter(pl.col("COURSE").is_null() & pl.col("PARAMCD").is_in(codes))
    if rows.is_empty():
        return pl.DataFrame(schema=schema)
    return rows.pivot(on="PARAMCD", index="USUBJID", values="AVAL").select(
        "USUBJID",
        *[
            pl.col(c)
            if c in rows["PARAMCD"].unique().to_list()
            else pl.lit(None, dtype=pl.Float64).alias(c)
            for c in codes
        ],
    )


def _with_best_responses(out: pl.DataFrame, adrs: pl.DataFrame | None) -> pl.DataFrame:
    """``out`` with ``BOR`` and ``CBOR`` from ADRS (null without one)."""
    if adrs is None:
        return out.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in ("BOR", "CBOR"))
    # one row of each per subject: two filtered joins (a pivot costs 3x)
    best = adrs.lazy().filter(pl.col("PARAMCD").is_in(["BOR", "CBOR"]))
    for code in ("BOR", "CBOR"):
        rows = (
            best.filter(pl.col("PARAMCD") == code)
            .select("USUBJID", pl.col("AVALC").alias(code))
            .collect()
        )
        if rows["USUBJID"].is_duplicated().any():  # an ADRS not made by derive_adrs
            raise ValueError(f"ADRS has more than one {code} record for a subject")
        out = out.join(rows, on="USUBJID", how="left")
    return out


def _baseline_sites(
    lesions: pl.DataFrame, measurements: pl.DataFrame, reference: pl.DataFrame
) -> pl.DataFrame:
    """Organ sites with disease at baseline: lesions first seen on or before the baseline scan
    (``BASELINE``, as ``tumor_assessments`` takes it; later ones are new lesions)."""
    schema = {"USUBJID": pl.String, "NSITES": pl.Int64, "SITES": pl.String, "SCONLY": pl.String}
    if lesions.is_empty():
        return pl.DataFrame(schema=schema)
    # lazy: the engine's group-bys run in parallel, 2x faster than the eager ones here
    baseline = (
        measurements.lazy()
        .select("patient_id", "assessed_on")
        .join(reference.lazy(), on="patient_id", how="left")
        .group_by("patient_id")
        .agg(BASELINE.alias("_b"))
    )
    base = (
        lesions.lazy()
        .join(baseline, on="patient_id", how="left")
        .filter(pl.col("_b").is_null() | (pl.col("first_seen_on") <= pl.col("_b")))
    )
    # A patient's organs are a set of bits, so the text "liver, lung" is built once per
    # distinct set, not once per patient (joining the texts of 100,000 groups costs 3x
    # everything else here). The number of sites is the number of bits, plus one for a missing
    # organ (n_unique would count it; 2x slower to ask it)
    bit = _ORGAN_BITS
    per_patient = (
        base.group_by("patient_id")
        .agg(
            pl.col("organ").replace_strict(bit, return_dtype=pl.Int64).bitwise_or().alias("_set"),
            pl.col("organ").is_null().any().alias("_unnamed"),
            _yn(pl.col("organ").is_in(list(CUTANEOUS)).all()).alias("SCONLY"),
        )
        .with_columns(
            (pl.col("_set").fill_null(0).bitwise_count_ones() + pl.col("_unnamed"))
            .cast(pl.Int64)
            .alias("NSITES")
        )
        .collect()
    )
    names = pl.DataFrame(
        {"_bit": list(bit.values()), "_organ": list(bit)},
        schema={"_bit": pl.Int64, "_organ": pl.String},
    )
    texts = (
        per_patient.select(pl.col("_set").drop_nulls().unique())
        .join(names, how="cross")
        .filter((pl.col("_set") & pl.col("_bit")) != 0)
        .sort("_set", "_bit")
        .group_by("_set", maintain_order=True)
        .agg(pl.col("_organ").str.join(", ").alias("SITES"))
    )
    # a patient whose organs are all missing has the empty text, as joining no names gives
    return (
        per_patient.join(texts, on="_set", how="left")
        .with_columns(pl.col("SITES").fill_null(""))
        .rename({"patient_id": "USUBJID"})
        .select(list(schema))
    )
