"""The report as a journal's production office and a reader would check it, on four cohorts:
the demo (409 patients), a 2,000-patient simulation, a 20-patient study with one responder and
a 40-patient study whose every text is as long as validation allows.

- PDF: no two text lines overlap on any page, every text and image lies inside the margins, no page
  holds only a heading or a caption, every table and figure is numbered and in the contents.
- HTML in a real Chromium (Debian's package) at 1200 and 390 px: no horizontal overflow of the
  page, the SYNTHETIC banner stays in view when scrolled; screenshots kept in
  ``.artifacts/report/``.
- Every number the HTML prints is the workbook's displayed text and is in the PDF.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from remission.antigens.screens import demo_screen
from remission.derive import derive_study
from remission.report import build_report, write_report
from remission.simulate import demo_study, simulate_study
from remission.study import Study, load, write_study
from remission.study._config import DESCRIPTION_CHARS, NAME_CHARS
from remission.study._schema import FREE_TEXT_CHARS, HISTOLOGY_CHARS, IDENTIFIER_CHARS
from tests.chromium import CHROMIUM, chromium_or_skip
from tests.report.documents import (
    MARGIN_MM,
    MM,
    formula_cells,
    html_tables,
    overlapping_boxes,
    pdf_pages,
    pdf_text,
    stranded_headings,
    xlsx_tables,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / ".artifacts" / "report"


def one_responder_study() -> Study:
    """20 simulated patients, all but one responder's scans after baseline removed (NE)."""
    study = simulate_study(n_patients=20, seed=1)
    frames = derive_study(study)
    responders = frames["adsl"].filter(pl.col("CBOR").is_in(["CR", "PR"]))["USUBJID"].sort()
    drop = responders[1:].implode()
    starts = study.tables["patients"].select("patient_id", "treatment_start")
    tables = dict(study.tables)
    tables["measurements"] = (
        tables["measurements"]
        .join(starts, on="patient_id")
        .filter(
            ~pl.col("patient_id").is_in(drop) | (pl.col("assessed_on") <= pl.col("treatment_start"))
        )
        .drop("treatment_start")
    )
    return Study(config=study.config, tables=tables, regimen=study.regimen)


