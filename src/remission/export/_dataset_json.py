"""CDISC Dataset-JSON v1.1 (JSON and NDJSON) of derived datasets: writing, reading, validating.

A Dataset-JSON file holds the dataset's metadata (name, label, records, one ``columns`` entry
per variable with its OID, label, data type and length) and its ``rows`` as arrays in column
order. Dates are ISO 8601 text (``dataType`` ``date``, ``targetDataType`` ``integer``, SAS's
``DATE9.``), date-times ISO 8601 to the second (``datetime``), missing values JSON ``null``.
NDJSON puts the metadata on the first line and one row per line after it. The published
schemas (``schema/``, from cdisc-org/DataExchange-DatasetJson, MIT licence) validate both.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

import remission
from remission.export._metadata import DATASET_LABELS, VARIABLES, text_length, xpt_type

VERSION = "1.1.0"
"""The Dataset-JSON version written."""

_DATA_TYPE = {
    "text": "string",
    "integer": "integer",
    "float": "double",
    "date": "date",
    "datetime": "datetime",
}
_POLARS = {
    "string": pl.String,
    "integer": pl.Int64,
    "double": pl.Float64,
    "float": pl.Float64,
    "decimal": pl.Float64,
    "date": pl.Date,
    "datetime": pl.Datetime("us"),
    "boolean": pl.Boolean,
}
_BDS_KEYS = ("USUBJID", "PARAMCD")
_KEYS = {"adsl": ("USUBJID",), "rsqc": ("USUBJID", "ADT")}
"""Key variables (``keySequence``) of each dataset; the BDS datasets by subject and parameter."""


def _columns(frame: pl.DataFrame, name: str) -> list[dict[str, Any]]:
    columns = []
    for column, dtype in frame.schema.items():
        kind = xpt_type(dtype)
        entry: dict[str, Any] = {
            "itemOID": f"IT.{name.upper()}.{column}",
            "name": column,
            "label": VARIABLES[column].label if column in VARIABLES else column,
            "dataType": _DATA_TYPE[kind],
        }
        if kind == "text":
            entry["length"] = text_length(frame[column])
        elif kind == "date":
            entry |= {"targetDataType": "integer", "displayFormat": "DATE9."}
        elif kind == "datetime":
            entry |= {"targetDataType": "integer", "displayFormat": "DATETIME20."}
        keys = _KEYS.get(name, _BDS_KEYS)
        if column in keys:
            entry["keySequence"] = keys.index(column) + 1
        columns.append(entry)
    return columns


def _metadata(frame: pl.DataFrame, name: str, study: str, created: dt.datetime) -> dict:
    return {
        "datasetJSONCreationDateTime": created.strftime("%Y-%m-%dT%H:%M:%S"),
        "datasetJSONVersion": VERSION,
        "fileOID": f"remission/{study}/{name}",
        "originator": "remission",
        "sourceSystem": {"name": "remission", "version": remission.__version__},
        "studyOID": study,
        "itemGroupOID": f"IG.{name.upper()}",
        "records": frame.height,
        "name": name.upper(),
        "label": DATASET_LABELS.get(name, name.upper()),
        "columns": _columns(frame, name),
    }


def _json_rows(frame: pl.DataFrame) -> list[list]:
    """Rows as JSON values: dates and date-times as ISO text, integers as integers."""
    as_text = []
    for column, dtype in frame.schema.items():
        if dtype == pl.Date:
            as_text.append(pl.col(column).dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            as_text.append(pl.col(column).dt.strftime("%Y-%m-%dT%H:%M:%S"))
        elif dtype == pl.Boolean or (dtype.is_integer() and dtype != pl.Int64):
            as_text.append(pl.col(column).cast(pl.Int64))
    return [list(row) for row in frame.with_columns(as_text).iter_rows()]


def dataset_json(
    frame: pl.DataFrame, name: str, study: str, created: dt.datetime | None = None
) -> dict:
    """A derived dataset as a Dataset-JSON v1.1 document (a dict ready for ``json.dump``).

    Parameters
    ----------
    frame : polars.DataFrame
        The dataset.
    name : str
        Its name (``adsl``, ...).
    study : str
        The study's name (``studyOID`` and part of ``fileOID``).
    created : datetime.datetime, optional
        The creation time written; now (UTC) when omitted.

    Returns
    -------
    dict
        The document; ``validate_dataset_json`` accepts it.

    Examples
    --------
    >>> import datetime
    >>> doc = dataset_json(pl.DataFrame({"USUBJID": ["P1"], "AGE": [61.0]}), "adsl", "S1")
    >>> doc["columns"][1]["dataType"], doc["rows"], doc["records"]
    ('double', [['P1', 61.0]], 1)
    """
    created = created or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return _metadata(frame, name, study, created) | {"rows": _json_rows(frame)}


def write_dataset_json(
    frame: pl.DataFrame,
    path: str | Path,
    name: str,
    study: str,
    *,
    ndjson: bool = False,
    created: dt.datetime | None = None,
) -> None:
    """Write a derived dataset as Dataset-JSON (``ndjson=False``) or its NDJSON form.

    Parameters
    ----------
    frame : polars.DataFrame
        The dataset.
    path : str or pathlib.Path
        The file to write (``.json`` or ``.ndjson`` by convention).
    name : str
        The dataset name.
    study : str
        The study's name.
    ndjson : bool
        Write the metadata on the first line and one row per line.
    created : datetime.datetime, optional
        The creation time written; now (UTC) when omitted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "adsl.ndjson"
    >>> frame = pl.DataFrame({"USUBJID": ["P1", "P2"]})
    >>> write_dataset_json(frame, path, "adsl", "S1", ndjson=True)
    >>> path.read_text().splitlines()[1:]
    ['["P1"]', '["P2"]']
    """
    doc = dataset_json(frame, name, study, created)
    with Path(path).open("w", encoding="utf-8") as out:
        if ndjson:
            rows = doc.pop("rows")
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            json.dump(doc, out, ensure_ascii=False)
            out.write("\n")


def read_dataset_json(path: str | Path) -> pl.DataFrame:
    """Read a Dataset-JSON or Dataset-NDJSON file into typed columns.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.json`` or ``.ndjson`` file.

    Returns
    -------
    polars.DataFrame
        One column per ``columns`` entry, typed by its ``dataType``.

    Raises
    ------
    ValueError
        When the file is not Dataset-JSON (with the reason).

    Examples
    --------
    >>> import tempfile, pathlib, datetime
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "adsl.json"
    >>> frame = pl.DataFrame({"USUBJID": ["P1"], "TRTSDT": [datetime.date(1990, 1, 2)]})
    >>> write_dataset_json(frame, path, "adsl", "S1")
    >>> read_dataset_json(path).equals(frame)
    True
    """
    doc = load_dataset_json(path)
    columns = doc["columns"]
    schema = {c["name"]: _POLARS[c["dataType"]] for c in columns}
    raw = pl.DataFrame(
        doc["rows"],
        schema={
            c: (pl.String if t in (pl.Date, pl.Datetime("us")) else t) for c, t in schema.items()
        },
        orient="row",
    )
    return raw.with_columns(
        [pl.col(c).str.to_date("%Y-%m-%d") for c, t in schema.items() if t == pl.Date]
        + [
            pl.col(c).str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us")
            for c, t in schema.items()
            if t == pl.Datetime("us")
        ]
    )


def load_dataset_json(path: str | Path) -> dict:
    """The Dataset-JSON document of a ``.json`` or ``.ndjson`` file, rows included.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.

    Returns
    -------
    dict
        The document, as the JSON form holds it (NDJSON rows gathered into ``rows``).

    Raises
    ------
    ValueError
        When the file is not JSON or NDJSON of the expected shape.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "adsl.ndjson"
    >>> write_dataset_json(pl.DataFrame({"USUBJID": ["P1"]}), path, "adsl", "S1", ndjson=True)
    >>> load_dataset_json(path)["rows"]
    [['P1']]
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".ndjson":
            lines = [line for line in text.splitlines() if line.strip()]
            doc = json.loads(lines[0]) | {"rows": [json.loads(line) for line in lines[1:]]}
        else:
            doc = json.loads(text)
    except (ValueError, IndexError) as exc:
        raise ValueError(f"{path}: not Dataset-JSON ({exc})") from None
    if not isinstance(doc, dict) or "columns" not in doc:
        raise ValueError(f"{path}: not Dataset-JSON (no 'columns' metadata)")
    return doc


