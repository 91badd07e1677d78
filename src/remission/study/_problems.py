"""Problems found in a study: one record per finding, with file, row, column and fix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: How many rows of one kind of problem (same file, column and code) are kept verbatim;
#: the rest are counted in ``more_rows`` so a million bad rows do not make a million records.
ROWS_KEPT_PER_KIND = 20

#: The longest value a problem repeats; a longer one is cut, and its length said.
VALUE_CHARS_SHOWN = 80


def shown(value: object) -> str | None:
    """A value as a problem repeats it: as text, cut after ``VALUE_CHARS_SHOWN`` characters.

    Examples
    --------
    >>> shown("m" * 3000)[-30:]
    'mmmmmmmmm... (3000 characters)'
    >>> shown(None), shown(4)
    (None, '4')
    """
    if value is None:
        return None
    text = str(value)
    if len(text) <= VALUE_CHARS_SHOWN:
        return text
    return f"{text[:60]}... ({len(text)} characters)"


@dataclass(frozen=True)
class Problem:
    """One finding in a study's files.

    Parameters
    ----------
    severity : {"error", "warning"}
        Errors stop loading; warnings are reported and the data are used.
    code : str
        Stable identifier of the kind of problem (e.g. ``"date.not_iso"``).
    file : str
        The file (and sheet) the problem is in, as the user named it.
    row : int or None
        Row in the file as a spreadsheet shows it: the header is row 1, the first record row 2.
    column : str or None
        Column the problem is in.
    value : str or None
        The offending value as written in the file.
    expected : str
        What was expected there.
    fix : str
        How to fix it.
    more_rows : int
        How many further rows have the same problem (not listed one by one).

    Examples
    --------
    >>> p = Problem("error", "range", "patients.csv", 4, "weight_kg", "450",
    ...             "a weight between 20 and 300 kg", "check the unit")
    >>> print(p.render())  # doctest: +NORMALIZE_WHITESPACE
    error: patients.csv row 4, column weight_kg: '450': expected a weight between 20 and 300
    kg; fix: check the unit
    """

    severity: Severity
    code: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    fix: str
    more_rows: int = 0

    def location(self) -> str:
        """Return where the problem is, as ``file row N, column C``.

        Returns
        -------
        str
            The location in words.

        Examples
        --------
        >>> Problem("error", "x", "labs.csv", 7, "unit", "mg", "a unit", "fix it").location()
        'labs.csv row 7, column unit'
        """
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        where = " ".join(parts)
        if self.column is not None:
            noun = "setting" if self.file.endswith(".toml") else "column"
            where += f", {noun} {self.column}"
        return where

    def render(self) -> str:
        """Return the problem as one line of text.

        Returns
        -------
        str
            Severity, location, value, what was expected and the fix.

        Examples
        --------
        >>> Problem("warning", "x", "a.csv", None, None, None, "b", "c").render()
        'warning: a.csv: expected b; fix: c'
        """
        text = f"{self.severity}: {self.location()}: "
        if self.value is not None:
            text += f"{self.value!r}: "
        text += f"expected {self.expected}; fix: {self.fix}"
        if self.more_rows:
            text += f" (and {self.more_rows} more rows like this)"
        return text


def row_problems(
    severity: Severity,
    code: str,
    file: str,
    column: str | None,
    rows: Sequence[int],
    values: Sequence[object],
    expected: str | Sequence[str],
    fix: str,
    total: int | None = None,
) -> list[Problem]:
    """One problem per row for the first ``ROWS_KEPT_PER_KIND`` rows; the last counts the rest.

    ``values`` and ``expected`` (one text, or one per row) are read for the rows kept only;
    ``total`` is the number of rows when ``rows`` lists only the first ones.

    Examples
    --------
    >>> ps = row_problems("error", "x", "f.csv", "c", list(range(2, 32)), [1] * 30, "e", "f")
    >>> len(ps), ps[-1].more_rows, ps[0].value
    (20, 10, '1')
    """
    total = len(rows) if total is None else total
    kept = min(total, ROWS_KEPT_PER_KIND)
    problems = []
    for i in range(kept):
        value = values[i]
        problems.append(
            Problem(
                severity,
                code,
                file,
                rows[i],
                column,
                shown(value),
                expected if isinstance(expected, str) else expected[i],
                fix,
                total - kept if i == kept - 1 else 0,
            )
        )
    return problems


@dataclass
class ProblemLog:
    """Collects problems while a study is read; a mutable helper of the loader."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        """Record one problem."""
        self.problems.append(problem)

    def add_rows(
        self,
        severity: Severity,
        code: str,
        file: str,
        column: str | None,
        rows: Sequence[int],
        values: Sequence[object],
        expected: str,
        fix: str,
    ) -> None:
        """Record one problem for many rows, keeping the first few verbatim."""
        self.problems.extend(
            row_problems(severity, code, file, column, rows, values, expected, fix)
        )

    @property
    def errors(self) -> list[Problem]:
        """Return the errors."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Return the warnings (notes that do not stop the reading)."""
        return [p for p in self.problems if p.severity == "warning"]


class StudyError(Exception):
    """A study could not be loaded; ``problems`` lists every problem found at once.

    Parameters
    ----------
    problems : iterable of Problem
        Everything found, errors and warnings.

    Examples
    --------
    >>> err = StudyError([Problem("error", "x", "patients.csv", None, None, None, "a", "b")])
    >>> len(err.errors)
    1
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        self.errors = [p for p in self.problems if p.severity == "error"]
        lines = [p.render() for p in self.errors[:10]]
        more = len(self.errors) - len(lines)
        summary = f"{len(self.errors)} error(s) in the study"
        if more > 0:
            lines.append(f"... and {more} more")
        super().__init__(summary + ":\n" + "\n".join(lines))
