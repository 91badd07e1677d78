"""Kaplan-Meier, log-rank and Cox against R ``survival`` (values in tests/r_reference)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from remission.analysis import (
    cox_regression,
    kaplan_meier,
    logrank_test,
    reverse_km_followup,
)
from tests.analysis.r_data import melanoma, needs_riaz, riaz, survival_reference, tongue

TOL = 1e-6
R = survival_reference()


def _fits() -> list[tuple[str, str, str, str, str | None, str]]:
    # dataset key, R block, loader, time column, group column, event column
    return [
        ("boot_melanoma", "km_overall", "melanoma", "time", None, "event"),
        ("boot_melanoma", "km_by_ulcer", "melanoma", "time", "ulcer", "event"),
        ("kmsurv_tongue", "km_overall", "tongue", "time", None, "delta"),
        ("kmsurv_tongue", "km_by_type", "tongue", "time", "type", "delta"),
        ("riaz2017_os", "km_overall", "riaz", "OS", None, "os_event"),
        ("riaz2017_os", "km_by_cohort", "riaz", "OS", "Cohort", "os_event"),
        ("riaz2017_pfs", "km_overall", "riaz", "PFS", None, "pfs_event"),
    ]


LOADERS = {"melanoma": melanoma, "tongue": tongue, "riaz": riaz}
FITS = [
    pytest.param(*f, ct, id=f"{f[0]}-{f[1]}-{ct}", marks=[needs_riaz] if f[2] == "riaz" else [])
    for f in _fits()
    for ct in ("log", "log-log", "plain")
]


def _close(ours: pl.Series, ref: list[object]) -> None:
    a = ours.cast(pl.Float64).to_numpy()
    b = np.array([np.nan if v is None else v for v in ref], dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), "missing values differ"
    np.testing.assert_allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=0, atol=TOL)


@pytest.mark.parametrize(("ds", "block", "loader", "time", "group", "event", "conf"), FITS)
def test_km_against_R(
    ds: str, block: str, loader: str, time: str, group: str | None, event: str, conf: str
) -> None:
    data = LOADERS[loader]()
    ref = R[ds][block]
    km = kaplan_meier(
        data[time],
        data[event],
        data[group] if group else None,
        conf_type=conf,
        group_name=group or "group",
    )
    rows = ref["km"][conf]
    assert km.table.height == len(rows)
    assert km.table["strata"].to_list() == [r["strata"] for r in rows]
    for col in ("n_risk", "n_event", "n_censor"):
        assert km.table[col].to_list() == [r[col] for r in rows]
    _close(km.table["time"], [r["time"] for r in rows])
    _close(km.table["surv"], [r["surv"] for r in rows])
    _close(km.table["std_err"], [r["std_err_cumhaz"] for r in rows])
    _close(km.table["std_err_surv"], [r["std_err_surv"] for r in rows])
    _close(km.table["lower"], [r["lower"] for r in rows])
    _close(km.table["upper"], [r["upper"] for r in rows])
    med = km.median()
    for col in ("median", "lower", "upper"):
        _close(med[col], [r[col] for r in ref["median"][conf]])
    for extend, key in ((False, "at_times"), (True, "at_times_extend")):
        at = km.at(ref["times_requested"], extend=extend)
        expected = ref[key][conf]
        assert at.height == len(expected)
        assert at["n_risk"].to_list() == [r["n_risk"] for r in expected]
        assert at["n_event"].to_list() == [r["n_event"] for r in expected]
        for col in ("surv", "std_err_surv", "lower", "upper"):
            _close(at[col], [r[col] for r in expected])


LOGRANK = [
    pytest.param("boot_melanoma", "logrank_ulcer", "melanoma", "time", "event", "ulcer", None),
    pytest.param("boot_melanoma", "logrank_sex", "melanoma", "time", "event", "sex", None),
    pytest.param(
        "boot_melanoma", "logrank_ulcer_strata_sex", "melanoma", "time", "event", "ulcer", "sex"
    ),
    pytest.param("kmsurv_tongue", "logrank_type", "tongue", "time", "delta", "type", None),
    pytest.param(
        "riaz2017_os", "logrank_cohort", "riaz", "OS", "os_event", "Cohort", None, marks=needs_riaz
    ),
]


@pytest.mark.parametrize(("ds", "block", "loader", "time", "event", "group", "strata"), LOGRANK)
def test_logrank_against_R(
    ds: str, block: str, loader: str, time: str, event: str, group: str, strata: str | None
) -> None:
    data = LOADERS[loader]()
    ref = R[ds][block]
    r = logrank_test(data[time], data[event], data[group], strata=data[strata] if strata else None)
    assert abs(r.statistic - ref["chisq"]) < TOL
    assert r.df == ref["df"]
    assert abs(r.p_value - ref["p"]) < TOL
    _close(r.table["observed"], [g["observed"] for g in ref["groups"]])
    _close(r.table["expected"], [g["expected"] for g in ref["groups"]])


COX = [
    pytest.param("boot_melanoma", "cox_ulcer", "melanoma", "time", "event", ["ulcer"]),
    pytest.param(
        "boot_melanoma",
        "cox_ulcer_thickness_age",
        "melanoma",
        "time",
        "event",
        ["ulcer", "thickness", "age"],
    ),
    pytest.param("kmsurv_tongue", "cox_type", "tongue", "time", "delta", ["diploid"]),
    pytest.param(
        "riaz2017_os", "cox_cohort", "riaz", "OS", "os_event", ["prior_ipi"], marks=needs_riaz
    ),
]


@pytest.mark.parametrize(("ds", "block", "loader", "time", "event", "terms"), COX)
def test_cox_against_R(
    ds: str, block: str, loader: str, time: str, event: str, terms: list[str]
) -> None:
    ref = R[ds][block]["efron"]
    r = cox_regression(LOADERS[loader](), time, event, terms)
    for row, expected in zip(r.table.iter_rows(named=True), ref["terms"], strict=True):
        for key in ("coef", "se", "hr", "hr_lower", "hr_upper", "z", "p"):
            assert abs(row[key] - expected[key]) < TOL, (key, row[key], expected[key])
    assert abs(r.statistic - ref["lrt"]["statistic"]) < TOL
    assert r.n == ref["n"]


@pytest.mark.parametrize("conf", ["log", "log-log", "plain"])
@pytest.mark.parametrize(
    ("ds", "loader", "time", "event"),
    [
        ("boot_melanoma", "melanoma", "time", "event"),
        pytest.param("riaz2017_os", "riaz", "OS", "os_event", marks=needs_riaz),
    ],
)
def test_reverse_km_followup_against_R(
    ds: str, loader: str, time: str, event: str, conf: str
) -> None:
    data = LOADERS[loader]()
    ref = R[ds]["reverse_km_followup"][conf][0]
    r = reverse_km_followup(data[time], data[event], conf_type=conf)
    assert r.estimate == ref["median"]
    assert r.ci == (ref["lower"], ref["upper"])


@needs_riaz
def test_riaz_censoring_flag_is_inverted() -> None:
    """SOURCES.md: OS_SOR = 1 means censored; 42 deaths among 73 patients."""
    data = riaz()
    assert data.height == 73
    assert int(data["os_event"].sum()) == 42
