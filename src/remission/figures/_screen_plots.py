"""Figures of a T-cell recognition screen: the positivity heatmap and peptide titrations."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from matplotlib import colormaps
from matplotlib import pyplot as plt
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from remission.figures._style import (
    BODY_PT,
    MAX_HEIGHT,
    MAX_WIDTH,
    OKABE_ITO,
    SMALL_PT,
    axes_at,
    blank_figure,
    legend_at,
    line_height,
    put_text,
    shorten,
    text_width,
    wrap,
)

if TYPE_CHECKING:
    from remission.antigens.screens import TitrationFit

CELL_WIDTH = 0.34
"""One effector's column of the heatmap, inches."""
ROW_HEIGHT = 0.17
"""One target's row of the heatmap, inches."""
HEADING_HEIGHT = 0.26
"""A plate's heading row, inches."""
COLUMN_GAP = 0.3
PAD = 0.1
FOLD_RANGE = (-1.0, 6.0)
"""Colour scale, log2 fold over background."""
MAX_LABEL_CHARS = 32
READOUTS = {
    "ifng_pg_ml": "IFN-γ (pg/mL)",
    "spots_per_well": "Spots per well",
    "pct_41bb_of_cd8": "4-1BB+ of CD8+ T cells (%)",
}


def _rows_of_plate(part: pl.DataFrame) -> list[tuple[str, tuple]]:
    """(row label, key) per distinct condition of a plate, in the order of the table.

    A condition is a target label; concentration and readout join the label when they vary
    within the plate (a titration puts one antigen at several concentrations).
    """
    if "concentration_unit" not in part.columns:
        part = part.with_columns(pl.lit(None, pl.String).alias("concentration_unit"))
    keys = part.select("_label", "concentration", "readout", "concentration_unit").unique(
        maintain_order=True
    )
    varies = {c: keys[c].n_unique() > 1 for c in ("concentration", "readout")}
    rows = []
    for label, conc, readout, unit in keys.iter_rows():
        text = label
        if varies["concentration"]:
            unit_text = f" {unit}" if unit else ""
            text += f" at {conc:g}{unit_text}" if conc is not None else " (no peptide)"
        if varies["readout"]:
            text += f", {readout}"
        rows.append((shorten(text, MAX_LABEL_CHARS), (label, conc, readout)))
    return rows


def _balanced(heights: list[float], k: int) -> list[list[int]]:
    """Split items, in order, into at most ``k`` runs with the smallest tallest run."""
    n = len(heights)
    k = max(1, min(k, n))
    prefix = np.concatenate([[0.0], np.cumsum(heights)])
    best = np.full((k + 1, n + 1), np.inf)
    cut = np.zeros((k + 1, n + 1), dtype=int)
    best[0, 0] = 0.0
    for j in range(1, k + 1):
        for i in range(1, n + 1):
            for m in range(j - 1, i):
                cost = max(best[j - 1, m], prefix[i] - prefix[m])
                if cost < best[j, i]:
                    best[j, i], cut[j, i] = cost, m
    runs, i = [], n
    for j in range(k, 0, -1):
        m = cut[j, i]
        runs.append(list(range(m, i)))
        i = m
    return [r for r in reversed(runs) if r]


@dataclass(frozen=True)
class _Plan:
    """Geometry of a heatmap, inches: rows in pieces of plates, columns, what they hold."""

    data: pl.DataFrame
    effectors: list[str]
    pieces: list[tuple[str, list[tuple[str, tuple]]]]  # (heading, [(label, key)])
    heights: list[float]
    label_w: float
    cell_w: float
    vertical: bool
    header_h: float
    block_w: float
    fit: int
    room: float


COLOURBAR_HEIGHT = 0.75


