"""Logistic regression (statsmodels GLM) with R's Wald and profile intervals; separation."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.optimize import linprog
from scipy.special import expit
from scipy.stats import norm

# the GLM alone: statsmodels.api would import every model and plot, 0.35 s more per command
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM

from remission.analysis._data import (
    Frame,
    as_frame,
    code_covariates,
    complete_rows,
    require,
    single_level_notes,
)
from remission.analysis._profile import binomial_deviance, profile_ci
from remission.analysis._result import Result

# R's glm.control: stop when |dev - dev_old| / (|dev| + 0.1) < epsilon, at most maxit steps.
# The covariance comes from the last weighted least-squares step (weights one step behind),
# in R and in statsmodels alike, so the same stopping rule gives R's standard errors.
GLM_EPSILON = 1e-8
GLM_MAXIT = 25
# R's glm.fit warns "fitted probabilities numerically 0 or 1" below this
_PROB_EPS = 10 * np.finfo(float).eps


@dataclass(frozen=True)
class Design:
    """Outcome vector, model matrix and term names after dropping incomplete rows.

    ``aliased`` maps each term that is a linear combination of the terms before it (R's NA
    coefficient) to the reason; ``x`` keeps every column, ``estimable`` selects the others.
    ``left_out`` says which text covariates have no term, having one level.
    """

    y: np.ndarray
    x: np.ndarray
    terms: tuple[str, ...]
    dropped: int
    aliased: dict[str, str]
    left_out: tuple[str, ...] = ()

    @property
    def estimable(self) -> np.ndarray:
        """Boolean mask of the columns that are not aliased."""
        return np.array([t not in self.aliased for t in self.terms], dtype=bool)

    def outcome_problem(self, outcome: str) -> str | None:
        """Why nothing can be modelled (no complete rows, no events, only events), or None."""
        n = self.y.size
        if n == 0:
            return f"no complete rows ({self.dropped} rows with missing values dropped)"
        events = int(self.y.sum())
        if events == 0:
            return f"no events: {outcome} is 0 in all {n} complete rows"
        if events == n:
            return f"no non-events: {outcome} is 1 in all {n} complete rows"
        return None


NUMBERS = (
    "coef",
    "se",
    "z",
    "p",
    "or",
    "wald_lower",
    "wald_upper",
    "profile_lower",
    "profile_upper",
)

ALIAS_TOLERANCE = 1e-7
"""A column is aliased when less than this fraction of its norm is outside the span of the
columns before it (R's ``lm`` tolerance for rank detection)."""


def aliased_terms(x: np.ndarray, terms: Sequence[str]) -> dict[str, str]:
    """Terms that are linear combinations of earlier ones, in R's order (the later one goes)."""
    kept: list[int] = []
    out: dict[str, str] = {}
    for j in range(x.shape[1]):
        col = x[:, j]
        norm_j = float(np.linalg.norm(col))
        if kept:
            basis = x[:, kept]
            coef, *_ = np.linalg.lstsq(basis, col, rcond=None)
            residual = float(np.linalg.norm(col - basis @ coef))
        else:
            residual = norm_j
        if norm_j == 0 or residual <= ALIAS_TOLERANCE * norm_j:
            if np.ptp(col) == 0:
                why = f"it takes the single value {col[0]:g} in the {col.size} complete rows"
            else:
                used = [terms[k] for k, c in zip(kept, coef, strict=True) if abs(c) > 1e-9]
                why = "it is a linear combination of " + ", ".join(used)
            out[terms[j]] = f"{terms[j]} not estimable (aliased, R's NA): {why}"
        else:
            kept.append(j)
    return out


def design_matrix(data: Frame, outcome: str, covariates: Sequence[str]) -> Design:
    """Model matrix with an intercept, coded as R's ``model.matrix`` codes it.

    Numeric columns enter as they are; Boolean ``b`` as the 0/1 term ``bTRUE``; text or
    categorical ``c`` as treatment contrasts against the first level (``c<level>`` terms).
    Rows missing the outcome or any covariate are dropped (R's ``na.omit``). A column that is
    a linear combination of earlier ones (a constant covariate, a collinear one) is kept in
    ``x`` but listed in ``aliased``, as R gives it an NA coefficient.
    """
    data = as_frame(data)
    require(data, [outcome, *covariates])
    complete = complete_rows(data, [outcome, *covariates])
    yv = complete[outcome]
    if yv.dtype == pl.Boolean:
        y = yv.cast(pl.Float64).to_numpy()
    elif yv.dtype.is_numeric():
        y = yv.cast(pl.Float64).to_numpy()
        if not np.all(np.isin(y, (0.0, 1.0))):
            raise ValueError(f"outcome {outcome!r} must be Boolean or coded 0/1")
    else:
        raise ValueError(f"outcome {outcome!r} must be Boolean or coded 0/1")
    coded, coded_terms = code_covariates(complete, covariates)
    columns = [np.ones(complete.height), *coded]
    terms = ["(Intercept)", *coded_terms]
    x = np.column_stack(columns)
    return Design(
        y=y,
        x=x,
        terms=tuple(terms),
        dropped=data.height - complete.height,
        aliased=aliased_terms(x, terms) if complete.height else {},
        left_out=tuple(single_level_notes(complete, covariates)) if complete.height else (),
    )


def separation(y: np.ndarray, x: np.ndarray) -> str | None:
    """``"complete"``, ``"quasi-complete"`` or None (linear programme of Konis 2007).

    Separation exists when some direction b != 0 has (2y - 1) x'b >= 0 for every row: then
    the likelihood keeps rising along b and the maximum-likelihood estimate is infinite.
    """
    s = (2 * y - 1)[:, None] * x
    s = s / np.maximum(np.abs(s).max(axis=0), 1e-300)  # scale columns; the direction survives
    n, p = s.shape
    # maximise sum(s b) subject to s b >= 0, -1 <= b <= 1
    res = linprog(-s.sum(axis=0), A_ub=-s, b_ub=np.zeros(n), bounds=[(-1, 1)] * p)
    if not res.success or -res.fun <= 1e-7 * n:
        return None
    # complete when all margins can be strictly positive: maximise t with s b >= t
    a_ub = np.column_stack([-s, np.ones(n)])
    res = linprog(
        np.r_[np.zeros(p), -1.0], A_ub=a_ub, b_ub=np.zeros(n), bounds=[(-1, 1)] * p + [(0, 1)]
    )
    return "complete" if res.success and -res.fun > 1e-7 else "quasi-complete"


def separation_note(kind: str | None) -> str | None:
    """The reader-facing note about separation (None when there is none)."""
    if kind is None:
        return None
    return (
        f"{kind} separation: some covariate pattern predicts the outcome perfectly, so the "
        "maximum-likelihood estimates are infinite and their SEs, p-values and intervals "
        "meaningless; use firth_regression (Firth's penalised likelihood) instead"
    )


def describe_separation(y: np.ndarray, x: np.ndarray, terms: Sequence[str]) -> str:
    """What separates the outcome, in words: an empty cell, ranges that do not overlap, or a
    combination of covariates (when no single covariate separates it on its own).

    ``x`` has the intercept first. When one covariate separates the outcome less completely
    than the model's covariates together, the text says both.
    """
    whole = separation(y, x)
    for j in range(1, x.shape[1]):
        col = x[:, j]
        alone = separation(y, x[:, [0, j]])
        if alone is None:
            continue
        text = None
        values = np.unique(col)
        if values.size <= 2:
            for v in values:
                at = col == v
                events, n_at = int(y[at].sum()), int(at.sum())
                if events == 0:
                    text = f"no events where {terms[j]} = {v:g} (0 of {n_at})"
                elif events == n_at:
                    text = f"only events where {terms[j]} = {v:g} ({n_at} of {n_at})"
                if text:
                    break
        if text is None:
            events, others = col[y == 1], col[y == 0]
            high = events.min() >= others.max()
            text = (
                f"every event has {terms[j]} {'>=' if high else '<='} "
                f"{events.min() if high else events.max():g} and every non-event "
                f"{'<=' if high else '>='} {others.max() if high else others.min():g}"
            )
        if whole is not None and whole != alone and x.shape[1] > 2:
            text += f"; with the other covariates the separation is {whole}"
        return text
    return "the covariates together predict the outcome perfectly"


def not_estimable_fit(
    design: Design, reason: str, name: str, method: str, conf_level: float, notes: list[str]
) -> Result:
    """A model that could not be fitted at all: every term listed with empty numbers."""
    table = pl.DataFrame(
        {"term": list(design.terms), "not_estimable": [reason] * len(design.terms)},
        schema={"term": pl.String, "not_estimable": pl.String},
    )
    first = design.terms[min(1, len(design.terms) - 1)]
    return Result(
        name=name,
        method=method,
        n=int(design.y.size),
        estimate_label=f"OR {first}",
        ci_level=conf_level,
        table=table,
        notes=(*notes, f"not estimable: {reason}"),
        not_estimable=reason,
    )


def per_term(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Per-term values with NaN at aliased terms."""
    out = np.full(keep.size, np.nan)
    out[keep] = values
    return out


def logistic_regression(
    data: Frame,
    outcome: str,
    covariates: Sequence[str],
    name: str = "logistic regression",
    conf_level: float = 0.95,
) -> Result:
    """Logistic regression by maximum likelihood (statsmodels binomial GLM, as R's ``glm``).

    Odds ratios come with Wald intervals (R's ``confint.default``) and profile-likelihood
    intervals computed exactly as R's ``confint`` for a glm (MASS's profile, spline-interpolated
    on a grid; see ``docs/statistics.md``). Separation is detected (linear programme, fitted
    probabilities numerically 0 or 1, non-convergence) and reported in the notes with the
    advice to use ``firth_regression``; profile intervals are then not computed.

    What cannot be estimated is said, not raised: with separation the result is not estimable
    (``not_estimable`` says what separates, e.g. "no events where x = 1 (0 of 5)"; the table
    keeps where R's IRLS stopped); with a constant outcome or no complete rows nothing is
    fitted; a term that is a linear combination of earlier ones (a constant or collinear
    covariate) gets empty numbers and a reason, as R gives it NA, and the others are fitted.

    Parameters
    ----------
    data : polars.DataFrame or pandas.DataFrame
        One row per subject.
    outcome : str
        Boolean or 0/1 column (1 = event, e.g. complete response).
    covariates : sequence of str
        Numeric, Boolean (term ``<name>TRUE``) or text/categorical columns (treatment contrasts
        against the first level, terms ``<name><level>``). Incomplete rows are dropped.
    name : str
        What is modelled, for the report.
    conf_level : float
        Level of the intervals.

    Returns
    -------
    Result
        The first covariate's odds ratio with its profile interval and Wald p-value; the
        likelihood-ratio chi-square of the model against the intercept-only model; ``table``
        has per term coef, se, z, p (Wald), or, wald_lower, wald_upper, profile_lower,
        profile_upper (intervals on the odds-ratio scale) and not_estimable (the reason, per
        term); notes give the residual and null deviance, AIC and log-likelihood, and any
        separation.

    Examples
    --------
    >>> df = pl.DataFrame({"cr": [0, 0, 1, 0, 1, 1, 0, 1, 0, 0],
    ...                    "dose": [1.0, 2.0, 3.0, 1.5, 2.5, 4.0, 3.5, 3.0, 2.0, 0.5]})
    >>> r = logistic_regression(df, "cr", ["dose"])
    >>> r.estimate_label, round(r.estimate, 3), round(r.p_value, 3)
    ('OR dose', 7.141, 0.106)
    >>> r.table["term"].to_list()
    ['(Intercept)', 'dose']
    """
    design = design_matrix(data, outcome, covariates)
    method = "logistic regression, binomial GLM (statsmodels; stats::glm)"
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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # perfect-separation warnings: diagnosed below
        fit = GLM(y, x, family=Binomial()).fit(
            maxiter=GLM_MAXIT, atol=GLM_EPSILON / 10, rtol=GLM_EPSILON
        )
    beta = np.asarray(fit.params)
    se = np.asarray(fit.bse)
    eta = x @ beta
    deviance = binomial_deviance(y, eta)
    null_deviance = binomial_deviance(y, np.full(n, np.log(y.mean() / (1 - y.mean()))))
    loglik = -deviance / 2  # 0/1 outcomes: the saturated log-likelihood is 0
    aic = deviance + 2 * k
    z = beta / se
    q = norm.ppf((1 + conf_level) / 2)
    if not fit.converged:
        notes.insert(1, f"the fit did not converge in {GLM_MAXIT} IRLS iterations")
    notes.extend(design.aliased.values())
    kind = separation(y, x)
    fitted = expit(eta)
    if kind is None and np.any((fitted < _PROB_EPS) | (fitted > 1 - _PROB_EPS)):
        kind = "quasi-complete"
    profile_lower = profile_upper = np.full(k, np.nan)
    reason = None
    if kind is not None:
        notes.append(str(separation_note(kind)))
        reason = (
            f"{kind} separation: {describe_separation(y, x, fitted_terms)}, so the "
            "maximum-likelihood odds ratios are infinite"
        )
    else:
        try:
            lower, upper = profile_ci(y, x, beta, se, deviance, conf_level)
        except RuntimeError as err:
            notes.append(f"profile intervals not computed: {err}")
        else:
            outside = ~((lower <= beta) & (beta <= upper)) & np.isfinite(lower + upper)
            for j in np.flatnonzero(outside):
                notes.append(
                    f"profile interval of {fitted_terms[j]} not shown: the profile "
                    "is not monotone, so its limits do not enclose the estimate"
                )
            lower[outside] = upper[outside] = np.nan
            profile_lower, profile_upper = np.exp(lower), np.exp(upper)
    term_reason = [
        design.aliased.get(t, reason if reason is not None and t != "(Intercept)" else None)
        for t in terms
    ]
    with np.errstate(over="ignore"):  # exp of a diverging coefficient is inf, as in R
        table = pl.DataFrame(
            {
                "term": terms,
                "coef": per_term(beta, keep),
                "se": per_term(se, keep),
                "z": per_term(z, keep),
                "p": per_term(2 * norm.sf(np.abs(z)), keep),
                "or": per_term(np.exp(beta), keep),
                "wald_lower": per_term(np.exp(beta - q * se), keep),
                "wald_upper": per_term(np.exp(beta + q * se), keep),
                "profile_lower": per_term(profile_lower, keep),
                "profile_upper": per_term(profile_upper, keep),
                "not_estimable": term_reason,
            },
            schema_overrides={"not_estimable": pl.String},
        ).with_columns(pl.col(c).fill_nan(None) for c in NUMBERS)
    notes.append(
        f"residual deviance {deviance:.10g} on {n - k} df; null deviance {null_deviance:.10g} "
        f"on {n - 1} df; AIC {aic:.10g}; log-likelihood {loglik:.10g} (df {k})"
    )
    first = table.row(min(1, len(terms) - 1), named=True)
    reason = first["not_estimable"]
    ci = (first["profile_lower"], first["profile_upper"])
    ci_kind = "profile likelihood (MASS confint.glm)"
    if ci[0] is None or ci[1] is None:
        ci, ci_kind = (first["wald_lower"], first["wald_upper"]), "Wald (confint.default)"
    if reason is None:
        notes.append(f"estimate: OR of {first['term']}, {ci_kind} interval, Wald p-value")
    return Result(
        name=name,
        method=method,
        n=n,
        estimate=None if reason else first["or"],
        estimate_label=f"OR {first['term']}",
        ci=None if reason else ci,
        ci_level=conf_level,
        statistic=null_deviance - deviance,
        statistic_label="likelihood-ratio chi-square",
        df=float(k - 1),
        p_value=None if reason else first["p"],
        table=table,
        notes=tuple(notes),
        not_estimable=reason,
    )
