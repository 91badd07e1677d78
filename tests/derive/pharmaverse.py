"""Paths and loaders for the pharmaverse conformance data in ../shared (Apache-2.0).

Source: pharmaverse/pharmaversesdtm @ 530a5ea and pharmaverse/pharmaverseadam @ 2c7db61,
as converted to CSV in the project's shared folder (see its README).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
PHARMAVERSE = SHARED / "conformance" / "pharmaverse"

needs_pharmaverse = pytest.mark.skipif(
    not PHARMAVERSE.is_dir(), reason="the shared pharmaverse conformance data are not present"
)


def read(name: str) -> pl.DataFrame:
    """One pharmaverse CSV, every column as text."""
    return pl.read_csv(PHARMAVERSE / f"{name}.csv", infer_schema=False)


def date(col: str) -> pl.Expr:
    """A text column of ISO dates as dates (empty -> null)."""
    return pl.col(col).str.to_date(strict=False)
