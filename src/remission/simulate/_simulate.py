"""The synthetic cohort, assembled: a ``Study`` plus the generator's ground truth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from remission._units import DAYS_PER_MONTH, DAYS_PER_YEAR
from remission.protocol import NCI_720K
from remission.simulate._arrays import labels, to_dates
from remission.simulate._calibration import Calibration
from remission.simulate._cohort import (
    BOR_OF_CATEGORY,
    CATEGORY_NAMES,
    HISTOLOGY_NAMES,
    Cohort,
    build_cohort,
)
from remission.simulate._doses import build_doses
from remission.simulate._history import build_history
from remission.simulate._labs import build_labs
from remission.simulate._tumors import build_tumors
from remission.study import ROW_COLUMN, TABLES, Published, Study, StudyConfig, empty_table

DEMO_NAME = "NCI Surgery Branch high-dose IL-2 series 1985-1996 (SYNTHETIC demo)"


@dataclass(frozen=True)
class Simulation:
    """A simulated study and the truth it was built from.

    Parameters
    ----------
    study : Study
        The raw records, as a user's study would hold them (``config.synthetic`` is True).
    truth : polars.DataFrame
        One row per patient: the intended category, best response, CR duration, doses, prior
        immunotherapy and rebound, for tests that check derivations against the generator.

    Examples
    --------
    >>> sim = simulate(n_patients=60, seed=2)
    >>> sim.truth.height == sim.study.patients.height
    True
    """

    study: Study
    truth: pl.DataFrame


CHUNK_PATIENTS = 50_000
"""Patients whose records are built at a time. The cohort-wide draws (starts, the cut-off,
histology and outcome categories with their exact counts) are made once for every patient;
the records of each chunk then come from the chunk's own random stream (the first chunk's is
the cohort's, continued; chunk ``k``'s is seeded ``[seed, k]``), so a cohort of up to 50,000
patients is one chunk, and a larger one is the same study however it is held or written."""


def simulate(
    n_patients: int = 409, seed: int = 0, calibration: Calibration | None = None
) -> Simulation:
    """Simulate a high-dose IL-2 cohort at the level of raw records.

    With the defaults this is the demo study: 409 patients calibrated to the 1998 NCI series
    (182 melanoma, 227 renal; 12 + 21 complete and 37 partial responses; 27 of 33 complete
    responses ongoing 39 to >148 months; median potential follow-up 7.1 years). Other sizes
    keep the proportions. The same seed gives the same study. The whole study is held in
    memory: ``simulate_parts`` gives it a chunk of patients at a time.

    Parameters
    ----------
    n_patients : int
        Number of patients.
    seed : int
        Seed of the random generator.
    calibration : Calibration, optional
        Targets; the 1998 series when omitted.

    Returns
    -------
    Simulation
        The study and its truth table.

    Examples
    --------
    >>> sim = simulate(n_patients=409, seed=0)
    >>> sim.truth.filter(pl.col("bor") == "CR").height
    33
    """
    return _joined(list(simulate_parts(n_patients, seed, calibration)))


def simulate_parts(
    n_patients: int = 409,
    seed: int = 0,
    calibration: Calibration | None = None,
    chunk_patients: int = CHUNK_PATIENTS,
) -> Iterator[Simulation]:
    """Simulate a cohort a chunk of patients at a time (bounded memory at any size).

    Each chunk is a ``Simulation`` of consecutive patients with the cohort's settings; the
    chunks together are ``simulate``'s study (with the default ``chunk_patients``). Counts fixed
    by the calibration (histology, complete and partial responses, the ongoing complete
    responses at the published extremes) hold for the cohort, not for each chunk; the share with
    prior immunotherapy is exact within each chunk.

    Parameters
    ----------
    n_patients : int
        Number of patients.
    seed : int
        Seed of the random generator.
    calibration : Calibration, optional
        Targets; the 1998 series when omitted.
    chunk_patients : int
        Patients per chunk; the study depends on it (see ``CHUNK_PATIENTS``).

    Yields
    ------
    Simulation
        One chunk: its patients' records and truth, rows numbered as in the whole table.

    Examples
    --------
    >>> chunks = list(simulate_parts(n_patients=120, seed=1, chunk_patients=50))
    >>> [c.study.patients.height for c in chunks]
    [50, 50, 20]
    >>> chunks[0].study.config == chunks[2].study.config
    True
    """
    if n_patients < 20:
        raise ValueError("simulate at least 20 patients (the calibration needs room)")
    if chunk_patients < 1:
        raise ValueError("chunk_patients must be at least 1")
    cal = (calibration or Calibration()).scaled(n_patients)
    rng = np.random.default_rng(seed)
    cohort = build_cohort(cal, rng)
    n = cohort.n
    config = StudyConfig(
        name=DEMO_NAME if n_patients == 409 else f"Synthetic high-dose IL-2 cohort, {n} patients",
        cutoff_date=cal.first_start + dt.timedelta(days=cohort.cutoff_day),
        histologies=HISTOLOGY_NAMES,
        response_criteria="who",
        regimen=NCI_720K.name,
        synthetic=True,
        reference_date="treatment_start",
        description=(
            "SYNTHETIC data generated by remission.simulate (seed "
            f"{seed}); calibrated to Rosenberg SA et al., Ann Surg 1998;228:307-19. "
            "No real patient is described."
        ),
    )
    rows = dict.fromkeys(TABLES, 0)
    for k, lo in enumerate(range(0, n, chunk_patients)):
        part = cohort.part(lo, min(lo + chunk_patients, n))
        chunk_rng = rng if k == 0 else np.random.default_rng([seed, k])
        sim = _records(cal, part, config, chunk_rng, rows)
        rows = {name: rows[name] + sim.study.tables[name].height for name in TABLES}
        yield sim


def _records(
    cal: Calibration,
    cohort: Cohort,
    config: StudyConfig,
    rng: np.random.Generator,
    rows: dict[str, int],
) -> Simulation:
    """The records and truth of ``cohort``'s patients (``rows``: rows of earlier chunks)."""
    tumors = build_tumors(cal, cohort, rng)
    doses = build_doses(cal, cohort, NCI_720K, rng)
    labs = build_labs(cal, cohort, doses, rng)
    history, prior_it = build_history(cal, cohort, rng)

    n = cohort.n
    pid = cohort.ids
    start = to_dates(cal.first_start, cohort.start_day)
    male_p = np.where(cohort.histology == 0, 0.62, 0.70)
    age = np.clip(rng.normal(46, 11, n), 18, 72)
    birth = start - np.round(age * DAYS_PER_YEAR).astype("timedelta64[D]")
    death = np.where(
        cohort.death_day >= 0,
        start + cohort.death_day.astype("timedelta64[D]"),
        np.datetime64("NaT"),
    )
    histology = labels(HISTOLOGY_NAMES, cohort.histology)
    patients = pl.DataFrame(
        {
            "patient_id": pid,
            "histology": histology,
            "sex": labels(("F", "M"), rng.random(n) < male_p),
            "birth_date": birth,
            "weight_kg": cohort.weight_kg,
            "ecog": rng.choice([0, 1, 2], size=n, p=[0.70, 0.28, 0.02]),
            "treatment_start": start,
            "last_known_alive": start + cohort.last_alive_day.astype("timedelta64[D]"),
            "death_date": death,
        }
    )
    tables = {
        "patients": patients,
        "prior_therapies": history,
        "doses": doses.doses,
        "lesions": tumors.lesions,
        "measurements": tumors.measurements,
        "labs": labs.labs,
    }
    typed = {}
    for name in TABLES:
        template = empty_table(name)
        if name in tables:
            frame = tables[name].with_row_index(ROW_COLUMN, offset=2 + rows[name])
            typed[name] = frame.select(
                (pl.col(col) if col in frame.columns else pl.lit(None)).cast(dtype).alias(col)
                for col, dtype in template.schema.items()
            )
        else:
            typed[name] = template
    study = Study(config=config, tables=typed, regimen=NCI_720K)

    cat = cohort.category
    cr_days = np.where(cat == 0, cohort.final_day, np.where(cat == 1, tumors.pd_day, -1))
    truth = pl.DataFrame(
        {
            "patient_id": pid,
            "histology": histology,
            "category": labels(CATEGORY_NAMES, cat),
            "bor": labels(BOR_OF_CATEGORY, cat),
            "cr_ongoing": cat == 0,
            "cr_duration_days": cr_days,
            "first_cr_day": tumors.first_cr_day,
            "pd_day": tumors.pd_day,
            "potential_followup_days": cohort.followup_days,
            "prior_immunotherapy": prior_it,
            "sc_only": cohort.sc_only,
            "n_courses": doses.n_courses,
            "course1_doses_given": doses.course1_given,
            "doses_given": doses.total_given,
            "total_iu": doses.total_iu,
            "total_iu_per_kg": doses.total_iu / cohort.weight_kg,
            "baseline_lymphocytes_per_ul": labs.baseline_per_ul,
            "max_rebound_per_ul": labs.max_rebound_per_ul,
            "max_rebound_course1_per_ul": labs.max_rebound_course1_per_ul,
        }
    ).with_columns(
        # -1 marks "none" in the generator's arrays
        pl.when(pl.col(c) >= 0).then(pl.col(c)).alias(c)
        for c in ("cr_duration_days", "first_cr_day", "pd_day")
    )
    truth = truth.with_columns(
        (pl.col("cr_duration_days") / DAYS_PER_MONTH).alias("cr_duration_months")
    )
    return Simulation(study=study, truth=truth)


