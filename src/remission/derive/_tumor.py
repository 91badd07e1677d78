"""Tumor burden (ADTR) and time-point responses from lesion measurements.

Vectorised over all patients and independent across them: every step is a join or a
window (``over``) on the patient, never a loop. The rules are those of a
``ResponseCriteria`` (RECIST 1.1 or WHO); ``docs/response.md`` states them in words.
"""

from __future__ import annotations

import polars as pl

from remission._keys import day_key, first_in_group, key_date, key_number
from remission.derive._criteria import ResponseCriteria
from remission.study import Study

_ID = "patient_id"
_INF = float("inf")
EPS = 1e-9
"""Tolerance of every threshold comparison: "at least 30%" must hold for 16.1 mm against
0.7 x 23 mm, which binary floating point computes as 16.099999999999998."""


_SHOWS = ("present", "too_small", "unequivocal_progression")
"""Reading states that show a lesion (not absent, not unevaluated)."""

_BURDEN_COLUMNS = (
    "AVAL",
    "BASE",
    "CHG",
    "PCHG",
    "NADIR",
    "CHGNAD",
    "PCHGNAD",
    "NTARGET",
    "TRGRESP",
    "NTRGRESP",
    "NEWLES",
    "OVRLRESP",
)
"""Per-scan burden and response columns, in order, of ``tumor_assessments`` and ADTR."""


def reference_dates(study: Study) -> pl.DataFrame:
    """Return each patient's reference date (``REFDT``) by the study's reference-date rule.

    Parameters
    ----------
    study : Study
        The study.

    Returns
    -------
    polars.DataFrame
        ``patient_id``, ``REFDT`` (treatment start, or randomisation when ``study.toml`` says
        ``reference_date = "randomization"``).

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> reference_dates(simulate_study(n_patients=20, seed=1)).columns
    ['patient_id', 'REFDT']
    """
    column = (
        "randomized_on" if study.config.reference_date == "randomization" else "treatment_start"
    )
    return study.table("patients").select(_ID, pl.col(column).alias("REFDT"))


def _reading_value(criteria: ResponseCriteria) -> pl.Expr:
    """The burden contribution of one reading (mm or mm^2); null when not evaluable."""
    state = pl.col("state")
    small = criteria.too_small_mm
    if criteria.burden == "sum_of_diameters":
        size = (
            pl.when(pl.col("nodal"))
            .then(pl.coalesce("short_axis_mm", "perpendicular_mm"))
            .otherwise(pl.col("longest_mm"))
        )
        small_value = small
    else:
        size = pl.col("longest_mm") * pl.col("perpendicular_mm")
        small_value = small * small
    return (
        pl.when(state == "absent")
        .then(0.0)
        .when(state == "too_small")
        .then(small_value)
        .when(state.is_in(["present", "unequivocal_progression"]))
        .then(size)
        .otherwise(None)
        .cast(pl.Float64)
    )


def _node_size() -> pl.Expr:
    return (
        pl.when(pl.col("state") == "absent")
        .then(0.0)
        .when(pl.col("state") == "too_small")
        .then(0.0)
        .otherwise(pl.coalesce("short_axis_mm", "perpendicular_mm"))
    )


