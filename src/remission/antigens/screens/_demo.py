"""A SYNTHETIC recognition screen for the demo: MART-1 by cDNA-pool deconvolution, gp100."""

from __future__ import annotations

import numpy as np
import polars as pl

from remission.antigens.screens._format import ScreenTables, check_screen

EFFECTOR = "TIL-CR01"
_ROWS = "ABCDEFGH"

#: Peptides of the demo: member name -> (sequence, gene, analog_of).
DEMO_PEPTIDES: dict[str, tuple[str, str, str | None]] = {
    "MART-1_24-33": ("AEEAAGIGIL", "MART-1", None),
    "MART-1_26-35": ("EAAGIGILTV", "MART-1", None),
    "MART-1_27-35": ("AAGIGILTV", "MART-1", None),
    "MART-1_31-39": ("GILTVILGV", "MART-1", None),
    "MART-1_32-40": ("ILTVILGVL", "MART-1", None),
    "gp100_209-217": ("ITDQVPFSV", "gp100", None),
    "gp100_209-217_2M": ("IMDQVPFSV", "gp100", "gp100_209-217"),
}
_CLONE_GENES = ["RPL13A", "EEF1A1", "VIM", "MART-1", "ACTB", "GAPDH"]


def _layout() -> pl.DataFrame:
    rows: list[tuple[str, str, str, str | None, str | None, str | None]] = []
    for i in range(1, 13):
        lib = f"L{i:02d}"
        rows += [(lib, f"{lib}-S{j}", "pool", None, None, None) for j in range(1, 5)]
    rows += [
        ("L07-S3", f"L07-S3-c{k}", "clone", gene, None, None)
        for k, gene in enumerate(_CLONE_GENES, 1)
    ]
    for name, (seq, gene, analog) in DEMO_PEPTIDES.items():
        pool = "MART-1 peptides" if gene == "MART-1" else "gp100 peptides"
        rows.append((pool, name, "peptide", gene, seq, analog))
    cols = ["pool", "member", "member_type", "gene", "sequence", "analog_of"]
    return pl.DataFrame(rows, schema=dict.fromkeys(cols, pl.String), orient="row")


