"""The study format: tables, loading, validation and writing.

A study is a folder with ``study.toml`` and one table per kind of record (patients, doses,
lesions, measurements, labs, ...) as CSV, Parquet or sheets of one XLSX workbook. ``load``
reads and types it and reports every problem at once; ``write_study`` writes one, and
``validate_study`` checks a study held in memory (e.g. an import) as ``load`` would.

Examples
--------
>>> from remission.study import TABLES
>>> list(TABLES)[:3]
['patients', 'prior_therapies', 'doses']
"""

from remission.study._config import StudyConfig
from remission.study._parts import ParquetParts, parquet_parts
from remission.study._problems import Problem, StudyError
from remission.study._published import Published
from remission.study._read import ROW_COLUMN, SourceFile
from remission.study._schema import LAB_UNITS, ORGANS, TABLES, Column, Table
from remission.study._study import (
    Study,
    check_study,
    empty_table,
    empty_table_warning,
    load,
    validate_study,
)
from remission.study._summary import summarize_study
from remission.study._write import write_study, write_study_parts

__all__ = [
    "LAB_UNITS",
    "ORGANS",
    "ROW_COLUMN",
    "TABLES",
    "Column",
    "ParquetParts",
    "Problem",
    "Published",
    "SourceFile",
    "Study",
    "StudyConfig",
    "StudyError",
    "Table",
    "check_study",
    "empty_table",
    "empty_table_warning",
    "load",
    "parquet_parts",
    "summarize_study",
    "validate_study",
    "write_study",
    "write_study_parts",
]
