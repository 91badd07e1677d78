"""``remission import omop``: an OMOP CDM 5.4 database (PostgreSQL) into a study folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remission._io import check_out
from remission.cli._console import check_format, say, say_notes, step
from remission.cli._import_cmd import cutoff_option, import_app


@import_app.command("omop")
def import_omop(
    url: Annotated[
        str,
        typer.Option(
            "--url", help="postgresql://USER@HOST/DB (password: ~/.pgpass or PGPASSWORD)."
        ),
    ],
    cohort_definition: Annotated[
        Path,
        typer.Option("--cohort-definition", help="TOML naming the concept ids (docs/sources.md)."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Study folder to write.")],
    schema: Annotated[str, typer.Option("--schema", help="The CDM schema.")] = "cdm",
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="Mark the study as made-up data.")
    ] = False,
    criteria: Annotated[str, typer.Option("--criteria", help="who or recist1.1.")] = "recist1.1",
    regimen: Annotated[str | None, typer.Option("--regimen", help="The IL-2 regimen.")] = None,
    cutoff: Annotated[
        str | None, typer.Option("--cutoff", help="Data cut-off (YYYY-MM-DD).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Study name.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, parquet or xlsx.")] = "csv",
) -> None:
    """Import an OMOP CDM 5.4 database (PostgreSQL) as a study folder, validated first."""
    from remission.sources import OmopSettings, read_cohort_definition, read_omop
    from remission.sources._omop_db import safe_url
    from remission.study import ROW_COLUMN, write_study

    check_format(fmt)
    if criteria not in ("who", "recist1.1"):
        raise typer.BadParameter("use who or recist1.1", param_hint="--criteria")
    cut = cutoff_option(cutoff)
    check_out(out, [cohort_definition], kind="study")  # before the query
    cohort = read_cohort_definition(cohort_definition)
    settings = OmopSettings(synthetic, cut, criteria, regimen, name)
    with step(f"reading OMOP CDM {safe_url(url)} schema {schema}"):
        study = read_omop(url, cohort, schema, settings)
    with step(f"writing {out}"):
        write_study(study, out, fmt)  # type: ignore[arg-type]
    say_notes(study.warnings, "on the import (one per kind of note)")
    counts = ", ".join(
        f"{frame.height:,} {table.replace('_', ' ')}"
        for table, frame in study.tables.items()
        if frame.drop(ROW_COLUMN, strict=False).height
    )
    label = "SYNTHETIC study" if study.config.synthetic else "study"
    say(f"imported {label} {study.config.name!r} from OMOP ({schema}) to {out}: {counts}")


def simulate_to_omop(study, url: str, schema: str, out: Path | None) -> None:
    """Load a simulated study into a new OMOP schema; with ``out``, write the cohort file too."""
    import tomli_w

    from remission._io import atomic_folder
    from remission.sources import default_cohort, load_omop, omop_tables
    from remission.sources._omop_cohort import default_cohort_text

    cohort = default_cohort()
    load_omop(omop_tables(study, cohort), url, schema)
    if out is not None:
        with atomic_folder(out, "simulate --format omop") as tmp:
            (tmp / "omop_cohort.toml").write_text(default_cohort_text(), encoding="utf-8")
            keys = ("name", "synthetic", "cutoff_date", "response_criteria", "regimen")
            cfg = {k: v for k, v in study.config.to_toml_dict()["study"].items() if k in keys}
            (tmp / "study.toml").write_bytes(tomli_w.dumps({"study": cfg}).encode())
