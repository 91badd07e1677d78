"""CDISC SDTM (DM, DS, EX, TU, TR, RS) into the study format: the mapping, vectorised.

Every rule is documented in ``docs/sources.md`` with a table of SDTM variable -> study
column. Nothing here loops over subjects or records: each table is built by Polars joins and
group-bys over whole domains, so 100,000 subjects take seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

import remission
from remission.sources._sdtm_dates import (
    DTC_EXPECTED,
    DTC_FIX,
    dtc_impute,
    dtc_precision,
    partial_period_end,
)
from remission.sources._sdtm_files import (
    Domain,
    Findings,
    find_domain_files,
    read_table,
)
from remission.study import ROW_COLUMN, TABLES, Study, StudyConfig, empty_table

EVALUATOR = "INVESTIGATOR"
"""Default evaluator of tumor records (TUEVAL, TREVAL, RSEVAL), as admiralonco's templates."""

HISTOLOGY = "not recorded"
"""Histology given to every patient when none is named (SDTM DM does not record it)."""

ALIVE_DS_TERMS = ("FINAL LAB VISIT",)
"""DS events (DSDECOD) whose date counts as a date the subject was known alive. It stands in
for the last laboratory date that admiral's ADSL template uses (LB is not read)."""

DIAMETER_TESTS = ("LDIAM", "LPERP")
STATE_TEST = "TUMSTATE"

TUMSTATE_STATES = {
    "PRESENT": "present",
    "ABSENT": "absent",
    "UNEQUIVOCAL": "unequivocal_progression",
    "UNEQUIVOCAL PROGRESSION": "unequivocal_progression",
    "EQUIVOCAL": "not_evaluated",
    "NOT EVALUABLE": "not_evaluated",
    "NOT ASSESSABLE": "not_evaluated",
    "NE": "not_evaluated",
    "NOT DONE": "not_evaluated",
    "TOO SMALL TO MEASURE": "too_small",
}
"""TR TUMSTATE results (TRSTRESC) -> ``measurements.state``."""

RESULT_STATES = {
    "TOO SMALL TO MEASURE": "too_small",
    "TOO SMALL": "too_small",
    "NOT EVALUABLE": "not_evaluated",
    "NOT ASSESSABLE": "not_evaluated",
    "NE": "not_evaluated",
    "NOT DONE": "not_evaluated",
}
"""Text results of a diameter test (TRSTRESC without a number) -> ``measurements.state``."""

LESION_ROLES = {"TARGET": True, "NON-TARGET": False, "NEW": False}
"""TU TUMIDENT results (TUSTRESC) -> ``lesions.target``."""

