"""Profile-likelihood intervals of a logistic GLM computed the way R's ``confint.glm`` does.

R (MASS's ``profile.glm`` and ``confint.profile.glm``, in ``stats`` since R 4.4) does not solve
for the exact point where the deviance rises by ``qchisq(level, 1)``. It profiles each
coefficient on a grid ``b +/- k * del * se`` (``del = zmax / 5``, ``zmax`` the normal quantile
of ``(1 - level) / 4``, at most 9 steps each way, stopping once ``|z| >= zmax``) with the signed
root ``z = sign * sqrt(deviance rise)``, interpolates ``z`` against ``b`` with an FMM cubic
spline at ``3 x`` the number of grid points, and reads the limits off that curve by linear
interpolation at ``z = qnorm((1 -/+ level) / 2)``. The interpolation is accurate to about 1e-4
of the true limits; doing the same steps reproduces R's printed numbers.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from scipy.stats import chi2, norm


def binomial_deviance(y: np.ndarray, eta: np.ndarray) -> float:
    """Deviance of 0/1 outcomes at linear predictor ``eta`` (stable for large |eta|)."""
    return float(2 * np.sum(y * np.logaddexp(0, -eta) + (1 - y) * np.logaddexp(0, eta)))


MAX_ITERATIONS = 100
MAX_STEP = 10.0
"""Largest change of a coefficient in one Newton step (logistf caps at 5 in the same way)."""


def fit_logistic(
    y: np.ndarray,
    x: np.ndarray,
    offset: np.ndarray | None = None,
    start: np.ndarray | None = None,
    etastart: np.ndarray | None = None,
) -> tuple[np.ndarray, float, bool]:
    """Maximum-likelihood logistic fit: coefficients, deviance, converged.

    Newton-Raphson (IRLS) with steps capped at ``MAX_STEP`` and halved whenever the deviance
    would rise, so a poor start
    cannot send it off to infinity (plain IRLS from a start whose fitted probabilities are all
    near 0 or 1 can, and then reports a deviance of 1e16 as converged). With ``etastart`` the
    first step is R's ``glm.fit(etastart = )``: a weighted least-squares fit of the working
    response at that linear predictor, which is how MASS's profile moves from one grid point
    to the next; else the fit starts at ``start`` (default 0). The maximum is unique, so the
    start changes how it is reached, not where.
    """
    off = np.zeros(y.size) if offset is None else np.asarray(offset, dtype=float)
    if x.shape[1] == 0:
        return np.zeros(0), binomial_deviance(y, off), True
    if etastart is not None:
        mu = expit(etastart)
        w = np.maximum(mu * (1 - mu), 1e-300)
        work = etastart - off + (y - mu) / w
        root = np.sqrt(w)
        beta = np.linalg.lstsq(x * root[:, None], work * root, rcond=None)[0]
    else:
        beta = np.zeros(x.shape[1]) if start is None else np.asarray(start, dtype=float).copy()
    dev = binomial_deviance(y, x @ beta + off)
    for _ in range(MAX_ITERATIONS):
        mu = expit(x @ beta + off)
        w = mu * (1 - mu)
        info = x.T @ (x * w[:, None])
        score = x.T @ (y - mu)
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:  # every weight underflowed: climb the gradient instead
            step = score / max(float(np.max(np.abs(score))), 1e-300)
        largest = float(np.max(np.abs(step)))
        if largest > MAX_STEP:  # far from the maximum the weights are tiny and the step huge
            step *= MAX_STEP / largest
        t = 1.0
        while True:
            candidate = beta + t * step
            new = binomial_deviance(y, x @ candidate + off)
            if new <= dev or t < 2.0**-40:
                break
            t /= 2
        if not new <= dev:  # no step lowers the deviance: at the maximum to rounding
            return beta, dev, bool(np.max(np.abs(score)) < 1e-6 * (1 + dev))
        moved = float(np.max(np.abs(candidate - beta)))
        change = dev - new
        beta, dev = candidate, new
        if change <= 1e-13 * (dev + 0.1) and moved <= 1e-9 * (1 + float(np.max(np.abs(beta)))):
            return beta, dev, True
    return beta, dev, False


def fmm_spline(x: np.ndarray, y: np.ndarray, xout: np.ndarray) -> np.ndarray:
    """Interpolating cubic spline with Forsythe, Malcolm and Moler's end conditions (R ``fmm``).

    The third derivative at each end equals that of the cubic through the four nearest points
    (with three points the spline is the parabola through them; with two, the line).
    """
    n = x.size
    h = np.diff(x)
    slope = np.diff(y) / h
    if n == 2:
        second = np.zeros(2)
    else:
        a = np.zeros((n, n))
        rhs = np.zeros(n)
        for i in range(1, n - 1):
            a[i, i - 1 : i + 2] = [h[i - 1], 2 * (h[i - 1] + h[i]), h[i]]
            rhs[i] = 6 * (slope[i] - slope[i - 1])
        a[0, :2] = [-1.0, 1.0]
        a[-1, -2:] = [-1.0, 1.0]
        if n > 3:
            rhs[0] = 6 * h[0] * _third_divided_difference(x[:4], y[:4])
            rhs[-1] = 6 * h[-1] * _third_divided_difference(x[-4:], y[-4:])
        second = np.linalg.solve(a, rhs)
    i = np.clip(np.searchsorted(x, xout, side="right") - 1, 0, n - 2)
    left, right, hi = xout - x[i], x[i + 1] - xout, h[i]
    return (
        second[i] * right**3 / (6 * hi)
        + second[i + 1] * left**3 / (6 * hi)
        + (y[i] / hi - second[i] * hi / 6) * right
        + (y[i + 1] / hi - second[i + 1] * hi / 6) * left
    )


def _third_divided_difference(x: np.ndarray, y: np.ndarray) -> float:
    d = y.astype(float)
    for order in range(1, 4):
        d = (d[1:] - d[:-1]) / (x[order:] - x[:-order])
    return float(d[0])


def _approx(x: np.ndarray, y: np.ndarray, xout: np.ndarray) -> np.ndarray:
    """R's ``approx(x, y, xout)``: linear, ties averaged, NaN outside the range."""
    ux, inverse = np.unique(x, return_inverse=True)
    uy = np.bincount(inverse, weights=y) / np.bincount(inverse)
    out = np.interp(xout, ux, uy)
    out[(xout < ux[0]) | (xout > ux[-1])] = np.nan
    return out


