"""Reading the three renderings of a report back, as a reader's software would.

The workbook's cells are shown with an independent, small implementation of Excel's display
of the number formats the report uses; a format outside that set fails the test instead of
being guessed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pypdfium2
import pypdfium2.raw as pdfium_c
from bs4 import BeautifulSoup

MM = 72 / 25.4  # PDF points per millimetre
MARGIN_MM = 15


def _excel_round(value: float, decimals: int) -> float:
    """Excel rounds halves away from zero."""
    scaled = abs(value) * 10**decimals
    return math.copysign(math.floor(scaled + 0.5 + 1e-9) / 10**decimals, value)


def excel_display(value: object, number_format: str) -> str:
    """The text Excel shows for ``value`` under ``number_format`` (the report's formats)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    fmt = number_format
    suffix = ""
    if fmt.endswith('"+"'):
        fmt, suffix = fmt[:-3], "+"
    if fmt.startswith('"') and fmt.endswith('"'):
        return fmt.strip('"')
    if fmt == "General":
        return str(int(value)) if float(value).is_integer() else repr(value)
    percent = fmt.endswith("%")
    if percent:
        fmt, value = fmt[:-1], float(value) * 100
    match = re.fullmatch(r"(#,##)?0(?:\.(0+))?", fmt)
    if not match:
        raise AssertionError(f"number format {number_format!r} is not one the report uses")
    decimals = len(match.group(2) or "")
    rounded = _excel_round(float(value), decimals)
    text = f"{rounded:,.{decimals}f}" if match.group(1) else f"{rounded:.{decimals}f}"
    return text + ("%" if percent else "") + suffix


@dataclass
class Tables:
    """Tables by key: header and body rows as displayed text."""

    header: dict[str, list[str]]
    rows: dict[str, list[list[str]]]


def html_tables(path: Path) -> Tables:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    header, rows = {}, {}
    for table in soup.select("table[data-key]"):
        key = table["data-key"]
        header[key] = [th.get_text() for th in table.select("thead th")]
        rows[key] = [[td.get_text() for td in tr.find_all("td")] for tr in table.select("tbody tr")]
    return Tables(header, rows)


def xlsx_tables(path: Path) -> Tables:
    book = openpyxl.load_workbook(path)
    header, rows = {}, {}
    for sheet in book.worksheets:
        if sheet.title == "README":
            continue
        cells = list(sheet.iter_rows())
        header[sheet.title] = [c.value for c in cells[0]]
        rows[sheet.title] = [
            [excel_display(c.value, c.number_format) for c in r] for r in cells[1:]
        ]
    return Tables(header, rows)


def formula_cells(path: Path) -> list[str]:
    """Cells openpyxl reads as formulas (data type 'f')."""
    book = openpyxl.load_workbook(path)
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


@dataclass
class Page:
    """One PDF page: its size, text boxes (left, bottom, right, top, text) and image boxes."""

    number: int
    width: float
    height: float
    boxes: list[tuple[float, float, float, float, str]]
    images: list[tuple[float, float, float, float]]

    def body_boxes(self) -> list[tuple[float, float, float, float, str]]:
        """Text boxes between the running header and the footer."""
        top, bottom = self.height - 13 * MM, 16 * MM
        return [b for b in self.boxes if b[1] < top and b[3] > bottom]


def pdf_pages(path: Path) -> list[Page]:
    pdf = pypdfium2.PdfDocument(str(path))
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        text = page.get_textpage()
        boxes = []
        for j in range(text.count_rects()):
            left, bottom, right, top = text.get_rect(j)
            content = text.get_text_bounded(left, bottom, right, top).strip()
            if content:
                boxes.append((left, bottom, right, top, content))
        images = [
            obj.get_bounds()
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=5)
        ]
        pages.append(Page(i + 1, page.get_width(), page.get_height(), boxes, images))
    return pages


def pdf_text(path: Path) -> str:
    pdf = pypdfium2.PdfDocument(str(path))
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def overlapping_boxes(page: Page, tolerance: float = 0.6) -> list[tuple[str, str]]:
    """Pairs of text boxes on the page whose areas intersect by more than ``tolerance`` pt
    in both directions."""
    out = []
    boxes = sorted(page.boxes, key=lambda b: -b[3])
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if b[3] < a[1] - 1:  # sorted by top: every later box is lower still
                break
            dx = min(a[2], b[2]) - max(a[0], b[0])
            dy = min(a[3], b[3]) - max(a[1], b[1])
            if dx > tolerance and dy > tolerance:
                out.append((a[4], b[4]))
    return out


def stranded_headings(path: Path, pages: list[Page]) -> list[str]:
    """Bookmarked headings (sections, tables, figures) with nothing under them on their page:
    fewer than two lines of text and no image below the heading's line."""
    pdf = pypdfium2.PdfDocument(str(path))
    out = []
    for mark in pdf.get_toc():
        dest = mark.get_dest()
        if dest is None:
            continue
        page = pages[dest.get_index()]
        _, view = dest.get_view()
        y = view[1]
        below = {round(b[3]) for b in page.body_boxes() if b[3] < y - 9}
        images = [i for i in page.images if i[3] < y + 1]
        if len(below) < 2 and not images:
            out.append(f"page {page.number}: {mark.get_title()}")
    return out
