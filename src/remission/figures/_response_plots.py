"""Swimmer, waterfall and spider plots of response, from the derived datasets."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from matplotlib import pyplot as plt
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from remission.figures._style import (
    BODY_PT,
    MAX_HEIGHT,
    MAX_WIDTH,
    OKABE_ITO,
    RESPONSE_COLOURS,
    SMALL_PT,
    TITLE_PT,
    axes_at,
    blank_figure,
    legend_at,
    line_height,
    put_text,
    text_width,
)


def swimmer_data(adrs: pl.DataFrame, adtte: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """One lane per responder: from treatment start to the end of response.

    Parameters
    ----------
    adrs, adtte : polars.DataFrame
        Derived datasets (``derive_study``).
    groups : polars.DataFrame
        ``USUBJID`` and ``group`` (e.g. histology); also ``DTHDT`` when known.

    Returns
    -------
    polars.DataFrame
        ``USUBJID``, ``group``, ``best`` (CR/PR), ``end_days`` (the lane: CRDUR for complete
        responders, reference date to the end of RSD for partial ones, end - start + 1),
        ``response_days`` and ``cr_days`` (onsets from the reference date), ``relapse`` (the
        lane ends in progression), ``ongoing`` (censored and alive).

    Examples
    --------
    >>> from remission.derive import derive_study
    >>> from remission.simulate import simulate_study
    >>> study = simulate_study(n_patients=200, seed=5)
    >>> frames = derive_study(study)
    >>> g = study.table("patients").select(pl.col("patient_id").alias("USUBJID"),
    ...     pl.col("histology").alias("group"), pl.col("death_date").alias("DTHDT"))
    >>> lanes = swimmer_data(frames["adrs"], frames["adtte"], g)
    >>> set(lanes["best"]) <= {"CR", "PR"}
    True
    """
    best = adrs.filter(pl.col("PARAMCD") == "CBOR").select("USUBJID", pl.col("AVALC").alias("best"))
    rsp = adrs.filter((pl.col("PARAMCD") == "RSP") & (pl.col("AVALC") == "Y")).select(
        "USUBJID", pl.col("ADT").alias("_rsp")
    )
    first_cr = (
        adrs.filter((pl.col("PARAMCD") == "OVR") & (pl.col("AVALC") == "CR"))
        .group_by("USUBJID")
        .agg(pl.col("ADT").min().alias("_cr"))
    )
    rsd = adtte.filter(pl.col("PARAMCD") == "RSD").select(
        "USUBJID", pl.col("ADT").alias("_rsd_end"), pl.col("CNSR").alias("_rsd_cnsr")
    )
    crdur = adtte.filter(pl.col("PARAMCD") == "CRDUR").select(
        "USUBJID",
        pl.col("AVAL").alias("_crdur"),
        pl.col("CNSR").alias("_cr_cnsr"),
        pl.col("STARTDT").alias("_start"),
    )
    start = adtte.filter(pl.col("PARAMCD") == "OS").select(
        "USUBJID", pl.col("STARTDT").alias("_ref")
    )
    lanes = (
        best.filter(pl.col("best").is_in(["CR", "PR"]))
        .join(rsp, on="USUBJID", how="left")
        .join(first_cr, on="USUBJID", how="left")
        .join(rsd, on="USUBJID", how="left")
        .join(crdur, on="USUBJID", how="left")
        .join(start, on="USUBJID", how="left")
        .join(groups, on="USUBJID", how="left")
    )
    if "DTHDT" not in lanes.columns:
        lanes = lanes.with_columns(pl.lit(None, dtype=pl.Date).alias("DTHDT"))
    is_cr = pl.col("best") == "CR"
    days = pl.duration(days=1)
    return lanes.select(
        "USUBJID",
        pl.col("group").cast(pl.String).fill_null("all"),
        "best",
        pl.when(is_cr)
        .then(pl.col("_crdur"))
        .otherwise(((pl.col("_rsd_end") - pl.col("_ref")) / days) + 1)
        .cast(pl.Float64)
        .alias("end_days"),
        ((pl.col("_rsp") - pl.col("_ref")) / days).cast(pl.Float64).alias("response_days"),
        pl.when(is_cr)
        .then((pl.col("_cr") - pl.col("_ref")) / days)
        .cast(pl.Float64)
        .alias("cr_days"),
        (pl.when(is_cr).then(pl.col("_cr_cnsr")).otherwise(pl.col("_rsd_cnsr")) == 0).alias(
            "relapse"
        ),
        (
            (pl.when(is_cr).then(pl.col("_cr_cnsr")).otherwise(pl.col("_rsd_cnsr")) == 1)
            & pl.col("DTHDT").is_null()
        ).alias("ongoing"),
    ).sort("group", "end_days", descending=[False, True])


LANE = 0.11
"""Pitch of one swimmer lane, inches: 60 lanes in up to six groups fit a 9 in page."""
HEADING_LANES = 1.6
"""A group's heading row, in lanes (0.18 in)."""
PAD = 0.1


