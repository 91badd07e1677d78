"""The hand-made RECIST 1.1 and WHO patients of response_corpus.py, through the derivation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings

import polars as pl
import pytest

from remission.derive import (
    CRITERIA,
    MissingShortAxisWarning,
    derive_adrs,
    derive_adsl,
    overall_responses,
    reference_dates,
    subject_dates,
    tumor_assessments,
)
from remission.study import ROW_COLUMN, TABLES, Study, StudyConfig, empty_table
from tests.derive.response_corpus import CASES, Lesion, Reading, ResponseCase, Scan


def _study(case: ResponseCase) -> Study:
    """A one-patient study in memory from a corpus case."""
    pid = case.case_id
    d = dt.date.fromisoformat
    start = d(case.treatment_start)
    rows = {
        "patients": [
            {
                "patient_id": pid,
                "histology": "melanoma",
                "treatment_start": start,
                "last_known_alive": d(case.scans[-1].on) if case.scans else start,
            }
        ],
        "lesions": [
            {
                "patient_id": pid,
                "lesion_id": les.lesion_id,
                "site": les.organ,
                "organ": les.organ,
                "nodal": les.nodal,
                "target": les.target,
                "first_seen_on": d(les.first_seen_on),
            }
            for les in case.lesions
        ],
        "measurements": [
            {
                "patient_id": pid,
                "lesion_id": r.lesion_id,
                "assessed_on": d(scan.on),
                "longest_mm": r.longest_mm,
                "perpendicular_mm": r.perpendicular_mm,
                "short_axis_mm": r.short_axis_mm,
                "state": r.state,
            }
            for scan in case.scans
            for r in scan.readings
        ],
    }
    tables = {}
    for name in TABLES:
        template = empty_table(name)
        data = rows.get(name)
        if not data:
            tables[name] = template
            continue
        frame = pl.DataFrame(data).with_row_index(ROW_COLUMN, offset=2)
        tables[name] = frame.select(
            (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
            for c, t in template.schema.items()
        )
    config = StudyConfig(
        "corpus (synthetic)", d("2030-01-01"), ("melanoma",), case.criteria, None, True
    )
    return Study(config=config, tables=tables)


def _assessments(study: Study, criteria: str) -> pl.DataFrame:
    """``tumor_assessments`` of a study's tables by ``criteria`` (a name)."""
    t = study.table
    reference = reference_dates(t("patients"), study.config.reference_date)
    return tumor_assessments(t("lesions"), t("measurements"), reference, CRITERIA[criteria])


def _post_baseline(case: ResponseCase) -> pl.DataFrame:
    ta = _assessments(_study(case), case.criteria)
    return ta.filter(pl.col("ABLFL").is_null()).sort("ADT")


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_timepoint_responses(case: ResponseCase) -> None:
    post = _post_baseline(case)
    assert post["ADT"].cast(pl.String).to_list() == [s.on for s in case.scans[1:]], case.story
    assert tuple(post["TRGRESP"].to_list()) == case.expected_target, case.story
    assert tuple(post["NTRGRESP"].to_list()) == case.expected_nontarget, case.story
    assert tuple(n == "Y" for n in post["NEWLES"].to_list()) == case.expected_new, case.story
    assert tuple(post["OVRLRESP"].to_list()) == case.expected_overall, case.story


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_best_overall_response(case: ResponseCase) -> None:
    study = _study(case)
    criteria = CRITERIA[case.criteria]
    adrs = derive_adrs(
        overall_responses(study, "measurements", criteria), subject_dates(study, criteria)
    )
    bor = adrs.filter(pl.col("PARAMCD") == "BOR")["AVALC"].to_list()
    assert bor == [case.expected_bor], case.story


@pytest.mark.parametrize(("case_id", "cbor"), [("R33", "SD"), ("R47", "SD"), ("W18", "SD")])
def test_confirmed_bor_after_disease_following_a_cr(case_id: str, cbor: str) -> None:
    """RECIST 1.1 Table 3 (CR, then a time point that note a makes PD): the CR is not
    confirmed, and best response depends on whether the minimum SD duration was met (the CR on
    day 56 is past the 42 days, so SD)."""
    (case,) = [c for c in CASES if c.case_id == case_id]
    study = _study(case)
    criteria = CRITERIA[case.criteria]
    adrs = derive_adrs(
        overall_responses(study, "measurements", criteria), subject_dates(study, criteria)
    )
    assert adrs.filter(pl.col("PARAMCD") == "CBOR")["AVALC"].to_list() == [cbor]


