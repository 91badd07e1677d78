"""The demo's durability headline, from its derived data: 27 of 33, 39 to >148, 7.1 years."""

from __future__ import annotations

import polars as pl

from remission.analysis import duration_range, format_duration, potential_followup
from remission.derive import derive_study
from remission.simulate import demo_study


def test_demo_durability_headline() -> None:
    sim = demo_study()
    adtte = derive_study(sim.study)["adtte"]
    crdur = adtte.filter(pl.col("PARAMCD") == "CRDUR")
    deaths = sim.study.table("patients").select(pl.col("patient_id").alias("USUBJID"), "death_date")
    ongoing = crdur.join(deaths, on="USUBJID").filter(
        (pl.col("CNSR") == 1) & pl.col("death_date").is_null()
    )
    assert (ongoing.height, crdur.height) == (27, 33)
    r = duration_range(ongoing["AVAL"], ongoing["CNSR"])
    assert r.estimate_label == "39 to >148 months"
    starts = adtte.filter(pl.col("PARAMCD") == "OS")["STARTDT"]
    fu = potential_followup(starts, sim.study.config.cutoff_date)
    assert f"{fu.estimate:.1f}" == "7.1"
    assert format_duration(float(ongoing["AVAL"].max()), True) == "148+"
