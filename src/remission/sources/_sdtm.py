"""CDISC SDTM (DM, DS, EX, TU, TR, RS) into the study format: the mapping, vectorised.

``read_sdtm`` reads the domains, checks what every domain shares (subjects, dates), maps DM,
DS and EX into ``patients`` here and the tumor domains TU, TR and RS into ``lesions``,
``measurements`` and ``assessments`` in ``_sdtm_tumor.py``. Every rule is documented in
``docs/sources.md`` with a table of SDTM variable -> study column. Nothing loops over subjects
or records: each table is built by Polars joins and group-bys over whole domains, so 100,000
subjects take seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

import remission
from remission.sources._sdtm_dates import (
    DTC_EXPECTED,
    DTC_FIX,
    dtc_precision,
    with_dates,
)
from remission.sources._sdtm_files import (
    Domain,
    Findings,
    find_domain_files,
    read_table,
)
from remission.sources._sdtm_tumor import (
    add_first_seen,
    keep_evaluator,
    map_assessments,
    map_lesions,
    map_measurements,
)
from remission.study import ROW_COLUMN, TABLES, Study, StudyConfig, empty_table

EVALUATOR = "INVESTIGATOR"
"""Default evaluator of tumor records (TUEVAL, TREVAL, RSEVAL), as admiralonco's templates."""

HISTOLOGY = "not recorded"
"""Histology given to every patient when none is named (SDTM DM does not record it)."""

ALIVE_DS_TERMS = ("FINAL LAB VISIT",)
"""DS events (DSDECOD) whose date counts as a date the subject was known alive. It stands in
for the last laboratory date that admiral's ADSL template uses (LB is not read)."""

AGE_UNITS = {"YEARS": 1.0, "MONTHS": 1 / 12, "WEEKS": 7 / 365.25, "DAYS": 1 / 365.25}
"""DM AGEU -> factor to years."""

_WANTED = {
    "dm": {"STUDYID", "USUBJID", "SEX", "BRTHDTC", "AGE", "AGEU", "DTHDTC", "DTHFL"},
    "ds": {"USUBJID", "DSDECOD", "DSSTDTC"},
    "ex": {"USUBJID", "EXSTDTC", "EXENDTC", "EXDOSE", "EXTRT"},
    "tu": {"USUBJID", "TULNKID", "TUTESTCD", "TUSTRESC", "TULOC", "TULAT", "TUEVAL", "TUACPTFL"},
    "tr": {
        "USUBJID",
        "TRLNKID",
        "TRTESTCD",
        "TRSTRESC",
        "TRSTRESN",
        "TRSTRESU",
        "TRSTAT",
        "TREVAL",
        "TRACPTFL",
    },
    "rs": {"USUBJID", "RSTESTCD", "RSSTRESC", "RSSEQ", "RSEVAL", "RSACPTFL"},
}
_REQUIRED = {
    "dm": ("USUBJID",),
    "ds": ("USUBJID", "DSDECOD", "DSSTDTC"),
    "ex": ("USUBJID", "EXSTDTC"),
    "tu": ("USUBJID", "TULNKID", "TUTESTCD", "TUSTRESC"),
    "tr": ("USUBJID", "TRLNKID", "TRTESTCD", "TRDTC"),
    "rs": ("USUBJID", "RSTESTCD", "RSSTRESC", "RSDTC"),
}
_DATES = {
    "dm": ("BRTHDTC", "DTHDTC"),
    "ds": ("DSSTDTC",),
    "ex": ("EXSTDTC", "EXENDTC"),
    "tu": ("TUDTC",),
    "tr": ("TRDTC",),
    "rs": ("RSDTC",),
}
"""Date variables the mapping uses; an invalid value in any of them is an error."""

_SUBJ = "USUBJID"


