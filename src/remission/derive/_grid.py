"""Lesions x scans with whole-number keys: the plumbing under the time-point response rules.

Patients, lesions and scans get whole-number keys once (patients numbered in identifier
order, lesions in identifier order within the patient, scans in date order within the
patient), so that every grid, join, window and group-by runs on numbers, and sorting on the
numbers is sorting on the identifiers. Frames that are joined are materialised sorted on the
key and marked so: a left join of two frames sorted on the key is a merge, not a hash join that
must restore the left order (5x faster on 100,000 patients). ``_tumor.py`` states the rules;
this module only lays out the tables they are applied to.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from remission._keys import day_key, first_in_group, group_start, key_date, key_number

ID = "patient_id"
PID = "_pid"
"""A patient's number (its identifier's rank)."""
LID = "_lid"
"""A lesion's number (patient, then identifier order)."""
SCAN = "_scan"
"""A scan's number (patient, then date order), counted from each patient's baseline."""
KEY = "_key"
_INF = float("inf")


def _reading_key(number: str, date: str) -> pl.Expr:
    """One whole-number key per reading (lesion and day) or scan (patient and day)."""
    return day_key(pl.col(number), pl.col(date))


@dataclass(frozen=True)
class Scans:
    """Every patient's scan dates, numbered, with its baseline.

    Parameters
    ----------
    ids : polars.DataFrame
        ``patient_id`` and its number ``_pid`` (0, 1, 2, ... in identifier order).
    measurements : polars.DataFrame
        The measurements with ``_pid``.
    dates : polars.DataFrame
        ``_pid`` and ``assessed_on``: every scan date of every patient once, in order.
    baseline : polars.DataFrame
        ``_pid`` and ``baseline_on``.
    """

    ids: pl.DataFrame
    measurements: pl.DataFrame
    dates: pl.DataFrame
    baseline: pl.DataFrame

    @classmethod
    def of(cls, measurements: pl.DataFrame, refdt: pl.DataFrame, baseline: pl.Expr) -> Scans:
        """Number the patients and their scans; ``baseline`` aggregates ``assessed_on`` and
        ``REFDT`` per patient into its baseline date.

        Examples
        --------
        >>> import datetime as dt
        >>> m = pl.DataFrame({"patient_id": ["B", "A", "A"],
        ...     "assessed_on": [dt.date(2020, 1, 5), dt.date(2020, 1, 1), dt.date(2020, 3, 1)]})
        >>> r = pl.DataFrame({"patient_id": ["A", "B"], "REFDT": [dt.date(2020, 1, 2)] * 2})
        >>> s = Scans.of(m, r, pl.col("assessed_on").min())
        >>> s.named_baselines().sort("patient_id")["baseline_on"].to_list()
        [datetime.date(2020, 1, 1), datetime.date(2020, 1, 5)]
        """
        ids = (
            measurements.lazy()
            .select(ID)
            .drop_nulls()
            .unique()
            .sort(ID)
            .with_row_index(PID)
            .collect()
        )
        # a patient's number is its identifier's position in ``ids``: the code of the
        # identifier as an Enum of them (a lookup, 1.5x faster than joining the identifiers)
        mk = (
            measurements.lazy()
            .filter(pl.col(ID).is_not_null())
            .with_columns(pl.col(ID).cast(pl.Enum(ids[ID])).to_physical().alias(PID))
            .collect()
        )
        # distinct whole-number keys (patient number, then day; one column is 2x faster to make
        # distinct than two), decoded back into the patient number and the date
        dates = (
            mk.lazy()
            .select(_reading_key(PID, "assessed_on").alias(KEY))
            .drop_nulls()
            .unique()
            .sort(KEY)
            .select(
                key_number(pl.col(KEY)).cast(pl.UInt32).alias(PID),
                key_date(pl.col(KEY)).alias("assessed_on"),
            )
            .collect()
        )
        refdt = ids.join(refdt, on=ID, how="left").select(PID, "REFDT")
        base = (
            dates.lazy()
            .join(refdt.lazy(), on=PID, how="left")
            .group_by(PID)
            .agg(baseline.alias("baseline_on"))
            .collect()
        )
        return cls(ids, mk, dates, base)

    def named_baselines(self) -> pl.DataFrame:
        """``patient_id`` and ``baseline_on``."""
        return self.baseline.join(self.ids, on=PID).select(ID, "baseline_on")

    def grid(
        self, lesions: pl.DataFrame, new: pl.Expr, value: pl.Expr, node: pl.Expr
    ) -> LesionGrid:
        """The lesions (``new``: first seen after baseline) and their readings, with the burden
        contribution ``value`` and the node size ``node`` of each reading, keyed for ``cells``.
        """
        # A lesion's whole-number name: patient number, then the rank of its identifier among
        # all lesion identifiers (an Enum's code), so that its order is the identifiers' order;
        # it sorts the lesions and finds each reading's lesion without joining on text.
        names = lesions["lesion_id"].drop_nulls().unique().sort()
        name = pl.col(PID).cast(pl.Int64) * len(names) + pl.col("lesion_id").cast(
            pl.Enum(names), strict=False
        ).to_physical().cast(pl.Int64)
        numbered = (
            lesions.lazy()
            .join(self.ids.lazy(), on=ID, how="inner")
            .join(self.baseline.lazy(), on=PID, how="inner")
            .with_columns(name.alias("_name"))
            .sort("_name")
            .with_row_index(LID)
            .with_columns(new.alias("_new"))
            .collect()
        )
        readings = (
            self.measurements.lazy()
            .with_columns(name.alias("_name"))
            .join(numbered.lazy().select("_name", LID, "nodal"), on="_name")
            .select(
                _reading_key(LID, "assessed_on").alias(KEY),
                value.alias("_v"),
                node.alias("_node"),
                "state",
            )
            # sorted by key (once, for every grid): see ``LesionGrid.cells``
            .sort(KEY)
            .collect()
        )
        scans = (
            self.dates.lazy()
            .join(self.baseline.lazy(), on=PID, maintain_order="left")
            .filter(pl.col("assessed_on") >= pl.col("baseline_on"))
            .with_row_index(SCAN)
            .collect()
        )
        return LesionGrid(self.ids, numbered, readings, scans)


