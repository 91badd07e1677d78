"""ADRS: overall responses and the response parameters, with admiralonco's rules as data.

Parameters OVR, BOR, CBOR, RSP, CRSP, CB, CCB, BCP, CBCP, PD, LSTA, DEATH and MDIS, derived
for every subject as the pharmaverse ``ad_adrs.R`` template does (rules restated in
``docs/response.md``). Everything is a Polars join or window on the subject.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from remission._keys import day_key, first_in_group, key_date, key_number

_ID = "USUBJID"

AVAL_OF = {"CR": 1, "PR": 2, "SD": 3, "NON-CR/NON-PD": 4, "PD": 5, "NE": 6, "MISSING": 7}
"""AVAL coding of responses (admiralonco's ``aval_resp``); other values (ND) have no AVAL."""

_WORST_FIRST = {"PD": 6, "NON-CR/NON-PD": 5, "SD": 4, "PR": 3, "CR": 2, "NE": 1}

PARAMS: dict[str, str] = {
    "OVR": "Overall Response by Investigator",
    "BOR": "Best Overall Response by Investigator (confirmation not required)",
    "CBOR": "Best Confirmed Overall Response by Investigator",
    "RSP": "Response by Investigator (confirmation not required)",
    "CRSP": "Confirmed Response by Investigator",
    "CB": "Clinical Benefit by Investigator (confirmation for response not required)",
    "CCB": "Confirmed Clinical Benefit by Investigator",
    "BCP": "Best Overall Response of CR/PR by Investigator (confirmation not required)",
    "CBCP": "Best Confirmed Overall Response of CR/PR by Investigator",
    "PD": "Disease Progression by Investigator",
    "LSTA": "Last Disease Assessment by Investigator",
    "DEATH": "Death",
    "MDIS": "Measurable Disease at Baseline by Investigator",
}
"""``PARAMCD`` -> ``PARAM`` of ADRS (pharmaverse wording)."""


@dataclass(frozen=True)
class ResponseRules:
    """The windows and options of the best-response derivations (admiralonco's defaults).

    Parameters
    ----------
    ref_start_window_days : int
        SD and NON-CR/NON-PD count only this many days or more after the reference date
        (earlier ones count as NE). Template: 42.
    confirmation_days : int
        A CR or PR is confirmed by a later CR (CR or PR for a PR) at least this many days
        after it. Template: 28; the admiralonco vignette uses 21.
    max_ne : int
        NE assessments allowed between a response and its confirmation.
    accept_sd : bool
        Whether one SD is allowed between a PR and its confirmation.
    missing_as_ne : bool
        Whether a subject without assessments gets BOR NE instead of MISSING.
    pd_cutoff : bool
        Whether response parameters use only assessments up to the first PD (template: yes).

    Examples
    --------
    >>> ResponseRules().confirmation_days
    28
    >>> ResponseRules(confirmation_days=21).ref_start_window_days
    42
    """

    ref_start_window_days: int = 42
    confirmation_days: int = 28
    max_ne: int = 1
    accept_sd: bool = False
    missing_as_ne: bool = False
    pd_cutoff: bool = True


_SID = "_sid"
"""A subject's number (subjects numbered in identifier order): every join, window and group-by
below runs on it rather than on the text identifier, and sorting on it sorts by identifier."""

_PARAMCDS = sorted(PARAMS)
_PARAM_ORDER = {code: i for i, code in enumerate(_PARAMCDS)}
"""Each PARAMCD's rank in text order: rows carry it (``_p``) to be sorted without text."""


def _flag_rows(frame: pl.DataFrame, paramcd: str, date: str | None) -> pl.DataFrame:
    """Y/N parameter rows: Y with ``date`` when it is set, else N."""
    has = pl.col(date).is_not_null() if date else pl.col("_flag")
    return frame.select(
        _SID,
        pl.lit(_PARAM_ORDER[paramcd], pl.Int64).alias("_p"),
        pl.when(has).then(pl.lit("Y")).otherwise(pl.lit("N")).alias("AVALC"),
        pl.when(has).then(1.0).otherwise(0.0).alias("AVAL"),
        (pl.col(date) if date else pl.lit(None, dtype=pl.Date)).alias("ADT"),
    )


def _category_rows(frame: pl.DataFrame, paramcd: str, cat: str, date: str) -> pl.DataFrame:
    return frame.select(
        _SID,
        pl.lit(_PARAM_ORDER[paramcd], pl.Int64).alias("_p"),
        pl.col(cat).alias("AVALC"),
        pl.col(cat).replace_strict(AVAL_OF, default=None, return_dtype=pl.Float64).alias("AVAL"),
        pl.col(date).alias("ADT"),
    )


_BEST_RANK = {"CR": 1, "PR": 2, "SD": 3, "NON-CR/NON-PD": 4, "PD": 5, "NE": 6, "ND": 7}
"""Best response order: the best category is the one of least rank (every category the best
response derivations produce has one)."""
_RANK_OF = {rank: cat for cat, rank in _BEST_RANK.items()}


def _confirmed(anl: pl.DataFrame, rules: ResponseRules) -> pl.DataFrame:
    """For every CR/PR: is it confirmed? One row per (subject, response date)."""
    seq = anl.lazy().select(_SID, "ADT", "AVALC", "_i")
    resp = seq.filter(pl.col("AVALC").is_in(["CR", "PR"]))
    later = seq.rename({"ADT": "_adt_j", "AVALC": "_val_j", "_i": "_j"})
    pairs = (
        resp.join(later, on=_SID)
        .filter(pl.col("_j") > pl.col("_i"))
        .with_columns((pl.col(_SID).cast(pl.Int64) * (1 << 32) + pl.col("_i")).alias("_pair"))
    )
    candidate = (pl.col("_adt_j") >= pl.col("ADT") + pl.duration(days=rules.confirmation_days)) & (
        pl.when(pl.col("AVALC") == "CR")
        .then(pl.col("_val_j") == "CR")
        .otherwise(pl.col("_val_j").is_in(["CR", "PR"]))
    )
    first = pairs.filter(candidate).group_by("_pair").agg(pl.col("_j").min().alias("_conf_j"))
    window = pairs.join(first, on="_pair").filter(pl.col("_j") <= pl.col("_conf_j"))
    # a PR after a CR in the window: the first CR comes before the last PR (no sort and no
    # running count over each pair's window, 2x slower)
    first_cr = pl.col("_j").filter(pl.col("_val_j") == "CR").min()
    last_pr = pl.col("_j").filter(pl.col("_val_j") == "PR").max()
    allowed_pr = ["CR", "PR", "NE", *(["SD"] if rules.accept_sd else [])]
    verdict = window.group_by("_pair").agg(
        pl.col(_SID).first(),
        pl.col("_i").first(),
        pl.col("AVALC").first(),
        (pl.col("_val_j") == "NE").sum().alias("_ne"),
        (pl.col("_val_j") == "SD").sum().alias("_sd"),
        (~pl.col("_val_j").is_in(["CR", "NE"])).sum().alias("_not_cr_ne"),
        (~pl.col("_val_j").is_in(allowed_pr)).sum().alias("_not_allowed"),
        (first_cr < last_pr).fill_null(False).alias("_pr_after_cr"),
    )
    ok_ne = pl.col("_ne") <= rules.max_ne
    cr_ok = (pl.col("AVALC") == "CR") & (pl.col("_not_cr_ne") == 0) & ok_ne
    pr_ok = (
        (pl.col("AVALC") == "PR")
        & (pl.col("_not_allowed") == 0)
        & ok_ne
        & (pl.col("_sd") <= (1 if rules.accept_sd else 0))
        & ~pl.col("_pr_after_cr")
    )
    return (
        verdict.filter(cr_ok | pr_ok).select(_SID, "_i", pl.lit(True).alias("_confirmed")).collect()
    )


def derive_adrs(
    responses: pl.DataFrame,
    subjects: pl.DataFrame,
    rules: ResponseRules | None = None,
    studyid: str = "",
    pd_dates: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """ADRS from time-point overall responses, for every subject.

    Parameters
    ----------
    responses : polars.DataFrame
        One row per overall response: ``USUBJID``, ``ADT`` (date), ``AVALC`` (CR, PR, SD,
        NON-CR/NON-PD, PD, NE, ND), and optionally ``SEQ`` (higher wins a same-date tie) and
        ``ADTF`` (date imputation flag).
    subjects : polars.DataFrame
        One row per subject: ``USUBJID``, ``REFDT`` (reference date: randomisation or
        treatment start; subjects without one get only the non-response parameters),
        ``DTHDT`` (death date or null) and ``MDIS`` (bool: measurable disease at baseline).
        Every subject gets every parameter (BOR MISSING when it has no assessment).
    rules : ResponseRules, optional
        Windows and options; admiralonco's template defaults when omitted.
    studyid : str
        ``STUDYID`` of every row.
    pd_dates : polars.DataFrame, optional
        ``USUBJID`` and ``PDDT``: progression dates from another source (admiralonco's
        ``source_pd``). When given, the PD cut-off of those subjects is that date instead of
        their first PD response.

    Returns
    -------
    polars.DataFrame
        ``STUDYID``, ``USUBJID``, ``PARAMCD``, ``PARAM``, ``AVALC``, ``AVAL``, ``ADT``,
        ``ADTF``, ``ANL01FL``, ``ANL02FL`` and ``SRCSEQ``: the OVR records plus one row per
        subject and parameter.

    Examples
    --------
    >>> import datetime as dt
    >>> d = dt.date
    >>> resp = pl.DataFrame({"USUBJID": ["1"] * 3, "ADT": [d(2020, 2, 1), d(2020, 3, 5),
    ...                      d(2020, 5, 1)], "AVALC": ["PR", "PR", "PD"]})
    >>> subj = pl.DataFrame({"USUBJID": ["1"], "REFDT": [d(2020, 1, 1)], "DTHDT": [None],
    ...                      "MDIS": [True]}, schema_overrides={"DTHDT": pl.Date})
    >>> adrs = derive_adrs(resp, subj)
    >>> for row in adrs.filter(pl.col("PARAMCD").is_in(["BOR", "CBOR", "PD"])).select(
    ...         "PARAMCD", "AVALC", "ADT").rows():
    ...     print(*row)
    BOR PR 2020-02-01
    CBOR PR 2020-02-01
    PD Y 2020-05-01
    """
    rules = rules or ResponseRules()
    if "SEQ" not in responses.columns:
        responses = responses.with_columns(pl.lit(None, dtype=pl.Int64).alias("SEQ"))
    if "ADTF" not in responses.columns:
        responses = responses.with_columns(pl.lit(None, dtype=pl.String).alias("ADTF"))
    # subjects get numbers in identifier order: every step below runs on the numbers
    ids = (
        pl.concat([responses.select(_ID), subjects.select(_ID)])
        .drop_nulls()
        .unique()
        .sort(_ID)
        .with_row_index(_SID)
    )

    def keyed(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(ids, on=_ID, how="left", maintain_order="left").drop(_ID)

    subjects = keyed(subjects.select(_ID, "REFDT", "DTHDT", "MDIS"))
    ovr = keyed(responses.select(_ID, "ADT", "AVALC", "SEQ", "ADTF")).join(
        subjects.select(_SID, "REFDT"), on=_SID, how="left", maintain_order="left"
    )

    # ANL01FL: an analysable assessment on or after the reference date; on a date with several,
    # the worst response wins, ties to the highest sequence number.
    ovr = ovr.with_row_index("_row").with_columns(
        (pl.col("AVALC").is_not_null() & (pl.col("ADT") >= pl.col("REFDT"))).alias("_ok"),
        pl.col("AVALC").replace_strict(_WORST_FIRST, default=0).alias("_worst"),
    )
    # One row per subject and date (``_sd``, one whole-number key), sorted by it. A date with
    # a single assessment (nearly all) keeps it; only dates with several are sorted worst
    # first to keep their first (a sort on four keys of every row costs 3x one on one key).
    # No unique() and no join back: the flags reach ``ovr`` by row number.
    ok = ovr.filter("_ok").with_columns(day_key(pl.col(_SID), pl.col("ADT")).alias("_sd"))
    several = ok["_sd"].is_duplicated()
    worst_first = (
        ok.filter(several)
        .sort("_sd", "_worst", "SEQ", "_row", descending=[False, True, True, True], nulls_last=True)
        .filter(first_in_group("_sd"))
    )
    anl = pl.concat([ok.filter(~several), worst_first]).sort("_sd").drop("_sd")
    first_pd = (
        anl.lazy()
        .filter(pl.col("AVALC") == "PD")
        .group_by(_SID)
        .agg(pl.col("ADT").min().alias("_pd"))
        .collect()
    )
    cutoff = first_pd
    if pd_dates is not None:
        given = keyed(pd_dates.select(_ID, pl.col("PDDT").alias("_pd"))).select(_SID, "_pd")
        cutoff = pl.concat([given, first_pd.join(given, on=_SID, how="anti")])
    anl = anl.join(cutoff, on=_SID, how="left", maintain_order="left").with_columns(
        (
            pl.col("_pd").is_null() | (pl.col("ADT") <= pl.col("_pd")) | ~pl.lit(rules.pd_cutoff)
        ).alias("_anl02")
    )
    ovr = ovr.with_columns(
        pl.repeat(False, ovr.height, eager=True).scatter(anl["_row"], True).alias("_anl01"),
        pl.repeat(None, ovr.height, dtype=pl.Boolean, eager=True)
        .scatter(anl["_row"], anl["_anl02"])
        .alias("_anl02"),
    )
    # a2 is sorted by subject and date: _i numbers a subject's assessments 0, 1, 2, ...
    a2 = anl.filter("_anl02").with_columns(
        (
            pl.int_range(pl.len())
            - pl.when(first_in_group(_SID)).then(pl.int_range(pl.len())).forward_fill()
        ).alias("_i")
    )
    in_window = pl.col("ADT") >= pl.col("REFDT") + pl.duration(days=rules.ref_start_window_days)
    confirmed = _confirmed(a2, rules)
    a2 = a2.join(confirmed, on=[_SID, "_i"], how="left", maintain_order="left").with_columns(
        pl.col("_confirmed").fill_null(False)
    )
    val = pl.col("AVALC")
    a2 = a2.with_columns(
        # unconfirmed best response categories
        pl.when(val.is_in(["CR", "PR", "PD", "NE"]))
        .then(val)
        .when(val.is_in(["SD", "NON-CR/NON-PD"]) & in_window)
        .then(val)
        .when(val == "ND")
        .then(pl.lit("ND"))
        .otherwise(pl.lit("NE"))
        .alias("_bor"),
        # confirmed: unconfirmed CR/PR count as SD once in the window
        pl.when(val.is_in(["CR", "PR"]) & pl.col("_confirmed"))
        .then(val)
        .when(val.is_in(["CR", "PR", "SD"]) & in_window)
        .then(pl.lit("SD"))
        .when((val == "NON-CR/NON-PD") & in_window)
        .then(val)
        .when(val == "PD")
        .then(val)
        .when(val == "ND")
        .then(pl.lit("ND"))
        .otherwise(pl.lit("NE"))
        .alias("_cbor"),
    )
    missing = "NE" if rules.missing_as_ne else "MISSING"
    resp = val.is_in(["CR", "PR"])
    benefit = val.is_in(["SD", "NON-CR/NON-PD", "CR", "PR"]) & in_window

    def best(cat: str) -> pl.Expr:
        """The best category and its earliest date (the least rank, then date), as one number:
        the rank above the day, so that the minimum is the best."""
        return day_key(pl.col(cat).replace_strict(_BEST_RANK), pl.col("ADT")).min().alias(cat)

    def earliest(cond: pl.Expr, name: str) -> pl.Expr:
        return pl.col("ADT").filter(cond).min().alias(name)

    # every per-subject result in one group-by and one join per source, not one each
    found = a2.group_by(_SID).agg(
        best("_bor"),
        best("_cbor"),
        earliest(resp, "_rsp"),
        earliest(resp & pl.col("_confirmed"), "_crsp"),
        earliest(resp | (val.is_in(["SD", "NON-CR/NON-PD"]) & in_window), "_cb"),
        earliest((resp & pl.col("_confirmed")) | benefit, "_ccb"),
    )
    # anl is sorted by subject and date, with one assessment per date: the last is the latest
    last = anl.filter(first_in_group(_SID).shift(-1).fill_null(True)).select(
        _SID, pl.col("AVALC").alias("_last"), pl.col("ADT").alias("_last_dt")
    )
    per = (
        subjects.select(_SID)
        .join(found, on=_SID, how="left", maintain_order="left")
        .join(first_pd, on=_SID, how="left", maintain_order="left")
        .join(last, on=_SID, how="left", maintain_order="left")
    )

    def best_of(cat: str) -> pl.DataFrame:
        """``_SID``, the best category ``_c`` (``missing`` when none) and its date ``_d``."""
        key = pl.col(cat)
        return per.select(
            _SID,
            key_number(key).replace_strict(_RANK_OF, default=missing).alias("_c"),
            key_date(key).alias("_d"),
        )

    def dated(name: str) -> pl.DataFrame:
        return per.select(_SID, pl.col(name).alias("_d"))

    bor_c, cbor_c = best_of("_bor"), best_of("_cbor")
    rsp, crsp, cb, ccb = dated("_rsp"), dated("_crsp"), dated("_cb"), dated("_ccb")
    pd_ = per.select(_SID, "_pd")
    lsta = per.select(_SID, "_last", "_last_dt")
    parts = [
        _category_rows(bor_c, "BOR", "_c", "_d"),
        _category_rows(cbor_c, "CBOR", "_c", "_d"),
        _flag_rows(rsp, "RSP", "_d"),
        _flag_rows(crsp, "CRSP", "_d"),
        _flag_rows(cb, "CB", "_d"),
        _flag_rows(ccb, "CCB", "_d"),
        _flag_rows(
            bor_c.with_columns(pl.when(pl.col("_c").is_in(["CR", "PR"])).then("_d").alias("_d")),
            "BCP",
            "_d",
        ),
        _flag_rows(
            cbor_c.with_columns(pl.when(pl.col("_c").is_in(["CR", "PR"])).then("_d").alias("_d")),
            "CBCP",
            "_d",
        ),
        _flag_rows(pd_, "PD", "_pd"),
        _category_rows(lsta.with_columns(pl.col("_last")), "LSTA", "_last", "_last_dt"),
        _flag_rows(subjects.select(_SID, "DTHDT"), "DEATH", "DTHDT"),
        _flag_rows(
            subjects.select(_SID, pl.col("MDIS").fill_null(False).alias("_flag")), "MDIS", None
        ),
    ]
    # the rows carry as little text as they can through the sort below: PARAMCD is its rank
    # ``_p`` and the Y flags are booleans until after it (moving text costs more than making it)
    params = pl.concat(parts, how="vertical_relaxed").with_columns(
        pl.lit(True).alias("_anl01"),
        pl.lit(None, dtype=pl.String).alias("ADTF"),
        pl.lit(False).alias("_anl02"),
        pl.lit(None, dtype=pl.Int64).alias("SRCSEQ"),
    )
    ovr_rows = ovr.select(
        _SID,
        pl.lit(_PARAM_ORDER["OVR"], pl.Int64).alias("_p"),
        "AVALC",
        val.replace_strict(AVAL_OF, default=None, return_dtype=pl.Float64).alias("AVAL"),
        "ADT",
        "ADTF",
        "_anl01",
        pl.col("_anl02").fill_null(False),
        pl.col("SEQ").alias("SRCSEQ"),
    )
    adrs = pl.concat([params.select(ovr_rows.columns), ovr_rows], how="vertical_relaxed")
    # sorted by subject, PARAMCD and date (missing last): one whole-number key, not text
    # (PARAMCD's rank among the codes, and the day shifted to be positive, missing = largest)
    day = pl.col("ADT").cast(pl.Int64) + (1 << 31)
    order = (pl.col(_SID).cast(pl.Int64) * 16 + pl.col("_p")) * (1 << 32) + day.fill_null(
        (1 << 32) - 1
    )
    adrs = adrs.sort(order, maintain_order=True, nulls_last=True)
    return adrs.select(
        pl.lit(studyid).alias("STUDYID"),
        ids[_ID].gather(adrs[_SID]).alias(_ID),
        pl.Series(_PARAMCDS).gather(adrs["_p"]).alias("PARAMCD"),
        pl.Series([PARAMS[c] for c in _PARAMCDS]).gather(adrs["_p"]).alias("PARAM"),
        "AVALC",
        "AVAL",
        "ADT",
        "ADTF",
        pl.when("_anl01").then(pl.lit("Y")).alias("ANL01FL"),
        pl.when("_anl02").then(pl.lit("Y")).alias("ANL02FL"),
        "SRCSEQ",
    )