def _joined(chunks: list[Simulation]) -> Simulation:
    """The chunks of one cohort as one simulation."""
    if len(chunks) == 1:
        return chunks[0]
    first = chunks[0].study
    tables = {name: pl.concat([c.study.tables[name] for c in chunks]) for name in first.tables}
    study = replace(first, tables=tables)
    return Simulation(study=study, truth=pl.concat([c.truth for c in chunks]))


def simulate_study(n_patients: int = 409, seed: int = 0) -> Study:
    """Simulate a cohort and return only its study (see ``simulate``).

    Parameters
    ----------
    n_patients : int
        Number of patients.
    seed : int
        Seed of the random generator.

    Returns
    -------
    Study
        The synthetic study, ``config.synthetic`` True.

    Examples
    --------
    >>> simulate_study(n_patients=50, seed=2).config.synthetic
    True
    """
    return simulate(n_patients, seed).study


PUBLISHED_1998 = Published(
    citation="Rosenberg SA, Yang JC, White DE, Steinberg SM. Ann Surg 1998;228(3):307-19",
    patients=409,
    complete_responses=33,
    partial_responses=37,
    complete_responses_by_histology={"melanoma": 12, "renal": 21},
    ongoing_complete_responses=27,
    ongoing_duration_months="39 to >148",
    median_potential_followup_years=7.1,
)
"""The abstract's figures (CR by histology: 6.6% of 182 and 9.3% of 227, the only split of 33
that fits both). The demo is calibrated to them by construction, so any seed reproduces them."""


def demo_study() -> Simulation:
    """Return the demo study: 409 patients, seed 0, calibrated to the 1998 NCI series.

    Returns
    -------
    Simulation
        The demo study and its truth.

    Examples
    --------
    >>> demo_study().study.patients.height
    409
    """
    sim = simulate(409, 0)
    config = replace(sim.study.config, name=DEMO_NAME, published=PUBLISHED_1998)
    return replace(sim, study=replace(sim.study, config=config))
