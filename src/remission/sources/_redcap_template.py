"""The REDCap project for an immunotherapy cohort, as data: instruments, fields and events.

``INSTRUMENTS`` maps each instrument (REDCap form) to the study table it fills and each of its
fields to a study column; ``redcap_template`` turns it into the files REDCap imports: the data
dictionary, the arms, the events, the instrument-event designation and the repeating
instruments. The importer reads exports of this project; the simulator writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from remission.protocol import DEFAULT_HOLD_RULES
from remission.sources._redcap_dictionary import DICTIONARY_COLUMNS
from remission.study import LAB_UNITS, ORGANS, TABLES

HISTOLOGIES = ("melanoma", "renal")
"""The template's histology choices by default (the 1998 series)."""

OTHER_REASON = "99"
"""The hold-reason checkbox code whose text is in ``dose_hold_other``."""


@dataclass(frozen=True)
class Spec:
    """One field of the template.

    Parameters
    ----------
    name : str
        REDCap variable name (unique in the project).
    column : str or None
        The study column it fills (None for a helper field).
    type : str
        REDCap field type.
    label : str
        Field label.
    choices : tuple of str
        Choice labels (codes 1, 2, ... in order); the label is the study value.
    validation, minimum, maximum : str
        Text validation and range.
    required : bool
        REDCap's "Required Field?".
    note : str
        Field note shown under the field.

    Examples
    --------
    >>> Spec("weight_kg", "weight_kg", "text", "Weight (kg)", validation="number").column
    'weight_kg'
    """

    name: str
    column: str | None
    type: str
    label: str
    choices: tuple[str, ...] = ()
    validation: str = ""
    minimum: str = ""
    maximum: str = ""
    required: bool = False
    note: str = ""

    def codes(self) -> list[tuple[str, str]]:
        """``(code, label)`` of each choice: codes 1, 2, ... (the hold reason's other: 99)."""
        out = [(str(i), label) for i, label in enumerate(self.choices, start=1)]
        if self.name == "dose_hold_reason":
            out.append((OTHER_REASON, "other (write it in the next field)"))
        return out


@dataclass(frozen=True)
class Instrument:
    """One REDCap instrument (form): the study table it fills, its fields, its events.

    Parameters
    ----------
    name, label : str
        Form name and its label (REDCap shows the label; label exports carry it).
    table : str
        The study table its records fill.
    repeating : bool
        A repeating instrument (one instance per record of the table).
    events : tuple of str
        The unique event names it is designated to.
    fields : tuple of Spec
        Its fields (the record id is the project's first field, on ``demographics``).

    Examples
    --------
    >>> INSTRUMENTS["il2_dose"].table, INSTRUMENTS["il2_dose"].repeating
    ('doses', True)
    """

    name: str
    label: str
    table: str
    repeating: bool
    events: tuple[str, ...]
    fields: tuple[Spec, ...]


ARM = (1, "Treatment")
EVENTS = {
    "baseline_arm_1": "Baseline",
    "treatment_arm_1": "IL-2 treatment",
    "tumor_assessment_arm_1": "Tumor assessments",
    "follow_up_arm_1": "Follow-up",
}
"""Unique event name -> event name, in order (one arm, ``Arm 1: Treatment``)."""

_DATE = {"type": "text", "validation": "date_ymd"}
_DATETIME = {"type": "text", "validation": "datetime_ymd"}
_UNITS = tuple(dict.fromkeys(u for units in LAB_UNITS.values() for u in units))


def _enum(table: str, column: str) -> tuple[str, ...]:
    return next(c.values for c in TABLES[table].columns if c.name == column)


