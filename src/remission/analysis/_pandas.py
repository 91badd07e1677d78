"""The one boundary where Polars tables become pandas (for lifelines and statsmodels)."""

from __future__ import annotations

import pandas as pd
import polars as pl


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """Convert without pyarrow: column by column through numpy (numbers and text only)."""
    return pd.DataFrame({name: frame[name].to_numpy() for name in frame.columns})
