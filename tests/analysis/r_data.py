"""The data sets and R reference values of tests/r_reference (see its README)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

HERE = Path(__file__).resolve().parents[1] / "r_reference"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
RIAZ = SHARED / "datasets" / "riaz2017_nivolumab_melanoma" / "bms038_clinical_data.csv"

needs_riaz = pytest.mark.skipif(not RIAZ.is_file(), reason="shared Riaz 2017 data not present")


def survival_reference() -> dict:
    """survival.json, written by tests/r_reference/survival.R."""
    return json.loads((HERE / "survival.json").read_text())


def melanoma() -> pl.DataFrame:
    """boot::melanoma; event = died of melanoma (status 1)."""
    return pl.read_csv(HERE / "data" / "boot_melanoma.csv").with_columns(
        (pl.col("status") == 1).cast(pl.Int64).alias("event")
    )


def tongue() -> pl.DataFrame:
    """KMsurv::tongue; event = delta; diploid = type 2."""
    return pl.read_csv(HERE / "data" / "kmsurv_tongue.csv").with_columns(
        (pl.col("type") == 2).cast(pl.Int64).alias("diploid")
    )


def riaz() -> pl.DataFrame:
    """Riaz 2017 BMS038: OS_SOR/PFS_SOR = 1 means CENSORED (SOURCES.md), so event = 1 - flag."""
    return pl.read_csv(RIAZ, null_values="NA").with_columns(
        (1 - pl.col("OS_SOR")).alias("os_event"),
        (1 - pl.col("PFS_SOR")).alias("pfs_event"),
        (pl.col("Cohort") == "NIV3-PROG").cast(pl.Int64).alias("prior_ipi"),
    )


def dataframe_api_reference() -> dict:
    """dataframe_api.json, written by tests/r_reference/dataframe_api.R."""
    return json.loads((HERE / "dataframe_api.json").read_text())


def veteran() -> pl.DataFrame:
    """survival::veteran: celltype as text (squamous, smallcell, adeno, large), status 1 = death."""
    return pl.read_csv(HERE / "data" / "survival_veteran.csv")
