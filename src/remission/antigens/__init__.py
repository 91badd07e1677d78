"""Tumor antigens recognised by TIL: the epitope catalogue, HLA binding prediction, epitope
scans, mutant peptides (neoantigens) and minigene constructs.

Stands beside the clinical flow; reads only its own package data and the files it is given.
See ``docs/antigens.md``.

Examples
--------
>>> from remission.antigens import list_epitopes, normalize_allele
>>> normalize_allele("A2")
'HLA-A*02:01'
>>> list_epitopes(gene="CDK4")["peptide"].to_list()
['ACDPHSGHFV']
"""

from remission.antigens._catalogue import list_epitopes
from remission.antigens._errors import AntigenError
from remission.antigens._hla import normalize_allele
from remission.antigens._minigenes import (
    ConstructDesign,
    design_constructs,
    design_minigenes,
    long_peptides,
)
from remission.antigens._mutations import (
    NeoantigenResult,
    ProteinChange,
    parse_protein_change,
    predict_neoantigens,
)
from remission.antigens._netmhcpan import parse_netmhcpan_output
from remission.antigens._predict import (
    default_backend,
    installed_backends,
    predict_binding,
    register_backend,
)
from remission.antigens._scan import scan_proteins
from remission.antigens._sequences import read_fasta, shipped_proteins
from remission.antigens._vcf import read_annotated_vcf

__all__ = [
    "AntigenError",
    "ConstructDesign",
    "NeoantigenResult",
    "ProteinChange",
    "default_backend",
    "design_constructs",
    "design_minigenes",
    "installed_backends",
    "list_epitopes",
    "long_peptides",
    "normalize_allele",
    "parse_netmhcpan_output",
    "parse_protein_change",
    "predict_binding",
    "predict_neoantigens",
    "read_annotated_vcf",
    "read_fasta",
    "register_backend",
    "scan_proteins",
    "shipped_proteins",
]
