"""remission.antigens: catalogue, HLA names, binding, scans, neoantigens, minigenes, CLI."""

from __future__ import annotations

import warnings
from pathlib import Path

import polars as pl
import pytest

from remission.antigens import (
    AntigenError,
    default_backend,
    design_constructs,
    design_minigenes,
    list_epitopes,
    long_peptides,
    normalize_allele,
    parse_protein_change,
    predict_binding,
    predict_neoantigens,
    read_fasta,
    scan_proteins,
    shipped_proteins,
)
from remission.antigens._curate import curate
from remission.antigens._predict import DEFAULT_BACKENDS, installed_backends
from tests.cli.test_cli import run

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
needs_shared = pytest.mark.skipif(
    not (SHARED / "antigens").is_dir(), reason="../shared/antigens is not present"
)


# --- catalogue ---------------------------------------------------------------------------


def test_every_catalogue_row_is_checked_and_positions_hold() -> None:
    cat = list_epitopes()
    proteins = shipped_proteins()
    assert cat.height == 37 and cat["check_note"].null_count() == 0
    natural = cat.filter(
        pl.col("kind") == "natural", pl.col("start").is_not_null(), pl.col("gene") != "DCT"
    )
    for row in natural.to_dicts():
        seq = proteins[row["gene"]]
        assert seq[row["start"] - 1 : row["end"]] == row["peptide"], row
    # DCT is unverified, as are the two genes whose proteins are not shipped
    assert set(cat.filter(~pl.col("verified"))["gene"]) == {"DCT", "MUM1", "MAGEA1"}


def test_dct_a31_epitope_is_the_first_reports_not_the_unverified_copys() -> None:
    row = list_epitopes(gene="DCT", hla="A*31:01").row(0, named=True)
    assert row["peptide"] == "LLPGGRPYR" and row["start"] == 197
    assert row["first_report"] == "Wang 1996" and not row["verified"]
    # the shipped DCT copy has the transposed form at 197, which the check names
    assert "peptide NOT at 197" in row["check_note"]
    assert shipped_proteins()["DCT"][196:205] == "LLGPGRPYR"


def test_pmids_are_given_only_where_checked() -> None:
    cat = list_epitopes()
    with_pmid = cat.filter(pl.col("pmid").is_not_null())
    assert with_pmid.height == 10
    for row in with_pmid.to_dicts():
        assert row["pmid"].isdigit() and f"PMID {row['pmid']} checked" in row["check_note"]
    without = cat.filter(pl.col("pmid").is_null())["check_note"]
    assert not without.str.contains(r"PMID \d+ checked").any()


@needs_shared
def test_shipped_catalogue_equals_the_check_of_the_source() -> None:
    assert curate(SHARED / "antigens").equals(list_epitopes())


def test_list_epitopes_filters() -> None:
    assert list_epitopes(hla="A24")["peptide"].to_list() == [
        "AFLPWHRLF",
        "SYLDSGIHF",
        "IMPKAGLLI",
    ]
    with pytest.raises(AntigenError, match="no epitopes of gene 'XYZ'"):
        list_epitopes(gene="XYZ")


# --- HLA -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["A2", "A*02:01", "HLA-A0201", "A*02:01:01:01", "hla-a*02:01"])
def test_allele_forms_normalise(name: str) -> None:
    assert normalize_allele(name) == "HLA-A*02:01"


def test_unknown_allele_messages() -> None:
    with pytest.raises(AntigenError) as exc:
        normalize_allele("HLA-Q*99:99")
    assert str(exc.value).splitlines()[0] == (
        "unknown HLA allele 'HLA-Q*99:99': mhcgnomes cannot parse it"
    )
    with pytest.raises(AntigenError) as exc:
        predict_binding(["AAGIGILTV"], ["A*99:99"], backend="consensus")
    assert str(exc.value) == (
        "unknown HLA allele 'A*99:99' (HLA-A*99:99): no installed binding backend has it; "
        "did you mean HLA-A*69:01, HLA-A*29:02, HLA-A*02:19?"
    )
    with pytest.raises(AntigenError, match="not a human class I allele"):
        normalize_allele("DRB1*01:01")


# --- binding -------------------------------------------------------------------------------


