"""Console output shared by the commands: Rich tables, progress, messages and problem listings.

Text from the user's files and command line (paths, column names, values, names in a regimen
or a mutation table) is printed literally: as :class:`rich.text.Text`, never as markup, and the
consoles do not replace emoji codes, so ``lymphocytes [/uL]`` and ``:smile:`` print as written.
Plain messages are soft-wrapped (a log gets one line per message, not lines cut at 80 columns).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from remission.study import Problem

console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)


def one_line(text: str) -> str:
    r"""``text`` with line breaks, tabs and other unprintable characters written as escapes.

    Examples
    --------
    >>> one_line("height\n[cm]\t\x1b[31m")
    'height\\n[cm]\\t\\x1b[31m'
    """
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def say(message: str | Text, *, to: Console | None = None) -> None:
    """Print ``message`` as it is (a str is never read as markup) on stdout or ``to``."""
    out = console if to is None else to
    out.print(message if isinstance(message, Text) else Text(message), soft_wrap=True)


def joined(message: str) -> str:
    """The lines of ``message`` as one: ``"; "`` between them unless a line ends a clause.

    Examples
    --------
    >>> joined("unknown allele 'X'\\nwrite e.g. A*02:01")
    "unknown allele 'X'; write e.g. A*02:01"
    >>> joined("bad file:\\n  line 3")
    'bad file: line 3'
    """
    text = ""
    for line in (s.strip() for s in message.splitlines()):
        if line:
            text += ("" if not text else " " if text[-1] in ".:;,!?" else "; ") + line
    return text


def error(message: str) -> None:
    """Print ``error: message`` on stderr, on one line (the lines of ``message`` joined)."""
    say(Text.assemble(("error:", "red"), " ", one_line(joined(message))), to=err_console)


def note(message: str) -> None:
    """Print ``note: message`` on stderr."""
    say(Text.assemble(("note:", "yellow"), " ", one_line(message)), to=err_console)


@contextmanager
def step(message: str) -> Iterator[None]:
    """Show a spinner with elapsed time while a step runs (steps can take seconds)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", style="progress.description", markup=False),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task(one_line(message), total=1)
        yield
        progress.update(task, completed=1)


def counts(problems: Sequence[Problem]) -> str:
    """``"2 errors, 1 warning"``: the problems counted by severity.

    Examples
    --------
    >>> p = Problem("warning", "x", "a.csv", None, None, None, "b", "c")
    >>> counts([p]), counts([])
    ('0 errors, 1 warning', '0 errors, 0 warnings')
    """
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    return (
        f"{errors} error{'' if errors == 1 else 's'}, "
        f"{warnings} warning{'' if warnings == 1 else 's'}"
    )


def problem_line(p: Problem) -> str:
    """One problem as one line, located as a compiler does (``file:row: severity: ...``).

    Examples
    --------
    >>> print(problem_line(Problem("error", "range", "labs.csv", 4, "value", "-1", ">= 0",
    ...                            "correct it", 3)))
    labs.csv:4: error: column value: '-1': expected >= 0; fix: correct it (and 3 more rows)
    >>> print(problem_line(Problem("warning", "x", "study.toml", None, "cutof", None, "b", "c")))
    study.toml: warning: setting cutof: expected b; fix: c
    """
    text = p.file if p.row is None else f"{p.file}:{p.row}"
    text += f": {p.severity}: "
    if p.column is not None:
        noun = "setting" if p.file.endswith(".toml") else "column"
        text += f"{noun} {p.column}: "
    if p.value is not None:
        text += f"{p.value!r}: "
    text += f"expected {p.expected}; fix: {p.fix}"
    if p.more_rows:
        text += f" (and {p.more_rows} more row{'' if p.more_rows == 1 else 's'})"
    return one_line(text)


def problem_table(problems: Sequence[Problem], title: str) -> Table:
    """Render problems as a table: severity, where, value, expected, fix (every cell literal)."""
    table = Table(title=Text(one_line(title)), show_lines=False, expand=False)
    for col in ("severity", "file", "row", "column", "value", "expected", "fix"):
        table.add_column(col, overflow="fold")
    for p in problems:
        extra = f" (+{p.more_rows} more rows)" if p.more_rows else ""
        table.add_row(
            Text(p.severity, style="red" if p.severity == "error" else "yellow"),
            Text(one_line(p.file)),
            Text("" if p.row is None else str(p.row) + extra),
            Text(one_line(p.column or "")),
            Text("" if p.value is None else repr(p.value)),
            Text(one_line(p.expected)),
            Text(one_line(p.fix)),
        )
    return table


