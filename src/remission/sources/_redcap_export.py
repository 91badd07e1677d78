"""REDCap's flat CSV export, read: raw or label header, events, repeating instruments.

``read_export`` reads the file as text, recognises a raw export (variable names as headers)
or a label export (field labels as headers, choice labels as values), resolves every column
to a dictionary field (checkbox columns ``name___code``) and checks the rows' record id,
event and repeat instrument/instance. ``instrument_records`` then types one instrument's
fields. Problems name the REDCap record id, event, instrument (and instance) and field.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from remission.sources._redcap_dictionary import Field
from remission.sources._redcap_template import EVENTS, INSTRUMENTS, event_label
from remission.study import ROW_COLUMN, Problem
from remission.study._problems import ROWS_KEPT_PER_KIND

EVENT, REPEAT, INSTANCE = "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"
SPECIAL_LABELS = {EVENT: "Event Name", REPEAT: "Repeat Instrument", INSTANCE: "Repeat Instance"}
IGNORED = ("redcap_data_access_group", "redcap_survey_identifier")
"""Columns REDCap adds on request that carry no study data (read and ignored)."""
COMPLETE_LABELS = {"0": "Incomplete", "1": "Unverified", "2": "Complete"}


@dataclass
class Export:
    """A REDCap export read as text: one column per raw name, plus ``_row``.

    Parameters
    ----------
    file : str
        The export's file name, for messages.
    frame : polars.DataFrame
        Text columns named by raw variable (checkbox ``name___code``), ``_row``.
    labels : bool
        True for a label export (choice labels as values).
    fields : dict of str to Field
        The dictionary's fields by name.
    problems : list of Problem
        Everything found so far.

    Examples
    --------
    >>> Export("e.csv", pl.DataFrame(), False, {}).longitudinal
    False
    """

    file: str
    frame: pl.DataFrame
    labels: bool
    fields: dict[str, Field]
    problems: list[Problem] = field(default_factory=list)

    @property
    def longitudinal(self) -> bool:
        """Whether the export has events (``redcap_event_name``)."""
        return EVENT in self.frame.columns

    @property
    def record_id(self) -> str:
        """The record id field (the dictionary's first field)."""
        return next(iter(self.fields))

    def add(
        self,
        code: str,
        rows: pl.DataFrame,
        column: str | None,
        values: str | None,
        expected: str,
        fix: str,
        form: str | None = None,
    ) -> None:
        """One problem per row of ``rows`` (the first 20; the last counts the rest).

        ``rows`` holds ``_row``, the record id, the event, repeat instrument and instance;
        ``values`` names its column holding the offending values.
        """
        kept = rows.head(ROWS_KEPT_PER_KIND)
        for i, rec in enumerate(kept.iter_rows(named=True)):
            where = self.where(rec, form)
            more = rows.height - kept.height if i == kept.height - 1 else 0
            value = rec.get(values) if values else None
            self.problems.append(
                Problem("error", code, where, rec[ROW_COLUMN], column, value, expected, fix, more)
            )

    def where(self, rec: dict, form: str | None = None) -> str:
        """``export.csv [record 7, event baseline_arm_1, instrument lesion #2]``."""
        parts = [f"record {rec.get(self.record_id) or '(empty)'}"]
        if self.longitudinal:
            parts.append(f"event {rec.get(EVENT) or '(none)'}")
        form = form or rec.get(REPEAT)
        if form:
            instance = rec.get(INSTANCE)
            parts.append(f"instrument {form}" + (f" #{instance}" if instance else ""))
        return f"{self.file} [{', '.join(parts)}]"


def expand(fields: list[Field]) -> list[tuple[str, str, Field | None]]:
    """Every export column of a dictionary: ``(raw name, label-export header, field)``.

    Checkbox fields give one column per choice (``name___code``, ``Label (choice=Choice)``),
    descriptive fields none, each form a ``form_complete`` column after its fields.

    Parameters
    ----------
    fields : list of Field
        The dictionary's fields in order.

    Returns
    -------
    list of (str, str, Field or None)
        In the export's column order (the special columns after the record id).

    Examples
    --------
    >>> f = [Field("id", "f", "text", "ID", (), "", "", "", 2),
    ...      Field("c", "f", "checkbox", "C", (("1", "a"),), "", "", "", 3)]
    >>> [name for name, _, _ in expand(f)][-3:]
    ['redcap_repeat_instance', 'c___1', 'f_complete']
    """
    out: list[tuple[str, str, Field | None]] = []
    for i, f in enumerate(fields):
        if i > 0 and f.form != fields[i - 1].form:
            out.append((f"{fields[i - 1].form}_complete", "Complete?", None))
        if f.type == "descriptive":
            continue
        if f.type == "checkbox":
            out += [
                (f"{f.name}___{c.lower()}", f"{f.label} (choice={lab})", f) for c, lab in f.choices
            ]
        else:
            out.append((f.name, f.label, f))
        if i == 0:
            out += [(name, label, None) for name, label in SPECIAL_LABELS.items()]
    if fields:
        out.append((f"{fields[-1].form}_complete", "Complete?", None))
    return out


def _header(data: bytes, file: str) -> tuple[list[str] | None, str, list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, "", [
            Problem("error", "file.encoding", file, line, None, f"byte 0x{data[exc.start]:02X}",
                    "UTF-8 text, as REDCap exports it",
                    "export the data again from REDCap (CSV), or convert it to UTF-8")
        ]  # fmt: skip
    header = next(csv.reader(io.StringIO(text)), None)
    if not header or not any(h.strip() for h in header):
        return None, "", [
            Problem("error", "file.empty", file, 1, None, None, "a REDCap CSV export with a "
                    "header row", "export the data from REDCap (Data Exports > CSV)")
        ]  # fmt: skip
    return [h.strip() for h in header], text, []


def _ragged_row(text: str, width: int) -> tuple[int | None, int]:
    """The first row (header = 1) whose number of fields is not ``width``, and that number."""
    for number, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if fields and len(fields) != width:
            return number, len(fields)
    return None, 0


def _resolve(header: list[str], fields: list[Field], file: str):
    """Map the header to raw names; decide raw or label export; problems for unknown columns."""
    columns = expand(fields)
    raw_names = {name for name, _, _ in columns}
    problems: list[Problem] = []
    labels = header[0] != fields[0].name and header[0] == fields[0].label
    names: list[str] = []
    if not labels:
        for i, h in enumerate(header):
            if h in raw_names or h in IGNORED:
                names.append(h)
                continue
            close = difflib.get_close_matches(h, sorted(raw_names), n=1)
            problems.append(
                Problem("error", "redcap.unknown_field", file, 1, h, None,
                        "a field of the data dictionary (or a REDCap column)",
                        f"did you mean {close[0]!r}?" if close else
                        "export the data with the dictionary it was collected with, or add "
                        "the field to the dictionary")
            )  # fmt: skip
            names.append(f"_unknown_{i}")
        if header and header[0] != fields[0].name:
            problems.append(
                Problem("error", "redcap.record_id", file, 1, header[0], None,
                        f"the record id field {fields[0].name!r} as the first column",
                        "export the records with their record id (REDCap always adds it)")
            )  # fmt: skip
        return names, False, problems
    # label export: headers are labels in the export's column order (a subsequence when only
    # some fields were exported); match greedily in order
    j = 0
    for i, h in enumerate(header):
        k = j
        while k < len(columns) and columns[k][1] != h:
            k += 1
        if k == len(columns):
            problems.append(
                Problem("error", "redcap.unknown_field", file, 1, h, None,
                        "a field label of the data dictionary, in the dictionary's order",
                        "export the labels with the dictionary the project uses, or use a "
                        "raw export (CSV Raw data)")
            )  # fmt: skip
            names.append(f"_unknown_{i}")
            continue
        names.append(columns[k][0])
        j = k + 1
    return names, labels, problems


def read_export(path: Path, fields: list[Field]) -> Export:
    """Read a REDCap CSV export (raw or labels) against its dictionary.

    Parameters
    ----------
    path : pathlib.Path
        The export.
    fields : list of Field
        The data dictionary's fields.

    Returns
    -------
    Export
        Text columns by raw name with ``_row``; ``problems`` holds file-level and row-level
        problems of the record id, event and repeat columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = path.write_text("id,age\\n1,61\\n")
    >>> f = [Field("id", "f", "text", "ID", (), "", "", "", 2),
    ...      Field("age", "f", "text", "Age", (), "integer", "", "", 3)]
    >>> read_export(path, f).frame.columns[:3]
    ['_row', 'id', 'age']
    """
    file = path.name
    data = path.read_bytes()
    header, text, problems = _header(data, file)
    by_name = {f.name: f for f in fields}
    if header is None:
        return Export(file, pl.DataFrame(), False, by_name, problems)
    names, labels, problems = _resolve(header, fields, file)
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            has_header=False,
            skip_rows=1,
            new_columns=names,
            infer_schema=False,
            truncate_ragged_lines=False,
            schema_overrides=dict.fromkeys(names, pl.String),
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        row, found = _ragged_row(text, len(header))
        first = str(exc).splitlines()[0][:160]
        problems.append(
            Problem("error", "file.not_a_table", file, row, None, None,
                    f"{len(header)} fields as in the header, found {found}" if row else
                    f"a comma-separated REDCap export ({first})",
                    "export the data again from REDCap; do not edit it in a spreadsheet")
        )  # fmt: skip
        return Export(file, pl.DataFrame(), labels, by_name, problems)
    frame = frame.select([c for c in frame.columns if not c.startswith("_unknown_")])
    frame = frame.with_columns(pl.all().str.strip_chars().replace("", None)).with_row_index(
        ROW_COLUMN, offset=2
    )
    frame = frame.with_columns(pl.col(ROW_COLUMN).cast(pl.Int64))
    export = Export(file, frame, labels, by_name, problems)
    for col in (REPEAT, INSTANCE):  # a project without repeating instruments has neither
        if col not in frame.columns:
            export.frame = export.frame.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    if labels:
        _labels_to_raw(export)
    _check_rows(export)
    return export


def _labels_to_raw(export: Export) -> None:
    """The event and repeat-instrument columns of a label export, as raw names."""
    events = {event_label(e): e for e in EVENTS}
    forms = {i.label: i.name for i in INSTRUMENTS.values()}
    cols = [pl.col(REPEAT).replace(forms)]
    if export.longitudinal:
        cols.append(pl.col(EVENT).replace(events))
    export.frame = export.frame.with_columns(cols)


def _check_rows(export: Export) -> None:
    f = export.frame
    rid = export.record_id
    if rid not in f.columns:
        return
    export.add("redcap.record_id", f.filter(pl.col(rid).is_null()), rid, None,
               "a record id on every row", "fill in the record id")  # fmt: skip
    if export.longitudinal:
        export.add("redcap.no_event", f.filter(pl.col(EVENT).is_null()), EVENT, None,
                   "the event of the record (redcap_event_name)",
                   "export the data of a longitudinal project with its events")  # fmt: skip
        unknown = f.filter(pl.col(EVENT).is_not_null() & ~pl.col(EVENT).is_in(list(EVENTS)))
        export.add("redcap.unknown_event", unknown, EVENT, EVENT,
                   f"one of the project's events: {', '.join(EVENTS)}",
                   "use the template's arm layout (docs/sources.md)")  # fmt: skip
    repeating = [i.name for i in INSTRUMENTS.values() if i.repeating]
    bad_form = f.filter(pl.col(REPEAT).is_not_null() & ~pl.col(REPEAT).is_in(repeating))
    export.add("redcap.repeat_instrument", bad_form, REPEAT, REPEAT,
               f"a repeating instrument: {', '.join(repeating)}",
               "only these instruments repeat in the template")  # fmt: skip
    number = pl.col(INSTANCE).str.contains(r"^[1-9][0-9]*$")
    export.add("redcap.repeat_instance",
               f.filter(pl.col(REPEAT).is_not_null() & ~number.fill_null(False)),
               INSTANCE, INSTANCE, "an instance number 1, 2, 3, ... on a repeating row",
               "export the data again; instances are numbered by REDCap")  # fmt: skip
    export.add("redcap.repeat_instance",
               f.filter(pl.col(REPEAT).is_null() & pl.col(INSTANCE).is_not_null()),
               INSTANCE, INSTANCE, "no instance on a row without a repeat instrument",
               "name the instrument in redcap_repeat_instrument or clear the instance")  # fmt: skip
    keys = [rid, *([EVENT] if export.longitudinal else []), REPEAT, INSTANCE]
    dup = f.filter(pl.len().over(keys) > 1).filter(pl.col(rid).is_not_null())
    export.add("redcap.duplicate_row", dup, rid, None,
               "one row per record, event, instrument and instance",
               "remove the repeated row (the export was edited or concatenated)")  # fmt: skip
    _check_gaps(export, keys[:-1])


def _check_gaps(export: Export, group: list[str]) -> None:
    """Instances of a repeating instrument numbered 1..n without gaps, per record and event."""
    known = [pl.col(c).is_not_null() for c in group]  # rows without them are reported already
    f = export.frame.filter(
        pl.col(INSTANCE).str.contains(r"^[1-9][0-9]*$").fill_null(False), *known
    ).with_columns(pl.col(INSTANCE).cast(pl.Int64).alias("_n"))
    f = f.filter(pl.len().over(*group, "_n") == 1)  # duplicates are reported already
    gaps = (
        f.sort("_n")
        .with_columns(
            pl.col("_n").shift(1).over(group).fill_null(0).alias("_prev"),
        )
        .filter(pl.col("_n") - pl.col("_prev") > 1)
        .with_columns(
            pl.format("instance {} without instance {}", pl.col("_n"), pl.col("_n") - 1).alias("_v")
        )
        .sort(ROW_COLUMN)
    )
    export.add("redcap.instance_gap", gaps, INSTANCE, "_v",
               "instances numbered 1, 2, 3, ... without a gap",
               "a deleted instance leaves a gap: export again, or renumber the instances",
               )  # fmt: skip
