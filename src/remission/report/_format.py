"""The report's one number-formatting policy (AMA Manual of Style, 11th ed., ch. 19-20).

Every number the report prints goes through ``format_number`` (HTML, PDF and the headline) or
``excel_format`` (the workbook's number format codes, which display the same text), so a value
cannot be printed two ways. The policy, stated for readers in ``docs/report.md``:

========== ======================================== ==========================================
kind       shown as                                 e.g.
========== ======================================== ==========================================
count      whole number; thousands grouped from     33, 409, 1479, 12,000
           10,000 on
percent    one decimal, value in percentage points  8.1
p          two decimals; three below 0.01 and       0.002, 0.03, 0.047, 0.27, <0.001, >0.99
           from 0.045 to 0.05 (so rounding never
           crosses 0.05); "<0.001" below 0.001,
           ">0.99" above 0.99 (AMA 11th ed. 19.5)
months     one decimal; "+" when censored; "NR"     135.5, 148.4+, NR
           when a median or limit is not reached
years      one decimal                              7.1
decimal    one decimal (means, medians and          7.3, 14.0
           quartiles of counts)
ratio      two decimals (odds and hazard ratios,    0.15, 1.23, 12.40
           standardised differences)
measure    three significant digits, no exponent    5420, 0.0114, 16.2
           below 10^6 (laboratory values, fold
           changes, concentrations)
text       as written                               melanoma
========== ======================================== ==========================================

Missing values print as an en dash unless the column says otherwise ("NR").
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "percent", "p", "months", "years", "decimal", "ratio", "measure", "text"]
KINDS: tuple[str, ...] = (
    "count",
    "percent",
    "p",
    "months",
    "years",
    "decimal",
    "ratio",
    "measure",
    "text",
)

MISSING = "–"
"""What an empty cell prints (an en dash: 'not applicable or not available')."""
NOT_REACHED = "NR"
"""A median or confidence limit the Kaplan-Meier curve does not reach."""

P_FLOOR = 0.001
P_CEILING = 0.99
_GROUP_FROM = 10_000


@dataclass(frozen=True)
class Column:
    """How one table column is printed.

    Parameters
    ----------
    kind : str
        One of ``KINDS`` (see the module's table).
    missing : str
        What a missing value prints ("NR" for medians not reached).
    censored_by : str or None
        A boolean column of the same table: where it is true the value gets a "+" (ongoing).

    Examples
    --------
    >>> Column("months", missing="NR").missing
    'NR'
    """

    kind: Kind = "text"
    missing: str = MISSING
    censored_by: str | None = None


def _p_decimals(p: float) -> int:
    """AMA 11th ed. 19.5: 3 decimals below 0.01, and where 2 would round up to the 0.05
    threshold (0.045 <= p < 0.05); 2 decimals otherwise."""
    return 3 if p < 0.01 or 0.045 <= p < 0.05 else 2


def _round_half_up(value: float, decimals: int) -> float:
    """Round as a typesetter (and Excel) does: halves away from zero, not to even."""
    scaled = abs(value) * 10**decimals
    rounded = math.floor(scaled + 0.5 + 1e-9) / 10**decimals
    return math.copysign(rounded, value)


def _fixed(value: float, decimals: int) -> str:
    return f"{_round_half_up(value, decimals):.{decimals}f}"


def _measure_decimals(value: float) -> int:
    """Decimals giving three significant digits (no fewer than 0)."""
    rounded = abs(_round_half_up(value, 12))
    if rounded == 0:
        return 0
    return max(0, 2 - math.floor(math.log10(rounded)))


def format_number(value: object, kind: str = "text", *, censored: bool = False) -> str | None:
    """The text a value prints as, by the report's policy; None for a missing value.

    Parameters
    ----------
    value : object
        The value (int, float, bool, date or text).
    kind : str
        How to print it: one of ``KINDS``.
    censored : bool
        Append "+" (an ongoing duration).

    Returns
    -------
    str or None
        The text, or None when the value is missing (the caller prints the column's
        ``missing`` text).

    Examples
    --------
    >>> [format_number(p, "p") for p in (0.00203, 0.0349, 0.0468, 0.27, 0.0002, 0.999)]
    ['0.002', '0.03', '0.047', '0.27', '<0.001', '>0.99']
    >>> format_number(8.0685, "percent"), format_number(4518 / 30.4375, "months", censored=True)
    ('8.1', '148.4+')
    >>> format_number(12000, "count"), format_number(5420.0, "measure"), format_number(None)
    ('12,000', '5420', None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if kind == "text" or not isinstance(value, int | float):
        return str(value)
    x = float(value)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    plus = "+" if censored else ""
    if kind == "count":
        n = round(x)
        return (f"{n:,}" if abs(n) >= _GROUP_FROM else str(n)) + plus
    if kind == "p":
        if x < P_FLOOR:
            return "<0.001"
        if x > P_CEILING:
            return ">0.99"
        return _fixed(x, _p_decimals(x))
    if kind in ("percent", "months", "years", "decimal"):
        return _fixed(x, 1) + plus
    if kind == "ratio":
        return _fixed(x, 2) + plus
    if kind == "measure":
        if abs(x) >= 1e6:
            return f"{x:.3g}"
        return _fixed(x, _measure_decimals(x)) + plus
    raise ValueError(f"unknown number kind {kind!r}; use one of {', '.join(KINDS)}")


def excel_format(value: object, kind: str, *, censored: bool = False) -> str | None:
    """The Excel number format code that shows ``value`` as ``format_number`` prints it.

    The workbook keeps the value itself (full precision, sortable) and displays the policy's
    text; None for text cells and missing values.

    Parameters
    ----------
    value : object
        The cell's value.
    kind : str
        The column's kind.
    censored : bool
        Show a "+" after the number.

    Returns
    -------
    str or None
        An Excel number format, e.g. ``'0.0'``, ``'0.000'`` or ``'"<0.001"'``.

    Examples
    --------
    >>> excel_format(0.00203, "p"), excel_format(0.27, "p"), excel_format(0.0002, "p")
    ('0.000', '0.00', '"<0.001"')
    >>> excel_format(148.4, "months", censored=True)
    '0.0"+"'
    """
    if kind == "text" or not isinstance(value, int | float) or isinstance(value, bool):
        return None
    x = float(value)
    if math.isnan(x) or math.isinf(x):
        return None
    plus = '"+"' if censored else ""
    if kind == "count":
        return ("#,##0" if abs(x) >= _GROUP_FROM else "0") + plus
    if kind == "p":
        if x < P_FLOOR:
            return '"<0.001"'
        if x > P_CEILING:
            return '">0.99"'
        return "0." + "0" * _p_decimals(x)
    if kind in ("percent", "months", "years", "decimal"):
        return "0.0" + plus
    if kind == "ratio":
        return "0.00" + plus
    if kind == "measure":
        if abs(x) >= 1e6:
            return "0.00E+00"
        decimals = _measure_decimals(x)
        return ("0." + "0" * decimals if decimals else "0") + plus
    raise ValueError(f"unknown number kind {kind!r}; use one of {', '.join(KINDS)}")


def format_p(p: float | None) -> str:
    """A p-value for running text: "p = 0.002", "p < 0.001".

    Parameters
    ----------
    p : float or None
        The p-value.

    Returns
    -------
    str
        The phrase.

    Examples
    --------
    >>> format_p(0.00027), format_p(0.0349), format_p(None)
    ('p < 0.001', 'p = 0.03', 'p not available')
    """
    text = format_number(p, "p")
    if text is None:
        return "p not available"
    if text[0] in "<>":
        return f"p {text[0]} {text[1:]}"
    return f"p = {text}"


HUMAN_LABELS = {
    "lymph_node": "lymph node",
    "soft_tissue": "soft tissue",
    "NON-CR/NON-PD": "non-CR/non-PD",
    "MISSING": "NE",
}
"""Codes that read differently in a report; everything else prints as written, with
underscores as spaces."""


def human(code: object) -> str:
    """The reader's word for a code (``lymph_node`` -> ``lymph node``; MISSING -> NE).

    Parameters
    ----------
    code : object
        A code from the data.

    Returns
    -------
    str
        Its label.

    Examples
    --------
    >>> human("lymph_node"), human("MISSING"), human("CR")
    ('lymph node', 'NE', 'CR')
    """
    text = str(code)
    return HUMAN_LABELS.get(text, text.replace("_", " "))


HEADER_LABELS = {
    "p_value": "p",
    "p_holm": "p (Holm)",
    "p_bh": "p (BH)",
    "dfr_p_adjusted": "p (DFR, adjusted)",
    "n_replicates": "replicates",
    "e_t_ratio": "E:T ratio",
    "ec50": "EC50",
    "ec50_lower": "EC50 95% CI, lower",
    "ec50_upper": "EC50 95% CI, upper",
    "ci_lower": "95% CI, lower",
    "ci_upper": "95% CI, upper",
    "r_squared": "R²",
    "odds_ratio": "odds ratio",
    "smd": "SMD",
    "hla": "HLA",
    "sha256": "SHA-256",
    "spontaneous_pct": "spontaneous %",
    "lysis_pct": "lysis %",
    "lysis_sd": "lysis SD",
    "max_fold": "max fold",
    "estimate_label": "estimate",
    "member_type": "member",
    "first_report": "first report",
    "more_rows": "more rows",
}
"""Column names that read differently as headers; others print with underscores as spaces."""


def header_label(name: str) -> str:
    """A column's header as a reader reads it (``p_value`` -> p, ``n_replicates`` ->
    replicates).

    Parameters
    ----------
    name : str
        The column name.

    Returns
    -------
    str
        The header.

    Examples
    --------
    >>> header_label("p_holm"), header_label("first_report"), header_label("median (months)")
    ('p (Holm)', 'first report', 'median (months)')
    """
    return HEADER_LABELS.get(name, name.replace("_", " "))
