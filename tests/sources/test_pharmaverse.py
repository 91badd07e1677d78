"""The pharmaverse RECIST example (CDISC pilot subjects) imported from SDTM, checked against
the ADaM datasets pharmaverse published from the same records (ADSL, ADTR) and against the
end-to-end case TC4 of ``shared/conformance/pharmaverse/cases.md``."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from remission.sources import read_sdtm
from remission.study import Study, check_study, load, validate_study, write_study
from tests.sources.sdtm_data import PHARMAVERSE, adsl, needs_pharmaverse, stage_pharmaverse

pytestmark = needs_pharmaverse

D = dt.date


@pytest.fixture(scope="module")
def sdtm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stage_pharmaverse(tmp_path_factory.mktemp("pharmaverse") / "sdtm")


@pytest.fixture(scope="module")
def study(sdtm: Path) -> Study:
    return read_sdtm(sdtm, synthetic=True)


@pytest.fixture(scope="module")
def with_adsl(sdtm: Path) -> pl.DataFrame:
    return read_sdtm(sdtm, synthetic=True, adsl=PHARMAVERSE / "adam_adsl.csv").table("patients")


def _joined(patients: pl.DataFrame) -> pl.DataFrame:
    return patients.join(adsl().rename({"USUBJID": "patient_id"}), on="patient_id", how="inner")


def test_patients_and_treatment(study: Study) -> None:
    p = study.table("patients")
    assert p.height == 306
    assert p["treatment_start"].is_not_null().sum() == 254
    assert set(p["histology"]) == {"not recorded"}
    j = _joined(p)
    assert j.height == 306
    assert j.filter(pl.col("treatment_start").eq_missing(pl.col("TRTSDT"))).height == 306


def test_randomization_and_death_dates_equal_adsl(study: Study) -> None:
    j = _joined(study.table("patients"))
    assert j.filter(pl.col("randomized_on").eq_missing(pl.col("RANDDT"))).height == 306
    assert j.filter(pl.col("death_date").eq_missing(pl.col("DTHDT"))).height == 306
    assert j["death_date"].is_not_null().sum() == 3


def test_demographics(study: Study) -> None:
    p = study.table("patients").filter(pl.col("patient_id") == "01-701-1015")
    assert p.select("sex", "birth_date", "age_at_start_years").row(0) == (
        "F",
        D(1950, 12, 26),
        None,
    )
    assert study.config.name == "CDISCPILOT01 (SDTM import)"
    assert study.config.regimen is None
    assert study.config.reference_date == "randomization"
    assert study.config.response_criteria == "recist1.1"
    assert study.config.cutoff_date == D(2015, 3, 5)  # the latest complete date of any domain


def test_last_known_alive_from_the_domains(study: Study) -> None:
    """235 of the 254 treated subjects match ADSL LSTALVDT (docs/sources.md explains the rest:
    ADSL also uses AE and LB dates, which these domains do not hold)."""
    j = _joined(study.table("patients")).filter(pl.col("TRTSDT").is_not_null())
    assert j["last_known_alive"].is_not_null().all()
    assert j.filter(pl.col("last_known_alive") == pl.col("LSTALVDT")).height == 235
    later = j.filter(pl.col("last_known_alive") > pl.col("LSTALVDT"))["patient_id"].to_list()
    # 1115: an RS assessment after LSTALVDT; 1018, 1382: an EX start after LSTALVDT
    assert sorted(later) == ["01-701-1115", "01-705-1018", "01-705-1382"]
    untreated = _joined(study.table("patients")).filter(pl.col("TRTSDT").is_null())
    assert untreated["last_known_alive"].is_null().all()


def test_last_known_alive_from_adsl(with_adsl: pl.DataFrame) -> None:
    """With --adsl: 252 of 254 equal LSTALVDT; the two ADSL dates before the first dose are
    raised to the treatment start (the study format requires it)."""
    j = _joined(with_adsl).filter(pl.col("TRTSDT").is_not_null())
    assert j.filter(pl.col("last_known_alive") == pl.col("LSTALVDT")).height == 252
    raised = j.filter(pl.col("last_known_alive") != pl.col("LSTALVDT"))
    assert sorted(raised["patient_id"]) == ["01-705-1018", "01-705-1382"]
    assert (raised["last_known_alive"] == raised["treatment_start"]).all()
    assert (raised["LSTALVDT"] < raised["treatment_start"]).all()


TC4 = {
    "01-701-1015": [("2014-01-23", "SD"), ("2014-02-28", "NE"), ("2014-03-06", "CR")],
    "01-701-1028": [("2013-08-09", "SD"), ("2013-08-30", "PD"), ("2013-09-20", "SD")],
    "01-701-1034": [("2014-07-22", "NON-CR/NON-PD"), ("2014-08-12", "NON-CR/NON-PD")],
    "01-701-1097": [("2014-01-22", "NON-CR/NON-PD")],
    "01-701-1115": [("2012-12-21", "SD"), ("2013-01-11", "PR"), ("2013-02-01", "CR")],
    "01-701-1118": [
        ("2014-04-02", "SD"),
        ("2014-04-23", "PR"),
        ("2014-05-14", "NE"),
        ("2014-06-04", "PR"),
    ],
    "01-701-1130": [("2014-03-08", "SD"), ("2014-03-29", "SD"), ("2014-04-19", "PD")],
    "01-701-1133": [("2012-11-18", "PR"), ("2012-12-09", "CR"), ("2012-12-30", "PD")],
}
"""cases.md TC4: the investigator's overall responses (RSTESTCD = OVRLRESP)."""


