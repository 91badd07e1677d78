"""REDCap data dictionaries: the CSV REDCap imports to build a project, read and checked.

The columns, field types and validation names are REDCap's documented ones (the Data
Dictionary's help page and the "Field Validation Types" list of REDCap 13/14). ``check_dictionary``
applies the rules REDCap's dictionary upload applies, so a dictionary it accepts uploads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from remission.study import ROW_COLUMN, Problem, StudyError
from remission.study._problems import ProblemLog
from remission.study._read import _read_csv

DICTIONARY_COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
"""REDCap's data dictionary columns, in the order of its dictionary download."""

FIELD_TYPES = (
    "text",
    "notes",
    "dropdown",
    "radio",
    "checkbox",
    "yesno",
    "truefalse",
    "calc",
    "file",
    "slider",
    "descriptive",
    "sql",
)
"""REDCap's field types."""

DATE_VALIDATIONS = {"date_ymd": "YMD", "date_mdy": "MDY", "date_dmy": "DMY"}
DATETIME_VALIDATIONS = {
    "datetime_ymd": "YMD",
    "datetime_mdy": "MDY",
    "datetime_dmy": "DMY",
    "datetime_seconds_ymd": "YMD",
    "datetime_seconds_mdy": "MDY",
    "datetime_seconds_dmy": "DMY",
}
NUMBER_VALIDATIONS = (
    "number",
    "number_1dp",
    "number_2dp",
    "number_3dp",
    "number_4dp",
    "number_comma_decimal",
    "number_1dp_comma_decimal",
    "number_2dp_comma_decimal",
    "number_3dp_comma_decimal",
    "number_4dp_comma_decimal",
)
VALIDATIONS = (
    *DATE_VALIDATIONS,
    *DATETIME_VALIDATIONS,
    "integer",
    *NUMBER_VALIDATIONS,
    "time",
    "time_mm_ss",
    "email",
    "phone",
    "zipcode",
    "alpha_only",
    "postalcode_canada",
    "postalcode_australia",
    "postalcode_french",
    "postalcode_germany",
    "ssn",
    "vmrn",
    "mrn_10d",
    "mrn_generic",
)
"""REDCap's built-in text validation names."""

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""A REDCap variable or form name: lower-case letters, digits and underscores, from a letter."""
MAX_NAME = 100
"""REDCap refuses variable names longer than 100 characters."""
CODE = re.compile(r"^[A-Za-z0-9._-]+$")
"""A choice's raw code: letters, digits, dots, underscores and hyphens (no spaces, commas)."""
CHECKBOX_CODE = re.compile(r"^[A-Za-z0-9_]+$")
"""Checkbox codes become part of column names (``var___code``): letters, digits, underscores."""
ALIGNMENTS = ("", "RV", "RH", "LV", "LH")


@dataclass(frozen=True)
class Field:
    """One field (variable) of a REDCap data dictionary.

    Parameters
    ----------
    name, form, type, label : str
        Variable name, instrument (form) name, field type and label.
    choices : tuple of (str, str)
        ``(code, label)`` of a dropdown, radio or checkbox field, in order.
    validation : str
        The text validation name (``date_ymd``, ``integer``, ``number``, ...), or empty.
    minimum, maximum : str
        The validation range as written, or empty.
    row : int
        The dictionary row (header = row 1).

    Examples
    --------
    >>> f = Field("sex", "demographics", "radio", "Sex", (("F", "Female"),), "", "", "", 3)
    >>> f.choice_label("F")
    'Female'
    """

    name: str
    form: str
    type: str
    label: str
    choices: tuple[tuple[str, str], ...]
    validation: str
    minimum: str
    maximum: str
    row: int

    def choice_label(self, code: str) -> str | None:
        """Return the label of a raw code, or None when the code is not a choice.

        Parameters
        ----------
        code : str
            The raw code.

        Returns
        -------
        str or None
            The choice's label.

        Examples
        --------
        >>> Field("s", "f", "radio", "S", (("1", "Yes"),), "", "", "", 2).choice_label("2") is None
        True
        """
        return dict(self.choices).get(code)


