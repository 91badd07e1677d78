"""``remission derive`` of a Parquet study in parts writes what deriving it whole writes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from remission.cli import app
from remission.simulate import simulate_study
from remission.study import write_study
from tests.cli.test_cli import run
from tests.study.warning_cases import without_age

RUN = CliRunner()
WHOLE = 10_000  # more than the study's patients: one part, the load-everything path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parts")
    return write_study(simulate_study(n_patients=150, seed=7), root / "s", "parquet")


def derive(folder: Path, out: Path, fmt: str, size: int) -> Path:
    args = ["derive", str(folder), "--out", str(out), "--format", fmt]
    result = RUN.invoke(app, [*args, "--partition-size", str(size)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("size", [1, 16, 149])
def test_csv_in_parts_is_byte_identical(folder: Path, tmp_path: Path, size: int) -> None:
    whole = derive(folder, tmp_path / "whole", "csv", WHOLE)
    parts = derive(folder, tmp_path / "parts", "csv", size)
    names = sorted(p.name for p in whole.iterdir() if not p.name.startswith("."))
    assert names == sorted(p.name for p in parts.iterdir() if not p.name.startswith("."))
    for name in names:  # every dataset, define.csv and manifest.json
        assert (parts / name).read_bytes() == (whole / name).read_bytes(), name


@pytest.mark.parametrize("size", [1, 16, 149])
def test_parquet_in_parts_reads_back_as_the_whole(folder: Path, tmp_path: Path, size: int) -> None:
    whole = derive(folder, tmp_path / "whole", "parquet", WHOLE)
    parts = derive(folder, tmp_path / "parts", "parquet", size)
    for path in whole.glob("*.parquet"):
        assert pl.read_parquet(parts / path.name).equals(pl.read_parquet(path)), path.name
    for name in ("define.csv", "manifest.json"):
        assert (parts / name).read_bytes() == (whole / name).read_bytes(), name


def test_errors_in_a_part_are_listed_and_nothing_written(folder: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    for path in folder.iterdir():
        (bad / path.name).write_bytes(path.read_bytes())
    patients = pl.read_parquet(bad / "patients.parquet")
    heavy = pl.int_range(pl.len()).is_in([3, 140])
    patients = patients.with_columns(
        pl.when(heavy).then(9_999.0).otherwise(pl.col("weight_kg")).alias("weight_kg")
    )
    patients.write_parquet(bad / "patients.parquet")
    out = tmp_path / "out"
    result = run("derive", bad, "--out", out, "--partition-size", "20")
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "Traceback" not in said
    # rows 5 and 142 of the file (header = row 1), in the first and the last part
    assert "patients.parquet:5:" in said and "patients.parquet:142:" in said, said
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_warnings_once_per_kind_in_parts_as_whole(folder: Path, tmp_path: Path) -> None:
    """The study's warnings reach the user (standard error), one line per kind with its rows
    counted, the same whether the study is derived whole or in parts."""
    warned = tmp_path / "warned"
    warned.mkdir()
    for path in folder.iterdir():
        (warned / path.name).write_bytes(path.read_bytes())
    without_age(warned, [2, 70, 141])
    said = {}
    for size in (WHOLE, 16):
        out = tmp_path / f"out{size}"
        args = ["derive", str(warned), "--out", str(out), "--partition-size", str(size)]
        result = RUN.invoke(app, args)
        assert result.exit_code == 0, result.output
        said[size] = [line for line in result.stderr.splitlines() if "warning" in line]
    assert said[16] == said[WHOLE]
    first, summary = said[16]
    assert first.startswith("patients.parquet:4: warning: ")
    assert first.endswith("(and 2 more rows)")
    assert summary.startswith("0 errors, 1 warning in ")
    clean = RUN.invoke(app, ["derive", str(folder), "--out", str(tmp_path / "clean")])
    assert clean.exit_code == 0 and "warning" not in clean.stderr
