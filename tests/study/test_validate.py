"""validate_study: a study in memory gets the problems load would report for it written out."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from remission.protocol import resolve_regimen
from remission.simulate import simulate_study
from remission.study import (
    ROW_COLUMN,
    TABLES,
    Problem,
    Study,
    check_study,
    load,
    validate_study,
    write_study,
)
from remission.study._config import read_config
from remission.study._parse import type_table
from remission.study._problems import ProblemLog
from remission.study._read import read_tables
from tests.study.bad_input_cases import CASES, MINIMAL, copy_minimal
from tests.study.ledger_cases import LEDGER_CASES

CROSS_TABLE = ("key.", "ref.", "chronology.", "measurement.", "dose.", "lab.", "ledger.")
"""Problems found by the checks across rows and tables (``check_all``, ``check_ledger``)."""

FOLDER_CASES = {
    name: case
    for name, case in {**CASES, **LEDGER_CASES}.items()
    if case[1].startswith(CROSS_TABLE) or case[1] in ("value.histology", "table.empty")
}


def typed_in_memory(folder: Path) -> Study:
    """The folder's tables typed exactly as ``check_study`` types them, checks left out."""
    log = ProblemLog()
    cfg = read_config(folder, log)
    assert cfg is not None
    raw = read_tables(folder, None, log)
    tables = {name: type_table(table, TABLES[name], log) for name, table in raw.items()}
    assert not log.errors, [p.render() for p in log.errors]
    regimen = resolve_regimen(cfg.regimen, folder) if cfg.regimen else None
    return Study(config=cfg, tables=tables, folder=folder, regimen=regimen)  # type: ignore[arg-type]


def renumbered(study: Study) -> Study:
    """The study with ``_row`` as the written files will have it (header = row 1)."""
    tables = {
        name: frame.drop(ROW_COLUMN, strict=False).with_row_index(ROW_COLUMN, offset=2)
        for name, frame in study.tables.items()
    }
    return dataclasses.replace(study, tables=tables)


def loaded_problems(study: Study, tmp_path: Path) -> list[Problem]:
    """What check_study reports for the study written as CSV (what the import did before)."""
    _, problems = check_study(write_study(study, tmp_path / "written", "csv"))
    return problems


def test_a_valid_study_has_the_same_notes_as_loading_it() -> None:
    study = load(MINIMAL)
    _, expected = check_study(MINIMAL)
    assert validate_study(study) == expected


@pytest.mark.parametrize("case", sorted(FOLDER_CASES))
def test_cross_table_checks_agree_with_check_study(case: str, tmp_path: Path) -> None:
    edit, code = FOLDER_CASES[case]
    folder = copy_minimal(tmp_path / "s")
    edit(folder)
    _, expected = check_study(folder)
    problems = validate_study(typed_in_memory(folder))
    assert code in {p.code for p in problems}
    assert problems == expected


def _edit(name: str, expr: pl.Expr, where: pl.Expr) -> Callable[[Study], Study]:
    def edit(study: Study) -> Study:
        frame = study.tables[name]
        column = expr.meta.output_name()
        changed = frame.with_columns(pl.when(where).then(expr).otherwise(pl.col(column)))
        return dataclasses.replace(study, tables={**study.tables, name: changed})

    return edit


def _append_patient(study: Study) -> Study:
    p = study.tables["patients"]
    return dataclasses.replace(study, tables={**study.tables, "patients": pl.concat([p, p[:1]])})


MEMORY_CASES: dict[str, tuple[Callable[[Study], Study], str]] = {
    "weight_out_of_range": (
        _edit("patients", pl.lit(330.7).alias("weight_kg"), pl.col("patient_id") == "P02"),
        "value.out_of_range",
    ),
    "ecog_out_of_range": (
        _edit("patients", pl.lit(7).alias("ecog"), pl.col("patient_id") == "P02"),
        "value.out_of_range",
    ),
    "negative_diameter": (
        _edit("measurements", pl.lit(-52.5).alias("longest_mm"), pl.col("lesion_id") == "T1"),
        "value.out_of_range",
    ),
    "enum_typo": (
        _edit(
            "prior_therapies",
            pl.lit("immuno therapy").alias("category"),
            pl.col("category") == "immunotherapy",
        ),
        "value.not_allowed",
    ),
    "missing_histology": (
        _edit(
            "patients", pl.lit(None, pl.String).alias("histology"), pl.col("patient_id") == "P02"
        ),
        "value.missing",
    ),
    "blank_site": (
        _edit("lesions", pl.lit("  ").alias("site"), pl.col("lesion_id") == "T1"),
        "value.missing",
    ),
    "unicode_blank_site": (  # no-break and ideographic spaces: blank once written and read
        _edit("lesions", pl.lit("\u00a0\u3000").alias("site"), pl.col("lesion_id") == "T1"),
        "value.missing",
    ),
    "perpendicular_longer": (
        _edit("measurements", pl.lit(99.0).alias("perpendicular_mm"), pl.col("lesion_id") == "T1"),
        "measurement.perpendicular_longer",
    ),
    "duplicate_patient": (_append_patient, "key.duplicate"),
    # issue 14: what no cell may hold, text too long, dates outside the study period
    "nul_in_site": (
        _edit("lesions", pl.lit("ba\x00ck").alias("site"), pl.col("lesion_id") == "T1"),
        "value.nul_byte",
    ),
    "excel_error_therapy": (
        _edit("prior_therapies", pl.lit("#N/A").alias("therapy"), pl.col("patient_id") == "P01"),
        "value.excel_error",
    ),
    "long_site": (
        _edit("lesions", pl.lit("segment " * 63 + "VI").alias("site"), pl.col("lesion_id") == "T1"),
        "value.too_long",
    ),
    "infinite_lab": (
        _edit("labs", pl.lit(float("inf")).alias("value"), pl.col("patient_id") == "P02"),
        "value.not_finite",
    ),
    "lab_in_1850": (
        _edit(
            "labs",
            pl.lit(dt.datetime(1850, 2, 13, 7, 30)).alias("drawn_at"),
            pl.col("patient_id") == "P03",
        ),
        "chronology.too_early",
    ),
    "alive_after_death": (
        _edit(
            "patients",
            pl.lit(dt.date(1994, 2, 11)).alias("last_known_alive"),
            pl.col("patient_id") == "P02",
        ),
        "chronology.alive_after_death",
    ),
}


