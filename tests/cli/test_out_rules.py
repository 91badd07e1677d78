"""``--out`` never destroys what a user owns: every command that writes a folder, run as a user
runs it (a real process), against the user's folders, files, links and its own inputs. Every
refusal is checked byte for byte (SHA-256 of every file before and after)."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import polars as pl
import pytest

from remission._io import MARKER
from remission.antigens.screens import demo_screen, write_screen
from tests.cli.test_cli import run
from tests.sources.sdtm_data import copy_minimal
from tests.test_io import dead_pid, leftovers, snapshot, user_folder

SMALL = ("--patients", "20", "--seed", "1")
FIX = "Choose a new or empty folder for --out, or delete it yourself."
COMMANDS = (
    "report",
    "simulate",
    "demo",
    "derive",
    "import sdtm",
    "neo",
    "minigenes",
    "screen analyse",
    "screen design",
)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One small simulated study, the minimal SDTM folder and a mutation table, per module."""
    root = tmp_path_factory.mktemp("inputs")
    study = root / "study"
    assert run("simulate", *SMALL, "--out", study).returncode == 0
    mutations = root / "mutations.csv"
    mutations.write_text("gene,change\nCDK4,p.R24C\n")
    screen = write_screen(demo_screen(), root / "screen")
    (root / "peptides.txt").write_text("\n".join(f"p{i}" for i in range(1, 21)) + "\n")
    return {
        "study": study,
        "sdtm": copy_minimal(root / "sdtm"),
        "mutations": mutations,
        "screen": screen,
        "peptides": mutations.with_name("peptides.txt"),
    }


def command(name: str, inputs: dict[str, Path]) -> list[str | Path]:
    """The command line of ``name`` without its ``--out``."""
    return {
        "report": ["report", inputs["study"]],
        "simulate": ["simulate", *SMALL],
        "demo": ["demo"],
        "derive": ["derive", inputs["study"]],
        "import sdtm": ["import", "sdtm", inputs["sdtm"]],
        "neo": ["antigens", "neo", inputs["mutations"]],
        "minigenes": ["antigens", "minigenes", inputs["mutations"]],
        "screen analyse": ["antigens", "screen", "analyse", inputs["screen"]],
        "screen design": ["antigens", "screen", "design", "--peptides", inputs["peptides"]],
    }[name]


def refused(result: object) -> str:
    """The one-line error of a refusal (exit 1, no traceback), whitespace normalised."""
    assert result.returncode == 1, result.stdout + result.stderr  # type: ignore[attr-defined]
    text = result.stdout + result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in text
    return " ".join(text.split())


