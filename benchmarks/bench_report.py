"""`remission report` on the demo study, as a user runs it after `make demo`: wall time of the
whole command (a fresh process: imports, load, derive, statistics, figures, HTML, PDF, XLSX),
and where the time goes inside one process.

    python benchmarks/bench_report.py [--repeat 3] [--patients 409]

Prints the median and best of the command's runs, then the in-process split.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _stage_times(study_dir: Path, out: Path) -> list[tuple[str, float]]:
    from remission.derive import derive_study
    from remission.report import build_report, render_html, render_pdf, render_xlsx, write_report
    from remission.study import load

    times = []
    t = time.perf_counter()
    study = load(study_dir)
    times.append(("load + validate", time.perf_counter() - t))
    t = time.perf_counter()
    frames = derive_study(study)
    times.append(("derive", time.perf_counter() - t))
    t = time.perf_counter()
    report = build_report(study, frames)
    times.append(("build (statistics + figures)", time.perf_counter() - t))
    for name, render in (("html", render_html), ("pdf", render_pdf), ("xlsx", render_xlsx)):
        t = time.perf_counter()
        render(report)
        times.append((f"render {name}", time.perf_counter() - t))
    t = time.perf_counter()
    write_report(report, frames, out)
    times.append(("write_report (all renderings + files)", time.perf_counter() - t))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--patients", type=int, default=409)
    args = parser.parse_args()
    exe = [sys.executable, "-m", "remission"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        study = root / "study"
        if args.patients == 409:
            subprocess.run(
                [*exe, "demo", "--out", str(root / "demo")], check=True, capture_output=True
            )
            study = root / "demo" / "study"
        else:
            subprocess.run(
                [
                    *exe,
                    "simulate",
                    "--patients",
                    str(args.patients),
                    "--seed",
                    "7",
                    "--out",
                    str(study),
                ],
                check=True,
                capture_output=True,
            )
        runs = []
        for i in range(args.repeat):
            out = root / f"report{i}"
            t = time.perf_counter()
            subprocess.run(
                [*exe, "report", str(study), "--out", str(out)],
                check=True,
                capture_output=True,
                env={**os.environ, "COLUMNS": "100"},
            )
            runs.append(time.perf_counter() - t)
        print(
            f"remission report, {args.patients} patients, {args.repeat} runs: "
            f"median {statistics.median(runs):.2f} s, best {min(runs):.2f} s "
            f"({', '.join(f'{r:.2f}' for r in runs)})"
        )
        for name, seconds in _stage_times(study, root / "inproc"):
            print(f"  {name:<40} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
