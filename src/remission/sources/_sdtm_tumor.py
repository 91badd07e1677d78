"""SDTM TU, TR and RS into ``lesions``, ``measurements`` and ``assessments``, vectorised.

The tumor domains are the large ones (TR holds several records per lesion and scan), so the
work is done as lazy Polars plans collected once, grouped on whole-number keys (a lesion's
row number, a date) rather than on text, and each check's rows are looked for only when a
single pass over the records says there are some. The rules are in ``docs/sources.md``.
"""

from __future__ import annotations

import polars as pl

from remission._keys import day_key, key_date, key_number
from remission.sources._sdtm_dates import with_dates
from remission.sources._sdtm_files import Domain, Findings
from remission.study import ROW_COLUMN, TABLES, empty_table

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

_SUBJ = "USUBJID"
_LESION = "_lesion"
"""A lesion's row number in the lesions table: TR records are grouped on it, not on text."""
_KEY = "_key"
_STATE_NAMES = sorted({*TUMSTATE_STATES.values(), *RESULT_STATES.values(), "not_evaluated"})
"""The states a TR record can give, in text order: a state travels through the group-by as its
position here, a small number, and the smallest (largest) number is the state whose name is
first (last) in text order, so ``min``/``max`` pick what they would pick on the names, at a
fraction of the cost of comparing text."""
_STATE_CODE = {name: i for i, name in enumerate(_STATE_NAMES)}


def keep_evaluator(domain: Domain, label: str, evaluator: str, findings: Findings) -> Domain:
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


# --- lesions (TU) ----------------------------------------------------------------------------


def _organ(location: pl.Expr) -> pl.Expr:
    upper = location.str.to_uppercase()
    expr = pl.when(upper.is_null()).then(pl.lit("other"))
    for organ, pattern in ORGAN_PATTERNS:
        expr = expr.when(upper.str.contains(pattern)).then(pl.lit(organ))
    return expr.otherwise(pl.lit("other"))


def map_lesions(tu: Domain | None, findings: Findings) -> pl.DataFrame:
    """One row per TU lesion (TUTESTCD = TUMIDENT): site, organ, nodal, target."""
    if tu is None:
        return _empty_lesions()
    frame = tu.frame.with_columns(pl.col("TUTESTCD").str.to_uppercase().alias("_test"))
    other = frame.filter(pl.col("_test") != "TUMIDENT")
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
    frame = frame.filter(pl.col("_test") == "TUMIDENT")
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
        frame.lazy()
        .join(organs.lazy(), on="TULOC", how="left", nulls_equal=True)
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
        .collect()
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
    if not lesions.select(pl.struct(key).is_duplicated().any()).item():
        return lesions
    # a lesion identified twice: the same site and role again is harmless, anything else is
    # a conflict; only the (rare) repeated lesions are looked at row by row
    rows = lesions.filter(pl.struct(key).is_duplicated()).sort(ROW_COLUMN)
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


# --- measurements (TR) -----------------------------------------------------------------------


