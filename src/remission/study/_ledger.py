"""The dose ledger checked against the study's regimen (part of ``remission validate``).

Impossible ledgers are errors (a cycle that starts before the previous one ended, doses out of
time order); deviations from the protocol are warnings, because they happen at the bedside and
must be analysed, not refused.

Every check looks within a cycle (a patient's course and cycle). The ledger is sorted by cycle
and dose number once, and each cycle is a run of rows, so "the previous dose of the cycle" and
"doses so far in the cycle" are whole-column shifts and cumulative sums reset at each run's
first row (``_in_cycle``), never windows over the three key columns: on 2.7 M doses the
nested window ``cum_sum().over(cycle).shift(1).over(cycle)`` alone took 30 s, its run form
0.1 s.
"""

from __future__ import annotations

import polars as pl

from remission._keys import first_in_group
from remission.protocol import Regimen
from remission.study._checks import report_rows
from remission.study._problems import ProblemLog
from remission.study._read import ROW_COLUMN
from remission.study._schema import Tables


def _stop_reasons(regimen: Regimen) -> list[str]:
    return [c.name for c in regimen.hold_rules.criteria if c.kind == "absolute"]


_RUN = "_cycle_run"
"""The cycle's run number in the sorted ledger (0, 1, 2, ...)."""


