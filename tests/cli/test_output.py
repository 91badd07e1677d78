"""What the commands print, read as a log and as a terminal: problems one line each when piped,
a table on a terminal, the user's text (headers, values, paths) printed exactly as written, and
user mistakes ending with one line and exit code 1 (a real process on real files)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import ENV
from tests.cli.test_out_rules import refused
from tests.study.bad_input_cases import copy_minimal
from tests.test_io import snapshot

LONG = "measurements_from_the_second_radiology_review_of_1998_by_two_readers.csv"
LINE = re.compile(r"^\S[^:]*(?::\d+)?: (?:error|warning): .*expected .*; fix: .*$")
"""A problem as a line: ``file[:row]: severity: [column C: 'value': ]expected ...; fix: ...``."""
TERMINAL = {"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": "200"}
"""Rich takes stdout and stderr for a terminal 200 columns wide (and prints no colours)."""
PIPED = {"COLUMNS": "40"}
"""Not a terminal, and a width a table would have to wrap every cell in."""


def run(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``remission ARGS`` with ``ENV`` and ``env`` (see ``tests.cli.test_cli.run``)."""
    return subprocess.run(
        [sys.executable, "-m", "remission", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env=ENV | env,
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def marked_up(tmp_path: Path) -> Path:
    """A study whose headers and values look like Rich markup and emoji codes."""
    folder = copy_minimal(tmp_path / "study")
    for name, column in (("labs.csv", "lymphocytes [/uL]"), ("patients.csv", "height [cm]")):
        header, *rows = (folder / name).read_text(encoding="utf-8").splitlines()
        lines = [f"{header},{column}", *(f"{row}," for row in rows)]  # an empty cell each
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    edit(folder / "patients.csv", "P01,melanoma,", "P01,[bold]x[/bold],")
    edit(folder / "patients.csv", "P02,renal,", "P02,:smile:,")
    return folder


def assert_literal(text: str) -> None:
    """The marked-up headers and values of ``marked_up`` appear as written."""
    for written in ("lymphocytes [/uL]", "height [cm]", "'[bold]x[/bold]'", "':smile:'"):
        assert written in text, written
    assert "\N{SMILING FACE WITH SMILING EYES}" not in text
    assert "\N{GRINNING FACE WITH SMILING EYES}" not in text


def test_piped_validate_prints_one_line_per_problem(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "study")
    (folder / LONG).write_text((folder / "labs.csv").read_text())  # not a table of the format
    edit(folder / "measurements.csv", "P01,T1,1990-04-20,32,", "P01,T1,1990-04-20,3x,")
    result = run("validate", folder, **PIPED)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    problems = json.loads(run("validate", folder, "--json").stdout)
    lines = result.stdout.splitlines()
    assert len(lines) == len(problems) + 1  # one line each, and the count
    assert all(LINE.match(line) for line in lines[:-1]), lines
    assert not any(c in result.stdout for c in "│┃┏━")  # no table
    assert any(line.startswith(f"{LONG}: warning: expected ") for line in lines)
    assert "measurements.csv:2: error: column longest_mm: '3x': expected a number; fix: " in (
        result.stdout
    )
    errors = sum(p["severity"] == "error" for p in problems)
    warnings = len(problems) - errors
    assert errors == 1 and warnings >= 1
    plural = "" if warnings == 1 else "s"
    assert lines[-1] == f"1 error, {warnings} warning{plural} in {folder}"


def test_piped_lines_count_the_rows_not_listed(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "study")
    with (folder / "labs.csv").open("a", encoding="utf-8") as labs:
        for hour in range(24):  # 24 rows with the same problem: 20 listed, 4 counted
            labs.write(f"P01,1990-06-01 {hour:02d}:00,lymphocytes,1.2.{hour},cells/uL\n")
    result = run("validate", folder, **PIPED)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 21
    assert lines[0].startswith("labs.csv:6: error: column value: '1.2.0': expected a number")
    assert lines[19].startswith("labs.csv:25: error: column value: '1.2.19': expected")
    assert lines[19].endswith(" (and 4 more rows)")
    assert lines[-1] == f"20 errors, 0 warnings in {folder}"


def test_a_terminal_gets_a_table(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "study")
    edit(folder / "measurements.csv", "P01,T1,1990-04-20,32,", "P01,T1,1990-04-20,3x,")
    result = run("validate", folder, **TERMINAL)
    assert result.returncode == 1
    assert f"1 error, 0 warnings in {folder}" in result.stdout  # the title
    row = next(line for line in result.stdout.splitlines() if "'3x'" in line)
    assert row.startswith("│") and "measurements.csv" in row and "longest_mm" in row


@pytest.mark.parametrize("mode", ["lines", "table"])
def test_validate_prints_markup_and_emoji_codes_literally(marked_up: Path, mode: str) -> None:
    result = run("validate", marked_up, **(TERMINAL if mode == "table" else PIPED))
    assert result.returncode == 1  # the histologies are not the study's
    assert "Traceback" not in result.stderr and "error" not in result.stderr.lower()
    assert_literal(result.stdout)
    assert ("│" in result.stdout) == (mode == "table")


@pytest.mark.parametrize("mode", ["lines", "table"])
def test_load_errors_print_the_same_way(marked_up: Path, tmp_path: Path, mode: str) -> None:
    # derive, report and the other commands that load a study share one path for its problems
    result = run(
        "derive", marked_up, "--out", tmp_path / "out", **(TERMINAL if mode == "table" else PIPED)
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert_literal(result.stderr)
    if mode == "lines":
        problems = result.stderr.splitlines()
        assert all(LINE.match(line) for line in problems[:-1]), problems
        assert problems[-1] == "2 errors, 2 warnings in the study"
    assert not (tmp_path / "out").exists()


def test_a_path_with_markup_is_printed_as_given(tmp_path: Path) -> None:
    out = tmp_path / "cohort [/x] :smile:"
    result = run("simulate", "--patients", "20", "--seed", "1", "--out", out, **TERMINAL)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"wrote SYNTHETIC study {out}: 20 patients" in result.stdout
    assert f"writing {out} (csv)" in result.stderr  # the progress line (on a terminal)
    assert (out / "patients.csv").is_file()


def test_an_os_error_from_user_input_is_one_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "schedules").write_text("a file, not a folder\n")
    csv = tmp_path / "schedules" / "week1.csv"
    result = run("dose", "--weight-kg", "70", "--start", "2026-12-01 08:00", "--csv", csv)
    assert result.returncode == 1  # not 2: the options were right, the file system said no
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert str(tmp_path / "schedules") in lines[0]


def test_a_value_error_from_user_input_is_one_line_and_exit_1(tmp_path: Path) -> None:
    fasta = tmp_path / "proteins [latin-1].fa"
    fasta.write_bytes(b">CDK4 kinase \xe9\nMATSRYEPVAEIGVGAYGTVYK\n")  # not UTF-8
    result = run("antigens", "scan", "--fasta", fasta, "--hla", "A2", **PIPED)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "utf-8" in lines[0]


@pytest.mark.parametrize("target", ["an empty folder", "nothing"])
def test_report_refuses_a_symlink_out_to(target: str, tmp_path: Path) -> None:
    study = tmp_path / "study"
    assert run("simulate", "--patients", "30", "--seed", "1", "--out", study).returncode == 0
    real = tmp_path / "real"
    if target == "an empty folder":
        real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    before = snapshot(tmp_path)
    result = run("report", study, "--out", link, **PIPED)
    message = refused(result)
    assert f"--out {link} is a symbolic link to {real}" in message
    assert "rmtree" not in message
    assert len(result.stderr.splitlines()) == 1  # one line, however long
    assert snapshot(tmp_path) == before  # the link, its target (or its absence) untouched
