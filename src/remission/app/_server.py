"""The app's reactive server: the filter drives every view; nothing is logged, nothing written."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterator, Mapping

import polars as pl
from htmltools import Tag, TagList, tags
from shiny import Inputs, Outputs, Session, reactive, render, ui

from remission._io import csv_bytes
from remission.app._data import StudyData
from remission.app._filters import (
    FILTER_COLUMNS,
    Filters,
    cohort_counts,
    dose_range,
    filter_adsl,
    filter_frames,
    response_summary,
)
from remission.app._html import (
    cohort_table_html,
    figure_html,
    html_table,
    png_bytes,
    svg_text,
    text_table,
)
from remission.app._predictors import predictors_view, table_cells
from remission.app._responses import DPI, spider_view, swimmer_view, waterfall_view
from remission.app._survival import KMView, km_figure, km_view
from remission.app._timeline import patient_timeline, timeline_figure
from remission.figures import OKABE_ITO

TABLE_COLUMNS = (
    "USUBJID",
    "HISTOL",
    "SEX",
    "AGE",
    "ECOG",
    "PRIORIT",
    "C1DOSES",
    "LYMMAXC1",
    "NSITES",
    "SCONLY",
    "CBOR",
    "CRFL",
    "DTHFL",
    "TRTSDT",
)
"""The ADSL columns of the cohort table (the downloads hold every column)."""
TABLE_ROWS = 500
"""The cohort table shows at most this many patients, in the order chosen."""


def _size(fig: object) -> tuple[float, float]:
    width, height = fig.get_size_inches()  # type: ignore[attr-defined]
    return width * DPI, height * DPI


def _shown(fig: object, hover: list, figure_id: str, alt: str) -> Tag:
    size = _size(fig)
    # SVG, text as text like the report's figures: 0.07 s of CPU for the KM figure with its
    # risk table against 0.18 s for a PNG (the largest part of a filter change's redraw)
    return figure_html(svg_text(fig).encode(), size, hover, figure_id, alt)  # type: ignore[arg-type]


def matching_patients(ids: pl.Series, typed: str, limit: int = 20) -> list[str]:
    """The first ``limit`` patient identifiers containing ``typed`` (case-insensitive).

    Parameters
    ----------
    ids : polars.Series
        Every patient identifier.
    typed : str
        What the user typed (taken literally, not as a pattern).
    limit : int
        The most identifiers returned.

    Returns
    -------
    list of str
        The matches, exact match first.

    Examples
    --------
    >>> matching_patients(pl.Series(["SYN-0001", "SYN-0010", "SYN-0100"]), "001")
    ['SYN-0001', 'SYN-0010']
    """
    hits = ids.filter(ids.str.to_lowercase().str.contains(typed.lower(), literal=True))
    exact = [typed] if (hits == typed).any() else []
    rest = hits.filter(hits != typed).head(limit - len(exact)).to_list()
    return exact + rest


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    """``frame`` as Parquet bytes.

    Examples
    --------
    >>> parquet_bytes(pl.DataFrame({"a": [1]}))[:4]
    b'PAR1'
    """
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def make_server(data: StudyData) -> Callable[[Inputs, Outputs, Session], None]:
    """The server function of the app for one study.

    Parameters
    ----------
    data : StudyData
        The study and its derived datasets (read-only).

    Returns
    -------
    callable
        ``server(input, output, session)`` for ``shiny.App``.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> from remission.app import study_data
    >>> callable(make_server(study_data(simulate_study(n_patients=20, seed=1))))
    True
    """
    adsl_all = data.frames["adsl"]
    full_doses = dose_range(adsl_all)
    criteria = data.study.config.response_criteria

    ids = adsl_all["USUBJID"]
    known = set(ids.to_list())

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        current: reactive.Value[str | None] = reactive.value(None, name="current")

        @reactive.calc
        def filters() -> Filters:
            chosen = {}
            for name in FILTER_COLUMNS:  # a filter with no values has no input
                chosen[name] = tuple(input[name]() or ()) if name in input else ()
            doses = None
            if "doses" in input and input.doses() is not None:
                low, high = (float(v) for v in input.doses())
                if (low, high) != full_doses:
                    doses = (low, high)
            return Filters(**chosen, doses=doses)

        @reactive.calc
        def frames() -> Mapping[str, pl.DataFrame]:
            return filter_frames(data.frames, filter_adsl(adsl_all, filters()))

        @render.ui
        def filter_status() -> Tag:
            n = frames()["adsl"].height
            active = filters().active()
            named = ", ".join(a.replace("_", " ") for a in active)
            what = f"filtered by {named}" if active else "no filter"
            return tags.p(
                tags.strong(f"{n} patients", data_testid="n-patients"),
                f" of {adsl_all.height} ({what})",
                class_="mb-1",
            )

        @render.ui
        def cohort_summary() -> TagList:
            adsl = frames()["adsl"]
            return TagList(
                ui.layout_columns(
                    TagList(
                        tags.h5("Patients and responders"),
                        html_table(cohort_counts(adsl), "cohort-counts"),
                    ),
                    TagList(
                        tags.h5("Best confirmed response"),
                        html_table(response_summary(adsl), "response-summary"),
                    ),
                    col_widths=(6, 6),
                ),
            )

        sort_by: reactive.Value[tuple[str, bool]] = reactive.value(
            ("USUBJID", False), name="sort_by"
        )

        @reactive.effect
        @reactive.event(input.cohort_sort)
        def _sort() -> None:
            column = str(input.cohort_sort())
            if column in TABLE_COLUMNS:
                now, descending = sort_by()
                sort_by.set((column, not descending if column == now else False))

        @render.ui
        def cohort_table() -> Tag | TagList:
            column, descending = sort_by()
            return cohort_table_html(frames()["adsl"], TABLE_COLUMNS, column, descending)

        @reactive.effect
        @reactive.event(input.picked)
        def _open_picked() -> None:
            _open(str(input.picked()))

        def _open(patient: str) -> None:
            if patient in known:
                current.set(patient)
                ui.update_navset("view", selected="patient")

        @reactive.effect
        def _typed_in_full() -> None:
            typed = input.patient_search().strip()
            if typed in known:
                current.set(typed)

        @render.ui
        def patient_matches() -> Tag | None:
            typed = input.patient_search().strip()
            if not typed:
                return None
            found = matching_patients(ids, typed)
            if not found:
                return tags.p("No patient matches.", class_="text-muted small")
            return tags.div(
                *[
                    tags.button(
                        pid,
                        type="button",
                        class_="btn btn-sm btn-outline-secondary me-1 mb-1",
                        data_patient=pid,
                    )
                    for pid in found
                ],
                data_testid="patient-matches",
            )

        @reactive.calc
        def km_calc() -> KMView:
            return km_view(frames(), input.endpoint(), input.strata())

        @render.ui
        def km() -> Tag | TagList:
            view = km_calc()
            if view.km is None:
                return tags.p(f"{view.title}: no patient of the filtered cohort qualifies.")
            fig, _ = km_figure(view)
            legend = tags.div(
                *[
                    tags.span(
                        tags.span(
                            class_="remission-swatch",
                            style=f"background:{OKABE_ITO[i % len(OKABE_ITO)]}",
                        ),
                        name,
                        class_="remission-legend-item",
                    )
                    for i, name in enumerate(view.legend())
                ],
                class_="remission-legend",
                data_testid="km-legend",
            )
            p_text = view.p_text()
            return TagList(
                legend,
                tags.p(p_text, data_testid="km-p") if p_text else None,
                _shown(fig, [], "km-figure", view.title),
            )

        @render.ui
        def km_medians() -> Tag:
            return html_table(km_calc().medians, "km-medians")

        @render.ui
        def waterfall() -> Tag:
            if "adtr" not in data.frames:
                return tags.p("Not available: the study has no lesion measurements.")
            fig, hover = waterfall_view(frames(), criteria)
            return _shown(fig, hover, "waterfall-figure", "Waterfall plot")

        @render.ui
        def spider() -> Tag:
            if "adtr" not in data.frames:
                return tags.p("Not available: the study has no lesion measurements.")
            fig, hover = spider_view(frames())
            return _shown(fig, hover, "spider-figure", "Spider plot")

        @render.ui
        def swimmer() -> Tag:
            fig, hover = swimmer_view(frames())
            return _shown(fig, hover, "swimmer-figure", "Swimmer plot")

        @reactive.calc
        def timeline() -> object:
            chosen = current()
            return None if chosen is None else patient_timeline(data, chosen)

        @render.ui
        def patient_view() -> Tag | TagList:
            t = timeline()
            if t is None:
                return tags.p(
                    "Find a patient above, or click one in the cohort table or on a plot."
                )
            summary = pl.DataFrame(t.summary, schema=["item", "value"], orient="row")
            return TagList(
                tags.h4("Patient ", tags.span(t.patient, data_testid="patient-id")),
                html_table(summary, "patient-summary"),
                _shown(timeline_figure(t), [], "timeline-figure", f"Timeline of {t.patient}"),
                tags.h5(
                    f"IL-2 doses: {t.doses_given()} given, {t.doses_held()} held",
                    data_testid="patient-doses-heading",
                ),
                html_table(t.doses.drop("day"), "patient-doses"),
                tags.h5("Scans: lesion measurements and time-point responses"),
                html_table(t.scans, "patient-scans"),
                tags.h5("Lymphocytes (cells/µL; rebound phase and each cycle's peak)"),
                html_table(t.lymphocytes, "patient-lymphocytes"),
            )

        @reactive.calc
        def predictors_calc() -> object:
            return predictors_view(data.study, frames()["adsl"])

        @render.ui
        def predictors() -> TagList:
            view = predictors_calc()
            parts: list = [tags.p(p) for p in view.paragraphs]
            for table in view.tables:
                headers, rows = table_cells(table)
                parts += [tags.h5(table.title), text_table(headers, rows, f"table-{table.key}")]
            if view.forest is not None:
                src = "data:image/png;base64," + base64.b64encode(view.forest.png).decode()
                parts.append(
                    tags.div(
                        tags.img(src=src, alt="Forest plot", style="max-width:100%; width:680px"),
                        data_testid="forest-figure",
                    )
                )
            parts += [tags.p(n, class_="text-muted small") for n in view.notes]
            return TagList(*parts)

        def _dataset(name: str, fmt: str) -> None:
            def download() -> Iterator[bytes]:
                frame = frames()[name]
                yield csv_bytes(frame) if fmt == "csv" else parquet_bytes(frame)

            download.__name__ = f"download_{name}_{fmt}"
            render.download_link(filename=f"{name}.{fmt}")(download)

        for name in ("adsl", "adrs", "adtte"):
            if name in data.frames:
                for fmt in ("csv", "parquet"):
                    _dataset(name, fmt)

        def _figure() -> object:
            which = input.figure()
            if which == "km":
                view = km_calc()
                return km_figure(view)[0] if view.km is not None else None
            if which in ("waterfall", "spider") and "adtr" not in data.frames:
                return None
            if which == "waterfall":
                return waterfall_view(frames(), criteria)[0]
            if which == "spider":
                return spider_view(frames())[0]
            if which == "swimmer":
                return swimmer_view(frames())[0]
            if which == "timeline":
                t = timeline()
                return None if t is None else timeline_figure(t)
            return None

        def _figure_download(fmt: str) -> None:
            def download() -> Iterator[bytes]:
                if input.figure() == "forest":
                    view = predictors_calc()
                    if view.forest is None:
                        return
                    yield view.forest.png if fmt == "png" else view.forest.svg.encode()
                    return
                fig = _figure()
                if fig is None:
                    return
                yield png_bytes(fig, 150) if fmt == "png" else svg_text(fig).encode()

            download.__name__ = f"download_figure_{fmt}"
            render.download_button(filename=lambda: f"{input.figure()}.{fmt}")(download)

        _figure_download("png")
        _figure_download("svg")

    return server
