"""REDCap values typed by their dictionary field: choices, yes/no, checkboxes, dates, numbers.

Dates follow the field's validation: ``date_ymd`` fields take ``YYYY-MM-DD``; ``date_mdy``
and ``date_dmy`` fields take ``MM-DD-YYYY`` and ``DD-MM-YYYY`` (``-`` or ``/``) and also
``YYYY-MM-DD``, which is what REDCap's CSV export and API write for every date field unless the
export was asked for another format. Date-times the same, with ``HH:MM`` (and ``:SS`` for the
``datetime_seconds_*`` types). A value in another form is refused with both readings named,
never guessed.
"""

from __future__ import annotations

import polars as pl

from remission.sources._redcap_dictionary import (
    DATE_VALIDATIONS,
    DATETIME_VALIDATIONS,
    NUMBER_VALIDATIONS,
    Field,
)
from remission.sources._redcap_export import REPEAT, Export
from remission.sources._redcap_template import OTHER_REASON, Instrument

_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})"
_LOCAL = r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})"
_TIME = r"[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$"
_SHOWN = {"YMD": "YYYY-MM-DD", "MDY": "MM-DD-YYYY", "DMY": "DD-MM-YYYY"}


def _date_expr(col: str, order: str, with_time: bool) -> pl.Expr:
    """The value as a date (or date-time); null when it does not read in the declared order."""
    end = _TIME if with_time else "$"
    iso = pl.col(col).str.extract_groups(_ISO + end)
    local = pl.col(col).str.extract_groups(_LOCAL + end)
    none = pl.lit(None, dtype=pl.String)

    def part(iso_group: str, local_group: str) -> pl.Expr:
        other = none if order == "YMD" else local.struct.field(local_group)
        return pl.coalesce(iso.struct.field(iso_group), other)

    month_group, day_group = ("1", "2") if order == "MDY" else ("2", "1")
    year, month, day = part("1", "3"), part("2", month_group), part("3", day_group)
    text = pl.format("{}-{}-{}", year, month.str.zfill(2), day.str.zfill(2))
    if not with_time:
        return text.str.to_date("%Y-%m-%d", strict=False)
    hour, minute, second = part("4", "4"), part("5", "5"), part("6", "6").fill_null("00")
    stamp = pl.format("{} {}:{}:{}", text, hour.str.zfill(2), minute, second)
    return stamp.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)


def _expected_date(f: Field) -> str:
    order = DATE_VALIDATIONS.get(f.validation) or DATETIME_VALIDATIONS[f.validation]
    shown = _SHOWN[order]
    if f.validation in DATETIME_VALIDATIONS:
        shown += " HH:MM:SS" if "seconds" in f.validation else " HH:MM"
    also = "" if order == "YMD" else f" or {_SHOWN['YMD']}"
    return f"a date as {shown}{also} (the dictionary's {f.validation})"


def _check(export: Export, frame: pl.DataFrame, bad: pl.Expr, f: Field, column: str,
           expected: str, fix: str, inst: Instrument, code: str) -> None:  # fmt: skip
    rows = frame.filter(bad.fill_null(False))
    if rows.height:
        export.add(code, rows.with_columns(pl.col(column).alias("_v")), column, "_v", expected,
                   fix, inst.name)  # fmt: skip


def typed_field(export: Export, frame: pl.DataFrame, f: Field, inst: Instrument) -> pl.Expr:
    """The expression typing field ``f`` in ``frame`` (the instrument's rows), problems added.

    Parameters
    ----------
    export : Export
        The export (collects the problems).
    frame : polars.DataFrame
        The instrument's rows, text columns by raw name.
    f : Field
        The dictionary field.
    inst : Instrument
        The instrument (for messages).

    Returns
    -------
    polars.Expr
        The typed value, named ``f.name``: text, a choice's label, a boolean (yes/no), a date,
        a date-time, an integer or a number; checkbox fields the checked labels joined by
        ``"; "`` (null when none is checked).

    Examples
    --------
    >>> e = Export("e.csv", pl.DataFrame(), False, {})
    >>> f = Field("w", "f", "text", "W", (), "number", "20", "300", 2)
    >>> frame = pl.DataFrame({"w": ["61.5"], "_row": [2]})
    >>> from remission.sources._redcap_template import INSTRUMENTS
    >>> frame.select(typed_field(e, frame, f, INSTRUMENTS["demographics"])).item()
    61.5
    """
    if f.type == "checkbox":
        return _checkbox(export, frame, f, inst)
    if f.name not in frame.columns:
        return pl.lit(None, dtype=pl.String).alias(f.name)
    col = pl.col(f.name)
    present = col.is_not_null()
    if f.choices:
        codes = [c for c, _ in f.choices]
        labels = [lab for _, lab in f.choices]
        known = labels if export.labels else codes
        listed = "; ".join(f"{c} = {lab}" for c, lab in f.choices[:12])
        _check(export, frame, present & ~col.is_in(known), f, f.name,
               f"one of the dictionary's choices ({listed})",
               "correct the value in REDCap, or add the choice to the dictionary", inst,
               "redcap.choice")  # fmt: skip
        label = col if export.labels else col.replace_strict(codes, labels, default=None)
        if f.type in ("yesno", "truefalse"):
            return (label == labels[0]).alias(f.name).cast(pl.Boolean)
        return label.alias(f.name)
    if f.validation in DATE_VALIDATIONS or f.validation in DATETIME_VALIDATIONS:
        order = DATE_VALIDATIONS.get(f.validation) or DATETIME_VALIDATIONS[f.validation]
        value = _date_expr(f.name, order, f.validation in DATETIME_VALIDATIONS)
        _check(export, frame, present & value.is_null(), f, f.name, _expected_date(f),
               "export the dates as REDCap writes them (YYYY-MM-DD), or fix the value", inst,
               "redcap.date")  # fmt: skip
        return value.alias(f.name)
    if f.validation == "integer" or f.validation in NUMBER_VALIDATIONS:
        integer = f.validation == "integer"
        text = col if integer or "comma" not in f.validation else col.str.replace(",", ".")
        value = text.cast(pl.Int64 if integer else pl.Float64, strict=False)
        what = "a whole number" if integer else "a number"
        _check(export, frame, present & value.is_null(), f, f.name, what,
               "write the number without units or text", inst, "redcap.number")  # fmt: skip
        for bound, op, word in ((f.minimum, "lt", "at least"), (f.maximum, "gt", "at most")):
            if bound:
                outside = getattr(value.cast(pl.Float64), op)(float(bound))
                _check(export, frame, outside, f, f.name,
                       f"{what} {word} {bound} (the dictionary's range)",
                       "check the value and its unit", inst, "redcap.range")  # fmt: skip
        return value.alias(f.name)
    return col.alias(f.name)


