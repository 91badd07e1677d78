"""Mutant peptides from protein changes (HGVS p.), predicted and ranked like pVACtools."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from remission.antigens._errors import AntigenError
from remission.antigens._predict import LENGTHS, get_backend, predict_binding, resolve_alleles
from remission.antigens._sequences import AMINO_ACIDS, check_sequence, resolve_proteins

THREE = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
}  # fmt: skip
_AA = "[A-Z*]"
_PATTERNS = [
    ("frameshift", re.compile(rf"^({_AA})(\d+)(?:{_AA})?fs(?:\*|Ter|X)?(\d+|\?)?$")),
    ("delins", re.compile(rf"^({_AA})(\d+)(?:_({_AA})(\d+))?delins([A-Z]+)$")),
    ("deletion", re.compile(rf"^({_AA})(\d+)(?:_({_AA})(\d+))?del$")),
    ("insertion", re.compile(rf"^({_AA})(\d+)_({_AA})(\d+)ins([A-Z]+)$")),
    ("missense", re.compile(rf"^({_AA})(\d+)({_AA})$")),
]

BINDING_THRESHOLD_NM = 500.0
"""pVACtools' default: a mutant peptide with IC50 below this binds."""
RANK_THRESHOLD = 2.0
"""A mutant peptide within this percentile rank also passes (for score-only backends)."""


@dataclass(frozen=True)
class ProteinChange:
    """One protein change: residues ``start``-``end`` (1-based, ``ref``) become ``alt``.

    Parameters
    ----------
    gene : str
        Gene symbol.
    hgvs : str
        The change as written.
    kind : str
        One of missense, deletion, insertion, delins or frameshift.
    start, end : int
        First and last reference residue (for an insertion: the two flanking residues).
    ref : str
        Reference residues (``?`` where HGVS does not name them).
    alt : str
        New residues; for a frameshift the new sequence up to the new stop.

    Examples
    --------
    >>> ProteinChange("CDK4", "p.R24C", "missense", 24, 24, "R", "C").alt
    'C'
    """

    gene: str
    hgvs: str
    kind: str
    start: int
    end: int
    ref: str
    alt: str


def _one_letter(text: str) -> str:
    for three, one in THREE.items():
        text = text.replace(three, one)
    return text


def parse_protein_change(gene: str, hgvs: str, new_sequence: str | None = None) -> ProteinChange:
    """Parse an HGVS protein change such as ``p.R24C``.

    Accepted: ``p.R24C``, ``p.Arg24Cys``, ``p.K10del``, ``p.K10_L12delinsAG``,
    ``p.A5_G6insKL`` and ``p.R24fs`` with ``new_sequence``.

    Parameters
    ----------
    gene : str
        Gene symbol the change belongs to.
    hgvs : str
        The change, with or without the ``p.`` prefix (parentheses are dropped).
    new_sequence : str, optional
        For frameshifts: the new protein sequence from the first changed residue to the stop.

    Returns
    -------
    ProteinChange
        The parsed change.

    Raises
    ------
    AntigenError
        For a malformed change, a stop-gain, or a frameshift without its new sequence.

    Examples
    --------
    >>> parse_protein_change("CDK4", "p.R24C")
    ProteinChange(gene='CDK4', hgvs='p.R24C', kind='missense', start=24, end=24, ref='R', alt='C')
    >>> parse_protein_change("X", "p.Lys10_Leu12delinsAG").alt
    'AG'
    """
    text = hgvs.strip()
    body = _one_letter(text.removeprefix("p.").strip("()"))
    for kind, pattern in _PATTERNS:
        m = pattern.match(body)
        if not m:
            continue
        g = m.groups()
        start = int(g[1])
        if kind == "missense":
            if g[2] == "*":
                raise AntigenError(
                    f"{gene} {text}: a stop-gain creates no new peptides; leave it out"
                )
            if g[0] == g[2]:
                raise AntigenError(f"{gene} {text}: a synonymous change creates no new peptides")
            return ProteinChange(gene, text, kind, start, start, g[0], g[2])
        if kind == "frameshift":
            if not new_sequence:
                raise AntigenError(
                    f"{gene} {text}: a frameshift needs its new sequence (column new_sequence: "
                    "the residues from the first changed one to the new stop)"
                )
            alt = check_sequence(f"{gene} {text} new_sequence", new_sequence)
            return ProteinChange(gene, text, kind, start, start, g[0], alt)
        end = int(g[3]) if g[3] else start
        if end < start:
            raise AntigenError(f"{gene} {text}: the range ends before it starts")
        if kind == "insertion":
            if end != start + 1:
                raise AntigenError(
                    f"{gene} {text}: an insertion lies between two adjacent residues"
                )
            return ProteinChange(gene, text, kind, start, end, g[0] + g[2], g[4])
        ref = g[0] if end == start else g[0] + "?" * (end - start - 1) + g[2]
        alt = g[4] if kind == "delins" else ""
        return ProteinChange(gene, text, kind, start, end, ref, alt)
    raise AntigenError(
        f"malformed HGVS protein change {hgvs!r} for {gene}: write e.g. p.R24C, p.Arg24Cys, "
        "p.K10del, p.K10_L12del, p.A5_G6insKL, p.K10_L12delinsAG or p.R24fs (with new_sequence)"
    )