def _plan(positivity: pl.DataFrame, room: float) -> _Plan:
    data = positivity
    if "label" not in data.columns:
        data = data.with_columns(pl.coalesce("antigen", "target").alias("label"))
    for column, dtype in (("concentration", pl.Float64), ("readout", pl.String)):
        if column not in data.columns:
            data = data.with_columns(pl.lit(None, dtype=dtype).alias(column))
    data = data.with_columns(
        pl.col("label").cast(pl.String).fill_null("(none)").alias("_label"),
        pl.col("plate").cast(pl.String),
        pl.col("effector").cast(pl.String),
    )
    effectors = data["effector"].unique(maintain_order=True).to_list()
    fig = blank_figure(MAX_WIDTH, MAX_HEIGHT)  # for measuring only
    plt.close(fig)
    plates = [
        (plate, _rows_of_plate(data.filter(pl.col("plate") == plate)))
        for plate in data["plate"].unique(maintain_order=True).to_list()
    ]
    label_w = max(text_width(fig, label) for _, rows in plates for label, _ in rows)
    effector_w = max(text_width(fig, e) for e in effectors)
    # effector names across the top when a few wider cells allow it, else upright
    cell_w = max(CELL_WIDTH, effector_w + 0.1)
    vertical = len(effectors) * cell_w > 2.0
    cell_w = CELL_WIDTH if vertical else cell_w
    header_h = (effector_w if vertical else line_height(SMALL_PT)) + 0.08
    room -= 2 * PAD + header_h + COLOURBAR_HEIGHT + line_height(BODY_PT) + 0.08
    # pieces: a plate's rows, cut where a plate is longer than a column can hold
    per_piece = max(1, int((room - HEADING_HEIGHT) / ROW_HEIGHT))
    pieces = []
    for plate, rows in plates:
        for start in range(0, len(rows), per_piece):
            heading = plate if start == 0 else f"{plate} (continued)"
            pieces.append((heading, rows[start : start + per_piece]))
    heading_w = max(text_width(fig, h, SMALL_PT, "bold") for h, _ in pieces)
    block_w = max(label_w + 0.08 + len(effectors) * cell_w, heading_w)
    return _Plan(
        data=data,
        effectors=effectors,
        pieces=pieces,
        heights=[HEADING_HEIGHT + len(rows) * ROW_HEIGHT for _, rows in pieces],
        label_w=label_w,
        cell_w=cell_w,
        vertical=vertical,
        header_h=header_h,
        block_w=block_w,
        fit=max(1, int((MAX_WIDTH - 2 * PAD + COLUMN_GAP) / (block_w + COLUMN_GAP))),
        room=room,
    )


def _tallest(heights: list[float], k: int) -> float:
    return max(sum(heights[i] for i in run) for run in _balanced(heights, k))


def _pages(plan: _Plan) -> list[list[int]]:
    """Pieces per page: as many as the page's columns hold."""
    pages: list[list[int]] = []
    page: list[int] = []
    for i in range(len(plan.pieces)):
        trial = [*page, i]
        if page and _tallest([plan.heights[j] for j in trial], plan.fit) > plan.room + 1e-9:
            pages.append(page)
            trial = [i]
        page = trial
    pages.append(page)
    return pages


