"""Speed of ADTR + ADRS (+ ADTTE) on a simulated 100,000-patient study.

Prints assessments/s. Target (issue 4, this 2-core machine): ADTR + ADRS under 20 s.
Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_response.py [--patients N]``.
"""

from __future__ import annotations

import argparse
import time

from remission.derive import (
    derive_adrs,
    derive_adtr,
    derive_adtte,
    overall_responses,
    reference_dates,
    study_criteria,
    subject_dates,
    tumor_assessments,
)
from remission.simulate import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    args = parser.parse_args()
    study = simulate(args.patients, seed=1).study
    criteria = study_criteria(study)
    rows = study.measurements.height

    print(f"{'step':<22}{'rows in':>12}{'rows out':>12}{'seconds':>10}{'rows/s':>14}")
    t0 = time.perf_counter()
    t = study.table
    reference = reference_dates(t("patients"), study.config.reference_date)
    assessments = tumor_assessments(t("lesions"), t("measurements"), reference, criteria)
    adtr = derive_adtr(assessments, criteria, study.config.name)
    t1 = time.perf_counter()
    print(f"{'ADTR':<22}{rows:>12,}{adtr.height:>12,}{t1 - t0:>10.2f}{rows / (t1 - t0):>14,.0f}")
    responses = overall_responses(study, "measurements", criteria, assessments)
    subjects = subject_dates(study, criteria, assessments)
    adrs = derive_adrs(responses, subjects)
    t2 = time.perf_counter()
    n = responses.height
    rate = n / (t2 - t1)
    print(f"{'ADRS':<22}{n:>12,}{adrs.height:>12,}{t2 - t1:>10.2f}{rate:>14,.0f}")
    adtte = derive_adtte(adrs, subjects)
    t3 = time.perf_counter()
    print(
        f"{'ADTTE':<22}{adrs.height:>12,}{adtte.height:>12,}{t3 - t2:>10.2f}"
        f"{adrs.height / (t3 - t2):>14,.0f}"
    )
    scans = adtr.height
    print(
        f"ADTR + ADRS: {t2 - t0:.1f} s for {args.patients:,} patients, {scans:,} assessments "
        f"({scans / (t2 - t0):,.0f} assessments/s; target < 20 s)"
    )


if __name__ == "__main__":
    main()
