"""``remission derive``: the derived datasets of a study, written in one go."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

import remission
from remission._io import atomic_folder, build_time, check_out, write_csv
from remission._part_writer import PartWriter, side_by_side
from remission.cli._app import app
from remission.cli._console import check_format, say, say_study_warnings, step
from remission.derive import DEFAULT_PARTITION_SIZE, derive_parts, derive_study
from remission.export._metadata import define_table, merge_define
from remission.study import (
    ParquetParts,
    SourceFile,
    Study,
    StudyConfig,
    StudyError,
    load,
    parquet_parts,
)

FORMATS = ("csv", "parquet", "xpt", "dataset-json")
ENGINES = ("polars", "spark")
MANIFEST = "manifest.json"
DEFINE = "define.csv"
"""The define-style metadata table written beside the datasets (every format)."""
_FILES = {
    "csv": ("csv",),
    "parquet": ("parquet",),
    "xpt": ("xpt",),
    "dataset-json": ("json", "ndjson"),
}
"""The file suffixes of each format (Dataset-JSON: both its JSON and NDJSON forms)."""

DERIVED = "derived datasets"
"""What ``derive`` writes (``atomic_folder``'s kind): it replaces only its own output."""


def _write_one(frame: pl.DataFrame, tmp: Path, name: str, fmt: str, study: str) -> None:
    if fmt == "csv":
        write_csv(frame, tmp / f"{name}.csv")
    elif fmt == "parquet":
        frame.write_parquet(tmp / f"{name}.parquet")
    elif fmt == "xpt":
        from remission.export import write_xpt

        write_xpt(frame, tmp / f"{name}.xpt", name)
    else:
        from remission.export import write_dataset_json

        created = build_time().replace(tzinfo=None)
        write_dataset_json(frame, tmp / f"{name}.json", name, study, created=created)
        write_dataset_json(frame, tmp / f"{name}.ndjson", name, study, ndjson=True, created=created)


def check_exportable(frames: dict[str, pl.DataFrame], fmt: str) -> None:
    """Refuse (``StudyError``) datasets that SAS V5 transport cannot hold, before writing."""
    if fmt != "xpt":
        return
    from remission.export import v5_problems

    problems = [p for name, frame in frames.items() for p in v5_problems(frame, name)]
    if problems:
        raise StudyError(problems)


def manifest_head(config: StudyConfig) -> dict[str, object]:
    """The manifest's first entries: the study, whether synthetic, its regimen, the writer."""
    return {
        "study": config.name,
        "synthetic": config.synthetic,
        "regimen": config.regimen,
        "derived_by": f"remission {remission.__version__}",
    }


def write_datasets(frames: Mapping[str, pl.DataFrame], study: Study, out: Path, fmt: str) -> None:
    """Write every frame (and a manifest) into ``out`` atomically: all files or none."""
    inputs = [] if study.folder is None else [study.folder]
    with atomic_folder(out, DERIVED, inputs=inputs) as tmp:
        side_by_side(
            frames, lambda name, frame: _write_one(frame, tmp, name, fmt, study.config.name)
        )
        write_csv(define_table(frames), tmp / DEFINE)
        rows = {name: frame.height for name, frame in frames.items()}
        _write_manifest(tmp, study.config, fmt, rows, study.sources)


def _write_manifest(
    tmp: Path, config: StudyConfig, fmt: str, rows: Mapping[str, int], sources: Iterable[SourceFile]
) -> None:
    manifest = {
        **manifest_head(config),
        "define": DEFINE,
        "datasets": {
            name: {
                "file": f"{name}.{_FILES[fmt][0]}",
                "rows": n,
                **({"ndjson": f"{name}.ndjson"} if fmt == "dataset-json" else {}),
            }
            for name, n in rows.items()
        },
        "sources": [
            {"table": s.table, "file": s.file, "sha256": s.sha256, "rows": s.rows} for s in sources
        ],
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


@app.command()
def derive(
    study: Annotated[
        str,
        typer.Argument(
            help="The study folder (with study.toml); with --engine spark any path Spark reads "
            "(hdfs://, s3a://)."
        ),
    ],
    out: Annotated[
        str,
        typer.Option(
            "--out",
            help="Folder for the derived datasets; with --engine spark also a URL Spark writes.",
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="csv, parquet, xpt (SAS V5 transport, labelled) or dataset-json (CDISC v1.1 "
            "JSON and NDJSON). Default csv; parquet (the only one) with --engine spark.",
        ),
    ] = None,
    partition_size: Annotated[
        int,
        typer.Option(
            "--partition-size",
            min=1,
            help="Patients derived together; peak memory grows with it, not with the cohort.",
        ),
    ] = DEFAULT_PARTITION_SIZE,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="polars (in this process) or spark (Apache Spark: pip install "
            "'remission[spark]' and Java 17).",
        ),
    ] = "polars",
    master: Annotated[
        str | None,
        typer.Option("--master", help="With --engine spark: local[2], spark://HOST:7077, yarn."),
    ] = None,
) -> None:
    """Derive the analysis datasets (ADEX, ...) of a study and write them to one folder.

    Every format also writes define.csv (dataset, variable, label, type, length, origin,
    derivation) and manifest.json. With --engine spark each dataset is a folder of Parquet
    part files, beside manifest.json (docs/scale.md).
    """
    if engine not in ENGINES:
        raise typer.BadParameter(f"use one of {', '.join(ENGINES)}", param_hint="--engine")
    if engine == "spark":
        from remission.cli._derive_spark import derive_on_spark

        check_format(fmt or "parquet", ("parquet",))
        derive_on_spark(study, out, partition_size, master or "local[2]")
        return
    if master is not None:
        raise typer.BadParameter("--master is for --engine spark", param_hint="--master")
    fmt = check_format(fmt or "csv", FORMATS)
    _derive_here(Path(study), Path(out), fmt, partition_size)


