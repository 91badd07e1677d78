"""Forest plot of odds ratios (or hazard ratios) with their confidence intervals."""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib import pyplot as plt

from remission.figures._style import OKABE_ITO, new_figure


def _num(value: float) -> str:
    return f"{value:.2f}" if np.isfinite(value) else "NA"


def forest_plot(
    rows: pl.DataFrame, estimate_label: str = "Odds ratio (95% CI)", title: str = ""
) -> plt.Figure:
    """Forest plot on a log axis, one row per term, with the estimate and CI written beside.

    Parameters
    ----------
    rows : polars.DataFrame
        ``label``, ``estimate``, ``lower``, ``upper`` and optionally ``model`` (e.g.
        "univariable", "Firth"): rows of one model share a colour.
    estimate_label : str
        Axis label.
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
    """
    rows = rows.with_columns(
        pl.col(c).cast(pl.Float64).fill_null(float("nan")) for c in ("estimate", "lower", "upper")
    )
    if "model" not in rows.columns:
        rows = rows.with_columns(pl.lit("").alias("model"))
    models = rows["model"].unique(maintain_order=True).to_list()
    fig, ax = new_figure(7.5, 0.42 * rows.height + 1.4)
    y = np.arange(rows.height)[::-1]
    for i, model in enumerate(models):
        sel = (rows["model"] == model).to_numpy()
        est = rows["estimate"].to_numpy()[sel]
        lo = rows["lower"].to_numpy()[sel]
        hi = rows["upper"].to_numpy()[sel]
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        ax.errorbar(
            est,
            y[sel],
            xerr=[est - lo, hi - est],
            fmt="s",
            color=colour,
            ms=5,
            capsize=3,
            label=model or None,
        )
    ax.axvline(1.0, color="#444444", lw=0.8, ls="--")
    ax.set_xscale("log")
    ax.set_yticks(y)
    ax.set_yticklabels(rows["label"].to_list())
    ax.set_xlabel(estimate_label)
    for yy, e, lo, hi in zip(y, rows["estimate"], rows["lower"], rows["upper"], strict=True):
        ax.text(
            1.02,
            yy,
            f"{_num(e)} ({_num(lo)}-{_num(hi)})",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=7.5,
        )
    if any(models):
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(models), fontsize=7.5)
    if title:
        ax.set_title(title, loc="left", pad=18)
    fig.subplots_adjust(right=0.78)
    return fig
