"""ADTTE + Kaplan-Meier for a simulated 100,000-patient study, beside plain lifelines.

Prints seconds per step. remission's ``kaplan_meier`` adds R ``survfit``'s intervals and
medians on top of lifelines' event table; the comparison shows what that costs.
Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_survival.py [--patients N]``.
"""

from __future__ import annotations

import argparse
import time

import polars as pl
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

from remission.analysis import event_observed, kaplan_meier, logrank_test
from remission.derive import derive_adtte, derive_study, subject_dates
from remission.simulate import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    args = parser.parse_args()
    study = simulate(args.patients, seed=1).study
    frames = derive_study(study)
    print(f"{'step':<44}{'rows':>10}{'seconds':>10}")

    def row(step: str, rows: int, seconds: float) -> None:
        print(f"{step:<44}{rows:>10,}{seconds:>10.3f}")

    subjects = subject_dates(study)
    t = time.perf_counter()
    adtte = derive_adtte(frames["adrs"], subjects)
    row("ADTTE (OS, PFS, RSD, CRDUR)", adtte.height, time.perf_counter() - t)
    hist = study.table("patients").select(pl.col("patient_id").alias("USUBJID"), "histology")
    os_ = adtte.filter(pl.col("PARAMCD") == "OS").join(hist, on="USUBJID")
    days, events = os_["AVAL"], event_observed(os_["CNSR"])

    t = time.perf_counter()
    km = kaplan_meier(days, events, os_["histology"], conf_type="log-log")
    km.median()
    row("remission KM by histology + medians + CIs", os_.height, time.perf_counter() - t)
    t = time.perf_counter()
    for value in os_["histology"].unique().to_list():
        sel = (os_["histology"] == value).to_numpy()
        fit = KaplanMeierFitter().fit(days.to_numpy()[sel], events[sel])
        _ = fit.median_survival_time_, fit.confidence_interval_
    row("lifelines KaplanMeierFitter, same data", os_.height, time.perf_counter() - t)

    t = time.perf_counter()
    logrank_test(days, events, os_["histology"])
    row("remission log-rank", os_.height, time.perf_counter() - t)
    t = time.perf_counter()
    multivariate_logrank_test(days.to_numpy(), os_["histology"].to_numpy(), events)
    row("lifelines multivariate_logrank_test", os_.height, time.perf_counter() - t)


if __name__ == "__main__":
    main()
