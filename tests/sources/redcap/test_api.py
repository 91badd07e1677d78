"""``remission import redcap --api-url``: the records pulled through REDCap's API.

REDCap itself cannot run here (it is licensed to consortium members only, a PHP and MySQL
application with no public package), so these tests serve REDCap's documented API exchange
from a real HTTP server on this machine: a form-encoded POST to ``/api/`` with the token and
``content=record`` (flat CSV, raw codes) or ``content=metadata`` (CSV), answered with the files
REDCap exports, and REDCap's XML error answer (HTTP 403) for a token it does not know. PyCap
and the importer run unchanged against it.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from remission.sources import DICTIONARY_COLUMNS
from remission.sources._redcap_api import API_METADATA_COLUMNS, _dictionary_csv
from remission.study import StudyError, load
from tests.cli.test_cli import run

pytest.importorskip("redcap", reason="PyCap (the extra remission[redcap]) is not installed")

TOKEN = "0123456789ABCDEF0123456789ABCDEF"
DENIED = "You do not have permissions to use the API"
REFUSED = {
    "xml": f'<?xml version="1.0" encoding="UTF-8" ?><hash><error>{DENIED}</error></hash>',
    "json": json.dumps({"error": DENIED}),
    "csv": f"ERROR: {DENIED}",
}
"""REDCap's answer to an unknown token, in the format asked for (XML when none is)."""


class RedcapApi(BaseHTTPRequestHandler):
    """REDCap's export API for one project: records and metadata as CSV."""

    files: dict[str, bytes]
    asked: list[dict[str, str]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        self.asked.append({k: v for k, v in form.items() if k != "token"})
        if self.path != "/api/":
            self._answer(404, b"Not Found")
        elif form.get("token") != TOKEN:
            self._answer(403, REFUSED[form.get("returnFormat", form.get("format", "xml"))].encode())
        else:
            self._answer(200, self.files[form["content"], form.get("format", "xml")])

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # the test output stays quiet
        pass


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("redcap_api")
    made = run("simulate", "--patients", "40", "--seed", "3", "--format", "redcap",
               "--out", root / "project")  # fmt: skip
    assert made.returncode == 0, made.stderr
    folder = root / "project"
    dictionary = pl.read_csv(folder / "redcap_dictionary.csv", infer_schema=False)
    assert tuple(dictionary.columns) == DICTIONARY_COLUMNS
    metadata = dictionary.rename(dict(zip(DICTIONARY_COLUMNS, API_METADATA_COLUMNS, strict=True)))
    handler = type("Handler", (RedcapApi,), {"asked": []})
    handler.files = {
        ("record", "csv"): (folder / "redcap_export.csv").read_bytes(),
        ("metadata", "csv"): metadata.write_csv().encode(),
        ("metadata", "json"): json.dumps(metadata.to_dicts()).encode(),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    token = root / "token"
    token.write_text(TOKEN.lower() + "\n")
    yield {
        "root": root, "folder": folder, "token": token, "asked": handler.asked,
        "url": f"http://127.0.0.1:{server.server_address[1]}/api/",
    }  # fmt: skip
    server.shutdown()


def _everything_written(result, folder: Path) -> str:
    files = [p.read_bytes().decode(errors="replace") for p in folder.rglob("*") if p.is_file()]
    return "\n".join([result.stdout, result.stderr, *files])


def test_the_api_pull_imports_what_the_files_import(project: dict, tmp_path: Path) -> None:
    folder = project["folder"]
    pulled = run("import", "redcap", "--api-url", project["url"], "--token-file",
                 project["token"], "--settings", folder / "study.toml",
                 "--out", tmp_path / "api")  # fmt: skip
    assert pulled.returncode == 0, pulled.stderr
    from_files = run("import", "redcap", folder / "redcap_export.csv", "--dictionary",
                     folder / "redcap_dictionary.csv", "--settings", folder / "study.toml",
                     "--out", tmp_path / "files")  # fmt: skip
    assert from_files.returncode == 0, from_files.stderr
    api, files = load(tmp_path / "api"), load(tmp_path / "files")
    assert api.patients.height == 40
    for name, frame in files.tables.items():
        assert_frame_equal(api.tables[name], frame)
    written = _everything_written(pulled, tmp_path / "api")
    assert TOKEN not in written.upper()
    asked = [a.items() for a in project["asked"]]
    record = {"content": "record", "format": "csv", "type": "flat", "rawOrLabel": "raw"}
    assert any(record.items() <= a for a in asked)
    assert any({"content": "metadata", "format": "csv"}.items() <= a for a in asked)
    assert not list(Path(tmp_path).glob("remission-redcap-*"))


def test_a_token_the_server_refuses(project: dict, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("F" * 32)
    result = run("import", "redcap", "--api-url", project["url"], "--token-file", wrong,
                 "--out", tmp_path / "out")  # fmt: skip
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert "the server refused: You do not have permissions to use the API" in message
    assert "check the token" in message and "Traceback" not in result.stderr
    assert "F" * 32 not in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not a token\n", "32 hexadecimal digits"),
        (TOKEN + "\n" + TOKEN, "32 hexadecimal digits"),
        (None, "a readable file holding the project's API token"),
    ],
    ids=["not-a-token", "two-lines", "missing"],
)
def test_a_bad_token_file(
    project: dict, tmp_path: Path, content: str | None, expected: str
) -> None:
    token = tmp_path / "token"
    if content is not None:
        token.write_text(content)
    result = run("import", "redcap", "--api-url", project["url"], "--token-file", token,
                 "--out", tmp_path / "out")  # fmt: skip
    assert result.returncode == 1
    assert expected in " ".join(result.stderr.split())
    assert "not a token" not in result.stderr and TOKEN not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://redcap.example.org/api/", "an https:// address"),
        ("https://redcap.example.org/redcap/", "ending in /api/"),
        ("http://127.0.0.1:9/api/", "a REDCap server answering at this address"),
    ],
    ids=["plain-http-elsewhere", "not-the-api", "nobody-answers"],
)
def test_a_bad_address(project: dict, tmp_path: Path, url: str, expected: str) -> None:
    result = run("import", "redcap", "--api-url", url, "--token-file", project["token"],
                 "--out", tmp_path / "out")  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert expected in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr and TOKEN not in result.stderr.upper()