def _instruments(histologies: tuple[str, ...]) -> dict[str, Instrument]:
    mm = {"type": "text", "validation": "number", "minimum": "0", "maximum": "1000"}
    items = [
        Instrument(
            "demographics",
            "Demographics and Baseline",
            "patients",
            False,
            ("baseline_arm_1",),
            (
                Spec("record_id", "patient_id", "text", "Record ID", required=True,
                     note="Study code; never a name or hospital number."),
                Spec("histology", "histology", "dropdown", "Histology", histologies,
                     required=True),
                Spec("sex", "sex", "radio", "Sex (F or M)", ("F", "M")),
                Spec("birth_date", "birth_date", label="Date of birth", **_DATE),
                Spec("age_at_start_years", "age_at_start_years", "text",
                     "Age at treatment start (years), when no birth date", (), "number", "0",
                     "120"),
                Spec("weight_kg", "weight_kg", "text", "Baseline (dosing) weight (kg)", (),
                     "number", "20", "300"),
                Spec("ecog", "ecog", "text", "ECOG performance status", (), "integer", "0",
                     "4"),
                Spec("treatment_start", "treatment_start", label="Date of the first dose",
                     note="Empty for a patient never treated.", **_DATE),
                Spec("randomized_on", "randomized_on", label="Randomisation date", **_DATE),
            ),
        ),
        Instrument(
            "prior_therapy",
            "Prior Therapies",
            "prior_therapies",
            True,
            ("baseline_arm_1",),
            (
                Spec("prior_therapy", "therapy", "text", "Therapy given", required=True),
                Spec("prior_category", "category", "dropdown", "Kind of therapy",
                     _enum("prior_therapies", "category"), required=True),
                Spec("prior_ended_on", "ended_on", label="Date it ended", **_DATE),
            ),
        ),
        Instrument(
            "il2_dose",
            "IL-2 Doses",
            "doses",
            True,
            ("treatment_arm_1",),
            (
                Spec("dose_course", "course", "text", "Course", (), "integer", "1", "",
                     True),
                Spec("dose_cycle", "cycle", "text", "Cycle within the course", (), "integer",
                     "1", "", True),
                Spec("dose_number", "dose_number", "text", "Dose within the cycle", (),
                     "integer", "1", "", True),
                Spec("dose_scheduled_at", "scheduled_at", label="Due at", required=True,
                     **_DATETIME),
                Spec("dose_status", "status", "radio", "Given or held", ("given", "held"),
                     required=True),
                Spec("dose_given_at", "given_at", label="Infusion started at",
                     note="Empty if held.", **_DATETIME),
                Spec("dose_iu", "dose_iu", "text", "Dose given (IU)", (), "number", "0",
                     "1000000000", note="International units; empty if held."),
                Spec("dose_hold_reason", "hold_reason", "checkbox", "Why the dose was held",
                     tuple(c.name for c in DEFAULT_HOLD_RULES.criteria)),
                Spec("dose_hold_other", None, "text", "Other reason for holding"),
            ),
        ),
        Instrument(
            "lesion",
            "Lesions",
            "lesions",
            True,
            ("baseline_arm_1", "tumor_assessment_arm_1"),
            (
                Spec("lesion_id", "lesion_id", "text", "Lesion identifier", required=True),
                Spec("lesion_site", "site", "text", "Anatomical site", required=True),
                Spec("lesion_organ", "organ", "dropdown", "Organ", ORGANS, required=True),
                Spec("lesion_nodal", "nodal", "yesno", "Lymph node?", required=True),
                Spec("lesion_target", "target", "yesno", "Target (measured) lesion?",
                     required=True),
                Spec("lesion_first_seen", "first_seen_on",
                     label="Date of the scan that first showed it", required=True, **_DATE),
            ),
        ),
        Instrument(
            "measurement",
            "Lesion Measurements",
            "measurements",
            True,
            ("tumor_assessment_arm_1",),
            (
                Spec("meas_lesion_id", "lesion_id", "text", "Lesion identifier",
                     required=True),
                Spec("meas_date", "assessed_on", label="Scan date", required=True, **_DATE),
                Spec("meas_longest_mm", "longest_mm", label="Longest diameter (mm)", **mm),
                Spec("meas_perp_mm", "perpendicular_mm",
                     label="Greatest perpendicular diameter (mm)", **mm),
                Spec("meas_short_axis_mm", "short_axis_mm", label="Short axis (mm)", **mm),
                Spec("meas_state", "state", "dropdown", "What was seen",
                     _enum("measurements", "state"), required=True),
            ),
        ),
        Instrument(
            "lab",
            "Laboratory Values",
            "labs",
            True,
            ("baseline_arm_1", "treatment_arm_1"),
            (
                Spec("lab_drawn_at", "drawn_at", label="Drawn at", required=True,
                     **_DATETIME),
                Spec("lab_analyte", "analyte", "dropdown", "Analyte", tuple(LAB_UNITS),
                     required=True),
                Spec("lab_value", "value", "text", "Result", (), "number", "0", "", True),
                Spec("lab_unit", "unit", "dropdown", "Unit", _UNITS, required=True),
            ),
        ),
        Instrument(
            "response",
            "Overall Response",
            "assessments",
            True,
            ("tumor_assessment_arm_1",),
            (
                Spec("resp_date", "assessed_on", label="Assessment date", required=True,
                     **_DATE),
                Spec("resp_overall", "response", "dropdown", "Overall response",
                     _enum("assessments", "response"), required=True),
            ),
        ),
        Instrument(
            "follow_up",
            "Follow-up",
            "patients",
            False,
            ("follow_up_arm_1",),
            (
                Spec("last_known_alive", "last_known_alive",
                     label="Last date known alive", **_DATE),
                Spec("death_date", "death_date", label="Date of death", **_DATE),
            ),
        ),
    ]  # fmt: skip
    return {i.name: i for i in items}


