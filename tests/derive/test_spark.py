"""The Spark engine gives the in-process engine's datasets (``local[2]``, one session).

Marked ``spark``; skipped, saying why, only where pyspark, pyarrow or Java is missing (``make
test`` installs the ``spark`` extra and Debian's ``openjdk-17-jre-headless``).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from remission._io import OutputError, write_csv
from remission.cli import app
from remission.derive import DerivedDatasets, derive_study
from remission.export._metadata import define_table
from remission.simulate import demo_study, simulate_study
from remission.study import Study, StudyError, write_study
from tests.study.warning_cases import nodes_without_short_axis, without_age

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    from remission.derive import SparkUnavailableError, spark_session

    try:
        session = spark_session("local[2]")
    except SparkUnavailableError as exc:
        pytest.skip(f"the Spark engine cannot run here: {exc}")
    yield session
    session.stop()


def assert_same_rows(out: Path, whole: DerivedDatasets) -> None:
    """Every dataset of ``out`` (a folder of part files each) holds the in-process rows, with
    the same columns and types (an unsigned column as Int64), compared after sorting."""
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(whole)
    for name, frame in whole.items():
        got = pl.read_parquet(out / name / "*.parquet")
        want = frame.with_columns(
            pl.col(c).cast(pl.Int64) for c, t in frame.schema.items() if t.is_unsigned_integer()
        )
        key = want.columns
        assert_frame_equal(
            got.sort(key, nulls_last=True), want.sort(key, nulls_last=True), check_exact=True
        )


def parquet_study(study: Study, folder: Path) -> Path:
    write_study(study, folder, "parquet")
    return folder


def test_the_demo_through_the_command(spark: object, tmp_path: Path) -> None:
    """``remission derive --engine spark`` (in this process, so on this session) writes the
    demo's datasets as the in-process engine derives them, with its marker and manifest."""
    study = demo_study().study
    folder = parquet_study(study, tmp_path / "demo")
    out = tmp_path / "derived"
    result = CliRunner().invoke(
        app, ["derive", str(folder), "--out", str(out), "--engine", "spark"]
    )
    assert result.exit_code == 0, result.output
    assert "on Spark: wrote adex/ (14,992 rows)" in result.output
    whole = derive_study(study)  # what load(folder) gives: the round trip is tested in study/
    assert_same_rows(out, whole)
    manifest = json.loads((out / "manifest.json").read_text())
    assert {n: d["rows"] for n, d in manifest["datasets"].items()} == {
        n: f.height for n, f in whole.items()
    }
    assert manifest["engine"] == "spark (local[2], 2 partitions)"
    # define.csv: merged from the partitions', byte for byte the in-process engine's
    assert manifest["define"] == "define.csv"
    write_csv(define_table(whole), tmp_path / "define.csv")
    assert (out / "define.csv").read_bytes() == (tmp_path / "define.csv").read_bytes()
    assert not list(out.rglob("*.crc"))
    assert (out / ".remission-output.json").is_file()


def test_twenty_thousand_patients(spark: object, tmp_path: Path) -> None:
    """4 partitions of about 5,000 patients (two per core): the in-process datasets."""
    from remission.derive import derive_spark

    study = simulate_study(n_patients=20_000, seed=16)
    folder = parquet_study(study, tmp_path / "study")
    batch_key = "spark.sql.inMemoryColumnarStorage.batchSize"
    batch_size = spark.conf.get(batch_key)  # type: ignore[attr-defined]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        derived = derive_spark(spark, folder, tmp_path / "out", partition_size=5_000)
    # pyspark's pandas-3 warning at each mapInArrow does not apply (Arrow only): not shown
    assert not [w for w in caught if "fully support pandas" in str(w.message)]
    assert spark.conf.get(batch_key) == batch_size  # type: ignore[attr-defined]  # put back
    whole = derive_study(study)
    assert derived.partitions == 4
    assert derived.rows == {name: frame.height for name, frame in whole.items()}
    assert_same_rows(tmp_path / "out", whole)
    assert derived.define is not None
    assert_frame_equal(derived.define, define_table(whole))


def test_a_study_with_errors_writes_nothing(spark: object, tmp_path: Path) -> None:
    """Every partition is validated; the errors come back as a ``StudyError`` (as ``load``
    would raise), found on the executors, and no dataset is written."""
    from remission.derive import derive_spark

    study = simulate_study(n_patients=30, seed=2)
    patients = study.tables["patients"]
    heavy = patients.with_columns(
        pl.when(pl.int_range(pl.len()) % 10 == 3)
        .then(450.0)
        .otherwise(pl.col("weight_kg"))
        .alias("weight_kg")
    )
    folder = parquet_study(study, tmp_path / "study")
    heavy.drop("_row").write_parquet(folder / "patients.parquet")
    with pytest.raises(StudyError) as caught:
        derive_spark(spark, folder, tmp_path / "out")
    found = [(p.code, p.file, p.column, p.value) for p in caught.value.errors]
    assert found == [("value.out_of_range", "patients.parquet", "weight_kg", "450.0")] * 3
    assert sorted(p.row for p in caught.value.errors) == [5, 15, 25]
    assert not (tmp_path / "out").exists()


