"""Finding SDTM domain files in a folder and reading them (CSV or SAS XPT) as text tables.

Every value comes back as text, stripped, with empty values as missing, and every table has a
``_row`` column: the row as a spreadsheet shows it (header = row 1, first record = row 2),
for CSV and XPT alike, so messages point at the record the same way for both.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from remission.study import ROW_COLUMN, Problem, StudyError
from remission.study._problems import ROWS_KEPT_PER_KIND, row_problems
from remission.study._read import clean_text, stripped

Severity = Literal["error", "warning"]

SDTM_DOMAINS = ("dm", "ds", "ex", "tu", "tr", "rs")
"""The SDTM domains ``read_sdtm`` reads: DM is required, the others optional."""

_FILE_NAME = re.compile(r"^(?:sdtm_)?([a-z]{2,8})\.(csv|xpt)$")


@dataclass
class Findings:
    """Problems found during an import: errors stop it, warnings are notes on the result."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        code: str,
        file: str,
        expected: str,
        fix: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        """Record one problem."""
        self.problems.append(Problem(severity, code, file, row, column, value, expected, fix))

    def add_rows(
        self,
        severity: Severity,
        code: str,
        file: str,
        column: str | None,
        rows: pl.DataFrame,
        expected: str,
        fix: str,
        *,
        value: str | None = None,
    ) -> None:
        """Record one problem per row of ``rows`` (the first ``ROWS_KEPT_PER_KIND`` verbatim).

        ``rows`` has ``_row``; the value shown is its column ``value`` (default: ``column``).
        A column ``_expected`` in ``rows``, when present, replaces ``expected`` row by row.
        """
        if rows.is_empty():
            return
        kept = rows.sort(ROW_COLUMN).head(ROWS_KEPT_PER_KIND)
        source = value or column
        values = kept[source].to_list() if source in kept.columns else [None] * kept.height
        expecteds = kept["_expected"].to_list() if "_expected" in kept.columns else expected
        numbers = kept[ROW_COLUMN].to_list()
        self.problems.extend(
            row_problems(
                severity, code, file, column, numbers, values, expecteds, fix, total=rows.height
            )
        )

    @property
    def errors(self) -> list[Problem]:
        """The errors found so far."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The warnings (notes) found so far."""
        return [p for p in self.problems if p.severity == "warning"]

    def stop_on_errors(self) -> None:
        """Raise ``StudyError`` with every problem when there is at least one error."""
        if self.errors:
            raise StudyError(self.problems)


@dataclass(frozen=True)
class Domain:
    """One domain as read: its file name and its rows, every column text plus ``_row``.

    ``filtered`` says the records were filtered while reading (``read_table``'s ``where``);
    ``others`` lists the values the file held instead when no record matched.
    """

    name: str
    file: str
    frame: pl.DataFrame
    filtered: bool = False
    others: tuple[str, ...] = ()


def find_domain_files(folder: Path, findings: Findings) -> dict[str, Path]:
    """Find ``<domain>.csv|.xpt`` (any case, optional ``sdtm_`` prefix) for each SDTM domain.

    Two files for one domain is an error; a missing DM is an error; other missing domains
    are noted (their tables stay empty).
    """
    found: dict[str, list[Path]] = {d: [] for d in SDTM_DOMAINS}
    for path in sorted(folder.iterdir(), key=lambda p: (p.name.lower(), p.name)):
        match = _FILE_NAME.match(path.name.lower())
        if match and match.group(1) in found and path.is_file():
            found[match.group(1)].append(path)
    paths: dict[str, Path] = {}
    for domain, candidates in found.items():
        upper = domain.upper()
        if len(candidates) > 1:
            findings.add(
                "error",
                "sdtm.duplicate_domain",
                candidates[0].name,
                f"one file for the {upper} domain",
                "keep one of these files and move the others out of the folder",
                value=", ".join(p.name for p in candidates),
            )
        elif candidates:
            paths[domain] = candidates[0]
        elif domain == "dm":
            findings.add(
                "error",
                "sdtm.dm_missing",
                folder.name,
                "the DM domain (dm.xpt or dm.csv) in the SDTM folder",
                "add DM: every patient of the study comes from it",
            )
        else:
            findings.add(
                "warning",
                "sdtm.domain_absent",
                f"{domain}.xpt",
                f"the {upper} domain ({domain}.xpt or {domain}.csv)",
                _ABSENT_FIX[domain],
            )
    return paths


