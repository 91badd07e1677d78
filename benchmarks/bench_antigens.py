"""Binding prediction per installed backend: HPV16 accuracy, catalogue ranks and speed.

AUC: measured binders (``Binding Capacity`` not ``nb``) against non-binders of
``../shared/antigens/hpv16_binding_benchmark.csv`` (475 peptide-allele pairs, 7 alleles), each
peptide scored for its own allele, by percentile rank and, for backends with an affinity
scale, by IC50; NetMHCpan 4 and MHCflurry 1.2 are the file's own published columns.
Catalogue: the rank of each natural HLA-A*02:01 epitope of the catalogue among all 8-11-mers
of its protein. Speed: the 9 shipped proteins x 6 alleles x 8-11-mers, and random 9-mers x
HLA-A*02:01 (peptides per second per allele).
Run: ``.venv/bin/python benchmarks/bench_antigens.py`` (markdown tables on stdout).
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl
from scipy.stats import rankdata

from remission.antigens import (
    default_backend,
    installed_backends,
    list_epitopes,
    normalize_allele,
    predict_binding,
    scan_proteins,
)
from remission.antigens._predict import get_backend
from remission.antigens._sequences import AMINO_ACIDS

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "antigens"
ORDER = (
    "consensus-mhcnuggets",
    "consensus",
    "mhcnuggets",
    "smmpmbec",
    "smm",
    "syfpeithi",
    "netmhcpan",
    "mhcflurry",
)
BACKENDS = tuple(b for b in ORDER if b in installed_backends())
SCAN_ALLELES = ["A*02:01", "A*01:01", "A*03:01", "A*24:02", "B*07:02", "B*44:03"]
RANDOM_PEPTIDES = {
    "consensus-mhcnuggets": 200_000,
    "mhcnuggets": 200_000,
    "netmhcpan": 20_000,
    "mhcflurry": 100_000,
}
"""Random 9-mers timed per backend (1,000,000 for the others)."""


def auc(binder: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney AUC; higher score = predicted binder; NaN rows dropped."""
    keep = ~np.isnan(score)
    y, s = binder[keep], score[keep]
    r = rankdata(s)
    n1 = int(y.sum())
    n0 = len(y) - n1
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def predict_rows(data: pl.DataFrame, backend: str, column: str = "rank") -> np.ndarray:
    """Rank (or IC50) of each row's peptide for its own allele (NaN where not scored)."""
    out = np.full(data.height, np.nan)
    chosen = get_backend(backend)
    for (allele,), group in data.with_row_index("i").group_by("allele"):
        ok = group.filter(pl.col("peptide").str.len_chars().is_in(chosen.lengths(allele)))
        if ok.height:
            pred = predict_binding(ok["peptide"].to_list(), [allele], backend)
            out[ok["i"].to_numpy()] = pred[column].to_numpy()
    return out


def accuracy() -> None:
    data = pl.read_csv(SHARED / "hpv16_binding_benchmark.csv")
    print(f"\nHPV16 binding benchmark: {data.height} peptide-allele pairs; AUC by rank")
    print("(IC50 in brackets where the backend has one)\n")
    names = ("NetMHCpan 4", "MHCflurry 1.2", *BACKENDS)
    print("| subset | n | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for label, subset in (
        ("all 7 alleles", data),
        ("HLA-A*02:01", data.filter(pl.col("allele") == "HLA-A*02:01")),
    ):
        y = (subset["Binding Capacity"] != "nb").to_numpy()
        cells = [
            f"{auc(y, -subset['netmhcpan4'].to_numpy()):.3f}",
            f"{auc(y, -subset['MHCflurry 1.2.0'].to_numpy()):.3f}",
        ]
        for backend in BACKENDS:
            cell = f"{auc(y, -predict_rows(subset, backend)):.3f}"
            ic50 = predict_rows(subset, backend, "ic50_nm")
            if not np.isnan(ic50).all():
                cell += f" ({auc(y, -ic50):.3f})"
            cells.append(cell)
        print(f"| {label} | {subset.height} | " + " | ".join(cells) + " |")
    print("\nsyfpeithi has no 8-mer matrices for most alleles: its AUC is over the rows it scores")


def catalogue() -> None:
    cat = list_epitopes(hla="A2").filter(pl.col("kind") == "natural", pl.col("start").is_not_null())
    genes = cat["gene"].unique().to_list()
    cells: dict[str, list[str]] = {}
    for backend in BACKENDS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lengths a matrix set lacks
            scan = scan_proteins(genes, ["A2"], backend=backend)
        sizes = scan.group_by("gene").len()
        ranks = (
            cat.select("gene", "peptide", "start")
            .join(scan, on=["gene", "peptide", "start"], how="left")
            .join(sizes, on="gene", how="left")
        )
        cells[backend] = [
            f"{r:.0f}/{n} ({100 * r / n:.1f} %)" if r is not None else "-"
            for r, n in zip(ranks["protein_rank"], ranks["len"], strict=True)
        ]
    print("\nNatural HLA-A*02:01 catalogue epitopes: position within their protein\n")
    print("| epitope | peptide | " + " | ".join(BACKENDS) + " |")
    print("|---|---|" + "---|" * len(BACKENDS))
    for i, row in enumerate(cat.iter_rows(named=True)):
        label = f"{row['antigen']} {row['start']}-{row['start'] + len(row['peptide']) - 1}"
        print(f"| {label} | {row['peptide']} | " + " | ".join(c[i] for c in cells.values()) + " |")


def speed() -> None:
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 20, size=(1_000_000, 9))
    letters = np.frombuffer(AMINO_ACIDS.encode(), dtype=np.uint8)[codes]
    peptides = letters.view("S9").ravel().astype(str).tolist()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nSpeed, predictions (peptide x allele) per second; load average {load} on ")
    print(f"{os.cpu_count()} cores. The scan includes the rank backgrounds not yet cached.\n")
    print(
        "| backend | scan: 9 proteins x (up to) 6 alleles x 8-11-mers | random 9-mers x A*02:01 |"
    )
    print("|---|---|---|")
    for backend in BACKENDS:
        known = get_backend(backend).alleles()
        alleles = [a for a in SCAN_ALLELES if normalize_allele(a) in known]
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scan = scan_proteins(None, alleles, backend=backend)
        scan_s = time.perf_counter() - t
        n = RANDOM_PEPTIDES.get(backend, 1_000_000)
        predict_binding(peptides[:10], ["A*02:01"], backend)  # warm the background cache
        t = time.perf_counter()
        out = predict_binding(peptides[:n], ["A*02:01"], backend)
        seconds = time.perf_counter() - t
        print(
            f"| {backend} | {len(alleles)} alleles: {scan.height:,} in {scan_s:.2f} s: "
            f"{scan.height / scan_s:,.0f}/s | {out.height:,} in {seconds:.2f} s: "
            f"{out.height / seconds:,.0f}/s |"
        )


if __name__ == "__main__":
    print(f"installed backends: {', '.join(BACKENDS)}; default: {default_backend()}")
    if (SHARED / "hpv16_binding_benchmark.csv").exists():
        accuracy()
    else:
        print(f"skipping accuracy: {SHARED} not present")
    catalogue()
    speed()
