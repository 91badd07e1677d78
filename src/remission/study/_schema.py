"""The study format as data: every table, its columns, types, keys and value rules.

``docs/study-format.md`` describes the same tables for people; ``tests/study`` checks the two
agree.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

Kind = Literal["str", "int", "float", "bool", "date", "datetime", "enum"]

IDENTIFIER_CHARS = 64
"""Longest identifier (``patient_id``, ``lesion_id``): a study code, never prose."""

HISTOLOGY_CHARS = 40
"""Longest histology (``patients.histology`` and ``histologies`` in study.toml): the report
prints it beside the at-risk numbers of its Kaplan-Meier figures, which a longer name pushes off
the page (``tests/report/test_layout.py`` builds the report with every text at its limit)."""

CODE_CHARS = 200
"""Longest coded or categorical value (``analyte``, ``unit``, a controlled value): a name, not
a description."""

FREE_TEXT_CHARS = 500
"""Longest free-text value (``site``, ``therapy``, ``hold_reason``): a phrase, not a report."""

OLDEST_AGE = 120
"""The oldest age at treatment start, in whole years, however it is given or derived
(``age_at_start_years``, or from ``birth_date`` and ``treatment_start`` as ADSL's AGE)."""

EARLIEST_DATE = dt.date(1900, 1, 1)
"""No date of a study may be earlier: before it lie only typing slips (1850 for 1985) and
spreadsheets' empty dates (Excel's day 0 is 1899-12-30 or 1900-01-00)."""

EXCEL_ERRORS = (
    "#DIV/0!",
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
)
"""Excel's error values: a formula that failed, never data (in a sheet, or as text in a CSV file
Excel wrote)."""

Tables = dict[str, pl.DataFrame]
"""A study's tables by name, as read (with ``_row``) and checked before a ``Study`` exists."""


POLARS_TYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "enum": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us"),
}
"""The polars type of each column kind, as ``load`` returns the tables."""


@dataclass(frozen=True)
class Column:
    """One column of a study table.

    Parameters
    ----------
    name : str
        Column name.
    kind : {"str", "int", "float", "bool", "date", "datetime", "enum"}
        Type of its values.
    description : str
        What it holds, for people.
    required : bool
        Whether the column must be present.
    nullable : bool
        Whether a value may be empty.
    values : tuple of str
        The allowed values of an ``enum`` column.
    minimum, maximum : float or None
        Allowed range of a number.
    range_text, range_fix : str
        What the range means and how to fix a value outside it, for messages.
    max_chars : int or None
        The longest text a cell may hold; None for the default of its kind (see
        ``char_limit``).

    Examples
    --------
    >>> from remission.study import TABLES
    >>> TABLES["patients"].column("weight_kg").maximum
    300
    """

    name: str
    kind: Kind
    description: str
    required: bool = True
    nullable: bool = False
    values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    range_text: str = ""
    range_fix: str = ""
    max_chars: int | None = None

    @property
    def char_limit(self) -> int | None:
        """The longest text a cell of this column may hold (None: no limit of its own).

        A controlled value has ``CODE_CHARS``, other text ``FREE_TEXT_CHARS`` unless the column
        says otherwise; a number, a date or a boolean is refused by its type when it is long.

        Examples
        --------
        >>> from remission.study import TABLES
        >>> patients = TABLES["patients"]
        >>> patients.column("patient_id").char_limit, patients.column("histology").char_limit
        (64, 40)
        >>> TABLES["lesions"].column("site").char_limit, patients.column("ecog").char_limit
        (500, None)
        """
        if self.max_chars is not None:
            return self.max_chars
        if self.kind == "enum":
            return CODE_CHARS
        return FREE_TEXT_CHARS if self.kind == "str" else None


