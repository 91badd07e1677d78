"""Layout checks for any matplotlib figure, at the size it will be printed.

Every check draws the figure once with the Agg renderer and looks at the text actually drawn
(tick labels inside the view, axis labels, titles, legend texts, table cells, annotations):
``Text.draw`` is wrapped for the duration of the draw, so hidden ticks and texts outside their
clip box are not counted, and nothing about the figure has to be known in advance.

>>> from matplotlib.figure import Figure
>>> fig = Figure(figsize=(3, 2))
>>> ax = fig.add_subplot()
>>> _ = ax.text(0.5, 0.5, "one"), ax.text(0.5, 0.5, "two")
>>> text_overlaps(fig)
[('one', 'two')]
"""

from __future__ import annotations

from dataclasses import dataclass
from unittest.mock import patch

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

TOLERANCE_PX = 1.0
"""Boxes may touch: they overlap when they share more than this many pixels each way."""


@dataclass(frozen=True)
class DrawnText:
    """One text as drawn: its string, size in points and window extent (pixels)."""

    text: str
    size: float
    box: Bbox


def drawn_texts(fig: Figure) -> list[DrawnText]:
    """Every non-empty visible text drawn on the figure, with its box in pixels."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    drawn: list[DrawnText] = []
    original = Text.draw

    def spy(self: Text, renderer: object) -> None:
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            box = self.get_window_extent(renderer)
            clip = self.get_clip_box() if self.get_clip_on() else None
            if clip is not None and not box.overlaps(clip):
                return  # clipped away entirely
            drawn.append(DrawnText(self.get_text(), float(self.get_fontsize()), box))

    with patch.object(Text, "draw", spy):
        fig.canvas.draw()
    return drawn


def _overlap(a: Bbox, b: Bbox) -> bool:
    dx = min(a.x1, b.x1) - max(a.x0, b.x0)
    dy = min(a.y1, b.y1) - max(a.y0, b.y0)
    return dx > TOLERANCE_PX and dy > TOLERANCE_PX


def text_overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes intersect by more than ``TOLERANCE_PX`` each way."""
    return _overlaps(drawn_texts(fig))


def _overlaps(texts: list[DrawnText]) -> list[tuple[str, str]]:
    return [
        (a.text, b.text)
        for i, a in enumerate(texts)
        for b in texts[i + 1 :]
        if _overlap(a.box, b.box)
    ]


def outside_figure(fig: Figure) -> list[str]:
    """Texts, legends and axes that reach beyond the figure's edges (by more than 1 px)."""
    return _outside(fig, drawn_texts(fig))


def _outside(fig: Figure, texts: list[DrawnText]) -> list[str]:
    """Like ``outside_figure`` for texts just drawn (the extents below are current)."""
    bound = fig.bbox.padded(TOLERANCE_PX)
    out = [f"text {t.text!r}" for t in texts if not _inside(t.box, bound)]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for ax in fig.axes:
        if not _inside(ax.get_window_extent(renderer), bound):
            out.append(f"axes {ax.get_label() or ax}")
    for legend in fig.findobj(Legend):
        if legend.get_visible() and not _inside(legend.get_window_extent(renderer), bound):
            out.append("legend")
    return out


def _inside(box: Bbox, bound: Bbox) -> bool:
    return box.x0 >= bound.x0 and box.y0 >= bound.y0 and box.x1 <= bound.x1 and box.y1 <= bound.y1


def min_font_pt(fig: Figure) -> float:
    """The smallest font size, in points, among the texts drawn on the figure."""
    return min((t.size for t in drawn_texts(fig)), default=float("inf"))


def layout_problems(fig: Figure, max_width: float = 6.8, max_height: float = 9.0) -> list[str]:
    """Everything wrong with a figure's layout at print size, as sentences (empty when fine)."""
    problems = []
    w, h = fig.get_size_inches()
    if w > max_width + 1e-9 or h > max_height + 1e-9:
        problems.append(f"size {w:.2f} x {h:.2f} in exceeds {max_width} x {max_height} in")
    texts = drawn_texts(fig)
    small = sorted({t.size for t in texts if t.size < 8.0})
    if small:
        problems.append(f"fonts below 8 pt: {small}")
    problems += [f"overlap: {a!r} and {b!r}" for a, b in _overlaps(texts)]
    problems += [f"outside: {what}" for what in _outside(fig, texts)]
    return problems
