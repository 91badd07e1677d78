"""The ``Study`` object and ``load``: a study folder read, typed and validated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from remission.protocol import Regimen, RegimenError, resolve_regimen
from remission.study._checks import check_all
from remission.study._config import (
    CRITERIA,
    DESCRIPTION_CHARS,
    EARLIEST_CUTOFF,
    NAME_CHARS,
    REFERENCE_RULES,
    StudyConfig,
    _suggest,
    read_config,
)
from remission.study._ledger import check_ledger
from remission.study._parse import (
    POLARS_TYPES,
    add_cell_problems,
    add_missing,
    add_not_allowed,
    add_not_finite,
    add_out_of_range,
    cell_checks,
    out_of_range,
    type_table,
)
from remission.study._paths import inside_folder, outside_problem
from remission.study._problems import Problem, ProblemLog, StudyError, shown
from remission.study._read import ROW_COLUMN, SourceFile, read_tables
from remission.study._schema import HISTOLOGY_CHARS, TABLES, Column


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
    regimen = _regimen(cfg.regimen, folder, log) if cfg is not None and cfg.regimen else None
    return _check_tables(folder, cfg, regimen, log)


def _check_tables(
    folder: Path,
    cfg: StudyConfig | None,
    regimen: Regimen | None,
    log: ProblemLog,
    part: pl.Expr | None = None,
    digests: dict[str, str] | None = None,
) -> tuple[Study | None, list[Problem]]:
    """``check_study`` once the settings are read; ``part`` and ``digests`` as for
    ``read_tables`` (a part of the study's patients)."""
    raw = read_tables(folder, cfg.workbook if cfg else None, log, part, digests)
    frames: dict[str, pl.DataFrame] = {}
    for name, table in raw.items():
        typed = type_table(table, TABLES[name], log)
        if typed is not None:
            frames[name] = typed
    files = {name: table.file for name, table in raw.items()}
    if cfg is not None:
        _across_tables(frames, files, cfg, regimen, log, whole=part is None)
    if log.errors or cfg is None:
        return None, log.problems
    for name in TABLES:
        if name not in frames:
            frames[name] = empty_table(name)
    study = Study(
        config=cfg,
        tables=frames,
        folder=folder,
        warnings=tuple(log.problems),
        sources=tuple(t.source for t in raw.values()),
        regimen=regimen,
    )
    return study, log.problems


def _across_tables(
    frames: dict[str, pl.DataFrame],
    files: dict[str, str],
    cfg: StudyConfig,
    regimen: Regimen | None,
    log: ProblemLog,
    whole: bool = True,
) -> None:
    """Checks across rows and tables (and the dose ledger), once every table is clean; then,
    for a ``whole`` study, a note for each required table without rows (a part of the
    patients without labs is not a study without labs: engines that check a part at a time
    give that note from the whole table's size)."""
    if not log.errors:
        check_all(frames, files, cfg, log)
        if regimen is not None and not log.errors:
            check_ledger(frames, files, regimen, log)
    if log.errors or not whole:
        return
    for name, table in TABLES.items():
        frame = frames.get(name)
        if (frame is None or frame.is_empty()) and not table.optional:
            log.add(empty_table_warning(name, files.get(name, f"{name}.csv")))


def empty_table_warning(name: str, file: str) -> Problem:
    """The ``table.empty`` warning of a required table without rows.

    Parameters
    ----------
    name : str
        The table (``labs``).
    file : str
        Its file as the problem names it (``labs.csv``, ``labs.parquet``).

    Returns
    -------
    Problem
        The warning ``load`` gives.

    Examples
    --------
    >>> p = empty_table_warning("labs", "labs.parquet")
    >>> p.severity, p.code, p.file, p.expected
    ('warning', 'table.empty', 'labs.parquet', 'at least one row in labs')
    """
    return Problem(
        "warning",
        "table.empty",
        file,
        None,
        None,
        None,
        f"at least one row in {name}",
        "the table has a header but no rows; analyses that need it are skipped",
    )


def _regimen(name: str, folder: Path, log: ProblemLog) -> Regimen | None:
    """The study's regimen by name or file; None (with the problems logged) if unusable.

    A regimen file is read only from inside the study folder.
    """
    if name.endswith(".toml") and not inside_folder(folder, name):
        log.add(outside_problem("regimen", name))
        return None
    try:
        return resolve_regimen(name, folder)
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
                    name,
                    f"a regimen remission can use{where}",
                    text,
                )
            )
        return None


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


