"""Writing a study folder (CSV, Parquet or XLSX), atomically.

The study format has one owner: the same package that reads it writes it, so a round trip
through any of the three formats gives back identical tables.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import polars as pl
import tomli_w

from remission._io import atomic_folder, workbook_time, write_csv
from remission._part_writer import PartWriter, side_by_side
from remission.study._paths import inside_folder
from remission.study._read import ROW_COLUMN
from remission.study._schema import TABLES
from remission.study._study import Study

Format = Literal["csv", "parquet", "xlsx"]
WORKBOOK = "study.xlsx"


def write_study(study: Study, out: str | Path, fmt: Format = "csv") -> Path:
    """Write ``study`` as a study folder, all at once or not at all.

    The folder is built beside ``out`` under a temporary name and renamed when complete; an
    existing ``out`` is replaced only then, and only when remission wrote it (never the
    study's own folder: ``remission._io.atomic_folder``).

    Parameters
    ----------
    study : Study
        The study to write.
    out : str or pathlib.Path
        The study folder to create.
    fmt : {"csv", "parquet", "xlsx"}
        One file per table, or one workbook with a sheet per table.

    Returns
    -------
    pathlib.Path
        The folder written.

    Raises
    ------
    ValueError
        For an unknown format, or a regimen file (``regimen = "x.toml"``) outside the study's
        folder: nothing is then written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from remission.simulate import simulate_study
    >>> study = simulate_study(n_patients=20, seed=3)
    >>> folder = write_study(study, pathlib.Path(tempfile.mkdtemp()) / "s", "parquet")
    >>> sorted(p.name for p in folder.iterdir())[:3]
    ['.remission-output.json', 'doses.parquet', 'labs.parquet']
    """
    return write_study_parts([study], out, fmt)


def write_study_parts(parts: Iterable[Study], out: str | Path, fmt: Format = "csv") -> Path:
    """Write a study given as parts (runs of its patients), holding one part at a time.

    Each table's file gets every part's rows in turn: CSV rows after one header, Parquet row
    groups (date-times in CSV print to the minute unless the part has seconds; both read back
    the same). A workbook is written whole. The settings, regimen file and folder rules are
    those of the first part, as in ``write_study``.

    Parameters
    ----------
    parts : iterable of Study
        The parts, in patient order, with the same settings (``simulate_parts`` gives them).
    out : str or pathlib.Path
        The study folder to create.
    fmt : {"csv", "parquet", "xlsx"}
        One file per table, or one workbook with a sheet per table.

    Returns
    -------
    pathlib.Path
        The folder written.

    Raises
    ------
    ValueError
        As ``write_study``, and when there is no part.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from remission.simulate import simulate_parts
    >>> parts = (p.study for p in simulate_parts(n_patients=60, seed=3, chunk_patients=25))
    >>> folder = write_study_parts(parts, pathlib.Path(tempfile.mkdtemp()) / "s", "parquet")
    >>> pl.read_parquet(folder / "patients.parquet").height
    60
    """
    if fmt not in ("csv", "parquet", "xlsx"):
        raise ValueError(f"format must be csv, parquet or xlsx, not {fmt!r}")
    out = Path(out)
    parts = iter(parts)
    study = next(parts, None)
    if study is None:
        raise ValueError("no part to write")
    regimen_file = study.config.regimen or ""
    source: Path | None = None
    if regimen_file.endswith(".toml") and study.folder is not None:
        # the file is read from inside the study's folder and written inside the new one
        if not inside_folder(study.folder, regimen_file):
            raise ValueError(
                f"the regimen file {regimen_file!r} is not inside the study folder "
                f"{study.folder}: name a file in it, without '..'"
            )
        source = study.folder / regimen_file
    inputs = [] if study.folder is None else [study.folder]
    with atomic_folder(out, "study", inputs=inputs) as tmp:
        cfg = study.config.to_toml_dict()
        if fmt == "xlsx":
            cfg["study"]["workbook"] = WORKBOOK
        else:
            cfg["study"].pop("workbook", None)
        (tmp / "study.toml").write_bytes(tomli_w.dumps(cfg).encode())
        if source is not None:
            (tmp / regimen_file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, tmp / regimen_file)
        second = next(parts, None)
        if second is None or fmt == "xlsx":
            rest = [] if second is None else [second, *parts]
            _write_whole(_frames(study, *rest), tmp, fmt)
        else:
            with PartWriter(tmp, fmt) as writer:
                for part in itertools.chain([study, second], parts):
                    writer.write(_frames(part))
    return out


def _frames(*parts: Study) -> dict[str, pl.DataFrame]:
    """The tables to write (an optional table only when it has rows), parts concatenated."""
    frames = {}
    for name in TABLES:
        tables = [p.tables[name] for p in parts if name in p.tables]
        if not tables or (TABLES[name].optional and all(t.is_empty() for t in tables)):
            continue
        frames[name] = pl.concat(tables).drop(ROW_COLUMN, strict=False)
    return frames


def _write_whole(frames: dict[str, pl.DataFrame], tmp: Path, fmt: Format) -> None:
    if fmt == "xlsx":
        import xlsxwriter

        # text stays text: "=1+1" or "=HYPERLINK(...)" in a cell is data, never a formula
        # or a link; the file's creation time is the reproducible-build time when set
        options = {"strings_to_formulas": False, "strings_to_urls": False}
        with xlsxwriter.Workbook(tmp / WORKBOOK, options) as book:
            book.set_properties({"created": workbook_time()})
            for name, frame in frames.items():
                frame.write_excel(
                    book,
                    worksheet=name,
                    autofit=frame.height < 5000,
                    dtype_formats={pl.Datetime: "yyyy-mm-dd hh:mm", pl.Date: "yyyy-mm-dd"},
                )
    else:

        def write(name: str, frame: pl.DataFrame) -> None:
            if fmt == "csv":
                write_csv(frame, tmp / f"{name}.csv")
            else:
                frame.write_parquet(tmp / f"{name}.parquet")

        side_by_side(frames, write)
