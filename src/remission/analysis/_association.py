"""Chi-square and Wilcoxon rank-sum tests as R computes them; multiplicity adjustment."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy.stats import chi2, norm, rankdata
from statsmodels.stats.multitest import multipletests

from remission.analysis._data import Frame, as_frame, is_frame, label, two_samples
from remission.analysis._fisher import _table_or_data
from remission.analysis._result import Result

ArrayLike = Sequence[object] | np.ndarray | pl.Series

#: R's ``wilcox.test`` computes the exact distribution when both groups are smaller than this.
EXACT_WILCOXON_BELOW = 50
#: Largest n_x * n_y for which an exact p-value is computed on request (``exact=True``);
#: above it (far beyond R's default of both < 50) the normal approximation is used, with a note.
EXACT_WILCOXON_MAX_PRODUCT = 10_000


def chisq_test(
    table: Sequence[Sequence[int]] | np.ndarray | Frame,
    row: str | None = None,
    column: str | None = None,
    correct: bool = True,
    name: str | None = None,
) -> Result:
    """Pearson's chi-square test of independence (R's ``chisq.test``).

    The statistic is the sum over cells of (|O - E| - c)^2 / E with E the expected counts under
    independence. Yates' continuity correction c = min(0.5, |O - E|) is applied only to 2 x 2
    tables with ``correct=True``, as R does; otherwise c = 0. Degrees of freedom (r-1)(c-1).

    Two calling forms, with the same numbers: a count table, ``chisq_test([[12, 5], [7,
    14]])``, or a DataFrame and two column names, ``chisq_test(data, "prior_it", "cr")``
    (R's ``chisq.test(x, y)``: the pairs counted as ``fisher_test`` counts them).

    Parameters
    ----------
    table : array-like of int, or DataFrame
        Counts, rows by columns (at least 2 x 2); with ``row`` and ``column``, the data
        (polars or pandas, one row per subject).
    row, column : str, optional
        With data: the columns whose values make the rows and the columns of the table
        (each needs at least two distinct values, else a ``ValueError`` naming it).
    correct : bool
        Apply Yates' correction to a 2 x 2 table.
    name : str, optional
        What is tested, for the report; "chi-square test" for a count table, "<column> by
        <row>" for data.

    Returns
    -------
    Result
        Statistic, df and p-value; ``table`` has observed and expected counts per cell (rows
        and columns numbered from 1, their labels in ``row_level`` and ``column_level``:
        the values from data, ``row1``, ``col1``, ... for a count table); a note when an
        expected count is below 5 (R's warning "Chi-squared approximation may be
        incorrect") and when rows were left out for a missing value.

    Examples
    --------
    >>> r = chisq_test([[12, 5], [7, 14]])
    >>> round(r.statistic, 4), r.df, round(r.p_value, 4)
    (3.8319, 1.0, 0.0503)
    >>> round(chisq_test([[12, 5], [7, 14]], correct=False).statistic, 4)
    5.2157
    >>> df = pl.DataFrame({"arm": ["a"] * 17 + ["b"] * 21,
    ...                    "cr": [0] * 12 + [1] * 5 + [0] * 7 + [1] * 14})
    >>> chisq_test(df, "arm", "cr").statistic == r.statistic
    True
    """
    counts = _table_or_data("chisq_test", table, row, column, name, "chi-square test")
    x = counts.x.astype(float)
    total = x.sum()
    expected = np.outer(x.sum(axis=1), x.sum(axis=0)) / total
    yates = 0.0
    method = "Pearson's chi-square test (stats::chisq.test)"
    if correct and x.shape == (2, 2):
        yates = float(min(0.5, np.min(np.abs(x - expected))))
        method = "Pearson's chi-square test with Yates' continuity correction (stats::chisq.test)"
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = float(np.sum((np.abs(x - expected) - yates) ** 2 / expected))
    df = float((x.shape[0] - 1) * (x.shape[1] - 1))
    rows, cols = np.indices(x.shape)
    row_labels = np.array(counts.row_labels, dtype=object)
    col_labels = np.array(counts.column_labels, dtype=object)
    cells = pl.DataFrame(
        {
            "row": rows.ravel() + 1,
            "column": cols.ravel() + 1,
            "row_level": row_labels[rows.ravel()].tolist(),
            "column_level": col_labels[cols.ravel()].tolist(),
            "observed": x.ravel(),
            "expected": expected.ravel(),
        },
        schema_overrides={"row_level": pl.String, "column_level": pl.String},
    )
    small = int(np.sum(expected < 5))
    notes = (
        (
            f"Chi-squared approximation may be incorrect: {small} of {expected.size} expected "
            f"counts below 5 (smallest {expected.min():.3g}); consider Fisher's exact test",
        )
        if small
        else ()
    )
    return Result(
        name=counts.name,
        method=method,
        n=int(total),
        statistic=stat,
        statistic_label="chi-square",
        df=df,
        p_value=float(chi2.sf(stat, df)),
        table=cells,
        notes=counts.notes + notes,
    )


def _finite_values(values: ArrayLike) -> np.ndarray:
    if isinstance(values, pl.Series):
        values = values.cast(pl.Float64).to_numpy()
    a = np.array([np.nan if v is None else v for v in values], dtype=float)
    return a[np.isfinite(a)]


def _wilcoxon_counts(m: int, n: int) -> np.ndarray:
    """Number of arrangements giving each value 0..m*n of the Mann-Whitney W (R's cwilcox).

    Counts c(k; i, j) = c(k - j; i - 1, j) + c(k; i, j - 1), built up one observation at a
    time; only additions, so the counts keep full relative precision.
    """
    size = m * n + 1
    # cur[i] holds c(.; i, j) for the current j
    cur = np.zeros((m + 1, size))
    cur[:, 0] = 1.0
    for j in range(1, n + 1):
        new = np.zeros_like(cur)
        new[0, 0] = 1.0
        for i in range(1, m + 1):
            new[i, j:] = new[i - 1, :-j] if j else new[i - 1]
            new[i] += cur[i]
        cur = new
    return cur[m]


def _exact_p(w: float, m: int, n: int) -> float:
    counts = _wilcoxon_counts(m, n)
    total = counts.sum()
    if w > m * n / 2:
        p = counts[int(np.ceil(w)) :].sum() / total  # P(W >= w)
    else:
        p = counts[: int(np.floor(w)) + 1].sum() / total  # P(W <= w)
    return float(min(2 * p, 1.0))


def wilcoxon_test(
    x: ArrayLike | Frame,
    y: ArrayLike | None = None,
    exact: bool | None = None,
    correct: bool = True,
    name: str | None = None,
    *,
    value: str | None = None,
    by: str | None = None,
) -> Result:
    """Wilcoxon rank-sum (Mann-Whitney) test of two independent samples (R's ``wilcox.test``).

    Two calling forms, with the same numbers: two samples, ``wilcoxon_test(x, y)``, or a
    DataFrame, a value column and a grouping column, ``wilcoxon_test(data, value="doses",
    by="cr")`` (R's ``wilcox.test(doses ~ cr, data)``): rows missing either column are left
    out, ``by`` must then take exactly two values (else a ``ValueError`` naming it), and x
    is the first of them in R's factor order (an ``Enum``'s first category, False, the
    smaller number, the first text in sorted order).

    W is the rank sum of ``x`` (mid-ranks for ties) minus n_x (n_x + 1) / 2, R's statistic.
    The exact null distribution is used when ``exact`` is True, or None with both samples
    smaller than 50, and there are no ties (R 4.2's rule; with ties R warns and approximates);
    an explicit ``exact=True`` beyond n_x n_y = 10,000 also falls back, with a note.
    Otherwise the normal approximation with the tie-corrected variance
    n_x n_y / 12 ((N + 1) - sum(t^3 - t) / (N (N - 1))) is used, with a continuity correction
    of 0.5 toward zero when ``correct``. Missing and non-finite values are dropped.

    Parameters
    ----------
    x, y : array-like of float
        The two samples (W refers to ``x``). With ``value`` and ``by``, ``x`` is the data
        (polars or pandas, one row per subject) and ``y`` is not given.
    exact : bool or None
        Force (True) or forbid (False) the exact p-value; None chooses as R does.
    correct : bool
        Continuity correction of the normal approximation.
    name : str, optional
        What is compared, for the report; "Wilcoxon rank-sum test" for samples, "<value>
        by <by>" for data.
    value : str, optional
        With data: the column of the values compared.
    by : str, optional
        With data: the column of the two groups.

    Returns
    -------
    Result
        W, two-sided p-value; the method says exact or normal approximation (and whether
        corrected); ``table`` has n, median and rank sum per sample. Not estimable (no
        p-value, the reason in ``not_estimable``) when a sample has no value or every value
        is the same (R: p-value NaN).

    Examples
    --------
    >>> r = wilcoxon_test([1.1, 2.3, 3.5, 7.2], [4.0, 5.1, 6.3, 8.4, 9.9])
    >>> r.statistic, round(r.p_value, 4), r.method
    (3.0, 0.1111, 'Wilcoxon rank sum exact test (stats::wilcox.test)')
    >>> r = wilcoxon_test([1, 2, 2, 7], [4, 5, 6, 8, 9])
    >>> r.statistic, round(r.p_value, 4)
    (3.0, 0.1099)

    The same samples as a value column and a grouping column:

    >>> df = pl.DataFrame({"doses": [1, 2, 2, 7, 4, 5, 6, 8, 9],
    ...                    "cr": ["N"] * 4 + ["Y"] * 5})
    >>> r2 = wilcoxon_test(df, value="doses", by="cr")
    >>> r2.statistic == r.statistic, r2.p_value == r.p_value, r2.name
    (True, True, 'doses by cr')
    >>> r2.table["sample"].to_list()
    ['cr=N', 'cr=Y']
    """
    samples = ("x", "y")
    notes: list[str] = []
    if is_frame(x):
        if y is not None or value is None or by is None:
            raise ValueError(
                "with a DataFrame, name the columns: wilcoxon_test(data, value=..., by=...)"
            )
        first, second, groups, dropped = two_samples(as_frame(x), value, by)
        x, y = first, second
        samples = (f"{by}={label(groups[0])}", f"{by}={label(groups[1])}")
        if name is None:
            name = f"{value} by {by}"
        if dropped:
            notes.append(f"{dropped} rows with a missing {value} or {by} left out")
    elif value is not None or by is not None:
        raise ValueError("value and by name columns: pass the DataFrame first")
    elif y is None:
        raise ValueError("wilcoxon_test needs two samples, or data with value= and by=")
    if name is None:
        name = "Wilcoxon rank-sum test"
    a, b = _finite_values(x), _finite_values(y)
    nx, ny = a.size, b.size
    if nx == 0 or ny == 0:
        reason = f"a sample without values (n_x = {nx}, n_y = {ny})"
        return Result(
            name=name,
            method="Wilcoxon rank sum test (stats::wilcox.test)",
            n=nx + ny,
            statistic_label="W",
            notes=(*notes, f"not estimable: {reason}"),
            not_estimable=reason,
        )
    ranks = rankdata(np.concatenate([a, b]))
    w = float(ranks[:nx].sum() - nx * (nx + 1) / 2)
    _, tie_sizes = np.unique(ranks, return_counts=True)
    ties = bool(np.any(tie_sizes > 1))
    use_exact = (
        (nx < EXACT_WILCOXON_BELOW and ny < EXACT_WILCOXON_BELOW) if exact is None else exact
    )
    if use_exact and nx * ny > EXACT_WILCOXON_MAX_PRODUCT:
        notes.append(
            f"exact distribution not computed for n_x n_y = {nx * ny} > "
            f"{EXACT_WILCOXON_MAX_PRODUCT}: normal approximation used"
        )
        use_exact = False
    if use_exact and not ties:
        method = "Wilcoxon rank sum exact test (stats::wilcox.test)"
        p = _exact_p(w, nx, ny)
    else:
        if use_exact:
            notes.append("cannot compute exact p-value with ties: normal approximation used")
        big_n = nx + ny
        z = w - nx * ny / 2
        sigma = np.sqrt(
            (nx * ny / 12)
            * ((big_n + 1) - np.sum(tie_sizes**3 - tie_sizes) / (big_n * (big_n - 1)))
        )
        correction = float(np.sign(z) * 0.5) if correct else 0.0
        if sigma > 0:
            z = (z - correction) / sigma
            p = float(2 * min(norm.cdf(z), norm.sf(z)))
        else:  # every value tied: R's z is 0/0 and its p-value NaN
            p = None
        method = "Wilcoxon rank sum test" + (" with continuity correction" if correct else "")
        method += " (stats::wilcox.test)"
    table = pl.DataFrame(
        {
            "sample": list(samples),
            "n": [nx, ny],
            "median": [float(np.median(a)), float(np.median(b))],
            "rank_sum": [float(ranks[:nx].sum()), float(ranks[nx:].sum())],
        }
    )
    reason = None if p is not None else f"all {nx + ny} values are equal: no ranks to compare"
    return Result(
        name=name,
        method=method,
        n=nx + ny,
        statistic=w,
        statistic_label="W",
        p_value=p,
        table=table,
        notes=tuple(notes) + ((f"not estimable: {reason}",) if reason else ()),
        not_estimable=reason,
    )


_METHODS = {"holm": "holm", "bh": "fdr_bh", "fdr": "fdr_bh", "bonferroni": "bonferroni"}


def p_adjust(pvalues: ArrayLike, method: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons (R's ``p.adjust``).

    ``"holm"``: Holm's step-down family-wise error control; ``"BH"`` (or ``"fdr"``):
    Benjamini-Hochberg false discovery rate; ``"bonferroni"``. Missing values (None, NaN) stay
    missing and do not count as tests, as in R.

    Parameters
    ----------
    pvalues : array-like of float
        Raw p-values.
    method : str
        ``"holm"``, ``"BH"``, ``"fdr"`` or ``"bonferroni"``.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order.

    Examples
    --------
    >>> p_adjust([0.01, 0.04, 0.03, None], "holm").tolist()
    [0.03, 0.06, 0.06, nan]
    >>> p_adjust([0.01, 0.04, 0.03], "BH").round(4).tolist()
    [0.03, 0.04, 0.04]
    """
    key = method.lower()
    if key not in _METHODS:
        raise ValueError(f"unknown method {method!r}; use one of holm, BH, fdr, bonferroni")
    p = np.array([np.nan if v is None else v for v in pvalues], dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method=_METHODS[key])[1]
    return out
