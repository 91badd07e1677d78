"""Every hold and stop criterion, the counting rule, and the vectorised form of check_dose."""

from __future__ import annotations

import polars as pl
import pytest

from remission.protocol import DEFAULT_HOLD_RULES, Criterion, HoldRules, check_dose

# observation, value that fires, value just outside the range, kind
CASES = [
    ("oliguria_below_80ml", "urine_ml_per_8h", 79, 80, "stop"),
    ("urine_80_to_160ml", "urine_ml_per_8h", 80, 160, "hold"),
    ("creatinine_3_or_more", "creatinine_mg_dl", 3.0, 2.99, "stop"),
    ("creatinine_2_5_to_2_9", "creatinine_mg_dl", 2.5, 2.49, "hold"),
    ("acidosis_hco3_18_or_less", "bicarbonate_mmol_l", 18, 18.1, "stop"),
    ("platelets_below_30k", "platelets_per_ul", 29_999, 30_000 - 0, "stop"),
    ("platelets_30k_to_50k", "platelets_per_ul", 30_000, 50_000, "hold"),
    ("phenylephrine_1_to_1_5", "phenylephrine_ug_kg_min", 1.5, 0.99, "hold"),
    ("arrhythmia", "arrhythmia", True, False, "stop"),
    ("intubation", "intubation", True, False, "stop"),
    ("infection", "infection", True, False, "stop"),
]


def test_every_criterion_is_tested() -> None:
    assert {c[0] for c in CASES} == {c.name for c in DEFAULT_HOLD_RULES.criteria}


@pytest.mark.parametrize(("name", "variable", "fires", "outside", "action"), CASES)
def test_criterion(name: str, variable: str, fires: float, outside: float, action: str) -> None:
    decision = check_dose({variable: fires})
    assert name in decision.fired
    assert decision.action == action
    other = check_dose({variable: outside})
    assert name not in other.fired


def test_normal_observations_give() -> None:
    d = check_dose(
        {
            "urine_ml_per_8h": 400,
            "creatinine_mg_dl": 1.2,
            "platelets_per_ul": 180_000,
            "phenylephrine_ug_kg_min": 0.3,
            "bicarbonate_mmol_l": 24,
            "arrhythmia": False,
        }
    )
    assert (d.action, d.fired, d.reason) == ("give", (), "no criterion fired")


def test_third_hold_stops_the_cycle() -> None:
    obs = {"creatinine_mg_dl": 2.7}
    assert check_dose({**obs, "holds_so_far": 0}).action == "hold"
    assert check_dose({**obs, "holds_so_far": 1}).action == "hold"
    third = check_dose({**obs, "holds_so_far": 2})
    assert third.action == "stop"
    assert third.reason == "held dose number 3 in the cycle (counting rule)"


def test_three_relative_criteria_at_once_stop() -> None:
    d = check_dose({"urine_ml_per_8h": 100, "creatinine_mg_dl": 2.6, "platelets_per_ul": 40_000})
    assert d.action == "stop" and d.reason == "3 or more relative criteria at once"


def test_absolute_named_first() -> None:
    d = check_dose({"urine_ml_per_8h": 120, "arrhythmia": True})
    assert d.fired == ("arrhythmia", "urine_80_to_160ml")


def test_missing_observation_never_fires() -> None:
    assert check_dose({"creatinine_mg_dl": None}).action == "give"


def test_typo_in_observation_is_refused() -> None:
    with pytest.raises(KeyError, match="creatinine_mgdl"):
        check_dose({"creatinine_mgdl": 3.5})


def test_dataframe_form_matches_single_form() -> None:
    rows = [
        {"urine_ml_per_8h": u, "creatinine_mg_dl": c, "holds_so_far": h}
        for u in (60, 100, 300)
        for c in (1.0, 2.6, 3.1)
        for h in (0, 2)
    ]
    frame = check_dose(pl.DataFrame(rows))
    for row, out in zip(rows, frame.iter_rows(named=True), strict=True):
        single = check_dose(row)
        assert (out["action"], tuple(out["fired"]), out["reason"]) == (
            single.action,
            single.fired,
            single.reason,
        )


def test_rules_are_data() -> None:
    strict = HoldRules(
        criteria=(Criterion("fever", "temp_c", "relative", lower=39.0),), holds_to_stop=2
    )
    assert check_dose({"temp_c": 39.5}, strict).action == "hold"
    assert check_dose({"temp_c": 39.5, "holds_so_far": 1}, strict).action == "stop"
