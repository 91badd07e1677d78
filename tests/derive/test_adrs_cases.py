"""admiralonco's hand-made unit tests, restated in cases.md as TC1-TC3, with both parameter sets."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from remission.derive import ResponseRules, derive_adrs

TRTSDT = {
    "1": "2020-01-01",
    "2": "2019-12-12",
    "3": "2019-11-11",
    "4": "2019-12-30",
    "5": "2020-01-01",
    "6": "2020-02-02",
    "7": "2020-02-02",
    "8": "2020-04-01",
    "9": "2020-02-01",
}
OVR = {
    "1": "2020-01-01 PR; 2020-02-01 CR; 2020-02-16 NE; 2020-03-01 CR; 2020-04-01 SD",
    "2": "2020-01-01 SD; 2020-02-01 PR; 2020-03-01 SD; 2020-03-13 CR",
    "3": "2019-11-12 CR; 2019-12-02 CR; 2020-01-01 SD",
    "4": "2020-01-01 PR; 2020-03-01 SD; 2020-04-01 SD; 2020-05-01 PR; 2020-05-15 NON-CR/NON-PD",
    "5": "2020-01-01 PR; 2020-01-10 SD; 2020-01-20 PR; 2020-05-15 NON-CR/NON-PD",
    "6": "2020-02-06 PR; 2020-02-16 CR; 2020-03-30 PR",
    "7": "2020-02-06 PR; 2020-02-16 CR; 2020-04-01 NE",
    "9": "2020-02-16 PD; 2020-03-06 SD",
}


def _responses(ovr: dict[str, str]) -> pl.DataFrame:
    rows = []
    for subject, text in ovr.items():
        for item in text.split("; "):
            day, value = item.split(" ", 1)
            rows.append((subject, dt.date.fromisoformat(day), value))
    return pl.DataFrame(
        rows, schema={"USUBJID": pl.String, "ADT": pl.Date, "AVALC": pl.String}, orient="row"
    )


def _subjects(ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "USUBJID": ids,
            "REFDT": [dt.date.fromisoformat(TRTSDT[i]) for i in ids],
            "DTHDT": [None] * len(ids),
            "MDIS": [True] * len(ids),
        },
        schema_overrides={"DTHDT": pl.Date},
    )


def _param(adrs: pl.DataFrame, code: str) -> dict[str, tuple[str | None, str | None]]:
    rows = adrs.filter(pl.col("PARAMCD") == code).select("USUBJID", "AVALC", "ADT").rows()
    return {u: (v, None if d is None else d.isoformat()) for u, v, d in rows}


CASE_A = ResponseRules(
    ref_start_window_days=28, confirmation_days=28, max_ne=1, accept_sd=False, missing_as_ne=False
)
CASE_B = ResponseRules(
    ref_start_window_days=28, confirmation_days=14, max_ne=0, accept_sd=True, missing_as_ne=True
)

TC1 = {
    "A": {
        "1": ("CR", "2020-02-01"),
        "2": ("SD", "2020-02-01"),
        "3": ("SD", "2020-01-01"),
        "4": ("SD", "2020-03-01"),
        "5": ("NON-CR/NON-PD", "2020-05-15"),
        "6": ("SD", "2020-03-30"),
        "7": ("NE", "2020-02-06"),
        "8": ("MISSING", None),
        "9": ("PD", "2020-02-16"),
    },
    "B": {
        "1": ("PR", "2020-01-01"),
        "2": ("PR", "2020-02-01"),
        "3": ("CR", "2019-11-12"),
        "4": ("SD", "2020-03-01"),
        "5": ("PR", "2020-01-01"),
        "6": ("SD", "2020-03-30"),
        "7": ("ND", "2020-04-02"),
        "8": ("NE", None),
        "9": ("PD", "2020-02-16"),
    },
}
TC2 = {
    "A": {"1": ("Y", "2020-01-01")},
    "B": {
        "1": ("Y", "2020-01-01"),
        "2": ("Y", "2020-02-01"),
        "3": ("Y", "2019-11-12"),
        "5": ("Y", "2020-01-01"),
    },
}
AVAL = {
    "CR": 1.0,
    "PR": 2.0,
    "SD": 3.0,
    "NON-CR/NON-PD": 4.0,
    "PD": 5.0,
    "NE": 6.0,
    "MISSING": 7.0,
    "ND": None,
}


def _run(case: str) -> pl.DataFrame:
    ovr = dict(OVR)
    if case == "B":
        ovr["7"] = "2020-04-02 ND"
    return derive_adrs(_responses(ovr), _subjects(list(TRTSDT)), CASE_A if case == "A" else CASE_B)


@pytest.mark.parametrize("case", ["A", "B"])
def test_tc1_confirmed_best_overall_response(case: str) -> None:
    adrs = _run(case)
    assert _param(adrs, "CBOR") == TC1[case]
    aval = dict(adrs.filter(pl.col("PARAMCD") == "CBOR").select("USUBJID", "AVAL").rows())
    assert aval == {u: AVAL[v] for u, (v, _) in TC1[case].items()}


@pytest.mark.parametrize("case", ["A", "B"])
def test_tc2_confirmed_response(case: str) -> None:
    got = _param(_run(case), "CRSP")
    expected = {u: TC2[case].get(u, ("N", None)) for u in TRTSDT}
    assert got == expected


TC3 = {
    "no_cutoff": {
        "1": ("CR", "2020-02-01"),
        "2": ("CR", "2020-03-13"),
        "3": ("CR", "2019-11-12"),
        "4": ("PR", "2020-01-01"),
        "5": ("PR", "2020-01-01"),
        "6": ("CR", "2020-02-16"),
        "7": ("CR", "2020-02-16"),
        "8": ("MISSING", None),
    },
    "pd_dates": {
        "1": ("CR", "2020-02-01"),
        "2": ("PR", "2020-02-01"),
        "3": ("CR", "2019-11-12"),
        "4": ("PR", "2020-01-01"),
        "5": ("PR", "2020-01-01"),
        "6": ("MISSING", None),
        "7": ("CR", "2020-02-16"),
        "8": ("MISSING", None),
    },
}


@pytest.mark.parametrize("variant", ["no_cutoff", "pd_dates"])
def test_tc3_best_overall_response(variant: str) -> None:
    ids = [k for k in TRTSDT if k != "9"]
    responses = _responses({k: v for k, v in OVR.items() if k != "9"})
    pd_dates = None
    if variant == "pd_dates":  # Test 2: PD dates from a separate source cut subjects 2 and 6
        pd_dates = pl.DataFrame(
            {"USUBJID": ["2", "6"], "PDDT": [dt.date(2020, 3, 1), dt.date(2020, 2, 5)]}
        )
    adrs = derive_adrs(
        responses, _subjects(ids), ResponseRules(ref_start_window_days=28), pd_dates=pd_dates
    )
    assert _param(adrs, "BOR") == TC3[variant]
