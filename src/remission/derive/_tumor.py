"""Tumor burden (ADTR) and time-point responses from lesion measurements: the rules.

Each rule of RECIST 1.1 (Eisenhauer 2009: target, non-target and new lesions, Tables 1 to 3)
and of WHO (Miller 1981) is stated once below, with its source: what one reading is worth, when
a lesion is gone, has progressed or shows disease, and the ordered ``Rule`` lists that give the
target, non-target and overall response of a time point. ``tumor_assessments`` applies them to
every lesion at every scan, laid out by ``_grid.py``; the thresholds are those of a
``ResponseCriteria``. ``docs/response.md`` states the rules in words, with the tests that pin
each interpretation. Vectorised over all patients and independent across them: every step is a
join, a group-by or a window on whole-number keys, never a loop.
"""

from __future__ import annotations

import warnings

import polars as pl

from remission.derive._criteria import ResponseCriteria
from remission.derive._grid import (
    LID,
    PID,
    LesionGrid,
    Scans,
    earlier_in_patient,
    first_of_patient,
    with_prev_min,
)
from remission.derive._rule import FirstMatch, Rule

_ID = "patient_id"
EPS = 1e-9
"""Tolerance of every threshold comparison: "at least 30%" must hold for 16.1 mm against
0.7 x 23 mm, which binary floating point computes as 16.099999999999998."""

RECIST = "RECIST 1.1 (Eisenhauer EA et al. Eur J Cancer 2009;45:228-47)"
WHO_1981 = "WHO (Miller AB et al. Cancer 1981;47:207-14)"
FAQ = "EORTC RECIST working group, RECIST FAQ (recist.eortc.org)"

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


REFERENCE_DATE_COLUMN = {"treatment_start": "treatment_start", "randomization": "randomized_on"}
"""The patients column holding the reference date, by ``study.toml``'s ``reference_date``
rule: the start of treatment (single-arm series) or randomisation (trials; RECIST 1.1 and
admiralonco count SD windows and time-to-event endpoints from it)."""


def reference_dates(patients: pl.DataFrame, rule: str = "treatment_start") -> pl.DataFrame:
    """Return each patient's reference date (``REFDT``) by a reference-date rule.

    Parameters
    ----------
    patients : polars.DataFrame
        The study's ``patients`` table (``patient_id`` and the rule's column).
    rule : {"treatment_start", "randomization"}
        ``study.toml``'s ``reference_date``: the start of treatment, or randomisation
        (``REFERENCE_DATE_COLUMN``).

    Returns
    -------
    polars.DataFrame
        ``patient_id``, ``REFDT``.

    Examples
    --------
    >>> import datetime as dt
    >>> p = pl.DataFrame({"patient_id": ["A"], "treatment_start": [dt.date(2020, 1, 6)],
    ...                   "randomized_on": [dt.date(2020, 1, 2)]})
    >>> reference_dates(p, "randomization")["REFDT"].to_list()
    [datetime.date(2020, 1, 2)]
    """
    return patients.select(_ID, pl.col(REFERENCE_DATE_COLUMN[rule]).alias("REFDT"))


# ------------------------------------------------------------------ baseline and new lesions

BASELINE = pl.coalesce(
    pl.col("assessed_on").filter(pl.col("assessed_on") <= pl.col("REFDT")).max(),
    pl.col("assessed_on").min(),
)
"""A patient's baseline scan date, aggregated over its scan dates (``assessed_on``) and its
reference date (``REFDT``): the last scan on or before the reference date, else the first scan
(RECIST 1.1, "Baseline documentation": as close as possible to, and before, the start of
treatment)."""

NEW_LESION = pl.col("first_seen_on") > pl.col("baseline_on")
"""A lesion first seen after the baseline scan is a new lesion (RECIST 1.1, "New lesions")."""