def read_sdtm(
    folder: str | Path,
    *,
    synthetic: bool = False,
    histology: str = HISTOLOGY,
    cutoff: dt.date | None = None,
    evaluator: str = EVALUATOR,
    adsl: str | Path | None = None,
) -> Study:
    """Read the SDTM domains DM, DS, EX, TU, TR and RS of a folder as a study.

    Files are ``<domain>.csv`` or ``<domain>.xpt`` (any case, optionally prefixed
    ``sdtm_``). DM is required; a missing optional domain leaves its tables empty and adds a
    note to ``Study.warnings``. The mapping (``docs/sources.md``): patients from DM, DS
    (randomisation) and EX (treatment start); lesions from TU, measurements from TR, overall
    responses from RS (one evaluator's records); no dose ledger, labs or prior therapies.

    Parameters
    ----------
    folder : str or pathlib.Path
        The folder holding the SDTM files.
    synthetic : bool
        Mark the study as made-up data (e.g. the pharmaverse test data).
    histology : str
        The histology every patient gets (DM does not record one).
    cutoff : datetime.date or None
        Data cut-off; None takes the latest complete date found in any domain read.
    evaluator : str
        Whose tumor records to keep (TUEVAL, TREVAL, RSEVAL), e.g. ``"INVESTIGATOR"`` or
        ``"INDEPENDENT ASSESSOR"``; with several assessors, the accepted records
        (``--ACPTFL = "Y"``).
    adsl : str or pathlib.Path or None
        An ADaM ADSL (CSV or XPT) whose LSTALVDT gives ``last_known_alive``; its RANDDT,
        TRTSDT and DTHDT must agree with the SDTM domains.

    Returns
    -------
    Study
        The study in memory (``folder`` None, not yet validated by ``load``); import notes
        are in ``Study.warnings``. Write it with ``remission.study.write_study``.

    Raises
    ------
    StudyError
        When the folder cannot be imported; ``problems`` lists every problem found, each with
        file, row, column, value, what was expected and a fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "dm.csv").write_text(
    ...     "STUDYID,USUBJID,SEX,BRTHDTC,AGE,AGEU\\n"
    ...     "S1,S1-001,F,1950-12-26,63,YEARS\\n"
    ...     "S1,S1-002,M,,70,YEARS\\n"
    ... )
    >>> _ = (folder / "ex.csv").write_text(
    ...     "USUBJID,EXSTDTC,EXENDTC\\nS1-001,2014-01-02,2014-07-02\\n"
    ... )
    >>> _ = (folder / "rs.csv").write_text(
    ...     "USUBJID,RSTESTCD,RSSTRESC,RSEVAL,RSDTC,RSSEQ\\n"
    ...     "S1-001,OVRLRESP,PR,INVESTIGATOR,2014-02,1\\n"
    ... )
    >>> study = read_sdtm(folder, synthetic=True)
    >>> study.config.name, str(study.config.cutoff_date)
    ('S1 (SDTM import)', '2014-07-02')
    >>> study.table("patients").select("patient_id", "treatment_start", "age_at_start_years").rows()
    [('S1-001', datetime.date(2014, 1, 2), None), ('S1-002', None, 70.0)]
    >>> study.table("assessments").rows()
    [('S1-001', datetime.date(2014, 2, 28), 'PR', 1, 'D')]
    """
    path = Path(folder)
    findings = Findings()
    for option, value in (("histology", histology), ("evaluator", evaluator)):
        if not value.strip():
            findings.add(
                "error",
                "sdtm.option",
                option,
                f"a {option} name",
                f"give --{option} a name, or leave the option out for its default",
                value=value,
            )
    histology = histology.strip()
    if not path.is_dir():
        findings.add(
            "error",
            "sdtm.folder_missing",
            str(path),
            "a folder holding SDTM domain files (dm.xpt, ds.xpt, ...)",
            "give the path of the folder that holds the SDTM files",
        )
        findings.stop_on_errors()
    files = find_domain_files(path, findings)
    domains: dict[str, Domain] = {}
    for name, file in files.items():
        label = name.upper()
        where = (f"{label}EVAL", evaluator.strip()) if name in ("tu", "tr", "rs") else None
        domain = read_table(file, label, _REQUIRED[name], findings, _WANTED[name], where)
        if domain is not None:
            domains[name] = domain
    findings.stop_on_errors()

    _check_subjects(domains, findings)
    for name, domain in domains.items():
        _check_dates(domain, _DATES[name], findings)
    tumor = {
        name: keep_evaluator(domains[name], name.upper(), evaluator, findings)
        for name in ("tu", "tr", "rs")
        if name in domains
    }
    lesions = map_lesions(tumor.get("tu"), findings)
    measurements = map_measurements(tumor.get("tr"), lesions, domains.get("tu"), findings)
    lesions = add_first_seen(lesions, measurements, domains.get("tu"), findings)
    assessments = map_assessments(tumor.get("rs"), findings)
    patients = _patients(domains, measurements, assessments, histology, findings)
    rule = "derived from EX, DS, TR, RS and the death date (docs/sources.md)"
    if adsl is not None:
        patients = _apply_adsl(Path(adsl), patients, findings)
        rule = f"from ADSL LSTALVDT ({Path(adsl).name})"
    findings.stop_on_errors()

    tables = {name: empty_table(name) for name in TABLES}
    tables["patients"] = _typed("patients", patients)
    tables["lesions"] = _typed("lesions", lesions)
    tables["measurements"] = _typed("measurements", measurements)
    tables["assessments"] = _typed("assessments", assessments)
    config = StudyConfig(
        name=_study_name(domains["dm"], path),
        cutoff_date=cutoff or _latest_date(domains, findings),
        histologies=(histology,),
        response_criteria="recist1.1",
        regimen=None,
        synthetic=synthetic,
        # counted from randomisation as admiralonco's templates (RANDDT), but from treatment
        # start when no patient has a randomisation date (no DS): never from nothing
        reference_date=(
            "randomization"
            if tables["patients"]["randomized_on"].is_not_null().any()
            else "treatment_start"
        ),
        description=(
            f"Imported from CDISC SDTM ({', '.join(n.upper() for n in domains)}) by remission "
            f"{remission.__version__}; tumor records of evaluator {evaluator.upper()}; "
            f"last_known_alive {rule}."
        ),
    )
    findings.stop_on_errors()
    return Study(config=config, tables=tables, folder=None, warnings=tuple(findings.warnings))


