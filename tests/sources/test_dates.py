"""ISO 8601 dates as SDTM writes them, and admiral's imputation of partial ones."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from remission.sources._sdtm_dates import dtc_complete, dtc_impute, dtc_precision

D = dt.date
JAN23 = D(2014, 1, 23)

CASES = [
    # value, precision, complete, (last, last) with flag, (first, none) with flag
    ("2014-01-23", "complete", JAN23, (JAN23, None), (JAN23, None)),
    ("2014-01-23T10:30", "complete", JAN23, (JAN23, None), (JAN23, None)),
    ("2014-01-23T10:30:15.5", "complete", JAN23, (JAN23, None), (JAN23, None)),
    ("2014-02", "no_day", None, (D(2014, 2, 28), "D"), (D(2014, 2, 1), "D")),
    ("2016-02", "no_day", None, (D(2016, 2, 29), "D"), (D(2016, 2, 1), "D")),
    ("2014", "no_month", None, (D(2014, 12, 31), "M"), (None, None)),
    ("2014---15", "no_month", None, (D(2014, 12, 31), "M"), (None, None)),
    ("2014-02-30", "invalid", None, (None, None), (None, None)),
    ("2014-13", "invalid", None, (None, None), (None, None)),
    ("23/01/2014", "invalid", None, (None, None), (None, None)),
    ("2014-01-23T25:00", "invalid", None, (None, None), (None, None)),
    ("January 2014", "invalid", None, (None, None), (None, None)),
    (None, None, None, (None, None), (None, None)),
]  # fmt: skip


@pytest.mark.parametrize(("value", "precision", "complete", "last", "first"), CASES)
def test_parse_and_impute(
    value: str | None,
    precision: str | None,
    complete: dt.date | None,
    last: tuple[dt.date | None, str | None],
    first: tuple[dt.date | None, str | None],
) -> None:
    frame = pl.DataFrame({"dtc": [value]}, schema={"dtc": pl.String})
    col = pl.col("dtc")
    last_date, last_flag = dtc_impute(col, "last", "last")
    first_date, first_flag = dtc_impute(col, "first", None)
    exprs = (dtc_precision(col), dtc_complete(col), last_date, last_flag, first_date, first_flag)
    row = frame.select(e.alias(str(i)) for i, e in enumerate(exprs)).row(0)
    assert row == (precision, complete, *last, *first)
