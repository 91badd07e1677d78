"""write_study: the workbook keeps text as text and its time reproducible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from remission.simulate import simulate_study
from remission.study import Study, load, write_study

PLANTED = ["=1+1", '=HYPERLINK("http://example.invalid","x")', "@SUM(A1)", "+1", "-1"]


def test_formula_like_text_stays_text_in_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    study = simulate_study(n_patients=20, seed=2)
    tables = dict(study.tables)
    sites = tables["lesions"]["site"].to_list()
    planted = [PLANTED[i % len(PLANTED)] for i in range(len(sites))]
    tables["lesions"] = tables["lesions"].with_columns(pl.Series("site", planted))
    out = write_study(
        Study(config=study.config, tables=tables, regimen=study.regimen), tmp_path / "s", "xlsx"
    )
    book = openpyxl.load_workbook(next(out.glob("*.xlsx")))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    sheet = book["lesions"]
    header = [c.value for c in sheet[1]]
    column = [r[header.index("site")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert column == planted  # "=1+1" is the text "=1+1", not 2 or 0
    assert book.properties.created == dt.datetime(2001, 9, 9, 1, 46, 40)
    # read back by remission: the same text
    assert load(out).tables["lesions"]["site"].to_list() == planted
