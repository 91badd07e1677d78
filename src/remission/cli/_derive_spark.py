"""``remission derive --engine spark``: the datasets derived and written by Apache Spark."""

from __future__ import annotations

import json
from pathlib import Path

from remission._io import atomic_folder, check_out, write_csv
from remission.cli._console import say, step
from remission.cli._derive_cmd import DEFINE, MANIFEST, manifest_head


def _is_url(path: str) -> bool:
    return "://" in path


def derive_on_spark(study: str, out: str, partition_size: int, master: str) -> None:
    """Derive ``study`` on Spark into ``out``: a local folder written atomically (with the
    marker and ``manifest.json``), or a URL Spark writes to directly."""
    from remission.derive import derive_spark, spark_session

    inputs = [] if _is_url(study) else [Path(study)]
    if not _is_url(out):
        check_out(Path(out), inputs)
    with step(f"starting Spark ({master})"):
        spark = spark_session(master)
    with step("reading, checking and deriving the study on Spark"):
        if _is_url(out):
            derived = derive_spark(spark, study, out, partition_size)
        else:
            with atomic_folder(Path(out), "derived datasets", inputs=inputs) as tmp:
                derived = derive_spark(spark, study, tmp.as_uri(), partition_size)
                for crc in tmp.rglob(".*.crc"):  # Hadoop's local checksums: not part of it
                    crc.unlink()
                if derived.define is not None:
                    write_csv(derived.define, tmp / DEFINE)
                manifest = {
                    **manifest_head(derived.config),
                    **({"define": DEFINE} if derived.define is not None else {}),
                    "engine": f"spark ({master}, {derived.partitions} partitions)",
                    "datasets": {
                        name: {"folder": name, "rows": rows} for name, rows in derived.rows.items()
                    },
                }
                (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    files = ", ".join(f"{name}/ ({rows:,} rows)" for name, rows in derived.rows.items())
    label = "SYNTHETIC study" if derived.config.synthetic else "study"
    say(f"derived {label} {study} on Spark: wrote {files} to {out}")
