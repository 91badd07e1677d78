"""Minigenes, tandem-minigene constructs and long-peptide pools for mutations."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from remission.antigens._errors import AntigenError
from remission.antigens._mutations import (
    _check_reference,
    _mutant_protein,
    parse_protein_change,
)
from remission.antigens._predict import LENGTHS, get_backend, predict_binding, resolve_alleles
from remission.antigens._sequences import resolve_proteins

STRONG_RANK = 0.5
"""A junction peptide within this percentile rank counts as a strong binder."""


def design_minigenes(
    changes: pl.DataFrame, *, flank: int = 12, fasta: str | Path | None = None
) -> pl.DataFrame:
    """One minigene per protein change: the changed residues with ``flank`` residues each side.

    A missense change gives a 25-mer with the mutant residue in the middle (position 13),
    clipped where the protein ends. Indels keep ``flank`` residues each side of the changed
    span; a frameshift keeps ``flank`` residues before it and its whole new sequence.

    Parameters
    ----------
    changes : polars.DataFrame
        Columns ``gene``, ``change`` (HGVS p.) and, for frameshifts, ``new_sequence``.
    flank : int, default 12
        Residues kept on each side.
    fasta : str or Path, optional
        Protein sequences; the shipped ones otherwise.

    Returns
    -------
    polars.DataFrame
        ``gene``, ``mutation``, ``start``, ``end`` (in the mutant protein, 1-based),
        ``minigene``, ``length``, ``mutant_offset`` (1-based position of the first changed
        residue within the minigene).

    Raises
    ------
    AntigenError
        For malformed changes, reference mismatches or unknown genes.

    Examples
    --------
    >>> mg = design_minigenes(pl.DataFrame({"gene": ["CDK4"], "change": ["p.R24C"]}))
    >>> mg.select("minigene", "length", "mutant_offset").row(0)
    ('IGVGAYGTVYKACDPHSGHFVALKS', 25, 13)
    """
    if flank < 0:
        raise AntigenError(f"flank must be >= 0, got {flank}")
    proteins = resolve_proteins(None, None)
    if fasta is not None:
        proteins.update(resolve_proteins(None, fasta))
    rows = []
    for rec in changes.to_dicts():
        gene = str(rec["gene"]).strip().upper()
        if gene not in proteins:
            raise AntigenError(f"{gene} {rec['change']}: no sequence for gene {gene}")
        seq = proteins[gene]
        change = parse_protein_change(gene, str(rec["change"]), rec.get("new_sequence"))
        _check_reference(change, seq)
        mt, lo, hi = _mutant_protein(change, seq)
        if change.kind == "deletion":
            lo, hi = lo + 1, lo + 1  # the junction: flank residues each side of it
        a = max(0, lo - flank)
        b = len(mt) if change.kind == "frameshift" else min(len(mt), hi + flank)
        rows.append((gene, change.hgvs, a + 1, b, mt[a:b], b - a, lo - a + 1))
    return pl.DataFrame(
        rows,
        schema={
            "gene": pl.String,
            "mutation": pl.String,
            "start": pl.Int32,
            "end": pl.Int32,
            "minigene": pl.String,
            "length": pl.Int32,
            "mutant_offset": pl.Int32,
        },
        orient="row",
    )


def long_peptides(
    changes: pl.DataFrame, *, pool_size: int = 10, fasta: str | Path | None = None
) -> pl.DataFrame:
    """25-mer long peptides (the minigenes as synthetic peptides), assigned to pools.

    Parameters
    ----------
    changes : polars.DataFrame
        Columns ``gene``, ``change`` and optionally ``new_sequence``.
    pool_size : int, default 10
        Peptides per pool, in input order.
    fasta : str or Path, optional
        Protein sequences; the shipped ones otherwise.

    Returns
    -------
    polars.DataFrame
        The ``design_minigenes`` columns, with ``peptide`` (the sequence; frameshifts are cut
        into overlapping 25-mers offset by 12) and ``pool`` (1-based).

    Examples
    --------
    >>> lp = long_peptides(pl.DataFrame({"gene": ["CTNNB1"], "change": ["p.S37F"]}))
    >>> lp.select("peptide", "pool").row(0)
    ('WQQQSYLDSGIHFGATTTAPSLSGK', 1)
    """
    if pool_size < 1:
        raise AntigenError(f"pool size must be >= 1, got {pool_size}")
    mg = design_minigenes(changes, fasta=fasta)
    mg = mg.with_columns(
        peptide=pl.col("minigene").map_elements(
            lambda s: (
                [s[i : i + 25] for i in range(0, max(1, len(s) - 13), 12)] if len(s) > 25 else [s]
            ),
            return_dtype=pl.List(pl.String),
        )
    ).explode("peptide")
    return (
        mg.with_row_index("n")
        .with_columns(pool=(pl.col("n") // pool_size + 1).cast(pl.Int32))
        .drop("n", "minigene")
    )


@dataclass(frozen=True)
class ConstructDesign:
    """Tandem-minigene constructs and the junction peptides that bind strongly.

    Parameters
    ----------
    constructs : polars.DataFrame
        Columns construct, slot, gene, mutation, minigene.
    junctions : polars.DataFrame
        Strong-binding peptides across junctions in the chosen order.
    fasta : str
        One FASTA record per construct.
    strong_before, strong_after : int
        Strong junction binders in input order and after reordering.

    Examples
    --------
    >>> mg = pl.DataFrame({"gene": ["X"], "mutation": ["a"], "minigene": ["KKKKKKKKKKKEL"]})
    >>> design_constructs(mg, ["A2"]).strong_after
    0
    """

    constructs: pl.DataFrame
    junctions: pl.DataFrame
    fasta: str
    strong_before: int
    strong_after: int


def _junction_peptides(left: str, right: str, lengths: Sequence[int]) -> list[str]:
    out = []
    for n in lengths:
        for k in range(1, n):  # k residues from the left, n-k from the right
            if k <= len(left) and n - k <= len(right):
                out.append(left[-k:] + right[: n - k])
    return out


def design_constructs(
    minigenes: pl.DataFrame,
    alleles: Sequence[str],
    *,
    per_construct: int = 6,
    lengths: Sequence[int] = LENGTHS,
    backend: str = "default",
) -> ConstructDesign:
    """Pack minigenes into tandem constructs, reordered to avoid strong junction binders.

    Every ordered pair of minigenes is scored once: the 8-11-mers across their junction are
    predicted for each allele and those within ``STRONG_RANK`` percent are counted. Each
    construct's order is then the permutation with the fewest strong junction binders
    (exhaustive up to 7 minigenes, greedy from every start beyond).

    Parameters
    ----------
    minigenes : polars.DataFrame
        ``design_minigenes`` output (``gene``, ``mutation``, ``minigene``).
    alleles : sequence of str
        The patient's HLA class I alleles.
    per_construct : int, default 6
        Minigenes per construct (the last may hold fewer).
    lengths : sequence of int, default (8, 9, 10, 11)
        Junction peptide lengths.
    backend : str, default ``'default'``
        Binding backend.

    Returns
    -------
    ConstructDesign
        The constructs, their strong junction peptides, FASTA text and the counts before and
        after reordering.

    Examples
    --------
    >>> changes = pl.DataFrame({"gene": ["CDK4", "CTNNB1"], "change": ["p.R24C", "p.S37F"]})
    >>> design = design_constructs(design_minigenes(changes), ["A2"], per_construct=2)
    >>> design.constructs.height, design.fasta.startswith(">construct_1")
    (2, True)
    """
    if per_construct < 1:
        raise AntigenError(f"minigenes per construct must be >= 1, got {per_construct}")
    if minigenes.height == 0:
        raise AntigenError("no minigenes to pack")
    names = resolve_alleles(alleles, backend)
    chosen = get_backend(backend)
    seqs = minigenes["minigene"].to_list()
    n = len(seqs)
    pair_rows = []
    for i, j in itertools.permutations(range(n), 2):
        pair_rows.extend((i, j, p) for p in _junction_peptides(seqs[i], seqs[j], lengths))
    strong = np.zeros((n, n), dtype=np.int64)
    hits = []
    if pair_rows:
        pairs = pl.DataFrame(pair_rows, schema=["i", "j", "peptide"], orient="row")
        for allele in names:
            ok = pairs.filter(pl.col("peptide").str.len_chars().is_in(chosen.lengths(allele)))
            pred = predict_binding(ok["peptide"].to_list(), [allele], backend)
            scored = ok.with_columns(pred.select("allele", "ic50_nm", "rank")).filter(
                pl.col("rank") <= STRONG_RANK
            )
            hits.append(scored)
            np.add.at(strong, (scored["i"].to_numpy(), scored["j"].to_numpy()), 1)
    hits_df = pl.concat(hits) if hits else None

    def cost(order: Sequence[int]) -> int:
        return int(sum(strong[a, b] for a, b in itertools.pairwise(order)))

    groups = [list(range(k, min(n, k + per_construct))) for k in range(0, n, per_construct)]
    before = sum(cost(g) for g in groups)
    ordered = []
    for g in groups:
        if len(g) <= 7:
            best = min(itertools.permutations(g), key=cost)
        else:
            candidates = []
            for first in g:
                order, left = [first], set(g) - {first}
                while left:
                    nxt = min(left, key=lambda b, a=order[-1]: (strong[a, b], b))
                    order.append(nxt)
                    left.remove(nxt)
                candidates.append(order)
            best = min(candidates, key=cost)
        ordered.append(list(best))
    after = sum(cost(g) for g in ordered)
    rows, junction_rows, fasta = [], [], []
    for c, order in enumerate(ordered, start=1):
        for slot, idx in enumerate(order, start=1):
            rec = minigenes.row(idx, named=True)
            rows.append((c, slot, rec["gene"], rec["mutation"], rec["minigene"]))
        for a, b in itertools.pairwise(order):
            if hits_df is not None:
                for h in hits_df.filter((pl.col("i") == a) & (pl.col("j") == b)).to_dicts():
                    junction_rows.append(
                        (c, minigenes["mutation"][a], minigenes["mutation"][b], h["peptide"],
                         h["allele"], h["ic50_nm"], h["rank"])
                    )  # fmt: skip
        label = " ".join(f"{minigenes['gene'][i]}:{minigenes['mutation'][i]}" for i in order)
        fasta.append(f">construct_{c} {label}\n" + "".join(seqs[i] for i in order))
    constructs = pl.DataFrame(
        rows, schema=["construct", "slot", "gene", "mutation", "minigene"], orient="row"
    )
    junctions = pl.DataFrame(
        junction_rows,
        schema={
            "construct": pl.Int64,
            "left": pl.String,
            "right": pl.String,
            "peptide": pl.String,
            "allele": pl.String,
            "ic50_nm": pl.Float64,
            "rank": pl.Float64,
        },
        orient="row",
    )
    return ConstructDesign(constructs, junctions, "\n".join(fasta) + "\n", before, after)
