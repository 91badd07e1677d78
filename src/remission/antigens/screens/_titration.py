"""Peptide titrations: four-parameter logistic fits, EC50 with CI, analog vs natural."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import polars as pl
from scipy.optimize import least_squares
from scipy.stats import f as f_dist
from scipy.stats import norm

from remission.analysis._result import Result

_LN10 = math.log(10.0)
METHOD_4PL = (
    "4PL least squares on log10 concentration (scipy least_squares, as R nls); "
    "EC50 CI Wald on log10 EC50 (R confint.default)"
)
#: Residuals below this fraction of the largest reading are rounding: the fit is exact.
EXACT_RELATIVE = 1e-10
#: A 4PL no better than a constant at this level (F-test) is a flat curve.
FLAT_ALPHA = 0.05
#: Jacobian columns or singular values below this fraction of the largest: not estimable.
SINGULAR_RELATIVE = 1e-10


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
    status : str
        ``"ok"``; ``"exact"`` (zero residual: sigma 0, standard errors 0, a CI of zero width,
        AIC -inf as R's ``logLik``; the estimates are usable); or, with every estimate NaN,
        ``"too_few"`` (fewer than 4 concentrations or 5 wells), ``"flat"`` (the response does
        not depend on concentration), ``"not_identifiable"`` (the curve's shape cannot be
        estimated from these concentrations) or ``"not_converged"``.
    message : str
        Why the fit is not ``"ok"``, in words, with what to do; empty when ok.
    plate, effector, target, readout : str or None
        The condition titrated (set by ``fit_titrations``).

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
    status: str = "ok"
    message: str = ""
    plate: str | None = None
    effector: str | None = None
    target: str | None = None
    readout: str | None = None

    @property
    def usable(self) -> bool:
        """Whether the fit has an EC50 (status ``"ok"`` or ``"exact"``).

        Returns
        -------
        bool
            True when the estimates can be reported.

        Examples
        --------
        >>> fit_4pl([1, 10, 100], [5, 50, 500], "p").usable
        False
        """
        return self.status in ("ok", "exact")

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
        if self.message:
            notes = (*notes, self.message)
        elif not self.converged:
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
            not_estimable=None if self.usable else self.message,
        )


def fit_4pl(
    concentration: np.ndarray | list[float],
    response: np.ndarray | list[float],
    antigen: str = "",
    *,
    ci_level: float = 0.95,
    concentration_unit: str | None = None,
    max_evaluations: int = 20_000,
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
    max_evaluations : int
        Limit of the Levenberg-Marquardt function evaluations.

    Returns
    -------
    TitrationFit
        Estimates, standard errors, EC50 CI and goodness of fit. Data that cannot give an
        EC50 give a fit with ``usable`` False, a ``status`` and a ``message`` saying why and
        what to do, never an exception: fewer than 4 distinct positive concentrations or 5
        wells (``"too_few"``), a response that does not depend on concentration (all equal,
        or a 4PL no better than a constant by the F-test at ``FLAT_ALPHA``: ``"flat"``), an
        optimiser that stops before converging (``"not_converged"``), an EC50 outside the
        tested concentrations or a slope not estimable (a singular Jacobian:
        ``"not_identifiable"``). Exact data (residuals below ``EXACT_RELATIVE`` of the largest
        reading) give status ``"exact"``: RSS and sigma 0, standard errors 0, a CI of zero
        width and AIC -inf, as R's ``logLik`` gives for a zero residual sum of squares.

    Raises
    ------
    ValueError
        When concentration and response differ in length.

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
    if x.shape != y.shape:
        raise ValueError(f"{x.size} concentrations but {y.size} responses")
    keep = (x > 0) & np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    what = antigen or "the titration"
    unit = f" {concentration_unit}" if concentration_unit else ""
    levels = np.unique(x)
    common = {"antigen": antigen, "ci_level": ci_level, "concentration_unit": concentration_unit}
    if x.size < 5 or levels.size < 4:
        shown = ", ".join(f"{c:g}" for c in levels) or "none"
        return _unusable(
            "too_few",
            f"{what}: {levels.size} concentration{'' if levels.size == 1 else 's'} above 0 "
            f"({shown}{unit}) in {x.size} well{'' if x.size == 1 else 's'}; a 4PL fit needs "
            "at least 4 concentrations and 5 wells, so no EC50 is estimated; titrate over 4 or "
            "more concentrations (e.g. 10-fold steps)",
            x,
            y,
            **common,
        )
    tss = float(np.sum((y - y.mean()) ** 2))
    if tss == 0:
        return _unusable(
            "flat",
            f"{what}: all {x.size} readings are {y[0]:g}: the response does not change with "
            "concentration, so there is no curve and no EC50",
            x,
            y,
            **common,
        )
    lx = np.log10(x)
    theta, converged, why = _least_squares(lx, y, max_evaluations)
    r = logistic4(x, *theta) - y
    n = x.size
    df = n - 4
    rss = float(r @ r)
    scale = float(np.max(np.abs(y)))
    exact = rss <= n * (EXACT_RELATIVE * scale) ** 2
    if exact:
        rss = 0.0
    elif not converged:
        return _unusable(
            "not_converged",
            f"{what}: the 4PL fit did not converge in {max_evaluations} evaluations ({why}); "
            "no EC50 is estimated; check the readings, or titrate over concentrations that "
            "reach both plateaus",
            x,
            y,
            **common,
        )
    else:
        f_stat = ((tss - rss) / 3) / (rss / df)
        p_flat = float(f_dist.sf(f_stat, 3, df))
        if p_flat > FLAT_ALPHA:
            return _unusable(
                "flat",
                f"{what}: the response does not depend on concentration (4PL against a "
                f"constant: F = {f_stat:.3g} on 3 and {df} df, p = {p_flat:.2g}; readings "
                f"{np.min(y):g} to {np.max(y):g}), so there is no EC50",
                x,
                y,
                **common,
            )
    jac = _jacobian(theta, lx)
    norms = np.linalg.norm(jac, axis=0)
    scaled = jac / np.where(norms > 0, norms, 1.0)
    singular = np.linalg.svd(scaled, compute_uv=False)
    tested = np.log10(levels[0]) <= theta[2] <= np.log10(levels[-1])
    if (
        not np.all(np.isfinite(theta))
        or not tested
        or np.min(norms) <= SINGULAR_RELATIVE * np.max(norms)
        or singular[-1] <= SINGULAR_RELATIVE * singular[0]
    ):
        return _unusable(
            "not_identifiable", _why_not_identifiable(what, theta, x, y, unit), x, y, **common
        )
    sigma2 = rss / df
    inverse = np.linalg.inv(scaled.T @ scaled) / np.outer(norms, norms)
    se = np.sqrt(np.diag(sigma2 * inverse))
    z = float(norm.ppf(0.5 + ci_level / 2))
    lec, se_l = float(theta[2]), float(se[2])
    # R's logLik.nls: -n/2 (log(2 pi) + 1 - log(n) + log(rss)); rss 0 gives +inf, AIC -inf
    loglik = (
        math.inf if rss == 0 else -n / 2 * (math.log(2 * math.pi) + 1 - math.log(n) + math.log(rss))
    )
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
        ec50_ci=(_pow10(lec - z * se_l), _pow10(lec + z * se_l)),
        ci_level=ci_level,
        rss=rss,
        sigma=math.sqrt(sigma2),
        df=df,
        r_squared=1 - rss / tss,
        aic=-2 * loglik + 2 * 5,
        converged=converged,
        concentration_unit=concentration_unit,
        status="exact" if exact else "ok",
        message=(
            f"{what}: the curve passes exactly through every reading (zero residual): sigma 0, "
            "standard errors 0, a CI of zero width and AIC -inf (as R's logLik); real "
            "readings always scatter, so check that these are measured values"
            if exact
            else ""
        ),
    )


def _least_squares(
    lx: np.ndarray, y: np.ndarray, max_evaluations: int
) -> tuple[np.ndarray, bool, str]:
    """Levenberg-Marquardt from a start read off the data, then Gauss-Newton polishing."""
    x = 10.0**lx
    lo, hi = float(np.min(y)), float(np.max(y))
    means = pl.DataFrame({"lx": lx, "y": y}).group_by("lx").agg(pl.col("y").mean()).sort("lx")
    mid = (lo + hi) / 2
    rising = means["y"][-1] >= means["y"][0]
    cross = means.filter((pl.col("y") >= mid) if rising else (pl.col("y") <= mid))
    start_l = float(cross["lx"][0]) if cross.height else float(np.median(lx))
    theta0 = np.array([lo, hi, start_l, 1.0 if rising else -1.0])

    def resid(theta: np.ndarray) -> np.ndarray:
        return logistic4(x, *theta) - y

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        fit = least_squares(
            resid,
            theta0,
            jac=lambda t: _jacobian(t, lx),
            method="lm",
            xtol=1e-15,
            ftol=1e-15,
            gtol=1e-15,
            max_nfev=max_evaluations,
        )
        theta = fit.x.copy()
        for _ in range(50):  # Gauss-Newton polish to the exact least-squares point
            jac = _jacobian(theta, lx)
            if not np.all(np.isfinite(jac)):
                break
            step, *_ = np.linalg.lstsq(jac, -resid(theta), rcond=None)
            theta = theta + step
            if np.max(np.abs(step) / (np.abs(theta) + 1e-8)) < 1e-12:
                break
        new, old = np.sum(resid(theta) ** 2), np.sum(resid(fit.x) ** 2)
    if not np.isfinite(new) or new > old:  # keep the better point
        theta = fit.x
    why = str(fit.message).rstrip(".")
    return theta, bool(fit.success), why[:1].lower() + why[1:]


def _pow10(value: float) -> float:
    """10^value, infinite rather than an overflow error (a CI of a very uncertain EC50)."""
    with np.errstate(over="ignore"):
        return float(np.power(10.0, value))


def _why_not_identifiable(
    what: str, theta: np.ndarray, x: np.ndarray, y: np.ndarray, unit: str
) -> str:
    levels = np.unique(x)
    lec = float(theta[2])
    if np.isfinite(lec) and not (np.log10(levels[0]) <= lec <= np.log10(levels[-1])):
        side = "below" if lec < np.log10(levels[0]) else "above"
        return (
            f"{what}: the half-maximal response lies {side} the tested concentrations "
            f"({levels[0]:g} to {levels[-1]:g}{unit}), so one plateau and the EC50 cannot be "
            "estimated; extend the titration " + ("downwards" if side == "below" else "upwards")
        )
    means = np.array([np.mean(y[x == c]) for c in levels])
    jump = int(np.argmax(np.abs(np.diff(means))))
    return (
        f"{what}: the response jumps between {levels[jump]:g} and {levels[jump + 1]:g}{unit} "
        "with no concentration in between, so the slope and the EC50 cannot be estimated; "
        "add concentrations between them"
    )


def _unusable(
    status: str,
    message: str,
    x: np.ndarray,
    y: np.ndarray,
    *,
    antigen: str,
    ci_level: float,
    concentration_unit: str | None,
) -> TitrationFit:
    nan = math.nan
    return TitrationFit(
        antigen=antigen,
        n=int(x.size),
        bottom=nan,
        top=nan,
        log10_ec50=nan,
        hill=nan,
        se_bottom=nan,
        se_top=nan,
        se_log10_ec50=nan,
        se_hill=nan,
        ec50=nan,
        ec50_ci=(nan, nan),
        ci_level=ci_level,
        rss=nan,
        sigma=nan,
        df=int(x.size) - 4,
        r_squared=nan,
        aic=nan,
        converged=False,
        concentration_unit=concentration_unit,
        status=status,
        message=message,
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

    Raises
    ------
    ValueError
        When either fit has no EC50 (``TitrationFit.usable`` is False), with its message.

    Examples
    --------
    >>> x = np.repeat([0.01, 0.1, 1, 10, 100, 1000], 2)
    >>> noise = np.tile([-20.0, 20.0], 6)
    >>> nat = fit_4pl(x, logistic4(x, 100, 2000, 1.0, 1.0) + noise, "natural")
    >>> ana = fit_4pl(x, logistic4(x, 100, 2000, -0.3, 1.0) + noise, "analog")
    >>> round(compare_ec50(ana, nat).estimate, 2)  # 10 / 0.5
    19.95
    """
    for fit in (analog, natural):
        if not fit.usable:
            raise ValueError(f"no EC50 ratio: {fit.message}")
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


