"""``remission report``: the study report (HTML, PDF, XLSX, figures, data)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from remission._io import check_out
from remission.cli._app import app, stack_imported
from remission.cli._console import console, say, say_study_warnings, step, summary_table
from remission.study import Study, load


def make_report(study: Study, out: Path) -> list[tuple[str, str]]:
    """Derive, build and write the report of ``study`` into ``out``; return its headline."""
    with stack_imported():  # heavy: imported when a report is made
        from remission.derive import derive_study
        from remission.report import build_report, write_report

    with step("deriving the analysis datasets"):
        frames = derive_study(study)
    with step("building the report (statistics and figures)"):
        report = build_report(study, frames, command=" ".join(["remission", *sys.argv[1:]]))
    with step(f"writing {out}"):
        write_report(report, frames, out)
    return report.headline


@app.command()
def report(
    study: Annotated[Path, typer.Argument(help="The study folder (with study.toml).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the report.")],
) -> None:
    """Write the study report: index.html, report.pdf, tables.xlsx, figures/ and data/."""
    check_out(out, [study], kind="report")
    with step("reading and checking the study"):
        loaded = load(study)
    headline = make_report(loaded, out)
    say_study_warnings(loaded.warnings, study)
    label = "SYNTHETIC study" if loaded.config.synthetic else "study"
    console.print(summary_table(headline, f"remission report: {label}"))
    say(f"report written to {out / 'index.html'} (and report.pdf, tables.xlsx)")
