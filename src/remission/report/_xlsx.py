"""Every table of the report in one XLSX workbook, one sheet each, numbers as numbers."""

from __future__ import annotations

import io

import xlsxwriter

from remission.report._model import Report


def render_xlsx(report: Report) -> bytes:
    """Write every table to its own sheet (named by the table's key).

    Parameters
    ----------
    report : Report
        The report.

    Returns
    -------
    bytes
        The XLSX workbook.

    Examples
    --------
    >>> import polars as pl
    >>> from remission.report._model import Report, ReportTable, Section
    >>> r = Report("T", False, [Section("a", "A", tables=[ReportTable("t", "T",
    ...     pl.DataFrame({"x": [1.5]}))])])
    >>> render_xlsx(r)[:2]
    b'PK'
    """
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        contents = book.add_worksheet("contents")
        contents.write_row(0, 0, ["sheet", "table", "note"])
        for i, table in enumerate(report.tables(), start=1):
            contents.write_row(i, 0, [table.key, table.title, table.note])
            table.frame.write_excel(book, worksheet=table.key[:31], autofit=True, float_precision=6)
    return buffer.getvalue()
