"""``study.toml``: the study's settings, read and checked."""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from remission.study._problems import Problem, ProblemLog, shown
from remission.study._published import Published, read_published
from remission.study._schema import HISTOLOGY_CHARS

CRITERIA = ("who", "recist1.1")
REFERENCE_RULES = ("treatment_start", "randomization")

_REQUIRED = ("name", "cutoff_date", "histologies", "response_criteria", "synthetic")
_OPTIONAL = ("regimen", "reference_date", "description", "workbook")
_TABLES = ("study", "published")
"""The tables of study.toml; nothing else may stand at its top level."""

NAME_CHARS = 100
"""Longest study name: the PDF report prints it in every page's header line."""

DESCRIPTION_CHARS = 2000
"""Longest study description."""

EARLIEST_CUTOFF = dt.date(1900, 1, 1)
"""No cut-off may be earlier: no date of a study may be (``EARLIEST_DATE``)."""


@dataclass(frozen=True)
class StudyConfig:
    """The settings of one study (the ``[study]`` table of ``study.toml``).

    Parameters
    ----------
    name : str
        Study name, shown on every output.
    cutoff_date : datetime.date
        Data cut-off: follow-up is counted to this date.
    histologies : tuple of str
        The histologies patients may have (e.g. ``("melanoma", "renal")``).
    response_criteria : {"who", "recist1.1"}
        Criteria used to compute tumor response from measurements.
    regimen : str or None
        Name of the treatment regimen (built-in, or a TOML file beside ``study.toml``); None
        for a study without a dose ledger (e.g. imported from SDTM), which skips the ledger
        checks and ADEX.
    synthetic : bool
        True when the data are synthetic; every output then says so.
    reference_date : {"treatment_start", "randomization"}
        Date response windows and time-to-event are counted from.
    description : str
        Free text about the study (not patient data).
    workbook : str or None
        Name of the XLSX workbook holding the tables, when they are in one.
    published : Published or None
        Figures a publication reported for the cohort (``[published]`` in study.toml); the
        report compares them with this analysis.

    Examples
    --------
    >>> import datetime as dt
    >>> cfg = StudyConfig(
    ...     "Demo", dt.date(1998, 5, 1), ("melanoma",), "who", "nci-hd-il2-720k", True
    ... )
    >>> cfg.reference_date
    'treatment_start'
    """

    name: str
    cutoff_date: dt.date
    histologies: tuple[str, ...]
    response_criteria: str
    regimen: str | None
    synthetic: bool
    reference_date: str = "treatment_start"
    description: str = ""
    workbook: str | None = None
    published: Published | None = None

    def to_toml_dict(self) -> dict[str, Any]:
        """Return the settings as the ``study.toml`` mapping.

        Returns
        -------
        dict
            ``{"study": {...}}``, ready for a TOML writer.

        Examples
        --------
        >>> import datetime as dt
        >>> cfg = StudyConfig("D", dt.date(1998, 5, 1), ("renal",), "who", "nci-hd-il2-720k", True)
        >>> cfg.to_toml_dict()["study"]["histologies"]
        ['renal']
        """
        study: dict[str, Any] = {
            "name": self.name,
            "synthetic": self.synthetic,
            "cutoff_date": self.cutoff_date,
            "histologies": list(self.histologies),
            "response_criteria": self.response_criteria,
            "reference_date": self.reference_date,
        }
        if self.regimen:
            study["regimen"] = self.regimen
        if self.description:
            study["description"] = self.description
        if self.workbook:
            study["workbook"] = self.workbook
        if self.published is not None:
            return {"study": study, "published": self.published.to_toml_dict()}
        return {"study": study}


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean {close[0]!r}?" if close else f"use one of: {', '.join(choices)}"


