"""Bad-input cases: each edits a copy of the minimal valid study in one way.

Each case names the problem code it must produce; ``test_bad_inputs.py`` holds the exact
message expected for it (the snapshot).
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import xlsxwriter

MINIMAL = Path(__file__).parent / "data" / "minimal"

Edit = Callable[[Path], None]


def copy_minimal(dest: Path) -> Path:
    """Copy the minimal valid study to ``dest`` and return it."""
    shutil.copytree(MINIMAL, dest)
    return dest


def _replace(file: str, old: str, new: str, count: int = 1) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return edit


def _append(file: str, text: str) -> Edit:
    def edit(folder: Path) -> None:
        with (folder / file).open("a", encoding="utf-8") as fh:
            fh.write(text)

    return edit


def _write_bytes(file: str, data: bytes) -> Edit:
    def edit(folder: Path) -> None:
        (folder / file).write_bytes(data)

    return edit


def _delete(file: str) -> Edit:
    def edit(folder: Path) -> None:
        (folder / file).unlink()

    return edit


def _latin1(folder: Path) -> None:
    path = folder / "lesions.csv"
    text = path.read_text(encoding="utf-8").replace("back", "région dorsale")
    path.write_bytes(text.encode("latin-1"))


def _bom(folder: Path) -> None:
    path = folder / "patients.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _parquet_twin(folder: Path) -> None:
    pl.read_csv(folder / "patients.csv").write_parquet(folder / "patients.parquet")


def _drop_column(file: str, column: str) -> Edit:
    def edit(folder: Path) -> None:
        frame = pl.read_csv(folder / file, infer_schema=False)
        frame.drop(column).write_csv(folder / file)

    return edit


def _rename_column(file: str, old: str, new: str) -> Edit:
    def edit(folder: Path) -> None:
        frame = pl.read_csv(folder / file, infer_schema=False)
        frame.rename({old: new}).write_csv(folder / file)

    return edit


def _add_column(file: str, column: str, value: str) -> Edit:
    def edit(folder: Path) -> None:
        frame = pl.read_csv(folder / file, infer_schema=False)
        frame.with_columns(pl.lit(value).alias(column)).write_csv(folder / file)

    return edit


def _two_workbooks(folder: Path) -> None:
    for name in ("a.xlsx", "b.xlsx"):
        pl.DataFrame({"x": [1]}).write_excel(folder / name)


def _edits(*edits: Edit) -> Edit:
    def edit(folder: Path) -> None:
        for one in edits:
            one(folder)

    return edit


def _workbook(
    errors: dict[tuple[str, int, int], str] | None = None,
    header: tuple[str, int, str] | None = None,
) -> Edit:
    """Move every table into the sheets of study.xlsx; ``errors`` puts a failed formula with its
    error value in cells (sheet, row as a spreadsheet counts it, 0-based column) and ``header``
    renames one column (sheet, column, new name)."""

    def edit(folder: Path) -> None:
        with xlsxwriter.Workbook(folder / "study.xlsx") as book:
            for path in sorted(folder.glob("*.csv")):
                sheet = book.add_worksheet(path.stem)
                with path.open(encoding="utf-8", newline="") as fh:
                    rows = list(csv.reader(fh))
                if header is not None and header[0] == path.stem:
                    rows[0][header[1]] = header[2]
                for i, row in enumerate(rows):
                    for j, value in enumerate(row):
                        error = (errors or {}).get((path.stem, i + 1, j))
                        if error is not None:
                            sheet.write_formula(i, j, "=1/0", None, error)
                        elif value:
                            sheet.write_string(i, j, value)
                path.unlink()

    return edit


def _parquet(file: str, edit: Callable[[pl.DataFrame], pl.DataFrame]) -> Edit:
    """Replace a CSV table by a Parquet file of the frame ``edit`` makes of it."""

    def change(folder: Path) -> None:
        frame = pl.read_csv(folder / file, infer_schema=False)
        edit(frame).write_parquet(folder / file.replace(".csv", ".parquet"))
        (folder / file).unlink()

    return change


def _parquet_twice(folder: Path) -> None:
    """patients.parquet with two columns named weight_kg (polars writes no such file: the
    name of a second column of the same length is changed in the file's bytes)."""
    frame = pl.read_csv(folder / "patients.csv", infer_schema=False)
    frame.with_columns(pl.col("weight_kg").alias("weight_kX")).write_parquet(
        folder / "patients.parquet"
    )
    data = (folder / "patients.parquet").read_bytes()
    (folder / "patients.parquet").write_bytes(data.replace(b"weight_kX", b"weight_kg"))
    (folder / "patients.csv").unlink()


def _regimen_link(folder: Path) -> None:
    """A regimen file that is a symbolic link to a file outside the study folder."""
    outside = folder.parent / "elsewhere.toml"
    outside.write_text('name = "elsewhere"\n', encoding="utf-8")
    (folder / "regimen.toml").symlink_to(outside)
    _replace("study.toml", '"nci-hd-il2-720k"', '"regimen.toml"')(folder)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"

CASES: dict[str, tuple[Edit, str]] = {
    # encodings and file shapes
    "latin1_bytes": (_latin1, "file.encoding"),
    "excel_serial_date": (
        _replace("patients.csv", "1990-05-10,1998", "33003,1998"),
        "date.excel_serial",
    ),
    "trailing_blank_rows": (_append("measurements.csv", ",,,,,,\n\n\n"), "row.blank"),
    "zero_row_table": (
        _write_bytes("prior_therapies.csv", b"patient_id,therapy,category,ended_on\n"),
        "table.empty",
    ),
    "binary_file_not_table": (_write_bytes("labs.csv", PNG), "file.not_a_table"),
    "prose_not_table": (
        _write_bytes("labs.csv", b"Lab results were faxed on Monday.\nSee the binder.\n"),
        "file.not_a_table",
    ),
    "empty_file": (_write_bytes("labs.csv", b""), "file.not_a_table"),
    "ragged_row": (
        _append("labs.csv", "P01,1990-05-14 06:00,lymphocytes,3.9,10^9/L,extra\n"),
        "row.too_many_fields",
    ),
    "missing_table": (_delete("lesions.csv"), "file.missing_table"),
    "two_sources_one_table": (_parquet_twin, "file.duplicate_table"),
    "two_workbooks": (_two_workbooks, "file.many_workbooks"),
    "unknown_file": (_write_bytes("patient.csv", b"patient_id\nP01\n"), "file.unknown"),
    # columns
    "missing_column": (_drop_column("patients.csv", "death_date"), "column.missing"),
    "misspelled_column": (
        _rename_column("patients.csv", "patient_id", "Patient ID"),
        "column.missing",
    ),
    "unknown_column": (
        _add_column("prior_therapies.csv", "notes", "seen by Dr X"),
        "column.unknown",
    ),
    # values
    "ambiguous_date": (_replace("patients.csv", "1950-03-02", "03/02/1950"), "date.ambiguous"),
    "partial_date": (_replace("patients.csv", "1994-02-14", "1994-02"), "date.partial"),
    "impossible_date": (_replace("lesions.csv", "1990-04-20", "1990-04-31"), "date.impossible"),
    "datetime_without_time": (
        _replace("doses.csv", "1991-11-04 10:00", "1991-11-04"),
        "date.no_time",
    ),
    "text_date": (_replace("prior_therapies.csv", "1990-06-14", "June 1990"), "date.not_iso"),
    "negative_diameter": (
        _replace("measurements.csv", "P02,T1,1992-01-10,52", "P02,T1,1992-01-10,-52"),
        "value.out_of_range",
    ),
    "weight_in_pounds": (_replace("patients.csv", ",90.2,", ",330.7,"), "value.out_of_range"),
    "decimal_comma": (_replace("patients.csv", ",64.5,", ',"64,5",'), "value.not_number"),
    "number_with_unit": (
        _replace("doses.csv", "58320000,\nP02", "58.32 MIU,\nP02"),
        "value.not_number",
    ),
    "fractional_course": (_replace("doses.csv", "P03,1,1,1", "P03,1.5,1,1"), "value.not_integer"),
    "ecog_out_of_range": (_replace("patients.csv", "81.0,1,", "81.0,7,"), "value.out_of_range"),
    "enum_typo": (
        _replace("prior_therapies.csv", "immunotherapy", "immuno therapy"),
        "value.not_allowed",
    ),
    "bool_not_bool": (
        _replace("lesions.csv", "lymph_node,true", "lymph_node,maybe"),
        "value.not_bool",
    ),
    "missing_value": (
        _replace("patients.csv", "P02,renal,M", "P02,,M"),
        "value.missing",
    ),
    "unknown_histology": (
        _replace("patients.csv", "P03,melanoma", "P03,uveal melanoma"),
        "value.histology",
    ),
    "lab_percent_without_wbc": (
        _replace("labs.csv", "1210,cells/uL", "22,%"),
        "lab.percent_without_wbc",
    ),
    "lab_unit_unknown": (_replace("labs.csv", "1210,cells/uL", "1210,mg/dL"), "lab.unit"),
    # keys and references
    "duplicate_patient": (
        _append("patients.csv", "P01,melanoma,F,1950-03-02,64.5,0,1990-05-10,1998-04-02,\n"),
        "key.duplicate",
    ),
    "unknown_patient": (
        _append("doses.csv", "P09,1,1,1,1994-02-14 09:00,given,1994-02-14 09:00,1000000,\n"),
        "ref.unknown_patient",
    ),
    "unknown_lesion": (
        _append("measurements.csv", "P03,T9,1994-02-01,15,12,,present\n"),
        "ref.unknown_lesion",
    ),
    # chronology and consistency
    "death_before_start": (
        _replace("patients.csv", "1993-02-11,1993-02-11", "1991-02-11,1991-02-11"),
        "chronology.death_before_start",
    ),
    "alive_after_death": (
        _replace("patients.csv", "1993-02-11,1993-02-11", "1994-02-11,1993-02-11"),
        "chronology.alive_after_death",
    ),
    "measured_after_death": (
        _replace("measurements.csv", "1992-01-10", "1993-05-01"),
        "chronology.measured_after_death",
    ),
    "dose_before_birth": (
        _replace("patients.csv", "1958-01-30", "1995-01-30"),
        "chronology.dose_before_birth",
    ),
    "perpendicular_longer": (
        _replace("measurements.csv", "40,30", "30,40"),
        "measurement.perpendicular_longer",
    ),
    "absent_with_size": (
        _replace("measurements.csv", "P01,T1,1990-07-03,,", "P01,T1,1990-07-03,12,"),
        "measurement.absent_with_size",
    ),
    "given_without_time": (
        _replace("doses.csv", "given,1994-02-14 09:00", "given,"),
        "dose.given_without_time",
    ),
    # study.toml
    "config_missing": (_delete("study.toml"), "config.missing"),
    "config_syntax": (_replace("study.toml", 'name = "Minimal', "name = Minimal"), "config.syntax"),
    "config_unknown_key": (
        _replace("study.toml", "cutoff_date", "cutof_date"),
        "config.unknown_key",
    ),
    "config_bad_criteria": (_replace("study.toml", '"who"', '"recist"'), "config.criteria"),
    # issue 14: text that looks like Rich markup or an emoji code is data, printed as written
    "markup_header": (_add_column("labs.csv", "lymphocytes [/uL]", ""), "column.unknown"),
    "emoji_code_value": (
        _replace("patients.csv", "P01,melanoma", "P01,:smile:"),
        "value.histology",
    ),
    # numbers that are not numbers
    "whole_number_nan": (_replace("patients.csv", "81.0,1,", "81.0,nan,"), "value.not_finite"),
    "whole_number_huge": (
        _replace("doses.csv", "P03,1,1,1", "P03,1e30,1,1"),
        "value.out_of_range",
    ),
    "number_inf": (_replace("labs.csv", "1210,cells/uL", "-inf,cells/uL"), "value.not_finite"),
    # Parquet columns of a type no cell holds; repeated column names
    "parquet_list_column": (
        _parquet("labs.csv", lambda f: f.with_columns(pl.concat_list("value").alias("value"))),
        "column.parquet_type",
    ),
    "parquet_struct_column": (
        _parquet("labs.csv", lambda f: f.with_columns(pl.struct("value", "unit").alias("unit"))),
        "column.parquet_type",
    ),
    "parquet_binary_column": (
        _parquet("lesions.csv", lambda f: f.with_columns(pl.col("site").cast(pl.Binary))),
        "column.parquet_type",
    ),
    "duplicate_header": (
        _replace("patients.csv", "weight_kg,ecog", "weight_kg,weight_kg"),
        "column.duplicate",
    ),
    "duplicate_header_xlsx": (_workbook(header=("patients", 5, "weight_kg")), "column.duplicate"),
    "duplicate_header_parquet": (_parquet_twice, "column.duplicate"),
    # settings of the wrong type
    "config_workbook_number": (
        _append("study.toml", "workbook = 3\n"),
        "config.workbook",
    ),
    "config_cutoff_number": (
        _replace("study.toml", "cutoff_date = 1998-05-01", "cutoff_date = 5"),
        "config.cutoff",
    ),
    "config_description_table": (
        _append("study.toml", "description = { text = 1 }\n"),
        "config.description",
    ),
    "config_top_level_key": (
        _replace("study.toml", "[study]", 'title = "Minimal"\n[study]'),
        "config.unknown_key",
    ),
    # text too long for its column
    "long_histology": (
        _replace("patients.csv", "P03,melanoma", "P03," + "melanoma " * 333 + "x"),
        "value.too_long",
    ),
    "long_site": (_replace("lesions.csv", "segment VI", "segment VI " * 300), "value.too_long"),
    # rows shorter than the header
    "short_row": (
        _replace("doses.csv", "58320000,\nP02", "58320000\nP02"),
        "row.too_few_fields",
    ),
    # NUL characters and spreadsheet errors
    "nul_byte": (_replace("lesions.csv", "back", "ba\x00ck"), "value.nul_byte"),
    "nul_byte_header": (_replace("labs.csv", "analyte", "ana\x00lyte"), "value.nul_byte"),
    "excel_error_cell": (_workbook(errors={("labs", 3, 3): "#DIV/0!"}), "value.excel_error"),
    "excel_error_text": (_replace("lesions.csv", "segment VI", "#N/A"), "value.excel_error"),
    # ages and dates outside the study period
    "birth_year_1": (_replace("patients.csv", "1950-03-02", "0001-01-01"), "chronology.too_early"),
    "age_given_130": (
        _add_column("patients.csv", "age_at_start_years", "130"),
        "value.out_of_range",
    ),
    "age_over_120": (
        _edits(
            _replace("study.toml", "cutoff_date = 1998-05-01", "cutoff_date = 2030-05-01"),
            _replace(
                "patients.csv", "1958-01-30,90.2,0,1994-02-14", "1900-01-30,90.2,0,2021-02-14"
            ),
            _replace("patients.csv", "2021-02-14,1998-03-30", "2021-02-14,2021-03-30"),
        ),
        "value.age_out_of_range",
    ),
    "measured_after_cutoff": (
        _replace("measurements.csv", "P03,T1,1994-02-01", "P03,T1,2999-02-01"),
        "chronology.after_cutoff",
    ),
    "lab_in_1850": (
        _replace("labs.csv", "P03,1994-02-13", "P03,1850-02-13"),
        "chronology.too_early",
    ),
    "lab_before_birth": (
        _replace("labs.csv", "P01,1990-05-09", "P01,1940-05-09"),
        "chronology.before_birth",
    ),
    # lab values implausible in the unit stated
    "lab_implausible": (_replace("labs.csv", "1210,cells/uL", "1.21,cells/uL"), "lab.implausible"),
    # files named in study.toml outside the study folder
    "regimen_outside": (
        _replace("study.toml", '"nci-hd-il2-720k"', '"../regimen.toml"'),
        "config.path_outside",
    ),
    "regimen_symlink_outside": (_regimen_link, "config.path_outside"),
    "workbook_absolute": (
        _append("study.toml", 'workbook = "/tmp/study.xlsx"\n'),
        "config.path_outside",
    ),
    # the reference date
    "randomization_without_dates": (
        _append("study.toml", 'reference_date = "randomization"\n'),
        "reference.no_randomization",
    ),
}
