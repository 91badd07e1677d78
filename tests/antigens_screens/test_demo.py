"""The SYNTHETIC demo screen tells its story through the analysis."""

from __future__ import annotations

import polars as pl

from remission.antigens.screens import analyse_screen, demo_screen


def test_demo_story():
    result = analyse_screen(demo_screen(seed=0))
    assert result.synthetic and "SYNTHETIC" in result.name
    assert result.identified[0] == "L07-S3-c4"
    assert {"MART-1_27-35", "MART-1_26-35"} <= set(result.identified)
    assert "MART-1_32-40" not in result.identified
    fits = {f.antigen: f for f in result.titration_fits}
    assert fits["gp100_209-217_2M"].ec50 < fits["gp100_209-217"].ec50  # analog left
    (ratio,) = result.analog_comparisons
    assert ratio.ci[0] > 1
    lysis = result.lysis.filter(pl.col("e_t_ratio") == 40.0).sort("target")
    assert lysis["lysis_pct"][0] > 50  # 624mel (HLA-A2+)
    assert lysis["lysis_pct"][1] < 10  # 888mel (HLA-A2-)
    lu = result.lytic_units.sort("target")["lu_per_1e6_effectors"].to_list()
    assert lu[0] > 10 * lu[1]
    spots = result.positivity.filter(pl.col("readout") == "spots_per_well").sort("antigen")
    assert spots["dfr_positive"].to_list() == [True, False]


def test_demo_is_reproducible_and_seeded():
    assert demo_screen(1).plates.equals(demo_screen(1).plates)
    assert not demo_screen(1).plates.equals(demo_screen(2).plates)


def test_demo_holds_for_other_seeds():
    for seed in range(1, 6):
        result = analyse_screen(demo_screen(seed))
        assert result.identified[0] == "L07-S3-c4"
        assert result.analog_comparisons[0].estimate > 5
