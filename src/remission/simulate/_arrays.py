"""Small numpy helpers for building ragged record tables without per-patient loops."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

EPOCH = np.datetime64("1970-01-01", "D")


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For per-owner ``counts``, return (owner, position within owner) of every record.

    >>> expand(np.array([2, 0, 3]))
    (array([0, 0, 2, 2, 2]), array([0, 1, 0, 1, 2]))
    """
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)
    return owner, within


def choose(
    rng: np.random.Generator, names: tuple[str, ...], probs: np.ndarray, size: int
) -> np.ndarray:
    """Draw ``size`` names with the given probabilities (normalised)."""
    p = np.asarray(probs, dtype=float)
    return np.asarray(names, dtype=object)[rng.choice(len(names), size=size, p=p / p.sum())]


def to_dates(origin: dt.date, days: np.ndarray) -> np.ndarray:
    """Days after ``origin`` as numpy dates."""
    return np.datetime64(origin, "D") + days.astype("timedelta64[D]")


def to_datetimes(origin: dt.date, minutes: np.ndarray) -> np.ndarray:
    """Minutes after midnight of ``origin`` as numpy datetimes (microsecond unit)."""
    base = np.datetime64(origin, "m")
    return (base + minutes.astype("timedelta64[m]")).astype("datetime64[us]")


def patient_ids(n: int) -> np.ndarray:
    """Synthetic patient identifiers ``SYN-0001``... in order of treatment start."""
    width = max(4, len(str(n)))
    return np.char.add("SYN-", np.char.zfill(np.arange(1, n + 1).astype(str), width))


def labels(names: tuple[str, ...] | pl.Series, codes: np.ndarray) -> pl.Series:
    """``names[codes]`` as a polars String series (no numpy strings: ~10x faster).

    >>> labels(("given", "held"), np.array([1, 0])).to_list()
    ['held', 'given']
    """
    table = names if isinstance(names, pl.Series) else pl.Series(names, dtype=pl.String)
    return table.gather(np.asarray(codes, dtype=np.int64))


def group_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each owner's first record (records grouped by owner)."""
    cs = np.cumsum(values)
    offsets = np.cumsum(counts) - counts
    base = np.concatenate([[0], cs])[offsets]
    return cs - np.repeat(base, counts)


def rank_within(owner: np.ndarray, key: np.ndarray, n_owners: int) -> np.ndarray:
    """Rank (0-based) of each record's ``key`` among the records of its owner."""
    order = np.lexsort((key, owner))
    counts = np.bincount(owner, minlength=n_owners)
    offsets = np.cumsum(counts) - counts
    ranks = np.empty(len(owner), dtype=np.int64)
    ranks[order] = np.arange(len(owner)) - offsets[owner[order]]
    return ranks


def text(values: np.ndarray) -> pl.Series:
    """A numpy object array of strings (``None`` for missing) as a polars String series."""
    return pl.Series(values.tolist(), dtype=pl.String)
