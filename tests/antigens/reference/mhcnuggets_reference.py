"""Reference IC50s from MHCnuggets' own predict (TensorFlow), for tests/antigens/test_backends.py.

Not run by the tests: it needs TensorFlow, which remission does not install. The combination
that runs mhcnuggets 2.4.1 on Python 3.11 with numpy 2 (measured 2026-12-06):

    python3 -m venv /tmp/nuggets && /tmp/nuggets/bin/pip install mhcnuggets==2.4.1 \
        tensorflow==2.21.0 tf-keras==2.21.0
    /tmp/nuggets/bin/pip uninstall -y keras   # else predict() takes Keras 3's Adam: 'lr' refused
    TF_USE_LEGACY_KERAS=1 /tmp/nuggets/bin/python tests/antigens/reference/mhcnuggets_reference.py

It prints ``allele peptide ic50`` lines; the test holds them as numbers.
"""

import os
import sys
import tempfile
from pathlib import Path

PEPTIDES = [
    "AAGIGILTV",
    "EAAGIGILTV",
    "ELAGIGILTV",
    "KTWGQYWQV",
    "GILGFVFTL",
    "SIINFEKL",
    "YLEPGPVTA",
    "KVAELVHFL",
    "SLLMWITQC",
    "NLVPMVATV",
    "RPHERNGFTVL",
    "TPRVTGGGAM",
    "KKKKKKKKK",
    "LLFGYPVYV",
    "MLLAVLYCLLW",
    "AAAWGILTVILGVLL",
]
ALLELES = ["HLA-A02:01", "HLA-B07:02", "HLA-A24:02", "HLA-C07:02"]


def main() -> None:
    """Print MHCnuggets' own IC50 for every allele and peptide above."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # before TensorFlow is imported
    from mhcnuggets.src.predict import predict

    with tempfile.TemporaryDirectory() as tmp:
        peptides = Path(tmp) / "peptides.txt"
        peptides.write_text("\n".join(PEPTIDES) + "\n")
        for allele in ALLELES:
            out = Path(tmp) / f"{allele}.csv"
            predict(
                class_="I",
                peptides_path=str(peptides),
                mhc=allele,
                output=str(out),
                ba_models=True,  # the binding-affinity models remission uses
            )
            for line in out.read_text().splitlines()[1:]:
                peptide, ic50 = line.split(",")
                print(allele, peptide, ic50, file=sys.stderr)


if __name__ == "__main__":
    main()