def map_measurements(
    tr: Domain | None, lesions: pl.DataFrame, tu_read: Domain | None, findings: Findings
) -> pl.DataFrame:
    """One row per lesion and assessment date from TR's LDIAM, LPERP and TUMSTATE records.

    Besides the study columns it keeps ``_imputed`` (the date's day was imputed) and
    ``_lesion`` (the lesion's row number in ``lesions``).
    """
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
    # each test as a small number (0 LDIAM, 1 LPERP, 2 TUMSTATE; other tests none)
    used = (*DIAMETER_TESTS, STATE_TEST)
    code = {name: i for i, name in enumerate(used)}
    frame = tr.frame.with_columns(
        pl.col("TRTESTCD")
        .str.to_uppercase()
        .replace_strict(code, default=None, return_dtype=pl.UInt8)
        .alias("_test")
    )
    other = frame.filter(pl.col("_test").is_null() & pl.col("TRTESTCD").is_not_null())
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
    frame = frame.filter(pl.col("_test").is_not_null())
    test = pl.col("_test")
    has = {c: c in frame.columns for c in ("TRSTRESN", "TRSTRESC", "TRSTRESU", "TRSTAT")}
    number = pl.col("TRSTRESN") if has["TRSTRESN"] else pl.lit(None, pl.String)
    result = pl.col("TRSTRESC") if has["TRSTRESC"] else pl.lit(None, pl.String)
    unit = pl.col("TRSTRESU") if has["TRSTRESU"] else pl.lit(None, pl.String)
    status = pl.col("TRSTAT") if has["TRSTAT"] else pl.lit(None, pl.String)
    # each record gets its lesion's number (a whole number groups much faster than text)
    known = lesions.select(
        pl.col("patient_id").alias(_SUBJ), pl.col("lesion_id").alias("TRLNKID")
    ).with_row_index(_LESION)
    records = (
        with_dates(frame, "TRDTC", "first", None, "assessed_on")
        .lazy()
        .with_columns(
            pl.coalesce(
                number.cast(pl.Float64, strict=False), result.cast(pl.Float64, strict=False)
            ).alias("_value"),
            result.str.to_uppercase().alias("_result"),
            unit.alias("_unit"),
            status.str.to_uppercase().alias("_status"),
        )
        .join(known.lazy(), on=[_SUBJ, "TRLNKID"], how="left")
    )
    diameter = test < code[STATE_TEST]
    state_test = test == code[STATE_TEST]
    text = diameter & pl.col("_value").is_null() & pl.col("_result").is_not_null()
    conditions = {
        "no_link": pl.col("TRLNKID").is_null(),
        "no_date": pl.col("TRDTC").is_null(),
        "year_only": pl.col("assessed_on_precision") == "no_month",
        "text": text & ~pl.col("_result").is_in(list(RESULT_STATES)),
        "unit": diameter
        & pl.col("_value").is_not_null()
        & (pl.col("_unit").str.to_lowercase().fill_null("") != "mm"),
        "state": state_test
        & pl.col("_result").is_not_null()
        & ~pl.col("_result").is_in(list(TUMSTATE_STATES)),
        "unknown": pl.col("TRLNKID").is_not_null()
        & pl.col("assessed_on").is_not_null()
        & pl.col(_LESION).is_null(),
    }

    # what each record says about the lesion's state, before records are combined
    # (as its code in _STATE_NAMES)
    def state_code(states: dict[str, str]) -> pl.Expr:
        codes = {result: _STATE_CODE[state] for result, state in states.items()}
        return pl.col("_result").replace_strict(codes, default=None, return_dtype=pl.UInt8)

    row_state = (
        pl.when(state_test)
        .then(state_code(TUMSTATE_STATES))
        .when(pl.col("_status") == "NOT DONE")
        .then(pl.lit(_STATE_CODE["not_evaluated"], pl.UInt8))
        .when(text)
        .then(state_code(RESULT_STATES))
    )
    # one row per lesion and date, grouped on one whole number (``day_key``). Records
    # repeating a test of the lesion and date must agree (else an error, below), so the largest
    # value of a test is its only value; each record's contribution is set up first, so that
    # the group-by only takes min/max/sum
    lesion_day = day_key(pl.col(_LESION), pl.col("assessed_on"))
    measured = records.filter(
        pl.col(_LESION).is_not_null() & pl.col("assessed_on").is_not_null()
    ).select(
        lesion_day.alias(_KEY),
        ROW_COLUMN,
        "TRTESTCD",
        "_test",
        "_value",
        "_result",
        "_unit",
        "assessed_on_flag",
        row_state.alias("_state"),
    )
    # one pass over the records says which checks found anything (their rows are only looked
    # up then) and, sharing the work, gives the records that are combined below
    flags, measured = pl.collect_all(
        [records.select(c.fill_null(False).any().alias(k) for k, c in conditions.items()), measured]
    )
    found = {k: bool(v) for k, v in flags.row(0, named=True).items()}
    bad = (
        records.collect() if any(found.values()) else pl.DataFrame(schema=records.collect_schema())
    )

    def rows(name: str) -> pl.DataFrame:
        return bad.filter(conditions[name]) if found[name] else bad.clear()

    findings.add_rows(
        "error",
        "sdtm.value_missing",
        tr.file,
        "TRLNKID",
        rows("no_link"),
        "a lesion identifier (TRLNKID) matching a TU TULNKID",
        "fill in TRLNKID",
    )
    findings.add_rows(
        "error",
        "sdtm.value_missing",
        tr.file,
        "TRDTC",
        rows("no_date"),
        "the date of the assessment",
        "fill in TRDTC (at least year and month)",
    )
    findings.add_rows(
        "error",
        "sdtm.date_partial",
        tr.file,
        "TRDTC",
        rows("year_only"),
        "an assessment date with at least year and month (a missing day is imputed as the "
        "1st, as admiralonco's ADTR does)",
        "write the month of the scan; a year alone cannot place it among the assessments",
    )
    findings.add_rows(
        "error",
        "sdtm.value",
        tr.file,
        "TRSTRESC",
        rows("text"),
        "a diameter in mm (or TOO SMALL TO MEASURE, NOT EVALUABLE)",
        "write the diameter as a number in TRSTRESN/TRSTRESC",
    )
    findings.add_rows(
        "error",
        "sdtm.unit",
        tr.file,
        "TRSTRESU",
        rows("unit").with_columns(pl.col("_unit").fill_null("(empty)")),
        "mm (remission takes lesion diameters in millimetres)",
        "convert TRSTRESN to millimetres (1 cm = 10 mm) and set TRSTRESU to mm",
        value="_unit",
    )
    findings.add_rows(
        "error",
        "sdtm.value",
        tr.file,
        "TRSTRESC",
        rows("state"),
        f"a tumor state: {', '.join(TUMSTATE_STATES)}",
        "write the state as the SDTM codelist has it",
    )
    findings.add_rows(
        "error",
        "sdtm.unknown_lesion",
        tr.file,
        "TRLNKID",
        rows("unknown"),
        f"a lesion identified in TU ({tu_read.file}) for this subject and evaluator",
        "add the lesion's TUMIDENT record to TU, or correct TRLNKID",
    )
    tests = (*DIAMETER_TESTS, STATE_TEST)
    wide = (
        measured.lazy()
        .select(
            _KEY,
            ROW_COLUMN,
            pl.col("assessed_on_flag").is_not_null().alias("_imp"),
            pl.when(test == code["LDIAM"]).then("_value").alias("_ld"),
            pl.when(test == code["LPERP"]).then("_value").alias("_lp"),
            pl.when(state_test).then("_state").alias("_ts"),
            pl.when(~state_test).then("_state").alias("_tx"),
            *((test == code[t]).cast(pl.UInt32).alias(f"_n{t}") for t in tests),
        )
        .group_by(_KEY)
        .agg(
            pl.col(ROW_COLUMN).min(),
            pl.col("_imp").any().alias("_imputed"),
            pl.col("_ld").max().alias("longest_mm"),
            pl.col("_lp").max().alias("perpendicular_mm"),
            pl.col("_ts").max().alias("_tumstate"),
            pl.col("_tx").min().alias("_text_state"),
            pl.max_horizontal(pl.col(f"_n{t}").sum() for t in tests).alias("_most"),
        )
        .sort(ROW_COLUMN)
        .with_columns(
            pl.col("_tumstate", "_text_state").replace_strict(
                dict(enumerate(_STATE_NAMES)), default=None, return_dtype=pl.String
            )
        )
        .collect()
    )
    if wide.select((pl.col("_most") > 1).any()).item():
        repeated = wide.filter(pl.col("_most") > 1).select(_KEY)
        _report_repeats(measured, repeated, tr.file, findings)
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
    # the key gives back the lesion's row number, which picks its columns (no join needed)
    wide = wide.with_columns(
        key_number(pl.col(_KEY)).cast(pl.UInt32).alias(_LESION),
        key_date(pl.col(_KEY)).alias("assessed_on"),
    )
    picked = lesions.select(
        pl.col(c).gather(wide[_LESION]) for c in ("patient_id", "lesion_id", "nodal")
    )
    return pl.concat([wide, picked], how="horizontal").select(
        ROW_COLUMN,
        "patient_id",
        "lesion_id",
        "assessed_on",
        longest,
        perp,
        pl.when(pl.col("nodal")).then(perp).otherwise(None).alias("short_axis_mm"),
        state.alias("state"),
        "_imputed",
        _LESION,
    )


