"""Each subject's assessments in order, on whole-number keys: the plumbing under the ADRS rules.

Subjects get numbers in identifier order (``_sid``), every step runs on them, and sorting on
them sorts by identifier; a subject's assessment gets its position (``_i``); a (subject, date)
or (subject, position) pair is one whole number (``remission._keys``). ``_adrs.py`` states the
rules; this module lays out the tables they are applied to and executes the confirmation
rules over each response's window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from remission._keys import (
    day_key,
    first_in_group,
    index_key,
    key_date,
    key_number,
    last_in_group,
    position_in_group,
)

if TYPE_CHECKING:
    from remission.derive._adrs import Confirmation
    from remission.derive._rule import FirstMatch

ID = "USUBJID"
SID = "_sid"
"""A subject's number (subjects numbered in identifier order)."""


def number_subjects(*frames: pl.DataFrame) -> pl.DataFrame:
    """``USUBJID`` and ``_sid`` for every subject of ``frames``, numbered in identifier order.

    Examples
    --------
    >>> a, b = pl.DataFrame({"USUBJID": ["b", "a"]}), pl.DataFrame({"USUBJID": ["c", "a"]})
    >>> number_subjects(a, b)["USUBJID"].to_list()
    ['a', 'b', 'c']
    """
    return (
        pl.concat([f.select(ID) for f in frames]).drop_nulls().unique().sort(ID).with_row_index(SID)
    )


