"""ADRS: overall responses and the response parameters, with admiralonco's rules as data.

Each rule is stated once below, with its source, as a ``Rule`` (or an ordered ``FirstMatch``
of them) or a ``Confirmation``: which assessments are analysed (ANL01FL, ANL02FL), when a CR
or PR is confirmed, the best overall response (BOR) and the best confirmed one (CBOR), and the
dates of response and clinical benefit (RSP, CRSP, CB, CCB). The parameters are those of the
pharmaverse ``ad_adrs.R`` template, derived for every subject; the windows come from a
``ResponseRules``. ``derive_adrs`` executes the rules on the subjects' assessment sequences,
laid out by ``_sequence.py``; ``docs/response.md`` restates them in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from remission.derive._criteria import ResponseRules
from remission.derive._rule import FirstMatch, Rule
from remission.derive._sequence import (
    ID,
    SID,
    SOURCE,
    best,
    best_category,
    best_date,
    confirmed,
    earliest,
    in_output_order,
    keyed,
    last_of_subject,
    number_subjects,
    numbered,
    scatter,
    sources,
    worst_of_each_date,
)

AVAL_OF = {"CR": 1, "PR": 2, "SD": 3, "NON-CR/NON-PD": 4, "PD": 5, "NE": 6, "MISSING": 7}
"""AVAL coding of responses (admiralonco's ``aval_resp``); other values (ND) have no AVAL."""

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

_SOURCED = ("BOR", "CBOR", "RSP", "CRSP", "CB", "CCB", "BCP", "CBCP", "PD", "LSTA")
"""Parameters whose value (and date) is that of one overall response: they name its source."""

_SOURCE_TEXT = (("SRCDOM", pl.String), ("SRCVAR", pl.String))

_PARAMCDS = sorted(PARAMS)
_PARAM_ORDER = {code: i for i, code in enumerate(_PARAMCDS)}
"""Each PARAMCD's rank in text order: rows carry it (``_p``) to be sorted without text."""

TEMPLATE = "pharmaverse admiralonco, inst/templates/ad_adrs.R"
EVENTS = "admiralonco R/response_sources.R"

AVALC, ADT, REFDT = pl.col("AVALC"), pl.col("ADT"), pl.col("REFDT")
CONFIRMED = pl.col("_confirmed")
"""Whether a CR or PR is confirmed, as the ``Confirmation`` rules decide."""

# ------------------------------------------------------------------ which assessments count

ANALYSED = Rule(
    "Y",
    AVALC.is_not_null() & (ADT >= REFDT),
    "an assessment with a response, on or after the reference date; of several on one date, "
    "the worst (PD > NON-CR/NON-PD > SD > PR > CR > NE), ties to the highest sequence number",
    f"{TEMPLATE}: ANL01FL (filter_relative / derive_var_extreme_flag by worst response)",
)
"""ANL01FL: which overall responses are analysed (one per subject and date, ``WORST_FIRST``)."""

WORST_FIRST = {"PD": 6, "NON-CR/NON-PD": 5, "SD": 4, "PR": 3, "CR": 2, "NE": 1}
"""Of several analysed responses on one date the one of greatest value wins (others: 0)."""


def up_to_first_pd(rules: ResponseRules) -> Rule:
    """ANL02FL: the assessments the response parameters use (``PD cut-off``).

    Parameters
    ----------
    rules : ResponseRules
        Whether to cut at the first PD (``pd_cutoff``).

    Returns
    -------
    Rule
        The flag's rule (``_pd`` is the cut-off date).

    Examples
    --------
    >>> up_to_first_pd(ResponseRules()).value
    'Y'
    """
    if not rules.pd_cutoff:
        return Rule("Y", pl.lit(True), "every analysed assessment", TEMPLATE)
    return Rule(
        "Y",
        pl.col("_pd").is_null() | (pl.col("ADT") <= pl.col("_pd")),
        "analysed assessments up to and including the first PD (or the given PD date)",
        f"{TEMPLATE}: ANL02FL (filter_pd)",
    )


def in_window(rules: ResponseRules) -> pl.Expr:
    """An assessment at least ``ref_start_window_days`` after the reference date."""
    return pl.col("ADT") >= REFDT + pl.duration(days=rules.ref_start_window_days)


# ------------------------------------------------------------------ confirmation


@dataclass(frozen=True, eq=False)
class Confirmation:
    """When a CR or PR counts as confirmed (admiralonco's ``cbor_cr``/``cbor_pr`` events).

    A ``response`` is confirmed when the first later assessment that can confirm it (one of
    ``confirmed_by``, at least ``min_days`` later) ends a window (that assessment included)
    holding only ``allowed_between``, at most ``max_ne`` NE and ``max_sd`` SD, and, with
    ``no_pr_after_cr``, no PR after a CR.

    Parameters
    ----------
    response : str
        ``"CR"`` or ``"PR"``.
    confirmed_by : tuple of str
        Responses that confirm it.
    min_days : int
        Least days from the response to its confirmation.
    allowed_between : tuple of str
        Responses allowed in the window.
    max_ne, max_sd : int
        NE and SD allowed in the window.
    no_pr_after_cr : bool
        Whether a PR after a CR in the window breaks the confirmation.
    description, source : str
        The rule in words, and where it comes from.

    Examples
    --------
    >>> [c.response for c in confirmations(ResponseRules(confirmation_days=21))]
    ['CR', 'PR']
    """

    response: str
    confirmed_by: tuple[str, ...]
    min_days: int
    allowed_between: tuple[str, ...]
    max_ne: int
    max_sd: int
    no_pr_after_cr: bool
    description: str
    source: str

    @property
    def candidate(self) -> pl.Expr:
        """Over (response, later assessment ``_val_j`` on ``_adt_j``): it can confirm."""
        return pl.col("_val_j").is_in(self.confirmed_by) & (
            pl.col("_adt_j") >= ADT + pl.duration(days=self.min_days)
        )

    @property
    def condition(self) -> pl.Expr:
        """Over a window's counts (``_sequence.confirmed``): the response is confirmed."""
        ok = (
            (pl.col("AVALC") == self.response)
            & (pl.col(f"_outside_{self.response}") == 0)
            & (pl.col("_ne") <= self.max_ne)
            & (pl.col("_sd") <= self.max_sd)
        )
        return ok & ~pl.col("_pr_after_cr") if self.no_pr_after_cr else ok


def confirmations(rules: ResponseRules) -> tuple[Confirmation, Confirmation]:
    """The confirmation of a CR and of a PR under ``rules``.

    Parameters
    ----------
    rules : ResponseRules
        The confirmation window (``confirmation_days``), NE allowed (``max_ne``) and whether
        an SD may come between a PR and its confirmation (``accept_sd``).

    Returns
    -------
    tuple of Confirmation
        The CR's confirmation, then the PR's.

    Examples
    --------
    >>> cr, pr = confirmations(ResponseRules(confirmation_days=21))
    >>> cr.min_days, pr.confirmed_by, pr.max_sd
    (21, ('CR', 'PR'), 0)
    """
    days, ne = rules.confirmation_days, rules.max_ne
    sd = ("SD",) if rules.accept_sd else ()
    return (
        Confirmation(
            "CR",
            ("CR",),
            days,
            ("CR", "NE"),
            ne,
            0,
            False,
            f"a CR confirmed by a CR at least {days} days later, with only CR or NE in "
            f"between and at most {ne} NE",
            f"{EVENTS}: cbor_cr, crsp_y_cr; RECIST 1.1 'Confirmatory measurement'",
        ),
        Confirmation(
            "PR",
            ("CR", "PR"),
            days,
            ("CR", "PR", "NE", *sd),
            ne,
            len(sd),
            True,
            f"a PR confirmed by a CR or PR at least {days} days later, with only CR, PR or NE "
            f"in between (at most {ne} NE), "
            + ("at most one SD" if sd else "no SD")
            + ", and no PR after a CR",
            f"{EVENTS}: cbor_pr, crsp_y_pr; RECIST 1.1 Table 3",
        ),
    )


# ------------------------------------------------------------------ best response


def best_overall_response(rules: ResponseRules) -> FirstMatch:
    """BOR: the best category any assessment up to the first PD meets, at its earliest date.

    The categories are tried in this order. Without assessments: MISSING (NE with
    ``missing_as_ne``).

    Parameters
    ----------
    rules : ResponseRules
        The minimum SD duration (``ref_start_window_days``).

    Returns
    -------
    FirstMatch
        The BOR rules, best first.

    Examples
    --------
    >>> best_overall_response(ResponseRules()).values()
    ['CR', 'PR', 'SD', 'NON-CR/NON-PD', 'PD', 'NE', 'ND']
    """
    w = rules.ref_start_window_days
    return FirstMatch(
        "BOR",
        (
            Rule("CR", AVALC == "CR", "a CR", f"{EVENTS}: bor_cr"),
            Rule("PR", AVALC == "PR", "a PR", f"{EVENTS}: bor_pr"),
            Rule(
                "SD",
                (AVALC == "SD") & in_window(rules),
                f"SD on day {w} or later",
                f"{EVENTS}: bor_sd",
            ),
            Rule(
                "NON-CR/NON-PD",
                (AVALC == "NON-CR/NON-PD") & in_window(rules),
                f"NON-CR/NON-PD on day {w} or later",
                f"{EVENTS}: bor_non_crpd",
            ),
            Rule("PD", AVALC == "PD", "a PD", f"{EVENTS}: bor_pd"),
            Rule(
                "NE",
                AVALC != "ND",
                f"NE, or SD or NON-CR/NON-PD before day {w}",
                f"{EVENTS}: bor_ne",
            ),
            Rule("ND", AVALC == "ND", "not done", TEMPLATE),
        ),
        "Best overall response (confirmation not required)",
    )


def confirmed_best_overall_response(rules: ResponseRules) -> FirstMatch:
    """CBOR: as BOR, with CR and PR only when confirmed (``confirmations``).

    An unconfirmed CR or PR on day ``ref_start_window_days`` or later counts as SD (RECIST
    1.1 Table 3).

    Parameters
    ----------
    rules : ResponseRules
        The minimum SD duration (``ref_start_window_days``).

    Returns
    -------
    FirstMatch
        The CBOR rules, best first (``CONFIRMED`` is the confirmations' verdict).

    Examples
    --------
    >>> [r.description for r in confirmed_best_overall_response(ResponseRules()).rules][2]
    'CR, PR or SD on day 42 or later (an unconfirmed CR or PR counts as SD)'
    """
    w, bor = rules.ref_start_window_days, best_overall_response(rules).rules
    return FirstMatch(
        "CBOR",
        (
            Rule("CR", (AVALC == "CR") & CONFIRMED, "a confirmed CR", f"{EVENTS}: cbor_cr"),
            Rule("PR", (AVALC == "PR") & CONFIRMED, "a confirmed PR", f"{EVENTS}: cbor_pr"),
            Rule(
                "SD",
                AVALC.is_in(["CR", "PR", "SD"]) & in_window(rules),
                f"CR, PR or SD on day {w} or later (an unconfirmed CR or PR counts as SD)",
                f"{EVENTS}: bor_sd; RECIST 1.1 Table 3",
            ),
            *bor[3:],
        ),
        "Best confirmed overall response",
    )


def response_dates(rules: ResponseRules) -> tuple[FirstMatch, ...]:
    """RSP, CRSP, CB and CCB: Y at the earliest assessment meeting the rule, else N.

    Only assessments up to the first PD count (``up_to_first_pd``).

    Parameters
    ----------
    rules : ResponseRules
        The minimum SD duration (``ref_start_window_days``) of clinical benefit.

    Returns
    -------
    tuple of FirstMatch
        One single-rule ``FirstMatch`` per parameter, named by its ``PARAMCD``.

    Examples
    --------
    >>> [f.name for f in response_dates(ResponseRules())]
    ['RSP', 'CRSP', 'CB', 'CCB']
    """
    w, window = rules.ref_start_window_days, in_window(rules)
    resp = AVALC.is_in(["CR", "PR"])
    stable = AVALC.is_in(["SD", "NON-CR/NON-PD"]) & window
    benefit = AVALC.is_in(["CR", "PR", "SD", "NON-CR/NON-PD"]) & window
    return tuple(
        FirstMatch(code, (Rule("Y", condition, words, source),), PARAMS[code])
        for code, condition, words, source in (
            ("RSP", resp, "a CR or PR", f"{EVENTS}: rsp_y"),
            ("CRSP", resp & CONFIRMED, "a confirmed CR or PR", f"{EVENTS}: crsp_y_cr, crsp_y_pr"),
            (
                "CB",
                resp | stable,
                f"a CR or PR, or SD or NON-CR/NON-PD on day {w} or later",
                f"{EVENTS}: cb_y",
            ),
            (
                "CCB",
                (resp & CONFIRMED) | benefit,
                f"a confirmed CR or PR, or CR, PR, SD or NON-CR/NON-PD on day {w} or later",
                f"{TEMPLATE}: CCB",
            ),
        )
    )


# ------------------------------------------------------------------ the derivation


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
        NON-CR/NON-PD, PD, NE, ND), and optionally ``SEQ`` (higher wins a same-date tie),
        ``ADTF`` (date imputation flag) and ``SRCDOM``/``SRCVAR`` (where it comes from).
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
        ``ADTF``, ``ANL01FL``, ``ANL02FL``, and ``SRCDOM``, ``SRCVAR``, ``SRCSEQ``: the OVR
        records plus one row per subject and parameter. A parameter whose value is that of
        one overall response (BOR, CBOR, RSP, CRSP, CB, CCB, BCP, CBCP, PD, LSTA) names that
        response's source; DEATH names ADSL's DTHDT.

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
    for name, dtype in (("SEQ", pl.Int64), ("ADTF", pl.String), *_SOURCE_TEXT):
        if name not in responses.columns:
            responses = responses.with_columns(pl.lit(None, dtype=dtype).alias(name))
    ids = number_subjects(responses, subjects)
    subjects = keyed(subjects.select(ID, "REFDT", "DTHDT", "MDIS"), ids)
    ovr = keyed(responses.select(ID, "ADT", "AVALC", "SEQ", "ADTF", "SRCDOM", "SRCVAR"), ids).join(
        subjects.select(SID, "REFDT"), on=SID, how="left", maintain_order="left"
    )
    ovr = ovr.with_row_index("_row").with_columns(ANALYSED.condition.alias("_ok"))
    anl = worst_of_each_date(ovr.filter("_ok"), AVALC.replace_strict(WORST_FIRST, default=0))
    first_pd = anl.filter(AVALC == "PD").group_by(SID).agg(ADT.min().alias("_pd"))
    anl = _with_pd_cutoff(anl, first_pd, pd_dates, ids, rules)
    ovr = ovr.with_columns(
        scatter(ovr.height, anl["_row"], True, "_anl01"),
        scatter(ovr.height, anl["_row"], anl["_anl02"], "_anl02"),
    )
    last = last_of_subject(anl).select(SID, AVALC.alias("_last"), ADT.alias("_last_dt"))
    per = subjects.select(SID)
    for found in (_per_subject(numbered(anl.filter("_anl02")), rules), first_pd, last):
        per = per.join(found, on=SID, how="left", maintain_order="left")
    return _adrs_table(_parameter_rows(per, subjects, rules, anl), ovr, ids, studyid)


