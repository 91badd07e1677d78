"""REDCap's API: pull a project's records and data dictionary as the files its export gives.

``pull_redcap`` asks a REDCap server (``--api-url``, ending in ``/api/``) for the records as a
flat CSV of raw codes (``content=record``, ``type=flat``, ``rawOrLabel=raw``) and for the data
dictionary (``content=metadata``, CSV), through PyCap (the optional extra
``remission[redcap]``). The metadata's column names are the API's snake-case ones; they are
renamed to the Data Dictionary download's headers so the same reader checks both.

The API token is read from a file (never from the command line, where other users of the
machine see it in the process list). It appears in no message, log or output: every error
below names the server and what went wrong, never the token.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from remission.sources._redcap_dictionary import DICTIONARY_COLUMNS
from remission.study import Problem, StudyError

API_METADATA_COLUMNS = (
    "field_name",
    "form_name",
    "section_header",
    "field_type",
    "field_label",
    "select_choices_or_calculations",
    "field_note",
    "text_validation_type_or_show_slider_number",
    "text_validation_min",
    "text_validation_max",
    "identifier",
    "branching_logic",
    "required_field",
    "custom_alignment",
    "question_number",
    "matrix_group_name",
    "matrix_ranking",
    "field_annotation",
)
"""The columns of REDCap's ``content=metadata`` CSV, in the order of ``DICTIONARY_COLUMNS``."""

TOKEN = re.compile(r"^[0-9A-F]{32}$")
"""A REDCap project API token: 32 hexadecimal digits (REDCap issues them upper-case)."""

LOCAL_HOSTS = ("localhost", "127.0.0.1")
"""Hosts an ``http://`` API address may name: the token never leaves the machine."""

EXPORT_FILE = "redcap_api_records.csv"
DICTIONARY_FILE = "redcap_api_dictionary.csv"


def _problem(where: str, code: str, expected: str, fix: str) -> StudyError:
    return StudyError([Problem("error", code, where, None, None, None, expected, fix)])


def read_token(path: Path) -> str:
    """The API token in ``path`` (one line, 32 hexadecimal digits).

    Parameters
    ----------
    path : pathlib.Path
        A file holding the token and nothing else (surrounding white space is ignored).

    Returns
    -------
    str
        The token, upper-case.

    Raises
    ------
    StudyError
        When the file is missing, unreadable or does not hold a token; the message never
        shows the file's content.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "token"
    >>> _ = path.write_text("0123456789abcdef0123456789ABCDEF\\n")
    >>> len(read_token(path))
    32
    """
    where = f"{path} (--token-file)"
    try:
        text = path.read_text(encoding="utf-8").strip().upper()
    except (OSError, UnicodeDecodeError) as exc:
        raise _problem(
            where, "redcap.token_file", "a readable file holding the project's API token",
            f"check the path ({exc.__class__.__name__}); REDCap shows the token on the "
            "project's API page",
        ) from None  # fmt: skip
    if not TOKEN.match(text):
        raise _problem(
            where, "redcap.token", "one REDCap API token: 32 hexadecimal digits, nothing else",
            "copy the token from the project's API page into the file, alone on its line",
        ) from None  # fmt: skip
    return text


def check_api_url(url: str) -> str:
    """``url`` if it is a REDCap API address (``https://HOST/.../api/``).

    Plain ``http://`` is refused except to this machine (``LOCAL_HOSTS``): the token travels in
    the request.

    Parameters
    ----------
    url : str
        The address given as ``--api-url``.

    Returns
    -------
    str
        ``url``, unchanged.

    Raises
    ------
    StudyError
        When it is not an API address, or is plain http to another machine.

    Examples
    --------
    >>> check_api_url("https://redcap.example.org/api/")
    'https://redcap.example.org/api/'
    """
    found = re.match(r"^(https?)://([^/:\s]+)(:\d+)?(/\S*)?/api/$", url)
    if not found:
        raise _problem(
            f"--api-url {url}", "redcap.api_url", "the REDCap API address, ending in /api/",
            "give it as the project's API page shows it, e.g. https://redcap.example.org/api/",
        )  # fmt: skip
    if found.group(1) == "http" and found.group(2) not in LOCAL_HOSTS:
        raise _problem(
            f"--api-url {url}", "redcap.api_http", "an https:// address (the token would "
            "travel unencrypted over http)", "use the server's https:// address",
        )  # fmt: skip
    return url


