"""Speed of the study spine on a simulated 100,000-patient study (about 8 million records).

Prints one row per step: records, seconds, records per second. Targets (issue 2, on the
2-core reference machine): simulate >= 100,000 patients per minute; load + validate <= 30 s.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_study.py [--patients N]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from remission.simulate import simulate
from remission.study import load, write_study


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--format", default="csv", choices=["csv", "parquet"])
    args = parser.parse_args()

    print(f"{'step':<28}{'records':>12}{'seconds':>10}{'records/s':>14}")

    def row(step: str, records: int, seconds: float) -> None:
        print(f"{step:<28}{records:>12,}{seconds:>10.2f}{records / seconds:>14,.0f}")

    t = time.perf_counter()
    sim = simulate(args.patients, seed=1)
    seconds = time.perf_counter() - t
    records = sum(frame.height for frame in sim.study.tables.values())
    row(f"simulate {args.patients:,} patients", records, seconds)
    print(f"{'':<28}{'':>12}{'':>10}{args.patients / seconds * 60:>14,.0f} patients/min")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "study"
        t = time.perf_counter()
        write_study(sim.study, folder, args.format)
        row(f"write ({args.format})", records, time.perf_counter() - t)

        t = time.perf_counter()
        study = load(folder)
        seconds = time.perf_counter() - t
        loaded = sum(s.rows for s in study.sources)
        row("load + validate", loaded, seconds)
        print(f"load + validate: {seconds:.1f} s for {loaded:,} rows (target <= 30 s)")


if __name__ == "__main__":
    main()
