"""Protein changes from annotated VCFs (VEP CSQ and SnpEff ANN), through to mutant peptides."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from remission.antigens import AntigenError, predict_neoantigens, read_annotated_vcf
from tests.cli.test_cli import run

HEADER = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
VEP = (
    "##fileformat=VCFv4.2\n"
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl '
    'VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Feature|HGVSc|HGVSp">\n'
    + HEADER
    + "12\t57751646\t.\tG\tA\t.\tPASS\tDP=40;CSQ=A|missense_variant|MODERATE|CDK4|ENST1|"
    "c.70C>T|ENSP1:p.Arg24Cys,A|missense_variant|MODERATE|CDK4|ENST2|c.70C>T|ENSP2:p.Arg24Cys\n"
    "3\t41224610\t.\tC\tT\t.\tPASS\tCSQ=T|missense_variant|MODERATE|CTNNB1|ENST3|c.110C>T|"
    "ENSP3:p.Ser37Phe\n"
    "1\t100\t.\tA\tG\t.\tPASS\tCSQ=G|synonymous_variant|LOW|GENE1|ENST4|c.3A>G|ENSP4:p.Lys1%3D\n"
    "1\t200\t.\tAT\tA\t.\tPASS\tCSQ=-|frameshift_variant|HIGH|GENE2|ENST5|c.5del|ENSP5:p.Ile2fs\n"
    "1\t300\t.\tA\tC\t.\tPASS\tDP=12\n"
)
SNPEFF = (
    "##fileformat=VCFv4.2\n"
    "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | "
    "Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | "
    "Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length'\">\n"
    + HEADER
    + "12\t57751646\t.\tG\tA\t.\tPASS\tANN=A|missense_variant|MODERATE|CDK4|ENSG1|transcript|"
    "ENST1|protein_coding|2/8|c.70C>T|p.Arg24Cys|70/1000\n"
)


def _write(tmp_path: Path, text: str, name: str = "x.vcf") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_vep_csq(tmp_path: Path) -> None:
    changes = read_annotated_vcf(_write(tmp_path, VEP))
    assert changes.select("gene", "change").rows() == [("CDK4", "p.R24C"), ("CTNNB1", "p.S37F")]


def test_snpeff_ann(tmp_path: Path) -> None:
    assert read_annotated_vcf(_write(tmp_path, SNPEFF)).select("gene", "change").rows() == [
        ("CDK4", "p.R24C")
    ]


def test_known_mutant_epitopes_from_a_vcf(tmp_path: Path) -> None:
    changes = read_annotated_vcf(_write(tmp_path, VEP))
    result = predict_neoantigens(changes, ["HLA-A*02:01", "HLA-A*24:02"])
    peptides = set(result.all_epitopes["mt_epitope_seq"].to_list())
    assert {"ACDPHSGHFV", "SYLDSGIHF"} <= peptides


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("chr1\t1\n", "not a VCF (the first line must be ##fileformat=VCF...)"),
        (
            "##fileformat=VCFv4.2\n" + HEADER,
            "no VEP (CSQ) or SnpEff (ANN) annotation in the "
            "header; annotate the VCF first, or give a table of gene and change",
        ),
    ],
)
def test_bad_vcf(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(AntigenError) as info:
        read_annotated_vcf(path)
    assert str(info.value) == f"{path}: {message}"


def test_cli_neo_reads_a_vcf(tmp_path: Path) -> None:
    path = _write(tmp_path, VEP)
    result = run("antigens", "neo", path, "--hla", "A*24:02", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    table = pl.read_csv(tmp_path / "out" / "all_epitopes.tsv", separator="\t")
    assert "SYLDSGIHF" in table["mt_epitope_seq"].to_list()
    bad = run("antigens", "neo", _write(tmp_path, "##fileformat=VCFv4.2\n" + HEADER, "b.vcf"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
