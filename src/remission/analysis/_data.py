"""A DataFrame and column names: the calling convention of ``remission.analysis``.

Every function that can take data takes a DataFrame (polars; pandas is converted here) and the
names of its columns. This module resolves them, in one place for every function:

- ``as_frame``: the data as a polars DataFrame;
- ``require``: the named columns exist (a missing one is a ``ValueError`` naming it);
- ``levels``: the distinct values of a column in R's factor order;
- ``count_table``: the contingency table of two columns (R's ``table(x, y)``);
- ``two_samples``: a value column split by a two-level grouping column (R's
  ``wilcox.test(value ~ by)``);
- ``code_covariates``: covariates coded as R's ``model.matrix`` codes them (treatment
  contrasts), shared by ``logistic_regression``, ``firth_regression`` and ``cox_regression``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import polars as pl

Frame = pl.DataFrame | pd.DataFrame


def is_frame(obj: object) -> bool:
    """Whether ``obj`` is a polars or pandas DataFrame."""
    return isinstance(obj, pl.DataFrame | pd.DataFrame)


def _from_pandas(frame: pd.DataFrame) -> pl.DataFrame:
    """Convert column by column (no pyarrow); a pandas categorical keeps its level order."""
    columns = []
    for name in frame.columns:
        s = frame[name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = [str(c) for c in s.cat.categories]
            values = [None if pd.isna(v) else str(v) for v in s]
            columns.append(pl.Series(str(name), values, dtype=pl.Enum(cats)))
        elif pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
            if s.isna().any():
                values = [None if pd.isna(v) else v for v in s.to_numpy(dtype=object)]
                columns.append(pl.Series(str(name), values, strict=False))
            else:
                columns.append(pl.Series(str(name), s.to_numpy()))
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            columns.append(pl.Series(str(name), s.to_numpy()))
        else:  # text (object or pandas' string dtype): missing values become null
            values = [None if pd.isna(v) else v for v in s.to_numpy(dtype=object)]
            columns.append(pl.Series(str(name), values, strict=False))
    return pl.DataFrame(columns)


def as_frame(data: Frame) -> pl.DataFrame:
    """The data as a polars DataFrame (a pandas DataFrame is converted)."""
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, pd.DataFrame):
        return _from_pandas(data)
    raise TypeError(f"data must be a polars or pandas DataFrame, not {type(data).__name__}")


def require(frame: pl.DataFrame, columns: Sequence[str]) -> None:
    """Raise a ``ValueError`` naming every column of ``columns`` that ``frame`` lacks."""
    for name in columns:
        if not isinstance(name, str):
            raise TypeError(f"column names are strings, not {type(name).__name__} ({name!r})")
    missing = [c for c in dict.fromkeys(columns) if c not in frame.columns]
    if missing:
        hints = []
        for c in missing:
            close = difflib.get_close_matches(c, frame.columns, n=1)
            if close:
                hints.append(f"{c!r}: did you mean {close[0]!r}?")
        hint = f" ({'; '.join(hints)})" if hints else ""
        raise ValueError(f"columns not in the data: {', '.join(missing)}{hint}")


def _missing_as_null(frame: pl.DataFrame) -> pl.DataFrame:
    """NaN counts as missing (R's NA) in floating-point columns."""
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    return frame.with_columns(pl.col(floats).fill_nan(None)) if floats else frame


def complete_rows(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """The rows with a value in every column of ``columns`` (R's ``na.omit``), those columns."""
    return _missing_as_null(frame.select(*dict.fromkeys(columns))).drop_nulls()


def is_categorical(dtype: pl.DataType) -> bool:
    """Whether a column is coded by its levels (text, categorical, dates), not as a number."""
    return dtype != pl.Boolean and not dtype.is_numeric()


def levels(values: pl.Series) -> list[object]:
    """Distinct values present, in R's factor order.

    An ``Enum`` keeps its category order; Boolean is False, True; numbers ascend; text and
    other types are compared as text, sorted (``factor()`` of a character vector). Text-coded
    levels are returned as strings, the others as Python numbers or Booleans.
    """
    present = _missing_as_null(values.to_frame()).to_series().drop_nulls()
    if isinstance(values.dtype, pl.Enum):
        seen = set(present.cast(pl.String).to_list())
        return [c for c in values.dtype.categories.to_list() if c in seen]
    if not is_categorical(values.dtype):
        return sorted(present.unique().to_list())
    return sorted(set(present.cast(pl.String).to_list()))


def _comparable(values: pl.Series) -> np.ndarray:
    return (values.cast(pl.String) if is_categorical(values.dtype) else values).to_numpy()


def label(level: object) -> str:
    """How a level is written in tables and stratum labels."""
    return str(level)


def count_table(
    frame: pl.DataFrame, row: str, column: str
) -> tuple[np.ndarray, list[object], list[object], int]:
    """Counts of two columns' value pairs (R's ``table(x, y)`` after dropping missing values).

    Returns the counts (rows by columns), the row and column levels and the number of rows
    left out for a missing value. A column with fewer than two distinct values is a
    ``ValueError`` naming it (R's "'x' and 'y' must have at least 2 levels").
    """
    require(frame, [row, column])
    if row == column:
        raise ValueError(f"row and column are the same column ({row!r})")
    complete = complete_rows(frame, [row, column])
    found = {name: levels(complete[name]) for name in (row, column)}
    for name, lv in found.items():
        if len(lv) < 2:
            shown = ", ".join(label(v) for v in lv) or "none"
            raise ValueError(
                f"column {name!r} needs at least two distinct values for a contingency table; "
                f"found {len(lv)} ({shown}) among the {complete.height} rows with both values"
            )
    r, c = _comparable(complete[row]), _comparable(complete[column])
    counts = np.array(
        [[int(np.sum((r == a) & (c == b))) for b in found[column]] for a in found[row]],
        dtype=np.int64,
    )
    return counts, found[row], found[column], frame.height - complete.height


def table_frame(
    counts: np.ndarray, row: str, row_levels: Sequence[object], column: str, col_levels: Sequence
) -> pl.DataFrame:
    """A count table with its levels: the row variable's values, then one column per level."""
    out = {row: [label(v) for v in row_levels]}
    out.update({f"{column}={label(v)}": counts[:, j] for j, v in enumerate(col_levels)})
    return pl.DataFrame(out)


def two_samples(
    frame: pl.DataFrame, value: str, by: str
) -> tuple[pl.Series, pl.Series, list[object], int]:
    """The values of ``value`` in the first and second level of ``by``.

    Rows missing either column are left out first, then ``by`` must take exactly two values
    (R's ``wilcox.test(value ~ by)``: "grouping factor must have exactly 2 levels"), else a
    ``ValueError`` naming it. Returns both samples, the two levels, and the rows left out.
    """
    require(frame, [value, by])
    if value == by:
        raise ValueError(f"value and by are the same column ({value!r})")
    if not frame.schema[value].is_numeric():
        raise ValueError(f"value column {value!r} must be numeric, not {frame.schema[value]}")
    complete = complete_rows(frame, [value, by])
    lv = levels(complete[by])
    if len(lv) != 2:
        shown = ", ".join(label(v) for v in lv[:10]) + (", ..." if len(lv) > 10 else "")
        raise ValueError(
            f"grouping column {by!r} must take exactly two values among the "
            f"{complete.height} rows with {value!r} present; found {len(lv)}"
            + (f" ({shown})" if lv else "")
        )
    g = _comparable(complete[by])
    samples = [complete[value].filter(pl.Series(g == level)) for level in lv]
    return samples[0], samples[1], lv, frame.height - complete.height


def code_covariates(
    complete: pl.DataFrame, covariates: Sequence[str]
) -> tuple[list[np.ndarray], list[str]]:
    """Model-matrix columns and term names of ``covariates`` (R's ``model.matrix`` coding).

    Numeric columns enter as they are; a Boolean ``b`` as the 0/1 term ``bTRUE``; a text,
    categorical or other non-numeric ``c`` as treatment contrasts against its first level
    (``levels``), one 0/1 term ``c<level>`` per other level. No intercept is added.
    """
    columns: list[np.ndarray] = []
    terms: list[str] = []
    for name in covariates:
        col = complete[name]
        if col.dtype == pl.Boolean:
            columns.append(col.cast(pl.Float64).to_numpy())
            terms.append(f"{name}TRUE")
        elif col.dtype.is_numeric():
            columns.append(col.cast(pl.Float64).to_numpy())
            terms.append(name)
        else:
            values = col.cast(pl.String).to_numpy()
            for level in levels(col)[1:]:
                columns.append((values == level).astype(float))
                terms.append(f"{name}{level}")
    return columns, terms


def single_level_notes(complete: pl.DataFrame, covariates: Sequence[str]) -> list[str]:
    """Why a text or categorical covariate has no term: it has one level in ``complete``.

    ``code_covariates`` gives such a covariate no contrast (R's ``model.matrix`` stops with
    "contrasts can be applied only to factors with 2 or more levels"); the model is fitted
    without it and this says so.

    Examples
    --------
    >>> frame = pl.DataFrame({"site": ["lung", "lung"], "x": [1.0, 2.0]})
    >>> single_level_notes(frame, ["site", "x"])
    ["site left out: it has the single level 'lung' in the 2 complete rows"]
    """
    notes = []
    for name in covariates:
        col = complete[name]
        if col.dtype == pl.Boolean or col.dtype.is_numeric():
            continue
        found = levels(col)
        if len(found) == 1:
            notes.append(
                f"{name} left out: it has the single level {label(found[0])!r} in the "
                f"{complete.height} complete rows"
            )
    return notes