def _with_pd_cutoff(
    anl: pl.DataFrame,
    first_pd: pl.DataFrame,
    pd_dates: pl.DataFrame | None,
    ids: pl.DataFrame,
    rules: ResponseRules,
) -> pl.DataFrame:
    """``anl`` with ``_pd`` (the cut-off: a given PD date, else the first PD) and ``_anl02``."""
    cutoff = first_pd
    if pd_dates is not None:
        given = keyed(pd_dates.select(ID, pl.col("PDDT").alias("_pd")), ids).select(SID, "_pd")
        cutoff = pl.concat([given, first_pd.join(given, on=SID, how="anti")])
    return anl.join(cutoff, on=SID, how="left", maintain_order="left").with_columns(
        up_to_first_pd(rules).condition.alias("_anl02")
    )


def _per_subject(seq: pl.DataFrame, rules: ResponseRules) -> pl.DataFrame:
    """Per subject: the best (confirmed) response keys and the dates of RSP, CRSP, CB, CCB."""
    seq = seq.join(
        confirmed(seq, confirmations(rules)), on=[SID, "_i"], how="left", maintain_order="left"
    ).with_columns(CONFIRMED.fill_null(False))
    return seq.group_by(SID).agg(
        best(best_overall_response(rules)),
        best(confirmed_best_overall_response(rules)),
        *(earliest(flag.rules[0].condition, flag.name) for flag in response_dates(rules)),
    )


