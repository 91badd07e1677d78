"""Kaplan-Meier estimates with R ``survival``'s confidence intervals, medians and landmarks.

The product-limit estimate and its event table come from lifelines; the Greenwood standard
error, the three interval types of ``survival::survfit`` (``log``, ``log-log``, ``plain``), the
median rule of ``quantile.survfit`` (the midpoint of a flat exactly at 0.5) and
``summary(fit, times=)`` are computed here to agree with R to the printed digit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from lifelines import KaplanMeierFitter
from scipy.stats import norm

from remission.analysis._data import Frame, as_frame, complete_rows, is_frame, require

ConfType = Literal["log", "log-log", "plain"]
TOLERANCE = math.sqrt(np.finfo(float).eps)
"""Tolerance of the median's flat-spot rule (R: ``sqrt(.Machine$double.eps)``)."""


def event_observed(cnsr: Sequence[int] | np.ndarray | pl.Series) -> np.ndarray:
    """Turn CDISC ``CNSR`` (1 = censored, 0 = event) into lifelines' ``event_observed``.

    The one place the coding flips: everything downstream of ADTTE calls this.

    Parameters
    ----------
    cnsr : sequence of int
        CDISC censoring flags, 0 or 1.

    Returns
    -------
    numpy.ndarray
        Booleans, True where the event was observed.

    Raises
    ------
    ValueError
        When a flag is not 0 or 1 (e.g. a dataset coded 1 = event).

    Examples
    --------
    >>> event_observed([1, 0, 0]).tolist()
    [False, True, True]
    """
    values = np.asarray(pl.Series(cnsr).to_numpy() if isinstance(cnsr, pl.Series) else cnsr)
    if values.size and not np.isin(values, (0, 1)).all():
        raise ValueError("CNSR must be 0 (event) or 1 (censored); found other values")
    return values == 0


def _ci(
    surv: np.ndarray, se: np.ndarray, conf_type: ConfType, z: float
) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "log":
            p = np.where(surv == 0, np.nan, surv)
            lower = np.exp(np.log(p) - z * se)
            upper = np.minimum(np.exp(np.log(p) + z * se), 1.0)
        elif conf_type == "log-log":
            p = np.where((surv == 0) | (surv == 1), np.nan, surv)
            lower = np.exp(-np.exp(np.log(-np.log(p)) - z * se / np.log(p)))
            upper = np.exp(-np.exp(np.log(-np.log(p)) + z * se / np.log(p)))
        elif conf_type == "plain":
            width = z * se * surv
            lower = np.maximum(surv - width, 0.0)
            upper = np.minimum(surv + width, 1.0)
        else:
            raise ValueError(f"conf_type must be log, log-log or plain, not {conf_type!r}")
    return lower, upper


def _quantile(time: np.ndarray, curve: np.ndarray, p: float) -> float | None:
    """Time at which a survival ``curve`` (NaN = undefined) first reaches ``1 - p``.

    Same result as R's ``quantile.survfit``: a flat exactly at the target gives the midpoint
    of the flat (to the next drop, or to the last time when the curve ends flat there).
    """
    x = np.concatenate([[0.0], time])
    y = np.concatenate([[0.0], 1.0 - curve])  # cumulative incidence, non-decreasing
    keep = ~np.isnan(y)
    xmax = x[-1]
    x, y = x[keep], y[keep]
    if y.size == 0 or y.max() < p:
        return None
    first = np.ones(y.size, dtype=bool)
    first[1:] = y[1:] != y[:-1]  # drop repeated values (censorings)
    x, y = x[first], y[first]

    def index(shift: float) -> int | None:
        hits = np.flatnonzero(y + shift >= p)
        return int(hits[0]) if hits.size and p <= y[-1] + shift else None

    i1, i2 = index(TOLERANCE), index(-TOLERANCE)
    if abs(p - y[-1]) < TOLERANCE and i1 is not None:
        return float((x[i1] + xmax) / 2)
    if i1 is None or i2 is None:
        return None
    return float((x[i1] + x[i2]) / 2)


