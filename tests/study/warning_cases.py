"""Studies that load with warnings, not errors: for the tests of what the commands print."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl

from remission.derive import RECIST_1_1
from remission.simulate import simulate_study
from remission.study import Study


def nodes_without_short_axis(n_patients: int, seed: int) -> Study:
    """A simulated study under RECIST 1.1 with every third reading's ``short_axis_mm`` empty:
    derive warns once (``MissingShortAxisWarning``) for its nodes among them."""
    study = simulate_study(n_patients=n_patients, seed=seed)
    measurements = study.tables["measurements"].with_columns(
        pl.when(pl.int_range(pl.len()) % 3 == 0)
        .then(None)
        .otherwise(pl.col("short_axis_mm"))
        .alias("short_axis_mm")
    )
    return dataclasses.replace(
        study,
        config=dataclasses.replace(study.config, response_criteria=RECIST_1_1.name),
        tables={**study.tables, "measurements": measurements},
    )


def without_age(folder: Path, rows: list[int]) -> None:
    """Empty ``birth_date`` and ``age_at_start_years`` of ``patients.parquet``'s ``rows``
    (0-based): a ``value.no_age`` warning for each."""
    path = folder / "patients.parquet"
    patients = pl.read_parquet(path)
    no_age = pl.int_range(pl.len()).is_in(rows)
    patients.with_columns(
        pl.when(no_age).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("birth_date", "age_at_start_years")
    ).write_parquet(path)
