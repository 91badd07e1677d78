"""The ``Study`` object and ``load``: a study folder read, typed and validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from remission.protocol import Regimen, RegimenError, resolve_regimen
from remission.study._checks import check_all
from remission.study._config import StudyConfig, read_config
from remission.study._ledger import check_ledger
from remission.study._parse import POLARS_TYPES, type_table
from remission.study._problems import Problem, ProblemLog, StudyError
from remission.study._read import ROW_COLUMN, SourceFile, read_tables
from remission.study._schema import TABLES


def empty_table(name: str) -> pl.DataFrame:
    """Return the typed, empty table ``name`` (with its ``_row`` column).

    Parameters
    ----------
    name : str
        A table of the study format.

    Returns
    -------
    polars.DataFrame
        Zero rows, every documented column with its type.

    Examples
    --------
    >>> empty_table("assessments").columns
    ['_row', 'patient_id', 'assessed_on', 'response', 'sequence', 'assessed_on_imputed']
    """
    schema = {ROW_COLUMN: pl.Int64()} | {c.name: POLARS_TYPES[c.kind] for c in TABLES[name].columns}
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class Study:
    """A loaded study: its settings and its typed tables.

    Every table has the documented columns with their types, plus ``_row``, the row of the
    source file each record came from (header = row 1), so later checks can point at it.

    Parameters
    ----------
    config : StudyConfig
        The settings from ``study.toml``.
    tables : dict of str to polars.DataFrame
        Every table of the format by name; an optional table that is absent is empty.
    folder : pathlib.Path or None
        Where the study was read from.
    warnings : tuple of Problem
        Warnings found while loading.
    sources : tuple of SourceFile
        Each table's file, its SHA-256 and its row count.
    regimen : Regimen or None
        The treatment regimen ``study.toml`` names (None only for a study built in memory
        without one).

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> study = simulate_study(n_patients=20, seed=1)
    >>> study.patients.height
    20
    """

    config: StudyConfig
    tables: dict[str, pl.DataFrame]
    folder: Path | None = None
    warnings: tuple[Problem, ...] = ()
    sources: tuple[SourceFile, ...] = field(default=())
    regimen: Regimen | None = None

    def table(self, name: str) -> pl.DataFrame:
        """Return the table ``name`` without the ``_row`` provenance column.

        Parameters
        ----------
        name : str
            A table of the study format.

        Returns
        -------
        polars.DataFrame
            The typed table.

        Examples
        --------
        >>> from remission.simulate import simulate_study
        >>> "_row" in simulate_study(n_patients=20, seed=1).table("patients").columns
        False
        """
        return self.tables[name].drop(ROW_COLUMN, strict=False)

    @property
    def patients(self) -> pl.DataFrame:
        """The patients table."""
        return self.tables["patients"]

    @property
    def prior_therapies(self) -> pl.DataFrame:
        """The prior_therapies table."""
        return self.tables["prior_therapies"]

    @property
    def doses(self) -> pl.DataFrame:
        """The dose ledger."""
        return self.tables["doses"]

    @property
    def lesions(self) -> pl.DataFrame:
        """The lesions table."""
        return self.tables["lesions"]

    @property
    def measurements(self) -> pl.DataFrame:
        """The lesion measurements."""
        return self.tables["measurements"]

    @property
    def labs(self) -> pl.DataFrame:
        """The laboratory values."""
        return self.tables["labs"]

    @property
    def assessments(self) -> pl.DataFrame:
        """The investigator-recorded responses (empty when the study has none)."""
        return self.tables["assessments"]


def check_study(path: str | Path) -> tuple[Study | None, list[Problem]]:
    """Read and check a study folder, returning the study (None on errors) and every problem.

    Parameters
    ----------
    path : str or pathlib.Path
        The study folder.

    Returns
    -------
    tuple of (Study or None, list of Problem)
        The study when it has no errors, and all problems found (errors and warnings).

    Examples
    --------
    >>> study, problems = check_study("no/such/folder")
    >>> study is None, problems[0].code
    (True, 'folder.missing')
    """
    folder = Path(path)
    log = ProblemLog()
    if not folder.is_dir():
        log.add(
            Problem(
                "error",
                "folder.missing",
                str(folder),
                None,
                None,
                None,
                "a study folder",
                "give the path of the folder that holds study.toml",
            )
        )
        return None, log.problems
    cfg = read_config(folder, log)
    regimen = None
    if cfg is not None and cfg.regimen:
        try:
            regimen = resolve_regimen(cfg.regimen, folder)
        except RegimenError as exc:
            where = "" if exc.path == "study.toml" else f" ({Path(exc.path).name})"
            for text in exc.problems:
                log.add(
                    Problem(
                        "error",
                        "config.regimen",
                        "study.toml",
                        None,
                        "regimen",
                        cfg.regimen,
                        f"a regimen remission can use{where}",
                        text,
                    )
                )
    raw = read_tables(folder, cfg.workbook if cfg else None, log)
    frames: dict[str, pl.DataFrame] = {}
    for name, table in raw.items():
        typed = type_table(table, TABLES[name], log)
        if typed is not None:
            frames[name] = typed
    files = {name: table.file for name, table in raw.items()}
    if cfg is not None and not log.errors:
        check_all(frames, files, cfg, log)
        if regimen is not None and not log.errors:
            check_ledger(frames, files, regimen, log)
    if log.errors or cfg is None:
        return None, log.problems
    for name in TABLES:
        if name not in frames:
            frames[name] = empty_table(name)
    for name, frame in frames.items():
        if frame.is_empty() and not TABLES[name].optional:
            log.add(
                Problem(
                    "warning",
                    "table.empty",
                    files.get(name, f"{name}.csv"),
                    None,
                    None,
                    None,
                    f"at least one row in {name}",
                    "the table has a header but no rows; analyses that need it are skipped",
                )
            )
    study = Study(
        config=cfg,
        tables=frames,
        folder=folder,
        warnings=tuple(log.problems),
        sources=tuple(t.source for t in raw.values()),
        regimen=regimen,
    )
    return study, log.problems


def load(path: str | Path) -> Study:
    """Load and validate a study folder.

    Every problem is collected before anything is raised, so one run shows them all.

    Parameters
    ----------
    path : str or pathlib.Path
        The study folder (with ``study.toml`` and the tables).

    Returns
    -------
    Study
        The typed tables; warnings are in ``Study.warnings``.

    Raises
    ------
    StudyError
        When there is at least one error; ``StudyError.problems`` lists everything found.

    Examples
    --------
    >>> try:
    ...     load("no/such/folder")
    ... except StudyError as err:
    ...     print(err.errors[0].code)
    folder.missing
    """
    study, problems = check_study(path)
    if study is None:
        raise StudyError(problems)
    return study
