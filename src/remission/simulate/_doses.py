"""The dose ledger: every scheduled dose of every cycle, given or held, with hold reasons.

Doses given per cycle are drawn around the published means (Phan 2001: 16.2 per course in
responders, 14.5 in non-responders); a cycle ends at the regimen's maximum, or early when an
absolute criterion fires or when a third dose is held (the counting rule of DOMAIN.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from remission.protocol import Regimen
from remission.simulate._arrays import (
    expand,
    group_cumsum,
    patient_ids,
    rank_within,
    text,
    to_datetimes,
)
from remission.simulate._calibration import Calibration
from remission.simulate._cohort import CR_ONGOING, CR_RELAPSED, NE, PR, SD, Cohort

RELATIVE_REASONS = (
    "hypotension",
    "oliguria",
    "creatinine_rise",
    "thrombocytopenia",
    "confusion",
    "hypoxia",
)
RELATIVE_WEIGHTS = np.array([0.35, 0.25, 0.15, 0.1, 0.1, 0.05])
ABSOLUTE_REASONS = (
    "oliguria_below_80ml",
    "creatinine_3mg_dl",
    "acidosis",
    "platelets_below_30k",
    "arrhythmia",
    "respiratory_distress",
)
ABSOLUTE_WEIGHTS = np.array([0.3, 0.2, 0.15, 0.1, 0.15, 0.1])


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
    mean = mean_c1[cp] / per_course - np.where(course > 0, 0.5, 0.0)
    sd = cal.course1_doses_sd / np.sqrt(per_course)
    given = np.clip(np.round(rng.normal(mean, sd)), 1, regimen.max_doses_per_cycle).astype(np.int64)
    ne_cycle = cat[cp] == NE
    given = np.where(ne_cycle, rng.integers(2, 9, len(cp)), given)
    full = given >= regimen.max_doses_per_cycle
    three = rng.random(len(cp)) < 0.6
    holds = np.where(
        full,
        rng.choice([0, 1, 2], size=len(cp), p=[0.5, 0.35, 0.15]),
        np.where(three, 3, rng.integers(1, 3, len(cp))),
    )
    stop = ~full
    absolute_stop = stop & (holds < 3)

    length = given + holds
    dp, di = expand(length)
    last = di == length[dp] - 1
    candidate = (di >= 1) & ~last
    key = np.where(candidate, rng.random(len(dp)), 2.0)
    rank = rank_within(dp, key, len(cp))
    n_random = np.where(stop, holds - 1, holds)
    held = (candidate & (rank < n_random[dp])) | (last & stop[dp])

    reason = np.where(
        held,
        np.asarray(RELATIVE_REASONS, dtype=object)[
            rng.choice(len(RELATIVE_REASONS), size=len(dp), p=RELATIVE_WEIGHTS)
        ],
        None,
    )
    abs_row = held & last & absolute_stop[dp]
    reason[abs_row] = np.asarray(ABSOLUTE_REASONS, dtype=object)[
        rng.choice(len(ABSOLUTE_REASONS), size=int(abs_row.sum()), p=ABSOLUTE_WEIGHTS)
    ]

    interval_min = int(regimen.interval_hours * 60)
    sched = cycle_start_min[dp] + di * interval_min
    given_min = sched + rng.integers(0, 31, len(dp))
    weight = c.weight_kg[cp[dp]]
    dose_iu = np.round(weight * regimen.dose_iu_per_kg, -4)

    pid = patient_ids(n)
    sched_dt = to_datetimes(cal.first_start, sched)
    given_dt = to_datetimes(cal.first_start, given_min)
    doses = pl.DataFrame(
        {
            "patient_id": pid[cp[dp]],
            "course": course[dp] + 1,
            "cycle": cycle[dp] + 1,
            "dose_number": di + 1,
            "scheduled_at": sched_dt,
            "status": np.where(held, "held", "given"),
            "given_at": given_dt,
            "dose_iu": dose_iu,
            "hold_reason": text(reason),
        },
    ).with_columns(
        pl.when(pl.col("status") == "given").then(pl.col("given_at")).alias("given_at"),
        pl.when(pl.col("status") == "given").then(pl.col("dose_iu")).alias("dose_iu"),
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
