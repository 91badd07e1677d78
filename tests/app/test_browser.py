"""The app end to end: the real server on the demo study, driven in Debian's Chromium.

Screenshots of every view are saved as test artefacts, in ``$REMISSION_ARTEFACTS/app`` when
that is set, else in pytest's temporary folder (the path is printed).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from remission.simulate import demo_study, simulate_study
from remission.study import load, write_study
from tests.app.browser import running_app
from tests.chromium import chromium_or_skip

TIMEOUT = 60_000  # ms: the shared test machine can be slow
XSS = "<script>alert(1)</script>"


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("app")


@pytest.fixture(scope="module")
def artefacts(workdir: Path) -> Path:
    root = os.environ.get("REMISSION_ARTEFACTS")
    folder = Path(root) / "app" if root else workdir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"app screenshots in {folder}")
    return folder


@pytest.fixture(scope="module")
def study(workdir: Path) -> Path:
    folder = workdir / "study"
    write_study(demo_study().study, folder, "csv")
    return folder


@pytest.fixture(scope="module")
def derived(workdir: Path, study: Path) -> Path:
    """What `remission derive` writes for the demo (CSV)."""
    out = workdir / "derived"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    subprocess.run(
        [sys.executable, "-m", "remission", "derive", str(study), "--out", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def before(study: Path) -> dict[str, str]:
    return _tree(study)


@pytest.fixture(scope="module")
def server(workdir: Path, study: Path, before: dict) -> Iterator[tuple[str, float, Path]]:
    chromium_or_skip()
    logs = workdir / "logs"
    with running_app(study, workdir / "cache", logs) as (url, seconds):
        yield url, seconds, logs


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, server: tuple) -> Iterator[object]:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT)
    tab.goto(server[0])
    expect(tab.get_by_test_id("n-patients")).to_have_text("409 patients")
    yield tab
    context.close()


def _view(page: object, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


TALLEST = """() => Math.max(document.body.scrollHeight,
    ...Array.from(document.querySelectorAll('.main, .bslib-sidebar-layout, .card-body'))
        .map(e => e.scrollHeight + e.getBoundingClientRect().top))"""


def _shot(page: object, artefacts: Path, name: str) -> None:
    """The whole view (the page scrolls inside its panels, so the window is made tall)."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready")
    size = page.viewport_size
    height = min(int(page.evaluate(TALLEST)) + 40, 6000)
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    page.wait_for_timeout(300)
    page.screenshot(path=str(artefacts / f"{name}.png"))
    page.set_viewport_size(size)


def test_first_page_shows_the_synthetic_banner_and_the_cohort(
    browser: object, server: tuple, artefacts: Path
) -> None:
    from playwright.sync_api import expect

    url, seconds, logs = server
    assert "serving on http://127.0.0.1:" in (logs / "stdout.txt").read_text()
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    started = time.monotonic()
    tab.goto(url)
    expect(tab.get_by_test_id("n-patients")).to_have_text("409 patients", timeout=TIMEOUT)
    expect(tab.locator("#cohort-counts")).to_contain_text("409", timeout=TIMEOUT)
    first_page = time.monotonic() - started
    print(f"server up in {seconds:.1f} s; first page rendered in {first_page:.2f} s")
    expect(tab.get_by_test_id("synthetic-banner")).to_contain_text("SYNTHETIC")
    tab.close()