def _report_repeats(
    frame: pl.DataFrame, groups: pl.DataFrame, file: str, findings: Findings
) -> None:
    """Report repeated TR records: a conflicting result is an error, an exact repeat a note.

    A repeat with the same result carries nothing new (the pharmaverse test data repeat some
    TUMSTATE records); the first record of each group is the one kept. ``frame`` holds the
    records with their lesion-and-day key, ``groups`` the keys with a test recorded twice.
    """
    group = [_KEY, "_test"]
    result = ["_value", "_result", "_unit"]
    rows = frame.lazy().join(groups.lazy(), on=_KEY, how="semi")
    # per lesion, date and test: its first record, and how many different results it has
    summary = rows.group_by(group).agg(
        pl.col(ROW_COLUMN).min().alias("_first"),
        pl.struct(result).n_unique().alias("_results"),
    )
    rows = (
        rows.join(summary, on=group, how="left", nulls_equal=True)
        .with_columns(
            (pl.col(ROW_COLUMN) != pl.col("_first")).alias("_later"),
            (pl.col("_results") == 1).alias("_same"),
        )
        .sort(ROW_COLUMN)
        .collect()
    )
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
    return empty_table("measurements").with_columns(
        pl.lit(False).alias("_imputed"), pl.lit(None, pl.UInt32).alias(_LESION)
    )


