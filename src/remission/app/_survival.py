"""Durability on the filtered cohort: Kaplan-Meier, log-rank and medians, the report's way.

The curves are fitted by ``remission.analysis.kaplan_meier`` (log-log intervals, as the
report) and drawn by ``remission.figures.km_plot``, the report's figure code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
from matplotlib import pyplot as plt

from remission.analysis import KaplanMeier, Result, event_observed, kaplan_meier, logrank_test
from remission.analysis._followup import DAYS_PER_MONTH
from remission.derive import ADSL_COLUMNS
from remission.figures import km_plot
from remission.figures._km_plot import display_names

MONTHS = "Months from start of treatment"
ENDPOINTS = {
    "OS": ("Overall survival", MONTHS),
    "PFS": ("Progression-free survival", MONTHS),
    "RSD": ("Duration of response (CR or PR)", "Months from first response"),
    "CRDUR": ("Duration of complete response", MONTHS),
}
"""The ADTTE parameters the app plots: title and time axis."""

NOT_STRATA = {"STUDYID", "USUBJID", "SITES", "SYNTHFL"}
MAX_LEVELS = 12
"""A column with more distinct values is not offered for stratification."""
NONE = "(none)"


def strata_columns(adsl: pl.DataFrame) -> dict[str, str]:
    """ADSL columns a KM can be stratified by: categorical, 2 to 12 values.

    Parameters
    ----------
    adsl : polars.DataFrame
        The subject-level dataset (the whole cohort, so the choice stays put when filtering).

    Returns
    -------
    dict of str to str
        Column name to its label (``ADSL_COLUMNS``), in ADSL order.

    Examples
    --------
    >>> adsl = pl.DataFrame({"USUBJID": ["a", "b"], "SEX": ["F", "M"], "AGE": [50.5, 61.0]})
    >>> strata_columns(adsl)
    {'SEX': 'Sex'}
    """
    out = {}
    for name, dtype in adsl.schema.items():
        if name in NOT_STRATA or dtype.is_float() or dtype.is_temporal():
            continue
        if 2 <= adsl[name].n_unique() <= MAX_LEVELS:
            out[name] = ADSL_COLUMNS.get(name, name)
    return out


@dataclass(frozen=True)
class KMView:
    """A Kaplan-Meier analysis of one endpoint on the filtered cohort.

    Parameters
    ----------
    endpoint : str
        The ADTTE parameter (``OS``, ``PFS``, ``RSD``, ``CRDUR``).
    title : str
        The endpoint's title (``"... by <column label>"`` when stratified).
    time_label : str
        The time axis.
    km : KaplanMeier or None
        The fit; None when no patient qualifies.
    logrank : Result or None
        The log-rank test across the strata (None unstratified).
    medians : polars.DataFrame
        ``group``, ``n``, ``events``, ``median (months)``, ``95% CI`` (text; NR: not reached).
    labels : dict of str to str
        Stratum to the name shown in the legend and the risk table.
    ticks : list of float
        Time axis ticks in months (also the risk table's times).

    Examples
    --------
    >>> adtte = pl.DataFrame({"USUBJID": ["a", "b", "c"], "PARAMCD": ["OS"] * 3,
    ...     "AVAL": [100.0, 400.0, 800.0], "CNSR": [0, 0, 1]})
    >>> adsl = pl.DataFrame({"USUBJID": ["a", "b", "c"], "SEX": ["F", "M", "M"]})
    >>> v = km_view({"adtte": adtte, "adsl": adsl}, "OS", "SEX")
    >>> v.legend(), v.p_text()
    (['F', 'M'], 'log-rank p = 0.16')
    """

    endpoint: str
    title: str
    time_label: str
    km: KaplanMeier | None
    logrank: Result | None
    medians: pl.DataFrame
    labels: dict[str, str]
    ticks: list[float]

    def legend(self) -> list[str]:
        """The names of the curves, in the order drawn.

        Returns
        -------
        list of str
            One name per stratum (``All patients`` unstratified).

        Examples
        --------
        >>> adtte = pl.DataFrame({"USUBJID": ["a"], "PARAMCD": ["OS"], "AVAL": [9.0], "CNSR": [1]})
        >>> km_view({"adtte": adtte}, "OS").legend()
        ['All patients']
        """
        return list(self.labels.values())

    def p_text(self) -> str:
        """``log-rank p = ...``, why it was not done, or empty when unstratified.

        Returns
        -------
        str
            The test's p-value as the report prints it.

        Examples
        --------
        >>> adtte = pl.DataFrame({"USUBJID": ["a"], "PARAMCD": ["OS"], "AVAL": [9.0], "CNSR": [1]})
        >>> km_view({"adtte": adtte}, "OS").p_text()
        ''
        """
        from remission.report import format_p

        if self.logrank is None:
            return ""
        if not self.logrank.estimable:
            return f"log-rank test not done: {self.logrank.not_estimable}"
        return f"log-rank {format_p(self.logrank.p_value)}"


def _ticks(rows: pl.DataFrame) -> list[float]:
    top = float(rows["AVAL"].max() or 0.0) / DAYS_PER_MONTH
    step = 12 if top <= 72 else 24
    return [float(t) for t in range(0, int(top) + step, step)]


def _nr(value: float | None) -> str:
    return "NR" if value is None else f"{value / DAYS_PER_MONTH:.1f}"


def km_view(frames: Mapping[str, pl.DataFrame], endpoint: str, by: str | None = None) -> KMView:
    """Fit KM curves of ``endpoint`` (overall, or by an ADSL column) with the log-rank test.

    Parameters
    ----------
    frames : dict of str to polars.DataFrame
        The (filtered) derived datasets: ``adtte`` and ``adsl``.
    endpoint : str
        ``OS``, ``PFS``, ``RSD`` or ``CRDUR``.
    by : str, optional
        An ADSL column to stratify by (``strata_columns``); missing values are a stratum
        ``missing``.

    Returns
    -------
    KMView
        The fit, the test and the medians (months, log-log 95% CI).

    Examples
    --------
    >>> from remission.derive import derive_study
    >>> from remission.simulate import simulate_study
    >>> frames = derive_study(simulate_study(n_patients=60, seed=3))
    >>> view = km_view(frames, "OS", "HISTOL")
    >>> view.legend(), view.medians["group"].to_list()
    (['melanoma', 'renal'], ['melanoma', 'renal'])
    """
    title, time_label = ENDPOINTS[endpoint]
    rows = frames["adtte"].filter(pl.col("PARAMCD") == endpoint).select("USUBJID", "AVAL", "CNSR")
    empty = pl.DataFrame(
        schema={
            "group": pl.String,
            "n": pl.Int64,
            "events": pl.Int64,
            "median (months)": pl.String,
            "95% CI": pl.String,
        }
    )
    if by is not None and by != NONE:
        rows = rows.join(
            frames["adsl"].select("USUBJID", pl.col(by).cast(pl.String).alias("_group")),
            on="USUBJID",
            how="left",
        ).with_columns(pl.col("_group").fill_null("missing"))
        title = f"{title} by {ADSL_COLUMNS.get(by, by)}"
    else:
        by = None
    if rows.is_empty():
        return KMView(endpoint, title, time_label, None, None, empty, {}, [])
    events = event_observed(rows["CNSR"])
    test = None
    if by is None:
        km = kaplan_meier(rows["AVAL"], events, conf_type="log-log")
    else:
        km = kaplan_meier(rows["AVAL"], events, rows["_group"], conf_type="log-log", group_name=by)
        test = logrank_test(rows["AVAL"], events, rows["_group"], name=title)
    labels = display_names(km)
    medians = km.median().select(
        pl.col("strata").replace_strict(labels, return_dtype=pl.String).alias("group"),
        pl.col("n").cast(pl.Int64),
        pl.col("events").cast(pl.Int64),
        pl.col("median")
        .map_elements(_nr, return_dtype=pl.String, skip_nulls=False)
        .alias("median (months)"),
        pl.struct("lower", "upper")
        .map_elements(lambda r: f"{_nr(r['lower'])}–{_nr(r['upper'])}", return_dtype=pl.String)
        .alias("95% CI"),
    )
    return KMView(endpoint, title, time_label, km, test, medians, labels, _ticks(rows))


def km_figure(view: KMView) -> tuple[plt.Figure, pl.DataFrame]:
    """Draw the view with the report's KM figure (``remission.figures.km_plot``).

    Parameters
    ----------
    view : KMView
        A fitted view (``view.km`` not None).

    Returns
    -------
    tuple of (matplotlib.figure.Figure, polars.DataFrame)
        The figure and its at-risk table (months).

    Examples
    --------
    >>> adtte = pl.DataFrame({"USUBJID": ["a", "b"], "PARAMCD": ["OS", "OS"],
    ...     "AVAL": [100.0, 400.0], "CNSR": [0, 1]})
    >>> fig, at_risk = km_figure(km_view({"adtte": adtte}, "OS"))
    >>> at_risk["at_risk"].to_list()
    [2, 1, 0]
    """
    if view.km is None:
        raise ValueError(f"{view.title}: no patient qualifies")
    return km_plot(
        view.km,
        title=view.title,
        time_scale=DAYS_PER_MONTH,
        time_label=view.time_label,
        ticks=view.ticks,
        labels=view.labels,
        annotation=view.p_text() if view.logrank is not None and view.logrank.estimable else None,
    )