def _heatmap_page(plan: _Plan, page: list[int], title: str) -> plt.Figure:
    """Draw the pieces ``page`` of a plan in balanced columns."""
    effectors, pieces = plan.effectors, plan.pieces
    heights = [plan.heights[i] for i in page]
    columns = [[page[j] for j in run] for run in _balanced(heights, plan.fit)]
    column_h = max(sum(plan.heights[i] for i in run) for run in columns)
    title_h = line_height(BODY_PT) + 0.08 if title else 0.0
    top = PAD + title_h + plan.header_h
    height = top + column_h + COLOURBAR_HEIGHT + PAD
    fig = blank_figure(MAX_WIDTH, height)
    if title:
        put_text(fig, PAD, PAD, title, fontsize=BODY_PT)
    cmap = colormaps["viridis"].with_extremes(bad="none")
    untested_cmap = ListedColormap(["#e6e6e6"])
    norm = Normalize(*FOLD_RANGE)
    values = {
        (row["plate"], row["effector"], (row["_label"], row["concentration"], row["readout"])): (
            row["fold"],
            bool(row["positive"]),
        )
        for row in plan.data.iter_rows(named=True)
    }
    cells_w = len(effectors) * plan.cell_w
    inch = fig.dpi_scale_trans
    mesh = None
    any_untested = False
    for c, run in enumerate(columns):
        x0 = PAD + c * (plan.block_w + COLUMN_GAP)
        h = sum(plan.heights[i] for i in run)
        ax = axes_at(fig, x0 + plan.block_w - cells_w, top, cells_w, h)
        edges = [0.0]
        grid, untested = [], []
        for i in run:
            heading, rows = pieces[i]
            plate = heading.removesuffix(" (continued)")
            edges.append(edges[-1] + HEADING_HEIGHT)
            grid.append([np.nan] * len(effectors))
            untested.append([np.nan] * len(effectors))
            for _, key in rows:
                edges.append(edges[-1] + ROW_HEIGHT)
                found = [values.get((plate, e, key)) for e in effectors]
                grid.append(
                    [
                        math.log2(max(v[0], 1e-3)) if v and v[0] is not None else np.nan
                        for v in found
                    ]
                )
                untested.append([np.nan if v and v[0] is not None else 0.0 for v in found])
        xs = np.arange(len(effectors) + 1)
        any_untested |= bool(np.any(np.asarray(untested) == 0.0))
        ax.pcolormesh(xs, edges, np.ma.masked_invalid(np.asarray(untested)), cmap=untested_cmap)
        matrix = np.ma.masked_invalid(np.asarray(grid, dtype=float))
        mesh = ax.pcolormesh(xs, edges, matrix, cmap=cmap, norm=norm, shading="flat")
        ax.set_xlim(0, len(effectors))
        ax.set_ylim(h, 0)
        ax.axis("off")
        at_left = blended_transform_factory(ax.transAxes, ax.transData)
        n = 0
        for i in run:
            heading, rows = pieces[i]
            plate = heading.removesuffix(" (continued)")
            ax.text(
                0,
                (edges[n] + edges[n + 1]) / 2,
                heading,
                transform=at_left + ScaledTranslation(-(plan.block_w - cells_w), 0, inch),
                ha="left",
                va="center",
                fontsize=SMALL_PT,
                fontweight="bold",
            )
            n += 1
            for label, key in rows:
                y = (edges[n] + edges[n + 1]) / 2
                ax.text(
                    0,
                    y,
                    label,
                    transform=at_left + ScaledTranslation(-0.06, 0, inch),
                    ha="right",
                    va="center",
                    fontsize=SMALL_PT,
                )
                for e, effector in enumerate(effectors):
                    found = values.get((plate, effector, key))
                    if found and found[1]:
                        r, g, b, _ = cmap(norm(math.log2(max(found[0] or 1e-3, 1e-3))))
                        dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
                        ax.text(
                            e + 0.5,
                            y,
                            "*",
                            ha="center",
                            va="center",
                            fontsize=11,
                            fontweight="bold",
                            color="white" if dark else "black",
                        )
                n += 1
        for e, effector in enumerate(effectors):
            ax.text(
                e + 0.5,
                -0.06,
                effector,
                ha="center",
                va="bottom",
                rotation=90 if plan.vertical else 0,
                fontsize=SMALL_PT,
            )
    bar_top = top + column_h + 0.2
    bar_w = min(2.6, MAX_WIDTH / 2)
    bar = axes_at(fig, PAD + 0.05, bar_top, bar_w, 0.12)
    fig.colorbar(mesh, cax=bar, orientation="horizontal")
    bar.tick_params(labelsize=SMALL_PT)
    bar.set_xlabel("log2 fold over background", fontsize=SMALL_PT, labelpad=2)
    put_text(
        fig,
        PAD + 0.05 + bar_w + 0.3,
        bar_top - 0.02,
        "* positive call (the screen's rules)" + ("\ngrey: not tested" if any_untested else ""),
        linespacing=1.3,
    )
    return fig


