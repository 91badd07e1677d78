"""Protein changes from a VEP- or SnpEff-annotated VCF (the ``CSQ`` or ``ANN`` INFO field)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl

from remission.antigens._errors import AntigenError

THREE_TO_ONE = {
    "Ala": "A",
    "Arg": "R",
    "Asn": "N",
    "Asp": "D",
    "Cys": "C",
    "Gln": "Q",
    "Glu": "E",
    "Gly": "G",
    "His": "H",
    "Ile": "I",
    "Leu": "L",
    "Lys": "K",
    "Met": "M",
    "Phe": "F",
    "Pro": "P",
    "Ser": "S",
    "Thr": "T",
    "Trp": "W",
    "Tyr": "Y",
    "Val": "V",
    "Ter": "*",
}
"""Three-letter amino-acid codes of HGVS p. to one-letter ones."""

SNPEFF_FIELDS = (
    "Allele",
    "Annotation",
    "Annotation_Impact",
    "Gene_Name",
    "Gene_ID",
    "Feature_Type",
    "Feature_ID",
    "Transcript_BioType",
    "Rank",
    "HGVS.c",
    "HGVS.p",
)
"""The first fields of a SnpEff ``ANN`` annotation (its fixed format)."""

KEPT = (
    "missense_variant",
    "inframe_insertion",
    "inframe_deletion",
    "protein_altering_variant",
    "disruptive_inframe_insertion",
    "disruptive_inframe_deletion",
)
"""Consequences read; frameshifts are not, because a VCF annotation does not carry the new
protein sequence they need (give them in a table with ``new_sequence``)."""


def _one_letter(hgvs_p: pl.Expr) -> pl.Expr:
    short = hgvs_p.str.replace(r"^.*:", "").str.replace_all(r"%3D", "=")
    return short.str.replace_many(list(THREE_TO_ONE), list(THREE_TO_ONE.values()))


def read_annotated_vcf(path: str | Path) -> pl.DataFrame:
    """Read the protein changes of a VEP (``CSQ``) or SnpEff (``ANN``) annotated VCF.

    Every annotation of every variant is read (one per transcript); missense and in-frame
    changes with an HGVS p. are kept, written in one-letter code (``p.Arg24Cys`` ->
    ``p.R24C``), one row per gene and change.

    Parameters
    ----------
    path : str or pathlib.Path
        The VCF (plain text).

    Returns
    -------
    polars.DataFrame
        ``gene``, ``change``, ``consequence``: the input ``predict_neoantigens`` takes.

    Raises
    ------
    AntigenError
        When the file is missing, is not a VCF, or has no CSQ/ANN annotation header.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> vcf = pathlib.Path(tempfile.mkdtemp()) / "x.vcf"
    >>> _ = vcf.write_text(
    ...     '##fileformat=VCFv4.2\\n'
    ...     '##INFO=<ID=CSQ,Number=.,Type=String,Description="Format: '
    ...     'Allele|Consequence|SYMBOL|HGVSp">\\n'
    ...     '#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\n'
    ...     '12\\t57751646\\t.\\tG\\tA\\t.\\tPASS\\tCSQ=A|missense_variant|CDK4|'
    ...     'ENSP00000257904.6:p.Arg24Cys\\n')
    >>> read_annotated_vcf(vcf).rows()
    [('CDK4', 'p.R24C', 'missense_variant')]
    """
    path = Path(path)
    if not path.is_file():
        raise AntigenError(f"{path}: file not found")
    text = path.read_text(encoding="utf-8", errors="replace")
    header = [line for line in text.splitlines() if line.startswith("##")]
    if not text.startswith("##fileformat=VCF"):
        raise AntigenError(f"{path}: not a VCF (the first line must be ##fileformat=VCF...)")
    csq = next((h for h in header if h.startswith("##INFO=<ID=CSQ")), None)
    ann = next((h for h in header if h.startswith("##INFO=<ID=ANN")), None)
    if csq is not None:
        found = re.search(r"Format: ([^\"]+)", csq)
        if found is None:
            raise AntigenError(f"{path}: the CSQ header does not name its fields ('Format: ...')")
        fields = found.group(1).strip().split("|")
        key, gene_field, hgvs_field, cons_field = "CSQ", "SYMBOL", "HGVSp", "Consequence"
    elif ann is not None:
        fields, key = list(SNPEFF_FIELDS), "ANN"
        gene_field, hgvs_field, cons_field = "Gene_Name", "HGVS.p", "Annotation"
    else:
        raise AntigenError(
            f"{path}: no VEP (CSQ) or SnpEff (ANN) annotation in the header; "
            "annotate the VCF first, or give a table of gene and change"
        )
    for needed in (gene_field, hgvs_field, cons_field):
        if needed not in fields:
            raise AntigenError(f"{path}: the {key} annotation has no {needed} field")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("##"))
    variants = pl.read_csv(io.StringIO(body), separator="\t", infer_schema=False, quote_char=None)
    if "INFO" not in variants.columns:
        raise AntigenError(f"{path}: no INFO column")
    annotations = (
        variants.select(pl.col("INFO").str.extract(rf"(?:^|;){key}=([^;]+)").alias("_a"))
        .drop_nulls()
        .with_columns(pl.col("_a").str.split(","))
        .explode("_a")
        .with_columns(pl.col("_a").str.split("|"))
    )
    pick = {name: fields.index(name) for name in (gene_field, hgvs_field, cons_field)}
    out = annotations.select(
        pl.col("_a").list.get(pick[gene_field], null_on_oob=True).alias("gene"),
        _one_letter(pl.col("_a").list.get(pick[hgvs_field], null_on_oob=True)).alias("change"),
        pl.col("_a").list.get(pick[cons_field], null_on_oob=True).alias("consequence"),
    ).filter(
        pl.col("change").str.starts_with("p.")
        & ~pl.col("change").str.contains("=")
        & pl.col("consequence").str.contains("|".join(KEPT))
        & (pl.col("gene") != "")
    )
    return out.unique(["gene", "change"], keep="first", maintain_order=True)