NEW_LESION_SEEN = (pl.col("assessed_on") == pl.col("first_seen_on")) | (
    (pl.col("assessed_on") > pl.col("first_seen_on"))
    & pl.col("state").is_in(["present", "too_small", "unequivocal_progression"])
)
"""A new lesion counts at a scan on the day it is first seen, and later while it is present
or too small (a new lesion that has disappeared no longer counts)."""


# ------------------------------------------------------------------ one reading of one lesion


def reading_value(criteria: ResponseCriteria) -> pl.Expr:
    """The burden contribution of one reading (mm or mm^2); null when not evaluable.

    RECIST 1.1 ("Evaluation of target lesions" and its special notes): the longest diameter,
    the short axis for a node; absent = 0, too small to measure = 5 mm. WHO: the product of
    the longest and the greatest perpendicular diameters; too small = 5 x 5 mm.

    Parameters
    ----------
    criteria : ResponseCriteria
        The burden (``burden``) and the value of a too-small lesion (``too_small_mm``).

    Returns
    -------
    polars.Expr
        Over a reading's ``state``, ``nodal`` and diameters: a Float64.

    Examples
    --------
    >>> from remission.derive import WHO
    >>> f = pl.DataFrame({"state": ["too_small"], "nodal": [False], "longest_mm": [None],
    ...                   "perpendicular_mm": [None], "short_axis_mm": [None]})
    >>> f.select(reading_value(WHO).alias("v"))["v"].to_list()
    [25.0]
    """
    state = pl.col("state")
    small = criteria.too_small_mm
    if criteria.burden == "sum_of_diameters":
        size = pl.when(pl.col("nodal")).then(_short_axis()).otherwise(pl.col("longest_mm"))
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


def _short_axis() -> pl.Expr:
    """A node's short axis; when it was not recorded, its perpendicular diameter (warned
    about by ``warn_missing_short_axis``)."""
    return pl.coalesce("short_axis_mm", "perpendicular_mm")


def node_size() -> pl.Expr:
    """A node's short axis in a reading: 0 when absent or too small to measure.

    Returns
    -------
    polars.Expr
        Over a reading's ``state``, ``short_axis_mm`` and ``perpendicular_mm``.

    Examples
    --------
    >>> f = pl.DataFrame({"state": ["present", "too_small"], "short_axis_mm": [12.0, 3.0],
    ...                   "perpendicular_mm": [14.0, 4.0]})
    >>> f.select(node_size().alias("n"))["n"].to_list()
    [12.0, 0.0]
    """
    state = pl.col("state")
    return pl.when(state.is_in(["absent", "too_small"])).then(0.0).otherwise(_short_axis())


def target_gone(criteria: ResponseCriteria) -> pl.Expr:
    """A target reading that counts as gone (its part of a CR).

    Absent; RECIST: a node below ``node_normal_mm`` short axis (RECIST 1.1, "Evaluation of
    target lesions": CR).

    Parameters
    ----------
    criteria : ResponseCriteria
        Whether nodes are normal below a short axis (``node_normal_mm``).

    Returns
    -------
    polars.Expr
        Over a target's reading value ``_v``, ``nodal`` and node size ``_node``.

    Examples
    --------
    >>> from remission.derive import RECIST_1_1
    >>> f = pl.DataFrame({"_v": [8.0, 0.0, 12.0], "nodal": [True, False, True],
    ...                   "_node": [8.0, 0.0, 12.0]})
    >>> f.select(target_gone(RECIST_1_1).alias("g"))["g"].to_list()
    [True, True, False]
    """
    if criteria.node_normal_mm is None:
        return pl.col("_v") == 0
    return (
        pl.when(pl.col("nodal"))
        .then(pl.col("_node") < criteria.node_normal_mm)
        .otherwise(pl.col("_v") == 0)
    )


