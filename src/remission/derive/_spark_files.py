"""Files on whatever file system Spark reaches a path by (local, ``hdfs://``, ``s3a://``).

Spark writes the datasets itself; the few small files beside them (``define.csv``,
``manifest.json``) and the checks before writing go through the same Hadoop ``FileSystem``
the session uses, so a URL ``--out`` gets them too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def _file_system(spark: SparkSession, path: str) -> tuple[Any, Any]:
    """The Hadoop ``Path`` of ``path`` and the ``FileSystem`` that holds it."""
    context = spark.sparkContext
    hadoop_path = context._jvm.org.apache.hadoop.fs.Path(path)  # type: ignore[union-attr]
    configuration = context._jsc.hadoopConfiguration()  # type: ignore[union-attr]
    return hadoop_path, hadoop_path.getFileSystem(configuration)


def spark_path_exists(spark: SparkSession, path: str) -> bool:
    """Whether ``path`` exists, on whatever file system Spark reaches it by.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        The session whose Hadoop configuration reaches ``path``.
    path : str
        A local path or a URL (``file:///``, ``hdfs://``, ``s3a://``).

    Returns
    -------
    bool
        True when a file or folder is there.

    Examples
    --------
    >>> spark_path_exists(spark_session(), "file:///tmp")  # doctest: +SKIP
    True
    """
    hadoop_path, fs = _file_system(spark, path)
    return bool(fs.exists(hadoop_path))


def spark_folder_entries(spark: SparkSession, path: str) -> list[str]:
    """The names in folder ``path`` (a file gives its own name; absent gives none), sorted.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        The session whose Hadoop configuration reaches ``path``.
    path : str
        A local path or a URL.

    Returns
    -------
    list of str
        Entry names, a folder's ending in ``/``.

    Examples
    --------
    >>> spark_folder_entries(spark_session(), "file:///no/such/folder")  # doctest: +SKIP
    []
    """
    hadoop_path, fs = _file_system(spark, path)
    if not fs.exists(hadoop_path):
        return []
    return sorted(
        status.getPath().getName() + ("/" if status.isDirectory() else "")
        for status in fs.listStatus(hadoop_path)
    )


def put_spark_file(spark: SparkSession, path: str, data: bytes) -> None:
    """Write the new file ``path`` with ``data``; an existing file is never replaced.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        The session whose Hadoop configuration reaches ``path``.
    path : str
        A local path or a URL of a file that does not exist yet.
    data : bytes
        What the file holds.

    Raises
    ------
    OSError
        When ``path`` exists (it is left as it is) or cannot be written.

    Examples
    --------
    >>> put_spark_file(spark_session(), "file:///tmp/x/notes.txt", b"hello")  # doctest: +SKIP
    """
    hadoop_path, fs = _file_system(spark, path)
    if fs.exists(hadoop_path):
        raise FileExistsError(f"{path} exists; remission does not replace it")
    stream = fs.create(hadoop_path, False)  # overwrite: no
    try:
        stream.write(bytearray(data))
    finally:
        stream.close()