def _flag_rows(frame: pl.DataFrame, paramcd: str, has: pl.Expr, date: pl.Expr) -> pl.DataFrame:
    """Y/N parameter rows: Y where ``has`` holds (with ``date``), else N."""
    return frame.select(
        SID,
        pl.lit(_PARAM_ORDER[paramcd], pl.Int64).alias("_p"),
        pl.when(has).then(pl.lit("Y")).otherwise(pl.lit("N")).alias("AVALC"),
        pl.when(has).then(1.0).otherwise(0.0).alias("AVAL"),
        date.alias("ADT"),
    )


def _category_rows(frame: pl.DataFrame, paramcd: str, cat: pl.Expr, date: pl.Expr) -> pl.DataFrame:
    return frame.select(
        SID,
        pl.lit(_PARAM_ORDER[paramcd], pl.Int64).alias("_p"),
        cat.alias("AVALC"),
        cat.replace_strict(AVAL_OF, default=None, return_dtype=pl.Float64).alias("AVAL"),
        date.alias("ADT"),
    )


def _parameter_rows(
    per: pl.DataFrame, subjects: pl.DataFrame, rules: ResponseRules, anl: pl.DataFrame
) -> pl.DataFrame:
    """One row per subject and parameter (every parameter but OVR), each with the source of
    its value: the overall response it was derived from (``_SOURCED``), the subject's death
    date (DEATH)."""
    missing = "NE" if rules.missing_as_ne else "MISSING"
    bests = []
    for rules_ in (best_overall_response(rules), confirmed_best_overall_response(rules)):
        bests.append(
            per.select(
                SID,
                best_category(rules_, missing).alias("_c"),
                best_date(rules_).alias("_d"),
            )
        )
    bor, cbor = bests
    responder = pl.col("_c").is_in(["CR", "PR"])
    no_date = pl.lit(None, dtype=pl.Date)
    parts = [
        _category_rows(bor, "BOR", pl.col("_c"), pl.col("_d")),
        _category_rows(cbor, "CBOR", pl.col("_c"), pl.col("_d")),
        *(
            _flag_rows(per, f.name, pl.col(f.name).is_not_null(), pl.col(f.name))
            for f in response_dates(rules)
        ),
        _flag_rows(bor, "BCP", responder, pl.when(responder).then("_d")),
        _flag_rows(cbor, "CBCP", responder, pl.when(responder).then("_d")),
        _flag_rows(per, "PD", pl.col("_pd").is_not_null(), pl.col("_pd")),
        _category_rows(per, "LSTA", pl.col("_last"), pl.col("_last_dt")),
        _flag_rows(subjects, "DEATH", pl.col("DTHDT").is_not_null(), pl.col("DTHDT")),
        _flag_rows(subjects, "MDIS", pl.col("MDIS").fill_null(False), no_date),
    ]
    # the rows carry as little text as they can through the sort: PARAMCD is its rank ``_p``
    # and the Y flags are booleans until after it (moving text costs more than making it)
    rows = pl.concat(parts, how="vertical_relaxed").with_columns(
        pl.lit(True).alias("_anl01"),
        pl.lit(None, dtype=pl.String).alias("ADTF"),
        pl.lit(False).alias("_anl02"),
    )
    sourced = pl.col("_p").is_in([_PARAM_ORDER[c] for c in _SOURCED])
    death = (pl.col("_p") == _PARAM_ORDER["DEATH"]) & pl.col("ADT").is_not_null()
    return sources(rows, anl.rename({"SEQ": "SRCSEQ"}), sourced).with_columns(
        pl.when(death).then(pl.lit("ADSL")).otherwise("SRCDOM").alias("SRCDOM"),
        pl.when(death).then(pl.lit("DTHDT")).otherwise("SRCVAR").alias("SRCVAR"),
    )


