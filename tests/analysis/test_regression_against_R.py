"""Logistic and Firth regression against R (values in tests/r_reference/association.json).

glm: ``glm(f, family = binomial)``, ``confint.default`` (Wald) and ``confint`` (MASS profile).
Firth: brglm2 ``type = "AS_mean"`` (estimates, SEs) and the logistf-style reimplementation
``firth_pl_manual`` of association.R (profile penalised-likelihood intervals, penalised LR p).
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import polars as pl
import pytest

from remission.analysis import firth_regression, logistic_regression
from tests.analysis.association_data import (
    TOL,
    association_reference,
    chowell,
    fit_statistics,
    needs_chowell,
    needs_riaz,
    riaz,
    separated,
)

R = association_reference()


def _riaz_complete_tmb() -> pl.DataFrame:
    return riaz().filter(pl.col("NonSynMut").is_not_null())


# data set id, loader, outcome, covariates, R block
MODELS = [
    pytest.param(
        riaz,
        "response",
        ["prior_ipi"],
        R["riaz2017"]["glm_response_prior_ipi"],
        id="riaz2017-response~prior_ipi",
        marks=needs_riaz,
    ),
    pytest.param(
        _riaz_complete_tmb,
        "response",
        ["prior_ipi", "log_tmb"],
        R["riaz2017"]["glm_response_prior_ipi_logtmb"],
        id="riaz2017-response~prior_ipi+log_tmb",
        marks=needs_riaz,
    ),
    pytest.param(
        chowell,
        "response",
        ["NLR", "TMB", "chemo", "renal"],
        R["chowell2021_melanoma_renal"]["glm_response_nlr_tmb_chemo_renal"],
        id="chowell2021-response~NLR+TMB+chemo+renal",
        marks=needs_chowell,
    ),
]
SEPARATED = [
    pytest.param("complete", id="separation-complete"),
    pytest.param("quasi", id="separation-quasi"),
]
ALL_MODELS = [
    *MODELS,
    *[
        pytest.param(partial(separated, kind), "y", ["x"], R["separation"][kind], id=f"sep-{kind}")
        for kind in ("complete", "quasi")
    ],
]


def _col(table: pl.DataFrame, name: str) -> np.ndarray:
    return table[name].cast(pl.Float64).fill_null(np.nan).to_numpy()


def _ref(rows: list[dict], name: str) -> np.ndarray:
    return np.array([np.nan if r[name] is None else r[name] for r in rows], dtype=float)


@pytest.mark.parametrize(("load", "outcome", "covariates", "ref"), MODELS)
def test_glm_against_R(load: object, outcome: str, covariates: list[str], ref: dict) -> None:
    """Coefficients, SE, z, p, ORs with Wald and profile intervals, deviance, AIC, log-lik."""
    glm = ref["glm"]
    r = logistic_regression(load(), outcome, covariates)
    t = r.table
    assert r.n == glm["n"]
    assert t["term"].to_list() == [c["term"] for c in glm["coefficients"]]
    for ours, theirs in (("coef", "estimate"), ("se", "se"), ("z", "z"), ("p", "p")):
        np.testing.assert_allclose(
            _col(t, ours), _ref(glm["coefficients"], theirs), rtol=0, atol=TOL, err_msg=ours
        )
    for name in ("or", "wald_lower", "wald_upper", "profile_lower", "profile_upper"):
        np.testing.assert_allclose(_col(t, name), _ref(glm["or"], name), rtol=0, atol=TOL)
    stats = fit_statistics(r)
    for name in ("deviance", "null_deviance", "aic", "loglik"):
        assert stats[name] == pytest.approx(glm[name], abs=TOL), name
    assert r.statistic == pytest.approx(glm["null_deviance"] - glm["deviance"], abs=TOL)
    assert r.df == glm["loglik_df"] - 1
    assert not any("separation" in n for n in r.notes)


@pytest.mark.parametrize("kind", SEPARATED)
def test_glm_separated_against_R(kind: str) -> None:
    """Separated data: R's fit statistics, where R's IRLS stopped, and the separation note.

    The coefficients are not estimates (the MLE is infinite); they are where 25 IRLS steps
    (complete) or R's deviance criterion (quasi) stopped, reproduced to 1e-5 relative.
    """
    glm = R["separation"][kind]["glm"]
    r = logistic_regression(separated(kind), "y", ["x"])
    stats = fit_statistics(r)
    for name in ("deviance", "null_deviance", "aic", "loglik"):
        assert stats[name] == pytest.approx(glm[name], abs=TOL), name
    np.testing.assert_allclose(_col(r.table, "coef"), _ref(glm["coefficients"], "estimate"), 1e-5)
    np.testing.assert_allclose(_col(r.table, "se"), _ref(glm["coefficients"], "se"), 1e-5)
    label = "complete separation" if kind == "complete" else "quasi-complete separation"
    assert any(n.startswith(label) and "firth_regression" in n for n in r.notes)
    assert any("did not converge" in n for n in r.notes) == (not glm["converged"])
    assert r.table["profile_lower"].null_count() == r.table.height  # not computed


@pytest.mark.parametrize(("load", "outcome", "covariates", "ref"), ALL_MODELS)
def test_firth_brglm2_against_R(
    load: object, outcome: str, covariates: list[str], ref: dict
) -> None:
    """brglm2 AS_mean: coefficients and SEs (default and tight tolerance), z, p, deviance, AIC."""
    r = firth_regression(load(), outcome, covariates)
    t = r.table
    for variant in ("AS_mean", "AS_mean_tight"):
        b = ref["brglm2"][variant]
        assert t["term"].to_list() == [c["term"] for c in b["coefficients"]]
        for ours, theirs in (("coef", "estimate"), ("se", "se")):
            np.testing.assert_allclose(
                _col(t, ours), _ref(b["coefficients"], theirs), rtol=0, atol=TOL, err_msg=ours
            )
    tight = ref["brglm2"]["AS_mean_tight"]
    for ours, theirs in (("z", "z"), ("p_wald", "p")):
        np.testing.assert_allclose(_col(t, ours), _ref(tight["coefficients"], theirs), 0, TOL)
    for ours, theirs in (("or", "or"), ("wald_lower", "lower"), ("wald_upper", "upper")):
        np.testing.assert_allclose(_col(t, ours), _ref(tight["or_wald"], theirs), 0, TOL)
    stats = fit_statistics(r)
    assert stats["deviance"] == pytest.approx(tight["deviance"], abs=TOL)
    assert stats["aic"] == pytest.approx(tight["aic"], abs=TOL)


@pytest.mark.parametrize(("load", "outcome", "covariates", "ref"), ALL_MODELS)
def test_firth_profile_against_R(
    load: object, outcome: str, covariates: list[str], ref: dict
) -> None:
    """logistf defaults (manual): profile penalised-likelihood CIs and penalised LR p-values."""
    manual = ref["firth_pl_manual"]
    r = firth_regression(load(), outcome, covariates)
    t = r.table
    assert r.n == manual["n"]
    rows = manual["terms"]
    assert t["term"].to_list() == [row["term"] for row in rows]
    np.testing.assert_allclose(_col(t, "coef"), _ref(rows, "coef"), rtol=0, atol=TOL)
    np.testing.assert_allclose(_col(t, "se"), _ref(rows, "se"), rtol=0, atol=TOL)
    lower, upper = np.log(_col(t, "profile_lower")), np.log(_col(t, "profile_upper"))
    np.testing.assert_allclose(lower, _ref(rows, "lower"), rtol=0, atol=TOL)
    np.testing.assert_allclose(upper, _ref(rows, "upper"), rtol=0, atol=TOL)
    for ours, theirs in (("profile_lower", "or_lower"), ("profile_upper", "or_upper")):
        np.testing.assert_allclose(_col(t, ours), _ref(rows, theirs), rtol=0, atol=TOL)
    np.testing.assert_allclose(_col(t, "pl_chisq"), _ref(rows, "pl_chisq"), rtol=0, atol=TOL)
    np.testing.assert_allclose(_col(t, "p"), _ref(rows, "p"), rtol=0, atol=TOL)
    assert fit_statistics(r)["pll"] == pytest.approx(manual["penalized_loglik"], abs=TOL)
    first = rows[1]
    assert r.estimate == pytest.approx(first["or"], abs=TOL)
    assert r.p_value == pytest.approx(first["p"], abs=TOL)


def test_firth_is_finite_where_glm_diverges() -> None:
    """Complete separation: glm does not converge (R neither); Firth gives finite estimates."""
    data = separated("complete")
    glm = logistic_regression(data, "y", ["x"])
    assert not R["separation"]["complete"]["glm"]["converged"]
    assert any("did not converge" in n for n in glm.notes)
    assert glm.table["se"][1] > 1e3
    firth = firth_regression(data, "y", ["x"])
    t = firth.table
    assert np.all(np.isfinite(_col(t, "coef")))
    assert np.all(np.isfinite(_col(t, "se")))
    assert np.all(np.isfinite(_col(t, "profile_lower")))
    assert np.all(np.isfinite(_col(t, "profile_upper")))
    assert t["coef"][1] == pytest.approx(0.970649569325121, abs=TOL)
    assert any("complete separation" in n and "finite" in n for n in firth.notes)


def test_firth_without_separation_is_close_to_glm() -> None:
    """Bias reduction shrinks towards 0 but stays near the MLE on a well-behaved data set."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=400)
    y = (rng.random(400) < 1 / (1 + np.exp(-(0.3 + 0.8 * x)))).astype(int)
    data = pl.DataFrame({"y": y, "x": x})
    glm = logistic_regression(data, "y", ["x"]).table
    firth = firth_regression(data, "y", ["x"]).table
    assert abs(firth["coef"][1]) < abs(glm["coef"][1])
    assert firth["coef"][1] == pytest.approx(glm["coef"][1], abs=0.02)


