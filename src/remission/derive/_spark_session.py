"""Starting Spark for the Spark engine, with a clear message when it cannot start."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_MASTER = re.compile(
    r"local(\[(\d+|\*)(,\d+)?\])?|local-cluster\[\d+,\d+,\d+\]|yarn"
    r"|(spark|k8s|mesos)://\S+"
)
"""The master URLs Spark accepts (``local[2]``, ``spark://host:7077``, ``yarn``, ...)."""
_LOG4J = Path(__file__).with_name("spark_log4j2.properties")
"""The driver's log settings: errors only, so Spark's start-up notices do not bury the
command's lines (Spark's own default prints its warnings, the log level it chose, ...)."""


class SparkUnavailableError(ValueError):
    """The Spark engine cannot run here: pyspark or Java is missing, or the master is wrong.

    A ``ValueError``, so that ``remission`` prints it on one line without a traceback.

    Examples
    --------
    >>> str(SparkUnavailableError("no Java"))
    'no Java'
    """


def spark_session(master: str = "local[2]", **config: str) -> SparkSession:
    """A Spark session whose Python workers run this Python (and see this ``remission``).

    Checks first, with a clear message, that pyspark and pyarrow import, that Java can be
    found (``JAVA_HOME`` or ``java`` on the ``PATH``, as pyspark looks) and that ``master`` is
    a Spark master URL. ``PYSPARK_PYTHON`` is set to this interpreter unless set already, and
    the workers get this process's ``PYTHONPATH``. An active session is returned as it is.

    Parameters
    ----------
    master : str
        ``local[N]``, ``local[*]``, ``spark://HOST:PORT``, ``yarn``, ``k8s://...``.
    **config : str
        Further Spark settings (``spark.driver.memory="4g"``).

    Returns
    -------
    pyspark.sql.SparkSession
        The session.

    Raises
    ------
    SparkUnavailableError
        When pyspark, pyarrow or Java is missing, ``master`` is not a master URL, or Spark
        does not start.

    Examples
    --------
    >>> spark_session("local[two]")
    Traceback (most recent call last):
    ...
    remission.derive._spark_session.SparkUnavailableError: --master 'local[two]' is not a Spark ...
    >>> spark = spark_session("local[2]")  # doctest: +SKIP
    """
    if not _MASTER.fullmatch(master):
        raise SparkUnavailableError(
            f"--master {master!r} is not a Spark master URL; use local[2] (two cores of this "
            "machine), local[*], spark://HOST:7077, yarn or k8s://https://HOST:PORT"
        )
    try:
        import pyarrow  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailableError(
            f"the Spark engine needs pyspark and pyarrow ({exc.name} is not installed): "
            "pip install 'remission[spark]'"
        ) from None
    home = os.environ.get("JAVA_HOME")
    java = Path(home, "bin", "java") if home else shutil.which("java")
    if java is None or not os.access(java, os.X_OK):
        where = f"JAVA_HOME={home} has no bin/java" if home else "no java on the PATH"
        raise SparkUnavailableError(
            f"the Spark engine needs Java 17 ({where}): on Debian, "
            "apt-get install openjdk-17-jre-headless"
        )
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("remission derive")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
        .config("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
    )
    if "spark.driver.extraJavaOptions" not in config:  # errors only (the file says why)
        builder = builder.config(
            "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_LOG4J.as_uri()}"
        )
    path = os.environ.get("PYTHONPATH")
    if path:
        builder = builder.config("spark.executorEnv.PYTHONPATH", path)
    builder = builder.config("spark.executorEnv.PYSPARK_PYTHON", os.environ["PYSPARK_PYTHON"])
    for key, value in config.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        return spark
    except Exception as exc:  # Py4J and pyspark errors: say what failed in one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SparkUnavailableError(
            f"Spark did not start with --master {master}: {first}"
        ) from None