@dataclass(frozen=True)
class LesionGrid:
    """Lesions, their readings and the scans from baseline on, keyed and sorted.

    Parameters
    ----------
    ids : polars.DataFrame
        ``patient_id`` and ``_pid``.
    lesions : polars.DataFrame
        The lesions, numbered ``_lid`` in patient and identifier order, with ``_new``.
    readings : polars.DataFrame
        One row per reading: key ``_key`` (lesion, day), ``_v``, ``_node``, ``state``; sorted.
    scans : polars.DataFrame
        ``_pid``, ``_scan``, ``assessed_on``, ``baseline_on``: every scan from the baseline on,
        in patient and date order.
    """

    ids: pl.DataFrame
    lesions: pl.DataFrame
    readings: pl.DataFrame
    scans: pl.DataFrame

    def cells(self, selected: pl.Expr, *columns: str) -> pl.LazyFrame:
        """Every selected lesion at every scan of its patient, with the reading if any; in
        lesion order, then date order (lesions and scans are sorted so).

        That order is the order of the reading key (lesion number, then day), so the key is
        marked sorted: with ``readings`` sorted too, the join is a merge (5x faster here than
        a hash join keeping the left order). Polars honours the mark only on a materialised
        column, hence the ``collect`` before the join.
        """
        cells = (
            self.lesions.lazy()
            .filter(selected)
            .select(PID, LID, *columns)
            .join(
                self.scans.lazy().select(PID, SCAN, "assessed_on"),
                on=PID,
                maintain_order="left_right",
            )
            .with_columns(_reading_key(LID, "assessed_on").alias(KEY))
            .collect()
            .with_columns(pl.col(KEY).set_sorted())
        )
        return cells.lazy().join(self.readings.lazy(), on=KEY, how="left", maintain_order="left")

    def per_scan(self, cells: pl.LazyFrame, *aggs: pl.Expr, eager: bool = False) -> pl.LazyFrame:
        """``aggs`` of the ``cells`` of each scan, one row per scan that has cells, sorted.

        ``eager``: an eager group-by, which sums floats with Kahan summation in row order
        (here, lesion order), as the burden always has been summed; the lazy engine's
        partitioned group-by sums plainly, which can differ in the last bit.
        """
        if eager:
            return cells.collect().group_by(SCAN).agg(*aggs).sort(SCAN).lazy()
        return cells.group_by(SCAN).agg(*aggs).sort(SCAN).collect().lazy()

    def scans_where(self, cells: pl.LazyFrame, condition: pl.Expr, name: str) -> pl.LazyFrame:
        """``_scan`` and ``name`` (True) for each scan where a cell meets ``condition``."""
        return (
            cells.filter(condition)
            .select(SCAN)
            .unique()
            .sort(SCAN)
            .with_columns(pl.lit(True).alias(name))
            .collect()
            .lazy()
        )

    def joined(self, *per_scan: pl.LazyFrame) -> pl.LazyFrame:
        """The scans with the per-scan results: every one materialised sorted by scan number,
        as ``scans`` is, so each join is a merge (a hash join keeping the left order costs
        several times more)."""
        out = self.scans.lazy()
        for frame in per_scan:
            out = out.join(frame, on=SCAN, how="left", maintain_order="left")
        return out

    def identifiers(self, frame: pl.DataFrame) -> pl.Series:
        """The patient identifier of each row of ``frame`` (by ``_pid``), named ``USUBJID``."""
        return self.ids[ID].gather(frame[PID]).alias("USUBJID")


