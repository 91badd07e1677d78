"""A study's derived datasets: the glue between a ``Study`` and the derivations.

The derivations take tables; the functions here read them from a ``Study`` (with its
``study.toml`` settings: criteria, reference-date rule, name, cut-off) and bundle the results
in a ``DerivedDatasets``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import polars as pl

from remission.derive._adex import derive_adex
from remission.derive._adlb import derive_adlb
from remission.derive._adrs import derive_adrs
from remission.derive._adsl import derive_adsl
from remission.derive._adtte import derive_adtte
from remission.derive._criteria import CRITERIA, ResponseCriteria, ResponseRules
from remission.derive._tumor import (
    MissingShortAxisWarning,
    derive_adtr,
    reference_dates,
    tumor_assessments,
    warn_missing_short_axis,
)
from remission.study import Study, StudyConfig

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
    return _response_qc(study, criteria, assessments)


def _response_qc(
    study: Study, criteria: ResponseCriteria | None, assessments: pl.DataFrame | None
) -> pl.DataFrame:
    """``response_qc`` of a study (or a partition of one) that has both kinds of responses
    (a partition may have only one kind, and its patients still belong in RSQC)."""
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


DEFAULT_PARTITION_SIZE = 100_000
"""Patients derived together by ``derive_study`` (and ``remission derive``) unless told
otherwise: peak memory grows with the partition, not with the cohort."""


def derive_study(
    study: Study,
    rules: ResponseRules | None = None,
    source: Source = "auto",
    partition_size: int | None = DEFAULT_PARTITION_SIZE,
) -> DerivedDatasets:
    """Every derived dataset a study supports, by file stem.

    ADEX when the study has a regimen; ADTR when it has lesion measurements; ADRS, ADTTE and
    ADSL always (ADRS from recorded or computed responses, see ``response_source``); ADLB when
    it has labs; RSQC (recorded vs computed disagreements) when it has both.

    The patients are derived ``partition_size`` at a time (``patient_partitions``) and the
    partitions' datasets concatenated: every derivation is independent across patients, and
    what depends on the whole study (which datasets, which responses, the criteria) is decided
    once, so the result is the same, row for row, as deriving all patients at once.

    Parameters
    ----------
    study : Study
        A loaded study.
    rules : ResponseRules, optional
        Best-response windows; admiralonco's template defaults when omitted.
    source : {"auto", "recorded", "measurements"}
        Which overall responses ADRS uses.
    partition_size : int or None
        Patients per partition (``DEFAULT_PARTITION_SIZE``); None derives all at once.

    Returns
    -------
    DerivedDatasets
        ``adsl``, ``adrs`` and ``adtte``, and ``adex``, ``adtr``, ``adlb`` and ``rsqc`` as
        available, with the criteria, rules and response source used.

    Raises
    ------
    ValueError
        When ``partition_size`` is below 1.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> study = simulate_study(n_patients=30, seed=1)
    >>> derived = derive_study(study)
    >>> list(derived), derived.rsqc is None
    (['adex', 'adtr', 'adrs', 'adtte', 'adlb', 'adsl'], True)
    >>> derived.adsl.height == derived["adsl"].height == 30
    True
    >>> in_fours = derive_study(study, partition_size=4)
    >>> all(in_fours[name].equals(derived[name]) for name in derived)
    True
    """
    if partition_size is not None and partition_size < 1:
        raise ValueError(f"partition_size must be at least 1 patient, not {partition_size}")
    rows = {name: table.height for name, table in study.tables.items()}
    plan = plan_derivations(study.config, study.regimen is not None, rows, rules, source)
    criteria, rules = plan.criteria, plan.rules
    parts = patient_partitions(study, partition_size)
    if len(parts) == 1:
        found = _derive_partition(parts[0], plan)
    else:
        if plan.adtr and criteria.node_normal_mm is not None:
            # once for the study, not once per partition
            warn_missing_short_axis(study.table("lesions"), study.table("measurements"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingShortAxisWarning)
            derived = [_derive_partition(part, plan) for part in parts]
        found = {
            name: pl.concat([d[name] for d in derived], how="vertical", rechunk=False)
            for name in derived[0]
        }
    return DerivedDatasets.of(found, criteria, rules, plan.source)


def patient_partitions(study: Study, partition_size: int | None) -> list[Study]:
    """The study cut into studies of ``partition_size`` patients, in identifier order.

    Every patient identifier of any table is taken (a record of a patient missing from the
    ``patients`` table stays with its patient); partition ``k`` holds the ``k``-th run of
    ``partition_size`` identifiers in sorted order and every table's records of them, in
    their order in the table. A table already sorted by ``patient_id`` (as ``remission
    simulate`` writes them) is sliced without a copy; another is sorted once (stably).
    A study with a missing ``patient_id`` anywhere, or no more patients than
    ``partition_size``, is one partition: itself.

    Parameters
    ----------
    study : Study
        The study.
    partition_size : int or None
        Patients per partition; None for one partition.

    Returns
    -------
    list of Study
        The partitions (settings, regimen and sources those of ``study``).

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> study = simulate_study(n_patients=20, seed=1)
    >>> parts = patient_partitions(study, 8)
    >>> [p.patients.height for p in parts]
    [8, 8, 4]
    >>> sum(p.doses.height for p in parts) == study.doses.height
    True
    """
    columns = {name: t["patient_id"] for name, t in study.tables.items() if "patient_id" in t}
    if partition_size is None or any(c.null_count() for c in columns.values()):
        return [study]
    ids = pl.concat([c.unique() for c in columns.values()]).unique().sort()
    if ids.len() <= partition_size:
        return [study]
    firsts = ids.gather_every(partition_size)
    cuts: dict[str, tuple[pl.DataFrame, list[int]]] = {}
    for name, column in columns.items():
        table = study.tables[name]
        if not column.is_sorted():
            table = table.sort("patient_id", maintain_order=True)
        starts = table["patient_id"].search_sorted(firsts, side="left").to_list()
        cuts[name] = (table, [*starts, table.height])
    return [
        replace(
            study,
            tables={
                name: (
                    cuts[name][0].slice(cuts[name][1][k], cuts[name][1][k + 1] - cuts[name][1][k])
                    if name in cuts
                    else table
                )
                for name, table in study.tables.items()
            },
        )
        for k in range(firsts.len())
    ]


@dataclass(frozen=True)
class _Plan:
    """What ``derive_study`` decides once for the whole study, before any partition."""

    criteria: ResponseCriteria
    rules: ResponseRules
    source: Literal["recorded", "measurements"]
    adex: bool
    adtr: bool
    adlb: bool
    rsqc: bool


def plan_derivations(
    config: StudyConfig,
    has_regimen: bool,
    rows: Mapping[str, int],
    rules: ResponseRules | None = None,
    source: Source = "auto",
) -> _Plan:
    """What is decided once for a whole study, from its settings and its tables' row counts.

    Which datasets exist, which overall responses ADRS uses (``response_source``), the
    criteria and the rules. ``derive_study`` and the Spark engine both decide here, before
    deriving any partition.
    """
    recorded, measured = rows.get("assessments", 0) > 0, rows.get("measurements", 0) > 0
    return _Plan(
        criteria=CRITERIA[config.response_criteria],
        rules=rules or ResponseRules(),
        source=source if source != "auto" else "recorded" if recorded else "measurements",
        adex=has_regimen,
        adtr=measured,
        adlb=rows.get("labs", 0) > 0,
        rsqc=recorded and measured,
    )


def derived_names(plan: _Plan) -> list[str]:
    """The datasets ``plan`` derives, by file stem, in the order of ``DATASETS``."""
    return [n for n in DATASETS if n in ("adrs", "adtte", "adsl") or getattr(plan, n)]


def _derive_partition(study: Study, plan: _Plan) -> dict[str, pl.DataFrame]:
    """The datasets of ``plan`` for the patients of ``study`` (a partition, or the whole)."""
    criteria, name, table = plan.criteria, study.config.name, study.table
    found: dict[str, pl.DataFrame] = {}
    if plan.adex and study.regimen is not None:
        max_doses = study.regimen.max_doses_per_cycle
        found["adex"] = derive_adex(table("doses"), table("patients"), max_doses, name)
    assessments = None
    if plan.adtr:
        assessments = _tumor_assessments(study, criteria)
        found["adtr"] = derive_adtr(assessments, criteria, name)
    subjects = subject_dates(study, criteria, assessments)
    responses = overall_responses(study, plan.source, criteria, assessments)
    adrs = found["adrs"] = derive_adrs(responses, subjects, plan.rules, name)
    found["adtte"] = derive_adtte(adrs, subjects, name)
    if plan.adlb:
        found["adlb"] = derive_adlb(table("labs"), table("doses"), studyid=name)
    found["adsl"] = derive_adsl(
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
    if plan.rsqc:
        found["rsqc"] = _response_qc(study, criteria, assessments)
    return {n: found[n] for n in DATASETS if n in found}


def _reference_dates(study: Study) -> pl.DataFrame:
    """Each patient's reference date by the study's rule (``study.toml``'s
    ``reference_date``)."""
    return reference_dates(study.table("patients"), study.config.reference_date)


def _tumor_assessments(study: Study, criteria: ResponseCriteria) -> pl.DataFrame:
    """``tumor_assessments`` of the study's lesions and measurements."""
    return tumor_assessments(
        study.table("lesions"), study.table("measurements"), _reference_dates(study), criteria
    )
