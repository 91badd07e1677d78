"""``remission._io``: the one rule for output folders. Every refusal leaves the user's files
byte for byte as they were."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import remission
from remission._io import MARKER, OutputError, atomic_folder, check_out
from tests.cli.test_cli import ENV


def snapshot(root: Path) -> dict[str, str]:
    """Every entry below ``root`` (and ``root`` itself): a file's SHA-256, a link's target."""
    entries = {}
    for path in [root, *sorted(root.rglob("*"))] if root.is_dir() else [root]:
        key = path.relative_to(root).as_posix() if path != root else "."
        if path.is_symlink():
            entries[key] = "link to " + os.readlink(path)
        elif path.is_file():
            entries[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            entries[key] = "folder"
    return entries


def user_folder(path: Path) -> Path:
    """A folder of the user's: a thesis and a subfolder of notes."""
    path.mkdir(parents=True)
    (path / "thesis.docx").write_bytes(b"PK\x03\x04 chapter one" * 100)
    (path / "notes").mkdir()
    (path / "notes" / "ideas.txt").write_text("keep me\n")
    return path


def write(out: Path, **files: str) -> Path:
    with atomic_folder(out, "test") as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text)
    return out


def dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".remission-" in p.name)


def test_new_folder_gets_the_marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")
    out = write(tmp_path / "out", **{"a.csv": "x\n1\n"})
    marker = json.loads((out / MARKER).read_text())
    assert marker["written_by"] == "remission"
    assert marker["version"] == remission.__version__
    assert marker["kind"] == "test"
    assert marker["command"]
    assert marker["created_utc"] == "2000-01-01T00:00:00Z"
    assert list(marker["files"]) == ["a.csv"]
    assert marker["files"]["a.csv"][0] == 4
    assert "pid" not in marker and "state" not in marker
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_time_is_now_without_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = write(tmp_path / "out", a="1")
    created = json.loads((out / MARKER).read_text())["created_utc"]
    assert created.endswith("Z") and created[:4] >= "2024"


def test_replaces_its_own_folder_whole(tmp_path: Path) -> None:
    out = write(tmp_path / "out", a="1", b="2")
    write(out, c="3")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "c"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_another_commands_folder_is_refused_untouched(tmp_path: Path) -> None:
    """A report never replaces a study folder that another command wrote (and so on)."""
    out = write(tmp_path / "study", patients="1,2")
    before = snapshot(out)
    refused = pytest.raises(OutputError, match=r"another command's output \(test, written by")
    with refused as e, atomic_folder(out, "report") as tmp:
        (tmp / "index.html").write_text("<p>")
    assert "replaces only its own" in str(e.value) and "Choose a new or empty folder" in str(
        e.value
    )
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study"]
    assert check_out(out).name == "study"  # the early check, kind unknown, lets it pass


def test_empty_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write(out, a="1")
    assert (out / "a").read_text() == "1"


@pytest.mark.parametrize("extra", ["thesis.docx", "notes/"])
def test_own_folder_with_a_file_added_is_refused(tmp_path: Path, extra: str) -> None:
    out = write(tmp_path / "out", a="1")
    if extra.endswith("/"):
        (out / extra).mkdir()
        (out / extra / "ideas.txt").write_text("mine")
    else:
        (out / extra).write_text("mine")
    before = snapshot(out)
    with pytest.raises(OutputError, match=f"now holds files it did not write .*{re.escape(extra)}"):
        write(out, a="2")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_own_folder_with_a_file_changed_is_refused(tmp_path: Path) -> None:
    out = write(tmp_path / "out", a="1")
    (out / "a").write_text("edited by hand")
    before = snapshot(out)
    with pytest.raises(OutputError, match=r"a \(changed\)"):
        write(out, a="2")
    assert snapshot(out) == before


def test_user_folder_is_refused_with_names_and_fix(tmp_path: Path) -> None:
    out = user_folder(tmp_path / "mine")
    before = snapshot(out)
    with pytest.raises(OutputError) as caught:
        write(out, a="1")
    message = str(caught.value)
    assert str(out) in message and "notes/, thesis.docx" in message
    assert "Choose a new or empty folder for --out, or delete it yourself." in message
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_refusal_names_the_first_few_entries(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    for i in range(7):
        (out / f"chapter{i}.docx").write_text(str(i))
    with pytest.raises(OutputError, match=r"\(chapter0\.docx, [^)]*, chapter4\.docx, \.\.\.\)"):
        check_out(out)


def test_nested_output_folders_are_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "demo"  # as remission demo writes DIR/study and DIR/study/screens
    for run in ("first", "second"):
        with atomic_folder(out, "demo") as work:
            write(work / "study", patients=run)
            write(work / "study" / "screens", plates=run)
    assert (out / "study" / "screens" / "plates").read_text() == "second"
    assert (out / "study" / MARKER).is_file() and (out / "study" / "screens" / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]


def test_a_forged_marker_does_not_make_a_folder_ours(tmp_path: Path) -> None:
    out = user_folder(tmp_path / "mine")
    (out / MARKER).write_text('{"written_by": "someone else", "files": {}}')
    before = snapshot(out)
    with pytest.raises(OutputError, match="did not write"):
        write(out, a="1")
    assert snapshot(out) == before


def test_regular_file_is_refused_untouched(tmp_path: Path) -> None:
    out = tmp_path / "thesis.docx"
    out.write_bytes(b"chapter one")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        write(out, a="1")
    assert out.read_bytes() == b"chapter one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"]


