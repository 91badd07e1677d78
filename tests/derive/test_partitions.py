"""``derive_study`` over patient partitions gives the datasets of the whole cohort at once."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from remission.derive import (
    DerivedDatasets,
    MissingShortAxisWarning,
    derive_study,
    overall_responses,
    patient_partitions,
)
from remission.simulate import demo_study, simulate_study
from remission.study import Study


def assert_same(derived: DerivedDatasets, whole: DerivedDatasets) -> None:
    """The same datasets, row for row, in the same order, with the same types and rules."""
    assert list(derived) == list(whole)
    for name in whole:
        assert_frame_equal(derived[name], whole[name], check_exact=True)
    assert (derived.criteria, derived.rules, derived.source) == (
        whole.criteria,
        whole.rules,
        whole.source,
    )


@pytest.fixture(scope="module")
def cohort() -> Study:
    return simulate_study(n_patients=120, seed=3)


@pytest.fixture(scope="module")
def cohort_whole(cohort: Study) -> DerivedDatasets:
    return derive_study(cohort, partition_size=None)


@pytest.mark.parametrize("size", [1, 7, 50])
def test_partitions_of_any_size_give_the_whole_cohorts_datasets(
    cohort: Study, cohort_whole: DerivedDatasets, size: int
) -> None:
    """1 patient at a time (one-row ADSL frames), 7 (a last partition of one: 120 = 17 x 7
    + 1) and 50 (a short last partition)."""
    assert len(patient_partitions(cohort, size)) == -(-120 // size)
    assert_same(derive_study(cohort, partition_size=size), cohort_whole)


@pytest.mark.parametrize("size", [7, 50, 150])
def test_the_demo_study_derived_in_partitions(size: int) -> None:
    study = demo_study().study
    assert_same(derive_study(study, partition_size=size), derive_study(study, partition_size=None))


@pytest.fixture(scope="module")
def recorded(cohort: Study) -> Study:
    """``cohort`` with investigator-recorded responses for every third patient (so most
    partitions of a few patients have none), one in seven of them disagreeing with the
    measurements (RSQC rows), and the rows of the responses and the dose ledger shuffled (so
    the tables are not in patient order and are sorted before they are cut)."""
    computed = overall_responses(cohort, "measurements")
    ids = cohort.table("patients")["patient_id"]
    some = computed.filter(pl.col("USUBJID").is_in(ids.gather_every(3).implode()))
    assessments = (
        some.with_row_index("_i")
        .select(
            pl.col("_i").cast(pl.Int64).add(2).alias("_row"),
            pl.col("USUBJID").alias("patient_id"),
            pl.col("ADT").alias("assessed_on"),
            pl.when(pl.col("_i") % 7 == 0)
            .then(pl.lit("NE"))
            .otherwise(pl.col("AVALC"))
            .alias("response"),
            pl.lit(None, dtype=pl.Int64).alias("sequence"),
            pl.lit(None, dtype=pl.String).alias("assessed_on_imputed"),
        )
        .sample(fraction=1.0, shuffle=True, seed=5)
    )
    tables = dict(cohort.tables)
    tables["assessments"] = assessments.select(cohort.tables["assessments"].columns).cast(
        dict(cohort.tables["assessments"].schema)
    )
    tables["doses"] = tables["doses"].sample(fraction=1.0, shuffle=True, seed=6)
    return dataclasses.replace(cohort, tables=tables)


@pytest.mark.parametrize("size", [1, 7, 50])
def test_recorded_responses_and_unsorted_tables_in_partitions(recorded: Study, size: int) -> None:
    whole = derive_study(recorded, partition_size=None)
    assert whole.source == "recorded"
    assert whole.rsqc is not None and whole.rsqc.height > 0
    assert not recorded.doses["patient_id"].is_sorted()
    assert_same(derive_study(recorded, partition_size=size), whole)


def test_every_record_is_in_the_partition_of_its_patient(cohort: Study) -> None:
    parts = patient_partitions(cohort, 7)
    for name, table in cohort.tables.items():
        pieces = [p.tables[name] for p in parts]
        assert_frame_equal(pl.concat(pieces), table)
    ids = [p.patients["patient_id"].to_list() for p in parts]
    assert [i for own in ids for i in own] == sorted(cohort.patients["patient_id"].to_list())
    for part, own in zip(parts, ids, strict=True):
        for table in part.tables.values():
            assert set(table["patient_id"]) <= set(own)


def test_one_partition_is_the_study_itself(cohort: Study) -> None:
    assert patient_partitions(cohort, None) == [cohort]
    assert patient_partitions(cohort, 120)[0] is cohort
    with pytest.raises(ValueError, match="at least 1 patient"):
        derive_study(cohort, partition_size=0)


def test_a_warning_about_the_study_is_given_once_not_once_per_partition() -> None:
    """RECIST 1.1 lymph nodes without short axes: one warning for the study, as unpartitioned,
    with the study's counts."""
    study = simulate_study(n_patients=40, seed=2)
    config = dataclasses.replace(study.config, response_criteria="recist1.1")
    tables = dict(study.tables)
    tables["lesions"] = tables["lesions"].with_columns(nodal=pl.lit(True))
    tables["measurements"] = tables["measurements"].with_columns(
        short_axis_mm=pl.lit(None, dtype=pl.Float64)
    )
    nodes = dataclasses.replace(study, config=config, tables=tables)
    messages = {}
    for size in (None, 3):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            derive_study(nodes, partition_size=size)
        messages[size] = [
            str(w.message) for w in caught if issubclass(w.category, MissingShortAxisWarning)
        ]
    assert len(messages[None]) == 1
    assert messages[3] == messages[None]


def test_remission_derive_takes_a_partition_size(tmp_path: Path) -> None:
    """``remission derive --partition-size 4`` writes the files of an unpartitioned run, byte
    for byte, and refuses a size of 0."""
    from tests.cli.test_cli import run

    study = tmp_path / "sim"
    assert run("simulate", "--patients", "25", "--seed", "4", "--out", study).returncode == 0
    outs = {}
    for size in ("4", "1000"):
        outs[size] = tmp_path / f"out{size}"
        result = run("derive", study, "--out", outs[size], "--partition-size", size)
        assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in outs["4"].glob("*.csv"))
    assert "adsl.csv" in files and files == sorted(p.name for p in outs["1000"].glob("*.csv"))
    for name in files:
        assert (outs["4"] / name).read_bytes() == (outs["1000"] / name).read_bytes()
    refused = run("derive", study, "--out", tmp_path / "o0", "--partition-size", "0")
    assert refused.returncode != 0 and not (tmp_path / "o0").exists()