@dataclass(frozen=True)
class Table:
    """One table of the study format.

    Parameters
    ----------
    name : str
        Table name (and file stem or sheet name).
    description : str
        What a row is.
    columns : tuple of Column
        Its columns in documented order.
    key : tuple of str
        Columns that identify a row (unique).
    optional : bool
        Whether a study may omit the table.
    example : str
        A small CSV example for the documentation.

    Examples
    --------
    >>> from remission.study import TABLES
    >>> TABLES["doses"].key
    ('patient_id', 'course', 'cycle', 'dose_number')
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    optional: bool = False
    example: str = field(default="", compare=False)

    def column(self, name: str) -> Column:
        """Return the column called ``name``.

        Parameters
        ----------
        name : str
            Column name.

        Returns
        -------
        Column
            Its definition.

        Examples
        --------
        >>> from remission.study import TABLES
        >>> TABLES["lesions"].column("organ").kind
        'enum'
        """
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in their documented order."""
        return tuple(c.name for c in self.columns)


def _patient() -> Column:
    return Column("patient_id", "str", "Patient.", max_chars=IDENTIFIER_CHARS)


ORGANS = (
    "adrenal",
    "bone",
    "brain",
    "breast",
    "intestine",
    "kidney",
    "liver",
    "lung",
    "lymph_node",
    "muscle",
    "pancreas",
    "peritoneum",
    "pleura",
    "skin",
    "soft_tissue",
    "spleen",
    "subcutaneous",
    "other",
)
"""Organ vocabulary of ``lesions.organ`` (skin and subcutaneous make "cutaneous-only" disease)."""

THERAPY_CATEGORIES = (
    "immunotherapy",
    "chemotherapy",
    "radiotherapy",
    "surgery",
    "targeted",
    "hormonal",
    "other",
)

MEASUREMENT_STATES = ("present", "absent", "too_small", "unequivocal_progression", "not_evaluated")

RESPONSES = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE", "ND")

SEXES = ("F", "M")

PATIENTS = Table(
    "patients",
    "One row per patient: who, which cancer, when treatment started, how follow-up ended.",
    (
        Column(
            "patient_id",
            "str",
            "Study identifier; never a name or a hospital number.",
            max_chars=IDENTIFIER_CHARS,
        ),
        Column(
            "histology",
            "str",
            "One of the study's histologies (study.toml).",
            max_chars=HISTOLOGY_CHARS,
        ),
        Column("sex", "enum", "F or M.", nullable=True, values=SEXES),
        Column("birth_date", "date", "Date of birth.", required=False, nullable=True),
        Column(
            "age_at_start_years",
            "float",
            "Age at treatment start when the birth date is not recorded.",
            required=False,
            nullable=True,
            minimum=0,
            maximum=OLDEST_AGE,
            range_text=f"an age between 0 and {OLDEST_AGE} years",
            range_fix="check the age: years at treatment start, whole or decimal",
        ),
        Column(
            "weight_kg",
            "float",
            "Baseline weight in kilograms (dosing weight).",
            nullable=True,
            minimum=20,
            maximum=300,
            range_text="a weight between 20 and 300 kg",
            range_fix="write kilograms (pounds / 2.2046 = kg)",
        ),
        Column(
            "ecog",
            "int",
            "ECOG performance status 0-4.",
            nullable=True,
            minimum=0,
            maximum=4,
            range_text="an ECOG performance status from 0 to 4",
            range_fix="write the ECOG grade (Karnofsky 100-90 = 0, 80-70 = 1, 60-50 = 2)",
        ),
        Column(
            "treatment_start",
            "date",
            "Date of the first dose of the study treatment; empty for a patient never treated "
            "(e.g. a screen failure imported from SDTM).",
            nullable=True,
        ),
        Column(
            "randomized_on",
            "date",
            "Randomisation date, when the reference-date rule is 'randomization'.",
            required=False,
            nullable=True,
        ),
        Column(
            "last_known_alive",
            "date",
            "Last date the patient was known to be alive; empty only for a patient never treated.",
            nullable=True,
        ),
        Column("death_date", "date", "Date of death; empty if alive.", nullable=True),
    ),
    key=("patient_id",),
    example="""patient_id,histology,sex,birth_date,weight_kg,ecog,treatment_start,last_known_alive,death_date
P001,melanoma,F,1948-03-02,64.5,0,1989-05-10,1998-04-02,
P002,renal,M,,81.0,1,1991-11-04,1993-02-11,1993-02-11""",
)

