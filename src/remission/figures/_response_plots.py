"""Swimmer, waterfall and spider plots of response, from the derived datasets."""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib import pyplot as plt

from remission.figures._style import OKABE_ITO, RESPONSE_COLOURS, new_figure


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


def swimmer_plot(
    lanes: pl.DataFrame, time_scale: float = 1.0, time_label: str = "Time", title: str = ""
) -> tuple[plt.Figure, pl.DataFrame]:
    """Swimmer plot: a lane per responder, onsets marked, relapse marked, arrow if ongoing.

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
    drawn = lanes.with_columns(
        (pl.col("end_days") / time_scale).alias("bar"),
        pl.int_range(pl.len()).alias("y"),
    )
    fig, ax = new_figure(7.0, max(3.0, 0.12 * drawn.height + 1.2))
    groups = drawn["group"].unique(maintain_order=True).to_list()
    for i, group in enumerate(groups):
        part = drawn.filter(pl.col("group") == group)
        ax.barh(
            part["y"].to_numpy(),
            part["bar"].to_numpy(),
            height=0.7,
            color=OKABE_ITO[i % len(OKABE_ITO)],
            alpha=0.6,
            label=str(group),
        )
    response, cr = pl.col("response_days"), pl.col("cr_days")
    markers = (  # rows drawn, x, marker, size, colour, legend
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
    for rows, x, marker, size, colour, label in markers:
        shown = drawn.filter(rows)
        ax.plot(
            shown.select(x).to_series().to_numpy(),
            shown["y"].to_numpy(),
            marker,
            ms=size,
            color=colour,
            label=label,
        )
    ax.set_yticks([])
    ax.set_ylabel("Responders")
    ax.set_xlabel(time_label)
    ax.invert_yaxis()
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right", fontsize=7)
    return fig, drawn


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


def waterfall_plot(
    data: pl.DataFrame, pr_line: float = -30.0, pd_line: float = 20.0, title: str = ""
) -> plt.Figure:
    """Waterfall: one bar per patient, best % change in burden, coloured by best response.

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
    >>> waterfall_plot(d).axes[0].get_ylabel()
    'Best change in tumor burden from baseline (%)'
    """
    fig, ax = new_figure(7.0, 3.8)
    colours = [RESPONSE_COLOURS.get(b or "NE", "#999999") for b in data["best"].to_list()]
    ax.bar(
        np.arange(data.height),
        np.clip(data["best_pchg"].to_numpy(), -100, 200),
        width=0.85,
        color=colours,
    )
    ax.axhline(pr_line, ls="--", lw=0.8, color="#444444")
    ax.axhline(pd_line, ls="--", lw=0.8, color="#444444")
    ax.axhline(0, lw=0.6, color="black")
    ax.set_xticks([])
    ax.set_xlabel("Patients (bars above 200% are cut at 200%)")
    ax.set_ylabel("Best change in tumor burden from baseline (%)")
    present = [b for b in RESPONSE_COLOURS if b in set(data["best"].to_list())]
    for b in present:
        ax.bar([0], [0], color=RESPONSE_COLOURS[b], label=b)
    ax.legend(loc="upper right", fontsize=7, ncol=len(present))
    if title:
        ax.set_title(title)
    return fig


def spider_plot(
    adtr: pl.DataFrame,
    adrs: pl.DataFrame,
    time_scale: float = 1.0,
    time_label: str = "Time",
    title: str = "",
) -> tuple[plt.Figure, pl.DataFrame]:
    """Spider plot: % change of burden from baseline over time, one line per patient.

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
        The figure and the points drawn (``USUBJID``, ``t``, ``PCHG``, ``best``).

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
        .sort("USUBJID", "t")
    )
    fig, ax = new_figure(7.0, 4.0)
    for (_pid,), part in points.group_by("USUBJID", maintain_order=True):
        colour = RESPONSE_COLOURS.get(part["best"][0] or "NE", "#999999")
        ax.plot(
            part["t"].to_numpy(),
            np.clip(part["PCHG"].to_numpy(), -100, 200),
            lw=0.7,
            color=colour,
            alpha=0.7,
        )
    ax.axhline(0, lw=0.6, color="black")
    ax.set_xlabel(time_label)
    ax.set_ylabel("Change in tumor burden from baseline (%)")
    for b in [r for r in RESPONSE_COLOURS if r in set(points["best"].to_list())]:
        ax.plot([], [], color=RESPONSE_COLOURS[b], label=b)
    ax.legend(loc="upper right", fontsize=7)
    if title:
        ax.set_title(title)
    return fig, points
