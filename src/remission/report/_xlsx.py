"""Every table of the report in one XLSX workbook: a README sheet, then one sheet per table.

Values are stored as they are (full precision, sortable, filterable); each numeric cell gets the
Excel number format that displays the report's text for it (``_format.excel_format``): counts as
integers, percentages in percentage points to one decimal (the "%" is in the header, as in the
HTML and PDF), p-values by the AMA rule or "<0.001", censored durations with "+". Headers are
frozen and filtered on every sheet. Text is never read as a formula or a link.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import xlsxwriter

from remission.report._format import excel_format
from remission.report._model import Report, ReportTable

_MAX_WIDTH = 60


def _generated(report: Report) -> dt.datetime | None:
    for key, value in report.about:
        if key == "generated (UTC)":
            return dt.datetime.fromisoformat(value.replace(" ", "T"))
    return None


def _write_table(book: xlsxwriter.Workbook, table: ReportTable, number: str, cache: dict) -> None:
    def fmt(code: str | None) -> object:
        if code is None:
            return None
        if code not in cache:
            cache[code] = book.add_format({"num_format": code})
        return cache[code]

    sheet = book.add_worksheet(table.key[:31])
    header = cache.setdefault(
        "__header", book.add_format({"bold": True, "bg_color": "#EBEBF0", "text_wrap": True})
    )
    names = table.shown()
    widths = [min(_MAX_WIDTH, max(8, len(n) + 2)) for n in names]
    sheet.write_row(0, 0, table.headers(), header)
    for r, row in enumerate(table.cells(), start=1):
        for c, (value, text, rule, censored) in enumerate(row):
            widths[c] = min(_MAX_WIDTH, max(widths[c], len(text) + 2))
            if value is None or (isinstance(value, float) and math.isnan(value)):
                if text != "–":
                    sheet.write_string(r, c, text)
                continue
            if rule.kind == "text" or isinstance(value, bool) or not isinstance(value, int | float):
                sheet.write_string(r, c, text)
                continue
            code = excel_format(value, rule.kind, censored=censored)
            if code is None:  # infinite: Excel has no such number
                sheet.write_string(r, c, text)
            else:
                sheet.write_number(r, c, float(value), fmt(code))
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(table.frame.height, 1), max(len(names) - 1, 0))
    sheet.set_header(f"&L{number}. {table.title}".replace("&", "&&").replace("&&L", "&L", 1))


def render_xlsx(report: Report) -> bytes:
    """Write a README sheet and every table to its own sheet (named by the table's key).

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
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(buffer, options) as book:
        created = _generated(report)
        book.set_properties({"title": report.title, "created": created or dt.datetime(2000, 1, 1)})
        bold = book.add_format({"bold": True})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        readme = book.add_worksheet("README")
        row = 0
        readme.write_string(row, 0, report.title, book.add_format({"bold": True, "font_size": 13}))
        row += 1
        if report.synthetic:
            flag = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#D55E00"})
            readme.write_string(row, 0, "SYNTHETIC DATA: no real patient is described", flag)
            readme.write_string(row, 1, "", flag)
            row += 1
        row += 1
        for key, value in report.about:
            readme.write_string(row, 0, key, bold)
            readme.write_string(row, 1, value, wrap)
            row += 1
        row += 1
        readme.write_row(row, 0, ["sheet", "table", "title", "note"], bold)
        row += 1
        numbers = report.numbers()
        for table in report.tables():
            label = numbers[f"table:{table.key}"]
            readme.write_row(row, 0, [table.key[:31], label, table.title, table.note], wrap)
            row += 1
        readme.set_column(0, 0, 34)
        readme.set_column(1, 1, 60)
        readme.set_column(2, 3, 50)
        cache: dict = {}
        for table in report.tables():
            _write_table(book, table, numbers[f"table:{table.key}"], cache)
    return buffer.getvalue()