def _check_reference(change: ProteinChange, seq: str) -> None:
    if change.end > len(seq):
        raise AntigenError(
            f"{change.gene} {change.hgvs}: position {change.end} is beyond the end of the "
            f"protein ({len(seq)} residues)"
        )
    for offset, expected in enumerate(change.ref):
        pos = change.start + offset
        if expected != "?" and seq[pos - 1] != expected:
            raise AntigenError(
                f"{change.gene} {change.hgvs}: reference residue mismatch at position {pos}: "
                f"the change says {expected}, the sequence has {seq[pos - 1]}"
            )


def _mutant_protein(change: ProteinChange, seq: str) -> tuple[str, int, int]:
    """The mutant protein and the changed span [lo, hi) in its coordinates (0-based)."""
    s = change.start - 1
    if change.kind == "insertion":
        mt = seq[: s + 1] + change.alt + seq[s + 1 :]
        return mt, s + 1, s + 1 + len(change.alt)
    if change.kind == "frameshift":
        return seq[:s] + change.alt, s, s + len(change.alt)
    mt = seq[:s] + change.alt + seq[change.end :]
    if not change.alt:  # deletion: peptides must span the junction s-1 | s
        return mt, s - 1, s + 1
    return mt, s, s + len(change.alt)


def mutant_peptides(
    changes: pl.DataFrame, proteins: dict[str, str], lengths: Sequence[int] = LENGTHS
) -> pl.DataFrame:
    """Every peptide of the given lengths spanning each change, with its wild-type counterpart.

    ``changes`` has columns ``gene``, ``change`` (HGVS p.) and optionally ``new_sequence``.
    The wild-type counterpart is the wild-type peptide at the same start (pVACtools' rule;
    for indels and frameshifts it is positional, not aligned). Mutant peptides that occur
    anywhere in the wild-type protein are not new and are dropped.
    """
    missing = {"gene", "change"} - set(changes.columns)
    if missing:
        raise AntigenError(f"mutation table lacks column(s) {', '.join(sorted(missing))}")
    rows = []
    for rec in changes.to_dicts():
        gene = str(rec["gene"]).strip().upper()
        if gene not in proteins:
            raise AntigenError(
                f"{gene} {rec['change']}: no sequence for gene {gene}; "
                f"known: {', '.join(proteins)} (give a FASTA with --fasta)"
            )
        seq = proteins[gene]
        change = parse_protein_change(gene, str(rec["change"]), rec.get("new_sequence"))
        _check_reference(change, seq)
        mt, lo, hi = _mutant_protein(change, seq)
        for n in lengths:
            first = max(0, lo - n + 1)
            last = min(len(mt) - n, hi - 1)
            for i in range(first, last + 1):
                pep = mt[i : i + n]
                if pep in seq:
                    continue
                wt = seq[i : i + n] if i + n <= len(seq) else None
                rows.append((gene, change.hgvs, change.kind, i + 1, n, pep, wt))
    schema = {
        "gene": pl.String,
        "mutation": pl.String,
        "variant_type": pl.String,
        "protein_position": pl.Int32,
        "peptide_length": pl.Int32,
        "mt_epitope_seq": pl.String,
        "wt_epitope_seq": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row").unique(maintain_order=True)


@dataclass(frozen=True)
class NeoantigenResult:
    """The two pVACtools-like tables of a neoantigen prediction.

    Parameters
    ----------
    all_epitopes : polars.DataFrame
        One row per mutant peptide and allele.
    aggregated : polars.DataFrame
        One row per mutation and allele: the best mutant peptide, ranked by tier then rank.

    Examples
    --------
    >>> changes = pl.DataFrame({"gene": ["CDK4"], "change": ["p.R24C"]})
    >>> predict_neoantigens(changes, ["A2"]).all_epitopes.height
    38
    """

    all_epitopes: pl.DataFrame
    aggregated: pl.DataFrame


def predict_neoantigens(
    changes: pl.DataFrame,
    alleles: Sequence[str],
    *,
    fasta: str | Path | None = None,
    lengths: Sequence[int] = LENGTHS,
    backend: str = "default",
) -> NeoantigenResult:
    """Mutant peptides of protein changes, predicted against alleles and ranked.

    Parameters
    ----------
    changes : polars.DataFrame
        Columns ``gene``, ``change`` (HGVS p.: ``p.R24C``, ``p.K10del``, ``p.A5_G6insKL``,
        ``p.K10_L12delinsAG``, ``p.R24fs``) and, for frameshifts, ``new_sequence``.
    alleles : sequence of str
        The patient's HLA class I alleles as users write them.
    fasta : str or Path, optional
        Protein sequences; the shipped ones are used for genes it does not contain.
    lengths : sequence of int, default (8, 9, 10, 11)
        Peptide lengths.
    backend : str, default ``'default'``
        Binding backend.

    Returns
    -------
    NeoantigenResult
        ``all_epitopes`` (gene, mutation, variant_type, protein_position, peptide_length,
        mt_epitope_seq, wt_epitope_seq, hla_allele, mt_ic50_nm, wt_ic50_nm, mt_rank, wt_rank,
        agretopicity = WT IC50 / MT IC50) and ``aggregated`` (per mutation and allele: the
        best peptide, its numbers, num_passing_peptides and tier: ``Pass`` when the best
        peptide's IC50 < 500 nM or rank <= 2 %, else ``Poor``; expression tiers need RNA data
        and are not assigned).

    Raises
    ------
    AntigenError
        For a malformed change, a reference residue that does not match, an unknown gene or
        allele.

    Examples
    --------
    >>> changes = pl.DataFrame({"gene": ["CTNNB1"], "change": ["p.S37F"]})
    >>> result = predict_neoantigens(changes, ["A24"])
    >>> result.aggregated.select("mutation", "best_peptide", "tier").rows()
    [('p.S37F', 'SYLDSGIHF', 'Pass')]
    """
    shipped = resolve_proteins(None, None)
    proteins = dict(shipped)
    if fasta is not None:
        proteins.update(resolve_proteins(None, fasta))
    names = resolve_alleles(alleles, backend)
    peptides = mutant_peptides(changes, proteins, lengths)
    chosen = get_backend(backend)
    parts = []
    for allele in names:
        ok = peptides.filter(pl.col("peptide_length").is_in(chosen.lengths(allele)))
        mt = predict_binding(ok["mt_epitope_seq"].to_list(), [allele], backend)
        has_wt = ok.filter(pl.col("wt_epitope_seq").is_not_null())
        wt = predict_binding(has_wt["wt_epitope_seq"].unique().to_list(), [allele], backend)
        wt = wt.select(
            pl.col("peptide").alias("wt_epitope_seq"),
            pl.col("ic50_nm").alias("wt_ic50_nm"),
            pl.col("rank").alias("wt_rank"),
        )
        parts.append(
            ok.with_columns(
                hla_allele=pl.lit(allele),
                mt_ic50_nm=mt["ic50_nm"],
                mt_rank=mt["rank"],
            ).join(wt, on="wt_epitope_seq", how="left")
        )
    all_epitopes = (
        pl.concat(parts)
        .with_columns(agretopicity=pl.col("wt_ic50_nm") / pl.col("mt_ic50_nm"))
        .with_columns(
            passes=(pl.col("mt_ic50_nm") < BINDING_THRESHOLD_NM)
            | (pl.col("mt_rank") <= RANK_THRESHOLD)
        )
        .sort("gene", "mutation", "hla_allele", "mt_rank", "mt_ic50_nm")
    )
    best = all_epitopes.group_by("gene", "mutation", "hla_allele", maintain_order=True).agg(
        pl.col("variant_type").first(),
        pl.col("mt_epitope_seq").first().alias("best_peptide"),
        pl.col("protein_position").first().alias("pos"),
        pl.col("wt_epitope_seq").first().alias("corresponding_wt"),
        pl.col("mt_ic50_nm").first().alias("ic50_mt"),
        pl.col("wt_ic50_nm").first().alias("ic50_wt"),
        pl.col("mt_rank").first().alias("rank_mt"),
        pl.col("wt_rank").first().alias("rank_wt"),
        pl.col("agretopicity").first(),
        pl.col("passes").sum().cast(pl.Int32).alias("num_passing_peptides"),
        pl.col("passes").first().alias("_pass"),
    )
    aggregated = (
        best.with_columns(
            tier=pl.when(pl.col("_pass")).then(pl.lit("Pass")).otherwise(pl.lit("Poor"))
        )
        .drop("_pass")
        .sort(pl.col("tier") != "Pass", "rank_mt", "ic50_mt")
    )
    return NeoantigenResult(all_epitopes.drop("passes"), aggregated)


assert set(THREE.values()) - {"*"} == set(AMINO_ACIDS)