_ABSENT_FIX = {
    "ds": "without DS no patient has a randomisation date: times count from treatment start",
    "ex": "without EX no patient has a treatment start; all count as never treated",
    "tu": "without TU the study has no lesions (and TR cannot be read)",
    "tr": "without TR the study has no lesion measurements",
    "rs": "without RS the study has no recorded overall responses",
}


_EXTRA = "__EXTRA_FIELDS__"
"""A column after the header's last: a CSV row with more fields than the header fills it."""


def _keep(name: str, wanted: set[str] | None) -> bool:
    """Whether to read a column: one asked for, or any date (``--DTC``) for the cut-off."""
    return wanted is None or name in wanted or name.endswith("DTC")


def _not_table(findings: Findings, file: str, expected: str, fix: str) -> None:
    findings.add("error", "sdtm.not_a_table", file, expected, fix)


def _cannot_read(findings: Findings, path: Path, exc: Exception) -> None:
    first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else "unreadable"
    if path.suffix.lower() == ".xpt":
        _not_table(
            findings,
            path.name,
            f"a SAS transport file (XPT) ({first})",
            "export the domain again as SAS XPORT (version 5 or 8), or as CSV",
        )
        return
    if "utf-8" in first.lower() or "utf8" in first.lower():
        data = path.read_bytes()  # only on this error path: find the line to name
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            byte = data[bad.start]
            findings.add(
                "error",
                "sdtm.encoding",
                path.name,
                f"UTF-8 text (this byte is {bytes([byte]).decode('latin-1')!r} in Latin-1)",
                "save the file as UTF-8, e.g. iconv -f latin1 -t utf-8",
                row=data[: bad.start].count(b"\n") + 1,
                value=f"byte 0x{byte:02X}",
            )
            return
    _not_table(
        findings,
        path.name,
        f"a comma-separated table ({first})",
        "check that every row has as many fields as the header and quotes are closed",
    )


def _scan_csv(path: Path, findings: Findings) -> pl.LazyFrame | None:
    """A lazy CSV scan, every column text, with one column more than the header (``_EXTRA``).

    Polars reads only the columns asked for and would not notice a row with more fields than
    the header (an unquoted comma shifting the values): such a row fills ``_EXTRA`` instead,
    which ``read_table`` reports.
    """
    file = path.name
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if b"\x00" in head:
        _not_table(
            findings,
            file,
            "a CSV text table; this file holds binary data",
            "export the domain as CSV (comma-separated, UTF-8) or as SAS transport (.xpt)",
        )
        return None
    if not head.strip():
        _not_table(findings, file, "a header row naming the SDTM variables", "the file is empty")
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = [name.strip().upper() for name in next(csv.reader(fh), [])]
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        _not_table(
            findings,
            file,
            f"one column per variable ({twice[0] or 'an unnamed column'} appears twice)",
            "remove or rename the repeated column",
        )
        return None
    schema = {name: pl.String() for name in header} | {_EXTRA: pl.String()}
    return pl.scan_csv(
        path,
        has_header=False,
        skip_rows=1,
        schema=schema,
        missing_columns="insert",
        truncate_ragged_lines=True,
        row_index_name=ROW_COLUMN,
        row_index_offset=2,
        encoding="utf8",
    )


def _scan_xpt(path: Path) -> pl.LazyFrame:
    import pyreadstat

    frame, _meta = pyreadstat.read_xport(str(path), output_format="polars")
    assert isinstance(frame, pl.DataFrame)
    frame = frame.rename({n: n.strip().upper() for n in frame.columns})
    frame = frame.with_columns(_to_text(frame[c]).alias(c) for c in frame.columns)
    return frame.lazy().with_row_index(ROW_COLUMN, offset=2)


