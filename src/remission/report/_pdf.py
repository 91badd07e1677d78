"""The report as PDF, typeset with Python packages only (fpdf2; DejaVu fonts from matplotlib).

What a production office checks, done here by construction: a heading never ends a page (it
moves with the first lines of what it heads), a table's title moves with its first rows and its
header repeats on every page it spans, a figure moves with its caption and is placed at its
drawn size (scaled down only when larger than the page), table columns are as wide as their
longest word so no word is split, and every page says "page X of Y". A table of contents and
PDF bookmarks list every section, table and figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from fpdf import FPDF

from remission.report._model import Report, ReportFigure, ReportTable, Section
from remission.report._pdf_png import place_png, png_size_mm

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_FONT = "DejaVu"
_MM_PER_PT = 25.4 / 72
_PAD_MM = 1.0  # left + right padding of a table cell, each
_BODY_PT = 9.0
_TABLE_PT = (7.5, 7.0, 6.5, 6.0, 5.5)
_MIN_ROWS_WITH_TITLE = 3


class _Document(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = report.title
        self.synthetic = report.synthetic
        self.add_font(_FONT, "", str(_FONTS / "DejaVuSans.ttf"))
        self.add_font(_FONT, "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(report.title)
        self.set_creator(dict(report.about).get("remission", "remission"))
        generated = dict(report.about).get("generated (UTC)")
        if generated:
            self.set_creation_date(
                dt.datetime.fromisoformat(generated.replace(" ", "T")).replace(tzinfo=dt.UTC)
            )
        self.alias_nb_pages()
        self._measures: dict[tuple[float, str], _Measure] = {}

    def header(self) -> None:
        self.set_font(_FONT, "", 7)
        self.set_text_color(90, 90, 90)
        text = self.report_title + ("   |   SYNTHETIC DATA" if self.synthetic else "")
        self.set_xy(self.l_margin, 7)
        self.cell(self.epw, 4, text)
        self.set_text_color(0, 0, 0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, "", 7)
        self.cell(0, 5, f"page {self.page_no()} of {{nb}}", align="C")

    @property
    def room(self) -> float:
        """Height left on this page above the bottom margin (mm)."""
        return self.page_break_trigger - self.get_y()

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit on this one."""
        if height > self.room and self.get_y() > self.t_margin + 1:
            self.add_page()

    def measure(self, size: float, style: str = "") -> _Measure:
        """The string-width function of one font size and style (one per document)."""
        key = (size, style)
        if key not in self._measures:
            self._measures[key] = _Measure(self, size, style)
        return self._measures[key]

    def lines(self, text: str, size: float, style: str = "") -> list[str]:
        """``text`` broken into the lines it takes across the text width."""
        return _wrap(text, self.epw - 2 * self.c_margin, self.measure(size, style))

    def text_height(self, text: str, size: float, line: float, style: str = "") -> float:
        return len(self.lines(text, size, style)) * line

    def paragraph(self, text: str, size: float, line: float, style: str = "") -> None:
        """Write ``text`` in the lines :meth:`text_height` counted (a page may break between
        lines)."""
        self.set_font(_FONT, style, size)
        for text_line in self.lines(text, size, style):
            self.cell(0, line, text_line, new_x="LMARGIN", new_y="NEXT")


# --- tables -------------------------------------------------------------------------------


@dataclass
class _Grid:
    """A table laid out for the page: font size, column widths and the wrapped lines."""

    size: float
    widths: list[float]
    aligns: list[str]
    header: list[list[str]]
    rows: list[list[list[str]]]

    @property
    def line(self) -> float:
        return self.size * _MM_PER_PT * 1.3

    def height(self, row: list[list[str]]) -> float:
        return max(len(c) for c in row) * self.line + 1.0


