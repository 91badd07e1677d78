"""Typing a raw (text) table by its schema, collecting every value that does not fit."""

from __future__ import annotations

import datetime as dt
import difflib

import polars as pl

from remission.study._problems import ProblemLog
from remission.study._read import ROW_COLUMN, RawTable, to_text
from remission.study._schema import (
    EXCEL_ERRORS,
    POLARS_TYPES,
    Column,
    Table,
)

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_ISO_DATE_MIDNIGHT = r"^\d{4}-\d{2}-\d{2}[ T]00:00(:00(\.0+)?)?$"
_ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
_DAY_MONTH = r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}$"
_SERIAL = r"^\d{4,6}(\.0+)?$"
_PARTIAL = r"^\d{4}(-\d{2})?$"
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
_EXCEL_EPOCH = dt.date(1899, 12, 30)

INT_LIMIT = 2**53
"""The largest whole number a cell may hold: beyond it a float (how numbers are read) no longer
holds every whole number, and ``1e30`` would not fit a 64-bit integer."""


def _fail_rows(frame: pl.DataFrame, raw: str, parsed: pl.Expr) -> pl.DataFrame:
    """Rows where the raw text is present but the parsed value is missing."""
    return frame.select(ROW_COLUMN, pl.col(raw).alias("value"), parsed.alias("parsed")).filter(
        pl.col("value").is_not_null() & pl.col("parsed").is_null()
    )


