"""Fisher's exact test: 2 x 2 with the conditional MLE odds ratio, r x c (Freeman-Halton)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.special import gammaln
from scipy.stats import hypergeom, random_table

from remission.analysis._data import Frame, as_frame, count_table, is_frame, label, table_frame
from remission.analysis._result import Result
from remission.analysis._zeroin import EPS, uniroot

#: Largest number of (partial) tables enumerated for an exact r x c p-value; above it the
#: p-value is simulated (``n_simulations`` tables drawn with the observed margins).
MAX_EXACT_TABLES = 5_000_000
# R's fisher.test counts tables at most (1 + 1e-7) times as likely as the observed one (2 x 2)
REL_ERR_2X2 = 1 + 1e-7
# ... and FEXACT (r x c) adds 3.45254e-7 to the observed log-probability
LOG_TOL_RXC = 3.45254e-7


def _counts(table: object) -> np.ndarray:
    if isinstance(table, pl.DataFrame):
        table = table.to_numpy()
    x = np.asarray(table, dtype=float)
    if x.ndim != 2 or min(x.shape) < 2:
        raise ValueError("a contingency table needs at least 2 rows and 2 columns")
    if np.any(x < 0) or np.any(x != np.round(x)) or not np.all(np.isfinite(x)):
        raise ValueError("a contingency table holds non-negative whole counts")
    return x.astype(np.int64)


def _counts_frame(x: np.ndarray) -> pl.DataFrame:
    return pl.DataFrame({f"col{j + 1}": x[:, j] for j in range(x.shape[1])}).insert_column(
        0, pl.Series("row", [f"row{i + 1}" for i in range(x.shape[0])])
    )


@dataclass(frozen=True)
class _Counts:
    """A contingency table from either calling form, with what to show and say about it."""

    x: np.ndarray
    frame: pl.DataFrame
    row_labels: list[str]
    column_labels: list[str]
    name: str
    notes: tuple[str, ...]


def _table_or_data(
    function: str,
    table: object,
    row: str | None,
    column: str | None,
    name: str | None,
    default_name: str,
) -> _Counts:
    """The counts of either calling form: a count table, or data and two column names.

    A count table keeps its numbered labels (``row1``, ``col1``, ...); from data the labels
    are the values, the name defaults to "<column> by <row>" and a note says how many rows a
    missing value left out.
    """
    if row is None and column is None:
        x = _counts(table)
        return _Counts(
            x,
            _counts_frame(x),
            [f"row{i + 1}" for i in range(x.shape[0])],
            [f"col{j + 1}" for j in range(x.shape[1])],
            name if name is not None else default_name,
            (),
        )
    if not (isinstance(row, str) and isinstance(column, str)):
        raise TypeError(
            f"{function}(data, row, column): row and column name two columns of the data "
            f"(got {row!r}, {column!r}); pass other options by keyword"
        )
    if not is_frame(table):
        raise TypeError(
            f"{function}(data, {row!r}, {column!r}): data must be a DataFrame, "
            f"not {type(table).__name__}"
        )
    x, row_levels, col_levels, dropped = count_table(as_frame(table), row, column)
    return _Counts(
        x,
        table_frame(x, row, row_levels, column, col_levels),
        [label(v) for v in row_levels],
        [label(v) for v in col_levels],
        name if name is not None else f"{column} by {row}",
        (f"{dropped} rows with a missing {row} or {column} left out",) if dropped else (),
    )


class _NoncentralHypergeometric:
    """The conditional distribution of x[0, 0] given the margins, as R's fisher.test codes it."""

    def __init__(self, x: np.ndarray) -> None:
        self.m = int(x[:, 0].sum())
        self.n = int(x[:, 1].sum())
        self.k = int(x[0, :].sum())
        self.x = int(x[0, 0])
        self.lo = max(0, self.k - self.n)
        self.hi = min(self.k, self.m)
        self.support = np.arange(self.lo, self.hi + 1)
        self.logdc = hypergeom.logpmf(self.support, self.m + self.n, self.m, self.k)

    def density(self, ncp: float) -> np.ndarray:
        d = self.logdc + np.log(ncp) * self.support
        d = np.exp(d - d.max())
        return d / d.sum()

    def mean(self, ncp: float) -> float:
        if ncp == 0:
            return float(self.lo)
        if np.isinf(ncp):
            return float(self.hi)
        return float(np.sum(self.support * self.density(ncp)))

    def cdf(self, q: int, ncp: float, upper: bool = False) -> float:
        """P(X <= q), or P(X >= q) with ``upper``."""
        total = self.m + self.n
        if ncp == 1:
            if upper:
                return float(hypergeom.sf(self.x - 1, total, self.m, self.k))
            return float(hypergeom.cdf(self.x, total, self.m, self.k))
        if ncp == 0:
            return float(q <= self.lo if upper else q >= self.lo)
        if np.isinf(ncp):
            return float(q <= self.hi if upper else q >= self.hi)
        d = self.density(ncp)
        return float(np.sum(d[self.support >= q] if upper else d[self.support <= q]))

    def p_two_sided(self) -> float:
        d = self.density(1.0)
        return float(np.sum(d[d <= d[self.x - self.lo] * REL_ERR_2X2]))

    def mle(self) -> float:
        x = self.x
        if x == self.lo:
            return 0.0
        if x == self.hi:
            return float("inf")
        mu = self.mean(1.0)
        if mu > x:
            return uniroot(lambda t: self.mean(t) - x, 0.0, 1.0)
        if mu < x:
            return 1 / uniroot(lambda t: self.mean(1 / t) - x, EPS, 1.0)
        return 1.0

    def upper_limit(self, alpha: float) -> float:
        x = self.x
        if x == self.hi:
            return float("inf")
        p = self.cdf(x, 1.0)
        if p < alpha:
            return uniroot(lambda t: self.cdf(x, t) - alpha, 0.0, 1.0)
        if p > alpha:
            return 1 / uniroot(lambda t: self.cdf(x, 1 / t) - alpha, EPS, 1.0)
        return 1.0

    def lower_limit(self, alpha: float) -> float:
        x = self.x
        if x == self.lo:
            return 0.0
        p = self.cdf(x, 1.0, upper=True)
        if p > alpha:
            return uniroot(lambda t: self.cdf(x, t, upper=True) - alpha, 0.0, 1.0)
        if p < alpha:
            return 1 / uniroot(lambda t: self.cdf(x, 1 / t, upper=True) - alpha, EPS, 1.0)
        return 1.0


