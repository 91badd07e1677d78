"""One patient's course on one time axis: doses, tumor burden and responses, lymphocytes."""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib import pyplot as plt
from matplotlib.axes import Axes

from remission.figures._style import (
    BODY_PT,
    MAX_WIDTH,
    OKABE_ITO,
    RESPONSE_COLOURS,
    SMALL_PT,
    TITLE_PT,
    axes_at,
    blank_figure,
    line_height,
    put_text,
    text_width,
)

PANEL = 1.25
"""Height of each of the three panels, inches."""
GAP = 0.3
PAD = 0.1
APART_PT = 14.0
"""Doses closer than this on the page (points) are drawn as one run with its count above
(room for a count of two digits beside the next): IL-2 is given every 8 hours, so at a scale
of months a cycle's doses, and at years a course's, would be one smudge of ticks."""


def _runs(days: np.ndarray, apart_days: float) -> list[tuple[float, float, int]]:
    """Doses ``apart_days`` or less from the previous one, as runs: (first, last, count).

    Examples
    --------
    >>> _runs(np.array([0.0, 0.33, 0.67, 20.0]), 1.0)
    [(0.0, 0.67, 3), (20.0, 20.0, 1)]
    """
    days = np.sort(days)
    if days.size == 0:
        return []
    starts = np.flatnonzero(np.diff(days, prepend=-np.inf) > apart_days)
    ends = np.append(starts[1:], days.size)
    return [
        (float(days[a]), float(days[b - 1]), int(b - a)) for a, b in zip(starts, ends, strict=True)
    ]


def _dose_row(ax: Axes, days: np.ndarray, y: float, marker: str, colour: str, apart: float) -> None:
    """One row of doses: a mark per dose, or a bar with its count where doses run together."""
    for first, last, count in _runs(days, apart):
        if count == 1:
            ax.plot(
                [first], [y], ls="none", marker=marker, ms=10 if marker == "|" else 5, color=colour
            )
            continue
        ax.plot([first, last], [y, y], lw=5, solid_capstyle="butt", color=colour)
        ax.annotate(
            str(count),
            ((first + last) / 2, y),
            textcoords="offset points",
            xytext=(0, 5),
            ha="center",
            va="bottom",
            fontsize=SMALL_PT,
            color=colour,
        )


