"""Patients of the synthetic cohort: starts, cut-off, outcome categories and their timing.

Everything is drawn for all patients at once (numpy arrays indexed by patient), never in a
Python loop per patient.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import polars as pl

from remission._units import DAYS_PER_MONTH, DAYS_PER_YEAR
from remission.simulate._arrays import patient_ids
from remission.simulate._calibration import Calibration

# Outcome categories, as integer codes of the arrays below.
CR_ONGOING, CR_RELAPSED, PR, SD, PD, NE = range(6)
CATEGORY_NAMES = ("CR_ONGOING", "CR_RELAPSED", "PR", "SD", "PD", "NE")
BOR_OF_CATEGORY = ("CR", "CR", "PR", "SD", "PD", "NE")

MELANOMA, RENAL = 0, 1
HISTOLOGY_NAMES = ("melanoma", "renal")

# Days after treatment start of the scheduled tumor assessments: about every 8 weeks in the
# first year, every 16 weeks to 3 years, then every 26 weeks (NCI practice of the era).
GRID_DAYS = np.array(
    [56, 112, 168, 238, 308, 365, 477, 589, 701, 813, 925, 1037, *range(1100, 8000, 182)],
    dtype=np.int64,
)


@dataclass
class Cohort:
    """Patient-level draws shared by every record generator."""

    n: int
    ids: pl.Series  # patient identifiers, in order of treatment start
    start_day: np.ndarray  # days since the first possible start
    cutoff_day: int
    followup_days: np.ndarray  # potential follow-up: cut-off minus start
    histology: np.ndarray
    category: np.ndarray
    # assessment plan (indices into GRID_DAYS; -1 = none)
    k_cr: np.ndarray  # first CR assessment
    k_pd: np.ndarray  # PD (or relapse) assessment
    n_regular: np.ndarray  # number of grid assessments
    final_day: np.ndarray  # extra last assessment day (ongoing CR), -1 if none
    death_day: np.ndarray  # -1 if alive at cut-off
    last_alive_day: np.ndarray
    weight_kg: np.ndarray
    sc_only: np.ndarray

    def part(self, lo: int, hi: int) -> Cohort:
        """Patients ``lo`` to ``hi - 1``: the record generators work within one patient."""
        arrays = {
            f.name: getattr(self, f.name)[lo:hi]
            for f in fields(self)
            if isinstance(getattr(self, f.name), np.ndarray)
        }
        return replace(self, n=hi - lo, ids=self.ids.slice(lo, hi - lo), **arrays)


def _pick(
    rng: np.random.Generator, preferred: np.ndarray, k: int, fallback: np.ndarray
) -> np.ndarray:
    """Choose ``k`` patients from ``preferred``; top up from ``fallback`` when it is short.

    Small cohorts may lack patients with the follow-up a category prefers; they then get the
    closest available, and the published extremes are only met by cohorts large enough.
    """
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if len(preferred) >= k:
        return rng.choice(preferred, size=k, replace=False)
    rest = np.setdiff1d(fallback, preferred)
    if len(preferred) + len(rest) < k:
        raise ValueError(f"cannot place {k} patients in a category; simulate more patients")
    return np.concatenate([preferred, rng.choice(rest, size=k - len(preferred), replace=False)])


def _assign_categories(
    cal: Calibration, rng: np.random.Generator, histology: np.ndarray, fu_months: np.ndarray
) -> tuple[np.ndarray, int, int]:
    """Return categories and the two patients pinned to the shortest and longest ongoing CR."""
    n = len(histology)
    cat = np.full(n, -1, dtype=np.int64)
    cr = {MELANOMA: cal.cr_melanoma, RENAL: cal.cr_renal}
    pr = {MELANOMA: cal.pr_melanoma, RENAL: cal.pr_renal}
    n_cr = cal.cr_melanoma + cal.cr_renal
    ongoing_total = cal.cr_ongoing
    ongoing = {MELANOMA: round(ongoing_total * cal.cr_melanoma / max(n_cr, 1))}
    ongoing[RENAL] = ongoing_total - ongoing[MELANOMA]
    relapsed = {h: cr[h] - ongoing[h] for h in cr}

    def with_room() -> np.ndarray:
        return (cat < 0) & np.isin(histology, [h for h in ongoing if ongoing[h] > 0])

    pin_max = pin_min = -1
    if ongoing_total >= 1:
        # the longest ongoing CR: one of the earliest starts (else the earliest there is)
        room = with_room()
        longest = np.flatnonzero(room)[np.argsort(-fu_months[room])][:1]
        pool = np.flatnonzero(room & (fu_months >= cal.ongoing_max_months + 1.0))
        pin_max = int(_pick(rng, pool, 1, longest)[0])
        ongoing[int(histology[pin_max])] -= 1
        cat[pin_max] = CR_ONGOING
    if ongoing_total >= 2:
        lo, hi = cal.ongoing_min_months + 1.0, cal.ongoing_min_months + 6.0
        room = with_room()
        pool = np.flatnonzero(room & (fu_months >= lo) & (fu_months <= hi))
        if len(pool):
            pin_min = int(_pick(rng, pool, 1, pool)[0])
            ongoing[int(histology[pin_min])] -= 1
            cat[pin_min] = CR_ONGOING
    for h in (MELANOMA, RENAL):
        free = np.flatnonzero((cat < 0) & (histology == h))
        preferred = free[(fu_months[free] > 48) & (fu_months[free] < 146)]
        cat[_pick(rng, preferred, ongoing[h], free)] = CR_ONGOING
        free = np.flatnonzero((cat < 0) & (histology == h))
        cat[_pick(rng, free[fu_months[free] > 24], relapsed[h], free)] = CR_RELAPSED
        free = np.flatnonzero((cat < 0) & (histology == h))
        cat[_pick(rng, free, pr[h], free)] = PR
    rest = np.flatnonzero(cat < 0)
    u = rng.random(len(rest))
    cat[rest] = np.where(u < 0.04, NE, np.where(u < 0.32, SD, PD))
    return cat, pin_min, pin_max


def build_cohort(cal: Calibration, rng: np.random.Generator) -> Cohort:
    """Draw every patient-level quantity of the cohort."""
    n = cal.n_patients
    span = (cal.last_start - cal.first_start).days + 1
    start_day = np.floor((np.arange(n) + rng.random(n)) / n * span).astype(np.int64)
    mid = (
        np.sort(start_day)[(n - 1) // 2]
        if n % 2
        else int(np.sort(start_day)[n // 2 - 1 : n // 2 + 1].mean())
    )
    cutoff_day = int(mid + round(cal.median_potential_followup_years * DAYS_PER_YEAR))
    fu_days = cutoff_day - start_day
    fu_months = fu_days / DAYS_PER_MONTH

    histology = np.full(n, RENAL, dtype=np.int64)
    histology[rng.permutation(n)[: cal.n_melanoma]] = MELANOMA
    cat, pin_min, pin_max = _assign_categories(cal, rng, histology, fu_months)

    # --- assessment plan -------------------------------------------------------------
    n_grid = len(GRID_DAYS)
    k_cr = np.full(n, -1, dtype=np.int64)
    k_pd = np.full(n, -1, dtype=np.int64)
    is_cr = (cat == CR_ONGOING) | (cat == CR_RELAPSED)
    k_cr[is_cr] = np.where(rng.random(int(is_cr.sum())) < 0.4, 0, 1)
    k_pd[cat == PD] = 0
    sd = cat == SD
    k_pd[sd] = rng.integers(1, 5, int(sd.sum()))
    pr = cat == PR
    pr_pd = rng.integers(3, 9, int(pr.sum()))
    k_pd[pr] = np.where(rng.random(int(pr.sum())) < 0.25, -1, pr_pd)  # a quarter stay in PR
    rel = cat == CR_RELAPSED
    # relapse 10 to ~40 months after start, at least two assessments after the CR, before cut-off
    last_ok = np.searchsorted(GRID_DAYS, fu_days - 60, side="right") - 1
    hi = np.minimum(np.searchsorted(GRID_DAYS, 1300, side="right") - 1, last_ok)
    lo = np.maximum(4, k_cr + 2)
    k_pd[rel] = lo[rel] + np.floor(rng.random(int(rel.sum())) * (hi[rel] - lo[rel] + 1)).astype(
        np.int64
    )

    # grid assessments that fit before the cut-off (7-day margin) ...
    fits = np.searchsorted(GRID_DAYS, fu_days - 7, side="right")
    n_regular = np.where(k_pd >= 0, np.minimum(k_pd + 1, fits), fits)
    # ... ongoing PR patients stop being scanned a little before the cut-off (with the same
    # margin: a scan is up to 7 days off its grid day, and never after the cut-off)
    gap = np.maximum(rng.integers(0, 61, n), 7)
    n_regular = np.where(
        pr & (k_pd < 0), np.searchsorted(GRID_DAYS, fu_days - gap, side="right"), n_regular
    )
    n_regular[cat == NE] = 0

    # ongoing CR: the last scan a little before the cut-off, the pinned two exactly on target
    final_day = np.full(n, -1, dtype=np.int64)
    ong = cat == CR_ONGOING
    final_day[ong] = fu_days[ong] - rng.integers(10, 61, int(ong.sum()))
    if pin_max >= 0:
        target = round(cal.ongoing_max_months * DAYS_PER_MONTH)
        final_day[pin_max] = min(target, int(fu_days[pin_max]) - 30)
    if pin_min >= 0:
        final_day[pin_min] = round(cal.ongoing_min_months * DAYS_PER_MONTH)
    n_regular[ong] = np.searchsorted(GRID_DAYS, final_day[ong] - 40, side="right")
    n_regular = np.minimum(n_regular, n_grid)

    # --- deaths and contacts ---------------------------------------------------------
    pd_seen = (k_pd >= 0) & (k_pd < n_regular)
    pd_day = np.where(pd_seen, GRID_DAYS[np.clip(k_pd, 0, n_grid - 1)] + 7, -1)
    median_os_after_pd = np.where(histology == MELANOMA, 7.0, 11.0) * DAYS_PER_MONTH
    survive = np.maximum(14, np.round(rng.exponential(median_os_after_pd / np.log(2)))).astype(
        np.int64
    )
    death_day = np.where(pd_seen, pd_day + survive, -1)
    ne = cat == NE
    death_day[ne] = rng.integers(25, 61, int(ne.sum()))
    death_day = np.where(death_day > fu_days, -1, death_day)

    last_scan = np.where(
        final_day >= 0,
        final_day,
        np.where(n_regular > 0, GRID_DAYS[np.clip(n_regular - 1, 0, n_grid - 1)] + 7, 0),
    )
    contact = np.maximum(fu_days - rng.integers(0, 61, n), last_scan + 1)
    contact = np.minimum(contact, fu_days)
    last_alive_day = np.where(death_day >= 0, death_day, contact)

    weight = np.clip(rng.normal(np.where(histology == MELANOMA, 77.0, 80.0), 14.0), 45, 140)
    sc_p = np.select([is_cr, pr], [0.30, 0.20], 0.07)
    sc_only = (histology == MELANOMA) & (rng.random(n) < sc_p)
    return Cohort(
        n=n,
        ids=pl.Series("patient_id", patient_ids(n), dtype=pl.String),
        start_day=start_day,
        cutoff_day=cutoff_day,
        followup_days=fu_days,
        histology=histology,
        category=cat,
        k_cr=k_cr,
        k_pd=k_pd,
        n_regular=n_regular,
        final_day=final_day,
        death_day=death_day,
        last_alive_day=last_alive_day,
        weight_kg=np.round(weight, 1),
        sc_only=sc_only,
    )
