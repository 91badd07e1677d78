"""Screen analysis speed: validation, positivity with DFR, matrix decoding, 4PL fits.

Run: ``.venv/bin/python benchmarks/bench_screens.py``.
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl

from remission.antigens.screens import (
    analyse_screen,
    call_positivity,
    check_screen,
    decode_pools,
    demo_screen,
    design_matrix_pools,
    dfr_test,
    fit_4pl,
    logistic4,
)
from remission.antigens.screens._demo import _demo_raw


def timed(label: str, fn, repeat: int = 3) -> None:
    best = min(_once(fn) for _ in range(repeat))
    print(f"{label:60s} {best * 1000:9.1f} ms")


def _once(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    plates, layout = _demo_raw(0)
    big = pl.concat(
        [
            plates.with_columns(pl.lit(f"run{i}-").add(pl.col("plate")).alias("plate"))
            for i in range(200)
        ]
    )
    print(f"plate rows: demo {plates.height}, scaled {big.height}")
    timed("validate the demo screen", lambda: check_screen(plates, layout))
    timed("validate 200 x the demo screen", lambda: check_screen(big, layout))
    typed = check_screen(big, layout).plates
    timed("call positivity, 200 x demo (with DFR)", lambda: call_positivity(typed))
    timed("analyse the demo screen", lambda: analyse_screen(demo_screen()))
    timed("DFR exact, 6 vs 6 wells (924 splits)", lambda: dfr_test(range(6), range(6)))
    timed("DFR resampled, 20,000 splits, 12 vs 12", lambda: dfr_test(range(12), range(12)))
    names = [f"m{i}" for i in range(10_000)]
    design = design_matrix_pools(names)
    timed(
        "matrix design + decode, 10,000 candidates",
        lambda: decode_pools(design_matrix_pools(names), ["R3", "C17"]),
    )
    assert decode_pools(design, ["R3", "C17"]).candidates == ("m216",)
    x = np.repeat(10.0 ** np.arange(-3, 4), 3)
    y = logistic4(x, 80, 2500, 1.0, 1.0) * np.random.default_rng(0).normal(1, 0.08, x.size)
    timed("one 4PL fit (21 wells)", lambda: fit_4pl(x, y))


if __name__ == "__main__":
    main()