def _runs(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """``frame`` (sorted by ``keys``) with ``_RUN``: the number of its run of equal ``keys``.

    Examples
    --------
    >>> f = pl.DataFrame({"p": ["a", "a", "b"], "c": [1, 2, 2]})
    >>> _runs(f, ["p", "c"])[_RUN].to_list()
    [0, 1, 2]
    """
    changed = pl.any_horizontal(pl.col(k).ne_missing(pl.col(k).shift(1)) for k in keys)
    new = changed & (pl.int_range(pl.len()) > 0)
    return frame.with_columns(new.cast(pl.Int64).cum_sum().set_sorted().alias(_RUN))


def _in_order(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """``frame`` sorted by ``keys`` (none of them missing, together unique).

    A ledger written in that order (as ``remission simulate`` and most exports write it) is
    recognised in one pass and kept as it is, which is what sorting would give.

    Examples
    --------
    >>> f = pl.DataFrame({"p": ["b", "a", "a"], "n": [1, 2, 1]})
    >>> _in_order(f, ["p", "n"]).rows()
    [('a', 1), ('a', 2), ('b', 1)]
    """
    after = pl.lit(False)  # whether each row comes after the previous one, key by key
    for key in reversed(keys):
        value, before = pl.col(key), pl.col(key).shift(1)
        after = (value > before) | ((value == before) & after)
    if frame.select(after.fill_null(True).all()).item():
        return frame
    return frame.sort(keys)


def _previous(value: pl.Expr) -> pl.Expr:
    """``value`` of the previous row of the same cycle run; null on a run's first row.

    Examples
    --------
    >>> f = _runs(pl.DataFrame({"c": [1, 1, 2], "x": [5, 6, 7]}), ["c"])
    >>> f.select(_previous(pl.col("x")))["x"].to_list()
    [None, 5, None]
    """
    return pl.when(~first_in_group(_RUN)).then(value.shift(1))


def _so_far(value: pl.Expr) -> pl.Expr:
    """The running sum of the whole numbers ``value`` within each cycle run, this row included.

    Examples
    --------
    >>> f = _runs(pl.DataFrame({"c": [1, 1, 2, 2], "x": [1, 1, 1, 0]}), ["c"])
    >>> f.select(_so_far(pl.col("x")))["x"].to_list()
    [1, 2, 1, 1]
    """
    total = value.cum_sum()
    before_run = pl.when(first_in_group(_RUN)).then(total - value).forward_fill()
    return total - before_run


def check_ledger(frames: Tables, files: dict[str, str], regimen: Regimen, log: ProblemLog) -> None:
    """Check every dose row against ``regimen``; vectorised over all patients."""
    d = frames.get("doses")
    p = frames.get("patients")
    if d is None or d.is_empty():
        return
    cycle = ["patient_id", "course", "cycle"]
    d = _runs(_in_order(d, [*cycle, "dose_number"]), cycle)
    given = pl.col("status") == "given"
    held = pl.col("status") == "held"

    # doses out of time order within a cycle
    order = d.with_columns(_previous(pl.col("scheduled_at")).alias("_prev"))
    report_rows(
        log,
        "error",
        "ledger.dose_order",
        files,
        "doses",
        "scheduled_at",
        order.filter(pl.col("scheduled_at") <= pl.col("_prev")),
        "doses numbered in time order (each scheduled after the previous dose)",
        "correct dose_number or scheduled_at",
    )

    # cycles overlapping: a cycle starting before the previous cycle's last dose
    bounds = (
        d.group_by(_RUN)
        .agg(
            pl.col("patient_id").first(),
            pl.col("course").first(),
            pl.col("scheduled_at").min().alias("_first"),
            pl.col("scheduled_at").max().alias("_last"),
            pl.col("_row").min().alias("_first_row"),
        )
        .sort(_RUN)
    )
    # the previous cycle of the same patient (runs are in patient order)
    same_patient = ~first_in_group("patient_id")
    bounds = bounds.with_columns(
        pl.when(same_patient).then(pl.col("_last").shift(1)).alias("_prev_last"),
        pl.when(same_patient).then(pl.col("course").shift(1)).alias("_prev_course"),
    )

    def first_rows(of_cycles: pl.DataFrame) -> pl.DataFrame:
        """The first ledger row of each of these cycles, in ledger order."""
        return d.filter(pl.col("_row").is_in(of_cycles["_first_row"].implode()))

    overlap_rows = first_rows(bounds.filter(pl.col("_first") <= pl.col("_prev_last")))
    report_rows(
        log,
        "error",
        "ledger.cycles_overlap",
        files,
        "doses",
        "scheduled_at",
        overlap_rows,
        "a cycle that starts after the last dose of the cycle before it",
        "check course and cycle numbers and the dates",
    )

    # a new course too soon after the previous one
    early = bounds.filter(
        (pl.col("course") != pl.col("_prev_course"))
        & (
            (pl.col("_first") - pl.col("_prev_last")).dt.total_days()
            < regimen.min_days_between_courses
        )
    )
    early_rows = first_rows(early)
    report_rows(
        log,
        "warning",
        "ledger.course_too_soon",
        files,
        "doses",
        "scheduled_at",
        early_rows,
        f"a new course at least {regimen.min_days_between_courses} days after the last "
        f"dose of the previous course ({regimen.name})",
        "a protocol deviation to confirm; correct the course number if it is a cycle",
    )

    # more doses given in a cycle than the regimen allows
    counted = d.with_columns(_so_far(given.cast(pl.Int32)).alias("_given_n"))
    report_rows(
        log,
        "warning",
        "ledger.too_many_doses",
        files,
        "doses",
        "dose_number",
        counted.filter(given & (pl.col("_given_n") > regimen.max_doses_per_cycle)),
        f"at most {regimen.max_doses_per_cycle} doses given per cycle ({regimen.name})",
        "a protocol deviation to confirm; check course and cycle numbers",
    )

    # intervals between given doses shorter than the regimen's
    min_minutes = regimen.interval_hours * 60 - regimen.interval_tolerance_minutes
    gaps = _runs(d.filter(given), cycle).with_columns(
        (pl.col("given_at") - _previous(pl.col("given_at"))).dt.total_minutes().alias("_gap")
    )
    report_rows(
        log,
        "warning",
        "ledger.short_interval",
        files,
        "doses",
        "given_at",
        gaps.filter(pl.col("_gap") < min_minutes),
        f"at least {min_minutes / 60:g} h after the previous dose given "
        f"(every {regimen.interval_hours:g} h, {regimen.interval_tolerance_minutes:g} min "
        "tolerance)",
        "a protocol deviation to confirm; check the time",
    )

    # a given dose that is not weight x IU/kg
    if p is not None:
        dose = (
            d.filter(given)
            .select(ROW_COLUMN, "patient_id", "dose_iu")
            .join(p.select("patient_id", "weight_kg"), on="patient_id")
        )
        expected = pl.col("weight_kg") * regimen.dose_iu_per_kg
        off = dose.filter(
            ((pl.col("dose_iu") - expected).abs() / expected) > regimen.dose_tolerance_fraction
        )
        if not off.is_empty():
            first = off.row(0, named=True)
            report_rows(
                log,
                "warning",
                "ledger.dose_mismatch",
                files,
                "doses",
                "dose_iu",
                off,
                f"weight x {regimen.dose_iu_per_kg:,.0f} IU/kg within "
                f"{regimen.dose_tolerance_fraction:.0%} (for {first['weight_kg']:g} kg: "
                f"{first['weight_kg'] * regimen.dose_iu_per_kg:,.0f} IU)",
                "check dose_iu (international units, not MIU) and weight_kg",
            )

    # held doses without a reason
    report_rows(
        log,
        "warning",
        "ledger.hold_without_reason",
        files,
        "doses",
        "hold_reason",
        d.filter(held & pl.col("hold_reason").is_null()),
        "the reason a dose was held",
        "fill in hold_reason (e.g. hypotension)",
    )

    # doses given after the cycle was stopped (absolute criterion or the counting rule)
    stops = _stop_reasons(regimen)
    marked = d.with_columns(_so_far(held.cast(pl.Int32)).alias("_holds"))
    stop_here = held & (
        pl.col("hold_reason")
        .str.split(";")
        .list.eval(pl.element().is_in(stops))
        .list.any()
        .fill_null(False)
        | (pl.col("_holds") >= regimen.hold_rules.holds_to_stop)
    )
    # stops before this dose in its cycle: the running count less this row's own
    stop = stop_here.cast(pl.Int32)
    marked = marked.with_columns((_so_far(stop) - stop).alias("_stopped"))
    report_rows(
        log,
        "warning",
        "ledger.dose_after_stop",
        files,
        "doses",
        "status",
        marked.filter(given & (pl.col("_stopped") > 0)),
        "no dose given after the cycle was stopped (absolute criterion or held dose "
        f"number {regimen.hold_rules.holds_to_stop})",
        "a protocol deviation to confirm; check the hold reasons and the cycle number",
    )
