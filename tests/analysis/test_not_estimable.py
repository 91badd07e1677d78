"""What cannot be estimated is said, with the reason, instead of raised (small cohorts).

Every data set is small enough to check by hand; the numbers in the comments are worked out.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from remission.analysis import (
    Factor,
    cox_regression,
    factor_table,
    firth_regression,
    kaplan_meier,
    logistic_regression,
    logrank_test,
    median_not_reached,
    potential_followup,
    reverse_km_followup,
    wilcoxon_test,
)


def _two_by_two(a: int, b: int, c: int, d: int) -> pl.DataFrame:
    """Rows for the 2 x 2 table: x = 1 with a events and b non-events; x = 0 with c and d."""
    cells = [(1, 1, a), (1, 0, b), (0, 1, c), (0, 0, d)]
    return pl.DataFrame(
        {
            "x": [x for x, _, k in cells for _ in range(k)],
            "y": [y for _, y, k in cells for _ in range(k)],
        }
    )


def test_separated_two_by_two_is_not_estimable_and_firth_is_finite() -> None:
    # no event among the 5 rows with x = 1: the ML log-odds ratio is -infinity
    data = _two_by_two(0, 5, 3, 12)
    ml = logistic_regression(data, "y", ["x"])
    assert not ml.estimable
    assert ml.not_estimable.startswith("quasi-complete separation: no events where x = 1 (0 of 5)")
    assert ml.estimate is None and ml.ci is None and ml.p_value is None
    assert "not estimable" in str(ml)
    assert ml.table["not_estimable"].to_list()[1] == ml.not_estimable
    assert ml.table["profile_lower"].null_count() == 2
    firth = firth_regression(data, "y", ["x"])
    assert firth.estimable
    # Firth on a 2 x 2 is the OR with 1/2 added to each cell: (0.5 * 12.5) / (5.5 * 3.5)
    assert firth.estimate == pytest.approx(0.5 * 12.5 / (5.5 * 3.5), rel=1e-8)
    lo, hi = firth.ci
    assert 0 < lo < firth.estimate < hi < math.inf
    assert any("separation" in n and "finite" in n for n in firth.notes)


def test_only_events_in_a_cell_and_continuous_separation_are_described() -> None:
    every = logistic_regression(_two_by_two(4, 0, 3, 9), "y", ["x"])
    assert "only events where x = 1 (4 of 4)" in every.not_estimable
    data = pl.DataFrame({"y": [0, 0, 0, 1, 1], "dose": [2.0, 5.0, 9.0, 12.0, 15.0]})
    r = logistic_regression(data, "y", ["dose"])
    assert r.not_estimable.startswith("complete separation: every event has dose >= 12")
    assert "every non-event <= 9" in r.not_estimable


def test_separation_by_a_combination_only() -> None:
    # neither x1 nor x2 separates alone, but y = 1 exactly where x1 + x2 > 1
    data = pl.DataFrame(
        {
            "y": [0, 0, 0, 1, 1, 1, 0, 1],
            "x1": [0.0, 1.0, 0.2, 1.0, 0.8, 0.6, 0.9, 1.2],
            "x2": [0.0, 0.0, 0.7, 0.5, 0.9, 0.6, 0.05, 0.0],
        }
    )
    r = logistic_regression(data, "y", ["x1", "x2"])
    assert not r.estimable
    assert "the covariates together predict the outcome perfectly" in r.not_estimable
    assert math.isfinite(firth_regression(data, "y", ["x1", "x2"]).estimate)


@pytest.mark.parametrize("fit", [logistic_regression, firth_regression])
def test_no_events_and_only_events_fit_nothing(fit: object) -> None:
    data = pl.DataFrame({"y": [0] * 6, "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    r = fit(data, "y", ["x"])
    assert r.not_estimable == "no events: y is 0 in all 6 complete rows"
    assert r.estimate is None and r.n == 6
    assert r.table["term"].to_list() == ["(Intercept)", "x"]
    r = fit(data.with_columns(y=pl.lit(1)), "y", ["x"])
    assert r.not_estimable == "no non-events: y is 1 in all 6 complete rows"
    r = fit(data.with_columns(x=pl.lit(None, dtype=pl.Float64)), "y", ["x"])
    assert r.not_estimable.startswith("no complete rows")


@pytest.mark.parametrize("fit", [logistic_regression, firth_regression])
def test_singular_design_leaves_the_aliased_term_out(fit: object) -> None:
    """A constant or collinear covariate gets R's NA and a reason; the rest is fitted."""
    data = pl.DataFrame(
        {"y": [0, 1, 0, 1, 1, 0, 0, 1], "x": [1.0, 2.0, 2.0, 3.0, 5.0, 4.0, 1.0, 4.0]}
    )
    alone = fit(data, "y", ["x"]).table.filter(pl.col("term") == "x")
    r = fit(data.with_columns(z=2 * pl.col("x") + 1, c=pl.lit(3.0)), "y", ["x", "z", "c"])
    assert r.estimable  # the first covariate, x, is estimable
    reasons = dict(r.table.select("term", "not_estimable").rows())
    assert reasons["x"] is None
    assert (
        reasons["z"]
        == "z not estimable (aliased, R's NA): it is a linear combination of (Intercept), x"
    )
    assert (
        reasons["c"]
        == "c not estimable (aliased, R's NA): it takes the single value 3 in the 8 complete rows"
    )
    assert r.table.filter(pl.col("term") == "z")["coef"][0] is None
    # x's fit is the fit without the aliased terms
    x = r.table.filter(pl.col("term") == "x")
    assert x["coef"][0] == pytest.approx(alone["coef"][0], rel=1e-9)
    assert any(n.startswith("z not estimable") for n in r.notes)
    # the first covariate aliased: the result itself is not estimable
    first = fit(data.with_columns(c=pl.lit(3.0)), "y", ["c", "x"])
    assert first.not_estimable.startswith("c not estimable")
    assert first.estimate is None


