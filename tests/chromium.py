"""Debian's Chromium for the browser tests, found in one place.

`make test` installs the `chromium` package when it is absent and it may (root, apt-get);
where it cannot, the browser tests skip and say so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def chromium_or_skip() -> str:
    """Debian's chromium, or skip the test saying why."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Debian's chromium is not installed and could not be installed here "
            "(make test runs apt-get install chromium as root)"
        )
    return CHROMIUM
