"""How the shipped epitope catalogue was checked, row by row (kept so the check can be re-run).

``python -m remission.antigens._curate /work/shared/antigens`` re-reads the hand-written
catalogue and FASTA and rewrites ``data/epitope_catalogue.tsv``. Every row is checked against
the sequence mechanically (the peptide at its stated position; analogs, PTM forms and mutants
one residue from their native or wild-type peptide at that position); the HLA restriction and
first report were reviewed by hand against the literature and are recorded in ``REVIEW``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from remission.antigens._sequences import parse_fasta

UNVERIFIED_PROTEINS = {"DCT": "DCT sequence is an unverified copy (lacks SLDDYNHLV)"}

# Reviewer's check of HLA restriction and first report (from the literature, not a database).
REVIEW: dict[str, str] = {
    "AAGIGILTV": "A2 restriction and Kawakami 1994 (J Exp Med) agree with the literature",
    "EAAGIGILTV": "A2; 26-35 decamer described by Romero et al. (J Immunol 1997/1998)",
    "ELAGIGILTV": "A2; A27L analog, Valmori 1998 (J Immunol)",
    "ILTVILGVL": "A2; Castelli 1995 (J Exp Med, mass spectrometry)",
    "KTWGQYWQV": "A2; Kawakami 1995 (J Immunol)",
    "AMLGTHTMEV": "A2; Kawakami 1995 (J Immunol)",
    "ITDQVPFSV": "A2; Kawakami 1995 (J Immunol)",
    "IMDQVPFSV": "A2; 209-2M analog, Parkhurst 1996 (J Immunol)",
    "YLEPGPVTA": "A2; Cox 1994 (Science)",
    "YLEPGPVTV": "A2; 280-9V analog, Parkhurst 1996 (J Immunol)",
    "LLDGTATLRL": (
        "A2; Kawakami 1995 (J Immunol); an earlier report is possible: Kawakami 1994 (PNAS, "
        "PMID 8022805) describes a gp100 10-mer recognised by TIL1200 without printing it"
    ),
    "VLYRYGSFSV": "A2; Kawakami 1995 (J Immunol)",
    "ALLAVGATK": "A3; Skipper 1996 (Int J Cancer)",
    "MLLAVLYCL": "A2; Wolfel 1994 (Eur J Immunol)",
    "YMNGTMSQV": "A2; Wolfel 1994; genomic form of 369-377",
    "YMDGTMSQV": "A2; Skipper 1996 (J Exp Med): deamidated form presented by melanoma",
    "AFLPWHRLF": "A24; Kang 1995 (J Immunol)",
    "KCDICTDEY": "A1; Kittlesen 1998 (J Immunol)",
    "SSDYVIPIGTY": "A1; Kawakami 1998 (J Immunol); added from DOMAIN.md section 5",
    "SEIWRDIDF": "B44; Brichard 1996 (Eur J Immunol)",
    "MSLQRQFLR": "A31; Wang 1996 (J Exp Med), alternative ORF of TYRP1",
    "SVYDFFVWL": "A2; Parkhurst 1998 (Cancer Res 58:4895-4901)",
    "TLDSQVMSL": "A2; Noppen 2000 (Int J Cancer)",
    "LLPGGRPYR": (
        "A31 (and A33); Wang 1996 (J Exp Med, 1 Dec 1996), whose abstract prints LLPGGRPYR, "
        "as DOMAIN.md does; the source catalogue's LLGPGRPYR (Wang 1998) matches only the "
        "unverified DCT copy, which is wrong elsewhere too (SLDDYNHLV), so the copy is "
        "doubted, not the paper"
    ),
    "SLDDYNHLV": "A2; Sun 2000 (Int J Cancer)",
    "ACDPHSGHFV": "A2; Wolfel 1995 (Science), CDK4 R24C",
    "SYLDSGIHF": "A24; Robbins 1996 (J Exp Med), beta-catenin S37F",
    "EEKLIVVLF": "B44 (B*44:02); Coulie 1995 (PNAS), MUM-1",
    "EADPTGHSY": "A1; Traversari 1992 (J Exp Med), MAGE-A1",
    "EVDPIGHLY": "A1; Gaugler 1994 (J Exp Med), MAGE-A3",
    "FLWGPRALV": "A2; van der Bruggen 1994 (Eur J Immunol)",
    "KVAELVHFL": "A2; Kawashima 1998 (Hum Immunol)",
    "IMPKAGLLI": "A24; Tanaka 1997 (Cancer Res)",
    "SLLMWITQC": "A2; Jager 1998 (J Exp Med), NY-ESO-1",
    "SLLMWITQV": "A2; C165V analog, Chen 2000 (J Immunol)",
    "ASGPGGGAPR": "A31; Wang 1998 (J Immunol), NY-ESO-1",
    "MPFATPMEA": (
        "B35; Jager 2000 (PNAS), DOUBTED: a record of the same group gives NY-ESO-1 94-102 "
        "as HLA-B51-restricted, and neither 2000 PNAS paper of the group found (PMIDs "
        "10781081, 11027314) is about this epitope; check restriction and report"
    ),
}

CORRECTIONS: dict[str, dict[str, str]] = {
    "LLGPGRPYR": {"peptide": "LLPGGRPYR", "first_report": "Wang 1996"},
}
"""Rows of the source catalogue corrected from the first report's own text (see REVIEW)."""

