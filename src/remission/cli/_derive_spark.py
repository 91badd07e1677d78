"""``remission derive --engine spark``: the datasets derived and written by Apache Spark."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from remission._io import OutputError, atomic_folder, check_out, csv_bytes, listed, write_csv
from remission.cli._console import say, say_study_warnings, step
from remission.cli._derive_cmd import DEFINE, DERIVED, MANIFEST, manifest_head

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from remission.derive import SparkDerived


def _is_url(path: str) -> bool:
    return "://" in path


def derive_on_spark(study: str, out: str, partition_size: int, master: str) -> None:
    """Derive ``study`` on Spark into ``out``: a local folder written atomically (with the
    marker), or a URL Spark writes to directly, which must be new or empty. Both get
    ``define.csv`` and, last, ``manifest.json``."""
    from remission.derive import derive_spark, spark_folder_entries, spark_session
    from remission.derive._spark import PYSPARK_PANDAS_WARNING

    # pyspark warns at import and at each mapInArrow that it does not fully support pandas 3;
    # this engine hands data to Python as Arrow (mapInArrow), never as pandas
    warnings.filterwarnings("ignore", PYSPARK_PANDAS_WARNING, FutureWarning, "pyspark")

    inputs = [] if _is_url(study) else [Path(study)]
    if not _is_url(out):
        check_out(Path(out), inputs, kind=DERIVED)
    with step(f"starting Spark ({master})"):
        spark = spark_session(master)
    if _is_url(out):
        _check_out_url(out, study, spark_folder_entries(spark, out))
    with step("reading, checking and deriving the study on Spark"):
        if _is_url(out):
            derived = derive_spark(spark, study, out, partition_size)
            _put_beside(spark, out, derived, master)
        else:
            with atomic_folder(Path(out), DERIVED, inputs=inputs) as tmp:
                derived = derive_spark(spark, study, tmp.as_uri(), partition_size)
                for crc in tmp.rglob(".*.crc"):  # Hadoop's local checksums: not part of it
                    crc.unlink()
                if derived.define is not None:
                    write_csv(derived.define, tmp / DEFINE)
                (tmp / MANIFEST).write_text(_manifest(derived, master), "utf-8")
    say_study_warnings(derived.warnings, study)
    files = ", ".join(f"{name}/ ({rows:,} rows)" for name, rows in derived.rows.items())
    label = "SYNTHETIC study" if derived.config.synthetic else "study"
    say(f"derived {label} {study} on Spark: wrote {files} to {out}")


def _check_out_url(out: str, study: str, entries: list[str]) -> None:
    """A URL ``--out`` is new or empty, and not the study's own folder or inside it: there is
    no marker to say what remission wrote there, so nothing there is replaced."""
    root, given = _as_url(out), _as_url(study)
    if root == given or root.startswith(given + "/") or given.startswith(root + "/"):
        raise OutputError(
            f"--out {out} is, holds or lies inside the study {study}; choose a place for the "
            "derived datasets outside the study folder."
        )
    if entries:
        raise OutputError(
            f"--out {out} is a file or a folder that is not empty ({listed(entries)}); on a "
            "URL remission writes only "
            "into a new or empty folder (nothing there is replaced). Give a new folder, or "
            "remove the old one yourself."
        )


def _as_url(path: str) -> str:
    """``path`` as a URL without a trailing ``/``: a local path as ``file:///...``."""
    if path.startswith("file:"):
        return "file:///" + path.removeprefix("file:").lstrip("/").rstrip("/")
    if not _is_url(path):
        return Path(path).resolve().as_uri().rstrip("/")
    return path.rstrip("/")


def _manifest(derived: SparkDerived, master: str) -> str:
    manifest = {
        **manifest_head(derived.config),
        **({"define": DEFINE} if derived.define is not None else {}),
        "engine": f"spark ({master}, {derived.partitions} partitions)",
        "datasets": {name: {"folder": name, "rows": rows} for name, rows in derived.rows.items()},
    }
    return json.dumps(manifest, indent=2) + "\n"


def _put_beside(spark: SparkSession, out: str, derived: SparkDerived, master: str) -> None:
    """``define.csv`` and then ``manifest.json`` written beside the datasets at URL ``out``."""
    from remission.derive import put_spark_file

    root = out.rstrip("/")
    if derived.define is not None:  # the local file's exact bytes
        put_spark_file(spark, f"{root}/{DEFINE}", csv_bytes(derived.define))
    put_spark_file(spark, f"{root}/{MANIFEST}", _manifest(derived, master).encode("utf-8"))
