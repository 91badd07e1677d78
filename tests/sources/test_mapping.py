"""The mapping rules of docs/sources.md on the small made-up study (``data/minimal``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from remission.sources import ORGAN_PATTERNS, read_sdtm
from remission.study import ORGANS, Study, load, write_study
from tests.sources.sdtm_data import MINIMAL, copy_minimal

D = dt.date


@pytest.fixture(scope="module")
def study() -> Study:
    return read_sdtm(MINIMAL)


def patient(study: Study, patient_id: str) -> dict[str, object]:
    return study.table("patients").filter(pl.col("patient_id") == patient_id).row(0, named=True)


def test_patients(study: Study) -> None:
    first = patient(study, "S1-001")
    assert first["sex"] == "F"
    assert first["birth_date"] == D(1950, 12, 26)
    assert first["age_at_start_years"] is None
    assert first["treatment_start"] == D(2014, 1, 3)
    assert first["randomized_on"] == D(2014, 1, 2)
    # latest of EX (2014-03-01), DS FINAL LAB VISIT (2014-05-01), complete TR/RS dates
    assert first["last_known_alive"] == D(2014, 5, 1)
    assert first["death_date"] is None
    second = patient(study, "S1-002")
    assert second["birth_date"] is None  # BRTHDTC 1944: partial, so AGE is used
    assert second["age_at_start_years"] == 70.0
    assert second["death_date"] == second["last_known_alive"] == D(2014, 6, 10)
    failure = patient(study, "S1-003")
    assert failure["sex"] is None  # U
    assert failure["treatment_start"] is None
    assert failure["last_known_alive"] is None


def test_config(study: Study) -> None:
    cfg = study.config
    assert cfg.name == "S1 (SDTM import)"
    assert cfg.synthetic is False
    assert cfg.cutoff_date == D(2014, 6, 10)
    assert cfg.histologies == ("not recorded",)
    assert cfg.regimen is None
    again = read_sdtm(MINIMAL, synthetic=True, histology="melanoma", cutoff=D(2015, 1, 1))
    assert again.config.synthetic is True
    assert again.config.cutoff_date == D(2015, 1, 1)
    assert set(again.table("patients")["histology"]) == {"melanoma"}
    assert again.config.histologies == ("melanoma",)


def test_lesions_and_states(study: Study) -> None:
    lesions = study.table("lesions")
    assert lesions.select("lesion_id", "organ", "nodal", "target").rows() == [
        ("T01", "lung", False, True),
        ("T02", "lymph_node", True, True),
        ("NT01", "liver", False, False),
        ("T01", "other", False, True),
        ("NEW01", "bone", False, False),
    ]
    new = lesions.filter(pl.col("lesion_id") == "NEW01")
    assert new["first_seen_on"].to_list() == [D(2014, 3, 1)]
    m = study.table("measurements")
    states = dict(
        zip(
            zip(m["patient_id"], m["lesion_id"], m["assessed_on"], strict=True),
            m["state"],
            strict=True,
        )
    )
    assert states[("S1-001", "T01", D(2014, 2, 1))] == "absent"  # 0 mm; TRDTC 2014-02: 1st
    assert states[("S1-001", "T02", D(2014, 2, 1))] == "present"  # a node of 8 x 6 mm
    assert states[("S1-001", "NT01", D(2014, 2, 1))] == "absent"  # TUMSTATE ABSENT
    assert states[("S1-002", "T01", D(2014, 3, 1))] == "too_small"
    assert states[("S1-002", "NEW01", D(2014, 3, 1))] == "unequivocal_progression"
    node = m.filter(pl.col("lesion_id") == "T02")
    assert node["short_axis_mm"].to_list() == [17.0, 6.0]
    assert m.filter(pl.col("lesion_id") != "T02")["short_axis_mm"].is_null().all()


def test_assessments(study: Study) -> None:
    a = study.table("assessments")
    assert a.rows() == [
        ("S1-001", D(2014, 2, 28), "PR", 1, "D"),
        ("S1-001", D(2014, 3, 5), "CR", 2, None),
        ("S1-002", D(2014, 3, 1), "PD", 1, None),
    ]


def test_year_only_response_date(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "sdtm")
    rs = folder / "rs.csv"
    rs.write_text(rs.read_text().replace("2014-03-01,1", "2014,1"))
    a = read_sdtm(folder).table("assessments").filter(pl.col("patient_id") == "S1-002")
    assert a.select("assessed_on", "assessed_on_imputed").row(0) == (D(2014, 12, 31), "M")


def test_partial_death_date(tmp_path: Path) -> None:
    """A missing day is the 1st (admiral's ADSL), but not before the month's last record."""
    folder = copy_minimal(tmp_path / "sdtm")
    dm = folder / "dm.csv"
    dm.write_text(dm.read_text().replace("2014-06-10", "2014-07"))
    imputed = read_sdtm(folder)
    assert patient(imputed, "S1-002")["death_date"] == D(2014, 7, 1)
    assert [w.code for w in imputed.warnings] == ["sdtm.death_imputed"]
    dm.write_text(dm.read_text().replace("2014-07", "2014-04"))  # EX ends 2014-04-01 ...
    ex = folder / "ex.csv"
    ex.write_text(ex.read_text().replace("2014-04-01", "2014-04-20"))  # ... now the 20th
    assert patient(read_sdtm(folder), "S1-002")["death_date"] == D(2014, 4, 20)


def test_absent_domains_are_noted(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "sdtm")
    for name in ("ds", "ex", "tu", "tr", "rs"):
        (folder / f"{name}.csv").unlink()
    study = read_sdtm(folder)
    assert [w.code for w in study.warnings] == ["sdtm.domain_absent"] * 5
    assert study.table("patients").height == 3
    assert study.table("patients")["treatment_start"].is_null().all()
    for name in ("lesions", "measurements", "assessments", "doses", "labs"):
        assert study.table(name).is_empty()
    loaded = load(write_study(study, tmp_path / "study"))
    assert loaded.patients.height == 3


def test_organ_vocabulary() -> None:
    assert {organ for organ, _ in ORGAN_PATTERNS} <= set(ORGANS)


def test_minimal_study_loads(study: Study, tmp_path: Path) -> None:
    loaded = load(write_study(study, tmp_path / "study"))
    assert {w.code for w in loaded.warnings} == {"patient.not_treated", "table.empty"}