PMIDS: dict[str, tuple[str, str]] = {
    "SEIWRDIDF": ("8566071", "Brichard VG et al. Eur J Immunol 1996;26:224-30"),
    "ACDPHSGHFV": ("7652577", "Wolfel T et al. Science 1995, doi 10.1126/science.7652577"),
    "SYLDSGIHF": ("8642260", "Robbins PF et al. J Exp Med 1996 (IEDB/CEDAR export)"),
    "FLWGPRALV": ("7805731", "van der Bruggen P et al. Eur J Immunol 1994;24:3038-43"),
    "MSLQRQFLR": ("8642255", "Wang RF et al. J Exp Med 1996;183:1131-40"),
    "KTWGQYWQV": ("7706734", "Kawakami Y et al. J Immunol 1995;154:3961-8"),
    "AMLGTHTMEV": ("7706734", "Kawakami Y et al. J Immunol 1995;154:3961-8"),
    "ITDQVPFSV": ("7706734", "Kawakami Y et al. J Immunol 1995;154:3961-8"),
    "LLDGTATLRL": ("7706734", "Kawakami Y et al. J Immunol 1995;154:3961-8"),
    "VLYRYGSFSV": ("7706734", "Kawakami Y et al. J Immunol 1995;154:3961-8"),
}
"""PMIDs of first reports, each checked against stored text pairing the PMID with the paper's
title, journal and year (PubMed pages and their mirrors, an IEDB/CEDAR export; the record of
7706734 was matched by its abstract, identical to the J Immunol paper's). The other rows keep
an empty PMID: no stored text tied one to the paper, and a PMID is not guessed."""

EXTRA_ROWS = [
    {
        "gene": "TYR",
        "antigen": "tyrosinase",
        "category": "differentiation",
        "peptide": "SSDYVIPIGTY",
        "length": "11",
        "hla": "HLA-A*01:01",
        "kind": "natural",
        "start_in_antigens_fasta": "146",
        "end": "156",
        "wildtype_peptide": "",
        "note": "146-156",
        "first_report": "Kawakami 1998",
    }
]

COLUMNS = [
    "gene", "antigen", "category", "peptide", "length", "hla", "kind", "start", "end",
    "wildtype_peptide", "note", "first_report", "pmid", "verified", "check_note",
]  # fmt: skip


def _kind(text: str) -> str:
    low = text.lower()
    for kind in ("natural", "analog", "mutant", "PTM", "alternative ORF"):
        if low.startswith(kind.lower()):
            return kind
    raise ValueError(f"unknown kind {text!r}")


def _hamming(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True)) if len(a) == len(b) else 99


def _occurrences(seq: str, pep: str) -> list[int]:
    return [i + 1 for i in range(len(seq) - len(pep) + 1) if seq.startswith(pep, i)]