class _Measure:
    """String widths (mm) in one font size and style, from the font's glyph advances.

    The sum of advance widths is what fpdf2 computes for unshaped left-to-right text; summing
    them here, with words cached, keeps wrapping linear in the text's length (fpdf2's own
    line breaker re-measures the growing line at every character)."""

    def __init__(self, pdf: _Document, size: float, style: str = "") -> None:
        pdf.set_font(_FONT, style, size)
        self.advance = pdf.current_font.cw  # 1/1000 em per code point
        self.scale = size * 0.001 / pdf.k  # -> mm
        self.cache: dict[str, float] = {}

    def __call__(self, text: str) -> float:
        width = self.cache.get(text)
        if width is None:
            advance = self.advance
            width = self.cache[text] = sum(advance[ord(c)] for c in text) * self.scale
        return width


_SLACK_MM = 1e-6
"""Widths within a millionth of a millimetre fit (column widths are sums of measured words)."""


def _wrap(text: str, width: float, measure: _Measure) -> list[str]:
    """Greedy word wrap; a word wider than the column is split by characters (last resort)."""
    lines: list[str] = []
    space = measure(" ")
    width += _SLACK_MM  # a column made exactly as wide as its longest word: rounding must fit it
    for paragraph in text.split("\n"):
        current, used = "", 0.0
        for word in paragraph.split(" "):
            word_w = measure(word)
            if current and used + space + word_w <= width:
                current, used = f"{current} {word}", used + space + word_w
                continue
            if not current and word_w <= width:
                current, used = word, word_w
                continue
            if current:
                lines.append(current)
            rest = word
            while measure(rest) > width and len(rest) > 1:
                cut = len(rest)
                while cut > 1 and measure(rest[:cut]) > width:
                    cut -= 1
                lines.append(rest[:cut])
                rest = rest[cut:]
            current, used = rest, measure(rest)
        lines.append(current)
    return lines or [""]


def _layout(pdf: _Document, header: list[str], rows: list[list[str]], aligns: list[str]) -> _Grid:
    """Choose the largest font whose longest words fit, then share the rest of the width."""
    for size in _TABLE_PT:
        body, bold = pdf.measure(size), pdf.measure(size, "B")
        columns = list(zip(header, *rows, strict=True))
        least, want = [], []
        for column in columns:
            head, cells = column[0], column[1:]
            words = [bold(w) for w in head.split()] + [body(w) for c in cells for w in c.split()]
            least.append(max(words, default=0.0) + 2 * _PAD_MM)
            full = [bold(head)] + [body(c) for c in cells]
            want.append(max(full) + 2 * _PAD_MM)
        if sum(least) <= pdf.epw or size == _TABLE_PT[-1]:
            break
    total_want = sum(want)
    if total_want <= pdf.epw:
        widths = [w * pdf.epw / total_want for w in want] if len(want) > 3 else want
    else:
        spare = max(pdf.epw - sum(least), 0.0)
        extra = [w - m for w, m in zip(want, least, strict=True)]
        share = sum(extra) or 1.0
        widths = [m + spare * e / share for m, e in zip(least, extra, strict=True)]
    inner = [w - 2 * _PAD_MM for w in widths]
    return _Grid(
        size,
        widths,
        aligns,
        [_wrap(h, w, bold) for h, w in zip(header, inner, strict=True)],
        [[_wrap(c, w, body) for c, w in zip(row, inner, strict=True)] for row in rows],
    )


def _draw_row(pdf: _Document, grid: _Grid, row: list[list[str]], style: str, fill: bool) -> None:
    height = grid.height(row)
    top = pdf.get_y()
    if fill:
        pdf.set_fill_color(235, 235, 240)
        pdf.rect(pdf.l_margin, top, sum(grid.widths), height, style="F")
    pdf.set_font(_FONT, style, grid.size)
    measure = pdf.measure(grid.size, style)
    ascent = grid.size * _MM_PER_PT * 0.95
    x = pdf.l_margin
    for lines, width, align in zip(row, grid.widths, grid.aligns, strict=True):
        for i, line in enumerate(lines):
            y = top + 0.5 + i * grid.line + ascent
            if align == "R":
                pdf.text(x + width - _PAD_MM - measure(line), y, line)
            else:
                pdf.text(x + _PAD_MM, y, line)
        x += width
    pdf.set_draw_color(190, 190, 196)
    pdf.set_line_width(0.15)
    pdf.line(pdf.l_margin, top + height, pdf.l_margin + sum(grid.widths), top + height)
    pdf.set_y(top + height)