def first_of_patient(column: str) -> pl.Expr:
    """``column`` at the patient's first row (a frame in patient order), taken by position
    rather than by a join on the patient."""
    return pl.col(column).gather(group_start(PID))


def with_prev_min(frame: pl.LazyFrame, col: str, name: str, group: str) -> pl.LazyFrame:
    """Add ``name``: the smallest earlier value of ``col`` within ``group`` (nulls skipped).

    ``frame`` is sorted by ``group`` (a whole number) and time. One window for the running
    minimum, then a plain shift with the group's first row blanked: a window nested in a
    window, or one over text keys, is evaluated group by group by Polars (10-30x slower on
    100,000 patients).

    Examples
    --------
    >>> f = pl.LazyFrame({"g": [1, 1, 1, 2], "x": [5.0, 3.0, 4.0, 1.0]})
    >>> with_prev_min(f, "x", "m", "g").collect()["m"].to_list()
    [None, 5.0, 3.0, None]
    """
    first = first_in_group(group)
    return (
        frame.with_columns(pl.col(col).fill_null(_INF).cum_min().over(group).alias("_run"))
        .with_columns(pl.when(first).then(None).otherwise(pl.col("_run").shift(1)).alias(name))
        .with_columns(
            pl.when(pl.col(name).is_infinite()).then(None).otherwise(pl.col(name)).alias(name)
        )
        .drop("_run")
    )


def earlier_in_patient(flag: pl.Expr) -> pl.Expr:
    """True where an earlier row of the same patient has ``flag`` (a frame in patient order).

    Counted without a window: the flags before each row, minus those before the patient's
    first row.

    Examples
    --------
    >>> f = pl.DataFrame({"_pid": [0, 0, 0, 1], "f": [False, True, False, False]})
    >>> f.select(earlier_in_patient(pl.col("f")).alias("e"))["e"].to_list()
    [False, False, True, False]
    """
    n = flag.fill_null(False).cast(pl.UInt32)
    before = n.cum_sum() - n
    return (before - before.gather(group_start(PID))) > 0
