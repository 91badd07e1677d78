"""% specific lysis and lytic units, hand-computed."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from remission.antigens.screens import fit_lysis_curve, lytic_units, specific_lysis


def _chromium():
    # spontaneous mean 200, maximum mean 2200 (range 2000)
    return pl.DataFrame(
        {
            "plate": ["C"] * 8,
            "effector": [None, None, None, None, "TIL", "TIL", "TIL", "TIL"],
            "target": ["624mel"] * 8,
            "e_t_ratio": [None, None, None, None, 40.0, 40.0, 10.0, 10.0],
            "role": [
                "spontaneous",
                "spontaneous",
                "maximum",
                "maximum",
                "test",
                "test",
                "test",
                "test",
            ],
            "readout": ["cr51_counts"] * 8,
            "value": [190.0, 210.0, 2100.0, 2300.0, 1400.0, 1200.0, 600.0, 100.0],
        },
        schema_overrides={"effector": pl.String},
    )


def test_specific_lysis_hand_computed():
    lysis = specific_lysis(_chromium())
    assert lysis["e_t_ratio"].to_list() == [40.0, 10.0]
    # (1400 - 200) / 2000 = 60 %, (1200 - 200) / 2000 = 50 %: mean 55
    # (600 - 200) / 2000 = 20 %, (100 - 200) / 2000 = -5 % (kept, not truncated): mean 7.5
    assert lysis["lysis_pct"].to_list() == pytest.approx([55.0, 7.5])
    assert lysis["lysis_values"].to_list() == [
        pytest.approx([60.0, 50.0]),
        pytest.approx([20.0, -5.0]),
    ]
    assert lysis["spontaneous_pct"][0] == pytest.approx(200 / 2200 * 100)


def test_lysis_curve_and_lu30_hand_computed():
    x = np.array([40.0, 20.0, 10.0, 5.0])
    a, k = 60.0, 0.1
    y = a * (1 - np.exp(-k * x))
    assert fit_lysis_curve(x, y) == pytest.approx((a, k), rel=1e-8)
    lysis = pl.DataFrame(
        {
            "plate": ["C"] * 4,
            "effector": ["TIL"] * 4,
            "target": ["m"] * 4,
            "e_t_ratio": x,
            "lysis_values": [[v] for v in y],
        }
    )
    units = lytic_units(lysis).row(0, named=True)
    et30 = -np.log(1 - 30 / 60) / 0.1  # = 6.931 effectors per target
    assert units["e_t_at_percent"] == pytest.approx(et30, rel=1e-8)
    assert units["lu_per_1e6_effectors"] == pytest.approx(1e6 / (et30 * 5000), rel=1e-8)
    lu20 = lytic_units(lysis, percent=20, targets_per_well=10_000)["lu_per_1e6_effectors"][0]
    assert lu20 == pytest.approx(1e6 / (-np.log(1 - 20 / 60) / 0.1 * 10_000), rel=1e-8)


def test_no_lytic_units_when_plateau_below_percent():
    x = np.array([40.0, 20.0, 10.0])
    lysis = pl.DataFrame(
        {
            "plate": ["C"] * 3,
            "effector": ["TIL"] * 3,
            "target": ["m"] * 3,
            "e_t_ratio": x,
            "lysis_values": [[v] for v in 20 * (1 - np.exp(-0.2 * x))],
        }
    )
    row = lytic_units(lysis).row(0, named=True)
    assert row["lu_per_1e6_effectors"] == 0.0
    assert row["e_t_at_percent"] is None
