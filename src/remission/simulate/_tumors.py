"""Lesions and their measurements at every assessment, following each patient's category.

Trajectories keep wide margins around every threshold of WHO and RECIST 1.1, so any correct
implementation of either recovers the intended best response:

* stable disease: every diameter 0.87-1.04 x baseline, nearly constant (SPD -27% to +10%);
* partial response: diameters 0.36-0.65 x baseline, shrinking (SPD at least 57% down, sum of
  diameters at least 35% down), confirmed at the next scan 8+ weeks later;
* complete response: every lesion absent, target and non-target, at two or more scans;
* progression: diameters x1.35-1.6 of the previous scan *and* a new lesion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from remission.simulate._arrays import choose, expand, labels, text, to_dates
from remission.simulate._calibration import Calibration
from remission.simulate._cohort import (
    CR_ONGOING,
    CR_RELAPSED,
    GRID_DAYS,
    MELANOMA,
    PD,
    PR,
    SD,
    Cohort,
)

S_SD, S_PR, S_CR, S_PD, S_PRE = range(5)

TARGET_ORGANS = {
    MELANOMA: (
        ("lung", 0.30),
        ("lymph_node", 0.24),
        ("subcutaneous", 0.15),
        ("skin", 0.05),
        ("liver", 0.12),
        ("adrenal", 0.04),
        ("spleen", 0.02),
        ("intestine", 0.03),
        ("soft_tissue", 0.05),
    ),
    1: (
        ("lung", 0.42),
        ("lymph_node", 0.17),
        ("liver", 0.09),
        ("kidney", 0.08),
        ("adrenal", 0.07),
        ("soft_tissue", 0.06),
        ("pleura", 0.04),
        ("pancreas", 0.03),
        ("spleen", 0.02),
        ("muscle", 0.02),
    ),
}
NON_TARGET_ORGANS = (
    ("bone", 0.45),
    ("pleura", 0.15),
    ("lung", 0.2),
    ("peritoneum", 0.1),
    ("brain", 0.1),
)
CUTANEOUS = (("subcutaneous", 0.7), ("skin", 0.3))
STATES = ("present", "absent")  # a measured lesion's state, by code
# up to five target and two non-target lesions at baseline; N1 is a lesion new at progression
MAX_TARGETS, MAX_NON_TARGETS = 5, 2
LESION_IDS = (
    *(f"T{k}" for k in range(1, MAX_TARGETS + 1)),
    *(f"NT{k}" for k in range(1, MAX_NON_TARGETS + 1)),
    "N1",
)

SITES = {
    "lung": (
        "right upper lobe",
        "right middle lobe",
        "right lower lobe",
        "left upper lobe",
        "left lower lobe",
    ),
    "lymph_node": (
        "right axilla",
        "left axilla",
        "right inguinal",
        "left inguinal",
        "mediastinal",
        "retroperitoneal",
        "cervical",
    ),
    "subcutaneous": (
        "left thigh",
        "right thigh",
        "back",
        "abdominal wall",
        "right arm",
        "left arm",
        "chest wall",
    ),
    "skin": ("scalp", "back", "left leg", "right leg", "trunk"),
    "liver": ("segment II", "segment IV", "segment VI", "segment VII", "segment VIII"),
    "adrenal": ("right adrenal", "left adrenal"),
    "spleen": ("spleen",),
    "intestine": ("small bowel", "colon"),
    "soft_tissue": ("paraspinal", "gluteal", "psoas"),
    "kidney": ("contralateral kidney", "renal bed"),
    "pleura": ("right pleura", "left pleura"),
    "pancreas": ("pancreatic tail", "pancreatic head"),
    "muscle": ("left psoas", "right gluteus"),
    "bone": ("lumbar spine", "right femur", "pelvis", "rib", "thoracic spine"),
    "peritoneum": ("peritoneum",),
    "brain": ("left frontal lobe", "right parietal lobe", "cerebellum"),
}


@dataclass
class TumorRecords:
    """The lesion tables and what the generator knows about each patient's response."""

    lesions: pl.DataFrame
    measurements: pl.DataFrame
    first_cr_day: np.ndarray  # -1 if never CR
    pd_day: np.ndarray  # day of the progression/relapse scan, -1 if none
    last_scan_day: np.ndarray  # -1 if no post-baseline scan


