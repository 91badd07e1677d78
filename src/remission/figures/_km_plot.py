"""Kaplan-Meier plot in the KMunicate style, with the at-risk table under the axis."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from matplotlib import pyplot as plt
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from remission.analysis import KaplanMeier
from remission.figures._style import (
    BODY_PT,
    MAX_HEIGHT,
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


def at_risk_table(km: KaplanMeier, times: Sequence[float]) -> pl.DataFrame:
    """Numbers at risk, censored and with the event at each time, per stratum.

    Convention (stated under the plot): *at risk* at time t counts subjects still followed at
    t (time >= t); *censored* and *events* are cumulative from 0 up to and including t.

    Parameters
    ----------
    km : KaplanMeier
        A fitted estimate.
    times : sequence of float
        Times to tabulate (the axis ticks).

    Returns
    -------
    polars.DataFrame
        ``strata``, ``time``, ``at_risk``, ``censored``, ``events``.

    Examples
    --------
    >>> from remission.analysis import kaplan_meier
    >>> at_risk_table(kaplan_meier([1, 2, 3], [1, 0, 1]), [0, 2]).rows()
    [('all', 0.0, 3, 0, 0), ('all', 2.0, 2, 1, 1)]
    """
    rows = []
    for stratum in km.strata():
        t = km.table.filter(pl.col("strata") == stratum)
        total = int(km.n.filter(pl.col("strata") == stratum)["n"][0])
        time = t["time"].to_numpy()
        for when in times:
            upto = t.filter(pl.col("time") <= when)
            later = np.searchsorted(time, when, side="left")
            at_risk = int(t["n_risk"][int(later)]) if later < t.height else 0
            if when <= 0:
                at_risk = total - int(t.filter(pl.col("time") < when)["n_event"].sum())
            rows.append(
                (
                    stratum,
                    float(when),
                    at_risk,
                    int(upto["n_censor"].sum()),
                    int(upto["n_event"].sum()),
                )
            )
    return pl.DataFrame(
        rows,
        schema={
            "strata": pl.String,
            "time": pl.Float64,
            "at_risk": pl.Int64,
            "censored": pl.Int64,
            "events": pl.Int64,
        },
        orient="row",
    )


PLOT_HEIGHT = 2.9
"""Height of the curves' panel, inches (shrinks to ``MIN_PLOT_HEIGHT`` for many strata)."""
MIN_PLOT_HEIGHT = 2.0
ROW_HEIGHT = 0.17
"""One stratum's row of the risk table, inches."""
BLOCKS = {
    "at_risk": "Number at risk",
    "censored": "Censored (cumulative)",
    "events": "Events (cumulative)",
}
PAD = 0.1


def display_names(km: KaplanMeier, labels: dict[str, str] | None = None) -> dict[str, str]:
    """Stratum label -> name shown: ``labels`` first, else ``"best=CR"`` becomes ``"CR"``."""
    strata = km.strata()
    prefixes = {s.split("=", 1)[0] for s in strata if "=" in s}
    strip = len(prefixes) == 1 and all("=" in s for s in strata)
    out = {}
    for s in strata:
        shown = s.split("=", 1)[1] if strip else s
        out[s] = (labels or {}).get(s, "All patients" if shown == "all" else shown)
    return out


def _fmt_time(v: float | None, time_scale: float) -> str:
    return "NR" if v is None or not np.isfinite(v) else f"{v / time_scale:.1f}"


def _default_ticks(t_max: float) -> list[float]:
    ticks = MaxNLocator(nbins=7, steps=[1, 2, 2.5, 3, 5, 6, 10]).tick_values(0, max(t_max, 1e-9))
    ticks = [float(t) for t in ticks if t >= 0]
    while len(ticks) > 2 and ticks[-2] >= t_max:
        ticks.pop()
    return ticks


