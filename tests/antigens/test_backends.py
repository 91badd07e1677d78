"""The optional binding backends: MHCnuggets (offline weights) and the user's NetMHCpan."""

from __future__ import annotations

import math
import shutil

import polars as pl
import pytest

from remission.antigens import (
    AntigenError,
    installed_backends,
    parse_netmhcpan_output,
    predict_binding,
)
from remission.antigens._nuggets import MhcnuggetsBackend
from tests.antigens.reference.mhcnuggets_reference import ALLELES, PEPTIDES
from tests.cli.test_cli import run

HAS_NUGGETS = "mhcnuggets" in installed_backends()
needs_nuggets = pytest.mark.skipif(
    not HAS_NUGGETS,
    reason="mhcnuggets is not installed (make test installs it: "
    "pip install h5py && pip install --no-deps mhcnuggets==2.4.1)",
)
HAS_NETMHCPAN = shutil.which("netMHCpan") is not None
needs_netmhcpan = pytest.mark.skipif(
    not HAS_NETMHCPAN,
    reason="netMHCpan is not on PATH (NetMHCpan 4.1 is licensed: it cannot be installed here)",
)

# MHCnuggets 2.4.1's own predict(..., ba_models=True) under TensorFlow 2.21 + tf-keras 2.21
# (tests/antigens/reference/mhcnuggets_reference.py prints these; rounded to 0.01 nM there)
REFERENCE_IC50 = {
    "HLA-A*02:01": [711.94, 914.07, 143.28, 9.98, 83.77, 3258.35, 169.04, 63.12, 1121.8, 191.59,
                    26236.02, 37535.92, 26475.99, 38.12, 6149.54, 11817.48],
    "HLA-B*07:02": [22005.16, 18126.9, 25914.18, 35821.8, 26190.8, 27916.06, 26900.62, 10020.18,
                    23868.23, 29873.53, 58.01, 24.77, 35272.76, 34462.28, 26889.88, 16352.3],
    "HLA-A*24:02": [21980.08, 13544.77, 10900.1, 1916.55, 4227.91, 5729.7, 21693.5, 3544.05,
                    14065.98, 19774.79, 11463.47, 24876.07, 9463.62, 20546.29, 2845.58, 8777.45],
    "HLA-C*07:02": [7990.97, 5948.47, 4652.14, 3554.82, 3229.76, 228.27, 2665.09, 4220.19,
                    2197.57, 5255.0, 20.96, 1099.48, 555.62, 1487.4, 4214.92, 6134.84],
}  # fmt: skip


# --- MHCnuggets ----------------------------------------------------------------------------


def test_reference_script_covers_the_alleles_held_here() -> None:
    assert [a.replace("*", "") for a in REFERENCE_IC50] == ALLELES
    assert all(len(v) == len(PEPTIDES) for v in REFERENCE_IC50.values())


@needs_nuggets
@pytest.mark.parametrize("allele", list(REFERENCE_IC50))
def test_mhcnuggets_equals_its_own_tensorflow_predict(allele: str) -> None:
    out = predict_binding(PEPTIDES, [allele], backend="mhcnuggets")
    # 0.01 nM rounding in the reference; float32 arithmetic in both
    assert out["ic50_nm"].to_list() == pytest.approx(REFERENCE_IC50[allele], rel=2e-4, abs=0.006)
    assert out["length"].to_list() == [len(p) for p in PEPTIDES]  # 8- to 15-mers


@needs_nuggets
def test_mhcnuggets_alleles_are_its_own_human_models() -> None:
    alleles = MhcnuggetsBackend().alleles()
    assert len(alleles) == 103 and "HLA-A*02:01" in alleles and "HLA-E*01:03" in alleles
    assert all(a.startswith(("HLA-A*", "HLA-B*", "HLA-C*", "HLA-E*")) for a in alleles)
    with pytest.raises(AntigenError, match="no installed binding backend has it"):
        predict_binding(["AAGIGILTV"], ["A*02:04"], backend="mhcnuggets")


@needs_nuggets
def test_mhcnuggets_blocks_give_the_same_as_one_call() -> None:
    # the forward pass runs in blocks of 32,768 peptides; the block edge must not matter
    peptides = ["KTWGQYWQV", "AAGIGILTV"] * 20_000
    out = predict_binding(peptides, ["A2"], backend="mhcnuggets")["ic50_nm"].to_numpy()
    # float32 matrix products may round differently with the block's row count: 1e-6 apart
    assert out[0::2] == pytest.approx([9.98] * 20_000, abs=0.006)
    assert out[1::2] == pytest.approx([711.94] * 20_000, abs=0.006)


@pytest.mark.skipif(HAS_NUGGETS, reason="mhcnuggets is installed here")
def test_mhcnuggets_absent_is_a_clear_error() -> None:
    with pytest.raises(AntigenError) as exc:
        predict_binding(["AAGIGILTV"], ["A2"], backend="mhcnuggets")
    assert str(exc.value).startswith(
        "backend 'mhcnuggets' is not available: the mhcnuggets package is not installed "
        "(pip install 'remission[mhcnuggets]'"
    )


