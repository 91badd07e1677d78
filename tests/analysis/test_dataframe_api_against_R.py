"""The DataFrame + column-name calls against the R calls of the same shape.

Values in tests/r_reference/dataframe_api.json (``dataframe_api.R``): ``summary(survfit)``
event-time rows, ``coxph`` with factor, text and logical covariates, ``fisher.test(x, y)``,
``chisq.test(x, y)`` and ``wilcox.test(value ~ group, data)``.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from remission.analysis import (
    chisq_test,
    cox_regression,
    fisher_test,
    kaplan_meier,
    wilcoxon_test,
)
from tests.analysis import association_data
from tests.analysis.r_data import (
    dataframe_api_reference,
    melanoma,
    needs_riaz,
    survival_reference,
    tongue,
    veteran,
)

R = dataframe_api_reference()
TOL = 1e-12  # measured: 4e-15 (Kaplan-Meier), 5e-15 (Fisher, chi-square, Wilcoxon)
COX_RTOL = 1e-8  # measured: 1.2e-10 relative (lifelines converged to 1e-12 vs coxph)
# R's factor order of survival::veteran$celltype (not alphabetical)
CELLTYPES = ["squamous", "smallcell", "adeno", "large"]


def small() -> pl.DataFrame:
    """Nine patients of dataframe_api.R: censorings tied with, between and after events."""
    return pl.DataFrame(
        {
            "time": [2, 3, 3, 5, 6, 8, 9, 4, 7],
            "event": [1, 0, 1, 0, 1, 1, 0, 0, 0],
            "arm": ["a"] * 7 + ["b", "b"],
        }
    )


def riaz_clinical() -> pl.DataFrame:
    return association_data.riaz().with_columns((1 - pl.col("OS_SOR")).alias("os_event"))


KM = [
    pytest.param("melanoma_by_ulcer", melanoma, "time", "event", "ulcer", id="melanoma-ulcer"),
    pytest.param("tongue_by_type", tongue, "time", "delta", "type", id="tongue-type"),
    pytest.param("small_by_arm", small, "time", "event", "arm", id="small-arm"),
    pytest.param(
        "riaz_os_by_cohort",
        riaz_clinical,
        "OS",
        "os_event",
        "Cohort",
        id="riaz-cohort",
        marks=association_data.needs_riaz,
    ),
]


def _numbers(ours: pl.Series, ref: list[object]) -> None:
    a = ours.cast(pl.Float64).fill_null(np.nan).to_numpy()
    b = np.array([np.nan if v is None else v for v in ref], dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), "missing values differ"
    np.testing.assert_allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=0, atol=TOL)


@pytest.mark.parametrize("conf", ["log", "log-log", "plain"])
@pytest.mark.parametrize(("key", "loader", "duration", "event", "group"), KM)
def test_km_summary_against_R(
    key: str, loader: object, duration: str, event: str, group: str, conf: str
) -> None:
    """summary(survfit(Surv(duration, event) ~ group, data, conf.type)): the event rows."""
    km = kaplan_meier(loader(), duration=duration, event=event, group=group, conf_type=conf)
    ours, ref = km.summary(), R["km_summary"][key][conf]
    assert ours.columns == [
        "strata",
        "time",
        "n_risk",
        "n_event",
        "n_censor",
        "surv",
        "std_err_surv",
        "lower",
        "upper",
    ]
    assert ours.height == len(ref)
    for col in ("strata", "n_risk", "n_event", "n_censor"):
        assert ours[col].to_list() == [r[col] for r in ref], col
    _numbers(ours["time"], [r["time"] for r in ref])
    _numbers(ours["surv"], [r["surv"] for r in ref])
    _numbers(ours["std_err_surv"], [r["std_err"] for r in ref])  # R's summary std.err: SE of S
    _numbers(ours["lower"], [r["lower"] for r in ref])
    _numbers(ours["upper"], [r["upper"] for r in ref])


def test_km_summary_small_rows_by_hand() -> None:
    """Arm a: censored at 3 (with the event), 5 and 9 (after the last event); arm b no event.

    R shows n.censor 0, 1 (the 3), 1 (the 5), 0 at the event times 2, 3, 6, 8; the
    censoring at 9 and arm b (no events) have no row.
    """
    ref = R["km_summary"]["small_by_arm"]["log"]
    assert [(r["strata"], r["time"], r["n_censor"]) for r in ref] == [
        ("arm=a", 2, 0),
        ("arm=a", 3, 1),
        ("arm=a", 6, 1),
        ("arm=a", 8, 0),
    ]
    km = kaplan_meier(small(), duration="time", event="event", group="arm")
    assert km.summary().select("strata", "time", "n_censor").rows() == [
        ("arm=a", 2.0, 0),
        ("arm=a", 3.0, 1),
        ("arm=a", 6.0, 1),
        ("arm=a", 8.0, 0),
    ]
    # censored=True is every time of the fit, as summary(fit, censored = TRUE)
    every = km.summary(censored=True)
    assert every.height == km.table.height
    assert every["n_censor"].to_list() == km.table["n_censor"].to_list()


COX = [
    pytest.param(
        "veteran_celltype_karno",
        lambda: veteran().with_columns(pl.col("celltype").cast(pl.Enum(CELLTYPES))),
        ["celltype", "karno"],
        id="veteran-factor",
    ),
    pytest.param(
        "veteran_text_logical_age",
        lambda: veteran().with_columns(cell=pl.col("celltype"), prior_yes=pl.col("prior") == 10),
        ["cell", "prior_yes", "age"],
        id="veteran-text-logical",
    ),
]


@pytest.mark.parametrize(("key", "loader", "covariates"), COX)
def test_cox_categorical_against_R(key: str, loader: object, covariates: list[str]) -> None:
    """coxph(Surv(time, status) ~ ..., vet): an Enum keeps R's factor order (squamous is the
    reference), text is sorted (adeno), a Boolean is the term <name>TRUE."""
    ref = R["cox"][key]
    r = cox_regression(loader(), "time", "status", covariates)
    assert r.table["term"].to_list() == [t["term"] for t in ref["terms"]]
    for row, expected in zip(r.table.iter_rows(named=True), ref["terms"], strict=True):
        for k in ("coef", "se", "hr", "hr_lower", "hr_upper", "z", "p"):
            assert row[k] == pytest.approx(expected[k], rel=COX_RTOL, abs=1e-12), (k, row["term"])
    assert r.statistic == pytest.approx(ref["lrt"], rel=COX_RTOL)
    assert r.df == ref["df"]
    assert (r.n, int(r.notes[0].split()[1].rstrip(";"))) == (ref["n"], ref["nevent"])


@needs_riaz
def test_cox_text_cohort_against_R() -> None:
    """coxph(Surv(OS, os_event) ~ Cohort, riaz) of survival.json, from the text column."""
    ref = survival_reference()["riaz2017_os"]["cox_cohort"]["efron"]
    r = cox_regression(riaz_clinical(), "OS", "os_event", ["Cohort"])
    assert r.table["term"].to_list() == ["CohortNIV3-PROG"] == [t["term"] for t in ref["terms"]]
    row, expected = r.table.row(0, named=True), ref["terms"][0]
    for k in ("coef", "se", "hr", "hr_lower", "hr_upper", "z", "p"):
        assert row[k] == pytest.approx(expected[k], rel=COX_RTOL), k


TWO = R["two_columns"]


def test_fisher_and_chisq_from_two_columns_against_R() -> None:
    """fisher.test(mel$ulcer, mel$sex), chisq.test(mel$ulcer, mel$sex[, correct = FALSE])."""
    mel = melanoma()
    ref = TWO["melanoma_fisher_ulcer_sex"]
    r = fisher_test(mel, "ulcer", "sex")
    assert r.p_value == pytest.approx(ref["p"], abs=TOL)
    assert r.estimate == pytest.approx(ref["odds_ratio"], abs=TOL)
    assert r.ci == pytest.approx(tuple(ref["conf_int"]), abs=TOL)
    assert r.table.columns == ["ulcer", "sex=0", "sex=1"]
    for correct, key in (
        (True, "melanoma_chisq_ulcer_sex"),
        (False, "melanoma_chisq_ulcer_sex_nocorrect"),
    ):
        ref = TWO[key]
        r = chisq_test(mel, "ulcer", "sex", correct=correct)
        assert r.statistic == pytest.approx(ref["statistic"], abs=TOL)
        assert r.p_value == pytest.approx(ref["p"], abs=TOL)
        assert r.df == ref["df"]
        assert r.table["observed"].to_list() == np.ravel(ref["observed"]).tolist()
        np.testing.assert_allclose(r.table["expected"], np.ravel(ref["expected"]), atol=TOL)
        assert r.table["row_level"].to_list() == ["0", "0", "1", "1"]
        assert r.table["column_level"].to_list() == ["0", "1", "0", "1"]


def test_r_by_c_from_two_columns_against_R() -> None:
    """fisher.test(vet$celltype, vet$status) (4 x 2) and chisq.test, with R's warning."""
    vet = veteran().with_columns(pl.col("celltype").cast(pl.Enum(CELLTYPES)))
    r = fisher_test(vet, "celltype", "status")
    assert r.p_value == pytest.approx(TWO["veteran_fisher_celltype_status"]["p"], abs=TOL)
    assert r.table["celltype"].to_list() == CELLTYPES
    ref = TWO["veteran_chisq_celltype_status"]
    r = chisq_test(vet, "celltype", "status")
    assert r.statistic == pytest.approx(ref["statistic"], abs=TOL)
    assert r.p_value == pytest.approx(ref["p"], abs=TOL)
    assert r.table["observed"].to_list() == np.ravel(ref["observed"]).tolist()
    assert ref["r_warnings"] == ["Chi-squared approximation may be incorrect"]
    assert any("approximation may be incorrect" in n for n in r.notes)