def parse_choices(text: str) -> list[tuple[str, str]] | None:
    """Split ``"1, Yes | 2, No"`` into ``[("1", "Yes"), ("2", "No")]``; None when malformed.

    Parameters
    ----------
    text : str
        The dictionary's choices cell.

    Returns
    -------
    list of (str, str) or None
        The choices in order.

    Examples
    --------
    >>> parse_choices("1, Yes | 2, No, really")
    [('1', 'Yes'), ('2', 'No, really')]
    >>> parse_choices("Yes | No") is None
    True
    """
    out = []
    for part in text.split("|"):
        code, sep, label = part.partition(",")
        if not sep or not code.strip():
            return None
        out.append((code.strip(), label.strip()))
    return out


def check_dictionary(frame: pl.DataFrame, file: str) -> list[Problem]:
    """Every way a dictionary breaks REDCap's dictionary-upload rules.

    Parameters
    ----------
    frame : polars.DataFrame
        The dictionary as text columns, with ``_row``.
    file : str
        The file name used in the problems.

    Returns
    -------
    list of Problem
        Empty when REDCap would accept the dictionary.

    Examples
    --------
    >>> from remission.sources import redcap_template
    >>> check_dictionary(redcap_template()["dictionary"].with_row_index("_row", 2), "d.csv")
    []
    """
    problems: list[Problem] = []

    def add(row: int | None, col: str | None, value: str | None, expected: str, fix: str):
        problems.append(Problem("error", "redcap.dictionary", file, row, col, value, expected, fix))

    columns = [c for c in frame.columns if c != ROW_COLUMN]
    if tuple(columns) != DICTIONARY_COLUMNS:
        missing = [c for c in DICTIONARY_COLUMNS if c not in columns]
        add(
            1,
            None,
            ", ".join(missing or columns[len(DICTIONARY_COLUMNS) :]) or None,
            f"REDCap's {len(DICTIONARY_COLUMNS)} dictionary columns in order, from "
            f"'{DICTIONARY_COLUMNS[0]}' to '{DICTIONARY_COLUMNS[-1]}'",
            "download the dictionary from REDCap (Project Setup > Data Dictionary) unchanged",
        )
        return problems
    seen: set[str] = set()
    forms_done: list[str] = []
    name_col, form_col = DICTIONARY_COLUMNS[0], DICTIONARY_COLUMNS[1]
    for i, rec in enumerate(frame.iter_rows(named=True)):
        row = rec[ROW_COLUMN]
        name = (rec[name_col] or "").strip()
        form = (rec[form_col] or "").strip()
        ftype = (rec["Field Type"] or "").strip()
        validation = (rec[DICTIONARY_COLUMNS[7]] or "").strip()
        choices = (rec[DICTIONARY_COLUMNS[5]] or "").strip()
        if not NAME.match(name) or len(name) > MAX_NAME:
            add(row, name_col, name, "lower-case letters, digits and underscores, from a "
                "letter, at most 100 characters", "rename the variable")  # fmt: skip
        elif name in seen:
            add(row, name_col, name, "a variable name used once", "rename one of them")
        seen.add(name)
        if "___" in name:
            add(row, name_col, name, "no triple underscore (REDCap's checkbox columns)", "rename")
        if not NAME.match(form):
            add(row, form_col, form, "a form name of lower-case letters, digits and "
                "underscores", "rename the form")  # fmt: skip
        if forms_done and form != forms_done[-1] and form in forms_done:
            add(row, form_col, form, "each form's fields together in one block",
                "move the field next to the form's other fields")  # fmt: skip
        if not forms_done or forms_done[-1] != form:
            forms_done.append(form)
        if i == 0 and ftype != "text":
            add(row, "Field Type", ftype, "the record id (the first field) of type text",
                "make the first field the record id, type text")  # fmt: skip
        if ftype not in FIELD_TYPES:
            add(row, "Field Type", ftype, f"one of {', '.join(FIELD_TYPES)}", "use a REDCap type")
        if (
            validation
            and ftype in FIELD_TYPES
            and (ftype != "text" or validation not in VALIDATIONS)
        ):
            add(row, DICTIONARY_COLUMNS[7], validation,
                "a REDCap validation name on a text field",
                "use e.g. date_ymd, integer, number")  # fmt: skip
        if ftype in ("dropdown", "radio", "checkbox"):
            parsed = parse_choices(choices) if choices else None
            pattern = CHECKBOX_CODE if ftype == "checkbox" else CODE
            if not parsed:
                add(row, DICTIONARY_COLUMNS[5], choices or None, "choices as 'code, label | "
                    "code, label'", "list the choices")  # fmt: skip
            elif len({c for c, _ in parsed}) != len(parsed) or not all(
                pattern.match(c) for c, _ in parsed
            ):
                add(row, DICTIONARY_COLUMNS[5], choices, "unique codes of letters, digits or "
                    "underscores", "renumber the choices")  # fmt: skip
        elif ftype == "calc" and not choices:
            add(row, DICTIONARY_COLUMNS[5], None, "the calculation of a calc field", "add it")
        for col in (DICTIONARY_COLUMNS[8], DICTIONARY_COLUMNS[9]):
            if (rec[col] or "").strip() and not validation:
                add(row, col, rec[col], "a range only with a validation type", "remove it")
        for col in ("Identifier?", "Required Field?", "Matrix Ranking?"):
            if (rec[col] or "").strip() not in ("", "y"):
                add(row, col, rec[col], "'y' or empty", "write y or leave it empty")
        if (rec["Custom Alignment"] or "").strip() not in ALIGNMENTS:
            add(row, "Custom Alignment", rec["Custom Alignment"], "RV, RH, LV, LH or empty",
                "use one of them")  # fmt: skip
    return problems