def test_a_server_that_is_not_redcap(project: dict, tmp_path: Path) -> None:
    url = project["url"].replace("/api/", "/other/api/")  # the stand-in answers 404 text there
    result = run("import", "redcap", "--api-url", url, "--token-file", project["token"],
                 "--out", tmp_path / "out")  # fmt: skip
    assert result.returncode == 1
    assert "a REDCap server answering at this address" in " ".join(result.stderr.split())


def test_metadata_that_is_not_redcaps() -> None:
    with pytest.raises(StudyError) as caught:
        _dictionary_csv("name,type\nage,text\n", "REDCap API https://x.org/api/")
    assert "REDCap's metadata CSV" in str(caught.value)
    assert "columns name, type" in str(caught.value)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["export.csv", "--dictionary", "d.csv", "--api-url", "https://x.org/api/"], "not both"),
        (["--api-url", "https://x.org/api/"], "--token-file"),
        (["export.csv"], "--dictionary"),
        ([], "not both"),
    ],
    ids=["both", "no-token-file", "no-dictionary", "neither"],
)
def test_the_sources_are_given_one_way(tmp_path: Path, args: list[str], expected: str) -> None:
    result = run("import", "redcap", *args, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert expected in result.stderr


def test_another_commands_folder_is_refused_before_the_pull(project: dict, tmp_path: Path) -> None:
    out = tmp_path / "template"
    assert run("redcap", "template", "--out", out).returncode == 0
    before = sorted(p.name for p in out.iterdir())
    asked = len(project["asked"])
    result = run("import", "redcap", "--api-url", project["url"], "--token-file",
                 project["token"], "--out", out)  # fmt: skip
    assert result.returncode == 1
    assert "holds another command's output" in " ".join(result.stderr.split())
    assert len(project["asked"]) == asked  # the server was never asked
    assert sorted(p.name for p in out.iterdir()) == before
