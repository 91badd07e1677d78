"""Deriving a Parquet study folder a part of its patients at a time, never all in memory."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import polars as pl

from remission.derive._criteria import ResponseRules
from remission.derive._study import Source, _derive_partition, plan_derivations
from remission.derive._tumor import (
    MissingShortAxisWarning,
    missing_short_axis,
    short_axis_warning,
)
from remission.study import Problem, Study, StudyError
from remission.study._parts import ParquetParts


def derive_parts(
    parts: ParquetParts, rules: ResponseRules | None = None, source: Source = "auto"
) -> Iterator[tuple[Study, dict[str, pl.DataFrame]]]:
    """Check and derive each part of a study folder in turn, yielding its datasets.

    The plan (which datasets, which responses, the criteria and rules) is decided once from
    the settings and the tables' sizes, as ``derive_study`` decides it; each part is then
    read, checked as ``load`` checks a folder, and derived by the same function as a
    ``derive_study`` partition. Concatenated in order, the parts' datasets are
    ``derive_study(load(folder))``, row for row. Only one part is in memory at a time.

    Once a part has an error no more parts are derived, but every part is still checked;
    when the last has been, a ``StudyError`` lists every problem found (the settings'
    warnings first, then each part's, in patient order). The short-axis warning is given
    once, with the study's counts, after the last part.

    Parameters
    ----------
    parts : ParquetParts
        The study folder (``remission.study.parquet_parts``).
    rules : ResponseRules, optional
        Best-response windows; admiralonco's template defaults when omitted.
    source : {"auto", "recorded", "measurements"}
        Which overall responses ADRS uses.

    Yields
    ------
    tuple of (Study, dict of str to polars.DataFrame)
        The part as checked (its ``sources`` count its records) and its datasets by file
        stem, in the order of ``DATASETS``.

    Raises
    ------
    StudyError
        After the last part, when any part had an error.

    Examples
    --------
    >>> import tempfile
    >>> from remission.derive import derive_study
    >>> from remission.simulate import simulate_study
    >>> from remission.study import load, parquet_parts, write_study
    >>> folder = write_study(simulate_study(n_patients=30, seed=1), tempfile.mkdtemp() + "/s",
    ...                      "parquet")
    >>> derived = [frames for _, frames in derive_parts(parquet_parts(folder, 12))]
    >>> len(derived), [f["adsl"].height for f in derived]
    (3, [12, 12, 6])
    >>> whole = derive_study(load(folder))
    >>> all(pl.concat([f[n] for f in derived]).equals(whole[n]) for n in whole)
    True
    """
    plan = plan_derivations(parts.config, parts.regimen is not None, parts.rows, rules, source)
    problems: list[Problem] = list(parts.problems)
    failed = False
    readings = patients = 0
    for k in range(len(parts)):
        study, found = parts.check(k)
        problems += found
        failed = failed or study is None
        if study is None or failed:
            continue
        if plan.adtr and plan.criteria.node_normal_mm is not None:
            n, p = missing_short_axis(study.table("lesions"), study.table("measurements"))
            readings, patients = readings + n, patients + p
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingShortAxisWarning)
            frames = _derive_partition(study, plan)
        yield study, frames
        del study, frames  # one part in memory: not the last one while reading the next
    if failed:
        raise StudyError(list(dict.fromkeys(problems)))
    short_axis_warning(readings, patients, stacklevel=3)
