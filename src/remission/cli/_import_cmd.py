"""``remission import``: other formats into a study folder (``import sdtm`` for CDISC SDTM)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from remission._io import check_out
from remission.cli._app import app
from remission.cli._console import check_format, say, say_notes, step
from remission.sources import EVALUATOR, HISTOLOGY, read_sdtm
from remission.study import (
    ROW_COLUMN,
    Problem,
    Study,
    StudyError,
    validate_study,
    write_study,
)

import_app = typer.Typer(
    help="Import other formats (CDISC SDTM) into a study folder.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

_NOT_IMPORTED = ("doses", "labs", "prior_therapies")
"""Tables an SDTM import leaves empty by design (no IL-2 ledger, LB and CM not read)."""


def write_checked(study: Study, out: Path, fmt: str = "csv") -> list[Problem]:
    """Validate ``study`` as ``load`` would validate it written, and only then write it.

    The checks run on the tables in memory (``validate_study``), with each record's row as it
    will be in the written file, so nothing is written and read back; ``out`` appears (or is
    replaced, atomically) only when there is no error, so a failed import never leaves a
    half-usable study behind (nor replaces a folder remission did not write: ``write_study``).
    Returns the validation's notes (warnings).
    """
    as_written = {
        name: frame.drop(ROW_COLUMN, strict=False).with_row_index(ROW_COLUMN, offset=2)
        for name, frame in study.tables.items()
    }
    problems = validate_study(replace(study, tables=as_written))
    if any(p.severity == "error" for p in problems):
        raise StudyError(problems)
    write_study(study, out, fmt)  # type: ignore[arg-type]  # checked by the command
    return problems


def cutoff_option(value: str | None) -> dt.date | None:
    """The ``--cutoff`` option of the import commands as a date (YYYY-MM-DD), or None."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; write it as YYYY-MM-DD", param_hint="--cutoff"
        ) from None


@import_app.command("sdtm")
def sdtm(
    folder: Annotated[
        Path, typer.Argument(help="Folder with the SDTM domains (dm, ds, ex, tu, tr, rs).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Study folder to write.")],
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="Mark the study as made-up data (test data).")
    ] = False,
    histology: Annotated[
        str, typer.Option("--histology", help="Histology every patient gets.")
    ] = HISTOLOGY,
    cutoff: Annotated[
        str | None,
        typer.Option("--cutoff", help="Data cut-off (YYYY-MM-DD); default: the latest date found."),
    ] = None,
    evaluator: Annotated[
        str,
        typer.Option("--evaluator", help="Whose tumor records to keep (TUEVAL/TREVAL/RSEVAL)."),
    ] = EVALUATOR,
    adsl: Annotated[
        Path | None,
        typer.Option("--adsl", help="ADaM ADSL (CSV/XPT) giving LSTALVDT as last_known_alive."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="Study folder files: csv, parquet (typed, fastest) or xlsx."),
    ] = "csv",
) -> None:
    """Import CDISC SDTM domains (CSV or XPT) as a study folder, validated before it is kept."""
    check_format(fmt)
    cutoff_date = cutoff_option(cutoff)
    check_out(out, [folder] if adsl is None else [folder, adsl], kind="study")
    with step(f"reading SDTM {folder}"):
        study = read_sdtm(
            folder,
            synthetic=synthetic,
            histology=histology,
            cutoff=cutoff_date,
            evaluator=evaluator,
            adsl=adsl,
        )
    with step(f"validating and writing {out}"):
        try:
            checked = write_checked(study, out, fmt)
        except StudyError as exc:
            # the imported tables broke a rule of the study format: name them as such
            imported = [replace(p, file=f"{p.file} (as imported)") for p in exc.problems]
            raise StudyError([*study.warnings, *imported]) from None
    by_design = {f"{name}.csv" for name in _NOT_IMPORTED}  # as validate_study names them
    say_notes(
        [*study.warnings, *checked],
        "on the import (one per kind of note)",
        skip=lambda p: p.code == "table.empty" and p.file in by_design,
    )
    p = study.patients
    treated = p.filter(p["treatment_start"].is_not_null()).height
    label = "SYNTHETIC study" if study.config.synthetic else "study"
    say(
        f"imported {label} {study.config.name!r} to {out}: {p.height:,} patients "
        f"({treated:,} treated), {study.lesions.height:,} lesions, "
        f"{study.measurements.height:,} measurements, {study.assessments.height:,} "
        f"assessments; cut-off {study.config.cutoff_date.isoformat()}; "
        f"{', '.join(_NOT_IMPORTED)} are empty (not in SDTM's DM/DS/EX/TU/TR/RS)"
    )
