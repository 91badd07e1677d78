"""Protein sequences: the shipped FASTA and user FASTA files, validated."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import numpy as np

from remission.antigens._errors import AntigenError

AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
"""The 20 standard residues, in the column order of every scoring matrix."""

_CODE = np.full(256, -1, dtype=np.int8)
for _i, _aa in enumerate(AMINO_ACIDS):
    _CODE[ord(_aa)] = _i


def encode_peptides(peptides: list[str], length: int) -> np.ndarray:
    """Encode equal-length peptides as an (n, length) int array of residue indices.

    One bytes join and one table lookup: no Python loop per peptide.
    """
    if not peptides:
        return np.zeros((0, length), dtype=np.intp)
    raw = "".join(peptides).encode("ascii", errors="replace")
    codes = _CODE[np.frombuffer(raw, dtype=np.uint8)].reshape(len(peptides), length)
    if (codes < 0).any():
        row, col = np.argwhere(codes < 0)[0]
        pep = peptides[row]
        raise AntigenError(
            f"non-standard amino acid {pep[col]!r} at position {col + 1} of peptide {pep!r}; "
            f"only the 20 standard residues {AMINO_ACIDS} can be scored"
        )
    return codes.astype(np.intp)


def check_sequence(name: str, sequence: str) -> str:
    """Upper-case a protein sequence and refuse non-standard residues (a final ``*`` is dropped)."""
    seq = sequence.strip().upper().rstrip("*")
    if not seq:
        raise AntigenError(f"sequence {name!r} is empty")
    bad = sorted({aa for aa in seq if aa not in AMINO_ACIDS})
    if bad:
        pos = min(seq.index(b) for b in bad) + 1
        raise AntigenError(
            f"sequence {name!r} has non-standard amino acid(s) {', '.join(bad)} "
            f"(first at position {pos}); only {AMINO_ACIDS} are allowed"
        )
    return seq


def parse_fasta(text: str, source: str = "<text>") -> dict[str, str]:
    """Parse FASTA text into ``{name: sequence}``; the name is the header up to the first ``|``
    or space.

    Raises ``AntigenError`` for an empty file, text before the first header, an empty or
    duplicate name, an empty sequence or non-standard residues.
    """
    records: dict[str, list[str]] = {}
    name: str | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith(">"):
            name = line[1:].strip().split("|")[0].split()[0] if line[1:].strip() else ""
            if not name:
                raise AntigenError(f"{source}, line {lineno}: FASTA header without a name")
            if name in records:
                raise AntigenError(
                    f"{source}, line {lineno}: duplicate sequence name {name!r}; "
                    "every sequence needs its own name"
                )
            records[name] = []
        elif name is None:
            raise AntigenError(
                f"{source}, line {lineno}: sequence text before the first '>' header"
            )
        else:
            records[name].append(line)
    if not records:
        raise AntigenError(f"{source}: no FASTA records (empty file or no '>' header)")
    return {n: check_sequence(n, "".join(parts)) for n, parts in records.items()}


def read_fasta(path: str | Path) -> dict[str, str]:
    """Read a FASTA file into ``{name: sequence}`` (see ``parse_fasta`` for the checks).

    Parameters
    ----------
    path : str or Path
        The FASTA file.

    Returns
    -------
    dict of str to str
        Sequences by name (the header up to the first ``|`` or space), upper case.

    Raises
    ------
    AntigenError
        If the file is empty, has duplicate names or non-standard residues.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.fasta"
    >>> _ = path.write_text(">ONE|x\\nMKTAYIAK\\nQRQISFVK\\n")
    >>> read_fasta(path)
    {'ONE': 'MKTAYIAKQRQISFVK'}
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AntigenError(f"FASTA file not found: {path}") from None
    return parse_fasta(text, source=str(path))


@functools.cache
def _shipped() -> dict[str, str]:
    text = resources.files("remission.antigens").joinpath("data/antigens.fasta").read_text()
    return parse_fasta(text, source="antigens.fasta (package data)")


def shipped_proteins() -> dict[str, str]:
    """The protein sequences shipped with the package, by gene symbol.

    MLANA, PMEL, TYR, TYRP1, CDK4, CTNNB1, MAGEA3, CTAG1B and DCT (DCT's copy is unverified:
    see ``list_epitopes`` and ``docs/antigens.md``).

    Returns
    -------
    dict of str to str
        Sequences by gene symbol (a new dict on every call).

    Examples
    --------
    >>> proteins = shipped_proteins()
    >>> len(proteins), len(proteins["MLANA"])
    (9, 118)
    """
    return dict(_shipped())


def resolve_proteins(
    genes: list[str] | None = None, fasta: str | Path | None = None
) -> dict[str, str]:
    """Proteins from a FASTA file and/or shipped gene names (all shipped ones if neither given)."""
    out: dict[str, str] = {}
    if fasta is not None:
        out.update(read_fasta(fasta))
    if genes:
        shipped = _shipped()
        for gene in genes:
            key = gene.strip().upper()
            if key in out:
                continue
            if key not in shipped:
                raise AntigenError(
                    f"unknown gene {gene!r}: the shipped proteins are {', '.join(shipped)}; "
                    "give other proteins as a FASTA file"
                )
            out[key] = shipped[key]
    if fasta is None and not genes:
        out = dict(_shipped())
    return out