def select_targets(
    lesions: pl.DataFrame,
    measurements: pl.DataFrame,
    baseline: pl.DataFrame,
    criteria: ResponseCriteria,
) -> pl.DataFrame:
    """Fill ``target`` where it is empty: measurable baseline lesions, largest first.

    RECIST 1.1: at most ``max_targets`` lesions and ``max_targets_per_organ`` per organ;
    measurable means longest diameter >= 10 mm (nodes: short axis >= 15 mm). Lesions with
    ``target`` already set keep it.

    Parameters
    ----------
    lesions, measurements : polars.DataFrame
        The study tables (without ``_row``).
    baseline : polars.DataFrame
        ``patient_id`` and ``baseline_on``.
    criteria : ResponseCriteria
        The selection limits.

    Returns
    -------
    polars.DataFrame
        ``lesions`` with ``target`` filled for every baseline lesion.

    Examples
    --------
    >>> import datetime as dt
    >>> les = pl.DataFrame({"patient_id": ["A", "A"], "lesion_id": ["L1", "L2"],
    ...     "organ": ["lung", "lung"], "nodal": [False, False], "target": [None, None],
    ...     "first_seen_on": [dt.date(2020, 1, 1)] * 2}, schema_overrides={"target": pl.Boolean})
    >>> m = pl.DataFrame({"patient_id": ["A", "A"], "lesion_id": ["L1", "L2"],
    ...     "assessed_on": [dt.date(2020, 1, 1)] * 2, "longest_mm": [25.0, 8.0],
    ...     "short_axis_mm": [None, None], "perpendicular_mm": [20.0, 6.0],
    ...     "state": ["present", "present"]})
    >>> b = pl.DataFrame({"patient_id": ["A"], "baseline_on": [dt.date(2020, 1, 1)]})
    >>> from remission.derive import RECIST_1_1
    >>> select_targets(les, m, b, RECIST_1_1)["target"].to_list()
    [True, False]
    """
    if lesions["target"].null_count() == 0:
        return lesions
    at_base = measurements.join(baseline, on=_ID).filter(
        pl.col("assessed_on") == pl.col("baseline_on")
    )
    size = lesions.join(
        at_base.select(
            _ID, "lesion_id", "longest_mm", "short_axis_mm", "perpendicular_mm", "state"
        ),
        on=[_ID, "lesion_id"],
        how="left",
    ).with_columns(
        pl.when(pl.col("nodal"))
        .then(pl.coalesce("short_axis_mm", "perpendicular_mm"))
        .otherwise(pl.col("longest_mm"))
        .alias("_size")
    )
    measurable = (pl.col("state") == "present") & pl.when(pl.col("nodal")).then(
        pl.col("_size") >= criteria.measurable_node_mm
    ).otherwise(pl.col("_size") >= criteria.measurable_mm)
    ranked = size.with_columns(
        (pl.col("target").is_null() & measurable.fill_null(False)).alias("_cand")
    ).with_columns(
        pl.col("_size")
        .rank("ordinal", descending=True)
        .over(_ID, "organ", "_cand")
        .alias("_in_organ")
    )
    if criteria.max_targets_per_organ is not None:
        ranked = ranked.with_columns(
            pl.col("_cand") & (pl.col("_in_organ") <= criteria.max_targets_per_organ)
        )
    ranked = ranked.with_columns(
        pl.col("_size").rank("ordinal", descending=True).over(_ID, "_cand").alias("_overall")
    )
    pick = pl.col("_cand")
    if criteria.max_targets is not None:
        pick = pick & (pl.col("_overall") <= criteria.max_targets)
    return ranked.with_columns(pl.coalesce("target", pick).alias("target")).select(lesions.columns)


_PID = "_pid"
_LID = "_lid"
_SCAN = "_scan"
_KEY = "_key"


def _reading_key(number: str, date: str) -> pl.Expr:
    """One whole-number key per reading (lesion and day) or scan (patient and day)."""
    return day_key(pl.col(number), pl.col(date))


def _with_prev_min(frame: pl.LazyFrame, col: str, name: str, group: str) -> pl.LazyFrame:
    """Add ``name``: the smallest earlier value of ``col`` within ``group`` (nulls skipped).

    ``frame`` is sorted by ``group`` (a whole number) and time. One window for the running
    minimum, then a plain shift with the group's first row blanked: a window nested in a
    window, or one over text keys, is evaluated group by group by Polars (10-30x slower on
    100,000 patients).
    """
    first = first_in_group(group)
    return (
        frame.with_columns(pl.col(col).fill_null(_INF).cum_min().over(group).alias("_run"))
        .with_columns(pl.when(first).then(None).otherwise(pl.col("_run").shift(1)).alias(name))
        .with_columns(
            pl.when(pl.col(name).is_infinite()).then(None).otherwise(pl.col(name)).alias(name)
        )
        .drop("_run")
    )


