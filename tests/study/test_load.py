"""Loading: types, optional columns and tables, and agreement of schema and docs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

from remission.study import ROW_COLUMN, TABLES, empty_table, load
from tests.study.bad_input_cases import MINIMAL, copy_minimal

DOC = Path(__file__).parents[2] / "docs" / "study-format.md"


def test_types_follow_the_schema() -> None:
    study = load(MINIMAL)
    p = study.patients
    assert p.schema["treatment_start"] == pl.Date
    assert p.schema["weight_kg"] == pl.Float64
    assert p.schema["ecog"] == pl.Int64
    assert study.doses.schema["scheduled_at"] == pl.Datetime("us")
    assert study.lesions.schema["nodal"] == pl.Boolean
    assert p["treatment_start"][0] == dt.date(1990, 5, 10)
    assert study.doses.filter(pl.col("status") == "held")["given_at"].null_count() == 1


def test_row_numbers_point_at_the_file() -> None:
    study = load(MINIMAL)
    assert study.patients[ROW_COLUMN].to_list() == [2, 3, 4]
    assert study.table("patients").columns[0] == "patient_id"


def test_optional_columns_and_tables_are_empty_not_missing() -> None:
    study = load(MINIMAL)
    assert study.patients["age_at_start_years"].null_count() == 3
    assert study.assessments.height == 0
    assert study.assessments.schema == empty_table("assessments").schema


def test_values_are_trimmed_and_enums_case_folded(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "s")
    path = folder / "doses.csv"
    path.write_text(path.read_text().replace(",given,", ", Given ,", 1))
    assert load(folder).doses["status"][0] == "given"


def test_assessments_table_is_read(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "s")
    (folder / "assessments.csv").write_text(
        "patient_id,assessed_on,response\nP01,1990-07-03,CR\nP02,1992-01-10,PD\n"
    )
    study = load(folder)
    assert study.assessments["response"].to_list() == ["CR", "PD"]


def test_datetime_forms_accepted(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "s")
    path = folder / "doses.csv"
    text = path.read_text().replace("1990-05-10 08:00,given", "1990-05-10T08:00:00,given")
    path.write_text(text)
    assert load(folder).doses["scheduled_at"][0] == dt.datetime(1990, 5, 10, 8, 0)


def test_docs_describe_every_table_and_column() -> None:
    text = DOC.read_text(encoding="utf-8")
    for table in TABLES.values():
        assert re.search(rf"^## `{table.name}`", text, re.M), table.name
        for col in table.columns:
            assert f"`{col.name}`" in text, f"{table.name}.{col.name} undocumented"
        assert table.example.splitlines()[0] in text, f"{table.name} example missing"
