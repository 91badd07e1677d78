"""Parquet columns already of their type are taken as they are, with the same result and the
same problems as the CSV form of the same values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from remission._io import write_csv
from remission.simulate import simulate_study
from remission.study import Study, check_study, write_study

_YEAR_10000 = (dt.date(9999, 12, 31) - dt.date(1970, 1, 1)).days + 1
"""10000-01-01 in days since 1970: a Date polars and Parquet hold, but not ISO 8601's form."""

Edit = Callable[[dict[str, pl.DataFrame]], dict[str, pl.DataFrame]]


@pytest.fixture(scope="module")
def study() -> Study:
    return simulate_study(n_patients=20, seed=3)


def _set(table: str, column: str, row: int, value: object, dtype: pl.DataType) -> Edit:
    """Set one cell (``row`` counted from 0) of a table, giving its column ``dtype``."""

    def edit(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
        frame = tables[table]
        if dtype == pl.Date and isinstance(value, int):  # days since 1970 (Python stops at 9999)
            values = frame[column].cast(pl.Int32).to_list()
            values[row] = value
            series = pl.Series(column, values, dtype=pl.Int32).cast(pl.Date)
        else:
            values = frame[column].cast(dtype).to_list()
            values[row] = value
            series = pl.Series(column, values, dtype=dtype)
        return {table: frame.with_columns(series)}

    return edit


def _both(study: Study, root: Path, edit: Edit | None) -> dict[str, Path]:
    folders = {fmt: write_study(study, root / fmt, fmt) for fmt in ("csv", "parquet")}
    if edit is not None:
        tables = {name: study.table(name) for name in study.tables}
        for name, frame in edit(tables).items():
            write_csv(frame, folders["csv"] / f"{name}.csv")
            frame.write_parquet(folders["parquet"] / f"{name}.parquet")
    return folders


def _said(problems: list) -> list[tuple]:
    return [
        (p.severity, p.code, p.file.rsplit(".", 1)[0], p.row, p.column, p.value, p.expected)
        for p in problems
    ]


def test_typed_parquet_loads_as_csv(study: Study, tmp_path: Path) -> None:
    folders = _both(study, tmp_path, None)
    from_csv, _ = check_study(folders["csv"])
    from_parquet, problems = check_study(folders["parquet"])
    assert from_csv is not None and from_parquet is not None and problems == []
    assert pl.read_parquet_schema(folders["parquet"] / "measurements.parquet")["longest_mm"] == (
        pl.Float64
    )
    for name in study.tables:
        assert_frame_equal(from_parquet.table(name), from_csv.table(name))


def _retype(table: str, column: str, dtype: pl.DataType) -> Edit:
    """Give a column another type, its values unchanged."""

    def edit(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
        return {table: tables[table].with_columns(pl.col(column).cast(dtype))}

    return edit


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        (_set("patients", "weight_kg", 2, 500.0, pl.Float64()), "value.out_of_range"),
        (_set("patients", "ecog", 1, 7, pl.Int64()), "value.out_of_range"),
        (_set("patients", "ecog", 1, 2.5, pl.Float64()), "value.not_integer"),  # text path
        (_set("labs", "value", 4, None, pl.Float64()), "value.missing"),
        (_set("doses", "scheduled_at", 5, None, pl.Datetime("us")), "value.missing"),
        (_set("labs", "value", 2, float("nan"), pl.Float64()), "value.not_finite"),
        (_set("labs", "value", 2, float("inf"), pl.Float64()), "value.not_finite"),
        (_set("patients", "ecog", 1, float("nan"), pl.Float64()), "value.not_finite"),
        (_set("doses", "course", 3, 1e30, pl.Float64()), "value.out_of_range"),
        (_set("measurements", "assessed_on", 3, _YEAR_10000, pl.Date()), "date.not_iso"),
        (_set("lesions", "nodal", 0, None, pl.Boolean()), "value.missing"),
        (_set("patients", "birth_date", 0, "1950-13-01", pl.String()), "date.impossible"),
        (_retype("doses", "cycle", pl.Float64()), None),  # whole floats in an int column
        (_retype("patients", "ecog", pl.Int32()), None),  # another integer type
        (_retype("doses", "given_at", pl.Datetime("ms")), None),  # another time unit
        (_set("doses", "status", 2, "Given", pl.String()), None),  # spelt in another case
        (_set("doses", "status", 2, "gvien", pl.String()), "value.not_allowed"),
        (_retype("doses", "status", pl.Categorical()), None),  # text as categories
    ],
    ids=[
        "range",
        "int-range",
        "not-whole",
        "missing",
        "datetime-missing",
        "nan",
        "inf",
        "int-nan",
        "int-1e30",
        "year-10000",
        "bool-missing",
        "text-date",
        "float-for-int",
        "int32",
        "datetime-ms",
        "enum-case",
        "enum-unknown",
        "enum-categorical",
    ],
)
def test_typed_parquet_problems_equal_csv(
    study: Study, tmp_path: Path, edit: Edit, error: str | None
) -> None:
    folders = _both(study, tmp_path, edit)
    from_csv, csv_problems = check_study(folders["csv"])
    from_parquet, parquet_problems = check_study(folders["parquet"])
    assert [p.code for p in parquet_problems if p.severity == "error"] == ([error] if error else [])
    assert (from_csv is None) == (from_parquet is None)
    assert _said(parquet_problems) == _said(csv_problems)
    if from_csv is not None and from_parquet is not None:
        for name in study.tables:
            assert_frame_equal(from_parquet.table(name), from_csv.table(name))
