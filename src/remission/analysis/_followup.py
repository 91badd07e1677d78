"""Follow-up and durability summaries: potential and reverse-KM follow-up, duration ranges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import polars as pl

from remission._units import DAYS_PER_MONTH, DAYS_PER_YEAR
from remission.analysis._km import ConfType, kaplan_meier, median_not_reached
from remission.analysis._result import Result


def potential_followup(starts: pl.Series | Sequence[dt.date], cutoff: dt.date) -> Result:
    """Median potential follow-up: data cut-off minus treatment start, alive or not.

    Parameters
    ----------
    starts : sequence of datetime.date
        Treatment starts (missing ones are left out).
    cutoff : datetime.date
        The data cut-off.

    Returns
    -------
    Result
        The median in years, with the range in ``table``; not estimable without a start.

    Examples
    --------
    >>> import datetime as dt
    >>> r = potential_followup([dt.date(1990, 1, 1), dt.date(1992, 1, 1)], dt.date(1998, 1, 1))
    >>> round(r.estimate, 2)
    7.0
    """
    s = pl.Series("start", starts, dtype=pl.Date).drop_nulls()
    if s.len() == 0:
        reason = "no treatment start recorded"
        return Result(
            name="median potential follow-up",
            method="data cut-off minus treatment start, median over patients",
            n=0,
            estimate_label="years",
            notes=(f"not estimable: {reason}",),
            not_estimable=reason,
        )
    years = (pl.lit(cutoff) - s.to_frame().to_series()).dt.total_days() / DAYS_PER_YEAR
    years = pl.select(years).to_series()
    return Result(
        name="median potential follow-up",
        method="data cut-off minus treatment start, median over patients",
        n=s.len(),
        estimate=float(years.median()),
        estimate_label="years",
        table=pl.DataFrame({"min_years": [years.min()], "max_years": [years.max()]}),
    )


def reverse_km_followup(
    time: Sequence[float] | pl.Series, event: Sequence[int] | pl.Series, conf_type: ConfType = "log"
) -> Result:
    """Median follow-up by the reverse Kaplan-Meier method (censoring as the event).

    Parameters
    ----------
    time : sequence of float
        Follow-up times (e.g. OS days).
    event : sequence of int
        1 where death was observed; the roles are swapped inside.
    conf_type : {"log", "log-log", "plain"}
        Interval type of the median.

    Returns
    -------
    Result
        Median follow-up with its interval, in the unit of ``time``. Not estimable when
        nobody is censored (every patient had the event: the reverse curve never falls); a
        median the reverse curve does not reach is missing, with a note.

    Examples
    --------
    >>> r = reverse_km_followup([10, 20, 30, 40], [1, 0, 0, 0])
    >>> r.estimate
    30.0
    """
    e = np.asarray(pl.Series(event).to_numpy()).astype(int)
    name = "median follow-up (reverse Kaplan-Meier)"
    method = f"reverse Kaplan-Meier, {conf_type} CI (survival::survfit on 1 - event)"
    reason = None
    if e.size == 0:
        reason = "no patients"
    elif e.all():
        reason = (
            f"nobody censored (all {e.size} had the event), so the reverse Kaplan-Meier curve "
            "never falls; report the median time to the event or the potential follow-up"
        )
    if reason is not None:
        return Result(
            name=name,
            method=method,
            n=int(e.size),
            estimate_label="median",
            notes=(f"not estimable: {reason}",),
            not_estimable=reason,
        )
    km = kaplan_meier(time, 1 - e, conf_type=conf_type)
    row = km.median().row(0, named=True)
    notes: tuple[str, ...] = ()
    if row["median"] is None:
        notes = (median_not_reached(km)[0],)
    return Result(
        name=name,
        method=method,
        n=len(e),
        estimate=row["median"],
        estimate_label="median",
        ci=(row["lower"], row["upper"]),
        notes=notes,
    )


def duration_range(
    days: Sequence[float] | pl.Series, censored: Sequence[int] | pl.Series, unit: str = "months"
) -> Result:
    """Range of durations the way papers print it: '39 to >148 months'.

    Durations are floored to whole units; the longest is marked '>' when it is censored
    (ongoing), as the 1998 paper printed "from 39 to more than 148 months" for durations that
    were all ongoing. For one duration per patient use ``format_duration``.

    Parameters
    ----------
    days : sequence of float
        Durations in days.
    censored : sequence of int
        1 where the duration is censored (ongoing).
    unit : {"months", "years", "days"}
        Unit to print.

    Returns
    -------
    Result
        ``estimate_label`` holds the printed range; ``table`` the shortest and longest with
        their censoring; ``n`` the number of durations.

    Examples
    --------
    >>> duration_range([1200, 4518], [1, 1]).estimate_label
    '39 to >148 months'
    """
    d = np.asarray(pl.Series(days).to_numpy(), dtype=float)
    c = np.asarray(pl.Series(censored).to_numpy()).astype(int)
    factor = {"months": DAYS_PER_MONTH, "years": DAYS_PER_YEAR, "days": 1.0}[unit]
    if d.size == 0:
        return Result("range of durations", "min and max", n=0, estimate_label="none")
    lo, hi = int(np.argmin(d)), int(np.argmax(d))

    def show(i: int, mark: bool) -> str:
        return (">" if mark and c[i] else "") + str(int(np.floor(d[i] / factor)))

    text = (
        f"{show(lo, False)} to {show(hi, True)} {unit}"
        if d.size > 1
        else f"{show(lo, True)} {unit}"
    )
    return Result(
        name="range of durations",
        method="shortest and longest, floored; '>' marks a censored (ongoing) duration",
        n=int(d.size),
        estimate_label=text,
        table=pl.DataFrame(
            {
                "which": ["shortest", "longest"],
                f"{unit}": [d[lo] / factor, d[hi] / factor],
                "censored": [bool(c[lo]), bool(c[hi])],
            }
        ),
    )


def format_duration(days: float, censored: bool, unit: str = "months") -> str:
    """One duration as tables print it: whole units, '+' when censored (ongoing).

    Parameters
    ----------
    days : float
        Duration in days.
    censored : bool
        Whether it is censored.
    unit : {"months", "years", "days"}
        Unit.

    Returns
    -------
    str
        E.g. ``"148+"``.

    Examples
    --------
    >>> format_duration(4518, True), format_duration(300, False)
    ('148+', '9')
    """
    factor = {"months": DAYS_PER_MONTH, "years": DAYS_PER_YEAR, "days": 1.0}[unit]
    return f"{int(np.floor(days / factor))}{'+' if censored else ''}"
