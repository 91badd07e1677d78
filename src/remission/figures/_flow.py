"""The patient-flow (CONSORT-style) diagram: enrolled, treated, evaluable, best response."""

from __future__ import annotations

import polars as pl
from matplotlib import pyplot as plt

from remission.figures._style import axes_at, blank_figure

RESPONSE_ORDER = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE")
"""Best responses in clinical order (NE includes patients never assessed)."""

_BOX = {"boxstyle": "square,pad=0.45", "facecolor": "white", "edgecolor": "#333333", "lw": 0.8}
_SIDE = {**_BOX, "facecolor": "#f4f4f6"}


def flow_counts(adsl: pl.DataFrame) -> pl.DataFrame:
    """The counts a patient-flow diagram shows, by histology and overall.

    Parameters
    ----------
    adsl : polars.DataFrame
        ADSL with USUBJID, HISTOL, TRTSDT and CBOR.

    Returns
    -------
    polars.DataFrame
        One row per histology and one for "all": enrolled, treated, not_treated, evaluable
        (treated with a response assessment), not_evaluable, and one column per best response
        in ``RESPONSE_ORDER`` (counted among the treated; NE includes the unassessed).

    Examples
    --------
    >>> import datetime as dt
    >>> adsl = pl.DataFrame({"USUBJID": ["a", "b", "c"], "HISTOL": ["m", "m", "r"],
    ...     "TRTSDT": [dt.date(1990, 1, 1)] * 3, "CBOR": ["CR", "MISSING", "PD"]})
    >>> flow_counts(adsl).select("histology", "treated", "evaluable", "CR", "NE").rows()
    [('m', 2, 1, 1, 1), ('r', 1, 1, 0, 0), ('all', 3, 2, 1, 1)]
    """
    frame = adsl.select(
        pl.col("HISTOL").cast(pl.String).alias("histology"),
        pl.col("TRTSDT").is_not_null().alias("treated"),
        pl.col("CBOR").replace({"MISSING": "NE"}).alias("best"),
        (pl.col("CBOR") != "MISSING").alias("assessed"),
    )
    aggs = [
        pl.len().alias("enrolled"),
        pl.col("treated").sum().alias("treated"),
        (~pl.col("treated")).sum().alias("not_treated"),
        (pl.col("treated") & pl.col("assessed")).sum().alias("evaluable"),
        (pl.col("treated") & ~pl.col("assessed")).sum().alias("not_evaluable"),
        *[(pl.col("treated") & (pl.col("best") == r)).sum().alias(r) for r in RESPONSE_ORDER],
    ]
    by = frame.group_by("histology").agg(aggs).sort("histology")
    total = frame.select(aggs).with_columns(pl.lit("all").alias("histology"))
    return pl.concat([by, total.select(by.columns)]).with_columns(
        pl.exclude("histology").cast(pl.Int64)
    )


def _box(ax: plt.Axes, x: float, y: float, text: str, side: bool = False) -> None:
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=8.5,
        bbox=_SIDE if side else _BOX,
        linespacing=1.35,
    )


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": "#333333", "lw": 0.8, "shrinkA": 0, "shrinkB": 0},
    )


def flow_diagram(counts: pl.DataFrame, title: str = "Patient flow") -> plt.Figure:
    """Draw the patient-flow diagram from ``flow_counts``: one column per histology.

    Parameters
    ----------
    counts : polars.DataFrame
        The output of ``flow_counts``.
    title : str
        Title above the diagram.

    Returns
    -------
    matplotlib.figure.Figure
        The diagram (6.5 in wide; fonts 8.5 pt).

    Examples
    --------
    >>> import datetime as dt
    >>> adsl = pl.DataFrame({"USUBJID": ["a", "b"], "HISTOL": ["m", "r"],
    ...     "TRTSDT": [dt.date(1990, 1, 1)] * 2, "CBOR": ["CR", "PD"]})
    >>> fig = flow_diagram(flow_counts(adsl))
    >>> len(fig.axes)
    1
    """
    total = counts.filter(pl.col("histology") == "all").row(0, named=True)
    groups = counts.filter(pl.col("histology") != "all").rows(named=True)
    if not groups or len(groups) > 4:  # one column: all patients
        groups = [total]
    columns = len(groups)
    fig = blank_figure(6.5, 4.8)
    ax = axes_at(fig, 0.1, 0.35, 6.3, 4.35)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    fig.text(0.1 / 6.5, 1 - 0.12 / 4.8, title, fontsize=10, va="top")
    _box(ax, 0.38, 0.93, f"Enrolled\nn = {total['enrolled']}")
    _arrow(ax, (0.38, 0.87), (0.38, 0.77))
    _box(ax, 0.38, 0.72, f"Treated\nn = {total['treated']}")
    _box(ax, 0.80, 0.82, f"Not treated\nn = {total['not_treated']}", side=True)
    _arrow(ax, (0.38, 0.82), (0.69, 0.82))
    _arrow(ax, (0.38, 0.66), (0.38, 0.57))
    _box(ax, 0.38, 0.52, f"Evaluable for response\nn = {total['evaluable']}")
    _box(ax, 0.80, 0.615, f"No response assessment\nn = {total['not_evaluable']}", side=True)
    _arrow(ax, (0.38, 0.615), (0.63, 0.615))
    width = 1 / columns
    for i, g in enumerate(groups):
        x = width * (i + 0.5)
        _arrow(ax, (0.38, 0.46), (x, 0.37))
        n = g["treated"]
        lines = [f"{g['histology']}: n = {n}"]
        for r in RESPONSE_ORDER:
            if g[r] or r != "NON-CR/NON-PD":
                share = f" ({100 * g[r] / n:.1f}%)" if n else ""
                lines.append(f"{'non-CR/non-PD' if r == 'NON-CR/NON-PD' else r}  {g[r]}{share}")
        _box(ax, x, 0.19, "\n".join(lines))
    return fig
