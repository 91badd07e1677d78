"""Excel's error values in a sheet (``#DIV/0!``, ``#N/A``, ...): the cells of failed formulas.

The sheet reader gives such a cell as empty, so they are found in the sheet's XML (one regular
expression over it, not a parse of every cell) and put back as their text, to be refused as
any cell holding an error value (``value.excel_error``).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import polars as pl

from remission.study._problems import Problem, ProblemLog
from remission.study._shape import ROW_COLUMN, column_letters


def _column_index(letters: str) -> int:
    """The 0-based index of a spreadsheet column (``A`` is 0)."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>')
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_ERROR_TYPE = re.compile(rb'\bt="e"')
_FIRST_VALUE_CELL = re.compile(
    rb'<(?:\w+:)?c\b[^>]*\br="([A-Z]+)(\d+)"[^>]*>(?:<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>))?'
    rb"<(?:\w+:)?(?:v|is)\b"
)


def _sheet_xml(book: Path, sheet: str) -> bytes | None:
    """The XML of the worksheet named ``sheet`` in ``book`` (None if not found)."""
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        with zipfile.ZipFile(book) as z:
            workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            sheets = (el for el in workbook.iter() if el.tag.endswith("}sheet"))
            rid = next((el.get(rel_ns) for el in sheets if el.get("name") == sheet), None)
            target = next(
                (el.get("Target") for el in rels.iter() if el.get("Id") == rid and rid), None
            )
            if not target:
                return None
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return z.read(str(PurePosixPath(path)))
    except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError):
        return None


def excel_error_cells(book: Path, sheet: str) -> pl.DataFrame:
    """The cells of ``sheet`` holding one of Excel's error values (a formula that failed).

    The reader gives such a cell as empty; the sheet's XML says what it held. Positions are
    counted as the table's: the header is the first row with a value (row 1), and the
    columns start at the header's first cell. Returns ``row`` (None for a cell without a
    position), ``column`` (0-based index) and ``value`` (e.g. ``#DIV/0!``).
    """
    schema = {"row": pl.Int64, "column": pl.Int64, "value": pl.String}
    xml = _sheet_xml(book, sheet)
    if xml is None or not _ERROR_TYPE.search(xml):
        return pl.DataFrame(schema=schema)
    first = _FIRST_VALUE_CELL.search(xml)
    top = int(first.group(2)) if first else 1
    left = _column_index(first.group(1).decode()) if first else 0
    found = []
    for cell in _ERROR_CELL.finditer(xml):  # the error cells only
        ref = _REF.search(cell.group(1))
        value = _VALUE.match(xml, cell.end()) or _VALUE.search(xml, cell.end(), cell.end() + 4000)
        text = value.group(1).decode("utf-8", "replace") if value else "#error"
        if ref:
            column = _column_index(ref.group(1).decode()) - left
            found.append((int(ref.group(2)) - top + 1, column, text))
        else:
            found.append((None, None, text))
    return pl.DataFrame(found, schema=schema, orient="row")


def with_error_cells(
    frame: pl.DataFrame, errors: pl.DataFrame, file: str, log: ProblemLog
) -> pl.DataFrame:
    """The sheet with its Excel error cells (read as empty) holding their error text again.

    The cells are then refused as such (``value.excel_error``) with the others; an error
    outside the table's cells (in the header, or without a position) is recorded here.
    """
    if errors.is_empty():
        return frame
    data = [c for c in frame.columns if c != ROW_COLUMN]
    inside = pl.col("row").is_between(2, frame.height + 1) & pl.col("column").is_between(
        0, len(data) - 1
    )
    elsewhere = errors.filter(~inside.fill_null(False))
    for row, column, value in elsewhere.rows()[:1]:
        cell = "" if row is None or column is None else f" (cell {column_letters(column)}{row})"
        log.add(
            Problem(
                "error",
                "value.excel_error",
                file,
                row,
                None,
                value,
                f"a value or a column name, not a spreadsheet error{cell}",
                "correct the formula or clear the cell; paste values, not formulas",
                more_rows=elsewhere.height - 1,
            )
        )
    cells = errors.filter(inside.fill_null(False))
    if cells.is_empty():
        return frame
    patch = cells.pivot(on="column", index="row", values="value", aggregate_function="first")
    patch = patch.rename({str(i): data[int(i)] for i in patch.columns if i != "row"})
    patch = patch.rename({"row": ROW_COLUMN})
    return frame.update(patch, on=ROW_COLUMN, how="left")