def profile_ci(
    y: np.ndarray,
    x: np.ndarray,
    beta: np.ndarray,
    se: np.ndarray,
    deviance: float,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Profile-likelihood limits of every coefficient on the log-odds scale, as R computes them.

    Raises ``RuntimeError`` when profiling finds a better fit than ``beta`` (not converged).
    """
    zmax = float(np.sqrt(chi2.ppf(1 - (1 - level) / 4, 1)))
    step_size = zmax / 5
    max_steps = 10
    cutoff = norm.ppf([(1 - level) / 2, (1 + level) / 2])
    lower = np.full(beta.size, np.nan)
    upper = np.full(beta.size, np.nan)
    for j in range(beta.size):
        others = np.delete(np.arange(beta.size), j)
        xi = x[:, others]
        values, zs = [beta[j]], [0.0]
        for sign in (-1.0, 1.0):
            eta = x @ beta  # MASS: each direction starts from the fit's linear predictor
            step, z = 0, 0.0
            while (step := step + 1) < max_steps and abs(z) < zmax:
                bj = beta[j] + sign * step * step_size * se[j]
                offset = x[:, j] * bj
                coef, dev, _ = fit_logistic(y, xi, offset=offset, etastart=eta)
                eta = xi @ coef + offset
                rise = dev - deviance
                if rise <= -1e-3:
                    raise RuntimeError("profiling found a better fit: the model had not converged")
                z = sign * np.sqrt(max(rise, 0.0))
                values.append(bj)
                zs.append(z)
        order = np.argsort(values, kind="stable")
        bx, zy = np.asarray(values)[order], np.asarray(zs)[order]
        grid = np.linspace(bx[0], bx[-1], 3 * bx.size)
        curve = fmm_spline(bx, zy, grid)
        lower[j], upper[j] = _approx(curve, grid, cutoff)
    return lower, upper
