"""``[published]`` in ``study.toml``: the figures a publication reported for this cohort.

When a study declares them, the report prints a "published vs this analysis" table, so a
reader sees at once whether the records reproduce the paper (the demo declares the 1998 NCI
series' figures, Rosenberg et al., Ann Surg 1998;228:307-19).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from remission.study._problems import Problem, ProblemLog, shown

_INTS = ("patients", "complete_responses", "partial_responses", "ongoing_complete_responses")
_FLOATS = ("median_potential_followup_years",)
_TEXTS = ("citation", "ongoing_duration_months")
_TABLES = ("complete_responses_by_histology",)
KEYS = _TEXTS + _INTS + _FLOATS + _TABLES


@dataclass(frozen=True)
class Published:
    """Figures a publication reported; every field but the citation is optional.

    Parameters
    ----------
    citation : str
        The publication.
    patients, complete_responses, partial_responses, ongoing_complete_responses : int or None
        Counts as published.
    complete_responses_by_histology : dict of str to int
        Complete responses per histology.
    ongoing_duration_months : str or None
        The range of ongoing complete responses as printed, e.g. "39 to >148".
    median_potential_followup_years : float or None
        Median potential follow-up in years.

    Examples
    --------
    >>> Published("Rosenberg 1998", patients=409).patients
    409
    """

    citation: str
    patients: int | None = None
    complete_responses: int | None = None
    partial_responses: int | None = None
    ongoing_complete_responses: int | None = None
    complete_responses_by_histology: dict[str, int] = field(default_factory=dict)
    ongoing_duration_months: str | None = None
    median_potential_followup_years: float | None = None

    def to_toml_dict(self) -> dict[str, Any]:
        """The ``[published]`` table, without the fields left empty.

        Returns
        -------
        dict
            Ready for a TOML writer.

        Examples
        --------
        >>> Published("Paper", patients=12).to_toml_dict()
        {'citation': 'Paper', 'patients': 12}
        """
        out: dict[str, Any] = {}
        for key in KEYS:
            value = getattr(self, key)
            if value not in (None, {}):
                out[key] = dict(value) if isinstance(value, dict) else value
        return out


def _bad(log: ProblemLog, key: str, value: object, expected: str, fix: str) -> None:
    log.add(
        Problem(
            "error",
            "config.published",
            "study.toml",
            None,
            f"published.{key}" if key else "published",
            shown(value),
            expected,
            fix,
        )
    )


def read_published(data: object, log: ProblemLog) -> Published | None:
    """Check the ``[published]`` table; record problems in ``log``.

    Parameters
    ----------
    data : object
        The parsed ``[published]`` table (None when absent).
    log : ProblemLog
        Where problems go.

    Returns
    -------
    Published or None
        The figures, or None when absent or wrong.

    Examples
    --------
    >>> log = ProblemLog()
    >>> read_published({"citation": "P", "patients": 9}, log).patients, log.errors
    (9, [])
    """
    if data is None:
        return None
    before = len(log.errors)
    if not isinstance(data, dict):
        _bad(log, "", data, "a [published] table", "write [published] on its own line")
        return None
    for key in data:
        if key not in KEYS:
            _bad(log, key, data[key], "a known field", f"use one of: {', '.join(KEYS)}")
    if not isinstance(data.get("citation"), str) or not data.get("citation", "").strip():
        _bad(log, "citation", data.get("citation"), "the publication", 'write citation = "..."')
    for key in _INTS:
        v = data.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            _bad(log, key, v, "a whole number >= 0", f"write {key} = 33")
    for key in _FLOATS:
        v = data.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float) or v < 0):
            _bad(log, key, v, "a number >= 0", f"write {key} = 7.1")
    v = data.get("ongoing_duration_months")
    if v is not None and not isinstance(v, str):
        _bad(
            log,
            "ongoing_duration_months",
            v,
            "text",
            'write ongoing_duration_months = "39 to >148"',
        )
    hist = data.get("complete_responses_by_histology", {})
    if not isinstance(hist, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in hist.values()
    ):
        _bad(
            log,
            "complete_responses_by_histology",
            hist,
            "histology = count pairs",
            "write complete_responses_by_histology = { melanoma = 12, renal = 21 }",
        )
    if len(log.errors) > before:
        return None
    return Published(
        citation=data["citation"].strip(),
        patients=data.get("patients"),
        complete_responses=data.get("complete_responses"),
        partial_responses=data.get("partial_responses"),
        ongoing_complete_responses=data.get("ongoing_complete_responses"),
        complete_responses_by_histology=dict(hist),
        ongoing_duration_months=data.get("ongoing_duration_months"),
        median_potential_followup_years=(
            float(data["median_potential_followup_years"])
            if "median_potential_followup_years" in data
            else None
        ),
    )