def lesion_progressed(criteria: ResponseCriteria) -> pl.Expr:
    """WHO: one target has progressed on its own (False under RECIST).

    At ``lesion_pd_fraction`` of its own smallest earlier value (its nadir, ``_lesion_nadir``),
    or present again after being absent (Miller 1981: PD is a 25% increase in one or more
    lesions).

    Parameters
    ----------
    criteria : ResponseCriteria
        The single-lesion PD fraction (``lesion_pd_fraction``, WHO's 125%).

    Returns
    -------
    polars.Expr
        Over a target's reading value ``_v`` and ``_lesion_nadir``.

    Examples
    --------
    >>> from remission.derive import WHO
    >>> f = pl.DataFrame({"_v": [125.0, 124.0, 30.0], "_lesion_nadir": [100.0, 100.0, 0.0]})
    >>> f.select(lesion_progressed(WHO).alias("pd"))["pd"].to_list()
    [True, False, True]
    """
    if criteria.lesion_pd_fraction is None:
        return pl.lit(False)
    nadir, v = pl.col("_lesion_nadir"), pl.col("_v")
    return ((nadir > 0) & (v >= criteria.lesion_pd_fraction * nadir - EPS)) | (
        (nadir == 0) & (v > 0)
    )


def target_shows_disease(criteria: ResponseCriteria) -> pl.Expr:
    """A target reading that shows disease: evaluated and not gone.

    RECIST: a node shows disease again at ``node_normal_mm`` short axis or more (EORTC RECIST
    FAQ "Abnormal lymph node"). Evaluated (a burden value ``_v``) means present, too small,
    unequivocally progressing or absent, and an absent lesion is gone.

    Parameters
    ----------
    criteria : ResponseCriteria
        As for ``target_gone``.

    Returns
    -------
    polars.Expr
        Over ``_v``, ``nodal`` and ``_node``; False for a reading not evaluated.

    Examples
    --------
    >>> from remission.derive import RECIST_1_1
    >>> f = pl.DataFrame({"_v": [8.0, 10.0, None], "nodal": [True, True, False],
    ...                   "_node": [8.0, 10.0, None]})
    >>> f.select(target_shows_disease(RECIST_1_1).alias("d"))["d"].to_list()
    [False, True, False]
    """
    return _shows(target_gone(criteria))


def _shows(gone: pl.Expr) -> pl.Expr:
    return pl.col("_v").is_not_null() & ~gone


def nontarget_normal(criteria: ResponseCriteria) -> pl.Expr:
    """A non-target reading that counts as normal (its part of a CR).

    Absent; RECIST: a node below ``node_normal_mm`` short axis (RECIST 1.1, "Evaluation of
    non-target lesions").

    Parameters
    ----------
    criteria : ResponseCriteria
        As for ``target_gone``.

    Returns
    -------
    polars.Expr
        Over a reading's ``state``, ``nodal`` and node size ``_node``.

    Examples
    --------
    >>> from remission.derive import RECIST_1_1
    >>> f = pl.DataFrame({"state": ["absent", "present", "present"],
    ...                   "nodal": [False, True, False], "_node": [None, 7.0, None]})
    >>> f.select(nontarget_normal(RECIST_1_1).alias("n"))["n"].to_list()
    [True, True, False]
    """
    normal = pl.col("state") == "absent"
    if criteria.node_normal_mm is not None:
        normal = normal | (pl.col("nodal") & (pl.col("_node") < criteria.node_normal_mm))
    return normal


def nontarget_shows_disease(criteria: ResponseCriteria) -> pl.Expr:
    """A non-target reading that shows disease: present or too small.

    RECIST: not a node, as a nodal non-target has reappeared only when it progresses
    unequivocally (EORTC RECIST FAQ "Abnormal lymph node"), which is PD anyway.

    Parameters
    ----------
    criteria : ResponseCriteria
        Whether nodes are read by their short axis (``node_normal_mm``).

    Returns
    -------
    polars.Expr
        Over a reading's ``state`` and ``nodal``.

    Examples
    --------
    >>> from remission.derive import RECIST_1_1, WHO
    >>> f = pl.DataFrame({"state": ["present", "present", "absent"],
    ...                   "nodal": [False, True, False]})
    >>> [f.select(nontarget_shows_disease(c).alias("d"))["d"].to_list() for c in (RECIST_1_1, WHO)]
    [[True, False, False], [True, True, False]]
    """
    shows = pl.col("state").is_in(_SHOWS)
    return shows & ~pl.col("nodal") if criteria.node_normal_mm is not None else shows


