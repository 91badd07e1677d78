"""Dose arithmetic checked against hand calculation for 50, 70 and 120 kg, every regimen.

Hand calculation: dose = kg x IU/kg; volume = dose / 18,000,000 IU per mL (2 decimals);
vials = dose / 22,000,000 rounded up; waste = vials x 22,000,000 - dose.
"""

from __future__ import annotations

import datetime as dt

import pytest

from remission.protocol import REGIMENS, calculate_dose, dose_schedule, get_regimen

HAND = {
    # regimen, kg: (dose IU, volume mL, vials, waste IU)
    ("nci-hd-il2-720k", 50): (36_000_000, 2.00, 2, 8_000_000),
    ("nci-hd-il2-720k", 70): (50_400_000, 2.80, 3, 15_600_000),
    ("nci-hd-il2-720k", 120): (86_400_000, 4.80, 4, 1_600_000),
    ("label-hd-il2-600k", 50): (30_000_000, 1.67, 2, 14_000_000),
    ("label-hd-il2-600k", 70): (42_000_000, 2.33, 2, 2_000_000),
    ("label-hd-il2-600k", 120): (72_000_000, 4.00, 4, 16_000_000),
    ("post-til-il2", 50): (30_000_000, 1.67, 2, 14_000_000),
    ("post-til-il2", 70): (42_000_000, 2.33, 2, 2_000_000),
    ("post-til-il2", 120): (72_000_000, 4.00, 4, 16_000_000),
}


def test_every_builtin_regimen_is_covered() -> None:
    assert {name for name, _ in HAND} == set(REGIMENS)


@pytest.mark.parametrize(("regimen", "kg"), sorted(HAND))
def test_dose_against_hand_calculation(regimen: str, kg: int) -> None:
    d = calculate_dose(kg, get_regimen(regimen))
    assert (d.dose_iu, d.volume_ml, d.vials, d.waste_iu) == pytest.approx(HAND[(regimen, kg)])


def test_exact_vial_multiple_needs_no_extra_vial() -> None:
    d = calculate_dose(55, 800_000)  # 44,000,000 IU = exactly 2 vials
    assert (d.vials, d.waste_iu) == (2, 0)


@pytest.mark.parametrize("kg", [19.9, 301, 180 * 2.2046])
def test_implausible_weight_refused_with_conversion(kg: float) -> None:
    with pytest.raises(ValueError, match="outside 20-300 kg"):
        calculate_dose(kg, 720_000)


def test_pounds_hint_in_message() -> None:
    with pytest.raises(ValueError, match=r"if 396.8 is pounds, that is 180.0 kg"):
        calculate_dose(396.8, 720_000)


def test_nci_schedule() -> None:
    s = dose_schedule(get_regimen("nci-hd-il2-720k"), 82, dt.datetime(2026, 12, 1, 8), courses=2)
    assert s.height == 60
    first = s.filter((s["course"] == 1) & (s["cycle"] == 1))
    assert first.height == 15
    assert str(first["scheduled_at"][-1]) == "2026-12-06 00:00:00"  # 14 x 8 h later
    cycle2 = s.filter((s["course"] == 1) & (s["cycle"] == 2))["scheduled_at"][0]
    assert str(cycle2) == "2026-12-15 08:00:00"  # day 15, as on the label
    course2 = s.filter(s["course"] == 2)["scheduled_at"][0]
    last_course1 = s.filter(s["course"] == 1)["scheduled_at"][-1]
    assert (course2 - last_course1).days == 42
    assert str(s["infusion_ends_at"][0]) == "2026-12-01 08:15:00"
    assert s["dose_iu"].unique().to_list() == [59_040_000.0]


def test_label_schedule_days_1_to_5_and_15_to_19() -> None:
    s = dose_schedule(get_regimen("label-hd-il2-600k"), 70, dt.datetime(2026, 1, 1, 8))
    days = sorted({(t.date() - dt.date(2026, 1, 1)).days + 1 for t in s["scheduled_at"]})
    assert days == [1, 2, 3, 4, 5, 15, 16, 17, 18, 19]
    assert s.height == 28


def test_post_til_is_one_cycle_of_six() -> None:
    s = dose_schedule(get_regimen("post-til-il2"), 70, dt.datetime(2026, 1, 1, 20))
    assert s.height == 6 and s["cycle"].unique().to_list() == [1]