def test_categorical_and_boolean_covariates_coded_as_R() -> None:
    """Text covariates: treatment contrasts against the first level; Booleans: term xTRUE."""
    data = pl.DataFrame(
        {
            "cr": [1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0],
            "site": ["lung", "bone", "liver", "lung", "bone", "liver"] * 2,
            "flag": [True, False] * 6,
        }
    )
    r = logistic_regression(data, "cr", ["site", "flag"])
    assert r.table["term"].to_list() == ["(Intercept)", "siteliver", "sitelung", "flagTRUE"]


def test_missing_rows_dropped_and_bad_input_explained() -> None:
    data = pl.DataFrame({"cr": [1, 0, None, 1, 0, 1, 0], "x": [1.0, 2.0, 3.0, None, 2.5, 0.5, 3]})
    r = logistic_regression(data, "cr", ["x"])
    assert r.n == 5
    assert "2 rows with missing values dropped" in r.notes
    # a constant outcome and a collinear term are data, not errors: said, not raised
    # (tests/analysis/test_not_estimable.py has the details)
    assert not logistic_regression(data.with_columns(cr=pl.lit(1)), "cr", ["x"]).estimable
    collinear = logistic_regression(data.with_columns(z=2 * pl.col("x")), "cr", ["x", "z"])
    assert collinear.table["not_estimable"].to_list()[2].startswith("z not estimable")
    with pytest.raises(ValueError, match="not in the data"):
        firth_regression(data, "cr", ["nope"])
    assert math.isfinite(firth_regression(data, "cr", ["x"]).table["coef"][1])
