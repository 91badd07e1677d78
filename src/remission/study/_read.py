"""Finding a study's table files and reading them as text columns.

The one exception: a Parquet column already of the type the study format gives it (``Float64``
for a float column, ``Date`` for a date, ...) is kept as it is, because writing it as text and
parsing it back would give the same values (``type_table`` checks its range and missing values
alike, and reads it as text to explain any problem).
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from remission.study._excel import excel_error_cells, with_error_cells
from remission.study._paths import inside_folder, outside_problem
from remission.study._problems import Problem, ProblemLog
from remission.study._schema import POLARS_TYPES, TABLES, Table
from remission.study._shape import (
    ROW_COLUMN,
    column_letters,
    csv_header,
    field_counts,
    report_duplicate_headers,
    report_field_counts,
)

_FORMATS = (".csv", ".parquet")


@dataclass(frozen=True)
class SourceFile:
    """Where one table came from.

    Parameters
    ----------
    table : str
        The table of the study format.
    file : str
        File name (``study.xlsx[patients]`` for a sheet).
    sha256 : str
        SHA-256 of the file's bytes (of the workbook for a sheet).
    rows : int
        Records read (blank rows excluded).

    Examples
    --------
    >>> SourceFile("patients", "patients.csv", "0" * 64, 3).rows
    3
    """

    table: str
    file: str
    sha256: str
    rows: int


@dataclass(frozen=True)
class RawTable:
    """A table as read: every column text, plus the source row number.

    ``may_hold_nul`` and ``may_hold_excel_error`` are False when the file's bytes prove that
    no cell holds a NUL character or one of Excel's error values (no ``#`` at all), which spares
    looking at every cell.
    """

    name: str
    file: str
    frame: pl.DataFrame
    source: SourceFile
    may_hold_nul: bool = True
    may_hold_excel_error: bool = True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _find_workbook(folder: Path, named: str | None, log: ProblemLog) -> Path | None:
    if named:
        path = folder / named
        if not inside_folder(folder, named):
            log.add(outside_problem("workbook", named))
            return None
        if not path.is_file():
            log.add(
                Problem(
                    "error",
                    "file.workbook_missing",
                    "study.toml",
                    None,
                    "workbook",
                    named,
                    "the workbook named in study.toml",
                    f"put {named} in the study folder or remove the workbook setting",
                )
            )
            return None
        return path
    books = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
    if len(books) > 1:
        names = ", ".join(p.name for p in books)
        log.add(
            Problem(
                "error",
                "file.many_workbooks",
                folder.name,
                None,
                None,
                names,
                "at most one .xlsx workbook in the study folder",
                'keep one, or name it in study.toml: workbook = "..."',
            )
        )
        return None
    return books[0] if books else None


def _not_table(log: ProblemLog, file: str, what: str, fix: str) -> None:
    log.add(Problem("error", "file.not_a_table", file, None, None, None, what, fix))


def _drop_blank_rows(frame: pl.DataFrame, file: str, log: ProblemLog) -> pl.DataFrame:
    data_cols = [c for c in frame.columns if c != ROW_COLUMN]
    if not data_cols:
        return frame
    blank = pl.all_horizontal(pl.col(data_cols).is_null())
    blank_rows = frame.filter(blank)[ROW_COLUMN].to_list()
    if blank_rows:
        log.add(
            Problem(
                "warning",
                "row.blank",
                file,
                blank_rows[0],
                None,
                None,
                "no blank rows",
                "blank rows are ignored; delete them to silence this",
                more_rows=len(blank_rows) - 1,
            )
        )
        frame = frame.filter(~blank)
    return frame


def stripped(name: str) -> pl.Expr:
    """Text column ``name`` without surrounding spaces; an empty value is missing.

    (``replace`` takes half the time of a when/then.) Every reader of user tables cleans its
    text with this expression, through ``clean_text``: the study folder, SDTM domains and
    screen folders.
    """
    return pl.col(name).str.strip_chars().replace("", None).alias(name)


def unclean(name: str) -> pl.Expr:
    """Whether ``stripped`` would change a value of text column ``name``: white space
    (Unicode's, as ``strip_chars``) at either end, or empty.

    Comparing lengths after stripping takes half the time of the regular expression
    ``^\\s|\\s$|^$`` (on 7.7 M values of a 100,000-patient part, 0.32 s against 0.60 s).

    Examples
    --------
    >>> pl.DataFrame({"a": [" x", "y", "", "z\u00a0", None]}).select(unclean("a"))["a"].to_list()
    [True, False, True, True, None]
    """
    value = pl.col(name)
    length = value.str.len_bytes()
    return ((length == 0) | (value.str.strip_chars().str.len_bytes() != length)).alias(name)


def clean_text(frame: pl.DataFrame, columns: list[str] | None = None) -> pl.DataFrame:
    """``frame`` with ``stripped`` applied to its text ``columns`` (default: every text column).

    One pass first finds the columns holding a value to clean, and only those are rewritten:
    looking is cheaper than writing every value anew (on 2.3 M rows x 10 columns, 0.2 s of
    1.6 s), and most files hold no such value. The result equals stripping every column.

    Examples
    --------
    >>> frame = pl.DataFrame({"a": [" x ", "y", ""], "b": ["1", "2", "3"]})
    >>> clean_text(frame).rows()
    [('x', '1'), ('y', '2'), (None, '3')]
    """
    if columns is None:
        columns = [c for c, t in frame.schema.items() if c != ROW_COLUMN and t == pl.String]
    if not columns or frame.is_empty():
        return frame
    found = frame.select(unclean(c).any() for c in columns).row(0, named=True)
    return frame.with_columns(stripped(c) for c in columns if found[c])


def _csv_shape_problem(log: ProblemLog, file: str, data: bytes, message: str) -> None:
    """Name every row whose number of fields differs from the header's, or say why the file
    is not a table."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    counts = field_counts(body)
    if counts is not None and report_field_counts(counts, csv_header(body), file, log):
        return
    first = message.splitlines()[0][:200] if message else "unreadable"
    _not_table(
        log,
        file,
        f"a comma-separated table ({first})",
        "check that every row has as many fields as the header and quotes are closed",
    )


def _looks_binary(data: bytes) -> bool:
    """A NUL in the first 64 KiB of bytes that are not UTF-8 text, or NULs in more than one
    byte of ten (UTF-16 without its byte-order mark, a binary format): not a CSV. A text file
    with a few NULs is read, and each NUL refused in its cell (``value.nul_byte``)."""
    head = data[:65536]
    if b"\x00" not in head:
        return False
    if head.count(b"\x00") * 10 > len(head):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(head) - 3  # not a character cut at the end of the block
    return False


def _read_csv(path: Path, log: ProblemLog, data: bytes | None = None) -> pl.DataFrame | None:
    """Read a CSV file (or its ``data``, already read) as text columns with ``_row``.

    Refused with their problems: UTF-16 or binary bytes, repeated or reserved column names,
    records with more or fewer fields than the header.
    """
    file = path.name
    data = path.read_bytes() if data is None else data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        log.add(
            Problem(
                "error",
                "file.encoding",
                file,
                None,
                None,
                None,
                "UTF-8 text (this file is UTF-16, Excel's 'Unicode text')",
                "save the file as 'CSV UTF-8' (Excel) or convert it: iconv -f utf-16 -t utf-8",
            )
        )
        return None
    if _looks_binary(data):
        _not_table(
            log,
            file,
            "a CSV text table; this file holds binary data",
            "export the table as CSV (comma-separated, UTF-8)",
        )
        return None
    body = data.removeprefix(b"\xef\xbb\xbf")
    frame = None
    if body.strip():
        # fast path: polars reads the bytes and rejects invalid UTF-8 itself; any failure is
        # explained below from the decoded text (encoding, emptiness or shape, in that order)
        try:
            frame = pl.read_csv(body, infer_schema=False, truncate_ragged_lines=False)
        except (pl.exceptions.PolarsError, ValueError):
            frame = None
    if frame is None:
        return _explain_unreadable_csv(log, file, data)
    header = csv_header(body)  # as written: polars renames a repeated name
    if len(header) != frame.width:
        header = frame.columns
    if report_duplicate_headers(header, file, log) or _reserved_header(header, file, log):
        return None
    if _may_be_short(body, frame) and _short_rows(body, frame, header, file, log):
        return None
    frame = frame.rename({c: c.strip() for c in frame.columns})
    frame = frame.with_row_index(ROW_COLUMN, offset=2).with_columns(
        pl.col(ROW_COLUMN).cast(pl.Int64)
    )
    return frame


def _may_be_short(body: bytes, frame: pl.DataFrame) -> bool:
    """Whether a record of ``body`` may have fewer fields than the header; False is certain.

    polars refuses a record with more fields, and fills a shorter one with empty values, so
    the last column of a short one is empty; and without quotes every record has as many
    commas as the header (width - 1) only when none is short (a blank line has none).
    """
    if not frame.height or not frame[frame.columns[-1]].null_count():
        return False
    return b'"' in body or body.count(b",") != (frame.width - 1) * (frame.height + 1)


def _short_rows(
    body: bytes, frame: pl.DataFrame, header: list[str], file: str, log: ProblemLog
) -> bool:
    """Record the records of ``body`` with fewer fields than the header; True if there is one."""
    counts = field_counts(body, records=frame.height + 1)
    return counts is not None and report_field_counts(counts, header, file, log)


def _reserved_header(names: list[str], file: str, log: ProblemLog) -> bool:
    """A column named as remission's row number (``_row``) cannot be read, nor a name with a
    NUL character; True if there is one."""
    for i, name in enumerate(names):
        if "\x00" in str(name):
            log.add(
                Problem(
                    "error",
                    "value.nul_byte",
                    file,
                    1,
                    None,
                    str(name),
                    f"a column name without NUL characters (column {column_letters(i)})",
                    "remove the NUL character: the file was damaged or saved as binary; export "
                    "it again",
                )
            )
    found = [i for i, n in enumerate(names) if str(n).strip() == ROW_COLUMN]
    for i in found:
        log.add(
            Problem(
                "error",
                "column.reserved",
                file,
                1,
                ROW_COLUMN,
                ROW_COLUMN,
                f"a column name other than {ROW_COLUMN!r} (column {column_letters(i)}), "
                "which remission gives the row number",
                "rename or remove the column",
            )
        )
    return bool(found) or any("\x00" in str(n) for n in names)


def _explain_unreadable_csv(log: ProblemLog, file: str, data: bytes) -> None:
    """Record why a CSV file that polars could not read is not a table."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        try:
            guess = bytes([byte]).decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            guess = "?"
        log.add(
            Problem(
                "error",
                "file.encoding",
                file,
                line,
                None,
                f"byte 0x{byte:02X}",
                f"UTF-8 text (this byte is {guess!r} in Latin-1)",
                "save the file as 'CSV UTF-8' (Excel) or convert it: iconv -f latin1 -t utf-8",
            )
        )
        return None
    if not text.strip():
        _not_table(log, file, "a header row naming the columns", "the file is empty; add the table")
        return None
    try:
        pl.read_csv(io.StringIO(text), infer_schema=False, truncate_ragged_lines=False)
        message = "unreadable"
    except (pl.exceptions.PolarsError, ValueError) as exc:
        message = str(exc)
    _csv_shape_problem(log, file, data, message)
    return None


def typed_columns(table: Table) -> dict[str, pl.DataType]:
    """The columns of ``table`` that are not text, with their polars type."""
    return {
        col.name: POLARS_TYPES[col.kind] for col in table.columns if col.kind not in ("str", "enum")
    }


def _plain(dtype: pl.DataType) -> bool:
    """Whether a Parquet column of ``dtype`` holds plain values a cell can hold."""
    if isinstance(dtype, pl.Datetime):
        return dtype.time_zone is None  # local time, as the study format's date-times
    plain = (pl.String, pl.Categorical, pl.Enum, pl.Boolean, pl.Date, pl.Null)
    return dtype.is_numeric() or isinstance(dtype, plain)


def _read_parquet(
    path: Path,
    log: ProblemLog,
    keep: dict[str, pl.DataType] | None = None,
    where: pl.Expr | None = None,
) -> pl.DataFrame | None:
    """Read a Parquet file as text, but for the columns already of their ``keep`` type; with
    ``where``, only its rows that match (numbered as in the whole file)."""
    try:
        rows = None
        if where is None:
            frame = pl.read_parquet(path)
        else:  # a file without a column named ROW_COLUMN (parquet_parts checks)
            scan = pl.scan_parquet(path, row_index_name=ROW_COLUMN, row_index_offset=2)
            frame = scan.filter(where).collect()
            rows = frame.get_column(ROW_COLUMN).cast(pl.Int64)
            frame = frame.drop(ROW_COLUMN)
    except pl.exceptions.DuplicateError as exc:
        named = re.search(r"name '(.*)' has more than one", str(exc))
        name = named.group(1) if named else None
        log.add(
            Problem(
                "error",
                "column.duplicate",
                path.name,
                1,
                name,
                name,
                "one column of each name",
                "write the table again with each column once",
            )
        )
        return None
    except (pl.exceptions.PolarsError, OSError, ValueError):
        _not_table(log, path.name, "a Parquet file", "write the table again with a Parquet writer")
        return None
    odd = [(i, c, t) for i, (c, t) in enumerate(frame.schema.items()) if not _plain(t)]
    for i, name, dtype in odd:
        log.add(
            Problem(
                "error",
                "column.parquet_type",
                path.name,
                1,
                name,
                str(dtype),
                "a column of plain values: text, numbers, true/false, dates or date-times "
                f"without a time zone (column {column_letters(i)})",
                "write one value per cell: flatten lists and structs into columns, decode "
                "binary data as UTF-8 text",
            )
        )
    if odd or _reserved_header(frame.columns, path.name, log):
        return None
    keep = keep or {}
    frame = frame.with_columns(
        to_text(frame[c]).alias(c) for c in frame.columns if frame.schema[c] != keep.get(c)
    )
    if rows is not None:
        return frame.insert_column(0, rows)
    return frame.with_row_index(ROW_COLUMN, offset=2).with_columns(
        pl.col(ROW_COLUMN).cast(pl.Int64)
    )


def to_text(series: pl.Series) -> pl.Series:
    """A column as text, as a CSV file would hold it (dates ISO, booleans lower case)."""
    if series.dtype == pl.String:
        return series
    if series.dtype == pl.Boolean:
        return series.cast(pl.String).str.to_lowercase()
    if series.dtype in (pl.Datetime, pl.Date):
        return series.cast(pl.String).str.replace("T", " ")
    return series.cast(pl.String)


def _read_sheet(book: Path, sheet: str, log: ProblemLog) -> pl.DataFrame | None:
    file = f"{book.name}[{sheet}]"
    try:
        # blank rows are kept so that rows keep their number (and are warned about later)
        frame = pl.read_excel(
            book,
            sheet_name=sheet,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
        )
        import fastexcel

        header = fastexcel.read_excel(str(book)).load_sheet(
            sheet, header_row=None, n_rows=1, dtypes="string"
        )
        names = [None if v is None else str(v) for v in header.to_polars().row(0)]
    except Exception as exc:  # calamine raises its own exception types
        message = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        _not_table(
            log,
            file,
            f"a readable sheet ({message})",
            "open the workbook in a spreadsheet program and save it again as .xlsx",
        )
        return None
    if report_duplicate_headers(names, file, log) or _reserved_header(frame.columns, file, log):
        return None
    frame = frame.with_row_index(ROW_COLUMN, offset=2).with_columns(
        pl.col(ROW_COLUMN).cast(pl.Int64)
    )
    frame = with_error_cells(frame, excel_error_cells(book, sheet), file, log)
    # columns without a name or a value (polars calls them __UNNAMED__n) are not columns
    empty = [
        c
        for c in frame.columns
        if c.startswith("__UNNAMED__") and frame[c].null_count() == frame.height
    ]
    frame = frame.drop(empty)
    return frame.rename({c: str(c).strip() for c in frame.columns})


def _sheet_names(book: Path, log: ProblemLog) -> list[str] | None:
    import fastexcel

    try:
        return list(fastexcel.read_excel(str(book)).sheet_names)
    except Exception:  # calamine raises its own exception types
        _not_table(
            log, book.name, "an .xlsx workbook", "save the workbook again as Excel Workbook (.xlsx)"
        )
        return None


def _warn_unknown(log: ProblemLog, code: str, file: str, name: str, known: list[str]) -> None:
    """Warn about a file or sheet that is not a table of the format (it is ignored)."""
    close = difflib.get_close_matches(name, known, n=1)
    hint = (
        f"rename it to {close[0]} if that is what it holds"
        if close
        else "tables are: " + ", ".join(TABLES)
    )
    log.add(
        Problem(
            "warning",
            code,
            file,
            None,
            None,
            None,
            "a table of the study format",
            f"it is ignored; {hint}",
        )
    )


def read_tables(
    folder: Path,
    workbook: str | None,
    log: ProblemLog,
    part: pl.Expr | None = None,
    digests: dict[str, str] | None = None,
) -> dict[str, RawTable]:
    """Find and read every table of the study format in ``folder``.

    Each table may be ``NAME.csv``, ``NAME.parquet`` or the sheet ``NAME`` of the study's one
    workbook; two sources for one table is an error. Values come back as text, stripped, with
    empty values as missing and blank rows dropped (with a warning).

    ``part`` (Parquet tables only) keeps the rows that match it, numbered as in the whole
    file, and ``digests`` gives the files' SHA-256 already computed, by table: a part of a
    study read at a time (``remission.study.parquet_parts``).
    """
    book = _find_workbook(folder, workbook, log)
    sheets = _sheet_names(book, log) if book is not None else []
    sheets = sheets or []
    found: dict[str, RawTable] = {}
    for name, table in TABLES.items():
        candidates = [
            folder / f"{name}{ext}" for ext in _FORMATS if (folder / f"{name}{ext}").is_file()
        ]
        in_book = book is not None and name in sheets
        where = [p.name for p in candidates] + (
            [f"{book.name}[{name}]"] if in_book and book else []
        )
        if len(where) > 1:
            log.add(
                Problem(
                    "error",
                    "file.duplicate_table",
                    where[0],
                    None,
                    None,
                    ", ".join(where),
                    f"one source for the {name} table",
                    "keep one of these files and remove the others",
                )
            )
            continue
        if not where:
            if not table.optional:
                log.add(
                    Problem(
                        "error",
                        "file.missing_table",
                        f"{name}.csv",
                        None,
                        None,
                        None,
                        f"the {name} table (as {name}.csv, {name}.parquet or a sheet "
                        f"'{name}' in the workbook)",
                        f"add the {name} table; see docs/study-format.md",
                    )
                )
            continue
        nul = excel = True
        if candidates:
            path = candidates[0]
            if path.suffix == ".csv":
                data = path.read_bytes()  # read once: parsed and hashed
                frame = _read_csv(path, log, data)
                # the bytes tell whether any cell may hold a NUL or an Excel error ("#...")
                nul, excel = b"\x00" in data, b"#" in data
                digest = hashlib.sha256(data).hexdigest()
            else:
                frame = _read_parquet(path, log, typed_columns(table), part)
                digest = (digests or {}).get(name) or _sha256(path)
        else:
            assert book is not None
            frame = _read_sheet(book, name, log)
            digest = _sha256(book)
        if frame is None:
            continue
        file = where[0]
        frame = clean_text(frame)
        frame = _drop_blank_rows(frame, file, log)
        source = SourceFile(name, file, digest, frame.height)
        found[name] = RawTable(name, file, frame, source, nul, excel)

    known = sorted(f"{n}{ext}" for n in TABLES for ext in _FORMATS)
    for path in sorted(folder.iterdir()):
        if path.suffix in _FORMATS and path.name not in known:
            _warn_unknown(log, "file.unknown", path.name, path.name, known)
    for sheet in sheets:
        if sheet not in TABLES and book is not None:
            _warn_unknown(log, "file.unknown_sheet", f"{book.name}[{sheet}]", sheet, list(TABLES))
    return found
