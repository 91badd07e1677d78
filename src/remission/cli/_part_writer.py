"""Dataset files written a part of the patients at a time (``remission derive`` at scale)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import polars as pl

from remission._io import csv_frame
from remission.study import TABLES, ParquetParts


class PartWriter:
    """Append each part's datasets to one file per dataset: CSV or Parquet.

    A CSV file gets its header once and each part's rows after it: the bytes ``write_csv``
    writes for the whole dataset (datetimes to the minute; ``has_seconds`` says when that
    cannot hold). A Parquet file gets each part as row groups (``pyarrow``'s writer, zstd as
    Polars compresses), so it reads back as the whole dataset.

    Parameters
    ----------
    folder : pathlib.Path
        Where the files go (``<dataset>.csv`` or ``<dataset>.parquet``).
    fmt : {"csv", "parquet"}
        The format.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with PartWriter(folder, "csv") as w:
    ...     w.write({"adsl": pl.DataFrame({"USUBJID": ["A"]})})
    ...     w.write({"adsl": pl.DataFrame({"USUBJID": ["B"]})})
    >>> (folder / "adsl.csv").read_text()
    'USUBJID\\nA\\nB\\n'
    """

    def __init__(self, folder: Path, fmt: str) -> None:
        self.folder, self.fmt = folder, fmt
        self._open: dict[str, Any] = {}

    def write(self, frames: Mapping[str, pl.DataFrame]) -> None:
        """Append one part's datasets, by file stem."""
        for name, frame in frames.items():
            if self.fmt == "csv":
                self._csv(name, frame)
            else:
                self._parquet(name, frame)

    def _csv(self, name: str, frame: pl.DataFrame) -> None:
        first = name not in self._open
        if first:
            self._open[name] = (self.folder / f"{name}.csv").open("wb")
        out: IO[bytes] = self._open[name]
        csv_frame(frame).write_csv(out, include_header=first, date_format="%Y-%m-%d")

    def _parquet(self, name: str, frame: pl.DataFrame) -> None:
        import pyarrow.parquet as pq

        table = frame.to_arrow()
        if name not in self._open:
            path = self.folder / f"{name}.parquet"
            self._open[name] = pq.ParquetWriter(path, table.schema, compression="zstd")
        self._open[name].write_table(table)

    def close(self) -> None:
        """Finish every file (idempotent)."""
        while self._open:
            _, handle = self._open.popitem()
            handle.close()

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def has_seconds(parts: ParquetParts) -> bool:
    """Whether any date-time of the study has seconds (then a dataset written as CSV in parts
    might print its date-times otherwise than written whole: it is written whole).

    Examples
    --------
    >>> import tempfile
    >>> from remission.simulate import simulate_study
    >>> from remission.study import parquet_parts, write_study
    >>> folder = write_study(simulate_study(n_patients=30, seed=1), tempfile.mkdtemp() + "/s",
    ...                      "parquet")
    >>> has_seconds(parquet_parts(folder, 10))
    False
    """
    for name, table in TABLES.items():
        path = parts.folder / f"{name}.parquet"
        columns = [c.name for c in table.columns if c.kind == "datetime"]
        if not columns or not parts.rows[name]:
            continue
        schema = pl.read_parquet_schema(path)
        present = [c for c in columns if c in schema]
        if any(not isinstance(schema[c], pl.Datetime) for c in present):
            return True  # as text: load types it; written whole to be safe
        if not present:
            continue
        odd = [(pl.col(c).dt.second() != 0) | (pl.col(c).dt.microsecond() != 0) for c in present]
        if pl.scan_parquet(path).select(pl.any_horizontal(odd).any()).collect().item():
            return True
    return False
