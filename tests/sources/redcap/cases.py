"""Bad REDCap exports: each case edits a good export of a small simulated cohort.

A case names the edit and the function making it (on the export as text columns, or on the
CSV text); the expected messages are in ``test_bad_exports.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from remission.simulate import simulate_study
from remission.sources import redcap_export, redcap_template, write_redcap_csv

RID, EVENT, REPEAT, INSTANCE = (
    "record_id",
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
)


def base_export(labels: bool = False) -> pl.DataFrame:
    """The good export: 20 simulated patients (seed 3), raw or labels."""
    return redcap_export(simulate_study(20, seed=3), labels=labels)


def write_case(folder: Path, edited: pl.DataFrame | str | bytes) -> Path:
    """The case's export and the template dictionary in ``folder``; returns the export path."""
    folder.mkdir(parents=True, exist_ok=True)
    redcap_template()["dictionary"].write_csv(folder / "dictionary.csv")
    path = folder / "export.csv"
    if isinstance(edited, bytes):
        path.write_bytes(edited)
    elif isinstance(edited, str):
        path.write_text(edited, encoding="utf-8")
    else:
        write_redcap_csv(edited, str(path))
    return path


def _nth(frame: pl.DataFrame, where: pl.Expr, n: int = 0) -> int:
    """Index of the n-th row matching ``where``."""
    return frame.with_row_index("_i").filter(where)["_i"][n]


def set_cell(frame: pl.DataFrame, where: pl.Expr, column: str, value: str | None, n: int = 0):
    """The export with one cell changed: ``column`` of the n-th row matching ``where``."""
    i = _nth(frame, where, n)
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == i).then(pl.lit(value)).otherwise(pl.col(column))
        .alias(column)
    )  # fmt: skip


def form(name: str) -> pl.Expr:
    return pl.col(REPEAT) == name


DEMO = pl.col(REPEAT).is_null() & pl.col("histology").is_not_null()
FOLLOW = pl.col(EVENT) == "follow_up_arm_1"


def _drop_rows(frame: pl.DataFrame, where: pl.Expr, n: int = 0) -> pl.DataFrame:
    i = _nth(frame, where, n)
    return frame.filter(pl.int_range(pl.len()) != i)


@dataclass(frozen=True)
class Case:
    """One bad export: ``edit`` turns the good export (raw text columns) into the bad one."""

    name: str
    edit: Callable[[pl.DataFrame], pl.DataFrame | str | bytes]
    labels: bool = False


def _text(frame: pl.DataFrame) -> str:
    return frame.write_csv()


def _extra_field(text: str, line: int) -> str:
    """The CSV text with one more field on ``line`` (1 = header)."""
    lines = text.split("\n")
    lines[line - 1] += ",extra"
    return "\n".join(lines)


CASES = [
    Case("unknown field", lambda f: f.rename({"weight_kg": "weight_lb"})),
    Case("unknown field in a label export",
         lambda f: f.rename({f.columns[8]: "8:Weight (lb)"}), labels=True),
    Case("record id not first", lambda f: f.select([*f.columns[1:], f.columns[0]])),
    Case("choice not in the dictionary", lambda f: set_cell(f, form("prior_therapy"),
                                                            "prior_category", "9")),
    Case("choice label not in the dictionary",
         lambda f: set_cell(f, pl.col(f.columns[2]).is_null() & pl.col(f.columns[4]).is_not_null(),
                            f.columns[4], "sarcoma"), labels=True),
    Case("date in the wrong format", lambda f: set_cell(f, DEMO, "birth_date", "05/10/1950")),
    Case("impossible date", lambda f: set_cell(f, FOLLOW, "last_known_alive", "1998-02-30")),
    Case("date-time without a time", lambda f: set_cell(f, form("il2_dose"),
                                                        "dose_scheduled_at", "1990-01-02")),
    Case("number with a unit", lambda f: set_cell(f, form("il2_dose"), "dose_iu", "4.6e7 IU")),
    Case("whole number with decimals", lambda f: set_cell(f, form("il2_dose"), "dose_cycle",
                                                          "1.5")),
    Case("number outside the dictionary's range", lambda f: set_cell(f, DEMO, "weight_kg", "450")),
    Case("yes/no not 0 or 1", lambda f: set_cell(f, form("lesion"), "lesion_nodal", "maybe")),
    Case("checkbox not 0 or 1", lambda f: set_cell(f, form("il2_dose"), "dose_hold_reason___1",
                                                   "2")),
    Case("checkbox of an unknown choice",
         lambda f: f.with_columns(pl.lit("0").alias("dose_hold_reason___77"))),
    Case("repeat instance gap", lambda f: _drop_rows(f, form("lab"), 1)),
    Case("repeat instance not a number", lambda f: set_cell(f, form("lab"), INSTANCE, "two")),
    Case("repeat instance without an instrument",
         lambda f: set_cell(f, DEMO, INSTANCE, "1")),
    Case("instrument that does not repeat",
         lambda f: set_cell(f, form("lab"), REPEAT, "demographics")),
    Case("record in no event", lambda f: set_cell(f, form("measurement"), EVENT, None)),
    Case("unknown event", lambda f: set_cell(f, FOLLOW, EVENT, "month_3_arm_1")),
    Case("instrument in an event it is not designated to",
         lambda f: set_cell(f, form("il2_dose"), EVENT, "baseline_arm_1", 5)),
    Case("duplicate row", lambda f: pl.concat([f, f.filter(form("prior_therapy")).head(1)])),
    Case("value on another instrument's row",
         lambda f: set_cell(f, form("lab"), "meas_longest_mm", "12")),
    Case("record without demographics",
         lambda f: set_cell(f, form("lesion"), RID, "SYN-9999")),
    Case("empty record id", lambda f: set_cell(f, form("lab"), RID, None, 3)),
    Case("row with more fields than the header", lambda f: _extra_field(_text(f), 3)),
    Case("not UTF-8", lambda f: _text(f).replace("radical nephrectomy", "néphrectomie", 1)
         .encode("latin-1")),
    Case("empty file", lambda f: ""),
    Case("study rule: perpendicular longer than longest",
         lambda f: set_cell(f, form("measurement") & (pl.col("meas_state") == "1"),
                            "meas_perp_mm", "400")),
]  # fmt: skip
