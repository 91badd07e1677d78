"""Pool deconvolution: matrix (row x column) pool designs and hierarchical splits."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl


def design_matrix_pools(
    candidates: Sequence[str], n_rows: int | None = None, *, prefix: str = ""
) -> pl.DataFrame:
    """Assign candidates to a two-dimensional grid of row pools and column pools.

    Candidate ``i`` sits at row ``i // n_cols`` and column ``i % n_cols`` and goes into pool
    ``R<row>`` and pool ``C<column>``; no two candidates share both pools, so any single
    positive candidate is identified by its positive row and column pool.

    Parameters
    ----------
    candidates : sequence of str
        Distinct candidate names (clones, minigenes, peptides).
    n_rows : int, optional
        Row pools; default ``ceil(sqrt(N))`` (then ``ceil(N / n_rows)`` column pools).
    prefix : str
        Prefix of the pool names (e.g. ``"M1-"``).

    Returns
    -------
    polars.DataFrame
        A layout: pool, member, member_type ("candidate"), dimension ("row"/"column"),
        row, column. Every candidate appears in exactly two rows.

    Examples
    --------
    >>> design = design_matrix_pools([f"g{i}" for i in range(1, 10)])
    >>> design.filter(pl.col("member") == "g5")["pool"].to_list()
    ['R2', 'C2']
    """
    names = list(candidates)
    if len(set(names)) != len(names):
        raise ValueError("candidate names must be distinct")
    n = len(names)
    if n == 0:
        raise ValueError("at least one candidate is needed")
    rows = n_rows or math.ceil(math.sqrt(n))
    cols = math.ceil(n / rows)
    i = np.arange(n)
    r, c = i // cols + 1, i % cols + 1
    frame = pl.DataFrame({"member": names, "row": r, "column": c})
    by_row = frame.with_columns(
        (pl.lit(f"{prefix}R") + pl.col("row").cast(pl.String)).alias("pool"),
        pl.lit("row").alias("dimension"),
    )
    by_col = frame.with_columns(
        (pl.lit(f"{prefix}C") + pl.col("column").cast(pl.String)).alias("pool"),
        pl.lit("column").alias("dimension"),
    )
    out = pl.concat([by_row, by_col]).with_columns(pl.lit("candidate").alias("member_type"))
    out = out.with_columns(pl.col("row").cast(pl.Int64), pl.col("column").cast(pl.Int64))
    return out.sort("row", "column", "dimension", descending=[False, False, True]).select(
        "pool", "member", "member_type", "dimension", "row", "column"
    )


@dataclass(frozen=True)
class PoolDecoding:
    """What positive pools say about the candidates.

    Parameters
    ----------
    candidates : tuple of str
        Candidates consistent with the calls: every tested pool holding them was positive.
    resolved : tuple of str
        Candidates that must be positive: the only consistent candidate of a positive pool.
    ambiguous : tuple of str
        Consistent candidates not resolved (possibly false, "ghost" intersections).
    unexplained_pools : tuple of str
        Positive pools holding no consistent candidate (a call or the layout is wrong).
    table : polars.DataFrame
        One row per candidate: candidate, pools, positive_pools, consistent, resolved.

    Examples
    --------
    >>> design = design_matrix_pools(["a", "b", "c", "d"])
    >>> decode_pools(design, ["R1", "C2"]).resolved
    ('b',)
    """

    candidates: tuple[str, ...]
    resolved: tuple[str, ...]
    ambiguous: tuple[str, ...]
    unexplained_pools: tuple[str, ...]
    table: pl.DataFrame

    @property
    def is_unique(self) -> bool:
        """Whether the calls identify the positive candidates without ambiguity.

        Returns
        -------
        bool
            True when there is at least one candidate and none is ambiguous.

        Examples
        --------
        >>> design = design_matrix_pools(["a", "b", "c", "d"])
        >>> decode_pools(design, ["R1", "R2", "C1", "C2"]).is_unique
        False
        """
        return bool(self.candidates) and not self.ambiguous


def decode_pools(
    layout: pl.DataFrame, positive_pools: Iterable[str], tested_pools: Iterable[str] | None = None
) -> PoolDecoding:
    """Decode pooled calls: candidates whose every tested pool is positive.

    Works for any design where candidates sit in several pools (matrix row/column pools,
    or a pool and its sub-pools). A consistent candidate is *resolved* when it is the only
    consistent candidate in one of its positive pools (so it must be positive, assuming
    no false calls); the others are *ambiguous*: with two positives in different rows and
    columns of a matrix, the four intersections are consistent and none is resolved.

    Parameters
    ----------
    layout : polars.DataFrame
        Pool and member rows (e.g. from ``design_matrix_pools``); members are candidates.
    positive_pools : iterable of str
        Pools called positive.
    tested_pools : iterable of str, optional
        Pools tested; default every pool of the layout (untested pools do not exclude).

    Returns
    -------
    PoolDecoding
        Consistent, resolved and ambiguous candidates, and positive pools left unexplained.

    Examples
    --------
    >>> design = design_matrix_pools([f"g{i}" for i in range(1, 10)])
    >>> d = decode_pools(design, ["R1", "R3", "C1", "C3"])
    >>> d.candidates, d.ambiguous == d.candidates
    (('g1', 'g3', 'g7', 'g9'), True)
    """
    positive = set(positive_pools)
    tested = set(layout["pool"].to_list()) if tested_pools is None else set(tested_pools)
    links = layout.select("pool", "member").filter(pl.col("pool").is_in(list(tested)))
    links = links.with_columns(pl.col("pool").is_in(list(positive)).alias("positive"))
    per = links.group_by("member", maintain_order=True).agg(
        pl.col("pool").alias("pools"),
        pl.col("pool").filter(pl.col("positive")).alias("positive_pools"),
        pl.col("positive").all().alias("consistent"),
    )
    consistent = per.filter(pl.col("consistent"))
    counts = (
        links.join(consistent.select("member"), on="member")
        .filter(pl.col("positive"))
        .group_by("pool")
        .agg(pl.len().alias("n"))
    )
    alone = set(counts.filter(pl.col("n") == 1)["pool"].to_list())
    per = per.with_columns(
        (
            pl.col("consistent")
            & pl.col("positive_pools").list.eval(pl.element().is_in(list(alone))).list.any()
        ).alias("resolved")
    ).rename({"member": "candidate"})
    cand = tuple(per.filter(pl.col("consistent"))["candidate"].to_list())
    resolved = tuple(per.filter(pl.col("resolved"))["candidate"].to_list())
    explained = set(counts["pool"].to_list())
    unexplained = tuple(sorted(p for p in positive & tested if p not in explained))
    return PoolDecoding(
        candidates=cand,
        resolved=resolved,
        ambiguous=tuple(c for c in cand if c not in resolved),
        unexplained_pools=unexplained,
        table=per,
    )


def deconvolution_trail(layout: pl.DataFrame, calls: pl.DataFrame) -> pl.DataFrame:
    """Follow positive pools down the layout hierarchy: pool -> sub-pool -> clone.

    Starting at the top pools (pools that are no other pool's member), each pool's members
    are listed with their call, and a member is followed further only when it was positive.
    A positive member that is not itself a pool ends the trail (the identified clone, gene
    or peptide).

    Parameters
    ----------
    layout : polars.DataFrame
        The typed layout (``ScreenTables.layout``).
    calls : polars.DataFrame
        ``call_positivity`` output (any condition of an antigen being positive counts).

    Returns
    -------
    polars.DataFrame
        One row per tested layout entry, in the order of the trail: level (1 = top pool),
        parent (None at the top), antigen, member_type, gene, sequence, effector, positive,
        max_fold, identified (a positive member that is not a pool).

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen, call_positivity
    >>> tables = demo_screen()
    >>> trail = deconvolution_trail(tables.layout, call_positivity(tables.plates))
    >>> trail.filter(pl.col("identified") & (pl.col("member_type") == "clone"))["gene"].to_list()
    ['MART-1']
    """
    per_antigen = (
        calls.filter(pl.col("antigen").is_not_null())
        .group_by("antigen", "effector")
        .agg(pl.col("positive").any(), pl.col("fold").max().alias("max_fold"))
    )
    info = layout.unique("member", keep="first", maintain_order=True).select(
        pl.col("member").alias("antigen"), "member_type", "gene", "sequence"
    )
    pools = set(layout["pool"].to_list())
    members = set(layout["member"].to_list())
    tops = [p for p in layout["pool"].unique(maintain_order=True).to_list() if p not in members]
    children: dict[str, list[str]] = {}
    for pool, member in layout.select("pool", "member").iter_rows():
        children.setdefault(pool, []).append(member)
    tested = per_antigen.rows_by_key("antigen", unique=False, named=True)
    rows: list[dict] = []

    def walk(node: str, parent: str | None, level: int, effector: str) -> None:
        if node not in tested and node in pools:  # an untested container: look inside
            for child in children.get(node, []):
                walk(child, node, level, effector)
            return
        for entry in tested.get(node, []):
            if entry["effector"] != effector:
                continue
            positive = entry["positive"]
            rows.append(
                {
                    "level": level,
                    "parent": parent,
                    "antigen": node,
                    "effector": effector,
                    "positive": positive,
                    "max_fold": entry["max_fold"],
                    "identified": bool(positive and node not in pools),
                }
            )
            if positive:
                for child in children.get(node, []):
                    walk(child, node, level + 1, effector)

    effectors = per_antigen["effector"].unique(maintain_order=True).to_list()
    for effector in effectors:
        for top in tops:
            walk(top, None, 1, effector)
    schema = {
        "level": pl.Int64,
        "parent": pl.String,
        "antigen": pl.String,
        "effector": pl.String,
        "positive": pl.Boolean,
        "max_fold": pl.Float64,
        "identified": pl.Boolean,
    }
    trail = pl.DataFrame(rows, schema=schema)
    trail = trail.join(info, on="antigen", how="left", maintain_order="left")
    return trail.with_columns(pl.col("member_type").fill_null("pool")).select(
        "level",
        "parent",
        "antigen",
        "member_type",
        "gene",
        "sequence",
        "effector",
        "positive",
        "max_fold",
        "identified",
    )