def add_first_seen(
    lesions: pl.DataFrame, measurements: pl.DataFrame, tu: Domain | None, findings: Findings
) -> pl.DataFrame:
    """``first_seen_on``: the lesion's first TR date, else TUDTC (a missing day is the 1st).

    ``measurements`` is ``map_measurements(..., lesions, ...)``: its ``_lesion`` numbers the
    rows of ``lesions``.
    """
    first = measurements.lazy().group_by(_LESION).agg(pl.col("assessed_on").min().alias("_first"))
    lesions = (
        lesions.lazy()
        .with_row_index(_LESION)
        .join(first, on=_LESION, how="left")
        .drop(_LESION)
        .sort(ROW_COLUMN)
        .collect()
    )
    lesions = with_dates(lesions, "TUDTC", "first", "first", "_tudtc")
    lesions = lesions.with_columns(pl.coalesce("_first", "_tudtc").alias("first_seen_on"))
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


def map_assessments(rs: Domain | None, findings: Findings) -> pl.DataFrame:
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
    frame = with_dates(frame, "RSDTC", "last", "last", "assessed_on")
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
    if out.select(pl.struct(key).is_duplicated().any()).item():
        repeated = out.filter(pl.struct(key).is_duplicated()).sort(ROW_COLUMN)
        findings.add_rows(
            "error",
            "sdtm.duplicate_record",
            rs.file,
            "RSSEQ",
            repeated.filter(pl.int_range(pl.len()).over(key) > 0).rename({"sequence": "RSSEQ"}),
            "one overall response per subject, date and RSSEQ for the evaluator",
            "remove the repeated record, or mark the accepted one with RSACPTFL = Y",
        )
    return out.sort(ROW_COLUMN)