def test_assessments_are_tc4(study: Study) -> None:
    a = study.table("assessments").sort("patient_id", "assessed_on")
    assert a.height == 22
    assert a["patient_id"].n_unique() == 8
    got = {
        subject: [(str(r["assessed_on"]), r["response"]) for r in rows.iter_rows(named=True)]
        for (subject,), rows in a.group_by("patient_id", maintain_order=True)
    }
    assert got == TC4


def test_partial_response_date_imputed_to_month_end(study: Study) -> None:
    a = study.table("assessments").filter(pl.col("patient_id") == "01-701-1015")
    imputed = a.filter(pl.col("assessed_on_imputed").is_not_null())
    assert imputed.select("assessed_on", "response", "assessed_on_imputed").rows() == [
        (D(2014, 2, 28), "NE", "D")
    ]
    assert a["sequence"].to_list() == [3, 6, 9]  # RSSEQ of the investigator's records


def test_lesions(study: Study) -> None:
    lesions = study.table("lesions")
    assert lesions.height == 25
    assert lesions["target"].sum() == 20
    nodal = lesions.filter("nodal")
    assert sorted(zip(nodal["patient_id"], nodal["lesion_id"], strict=True)) == [
        ("01-701-1015", "T02"),
        ("01-701-1115", "T01"),
        ("01-701-1115", "T03"),
        ("01-701-1130", "T03"),
    ]
    assert (nodal["organ"] == "lymph_node").all()
    organs = dict(lesions.select("site", "organ").unique().iter_rows())
    assert organs["ADRENAL GLAND"] == "adrenal"
    assert organs["COLON"] == "intestine"
    assert organs["BREAST"] == "breast"
    assert organs["BONE"] == "bone"
    assert {organs[s] for s in ("BODY", "CHEST", "ESOPHAGUS", "BLADDER", "ANUS")} == {"other"}
    first = lesions.filter(pl.col("patient_id") == "01-701-1015")
    assert set(first["first_seen_on"]) == {D(2014, 1, 2)}


def test_measurements(study: Study) -> None:
    m = study.table("measurements")
    assert m.height == 91  # 78 target lesion-dates + 13 non-target (repeated records dropped)
    assert Counter(m["state"]) == {"present": 78, "absent": 13}
    nodal = m.join(
        study.table("lesions").filter("nodal").select("patient_id", "lesion_id"),
        on=["patient_id", "lesion_id"],
    )
    assert nodal.height == 15
    assert nodal["short_axis_mm"].is_not_null().all()
    assert (nodal["short_axis_mm"] == nodal["perpendicular_mm"]).all()
    assert (
        m.join(nodal, on=["patient_id", "lesion_id"], how="anti")["short_axis_mm"].is_null().all()
    )
    t02 = m.filter((pl.col("patient_id") == "01-701-1015") & (pl.col("lesion_id") == "T02"))
    assert t02.select("assessed_on", "longest_mm", "short_axis_mm").rows() == [
        (D(2014, 1, 2), 33.28, 32.0),
        (D(2014, 1, 23), 35.7, 34.0),
        (D(2014, 3, 6), 7.49, 7.0),
    ]


