"""Bad REDCap exports: every problem one line naming record, event, instrument and field.

The messages are part of the interface: each case's messages are snapshotted whole. The cases
edit a good export of 20 simulated patients (``cases.py``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from remission.sources import read_redcap
from remission.study import StudyError
from tests.cli.test_cli import run
from tests.sources.redcap.cases import CASES, base_export, write_case

SNAPSHOTS = {
    "unknown field": [
        "error: export.csv row 1, column weight_lb: expected a field of the data dictionary (or a REDCap column); fix: did you mean 'weight_kg'?",
    ],
    "unknown field in a label export": [
        "error: export.csv row 1, column Weight (lb): expected a field label of the data dictionary, in the dictionary's order; fix: export the labels with the dictionary the project uses, or use a raw export (CSV Raw data)",
    ],
    "record id not first": [
        "error: export.csv row 1, column redcap_event_name: expected the record id field 'record_id' as the first column; fix: export the records with their record id (REDCap always adds it)",
    ],
    "choice not in the dictionary": [
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument prior_therapy #1] row 3, column prior_category: '9': expected one of the dictionary's choices (1 = immunotherapy; 2 = chemotherapy; 3 = radiotherapy; 4 = surgery; 5 = targeted; 6 = hormonal; 7 = other); fix: correct the value in REDCap, or add the choice to the dictionary",
    ],
    "choice label not in the dictionary": [
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument demographics] row 2, column histology: 'sarcoma': expected one of the dictionary's choices (1 = melanoma; 2 = renal); fix: correct the value in REDCap, or add the choice to the dictionary",
    ],
    "date in the wrong format": [
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument demographics] row 2, column birth_date: '05/10/1950': expected a date as YYYY-MM-DD (the dictionary's date_ymd); fix: export the dates as REDCap writes them (YYYY-MM-DD), or fix the value",
    ],
    "impossible date": [
        "error: export.csv [record SYN-0001, event follow_up_arm_1, instrument follow_up] row 102, column last_known_alive: '1998-02-30': expected a date as YYYY-MM-DD (the dictionary's date_ymd); fix: export the dates as REDCap writes them (YYYY-MM-DD), or fix the value",
    ],
    "date-time without a time": [
        "error: export.csv [record SYN-0001, event treatment_arm_1, instrument il2_dose #1] row 6, column dose_scheduled_at: '1990-01-02': expected a date as YYYY-MM-DD HH:MM (the dictionary's datetime_ymd); fix: export the dates as REDCap writes them (YYYY-MM-DD), or fix the value",
    ],
    "number with a unit": [
        "error: export.csv [record SYN-0001, event treatment_arm_1, instrument il2_dose #1] row 6, column dose_iu: '4.6e7 IU': expected a number; fix: write the number without units or text",
    ],
    "whole number with decimals": [
        "error: export.csv [record SYN-0001, event treatment_arm_1, instrument il2_dose #1] row 6, column dose_cycle: '1.5': expected a whole number; fix: write the number without units or text",
    ],
    "number outside the dictionary's range": [
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument demographics] row 2, column weight_kg: '450': expected a number at most 300 (the dictionary's range); fix: check the value and its unit",
    ],
    "yes/no not 0 or 1": [
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument lesion #1] row 4, column lesion_nodal: 'maybe': expected one of the dictionary's choices (1 = Yes; 0 = No); fix: correct the value in REDCap, or add the choice to the dictionary",
    ],
    "checkbox not 0 or 1": [
        "error: export.csv [record SYN-0001, event treatment_arm_1, instrument il2_dose #1] row 6, column dose_hold_reason___1: '2': expected 1 or 0 (a checkbox); fix: export the data again from REDCap",
    ],
    "checkbox of an unknown choice": [
        "error: export.csv row 1, column dose_hold_reason___77: expected a field of the data dictionary (or a REDCap column); fix: did you mean 'dose_hold_reason___7'?",
    ],
    "repeat instance gap": [
        "error: export.csv [record SYN-0001, event treatment_arm_1, instrument lab #2] row 42, column redcap_repeat_instance: 'instance 2 without instance 1': expected instances numbered 1, 2, 3, ... without a gap; fix: a deleted instance leaves a gap: export again, or renumber the instances",
    ],
    "repeat instance not a number": [
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument lab #two] row 5, column redcap_repeat_instance: 'two': expected an instance number 1, 2, 3, ... on a repeating row; fix: export the data again; instances are numbered by REDCap",
    ],
    "repeat instance without an instrument": [
        "error: export.csv [record SYN-0001, event baseline_arm_1] row 2, column redcap_repeat_instance: '1': expected no instance on a row without a repeat instrument; fix: name the instrument in redcap_repeat_instrument or clear the instance",
    ],
    "instrument that does not repeat": [
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument demographics #1] row 5, column redcap_repeat_instrument: 'demographics': expected a repeating instrument: prior_therapy, il2_dose, lesion, measurement, lab, response; fix: only these instruments repeat in the template",
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument demographics #1] row 5, column lab_drawn_at: '1985-09-17 07:30': expected values of instrument lab on its own repeating rows; fix: export the data again from REDCap; the rows were edited",
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument demographics #1] row 5, column lab_analyte: '1': expected values of instrument lab on its own repeating rows; fix: export the data again from REDCap; the rows were edited",
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument demographics #1] row 5, column lab_value: '2880': expected values of instrument lab on its own repeating rows; fix: export the data again from REDCap; the rows were edited",
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument demographics #1] row 5, column lab_unit: '1': expected values of instrument lab on its own repeating rows; fix: export the data again from REDCap; the rows were edited",
    ],
    "record in no event": [
        "error: export.csv [record SYN-0001, event (none), instrument measurement #1] row 69, column redcap_event_name: expected the event of the record (redcap_event_name); fix: export the data of a longitudinal project with its events",
        "error: export.csv [record SYN-0001, event tumor_assessment_arm_1, instrument measurement #2] row 70, column redcap_repeat_instance: 'instance 2 without instance 1': expected instances numbered 1, 2, 3, ... without a gap; fix: a deleted instance leaves a gap: export again, or renumber the instances",
    ],
    "unknown event": [
        "error: export.csv [record SYN-0001, event month_3_arm_1] row 102, column redcap_event_name: 'month_3_arm_1': expected one of the project's events: baseline_arm_1, treatment_arm_1, tumor_assessment_arm_1, follow_up_arm_1; fix: use the template's arm layout (docs/sources.md)",
    ],
    "instrument in an event it is not designated to": [
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument il2_dose #6] row 11, column redcap_repeat_instance: 'instance 6 without instance 5': expected instances numbered 1, 2, 3, ... without a gap; fix: a deleted instance leaves a gap: export again, or renumber the instances",
        "error: export.csv [record SYN-0001, event treatment_arm_1, instrument il2_dose #7] row 12, column redcap_repeat_instance: 'instance 7 without instance 6': expected instances numbered 1, 2, 3, ... without a gap; fix: a deleted instance leaves a gap: export again, or renumber the instances",
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument il2_dose #6] row 11, column redcap_event_name: 'baseline_arm_1': expected instrument il2_dose in its events: treatment_arm_1; fix: enter the data in the event the template designates (docs/sources.md)",
    ],
    "duplicate row": [
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument prior_therapy #1] row 3, column record_id: expected one row per record, event, instrument and instance; fix: remove the repeated row (the export was edited or concatenated)",
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument prior_therapy #1] row 1379, column record_id: expected one row per record, event, instrument and instance; fix: remove the repeated row (the export was edited or concatenated)",
    ],
    "value on another instrument's row": [
        "error: export.csv [record SYN-0001, event baseline_arm_1, instrument lab #1] row 5, column meas_longest_mm: '12': expected values of instrument measurement on its own repeating rows; fix: export the data again from REDCap; the rows were edited",
    ],
    "record without demographics": [
        "error: export.csv [record SYN-9999, event baseline_arm_1, instrument lesion #1] row 4, column record_id: expected a record with the demographics instrument filled in; fix: enter the patient's demographics, or remove the record",
    ],
    "empty record id": [
        "error: export.csv [record (empty), event treatment_arm_1, instrument lab #3] row 44, column record_id: expected a record id on every row; fix: fill in the record id",
        "error: export.csv [record SYN-0001, event treatment_arm_1, instrument lab #4] row 45, column redcap_repeat_instance: 'instance 4 without instance 3': expected instances numbered 1, 2, 3, ... without a gap; fix: a deleted instance leaves a gap: export again, or renumber the instances",
    ],
    "row with more fields than the header": [
        "error: export.csv row 3: expected 63 fields as in the header, found 64; fix: export the data again from REDCap; do not edit it in a spreadsheet",
    ],
    "not UTF-8": [
        "error: export.csv row 104: 'byte 0xE9': expected UTF-8 text, as REDCap exports it; fix: export the data again from REDCap (CSV), or convert it to UTF-8",
    ],
    "empty file": [
        "error: export.csv row 1: expected a REDCap CSV export with a header row; fix: export the data from REDCap (Data Exports > CSV)",
    ],
    "study rule: perpendicular longer than longest": [
        "error: export.csv [record SYN-0001, event tumor_assessment_arm_1, instrument measurement #1] row 69, column meas_perp_mm: '400': expected a perpendicular diameter no longer than the longest diameter; fix: swap the two diameters, or correct one",
    ],
}


@pytest.fixture(scope="module")
def exports() -> dict[bool, pl.DataFrame]:
    return {False: base_export(False), True: base_export(True)}


def test_there_are_at_least_twenty_cases() -> None:
    assert len(CASES) >= 20
    assert sorted(SNAPSHOTS) == sorted(c.name for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_export_messages(case, exports: dict, tmp_path: Path) -> None:
    export = write_case(tmp_path, case.edit(exports[case.labels]))
    with pytest.raises(StudyError) as caught:
        read_redcap(export, tmp_path / "dictionary.csv")
    assert [p.render() for p in caught.value.problems] == SNAPSHOTS[case.name]


@pytest.mark.parametrize("name", ["date in the wrong format", "not UTF-8", "empty file"])
def test_the_command_prints_one_line_each_and_writes_nothing(
    name: str, exports: dict, tmp_path: Path
) -> None:
    case = next(c for c in CASES if c.name == name)
    export = write_case(tmp_path / "in", case.edit(exports[case.labels]))
    out = tmp_path / "study"
    result = run("import", "redcap", export, "--dictionary", tmp_path / "in" / "dictionary.csv",
                 "--out", out)  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert not out.exists()
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "1 error, 0 warnings in the study"
    assert lines[0].startswith("export.csv") and ": error: " in lines[0]


def test_the_good_exports_import(exports: dict, tmp_path: Path) -> None:
    for labels, frame in exports.items():
        export = write_case(tmp_path / str(labels), frame)
        study = read_redcap(export, tmp_path / str(labels) / "dictionary.csv")
        assert study.patients.height == 20