def _derive_here(study: Path, out: Path, fmt: str, partition_size: int) -> None:
    """``derive`` in this process (the polars engine)."""
    check_out(out, [study], kind=DERIVED)
    if fmt in ("csv", "parquet"):
        with step("looking at the study's tables"):
            parts = parquet_parts(study, partition_size)
        if parts is not None and not (fmt == "csv" and parts.has_seconds()):
            _derive_in_parts(parts, out, fmt, partition_size)
            return
    with step("reading and checking the study"):
        loaded = load(study)
    with step("deriving the datasets"):
        frames = derive_study(loaded, partition_size=partition_size)
        check_exportable(frames, fmt)
    with step(f"writing {out} ({fmt})"):
        write_datasets(frames, loaded, out.absolute(), fmt)
    say_study_warnings(loaded.warnings, study)
    _say_written(loaded.config, study, {name: f.height for name, f in frames.items()}, out, fmt)


def _say_written(
    config: StudyConfig, study: Path, rows: Mapping[str, int], out: Path, fmt: str
) -> None:
    suffix = "/".join(_FILES[fmt])
    files = ", ".join(f"{name}.{suffix} ({n:,} rows)" for name, n in rows.items())
    label = "SYNTHETIC study" if config.synthetic else "study"
    say(f"derived {label} {study}: wrote {files} to {out}")


def _derive_in_parts(parts: ParquetParts, out: Path, fmt: str, partition_size: int) -> None:
    """``derive`` of a Parquet study a part at a time: each part read, checked, derived and
    appended to the dataset files before the next (docs/scale.md)."""
    rows: Counter[str] = Counter()
    records: Counter[str] = Counter()
    sources: dict[str, SourceFile] = {}
    warnings = list(parts.problems)  # the settings' (errors would have raised)
    defines = []
    message = f"deriving {len(parts)} parts of {partition_size:,} patients, writing {out} ({fmt})"
    with (
        step(message),
        atomic_folder(out.absolute(), DERIVED, inputs=[parts.folder]) as tmp,
        PartWriter(tmp, fmt) as writer,
    ):
        for part, frames in derive_parts(parts):
            writer.write(frames)
            defines.append(define_table(frames))
            rows.update({name: frame.height for name, frame in frames.items()})
            records.update({source.table: source.rows for source in part.sources})
            sources.update({source.table: source for source in part.sources})
            warnings += part.warnings
            del part, frames  # let the part go before the next is read
        writer.close()
        write_csv(merge_define(defines), tmp / DEFINE)
        counted = [replace(source, rows=records[name]) for name, source in sources.items()]
        _write_manifest(tmp, parts.config, fmt, rows, counted)
    say_study_warnings(warnings, parts.folder)
    _say_written(parts.config, parts.folder, rows, out, fmt)