@pytest.mark.parametrize("target", ["user", "remission"])
def test_symlink_is_refused_link_and_target_untouched(tmp_path: Path, target: str) -> None:
    real = user_folder(tmp_path / "real") if target == "user" else write(tmp_path / "real", a="1")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    before = snapshot(real)
    with pytest.raises(OutputError, match="is a symbolic link to") as caught:
        write(link, a="2")
    assert f"Give the real folder ({real.resolve()})" in str(caught.value)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert snapshot(real) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


@pytest.mark.parametrize(
    ("out", "where"),
    [
        ("study", "is"),
        ("study/report", "is inside"),
        ("study/new/deeper", "is inside"),
        (".", "contains"),
    ],
)
def test_an_input_is_never_the_output(tmp_path: Path, out: str, where: str) -> None:
    study = user_folder(tmp_path / "study")
    out_path = tmp_path / out
    before = snapshot(tmp_path)
    expected = re.escape(f"{where} {study}, an input of this command")
    with (
        pytest.raises(OutputError, match=expected),
        atomic_folder(out_path, "test", inputs=[study]),
    ):
        pass
    assert snapshot(tmp_path) == before


def test_input_compared_as_real_paths(tmp_path: Path) -> None:
    study = user_folder(tmp_path / "study")
    (tmp_path / "alias").symlink_to(study, target_is_directory=True)
    with pytest.raises(OutputError, match="is inside"):
        check_out(tmp_path / "alias" / "report", inputs=[study])
    with pytest.raises(OutputError, match="is inside"):
        check_out(study / "report", inputs=[tmp_path / "alias"])
    assert check_out(tmp_path / "report", inputs=[tmp_path / "alias"]) == tmp_path / "report"


def test_folder_appearing_while_working_is_refused_at_rename(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(OutputError, match=r"thesis\.docx"), atomic_folder(out, "test") as tmp:
        (tmp / "a").write_text("1")
        user_folder(out)  # the user made it meanwhile
    assert (out / "thesis.docx").is_file()
    assert leftovers(tmp_path) == []


def test_a_failure_inside_keeps_the_earlier_output(tmp_path: Path) -> None:
    out = write(tmp_path / "out", a="1")
    before = snapshot(out)
    with pytest.raises(RuntimeError), atomic_folder(out, "test") as tmp:
        (tmp / "a").write_text("2")
        raise RuntimeError("disk full")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_files_and_folders_are_flushed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    with atomic_folder(tmp_path / "out", "test") as tmp:
        (tmp / "sub").mkdir()
        (tmp / "sub" / "a").write_text("1")
        (tmp / "b").write_text("2")
    assert len(synced) >= 3 + 2 + 1  # files a, b and the marker; both folders; their parent


KILLED_WHILE_WRITING = """
import os, signal, sys
from remission._io import atomic_folder
with atomic_folder(sys.argv[1], "test") as tmp:
    (tmp / "half.csv").write_text("half")
    os.kill(os.getpid(), signal.SIGKILL)
"""

KILLED_BEFORE_DELETING_THE_OLD = """
import os, shutil, signal, sys
from remission._io import atomic_folder
with atomic_folder(sys.argv[1], "test") as tmp:
    (tmp / "first.csv").write_text("1")
shutil.rmtree = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
with atomic_folder(sys.argv[1], "test") as tmp:
    (tmp / "second.csv").write_text("2")
"""


def kill_9(script: str, out: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", script, str(out)], env=ENV, check=False)
    assert proc.returncode == -9


def test_temp_folder_of_a_killed_run_is_removed_next_time(tmp_path: Path) -> None:
    out = tmp_path / "out"
    kill_9(KILLED_WHILE_WRITING, out)
    (stale,) = leftovers(tmp_path)
    assert stale.startswith(".out.remission-tmp-")
    write(out, a="1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_set_aside_folder_of_a_killed_run_is_removed_next_time(tmp_path: Path) -> None:
    out = tmp_path / "out"
    kill_9(KILLED_BEFORE_DELETING_THE_OLD, out)
    (stale,) = leftovers(tmp_path)
    assert stale.startswith(".out.remission-old-")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "second.csv"]  # the new one is in
    write(out, a="1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_temp_folder_of_a_live_run_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_folder(out, "test") as outer:  # this process is alive: os.getpid()
        assert outer.name.startswith(f".out.remission-tmp-{os.getpid()}-")
        write(out, a="1")  # a second run on the same --out meanwhile
        assert outer.is_dir()
        (outer / "b").write_text("2")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("marker", [None, "foreign", "other host"])
def test_lookalike_folders_are_left_alone(tmp_path: Path, marker: str | None) -> None:
    pid = dead_pid()
    stale = user_folder(tmp_path / f".out.remission-tmp-{pid}-abcd1234")
    if marker == "foreign":
        (stale / MARKER).write_text('{"written_by": "someone else"}')
    elif marker == "other host":
        content = {"written_by": "remission", "pid": pid, "host": socket.gethostname() + "-x"}
        (stale / MARKER).write_text(json.dumps(content))
    before = snapshot(stale)
    write(tmp_path / "out", a="1")
    assert snapshot(stale) == before


def test_dead_runs_of_another_output_are_left_alone(tmp_path: Path) -> None:
    kill_9(KILLED_WHILE_WRITING, tmp_path / "other")
    (stale,) = leftovers(tmp_path)
    write(tmp_path / "out", a="1")
    assert stale in leftovers(tmp_path)
