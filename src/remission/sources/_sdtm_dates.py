"""ISO 8601 dates as SDTM writes them (``--DTC``), complete or partial, and their imputation.

SDTM keeps a date as text with only the parts that are known: ``2014-02-05``, ``2014-02``
(day unknown), ``2014`` (month unknown), optionally with a time (``2014-02-05T10:30``).
These helpers are Polars expressions over such a text column, so a whole domain is parsed in
one vectorised pass. Imputation follows admiral's ``convert_dtc_to_dt``: ``day="last"`` fills
a missing day with the last day of the month, ``month="last"`` a missing month with December
(and the day with the 31st); ``"first"`` with the 1st and January. The flag says what was
filled in: ``"D"`` (day) or ``"M"`` (month and day), as admiral's ``--DTF`` variables.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

Fill = Literal["first", "last"]

DTC_PATTERN = (
    r"^(?<year>\d{4})"
    r"(?:-(?<month>\d{2})"
    r"(?:-(?<day>\d{2})"
    r"(?:T(?:[01]\d|2[0-3])(?::[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)?)?"
    r")?)?$"
)
"""An ISO 8601 date as SDTM allows it: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` and, after a
complete date, a time ``THH``, ``THH:MM`` or ``THH:MM:SS(.s)``."""

_MISSING_MONTH = r"^(\d{4})---\d{2}(?:T.*)?$"
"""SDTM's form for a known year and day with an unknown month (``2014---15``): kept as a year."""

DTC_EXPECTED = "an ISO 8601 date (YYYY-MM-DD; partial dates as YYYY-MM or YYYY; time as THH:MM)"
DTC_FIX = (
    "write the date as ISO 8601, e.g. 2014-01-23 or 2014-01-23T10:30; "
    "keep only the known parts of a partial date (2014-01)"
)


def _parts(col: pl.Expr) -> pl.Expr:
    text = col.str.replace(_MISSING_MONTH, "$1")
    return text.str.extract_groups(DTC_PATTERN)


def dtc_precision(col: pl.Expr) -> pl.Expr:
    """How complete each date is: ``"complete"``, ``"no_day"``, ``"no_month"`` or ``"invalid"``.

    Empty values give null. ``"invalid"`` is a value that is not ISO 8601 or not in the
    calendar (``2014-02-30``, month 13).
    """
    parts = _parts(col)
    year = parts.struct.field("year")
    month = parts.struct.field("month")
    day = parts.struct.field("day")
    month_ok = month.cast(pl.Int32, strict=False).is_between(1, 12)
    complete_ok = col.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).is_not_null()
    return (
        pl.when(col.is_null())
        .then(None)
        .when(year.is_null())
        .then(pl.lit("invalid"))
        .when(month.is_null())
        .then(pl.lit("no_month"))
        .when(~month_ok)
        .then(pl.lit("invalid"))
        .when(day.is_null())
        .then(pl.lit("no_day"))
        .when(~complete_ok)
        .then(pl.lit("invalid"))
        .otherwise(pl.lit("complete"))
    )


def dtc_complete(col: pl.Expr) -> pl.Expr:
    """The date of a complete value (time dropped); null for partial, empty or invalid ones."""
    return (
        pl.when(dtc_precision(col) == "complete")
        .then(col.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
        .otherwise(None)
    )


def dtc_impute(col: pl.Expr, day: Fill, month: Fill | None) -> tuple[pl.Expr, pl.Expr]:
    """Impute partial dates; return the date and the imputation flag (``"D"``, ``"M"``, null).

    Parameters
    ----------
    col : polars.Expr
        The ``--DTC`` text column.
    day : {"first", "last"}
        How a missing day is filled.
    month : {"first", "last"} or None
        How a missing month is filled; None leaves a year-only date empty (admiral's
        ``highest_imputation = "D"``).

    Returns
    -------
    tuple of polars.Expr
        The imputed date (null for empty, invalid or not imputable values) and its flag.
    """
    precision = dtc_precision(col)
    parts = _parts(col)
    year = parts.struct.field("year")
    month_text = parts.struct.field("month")
    first_of_month = pl.concat_str([year, pl.lit("-"), month_text, pl.lit("-01")]).str.to_date(
        "%Y-%m-%d", strict=False
    )
    no_day = first_of_month.dt.month_end() if day == "last" else first_of_month
    date = (
        pl.when(precision == "complete")
        .then(col.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
        .when(precision == "no_day")
        .then(no_day)
    )
    flag = pl.when(precision == "no_day").then(pl.lit("D"))
    if month is not None:
        filled = "-12-31" if month == "last" else "-01-01"
        year_only = pl.concat_str([year, pl.lit(filled)]).str.to_date("%Y-%m-%d", strict=False)
        date = date.when(precision == "no_month").then(year_only)
        flag = flag.when(precision == "no_month").then(pl.lit("M"))
    return date.otherwise(None), flag.otherwise(None)


def partial_period_end(col: pl.Expr) -> pl.Expr:
    """The last day a partial date can stand for (the date itself when complete)."""
    date, _ = dtc_impute(col, "last", "last")
    return date


def dtc_table(
    frame: pl.DataFrame, column: str, day: Fill, month: Fill | None, name: str
) -> pl.DataFrame:
    """The distinct values of a ``--DTC`` column, each parsed once: ``column``, ``name`` (the
    imputed date), ``name_flag`` and ``name_precision`` (see ``dtc_impute``, ``dtc_precision``).

    A domain repeats few distinct dates over many records, so joining this table back is much
    cheaper than parsing every record.
    """
    values = frame.select(pl.col(column).unique()).drop_nulls()
    date, flag = dtc_impute(pl.col(column), day, month)
    return values.with_columns(
        date.alias(name),
        flag.alias(f"{name}_flag"),
        dtc_precision(pl.col(column)).alias(f"{name}_precision"),
    )


def with_dates(
    frame: pl.DataFrame, column: str, day: Fill, month: Fill | None, name: str
) -> pl.DataFrame:
    """``frame`` with ``name`` (the imputed date of ``column``), ``name_flag`` and
    ``name_precision`` added; each distinct value is parsed once.

    Each record's row of ``dtc_table`` is its value's code in an Enum of the table's values:
    casting to it and gathering the rows is several times cheaper than a join on the text
    (TR's 2.3 M dates: 27 ms against 115 ms) and keeps the records' order. An empty value
    has no code and so gets null, as a left join gives it.
    """
    table = dtc_table(frame, column, day, month, name)
    codes = frame.get_column(column).cast(pl.Enum(table.get_column(column))).to_physical()
    return frame.with_columns(table.drop(column).select(pl.all().gather(codes)))