def test_smmpmbec_matches_epytope_reference_values() -> None:
    # epytope 4.0.1 EpitopePredictorFactory("smmpmbec").predict(...) gives 1460.259 and 88.192
    out = predict_binding(["AAGIGILTV", "KTWGQYWQV"], ["A2"], backend="smmpmbec")
    assert out["ic50_nm"].to_list() == pytest.approx([1460.259364, 88.192164], rel=1e-6)


def test_non_standard_amino_acid() -> None:
    with pytest.raises(AntigenError) as exc:
        predict_binding(["AAGIGXLTV"], ["A2"])
    assert str(exc.value) == (
        "non-standard amino acid 'X' at position 6 of peptide 'AAGIGXLTV'; "
        "only the 20 standard residues ACDEFGHIKLMNPQRSTVWY can be scored"
    )


def test_unavailable_backend_and_length() -> None:
    with pytest.raises(AntigenError, match="unknown binding backend 'nosuch'; registered: "):
        predict_binding(["AAGIGILTV"], ["A2"], backend="nosuch")
    with pytest.raises(AntigenError, match="cannot score 8-mers for HLA-A\\*02:01"):
        predict_binding(["AAGIGILT"], ["A2"], backend="syfpeithi")


def test_ranks_are_percentiles_and_order_is_kept() -> None:
    peps = ["ELAGIGILTV", "AAGIGILTV", "KKKKKKKKK"]
    out = predict_binding(peps, ["A2", "A24"])
    assert out.height == 6 and out["peptide"].to_list()[:3] == peps
    assert out["rank"].is_between(0, 100).all()
    a2 = out.filter(pl.col("allele") == "HLA-A*02:01")["rank"].to_list()
    assert a2[0] < a2[1] < a2[2]


# --- acceptance: natural A2 epitopes rank high within their proteins -----------------------

# The numbers are for SMMPMBEC. MART-1 26-35/27-35 are known weak A2 binders (the
# reason for the ELAGIGILTV analog). Under the matrix consensus they and MART-1 32-40 (22nd of
# 438 MLANA peptides, 5.02 %) are just outside the line; adding MHCnuggets brings MART-1
# 26-35/27-35 inside and leaves MART-1 32-40 and NY-ESO-1 157-165 outside (docs/antigens.md).
OUTSIDE_TOP5 = {
    "consensus": {"AAGIGILTV", "EAAGIGILTV", "ILTVILGVL"},
    "consensus-mhcnuggets": {"ILTVILGVL", "SLLMWITQC"},
}


@pytest.mark.parametrize("backend", list(OUTSIDE_TOP5))
def test_a2_catalogue_epitopes_top_five_percent_of_their_protein(backend: str) -> None:
    if backend not in installed_backends():
        pytest.skip(f"{backend} is not installed here (mhcnuggets: pip install --no-deps)")
    cat = list_epitopes(hla="A2").filter(pl.col("kind") == "natural", pl.col("start").is_not_null())
    scan = scan_proteins(cat["gene"].unique().to_list(), ["A2"], backend=backend)
    sizes = scan.group_by("gene").len()
    ranks = (
        cat.select("gene", "peptide", "start")
        .join(scan, on=["gene", "peptide", "start"])
        .join(sizes, on="gene")
        .with_columns(pct=100 * pl.col("protein_rank") / pl.col("len"))
    )
    assert ranks.height == cat.height == 16
    outside = set(ranks.filter(pl.col("pct") > 5)["peptide"])
    assert outside == OUTSIDE_TOP5[backend]
    pct = dict(zip(ranks["peptide"], ranks["pct"], strict=True))
    if backend == "consensus":
        assert pct["AAGIGILTV"] < 10 and pct["EAAGIGILTV"] < 11 and pct["ILTVILGVL"] < 5.1
    else:  # the target: MART-1 27-35 and 26-35 in the top 5 % of MART-1
        assert pct["AAGIGILTV"] < 5 and pct["EAAGIGILTV"] < 5


def test_scan_marks_known_epitopes_and_warns_on_missing_lengths() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scan = scan_proteins(["MLANA"], ["A2", "A*31:01"], backend="smmpmbec")
    assert any("no HLA-A*31:01 matrix for lengths 8" in str(w.message) for w in caught)
    known = scan.filter(pl.col("known_epitope"))
    assert set(known["peptide"]) == {"AAGIGILTV", "EAAGIGILTV", "ILTVILGVL"}
    assert scan.filter(pl.col("allele") == "HLA-A*02:01").height == 438


