"""Every bad input gets a clear message: file, row, column, value, what was expected, the fix.

The expected messages are snapshots: a change of wording is a change of interface and must be
made here on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from remission.study import StudyError, check_study, load
from tests.study.bad_input_cases import CASES, copy_minimal

EXPECTED = {
    "latin1_bytes": (
        "error: lesions.csv row 5: 'byte 0xE9': expected UTF-8 text (this byte is 'é' in Latin-1); fix: save the file as 'CSV UTF-8' (Excel) or convert it: iconv -f latin1 -t utf-8"
    ),
    "excel_serial_date": (
        "error: patients.csv row 2, column treatment_start: '33003': expected a date in ISO 8601; this looks like an Excel serial number (33003 = 1990-05-10); fix: format the column as a date (YYYY-MM-DD) in the spreadsheet before saving"
    ),
    "trailing_blank_rows": (
        "warning: measurements.csv row 9: expected no blank rows; fix: blank rows are ignored; delete them to silence this (and 2 more rows like this)"
    ),
    "zero_row_table": (
        "warning: prior_therapies.csv: expected at least one row in prior_therapies; fix: the table has a header but no rows; analyses that need it are skipped"
    ),
    "binary_file_not_table": (
        "error: labs.csv: expected a CSV text table; this file holds binary data; fix: export the table as CSV (comma-separated, UTF-8)"
    ),
    "prose_not_table": (
        "error: labs.csv row 1: 'Lab results were faxed on Monday.': expected a table with a header row naming the columns patient_id, drawn_at, analyte, value, unit; fix: export the table as comma-separated values with that header"
    ),
    "empty_file": (
        "error: labs.csv: expected a header row naming the columns; fix: the file is empty; add the table"
    ),
    "ragged_row": (
        "error: labs.csv row 6: 'P01,1990-05-14 06:00,lymphocytes,3.9,10^9/L,extra': expected 5 fields as in the header, found 6; fix: remove the extra separators or quote values that contain commas"
    ),
    "missing_table": (
        "error: lesions.csv: expected the lesions table (as lesions.csv, lesions.parquet or a sheet 'lesions' in the workbook); fix: add the lesions table; see docs/study-format.md"
    ),
    "two_sources_one_table": (
        "error: patients.csv: 'patients.csv, patients.parquet': expected one source for the patients table; fix: keep one of these files and remove the others"
    ),
    "two_workbooks": (
        "error: study: 'a.xlsx, b.xlsx': expected at most one .xlsx workbook in the study folder; fix: keep one, or name it in study.toml: workbook = \"...\""
    ),
    "unknown_file": (
        "warning: patient.csv: expected a table of the study format; fix: it is ignored; rename it to patients.csv if that is what it holds"
    ),
    "missing_column": (
        "error: patients.csv row 1, column death_date: expected a column 'death_date'; fix: add a column 'death_date': Date of death; empty if alive."
    ),
    "misspelled_column": (
        "error: patients.csv row 1, column patient_id: expected a column 'patient_id'; fix: rename the column 'Patient ID' to 'patient_id'"
    ),
    "unknown_column": (
        "warning: prior_therapies.csv row 1, column notes: 'notes': expected a column of the prior_therapies table (patient_id, therapy, category, ended_on); fix: it is ignored; remove it to silence this warning"
    ),
    "ambiguous_date": (
        "error: patients.csv row 2, column birth_date: '03/02/1950': expected a date in ISO 8601 (YYYY-MM-DD); day/month order is ambiguous; fix: write 1950-02-03 if day comes first, or 1950-03-02 if month comes first"
    ),
    "partial_date": (
        "error: patients.csv row 4, column treatment_start: '1994-02': expected a complete date (YYYY-MM-DD); partial dates are not imputed silently; fix: write the full date; record an estimated day and say so in study notes"
    ),
    "impossible_date": (
        "error: lesions.csv row 2, column first_seen_on: '1990-04-31': expected a date that exists in the calendar; fix: check day and month (e.g. there is no 31 April)"
    ),
    "datetime_without_time": (
        "error: doses.csv row 5, column scheduled_at: '1991-11-04': expected a date and time (YYYY-MM-DD HH:MM); the time of day is needed; fix: add the time, e.g. 1989-05-10 08:00"
    ),
    "text_date": (
        "error: prior_therapies.csv row 3, column ended_on: 'June 1990': expected a date in ISO 8601; fix: write it as YYYY-MM-DD, e.g. 1989-05-10"
    ),
    "negative_diameter": (
        "error: measurements.csv row 7, column longest_mm: '-52': expected a diameter between 0 and 1000 mm; fix: write millimetres (1 cm = 10 mm)"
    ),
    "weight_in_pounds": (
        "error: patients.csv row 4, column weight_kg: '330.7': expected a weight between 20 and 300 kg; fix: write kilograms (pounds / 2.2046 = kg)"
    ),
    "decimal_comma": (
        "error: patients.csv row 2, column weight_kg: '64,5': expected a number; fix: use a point as the decimal separator (1.5, not 1,5)"
    ),
    "number_with_unit": (
        "error: doses.csv row 5, column dose_iu: '58.32 MIU': expected a number; fix: write a plain number without units or text"
    ),
    "fractional_course": (
        "error: doses.csv row 7, column course: '1.5': expected a whole number; fix: write a whole number (no decimals)"
    ),
    "ecog_out_of_range": (
        "error: patients.csv row 3, column ecog: '7': expected an ECOG performance status from 0 to 4; fix: write the ECOG grade (Karnofsky 100-90 = 0, 80-70 = 1, 60-50 = 2)"
    ),
    "enum_typo": (
        "error: prior_therapies.csv row 2, column category: 'immuno therapy': expected one of: immunotherapy, chemotherapy, radiotherapy, surgery, targeted, hormonal, other; fix: did you mean 'immunotherapy'?"
    ),
    "bool_not_bool": (
        "error: lesions.csv row 3, column nodal: 'maybe': expected true or false; fix: write true or false"
    ),
    "missing_value": (
        "error: patients.csv row 3, column histology: expected a value (One of the study's histologies (study.toml).); fix: fill in histology"
    ),
    "unknown_histology": (
        "error: patients.csv row 4, column histology: 'uveal melanoma': expected one of the study's histologies: melanoma, renal; fix: correct the histology, or add it to histologies in study.toml"
    ),
    "lab_percent_without_wbc": (
        "error: labs.csv row 4, column unit: '%': expected a white-cell count (analyte wbc) drawn at the same time, to convert a percentage into an absolute count; fix: add the wbc row of that draw, or give the absolute count"
    ),
    "lab_unit_unknown": (
        "error: labs.csv row 4, column unit: 'mg/dL': expected a unit that can be converted (for lymphocytes: cells/uL, /uL, /mm3, 10^9/L, x10^9/L, 10^3/uL, %); fix: write the unit as listed, or convert the value"
    ),
    "duplicate_patient": (
        "error: patients.csv row 5, column patient_id: 'P01': expected one row per patient_id (the same key is on row 2); fix: remove the repeated row, or correct its identifier"
    ),
    "unknown_patient": (
        "error: doses.csv row 8, column patient_id: 'P09': expected a patient_id listed in the patients table; fix: add the patient to patients, or correct the identifier"
    ),
    "unknown_lesion": (
        "error: measurements.csv row 9, column lesion_id: 'T9': expected a lesion_id listed in the lesions table for this patient; fix: add the lesion to lesions, or correct the identifier"
    ),
    "death_before_start": (
        "error: patients.csv row 3, column death_date: '1991-02-11': expected a death date on or after treatment_start; fix: check both dates"
    ),
    "alive_after_death": (
        "error: patients.csv row 3, column last_known_alive: '1994-02-11': expected a last-known-alive date on or before the death date; fix: set last_known_alive to the death date or correct death_date"
    ),
    "measured_after_death": (
        "error: measurements.csv row 7, column assessed_on: '1993-05-01': expected an assessment on or before the death date; fix: check assessed_on and death_date"
    ),
    "dose_before_birth": (
        "error: doses.csv row 7, column scheduled_at: '1994-02-14 09:00': expected a dose after the patient's birth date; fix: check the dose date and birth_date"
    ),
    "perpendicular_longer": (
        "error: measurements.csv row 6, column perpendicular_mm: '40': expected a perpendicular diameter no longer than the longest diameter; fix: swap the two diameters, or correct one"
    ),
    "absent_with_size": (
        "error: measurements.csv row 4, column longest_mm: '12': expected no size (or 0) for a lesion recorded absent; fix: clear the diameters, or set state to present"
    ),
    "given_without_time": (
        "error: doses.csv row 7, column given_at: expected the time a given dose started; fix: fill in given_at, or set status to held"
    ),
    "config_missing": (
        "error: study.toml: expected a study.toml file in the study folder; fix: create study.toml (see docs/study-format.md for an example)"
    ),
    "config_syntax": (
        "error: study.toml: expected valid TOML (Invalid value (at line 3, column 8)); fix: correct the line named; strings need quotes"
    ),
    "config_unknown_key": (
        "error: study.toml, setting cutof_date: expected a known setting; fix: did you mean 'cutoff_date'?"
    ),
    "config_bad_criteria": (
        "error: study.toml, setting response_criteria: 'recist': expected one of who, recist1.1; fix: did you mean 'recist1.1'?"
    ),
    "whole_number_nan": (
        "error: patients.csv row 3, column ecog: 'nan': expected a finite number (nan and inf are not numbers; an empty cell is a missing value); fix: write the number, or leave the cell empty when it is missing"
    ),
    "whole_number_huge": (
        "error: doses.csv row 7, column course: '1e30': expected a course number from 1; fix: number courses 1, 2, 3, ..."
    ),
    "number_inf": (
        "error: labs.csv row 4, column value: '-inf': expected a finite number (nan and inf are not numbers; an empty cell is a missing value); fix: write the number, or leave the cell empty when it is missing"
    ),
    "parquet_list_column": (
        "error: labs.parquet row 1, column value: 'List(String)': expected a column of plain values: text, numbers, true/false, dates or date-times without a time zone (column D); fix: write one value per cell: flatten lists and structs into columns, decode binary data as UTF-8 text"
    ),
    "parquet_binary_column": (
        "error: lesions.parquet row 1, column site: 'Binary': expected a column of plain values: text, numbers, true/false, dates or date-times without a time zone (column C); fix: write one value per cell: flatten lists and structs into columns, decode binary data as UTF-8 text"
    ),
    "duplicate_header": (
        "error: patients.csv row 1, column weight_kg: 'weight_kg': expected one column named 'weight_kg' (columns E and F have that name); fix: remove the repeated column, or rename it"
    ),
    "duplicate_header_xlsx": (
        "error: study.xlsx[patients] row 1, column weight_kg: 'weight_kg': expected one column named 'weight_kg' (columns E and F have that name); fix: remove the repeated column, or rename it"
    ),
    "duplicate_header_parquet": (
        "error: patients.parquet row 1, column weight_kg: 'weight_kg': expected one column of each name; fix: write the table again with each column once"
    ),
    "config_workbook_number": (
        "error: study.toml, setting workbook: '3': expected a file name in quotes; fix: write workbook = \"study.xlsx\", or remove the line"
    ),
    "config_cutoff_number": (
        "error: study.toml, setting cutoff_date: '5': expected an ISO 8601 date; fix: write cutoff_date = 1998-05-01 (YYYY-MM-DD)"
    ),
    "config_description_table": (
        'error: study.toml, setting description: "{\'text\': 1}": expected text of at most 2000 characters in quotes; fix: write description = "..." (a short note about the study)'
    ),
    "config_top_level_key": (
        "error: study.toml, setting title: expected a [study] or [published] table; fix: remove it; study.toml holds the tables [study] and [published]"
    ),
    "long_histology": (
        "error: patients.csv row 4, column histology: 'melanoma melanoma melanoma melanoma melanoma melanoma melano... (2998 characters)': expected a name of at most 40 characters; fix: use the short name (tables and figures print it); keep any description out of the table"
    ),
    "short_row": (
        "error: doses.csv row 5, column hold_reason: 'P02,1,1,1,1991-11-04 10:00,given,1991-11-04 10:02,58320000': expected 9 fields as in the header, found 8; fix: add the missing values (an empty field for an empty value: a comma each)"
    ),
    "nul_byte": (
        "error: lesions.csv row 5, column site: 'ba\\x00ck': expected text without NUL characters (byte 0x00); fix: remove the NUL character: the file was damaged or saved as binary; export it again"
    ),
    "excel_error_cell": (
        "error: study.xlsx[labs] row 3, column value: '#DIV/0!': expected a value, not a spreadsheet error (a formula that failed); fix: correct the formula or clear the cell; paste values, not formulas"
    ),
    "excel_error_text": (
        "error: lesions.csv row 4, column site: '#N/A': expected a value, not a spreadsheet error (a formula that failed); fix: correct the formula or clear the cell; paste values, not formulas"
    ),
    "birth_year_1": (
        "error: patients.csv row 2, column birth_date: '0001-01-01': expected a date from 1900-01-01 on; fix: check the year (a spreadsheet's empty date reads 1899-12-30 or 1900-01-00)"
    ),
    "age_over_120": (
        "error: patients.csv row 4, column birth_date: '1900-01-30': expected a birth date that makes the age at treatment start 0 to 120 years; fix: check the year of birth_date and treatment_start"
    ),
    "measured_after_cutoff": (
        "error: measurements.csv row 8, column assessed_on: '2999-02-01': expected a date on or before the data cut-off 1998-05-01; fix: correct the date; a record after the cut-off is not part of the data (move cutoff_date in study.toml if it should be)"
    ),
    "lab_in_1850": (
        "error: labs.csv row 5, column drawn_at: '1850-02-13 07:30': expected a date from 1900-01-01 on; fix: check the year (a spreadsheet's empty date reads 1899-12-30 or 1900-01-00)"
    ),
    "lab_before_birth": (
        "error: labs.csv row 2, column drawn_at: '1940-05-09 07:30': expected a date on or after the patient's birth date; fix: check this date and birth_date"
    ),
    "lab_implausible": (
        "warning: labs.csv row 4, column value: '1.21': expected a plausible lymphocytes value: 10 to 100,000 cells/uL; fix: check the unit: a value in another unit than the row states is off by the factor between the two (e.g. 1,000 between cells/uL and 10^9/L)"
    ),
    "regimen_outside": (
        "error: study.toml, setting regimen: '../regimen.toml': expected the name of a file inside the study folder; fix: copy the file into the study folder and give its name alone (regimen = \"regimen.toml\")"
    ),
    "regimen_symlink_outside": (
        "error: study.toml, setting regimen: 'regimen.toml': expected the name of a file inside the study folder; fix: replace the symbolic link by a copy of the file: a link out of the folder is not followed"
    ),
    "workbook_absolute": (
        "error: study.toml, setting workbook: '/tmp/study.xlsx': expected the name of a file inside the study folder; fix: copy the file into the study folder and give its name alone (workbook = \"study.xlsx\")"
    ),
    "randomization_without_dates": (
        'error: patients.csv row 1, column randomized_on: expected randomisation dates in a column randomized_on (study.toml says reference_date = "randomization"); there are none; fix: fill in randomized_on, or set reference_date = "treatment_start" in study.toml'
    ),
    "markup_header": (
        "warning: labs.csv row 1, column lymphocytes [/uL]: 'lymphocytes [/uL]': expected a column of the labs table (patient_id, drawn_at, analyte, value, unit); fix: it is ignored; remove it to silence this warning"
    ),
    "emoji_code_value": (
        "error: patients.csv row 2, column histology: ':smile:': expected one of the study's histologies: melanoma, renal; fix: correct the histology, or add it to histologies in study.toml"
    ),
    "parquet_struct_column": (
        "error: labs.parquet row 1, column unit: \"Struct({'value': String, 'unit': String})\": expected a column of plain values: text, numbers, true/false, dates or date-times without a time zone (column E); fix: write one value per cell: flatten lists and structs into columns, decode binary data as UTF-8 text"
    ),
    "long_site": (
        "error: lesions.csv row 4, column site: 'segment VI segment VI segment VI segment VI segment VI segme... (3299 characters)': expected text of at most 500 characters; fix: shorten it: the report prints it in tables"
    ),
    "nul_byte_header": (
        "error: labs.csv row 1: 'ana\\x00lyte': expected a column name without NUL characters (column C); fix: remove the NUL character: the file was damaged or saved as binary; export it again"
    ),
    "age_given_130": (
        "error: patients.csv row 2, column age_at_start_years: '130': expected an age between 0 and 120 years; fix: check the age: years at treatment start, whole or decimal"
    ),
}


def test_every_case_has_a_snapshot() -> None:
    assert set(EXPECTED) == set(CASES)
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_message(name: str, tmp_path: Path) -> None:
    edit, code = CASES[name]
    folder = copy_minimal(tmp_path / "study")
    edit(folder)
    study, problems = check_study(folder)
    rendered = [p.render() for p in problems if p.code == code]
    assert rendered, f"no {code} problem among: {[p.render() for p in problems]}"
    assert rendered[0] == EXPECTED[name]
    if rendered[0].startswith("error"):
        assert study is None
        with pytest.raises(StudyError) as info:
            load(folder)
        assert any(p.render() == EXPECTED[name] for p in info.value.problems)
    else:
        assert study is not None


def test_minimal_study_is_clean() -> None:
    study, problems = check_study(copy_minimal_path())
    assert problems == []
    assert study is not None
    assert study.patients.height == 3


def copy_minimal_path() -> Path:
    return Path(__file__).parent / "data" / "minimal"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "study")
    path = folder / "patients.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    study = load(folder)
    assert study.patients.columns[1] == "patient_id"
    assert study.patients["patient_id"].to_list() == ["P01", "P02", "P03"]


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "study")
    for name in ("ambiguous_date", "weight_in_pounds", "enum_typo", "unknown_lesion"):
        CASES[name][0](folder)
    _, problems = check_study(folder)
    codes = {p.code for p in problems if p.severity == "error"}
    assert {"date.ambiguous", "value.out_of_range", "value.not_allowed"} <= codes


def test_many_bad_rows_are_summarised(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "study")
    rows = "".join(f"P01,1990-05-{d:02d} 06:00,lymphocytes,-1,cells/uL\n" for d in range(14, 40))
    with (folder / "labs.csv").open("a") as fh:
        fh.write(rows)
    _, problems = check_study(folder)
    negative = [p for p in problems if p.code == "value.out_of_range"]
    assert len(negative) == 20
    assert negative[-1].more_rows == 6
