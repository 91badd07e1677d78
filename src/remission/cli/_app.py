"""The ``remission`` command."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

import remission
from remission._io import OutputError
from remission.cli._console import console, err_console, problem_table
from remission.study import StudyError

app = typer.Typer(
    name="remission",
    help="Durable-response studies of cancer immunotherapy cohorts, from raw records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        console.print(f"remission {remission.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Durable-response studies of cancer immunotherapy cohorts, from raw records."""


def main() -> None:
    """Run the command line; user mistakes end with a message, never a traceback.

    Examples
    --------
    >>> import sys
    >>> sys.argv = ["remission", "--version"]
    >>> try:
    ...     main()
    ... except SystemExit as stop:
    ...     print("exit", stop.code)
    remission ...
    exit 0
    """
    try:
        app()
    except StudyError as exc:
        err_console.print(problem_table(exc.problems, str(exc).splitlines()[0]))
        raise SystemExit(1) from None
    except OutputError as exc:  # an --out that would destroy what remission did not write
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")  # paths may hold [brackets]
        raise SystemExit(1) from None
    except (OSError, ValueError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise SystemExit(2) from None