def test_melanoma_filter_gives_182_patients_and_12_complete_responses(
    page: object, artefacts: Path
) -> None:
    from playwright.sync_api import expect

    page.get_by_label("melanoma", exact=True).check()
    expect(page.get_by_test_id("n-patients")).to_have_text("182 patients")
    counts = page.locator("#cohort-counts tbody tr").last
    expect(counts).to_contain_text("all")
    cells = counts.locator("td").all_inner_texts()
    assert cells == ["all", "182", "12", "29"]
    summary = page.locator("#response-summary tbody tr").first.locator("td").all_inner_texts()
    assert summary[:2] == ["CR", "12"]
    rows = page.locator("#cohort-table tbody tr")
    expect(rows).to_have_count(182)
    expect(rows.first).to_have_attribute("data-patient", "SYN-0002")
    _shot(page, artefacts, "1-cohort-melanoma")
    age = page.locator("#cohort-table th", has_text="AGE")
    age.click()
    expect(age).to_have_text("AGE ▲")
    ages = [float(r.split("\t")[3]) for r in rows.all_inner_texts()]
    assert ages == sorted(ages)
    age.click()
    expect(age).to_have_text("AGE ▼")
    ages = [float(r.split("\t")[3]) for r in rows.all_inner_texts()]
    assert ages == sorted(ages, reverse=True)


def test_changing_the_km_stratification_changes_the_legend(page: object, artefacts: Path) -> None:
    from playwright.sync_api import expect

    _view(page, "Durability")
    legend = page.get_by_test_id("km-legend").locator(".remission-legend-item")
    expect(legend).to_have_text(["melanoma", "renal"])
    expect(page.get_by_test_id("km-p")).to_contain_text("log-rank p")
    _shot(page, artefacts, "2-durability-histology")
    page.select_option("#strata", "SEX")
    expect(legend).to_have_text(["F", "M"])
    expect(page.locator("#km-medians tbody tr")).to_have_count(2)
    expect(page.locator("#km-medians")).to_contain_text("F")
    page.select_option("#endpoint", "CRDUR")
    expect(page.locator("#km-figure img")).to_have_attribute(
        "alt", "Duration of complete response by Sex"
    )
    _shot(page, artefacts, "2-durability-crdur-by-sex")


def test_response_plots_hover_shows_patient_value_date_and_a_click_opens_the_patient(
    page: object, artefacts: Path
) -> None:
    from playwright.sync_api import expect

    _view(page, "Responses")
    bars = page.locator("#waterfall-figure rect.remission-hover")
    expect(bars.first).to_be_attached()
    assert bars.count() == 394
    first = bars.first
    title = first.locator("title").text_content()
    patient = first.get_attribute("data-patient")
    assert title.startswith(f"{patient}: +") and " on 19" in title
    first.hover()
    _shot(page, artefacts, "3-responses-waterfall")
    page.get_by_role("tab", name="Spider").click()
    expect(page.locator("#spider-figure rect.remission-hover").first).to_be_attached()
    _shot(page, artefacts, "3-responses-spider")
    page.get_by_role("tab", name="Swimmer").click()
    lanes = page.locator("#swimmer-figure rect.remission-hover")
    expect(lanes).to_have_count(70)
    _shot(page, artefacts, "3-responses-swimmer")
    lanes.first.click()
    expect(page.get_by_test_id("patient-id")).to_have_text(
        lanes.first.get_attribute("data-patient")
    )


def test_a_patient_opened_from_the_table_shows_as_many_doses_as_adex(
    page: object, artefacts: Path, derived: Path
) -> None:
    from playwright.sync_api import expect

    adex = pl.read_csv(derived / "adex.csv", infer_schema_length=None)
    given = dict(
        adex.filter((pl.col("PARAMCD") == "DOSGIVN") & pl.col("COURSE").is_null())
        .select("USUBJID", "AVAL")
        .rows()
    )
    page.locator("#cohort-table tbody tr").nth(1).locator("td").first.click()
    patient_id = page.get_by_test_id("patient-id")
    expect(patient_id).to_have_text("SYN-0002")
    doses = page.locator("#patient-doses tbody tr")
    statuses = [row.split("\t")[4] for row in doses.all_inner_texts()]
    assert statuses.count("given") == given["SYN-0002"] == 28
    expect(page.get_by_test_id("patient-doses-heading")).to_contain_text("28 given")
    held = page.locator("#patient-doses tbody tr", has_text="held")
    assert all(row.split("\t")[6].strip() for row in held.all_inner_texts())  # a reason each
    expect(page.locator("#patient-scans")).to_contain_text("PD")
    expect(page.locator("#patient-lymphocytes")).to_contain_text("rebound")
    expect(page.locator("#timeline-figure img")).to_be_visible()
    _shot(page, artefacts, "4-patient-SYN-0002")


