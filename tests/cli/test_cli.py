"""The ``remission`` command, run as a user runs it (a real process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

import remission
from remission.simulate import CHUNK_PATIENTS
from tests.study.bad_input_cases import MINIMAL, copy_minimal

ENV = {"COLUMNS": "200", "PATH": "", "PYTHONPATH": str(Path(remission.__file__).parents[1])}
"""A bare environment in which the command imports the same ``remission`` as the tests (the
tree under test, not whichever copy the virtualenv has installed)."""


def run(*args: str | Path, env: dict[str, str] = ENV) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "remission", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"remission {remission.__version__}"


def test_validate_clean_study() -> None:
    result = run("validate", MINIMAL)
    assert result.returncode == 0
    assert "no errors" in result.stdout


def test_validate_bad_study_exits_1_without_traceback(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "s")
    (folder / "patients.csv").write_text(
        (folder / "patients.csv").read_text().replace("1950-03-02", "03/02/1950")
    )
    result = run("validate", folder)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "03/02/1950" in result.stdout and "birth_date" in result.stdout


def test_validate_json(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "s")
    (folder / "labs.csv").unlink()
    result = run("validate", folder, "--json")
    assert result.returncode == 1
    assert '"code": "file.missing_table"' in result.stdout


def test_validate_missing_folder() -> None:
    result = run("validate", "/no/such/study")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "folder.missing" not in result.stdout  # codes are for machines; people read text
    assert "a study folder" in result.stdout


def test_simulate_writes_a_valid_study(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    result = run("simulate", "--patients", "60", "--seed", "4", "--out", out, "--format", "parquet")
    assert result.returncode == 0, result.stderr
    assert "SYNTHETIC" in result.stdout
    assert pl.read_parquet(out / "patients.parquet").height == 60
    assert run("validate", out).returncode == 0


def test_simulate_writes_a_large_cohort_in_chunks(tmp_path: Path) -> None:
    # more patients than one chunk (CHUNK_PATIENTS): written a chunk at a time, one file each
    out = tmp_path / "sim"
    n = CHUNK_PATIENTS + 20
    result = run("simulate", "--patients", str(n), "--out", out, "--format", "parquet")
    assert result.returncode == 0, result.stderr
    ids = pl.read_parquet(out / "patients.parquet")["patient_id"]
    assert ids.len() == ids.n_unique() == n and ids.is_sorted()
    doses = pl.scan_parquet(out / "doses.parquet").select("patient_id").collect()["patient_id"]
    assert doses.is_sorted() and set(doses.unique()) <= set(ids)
    records = sum(
        pl.scan_parquet(f).select(pl.len()).collect().item() for f in out.glob("*.parquet")
    )
    assert f"{n} patients, {records} records" in result.stdout


def test_simulate_rejects_unknown_format(tmp_path: Path) -> None:
    result = run("simulate", "--out", tmp_path / "x", "--format", "sas")
    assert result.returncode == 2
    assert "csv, parquet, xlsx" in result.stderr
    assert not (tmp_path / "x").exists()


def test_demo_writes_study_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run("demo", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "SYNTHETIC" in result.stdout
    assert "7.1 years" in result.stdout
    assert (out / "study" / "study.toml").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]


def test_a_finding_about_the_data_is_a_warning_line(tmp_path: Path) -> None:
    """remission's own warnings (nodes measured without a short axis, under RECIST 1.1) print
    as one ``warning:`` line, without Python's source file and line."""
    from remission.study import write_study
    from tests.study.warning_cases import nodes_without_short_axis

    study = nodes_without_short_axis(n_patients=40, seed=4)
    folder = write_study(study, tmp_path / "study", "csv")
    result = run("derive", folder, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("warning: ") and "have no short_axis_mm" in line
    assert ".py" not in result.stderr
