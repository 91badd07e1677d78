"""Running the real app for browser tests: a `remission app` process and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(
    study: Path, cache: Path, logs: Path, *extra: str, timeout: float = 180.0
) -> Iterator[tuple[str, float]]:
    """Start `remission app STUDY` on a free port; yield its URL and the seconds to come up.

    The server's output goes to ``logs`` (stdout.txt, stderr.txt) for the tests to read.
    """
    port = free_port()
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(cache)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    logs.mkdir(parents=True, exist_ok=True)
    out = (logs / "stdout.txt").open("w")
    err = (logs / "stderr.txt").open("w")
    command = [sys.executable, "-m", "remission", "app", str(study), "--port", str(port), *extra]
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=out, stderr=err, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"remission app exited {proc.returncode}: {(logs / 'stderr.txt').read_text()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"remission app did not answer on {url} in {timeout} s")
            time.sleep(0.2)
        yield url, time.monotonic() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()
        err.close()
