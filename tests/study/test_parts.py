"""``parquet_parts``: which study folders are read a part at a time, and what a part holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from remission.simulate import simulate_study
from remission.study import Study, check_study, load, parquet_parts, write_study


@pytest.fixture(scope="module")
def study() -> Study:
    return simulate_study(n_patients=60, seed=4)


@pytest.fixture
def folder(study: Study, tmp_path: Path) -> Path:
    return write_study(study, tmp_path / "s", "parquet")


def test_every_record_is_in_exactly_one_part_with_its_file_row(folder: Path) -> None:
    parts = parquet_parts(folder, 13)
    assert parts is not None and len(parts) == 5  # 60 = 4 x 13 + 8
    whole = load(folder)
    checked = [parts.check(k) for k in range(len(parts))]
    assert all(s is not None and not [p for p in ps if p.severity == "error"] for s, ps in checked)
    for name, table in whole.tables.items():
        pieces = pl.concat([s.tables[name] for s, _ in checked if s is not None])
        assert pieces.equals(table), name  # the same rows, the same _row numbers, in order
    assert [s.patients.height for s, _ in checked if s] == [13, 13, 13, 13, 8]


def test_a_record_of_an_unknown_patient_is_reported_from_its_part(
    folder: Path, study: Study
) -> None:
    doses = study.doses.with_columns(
        pl.when(pl.int_range(pl.len()) == 5)
        .then(pl.lit("SYN-0059x"))
        .otherwise(pl.col("patient_id"))
        .alias("patient_id")
    )
    doses.drop("_row", strict=False).write_parquet(folder / "doses.parquet")
    parts = parquet_parts(folder, 13)
    assert parts is not None
    found = [p for k in range(len(parts)) for p in parts.check(k)[1] if p.severity == "error"]
    whole = [p for p in check_study(folder)[1] if p.severity == "error"]
    assert found and sorted(map(str, found)) == sorted(map(str, whole))
    assert any(p.file == "doses.parquet" and p.row == 7 for p in found)


def test_folders_that_are_read_whole(folder: Path, study: Study, tmp_path: Path) -> None:
    assert parquet_parts(folder, 60) is None  # no more patients than a part
    assert parquet_parts(write_study(study, tmp_path / "c", "csv"), 10) is None
    text = folder.parent / "text"
    shutil.copytree(folder, text)
    patients = pl.read_parquet(text / "patients.parquet")
    patients.with_columns(pl.col("weight_kg").cast(pl.String))  # other columns may be text
    spaced = patients.with_columns(pl.col("patient_id").str.replace("^SYN", " SYN"))
    spaced.write_parquet(text / "patients.parquet")
    assert parquet_parts(text, 10) is None  # ids load would strip: load reads it
    numbered = patients.with_columns(pl.int_range(pl.len()).alias("patient_id"))
    numbered.write_parquet(text / "patients.parquet")
    assert parquet_parts(text, 10) is None  # a number as patient_id: load reports it
    (folder / "doses.csv").write_text("patient_id\n")
    assert parquet_parts(folder, 10) is None  # two files for one table