def _swimmer_markers(time_scale: float) -> tuple:
    response, cr = pl.col("response_days"), pl.col("cr_days")
    return (  # rows drawn, x, marker, size (at a full lane), colour, legend
        (
            response.is_not_null(),
            response / time_scale,
            "o",
            3.5,
            RESPONSE_COLOURS["PR"],
            "response (first CR/PR)",
        ),
        (cr.is_not_null(), cr / time_scale, "D", 3.5, RESPONSE_COLOURS["CR"], "complete response"),
        (pl.col("relapse"), pl.col("bar"), "x", 5, RESPONSE_COLOURS["PD"], "relapse / progression"),
        (pl.col("ongoing"), pl.col("bar"), ">", 5, "black", "ongoing at cut-off"),
    )


def _swimmer_page(
    page: pl.DataFrame,
    headings: list[tuple[float, str, str]],
    units: float,
    pitch: float,
    x_max: float,
    time_scale: float,
    time_label: str,
    title: str,
) -> plt.Figure:
    """Draw one page: lanes at ``page["y"]`` (in lanes), headings (y, text, colour)."""
    fig = blank_figure(MAX_WIDTH, MAX_HEIGHT)
    markers = _swimmer_markers(time_scale)
    top = PAD
    if title:
        put_text(fig, PAD, top, title, fontsize=TITLE_PT)
        top += line_height(TITLE_PT) + 0.08
    top += _swimmer_legend(fig, top, time_scale) + 0.12
    plot_h = max(units * pitch, 0.9)
    height = top + plot_h + 0.5 + PAD
    fig.set_size_inches(MAX_WIDTH, height)
    left = 0.45
    ax = axes_at(fig, left, top, MAX_WIDTH - left - 0.25, plot_h)
    scale = pitch / LANE
    for colour, part in page.group_by("_colour", maintain_order=True):
        ax.barh(
            part["y"].to_numpy(),
            part["bar"].to_numpy(),
            height=0.7,
            color=colour[0],
            alpha=0.6,
        )
    for rows, x, marker, size, colour, _ in markers:
        shown = page.filter(rows)
        ax.plot(
            shown.select(x).to_series().to_numpy(),
            shown["y"].to_numpy(),
            ls="none",
            marker=marker,
            ms=size * scale,
            color=colour,
            clip_on=False,
        )
    for y, text, colour in headings:
        ax.text(
            x_max * 0.005,
            y,
            text,
            va="center",
            ha="left",
            fontsize=SMALL_PT,
            fontweight="bold",
            color=colour,
        )
    ax.set_xlim(0, x_max)
    ax.set_ylim(plot_h / pitch - 0.5, -0.5)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_ylabel("Responders")
    ax.set_xlabel(time_label)
    return fig


def _paginate(
    drawn: pl.DataFrame, lanes_per_page: int, room: float, pitch: float
) -> list[tuple[pl.DataFrame, list[tuple[float, str, str]], float]]:
    """Split lanes into pages of at most ``lanes_per_page`` lanes and ``room`` inches, each
    group under a heading (repeated as "continued" when a group runs onto the next page).

    Returns (lanes with ``y`` in lanes from the top, headings (y, text, colour), height in
    lanes) per page.
    """
    counts = dict(drawn.group_by("group", maintain_order=True).len().iter_rows())
    pages = []
    rows: list[dict] = []
    headings: list[tuple[float, str, str]] = []
    y, on_page, seen = 0.0, None, set()
    for row in drawn.iter_rows(named=True):
        group = row["group"]
        need = 1 + (HEADING_LANES if group != on_page else 0)
        if rows and (len(rows) >= lanes_per_page or (y + need) * pitch > room + 1e-9):
            pages.append((pl.DataFrame(rows, schema=drawn.schema), headings, y))
            rows, headings, y, on_page = [], [], 0.0, None
        if group != on_page:
            n = counts[group]
            text = (
                f"{group} (continued)"
                if group in seen
                else f"{group} ({n} responder{'s' if n != 1 else ''})"
            )
            headings.append((y + (HEADING_LANES - 1) / 2, text, row["_colour"]))
            y += HEADING_LANES
            on_page = group
        rows.append({**row, "y": y})
        seen.add(group)
        y += 1
    if rows:
        pages.append((pl.DataFrame(rows, schema=drawn.schema), headings, y))
    return pages


