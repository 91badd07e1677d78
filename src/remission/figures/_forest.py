"""Forest plot of odds ratios (or hazard ratios) with their confidence intervals."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
from matplotlib.transforms import blended_transform_factory

from remission.figures._style import (
    BODY_PT,
    MAX_WIDTH,
    OKABE_ITO,
    SMALL_PT,
    TITLE_PT,
    axes_at,
    blank_figure,
    line_height,
    text_width,
    wrap,
)

ROW_HEIGHT = 0.24
"""One row of the plot, inches."""
AXIS_RANGE = (1e-3, 1e3)
"""Widest axis: estimates and limits beyond it are drawn as arrows at the edge."""
PAD = 0.1
MAX_LABEL = 2.6
"""Row labels wider than this (inches) wrap onto a second line."""


def _num(value: float) -> str:
    """An estimate or limit as printed beside the plot."""
    if not math.isfinite(value):
        return "NA" if math.isnan(value) else ("∞" if value > 0 else "-∞")
    if value == 0:
        return "0"
    if value < 0.01:
        return "<0.01"
    if value >= 1000:
        return ">999"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _limits(values: np.ndarray) -> tuple[float, float]:
    """Axis limits covering 1 and every finite positive value within ``AXIS_RANGE``."""
    ok = values[np.isfinite(values) & (values >= AXIS_RANGE[0]) & (values <= AXIS_RANGE[1])]
    low = min(1.0, *ok) if ok.size else 0.1
    high = max(1.0, *ok) if ok.size else 10.0
    low, high = low / 1.6, high * 1.6
    return max(low, AXIS_RANGE[0]), min(high, AXIS_RANGE[1])


def _end(value: float, low_side: bool, lims: tuple[float, float]) -> tuple[float, bool] | None:
    """(x, arrow) of an interval end on the axis, or None when unknown (NaN).

    An end at 0 or infinity, or beyond the axis, stops at the axis edge with an arrow head.
    """
    if math.isnan(value):
        return None
    if low_side and value <= lims[0]:
        return lims[0], True
    if not low_side and value >= lims[1]:
        return lims[1], True
    return min(max(value, lims[0]), lims[1]), False


def _flags(est: float, lo: float, hi: float, lims: tuple[float, float]) -> tuple[bool, bool]:
    """(something stops at the axis edge, the interval does not contain the estimate)."""
    ends = [_end(lo, True, lims), _end(hi, False, lims)]
    clipped = any(e is not None and e[1] for e in ends) or (
        math.isfinite(est) and est > 0 and not lims[0] <= est <= lims[1]
    )
    outside = (
        math.isfinite(est)
        and not math.isnan(lo)
        and not math.isnan(hi)
        and not (lo * (1 - 1e-9) <= est <= hi * (1 + 1e-9))
    )
    return clipped, outside


def _draw_row(
    ax: Axes, y: float, est: float, lo: float, hi: float, colour: str, lims: tuple[float, float]
) -> None:
    """Draw one estimate and interval: the finite parts, arrow heads at the edges."""
    a, b = _end(lo, True, lims), _end(hi, False, lims)
    if a is not None and b is not None and a[0] <= b[0]:
        ax.plot([a[0], b[0]], [y, y], color=colour, lw=1.2, solid_capstyle="butt", clip_on=False)
    for found, marker in ((a, "<"), (b, ">")):
        if found is not None:
            x, arrow = found
            ax.plot(
                [x],
                [y],
                marker=marker if arrow else "|",
                ms=7 if arrow else 6,
                color=colour,
                mew=1.2,
                clip_on=False,
            )
    if math.isfinite(est) and est > 0:
        if lims[0] <= est <= lims[1]:
            ax.plot([est], [y], marker="s", ms=5.5, color=colour, clip_on=False)
        else:
            low = est < lims[0]
            ax.plot(
                [lims[0] if low else lims[1]],
                [y],
                marker="<" if low else ">",
                ms=8,
                color=colour,
                mfc="white",
                mew=1.2,
                clip_on=False,
            )


def forest_plot(
    rows: pl.DataFrame, estimate_label: str = "Odds ratio (95% CI)", title: str = ""
) -> plt.Figure:
    """Forest plot on a log axis, one row per term, with the estimate and CI written beside.

    Laid out in inches for print (6.8 in wide, 0.24 in per row). Rows of one ``model`` are
    grouped under its name and share a colour. The plot never fails on what small cohorts
    produce: a limit that is missing (NaN, e.g. under separation) is not drawn and printed
    "NA"; a limit at 0 or infinity, or an estimate or limit beyond 0.001-1000, stops at the
    axis edge with an arrow head; an interval that does not contain its estimate is drawn as
    given and marked with a dagger.

    Parameters
    ----------
    rows : polars.DataFrame
        ``label``, ``estimate``, ``lower``, ``upper`` and optionally ``model`` (e.g.
        "univariable", "Firth"): rows of one model are grouped under its name.
    estimate_label : str
        Heading of the printed estimates; its first words (before " (") name the axis.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> rows = pl.DataFrame({"label": ["a", "b"], "estimate": [0.5, 2.0],
    ...                      "lower": [0.2, 1.1], "upper": [1.2, 3.5]})
    >>> fig = forest_plot(rows)
    >>> fig.axes[0].get_xscale()
    'log'
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    ['0.1', '0.2', '0.5', '1', '2', '5']
    """
    rows = rows.with_columns(
        pl.col(c).cast(pl.Float64).fill_null(float("nan")) for c in ("estimate", "lower", "upper")
    )
    if "model" not in rows.columns:
        rows = rows.with_columns(pl.lit("").alias("model"))
    rows = rows.with_columns(pl.col("model").fill_null("").cast(pl.String))
    models = rows["model"].unique(maintain_order=True).to_list()
    grouped = any(models)
    fig = blank_figure(MAX_WIDTH, 4.0)

    # items top down: (kind, text, model index, row)
    items: list[tuple[str, str, int, dict | None]] = []
    for i, model in enumerate(models):
        if grouped:
            items.append(("heading", model or "(no model)", i, None))
        for row in rows.filter(pl.col("model") == model).iter_rows(named=True):
            items.append(("row", str(row["label"]), i, row))
    indent = 0.15 if grouped else 0.0
    wrapped = [
        wrap(fig, text, MAX_LABEL, BODY_PT) if kind == "row" else [text]
        for kind, text, _, _ in items
    ]
    label_w = max(
        [text_width(fig, line, BODY_PT) + indent for w in wrapped for line in w]
        + [text_width(fig, t, BODY_PT, "bold") for k, t, _, _ in items if k == "heading"]
    )
    printed = {}
    outside_any = clipped_any = missing_any = False
    for n, (_, _, _, row) in enumerate(items):
        if row is not None:
            printed[n] = f"{_num(row['estimate'])} ({_num(row['lower'])}–{_num(row['upper'])})"
            missing_any |= "NA" in printed[n]
    right_w = max(
        [text_width(fig, estimate_label, SMALL_PT)]
        + [text_width(fig, p + " †", SMALL_PT) for p in printed.values()]
    )
    left = PAD + label_w + 0.15
    width = MAX_WIDTH - left - right_w - 0.25 - PAD
    pitch = [max(ROW_HEIGHT, len(w) * line_height(BODY_PT) + 0.06) for w in wrapped]
    plot_h = sum(pitch)
    title_h = line_height(TITLE_PT) + 0.08 if title else 0.0
    head_h = line_height(SMALL_PT) + 0.06
    x_axis_h = 0.5

    values = rows.select("estimate", "lower", "upper").to_numpy().ravel()
    lims = _limits(values)
    for n, (_, _, _, row) in enumerate(items):
        if row is None:
            continue
        clipped, outside = _flags(row["estimate"], row["lower"], row["upper"], lims)
        clipped_any |= clipped
        outside_any |= outside
        if outside:
            printed[n] += " †"
    notes = []
    if clipped_any:
        notes.append(
            "Arrow heads: an interval reaching 0 or infinity, or an estimate or limit beyond "
            "the axis."
        )
    if missing_any:
        notes.append("NA: not estimable (e.g. separation); not drawn.")
    if outside_any:
        notes.append("†: the interval does not contain its estimate; check the model.")
    note_lines = wrap(fig, " ".join(notes), MAX_WIDTH - 2 * PAD) if notes else []
    height = (
        PAD + title_h + head_h + plot_h + x_axis_h + len(note_lines) * line_height(SMALL_PT) + PAD
    )
    fig.set_size_inches(MAX_WIDTH, height)
    ax = axes_at(fig, left, PAD + title_h + head_h, width, plot_h)
    centres = np.cumsum(pitch) - np.asarray(pitch) / 2
    for n, (_, _, i, row) in enumerate(items):
        if row is not None:
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            _draw_row(ax, centres[n], row["estimate"], row["lower"], row["upper"], colour, lims)

    ax.set_xscale("log")
    ax.set_xlim(*lims)
    ax.set_ylim(plot_h, 0)
    ax.axvline(1.0, color="#444444", lw=0.8, ls="--", zorder=0)
    decades = math.log10(lims[1] / lims[0])
    ax.xaxis.set_major_locator(LogLocator(10, subs=(1, 2, 5) if decades <= 2.5 else (1,)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(estimate_label.split(" (", maxsplit=1)[0] + " (log scale)")

    at = blended_transform_factory(fig.dpi_scale_trans, ax.transData)
    for n, (kind, text, i, _) in enumerate(items):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        if kind == "heading":
            ax.text(
                PAD,
                centres[n],
                text,
                transform=at,
                va="center",
                fontsize=BODY_PT,
                fontweight="bold",
                color=colour,
            )
            continue
        ax.text(
            PAD + indent,
            centres[n],
            "\n".join(wrapped[n]),
            transform=at,
            va="center",
            fontsize=BODY_PT,
            linespacing=1.1,
        )
        ax.text(
            MAX_WIDTH - PAD - right_w,
            centres[n],
            printed[n],
            transform=at,
            va="center",
            fontsize=SMALL_PT,
        )
    y_head = PAD + title_h
    fig.text(
        (MAX_WIDTH - PAD - right_w) / MAX_WIDTH,
        1 - y_head / height,
        estimate_label,
        va="top",
        fontsize=SMALL_PT,
    )
    if title:
        fig.text(PAD / MAX_WIDTH, 1 - PAD / height, title, va="top", fontsize=TITLE_PT)
    y = PAD + title_h + head_h + plot_h + x_axis_h
    for line in note_lines:
        fig.text(
            PAD / MAX_WIDTH, 1 - y / height, line, va="top", fontsize=SMALL_PT, color="#444444"
        )
        y += line_height(SMALL_PT)
    return fig