@dataclass(frozen=True)
class KaplanMeier:
    """A fitted Kaplan-Meier estimate, per stratum, as R's ``survfit`` reports it.

    Parameters
    ----------
    table : polars.DataFrame
        One row per stratum and distinct time: ``strata``, ``time``, ``n_risk``, ``n_event``,
        ``n_censor``, ``surv``, ``std_err`` (of the cumulative hazard, R's ``fit$std.err``),
        ``std_err_surv``, ``lower``, ``upper``.
    n : polars.DataFrame
        ``strata``, ``n``, ``events``.
    conf_type : {"log", "log-log", "plain"}
        Interval type.
    conf_level : float
        Interval level.

    Examples
    --------
    >>> km = kaplan_meier([1, 2, 2, 3, 4], [1, 1, 0, 1, 0])
    >>> km.table["surv"].round(3).to_list()
    [0.8, 0.6, 0.3, 0.3]
    """

    table: pl.DataFrame
    n: pl.DataFrame
    conf_type: ConfType
    conf_level: float

    def strata(self) -> list[str]:
        """Return the stratum labels in order.

        Returns
        -------
        list of str
            ``["all"]`` without groups, else ``"group=value"`` labels.

        Examples
        --------
        >>> kaplan_meier([1, 2], [1, 1], group=["a", "b"]).strata()
        ['group=a', 'group=b']
        """
        return self.n["strata"].to_list()

    def median(self) -> pl.DataFrame:
        """Median survival with its confidence interval, per stratum.

        Returns
        -------
        polars.DataFrame
            ``strata``, ``n``, ``events``, ``median``, ``lower``, ``upper`` (null where the
            curve or its limit never reaches 0.5).

        Examples
        --------
        >>> kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1]).median()["median"].to_list()
        [2.5]
        """
        rows = []
        for stratum in self.strata():
            t = self.table.filter(pl.col("strata") == stratum)
            time = t["time"].to_numpy().astype(float)
            rows.append(
                (
                    stratum,
                    _quantile(time, t["surv"].to_numpy(), 0.5),
                    _quantile(time, t["lower"].fill_null(np.nan).to_numpy(), 0.5),
                    _quantile(time, t["upper"].fill_null(np.nan).to_numpy(), 0.5),
                )
            )
        med = pl.DataFrame(
            rows,
            schema={
                "strata": pl.String,
                "median": pl.Float64,
                "lower": pl.Float64,
                "upper": pl.Float64,
            },
            orient="row",
        )
        return self.n.join(med, on="strata", maintain_order="left")

    def summary(self, censored: bool = False) -> pl.DataFrame:
        """Estimates at the event times, the rows R's ``summary(fit)`` prints.

        One row per stratum and distinct event time. ``n_censor`` counts the censorings
        since the previous event time up to and including this one, as R accumulates them
        (censorings after a stratum's last event are not shown, nor is a stratum without
        events). ``std_err_surv`` is the standard error of the survival (Greenwood), R's
        ``std.err`` column of ``summary``; the ``std_err`` of ``table`` (R's
        ``fit$std.err``) is that of the cumulative hazard. With ``censored=True`` every
        distinct time is shown (``summary(fit, censored = TRUE)``), ``n_censor`` per time.

        Parameters
        ----------
        censored : bool
            Show the times with only censorings too.

        Returns
        -------
        polars.DataFrame
            ``strata``, ``time``, ``n_risk``, ``n_event``, ``n_censor``, ``surv``,
            ``std_err_surv``, ``lower``, ``upper`` (R: ``time``, ``n.risk``, ``n.event``,
            ``n.censor``, ``survival``, ``std.err``, ``lower 95% CI``, ``upper 95% CI``).

        Examples
        --------
        >>> km = kaplan_meier([2, 3, 3, 5, 6, 8, 9], [1, 0, 1, 0, 1, 1, 0])
        >>> km.summary().select("time", "n_risk", "n_event", "n_censor").rows()
        [(2.0, 7, 1, 0), (3.0, 6, 1, 1), (6.0, 3, 1, 1), (8.0, 2, 1, 0)]
        >>> km.summary()["std_err_surv"].round(3).to_list()  # R prints 0.132 0.171 0.225 0.203
        [0.132, 0.171, 0.225, 0.203]
        """
        columns = [
            "strata",
            "time",
            "n_risk",
            "n_event",
            "n_censor",
            "surv",
            "std_err_surv",
            "lower",
            "upper",
        ]
        if censored:
            return self.table.select(columns)
        # R's summary.survfit: n.censor at an event time = censorings in (previous event, t]
        since = pl.col("_censored") - pl.col("_censored").shift(1).over("strata")
        return (
            self.table.with_columns(_censored=pl.col("n_censor").cum_sum().over("strata"))
            .filter(pl.col("n_event") > 0)
            .with_columns(n_censor=since.fill_null(pl.col("_censored")))
            .select(columns)
        )

    def at(self, times: Sequence[float], extend: bool = False) -> pl.DataFrame:
        """Survival at fixed times with its interval (R's ``summary(fit, times=)``).

        Parameters
        ----------
        times : sequence of float
            Times, in the unit of the data.
        extend : bool
            Keep times after a stratum's last observation (R drops them by default).

        Returns
        -------
        polars.DataFrame
            ``strata``, ``time``, ``n_risk`` (at risk at that time), ``n_event`` (events since
            the previous requested time), ``surv``, ``std_err_surv``, ``lower``, ``upper``.

        Examples
        --------
        >>> kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1]).at([2.5])["surv"].to_list()
        [0.5]
        """
        out = []
        asked = sorted(float(t) for t in times)
        for stratum in self.strata():
            t = self.table.filter(pl.col("strata") == stratum)
            time = t["time"].to_numpy().astype(float)
            prev = -np.inf
            for when in asked:
                if not extend and when > time.max():
                    continue
                idx = np.searchsorted(time, when, side="right") - 1
                later = int(np.searchsorted(time, when, side="left"))
                n_risk = int(t["n_risk"][later]) if later < t.height else 0
                events = int(
                    t.filter((pl.col("time") > prev) & (pl.col("time") <= when))["n_event"].sum()
                )
                prev = when
                if idx < 0:
                    out.append((stratum, when, n_risk, events, 1.0, 0.0, 1.0, 1.0))
                    continue
                row = t.row(int(idx), named=True)
                out.append(
                    (
                        stratum,
                        when,
                        n_risk,
                        events,
                        row["surv"],
                        row["std_err_surv"],
                        row["lower"],
                        row["upper"],
                    )
                )
        return pl.DataFrame(
            out,
            schema={
                "strata": pl.String,
                "time": pl.Float64,
                "n_risk": pl.Int64,
                "n_event": pl.Int64,
                "surv": pl.Float64,
                "std_err_surv": pl.Float64,
                "lower": pl.Float64,
                "upper": pl.Float64,
            },
            orient="row",
        )


