"""``remission dose``: the calculator and schedule as a user runs them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from remission.protocol import RESEARCH_USE
from tests.cli.test_cli import run


def test_dose_prints_research_use_and_numbers() -> None:
    result = run(
        "dose", "--weight-kg", "82", "--regimen", "nci-hd-il2-720k", "--start", "2026-12-01 08:00"
    )
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "FOR RESEARCH USE ONLY" in out and "two-person check" in out
    assert "59,040,000 IU (59.04 MIU)" in out
    assert "3.28 mL" in out and "3 x 22 MIU" in out
    assert "2026-12-15 08:00" in out  # cycle 2, day 15


def test_dose_csv(tmp_path: Path) -> None:
    path = tmp_path / "out" / "schedule.csv"
    result = run(
        "dose",
        "--weight-kg",
        "70",
        "--regimen",
        "label-hd-il2-600k",
        "--start",
        "2026-01-01 08:00",
        "--csv",
        path,
    )
    assert result.returncode == 0, result.stderr
    lines = path.read_text().splitlines()
    assert lines[0] == f"# {RESEARCH_USE}"
    frame = pl.read_csv(path, comment_prefix="#")
    assert frame.height == 28
    assert frame["dose_iu"].unique().to_list() == [42_000_000.0]
    assert frame["scheduled_at"][0] == "2026-01-01 08:00"


def test_pounds_refused_with_conversion() -> None:
    result = run("dose", "--weight-lb", "180")
    assert result.returncode == 2
    assert "180 lb = 81.6 kg" in result.stderr and "--weight-kg 81.6" in result.stderr


def test_mg_refused_with_conversion() -> None:
    result = run("dose", "--weight-kg", "70", "--dose-mg-per-kg", "0.037")
    assert result.returncode == 2
    assert "0.037 mg/kg = 605,455 IU/kg" in " ".join(result.stderr.split())


def test_unknown_regimen_suggests() -> None:
    result = run("dose", "--weight-kg", "70", "--regimen", "label-600k")
    assert result.returncode == 2
    assert "did you mean 'label-hd-il2-600k'?" in " ".join(result.stderr.split())


def test_bad_start_time() -> None:
    result = run("dose", "--weight-kg", "70", "--start", "12/01/2026 8am")
    assert result.returncode == 2
    assert "ISO 8601" in result.stderr
    assert "Traceback" not in result.stderr
