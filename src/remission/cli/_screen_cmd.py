"""``remission antigens screen``: validate and analyse a T-cell recognition screen folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from remission._io import check_out
from remission.cli._antigens_cmd import antigens_app
from remission.cli._console import (
    console,
    err_console,
    print_problems,
    say,
    step,
    summary_table,
)

screen_app = typer.Typer(
    help="T-cell recognition screens: validate, analyse and design plates (docs/screens.md).",
    no_args_is_help=True,
)
antigens_app.add_typer(screen_app, name="screen")

FolderArg = Annotated[
    Path,
    typer.Argument(
        help="The screen folder: plates.csv, layout.csv (when wells name antigens), "
        "optional screen.toml.",
        exists=True,
        file_okay=False,
        dir_okay=True,
    ),
]


VALIDATE_HELP = (
    "Check a screen folder and list every problem at once (file, row, column, fix).\n\n"
    "On a terminal the problems are a table; piped or redirected, one line each "
    "(FILE:ROW: SEVERITY: column C: 'VALUE': expected ...; fix: ...) and a count."
)
ANALYSE_HELP = (
    "Analyse a screen: positivity calls, deconvolution trail, titrations, lysis.\n\n"
    "A plate with an error is left out and listed (file, row, plate, well, reason) with "
    "everything else analysed; 'remission antigens screen validate' lists every error. "
    "The results are the study report's antigen section: an HTML page (self-contained), a "
    "PDF, every table as CSV (tables/) and XLSX, and the figures as SVG and PNG."
)


@screen_app.command(
    "validate",
    help=VALIDATE_HELP,
    epilog="Example: remission antigens screen validate my_screen/  "
    "(exit 1 when there are errors; --json for a machine-readable list)",
)
def validate_cmd(
    folder: FolderArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as JSON.")] = False,
) -> None:
    """Check a screen folder (``VALIDATE_HELP``)."""
    from remission.antigens.screens import read_screen
    from remission.study import StudyError

    tables = None
    with step("reading and checking the screen"):
        try:
            tables = read_screen(folder)
            problems = list(tables.warnings)
        except StudyError as exc:
            problems = exc.problems
    if as_json:
        console.print_json(json.dumps([p.__dict__ for p in problems]))
    elif problems:
        print_problems(problems, f"in {folder}")
    if tables is None:
        raise typer.Exit(1)
    if not as_json:
        plates = tables.plates["plate"].n_unique()
        say(
            Text.assemble(
                (f"{folder}: no errors", "green"),
                f" ({plates} plates, {tables.plates.height} wells, "
                f"{tables.layout.height} layout rows)",
            )
        )


@screen_app.command(
    "analyse",
    help=ANALYSE_HELP,
    epilog="Example: remission antigens screen analyse my_screen/ --out my_screen_results/  "
    "(writes index.html, report.pdf, tables.xlsx, tables/*.csv and figures/)",
)
def analyse_cmd(
    folder: FolderArg,
    out: Annotated[Path, typer.Option("--out", help="Folder for the results.")],
) -> None:
    """Analyse a screen and write its results (``ANALYSE_HELP``)."""
    check_out(out, [folder])
    from remission.antigens.screens import analyse_screen, read_screen
    from remission.report import build_screen_report, write_screen_report

    with step("reading the screen"):
        tables = read_screen(folder, keep_going=True)
    with step("analysing the plates"):
        result = analyse_screen(tables)
    with step("drawing the figures"):
        report = build_screen_report(tables, result, command=" ".join(["remission", *sys.argv[1:]]))
    with step(f"writing {out}"):
        write_screen_report(report, result, out.absolute(), inputs=[folder])
    label = "SYNTHETIC screen" if tables.synthetic else "screen"
    console.print(summary_table(report.headline, f"remission antigens screen analyse: {label}"))
    for problem in result.problems:
        say(Text.assemble(("left out:", "yellow"), " ", problem.render()), to=err_console)
    say(f"results written to {out / 'index.html'} (and report.pdf, tables.xlsx, tables/)")