def test_fasta_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.fasta"
    empty.write_text("")
    with pytest.raises(AntigenError) as exc:
        read_fasta(empty)
    assert str(exc.value) == f"{empty}: no FASTA records (empty file or no '>' header)"
    dup = tmp_path / "dup.fasta"
    dup.write_text(">P1\nMKTAYIAK\n>P1 again\nMKTAYIAK\n")
    with pytest.raises(AntigenError) as exc:
        read_fasta(dup)
    assert str(exc.value) == (
        f"{dup}, line 3: duplicate sequence name 'P1'; every sequence needs its own name"
    )
    bad = tmp_path / "bad.fasta"
    bad.write_text(">P2\nMKTAYBIAK\n")
    with pytest.raises(AntigenError) as exc:
        read_fasta(bad)
    assert str(exc.value) == (
        "sequence 'P2' has non-standard amino acid(s) B (first at position 6); "
        "only ACDEFGHIKLMNPQRSTVWY are allowed"
    )


def test_scan_of_a_user_fasta(tmp_path: Path) -> None:
    path = tmp_path / "p.fasta"
    path.write_text(">MINI\nKKKKELAGIGILTVKKKK\n")
    scan = scan_proteins(alleles=["A2"], fasta=path, lengths=[10])
    assert scan["peptide"][0] == "ELAGIGILTV" and set(scan["gene"]) == {"MINI"}


# --- mutations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hgvs", "kind", "start", "end", "ref", "alt"),
    [
        ("p.R24C", "missense", 24, 24, "R", "C"),
        ("p.Arg24Cys", "missense", 24, 24, "R", "C"),
        ("p.(S37F)", "missense", 37, 37, "S", "F"),
        ("p.K22del", "deletion", 22, 22, "K", ""),
        ("p.A27_A28insKL", "insertion", 27, 28, "AA", "KL"),
        ("p.K22_R24delinsQQ", "delins", 22, 24, "K?R", "QQ"),
    ],
)
def test_hgvs_parsing(hgvs: str, kind: str, start: int, end: int, ref: str, alt: str) -> None:
    change = parse_protein_change("CDK4", hgvs)
    assert (change.kind, change.start, change.end, change.ref, change.alt) == (
        kind,
        start,
        end,
        ref,
        alt,
    )


def test_malformed_hgvs_and_mismatch() -> None:
    with pytest.raises(AntigenError) as exc:
        parse_protein_change("CDK4", "R24")
    assert str(exc.value) == (
        "malformed HGVS protein change 'R24' for CDK4: write e.g. p.R24C, p.Arg24Cys, "
        "p.K10del, p.K10_L12del, p.A5_G6insKL, p.K10_L12delinsAG or p.R24fs (with new_sequence)"
    )
    changes = pl.DataFrame({"gene": ["CDK4"], "change": ["p.G24C"]})
    with pytest.raises(AntigenError) as exc:
        predict_neoantigens(changes, ["A2"])
    assert str(exc.value) == (
        "CDK4 p.G24C: reference residue mismatch at position 24: "
        "the change says G, the sequence has R"
    )
    with pytest.raises(AntigenError, match="needs its new sequence"):
        parse_protein_change("CDK4", "p.R24fs")


def test_known_mutant_epitopes_are_generated_and_ranked() -> None:
    changes = pl.DataFrame({"gene": ["CDK4", "CTNNB1"], "change": ["p.R24C", "p.S37F"]})
    result = predict_neoantigens(changes, ["A*02:01", "A*24:02"])
    ep = result.all_epitopes
    cdk4 = ep.filter(pl.col("mutation") == "p.R24C", pl.col("hla_allele") == "HLA-A*02:01")
    position = cdk4["mt_epitope_seq"].to_list().index("ACDPHSGHFV")
    assert position < 3  # third of 38 CDK4 R24C peptides for A2
    assert cdk4.filter(pl.col("mt_epitope_seq") == "ACDPHSGHFV")["wt_epitope_seq"].item() == (
        "ARDPHSGHFV"
    )
    agg = result.aggregated.filter(
        pl.col("hla_allele") == "HLA-A*24:02", pl.col("gene") == "CTNNB1"
    )
    assert agg.select("best_peptide", "tier").row(0) == ("SYLDSGIHF", "Pass")
    assert agg["agretopicity"].item() > 10


