"""Simulate and derive a cohort of N patients, whole and in patient partitions: time, rows/s
and peak memory.

Each step runs in its own Python process so that its peak resident memory (``ru_maxrss`` of
that process, from ``os.wait4``) is its own: ``remission simulate`` to a Parquet study folder,
then for each partition size ``load`` + ``derive_study``. Prints one row per step.

Usage::

    PYTHONPATH=src python benchmarks/bench_scale.py 100000 --sizes none,25000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys, time
from remission.derive import derive_study
from remission.study import load
folder, size = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
study = load(folder)
t1 = time.perf_counter()
derived = derive_study(study, partition_size=None if size == "none" else int(size))
t2 = time.perf_counter()
print(json.dumps({
    "records": sum(t.height for t in study.tables.values()),
    "rows_out": sum(f.height for f in derived.values()),
    "load_s": t1 - t0,
    "derive_s": t2 - t1,
}))
"""


def measured(args: list[str]) -> tuple[float, float, str]:
    """Run ``args``; its wall seconds, peak RSS in MB (Linux ``ru_maxrss`` is in kB) and
    standard output."""
    start = time.perf_counter()
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True) as child:
        out = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if child.returncode:
        raise SystemExit(f"{' '.join(args)} failed with exit code {child.returncode}")
    return seconds, usage.ru_maxrss / 1024, out


def main() -> None:
    """Simulate ``patients`` once, derive it at each partition size, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patients", type=int)
    parser.add_argument("--sizes", default="none,25000", help="partition sizes; none = whole")
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        folder = Path(tmp) / "study"
        sim = [sys.executable, "-m", "remission", "simulate", "--patients", str(opts.patients)]
        sim += ["--seed", str(opts.seed), "--out", str(folder), "--format", "parquet"]
        seconds, rss, _ = measured(sim)
        print(f"patients {opts.patients:,}; {os.cpu_count()} cores; load average {os.getloadavg()}")
        head = f"{'step':<28}{'seconds':>9}{'load s':>9}{'derive s':>10}"
        print(f"{head}{'records/s':>12}{'peak RSS MB':>13}")
        print(f"{'simulate (parquet)':<28}{seconds:>9.1f}{'':>9}{'':>10}{'':>12}{rss:>13,.0f}")
        for size in opts.sizes.split(","):
            seconds, rss, out = measured([sys.executable, "-c", CHILD, str(folder), size])
            r = json.loads(out)
            label = "derive, whole cohort" if size == "none" else f"derive, {int(size):,}/partition"
            rate = r["records"] / r["derive_s"]
            print(
                f"{label:<28}{seconds:>9.1f}{r['load_s']:>9.1f}{r['derive_s']:>10.1f}"
                f"{rate:>12,.0f}{rss:>13,.0f}"
            )
        print(f"records in: {r['records']:,}; dataset rows out: {r['rows_out']:,}")


if __name__ == "__main__":
    main()
