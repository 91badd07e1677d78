"""``remission derive``: the derived datasets of a study, written in one go."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

import remission
from remission._io import atomic_folder, check_out, write_csv
from remission.cli._app import app
from remission.cli._console import check_format, console, step
from remission.derive import DEFAULT_PARTITION_SIZE, derive_study
from remission.study import Study, load

FORMATS = ("csv", "parquet")
MANIFEST = "manifest.json"


def write_datasets(frames: Mapping[str, pl.DataFrame], study: Study, out: Path, fmt: str) -> None:
    """Write every frame (and a manifest) into ``out`` atomically: all files or none."""
    inputs = [] if study.folder is None else [study.folder]
    with atomic_folder(out, "derived datasets", inputs=inputs) as tmp:
        for name, frame in frames.items():
            if fmt == "csv":
                write_csv(frame, tmp / f"{name}.csv")
            else:
                frame.write_parquet(tmp / f"{name}.parquet")
        manifest = {
            "study": study.config.name,
            "synthetic": study.config.synthetic,
            "regimen": study.config.regimen,
            "derived_by": f"remission {remission.__version__}",
            "datasets": {
                name: {"file": f"{name}.{fmt}", "rows": frame.height}
                for name, frame in frames.items()
            },
            "sources": [
                {"table": s.table, "file": s.file, "sha256": s.sha256, "rows": s.rows}
                for s in study.sources
            ],
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


@app.command()
def derive(
    study: Annotated[Path, typer.Argument(help="The study folder (with study.toml).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the derived datasets.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    partition_size: Annotated[
        int,
        typer.Option(
            "--partition-size",
            min=1,
            help="Patients derived together; peak memory grows with it, not with the cohort.",
        ),
    ] = DEFAULT_PARTITION_SIZE,
) -> None:
    """Derive the analysis datasets (ADEX, ...) of a study and write them to one folder."""
    check_format(fmt, FORMATS)
    check_out(out, [study])
    with step("reading and checking the study"):
        loaded = load(study)
    with step("deriving the datasets"):
        frames = derive_study(loaded, partition_size=partition_size)
    with step(f"writing {out} ({fmt})"):
        write_datasets(frames, loaded, out.absolute(), fmt)
    files = ", ".join(f"{name}.{fmt} ({frame.height:,} rows)" for name, frame in frames.items())
    label = "SYNTHETIC study" if loaded.config.synthetic else "study"
    console.print(f"derived {label} {study}: wrote {files} to {out}")
