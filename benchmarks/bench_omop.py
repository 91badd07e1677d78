"""Import of a 100,000-patient OMOP CDM 5.4 database from a real PostgreSQL.

Simulates the cohort, loads it into a throwaway PostgreSQL (Debian's server started by
``tests/postgres.py``: initdb + pg_ctl, Unix socket) with COPY, then times ``read_omop``: the
queries (streamed with COPY into Polars), the mapping and the study format's validation. Prints
one row per step: records, seconds, records per second.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_omop.py [--patients N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.postgres

from tests import postgres

from remission.simulate import simulate
from remission.sources import OmopSettings, default_cohort, load_omop, omop_tables, read_omop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    args = parser.parse_args()
    reason = postgres.unavailable()
    if reason:
        print(f"skipped: {reason}")
        return

    print(f"{'step':<32}{'records':>12}{'seconds':>10}{'records/s':>14}")

    def row(step: str, records: int, seconds: float) -> None:
        print(f"{step:<32}{records:>12,}{seconds:>10.2f}{records / seconds:>14,.0f}", flush=True)

    t = time.perf_counter()
    sim = simulate(args.patients, seed=1)
    row(f"simulate {args.patients:,} patients", sim.study.patients.height, time.perf_counter() - t)
    cohort = default_cohort()
    t = time.perf_counter()
    tables = omop_tables(sim.study, cohort)
    records = sum(frame.height for frame in tables.values())
    row("study -> OMOP tables", records, time.perf_counter() - t)
    with postgres.postgres_server() as url:
        t = time.perf_counter()
        load_omop(tables, url, "cdm")
        row("load into PostgreSQL (COPY)", records, time.perf_counter() - t)
        t = time.perf_counter()
        study = read_omop(url, cohort, "cdm", OmopSettings(synthetic=True))
        seconds = time.perf_counter() - t
        imported = sum(frame.height for frame in study.tables.values())
        row("read_omop (query+map+validate)", imported, seconds)
        print(f"import of {study.patients.height:,} patients from OMOP: {seconds:.1f} s")


if __name__ == "__main__":
    main()
