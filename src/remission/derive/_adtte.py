"""ADTTE: time-to-event parameters from ADRS and the subject dates.

OS, PFS and RSD (duration of response) as pharmaverse's ``ad_adtte.R`` template derives them,
and CRDUR, the duration of complete response as the 1998 NCI series counted it (from the start
of treatment to relapse). Every row records its event or censoring source (``EVNTDESC``,
``CNSDTDSC``, ``SRCDOM``, ``SRCVAR``). ``CNSR`` is CDISC's: 1 = censored, 0 = event.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

_ID = "USUBJID"


@dataclass(frozen=True)
class EventSource:
    """One way a time-to-event parameter can end: an event or a censoring, and where it comes from.

    Parameters
    ----------
    column : str
        Column of the working table holding the date.
    cnsr : int
        0 for an event, 1 for a censoring.
    evntdesc : str
        ``EVNTDESC`` written when this source ends the parameter.
    cnsdtdsc : str or None
        ``CNSDTDSC`` (censoring date description), for censorings.
    srcdom, srcvar : str
        Dataset and variable the date is taken from.

    Examples
    --------
    >>> EventSource("DTHDT", 0, "Death", None, "ADRS", "ADT").cnsr
    0
    """

    column: str
    cnsr: int
    evntdesc: str
    cnsdtdsc: str | None
    srcdom: str
    srcvar: str


PD_EVENT = EventSource("_pd", 0, "Disease Progression", None, "ADRS", "ADT")
DEATH_EVENT = EventSource("DTHDT", 0, "Death", None, "ADRS", "ADT")
LAST_ASSESSMENT = EventSource(
    "_lsta", 1, "Last Tumor Assessment", "Last Tumor Assessment", "ADRS", "ADT"
)
RANDOMIZATION = EventSource("STARTDT", 1, "Randomization", "Randomization", "ADSL", "RANDDT")
ALIVE = EventSource("LSTALVDT", 1, "Alive", "Alive During Study", "ADSL", "LSTALVDT")

PARAMS = {
    "OS": "Overall Survival",
    "PFS": "Progression Free Survival",
    "RSD": "Duration of Response",
    "CRDUR": "Duration of Complete Response from Start of Treatment",
}
"""``PARAMCD`` -> ``PARAM`` of ADTTE."""


def _choose(sources: list[EventSource], latest: bool, date: str, index: str) -> list[pl.Expr]:
    """Expressions adding ``date`` and ``index`` (position in ``sources``) of the source chosen.

    The earliest date with ties to the first source listed, or (``latest``) the latest date
    with ties to the last source listed; null when every source is empty. Each source is a
    column of the row, so the choice is made across columns, one source after the other.
    """
    chosen_date = pl.lit(None, dtype=pl.Date)
    chosen = pl.lit(None, dtype=pl.Int64)
    for i, s in enumerate(sources):
        d = pl.col(s.column)
        beats = (d >= chosen_date) if latest else (d < chosen_date)
        better = d.is_not_null() & (chosen_date.is_null() | beats)
        chosen_date = pl.when(better).then(d).otherwise(chosen_date)
        chosen = pl.when(better).then(pl.lit(i, dtype=pl.Int64)).otherwise(chosen)
    return [chosen_date.alias(date), chosen.alias(index)]


def _param(
    work: pl.DataFrame, paramcd: str, events: list[EventSource], censors: list[EventSource]
) -> pl.DataFrame:
    """First event if any (earliest date; ties to the first source listed), else the last
    censoring (latest date; ties to the last source listed, as admiral does).

    ``work`` has one row per subject and a date column per source: the choice is made within
    each row (no rows stacked, sorted and grouped by subject, which costs 5x more)."""
    sources = [*events, *censors]

    def attribute(field: str, dtype: type[pl.DataType]) -> pl.Expr:
        """The chosen source's ``field`` (``_src`` numbers ``sources``), as column FIELD."""
        values = {i: getattr(s, field) for i, s in enumerate(sources)}
        return pl.col("_src").replace_strict(values, return_dtype=dtype).alias(field.upper())

    return (
        work.lazy()
        .with_columns(
            *_choose(events, False, "_event", "_ei"), *_choose(censors, True, "_censor", "_ci")
        )
        .with_columns(
            pl.coalesce("_event", "_censor").alias("ADT"),
            pl.when(pl.col("_ei").is_not_null())
            .then(pl.col("_ei"))
            .otherwise(pl.col("_ci") + len(events))
            .alias("_src"),
        )
        .filter(pl.col("_src").is_not_null())
        .select(
            _ID,
            "STARTDT",
            pl.lit(paramcd).alias("PARAMCD"),
            pl.max_horizontal("ADT", "STARTDT").alias("ADT"),  # an end before the start moves to it
            attribute("cnsr", pl.Int64),
            attribute("evntdesc", pl.String),
            attribute("cnsdtdsc", pl.String),
            attribute("srcdom", pl.String),
            attribute("srcvar", pl.String),
        )
        .with_columns(
            ((pl.col("ADT") - pl.col("STARTDT")).dt.total_days() + 1).cast(pl.Float64).alias("AVAL")
        )
        .collect()
    )


