"""``remission import sdtm``, run as a user runs it (a real process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from remission.study import load
from tests.cli.test_cli import ENV
from tests.sources.sdtm_data import (
    PHARMAVERSE,
    copy_minimal,
    needs_pharmaverse,
    stage_pharmaverse,
)


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "remission", "import", "sdtm", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )


def test_import_minimal(tmp_path: Path) -> None:
    sdtm = copy_minimal(tmp_path / "sdtm")
    out = tmp_path / "study"
    result = run(sdtm, "--out", out, "--histology", "melanoma", "--cutoff", "2015-01-01")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "imported study 'S1 (SDTM import)'" in result.stdout
    assert "3 patients (2 treated)" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        ".remission-output.json", "assessments.csv", "doses.csv", "labs.csv", "lesions.csv",
        "measurements.csv", "patients.csv", "prior_therapies.csv", "study.toml",
    ]  # fmt: skip
    study = load(out)
    assert study.config.histologies == ("melanoma",)
    assert str(study.config.cutoff_date) == "2015-01-01"
    assert study.config.synthetic is False
    assert not list(tmp_path.glob(".study*"))  # no staging folder left behind


def test_import_as_parquet_loads_the_same_study(tmp_path: Path) -> None:
    sdtm = copy_minimal(tmp_path / "sdtm")
    common = ("--histology", "melanoma", "--cutoff", "2015-01-01")
    assert run(sdtm, "--out", tmp_path / "csv", *common).returncode == 0
    result = run(sdtm, "--out", tmp_path / "pq", "--format", "parquet", *common)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "pq").iterdir())[:3] == [
        ".remission-output.json",
        "assessments.parquet",
        "doses.parquet",
    ]
    from_csv, from_parquet = load(tmp_path / "csv"), load(tmp_path / "pq")
    for name in from_csv.tables:
        assert from_parquet.table(name).equals(from_csv.table(name)), name
    # an earlier Parquet import is replaced like a CSV one
    assert run(sdtm, "--out", tmp_path / "pq", "--format", "csv", *common).returncode == 0
    assert not list((tmp_path / "pq").glob("*.parquet"))


@needs_pharmaverse
def test_import_pharmaverse_with_adsl(tmp_path: Path) -> None:
    sdtm = stage_pharmaverse(tmp_path / "sdtm")
    out = tmp_path / "study"
    adsl = PHARMAVERSE / "adam_adsl.csv"
    result = run(sdtm, "--out", out, "--synthetic", "--adsl", adsl)
    assert result.returncode == 0, result.stderr
    assert "imported SYNTHETIC study 'CDISCPILOT01 (SDTM import)'" in result.stdout
    assert "306 patients (254 treated), 25 lesions, 91 measurements, 22 assessments" in (
        result.stdout
    )
    assert "LSTALVDT" in result.stderr  # the two ADSL dates before the first dose are noted
    assert load(out).patients.height == 306


def test_bad_folder_exits_1_with_a_message(tmp_path: Path) -> None:
    sdtm = copy_minimal(tmp_path / "sdtm")
    (sdtm / "dm.csv").unlink()
    out = tmp_path / "study"
    result = run(sdtm, "--out", out)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "the DM domain (dm.xpt or dm.csv) in the SDTM folder" in result.stderr
    assert not out.exists()


def test_missing_folder_exits_1(tmp_path: Path) -> None:
    result = run(tmp_path / "nothing", "--out", tmp_path / "study")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "SDTM" in result.stderr


def test_refuses_to_replace_a_foreign_folder(tmp_path: Path) -> None:
    sdtm = copy_minimal(tmp_path / "sdtm")
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("keep me")
    result = run(sdtm, "--out", out)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "thesis.docx" in result.stderr
    assert (out / "thesis.docx").read_text() == "keep me"


def test_replaces_an_earlier_import(tmp_path: Path) -> None:
    sdtm = copy_minimal(tmp_path / "sdtm")
    out = tmp_path / "study"
    assert run(sdtm, "--out", out).returncode == 0
    assert run(sdtm, "--out", out, "--synthetic").returncode == 0
    assert load(out).config.synthetic is True


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [("--cutoff", "05/03/2015", "YYYY-MM-DD"), ("--format", "sas", "csv, parquet, xlsx")],
)
def test_bad_option_exits_2(tmp_path: Path, option: str, value: str, said: str) -> None:
    sdtm = copy_minimal(tmp_path / "sdtm")
    result = run(sdtm, "--out", tmp_path / "study", option, value)
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert said in result.stderr
    assert not (tmp_path / "study").exists()


def test_import_that_breaks_a_study_rule_is_not_kept(tmp_path: Path) -> None:
    """SDTM that maps cleanly but breaks a rule of the study format (a perpendicular diameter
    longer than the longest) stops the import; no study folder is left behind."""
    sdtm = copy_minimal(tmp_path / "sdtm")
    tr = sdtm / "tr.csv"
    tr.write_text(tr.read_text().replace("T01,LPERP,20,20,mm", "T01,LPERP,40,40,mm"))
    out = tmp_path / "study"
    result = run(sdtm, "--out", out)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "measurements.csv (as imported)" in result.stderr
    assert "perpendicular diameter no longer than the longest" in result.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["sdtm"]
