"""The study report: one model rendered as self-contained HTML, PDF and XLSX.

``build_report`` assembles the sections of a clinical paper from a study and its derived
datasets; ``write_report`` writes ``index.html``, ``report.pdf``, ``tables.xlsx``, every
figure as SVG and PNG, and the derived datasets, atomically.

Examples
--------
>>> from remission.report import build_report
>>> from remission.simulate import simulate_study
>>> build_report(simulate_study(n_patients=80, seed=1)).synthetic
True
"""

from remission.report._build import build_report, write_report
from remission.report._format import Column, format_number, format_p
from remission.report._html import render_html
from remission.report._model import Report, ReportFigure, ReportTable, Section
from remission.report._pdf import render_pdf
from remission.report._screen import build_screen_report, screen_tables, write_screen_report
from remission.report._xlsx import render_xlsx

__all__ = [
    "Column",
    "Report",
    "ReportFigure",
    "ReportTable",
    "Section",
    "build_report",
    "build_screen_report",
    "format_number",
    "format_p",
    "render_html",
    "render_pdf",
    "render_xlsx",
    "screen_tables",
    "write_report",
    "write_screen_report",
]