PRIOR_THERAPIES = Table(
    "prior_therapies",
    "Treatments before the study treatment, one row each.",
    (
        _patient(),
        Column(
            "therapy", "str", "What was given (e.g. interferon alfa, dacarbazine, nephrectomy)."
        ),
        Column("category", "enum", "Kind of therapy.", values=THERAPY_CATEGORIES),
        Column("ended_on", "date", "When it ended.", nullable=True),
    ),
    example="""patient_id,therapy,category,ended_on
P001,interferon alfa-2b,immunotherapy,1988-12-01
P002,radical nephrectomy,surgery,1990-06-14""",
)

DOSES = Table(
    "doses",
    "The dose ledger: every scheduled dose, given or held.",
    (
        _patient(),
        Column(
            "course",
            "int",
            "Course number, from 1.",
            minimum=1,
            maximum=99,
            range_text="a course number from 1",
            range_fix="number courses 1, 2, 3, ...",
        ),
        Column(
            "cycle",
            "int",
            "Cycle within the course, from 1.",
            minimum=1,
            maximum=99,
            range_text="a cycle number from 1",
            range_fix="number cycles within a course 1, 2",
        ),
        Column(
            "dose_number",
            "int",
            "Dose within the cycle, from 1.",
            minimum=1,
            maximum=999,
            range_text="a dose number from 1",
            range_fix="number doses within a cycle 1, 2, 3, ...",
        ),
        Column("scheduled_at", "datetime", "When the dose was due (local time, ISO 8601)."),
        Column("status", "enum", "given or held.", values=("given", "held")),
        Column("given_at", "datetime", "When the infusion started; empty if held.", nullable=True),
        Column(
            "dose_iu",
            "float",
            "International units given; empty if held.",
            nullable=True,
            minimum=0,
            maximum=1e9,
            range_text="a dose between 0 and 1,000,000,000 IU",
            range_fix="write international units (IU), not MIU or mg (1 mg = 16.4 MIU)",
        ),
        Column("hold_reason", "str", "Why a dose was held.", nullable=True),
    ),
    key=("patient_id", "course", "cycle", "dose_number"),
    example="""patient_id,course,cycle,dose_number,scheduled_at,status,given_at,dose_iu,hold_reason
P001,1,1,1,1989-05-10 08:00,given,1989-05-10 08:05,46440000,
P001,1,1,2,1989-05-10 16:00,held,,,hypotension""",
)

LESIONS = Table(
    "lesions",
    "Every lesion followed, one row each; a lesion first seen after baseline is a new lesion.",
    (
        _patient(),
        Column(
            "lesion_id",
            "str",
            "Lesion identifier within the patient.",
            max_chars=IDENTIFIER_CHARS,
        ),
        Column("site", "str", "Anatomical site as described (e.g. right lower lobe)."),
        Column("organ", "enum", "Organ, from a fixed vocabulary.", values=ORGANS),
        Column("nodal", "bool", "true for a lymph node."),
        Column("target", "bool", "true for a measured (target) lesion."),
        Column("first_seen_on", "date", "Date of the scan that first showed it."),
    ),
    key=("patient_id", "lesion_id"),
    example="""patient_id,lesion_id,site,organ,nodal,target,first_seen_on
P001,L1,right lower lobe,lung,false,true,1989-04-20
P001,L2,left axilla,lymph_node,true,true,1989-04-20""",
)