def tumor_assessments(study: Study, criteria: ResponseCriteria) -> pl.DataFrame:
    """Tumor burden and the time-point response at every scan of every patient.

    Parameters
    ----------
    study : Study
        A loaded study with ``lesions`` and ``measurements``.
    criteria : ResponseCriteria
        RECIST 1.1 or WHO rules.

    Returns
    -------
    polars.DataFrame
        One row per patient and scan date (baseline included, ``ABLFL = "Y"``): burden
        ``AVAL`` (null when a target was not evaluated), ``BASE``, ``CHG``, ``PCHG``,
        ``NADIR`` (smallest earlier burden), ``CHGNAD``, ``PCHGNAD``, ``NTARGET``,
        ``TRGRESP``, ``NTRGRESP``, ``NEWLES`` and the overall response ``OVRLRESP``.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> from remission.derive import WHO
    >>> ta = tumor_assessments(simulate_study(n_patients=40, seed=2), WHO)
    >>> set(ta["OVRLRESP"].drop_nulls().unique()) <= {"CR", "PR", "SD", "PD", "NE"}
    True
    """
    # Patients and lesions get whole-number keys once (patients numbered in identifier order,
    # lesions in identifier order within the patient, so sorting on the numbers is sorting on
    # the identifiers); every grid, join, window and group-by below runs on those numbers.
    m = study.table("measurements")
    ids = m.lazy().select(_ID).drop_nulls().unique().sort(_ID).with_row_index(_PID).collect()
    # a patient's number is its identifier's position in ``ids``: the code of the identifier
    # as an Enum of them (a lookup, 1.5x faster than joining the identifiers)
    mk = (
        m.lazy()
        .filter(pl.col(_ID).is_not_null())
        .with_columns(pl.col(_ID).cast(pl.Enum(ids[_ID])).to_physical().alias(_PID))
        .collect()
    )
    refdt = ids.join(reference_dates(study), on=_ID, how="left").select(_PID, "REFDT")
    # every scan date of every patient once, in patient and date order: distinct whole-number
    # keys (patient number, then day; one column is 2x faster to make distinct than two),
    # decoded back into the patient number and the date
    scan_key = _reading_key(_PID, "assessed_on")
    patient = key_number(pl.col(_KEY)).cast(pl.UInt32)
    scans_all = (
        mk.lazy()
        .select(scan_key.alias(_KEY))
        .drop_nulls()
        .unique()
        .sort(_KEY)
        .select(
            patient.alias(_PID),
            key_date(pl.col(_KEY)).alias("assessed_on"),
        )
        .collect()
        .lazy()
    )
    baseline = (
        scans_all.join(refdt.lazy(), on=_PID, how="left")
        .group_by(_PID)
        .agg(
            pl.col("assessed_on")
            .filter(pl.col("assessed_on") <= pl.col("REFDT"))
            .max()
            .alias("_b1"),
            pl.col("assessed_on").min().alias("_b0"),
        )
        .select(_PID, pl.coalesce("_b1", "_b0").alias("baseline_on"))
        .collect()
    )
    lesions = study.table("lesions")
    if lesions["target"].null_count():
        named = baseline.join(ids, on=_PID).select(_ID, "baseline_on")
        lesions = select_targets(lesions, m, named, criteria)
    # A lesion's whole-number name: patient number, then the rank of its identifier among all
    # lesion identifiers (an Enum's code), so that its order is the identifiers' order; it
    # sorts the lesions and finds each reading's lesion without joining on text.
    lesion_names = lesions["lesion_id"].drop_nulls().unique().sort()
    lesion_name = pl.col(_PID).cast(pl.Int64) * len(lesion_names) + pl.col("lesion_id").cast(
        pl.Enum(lesion_names), strict=False
    ).to_physical().cast(pl.Int64)
    lesions = (
        lesions.lazy()
        .join(ids.lazy(), on=_ID, how="inner")
        .join(baseline.lazy(), on=_PID, how="inner")
        .with_columns(lesion_name.alias("_name"))
        .sort("_name")
        .with_row_index(_LID)
        .with_columns((pl.col("first_seen_on") > pl.col("baseline_on")).alias("_new"))
        .collect()
    )
    readings = (
        mk.lazy()
        .with_columns(lesion_name.alias("_name"))
        .join(lesions.lazy().select("_name", _LID, "nodal"), on="_name")
        .select(
            _reading_key(_LID, "assessed_on").alias(_KEY),
            _reading_value(criteria).alias("_v"),
            _node_size().alias("_node"),
            "state",
        )
        # sorted by key (once, for the three grids below): a left join of two frames both
        # sorted on the key is a merge, not a hash join that must restore the left order
        .sort(_KEY)
        .collect()
    )
    scans = (
        scans_all.join(baseline.lazy(), on=_PID, maintain_order="left")
        .filter(pl.col("assessed_on") >= pl.col("baseline_on"))
        .with_row_index(_SCAN)
        .collect()
    )
    scan_dates = scans.lazy().select(_PID, _SCAN, "assessed_on")

    def grid(selected: pl.Expr, *columns: str) -> pl.LazyFrame:
        """Every selected lesion at every scan of its patient, with the reading if any; in
        lesion order, then date order (lesions and scans are sorted so).

        That order is the order of the reading key (lesion number, then day), so the key is
        marked sorted: with ``readings`` sorted too, the join is a merge (5x faster here than
        a hash join keeping the left order). Polars honours the mark only on a materialised
        column, hence the ``collect`` before the join.
        """
        cells = (
            lesions.lazy()
            .filter(selected)
            .select(_PID, _LID, *columns)
            .join(scan_dates, on=_PID, maintain_order="left_right")
            .with_columns(_reading_key(_LID, "assessed_on").alias(_KEY))
            .collect()
            .with_columns(pl.col(_KEY).set_sorted())
        )
        return cells.lazy().join(readings.lazy(), on=_KEY, how="left", maintain_order="left")

    # --- targets: every baseline target at every scan (a missing reading is not evaluated);
    # in lesion and date order, which within a scan keeps the lesions in identifier order
    tgrid = grid(pl.col("target") & ~pl.col("_new"), "nodal")
    if criteria.lesion_pd_fraction is not None:  # only WHO looks at each lesion's own nadir
        tgrid = _with_prev_min(tgrid, "_v", "_lesion_nadir", _LID)
    if criteria.node_normal_mm is not None:
        gone = (
            pl.when(pl.col("nodal"))
            .then(pl.col("_node") < criteria.node_normal_mm)
            .otherwise(pl.col("_v") == 0)
        )
    else:
        gone = pl.col("_v") == 0
    # a target showing disease (RECIST: a node at or above the normal short axis; any other
    # lesion present): after a complete response, that disease has reappeared
    shows = pl.col("state").is_in(_SHOWS)
    lesion_pd = pl.lit(False)
    if criteria.lesion_pd_fraction is not None:
        nad = pl.col("_lesion_nadir")
        lesion_pd = ((nad > 0) & (pl.col("_v") >= criteria.lesion_pd_fraction * nad - EPS)) | (
            (nad == 0) & (pl.col("_v") > 0)
        )
    # an eager group-by on purpose: it sums floats with Kahan summation in row order (here,
    # lesion order), as it always has; the lazy engine's partitioned group-by sums plainly,
    # which can differ in the last bit
    tsum = (
        tgrid.collect()
        .group_by(_SCAN)
        .agg(
            pl.len().alias("NTARGET"),
            pl.col("_v").null_count().alias("_missing"),
            pl.col("_v").sum().alias("_sum_eval"),
            gone.fill_null(False).all().alias("_all_gone"),
            lesion_pd.fill_null(False).any().alias("_lesion_pd"),
            (shows & ~gone).fill_null(False).any().alias("_t_disease"),
        )
        .sort(_SCAN)
        .lazy()
    )

    # --- non-targets at every scan
    normal = pl.col("state") == "absent"
    # a non-target showing disease; RECIST: a nodal non-target reappears only by unequivocal
    # progression (EORTC RECIST FAQ "Abnormal lymph node"), which is PD anyway
    nt_disease = shows
    if criteria.node_normal_mm is not None:
        normal = normal | (pl.col("nodal") & (pl.col("_node") < criteria.node_normal_mm))
        nt_disease = shows & ~pl.col("nodal")
    nsum = (
        grid(~pl.col("target") & ~pl.col("_new"), "nodal")
        .group_by(_SCAN)
        .agg(
            (pl.col("state") == "unequivocal_progression").any().alias("_nt_pd"),
            (pl.col("state").is_null() | (pl.col("state") == "not_evaluated"))
            .any()
            .alias("_nt_ne"),
            normal.fill_null(False).all().alias("_nt_cr"),
            nt_disease.fill_null(False).any().alias("_nt_disease"),
        )
        .select(
            _SCAN,
            "_nt_disease",
            pl.when("_nt_pd")
            .then(pl.lit("PD"))
            .when("_nt_ne")
            .then(pl.lit("NE"))
            .when("_nt_cr")
            .then(pl.lit("CR"))
            .otherwise(pl.lit("NON-CR/NON-PD"))
            .alias("NTRGRESP"),
        )
        .sort(_SCAN)
        .collect()
        .lazy()
    )

    # --- new lesions: first seen after baseline, present at the scan
    new_at = (
        grid(pl.col("_new"), "first_seen_on")
        .filter(
            (pl.col("assessed_on") == pl.col("first_seen_on"))
            | (
                (pl.col("assessed_on") > pl.col("first_seen_on"))
                & pl.col("state").is_in(["present", "too_small", "unequivocal_progression"])
            )
        )
        .select(_SCAN)
        .unique()
        .sort(_SCAN)
        .with_columns(pl.lit(True).alias("_new_present"))
        .collect()
        .lazy()
    )

    # the per-scan results above are materialised sorted by scan number, as ``scans`` is:
    # joins of frames sorted on the key are merges (a hash join keeping the left order costs
    # several times more)
    out = (
        scans.lazy()
        .join(tsum, on=_SCAN, how="left", maintain_order="left")
        .join(nsum, on=_SCAN, how="left", maintain_order="left")
        .join(new_at, on=_SCAN, how="left", maintain_order="left")
    )
    is_base = pl.col("assessed_on") == pl.col("baseline_on")
    out = out.with_columns(
        pl.when(pl.col("_missing") == 0).then(pl.col("_sum_eval")).alias("AVAL"),
        pl.col("_new_present").fill_null(False).alias("_new_present"),
        pl.col("NTARGET").fill_null(0),
    )
    # a patient's first scan is its baseline (earlier ones were dropped): BASE is the AVAL of
    # the patient's first row, taken by position rather than by a join on the patient
    start = pl.when(first_in_group(_PID)).then(pl.int_range(pl.len())).forward_fill()
    # materialised here, and the rest computed eagerly on whole columns: the streaming engine
    # may cut a frame into one-row pieces, and a one-row divisor is divided by as a scalar
    # (times its reciprocal), which can differ in the last bit
    out = _with_prev_min(
        out.with_columns(pl.col("AVAL").gather(start).alias("BASE")), "AVAL", "NADIR", _PID
    ).collect()
    nadir = pl.col("NADIR")
    s = pl.col("_sum_eval")
    sum_pd = (
        nadir.is_not_null()
        & (s > nadir + EPS)
        & (s >= criteria.pd_fraction * nadir - EPS)
        & ((s - nadir) >= criteria.pd_absolute_mm - EPS)
    )
    if criteria.lesion_pd_fraction is not None:  # WHO: growth from 0 is the reappearance rule
        sum_pd = sum_pd & (nadir > 0)
    target = (
        pl.when(pl.col("NTARGET") == 0)
        .then(None)
        .when(sum_pd.fill_null(False) | pl.col("_lesion_pd"))
        .then(pl.lit("PD"))
        .when(pl.col("_missing") > 0)
        .then(pl.lit("NE"))
        .when(pl.col("_all_gone"))
        .then(pl.lit("CR"))
        .when(pl.col("BASE").is_null())
        .then(pl.lit("NE"))
        .when(pl.col("AVAL") <= criteria.pr_fraction * pl.col("BASE") + EPS)
        .then(pl.lit("PR"))
        .otherwise(pl.lit("SD"))
    )
    out = out.with_columns(pl.when(~is_base).then(target).alias("TRGRESP"))
    t, nt = pl.col("TRGRESP"), pl.col("NTRGRESP")
    overall = (
        pl.when(pl.col("_new_present") | (nt == "PD") | (t == "PD"))
        .then(pl.lit("PD"))
        .when(t.is_null() & (nt == "CR"))
        .then(pl.lit("CR"))
        .when(t.is_null() & (nt == "NON-CR/NON-PD"))
        .then(pl.lit("NON-CR/NON-PD"))
        .when(t.is_null())
        .then(pl.lit("NE"))
        .when((t == "CR") & (nt.is_null() | (nt == "CR")))
        .then(pl.lit("CR"))
        .when(t == "CR")
        .then(pl.lit("PR"))
        .otherwise(t)
    )
    out = out.with_columns(pl.when(~is_base).then(overall).alias("OVRLRESP"))
    # After a complete response, any disease seen again is progression (RECIST 1.1, Table 3
    # note a; WHO: CR is the disappearance of all known disease, so disease seen after it is
    # recurrence): a target or non-target showing disease after an earlier overall CR makes
    # its component, and so the time point, PD. A CR scan shows no disease, so the rule never
    # changes a CR and the earlier CRs are counted on the responses before it. Counted
    # without a window: CRs before each row, minus those before the patient's first row.
    is_cr = (pl.col("OVRLRESP") == "CR").fill_null(False).cast(pl.UInt32)
    before = is_cr.cum_sum() - is_cr
    after_cr = (before - before.gather(start)) > 0
    t_after = after_cr & pl.col("_t_disease").fill_null(False)
    nt_after = after_cr & pl.col("_nt_disease").fill_null(False)
    out = out.with_columns(
        pl.when(t_after).then(pl.lit("PD")).otherwise(t).alias("TRGRESP"),
        pl.when(nt_after).then(pl.lit("PD")).otherwise(nt).alias("NTRGRESP"),
        pl.when(t_after | nt_after).then(pl.lit("PD")).otherwise("OVRLRESP").alias("OVRLRESP"),
    )
    base = pl.col("BASE")
    out = out.with_columns(
        pl.when(is_base).then(pl.lit("Y")).alias("ABLFL"),
        pl.when(pl.col("_new_present")).then(pl.lit("Y")).otherwise(pl.lit("N")).alias("NEWLES"),
        (pl.col("AVAL") - base).alias("CHG"),
        pl.when(base > 0).then((pl.col("AVAL") - base) / base * 100).alias("PCHG"),
        (pl.col("AVAL") - nadir).alias("CHGNAD"),
        pl.when(nadir > 0).then((pl.col("AVAL") - nadir) / nadir * 100).alias("PCHGNAD"),
    )
    # patient numbers back to identifiers by position (``ids`` is numbered 0, 1, 2, ...)
    return out.select(
        ids[_ID].gather(out[_PID]).alias("USUBJID"),
        pl.col("assessed_on").alias("ADT"),
        "ABLFL",
        *_BURDEN_COLUMNS,
    )


