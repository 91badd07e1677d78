"""The demo study reproduces the 1998 series' aggregates from its raw records (seed 0).

Every number is computed here from the raw tables (or, for best response, by the independent
oracle in ``who_oracle.py``), never read from the simulator's truth, except where a test
checks that the truth and the records agree.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from remission.simulate import DAYS_PER_MONTH, Simulation, demo_study, simulate
from tests.simulate.who_oracle import best_response


@pytest.fixture(scope="module")
def demo() -> Simulation:
    return demo_study()


@pytest.fixture(scope="module")
def bor(demo: Simulation) -> pl.DataFrame:
    s = demo.study
    return best_response(s.table("patients"), s.table("lesions"), s.table("measurements")).join(
        s.table("patients").select("patient_id", "histology", "treatment_start", "death_date"),
        on="patient_id",
    )


def _count(bor: pl.DataFrame, histology: str, response: str) -> int:
    return bor.filter((pl.col("histology") == histology) & (pl.col("bor") == response)).height


def test_patients_by_histology(demo: Simulation) -> None:
    counts = dict(demo.study.patients.group_by("histology").len().iter_rows())
    assert counts == {"melanoma": 182, "renal": 227}


def test_complete_responses_melanoma(bor: pl.DataFrame) -> None:
    assert _count(bor, "melanoma", "CR") == 12  # 6.6% of 182


def test_complete_responses_renal(bor: pl.DataFrame) -> None:
    assert _count(bor, "renal", "CR") == 21  # 9.3% of 227


def test_partial_responses(bor: pl.DataFrame) -> None:
    assert _count(bor, "melanoma", "PR") + _count(bor, "renal", "PR") == 37
    assert (_count(bor, "melanoma", "PR"), _count(bor, "renal", "PR")) == (17, 20)


def test_records_agree_with_truth_per_patient(demo: Simulation, bor: pl.DataFrame) -> None:
    joined = bor.join(
        demo.truth.select("patient_id", pl.col("bor").alias("truth")), on="patient_id"
    )
    assert joined.filter(pl.col("bor") != pl.col("truth")).height == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counts_hold_for_other_seeds(seed: int) -> None:
    s = simulate(409, seed).study
    b = best_response(s.table("patients"), s.table("lesions"), s.table("measurements"))
    counts = dict(b.group_by("bor").len().iter_rows())
    assert (counts["CR"], counts["PR"]) == (33, 37)


def _cr_followup(demo: Simulation, bor: pl.DataFrame) -> pl.DataFrame:
    """Complete responders: progression after CR?, alive?, months from start to last scan."""
    s = demo.study
    m = s.table("measurements").join(
        s.table("lesions").select("patient_id", "lesion_id", "first_seen_on"),
        on=["patient_id", "lesion_id"],
    )
    baseline = m.group_by("patient_id").agg(pl.col("assessed_on").min().alias("b"))
    new = (
        m.join(baseline, on="patient_id")
        .filter(pl.col("first_seen_on") > pl.col("b"))
        .group_by("patient_id")
        .agg(pl.col("first_seen_on").min().alias("relapse_on"))
    )
    last = m.group_by("patient_id").agg(pl.col("assessed_on").max().alias("last_scan"))
    return (
        bor.filter(pl.col("bor") == "CR")
        .join(new, on="patient_id", how="left")
        .join(last, on="patient_id")
        .with_columns(
            (pl.col("relapse_on").is_null() & pl.col("death_date").is_null()).alias("ongoing"),
            (
                (pl.col("last_scan") - pl.col("treatment_start")).dt.total_days() / DAYS_PER_MONTH
            ).alias("months"),
        )
    )


def test_ongoing_complete_responses(demo: Simulation, bor: pl.DataFrame) -> None:
    cr = _cr_followup(demo, bor)
    assert cr.height == 33
    assert cr["ongoing"].sum() == 27  # 82%


def test_ongoing_durations_39_to_more_than_148_months(demo: Simulation, bor: pl.DataFrame) -> None:
    months = _cr_followup(demo, bor).filter("ongoing")["months"]
    assert int(months.min()) == 39
    assert int(months.max()) == 148
    assert round(months.min()) == 39 and round(months.max()) == 148


def test_median_potential_followup_7_1_years(demo: Simulation) -> None:
    cutoff = demo.study.config.cutoff_date
    years = demo.study.patients.select(
        ((pl.lit(cutoff) - pl.col("treatment_start")).dt.total_days() / 365.25).median()
    ).item()
    assert abs(years - 7.1) <= 0.1
    assert f"{years:.1f}" == "7.1"


def test_treatment_window(demo: Simulation) -> None:
    starts = demo.study.patients["treatment_start"]
    assert str(starts.min()) >= "1985-09-01" and str(starts.max()) <= "1996-11-30"


def _course1_doses(demo: Simulation) -> pl.DataFrame:
    d = demo.study.doses
    return (
        d.filter((pl.col("course") == 1) & (pl.col("status") == "given"))
        .group_by("patient_id")
        .len(name="doses")
    )


def test_course1_doses_in_published_range(demo: Simulation, bor: pl.DataFrame) -> None:
    doses = _course1_doses(demo).join(bor, on="patient_id")
    assert doses.height == 409
    assert doses["doses"].max() <= 30 and doses["doses"].min() >= 1
    responders = doses.filter(pl.col("bor").is_in(["CR", "PR"]))["doses"].mean()
    others = doses.filter(~pl.col("bor").is_in(["CR", "PR", "NE"]))["doses"].mean()
    # Phan 2001: 16.2 (SEM 0.3) in responders, 14.5 (SEM 0.2) in non-responders
    assert 15.2 <= responders <= 17.2
    assert 13.7 <= others <= 15.3
    per_cycle = (
        demo.study.doses.filter(pl.col("status") == "given")
        .group_by("patient_id", "course", "cycle")
        .len()["len"]
    )
    assert per_cycle.max() <= 15
    assert 6.0 <= per_cycle.mean() <= 9.0  # "about 7-8 per cycle"


def test_prior_immunotherapy_less_frequent_in_cr(demo: Simulation, bor: pl.DataFrame) -> None:
    prior = demo.study.prior_therapies.filter(pl.col("category") == "immunotherapy")
    flag = bor.with_columns(
        pl.col("patient_id").is_in(prior["patient_id"].implode()).alias("p"),
        (pl.col("bor") == "CR").alias("cr"),
    )
    table = [
        [
            flag.filter(pl.col("cr") & pl.col("p")).height,
            flag.filter(pl.col("cr") & ~pl.col("p")).height,
        ],
        [
            flag.filter(~pl.col("cr") & pl.col("p")).height,
            flag.filter(~pl.col("cr") & ~pl.col("p")).height,
        ],
    ]
    odds, p = stats.fisher_exact(table)
    assert odds < 1 and p < 0.05


def test_more_doses_in_complete_responders(demo: Simulation, bor: pl.DataFrame) -> None:
    doses = _course1_doses(demo).join(bor, on="patient_id")
    cr = doses.filter(pl.col("bor") == "CR")["doses"].to_numpy()
    other = doses.filter(pl.col("bor") != "CR")["doses"].to_numpy()
    result = stats.mannwhitneyu(cr, other, alternative="two-sided")
    assert np.median(cr) > np.median(other) and result.pvalue < 0.05


def test_higher_rebound_in_complete_responders(demo: Simulation, bor: pl.DataFrame) -> None:
    labs = demo.study.labs.with_columns(
        pl.when(pl.col("unit") == "10^9/L")
        .then(pl.col("value") * 1000)
        .otherwise(pl.col("value"))
        .alias("per_ul")
    )
    peak = labs.group_by("patient_id").agg(pl.col("per_ul").max()).join(bor, on="patient_id")
    cr = peak.filter(pl.col("bor") == "CR")["per_ul"].to_numpy()
    other = peak.filter(pl.col("bor") != "CR")["per_ul"].to_numpy()
    result = stats.mannwhitneyu(cr, other, alternative="two-sided")
    assert np.median(cr) > np.median(other) and result.pvalue < 0.05


def test_lymphopenia_during_and_rebound_after_dosing(demo: Simulation) -> None:
    labs = demo.study.labs.with_columns(
        pl.when(pl.col("unit") == "10^9/L")
        .then(pl.col("value") * 1000)
        .otherwise(pl.col("value"))
        .alias("per_ul")
    )
    assert labs["per_ul"].min() < 500
    assert labs["per_ul"].max() > 3000
    assert set(labs["unit"].unique()) == {"cells/uL", "10^9/L"}


def test_deterministic_for_a_seed() -> None:
    a, b, c = simulate(100, 7), simulate(100, 7), simulate(100, 8)
    for name in a.study.tables:
        assert a.study.tables[name].equals(b.study.tables[name])
    assert not a.study.tables["doses"].equals(c.study.tables["doses"])


def test_labelled_synthetic(demo: Simulation) -> None:
    cfg = demo.study.config
    assert cfg.synthetic is True
    assert "SYNTHETIC" in cfg.name and "SYNTHETIC" in cfg.description
    assert demo.study.patients["patient_id"].str.starts_with("SYN-").all()


def test_scales_with_proportions_kept() -> None:
    sim = simulate(4090, 5)
    counts = dict(sim.truth.group_by("bor").len().iter_rows())
    assert counts["CR"] == 330 and counts["PR"] == 370
    assert sim.truth["cr_ongoing"].sum() == 270


def test_hold_reasons_and_stop_rule(demo: Simulation) -> None:
    d = demo.study.doses
    held = d.filter(pl.col("status") == "held")
    assert held["hold_reason"].null_count() == 0
    holds_per_cycle = held.group_by("patient_id", "course", "cycle").len()["len"]
    assert holds_per_cycle.max() <= 3  # the cycle stops at the third held dose
