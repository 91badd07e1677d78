"""The study report, read as a person and a program would: HTML parsed, PDF text extracted and
every page rendered, XLSX numbers compared with the HTML."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import polars as pl
import pypdfium2
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from remission.antigens.screens import demo_screen
from remission.derive import RECIST_1_1, ResponseRules, derive_study
from remission.report import build_report, render_html, write_report
from remission.simulate import demo_study, simulate_study
from tests.derive.pharmaverse import PHARMAVERSE, needs_pharmaverse

SECTIONS = [
    "cohort",
    "table1",
    "exposure",
    "response",
    "responders",
    "durability",
    "sites",
    "factors",
    "survival",
    "antigens",
    "methods",
    "provenance",
]


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    sim = demo_study()
    frames = derive_study(sim.study)
    report = build_report(sim.study, frames, command="pytest", screen=demo_screen())
    out = write_report(report, frames, tmp_path_factory.mktemp("r") / "report")
    return out, report


@pytest.fixture(scope="module")
def soup(demo_report: tuple[Path, object]) -> BeautifulSoup:
    return BeautifulSoup((demo_report[0] / "index.html").read_text(), "html.parser")


def test_every_section_table_and_figure_is_in_the_html(
    demo_report: tuple, soup: BeautifulSoup
) -> None:
    _, report = demo_report
    assert [s["id"] for s in soup.find_all("section")] == SECTIONS
    nav = [a["href"] for a in soup.select("nav a")]
    assert nav == [f"#{k}" for k in SECTIONS]
    for table in report.tables():
        assert soup.find("table", id=f"table-{table.key}") is not None, table.key
    for fig in report.figures():
        node = soup.find("figure", id=f"figure-{fig.key}")
        assert node is not None and node.find("svg") is not None, fig.key
    assert soup.select_one(".banner").get_text().startswith("SYNTHETIC DATA")


def test_self_contained(soup: BeautifulSoup) -> None:
    assert not soup.find_all("script")
    assert not [t for t in soup.find_all(["img", "link"]) if t.get("src") or t.get("href")]


def test_headline_numbers_of_the_1998_series(soup: BeautifulSoup) -> None:
    head = {
        r.find_all("td")[0].get_text(): r.find_all("td")[1].get_text()
        for r in soup.select("table.headline tr")
    }
    assert head["patients"] == "409 (182 melanoma, 227 renal)"
    assert head["complete responses"] == "33 (8.1%)"
    assert head["partial responses"] == "37 (9.0%)"
    assert head["CR by histology"] == "melanoma 6.6%, renal 9.3%"
    assert head["ongoing complete responses"] == "27 of 33, 39 to >148 months"
    assert head["median potential follow-up"] == "7.1 years"


def test_pdf_has_the_same_tables_and_every_page_renders(demo_report: tuple) -> None:
    out, report = demo_report
    data = (out / "report.pdf").read_bytes()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    for table in report.tables():
        assert " ".join(table.title.split()) in text, table.title
    assert "27 of 33, 39 to >148 months" in text
    pdf = pypdfium2.PdfDocument(data)
    assert len(pdf) >= 5
    for i in range(len(pdf)):
        image = pdf[i].render(scale=0.5).to_pil()
        assert image.getextrema() != ((255, 255), (255, 255), (255, 255))  # not blank


def test_figures_and_data_written(demo_report: tuple) -> None:
    out, report = demo_report
    for fig in report.figures():
        assert (out / "figures" / f"{fig.key}.svg").stat().st_size > 1000
        assert (out / "figures" / f"{fig.key}.png").read_bytes()[:4] == b"\x89PNG"
    for name in ("adsl", "adex", "adrs", "adtte", "adtr", "adlb"):
        assert (out / "data" / f"{name}.csv").is_file()


def test_markup_in_data_is_text(tmp_path: Path) -> None:
    sim = demo_study()
    study = sim.study
    attack = "<script>alert(1)</script>"
    tables = dict(study.tables)
    tables["lesions"] = tables["lesions"].with_columns(pl.lit(attack).alias("site"))
    tables["patients"] = tables["patients"].with_columns(
        pl.when(pl.col("patient_id") == "SYN-0071")
        .then(pl.lit(attack + "0071"))
        .otherwise(pl.col("patient_id"))
        .alias("patient_id")
    )
    for name in ("doses", "lesions", "measurements", "labs", "prior_therapies"):
        tables[name] = tables[name].with_columns(
            pl.when(pl.col("patient_id") == "SYN-0071")
            .then(pl.lit(attack + "0071"))
            .otherwise(pl.col("patient_id"))
            .alias("patient_id")
        )
    from remission.study import Study

    hacked = Study(config=study.config, tables=tables, regimen=study.regimen)
    frames = derive_study(hacked)
    out = write_report(build_report(hacked, frames), frames, tmp_path / "r")
    html = (out / "index.html").read_text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;0071" in html
    assert not BeautifulSoup(html, "html.parser").find_all("script")


@needs_pharmaverse
def test_report_on_a_pharmaverse_sdtm_import(tmp_path: Path) -> None:
    """The report works on an SDTM import: sections the data support, a note for the rest."""
    import shutil

    from remission.sources import read_sdtm

    sdtm = tmp_path / "sdtm"
    sdtm.mkdir()
    for domain, source in [
        ("dm", "sdtm_dm"),
        ("ds", "sdtm_ds"),
        ("ex", "sdtm_ex"),
        ("tu", "sdtm_tu_onco_recist"),
        ("tr", "sdtm_tr_onco_recist"),
        ("rs", "sdtm_rs_onco_recist"),
    ]:
        shutil.copy(PHARMAVERSE / f"{source}.csv", sdtm / f"{domain}.csv")
    study = read_sdtm(sdtm, synthetic=True)
    frames = derive_study(study)
    report = build_report(study, frames)
    out = write_report(report, frames, tmp_path / "report")
    soup = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    assert [s["id"] for s in soup.find_all("section")] == [k for k in SECTIONS if k != "antigens"]
    notes = " ".join(n.get_text() for n in soup.select("p.missing"))
    assert "no dose ledger" in notes
    assert "No patient had a confirmed complete response." in notes
    assert soup.find("table", id="table-response") is not None
    assert soup.find("table", id="table-response_qc") is not None
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"


def test_antigen_section(soup: BeautifulSoup) -> None:
    section = soup.find("section", id="antigens")
    text = section.get_text()
    assert "SYNTHETIC recognition screen" in text
    assert "MART-1_27-35" in text and "L07-S3-c4" in text
    for key in ("screen_calls", "screen_trail", "titrations", "analogs", "lysis", "catalogue"):
        assert section.find("table", id=f"table-{key}") is not None, key
    assert section.find("figure", id="figure-screen_heatmap").find("svg") is not None
    assert section.find("figure", id="figure-titrations").find("svg") is not None
    catalogue = section.find("table", id="table-catalogue").get_text()
    assert "AAGIGILTV" in catalogue and "ITDQVPFSV" in catalogue


def test_demo_command_writes_the_screen_and_the_antigen_section(tmp_path: Path) -> None:
    from tests.cli.test_cli import run

    out = tmp_path / "demo"
    result = run("demo", "--out", out)
    assert result.returncode == 0, result.stderr
    assert (out / "study" / "screens" / "plates.csv").is_file()
    html = (out / "report" / "index.html").read_text()
    assert 'id="antigens"' in html


def test_notes_on_the_inputs_are_listed_in_provenance(tmp_path: Path) -> None:
    from remission.report._methods import provenance_section
    from remission.simulate import simulate_study
    from remission.study import Problem, load, write_study

    folder = write_study(simulate_study(n_patients=20, seed=2), tmp_path / "study", "csv")
    patients = pl.read_csv(folder / "patients.csv", infer_schema=False)
    patients.with_columns(pl.lit("x").alias("nickname")).write_csv(folder / "patients.csv")
    study = load(folder)
    screen_note = Problem(
        "warning", "column.unknown", "plates.csv", 1, "comment", None, "a column", "ignored"
    )
    section = provenance_section(study, "pytest", [screen_note])
    notes = next(t for t in section.tables if t.key == "input_notes").frame
    assert notes.select("file", "column", "note").rows() == [
        ("patients.csv", "nickname", "column.unknown"),
        ("plates.csv", "comment", "column.unknown"),
    ]
    # a study read without notes gets no such table
    clean = provenance_section(load(write_study(study, tmp_path / "clean", "csv")), "pytest")
    assert "input_notes" not in [t.key for t in clean.tables]


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    from remission.study import Study
    from tests.report.documents import formula_cells

    study = simulate_study(n_patients=40, seed=5)
    # every patient id a formula (ids are free text; the responders table lists them)
    as_formula = pl.concat_str(
        pl.lit('=HYPERLINK("http://example.invalid","'), "patient_id", pl.lit('")')
    )
    tables = {
        name: frame.with_columns(as_formula.alias("patient_id"))
        if "patient_id" in frame.columns
        else frame
        for name, frame in study.tables.items()
    }
    planted = Study(config=study.config, tables=tables, regimen=study.regimen)
    frames = derive_study(planted)
    out = write_report(build_report(planted, frames), frames, tmp_path / "r")
    assert formula_cells(out / "tables.xlsx") == []
    book = openpyxl.load_workbook(out / "tables.xlsx")
    texts = [c.value for s in book.worksheets for r in s.iter_rows() for c in r]
    assert any(str(t).startswith('=HYPERLINK("http://example.invalid"') for t in texts)


def test_the_report_states_the_rules_that_computed_it() -> None:
    """Confirmation after 21 days (admiralonco's vignette), not the template's 28: the HTML
    says 21 wherever it states the window, and never 28; the thresholds are the criteria's."""
    study = simulate_study(n_patients=60, seed=4)
    frames = derive_study(study, ResponseRules(confirmation_days=21))
    html = render_html(build_report(study, frames))
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    assert "at least 21 days later" in text
    assert "28 days" not in text
    assert "confirmation (days) 21" in " ".join(text.split())
    assert "WHO / NCI bidimensional" in text  # the criteria's own title (study.toml: who)
    assert "at most 50% of baseline" in text and "at least 125% of its nadir" in text
    with pytest.raises(ValueError, match="derived with"):
        build_report(study, frames, rules=ResponseRules())


def test_datasets_from_elsewhere_get_the_rules_given() -> None:
    study = simulate_study(n_patients=40, seed=5)
    frames = dict(derive_study(study, ResponseRules(confirmation_days=35)))
    report = build_report(study, frames, rules=ResponseRules(confirmation_days=35))
    text = BeautifulSoup(render_html(report), "html.parser").get_text(" ")
    assert "at least 35 days later" in text and "28 days" not in text
    assert RECIST_1_1.title not in text
