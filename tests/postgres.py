"""A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl, Unix socket only.

Debian's ``postgresql`` package (``make test`` installs it when absent and it may). PostgreSQL
refuses to run as root, so as root (CI) the server runs as the ``postgres`` system user through
``runuser``; its data and socket directories are made for that user. No TCP port is opened
(``listen_addresses=''``), authentication is ``trust`` on the socket only.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DB = "remission"


def _bindir() -> Path | None:
    for candidate in (
        shutil.which("pg_ctl"),
        *sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")),
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate).resolve().parent
    return None


def unavailable() -> str | None:
    """Why a server cannot be started here, or None when it can."""
    if _bindir() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql; make test does)"
    if os.geteuid() == 0 and (shutil.which("runuser") is None or _uid("postgres") is None):
        return "running as root without a 'postgres' user to run the server as"
    return None


def _uid(user: str) -> int | None:
    import pwd

    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return None


def _run(args: list[str], as_user: str | None) -> None:
    command = ["runuser", "-u", as_user, "--", *args] if as_user else args
    subprocess.run(command, check=True, capture_output=True, text=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server in a temporary directory; yield a SQLAlchemy URL of database ``remission``."""
    reason = unavailable()
    if reason:
        raise RuntimeError(reason)
    bindir = _bindir()
    assert bindir is not None
    as_user = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="remission-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if as_user:
        uid = _uid(as_user)
        assert uid is not None
        for path in (root, sock):
            os.chown(path, uid, -1)
    user = as_user or os.environ.get("USER") or "postgres"
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-U", user, "--auth=trust",
              "--encoding=UTF8", "--locale=C"], as_user)  # fmt: skip
        options = f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
              str(root / "server.log"), "-w", "start"], as_user)  # fmt: skip
        _run([str(bindir / "createdb"), "-h", str(sock), "-U", user, DB], as_user)
        yield f"postgresql+psycopg://{user}@/{DB}?host={sock}"
    finally:
        if (data / "postmaster.pid").exists():
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], as_user)
        shutil.rmtree(root, ignore_errors=True)
