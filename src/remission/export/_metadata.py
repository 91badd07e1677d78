"""Variable metadata of the derived datasets: labels, origins and derivations, as data.

One ``Variable`` per column name (a name means the same in every dataset, as in ADaM), its
label within SAS V5's 40 characters, where its values come from (``origin``) and how they are
derived. Parameter-level derivations are read from the rule objects themselves (ADEX's
``Parameter`` list, ADTTE's event sources, ADRS's and ADLB's parameter tables), so the define
table cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from remission.derive import ADEX_PARAMETERS, ADSL_COLUMNS


@dataclass(frozen=True)
class Variable:
    """One variable of the derived datasets.

    Parameters
    ----------
    label : str
        The variable label (at most 40 characters: SAS V5 transport).
    origin : str
        Where the values come from, in Define-XML's terms: ``Assigned``, ``Predecessor``
        (copied from a study column) or ``Derived``.
    derivation : str
        How the values are obtained, in words (empty for an assigned value).

    Examples
    --------
    >>> VARIABLES["USUBJID"].label
    'Unique Subject Identifier'
    """

    label: str
    origin: str
    derivation: str


_P, _D, _A = "Predecessor", "Derived", "Assigned"

DATASET_LABELS: dict[str, str] = {
    "adsl": "Subject-Level Analysis Dataset",
    "adex": "Exposure Analysis Dataset",
    "adtr": "Tumor Results Analysis Dataset",
    "adrs": "Response Analysis Dataset",
    "adtte": "Time-to-Event Analysis Dataset",
    "adlb": "Lymphocyte Analysis Dataset",
    "rsqc": "Recorded vs Computed Responses",
}
"""Dataset labels (at most 40 characters)."""

_SHORT_ADSL = {
    "HISTOL": "Histology",
    "SEX": "Sex",
    "AGE": "Age at Treatment Start (years)",
    "WEIGHTBL": "Baseline Weight (kg)",
    "ECOG": "ECOG Performance Status",
    "TRTSDT": "Date of First Exposure to Treatment",
    "RANDDT": "Date of Randomization",
    "REFDT": "Reference Date",
    "DTHDT": "Date of Death",
    "LSTALVDT": "Date Last Known Alive",
    "DTHFL": "Subject Death Flag",
    "PRIORIT": "Prior Immunotherapy Flag",
    "PRIORCT": "Prior Chemotherapy Flag",
    "PRIORRT": "Prior Radiotherapy Flag",
    "NPRIOR": "Number of Prior Therapies",
    "C1DOSES": "Doses Given in Course 1",
    "C1IUKG": "IU/kg Given in Course 1",
    "DOSGIVN": "Doses Given in All Courses",
    "TOTIUKG": "IU/kg Given in All Courses",
    "NCOURSES": "Number of Courses",
    "LYMBL": "Baseline Lymphocytes (cells/uL)",
    "LYMMAX": "Max Rebound Lymphocytes (cells/uL)",
    "LYMMAXC1": "Max Rebound Lymphocytes C1 (cells/uL)",
    "LYMFCBL": "Max Rebound Fold Change from Baseline",
    "BOR": "Best Overall Response",
    "CBOR": "Best Confirmed Overall Response",
    "CRFL": "Confirmed Complete Response Flag",
    "ORFL": "Confirmed Objective Response Flag",
    "NSITES": "Number of Organ Sites at Baseline",
    "SITES": "Organ Sites at Baseline",
    "SCONLY": "Cutaneous-Only Disease Flag",
    "PFUYRS": "Potential Follow-up (years)",
    "SYNTHFL": "Synthetic Data Flag",
}
_ADSL_ORIGIN = {
    "HISTOL": "patients.histology",
    "SEX": "patients.sex",
    "WEIGHTBL": "patients.weight_kg",
    "ECOG": "patients.ecog",
    "TRTSDT": "patients.treatment_start",
    "RANDDT": "patients.randomized_on",
    "DTHDT": "patients.death_date",
    "LSTALVDT": "patients.last_known_alive",
}

VARIABLES: dict[str, Variable] = {
    "STUDYID": Variable("Study Identifier", _A, "The study's name (study.toml [study] name)."),
    "USUBJID": Variable("Unique Subject Identifier", _P, "patients.patient_id."),
    "COURSE": Variable("Course Number", _P, "doses.course; empty on patient-level rows."),
    "CYCLE": Variable("Cycle Number", _P, "doses.cycle; empty on course and patient rows."),
    "PARAMCD": Variable("Parameter Code", _A, ""),
    "PARAM": Variable("Parameter", _A, "The label of PARAMCD."),
    "AVAL": Variable("Analysis Value", _D, ""),
    "AVALC": Variable("Analysis Value (C)", _D, ""),
    "AVALU": Variable("Analysis Value Unit", _A, "The unit of AVAL for the parameter."),
    "ASTDTM": Variable("Analysis Start Datetime", _D, "First given dose of the unit."),
    "AENDTM": Variable("Analysis End Datetime", _D, "Last given dose of the unit."),
    "SRCDOM": Variable("Source Data", _A, "The table or dataset the value comes from."),
    "SRCVAR": Variable("Source Variable", _A, "The variable the date comes from."),
    "SRCSEQ": Variable("Source Sequence Number", _P, "assessments.sequence (e.g. SDTM RSSEQ)."),
    "ADT": Variable("Analysis Date", _D, ""),
    "ADTF": Variable(
        "Analysis Date Imputation Flag",
        _P,
        "assessments.assessed_on_imputed: D (day imputed), M (month and day).",
    ),
    "ADTM": Variable("Analysis Datetime", _P, "labs.drawn_at."),
    "ABLFL": Variable("Baseline Record Flag", _D, "Y on the last assessment before the start."),
    "ANL01FL": Variable("Analysis Flag 01", _D, ""),
    "ANL02FL": Variable("Analysis Flag 02", _D, ""),
    "BASE": Variable("Baseline Value", _D, "AVAL of the baseline record (ABLFL = Y)."),
    "CHG": Variable("Change from Baseline", _D, "AVAL - BASE."),
    "PCHG": Variable("Percent Change from Baseline", _D, "100 * (AVAL - BASE) / BASE."),
    "NADIR": Variable("Nadir", _D, "Smallest AVAL up to and including the previous date."),
    "CHGNAD": Variable("Change from Nadir", _D, "AVAL - NADIR."),
    "PCHGNAD": Variable("Percent Change from Nadir", _D, "100 * (AVAL - NADIR) / NADIR."),
    "NTARGET": Variable("Number of Target Lesions", _D, "Target lesions measured at ADT."),
    "TRGRESP": Variable("Target Lesion Response", _D, "By the study's response criteria."),
    "NTRGRESP": Variable("Non-Target Lesion Response", _D, "By the study's response criteria."),
    "NEWLES": Variable("New Lesion Flag", _D, "Y when a lesion first seen after baseline."),
    "OVRLRESP": Variable("Overall Response", _D, "Target, non-target and new lesions combined."),
    "CRIT": Variable("Response Criteria", _A, "who or recist1.1 (study.toml)."),
    "STARTDT": Variable("Time-to-Event Origin Date", _D, "REFDT of ADSL (or the response)."),
    "CNSR": Variable("Censor", _D, ""),
    "EVNTDESC": Variable("Event or Censoring Description", _D, ""),
    "CNSDTDSC": Variable("Censor Date Description", _D, ""),
    "APHASE": Variable("Phase", _D, "Before, during or after the cycle's doses."),
    "RECORDED": Variable("Recorded Overall Response", _P, "assessments.response."),
    "COMPUTED": Variable("Computed Overall Response", _D, "From lesion measurements."),
    **{
        name: Variable(
            _SHORT_ADSL[name],
            _P if name in _ADSL_ORIGIN else _D,
            (f"{_ADSL_ORIGIN[name]}. " if name in _ADSL_ORIGIN else "") + f"{meaning}.",
        )
        for name, meaning in ADSL_COLUMNS.items()
        if name in _SHORT_ADSL
    },
}
"""Every column of the derived datasets by name."""

_AVAL_BY_DATASET = {
    "adex": "; ".join(
        dict.fromkeys(f"{p.paramcd} ({p.level}): {p.definition}" for p in ADEX_PARAMETERS)
    ),
    "adrs": "OVR: 1 CR, 2 PR, 3 SD, 4 NON-CR/NON-PD, 5 PD, 6 NE, 7 MISSING; flags: 1 Y, 0 N.",
    "adtte": "Days from STARTDT to ADT, plus one.",
    "adtr": "SDIAM: sum of target diameters (mm); SPD: sum of diameter products (mm2).",
    "adlb": "Lymphocytes in cells/uL; fold changes as ratios.",
}


def _params(dataset: str) -> str:
    from remission.derive._adlb import LAB_PARAMS
    from remission.derive._adrs import PARAMS as ADRS_PARAMS
    from remission.derive._adtte import PARAMS as ADTTE_PARAMS

    table = {
        "adex": {p.paramcd: p.param for p in ADEX_PARAMETERS},
        "adrs": ADRS_PARAMS,
        "adtte": ADTTE_PARAMS,
        "adlb": LAB_PARAMS,
        "adtr": {"SDIAM": "Sum of diameters", "SPD": "Sum of products of diameters"},
    }.get(dataset, {})
    return "; ".join(f"{code}: {label}" for code, label in table.items())


def _tte(variable: str) -> str:
    from remission.derive._adtte import (
        ALIVE,
        DEATH_EVENT,
        LAST_ASSESSMENT,
        PD_EVENT,
        RANDOMIZATION,
    )

    sources = (PD_EVENT, DEATH_EVENT, LAST_ASSESSMENT, RANDOMIZATION, ALIVE)
    if variable == "CNSR":
        return "; ".join(f"{s.evntdesc}: {s.cnsr}" for s in sources)
    if variable == "EVNTDESC":
        return "; ".join(f"{s.evntdesc} (from {s.srcdom}.{s.srcvar})" for s in sources)
    return "; ".join(s.cnsdtdsc for s in sources if s.cnsdtdsc)


def derivation(dataset: str, variable: str) -> str:
    """How ``variable`` of ``dataset`` is derived, in words, from the rule objects.

    Parameters
    ----------
    dataset : str
        The dataset (``adsl``, ``adex``, ...).
    variable : str
        The variable name.

    Returns
    -------
    str
        The derivation text (empty when there is nothing to say).

    Examples
    --------
    >>> derivation("adtte", "CNSR").split("; ")[:2]
    ['Disease Progression: 0', 'Death: 0']
    """
    if variable in ("PARAMCD", "PARAM"):
        return _params(dataset)
    if variable == "AVAL" and dataset in _AVAL_BY_DATASET:
        return _AVAL_BY_DATASET[dataset]
    if dataset == "adtte" and variable in ("CNSR", "EVNTDESC", "CNSDTDSC"):
        return _tte(variable)
    known = VARIABLES.get(variable)
    return known.derivation if known else ""


def xpt_type(dtype: pl.DataType) -> str:
    """The define table's type of a Polars column: text, integer, float, date or datetime.

    Parameters
    ----------
    dtype : polars.DataType
        The column's type.

    Returns
    -------
    str
        ``text``, ``integer``, ``float``, ``date`` or ``datetime``.

    Examples
    --------
    >>> xpt_type(pl.Int64), xpt_type(pl.Date), xpt_type(pl.String)
    ('integer', 'date', 'text')
    """
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype.is_integer():
        return "integer"
    if dtype.is_numeric():
        return "float"
    if dtype == pl.Boolean:
        return "integer"
    return "text"


def text_length(column: pl.Series) -> int:
    """The longest value of a text column in UTF-8 bytes (at least 1), as SAS counts length.

    Parameters
    ----------
    column : polars.Series
        A text column.

    Returns
    -------
    int
        The length.

    Examples
    --------
    >>> text_length(pl.Series(["é", None, "ab"]))
    2
    """
    longest = column.str.len_bytes().max()
    return max(1, int(longest)) if longest is not None else 1  # type: ignore[arg-type]


DEFINE_SCHEMA = {
    "dataset": pl.String,
    "variable": pl.String,
    "order": pl.Int64,
    "label": pl.String,
    "type": pl.String,
    "length": pl.Int64,
    "origin": pl.String,
    "derivation": pl.String,
}
"""The define table's columns."""


