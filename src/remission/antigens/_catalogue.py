"""The shipped catalogue of T-cell epitopes recognised by TIL."""

from __future__ import annotations

import functools
from importlib import resources

import polars as pl

from remission.antigens._errors import AntigenError
from remission.antigens._hla import normalize_allele

_SCHEMA = {
    "length": pl.Int32,
    "start": pl.Int32,
    "end": pl.Int32,
    "pmid": pl.String,
    "verified": pl.Boolean,
}


@functools.cache
def _catalogue() -> pl.DataFrame:
    path = resources.files("remission.antigens").joinpath("data/epitope_catalogue.tsv")
    with resources.as_file(path) as file:
        return pl.read_csv(file, separator="\t", schema_overrides=_SCHEMA)


def list_epitopes(hla: str | None = None, gene: str | None = None) -> pl.DataFrame:
    """The catalogue of published TIL-recognised epitopes, optionally for one allele or gene.

    Every row was checked against the shipped sequences (``verified``, ``check_note``);
    DCT rows are unverified because the shipped DCT sequence is.

    Parameters
    ----------
    hla : str, optional
        An HLA allele as users write it (``A2``, ``A*02:01``).
    gene : str, optional
        A gene symbol (``MLANA``, ``PMEL``, ...), case-insensitive.

    Returns
    -------
    polars.DataFrame
        Columns gene, antigen, category, peptide, length, hla, kind (natural, analog, mutant, PTM,
        alternative ORF), start, end, wildtype_peptide, note, first_report, pmid, verified,
        check_note.

    Raises
    ------
    AntigenError
        For an allele name that cannot be parsed or a gene without epitopes.

    Examples
    --------
    >>> mart1 = list_epitopes(hla="A2", gene="MLANA")
    >>> mart1.select("peptide", "start", "kind").rows()  # doctest: +NORMALIZE_WHITESPACE
    [('AAGIGILTV', 27, 'natural'), ('EAAGIGILTV', 26, 'natural'),
     ('ELAGIGILTV', 26, 'analog'), ('ILTVILGVL', 32, 'natural')]
    """
    table = _catalogue()
    if hla is not None:
        table = table.filter(pl.col("hla") == normalize_allele(hla))
    if gene is not None:
        key = gene.strip().upper()
        if key not in set(_catalogue()["gene"]):
            genes = ", ".join(sorted(set(_catalogue()["gene"])))
            raise AntigenError(f"no epitopes of gene {gene!r} in the catalogue; genes: {genes}")
        table = table.filter(pl.col("gene") == key)
    return table