def one_per_kind(
    problems: Sequence[Problem], skip: Callable[[Problem], bool] | None = None
) -> list[Problem]:
    """One problem per kind (code and file): the first row of each, the others counted.

    Parameters
    ----------
    problems : sequence of Problem
        Problems in the order they are to be shown.
    skip : callable, optional
        Problems for which it returns True are left out.

    Returns
    -------
    list of Problem
        The first of each kind, its ``more_rows`` counting the kind's other rows.

    Examples
    --------
    >>> rows = [Problem("warning", "value.no_age", "patients.csv", r, "age", None, "an age",
    ...                 "fill it in") for r in (4, 9, 12)]
    >>> [(p.row, p.more_rows) for p in one_per_kind(rows)]
    [(4, 2)]
    """
    seen: dict[tuple[str, str], Problem] = {}
    kinds: Counter[tuple[str, str]] = Counter()
    for p in problems:
        if skip is not None and skip(p):
            continue
        key = (p.code, p.file)
        kinds[key] += 1 + p.more_rows
        seen.setdefault(key, p)
    return [
        replace(p, more_rows=kinds[key] - 1 if p.row is not None else p.more_rows)
        for key, p in seen.items()
    ]


def say_notes(
    problems: Sequence[Problem], where: str, skip: Callable[[Problem], bool] | None = None
) -> None:
    """Print problems (warnings) on standard error, one per kind (``one_per_kind``), with
    ``print_problems``'s count and ``where``; nothing when there are none.

    Parameters
    ----------
    problems : sequence of Problem
        The warnings, in the order they are to be shown.
    where : str
        What follows the count (``"on the import (one per kind of note)"``).
    skip : callable, optional
        Problems for which it returns True are left out.

    Examples
    --------
    >>> say_notes([], "in my-study")  # prints nothing
    """
    notes = one_per_kind(problems, skip)
    if notes:
        print_problems(notes, where, to=err_console)


def say_study_warnings(warnings: Sequence[Problem], study: object) -> None:
    """A loaded study's warnings (``Study.warnings``), one per kind, on standard error, for
    the commands that go on despite them (derive, report, app); nothing when there are none.

    Parameters
    ----------
    warnings : sequence of Problem
        The warnings.
    study : str or pathlib.Path
        The study, as the user named it.

    Examples
    --------
    >>> say_study_warnings((), "my-study")  # prints nothing
    """
    say_notes(warnings, f"in {study} (one per kind; remission validate lists every row)")


def print_problems(problems: Sequence[Problem], where: str, *, to: Console | None = None) -> None:
    """List problems: a table on a terminal, else one line each and a count (for logs, grep).

    ``where`` follows the count in the table's title and the last line: ``"in STUDY"`` gives
    ``2 errors, 1 warning in STUDY``. A terminal is what Rich takes for one (``TTY_COMPATIBLE``
    and ``FORCE_COLOR`` force it, ``TTY_COMPATIBLE=0`` refuses it).
    """
    out = console if to is None else to
    summary = f"{counts(problems)} {where}"
    if out.is_terminal:
        out.print(problem_table(problems, summary))
        return
    for p in problems:
        say(problem_line(p), to=out)
    say(one_line(summary), to=out)


def summary_table(rows: Sequence[tuple[str, str]], title: str) -> Table:
    """Two-column table of labelled values (printed literally)."""
    table = Table(title=Text(title), show_header=False)
    table.add_column("item", style="bold")
    table.add_column("value")
    for item, value in rows:
        table.add_row(Text(item), Text(value))
    return table


STUDY_FORMATS = ("csv", "parquet", "xlsx")
"""The forms of a study folder a command can write (``write_study``)."""


def check_format(fmt: str, formats: Sequence[str] = STUDY_FORMATS) -> str:
    """``fmt`` when it is one of ``formats``; else a usage error naming them (exit code 2)."""
    if fmt not in formats:
        raise typer.BadParameter(f"use one of {', '.join(formats)}", param_hint="--format")
    return fmt
