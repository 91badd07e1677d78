"""Shared by the tests and the doctests in ``src/`` (pytest collects both from here)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close the figures a test or a docstring example drew (pyplot keeps every figure open
    until closed, and warns past 20 in one worker)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
