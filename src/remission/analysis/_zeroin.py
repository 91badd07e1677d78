"""Brent's root finder with R ``uniroot``'s stopping rule, so R's rough roots are reproduced.

R's ``fisher.test`` finds its odds ratio and confidence limits with ``uniroot`` at the default
tolerance ``.Machine$double.eps^0.25`` (about 1.2e-4), so its printed limits differ from the
exact roots in the fourth digit. To agree with R to 1e-6 the same algorithm must take the same
steps: Brent's (1973) method as given by Forsythe, Malcolm and Moler (1977, ``zeroin``) -
bisection safeguarding secant and inverse quadratic interpolation - stopping when half the
bracket is within ``2 eps |b| + tol / 2``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

EPS = sys.float_info.epsilon
R_UNIROOT_TOL = EPS**0.25


def _finite(value: float) -> float:
    # R's zeroin replaces -Inf/Inf by -/+ DBL_MAX (with a warning) and stops on NaN
    if math.isnan(value):
        raise ValueError("function value is NaN inside the root search")
    return max(min(value, sys.float_info.max), -sys.float_info.max)


def uniroot(
    f: Callable[[float], float],
    lower: float,
    upper: float,
    tol: float = R_UNIROOT_TOL,
    maxiter: int = 1000,
) -> float:
    """Root of ``f`` in ``[lower, upper]`` (signs must differ), as R's ``uniroot`` finds it."""
    a, b = lower, upper
    fa, fb = _finite(f(a)), _finite(f(b))
    if fa * fb > 0:
        raise ValueError("f(lower) and f(upper) have the same sign")
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    c, fc = a, fa
    for _ in range(maxiter + 1):
        prev_step = b - a
        if abs(fc) < abs(fb):
            # keep b the best estimate; c the other end of the bracket
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * EPS * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:  # secant through the two points
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:  # inverse quadratic interpolation through a, b, c
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < 0.75 * cb * q - abs(tol_act * q) / 2 and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = _finite(f(b))
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b
