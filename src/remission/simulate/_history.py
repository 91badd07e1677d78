"""Prior therapies: surgery, chemotherapy, radiotherapy and, for some, immunotherapy.

The share with prior immunotherapy is fixed exactly per group (complete responders vs the
rest, ``Calibration.prior_immunotherapy_*``) so that the paper's association holds for any
seed; which patients have it is random.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from remission.simulate._arrays import text, to_dates
from remission.simulate._calibration import Calibration
from remission.simulate._cohort import CR_ONGOING, CR_RELAPSED, MELANOMA, Cohort

IMMUNOTHERAPY = {
    MELANOMA: ("interferon alfa-2b", "melanoma cell vaccine", "low-dose interleukin-2", "BCG"),
    1: ("interferon alfa-2a", "low-dose interleukin-2", "LAK cells"),
}
CHEMOTHERAPY = {
    MELANOMA: ("dacarbazine", "cisplatin, vinblastine, dacarbazine"),
    1: ("vinblastine",),
}
SURGERY = {MELANOMA: "wide local excision", 1: "radical nephrectomy"}


def _exact_share(rng: np.random.Generator, members: np.ndarray, share: float) -> np.ndarray:
    chosen = np.zeros(len(members), dtype=bool)
    idx = np.flatnonzero(members)
    k = round(share * len(idx))
    chosen[rng.choice(idx, size=k, replace=False)] = True
    return chosen


def build_history(
    cal: Calibration, c: Cohort, rng: np.random.Generator
) -> tuple[pl.DataFrame, np.ndarray]:
    """Return the prior_therapies table and the prior-immunotherapy flag per patient."""
    n = c.n
    is_cr = (c.category == CR_ONGOING) | (c.category == CR_RELAPSED)
    prior_it = _exact_share(rng, is_cr, cal.prior_immunotherapy_cr) | _exact_share(
        rng, ~is_cr, cal.prior_immunotherapy_other
    )
    mel = c.histology == MELANOMA
    surgery = rng.random(n) < np.where(mel, 0.95, 0.85)
    chemo = rng.random(n) < np.where(mel, 0.25, 0.10)
    radio = rng.random(n) < 0.12
    start = to_dates(cal.first_start, c.start_day)
    parts = []
    for flag, category, names in (
        (prior_it, "immunotherapy", IMMUNOTHERAPY),
        (chemo, "chemotherapy", CHEMOTHERAPY),
        (radio, "radiotherapy", {MELANOMA: ("radiotherapy",), 1: ("radiotherapy",)}),
        (surgery, "surgery", {MELANOMA: (SURGERY[MELANOMA],), 1: (SURGERY[1],)}),
    ):
        idx = np.flatnonzero(flag)
        hist = c.histology[idx]
        therapy = np.empty(len(idx), dtype=object)
        for h, options in names.items():
            sel = hist == h
            therapy[sel] = np.asarray(options, dtype=object)[
                rng.integers(0, len(options), int(sel.sum()))
            ]
        back = rng.integers(30, 720 if category != "surgery" else 2000, len(idx))
        parts.append(
            pl.DataFrame(
                {
                    "patient_id": c.ids.gather(idx),
                    "therapy": text(therapy),
                    "category": np.full(len(idx), category),
                    "ended_on": start[idx] - back.astype("timedelta64[D]"),
                },
            )
        )
    table = pl.concat(parts).sort(["patient_id", "ended_on"])
    return table, prior_it
