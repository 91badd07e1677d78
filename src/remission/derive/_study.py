"""A study's derived datasets, from its tables: the glue between ``study`` and the derivations."""

from __future__ import annotations

from typing import Literal

import polars as pl

from remission.derive._adex import derive_adex
from remission.derive._adlb import derive_adlb
from remission.derive._adrs import derive_adrs
from remission.derive._adsl import derive_adsl
from remission.derive._adtte import derive_adtte
from remission.derive._criteria import CRITERIA, ResponseCriteria, ResponseRules
from remission.derive._tumor import derive_adtr, reference_dates, tumor_assessments
from remission.study import Study

Source = Literal["auto", "recorded", "measurements"]


class DerivedDatasets(dict[str, pl.DataFrame]):
    """Derived datasets by file stem, with the rule objects that computed them.

    A ``dict`` (``frames["adrs"]``, ``sorted(frames)``) that also carries the
    ``ResponseCriteria`` of the time-point responses, the ``ResponseRules`` of the best
    responses and which overall responses ADRS used, so that what a report prints about them
    comes from the objects that computed them.

    Parameters
    ----------
    frames : dict of str to polars.DataFrame
        The datasets.
    criteria : ResponseCriteria
        The response criteria used.
    rules : ResponseRules
        The best-response rules used.
    source : {"recorded", "measurements"}
        The overall responses ADRS used.

    Examples
    --------
    >>> from remission.derive import RECIST_1_1
    >>> d = DerivedDatasets({}, RECIST_1_1, ResponseRules(confirmation_days=21), "recorded")
    >>> d.rules.confirmation_days, d.criteria.name
    (21, 'recist1.1')
    """

    def __init__(
        self,
        frames: dict[str, pl.DataFrame],
        criteria: ResponseCriteria,
        rules: ResponseRules,
        source: Literal["recorded", "measurements"],
    ) -> None:
        super().__init__(frames)
        self.criteria = criteria
        self.rules = rules
        self.source = source


def response_source(study: Study, source: Source = "auto") -> Literal["recorded", "measurements"]:
    """Which overall responses ADRS uses: investigator-recorded ones, or computed ones.

    ``auto`` takes the recorded responses (the ``assessments`` table) when the study has any,
    otherwise the responses computed from lesion measurements by the study's criteria.

    Parameters
    ----------
    study : Study
        The study.
    source : {"auto", "recorded", "measurements"}
        The choice; ``auto`` decides as above.

    Returns
    -------
    str
        ``"recorded"`` or ``"measurements"``.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> response_source(simulate_study(n_patients=20, seed=1))
    'measurements'
    """
    if source != "auto":
        return source
    return "recorded" if study.assessments.height else "measurements"


def study_criteria(study: Study) -> ResponseCriteria:
    """Return the response criteria ``study.toml`` names.

    Parameters
    ----------
    study : Study
        The study.

    Returns
    -------
    ResponseCriteria
        RECIST 1.1 or WHO.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> study_criteria(simulate_study(n_patients=20, seed=1)).name
    'who'
    """
    return CRITERIA[study.config.response_criteria]


