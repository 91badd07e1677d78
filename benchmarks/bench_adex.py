"""Speed of the ADEX derivation on a simulated 100,000-patient study (about 3 million doses).

Prints dose rows in, ADEX rows out, seconds and dose rows per second for ``derive_adex`` alone
(the simulation is not timed). Target (issue 4, on the 2-core reference machine): < 10 s.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_adex.py [--patients N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import time

from remission.derive import derive_adex
from remission.protocol import get_regimen
from remission.simulate import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is shown")
    args = parser.parse_args()

    study = simulate(args.patients, seed=1).study
    max_doses = get_regimen(study.config.regimen).max_doses_per_cycle
    rows = study.doses.height

    print(f"{'step':<28}{'dose rows':>12}{'ADEX rows':>12}{'seconds':>10}{'rows/s':>14}")
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        adex = derive_adex(study.doses, study.patients, max_doses, study.config.name)
        times.append(time.perf_counter() - t)
    best = min(times)
    label = f"derive_adex {args.patients:,} pts"
    print(f"{label:<28}{rows:>12,}{adex.height:>12,}{best:>10.2f}{rows / best:>14,.0f}")
    runs = ", ".join(f"{s:.2f}" for s in times)
    print(f"derive_adex: best {best:.1f} s of {args.repeat} runs ({runs}) (target < 10 s)")


if __name__ == "__main__":
    main()
