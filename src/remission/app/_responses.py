"""Waterfall, spider and swimmer plots of the filtered cohort, and what hovering them shows.

The figures are the report's (``remission.figures``); for each drawn bar, point or lane the
app places a transparent shape at the same pixels with its patient, value and date (the
browser shows it as a tooltip, a click opens the patient).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
from matplotlib import pyplot as plt

from remission.analysis._followup import DAYS_PER_MONTH
from remission.figures import (
    spider_plot,
    swimmer_data,
    swimmer_plot,
    waterfall_data,
    waterfall_plot,
)

MONTHS = "Months from start of treatment"
DPI = 100
"""Pixels per inch of the figures the app shows (and of their hover shapes)."""
MAX_HOVER = 3000
"""Beyond this many bars, points or lanes the figure is shown without hover shapes."""


@dataclass(frozen=True)
class Hover:
    """A shape over a figure, in pixels from the top-left corner, with its tooltip.

    Parameters
    ----------
    x, y, width, height : float
        The rectangle (a point is a small square around it).
    patient : str
        The patient it belongs to.
    text : str
        The tooltip: patient, value, date.

    Examples
    --------
    >>> Hover(1.0, 2.0, 3.0, 4.0, "P1", "P1: PR").patient
    'P1'
    """

    x: float
    y: float
    width: float
    height: float
    patient: str
    text: str


def _pixels(fig: plt.Figure, ax: plt.Axes, x0: float, y0: float, x1: float, y1: float) -> tuple:
    """Data rectangle to pixel rectangle (x, y from the top, width, height)."""
    height = fig.get_size_inches()[1] * DPI
    (a, b), (c, d) = ax.transData.transform([(x0, y0), (x1, y1)])
    left, right, low, high = min(a, c), max(a, c), min(b, d), max(b, d)
    return left, height - high, max(right - left, 1.0), max(high - low, 1.0)


def _where(fig: plt.Figure) -> None:
    fig.set_dpi(DPI)


def who_thresholds(criteria: str) -> tuple[float, float]:
    """The waterfall's partial-response and progression lines for the study's criteria.

    Examples
    --------
    >>> who_thresholds("who"), who_thresholds("recist1.1")
    ((-50, 25), (-30, 20))
    """
    return (-50, 25) if criteria == "who" else (-30, 20)


def waterfall_view(
    frames: Mapping[str, pl.DataFrame], criteria: str
) -> tuple[plt.Figure, list[Hover]]:
    """The waterfall of the filtered cohort with a hover shape per bar.

    Parameters
    ----------
    frames : dict of str to polars.DataFrame
        The filtered derived datasets (``adtr``, ``adrs``).
    criteria : str
        ``who`` or ``recist1.1`` (the threshold lines).

    Returns
    -------
    tuple of (matplotlib.figure.Figure, list of Hover)
        The figure (``remission.figures.waterfall_plot``) and one shape per bar: patient,
        best change and the date of that assessment.

    Examples
    --------
    >>> from remission.derive import derive_study
    >>> from remission.simulate import simulate_study
    >>> frames = derive_study(simulate_study(n_patients=40, seed=1))
    >>> fig, hover = waterfall_view(frames, "who")
    >>> len(hover) == waterfall_data(frames["adtr"], frames["adrs"]).height
    True
    """
    adtr = frames["adtr"]
    data = waterfall_data(adtr, frames["adrs"])
    pr, pd_ = who_thresholds(criteria)
    fig = waterfall_plot(data, pr, pd_, "Best change in tumor burden")
    _where(fig)
    if data.height > MAX_HOVER:
        return fig, []
    dates = (
        adtr.filter(pl.col("ABLFL").is_null() & pl.col("PCHG").is_not_null())
        .sort("PCHG", "ADT")
        .group_by("USUBJID", maintain_order=True)
        .first()
        .select("USUBJID", "ADT")
    )
    rows = data.join(dates, on="USUBJID", how="left", maintain_order="left")
    ax = fig.axes[0]
    half = (0.85 if data.height <= 80 else 1.0) / 2
    hover = []
    for i, (pid, change, best, day) in enumerate(
        rows.select("USUBJID", "best_pchg", "best", "ADT").iter_rows()
    ):
        low, high = ax.get_ylim()  # the whole column: a short bar is as easy to hover
        x, y, w, h = _pixels(fig, ax, i - half, low, i + half, high)
        hover.append(Hover(x, y, w, h, pid, f"{pid}: {change:+.1f}% on {day} (best {best})"))
    return fig, hover


def spider_view(frames: Mapping[str, pl.DataFrame]) -> tuple[plt.Figure, list[Hover]]:
    """The spider plot of the filtered cohort with a hover shape per assessment.

    Parameters
    ----------
    frames : dict of str to polars.DataFrame
        The filtered derived datasets (``adtr``, ``adrs``).

    Returns
    -------
    tuple of (matplotlib.figure.Figure, list of Hover)
        The figure (``remission.figures.spider_plot``) and one shape per point: patient,
        change from baseline, date.

    Examples
    --------
    >>> from remission.derive import derive_study
    >>> from remission.simulate import simulate_study
    >>> frames = derive_study(simulate_study(n_patients=40, seed=1))
    >>> fig, hover = spider_view(frames)
    >>> hover[0].text.startswith(hover[0].patient)
    True
    """
    adtr = frames["adtr"]
    fig, points = spider_plot(
        adtr, frames["adrs"], DAYS_PER_MONTH, MONTHS, "Tumor burden over time"
    )
    _where(fig)
    if points.height > MAX_HOVER:
        return fig, []
    base = adtr.filter(pl.col("ABLFL") == "Y").select("USUBJID", pl.col("ADT").alias("_b"))
    dated = (
        adtr.filter(pl.col("PCHG").is_not_null())
        .join(base, on="USUBJID")
        .select(
            "USUBJID",
            ((pl.col("ADT") - pl.col("_b")).dt.total_days() / DAYS_PER_MONTH).alias("t"),
            "ADT",
        )
    )
    rows = points.join(dated, on=["USUBJID", "t"], how="left", maintain_order="left")
    ax = fig.axes[0]
    hover = []
    for pid, t, change, day in rows.select("USUBJID", "t", "PCHG", "ADT").iter_rows():
        x, y, _, _ = _pixels(fig, ax, t, min(change, 200.0), t, min(change, 200.0))
        hover.append(
            Hover(x - 4, y - 4, 8, 8, pid, f"{pid}: {change:+.1f}% on {day} (month {t:.1f})")
        )
    return fig, hover


def swimmer_view(frames: Mapping[str, pl.DataFrame]) -> tuple[plt.Figure, list[Hover]]:
    """The swimmer plot of the filtered cohort's responders with a hover shape per lane.

    Parameters
    ----------
    frames : dict of str to polars.DataFrame
        The filtered derived datasets (``adrs``, ``adtte``, ``adsl``).

    Returns
    -------
    tuple of (matplotlib.figure.Figure, list of Hover)
        The figure (``remission.figures.swimmer_plot``) and one shape per lane: patient,
        best response, its date and the lane's length.

    Examples
    --------
    >>> from remission.derive import derive_study
    >>> from remission.simulate import simulate_study
    >>> frames = derive_study(simulate_study(n_patients=80, seed=1))
    >>> fig, hover = swimmer_view(frames)
    >>> len(hover) == frames["adsl"].filter(pl.col("ORFL") == "Y").height
    True
    """
    adsl = frames["adsl"]
    groups = adsl.select(
        "USUBJID", pl.col("HISTOL").cast(pl.String).alias("group"), "DTHDT", "REFDT"
    )
    lanes = swimmer_data(frames["adrs"], frames["adtte"], groups.drop("REFDT"))
    fig, drawn = swimmer_plot(lanes, DAYS_PER_MONTH, MONTHS, "Responders over time")
    _where(fig)
    if drawn.height > MAX_HOVER:
        return fig, []
    rows = drawn.join(groups.select("USUBJID", "REFDT"), on="USUBJID", how="left")
    ax = fig.axes[0]
    hover = []
    for row in rows.iter_rows(named=True):
        x, y, w, h = _pixels(fig, ax, 0.0, row["y"] - 0.4, row["bar"], row["y"] + 0.4)
        onset = row["cr_days"] if row["best"] == "CR" else row["response_days"]
        when = ""
        if onset is not None and row["REFDT"] is not None:
            when = f" from {row['REFDT'] + _timedelta(onset)}"
        state = "ongoing" if row["ongoing"] else "relapsed" if row["relapse"] else "censored"
        text = (
            f"{row['USUBJID']}: {row['best']}{when}; {row['bar']:.1f} months from start ({state})"
        )
        hover.append(Hover(x, y, w, h, row["USUBJID"], text))
    return fig, hover


def _timedelta(days: float) -> object:
    import datetime as dt

    return dt.timedelta(days=round(days))