def test_a_folder_without_parquet_tables(spark: object, tmp_path: Path) -> None:
    from remission.derive import derive_spark

    write_study(simulate_study(n_patients=20, seed=1), tmp_path / "csv", "csv")
    with pytest.raises(StudyError) as caught:
        derive_spark(spark, tmp_path / "csv", tmp_path / "out")
    (problem,) = caught.value.errors
    assert (problem.code, problem.file) == ("file.missing_table", "patients.parquet")
    assert "write_study(study, folder, 'parquet')" in problem.fix


def test_urls_for_the_study_and_out(spark: object, tmp_path: Path) -> None:
    """``file://`` URLs (read and written through Hadoop's file system, as ``hdfs://`` and
    ``s3a://`` are): the datasets, then ``define.csv`` and ``manifest.json`` beside them.
    A URL ``--out`` that is not empty, or lies inside the study, is refused and left as it
    was."""
    study = simulate_study(n_patients=30, seed=5)
    folder = parquet_study(study, tmp_path / "study")
    out = tmp_path / "derived"
    args = ["derive", folder.as_uri(), "--out", out.as_uri(), "--engine", "spark"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    whole = derive_study(study)
    assert_same_rows(out, whole)
    write_csv(define_table(whole), tmp_path / "define.csv")
    assert (out / "define.csv").read_bytes() == (tmp_path / "define.csv").read_bytes()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["define"] == "define.csv"
    assert {n: d["rows"] for n, d in manifest["datasets"].items()} == {
        n: f.height for n, f in whole.items()
    }
    assert not (out / ".remission-output.json").exists()  # no marker: nothing is replaced

    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = CliRunner().invoke(app, args)  # `main` prints an OutputError on one line
    assert isinstance(again.exception, OutputError)
    assert "is not empty (adex/, adlb/" in str(again.exception)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before

    inside = CliRunner().invoke(
        app, ["derive", str(folder), "--out", f"{folder.as_uri()}/derived", "--engine", "spark"]
    )
    assert isinstance(inside.exception, OutputError)
    assert "inside the study" in str(inside.exception)
    assert not (folder / "derived").exists()


def test_the_tables_share_typed_slots(spark: object, tmp_path: Path) -> None:
    """The union is as wide as the widest table per type, not as all tables together, and
    each table's columns come back under their own names and types."""
    from remission.derive._spark import _partition_study, _read_tables, _union

    study = simulate_study(n_patients=20, seed=3)
    folder = parquet_study(study, tmp_path / "study")
    frames, slots = _read_tables(spark, str(folder))  # type: ignore[arg-type]
    union = _union(list(frames.values()))
    per_type: dict[str, dict[str, int]] = {}
    for name in frames:
        for dtype in pl.read_parquet_schema(folder / f"{name}.parquet").values():
            counts = per_type.setdefault(str(dtype), {})
            counts[name] = counts.get(name, 0) + 1
    assert len(union.columns) == 4 + sum(max(c.values()) for c in per_type.values())
    assert len(union.columns) < 4 + sum(len(s) for s in slots.values())
    for mine in slots.values():
        assert len(set(mine.values())) == len(mine)  # a slot holds one column of a table
    rows = pl.from_arrow(union.toArrow())  # type: ignore[attr-defined]
    assert isinstance(rows, pl.DataFrame)
    got = _partition_study(rows, study.config, study.regimen, slots)
    for name in study.tables:
        assert_frame_equal(got.table(name), study.table(name))


def test_warnings_as_the_in_process_engine_gives_them(spark: object, tmp_path: Path) -> None:
    """RECIST nodes measured without a short axis in every partition, patients without an age
    in several, and a required table without rows: the short-axis warning once, counting the
    study's readings and patients, and the same study warnings printed one per kind, as the
    in-process engine gives them."""
    from remission.derive import MissingShortAxisWarning

    folder = parquet_study(nodes_without_short_axis(n_patients=60, seed=4), tmp_path / "study")
    without_age(folder, [1, 24, 58])
    pl.read_parquet(folder / "labs.parquet").head(0).write_parquet(folder / "labs.parquet")
    said, short_axis = {}, {}
    for engine in ("polars", "spark"):
        args = ["derive", str(folder), "--out", str(tmp_path / engine), "--engine", engine]
        with pytest.warns(MissingShortAxisWarning) as caught:
            result = CliRunner().invoke(
                app, [*args, "--format", "parquet", "--partition-size", "20"]
            )
        assert result.exit_code == 0, result.output
        said[engine] = sorted(line for line in result.stderr.splitlines() if "warning" in line)
        # pytest.warns records every warning (pyspark's own too): the short-axis ones
        short_axis[engine] = [
            str(w.message) for w in caught if w.category is MissingShortAxisWarning
        ]
    assert len(short_axis["polars"]) == 1
    assert short_axis["spark"] == short_axis["polars"]
    assert said["spark"] == said["polars"]
    assert len(said["spark"]) == 3  # no age (3 rows), labs empty, the count
    assert any(line.endswith("(and 2 more rows)") for line in said["spark"])


def test_the_driver_logs_errors_only(spark: object) -> None:
    """``spark_session`` hands the JVM remission's log settings (errors only, so a command's
    lines are not lost among Spark's start-up notices), a file shipped with the package."""
    from remission.derive import _spark_session

    options = spark.sparkContext.getConf().get("spark.driver.extraJavaOptions")  # type: ignore[attr-defined]
    assert f"-Dlog4j2.configurationFile={_spark_session._LOG4J.as_uri()}" in options.split()
    settings = _spark_session._LOG4J.read_text()
    assert "appender.stderr.filter.threshold.level = error" in settings