def _organs(rng: np.random.Generator, histology: np.ndarray, sc_only: np.ndarray) -> np.ndarray:
    out = np.empty(len(histology), dtype=object)
    for h, table in TARGET_ORGANS.items():
        sel = (histology == h) & ~sc_only
        names, probs = zip(*table, strict=True)
        out[sel] = choose(rng, names, np.array(probs), int(sel.sum()))
    names, probs = zip(*CUTANEOUS, strict=True)
    out[sc_only] = choose(rng, names, np.array(probs), int(sc_only.sum()))
    return out


def _sites(rng: np.random.Generator, organs: np.ndarray) -> np.ndarray:
    out = np.empty(len(organs), dtype=object)
    for organ, names in SITES.items():
        sel = organs == organ
        if sel.any():
            out[sel] = np.asarray(names, dtype=object)[rng.integers(0, len(names), int(sel.sum()))]
    return out


def build_tumors(cal: Calibration, c: Cohort, rng: np.random.Generator) -> TumorRecords:
    """Generate lesions and measurements for every patient at once."""
    n = c.n
    start = to_dates(cal.first_start, c.start_day)
    baseline_day = -rng.integers(7, 29, n)

    # --- assessments (rows: patient x scan) -------------------------------------------
    has_final = c.final_day >= 0
    n_scans = c.n_regular + has_final
    ap, ai = expand(n_scans)
    regular = ai < c.n_regular[ap]
    jitter = rng.integers(-7, 8, len(ap))
    aday = np.where(
        regular, GRID_DAYS[np.minimum(ai, len(GRID_DAYS) - 1)] + jitter, c.final_day[ap]
    )
    cat = c.category[ap]
    k_pd = c.k_pd[ap]
    k_cr = c.k_cr[ap]
    at_pd = (k_pd >= 0) & (ai == k_pd)
    is_cr = (cat == CR_ONGOING) | (cat == CR_RELAPSED)
    status = np.select(
        [cat == PD, at_pd, cat == SD, cat == PR, is_cr & (ai < k_cr)],
        [S_PD, S_PD, S_SD, S_PR, S_PRE],
        S_CR,
    )
    a_p = rng.uniform(0.88, 1.02, n)[ap]
    b_p = rng.uniform(0.50, 0.64, n)[ap]
    lvl_pr = np.maximum(b_p * 0.97**ai, 0.36)
    prev = np.select(
        [cat == SD, cat == PR],
        [a_p, np.maximum(b_p * 0.97 ** np.maximum(ai - 1, 0), 0.36)],
        1.0,
    )
    level = np.select(
        [status == S_SD, status == S_PR, status == S_PRE, (status == S_PD) & ~is_cr],
        [
            a_p * rng.uniform(0.99, 1.01, len(ap)),
            lvl_pr,
            rng.uniform(0.45, 0.62, len(ap)),
            prev * rng.uniform(1.35, 1.6, len(ap)),
        ],
        0.0,
    )
    a_offset = np.cumsum(n_scans) - n_scans

    # --- baseline lesions -------------------------------------------------------------
    n_target = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.2, 0.3, 0.25, 0.15, 0.1])
    n_nontarget = np.where(c.sc_only, 0, rng.choice([0, 1, 2], size=n, p=[0.55, 0.35, 0.10]))
    lp, li = expand(n_target + n_nontarget)
    is_target = li < n_target[lp]
    organ = _organs(rng, c.histology[lp], c.sc_only[lp])
    nt_names, nt_probs = zip(*NON_TARGET_ORGANS, strict=True)
    organ[~is_target] = choose(rng, nt_names, np.array(nt_probs), int((~is_target).sum()))
    nodal = organ == "lymph_node"
    longest0 = np.clip(np.exp(rng.normal(np.log(26), 0.4, len(lp))), 12, 90)
    longest0 = np.where(nodal, np.maximum(longest0, 20), longest0)
    perp0 = longest0 * rng.uniform(np.where(nodal, 0.8, 0.6), 0.95)
    # codes into LESION_IDS: T1..T5 for targets, NT1.. after them, N1 (new lesion) last
    lesion_code = np.where(is_target, li, MAX_TARGETS + li - n_target[lp])

    # --- measurements: every lesion at baseline and at every scan ----------------------
    m_les, m_k = expand(n_scans[lp] + 1)
    m_pat = lp[m_les]
    scan = a_offset[m_pat] + m_k - 1  # global scan index; invalid where m_k == 0
    base = m_k == 0
    safe = np.where(base, 0, scan)
    m_level = np.where(base, 1.0, level[safe] if len(level) else 1.0)
    m_day = np.where(base, baseline_day[m_pat], aday[safe] if len(aday) else 0)
    tgt = is_target[m_les]
    gone = m_level <= 0
    jl = rng.uniform(0.98, 1.02, len(m_les))
    jp = rng.uniform(0.98, 1.02, len(m_les))
    longest = np.round(longest0[m_les] * m_level * jl, 1)
    perp = np.minimum(np.round(perp0[m_les] * m_level * jp, 1), longest)
    state = np.where(gone, 1, 0)  # codes into STATES
    keep_size = tgt & ~gone
    m_nodal = nodal[m_les]

    # --- new lesions at every progression scan ------------------------------------------
    new_scan = np.flatnonzero(status == S_PD)
    new_pat = ap[new_scan]
    new_organ = _organs(rng, c.histology[new_pat], c.sc_only[new_pat])
    new_long = np.round(rng.uniform(10, 25, len(new_scan)), 1)
    new_perp = np.round(new_long * rng.uniform(0.6, 0.95, len(new_scan)), 1)
    new_nodal = new_organ == "lymph_node"
    new_perp = np.where(new_nodal, np.maximum(new_perp, 16.0), new_perp)
    new_long = np.maximum(new_long, new_perp)
    new_day = aday[new_scan]

    new_code = np.full(len(new_scan), len(LESION_IDS) - 1)
    lesions = pl.DataFrame(
        {
            "patient_id": c.ids.gather(np.concatenate([lp, new_pat])),
            "lesion_id": labels(LESION_IDS, np.concatenate([lesion_code, new_code])),
            "site": text(np.concatenate([_sites(rng, organ), _sites(rng, new_organ)])),
            "organ": text(np.concatenate([organ, new_organ])),
            "nodal": np.concatenate([nodal, new_nodal]),
            "target": np.concatenate([is_target, np.zeros(len(new_scan), dtype=bool)]),
            "first_seen_on": np.concatenate(
                [
                    start[lp] + baseline_day[lp].astype("timedelta64[D]"),
                    start[new_pat] + new_day.astype("timedelta64[D]"),
                ]
            ),
        },
    )
    size_l = np.where(keep_size, longest, np.nan)
    size_p = np.where(keep_size, perp, np.nan)
    measurements = pl.DataFrame(
        {
            "patient_id": c.ids.gather(np.concatenate([m_pat, new_pat])),
            "lesion_id": labels(LESION_IDS, np.concatenate([lesion_code[m_les], new_code])),
            "assessed_on": np.concatenate(
                [
                    start[m_pat] + m_day.astype("timedelta64[D]"),
                    start[new_pat] + new_day.astype("timedelta64[D]"),
                ]
            ),
            "longest_mm": np.concatenate([size_l, new_long]),
            "perpendicular_mm": np.concatenate([size_p, new_perp]),
            "short_axis_mm": np.concatenate(
                [np.where(m_nodal & keep_size, perp, np.nan), np.where(new_nodal, new_perp, np.nan)]
            ),
            "state": labels(STATES, np.concatenate([state, np.zeros_like(new_code)])),
        },
    ).with_columns(pl.col(["longest_mm", "perpendicular_mm", "short_axis_mm"]).fill_nan(None))
    measurements = measurements.sort(["patient_id", "lesion_id", "assessed_on"])
    lesions = lesions.sort(["patient_id", "lesion_id"])

    first_cr_day = np.full(n, -1, dtype=np.int64)
    cr_rows = np.flatnonzero(status == S_CR)
    # scans are in time order within a patient: np.unique keeps each patient's first
    owners, first = np.unique(ap[cr_rows], return_index=True)
    first_cr_day[owners] = aday[cr_rows][first]
    pd_day = np.full(n, -1, dtype=np.int64)
    pd_day[ap[new_scan]] = aday[new_scan]  # at most one progression scan per patient
    last_scan = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_scan, ap, aday)
    return TumorRecords(lesions, measurements, first_cr_day, pd_day, last_scan)