def kaplan_meier(
    time: Sequence[float] | np.ndarray | pl.Series | Frame,
    event: Sequence[int] | np.ndarray | pl.Series | str | None = None,
    group: Sequence[object] | np.ndarray | pl.Series | str | None = None,
    conf_type: ConfType = "log",
    conf_level: float = 0.95,
    group_name: str | None = None,
    *,
    duration: str | None = None,
) -> KaplanMeier:
    """Fit Kaplan-Meier curves (through lifelines) with R ``survfit``'s intervals.

    Two calling forms, with the same numbers: arrays, ``kaplan_meier(time, event, group)``,
    or a DataFrame and column names, ``kaplan_meier(data, duration="os_days",
    event="death", group="arm")`` (``survfit(Surv(os_days, death) ~ arm, data)``; the
    strata are labelled ``"arm=..."``). ``KaplanMeier.summary()`` gives R's
    ``summary(fit)`` rows (one per event time), ``KaplanMeier.at()`` those of
    ``summary(fit, times=)``.

    Parameters
    ----------
    time : sequence of float, or DataFrame
        Follow-up times; or the data (polars or pandas, one row per subject), whose columns
        ``duration``, ``event`` and ``group`` name.
    event : sequence of int or bool, or str
        1/True where the event was observed (convert CDISC CNSR with ``event_observed``);
        with data, the column's name.
    group : sequence or str, optional
        Stratum of each observation; one curve per distinct value (sorted). With data, the
        column's name.
    conf_type : {"log", "log-log", "plain"}
        Interval type (R's default is ``log``).
    conf_level : float
        Interval level.
    group_name : str, optional
        Name used in the stratum labels (``"ulcer=1"``): "group" for arrays, the group
        column's name for data (where rows missing any of the columns are left out, as R's
        ``survfit`` leaves them out; ``KaplanMeier.n`` counts the rows used).
    duration : str, optional
        With data: the column of follow-up times (as ``cox_regression`` names it).

    Returns
    -------
    KaplanMeier
        Estimates at every distinct time, per stratum.

    Examples
    --------
    >>> km = kaplan_meier([5, 8, 8, 12], [1, 0, 1, 1], conf_type="log-log")
    >>> km.table.select("time", "n_risk", "n_event", "n_censor").rows()
    [(5.0, 4, 1, 0), (8.0, 3, 1, 1), (12.0, 1, 1, 0)]
    >>> df = pl.DataFrame({"days": [5, 8, 8, 12, 3, 9], "died": [1, 0, 1, 1, 1, 0],
    ...                    "arm": ["a", "a", "a", "a", "b", "b"]})
    >>> km = kaplan_meier(df, duration="days", event="died", group="arm")
    >>> km.strata()
    ['arm=a', 'arm=b']
    >>> km.summary().select("strata", "time", "n_risk", pl.col("surv").round(3)).rows()
    [('arm=a', 5.0, 4, 0.75), ('arm=a', 8.0, 3, 0.5), ('arm=a', 12.0, 1, 0.0),
     ('arm=b', 3.0, 2, 0.5)]
    """
    if is_frame(time):
        data = as_frame(time)
        if not isinstance(duration, str) or not isinstance(event, str):
            raise ValueError(
                "with a DataFrame, name the columns: "
                "kaplan_meier(data, duration=..., event=..., group=...)"
            )
        if group is not None and not isinstance(group, str):
            raise ValueError("with a DataFrame, group names a column")
        columns = [duration, event, *([group] if group else [])]
        require(data, columns)
        data = complete_rows(data, columns)  # R's na.omit; KaplanMeier.n counts the rest
        return kaplan_meier(
            data[duration],
            data[event],
            data[group] if group else None,
            conf_type=conf_type,
            conf_level=conf_level,
            group_name=group_name if group_name is not None else (group or "group"),
        )
    if duration is not None or isinstance(event, str) or isinstance(group, str):
        raise ValueError("column names need the DataFrame first: kaplan_meier(data, ...)")
    if event is None:
        raise ValueError("kaplan_meier needs the event indicator with the times")
    if group_name is None:
        group_name = "group"
    t = np.asarray(time.to_numpy() if isinstance(time, pl.Series) else time, dtype=float)
    e = np.asarray(event.to_numpy() if isinstance(event, pl.Series) else event).astype(bool)
    if t.shape != e.shape:
        raise ValueError("time and event must have the same length")
    if np.isnan(t).any() or (t < 0).any():
        raise ValueError("times must be present and not negative")
    if group is None:
        labels = np.full(t.shape, "all", dtype=object)
        order: list[object] = ["all"]
    else:
        g = np.asarray(group.to_numpy() if isinstance(group, pl.Series) else group, dtype=object)
        order = sorted(set(g.tolist()), key=lambda v: (str(type(v)), v))
        labels = np.array([f"{group_name}={v}" for v in g], dtype=object)
        order = [f"{group_name}={v}" for v in order]
    z = float(norm.ppf(1 - (1 - conf_level) / 2))
    parts, counts = [], []
    for stratum in order:
        sel = labels == stratum
        fit = KaplanMeierFitter().fit(t[sel], e[sel])
        table = fit.event_table
        table = table[table["removed"] > 0]
        times = table.index.to_numpy(dtype=float)
        n_risk = table["at_risk"].to_numpy(dtype=float)
        d = table["observed"].to_numpy(dtype=float)
        surv = fit.survival_function_.loc[times].to_numpy(dtype=float).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(d > 0, d / (n_risk * (n_risk - d)), 0.0)
        se = np.sqrt(np.cumsum(step))
        lower, upper = _ci(surv, se, conf_type, z)
        parts.append(
            pl.DataFrame(
                {
                    "strata": [stratum] * len(times),
                    "time": times,
                    "n_risk": n_risk.astype(np.int64),
                    "n_event": d.astype(np.int64),
                    "n_censor": table["censored"].to_numpy(dtype=np.int64),
                    "surv": surv,
                    "std_err": se,
                    "std_err_surv": se * surv,
                    "lower": lower,
                    "upper": upper,
                }
            )
        )
        counts.append((stratum, int(sel.sum()), int(e[sel].sum())))
    frame = (
        pl.concat(parts)
        .with_columns(
            pl.col(c).fill_nan(None) for c in ("std_err", "std_err_surv", "lower", "upper")
        )
        .with_columns(
            pl.when(pl.col(c).is_infinite()).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("std_err", "std_err_surv")
        )
    )
    n = pl.DataFrame(
        counts, schema={"strata": pl.String, "n": pl.Int64, "events": pl.Int64}, orient="row"
    )
    return KaplanMeier(frame, n, conf_type, conf_level)


