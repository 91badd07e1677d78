"""Synthetic cohorts at the level of raw records, calibrated to published series.

Examples
--------
>>> from remission.simulate import simulate
>>> sim = simulate(n_patients=100, seed=1)
>>> sim.study.config.synthetic
True
"""

from remission._units import DAYS_PER_MONTH
from remission.simulate._calibration import Calibration
from remission.simulate._simulate import (
    CHUNK_PATIENTS,
    Simulation,
    demo_study,
    simulate,
    simulate_parts,
    simulate_study,
)

__all__ = [
    "CHUNK_PATIENTS",
    "DAYS_PER_MONTH",
    "Calibration",
    "Simulation",
    "demo_study",
    "simulate",
    "simulate_parts",
    "simulate_study",
]
