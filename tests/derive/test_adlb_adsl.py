"""ADLB (lymphocyte rebound) and ADSL against the simulator's truth and hand-made labs."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from remission.derive import derive_adlb, derive_study, lymphocytes_per_ul
from remission.simulate import Simulation, demo_study, simulate


@pytest.fixture(scope="module")
def demo() -> Simulation:
    return demo_study()


@pytest.mark.parametrize("seed", [0, 7])
def test_rebound_equals_truth_for_every_patient(seed: int) -> None:
    sim = demo_study() if seed == 0 else simulate(2000, seed)
    adlb = derive_adlb(sim.study.labs, sim.study.doses)
    patient = adlb.filter(pl.col("COURSE").is_null()).pivot(
        on="PARAMCD", index="USUBJID", values="AVAL"
    )
    truth = sim.truth.select(
        pl.col("patient_id").alias("USUBJID"),
        "max_rebound_per_ul",
        "max_rebound_course1_per_ul",
        "baseline_lymphocytes_per_ul",
    )
    both = patient.join(truth, on="USUBJID", how="full", coalesce=True)
    assert both.height == sim.study.patients.height
    assert both.filter(pl.col("LYMMAX") != pl.col("max_rebound_per_ul")).height == 0
    assert both.filter(pl.col("LYMMAXC1") != pl.col("max_rebound_course1_per_ul")).height == 0
    assert both.filter(pl.col("LYMBL") != pl.col("baseline_lymphocytes_per_ul")).height == 0


def test_units_are_harmonised() -> None:
    t = dt.datetime(2020, 1, 1, 6)
    labs = pl.DataFrame(
        {
            "patient_id": ["a"] * 5,
            "drawn_at": [
                t,
                t,
                t + dt.timedelta(days=1),
                t + dt.timedelta(days=2),
                t + dt.timedelta(days=3),
            ],
            "analyte": ["lymphocytes", "wbc", "lymphocytes", "lymphocytes", "lymphocytes"],
            "value": [20.0, 8.0, 1.45, 1450.0, 1450.0],
            "unit": ["%", "10^9/L", "10^9/L", "/mm3", "10^3/uL"],
        }
    )
    assert lymphocytes_per_ul(labs)["per_ul"].to_list() == [1600.0, 1450.0, 1450.0, 1450000.0]


def test_phases_of_a_cycle(demo: Simulation) -> None:
    adlb = derive_adlb(demo.study.labs, demo.study.doses)
    counts = adlb.filter(pl.col("PARAMCD") == "LYMPH")
    assert set(counts["APHASE"].unique()) == {"baseline", "during", "rebound"}
    per_cycle = adlb.filter(pl.col("CYCLE").is_not_null() & (pl.col("PARAMCD") != "LYMPH"))
    wide = per_cycle.pivot(on="PARAMCD", index=["USUBJID", "COURSE", "CYCLE"], values="AVAL")
    # IL-2: lymphopenia during dosing, rebound above baseline after it
    assert (wide["LYMNAD"] < wide["LYMBL"]).all()
    assert (wide["LYMMAX"] > wide["LYMBL"]).mean() > 0.99
    assert ((wide["LYMFCBL"] - wide["LYMMAX"] / wide["LYMBL"]).abs() < 1e-12).all()


def test_adsl_equals_truth(demo: Simulation) -> None:
    adsl = derive_study(demo.study)["adsl"]
    assert adsl.height == 409
    truth = demo.truth.select(
        pl.col("patient_id").alias("USUBJID"),
        "course1_doses_given",
        "doses_given",
        "n_courses",
        "prior_immunotherapy",
        "bor",
        "max_rebound_course1_per_ul",
        "sc_only",
    )
    both = adsl.join(truth, on="USUBJID")
    assert (both["C1DOSES"] == both["course1_doses_given"]).all()
    assert (both["DOSGIVN"] == both["doses_given"]).all()
    assert (both["NCOURSES"] == both["n_courses"]).all()
    assert ((both["PRIORIT"] == "Y") == both["prior_immunotherapy"]).all()
    assert ((both["CRFL"] == "Y") == (both["bor"] == "CR")).all()
    assert ((both["ORFL"] == "Y") == both["bor"].is_in(["CR", "PR"])).all()
    assert (both["LYMMAXC1"] == both["max_rebound_course1_per_ul"]).all()
    # the generator's s.c.-only patients have only skin/subcutaneous lesions; others may too
    assert (both.filter(pl.col("sc_only"))["SCONLY"] == "Y").all()
    assert adsl["SYNTHFL"].unique().to_list() == ["Y"]
    assert f"{adsl['PFUYRS'].median():.1f}" == "7.1"


def test_adsl_refuses_an_adrs_with_two_best_responses_for_a_subject() -> None:
    from remission.derive import derive_adsl, reference_dates

    study = simulate(n_patients=30, seed=1).study
    frames = derive_study(study)
    adrs = frames["adrs"]
    twice = pl.concat([adrs, adrs.filter(pl.col("PARAMCD") == "CBOR").head(1)])
    t = study.table
    with pytest.raises(ValueError, match="more than one CBOR record"):
        derive_adsl(
            t("patients"),
            reference_dates(t("patients")),
            t("prior_therapies"),
            t("lesions"),
            t("measurements"),
            adrs=twice,
            cutoff_date=study.config.cutoff_date,
            synthetic=True,
        )