def validate_study(study: Study, *, part: bool = False) -> list[Problem]:
    """Check a study held in memory as ``load`` checks a folder, without writing it.

    The settings, every table's columns and values (types, required values, allowed values,
    ranges), then the checks across rows and tables that ``check_study`` runs (keys,
    references, chronology, consistency and, with a regimen, the dose ledger), and the notes on
    empty tables. The cross-table checks run only when the tables are clean, as in
    ``check_study``. Values must already be typed as ``empty_table`` gives them (an ``enum``
    value in its canonical spelling); a text value that is empty or only spaces counts as
    missing, as it would once written and read back.

    Problems point at each table's ``_row`` when it has one (a loaded or imported study: the
    row its record came from), else at the row the record would have in the written file
    (header = row 1). Files are named as the study's sources, else ``<table>.csv``.

    Parameters
    ----------
    study : Study
        The study, e.g. built by an importer or a simulation.
    part : bool
        The study is a part of a study's patients (a Spark partition): the notes on empty
        tables, which are about the whole table, are left out.

    Returns
    -------
    list of Problem
        Every problem found (errors and warnings); no error means ``write_study`` followed by
        ``load`` accepts the study.

    Examples
    --------
    >>> import polars as pl
    >>> from remission.simulate import simulate_study
    >>> study = simulate_study(n_patients=20, seed=1)
    >>> [p.code for p in validate_study(study) if p.severity == "error"]
    []
    >>> m = study.tables["measurements"]
    >>> bad = m.with_columns(pl.col("perpendicular_mm") + 1000)
    >>> tables = {**study.tables, "measurements": bad}
    >>> problems = validate_study(Study(study.config, tables, regimen=study.regimen))
    >>> sorted({p.code for p in problems if p.severity == "error"})
    ['value.out_of_range']
    """
    log = ProblemLog()
    cfg = study.config
    _check_config(cfg, log)
    regimen = study.regimen
    if regimen is None and cfg.regimen:
        regimen = _regimen(cfg.regimen, study.folder or Path.cwd(), log)
    named = {source.table: source.file for source in study.sources}
    files = {name: named.get(name, f"{name}.csv") for name in TABLES}
    frames: dict[str, pl.DataFrame] = {}
    for name, table in TABLES.items():
        frame = study.tables.get(name)
        if frame is None:
            if not table.optional:
                log.add(
                    Problem(
                        "error",
                        "file.missing_table",
                        files[name],
                        None,
                        None,
                        None,
                        f"the {name} table",
                        f"add the {name} table; see docs/study-format.md",
                    )
                )
            continue
        if ROW_COLUMN not in frame.columns:
            frame = frame.with_row_index(ROW_COLUMN, offset=2)
        frame = frame.with_columns(pl.col(ROW_COLUMN).cast(pl.Int64))
        if _check_table(frame, name, files[name], log):
            frames[name] = frame
    _across_tables(frames, files, cfg, regimen, log, whole=not part)
    return log.problems


def _config_problem(
    log: ProblemLog, code: str, key: str, value: object, exp: str, fix: str
) -> None:
    log.add(Problem("error", code, "study.toml", None, key, str(value), exp, fix))


def _check_config(cfg: StudyConfig, log: ProblemLog) -> None:
    """The settings ``read_config`` would refuse, checked on the object."""
    name = cfg.name
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_CHARS:
        _config_problem(
            log,
            "config.name",
            "name",
            shown(name),
            f"a study name (text in quotes, at most {NAME_CHARS} characters)",
            'write name = "My study"',
        )
    cutoff = cfg.cutoff_date
    if not isinstance(cutoff, dt.date) or isinstance(cutoff, dt.datetime):
        _config_problem(
            log,
            "config.cutoff",
            "cutoff_date",
            cutoff,
            "an ISO 8601 date",
            "write cutoff_date = 1998-05-01 (YYYY-MM-DD)",
        )
    elif cutoff < EARLIEST_CUTOFF:
        _config_problem(
            log,
            "config.cutoff",
            "cutoff_date",
            cutoff.isoformat(),
            f"a date from {EARLIEST_CUTOFF.isoformat()} on",
            "write the data cut-off date as YYYY-MM-DD",
        )
    hist = cfg.histologies
    if not (
        hist and all(isinstance(h, str) and h.strip() and len(h) <= HISTOLOGY_CHARS for h in hist)
    ):
        _config_problem(
            log,
            "config.histologies",
            "histologies",
            shown(list(hist)),
            "a non-empty list of names (text in quotes, at most "
            f"{HISTOLOGY_CHARS} characters each)",
            'write histologies = ["melanoma", "renal"]',
        )
    if cfg.response_criteria not in CRITERIA:
        _config_problem(
            log,
            "config.criteria",
            "response_criteria",
            cfg.response_criteria,
            f"one of {', '.join(CRITERIA)}",
            _suggest(str(cfg.response_criteria), CRITERIA),
        )
    for key in ("regimen", "workbook", "description"):
        value = getattr(cfg, key)
        if value is not None and (not isinstance(value, str) or len(value) > DESCRIPTION_CHARS):
            _config_problem(
                log,
                f"config.{key}",
                key,
                shown(value),
                f"text of at most {DESCRIPTION_CHARS} characters",
                f'write {key} = "..."',
            )
    if cfg.reference_date not in REFERENCE_RULES:
        _config_problem(
            log,
            "config.reference_date",
            "reference_date",
            cfg.reference_date,
            f"one of {', '.join(REFERENCE_RULES)}",
            _suggest(str(cfg.reference_date), REFERENCE_RULES),
        )


