"""SAS transport (XPT) files give the same study as CSV files of the same domains."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from remission.sources import read_sdtm
from remission.study import Study
from tests.sources.sdtm_data import (
    MINIMAL,
    PHARMAVERSE,
    needs_pharmaverse,
    stage_pharmaverse,
    write_xpt,
)

TABLES = ("patients", "lesions", "measurements", "assessments")


def assert_same(a: Study, b: Study) -> None:
    for name in TABLES:
        left, right = a.tables[name], b.tables[name]  # with _row: rows count the same way
        assert left.schema == right.schema, name
        assert left.equals(right), name
    assert a.config == b.config


@needs_pharmaverse
def test_pharmaverse_xpt_equals_csv(tmp_path: Path) -> None:
    csv = stage_pharmaverse(tmp_path / "csv")
    xpt = write_xpt(csv, tmp_path / "xpt")
    assert sorted(p.name for p in xpt.iterdir()) == [
        "dm.xpt", "ds.xpt", "ex.xpt", "rs.xpt", "tr.xpt", "tu.xpt"
    ]  # fmt: skip
    adsl = PHARMAVERSE / "adam_adsl.csv"
    assert_same(read_sdtm(csv, synthetic=True), read_sdtm(xpt, synthetic=True))
    assert_same(read_sdtm(csv, adsl=adsl), read_sdtm(xpt, adsl=adsl))


def test_minimal_xpt_equals_csv(tmp_path: Path) -> None:
    xpt = write_xpt(MINIMAL, tmp_path / "xpt")
    assert_same(read_sdtm(MINIMAL), read_sdtm(xpt))


@pytest.mark.parametrize("name", ["DM.XPT", "sdtm_dm.xpt", "Sdtm_Dm.Xpt"])
def test_file_names_any_case_and_prefix(tmp_path: Path, name: str) -> None:
    """Mixed: DM as XPT under another spelling, the other domains as CSV."""
    folder = tmp_path / "mixed"
    shutil.copytree(MINIMAL, folder)
    (folder / "dm.csv").unlink()
    write_xpt(MINIMAL, tmp_path / "xpt")
    shutil.copyfile(tmp_path / "xpt" / "dm.xpt", folder / name)
    assert_same(read_sdtm(MINIMAL), read_sdtm(folder))


def test_adsl_as_xpt(tmp_path: Path) -> None:
    """An ADSL XPT with SAS dates (numbers with a date format) reads like ISO text."""
    import polars as pl
    import pyreadstat

    patients = read_sdtm(MINIMAL).table("patients")
    adsl = patients.select(
        pl.col("patient_id").alias("USUBJID"),
        pl.col("randomized_on").alias("RANDDT"),
        pl.col("treatment_start").alias("TRTSDT"),
        pl.col("last_known_alive").alias("LSTALVDT"),
    )
    pyreadstat.write_xport(adsl, tmp_path / "adsl.xpt", table_name="ADSL")
    again = read_sdtm(MINIMAL, adsl=tmp_path / "adsl.xpt").table("patients")
    assert again.equals(patients)