# ------------------------------------------------------------------ one scan


def _target_summary(criteria: ResponseCriteria) -> tuple[pl.Expr, ...]:
    """Per scan, over its targets (``_gone``: ``target_gone``): how many, how many not
    evaluated, the evaluated sum, and whether every target is gone, one has progressed, one
    shows disease (``target_shows_disease``)."""
    return (
        pl.len().alias("NTARGET"),
        pl.col("_v").null_count().alias("_missing"),
        pl.col("_v").sum().alias("_sum_eval"),
        pl.col("_gone").fill_null(False).all().alias("_all_gone"),
        lesion_progressed(criteria).fill_null(False).any().alias("_lesion_pd"),
        _shows(pl.col("_gone")).fill_null(False).any().alias("_t_disease"),
    )


def _nontarget_summary(criteria: ResponseCriteria) -> tuple[pl.Expr, ...]:
    """Per scan, over its non-targets: unequivocal progression, one not evaluated, all normal,
    one shows disease."""
    state = pl.col("state")
    return (
        (state == "unequivocal_progression").any().alias("_nt_pd"),
        (state.is_null() | (state == "not_evaluated")).any().alias("_nt_ne"),
        nontarget_normal(criteria).fill_null(False).all().alias("_nt_cr"),
        nontarget_shows_disease(criteria).fill_null(False).any().alias("_nt_disease"),
    )


BURDEN = pl.when(pl.col("_missing") == 0).then(pl.col("_sum_eval"))
"""The burden of a scan (ADTR ``AVAL``): the sum over its targets when every target was
evaluated; null otherwise (RECIST 1.1, "Missing assessments and inevaluable designation")."""


def target_response(criteria: ResponseCriteria) -> FirstMatch:
    """The target response of a scan (``TRGRESP``), first rule that holds.

    Over the scan's ``_sum_eval`` (evaluated targets), ``NADIR`` (the smallest earlier fully
    evaluated burden, baseline included), ``BASE``, ``AVAL``, ``_missing``, ``_all_gone`` and
    ``_lesion_pd``.

    Parameters
    ----------
    criteria : ResponseCriteria
        The PR and PD thresholds, the node rule and WHO's single-lesion rule.

    Returns
    -------
    FirstMatch
        The rules, in order of precedence.

    Examples
    --------
    >>> from remission.derive import RECIST_1_1
    >>> target_response(RECIST_1_1).values()
    ['PD', 'NE', 'CR', 'NE', 'PR', 'SD']
    """
    c = criteria
    nadir, s = pl.col("NADIR"), pl.col("_sum_eval")
    sum_pd = (
        nadir.is_not_null()
        & (s > nadir + EPS)
        & (s >= c.pd_fraction * nadir - EPS)
        & ((s - nadir) >= c.pd_absolute_mm - EPS)
    )
    pd_words = f"the burden at least {c.pd_fraction:.0%} of its nadir"
    if c.pd_absolute_mm:
        pd_words += f" and at least {c.pd_absolute_mm:g} mm above it"
    source = RECIST if c.lesion_pd_fraction is None else WHO_1981
    if c.lesion_pd_fraction is not None:  # WHO: growth from 0 is the reappearance rule
        sum_pd = sum_pd & (nadir > 0)
        pd_words += (
            f" (a nadir above 0), or one target at least {c.lesion_pd_fraction:.0%} of its "
            "own smallest value, or present again after being absent"
        )
    gone = "absent" + (
        f" (nodes: short axis below {c.node_normal_mm:g} mm)" if c.node_normal_mm else ""
    )
    return FirstMatch(
        "TRGRESP",
        (
            Rule("PD", sum_pd.fill_null(False) | pl.col("_lesion_pd"), pd_words, source),
            Rule("NE", pl.col("_missing") > 0, "a target not evaluated, no PD evident", source),
            Rule("CR", pl.col("_all_gone"), f"every target {gone}", source),
            Rule("NE", pl.col("BASE").is_null(), "no evaluable baseline burden", source),
            Rule(
                "PR",
                pl.col("AVAL") <= c.pr_fraction * pl.col("BASE") + EPS,
                f"the burden at most {c.pr_fraction:.0%} of baseline",
                source,
            ),
            Rule("SD", pl.lit(True), "neither PR nor PD", source),
        ),
        f"Target response by {c.title}",
    )


