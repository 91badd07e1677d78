"""The report as data: sections of paragraphs, tables and figures, rendered three ways.

HTML, PDF and XLSX are all rendered from one ``Report``, so the three cannot disagree: a table
is one typed Polars frame, formatted for display by one function (``display_value``).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import polars as pl
from matplotlib import pyplot as plt


def display_value(value: object) -> str:
    """The text a report shows for a table cell (HTML and PDF use the same rule).

    Floats: integers without decimals, otherwise 3 significant digits (at least one decimal
    for values >= 100 is dropped); missing values blank; everything else as text.

    Parameters
    ----------
    value : object
        A cell.

    Returns
    -------
    str
        Its display text.

    Examples
    --------
    >>> display_value(8.0685), display_value(33.0), display_value(0.00201), display_value(None)
    ('8.07', '33', '0.00201', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if abs(value) >= 100:
            return f"{value:.0f}"
        return f"{value:.3g}"
    return str(value)


@dataclass(frozen=True)
class ReportTable:
    """A table of the report (numbers as numbers).

    Parameters
    ----------
    key : str
        Identifier: HTML anchor and XLSX sheet name (at most 31 characters, unique).
    title : str
        Caption.
    frame : polars.DataFrame
        The content.
    note : str
        A footnote (methods, abbreviations).

    Examples
    --------
    >>> ReportTable("t1", "Table 1", pl.DataFrame({"a": [1]})).frame.height
    1
    """

    key: str
    title: str
    frame: pl.DataFrame
    note: str = ""


@dataclass(frozen=True)
class ReportFigure:
    """A figure of the report, kept as SVG text and PNG bytes.

    Parameters
    ----------
    key : str
        File stem and anchor.
    title : str
        Caption.
    svg : str
        The SVG document.
    png : bytes
        The PNG image (150 dpi).

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> f = ReportFigure.from_matplotlib("x", "X", fig)
    >>> f.svg.lstrip().startswith("<svg"), f.png[:4] == b"\\x89PNG"
    (True, True)
    """

    key: str
    title: str
    svg: str
    png: bytes

    @classmethod
    def from_matplotlib(cls, key: str, title: str, fig: plt.Figure) -> ReportFigure:
        """Render a matplotlib figure once, to SVG and PNG, and close it.

        Parameters
        ----------
        key : str
            File stem and anchor.
        title : str
            Caption.
        fig : matplotlib.figure.Figure
            The figure.

        Returns
        -------
        ReportFigure
            The rendered figure.

        Examples
        --------
        >>> fig, _ = plt.subplots()
        >>> ReportFigure.from_matplotlib("k", "T", fig).key
        'k'
        """
        svg_buf, png_buf = io.StringIO(), io.BytesIO()
        fig.savefig(svg_buf, format="svg", bbox_inches="tight", metadata={"Date": None})
        fig.savefig(png_buf, format="png", dpi=150, bbox_inches="tight")
        plt.close(fig)
        svg = svg_buf.getvalue()
        svg = svg[svg.index("<svg") :]  # inline: no XML declaration or doctype
        return cls(key, title, svg, png_buf.getvalue())


@dataclass
class Section:
    """One section of the report, in reading order.

    Parameters
    ----------
    key : str
        Anchor.
    title : str
        Heading.
    paragraphs : list of str
        Text (plain; escaped when rendered).
    tables : list of ReportTable
        Tables.
    figures : list of ReportFigure
        Figures.
    notes : list of str
        What the section could not show and why (e.g. no dose ledger).

    Examples
    --------
    >>> Section("a", "A").notes
    []
    """

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    figures: list[ReportFigure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """A whole report.

    Parameters
    ----------
    title : str
        Study name.
    synthetic : bool
        Whether the data are synthetic (a banner says so on every page).
    sections : list of Section
        In the order of a clinical paper.
    headline : list of tuple of (str, str)
        The few numbers a reader wants first (printed by ``remission demo``).

    Examples
    --------
    >>> Report("Study", True, []).synthetic
    True
    """

    title: str
    synthetic: bool
    sections: list[Section]
    headline: list[tuple[str, str]] = field(default_factory=list)

    def tables(self) -> list[ReportTable]:
        """Every table, in order.

        Returns
        -------
        list of ReportTable
            All sections' tables.

        Examples
        --------
        >>> Report("S", False, [Section("a", "A")]).tables()
        []
        """
        return [t for s in self.sections for t in s.tables]

    def figures(self) -> list[ReportFigure]:
        """Every figure, in order.

        Returns
        -------
        list of ReportFigure
            All sections' figures.

        Examples
        --------
        >>> Report("S", False, [Section("a", "A")]).figures()
        []
        """
        return [f for s in self.sections for f in s.figures]
