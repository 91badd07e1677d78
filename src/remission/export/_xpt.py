"""SAS V5 transport (XPT) files of derived datasets, with labels, through pyreadstat.

SAS V5 transport limits (the FDA's format for submissions): dataset and variable names at most
8 characters (letters, digits, underscore; not starting with a digit), dataset and variable
labels at most 40 characters, text values at most 200 bytes. ``v5_problems`` checks them all
before anything is written; nothing is truncated silently. Text is written in UTF-8 (pyreadstat's
encoding); an empty text value is SAS's missing value and reads back as null. Dates are SAS
dates (``DATE9.``), date-times SAS date-times (``DATETIME20.``), whole numbers and flags 8-byte
numbers, as every SAS number is.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from remission.export._metadata import DATASET_LABELS, VARIABLES, xpt_type
from remission.study import Problem

V5_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,7}$")
"""A SAS V5 name: at most 8 letters, digits or underscores, not starting with a digit."""
V5_LABEL = 40
V5_TEXT = 200
_FORMATS = {"date": "DATE9.", "datetime": "DATETIME20."}


def v5_problems(frame: pl.DataFrame, name: str) -> list[Problem]:
    """Every way ``frame`` would break the SAS V5 transport limits, as problems.

    Parameters
    ----------
    frame : polars.DataFrame
        A derived dataset.
    name : str
        Its name (``adsl``, ...).

    Returns
    -------
    list of Problem
        Empty when the dataset fits: names, labels and text values within V5's limits.

    Examples
    --------
    >>> v5_problems(pl.DataFrame({"USUBJID": ["P1"]}), "adsl")
    []
    >>> [p.code for p in v5_problems(pl.DataFrame({"TOOLONGNAME": ["x" * 201]}), "adsl")]
    ['xpt.name', 'xpt.text_length']
    """
    file = f"{name}.xpt"
    problems = []

    def add(code: str, column: str | None, value: str, expected: str, fix: str) -> None:
        problems.append(Problem("error", code, file, None, column, value, expected, fix))

    if not V5_NAME.match(name):
        add("xpt.name", None, name, "a dataset name of at most 8 letters", "rename the dataset")
    if len(DATASET_LABELS.get(name, name)) > V5_LABEL:
        add("xpt.label", None, DATASET_LABELS[name], "a label of at most 40 characters", "")
    for column in frame.columns:
        if not V5_NAME.match(column):
            add(
                "xpt.name",
                column,
                column,
                "a variable name of at most 8 letters, digits or underscores",
                "use --format parquet or dataset-json, which have no such limit",
            )
        label = VARIABLES[column].label if column in VARIABLES else column
        if len(label) > V5_LABEL:
            add("xpt.label", column, label, "a label of at most 40 characters", "shorten it")
        if frame[column].dtype == pl.String:
            longest = frame[column].str.len_bytes().max()
            if longest is not None and int(longest) > V5_TEXT:  # type: ignore[arg-type]
                add(
                    "xpt.text_length",
                    column,
                    f"{longest} bytes",
                    f"text of at most {V5_TEXT} bytes (SAS V5)",
                    "use --format parquet or dataset-json, which have no such limit",
                )
    return problems


def write_xpt(frame: pl.DataFrame, path: str | Path, name: str) -> None:
    """Write one derived dataset as a SAS V5 transport file with labels.

    Parameters
    ----------
    frame : polars.DataFrame
        The dataset; check it first with ``v5_problems``.
    path : str or pathlib.Path
        The file to write.
    name : str
        The dataset name (upper-cased in the file) whose label is in ``DATASET_LABELS``.

    Examples
    --------
    >>> import tempfile, pathlib, datetime
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "adsl.xpt"
    >>> frame = pl.DataFrame({"USUBJID": ["P1", "P2"], "TRTSDT": [datetime.date(1990, 1, 2), None]})
    >>> write_xpt(frame, path, "adsl")
    >>> read_xpt(path).equals(frame)
    True
    """
    import pyreadstat

    kinds = {c: xpt_type(t) for c, t in frame.schema.items()}
    numeric = [c for c, k in kinds.items() if k in ("integer", "float")]
    table = frame.with_columns(pl.col(numeric).cast(pl.Float64))  # pyreadstat takes Polars
    pyreadstat.write_xport(
        table,
        str(path),
        file_label=DATASET_LABELS.get(name, name.upper()),
        column_labels={c: VARIABLES[c].label if c in VARIABLES else c for c in frame.columns},
        table_name=name.upper(),
        file_format_version=5,
        variable_format={c: _FORMATS[k] for c, k in kinds.items() if k in _FORMATS},
    )


def read_xpt(path: str | Path, types: dict[str, str] | None = None) -> pl.DataFrame:
    """Read a SAS transport file back into typed columns.

    Text missing values (empty) become null; numbers named ``integer`` in ``types`` (the
    define table's types) become ``Int64``; ``DATE``/``DATETIME`` formats give dates and
    date-times.

    Parameters
    ----------
    path : str or pathlib.Path
        The XPT file.
    types : dict of str to str, optional
        Variable -> define type (``integer``, ``float``, ``text``, ``date``, ``datetime``).

    Returns
    -------
    polars.DataFrame
        The dataset.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "adtte.xpt"
    >>> write_xpt(pl.DataFrame({"CNSR": [0, 1, None]}), path, "adtte")
    >>> read_xpt(path, {"CNSR": "integer"})["CNSR"].to_list()
    [0, 1, None]
    """
    import pyreadstat

    frame, _ = pyreadstat.read_xport(str(path), output_format="polars")
    types = types or {}
    return frame.with_columns(
        [
            pl.when(pl.col(c) != "").then(pl.col(c)).alias(c)
            for c, t in frame.schema.items()
            if t == pl.String
        ]
        + [pl.col(c).cast(pl.Int64) for c, t in types.items() if t == "integer" and c in frame]
    )


def xpt_metadata(path: str | Path) -> dict[str, object]:
    """The dataset name, dataset label and variable labels stored in an XPT file.

    Parameters
    ----------
    path : str or pathlib.Path
        The XPT file.

    Returns
    -------
    dict
        ``name``, ``label``, ``labels`` (variable -> label) and ``widths`` (variable -> bytes).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "adsl.xpt"
    >>> write_xpt(pl.DataFrame({"USUBJID": ["P1"]}), path, "adsl")
    >>> xpt_metadata(path)["label"]
    'Subject-Level Analysis Dataset'
    """
    import pyreadstat

    _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
    return {
        "name": meta.table_name,
        "label": meta.file_label,
        "labels": dict(zip(meta.column_names, meta.column_labels, strict=True)),
        "widths": dict(meta.variable_storage_width),
    }