@pytest.mark.parametrize("fit", [logistic_regression, firth_regression, "cox"])
def test_a_text_covariate_of_one_level_is_left_out_and_said(fit: object) -> None:
    """R's model.matrix stops ("contrasts can be applied only to factors with 2 or more
    levels"); the model is fitted without the covariate, and the notes say so."""
    data = pl.DataFrame(
        {
            "y": [0, 1, 0, 1, 1, 0, 0, 1],
            "t": [3.0, 5.0, 2.0, 8.0, 1.0, 4.0, 6.0, 7.0],
            "x": [1.0, 2.0, 2.0, 3.0, 5.0, 4.0, 1.0, 4.0],
            "site": ["lung"] * 7 + [None],
        }
    )
    note = "site left out: it has the single level 'lung' in the 7 complete rows"
    if fit == "cox":
        r = cox_regression(data, "t", "y", ["site", "x"])
        alone = cox_regression(data.drop_nulls(), "t", "y", ["x"])
    else:
        r = fit(data, "y", ["site", "x"])
        alone = fit(data.drop_nulls(), "y", ["x"])
    assert note in r.notes
    assert "site" not in " ".join(r.table["term"].to_list())
    assert r.estimate == pytest.approx(alone.estimate, rel=1e-9)


def test_profile_interval_contains_the_estimate_where_plain_irls_diverged() -> None:
    """20 patients, 2 events at 17 and 20 doses: the profile's refits used to start IRLS from
    a linear predictor of -10 and diverge to a deviance of 1e16, giving (11.0, 11.0) around
    an OR of 4.13, a negative error bar in the forest plot."""
    doses = [17, 14, 2, 10, 15, 17, 15, 17, 20, 17, 15, 18, 14, 11, 14, 14, 12, 17, 16, 13]
    data = pl.DataFrame({"cr": [i in (0, 8) for i in range(20)], "doses": doses})
    r = logistic_regression(data, "cr", ["doses"])
    assert r.estimable
    assert r.estimate == pytest.approx(4.128882, rel=1e-5)
    lo, hi = r.ci
    assert lo < r.estimate < hi
    # the deviance rises by about qchisq(0.95, 1) = 3.84 at both limits (R's spline through
    # a coarse grid reads them off to within 0.07 on these data)
    from remission.analysis._profile import binomial_deviance, fit_logistic

    y = data["cr"].cast(float).to_numpy()
    x = np.ones((20, 1))
    best = r.table["coef"].to_numpy()
    full = binomial_deviance(y, best[0] + best[1] * np.array(doses, dtype=float))
    for limit in (lo, hi):
        _, dev, converged = fit_logistic(y, x, offset=np.log(limit) * np.array(doses, float))
        assert converged
        assert dev - full == pytest.approx(3.8415, abs=0.1)


def test_firth_profile_survives_a_singular_information() -> None:
    """Restricted fits far out hit a singular information matrix; the limit is still found
    (or left empty with a note), never a LinAlgError."""
    rng = np.random.default_rng(4)
    n = 20
    data = pl.DataFrame(
        {
            "cr": [i < 2 for i in range(n)],
            "prior": [0, 0] + [int(v) for v in rng.random(n - 2) < 0.3],
            "doses": [19.0, 20.0, *rng.integers(2, 19, n - 2).astype(float)],
            "rebound": [9.0, 4.1, *np.round(rng.uniform(1.5, 9.0, n - 2), 2)],
        }
    )
    r = firth_regression(data, "cr", ["prior", "doses", "rebound"])
    t = r.table.filter(pl.col("term") != "(Intercept)")
    assert t["coef"].is_finite().all()
    for row in t.iter_rows(named=True):
        lo, hi = row["profile_lower"], row["profile_upper"]
        assert lo is None or lo <= row["or"]
        assert hi is None or row["or"] <= hi