def _diameter(name: str, description: str, required: bool = True) -> Column:
    return Column(
        name,
        "float",
        description,
        required=required,
        nullable=True,
        minimum=0,
        maximum=1000,
        range_text="a diameter between 0 and 1000 mm",
        range_fix="write millimetres (1 cm = 10 mm)",
    )


MEASUREMENTS = Table(
    "measurements",
    "Each lesion at each assessment.",
    (
        _patient(),
        Column("lesion_id", "str", "Lesion.", max_chars=IDENTIFIER_CHARS),
        Column("assessed_on", "date", "Date of the scan or examination."),
        _diameter("longest_mm", "Longest diameter in mm."),
        _diameter("perpendicular_mm", "Greatest perpendicular diameter in mm."),
        _diameter("short_axis_mm", "Short axis in mm (lymph nodes).", required=False),
        Column("state", "enum", "What was seen.", values=MEASUREMENT_STATES),
    ),
    key=("patient_id", "lesion_id", "assessed_on"),
    example="""patient_id,lesion_id,assessed_on,longest_mm,perpendicular_mm,short_axis_mm,state
P001,L1,1989-04-20,32,25,,present
P001,L1,1989-07-03,,,,absent""",
)

LABS = Table(
    "labs",
    "Laboratory values, one row per analyte and draw.",
    (
        _patient(),
        Column("drawn_at", "datetime", "When the sample was drawn."),
        Column(
            "analyte", "str", "What was measured (e.g. lymphocytes, wbc).", max_chars=CODE_CHARS
        ),
        Column(
            "value",
            "float",
            "The result.",
            minimum=0,
            range_text="a value of at least 0",
            range_fix="lab values are never negative; check the sign",
        ),
        Column("unit", "str", "Its unit (e.g. cells/uL, 10^9/L, %).", max_chars=CODE_CHARS),
    ),
    key=("patient_id", "drawn_at", "analyte"),
    example="""patient_id,drawn_at,analyte,value,unit
P001,1989-05-09 07:00,lymphocytes,1450,cells/uL
P001,1989-05-12 07:00,lymphocytes,0.21,10^9/L""",
)

ASSESSMENTS = Table(
    "assessments",
    "Investigator-recorded overall response per assessment date (optional).",
    (
        _patient(),
        Column("assessed_on", "date", "Date of the assessment."),
        Column("response", "enum", "Overall response recorded.", values=RESPONSES),
        Column(
            "sequence",
            "int",
            "Order of records on the same date (e.g. SDTM RSSEQ); the higher wins a tie.",
            required=False,
            nullable=True,
            minimum=0,
            maximum=1e12,
            range_text="a whole number of at least 0",
            range_fix="number records 1, 2, 3, ...",
        ),
        Column(
            "assessed_on_imputed",
            "enum",
            "How assessed_on was completed from a partial date: D (day imputed), M (month and "
            "day); empty when the date was complete.",
            required=False,
            nullable=True,
            values=("D", "M"),
        ),
    ),
    key=("patient_id", "assessed_on", "sequence"),
    optional=True,
    example="""patient_id,assessed_on,response
P001,1989-07-03,PR
P001,1989-09-01,CR""",
)

TABLES: dict[str, Table] = {
    t.name: t for t in (PATIENTS, PRIOR_THERAPIES, DOSES, LESIONS, MEASUREMENTS, LABS, ASSESSMENTS)
}
"""Every table of the study format, by name, in documentation order."""

