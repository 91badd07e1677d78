"""The demo study derived by the command in each output format, shared by the export tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from remission.simulate import demo_study
from remission.study import write_study
from tests.cli.test_cli import run


@pytest.fixture(scope="session")
def derived(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo study derived three ways by the command."""
    root = tmp_path_factory.mktemp("export")
    study = write_study(demo_study().study, root / "study")
    outs = {}
    for fmt in ("parquet", "xpt", "dataset-json"):
        outs[fmt] = root / fmt
        result = run("derive", study, "--out", outs[fmt], "--format", fmt)
        assert result.returncode == 0, result.stderr
    return outs
