"""The page: a banner, the cohort filter in a sidebar, one tab per view."""

from __future__ import annotations

from htmltools import Tag, tags
from shiny import ui

from remission.app._data import StudyData
from remission.app._filters import FILTER_COLUMNS, dose_range, filter_choices
from remission.app._survival import ENDPOINTS, NONE, strata_columns

FIGURES = {
    "km": "Kaplan-Meier (Durability)",
    "waterfall": "Waterfall",
    "spider": "Spider",
    "swimmer": "Swimmer",
    "forest": "Forest (Predictors)",
    "timeline": "Patient timeline",
}
"""The figures the Downloads tab offers."""

CSS = """
.remission-banner { background: #B00020; color: white; font-weight: bold; padding: 0.4rem 1rem;
  text-align: center; letter-spacing: 0.05em; }
.remission-figure { position: relative; display: inline-block; max-width: 100%; }
.remission-figure img { max-width: 100%; height: auto; display: block; }
.remission-layer { position: absolute; inset: 0; width: 100%; height: 100%;
  pointer-events: none; }
.remission-hover { fill: #000; fill-opacity: 0; cursor: pointer; pointer-events: all; }
.remission-hover:hover { fill-opacity: 0.25; }
.remission-table { width: auto; font-size: 0.85rem; }
.remission-scroll { max-height: 28rem; overflow: auto; }
.remission-cohort th { cursor: pointer; position: sticky; top: 0; background: white; }
.remission-cohort tbody tr { cursor: pointer; }
.remission-legend span { display: inline-block; margin-right: 1rem; }
.remission-swatch { display: inline-block; width: 1.2em; height: 0.4em; margin-right: 0.3em;
  vertical-align: middle; }
"""

SCRIPT = """
document.addEventListener('click', function (event) {
  var head = event.target.closest('th[data-sort]');
  if (head && window.Shiny) {
    Shiny.setInputValue('cohort_sort', head.getAttribute('data-sort'), {priority: 'event'});
    return;
  }
  var shape = event.target.closest('[data-patient]');
  if (shape && window.Shiny) {
    Shiny.setInputValue('picked', shape.getAttribute('data-patient'), {priority: 'event'});
  }
});
"""
"""A click on a table header sorts the cohort; a click on a row or a hover shape opens its
patient (static code: the column and the patient are attributes, read as text)."""


def _filters(data: StudyData) -> list[Tag]:
    adsl = data.frames["adsl"]
    choices = filter_choices(adsl)
    out = [tags.p("Nothing ticked keeps every patient.", class_="text-muted small")]
    for name, (_, label) in FILTER_COLUMNS.items():
        if choices[name]:
            out.append(ui.input_checkbox_group(name, label, choices[name], inline=True))
    low, high = dose_range(adsl)
    if high > low:
        out.append(
            ui.input_slider("doses", "IL-2 doses given in course 1", low, high, (low, high), step=1)
        )
    return out


def _cohort() -> ui.NavPanel:
    return ui.nav_panel(
        "Cohort",
        ui.output_ui("cohort_summary"),
        tags.h5("Patients (ADSL): click a header to sort, a row to open the patient"),
        ui.output_ui("cohort_table"),
        value="cohort",
    )


def _durability(data: StudyData) -> ui.NavPanel:
    adtte = data.frames["adtte"]
    present = set(adtte["PARAMCD"].unique().to_list())
    endpoints = {code: title for code, (title, _) in ENDPOINTS.items() if code in present}
    strata = {NONE: "(none: all patients)"} | strata_columns(data.frames["adsl"])
    return ui.nav_panel(
        "Durability",
        ui.layout_columns(
            ui.input_select("endpoint", "Endpoint", endpoints, selected="OS"),
            ui.input_select("strata", "Stratify by", strata, selected="HISTOL"),
            col_widths=(4, 4),
        ),
        ui.output_ui("km"),
        tags.h5("Medians (months; 95% CI, log-log; NR: not reached)"),
        ui.output_ui("km_medians"),
        value="durability",
    )


def _responses() -> ui.NavPanel:
    return ui.nav_panel(
        "Responses",
        tags.p(
            "Hover a bar, point or lane for the patient, the value and the date; click it to "
            "open the patient.",
            class_="text-muted small",
        ),
        ui.navset_underline(
            ui.nav_panel("Waterfall", ui.output_ui("waterfall"), value="waterfall"),
            ui.nav_panel("Spider", ui.output_ui("spider"), value="spider"),
            ui.nav_panel("Swimmer", ui.output_ui("swimmer"), value="swimmer"),
            id="response_plot",
        ),
        value="responses",
    )


def _patient() -> ui.NavPanel:
    return ui.nav_panel(
        "Patient",
        ui.input_text(
            "patient_search", "Find a patient", placeholder="identifier, or a part of it"
        ),
        ui.output_ui("patient_matches"),
        ui.output_ui("patient_view"),
        value="patient",
    )


def _predictors() -> ui.NavPanel:
    return ui.nav_panel(
        "Predictors",
        ui.output_ui("predictors"),
        value="predictors",
    )


def _downloads(data: StudyData) -> ui.NavPanel:
    datasets = [name for name in ("adsl", "adrs", "adtte") if name in data.frames]
    buttons = [
        tags.li(
            f"{name.upper()}: ",
            ui.download_link(f"download_{name}_csv", "CSV"),
            " · ",
            ui.download_link(f"download_{name}_parquet", "Parquet"),
        )
        for name in datasets
    ]
    return ui.nav_panel(
        "Downloads",
        tags.h5("The filtered cohort's derived datasets"),
        tags.ul(*buttons),
        tags.h5("A figure of the current view"),
        ui.input_select("figure", "Figure", FIGURES),
        tags.div(
            ui.download_button("download_figure_png", "PNG"),
            ui.download_button("download_figure_svg", "SVG"),
            class_="d-flex gap-2",
        ),
        value="downloads",
    )


def page(data: StudyData) -> Tag:
    """The app's page for a study.

    Parameters
    ----------
    data : StudyData
        The study and its derived datasets (the filter offers the values they hold).

    Returns
    -------
    htmltools.Tag
        The whole page (Shiny UI).

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> from remission.app import study_data
    >>> html = str(page(study_data(simulate_study(n_patients=30, seed=1))))
    >>> "SYNTHETIC" in html, 'id="histology"' in html
    (True, True)
    """
    banner = (
        tags.div(
            "SYNTHETIC DATA: every patient in this study is made up.",
            class_="remission-banner",
            role="alert",
            data_testid="synthetic-banner",
        )
        if data.synthetic
        else None
    )
    return ui.page_sidebar(
        ui.sidebar(tags.h5("Cohort filter"), *_filters(data), width=320),
        tags.head(tags.style(CSS), tags.script(SCRIPT)),
        banner,
        ui.output_ui("filter_status"),
        ui.navset_card_underline(
            _cohort(),
            _durability(data),
            _responses(),
            _patient(),
            _predictors(),
            _downloads(data),
            id="view",
        ),
        title=f"remission: {data.name}",
        window_title=f"remission: {data.name}",
    )
