"""The ``remission`` command."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, TextIO

import typer
from rich.text import Text

import remission
from remission.cli._console import err_console, error, one_line, print_problems, say
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
        say(f"remission {remission.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Durable-response studies of cancer immunotherapy cohorts, from raw records."""


_PYTHON_SHOWWARNING = warnings.showwarning


def show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Print remission's own warnings (findings about the user's data, such as nodes without
    a short axis) as ``warning: ...`` on one line of standard error, without Python's source
    file and line; a library's warning as Python prints it.

    Examples
    --------
    >>> from remission.derive import MissingShortAxisWarning
    >>> show_warning(MissingShortAxisWarning("2 readings"), MissingShortAxisWarning, "f", 1)
    """
    if category.__module__.split(".")[0] == "remission":
        say(Text.assemble(("warning:", "yellow"), " ", one_line(str(message))), to=err_console)
    else:
        _PYTHON_SHOWWARNING(message, category, filename, lineno, file, line)


def main() -> None:
    """Run the command line; user mistakes end with a message, never a traceback.

    A study with errors lists its problems (:func:`~remission.cli._console.print_problems`);
    any other ``ValueError`` or ``OSError`` reaching here (an ``--out`` that would destroy what
    remission did not write, an unreadable or malformed input file) prints ``error: ...`` on
    one line. All exit with code 1; 2 is left to usage errors (a bad option, from Typer).
    remission's own warnings print as ``warning: ...`` lines (``show_warning``).

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
    warnings.showwarning = show_warning
    try:
        app()
    except StudyError as exc:
        print_problems(exc.problems, "in the study", to=err_console)
        raise SystemExit(1) from None
    except (OSError, ValueError) as exc:  # OutputError is a ValueError
        error(str(exc) or type(exc).__name__)
        raise SystemExit(1) from None


def run() -> None:
    """Run ``main`` as the ``remission`` command, then exit without a last garbage collection.

    The entry point of the ``remission`` script and of ``python -m remission``. When the
    command is done (outputs written and closed, or its error printed), every object the
    process holds is frozen (``gc.freeze``) before Python shuts down: shutdown then frees
    memory without tracing the million objects of the scientific stack for cycles, which took
    0.5-0.6 s per command on a 2-core machine (0.1 s now). ``atexit`` handlers and
    ``weakref.finalize`` callbacks (temporary folders) still run, and the standard streams are
    flushed as always; what is skipped is ``__del__`` of unreachable cycles, which no output of
    remission relies on (every file is written and closed, and its folder moved into place,
    before ``main`` returns). In-process callers (tests, notebooks) use ``main``, which leaves
    the collector alone.

    Examples
    --------
    >>> import subprocess, sys
    >>> done = subprocess.run([sys.executable, "-m", "remission", "--version"],
    ...                       capture_output=True, text=True)
    >>> done.returncode, done.stdout.split()[0]
    (0, 'remission')
    """
    _PROCESS["command"] = True
    try:
        main()
    finally:
        gc.freeze()


_PROCESS = {"command": False}
"""Whether this process is the ``remission`` command (``run``), not a caller of ``main``."""


@contextmanager
def stack_imported() -> Iterator[None]:
    """Import the scientific stack inside the block; in the command, collect no garbage
    meanwhile and freeze what was imported after it.

    Importing the report's packages (scipy, lifelines, pandas, matplotlib, fpdf2) makes about a
    million objects, and Python traced them all in 7 full garbage collections during a report
    of the demo (0.73 s of 5.3 s). In the ``remission`` command the block runs without
    collections and its objects are then frozen (``gc.freeze``: modules live as long as the
    process), so later collections trace only what the command makes; forked figure workers
    then leave the parent's pages unwritten. Elsewhere (``main`` called by a test
    or a notebook) the block only imports.

    Examples
    --------
    >>> with stack_imported():
    ...     import json
    >>> json.dumps([1])
    '[1]'
    """
    if not _PROCESS["command"] or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