def _parse_date(text: pl.Expr) -> pl.Expr:
    return (
        pl.when(text.str.contains(_ISO_DATE) | text.str.contains(_ISO_DATE_MIDNIGHT))
        .then(text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
        .otherwise(None)
    )


def _parse_datetime(text: pl.Expr) -> pl.Expr:
    norm = text.str.replace("T", " ")
    padded = pl.when(norm.str.len_chars() == 16).then(norm + ":00").otherwise(norm)
    return (
        pl.when(norm.str.contains(_ISO_DATETIME))
        .then(padded.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us"))
        .otherwise(None)
    )


def _day_month_fix(value: str) -> str:
    """Spell out both readings of a day/month date so the user picks the right one."""
    a, b, y = (int(x) for x in value.replace(".", "/").replace("-", "/").split("/"))
    year = f"{y:04d}" if y >= 100 else f"19{y:02d} or 20{y:02d}"
    readings = []
    if b <= 12 and a <= 31:
        readings.append(f"{year}-{b:02d}-{a:02d} if day comes first")
    if a <= 12 and b <= 31:
        readings.append(f"{year}-{a:02d}-{b:02d} if month comes first")
    return "write " + (", or ".join(readings) or "the date as YYYY-MM-DD")


def _date_failures(
    log: ProblemLog, file: str, col: Column, bad: pl.DataFrame, with_time: bool
) -> None:
    """Explain unparseable dates, grouped by the likely cause."""
    what = "a date and time" if with_time else "a date"
    example = "1989-05-10 08:00" if with_time else "1989-05-10"
    kinds = bad.with_columns(
        pl.when(pl.col("value").str.contains(_DAY_MONTH))
        .then(pl.lit("day_month"))
        .when(pl.col("value").str.contains(_SERIAL))
        .then(pl.lit("serial"))
        .when(pl.col("value").str.contains(_PARTIAL))
        .then(pl.lit("partial"))
        .when(pl.col("value").str.contains(r"^\d{4}-\d{2}-\d{2}$") & pl.lit(with_time))
        .then(pl.lit("no_time"))
        .when(pl.col("value").str.contains(r"^\d{4}-\d{2}-\d{2}([ T].*)?$"))
        .then(pl.lit("impossible"))
        .otherwise(pl.lit("other"))
        .alias("kind")
    )
    for kind in ("day_month", "serial", "partial", "no_time", "impossible", "other"):
        part = kinds.filter(pl.col("kind") == kind)
        if part.is_empty():
            continue
        rows = part[ROW_COLUMN].to_list()
        values = part["value"].to_list()
        if kind == "day_month":
            code = "date.ambiguous"
            expected = f"{what} in ISO 8601 (YYYY-MM-DD); day/month order is ambiguous"
            fix = _day_month_fix(str(values[0]))
        elif kind == "serial":
            code = "date.excel_serial"
            first = float(values[0])
            as_date = _EXCEL_EPOCH + dt.timedelta(days=int(first))
            expected = (
                f"{what} in ISO 8601; this looks like an Excel serial number "
                f"({int(first)} = {as_date.isoformat()})"
            )
            fix = "format the column as a date (YYYY-MM-DD) in the spreadsheet before saving"
        elif kind == "partial":
            code = "date.partial"
            expected = f"a complete {what[2:]} (YYYY-MM-DD); partial dates are not imputed silently"
            fix = "write the full date; record an estimated day and say so in study notes"
        elif kind == "no_time":
            code = "date.no_time"
            expected = f"{what} (YYYY-MM-DD HH:MM); the time of day is needed"
            fix = f"add the time, e.g. {example}"
        elif kind == "impossible":
            code = "date.impossible"
            expected = f"{what} that exists in the calendar"
            fix = "check day and month (e.g. there is no 31 April)"
        else:
            code = "date.not_iso"
            expected = f"{what} in ISO 8601"
            fix = f"write it as YYYY-MM-DD{' HH:MM' if with_time else ''}, e.g. {example}"
        log.add_rows("error", code, file, col.name, rows, values, expected, fix)


def add_not_allowed(
    log: ProblemLog, file: str, col: Column, rows: list[int], values: list[object]
) -> None:
    """Record values of an ``enum`` column that are not among its allowed values."""
    close = difflib.get_close_matches(str(values[0]), col.values, n=1)
    fix = f"did you mean {close[0]!r}?" if close else f"use one of: {', '.join(col.values)}"
    log.add_rows(
        "error",
        "value.not_allowed",
        file,
        col.name,
        rows,
        values,
        f"one of: {', '.join(col.values)}",
        fix,
    )


def out_of_range(col: Column, value: pl.Expr) -> pl.Expr | None:
    """True where a present ``value`` lies outside the column's range; None if it has none.

    A whole number's range never reaches past ``INT_LIMIT`` either way.
    """
    if col.minimum is None and col.maximum is None and col.kind != "int":
        return None
    lo = col.minimum if col.minimum is not None else float("-inf")
    hi = col.maximum if col.maximum is not None else float("inf")
    if col.kind == "int":
        lo, hi = max(lo, -INT_LIMIT), min(hi, INT_LIMIT)
    return value.is_not_null() & ((value < lo) | (value > hi))


def add_out_of_range(
    log: ProblemLog, file: str, col: Column, rows: list[int], values: list[object]
) -> None:
    """Record numbers outside the column's range (values as the user wrote them)."""
    expected = col.range_text or f"a whole number between -{INT_LIMIT:,} and {INT_LIMIT:,}"
    fix = col.range_fix or "check the value"
    log.add_rows("error", "value.out_of_range", file, col.name, rows, values, expected, fix)


def add_not_finite(log: ProblemLog, file: str, col: Column, rows: list[int], values: list[object]):
    """Record ``nan``, ``inf`` or ``-inf`` in a number column: not numbers, and not missing."""
    log.add_rows(
        "error",
        "value.not_finite",
        file,
        col.name,
        rows,
        values,
        "a finite number (nan and inf are not numbers; an empty cell is a missing value)",
        "write the number, or leave the cell empty when it is missing",
    )


def cell_checks(
    col: Column | None, name: str, nul: bool, excel: bool, exact: bool = False
) -> dict[str, pl.Expr]:
    """The text cells of column ``name`` that no column may hold, by kind of problem.

    A NUL character (``nul``: the file may hold one), one of Excel's error values (``excel``:
    it may hold one) and text longer than ``col.char_limit`` (in characters when ``exact``,
    else in bytes: the cells that may be). ``col`` is None for a column the format does not
    know: only its NULs matter, as it is ignored.
    """
    value = pl.col(name)
    checks: dict[str, pl.Expr] = {}
    if nul:
        checks["nul"] = value.str.contains("\x00", literal=True)
    if col is None:
        return checks
    if excel:
        checks["excel"] = value.is_in(EXCEL_ERRORS)
    if col.char_limit is not None:
        # bytes are counted already, characters must be: a value of more characters than the
        # limit has more bytes too, so bytes find every such cell (and some more, exactly told
        # apart when ``exact``)
        length = value.str.len_chars() if exact else value.str.len_bytes()
        checks["long"] = length > col.char_limit
    return checks


def _long_fix(col: Column) -> tuple[str, str]:
    """What a cell of ``col`` longer than its limit should be, and how to get there."""
    limit = col.char_limit
    if col.name.endswith("_id"):
        return f"an identifier of at most {limit} characters", "use the short study code"
    if col.max_chars is not None or col.kind == "enum":
        return (
            f"a name of at most {limit} characters",
            "use the short name (tables and figures print it); keep any description out of "
            "the table",
        )
    return f"text of at most {limit} characters", "shorten it: the report prints it in tables"


def add_cell_problems(
    log: ProblemLog, file: str, col: Column | None, name: str, frame: pl.DataFrame, bad: pl.Expr
) -> pl.Expr:
    """Record the cells of ``name`` where ``cell_checks`` found a problem, one per cell.

    ``bad`` marks the rows that might have one (its checks joined by or). Returns the rows
    with none, for the other checks of the column to look at.
    """
    checks = cell_checks(col, name, nul=True, excel=col is not None, exact=True)
    found = frame.filter(bad).select(
        ROW_COLUMN, pl.col(name).alias("value"), *(e.alias(k) for k, e in checks.items())
    )
    seen = pl.lit(False)
    for kind in ("nul", "excel", "long"):
        if kind not in found.columns:
            continue
        part = found.filter(pl.col(kind).fill_null(False) & ~seen)
        seen = seen | pl.col(kind).fill_null(False)
        if part.is_empty():
            continue
        rows, values = part[ROW_COLUMN].to_list(), part["value"].to_list()
        if kind == "nul":
            log.add_rows(
                "error",
                "value.nul_byte",
                file,
                name,
                rows,
                values,
                "text without NUL characters (byte 0x00)",
                "remove the NUL character: the file was damaged or saved as binary; export it "
                "again",
            )
        elif kind == "excel":
            log.add_rows(
                "error",
                "value.excel_error",
                file,
                name,
                rows,
                values,
                "a value, not a spreadsheet error (a formula that failed)",
                "correct the formula or clear the cell; paste values, not formulas",
            )
        else:
            assert col is not None
            expected, fix = _long_fix(col)
            log.add_rows("error", "value.too_long", file, name, rows, values, expected, fix)
    return ~pl.any_horizontal(e.fill_null(False) for e in checks.values())


def add_missing(log: ProblemLog, file: str, col: Column, rows: list[int]) -> None:
    """Record empty values of a required column."""
    log.add_rows(
        "error",
        "value.missing",
        file,
        col.name,
        rows,
        [None] * len(rows),
        f"a value ({col.description})",
        f"fill in {col.name}",
    )


def _parsed(col: Column) -> pl.Expr:
    """The typed value of ``col`` from its text (missing where the text does not fit)."""
    raw = pl.col(col.name)
    if col.kind == "str":
        return raw
    if col.kind == "enum":
        lower = {v.lower(): v for v in col.values}
        return raw.str.to_lowercase().replace_strict(lower, default=None, return_dtype=pl.String)
    if col.kind == "bool":
        low = raw.str.to_lowercase()
        return (
            pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False).otherwise(None)
        )
    if col.kind in ("int", "float"):
        number = raw.cast(pl.Float64, strict=False)
        if col.kind == "int":
            whole = number.is_finite() & (number == number.round(0)) & (number.abs() <= INT_LIMIT)
            return pl.when(whole).then(number).otherwise(None).cast(pl.Int64)
        return pl.when(number.is_finite()).then(number).otherwise(None)
    return _parse_date(raw) if col.kind == "date" else _parse_datetime(raw)


def _report_column(
    frame: pl.DataFrame, col: Column, file: str, log: ProblemLog, cells: pl.Expr | None
) -> None:
    """Record the values of ``col`` that do not fit its kind or its range, row by row.

    ``type_table`` calls it only for a column where it found such values; ``cells`` marks the
    rows that may hold a cell no column may hold (``cell_checks``), which are told apart first.
    """
    if cells is not None:
        frame = frame.filter(add_cell_problems(log, file, col, col.name, frame, cells))
    if frame.schema[col.name] != pl.String:  # a typed Parquet column: explain it as text
        frame = frame.with_columns(to_text(frame[col.name]))
    raw = pl.col(col.name)
    parsed = _parsed(col)
    if col.kind in ("str", "enum", "bool", "date", "datetime"):
        bad = _fail_rows(frame, col.name, parsed)
        if bad.is_empty():
            return
        rows, values = bad[ROW_COLUMN].to_list(), bad["value"].to_list()
        if col.kind == "enum":
            add_not_allowed(log, file, col, rows, values)
        elif col.kind == "bool":
            log.add_rows(
                "error",
                "value.not_bool",
                file,
                col.name,
                rows,
                values,
                "true or false",
                "write true or false",
            )
        elif col.kind != "str":
            _date_failures(log, file, col, bad, with_time=col.kind == "datetime")
        return
    # each value is told once: not a number, not finite, not whole, or out of range
    look = frame.select(
        ROW_COLUMN, raw.alias("value"), raw.cast(pl.Float64, strict=False).alias("n")
    )
    n = pl.col("n")
    bad = look.filter(pl.col("value").is_not_null() & n.is_null())
    if not bad.is_empty():
        comma = bad["value"].str.contains(r"^-?\d+,\d+$").any()
        fix = (
            "use a point as the decimal separator (1.5, not 1,5)"
            if comma
            else "write a plain number without units or text"
        )
        log.add_rows(
            "error",
            "value.not_number",
            file,
            col.name,
            bad[ROW_COLUMN].to_list(),
            bad["value"].to_list(),
            "a whole number" if col.kind == "int" else "a number",
            fix,
        )
    odd = look.filter(n.is_not_null() & ~n.is_finite())
    if not odd.is_empty():
        add_not_finite(log, file, col, odd[ROW_COLUMN].to_list(), odd["value"].to_list())
    look = look.filter(n.is_finite())
    if col.kind == "int":
        frac = look.filter(n != n.round(0))
        if not frac.is_empty():
            log.add_rows(
                "error",
                "value.not_integer",
                file,
                col.name,
                frac[ROW_COLUMN].to_list(),
                frac["value"].to_list(),
                "a whole number",
                "write a whole number (no decimals)",
            )
        look = look.filter(n == n.round(0))
    outside = out_of_range(col, n)
    if outside is not None:
        out = look.filter(outside)
        if not out.is_empty():
            add_out_of_range(log, file, col, out[ROW_COLUMN].to_list(), out["value"].to_list())


def _canonical_enums(frame: pl.DataFrame, columns: list[Column]) -> set[str]:
    """The ``enum`` columns of ``frame`` whose every value is already spelt as allowed.

    Such a column is its own typed form (``_parsed`` maps each allowed value to itself), and
    one membership test over it costs a twentieth of matching every value in lower case
    (2.7 M doses' ``status``: 0.06 against 1.3 s). Only columns whose allowed values differ
    in more than case are taken.

    Examples
    --------
    >>> from remission.study import TABLES
    >>> cols = [TABLES["doses"].column("status")]
    >>> sorted(_canonical_enums(pl.DataFrame({"status": ["given", None]}), cols))
    ['status']
    >>> sorted(_canonical_enums(pl.DataFrame({"status": ["Given"]}), cols))
    []
    """
    enums = [
        col
        for col in columns
        if col.kind == "enum"
        and frame.schema[col.name] == pl.String
        and len({v.lower() for v in col.values}) == len(col.values)
    ]
    if not enums or frame.is_empty():
        return {col.name for col in enums}
    fits = frame.select(
        (pl.col(col.name).is_in(list(col.values)) | pl.col(col.name).is_null())
        .all()
        .alias(col.name)
        for col in enums
    ).row(0, named=True)
    return {name for name, ok in fits.items() if ok}


def type_table(raw: RawTable, table: Table, log: ProblemLog) -> pl.DataFrame | None:
    """Type every column of ``raw`` by the schema ``table``.

    Missing required columns are errors; unknown columns are warned about and dropped;
    optional columns that are absent come back empty. Returns None when columns are missing.
    """
    frame = raw.frame
    file = raw.file
    present = [c for c in frame.columns if c != ROW_COLUMN]
    missing = [c for c in table.columns if c.required and c.name not in present]
    unknown = [c for c in present if c not in table.names]
    if len(present) <= 1 and len(missing) >= len([c for c in table.columns if c.required]) - 1:
        log.add_rows(
            "error",
            "file.not_a_table",
            file,
            None,
            [1],
            [", ".join(present)[:80]],
            f"a table with a header row naming the columns {', '.join(table.names)}",
            "export the table as comma-separated values with that header",
        )
        return None
    for col in missing:
        close = difflib.get_close_matches(col.name, unknown, n=1, cutoff=0.6) or [
            u for u in unknown if u.lower() == col.name.lower()
        ]
        fix = (
            f"rename the column {close[0]!r} to {col.name!r}"
            if close
            else f"add a column {col.name!r}: {col.description}"
        )
        log.add_rows(
            "error", "column.missing", file, col.name, [1], [None], f"a column {col.name!r}", fix
        )
    for name in unknown:
        close = difflib.get_close_matches(name, table.names, n=1, cutoff=0.6)
        fix = (
            f"rename it to {close[0]!r} if that is what it holds; otherwise it is ignored"
            if close
            else "it is ignored; remove it to silence this warning"
        )
        log.add_rows(
            "warning",
            "column.unknown",
            file,
            name,
            [1],
            [name],
            f"a column of the {table.name} table ({', '.join(table.names)})",
            fix,
        )
    if missing:
        return None
    # every column is typed once; one pass then says which columns hold a value that does not
    # fit, is out of range or is missing, and only those are looked at row by row
    typed_name = {col.name: f"\x00typed {col.name}" for col in table.columns}
    columns = [col for col in table.columns if col.name in present]
    # a column read already typed (from Parquet) is taken as it is, but for a date outside
    # years 1-9999, which its text form would not parse; so is an enum column spelt as allowed
    already = {
        col.name
        for col in columns
        if col.kind not in ("str", "enum") and frame.schema[col.name] == POLARS_TYPES[col.kind]
    } | _canonical_enums(frame, columns)
    work = frame.with_columns(
        (pl.col(col.name) if col.name in already else _parsed(col))
        .cast(POLARS_TYPES[col.kind])
        .alias(typed_name[col.name])
        for col in columns
    )
    # cells no column may hold (a NUL, an Excel error, text too long), in the text columns
    cells: dict[str, pl.Expr] = {}
    for name in present:
        if frame.schema[name] == pl.String:
            checks = cell_checks(
                table.column(name) if name in table.names else None,
                name,
                nul=raw.may_hold_nul,
                excel=raw.may_hold_excel_error,
            )
            if checks:
                cells[name] = pl.any_horizontal(checks.values()).fill_null(False)
    flags: list[pl.Expr] = []
    for i, col in enumerate(columns):
        raw_value, typed = pl.col(col.name), pl.col(typed_name[col.name])
        problem = raw_value.is_not_null() & typed.is_null()
        if col.name in already and col.kind in ("date", "datetime"):
            problem = problem | ~typed.dt.year().is_between(1, 9999).fill_null(True)
        if col.name in already and col.kind == "float":
            problem = problem | ~typed.is_finite().fill_null(True)
        outside = out_of_range(col, typed) if col.kind in ("int", "float") else None
        if outside is not None:
            problem = problem | outside
        if col.name in cells:
            problem = problem | cells[col.name]
        flags.append(problem.any().alias(f"bad{i}"))
        if not col.nullable:
            flags.append(raw_value.is_null().any().alias(f"missing{i}"))
    for name in unknown:
        if name in cells:
            flags.append(cells[name].any().alias(f"cells {name}"))
    found = work.select(flags).row(0, named=True) if flags else {}
    for i, col in enumerate(columns):
        if found[f"bad{i}"]:
            _report_column(frame, col, file, log, cells.get(col.name))
        if found.get(f"missing{i}"):
            empty = frame.filter(pl.col(col.name).is_null())
            add_missing(log, file, col, empty[ROW_COLUMN].to_list())
    for name in unknown:
        if found.get(f"cells {name}"):
            add_cell_problems(log, file, None, name, frame, cells[name])
    return work.select(
        pl.col(ROW_COLUMN),
        *(
            pl.col(typed_name[col.name]).alias(col.name)
            if col.name in present
            else pl.lit(None, dtype=POLARS_TYPES[col.kind]).alias(col.name)
            for col in table.columns
        ),
    )
