"""Shared figure style: Agg backend, a colour-blind-safe palette, journal-sized fonts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # headless: figures are files, never windows

from matplotlib import pyplot as plt

OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
"""Okabe & Ito (2008) palette, distinguishable with the common colour-vision deficiencies."""

RESPONSE_COLOURS = {
    "CR": "#009E73",
    "PR": "#0072B2",
    "SD": "#E69F00",
    "NON-CR/NON-PD": "#56B4E9",
    "PD": "#D55E00",
    "NE": "#999999",
    "MISSING": "#CCCCCC",
}
"""One colour per best response, used by the waterfall, spider and swimmer plots."""


def new_figure(width: float = 7.0, height: float = 4.5) -> tuple[plt.Figure, plt.Axes]:
    """Return a figure and axes in the house style (inches; 300 dpi when saved as PNG)."""
    plt.rcParams.update(
        {
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 10,
            "legend.frameon": False,
            "svg.fonttype": "none",  # text stays text in SVG (searchable, accessible)
        }
    )
    fig, ax = plt.subplots(figsize=(width, height))
    return fig, ax