def keyed(frame: pl.DataFrame, ids: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``_sid`` in place of ``USUBJID`` (row order kept)."""
    return frame.join(ids, on=ID, how="left", maintain_order="left").drop(ID)


def worst_of_each_date(ok: pl.DataFrame, worst: pl.Expr) -> pl.DataFrame:
    """One row per subject and date of ``ok`` (rows ``_row``, ``SEQ``), in subject and date
    order: a date with several keeps the one of greatest ``worst``, ties to the highest
    ``SEQ`` (missing last), then the latest row.

    A date with a single assessment (nearly all) keeps it; only dates with several are sorted
    (a sort on four keys of every row costs 3x one on one key); no ``unique`` and no join back.
    """
    ok = ok.with_columns(day_key(pl.col(SID), pl.col("ADT")).alias("_sd"), worst.alias("_w"))
    several = ok["_sd"].is_duplicated()
    worst_first = (
        ok.filter(several)
        .sort("_sd", "_w", "SEQ", "_row", descending=[False, True, True, True], nulls_last=True)
        .filter(first_in_group("_sd"))
    )
    return pl.concat([ok.filter(~several), worst_first]).sort("_sd").drop("_sd", "_w")


def scatter(height: int, rows: pl.Series, values: pl.Series | bool, name: str) -> pl.Series:
    """A column of ``height`` rows: ``values`` at ``rows``, null (False for a bool) elsewhere.

    Examples
    --------
    >>> scatter(3, pl.Series([2]), True, "f").to_list()
    [False, False, True]
    """
    if isinstance(values, bool):
        return pl.repeat(False, height, eager=True).scatter(rows, values).alias(name)
    base = pl.repeat(None, height, dtype=values.dtype, eager=True)
    return base.scatter(rows, values).alias(name)


def numbered(seq: pl.DataFrame) -> pl.DataFrame:
    """``seq`` (in subject and date order) with ``_i``: each subject's assessments 0, 1, 2."""
    return seq.with_columns(position_in_group(SID).alias("_i"))


def last_of_subject(seq: pl.DataFrame) -> pl.DataFrame:
    """The last row of each subject of ``seq`` (in subject and date order)."""
    return seq.filter(last_in_group(SID))


def confirmed(seq: pl.DataFrame, confirmations: Sequence[Confirmation]) -> pl.DataFrame:
    """``_sid``, ``_i`` and ``_confirmed`` (True) for every response ``confirmations`` confirm.

    For each response (``AVALC`` of a ``Confirmation``) at position ``_i``, the window runs to
    the first later assessment that can confirm it (``Confirmation.candidate``); the window's
    counts (``_ne``, ``_sd``, ``_outside_<response>``: values not allowed between,
    ``_pr_after_cr``) are checked by ``Confirmation.condition``. When that first candidate
    fails, no later one is tried (admiralonco's ``event_joined`` with ``first_cond``).
    """
    s = seq.lazy().select(SID, "ADT", "AVALC", "_i")
    resp = s.filter(pl.col("AVALC").is_in([c.response for c in confirmations]))
    later = s.rename({"ADT": "_adt_j", "AVALC": "_val_j", "_i": "_j"})
    pairs = (
        resp.join(later, on=SID)
        .filter(pl.col("_j") > pl.col("_i"))
        .with_columns(index_key(pl.col(SID), pl.col("_i")).alias("_pair"))
    )
    first_rule, *others = confirmations
    candidate = pl.when(pl.col("AVALC") == first_rule.response).then(first_rule.candidate)
    for c in others:
        candidate = candidate.when(pl.col("AVALC") == c.response).then(c.candidate)
    first = pairs.filter(candidate).group_by("_pair").agg(pl.col("_j").min().alias("_conf_j"))
    window = pairs.join(first, on="_pair").filter(pl.col("_j") <= pl.col("_conf_j"))
    # a PR after a CR in the window: the first CR comes before the last PR (no sort and no
    # running count over each pair's window, 2x slower)
    val, j = pl.col("_val_j"), pl.col("_j")
    verdict = window.group_by("_pair").agg(
        pl.col(SID).first(),
        pl.col("_i").first(),
        pl.col("AVALC").first(),
        (val == "NE").sum().alias("_ne"),
        (val == "SD").sum().alias("_sd"),
        *(
            (~val.is_in(c.allowed_between)).sum().alias(f"_outside_{c.response}")
            for c in confirmations
        ),
        (j.filter(val == "CR").min() < j.filter(val == "PR").max())
        .fill_null(False)
        .alias("_pr_after_cr"),
    )
    holds = pl.any_horizontal([c.condition for c in confirmations])
    return verdict.filter(holds).select(SID, "_i", pl.lit(True).alias("_confirmed")).collect()


def best(rules: FirstMatch) -> pl.Expr:
    """Aggregated per subject: the best category of ``rules`` (the first rule that holds for
    any assessment) and its earliest date, as one number (the rule's position above the day,
    so that the minimum is the best); decoded by ``best_category`` and ``best_date``."""
    return day_key(rules.rank(), pl.col("ADT")).min().alias(rules.name)


def best_category(rules: FirstMatch, missing: str) -> pl.Expr:
    """The category of a ``best`` key (``missing`` when the subject has none)."""
    positions = dict(enumerate(rules.values()))
    return key_number(pl.col(rules.name)).replace_strict(positions, default=missing)


def best_date(rules: FirstMatch) -> pl.Expr:
    """The date of a ``best`` key."""
    return key_date(pl.col(rules.name))


def earliest(condition: pl.Expr, name: str) -> pl.Expr:
    """Aggregated per subject: the earliest ``ADT`` where ``condition`` holds."""
    return pl.col("ADT").filter(condition).min().alias(name)


SOURCE = ("SRCDOM", "SRCVAR", "SRCSEQ")
"""Where a row's value comes from: dataset, variable and sequence number of its record."""


def sources(rows: pl.DataFrame, anl: pl.DataFrame, sourced: pl.Expr) -> pl.DataFrame:
    """``rows`` with ``SRCDOM``, ``SRCVAR`` and ``SRCSEQ``: where ``sourced`` holds, those of
    the analysed assessment of the same subject and date (``anl``: one per subject and date,
    in subject and date order, with the three columns), else null.

    ``anl`` is sorted on the (subject, date) key, so each row finds its assessment by binary
    search (``search_sorted``) rather than by a hash join.
    """
    key = day_key(pl.col(SID), pl.col("ADT"))
    keys = anl.select(key.alias("k"))["k"]
    wanted = rows.select(pl.when(sourced).then(key).alias("q"))["q"]
    if keys.is_empty():
        return rows.with_columns(pl.lit(None, dtype=anl.schema[c]).alias(c) for c in SOURCE)
    at = keys.search_sorted(wanted.fill_null(0)).clip(0, keys.len() - 1)
    hit = (keys.gather(at) == wanted).fill_null(False)
    found = anl.select(SOURCE)[at]
    return rows.with_columns(pl.when(hit).then(found[c]).otherwise(None).alias(c) for c in SOURCE)


def in_output_order(rows: pl.DataFrame, n_params: int) -> pl.DataFrame:
    """``rows`` sorted by subject, parameter (``_p``, its rank in text order) and date (missing
    last), keeping the order of equal rows: one whole-number key, not text."""
    number = pl.col(SID).cast(pl.Int64) * n_params + pl.col("_p")
    return rows.sort(day_key(number, pl.col("ADT"), missing_last=True), maintain_order=True)
