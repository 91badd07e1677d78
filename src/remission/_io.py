"""Atomic output folders and the CSV form of typed tables, shared by every writer."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl


def replace_folder(tmp: Path, out: Path) -> None:
    """Move the finished folder ``tmp`` to ``out``, replacing any earlier ``out``."""
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old)
    else:
        tmp.rename(out)


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``out``; on success it becomes ``out``, else vanishes.

    The folder gets the usual permissions (umask), not the 0700 of a temporary folder.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        yield tmp
        replace_folder(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def csv_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Datetimes as 'YYYY-MM-DD HH:MM' (seconds only when a value has them)."""
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


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    """Write a typed table as CSV: ISO dates, minutes-resolution datetimes."""
    csv_frame(frame).write_csv(path, date_format="%Y-%m-%d")