def _column_compositions(total: int, caps: np.ndarray) -> np.ndarray:
    """Every way to split ``total`` into len(caps) non-negative parts, part i <= caps[i]."""
    parts = np.zeros((1, 0), dtype=np.int64)
    for cap in caps[:-1]:
        used = parts.sum(axis=1)
        room = np.minimum(cap, total - used)
        reps = room + 1
        first = np.repeat(parts, reps, axis=0)
        value = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        parts = np.column_stack([first, value])
    last = total - parts.sum(axis=1)
    keep = last <= caps[-1]
    return np.column_stack([parts[keep], last[keep]])


def _enumeration_size(x: np.ndarray) -> float:
    """An upper bound of the partial tables ``_freeman_halton`` holds at once."""
    if x.shape[0] > x.shape[1]:
        x = x.T
    rows, cols = x.sum(axis=1), np.sort(x.sum(axis=0))
    return float(np.prod([np.prod(np.minimum(rows[:-1], c) + 1.0) for c in cols[:-1]]))


def _freeman_halton(x: np.ndarray) -> float:
    """Exact Freeman-Halton p-value by enumerating every table with the observed margins."""
    if x.shape[0] > x.shape[1]:
        x = x.T
    x = x[:, np.argsort(x.sum(axis=0), kind="stable")]  # the largest column is the free one
    rows, cols = x.sum(axis=1), x.sum(axis=0)
    # log P(table) = const - sum log x_ij!; const from the margins
    const = gammaln(rows + 1).sum() + gammaln(cols + 1).sum() - gammaln(rows.sum() + 1)
    observed = const - gammaln(x + 1).sum()
    used = np.zeros((1, rows.size), dtype=np.int64)
    logp = np.zeros(1)
    for c in cols[:-1]:
        comp = _column_compositions(int(c), rows)
        new = used[:, None, :] + comp[None, :, :]
        ok = np.all(new <= rows, axis=2)
        idx_state, idx_comp = np.nonzero(ok)
        used = new[idx_state, idx_comp]
        logp = logp[idx_state] - gammaln(comp[idx_comp] + 1).sum(axis=1)
    last = rows - used
    logp = const + logp - gammaln(last + 1).sum(axis=1)
    extreme = logp <= observed + LOG_TOL_RXC
    return float(min(1.0, np.exp(logp[extreme]).sum()))


def _simulated(x: np.ndarray, n_simulations: int, seed: int) -> float:
    rows, cols = x.sum(axis=1), x.sum(axis=0)
    draws = random_table(rows, cols, seed=seed).rvs(n_simulations)
    stat = -gammaln(draws + 1).sum(axis=(1, 2))
    observed = -gammaln(x + 1).sum()
    almost_one = 1 + 64 * EPS  # R's chisq/fisher simulate.p.value tolerance
    return float((1 + np.sum(stat <= observed / almost_one)) / (n_simulations + 1))