@pytest.mark.parametrize("name", COMMANDS)
def test_a_folder_of_the_users_is_refused(
    name: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    out = user_folder(tmp_path / "thesis")
    before = snapshot(tmp_path)
    message = refused(run(*command(name, inputs), "--out", out))
    assert f"--out {out} holds files remission did not write (notes/, thesis.docx)" in message
    assert FIX in message
    assert snapshot(tmp_path) == before  # byte for byte, and nothing beside it


@pytest.mark.parametrize("name", COMMANDS)
def test_a_regular_file_is_refused(name: str, inputs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "thesis.docx"
    out.write_bytes(b"PK\x03\x04 chapter one")
    before = snapshot(tmp_path)
    message = refused(run(*command(name, inputs), "--out", out))
    assert f"--out {out} is a file, not a folder (it is left as it is)" in message
    assert snapshot(tmp_path) == before  # no hidden .thesis.docx.old-PID either


@pytest.mark.parametrize("name", ["report", "simulate", "derive", "import sdtm"])
@pytest.mark.parametrize("target", ["the user's", "remission's"])
def test_a_symlink_is_refused_and_it_and_its_target_untouched(
    name: str, target: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    real = tmp_path / "real"
    if target == "the user's":
        user_folder(real)
    else:
        assert run("simulate", *SMALL, "--out", real).returncode == 0
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    before = snapshot(tmp_path)
    message = refused(run(*command(name, inputs), "--out", link))
    assert f"--out {link} is a symbolic link to {real}" in message
    assert f"Give the real folder ({real})" in message
    assert snapshot(tmp_path) == before
    assert link.is_symlink()


@pytest.mark.parametrize("name", ["report", "derive"])
@pytest.mark.parametrize("where", ["is", "is inside", "contains"])
def test_the_study_is_never_the_output(
    name: str, where: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    study = inputs["study"]
    out = {"is": study, "is inside": study / name, "contains": study.parent}[where]
    before = snapshot(study.parent)
    message = refused(run(*command(name, inputs), "--out", out))
    assert f"--out {out} {where} {study}, an input of this command" in message
    assert snapshot(study.parent) == before  # no STUDY/report made, even though it was new


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("import sdtm", "sdtm"),
        ("neo", "mutations"),
        ("minigenes", "mutations"),
        ("screen analyse", "screen"),
        ("screen design", "peptides"),
    ],
)
def test_other_inputs_are_never_the_output(name: str, source: str, inputs: dict[str, Path]) -> None:
    given = inputs[source]
    out = given / "study" if given.is_dir() else given.parent
    where = "is inside" if given.is_dir() else "contains"
    before = snapshot(given.parent)
    message = refused(run(*command(name, inputs), "--out", out))
    assert f"--out {out} {where} {given}, an input of this command" in message
    assert snapshot(given.parent) == before


@pytest.mark.parametrize("name", ["report", "derive", "import sdtm"])
def test_the_refusal_comes_before_reading_anything(name: str, tmp_path: Path) -> None:
    names = ("study", "sdtm", "mutations", "screen", "peptides")
    missing = {k: tmp_path / "no-such" / k for k in names}
    out = user_folder(tmp_path / "thesis")
    message = refused(run(*command(name, missing), "--out", out))
    assert "holds files remission did not write" in message  # not "no study folder"


@pytest.mark.parametrize("name", COMMANDS)
def test_another_commands_folder_is_refused_before_any_work(name: str, tmp_path: Path) -> None:
    """Each command checks the kind of folder it replaces first: with its inputs missing, the
    refusal (not "no such study") shows the check ran before reading them (and before the
    simulation of ``demo`` and ``simulate``)."""
    out = tmp_path / "template"
    assert run("redcap", "template", "--out", out).returncode == 0
    names = ("study", "sdtm", "mutations", "screen", "peptides")
    missing = {k: tmp_path / "no-such" / k for k in names}
    missing["screen"] = tmp_path / "not-a-screen"  # the command line wants a folder that exists
    missing["screen"].mkdir()
    before = snapshot(tmp_path)
    message = refused(run(*command(name, missing), "--out", out))
    assert f"--out {out} holds another command's output (redcap template" in message
    assert snapshot(tmp_path) == before


def test_report_replaces_an_earlier_report(tmp_path: Path) -> None:
    # 60 patients: enough complete responses for every section; seeds 2 and 3 differ
    first, study, out = tmp_path / "first", tmp_path / "study", tmp_path / "out"
    for seed, folder in (("2", first), ("3", study)):
        made = run("simulate", "--patients", "60", "--seed", seed, "--out", folder)
        assert made.returncode == 0, made.stderr
    clean = run("report", first, "--out", out)
    assert clean.returncode == 0 and "warning" not in clean.stderr
    before = (out / "index.html").read_bytes()
    patients = pl.read_csv(study / "patients.csv", infer_schema=False)
    no_age = pl.int_range(pl.len()).is_in([3, 10])
    patients.with_columns(  # 2 patients without an age: a warning, the report goes on
        pl.when(no_age).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("birth_date", "age_at_start_years")
    ).write_csv(study / "patients.csv")
    result = run("report", study, "--out", out)
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warned[0].startswith("patients.csv:5: warning: ")
    assert warned[0].endswith("(and 1 more row)")
    assert warned[1].startswith("0 errors, 1 warning in ")
    assert sorted(p.name for p in out.iterdir()) == [
        MARKER, "data", "figures", "index.html", "report.pdf", "tables.xlsx"
    ]  # fmt: skip
    marker = json.loads((out / MARKER).read_text())
    assert marker["kind"] == "report" and marker["command"].startswith("remission report ")
    assert (out / "index.html").read_bytes() != before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first", "out", "study"]


@pytest.mark.parametrize(
    "name",
    ["simulate", "derive", "import sdtm", "neo", "minigenes", "screen analyse", "screen design"],
)
def test_a_second_run_replaces_the_first(
    name: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = run(*command(name, inputs), "--out", out)
    assert first.returncode == 0, first.stderr
    second = run(*command(name, inputs), "--out", out)
    assert second.returncode == 0, second.stderr
    assert (out / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("name", ["simulate", "derive"])
def test_an_empty_folder_is_used(name: str, inputs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run(*command(name, inputs), "--out", out)
    assert result.returncode == 0, result.stderr
    assert (out / MARKER).is_file()


def temp_folder(parent: Path, out: str, pid: int) -> Path:
    """A temporary folder as a run of ``pid`` on ``out`` leaves it when killed."""
    tmp = parent / f".{out}.remission-tmp-{pid}-k9x2m4q1"
    tmp.mkdir()
    (tmp / "patients.csv").write_text("half written")
    marker = {"written_by": "remission", "state": "in progress", "pid": pid}
    (tmp / MARKER).write_text(json.dumps(marker | {"host": socket.gethostname()}))
    return tmp


def test_temp_folders_of_dead_runs_are_removed(tmp_path: Path) -> None:
    dead = temp_folder(tmp_path, "out", dead_pid())
    live = temp_folder(tmp_path, "out", os.getpid())  # this test is alive
    kept = snapshot(live)
    result = run("simulate", *SMALL, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert not dead.exists()
    assert snapshot(live) == kept
    assert leftovers(tmp_path) == [live.name]
