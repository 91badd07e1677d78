"""The shape of a table file: fields per CSV record, repeated column names.

Each check looks at the whole file at once with polars, so a file of millions of rows costs a
scan, not a Python loop over its rows.
"""

from __future__ import annotations

import csv
import io

import polars as pl

from remission.study._problems import Problem, ProblemLog, row_problems

ROW_COLUMN = "_row"
"""Name of the provenance column: the row of the source file (header = row 1)."""

_SEPARATORS = (b"\x00", b"\x1f", b"\x1e", b"\x1d", b"\x1c", b"\x01", b"\x02")
"""Bytes that split no line when the lines of a CSV file are read as one column: the first
absent from the file is used."""


def column_letters(index: int) -> str:
    """The spreadsheet name of the column at 0-based ``index``.

    Examples
    --------
    >>> column_letters(0), column_letters(25), column_letters(26), column_letters(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def csv_header(body: bytes) -> list[str]:
    """The fields of the first record of CSV ``body`` (UTF-8), read alone."""
    text = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8", errors="replace", newline="")
    return next(csv.reader(text), [])


def report_duplicate_headers(names: list[str], file: str, log: ProblemLog) -> bool:
    """Record each column name heading more than one column (spaces around it ignored).

    Returns True when there is one: the table cannot be read by name.

    Examples
    --------
    >>> log = ProblemLog()
    >>> report_duplicate_headers(["id", "weight_kg", " weight_kg"], "p.csv", log)
    True
    >>> print(log.problems[0].render())  # doctest: +NORMALIZE_WHITESPACE
    error: p.csv row 1, column weight_kg: 'weight_kg': expected one column named 'weight_kg'
    (columns B and C have that name); fix: remove the repeated column, or rename it
    """
    where: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if name is not None and str(name).strip():
            where.setdefault(str(name).strip(), []).append(i)
    found = False
    for name, places in where.items():
        if len(places) < 2:
            continue
        found = True
        letters = [column_letters(i) for i in places]
        log.add(
            Problem(
                "error",
                "column.duplicate",
                file,
                1,
                name,
                name,
                f"one column named {name!r} (columns {', '.join(letters[:-1])} and "
                f"{letters[-1]} have that name)",
                "remove the repeated column, or rename it",
            )
        )
    return found


def _lines(body: bytes) -> pl.Series | None:
    """Every line of ``body`` as text (line breaks removed), as polars splits records."""
    sep = next((s for s in _SEPARATORS if s not in body), None)
    if sep is None:
        return None
    try:
        lines = pl.read_csv(
            body,
            has_header=False,
            separator=sep.decode(),
            quote_char=None,
            infer_schema=False,
            new_columns=["line"],
            empty_string_is_null=False,
            truncate_ragged_lines=True,
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    return lines["line"].fill_null("")


def field_counts(body: bytes, records: int | None = None) -> pl.DataFrame | None:
    """The number of fields of each record of CSV ``body``, the header first.

    A record is a line, or several when a quoted value holds a line break (told by the parity
    of the quotes before it); commas inside quotes separate nothing. When that does not give
    ``records`` records (a stray quote inside a value, which readers take as a character),
    Python's CSV reader counts them instead, one record at a time. Returns the columns
    ``record`` (0 for the header), ``fields`` and ``text``; None when the file cannot be split.

    Examples
    --------
    >>> field_counts(b'a,b,c\\n1,"x,y",3\\n4,5\\n').select("fields").to_series().to_list()
    [3, 3, 2]
    >>> field_counts(b'a,b\\n"two\\nlines",1\\n')["fields"].to_list()
    [2, 2]
    """
    lines = _lines(body)
    if lines is None:
        return _field_counts_exact(body)
    counts = _field_counts_fast(lines, b'"' in body)
    if records is not None and counts.height != records:
        return _field_counts_exact(body)
    return counts


def _field_counts_exact(body: bytes) -> pl.DataFrame | None:
    """``field_counts`` by Python's CSV reader: exact, for the rare file the fast way cannot
    split."""
    text = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8", errors="replace", newline="")
    try:
        rows = [(len(r), ",".join(r)) for r in csv.reader(text)]
    except csv.Error:
        return None
    return pl.DataFrame(
        {
            "record": pl.int_range(len(rows), eager=True, dtype=pl.Int64),
            "fields": pl.Series([n for n, _ in rows], dtype=pl.Int64),
            "text": [t for _, t in rows],
        }
    )


def _field_counts_fast(lines: pl.Series, quoted: bool) -> pl.DataFrame:
    frame = pl.DataFrame({"text": lines})
    if quoted:
        quotes = pl.col("text").str.count_matches('"', literal=True)
        frame = frame.with_columns(quotes.alias("quotes"))
        open_after = (pl.col("quotes").cum_sum() % 2) == 1
        if frame.select(open_after.any()).item():
            starts = ~open_after.shift(1, fill_value=False)
            frame = (
                frame.with_columns((starts.cum_sum() - 1).alias("record"))
                .group_by("record", maintain_order=True)
                .agg(pl.col("text").str.join("\n"), pl.col("quotes").sum())
            )
        else:
            frame = frame.with_row_index("record")
        bare = (
            pl.when(pl.col("quotes") > 0)
            .then(pl.col("text").str.replace_all(r'"[^"]*"', ""))
            .otherwise(pl.col("text"))
        )
    else:
        frame = frame.with_row_index("record")
        bare = pl.col("text")
    return frame.select(
        pl.col("record").cast(pl.Int64),
        (bare.str.count_matches(",", literal=True) + 1).cast(pl.Int64).alias("fields"),
        pl.col("text"),
    )


def report_field_counts(
    counts: pl.DataFrame, header: list[str], file: str, log: ProblemLog
) -> bool:
    """Record every record with fewer or more fields than the header; True if there is one.

    A record that is empty or only spaces is a blank row (warned about elsewhere), not short.

    Examples
    --------
    >>> log = ProblemLog()
    >>> counts = field_counts(b"a,b,c\\n1,2,3\\n4,5\\n")
    >>> report_field_counts(counts, ["a", "b", "c"], "t.csv", log)
    True
    >>> print(log.problems[0].render())  # doctest: +NORMALIZE_WHITESPACE
    error: t.csv row 3, column c: '4,5': expected 3 fields as in the header, found 2;
    fix: add the missing values (an empty field for an empty value: a comma each)
    """
    wrong = counts.filter(
        (pl.col("record") > 0)
        & (pl.col("fields") != len(header))
        & (pl.col("text").str.strip_chars() != "")
    )
    if wrong.is_empty():
        return False
    rows = (wrong["record"] + 1).to_list()
    short = wrong.filter(pl.col("fields") < len(header))
    long = wrong.filter(pl.col("fields") > len(header))
    if not short.is_empty():
        # the first missing column names the problem; one kind per column
        for fields, part in short.group_by("fields", maintain_order=True):
            n = int(fields[0])
            log.problems.extend(
                row_problems(
                    "error",
                    "row.too_few_fields",
                    file,
                    header[n].strip() or None,
                    (part["record"] + 1).to_list(),
                    part["text"].to_list(),
                    f"{len(header)} fields as in the header, found {n}",
                    "add the missing values (an empty field for an empty value: a comma each)",
                )
            )
    if not long.is_empty():
        log.problems.extend(
            row_problems(
                "error",
                "row.too_many_fields",
                file,
                None,
                (long["record"] + 1).to_list(),
                long["text"].to_list(),
                [f"{len(header)} fields as in the header, found {n}" for n in long["fields"]],
                "remove the extra separators or quote values that contain commas",
            )
        )
    return bool(rows)