def km_plot(
    km: KaplanMeier,
    title: str = "",
    time_scale: float = 1.0,
    time_label: str = "Time",
    ticks: Sequence[float] | None = None,
    labels: dict[str, str] | None = None,
    y_label: str = "Probability",
    annotation: str | None = None,
    counts: Sequence[str] = ("at_risk", "censored", "events"),
) -> tuple[plt.Figure, pl.DataFrame]:
    """Plot Kaplan-Meier curves with CI bands, censor ticks and a risk table with medians.

    Laid out in inches for print (6.8 in wide): the curves' panel is 2.9 in tall and the risk
    table under it 0.17 in per stratum and block, so the figure grows with the strata (up to
    9 in; beyond that the panel shrinks, then blocks after the first are left out). The table's
    row labels are the strata, coloured like their curves (no legend over the curves); beside
    the "Number at risk" block, each stratum's median with its CI.

    Parameters
    ----------
    km : KaplanMeier
        The fit (its ``conf_type`` gives the bands and the medians' CIs).
    title : str
        Figure title.
    time_scale : float
        Divide times by this for the axis (e.g. 30.4375 for months from days).
    time_label : str
        Axis label, with its unit.
    ticks : sequence of float, optional
        Axis ticks in axis units; they are also the risk table's times.
    labels : dict, optional
        Display names for the strata (default: ``"best=CR"`` is shown as ``"CR"``).
    y_label : str
        Y axis label.
    annotation : str, optional
        A short text such as ``"log-rank p = 0.003"``, printed above the panel's top right.
    counts : sequence of str
        Blocks of the risk table, in order: ``"at_risk"``, ``"censored"``, ``"events"``.

    Returns
    -------
    tuple of (matplotlib.figure.Figure, polars.DataFrame)
        The figure and the at-risk table printed under it (times in axis units).

    Examples
    --------
    >>> from remission.analysis import kaplan_meier
    >>> fig, table = km_plot(kaplan_meier([3, 5, 7, 9], [1, 0, 1, 1]), ticks=[0, 5])
    >>> table["at_risk"].to_list()
    [4, 3]
    >>> fig.axes[1].texts[0].get_text()  # the risk table's first row label
    'All patients'
    """
    unknown = set(counts) - set(BLOCKS)
    if unknown or not counts:
        raise ValueError(f"counts must be some of {list(BLOCKS)}, got {list(counts)}")
    strata = km.strata()
    names = display_names(km, labels)
    colours = {s: OKABE_ITO[i % len(OKABE_ITO)] for i, s in enumerate(strata)}
    t_max = float(km.table["time"].max() or 0.0) / time_scale
    ticks = [float(t) for t in ticks] if ticks is not None else _default_ticks(t_max)
    table = at_risk_table(km, [tk * time_scale for tk in ticks]).with_columns(
        (pl.col("time") / time_scale).alias("time")
    )
    medians = {
        row["strata"]: (
            f"{_fmt_time(row['median'], time_scale)} "
            f"({_fmt_time(row['lower'], time_scale)}–{_fmt_time(row['upper'], time_scale)})"
        )
        for row in km.median().iter_rows(named=True)
    }
    median_head = f"Median ({km.conf_level:.0%} CI)"

    fig = blank_figure(MAX_WIDTH, MAX_HEIGHT)
    # widths, measured: row labels, counts (half of the widest overhangs each tick), medians
    count_half = max(text_width(fig, str(v)) for v in [0, *table["at_risk"].to_list()]) / 2
    count_half = max(
        count_half,
        *(max(text_width(fig, str(v)) for v in table[c].to_list()) / 2 for c in counts),
    )
    label_gap = count_half + 0.1
    left = max(0.62, max(text_width(fig, names[s]) for s in strata) + label_gap + PAD)
    median_w = max(
        text_width(fig, median_head),
        *(text_width(fig, medians[s]) for s in strata),
    )
    median_gap = count_half + 0.2
    right = median_w + median_gap + PAD
    width = MAX_WIDTH - left - right
    x_max = max(ticks[-1], t_max) * 1.02 or 1.0

    # heights, top down
    title_h = line_height(TITLE_PT) + 0.06 if title else 0.0
    # the annotation ends at the panel's right edge: on the title's line when both fit
    note_right = MAX_WIDTH - right
    note_w = text_width(fig, annotation or "", BODY_PT)
    same_line = bool(title) and (
        PAD + text_width(fig, title, TITLE_PT) + 0.3 <= note_right - note_w
    )
    note_h = line_height(BODY_PT) + 0.06 if annotation and not same_line else 0.0
    footnote = (
        "Number at risk: followed at the time shown (time ≥ t); censored and events: "
        "cumulative from 0 to t. "
        f"Shaded: {km.conf_level:.0%} CI ({km.conf_type}); | = censored; "
        f"medians with {km.conf_level:.0%} CI ({km.conf_type}) in axis units, NR = not reached."
    )
    blocks = list(counts)
    block_title_h = line_height(BODY_PT) + 0.06
    block_gap = 0.08
    x_axis_h = 0.52

    def total(plot_h: float, blocks: list[str]) -> float:
        lines = wrap(fig, footnote + _dropped(blocks, counts), MAX_WIDTH - 2 * PAD)
        return (
            PAD
            + title_h
            + note_h
            + 0.1
            + plot_h
            + x_axis_h
            + len(blocks) * (block_title_h + len(strata) * ROW_HEIGHT + block_gap)
            + len(lines) * line_height(SMALL_PT)
            + PAD
        )

    plot_h = PLOT_HEIGHT
    while total(plot_h, blocks) > MAX_HEIGHT and plot_h > MIN_PLOT_HEIGHT:
        plot_h = max(MIN_PLOT_HEIGHT, plot_h - 0.1)
    if total(plot_h, blocks) > MAX_HEIGHT:
        blocks = blocks[:1]
    height = total(plot_h, blocks)
    fig.set_size_inches(MAX_WIDTH, height)

    def put(x: float, top: float, text: str, **kw: object) -> None:
        """Text whose top-left (or anchor given by ``ha``) is at inches from the top-left."""
        fig.text(x / MAX_WIDTH, 1 - top / height, text, va="top", **kw)  # type: ignore[arg-type]

    y = PAD
    if title:
        put(PAD, y, title, fontsize=TITLE_PT)
    if annotation:
        at = y if same_line else y + title_h
        if note_w <= note_right - PAD:
            put(note_right, at, annotation, fontsize=BODY_PT, ha="right")
        else:  # wider than the panel: from the left margin
            put(PAD, at, annotation, fontsize=BODY_PT)
    y += title_h + note_h + 0.1

    ax = axes_at(fig, left, y, width, plot_h)
    for stratum in strata:
        colour = colours[stratum]
        t = km.table.filter(pl.col("strata") == stratum)
        x = np.concatenate([[0.0], t["time"].to_numpy() / time_scale])
        yy = np.concatenate([[1.0], t["surv"].to_numpy()])
        lo = np.concatenate([[1.0], t["lower"].fill_null(np.nan).to_numpy()])
        hi = np.concatenate([[1.0], t["upper"].fill_null(np.nan).to_numpy()])
        ax.step(x, yy, where="post", color=colour, lw=1.6, label=names[stratum])
        ax.fill_between(x, lo, hi, step="post", color=colour, alpha=0.15, lw=0)
        cens = t.filter(pl.col("n_censor") > 0)
        ax.plot(
            cens["time"].to_numpy() / time_scale,
            cens["surv"].to_numpy(),
            ls="none",
            marker="|",
            ms=6,
            color=colour,
        )
    ax.set_xlim(0, x_max)
    ax.set_ylim(0, 1.02)
    ax.set_xticks(ticks)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:g}")
    ax.set_xlabel(time_label)
    ax.set_ylabel(y_label)
    y += plot_h + x_axis_h

    inch = fig.dpi_scale_trans
    for block in blocks:
        put(PAD, y, BLOCKS[block], fontsize=BODY_PT)
        if block == "at_risk":
            put(MAX_WIDTH - right + median_gap, y + 0.02, median_head, fontsize=SMALL_PT)
        y += block_title_h
        rows = axes_at(fig, left, y, width, len(strata) * ROW_HEIGHT)
        rows.set_xlim(0, x_max)
        rows.set_ylim(len(strata), 0)
        rows.axis("off")
        at_row = blended_transform_factory(rows.transAxes, rows.transData)
        for i, stratum in enumerate(strata):
            rows.text(
                0,
                i + 0.5,
                names[stratum],
                transform=at_row + ScaledTranslation(-label_gap, 0, inch),
                ha="right",
                va="center",
                fontsize=SMALL_PT,
                color=colours[stratum],
            )
            part = table.filter(pl.col("strata") == stratum)
            for tick, value in zip(ticks, part[block].to_list(), strict=True):
                rows.text(tick, i + 0.5, str(value), ha="center", va="center", fontsize=SMALL_PT)
            if block == "at_risk":
                rows.text(
                    1,
                    i + 0.5,
                    medians[stratum],
                    transform=at_row + ScaledTranslation(median_gap, 0, inch),
                    ha="left",
                    va="center",
                    fontsize=SMALL_PT,
                    color=colours[stratum],
                )
        y += len(strata) * ROW_HEIGHT + block_gap
    for line in wrap(fig, footnote + _dropped(blocks, counts), MAX_WIDTH - 2 * PAD):
        put(PAD, y, line, fontsize=SMALL_PT, color="#444444")
        y += line_height(SMALL_PT)
    return fig, table


def _dropped(blocks: list[str], counts: Sequence[str]) -> str:
    left_out = [BLOCKS[c].split(" (")[0].lower() for c in counts if c not in blocks]
    return f" Not shown for lack of room: {' and '.join(left_out)}." if left_out else ""
