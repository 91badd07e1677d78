"""Binding prediction: accuracy on the HPV16 set beside NetMHCpan 4 / MHCflurry 1.2, and speed.

AUC: measured binders (``Binding Capacity`` not ``nb``) against non-binders of
``../shared/antigens/hpv16_binding_benchmark.csv`` (475 peptide-allele pairs, 7 alleles), each
peptide scored for its own allele; published predictions are the file's own columns.
Speed: the 9 shipped proteins x 6 alleles x 8-11-mers, and 1,000,000 random peptides x 1 allele.
Run: ``.venv/bin/python benchmarks/bench_antigens.py``.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl
from scipy.stats import rankdata

from remission.antigens import predict_binding, scan_proteins
from remission.antigens._predict import get_backend
from remission.antigens._sequences import AMINO_ACIDS

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "antigens"
BACKENDS = ("consensus", "smmpmbec", "smm", "syfpeithi")


def auc(binder: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney AUC; higher score = predicted binder; NaN rows dropped."""
    keep = ~np.isnan(score)
    y, s = binder[keep], score[keep]
    r = rankdata(s)
    n1 = int(y.sum())
    n0 = len(y) - n1
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def predict_rows(data: pl.DataFrame, backend: str) -> np.ndarray:
    """Rank of each row's peptide for its own allele (NaN where the backend has no matrix)."""
    out = np.full(data.height, np.nan)
    chosen = get_backend(backend)
    for (allele,), group in data.with_row_index("i").group_by("allele"):
        ok = group.filter(pl.col("Length").is_in(chosen.lengths(allele)))
        if ok.height:
            pred = predict_binding(ok["peptide"].to_list(), [allele], backend)
            out[ok["i"].to_numpy()] = pred["rank"].to_numpy()
    return out


def accuracy() -> None:
    data = pl.read_csv(SHARED / "hpv16_binding_benchmark.csv")
    print(f"HPV16 binding benchmark: {data.height} peptide-allele pairs")
    print(
        f"{'subset':<14}{'n':>5}"
        + "".join(f"{c:>12}" for c in ("NetMHCpan4", "MHCflurry1.2", *BACKENDS))
    )
    for label, subset in (
        ("all alleles", data),
        ("HLA-A*02:01", data.filter(pl.col("allele") == "HLA-A*02:01")),
    ):
        y = (subset["Binding Capacity"] != "nb").to_numpy()
        cells = [
            auc(y, -subset["netmhcpan4"].to_numpy()),
            auc(y, -subset["MHCflurry 1.2.0"].to_numpy()),
        ]
        cells += [auc(y, -predict_rows(subset, b)) for b in BACKENDS]
        print(f"{label:<14}{subset.height:>5}" + "".join(f"{c:>12.3f}" for c in cells))
    print("(syfpeithi has no 8-mer matrices for most alleles: its AUC is over the rows it scores)")


def speed() -> None:
    alleles = ["A*02:01", "A*01:01", "A*03:01", "A*24:02", "B*07:02", "B*44:03"]
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scan = scan_proteins(None, alleles)
    seconds = time.perf_counter() - t
    print(
        f"scan 9 proteins x 6 alleles x 8-11-mers: {scan.height:,} predictions "
        f"in {seconds:.2f} s (first call, includes backgrounds)"
    )
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 20, size=(1_000_000, 9))
    letters = np.frombuffer(AMINO_ACIDS.encode(), dtype=np.uint8)[codes]
    peptides = letters.view("S9").ravel().astype(str).tolist()
    for backend in ("smmpmbec", "consensus"):
        predict_binding(peptides[:10], ["A*02:01"], backend)  # warm the background cache
        t = time.perf_counter()
        out = predict_binding(peptides, ["A*02:01"], backend)
        seconds = time.perf_counter() - t
        print(
            f"1,000,000 random 9-mers x HLA-A*02:01 ({backend}): {seconds:.2f} s, "
            f"{out.height / seconds:,.0f} peptides/s"
        )


if __name__ == "__main__":
    if (SHARED / "hpv16_binding_benchmark.csv").exists():
        accuracy()
    else:
        print(f"skipping accuracy: {SHARED} not present")
    speed()
