"""Firth's penalised-likelihood logistic regression (logistf's defaults; brglm2's estimates).

No well-kept Python library offers it (statsmodels issue 3561), so it is written here and
tested against R: estimates and SEs against brglm2 ``type = "AS_mean"`` (for the logit link
the bias-reduced estimate is the Jeffreys-penalised maximum), intervals and p-values against a
reimplementation of logistf's defaults in ``tests/r_reference/association.R``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.optimize import brentq
from scipy.special import expit
from scipy.stats import chi2, norm

from remission.analysis._data import Frame
from remission.analysis._profile import binomial_deviance
from remission.analysis._regression import (
    design_matrix,
    not_estimable_fit,
    per_term,
    separation,
    separation_note,
)
from remission.analysis._result import Result

MAX_STEP = 5.0  # logistf's maxstep: no coefficient moves more than this in one iteration
TOLERANCE = 1e-12
MAX_ITERATIONS = 500


def _penalised_loglik(y: np.ndarray, x: np.ndarray, beta: np.ndarray) -> float:
    """l(b) + 1/2 log det(X' W X): the log-likelihood with Jeffreys' prior."""
    eta = x @ beta
    loglik = -np.sum(y * np.logaddexp(0, -eta) + (1 - y) * np.logaddexp(0, eta))
    w = expit(eta) * expit(-eta)
    _, logdet = np.linalg.slogdet(x.T @ (x * w[:, None]))
    return float(loglik + 0.5 * logdet)


@dataclass(frozen=True)
class _Fit:
    beta: np.ndarray
    pll: float
    iterations: int
    converged: bool


def _fit(
    y: np.ndarray,
    x: np.ndarray,
    fixed: int | None = None,
    value: float = 0.0,
    start: np.ndarray | None = None,
) -> _Fit:
    """Newton-Raphson on the penalised log-likelihood with step-halving.

    The modified score X'(y - p + h (1/2 - p)) (h: hat values) is the gradient of the
    penalised log-likelihood and the Fisher information X'WX stands for its Hessian. With
    ``fixed``, that coefficient is held at ``value`` and the others maximise the same
    (full-model) penalised likelihood, as logistf profiles.
    """
    p = x.shape[1]
    beta = np.zeros(p) if start is None else start.astype(float).copy()
    free = np.ones(p, dtype=bool)
    if fixed is not None:
        beta[fixed] = value
        free[fixed] = False
    pll = _penalised_loglik(y, x, beta)
    if not free.any():
        return _Fit(beta, pll, 0, True)
    for iteration in range(1, MAX_ITERATIONS + 1):
        prob = expit(x @ beta)
        w = prob * (1 - prob)
        info = x.T @ (x * w[:, None])
        try:
            hat = w * np.sum(np.linalg.solve(info, x.T).T * x, axis=1)
            score = x.T @ (y - prob + hat * (0.5 - prob))
            delta = np.zeros(p)
            delta[free] = np.linalg.solve(info[np.ix_(free, free)], score[free])
        except np.linalg.LinAlgError:
            # the information is singular (every fitted probability 0 or 1 to rounding, as at
            # an extreme fixed value of a profiled coefficient): the penalised likelihood is
            # -inf there and Newton cannot move; say so rather than raise
            return _Fit(beta, -np.inf, iteration, False)
        largest = np.max(np.abs(delta))
        if largest > MAX_STEP:
            delta *= MAX_STEP / largest
        step = 1.0
        while True:
            candidate = beta + step * delta
            new = _penalised_loglik(y, x, candidate)
            if new >= pll - 1e-13 or step < 1e-10:
                break
            step /= 2
        if new < pll - 1e-13:
            # no step along the Newton direction raises the penalised likelihood: its gradient
            # is zero to rounding (large covariate values), so this is the maximum; going on
            # would only repeat the halving for the remaining iterations
            return _Fit(beta, pll, iteration, True)
        beta, pll = candidate, new
        if np.max(np.abs(step * delta)) < TOLERANCE or np.max(np.abs(score[free])) < TOLERANCE:
            return _Fit(beta, pll, iteration, True)
    return _Fit(beta, pll, MAX_ITERATIONS, False)


def _profile_limit(
    y: np.ndarray, x: np.ndarray, full: _Fit, j: int, se: float, crit: float, direction: float
) -> float:
    """Where 2 (l*max - l*profile(b_j)) reaches ``crit`` on one side of the estimate.

    NaN when it is not reached within 10,000 SEs. A restricted fit that fails (singular
    information far out) counts as beyond the limit, and the bracket is pulled in until
    both ends are finite, so the root found always lies on the estimate's side; NaN when
    the fits fail right where the limit would be.
    """

    def excess(bj: float) -> float:
        value = 2 * (full.pll - _fit(y, x, fixed=j, value=bj, start=full.beta).pll) - crit
        return value if np.isfinite(value) else np.inf

    bj = float(full.beta[j])
    if not np.isfinite(se) or se <= 0:
        return float("nan")
    k = 1.0
    while (outer := excess(bj + direction * k * se)) < 0:
        k *= 2
        if k > 1e4:
            return float("nan")
    inner, far = bj, bj + direction * k * se
    for _ in range(200):  # bisect an infinite end inwards, keeping a sign change
        if np.isfinite(outer):
            break
        if abs(far - inner) <= 1e-8 * (1 + abs(inner)):
            return float("nan")  # the fits fail right where the limit would be
        mid = (inner + far) / 2
        value = excess(mid)
        if value < 0:
            inner = mid
        else:
            far, outer = mid, value
    else:
        return float("nan")
    ends = sorted((inner, far))
    return float(brentq(excess, ends[0], ends[1], xtol=1e-12, rtol=4 * np.finfo(float).eps))


def firth_regression(
    data: Frame,
    outcome: str,
    covariates: Sequence[str],
    name: str = "Firth logistic regression",
    conf_level: float = 0.95,
) -> Result:
    """Logistic regression with Firth's penalty (Jeffreys prior), finite under separation.

    Maximises l(b) + 1/2 log det I(b) by Newton-Raphson with step-halving (steps capped at 5,
    as logistf). The estimates are brglm2's ``type = "AS_mean"`` (mean bias-reduced) estimates,
    and SEs are the square roots of the diagonal of the inverse Fisher information at the
    estimate, as brglm2 reports them. Following logistf's defaults, intervals are profile
    penalised-likelihood intervals {b_j : 2 (l*max - l*profile(b_j)) <= chi2_1(level)} and
    p-values penalised likelihood-ratio tests of b_j = 0, the restricted fits keeping the
    full-model penalty. Wald z, p and intervals are given beside them.

    As ``logistic_regression``, it says what it cannot estimate instead of raising: nothing is
    fitted without events or without non-events (the estimates would be the prior's alone); an
    aliased term (constant or collinear) gets empty numbers and a reason; a profile limit the
    penalised likelihood never reaches is left empty, with a note.

    Parameters
    ----------
    data : polars.DataFrame or pandas.DataFrame
        One row per subject.
    outcome : str
        Boolean or 0/1 column (1 = event).
    covariates : sequence of str
        Covariate columns, coded as in ``logistic_regression``. Incomplete rows are dropped.
    name : str
        What is modelled, for the report.
    conf_level : float
        Level of the intervals.

    Returns
    -------
    Result
        The first covariate's odds ratio, profile penalised-likelihood interval, penalised
        likelihood-ratio chi-square and p-value; ``table`` has per term coef, se, z, p_wald,
        or, wald_lower, wald_upper, profile_lower, profile_upper (odds-ratio scale), pl_chisq,
        p (penalised likelihood ratio) and not_estimable (the reason, per term); notes give
        the penalised log-likelihood, deviance and AIC (as brglm2: -2 log-likelihood at the
        estimate, plus 2 per coefficient).

    Examples
    --------
    Perfectly separated data, where maximum likelihood diverges:

    >>> df = pl.DataFrame({"cr": [0, 0, 0, 0, 0, 1, 1, 1, 1, 1], "x": list(range(1, 11))})
    >>> r = firth_regression(df, "cr", ["x"])
    >>> round(r.table["coef"][1], 4), round(r.table["se"][1], 4), round(r.p_value, 4)
    (0.9706, 0.5765, 0.0053)
    """
    design = design_matrix(data, outcome, covariates)
    method = "Firth penalised logistic regression (logistf defaults; brglm2 AS_mean)"
    notes = [f"events: {int(design.y.sum())} of {design.y.size}", *design.left_out]
    if design.dropped:
        notes.append(f"{design.dropped} rows with missing values dropped")
    problem = design.outcome_problem(outcome)
    if problem is not None:
        return not_estimable_fit(design, problem, name, method, conf_level, notes)
    keep = design.estimable
    y, x, terms = design.y, design.x[:, keep], list(design.terms)
    fitted_terms = [t for t in terms if t not in design.aliased]
    k, n = x.shape[1], y.size
    full = _fit(y, x)
    prob = expit(x @ full.beta)
    try:
        vcov = np.linalg.inv(x.T @ (x * (prob * (1 - prob))[:, None]))
        se = np.sqrt(np.diag(vcov))
    except np.linalg.LinAlgError:
        se = np.full(k, np.nan)
    crit = float(chi2.ppf(conf_level, 1))
    lower = np.array([_profile_limit(y, x, full, j, se[j], crit, -1.0) for j in range(k)])
    upper = np.array([_profile_limit(y, x, full, j, se[j], crit, 1.0) for j in range(k)])
    pl_chisq = np.array(
        [2 * (full.pll - _fit(y, x, fixed=j, value=0.0, start=full.beta).pll) for j in range(k)]
    )
    pl_chisq = np.where(np.isfinite(pl_chisq), np.maximum(pl_chisq, 0.0), np.nan)
    z = full.beta / se
    q = norm.ppf((1 + conf_level) / 2)
    with np.errstate(over="ignore"):
        table = pl.DataFrame(
            {
                "term": terms,
                "coef": per_term(full.beta, keep),
                "se": per_term(se, keep),
                "z": per_term(z, keep),
                "p_wald": per_term(2 * norm.sf(np.abs(z)), keep),
                "or": per_term(np.exp(full.beta), keep),
                "wald_lower": per_term(np.exp(full.beta - q * se), keep),
                "wald_upper": per_term(np.exp(full.beta + q * se), keep),
                "profile_lower": per_term(np.exp(lower), keep),
                "profile_upper": per_term(np.exp(upper), keep),
                "pl_chisq": per_term(pl_chisq, keep),
                "p": per_term(chi2.sf(pl_chisq, 1), keep),
                "not_estimable": [design.aliased.get(t) for t in terms],
            },
            schema_overrides={"not_estimable": pl.String},
        ).with_columns(pl.col(pl.Float64).fill_nan(None))
    deviance = binomial_deviance(y, x @ full.beta)
    notes.extend(design.aliased.values())
    kind = separation(y, x)
    if kind is not None:
        notes.append(
            str(separation_note(kind)).split(";")[0]
            + "; Firth's penalised estimates below stay finite"
        )
    if not full.converged:
        notes.append(f"did not converge in {MAX_ITERATIONS} iterations")
    for j in np.flatnonzero(~np.isfinite(lower) | ~np.isfinite(upper)):
        notes.append(
            f"profile interval of {fitted_terms[j]}: the penalised likelihood could not be "
            "followed down to the limit on one side (it stays too high within 10,000 SEs, or "
            "the restricted fits fail), so that limit is not given"
        )
    notes.append(
        f"penalised log-likelihood {full.pll:.10g}; deviance {deviance:.10g}; "
        f"AIC {deviance + 2 * k:.10g} ({full.iterations} iterations)"
    )
    first = table.row(min(1, len(terms) - 1), named=True)
    reason = first["not_estimable"]
    if reason is None:
        notes.append(
            f"estimate: OR of {first['term']}, profile penalised-likelihood interval, "
            "penalised likelihood-ratio p-value"
        )
    return Result(
        name=name,
        method=method,
        n=n,
        estimate=None if reason else first["or"],
        estimate_label=f"OR {first['term']}",
        ci=None if reason else (first["profile_lower"], first["profile_upper"]),
        ci_level=conf_level,
        statistic=None if reason else first["pl_chisq"],
        statistic_label="penalised likelihood-ratio chi-square",
        df=1.0,
        p_value=None if reason else first["p"],
        table=table,
        notes=tuple(notes),
        not_estimable=reason,
    )
