"""Regimens as data: the built-ins and custom TOML regimens, with unit guards."""

from __future__ import annotations

from pathlib import Path

import pytest

from remission.protocol import (
    REGIMENS,
    RegimenError,
    get_regimen,
    load_regimen,
    resolve_regimen,
)


def test_builtin_facts() -> None:
    nci, label, til = (
        REGIMENS[n] for n in ("nci-hd-il2-720k", "label-hd-il2-600k", "post-til-il2")
    )
    assert (nci.dose_iu_per_kg, nci.max_doses_per_cycle, nci.max_doses_per_course) == (
        720_000,
        15,
        30,
    )
    assert (label.dose_iu_per_kg, label.max_doses_per_course, label.days_between_cycle_starts) == (
        600_000,
        28,
        14,
    )
    assert (til.max_doses_per_cycle, til.cycles_per_course) == (6, 1)
    for r in REGIMENS.values():
        assert r.infusion_minutes == 15 and r.interval_hours == 8
        assert r.sources, f"{r.name} cites no source"


def test_unknown_regimen_lists_builtins() -> None:
    with pytest.raises(KeyError, match="label-hd-il2-600k"):
        get_regimen("nci")


def test_custom_regimen_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "short.toml"
    path.write_text(
        '[regimen]\nbased_on = "nci-hd-il2-720k"\nname = "nci-short"\n'
        'title = "NCI, 12 doses"\nmax_doses_per_cycle = 12\n'
    )
    r = resolve_regimen("short.toml", tmp_path)
    assert (r.name, r.max_doses_per_cycle, r.dose_iu_per_kg) == ("nci-short", 12, 720_000)


def test_full_custom_regimen_with_rules(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(
        '[regimen]\nname = "x"\ntitle = "X"\ndose_iu_per_kg = 500000\ninfusion_minutes = 15\n'
        "interval_hours = 8\nmax_doses_per_cycle = 10\ncycles_per_course = 1\n"
        "rest_days_between_cycles = 0\nmin_days_between_courses = 30\n"
        "[regimen.hold_rules]\nholds_to_stop = 2\n"
        '[[regimen.hold_rules.criteria]]\nname = "fever"\nvariable = "temp_c"\n'
        'kind = "relative"\nlower = 39.0\n'
    )
    r = load_regimen(path)
    assert r.hold_rules.holds_to_stop == 2
    assert r.hold_rules.criteria[0].name == "fever"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'based_on = "nci-hd-il2-720k"\nname = "m"\ndose_mg_per_kg = 0.044',
            "dose_mg_per_kg is not accepted: doses are in international units; "
            "write dose_iu_per_kg (0.044 mg/kg = 720,000 IU/kg), "
            "converting at 18 million IU per 1.1 mg (label)",
        ),
        (
            'based_on = "nci-hd-il2-720k"\nname = "m"\nmax_doses_per_cyle = 12',
            "unknown setting 'max_doses_per_cyle'; did you mean 'max_doses_per_cycle'?",
        ),
        (
            'based_on = "nci-hd-il2-720k"\nname = "m"\nmax_doses_per_cycle = 12.5',
            "max_doses_per_cycle must be a whole number, not 12.5",
        ),
        ('name = "m"\ntitle = "t"', "missing dose_iu_per_kg"),
        ('based_on = "nci-hd"\nname = "m"', "no built-in regimen 'nci-hd'"),
    ],
)
def test_bad_regimen_files(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[regimen]\n" + body + "\n")
    with pytest.raises(RegimenError) as info:
        load_regimen(path)
    assert any(message in p for p in info.value.problems), info.value.problems


def test_missing_regimen_file(tmp_path: Path) -> None:
    with pytest.raises(RegimenError, match="file not found"):
        resolve_regimen("absent.toml", tmp_path)