@pytest.mark.parametrize("case", sorted(MEMORY_CASES))
def test_in_memory_edits_agree_with_writing_and_loading(case: str, tmp_path: Path) -> None:
    edit, code = MEMORY_CASES[case]
    study = renumbered(edit(load(MINIMAL)))
    problems = validate_study(study)
    assert code in {p.code for p in problems if p.severity == "error"}
    assert problems == loaded_problems(study, tmp_path)


@pytest.mark.parametrize(
    "change", [{"response_criteria": "recist"}, {"reference_date": "randomisation"}]
)
def test_settings_agree_with_writing_and_loading(change: dict[str, str], tmp_path: Path) -> None:
    study = renumbered(load(MINIMAL))
    study = dataclasses.replace(study, config=dataclasses.replace(study.config, **change))
    problems = validate_study(study)
    assert [p.severity for p in problems] == ["error"]
    assert problems == loaded_problems(study, tmp_path)


def test_text_limits_of_the_settings_agree_with_writing_and_loading(tmp_path: Path) -> None:
    study = renumbered(load(MINIMAL))
    long = "melanoma of the skin, superficial spreading"  # 43 characters
    tables = {
        **study.tables,
        "patients": study.tables["patients"].with_columns(
            pl.col("histology").replace("melanoma", long)
        ),
    }
    config = dataclasses.replace(
        study.config, name="A very long study name " * 5, histologies=(long, "renal")
    )
    study = dataclasses.replace(study, config=config, tables=tables)
    problems = validate_study(study)
    codes = [p.code for p in problems]
    assert codes == ["config.name", "config.histologies"] + ["value.too_long"] * 2  # P01, P03
    # study.toml's settings are read in the order of the file's checks, not the object's
    assert sorted(problems, key=repr) == sorted(loaded_problems(study, tmp_path), key=repr)


def test_rows_are_the_tables_row_column_else_their_position() -> None:
    study = _edit(
        "measurements", pl.lit(99.0).alias("perpendicular_mm"), pl.col("lesion_id") == "T1"
    )(load(MINIMAL))
    shifted = study.tables["measurements"].with_columns(pl.col(ROW_COLUMN) + 100)
    with_rows = dataclasses.replace(study, tables={**study.tables, "measurements": shifted})
    without = dataclasses.replace(
        study, tables={**study.tables, "measurements": shifted.drop(ROW_COLUMN)}
    )
    rows = [p.row for p in validate_study(with_rows) if p.severity == "error"]
    positions = [p.row for p in validate_study(without) if p.severity == "error"]
    assert rows == [r + 100 for r in positions]


def test_settings_and_columns_are_checked() -> None:
    study = load(MINIMAL)
    bad_config = dataclasses.replace(study.config, response_criteria="recist", name=" ")
    codes = [p.code for p in validate_study(dataclasses.replace(study, config=bad_config))]
    assert codes[:2] == ["config.name", "config.criteria"]
    p = study.tables["patients"]
    tables = {**study.tables, "patients": p.drop("death_date").with_columns(pl.lit(1).alias("x"))}
    problems = validate_study(dataclasses.replace(study, tables=tables))
    assert [(p.severity, p.code, p.column) for p in problems] == [
        ("error", "column.missing", "death_date"),
        ("warning", "column.unknown", "x"),
    ]
    typed_wrong = {**study.tables, "patients": p.with_columns(pl.col("ecog").cast(pl.String))}
    problems = validate_study(dataclasses.replace(study, tables=typed_wrong))
    assert [(p.code, p.column, p.value) for p in problems] == [("column.type", "ecog", "String")]