def screen_heatmap_pages(positivity: pl.DataFrame, title: str = "") -> list[plt.Figure]:
    """Heatmap of fold over background by effector and condition, on pages of 6.8 x 9 in.

    Every condition gets its own labelled row (0.17 in) under a heading per plate, effectors
    are the columns, and the plates flow into as many side-by-side columns as fit 6.8 in,
    balanced so each page is as short as it can be; a plate longer than a column continues
    in the next, and a screen longer than a page on the next page ("(page i of n)" after the
    title). ``*`` marks a positive call, drawn black or white against the cell.

    Parameters
    ----------
    positivity : polars.DataFrame
        ``call_positivity`` output: ``plate``, ``effector``, ``fold``, ``positive``,
        ``concentration``, ``readout`` and ``antigen``/``target`` (or a ready ``label``).
    title : str
        Title of every page (with the page number when there are several).

    Returns
    -------
    list of matplotlib.figure.Figure
        One figure per page.

    Examples
    --------
    >>> from remission.antigens.screens import analyse_screen, demo_screen
    >>> [fig] = screen_heatmap_pages(analyse_screen(demo_screen()).positivity)
    >>> "MART-1_27-35" in [t.get_text() for ax in fig.axes for t in ax.texts]
    True
    """
    plan = _plan(positivity, MAX_HEIGHT)
    pages = _pages(plan)
    out = []
    for i, page in enumerate(pages, start=1):
        name = title
        if len(pages) > 1:
            name = f"{title} (page {i} of {len(pages)})" if title else f"Page {i} of {len(pages)}"
        out.append(_heatmap_page(plan, page, name))
    return out


def screen_heatmap(positivity: pl.DataFrame, title: str = "") -> plt.Figure:
    """Heatmap of fold over background by effector and condition, all plates on one figure.

    Laid out as ``screen_heatmap_pages`` lays out a page; a screen too long for one 9 in page
    makes a taller figure (use ``screen_heatmap_pages`` to print it).

    Parameters
    ----------
    positivity : polars.DataFrame
        ``call_positivity`` output: ``plate``, ``effector``, ``fold``, ``positive``,
        ``concentration``, ``readout`` and ``antigen``/``target`` (or a ready ``label``).
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> from remission.antigens.screens import analyse_screen, demo_screen
    >>> fig = screen_heatmap(analyse_screen(demo_screen()).positivity)
    >>> "MART-1_27-35" in [t.get_text() for ax in fig.axes for t in ax.texts]
    True
    """
    plan = _plan(positivity, MAX_HEIGHT)
    return _heatmap_page(plan, list(range(len(plan.pieces))), title)


def _observed(plates: pl.DataFrame, fits: Sequence[TitrationFit]) -> list[pl.DataFrame | None]:
    """Per fit, the wells it was fitted to, summarised per concentration (mean, SD, n).

    The wells are those ``fit_titrations`` uses (test wells above concentration 0, every
    readout but 51Cr counts, one titration per plate, effector, target, antigen and
    readout); a fit is matched to the next titration with its antigen and well count.
    """
    data = plates.filter(
        (pl.col("role") == "test")
        & (pl.col("concentration") > 0)
        & (pl.col("readout") != "cr51_counts")
    )
    groups = [
        g
        for _, g in data.group_by(
            ["plate", "effector", "target", "antigen", "readout"], maintain_order=True
        )
    ]
    out: list[pl.DataFrame | None] = []
    start = 0
    for fit in fits:
        found = None
        for j in range(start, len(groups)):
            g = groups[j]
            key = (g["plate"][0], g["effector"][0], g["target"][0], g["readout"][0])
            same = fit.plate is None or key == (fit.plate, fit.effector, fit.target, fit.readout)
            if g["antigen"][0] == fit.antigen and g.height == fit.n and same:
                found, start = g, j + 1
                break
        if found is None:
            out.append(None)
            continue
        out.append(
            found.group_by("concentration")
            .agg(
                pl.col("value").mean().alias("mean"),
                pl.col("value").std().alias("sd"),
                pl.len().alias("n"),
                pl.col("readout").first(),
            )
            .sort("concentration")
        )
    return out


