"""Shared figure style: Agg backend, a colour-blind-safe palette, print-sized fonts and layout.

Figures are laid out in inches for an A4 page whose text block is 180 mm wide: at most
``MAX_WIDTH`` x ``MAX_HEIGHT`` inches, placed at 100% (never scaled), so a font of
``SMALL_PT`` points in the figure is ``SMALL_PT`` points on paper.
"""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")  # headless: figures are files, never windows

from matplotlib import pyplot as plt
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, ScaledTranslation, Transform

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

MAX_WIDTH = 6.8
"""Widest figure, inches (the PDF's text block is 7.09 in)."""
MAX_HEIGHT = 9.0
"""Tallest figure, inches (the PDF's content height is about 9.8 in, less a caption)."""
BODY_PT = 9.0
"""Axis labels and row labels."""
TITLE_PT = 10.0
"""Figure titles."""
SMALL_PT = 8.0
"""Tick labels, tables, legends and notes: the smallest text on any figure."""
LINE_IN = 1.25 / 72
"""Line height per point of font size, inches."""


def apply_style() -> None:
    """Set the house style in matplotlib's ``rcParams`` (every font at least 8 pt)."""
    plt.rcParams.update(
        {
            "font.size": BODY_PT,
            "axes.titlesize": TITLE_PT,
            "axes.labelsize": BODY_PT,
            "xtick.labelsize": SMALL_PT,
            "ytick.labelsize": SMALL_PT,
            "legend.fontsize": SMALL_PT,
            "legend.title_fontsize": SMALL_PT,
            "figure.titlesize": TITLE_PT,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "svg.fonttype": "none",  # text stays text in SVG (searchable, accessible)
        }
    )


def blank_figure(width: float, height: float) -> Figure:
    """Return an empty figure in the house style, to be filled with ``axes_at``."""
    apply_style()
    return plt.figure(figsize=(width, height))


def axes_at(fig: Figure, left: float, top: float, width: float, height: float) -> Axes:
    """Add axes whose rectangle is given in inches from the figure's top-left corner."""
    fw, fh = fig.get_size_inches()
    return fig.add_axes((left / fw, 1 - (top + height) / fh, width / fw, height / fh))


def text_width(fig: Figure, text: str, size: float = SMALL_PT, weight: str = "normal") -> float:
    """Width of one line of text in inches, as the figure's renderer will draw it."""
    return _measure(text, size, weight, float(fig.dpi)) if text else 0.0


@functools.lru_cache(maxsize=8192)
def _measure(text: str, size: float, weight: str, dpi: float) -> float:
    w, _, _ = _renderer(dpi).get_text_width_height_descent(
        text, FontProperties(size=size, weight=weight), ismath=False
    )
    return float(w) / dpi


@functools.lru_cache(maxsize=4)
def _renderer(dpi: float) -> RendererAgg:
    return RendererAgg(10, 10, dpi)


def wrap(fig: Figure, text: str, width: float, size: float = SMALL_PT) -> list[str]:
    """Break text into lines no wider than ``width`` inches (measured, word by word)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if line and text_width(fig, trial, size) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def shorten(text: str, chars: int) -> str:
    """Cut a label to ``chars`` characters with an ellipsis (identifiers stay readable)."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


def line_height(size: float = SMALL_PT, spacing: float = 1.0) -> float:
    """Height of one line of text of ``size`` points, inches."""
    return size * LINE_IN * spacing


def from_top(fig: Figure) -> Transform:
    """Transform of (x, y) in inches from the figure's top-left corner (y downwards).

    Artists placed with it keep their distance from the top when the figure's height changes.
    """
    return Affine2D().scale(1, -1) + fig.dpi_scale_trans + ScaledTranslation(0, 1, fig.transFigure)


def put_text(fig: Figure, x: float, y: float, text: str, **kw: object) -> Text:
    """Text whose top is ``y`` inches below the figure's top, at ``x`` inches from the left."""
    kw.setdefault("va", "top")
    kw.setdefault("fontsize", SMALL_PT)
    return fig.text(x, y, text, transform=from_top(fig), **kw)  # type: ignore[arg-type]


def extent(fig: Figure, artist: Artist) -> tuple[float, float]:
    """(width, height) of a drawn artist (a legend, a text) in inches."""
    box = artist.get_window_extent(fig.canvas.get_renderer())  # type: ignore[attr-defined]
    return box.width / fig.dpi, box.height / fig.dpi


def legend_at(
    fig: Figure,
    handles: list[Artist],
    labels: list[str],
    x: float,
    y: float,
    max_width: float,
) -> tuple[Legend, float]:
    """A legend outside the axes, top-left at (x, y) inches from the figure's top-left, with
    as many columns as fit ``max_width``; returns it and its height in inches."""
    legend = None
    for ncol in range(len(labels), 0, -1):
        if legend is not None:
            legend.remove()
        legend = fig.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(x, y),
            bbox_transform=from_top(fig),
            ncol=ncol,
            borderaxespad=0,
            borderpad=0,
            fontsize=SMALL_PT,
            handlelength=1.5,
            columnspacing=1.2,
        )
        if extent(fig, legend)[0] <= max_width:
            break
    assert legend is not None
    return legend, extent(fig, legend)[1]