def nontarget_response(criteria: ResponseCriteria) -> FirstMatch:
    """The non-target response of a scan (``NTRGRESP``), first rule that holds.

    Over the scan's non-target summaries: ``_nt_pd`` (unequivocal progression), ``_nt_ne``
    (one not evaluated) and ``_nt_cr`` (all normal, ``nontarget_normal``).

    Parameters
    ----------
    criteria : ResponseCriteria
        The node rule (``node_normal_mm``) and the source cited.

    Returns
    -------
    FirstMatch
        The rules, in order of precedence.

    Examples
    --------
    >>> from remission.derive import WHO
    >>> nontarget_response(WHO).values()
    ['PD', 'NE', 'CR', 'NON-CR/NON-PD']
    """
    c = criteria
    source = RECIST if c.node_normal_mm is not None else WHO_1981
    normal = "absent" + (
        f" (nodes: short axis below {c.node_normal_mm:g} mm)" if c.node_normal_mm else ""
    )
    return FirstMatch(
        "NTRGRESP",
        (
            Rule("PD", pl.col("_nt_pd"), "unequivocal progression of a non-target", source),
            Rule("NE", pl.col("_nt_ne"), "a non-target not evaluated", source),
            Rule("CR", pl.col("_nt_cr"), f"every non-target {normal}", source),
            Rule("NON-CR/NON-PD", pl.lit(True), "a non-target persists", source),
        ),
        f"Non-target response by {c.title}",
    )


_T, _NT = pl.col("TRGRESP"), pl.col("NTRGRESP")

OVERALL_RESPONSE = FirstMatch(
    "OVRLRESP",
    (
        Rule(
            "PD",
            pl.col("_new_present") | (_NT == "PD") | (_T == "PD"),
            "a new lesion, or target or non-target PD",
            f"{RECIST}, Table 1 rows 7-9 and Table 2 rows 4-5; {WHO_1981}",
        ),
        Rule("CR", _T.is_null() & (_NT == "CR"), "no targets, non-target CR", "Table 2 row 1"),
        Rule(
            "NON-CR/NON-PD",
            _T.is_null() & (_NT == "NON-CR/NON-PD"),
            "no targets, non-target NON-CR/NON-PD",
            "Table 2 row 2",
        ),
        Rule("NE", _T.is_null(), "no targets, non-targets not evaluated", "Table 2 row 3"),
        Rule(
            "CR",
            (_T == "CR") & (_NT.is_null() | (_NT == "CR")),
            "target CR with non-target CR or no non-targets",
            "Table 1 row 1",
        ),
        Rule("PR", _T == "CR", "target CR, non-target NON-CR/NON-PD or NE", "Table 1 rows 2-3"),
        Rule("PR", _T == "PR", "target PR", "Table 1 row 4"),
        Rule("SD", _T == "SD", "target SD", "Table 1 row 5"),
        Rule("NE", _T == "NE", "targets not all evaluated", "Table 1 row 6"),
    ),
    "Overall time-point response from the target and non-target responses and new lesions "
    "(RECIST 1.1 Tables 1 and 2; WHO alike)",
)
"""The overall response of a scan (``OVRLRESP``): RECIST 1.1 Tables 1 and 2 (WHO alike)."""

