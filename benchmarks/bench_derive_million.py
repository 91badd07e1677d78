"""``remission simulate`` and ``remission derive`` of Parquet studies of up to millions of
patients: wall time, records/s and peak resident memory, each run in its own process under
``/usr/bin/time -v``.

For each size the cohort is simulated ``--runs`` times (``remission simulate --patients N
--seed 1 --format parquet``: written a chunk of 50,000 patients at a time), then the last
study is derived ``--runs`` times (``remission derive --format parquet``: read, checked and
derived a part of ``--partition-size`` patients at a time). SYNTHETIC data.

Usage::

    PYTHONPATH=src python benchmarks/bench_derive_million.py --patients 100000 300000 1000000 \
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


def runs(name: str, commands: list[list[str]], records: int | None = None) -> tuple[float, float]:
    """Run each command, print a row per run and the median; return (median s, max GB)."""
    walls, peaks = [], []
    for run, command in enumerate(commands, 1):
        wall, peak = timed(command)
        walls.append(wall)
        peaks.append(peak)
        rate = f"{records / wall:,.0f}" if records else "-"
        print(f"| {name} | {run} | {wall:.1f} | {rate} | {peak:.2f} |", flush=True)
    median = statistics.median(walls)
    rate = f"{records / median:,.0f}" if records else "-"
    print(f"| {name} | median | {median:.1f} | {rate} | {max(peaks):.2f} (max) |", flush=True)
    return median, max(peaks)


def main() -> None:
    """Simulate and derive each size ``--runs`` times; print the rows and a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--partition-size", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (deleted)")
    args = parser.parse_args()
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-million-", dir=args.work))
    remission = [sys.executable, "-m", "remission"]
    summary = []
    try:
        print("| step | run | wall s | records/s | peak RSS GB |")
        print("|---|---|---|---|---|")
        for n in args.patients:
            study = work / f"study{n}"
            simulate = [*remission, "simulate", "--patients", str(n), "--seed", "1"]
            simulate += ["--format", "parquet", "--out", str(study)]
            # the same folder each run: simulate replaces its own earlier output
            sim_s, sim_gb = runs(f"simulate {n:,}", [simulate] * args.runs)
            records = sum(pl.scan_parquet(f).select(pl.len()).collect().item()
                          for f in study.glob("*.parquet"))  # fmt: skip
            out = work / "derived"
            derive = [*remission, "derive", str(study), "--out", str(out), "--format", "parquet"]
            derive += ["--partition-size", str(args.partition_size)]
            der_s, der_gb = runs(f"derive {n:,}", [derive] * args.runs, records)
            summary.append((n, records, sim_s, der_s, sim_gb, der_gb))
            shutil.rmtree(study)
            shutil.rmtree(out)
        print("\n| patients | records | simulate | derive | peak memory |")
        print("|---|---|---|---|---|")
        for n, records, sim_s, der_s, sim_gb, der_gb in summary:
            print(f"| {n:,} | {records / 1e6:.1f} M | {sim_s:.1f} s | {der_s:.1f} s | "
                  f"simulate {sim_gb:.2f} GB, derive {der_gb:.2f} GB |")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
