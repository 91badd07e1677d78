"""One result type for every estimate and test: what, how, how many, estimate, CI, p-value."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import polars as pl


def format_p(p: float | None) -> str:
    """Format a p-value as journals print it: 3 significant digits, '<0.001' below 0.001.

    Parameters
    ----------
    p : float or None
        The p-value.

    Returns
    -------
    str
        The formatted value ('' when None).

    Examples
    --------
    >>> format_p(0.04567), format_p(0.0002), format_p(None)
    ('0.0457', '<0.001', '')
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    if p < 0.001:
        return "<0.001"
    return f"{p:.3g}"


def _num(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return "NA"
    return f"{x:.{digits}g}"


@dataclass(frozen=True)
class Result:
    """An estimate or a test, rendered the same way everywhere (console, HTML, tables).

    Parameters
    ----------
    name : str
        What was estimated or tested (e.g. ``"OS by ulceration"``).
    method : str
        How, naming the R function it matches (e.g. ``"log-rank (survival::survdiff)"``).
    n : int or None
        Observations used.
    estimate : float or None
        The point estimate (median, hazard ratio, odds ratio, ...).
    estimate_label : str
        What the estimate is (``"HR"``, ``"median (days)"``).
    ci : tuple of (float or None, float or None), optional
        Confidence interval of the estimate.
    ci_level : float
        Its level.
    statistic : float or None
        The test statistic.
    statistic_label : str
        Its name (``"chi-square"``, ``"z"``, ``"W"``).
    df : float or None
        Degrees of freedom of the statistic.
    p_value : float or None
        Two-sided p-value.
    table : polars.DataFrame or None
        Detail (per group, per term, per time).
    notes : tuple of str
        Anything the reader must know (ties, approximations, data dropped).
    not_estimable : str or None
        Why the estimate (or test) could not be computed, in words a reader can act on
        (``"no events: ..."``, ``"quasi-complete separation: ..."``); None when it was. A
        result that is not estimable has no estimate, interval or p-value of its own; its
        ``table`` may still hold what the method reached (e.g. where R's IRLS stopped).

    Examples
    --------
    >>> r = Result("demo", "t-test", n=10, estimate=1.5, estimate_label="mean difference",
    ...            ci=(0.5, 2.5), p_value=0.01)
    >>> print(r)
    demo: mean difference 1.5 (95% CI 0.5 to 2.5), p = 0.01 [t-test; n = 10]
    >>> print(Result("OS by arm", "log-rank", n=8, not_estimable="no events"))
    OS by arm: not estimable: no events [log-rank; n = 8]
    """

    name: str
    method: str
    n: int | None = None
    estimate: float | None = None
    estimate_label: str = ""
    ci: tuple[float | None, float | None] | None = None
    ci_level: float = 0.95
    statistic: float | None = None
    statistic_label: str = ""
    df: float | None = None
    p_value: float | None = None
    table: pl.DataFrame | None = field(default=None, compare=False)
    notes: tuple[str, ...] = ()
    not_estimable: str | None = None

    @property
    def estimable(self) -> bool:
        """Whether the estimate or test could be computed.

        Returns
        -------
        bool
            False when ``not_estimable`` gives a reason.

        Examples
        --------
        >>> Result("x", "m", not_estimable="no events").estimable
        False
        """
        return self.not_estimable is None

    def __str__(self) -> str:
        parts = []
        if self.not_estimable is not None:
            parts.append(f"not estimable: {self.not_estimable}")
        if self.estimate is not None or (self.estimate_label and self.not_estimable is None):
            text = f"{self.estimate_label} {_num(self.estimate)}".strip()
            if self.ci is not None:
                text += f" ({self.ci_level:.0%} CI {_num(self.ci[0])} to {_num(self.ci[1])})"
            parts.append(text)
        if self.statistic is not None:
            stat = f"{self.statistic_label} = {_num(self.statistic, 4)}"
            if self.df is not None:
                stat += f" on {self.df:g} df"
            parts.append(stat)
        if self.p_value is not None:
            p = format_p(self.p_value)
            parts.append(f"p {p}" if p.startswith("<") else f"p = {p}")
        tail = f"[{self.method}" + (f"; n = {self.n}" if self.n is not None else "") + "]"
        return f"{self.name}: " + ", ".join(parts) + f" {tail}"

    def to_frame(self) -> pl.DataFrame:
        """Return the result as a one-row table (numbers as numbers).

        Returns
        -------
        polars.DataFrame
            Columns name, method, n, estimate_label, estimate, ci_lower, ci_upper, ci_level,
            statistic_label, statistic, df, p_value, not_estimable (the reason, or null).

        Examples
        --------
        >>> Result("x", "m", estimate=2.0, ci=(1.0, 3.0)).to_frame()["ci_upper"][0]
        3.0
        """
        lo, hi = self.ci if self.ci is not None else (None, None)
        return pl.DataFrame(
            {
                "name": [self.name],
                "method": [self.method],
                "n": [self.n],
                "estimate_label": [self.estimate_label],
                "estimate": [self.estimate],
                "ci_lower": [lo],
                "ci_upper": [hi],
                "ci_level": [self.ci_level],
                "statistic_label": [self.statistic_label],
                "statistic": [self.statistic],
                "df": [self.df],
                "p_value": [self.p_value],
                "not_estimable": [self.not_estimable],
            },
            schema={
                "name": pl.String,
                "method": pl.String,
                "n": pl.Int64,
                "estimate_label": pl.String,
                "estimate": pl.Float64,
                "ci_lower": pl.Float64,
                "ci_upper": pl.Float64,
                "ci_level": pl.Float64,
                "statistic_label": pl.String,
                "statistic": pl.Float64,
                "df": pl.Float64,
                "p_value": pl.Float64,
                "not_estimable": pl.String,
            },
        )

    def to_html(self) -> str:
        """Return the result as an HTML fragment (escaped), with its detail table if any.

        Returns
        -------
        str
            A ``<div class="result">`` with the summary line and an optional table.

        Examples
        --------
        >>> text = Result("a < b", "m").to_html()
        >>> text.startswith("<div") and "a &lt; b" in text
        True
        """
        out = [f'<div class="result"><p>{html.escape(str(self))}</p>']
        if self.table is not None and self.table.height:
            out.append(frame_to_html(self.table))
        out.extend(f'<p class="note">{html.escape(n)}</p>' for n in self.notes)
        out.append("</div>")
        return "".join(out)


def frame_to_html(frame: pl.DataFrame, digits: int = 4) -> str:
    """Render a table as escaped HTML (numbers to ``digits`` significant digits).

    Parameters
    ----------
    frame : polars.DataFrame
        The table.
    digits : int
        Significant digits of floating-point numbers.

    Returns
    -------
    str
        A ``<table>`` element.

    Examples
    --------
    >>> frame_to_html(pl.DataFrame({"x": [1.23456]}))
    '<table><thead><tr><th>x</th></tr></thead><tbody><tr><td>1.235</td></tr></tbody></table>'
    """

    def cell(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, float):
            return _num(v, digits)
        return html.escape(str(v))

    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in frame.iter_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
