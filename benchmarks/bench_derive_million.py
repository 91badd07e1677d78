"""``remission derive`` of a Parquet study of up to millions of patients: wall time, input
records/s and peak resident memory, each run in its own process under ``/usr/bin/time -v``.

The study is ``--copies`` copies of one simulated cohort (``remission simulate --patients
BASE --seed 1 --format parquet``), each copy's patient identifiers prefixed ``C<k>-`` so every
patient is distinct and every table stays sorted by patient. It is written one copy at a time
(pyarrow appends row groups), so building a 1,000,000-patient study needs the memory of one
copy, not of the cohort. ``remission simulate`` itself still holds the whole cohort (about
34 GB at 1,000,000 patients), which is why the copies: derivations never look across patients,
so a copied patient costs what a simulated one does. SYNTHETIC data.

Usage::

    PYTHONPATH=src python benchmarks/bench_derive_million.py --base 100000 --copies 10 \
        --runs 3 --partition-size 100000
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq


def build(base: Path, copies: int, out: Path) -> int:
    """Write ``copies`` copies of the study ``base`` to ``out``; return the input records."""
    out.mkdir(parents=True)
    shutil.copy(base / "study.toml", out / "study.toml")
    width = len(str(copies - 1))
    records = 0
    for path in sorted(base.glob("*.parquet")):
        table = pl.read_parquet(path)
        writer = None
        for k in range(copies):
            prefix = f"C{k:0{width}d}-"
            copy = table.with_columns((prefix + pl.col("patient_id")).alias("patient_id"))
            arrow = copy.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(out / path.name, arrow.schema, compression="zstd")
            writer.write_table(arrow, row_group_size=131_072)
            records += copy.height
        assert writer is not None
        writer.close()
    return records


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (GB) of ``args`` from GNU time's verbose report."""
    command = ["/usr/bin/time", "-v", *args]
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert wall and rss, done.stderr
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    return hours * 3600 + minutes * 60 + seconds, int(rss.group(1)) / 1024**2


def main() -> None:
    """Simulate the base cohort, copy it, derive it ``--runs`` times; print the rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=100_000)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--partition-size", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (deleted)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-million-", dir=args.work))
    remission = [sys.executable, "-m", "remission"]
    try:
        base = work / "base"
        sim = [*remission, "simulate", "--patients", str(args.base), "--seed", "1"]
        subprocess.run([*sim, "--format", "parquet", "--out", str(base)], check=True)
        study = work / "study"
        records = build(base, args.copies, study)
        patients = args.base * args.copies
        print(f"{patients:,} patients (SYNTHETIC), {records:,} input records, "
              f"partition size {args.partition_size:,}")  # fmt: skip
        print("| run | wall s | input records/s | peak RSS GB |")
        print("|---|---|---|---|")
        walls, peaks = [], []
        for run in range(1, args.runs + 1):
            out = work / f"derived{run}"
            command = [*remission, "derive", str(study), "--out", str(out), "--format", "parquet"]
            wall, peak = timed([*command, "--partition-size", str(args.partition_size)])
            walls.append(wall)
            peaks.append(peak)
            print(f"| {run} | {wall:.1f} | {records / wall:,.0f} | {peak:.2f} |", flush=True)
            shutil.rmtree(out)
        median = statistics.median(walls)
        print(f"| median | {median:.1f} | {records / median:,.0f} | {max(peaks):.2f} (max) |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
