"""ADLB: absolute lymphocyte counts around each IL-2 cycle, and the rebound after it.

IL-2 drives lymphocytes down while it is given and they rebound after it stops; the 1998
series found the maximal rebound went with complete response. Per cycle: the baseline count
(last draw shortly before the first dose), the nadir during dosing, the maximum in a window
after the last dose, and the fold changes. Counts are harmonised to cells/uL first.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from remission.study import LAB_UNITS

_ID = "patient_id"
CYCLE = ["patient_id", "course", "cycle"]


LAB_PARAMS = {
    "LYMPH": "Lymphocytes, absolute count",
    "LYMBL": "Lymphocytes at baseline",
    "LYMNAD": "Lymphocyte nadir during IL-2",
    "LYMMAX": "Maximal rebound lymphocyte count after IL-2",
    "LYMMAXC1": "Maximal rebound lymphocyte count after IL-2, course 1",
    "LYMFCBL": "Rebound: fold change from baseline",
    "LYMFCNAD": "Rebound: fold change from nadir",
}
"""``PARAMCD`` -> ``PARAM`` of ADLB."""


@dataclass(frozen=True)
class ReboundWindows:
    """Time windows of the lymphocyte derivation (defaults documented in docs/derive.md).

    Parameters
    ----------
    baseline_hours : float
        The baseline of a cycle is the last draw at most this long before its first dose.
    rebound_days : float
        The rebound is the largest count from the last dose of the cycle up to this long
        after it (and before the next cycle's baseline window). The post-IL-2 lymphocytosis
        peaks within days of stopping and is gone by about a week (field knowledge [R]: make
        it match your protocol's draw schedule).

    Examples
    --------
    >>> ReboundWindows().rebound_days
    8.0
    """

    baseline_hours: float = 36.0
    rebound_days: float = 8.0


def lymphocytes_per_ul(labs: pl.DataFrame) -> pl.DataFrame:
    """Absolute lymphocyte counts in cells/uL, from any accepted unit.

    ``%`` (of white cells) is converted with the white-cell count of the same draw; a
    percentage without one cannot be converted (``remission validate`` reports it).

    Parameters
    ----------
    labs : polars.DataFrame
        The study's ``labs`` table (without ``_row``).

    Returns
    -------
    polars.DataFrame
        ``patient_id``, ``drawn_at``, ``per_ul`` (null where it cannot be converted).

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2020, 1, 1, 6)
    >>> labs = pl.DataFrame({"patient_id": ["a", "a", "a"], "drawn_at": [t, t, t],
    ...     "analyte": ["lymphocytes", "wbc", "lymphocytes"], "value": [1.2, 6.0, 25.0],
    ...     "unit": ["10^9/L", "10^9/L", "%"]})
    >>> lymphocytes_per_ul(labs)["per_ul"].to_list()
    [1200.0, 1500.0]
    """
    factor = pl.DataFrame(
        [(a, u, f) for a, units in LAB_UNITS.items() for u, f in units.items()],
        schema={"analyte": pl.String, "unit": pl.String, "_f": pl.Float64},
        orient="row",
    )
    conv = labs.join(factor, on=["analyte", "unit"], how="left").with_columns(
        (pl.col("value") * pl.col("_f")).alias("_abs")
    )
    wbc = (
        conv.filter((pl.col("analyte") == "wbc") & pl.col("_abs").is_not_nan())
        .group_by(_ID, "drawn_at")
        .agg(pl.col("_abs").first().alias("_wbc"))
    )
    lym = conv.filter(pl.col("analyte") == "lymphocytes").join(
        wbc, on=[_ID, "drawn_at"], how="left"
    )
    return lym.select(
        _ID,
        "drawn_at",
        # times 1/100, not divided by 100: the same at any height (_PER_DAY_IN_YEARS, _adsl.py)
        pl.when(pl.col("unit") == "%")
        .then(pl.col("value") * (1 / 100) * pl.col("_wbc"))
        .otherwise(pl.col("_abs"))
        .alias("per_ul"),
    ).sort(_ID, "drawn_at")


def derive_adlb(
    labs: pl.DataFrame,
    doses: pl.DataFrame,
    windows: ReboundWindows | None = None,
    studyid: str = "",
) -> pl.DataFrame:
    """ADLB: every lymphocyte count (LYMPH) and the per-cycle and per-patient rebound parameters.

    Parameters
    ----------
    labs : polars.DataFrame
        The study's ``labs`` table (lymphocyte counts in any of ``LAB_UNITS``).
    doses : polars.DataFrame
        The study's dose ledger (``doses``): its given doses date each cycle.
    windows : ReboundWindows, optional
        Baseline and rebound windows; the documented defaults when omitted.
    studyid : str
        ``STUDYID`` of every row.

    Returns
    -------
    polars.DataFrame
        ``STUDYID``, ``USUBJID``, ``COURSE``, ``CYCLE``, ``PARAMCD``, ``PARAM``, ``AVAL``,
        ``AVALU``, ``ADTM``, ``APHASE``. PARAMCD ``LYMPH`` = each count (``APHASE`` baseline,
        during, rebound or other); per cycle ``LYMBL``, ``LYMNAD``, ``LYMMAX``, ``LYMFCBL``
        (max / baseline), ``LYMFCNAD`` (max / nadir); per patient (COURSE and CYCLE null)
        ``LYMBL`` (first cycle's baseline), ``LYMMAX`` (largest rebound of any cycle),
        ``LYMMAXC1`` (largest rebound in course 1), ``LYMFCBL``.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> study = simulate_study(n_patients=30, seed=1)
    >>> adlb = derive_adlb(study.table("labs"), study.table("doses"))
    >>> sorted(adlb.filter(pl.col("COURSE").is_null())["PARAMCD"].unique())
    ['LYMBL', 'LYMFCBL', 'LYMMAX', 'LYMMAXC1']
    """
    w = windows or ReboundWindows()
    counts = lymphocytes_per_ul(labs).filter(pl.col("per_ul").is_not_null())
    cycles = _cycle_times(doses.filter(pl.col("status") == "given"))
    phased = _phased(counts, cycles, w)
    per_cycle = _per_cycle(phased, cycles)
    records = phased.select(
        pl.col(_ID).alias("USUBJID"),
        pl.col("course").cast(pl.Int64).alias("COURSE"),
        pl.col("cycle").cast(pl.Int64).alias("CYCLE"),
        pl.lit("LYMPH").alias("PARAMCD"),
        pl.col("per_ul").alias("AVAL"),
        pl.col("drawn_at").alias("ADTM"),
        "APHASE",
    )
    summaries = pl.concat([_cycle_rows(per_cycle), _patient_rows(per_cycle)])
    out = pl.concat(
        [records, summaries.with_columns(pl.lit(None, dtype=pl.String).alias("APHASE"))],
        how="vertical_relaxed",
    )
    return (
        out.with_columns(
            pl.lit(studyid).alias("STUDYID"),
            pl.col("PARAMCD").replace_strict(LAB_PARAMS, return_dtype=pl.String).alias("PARAM"),
            pl.when(pl.col("PARAMCD").str.starts_with("LYMFC"))
            .then(pl.lit("ratio"))
            .otherwise(pl.lit("cells/uL"))
            .alias("AVALU"),
        )
        .select(
            "STUDYID",
            "USUBJID",
            "COURSE",
            "CYCLE",
            "PARAMCD",
            "PARAM",
            "AVAL",
            "AVALU",
            "ADTM",
            "APHASE",
        )
        .sort("USUBJID", "COURSE", "CYCLE", "PARAMCD", "ADTM", nulls_last=True)
    )


def _cycle_times(given: pl.DataFrame) -> pl.DataFrame:
    """Each cycle's first and last given dose and the next cycle's first (``_next``)."""
    return (
        given.group_by(CYCLE)
        .agg(pl.col("given_at").min().alias("_first"), pl.col("given_at").max().alias("_last"))
        .sort(CYCLE)
        .with_columns(pl.col("_first").shift(-1).over(_ID).alias("_next"))
    )


def _phased(counts: pl.DataFrame, cycles: pl.DataFrame, w: ReboundWindows) -> pl.DataFrame:
    """Each count in a cycle's window with its phase (``APHASE``): baseline (the
    ``baseline_hours`` before the first dose), during, or rebound (up to ``rebound_days``
    after the last dose, and before the next cycle's baseline window)."""
    base_from = pl.col("_first") - pl.duration(hours=w.baseline_hours)
    rebound_to = pl.min_horizontal(
        pl.col("_last") + pl.duration(days=w.rebound_days),
        pl.col("_next") - pl.duration(hours=w.baseline_hours),
    )
    t = pl.col("drawn_at")
    return (
        counts.join(cycles, on=_ID, how="inner")
        .with_columns(
            pl.when((t >= base_from) & (t < pl.col("_first")))
            .then(pl.lit("baseline"))
            .when((t >= pl.col("_first")) & (t <= pl.col("_last")))
            .then(pl.lit("during"))
            .when((t > pl.col("_last")) & (t <= rebound_to))
            .then(pl.lit("rebound"))
            .alias("APHASE")
        )
        .filter(pl.col("APHASE").is_not_null())
    )


def _per_cycle(phased: pl.DataFrame, cycles: pl.DataFrame) -> pl.DataFrame:
    """Per cycle: the last baseline count, the nadir during, the largest rebound, and folds."""
    base = (
        phased.filter(pl.col("APHASE") == "baseline")
        .sort("drawn_at")
        .group_by(CYCLE)
        .agg(pl.col("per_ul").last().alias("LYMBL"), pl.col("drawn_at").last().alias("_bt"))
    )
    nadir = (
        phased.filter(pl.col("APHASE") == "during")
        .sort("per_ul", "drawn_at")
        .group_by(CYCLE)
        .agg(pl.col("per_ul").first().alias("LYMNAD"), pl.col("drawn_at").first().alias("_nt"))
    )
    peak = (
        phased.filter(pl.col("APHASE") == "rebound")
        .sort("per_ul", "drawn_at", descending=[True, False])
        .group_by(CYCLE)
        .agg(pl.col("per_ul").first().alias("LYMMAX"), pl.col("drawn_at").first().alias("_mt"))
    )
    return (
        cycles.select(CYCLE)
        .join(base, on=CYCLE, how="left")
        .join(nadir, on=CYCLE, how="left")
        .join(peak, on=CYCLE, how="left")
        .with_columns(
            (pl.col("LYMMAX") / pl.col("LYMBL")).alias("LYMFCBL"),
            (pl.col("LYMMAX") / pl.col("LYMNAD")).alias("LYMFCNAD"),
        )
    )


def _rows(frame: pl.DataFrame, code: str, value: str, when: str | None) -> pl.DataFrame:
    """Parameter ``code`` rows from column ``value`` (dated by column ``when``), non-null."""
    return frame.select(
        pl.col(_ID).alias("USUBJID"),
        pl.col("course").cast(pl.Int64).alias("COURSE"),
        pl.col("cycle").cast(pl.Int64).alias("CYCLE"),
        pl.lit(code).alias("PARAMCD"),
        pl.col(value).cast(pl.Float64).alias("AVAL"),
        (pl.col(when) if when else pl.lit(None, dtype=pl.Datetime("us"))).alias("ADTM"),
    ).filter(pl.col("AVAL").is_not_null())


def _cycle_rows(per_cycle: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(
        [
            _rows(per_cycle, "LYMBL", "LYMBL", "_bt"),
            _rows(per_cycle, "LYMNAD", "LYMNAD", "_nt"),
            _rows(per_cycle, "LYMMAX", "LYMMAX", "_mt"),
            _rows(per_cycle, "LYMFCBL", "LYMFCBL", None),
            _rows(per_cycle, "LYMFCNAD", "LYMFCNAD", None),
        ]
    )


def _patient_rows(per_cycle: pl.DataFrame) -> pl.DataFrame:
    """Per patient: the first cycle's baseline, the largest rebound (any cycle, course 1)
    and the largest fold change from baseline."""
    first = per_cycle.sort(CYCLE).group_by(_ID, maintain_order=True).first()
    patient = (
        per_cycle.group_by(_ID)
        .agg(
            pl.col("LYMMAX").max().alias("LYMMAX"),
            pl.col("LYMMAX").filter(pl.col("course") == 1).max().alias("LYMMAXC1"),
            pl.col("LYMFCBL").max().alias("LYMFCBL"),
        )
        .join(first.select(_ID, "LYMBL"), on=_ID, how="left")
        .with_columns(
            pl.lit(None, dtype=pl.Int64).alias("course"),
            pl.lit(None, dtype=pl.Int64).alias("cycle"),
        )
    )
    return pl.concat(
        [_rows(patient, code, code, None) for code in ("LYMBL", "LYMMAX", "LYMMAXC1", "LYMFCBL")]
    )