def titration_plot(fits: Sequence[TitrationFit], plates: pl.DataFrame | None = None) -> plt.Figure:
    """Peptide titrations: the fitted 4PL curves with the observations they were fitted to.

    Observations are the mean ± SD of replicate wells at each concentration (a single well
    is drawn as a point); the dotted line marks each EC50. The legend, one line per fit with
    its EC50 and CI, sits above the plot.

    Parameters
    ----------
    fits : sequence of TitrationFit
        ``analyse_screen(...).titration_fits`` (or ``fit_titrations``).
    plates : polars.DataFrame, optional
        The screen's typed plate table, for the observations; without it only curves.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> from remission.antigens.screens import analyse_screen, demo_screen
    >>> screen = demo_screen()
    >>> fig = titration_plot(analyse_screen(screen).titration_fits, screen.plates)
    >>> fig.axes[0].get_xscale()
    'log'
    """
    fig = blank_figure(MAX_WIDTH, 4.5)
    observed = _observed(plates, fits) if plates is not None else [None] * len(fits)
    names = [f.antigen for f in fits]
    handles, labels = [], []
    for i, fit in enumerate(fits):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        unit = f" {fit.concentration_unit}" if fit.concentration_unit else ""
        name = fit.antigen if names.count(fit.antigen) == 1 else f"{fit.antigen} ({i + 1})"
        if fit.usable:
            labels.append(
                f"{name}: EC50 {fit.ec50:.3g}{unit} ({fit.ci_level:.0%} CI "
                f"{fit.ec50_ci[0]:.3g}–{fit.ec50_ci[1]:.3g})"
            )
        else:
            labels.append(f"{name}: no EC50 ({fit.status.replace('_', ' ')}; see the table)")
        handles.append(Line2D([], [], color=colour, marker="o", ms=4))
    top = PAD
    if handles:
        _, legend_h = legend_at(fig, handles, labels, PAD, top, MAX_WIDTH - 2 * PAD)
        top += legend_h + 0.15
    note = (
        "Points: mean ± SD of replicate wells at each concentration (single wells as points); "
        "lines: four-parameter logistic fits; dotted: EC50; a titration without an EC50 "
        "(flat, too few concentrations, no convergence) is shown by its points only."
    )
    note_lines = wrap(fig, note, MAX_WIDTH - 2 * PAD)
    plot_h = 3.0
    height = top + plot_h + 0.5 + len(note_lines) * line_height(SMALL_PT) + PAD
    fig.set_size_inches(MAX_WIDTH, height)
    left = 0.8
    ax = axes_at(fig, left, top, MAX_WIDTH - left - 0.3, plot_h)
    readouts = set()
    for i, (fit, obs) in enumerate(zip(fits, observed, strict=True)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        if obs is not None and obs.height:
            conc = obs["concentration"].to_numpy()
            lo, hi = conc.min() / 3, conc.max() * 3
            readouts.update(obs["readout"].to_list())
            sd = obs["sd"].fill_null(0.0).to_numpy()
            ax.errorbar(
                conc,
                obs["mean"].to_numpy(),
                yerr=np.where(obs["n"].to_numpy() > 1, sd, 0.0),
                fmt="o",
                ms=4,
                color=colour,
                capsize=2,
                lw=1,
            )
        elif fit.usable:
            lo, hi = fit.ec50 / 1000, fit.ec50 * 1000
        if not fit.usable:  # the observations only: there is no curve to draw
            continue
        x = np.logspace(np.log10(lo), np.log10(hi), 200)
        ax.plot(x, fit.predict(x), color=colour, lw=1.4)
        ax.axvline(fit.ec50, color=colour, lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    unit = fits[0].concentration_unit if fits and fits[0].concentration_unit else ""
    ax.set_xlabel(f"Peptide concentration ({unit})" if unit else "Peptide concentration")
    ax.set_ylabel(
        READOUTS.get(next(iter(readouts)), "Response") if len(readouts) == 1 else "Response"
    )
    y = top + plot_h + 0.5
    for line in note_lines:
        put_text(fig, PAD, y, line, color="#444444")
        y += line_height(SMALL_PT)
    return fig
