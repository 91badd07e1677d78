"""The predictors table of the 1998 paper and a tableone-style patient-characteristics table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from remission.analysis._association import p_adjust, wilcoxon_test
from remission.analysis._fisher import fisher_test

KINDS = ("categorical", "continuous")


@dataclass(frozen=True)
class Factor:
    """A candidate predictor or patient characteristic: which column, how to show and test it.

    Parameters
    ----------
    column : str
        Column of the data.
    label : str
        How the report names it (e.g. ``"Prior ipilimumab"``).
    kind : {"categorical", "continuous"}
        Categorical factors are counted per level (Fisher exact tests); continuous ones
        summarised by mean, SEM/SD, median and IQR (Wilcoxon rank-sum test).
    unit : str or None
        Unit of a continuous factor, shown after the label.
    levels : tuple or None
        Order of a categorical factor's levels (default: sorted values seen in the data);
        levels never seen are shown with zero counts, values not listed are an error.

    Examples
    --------
    >>> Factor("age", "Age", "continuous", "years").display
    'Age (years)'
    """

    column: str
    label: str
    kind: Literal["categorical", "continuous"] = "categorical"
    unit: str | None = None
    levels: tuple[object, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Factor kind must be one of {KINDS}, not {self.kind!r}")

    @property
    def display(self) -> str:
        """Label with the unit in parentheses, as a table row shows it.

        Returns
        -------
        str
            ``"label (unit)"`` or the label alone.

        Examples
        --------
        >>> Factor("sex", "Sex").display
        'Sex'
        """
        return f"{self.label} ({self.unit})" if self.unit else self.label


def _levels(factor: Factor, values: pl.Series) -> list[object]:
    seen = values.drop_nulls().unique().sort().to_list()
    if factor.levels is None:
        return seen
    unknown = [v for v in seen if v not in factor.levels]
    if unknown:
        raise ValueError(
            f"{factor.column}: values {unknown} are not among the levels {list(factor.levels)}"
        )
    return list(factor.levels)


def _numbers(values: pl.Series) -> np.ndarray:
    a = values.cast(pl.Float64).to_numpy()
    return a[np.isfinite(a)]


def _missing(values: pl.Series) -> int:
    if values.dtype.is_float():
        return int(values.is_null().sum() + values.is_nan().sum())
    return int(values.is_null().sum())


def _summary(a: np.ndarray) -> dict[str, float | None]:
    """Mean, SD, SEM, median and quartiles (R's quantile type 7) of finite values."""
    if a.size == 0:
        return dict.fromkeys(("mean", "sd", "sem", "median", "q1", "q3"))
    sd = float(np.std(a, ddof=1)) if a.size > 1 else None
    q1, median, q3 = np.percentile(a, [25, 50, 75])
    return {
        "mean": float(a.mean()),
        "sd": sd,
        "sem": sd / math.sqrt(a.size) if sd is not None else None,
        "median": float(median),
        "q1": float(q1),
        "q3": float(q3),
    }


def _fmt(x: float | None, digits: int) -> str:
    return "NA" if x is None else f"{x:.{digits}f}"


def _count_text(n: int, pct: float | None, digits: int) -> str:
    return f"{n}" if pct is None else f"{n} ({pct:.{digits}f}%)"


def _as_text(values: pl.Series) -> list[str | None]:
    return [None if v is None else str(v) for v in values.to_list()]


def _no_values(label: str, n_group: int, n_rest: int) -> str | None:
    """Why a factor cannot be tested for lack of values in a group, or None."""
    if n_group and n_rest:
        return None
    if not n_group and not n_rest:
        return "no values"
    return f"no values among the patients {'with' if not n_group else 'without'} {label}"


def factor_table(
    data: pl.DataFrame,
    outcome: str,
    factors: Sequence[Factor],
    outcome_label: str | None = None,
    adjust: Sequence[str] = (),
    digits: int = 1,
) -> pl.DataFrame:
    """Compare candidate predictors between patients with the outcome and the rest.

    The 1998 paper's table of factors associated with complete response. Two-sided tests:
    Fisher's exact test for a two-level factor (2 x 2), the Freeman-Halton exact test for
    more levels (2 x k), the Wilcoxon rank-sum test for a continuous factor (exact or normal
    approximation as R chooses). Rows with a missing outcome are left out; missing factor
    values are counted, not tested.

    Parameters
    ----------
    data : polars.DataFrame
        One row per patient.
    outcome : str
        Boolean (or 0/1) column: True for the outcome group (e.g. complete response).
    factors : sequence of Factor
        The candidate factors, in the order of the table.
    outcome_label : str or None
        Name of the outcome for the report (default: the column name), in column ``outcome``.
    adjust : sequence of str
        Adjusted p-value columns to add, each a ``p_adjust`` method (``"holm"``, ``"BH"``),
        over the factors tested; named ``p_holm``, ``p_bh``.
    digits : int
        Decimals of the display text.

    Returns
    -------
    polars.DataFrame
        Long layout. For each factor a row with ``row = "factor"`` carrying the test and
        p-value, then (categorical) one ``row = "level"`` row per level. Columns: outcome,
        factor (label and unit), column, kind, row, level; ``n_group`` / ``n_rest`` (factor
        rows: non-missing patients; level rows: patients at the level), ``pct_group`` /
        ``pct_rest`` (level rows: percent of non-missing), ``missing_group`` /
        ``missing_rest``; for continuous factors ``mean_``, ``sem_``, ``median_``, ``q1_``,
        ``q3_`` + ``group`` / ``rest``; display text ``group`` and ``rest`` ("n (%)" or
        "mean ± SEM; median [Q1, Q3]"); ``test``; ``p_value`` and any adjusted p-values;
        ``not_tested`` (factor rows) says why a factor has no test: a single value observed,
        no values in one group, every value equal.

    Examples
    --------
    >>> df = pl.DataFrame({"cr": [True, True, True, False, False, False, False, False],
    ...                    "prior_ifn": [0, 0, 1, 1, 1, 1, 0, 1],
    ...                    "age": [41.0, 45.0, 38.0, 52.0, 60.0, 48.0, 55.0, None]})
    >>> t = factor_table(df, "cr", [Factor("prior_ifn", "Prior interferon"),
    ...                             Factor("age", "Age", "continuous", "years")])
    >>> for row in t.select("factor", "level", "group", "rest", "test").rows():
    ...     print(*row, sep=" | ")
    Prior interferon | None |  |  | Fisher exact
    Prior interferon | 0 | 2 (66.7%) | 1 (20.0%) | None
    Prior interferon | 1 | 1 (33.3%) | 4 (80.0%) | None
    Age (years) | None | 41.3 ± 2.0; 41.0 [39.5, 43.0] | 53.8 ± 2.5; 53.5 [51.0, 56.2]; 1 missing...
    >>> round(t["p_value"][0], 4), round(t["p_value"][3], 4)
    (0.4643, 0.0571)
    """
    frame = data.filter(pl.col(outcome).is_not_null())
    mask = frame[outcome].cast(pl.Boolean).to_numpy()
    label = outcome_label or outcome
    rows: list[dict[str, object]] = []
    p_rows: list[int] = []
    for factor in factors:
        values = frame[factor.column]
        in_group, in_rest = values.filter(mask), values.filter(~mask)
        base = {
            "outcome": label,
            "factor": factor.display,
            "column": factor.column,
            "kind": factor.kind,
        }
        miss_g, miss_r = _missing(in_group), _missing(in_rest)
        if factor.kind == "continuous":
            a, b = _numbers(in_group), _numbers(in_rest)
            sa, sb = _summary(a), _summary(b)
            test, p = None, None
            untested = _no_values(label, a.size, b.size)
            if untested is None:
                result = wilcoxon_test(a, b)
                p = result.p_value
                untested = result.not_estimable
                if untested is None:
                    test = "Wilcoxon rank-sum, " + (
                        "exact" if "exact" in result.method else "normal approx."
                    )

            def text(s: dict[str, float | None], missing: int) -> str:
                out = (
                    f"{_fmt(s['mean'], digits)} ± {_fmt(s['sem'], digits)}; "
                    f"{_fmt(s['median'], digits)} "
                    f"[{_fmt(s['q1'], digits)}, {_fmt(s['q3'], digits)}]"
                )
                return out + (f"; {missing} missing" if missing else "")

            p_rows.append(len(rows))
            rows.append(
                base
                | {
                    "row": "factor",
                    "n_group": int(a.size),
                    "n_rest": int(b.size),
                    "missing_group": miss_g,
                    "missing_rest": miss_r,
                    **{f"{k}_group": v for k, v in sa.items() if k != "sd"},
                    **{f"{k}_rest": v for k, v in sb.items() if k != "sd"},
                    "group": text(sa, miss_g),
                    "rest": text(sb, miss_r),
                    "test": test,
                    "p_value": p,
                    "not_tested": untested,
                }
            )
            continue
        levels = _levels(factor, values)
        counts = np.array(
            [
                [int((in_group == lv).sum()) for lv in levels],
                [int((in_rest == lv).sum()) for lv in levels],
            ]
        )
        seen = counts.sum(axis=0) > 0
        test, p = None, None
        untested = _no_values(label, int(counts[0].sum()), int(counts[1].sum()))
        if untested is None and seen.sum() < 2:
            only = [str(lv) for lv, s in zip(levels, seen, strict=True) if s]
            untested = f"a single value observed ({', '.join(only)})"
        if untested is None:
            result = fisher_test(counts[:, seen])
            p = result.p_value
            test = "Fisher exact" if seen.sum() == 2 else "Freeman-Halton exact"
            if "simulated" in result.method:
                test = "Freeman-Halton, simulated"
        n_g, n_r = int(counts[0].sum()), int(counts[1].sum())
        p_rows.append(len(rows))
        rows.append(
            base
            | {
                "row": "factor",
                "n_group": n_g,
                "n_rest": n_r,
                "missing_group": miss_g,
                "missing_rest": miss_r,
                "group": f"{miss_g} missing" if miss_g else "",
                "rest": f"{miss_r} missing" if miss_r else "",
                "test": test,
                "p_value": p,
                "not_tested": untested,
            }
        )
        for j, level in enumerate(levels):
            pct_g = 100 * counts[0, j] / n_g if n_g else None
            pct_r = 100 * counts[1, j] / n_r if n_r else None
            rows.append(
                base
                | {
                    "row": "level",
                    "level": str(level),
                    "n_group": int(counts[0, j]),
                    "n_rest": int(counts[1, j]),
                    "pct_group": pct_g,
                    "pct_rest": pct_r,
                    "group": _count_text(int(counts[0, j]), pct_g, digits),
                    "rest": _count_text(int(counts[1, j]), pct_r, digits),
                }
            )
    schema = {
        "outcome": pl.String,
        "factor": pl.String,
        "column": pl.String,
        "kind": pl.String,
        "row": pl.String,
        "level": pl.String,
        "n_group": pl.Int64,
        "n_rest": pl.Int64,
        "pct_group": pl.Float64,
        "pct_rest": pl.Float64,
        "missing_group": pl.Int64,
        "missing_rest": pl.Int64,
        **{
            f"{k}_{g}": pl.Float64
            for k in ("mean", "sem", "median", "q1", "q3")
            for g in ("group", "rest")
        },
        "group": pl.String,
        "rest": pl.String,
        "test": pl.String,
        "p_value": pl.Float64,
        "not_tested": pl.String,
    }
    table = pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema)
    raw = [rows[i]["p_value"] for i in p_rows]
    for method in adjust:
        adjusted = p_adjust(raw, method)
        column = np.full(table.height, np.nan)
        column[p_rows] = adjusted
        table = table.with_columns(pl.Series(f"p_{method.lower()}", column).fill_nan(None))
    return table