def fit_titrations(plates: pl.DataFrame, *, min_concentrations: int = 2) -> list[TitrationFit]:
    """Fit every titration of a screen: test conditions with several positive concentrations.

    A titration is the test wells of one plate, effector, target, antigen and readout at
    ``min_concentrations`` or more distinct concentrations above 0; each well is one point.
    A titration that cannot be fitted (too few concentrations, a flat response, no
    convergence) is returned too, with its ``status`` and ``message`` and no EC50.

    Parameters
    ----------
    plates : polars.DataFrame
        The typed plate table.
    min_concentrations : int
        Distinct positive concentrations that make a titration (a single concentration is a
        test at one dose, not a titration).

    Returns
    -------
    list of TitrationFit
        One fit per titration, in the order of the plate table, with its plate, effector,
        target and readout.

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
    for key, group in data.group_by(keys, maintain_order=True):
        if group["concentration"].n_unique() < min_concentrations:
            continue
        plate, effector, target, antigen, readout = key
        fit = fit_4pl(
            group["concentration"].to_numpy(),
            group["value"].to_numpy(),
            antigen=antigen,
            concentration_unit=group["concentration_unit"][0],
        )
        fits.append(replace(fit, plate=plate, effector=effector, target=target, readout=readout))
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
        Columns plate, effector, target, readout, antigen, status, n, bottom, top, hill, ec50,
        ec50_lower, ec50_upper, concentration_unit, log10_ec50, se_log10_ec50, sigma, df,
        r_squared, aic, converged, message (why a fit has no EC50; empty when ok). Fits
        without an EC50 have nulls for the estimates.

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen
    >>> titration_table(fit_titrations(demo_screen().plates)).height
    2
    """
    schema = {
        "plate": pl.String,
        "effector": pl.String,
        "target": pl.String,
        "readout": pl.String,
        "antigen": pl.String,
        "status": pl.String,
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
        "message": pl.String,
    }
    rows = [
        {
            "plate": f.plate,
            "effector": f.effector,
            "target": f.target,
            "readout": f.readout,
            "antigen": f.antigen,
            "status": f.status,
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
            "message": f.message or None,
        }
        for f in fits
    ]
    table = pl.DataFrame(rows, schema=schema)
    return table.with_columns(pl.col(pl.Float64).fill_nan(None))
