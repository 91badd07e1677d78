"""The whole screen analysis in one call, for the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import polars as pl

from remission.analysis._result import Result
from remission.antigens.screens._format import ScreenTables
from remission.antigens.screens._lysis import lytic_units, specific_lysis
from remission.antigens.screens._pools import decode_pools, deconvolution_trail
from remission.antigens.screens._problems import ScreenProblem, problem_table
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
        Positive leaves of the trail (clones, genes, peptides found) and the candidates a
        matrix decoding resolved.
    problems : tuple of ScreenProblem
        What could not be analysed and why (plates left out by validation with
        ``keep_going``, titrations without an EC50, a step that failed on one plate); every
        other assay's results are in the tables.
    decoding : polars.DataFrame or None
        Matrix (multi-pool) designs: ``matrix_decoding`` output, one row per effector and
        candidate in two or more pools; None when no candidate is.

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
    problems: tuple[ScreenProblem, ...] = ()
    decoding: pl.DataFrame | None = None

    @property
    def problem_table(self) -> pl.DataFrame:
        """The problems as a table (``problem_table``): code, file, row, plate, well, reason.

        Returns
        -------
        polars.DataFrame
            One row per problem.

        Examples
        --------
        >>> from remission.antigens.screens import demo_screen
        >>> analyse_screen(demo_screen()).problem_table.height
        0
        """
        return problem_table(self.problems)


T = TypeVar("T")


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
    plates, pfile = tables.plates, tables.plates_file
    problems = list(tables.problems)
    rows = dict(plates.group_by("plate").agg(pl.col("_row").min()).iter_rows())

    def guarded(plate: str | None, step: str, left_out: str, work: Callable[[], T]) -> T | None:
        try:
            return work()
        except Exception as exc:  # one assay's failure must not cost the others theirs
            reason = f"{step} failed: {type(exc).__name__}: {exc}"
            row = rows.get(plate)
            problems.append(
                ScreenProblem("analysis.failed", pfile, row, plate, None, reason, left_out)
            )
            return None

    empty = plates.clear()
    by_plate = [(key[0], group) for key, group in plates.group_by("plate", maintain_order=True)]
    calls = _stack(
        [
            guarded(p, "positivity", f"calls of plate {p}", lambda g=g: call_positivity(g, rules))
            for p, g in by_plate
            if (g["readout"] != "cr51_counts").any()
        ],
        call_positivity(empty, rules),
    )
    trail = guarded(
        None, "deconvolution trail", "the trail", lambda: deconvolution_trail(tables.layout, calls)
    )
    if trail is None:
        trail = deconvolution_trail(tables.layout, calls.clear())
    lysis = _stack(
        [
            guarded(p, "% specific lysis", f"lysis of plate {p}", lambda g=g: specific_lysis(g))
            for p, g in by_plate
            if (g["readout"] == "cr51_counts").any()
        ],
        specific_lysis(empty),
    )

    def units_of(group: pl.DataFrame) -> pl.DataFrame:
        return lytic_units(group, percent=lytic_percent, targets_per_well=targets_per_well)

    units = _stack(
        [
            guarded(
                key[0],
                "lytic units",
                f"lytic units of {key[1]} on {key[2]}",
                lambda g=g: units_of(g),
            )
            for key, g in lysis.group_by("plate", "effector", "target", maintain_order=True)
        ],
        units_of(lysis.clear()),
    )
    fits: list[TitrationFit] = []
    for p, g in by_plate:
        found = guarded(
            p, "titration fits", f"titrations of plate {p}", lambda g=g: fit_titrations(g)
        )
        fits.extend(found or [])
    for fit in fits:
        if not fit.usable:
            wells = plates.filter(
                (pl.col("plate") == fit.plate) & (pl.col("antigen") == fit.antigen)
            )
            problems.append(
                ScreenProblem(
                    f"titration.{fit.status}",
                    pfile,
                    wells["_row"].min() if wells.height else rows.get(fit.plate),
                    fit.plate,
                    None,
                    fit.message,
                    f"EC50 of {fit.antigen} on plate {fit.plate}",
                )
            )
    by_name = {f.antigen: f for f in fits}
    comparisons = []
    pairs = tables.layout.filter(pl.col("analog_of").is_not_null()).select("member", "analog_of")
    for analog, natural in pairs.unique(maintain_order=True).iter_rows():
        if analog not in by_name and natural not in by_name:
            continue  # not titrated: nothing to compare
        missing = [name for name in (analog, natural) if name not in by_name]
        unusable = [by_name[n] for n in (analog, natural) if n in by_name and not by_name[n].usable]
        if missing or unusable:
            why = (
                f"{' and '.join(missing)} not titrated"
                if missing
                else "; ".join(
                    f"{f.antigen} has no EC50 ({f.status.replace('_', ' ')})" for f in unusable
                )
            )
            plate = next((by_name[n].plate for n in (analog, natural) if n in by_name), None)
            problems.append(
                ScreenProblem(
                    "analog.no_ec50",
                    pfile,
                    rows.get(plate),
                    plate,
                    None,
                    f"the EC50 ratio of analog {analog} to {natural} needs both EC50s: {why}",
                    f"EC50 ratio {natural} / {analog}",
                )
            )
            continue
        compared = guarded(
            by_name[analog].plate,
            "EC50 comparison",
            f"EC50 ratio {natural} / {analog}",
            lambda a=by_name[analog], n=by_name[natural]: compare_ec50(a, n),
        )
        if compared is not None:
            comparisons.append(compared)
    decoding = guarded(
        None, "matrix decoding", "the decoding", lambda: matrix_decoding(tables.layout, calls)
    )
    identified = trail.filter(pl.col("identified"))["antigen"].unique(maintain_order=True)
    if decoding is not None:
        resolved = decoding.filter(pl.col("call") == "identified")["candidate"]
        identified = pl.concat([identified, resolved]).unique(maintain_order=True)
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
        problems=tuple(problems),
        decoding=decoding,
    )


def _stack(parts: list[pl.DataFrame | None], empty: pl.DataFrame) -> pl.DataFrame:
    """The tables computed, one under the other (``empty`` gives the columns when none)."""
    kept = [p for p in parts if p is not None and p.height]
    return pl.concat(kept, how="vertical_relaxed") if kept else empty


def matrix_decoding(layout: pl.DataFrame, calls: pl.DataFrame) -> pl.DataFrame | None:
    """Decode the candidates that sit in two or more pools (matrix designs), per effector.

    The pools tested are those with a call; a pool is positive when any of its conditions
    is. ``decode_pools`` then gives each candidate's call: ``identified`` (resolved: the
    only consistent candidate of a positive pool, so it must be positive when the calls
    are right), ``ambiguous`` (consistent but not resolved: retest it singly) or
    ``negative``.

    Parameters
    ----------
    layout : polars.DataFrame
        The typed layout.
    calls : polars.DataFrame
        ``call_positivity`` output.

    Returns
    -------
    polars.DataFrame or None
        One row per effector and candidate (effector, candidate, pools, positive_pools,
        consistent, resolved, call); None when no
        candidate is in more than one pool.

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen, call_positivity
    >>> tables = demo_screen()
    >>> matrix_decoding(tables.layout, call_positivity(tables.plates)) is None
    True
    """
    counts = layout.group_by("member").agg(pl.col("pool").n_unique().alias("n"))
    shared = counts.filter(pl.col("n") >= 2)["member"]
    if shared.len() == 0:
        return None
    links = layout.filter(pl.col("member").is_in(shared.to_list())).select("pool", "member")
    tables = []
    per = calls.filter(pl.col("antigen").is_not_null())
    for (effector,), group in per.group_by("effector", maintain_order=True):
        tested = group["antigen"].unique().to_list()
        positive = group.filter(pl.col("positive"))["antigen"].unique().to_list()
        used = links.filter(pl.col("pool").is_in(tested))
        if used.height == 0:
            continue
        table = decode_pools(used, positive, tested).table
        tables.append(
            table.with_columns(
                pl.lit(effector, pl.String).alias("effector"),
                pl.when(pl.col("resolved"))
                .then(pl.lit("identified"))
                .when(pl.col("consistent"))
                .then(pl.lit("ambiguous"))
                .otherwise(pl.lit("negative"))
                .alias("call"),
            ).select(
                "effector", "candidate", "pools", "positive_pools", "consistent", "resolved", "call"
            )
        )
    return pl.concat(tables) if tables else None