def _refusal(text: str) -> str | None:
    """REDCap's error message when an export answered with one (XML by default, or JSON)."""
    head = text.lstrip()[:1]
    if head == "<":
        found = re.search(r"<error>(.*?)</error>", text, re.DOTALL)
        return found.group(1) if found else "an XML answer, not CSV"
    if head == "{":
        found = re.search(r'"error"\s*:\s*"((?:[^"\\]|\\.)*)"', text)
        return found.group(1) if found else "a JSON answer, not CSV"
    if text.lower().startswith("error:"):
        return text[6:]
    return None


def _dictionary_csv(metadata: str, where: str) -> str:
    rows = list(csv.reader(io.StringIO(metadata)))
    if not rows or tuple(rows[0]) != API_METADATA_COLUMNS:
        got = ", ".join(rows[0][:4]) + ", ..." if rows else "nothing"
        raise _problem(
            where, "redcap.api_metadata", "REDCap's metadata CSV (field_name, form_name, ...)",
            f"the server answered with columns {got}; check that --api-url is a REDCap server",
        )  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DICTIONARY_COLUMNS)
    writer.writerows(rows[1:])
    return out.getvalue()


def pull_redcap(url: str, token_file: Path, folder: Path) -> tuple[Path, Path]:
    """Download a project's records and data dictionary into ``folder``.

    Parameters
    ----------
    url : str
        The REDCap API address (ending in ``/api/``).
    token_file : pathlib.Path
        File holding the project's API token (``read_token``).
    folder : pathlib.Path
        An existing folder the two CSV files are written to.

    Returns
    -------
    tuple of pathlib.Path
        The records (flat CSV export, raw codes) and the data dictionary (Data Dictionary
        download headers), for ``read_redcap``.

    Raises
    ------
    StudyError
        When PyCap is not installed, the server cannot be reached, or it refuses the request
        (e.g. an unknown token or no API export right); never showing the token.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> token = pathlib.Path(tempfile.mkdtemp()) / "token"
    >>> _ = token.write_text("0" * 32)
    >>> try:
    ...     pull_redcap("http://redcap.example.org/api/", token, token.parent)
    ... except StudyError as error:
    ...     print(error.problems[0].expected)
    an https:// address (the token would travel unencrypted over http)
    """
    check_api_url(url)
    token = read_token(token_file)
    try:
        import redcap
        import requests
    except ImportError:
        raise _problem(
            f"--api-url {url}", "redcap.pycap_missing", "PyCap installed",
            "install the extra: pip install 'remission[redcap]'",
        ) from None  # fmt: skip
    where = f"REDCap API {url}"
    project = redcap.Project(url, token)
    try:
        records = project.export_records(
            format_type="csv", raw_or_label="raw", export_checkbox_labels=False
        )
        metadata = project.export_metadata(format_type="csv")
        reason = _refusal(records) or _refusal(metadata)
    except requests.RequestException as exc:
        # PyCap's RedcapError *is* requests' RequestException: raised as such (not as a
        # subclass such as ConnectionError or JSONDecodeError) it carries the server's refusal
        if type(exc) is not redcap.RedcapError:
            raise _problem(
                where, "redcap.api_unreachable", "a REDCap server answering at this address",
                f"check the address and the network ({exc.__class__.__name__})",
            ) from None  # fmt: skip
        said = exc.args[0] if exc.args else ""
        reason = str(said["error"]) if isinstance(said, dict) and "error" in said else None
        reason = reason or _refusal(str(said)) or str(said)
    if reason is not None:
        reason = " ".join(reason.replace(token, "<token>").split())[:200]
        raise _problem(
            where, "redcap.api_refused", "the records and data dictionary of the project",
            f"the server refused: {reason}; check the token and that it has API export rights",
        )  # fmt: skip
    export = folder / EXPORT_FILE
    dictionary = folder / DICTIONARY_FILE
    export.write_text(records, encoding="utf-8")
    dictionary.write_text(_dictionary_csv(metadata, where), encoding="utf-8")
    return export, dictionary