WILCOX = [
    pytest.param(
        "melanoma_wilcox_thickness_by_ulcer", melanoma, "thickness", "ulcer", id="mel-thickness"
    ),
    pytest.param("melanoma_wilcox_age_by_sex", melanoma, "age", "sex", id="mel-age"),
    pytest.param("small_wilcox_time_by_arm", small, "time", "arm", id="small-time"),
    pytest.param(
        "riaz_wilcox_nonsynmut_by_response",
        association_data.riaz,
        "NonSynMut",
        "response",
        id="riaz-nonsynmut",
        marks=association_data.needs_riaz,
    ),
]


@pytest.mark.parametrize(("key", "loader", "value", "by"), WILCOX)
def test_wilcoxon_by_group_against_R(key: str, loader: object, value: str, by: str) -> None:
    """wilcox.test(value ~ by, data): W refers to the first level; ties warn and approximate."""
    ref = TWO[key]
    r = wilcoxon_test(loader(), value=value, by=by)
    assert r.statistic == ref["W"]
    assert r.p_value == pytest.approx(ref["p"], abs=TOL)
    assert r.method.startswith(ref["method"])
    tie_warning = "cannot compute exact p-value with ties" in ref["r_warnings"]
    assert any("cannot compute exact p-value with ties" in n for n in r.notes) == tie_warning