def fisher_test(
    table: Sequence[Sequence[int]] | np.ndarray | Frame,
    row: str | None = None,
    column: str | None = None,
    conf_level: float = 0.95,
    name: str | None = None,
    n_simulations: int = 100_000,
    seed: int = 20240101,
) -> Result:
    """Fisher's exact test of independence in a contingency table (R's ``fisher.test``).

    Two calling forms, with the same numbers: a count table, ``fisher_test([[12, 5], [7,
    14]])``, or a DataFrame and two column names, ``fisher_test(data, "prior_it", "cr")``,
    which counts the pairs of values first as R's ``fisher.test(x, y)`` does (``table(x,
    y)``: rows with a missing value left out, levels in R's factor order - an ``Enum``'s
    categories, False before True, numbers ascending, text sorted).

    For a 2 x 2 table the two-sided p-value is the sum of the probabilities (hypergeometric,
    margins fixed) of all tables at most (1 + 1e-7) times as probable as the observed one; the
    estimate is the conditional maximum-likelihood odds ratio and the interval the exact
    conditional one, both found by R's root search (``uniroot``, tolerance 1.2e-4), so they
    equal R's printed values. For larger tables the Freeman-Halton p-value is computed by
    enumerating every table with the observed margins (no estimate); when more than
    ``MAX_EXACT_TABLES`` (5 million) partial tables would be needed, the p-value is simulated
    instead (as ``fisher.test(simulate.p.value = TRUE)``) and a note says so.

    Parameters
    ----------
    table : array-like of int, or DataFrame
        Counts, rows by columns (at least 2 x 2). For 2 x 2 the odds ratio is that of the
        second column in the second row against the first row. With ``row`` and ``column``:
        the data (polars or pandas, one row per subject).
    row, column : str, optional
        With data: the columns whose values make the rows and the columns of the table
        (each needs at least two distinct values, else a ``ValueError`` naming it). For
        0/1 or Boolean columns the odds ratio is that of ``column`` = 1 when ``row`` = 1
        against ``row`` = 0.
    conf_level : float
        Level of the odds-ratio interval (2 x 2 only).
    name : str, optional
        What is tested, for the report; "Fisher's exact test" for a count table, "<column>
        by <row>" for data.
    n_simulations : int
        Tables drawn when the exact enumeration is too large.
    seed : int
        Seed of those draws (the result is reproducible).

    Returns
    -------
    Result
        The p-value; for 2 x 2 also the conditional MLE odds ratio and its interval. ``table`` holds
        the counts (from data: the row levels, then a column ``<column>=<level>`` per level);
        a note says how many rows a missing value left out.

    Examples
    --------
    >>> r = fisher_test([[3, 1], [1, 3]])
    >>> round(r.p_value, 4), round(r.estimate, 4)
    (0.4857, 6.4083)
    >>> round(fisher_test([[3, 1, 0], [0, 2, 4]]).p_value, 4)
    0.0333

    The same test from two columns of the data:

    >>> df = pl.DataFrame({"prior": ["N", "N", "N", "Y", "N", "Y", "Y", "Y"],
    ...                    "cr": [0, 0, 0, 0, 1, 1, 1, 1]})
    >>> r2 = fisher_test(df, "prior", "cr")
    >>> r2.p_value == r.p_value, r2.estimate == r.estimate, r2.name
    (True, True, 'cr by prior')
    >>> r2.table.rows()
    [('N', 3, 1), ('Y', 1, 3)]
    """
    counts = _table_or_data("fisher_test", table, row, column, name, "Fisher's exact test")
    x, counts_frame, name, notes = counts.x, counts.frame, counts.name, counts.notes
    n = int(x.sum())
    if x.shape == (2, 2):
        dist = _NoncentralHypergeometric(x)
        alpha = (1 - conf_level) / 2
        return Result(
            name=name,
            method="Fisher's exact test (stats::fisher.test)",
            n=n,
            estimate=dist.mle(),
            estimate_label="odds ratio (conditional MLE)",
            ci=(dist.lower_limit(alpha), dist.upper_limit(alpha)),
            ci_level=conf_level,
            p_value=dist.p_two_sided(),
            table=counts_frame,
            notes=notes,
        )
    method = "Fisher-Freeman-Halton exact test (stats::fisher.test)"
    squeezed = x[x.sum(axis=1) > 0][:, x.sum(axis=0) > 0]
    if min(squeezed.shape) < 2:
        p = 1.0
    elif _enumeration_size(squeezed) <= MAX_EXACT_TABLES:
        p = _freeman_halton(squeezed)
    else:
        p = _simulated(squeezed, n_simulations, seed)
        method = (
            "Fisher-Freeman-Halton test, simulated p-value "
            f"(stats::fisher.test(simulate.p.value = TRUE, B = {n_simulations}))"
        )
        notes = (
            *notes,
            f"more than {MAX_EXACT_TABLES:,} tables to enumerate: p-value from "
            f"{n_simulations:,} tables drawn with the observed margins (seed {seed})",
        )
    return Result(name=name, method=method, n=n, p_value=p, table=counts_frame, notes=notes)