def test_sum_of_diameters_equals_adtr(study: Study) -> None:
    """Longest diameter for other lesions, short axis (LPERP) for nodes: the target sums are
    admiralonco's SDIAM (ADTR), date for date, including the imputed 2014-02-01."""
    m = study.table("measurements").join(
        study.table("lesions").filter("target"), on=["patient_id", "lesion_id"]
    )
    ours = m.group_by("patient_id", "assessed_on").agg(
        pl.when(pl.col("nodal")).then("short_axis_mm").otherwise("longest_mm").sum().alias("sum")
    )
    adtr = pl.read_csv(PHARMAVERSE / "adam_adtr_onco.csv", infer_schema=False).filter(
        pl.col("PARAMCD") == "SDIAM"
    )
    adtr = adtr.select(
        pl.col("USUBJID").alias("patient_id"),
        pl.col("ADT").str.to_date().alias("assessed_on"),
        pl.col("AVAL").cast(pl.Float64).alias("SDIAM"),
    )
    both = adtr.join(ours, on=["patient_id", "assessed_on"], how="full", coalesce=True)
    assert both.height == 25
    assert (both["sum"] - both["SDIAM"]).abs().max() < 1e-9


def test_written_study_loads(study: Study, tmp_path: Path) -> None:
    loaded = load(write_study(study, tmp_path / "study", "csv"))
    codes = Counter(w.code for w in loaded.warnings)
    assert set(codes) == {"patient.not_treated", "table.empty"}
    not_treated = [w for w in loaded.warnings if w.code == "patient.not_treated"]
    assert sum(1 + w.more_rows for w in not_treated) == 52
    assert loaded.patients.height == 306
    assert loaded.regimen is None
    for name in ("patients", "lesions", "measurements", "assessments"):
        assert loaded.table(name).equals(study.table(name)), name


def test_import_notes(study: Study) -> None:
    assert [(w.code, w.file, w.row) for w in study.warnings] == [
        ("sdtm.repeated_record", "tr.csv", 215)
    ]


def test_independent_assessor(sdtm: Path) -> None:
    """The other evaluator: two radiologists per record, the accepted one (ACPTFL = Y) kept."""
    other = read_sdtm(sdtm, synthetic=True, evaluator="independent assessor")
    assert other.table("assessments").height == 22
    assert other.table("lesions").height == 25
    assert "INDEPENDENT ASSESSOR" in other.config.description


def test_validated_in_memory_as_when_written_and_loaded(study: Study, tmp_path: Path) -> None:
    """The import command validates the study in memory (rows as they will be written) instead
    of writing and loading it: the problems are the same."""
    as_written = {
        name: frame.drop("_row").with_row_index("_row", offset=2)
        for name, frame in study.tables.items()
    }
    problems = validate_study(Study(study.config, as_written))
    _, loaded = check_study(write_study(study, tmp_path / "study", "csv"))
    assert problems == loaded


def test_record_order_does_not_matter(sdtm: Path, study: Study, tmp_path: Path) -> None:
    """TR, TU and RS records in another order map to the same tables (only ``_row`` moves)."""
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    for file in sdtm.iterdir():
        frame = pl.read_csv(file, infer_schema=False)
        if file.stem.lower() in ("tr", "tu", "rs"):
            frame = frame.sample(fraction=1.0, shuffle=True, seed=11)
        frame.write_csv(shuffled / file.name)
    other = read_sdtm(shuffled, synthetic=True)
    keys = {
        "patients": ["patient_id"],
        "lesions": ["patient_id", "lesion_id"],
        "measurements": ["patient_id", "lesion_id", "assessed_on"],
        "assessments": ["patient_id", "assessed_on", "sequence"],
    }
    for name, key in keys.items():
        assert other.table(name).sort(key).equals(study.table(name).sort(key)), name
    assert [w.code for w in other.warnings] == [w.code for w in study.warnings]
