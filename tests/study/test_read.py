"""Cleaning user text: ``clean_text`` rewrites only the columns that need it, with the same
result as stripping every column."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from remission.study._read import clean_text, stripped, unclean

# white space of every kind strip_chars removes, beside ordinary letters and inner spaces
_ALPHABET = st.sampled_from(
    ["a", "B", "7", "-", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x85", "\xa0", "\u2003",
     "\u2028", "\u3000", "\u200b", "é"]
)  # fmt: skip
_VALUES = st.one_of(st.none(), st.text(_ALPHABET, max_size=5))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_VALUES, _VALUES, _VALUES), max_size=8))
def test_clean_text_equals_stripping_every_column(rows: list[tuple[str | None, ...]]) -> None:
    frame = pl.DataFrame(rows, schema=dict.fromkeys("abc", pl.String), orient="row")
    expected = frame.with_columns(stripped(c) for c in frame.columns)
    assert clean_text(frame).equals(expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(_VALUES, max_size=12))
def test_unclean_marks_exactly_the_values_stripping_changes(values: list[str | None]) -> None:
    frame = pl.DataFrame({"a": values}, schema={"a": pl.String})
    changed = frame.select(stripped("a").ne_missing(pl.col("a")))["a"]
    assert frame.select(unclean("a").fill_null(False))["a"].to_list() == changed.to_list()


def test_clean_text_leaves_clean_columns_and_row_numbers_alone() -> None:
    frame = pl.DataFrame({"_row": [2, 3], "a": ["x", "y"], "b": [" z", ""]})
    cleaned = clean_text(frame)
    assert cleaned.rows() == [(2, "x", "z"), (3, "y", None)]
    # only the named columns are looked at
    assert clean_text(frame, ["a"]).rows() == frame.rows()
