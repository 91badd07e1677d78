"""PostgreSQL through SQLAlchemy and psycopg: connecting, naming, reading a query into Polars."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def engine_url(url: str) -> str:
    """The SQLAlchemy URL for psycopg 3: ``postgresql://`` becomes ``postgresql+psycopg://``.

    Parameters
    ----------
    url : str
        A PostgreSQL URL.

    Returns
    -------
    str
        The URL with the psycopg driver.

    Examples
    --------
    >>> engine_url("postgresql://me@db.example.org/cdm")
    'postgresql+psycopg://me@db.example.org/cdm'
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def safe_url(url: str) -> str:
    """The URL without its password, for messages.

    Parameters
    ----------
    url : str
        A database URL.

    Returns
    -------
    str
        The URL with ``:password`` replaced by ``:***``.

    Examples
    --------
    >>> safe_url("postgresql://me:secret@host/db")
    'postgresql://me:***@host/db'
    """
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


def quoted(identifier: str) -> str:
    """A schema or table name, checked and double-quoted for SQL.

    Parameters
    ----------
    identifier : str
        Letters, digits and underscores, from a letter or underscore.

    Returns
    -------
    str
        The quoted name.

    Raises
    ------
    ValueError
        For any other name (never passed to the database).

    Examples
    --------
    >>> quoted("cdm")
    '"cdm"'
    """
    if not _IDENTIFIER.match(identifier):
        raise ValueError(
            f"{identifier!r} is not a schema name remission accepts: use letters, digits and "
            "underscores"
        )
    return f'"{identifier}"'


@contextmanager
def connect(url: str) -> Iterator:
    """A SQLAlchemy connection to PostgreSQL; failures as one-line ``ValueError``s.

    Parameters
    ----------
    url : str
        ``postgresql://user@host/db`` (a password in the URL is never printed; prefer
        ``~/.pgpass`` or ``PGPASSWORD``).

    Yields
    ------
    sqlalchemy.engine.Connection
        The connection.

    Raises
    ------
    ValueError
        When the database cannot be reached.

    Examples
    --------
    >>> try:
    ...     with connect("postgresql://nobody@/x?host=/nonexistent"):
    ...         pass
    ... except ValueError as err:
    ...     print(str(err).split(":")[0])
    cannot connect to postgresql+psycopg
    """
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(engine_url(url))
        conn = engine.connect()
    except (sa.exc.SQLAlchemyError, ValueError, ImportError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        first = reason[0] if reason else type(exc).__name__
        raise ValueError(f"cannot connect to {safe_url(engine_url(url))}: {first}") from None
    try:
        yield conn
    finally:
        conn.close()
        engine.dispose()


def read_query(conn, sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run ``sql`` with PostgreSQL's ``COPY ... TO STDOUT`` (CSV) and read it into Polars.

    COPY streams the rows as CSV without building a Python object per value, so a million
    rows read in about a second.

    Parameters
    ----------
    conn : sqlalchemy.engine.Connection
        A connection (psycopg 3 underneath).
    sql : str
        A ``SELECT`` whose columns are ``schema``'s, in order.
    schema : dict of str to polars.DataType
        The result's column types.

    Returns
    -------
    polars.DataFrame
        The rows.

    Examples
    --------
    >>> read_query.__name__
    'read_query'
    """
    raw = conn.connection.dbapi_connection
    buffer = io.BytesIO()
    copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
    with raw.cursor() as cur, cur.copy(copy_sql) as copy:
        for block in copy:
            buffer.write(block)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(buffer.getvalue(), infer_schema=False)
    frame = frame.rename(dict(zip(frame.columns, schema, strict=True)))
    casts = []
    for column, dtype in schema.items():
        col = pl.col(column)
        if dtype == pl.Date:
            casts.append(col.str.to_date("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            casts.append(col.str.to_datetime(time_unit="us"))
        else:
            casts.append(col.cast(dtype))
    return frame.with_columns(casts)
