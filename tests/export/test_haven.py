"""The XPT files as R's ``haven::read_xpt`` read them once (tests/r_reference/haven_xpt.R).

R is not needed here: the committed JSON records what haven saw in the demo's XPT export
(labels, formats, classes, missing counts, first values, sums), and a fresh export must give
the same through pyreadstat.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from remission.export import read_xpt, xpt_metadata

REFERENCE = json.loads(
    (Path(__file__).parents[1] / "r_reference" / "haven_xpt.json").read_text(encoding="utf-8")
)
_CLASS = {"character": "text", "numeric": "number", "Date": "date", "POSIXct": "datetime"}


def _kind(dtype: object) -> str:
    text = str(dtype)
    if text == "String":
        return "text"
    if text == "Date":
        return "date"
    return "datetime" if text.startswith("Datetime") else "number"


@pytest.mark.parametrize("name", sorted(REFERENCE["datasets"]))
def test_xpt_as_haven_read_it_against_R(derived: dict[str, Path], name: str) -> None:
    ref = REFERENCE["datasets"][name]
    path = derived["xpt"] / f"{name}.xpt"
    meta = xpt_metadata(path)
    frame = read_xpt(path)
    assert meta["label"] == ref["label"]
    assert frame.height == ref["rows"]
    assert [v["name"] for v in ref["variables"]] == frame.columns
    for var in ref["variables"]:
        column = frame[var["name"]]
        assert meta["labels"][var["name"]] == var["label"]
        assert _kind(column.dtype) == _CLASS[var["class"]], var["name"]
        assert column.null_count() == var["missing"], var["name"]
        first = column[0]
        if var["class"] == "Date":
            first = None if first is None else f"{first.isoformat()} 00:00:00"
        elif var["class"] == "POSIXct":
            first = None if first is None else first.strftime("%Y-%m-%d %H:%M:%S")
        expected = var["first"]
        if var["class"] == "character" and expected == "":
            expected = None  # SAS and haven: an empty text is the missing value
        if isinstance(first, float):
            assert math.isclose(first, expected, rel_tol=1e-12), var["name"]
        else:
            assert first == expected, var["name"]
        if var["sum"] is not None:
            assert math.isclose(column.sum() or 0.0, var["sum"], rel_tol=1e-12), var["name"]
        expected_format = {"Date": "DATE9", "POSIXct": "DATETIME20"}.get(var["class"])
        assert var["format"] == expected_format
