"""Whole-number keys for sorting, grouping and joining on (number, date) pairs (shared by the
SDTM import and the derivations).

Grouping, sorting or joining on one Int64 column is several times faster in Polars than on two
columns or on text. A date is a whole number of days that fits 32 bits, so (number, day)
packs into one Int64 whose order is the pair's order, and unpacks again.
"""

from __future__ import annotations

import polars as pl

DAY_SPAN = 1 << 32
"""Room for one number's days: the day, shifted by 2^31 to be positive, is the low 32 bits."""

_DAY_SHIFT = 1 << 31


def day_key(number: pl.Expr, date: pl.Expr) -> pl.Expr:
    """One whole number ordered as (``number``, ``date``); null when either is.

    Examples
    --------
    >>> import datetime as dt
    >>> f = pl.DataFrame({"n": [3], "d": [dt.date(1969, 12, 31)]})
    >>> k = f.select(day_key(pl.col("n"), pl.col("d")).alias("k"))
    >>> k.select(key_number(pl.col("k")), key_date(pl.col("k")).alias("d")).row(0)
    (3, datetime.date(1969, 12, 31))
    """
    return number.cast(pl.Int64) * DAY_SPAN + (date.cast(pl.Int64) + _DAY_SHIFT)


def key_number(key: pl.Expr) -> pl.Expr:
    """The number of a ``day_key``."""
    return key // DAY_SPAN


def key_date(key: pl.Expr) -> pl.Expr:
    """The date of a ``day_key``."""
    return (key % DAY_SPAN - _DAY_SHIFT).cast(pl.Date)


def first_in_group(group: str) -> pl.Expr:
    """True on the first row of each run of ``group`` (a frame sorted by it).

    Examples
    --------
    >>> pl.DataFrame({"g": [1, 1, 2]}).select(first_in_group("g"))["g"].to_list()
    [True, False, True]
    """
    return (pl.col(group) != pl.col(group).shift(1)).fill_null(True)
