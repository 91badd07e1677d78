"""Ledger checks against the regimen: one hand-made ledger per check, exact messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from remission.study import check_study
from remission.study._ledger import _in_order, _previous, _runs, _so_far
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


def _runs_of(keys: list[int]) -> pl.DataFrame:
    return _runs(pl.DataFrame({"k": keys}), ["k"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_run_windows_equal_per_row_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = np.sort(rng.integers(0, 12, 60)).tolist()
    values = rng.integers(0, 2, 60).tolist()
    frame = _runs_of(keys).with_columns(pl.Series("x", values))
    got = frame.select(
        _previous(pl.col("x")).alias("previous"), _so_far(pl.col("x")).alias("so_far")
    )
    previous, so_far, total = [], [], 0
    for i, (key, value) in enumerate(zip(keys, values, strict=True)):
        first = i == 0 or keys[i - 1] != key
        previous.append(None if first else values[i - 1])
        total = value if first else total + value
        so_far.append(total)
    assert got["previous"].to_list() == previous
    assert got["so_far"].to_list() == so_far


def test_in_order_keeps_a_sorted_ledger_and_sorts_another() -> None:
    frame = pl.DataFrame({"p": ["a", "a", "b", "b"], "n": [1, 2, 1, 3]})
    assert _in_order(frame, ["p", "n"]) is frame
    shuffled = frame[[2, 0, 3, 1]]
    assert _in_order(shuffled, ["p", "n"]).equals(frame)
    assert _in_order(frame[[0, 2, 1, 3]], ["p", "n"]).equals(frame)  # sorted by n alone


def test_problems_do_not_depend_on_the_ledgers_order() -> None:
    """A ledger with deviations of every kind tells the same rows, sorted or shuffled."""
    from remission.simulate import simulate_study
    from remission.study._ledger import check_ledger
    from remission.study._problems import ProblemLog

    study = simulate_study(n_patients=60, seed=4)
    d = study.tables["doses"]
    rng = np.random.default_rng(0)
    picked = rng.choice(d.height, 40, replace=False)
    minutes = pl.Series(rng.integers(-3000, 3000, 40) * 60_000_000).cast(pl.Duration("us"))
    shift = pl.Series(np.zeros(d.height, dtype=np.int64)).cast(pl.Duration("us"))
    shift = shift.scatter(picked, minutes)
    flip = pl.Series(np.isin(np.arange(d.height), picked[:20]))
    d = d.with_columns(
        pl.col("scheduled_at") + shift,
        pl.col("given_at") + shift.reverse(),
        pl.when(flip)
        .then(pl.when(pl.col("status") == "given").then(pl.lit("held")).otherwise(pl.lit("given")))
        .otherwise(pl.col("status"))
        .alias("status"),
        pl.when(flip).then(None).otherwise(pl.col("hold_reason")).alias("hold_reason"),
    )
    files = {name: f"{name}.csv" for name in study.tables}

    def told(doses: pl.DataFrame) -> list[tuple]:
        log = ProblemLog()
        assert study.regimen is not None
        check_ledger({**study.tables, "doses": doses}, files, study.regimen, log)
        return sorted((p.code, p.row, p.value) for p in log.problems)

    sorted_told = told(d)
    codes = {code for code, _, _ in sorted_told}
    assert {"ledger.dose_order", "ledger.short_interval", "ledger.hold_without_reason"} <= codes
    assert told(d.sample(fraction=1.0, shuffle=True, seed=1)) == sorted_told
