"""Pool designs for peptide screens: which peptide goes in which pool, which pool in which
well, and the pipetting list; and simulated readings of a design, to try it before the lab."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from remission.antigens.screens._pools import PoolDecoding, decode_pools, design_matrix_pools

#: Plate formats: wells -> (rows, columns).
PLATE_FORMATS: dict[int, tuple[int, int]] = {96: (8, 12), 384: (16, 24)}
DESIGNS = ("matrix", "hierarchical")
_AMINO = re.compile(r"^[ACDEFGHIKLMNPQRSTVWY]+$")
_MAP_COLUMNS = (
    "plate", "well", "effector", "target", "antigen", "role", "replicate", "readout", "value"
)  # fmt: skip


def plate_wells(plate: int) -> list[str]:
    """The wells of a plate in filling order: row by row (A1, A2, ..., A12, B1, ...).

    Parameters
    ----------
    plate : int
        96 or 384.

    Returns
    -------
    list of str
        Well names.

    Examples
    --------
    >>> wells = plate_wells(96)
    >>> len(wells), wells[:2], wells[-1], plate_wells(384)[-1]
    (96, ['A1', 'A2'], 'H12', 'P24')
    """
    if plate not in PLATE_FORMATS:
        raise ValueError(f"a plate has 96 or 384 wells, not {plate}")
    rows, cols = PLATE_FORMATS[plate]
    return [f"{chr(65 + r)}{c + 1}" for r in range(rows) for c in range(cols)]


@dataclass(frozen=True)
class PoolDesign:
    """A pooled peptide screen ready for the bench, and how its readings decode.

    Parameters
    ----------
    design : str
        ``"matrix"`` (every peptide in one row pool and one column pool of a grid of at most
        ``pool_size`` x ``pool_size``; one stage) or ``"hierarchical"`` (pools of
        ``pool_size`` peptides; the peptides of a positive pool are then tested singly).
    pool_size : int
        Peptides per pool at most.
    plate_format : int
        96 or 384.
    layout : polars.DataFrame
        The screen layout (``docs/screens.md``): pool, member, member_type, gene, sequence,
        analog_of. ``analyse_screen`` reads it back.
    plate_map : polars.DataFrame
        The wells of stage 1, in the plate table's columns with ``value`` empty (plate,
        well, effector, target, antigen, role, replicate, readout, value): fill in the
        readings and it is ``plates.csv``. Each plate has its own background wells.
    followup_map : polars.DataFrame
        Hierarchical designs: the single-peptide wells of stage 2, in the same columns plus
        ``run_if_positive`` (the pool whose peptides they test: run a block only when its
        pool was positive, and keep the background wells). Empty for a matrix.
    pipetting : polars.DataFrame
        One row per transfer: step, stage, source_plate, source_well, source,
        destination_plate, destination_well, destination, volume_ul. Step 1 mixes the
        pools from the peptide stocks, step 2 fills the assay wells from the pool mixes,
        step 3 (hierarchical) fills the stage-2 wells from the stocks.
    unique_positives : int
        How many positive peptides are guaranteed to decode to themselves, wherever they
        are: 1 for a matrix (two positives decode uniquely only when they share a row or a
        column pool), every peptide for a hierarchical design (stage 2 tests them singly).
    note : str
        The design in words, with that guarantee.

    Examples
    --------
    >>> design = design_pools([f"p{i}" for i in range(1, 10)], "matrix", pool_size=3)
    >>> design.decode(["R2", "C3"]).resolved, design.unique_positives
    (('p6',), 1)
    """

    design: str
    pool_size: int
    plate_format: int
    layout: pl.DataFrame
    plate_map: pl.DataFrame
    followup_map: pl.DataFrame
    pipetting: pl.DataFrame
    unique_positives: int
    note: str

    def decode(self, positive: Iterable[str]) -> PoolDecoding:
        """Decode positive calls (pools, and for a hierarchical design singly tested peptides).

        For a hierarchical design a peptide's single test counts only when its pool was
        positive (stage 2 is run for positive pools only).

        Parameters
        ----------
        positive : iterable of str
            Names of the pools and peptides called positive.

        Returns
        -------
        PoolDecoding
            Consistent, resolved and ambiguous peptides.

        Examples
        --------
        >>> design = design_pools(["a", "b", "c", "d"], "hierarchical", pool_size=2)
        >>> design.decode(["P1", "b"]).resolved
        ('b',)
        """
        positive = set(positive)
        links = self.layout.select("pool", "member")
        tested = set(links["pool"].to_list())
        if self.design == "hierarchical":
            singles = links.select(pl.col("member").alias("pool"), "member")
            followed = links.filter(pl.col("pool").is_in(list(positive)))["member"].to_list()
            tested |= set(followed)
            links = pl.concat([links, singles])
        return decode_pools(links, positive & tested, tested)


def _peptide_table(peptides: pl.DataFrame | Sequence[str]) -> pl.DataFrame:
    if not isinstance(peptides, pl.DataFrame):
        peptides = pl.DataFrame({"peptide": [str(p) for p in peptides]})
    if "peptide" not in peptides.columns:
        raise ValueError(
            "the peptide table needs a column 'peptide' (the names; optional columns "
            "'sequence' and 'gene')"
        )
    frame = peptides.select(
        pl.col("peptide").cast(pl.String).str.strip_chars(),
        *(
            pl.col(c).cast(pl.String).str.strip_chars().str.to_uppercase()
            if c == "sequence"
            else pl.col(c).cast(pl.String).str.strip_chars()
            for c in ("gene", "sequence")
            if c in peptides.columns
        ),
    )
    for c in ("gene", "sequence"):
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(c))
    frame = frame.filter(pl.col("peptide").is_not_null() & (pl.col("peptide") != ""))
    if frame.height == 0:
        raise ValueError("the peptide table lists no peptides")
    dup = frame.filter(pl.col("peptide").is_duplicated())["peptide"].unique(maintain_order=True)
    if dup.len():
        raise ValueError(
            "each peptide once: " + ", ".join(dup.head(5).to_list()) + " listed more than once"
        )
    bad = [
        (n, s)
        for n, s in frame.select("peptide", "sequence").iter_rows()
        if s is not None and not _AMINO.match(s)
    ]
    if bad:
        name, seq = bad[0]
        raise ValueError(
            f"peptide {name}: sequence {seq!r} is not in one-letter amino-acid code "
            f"(ACDEFGHIKLMNPQRSTVWY){f'; and {len(bad) - 1} more' if len(bad) > 1 else ''}"
        )
    return frame


def _layout(pools: pl.DataFrame, peptides: pl.DataFrame) -> pl.DataFrame:
    return (
        pools.join(peptides, left_on="member", right_on="peptide", how="left")
        .with_columns(
            pl.lit("peptide").alias("member_type"), pl.lit(None, pl.String).alias("analog_of")
        )
        .select("pool", "member", "member_type", "gene", "sequence", "analog_of")
    )


def _allocate(
    blocks: list[tuple[str | None, list[str]]],
    *,
    plate: int,
    prefix: str,
    replicates: int,
    background_wells: int,
    effector: str,
    target: str,
    readout: str,
) -> pl.DataFrame:
    """Wells for each antigen x replicate, block by block, plate after plate.

    Every plate starts with its background wells and one positive-control well; a block
    (the antigens of one follow-up pool) stays on one plate when it fits on an empty one.
    """
    wells = plate_wells(plate)
    controls = [("background", r + 1) for r in range(background_wells)]
    controls.append(("positive_control", 1))
    room = len(wells) - len(controls)
    if room < replicates:
        raise ValueError(
            f"{background_wells} background wells leave no room on a {plate}-well plate"
        )
    rows: list[dict] = []
    number, used = 0, len(wells)

    def new_plate() -> None:
        nonlocal number, used
        number += 1
        used = 0
        for role, replicate in controls:
            rows.append(_well(f"{prefix}{number}", wells[used], None, role, replicate, None))
            used += 1

    for group, antigens in blocks:
        size = len(antigens) * replicates
        if used + size > len(wells) and size <= room:
            new_plate()
        for antigen in antigens:
            if used + replicates > len(wells):
                new_plate()
            for r in range(replicates):
                rows.append(_well(f"{prefix}{number}", wells[used], antigen, "test", r + 1, group))
                used += 1
    frame = pl.DataFrame(
        rows,
        schema={
            "plate": pl.String,
            "well": pl.String,
            "antigen": pl.String,
            "role": pl.String,
            "replicate": pl.Int64,
            "run_if_positive": pl.String,
        },
        orient="row",
    )
    return frame.with_columns(
        pl.lit(effector).alias("effector"),
        pl.lit(target).alias("target"),
        pl.lit(readout).alias("readout"),
        pl.lit(None, pl.Float64).alias("value"),
    ).select(*_MAP_COLUMNS, "run_if_positive")


def _well(
    plate: str, well: str, antigen: str | None, role: str, replicate: int, group: str | None
) -> dict:
    return {
        "plate": plate,
        "well": well,
        "antigen": antigen,
        "role": role,
        "replicate": replicate,
        "run_if_positive": group,
    }


def _pipetting(
    layout: pl.DataFrame,
    peptides: list[str],
    stage1: pl.DataFrame,
    stage2: pl.DataFrame,
    plate: int,
    transfer_ul: float,
    well_ul: float,
) -> pl.DataFrame:
    wells = plate_wells(plate)

    def place(i: int, name: str) -> tuple[str, str]:
        return f"{name}-{i // len(wells) + 1}", wells[i % len(wells)]

    stock = {p: place(i, "stocks") for i, p in enumerate(peptides)}
    pools = layout["pool"].unique(maintain_order=True).to_list()
    mix = {p: place(i, "pool-mix") for i, p in enumerate(pools)}
    rows = []
    for pool, member in layout.select("pool", "member").iter_rows():
        rows.append((1, 1, *stock[member], member, *mix[pool], pool, transfer_ul))
    tests = stage1.filter(pl.col("role") == "test")
    for plate_name, well, antigen in tests.select("plate", "well", "antigen").iter_rows():
        rows.append((2, 1, *mix[antigen], antigen, plate_name, well, antigen, well_ul))
    tests = stage2.filter(pl.col("role") == "test")
    for plate_name, well, antigen in tests.select("plate", "well", "antigen").iter_rows():
        rows.append((3, 2, *stock[antigen], antigen, plate_name, well, antigen, well_ul))
    return pl.DataFrame(
        rows,
        schema={
            "step": pl.Int64,
            "stage": pl.Int64,
            "source_plate": pl.String,
            "source_well": pl.String,
            "source": pl.String,
            "destination_plate": pl.String,
            "destination_well": pl.String,
            "destination": pl.String,
            "volume_ul": pl.Float64,
        },
        orient="row",
    )


def design_pools(
    peptides: pl.DataFrame | Sequence[str],
    design: str = "matrix",
    *,
    pool_size: int = 10,
    plate: int = 96,
    replicates: int = 2,
    background_wells: int = 4,
    effector: str = "effector",
    target: str = "target",
    readout: str = "ifng_pg_ml",
    transfer_ul: float = 2.0,
    well_ul: float = 10.0,
) -> PoolDesign:
    """Design the pools of a peptide screen and allocate them to plate wells.

    **matrix**: the peptides fill grids of at most ``pool_size`` x ``pool_size``
    (``design_matrix_pools``; grids after the first are prefixed ``M2-``, ``M3-``, ...);
    every peptide is in one row pool and one column pool, and no two peptides share both,
    so one positive peptide is identified from one round of wells. **hierarchical**: pools
    ``P1``, ``P2``, ... of ``pool_size`` consecutive peptides; stage 2 tests the peptides of
    each positive pool singly (``followup_map``), which identifies any number of positives.

    Wells are filled row by row (A1, A2, ...), ``replicates`` per pool (or peptide); each
    plate begins with ``background_wells`` background wells and one positive-control well.

    Parameters
    ----------
    peptides : polars.DataFrame or sequence of str
        Names, or a table with column ``peptide`` and optionally ``sequence`` and ``gene``.
    design : {"matrix", "hierarchical"}
        The design.
    pool_size : int
        Peptides per pool at most (at least 2).
    plate : {96, 384}
        Plate format.
    replicates : int
        Wells per pool (and per peptide in stage 2).
    background_wells : int
        Background wells per plate (effector and target cells, no peptide).
    effector, target, readout : str
        Filled into the plate map (the readout kind as in ``READOUTS``).
    transfer_ul, well_ul : float
        Volumes of the pipetting list: each peptide stock into a pool mix, and a pool mix
        (or a peptide stock) into an assay well.

    Returns
    -------
    PoolDesign
        Layout, plate maps, pipetting list and the guarantee.

    Examples
    --------
    >>> design = design_pools([f"p{i}" for i in range(1, 26)], "matrix", pool_size=5)
    >>> design.layout["pool"].n_unique(), design.plate_map.height
    (10, 25)
    >>> design.plate_map.row(5, named=True)["antigen"], design.plate_map["plate"][0]
    ('R1', 'matrix-1')
    """
    if design not in DESIGNS:
        raise ValueError(f"design is one of {', '.join(DESIGNS)}, not {design!r}")
    if pool_size < 2:
        raise ValueError("a pool holds at least 2 peptides (--pool-size 2 or more)")
    if replicates < 1 or background_wells < 1:
        raise ValueError("at least one replicate and one background well per plate")
    plate_wells(plate)  # checks the format
    table = _peptide_table(peptides)
    names = table["peptide"].to_list()
    common = {
        "plate": plate,
        "replicates": replicates,
        "background_wells": background_wells,
        "effector": effector,
        "target": target,
        "readout": readout,
    }
    if design == "matrix":
        block = pool_size * pool_size
        chunks = [names[i : i + block] for i in range(0, len(names), block)]
        parts = []
        for b, chunk in enumerate(chunks, start=1):
            rows = math.ceil(len(chunk) / pool_size)
            prefix = f"M{b}-" if len(chunks) > 1 else ""
            parts.append(design_matrix_pools(chunk, rows, prefix=prefix))
        order = [
            pool
            for part in parts
            for dim in ("row", "column")
            for pool in part.filter(pl.col("dimension") == dim)["pool"].unique(maintain_order=True)
        ]
        pools = pl.concat(parts).select("pool", "member")
        pools = pools.sort(
            pl.col("pool").replace_strict(order, list(range(len(order)))), maintain_order=True
        )
        layout = _layout(pools, table)
        stage1 = _allocate([(None, order)], prefix="matrix-", **common)
        stage2 = stage1.clear()
        unique = 1
        note = (
            f"matrix design: {len(names)} peptides in {len(chunks)} grid(s) of at most "
            f"{pool_size} x {pool_size}, {len(order)} pools, each peptide in 2 pools; one "
            "positive peptide always decodes to itself; two decode uniquely only when they "
            "share a row or a column pool (otherwise 4 candidates, retest them singly)"
        )
    else:
        chunks = [names[i : i + pool_size] for i in range(0, len(names), pool_size)]
        pools = pl.DataFrame(
            {
                "pool": [f"P{i}" for i, c in enumerate(chunks, start=1) for _ in c],
                "member": names,
            }
        )
        layout = _layout(pools, table)
        order = [f"P{i}" for i in range(1, len(chunks) + 1)]
        stage1 = _allocate([(None, order)], prefix="pools-", **common)
        blocks = [(f"P{i}", c) for i, c in enumerate(chunks, start=1)]
        stage2 = _allocate(blocks, prefix="singles-", **common)
        unique = len(names)
        note = (
            f"hierarchical design: {len(names)} peptides in {len(chunks)} pools of at most "
            f"{pool_size}; the peptides of each positive pool are tested singly in stage 2, "
            "so every positive peptide decodes to itself, however many there are"
        )
    pipetting = _pipetting(layout, names, stage1, stage2, plate, transfer_ul, well_ul)
    return PoolDesign(
        design=design,
        pool_size=pool_size,
        plate_format=plate,
        layout=layout,
        plate_map=stage1.drop("run_if_positive"),
        followup_map=stage2,
        pipetting=pipetting,
        unique_positives=unique,
        note=note,
    )


def simulate_readings(
    wells: pl.DataFrame,
    layout: pl.DataFrame,
    positives: Iterable[str],
    *,
    seed: int = 0,
    background: float = 60.0,
    response: float = 1500.0,
    cv: float = 0.15,
) -> pl.DataFrame:
    """SYNTHETIC readings of a plate map: wells holding a positive peptide respond.

    A test well responds when its antigen is one of ``positives`` or a pool containing one
    (through the layout, at any depth); its reading is ``response`` with a log-normal
    scatter of coefficient of variation ``cv``; every other well reads ``background`` with
    the same scatter; positive-control wells read 4 x ``response``. Use it to try a design
    before the lab: ``analyse_screen`` should find the planted positives.

    Parameters
    ----------
    wells : polars.DataFrame
        A plate map (``PoolDesign.plate_map`` or rows of ``followup_map``).
    layout : polars.DataFrame
        The design's layout.
    positives : iterable of str
        The peptides planted as recognised.
    seed : int
        Random seed.
    background, response : float
        Typical readings of negative and positive wells.
    cv : float
        Well-to-well coefficient of variation.

    Returns
    -------
    polars.DataFrame
        ``wells`` with ``value`` filled in.

    Examples
    --------
    >>> design = design_pools(["a", "b", "c", "d"], "matrix", pool_size=2)
    >>> plates = simulate_readings(design.plate_map, design.layout, ["d"])
    >>> plates.filter(pl.col("antigen") == "R2")["value"].min() > 1000
    True
    """
    hot = set(positives)
    parents = layout.select("pool", "member").rows()
    changed = True
    while changed:
        changed = False
        for pool, member in parents:
            if member in hot and pool not in hot:
                hot.add(pool)
                changed = True
    rng = np.random.default_rng(seed)
    sigma = math.sqrt(math.log1p(cv * cv))
    noise = np.exp(rng.normal(-sigma * sigma / 2, sigma, wells.height))
    level = wells.select(
        pl.when(pl.col("role") == "positive_control")
        .then(4 * response)
        .when((pl.col("role") == "test") & pl.col("antigen").is_in(list(hot)))
        .then(response)
        .otherwise(background)
    ).to_series()
    return wells.with_columns(pl.Series("value", np.round(level.to_numpy() * noise, 1)))