def _checkbox(export: Export, frame: pl.DataFrame, f: Field, inst: Instrument) -> pl.Expr:
    parts = []
    for code, label in f.choices:
        name = f"{f.name}___{code.lower()}"
        if name not in frame.columns:
            continue
        col = pl.col(name)
        known = ["Checked", "Unchecked"] if export.labels else ["1", "0"]
        _check(export, frame, col.is_not_null() & ~col.is_in(known), f, name,
               f"{' or '.join(known)} (a checkbox)", "export the data again from REDCap",
               inst, "redcap.checkbox")  # fmt: skip
        text = (
            pl.col("dose_hold_other")
            if code == OTHER_REASON and "dose_hold_other" in frame.columns
            else pl.lit(label)
        )
        parts.append(pl.when(col == known[0]).then(text))
    if not parts:
        return pl.lit(None, dtype=pl.String).alias(f.name)
    joined = pl.concat_str(parts, separator="; ", ignore_nulls=True)
    return pl.when(joined != "").then(joined).alias(f.name)


def instrument_rows(export: Export, inst: Instrument) -> pl.DataFrame:
    """The rows holding ``inst``'s data: its repeat rows, or the non-repeating rows with data.

    Parameters
    ----------
    export : Export
        The export.
    inst : Instrument
        The instrument.

    Returns
    -------
    polars.DataFrame
        The rows (text columns).

    Examples
    --------
    >>> from remission.sources._redcap_template import INSTRUMENTS
    >>> frame = pl.DataFrame({"record_id": ["1"], "redcap_repeat_instrument": [None],
    ...     "redcap_repeat_instance": [None], "death_date": ["2001-01-01"], "_row": [2]})
    >>> from remission.sources._redcap_dictionary import Field
    >>> death = Field("death_date", "follow_up", "text", "Died", (), "date_ymd", "", "", 3)
    >>> e = Export("e.csv", frame, False, {"record_id": None, "death_date": death})
    >>> instrument_rows(e, INSTRUMENTS["follow_up"]).height
    1
    """
    f = export.frame
    if inst.repeating:
        return f.filter(pl.col(REPEAT) == inst.name).rechunk()
    own = [c for c in _columns(export, inst) if c in f.columns]
    if not own:
        return f.clear()
    # rechunked: Polars 2.1's str.extract_groups panics on some filtered string columns
    return f.filter(
        pl.col(REPEAT).is_null() & pl.any_horizontal(pl.col(own).is_not_null())
    ).rechunk()


def _columns(export: Export, inst: Instrument) -> list[str]:
    """The export columns of the instrument's fields (checkboxes expanded), record id aside."""
    out = []
    for spec in inst.fields:
        f = export.fields.get(spec.name)
        if f is None or f.name == export.record_id:
            continue
        if f.type == "checkbox":
            out += [f"{f.name}___{c.lower()}" for c, _ in f.choices]
        else:
            out.append(f.name)
    return out


def misplaced(export: Export, instruments: dict[str, Instrument]) -> None:
    """Problems for values of an instrument's fields on another instrument's rows.

    Parameters
    ----------
    export : Export
        The export (collects the problems).
    instruments : dict of str to Instrument
        The template's instruments.

    Examples
    --------
    >>> e = Export("e.csv", pl.DataFrame(), False, {})
    >>> misplaced(e, {})
    """
    f = export.frame
    if not f.height:
        return
    for inst in instruments.values():
        own = [c for c in _columns(export, inst) if c in f.columns]
        if not own:
            continue
        on_row = pl.col(REPEAT) == inst.name if inst.repeating else pl.col(REPEAT).is_null()
        for column in own:
            rows = f.filter(~on_row.fill_null(False) & pl.col(column).is_not_null())
            where = (
                "its own repeating rows" if inst.repeating else "a row without a repeat instrument"
            )
            export.add("redcap.misplaced", rows, column, column,
                       f"values of instrument {inst.name} on {where}",
                       "export the data again from REDCap; the rows were edited", None)  # fmt: skip