def _prepare(lanes: pl.DataFrame, time_scale: float) -> pl.DataFrame:
    groups = lanes["group"].unique(maintain_order=True).to_list()
    colour = {g: OKABE_ITO[i % len(OKABE_ITO)] for i, g in enumerate(groups)}
    order = {g: i for i, g in enumerate(groups)}
    return lanes.with_columns(
        (pl.col("end_days") / time_scale).alias("bar"),
        pl.col("group").replace_strict(colour, return_dtype=pl.String).alias("_colour"),
        pl.lit(0.0).alias("y"),
    ).sort(  # each group's lanes together, groups in order of appearance
        pl.col("group").replace_strict(order, return_dtype=pl.Int64), maintain_order=True
    )


def _swimmer_legend(fig: plt.Figure, top: float, time_scale: float) -> float:
    """Draw the swimmer's legend at ``top`` inches; returns its height."""
    handles = [
        Line2D([], [], ls="none", marker=m, ms=size, color=colour, label=label)
        for _, _, m, size, colour, label in _swimmer_markers(time_scale)
    ]
    _, height = legend_at(
        fig, handles, [h.get_label() for h in handles], PAD, top, MAX_WIDTH - 2 * PAD
    )
    return height


def _overhead(title: str) -> float:
    """Inches a swimmer page needs besides its lanes: title, legend, axis, margins."""
    scratch = blank_figure(MAX_WIDTH, MAX_HEIGHT)
    legend_h = _swimmer_legend(scratch, 0.0, 1.0)
    plt.close(scratch)
    title_h = line_height(TITLE_PT) + 0.08 if title else 0.0
    return PAD + title_h + legend_h + 0.12 + 0.5 + PAD


def swimmer_pages(
    lanes: pl.DataFrame,
    time_scale: float = 1.0,
    time_label: str = "Time",
    title: str = "",
    lanes_per_page: int = 60,
) -> list[tuple[plt.Figure, pl.DataFrame]]:
    """Swimmer plot over as many pages as the lanes need, each page fitting 6.8 x 9 in.

    A lane per responder (0.11 in, whatever the number of lanes), grouped under a heading
    per group; onsets marked, relapse marked, arrow if ongoing. Every page repeats the time
    axis (the same range on all pages), the legend and the group headings ("continued"), and
    its title ends "(page i of n)" when there are several.

    Parameters
    ----------
    lanes : polars.DataFrame
        As ``swimmer_data`` returns.
    time_scale : float
        Divide days by this on the axis (30.4375 for months).
    time_label : str
        Axis label.
    title : str
        Title of every page.
    lanes_per_page : int
        Most lanes on one page (fewer when group headings need the room).

    Returns
    -------
    list of (matplotlib.figure.Figure, polars.DataFrame)
        One figure per page with the lanes it draws (``bar`` = lane length in axis units,
        ``y`` = position on the page in lanes); empty when there are no lanes.

    Examples
    --------
    >>> lanes = pl.DataFrame({"USUBJID": ["a", "b", "c"], "group": ["x", "x", "y"],
    ...     "best": ["CR", "PR", "PR"], "end_days": [300.0, 100.0, 80.0],
    ...     "response_days": [50.0, 40.0, 30.0], "cr_days": [90.0, None, None],
    ...     "relapse": [False, True, True], "ongoing": [True, False, False]})
    >>> pages = swimmer_pages(lanes, title="Responders", lanes_per_page=2)
    >>> [drawn["USUBJID"].to_list() for _, drawn in pages]
    [['a', 'b'], ['c']]
    >>> pages[1][0].texts[0].get_text()
    'Responders (page 2 of 2)'
    """
    if lanes.height == 0:
        return []
    if lanes_per_page < 1:
        raise ValueError(f"lanes_per_page must be at least 1, got {lanes_per_page}")
    drawn = _prepare(lanes, time_scale)
    room = MAX_HEIGHT - _overhead(title or "Page 1 of 2")
    # as many pages as lanes_per_page needs, shared evenly (70 lanes: 35 + 35, not 60 + 10)
    even = math.ceil(drawn.height / math.ceil(drawn.height / lanes_per_page))
    pages = _paginate(drawn, even, room, LANE)
    x_max = float(drawn["bar"].max() or 1.0) * 1.04
    out = []
    for i, (page, headings, units) in enumerate(pages, start=1):
        if len(pages) > 1:
            name = f"{title} (page {i} of {len(pages)})" if title else f"Page {i} of {len(pages)}"
        else:
            name = title
        fig = _swimmer_page(page, headings, units, LANE, x_max, time_scale, time_label, name)
        out.append((fig, page.drop("_colour")))
    return out