def median_not_reached(km: KaplanMeier, time_scale: float = 1.0, unit: str = "") -> list[str]:
    """Say, per stratum, why a Kaplan-Meier median is missing: the curve never reaches 50%.

    A median is "not reached" when fewer than half the patients had the event by the last
    follow-up (with no event at all the curve stays at 100%); R prints it as NA. Reports
    should write "not reached", never a blank or 0.

    Parameters
    ----------
    km : KaplanMeier
        The fitted curves.
    time_scale : float
        Divide times by this for the text (e.g. 30.4375 for months).
    unit : str
        Unit of the scaled times.

    Returns
    -------
    list of str
        One sentence per stratum whose median is missing (empty when every median exists).

    Examples
    --------
    >>> median_not_reached(kaplan_meier([3, 5, 8], [0, 0, 0]))
    ['all: median not reached (no events among 3; the curve stays at 100%)']
    >>> median_not_reached(kaplan_meier([3, 5, 8, 9], [1, 0, 0, 0]), unit="days")
    ['all: median not reached (1 event among 4; the curve ends at 75% at 9 days)']
    >>> median_not_reached(kaplan_meier([3, 5], [1, 1]))
    []
    """
    out = []
    medians = km.median()
    for row in medians.iter_rows(named=True):
        if row["median"] is not None:
            continue
        stratum, n, events = row["strata"], row["n"], row["events"]
        if events == 0:
            out.append(
                f"{stratum}: median not reached (no events among {n}; the curve stays at 100%)"
            )
            continue
        t = km.table.filter(pl.col("strata") == stratum)
        last = float(t["time"][-1]) / time_scale
        lowest = float(t["surv"][-1])
        when = f"{last:.0f}{' ' + unit if unit else ''}"
        out.append(
            f"{stratum}: median not reached ({events} event{'s' if events != 1 else ''} among "
            f"{n}; the curve ends at {100 * lowest:.0f}% at {when})"
        )
    return out
