"""The Spark engine: ``derive_study``'s per-partition derivation run by Spark executors.

A study's Parquet tables are read by Spark (any path it reads: local, HDFS, S3), each
table's columns put in typed slot columns shared by the tables (``_c<type>_<k>``: a row is as
wide as the widest table, not as all tables together), tagged with the table's name and
unioned into one frame, partitioned by ``patient_id`` (so every table's records of a patient
meet in one partition), and ``mapInArrow`` calls
``_derive_partition``, the in-process engine's own function, once per partition: the
partition's tables become a ``Study``, are validated as ``validate_study`` checks a study and
derived with the plan decided once on the driver. Each dataset comes back as Arrow IPC chunks
tagged with its name; the driver checks for errors, then writes each dataset as a folder of
Parquet part files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import json
import math
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from remission.derive._spark_files import spark_path_exists
from remission.derive._study import (
    DEFAULT_PARTITION_SIZE,
    _derive_partition,
    _Plan,
    derived_names,
    plan_derivations,
)
from remission.derive._tumor import missing_short_axis, short_axis_warning
from remission.protocol import Regimen
from remission.study import (
    ROW_COLUMN,
    TABLES,
    Problem,
    SourceFile,
    Study,
    StudyConfig,
    StudyError,
    empty_table,
    empty_table_warning,
    validate_study,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

_CHUNK_ROWS = 65_536
"""Rows per Arrow IPC chunk of a derived dataset (one Spark row each; Spark's limit is 2 GB)."""
_CACHE_BATCH_CHUNKS = 4
"""Chunks per column batch of the cached derived stream (Spark's default is 10,000 rows)."""
_PROBLEMS = "_problems"
"""The tag of a partition's validation errors in the derived stream."""
PYSPARK_PANDAS_WARNING = "PySpark does not yet fully support pandas"
"""The start of pyspark's warning at ``mapInArrow`` (and at import) under pandas 3: this
engine hands data to Python as Arrow, never as pandas, so it does not apply."""
_WARNINGS = "_warnings"
"""The tag of a partition's validation warnings (``table.empty`` is the driver's)."""
_DEFINE = "_define"
"""The tag of a partition's ``define_table`` (merged on the driver: ``merge_define``)."""
_SHORT_AXIS = "_short_axis"
"""The tag of a partition's count of nodes measured without a short axis (warned once)."""


@contextlib.contextmanager
def _arrow_only() -> Iterator[None]:
    """Around ``mapInArrow``: without pyspark's pandas-3 warning, which does not apply."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", PYSPARK_PANDAS_WARNING, FutureWarning)
        yield


@dataclass(frozen=True)
class SparkDerived:
    """What ``derive_spark`` wrote.

    Parameters
    ----------
    config : StudyConfig
        The study's settings (``study.toml``).
    out : str
        The folder (or URL) holding one folder of Parquet part files per dataset.
    rows : dict of str to int
        Rows written per dataset, in the order of ``DATASETS``.
    partitions : int
        Spark partitions the patients were spread over.
    seconds : dict of str to float
        Wall time of each step on the driver: ``plan`` (settings, table sizes), ``derive``
        (read, shuffle by patient, validate and derive: one Spark job) and ``write``.
    define : polars.DataFrame, optional
        The define-style metadata of the datasets (``define_table`` of the whole, merged from
        the partitions' own); None when nothing was derived.
    warnings : tuple of Problem
        The study's warnings: the settings', a ``table.empty`` for each required table
        without rows, then the partitions' (each partition's per kind, as ``load`` gives a
        whole study's).

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> config = simulate_study(n_patients=20, seed=1).config
    >>> SparkDerived(config, "out", {"adsl": 20}, 2, {}).rows["adsl"]
    20
    """

    config: StudyConfig
    out: str
    rows: dict[str, int]
    partitions: int
    seconds: dict[str, float]
    define: pl.DataFrame | None = None
    warnings: tuple[Problem, ...] = ()


def derive_spark(
    spark: SparkSession,
    study: str | Path,
    out: str | Path,
    partition_size: int = DEFAULT_PARTITION_SIZE,
) -> SparkDerived:
    """Derive a study's datasets on Spark and write each as a folder of Parquet part files.

    The study folder (``study.toml`` and typed Parquet tables ``<table>.parquet``, files or
    folders of part files, as ``write_study(..., "parquet")`` and ``remission simulate
    --format parquet`` write them) may be any path Spark reads. Its patients are spread over
    ``max(cores, patients / partition_size)`` partitions by a hash of ``patient_id``; each
    partition is validated and derived by the in-process engine's functions, so the datasets
    hold the rows ``derive_study`` gives (in another order; an unsigned integer column as
    ``Int64``, Spark having no unsigned types).

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        The session (``spark_session``).
    study : str or pathlib.Path
        The study folder, a local path or a URL (``hdfs://``, ``s3a://``).
    out : str or pathlib.Path
        Where to write ``out/<dataset>/part-*.parquet``; nothing is written when a partition
        has an error. Spark refuses an ``out/<dataset>`` that exists.
    partition_size : int
        Patients per partition, about (a hash spreads them; more partitions with more cores).

    Returns
    -------
    SparkDerived
        Rows written per dataset.

    Raises
    ------
    StudyError
        When ``study.toml`` or a table is missing or a partition has errors (every one found).

    Examples
    --------
    >>> derived = derive_spark(spark_session(), "demo-study", "/tmp/out")  # doctest: +SKIP
    >>> derived.rows["adsl"]  # doctest: +SKIP
    409
    """
    clock = [time.perf_counter()]
    root = str(study).rstrip("/")
    config, regimen, settings_warnings = _read_settings(spark, root)
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    frames, slots = _read_tables(spark, root)
    union = _union(list(frames.values()))
    # rows per table from the Parquet footers (a patient per row of ``patients``: a repeated
    # one is an error found below, and only sets the number of partitions here)
    rows = {name: frame.count() for name, frame in frames.items()}
    patients = rows.get("patients", 0)
    plan = plan_derivations(config, regimen is not None, rows)
    parts = max(spark.sparkContext.defaultParallelism, math.ceil(patients / partition_size), 1)
    derive = _partition_function(config, regimen, plan, slots)
    union = union.repartition(parts, "_pid")

    with _arrow_only():
        derived = union.mapInArrow(derive, "dataset string, rows long, chunk binary")
    # Spark caches a frame in column batches of 10,000 rows, each built whole on the heap and
    # outside Spark's memory accounting; a row here is a chunk of up to 65,536 dataset rows, so
    # a batch would be a partition's whole output, and kept in memory the batches add up (at
    # 1,000,000 patients on a 4 GB driver: Java heap space). So: batches of a few chunks, on
    # disk, for this call (the session's own setting is put back at the end).
    batch_key = "spark.sql.inMemoryColumnarStorage.batchSize"
    batch_size = spark.conf.get(batch_key)
    spark.conf.set(batch_key, str(_CACHE_BATCH_CHUNKS))
    try:
        derived = derived.persist(StorageLevel.DISK_ONLY)
        clock.append(time.perf_counter())
        found = {
            r.dataset: (r.rows, r.chunk)
            for r in derived.groupBy("dataset")
            .agg(F.sum("rows").alias("rows"), F.first("chunk").alias("chunk"))
            .collect()
        }
        # the small tagged chunks (errors, defines, counts), in one job over the cached stream
        tags = [tag for tag in (_PROBLEMS, _WARNINGS, _DEFINE, _SHORT_AXIS) if tag in found]
        small = _chunks(derived, tags)
        if small[_PROBLEMS]:
            raise StudyError(_problems_from(small[_PROBLEMS]))
        empty = [
            empty_table_warning(name, f"{name}.parquet")
            for name, table in TABLES.items()
            if not table.optional and not rows.get(name)
        ]
        warned = (*settings_warnings, *empty, *_problems_from(small[_WARNINGS]))
        names = [name for name in derived_names(plan) if name in found]
        # export describes derive's datasets (and imports derive): imported when used
        from remission.export._metadata import merge_define

        defines = [_from_ipc(c) for c in small[_DEFINE]]
        define = merge_define(defines) if defines else None
        counts = [json.loads(c.decode()) for c in small[_SHORT_AXIS]]
        short_axis_warning(sum(n for n, _ in counts), sum(p for _, p in counts), stacklevel=2)
        clock.append(time.perf_counter())
        for name in names:
            path = f"{str(out).rstrip('/')}/{name}"
            _write_dataset(derived.filter(derived.dataset == name), found[name][1], path)
    finally:
        derived.unpersist()
        spark.conf.set(batch_key, batch_size)
    clock.append(time.perf_counter())
    steps = ("plan", "derive", "write")
    seconds = {step: b - a for step, (a, b) in zip(steps, itertools.pairwise(clock), strict=True)}
    rows_out = {n: int(found[n][0]) for n in names}
    return SparkDerived(config, str(out), rows_out, parts, seconds, define, warned)


def _chunks(derived: DataFrame, tags: list[str]) -> defaultdict[str, list[bytes]]:
    """The chunks tagged with one of ``tags`` (a few small ones per partition), by tag."""
    found: defaultdict[str, list[bytes]] = defaultdict(list)
    if tags:
        for r in derived.filter(derived.dataset.isin(tags)).select("dataset", "chunk").collect():
            found[r.dataset].append(bytes(r.chunk))
    return found


def _from_ipc(chunk: bytes) -> pl.DataFrame:
    return pl.read_ipc_stream(io.BytesIO(chunk))


def _problem_order(problem: Problem) -> tuple[str, str, int]:
    return (problem.file, problem.code, problem.row or 0)


def _read_settings(
    spark: SparkSession, root: str
) -> tuple[StudyConfig, Regimen | None, list[Problem]]:
    """``study.toml`` (and a regimen file beside it) read through Spark, checked as ``load``
    checks them, from a local copy; with their warnings."""
    from remission.study._config import read_config
    from remission.study._problems import ProblemLog
    from remission.study._study import _regimen

    files = (
        spark.read.format("binaryFile")
        .option("pathGlobFilter", "*.toml")
        .option("recursiveFileLookup", "false")
        .load(root)
        .select("path", "content")
        .collect()
        if spark_path_exists(spark, f"{root}/study.toml")
        else []
    )
    log = ProblemLog()
    with tempfile.TemporaryDirectory(prefix="remission-spark-") as tmp:
        for row in files:
            Path(tmp, row.path.rsplit("/", 1)[-1]).write_bytes(bytes(row.content))
        config = read_config(Path(tmp), log)
        regimen = _regimen(config.regimen, Path(tmp), log) if config and config.regimen else None
    if config is None or log.errors:
        raise StudyError(log.problems)
    return config, regimen, list(log.problems)


def _read_tables(
    spark: SparkSession, root: str
) -> tuple[dict[str, DataFrame], dict[str, dict[str, str]]]:
    """Every table present, with ``_pid`` (its ``patient_id``), ``_table``, ``_file`` and
    ``_row`` (the record's row in its file, header = row 1, as ``load`` numbers them), and its
    columns of the study format in slot columns; and each table's slots (column -> slot).

    A slot ``_c<t>_<k>`` is the ``k``-th column of Spark type number ``t`` in its table, so
    the tables share them and the union is as wide as the widest table. Spark hands rows to
    Python as Arrow, a slot for a slot: 20,000 patients went through in 2.3-2.6 s this way,
    4.9-5.5 s with a struct column per table (docs/scale.md)."""
    from pyspark.sql import functions as F

    frames: dict[str, DataFrame] = {}
    slots: dict[str, dict[str, str]] = {}
    types: dict[str, int] = {}
    for name, table in TABLES.items():
        path = f"{root}/{name}.parquet"
        if not spark_path_exists(spark, path):
            if not table.optional:
                raise StudyError([_missing_table(name, root)])
            continue
        frame = spark.read.parquet(path)
        present = [c.name for c in table.columns if c.name in frame.columns]
        used: defaultdict[int, int] = defaultdict(int)
        slots[name] = {}
        for column in present:
            kind = types.setdefault(frame.schema[column].dataType.simpleString(), len(types))
            slots[name][column] = f"_c{kind}_{used[kind]}"
            used[kind] += 1
        frames[name] = frame.select(
            F.col("patient_id").alias("_pid")
            if "patient_id" in present
            else F.lit(None).cast("string").alias("_pid"),
            F.lit(name).alias("_table"),
            F.xxhash64("_metadata.file_path").alias("_file"),
            (F.col("_metadata.row_index") + 2).alias("_row"),
            *[F.col(column).alias(slot) for column, slot in slots[name].items()],
        )
    return frames, slots


def _missing_table(name: str, root: str) -> Problem:
    return Problem(
        "error",
        "file.missing_table",
        f"{name}.parquet",
        None,
        None,
        None,
        f"the {name} table as Parquet in {root}",
        "the Spark engine reads typed Parquet tables: write the study with "
        "write_study(study, folder, 'parquet') or remission simulate --format parquet",
    )


def _union(frames: list[DataFrame]) -> DataFrame:
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame, allowMissingColumns=True)
    return union


def _partition_function(
    config: StudyConfig, regimen: Regimen | None, plan: _Plan, slots: dict[str, dict[str, str]]
) -> Any:
    """The function ``mapInArrow`` calls once per partition (it pickles what it closes over:
    settings, regimen, plan and each table's slots)."""

    def derive(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        yield from derive_arrow_partition(batches, config, regimen, plan, slots)

    return derive


def derive_arrow_partition(
    batches: Iterator[pa.RecordBatch],
    config: StudyConfig,
    regimen: Regimen | None,
    plan: _Plan,
    slots: dict[str, dict[str, str]],
) -> Iterator[pa.RecordBatch]:
    """One partition of the unioned tables in, its derived datasets out as tagged chunks."""
    import pyarrow as pa

    received = list(batches)
    if not received or not sum(b.num_rows for b in received):
        return
    frame = pl.from_arrow(pa.Table.from_batches(received))
    assert isinstance(frame, pl.DataFrame)
    study = _partition_study(frame, config, regimen, slots)
    problems = validate_study(study, part=True)  # table.empty: the driver's, from the counts
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        yield _problems_chunk(_PROBLEMS, errors)
        return
    if problems:
        yield _problems_chunk(_WARNINGS, problems)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # given once for a study, by the driver
        found = _derive_partition(study, plan)
    for name, data in found.items():
        chunks = [data.slice(i, _CHUNK_ROWS) for i in range(0, max(data.height, 1), _CHUNK_ROWS)]
        yield _tagged([name] * len(chunks), [c.height for c in chunks], [_ipc(c) for c in chunks])
    from remission.export._metadata import define_table  # export imports derive: here

    yield _tagged([_DEFINE], [1], [_ipc(define_table(found))])
    if plan.adtr and plan.criteria.node_normal_mm is not None:
        counts = missing_short_axis(study.table("lesions"), study.table("measurements"))
        yield _tagged([_SHORT_AXIS], [1], [json.dumps(counts).encode()])


def _problems_chunk(tag: str, problems: list[Problem]) -> pa.RecordBatch:
    """Problems as tagged chunks, one JSON text each (rebuilt as ``Problem`` on the driver)."""
    texts = [json.dumps(dataclasses.asdict(p), default=str).encode() for p in problems]
    return _tagged([tag] * len(texts), [1] * len(texts), texts)


def _problems_from(chunks: list[bytes]) -> list[Problem]:
    """The partitions' problems (``_problems_chunk``) back as ``Problem``, in file, code and
    row order."""
    return sorted((Problem(**json.loads(c.decode())) for c in chunks), key=_problem_order)


def _partition_study(
    frame: pl.DataFrame,
    config: StudyConfig,
    regimen: Regimen | None,
    slots: dict[str, dict[str, str]],
) -> Study:
    """The partition's records as a ``Study``: each table's columns under their own names, in
    file order, with ``_row``; a table absent from the folder empty, an optional column absent
    from its file all missing."""
    by_table = frame.partition_by("_table", as_dict=True, include_key=False)
    tables: dict[str, pl.DataFrame] = {}
    for name, table in TABLES.items():
        part = by_table.get((name,))
        if part is None or name not in slots:
            tables[name] = empty_table(name)
            continue
        mine = slots[name]
        tables[name] = part.sort("_file", ROW_COLUMN).select(
            ROW_COLUMN,
            *[
                pl.col(mine[c.name]).alias(c.name)
                if c.name in mine
                else pl.lit(None, dtype=empty_table(name).schema[c.name]).alias(c.name)
                for c in table.columns
                if c.name in mine or not c.required
            ],
        )
    sources = tuple(SourceFile(n, f"{n}.parquet", "", t.height) for n, t in tables.items())
    return Study(config, tables, sources=sources, regimen=regimen)


def _ipc(frame: pl.DataFrame) -> bytes:
    """A dataset chunk as an Arrow IPC stream in types Spark takes: ``string`` (not
    ``large_string``) and signed integers."""
    unsigned = [c for c, t in frame.schema.items() if t.is_unsigned_integer()]
    table = frame.with_columns(pl.col(unsigned).cast(pl.Int64)).to_arrow(
        compat_level=pl.CompatLevel.oldest()
    )
    sink = io.BytesIO()
    import pyarrow as pa

    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _tagged(names: list[str], rows: list[int], chunks: list[bytes]) -> pa.RecordBatch:
    import pyarrow as pa

    return pa.RecordBatch.from_arrays(
        [pa.array(names, pa.string()), pa.array(rows, pa.int64()), pa.array(chunks, pa.binary())],
        ["dataset", "rows", "chunk"],
    )


def _write_dataset(tagged: DataFrame, first: bytes, path: str) -> None:
    """Write one dataset's chunks as Parquet part files, in the schema its ``first`` chunk
    carries (every partition's chunks have the same)."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema

    schema = from_arrow_schema(pa.ipc.open_stream(first).schema)

    def decode(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for chunk in batch.column(0).to_pylist():
                yield from pa.ipc.open_stream(chunk).read_all().to_batches()

    with _arrow_only():
        decoded = tagged.select("chunk").mapInArrow(decode, schema)
    decoded.write.mode("errorifexists").parquet(path)