def _words(word: str, length: int) -> str:
    """``word`` repeated, exactly ``length`` characters long (the last one an ``x``)."""
    return ((word + " ") * (length // (len(word) + 1) + 1))[: length - 1] + "x"


def longest_text_study(folder: Path) -> Study:
    """40 simulated patients whose texts are all as long as validation allows, written to
    ``folder`` and loaded back (so validation accepts every one of them).

    The study name, description and one histology; every patient and lesion id (no space to
    break a line at); every site, prior therapy and hold reason.
    """
    study = simulate_study(n_patients=40, seed=5)
    first, *rest = study.config.histologies
    histology = _words(first, HISTOLOGY_CHARS)
    config = dataclasses.replace(
        study.config,
        name=_words("study", NAME_CHARS),
        description=_words("about", DESCRIPTION_CHARS),
        histologies=(histology, *rest),
    )
    patient = (pl.col("patient_id") + "-" + "9" * IDENTIFIER_CHARS).str.slice(0, IDENTIFIER_CHARS)
    lesion = (pl.col("lesion_id") + "-" + "7" * IDENTIFIER_CHARS).str.slice(0, IDENTIFIER_CHARS)
    tables = {
        name: frame.with_columns(patient) if "patient_id" in frame.columns else frame
        for name, frame in study.tables.items()
    }
    tables["patients"] = tables["patients"].with_columns(
        pl.col("histology").replace(first, histology)
    )
    for name in ("lesions", "measurements"):
        tables[name] = tables[name].with_columns(lesion)
    long = {
        ("lesions", "site"): _words("right lower lobe", FREE_TEXT_CHARS),
        ("prior_therapies", "therapy"): _words("interferon alfa", FREE_TEXT_CHARS),
        ("doses", "hold_reason"): _words("hypotension", FREE_TEXT_CHARS),
    }
    for (name, column), text in long.items():
        present = pl.col(column).is_not_null()
        tables[name] = tables[name].with_columns(
            pl.when(present).then(pl.lit(text)).otherwise(None).alias(column)
        )
    written = write_study(Study(config=config, tables=tables, regimen=study.regimen), folder)
    return load(written)


COHORTS = {
    "demo": lambda _: demo_study().study,
    "sim2000": lambda _: simulate_study(n_patients=2000, seed=7),
    "small20_one_responder": lambda _: one_responder_study(),
    "longest_text": longest_text_study,
}


@pytest.fixture(scope="module", params=sorted(COHORTS))
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    name = request.param
    study = COHORTS[name](tmp_path_factory.mktemp(name) / "study")
    frames = derive_study(study)
    if name == "small20_one_responder":
        assert frames["adsl"]["CBOR"].is_in(["CR", "PR"]).sum() == 1
    screen = demo_screen() if name == "demo" else None
    report = build_report(study, frames, command="pytest", screen=screen)
    out = write_report(report, frames, tmp_path_factory.mktemp(name) / "report")
    return out


def test_pdf_text_never_overlaps(written: Path) -> None:
    for page in pdf_pages(written / "report.pdf"):
        assert overlapping_boxes(page) == [], f"page {page.number}"


def test_pdf_text_and_images_inside_the_margins(written: Path) -> None:
    for page in pdf_pages(written / "report.pdf"):
        for left, _, right, _, text in page.boxes:
            assert left >= MARGIN_MM * MM - 0.5, (page.number, left, text[:40])
            assert right <= page.width - MARGIN_MM * MM + 0.5, (page.number, right, text[:40])
        for left, bottom, right, top in page.images:
            assert left >= MARGIN_MM * MM - 0.5, (page.number, left)
            assert right <= page.width - MARGIN_MM * MM + 0.5, (page.number, right)
            assert top <= page.height - MARGIN_MM * MM + 0.5, (page.number, top)
            assert bottom >= 15 * MM, (page.number, bottom)


def test_no_page_holds_only_a_heading_or_a_caption(written: Path) -> None:
    pages = pdf_pages(written / "report.pdf")
    assert stranded_headings(written / "report.pdf", pages) == []
    for page in pages:
        lines = {round(b[3]) for b in page.body_boxes()}
        assert page.images or len(lines) >= 4, (page.number, [b[4] for b in page.body_boxes()])


def test_pdf_numbers_tables_and_figures_and_lists_them(written: Path) -> None:
    text = pdf_text(written / "report.pdf")
    html = (written / "index.html").read_text(encoding="utf-8")
    assert "Contents" in text
    n_tables = html.count("<caption><b>Table ")
    n_figures = html.count("<figcaption><b>Figure ")
    assert n_tables > 0 and n_figures > 0
    for i in range(1, n_tables + 1):
        assert text.count(f"Table {i}.") >= 2, f"Table {i} in the contents and the body"
    for i in range(1, n_figures + 1):
        assert text.count(f"Figure {i}.") >= 2, f"Figure {i} in the contents and the body"
    last = pdf_pages(written / "report.pdf")[-1].number
    assert f"page {last} of {last}" in text


def test_html_numbers_are_the_workbooks_and_the_pdfs(written: Path) -> None:
    html = html_tables(written / "index.html")
    xlsx = xlsx_tables(written / "tables.xlsx")
    assert set(html.rows) == set(xlsx.rows)
    for key, rows in html.rows.items():
        assert html.header[key] == xlsx.header[key], key
        assert rows == xlsx.rows[key], key
    # every word of every cell and header is in the PDF whole: no number printed another way,
    # no word split across lines
    words = Counter(pdf_text(written / "report.pdf").split())
    printed = Counter(
        token
        for key, rows in html.rows.items()
        for row in [html.header[key], *rows]
        for cell in row
        for token in cell.split()
    )
    missing = printed - words
    assert not missing, list(missing.items())[:10]


def test_workbook_has_no_formula_and_a_readme(written: Path) -> None:
    import openpyxl

    assert formula_cells(written / "tables.xlsx") == []
    book = openpyxl.load_workbook(written / "tables.xlsx")
    assert book.sheetnames[0] == "README"
    readme = " ".join(str(c.value) for row in book["README"].iter_rows() for c in row if c.value)
    assert "SYNTHETIC DATA" in readme and "remission" in readme and "generated (UTC)" in readme
    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref, sheet.title


@pytest.mark.parametrize("width", [1200, 390])
def test_html_in_chromium(written: Path, width: int) -> None:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = written.parent.name.rstrip("0123456789")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto((written / "index.html").as_uri())
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"page body wider than the window by {overflow} px"
        for svg in page.query_selector_all("figure svg"):
            assert svg.get_attribute("aria-label"), "every figure has alt text"
        page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
        banner = page.query_selector(".banner")
        box = banner.bounding_box()
        assert box is not None and 0 <= box["y"] < 5, "the SYNTHETIC banner stays in view"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}-scrolled.png"))
        if width == 390:
            wide = page.query_selector("#table-table1")
            if wide is not None:
                cue = page.query_selector(".scroll-cue.wide")
                assert cue is not None and cue.is_visible(), "wide tables say they scroll"
        for link in ("report.pdf", "tables.xlsx", "data/adsl.csv"):
            assert page.query_selector(f'a[href="{link}"]') is not None, link
            assert (written / link).exists(), link
        browser.close()
