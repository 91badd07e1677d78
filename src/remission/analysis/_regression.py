"""Logistic regression (statsmodels GLM) with R's Wald and profile intervals; separation."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import statsmodels.api as sm
from scipy.optimize import linprog
from scipy.special import expit
from scipy.stats import norm

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
    """Outcome vector, model matrix and term names after dropping incomplete rows."""

    y: np.ndarray
    x: np.ndarray
    terms: tuple[str, ...]
    dropped: int


def design_matrix(data: pl.DataFrame, outcome: str, covariates: Sequence[str]) -> Design:
    """Model matrix with an intercept, coded as R's ``model.matrix`` codes it.

    Numeric columns enter as they are; Boolean ``b`` as the 0/1 term ``bTRUE``; text or
    categorical ``c`` as treatment contrasts against the first level (``c<level>`` terms).
    Rows missing the outcome or any covariate are dropped (R's ``na.omit``).
    """
    missing = [c for c in (outcome, *covariates) if c not in data.columns]
    if missing:
        raise ValueError(f"columns not in the data: {', '.join(missing)}")
    frame = data.select(outcome, *covariates)
    for name, dtype in frame.schema.items():
        if dtype.is_float():
            frame = frame.with_columns(pl.col(name).fill_nan(None))
    complete = frame.drop_nulls()
    yv = complete[outcome]
    if yv.dtype == pl.Boolean:
        y = yv.cast(pl.Float64).to_numpy()
    elif yv.dtype.is_numeric():
        y = yv.cast(pl.Float64).to_numpy()
        if not np.all(np.isin(y, (0.0, 1.0))):
            raise ValueError(f"outcome {outcome!r} must be Boolean or coded 0/1")
    else:
        raise ValueError(f"outcome {outcome!r} must be Boolean or coded 0/1")
    columns = [np.ones(complete.height)]
    terms = ["(Intercept)"]
    for name in covariates:
        col = complete[name]
        if col.dtype == pl.Boolean:
            columns.append(col.cast(pl.Float64).to_numpy())
            terms.append(f"{name}TRUE")
        elif col.dtype.is_numeric():
            columns.append(col.cast(pl.Float64).to_numpy())
            terms.append(name)
        else:
            if isinstance(col.dtype, pl.Enum):
                levels = [v for v in col.dtype.categories.to_list() if v in set(col.to_list())]
            else:
                levels = sorted(set(col.cast(pl.String).to_list()))
            values = col.cast(pl.String).to_numpy()
            for level in levels[1:]:
                columns.append((values == level).astype(float))
                terms.append(f"{name}{level}")
    if complete.height == 0 or y.min() == y.max():
        raise ValueError(
            f"outcome {outcome!r} takes a single value in the {complete.height} complete rows: "
            "nothing to model"
        )
    x = np.column_stack(columns)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise ValueError(
            "the model matrix is rank-deficient (collinear covariates, a constant covariate or "
            f"an empty level): terms {', '.join(terms)}"
        )
    return Design(y=y, x=x, terms=tuple(terms), dropped=data.height - complete.height)


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


def logistic_regression(
    data: pl.DataFrame,
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

    Parameters
    ----------
    data : polars.DataFrame
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
        profile_upper (intervals on the odds-ratio scale); notes give the residual and null
        deviance, AIC and log-likelihood, and any separation.

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
    y, x, terms = design.y, design.x, list(design.terms)
    k, n = x.shape[1], y.size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # perfect-separation warnings: diagnosed below
        fit = sm.GLM(y, x, family=sm.families.Binomial()).fit(
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
    notes = [f"events: {int(y.sum())} of {n}"]
    if not fit.converged:
        notes.append(f"the fit did not converge in {GLM_MAXIT} IRLS iterations")
    if design.dropped:
        notes.append(f"{design.dropped} rows with missing values dropped")
    kind = separation(y, x)
    fitted = expit(eta)
    if kind is None and np.any((fitted < _PROB_EPS) | (fitted > 1 - _PROB_EPS)):
        kind = "quasi-complete"
    profile_lower = profile_upper = np.full(k, np.nan)
    if kind is not None:
        notes.append(str(separation_note(kind)))
    else:
        try:
            profile_lower, profile_upper = np.exp(profile_ci(y, x, beta, se, deviance, conf_level))
        except RuntimeError as err:
            notes.append(f"profile intervals not computed: {err}")
    with np.errstate(over="ignore"):  # exp of a diverging coefficient is inf, as in R
        table = pl.DataFrame(
            {
                "term": terms,
                "coef": beta,
                "se": se,
                "z": z,
                "p": 2 * norm.sf(np.abs(z)),
                "or": np.exp(beta),
                "wald_lower": np.exp(beta - q * se),
                "wald_upper": np.exp(beta + q * se),
                "profile_lower": profile_lower,
                "profile_upper": profile_upper,
            }
        ).with_columns(pl.col("profile_lower", "profile_upper").fill_nan(None))
    notes.append(
        f"residual deviance {deviance:.10g} on {n - k} df; null deviance {null_deviance:.10g} "
        f"on {n - 1} df; AIC {aic:.10g}; log-likelihood {loglik:.10g} (df {k})"
    )
    first = table.row(min(1, k - 1), named=True)
    ci = (first["profile_lower"], first["profile_upper"])
    ci_kind = "profile likelihood (MASS confint.glm)"
    if ci[0] is None or ci[1] is None:
        ci, ci_kind = (first["wald_lower"], first["wald_upper"]), "Wald (confint.default)"
    notes.append(f"estimate: OR of {first['term']}, {ci_kind} interval, Wald p-value")
    return Result(
        name=name,
        method="logistic regression, binomial GLM (statsmodels; stats::glm)",
        n=n,
        estimate=first["or"],
        estimate_label=f"OR {first['term']}",
        ci=ci,
        ci_level=conf_level,
        statistic=null_deviance - deviance,
        statistic_label="likelihood-ratio chi-square",
        df=float(k - 1),
        p_value=first["p"],
        table=table,
        notes=tuple(notes),
    )