def _without_short_axis(case: ResponseCase) -> ResponseCase:
    """``case`` with each node's short axis recorded as its perpendicular diameter instead."""
    scans = tuple(
        dataclasses.replace(
            scan,
            readings=tuple(
                dataclasses.replace(r, perpendicular_mm=r.short_axis_mm, short_axis_mm=None)
                if r.short_axis_mm is not None
                else r
                for r in scan.readings
            ),
        )
        for scan in case.scans
    )
    return dataclasses.replace(case, scans=scans)


def test_a_node_without_short_axis_warns_and_uses_its_perpendicular() -> None:
    """RECIST measures nodes by their short axis; without one, the perpendicular diameter is
    used in its place, with a warning (R15: the same responses)."""
    (case,) = [c for c in CASES if c.case_id == "R15"]
    with pytest.warns(MissingShortAxisWarning, match=r"3 readings of lymph nodes \(1 patient\)"):
        post = _post_baseline(_without_short_axis(case))
    assert tuple(post["OVRLRESP"].to_list()) == case.expected_overall
    assert post["AVAL"].to_list() == [22.0, 8.0]


def test_no_short_axis_warning_under_who() -> None:
    """WHO multiplies two diameters and never reads a short axis: nothing to warn about."""
    (case,) = [c for c in CASES if c.case_id == "R15"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingShortAxisWarning)
        _assessments(_study(_without_short_axis(case)), "who")


def test_a_measured_value_below_5_mm_is_used_as_measured() -> None:
    """R33: a target measured at 4 mm counts 4 mm (not the 5 mm of too_small)."""
    (case,) = [c for c in CASES if c.case_id == "R33"]
    assert _post_baseline(case)["AVAL"].to_list() == [0.0, 4.0, 7.0]


def test_one_baseline_for_adsl_and_tumor_assessments() -> None:
    """Two scans before treatment: the baseline is the later one (the last scan on or before
    the reference date) for the time-point responses and for ADSL's sites alike, so a lesion
    first seen on it is baseline disease, not a new lesion, and its organ counts."""
    case = ResponseCase(
        case_id="B01",
        criteria="recist1.1",
        story="",
        treatment_start="2020-01-10",
        lesions=(
            Lesion("T1", "liver", False, True, "2019-12-01"),
            Lesion("NT1", "lung", False, False, "2020-01-05"),
        ),
        scans=(
            Scan("2019-12-01", (Reading("T1", "present", 30.0),)),
            Scan("2020-01-05", (Reading("T1", "present", 30.0), Reading("NT1", "present"))),
            Scan("2020-03-01", (Reading("T1", "present", 25.0), Reading("NT1", "present"))),
        ),
        expected_target=(),
        expected_nontarget=(),
        expected_new=(),
        expected_overall=(),
        expected_bor="",
    )
    study = _study(case)
    ta = _assessments(study, "recist1.1")
    assert ta.filter(pl.col("ABLFL") == "Y")["ADT"].to_list() == [dt.date(2020, 1, 5)]
    post = ta.filter(pl.col("ADT") == dt.date(2020, 3, 1))
    assert post.select("NEWLES", "NTRGRESP", "OVRLRESP").row(0) == ("N", "NON-CR/NON-PD", "SD")
    t = study.table
    adsl = derive_adsl(
        t("patients"),
        reference_dates(t("patients")),
        t("prior_therapies"),
        t("lesions"),
        t("measurements"),
        cutoff_date=study.config.cutoff_date,
        synthetic=True,
    )
    assert adsl.select("NSITES", "SITES").row(0) == (2, "liver, lung")


def test_computed_responses_name_their_adtr_record() -> None:
    """R33 (CR on day 56, then PD): OVR rows and BOR name ADTR's OVRLRESP of the same date."""
    (case,) = [c for c in CASES if c.case_id == "R33"]
    study = _study(case)
    criteria = CRITERIA[case.criteria]
    adrs = derive_adrs(
        overall_responses(study, "measurements", criteria), subject_dates(study, criteria)
    )
    rows = adrs.filter(pl.col("PARAMCD").is_in(["OVR", "BOR", "PD", "DEATH"]))
    assert rows.select("PARAMCD", "ADT", "SRCDOM", "SRCVAR").rows() == [
        ("BOR", dt.date(2011, 10, 31), "ADTR", "OVRLRESP"),
        ("DEATH", None, None, None),
        ("OVR", dt.date(2011, 10, 31), "ADTR", "OVRLRESP"),
        ("OVR", dt.date(2011, 12, 26), "ADTR", "OVRLRESP"),
        ("OVR", dt.date(2012, 2, 20), "ADTR", "OVRLRESP"),
        ("PD", dt.date(2011, 12, 26), "ADTR", "OVRLRESP"),
    ]
