"""The report as PDF, with Python packages only (fpdf2; DejaVu fonts shipped with matplotlib)."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from remission.report._model import Report, display_value

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _Document(FPDF):
    def __init__(self, title: str, synthetic: bool) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.synthetic = synthetic
        self.add_font("DejaVu", "", str(_FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(title)

    def header(self) -> None:
        self.set_font("DejaVu", "", 7)
        self.set_text_color(90, 90, 90)
        text = self.report_title + ("   |   SYNTHETIC DATA" if self.synthetic else "")
        self.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self.cell(0, 5, f"page {self.page_no()}", align="C")


def render_pdf(report: Report) -> bytes:
    """Render the report as a PDF: the same sections, paragraphs, tables and figures.

    Parameters
    ----------
    report : Report
        The report.

    Returns
    -------
    bytes
        The PDF document.

    Examples
    --------
    >>> from remission.report._model import Report, Section
    >>> render_pdf(Report("T", True, [Section("a", "A", ["text"])]))[:5]
    b'%PDF-'
    """
    pdf = _Document(report.title, report.synthetic)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 7, report.title, align="L", new_x="LMARGIN", new_y="NEXT")
    if report.synthetic:
        pdf.set_fill_color(213, 94, 0)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(
            0,
            7,
            "SYNTHETIC DATA: no real patient is described",
            fill=True,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(0, 0, 0)
        pdf.set_fill_color(255, 255, 255)
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 9)
    for key, value in report.headline:
        pdf.cell(70, 5, key)
        pdf.cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
    for section in report.sections:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 6, section.title, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 4.5, paragraph, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        for note in section.notes:
            pdf.set_text_color(138, 75, 0)
            pdf.multi_cell(0, 4.5, note, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
        for table in section.tables:
            pdf.ln(1)
            pdf.set_font("DejaVu", "B", 9)
            pdf.multi_cell(0, 5, table.title, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 6.5 if len(table.frame.columns) > 6 else 7.5)
            heading = FontFace(emphasis="BOLD", fill_color=(235, 235, 240))
            with pdf.table(
                headings_style=heading,
                line_height=3.6,
                padding=0.8,
                text_align="LEFT",
                borders_layout="HORIZONTAL_LINES",
            ) as grid:
                grid.row([str(c) for c in table.frame.columns])
                for row in table.frame.iter_rows():
                    grid.row([display_value(v) for v in row])
            if table.note:
                pdf.set_font("DejaVu", "", 7)
                pdf.multi_cell(0, 3.5, table.note, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 9)
        for figure in section.figures:
            pdf.ln(1)
            width = pdf.epw * 0.9
            pdf.image(io.BytesIO(figure.png), w=width, keep_aspect_ratio=True)
            pdf.set_font("DejaVu", "", 8)
            pdf.multi_cell(0, 4, figure.title, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 9)
    return bytes(pdf.output())