def define_table(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The define-style metadata of derived datasets: one row per dataset and variable.

    Parameters
    ----------
    frames : dict of str to polars.DataFrame
        Derived datasets by name, as ``remission.derive.derive_study`` returns them.

    Returns
    -------
    polars.DataFrame
        ``dataset`` (upper case), ``variable``, ``order`` (from 1), ``label``, ``type``
        (text, integer, float, date, datetime), ``length`` (bytes of the longest text; 8 for
        numbers, as SAS stores them), ``origin`` and ``derivation``.

    Examples
    --------
    >>> from remission.derive import derive_study
    >>> from remission.simulate import simulate_study
    >>> define = define_table(derive_study(simulate_study(n_patients=30, seed=1)))
    >>> define.filter(pl.col("variable") == "CNSR").select("dataset", "type", "length").row(0)
    ('ADTTE', 'integer', 8)
    """
    rows = []
    for name, frame in frames.items():
        for i, (column, dtype) in enumerate(frame.schema.items(), start=1):
            var = VARIABLES.get(column, Variable(column, _D, ""))
            kind = xpt_type(dtype)
            length = text_length(frame[column]) if kind == "text" else 8
            origin = var.origin
            rows.append(
                (
                    name.upper(),
                    column,
                    i,
                    var.label,
                    kind,
                    length,
                    origin,
                    derivation(name, column),
                )
            )
    return pl.DataFrame(rows, schema=DEFINE_SCHEMA, orient="row")


def merge_define(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """One define table from those of datasets derived in parts, as of the whole.

    Each text variable is as long as in its longest part: ``define_table`` of the
    concatenated datasets.

    Parameters
    ----------
    parts : list of polars.DataFrame
        ``define_table`` of each part's datasets (the same datasets and variables).

    Returns
    -------
    polars.DataFrame
        The define table of the whole.

    Examples
    --------
    >>> a, b = pl.DataFrame({"USUBJID": ["A"]}), pl.DataFrame({"USUBJID": ["BBB"]})
    >>> merged = merge_define([define_table({"adsl": a}), define_table({"adsl": b})])
    >>> merged.equals(define_table({"adsl": pl.concat([a, b])}))
    True
    """
    keys = [c for c in DEFINE_SCHEMA if c != "length"]
    merged = pl.concat(parts).group_by(keys, maintain_order=True).agg(pl.col("length").max())
    return merged.select(list(DEFINE_SCHEMA))