def swimmer_plot(
    lanes: pl.DataFrame, time_scale: float = 1.0, time_label: str = "Time", title: str = ""
) -> tuple[plt.Figure, pl.DataFrame]:
    """Swimmer plot on one figure: a lane per responder, onsets, relapse, arrow if ongoing.

    Lanes are 0.11 in while they fit a 9 in figure and thinner beyond (for many responders
    ``swimmer_pages`` keeps them readable over several pages).

    Parameters
    ----------
    lanes : polars.DataFrame
        As ``swimmer_data`` returns.
    time_scale : float
        Divide days by this on the axis (30.4375 for months).
    time_label : str
        Axis label.
    title : str
        Figure title.

    Returns
    -------
    tuple of (matplotlib.figure.Figure, polars.DataFrame)
        The figure and the lanes as drawn (``bar`` = lane length in axis units, ``y``).

    Examples
    --------
    >>> lanes = pl.DataFrame({"USUBJID": ["a", "b"], "group": ["x", "x"], "best": ["CR", "PR"],
    ...     "end_days": [300.0, 100.0], "response_days": [50.0, 40.0], "cr_days": [90.0, None],
    ...     "relapse": [False, True], "ongoing": [True, False]})
    >>> fig, drawn = swimmer_plot(lanes)
    >>> drawn["bar"].to_list()
    [300.0, 100.0]
    """
    drawn = _prepare(lanes, time_scale)
    room = MAX_HEIGHT - _overhead(title)
    n_groups = drawn["group"].n_unique()
    units = drawn.height + HEADING_LANES * n_groups
    pitch = min(LANE, room / max(units, 1))
    [(page, headings, units)] = _paginate(drawn, max(drawn.height, 1), float("inf"), pitch) or [
        (drawn.clear(), [], 0.0)
    ]
    x_max = float(drawn["bar"].max() or 1.0) * 1.04
    fig = _swimmer_page(page, headings, units, pitch, x_max, time_scale, time_label, title)
    if drawn.height == 0:
        fig.axes[0].text(0.5, 0.5, "No responders", transform=fig.axes[0].transAxes, ha="center")
    return fig, page.drop("_colour")


def waterfall_data(adtr: pl.DataFrame, adrs: pl.DataFrame) -> pl.DataFrame:
    """Best (smallest) % change of tumor burden from baseline per patient, with best response.

    Parameters
    ----------
    adtr, adrs : polars.DataFrame
        Derived datasets.

    Returns
    -------
    polars.DataFrame
        ``USUBJID``, ``best_pchg``, ``best`` (CBOR), sorted from largest increase to largest
        decrease.

    Examples
    --------
    >>> adtr = pl.DataFrame({"USUBJID": ["a", "a", "b"], "ABLFL": ["Y", None, None],
    ...                      "PCHG": [0.0, -60.0, 10.0]})
    >>> adrs = pl.DataFrame({"USUBJID": ["a", "b"], "PARAMCD": ["CBOR", "CBOR"],
    ...                      "AVALC": ["PR", "SD"]})
    >>> waterfall_data(adtr, adrs)["best_pchg"].to_list()
    [10.0, -60.0]
    """
    best = (
        adtr.filter(pl.col("ABLFL").is_null() & pl.col("PCHG").is_not_null())
        .group_by("USUBJID")
        .agg(pl.col("PCHG").min().alias("best_pchg"))
    )
    bor = adrs.filter(pl.col("PARAMCD") == "CBOR").select("USUBJID", pl.col("AVALC").alias("best"))
    return best.join(bor, on="USUBJID", how="left").sort(
        "best_pchg", "USUBJID", descending=[True, False]
    )