DISEASE_AFTER_CR = (
    "after an overall CR at an earlier time point, any disease seen again is PD, even disease "
    "meeting PR criteria"
)
"""The rule of ``TARGET_AFTER_CR`` and ``NONTARGET_AFTER_CR`` in words."""
TARGET_AFTER_CR = Rule(
    "PD",
    pl.col("_after_cr") & pl.col("_t_disease"),
    f"{DISEASE_AFTER_CR}: a target shows disease again",
    f"{RECIST}, Table 3 note a; {FAQ} 'Does a new lesion always result in PD?'; for WHO, CR is "
    "the disappearance of all known disease (Miller 1981)",
)
"""A target showing disease after an overall CR makes the target response PD."""

NONTARGET_AFTER_CR = Rule(
    "PD",
    pl.col("_after_cr") & pl.col("_nt_disease"),
    f"{DISEASE_AFTER_CR}: a non-target shows disease again",
    TARGET_AFTER_CR.source,
)
"""A non-target showing disease after an overall CR makes the non-target response PD."""


def _time_point(out: pl.DataFrame, criteria: ResponseCriteria) -> pl.DataFrame:
    """Apply the time-point rules to the scans (baseline scans get no target or overall
    response); then the rules of disease after a CR, whose PD is an overall PD (Table 1 rows 7
    and 8)."""
    post = pl.col("assessed_on") != pl.col("baseline_on")
    target = pl.when(pl.col("NTARGET") == 0).then(None).otherwise(target_response(criteria).value())
    nontarget = pl.when(pl.col("_nt_cr").is_not_null()).then(nontarget_response(criteria).value())
    overall = pl.when(post).then(OVERALL_RESPONSE.value()).alias("OVRLRESP")
    out = out.with_columns(pl.when(post).then(target).alias("TRGRESP"), nontarget.alias("NTRGRESP"))
    out = out.with_columns(overall)
    # A CR scan shows no disease, so these rules never change a CR: the CRs counted here
    # are final.
    out = out.with_columns(earlier_in_patient(pl.col("OVRLRESP") == "CR").alias("_after_cr"))
    after = ((TARGET_AFTER_CR, "TRGRESP"), (NONTARGET_AFTER_CR, "NTRGRESP"))
    return out.with_columns(
        *(
            pl.when(rule.condition).then(pl.lit(rule.value)).otherwise(column).alias(column)
            for rule, column in after
        ),
        pl.when(pl.any_horizontal([rule.condition for rule, _ in after]))
        .then(pl.lit("PD"))
        .otherwise("OVRLRESP")
        .alias("OVRLRESP"),
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
        pl.when(pl.col("nodal")).then(_short_axis()).otherwise(pl.col("longest_mm")).alias("_size")
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


def tumor_assessments(
    lesions: pl.DataFrame,
    measurements: pl.DataFrame,
    reference: pl.DataFrame,
    criteria: ResponseCriteria,
) -> pl.DataFrame:
    """Tumor burden and the time-point response at every scan of every patient.

    Parameters
    ----------
    lesions, measurements : polars.DataFrame
        The study's ``lesions`` and ``measurements`` tables.
    reference : polars.DataFrame
        ``patient_id`` and ``REFDT``, each patient's reference date (``reference_dates``):
        the baseline scan is the last on or before it (``BASELINE``).
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
    >>> study = simulate_study(n_patients=40, seed=2)
    >>> ta = tumor_assessments(study.table("lesions"), study.table("measurements"),
    ...                        reference_dates(study.table("patients")), WHO)
    >>> set(ta["OVRLRESP"].drop_nulls().unique()) <= {"CR", "PR", "SD", "PD", "NE"}
    True
    """
    scans = Scans.of(measurements, reference, BASELINE)
    if lesions["target"].null_count():
        lesions = select_targets(lesions, measurements, scans.named_baselines(), criteria)
    if criteria.node_normal_mm is not None:
        warn_missing_short_axis(lesions, measurements)
    grid = scans.grid(lesions, NEW_LESION, reading_value(criteria), node_size())
    out = _per_scan(grid, criteria)
    out = with_prev_min(
        out.with_columns(first_of_patient("AVAL").alias("BASE")), "AVAL", "NADIR", PID
    )
    # materialised here, and the rest computed eagerly on whole columns: the streaming engine
    # may cut a frame into one-row pieces, and a one-row divisor is divided by as a scalar
    # (times its reciprocal), which can differ in the last bit
    out = _time_point(out.collect(), criteria)
    # a partition of one patient holds its BASE (and maybe NADIR) as one value broadcast, which
    # Polars divides by as a scalar (times its reciprocal); as whole columns they are divided
    # by exactly, as in a partition of many (derive_study)
    out = out.with_columns(out["BASE"], out["NADIR"])
    base, nadir, is_base = (
        pl.col("BASE"),
        pl.col("NADIR"),
        pl.col("assessed_on") == pl.col("baseline_on"),
    )
    out = out.with_columns(
        pl.when(is_base).then(pl.lit("Y")).alias("ABLFL"),
        pl.when(pl.col("_new_present")).then(pl.lit("Y")).otherwise(pl.lit("N")).alias("NEWLES"),
        (pl.col("AVAL") - base).alias("CHG"),
        pl.when(base > 0).then((pl.col("AVAL") - base) / base * 100).alias("PCHG"),
        (pl.col("AVAL") - nadir).alias("CHGNAD"),
        pl.when(nadir > 0).then((pl.col("AVAL") - nadir) / nadir * 100).alias("PCHGNAD"),
    )
    return out.select(
        grid.identifiers(out), pl.col("assessed_on").alias("ADT"), "ABLFL", *_BURDEN_COLUMNS
    )


def _per_scan(grid: LesionGrid, criteria: ResponseCriteria) -> pl.LazyFrame:
    """Every scan with its target, non-target and new-lesion summaries and its burden."""
    baseline_lesion = pl.col("target") & ~pl.col("_new")
    # every baseline target at every scan (a missing reading is not evaluated), in lesion and
    # date order, which within a scan keeps the lesions in identifier order
    targets = grid.cells(baseline_lesion, "nodal").with_columns(
        target_gone(criteria).alias("_gone")
    )
    if criteria.lesion_pd_fraction is not None:  # only WHO looks at each lesion's own nadir
        targets = with_prev_min(targets, "_v", "_lesion_nadir", LID)
    nontargets = grid.cells(~pl.col("target") & ~pl.col("_new"), "nodal")
    new = grid.cells(pl.col("_new"), "first_seen_on")
    return grid.joined(
        grid.per_scan(targets, *_target_summary(criteria), eager=True),
        grid.per_scan(nontargets, *_nontarget_summary(criteria)),
        grid.scans_where(new, NEW_LESION_SEEN, "_new_present"),
    ).with_columns(
        BURDEN.alias("AVAL"),
        pl.col("_new_present").fill_null(False),
        pl.col("NTARGET").fill_null(0),
    )


def warn_missing_short_axis(lesions: pl.DataFrame, measurements: pl.DataFrame) -> None:
    """Warn when a nodal target or non-target is measured without its short axis.

    RECIST 1.1 measures nodes by their short axis; when ``short_axis_mm`` is empty the
    perpendicular diameter is used in its place (it is the short axis of a node measured
    bidimensionally), and this warning names how many readings and patients that concerns.

    Examples
    --------
    >>> import datetime as dt, warnings
    >>> les = pl.DataFrame({"patient_id": ["A"], "lesion_id": ["N1"], "nodal": [True]})
    >>> m = pl.DataFrame({"patient_id": ["A"], "lesion_id": ["N1"], "state": ["present"],
    ...                   "short_axis_mm": [None], "perpendicular_mm": [12.0]},
    ...                  schema_overrides={"short_axis_mm": pl.Float64})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_missing_short_axis(les, m)
    >>> "1 reading" in str(w[0].message)
    True
    """
    short_axis_warning(*missing_short_axis(lesions, measurements), stacklevel=4)


def missing_short_axis(lesions: pl.DataFrame, measurements: pl.DataFrame) -> tuple[int, int]:
    """Readings of nodes measured without a short axis, and their patients.

    Examples
    --------
    >>> les = pl.DataFrame({"patient_id": ["A"], "lesion_id": ["N1"], "nodal": [True]})
    >>> m = pl.DataFrame({"patient_id": ["A"], "lesion_id": ["N1"], "state": ["present"],
    ...                   "short_axis_mm": [None]}, schema_overrides={"short_axis_mm": pl.Float64})
    >>> missing_short_axis(les, m)
    (1, 1)
    """
    nodes = lesions.lazy().filter(pl.col("nodal")).select(_ID, "lesion_id")
    missing = (
        measurements.lazy()
        .filter(pl.col("state").is_in(["present", "unequivocal_progression"]))
        .filter(pl.col("short_axis_mm").is_null())
        .join(nodes, on=[_ID, "lesion_id"], how="semi")
        .select(pl.len().alias("n"), pl.col(_ID).n_unique().alias("patients"))
        .collect()
    )
    n, patients = missing.row(0)
    return n, patients


def short_axis_warning(n: int, patients: int, stacklevel: int = 3) -> None:
    """The ``MissingShortAxisWarning`` for ``n`` readings of ``patients`` patients (none when
    ``n`` is 0).

    Examples
    --------
    >>> short_axis_warning(0, 0)
    """
    if n:
        warnings.warn(
            f"{n} reading{'s' if n != 1 else ''} of lymph nodes ({patients} patient"
            f"{'s' if patients != 1 else ''}) have no short_axis_mm: RECIST 1.1 measures nodes "
            "by their short axis, and the perpendicular diameter is used in its place; record "
            "short_axis_mm to silence this warning",
            MissingShortAxisWarning,
            stacklevel=stacklevel,
        )


class MissingShortAxisWarning(UserWarning):
    """A RECIST node was measured without its short axis (the perpendicular was used).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", MissingShortAxisWarning)
    ...     warnings.warn("no short axis", MissingShortAxisWarning)
    >>> issubclass(MissingShortAxisWarning, UserWarning)
    True
    """


def derive_adtr(
    assessments: pl.DataFrame, criteria: ResponseCriteria, studyid: str = ""
) -> pl.DataFrame:
    """ADTR: the tumor-burden dataset, one row per patient and scan.

    Parameters
    ----------
    assessments : polars.DataFrame
        ``tumor_assessments`` computed with ``criteria``.
    criteria : ResponseCriteria
        The response criteria (burden: sum of diameters or sum of products).
    studyid : str
        ``STUDYID`` of every row.

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
    >>> study = simulate_study(n_patients=40, seed=2)
    >>> ta = tumor_assessments(study.table("lesions"), study.table("measurements"),
    ...                        reference_dates(study.table("patients")), WHO)
    >>> adtr = derive_adtr(ta, WHO, study.config.name)
    >>> adtr["PARAMCD"].unique().to_list(), adtr["AVALU"][0]
    (['SPD'], 'mm2')
    """
    if criteria.burden == "sum_of_diameters":
        param, unit = "Sum of Diameters of Target Lesions", "mm"
    else:
        param, unit = "Sum of Products of Perpendicular Diameters of Target Lesions", "mm2"
    return assessments.with_columns(
        pl.lit(studyid).alias("STUDYID"),
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
