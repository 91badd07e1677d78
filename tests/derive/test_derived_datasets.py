"""The derivations as functions of tables, and the typed bundle ``derive_study`` returns."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from remission.derive import (
    DATASETS,
    WHO,
    DerivedDatasets,
    ResponseRules,
    derive_adex,
    derive_adlb,
    derive_adrs,
    derive_adsl,
    derive_adtr,
    derive_adtte,
    derive_study,
    overall_responses,
    reference_dates,
    subject_dates,
    tumor_assessments,
)
from remission.simulate import simulate
from remission.study import Study


@pytest.fixture(scope="module")
def randomized() -> Study:
    """A simulated study whose reference date is randomisation, 9 days before treatment."""
    study = simulate(60, 3).study
    tables = dict(study.tables)
    tables["patients"] = tables["patients"].with_columns(
        (pl.col("treatment_start") - pl.duration(days=9)).alias("randomized_on")
    )
    config = dataclasses.replace(study.config, reference_date="randomization")
    return Study(config=config, tables=tables, regimen=study.regimen)


def test_derive_study_is_the_table_functions_composed(randomized: Study) -> None:
    """Every dataset of ``derive_study`` is what the table functions give, fed the study's
    tables and settings by hand; the reference date is randomisation's throughout."""
    study, t, name = randomized, randomized.table, randomized.config.name
    derived = derive_study(study)
    reference = reference_dates(t("patients"), "randomization")
    assessments = tumor_assessments(t("lesions"), t("measurements"), reference, WHO)
    subjects = subject_dates(study, WHO, assessments)
    adrs = derive_adrs(overall_responses(study, "auto", WHO, assessments), subjects, None, name)
    max_doses = study.regimen.max_doses_per_cycle
    adex = derive_adex(t("doses"), t("patients"), max_doses, name)
    adlb = derive_adlb(t("labs"), t("doses"), studyid=name)
    expected = {
        "adex": adex,
        "adtr": derive_adtr(assessments, WHO, name),
        "adrs": adrs,
        "adtte": derive_adtte(adrs, subjects, name),
        "adlb": adlb,
        "adsl": derive_adsl(
            t("patients"),
            reference,
            t("prior_therapies"),
            t("lesions"),
            t("measurements"),
            adex=adex,
            adlb=adlb,
            adrs=adrs,
            cutoff_date=study.config.cutoff_date,
            synthetic=study.config.synthetic,
            studyid=name,
        ),
    }
    assert list(derived) == list(expected)
    for key, frame in expected.items():
        assert_frame_equal(derived[key], frame)
    refdt = derived.adsl.join(
        t("patients").select(pl.col("patient_id").alias("USUBJID"), "randomized_on"),
        on="USUBJID",
    )
    assert (refdt["REFDT"] == refdt["randomized_on"]).all()
    assert (
        subjects["REFDT"]
        == subjects["USUBJID"].replace_strict(dict(refdt.select("USUBJID", "randomized_on").rows()))
    ).all()


def test_a_different_reference_date_changes_the_baseline() -> None:
    """Two scans before treatment, randomisation between them: the rule picks the baseline."""
    d = dt.date
    patients = pl.DataFrame(
        {"patient_id": ["A"], "treatment_start": [d(2020, 2, 1)], "randomized_on": [d(2020, 1, 10)]}
    )
    lesions = pl.DataFrame(
        {
            "patient_id": ["A"],
            "lesion_id": ["T1"],
            "organ": ["liver"],
            "nodal": [False],
            "target": [True],
            "first_seen_on": [d(2020, 1, 1)],
        }
    )
    measurements = pl.DataFrame(
        {
            "patient_id": ["A"] * 3,
            "lesion_id": ["T1"] * 3,
            "assessed_on": [d(2020, 1, 1), d(2020, 1, 20), d(2020, 3, 1)],
            "state": ["present"] * 3,
            "longest_mm": [40.0, 30.0, 19.0],
            "perpendicular_mm": [30.0, 20.0, 15.0],
            "short_axis_mm": [None, None, None],
        },
        schema_overrides={"short_axis_mm": pl.Float64},
    )
    baselines = {}
    for rule in ("treatment_start", "randomization"):
        ta = tumor_assessments(lesions, measurements, reference_dates(patients, rule), WHO)
        baselines[rule] = ta.filter(pl.col("ABLFL") == "Y")["ADT"].to_list()
    assert baselines == {"treatment_start": [d(2020, 1, 20)], "randomization": [d(2020, 1, 1)]}


def test_the_bundle_is_typed_and_read_only() -> None:
    derived = derive_study(simulate(30, 1).study, ResponseRules(confirmation_days=21))
    assert list(derived) == [n for n in DATASETS if n != "rsqc"]
    assert derived.rsqc is None and "rsqc" not in derived and len(derived) == 6
    assert derived.rules.confirmation_days == 21 and derived.source == "measurements"
    with pytest.raises(KeyError):
        derived["rsqc"]
    with pytest.raises(KeyError):
        derived["criteria"]  # a rule object, not a dataset
    with pytest.raises(dataclasses.FrozenInstanceError):
        derived.adsl = derived.adrs  # type: ignore[misc]
    again = DerivedDatasets.of(dict(derived), derived.criteria, derived.rules, derived.source)
    assert list(again) == list(derived)
    assert all(again[n] is derived[n] for n in derived)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["adsl", "adrs", "adtte", "adtr2"], "unknown: adtr2; missing: none"),
        (["adsl", "adrs"], "unknown: none; missing: adtte"),
    ],
)
def test_datasets_from_elsewhere_are_named_as_derive_study_names_them(
    names: list[str], message: str
) -> None:
    frames = dict.fromkeys(names, pl.DataFrame())
    with pytest.raises(ValueError, match=message):
        DerivedDatasets.of(frames, WHO, ResponseRules(), "recorded")


def test_one_definition_of_days_per_month_and_the_report_imports_no_simulator() -> None:
    """The report, analysis and simulate share ``remission._units``; importing the report
    loads nothing of ``remission.simulate``."""
    code = (
        "import sys, remission.report, remission.analysis._followup as f, remission._units as u\n"
        "assert f.DAYS_PER_MONTH is u.DAYS_PER_MONTH and f.DAYS_PER_YEAR is u.DAYS_PER_YEAR\n"
        "print(sorted(m for m in sys.modules if m.startswith('remission.simulate')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
