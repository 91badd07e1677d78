"""A REDCap export of the template project, mapped to the study format.

Each instrument fills one study table (``INSTRUMENTS``): demographics and follow-up the
patients, prior_therapy the prior therapies, il2_dose the dose ledger, lesion and measurement
the tumor records, lab the labs, response the recorded responses. Every record keeps the
export row it came from (``_row``), so the study's own checks point back into the export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

import remission
from remission.sources._redcap_dictionary import Field, read_dictionary
from remission.sources._redcap_export import EVENT, INSTANCE, REPEAT, Export, read_export
from remission.sources._redcap_template import EVENTS, INSTRUMENTS, Instrument
from remission.sources._redcap_values import instrument_rows, misplaced, typed_field
from remission.study import (
    ROW_COLUMN,
    TABLES,
    Problem,
    Study,
    StudyConfig,
    StudyError,
    validate_study,
)
from remission.study import empty_table as _empty


@dataclass(frozen=True)
class RedcapSettings:
    """The study settings a REDCap export does not hold (``study.toml``'s).

    Parameters
    ----------
    name : str or None
        Study name; the export's file name when None.
    synthetic : bool
        Made-up data.
    cutoff : datetime.date or None
        Data cut-off; the latest date in the export when None.
    response_criteria : str
        ``who`` or ``recist1.1``.
    regimen : str or None
        The treatment regimen (built-in name), for the dose-ledger checks and ADEX.
    reference_date : str
        ``treatment_start`` or ``randomization``.
    description : str or None
        Free text about the study.

    Examples
    --------
    >>> RedcapSettings().response_criteria
    'recist1.1'
    """

    name: str | None = None
    synthetic: bool = False
    cutoff: dt.date | None = None
    response_criteria: str = "recist1.1"
    regimen: str | None = None
    reference_date: str = "treatment_start"
    description: str | None = None


def _template_fields(fields: dict[str, Field], file: str) -> list[Problem]:
    """Every template field the dictionary lacks or declares with another type."""
    problems = []
    for inst in INSTRUMENTS.values():
        for spec in inst.fields:
            f = fields.get(spec.name)
            if f is None or f.type != spec.type or f.form != inst.name:
                found = "missing" if f is None else f"type {f.type}, form {f.form}"
                problems.append(
                    Problem("error", "redcap.template_field", file, None if f is None else f.row,
                            spec.name, found,
                            f"field {spec.name} of type {spec.type} on form {inst.name}, as "
                            "the template has it", "build the project from `remission redcap "
                            "template` and keep its fields")
                )  # fmt: skip
    return problems


def _designation(export: Export) -> None:
    if not export.longitudinal:
        return
    f = export.frame.filter(pl.col(EVENT).is_in(list(EVENTS)))
    for inst in INSTRUMENTS.values():
        own = instrument_rows(Export(export.file, f, export.labels, export.fields), inst)
        wrong = own.filter(~pl.col(EVENT).is_in(list(inst.events)))
        export.add("redcap.event_instrument", wrong, EVENT, EVENT,
                   f"instrument {inst.name} in its events: {', '.join(inst.events)}",
                   "enter the data in the event the template designates (docs/sources.md)",
                   inst.name)  # fmt: skip


def _records(export: Export, inst: Instrument) -> pl.DataFrame:
    """The instrument's rows typed as its study table's columns, with ``_row``."""
    rows = instrument_rows(export, inst)
    rid = export.record_id
    keep = [ROW_COLUMN, rid, *([EVENT] if export.longitudinal else []), INSTANCE]
    if not rows.height:  # (Polars 2.1 panics evaluating the date parsing on no rows)
        return rows.select(keep).rename({rid: "patient_id"})
    exprs = [
        typed_field(export, rows, export.fields[spec.name], inst).alias(spec.column)
        for spec in inst.fields
        if spec.column and spec.name in export.fields and spec.name != rid
    ]
    return rows.select(*keep, *exprs).rename({rid: "patient_id"})


def _table(records: pl.DataFrame, name: str) -> pl.DataFrame:
    template = _empty(name)
    return records.select(
        pl.col(ROW_COLUMN),
        *[
            (pl.col(c) if c in records.columns else pl.lit(None)).cast(t).alias(c)
            for c, t in template.schema.items()
            if c != ROW_COLUMN
        ],
    )


def read_redcap(
    export: str | Path, dictionary: str | Path, settings: RedcapSettings | None = None
) -> Study:
    """Read a REDCap CSV export of the template project (raw or labels) as a study.

    Parameters
    ----------
    export : str or pathlib.Path
        The flat CSV export (Data Exports > CSV, raw or labels; all instruments and events).
    dictionary : str or pathlib.Path
        The project's data dictionary (CSV), made from ``remission redcap template``.
    settings : RedcapSettings, optional
        What ``study.toml`` needs and the export does not hold.

    Returns
    -------
    Study
        The study in memory; every table's ``_row`` is the export row of its record.

    Raises
    ------
    StudyError
        Every problem found, each naming the record id, event, instrument (and instance) and
        field.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from remission.simulate import simulate_study
    >>> from remission.sources import redcap_export, redcap_template
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> redcap_template()["dictionary"].write_csv(folder / "dictionary.csv")
    >>> redcap_export(simulate_study(40, seed=1)).write_csv(folder / "export.csv")
    >>> study = read_redcap(folder / "export.csv", folder / "dictionary.csv")
    >>> study.patients.height, study.doses.height > 0
    (40, True)
    """
    settings = settings or RedcapSettings()
    export, dictionary = Path(export), Path(dictionary)
    fields = {f.name: f for f in read_dictionary(dictionary)}
    problems = _template_fields(fields, dictionary.name)
    if problems:
        raise StudyError(problems)
    if not export.is_file():
        raise StudyError([
            Problem("error", "redcap.file_missing", str(export), None, None, None,
                    "a REDCap CSV export", "give the path of the file REDCap exported")
        ])  # fmt: skip
    data = read_export(export, list(fields.values()))
    if any(p.severity == "error" for p in data.problems) and not data.frame.height:
        raise StudyError(data.problems)
    misplaced(data, INSTRUMENTS)
    _designation(data)
    records = {name: _records(data, inst) for name, inst in INSTRUMENTS.items()}
    if data.problems:
        raise StudyError(data.problems)
    study = _study(data, records, fields, settings)
    problems = [_locate(p, data) for p in validate_study(study)]
    if any(p.severity == "error" for p in problems):
        raise StudyError(problems)
    return replace(study, warnings=tuple(p for p in problems if p.code != "table.empty"))


def _study(
    data: Export,
    records: dict[str, pl.DataFrame],
    fields: dict[str, Field],
    settings: RedcapSettings,
) -> Study:
    demo, follow = records["demographics"], records["follow_up"]
    patients = demo.join(
        follow.select("patient_id", "last_known_alive", "death_date"), on="patient_id", how="left"
    )
    known = set(patients["patient_id"].to_list())
    for name, frame in records.items():
        if name == "demographics":
            continue
        stray = frame.filter(~pl.col("patient_id").is_in(list(known)))
        stray = stray.with_columns(pl.col("patient_id").alias(data.record_id))
        data.add("redcap.no_demographics", stray,
                 data.record_id, None, "a record with the demographics instrument filled in",
                 "enter the patient's demographics, or remove the record", name)  # fmt: skip
    twice = demo.filter(pl.len().over("patient_id") > 1)
    twice = twice.with_columns(pl.col("patient_id").alias(data.record_id))
    data.add("redcap.duplicate_record", twice,
             data.record_id, None, "one demographics row per record",
             "a record's demographics belong to one event", "demographics")  # fmt: skip
    if data.problems:
        raise StudyError(data.problems)
    tables = {name: _empty(name) for name in TABLES}
    tables["patients"] = _table(patients, "patients")
    for inst in INSTRUMENTS.values():
        if inst.table != "patients":
            tables[inst.table] = _table(records[inst.name], inst.table)
    histology = fields["histology"]
    dates = [
        frame.select(pl.col(c).cast(pl.Date)).to_series()
        for frame in tables.values()
        for c, t in frame.schema.items()
        if t in (pl.Date, pl.Datetime("us"))
    ]
    latest = max((d.max() for d in dates if d.len() and d.max() is not None), default=None)
    config = StudyConfig(
        name=settings.name or f"{data.file} (REDCap import)",
        cutoff_date=settings.cutoff or latest or dt.date.today(),
        histologies=tuple(label for _, label in histology.choices),
        response_criteria=settings.response_criteria,  # type: ignore[arg-type]
        regimen=settings.regimen,
        synthetic=settings.synthetic,
        reference_date=settings.reference_date,  # type: ignore[arg-type]
        description=settings.description
        or f"Imported from the REDCap export {data.file} by remission {remission.__version__}.",
    )
    regimen = None
    if settings.regimen:
        from remission.protocol import resolve_regimen

        regimen = resolve_regimen(settings.regimen)
    return Study(config=config, tables=tables, regimen=regimen)


def _locate(problem: Problem, data: Export) -> Problem:
    """A problem of an imported table, located in the export: record, event, instrument, field.

    ``validate_study`` names ``<table>.csv`` and the record's ``_row``, which is its export
    row; the study column becomes the instrument's REDCap field.
    """
    table = problem.file.removesuffix(".csv")
    insts = [i for i in INSTRUMENTS.values() if i.table == table]
    if not insts:
        return problem
    column = problem.column
    for inst in insts:
        for spec in inst.fields:
            if spec.column == problem.column:
                column = spec.name
    if problem.row is None:
        return replace(
            problem,
            file=f"{data.file} [instrument {' or '.join(i.name for i in insts)}]",
            column=column,
        )
    rows = data.frame.filter(pl.col(ROW_COLUMN) == problem.row)
    if not rows.height:
        return replace(problem, file=data.file, column=column)
    rec = rows.row(0, named=True)
    form = next((i.name for i in insts if not i.repeating), insts[0].name)
    return replace(problem, file=data.where(rec, rec.get(REPEAT) or form), column=column)
