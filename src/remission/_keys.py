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


def day_key(number: pl.Expr, date: pl.Expr, *, missing_last: bool = False) -> pl.Expr:
    """One whole number ordered as (``number``, ``date``); null when either is.

    With ``missing_last``, a missing date sorts after every date of its number instead.

    Examples
    --------
    >>> import datetime as dt
    >>> f = pl.DataFrame({"n": [3], "d": [dt.date(1969, 12, 31)]})
    >>> k = f.select(day_key(pl.col("n"), pl.col("d")).alias("k"))
    >>> k.select(key_number(pl.col("k")), key_date(pl.col("k")).alias("d")).row(0)
    (3, datetime.date(1969, 12, 31))
    >>> g = pl.DataFrame({"n": [1, 1, 2], "d": [None, dt.date(2020, 1, 1), None]})
    >>> g.select(day_key(pl.col("n"), pl.col("d"), missing_last=True).rank())["n"].to_list()
    [2.0, 1.0, 3.0]
    """
    day = date.cast(pl.Int64) + _DAY_SHIFT
    if missing_last:
        day = day.fill_null(DAY_SPAN - 1)
    return number.cast(pl.Int64) * DAY_SPAN + day


def index_key(number: pl.Expr, index: pl.Expr) -> pl.Expr:
    """One whole number ordered as (``number``, ``index``), for an index in [0, 2^32).

    Examples
    --------
    >>> f = pl.DataFrame({"n": [2, 1], "i": [0, 7]})
    >>> f.select(index_key(pl.col("n"), pl.col("i")).alias("k"))["k"].to_list()
    [8589934592, 4294967303]
    """
    return number.cast(pl.Int64) * DAY_SPAN + index.cast(pl.Int64)


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


def last_in_group(group: str) -> pl.Expr:
    """True on the last row of each run of ``group`` (a frame sorted by it).

    Examples
    --------
    >>> pl.DataFrame({"g": [1, 1, 2]}).select(last_in_group("g"))["g"].to_list()
    [False, True, True]
    """
    return (pl.col(group) != pl.col(group).shift(-1)).fill_null(True)


def group_start(group: str) -> pl.Expr:
    """Each row's index of the first row of its run of ``group`` (a frame sorted by it).

    Taking a value "of the group's first row" by position (``gather``) is a whole-column
    operation, unlike a window or a join on the group.

    Examples
    --------
    >>> pl.DataFrame({"g": [1, 1, 2]}).select(group_start("g").alias("s"))["s"].to_list()
    [0, 0, 2]
    """
    return pl.when(first_in_group(group)).then(pl.int_range(pl.len())).forward_fill()


def position_in_group(group: str) -> pl.Expr:
    """Each row's position within its run of ``group``: 0, 1, 2, ... (a frame sorted by it).

    Examples
    --------
    >>> pl.DataFrame({"g": [1, 1, 2]}).select(position_in_group("g").alias("p"))["p"].to_list()
    [0, 1, 0]
    """
    return pl.int_range(pl.len()) - group_start(group)
