"""Absolute lymphocyte counts before, during and after every cycle.

IL-2 causes a profound lymphopenia during dosing and a rebound lymphocytosis peaking 2-3
days after the last dose; complete responders rebound higher (Phan 2001). Draws: the day
before a cycle (07:30), days 1 and 3 of dosing (06:00), and days 1, 2, 3, 5 and 7 after the
last dose (06:00). Patients treated from 1992 on have counts in 10^9/L (the laboratory's
change of reporting unit), earlier ones in cells/uL: the derivation must harmonise them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from remission.simulate._arrays import expand, labels, to_datetimes
from remission.simulate._calibration import Calibration
from remission.simulate._cohort import CR_ONGOING, CR_RELAPSED, Cohort
from remission.simulate._doses import DoseRecords

SI_UNITS_FROM = dt.date(1992, 1, 1)
POST_DAYS = np.array([1, 2, 3, 5, 7])
POST_SHAPE = np.array([0.55, 0.9, 1.0, 0.65, 0.35])


@dataclass
class LabRecords:
    """The labs table and the rebound truth per patient (cells/uL, after rounding)."""

    labs: pl.DataFrame
    max_rebound_per_ul: np.ndarray
    max_rebound_course1_per_ul: np.ndarray
    baseline_per_ul: np.ndarray


def build_labs(cal: Calibration, c: Cohort, d: DoseRecords, rng: np.random.Generator) -> LabRecords:
    """Generate lymphocyte counts for every cycle of every patient at once."""
    n = c.n
    is_cr = (c.category == CR_ONGOING) | (c.category == CR_RELAPSED)
    baseline = np.exp(rng.normal(np.log(1500), 0.3, n))
    peak_med = np.where(is_cr, cal.rebound_median_cr_per_ul, cal.rebound_median_other_per_ul)
    peak_p = np.exp(rng.normal(np.log(peak_med), cal.rebound_sdlog))

    ncyc = len(d.cycle_patient)
    cp = d.cycle_patient
    peak_c = np.maximum(peak_p[cp] * np.exp(rng.normal(0, 0.12, ncyc)), 1.3 * baseline[cp])
    start_day = d.cycle_start_min // 1440
    last_day = d.cycle_last_given_min // 1440

    slots = 8  # pre, dosing day 1, dosing day 3, post 1/2/3/5/7
    lc, ls = expand(np.full(ncyc, slots))
    minute = np.select(
        [ls == 0, ls == 1, ls == 2],
        [
            (start_day[lc] - 1) * 1440 + 450,
            (start_day[lc] + 1) * 1440 + 360,
            (start_day[lc] + 3) * 1440 + 360,
        ],
        (last_day[lc] + POST_DAYS[np.clip(ls - 3, 0, 4)]) * 1440 + 360,
    )
    during = (ls == 1) | (ls == 2)
    # a cycle stopped before any dose was given has only its baseline draw (no IL-2, no rebound)
    given_any = d.cycle_last_given_min[lc] >= 0
    keep = ((~during) | (minute < d.cycle_last_given_min[lc])) & (given_any | (ls == 0))
    b = baseline[cp[lc]]
    value = np.select(
        [ls == 0, during],
        [b * np.exp(rng.normal(0, 0.08, len(lc))), b * rng.uniform(0.08, 0.25, len(lc))],
        b
        + (peak_c[lc] - b)
        * POST_SHAPE[np.clip(ls - 3, 0, 4)]
        * np.exp(rng.normal(0, 0.06, len(lc))),
    )
    lc, ls, minute, value = lc[keep], ls[keep], minute[keep], value[keep]
    patient = cp[lc]
    start_dates = np.datetime64(cal.first_start, "D") + c.start_day.astype("timedelta64[D]")
    si = start_dates[patient] >= np.datetime64(SI_UNITS_FROM, "D")
    reported = np.where(si, np.round(value / 1000, 2), np.round(value, -1))
    per_ul = np.where(si, reported * 1000, reported)

    post = ls >= 3
    max_rebound = np.zeros(n)
    np.maximum.at(max_rebound, patient[post], per_ul[post])
    c1 = post & (d.cycle_course[lc] == 1)
    max_c1 = np.zeros(n)
    np.maximum.at(max_c1, patient[c1], per_ul[c1])
    # baseline: the draw before the first cycle in which a dose was actually given
    pre1 = (ls == 0) & (d.cycle_last_given_min[lc] >= 0)
    base_seen = np.full(n, np.nan)
    first_pre = np.unique(patient[pre1], return_index=True)
    base_seen[first_pre[0]] = per_ul[pre1][first_pre[1]]

    labs = pl.DataFrame(
        {
            "patient_id": c.ids.gather(patient),
            "drawn_at": to_datetimes(cal.first_start, minute),
            "analyte": pl.repeat("lymphocytes", len(lc), eager=True),
            "value": reported,
            "unit": labels(("cells/uL", "10^9/L"), si),
        }
    ).sort(["patient_id", "drawn_at"])
    return LabRecords(labs, max_rebound, max_c1, base_seen)
