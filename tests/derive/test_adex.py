"""ADEX: the demo against the simulator's truth, hand-made ledgers, invariances, the CLI."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from remission.derive import ADEX_PARAMETERS, derive_adex
from remission.protocol import get_regimen
from remission.simulate import demo_study, simulate
from remission.study import ROW_COLUMN, TABLES, Study, StudyConfig, empty_table
from tests.cli.test_cli import run
from tests.study.bad_input_cases import MINIMAL, copy_minimal

ROOT = Path(__file__).resolve().parents[2]
MAX = get_regimen("nci-hd-il2-720k").max_doses_per_cycle  # 15


def _adex(study: Study) -> pl.DataFrame:
    """ADEX of a study's ledger and patients (as ``derive_study`` derives it)."""
    return derive_adex(study.doses, study.patients, MAX, study.config.name)


START = dt.datetime(1990, 5, 10, 8, 0)
IU = 50_000_000.0


# ---------------------------------------------------------------- helpers: hand-made studies


def _table(name: str, records: list[dict[str, Any]]) -> pl.DataFrame:
    """A typed study table from records (missing columns empty), with ``_row`` like a file."""
    template = empty_table(name)
    if not records:
        return template
    frame = pl.DataFrame(records, infer_schema_length=None).with_row_index(ROW_COLUMN, offset=2)
    return frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in template.schema.items()
    )


def patient(pid: str, weight: float | None = 70.0) -> dict[str, Any]:
    return {
        "patient_id": pid,
        "histology": "melanoma",
        "sex": "F",
        "birth_date": dt.date(1950, 1, 1),
        "weight_kg": weight,
        "ecog": 0,
        "treatment_start": START.date(),
        "last_known_alive": dt.date(1998, 1, 1),
    }


def cycle(
    pid: str,
    course: int,
    cyc: int,
    given: int,
    held: tuple[str | None, ...] = (),
    iu: float | None = IU,
) -> list[dict[str, Any]]:
    """Ledger rows of one cycle: ``given`` doses given, then one held dose per reason."""
    base = START + dt.timedelta(days=100 * (course - 1) + 20 * (cyc - 1))
    rows = []
    for k, reason in enumerate([None] * given + list(held)):
        is_given = k < given
        at = base + dt.timedelta(hours=8 * k)
        rows.append(
            {
                "patient_id": pid,
                "course": course,
                "cycle": cyc,
                "dose_number": k + 1,
                "scheduled_at": at,
                "status": "given" if is_given else "held",
                "given_at": at + dt.timedelta(minutes=5) if is_given else None,
                "dose_iu": iu if is_given else None,
                "hold_reason": None if is_given else reason,
            }
        )
    return rows


def make_study(patients: list[dict[str, Any]], doses: list[dict[str, Any]]) -> Study:
    config = StudyConfig(
        "Hand-made ledgers", dt.date(1998, 5, 1), ("melanoma",), "who", "nci-hd-il2-720k", True
    )
    tables = {name: empty_table(name) for name in TABLES}
    tables["patients"] = _table("patients", patients)
    tables["doses"] = _table("doses", doses)
    return Study(config=config, tables=tables)


def value(
    adex: pl.DataFrame, pid: str, code: str, course: int | None = None, cyc: int | None = None
):
    rows = adex.filter(
        pl.col("USUBJID") == pid,
        pl.col("PARAMCD") == code,
        pl.col("COURSE").eq_missing(course),
        pl.col("CYCLE").eq_missing(cyc),
    )
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# ---------------------------------------------------------------- the demo against its truth


@pytest.fixture(scope="module")
def demo() -> tuple[pl.DataFrame, pl.DataFrame]:
    sim = demo_study()
    return _adex(sim.study), sim.truth


def test_demo_matches_the_simulator_truth_for_every_patient(demo) -> None:
    adex, truth = demo
    wide = (
        adex.filter(pl.col("COURSE").is_null())
        .pivot(on="PARAMCD", index="USUBJID", values="AVAL")
        .join(truth, left_on="USUBJID", right_on="patient_id", how="full", coalesce=True)
    )
    assert wide.height == truth.height == 409
    assert (wide["C1DOSES"] == wide["course1_doses_given"]).all()
    assert (wide["DOSGIVN"] == wide["doses_given"]).all()
    assert (wide["NCOURSES"] == wide["n_courses"]).all()
    for ours, theirs in (("TOTIU", "total_iu"), ("TOTIUKG", "total_iu_per_kg")):
        relative = ((wide[ours] - wide[theirs]).abs() / wide[theirs]).max()
        assert relative < 1e-9, (ours, relative)