# --- NetMHCpan -----------------------------------------------------------------------------

# Written by hand from NetMHCpan 4.1's documented output format (the DTU Health Tech output
# page and its readme): the header line's columns, `<= SB`/`<= WB` marks, the per-allele
# summary. The numbers are illustrative, NOT from a NetMHCpan run (none is possible here).
NETMHCPAN_41_BA = """\
# NetMHCpan version 4.1b

# Tmpdir made /tmp/netMHCpanXXXXXX
# Input is in PEPTIDE format

# Make both EL and BA predictions

HLA-A02:01 : Distance to training data  0.000 (using nearest neighbor HLA-A02:01)

# Rank Threshold for Strong binding peptides   0.500
# Rank Threshold for Weak binding peptides   2.000
---------------------------------------------------------------------------------------------------------------------------
 Pos         MHC        Peptide      Core Of Gp Gl Ip Il        Icore        Identity  Score_EL %Rank_EL Score_BA %Rank_BA  Aff(nM) BindLevel
---------------------------------------------------------------------------------------------------------------------------
   1 HLA-A*02:01      AAGIGILTV AAGIGILTV  0  0  0  0  0    AAGIGILTV         PEPLIST 0.1023640    2.461 0.321765    4.106  1657.56
   1 HLA-A*02:01     ELAGIGILTV ELAGIILTV  0  5  1  0  0   ELAGIGILTV         PEPLIST 0.6514180    0.395 0.608311    0.702    69.26 <= SB
   1 HLA-A*02:01       SIINFEKL SII-NFEKL  0  0  0  3  1     SIINFEKL         PEPLIST 0.0100620    6.723 0.110414   20.171 15140.42
   1 HLA-A*02:01      KTWGQYWQV KTWGQYWQV  0  0  0  0  0    KTWGQYWQV         PEPLIST 0.5380310    0.650 0.612043    0.680    66.49 <= WB
---------------------------------------------------------------------------------------------------------------------------

Protein PEPLIST. Allele HLA-A*02:01. Number of high binders 1. Number of weak binders 1. Number of peptides 4

-----------------------------------------------------------------------------------
"""  # noqa: E501


def test_netmhcpan_output_is_read_by_its_header() -> None:
    table = parse_netmhcpan_output(NETMHCPAN_41_BA)
    assert table["peptide"].to_list() == ["AAGIGILTV", "ELAGIGILTV", "SIINFEKL", "KTWGQYWQV"]
    assert set(table["allele"]) == {"HLA-A*02:01"}
    assert table["ic50_nm"].to_list() == [1657.56, 69.26, 15140.42, 66.49]
    assert table["rank_el"].to_list() == [2.461, 0.395, 6.723, 0.650]
    assert table.row(2, named=True)["score_ba"] == pytest.approx(0.110414)


def test_netmhcpan_output_without_ba_has_no_affinity() -> None:
    el_only = "\n".join(
        " ".join(line.split()[:13]) if line.split() and line.split()[0] in {"Pos", "1"} else line
        for line in NETMHCPAN_41_BA.splitlines()
    )
    table = parse_netmhcpan_output(el_only)
    assert table.height == 4 and all(math.isnan(v) for v in table["ic50_nm"])
    assert table["score_el"].to_list()[1] == pytest.approx(0.651418)


def test_netmhcpan_error_text_is_not_output() -> None:
    with pytest.raises(AntigenError, match="not NetMHCpan output"):
        parse_netmhcpan_output("ERROR: Could not find allele HLA-A99:99\n")


@pytest.mark.skipif(HAS_NETMHCPAN, reason="netMHCpan is on PATH here")
def test_netmhcpan_absent_is_a_clear_error_in_python_and_on_the_command_line() -> None:
    with pytest.raises(AntigenError) as exc:
        predict_binding(["AAGIGILTV"], ["A2"], backend="netmhcpan")
    assert str(exc.value).startswith(
        "backend 'netmhcpan' is not available: netMHCpan is not on PATH; NetMHCpan 4.1 is "
        "licensed software"
    )
    assert "netmhcpan" not in installed_backends()
    result = run("antigens", "scan", "--gene", "MLANA", "--hla", "A2", "--backend", "netmhcpan")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "netMHCpan is not on PATH" in " ".join(result.stderr.split())


@needs_netmhcpan
def test_netmhcpan_runs_when_installed() -> None:
    out = predict_binding(["ELAGIGILTV", "SIINFEKL"], ["A2"], backend="netmhcpan")
    assert out.filter(pl.col("peptide") == "ELAGIGILTV")["ic50_nm"].item() < 500
    assert out["rank"].is_between(0, 100).all()