@cache
def _schema() -> dict:
    path = resources.files("remission.export").joinpath("schema", "dataset.schema.json")
    return json.loads(path.read_text("utf-8"))


def validate_dataset_json(doc: dict) -> list[str]:
    """Check a Dataset-JSON document against the published CDISC v1.1 JSON schema.

    The schema (``schema/dataset.schema.json``) also checks an NDJSON file's first line: that
    line is the document without ``rows``, which the schema allows (the published NDJSON
    schema's references do not resolve; see ``schema/README.md``). Beyond the schema, every
    row must have one value per column and ``records`` must count the rows.

    Parameters
    ----------
    doc : dict
        The document (or an NDJSON file's first line).

    Returns
    -------
    list of str
        One message per violation (path: reason); empty when valid.

    Examples
    --------
    >>> doc = dataset_json(pl.DataFrame({"USUBJID": ["P1"]}), "adsl", "S1")
    >>> validate_dataset_json(doc)
    []
    >>> validate_dataset_json({k: v for k, v in doc.items() if k != "label"})
    ["(root): 'label' is a required property"]
    """
    import jsonschema

    validator = jsonschema.Draft201909Validator(_schema())
    found = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    messages = [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in found
    ]
    rows, columns = doc.get("rows"), doc.get("columns")
    if isinstance(rows, list) and isinstance(columns, list):
        messages += [
            f"rows/{i}: {len(row)} values for {len(columns)} columns"
            for i, row in enumerate(rows)
            if not isinstance(row, list) or len(row) != len(columns)
        ][:20]
        if doc.get("records") != len(rows):
            messages.append(f"records: {doc.get('records')!r} but {len(rows)} rows")
    return messages