def _draw_grid(pdf: _Document, grid: _Grid, header: bool = True) -> None:
    """Rows one by one; a row that does not fit starts a new page under a repeated header."""
    for row in grid.rows:
        if grid.height(row) > pdf.room:
            pdf.add_page()
            if header:
                _draw_row(pdf, grid, grid.header, "B", True)
        _draw_row(pdf, grid, row, "", False)


def _table_grid(pdf: _Document, table: ReportTable) -> _Grid:
    names = table.shown()
    aligns = ["L" if table.column(c).kind == "text" else "R" for c in names]
    rows = [[text for _, text, _, _ in row] for row in table.cells()]
    return _layout(pdf, table.headers(), rows, aligns)


def _table_keep(pdf: _Document, table: ReportTable, grid: _Grid, number: str) -> float:
    """The height that must fit on the page where the table starts: a short table whole, a
    long one its title, header and first rows."""
    title_h = pdf.text_height(f"{number}. {table.title}", 8.5, 4.2, "B")
    head = title_h + grid.height(grid.header)
    first = sum(grid.height(r) for r in grid.rows[:_MIN_ROWS_WITH_TITLE])
    note_h = pdf.text_height(table.note, 7, 3.4) if table.note else 0.0
    whole = head + sum(grid.height(r) for r in grid.rows) + note_h
    return whole if whole < 0.45 * (pdf.page_break_trigger - pdf.t_margin) else head + first


def _table(pdf: _Document, table: ReportTable, number: str, grid: _Grid | None = None) -> None:
    grid = grid or _table_grid(pdf, table)
    title = f"{number}. {table.title}"
    note_h = pdf.text_height(table.note, 7, 3.4) if table.note else 0.0
    pdf.keep(_table_keep(pdf, table, grid, number))
    pdf.start_section(title, level=1)
    pdf.paragraph(title, 8.5, 4.2, "B")
    _draw_row(pdf, grid, grid.header, "B", True)
    _draw_grid(pdf, grid)
    if table.note:
        pdf.keep(note_h)
        pdf.paragraph(table.note, 7, 3.4)
    pdf.ln(2)


# --- figures ------------------------------------------------------------------------------


def _figure_size(pdf: _Document, figure: ReportFigure, caption_h: float) -> tuple[float, float]:
    width, height = png_size_mm(figure.png)
    page_h = pdf.page_break_trigger - pdf.t_margin - caption_h - 2
    scale = min(1.0, pdf.epw / width, page_h / height)
    return width * scale, height * scale


def _figure(pdf: _Document, figure: ReportFigure, number: str) -> None:
    caption = f"{number}. {figure.title}." + (f" {figure.legend}" if figure.legend else "")
    caption_h = pdf.text_height(caption, 8, 3.8)
    width, height = _figure_size(pdf, figure, caption_h)
    pdf.keep(height + caption_h + 2)
    pdf.start_section(f"{number}. {figure.title}", level=1)
    x = pdf.l_margin + (pdf.epw - width) / 2
    place_png(pdf, figure.png, x=x, y=pdf.get_y(), w=width, h=height)
    pdf.set_y(pdf.get_y() + height + 1)
    pdf.paragraph(caption, 8, 3.8)
    pdf.ln(3)


# --- sections -----------------------------------------------------------------------------


