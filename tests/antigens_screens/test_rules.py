"""Positivity rules, hand-computed, and the DFR permutation test."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from remission.antigens.screens import (
    DEFAULT_RULES,
    ELISPOT_RULE,
    FLOW_41BB_RULE,
    IFNG_ELISA_RULE,
    PositivityRule,
    call_positivity,
    dfr_stepdown,
    dfr_test,
)


@pytest.mark.parametrize(
    ("rule", "mean", "background", "expected"),
    [
        # IFN-gamma: >= 2x background and >= 200 pg/mL
        (IFNG_ELISA_RULE, 400.0, 200.0, True),  # exactly 2x and above the floor
        (IFNG_ELISA_RULE, 399.0, 200.0, False),  # 1.995x
        (IFNG_ELISA_RULE, 200.0, 50.0, True),  # exactly the floor, 4x
        (IFNG_ELISA_RULE, 199.0, 10.0, False),  # 19.9x but below 200 pg/mL
        # ELISPOT: >= 2x background and >= 20 spots above background
        (ELISPOT_RULE, 40.0, 20.0, True),  # 2x, 20 above
        (ELISPOT_RULE, 29.0, 10.0, False),  # 2.9x, only 19 above background
        (ELISPOT_RULE, 30.0, 10.0, True),  # 3x, 20 above
        # 4-1BB: >= 2x background and >= 1 %
        (FLOW_41BB_RULE, 1.0, 0.5, True),
        (FLOW_41BB_RULE, 0.9, 0.1, False),  # 9x but below 1 %
        (FLOW_41BB_RULE, 5.0, 2.6, False),  # 1.92x
    ],
)
def test_rules_hand_computed(rule, mean, background, expected):
    assert rule.is_positive(mean, background) is expected


def test_elispot_fold_boundary():
    # 39 >= 2 x 19 = 38 and 39 - 19 = 20 >= 20: positive; the parametrised case above is
    # the near miss 39 vs 19.6 (39 < 39.2) made explicit here.
    assert ELISPOT_RULE.is_positive(39.0, 19.0) is True
    assert ELISPOT_RULE.is_positive(39.0, 19.6) is False


def test_defaults_cover_every_non_chromium_readout_and_cite_a_source():
    assert set(DEFAULT_RULES) == {"ifng_pg_ml", "spots_per_well", "pct_41bb_of_cd8"}
    assert all(r.source and r.description for r in DEFAULT_RULES.values())


def _plate(readout, test_values, bg_values, antigen="pep"):
    n_bg = len(bg_values)
    return pl.DataFrame(
        {
            "plate": ["P"] * (len(test_values) + n_bg),
            "effector": ["TIL"] * (len(test_values) + n_bg),
            "target": ["T2"] * (len(test_values) + n_bg),
            "antigen": [antigen] * len(test_values) + [None] * n_bg,
            "concentration": [1.0] * len(test_values) + [None] * n_bg,
            "role": ["test"] * len(test_values) + ["background"] * n_bg,
            "readout": [readout] * (len(test_values) + n_bg),
            "value": [float(v) for v in [*test_values, *bg_values]],
        },
        schema_overrides={"antigen": pl.String, "concentration": pl.Float64},
    )


def test_call_positivity_summarises_replicates():
    calls = call_positivity(_plate("ifng_pg_ml", [300, 500], [90, 110]))
    row = calls.row(0, named=True)
    assert (row["n_replicates"], row["mean"], row["background"], row["fold"]) == (
        2,
        400.0,
        100.0,
        4.0,
    )
    assert row["sd"] == pytest.approx(141.4213562, rel=1e-9)
    assert row["positive"] is True
    assert row["rule"] == IFNG_ELISA_RULE.name
    assert row["dfr_p"] is None


def test_rules_are_overridable():
    strict = PositivityRule("x3 and 500", "ifng_pg_ml", 3.0, 500.0)
    calls = call_positivity(_plate("ifng_pg_ml", [300, 500], [90, 110]), {"ifng_pg_ml": strict})
    assert calls["positive"].to_list() == [False]
    assert calls["rule"].to_list() == ["x3 and 500"]


def test_dfr_exact_hand_computed():
    # 6 wells, C(6,3) = 20 splits; the observed split is the single most extreme one.
    assert dfr_test([10, 12, 11], [1, 2, 3]) == pytest.approx(1 / 20)
    # identical values: every split ties the observed statistic -> p = 1
    assert dfr_test([5, 5, 5], [5, 5, 5]) == pytest.approx(1.0)
    # DFR(2x): control doubled to [2, 4, 6]; [10, 12, 11] still the top split -> 1/20
    assert dfr_test([10, 12, 11], [1, 2, 3], fold=2) == pytest.approx(1 / 20)
    # experimental [4, 5, 6] vs doubled control [4, 6, 8]: pooled sum 33, observed
    # 5 - 6 = -1, i.e. a split is as extreme when its 3 wells sum to >= 15. By hand: all 10
    # splits holding the 8 (pairs of the rest sum >= 8); of the 10 without it, those leaving
    # out a pair summing <= 10 (7 of them): 17 of 20.
    assert dfr_test([4, 5, 6], [2, 3, 4], fold=2) == pytest.approx(17 / 20)


def test_dfr_resampling_close_to_exact():
    exact = dfr_test([30, 25, 28, 40], [10, 30, 12, 9, 11, 26])
    sampled = dfr_test([30, 25, 28, 40], [10, 30, 12, 9, 11, 26], max_exact=1, n_resamples=50_000)
    assert sampled == pytest.approx(exact, abs=0.01)


def _two_antigens() -> pl.DataFrame:
    return pl.concat(
        [
            _plate("spots_per_well", [60, 70, 65, 80], [5, 7, 6, 4], antigen="a"),
            _plate("spots_per_well", [8, 6, 7, 5], [], antigen="b"),
        ]
    )


def test_elispot_calls_carry_dfr_with_moodies_stepdown():
    calls = call_positivity(_two_antigens()).sort("antigen")
    # a: under DFR(2x) the control is [10, 14, 12, 8]; the observed split is the single most
    # extreme of C(8,4) = 70 -> 1/70. Step-down max-T: a has the larger statistic (57.75);
    # over the 70 joint reassignments max(t_a, t_b) reaches it only at the observed one
    # (b's largest is 11 - 6.5 = 4.5) -> 1/70; b's observed split is its smallest -> 1.
    assert calls["dfr_p"][0] == pytest.approx(1 / 70)
    assert calls["dfr_p_adjusted"].to_list() == pytest.approx([1 / 70, 1.0])
    assert set(calls["dfr_adjustment"]) == {"step-down max-T (Moodie)"}
    assert calls["dfr_positive"].to_list() == [True, False]
    assert calls["positive"].to_list() == [True, False]


def test_holm_stays_an_option():
    calls = call_positivity(_two_antigens(), dfr_adjust="holm").sort("antigen")
    assert calls["dfr_p_adjusted"][0] == pytest.approx(2 / 70)  # Holm x2: a is first
    assert set(calls["dfr_adjustment"]) == {"Holm"}
    with pytest.raises(ValueError, match="dfr_adjust is 'stepdown' or 'holm', not 'bh'"):
        call_positivity(_two_antigens(), dfr_adjust="bh")


def test_stepdown_needs_equal_replicates_else_holm_says_why():
    plates = pl.concat(
        [
            _plate("spots_per_well", [60, 70, 65], [5, 7, 6, 4], antigen="a"),
            _plate("spots_per_well", [8, 6, 7, 5], [], antigen="b"),
        ]
    )
    calls = call_positivity(plates)
    assert set(calls["dfr_adjustment"]) == {"Holm (replicate numbers differ)"}
    with pytest.raises(ValueError, match="same number of wells for every antigen"):
        dfr_stepdown([[1, 2, 3], [1, 2]], [0, 1])


def test_stepdown_of_one_antigen_is_the_dfr_test():
    exp, ctl = [30, 25, 28, 40], [10, 30, 12, 9, 11, 26]
    for fold in (1, 2):
        assert dfr_stepdown([exp], ctl, fold=fold)[0] == pytest.approx(
            dfr_test(exp, ctl, fold=fold)
        )


def test_stepdown_is_monotone_and_never_below_the_unadjusted_p():
    rng = np.random.default_rng(5)
    ctl = rng.poisson(8, 6)
    exps = [rng.poisson(lam, 3) for lam in (40, 25, 12, 9, 8)]
    adjusted = dfr_stepdown(exps, ctl)
    marginal = np.array([dfr_test(e, ctl) for e in exps])
    assert np.all(adjusted >= marginal - 1e-12)  # never below the unadjusted p
    observed = np.array([e.mean() for e in exps])
    order = np.argsort(-observed)
    assert np.all(np.diff(adjusted[order]) >= -1e-12)  # monotone in the statistic
    # the largest statistic: share of reassignments whose maximum over all reaches it
    assert adjusted[order[0]] <= min(1.0, marginal.sum())


def test_titration_rows_carry_concentration_and_unit_as_data():
    from remission.antigens.screens import demo_screen

    calls = call_positivity(demo_screen().plates)
    gp100 = calls.filter(pl.col("antigen") == "gp100_209-217")
    assert gp100["concentration"].to_list() == [0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0]
    assert set(gp100["concentration_unit"]) == {"nM"}
    assert not [
        c for c in calls.columns if c.startswith("concentration_") and c != "concentration_unit"
    ]
    assert gp100.select("plate", "antigen", "concentration").is_unique().all()


def test_the_report_shows_each_rule_once_per_assay():
    from remission.antigens.screens import analyse_screen, demo_screen
    from remission.report._antigens import antigen_section

    section = antigen_section(demo_screen(), analyse_screen(demo_screen()))
    tables = {t.key: t.frame for t in section.tables}
    assert "rule" not in tables["screen_calls"].columns
    assert {"concentration", "unit"} <= set(tables["screen_calls"].columns)
    rules = tables["screen_rules"]
    assert rules.select("readout", "rule").rows() == [
        ("ifng_pg_ml", IFNG_ELISA_RULE.name),
        ("spots_per_well", "spots >= 2x background and >= 20 per well (background subtracted)"),
        ("pct_41bb_of_cd8", "4-1BB+ of CD8 >= 2x background and >= 1 %"),
    ]
    assert rules["plates"][0].startswith("cDNA-library, cDNA-subpools, cDNA-clones")
    svg = next(f.svg for f in section.figures if f.key == "screen_heatmap")
    assert "gp100_209-217 at 0.001 nM" in svg  # every titration row labelled with its unit