LAB_UNITS: dict[str, dict[str, float]] = {
    # cells per microlitre is the canonical count unit; factor multiplies the value.
    "lymphocytes": {
        "cells/uL": 1.0,
        "/uL": 1.0,
        "/mm3": 1.0,
        "10^9/L": 1000.0,
        "x10^9/L": 1000.0,
        "10^3/uL": 1000.0,
        "%": float("nan"),
    },
    "wbc": {
        "cells/uL": 1.0,
        "/uL": 1.0,
        "/mm3": 1.0,
        "10^9/L": 1000.0,
        "x10^9/L": 1000.0,
        "10^3/uL": 1000.0,
    },
    "neutrophils": {
        "cells/uL": 1.0,
        "/uL": 1.0,
        "/mm3": 1.0,
        "10^9/L": 1000.0,
        "x10^9/L": 1000.0,
        "10^3/uL": 1000.0,
        "%": float("nan"),
    },
    "platelets": {
        "cells/uL": 1.0,
        "/uL": 1.0,
        "10^9/L": 1000.0,
        "x10^9/L": 1000.0,
        "10^3/uL": 1000.0,
    },
    "creatinine": {"mg/dL": 1.0, "umol/L": 1 / 88.42},
    "bicarbonate": {"mmol/L": 1.0, "mEq/L": 1.0},
    "urine_output": {"mL/8h": 1.0},
}
"""Known analytes and the units accepted for each, with the factor to the first unit listed.
A percentage (factor NaN) needs the white-cell count of the same draw to convert."""

LAB_RANGES: dict[str, tuple[float, float]] = {
    "lymphocytes": (10.0, 100_000.0),
    "wbc": (100.0, 200_000.0),
    "neutrophils": (0.0, 100_000.0),
    "platelets": (1_000.0, 2_000_000.0),
    "creatinine": (0.1, 25.0),
    "bicarbonate": (2.0, 60.0),
    "urine_output": (0.0, 10_000.0),
}
"""Plausible values of each known analyte, low and high, in its first unit of ``LAB_UNITS``
(cells/uL for counts). A value outside is warned about (``lab.implausible``), in the unit the
row states; a percentage is plausible from 0 to 100.

The bounds lie well beyond what disease and treatment produce: beyond the reference intervals
and beyond the thresholds of the worst grades of NCI's Common Terminology Criteria for Adverse
Events (CTCAE v5.0, 2017: lymphocyte count decreased grade 4 < 200/uL and increased grade 3
> 20,000/uL; white blood cell decreased grade 4 < 1,000/uL; leukocytosis grade 3 > 100,000/uL;
platelet count decreased grade 4 < 25,000/uL; creatinine increased grade 4 > 6 x ULN, about
7 mg/dL). Lymphocytes 10 (grade 4 / 20) to 100,000 (grade 3 x 5); white cells 100 (grade 4 /
10) to 200,000 (leukocytosis grade 3 x 2); neutrophils 0 (agranulocytosis) to 100,000;
platelets 1,000 (grade 4 / 25) to 2,000,000 (beyond essential thrombocythaemia); creatinine
0.1 to 25 mg/dL (beyond dialysis-dependent renal failure); bicarbonate 2 to 60 mmol/L (reference
22-29; the extremes of metabolic acidosis and alkalosis); urine output 0 to 10,000 mL in 8 hours.
What they catch is a unit written wrong: a count in 10^9/L labelled cells/uL is 1,000 times too
small, creatinine in umol/L labelled mg/dL 88 times too large."""


def lab_range(analyte: str, unit: str) -> tuple[float, float] | None:
    """The plausible values of ``analyte`` in ``unit`` (None for an unknown analyte or unit).

    Parameters
    ----------
    analyte : str
        A known analyte (``LAB_UNITS``).
    unit : str
        One of its accepted units.

    Returns
    -------
    tuple of (float, float) or None
        Low and high bound in that unit.

    Examples
    --------
    >>> lab_range("lymphocytes", "10^9/L")
    (0.01, 100.0)
    >>> lab_range("lymphocytes", "%"), lab_range("creatinine", "umol/L")
    ((0.0, 100.0), (8.842, 2210.5))
    """
    factor = LAB_UNITS.get(analyte, {}).get(unit)
    bounds = LAB_RANGES.get(analyte)
    if factor is None or bounds is None:
        return None
    if math.isnan(factor):  # a percentage
        return (0.0, 100.0)
    return (round(bounds[0] / factor, 6), round(bounds[1] / factor, 6))