def _first_block_height(pdf: _Document, section: Section, numbers: dict[str, str]) -> float:
    """What must stand under a heading on the same page: up to three lines of its text, and
    when its text is shorter than that, its first table (as the table itself would keep it)
    or its first figure with the caption."""
    texts = [*section.paragraphs, *section.notes]
    text_h = sum(pdf.text_height(t, _BODY_PT, 4.5) + 1 for t in texts)
    if text_h > 3 * 4.5:
        return 3 * 4.5
    if section.tables:
        table = section.tables[0]
        number = numbers[f"table:{table.key}"]
        return text_h + _table_keep(pdf, table, _table_grid(pdf, table), number)
    if section.figures:
        return text_h + _figure_size(pdf, section.figures[0], 12)[1] + 12
    return text_h


def _section(pdf: _Document, section: Section, numbers: dict[str, str]) -> None:
    heading_h = pdf.text_height(section.title, 12, 6, "B") + 3
    pdf.keep(heading_h + _first_block_height(pdf, section, numbers))
    pdf.ln(3)
    pdf.start_section(section.title, level=0)
    pdf.paragraph(section.title, 12, 6, "B")
    for paragraph in section.paragraphs:
        pdf.keep(min(pdf.text_height(paragraph, _BODY_PT, 4.5), 2 * 4.5))
        pdf.paragraph(paragraph, _BODY_PT, 4.5)
        pdf.ln(1)
    for note in section.notes:
        pdf.set_text_color(138, 75, 0)
        pdf.paragraph(note, _BODY_PT, 4.5)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1)
    for table in section.tables:
        _table(pdf, table, numbers[f"table:{table.key}"])
    for figure in section.figures:
        _figure(pdf, figure, numbers[f"figure:{figure.key}"])


def _contents(pdf: FPDF, outline: list) -> None:
    """The table of contents: sections in bold, their tables and figures under them."""
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_font(_FONT, "B", 12)
    pdf.cell(0, 7, "Contents", new_x="LMARGIN", new_y="NEXT")
    for entry in outline:
        bold = entry.level == 0
        pdf.set_font(_FONT, "B" if bold else "", 8.5 if bold else 7.5)
        indent = 0 if bold else 5
        if bold:
            pdf.ln(0.8)
        pdf.set_x(pdf.l_margin + indent)
        page = str(entry.page_number)
        text = entry.name
        room = pdf.epw - indent - pdf.get_string_width(page) - 4
        while pdf.get_string_width(text) > room and len(text) > 4:
            text = text[:-2].rstrip() + "…"
        pdf.cell(pdf.epw - indent - 10, 3.9, text, link=pdf.add_link(page=entry.page_number))
        pdf.cell(10, 3.9, page, align="R", new_x="LMARGIN", new_y="NEXT")


def _front(pdf: _Document, report: Report) -> None:
    pdf.paragraph(report.title, 15, 7, "B")
    if report.synthetic:
        pdf.set_fill_color(179, 71, 0)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font(_FONT, "B", 10)
        text = "SYNTHETIC DATA: no real patient is described"
        pdf.cell(0, 7, text, fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    if report.headline:
        header = ["", ""]
        rows = [[k, v] for k, v in report.headline]
        body, bold = pdf.measure(_BODY_PT), pdf.measure(_BODY_PT, "B")
        key_w = min(max(bold(k) for k, _ in rows) + 2 * _PAD_MM, 0.45 * pdf.epw)
        widths = [key_w, pdf.epw - key_w]
        grid = _Grid(
            _BODY_PT,
            widths,
            ["L", "L"],
            [[""], [""]],
            [
                [_wrap(k, widths[0] - 2 * _PAD_MM, bold), _wrap(v, widths[1] - 2 * _PAD_MM, body)]
                for k, v in rows
            ],
        )
        del header
        _draw_grid(pdf, grid, header=False)


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
    pdf = _Document(report)
    pdf.add_page()
    _front(pdf, report)
    pdf.add_page()
    pdf.insert_toc_placeholder(_contents, pages=1, allow_extra_pages=True)
    numbers = report.numbers()
    for section in report.sections:
        _section(pdf, section, numbers)
    return bytes(pdf.output())
