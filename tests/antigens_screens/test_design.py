"""Pool designs: every single positive decodes to itself (property), the plate maps are sound,
and design -> simulated wet-lab readings -> analysis finds the planted positives."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remission.antigens.screens import (
    analyse_screen,
    check_screen,
    design_pools,
    plate_wells,
    simulate_readings,
)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _names(n: int) -> list[str]:
    return [f"pep{i:03d}" for i in range(1, n + 1)]


def _pools_of(design, peptide: str) -> list[str]:
    return design.layout.filter(pl.col("member") == peptide)["pool"].to_list()


@SETTINGS
@given(
    kind=st.sampled_from(["matrix", "hierarchical"]),
    n=st.integers(1, 120),
    pool_size=st.integers(2, 12),
    plate=st.sampled_from([96, 384]),
)
def test_every_single_positive_decodes_to_itself(kind, n, pool_size, plate):
    design = design_pools(_names(n), kind, pool_size=pool_size, plate=plate)
    assert design.unique_positives == (1 if kind == "matrix" else n)
    sizes = design.layout.group_by("pool").len()["len"]
    assert sizes.max() <= pool_size
    for peptide in _names(n):
        pools = _pools_of(design, peptide)
        assert len(pools) == (2 if kind == "matrix" else 1)
        singles = [peptide] if kind == "hierarchical" else []
        decoded = design.decode([*pools, *singles])
        assert decoded.candidates == (peptide,)
        assert decoded.resolved == (peptide,)
        assert decoded.unexplained_pools == ()


@SETTINGS
@given(
    kind=st.sampled_from(["matrix", "hierarchical"]),
    n=st.integers(1, 200),
    pool_size=st.integers(2, 12),
    plate=st.sampled_from([96, 384]),
    replicates=st.integers(1, 3),
)
def test_plate_maps_are_sound(kind, n, pool_size, plate, replicates):
    design = design_pools(_names(n), kind, pool_size=pool_size, plate=plate, replicates=replicates)
    for wells in (design.plate_map, design.followup_map):
        assert not wells.select("plate", "well").is_duplicated().any()
        assert set(wells["well"]) <= set(plate_wells(plate))
        for _, group in wells.group_by("plate"):  # backgrounds on every plate
            assert (group["role"] == "background").sum() == 4
            assert (group["role"] == "positive_control").sum() == 1
        tests = wells.filter(pl.col("role") == "test").group_by("antigen").len()
        assert set(tests["len"]) <= {replicates}
    pools = set(design.layout["pool"])
    assert set(design.plate_map.filter(pl.col("role") == "test")["antigen"]) == pools
    if kind == "hierarchical":
        singles = design.followup_map.filter(pl.col("role") == "test")["antigen"]
        assert sorted(singles.unique()) == _names(n)
    moved = design.pipetting.filter(pl.col("step") == 1)
    assert moved.height == design.layout.height  # each peptide into each of its pools


def _round_trip(kind: str, planted: list[str], n: int = 100, pool_size: int = 10, seed: int = 0):
    """Design, simulate the lab (stage 2 only for positive pools), analyse what it read."""
    design = design_pools(_names(n), kind, pool_size=pool_size)
    plates = simulate_readings(design.plate_map, design.layout, planted, seed=seed)
    if kind == "hierarchical":
        first = analyse_screen(check_screen(_text(plates), design.layout))
        positive = first.positivity.filter(pl.col("positive"))["antigen"].to_list()
        run = design.followup_map.filter(pl.col("run_if_positive").is_in(positive))
        stage2 = design.followup_map.filter(
            pl.col("plate").is_in(run["plate"].unique().to_list())
            & (pl.col("run_if_positive").is_in(positive) | pl.col("run_if_positive").is_null())
        ).drop("run_if_positive")
        plates = pl.concat([plates, simulate_readings(stage2, design.layout, planted, seed=seed)])
    return analyse_screen(check_screen(_text(plates), design.layout))


def _text(plates: pl.DataFrame) -> pl.DataFrame:
    return plates.with_columns(pl.all().cast(pl.String))


ROUND_TRIPS = {
    # (design, planted): (identified, ambiguous)
    ("matrix", ("pep017",)): (("pep017",), ()),
    ("matrix", ("pep017", "pep019")): (("pep017", "pep019"), ()),  # one row pool: resolved
    ("matrix", ("pep017", "pep054")): ((), ("pep014", "pep017", "pep054", "pep057")),
    ("matrix", ("pep017", "pep018", "pep090")): (
        (),
        ("pep017", "pep018", "pep020", "pep087", "pep088", "pep090"),
    ),
    ("hierarchical", ("pep017",)): (("pep017",), ()),
    ("hierarchical", ("pep017", "pep054")): (("pep017", "pep054"), ()),
    ("hierarchical", ("pep017", "pep018", "pep090")): (("pep017", "pep018", "pep090"), ()),
}


@pytest.mark.parametrize(("kind", "planted"), list(ROUND_TRIPS))
def test_round_trip_recovers_planted_positives(kind, planted):
    result = _round_trip(kind, list(planted))
    identified, ambiguous = ROUND_TRIPS[(kind, planted)]
    assert tuple(sorted(result.identified)) == identified
    found = (
        ()
        if result.decoding is None
        else tuple(sorted(result.decoding.filter(pl.col("call") == "ambiguous")["candidate"]))
    )
    assert found == ambiguous
    assert set(planted) <= set(identified) | set(ambiguous)  # every planted one is reported
    assert result.problems == ()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["matrix", "hierarchical"]),
    planted=st.sets(st.integers(1, 60), min_size=1, max_size=3),
    seed=st.integers(0, 1000),
)
def test_never_a_wrong_unique_call(kind, planted, seed):
    truth = {f"pep{i:03d}" for i in planted}
    result = _round_trip(kind, sorted(truth), n=60, pool_size=8, seed=seed)
    assert set(result.identified) <= truth  # a unique call is always a planted positive
    reported = set(result.identified)
    if result.decoding is not None:
        reported |= set(result.decoding.filter(pl.col("call") == "ambiguous")["candidate"])
    assert truth <= reported  # and no planted positive goes unreported
    if len(truth) == 1 or kind == "hierarchical":
        assert set(result.identified) == truth


def test_bad_peptide_lists_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="each peptide once: a listed more than once"):
        design_pools(["a", "b", "a"])
    table = pl.DataFrame({"peptide": ["a", "b"], "sequence": ["AAGIGILTV", "AAG1G"]})
    with pytest.raises(ValueError, match="peptide b: sequence 'AAG1G' is not in one-letter"):
        design_pools(table)
    with pytest.raises(ValueError, match="design is one of matrix, hierarchical, not 'grid'"):
        design_pools(["a", "b"], "grid")
    with pytest.raises(ValueError, match="a plate has 96 or 384 wells, not 48"):
        design_pools(["a", "b"], plate=48)
