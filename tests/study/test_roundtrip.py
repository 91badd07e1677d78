"""The demo study written as CSV, Parquet and XLSX loads back to identical tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from remission._io import OutputError
from remission.simulate import Simulation, demo_study
from remission.study import TABLES, Study, load, write_study


@pytest.fixture(scope="module")
def demo() -> Simulation:
    return demo_study()


@pytest.fixture(scope="module")
def written(demo: Simulation, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Study]:
    root = tmp_path_factory.mktemp("roundtrip")
    return {
        fmt: load(write_study(demo.study, root / fmt, fmt)) for fmt in ("csv", "parquet", "xlsx")
    }


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
@pytest.mark.parametrize("table", [t for t in TABLES if t != "assessments"])
def test_formats_load_identical_tables(written: dict[str, Study], fmt: str, table: str) -> None:
    assert_frame_equal(written["csv"].table(table), written[fmt].table(table))


@pytest.mark.parametrize("table", list(TABLES))
def test_written_equals_simulated(demo: Simulation, written: dict[str, Study], table: str) -> None:
    assert_frame_equal(written["csv"].table(table), demo.study.table(table))


def test_config_survives(demo: Simulation, written: dict[str, Study]) -> None:
    assert written["csv"].config == demo.study.config
    assert written["xlsx"].config.workbook == "study.xlsx"


def test_no_warnings_on_demo(written: dict[str, Study]) -> None:
    for study in written.values():
        assert study.warnings == ()


def test_sources_record_hash_and_rows(written: dict[str, Study]) -> None:
    sources = {s.table: s for s in written["csv"].sources}
    assert sources["patients"].rows == 409
    assert len(sources["patients"].sha256) == 64
    assert sources["patients"].file == "patients.csv"


def test_write_is_atomic_and_replaces_its_own_folder(demo: Simulation, tmp_path: Path) -> None:
    out = tmp_path / "study"
    write_study(demo.study, out, "csv")
    write_study(demo.study, out, "parquet")
    assert not (out / "patients.csv").exists()  # the earlier folder went as a whole
    assert (out / "patients.parquet").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["study"]  # no temporary folder left


def test_write_never_replaces_a_folder_it_did_not_write(demo: Simulation, tmp_path: Path) -> None:
    out = tmp_path / "study"
    out.mkdir()
    (out / "notes.csv").write_text("mine")
    with pytest.raises(OutputError, match=r"notes\.csv"):
        write_study(demo.study, out, "parquet")
    assert [p.name for p in out.iterdir()] == ["notes.csv"]
    assert (out / "notes.csv").read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["study"]


def test_failed_write_leaves_nothing(demo: Simulation, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format must be"):
        write_study(demo.study, tmp_path / "study", "sas")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
