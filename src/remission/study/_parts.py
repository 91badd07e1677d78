"""A typed Parquet study folder checked a part of its patients at a time.

``load`` holds every table of a study in memory; at a million patients (72 million records)
that is more than a 24 GB machine has. A study folder of Parquet tables can instead be read a
run of patients at a time: each table's rows of patients ``first <= patient_id < next first``
are read with a filter that Parquet's row-group statistics answer without reading the other
rows (the tables ``remission simulate`` and ``write_study`` write are sorted by patient), and
checked by ``load``'s own checks, which never look across patients.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from remission.protocol import Regimen
from remission.study._config import StudyConfig, read_config
from remission.study._problems import Problem, ProblemLog
from remission.study._read import _FORMATS, ROW_COLUMN, _plain, _sha256, unclean
from remission.study._schema import TABLES
from remission.study._study import Study, _check_tables, _regimen

_ID = "patient_id"


@dataclass(frozen=True)
class ParquetParts:
    """A study folder of typed Parquet tables, to be checked a run of patients at a time.

    Made by ``parquet_parts``; part ``k`` holds the patients from ``firsts[k]`` (included) to
    ``firsts[k + 1]`` (excluded), in the order of their identifiers, and every record of theirs
    in every table (a record of a patient missing from ``patients`` included); part 0 also
    holds the records without a ``patient_id``.

    Parameters
    ----------
    folder : pathlib.Path
        The study folder.
    config : StudyConfig
        Its settings.
    regimen : Regimen or None
        Its regimen.
    firsts : tuple of str
        The first patient of each part.
    rows : dict of str to int
        Records of each table (0 for an optional table that is absent), blank rows included.
    digests : dict of str to str
        SHA-256 of each table's file.
    problems : tuple of Problem
        Warnings about the settings, given once.

    Examples
    --------
    >>> import tempfile
    >>> from remission.simulate import simulate_study
    >>> from remission.study import write_study
    >>> folder = write_study(simulate_study(n_patients=30, seed=1), tempfile.mkdtemp() + "/s",
    ...                      "parquet")
    >>> parts = parquet_parts(folder, 12)
    >>> len(parts), parts.rows["patients"]
    (3, 30)
    >>> study, problems = parts.check(2)
    >>> study.patients.height, [p.code for p in problems if p.severity == "error"]
    (6, [])
    """

    folder: Path
    config: StudyConfig
    regimen: Regimen | None
    firsts: tuple[str, ...]
    rows: dict[str, int]
    digests: dict[str, str]
    problems: tuple[Problem, ...] = ()

    def __len__(self) -> int:
        return len(self.firsts)

    def where(self, k: int) -> pl.Expr:
        """The rows of part ``k``: a filter on ``patient_id`` that Parquet statistics answer.

        Parameters
        ----------
        k : int
            The part, from 0.

        Returns
        -------
        polars.Expr
            True for the rows of the part's patients (part 0: also no ``patient_id``).

        Examples
        --------
        >>> import datetime as dt
        >>> config = StudyConfig("x", dt.date(2000, 1, 1), ("melanoma",), "who", None, True)
        >>> parts = ParquetParts(Path("."), config, None, ("A", "M"), {}, {})
        >>> pl.DataFrame({"patient_id": ["B", None, "Z"]}).filter(parts.where(0)).height
        2
        """
        pid = pl.col(_ID)
        lower = pid.is_null() if k == 0 else pid >= self.firsts[k]
        if k == 0:
            return lower | (pid < self.firsts[1]) if len(self.firsts) > 1 else pl.lit(True)
        return lower & (pid < self.firsts[k + 1]) if k + 1 < len(self.firsts) else lower

    def has_seconds(self) -> bool:
        """Whether any date-time of the study has seconds, or is stored as text.

        A dataset written as CSV in parts might then print its date-times otherwise than
        written whole, so it is written whole.

        Returns
        -------
        bool
            True when a date-time column has seconds, or is stored as text.

        Examples
        --------
        >>> import tempfile
        >>> from remission.simulate import simulate_study
        >>> from remission.study import write_study
        >>> folder = write_study(simulate_study(n_patients=30, seed=1),
        ...                      tempfile.mkdtemp() + "/s", "parquet")
        >>> parquet_parts(folder, 10).has_seconds()
        False
        """
        for name, table in TABLES.items():
            path = self.folder / f"{name}.parquet"
            columns = [c.name for c in table.columns if c.kind == "datetime"]
            if not columns or not self.rows[name]:
                continue
            schema = pl.read_parquet_schema(path)
            present = [c for c in columns if c in schema]
            if any(not isinstance(schema[c], pl.Datetime) for c in present):
                return True  # as text: load types it; written whole to be safe
            if not present:
                continue
            odd = [
                (pl.col(c).dt.second() != 0) | (pl.col(c).dt.microsecond() != 0) for c in present
            ]
            if pl.scan_parquet(path).select(pl.any_horizontal(odd).any()).collect().item():
                return True
        return False

    def check(self, k: int) -> tuple[Study | None, list[Problem]]:
        """Read and check part ``k`` as ``check_study`` checks a folder.

        Parameters
        ----------
        k : int
            The part, from 0.

        Returns
        -------
        tuple of (Study or None, list of Problem)
            The part (None on errors) and its problems: those of its rows; the settings'
            warnings are in ``problems``, once.

        Examples
        --------
        See ``ParquetParts``.
        """
        log = ProblemLog()
        return _check_tables(
            self.folder, self.config, self.regimen, log, self.where(k), self.digests
        )


def parquet_parts(path: str | Path, partition_size: int) -> ParquetParts | None:
    """A study folder to read ``partition_size`` patients at a time, or None to read at once.

    The folder qualifies when it has readable settings, every table as one typed Parquet file
    (``<table>.parquet``, no CSV or workbook beside it) with a text ``patient_id`` whose values
    are already stripped, every column of plain values, every required table with rows, and
    more than ``partition_size`` patients. Anything else (including every kind of mistake) is
    left to ``load``, which reads the whole study and reports every problem.

    Parameters
    ----------
    path : str or pathlib.Path
        The study folder.
    partition_size : int
        Patients per part.

    Returns
    -------
    ParquetParts or None
        The parts, or None when the study is read whole.

    Examples
    --------
    >>> import tempfile
    >>> from remission.simulate import simulate_study
    >>> from remission.study import write_study
    >>> root = tempfile.mkdtemp()
    >>> study = simulate_study(n_patients=30, seed=1)
    >>> len(parquet_parts(write_study(study, root + "/p", "parquet"), 10))
    3
    >>> parquet_parts(write_study(study, root + "/c", "csv"), 10) is None
    True
    >>> parquet_parts(root + "/p", 30) is None
    True
    """
    folder = Path(path)
    if not (folder / "study.toml").is_file():
        return None
    log = ProblemLog()
    config = read_config(folder, log)
    if config is None or log.errors or config.workbook:
        return None
    regimen = _regimen(config.regimen, folder, log) if config.regimen else None
    if log.errors:
        return None
    files: dict[str, Path] = {}
    for name, table in TABLES.items():
        found = [folder / f"{name}{ext}" for ext in _FORMATS if (folder / f"{name}{ext}").exists()]
        if found != [folder / f"{name}.parquet"] or not found[0].is_file():
            if found or not table.optional:
                return None
            continue
        files[name] = found[0]
    if any(p.suffix.lower() in (".xlsx", ".xlsm", ".xls") for p in folder.iterdir()):
        return None
    try:  # a small study stops here, before any column is read: its row count is metadata
        if pl.scan_parquet(files["patients"]).select(pl.len()).collect().item() <= partition_size:
            return None
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return None
    rows: dict[str, int] = dict.fromkeys(TABLES, 0)
    for name, file in files.items():
        try:
            schema = pl.read_parquet_schema(file)
        except (pl.exceptions.PolarsError, OSError, ValueError):
            return None
        names = [n.strip() for n in schema]
        if (
            schema.get(_ID) != pl.String
            or ROW_COLUMN in names
            or len(set(names)) != len(names)
            or not all(_plain(t) for t in schema.values())
        ):
            return None
        scan = pl.scan_parquet(file)
        query = scan.select(pl.len(), unclean(_ID).any())
        count, to_strip = query.collect().row(0)
        if to_strip or (not count and not TABLES[name].optional):
            return None
        rows[name] = count
    ids = pl.read_parquet(files["patients"], columns=[_ID])[_ID].drop_nulls().unique().sort()
    if ids.len() <= partition_size:
        return None
    firsts = tuple(ids.gather_every(partition_size).to_list())
    digests = {name: _sha256(file) for name, file in files.items()}
    return ParquetParts(folder, config, regimen, firsts, rows, digests, tuple(log.problems))