def _header(fig: plt.Figure, title: str, subtitle: str, handles: list, labels: list[str]) -> float:
    """Title, subtitle and a legend row at the top of a figure; returns their height."""
    top = PAD
    if title:
        put_text(fig, PAD, top, title, fontsize=TITLE_PT)
        top += line_height(TITLE_PT) + 0.06
    if subtitle:
        put_text(fig, PAD, top, subtitle, fontsize=BODY_PT)
        top += line_height(BODY_PT) + 0.06
    if handles:
        _, h = legend_at(fig, handles, labels, PAD, top + 0.02, MAX_WIDTH - 2 * PAD)
        top += h + 0.04
    return top + 0.12


def _present(values: list[str | None]) -> list[str]:
    found = {v or "NE" for v in values}
    return [b for b in RESPONSE_COLOURS if b in found]


def _patients(n: int) -> str:
    return f"{n} patient{'s' if n != 1 else ''}"


def _threshold_label(value: float, name: str) -> str:
    return f"{value:+g}% ({name})".replace("-", "−")


def waterfall_plot(
    data: pl.DataFrame, pr_line: float = -30.0, pd_line: float = 20.0, title: str = ""
) -> plt.Figure:
    """Waterfall: one bar per patient, best % change in burden, coloured by best response.

    6.8 in wide; the number of patients is stated under the title, the response thresholds
    are labelled in the right margin beside their lines (never over the bars), and the
    legend sits above the bars.

    Parameters
    ----------
    data : polars.DataFrame
        As ``waterfall_data`` returns.
    pr_line, pd_line : float
        Reference lines (RECIST: -30 and +20; WHO: -50 and +25).
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> d = pl.DataFrame({"USUBJID": ["a"], "best_pchg": [-40.0], "best": ["PR"]})
    >>> fig = waterfall_plot(d)
    >>> fig.axes[0].get_ylabel()
    'Best change from baseline (%)'
    >>> [t.get_text() for t in fig.texts]
    ['N = 1 patient with measurable disease, assessed after baseline', '−30% (PR)', '+20% (PD)']
    """
    fig = blank_figure(MAX_WIDTH, 4.0)
    present = _present(data["best"].to_list())
    handles = [Patch(color=RESPONSE_COLOURS[b]) for b in present]
    n = data.height
    subtitle = f"N = {_patients(n)} with measurable disease, assessed after baseline"
    top = _header(fig, title, subtitle, handles, present)
    labels = [_threshold_label(pr_line, "PR"), _threshold_label(pd_line, "PD")]
    right = max(text_width(fig, t) for t in labels) + 0.2
    left, plot_h = 0.75, 2.6
    values = data["best_pchg"].to_numpy().astype(float)
    clipped = bool((values > 200).any())
    height = top + plot_h + 0.5 + PAD
    fig.set_size_inches(MAX_WIDTH, height)
    ax = axes_at(fig, left, top, MAX_WIDTH - left - right - PAD, plot_h)
    colours = [RESPONSE_COLOURS.get(b or "NE", "#999999") for b in data["best"].to_list()]
    # one collection of bars (thousands of patients draw in a blink), no gaps beyond 80
    half = (0.85 if n <= 80 else 1.0) / 2
    heights = np.nan_to_num(np.clip(values, -100, 200))
    x = np.arange(n)
    ax.add_collection(
        PolyCollection(
            [
                ((i - half, 0), (i - half, v), (i + half, v), (i + half, 0))
                for i, v in zip(x, heights, strict=True)
            ],
            facecolors=colours,
            linewidths=0,
        )
    )
    for line in (pr_line, pd_line):
        ax.axhline(line, ls="--", lw=0.8, color="#444444")
    ax.axhline(0, lw=0.6, color="black")
    finite = values[np.isfinite(values)]
    top_value = min(float(finite.max()), 200.0) if finite.size else 0.0
    ax.set_ylim(-110, max(top_value, pd_line, 0.0) * 1.05 + 10)
    ax.set_xlim(-0.75, max(n, 1) - 0.25)
    ax.set_xticks([])
    ax.set_xlabel(
        "Patients, by best change" + ("; bars above +200% are cut at +200%" if clipped else "")
    )
    ax.set_ylabel("Best change from baseline (%)")
    # threshold labels in the right margin, pushed apart if the lines are close
    y_in = [
        ax.transData.transform((0, v))[1] / fig.dpi for v in (pr_line, pd_line)
    ]  # inches from the bottom
    gap = line_height(SMALL_PT) * 1.05
    if y_in[1] - y_in[0] < gap:
        mid = (y_in[0] + y_in[1]) / 2
        y_in = [mid - gap / 2, mid + gap / 2]
    x_in = MAX_WIDTH - right - PAD + 0.08
    for text, y in zip(labels, y_in, strict=True):
        fig.text(
            x_in / MAX_WIDTH, y / height, text, va="center", fontsize=SMALL_PT, color="#444444"
        )
    return fig