def curate_rows(rows: list[dict[str, str]], proteins: dict[str, str]) -> pl.DataFrame:
    """Check every catalogue row against the sequences; return the shipped table."""
    rows = [r | CORRECTIONS.get(r["peptide"], {}) for r in rows]
    natives = [r for r in rows if _kind(r["kind"]) == "natural"]
    out = []
    for r in rows:
        pep, gene, kind = r["peptide"], r["gene"], _kind(r["kind"])
        seq = proteins.get(gene)
        start = int(r["start_in_antigens_fasta"]) if r["start_in_antigens_fasta"] else None
        wt = r["wildtype_peptide"]
        checks: list[str] = []
        ok = len(pep) == int(r["length"])
        if not ok:
            checks.append(f"length column {r['length']} != {len(pep)}")
        if seq is None:
            ok = False
            checks.append(f"{gene} protein not shipped; sequence position unchecked")
        elif kind == "natural":
            found = _occurrences(seq, pep)
            if start is None:
                ok = False
                where = f"at {found}" if found else "nowhere"
                checks.append(f"no position given; peptide occurs {where} in the shipped copy")
            elif start in found:
                checks.append(f"peptide found at {start}-{start + len(pep) - 1}")
            else:
                ok = False
                checks.append(f"peptide NOT at {start} (occurs at {found or 'none'})")
        elif kind == "mutant":
            found = _occurrences(seq, wt) if wt else []
            if start in found and _hamming(wt, pep) == 1:
                i = next(i for i, (a, b) in enumerate(zip(wt, pep, strict=True)) if a != b)
                checks.append(
                    f"wild type {wt} found at {start}; one change {wt[i]}{start + i}{pep[i]}"
                )
            else:
                ok = False
                checks.append("wild-type peptide not found at the stated position")
        else:  # analog, PTM: one residue from a natural epitope of the same gene
            parents = [n for n in natives if n["gene"] == gene and _hamming(n["peptide"], pep) == 1]
            if parents and kind != "alternative ORF":
                parent = parents[0]
                wt = parent["peptide"]
                start = int(parent["start_in_antigens_fasta"])
                i = next(i for i, (a, b) in enumerate(zip(wt, pep, strict=True)) if a != b)
                checks.append(
                    f"{kind} of {wt} ({start}-{start + len(pep) - 1}): {wt[i]}{start + i}{pep[i]}, "
                    "not in the protein by design"
                )
            else:
                ok = kind == "alternative ORF"
                checks.append(
                    "not in the canonical protein by design (alternative reading frame)"
                    if ok
                    else "no native epitope one residue away"
                )
        if gene in UNVERIFIED_PROTEINS:
            ok = False
            checks.append(UNVERIFIED_PROTEINS[gene])
        review = REVIEW.get(pep)
        if review is None:
            ok = False
            checks.append("HLA and first report not reviewed")
        else:
            checks.append(f"reviewed: {review}")
        pmid = PMIDS.get(pep)
        if pmid is not None:
            checks.append(f"PMID {pmid[0]} checked: {pmid[1]}")
        out.append(
            {
                "gene": gene,
                "antigen": r["antigen"],
                "category": r["category"],
                "peptide": pep,
                "length": len(pep),
                "hla": r["hla"],
                "kind": kind,
                "start": start,
                "end": None if start is None else start + len(pep) - 1,
                "wildtype_peptide": wt or None,
                "note": r["note"],
                "first_report": r["first_report"],
                "pmid": None if pmid is None else pmid[0],
                "verified": ok,
                "check_note": "; ".join(checks),
            }
        )
    schema = {"length": pl.Int32, "start": pl.Int32, "end": pl.Int32, "pmid": pl.String}
    return pl.DataFrame(out, schema_overrides=schema).select(COLUMNS)


def curate(source: Path) -> pl.DataFrame:
    """Read ``epitope_catalogue.tsv`` and ``antigens.fasta`` from ``source`` and check them."""
    proteins = parse_fasta((source / "antigens.fasta").read_text())
    rows = pl.read_csv(
        source / "epitope_catalogue.tsv", separator="\t", infer_schema=False
    ).fill_null("")
    return curate_rows(rows.to_dicts() + EXTRA_ROWS, proteins)


if __name__ == "__main__":  # pragma: no cover
    table = curate(Path(sys.argv[1]))
    target = Path(__file__).parent / "data" / "epitope_catalogue.tsv"
    table.write_csv(target, separator="\t")
    print(f"{table.height} rows, {table['verified'].sum()} verified -> {target}")
