"""factor_table, table_one and p_adjust on tiny hand-made cohorts with hand-computed numbers."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from remission.analysis import Factor, factor_table, p_adjust, table_one

# Ten patients, four complete responses. Every number below is worked out in the comments.
COHORT = pl.DataFrame(
    {
        "cr": [True, True, True, True, False, False, False, False, False, False],
        "prior": [1, 1, 1, 0, 0, 0, 0, 0, 1, 0],
        "site": ["lung", "lung", "liver", "bone", "bone", "bone", "liver", "bone", None, "lung"],
        "age": [40.0, 50.0, 45.0, 35.0, 60.0, 55.0, None, 65.0, 52.0, 58.0],
    }
)
FACTORS = [
    Factor("prior", "Prior interferon"),
    Factor("site", "Site"),
    Factor("age", "Age", "continuous", "years"),
]

# prior: CR 0:1 1:3, rest 0:5 1:1. Given margins, x = CR patients at level 0 has
# P(x = k) = C(6, k) C(4, 4 - k) / C(10, 4) = (1, 24, 90, 80, 15) / 210 for k = 0..4;
# observed 24, so p = (1 + 24 + 15) / 210.
P_PRIOR = 40 / 210
# site (bone, liver, lung): CR 1, 1, 2; rest 3, 1, 1 (one missing). First rows (a, b, c) with
# a + b + c = 4 have weights C(4, a) C(2, b) C(3, c) out of C(9, 4) = 126; the observed (1, 1, 2)
# has 24 and only (2, 1, 1) with 36 is more probable: p = (126 - 36) / 126.
P_SITE = 90 / 126
# age: all four CR ages are below the five others, W = 0, exact p = 2 / C(9, 4).
P_AGE = 2 / 126


def test_factor_table_by_hand() -> None:
    t = factor_table(COHORT, "cr", FACTORS, outcome_label="complete response")
    assert t["outcome"].unique().to_list() == ["complete response"]
    assert t["row"].to_list() == [
        "factor",
        "level",
        "level",
        "factor",
        "level",
        "level",
        "level",
        "factor",
    ]
    factors = t.filter(pl.col("row") == "factor")
    assert factors["test"].to_list() == [
        "Fisher exact",
        "Freeman-Halton exact",
        "Wilcoxon rank-sum, exact",
    ]
    np.testing.assert_allclose(factors["p_value"].to_numpy(), [P_PRIOR, P_SITE, P_AGE], atol=1e-12)
    assert factors["n_group"].to_list() == [4, 4, 4]
    assert factors["n_rest"].to_list() == [6, 5, 5]
    assert factors["missing_group"].to_list() == [0, 0, 0]
    assert factors["missing_rest"].to_list() == [0, 1, 1]

    levels = t.filter(pl.col("row") == "level")
    assert levels["level"].to_list() == ["0", "1", "bone", "liver", "lung"]
    assert levels["n_group"].to_list() == [1, 3, 1, 1, 2]
    assert levels["n_rest"].to_list() == [5, 1, 3, 1, 1]
    np.testing.assert_allclose(levels["pct_group"].to_numpy(), [25, 75, 25, 25, 50])
    np.testing.assert_allclose(levels["pct_rest"].to_numpy(), [500 / 6, 100 / 6, 60, 20, 20])
    assert levels["group"].to_list() == [
        "1 (25.0%)",
        "3 (75.0%)",
        "1 (25.0%)",
        "1 (25.0%)",
        "2 (50.0%)",
    ]
    assert levels["rest"][0] == "5 (83.3%)"

    age = factors.row(2, named=True)
    # CR ages 35, 40, 45, 50: mean 42.5, SD sqrt(125 / 3), quartiles (type 7) 38.75 and 46.25
    assert age["mean_group"] == pytest.approx(42.5)
    assert age["sem_group"] == pytest.approx(math.sqrt(125 / 3) / 2)
    assert (age["median_group"], age["q1_group"], age["q3_group"]) == (42.5, 38.75, 46.25)
    # others 52, 55, 58, 60, 65: mean 58, SD sqrt(98 / 4), quartiles 55 and 60
    assert age["mean_rest"] == pytest.approx(58.0)
    assert age["sem_rest"] == pytest.approx(math.sqrt(98 / 4) / math.sqrt(5))
    assert (age["median_rest"], age["q1_rest"], age["q3_rest"]) == (58.0, 55.0, 60.0)
    assert age["group"] == "42.5 ± 3.2; 42.5 [38.8, 46.2]"
    assert age["rest"] == "58.0 ± 2.2; 58.0 [55.0, 60.0]; 1 missing"
    assert "p_holm" not in t.columns


def test_factor_table_adjusted_p_values() -> None:
    t = factor_table(COHORT, "cr", FACTORS, adjust=("holm", "BH"))
    factors = t.filter(pl.col("row") == "factor")
    # Holm: sorted 2/126 x 3, 40/210 x 2, 90/126 x 1, running maximum
    np.testing.assert_allclose(
        factors["p_holm"].to_numpy(), [2 * P_PRIOR, P_SITE, 3 * P_AGE], atol=1e-12
    )
    # BH: 2/126 x 3/1, 40/210 x 3/2, 90/126 x 3/3, running minimum from the top
    np.testing.assert_allclose(
        factors["p_bh"].to_numpy(), [1.5 * P_PRIOR, P_SITE, 3 * P_AGE], atol=1e-12
    )
    assert t.filter(pl.col("row") == "level")["p_holm"].null_count() == 5


def test_factor_table_untestable_and_missing_outcome() -> None:
    data = pl.DataFrame(
        {"cr": [True, False, None, False], "same": ["a", "a", "b", "a"], "x": [1.0, 2, 3, 4]}
    )
    t = factor_table(data, "cr", [Factor("same", "Same"), Factor("x", "X", "continuous")])
    first = t.row(0, named=True)
    assert first["test"] is None and first["p_value"] is None  # one level seen: nothing to test
    assert first["n_group"] + first["n_rest"] == 3  # the row without an outcome is left out
    assert t.filter(pl.col("column") == "x")["test"][0] == "Wilcoxon rank-sum, exact"


def test_factor_kind_and_levels_are_checked() -> None:
    with pytest.raises(ValueError, match="kind"):
        Factor("x", "X", "ordinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not among the levels"):
        factor_table(COHORT, "cr", [Factor("site", "Site", levels=("bone", "lung"))])


def test_factor_levels_fix_the_order_and_show_empty_levels() -> None:
    levels = ("lung", "liver", "bone", "skin")
    t = factor_table(COHORT, "cr", [Factor("site", "Site", levels=levels)])
    rows = t.filter(pl.col("row") == "level")
    assert rows["level"].to_list() == list(levels)
    assert rows["n_group"].to_list() == [2, 1, 1, 0]
    assert t["p_value"][0] == pytest.approx(P_SITE, abs=1e-12)  # the empty level is not tested


# table_one: two arms of three.
ARMS = pl.DataFrame(
    {
        "arm": ["A", "A", "A", "B", "B", "B"],
        "x": [1.0, 2.0, 3.0, 2.0, 4.0, 6.0],
        "stage": ["I", "II", "III", "I", "I", "II"],
        "sex": ["F", "M", "M", "F", "F", None],
    }
)
VARIABLES = [
    Factor("x", "Dose", "continuous", "MIU"),
    Factor("stage", "Stage"),
    Factor("sex", "Sex"),
]


def test_table_one_by_hand() -> None:
    t = table_one(ARMS, "arm", VARIABLES)
    assert t.row(0, named=True)["Overall_n"] == 6
    assert (t["A_n"][0], t["B_n"][0]) == (3, 3)
    dose = t.filter(pl.col("column") == "x")
    assert dose["statistic"].to_list() == ["median [IQR]", "mean (SD)"]
    median, mean = dose.row(0, named=True), dose.row(1, named=True)
    # overall 1, 2, 2, 3, 4, 6: median 2.5, quartiles (type 7) 2 and 3.75; mean 3, SD sqrt(16 / 5)
    assert (median["Overall_median"], median["Overall_q1"], median["Overall_q3"]) == (2.5, 2, 3.75)
    assert mean["Overall_mean"] == 3.0
    assert mean["Overall_sd"] == pytest.approx(math.sqrt(16 / 5))
    assert (mean["A_sd"], mean["B_sd"]) == (1.0, 2.0)
    assert median["Overall"] == "2.5 [2.0, 3.8]"
    assert mean["B"] == "4.0 (2.0)"
    # SMD: |2 - 4| / sqrt((1 + 4) / 2)
    assert median["smd"] == pytest.approx(2 / math.sqrt(2.5))
    assert dose["variable"][0] == "Dose (MIU)"

    stage = t.filter(pl.col("column") == "stage")
    assert stage["level"].to_list() == ["I", "II", "III"]
    assert stage["A_n"].to_list() == [1, 1, 1]
    assert stage["B_n"].to_list() == [2, 1, 0]
    assert stage["B"].to_list() == ["2 (66.7%)", "1 (33.3%)", "0 (0.0%)"]
    # Yang & Dalton, reference I left out: T = (1/3 - 1/3, 1/3 - 0) = (0, 1/3);
    # S = [[2/9, -1/18], [-1/18, 1/9]], det 7/324, (S^-1)_22 = (2/9) (324/7) = 72/7;
    # T' S^-1 T = (1/9)(72/7) = 8/7
    assert stage["smd"][0] == pytest.approx(math.sqrt(8 / 7))

    sex = t.filter(pl.col("column") == "sex")
    assert sex["level"].to_list() == ["F", "M", "(missing)"]
    assert sex["Overall_n"].to_list() == [3, 2, 1]
    np.testing.assert_allclose(sex["Overall_pct"].to_numpy()[:2], [60.0, 40.0])
    assert sex["B_missing"].to_list() == [1, 1, 1]
    # two levels: |2/3 - 0| / sqrt((2/3 * 1/3 + 0) / 2) = 2
    assert sex["smd"][0] == pytest.approx(2.0)


def test_table_one_overall_only_and_three_groups() -> None:
    t = table_one(ARMS, None, VARIABLES)
    assert [c for c in t.columns if not c.startswith("Overall")] == [
        "variable",
        "column",
        "kind",
        "level",
        "statistic",
        "smd",
    ]
    assert t["smd"].null_count() == t.height
    three = ARMS.with_columns(arm=pl.Series(["A", "A", "B", "B", "C", "C"]))
    t = table_one(three, "arm", VARIABLES)
    assert {"A", "B", "C"} <= set(t.columns)
    assert t["smd"].null_count() == t.height


@pytest.mark.parametrize(
    ("p", "method", "expected"),
    [
        # sorted 0.01 x 3, 0.03 x 2, 0.04 x 1 -> 0.03, 0.06, 0.04 -> running max 0.03, 0.06, 0.06
        ([0.04, 0.01, 0.03], "holm", [0.06, 0.03, 0.06]),
        # sorted 0.01 x 3/1, 0.03 x 3/2, 0.04 x 3/3 -> 0.03, 0.045, 0.04 -> running min from top
        ([0.04, 0.01, 0.03], "BH", [0.04, 0.03, 0.04]),
        ([0.04, 0.01, 0.03], "fdr", [0.04, 0.03, 0.04]),
        ([0.04, 0.01, 0.03], "bonferroni", [0.12, 0.03, 0.09]),
        # capped at 1
        ([0.5, 0.6], "holm", [1.0, 1.0]),
        # missing values stay missing and are not counted: m = 2
        ([0.02, None, 0.04], "holm", [0.04, math.nan, 0.04]),
        ([0.02, float("nan"), 0.04], "BH", [0.04, math.nan, 0.04]),
        ([0.01, 0.02, 0.03, 0.04, 0.05], "holm", [0.05, 0.08, 0.09, 0.09, 0.09]),
        ([0.01, 0.02, 0.03, 0.04, 0.05], "BH", [0.05] * 5),
    ],
)
def test_p_adjust_by_hand(p: list, method: str, expected: list[float]) -> None:
    np.testing.assert_allclose(p_adjust(p, method), expected, atol=1e-15)


def test_p_adjust_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        p_adjust([0.1], "hommel")