def test_a_missing_required_table_is_an_error() -> None:
    study = load(MINIMAL)
    tables = {n: f for n, f in study.tables.items() if n != "lesions"}
    problems = validate_study(dataclasses.replace(study, tables=tables))
    assert [(p.code, p.file) for p in problems if p.severity == "error"] == [
        ("file.missing_table", "lesions.csv")
    ]


def test_repeated_keys_of_several_columns_are_found_after_the_hash_check() -> None:
    """check_keys first counts distinct hashes of the key; a repeat must still be reported
    (a repeated measurement key, and one whose text parts are missing in both rows)."""
    from remission.study._checks import _may_repeat, check_keys

    frame = pl.DataFrame(
        {
            "_row": [2, 3, 4, 5, 6],
            "patient_id": ["P1", "P1", "P2", None, None],
            "lesion_id": ["T1", "T1", "T1", None, None],
            "assessed_on": [dt.date(2020, 1, 1)] * 5,
        }
    )
    key = ["patient_id", "lesion_id", "assessed_on"]
    assert _may_repeat(frame, key)
    assert not _may_repeat(frame.head(3).tail(2), key)
    log = ProblemLog()
    check_keys({"measurements": frame}, {"measurements": "measurements.csv"}, log)
    assert [(p.code, p.row, p.value) for p in log.problems] == [
        ("key.duplicate", 3, "P1 / T1 / 2020-01-01"),
        ("key.duplicate", 6, "None / None / 2020-01-01"),
    ]


def test_unknown_lesions_are_reported_only_for_known_patients() -> None:
    """check_references looks up unknown lesions before known patients; a measurement of an
    unknown patient is reported once, as an unknown patient."""
    from remission.study._checks import check_references

    patients = pl.DataFrame({"_row": [2], "patient_id": ["P1"]})
    lesions = pl.DataFrame({"_row": [2, 3], "patient_id": ["P1", "P1"], "lesion_id": ["T1", "T1"]})
    measurements = pl.DataFrame(
        {
            "_row": [5, 4, 3, 2],
            "patient_id": ["P1", "P2", "P1", "P1"],
            "lesion_id": ["T9", "T1", "T1", None],
        }
    )
    frames = {"patients": patients, "lesions": lesions, "measurements": measurements}
    log = ProblemLog()
    check_references(frames, {n: f"{n}.csv" for n in frames}, log)
    assert [(p.code, p.row, p.value) for p in log.problems] == [
        ("ref.unknown_patient", 4, "P2"),
        ("ref.unknown_lesion", 2, None),
        ("ref.unknown_lesion", 5, "T9"),
    ]


def test_measurements_after_death_keep_the_measurements_order() -> None:
    """check_records matches measurements only to patients with a death date; the problems
    come in the measurements' order, and a patient listed twice is matched twice."""
    from remission.study._checks import check_records

    day = dt.date
    patients = pl.DataFrame(
        {
            "_row": [2, 3, 4, 5],
            "patient_id": ["P1", "P2", "P3", "P1"],
            "birth_date": [None] * 4,
            "treatment_start": [None] * 4,
            "death_date": [day(2020, 1, 1), None, day(2021, 1, 1), day(2020, 6, 1)],
        },
        schema_overrides={"birth_date": pl.Date, "treatment_start": pl.Date},
    )
    measurements = pl.DataFrame(
        {
            "_row": [9, 3, 5, 2, 7],
            "patient_id": ["P3", "P1", "P2", "P1", None],
            "assessed_on": [
                day(2021, 2, 1),
                day(2020, 3, 1),
                day(2030, 1, 1),
                day(2019, 1, 1),
                day(2030, 1, 1),
            ],
            "longest_mm": [None] * 5,
            "perpendicular_mm": [None] * 5,
            "state": ["present"] * 5,
        },
        schema_overrides={"longest_mm": pl.Float64, "perpendicular_mm": pl.Float64},
    )
    frames = {"patients": patients, "measurements": measurements}
    log = ProblemLog()
    check_records(frames, {n: f"{n}.csv" for n in frames}, log)
    assert [(p.code, p.row, p.value) for p in log.problems] == [
        ("chronology.measured_after_death", 9, "2021-02-01"),
        ("chronology.measured_after_death", 3, "2020-03-01"),
    ]


def test_a_part_of_the_patients_gives_no_empty_table_note() -> None:
    """A part without labs (a Spark partition) is not a study without labs: ``part=True``
    leaves out the note about the whole table, and only it."""
    study = simulate_study(n_patients=20, seed=1)
    tables = {**study.tables, "labs": study.tables["labs"].head(0)}
    emptied = Study(study.config, tables, regimen=study.regimen)
    whole = validate_study(emptied)
    assert [(p.code, p.file) for p in whole] == [("table.empty", "labs.csv")]
    assert validate_study(emptied, part=True) == []
