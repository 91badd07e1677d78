"""Figures of a study (matplotlib, Agg): Kaplan-Meier, swimmer, waterfall, spider, forest,
a patient's timeline, and of a recognition screen: heatmap and titrations.

Every figure function returns the figure and, where numbers are printed on it, the table of
those numbers; writing files is the report's job. Figures are laid out in inches for print:
at most 6.8 x 9 in, every font at least 8 pt, placed at 100% on an A4 page.

Examples
--------
>>> from remission.analysis import kaplan_meier
>>> from remission.figures import km_plot
>>> fig, at_risk = km_plot(kaplan_meier([2, 4, 6], [1, 1, 0]), ticks=[0, 3, 6])
>>> at_risk["at_risk"].to_list()
[3, 2, 1]
"""

from remission.figures._flow import flow_counts, flow_diagram
from remission.figures._forest import forest_plot
from remission.figures._km_plot import at_risk_table, km_plot
from remission.figures._response_plots import (
    spider_plot,
    swimmer_data,
    swimmer_pages,
    swimmer_plot,
    waterfall_data,
    waterfall_plot,
)
from remission.figures._screen_plots import screen_heatmap, screen_heatmap_pages, titration_plot
from remission.figures._style import OKABE_ITO, RESPONSE_COLOURS
from remission.figures._timeline import patient_timeline_plot

__all__ = [
    "OKABE_ITO",
    "RESPONSE_COLOURS",
    "at_risk_table",
    "flow_counts",
    "flow_diagram",
    "forest_plot",
    "km_plot",
    "patient_timeline_plot",
    "screen_heatmap",
    "screen_heatmap_pages",
    "spider_plot",
    "swimmer_data",
    "swimmer_pages",
    "swimmer_plot",
    "titration_plot",
    "waterfall_data",
    "waterfall_plot",
]
