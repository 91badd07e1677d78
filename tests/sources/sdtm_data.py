"""Test data for the SDTM importer: the pharmaverse domains (shared) and a small made-up study.

The pharmaverse files are the public test data of pharmaversesdtm / pharmaverseadam
(Apache-2.0), kept beside the repository in ``shared/conformance/pharmaverse``; tests that need
them are skipped, with the reason, when that folder is absent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
PHARMAVERSE = SHARED / "conformance" / "pharmaverse"
MINIMAL = Path(__file__).parent / "data" / "minimal"
"""A made-up SDTM study: 3 subjects (one screen failure, one death), every domain, CSV."""

needs_pharmaverse = pytest.mark.skipif(
    not PHARMAVERSE.is_dir(),
    reason=f"the shared pharmaverse data are not at {PHARMAVERSE} (CI has them at ../shared)",
)

PHARMAVERSE_FILES = {
    "dm": "sdtm_dm.csv",
    "ds": "sdtm_ds.csv",
    "ex": "sdtm_ex.csv",
    "tu": "sdtm_tu_onco_recist.csv",
    "tr": "sdtm_tr_onco_recist.csv",
    "rs": "sdtm_rs_onco_recist.csv",
}

NUMERIC = ("SEQ", "STRESN", "VISITNUM", "DY", "AGE", "EXDOSE")
"""Variable names (or endings) that SAS stores as numbers in an XPT file."""


def stage_pharmaverse(dest: Path) -> Path:
    """Copy the pharmaverse RECIST example as ``dm.csv``, ``ds.csv``, ... into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for domain, name in PHARMAVERSE_FILES.items():
        shutil.copyfile(PHARMAVERSE / name, dest / f"{domain}.csv")
    return dest


def copy_minimal(dest: Path) -> Path:
    """Copy the made-up SDTM study into ``dest``."""
    shutil.copytree(MINIMAL, dest)
    return dest


def adsl() -> pl.DataFrame:
    """Pharmaverse ADSL with its dates typed."""
    dates = ("RANDDT", "TRTSDT", "DTHDT", "LSTALVDT")
    return pl.read_csv(PHARMAVERSE / "adam_adsl.csv", infer_schema=False).with_columns(
        pl.col(c).str.to_date() for c in dates
    )


def write_xpt(csv_folder: Path, dest: Path) -> Path:
    """Write every ``<domain>.csv`` of ``csv_folder`` as ``<domain>.xpt`` (SAS XPORT v5).

    Numeric SDTM variables (sequence numbers, numeric results, visit numbers, study days,
    age, dose) become SAS numbers, the rest SAS text, as a SAS export would have them.
    """
    import pyreadstat

    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(csv_folder.glob("*.csv")):
        frame = pl.read_csv(path, infer_schema=False)
        numeric = [c for c in frame.columns if c.endswith(NUMERIC)]
        frame = frame.with_columns(pl.col(numeric).cast(pl.Float64))
        pyreadstat.write_xport(
            frame, dest / f"{path.stem}.xpt", table_name=path.stem.upper(), file_format_version=5
        )
    return dest
