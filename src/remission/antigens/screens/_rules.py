"""Positivity calls: rules as named data, replicate summaries and the ELISPOT DFR test."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np
import polars as pl


@dataclass(frozen=True)
class PositivityRule:
    """A positivity rule: the mean response must reach a fold of background and a floor.

    A condition (effector x target x antigen x concentration on one plate) is positive when
    the mean of its replicates is at least ``min_fold`` times the mean of the matching
    background wells **and** at least ``floor`` (in the readout's unit); with
    ``subtract_background`` the floor applies to mean minus background instead.

    Parameters
    ----------
    name : str
        Short name shown beside each call.
    readout : str
        The readout kind it applies to (``ifng_pg_ml``, ``spots_per_well``, ...).
    min_fold : float
        Minimum ratio mean / background.
    floor : float
        Minimum response, in the readout's unit.
    subtract_background : bool
        Apply the floor to (mean - background) rather than to the mean.
    description : str
        The rule in words.
    source : str
        Where the default comes from.

    Examples
    --------
    >>> rule = PositivityRule("IFN-g x2, 200", "ifng_pg_ml", 2.0, 200.0)
    >>> rule.is_positive(450.0, 100.0), rule.is_positive(190.0, 50.0)
    (True, False)
    """

    name: str
    readout: str
    min_fold: float
    floor: float
    subtract_background: bool = False
    description: str = ""
    source: str = ""

    def is_positive(self, mean: float, background: float) -> bool:
        """Apply the rule to one mean response and its background.

        Parameters
        ----------
        mean : float
            Mean response of the replicates.
        background : float
            Mean of the background wells.

        Returns
        -------
        bool
            True when both the fold and the floor are met.

        Examples
        --------
        >>> rule = PositivityRule("spots", "spots_per_well", 2.0, 20.0, subtract_background=True)
        >>> rule.is_positive(60.0, 10.0), rule.is_positive(25.0, 10.0)
        (True, False)
        """
        level = mean - background if self.subtract_background else mean
        return bool(mean >= self.min_fold * background and level >= self.floor)


IFNG_ELISA_RULE = PositivityRule(
    name="IFN-gamma >= 2x background and >= 200 pg/mL",
    readout="ifng_pg_ml",
    min_fold=2.0,
    floor=200.0,
    description=(
        "Mean IFN-gamma at least twice the background wells and at least 200 pg/mL, the call "
        "used for TIL co-cultures in the NCI Surgery Branch screens."
    ),
    source=(
        "Robbins PF et al. Nat Med 2013;19:747-752 (reactivity: IFN-gamma > 200 pg/mL and "
        "> 2x background); same criterion in Lu YC et al. J Immunol 2014;193:4325. Neither "
        "record nor threshold verified yet (docs/screens.md)."
    ),
)

ELISPOT_RULE = PositivityRule(
    name="spots >= 2x background and >= 20 per well (background subtracted)",
    readout="spots_per_well",
    min_fold=2.0,
    floor=20.0,
    subtract_background=True,
    description=(
        "Mean spots at least twice background and at least 20 spots per well above "
        "background (wells of 2-5 x 10^4 T cells)."
    ),
    source=(
        "Tran E et al. Science 2014;344:641-645 and Tran E et al. Science 2015;350:1387 "
        "(ELISPOT > 2x background and > 20 spots); empirical fold rules reviewed by "
        "Moodie Z et al. Cancer Immunol Immunother 2010;59:1489-1501. Records verified; the "
        "thresholds not yet checked in the full texts (docs/screens.md)."
    ),
)

FLOW_41BB_RULE = PositivityRule(
    name="4-1BB+ of CD8 >= 2x background and >= 1 %",
    readout="pct_41bb_of_cd8",
    min_fold=2.0,
    floor=1.0,
    description=(
        "Mean % 4-1BB+ of CD8+ T cells at least twice background and at least 1 % "
        "(4-1BB up-regulation marks recently activated T cells)."
    ),
    source=(
        "Wolfl M et al. Blood 2007;110:201-210 (CD137 as an activation marker); thresholds as "
        "in the NCI Surgery Branch co-culture screens (Tran E et al. Science 2015;350:1387). "
        "Records verified; Wolfl et al. is the marker's source, not the thresholds', which are "
        "not yet checked (docs/screens.md)."
    ),
)

#: The default rule for each readout kind (51Cr release is judged as % specific lysis).
DEFAULT_RULES: dict[str, PositivityRule] = {
    r.readout: r for r in (IFNG_ELISA_RULE, ELISPOT_RULE, FLOW_41BB_RULE)
}

_CONDITION = [
    "plate",
    "effector",
    "target",
    "antigen",
    "concentration",
    "concentration_unit",
    "readout",
]


def dfr_test(
    experimental: np.ndarray | list[float],
    control: np.ndarray | list[float],
    *,
    fold: float = 1.0,
    max_exact: int = 20_000,
    n_resamples: int = 20_000,
    seed: int = 0,
) -> float:
    """One-sided permutation p-value of the DFR test (Moodie et al. 2010) for one antigen.

    The statistic is the difference of means, experimental minus ``fold`` x control, on the
    raw spot counts; its null distribution comes from reassigning the pooled wells (control
    wells multiplied by ``fold`` first: ``fold=1`` is DFR(eq), ``fold=2`` is DFR(2x)). All
    reassignments are enumerated when there are at most ``max_exact`` of them (vectorised:
    one row per reassignment), otherwise ``n_resamples`` random ones are drawn.

    Parameters
    ----------
    experimental : array_like
        Spot counts of the antigen's replicate wells.
    control : array_like
        Spot counts of the negative-control wells.
    fold : float
        1 for DFR(eq) (H0: mean equal to control), 2 for DFR(2x) (H0: at most twice control).
    max_exact : int
        Largest number of reassignments enumerated exactly.
    n_resamples : int
        Random reassignments when exact enumeration is too large.
    seed : int
        Seed of the random reassignments.

    Returns
    -------
    float
        P(statistic >= observed) under the null, the observed assignment included.

    Examples
    --------
    >>> round(dfr_test([10, 12, 11], [1, 2, 3]), 4)  # the most extreme of 20 splits
    0.05
    """
    exp = np.asarray(experimental, dtype=float)
    ctl = np.asarray(control, dtype=float) * fold
    pooled = np.concatenate([exp, ctl])
    n, k = pooled.size, exp.size
    total = pooled.sum()
    observed = exp.mean() - ctl.mean()
    sums = pooled[_reassignments(n, k, max_exact, n_resamples, seed)].sum(axis=1)
    stats = sums / k - (total - sums) / (n - k)
    return float(np.mean(stats >= observed - 1e-9 * max(1.0, abs(observed))))


def _reassignments(n: int, k: int, max_exact: int, n_resamples: int, seed: int) -> np.ndarray:
    """Index sets of the wells called experimental: all of them, or random ones plus the
    observed (the first k wells), one row each."""
    if comb(n, k) <= max_exact:
        return np.fromiter(
            (i for c in combinations(range(n), k) for i in c), dtype=np.intp
        ).reshape(-1, k)
    rng = np.random.default_rng(seed)
    drawn = np.argsort(rng.random((n_resamples, n)), axis=1)[:, :k]
    return np.vstack([drawn, np.arange(k)[None, :]])


def dfr_stepdown(
    experimental: Sequence[Sequence[float]],
    control: Sequence[float],
    *,
    fold: float = 1.0,
    max_exact: int = 20_000,
    n_resamples: int = 20_000,
    seed: int = 0,
) -> np.ndarray:
    """DFR p-values of several antigens against one control, adjusted by step-down max-T.

    The statistic of antigen j is mean(experimental_j) - fold x mean(control), as in
    ``dfr_test``. The null distribution is joint: one reassignment of the wells (which
    k of the k + c positions are experimental) is applied to every antigen's pooled wells
    at once, so the antigens' statistics keep the dependence their shared control wells
    give them. The adjustment is Westfall and Young's step-down max-T (1993; Box 2 of
    Dudoit et al., Stat Sci 2003;18:71): order the antigens by observed statistic, take
    the successive maxima of the reassigned statistics over the antigens not yet passed,
    p_j = share of reassignments whose successive maximum reaches t_j, then make the
    p-values monotone. This is the multiplicity adjustment of Moodie's DFR software (as
    reimplemented in the R package mDFR); with one antigen it equals ``dfr_test``.

    Parameters
    ----------
    experimental : sequence of sequences of float
        Spot counts of each antigen's wells; every antigen the same number of wells (the
        joint reassignment needs it).
    control : sequence of float
        The shared negative-control wells.
    fold : float
        1 for DFR(eq), 2 for DFR(2x).
    max_exact, n_resamples, seed : int
        As in ``dfr_test``.

    Returns
    -------
    numpy.ndarray
        Adjusted one-sided p-values, one per antigen, in the order given.

    Raises
    ------
    ValueError
        When the antigens have different numbers of wells.

    Examples
    --------
    >>> p = dfr_stepdown([[60, 70, 65, 80], [8, 6, 7, 5]], [5, 7, 6, 4], fold=2)
    >>> [round(float(v), 4) for v in p]  # 1/70: only the observed split reaches 57.75
    [0.0143, 1.0]
    """
    exp = [np.asarray(e, dtype=float) for e in experimental]
    sizes = {e.size for e in exp}
    if len(sizes) != 1:
        raise ValueError(
            "the step-down max-T adjustment needs the same number of wells for every "
            f"antigen sharing a control; got {sorted(sizes)}"
        )
    k = sizes.pop()
    ctl = np.asarray(control, dtype=float) * fold
    pooled = np.vstack([np.concatenate([e, ctl]) for e in exp])  # antigens x wells
    n = pooled.shape[1]
    index = _reassignments(n, k, max_exact, n_resamples, seed)
    totals = pooled.sum(axis=1, keepdims=True)
    sums = pooled[:, index].sum(axis=2)  # antigens x reassignments
    stats = sums / k - (totals - sums) / (n - k)
    observed = np.array([e.mean() - ctl.mean() for e in exp])
    tol = 1e-9 * np.maximum(1.0, np.abs(observed))
    order = np.argsort(-observed, kind="stable")
    successive = np.maximum.accumulate(stats[order][::-1], axis=0)[::-1]
    raw = np.mean(successive >= (observed[order] - tol[order])[:, None], axis=1)
    adjusted = np.maximum.accumulate(raw)
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


def _holm(p: np.ndarray) -> np.ndarray:
    m = p.size
    order = np.argsort(p)
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    out = np.empty(m)
    out[order] = adjusted
    return out


def call_positivity(
    plates: pl.DataFrame,
    rules: dict[str, PositivityRule] | None = None,
    *,
    dfr_fold: float = 2.0,
    alpha: float = 0.05,
    dfr_adjust: str = "stepdown",
) -> pl.DataFrame:
    """Summarise replicates and call each tested condition positive or negative.

    Conditions are the test wells grouped by plate, effector, target, antigen, concentration
    and readout; each is compared with the background wells of the same plate, effector,
    target and readout. 51Cr-release wells are left to ``specific_lysis``.
    ELISPOT conditions also get the DFR permutation p-value (``dfr_test`` with ``dfr_fold``),
    adjusted over the conditions that share a background (``dfr_adjust``), and
    ``dfr_positive``.

    Parameters
    ----------
    plates : polars.DataFrame
        The typed plate table (``ScreenTables.plates``).
    rules : dict of str to PositivityRule, optional
        Rule per readout kind; defaults to ``DEFAULT_RULES``. Missing kinds use the default.
    dfr_fold : float
        1 for DFR(eq), 2 for DFR(2x) (Moodie et al. recommend DFR(2x) with few replicates).
    alpha : float
        Level of the DFR call.
    dfr_adjust : {"stepdown", "holm"}
        Multiplicity adjustment over the conditions sharing a background: Moodie's
        step-down max-T on joint reassignments (``dfr_stepdown``; Holm instead, with the
        reason in ``dfr_adjustment``, when the conditions have different numbers of wells)
        or Holm on the separate ``dfr_test`` p-values.

    Returns
    -------
    polars.DataFrame
        One row per condition: the condition columns (plate, effector, target, antigen,
        concentration, concentration_unit: the unit as data, e.g. "nM", readout),
        n_replicates, mean, sd, background, n_background, fold, rule, positive, dfr_p,
        dfr_p_adjusted, dfr_adjustment (the method), dfr_positive.

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen
    >>> calls = call_positivity(demo_screen().plates)
    >>> calls.filter(pl.col("antigen") == "L07")["positive"].to_list()
    [True]
    """
    chosen = DEFAULT_RULES | (rules or {})
    if "concentration_unit" not in plates.columns:
        plates = plates.with_columns(pl.lit(None, pl.String).alias("concentration_unit"))
    data = plates.filter(pl.col("readout") != "cr51_counts")
    keys = ["plate", "effector", "target", "readout"]
    background = (
        data.filter(pl.col("role") == "background")
        .group_by(keys)
        .agg(
            pl.col("value").mean().alias("background"),
            pl.len().alias("n_background"),
            pl.col("value").alias("_bg_values"),
        )
    )
    summary = (
        data.filter(pl.col("role") == "test")
        .group_by(_CONDITION, maintain_order=True)
        .agg(
            pl.len().alias("n_replicates"),
            pl.col("value").mean().alias("mean"),
            pl.col("value").std().alias("sd"),
            pl.col("value").alias("_values"),
        )
        .join(background, on=keys, how="left", nulls_equal=True)
    )
    rule_table = pl.DataFrame(
        {
            "readout": list(chosen),
            "rule": [r.name for r in chosen.values()],
            "_fold": [r.min_fold for r in chosen.values()],
            "_floor": [r.floor for r in chosen.values()],
            "_subtract": [r.subtract_background for r in chosen.values()],
        }
    )
    summary = summary.join(rule_table, on="readout", how="left")
    level = pl.when(pl.col("_subtract")).then(pl.col("mean") - pl.col("background"))
    level = level.otherwise(pl.col("mean"))
    summary = summary.with_columns(
        (pl.col("mean") / pl.col("background")).alias("fold"),
        (
            (pl.col("mean") >= pl.col("_fold") * pl.col("background")) & (level >= pl.col("_floor"))
        ).alias("positive"),
    )
    p = np.full(summary.height, np.nan)
    is_spot = (summary["readout"] == "spots_per_well").to_numpy()
    values, bg_values = summary["_values"].to_list(), summary["_bg_values"].to_list()
    for i in np.flatnonzero(is_spot).tolist():
        if bg_values[i]:
            p[i] = dfr_test(values[i], bg_values[i], fold=dfr_fold)
    summary = summary.with_columns(pl.Series("dfr_p", p, dtype=pl.Float64).fill_nan(None))
    if dfr_adjust not in ("stepdown", "holm"):
        raise ValueError(f"dfr_adjust is 'stepdown' or 'holm', not {dfr_adjust!r}")
    adjusted = np.full(summary.height, np.nan)
    method: list[str | None] = [None] * summary.height
    groups = summary.with_row_index("_i").filter(pl.col("dfr_p").is_not_null())
    for _, group in groups.group_by(keys):
        idx = group["_i"].to_numpy()
        sizes = {len(values[i]) for i in idx}
        if dfr_adjust == "stepdown" and len(sizes) == 1:
            adjusted[idx] = dfr_stepdown([values[i] for i in idx], bg_values[idx[0]], fold=dfr_fold)
            label = "step-down max-T (Moodie)"
        else:
            adjusted[idx] = _holm(group["dfr_p"].to_numpy())
            label = "Holm" if dfr_adjust == "holm" else "Holm (replicate numbers differ)"
        for i in idx:
            method[i] = label
    summary = summary.with_columns(
        pl.Series("dfr_p_adjusted", adjusted).fill_nan(None),
        pl.Series("dfr_adjustment", method, dtype=pl.String),
    )
    summary = summary.with_columns((pl.col("dfr_p_adjusted") <= alpha).alias("dfr_positive"))
    return summary.drop("_values", "_bg_values", "_fold", "_floor", "_subtract")
