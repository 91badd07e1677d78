"""Fisher, chi-square and Wilcoxon tests against R (values in tests/r_reference/association.json).

Each test names the R call it is compared with (``_meta.calls`` in the JSON). The 2 x 2 and
r x c tests use the count tables R tabulated; ``test_tables_from_data_against_R`` checks that
the same tables come out of the shared data sets prepared in Python.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from remission.analysis import _fisher as fisher_module
from remission.analysis import chisq_test, fisher_test, wilcoxon_test
from tests.analysis.association_data import (
    TOL,
    association_reference,
    chowell,
    crosstab,
    needs_chowell,
    needs_riaz,
    riaz,
)

R = association_reference()
RIAZ_R = R["riaz2017"]
CHOW_R = R["chowell2021_melanoma_renal"]

TWO_BY_TWO = [
    pytest.param(RIAZ_R["prior_ipi_vs_response"], id="riaz2017-prior_ipi_vs_response"),
    pytest.param(RIAZ_R["prior_ipi_vs_cr"], id="riaz2017-prior_ipi_vs_cr"),
    pytest.param(CHOW_R["chemo_vs_response"], id="chowell2021-chemo_vs_response"),
    pytest.param(CHOW_R["cancer_type_vs_response"], id="chowell2021-cancer_type_vs_response"),
]
R_BY_C = [
    pytest.param(CHOW_R["response_vs_sex_by_cancer_2x4"], id="chowell2021-sex_by_cancer_2x4"),
    pytest.param(CHOW_R["response_vs_nlr_tertile_2x3"], id="chowell2021-nlr_tertile_2x3"),
]


@pytest.mark.parametrize("block", TWO_BY_TWO)
def test_fisher_2x2_against_R(block: dict) -> None:
    """fisher.test(tab): two-sided p, conditional MLE odds ratio and its 95% interval."""
    ref = block["fisher"]
    r = fisher_test(block["table"]["counts"])
    assert r.p_value == pytest.approx(ref["p"], abs=TOL)
    assert r.estimate == pytest.approx(ref["odds_ratio_cond_mle"], abs=TOL)
    assert r.ci is not None
    assert r.ci[0] == pytest.approx(ref["conf_int"][0], abs=TOL)
    assert r.ci[1] == pytest.approx(ref["conf_int"][1], abs=TOL)
    assert r.ci_level == ref["conf_level"]
    assert "fisher.test" in r.method


@pytest.mark.parametrize("block", R_BY_C)
def test_fisher_freeman_halton_against_R(block: dict) -> None:
    """fisher.test(tab, workspace = 2e7) on a 2 x k table: the exact Freeman-Halton p-value."""
    r = fisher_test(block["table"]["counts"])
    assert r.p_value == pytest.approx(block["fisher_freeman_halton"]["p"], abs=TOL)
    assert r.estimate is None
    assert "Freeman-Halton exact" in r.method
    assert r.notes == ()


@pytest.mark.parametrize("block", TWO_BY_TWO)
@pytest.mark.parametrize("correct", [True, False], ids=["yates", "no_correction"])
def test_chisq_2x2_against_R(block: dict, correct: bool) -> None:
    """chisq.test(tab, correct = TRUE / FALSE): statistic, df, p, expected counts, warning."""
    ref = block["chisq_correct" if correct else "chisq_nocorrect"]
    r = chisq_test(block["table"]["counts"], correct=correct)
    _check_chisq(r, ref)
    assert ("Yates" in r.method) == correct


@pytest.mark.parametrize("block", R_BY_C)
def test_chisq_rxc_against_R(block: dict) -> None:
    """chisq.test(tab) on a 2 x k table (no correction whatever ``correct`` says)."""
    ref = block["chisq"]
    for correct in (True, False):
        _check_chisq(chisq_test(block["table"]["counts"], correct=correct), ref)


def _check_chisq(r: object, ref: dict) -> None:
    assert r.statistic == pytest.approx(ref["statistic"], abs=TOL)
    assert r.df == ref["df"]
    assert r.p_value == pytest.approx(ref["p"], abs=TOL)
    np.testing.assert_allclose(
        r.table["expected"].to_numpy(), np.ravel(ref["expected"]), rtol=0, atol=TOL
    )
    warned = any("approximation may be incorrect" in w for w in ref["r_warnings"])
    assert any("approximation may be incorrect" in n for n in r.notes) == warned


WILCOX_CALLS = [
    pytest.param("default", {}, id="default"),
    pytest.param("exact_false_correct_true", {"exact": False, "correct": True}, id="exactF-corrT"),
    pytest.param(
        "exact_false_correct_false", {"exact": False, "correct": False}, id="exactF-corrF"
    ),
]


def _check_wilcox(x: np.ndarray, y: np.ndarray, block: dict, call: str, kwargs: dict) -> None:
    ref = block[call]
    r = wilcoxon_test(x, y, **kwargs)
    assert r.statistic == pytest.approx(ref["W"], abs=TOL)
    assert r.p_value == pytest.approx(ref["p"], abs=TOL)
    assert ("exact" in r.method) == ref["exact_used"]
    assert ("continuity correction" in r.method) == ref["continuity_correction"]
    assert r.method.startswith(ref["method"])
    assert r.table["n"].to_list() == [block["n_x"], block["n_y"]]


@pytest.mark.parametrize(("call", "kwargs"), WILCOX_CALLS)
def test_wilcoxon_riaz_nonsynmut_against_R(call: str, kwargs: dict) -> None:
    """wilcox.test(riaz_tmb_resp, riaz_tmb_nonresp, ...): W and p (the values are in the JSON)."""
    block = RIAZ_R["wilcox_nonsynmut_resp_vs_nonresp"]
    x, y = block["data"]["responders"], block["data"]["nonresponders"]
    _check_wilcox(np.array(x), np.array(y), block, call, kwargs)


@needs_chowell
@pytest.mark.parametrize(("call", "kwargs"), WILCOX_CALLS)
@pytest.mark.parametrize("column", ["NLR", "TMB"])
def test_wilcoxon_chowell_against_R(column: str, call: str, kwargs: dict) -> None:
    """wilcox.test(chow_<col>_resp, chow_<col>_nonresp, ...) on melanoma + renal (n = 277)."""
    block = CHOW_R[f"wilcox_{column.lower()}_resp_vs_nonresp"]
    data = chowell()
    resp = data["response"].to_numpy() == 1
    values = data[column].to_numpy()
    _check_wilcox(values[resp], values[~resp], block, call, kwargs)


@needs_riaz
def test_riaz_tables_from_data_against_R() -> None:
    """The Riaz tables and NonSynMut samples come out of the shared CSVs as R built them."""
    data = riaz()
    assert data.height == RIAZ_R["n"]
    assert int(data["response"].sum()) == RIAZ_R["n_responders"]
    assert int(data["cr"].sum()) == RIAZ_R["n_cr"]
    ipi = data["prior_ipi"].to_numpy()
    for key, outcome in (("prior_ipi_vs_response", "response"), ("prior_ipi_vs_cr", "cr")):
        counts = crosstab(ipi, data[outcome].to_numpy(), [0, 1], [0, 1])
        assert counts == RIAZ_R[key]["table"]["counts"]
    tmb = data.filter(data["NonSynMut"].is_not_null())
    assert tmb.height == RIAZ_R["n_with_tmb"]
    samples = RIAZ_R["wilcox_nonsynmut_resp_vs_nonresp"]["data"]
    for flag, key in ((1, "responders"), (0, "nonresponders")):
        ours = sorted(tmb.filter(tmb["response"] == flag)["NonSynMut"].to_list())
        assert ours == sorted(samples[key])


@needs_chowell
def test_chowell_tables_from_data_against_R() -> None:
    """Chemo, cancer type, cancer:sex (2 x 4) and NLR tertile (2 x 3) tables as R built them."""
    data = chowell()
    assert data.height == CHOW_R["n"]
    resp = data["response"].to_numpy()
    counts = crosstab(data["chemo"].to_numpy(), resp, [0, 1], [0, 1])
    assert counts == CHOW_R["chemo_vs_response"]["table"]["counts"]
    counts = crosstab(data["cancer"].to_numpy(), resp, ["Melanoma", "Renal"], [0, 1])
    assert counts == CHOW_R["cancer_type_vs_response"]["table"]["counts"]
    block = CHOW_R["response_vs_sex_by_cancer_2x4"]
    sex_cancer = (data["cancer"] + ":" + data["sex"]).to_numpy()
    assert crosstab(resp, sex_cancer, [0, 1], block["table"]["cols"]) == block["table"]["counts"]
    block = CHOW_R["response_vs_nlr_tertile_2x3"]
    nlr = data["NLR"].to_numpy()
    breaks = np.percentile(nlr, [0, 100 / 3, 200 / 3, 100])  # quantile(type = 7)
    np.testing.assert_allclose(breaks, block["tertile_breaks"], rtol=0, atol=1e-12)
    tertile = np.searchsorted(breaks[1:-1], nlr, side="left")  # right-closed, lowest included
    assert crosstab(resp, tertile, [0, 1], [0, 1, 2]) == block["table"]["counts"]


# --- beyond the R file: properties and hand values --------------------------------------------


def _brute_force_fisher(table: list[list[int]]) -> float:
    """Freeman-Halton p of a 2 x k table by listing every first row (itertools, no numpy)."""
    assert len(table) == 2
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table, strict=True)]

    def prob(t: list[list[int]]) -> float:
        num = math.prod(math.factorial(v) for v in rows + cols)
        den = math.factorial(sum(rows)) * math.prod(math.factorial(v) for r in t for v in r)
        return num / den

    observed = prob(table)
    total = 0.0
    ranges = [range(min(rows[0], c) + 1) for c in cols]
    for first in itertools.product(*ranges):
        if sum(first) != rows[0]:
            continue
        second = [c - f for c, f in zip(cols, first, strict=True)]
        p = prob([list(first), second])
        if p <= observed * (1 + 1e-7):
            total += p
    return total


@pytest.mark.parametrize(
    "table",
    [
        [[3, 1, 0], [0, 2, 4]],
        [[5, 2, 7, 1], [1, 6, 2, 8]],
        [[10, 0, 3], [2, 9, 4]],
        [[1, 1, 1, 1, 1], [0, 2, 0, 3, 1]],
    ],
)
def test_freeman_halton_equals_brute_force(table: list[list[int]]) -> None:
    assert fisher_test(table).p_value == pytest.approx(_brute_force_fisher(table), abs=1e-12)
    transposed = [list(c) for c in zip(*table, strict=True)]
    assert fisher_test(transposed).p_value == pytest.approx(fisher_test(table).p_value, abs=1e-12)


def test_freeman_halton_three_rows_by_hand() -> None:
    """3 x 3, all margins 2: P = 2!^6 / (6! prod x!), least for the six 2 x permutation tables.

    Those have prod x! = 2^3, so P = 64 / 5760 = 1 / 90 each; every other table has a 1 in it
    and is more probable. The observed diagonal table is one of the six: p = 6 / 90.
    """
    r = fisher_test([[2, 0, 0], [0, 2, 0], [0, 0, 2]])
    assert r.p_value == pytest.approx(6 / 90, abs=1e-12)


def test_fisher_simulated_above_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    table = CHOW_R["response_vs_nlr_tertile_2x3"]["table"]["counts"]
    monkeypatch.setattr(fisher_module, "MAX_EXACT_TABLES", 0)
    r = fisher_test(table, n_simulations=20_000, seed=1)
    assert "simulated" in r.method
    assert r.notes and "tables to enumerate" in r.notes[0]
    exact = CHOW_R["response_vs_nlr_tertile_2x3"]["fisher_freeman_halton"]["p"]
    assert abs(r.p_value - exact) < 4 * math.sqrt(exact * (1 - exact) / 20_000)
    assert fisher_test(table, n_simulations=20_000, seed=1).p_value == r.p_value


def test_fisher_2x2_boundaries() -> None:
    """x at the edge of its support: odds ratio 0 or Inf and a one-sided infinite limit (R)."""
    r = fisher_test([[0, 5], [4, 1]])
    assert r.estimate == 0.0
    assert r.ci is not None and r.ci[0] == 0.0
    r = fisher_test([[5, 0], [1, 4]])
    assert r.estimate == math.inf
    assert r.ci is not None and r.ci[1] == math.inf


def test_wilcoxon_exact_by_hand() -> None:
    """No ties, small samples: exact. x all below y gives W = 0 and p = 2 / C(7, 3)."""
    r = wilcoxon_test([1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0])
    assert r.statistic == 0.0
    assert r.p_value == pytest.approx(2 / math.comb(7, 3), abs=1e-15)
    assert r.method.startswith("Wilcoxon rank sum exact test")
    # W = 3 of m = 4, n = 5: P(W <= 3) = (1 + 1 + 2 + 3) / C(9, 4)
    r = wilcoxon_test([1.1, 2.3, 3.5, 7.2], [4.0, 5.1, 6.3, 8.4, 9.9])
    assert r.p_value == pytest.approx(2 * 7 / 126, abs=1e-15)
    assert r.statistic == 3.0


def test_wilcoxon_exact_upper_tail_and_symmetry() -> None:
    x, y = [4.0, 5.1, 6.3, 8.4, 9.9], [1.1, 2.3, 3.5, 7.2]
    r = wilcoxon_test(x, y)
    assert r.statistic == 20 - 3
    assert r.p_value == pytest.approx(wilcoxon_test(y, x).p_value, abs=1e-15)


def test_wilcoxon_ties_fall_back_with_a_note() -> None:
    r = wilcoxon_test([1, 2, 2, 7], [4, 5, 6, 8, 9])
    assert "continuity correction" in r.method
    assert r.notes == ("cannot compute exact p-value with ties: normal approximation used",)
    # by hand: W = 3, mean 10, tie term 2^3 - 2 = 6, sigma^2 = 20/12 * (10 - 6 / 72)
    sigma = math.sqrt(20 / 12 * (10 - 6 / 72))
    z = (3 - 10 + 0.5) / sigma
    assert r.p_value == pytest.approx(math.erfc(-z / math.sqrt(2)), abs=1e-14)


def test_wilcoxon_exact_agrees_with_scipy() -> None:
    """An independent exact distribution (scipy) on random untied samples below 50."""
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(5)
    for m, n in [(1, 1), (3, 10), (12, 17), (25, 40), (49, 49)]:
        a, b = rng.normal(size=m), rng.normal(size=n) + 0.3
        ours = wilcoxon_test(a, b)
        assert "exact" in ours.method
        assert ours.p_value == pytest.approx(mannwhitneyu(a, b, method="exact").pvalue, abs=1e-12)


def test_wilcoxon_exact_request_too_large_falls_back() -> None:
    rng = np.random.default_rng(2)
    r = wilcoxon_test(rng.normal(size=101), rng.normal(size=100), exact=True)
    assert "continuity correction" in r.method
    assert r.notes and "exact distribution not computed" in r.notes[0]
    assert "exact" in wilcoxon_test(rng.normal(size=100), rng.normal(size=100), exact=True).method


def test_wilcoxon_drops_missing_values() -> None:
    r = wilcoxon_test([1.0, None, 3.0, float("nan")], [2.0, 4.0, 5.0])
    assert r.n == 5
    assert r.table["n"].to_list() == [2, 3]