def _demo_raw(seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The demo's plate and layout tables as text, as they would be written to CSV."""
    rng = np.random.default_rng(seed)
    records: list[dict] = []

    def plate(name: str, readout: str, wells: list[dict]) -> None:
        for i, w in enumerate(wells):
            records.append(
                {
                    "plate": name,
                    "well": f"{_ROWS[i // 12]}{i % 12 + 1}",
                    "readout": readout,
                    "effector": EFFECTOR,
                    "antigen": None,
                    "concentration_nm": None,
                    "e_t_ratio": None,
                }
                | w
            )

    def elisa(mean: float, n: int = 2, cv: float = 0.1) -> np.ndarray:
        return np.maximum(0.0, rng.normal(mean, cv * mean, n)).round(0)

    def screen(name: str, target: str, antigens: dict[str, float], bg: float, conc=None):
        wells = [
            {"target": target, "role": "background", "replicate": r + 1, "value": v}
            for r, v in enumerate(elisa(bg))
        ]
        for antigen, mean in antigens.items():
            wells += [
                {
                    "target": target,
                    "antigen": antigen,
                    "role": "test",
                    "replicate": r + 1,
                    "value": v,
                    "concentration_nm": conc,
                }
                for r, v in enumerate(elisa(mean))
            ]
        plate(name, "ifng_pg_ml", wells)

    cos = "COS-7+HLA-A*02:01"
    library = {f"L{i:02d}": float(rng.uniform(40, 110)) for i in range(1, 13)}
    library["L07"] = 950.0
    screen("cDNA-library", cos, library, 60.0)
    subpools = {f"L07-S{j}": float(rng.uniform(40, 110)) for j in range(1, 5)}
    subpools["L07-S3"] = 1250.0
    screen("cDNA-subpools", cos, subpools, 60.0)
    clones = {f"L07-S3-c{k}": float(rng.uniform(40, 110)) for k in range(1, 7)}
    clones["L07-S3-c4"] = 1800.0
    screen("cDNA-clones", cos, clones, 60.0)
    peptides = {name: 70.0 for name, v in DEMO_PEPTIDES.items() if v[1] == "MART-1"}
    peptides["MART-1_27-35"] = 2600.0
    peptides["MART-1_26-35"] = 1700.0
    screen("MART-1-peptides", "T2", peptides, 70.0, conc=1000.0)

    spots = [
        {"target": "T2", "role": "background", "replicate": r + 1, "value": v}
        for r, v in enumerate(rng.poisson(6, 4))
    ]
    for antigen, lam in (("MART-1_27-35", 160), ("MART-1_32-40", 7)):
        spots += [
            {
                "target": "T2",
                "antigen": antigen,
                "role": "test",
                "replicate": r + 1,
                "value": v,
                "concentration_nm": 1000.0,
            }
            for r, v in enumerate(rng.poisson(lam, 4))
        ]
    plate("MART-1-elispot", "spots_per_well", spots)

    flow = [
        {"target": "T2", "role": "background", "replicate": r + 1, "value": round(v, 2)}
        for r, v in enumerate(rng.normal(0.4, 0.05, 2))
    ] + [
        {
            "target": "T2",
            "antigen": "MART-1_27-35",
            "role": "test",
            "replicate": r + 1,
            "value": round(v, 2),
            "concentration_nm": 1000.0,
        }
        for r, v in enumerate(rng.normal(14.0, 1.0, 2))
    ]
    plate("MART-1-4-1BB", "pct_41bb_of_cd8", flow)

    concs = 10.0 ** np.arange(-3, 4)
    titration = [
        {"target": "T2", "role": "background", "replicate": r + 1, "value": v}
        for r, v in enumerate(elisa(80.0, 3))
    ]
    for antigen, lec50 in (("gp100_209-217", 1.5), ("gp100_209-217_2M", 0.0)):
        for c in concs:
            mean = 80 + 2420 / (1 + 10 ** ((lec50 - np.log10(c)) * 1.0))
            titration += [
                {
                    "target": "T2",
                    "antigen": antigen,
                    "role": "test",
                    "replicate": r + 1,
                    "value": v,
                    "concentration_nm": float(c),
                }
                for r, v in enumerate(elisa(mean, 3, 0.08))
            ]
    plate("gp100-titration", "ifng_pg_ml", titration)

    chromium: list[dict] = []
    for target, plateau, rate in (("624mel", 72.0, 0.09), ("888mel", 4.0, 0.05)):
        spont, maxi = 420.0, 4100.0
        chromium += [
            {
                "target": target,
                "role": "spontaneous",
                "replicate": r + 1,
                "value": v,
                "effector": None,
            }
            for r, v in enumerate(rng.normal(spont, 20, 3).round(0))
        ]
        chromium += [
            {"target": target, "role": "maximum", "replicate": r + 1, "value": v, "effector": None}
            for r, v in enumerate(rng.normal(maxi, 120, 3).round(0))
        ]
        for et in (40.0, 20.0, 10.0, 5.0, 2.5):
            lysis = plateau * (1 - np.exp(-rate * et)) + rng.normal(0, 2.0, 3)
            counts = np.maximum(0, spont + lysis / 100 * (maxi - spont)).round(0)
            chromium += [
                {"target": target, "role": "test", "replicate": r + 1, "value": v, "e_t_ratio": et}
                for r, v in enumerate(counts)
            ]
    plate("Cr51-release", "cr51_counts", chromium)

    plates = pl.DataFrame(records, infer_schema_length=None)
    order = [
        "plate",
        "well",
        "effector",
        "target",
        "antigen",
        "concentration_nm",
        "e_t_ratio",
        "role",
        "replicate",
        "readout",
        "value",
    ]
    plates = plates.select(order).with_columns(pl.all().cast(pl.String))
    return plates, _layout()


def demo_screen(seed: int = 0) -> ScreenTables:
    """Build the SYNTHETIC demo screen of a complete responder's TIL (made-up numbers).

    The story, plate by plate: TIL-CR01 recognise library pool L07 of a melanoma cDNA
    library (COS-7 cells transfected with HLA-A*02:01 and each pool; IFN-gamma ELISA), then
    its sub-pool L07-S3, then clone L07-S3-c4 (MART-1); minimal epitope mapping with
    MART-1 peptides on T2 cells finds 27-35 AAGIGILTV (and 26-35), confirmed by ELISPOT and
    4-1BB; the gp100 209-217 analog IMDQVPFSV titrates about 30-fold left of the natural
    ITDQVPFSV; and the TIL lyse the HLA-A2+ MART-1+ line 624mel but not the HLA-A2- 888mel
    in a 4-hour 51Cr-release assay at E:T 40 to 2.5. Synthetic data, labelled as such.

    Parameters
    ----------
    seed : int
        Seed of the random noise.

    Returns
    -------
    ScreenTables
        Validated plate and layout tables, ``synthetic=True``.

    Examples
    --------
    >>> tables = demo_screen()
    >>> sorted(tables.plates["readout"].unique().to_list())
    ['cr51_counts', 'ifng_pg_ml', 'pct_41bb_of_cd8', 'spots_per_well']
    """
    plates, layout = _demo_raw(seed)
    tables = check_screen(plates, layout)
    return ScreenTables(
        tables.plates,
        tables.layout,
        name="SYNTHETIC demo screen: TIL-CR01 (complete responder)",
        synthetic=True,
    )
