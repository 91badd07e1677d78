"""The report as data: sections of paragraphs, tables and figures, rendered three ways.

HTML, PDF and XLSX are all rendered from one ``Report``, so the three cannot disagree: a table
is one typed Polars frame whose columns each carry a printing rule (``_format.Column``); HTML and
PDF print ``ReportTable.cells()``, the workbook stores the values with the number formats that
show the same text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl
from matplotlib import pyplot as plt

from remission.report._format import Column, format_number, header_label
from remission.report._render import defer, draw


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
        A footnote (methods, abbreviations): with the title it makes the table readable alone.
    columns : mapping of str to Column
        How each column prints (``remission.report._format``); a column not named is a count
        when it holds whole numbers, a measure when it holds other numbers, text otherwise.
        Columns whose name starts with "_" are not shown (e.g. censoring flags).

    Examples
    --------
    >>> ReportTable("t1", "Table 1", pl.DataFrame({"a": [1]})).frame.height
    1
    """

    key: str
    title: str
    frame: pl.DataFrame
    note: str = ""
    columns: Mapping[str, Column] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        """How column ``name`` prints.

        Parameters
        ----------
        name : str
            A column of ``frame``.

        Returns
        -------
        Column
            Its printing rule (given, or inferred from its type).

        Examples
        --------
        >>> t = ReportTable("t", "T", pl.DataFrame({"n": [1], "x": [0.5], "s": ["a"]}))
        >>> [t.column(c).kind for c in ("n", "x", "s")]
        ['count', 'measure', 'text']
        """
        if name in self.columns:
            return self.columns[name]
        lower = name.lower()
        if lower in ("p", "p value", "p-value") or lower.startswith("p_") or "_p_" in lower:
            return Column("p")
        if lower.endswith(("_pct", "%")):
            return Column("percent")
        if lower in ("or", "hr", "odds_ratio", "hazard_ratio", "smd"):
            return Column("ratio")
        dtype = self.frame.schema[name]
        if dtype.is_integer():
            return Column("count")
        if dtype.is_float():
            return Column("measure")
        return Column("text")

    def shown(self) -> list[str]:
        """The columns a reader sees, in order (hidden helper columns left out).

        Returns
        -------
        list of str
            Column names.

        Examples
        --------
        >>> ReportTable("t", "T", pl.DataFrame({"a": [1], "_c": [True]})).shown()
        ['a']
        """
        return [c for c in self.frame.columns if not c.startswith("_")]

    def headers(self) -> list[str]:
        """The shown columns' headers as a reader reads them (``header_label``).

        Returns
        -------
        list of str
            One label per shown column.

        Examples
        --------
        >>> ReportTable("t", "T", pl.DataFrame({"p_value": [0.1], "n": [1]})).headers()
        ['p', 'n']
        """
        return [header_label(c) for c in self.shown()]

    def cells(self) -> list[list[tuple[object, str, Column, bool]]]:
        """Every shown cell as (value, text, rule, censored), row by row.

        Returns
        -------
        list of list of tuple
            The value as stored, the text every rendering prints, the column's rule, and
            whether a "+" was added.

        Examples
        --------
        >>> t = ReportTable("t", "T", pl.DataFrame({"m": [12.34, None], "_c": [True, False]}),
        ...                 columns={"m": Column("months", "NR", censored_by="_c")})
        >>> [[text for _, text, _, _ in row] for row in t.cells()]
        [['12.3+'], ['NR']]
        """
        names = self.shown()
        rules = [self.column(c) for c in names]
        data = {c: self.frame[c].to_list() for c in self.frame.columns}
        out = []
        for i in range(self.frame.height):
            row = []
            for name, rule in zip(names, rules, strict=True):
                value = data[name][i]
                censored = bool(rule.censored_by and data[rule.censored_by][i])
                text = format_number(value, rule.kind, censored=censored)
                row.append((value, rule.missing if text is None else text, rule, censored))
            out.append(row)
        return out


@dataclass
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
    legend : str
        The rest of the caption: what is shown, N, what marks and bands mean, so the figure
        reads alone.

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
    legend: str = ""

    @classmethod
    def from_matplotlib(
        cls, key: str, title: str, fig: plt.Figure, legend: str = ""
    ) -> ReportFigure:
        """Render a matplotlib figure once, to SVG and PNG, and close it (inside
        ``rendering_batch``, when the batch ends, with the other figures in parallel).

        Parameters
        ----------
        key : str
            File stem and anchor.
        title : str
            Caption.
        fig : matplotlib.figure.Figure
            The figure.
        legend : str
            The rest of the caption (N, symbols, bands).

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
        figure = cls(key, title, "", b"", legend)
        if not defer(figure, fig):  # outside a rendering batch: drawn now
            figure.svg, figure.png = draw(fig)
        return figure


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
    about : list of tuple of (str, str)
        What the report is (study, SYNTHETIC flag, remission version, generation time, command):
        the workbook's README sheet and the documents' metadata.
    files : list of str
        The files written beside the report (``data/adsl.csv``, ...), linked from the HTML.

    Examples
    --------
    >>> Report("Study", True, []).synthetic
    True
    """

    title: str
    synthetic: bool
    sections: list[Section]
    headline: list[tuple[str, str]] = field(default_factory=list)
    about: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def numbers(self) -> dict[str, str]:
        """Each table's and figure's printed label, numbered in reading order.

        Returns
        -------
        dict of str to str
            ``{"table:<key>": "Table 3", "figure:<key>": "Figure 1", ...}``.

        Examples
        --------
        >>> t = ReportTable("a", "A", pl.DataFrame({"x": [1]}))
        >>> Report("S", False, [Section("s", "S", tables=[t])]).numbers()
        {'table:a': 'Table 1'}
        """
        out: dict[str, str] = {}
        for section in self.sections:
            for table in section.tables:
                out[f"table:{table.key}"] = f"Table {sum(k[0] == 't' for k in out) + 1}"
            for figure in section.figures:
                out[f"figure:{figure.key}"] = f"Figure {sum(k[0] == 'f' for k in out) + 1}"
        return out

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
