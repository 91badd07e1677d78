"""HTML pieces of the app: every value is text, escaped on output.

A patient identifier such as ``<script>alert(1)</script>`` is shown as those characters,
never run: headings and tooltips are htmltools tags whose children are strings; tables,
hundreds of rows, are written by ``table_html`` with every cell and attribute escaped by
``html.escape`` (htmltools builds 6,000 cells in seconds, a string join in milliseconds).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

import polars as pl
from htmltools import HTML, Tag, TagList, tags
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


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())


def table_html(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    attrs: dict[str, str],
    header_attrs: Sequence[dict[str, str]] | None = None,
    row_attrs: Sequence[dict[str, str]] | None = None,
) -> HTML:
    """An HTML table whose every header, cell and attribute value is escaped text.

    Parameters
    ----------
    headers : sequence of str
        Column headers.
    rows : sequence of sequence
        The cells, row by row (``None`` prints empty, floats as ``%g``).
    attrs : dict of str to str
        Attributes of ``<table>``.
    header_attrs, row_attrs : sequence of dict, optional
        Attributes of each ``<th>`` and of each ``<tr>`` of the body.

    Returns
    -------
    htmltools.HTML
        The table.

    Examples
    --------
    >>> html = str(table_html(["id"], [["<b>x</b>"]], {"id": "t"}, row_attrs=[{"data-p": '"q'}]))
    >>> html[html.index("<tbody>") :]
    '<tbody><tr data-p="&quot;q"><td>&lt;b&gt;x&lt;/b&gt;</td></tr></tbody></table>'
    """
    heads = "".join(
        f"<th{_attrs(header_attrs[i]) if header_attrs else ''}>{html.escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        f"<tr{_attrs(row_attrs[i]) if row_attrs else ''}>"
        + "".join(f"<td>{html.escape(_text(v))}</td>" for v in row)
        + "</tr>"
        for i, row in enumerate(rows)
    )
    return HTML(
        f"<table{_attrs(attrs)}><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>"
    )


def html_table(frame: pl.DataFrame, table_id: str) -> HTML | TagList:
    """A plain HTML table of a frame; every cell is the value's text.

    Parameters
    ----------
    frame : polars.DataFrame
        The rows (at most ``ROWS_SHOWN`` are printed, and a note says so).
    table_id : str
        The table's ``id`` (and ``data-testid``).

    Returns
    -------
    htmltools.HTML or htmltools.TagList
        ``<table>`` with a header row and one row per record (and the note).

    Examples
    --------
    >>> html = str(html_table(pl.DataFrame({"id": ["<b>x</b>"]}), "t"))
    >>> html[: html.index("<thead>")], "<td>&lt;b&gt;x&lt;/b&gt;</td>" in html
    ('<table class="table table-sm remission-table" id="t" data-testid="t">', True)
    """
    attrs = {"class": "table table-sm remission-table", "id": table_id, "data-testid": table_id}
    table = table_html(frame.columns, list(frame.head(ROWS_SHOWN).iter_rows()), attrs)
    if frame.height > ROWS_SHOWN:
        note = f"First {ROWS_SHOWN} of {frame.height} rows (the downloads hold every row)."
        return TagList(table, tags.p(note, class_="text-muted small"))
    return table


def cohort_table_html(
    adsl: pl.DataFrame,
    columns: Sequence[str],
    sort_by: str = "USUBJID",
    descending: bool = False,
    rows: int = ROWS_SHOWN,
) -> TagList:
    """The cohort table: sortable by a click on a column's header, a row opens its patient.

    Parameters
    ----------
    adsl : polars.DataFrame
        The (filtered) ADSL.
    columns : sequence of str
        The columns shown (those the ADSL has).
    sort_by : str
        The column the rows are sorted by (missing values last), then ``USUBJID``.
    descending : bool
        Largest first.
    rows : int
        The most rows shown; a note says how many there are.

    Returns
    -------
    htmltools.TagList
        ``<table id="cohort-table">``: headers carry ``data-sort`` (the page's script turns
        a click into the input ``cohort_sort``), rows carry ``data-patient``; and the note.

    Examples
    --------
    >>> adsl = pl.DataFrame({"USUBJID": ["b", "a", "c"], "AGE": [50.0, None, 40.0]})
    >>> html = str(cohort_table_html(adsl, ["USUBJID", "AGE"], "AGE", rows=2))
    >>> html.index('data-patient="c"') < html.index('data-patient="b"')
    True
    >>> 'data-patient="a"' in html  # no age: sorted last, beyond the 2 rows shown
    False
    >>> "First 2 of 3 patients, by AGE" in html
    True
    """
    shown = [c for c in columns if c in adsl.columns]
    order = adsl.sort([sort_by, "USUBJID"], descending=[descending, False], nulls_last=True)
    cells = list(order.select(shown).head(rows).iter_rows())
    arrow = " ▼" if descending else " ▲"
    table = table_html(
        [c + (arrow if c == sort_by else "") for c in shown],
        cells,
        {
            "class": "table table-sm table-hover remission-table remission-cohort",
            "id": "cohort-table",
            "data-testid": "cohort-table",
        },
        header_attrs=[{"data-sort": c, "role": "button", "title": "sort"} for c in shown],
        row_attrs=[{"data-patient": str(row[0])} for row in cells],
    )
    n = adsl.height
    what = f"First {rows} of {n} patients" if n > rows else f"{n} patients"
    note = f"{what}, by {sort_by}{' (descending)' if descending else ''}"
    if n > rows:
        note += "; the downloads hold every patient"
    return TagList(tags.div(table, class_="remission-scroll"), tags.p(note + ".", class_="small"))


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], table_id: str) -> HTML:
    """An HTML table of text cells (a report table printed by the report's rules).

    Parameters
    ----------
    headers : sequence of str
        Column headers.
    rows : sequence of sequence of str
        The cells' text.
    table_id : str
        The table's ``id`` (and ``data-testid``).

    Returns
    -------
    htmltools.HTML
        The table.

    Examples
    --------
    >>> "<td>0.3</td>" in str(text_table(["p"], [["0.3"]], "p"))
    True
    """
    attrs = {"class": "table table-sm remission-table", "id": table_id, "data-testid": table_id}
    return table_html(headers, rows, attrs)


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
        The figure drawn at ``DPI`` as PNG, or as SVG (``svg_text``, encoded): the view's
        figures are SVG, drawn in about 40 % of the CPU time of a PNG.
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
    mime = "image/svg+xml" if png.startswith(b"<?xml") else "image/png"
    src = f"data:{mime};base64," + base64.b64encode(png).decode("ascii")
    shapes = "".join(
        f'<rect x="{h.x:.1f}" y="{h.y:.1f}" width="{h.width:.1f}" height="{h.height:.1f}"'
        f"{_attrs({'class': 'remission-hover', 'data-patient': h.patient})}>"
        f"<title>{html.escape(h.text)}</title></rect>"
        for h in hover
    )
    layer = (
        f'<svg viewBox="0 0 {width:.0f} {height:.0f}" preserveAspectRatio="none" '
        f'class="remission-layer">{shapes}</svg>'
    )
    image = f'<img src="{src}"{_attrs({"alt": alt})} width="{width:.0f}" height="{height:.0f}"/>'
    return tags.div(
        HTML(image + layer), class_="remission-figure", id=figure_id, data_testid=figure_id
    )
