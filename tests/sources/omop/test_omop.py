"""OMOP CDM 5.4 through a real PostgreSQL: the demo round trip, the gap rule, bad databases.

The server is Debian's PostgreSQL started for these tests (``tests/postgres.py``: initdb and
pg_ctl in a temporary directory, Unix socket only); nothing is mocked.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from remission.derive import derive_study
from remission.simulate import demo_study, simulate_study
from remission.sources import (
    OmopSettings,
    default_cohort,
    load_omop,
    omop_tables,
    read_cohort_definition,
    read_omop,
)
from remission.sources._omop_cohort import default_cohort_text
from remission.study import StudyError, load, write_study
from tests import postgres
from tests.cli.test_cli import run

pytestmark = pytest.mark.skipif(
    postgres.unavailable() is not None, reason=str(postgres.unavailable())
)


@pytest.fixture(scope="module")
def url() -> str:
    with postgres.postgres_server() as server:
        yield server


def _sql(url: str, statement: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(statement))
    engine.dispose()


def test_demo_round_trip_through_postgresql(url: str, tmp_path: Path) -> None:
    sim = demo_study().study
    reference = derive_study(load(write_study(sim, tmp_path / "reference")))
    cohort_dir, out = tmp_path / "cohort", tmp_path / "study"
    result = run("simulate", "--format", "omop", "--url", url, "--schema", "demo",
                 "--out", cohort_dir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "loaded SYNTHETIC study into OMOP CDM schema demo" in result.stdout
    cfg = sim.config
    result = run(
        "import", "omop", "--url", url, "--schema", "demo",
        "--cohort-definition", cohort_dir / "omop_cohort.toml", "--out", out, "--synthetic",
        "--criteria", "who", "--regimen", cfg.regimen, "--cutoff", cfg.cutoff_date.isoformat(),
        "--name", cfg.name,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "409 patients" in result.stdout
    derived = derive_study(load(out))
    for name in ("adsl", "adrs", "adtte", "adtr", "adlb"):
        assert_frame_equal(derived[name], reference[name])
    # OMOP records administrations: the held doses are not there, the given ones are
    per_patient = (pl.col("PARAMCD") == "DOSGIVN") & pl.col("COURSE").is_null()
    assert_frame_equal(derived["adex"].filter(per_patient), reference["adex"].filter(per_patient))


def test_without_treatment_episodes_cycles_are_cut_at_gaps(url: str) -> None:
    study = simulate_study(60, seed=5)
    cohort = dataclasses.replace(default_cohort(), course_episodes=(), cycle_episodes=())
    load_omop(omop_tables(study, cohort), url, "gaps")
    back = read_omop(url, cohort, "gaps")
    original = study.table("doses").filter(pl.col("status") == "given")
    joined = back.table("doses").join(original, on=["patient_id", "given_at"], suffix="_orig")
    assert joined.height == original.height == back.doses.height
    whole_first_cycle_held = (
        study.table("doses").filter(pl.col("course") == 1, pl.col("cycle") == 1)
        .group_by("patient_id").agg((pl.col("status") == "held").all().alias("all_held"))
        .filter("all_held")["patient_id"]
    )  # fmt: skip
    same = joined.filter(~pl.col("patient_id").is_in(whole_first_cycle_held.implode()))
    assert (same["course"] == same["course_orig"]).all()
    assert (same["cycle"] == same["cycle_orig"]).all()


def test_problems_name_table_record_and_fix(url: str) -> None:
    study = simulate_study(20, seed=6)
    cohort = default_cohort()
    load_omop(omop_tables(study, cohort), url, "bad")
    _sql(url, "UPDATE bad.measurement SET unit_concept_id = 8848 WHERE measurement_id = "
              "(SELECT min(measurement_id) FROM bad.measurement WHERE measurement_concept_id = 3019198)")  # fmt: skip  # noqa: E501
    _sql(url, "UPDATE bad.episode SET episode_source_value = 'T9|elbow|left elbow' "
              "WHERE episode_id = 1")  # fmt: skip
    _sql(url, "DELETE FROM bad.condition_occurrence WHERE person_id = 2")
    with pytest.raises(StudyError) as caught:
        read_omop(url, cohort, "bad")
    lines = [p.render() for p in caught.value.problems]
    assert lines[0] == (
        "error: bad.person [person_id 2], column condition_concept_id: expected a "
        "condition_occurrence of one of the cohort's histologies; fix: add the diagnosis, or "
        "its concept id to [histology] in the cohort file"
    )
    assert any(
        line.startswith("error: bad.measurement [measurement_id ")
        and "column unit_concept_id: '8848': expected a unit concept of [units]" in line
        for line in lines
    )
    assert any(
        line.startswith("error: bad.episode [episode_id 1], column episode_source_value: "
                        "'T9|elbow|left elbow': expected 'lesion_id|organ|site'")
        for line in lines
    )  # fmt: skip


def test_a_study_rule_is_located_in_omop(url: str) -> None:
    study = simulate_study(20, seed=7)
    load_omop(omop_tables(study, default_cohort()), url, "rule")
    _sql(url, "UPDATE rule.death SET death_date = '1970-01-01' WHERE person_id = 3")
    with pytest.raises(StudyError) as caught:
        read_omop(url, default_cohort(), "rule")
    located = [p.file for p in caught.value.errors]
    assert "rule.person [person_id 3] (as patients)" in located


def test_missing_tables_and_unreachable_databases(url: str, tmp_path: Path) -> None:
    with pytest.raises(StudyError) as caught:
        read_omop(url, default_cohort(), "nothing_here")
    assert (
        caught.value.problems[0]
        .render()
        .startswith(
            "error: nothing_here.person: expected an OMOP CDM 5.4 table; fix: check --schema"
        )
    )
    cohort = tmp_path / "cohort.toml"
    cohort.write_text(default_cohort_text())
    secret = "postgresql://me:s3cret-pw@/db?host=/nonexistent"
    result = run("import", "omop", "--url", secret, "--cohort-definition", cohort,
                 "--out", tmp_path / "o")  # fmt: skip
    assert result.returncode == 1
    assert "s3cret" not in result.stdout + result.stderr
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("error: cannot connect to postgresql+psycopg://me:***@/db?host=/nonexistent")
    )
    assert "Traceback" not in result.stderr and not (tmp_path / "o").exists()


def test_simulate_never_replaces_a_schema(url: str) -> None:
    load_omop(omop_tables(simulate_study(20, seed=8), default_cohort()), url, "taken")
    result = run("simulate", "--format", "omop", "--patients", "20", "--url", url,
                 "--schema", "taken")  # fmt: skip
    assert result.returncode == 1
    assert "schema 'taken' already exists" in result.stderr


BAD_COHORTS = [
    ("[cohort]\nname = 'x'\n", "setting sex: expected a [sex] table"),
    ("[sex]\nF = [8532]\nX = [1]\n", "setting sex.X: expected F or M"),
    ("[sex]\nF = ['8532']\n", "expected a list of concept ids (whole numbers > 0)"),
    ("not toml =", "expected a TOML file"),
]


@pytest.mark.parametrize(("text", "message"), BAD_COHORTS)
def test_cohort_definition_problems(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "cohort.toml"
    path.write_text(text)
    with pytest.raises(StudyError) as caught:
        read_cohort_definition(path)
    assert any(message in p.render() for p in caught.value.problems), caught.value.problems


def test_settings_pass_through(url: str) -> None:
    load_omop(omop_tables(simulate_study(20, seed=9), default_cohort()), url, "settings")
    study = read_omop(url, default_cohort(), "settings", OmopSettings(response_criteria="who"))
    assert study.config.response_criteria == "who"
    assert study.config.histologies == ("melanoma", "renal")
