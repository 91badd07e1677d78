"""The dose ledger checked against the study's regimen (part of ``remission validate``).

Impossible ledgers are errors (a cycle that starts before the previous one ended, doses out of
time order); deviations from the protocol are warnings, because they happen at the bedside and
must be analysed, not refused.
"""

from __future__ import annotations

import polars as pl

from remission.protocol import Regimen
from remission.study._checks import report_rows
from remission.study._problems import ProblemLog
from remission.study._schema import Tables


def _stop_reasons(regimen: Regimen) -> list[str]:
    return [c.name for c in regimen.hold_rules.criteria if c.kind == "absolute"]


def check_ledger(frames: Tables, files: dict[str, str], regimen: Regimen, log: ProblemLog) -> None:
    """Check every dose row against ``regimen``; vectorised over all patients."""
    d = frames.get("doses")
    p = frames.get("patients")
    if d is None or d.is_empty():
        return
    cycle = ["patient_id", "course", "cycle"]
    d = d.sort([*cycle, "dose_number"])
    given = pl.col("status") == "given"
    held = pl.col("status") == "held"

    # doses out of time order within a cycle
    order = d.with_columns(pl.col("scheduled_at").shift(1).over(cycle).alias("_prev"))
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
        d.group_by(cycle)
        .agg(
            pl.col("scheduled_at").min().alias("_first"),
            pl.col("scheduled_at").max().alias("_last"),
            pl.col("_row").min().alias("_first_row"),
        )
        .sort(cycle)
    )
    bounds = bounds.with_columns(
        pl.col("_last").shift(1).over("patient_id").alias("_prev_last"),
        pl.col("course").shift(1).over("patient_id").alias("_prev_course"),
    )

    def first_rows(of_cycles: pl.DataFrame) -> pl.DataFrame:
        """The first ledger row of each of these cycles."""
        return d.join(of_cycles.select(*cycle, "_first_row"), on=cycle).filter(
            pl.col("_row") == pl.col("_first_row")
        )

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
    counted = d.with_columns(given.cast(pl.Int32).cum_sum().over(cycle).alias("_given_n"))
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
    gaps = d.filter(given).with_columns(
        ((pl.col("given_at") - pl.col("given_at").shift(1).over(cycle)).dt.total_minutes()).alias(
            "_gap"
        )
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
        dose = d.filter(given).join(p.select("patient_id", "weight_kg"), on="patient_id")
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
    marked = d.with_columns(held.cast(pl.Int32).cum_sum().over(cycle).alias("_holds"))
    stop_here = held & (
        pl.col("hold_reason")
        .str.split(";")
        .list.eval(pl.element().is_in(stops))
        .list.any()
        .fill_null(False)
        | (pl.col("_holds") >= regimen.hold_rules.holds_to_stop)
    )
    marked = marked.with_columns(
        stop_here.cast(pl.Int32)
        .cum_sum()
        .over(cycle)
        .shift(1)
        .over(cycle)
        .fill_null(0)
        .alias("_stopped")
    )
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
