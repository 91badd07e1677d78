"""One patient's course on one time axis: doses, tumor burden and responses, lymphocytes."""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib import pyplot as plt

from remission.figures._style import (
    MAX_WIDTH,
    OKABE_ITO,
    RESPONSE_COLOURS,
    SMALL_PT,
    TITLE_PT,
    axes_at,
    blank_figure,
    line_height,
    put_text,
)

PANEL = 1.25
"""Height of each of the three panels, inches."""
GAP = 0.3
PAD = 0.1


def patient_timeline_plot(
    doses: pl.DataFrame,
    burden: pl.DataFrame,
    lymphocytes: pl.DataFrame,
    events: pl.DataFrame,
    title: str = "",
    time_label: str = "Days from start of treatment",
) -> plt.Figure:
    """Three panels sharing the time axis: IL-2 doses, tumor burden, lymphocyte counts.

    Doses given are ticks, doses held crosses (the reasons are the table's job); the tumor
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
    height = top + 3 * PANEL + 2 * GAP + 0.55 + PAD
    fig.set_size_inches(MAX_WIDTH, height)
    left, width = 0.85, MAX_WIDTH - 0.85 - 0.3
    axes = [axes_at(fig, left, top + i * (PANEL + GAP), width, PANEL) for i in range(3)]
    days = [f["day"] for f in (doses, burden, lymphocytes, events) if f.height]
    span = pl.concat(days) if days else pl.Series([0.0, 1.0])
    lo, hi = float(span.min()), float(span.max())
    margin = max((hi - lo) * 0.03, 1.0)
    ax_d, ax_b, ax_l = axes
    given = doses.filter(pl.col("status") == "given")["day"].to_numpy()
    held = doses.filter(pl.col("status") == "held")["day"].to_numpy()
    ax_d.plot(given, np.ones_like(given), ls="none", marker="|", ms=10, color=OKABE_ITO[0])
    ax_d.plot(held, np.zeros_like(held), ls="none", marker="x", ms=5, color=OKABE_ITO[1])
    ax_d.set_yticks([0, 1], [f"held ({held.size})", f"given ({given.size})"])
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
            (day, 1.6),
            textcoords="offset points",
            xytext=(2 + shift * SMALL_PT * 1.25, -2),
            ha="left",
            va="top",
            rotation=90,
            fontsize=SMALL_PT,
            color="#555555",
            annotation_clip=False,
        )
    return fig