def test_demo_levels_add_up(demo) -> None:
    adex, _ = demo
    level = (
        pl.when(pl.col("COURSE").is_null())
        .then(pl.lit("patient"))
        .when(pl.col("CYCLE").is_null())
        .then(pl.lit("course"))
        .otherwise(pl.lit("cycle"))
    )
    sums = (
        adex.filter(pl.col("PARAMCD").is_in(["DOSGIVN", "DOSHELD"]))
        .group_by(level.alias("level"), "PARAMCD")
        .agg(pl.col("AVAL").sum())
        .pivot(on="level", index="PARAMCD", values="AVAL")
    )
    assert (sums["patient"] == sums["course"]).all()
    assert (sums["course"] == sums["cycle"]).all()
    held = adex.filter(pl.col("PARAMCD") == "HLDRSN")["AVAL"].sum()
    assert held == sums.filter(pl.col("PARAMCD") == "DOSHELD")["cycle"].item()


def test_output_columns_types_and_order(demo) -> None:
    adex, _ = demo
    assert adex.schema == pl.Schema(
        {
            "STUDYID": pl.String,
            "USUBJID": pl.String,
            "COURSE": pl.Int64,
            "CYCLE": pl.Int64,
            "PARAMCD": pl.String,
            "PARAM": pl.String,
            "AVAL": pl.Float64,
            "AVALC": pl.String,
            "AVALU": pl.String,
            "ASTDTM": pl.Datetime("us"),
            "AENDTM": pl.Datetime("us"),
            "SRCDOM": pl.String,
        }
    )
    assert adex["SRCDOM"].unique().to_list() == ["doses"]
    assert adex["STUDYID"].n_unique() == 1
    # one PARAM per PARAMCD (ADaM), whatever the level
    assert adex.group_by("PARAMCD").agg(pl.col("PARAM").n_unique())["PARAM"].max() == 1
    # sorted by USUBJID, level (patient, course, cycle), COURSE, CYCLE, PARAMCD, AVALC
    keyed = adex.with_columns(
        (pl.col("COURSE").is_not_null().cast(pl.Int8) + pl.col("CYCLE").is_not_null()).alias("lv")
    )
    assert_frame_equal(keyed, keyed.sort("USUBJID", "lv", "COURSE", "CYCLE", "PARAMCD", "AVALC"))


def test_parameters_by_level_and_units(demo) -> None:
    adex, _ = demo
    expected = {
        "cycle": {"DOSGIVN", "DOSHELD", "DOSSCHED", "TOTIU", "TOTIUKG", "CYCCMPL", "HLDRSN"},
        "course": {"DOSGIVN", "DOSHELD", "TOTIU", "TOTIUKG", "NCYCLES"},
        "patient": {"C1DOSES", "C1IUKG", "DOSGIVN", "DOSHELD", "TOTIU", "TOTIUKG", "NCOURSES"},
    }
    for level, codes in expected.items():
        assert {p.paramcd for p in ADEX_PARAMETERS if p.level == level} == codes
    units = {p.paramcd: p.unit for p in ADEX_PARAMETERS}
    assert units["CYCCMPL"] is None
    assert units["HLDRSN"] == "doses"
    assert units["TOTIUKG"] == units["C1IUKG"] == "IU/kg"
    assert (units["NCYCLES"], units["NCOURSES"], units["TOTIU"]) == ("cycles", "courses", "IU")
    got = dict(adex.select("PARAMCD", "AVALU").unique().iter_rows())
    assert got == units


# ---------------------------------------------------------------- hand-made ledgers


def test_cycle_with_the_maximum_doses_is_complete() -> None:
    study = make_study([patient("P1")], cycle("P1", 1, 1, MAX) + cycle("P1", 1, 2, MAX - 1))
    adex = _adex(study)
    first = value(adex, "P1", "CYCCMPL", 1, 1)
    second = value(adex, "P1", "CYCCMPL", 1, 2)
    assert (first["AVAL"], first["AVALC"], first["AVALU"]) == (1.0, "Y", None)
    assert (second["AVAL"], second["AVALC"]) == (0.0, "N")
    assert value(adex, "P1", "DOSGIVN", 1, 1)["AVAL"] == MAX
    assert value(adex, "P1", "NCYCLES", 1)["AVAL"] == 2
    assert value(adex, "P1", "C1DOSES")["AVAL"] == 2 * MAX - 1
    assert value(adex, "P1", "TOTIU")["AVAL"] == (2 * MAX - 1) * IU
    assert value(adex, "P1", "C1IUKG")["AVAL"] == pytest.approx((2 * MAX - 1) * IU / 70)