def _to_text(series: pl.Series) -> pl.Series:
    """Text form of an XPT column: numbers as written by CSV, dates ISO, NaN as missing."""
    if series.dtype == pl.String:
        return series
    if series.dtype.is_float():
        series = series.fill_nan(None)
    return series.cast(pl.String)


def read_table(
    path: Path,
    label: str,
    required: tuple[str, ...],
    findings: Findings,
    wanted: set[str] | None = None,
    where: tuple[str, str] | None = None,
) -> Domain | None:
    """Read one CSV or XPT file as text; check it holds ``label`` records with ``required``.

    ``wanted`` limits the columns read (those present of them, and every ``--DTC``; None
    reads all) and ``where = (column, value)`` keeps only the records whose column equals the
    value (any case), so large domains are read fast: the filter runs inside the CSV reader.
    Values are stripped and an empty value is missing. Returns None (with the problem
    recorded) when the file cannot be used.
    """
    file = path.name
    try:
        lazy = _scan_xpt(path) if path.suffix.lower() == ".xpt" else _scan_csv(path, findings)
    except Exception as exc:  # polars or pyreadstat (ReadstatError, PyreadstatError)
        _cannot_read(findings, path, exc)
        return None
    if lazy is None:
        return None
    names = [n for n in lazy.collect_schema().names() if n not in (ROW_COLUMN, _EXTRA)]
    columns = [n for n in dict.fromkeys(names) if n == "DOMAIN" or _keep(n, wanted)]
    missing = [c for c in required if c not in columns]
    if missing and len(names) < 2:
        _not_table(
            findings,
            file,
            f"a table of {label} records with a header row naming its variables "
            f"({', '.join(required)}, ...)",
            "export the domain as a table: one row per record, one column per variable",
        )
        return None
    for name in missing:
        findings.add(
            "error",
            "sdtm.missing_column",
            file,
            f"the {label} variable {name}",
            f"add the column {name} (SDTM names, as in the SDTM Implementation Guide)",
            row=1,
            column=name,
        )
    if missing:
        return None
    extra = [_EXTRA] if _EXTRA in lazy.collect_schema().names() else []
    lazy = everything = lazy.select(ROW_COLUMN, *columns, *extra)
    filtered = where is not None and where[0] in columns
    if where is not None and filtered:
        column, value = where
        keep = pl.col(column).str.strip_chars().str.to_uppercase() == value.upper()
        if extra:  # a shifted row must reach the check below, whatever it holds there
            keep = keep | pl.col(_EXTRA).is_not_null()
        lazy = lazy.filter(keep)
    try:
        frame = clean_text(lazy.with_columns(pl.col(ROW_COLUMN).cast(pl.Int64)).collect(), columns)
        others: tuple[str, ...] = ()
        if filtered and frame.is_empty() and where is not None:
            values = everything.select(stripped(where[0])).unique().collect()[where[0]]
            others = tuple(sorted("(empty)" if v is None else str(v) for v in values))
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        _cannot_read(findings, path, exc)
        return None
    if extra:
        ragged = frame.filter(pl.col(_EXTRA).is_not_null())
        if not ragged.is_empty():
            findings.add_rows(
                "error",
                "sdtm.not_a_table",
                file,
                None,
                ragged,
                f"{len(names)} fields as in the header, found more",
                "quote values that contain commas, or remove the extra separators",
            )
            return None
        frame = frame.drop(_EXTRA)
    if "DOMAIN" in frame.columns and label in SDTM_DOMAINS_UPPER:
        other = frame.filter(pl.col("DOMAIN").is_not_null() & (pl.col("DOMAIN") != label))
        if not other.is_empty():
            held = other["DOMAIN"][0]
            findings.add_rows(
                "error",
                "sdtm.wrong_domain",
                file,
                "DOMAIN",
                other,
                f"{label} records in this file",
                f"this file holds {held} records: name it {held.lower()}{path.suffix.lower()}",
            )
            return None
    return Domain(label, file, frame, filtered, others)


SDTM_DOMAINS_UPPER = tuple(d.upper() for d in SDTM_DOMAINS)
