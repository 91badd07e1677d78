"""Cytotoxicity: % specific lysis from 51Cr release and lytic units from the lysis curve."""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.optimize import least_squares


def specific_lysis(plates: pl.DataFrame) -> pl.DataFrame:
    """Compute % specific lysis per 51Cr-release well and summarise per E:T ratio.

    % specific lysis = (experimental - spontaneous) / (maximum - spontaneous) x 100, with
    spontaneous and maximum the means of the control wells of the same plate and target.
    Values are not truncated at 0 or 100 (a negative value means release below spontaneous).

    Parameters
    ----------
    plates : polars.DataFrame
        The typed plate table (``ScreenTables.plates``).

    Returns
    -------
    polars.DataFrame
        One row per plate, effector, target and e_t_ratio: n_replicates, spontaneous,
        maximum, spontaneous_pct (spontaneous / maximum x 100, a target-health check),
        lysis_pct (mean), lysis_sd, and lysis_values (the replicate values).

    Examples
    --------
    >>> plates = pl.DataFrame({
    ...     "plate": ["C"] * 4, "effector": [None, None, "TIL", "TIL"],
    ...     "target": ["624mel"] * 4, "e_t_ratio": [None, None, 40.0, 40.0],
    ...     "role": ["spontaneous", "maximum", "test", "test"],
    ...     "readout": ["cr51_counts"] * 4, "value": [200.0, 2200.0, 1200.0, 1000.0]})
    >>> specific_lysis(plates)["lysis_pct"].to_list()
    [45.0]
    """
    cr = plates.filter(pl.col("readout") == "cr51_counts")
    controls = cr.group_by("plate", "target").agg(
        pl.col("value").filter(pl.col("role") == "spontaneous").mean().alias("spontaneous"),
        pl.col("value").filter(pl.col("role") == "maximum").mean().alias("maximum"),
    )
    wells = cr.filter(pl.col("role") == "test").join(controls, on=["plate", "target"])
    wells = wells.with_columns(
        (
            (pl.col("value") - pl.col("spontaneous"))
            / (pl.col("maximum") - pl.col("spontaneous"))
            * 100
        ).alias("lysis")
    )
    return (
        wells.group_by("plate", "effector", "target", "e_t_ratio", maintain_order=True)
        .agg(
            pl.len().alias("n_replicates"),
            pl.col("spontaneous").first(),
            pl.col("maximum").first(),
            (pl.col("spontaneous").first() / pl.col("maximum").first() * 100).alias(
                "spontaneous_pct"
            ),
            pl.col("lysis").mean().alias("lysis_pct"),
            pl.col("lysis").std().alias("lysis_sd"),
            pl.col("lysis").alias("lysis_values"),
        )
        .sort("plate", "effector", "target", "e_t_ratio", descending=[False, False, False, True])
    )


def fit_lysis_curve(e_t_ratio: np.ndarray, lysis_pct: np.ndarray) -> tuple[float, float]:
    """Fit the exponential lysis curve of Pross et al. (1981): L = A (1 - exp(-k x E:T)).

    Parameters
    ----------
    e_t_ratio : numpy.ndarray
        Effector:target ratios (one per replicate well).
    lysis_pct : numpy.ndarray
        % specific lysis of each well.

    Returns
    -------
    tuple of float
        ``(A, k)``: the plateau (% lysis, bounded to 0-100) and the rate per unit E:T.

    Examples
    --------
    >>> x = np.array([5.0, 10.0, 20.0, 40.0])
    >>> a, k = fit_lysis_curve(x, 80 * (1 - np.exp(-0.05 * x)))
    >>> round(a, 3), round(k, 4)
    (80.0, 0.05)
    """
    x = np.asarray(e_t_ratio, dtype=float)
    y = np.asarray(lysis_pct, dtype=float)
    start_a = float(np.clip(y.max() * 1.1, 1.0, 100.0))
    frac = np.clip(y / start_a, 1e-6, 0.99)
    start_k = float(np.clip(np.median(-np.log1p(-frac) / x), 1e-6, 10.0))

    def resid(theta: np.ndarray) -> np.ndarray:
        return theta[0] * (1 - np.exp(-theta[1] * x)) - y

    fit = least_squares(
        resid,
        [start_a, start_k],
        bounds=([0.0, 0.0], [100.0, np.inf]),
        xtol=1e-14,
        ftol=1e-14,
        gtol=1e-14,
    )
    return float(fit.x[0]), float(fit.x[1])


def lytic_units(
    lysis: pl.DataFrame, *, percent: float = 30.0, targets_per_well: float = 5000.0
) -> pl.DataFrame:
    """Lytic units per 10^6 effectors (LU30 by default) from the fitted lysis curve.

    One lytic unit is the number of effector cells that lyse ``percent`` % of the
    ``targets_per_well`` targets (Pross HF et al., J Clin Immunol 1981;1:51-63). The E:T
    ratio reaching ``percent`` % comes from ``fit_lysis_curve`` fitted to the replicate
    wells: E:T = -ln(1 - percent / A) / k; LU per 10^6 effectors =
    10^6 / (E:T x targets_per_well). When the plateau A does not exceed ``percent`` the
    lytic units are 0 (the effectors never reach that lysis).

    Parameters
    ----------
    lysis : polars.DataFrame
        ``specific_lysis`` output.
    percent : float
        Lysis defining one unit (30 -> LU30; 20 -> LU20).
    targets_per_well : float
        Labelled targets per well (5,000 is the usual 51Cr assay).

    Returns
    -------
    polars.DataFrame
        One row per plate, effector and target: plateau_pct, rate, e_t_at_percent,
        lu_per_1e6_effectors, percent, targets_per_well.

    Examples
    --------
    >>> x = [40.0, 20.0, 10.0, 5.0]
    >>> lysis = pl.DataFrame({"plate": ["C"] * 4, "effector": ["TIL"] * 4,
    ...     "target": ["624mel"] * 4, "e_t_ratio": x,
    ...     "lysis_values": [[float(60 * (1 - np.exp(-0.1 * v)))] for v in x]})
    >>> round(lytic_units(lysis)["lu_per_1e6_effectors"][0], 2)  # 1e6 / (6.93 x 5000)
    28.85
    """
    rows = []
    groups = lysis.group_by("plate", "effector", "target", maintain_order=True)
    for (plate, effector, target), group in groups:
        long = group.select("e_t_ratio", "lysis_values").explode("lysis_values")
        x = long["e_t_ratio"].to_numpy().astype(float)
        y = long["lysis_values"].to_numpy().astype(float)
        a, k = fit_lysis_curve(x, y)
        if a > percent and k > 0:
            et = float(-np.log1p(-percent / a) / k)
            lu = 1e6 / (et * targets_per_well)
        else:
            et, lu = None, 0.0
        rows.append(
            {
                "plate": plate,
                "effector": effector,
                "target": target,
                "plateau_pct": a,
                "rate": k,
                "e_t_at_percent": et,
                "lu_per_1e6_effectors": lu,
                "percent": percent,
                "targets_per_well": targets_per_well,
            }
        )
    schema = {
        "plate": pl.String,
        "effector": pl.String,
        "target": pl.String,
        "plateau_pct": pl.Float64,
        "rate": pl.Float64,
        "e_t_at_percent": pl.Float64,
        "lu_per_1e6_effectors": pl.Float64,
        "percent": pl.Float64,
        "targets_per_well": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)
