"""ADEX: exposure to the regimen, derived from the dose ledger.

One row per parameter and unit of treatment: each cycle, each course and each patient. The
derivation is a pure function of the ``doses`` and ``patients`` tables, vectorised over all
patients and independent across them: any partition of the patients, in any row order, gives
the same rows (sums are taken in ledger order, so even floating-point totals agree bit for bit).
"""

from __future__ import annotations

import polars as pl

from remission.derive._parameters import Parameter

NOT_RECORDED = "not recorded"
"""``AVALC`` of ``HLDRSN`` for held doses whose ``hold_reason`` is empty."""

LEVELS = ("patient", "course", "cycle")
"""Levels of ADEX rows, in output order."""

_DOSES = "doses"
_IU = "IU"
_IU_KG = "IU/kg"

_GIVEN = "Number of doses given"
_HELD = "Number of doses held"
_TOTIU = "Total dose given (IU)"
_TOTIUKG = "Total dose given per kg baseline weight (IU/kg)"
_PER_KG = "divided by the baseline weight (patients.weight_kg); null when the weight is missing"

ADEX_PARAMETERS: tuple[Parameter, ...] = (
    # cycle level: COURSE and CYCLE set
    Parameter("DOSGIVN", _GIVEN, _DOSES, "cycle", "Ledger entries of the cycle with status given."),
    Parameter("DOSHELD", _HELD, _DOSES, "cycle", "Ledger entries of the cycle with status held."),
    Parameter(
        "DOSSCHED",
        "Number of doses scheduled",
        _DOSES,
        "cycle",
        "Ledger entries of the cycle (given + held).",
    ),
    Parameter(
        "TOTIU",
        _TOTIU,
        _IU,
        "cycle",
        "Sum of dose_iu over the given doses of the cycle; null when a given dose has no dose_iu.",
    ),
    Parameter("TOTIUKG", _TOTIUKG, _IU_KG, "cycle", f"TOTIU of the cycle {_PER_KG}."),
    Parameter(
        "CYCCMPL",
        "Cycle completed (maximum doses given)",
        None,
        "cycle",
        "AVAL 1 and AVALC Y when the cycle gave at least the regimen's maximum doses per cycle, "
        "else AVAL 0 and AVALC N.",
    ),
    Parameter(
        "HLDRSN",
        "Number of doses held, by reason",
        _DOSES,
        "cycle",
        "One row per hold reason of the cycle: AVALC the reason as written (surrounding spaces "
        f"removed), AVAL the doses held for it; a held dose without a reason counts under "
        f'"{NOT_RECORDED}". No row when the cycle held no dose.',
    ),
    # course level: COURSE set, CYCLE null
    Parameter("DOSGIVN", _GIVEN, _DOSES, "course", "Doses given in the course."),
    Parameter("DOSHELD", _HELD, _DOSES, "course", "Doses held in the course."),
    Parameter(
        "TOTIU",
        _TOTIU,
        _IU,
        "course",
        "Sum of the cycles' TOTIU; null when one of them is null.",
    ),
    Parameter("TOTIUKG", _TOTIUKG, _IU_KG, "course", f"TOTIU of the course {_PER_KG}."),
    Parameter(
        "NCYCLES",
        "Number of cycles",
        "cycles",
        "course",
        "Cycles of the course with at least one ledger entry (given or held).",
    ),
    # patient level: COURSE and CYCLE null
    Parameter(
        "C1DOSES",
        "Number of doses given in course 1",
        _DOSES,
        "patient",
        'Doses given in course 1: the "total dose" of the 1998 NCI series; 0 without course 1.',
    ),
    Parameter(
        "C1IUKG",
        "Dose given in course 1 per kg baseline weight (IU/kg)",
        _IU_KG,
        "patient",
        f"TOTIU of course 1 {_PER_KG}; 0 without course 1.",
    ),
    Parameter("DOSGIVN", _GIVEN, _DOSES, "patient", "Doses given in all courses."),
    Parameter("DOSHELD", _HELD, _DOSES, "patient", "Doses held in all courses."),
    Parameter(
        "TOTIU",
        _TOTIU,
        _IU,
        "patient",
        "Sum of the courses' TOTIU; null when one of them is null; 0 without doses.",
    ),
    Parameter("TOTIUKG", _TOTIUKG, _IU_KG, "patient", f"TOTIU of the patient {_PER_KG}."),
    Parameter(
        "NCOURSES",
        "Number of courses",
        "courses",
        "patient",
        "Courses with at least one ledger entry (given or held); 0 without doses.",
    ),
)
"""Every ADEX parameter, by level; ``docs/derive.md`` shows the same table."""

_KEYS = ("USUBJID", "COURSE", "CYCLE")
_COLUMNS = (
    "STUDYID",
    "USUBJID",
    "COURSE",
    "CYCLE",
    "PARAMCD",
    "PARAM",
    "AVAL",
    "AVALC",
    "AVALU",
    "ASTDTM",
    "AENDTM",
    "SRCDOM",
)


def _codes(level: str) -> list[str]:
    return [p.paramcd for p in ADEX_PARAMETERS if p.level == level and p.paramcd != "HLDRSN"]


