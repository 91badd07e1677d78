"""Output folders and the CSV form of typed tables, shared by every writer.

One rule for every folder remission writes (``--out`` of report, simulate, demo, derive,
import sdtm, antigens neo and minigenes): it is built in a temporary folder beside the target
and renamed into place when complete, it carries a marker (``.remission-output.json``), and an
existing target is replaced only when it is empty or holds exactly what remission wrote there.
A command never deletes a file or folder it did not write: the user's files, the command's own
inputs, files, links and folders changed since are refused with :class:`OutputError`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shlex
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from remission import __version__

MARKER = ".remission-output.json"
"""The file in every folder remission writes; without it a folder is the user's."""
_FIX = "Choose a new or empty folder for --out, or delete it yourself."
_SHOWN = 5
"""Names listed in a refusal before '...'."""


class OutputError(ValueError):
    """An output folder that cannot be written without destroying what remission did not write.

    Examples
    --------
    >>> issubclass(OutputError, ValueError)
    True
    """


def listed(names: list[str]) -> str:
    """The first few ``names`` for a message, ``...`` when there are more."""
    return ", ".join(names[:_SHOWN]) + (", ..." if len(names) > _SHOWN else "")


def _read_marker(folder: Path) -> dict | None:
    """The marker of ``folder`` when it is a regular file remission wrote, else None."""
    path = folder / MARKER
    if path.is_symlink() or not path.is_file():
        return None
    try:
        marker = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("written_by") != "remission":
        return None
    return marker


def _inventory(folder: Path) -> dict[str, list[int] | None]:
    """Every entry below ``folder`` but its marker: a file's [bytes, mtime_ns], a folder's None."""
    found: dict[str, list[int] | None] = {}
    for root, dirs, files in os.walk(folder):
        rel = Path(root).relative_to(folder)
        for name in dirs:
            found[(rel / name).as_posix() + "/"] = None
        for name in files:
            if rel == Path(".") and name == MARKER:
                continue
            st = os.lstat(Path(root) / name)
            found[(rel / name).as_posix()] = [st.st_size, st.st_mtime_ns]
    return dict(sorted(found.items()))


def _not_ours(folder: Path, files: dict) -> list[str]:
    """Entries of ``folder`` not in the marker's ``files``, or changed since (a folder once)."""
    strange: list[str] = []
    for key, stat in _inventory(folder).items():  # sorted: a folder comes before its contents
        if any(key.startswith(s) for s in strange):
            continue
        if key not in files:
            strange.append(key)
        elif stat != files[key]:
            strange.append(f"{key} (changed)")
    return strange


def check_out(out: str | Path, inputs: Iterable[str | Path] = (), kind: str | None = None) -> Path:
    """Check that ``out`` may be written (or replaced) without losing anything of the user's.

    ``out`` may be new, an empty folder, or a folder remission wrote (its marker lists every
    entry, unchanged since) of the same ``kind``: a report replaces a report, never a study
    folder another command wrote. It may not be a link, a file, or be, contain or lie inside
    one of ``inputs`` (compared as resolved real paths).

    Parameters
    ----------
    out : str or pathlib.Path
        The output folder.
    inputs : iterable of str or pathlib.Path
        The files and folders the command reads.
    kind : str, optional
        What the command writes (``atomic_folder``'s ``kind``); a remission folder of another
        kind is refused. None accepts any kind.

    Returns
    -------
    pathlib.Path
        ``out`` as an absolute path.

    Raises
    ------
    OutputError
        Naming the folder, what is in it and the fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> study = pathlib.Path(tempfile.mkdtemp())
    >>> check_out(study / "report").name
    'report'
    >>> (study / "thesis.docx").write_text("mine")
    4
    >>> check_out(study)
    Traceback (most recent call last):
    ...
    remission._io.OutputError: --out ... holds files remission did not write (thesis.docx). ...
    >>> check_out(study / "report", inputs=[study])
    Traceback (most recent call last):
    ...
    remission._io.OutputError: --out ... is inside ..., an input of this command; ...
    """
    out = Path(os.path.abspath(out))
    if out.is_symlink():
        real = out.resolve()
        raise OutputError(
            f"--out {out} is a symbolic link to {real}; remission does not replace links or "
            f"write through them (both are left as they are). Give the real folder ({real}) "
            "or a new folder for --out."
        )
    real_out = out.resolve()
    for given in inputs:
        real_in = Path(given).resolve()
        if real_out == real_in:
            where = "is"
        elif real_out.is_relative_to(real_in):
            where = "is inside"
        elif real_in.is_relative_to(real_out):
            where = "contains"
        else:
            continue
        raise OutputError(
            f"--out {out} {where} {given}, an input of this command; writing it would replace "
            f"the input. Choose a folder for --out outside {given}."
        )
    if out.parent == out:
        raise OutputError(f"--out {out} is a file system root. {_FIX}")
    if not out.exists():
        return out
    if not out.is_dir():
        what = "a file" if out.is_file() else "not a file or folder"
        raise OutputError(f"--out {out} is {what}, not a folder (it is left as it is). {_FIX}")
    names = sorted(p.name + ("/" if p.is_dir() else "") for p in out.iterdir())
    if not names:
        return out
    marker = _read_marker(out)
    if marker is None or not isinstance(marker.get("files"), dict):
        raise OutputError(
            f"--out {out} holds files remission did not write ({listed(names)}). {_FIX}"
        )
    strange = _not_ours(out, marker["files"])
    if strange:
        raise OutputError(
            f"--out {out} was written by remission but now holds files it did not write or "
            f"that were changed since ({listed(strange)}). {_FIX}"
        )
    written = marker.get("kind")
    if kind is not None and written is not None and written != kind:
        raise OutputError(
            f"--out {out} holds another command's output ({written}, written by: "
            f"{marker.get('command', '?')}); this command ({kind}) replaces only its own. "
            f"{_FIX}"
        )
    return out


