"""A study's derived datasets: the glue between a ``Study`` and the derivations.

The derivations take tables; the functions here read them from a ``Study`` (with its
``study.toml`` settings: criteria, reference-date rule, name, cut-off) and bundle the results
in a ``DerivedDatasets``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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


DATASETS = ("adex", "adtr", "adrs", "adtte", "adlb", "adsl", "rsqc")
"""The derived datasets, by file stem, in the order they are derived and written."""


@dataclass(frozen=True, eq=False)
class DerivedDatasets(Mapping[str, pl.DataFrame]):
    """A study's derived datasets, with the rule objects that computed them.

    One typed field per dataset (``None`` when the study does not support it), and the
    ``ResponseCriteria`` of the time-point responses, the ``ResponseRules`` of the best
    responses and which overall responses ADRS used, so that what a report prints about them
    comes from the objects that computed them. It is also a read-only mapping of the datasets
    present, by file stem (``frames["adrs"]``, ``sorted(frames)``, ``frames.items()``), in the
    order of ``DATASETS``.

    Parameters
    ----------
    adsl, adrs, adtte : polars.DataFrame
        The subject level, the response and the time-to-event datasets (always derived).
    criteria : ResponseCriteria
        The response criteria used.
    rules : ResponseRules
        The best-response rules used.
    source : {"recorded", "measurements"}
        The overall responses ADRS used.
    adex, adtr, adlb, rsqc : polars.DataFrame, optional
        Exposure (with a regimen), tumor burden (with measurements), lymphocytes (with labs)
        and the recorded-vs-computed response check (with both kinds of responses).

    Examples
    --------
    >>> from remission.derive import RECIST_1_1
    >>> empty = pl.DataFrame()
    >>> d = DerivedDatasets(empty, empty, empty, RECIST_1_1, ResponseRules(confirmation_days=21),
    ...                     "recorded")
    >>> d.rules.confirmation_days, d.criteria.name, list(d), d.adex is None
    (21, 'recist1.1', ['adrs', 'adtte', 'adsl'], True)
    """

    adsl: pl.DataFrame
    adrs: pl.DataFrame
    adtte: pl.DataFrame
    criteria: ResponseCriteria
    rules: ResponseRules
    source: Literal["recorded", "measurements"]
    adex: pl.DataFrame | None = None
    adtr: pl.DataFrame | None = None
    adlb: pl.DataFrame | None = None
    rsqc: pl.DataFrame | None = None

    @classmethod
    def of(
        cls,
        frames: Mapping[str, pl.DataFrame],
        criteria: ResponseCriteria,
        rules: ResponseRules,
        source: Literal["recorded", "measurements"],
    ) -> DerivedDatasets:
        """Bundle datasets made elsewhere (by file stem) with the rules they were made by.

        Parameters
        ----------
        frames : mapping of str to polars.DataFrame
            ``adsl``, ``adrs`` and ``adtte``, and any of ``adex``, ``adtr``, ``adlb``,
            ``rsqc``.
        criteria, rules, source
            As for the class.

        Returns
        -------
        DerivedDatasets
            The bundle.

        Raises
        ------
        ValueError
            When a name is not one of ``DATASETS`` or a required dataset is missing.

        Examples
        --------
        >>> from remission.derive import WHO
        >>> e = pl.DataFrame()
        >>> d = DerivedDatasets.of({"adsl": e, "adrs": e, "adtte": e, "adlb": e}, WHO,
        ...                        ResponseRules(), "measurements")
        >>> list(d)
        ['adrs', 'adtte', 'adlb', 'adsl']
        """
        unknown = sorted(set(frames) - set(DATASETS))
        missing = [n for n in ("adsl", "adrs", "adtte") if n not in frames]
        if unknown or missing:
            raise ValueError(
                f"derived datasets are named {', '.join(DATASETS)}; adsl, adrs and adtte are "
                f"required (unknown: {', '.join(unknown) or 'none'}; "
                f"missing: {', '.join(missing) or 'none'})"
            )
        return cls(**frames, criteria=criteria, rules=rules, source=source)

    def __getitem__(self, name: str) -> pl.DataFrame:
        frame = getattr(self, name, None) if name in DATASETS else None
        if frame is None:
            raise KeyError(name)
        return frame

    def __iter__(self) -> Iterator[str]:
        return (name for name in DATASETS if getattr(self, name) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


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
        ta = _tumor_assessments(study, criteria or study_criteria(study))
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
        ta = _tumor_assessments(study, criteria or study_criteria(study))
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
        .join(_reference_dates(study).rename({"patient_id": "USUBJID"}), on="USUBJID")
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
        ``adsl``, ``adrs`` and ``adtte``, and ``adex``, ``adtr``, ``adlb`` and ``rsqc`` as
        available, with the criteria, rules and response source used.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> derived = derive_study(simulate_study(n_patients=30, seed=1))
    >>> list(derived), derived.rsqc is None
    (['adex', 'adtr', 'adrs', 'adtte', 'adlb', 'adsl'], True)
    >>> derived.adsl.height == derived["adsl"].height == 30
    True
    """
    criteria = study_criteria(study)
    rules = rules or ResponseRules()
    name, table = study.config.name, study.table
    found: dict[str, pl.DataFrame] = {}
    if study.regimen is not None:
        max_doses = study.regimen.max_doses_per_cycle
        found["adex"] = derive_adex(table("doses"), table("patients"), max_doses, name)
    assessments = None
    if study.measurements.height:
        assessments = _tumor_assessments(study, criteria)
        found["adtr"] = derive_adtr(assessments, criteria, name)
    subjects = subject_dates(study, criteria, assessments)
    responses = overall_responses(study, source, criteria, assessments)
    adrs = derive_adrs(responses, subjects, rules, name)
    adtte = derive_adtte(adrs, subjects, name)
    if study.labs.height:
        found["adlb"] = derive_adlb(table("labs"), table("doses"), studyid=name)
    adsl = derive_adsl(
        table("patients"),
        _reference_dates(study),
        table("prior_therapies"),
        table("lesions"),
        table("measurements"),
        adex=found.get("adex"),
        adlb=found.get("adlb"),
        adrs=adrs,
        cutoff_date=study.config.cutoff_date,
        synthetic=study.config.synthetic,
        studyid=name,
    )
    if study.assessments.height and study.measurements.height:
        found["rsqc"] = response_qc(study, criteria, assessments)
    return DerivedDatasets(
        adsl, adrs, adtte, criteria, rules, response_source(study, source), **found
    )


def _reference_dates(study: Study) -> pl.DataFrame:
    """Each patient's reference date by the study's rule (``study.toml``'s
    ``reference_date``)."""
    return reference_dates(study.table("patients"), study.config.reference_date)


def _tumor_assessments(study: Study, criteria: ResponseCriteria) -> pl.DataFrame:
    """``tumor_assessments`` of the study's lesions and measurements."""
    return tumor_assessments(
        study.table("lesions"), study.table("measurements"), _reference_dates(study), criteria
    )
