"""The whole screen analysis in one call, for the report."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from remission.analysis._result import Result
from remission.antigens.screens._format import ScreenTables
from remission.antigens.screens._lysis import lytic_units, specific_lysis
from remission.antigens.screens._pools import deconvolution_trail
from remission.antigens.screens._rules import PositivityRule, call_positivity
from remission.antigens.screens._titration import (
    TitrationFit,
    compare_ec50,
    fit_titrations,
    titration_table,
)


@dataclass(frozen=True)
class ScreenResult:
    """Everything the report shows about a recognition screen.

    Parameters
    ----------
    name : str
        Name of the screen.
    synthetic : bool
        True for made-up data.
    positivity : polars.DataFrame
        ``call_positivity`` output: one row per tested condition.
    trail : polars.DataFrame
        ``deconvolution_trail`` output.
    lysis : polars.DataFrame
        ``specific_lysis`` output.
    lytic_units : polars.DataFrame
        ``lytic_units`` output (LU30 per 10^6 effectors).
    titrations : polars.DataFrame
        ``titration_table`` output.
    titration_fits : tuple of TitrationFit
        The fits themselves (for curves).
    analog_comparisons : tuple of Result
        EC50 ratio natural / analog for every analog in the layout with both fits.
    identified : tuple of str
        Positive leaves of the trail (clones, genes, peptides found).

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen
    >>> result = analyse_screen(demo_screen())
    >>> result.synthetic, "L07-S3-c4" in result.identified
    (True, True)
    """

    name: str
    synthetic: bool
    positivity: pl.DataFrame
    trail: pl.DataFrame
    lysis: pl.DataFrame
    lytic_units: pl.DataFrame
    titrations: pl.DataFrame
    titration_fits: tuple[TitrationFit, ...]
    analog_comparisons: tuple[Result, ...]
    identified: tuple[str, ...]


def analyse_screen(
    tables: ScreenTables,
    rules: dict[str, PositivityRule] | None = None,
    *,
    lytic_percent: float = 30.0,
    targets_per_well: float = 5000.0,
) -> ScreenResult:
    """Analyse a screen: positivity, deconvolution trail, lysis, lytic units, titrations.

    Parameters
    ----------
    tables : ScreenTables
        From ``read_screen`` or ``demo_screen``.
    rules : dict of str to PositivityRule, optional
        Rules per readout kind overriding ``DEFAULT_RULES``.
    lytic_percent : float
        Lysis defining one lytic unit (30 -> LU30).
    targets_per_well : float
        Labelled targets per 51Cr-release well.

    Returns
    -------
    ScreenResult
        The tables and fits the report shows.

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen
    >>> result = analyse_screen(demo_screen())
    >>> result.analog_comparisons[0].estimate > 1  # the analog is more potent
    True
    """
    calls = call_positivity(tables.plates, rules)
    trail = deconvolution_trail(tables.layout, calls)
    lysis = specific_lysis(tables.plates)
    units = lytic_units(lysis, percent=lytic_percent, targets_per_well=targets_per_well)
    fits = fit_titrations(tables.plates)
    by_name = {f.antigen: f for f in fits}
    comparisons = []
    pairs = tables.layout.filter(pl.col("analog_of").is_not_null()).select("member", "analog_of")
    for analog, natural in pairs.unique(maintain_order=True).iter_rows():
        if (
            analog in by_name
            and natural in by_name
            and by_name[analog].usable
            and by_name[natural].usable
        ):
            comparisons.append(compare_ec50(by_name[analog], by_name[natural]))
    identified = trail.filter(pl.col("identified"))["antigen"].unique(maintain_order=True)
    return ScreenResult(
        name=tables.name,
        synthetic=tables.synthetic,
        positivity=calls,
        trail=trail,
        lysis=lysis,
        lytic_units=units,
        titrations=titration_table(fits),
        titration_fits=tuple(fits),
        analog_comparisons=tuple(comparisons),
        identified=tuple(identified.to_list()),
    )
