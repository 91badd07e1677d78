"""Dose arithmetic and schedules: IU for a weight, reconstituted volume, vials, date-times.

FOR RESEARCH USE ONLY. Every figure must be checked by the treating team (two-person
verification) before any dose is prepared or given.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import polars as pl

from remission.protocol._regimen import Regimen

VIAL_IU = 22_000_000
"""International units in one aldesleukin vial (22 million IU, 1.3 mg; Proleukin label)."""

CONCENTRATION_IU_PER_ML = 18_000_000
"""Concentration after reconstitution with 1.2 mL sterile water: 18 million IU (1.1 mg) per mL."""

IU_PER_MG = 18_000_000 / 1.1
"""International units per mg of aldesleukin (18 MIU per 1.1 mg; about 16.4 MIU/mg)."""

RESEARCH_USE = (
    "FOR RESEARCH USE ONLY - not a clinical dosing tool. Every dose must be calculated and "
    "verified independently by the treating team (two-person check) before it is prepared "
    "or given."
)


@dataclass(frozen=True)
class DoseCalculation:
    """One dose of a regimen for one body weight.

    Parameters
    ----------
    weight_kg : float
        Dosing weight.
    dose_iu_per_kg : float
        The regimen's dose per kg.
    dose_iu : float
        Weight x dose per kg.
    volume_ml : float
        Volume of reconstituted drug (18 MIU/mL) holding the dose.
    vials : int
        22-MIU vials opened for the dose (vials are single-use).
    waste_iu : float
        Units left in the opened vials.

    Examples
    --------
    >>> calculate_dose(82, 720_000).volume_ml
    3.28
    """

    weight_kg: float
    dose_iu_per_kg: float
    dose_iu: float
    volume_ml: float
    vials: int
    waste_iu: float

    @property
    def dose_miu(self) -> float:
        """The dose in million IU."""
        return self.dose_iu / 1e6


def calculate_dose(weight_kg: float, dose_iu_per_kg: float | Regimen) -> DoseCalculation:
    """Calculate one dose for a weight: IU, reconstituted volume, vials and waste.

    FOR RESEARCH USE ONLY; verify every dose by two-person check in the clinic.

    Parameters
    ----------
    weight_kg : float
        Body weight in kilograms (20-300).
    dose_iu_per_kg : float or Regimen
        Dose per kg in international units, or a regimen to take it from.

    Returns
    -------
    DoseCalculation
        The dose, rounded only for display (IU exact, mL to 0.01 mL).

    Raises
    ------
    ValueError
        For a weight outside 20-300 kg (pounds are refused with the conversion) or a
        non-positive dose.

    Examples
    --------
    >>> d = calculate_dose(70, 600_000)
    >>> d.dose_iu, d.volume_ml, d.vials, d.waste_iu
    (42000000.0, 2.33, 2, 2000000.0)
    """
    per_kg = (
        dose_iu_per_kg.dose_iu_per_kg if isinstance(dose_iu_per_kg, Regimen) else dose_iu_per_kg
    )
    if not 20 <= weight_kg <= 300:
        raise ValueError(
            f"weight {weight_kg} kg is outside 20-300 kg; weights are in kg "
            f"(if {weight_kg} is pounds, that is {weight_kg / 2.2046:.1f} kg)"
        )
    if per_kg <= 0:
        raise ValueError("the dose per kg must be above 0 IU/kg")
    dose = float(weight_kg) * float(per_kg)
    vials = math.ceil(round(dose / VIAL_IU, 9))
    return DoseCalculation(
        weight_kg=float(weight_kg),
        dose_iu_per_kg=float(per_kg),
        dose_iu=dose,
        volume_ml=round(dose / CONCENTRATION_IU_PER_ML, 2),
        vials=vials,
        waste_iu=vials * VIAL_IU - dose,
    )


def dose_schedule(
    regimen: Regimen, weight_kg: float, start: dt.datetime, courses: int = 1
) -> pl.DataFrame:
    """Return the full schedule of a regimen from a start date-time: one row per dose.

    Cycle ``k + 1`` starts ``regimen.days_between_cycle_starts`` days after cycle ``k``, at the
    same time of day; a new course starts ``min_days_between_courses`` days after the last
    dose of the previous one. Doses are the maximum the regimen allows; at the bedside doses
    are held or cycles stopped by the hold rules.

    FOR RESEARCH USE ONLY; verify every dose by two-person check in the clinic.

    Parameters
    ----------
    regimen : Regimen
        The regimen.
    weight_kg : float
        Body weight in kilograms.
    start : datetime.datetime
        Date and time of the first dose.
    courses : int
        Number of courses to lay out.

    Returns
    -------
    polars.DataFrame
        Columns course, cycle, dose_number, scheduled_at, infusion_ends_at, dose_iu,
        volume_ml, vials.

    Examples
    --------
    >>> import datetime as dt
    >>> from remission.protocol import get_regimen
    >>> s = dose_schedule(get_regimen("nci-hd-il2-720k"), 82, dt.datetime(2026, 12, 1, 8))
    >>> s.height, str(s["scheduled_at"][14]), str(s["scheduled_at"][15])
    (30, '2026-12-06 00:00:00', '2026-12-15 08:00:00')
    """
    dose = calculate_dose(weight_kg, regimen)
    rows = []
    course_start = start
    for course in range(1, courses + 1):
        last = course_start
        for cycle in range(1, regimen.cycles_per_course + 1):
            cycle_start = course_start + dt.timedelta(
                days=(cycle - 1) * regimen.days_between_cycle_starts
            )
            for number in range(1, regimen.max_doses_per_cycle + 1):
                at = cycle_start + dt.timedelta(hours=(number - 1) * regimen.interval_hours)
                rows.append(
                    (course, cycle, number, at, at + dt.timedelta(minutes=regimen.infusion_minutes))
                )
                last = at
        course_start = last + dt.timedelta(days=regimen.min_days_between_courses)
    frame = pl.DataFrame(
        rows,
        schema={
            "course": pl.Int64,
            "cycle": pl.Int64,
            "dose_number": pl.Int64,
            "scheduled_at": pl.Datetime("us"),
            "infusion_ends_at": pl.Datetime("us"),
        },
        orient="row",
    )
    return frame.with_columns(
        pl.lit(dose.dose_iu).alias("dose_iu"),
        pl.lit(dose.volume_ml).alias("volume_ml"),
        pl.lit(dose.vials, dtype=pl.Int64).alias("vials"),
    )
