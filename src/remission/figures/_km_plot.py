"""Kaplan-Meier plot in the KMunicate style, with the at-risk table under the axis."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from matplotlib import pyplot as plt

from remission.analysis import KaplanMeier
from remission.figures._style import OKABE_ITO, new_figure


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


def km_plot(
    km: KaplanMeier,
    title: str = "",
    time_scale: float = 1.0,
    time_label: str = "Time",
    ticks: Sequence[float] | None = None,
    labels: dict[str, str] | None = None,
    y_label: str = "Probability",
) -> tuple[plt.Figure, pl.DataFrame]:
    """Plot Kaplan-Meier curves with CI bands, censor ticks, medians and an at-risk table.

    Parameters
    ----------
    km : KaplanMeier
        The fit (its ``conf_type`` gives the bands).
    title : str
        Figure title.
    time_scale : float
        Divide times by this for the axis (e.g. 30.4375 for months from days).
    time_label : str
        Axis label, with its unit.
    ticks : sequence of float, optional
        Axis ticks in axis units; they are also the at-risk table's times.
    labels : dict, optional
        Display names for the strata.
    y_label : str
        Y axis label.

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
    """
    labels = labels or {}
    n_strata = len(km.strata())
    fig, ax = new_figure(7.0, 4.2 + 0.28 * 3 * n_strata)
    t_max = float(km.table["time"].max()) / time_scale
    if ticks is None:
        ticks = list(np.linspace(0, t_max, 6).round(0))
    medians = km.median()
    for i, stratum in enumerate(km.strata()):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        t = km.table.filter(pl.col("strata") == stratum)
        x = np.concatenate([[0.0], t["time"].to_numpy() / time_scale])
        y = np.concatenate([[1.0], t["surv"].to_numpy()])
        lo = np.concatenate([[1.0], t["lower"].fill_null(np.nan).to_numpy()])
        hi = np.concatenate([[1.0], t["upper"].fill_null(np.nan).to_numpy()])
        med = medians.filter(pl.col("strata") == stratum).row(0, named=True)
        name = labels.get(stratum, stratum)

        def fmt(v: float | None) -> str:
            return "NR" if v is None else f"{v / time_scale:.1f}"

        label = (
            f"{name} (n = {med['n']}, median {fmt(med['median'])} "
            f"[{fmt(med['lower'])}-{fmt(med['upper'])}])"
        )
        ax.step(x, y, where="post", color=colour, lw=1.6, label=label)
        ax.fill_between(x, lo, hi, step="post", color=colour, alpha=0.15, lw=0)
        cens = t.filter(pl.col("n_censor") > 0)
        ax.plot(
            cens["time"].to_numpy() / time_scale,
            cens["surv"].to_numpy(),
            ls="none",
            marker="|",
            ms=7,
            color=colour,
        )
    ax.set_xlim(0, max(ticks[-1], t_max) * 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xticks(ticks)
    ax.set_xlabel(time_label)
    ax.set_ylabel(y_label)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize=7.5)
    table = at_risk_table(km, [tk * time_scale for tk in ticks]).with_columns(
        (pl.col("time") / time_scale).alias("time")
    )
    # the at-risk table, one block of three rows per stratum, under the axis
    lines = []
    for i, stratum in enumerate(km.strata()):
        part = table.filter(pl.col("strata") == stratum)
        name = labels.get(stratum, stratum)
        for what in ("at_risk", "censored", "events"):
            lines.append(
                (
                    f"{name}: {what.replace('_', ' ')}",
                    part[what].to_list(),
                    OKABE_ITO[i % len(OKABE_ITO)],
                )
            )
    fig.subplots_adjust(bottom=0.12 + 0.045 * len(lines), left=0.28, right=0.97)
    for j, (text, values, colour) in enumerate(lines):
        y_pos = -0.2 - 0.075 * j * (4.2 / fig.get_figheight())
        ax.text(
            -0.02,
            y_pos,
            text,
            transform=ax.transAxes,
            ha="right",
            va="center",
            fontsize=7,
            color=colour,
        )
        for tick, value in zip(ticks, values, strict=True):
            ax.text(
                tick,
                y_pos,
                str(value),
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="center",
                fontsize=7,
            )
    ax.text(
        0,
        -0.2 - 0.075 * len(lines) * (4.2 / fig.get_figheight()),
        "At risk: followed at that time; censored and events: cumulative to that time. "
        f"Bands: {km.conf_level:.0%} CI ({km.conf_type}). | = censored.",
        transform=ax.transAxes,
        fontsize=6.5,
        color="#444444",
        va="center",
    )
    return fig, table