# --- checks shared by every domain -----------------------------------------------------------


def _check_subjects(domains: dict[str, Domain], findings: Findings) -> None:
    """USUBJID present everywhere, unique in DM, and every other domain's subjects in DM."""
    dm = domains["dm"]
    subjects = dm.frame.lazy().select(_SUBJ).drop_nulls().unique()
    present = pl.col(_SUBJ).is_not_null()
    plans: list[pl.LazyFrame] = []
    for name, domain in domains.items():
        frame = domain.frame.lazy()
        plans.append(frame.filter(pl.col(_SUBJ).is_null()))
        if name == "dm":
            repeated = frame.filter(present & pl.col(_SUBJ).is_duplicated())
            plans.append(repeated.filter(pl.int_range(pl.len()).over(_SUBJ) > 0))
        else:
            plans.append(frame.filter(present).join(subjects, on=_SUBJ, how="anti"))
    found = iter(pl.collect_all(plans))  # every domain at once, in parallel
    for name, domain in domains.items():
        findings.add_rows(
            "error",
            "sdtm.value_missing",
            domain.file,
            _SUBJ,
            next(found),
            "a subject identifier (USUBJID)",
            "fill in USUBJID or remove the record",
        )
        if name == "dm":
            findings.add_rows(
                "error",
                "sdtm.duplicate_subject",
                domain.file,
                _SUBJ,
                next(found),
                "one DM record per subject",
                "remove the repeated record",
            )
            continue
        findings.add_rows(
            "error",
            "sdtm.unknown_subject",
            domain.file,
            _SUBJ,
            next(found),
            f"a subject listed in DM ({dm.file})",
            "add the subject to DM, or remove its records (are the files from one study?)",
        )


