"""The tumor-response corpus is well formed: shapes, vocabularies, dates, coverage.

These tests check the corpus only (``tests/derive/response_corpus.py``); they need no response
derivation. The corpus's numbers are checked against the implementation elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.derive.response_corpus import CASES, TAGS, Lesion, ResponseCase

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TAG = re.compile(r"\[([^\[\]]+)\]")

CRITERIA = {"recist1.1", "who"}
ORGANS = {
    "adrenal", "bone", "brain", "breast", "intestine", "kidney", "liver", "lung", "lymph_node",
    "muscle", "pancreas", "peritoneum", "pleura", "skin", "soft_tissue", "spleen",
    "subcutaneous", "other",
}  # fmt: skip
STATES = {"present", "absent", "too_small", "unequivocal_progression", "not_evaluated"}
TARGET_RESPONSES = {"CR", "PR", "SD", "PD", "NE"}
NONTARGET_RESPONSES = {"CR", "NON-CR/NON-PD", "PD", "NE"}
OVERALL_RESPONSES = {"CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE"}
BOR_RANKING = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE")
SD_MIN_DAYS = 42

# RECIST 1.1 Table 1 (targets +/- non-targets) and Table 2 (non-targets only), no new lesion.
TABLE1 = {
    ("CR", None): "CR",  # no non-target lesions at all (interpretation 1)
    ("CR", "CR"): "CR",
    ("CR", "NON-CR/NON-PD"): "PR",
    ("CR", "NE"): "PR",
    ("PR", None): "PR",
    ("PR", "CR"): "PR",
    ("PR", "NON-CR/NON-PD"): "PR",
    ("PR", "NE"): "PR",
    ("SD", None): "SD",
    ("SD", "CR"): "SD",
    ("SD", "NON-CR/NON-PD"): "SD",
    ("SD", "NE"): "SD",
    ("NE", None): "NE",
    ("NE", "CR"): "NE",
    ("NE", "NON-CR/NON-PD"): "NE",
    ("NE", "NE"): "NE",
}
TABLE2 = {"CR": "CR", "NON-CR/NON-PD": "NON-CR/NON-PD", "NE": "NE"}

case_param = pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])


# ---------------------------------------------------------------- helpers


def _date(text: str) -> dt.date:
    assert ISO_DATE.match(text), f"not an ISO date: {text!r}"
    return dt.date.fromisoformat(text)


def _tags(case: ResponseCase) -> list[str]:
    return TAG.findall(case.story)


def _baseline(case: ResponseCase) -> str:
    return case.scans[0].on


def _is_new(case: ResponseCase, lesion: Lesion) -> bool:
    return _date(lesion.first_seen_on) > _date(_baseline(case))


def _targets(case: ResponseCase) -> list[Lesion]:
    return [lesion for lesion in case.lesions if lesion.target]


def _nontargets(case: ResponseCase) -> list[Lesion]:
    return [les for les in case.lesions if not les.target and not _is_new(case, les)]


def _new_lesions(case: ResponseCase) -> list[Lesion]:
    return [lesion for lesion in case.lesions if _is_new(case, lesion)]


def _bor(case: ResponseCase) -> str:
    """Unconfirmed BOR from the case's own expected overall responses (the corpus's rule)."""
    post = case.scans[1:]
    if not post:
        return "MISSING"
    start = _date(case.treatment_start)
    counted = []
    for scan, response in zip(post, case.expected_overall, strict=True):
        early = (_date(scan.on) - start).days < SD_MIN_DAYS
        counted.append("NE" if response in {"SD", "NON-CR/NON-PD"} and early else response)
        if response == "PD":
            break
    return min(counted, key=BOR_RANKING.index)


# ---------------------------------------------------------------- the corpus as a whole


def test_enough_cases_per_criteria() -> None:
    recist = [c for c in CASES if c.criteria == "recist1.1"]
    who = [c for c in CASES if c.criteria == "who"]
    assert len(CASES) >= 45
    assert len(recist) >= 30
    assert len(who) >= 12


def test_cases_are_response_cases() -> None:
    assert isinstance(CASES, tuple)
    assert all(isinstance(case, ResponseCase) for case in CASES)


def test_case_ids_unique_and_numbered_per_criteria() -> None:
    ids = [case.case_id for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    for prefix, criteria in (("R", "recist1.1"), ("W", "who")):
        mine = [case.case_id for case in CASES if case.criteria == criteria]
        assert mine == [f"{prefix}{n:02d}" for n in range(1, len(mine) + 1)]


def test_every_tag_is_covered() -> None:
    used = {tag for case in CASES for tag in _tags(case)}
    assert set(TAGS) - used == set(), "tags without a case"


def test_table_rows_are_all_covered() -> None:
    used = {tag for case in CASES for tag in _tags(case)}
    assert {f"T1-row{n}" for n in range(1, 10)} <= used
    assert {f"T2-row{n}" for n in range(1, 6)} <= used


DOCS = Path(__file__).resolve().parents[2] / "docs" / "response.md"


def _interpretations() -> dict[int, str]:
    """The numbered interpretations of docs/response.md, by number."""
    text = DOCS.read_text()
    part = text[text.index("### Interpretations") : text.index("## 2.")]
    items = re.split(r"\n(\d+)\. ", part)
    return {int(n): body for n, body in zip(items[1::2], items[2::2], strict=True)}


def test_interpretations_are_numbered_in_order() -> None:
    assert list(_interpretations()) == list(range(1, len(_interpretations()) + 1))


def test_docs_name_only_existing_cases_and_every_interpretation_case() -> None:
    named = {c for body in _interpretations().values() for c in re.findall(r"\b[RW]\d{2}\b", body)}
    assert named <= {case.case_id for case in CASES}
    interp = {case.case_id for case in CASES if "interp" in _tags(case)}
    assert interp - named == set(), "cases tagged [interp] that no interpretation names"


def test_stories_cite_existing_interpretations() -> None:
    numbers = set(_interpretations())
    for case in CASES:
        for n in re.findall(r"interpretations? (\d+)", case.story):
            assert int(n) in numbers, (case.case_id, n)
        # the case is named by the interpretation it cites
        for n in re.findall(r"interpretation (\d+)", case.story):
            assert case.case_id in _interpretations()[int(n)], (case.case_id, n)


def test_every_object_the_rule_tables_link_exists() -> None:
    from remission import derive

    text = DOCS.read_text()
    tables = text[text.index("### Where each rule lives") : text.index("### Interpretations")]
    linked = set(re.findall(r"\[`(\w+)`\]\(\.\./src/remission/derive/_\w+\.py\)", tables))
    assert len(linked) >= 15
    assert {name for name in linked if not hasattr(derive, name)} == set()


# ---------------------------------------------------------------- each case


@case_param
def test_criteria_valid(case: ResponseCase) -> None:
    assert case.criteria in CRITERIA


@case_param
def test_story_is_one_tagged_sentence(case: ResponseCase) -> None:
    tags = _tags(case)
    assert case.story.startswith("["), "the story starts with its tags"
    assert tags, "no coverage tag"
    assert set(tags) <= set(TAGS), f"unknown tags {set(tags) - set(TAGS)}"
    assert "\n" not in case.story
    assert case.story.rstrip().endswith(".")


@case_param
def test_tags_fit_the_criteria(case: ResponseCase) -> None:
    for tag in _tags(case):
        if tag.startswith("who-"):
            assert case.criteria == "who", tag
        elif tag != "interp":
            assert case.criteria == "recist1.1", tag


@case_param
def test_expected_tuples_have_one_entry_per_post_baseline_scan(case: ResponseCase) -> None:
    n = len(case.scans) - 1
    assert len(case.expected_target) == n
    assert len(case.expected_nontarget) == n
    assert len(case.expected_new) == n
    assert len(case.expected_overall) == n


@case_param
def test_expected_values_in_vocabulary(case: ResponseCase) -> None:
    assert all(v is None or v in TARGET_RESPONSES for v in case.expected_target)
    assert all(v is None or v in NONTARGET_RESPONSES for v in case.expected_nontarget)
    assert all(isinstance(v, bool) for v in case.expected_new)
    assert all(v in OVERALL_RESPONSES for v in case.expected_overall)
    assert case.expected_bor in OVERALL_RESPONSES | {"MISSING"}


@case_param
def test_none_exactly_when_there_are_no_such_lesions(case: ResponseCase) -> None:
    has_targets = bool(_targets(case))
    has_nontargets = bool(_nontargets(case))
    assert all((v is not None) == has_targets for v in case.expected_target)
    assert all((v is not None) == has_nontargets for v in case.expected_nontarget)


@case_param
def test_size_of_the_story(case: ResponseCase) -> None:
    assert 1 <= len(case.lesions) <= 4
    assert 1 <= len(case.scans) <= 5
    assert _targets(case) or _nontargets(case), "no baseline disease"
    if case.criteria == "who":
        assert _targets(case), "WHO cases have measured (target) disease"


@case_param
def test_dates_iso_and_increasing(case: ResponseCase) -> None:
    start = _date(case.treatment_start)
    days = [_date(scan.on) for scan in case.scans]
    assert days == sorted(days) and len(set(days)) == len(days), "scans not strictly increasing"
    assert days[0] <= start, "baseline after treatment start"
    for lesion in case.lesions:
        _date(lesion.first_seen_on)


@case_param
def test_lesions(case: ResponseCase) -> None:
    ids = [lesion.lesion_id for lesion in case.lesions]
    assert len(ids) == len(set(ids)), "duplicate lesion ids"
    later_scans = {scan.on for scan in case.scans[1:]}
    for lesion in case.lesions:
        assert lesion.organ in ORGANS, lesion
        assert lesion.nodal == (lesion.organ == "lymph_node"), lesion
        if _is_new(case, lesion):
            assert not lesion.target, f"new lesion {lesion.lesion_id} marked target"
            assert lesion.first_seen_on in later_scans, "a new lesion is first seen on a scan"
            assert re.fullmatch(r"N\d+", lesion.lesion_id), lesion.lesion_id
        else:
            assert lesion.first_seen_on == _baseline(case), "baseline lesion not seen at baseline"
            pattern = r"T\d+" if lesion.target else r"NT\d+"
            assert re.fullmatch(pattern, lesion.lesion_id), lesion.lesion_id


@case_param
def test_one_reading_per_lesion_from_first_seen_on(case: ResponseCase) -> None:
    lesions = {lesion.lesion_id: lesion for lesion in case.lesions}
    for scan in case.scans:
        read = [reading.lesion_id for reading in scan.readings]
        assert len(read) == len(set(read)), f"{scan.on}: two readings of one lesion"
        assert set(read) <= set(lesions), f"{scan.on}: reading of an unknown lesion"
        due = {
            lesion_id
            for lesion_id, lesion in lesions.items()
            if _date(lesion.first_seen_on) <= _date(scan.on)
        }
        assert set(read) == due, f"{scan.on}: readings {sorted(read)} but lesions {sorted(due)}"


@case_param
def test_readings_are_valid_measurements(case: ResponseCase) -> None:
    lesions = {lesion.lesion_id: lesion for lesion in case.lesions}
    for scan in case.scans:
        for r in scan.readings:
            lesion = lesions[r.lesion_id]
            sizes = (r.longest_mm, r.perpendicular_mm, r.short_axis_mm)
            assert r.state in STATES, r
            if r.state != "present":
                assert sizes == (None, None, None), f"{scan.on}: {r.state} reading with a size"
                continue
            assert all(s is None or 0 < s <= 1000 for s in sizes), r
            if r.perpendicular_mm is not None:
                assert r.longest_mm is not None and r.perpendicular_mm <= r.longest_mm, r
            if r.short_axis_mm is not None:
                assert lesion.nodal, f"short axis on a non-nodal lesion: {r}"
                assert r.longest_mm is not None and r.short_axis_mm <= r.longest_mm, r
            if lesion.target and case.criteria == "recist1.1":
                needed = r.short_axis_mm if lesion.nodal else r.longest_mm
                assert needed is not None, f"{scan.on}: present target without its diameter"
            if lesion.target and case.criteria == "who":
                assert r.longest_mm is not None and r.perpendicular_mm is not None, r


@case_param
def test_baseline_shows_all_disease(case: ResponseCase) -> None:
    assert all(r.state == "present" for r in case.scans[0].readings)


@case_param
def test_new_lesions_are_seen_when_first_recorded(case: ResponseCase) -> None:
    for lesion in _new_lesions(case):
        scan = next(s for s in case.scans if s.on == lesion.first_seen_on)
        (reading,) = [r for r in scan.readings if r.lesion_id == lesion.lesion_id]
        assert reading.state in {"present", "too_small"}


@case_param
def test_expected_new_matches_the_readings(case: ResponseCase) -> None:
    new_ids = {lesion.lesion_id for lesion in _new_lesions(case)}
    for scan, expected in zip(case.scans[1:], case.expected_new, strict=True):
        seen = any(
            r.lesion_id in new_ids and r.state in {"present", "too_small"} for r in scan.readings
        )
        assert seen == expected, scan.on


@case_param
def test_overall_follows_from_the_components(case: ResponseCase) -> None:
    rows = zip(
        case.expected_target,
        case.expected_nontarget,
        case.expected_new,
        case.expected_overall,
        strict=True,
    )
    for target, nontarget, new, overall in rows:
        if target == "PD" or nontarget == "PD" or new:
            assert overall == "PD", (target, nontarget, new, overall)
            continue
        if case.criteria == "recist1.1":
            expected = TABLE1[target, nontarget] if target else TABLE2[nontarget]
            assert overall == expected, (target, nontarget, new, overall)
        else:
            assert overall != "PD"
            if overall == "CR":
                assert target == "CR" and nontarget in {None, "CR"}
            if target == "NE":
                assert overall == "NE"


@case_param
def test_expected_bor_follows_from_the_overall_responses(case: ResponseCase) -> None:
    assert case.expected_bor == _bor(case)
