"""What a screen analysis could not use: one record per problem, with what was left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class ScreenProblem:
    """A problem that kept part of a screen out of the analysis; the rest is analysed.

    Parameters
    ----------
    code : str
        Stable identifier: a validation code (``well.invalid``, ``control.missing``, ...) or
        an analysis one (``titration.flat``, ``analog.no_ec50``, ``analysis.failed``).
    file : str
        The file the problem is in (``plates.csv``, ``layout.csv``).
    row : int or None
        Row of the file as a spreadsheet shows it (header = row 1).
    plate : str or None
        The plate concerned.
    well : str or None
        The well concerned, as written.
    reason : str
        What is wrong and how to fix it.
    left_out : str
        What was not analysed because of it (``plate P1 (24 wells)``, an EC50, ...).

    Examples
    --------
    >>> p = ScreenProblem("well.invalid", "plates.csv", 7, "P1", "Z9", "bad well", "plate P1")
    >>> print(p.render())
    plates.csv:7: plate P1, well Z9: bad well [left out: plate P1]
    """

    code: str
    file: str
    row: int | None
    plate: str | None
    well: str | None
    reason: str
    left_out: str

    def render(self) -> str:
        """Return the problem as one line: ``file:row: plate P, well W: reason [left out: ...]``.

        Returns
        -------
        str
            The line.

        Examples
        --------
        >>> ScreenProblem("x", "layout.csv", None, None, None, "r", "row 3").render()
        'layout.csv: r [left out: row 3]'
        """
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        parts = [f"plate {self.plate}"] if self.plate is not None else []
        if self.well is not None:
            parts.append(f"well {self.well}")
        located = f"{where}: " + (", ".join(parts) + ": " if parts else "")
        return f"{located}{self.reason} [left out: {self.left_out}]"


def problem_table(problems: Sequence[ScreenProblem]) -> pl.DataFrame:
    """Return problems as a table: code, file, row, plate, well, reason, left_out.

    Parameters
    ----------
    problems : sequence of ScreenProblem
        E.g. ``ScreenResult.problems``.

    Returns
    -------
    polars.DataFrame
        One row per problem.

    Examples
    --------
    >>> problem_table([]).columns
    ['code', 'file', 'row', 'plate', 'well', 'reason', 'left_out']
    """
    schema = {
        "code": pl.String,
        "file": pl.String,
        "row": pl.Int64,
        "plate": pl.String,
        "well": pl.String,
        "reason": pl.String,
        "left_out": pl.String,
    }
    rows = [{name: getattr(p, name) for name in schema} for p in problems]
    return pl.DataFrame(rows, schema=schema)