def _smd_continuous(a: np.ndarray, b: np.ndarray) -> float | None:
    if a.size < 2 or b.size < 2:
        return None
    pooled = math.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2)
    return abs(float(a.mean() - b.mean())) / pooled if pooled > 0 else None


def _smd_categorical(counts: np.ndarray) -> float | None:
    """Yang and Dalton's multivariate SMD of level proportions (first level the reference)."""
    totals = counts.sum(axis=1)
    if totals.min() == 0:
        return None
    counts = counts[:, counts.sum(axis=0) > 0]
    if counts.shape[1] < 2:
        return 0.0
    p = counts / totals[:, None]
    p1, p2 = p[0, 1:], p[1, 1:]
    diff = p1 - p2
    cov = -(np.outer(p1, p1) + np.outer(p2, p2)) / 2
    np.fill_diagonal(cov, (p1 * (1 - p1) + p2 * (1 - p2)) / 2)
    return float(np.sqrt(diff @ np.linalg.pinv(cov) @ diff))


def table_one(
    data: pl.DataFrame,
    by: str | None,
    variables: Sequence[Factor],
    digits: int = 1,
    overall: str = "Overall",
) -> pl.DataFrame:
    """Patient characteristics overall and per group, in the manner of tableone and gtsummary.

    Categorical variables: n (%) per level, percentages of the patients with a value, and a
    "(missing)" row when any value is missing. Continuous variables: median [Q1, Q3] (R's
    quantile type 7) and mean (SD), with missing counts. With exactly two groups the
    standardised mean difference: |mean1 - mean2| / sqrt((s1^2 + s2^2) / 2) for continuous
    variables; for categorical ones Yang and Dalton's sqrt(T' S^-1 T), T the differences in
    level proportions (reference level left out), S the average of the two groups'
    multinomial covariance matrices (generalised inverse if singular).

    Parameters
    ----------
    data : polars.DataFrame
        One row per patient.
    by : str or None
        Grouping column (e.g. histology); rows missing it count only in the overall column.
        None gives the overall column alone.
    variables : sequence of Factor
        The characteristics, in order (``unit`` shown after the label).
    digits : int
        Decimals of the display text.
    overall : str
        Name of the overall column.

    Returns
    -------
    polars.DataFrame
        One row per patient count, variable level or statistic: columns variable (label and
        unit), column, kind, level, statistic ("n", "n (%)", "median [IQR]", "mean (SD)");
        then for each group G (overall first, then the groups in sorted order) the display
        text in column ``G`` and numbers ``G_n`` (patients counted: at the level, or with a
        value), ``G_pct``, ``G_median``, ``G_q1``, ``G_q3``, ``G_mean``, ``G_sd``,
        ``G_missing``; and ``smd`` (two groups only).

    Examples
    --------
    >>> df = pl.DataFrame({"histology": ["melanoma"] * 3 + ["renal"] * 3,
    ...                    "sex": ["F", "M", "M", "F", "F", None],
    ...                    "age": [40.0, 50.0, 60.0, 45.0, 55.0, 65.0]})
    >>> t = table_one(df, "histology", [Factor("sex", "Sex"),
    ...                                 Factor("age", "Age", "continuous", "years")])
    >>> shown = t.select("variable", "level", "statistic", "Overall", "melanoma", "renal")
    >>> for row in shown.rows():
    ...     print(*row, sep=" | ")
    N | None | n | 6 | 3 | 3
    Sex | F | n (%) | 3 (60.0%) | 1 (33.3%) | 2 (100.0%)
    Sex | M | n (%) | 2 (40.0%) | 2 (66.7%) | 0 (0.0%)
    Sex | (missing) | n | 1 | 0 | 1
    Age (years) | None | median [IQR] | 52.5 [46.2, 58.8] | 50.0 [45.0, 55.0] | 55.0 [50.0, 60.0]
    Age (years) | None | mean (SD) | 52.5 (9.4) | 50.0 (10.0) | 55.0 (10.0)
    >>> t.filter(pl.col("column") == "sex")["smd"][0]
    2.0
    """
    groups: list[tuple[str, pl.DataFrame]] = [(overall, data)]
    if by is not None:
        keys = data[by].drop_nulls().unique().sort().to_list()
        groups += [(str(k), data.filter(pl.col(by) == k)) for k in keys]
    two = len(groups) == 3
    names = [g for g, _ in groups]
    stats = ("n", "pct", "median", "q1", "q3", "mean", "sd", "missing")
    rows: list[dict[str, object]] = [
        {"variable": "N", "kind": "count", "statistic": "n"}
        | {f"{g}_n": frame.height for g, frame in groups}
        | {g: str(frame.height) for g, frame in groups}
    ]
    for var in variables:
        base = {"variable": var.display, "column": var.column, "kind": var.kind}
        missing = {f"{g}_missing": _missing(frame[var.column]) for g, frame in groups}
        if var.kind == "continuous":
            arrays = {g: _numbers(frame[var.column]) for g, frame in groups}
            summ = {g: _summary(a) for g, a in arrays.items()}
            smd = _smd_continuous(arrays[names[1]], arrays[names[2]]) if two else None
            common = base | missing | {f"{g}_n": int(arrays[g].size) for g in names} | {"smd": smd}
            rows.append(
                common
                | {"statistic": "median [IQR]"}
                | {f"{g}_{k}": summ[g][k] for g in names for k in ("median", "q1", "q3")}
                | {
                    g: f"{_fmt(summ[g]['median'], digits)} "
                    f"[{_fmt(summ[g]['q1'], digits)}, {_fmt(summ[g]['q3'], digits)}]"
                    for g in names
                }
            )
            rows.append(
                common
                | {"statistic": "mean (SD)"}
                | {f"{g}_{k}": summ[g][k] for g in names for k in ("mean", "sd")}
                | {
                    g: f"{_fmt(summ[g]['mean'], digits)} ({_fmt(summ[g]['sd'], digits)})"
                    for g in names
                }
            )
        else:
            levels = _levels(var, data[var.column])
            counts = {
                g: np.array([int((frame[var.column] == lv).sum()) for lv in levels])
                for g, frame in groups
            }
            smd = _smd_categorical(np.vstack([counts[names[1]], counts[names[2]]])) if two else None
            for j, level in enumerate(levels):
                row = base | missing | {"level": str(level), "statistic": "n (%)", "smd": smd}
                for g in names:
                    total = int(counts[g].sum())
                    pct = 100 * counts[g][j] / total if total else None
                    row |= {
                        f"{g}_n": int(counts[g][j]),
                        f"{g}_pct": pct,
                        g: _count_text(int(counts[g][j]), pct, digits),
                    }
                rows.append(row)
        if any(missing.values()):
            rows.append(
                base
                | missing
                | {"level": "(missing)", "statistic": "n", "smd": None}
                | {f"{g}_n": missing[f"{g}_missing"] for g in names}
                | {g: str(missing[f"{g}_missing"]) for g in names}
            )
    schema: dict[str, pl.DataType] = {
        "variable": pl.String(),
        "column": pl.String(),
        "kind": pl.String(),
        "level": pl.String(),
        "statistic": pl.String(),
    }
    for g in names:
        schema[g] = pl.String()
        for k in stats:
            schema[f"{g}_{k}"] = pl.Int64() if k in ("n", "missing") else pl.Float64()
    schema["smd"] = pl.Float64()
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema)
