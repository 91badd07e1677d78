"""Console output shared by the commands: Rich tables, progress and problem listings."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from remission.study import Problem

console = Console()
err_console = Console(stderr=True)


@contextmanager
def step(message: str) -> Iterator[None]:
    """Show a spinner with elapsed time while a step runs (steps can take seconds)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task(message, total=1)
        yield
        progress.update(task, completed=1)


def problem_table(problems: Sequence[Problem], title: str) -> Table:
    """Render problems as a table: severity, where, value, expected, fix."""
    table = Table(title=title, show_lines=False, expand=False)
    for col in ("severity", "file", "row", "column", "value", "expected", "fix"):
        table.add_column(col, overflow="fold")
    for p in problems:
        style = "red" if p.severity == "error" else "yellow"
        extra = f" (+{p.more_rows} more rows)" if p.more_rows else ""
        table.add_row(
            f"[{style}]{p.severity}[/{style}]",
            p.file,
            "" if p.row is None else str(p.row) + extra,
            p.column or "",
            "" if p.value is None else repr(p.value),
            p.expected,
            p.fix,
        )
    return table


def summary_table(rows: Sequence[tuple[str, str]], title: str) -> Table:
    """Two-column table of labelled values."""
    table = Table(title=title, show_header=False)
    table.add_column("item", style="bold")
    table.add_column("value")
    for item, value in rows:
        table.add_row(item, value)
    return table


STUDY_FORMATS = ("csv", "parquet", "xlsx")
"""The forms of a study folder a command can write (``write_study``)."""


def check_format(fmt: str, formats: Sequence[str] = STUDY_FORMATS) -> str:
    """``fmt`` when it is one of ``formats``; else a usage error naming them (exit code 2)."""
    if fmt not in formats:
        raise typer.BadParameter(f"use one of {', '.join(formats)}", param_hint="--format")
    return fmt
