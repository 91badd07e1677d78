"""``remission app``: the study explorer in the browser (Shiny for Python).

The server functions work without a browser, on tables: ``filter_adsl`` and
``filter_frames`` (the cohort filter), ``cohort_counts`` and ``response_summary``,
``km_view`` (Kaplan-Meier, log-rank and medians on the filtered cohort, drawn by the report's
``km_plot``), ``patient_timeline`` (one patient's doses, scans and lymphocytes), and
``load_study_data`` (derived datasets from a folder, the cache or derived now). ``create_app``
builds the Shiny application and ``serve`` runs it on one host and port.

Examples
--------
>>> import polars as pl
>>> from remission.app import Filters, filter_adsl
>>> adsl = pl.DataFrame({"USUBJID": ["a", "b"], "HISTOL": ["melanoma", "renal"]})
>>> filter_adsl(adsl, Filters(histology=("renal",)))["USUBJID"].to_list()
['b']
"""

from remission.app._data import (
    StudyData,
    cache_dir,
    load_study_data,
    read_derived,
    study_data,
    study_key,
)
from remission.app._filters import (
    FilteredFrames,
    Filters,
    cohort_counts,
    dose_range,
    filter_adsl,
    filter_choices,
    filter_frames,
    response_summary,
)
from remission.app._serve import create_app, serve
from remission.app._survival import ENDPOINTS, KMView, km_figure, km_view, strata_columns
from remission.app._timeline import Timeline, patient_ids, patient_timeline, timeline_figure

__all__ = [
    "ENDPOINTS",
    "FilteredFrames",
    "Filters",
    "KMView",
    "StudyData",
    "Timeline",
    "cache_dir",
    "cohort_counts",
    "create_app",
    "dose_range",
    "filter_adsl",
    "filter_choices",
    "filter_frames",
    "km_figure",
    "km_view",
    "load_study_data",
    "patient_ids",
    "patient_timeline",
    "read_derived",
    "response_summary",
    "serve",
    "strata_columns",
    "study_data",
    "study_key",
    "timeline_figure",
]