def _command_line() -> str:
    prog = Path(sys.argv[0])
    ours = prog.name == "remission" or prog.parent.name == "remission"
    return shlex.join(["remission" if ours else sys.argv[0], *sys.argv[1:]])


def build_time() -> dt.datetime:
    """Now (UTC), or ``SOURCE_DATE_EPOCH`` when it is set (reproducible builds).

    Every timestamp remission writes into a file (markers, workbooks, PDF, provenance) is
    this one, so two runs with the same ``SOURCE_DATE_EPOCH`` write the same bytes.

    Returns
    -------
    datetime.datetime
        A time zone-aware UTC time.

    Examples
    --------
    >>> import os
    >>> os.environ["SOURCE_DATE_EPOCH"] = "0"
    >>> build_time().isoformat()
    '1970-01-01T00:00:00+00:00'
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return dt.datetime.now(dt.UTC)


def workbook_time() -> dt.datetime:
    """:func:`build_time` without the zone, as xlsxwriter's document properties take it.

    Examples
    --------
    >>> workbook_time().tzinfo is None
    True
    """
    return build_time().replace(tzinfo=None)


def _utc_now() -> str:
    """:func:`build_time` as ISO 8601 UTC text."""
    return build_time().strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_json(path: Path, content: dict) -> None:
    path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process, or a pid we may not ask about
        return True
    return True


def _remove_stale(out: Path) -> None:
    """Remove the temporary and set-aside folders of runs on ``out`` that were killed.

    Only folders named as :func:`atomic_folder` names them, holding a remission marker,
    made on this machine by a process that no longer runs.
    """
    pattern = re.compile(rf"\.{re.escape(out.name)}\.remission-(?:tmp|old)-(\d+)-[a-z0-9_]+")
    if not out.parent.is_dir():
        return
    for path in out.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if not match or path.is_symlink() or not path.is_dir() or _alive(int(match[1])):
            continue
        marker = _read_marker(path)
        if marker is not None and marker.get("host", socket.gethostname()) == socket.gethostname():
            shutil.rmtree(path)


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder below ``folder`` (and itself) to disk."""
    for root, _dirs, files in os.walk(folder, topdown=False):
        for name in files:
            fd = os.open(Path(root) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(root))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_folder(
    out: str | Path, kind: str, *, inputs: Iterable[str | Path] = ()
) -> Iterator[Path]:
    """Yield a temporary folder beside ``out``; on success it becomes ``out``, else vanishes.

    ``out`` is checked (:func:`check_out`) before and again just before the rename. The
    temporary folder is named ``.NAME.remission-tmp-PID-XXXXXXXX`` and holds an in-progress
    marker, so a later run on ``out`` removes it when the run that made it was killed. When the
    work is done the marker records the command, the remission version, the time (UTC, or
    ``SOURCE_DATE_EPOCH``) and every entry; files and folders are flushed to disk; an earlier
    ``out`` is set aside (``.NAME.remission-old-PID-XXXXXXXX``), the new one renamed in, the old
    one deleted. The folder gets the usual permissions (umask), not 0700.

    Parameters
    ----------
    out : str or pathlib.Path
        The folder to write.
    kind : str
        What the folder is (``"study"``, ``"report"``, ...), recorded in the marker.
    inputs : iterable of str or pathlib.Path
        Files and folders the writer reads, which ``out`` must not be, contain or lie in.

    Yields
    ------
    pathlib.Path
        The temporary folder to fill.

    Raises
    ------
    OutputError
        When ``out`` holds what remission did not write (see :func:`check_out`).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "results"
    >>> with atomic_folder(out, "example") as tmp:
    ...     _ = (tmp / "table.csv").write_text("a,b\\n1,2\\n")
    >>> sorted(p.name for p in out.iterdir())
    ['.remission-output.json', 'table.csv']
    >>> json.loads((out / ".remission-output.json").read_text())["files"]["table.csv"][0]
    8
    >>> with atomic_folder(out, "example") as tmp:  # our own folder: replaced
    ...     _ = (tmp / "other.csv").write_text("c\\n")
    >>> sorted(p.name for p in out.iterdir())
    ['.remission-output.json', 'other.csv']
    >>> with atomic_folder(out, "report") as tmp:  # another command's folder: refused
    ...     pass
    Traceback (most recent call last):
    ...
    remission._io.OutputError: --out ... holds another command's output (example, ...); ...
    """
    out = check_out(out, inputs, kind)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(out)
    pid = os.getpid()
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.remission-tmp-{pid}-", dir=out.parent))
    try:
        in_progress = {"state": "in progress", "pid": pid, "host": socket.gethostname()}
        _write_json(tmp / MARKER, {"written_by": "remission", **in_progress})
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        yield tmp
        _write_json(
            tmp / MARKER,
            {
                "written_by": "remission",
                "version": __version__,
                "kind": kind,
                "command": _command_line(),
                "created_utc": _utc_now(),
                "files": _inventory(tmp),
            },
        )
        _fsync_tree(tmp)
        check_out(out, inputs, kind)  # it may have appeared, or changed, while we worked
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.remission-old-{pid}-", dir=out.parent))
            old.rmdir()  # a free name of our pattern, for the old folder
            out.rename(old)
            tmp.rename(out)
            _fsync_dir(out.parent)
            shutil.rmtree(old)
        else:
            tmp.rename(out)
            _fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def csv_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The table with its datetimes as text: 'YYYY-MM-DD HH:MM' (seconds only when needed).

    Parameters
    ----------
    frame : polars.DataFrame
        A typed table.

    Returns
    -------
    polars.DataFrame
        The same table, datetime columns as text.

    Examples
    --------
    >>> import datetime as dt
    >>> csv_frame(pl.DataFrame({"at": [dt.datetime(2020, 1, 2, 8, 5)]}))["at"].item()
    '2020-01-02 08:05'
    """
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Datetime:
            seconds = frame.select(((col.dt.second() != 0) | (col.dt.microsecond() != 0)).any())
            fmt = "%Y-%m-%d %H:%M:%S%.f" if seconds.item() else "%Y-%m-%d %H:%M"
            exprs.append(col.dt.strftime(fmt))
        else:
            exprs.append(col)
    return frame.select(exprs)


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The CSV ``write_csv`` writes for ``frame``, as bytes (a download, a file on Spark's
    file systems).

    Examples
    --------
    >>> import datetime as dt
    >>> csv_bytes(pl.DataFrame({"on": [dt.date(2020, 1, 2)]}))
    b'on\\n2020-01-02\\n'
    """
    buffer = io.BytesIO()
    csv_frame(frame).write_csv(buffer, date_format="%Y-%m-%d")
    return buffer.getvalue()


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    """Write a typed table as CSV: ISO dates, minutes-resolution datetimes.

    Parameters
    ----------
    frame : polars.DataFrame
        A typed table.
    path : pathlib.Path
        The CSV file.

    Examples
    --------
    >>> import datetime as dt, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_csv(pl.DataFrame({"on": [dt.date(2020, 1, 2)]}), path)
    >>> path.read_text()
    'on\\n2020-01-02\\n'
    """
    csv_frame(frame).write_csv(path, date_format="%Y-%m-%d")
