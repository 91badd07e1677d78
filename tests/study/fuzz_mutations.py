"""A fixed-seed mutator over the minimal valid study, for ``test_fuzz.py``.

``build_case(seed, folder)`` copies the minimal study there (``copy_minimal``) and applies 1 to
3 mutations drawn by ``numpy.random.default_rng(seed)`` from ``CATALOGUE``. Each mutation
returns what it did (``Applied``) and whether the study is then invalid for sure
(``must_refuse``); a mutation that may leave the study valid (an extra column, a value in a
free-text column) says so and is only checked for tracebacks.

A mutation that makes the study invalid locks the files it touched, so a later mutation of the
same case cannot undo it (e.g. move an emptied required value into a nullable column). A
mutation with no target left (every table locked, the file no longer UTF-8 text) is skipped
and another is drawn.

Replay one case (writes the folder and prints its mutations; add the kinds, comma-separated,
for a case drawn from part of the catalogue)::

    PYTHONPATH=src python -m tests.study.fuzz_mutations SEED FOLDER [KINDS]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import openpyxl
import polars as pl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from remission.study import TABLES, Column
from tests.study.bad_input_cases import copy_minimal

STRICT = ("int", "float", "date", "datetime", "enum", "bool")
"""Column kinds whose values must parse: markup, long text or bytes there are always wrong."""

MARKUP = (
    "lymphocytes [/uL]",
    "[bold]",
    "[/bold]",
    "[/]",
    "[red]x[/red]",
    ":smile:",
    "[link=file:///etc/passwd]x[/link]",
    "\\[x]",
    "[",
    "dose [IU]",
)
NAN_INF = ("nan", "NaN", "NAN", "inf", "-inf", "Infinity", "-Infinity", "+inf", "INF")
HUGE = (
    "1e30",
    "-1e30",
    "1e308",
    "1e400",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999",
    "1" + "0" * 40,
)
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")
LATE = ("2999-01-01", "2999-12-31", "2099-12-31", "9999-12-31")
EARLY = ("1850-01-01", "1800-03-04", "1066-10-14", "0001-01-01")
PLACEHOLDER = "\ue000fuzz\ue000"

T = TypeVar("T")


@dataclass(frozen=True)
class Applied:
    """One mutation as applied: its kind, the files it touched, what it wrote."""

    kind: str
    files: tuple[str, ...]
    must_refuse: bool
    detail: str

    def __str__(self) -> str:
        flag = ", must refuse" if self.must_refuse else ""
        return f"{self.kind}({self.detail}{flag})"


@dataclass
class Case:
    """A study folder being mutated, with the random generator and the locked files."""

    folder: Path
    rng: np.random.Generator
    locked: set[str] = field(default_factory=set)

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.rng.integers(len(items)))]

    def files(self, suffix: str = ".csv") -> list[str]:
        """Unlocked table files of the format with this suffix."""
        return sorted(
            p.name
            for p in self.folder.iterdir()
            if p.suffix == suffix and p.stem in TABLES and p.name not in self.locked
        )

    def read(self, name: str) -> tuple[list[list[str]], bool] | None:
        """The rows of a CSV file (and whether it had a BOM); None if not UTF-8 CSV."""
        data = (self.folder / name).read_bytes()
        try:
            text = data.decode("utf-8")
            rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
        except (UnicodeDecodeError, csv.Error):
            return None
        if not rows or not rows[0]:
            return None
        return rows, text.startswith("\ufeff")

    def write(self, name: str, rows: list[list[str]], bom: bool = False) -> bytes:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        data = ("\ufeff" if bom else "") + out.getvalue()
        raw = data.encode("utf-8")
        (self.folder / name).write_bytes(raw)
        return raw

    def table(
        self, choose: Callable[[list[list[str]], str], bool] | None = None
    ) -> tuple[str, list[list[str]], bool] | None:
        """A random unlocked CSV table (name, rows, bom) with data rows, or None."""
        fits = []
        for name in self.files():
            read = self.read(name)
            if read is None or not any(any(v.strip() for v in r) for r in read[0][1:]):
                continue
            if choose is None or choose(read[0], name):
                fits.append((name, *read))
        return self.pick(fits) if fits else None


def column_of(name: str, header: list[str], index: int) -> Column | None:
    """The schema column at ``header[index]`` (None if unknown, off the header or repeated)."""
    table = TABLES[Path(name).stem]
    if index >= len(header) or header.count(header[index]) != 1:
        return None
    return next((c for c in table.columns if c.name == header[index]), None)


def data_cell(
    case: Case, rows: list[list[str]], columns: list[int] | None = None
) -> tuple[int, int] | None:
    """A random (row, column) of a non-blank data row, within ``columns`` if given."""
    cells = [
        (r, c)
        for r in range(1, len(rows))
        if any(v.strip() for v in rows[r])
        for c in range(len(rows[r]))
        if columns is None or c in columns
    ]
    return case.pick(cells) if cells else None


def kind_columns(name: str, header: list[str], kinds: tuple[str, ...]) -> list[int]:
    return [
        i for i in range(len(header)) if (col := column_of(name, header, i)) and col.kind in kinds
    ]


def _set_cell(
    case: Case, kind: str, values: Sequence[str] | Callable[[Case], str]
) -> Applied | None:
    """Write one of ``values`` into a random cell; must refuse in a typed column."""
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    cell = data_cell(case, rows)
    if cell is None:
        return None
    r, c = cell
    value = values(case) if callable(values) else str(case.pick(values))
    rows[r][c] = value
    case.write(name, rows, bom)
    col = column_of(name, rows[0], c)
    must = col is not None and col.kind in STRICT
    return Applied(kind, (name,), must, f"{name} row {r + 1} col {c + 1} = {value[:40]!r}")


# --- class A: values that used to raise a traceback -------------------------------------------


def markup_header(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    header = str(case.pick(MARKUP))
    rows[0].append(header)
    for row in rows[1:]:
        if row:
            row.append(str(case.pick((*MARKUP, "", "1"))))
    case.write(name, rows, bom)
    return Applied("markup_header", (name,), False, f"{name} + column {header!r}")


def markup_value(case: Case) -> Applied | None:
    return _set_cell(case, "markup_value", MARKUP)


def long_text(case: Case) -> Applied | None:
    def text(case: Case) -> str:
        words = ("lesion", "[bold]", "résumé", "a,b", 'say "x"', "\t", "x" * 40, "::")
        out = ""
        while len(out) < 3000:
            out += str(case.pick(words)) + " "
        return "L" + out[:2999]

    return _set_cell(case, "long_text", text)


def huge_int(case: Case) -> Applied | None:
    found = case.table(lambda rows, name: bool(kind_columns(name, rows[0], ("int",))))
    if found is None:
        return None
    name, rows, bom = found
    cell = data_cell(case, rows, kind_columns(name, rows[0], ("int",)))
    if cell is None:
        return None
    r, c = cell
    rows[r][c] = str(case.pick(HUGE))
    case.write(name, rows, bom)
    return Applied("huge_int", (name,), True, f"{name} {rows[0][c]} row {r + 1} = {rows[r][c]}")


def parquet_types(case: Case) -> Applied | None:
    def regular(rows: list[list[str]], name: str) -> bool:
        return len(set(rows[0])) == len(rows[0]) and all(len(r) == len(rows[0]) for r in rows)

    found = case.table(regular)
    if found is None:
        return None
    name, rows, _ = found
    columns = zip(*rows[1:], strict=True)
    data = {h: [v or None for v in col] for h, col in zip(rows[0], columns, strict=True)}
    target = str(case.pick([*rows[0], "extra"]))
    values = data.get(target, [str(i) for i in range(len(rows) - 1)])
    how = str(case.pick(("list", "struct", "binary", "null", "nested list")))
    if how == "list":
        series = pl.Series(target, [[v] for v in values])
    elif how == "struct":
        series = pl.Series(target, [{"v": v, "n": 1} for v in values])
    elif how == "binary":
        series = pl.Series(target, [v.encode() if v else None for v in values], dtype=pl.Binary)
    elif how == "null":
        series = pl.Series(target, [None] * len(values), dtype=pl.Null)
    else:
        series = pl.Series(target, [[[v, v]] for v in values])
    frame = pl.DataFrame(data, schema=dict.fromkeys(data, pl.String)).with_columns(series)
    parquet = f"{Path(name).stem}.parquet"
    frame.write_parquet(case.folder / parquet)
    (case.folder / name).unlink()
    return Applied("parquet_types", (name, parquet), False, f"{parquet} {target} as {how}")


def _toml_set(case: Case, key: str, literal: str) -> str | None:
    """Set ``key = literal`` under [study] in study.toml; None when it has no [study] line."""
    path = case.folder / "study.toml"
    if "study.toml" in case.locked or not path.is_file():
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    if "[study]" not in lines:
        return None
    lines = [ln for ln in lines if not re.match(rf"\s*{key}\s*=", ln)]
    lines.insert(lines.index("[study]") + 1, f"{key} = {literal}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"{key} = {literal}"


WRONG_TYPES = (
    ("workbook", "3"),
    ("workbook", "true"),
    ("workbook", '["study.xlsx"]'),
    ("workbook", "{ a = 1 }"),
    ("regimen", "3"),
    ("regimen", '["nci-hd-il2-720k"]'),
    ("reference_date", "3"),
    ("reference_date", '["treatment_start"]'),
    ("cutoff_date", "3"),
    ("cutoff_date", "10:00:00"),
    ("cutoff_date", '"soon"'),
    ("histologies", '"melanoma"'),
    ("histologies", "[1, 2]"),
    ("histologies", "[]"),
    ("name", "3"),
    ("name", '["x"]'),
    ("synthetic", '"yes"'),
    ("response_criteria", '["who"]'),
    ("response_criteria", "{ who = true }"),
)


def toml_wrong_type(case: Case) -> Applied | None:
    path = case.folder / "study.toml"
    if case.rng.random() < 0.15:  # a table of study.toml, not a setting, of the wrong type
        if "study.toml" in case.locked or not path.is_file():
            return None
        how = str(case.pick(("study = 3", "[[study]]", "[published] citation = 3")))
        if how.startswith("[published]"):
            old = path.read_bytes().decode("utf-8", errors="replace")
            path.write_text(old + "\n[published]\ncitation = 3\npatients = -1\n", "utf-8")
        else:
            path.write_text(how + "\n", encoding="utf-8")
        return Applied("toml_wrong_type", ("study.toml",), True, how)
    key, literal = case.pick(WRONG_TYPES)
    done = _toml_set(case, key, literal)
    return Applied("toml_wrong_type", ("study.toml",), True, done) if done else None


# --- class B: invalid input that must be refused ------------------------------------------------


def short_row(case: Case) -> Applied | None:
    def fits(rows: list[list[str]], name: str) -> bool:
        return len(rows[0]) >= 2 and any(len(r) >= 2 and r[0].strip() for r in rows[1:])

    found = case.table(fits)
    if found is None:
        return None
    name, rows, bom = found
    r = case.pick([i for i in range(1, len(rows)) if len(rows[i]) >= 2 and rows[i][0].strip()])
    keep = int(case.rng.integers(1, min(len(rows[r]), len(rows[0]))))
    rows[r] = rows[r][:keep]
    case.write(name, rows, bom)
    return Applied("short_row", (name,), True, f"{name} row {r + 1} keeps {keep} fields")


def long_row(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    r = case.pick([i for i in range(1, len(rows)) if any(v.strip() for v in rows[i])])
    extra = [str(case.pick(("extra", "", "1"))) for _ in range(int(case.rng.integers(1, 4)))]
    rows[r] += extra
    case.write(name, rows, bom)
    return Applied("long_row", (name,), True, f"{name} row {r + 1} + {extra}")


def duplicate_header(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    c = int(case.rng.integers(len(rows[0])))
    how = str(case.pick(("copy", "empty", "other")))
    rows[0].append(rows[0][c])
    for row in rows[1:]:
        if row:
            value = row[c] if c < len(row) else ""
            row.append(value if how == "copy" else "" if how == "empty" else value + "9")
    case.write(name, rows, bom)
    return Applied("duplicate_header", (name,), True, f"{name} {rows[0][c]!r} twice ({how})")


def nan_inf(case: Case) -> Applied | None:
    def numeric(rows: list[list[str]], name: str) -> bool:
        return bool(kind_columns(name, rows[0], ("int", "float")))

    found = case.table(numeric)
    if found is None:
        return None
    name, rows, bom = found
    cell = data_cell(case, rows, kind_columns(name, rows[0], ("int", "float")))
    if cell is None:
        return None
    r, c = cell
    rows[r][c] = str(case.pick(NAN_INF))
    case.write(name, rows, bom)
    return Applied("nan_inf", (name,), True, f"{name} {rows[0][c]} row {r + 1} = {rows[r][c]}")


def nul_byte(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    cells = [(r, c) for r in range(len(rows)) for c in range(len(rows[r]))]
    r, c = case.pick(cells)
    at = int(case.rng.integers(len(rows[r][c]) + 1))
    rows[r][c] = rows[r][c][:at] + "\x00" + rows[r][c][at:]
    case.write(name, rows, bom)
    return Applied("nul_byte", (name,), True, f"{name} row {r + 1} col {c + 1}")


def excel_error(case: Case) -> Applied | None:
    if (case.folder / "study.xlsx").exists():
        return None

    def fits(rows: list[list[str]], name: str) -> bool:
        return not any(ILLEGAL_CHARACTERS_RE.search(v) for row in rows for v in row)

    found = case.table(fits)
    if found is None:
        return None
    name, rows, _ = found
    cell = data_cell(case, rows)
    if cell is None:
        return None
    r, c = cell
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = Path(name).stem
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row, start=1):
            if value:
                sheet.cell(i, j).value = value
                sheet.cell(i, j).data_type = "s"  # as text, even "=..." or "#N/A"
    code = str(case.pick(EXCEL_ERRORS))
    sheet.cell(r + 1, c + 1).value = code
    sheet.cell(r + 1, c + 1).data_type = "e"
    book.save(case.folder / "study.xlsx")
    (case.folder / name).unlink()
    where = f"study.xlsx[{sheet.title}] row {r + 1} col {c + 1} = {code}"
    return Applied("excel_error", (name, "study.xlsx"), True, where)


def age_range(case: Case) -> Applied | None:
    if "patients.csv" in case.locked or not (case.folder / "patients.csv").is_file():
        return None
    read = case.read("patients.csv")
    if read is None or not {"birth_date", "treatment_start"} <= set(read[0][0]):
        return None
    rows, bom = read
    b, s = rows[0].index("birth_date"), rows[0].index("treatment_start")
    starts = {}
    for r in range(1, len(rows)):
        text = rows[r][s] if len(rows[r]) > max(b, s) else ""
        try:
            start = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d\d-\d\d", text) else None
        except ValueError:
            start = None
        if start is not None and 1900 <= start.year <= 2100:
            starts[r] = start
    if not starts:
        return None
    r = case.pick(sorted(starts))
    start = starts[r]
    how = str(case.pick(("old", "0001", "unborn")))
    if how == "old":
        born = start.replace(year=start.year - int(case.rng.integers(121, 400)), day=1)
    elif how == "0001":
        born = dt.date(1, 1, 1)
    else:
        born = start.replace(day=1) + dt.timedelta(days=int(case.rng.integers(40, 9000)))
    rows[r][b] = born.isoformat()
    case.write("patients.csv", rows, bom)
    return Applied("age_range", ("patients.csv",), True, f"row {r + 1} born {born}, start {start}")


def date_range(case: Case) -> Applied | None:
    def dated(rows: list[list[str]], name: str) -> bool:
        return bool(kind_columns(name, rows[0], ("date", "datetime")))

    found = case.table(dated)
    if found is None:
        return None
    name, rows, bom = found
    cell = data_cell(case, rows, kind_columns(name, rows[0], ("date", "datetime")))
    if cell is None:
        return None
    r, c = cell
    value = str(case.pick(LATE + EARLY))
    if column_of(name, rows[0], c).kind == "datetime":
        value += " 08:00"
    rows[r][c] = value
    case.write(name, rows, bom)
    return Applied("date_range", (name,), True, f"{name} {rows[0][c]} row {r + 1} = {value}")


REGIMEN_TOML = '[regimen]\nbased_on = "nci-hd-il2-720k"\nname = "outside"\n'


def path_outside(case: Case) -> Applied | None:
    key = str(case.pick(("regimen", "workbook")))
    outside = case.folder.parent
    how = str(case.pick(("relative", "absolute", "missing")))
    file = "outside-regimen.toml" if key == "regimen" else "outside.xlsx"
    if how == "relative":
        value = f"../{file}"
    elif how == "absolute":
        value = str(outside / file)
    else:
        value = str(case.pick((f"../../{file}", f"/no/such/dir/{file}", f"../x/../../{file}")))
    done = _toml_set(case, key, '"' + value.replace("\\", "\\\\") + '"')
    if done is None:
        return None
    if key == "regimen":
        (outside / file).write_text(REGIMEN_TOML, encoding="utf-8")
    else:
        pl.DataFrame({"note": ["kept outside the study folder"]}).write_excel(
            outside / file, worksheet="notes"
        )
    return Applied("path_outside", ("study.toml",), True, done.replace(str(outside), "<case>"))


def randomization(case: Case) -> Applied | None:
    read = case.read("patients.csv") if (case.folder / "patients.csv").is_file() else None
    if read is None or "randomized_on" in read[0][0] or len(read[0]) < 2:
        return None
    done = _toml_set(case, "reference_date", '"randomization"')
    if done is None:
        return None
    case.locked.add("patients.csv")
    return Applied("randomization", ("study.toml", "patients.csv"), True, done)


# --- generic mutations ---------------------------------------------------------------------


def delete_column(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    c = int(case.rng.integers(len(rows[0])))
    col = column_of(name, rows[0], c)
    header = rows[0][c]
    for row in rows:
        if c < len(row):
            del row[c]
    case.write(name, rows, bom)
    must = col is not None and col.required
    return Applied("delete_column", (name,), must, f"{name} {header!r}")


def rename_header(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    c = int(case.rng.integers(len(rows[0])))
    old = rows[0][c]
    new = str(
        case.pick(
            (
                old.upper(),
                f"{old} (units)",
                f"x_{old}",
                old.replace("_", " ") + "s",
                "",
                "   ",
                str(case.pick(MARKUP)),
                "h" * 3000,
                "pätient",
            )
        )
    )
    if new.strip() == old.strip():
        return None
    col = column_of(name, rows[0], c)
    rows[0][c] = new
    case.write(name, rows, bom)
    must = col is not None and col.required and new.strip() not in rows[0][:c] + rows[0][c + 1 :]
    return Applied("rename_header", (name,), must, f"{name} {old!r} -> {new[:40]!r}")


def empty_cell(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    cell = data_cell(case, rows)
    if cell is None:
        return None
    r, c = cell
    rows[r][c] = str(case.pick(("", " ", "\t")))
    case.write(name, rows, bom)
    col = column_of(name, rows[0], c)
    must = col is not None and not col.nullable and any(v.strip() for v in rows[r])
    return Applied("empty_cell", (name,), must, f"{name} {rows[0][c] if c < len(rows[0]) else c}")


def swap_values(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    first = data_cell(case, rows)
    if first is None:
        return None
    r, c = first
    if case.rng.random() < 0.5:  # same column, another row
        others = [(i, c) for i in range(1, len(rows)) if i != r and c < len(rows[i])]
    else:  # same row, another column
        others = [(r, j) for j in range(len(rows[r])) if j != c]
    if not others:
        return None
    r2, c2 = case.pick(others)
    rows[r][c], rows[r2][c2] = rows[r2][c2], rows[r][c]
    case.write(name, rows, bom)
    return Applied(
        "swap_values", (name,), False, f"{name} ({r + 1},{c + 1}) <-> ({r2 + 1},{c2 + 1})"
    )


DATE_FORMATS = (  # (format, surely refused)
    ("%d/%m/%Y", True),
    ("%m/%d/%Y", True),
    ("%d.%m.%y", True),
    ("%d %b %Y", True),
    ("%Y%m%d", True),
    ("%Y/%m/%d", True),
    ("%B %d, %Y", True),
    ("%Y-%m-%dT%H:%M:%S", False),
    ("%Y-%m-%d %H:%M", False),
)


def date_format(case: Case) -> Applied | None:
    def dated(rows: list[list[str]], name: str) -> bool:
        return bool(kind_columns(name, rows[0], ("date", "datetime")))

    found = case.table(dated)
    if found is None:
        return None
    name, rows, bom = found
    cells = []
    for c in kind_columns(name, rows[0], ("date", "datetime")):
        for r in range(1, len(rows)):
            if c < len(rows[r]) and re.fullmatch(r"\d{4}-\d\d-\d\d( \d\d:\d\d)?", rows[r][c]):
                cells.append((r, c))
    if not cells:
        return None
    r, c = case.pick(cells)
    try:
        when = dt.datetime.fromisoformat(rows[r][c])
    except ValueError:
        return None
    fmt, must = case.pick(DATE_FORMATS)
    kind = column_of(name, rows[0], c).kind
    if kind == "datetime" and "%H" not in fmt:
        fmt += " %H:%M"
    if kind == "date" and "%H" in fmt:
        when = when.replace(hour=0, minute=0)  # a date at midnight is still the date
    old, rows[r][c] = rows[r][c], when.strftime(fmt)
    case.write(name, rows, bom)
    return Applied("date_format", (name,), must, f"{name} {old} -> {rows[r][c]}")


def truncate(case: Case) -> Applied | None:
    names = case.files()
    if not names:
        return None
    name = case.pick(names)
    path = case.folder / name
    data = path.read_bytes()
    starts = [m.end() for m in re.finditer(rb"\n", data)][:-1]  # starts of lines 2..n
    starts = [s for s in starts if data[s : s + 1] not in (b"\n", b"\r", b"")]
    if not starts:
        return None
    start = case.pick(starts)
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    if end - start < 2:
        return None
    cut = start + int(case.rng.integers(1, end - start))
    path.write_bytes(data[:cut])
    read = case.read(name)
    must = False
    if read is not None:
        rows = read[0]
        last = rows[-1]
        must = len(last) < len(rows[0]) and any(v.strip() for v in last)
    return Applied("truncate", (name,), must, f"{name} cut at byte {cut} of {len(data)}")


def random_bytes(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    cell = data_cell(case, rows)
    if cell is None:
        return None
    r, c = cell
    rows[r][c] = PLACEHOLDER
    junk = case.rng.bytes(int(case.rng.integers(1, 13)))
    data = case.write(name, rows, bom).replace(PLACEHOLDER.encode(), junk)
    (case.folder / name).write_bytes(data)
    return Applied("random_bytes", (name,), False, f"{name} row {r + 1} col {c + 1} = {junk!r}")


def encoding(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    if case.rng.random() < 0.5:  # give the table a character outside ASCII first
        cell = data_cell(case, rows)
        if cell is not None:
            rows[cell[0]][cell[1]] += str(case.pick(("é", "ü", "µ", "–", "€", "日本")))
    text = case.write(name, rows, bom).decode("utf-8")
    codec = str(case.pick(("latin-1", "cp1252", "utf-16", "utf-8-sig", "mac_roman", "utf-32")))
    (case.folder / name).write_bytes(text.encode(codec, errors="replace"))
    return Applied("encoding", (name,), False, f"{name} as {codec}")


def duplicate_row(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    r = case.pick([i for i in range(1, len(rows)) if any(v.strip() for v in rows[i])])
    at = int(case.rng.integers(1, len(rows) + 1))
    rows.insert(at, list(rows[r]))
    case.write(name, rows, bom)
    must = bool(TABLES[Path(name).stem].key)
    return Applied("duplicate_row", (name,), must, f"{name} row {r + 1} again at {at + 1}")


TOML_TYPES = (  # settings written another way: may still be fine
    ("cutoff_date", '"1998-05-01"'),
    ("cutoff_date", "1998-05-01T00:00:00"),
    ("synthetic", '"true"'),
    ("synthetic", "1"),
    ("histologies", '["melanoma", "renal", "melanoma"]'),
    ("description", "3"),
    ("description", "[1, 2]"),
    ("description", '"""[bold] line\nline [/]"""'),
    ("regimen", '""'),
    ("name", '"[bold]Minimal[/]"'),
    ("name", "'''  '''"),
)


def toml_types(case: Case) -> Applied | None:
    key, literal = case.pick(TOML_TYPES)
    done = _toml_set(case, key, literal)
    return Applied("toml_types", ("study.toml",), False, done) if done else None


def delete_table(case: Case) -> Applied | None:
    names = case.files(".csv") + case.files(".parquet")
    if not names:
        return None
    name = case.pick(names)
    (case.folder / name).unlink()
    stem = Path(name).stem
    return Applied("delete_table", (name, f"{stem}.csv"), True, name)


def empty_table(case: Case) -> Applied | None:
    found = case.table()
    if found is None:
        return None
    name, rows, bom = found
    case.write(name, rows[:1], bom)
    return Applied("empty_table", (name,), False, name)


Mutation = Callable[[Case], Applied | None]

CATALOGUE: dict[str, tuple[str, Mutation]] = {
    # class A: inputs that raised a traceback
    "markup_header": ("A", markup_header),
    "markup_value": ("A", markup_value),
    "huge_int": ("A", huge_int),
    "parquet_types": ("A", parquet_types),
    "toml_wrong_type": ("A", toml_wrong_type),
    "long_text": ("A", long_text),
    # class B: invalid inputs that must be refused
    "short_row": ("B", short_row),
    "long_row": ("B", long_row),
    "duplicate_header": ("B", duplicate_header),
    "nan_inf": ("B", nan_inf),
    "nul_byte": ("B", nul_byte),
    "excel_error": ("B", excel_error),
    "age_range": ("B", age_range),
    "date_range": ("B", date_range),
    "path_outside": ("B", path_outside),
    "randomization": ("B", randomization),
    # generic
    "delete_column": ("generic", delete_column),
    "rename_header": ("generic", rename_header),
    "empty_cell": ("generic", empty_cell),
    "swap_values": ("generic", swap_values),
    "date_format": ("generic", date_format),
    "truncate": ("generic", truncate),
    "random_bytes": ("generic", random_bytes),
    "encoding": ("generic", encoding),
    "duplicate_row": ("generic", duplicate_row),
    "toml_types": ("generic", toml_types),
    "delete_table": ("generic", delete_table),
    "empty_table": ("generic", empty_table),
}
"""Every mutation by name, with its class: A (used to raise), B (must be refused), generic."""

PRINTED = ("markup_header", "markup_value", "long_text", "rename_header", "random_bytes")
"""Mutations whose text reaches the problem listing ``remission validate`` prints."""


def build_case(
    seed: int, folder: Path, kinds: tuple[str, ...] = tuple(CATALOGUE), count: int | None = None
) -> list[Applied]:
    """Copy the minimal study to ``folder`` and apply 1-3 mutations drawn with ``seed``.

    ``kinds`` narrows the catalogue and ``count`` fixes the number of mutations (to study one
    class alone); the defaults are what the test runs.
    """
    copy_minimal(folder)
    case = Case(folder, np.random.default_rng(seed))
    wanted = int(case.rng.integers(1, 4)) if count is None else count
    applied: list[Applied] = []
    for _ in range(wanted * 8):  # a draw with no target left is skipped
        if len(applied) == wanted:
            break
        kind = case.pick(kinds)
        done = CATALOGUE[kind][1](case)
        if done is None:
            continue
        applied.append(done)
        if done.must_refuse:
            case.locked.update(done.files)
    return applied


if __name__ == "__main__":
    # SEED FOLDER [KIND,KIND,...]: the kinds when the case was drawn from a narrower catalogue
    seed, dest = int(sys.argv[1]), Path(sys.argv[2])
    kinds = tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 else tuple(CATALOGUE)
    for mutation in build_case(seed, dest, kinds):
        print(mutation)