def test_logrank_one_group_no_events_and_no_information() -> None:
    one = logrank_test([1, 2, 3], [1, 0, 1], ["a", "a", "a"])
    assert one.not_estimable == "only one group (a)"
    assert one.p_value is None and one.statistic is None
    none = logrank_test([1, 2, 3, 4], [0, 0, 0, 0], ["a", "b", "a", "b"])
    assert none.not_estimable == "no events among the 4 observations"
    assert none.table["observed"].to_list() == [0.0, 0.0]
    tied = logrank_test([5, 5, 5, 5], [1, 1, 1, 1], ["a", "a", "b", "b"])
    assert tied.not_estimable.startswith("no information")


def test_logrank_leaves_out_a_group_with_nothing_expected() -> None:
    """survdiff: group c is censored before the first event, so it leaves the test (df 1)."""
    r = logrank_test([1, 4, 6, 2, 3, 8, 0.5], [1, 1, 0, 1, 1, 0, 0], list("aaabbbc"))
    assert r.df == 1
    assert any("left out of the test" in n and "c" in n for n in r.notes)
    two = logrank_test([1, 4, 6, 2, 3, 8], [1, 1, 0, 1, 1, 0], list("aaabbb"))
    assert r.statistic == pytest.approx(two.statistic, rel=1e-12)


def test_cox_no_events_constant_covariate_and_monotone_likelihood() -> None:
    base = pl.DataFrame({"t": [5, 6, 7, 8, 9, 10, 11, 12], "x": [1, 1, 0, 1, 0, 0, 1, 0]})
    none = cox_regression(base.with_columns(e=pl.lit(0)), "t", "e", ["x"])
    assert none.not_estimable == "no events among the 8 complete rows"
    constant = cox_regression(base.with_columns(e=pl.lit(1), x=pl.lit(1)), "t", "e", ["x"])
    assert constant.not_estimable.startswith("no covariate varies")
    # every event (times 5, 6, 7) has x = 1 and everyone still at risk later has x = 0
    monotone = pl.DataFrame(
        {"t": [5, 6, 7, 8, 9, 10], "e": [1, 1, 1, 0, 0, 0], "x": [1, 1, 1, 0, 0, 0]}
    )
    r = cox_regression(monotone, "t", "e", ["x"])
    assert r.not_estimable.startswith("monotone likelihood")
    # a constant second covariate is left out; the first is fitted as without it
    e = [1, 1, 1, 1, 0, 0, 0, 0]
    both = cox_regression(base.with_columns(e=pl.Series(e), z=pl.lit(2)), "t", "e", ["x", "z"])
    alone = cox_regression(base.with_columns(e=pl.Series(e)), "t", "e", ["x"])
    assert both.estimate == pytest.approx(alone.estimate, rel=1e-9)
    assert both.table["not_estimable"].to_list()[1].startswith("z not estimable")


def test_kaplan_meier_median_not_reached() -> None:
    km = kaplan_meier([3, 5, 8, 2, 4], [0, 0, 0, 1, 1], group=["a", "a", "a", "b", "b"])
    assert km.median()["median"].to_list() == [None, 3.0]
    assert median_not_reached(km) == [
        "group=a: median not reached (no events among 3; the curve stays at 100%)"
    ]
    few = kaplan_meier([30.4375, 60.875, 91.3125], [1, 0, 0])
    assert median_not_reached(few, time_scale=30.4375, unit="months") == [
        "all: median not reached (1 event among 3; the curve ends at 67% at 3 months)"
    ]


def test_follow_up_nobody_censored_and_no_starts() -> None:
    r = reverse_km_followup([10, 20, 30], [1, 1, 1])
    assert r.not_estimable.startswith("nobody censored (all 3 had the event)")
    assert r.estimate is None
    assert reverse_km_followup([10, 20, 30], [1, 0, 0]).estimate == 25.0  # flat at 0.5
    empty = potential_followup([None, None], dt.date(1998, 1, 1))
    assert empty.not_estimable == "no treatment start recorded" and empty.estimate is None


def test_wilcoxon_all_tied_and_an_empty_sample() -> None:
    tied = wilcoxon_test([3.0, 3.0], [3.0, 3.0, 3.0])
    assert tied.p_value is None
    assert tied.not_estimable == "all 5 values are equal: no ranks to compare"
    empty = wilcoxon_test([], [1.0, 2.0])
    assert empty.not_estimable == "a sample without values (n_x = 0, n_y = 2)"


def test_factor_table_says_why_a_factor_is_not_tested() -> None:
    data = pl.DataFrame(
        {
            "cr": [True, True, False, False, False],
            "sex": ["F", "F", "F", "F", "F"],
            "lab": [None, None, 1.0, 2.0, 3.0],
            "dose": [4.0, 4.0, 4.0, 4.0, 4.0],
        }
    )
    t = factor_table(
        data,
        "cr",
        [
            Factor("sex", "Sex"),
            Factor("lab", "Lab", "continuous"),
            Factor("dose", "Dose", "continuous"),
        ],
        outcome_label="complete response",
    ).filter(pl.col("row") == "factor")
    assert t["not_tested"].to_list() == [
        "a single value observed (F)",
        "no values among the patients with complete response",
        "all 5 values are equal: no ranks to compare",
    ]
    assert t["p_value"].null_count() == 3 and t["test"].null_count() == 3
