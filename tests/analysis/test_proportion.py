"""The exact interval of a proportion: scipy's Clopper-Pearson, computed from beta quantiles."""

import pytest


@pytest.mark.parametrize(("k", "n"), [(0, 10), (12, 182), (10, 10), (33, 409), (1, 1)])
def test_exact_interval_is_scipys_clopper_pearson(k: int, n: int) -> None:
    from scipy.stats import binomtest

    from remission.analysis import clopper_pearson

    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    assert clopper_pearson(k, n) == pytest.approx((ci.low, ci.high), abs=1e-9)


# R 4.2.2 binom.test(k, n)$conf.int, printed by tests/r_reference/proportion.R
R_INTERVALS = [
    (12, 182, 0.034530402752842, 0.112340619302241),
    (21, 227, 0.058180747161782, 0.137934524048772),
    (33, 409, 0.056188714997213, 0.111446485805296),
    (0, 20, 0.000000000000000, 0.168433470983085),
    (20, 20, 0.831566529016915, 1.000000000000000),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), R_INTERVALS)
def test_clopper_pearson_against_R(k: int, n: int, low: float, high: float) -> None:
    from remission.analysis import clopper_pearson

    assert clopper_pearson(k, n) == pytest.approx((low, high), abs=1e-12)
