"""Comparing survival between groups: the (stratified) log-rank test and the Cox model."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import polars as pl
from lifelines import CoxPHFitter
from lifelines.exceptions import ConvergenceError
from scipy.stats import chi2, norm

from remission.analysis._data import (
    Frame,
    as_frame,
    code_covariates,
    complete_rows,
    is_frame,
    require,
    single_level_notes,
)
from remission.analysis._pandas import to_pandas
from remission.analysis._regression import aliased_terms, per_term, separation
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
    time: ArrayLike | Frame,
    event: ArrayLike | str | None = None,
    group: ArrayLike | str | None = None,
    strata: ArrayLike | str | None = None,
    name: str | None = None,
    *,
    duration: str | None = None,
) -> Result:
    """Log-rank test between groups, optionally stratified (R's ``survdiff``).

    The observed-minus-expected counts and their hypergeometric variance are summed over the
    distinct event times (and over strata); the statistic is (O-E)' V^- (O-E) on k-1 df.

    Two calling forms, with the same numbers: arrays, ``logrank_test(time, event, group)``,
    or a DataFrame and column names, ``logrank_test(data, duration="os_days",
    event="death", group="arm", strata="site")`` (``survdiff(Surv(os_days, death) ~ arm +
    strata(site), data)``).

    Parameters
    ----------
    time : array-like or DataFrame
        Follow-up times; or the data (polars or pandas, one row per subject), whose columns
        ``duration``, ``event``, ``group`` and ``strata`` name.
    event : array-like of bool or int, or str
        1/True where the event was observed (with data: the column's name).
    group : array-like or str
        Group of each observation, two or more groups (with data: the column's name).
    strata : array-like or str, optional
        Stratum of each observation (``survdiff(... + strata(x))``; with data: a column).
    name : str, optional
        What is compared, for the report; "log-rank test" for arrays, "<duration> by
        <group>" for data (where rows missing any of the columns are left out, with a note,
        as R's ``survdiff`` leaves them out).
    duration : str, optional
        With data: the column of follow-up times (as ``cox_regression`` names it).

    Returns
    -------
    Result
        Chi-square statistic, df, p-value; ``table`` has n, observed and expected per group.
        As ``survdiff``, a group with nothing expected (no one at risk at any event time)
        leaves the test (a note names it). Not estimable, with the reason, when there is only
        one group, no event, or fewer than two groups left.

    Examples
    --------
    >>> r = logrank_test([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 0], ["a", "a", "a", "b", "b", "b"])
    >>> round(r.statistic, 4), r.df
    (5.0517, 1.0)
    >>> df = pl.DataFrame({"days": [1, 2, 3, 4, 5, 6], "died": [1, 1, 1, 1, 1, 0],
    ...                    "arm": ["a", "a", "a", "b", "b", "b"]})
    >>> logrank_test(df, duration="days", event="died", group="arm").statistic == r.statistic
    True
    """
    if is_frame(time):
        data = as_frame(time)
        if not isinstance(duration, str) or not isinstance(event, str):
            raise ValueError(
                "with a DataFrame, name the columns: "
                "logrank_test(data, duration=..., event=..., group=...)"
            )
        if not isinstance(group, str):
            raise ValueError("with a DataFrame, group names the column of the groups")
        if strata is not None and not isinstance(strata, str):
            raise ValueError("with a DataFrame, strata names a column")
        columns = [duration, event, group, *([strata] if strata else [])]
        require(data, columns)
        complete = complete_rows(data, columns)  # R's na.omit
        result = logrank_test(
            complete[duration],
            complete[event],
            complete[group],
            strata=complete[strata] if strata else None,
            name=name if name is not None else f"{duration} by {group}",
        )
        dropped = data.height - complete.height
        if dropped:
            which = ", ".join(columns[:-1]) + " or " + columns[-1]
            note = f"{dropped} rows with a missing {which} left out"
            result = replace(result, notes=(note, *result.notes))
        return result
    if duration is not None or any(isinstance(v, str) for v in (event, group, strata)):
        raise ValueError("column names need the DataFrame first: logrank_test(data, ...)")
    if event is None or group is None:
        raise ValueError("logrank_test needs time, event and group")
    if name is None:
        name = "log-rank test"
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
    table = pl.DataFrame(
        {
            "group": [str(v) for v in levels],
            "n": [int((codes == i).sum()) for i in range(k)],
            "observed": observed,
            "expected": expected,
        }
    )
    method = "log-rank (survival::survdiff)" + (", stratified" if strata is not None else "")
    # survdiff: groups with nothing expected (no one at risk at any event time) leave the test
    tested = expected > 0
    reason = None
    if k < 2:
        reason = f"only one group ({levels[0] if levels else 'no observations'})"
    elif not e.any():
        reason = f"no events among the {t.size} observations"
    elif tested.sum() < 2:
        reason = "only one group has anyone at risk at an event time"
    elif not np.any(var[np.ix_(tested, tested)]):
        reason = "no information: at every event time everyone at risk had the event"
    if reason is not None:
        return Result(
            name=name,
            method=method,
            n=int(t.size),
            statistic_label="chi-square",
            table=table,
            notes=(f"not estimable: {reason}",),
            not_estimable=reason,
        )
    diff = (observed - expected)[tested][1:]
    v = var[np.ix_(tested, tested)][1:, 1:]
    df = float(tested.sum() - 1)
    notes: list[str] = []
    if not tested.all():
        left = ", ".join(str(g) for g, used in zip(levels, tested, strict=True) if not used)
        notes.append(f"left out of the test (no one at risk at an event time): {left}")
    if np.linalg.matrix_rank(v) < v.shape[0]:  # e.g. everyone at risk dies at once
        notes.append("the variance matrix is singular: generalised inverse used")
        stat = float(diff @ np.linalg.pinv(v) @ diff)
    else:
        stat = float(diff @ np.linalg.solve(v, diff))
    return Result(
        name=name,
        method=method,
        n=int(t.size),
        statistic=stat,
        statistic_label="chi-square",
        df=df,
        p_value=float(chi2.sf(stat, df)),
        table=table,
        notes=tuple(notes),
    )


def cox_regression(
    data: Frame,
    duration: str,
    event: str,
    covariates: Sequence[str],
    name: str = "Cox proportional hazards",
    conf_level: float = 0.95,
) -> Result:
    """Cox proportional-hazards model (lifelines, Efron ties, as R's ``coxph`` default).

    Covariates are coded exactly as ``logistic_regression`` codes them (R's ``model.matrix``,
    the same helper): numeric as they are, Boolean ``b`` as the term ``bTRUE``, text or
    categorical ``c`` as treatment contrasts against the first level (an ``Enum``'s first
    category, else the first in sorted order), one term ``c<level>`` per other level.

    Parameters
    ----------
    data : polars.DataFrame or pandas.DataFrame
        One row per subject.
    duration, event : str
        Columns of follow-up time and event indicator (1 = event).
    covariates : sequence of str
        Numeric, Boolean or text/categorical columns. Rows missing any of the columns
        (null or NaN) are left out.
    name : str
        What is modelled, for the report.
    conf_level : float
        Level of the hazard-ratio intervals.

    Returns
    -------
    Result
        The first term's hazard ratio with its interval and Wald p-value; the
        likelihood-ratio statistic; ``table`` has coef, se, HR, CI, z, p and not_estimable
        of every term. Not estimable, with the reason, without events, when no covariate
        varies, with a monotone likelihood (the events ordered perfectly by the covariates:
        the hazard ratio is infinite, R warns "coefficient may be infinite") or when the
        fit fails; a term that does not vary, or is collinear, is left out (R's NA).

    Examples
    --------
    >>> df = pl.DataFrame({"t": [5, 6, 7, 8, 9, 10, 11, 12], "e": [1, 1, 1, 0, 1, 1, 0, 1],
    ...                    "x": [1, 1, 0, 1, 0, 0, 1, 0]})
    >>> r = cox_regression(df, "t", "e", ["x"])
    >>> r.estimate_label, r.estimate > 1
    ('HR x', True)

    A text covariate gets treatment contrasts against its first level, as in ``coxph``:

    >>> df = df.with_columns(site=pl.Series(["lung", "liver", "skin", "lung"] * 2))
    >>> cox_regression(df, "t", "e", ["site", "x"]).table["term"].to_list()
    ['sitelung', 'siteskin', 'x']
    """
    method = "Cox proportional hazards, Efron ties (lifelines; survival::coxph)"
    data = as_frame(data)
    require(data, [duration, event, *covariates])
    complete = complete_rows(data, [duration, event, *covariates])
    n, events = complete.height, int(complete[event].sum()) if complete.height else 0
    coded, terms = code_covariates(complete, covariates)
    x = np.column_stack(coded) if coded and n else np.zeros((n, len(coded)))
    aliased = aliased_terms(np.column_stack([np.ones(n), x]), ["(Intercept)", *terms]) if n else {}
    fitted = [t for t in terms if t not in aliased]
    label = f"HR {terms[0] if terms else covariates[0]}"
    left_out = single_level_notes(complete, covariates) if n else []
    notes = [f"events: {events}", *left_out, *aliased.values()]
    reason = None
    if events == 0:
        reason = f"no events among the {n} complete rows"
    elif not fitted:
        reason = "no covariate varies (or all are collinear) in the complete rows"
    else:
        order = complete[duration].to_numpy()
        monotone = _monotone_likelihood(
            order,
            complete[event].to_numpy().astype(bool),
            x[:, [terms.index(t) for t in fitted]],
        )
        if monotone is not None:
            reason = (
                f"monotone likelihood ({monotone}): the events are ordered perfectly by the "
                "covariates, so the maximum partial-likelihood hazard ratio is infinite"
            )
    if reason is not None:
        return Result(
            name=name,
            method=method,
            n=n,
            estimate_label=label,
            ci_level=conf_level,
            table=pl.DataFrame(
                {"term": terms, "not_estimable": [aliased.get(t, reason) for t in terms]},
                schema={"term": pl.String, "not_estimable": pl.String},
            ),
            notes=(*notes, f"not estimable: {reason}"),
            not_estimable=reason,
        )
    # lifelines sees positional names, so a term can never clash with the time or event column
    frame = to_pandas(
        pl.DataFrame(
            {
                "_duration": complete[duration],
                "_event": complete[event],
                **{f"_x{j}": x[:, terms.index(t)] for j, t in enumerate(fitted)},
            }
        )
    )
    fitter = CoxPHFitter(alpha=1 - conf_level)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lifelines' convergence advice: diagnosed above
            fitter.fit(
                frame,
                duration_col="_duration",
                event_col="_event",
                fit_options={"precision": 1e-12, "max_steps": 200},
            )
    except ConvergenceError as err:
        reason = f"the partial likelihood could not be maximised ({str(err).split('.')[0]})"
        return Result(
            name=name,
            method=method,
            n=n,
            estimate_label=label,
            ci_level=conf_level,
            notes=(*notes, f"not estimable: {reason}"),
            not_estimable=reason,
        )
    z = float(norm.ppf(1 - (1 - conf_level) / 2))
    summary: pd.DataFrame = fitter.summary
    coef = summary["coef"].to_numpy()
    se = summary["se(coef)"].to_numpy()
    keep = np.array([t not in aliased for t in terms])
    table = pl.DataFrame(
        {
            "term": terms,
            "coef": per_term(coef, keep),
            "se": per_term(se, keep),
            "hr": per_term(np.exp(coef), keep),
            "hr_lower": per_term(np.exp(coef - z * se), keep),
            "hr_upper": per_term(np.exp(coef + z * se), keep),
            "z": per_term(coef / se, keep),
            "p": per_term(2 * norm.sf(np.abs(coef / se)), keep),
            "not_estimable": [aliased.get(t) for t in terms],
        },
        schema_overrides={"not_estimable": pl.String},
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    lrt = fitter.log_likelihood_ratio_test()
    first = table.row(0, named=True)
    reason = first["not_estimable"]
    notes[0] += "; Wald p-value for the first term"
    return Result(
        name=name,
        method=method,
        n=n,
        estimate=None if reason else first["hr"],
        estimate_label=f"HR {first['term']}",
        ci=None if reason else (first["hr_lower"], first["hr_upper"]),
        ci_level=conf_level,
        statistic=float(lrt.test_statistic),
        statistic_label="likelihood-ratio chi-square",
        df=float(lrt.degrees_freedom),
        p_value=None if reason else first["p"],
        table=table,
        notes=tuple(notes),
        not_estimable=reason,
    )


MAX_PAIRS = 200_000
"""Event/at-risk pairs up to which ``cox_regression`` checks for a monotone likelihood."""


def _monotone_likelihood(time: np.ndarray, event: np.ndarray, x: np.ndarray) -> str | None:
    """``"complete"``/``"quasi-complete"`` when some direction b orders every event above its
    risk set ((x_i - x_j)'b >= 0 for each event i and each j at risk then), else None.

    The Cox analogue of separation in logistic regression (the partial likelihood keeps
    rising along b): the linear programme of ``separation`` on the pair differences. Not
    checked beyond ``MAX_PAIRS`` pairs (large cohorts, where it does not happen).
    """
    events = np.flatnonzero(event)
    ordered = np.sort(time)
    pairs = int(np.sum(time.size - np.searchsorted(ordered, time[events], side="left") - 1))
    if pairs == 0 or pairs > MAX_PAIRS:
        return None
    at_risk = [np.flatnonzero((time >= time[i]) & (np.arange(time.size) != i)) for i in events]
    diffs = np.vstack([x[i] - x[r] for i, r in zip(events, at_risk, strict=True) if r.size])
    return separation(np.ones(diffs.shape[0]), diffs)