def _adrs_table(
    params: pl.DataFrame, ovr: pl.DataFrame, ids: pl.DataFrame, studyid: str
) -> pl.DataFrame:
    """The OVR rows and the parameter rows, in subject, PARAMCD and date order, with text."""
    ovr_rows = ovr.select(
        SID,
        pl.lit(_PARAM_ORDER["OVR"], pl.Int64).alias("_p"),
        "AVALC",
        AVALC.replace_strict(AVAL_OF, default=None, return_dtype=pl.Float64).alias("AVAL"),
        "ADT",
        "ADTF",
        "_anl01",
        pl.col("_anl02").fill_null(False),
        "SRCDOM",
        "SRCVAR",
        pl.col("SEQ").alias("SRCSEQ"),
    )
    rows = pl.concat([params.select(ovr_rows.columns), ovr_rows], how="vertical_relaxed")
    adrs = in_output_order(rows, len(_PARAMCDS))
    return adrs.select(
        pl.lit(studyid).alias("STUDYID"),
        ids[ID].gather(adrs[SID]).alias(ID),
        pl.Series(_PARAMCDS).gather(adrs["_p"]).alias("PARAMCD"),
        pl.Series([PARAMS[c] for c in _PARAMCDS]).gather(adrs["_p"]).alias("PARAM"),
        "AVALC",
        "AVAL",
        "ADT",
        "ADTF",
        pl.when("_anl01").then(pl.lit("Y")).alias("ANL01FL"),
        pl.when("_anl02").then(pl.lit("Y")).alias("ANL02FL"),
        *SOURCE,
    )