def test_holds_are_counted_per_reason() -> None:
    held = ("hypotension", "oliguria", "hypotension")
    study = make_study([patient("P1")], cycle("P1", 1, 1, 5, held))
    adex = _adex(study)
    reasons = adex.filter(pl.col("PARAMCD") == "HLDRSN")
    assert reasons.select("AVALC", "AVAL", "AVALU").rows() == [
        ("hypotension", 2.0, "doses"),
        ("oliguria", 1.0, "doses"),
    ]
    assert value(adex, "P1", "DOSHELD", 1, 1)["AVAL"] == 3
    assert value(adex, "P1", "DOSSCHED", 1, 1)["AVAL"] == 8
    assert value(adex, "P1", "DOSHELD")["AVAL"] == 3
    # the cycle's dates: first and last given dose, also on its HLDRSN rows
    row = value(adex, "P1", "DOSGIVN", 1, 1)
    assert row["ASTDTM"] == START + dt.timedelta(minutes=5)
    assert row["AENDTM"] == START + dt.timedelta(hours=32, minutes=5)
    assert reasons["ASTDTM"].to_list() == [row["ASTDTM"]] * 2


def test_held_dose_without_reason_is_not_recorded() -> None:
    study = make_study([patient("P1")], cycle("P1", 1, 1, 4, (None, "  ", " confusion ")))
    reasons = _adex(study).filter(pl.col("PARAMCD") == "HLDRSN")
    assert reasons.select("AVALC", "AVAL").rows() == [("confusion", 1.0), ("not recorded", 2.0)]


def test_patient_without_doses_gets_zeros() -> None:
    study = make_study([patient("P1"), patient("P2")], cycle("P1", 1, 1, 3))
    adex = _adex(study)
    p2 = adex.filter(pl.col("USUBJID") == "P2")
    assert p2["COURSE"].null_count() == p2.height == 7
    assert dict(p2.select("PARAMCD", "AVAL").iter_rows()) == {
        "C1DOSES": 0.0,
        "C1IUKG": 0.0,
        "DOSGIVN": 0.0,
        "DOSHELD": 0.0,
        "NCOURSES": 0.0,
        "TOTIU": 0.0,
        "TOTIUKG": 0.0,
    }
    assert p2["ASTDTM"].null_count() == p2["AENDTM"].null_count() == 7


def test_study_without_any_dose() -> None:
    adex = _adex(make_study([patient("P1")], []))
    assert adex.height == 7
    assert adex["AVAL"].sum() == 0


def test_missing_weight_gives_null_iu_per_kg() -> None:
    study = make_study([patient("P1", weight=None)], cycle("P1", 1, 1, 3))
    adex = _adex(study)
    assert value(adex, "P1", "TOTIU")["AVAL"] == 3 * IU
    for code, course, cyc in (("TOTIUKG", None, None), ("C1IUKG", None, None), ("TOTIUKG", 1, 1)):
        assert value(adex, "P1", code, course, cyc)["AVAL"] is None


def test_given_dose_without_iu_makes_the_total_unknown() -> None:
    doses = cycle("P1", 1, 1, 3) + cycle("P1", 1, 2, 2, iu=None)
    adex = _adex(make_study([patient("P1")], doses))
    assert value(adex, "P1", "TOTIU", 1, 1)["AVAL"] == 3 * IU
    assert value(adex, "P1", "TOTIU", 1, 2)["AVAL"] is None
    assert value(adex, "P1", "TOTIU", 1)["AVAL"] is None
    assert value(adex, "P1", "TOTIU")["AVAL"] is None
    assert value(adex, "P1", "DOSGIVN")["AVAL"] == 5


def test_only_held_doses_and_no_course_1() -> None:
    doses = cycle("P1", 2, 1, 0, ("acidosis",)) + cycle("P1", 3, 1, 2)
    adex = _adex(make_study([patient("P1")], doses))
    row = value(adex, "P1", "TOTIU", 2, 1)
    assert (row["AVAL"], row["ASTDTM"], row["AENDTM"]) == (0.0, None, None)
    assert value(adex, "P1", "NCOURSES")["AVAL"] == 2
    assert value(adex, "P1", "C1DOSES")["AVAL"] == 0
    assert value(adex, "P1", "C1IUKG")["AVAL"] == 0
    first_given = START + dt.timedelta(days=200, minutes=5)
    assert value(adex, "P1", "DOSGIVN")["ASTDTM"] == first_given


# ---------------------------------------------------------------- independence across patients


