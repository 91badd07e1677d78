"""Derive a simulated cohort of N patients on Spark: time per step, rows/s and peak memory.

``remission simulate`` writes a Parquet study folder (or ``--study`` names one); then one
process starts Spark (``--master``, default ``local[2]``), reads and shuffles the tables by
patient once on their own (a job that only counts each partition's records: the read cost),
and runs ``derive_spark`` (read, shuffle, validate and derive in one job, then write). Peak
memory is the largest sum of resident memory over that process and its descendants (the JVM
and Spark's Python workers), sampled every 0.2 s. Prints one row per step.

Usage::

    PYTHONPATH=src python benchmarks/bench_spark.py 100000 --partition-size 25000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench_scale import measured

CHILD = """
import json, sys, time
t0 = time.perf_counter()
from remission.derive import derive_spark, spark_session
from remission.derive._spark import _read_tables, _union
folder, out, size, master, memory = sys.argv[1:6]
spark = spark_session(master, **{"spark.driver.memory": memory})
t1 = time.perf_counter()
union = _union(list(_read_tables(spark, folder)[0].values()))
parts = spark.sparkContext.defaultParallelism

def count(batches):
    import pyarrow as pa
    yield pa.RecordBatch.from_arrays([pa.array([sum(b.num_rows for b in batches)])], ["n"])

records = union.repartition(parts, "_pid").mapInArrow(count, "n long").groupBy().sum().first()[0]
t2 = time.perf_counter()
derived = derive_spark(spark, folder, out, int(size))
print(json.dumps({"records": records, "rows_out": sum(derived.rows.values()),
                  "partitions": derived.partitions, "startup_s": t1 - t0, "read_s": t2 - t1,
                  **{k + "_s": v for k, v in derived.seconds.items()}}))
"""


def tree_peak_rss(args: list[str]) -> tuple[float, float, str]:
    """Run ``args``; wall seconds, the peak of the summed RSS (MB) of it and its descendants,
    and its standard output."""
    start, peak = time.perf_counter(), 0
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True) as child:
        proc = psutil.Process(child.pid)
        while child.poll() is None:
            total = 0
            for p in [proc, *proc.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a worker that just ended
                    total += p.memory_info().rss
            peak = max(peak, total)
            time.sleep(0.2)
        out = child.stdout.read() if child.stdout else ""
    if child.returncode:
        raise SystemExit(f"{' '.join(args[:3])} failed with exit code {child.returncode}")
    return time.perf_counter() - start, peak / 2**20, out


def main() -> None:
    """Simulate ``patients`` (unless ``--study``), derive them on Spark, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patients", type=int)
    parser.add_argument("--partition-size", type=int, default=25_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--study", help="an existing Parquet study folder of that many patients")
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as tmp:
        folder = Path(opts.study or Path(tmp) / "study")
        print(f"patients {opts.patients:,}; {os.cpu_count()} cores; load {os.getloadavg()}")
        if not opts.study:
            sim = [sys.executable, "-m", "remission", "simulate", "--patients", str(opts.patients)]
            sim += ["--seed", str(opts.seed), "--out", str(folder), "--format", "parquet"]
            seconds, rss, _ = measured(sim)
            print(f"simulate (parquet): {seconds:.1f} s, peak RSS {rss:,.0f} MB")
        child = [sys.executable, "-c", CHILD, str(folder), str(Path(tmp) / "out")]
        child += [str(opts.partition_size), opts.master, opts.driver_memory]
        seconds, rss, out = tree_peak_rss(child)
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"Spark {opts.master}, {r['partitions']} partitions, driver memory "
            f"{opts.driver_memory}: {seconds:.1f} s wall, peak RSS (JVM + Python) {rss:,.0f} MB"
        )
        for step in ("startup", "read", "plan", "derive", "write"):
            print(f"  {step:<8}{r[step + '_s']:>8.1f} s")
        rate = r["records"] / (r["derive_s"] + r["write_s"])
        print(
            f"records in: {r['records']:,}; dataset rows out: {r['rows_out']:,}; "
            f"{rate:,.0f} records/s over derive + write; "
            f"{r['records'] / seconds:,.0f} records/s over the whole run"
        )


if __name__ == "__main__":
    main()