def derive_adtte(
    adrs: pl.DataFrame, subjects: pl.DataFrame, studyid: str = "", cr_from: str = "CBOR"
) -> pl.DataFrame:
    """ADTTE: OS, PFS, RSD and CRDUR for every subject with a reference date.

    Parameters
    ----------
    adrs : polars.DataFrame
        ADRS as ``derive_adrs`` returns it (PD, DEATH, LSTA, RSP and BOR/CBOR are used).
    subjects : polars.DataFrame
        ``USUBJID``, ``REFDT`` (randomisation or treatment start: the start of every
        parameter), ``DTHDT`` and ``LSTALVDT``.
    studyid : str
        ``STUDYID`` of every row.
    cr_from : {"CBOR", "BOR"}
        Which best response defines a complete responder for CRDUR (confirmed by default, as
        the 1998 series required a CR lasting at least 4 weeks).

    Returns
    -------
    polars.DataFrame
        ``STUDYID``, ``USUBJID``, ``PARAMCD``, ``PARAM``, ``AVAL`` (days, end - start + 1),
        ``AVALU``, ``STARTDT``, ``ADT``, ``CNSR`` (1 censored, 0 event), ``EVNTDESC``,
        ``CNSDTDSC``, ``SRCDOM``, ``SRCVAR``. OS and PFS for every subject with a reference
        date; RSD for responders (RSP = Y); CRDUR for complete responders.

    Examples
    --------
    >>> import datetime as d
    >>> adrs = pl.DataFrame({"USUBJID": ["1"] * 4, "PARAMCD": ["PD", "LSTA", "RSP", "CBOR"],
    ...     "AVALC": ["N", "CR", "Y", "CR"], "ADT": [None, d.date(2020, 6, 1),
    ...     d.date(2020, 2, 1), d.date(2020, 2, 1)]}, schema_overrides={"ADT": pl.Date})
    >>> subj = pl.DataFrame({"USUBJID": ["1"], "REFDT": [d.date(2020, 1, 1)],
    ...     "DTHDT": [None], "LSTALVDT": [d.date(2020, 7, 1)]},
    ...     schema_overrides={"DTHDT": pl.Date})
    >>> derive_adtte(adrs, subj).select("PARAMCD", "AVAL", "CNSR").rows()
    [('CRDUR', 153.0, 1), ('OS', 183.0, 1), ('PFS', 153.0, 1), ('RSD', 122.0, 1)]
    """

    def param_date(code: str, name: str, when: pl.Expr | None = None) -> pl.DataFrame:
        rows = adrs.filter(pl.col("PARAMCD") == code)
        if when is not None:
            rows = rows.filter(when)
        return rows.select(_ID, pl.col("ADT").alias(name))

    work = (
        subjects.filter(pl.col("REFDT").is_not_null())
        .select(_ID, pl.col("REFDT").alias("STARTDT"), "DTHDT", "LSTALVDT")
        .join(param_date("PD", "_pd", pl.col("AVALC") == "Y"), on=_ID, how="left")
        .join(param_date("LSTA", "_lsta"), on=_ID, how="left")
        .join(param_date("RSP", "_rsp", pl.col("AVALC") == "Y"), on=_ID, how="left")
        .join(param_date(cr_from, "_cr", pl.col("AVALC") == "CR"), on=_ID, how="left")
    )
    os_ = _param(work, "OS", [DEATH_EVENT], [ALIVE, RANDOMIZATION])
    pfs = _param(work, "PFS", [PD_EVENT, DEATH_EVENT], [LAST_ASSESSMENT, RANDOMIZATION])
    responders = work.filter(pl.col("_rsp").is_not_null()).with_columns(
        pl.col("_rsp").alias("STARTDT")
    )
    rsd = _param(responders, "RSD", [PD_EVENT, DEATH_EVENT], [LAST_ASSESSMENT])
    crs = work.filter(pl.col("_cr").is_not_null())
    relapse = EventSource("_pd", 0, "Relapse", None, "ADRS", "ADT")
    crdur = _param(crs, "CRDUR", [relapse], [LAST_ASSESSMENT])
    out = pl.concat([os_, pfs, rsd, crdur], how="vertical_relaxed")
    return (
        out.with_columns(
            pl.lit(studyid).alias("STUDYID"),
            pl.col("PARAMCD").replace_strict(PARAMS, return_dtype=pl.String).alias("PARAM"),
            pl.lit("DAYS").alias("AVALU"),
            pl.col("CNSR").cast(pl.Int64),
        )
        .select(
            "STUDYID",
            _ID,
            "PARAMCD",
            "PARAM",
            "AVAL",
            "AVALU",
            "STARTDT",
            "ADT",
            "CNSR",
            "EVNTDESC",
            "CNSDTDSC",
            "SRCDOM",
            "SRCVAR",
        )
        .sort(_ID, "PARAMCD")
    )