def test_indels_and_frameshift_peptides_span_the_change() -> None:
    changes = pl.DataFrame(
        {
            "gene": ["CDK4", "MLANA"],
            "change": ["p.K22del", "p.E26fs"],
            "new_sequence": [None, "KLMNPQRSTVWY"],
        }
    )
    result = predict_neoantigens(changes, ["A2"], lengths=[9])
    dels = result.all_epitopes.filter(pl.col("mutation") == "p.K22del")
    assert all("YA" in p for p in dels["mt_epitope_seq"])  # ...TVY|ARD... junction
    fs = result.all_epitopes.filter(pl.col("mutation") == "p.E26fs")
    assert "AEKLMNPQR" in fs["mt_epitope_seq"].to_list()


# --- minigenes -----------------------------------------------------------------------------


def test_minigenes_are_25mers_centred_and_clipped() -> None:
    changes = pl.DataFrame({"gene": ["CDK4", "TYR"], "change": ["p.R24C", "p.L3F"]})
    mg = design_minigenes(changes)
    first = mg.row(0, named=True)
    assert first["length"] == 25 and first["minigene"][12] == "C"
    second = mg.row(1, named=True)
    assert second["minigene"] == "MLFAVLYCLLWSFQT" and second["mutant_offset"] == 3
    pools = long_peptides(pl.concat([changes] * 6), pool_size=5)
    assert pools["pool"].max() == 3


def test_constructs_reorder_to_avoid_junction_binders() -> None:
    # a minigene ending ...EL and one starting AGIGILTV... create ELAGIGILTV at a junction
    mg = pl.DataFrame(
        {
            "gene": ["X", "Y", "Z"],
            "mutation": ["a", "b", "c"],
            "minigene": ["KKKKKKKKKKKEL", "AGIGILTVKKKKK", "DDDDDDDDDDDDD"],
        }
    )
    # the matrix consensus calls ELAGIGILTV strong (rank <= 0.5 %); the test is of the reordering
    design = design_constructs(mg, ["A2"], per_construct=3, backend="consensus")
    assert design.strong_before > 0 and design.strong_after == 0
    assert design.fasta.count(">construct_") == 1


# --- CLI -----------------------------------------------------------------------------------


def test_cli_scan_and_errors(tmp_path: Path) -> None:
    result = run("antigens", "scan", "--gene", "MLANA", "--hla", "A2", "--out", tmp_path / "s.csv")
    assert result.returncode == 0, result.stderr
    assert pl.read_csv(tmp_path / "s.csv").height == 438
    # an existing file is never replaced, an earlier scan's included
    again = run("antigens", "scan", "--gene", "MLANA", "--hla", "A3", "--out", tmp_path / "s.csv")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert "exists (a file); remission does not replace" in " ".join(again.stderr.split())
    assert pl.read_csv(tmp_path / "s.csv")["allele"].unique().to_list() == ["HLA-A*02:01"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]  # no temporary left
    result = run("antigens", "scan", "--gene", "MLANA", "--hla", "A*99:99")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "unknown HLA allele 'A*99:99'" in " ".join(result.stderr.split())
    bad = tmp_path / "m.csv"
    bad.write_text("gene,change\nCDK4,p.G24C\n")
    result = run("antigens", "neo", bad)
    assert result.returncode == 2 and "reference residue mismatch" in result.stderr


def test_cli_neo_and_minigenes_write_outputs(tmp_path: Path) -> None:
    muts = tmp_path / "m.csv"
    muts.write_text("gene,change\nCDK4,p.R24C\nCTNNB1,p.S37F\n")
    result = run("antigens", "neo", muts, "--hla", "A24", "--out", tmp_path / "neo")
    assert result.returncode == 0, result.stderr
    agg = pl.read_csv(tmp_path / "neo" / "aggregated.tsv", separator="\t")
    assert "SYLDSGIHF" in agg["best_peptide"].to_list()
    result = run("antigens", "minigenes", muts, "--out", tmp_path / "mg")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mg" / "constructs.fasta").read_text().startswith(">construct_1")
    result = run("antigens", "list", "--gene", "PMEL")
    assert result.returncode == 0 and "KTWGQYWQV" in result.stdout


def test_default_backend_is_the_best_installed_consensus() -> None:
    assert DEFAULT_BACKENDS == ("consensus-mhcnuggets", "consensus")
    expected = "consensus-mhcnuggets" if "mhcnuggets" in installed_backends() else "consensus"
    assert default_backend() == expected
    assert predict_binding(["AAGIGILTV"], ["A2"])["backend"].item() == expected