def spider_plot(
    adtr: pl.DataFrame,
    adrs: pl.DataFrame,
    time_scale: float = 1.0,
    time_label: str = "Time",
    title: str = "",
) -> tuple[plt.Figure, pl.DataFrame]:
    """Spider plot: % change of burden from baseline over time, one line per patient.

    6.8 in wide, coloured by best response, the legend above the lines; changes above +200%
    are drawn at +200% (and said so).

    Parameters
    ----------
    adtr, adrs : polars.DataFrame
        Derived datasets.
    time_scale : float
        Divide days by this on the axis.
    time_label : str
        Axis label.
    title : str
        Figure title.

    Returns
    -------
    tuple of (matplotlib.figure.Figure, polars.DataFrame)
        The figure and the points drawn (``USUBJID``, ``t``, ``PCHG``, ``best``): patients
        with a measurement after baseline.

    Examples
    --------
    >>> import datetime as dt
    >>> adtr = pl.DataFrame({"USUBJID": ["a", "a"], "ADT": [dt.date(2020, 1, 1),
    ...     dt.date(2020, 3, 1)], "ABLFL": ["Y", None], "PCHG": [0.0, -55.0]})
    >>> adrs = pl.DataFrame({"USUBJID": ["a"], "PARAMCD": ["CBOR"], "AVALC": ["PR"]})
    >>> spider_plot(adtr, adrs)[1]["t"].to_list()
    [0.0, 60.0]
    """
    base = adtr.filter(pl.col("ABLFL") == "Y").select("USUBJID", pl.col("ADT").alias("_b"))
    bor = adrs.filter(pl.col("PARAMCD") == "CBOR").select("USUBJID", pl.col("AVALC").alias("best"))
    points = (
        adtr.filter(pl.col("PCHG").is_not_null())
        .join(base, on="USUBJID")
        .join(bor, on="USUBJID", how="left")
        .select(
            "USUBJID",
            ((pl.col("ADT") - pl.col("_b")).dt.total_days() / time_scale).alias("t"),
            "PCHG",
            "best",
        )
        .filter((pl.col("t") > 0).any().over("USUBJID"))  # a line needs a second point
        .sort("USUBJID", "t")
    )
    fig = blank_figure(MAX_WIDTH, 4.0)
    present = _present(points["best"].to_list())
    handles = [Line2D([], [], color=RESPONSE_COLOURS[b], lw=1.5) for b in present]
    n = points["USUBJID"].n_unique()
    subtitle = f"N = {_patients(n)} with measurable disease, assessed after baseline"
    top = _header(fig, title, subtitle, handles, present)
    clipped = bool((points["PCHG"] > 200).any())
    note = "Changes above +200% are drawn at +200%." if clipped else ""
    left, plot_h = 0.75, 2.8
    height = top + plot_h + 0.5 + (line_height(SMALL_PT) + 0.04 if note else 0) + PAD
    fig.set_size_inches(MAX_WIDTH, height)
    ax = axes_at(fig, left, top, MAX_WIDTH - left - 0.25, plot_h)
    lines, colours = [], []
    for (_pid,), part in points.group_by("USUBJID", maintain_order=True):
        colours.append(RESPONSE_COLOURS.get(part["best"][0] or "NE", "#999999"))
        lines.append(
            np.column_stack([part["t"].to_numpy(), np.clip(part["PCHG"].to_numpy(), -100, 200)])
        )
    ax.add_collection(LineCollection(lines, colors=colours, linewidths=0.7, alpha=0.7))
    ax.autoscale_view()
    ax.axhline(0, lw=0.6, color="black")
    ax.set_ylim(-110, None)
    ax.set_xlabel(time_label)
    ax.set_ylabel("Change from baseline (%)")
    if note:
        put_text(fig, PAD, top + plot_h + 0.5, note, color="#444444")
    return fig, points