@pytest.fixture(scope="module")
def small() -> Study:
    study = simulate(120, seed=5).study
    # varied, fractional IU: float sums depend on order in principle; the output must not
    doses = study.doses.with_columns(
        pl.col("dose_iu") * (1 + pl.col("dose_number") / 7 + pl.col("cycle") / 11) / 3
    )
    return Study(config=study.config, tables={**study.tables, "doses": doses})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_rows_in_any_input_order(small: Study, seed: int) -> None:
    shuffled = {
        **small.tables,
        "doses": small.doses.sample(fraction=1.0, shuffle=True, seed=seed),
        "patients": small.patients.sample(fraction=1.0, shuffle=True, seed=seed + 10),
    }
    again = _adex(Study(config=small.config, tables=shuffled))
    assert_frame_equal(again, _adex(small))


def test_same_rows_for_any_partition_of_patients(small: Study) -> None:
    ids = small.patients["patient_id"].shuffle(seed=3)
    parts = []
    for half in (ids[: len(ids) // 2], ids[len(ids) // 2 :]):
        tables = {
            name: frame.filter(pl.col("patient_id").is_in(half.implode()))
            if "patient_id" in frame.columns
            else frame
            for name, frame in small.tables.items()
        }
        parts.append(_adex(Study(config=small.config, tables=tables)))
    combined = pl.concat(parts).sort("USUBJID", maintain_order=True)
    assert_frame_equal(combined, _adex(small))


# ---------------------------------------------------------------- docs


def test_every_parameter_is_documented() -> None:
    text = (ROOT / "docs" / "derive.md").read_text(encoding="utf-8")
    for p in ADEX_PARAMETERS:
        assert f"`{p.paramcd}`" in text, p.paramcd


# ---------------------------------------------------------------- the command


def test_derive_writes_adex_csv(tmp_path: Path) -> None:
    out = tmp_path / "derived"
    result = run("derive", MINIMAL, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "adex.csv" in result.stdout and "SYNTHETIC" in result.stdout
    adex = pl.read_csv(out / "adex.csv", try_parse_dates=False)
    assert adex.height > 0
    assert adex.columns[:5] == ["STUDYID", "USUBJID", "COURSE", "CYCLE", "PARAMCD"]
    assert f"({adex.height} rows)" in result.stdout
    stamps = adex["ASTDTM"].drop_nulls()
    assert stamps.len() > 0
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", s) for s in stamps)
    p01 = adex.filter(pl.col("USUBJID") == "P01", pl.col("COURSE").is_null())
    assert dict(p01.select("PARAMCD", "AVAL").iter_rows())["TOTIU"] == 92_880_000


def test_derive_parquet(tmp_path: Path) -> None:
    out = tmp_path / "derived"
    result = run("derive", MINIMAL, "--out", out, "--format", "parquet")
    assert result.returncode == 0, result.stderr
    adex = pl.read_parquet(out / "adex.parquet")
    assert adex.schema["ASTDTM"] == pl.Datetime("us")
    assert adex.schema["COURSE"] == pl.Int64
    assert sorted(adex["USUBJID"].unique()) == ["P01", "P02", "P03"]


def test_derive_replaces_the_folder_atomically(tmp_path: Path) -> None:
    out = tmp_path / "derived"
    assert run("derive", MINIMAL, "--out", out).returncode == 0
    result = run("derive", MINIMAL, "--out", out, "--format", "parquet")
    assert result.returncode == 0, result.stderr
    # the old folder is gone as a whole (no stale adex.csv) and no temporary folder is left
    names = sorted(p.name for p in out.iterdir())
    assert "manifest.json" in names and "adex.parquet" in names
    assert not any(n.endswith(".csv") for n in names if n != "define.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["derived"]


def test_derive_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = run("derive", MINIMAL, "--out", out)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "notes.txt" in result.stderr
    assert (out / "notes.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


def test_derive_invalid_study_exits_1(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "s")
    (folder / "doses.csv").write_text(
        (folder / "doses.csv").read_text().replace("given,1990-05-10 08:05", "gvn,1990-05-10 08:05")
    )
    out = tmp_path / "derived"
    result = run("derive", folder, "--out", out)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "gvn" in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]


def test_derive_unknown_regimen_is_a_clean_error(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "s")
    toml = folder / "study.toml"
    toml.write_text(toml.read_text().replace("nci-hd-il2-720k", "no-such-regimen"))
    result = run("derive", folder, "--out", tmp_path / "derived")
    assert result.returncode == 1  # load() reports the unknown regimen as a study error
    assert "Traceback" not in result.stdout + result.stderr
    assert "no-such-regimen" in result.stdout + result.stderr
    assert not (tmp_path / "derived").exists()


def test_derive_rejects_unknown_format(tmp_path: Path) -> None:
    result = run("derive", MINIMAL, "--out", tmp_path / "x", "--format", "xlsx")
    assert result.returncode == 2
    assert "csv, parquet" in result.stderr
    assert not (tmp_path / "x").exists()
