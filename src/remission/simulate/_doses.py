"""The dose ledger: every scheduled dose of every cycle, given or held, with hold reasons.

Holds come from the regimen's own hold and stop rules (``remission.protocol.check_dose``):
each cycle has a latent tolerance (in doses); toxicity rises with every scheduled dose, and
the bedside observations it drives (urine output, creatinine, platelets, phenylephrine need,
bicarbonate, rare arrhythmia, intubation or infection) are checked dose by dose. A relative
criterion holds a dose, an absolute one stops the cycle, the third held dose stops it too.
Tolerances are calibrated so that doses given per course match the published means (Phan
2001: 16.2 in responders, 14.5 in non-responders).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from remission.protocol import Regimen, check_dose
from remission.simulate._arrays import expand, group_cumsum, labels, to_datetimes
from remission.simulate._calibration import Calibration
from remission.simulate._cohort import CR_ONGOING, CR_RELAPSED, NE, PR, SD, Cohort

# Tolerance (doses a cycle can take before relative criteria start firing), per cycle; the
# means were tuned on simulated cohorts so the given doses per cycle meet the calibration.
TOLERANCE_OFFSET = 0.45
TOLERANCE_SD = 1.45


@dataclass
class DoseRecords:
    """The ledger and the per-cycle timing the lab generator needs."""

    doses: pl.DataFrame
    cycle_patient: np.ndarray
    cycle_course: np.ndarray
    cycle_start_min: np.ndarray  # minutes since the first possible start
    cycle_last_given_min: np.ndarray
    course1_given: np.ndarray
    total_given: np.ndarray
    total_iu: np.ndarray
    n_courses: np.ndarray


def build_doses(
    cal: Calibration, c: Cohort, regimen: Regimen, rng: np.random.Generator
) -> DoseRecords:
    """Generate the dose ledger of every patient at once."""
    n = c.n
    cat = c.category
    is_cr = (cat == CR_ONGOING) | (cat == CR_RELAPSED)
    n_courses = np.select(
        [is_cr, cat == PR, cat == SD],
        [rng.integers(2, 5, n), rng.integers(2, 4, n), np.full(n, 2)],
        1,
    )
    per_course = regimen.cycles_per_course
    n_cycles = np.where(cat == NE, 1, n_courses * per_course)

    # course starts: day 0, then every 70-84 days (next course after 10-12 weeks)
    kp, kc = expand(n_courses)
    gap = np.where(kc == 0, 0, rng.integers(70, 85, len(kp)))
    course_day = c.start_day[kp] + group_cumsum(gap, n_courses)
    course_offset = np.cumsum(n_courses) - n_courses

    cp, ci = expand(n_cycles)
    course = ci // per_course
    cycle = ci % per_course
    hour = rng.integers(8, 21, n)[cp]
    rest = rng.integers(13, 18, len(cp))
    cycle_start_min = (
        course_day[course_offset[cp] + course] + np.where(cycle > 0, rest, 0)
    ) * 1440 + hour * 60

    mean_c1 = np.select(
        [is_cr, cat == PR], [cal.course1_doses_cr_mean, 16.0], cal.course1_doses_other_mean
    )
    mean = mean_c1[cp] / per_course - np.where(course > 0, 0.5, 0.0) + TOLERANCE_OFFSET
    tolerance = np.maximum(rng.normal(mean, TOLERANCE_SD), 1.2)
    tolerance = np.where(cat[cp] == NE, rng.uniform(1.5, 7.0, len(cp)), tolerance)

    # every possible slot of every cycle: enough to give the maximum with holds in between
    slots = regimen.max_doses_per_cycle + regimen.hold_rules.holds_to_stop
    sp, sk = expand(np.full(len(cp), slots))
    obs = _observations(sp, sk, tolerance, rng)
    first = check_dose(obs, regimen.hold_rules)
    shape = (len(cp), slots)  # one row per cycle: cumulative counts along the slots
    held_first = (first["action"] == "hold").to_numpy().reshape(shape).astype(np.int64)
    holds_before = (np.cumsum(held_first, axis=1) - held_first).ravel()
    # the first pass counted no earlier holds: only the slots after a hold are checked again
    again = np.flatnonzero(holds_before > 0)
    rechecked = check_dose(
        obs[again].with_columns(pl.Series("holds_so_far", holds_before[again])),
        regimen.hold_rules,
    )
    action = first["action"].scatter(again, rechecked["action"])

    # the cycle ends at the first stop, or when the maximum number of doses has been given
    give = (action == "give").to_numpy().reshape(shape)
    ends = (action == "stop").to_numpy().reshape(shape) | (
        give & (np.cumsum(give, axis=1) >= regimen.max_doses_per_cycle)
    )
    keep = ((np.cumsum(ends, axis=1) - ends) == 0).ravel()
    dp, di = sp[keep], sk[keep]
    held = ~give.ravel()[keep]
    # the decisive criterion
    fired = first["fired"].list.first().scatter(again, rechecked["fired"].list.first())
    reason = fired.filter(pl.Series(keep))

    interval_min = int(regimen.interval_hours * 60)
    sched = cycle_start_min[dp] + di * interval_min
    given_min = sched + rng.integers(0, 31, len(dp))
    weight = c.weight_kg[cp[dp]]
    dose_iu = np.round(weight * regimen.dose_iu_per_kg, -4)

    sched_dt = to_datetimes(cal.first_start, sched)
    given_dt = to_datetimes(cal.first_start, given_min)
    doses = pl.DataFrame(
        {
            "patient_id": c.ids.gather(cp[dp]),
            "course": course[dp] + 1,
            "cycle": cycle[dp] + 1,
            "dose_number": di + 1,
            "scheduled_at": sched_dt,
            "status": labels(("given", "held"), held),
            "given_at": given_dt,
            "dose_iu": dose_iu,
            "hold_reason": reason,
        },
    ).with_columns(
        pl.when(pl.col("status") == "given").then(pl.col("given_at")).alias("given_at"),
        pl.when(pl.col("status") == "given").then(pl.col("dose_iu")).alias("dose_iu"),
        pl.when(pl.col("status") == "held").then(pl.col("hold_reason")).alias("hold_reason"),
    )

    last_given = np.full(len(cp), -1, dtype=np.int64)
    np.maximum.at(last_given, dp[~held], sched[~held])
    gives = (~held).astype(np.int64)
    patient_of_row = cp[dp]
    total_given = np.bincount(patient_of_row, weights=gives, minlength=n).astype(np.int64)
    course1_given = np.bincount(
        patient_of_row, weights=gives * (course[dp] == 0), minlength=n
    ).astype(np.int64)
    total_iu = np.bincount(patient_of_row, weights=np.where(held, 0.0, dose_iu), minlength=n)
    return DoseRecords(
        doses=doses,
        cycle_patient=cp,
        cycle_course=course + 1,
        cycle_start_min=cycle_start_min,
        cycle_last_given_min=last_given,
        course1_given=course1_given,
        total_given=total_given,
        total_iu=total_iu,
        n_courses=n_courses,
    )


def _observations(
    cycle: np.ndarray, slot: np.ndarray, tolerance: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    """Bedside observations at every slot: toxicity rises with each scheduled dose."""
    n = len(cycle)
    severity = (slot + 1) / tolerance[cycle] + rng.normal(0, 0.12, n)

    def x() -> np.ndarray:
        return severity + rng.normal(0, 0.10, n)

    return pl.DataFrame(
        {
            "urine_ml_per_8h": 600 - 400 * x(),
            "creatinine_mg_dl": 0.9 + 1.4 * x(),
            "platelets_per_ul": 260_000 - 180_000 * x(),
            "phenylephrine_ug_kg_min": np.clip(2.0 * (x() - 0.6), 0, 1.5),
            "bicarbonate_mmol_l": 26 - 6 * x(),
            "arrhythmia": (rng.random(n) < 0.003 * (severity > 0.9)).astype(float),
            "intubation": (rng.random(n) < 0.0005 * (severity > 1.0)).astype(float),
            "infection": (rng.random(n) < 0.001).astype(float),
        }
    )