def overall_responses(
    study: Study,
    source: Source = "auto",
    criteria: ResponseCriteria | None = None,
    assessments: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Time-point overall responses in the form ``derive_adrs`` takes.

    Parameters
    ----------
    study : Study
        The study.
    source : {"auto", "recorded", "measurements"}
        See ``response_source``.
    criteria : ResponseCriteria, optional
        For computed responses; the study's criteria when omitted.
    assessments : polars.DataFrame, optional
        ``tumor_assessments`` already computed with these criteria (saves recomputing).

    Returns
    -------
    polars.DataFrame
        ``USUBJID``, ``ADT``, ``AVALC``, ``SEQ``, ``ADTF``, and where each response comes
        from: ``SRCDOM`` and ``SRCVAR`` (the study's ``assessments`` table and its
        ``response`` column, with ``SEQ`` its ``sequence``; or ADTR's ``OVRLRESP``, the row of
        the same subject and date).

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> overall_responses(simulate_study(n_patients=20, seed=1)).columns
    ['USUBJID', 'ADT', 'AVALC', 'SEQ', 'ADTF', 'SRCDOM', 'SRCVAR']
    """
    if response_source(study, source) == "recorded":
        return study.table("assessments").select(
            pl.col("patient_id").alias("USUBJID"),
            pl.col("assessed_on").alias("ADT"),
            pl.col("response").alias("AVALC"),
            pl.col("sequence").alias("SEQ"),
            pl.col("assessed_on_imputed").alias("ADTF"),
            pl.lit("assessments").alias("SRCDOM"),
            pl.lit("response").alias("SRCVAR"),
        )
    ta = assessments
    if ta is None:
        ta = tumor_assessments(study, criteria or study_criteria(study))
    return ta.filter(pl.col("ABLFL").is_null()).select(
        "USUBJID",
        "ADT",
        pl.col("OVRLRESP").alias("AVALC"),
        pl.lit(None, dtype=pl.Int64).alias("SEQ"),
        pl.lit(None, dtype=pl.String).alias("ADTF"),
        pl.lit("ADTR").alias("SRCDOM"),
        pl.lit("OVRLRESP").alias("SRCVAR"),
    )


def subject_dates(
    study: Study,
    criteria: ResponseCriteria | None = None,
    assessments: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The per-subject dates and flags ADRS and ADTTE need.

    Parameters
    ----------
    study : Study
        The study.
    criteria : ResponseCriteria, optional
        For automatic target selection (measurable disease); the study's when omitted.
    assessments : polars.DataFrame, optional
        ``tumor_assessments`` already computed with these criteria.

    Returns
    -------
    polars.DataFrame
        ``USUBJID``, ``REFDT``, ``DTHDT``, ``LSTALVDT`` and ``MDIS`` (a target lesion at
        baseline).

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> subject_dates(simulate_study(n_patients=20, seed=1))["MDIS"].all()
    True
    """
    ta = assessments
    if ta is None and study.measurements.height:
        ta = tumor_assessments(study, criteria or study_criteria(study))
    mdis = (
        ta.filter(pl.col("ABLFL") == "Y")
        .group_by("USUBJID")
        .agg((pl.col("NTARGET") > 0).any().alias("MDIS"))
        if ta is not None
        else pl.DataFrame(schema={"USUBJID": pl.String, "MDIS": pl.Boolean})
    )
    return (
        study.table("patients")
        .select(
            pl.col("patient_id").alias("USUBJID"),
            pl.col("death_date").alias("DTHDT"),
            pl.col("last_known_alive").alias("LSTALVDT"),
        )
        .join(reference_dates(study).rename({"patient_id": "USUBJID"}), on="USUBJID")
        .join(mdis, on="USUBJID", how="left")
        .with_columns(pl.col("MDIS").fill_null(False))
        .select("USUBJID", "REFDT", "DTHDT", "LSTALVDT", "MDIS")
    )


def response_qc(
    study: Study,
    criteria: ResponseCriteria | None = None,
    assessments: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every disagreement between recorded and computed overall responses.

    Parameters
    ----------
    study : Study
        A study with both recorded responses and lesion measurements.
    criteria : ResponseCriteria, optional
        The criteria to compute with; the study's when omitted.
    assessments : polars.DataFrame, optional
        ``tumor_assessments`` already computed with these criteria.

    Returns
    -------
    polars.DataFrame
        ``USUBJID``, ``ADT``, ``RECORDED``, ``COMPUTED`` for every date where the two differ
        or only one exists (empty when either source is absent).

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> response_qc(simulate_study(n_patients=20, seed=1)).height
    0
    """
    empty = pl.DataFrame(
        schema={"USUBJID": pl.String, "ADT": pl.Date, "RECORDED": pl.String, "COMPUTED": pl.String}
    )
    if not study.assessments.height or not study.measurements.height:
        return empty
    recorded = (
        overall_responses(study, "recorded")
        .select("USUBJID", "ADT", pl.col("AVALC").alias("RECORDED"))
        .unique(["USUBJID", "ADT"], keep="last")
    )
    computed = overall_responses(study, "measurements", criteria, assessments).select(
        "USUBJID", "ADT", pl.col("AVALC").alias("COMPUTED")
    )
    both = recorded.join(computed, on=["USUBJID", "ADT"], how="full", coalesce=True)
    return both.filter(
        pl.col("RECORDED").is_null()
        | pl.col("COMPUTED").is_null()
        | (pl.col("RECORDED") != pl.col("COMPUTED"))
    ).sort("USUBJID", "ADT")


def derive_study(
    study: Study, rules: ResponseRules | None = None, source: Source = "auto"
) -> DerivedDatasets:
    """Every derived dataset a study supports, by file stem.

    ADEX when the study has a regimen; ADTR when it has lesion measurements; ADRS, ADTTE and
    ADSL always (ADRS from recorded or computed responses, see ``response_source``); ADLB when
    it has labs; RSQC (recorded vs computed disagreements) when it has both.

    Parameters
    ----------
    study : Study
        A loaded study.
    rules : ResponseRules, optional
        Best-response windows; admiralonco's template defaults when omitted.
    source : {"auto", "recorded", "measurements"}
        Which overall responses ADRS uses.

    Returns
    -------
    DerivedDatasets
        ``adex``, ``adtr``, ``adrs``, ``adtte`` (and ``rsqc``), as available, with the
        criteria, rules and response source used.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> sorted(derive_study(simulate_study(n_patients=30, seed=1)))
    ['adex', 'adlb', 'adrs', 'adsl', 'adtr', 'adtte']
    """
    criteria = study_criteria(study)
    rules = rules or ResponseRules()
    frames = DerivedDatasets({}, criteria, rules, response_source(study, source))
    if study.regimen is not None:
        frames["adex"] = derive_adex(study, study.regimen.max_doses_per_cycle)
    assessments = None
    if study.measurements.height:
        assessments = tumor_assessments(study, criteria)
        frames["adtr"] = derive_adtr(study, criteria, assessments)
    subjects = subject_dates(study, criteria, assessments)
    adrs = derive_adrs(
        overall_responses(study, source, criteria, assessments), subjects, rules, study.config.name
    )
    frames["adrs"] = adrs
    frames["adtte"] = derive_adtte(adrs, subjects, study.config.name)
    if study.labs.height:
        frames["adlb"] = derive_adlb(study)
    frames["adsl"] = derive_adsl(study, frames)
    if study.assessments.height and study.measurements.height:
        frames["rsqc"] = response_qc(study, criteria, assessments)
    return frames