def _sum_or_null(expr: pl.Expr) -> pl.Expr:
    """Sum in an aggregation, null when any value is null (an unknown part is no zero)."""
    return pl.when(expr.null_count() > 0).then(None).otherwise(expr.sum())


def _long(frame: pl.LazyFrame, level: str) -> pl.LazyFrame:
    """Unpivot one level's wide frame (a column per parameter) to one row per parameter."""
    for key in _KEYS:
        if key not in frame.collect_schema():
            frame = frame.with_columns(pl.lit(None, pl.Int64).alias(key))
    return frame.unpivot(
        on=_codes(level),
        index=[*_KEYS, "ASTDTM", "AENDTM"],
        variable_name="PARAMCD",
        value_name="AVAL",
    ).with_columns(
        pl.lit(None, pl.String).alias("AVALC"),
        pl.lit(LEVELS.index(level), pl.Int8).alias("_level"),
    )


def derive_adex(
    doses: pl.DataFrame, patients: pl.DataFrame, max_doses_per_cycle: int, studyid: str = ""
) -> pl.DataFrame:
    """Derive ADEX, the exposure dataset: doses given and held, IU and IU/kg, per unit.

    Rows are BDS-like, one per parameter (see ``ADEX_PARAMETERS``) and unit: cycle (``COURSE``
    and ``CYCLE`` set), course (``CYCLE`` null) and patient (both null). Every patient of
    ``patients`` (or of the ledger) has patient-level rows, zeros when nothing was
    scheduled. ``ASTDTM``/``AENDTM`` are the first and last given dose of the unit.

    Parameters
    ----------
    doses : polars.DataFrame
        The study's dose ledger (``doses`` table).
    patients : polars.DataFrame
        The study's ``patients`` table (``patient_id``, ``weight_kg``).
    max_doses_per_cycle : int
        The regimen's maximum doses per cycle (``Regimen.max_doses_per_cycle``): a cycle that
        gave that many is complete (``CYCCMPL``).
    studyid : str
        ``STUDYID`` of every row.

    Returns
    -------
    polars.DataFrame
        Columns STUDYID, USUBJID, COURSE, CYCLE, PARAMCD, PARAM, AVAL, AVALC, AVALU, ASTDTM,
        AENDTM, SRCDOM; sorted by USUBJID, level (patient, course, cycle), COURSE, CYCLE,
        PARAMCD, AVALC.

    Examples
    --------
    >>> import polars as pl
    >>> from remission.protocol import get_regimen
    >>> from remission.simulate import simulate_study
    >>> study = simulate_study(n_patients=40, seed=1)
    >>> max_doses = get_regimen(study.config.regimen).max_doses_per_cycle
    >>> adex = derive_adex(study.table("doses"), study.table("patients"), max_doses)
    >>> adex.columns[:7]
    ['STUDYID', 'USUBJID', 'COURSE', 'CYCLE', 'PARAMCD', 'PARAM', 'AVAL']
    >>> patient = adex.filter(pl.col("COURSE").is_null())
    >>> patient.filter(pl.col("PARAMCD") == "NCOURSES").height
    40
    >>> patient.filter(pl.col("PARAMCD") == "C1DOSES")["AVAL"].min() > 0
    True
    """
    doses, weights = _ledger(doses, patients)
    cycles = _cycles(doses, weights, max_doses_per_cycle)
    courses = _courses(cycles)
    rows = pl.concat(
        [
            _long(_patients(doses, weights, courses), "patient"),
            _long(courses, "course"),
            _long(cycles, "cycle"),
            _hold_reasons(doses, cycles),
        ],
        how="diagonal",
    )
    labels = {p.paramcd: p.param for p in ADEX_PARAMETERS}
    units = {p.paramcd: p.unit for p in ADEX_PARAMETERS}
    adex = (
        rows.with_columns(
            pl.when(pl.col("PARAMCD") == "CYCCMPL")
            .then(pl.when(pl.col("AVAL") == 1).then(pl.lit("Y")).otherwise(pl.lit("N")))
            .otherwise(pl.col("AVALC"))
            .alias("AVALC"),
            pl.lit(studyid, pl.String).alias("STUDYID"),
            pl.col("PARAMCD").replace_strict(labels, return_dtype=pl.String).alias("PARAM"),
            pl.col("PARAMCD").replace_strict(units, return_dtype=pl.String).alias("AVALU"),
            pl.lit(_DOSES, pl.String).alias("SRCDOM"),
        )
        .sort("USUBJID", "_level", "COURSE", "CYCLE", "PARAMCD", "AVALC")
        .select(_COLUMNS)
    )
    return adex.collect()


