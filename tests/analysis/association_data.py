"""Data and R values of tests/r_reference/association.json, prepared as association.R does."""

from __future__ import annotations

import json
import re

import numpy as np
import polars as pl
import pytest

from remission.analysis import Result
from tests.analysis.r_data import HERE, RIAZ, SHARED

RIAZ_MUT = RIAZ.parent / "MutCnt_pretheray.csv"
CHOWELL = SHARED / "datasets" / "chowell2021_msk_ici"

needs_riaz = pytest.mark.skipif(
    not (RIAZ.is_file() and RIAZ_MUT.is_file()), reason="shared Riaz 2017 data not present"
)
needs_chowell = pytest.mark.skipif(
    not (CHOWELL / "Training.csv").is_file(), reason="shared Chowell 2021 data not present"
)

TOL = 1e-6


def association_reference() -> dict:
    """association.json, written by tests/r_reference/association.R."""
    return json.loads((HERE / "association.json").read_text())


def riaz() -> pl.DataFrame:
    """Riaz 2017: prior_ipi = NIV3-PROG, response = BOR in {CR, PR}, NonSynMut joined."""
    clinical = pl.read_csv(RIAZ, null_values="NA")
    mutations = pl.read_csv(RIAZ_MUT, null_values="NA").select("Patient", "NonSynMut")
    return (
        clinical.join(mutations, left_on="PatientID", right_on="Patient", how="left")
        .with_columns(
            prior_ipi=(pl.col("Cohort") == "NIV3-PROG").cast(pl.Int64),
            response=pl.col("BOR").is_in(["CR", "PR"]).cast(pl.Int64),
            cr=(pl.col("BOR") == "CR").cast(pl.Int64),
            log_tmb=(pl.col("NonSynMut") + 1).log(),
        )
        .sort("PatientID")
    )


def chowell() -> pl.DataFrame:
    """Chowell 2021 Training + Test, melanoma and renal (n = 277), short column names."""
    both = pl.concat(
        [pl.read_csv(CHOWELL / "Training.csv"), pl.read_csv(CHOWELL / "Test.csv")],
        how="vertical_relaxed",
    )
    return both.filter(pl.col("Cancer_type_grouped_2").is_in(["Melanoma", "Renal"])).select(
        cancer=pl.col("Cancer_type_grouped_2"),
        renal=(pl.col("Cancer_type_grouped_2") == "Renal").cast(pl.Int64),
        response=pl.col("Response (1:Responder; 0:Non-responder)"),
        chemo=pl.col("Chemo_before_IO (1:Yes; 0:No)"),
        sex=pl.when(pl.col("Sex (1:Male; 0:Female)") == 1).then(pl.lit("M")).otherwise(pl.lit("F")),
        NLR=pl.col("NLR"),
        TMB=pl.col("TMB"),
    )


def separated(kind: str) -> pl.DataFrame:
    """The tiny complete / quasi-complete separation data sets stored in the JSON."""
    return pl.DataFrame(association_reference()["separation"]["data"][kind])


def crosstab(row: np.ndarray, col: np.ndarray, rows: list, cols: list) -> list[list[int]]:
    """Counts of (row, col) pairs in the given level order (R's ``table``)."""
    return [[int(np.sum((row == r) & (col == c))) for c in cols] for r in rows]


_FIT = re.compile(
    r"residual deviance (?P<deviance>\S+) on \d+ df; null deviance (?P<null_deviance>\S+) on "
    r"\d+ df; AIC (?P<aic>\S+); log-likelihood (?P<loglik>\S+)"
)
_FIRTH = re.compile(
    r"penalised log-likelihood (?P<pll>\S+); deviance (?P<deviance>\S+); AIC (?P<aic>\S+)"
)


def fit_statistics(result: Result) -> dict[str, float]:
    """The model-level numbers a regression result states in its notes."""
    for note in result.notes:
        for pattern in (_FIT, _FIRTH):
            match = pattern.search(note)
            if match:
                return {k: float(v) for k, v in match.groupdict().items()}
    raise AssertionError(f"no fit statistics in {result.notes}")
