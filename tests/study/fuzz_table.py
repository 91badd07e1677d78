"""The fuzz run in numbers: the cases of ``test_fuzz.py`` (seeds 0-999), by mutation.

For each mutation of ``fuzz_mutations.CATALOGUE``: how often it was applied, how many of those
made the study invalid for sure, how many of those were refused, accepted in silence or ended in
a traceback, and the problems found in the files it touched (a problem with ``more_rows`` counts
its rows). The last row counts cases, not mutations. The loader checks in stages, so a case with
two mutations may show the problems of one only; the last column is each mutation applied
alone to ``ALONE`` copies of the minimal study: the problems it then gets, most frequent first::

    PYTHONPATH=src python -m tests.study.fuzz_table [CASES] [JOBS]

The numbers are the closing note of issue 14; ``test_fuzz.py`` asserts what they show (no
traceback, nothing invalid accepted).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from remission.study import check_study
from tests.study.fuzz_mutations import CATALOGUE, Applied, build_case
from tests.study.test_fuzz import CASES, _names

ALONE = 20
"""Cases per mutation applied alone."""


@dataclass
class Row:
    """The counts of one mutation (or of all cases, for the total)."""

    applied: int = 0
    must_refuse: int = 0
    refused: int = 0
    accepted: int = 0
    traceback: int = 0
    errors: int = 0
    warnings: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    alone: int = 0
    alone_refused: int = 0
    alone_codes: Counter[str] = field(default_factory=Counter)


Found = list[tuple[str, str, str, int]]


def run_case(
    seed: int, kinds: tuple[str, ...] = tuple(CATALOGUE), count: int | None = None
) -> tuple[list[Applied], Found | None, bool]:
    """Build and check case ``seed``: its mutations, its problems (severity, code, file,
    rows) or None after a traceback, and whether the study was refused."""
    with tempfile.TemporaryDirectory(prefix="remission-fuzz-") as root:
        folder = Path(root) / "study"
        applied = build_case(seed, folder, kinds, count)
        try:
            study, problems = check_study(folder)
        except Exception:  # counted, as test_fuzz.py fails on it
            return applied, None, False
    found = [(p.severity, p.code, p.file, 1 + p.more_rows) for p in problems]
    return applied, found, study is None


def _alone(job: tuple[str, int]) -> tuple[str, list[Applied], Found | None, bool]:
    kind, seed = job
    return (kind, *run_case(seed, (kind,), 1))


def tabulate(cases: int = CASES, jobs: int = 2) -> tuple[dict[str, Row], Row, float]:
    """Run ``cases`` cases, then ``ALONE`` per mutation alone, on ``jobs`` processes; the rows
    by mutation, the total and the seconds taken."""
    start = time.perf_counter()
    rows = {kind: Row() for kind in CATALOGUE}
    total = Row()
    with ProcessPoolExecutor(jobs) as pool:
        jobs_alone = [(kind, seed) for kind in CATALOGUE for seed in range(ALONE)]
        for kind, applied, found, refused in pool.map(_alone, jobs_alone, chunksize=5):
            row = rows[kind]
            row.alone += bool(applied)
            row.alone_refused += refused
            row.accepted += any(a.must_refuse for a in applied) and bool(found) and not refused
            row.traceback += found is None
            for _, code, _, n in found or []:
                row.alone_codes[code] += n
        for applied, found, refused in pool.map(run_case, range(cases), chunksize=10):
            invalid = any(a.must_refuse for a in applied)
            total.applied += 1
            total.must_refuse += invalid
            total.refused += refused
            total.traceback += found is None
            total.accepted += invalid and found is not None and not refused
            for severity, code, _, n in found or []:
                total.errors += n if severity == "error" else 0
                total.warnings += n if severity == "warning" else 0
                total.codes[code] += n
            for a in applied:
                row = rows[a.kind]
                row.applied += 1
                row.must_refuse += a.must_refuse
                row.refused += a.must_refuse and refused
                row.accepted += a.must_refuse and found is not None and not refused
                row.traceback += found is None
                for severity, code, file, n in found or []:
                    if _names(file, set(a.files)):
                        row.errors += n if severity == "error" else 0
                        row.warnings += n if severity == "warning" else 0
                        row.codes[code] += n
    return rows, total, time.perf_counter() - start


def render(rows: dict[str, Row], total: Row, seconds: float) -> str:
    """The table as Markdown."""
    head = (
        "| mutation | class | applied | invalid | refused | accepted | traceback | errors "
        f"| warnings | alone: refused of {ALONE}, problems |"
    )
    lines = [head, "|" + "---|" * 10]

    def line(name: str, group: str, r: Row) -> str:
        top = ", ".join(f"{code} {n}" for code, n in r.alone_codes.most_common(3))
        alone = f"{r.alone_refused} of {r.alone}: {top}" if r.alone else ""
        return (
            f"| {name} | {group} | {r.applied} | {r.must_refuse} | {r.refused} | {r.accepted} "
            f"| {r.traceback} | {r.errors} | {r.warnings} | {alone} |"
        )

    lines += [line(kind, CATALOGUE[kind][0], rows[kind]) for kind in CATALOGUE]
    lines.append(line("all cases", "", total))
    lines.append(
        f"\n{total.applied} cases and {ALONE} per mutation alone "
        f"({ALONE * len(CATALOGUE)}) in {seconds:.0f} s; accepted and traceback count both"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else CASES
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    print(render(*tabulate(n, workers)))
