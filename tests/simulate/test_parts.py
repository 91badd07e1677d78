"""A cohort simulated a chunk of patients at a time (``simulate_parts``) is one cohort.

The cohort-wide draws are made once, so the calibrated counts hold for the whole cohort; the
records of each chunk come from its own random stream and never reach across patients.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from remission.derive import derive_study
from remission.simulate import Calibration, Simulation, simulate, simulate_parts
from remission.study import ROW_COLUMN, TABLES, load, write_study_parts
from tests.simulate.who_oracle import best_response

N, CHUNK = 230, 100


@pytest.fixture(scope="module")
def chunks() -> list[Simulation]:
    return list(simulate_parts(N, seed=3, chunk_patients=CHUNK))


@pytest.fixture(scope="module")
def whole(chunks: list[Simulation]) -> dict[str, pl.DataFrame]:
    return {name: pl.concat([c.study.tables[name] for c in chunks]) for name in TABLES}


def test_chunks_hold_consecutive_patients(chunks: list[Simulation]) -> None:
    assert [c.study.patients.height for c in chunks] == [100, 100, 30]
    ids = pl.concat([c.study.patients["patient_id"] for c in chunks])
    assert ids.to_list() == [f"SYN-{k:04d}" for k in range(1, N + 1)]
    for c in chunks:
        own = set(c.study.patients["patient_id"])
        for name in ("doses", "lesions", "measurements", "labs", "prior_therapies"):
            assert set(c.study.tables[name]["patient_id"]) <= own, name
    assert len({c.study.config for c in chunks}) == 1


def test_rows_are_numbered_as_in_the_whole_table(whole: dict[str, pl.DataFrame]) -> None:
    for name, table in whole.items():
        assert table[ROW_COLUMN].to_list() == list(range(2, table.height + 2)), name


def test_calibrated_counts_hold_for_the_cohort(chunks: list[Simulation]) -> None:
    cal = Calibration().scaled(N)
    patients = pl.concat([c.study.patients for c in chunks])
    lesions = pl.concat([c.study.table("lesions") for c in chunks])
    measurements = pl.concat([c.study.table("measurements") for c in chunks])
    bor = best_response(patients, lesions, measurements).join(
        patients.select("patient_id", "histology"), on="patient_id"
    )
    counts = dict(bor.group_by("histology", "bor").len().select(
        pl.concat_str("histology", "bor", separator=" "), "len").iter_rows())  # fmt: skip
    assert patients.filter(pl.col("histology") == "melanoma").height == cal.n_melanoma
    assert (counts["melanoma CR"], counts["renal CR"]) == (cal.cr_melanoma, cal.cr_renal)
    assert (counts["melanoma PR"], counts["renal PR"]) == (cal.pr_melanoma, cal.pr_renal)
    truth = pl.concat([c.truth for c in chunks])
    assert truth["cr_ongoing"].sum() == cal.cr_ongoing
    # the records of every patient agree with the generator's truth, in every chunk
    joined = bor.join(truth.select("patient_id", pl.col("bor").alias("t")), on="patient_id")
    assert joined.filter(pl.col("bor") != pl.col("t")).height == 0


def test_one_chunk_is_the_unchunked_simulation() -> None:
    one = next(simulate_parts(120, seed=5, chunk_patients=120))
    again = simulate(120, seed=5)
    for name in TABLES:
        assert one.study.tables[name].equals(again.study.tables[name]), name
    assert one.truth.equals(again.truth)


def test_other_chunk_sizes_give_another_valid_cohort(whole: dict[str, pl.DataFrame]) -> None:
    other = list(simulate_parts(N, seed=3, chunk_patients=70))
    patients = pl.concat([c.study.patients for c in other])
    # the cohort-wide draws are the same; records come from other streams
    assert patients.select("patient_id", "histology", "treatment_start").equals(
        whole["patients"].select("patient_id", "histology", "treatment_start")
    )


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_in_chunks_loads_as_the_cohort(
    tmp_path: Path, fmt: str, chunks: list[Simulation], whole: dict[str, pl.DataFrame]
) -> None:
    folder = write_study_parts((c.study for c in chunks), tmp_path / "s", fmt)  # type: ignore[arg-type]
    study = load(folder)
    for name in TABLES:
        got, want = study.tables[name], whole[name]
        if want.is_empty():
            assert got.is_empty(), name
            continue
        assert got.drop(ROW_COLUMN).equals(want.drop(ROW_COLUMN)), name
    derived = derive_study(study)
    assert derived["adsl"].height == N


def test_write_study_parts_needs_a_part(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no part"):
        write_study_parts([], tmp_path / "s")
    assert not (tmp_path / "s").exists()
