"""ADaM out: ``derive --format xpt`` and ``--format dataset-json`` read back equal to Parquet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from remission.derive import derive_study
from remission.export import (
    V5_LABEL,
    define_table,
    load_dataset_json,
    read_dataset_json,
    read_xpt,
    v5_problems,
    validate_dataset_json,
    write_dataset_json,
    write_xpt,
    xpt_metadata,
)
from remission.simulate import demo_study
from tests.cli.test_cli import run

DATASETS = ("adex", "adtr", "adrs", "adtte", "adlb", "adsl")


def _parquet(derived: dict[str, Path], name: str) -> pl.DataFrame:
    frame = pl.read_parquet(derived["parquet"] / f"{name}.parquet")
    # XPT and Dataset-JSON hold whole numbers as integers of one kind
    return frame.with_columns(pl.col(pl.UInt32).cast(pl.Int64))


def _types(derived: dict[str, Path], name: str) -> dict[str, str]:
    define = pl.read_csv(derived["xpt"] / "define.csv")
    rows = define.filter(pl.col("dataset") == name.upper())
    return dict(zip(rows["variable"], rows["type"], strict=True))


@pytest.mark.parametrize("name", DATASETS)
def test_xpt_reads_back_equal_to_parquet(derived: dict[str, Path], name: str) -> None:
    back = read_xpt(derived["xpt"] / f"{name}.xpt", _types(derived, name))
    assert_frame_equal(back, _parquet(derived, name))


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("suffix", ["json", "ndjson"])
def test_dataset_json_reads_back_equal_to_parquet(
    derived: dict[str, Path], name: str, suffix: str
) -> None:
    back = read_dataset_json(derived["dataset-json"] / f"{name}.{suffix}")
    assert_frame_equal(back, _parquet(derived, name))


@pytest.mark.parametrize("name", DATASETS)
def test_dataset_json_is_valid_against_the_published_schema(
    derived: dict[str, Path], name: str
) -> None:
    doc = json.loads((derived["dataset-json"] / f"{name}.json").read_text())
    assert validate_dataset_json(doc) == []
    lines = (derived["dataset-json"] / f"{name}.ndjson").read_text().splitlines()
    assert validate_dataset_json(json.loads(lines[0])) == []
    assert "rows" not in json.loads(lines[0])
    assert [json.loads(line) for line in lines[1:]] == doc["rows"]
    assert doc["records"] == len(doc["rows"]) > 0
    assert doc["datasetJSONVersion"] == "1.1.0" and doc["name"] == name.upper()
    assert all(len(row) == len(doc["columns"]) for row in doc["rows"])


def test_the_schema_catches_what_it_should() -> None:
    doc = {"datasetJSONVersion": "2.0", "records": -1, "columns": [{"name": "A"}]}
    messages = validate_dataset_json(doc)
    assert "(root): 'datasetJSONCreationDateTime' is a required property" in messages
    assert any(m.startswith("columns/0: 'itemOID'") for m in messages)
    assert any(m.startswith("datasetJSONVersion:") for m in messages)
    assert any(m.startswith("records:") for m in messages)
    short = {"records": 2, "columns": [{"name": "A"}, {"name": "B"}], "rows": [["x"]]}
    assert validate_dataset_json(short)[-2:] == [
        "rows/0: 1 values for 2 columns",
        "records: 2 but 1 rows",
    ]


def test_xpt_carries_v5_names_labels_and_dataset_labels(derived: dict[str, Path]) -> None:
    define = pl.read_csv(derived["xpt"] / "define.csv")
    for name in DATASETS:
        meta = xpt_metadata(derived["xpt"] / f"{name}.xpt")
        assert meta["name"] == name.upper()
        assert 0 < len(meta["label"]) <= V5_LABEL
        rows = define.filter(pl.col("dataset") == name.upper())
        assert meta["labels"] == dict(zip(rows["variable"], rows["label"], strict=True))
        assert all(len(n) <= 8 and 0 < len(lab) <= V5_LABEL for n, lab in meta["labels"].items())
        for var, kind, length in rows.select("variable", "type", "length").iter_rows():
            assert meta["widths"][var] == (length if kind == "text" else 8), (name, var)
    adsl = xpt_metadata(derived["xpt"] / "adsl.xpt")
    assert adsl["label"] == "Subject-Level Analysis Dataset"
    assert adsl["labels"]["TRTSDT"] == "Date of First Exposure to Treatment"


def test_define_table_lists_every_variable_with_its_derivation(derived: dict[str, Path]) -> None:
    define = pl.read_csv(derived["parquet"] / "define.csv")
    assert define.columns == [
        "dataset", "variable", "order", "label", "type", "length", "origin", "derivation"
    ]  # fmt: skip
    for name in DATASETS:
        frame = _parquet(derived, name)
        rows = define.filter(pl.col("dataset") == name.upper()).sort("order")
        assert rows["variable"].to_list() == frame.columns

    def text(dataset: str, variable: str) -> str:
        row = define.filter((pl.col("dataset") == dataset) & (pl.col("variable") == variable))
        return row["derivation"].item()

    # taken from the rule objects: ADEX's Parameter list, ADTTE's event sources
    assert "CYCCMPL (cycle): AVAL 1 and AVALC Y" in text("ADEX", "AVAL")
    assert "Last Tumor Assessment: 1" in text("ADTTE", "CNSR")
    assert "OS: Overall Survival" in text("ADTTE", "PARAMCD")
    assert text("ADSL", "TRTSDT").startswith("patients.treatment_start.")
    assert define.filter(pl.col("label").str.len_chars() > V5_LABEL).height == 0
    manifest = json.loads((derived["dataset-json"] / "manifest.json").read_text())
    assert manifest["define"] == "define.csv"
    assert manifest["datasets"]["adsl"] == {
        "file": "adsl.json", "rows": 409, "ndjson": "adsl.ndjson"
    }  # fmt: skip


def test_xpt_refuses_what_v5_cannot_hold_and_writes_nothing(tmp_path: Path) -> None:
    frames = {"adsl": pl.DataFrame({"USUBJID": ["P1"], "SITES": ["x" * 201]})}
    problems = v5_problems(frames["adsl"], "adsl")
    assert [p.render() for p in problems] == [
        "error: adsl.xpt, column SITES: '201 bytes': expected text of at most 200 bytes "
        "(SAS V5); fix: use --format parquet or dataset-json, which have no such limit"
    ]
    bad = pl.DataFrame({"LONGNAME9": [1]})
    assert [p.code for p in v5_problems(bad, "toolongname")] == ["xpt.name", "xpt.name"]


def test_text_dates_and_missing_values_survive(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "USUBJID": ["P-é1", "P2", None],
            "ADT": [dt.date(1899, 12, 31), None, dt.date(2030, 6, 1)],
            "ADTM": [dt.datetime(1990, 5, 1, 8, 5, 30), None, dt.datetime(2001, 1, 1)],
            "CNSR": [0, None, 1],
            "AVAL": [1.5, None, -2.25e10],
        }
    )
    write_xpt(frame, tmp_path / "adtte.xpt", "adtte")
    types = {"CNSR": "integer"}
    assert_frame_equal(read_xpt(tmp_path / "adtte.xpt", types), frame)
    for suffix in ("json", "ndjson"):
        path = tmp_path / f"adtte.{suffix}"
        write_dataset_json(frame, path, "adtte", "S1", ndjson=suffix == "ndjson")
        assert_frame_equal(read_dataset_json(path), frame)
    doc = load_dataset_json(tmp_path / "adtte.json")
    assert doc["rows"][1] == ["P2", None, None, None, None]
    assert doc["columns"][0]["length"] == 5  # bytes: é is two


def test_define_table_of_an_empty_dataset_has_length_one() -> None:
    define = define_table({"adrs": pl.DataFrame(schema={"USUBJID": pl.String})})
    assert define.row(0, named=True)["length"] == 1


def test_derive_rejects_an_unknown_format(tmp_path: Path, derived: dict[str, Path]) -> None:
    result = run("derive", derived["parquet"], "--out", tmp_path / "o", "--format", "sas7bdat")
    assert result.returncode == 2
    assert "use one of csv, parquet, xpt, dataset-json" in result.stderr


def test_derived_study_unchanged_by_export() -> None:
    frames = derive_study(demo_study().study)
    assert all(not v5_problems(frame, name) for name, frame in frames.items())
