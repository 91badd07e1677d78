"""Peptide titrations: four-parameter logistic fits, EC50 with CI, analog vs natural."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.optimize import least_squares
from scipy.stats import norm

from remission.analysis._result import Result

_LN10 = math.log(10.0)
METHOD_4PL = (
    "4PL least squares on log10 concentration (scipy least_squares, as R nls); "
    "EC50 CI Wald on log10 EC50 (R confint.default)"
)


def logistic4(
    concentration: np.ndarray, bottom: float, top: float, log10_ec50: float, hill: float
) -> np.ndarray:
    """The four-parameter logistic: bottom + (top - bottom) / (1 + 10^((log10 EC50 - log10 x) h)).

    Parameters
    ----------
    concentration : numpy.ndarray
        Concentrations (> 0).
    bottom, top : float
        Responses at zero and infinite concentration.
    log10_ec50 : float
        Log10 of the concentration giving the half-maximal response.
    hill : float
        Hill slope (> 0 for a rising curve).

    Returns
    -------
    numpy.ndarray
        The modelled response.

    Examples
    --------
    >>> float(logistic4(np.array([10.0]), 0.0, 100.0, 1.0, 1.0)[0])
    50.0
    """
    lx = np.log10(np.asarray(concentration, dtype=float))
    return bottom + (top - bottom) / (1.0 + 10.0 ** ((log10_ec50 - lx) * hill))


def _jacobian(theta: np.ndarray, lx: np.ndarray) -> np.ndarray:
    b, t, lec, h = theta
    u = 10.0 ** ((lec - lx) * h)
    d = 1.0 + u
    return np.column_stack(
        [
            1.0 - 1.0 / d,
            1.0 / d,
            -(t - b) * u * _LN10 * h / d**2,
            -(t - b) * u * _LN10 * (lec - lx) / d**2,
        ]
    )


@dataclass(frozen=True)
class TitrationFit:
    """A 4PL fit of a titration with its EC50, CI and goodness of fit.

    Parameters
    ----------
    antigen : str
        What was titrated.
    n : int
        Wells used (concentration > 0).
    bottom, top, log10_ec50, hill : float
        Estimates.
    se_bottom, se_top, se_log10_ec50, se_hill : float
        Standard errors, sigma^2 (J'J)^-1 as R's ``summary.nls``.
    ec50 : float
        10^log10_ec50, in ``concentration_unit``.
    ec50_ci : tuple of float
        Wald CI, 10^(log10 EC50 +- z SE) as R ``confint.default``.
    ci_level : float
        Level of the CI.
    rss : float
        Residual sum of squares.
    sigma : float
        Residual standard error, sqrt(rss / df).
    df : int
        Residual degrees of freedom (n - 4).
    r_squared : float
        1 - rss / total sum of squares.
    aic : float
        AIC as R's ``AIC(nls)`` (Gaussian log-likelihood, 5 parameters with sigma).
    converged : bool
        Whether the optimiser reported convergence.
    concentration_unit : str or None
        Unit of the concentrations.

    Examples
    --------
    >>> x = np.repeat([0.01, 0.1, 1, 10, 100, 1000], 2)
    >>> y = logistic4(x, 100, 2000, 1.0, 1.0) + np.tile([-20.0, 20.0], 6)
    >>> fit = fit_4pl(x, y, antigen="pep")
    >>> round(fit.ec50, 3)
    10.0
    """

    antigen: str
    n: int
    bottom: float
    top: float
    log10_ec50: float
    hill: float
    se_bottom: float
    se_top: float
    se_log10_ec50: float
    se_hill: float
    ec50: float
    ec50_ci: tuple[float, float]
    ci_level: float
    rss: float
    sigma: float
    df: int
    r_squared: float
    aic: float
    converged: bool
    concentration_unit: str | None = None

    def predict(self, concentration: np.ndarray) -> np.ndarray:
        """Return the fitted response at the given concentrations.

        Parameters
        ----------
        concentration : numpy.ndarray
            Concentrations (> 0).

        Returns
        -------
        numpy.ndarray
            Fitted responses.

        Examples
        --------
        >>> x = np.repeat([0.01, 0.1, 1, 10, 100, 1000], 2)
        >>> fit = fit_4pl(x, logistic4(x, 0, 100, 1.0, 1.0) + np.tile([-1.0, 1.0], 6))
        >>> round(float(fit.predict(np.array([10.0]))[0]), 6)
        50.0
        """
        return logistic4(concentration, self.bottom, self.top, self.log10_ec50, self.hill)

    def to_result(self) -> Result:
        """Return the fit as the project's one result type (estimate = EC50).

        Returns
        -------
        Result
            EC50 with its CI; the parameter table as detail.

        Examples
        --------
        >>> x = np.repeat([0.01, 0.1, 1, 10, 100, 1000], 2)
        >>> fit = fit_4pl(x, logistic4(x, 0, 100, 1.0, 1.0) + np.tile([-1.0, 1.0], 6), "p")
        >>> fit.to_result().estimate_label
        'EC50 (concentration)'
        """
        unit = self.concentration_unit or "concentration"
        table = pl.DataFrame(
            {
                "term": ["bottom", "top", "log10_ec50", "hill"],
                "estimate": [self.bottom, self.top, self.log10_ec50, self.hill],
                "std_error": [self.se_bottom, self.se_top, self.se_log10_ec50, self.se_hill],
            }
        )
        notes = (
            f"residual SE {self.sigma:.4g} on {self.df} df; R^2 {self.r_squared:.4f}; "
            f"AIC {self.aic:.4g}",
        )
        if not self.converged:
            notes = (*notes, "the optimiser did not report convergence")
        return Result(
            name=f"Titration of {self.antigen}",
            method=METHOD_4PL,
            n=self.n,
            estimate=self.ec50,
            estimate_label=f"EC50 ({unit})",
            ci=self.ec50_ci,
            ci_level=self.ci_level,
            table=table,
            notes=notes,
        )


def fit_4pl(
    concentration: np.ndarray | list[float],
    response: np.ndarray | list[float],
    antigen: str = "",
    *,
    ci_level: float = 0.95,
    concentration_unit: str | None = None,
) -> TitrationFit:
    """Fit the four-parameter logistic to a titration by least squares.

    The model is ``logistic4`` with parameters (bottom, top, log10 EC50, hill), the same
    model as R ``nls(y ~ bottom + (top - bottom) / (1 + 10^((lec50 - log10(x)) * hill)))``.
    It is fitted with scipy's Levenberg-Marquardt (``least_squares``, analytic Jacobian,
    tolerances 1e-15) followed by Gauss-Newton steps until the relative change is below
    1e-12; standard errors are sigma^2 (J'J)^-1 and the EC50 CI is the Wald interval on
    log10 EC50 back-transformed, as R's ``confint.default`` (normal quantile).

    Parameters
    ----------
    concentration : array_like
        Concentrations; wells at 0 are left out (log undefined; they inform the bottom only
        through the background).
    response : array_like
        Responses of the same wells.
    antigen : str
        Name of what was titrated.
    ci_level : float
        Level of the EC50 CI.
    concentration_unit : str, optional
        Unit of the concentrations, for display.

    Returns
    -------
    TitrationFit
        Estimates, standard errors, EC50 CI and goodness of fit.

    Raises
    ------
    ValueError
        With fewer than 5 wells at 4 or more distinct positive concentrations.

    Examples
    --------
    >>> x = np.repeat([0.01, 0.1, 1, 10, 100, 1000], 2)
    >>> y = logistic4(x, 100, 2000, 0.5, 1.2) + np.tile([-30.0, 30.0], 6)
    >>> fit = fit_4pl(x, y, "ITDQVPFSV")
    >>> round(fit.log10_ec50, 4), fit.df
    (0.5, 8)
    """
    x = np.asarray(concentration, dtype=float)
    y = np.asarray(response, dtype=float)
    keep = x > 0
    x, y = x[keep], y[keep]
    if x.size < 5 or np.unique(x).size < 4:
        raise ValueError(
            f"a 4PL fit of {antigen or 'the titration'} needs at least 4 distinct positive "
            f"concentrations and 5 wells; got {np.unique(x).size} and {x.size}"
        )
    lx = np.log10(x)
    order = np.argsort(lx)
    lo, hi = float(np.min(y)), float(np.max(y))
    means = pl.DataFrame({"lx": lx, "y": y}).group_by("lx").agg(pl.col("y").mean()).sort("lx")
    mid = (lo + hi) / 2
    rising = means["y"][-1] >= means["y"][0]
    cross = means.filter((pl.col("y") >= mid) if rising else (pl.col("y") <= mid))
    start_l = float(cross["lx"][0]) if cross.height else float(np.median(lx[order]))
    theta0 = np.array([lo, hi, start_l, 1.0]) if rising else np.array([hi, lo, start_l, 1.0])
    if not rising:
        theta0 = np.array([lo, hi, start_l, -1.0])

    def resid(theta: np.ndarray) -> np.ndarray:
        return logistic4(x, *theta) - y

    fit = least_squares(
        resid,
        theta0,
        jac=lambda t: _jacobian(t, lx),
        method="lm",
        xtol=1e-15,
        ftol=1e-15,
        gtol=1e-15,
        max_nfev=20_000,
    )
    theta = fit.x.copy()
    converged = bool(fit.success)
    for _ in range(50):  # Gauss-Newton polish to the exact least-squares point
        jac = _jacobian(theta, lx)
        step, *_ = np.linalg.lstsq(jac, -resid(theta), rcond=None)
        theta = theta + step
        if np.max(np.abs(step) / (np.abs(theta) + 1e-8)) < 1e-12:
            break
    if np.sum(resid(theta) ** 2) > np.sum(resid(fit.x) ** 2):  # keep the better point
        theta = fit.x
    r = resid(theta)
    n = x.size
    rss = float(r @ r)
    df = n - 4
    sigma2 = rss / df if df > 0 else math.nan
    jac = _jacobian(theta, lx)
    cov = sigma2 * np.linalg.pinv(jac.T @ jac)
    se = np.sqrt(np.diag(cov))
    z = float(norm.ppf(0.5 + ci_level / 2))
    lec, se_l = float(theta[2]), float(se[2])
    tss = float(np.sum((y - y.mean()) ** 2))
    loglik = -n / 2 * (math.log(2 * math.pi) + 1 - math.log(n) + math.log(rss))
    return TitrationFit(
        antigen=antigen,
        n=n,
        bottom=float(theta[0]),
        top=float(theta[1]),
        log10_ec50=lec,
        hill=float(theta[3]),
        se_bottom=float(se[0]),
        se_top=float(se[1]),
        se_log10_ec50=se_l,
        se_hill=float(se[3]),
        ec50=10.0**lec,
        ec50_ci=(10.0 ** (lec - z * se_l), 10.0 ** (lec + z * se_l)),
        ci_level=ci_level,
        rss=rss,
        sigma=math.sqrt(sigma2),
        df=df,
        r_squared=1 - rss / tss if tss > 0 else math.nan,
        aic=-2 * loglik + 2 * 5,
        converged=converged,
        concentration_unit=concentration_unit,
    )


def compare_ec50(analog: TitrationFit, natural: TitrationFit, *, ci_level: float = 0.95) -> Result:
    """Compare an analog's EC50 with its natural peptide's: ratio natural / analog with CI.

    The ratio is > 1 when the analog is more potent (its curve lies left of the natural
    peptide's). From two independent fits: log10 ratio = log10 EC50 natural - log10 EC50
    analog, SE = sqrt(SE_natural^2 + SE_analog^2), Wald CI and two-sided z-test of equal
    EC50 (ratio 1).

    Parameters
    ----------
    analog : TitrationFit
        Fit of the analog (e.g. heteroclitic IMDQVPFSV).
    natural : TitrationFit
        Fit of the natural peptide (e.g. ITDQVPFSV).
    ci_level : float
        Level of the CI.

    Returns
    -------
    Result
        Estimate = EC50 ratio natural / analog, with CI, z and p-value.

    Examples
    --------
    >>> x = np.repeat([0.01, 0.1, 1, 10, 100, 1000], 2)
    >>> noise = np.tile([-20.0, 20.0], 6)
    >>> nat = fit_4pl(x, logistic4(x, 100, 2000, 1.0, 1.0) + noise, "natural")
    >>> ana = fit_4pl(x, logistic4(x, 100, 2000, -0.3, 1.0) + noise, "analog")
    >>> round(compare_ec50(ana, nat).estimate, 2)  # 10 / 0.5
    19.95
    """
    diff = natural.log10_ec50 - analog.log10_ec50
    se = math.hypot(natural.se_log10_ec50, analog.se_log10_ec50)
    z = float(norm.ppf(0.5 + ci_level / 2))
    stat = diff / se if se > 0 else math.inf
    p = float(2 * norm.sf(abs(stat)))
    table = pl.DataFrame(
        {
            "peptide": [analog.antigen, natural.antigen],
            "role": ["analog", "natural"],
            "ec50": [analog.ec50, natural.ec50],
            "ec50_lower": [analog.ec50_ci[0], natural.ec50_ci[0]],
            "ec50_upper": [analog.ec50_ci[1], natural.ec50_ci[1]],
            "log10_ec50": [analog.log10_ec50, natural.log10_ec50],
            "se_log10_ec50": [analog.se_log10_ec50, natural.se_log10_ec50],
        }
    )
    return Result(
        name=f"EC50 {natural.antigen} / {analog.antigen}",
        method="ratio of 4PL EC50s, Wald on the log10 difference of independent fits",
        n=analog.n + natural.n,
        estimate=10.0**diff,
        estimate_label="EC50 ratio natural/analog",
        ci=(10.0 ** (diff - z * se), 10.0 ** (diff + z * se)),
        ci_level=ci_level,
        statistic=stat,
        statistic_label="z",
        p_value=p,
        table=table,
        notes=("ratio > 1: the analog is more potent (curve left of the natural peptide's)",),
    )


def fit_titrations(plates: pl.DataFrame, *, min_concentrations: int = 4) -> list[TitrationFit]:
    """Fit every titration of a screen: test conditions with several positive concentrations.

    A titration is the test wells of one plate, effector, target, antigen and readout at
    ``min_concentrations`` or more distinct concentrations above 0; each well is one point.

    Parameters
    ----------
    plates : polars.DataFrame
        The typed plate table.
    min_concentrations : int
        Distinct positive concentrations that make a titration.

    Returns
    -------
    list of TitrationFit
        One fit per titration, in the order of the plate table.

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen
    >>> [f.antigen for f in fit_titrations(demo_screen().plates)]
    ['gp100_209-217', 'gp100_209-217_2M']
    """
    data = plates.filter(
        (pl.col("role") == "test")
        & (pl.col("concentration") > 0)
        & (pl.col("readout") != "cr51_counts")
    )
    fits = []
    keys = ["plate", "effector", "target", "antigen", "readout"]
    for _, group in data.group_by(keys, maintain_order=True):
        if group["concentration"].n_unique() < min_concentrations:
            continue
        fits.append(
            fit_4pl(
                group["concentration"].to_numpy(),
                group["value"].to_numpy(),
                antigen=group["antigen"][0],
                concentration_unit=group["concentration_unit"][0],
            )
        )
    return fits


def titration_table(fits: list[TitrationFit]) -> pl.DataFrame:
    """Return titration fits as one table, one row per fit.

    Parameters
    ----------
    fits : list of TitrationFit
        Fits, e.g. from ``fit_titrations``.

    Returns
    -------
    polars.DataFrame
        Columns antigen, n, bottom, top, hill, ec50, ec50_lower, ec50_upper, concentration_unit,
        log10_ec50, se_log10_ec50, sigma, df, r_squared, aic, converged.

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen
    >>> titration_table(fit_titrations(demo_screen().plates)).height
    2
    """
    schema = {
        "antigen": pl.String,
        "n": pl.Int64,
        "bottom": pl.Float64,
        "top": pl.Float64,
        "hill": pl.Float64,
        "ec50": pl.Float64,
        "ec50_lower": pl.Float64,
        "ec50_upper": pl.Float64,
        "concentration_unit": pl.String,
        "log10_ec50": pl.Float64,
        "se_log10_ec50": pl.Float64,
        "sigma": pl.Float64,
        "df": pl.Int64,
        "r_squared": pl.Float64,
        "aic": pl.Float64,
        "converged": pl.Boolean,
    }
    rows = [
        {
            "antigen": f.antigen,
            "n": f.n,
            "bottom": f.bottom,
            "top": f.top,
            "hill": f.hill,
            "ec50": f.ec50,
            "ec50_lower": f.ec50_ci[0],
            "ec50_upper": f.ec50_ci[1],
            "concentration_unit": f.concentration_unit,
            "log10_ec50": f.log10_ec50,
            "se_log10_ec50": f.se_log10_ec50,
            "sigma": f.sigma,
            "df": f.df,
            "r_squared": f.r_squared,
            "aic": f.aic,
            "converged": f.converged,
        }
        for f in fits
    ]
    return pl.DataFrame(rows, schema=schema)