def derive_adtr(
    study: Study, criteria: ResponseCriteria, assessments: pl.DataFrame | None = None
) -> pl.DataFrame:
    """ADTR: the tumor-burden dataset, one row per patient and scan.

    Parameters
    ----------
    study : Study
        A loaded study.
    criteria : ResponseCriteria
        The response criteria (burden: sum of diameters or sum of products).
    assessments : polars.DataFrame, optional
        ``tumor_assessments(study, criteria)`` when already computed.

    Returns
    -------
    polars.DataFrame
        ``STUDYID``, ``USUBJID``, ``PARAMCD`` (``SDIAM`` or ``SPD``), ``PARAM``, ``AVALU``,
        ``ADT`` and the columns of ``tumor_assessments``, plus ``ANL01FL`` (every target
        evaluated) and ``CRIT`` (the criteria's name).

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> from remission.derive import WHO
    >>> adtr = derive_adtr(simulate_study(n_patients=40, seed=2), WHO)
    >>> adtr["PARAMCD"].unique().to_list(), adtr["AVALU"][0]
    (['SPD'], 'mm2')
    """
    ta = assessments if assessments is not None else tumor_assessments(study, criteria)
    if criteria.burden == "sum_of_diameters":
        param, unit = "Sum of Diameters of Target Lesions", "mm"
    else:
        param, unit = "Sum of Products of Perpendicular Diameters of Target Lesions", "mm2"
    return ta.with_columns(
        pl.lit(study.config.name).alias("STUDYID"),
        pl.lit(criteria.paramcd).alias("PARAMCD"),
        pl.lit(param).alias("PARAM"),
        pl.lit(unit).alias("AVALU"),
        pl.when(pl.col("AVAL").is_not_null()).then(pl.lit("Y")).alias("ANL01FL"),
        pl.lit(criteria.name).alias("CRIT"),
    ).select(
        "STUDYID",
        "USUBJID",
        "PARAMCD",
        "PARAM",
        "AVALU",
        "ADT",
        "ABLFL",
        "ANL01FL",
        *_BURDEN_COLUMNS,
        "CRIT",
    )