def _unique_dates(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """The distinct values of a date column with their precision (parsed once each)."""
    return (
        frame.select(pl.col(column).unique())
        .drop_nulls()
        .with_columns(dtc_precision(pl.col(column)).alias("_precision"))
    )


def _check_dates(domain: Domain, columns: tuple[str, ...], findings: Findings) -> None:
    for column in columns:
        if column not in domain.frame.columns:
            continue
        bad = _unique_dates(domain.frame, column).filter(pl.col("_precision") == "invalid")
        if bad.is_empty():
            continue
        findings.add_rows(
            "error",
            "sdtm.date",
            domain.file,
            column,
            domain.frame.join(bad.select(column), on=column, how="semi"),
            DTC_EXPECTED,
            DTC_FIX,
        )


# --- patients (DM, DS, EX and the dates of every record) -------------------------------------


def _dates(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """USUBJID and the complete dates of ``column`` (partial and invalid ones dropped)."""
    values = frame.select(_SUBJ, column)
    return (
        with_dates(values, column, "first", None, "_date")
        .filter(pl.col("_date_precision") == "complete")
        .select(_SUBJ, pl.col("_date").alias("date"))
    )


def _patients(
    domains: dict[str, Domain],
    measurements: pl.DataFrame,
    assessments: pl.DataFrame,
    histology: str,
    findings: Findings,
) -> pl.DataFrame:
    dm = domains["dm"]
    frame = dm.frame.filter(pl.col(_SUBJ).is_not_null()).unique(_SUBJ, keep="first")
    frame = frame.sort(ROW_COLUMN)

    frame = frame.with_columns(
        pl.lit(None, pl.String).alias(name)
        for name in ("SEX", "BRTHDTC", "DTHDTC", "DTHFL", "AGE", "AGEU")
        if name not in frame.columns
    )
    frame = frame.with_columns(
        pl.col("SEX").str.to_uppercase().alias("_sex"),
        pl.col("AGEU").str.to_uppercase().alias("_ageu"),
    )
    frame = with_dates(frame, "BRTHDTC", "first", None, "_birth")
    age = pl.col("AGE").cast(pl.Float64, strict=False)
    findings.add_rows(
        "error",
        "sdtm.value",
        dm.file,
        "AGE",
        frame.filter(pl.col("AGE").is_not_null() & age.is_null()),
        "an age as a number",
        "write AGE as a number and its unit in AGEU",
    )
    findings.add_rows(
        "error",
        "sdtm.unit",
        dm.file,
        "AGEU",
        frame.filter(
            age.is_not_null()
            & (pl.col("_birth_precision") != "complete").fill_null(True)
            & (pl.col("_ageu").is_null() | ~pl.col("_ageu").is_in(list(AGE_UNITS)))
        ).with_columns(pl.col("AGEU").fill_null("(empty)")),
        f"an age unit: {', '.join(AGE_UNITS)}",
        "write the unit of AGE in AGEU",
    )
    birth = pl.when(pl.col("_birth_precision") == "complete").then(pl.col("_birth"))
    factor = pl.col("_ageu").replace_strict(AGE_UNITS, default=None, return_dtype=pl.Float64)

    # treatment start: first EX start (admiral TRTSDT: a dose > 0, or a placebo record)
    starts = pl.DataFrame(schema={_SUBJ: pl.String, "treatment_start": pl.Date})
    alive = [pl.DataFrame(schema={_SUBJ: pl.String, "date": pl.Date})]
    if "ex" in domains:
        ex = domains["ex"].frame
        if "EXDOSE" in ex.columns:
            dose = pl.col("EXDOSE").cast(pl.Float64, strict=False)
            placebo = (
                pl.col("EXTRT").str.to_uppercase().str.contains("PLACEBO")
                if "EXTRT" in ex.columns
                else pl.lit(False)
            )
            treated = ex.filter(dose.is_null() | (dose > 0) | ((dose == 0) & placebo))
        else:
            treated = ex
        starts = (
            _dates(treated, "EXSTDTC")
            .group_by(_SUBJ)
            .agg(pl.col("date").min().alias("treatment_start"))
        )
        alive.append(_dates(ex, "EXSTDTC"))
        if "EXENDTC" in ex.columns:
            alive.append(_dates(ex, "EXENDTC"))
    randomized = pl.DataFrame(schema={_SUBJ: pl.String, "randomized_on": pl.Date})
    if "ds" in domains:
        ds = domains["ds"].frame
        decod = pl.col("DSDECOD").str.to_uppercase()
        randomized = (
            _dates(ds.filter(decod == "RANDOMIZED"), "DSSTDTC")
            .group_by(_SUBJ)
            .agg(pl.col("date").min().alias("randomized_on"))
        )
        alive.append(_dates(ds.filter(decod.is_in(ALIVE_DS_TERMS)), "DSSTDTC"))
    alive.append(
        measurements.filter(~pl.col("_imputed")).select(
            pl.col("patient_id").alias(_SUBJ), pl.col("assessed_on").alias("date")
        )
    )
    alive.append(
        assessments.filter(pl.col("assessed_on_imputed").is_null()).select(
            pl.col("patient_id").alias(_SUBJ), pl.col("assessed_on").alias("date")
        )
    )
    last_record = (
        pl.concat([frame.lazy() for frame in alive])
        .group_by(_SUBJ)
        .agg(pl.col("date").max().alias("_last_record"))
        .collect()
    )

    # death: DTHDTC; a partial date is imputed to the first day (and month) as admiral's ADSL
    # template does, but never before the last record within the period it stands for
    frame = with_dates(frame, "DTHDTC", "first", "first", "_death")
    # the last day the date can stand for (partial_period_end), parsed once per distinct value
    frame = with_dates(frame, "DTHDTC", "last", "last", "_death_end").drop(
        "_death_end_flag", "_death_end_precision"
    )
    frame = (
        frame.join(starts, on=_SUBJ, how="left")
        .join(randomized, on=_SUBJ, how="left")
        .join(last_record, on=_SUBJ, how="left")
    )
    partial = pl.col("_death_precision").is_in(["no_day", "no_month"])
    raised = (
        partial
        & (pl.col("_last_record") > pl.col("_death"))
        & (pl.col("_last_record") <= pl.col("_death_end"))
    )
    frame = frame.with_columns(
        pl.when(raised).then(pl.col("_last_record")).otherwise(pl.col("_death")).alias("_death")
    )
    imputed = frame.filter(partial)
    if not imputed.is_empty():
        findings.add_rows(
            "warning",
            "sdtm.death_imputed",
            dm.file,
            "DTHDTC",
            imputed,
            "a complete death date",
            "the missing day (month) is imputed as the first (admiral's ADSL rule), or as the "
            "last record's date when that is later within the same month (year)",
        )
    findings.add_rows(
        "error",
        "sdtm.death_before_last_record",
        dm.file,
        "DTHDTC",
        frame.filter(pl.col("_last_record") > pl.col("_death")).with_columns(
            pl.format(
                "a death date on or after the subject's last record ({})",
                pl.col("_last_record").dt.to_string("%Y-%m-%d"),
            ).alias("_expected")
        ),
        "a death date on or after the subject's last record",
        "check DTHDTC against the subject's EX, DS, TR and RS dates",
    )
    no_date = frame.filter((pl.col("DTHFL").str.to_uppercase() == "Y") & pl.col("DTHDTC").is_null())
    if not no_date.is_empty():
        findings.add_rows(
            "warning",
            "sdtm.death_without_date",
            dm.file,
            "DTHDTC",
            no_date,
            "a death date for a subject with DTHFL = Y",
            "the subject is imported as alive at the last record; add DTHDTC",
        )
    return frame.select(
        ROW_COLUMN,
        pl.col(_SUBJ).alias("patient_id"),
        pl.lit(histology).alias("histology"),
        pl.when(pl.col("_sex").is_in(["F", "M"])).then(pl.col("_sex")).alias("sex"),
        birth.alias("birth_date"),
        pl.when(birth.is_null()).then(age * factor).alias("age_at_start_years"),
        pl.lit(None, pl.Float64).alias("weight_kg"),
        pl.lit(None, pl.Int64).alias("ecog"),
        "treatment_start",
        "randomized_on",
        pl.max_horizontal("_last_record", "_death").alias("last_known_alive"),
        pl.col("_death").alias("death_date"),
    )


# --- ADSL (optional) --------------------------------------------------------------------------


_ADSL_CHECKED = {
    "RANDDT": ("randomized_on", "DS DSSTDTC of the RANDOMIZED record"),
    "TRTSDT": ("treatment_start", "the first EX EXSTDTC"),
    "DTHDT": ("death_date", "DM DTHDTC"),
}


def _apply_adsl(path: Path, patients: pl.DataFrame, findings: Findings) -> pl.DataFrame:
    """last_known_alive from ADSL LSTALVDT, after checking ADSL agrees with the domains."""
    if not path.is_file():
        findings.add(
            "error",
            "adsl.missing",
            str(path),
            "an ADaM ADSL file (CSV or XPT)",
            "give the path of the ADSL file with --adsl",
        )
        return patients
    wanted = {"USUBJID", "LSTALVDT", *_ADSL_CHECKED}
    adsl = read_table(path, "ADSL", ("USUBJID", "LSTALVDT"), findings, wanted)
    if adsl is None:
        return patients
    frame = adsl.frame.filter(pl.col(_SUBJ).is_not_null())
    file = adsl.file
    for column in ["LSTALVDT", *_ADSL_CHECKED]:
        if column not in frame.columns:
            continue
        text = pl.col(column).str.slice(0, 10)
        parsed = text.str.to_date("%Y-%m-%d", strict=False)
        findings.add_rows(
            "error",
            "adsl.date",
            file,
            column,
            frame.filter(pl.col(column).is_not_null() & parsed.is_null()),
            "a complete ISO 8601 date (YYYY-MM-DD)",
            "export ADSL with dates as ISO 8601 text (or SAS dates in an XPT)",
        )
        frame = frame.with_columns(parsed.alias(f"_{column}"))
    ours = patients.select(
        pl.col("patient_id").alias(_SUBJ), *[c for c, _ in _ADSL_CHECKED.values()]
    )
    findings.add_rows(
        "error",
        "adsl.unknown_subject",
        file,
        _SUBJ,
        frame.join(ours, on=_SUBJ, how="anti"),
        "a subject listed in DM",
        "use the ADSL derived from these SDTM domains",
    )
    joined = frame.join(ours, on=_SUBJ, how="inner")
    for column, (mine, source) in _ADSL_CHECKED.items():
        if column not in frame.columns:
            continue
        differ = joined.filter(pl.col(f"_{column}").ne_missing(pl.col(mine))).with_columns(
            pl.format(
                "the date {} gives ({})",
                pl.lit(source),
                pl.col(mine).dt.to_string("%Y-%m-%d").fill_null("empty"),
            ).alias("_expected")
        )
        findings.add_rows(
            "error",
            "adsl.disagrees",
            file,
            column,
            differ,
            f"the date {source} gives",
            "use the ADSL derived from these SDTM domains, or import without --adsl",
        )
    missing = patients.join(
        frame.select(pl.col(_SUBJ).alias("patient_id")), on="patient_id", how="anti"
    )
    if not missing.is_empty():
        findings.add(
            "warning",
            "adsl.subject_missing",
            file,
            "an ADSL record for every DM subject",
            f"{missing.height} subjects keep the last-known-alive date derived from the domains "
            f"(first: {missing['patient_id'][0]})",
        )
    lstalvdt = joined.select(
        pl.col(_SUBJ).alias("patient_id"),
        pl.col("_LSTALVDT"),
        pl.col(ROW_COLUMN).alias("_adsl_row"),
    )
    out = patients.join(lstalvdt, on="patient_id", how="left")
    early = out.filter(pl.col("_LSTALVDT") < pl.col("treatment_start"))
    findings.add_rows(
        "warning",
        "adsl.alive_before_start",
        file,
        "LSTALVDT",
        early.with_columns(
            pl.col("_adsl_row").alias(ROW_COLUMN), pl.col("_LSTALVDT").dt.to_string("%Y-%m-%d")
        ),
        "a last-known-alive date on or after the first treatment date",
        "the treatment start (first EX EXSTDTC) is used instead: the subject was alive then",
        value="_LSTALVDT",
    )
    kept = out.filter(pl.col("_LSTALVDT").is_null() & pl.col("treatment_start").is_not_null())
    kept = kept.join(frame.select(pl.col(_SUBJ).alias("patient_id")), on="patient_id", how="semi")
    if not kept.is_empty():
        findings.add(
            "warning",
            "adsl.no_lstalvdt",
            file,
            "LSTALVDT for every treated subject",
            f"{kept.height} treated subjects without LSTALVDT keep the date derived from the "
            f"domains (first: {kept['patient_id'][0]})",
            column="LSTALVDT",
        )
    return out.with_columns(
        pl.when(pl.col("_LSTALVDT").is_not_null())
        .then(pl.max_horizontal("_LSTALVDT", "treatment_start"))
        .otherwise(pl.col("last_known_alive"))
        .alias("last_known_alive")
    ).drop("_LSTALVDT", "_adsl_row")


# --- the study --------------------------------------------------------------------------------


def _typed(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The table with exactly the format's columns, in order and typed (plus ``_row``)."""
    schema = empty_table(name).schema
    return frame.select(pl.col(c).cast(t) for c, t in schema.items())


def _study_name(dm: Domain, folder: Path) -> str:
    if "STUDYID" in dm.frame.columns:
        ids = sorted({str(v) for v in dm.frame["STUDYID"].drop_nulls().unique().to_list()})
        if ids:
            return f"{', '.join(ids)} (SDTM import)"
    return f"{folder.name} (SDTM import)"


def _complete_max(column: str) -> pl.Expr:
    """The latest complete date (``YYYY-MM-DD...``) of a ``--DTC`` column."""
    values = pl.col(column).unique()  # few distinct dates: each is parsed once
    complete = values.filter(values.str.contains(r"^\d{4}-\d{2}-\d{2}"))
    return complete.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).max()


def _latest_date(domains: dict[str, Domain], findings: Findings) -> dt.date:
    """The latest complete date in any ``--DTC`` variable of the domains read."""
    latest: dt.date | None = None
    for domain in domains.values():
        columns = [c for c in domain.frame.columns if c.endswith("DTC")]
        if not columns:
            continue
        maxima = domain.frame.lazy().select(_complete_max(c) for c in columns).collect().row(0)
        for value in maxima:
            if value is not None and (latest is None or value > latest):
                latest = value
    if latest is None:
        findings.add(
            "error",
            "sdtm.no_dates",
            domains["dm"].file,
            "at least one complete date (--DTC) to take the data cut-off from",
            "give the cut-off with --cutoff YYYY-MM-DD",
        )
        return dt.date(1900, 1, 1)
    return latest
