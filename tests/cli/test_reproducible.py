"""Byte-identical reruns: `remission demo` twice, in two processes (so two hash seeds), with
the same command line and SOURCE_DATE_EPOCH, writes the same bytes in every file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from remission._io import MARKER
from tests.cli.test_cli import ENV


def test_the_demo_twice_writes_the_same_bytes(tmp_path: Path) -> None:
    runs = []
    for name, seed in (("a", "1"), ("b", "2")):
        cwd = tmp_path / name
        cwd.mkdir()
        env = {**ENV, "SOURCE_DATE_EPOCH": "1000000000", "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "remission", "demo", "--out", "demo"],
            check=False,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        runs.append(cwd / "demo")
    # every file but the output markers, which record when each file was written
    files = sorted(
        p.relative_to(runs[0]) for p in runs[0].rglob("*") if p.is_file() and p.name != MARKER
    )
    assert {"report/index.html", "report/report.pdf", "report/tables.xlsx"} <= {
        f.as_posix() for f in files
    }
    assert len([f for f in files if f.suffix == ".svg"]) >= 10
    assert (
        sorted(
            p.relative_to(runs[1]) for p in runs[1].rglob("*") if p.is_file() and p.name != MARKER
        )
        == files
    )
    different = [
        f.as_posix() for f in files if (runs[0] / f).read_bytes() != (runs[1] / f).read_bytes()
    ]
    assert different == []
    html = (runs[0] / "report" / "index.html").read_text(encoding="utf-8")
    assert "2001-09-09 01:46:40" in html  # the epoch, not the clock
