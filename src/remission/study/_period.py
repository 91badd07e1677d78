"""Every date of a study against the study period, and each patient's age.

The period runs from ``EARLIEST_DATE`` (1900-01-01) to the data cut-off (``cutoff_date`` in
study.toml), both included; a patient's own records cannot precede their birth, and the age at
treatment start, however derived, lies between 0 and 120 years. Dates are compared as days: a
date-time counts by its date.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from remission.study._config import StudyConfig
from remission.study._problems import ProblemLog
from remission.study._read import ROW_COLUMN
from remission.study._schema import EARLIEST_DATE, OLDEST_AGE, TABLES, Tables

_BIRTH_RULES = {("patients", "treatment_start"), ("doses", "scheduled_at"), ("doses", "given_at")}
"""Dates whose order with the birth date has a problem of its own (``chronology.start_before_
birth``, ``chronology.dose_before_birth``)."""


def _dates(table: str) -> list[str]:
    return [c.name for c in TABLES[table].columns if c.kind in ("date", "datetime")]


def _day(name: str, frame: pl.DataFrame) -> pl.Expr:
    column = pl.col(name)
    return column.dt.date() if frame.schema[name] == pl.Datetime else column


def _report(
    log: ProblemLog,
    code: str,
    file: str,
    column: str,
    bad: pl.DataFrame,
    expected: str,
    fix: str,
) -> None:
    bad = bad.sort(ROW_COLUMN)
    values = [
        v.strftime("%Y-%m-%d %H:%M") if isinstance(v, dt.datetime) else str(v)
        for v in bad[column].to_list()
    ]
    log.add_rows("error", code, file, column, bad[ROW_COLUMN].to_list(), values, expected, fix)


def check_period(frames: Tables, files: dict[str, str], cfg: StudyConfig, log: ProblemLog) -> None:
    """Every date of every table within the study period, and on or after the patient's birth.

    Parameters
    ----------
    frames : dict of str to polars.DataFrame
        The typed tables, each with ``_row``.
    files : dict of str to str
        The file each table came from.
    cfg : StudyConfig
        The settings (the cut-off).
    log : ProblemLog
        Where problems go.

    Examples
    --------
    >>> import datetime as dt
    >>> from remission.study import TABLES, StudyConfig
    >>> from remission.study._problems import ProblemLog
    >>> cfg = StudyConfig("D", dt.date(1998, 5, 1), ("melanoma",), "who", None, True)
    >>> labs = pl.DataFrame(
    ...     {"_row": [2, 3], "patient_id": ["P1", "P1"],
    ...      "drawn_at": [dt.datetime(1850, 5, 1), dt.datetime(2999, 1, 1)]}
    ... )
    >>> log = ProblemLog()
    >>> check_period({"labs": labs}, {"labs": "labs.csv"}, cfg, log)
    >>> [(p.code, p.row) for p in log.problems]
    [('chronology.after_cutoff', 3), ('chronology.too_early', 2)]
    """
    births = latest_birth = None
    patients = frames.get("patients")
    if patients is not None:
        # a patient treated before birth has that problem already; their records are not
        # compared with the birth date as well
        consistent = pl.col("treatment_start").is_null() | (
            pl.col("treatment_start") >= pl.col("birth_date")
        )
        births = patients.filter(pl.col("birth_date").is_not_null() & consistent).select(
            "patient_id", "birth_date"
        )
        latest_birth = births["birth_date"].max()
    for name, frame in frames.items():
        columns = [c for c in _dates(name) if c in frame.columns]
        if frame.is_empty() or not columns:
            continue
        bounds = frame.select(
            *(_day(c, frame).min().alias(f"min {c}") for c in columns),
            *(_day(c, frame).max().alias(f"max {c}") for c in columns),
        ).row(0, named=True)
        for column in columns:
            low, high = bounds[f"min {column}"], bounds[f"max {column}"]
            if low is None:
                continue
            day = _day(column, frame)
            if high > cfg.cutoff_date:
                _report(
                    log,
                    "chronology.after_cutoff",
                    files[name],
                    column,
                    frame.filter(day > cfg.cutoff_date),
                    f"a date on or before the data cut-off {cfg.cutoff_date.isoformat()}",
                    "correct the date; a record after the cut-off is not part of the data (move "
                    "cutoff_date in study.toml if it should be)",
                )
            if low < EARLIEST_DATE:
                _report(
                    log,
                    "chronology.too_early",
                    files[name],
                    column,
                    frame.filter(day < EARLIEST_DATE),
                    f"a date from {EARLIEST_DATE.isoformat()} on",
                    "check the year (a spreadsheet's empty date reads 1899-12-30 or 1900-01-00)",
                )
            if (
                births is None
                or latest_birth is None
                or (name, column) in _BIRTH_RULES
                or column == "birth_date"
                or low >= latest_birth  # no record of this column precedes any birth
            ):
                continue
            early = frame.filter(day >= EARLIEST_DATE)
            if name != "patients":
                early = early.join(births, on="patient_id", how="inner", maintain_order="left")
            _report(
                log,
                "chronology.before_birth",
                files[name],
                column,
                early.filter(_day(column, early) < pl.col("birth_date")),
                "a date on or after the patient's birth date",
                "check this date and birth_date",
            )


def check_age(frames: Tables, files: dict[str, str], log: ProblemLog) -> None:
    """The age at treatment start from the birth date: at most ``OLDEST_AGE`` years.

    A younger than 0 age is a treatment before birth (``chronology.start_before_birth``), a
    birth date before 1900 is too early (``chronology.too_early``); an age given as
    ``age_at_start_years`` has its range of its own.

    Examples
    --------
    >>> import datetime as dt
    >>> from remission.study._problems import ProblemLog
    >>> p = pl.DataFrame({"_row": [2], "birth_date": [dt.date(1901, 1, 1)],
    ...                   "treatment_start": [dt.date(2024, 1, 1)]})
    >>> log = ProblemLog()
    >>> check_age({"patients": p}, {"patients": "patients.csv"}, log)
    >>> log.problems[0].code, log.problems[0].column
    ('value.age_out_of_range', 'birth_date')
    """
    p = frames.get("patients")
    if p is None:
        return
    # in whole years, as ADSL's AGE
    age = ((pl.col("treatment_start") - pl.col("birth_date")).dt.total_days() / 365.25).floor()
    old = p.filter((age > OLDEST_AGE) & (pl.col("birth_date") >= EARLIEST_DATE))
    if not old.is_empty():
        _report(
            log,
            "value.age_out_of_range",
            files["patients"],
            "birth_date",
            old,
            f"a birth date that makes the age at treatment start 0 to {OLDEST_AGE} years",
            "check the year of birth_date and treatment_start",
        )
