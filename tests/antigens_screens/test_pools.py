"""Matrix pool designs decode every single positive uniquely and flag ambiguity for two."""

from __future__ import annotations

import itertools

import polars as pl
import pytest

from remission.antigens.screens import (
    call_positivity,
    decode_pools,
    deconvolution_trail,
    demo_screen,
    design_matrix_pools,
)


def _positive_pools(design: pl.DataFrame, positives: set[str]) -> list[str]:
    return design.filter(pl.col("member").is_in(list(positives)))["pool"].unique().to_list()


@pytest.mark.parametrize("n", [1, 2, 7, 9, 10, 24, 96])
def test_every_single_positive_decodes_uniquely(n):
    names = [f"c{i:03d}" for i in range(n)]
    design = design_matrix_pools(names)
    assert design.group_by("member").len()["len"].to_list() == [2] * n
    assert design.select("row", "column").unique().height == n
    for name in names:
        decoded = decode_pools(design, _positive_pools(design, {name}))
        assert decoded.candidates == (name,)
        assert decoded.resolved == (name,)
        assert decoded.is_unique


@pytest.mark.parametrize("n", [9, 24, 96])
def test_two_positives_report_ambiguity_unless_they_share_a_pool(n):
    names = [f"c{i:03d}" for i in range(n)]
    design = design_matrix_pools(names)
    where = {m: (r, c) for m, r, c in design.select("member", "row", "column").unique().rows()}
    for a, b in itertools.combinations(names, 2):
        decoded = decode_pools(design, _positive_pools(design, {a, b}))
        assert {a, b} <= set(decoded.candidates)
        (ra, ca), (rb, cb) = where[a], where[b]
        if ra != rb and ca != cb:
            # two rows x two columns: four intersections, the two ghosts only possible
            ghosts = {m for m, rc in where.items() if rc in {(ra, cb), (rb, ca)}}
            assert set(decoded.candidates) == {a, b} | ghosts
            assert not decoded.is_unique
            if len(ghosts) == 2:  # all four cells filled: nothing can be resolved
                assert set(decoded.ambiguous) == {a, b} | ghosts
            else:  # one ghost cell empty (last, partial row): a and b resolved, ghost not
                assert set(decoded.ambiguous) == ghosts
                assert set(decoded.resolved) == {a, b}
        else:
            # same row (or column): each positive column (row) holds one candidate
            assert decoded.candidates == tuple(sorted((a, b), key=names.index))
            assert decoded.is_unique


def test_design_shape_and_names():
    design = design_matrix_pools(["a", "b", "c", "d", "e"], prefix="M-")
    assert design.filter(pl.col("dimension") == "row")["pool"].unique().sort().to_list() == [
        "M-R1",
        "M-R2",
        "M-R3",
    ]
    assert design.columns == ["pool", "member", "member_type", "dimension", "row", "column"]
    with pytest.raises(ValueError, match="distinct"):
        design_matrix_pools(["a", "a"])


def test_unexplained_positive_pool_reported():
    design = design_matrix_pools(["a", "b", "c", "d"])
    decoded = decode_pools(design, ["R1"])  # no column positive
    assert decoded.candidates == ()
    assert decoded.unexplained_pools == ("R1",)


def test_hierarchical_trail_reaches_the_mart1_clone():
    tables = demo_screen()
    trail = deconvolution_trail(tables.layout, call_positivity(tables.plates))
    path = trail.filter(pl.col("positive") & pl.col("member_type").is_in(["pool", "clone"]))
    assert path.select("level", "antigen").rows() == [(1, "L07"), (2, "L07-S3"), (3, "L07-S3-c4")]
    assert path["gene"][-1] == "MART-1"
    # negative pools are listed but never split
    assert trail.filter(pl.col("parent") == "L01").height == 0
    assert trail.filter(pl.col("level") == 1, pl.col("member_type") == "pool").height == 12
