"""Epitope scans: every 8-11-mer of some proteins against some alleles, ranked."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from remission.antigens._catalogue import list_epitopes
from remission.antigens._errors import AntigenError
from remission.antigens._predict import LENGTHS, get_backend, predict_binding, resolve_alleles
from remission.antigens._sequences import resolve_proteins


def kmers(proteins: dict[str, str], lengths: Sequence[int] = LENGTHS) -> pl.DataFrame:
    """Every peptide of the given lengths in each protein: gene, start, end (1-based), length,
    peptide."""
    genes, starts, lens, peps = [], [], [], []
    for gene, seq in proteins.items():
        for n in lengths:
            count = len(seq) - n + 1
            if count <= 0:
                continue
            genes.append(np.full(count, gene, dtype=object))
            starts.append(np.arange(1, count + 1))
            lens.append(np.full(count, n))
            peps.extend(seq[i : i + n] for i in range(count))
    if not peps:
        raise AntigenError("no peptides: every protein is shorter than the shortest length")
    start = np.concatenate(starts)
    length = np.concatenate(lens)
    return pl.DataFrame(
        {
            "gene": np.concatenate(genes).astype(str),
            "start": start.astype(np.int32),
            "end": (start + length - 1).astype(np.int32),
            "length": length.astype(np.int32),
            "peptide": peps,
        }
    )


def scan_proteins(
    genes: Sequence[str] | None = None,
    alleles: Sequence[str] = ("HLA-A*02:01",),
    *,
    fasta: str | Path | None = None,
    lengths: Sequence[int] = LENGTHS,
    backend: str = "default",
) -> pl.DataFrame:
    """Predict every 8-11-mer of some proteins against some alleles and rank them.

    Parameters
    ----------
    genes : sequence of str, optional
        Shipped proteins by gene symbol (``shipped_proteins()``); all of them when neither
        ``genes`` nor ``fasta`` is given.
    alleles : sequence of str, default ``("HLA-A*02:01",)``
        HLA alleles as users write them.
    fasta : str or Path, optional
        A FASTA file of further proteins.
    lengths : sequence of int, default (8, 9, 10, 11)
        Peptide lengths. Lengths a backend cannot score for an allele are skipped with a
        warning.
    backend : str, default ``'default'``
        Binding backend.

    Returns
    -------
    polars.DataFrame
        ``gene``, ``start``, ``end``, ``length``, ``peptide``, ``allele``, ``ic50_nm``,
        ``rank`` (percentile vs the natural background), ``protein_rank`` (1 = best of this
        protein for this allele), ``known_epitope`` (the catalogue names the peptide for this
        allele), sorted by allele and rank.

    Examples
    --------
    >>> hits = scan_proteins(["MLANA"], ["A2"], backend="smmpmbec")
    >>> hits.height
    438
    >>> hits.filter(pl.col("known_epitope")).select("start", "peptide", "protein_rank").rows()
    [(32, 'ILTVILGVL', 25), (27, 'AAGIGILTV', 43), (26, 'EAAGIGILTV', 52)]
    """
    if any(n < 1 for n in lengths):
        raise AntigenError(f"peptide lengths must be positive, got {list(lengths)}")
    proteins = resolve_proteins(list(genes) if genes else None, fasta)
    names = resolve_alleles(alleles, backend)
    chosen = get_backend(backend)
    table = kmers(proteins, lengths)
    known = (
        list_epitopes()
        .select(
            pl.col("peptide"), pl.col("hla").alias("allele"), pl.lit(True).alias("known_epitope")
        )
        .unique()
    )
    frames = []
    for allele in names:
        ok = [n for n in lengths if n in chosen.lengths(allele)]
        missing = sorted(set(lengths) - set(ok))
        if missing:
            warnings.warn(
                f"backend {chosen.name!r} has no {allele} matrix for lengths "
                f"{', '.join(map(str, missing))}; those peptides are skipped",
                stacklevel=2,
            )
        part = table.filter(pl.col("length").is_in(ok))
        pred = predict_binding(part["peptide"].to_list(), [allele], backend)
        frames.append(part.with_columns(pred.select("allele", "ic50_nm", "rank")))
    out = pl.concat(frames)
    out = out.with_columns(
        protein_rank=pl.col("rank").rank("min").over("gene", "allele").cast(pl.Int32)
    ).join(known, on=["peptide", "allele"], how="left")
    return out.with_columns(pl.col("known_epitope").fill_null(False)).sort(
        "allele", "rank", "gene", "start", "length"
    )