def _ledger(doses: pl.DataFrame, patients: pl.DataFrame) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """The dose ledger in ledger order, and each patient's weight (``_kg``)."""
    ledger = (
        doses.lazy()
        .select(
            pl.col("patient_id").alias("USUBJID"),
            pl.col("course").cast(pl.Int64).alias("COURSE"),
            pl.col("cycle").cast(pl.Int64).alias("CYCLE"),
            pl.col("dose_number").cast(pl.Int64).alias("_dose"),
            (pl.col("status") == "given").alias("_given"),
            (pl.col("status") == "held").alias("_held"),
            pl.col("given_at"),
            pl.col("dose_iu").cast(pl.Float64),
            pl.col("hold_reason").cast(pl.String).str.strip_chars().alias("_reason"),
        )
        # ledger order: sums then run in the same order whatever order the rows came in
        .sort(*_KEYS, "_dose")
    )
    weights = patients.lazy().select(
        pl.col("patient_id").alias("USUBJID"), pl.col("weight_kg").cast(pl.Float64).alias("_kg")
    )
    return ledger, weights


def _cycles(doses: pl.LazyFrame, weights: pl.LazyFrame, max_doses: int) -> pl.LazyFrame:
    """One row per cycle: doses given, held and scheduled, IU, IU/kg, completeness."""
    given = pl.col("_given")
    return (
        doses.group_by(_KEYS, maintain_order=True)
        .agg(
            given.sum().cast(pl.Float64).alias("DOSGIVN"),
            pl.col("_held").sum().cast(pl.Float64).alias("DOSHELD"),
            _sum_or_null(pl.col("dose_iu").filter(given)).alias("TOTIU"),
            pl.col("given_at").filter(given).min().alias("ASTDTM"),
            pl.col("given_at").filter(given).max().alias("AENDTM"),
        )
        .join(weights, on="USUBJID", how="left")
        .with_columns(
            (pl.col("DOSGIVN") + pl.col("DOSHELD")).alias("DOSSCHED"),
            (pl.col("TOTIU") / pl.col("_kg")).alias("TOTIUKG"),
            (pl.col("DOSGIVN") >= max_doses).cast(pl.Float64).alias("CYCCMPL"),
        )
    )


def _courses(cycles: pl.LazyFrame) -> pl.LazyFrame:
    """One row per course, from its cycles."""
    return (
        cycles.group_by("USUBJID", "COURSE", maintain_order=True)
        .agg(
            pl.col("DOSGIVN").sum(),
            pl.col("DOSHELD").sum(),
            _sum_or_null(pl.col("TOTIU")).alias("TOTIU"),
            pl.len().cast(pl.Float64).alias("NCYCLES"),
            pl.col("ASTDTM").min(),
            pl.col("AENDTM").max(),
            pl.col("_kg").first(),
        )
        .with_columns((pl.col("TOTIU") / pl.col("_kg")).alias("TOTIUKG"))
    )


def _patients(doses: pl.LazyFrame, weights: pl.LazyFrame, courses: pl.LazyFrame) -> pl.LazyFrame:
    """One row per patient (of the patients table or the ledger), from its courses."""
    course1 = pl.col("COURSE") == 1
    treated = (
        courses.group_by("USUBJID", maintain_order=True)
        .agg(
            pl.col("DOSGIVN").filter(course1).sum().alias("C1DOSES"),
            _sum_or_null(pl.col("TOTIU").filter(course1)).alias("_c1iu"),
            pl.col("DOSGIVN").sum(),
            pl.col("DOSHELD").sum(),
            _sum_or_null(pl.col("TOTIU")).alias("TOTIU"),
            pl.len().cast(pl.Float64).alias("NCOURSES"),
            pl.col("ASTDTM").min(),
            pl.col("AENDTM").max(),
        )
        .with_columns(pl.lit(True).alias("_treated"))
    )
    everyone = pl.concat(
        [weights.select("USUBJID"), doses.select("USUBJID")], how="vertical"
    ).unique()
    counts = ["C1DOSES", "_c1iu", "DOSGIVN", "DOSHELD", "TOTIU", "NCOURSES"]
    return (
        everyone.join(treated, on="USUBJID", how="left")
        .join(weights, on="USUBJID", how="left")
        .with_columns(
            # a patient without ledger entries received nothing: zeros, not unknowns
            pl.when(pl.col("_treated").is_null()).then(0.0).otherwise(pl.col(c)).alias(c)
            for c in counts
        )
        .with_columns(
            (pl.col("_c1iu") / pl.col("_kg")).alias("C1IUKG"),
            (pl.col("TOTIU") / pl.col("_kg")).alias("TOTIUKG"),
        )
    )


def _hold_reasons(doses: pl.LazyFrame, cycles: pl.LazyFrame) -> pl.LazyFrame:
    """HLDRSN rows: held doses per cycle and reason (``NOT_RECORDED`` when blank)."""
    return (
        doses.filter(pl.col("_held"))
        .with_columns(
            pl.when(pl.col("_reason").fill_null("") == "")
            .then(pl.lit(NOT_RECORDED))
            .otherwise(pl.col("_reason"))
            .alias("AVALC")
        )
        .group_by(*_KEYS, "AVALC")
        .agg(pl.len().cast(pl.Float64).alias("AVAL"))
        .join(cycles.select(*_KEYS, "ASTDTM", "AENDTM"), on=list(_KEYS), how="left")
        .with_columns(
            pl.lit("HLDRSN").alias("PARAMCD"),
            pl.lit(LEVELS.index("cycle"), pl.Int8).alias("_level"),
        )
    )