ORGAN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("lymph_node", r"\bLYMPH|\bNODES?\b|\bNODAL\b"),
    ("adrenal", r"\bADRENAL"),
    ("brain", r"\bBRAIN|\bCEREBR|\bCEREBELL"),
    ("breast", r"\bBREAST"),
    (
        "intestine",
        r"\bINTESTIN|\bCOLON|\bRECT(UM|AL)\b|\bBOWEL|\bDUODEN|\bJEJUN|\bILEUM|\bC(A)?ECUM|\bSIGMOID",
    ),
    ("kidney", r"\bKIDNEY|\bRENAL\b"),
    ("liver", r"\bLIVER|\bHEPAT"),
    ("lung", r"\bLUNG|\bPULMONARY|\bBRONCH"),
    ("pleura", r"\bPLEURA"),
    ("peritoneum", r"\bPERITON|\bOMENT|\bMESENTER"),
    ("pancreas", r"\bPANCREA"),
    ("spleen", r"\bSPLEEN|\bSPLENIC"),
    ("subcutaneous", r"\bSUBCUTANEOUS"),
    ("skin", r"\bSKIN\b|\bCUTANEOUS|\bDERMAL"),
    ("soft_tissue", r"\bSOFT TISSUE"),
    ("muscle", r"\bMUSCLE"),
    (
        "bone",
        r"\bBONE|\bVERTEBRA|\bSPINE\b|\bRIBS?\b|\bFEMUR|\bSKULL|\bSTERNUM|\bHUMERUS|\bSACRUM"
        r"|\bCLAVICLE|\bSCAPULA|\bTIBIA|\bFIBULA|\bACETABUL",
    ),
)
"""TULOC (upper case) -> ``lesions.organ``: the first pattern that matches wins (so ADRENAL
GLAND is adrenal, not kidney); a location matching none is ``other``."""

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
        name: _keep_evaluator(domains[name], name.upper(), evaluator, findings)
        for name in ("tu", "tr", "rs")
        if name in domains
    }
    lesions = _lesions(tumor.get("tu"), findings)
    measurements = _measurements(tumor.get("tr"), lesions, domains.get("tu"), findings)
    lesions = _first_seen(lesions, measurements, domains.get("tu"), findings)
    assessments = _assessments(tumor.get("rs"), findings)
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
        reference_date="randomization",
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
    subjects = dm.frame.select(_SUBJ).drop_nulls().unique()
    for name, domain in domains.items():
        frame = domain.frame
        findings.add_rows(
            "error",
            "sdtm.value_missing",
            domain.file,
            _SUBJ,
            frame.filter(pl.col(_SUBJ).is_null()),
            "a subject identifier (USUBJID)",
            "fill in USUBJID or remove the record",
        )
        if name == "dm":
            findings.add_rows(
                "error",
                "sdtm.duplicate_subject",
                domain.file,
                _SUBJ,
                frame.filter(pl.col(_SUBJ).is_not_null() & pl.col(_SUBJ).is_duplicated()).filter(
                    pl.int_range(pl.len()).over(_SUBJ) > 0
                ),
                "one DM record per subject",
                "remove the repeated record",
            )
            continue
        orphans = frame.filter(pl.col(_SUBJ).is_not_null()).join(subjects, on=_SUBJ, how="anti")
        findings.add_rows(
            "error",
            "sdtm.unknown_subject",
            domain.file,
            _SUBJ,
            orphans,
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


def _with_dates(
    frame: pl.DataFrame, column: str, day: str, month: str | None, name: str
) -> pl.DataFrame:
    """Add ``name`` (imputed date) and ``name_flag``; each distinct value is parsed once."""
    values = frame.select(pl.col(column).unique()).drop_nulls()
    date, flag = dtc_impute(pl.col(column), day, month)  # type: ignore[arg-type]
    values = values.with_columns(
        date.alias(name), flag.alias(f"{name}_flag"), dtc_precision(pl.col(column)).alias("_p")
    )
    return frame.join(values, on=column, how="left").rename({"_p": f"{name}_precision"})


def _keep_evaluator(domain: Domain, label: str, evaluator: str, findings: Findings) -> Domain:
    """One evaluator's records (filtered while reading); with several assessors of that
    evaluator, a subject's accepted records (``--ACPTFL = "Y"``) when it has any."""
    frame = domain.frame
    column, accepted = f"{label}EVAL", f"{label}ACPTFL"
    wanted = evaluator.strip().upper()
    if not domain.filtered:
        findings.add(
            "warning",
            "sdtm.no_evaluator",
            domain.file,
            f"a column {column} naming who evaluated each record",
            f"every record is taken as the {wanted}'s",
            column=column,
        )
        return domain
    if frame.is_empty() and domain.others:
        findings.add(
            "error",
            "sdtm.evaluator",
            domain.file,
            f"records of the evaluator {wanted}",
            f"choose --evaluator from: {', '.join(domain.others)}",
            column=column,
            value=wanted,
        )
        return domain
    if accepted in frame.columns:
        flag = (pl.col(accepted).str.to_uppercase() == "Y").fill_null(False)
        chosen = frame.filter(flag).select(_SUBJ).unique()
        if not chosen.is_empty():
            frame = frame.filter(flag | ~pl.col(_SUBJ).is_in(chosen[_SUBJ].implode()))
    return Domain(domain.name, domain.file, frame, domain.filtered)


# --- lesions and measurements (TU, TR) -------------------------------------------------------


def _organ(location: pl.Expr) -> pl.Expr:
    upper = location.str.to_uppercase()
    expr = pl.when(upper.is_null()).then(pl.lit("other"))
    for organ, pattern in ORGAN_PATTERNS:
        expr = expr.when(upper.str.contains(pattern)).then(pl.lit(organ))
    return expr.otherwise(pl.lit("other"))


def _lesions(tu: Domain | None, findings: Findings) -> pl.DataFrame:
    """One row per TU lesion (TUTESTCD = TUMIDENT): site, organ, nodal, target."""
    if tu is None:
        return _empty_lesions()
    frame = tu.frame
    other = frame.filter(pl.col("TUTESTCD").str.to_uppercase() != "TUMIDENT")
    if not other.is_empty():
        tests = sorted(set(other["TUTESTCD"].drop_nulls().to_list()))
        findings.add(
            "warning",
            "sdtm.tests_ignored",
            tu.file,
            "TUTESTCD TUMIDENT (tumor identification)",
            f"{other.height} records of other tests are not used ({', '.join(tests)})",
            column="TUTESTCD",
        )
    frame = frame.filter(pl.col("TUTESTCD").str.to_uppercase() == "TUMIDENT")
    findings.add_rows(
        "error",
        "sdtm.value_missing",
        tu.file,
        "TULNKID",
        frame.filter(pl.col("TULNKID").is_null()),
        "a lesion identifier (TULNKID) linking the lesion to its TR records",
        "fill in TULNKID",
    )
    role = pl.col("TUSTRESC").str.to_uppercase()
    findings.add_rows(
        "error",
        "sdtm.value",
        tu.file,
        "TUSTRESC",
        frame.filter(role.is_null() | ~role.is_in(list(LESION_ROLES))),
        "TARGET, NON-TARGET or NEW",
        "write the lesion's role in TUSTRESC as the SDTM codelist has it",
    )
    frame = frame.with_columns(
        pl.lit(None, pl.String).alias(name)
        for name in ("TULOC", "TULAT", "TUDTC")
        if name not in frame.columns
    )
    location, laterality = pl.col("TULOC"), pl.col("TULAT")
    frame = frame.filter(pl.col("TULNKID").is_not_null() & role.is_in(list(LESION_ROLES)))
    # the organ patterns run once per distinct location, not once per lesion
    organs = frame.select(location.unique()).with_columns(_organ(location).alias("organ"))
    lesions = (
        frame.join(organs, on="TULOC", how="left", nulls_equal=True)
        .select(
            ROW_COLUMN,
            pl.col(_SUBJ).alias("patient_id"),
            pl.col("TULNKID").alias("lesion_id"),
            pl.when(laterality.is_null())
            .then(location)
            .otherwise(pl.concat_str([location, pl.lit(" ("), laterality, pl.lit(")")]))
            .fill_null("not recorded")
            .alias("site"),
            "organ",
            role.replace_strict(LESION_ROLES, return_dtype=pl.Boolean).alias("target"),
            "TUDTC",
        )
        .with_columns((pl.col("organ") == "lymph_node").alias("nodal"))
        .sort(ROW_COLUMN)
    )
    unknown_site = frame.filter(location.is_null())
    if not unknown_site.is_empty():
        findings.add(
            "warning",
            "sdtm.no_location",
            tu.file,
            "a location (TULOC) for every lesion",
            f"{unknown_site.height} lesions get site 'not recorded', organ 'other' and count "
            "as not nodal",
            row=int(unknown_site[ROW_COLUMN].min()),  # type: ignore[arg-type]
            column="TULOC",
        )
    key = ["patient_id", "lesion_id"]
    repeated = lesions.group_by(key).agg(pl.len().alias("_n")).filter(pl.col("_n") > 1)
    if repeated.is_empty():
        return lesions
    # a lesion identified twice: the same site and role again is harmless, anything else is
    # a conflict; only the (rare) repeated lesions are looked at row by row
    rows = lesions.join(repeated.drop("_n"), on=key, how="semi").sort(ROW_COLUMN)
    rows = rows.with_columns(
        (pl.int_range(pl.len()).over(key) > 0).alias("_later"),
        (pl.struct("site", "target").n_unique().over(key) > 1).alias("_conflict"),
    )
    findings.add_rows(
        "error",
        "sdtm.duplicate_lesion",
        tu.file,
        "TULNKID",
        rows.filter(pl.col("_later") & pl.col("_conflict")).rename({"lesion_id": "TULNKID"}),
        "one identification (TUMIDENT) per lesion and evaluator",
        "give each lesion its own TULNKID, or remove the conflicting record",
    )
    later = rows.filter(pl.col("_later")).select(ROW_COLUMN)
    return lesions.join(later, on=ROW_COLUMN, how="anti").sort(ROW_COLUMN)


def _empty_lesions() -> pl.DataFrame:
    return (
        empty_table("lesions")
        .drop("first_seen_on")
        .with_columns(pl.lit(None, pl.String).alias("TUDTC"))
    )


def _measurements(
    tr: Domain | None, lesions: pl.DataFrame, tu_read: Domain | None, findings: Findings
) -> pl.DataFrame:
    """One row per lesion and assessment date from TR's LDIAM, LPERP and TUMSTATE records."""
    if tr is None:
        return _empty_measurements()
    if tu_read is None:
        if not tr.frame.is_empty():
            findings.add(
                "error",
                "sdtm.tu_missing",
                tr.file,
                "the TU domain beside TR: TR measures lesions that TU identifies",
                "add tu.xpt or tu.csv to the folder",
            )
        return _empty_measurements()
    frame = tr.frame.with_columns(pl.col("TRTESTCD").str.to_uppercase().alias("_test"))
    used = (*DIAMETER_TESTS, STATE_TEST)
    other = frame.filter(~pl.col("_test").is_in(used))
    if not other.is_empty():
        tests = sorted(set(other["TRTESTCD"].drop_nulls().to_list()))
        findings.add(
            "warning",
            "sdtm.tests_ignored",
            tr.file,
            f"TRTESTCD {', '.join(used)}",
            f"{other.height} records of other tests are not used ({', '.join(tests)})",
            column="TRTESTCD",
        )
    frame = frame.filter(pl.col("_test").is_in(used))
    findings.add_rows(
        "error",
        "sdtm.value_missing",
        tr.file,
        "TRLNKID",
        frame.filter(pl.col("TRLNKID").is_null()),
        "a lesion identifier (TRLNKID) matching a TU TULNKID",
        "fill in TRLNKID",
    )
    frame = _with_dates(frame, "TRDTC", "first", None, "assessed_on")
    findings.add_rows(
        "error",
        "sdtm.value_missing",
        tr.file,
        "TRDTC",
        frame.filter(pl.col("TRDTC").is_null()),
        "the date of the assessment",
        "fill in TRDTC (at least year and month)",
    )
    findings.add_rows(
        "error",
        "sdtm.date_partial",
        tr.file,
        "TRDTC",
        frame.filter(pl.col("assessed_on_precision") == "no_month"),
        "an assessment date with at least year and month (a missing day is imputed as the "
        "1st, as admiralonco's ADTR does)",
        "write the month of the scan; a year alone cannot place it among the assessments",
    )
    number = pl.col("TRSTRESN") if "TRSTRESN" in frame.columns else pl.lit(None, pl.String)
    result = pl.col("TRSTRESC") if "TRSTRESC" in frame.columns else pl.lit(None, pl.String)
    unit = pl.col("TRSTRESU") if "TRSTRESU" in frame.columns else pl.lit(None, pl.String)
    status = pl.col("TRSTAT") if "TRSTAT" in frame.columns else pl.lit(None, pl.String)
    frame = frame.with_columns(
        pl.coalesce(
            number.cast(pl.Float64, strict=False), result.cast(pl.Float64, strict=False)
        ).alias("_value"),
        result.str.to_uppercase().alias("_result"),
        unit.alias("_unit"),
        status.str.to_uppercase().alias("_status"),
    )
    diameter = pl.col("_test").is_in(DIAMETER_TESTS)
    text = diameter & pl.col("_value").is_null() & pl.col("_result").is_not_null()
    findings.add_rows(
        "error",
        "sdtm.value",
        tr.file,
        "TRSTRESC",
        frame.filter(text & ~pl.col("_result").is_in(list(RESULT_STATES))),
        "a diameter in mm (or TOO SMALL TO MEASURE, NOT EVALUABLE)",
        "write the diameter as a number in TRSTRESN/TRSTRESC",
    )
    findings.add_rows(
        "error",
        "sdtm.unit",
        tr.file,
        "TRSTRESU",
        frame.filter(
            diameter
            & pl.col("_value").is_not_null()
            & (pl.col("_unit").str.to_lowercase().fill_null("") != "mm")
        ).with_columns(pl.col("_unit").fill_null("(empty)")),
        "mm (remission takes lesion diameters in millimetres)",
        "convert TRSTRESN to millimetres (1 cm = 10 mm) and set TRSTRESU to mm",
        value="_unit",
    )
    findings.add_rows(
        "error",
        "sdtm.value",
        tr.file,
        "TRSTRESC",
        frame.filter(
            (pl.col("_test") == STATE_TEST)
            & pl.col("_result").is_not_null()
            & ~pl.col("_result").is_in(list(TUMSTATE_STATES))
        ),
        f"a tumor state: {', '.join(TUMSTATE_STATES)}",
        "write the state as the SDTM codelist has it",
    )
    # each record gets its lesion's number (a whole number groups much faster than text)
    known = lesions.select(
        pl.col("patient_id").alias(_SUBJ), pl.col("lesion_id").alias("TRLNKID")
    ).with_row_index("_lesion")
    frame = frame.filter(
        pl.col("TRLNKID").is_not_null() & pl.col("assessed_on").is_not_null()
    ).join(known, on=[_SUBJ, "TRLNKID"], how="left")
    findings.add_rows(
        "error",
        "sdtm.unknown_lesion",
        tr.file,
        "TRLNKID",
        frame.filter(pl.col("_lesion").is_null()),
        f"a lesion identified in TU ({tu_read.file}) for this subject and evaluator",
        "add the lesion's TUMIDENT record to TU, or correct TRLNKID",
    )
    # what each record says about the lesion's state, before records are combined
    row_state = (
        pl.when(pl.col("_test") == STATE_TEST)
        .then(pl.col("_result").replace_strict(TUMSTATE_STATES, default=None))
        .when(pl.col("_status") == "NOT DONE")
        .then(pl.lit("not_evaluated"))
        .when(text)
        .then(pl.col("_result").replace_strict(RESULT_STATES, default=None))
    )
    # one row per lesion and date; a test recorded twice is looked at on its own below
    value_of = {t: pl.col("_value").filter(pl.col("_test") == t).first() for t in DIAMETER_TESTS}
    key = ["_lesion", "assessed_on"]
    frame = frame.filter(pl.col("_lesion").is_not_null())
    wide = (
        frame.with_columns(row_state.alias("_state"))
        .group_by(key)
        .agg(
            pl.col(ROW_COLUMN).min(),
            pl.col("assessed_on_flag").is_not_null().any().alias("_imputed"),
            value_of["LDIAM"].alias("longest_mm"),
            value_of["LPERP"].alias("perpendicular_mm"),
            pl.col("_state").filter(pl.col("_test") == STATE_TEST).first().alias("_tumstate"),
            pl.col("_state").filter(pl.col("_test") != STATE_TEST).min().alias("_text_state"),
            pl.any_horizontal(
                (pl.col("_test") == t).sum() > 1 for t in (*DIAMETER_TESTS, STATE_TEST)
            ).alias("_repeated"),
        )
    )
    repeated = wide.filter(pl.col("_repeated")).select(key)
    if not repeated.is_empty():
        _report_repeats(frame, repeated, [*key, "_test"], tr.file, findings)
    wide = wide.join(
        lesions.select("patient_id", "lesion_id", "nodal").with_row_index("_lesion"),
        on="_lesion",
        how="left",
    )
    longest = pl.col("longest_mm")
    perp = pl.col("perpendicular_mm")
    state = (
        pl.when(pl.col("_tumstate").is_not_null())
        .then(pl.col("_tumstate"))
        .when(pl.col("_text_state").is_not_null())
        .then(pl.col("_text_state"))
        .when((longest == 0) & (perp.is_null() | (perp == 0)))
        .then(pl.lit("absent"))
        .when(longest.is_not_null())
        .then(pl.lit("present"))
        .otherwise(pl.lit("not_evaluated"))
    )
    return wide.select(
        ROW_COLUMN,
        "patient_id",
        "lesion_id",
        "assessed_on",
        longest,
        perp,
        pl.when(pl.col("nodal")).then(perp).otherwise(None).alias("short_axis_mm"),
        state.alias("state"),
        "_imputed",
    ).sort(ROW_COLUMN)


def _report_repeats(
    frame: pl.DataFrame, groups: pl.DataFrame, group: list[str], file: str, findings: Findings
) -> None:
    """Report repeated TR records: a conflicting result is an error, an exact repeat a note.

    A repeat with the same result carries nothing new (the pharmaverse test data repeat some
    TUMSTATE records); the first record of each group is the one kept.
    """
    rows = frame.join(groups, on=group[:-1], how="semi").sort(ROW_COLUMN)
    later = pl.int_range(pl.len()).over(group) > 0
    same = pl.struct("_value", "_result", "_unit").n_unique().over(group) == 1
    rows = rows.with_columns(later.alias("_later"), same.alias("_same"))
    findings.add_rows(
        "error",
        "sdtm.duplicate_record",
        file,
        "TRTESTCD",
        rows.filter(pl.col("_later") & ~pl.col("_same")),
        "one result per lesion, test and date for the evaluator",
        "remove the conflicting record, or mark the accepted one with TRACPTFL = Y",
    )
    repeats = rows.filter(pl.col("_later") & pl.col("_same"))
    if not repeats.is_empty():
        findings.add(
            "warning",
            "sdtm.repeated_record",
            file,
            "one record per lesion, test and date for the evaluator",
            f"records that repeat an earlier record's result exactly are left out "
            f"({repeats.height} records); remove them to silence this",
            row=int(repeats[ROW_COLUMN].min()),  # type: ignore[arg-type]
            column="TRTESTCD",
        )


def _empty_measurements() -> pl.DataFrame:
    return empty_table("measurements").with_columns(pl.lit(False).alias("_imputed"))


def _first_seen(
    lesions: pl.DataFrame, measurements: pl.DataFrame, tu: Domain | None, findings: Findings
) -> pl.DataFrame:
    """``first_seen_on``: the lesion's first TR date, else TUDTC (a missing day is the 1st)."""
    first = measurements.group_by("patient_id", "lesion_id").agg(
        pl.col("assessed_on").min().alias("_first")
    )
    lesions = lesions.join(first, on=["patient_id", "lesion_id"], how="left")
    lesions = _with_dates(lesions, "TUDTC", "first", "first", "_tudtc")
    lesions = lesions.with_columns(pl.coalesce("_first", "_tudtc").alias("first_seen_on")).sort(
        ROW_COLUMN
    )
    if tu is not None:
        findings.add_rows(
            "error",
            "sdtm.lesion_never_seen",
            tu.file,
            "TULNKID",
            lesions.filter(pl.col("first_seen_on").is_null()).rename({"lesion_id": "TULNKID"}),
            "a TR record of the lesion (or a TUDTC) dating when it was first seen",
            "add the lesion's measurements to TR, or its identification date as TUDTC",
        )
    return lesions.filter(pl.col("first_seen_on").is_not_null())


# --- assessments (RS) ------------------------------------------------------------------------


def _assessments(rs: Domain | None, findings: Findings) -> pl.DataFrame:
    """Overall responses (RSTESTCD = OVRLRESP) with admiralonco's date imputation."""
    if rs is None:
        return empty_table("assessments")
    responses = TABLES["assessments"].column("response").values
    frame = rs.frame.filter(pl.col("RSTESTCD").str.to_uppercase() == "OVRLRESP")
    response = pl.col("RSSTRESC").str.to_uppercase()
    empty = frame.filter(pl.col("RSSTRESC").is_null())
    if not empty.is_empty():
        findings.add(
            "warning",
            "sdtm.no_response",
            rs.file,
            "a response in RSSTRESC",
            f"{empty.height} overall-response records without a result are left out, as "
            "admiralonco leaves them out of the analysis",
            row=int(empty[ROW_COLUMN].min()),  # type: ignore[arg-type]
            column="RSSTRESC",
        )
    frame = frame.filter(pl.col("RSSTRESC").is_not_null())
    findings.add_rows(
        "error",
        "sdtm.value",
        rs.file,
        "RSSTRESC",
        frame.filter(~response.is_in(responses)),
        f"an overall response: {', '.join(responses)}",
        "write the response as RECIST 1.1 names it (iRECIST responses are not read yet)",
    )
    frame = _with_dates(frame, "RSDTC", "last", "last", "assessed_on")
    findings.add_rows(
        "error",
        "sdtm.value_missing",
        rs.file,
        "RSDTC",
        frame.filter(pl.col("RSDTC").is_null()),
        "the date of the assessment",
        "fill in RSDTC (a partial date such as 2014-02 is imputed)",
    )
    sequence = (
        pl.col("RSSEQ").cast(pl.Float64, strict=False)
        if "RSSEQ" in frame.columns
        else pl.lit(None, pl.Float64)
    )
    frame = frame.with_columns(sequence.alias("_seq"))
    if "RSSEQ" in frame.columns:
        findings.add_rows(
            "error",
            "sdtm.value",
            rs.file,
            "RSSEQ",
            frame.filter(
                pl.col("RSSEQ").is_not_null()
                & (pl.col("_seq").is_null() | (pl.col("_seq") != pl.col("_seq").floor()))
            ),
            "a whole sequence number",
            "number the records 1, 2, 3, ... within the subject",
        )
    out = frame.filter(response.is_in(responses) & pl.col("assessed_on").is_not_null()).select(
        ROW_COLUMN,
        pl.col(_SUBJ).alias("patient_id"),
        "assessed_on",
        response.alias("response"),
        pl.col("_seq").cast(pl.Int64, strict=False).alias("sequence"),
        pl.col("assessed_on_flag").alias("assessed_on_imputed"),
    )
    key = ["patient_id", "assessed_on", "sequence"]
    findings.add_rows(
        "error",
        "sdtm.duplicate_record",
        rs.file,
        "RSSEQ",
        out.filter(pl.int_range(pl.len()).over(key) > 0).rename({"sequence": "RSSEQ"}),
        "one overall response per subject, date and RSSEQ for the evaluator",
        "remove the repeated record, or mark the accepted one with RSACPTFL = Y",
    )
    return out.sort(ROW_COLUMN)


# --- patients (DM, DS, EX and the dates of every record) -------------------------------------


def _dates(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """USUBJID and the complete dates of ``column`` (partial and invalid ones dropped)."""
    values = frame.select(_SUBJ, column)
    return (
        _with_dates(values, column, "first", None, "_date")
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
    frame = _with_dates(frame, "BRTHDTC", "first", None, "_birth")
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
    last_record = pl.concat(alive).group_by(_SUBJ).agg(pl.col("date").max().alias("_last_record"))

    # death: DTHDTC; a partial date is imputed to the first day (and month) as admiral's ADSL
    # template does, but never before the last record within the period it stands for
    frame = _with_dates(frame, "DTHDTC", "first", "first", "_death")
    frame = frame.with_columns(partial_period_end(pl.col("DTHDTC")).alias("_death_end"))
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


def _latest_date(domains: dict[str, Domain], findings: Findings) -> dt.date:
    """The latest complete date in any ``--DTC`` variable of the domains read."""
    latest: dt.date | None = None
    for domain in domains.values():
        for column in domain.frame.columns:
            if not column.endswith("DTC"):
                continue
            text = pl.col(column).str.slice(0, 10)
            value = domain.frame.select(
                pl.when(pl.col(column).str.contains(r"^\d{4}-\d{2}-\d{2}"))
                .then(text.str.to_date("%Y-%m-%d", strict=False))
                .max()
            ).item()
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
