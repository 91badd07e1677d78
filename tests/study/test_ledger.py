"""Ledger checks against the regimen: one hand-made ledger per check, exact messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from remission.study import check_study
from tests.study.bad_input_cases import copy_minimal
from tests.study.ledger_cases import LEDGER_CASES

EXPECTED = {
    "too_many_doses": (
        "warning: doses.csv row 22, column dose_number: '16': expected at most 15 doses given per cycle (nci-hd-il2-720k); fix: a protocol deviation to confirm; check course and cycle numbers"
    ),
    "short_interval": (
        "warning: doses.csv row 6, column given_at: '1991-11-04 14:01': expected at least 7 h after the previous dose given (every 8 h, 60 min tolerance); fix: a protocol deviation to confirm; check the time"
    ),
    "dose_in_miu_not_iu": (
        "warning: doses.csv row 5, column dose_iu: '5832000': expected weight x 720,000 IU/kg within 5% (for 81 kg: 58,320,000 IU); fix: check dose_iu (international units, not MIU) and weight_kg"
    ),
    "hold_without_reason": (
        "warning: doses.csv row 4, column hold_reason: expected the reason a dose was held; fix: fill in hold_reason (e.g. hypotension)"
    ),
    "dose_after_absolute_stop": (
        "warning: doses.csv row 9, column status: 'given': expected no dose given after the cycle was stopped (absolute criterion or held dose number 3); fix: a protocol deviation to confirm; check the hold reasons and the cycle number"
    ),
    "dose_after_third_hold": (
        "warning: doses.csv row 11, column status: 'given': expected no dose given after the cycle was stopped (absolute criterion or held dose number 3); fix: a protocol deviation to confirm; check the hold reasons and the cycle number"
    ),
    "cycles_overlap": (
        "error: doses.csv row 10, column scheduled_at: '1994-02-14 17:00': expected a cycle that starts after the last dose of the cycle before it; fix: check course and cycle numbers and the dates"
    ),
    "course_too_soon": (
        "warning: doses.csv row 8, column scheduled_at: '1994-03-01 09:00': expected a new course at least 42 days after the last dose of the previous course (nci-hd-il2-720k); fix: a protocol deviation to confirm; correct the course number if it is a cycle"
    ),
    "dose_order": (
        "error: doses.csv row 8, column scheduled_at: '1994-02-14 09:00': expected doses numbered in time order (each scheduled after the previous dose); fix: correct dose_number or scheduled_at"
    ),
    "unknown_regimen": (
        "error: study.toml, setting regimen: 'nci-720': expected a regimen remission can use; fix: unknown regimen 'nci-720'; did you mean 'nci-hd-il2-720k'? built-in regimens: nci-hd-il2-720k, label-hd-il2-600k, post-til-il2, or name a regimen file such as my-regimen.toml"
    ),
}


def test_every_case_has_a_snapshot() -> None:
    assert set(EXPECTED) == set(LEDGER_CASES)


@pytest.mark.parametrize("name", sorted(LEDGER_CASES))
def test_ledger_message(name: str, tmp_path: Path) -> None:
    edit, code = LEDGER_CASES[name]
    folder = copy_minimal(tmp_path / "study")
    edit(folder)
    study, problems = check_study(folder)
    rendered = [p.render() for p in problems if p.code == code]
    assert rendered, [p.render() for p in problems]
    assert rendered[0] == EXPECTED[name]
    assert (study is None) == rendered[0].startswith("error")


def test_a_clean_full_cycle_passes(tmp_path: Path) -> None:
    from tests.study.ledger_cases import P03_IU, _replace_p03, _rows

    folder = copy_minimal(tmp_path / "study")
    _replace_p03(
        _rows(
            "P03", 9, ["given"] * 5 + ["held"] + ["given"] * 10, P03_IU, reasons={6: "hypotension"}
        )
        + _rows(
            "P03",
            9,
            ["given"] * 8 + ["held"] * 3,
            P03_IU,
            day="1994-02-28",
            cycle=2,
            reasons={9: "oliguria", 10: "oliguria", 11: "hypotension"},
        )
    )(folder)
    study, problems = check_study(folder)
    assert study is not None
    assert [p.render() for p in problems] == []


def test_demo_ledger_is_clean(tmp_path: Path) -> None:
    from remission.simulate import demo_study
    from remission.study import write_study

    folder = write_study(demo_study().study, tmp_path / "demo")
    study, problems = check_study(folder)
    assert study is not None and problems == []
    assert study.regimen is not None and study.regimen.name == "nci-hd-il2-720k"
