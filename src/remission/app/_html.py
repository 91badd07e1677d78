"""HTML pieces of the app, built with htmltools: every value is text, escaped on output.

A patient identifier such as ``<script>alert(1)</script>`` is shown as those characters,
never run: tables, tooltips and headings are tags whose children are strings.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import polars as pl
from htmltools import Tag, TagList, tags
from matplotlib import pyplot as plt

from remission.app._responses import DPI, Hover

ROWS_SHOWN = 500
"""The most rows an HTML table of the app prints (the downloads hold all)."""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def html_table(frame: pl.DataFrame, table_id: str, caption: str = "") -> Tag:
    """A plain HTML table of a frame; every cell is the value's text.

    Parameters
    ----------
    frame : polars.DataFrame
        The rows (at most ``ROWS_SHOWN`` are printed, and a note says so).
    table_id : str
        The table's ``id`` (and ``data-testid``).
    caption : str
        A caption above the table.

    Returns
    -------
    htmltools.Tag
        ``<table>`` with a header row and one row per record.

    Examples
    --------
    >>> print(html_table(pl.DataFrame({"id": ["<b>x</b>"]}), "t"))  # doctest: +NORMALIZE_WHITESPACE
    <table class="table table-sm remission-table" id="t" data-testid="t">
      <thead>
        <tr>
          <th>id</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>&lt;b&gt;x&lt;/b&gt;</td>
        </tr>
      </tbody>
    </table>
    """
    shown = frame.head(ROWS_SHOWN)
    body = [tags.tr(*[tags.td(_text(v)) for v in row]) for row in shown.iter_rows()]
    parts: list = []
    if caption:
        parts.append(tags.caption(caption))
    parts += [tags.thead(tags.tr(*[tags.th(c) for c in frame.columns])), tags.tbody(*body)]
    table = tags.table(
        *parts, class_="table table-sm remission-table", id=table_id, data_testid=table_id
    )
    if frame.height > ROWS_SHOWN:
        note = f"First {ROWS_SHOWN} of {frame.height} rows (the downloads hold every row)."
        return TagList(table, tags.p(note, class_="text-muted small"))
    return table


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], table_id: str) -> Tag:
    """An HTML table of text cells (a report table printed by the report's rules).

    Examples
    --------
    >>> "<td>0.3</td>" in str(text_table(["p"], [["0.3"]], "p"))
    True
    """
    return tags.table(
        tags.thead(tags.tr(*[tags.th(h) for h in headers])),
        tags.tbody(*[tags.tr(*[tags.td(c) for c in row]) for row in rows]),
        class_="table table-sm remission-table",
        id=table_id,
        data_testid=table_id,
    )


def png_bytes(fig: plt.Figure, dpi: float = DPI) -> bytes:
    """The figure as PNG at ``dpi``; the figure is then closed.

    Examples
    --------
    >>> fig, _ = plt.subplots(figsize=(1, 1))
    >>> png_bytes(fig)[:4] == b"\\x89PNG"
    True
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def svg_text(fig: plt.Figure) -> str:
    """The figure as SVG (text as text, fixed element ids); the figure is then closed.

    Examples
    --------
    >>> fig, _ = plt.subplots(figsize=(1, 1))
    >>> svg_text(fig).startswith("<?xml")
    True
    """
    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "remission"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def figure_html(
    png: bytes, size: tuple[float, float], hover: Sequence[Hover], figure_id: str, alt: str
) -> Tag:
    """A figure as an image with a transparent SVG layer of hover shapes over it.

    Each shape carries its tooltip as an SVG ``<title>`` and its patient in
    ``data-patient``; a click on it opens the patient (the page's script).

    Parameters
    ----------
    png : bytes
        The figure drawn at ``DPI``.
    size : tuple of (float, float)
        Its width and height in pixels.
    hover : sequence of Hover
        The shapes, in the image's pixels.
    figure_id : str
        The ``id`` of the figure's container.
    alt : str
        The image's text alternative.

    Returns
    -------
    htmltools.Tag
        ``<div class="remission-figure">`` holding the image and the layer.

    Examples
    --------
    >>> h = [Hover(1, 2, 3, 4, "<p>", "<p>: PR")]
    >>> html = str(figure_html(b"png", (10, 20), h, "f", "A figure"))
    >>> "<title>&lt;p&gt;: PR</title>" in html, 'data-patient="&lt;p&gt;"' in html
    (True, True)
    """
    width, height = size
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    shapes = [
        Tag(
            "rect",
            Tag("title", h.text),
            x=f"{h.x:.1f}",
            y=f"{h.y:.1f}",
            width=f"{h.width:.1f}",
            height=f"{h.height:.1f}",
            class_="remission-hover",
            data_patient=h.patient,
        )
        for h in hover
    ]
    layer = Tag(
        "svg",
        *shapes,
        viewBox=f"0 0 {width:.0f} {height:.0f}",
        preserveAspectRatio="none",
        class_="remission-layer",
    )
    return tags.div(
        tags.img(src=src, alt=alt, width=f"{width:.0f}", height=f"{height:.0f}"),
        layer,
        class_="remission-figure",
        id=figure_id,
        data_testid=figure_id,
    )
