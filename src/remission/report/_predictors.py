"""Table 1 and the factors associated with complete response (the 1998 paper's three)."""

from __future__ import annotations

import polars as pl

from remission.report._model import Section
from remission.study import Study

Frames = dict[str, pl.DataFrame]


def table_one_section(study: Study, frames: Frames) -> Section:
    """Table 1: patient characteristics by histology and overall."""
    s = Section("table1", "Patient characteristics")
    s.notes.append("Table 1 is being built.")
    return s


def factors_section(study: Study, frames: Frames) -> Section:
    """Factors associated with complete response."""
    s = Section("factors", "Factors associated with complete response")
    s.notes.append("The factor table is being built.")
    return s