INSTRUMENTS = _instruments(HISTOLOGIES)
"""The template's instruments by form name, in dictionary order."""


def instruments(histologies: tuple[str, ...] = HISTOLOGIES) -> dict[str, Instrument]:
    """The template's instruments with the histology choices given.

    Parameters
    ----------
    histologies : tuple of str
        The histology dropdown's choices.

    Returns
    -------
    dict of str to Instrument
        By form name, in dictionary order.

    Examples
    --------
    >>> instruments(("melanoma",))["demographics"].fields[1].choices
    ('melanoma',)
    """
    return _instruments(tuple(histologies))


def redcap_template(histologies: tuple[str, ...] = HISTOLOGIES) -> dict[str, pl.DataFrame]:
    """The REDCap project: data dictionary, arms, events, designation, repeating instruments.

    Parameters
    ----------
    histologies : tuple of str
        The histology choices.

    Returns
    -------
    dict of str to polars.DataFrame
        ``dictionary`` (REDCap's 18 columns), ``arms`` (arm_num, name), ``events``
        (event_name, arm_num, unique_event_name), ``instrument_designation`` (arm_num,
        unique_event_name, form) and ``repeating_instruments`` (event_name, form_name,
        custom_form_label): the CSVs REDCap's project setup and API import.

    Examples
    --------
    >>> t = redcap_template()
    >>> t["dictionary"].height, t["dictionary"]["Field Type"][0]
    (41, 'text')
    >>> t["repeating_instruments"].row(0)
    ('baseline_arm_1', 'prior_therapy', '')
    """
    rows = []
    for inst in instruments(histologies).values():
        for i, f in enumerate(inst.fields):
            choices = " | ".join(f"{c}, {label}" for c, label in f.codes())
            rows.append(
                (
                    f.name,
                    inst.name,
                    inst.label if i == 0 else "",
                    f.type,
                    f.label,
                    choices,
                    f.note,
                    f.validation,
                    f.minimum,
                    f.maximum,
                    "",
                    "",
                    "y" if f.required else "",
                    "",
                    "",
                    "",
                    "",
                    "",
                )
            )
    dictionary = pl.DataFrame(
        rows, schema=dict.fromkeys(DICTIONARY_COLUMNS, pl.String), orient="row"
    )
    designation = [
        (ARM[0], event, inst.name)
        for event in EVENTS
        for inst in INSTRUMENTS.values()
        if event in inst.events
    ]
    repeating = [
        (event, inst.name, "")
        for event in EVENTS
        for inst in INSTRUMENTS.values()
        if inst.repeating and event in inst.events
    ]
    return {
        "dictionary": dictionary,
        "arms": pl.DataFrame({"arm_num": [ARM[0]], "name": [ARM[1]]}),
        "events": pl.DataFrame(
            {
                "event_name": list(EVENTS.values()),
                "arm_num": [ARM[0]] * len(EVENTS),
                "unique_event_name": list(EVENTS),
            }
        ),
        "instrument_designation": pl.DataFrame(
            designation, schema=["arm_num", "unique_event_name", "form"], orient="row"
        ),
        "repeating_instruments": pl.DataFrame(
            repeating, schema=["event_name", "form_name", "custom_form_label"], orient="row"
        ),
    }


def event_label(event: str) -> str:
    """The event as a REDCap label export names it: ``Baseline (Arm 1: Treatment)``.

    Parameters
    ----------
    event : str
        The unique event name.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> event_label("follow_up_arm_1")
    'Follow-up (Arm 1: Treatment)'
    """
    return f"{EVENTS[event]} (Arm {ARM[0]}: {ARM[1]})"
