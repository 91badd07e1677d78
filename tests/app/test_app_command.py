"""`remission app` as a command: options, refusals, and staying light when not used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from remission.cli import app

runner = CliRunner()


def test_help_names_the_local_defaults_and_the_missing_authentication() -> None:
    result = runner.invoke(app, ["app", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output
    assert "8050" in result.output
    assert "no authentication" in result.output
    assert "--derived" in result.output


def test_a_missing_study_is_the_studys_problem_list_and_exit_1(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    result = subprocess.run(
        [sys.executable, "-m", "remission", "app", str(tmp_path / "nowhere")],
        capture_output=True,
        check=False,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "error: expected a study folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_derived_folder_that_is_not_one_is_refused(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    result = subprocess.run(
        [sys.executable, "-m", "remission", "app", str(tmp_path), "--derived", str(tmp_path / "x")],
        capture_output=True,
        check=False,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "--derived" in result.stderr and "not a folder" in result.stderr


def test_the_version_does_not_load_shiny() -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    code = "import sys; from remission.cli import main; sys.argv=['remission','--version']\n"
    code += "try:\n    main()\nexcept SystemExit:\n    pass\nprint('shiny' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.stdout.strip().endswith("False")
