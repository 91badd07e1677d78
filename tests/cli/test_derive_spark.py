"""``remission derive --engine spark`` refusing what cannot run, in one line and before any
work (real processes; the Spark runs themselves are in ``tests/derive/test_spark.py``)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from tests.cli.test_cli import ENV, run
from tests.study.bad_input_cases import MINIMAL

HAS_PYSPARK = all(importlib.util.find_spec(m) for m in ("pyspark", "pyarrow"))


def test_without_java(tmp_path: Path) -> None:
    """``JAVA_HOME`` naming a folder without Java (pyspark's own way to find it): the message
    says what to install; nothing is written. Without pyspark, the message is about it."""
    (tmp_path / "jdk").mkdir()
    # the tests' own PYTHONPATH after the tree under test, so pyspark is found as here
    path = os.pathsep.join(filter(None, [ENV["PYTHONPATH"], os.environ.get("PYTHONPATH")]))
    env = {**ENV, "JAVA_HOME": str(tmp_path / "jdk"), "PYTHONPATH": path}
    result = run("derive", MINIMAL, "--out", tmp_path / "out", "--engine", "spark", env=env)
    assert result.returncode == 1
    if HAS_PYSPARK:
        assert result.stderr.strip() == (
            f"error: the Spark engine needs Java 17 (JAVA_HOME={tmp_path / 'jdk'} has no "
            "bin/java): on Debian, apt-get install openjdk-17-jre-headless"
        )
    else:
        assert "pip install 'remission[spark]'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_bad_master(tmp_path: Path) -> None:
    result = run(
        "derive", MINIMAL, "--out", tmp_path / "out", "--engine", "spark", "--master", "local[two]"
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: --master 'local[two]' is not a Spark master URL; ")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "dask"], "Invalid value for --engine: use one of polars, spark"),
        (["--master", "local[2]"], "Invalid value for --master: --master is for --engine spark"),
        (
            ["--engine", "spark", "--format", "csv"],
            "Invalid value for --format: use one of parquet",
        ),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = run("derive", MINIMAL, "--out", tmp_path / "out", *args)
    assert result.returncode == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())