def read_dictionary(path: str | Path) -> list[Field]:
    """Read and check a REDCap data dictionary (CSV).

    Parameters
    ----------
    path : str or pathlib.Path
        The dictionary file.

    Returns
    -------
    list of Field
        Its fields in order (descriptive fields included).

    Raises
    ------
    StudyError
        When the file is not a dictionary REDCap would accept (every problem listed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from remission.sources import redcap_template
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "dictionary.csv"
    >>> redcap_template()["dictionary"].write_csv(path)
    >>> [f.name for f in read_dictionary(path)][:3]
    ['record_id', 'histology', 'sex']
    """
    path = Path(path)
    log = ProblemLog()
    if not path.is_file():
        raise StudyError([_missing(path, "the REDCap data dictionary (CSV)")])
    frame = _read_csv(path, log)
    if frame is None:
        raise StudyError(log.problems)
    problems = check_dictionary(frame, path.name)
    if problems:
        raise StudyError(problems)
    fields = []
    for rec in frame.iter_rows(named=True):
        ftype = rec["Field Type"].strip()
        choices = rec[DICTIONARY_COLUMNS[5]] or ""
        parsed = (
            parse_choices(choices.strip()) or []
            if ftype in ("dropdown", "radio", "checkbox")
            else []
        )
        if ftype == "yesno":
            parsed = [("1", "Yes"), ("0", "No")]
        elif ftype == "truefalse":
            parsed = [("1", "True"), ("0", "False")]
        fields.append(
            Field(
                rec[DICTIONARY_COLUMNS[0]].strip(),
                rec[DICTIONARY_COLUMNS[1]].strip(),
                ftype,
                (rec["Field Label"] or "").strip(),
                tuple(parsed),
                (rec[DICTIONARY_COLUMNS[7]] or "").strip(),
                (rec[DICTIONARY_COLUMNS[8]] or "").strip(),
                (rec[DICTIONARY_COLUMNS[9]] or "").strip(),
                rec[ROW_COLUMN],
            )
        )
    return fields


def _missing(path: Path, what: str) -> Problem:
    return Problem(
        "error", "redcap.file_missing", str(path), None, None, None, what,
        "give the path of the file REDCap exported",
    )  # fmt: skip