def read_config(folder: Path, log: ProblemLog) -> StudyConfig | None:
    """Read ``folder/study.toml``; record problems in ``log`` and return None when unusable."""
    path = folder / "study.toml"
    file = "study.toml"
    if not path.is_file():
        log.add(
            Problem(
                "error",
                "config.missing",
                file,
                None,
                None,
                None,
                "a study.toml file in the study folder",
                "create study.toml (see docs/study-format.md for an example)",
            )
        )
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        log.add(
            Problem(
                "error",
                "config.encoding",
                file,
                None,
                None,
                None,
                "a UTF-8 text file",
                "save study.toml as UTF-8 text",
            )
        )
        return None
    except tomllib.TOMLDecodeError as exc:
        log.add(
            Problem(
                "error",
                "config.syntax",
                file,
                None,
                None,
                None,
                f"valid TOML ({exc})",
                "correct the line named; strings need quotes",
            )
        )
        return None
    study = data.get("study")
    if not isinstance(study, dict):
        log.add(
            Problem(
                "error",
                "config.no_study_table",
                file,
                None,
                None,
                None,
                "a [study] table",
                "start the file with a line [study]",
            )
        )
        return None
    before = len(log.errors)
    for key in data:
        if key not in _TABLES:
            under = key in _REQUIRED + _OPTIONAL
            log.add(
                Problem(
                    "error",
                    "config.unknown_key",
                    file,
                    None,
                    key,
                    None,
                    "a [study] or [published] table",
                    f"move {key} under [study]"
                    if under
                    else "remove it; study.toml holds the tables [study] and [published]",
                )
            )
    for key in study:
        if key not in _REQUIRED + _OPTIONAL:
            log.add(
                Problem(
                    "error",
                    "config.unknown_key",
                    file,
                    None,
                    key,
                    None,
                    "a known setting",
                    _suggest(key, _REQUIRED + _OPTIONAL),
                )
            )
    for key in _REQUIRED:
        if key not in study:
            log.add(
                Problem(
                    "error",
                    "config.missing_key",
                    file,
                    None,
                    key,
                    None,
                    f"the setting {key}",
                    f"add {key} = ... under [study]",
                )
            )
    if len(log.errors) > before:
        return None

    cutoff = study["cutoff_date"]
    if isinstance(cutoff, str):
        try:
            cutoff = dt.date.fromisoformat(cutoff)
        except ValueError:
            cutoff = None
    if not isinstance(cutoff, dt.date) or isinstance(cutoff, dt.datetime):
        log.add(
            Problem(
                "error",
                "config.cutoff",
                file,
                None,
                "cutoff_date",
                shown(study["cutoff_date"]),
                "an ISO 8601 date",
                "write cutoff_date = 1998-05-01 (YYYY-MM-DD)",
            )
        )
    elif cutoff < EARLIEST_CUTOFF:
        log.add(
            Problem(
                "error",
                "config.cutoff",
                file,
                None,
                "cutoff_date",
                cutoff.isoformat(),
                f"a date from {EARLIEST_CUTOFF.isoformat()} on",
                "write the data cut-off date as YYYY-MM-DD",
            )
        )
    hist = study["histologies"]
    if not (
        isinstance(hist, list)
        and hist
        and all(isinstance(h, str) and h.strip() and len(h) <= HISTOLOGY_CHARS for h in hist)
    ):
        log.add(
            Problem(
                "error",
                "config.histologies",
                file,
                None,
                "histologies",
                shown(hist),
                "a non-empty list of names (text in quotes, at most "
                f"{HISTOLOGY_CHARS} characters each)",
                'write histologies = ["melanoma", "renal"]',
            )
        )
    crit = study["response_criteria"]
    if crit not in CRITERIA:
        log.add(
            Problem(
                "error",
                "config.criteria",
                file,
                None,
                "response_criteria",
                shown(crit),
                f"one of {', '.join(CRITERIA)}",
                _suggest(str(crit), CRITERIA),
            )
        )
    ref = study.get("reference_date", "treatment_start")
    if ref not in REFERENCE_RULES:
        log.add(
            Problem(
                "error",
                "config.reference_date",
                file,
                None,
                "reference_date",
                shown(ref),
                f"one of {', '.join(REFERENCE_RULES)}",
                _suggest(str(ref), REFERENCE_RULES),
            )
        )
    if not isinstance(study["synthetic"], bool):
        log.add(
            Problem(
                "error",
                "config.synthetic",
                file,
                None,
                "synthetic",
                shown(study["synthetic"]),
                "true or false",
                "write synthetic = true for made-up data, false for real patients",
            )
        )
    name = study["name"]
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_CHARS:
        log.add(
            Problem(
                "error",
                "config.name",
                file,
                None,
                "name",
                shown(name),
                f"a study name (text in quotes, at most {NAME_CHARS} characters)",
                'write name = "My study"',
            )
        )
    texts = {
        "regimen": (
            "config.regimen",
            "a regimen name",
            'write regimen = "nci-hd-il2-720k", or remove the line for a study without doses',
        ),
        "workbook": (
            "config.workbook",
            "a file name",
            'write workbook = "study.xlsx", or remove the line',
        ),
        "description": (
            "config.description",
            f"text of at most {DESCRIPTION_CHARS} characters",
            'write description = "..." (a short note about the study)',
        ),
    }
    for key, (code, expected, fix) in texts.items():
        value = study.get(key, "")
        blank = key != "description" and key in study and not str(value).strip()
        if not isinstance(value, str) or len(value) > DESCRIPTION_CHARS or blank:
            log.add(
                Problem("error", code, file, None, key, shown(value), f"{expected} in quotes", fix)
            )
    published = read_published(data.get("published"), log)
    if len(log.errors) > before:
        return None
    return StudyConfig(
        name=study["name"].strip(),
        cutoff_date=cutoff,
        histologies=tuple(hist),
        response_criteria=crit,
        regimen=study.get("regimen") or None,
        synthetic=study["synthetic"],
        reference_date=ref,
        description=study.get("description", ""),
        workbook=study.get("workbook") or None,
        published=published,
    )