def _value_text(value: object) -> str | None:
    return None if value is None else str(value)


def _check_table(frame: pl.DataFrame, name: str, file: str, log: ProblemLog) -> bool:
    """Columns, types and values of one typed table; False when its columns are unusable."""
    table = TABLES[name]
    usable = True
    for col in table.columns:
        if col.name not in frame.columns:
            if not col.required:
                continue
            usable = False
            log.add_rows(
                "error",
                "column.missing",
                file,
                col.name,
                [1],
                [None],
                f"a column {col.name!r}",
                f"add a column {col.name!r}: {col.description}",
            )
        elif frame.schema[col.name] != POLARS_TYPES[col.kind]:
            usable = False
            log.add_rows(
                "error",
                "column.type",
                file,
                col.name,
                [1],
                [str(frame.schema[col.name])],
                f"{col.kind} values (polars {POLARS_TYPES[col.kind]})",
                "type the column as empty_table gives it",
            )
    for extra in frame.columns:
        if extra != ROW_COLUMN and extra not in table.names:
            log.add_rows(
                "warning",
                "column.unknown",
                file,
                extra,
                [1],
                [extra],
                f"a column of the {table.name} table ({', '.join(table.names)})",
                "it is not part of the format and is not written",
            )
    if not usable:
        return False
    # every check of every column in one pass; rows are looked up only where one found any
    checks = [
        (col, kind, mask)
        for col in table.columns
        if col.name in frame.columns
        for kind, mask in _value_checks(col).items()
    ]
    if not checks or frame.is_empty():
        return True
    found = frame.select(mask.any().alias(str(i)) for i, (_, _, mask) in enumerate(checks))
    for i, (col, kind, mask) in enumerate(checks):
        if not found[str(i)][0]:
            continue
        if kind == "cells":
            add_cell_problems(log, file, col, col.name, frame, mask)
            continue
        bad = frame.filter(mask)
        rows = bad[ROW_COLUMN].to_list()
        if kind == "enum":
            add_not_allowed(log, file, col, rows, bad[col.name].to_list())
        elif kind == "not_finite":
            add_not_finite(log, file, col, rows, [_value_text(v) for v in bad[col.name]])
        elif kind == "range":
            add_out_of_range(log, file, col, rows, [_value_text(v) for v in bad[col.name]])
        else:
            add_missing(log, file, col, rows)
    return True


def _value_checks(col: Column) -> dict[str, pl.Expr]:
    """The rows breaking a rule of one typed column: cells no column may hold (a NUL, an Excel
    error, text too long), allowed values, a finite number in range, a required value."""
    value = pl.col(col.name)
    checks: dict[str, pl.Expr] = {}
    fine = pl.lit(True)
    if col.kind in ("str", "enum"):
        cells = cell_checks(col, col.name, nul=True, excel=True)
        checks["cells"] = pl.any_horizontal(cells.values()).fill_null(False)
    if col.kind == "enum":  # a value told as a cell problem is not told again
        exact = cell_checks(col, col.name, nul=True, excel=True, exact=True)
        fine = ~pl.any_horizontal(exact.values()).fill_null(False)
        checks["enum"] = value.is_not_null() & ~value.is_in(list(col.values)) & fine
    if col.kind == "float":
        checks["not_finite"] = value.is_not_null() & ~value.is_finite()
        fine = value.is_finite()
    outside = out_of_range(col, value) if col.kind in ("int", "float") else None
    if outside is not None:
        checks["range"] = outside & fine.fill_null(True)
    if not col.nullable:
        empty = value.is_null()
        if col.kind in ("str", "enum"):  # only white space (Unicode's, as strip_chars) or ""
            empty = empty | value.str.contains(r"^\s*$")
        checks["missing"] = empty
    return checks
