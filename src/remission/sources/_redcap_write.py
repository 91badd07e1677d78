"""A study as a REDCap export of the template project (raw or labels): the simulator's way in.

The inverse of ``read_redcap``: each table's records become rows of their instrument in the
template's events (baseline labs and lesions in ``baseline_arm_1``, the rest where the
template designates them), repeating instruments numbered 1, 2, ... per record and event,
checkbox columns ``dose_hold_reason___N``, dates ``YYYY-MM-DD`` and date-times
``YYYY-MM-DD HH:MM`` as REDCap exports them.
"""

from __future__ import annotations

import polars as pl

from remission.sources._redcap_dictionary import Field
from remission.sources._redcap_export import EVENT, INSTANCE, REPEAT, expand
from remission.sources._redcap_template import (
    EVENTS,
    OTHER_REASON,
    Instrument,
    Spec,
    event_label,
    instruments,
)
from remission.study import Study

_EVENT_ORDER = {e: i for i, e in enumerate(EVENTS)}


def _text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Date:
        return expr.dt.strftime("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        return expr.dt.strftime("%Y-%m-%d %H:%M")
    if dtype == pl.Boolean:
        return pl.when(expr).then(pl.lit("1")).when(expr.not_()).then(pl.lit("0"))
    if dtype == pl.Float64:
        # whole numbers without ".0" (REDCap's integer-looking numbers), others as Polars prints
        return (
            pl.when(expr == expr.round(0))
            .then(expr.cast(pl.Int64).cast(pl.String))
            .otherwise(expr.cast(pl.String))
        )
    return expr.cast(pl.String)


def _spec_columns(spec: Spec, frame: pl.DataFrame) -> list[pl.Expr]:
    assert spec.column is not None
    value = pl.col(spec.column)
    if spec.choices and spec.type != "checkbox":
        codes = dict((label, code) for code, label in spec.codes())
        return [value.replace_strict(codes, default=None).alias(spec.name)]
    if spec.type == "checkbox":
        known = {label for _, label in spec.codes()}
        out = [
            pl.when(value.is_null())
            .then(pl.lit("0"))
            .otherwise(
                pl.when(value.str.split("; ").list.contains(pl.lit(label)))
                .then(pl.lit("1"))
                .otherwise(pl.lit("0"))
            )
            .alias(f"{spec.name}___{code}")
            for code, label in spec.codes()
            if code != OTHER_REASON
        ]
        other = value.is_not_null() & ~value.is_in(list(known))
        out.append(
            pl.when(value.is_null()).then(pl.lit("0")).when(other).then(pl.lit("1"))
            .otherwise(pl.lit("0")).alias(f"{spec.name}___{OTHER_REASON}")
        )  # fmt: skip
        out.append(pl.when(other).then(value).alias("dose_hold_other"))
        return out
    if spec.type == "yesno":
        return [_text(value, pl.Boolean).alias(spec.name)]
    return [_text(value, frame.schema[spec.column]).alias(spec.name)]


def _event(inst: Instrument, frame: pl.DataFrame, starts: pl.DataFrame) -> pl.Expr:
    if len(inst.events) == 1:
        return pl.lit(inst.events[0])
    date = {"lesion": "first_seen_on", "lab": "drawn_at"}[inst.name]
    before = pl.col(date).cast(pl.Date) < pl.col("_start")
    if inst.name == "lesion":
        before = pl.col(date) <= pl.col("_start")
    return (
        pl.when(before | pl.col("_start").is_null())
        .then(pl.lit(inst.events[0]))
        .otherwise(pl.lit(inst.events[1]))
    )


def _instrument_rows(study: Study, inst: Instrument, starts: pl.DataFrame) -> pl.DataFrame:
    frame = study.table(inst.table).join(starts, on="patient_id", how="left")
    cols = [pl.col("patient_id").alias("record_id")]
    for spec in inst.fields:
        if spec.column and spec.name != "record_id":
            cols += _spec_columns(spec, frame)
    out = frame.select(
        *cols,
        _event(inst, frame, starts).alias(EVENT),
        pl.lit("2").alias(f"{inst.name}_complete"),
    )
    if inst.repeating:
        out = out.with_columns(
            pl.lit(inst.name).alias(REPEAT),
            (pl.int_range(pl.len()).over("record_id", EVENT) + 1).cast(pl.String).alias(INSTANCE),
        )
    return out


def redcap_export(study: Study, *, labels: bool = False) -> pl.DataFrame:
    """A study as the flat CSV export of the template project (text columns).

    Parameters
    ----------
    study : Study
        The study (e.g. a simulated one).
    labels : bool
        A label export (field labels as headers, choice labels, ``Checked``/``Unchecked``,
        event and instrument labels) instead of raw names and codes.

    Returns
    -------
    polars.DataFrame
        One row per record and event for the non-repeating instruments, one per instance of
        the repeating ones, in REDCap's order; write it with ``write_csv``.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> export = redcap_export(simulate_study(30, seed=1))
    >>> export.columns[3:5]
    ['redcap_repeat_instance', 'histology']
    >>> export.filter(pl.col("redcap_repeat_instrument") == "il2_dose").height > 0
    True
    """
    insts = instruments(study.config.histologies)
    starts = study.table("patients").select("patient_id", pl.col("treatment_start").alias("_start"))
    parts = [_instrument_rows(study, inst, starts) for inst in insts.values()]
    # the two non-repeating instruments of different events stay on separate rows
    merged = pl.concat(parts, how="diagonal_relaxed")
    fields = [
        Field(s.name, inst.name, s.type, s.label, tuple(s.codes()), s.validation, "", "", 0)
        for inst in insts.values()
        for s in inst.fields
    ]
    columns = expand(fields)
    merged = merged.with_columns(
        pl.col(EVENT).replace_strict(_EVENT_ORDER, return_dtype=pl.Int64).alias("_e"),
        pl.col(INSTANCE).cast(pl.Int64).alias("_i"),
        pl.col(REPEAT)
        .replace_strict({n: i for i, n in enumerate(insts)}, default=-1, return_dtype=pl.Int64)
        .alias("_f"),
    ).sort("record_id", "_e", "_f", "_i", nulls_last=False, maintain_order=True)
    out = merged.select(
        (pl.col(name) if name in merged.columns else pl.lit(None, dtype=pl.String))
        .cast(pl.String)
        .alias(name)
        for name, _, _ in columns
    )
    if not labels:
        return out
    return _as_labels(out, columns, insts)


def _as_labels(out: pl.DataFrame, columns: list, insts: dict[str, Instrument]) -> pl.DataFrame:
    exprs = []
    for name, _, f in columns:
        col = pl.col(name)
        if name == EVENT:
            col = col.replace({e: event_label(e) for e in EVENTS})
        elif name == REPEAT:
            col = col.replace({i.name: i.label for i in insts.values()})
        elif name.endswith("_complete") and f is None:
            col = col.replace({"0": "Incomplete", "1": "Unverified", "2": "Complete"})
        elif f is not None and f.type == "checkbox":
            col = col.replace({"1": "Checked", "0": "Unchecked"})
        elif f is not None and f.type == "yesno":
            col = col.replace({"1": "Yes", "0": "No"})
        elif f is not None and f.choices:
            col = col.replace(dict(f.choices))
        exprs.append(col)
    frame = out.select(exprs)
    # label headers repeat ("Complete?"): a CSV may hold them, a DataFrame may not
    return frame.rename({name: f"{i}:{label}" for i, (name, label, _) in enumerate(columns)})


def write_redcap_csv(frame: pl.DataFrame, path: str) -> None:
    """Write an export; a label export's ``N:Label`` column names become plain labels.

    Parameters
    ----------
    frame : polars.DataFrame
        From ``redcap_export``.
    path : str
        The CSV file.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "e.csv")
    >>> write_redcap_csv(pl.DataFrame({"0:Record ID": ["1"], "1:Complete?": ["Complete"]}), path)
    >>> open(path).read()
    'Record ID,Complete?\\n1,Complete\\n'
    """
    labelled = all(":" in c and c.split(":", 1)[0].isdigit() for c in frame.columns)
    body = frame.write_csv(include_header=False)
    header = [c.split(":", 1)[1] if labelled else c for c in frame.columns]
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(header)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(buffer.getvalue() + body)
