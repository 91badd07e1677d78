"""Commands on study folders: validate, simulate, demo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from remission._io import atomic_folder, check_out
from remission.cli._app import app
from remission.cli._console import (
    STUDY_FORMATS,
    check_format,
    console,
    print_problems,
    say,
    step,
    summary_table,
)
from remission.study import Study, check_study, load, write_study, write_study_parts


@app.command()
def validate(
    study: Annotated[Path, typer.Argument(help="The study folder (with study.toml).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as JSON.")] = False,
) -> None:
    """Check a study folder and list every problem; exit 1 when there are errors.

    On a terminal the problems are a table; piped or redirected, one line each
    (FILE:ROW: SEVERITY: column C: 'VALUE': expected ...; fix: ...) and a count.
    """
    with step("reading and checking the study"):
        loaded, problems = check_study(study)
    errors = [p for p in problems if p.severity == "error"]
    if as_json:
        console.print_json(json.dumps([p.__dict__ for p in problems]))
    elif problems:
        print_problems(problems, f"in {study}")
    if errors:
        raise typer.Exit(1)
    if not as_json:
        assert loaded is not None
        rows = sum(s.rows for s in loaded.sources)
        say(
            Text.assemble(
                (f"{study}: no errors", "green"), f" ({len(loaded.sources)} tables, {rows} rows)"
            )
        )


@app.command("simulate")
def simulate_cmd(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Study folder to write (with omop: the cohort file's folder)."),
    ] = None,
    patients: Annotated[int, typer.Option("--patients", min=20, help="Number of patients.")] = 409,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="csv, parquet or xlsx (a study folder); redcap (an export of the REDCap "
            "template project, raw and labels, with its dictionary); omop (OMOP CDM 5.4 "
            "tables loaded into --url).",
        ),
    ] = "csv",
    url: Annotated[
        str | None, typer.Option("--url", help="With --format omop: postgresql://USER@HOST/DB.")
    ] = None,
    schema: Annotated[
        str, typer.Option("--schema", help="With --format omop: the schema to create.")
    ] = "cdm",
) -> None:
    """Write a synthetic high-dose IL-2 cohort (labelled synthetic) as a study folder.

    With --format redcap the folder holds what a REDCap project of the template would give:
    redcap_export.csv (raw), redcap_export_labels.csv, the dictionary and layout, and a
    study.toml with the settings `remission import redcap --settings` takes. With --format omop
    the OMOP CDM tables are loaded into a new schema of the --url database (and, with --out,
    the cohort definition and settings are written there).
    """
    check_format(fmt, (*STUDY_FORMATS, "redcap", "omop"))
    if fmt == "omop" and url is None:
        raise typer.BadParameter("--format omop needs --url postgresql://...", param_hint="--url")
    if fmt != "omop" and out is None:
        raise typer.BadParameter("give the folder to write", param_hint="--out")
    if out is not None:  # the kind of folder it writes: a study, or REDCap or OMOP files
        check_out(out, kind="study" if fmt in STUDY_FORMATS else f"simulate --format {fmt}")
    from remission.simulate import simulate, simulate_parts  # numpy: only for these commands

    if fmt in ("csv", "parquet"):
        # a chunk of patients at a time: memory stays that of one chunk at any cohort size
        counts = []

        def chunks() -> Iterator[Study]:
            for part in simulate_parts(patients, seed):
                counts.append(sum(t.height for t in part.study.tables.values()))
                yield part.study

        with step(f"writing {out} ({fmt})"):  # simulated as written, a chunk at a time
            assert out is not None
            write_study_parts(chunks(), out, fmt)  # type: ignore[arg-type]
        say(f"wrote SYNTHETIC study {out}: {patients} patients, {sum(counts)} records")
        return
    with step(f"simulating {patients} patients"):
        sim = simulate(patients, seed)
    with step(f"writing {out} ({fmt})"):
        if fmt == "omop":
            from remission.cli._omop_cmd import simulate_to_omop

            assert url is not None
            simulate_to_omop(sim.study, url, schema, out)
        elif fmt == "redcap":
            from remission.cli._redcap_cmd import write_redcap_simulation

            assert out is not None
            write_redcap_simulation(sim.study, out)
        else:
            write_study(sim.study, out, fmt)  # type: ignore[arg-type]
    rows = sum(t.height for t in sim.study.tables.values())
    if fmt == "omop":
        from remission.sources._omop_db import safe_url

        assert url is not None
        say(f"loaded SYNTHETIC study into OMOP CDM schema {schema} of {safe_url(url)}: "
            f"{patients} patients, {rows} records")  # fmt: skip
        return
    kind = " as a REDCap export" if fmt == "redcap" else ""
    say(f"wrote SYNTHETIC study {out}: {patients} patients, {rows} records{kind}")


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the demo study and its report.")
    ] = Path("remission-demo"),
) -> None:
    """Build the demo study (synthetic, calibrated to the 1998 NCI series) and its report."""
    check_out(out, kind="demo")
    from remission.antigens.screens import demo_screen as demo_screen_tables
    from remission.antigens.screens import write_screen
    from remission.cli._report_cmd import make_report
    from remission.simulate import demo_study

    with atomic_folder(out, "demo") as work:
        with step("simulating the demo study (409 patients)"):
            sim = demo_study()
        with step("writing the study and its synthetic recognition screen"):
            write_study(sim.study, work / "study", "csv")
            write_screen(demo_screen_tables(), work / "study" / "screens")
        with step("loading and validating it"):
            study = load(work / "study")
        headline = make_report(study, work / "report")
    console.print(summary_table(headline, "remission demo: SYNTHETIC study (1998 NCI series)"))
    say(f"study:  {out / 'study'}")
    say(f"report: {out / 'report' / 'index.html'} (also report.pdf, tables.xlsx)")
