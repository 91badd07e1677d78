"""Comparing survival between groups: the (stratified) log-rank test and the Cox model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import polars as pl
from lifelines import CoxPHFitter
from scipy.stats import chi2, norm

from remission.analysis._pandas import to_pandas
from remission.analysis._result import Result

ArrayLike = Sequence[object] | np.ndarray | pl.Series


def _array(values: ArrayLike, dtype: object = None) -> np.ndarray:
    if isinstance(values, pl.Series):
        values = values.to_numpy()
    return np.asarray(values, dtype=dtype)


def _observed_expected(
    time: np.ndarray, event: np.ndarray, codes: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Observed, expected and the variance matrix over the distinct event times of one stratum."""
    event_times = np.unique(time[event])
    # at risk per group at each event time: observations with time >= t
    at_risk = np.empty((event_times.size, k))
    deaths = np.empty((event_times.size, k))
    for g in range(k):
        tg = np.sort(time[codes == g])
        at_risk[:, g] = tg.size - np.searchsorted(tg, event_times, side="left")
        dg = np.sort(time[(codes == g) & event])
        deaths[:, g] = np.searchsorted(dg, event_times, side="right") - np.searchsorted(
            dg, event_times, side="left"
        )
    n = at_risk.sum(axis=1)
    d = deaths.sum(axis=1)
    expected = (d / n)[:, None] * at_risk
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(n > 1, d * (n - d) / (n * n * (n - 1)), 0.0)
    var = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            cross = at_risk[:, i] * ((n if i == j else 0) - at_risk[:, j])
            var[i, j] = np.sum(factor * cross)
    return deaths.sum(axis=0), expected.sum(axis=0), var


def logrank_test(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike,
    strata: ArrayLike | None = None,
    name: str = "log-rank test",
) -> Result:
    """Log-rank test between groups, optionally stratified (R's ``survdiff``).

    The observed-minus-expected counts and their hypergeometric variance are summed over the
    distinct event times (and over strata); the statistic is (O-E)' V^- (O-E) on k-1 df.

    Parameters
    ----------
    time : array-like
        Follow-up times.
    event : array-like of bool or int
        1/True where the event was observed.
    group : array-like
        Group of each observation (two or more groups).
    strata : array-like, optional
        Stratum of each observation (``survdiff(... + strata(x))``).
    name : str
        What is compared, for the report.

    Returns
    -------
    Result
        Chi-square statistic, df, p-value; ``table`` has n, observed and expected per group.

    Examples
    --------
    >>> r = logrank_test([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 0], ["a", "a", "a", "b", "b", "b"])
    >>> round(r.statistic, 4), r.df
    (5.0517, 1.0)
    """
    t = _array(time, float)
    e = _array(event).astype(bool)
    g = _array(group, object)
    levels = sorted(set(g.tolist()), key=lambda v: (str(type(v)), v))
    codes = np.array([levels.index(v) for v in g])
    s = (
        np.zeros(t.size, dtype=int)
        if strata is None
        else np.unique(_array(strata, object).astype(str), return_inverse=True)[1]
    )
    k = len(levels)
    observed, expected, var = np.zeros(k), np.zeros(k), np.zeros((k, k))
    for stratum in np.unique(s):
        sel = s == stratum
        o, ex, v = _observed_expected(t[sel], e[sel], codes[sel], k)
        observed += o
        expected += ex
        var += v
    diff = observed - expected
    stat = float(diff[1:] @ np.linalg.solve(var[1:, 1:], diff[1:])) if k > 1 else 0.0
    df = float(np.linalg.matrix_rank(var)) if k > 1 else 0.0
    table = pl.DataFrame(
        {
            "group": [str(v) for v in levels],
            "n": [int((codes == i).sum()) for i in range(k)],
            "observed": observed,
            "expected": expected,
        }
    )
    method = "log-rank (survival::survdiff)" + (", stratified" if strata is not None else "")
    return Result(
        name=name,
        method=method,
        n=int(t.size),
        statistic=stat,
        statistic_label="chi-square",
        df=df,
        p_value=float(chi2.sf(stat, df)),
        table=table,
    )


def cox_regression(
    data: pl.DataFrame,
    duration: str,
    event: str,
    covariates: Sequence[str],
    name: str = "Cox proportional hazards",
    conf_level: float = 0.95,
) -> Result:
    """Cox proportional-hazards model (lifelines, Efron ties, as R's ``coxph`` default).

    Parameters
    ----------
    data : polars.DataFrame
        One row per subject.
    duration, event : str
        Columns of follow-up time and event indicator (1 = event).
    covariates : sequence of str
        Numeric covariates (code categories as 0/1 first).
    name : str
        What is modelled, for the report.
    conf_level : float
        Level of the hazard-ratio intervals.

    Returns
    -------
    Result
        The first covariate's hazard ratio with its interval and Wald p-value; the
        likelihood-ratio statistic; ``table`` has coef, se, HR, CI, z and p of every term.

    Examples
    --------
    >>> df = pl.DataFrame({"t": [5, 6, 7, 8, 9, 10, 11, 12], "e": [1, 1, 1, 0, 1, 1, 0, 1],
    ...                    "x": [1, 1, 0, 1, 0, 0, 1, 0]})
    >>> r = cox_regression(df, "t", "e", ["x"])
    >>> r.estimate_label, r.estimate > 1
    ('HR x', True)
    """
    frame = to_pandas(data.select(duration, event, *covariates).drop_nulls())
    fitter = CoxPHFitter(alpha=1 - conf_level)
    fitter.fit(
        frame,
        duration_col=duration,
        event_col=event,
        fit_options={"precision": 1e-12, "max_steps": 200},
    )
    z = float(norm.ppf(1 - (1 - conf_level) / 2))
    summary: pd.DataFrame = fitter.summary
    coef = summary["coef"].to_numpy()
    se = summary["se(coef)"].to_numpy()
    table = pl.DataFrame(
        {
            "term": list(summary.index.astype(str)),
            "coef": coef,
            "se": se,
            "hr": np.exp(coef),
            "hr_lower": np.exp(coef - z * se),
            "hr_upper": np.exp(coef + z * se),
            "z": coef / se,
            "p": 2 * norm.sf(np.abs(coef / se)),
        }
    )
    lrt = fitter.log_likelihood_ratio_test()
    first = table.row(0, named=True)
    return Result(
        name=name,
        method="Cox proportional hazards, Efron ties (lifelines; survival::coxph)",
        n=len(frame),
        estimate=first["hr"],
        estimate_label=f"HR {first['term']}",
        ci=(first["hr_lower"], first["hr_upper"]),
        ci_level=conf_level,
        statistic=float(lrt.test_statistic),
        statistic_label="likelihood-ratio chi-square",
        df=float(lrt.degrees_freedom),
        p_value=first["p"],
        table=table,
        notes=(f"events: {int(frame[event].sum())}; Wald p-value for the first term",),
    )