def patient_timeline_plot(
    doses: pl.DataFrame,
    burden: pl.DataFrame,
    lymphocytes: pl.DataFrame,
    events: pl.DataFrame,
    title: str = "",
    time_label: str = "Days from start of treatment",
) -> plt.Figure:
    """Three panels sharing the time axis: IL-2 doses, tumor burden, lymphocyte counts.

    Doses given are ticks, doses held crosses (the reasons are the table's job); doses closer
    on the page than ``APART_PT`` are one bar with their count above it (a cycle, at a scale
    of months); event labels stand above the panels. The tumor
    burden at each assessment, labelled with its time-point response where it changes; the
    lymphocyte series marks the counts of the rebound phase and each cycle's peak. Events
    (first response, progression, death, last contact) are dotted vertical lines through all
    panels.

    Parameters
    ----------
    doses : polars.DataFrame
        ``day`` (float) and ``status`` (``given`` or ``held``).
    burden : polars.DataFrame
        ``day``, ``value`` (sum of diameters or of products) and ``response`` (text or null).
    lymphocytes : polars.DataFrame
        ``day``, ``value`` (cells/uL), ``rebound`` (bool) and ``peak`` (bool).
    events : polars.DataFrame
        ``day`` and ``label``.
    title : str
        Figure title.
    time_label : str
        Axis label.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (6.8 in wide).

    Examples
    --------
    >>> d = pl.DataFrame({"day": [0.0, 0.3, 1.0], "status": ["given", "given", "held"]})
    >>> b = pl.DataFrame({"day": [-10.0, 60.0], "value": [400.0, 150.0],
    ...                   "response": [None, "PR"]})
    >>> ly = pl.DataFrame({"day": [0.0, 5.0], "value": [900.0, 3100.0],
    ...                    "rebound": [False, True], "peak": [False, True]})
    >>> ev = pl.DataFrame({"day": [60.0], "label": ["first response"]})
    >>> fig = patient_timeline_plot(d, b, ly, ev, title="Patient P1")
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['IL-2 doses', 'Tumor burden', 'Lymphocytes (/µL)']
    """
    top = PAD
    fig = blank_figure(MAX_WIDTH, 5.0)
    if title:
        put_text(fig, PAD, top, title, fontsize=TITLE_PT)
        top += line_height(TITLE_PT) + 0.12
    # event labels stand upright in a band above the panels, never over the doses
    labels = events["label"].to_list()
    top += max((text_width(fig, str(label)) for label in labels), default=0.0) + 0.08
    height = top + 3 * PANEL + 2 * GAP + 0.55 + PAD
    fig.set_size_inches(MAX_WIDTH, height)
    given = doses.filter(pl.col("status") == "given")["day"].to_numpy()
    held = doses.filter(pl.col("status") == "held")["day"].to_numpy()
    ticks = [f"held ({held.size})", f"given ({given.size})"]
    # room for the dose panel's tick labels and its axis label beside them
    left = max(0.85, max(text_width(fig, t) for t in ticks) + line_height(BODY_PT) + 0.25)
    width = MAX_WIDTH - left - 0.3
    axes = [axes_at(fig, left, top + i * (PANEL + GAP), width, PANEL) for i in range(3)]
    days = [f["day"] for f in (doses, burden, lymphocytes, events) if f.height]
    span = pl.concat(days) if days else pl.Series([0.0, 1.0])
    lo, hi = float(span.min()), float(span.max())
    margin = max((hi - lo) * 0.03, 1.0)
    ax_d, ax_b, ax_l = axes
    apart = APART_PT * (hi - lo + 2 * margin) / (width * 72)
    _dose_row(ax_d, given, 1.0, "|", OKABE_ITO[0], apart)
    _dose_row(ax_d, held, 0.0, "x", OKABE_ITO[1], apart)
    ax_d.set_yticks([0, 1], ticks)
    ax_d.set_ylim(-0.6, 1.6)
    ax_d.set_ylabel("IL-2 doses")
    if burden.height:
        ax_b.plot(burden["day"], burden["value"], color="#444444", lw=0.8, marker="o", ms=3)
        shown = None  # a response is labelled where it changes (years of CR: one label)
        for day, value, response in burden.select("day", "value", "response").iter_rows():
            if response and response != shown:
                shown = response
                ax_b.annotate(
                    response,
                    (day, value),
                    textcoords="offset points",
                    xytext=(0, 5),
                    ha="center",
                    fontsize=SMALL_PT,
                    color=RESPONSE_COLOURS.get(response, "#444444"),
                )
        ax_b.set_ylim(0, float(burden["value"].max() or 1.0) * 1.3)
    else:
        ax_b.text(0.5, 0.5, "no lesion measurements", transform=ax_b.transAxes, ha="center")
    ax_b.set_ylabel("Tumor burden")
    if lymphocytes.height:
        ax_l.plot(lymphocytes["day"], lymphocytes["value"], color="#444444", lw=0.6)
        rebound = lymphocytes.filter("rebound")
        ax_l.plot(rebound["day"], rebound["value"], ls="none", marker="o", ms=3, color=OKABE_ITO[2])
        peak = lymphocytes.filter("peak")
        ax_l.plot(peak["day"], peak["value"], ls="none", marker="^", ms=6, color=OKABE_ITO[3])
    else:
        ax_l.text(0.5, 0.5, "no lymphocyte counts", transform=ax_l.transAxes, ha="center")
    ax_l.set_ylabel("Lymphocytes (/µL)")
    ax_l.set_xlabel(time_label)
    for ax in axes:
        ax.set_xlim(lo - margin, hi + margin)
        for day in events["day"].to_list():
            ax.axvline(day, ls=":", lw=0.8, color="#777777")
    for ax in axes[:2]:
        ax.tick_params(labelbottom=False)
    # labels of events closer than a label's height are set side by side, not over each other
    step_days = (hi - lo + 2 * margin) * (line_height(SMALL_PT) / width)
    last, shift = None, 0
    for day, label in events.sort("day").select("day", "label").iter_rows():
        shift = shift + 1 if last is not None and day - last < step_days * (shift + 1) else 0
        last = day if shift == 0 else last
        ax_d.annotate(
            label,
            (day, 1.0),
            xycoords=("data", "axes fraction"),
            textcoords="offset points",
            xytext=(-SMALL_PT * 0.6 + shift * SMALL_PT * 1.25, 3),
            ha="left",
            va="bottom",
            rotation=90,
            fontsize=SMALL_PT,
            color="#555555",
            annotation_clip=False,
        )
    return fig
