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

from remission.analysis._profile import binomial_deviance
from remission.analysis._regression import design_matrix, separation, separation_note
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
        hat = w * np.sum(np.linalg.solve(info, x.T).T * x, axis=1)
        score = x.T @ (y - prob + hat * (0.5 - prob))
        delta = np.zeros(p)
        delta[free] = np.linalg.solve(info[np.ix_(free, free)], score[free])
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
        beta, pll = candidate, new
        if np.max(np.abs(step * delta)) < TOLERANCE or np.max(np.abs(score[free])) < TOLERANCE:
            return _Fit(beta, pll, iteration, True)
    return _Fit(beta, pll, MAX_ITERATIONS, False)


def _profile_limit(
    y: np.ndarray, x: np.ndarray, full: _Fit, j: int, se: float, crit: float, direction: float
) -> float:
    """Where 2 (l*max - l*profile(b_j)) reaches ``crit`` on one side of the estimate."""

    def excess(bj: float) -> float:
        return 2 * (full.pll - _fit(y, x, fixed=j, value=bj, start=full.beta).pll) - crit

    bj = float(full.beta[j])
    k = 1.0
    while excess(bj + direction * k * se) < 0:
        k *= 2
        if k > 1e4:
            return float("nan")
    ends = sorted((bj, bj + direction * k * se))
    return float(brentq(excess, ends[0], ends[1], xtol=1e-12, rtol=4 * np.finfo(float).eps))


def firth_regression(
    data: pl.DataFrame,
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

    Parameters
    ----------
    data : polars.DataFrame
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
        or, wald_lower, wald_upper, profile_lower, profile_upper (odds-ratio scale), pl_chisq
        and p (penalised likelihood ratio); notes give the penalised log-likelihood, deviance
        and AIC (as brglm2: -2 log-likelihood at the estimate, plus 2 per coefficient).

    Examples
    --------
    Perfectly separated data, where maximum likelihood diverges:

    >>> df = pl.DataFrame({"cr": [0, 0, 0, 0, 0, 1, 1, 1, 1, 1], "x": list(range(1, 11))})
    >>> r = firth_regression(df, "cr", ["x"])
    >>> round(r.table["coef"][1], 4), round(r.table["se"][1], 4), round(r.p_value, 4)
    (0.9706, 0.5765, 0.0053)
    """
    design = design_matrix(data, outcome, covariates)
    y, x, terms = design.y, design.x, list(design.terms)
    k, n = x.shape[1], y.size
    full = _fit(y, x)
    prob = expit(x @ full.beta)
    vcov = np.linalg.inv(x.T @ (x * (prob * (1 - prob))[:, None]))
    se = np.sqrt(np.diag(vcov))
    crit = float(chi2.ppf(conf_level, 1))
    lower = np.array([_profile_limit(y, x, full, j, se[j], crit, -1.0) for j in range(k)])
    upper = np.array([_profile_limit(y, x, full, j, se[j], crit, 1.0) for j in range(k)])
    pl_chisq = np.array(
        [2 * (full.pll - _fit(y, x, fixed=j, value=0.0, start=full.beta).pll) for j in range(k)]
    )
    pl_chisq = np.maximum(pl_chisq, 0.0)
    z = full.beta / se
    q = norm.ppf((1 + conf_level) / 2)
    table = pl.DataFrame(
        {
            "term": terms,
            "coef": full.beta,
            "se": se,
            "z": z,
            "p_wald": 2 * norm.sf(np.abs(z)),
            "or": np.exp(full.beta),
            "wald_lower": np.exp(full.beta - q * se),
            "wald_upper": np.exp(full.beta + q * se),
            "profile_lower": np.exp(lower),
            "profile_upper": np.exp(upper),
            "pl_chisq": pl_chisq,
            "p": chi2.sf(pl_chisq, 1),
        }
    ).with_columns(pl.col("profile_lower", "profile_upper").fill_nan(None))
    deviance = binomial_deviance(y, x @ full.beta)
    notes = [f"events: {int(y.sum())} of {n}"]
    if design.dropped:
        notes.append(f"{design.dropped} rows with missing values dropped")
    kind = separation(y, x)
    if kind is not None:
        notes.append(
            str(separation_note(kind)).split(";")[0]
            + "; Firth's penalised estimates below stay finite"
        )
    if not full.converged:
        notes.append(f"did not converge in {MAX_ITERATIONS} iterations")
    notes.append(
        f"penalised log-likelihood {full.pll:.10g}; deviance {deviance:.10g}; "
        f"AIC {deviance + 2 * k:.10g} ({full.iterations} iterations)"
    )
    first = table.row(min(1, k - 1), named=True)
    notes.append(
        f"estimate: OR of {first['term']}, profile penalised-likelihood interval, "
        "penalised likelihood-ratio p-value"
    )
    return Result(
        name=name,
        method="Firth penalised logistic regression (logistf defaults; brglm2 AS_mean)",
        n=n,
        estimate=first["or"],
        estimate_label=f"OR {first['term']}",
        ci=(first["profile_lower"], first["profile_upper"]),
        ci_level=conf_level,
        statistic=first["pl_chisq"],
        statistic_label="penalised likelihood-ratio chi-square",
        df=1.0,
        p_value=first["p"],
        table=table,
        notes=tuple(notes),
    )
