"""Response and durability of the demo study, derived from its raw lesion measurements."""

from __future__ import annotations

import polars as pl
import pytest

from remission.derive import (
    RECIST_1_1,
    WHO,
    derive_adrs,
    derive_study,
    overall_responses,
    subject_dates,
)
from remission.simulate import DAYS_PER_MONTH, Simulation, demo_study


@pytest.fixture(scope="module")
def demo() -> Simulation:
    return demo_study()


@pytest.fixture(scope="module")
def frames(demo: Simulation) -> dict[str, pl.DataFrame]:
    return derive_study(demo.study)


def _by_histology(demo: Simulation, adrs: pl.DataFrame, param: str) -> dict[tuple[str, str], int]:
    hist = demo.study.table("patients").select(pl.col("patient_id").alias("USUBJID"), "histology")
    rows = adrs.filter(pl.col("PARAMCD") == param).join(hist, on="USUBJID")
    return {(h, v): n for h, v, n in rows.group_by("histology", "AVALC").len().rows()}


@pytest.mark.parametrize("param", ["BOR", "CBOR"])
def test_demo_responses_from_measurements(demo: Simulation, frames: dict, param: str) -> None:
    counts = _by_histology(demo, frames["adrs"], param)
    assert counts[("melanoma", "CR")] == 12 and counts[("renal", "CR")] == 21
    assert counts[("melanoma", "PR")] + counts[("renal", "PR")] == 37


def test_demo_equals_truth_per_patient(demo: Simulation, frames: dict) -> None:
    bor = (
        frames["adrs"]
        .filter(pl.col("PARAMCD") == "CBOR")
        .select("USUBJID", pl.col("AVALC").replace("MISSING", "NE").alias("derived"))
    )
    truth = demo.truth.select(pl.col("patient_id").alias("USUBJID"), "bor")
    joined = bor.join(truth, on="USUBJID")
    assert joined.height == 409
    assert joined.filter(pl.col("derived") != pl.col("bor")).height == 0


def test_demo_recist_gives_the_same_best_responses(demo: Simulation) -> None:
    subjects = subject_dates(demo.study, RECIST_1_1)
    adrs = derive_adrs(overall_responses(demo.study, "measurements", RECIST_1_1), subjects)
    who = derive_adrs(overall_responses(demo.study, "measurements", WHO), subject_dates(demo.study))
    pick = pl.col("PARAMCD") == "CBOR"
    assert adrs.filter(pick)["AVALC"].to_list() == who.filter(pick)["AVALC"].to_list()


def test_demo_ongoing_complete_responses(demo: Simulation, frames: dict) -> None:
    crdur = frames["adtte"].filter(pl.col("PARAMCD") == "CRDUR")
    assert crdur.height == 33
    deaths = demo.study.table("patients").select(
        pl.col("patient_id").alias("USUBJID"), "death_date"
    )
    ongoing = crdur.join(deaths, on="USUBJID").filter(
        (pl.col("CNSR") == 1) & pl.col("death_date").is_null()
    )
    assert ongoing.height == 27
    months = ongoing["AVAL"] / DAYS_PER_MONTH
    assert int(months.min()) == 39 and int(months.max()) == 148  # "39 to more than 148 months"
    truth = demo.truth.filter(pl.col("cr_ongoing")).select(
        pl.col("patient_id").alias("USUBJID"), "cr_duration_days"
    )
    both = ongoing.join(truth, on="USUBJID")
    assert both.height == 27
    assert (both["AVAL"] - both["cr_duration_days"]).to_list() == [1.0] * 27  # end - start + 1


def test_demo_relapses_are_events(frames: dict) -> None:
    crdur = frames["adtte"].filter(pl.col("PARAMCD") == "CRDUR")
    assert crdur.filter(pl.col("CNSR") == 0)["EVNTDESC"].unique().to_list() == ["Relapse"]
    assert crdur.filter(pl.col("CNSR") == 0).height == 6


def test_demo_burden_changes(frames: dict) -> None:
    adtr = frames["adtr"]
    best = adtr.filter(pl.col("ABLFL").is_null()).group_by("USUBJID").agg(pl.col("PCHG").min())
    assert best.filter(pl.col("PCHG") == -100).height >= 33  # every complete responder
    assert adtr["PARAMCD"].unique().to_list() == ["SPD"]