def test_predictors_show_the_factor_table_and_forest(page: object, artefacts: Path) -> None:
    from playwright.sync_api import expect

    _view(page, "Predictors")
    expect(page.locator("#table-factors")).to_contain_text("Prior immunotherapy")
    expect(page.locator("#table-regression")).to_be_visible()
    expect(page.get_by_test_id("forest-figure").locator("img")).to_be_visible()
    _shot(page, artefacts, "5-predictors")


def test_downloaded_adsl_equals_remission_derives(
    page: object, artefacts: Path, derived: Path
) -> None:
    from playwright.sync_api import expect

    _view(page, "Downloads")
    with page.expect_download() as info:
        page.locator("#download_adsl_csv").click()
    assert Path(info.value.path()).read_bytes() == (derived / "adsl.csv").read_bytes()
    page.get_by_label("melanoma", exact=True).check()
    expect(page.get_by_test_id("n-patients")).to_have_text("182 patients")
    with page.expect_download() as info:
        page.locator("#download_adsl_parquet").click()
    melanoma = pl.read_parquet(info.value.path())
    assert melanoma.height == 182 and set(melanoma["HISTOL"]) == {"melanoma"}
    with page.expect_download() as info:
        page.locator("#download_figure_svg").click()
    assert info.value.suggested_filename == "km.svg"
    assert Path(info.value.path()).read_text().lstrip().startswith("<?xml")
    _shot(page, artefacts, "6-downloads")


def test_no_patient_data_in_the_logs_and_nothing_written_to_the_study(
    page: object, server: tuple, study: Path, before: dict
) -> None:
    from playwright.sync_api import expect

    _view(page, "Patient")  # patients found by typing, to have searched for them
    page.locator("#patient_search").fill("syn-03")
    matches = page.get_by_test_id("patient-matches").locator("button")
    expect(matches).to_have_count(20)
    expect(matches.first).to_have_text("SYN-0300")
    matches.nth(1).click()
    expect(page.get_by_test_id("patient-id")).to_have_text("SYN-0301")
    page.locator("#patient_search").fill("SYN-0003")
    expect(page.get_by_test_id("patient-id")).to_have_text("SYN-0003")
    logs = server[2]
    text = (logs / "stdout.txt").read_text() + (logs / "stderr.txt").read_text()
    assert "SYN-" not in text
    assert _tree(study) == before


def test_a_script_patient_identifier_is_shown_as_text(
    browser: object, workdir: Path, artefacts: Path
) -> None:
    from playwright.sync_api import expect

    sim = simulate_study(n_patients=30, seed=4)
    tables = {
        name: t.with_columns(pl.col("patient_id").replace("SYN-0001", XSS))
        if "patient_id" in t.columns
        else t
        for name, t in sim.tables.items()
    }
    folder = workdir / "xss-study"
    write_study(type(sim)(sim.config, tables, regimen=sim.regimen), folder, "csv")
    assert XSS in load(folder).patients["patient_id"].to_list()
    dialogs: list[str] = []
    with running_app(folder, workdir / "cache", workdir / "xss-logs") as (url, _):
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.goto(url)
        expect(tab.locator("#cohort-table")).to_contain_text(XSS, timeout=TIMEOUT)
        tab.locator("#cohort-table tbody tr").first.locator("td").first.click()
        expect(tab.get_by_test_id("patient-id")).to_have_text(XSS, timeout=TIMEOUT)
        expect(tab.locator("#patient-summary")).to_contain_text(XSS)
        expect(tab.locator("#patient-doses")).to_be_visible()
        _shot(tab, artefacts, "7-script-identifier")
        _view(tab, "Responses")
        bar = tab.locator(f'#waterfall-figure rect[data-patient="{XSS}"]')
        expect(bar.locator("title")).to_contain_text(XSS)
        tab.close()
    assert dialogs == []
