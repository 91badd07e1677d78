"""Hand-made tumor-response cases with expected answers (RECIST 1.1 and WHO bidimensional).

Pure data: no ``remission`` import, no computation. Each case is one small patient: its lesions
(``lesions`` table), its scans with one reading per lesion (``measurements`` table), and the
expected per-scan target / non-target / new-lesion / overall responses plus the unconfirmed best
overall response. The arithmetic behind every expectation is written in a comment above each scan.

Sources: Eisenhauer EA et al. New response evaluation criteria in solid tumours: revised RECIST
guideline (version 1.1). Eur J Cancer 2009;45:228-47 (Table 1: targets with or without
non-targets; Table 2: non-target disease only), with the EORTC RECIST working group's published
clarifications; Miller AB et al. Reporting results of cancer treatment. Cancer 1981;47:207-14
(WHO bidimensional criteria).

Each ``story`` starts with one or more tags from ``TAGS`` (for example ``[T1-row3]`` for row 3 of
RECIST Table 1), so that a failing case names the rule it exercises.

Interpretations: where the guidelines are silent or ambiguous, the cases follow the numbered
interpretations of ``docs/response.md`` ("Interpretations, and the tests that pin them"), which
name the cases pinning each one; a story's "interpretation N" refers to that list, and a case
tagged ``[interp]`` is named there (``test_response_corpus_shape.py`` checks both).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesion:
    lesion_id: str  # "T1", "NT1", "N1" ...
    organ: str  # from the study vocabulary: lung, liver, lymph_node, skin, subcutaneous, ...
    nodal: bool
    target: bool  # new lesions are target=False
    first_seen_on: str  # ISO date; after the baseline scan for a new lesion


@dataclass(frozen=True)
class Reading:
    lesion_id: str
    state: str  # present | absent | too_small | unequivocal_progression | not_evaluated
    longest_mm: float | None = None
    perpendicular_mm: float | None = None
    short_axis_mm: float | None = None  # nodes (RECIST uses it as the node's diameter)


@dataclass(frozen=True)
class Scan:
    on: str  # ISO date
    readings: tuple[Reading, ...]


@dataclass(frozen=True)
class ResponseCase:
    case_id: str  # "R01", ... for RECIST 1.1, "W01", ... for WHO
    criteria: str  # "recist1.1" or "who"
    story: str  # one sentence: what the case tests (cite the table row / rule)
    treatment_start: str  # ISO date
    lesions: tuple[Lesion, ...]
    scans: tuple[Scan, ...]  # the first scan is the baseline (on or before treatment_start)
    expected_target: tuple[str | None, ...]  # per post-baseline scan
    expected_nontarget: tuple[str | None, ...]  # per post-baseline scan
    expected_new: tuple[bool, ...]  # per post-baseline scan
    expected_overall: tuple[str, ...]  # per post-baseline scan
    expected_bor: str  # unconfirmed best overall response


#: Coverage tags used in the stories, with what each one exercises.
TAGS: dict[str, str] = {
    # RECIST 1.1 Table 1 (targets +/- non-targets): target / non-target / new -> overall
    "T1-row1": "CR / CR / no -> CR",
    "T1-row2": "CR / NON-CR/NON-PD / no -> PR",
    "T1-row3": "CR / not evaluated / no -> PR",
    "T1-row4": "PR / non-PD or not all evaluated / no -> PR",
    "T1-row5": "SD / non-PD or not all evaluated / no -> SD",
    "T1-row6": "not all evaluated / non-PD / no -> NE",
    "T1-row7": "PD / any / any -> PD",
    "T1-row8": "any / PD / any -> PD",
    "T1-row9": "any / any / yes -> PD",
    # RECIST 1.1 Table 2 (non-target disease only): non-target / new -> overall
    "T2-row1": "CR / no -> CR",
    "T2-row2": "NON-CR/NON-PD / no -> NON-CR/NON-PD",
    "T2-row3": "not all evaluated / no -> NE",
    "T2-row4": "unequivocal PD / any -> PD",
    "T2-row5": "any / yes -> PD",
    # RECIST 1.1 lymph nodes
    "node-cr": "node 20 -> 8 mm short axis, non-nodal targets gone: CR although the sum is 8",
    "node-12-pr": "target node at 12 mm short axis: not CR (PR)",
    "node-boundary": "a node at exactly 10 mm is not normal; 9 mm is",
    "node-nt-normal": "nodal non-target < 10 mm short axis counts as normal (non-target CR)",
    "node-absent": "a target node recorded absent counts 0 mm",
    "node-short-axis": "nodal targets enter the sum by short axis, not longest diameter",
    # RECIST 1.1 sums and thresholds
    "too-small": "a too-small target counts 5 mm and prevents CR",
    "too-small-no-pd": "the 5 mm default nadir prevents a PD that raw small sizes would show",
    "pd-rel-only": "+20% over the nadir without +5 mm: not PD",
    "pd-abs-only": "+5 mm over the nadir without +20%: not PD",
    "pd-both": "+20% and +5 mm over the nadir: PD",
    "pd-boundary": "exactly +20% and exactly +5 mm: PD (inclusive)",
    "pr-boundary": "exactly -30% from baseline: PR (inclusive; exact decimal arithmetic)",
    "nadir": "shrink then regrow: PD from the nadir although still below baseline",
    "nadir-zero": "regrowth after target CR, judged from a nadir of 0 mm",
    "ne-target": "one target not evaluated: target NE",
    "ne-rescued-pd": "a target not evaluated, but the evaluated targets alone reach PD",
    "ne-nadir": "an NE scan does not enter the nadir",
    "new-lesion": "target PR but a new lesion: PD",
    "new-later": "a new lesion appearing at a later scan",
    "new-too-small": "a too-small new lesion is still a new lesion",
    "new-regressed": "a new lesion that later disappears is not new at that later scan",
    "baseline-same-day": "baseline scan on the day treatment starts",
    # RECIST 1.1 after a complete response (Table 3 note a; EORTC RECIST FAQ)
    "cr-then-disease": "after an overall CR any lesion seen again is PD, even a sum that says PR",
    "cr-then-node": "after CR a target node is back only at >= 10 mm short axis",
    "cr-then-node-nt": "after CR a nodal non-target is back only by unequivocal progression",
    "cr-not-met": "a 'CR' that was a PR (node never < 10 mm, lesion read too small): sums decide",
    "cr-not-overall": "target CR with a persisting non-target is not an overall CR",
    # best overall response (both criteria)
    "bor-missing": "no post-baseline scan: MISSING",
    "bor-early-sd": "SD before day 42 counts as NE",
    "bor-sd-day42": "SD exactly on day 42 counts",
    "bor-early-noncr": "NON-CR/NON-PD before day 42 counts as NE",
    "bor-cr-then-pd": "PD after CR: BOR stays CR",
    "bor-after-pd": "scans after the first PD are ignored",
    "bor-all-ne": "only NE time points: BOR NE",
    # WHO bidimensional
    "who-cr": "all lesions gone: CR",
    "who-cr-sustained": "CR kept at a later scan (SPD nadir 0 is not PD)",
    "who-pr-50": "SPD exactly 50% of baseline: PR",
    "who-pr-above-50": "SPD just above 50% of baseline: SD (no change)",
    "who-pd-spd": "SPD >= 125% of its nadir: PD",
    "who-pd-single": "one lesion +25% while the SPD falls: PD",
    "who-pr-nt-persists": "targets gone, non-target persists: PR, not CR",
    "who-cr-nt-ne": "targets gone, non-target not evaluated: PR",
    "who-reappear": "a target that was absent reappears: PD",
    "who-too-small": "too small counts 5 x 5 mm; single-lesion rule from 25 mm2",
    "who-new": "target PR but a new lesion: PD",
    "who-nt-up": "unequivocal progression of a non-target: PD",
    "who-ne": "a target not evaluated: NE",
    "who-ne-pd": "a target not evaluated, PD evident from another lesion: PD",
    "who-cr-then-pd": "PD after CR: BOR stays CR",
    "who-cr-then-nt": "a non-target seen again after a WHO CR: PD",
    "who-cr-not-met": "a target read too small is not a WHO CR; regrowth under 25% is not PD",
    "who-bor-missing": "no post-baseline scan: MISSING",
    "who-bor-early-sd": "no change before day 42 counts as NE",
    "who-bor-after-pd": "scans after the first PD are ignored",
    # marks a case that depends on an interpretation listed in the module docstring
    "interp": "the expectation rests on an interpretation (see the module docstring)",
}


CASES: tuple[ResponseCase, ...] = (
    # ============================================================== RECIST 1.1: Table 1 rows
    ResponseCase(
        case_id="R01",
        criteria="recist1.1",
        story="[T1-row1][T1-row4] Two targets shrink to PR, then every lesion disappears: "
        "target CR + non-target CR + no new lesion = CR.",
        treatment_start="2012-01-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2012-01-02"),
            Lesion("T2", "liver", False, True, "2012-01-02"),
            Lesion("NT1", "bone", False, False, "2012-01-02"),
        ),
        scans=(
            # baseline: sum 40 = 22+18
            Scan(
                "2012-01-02",
                (
                    Reading("T1", "present", 22.0),
                    Reading("T2", "present", 18.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 56: sum 22 = 12+10; 22/40 = 0.55 -> PR; NT1 present -> NON-CR/NON-PD -> PR
            Scan(
                "2012-03-05",
                (
                    Reading("T1", "present", 12.0),
                    Reading("T2", "present", 10.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 112: all absent, sum 0 -> target CR; NT1 absent -> CR; no new -> CR
            Scan(
                "2012-04-30",
                (Reading("T1", "absent"), Reading("T2", "absent"), Reading("NT1", "absent")),
            ),
        ),
        expected_target=("PR", "CR"),
        expected_nontarget=("NON-CR/NON-PD", "CR"),
        expected_new=(False, False),
        expected_overall=("PR", "CR"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="R02",
        criteria="recist1.1",
        story="[T1-row2] The only target disappears but a bone non-target persists: "
        "target CR + NON-CR/NON-PD = PR.",
        treatment_start="2012-02-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2012-02-02"),
            Lesion("NT1", "bone", False, False, "2012-02-02"),
        ),
        scans=(
            # baseline: sum 25
            Scan("2012-02-02", (Reading("T1", "present", 25.0), Reading("NT1", "present"))),
            # day 56: T1 absent -> sum 0 -> CR; NT1 present -> NON-CR/NON-PD -> PR
            Scan("2012-04-05", (Reading("T1", "absent"), Reading("NT1", "present"))),
            # day 112: unchanged -> PR
            Scan("2012-05-31", (Reading("T1", "absent"), Reading("NT1", "present"))),
        ),
        expected_target=("CR", "CR"),
        expected_nontarget=("NON-CR/NON-PD", "NON-CR/NON-PD"),
        expected_new=(False, False),
        expected_overall=("PR", "PR"),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="R03",
        criteria="recist1.1",
        story="[T1-row3] Both lung targets disappear while the pleural non-target is not "
        "evaluated: target CR + non-target NE = PR.",
        treatment_start="2012-03-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2012-03-02"),
            Lesion("T2", "lung", False, True, "2012-03-02"),
            Lesion("NT1", "pleura", False, False, "2012-03-02"),
        ),
        scans=(
            # baseline: sum 27 = 15+12
            Scan(
                "2012-03-02",
                (
                    Reading("T1", "present", 15.0),
                    Reading("T2", "present", 12.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 56: sum 0 -> CR; NT1 not evaluated -> NE -> PR
            Scan(
                "2012-05-04",
                (Reading("T1", "absent"), Reading("T2", "absent"), Reading("NT1", "not_evaluated")),
            ),
        ),
        expected_target=("CR",),
        expected_nontarget=("NE",),
        expected_new=(False,),
        expected_overall=("PR",),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="R04",
        criteria="recist1.1",
        story="[T1-row4] Target PR with the non-target present, then target PR with the "
        "non-target not evaluated: both PR.",
        treatment_start="2012-04-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2012-04-02"),
            Lesion("T2", "adrenal", False, True, "2012-04-02"),
            Lesion("NT1", "liver", False, False, "2012-04-02"),
        ),
        scans=(
            # baseline: sum 60 = 40+20
            Scan(
                "2012-04-02",
                (
                    Reading("T1", "present", 40.0),
                    Reading("T2", "present", 20.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 56: sum 37 = 25+12; 37/60 = 0.617 -> PR; NT1 present -> PR
            Scan(
                "2012-06-04",
                (
                    Reading("T1", "present", 25.0),
                    Reading("T2", "present", 12.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 112: sum 32 = 22+10; 32/60 = 0.533 -> PR (nadir 37, lower); NT1 NE -> PR
            Scan(
                "2012-07-30",
                (
                    Reading("T1", "present", 22.0),
                    Reading("T2", "present", 10.0),
                    Reading("NT1", "not_evaluated"),
                ),
            ),
        ),
        expected_target=("PR", "PR"),
        expected_nontarget=("NON-CR/NON-PD", "NE"),
        expected_new=(False, False),
        expected_overall=("PR", "PR"),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="R05",
        criteria="recist1.1",
        story="[T1-row5] Target SD with the non-target present, then SD with the non-target "
        "not evaluated: both SD.",
        treatment_start="2012-05-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2012-05-02"),
            Lesion("T2", "subcutaneous", False, True, "2012-05-02"),
            Lesion("NT1", "skin", False, False, "2012-05-02"),
        ),
        scans=(
            # baseline: sum 50 = 30+20
            Scan(
                "2012-05-02",
                (
                    Reading("T1", "present", 30.0),
                    Reading("T2", "present", 20.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 56: sum 45 = 27+18; 45/50 = 0.90 -> SD; NT1 present -> SD
            Scan(
                "2012-07-04",
                (
                    Reading("T1", "present", 27.0),
                    Reading("T2", "present", 18.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 112: sum 47 = 28+19; 47/50 = 0.94; nadir 45: 47/45 = 1.04, +2 mm -> SD;
            # NT1 NE -> SD
            Scan(
                "2012-08-29",
                (
                    Reading("T1", "present", 28.0),
                    Reading("T2", "present", 19.0),
                    Reading("NT1", "not_evaluated"),
                ),
            ),
        ),
        expected_target=("SD", "SD"),
        expected_nontarget=("NON-CR/NON-PD", "NE"),
        expected_new=(False, False),
        expected_overall=("SD", "SD"),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="R06",
        criteria="recist1.1",
        story="[T1-row6][ne-target][interp] One of two targets is not evaluated and the "
        "other alone is far from PD: target NE, overall NE; the next full scan is SD "
        "(the partial scan is never PR/SD by guess, interpretation 4).",
        treatment_start="2012-06-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2012-06-02"),
            Lesion("T2", "lung", False, True, "2012-06-02"),
            Lesion("NT1", "bone", False, False, "2012-06-02"),
        ),
        scans=(
            # baseline: sum 50 = 30+20
            Scan(
                "2012-06-02",
                (
                    Reading("T1", "present", 30.0),
                    Reading("T2", "present", 20.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 56: T2 not evaluated; evaluated T1 = 28 < 1.2*50 = 60 -> not PD -> NE;
            # NT1 present -> NON-CR/NON-PD -> NE
            Scan(
                "2012-08-04",
                (
                    Reading("T1", "present", 28.0),
                    Reading("T2", "not_evaluated"),
                    Reading("NT1", "present"),
                ),
            ),
            # day 112: sum 46 = 27+19; nadir 50 (NE scan excluded); 46/50 = 0.92 -> SD
            Scan(
                "2012-09-29",
                (
                    Reading("T1", "present", 27.0),
                    Reading("T2", "present", 19.0),
                    Reading("NT1", "present"),
                ),
            ),
        ),
        expected_target=("NE", "SD"),
        expected_nontarget=("NON-CR/NON-PD", "NON-CR/NON-PD"),
        expected_new=(False, False),
        expected_overall=("NE", "SD"),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="R07",
        criteria="recist1.1",
        story="[T1-row7][pd-both] Two liver targets grow +24% and +12 mm while a nodal "
        "non-target is unchanged: target PD = overall PD.",
        treatment_start="2012-07-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2012-07-02"),
            Lesion("T2", "liver", False, True, "2012-07-02"),
            Lesion("NT1", "lymph_node", True, False, "2012-07-02"),
        ),
        scans=(
            # baseline: sum 50 = 30+20; NT1 node short axis 12 (pathological, non-target)
            Scan(
                "2012-07-02",
                (
                    Reading("T1", "present", 30.0),
                    Reading("T2", "present", 20.0),
                    Reading("NT1", "present", 18.0, short_axis_mm=12.0),
                ),
            ),
            # day 56: sum 62 = 38+24; 62/50 = 1.24 >= 1.2 and +12 >= 5 -> PD;
            # NT1 12 mm -> NON-CR/NON-PD -> PD
            Scan(
                "2012-09-03",
                (
                    Reading("T1", "present", 38.0),
                    Reading("T2", "present", 24.0),
                    Reading("NT1", "present", 18.0, short_axis_mm=12.0),
                ),
            ),
        ),
        expected_target=("PD",),
        expected_nontarget=("NON-CR/NON-PD",),
        expected_new=(False,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="R08",
        criteria="recist1.1",
        story="[T1-row8] The target shrinks 40% (PR) but the bone non-target progresses "
        "unequivocally: overall PD.",
        treatment_start="2012-08-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2012-08-02"),
            Lesion("NT1", "bone", False, False, "2012-08-02"),
        ),
        scans=(
            # baseline: sum 25
            Scan("2012-08-02", (Reading("T1", "present", 25.0), Reading("NT1", "present"))),
            # day 56: sum 15; 15/25 = 0.60 -> PR; NT1 unequivocal progression -> PD -> PD
            Scan(
                "2012-10-04",
                (Reading("T1", "present", 15.0), Reading("NT1", "unequivocal_progression")),
            ),
        ),
        expected_target=("PR",),
        expected_nontarget=("PD",),
        expected_new=(False,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="R09",
        criteria="recist1.1",
        story="[T1-row9][new-lesion] Targets shrink 50% (PR) but a new liver lesion "
        "appears: overall PD.",
        treatment_start="2012-09-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2012-09-02"),
            Lesion("T2", "lung", False, True, "2012-09-02"),
            Lesion("N1", "liver", False, False, "2012-11-04"),
        ),
        scans=(
            # baseline: sum 60 = 40+20
            Scan(
                "2012-09-02",
                (Reading("T1", "present", 40.0), Reading("T2", "present", 20.0)),
            ),
            # day 56: sum 30 = 20+10; 30/60 = 0.50 -> PR; N1 new, present -> PD
            Scan(
                "2012-11-04",
                (
                    Reading("T1", "present", 20.0),
                    Reading("T2", "present", 10.0),
                    Reading("N1", "present", 8.0),
                ),
            ),
        ),
        expected_target=("PR",),
        expected_nontarget=(None,),
        expected_new=(True,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    # ============================================================== RECIST 1.1: Table 2 rows
    ResponseCase(
        case_id="R10",
        criteria="recist1.1",
        story="[T2-row1][T2-row2] Non-target disease only: one of two non-targets gone "
        "(NON-CR/NON-PD), then both gone (CR).",
        treatment_start="2012-10-09",
        lesions=(
            Lesion("NT1", "bone", False, False, "2012-10-02"),
            Lesion("NT2", "pleura", False, False, "2012-10-02"),
        ),
        scans=(
            # baseline: no targets
            Scan("2012-10-02", (Reading("NT1", "present"), Reading("NT2", "present"))),
            # day 56: NT1 present, NT2 absent -> NON-CR/NON-PD (Table 2)
            Scan("2012-12-04", (Reading("NT1", "present"), Reading("NT2", "absent"))),
            # day 112: both absent -> CR (Table 2)
            Scan("2013-01-29", (Reading("NT1", "absent"), Reading("NT2", "absent"))),
        ),
        expected_target=(None, None),
        expected_nontarget=("NON-CR/NON-PD", "CR"),
        expected_new=(False, False),
        expected_overall=("NON-CR/NON-PD", "CR"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="R11",
        criteria="recist1.1",
        story="[T2-row2] Non-target disease only, skin lesion and a 13 -> 11 mm node persist "
        "at day 63: NON-CR/NON-PD, which counts for BOR after day 42.",
        treatment_start="2012-11-09",
        lesions=(
            Lesion("NT1", "skin", False, False, "2012-11-02"),
            Lesion("NT2", "lymph_node", True, False, "2012-11-02"),
        ),
        scans=(
            # baseline: NT2 node short axis 13 (pathological, non-measurable)
            Scan(
                "2012-11-02",
                (Reading("NT1", "present"), Reading("NT2", "present", 19.0, short_axis_mm=13.0)),
            ),
            # day 63: NT1 present; NT2 11 mm >= 10 -> NON-CR/NON-PD
            Scan(
                "2013-01-11",
                (Reading("NT1", "present"), Reading("NT2", "present", 16.0, short_axis_mm=11.0)),
            ),
        ),
        expected_target=(None,),
        expected_nontarget=("NON-CR/NON-PD",),
        expected_new=(False,),
        expected_overall=("NON-CR/NON-PD",),
        expected_bor="NON-CR/NON-PD",
    ),
    ResponseCase(
        case_id="R12",
        criteria="recist1.1",
        story="[T2-row3] Non-target disease only, one non-target not evaluated: NE; the next "
        "complete scan is NON-CR/NON-PD.",
        treatment_start="2012-12-09",
        lesions=(
            Lesion("NT1", "peritoneum", False, False, "2012-12-02"),
            Lesion("NT2", "bone", False, False, "2012-12-02"),
        ),
        scans=(
            Scan("2012-12-02", (Reading("NT1", "present"), Reading("NT2", "present"))),
            # day 56: NT2 not evaluated, none progressing -> NE (Table 2)
            Scan("2013-02-03", (Reading("NT1", "present"), Reading("NT2", "not_evaluated"))),
            # day 112: both present -> NON-CR/NON-PD
            Scan("2013-03-31", (Reading("NT1", "present"), Reading("NT2", "present"))),
        ),
        expected_target=(None, None),
        expected_nontarget=("NE", "NON-CR/NON-PD"),
        expected_new=(False, False),
        expected_overall=("NE", "NON-CR/NON-PD"),
        expected_bor="NON-CR/NON-PD",
    ),
    ResponseCase(
        case_id="R13",
        criteria="recist1.1",
        story="[T2-row4] Non-target disease only, the pleural non-target progresses "
        "unequivocally: PD.",
        treatment_start="2013-01-09",
        lesions=(Lesion("NT1", "pleura", False, False, "2013-01-02"),),
        scans=(
            Scan("2013-01-02", (Reading("NT1", "present"),)),
            # day 56: unequivocal progression -> PD
            Scan("2013-03-06", (Reading("NT1", "unequivocal_progression"),)),
        ),
        expected_target=(None,),
        expected_nontarget=("PD",),
        expected_new=(False,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="R14",
        criteria="recist1.1",
        story="[T2-row5][new-later] Non-target disease only: NON-CR/NON-PD at day 56, then a "
        "new lung lesion at day 112 = PD; BOR keeps the earlier NON-CR/NON-PD.",
        treatment_start="2013-02-09",
        lesions=(
            Lesion("NT1", "bone", False, False, "2013-02-02"),
            Lesion("N1", "lung", False, False, "2013-06-01"),
        ),
        scans=(
            Scan("2013-02-02", (Reading("NT1", "present"),)),
            # day 56: NT1 present -> NON-CR/NON-PD
            Scan("2013-04-06", (Reading("NT1", "present"),)),
            # day 112: NT1 present; N1 new, present -> PD
            Scan("2013-06-01", (Reading("NT1", "present"), Reading("N1", "present", 12.0))),
        ),
        expected_target=(None, None),
        expected_nontarget=("NON-CR/NON-PD", "NON-CR/NON-PD"),
        expected_new=(False, True),
        expected_overall=("NON-CR/NON-PD", "PD"),
        expected_bor="NON-CR/NON-PD",
    ),
    # ============================================================== RECIST 1.1: lymph nodes
    ResponseCase(
        case_id="R15",
        criteria="recist1.1",
        story="[node-cr][interp] A target node shrinks 20 -> 13 -> 8 mm short axis and the "
        "lung target disappears: CR although the sum is 8 mm (no non-targets, "
        "interpretation 1).",
        treatment_start="2013-03-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2013-03-02"),
            Lesion("T2", "lymph_node", True, True, "2013-03-02"),
        ),
        scans=(
            # baseline: sum 38 = 18 + 20 (node short axis)
            Scan(
                "2013-03-02",
                (
                    Reading("T1", "present", 18.0),
                    Reading("T2", "present", 28.0, short_axis_mm=20.0),
                ),
            ),
            # day 56: sum 22 = 9 + 13; 22/38 = 0.579 -> PR
            Scan(
                "2013-05-04",
                (Reading("T1", "present", 9.0), Reading("T2", "present", 19.0, short_axis_mm=13.0)),
            ),
            # day 112: sum 8 = 0 + 8; T1 absent and node 8 < 10 -> CR
            Scan(
                "2013-06-29",
                (Reading("T1", "absent"), Reading("T2", "present", 12.0, short_axis_mm=8.0)),
            ),
        ),
        expected_target=("PR", "CR"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("PR", "CR"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="R16",
        criteria="recist1.1",
        story="[node-12-pr][node-boundary] Liver target gone, target node 18 -> 12 -> 10 -> "
        "9 mm: PR, PR (10 mm is not < 10), then CR.",
        treatment_start="2013-04-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2013-04-02"),
            Lesion("T2", "lymph_node", True, True, "2013-04-02"),
        ),
        scans=(
            # baseline: sum 38 = 20 + 18
            Scan(
                "2013-04-02",
                (
                    Reading("T1", "present", 20.0),
                    Reading("T2", "present", 25.0, short_axis_mm=18.0),
                ),
            ),
            # day 56: sum 12 = 0 + 12; 12/38 = 0.316 -> PR; node 12 >= 10 -> not CR
            Scan(
                "2013-06-04",
                (Reading("T1", "absent"), Reading("T2", "present", 16.0, short_axis_mm=12.0)),
            ),
            # day 112: sum 10; 10/38 = 0.263 -> PR; node 10 is not < 10 -> not CR
            Scan(
                "2013-07-30",
                (Reading("T1", "absent"), Reading("T2", "present", 14.0, short_axis_mm=10.0)),
            ),
            # day 168: sum 9; node 9 < 10 and T1 absent -> CR
            Scan(
                "2013-09-24",
                (Reading("T1", "absent"), Reading("T2", "present", 12.0, short_axis_mm=9.0)),
            ),
        ),
        expected_target=("PR", "PR", "CR"),
        expected_nontarget=(None, None, None),
        expected_new=(False, False, False),
        expected_overall=("PR", "PR", "CR"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="R17",
        criteria="recist1.1",
        story="[node-nt-normal][node-boundary][T1-row2][T1-row1] Target gone; a nodal "
        "non-target at 10 mm keeps NON-CR/NON-PD (PR), at 7 mm it is normal (CR).",
        treatment_start="2013-05-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2013-05-02"),
            Lesion("NT1", "lymph_node", True, False, "2013-05-02"),
        ),
        scans=(
            # baseline: sum 16; NT1 short axis 12
            Scan(
                "2013-05-02",
                (
                    Reading("T1", "present", 16.0),
                    Reading("NT1", "present", 17.0, short_axis_mm=12.0),
                ),
            ),
            # day 56: T1 absent -> CR; NT1 10 mm not < 10 -> NON-CR/NON-PD -> PR
            Scan(
                "2013-07-04",
                (Reading("T1", "absent"), Reading("NT1", "present", 14.0, short_axis_mm=10.0)),
            ),
            # day 112: T1 absent -> CR; NT1 7 mm < 10 -> normal -> non-target CR -> CR
            Scan(
                "2013-08-29",
                (Reading("T1", "absent"), Reading("NT1", "present", 10.0, short_axis_mm=7.0)),
            ),
        ),
        expected_target=("CR", "CR"),
        expected_nontarget=("NON-CR/NON-PD", "CR"),
        expected_new=(False, False),
        expected_overall=("PR", "CR"),
        expected_bor="CR",
    ),
    # ============================================================== RECIST 1.1: 5 mm rule
    ResponseCase(
        case_id="R18",
        criteria="recist1.1",
        story="[too-small] One target too small to measure (counts 5 mm) and the other gone: "
        "sum 5, PR, not CR.",
        treatment_start="2013-06-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2013-06-02"),
            Lesion("T2", "liver", False, True, "2013-06-02"),
        ),
        scans=(
            # baseline: sum 35 = 20+15
            Scan(
                "2013-06-02",
                (Reading("T1", "present", 20.0), Reading("T2", "present", 15.0)),
            ),
            # day 56: sum 5 = 5 (too small) + 0; 5/35 = 0.143 -> PR; T1 not absent -> not CR
            Scan("2013-08-04", (Reading("T1", "too_small"), Reading("T2", "absent"))),
        ),
        expected_target=("PR",),
        expected_nontarget=(None,),
        expected_new=(False,),
        expected_overall=("PR",),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="R19",
        criteria="recist1.1",
        story="[too-small-no-pd][too-small][interp] The nadir is a too-small lesion (5 mm): "
        "regrowth to 8 mm is +3 mm, not PD (a raw 3 -> 8 mm would be +5 mm, PD); 10 mm is PD.",
        treatment_start="2013-07-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2013-07-02"),
            Lesion("T2", "lung", False, True, "2013-07-02"),
        ),
        scans=(
            # baseline: sum 50 = 30+20
            Scan(
                "2013-07-02",
                (Reading("T1", "present", 30.0), Reading("T2", "present", 20.0)),
            ),
            # day 56: sum 5 = 0 + 5 (too small); 5/50 = 0.10 -> PR
            Scan("2013-09-03", (Reading("T1", "absent"), Reading("T2", "too_small"))),
            # day 112: sum 8; nadir 5: 8/5 = 1.6 but +3 mm < 5 -> not PD; 8/50 = 0.16 -> PR
            Scan("2013-10-29", (Reading("T1", "absent"), Reading("T2", "present", 8.0))),
            # day 168: sum 10; nadir 5: 10/5 = 2.0 and +5 mm -> PD
            Scan("2013-12-24", (Reading("T1", "absent"), Reading("T2", "present", 10.0))),
        ),
        expected_target=("PR", "PR", "PD"),
        expected_nontarget=(None, None, None),
        expected_new=(False, False, False),
        expected_overall=("PR", "PR", "PD"),
        expected_bor="PR",
    ),
    # ============================================================== RECIST 1.1: PD thresholds
    ResponseCase(
        case_id="R20",
        criteria="recist1.1",
        story="[pd-rel-only] A small lesion grows 10 -> 14 mm: +40% over the nadir but only "
        "+4 mm, so SD, not PD.",
        treatment_start="2013-08-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2013-08-02"),
            Lesion("NT1", "bone", False, False, "2013-08-02"),
        ),
        scans=(
            # baseline: sum 12
            Scan("2013-08-02", (Reading("T1", "present", 12.0), Reading("NT1", "present"))),
            # day 56: sum 10; 10/12 = 0.833 -> SD
            Scan("2013-10-04", (Reading("T1", "present", 10.0), Reading("NT1", "present"))),
            # day 112: sum 14; nadir 10: 14/10 = 1.4 but +4 mm < 5 -> not PD; 14/12 = 1.17 -> SD
            Scan("2013-11-29", (Reading("T1", "present", 14.0), Reading("NT1", "present"))),
        ),
        expected_target=("SD", "SD"),
        expected_nontarget=("NON-CR/NON-PD", "NON-CR/NON-PD"),
        expected_new=(False, False),
        expected_overall=("SD", "SD"),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="R21",
        criteria="recist1.1",
        story="[pd-abs-only] Large liver targets grow 75 -> 81 mm: +6 mm over the nadir but "
        "only +8%, so SD, not PD.",
        treatment_start="2013-09-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2013-09-02"),
            Lesion("T2", "liver", False, True, "2013-09-02"),
        ),
        scans=(
            # baseline: sum 80 = 45+35
            Scan(
                "2013-09-02",
                (Reading("T1", "present", 45.0), Reading("T2", "present", 35.0)),
            ),
            # day 56: sum 75 = 42+33; 75/80 = 0.9375 -> SD
            Scan(
                "2013-11-04",
                (Reading("T1", "present", 42.0), Reading("T2", "present", 33.0)),
            ),
            # day 112: sum 81 = 46+35; nadir 75: 81/75 = 1.08 < 1.2 though +6 mm -> SD
            Scan(
                "2013-12-30",
                (Reading("T1", "present", 46.0), Reading("T2", "present", 35.0)),
            ),
        ),
        expected_target=("SD", "SD"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("SD", "SD"),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="R22",
        criteria="recist1.1",
        story="[pd-both][pd-boundary] The target goes 28 -> 25 -> 30 mm: exactly +20% and "
        "exactly +5 mm over the nadir of 25 is PD (both thresholds are inclusive).",
        treatment_start="2013-10-09",
        lesions=(Lesion("T1", "lung", False, True, "2013-10-02"),),
        scans=(
            # baseline: sum 28
            Scan("2013-10-02", (Reading("T1", "present", 28.0),)),
            # day 56: sum 25; 25/28 = 0.893 -> SD
            Scan("2013-12-04", (Reading("T1", "present", 25.0),)),
            # day 112: sum 30; nadir 25: 30/25 = 1.20 and 30-25 = 5 -> PD
            Scan("2014-01-29", (Reading("T1", "present", 30.0),)),
        ),
        expected_target=("SD", "PD"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("SD", "PD"),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="R23",
        criteria="recist1.1",
        story="[pr-boundary] The sum falls exactly 30% (50 -> 35 mm): PR; then 36 mm is "
        "-28%: SD (+1 mm over the nadir, not PD); BOR PR.",
        treatment_start="2013-11-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2013-11-02"),
            Lesion("T2", "lung", False, True, "2013-11-02"),
        ),
        scans=(
            # baseline: sum 50 = 30+20
            Scan(
                "2013-11-02",
                (Reading("T1", "present", 30.0), Reading("T2", "present", 20.0)),
            ),
            # day 56: sum 35 = 21+14; 35/50 = 0.70 exactly -> PR
            Scan(
                "2014-01-04",
                (Reading("T1", "present", 21.0), Reading("T2", "present", 14.0)),
            ),
            # day 112: sum 36 = 22+14; 36/50 = 0.72 -> SD; nadir 35: +1 mm -> not PD
            Scan(
                "2014-03-01",
                (Reading("T1", "present", 22.0), Reading("T2", "present", 14.0)),
            ),
        ),
        expected_target=("PR", "SD"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("PR", "SD"),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="R24",
        criteria="recist1.1",
        story="[nadir][pd-both] Shrink 60 -> 20 mm, then regrow to 27 mm: still 55% below "
        "baseline (would be PR) but +35% and +7 mm over the nadir, so PD.",
        treatment_start="2013-12-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2013-12-02"),
            Lesion("T2", "lung", False, True, "2013-12-02"),
        ),
        scans=(
            # baseline: sum 60 = 40+20
            Scan(
                "2013-12-02",
                (Reading("T1", "present", 40.0), Reading("T2", "present", 20.0)),
            ),
            # day 56: sum 20 = 14+6; 20/60 = 0.333 -> PR
            Scan(
                "2014-02-03",
                (Reading("T1", "present", 14.0), Reading("T2", "present", 6.0)),
            ),
            # day 112: sum 27 = 19+8; 27/60 = 0.45; nadir 20: 27/20 = 1.35 and +7 mm -> PD
            Scan(
                "2014-03-31",
                (Reading("T1", "present", 19.0), Reading("T2", "present", 8.0)),
            ),
        ),
        expected_target=("PR", "PD"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("PR", "PD"),
        expected_bor="PR",
    ),
    # ============================================================== RECIST 1.1: NE handling
    ResponseCase(
        case_id="R25",
        criteria="recist1.1",
        story="[ne-rescued-pd][T1-row7][interp] The lung target is not evaluated but the "
        "liver target alone (50 mm) is +25% and +10 mm over the nadir of 40: PD, not NE.",
        treatment_start="2011-01-10",
        lesions=(
            Lesion("T1", "liver", False, True, "2011-01-03"),
            Lesion("T2", "lung", False, True, "2011-01-03"),
        ),
        scans=(
            # baseline: sum 50 = 30+20
            Scan(
                "2011-01-03",
                (Reading("T1", "present", 30.0), Reading("T2", "present", 20.0)),
            ),
            # day 56: sum 40 = 25+15; 40/50 = 0.80 -> SD
            Scan(
                "2011-03-07",
                (Reading("T1", "present", 25.0), Reading("T2", "present", 15.0)),
            ),
            # day 112: T2 NE; evaluated T1 = 50; nadir 40: 50/40 = 1.25 and +10 mm -> PD
            Scan(
                "2011-05-02",
                (Reading("T1", "present", 50.0), Reading("T2", "not_evaluated")),
            ),
        ),
        expected_target=("SD", "PD"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("SD", "PD"),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="R26",
        criteria="recist1.1",
        story="[bor-all-ne][ne-target][T1-row6] The only post-baseline scan evaluates "
        "nothing: target NE, non-target NE, overall NE, BOR NE.",
        treatment_start="2011-02-07",
        lesions=(
            Lesion("T1", "lung", False, True, "2011-01-31"),
            Lesion("NT1", "bone", False, False, "2011-01-31"),
        ),
        scans=(
            # baseline: sum 22
            Scan("2011-01-31", (Reading("T1", "present", 22.0), Reading("NT1", "present"))),
            # day 56: nothing evaluated -> NE / NE -> NE
            Scan(
                "2011-04-04",
                (Reading("T1", "not_evaluated"), Reading("NT1", "not_evaluated")),
            ),
        ),
        expected_target=("NE",),
        expected_nontarget=("NE",),
        expected_new=(False,),
        expected_overall=("NE",),
        expected_bor="NE",
    ),
    # ============================================================== RECIST 1.1: new lesions
    ResponseCase(
        case_id="R27",
        criteria="recist1.1",
        story="[new-later][T1-row9][T1-row4] PR at day 56; at day 112 the target is still PR "
        "but a new brain lesion appears: PD; BOR PR.",
        treatment_start="2011-03-07",
        lesions=(
            Lesion("T1", "liver", False, True, "2011-02-28"),
            Lesion("NT1", "bone", False, False, "2011-02-28"),
            Lesion("N1", "brain", False, False, "2011-06-27"),
        ),
        scans=(
            # baseline: sum 35
            Scan("2011-02-28", (Reading("T1", "present", 35.0), Reading("NT1", "present"))),
            # day 56: sum 20; 20/35 = 0.571 -> PR; NT1 present -> PR
            Scan("2011-05-02", (Reading("T1", "present", 20.0), Reading("NT1", "present"))),
            # day 112: sum 18; 18/35 = 0.514 -> PR; N1 new, present -> PD
            Scan(
                "2011-06-27",
                (
                    Reading("T1", "present", 18.0),
                    Reading("NT1", "present"),
                    Reading("N1", "present", 9.0),
                ),
            ),
        ),
        expected_target=("PR", "PR"),
        expected_nontarget=("NON-CR/NON-PD", "NON-CR/NON-PD"),
        expected_new=(False, True),
        expected_overall=("PR", "PD"),
        expected_bor="PR",
    ),
    # ============================================================== RECIST 1.1: BOR rules
    ResponseCase(
        case_id="R28",
        criteria="recist1.1",
        story="[bor-missing] Only the baseline scan exists: no time-point response, BOR MISSING.",
        treatment_start="2011-04-04",
        lesions=(
            Lesion("T1", "lung", False, True, "2011-03-28"),
            Lesion("NT1", "liver", False, False, "2011-03-28"),
        ),
        scans=(
            # baseline: sum 30
            Scan("2011-03-28", (Reading("T1", "present", 30.0), Reading("NT1", "present"))),
        ),
        expected_target=(),
        expected_nontarget=(),
        expected_new=(),
        expected_overall=(),
        expected_bor="MISSING",
    ),
    ResponseCase(
        case_id="R29",
        criteria="recist1.1",
        story="[bor-early-sd] The only post-baseline scan is SD on day 41, one day short of "
        "the 42-day minimum: BOR NE.",
        treatment_start="2011-05-02",
        lesions=(Lesion("T1", "liver", False, True, "2011-04-25"),),
        scans=(
            # baseline: sum 30
            Scan("2011-04-25", (Reading("T1", "present", 30.0),)),
            # day 41: sum 28; 28/30 = 0.933 -> SD (too early for BOR -> NE)
            Scan("2011-06-12", (Reading("T1", "present", 28.0),)),
        ),
        expected_target=("SD",),
        expected_nontarget=(None,),
        expected_new=(False,),
        expected_overall=("SD",),
        expected_bor="NE",
    ),
    ResponseCase(
        case_id="R30",
        criteria="recist1.1",
        story="[bor-sd-day42] The only post-baseline scan is SD exactly on day 42: it counts, "
        "BOR SD.",
        treatment_start="2011-06-06",
        lesions=(Lesion("T1", "liver", False, True, "2011-05-30"),),
        scans=(
            # baseline: sum 30
            Scan("2011-05-30", (Reading("T1", "present", 30.0),)),
            # day 42: sum 28; 28/30 = 0.933 -> SD (day 42 >= 42 -> counts)
            Scan("2011-07-18", (Reading("T1", "present", 28.0),)),
        ),
        expected_target=("SD",),
        expected_nontarget=(None,),
        expected_new=(False,),
        expected_overall=("SD",),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="R31",
        criteria="recist1.1",
        story="[bor-early-sd][pd-both] SD on day 35 (too early, NE for BOR), then PD on day "
        "112: BOR PD.",
        treatment_start="2011-07-04",
        lesions=(
            Lesion("T1", "lung", False, True, "2011-06-27"),
            Lesion("T2", "liver", False, True, "2011-06-27"),
        ),
        scans=(
            # baseline: sum 45 = 25+20
            Scan(
                "2011-06-27",
                (Reading("T1", "present", 25.0), Reading("T2", "present", 20.0)),
            ),
            # day 35: sum 43 = 24+19; 43/45 = 0.956 -> SD
            Scan(
                "2011-08-08",
                (Reading("T1", "present", 24.0), Reading("T2", "present", 19.0)),
            ),
            # day 112: sum 54 = 30+24; nadir 43: 54/43 = 1.256 and +11 mm -> PD
            Scan(
                "2011-10-24",
                (Reading("T1", "present", 30.0), Reading("T2", "present", 24.0)),
            ),
        ),
        expected_target=("SD", "PD"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("SD", "PD"),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="R32",
        criteria="recist1.1",
        story="[bor-cr-then-pd][T1-row9][interp] CR at day 56 (no non-targets, "
        "interpretation 1), then a new liver lesion at day 112: PD; BOR stays CR.",
        treatment_start="2011-08-01",
        lesions=(
            Lesion("T1", "lung", False, True, "2011-07-25"),
            Lesion("N1", "liver", False, False, "2011-11-21"),
        ),
        scans=(
            # baseline: sum 15
            Scan("2011-07-25", (Reading("T1", "present", 15.0),)),
            # day 56: sum 0 -> CR
            Scan("2011-09-26", (Reading("T1", "absent"),)),
            # day 112: sum 0 -> target CR; N1 new, present -> PD
            Scan("2011-11-21", (Reading("T1", "absent"), Reading("N1", "present", 11.0))),
        ),
        expected_target=("CR", "CR"),
        expected_nontarget=(None, None),
        expected_new=(False, True),
        expected_overall=("CR", "PD"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="R33",
        criteria="recist1.1",
        story="[cr-then-disease][bor-cr-then-pd] After an overall CR a lung target reappears "
        "at 4 mm: below the sum rule (+4 mm from a nadir of 0), but disease after a CR is PD "
        "(Table 3 note a; interpretation 7); at 7 mm still PD.",
        treatment_start="2011-09-05",
        lesions=(
            Lesion("T1", "liver", False, True, "2011-08-29"),
            Lesion("T2", "lung", False, True, "2011-08-29"),
        ),
        scans=(
            # baseline: sum 34 = 20+14
            Scan(
                "2011-08-29",
                (Reading("T1", "present", 20.0), Reading("T2", "present", 14.0)),
            ),
            # day 56: sum 0 -> CR
            Scan("2011-10-31", (Reading("T1", "absent"), Reading("T2", "absent"))),
            # day 112: sum 4; nadir 0: +4 mm < 5 -> not PD by the sum (4/34 = 0.118 would be
            # PR); but day 56 was an overall CR and T2 shows disease again -> PD
            Scan("2011-12-26", (Reading("T1", "absent"), Reading("T2", "present", 4.0))),
            # day 168: sum 7; nadir 0: 7 >= 1.2*0 and +7 mm >= 5 -> PD (and after CR -> PD)
            Scan("2012-02-20", (Reading("T1", "absent"), Reading("T2", "present", 7.0))),
        ),
        expected_target=("CR", "PD", "PD"),
        expected_nontarget=(None, None, None),
        expected_new=(False, False, False),
        expected_overall=("CR", "PD", "PD"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="R34",
        criteria="recist1.1",
        story="[bor-after-pd][new-regressed][T1-row9] A new lung lesion makes day 56 PD; at "
        "day 112 it is gone and the targets are PR, but scans after the first PD are "
        "ignored: BOR PD.",
        treatment_start="2011-10-03",
        lesions=(
            Lesion("T1", "liver", False, True, "2011-09-26"),
            Lesion("T2", "lung", False, True, "2011-09-26"),
            Lesion("N1", "lung", False, False, "2011-11-28"),
        ),
        scans=(
            # baseline: sum 50 = 30+20
            Scan(
                "2011-09-26",
                (Reading("T1", "present", 30.0), Reading("T2", "present", 20.0)),
            ),
            # day 56: sum 46 = 28+18; 46/50 = 0.92 -> SD; N1 new, present -> PD
            Scan(
                "2011-11-28",
                (
                    Reading("T1", "present", 28.0),
                    Reading("T2", "present", 18.0),
                    Reading("N1", "present", 6.0),
                ),
            ),
            # day 112: sum 24 = 14+10; 24/50 = 0.48 -> PR; N1 absent -> no new lesion -> PR
            Scan(
                "2012-01-23",
                (
                    Reading("T1", "present", 14.0),
                    Reading("T2", "present", 10.0),
                    Reading("N1", "absent"),
                ),
            ),
        ),
        expected_target=("SD", "PR"),
        expected_nontarget=(None, None),
        expected_new=(True, False),
        expected_overall=("PD", "PR"),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="R35",
        criteria="recist1.1",
        story="[ne-nadir][ne-target][interp] A partial scan (liver target NE, lung 10 mm) "
        "is NE and must not become the nadir: the next full sum 47 is SD against the "
        "baseline 60, not PD against 10.",
        treatment_start="2011-11-07",
        lesions=(
            Lesion("T1", "liver", False, True, "2011-10-31"),
            Lesion("T2", "lung", False, True, "2011-10-31"),
        ),
        scans=(
            # baseline: sum 60 = 40+20
            Scan(
                "2011-10-31",
                (Reading("T1", "present", 40.0), Reading("T2", "present", 20.0)),
            ),
            # day 56: T1 NE; evaluated T2 = 10 < 1.2*60 -> not PD -> NE
            Scan("2012-01-02", (Reading("T1", "not_evaluated"), Reading("T2", "present", 10.0))),
            # day 112: sum 47 = 35+12; nadir 60 (NE excluded): 47/60 = 0.783 -> SD
            Scan(
                "2012-02-27",
                (Reading("T1", "present", 35.0), Reading("T2", "present", 12.0)),
            ),
        ),
        expected_target=("NE", "SD"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("NE", "SD"),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="R36",
        criteria="recist1.1",
        story="[new-too-small][T1-row9][interp] A new liver lesion recorded too small to "
        "measure is still a new lesion: target PR, overall PD.",
        treatment_start="2011-12-05",
        lesions=(
            Lesion("T1", "lung", False, True, "2011-11-28"),
            Lesion("N1", "liver", False, False, "2012-01-30"),
        ),
        scans=(
            # baseline: sum 20
            Scan("2011-11-28", (Reading("T1", "present", 20.0),)),
            # day 56: sum 12; 12/20 = 0.60 -> PR; N1 new, too small -> new lesion -> PD
            Scan("2012-01-30", (Reading("T1", "present", 12.0), Reading("N1", "too_small"))),
        ),
        expected_target=("PR",),
        expected_nontarget=(None,),
        expected_new=(True,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="R37",
        criteria="recist1.1",
        story="[node-absent] Two target nodes (16 and 15 mm short axis): one recorded absent "
        "(0 mm), the other 9 mm: sum 9, CR.",
        treatment_start="2014-01-09",
        lesions=(
            Lesion("T1", "lymph_node", True, True, "2014-01-02"),
            Lesion("T2", "lymph_node", True, True, "2014-01-02"),
        ),
        scans=(
            # baseline: sum 31 = 16+15 (short axes)
            Scan(
                "2014-01-02",
                (
                    Reading("T1", "present", 22.0, short_axis_mm=16.0),
                    Reading("T2", "present", 20.0, short_axis_mm=15.0),
                ),
            ),
            # day 56: sum 9 = 0 + 9; every node < 10 mm, no non-nodal target -> CR
            Scan(
                "2014-03-06",
                (Reading("T1", "absent"), Reading("T2", "present", 12.0, short_axis_mm=9.0)),
            ),
        ),
        expected_target=("CR",),
        expected_nontarget=(None,),
        expected_new=(False,),
        expected_overall=("CR",),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="R38",
        criteria="recist1.1",
        story="[node-short-axis][pd-both] Two target nodes are summed by short axis: 31 -> "
        "37 mm is +19%, SD (longest diameters would give +26%), then 39 mm is +26%, PD.",
        treatment_start="2014-02-09",
        lesions=(
            Lesion("T1", "lymph_node", True, True, "2014-02-02"),
            Lesion("T2", "lymph_node", True, True, "2014-02-02"),
        ),
        scans=(
            # baseline: sum 31 = 15+16 (short axes; longest 24+26 = 50 not used)
            Scan(
                "2014-02-02",
                (
                    Reading("T1", "present", 24.0, short_axis_mm=15.0),
                    Reading("T2", "present", 26.0, short_axis_mm=16.0),
                ),
            ),
            # day 56: sum 37 = 17+20; 37/31 = 1.194 < 1.2 (+6 mm) -> SD
            # (by longest: 63/50 = 1.26 -> PD, which would be wrong)
            Scan(
                "2014-04-06",
                (
                    Reading("T1", "present", 30.0, short_axis_mm=17.0),
                    Reading("T2", "present", 33.0, short_axis_mm=20.0),
                ),
            ),
            # day 112: sum 39 = 19+20; nadir 31: 39/31 = 1.258 and +8 mm -> PD
            Scan(
                "2014-06-01",
                (
                    Reading("T1", "present", 31.0, short_axis_mm=19.0),
                    Reading("T2", "present", 33.0, short_axis_mm=20.0),
                ),
            ),
        ),
        expected_target=("SD", "PD"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("SD", "PD"),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="R39",
        criteria="recist1.1",
        story="[T1-row7][pd-both] Target PD while the bone non-target is not evaluated: PD "
        "(PD needs nothing else evaluated).",
        treatment_start="2014-03-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2014-03-02"),
            Lesion("T2", "lung", False, True, "2014-03-02"),
            Lesion("NT1", "bone", False, False, "2014-03-02"),
        ),
        scans=(
            # baseline: sum 35 = 20+15
            Scan(
                "2014-03-02",
                (
                    Reading("T1", "present", 20.0),
                    Reading("T2", "present", 15.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 56: sum 48 = 30+18; 48/35 = 1.371 and +13 mm -> PD; NT1 NE -> PD
            Scan(
                "2014-05-04",
                (
                    Reading("T1", "present", 30.0),
                    Reading("T2", "present", 18.0),
                    Reading("NT1", "not_evaluated"),
                ),
            ),
        ),
        expected_target=("PD",),
        expected_nontarget=("NE",),
        expected_new=(False,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="R40",
        criteria="recist1.1",
        story="[T1-row8][ne-target] The target is not evaluated but the pleural non-target "
        "progresses unequivocally: PD, not NE.",
        treatment_start="2014-04-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2014-04-02"),
            Lesion("NT1", "pleura", False, False, "2014-04-02"),
        ),
        scans=(
            # baseline: sum 22
            Scan("2014-04-02", (Reading("T1", "present", 22.0), Reading("NT1", "present"))),
            # day 56: T1 NE (nothing evaluated -> no target PD) -> NE; NT1 unequivocal -> PD
            Scan(
                "2014-06-04",
                (Reading("T1", "not_evaluated"), Reading("NT1", "unequivocal_progression")),
            ),
        ),
        expected_target=("NE",),
        expected_nontarget=("PD",),
        expected_new=(False,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="R41",
        criteria="recist1.1",
        story="[T1-row9][T1-row5] Target SD and non-target unchanged, but a new bone lesion "
        "appears at the first scan: PD.",
        treatment_start="2014-05-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2014-05-02"),
            Lesion("NT1", "bone", False, False, "2014-05-02"),
            Lesion("N1", "bone", False, False, "2014-07-04"),
        ),
        scans=(
            # baseline: sum 25
            Scan("2014-05-02", (Reading("T1", "present", 25.0), Reading("NT1", "present"))),
            # day 56: sum 24; 24/25 = 0.96 -> SD; NT1 present; N1 new, present -> PD
            Scan(
                "2014-07-04",
                (
                    Reading("T1", "present", 24.0),
                    Reading("NT1", "present"),
                    Reading("N1", "present", 15.0),
                ),
            ),
        ),
        expected_target=("SD",),
        expected_nontarget=("NON-CR/NON-PD",),
        expected_new=(True,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="R42",
        criteria="recist1.1",
        story="[baseline-same-day][T1-row4] Baseline scan on the day treatment starts; the "
        "target falls 30 -> 20 mm: PR.",
        treatment_start="2014-06-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2014-06-09"),
            Lesion("NT1", "adrenal", False, False, "2014-06-09"),
        ),
        scans=(
            # baseline (day 0): sum 30
            Scan("2014-06-09", (Reading("T1", "present", 30.0), Reading("NT1", "present"))),
            # day 56: sum 20; 20/30 = 0.667 -> PR; NT1 present -> PR
            Scan("2014-08-04", (Reading("T1", "present", 20.0), Reading("NT1", "present"))),
        ),
        expected_target=("PR",),
        expected_nontarget=("NON-CR/NON-PD",),
        expected_new=(False,),
        expected_overall=("PR",),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="R43",
        criteria="recist1.1",
        story="[bor-early-noncr][T2-row2] Non-target disease only, NON-CR/NON-PD on day 35 "
        "is too early to count: BOR NE.",
        treatment_start="2014-07-09",
        lesions=(Lesion("NT1", "bone", False, False, "2014-07-02"),),
        scans=(
            Scan("2014-07-02", (Reading("NT1", "present"),)),
            # day 35: NT1 present -> NON-CR/NON-PD (too early for BOR -> NE)
            Scan("2014-08-13", (Reading("NT1", "present"),)),
        ),
        expected_target=(None,),
        expected_nontarget=("NON-CR/NON-PD",),
        expected_new=(False,),
        expected_overall=("NON-CR/NON-PD",),
        expected_bor="NE",
    ),
    ResponseCase(
        case_id="R44",
        criteria="recist1.1",
        story="[T1-row4][node-nt-normal][node-12-pr] Liver target and target node shrink to "
        "PR (node 12 mm) while the nodal non-target becomes normal (9 mm, non-target CR): PR.",
        treatment_start="2014-08-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2014-08-02"),
            Lesion("T2", "lymph_node", True, True, "2014-08-02"),
            Lesion("NT1", "lymph_node", True, False, "2014-08-02"),
        ),
        scans=(
            # baseline: sum 50 = 30 + 20 (node short axis); NT1 short axis 11
            Scan(
                "2014-08-02",
                (
                    Reading("T1", "present", 30.0),
                    Reading("T2", "present", 30.0, short_axis_mm=20.0),
                    Reading("NT1", "present", 15.0, short_axis_mm=11.0),
                ),
            ),
            # day 56: sum 27 = 15 + 12; 27/50 = 0.54 -> PR; NT1 9 mm < 10 -> CR -> PR
            Scan(
                "2014-10-04",
                (
                    Reading("T1", "present", 15.0),
                    Reading("T2", "present", 18.0, short_axis_mm=12.0),
                    Reading("NT1", "present", 12.0, short_axis_mm=9.0),
                ),
            ),
        ),
        expected_target=("PR",),
        expected_nontarget=("CR",),
        expected_new=(False,),
        expected_overall=("PR",),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="R45",
        criteria="recist1.1",
        story="[pr-boundary][interp] Decimal millimetres: 8.0 + 8.1 = 16.1 mm is exactly 70% "
        "of 10 + 13 = 23 mm, so PR (naive binary floating point would say SD).",
        treatment_start="2014-09-09",
        lesions=(
            Lesion("T1", "lung", False, True, "2014-09-02"),
            Lesion("T2", "lung", False, True, "2014-09-02"),
        ),
        scans=(
            # baseline: sum 23 = 10+13
            Scan(
                "2014-09-02",
                (Reading("T1", "present", 10.0), Reading("T2", "present", 13.0)),
            ),
            # day 56: sum 16.1 = 8.0+8.1; 16.1/23 = 0.70 exactly -> PR
            Scan(
                "2014-11-04",
                (Reading("T1", "present", 8.0), Reading("T2", "present", 8.1)),
            ),
        ),
        expected_target=("PR",),
        expected_nontarget=(None,),
        expected_new=(False,),
        expected_overall=("PR",),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="R46",
        criteria="recist1.1",
        story="[T1-row3][T1-row1] Target CR with the non-target not evaluated is PR; the "
        "next scan finds everything gone: CR.",
        treatment_start="2014-10-09",
        lesions=(
            Lesion("T1", "subcutaneous", False, True, "2014-10-02"),
            Lesion("NT1", "skin", False, False, "2014-10-02"),
        ),
        scans=(
            # baseline: sum 14
            Scan("2014-10-02", (Reading("T1", "present", 14.0), Reading("NT1", "present"))),
            # day 56: sum 0 -> CR; NT1 NE -> PR
            Scan("2014-12-04", (Reading("T1", "absent"), Reading("NT1", "not_evaluated"))),
            # day 112: sum 0 -> CR; NT1 absent -> CR -> CR
            Scan("2015-01-29", (Reading("T1", "absent"), Reading("NT1", "absent"))),
        ),
        expected_target=("CR", "CR"),
        expected_nontarget=("NE", "CR"),
        expected_new=(False, False),
        expected_overall=("PR", "CR"),
        expected_bor="CR",
    ),
    # ============================================================== RECIST 1.1: after a CR
    ResponseCase(
        case_id="R47",
        criteria="recist1.1",
        story="[cr-then-disease][T1-row2][interp] After an overall CR the bone non-target is "
        "seen again: target CR with non-target NON-CR/NON-PD would be PR (Table 1), but "
        "disease after a CR is PD (Table 3 note a; interpretation 7).",
        treatment_start="2015-02-09",
        lesions=(
            Lesion("T1", "liver", False, True, "2015-02-02"),
            Lesion("NT1", "bone", False, False, "2015-02-02"),
        ),
        scans=(
            # baseline: sum 25
            Scan("2015-02-02", (Reading("T1", "present", 25.0), Reading("NT1", "present"))),
            # day 56: sum 0 -> CR; NT1 absent -> CR -> CR
            Scan("2015-04-06", (Reading("T1", "absent"), Reading("NT1", "absent"))),
            # day 112: sum 0 -> target CR; NT1 present: NON-CR/NON-PD by itself, but after
            # the CR of day 56 it is disease again -> non-target PD -> PD
            Scan("2015-06-01", (Reading("T1", "absent"), Reading("NT1", "present"))),
        ),
        expected_target=("CR", "CR"),
        expected_nontarget=("CR", "PD"),
        expected_new=(False, False),
        expected_overall=("CR", "PD"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="R48",
        criteria="recist1.1",
        story="[cr-then-node][node-cr][interp] After CR a target node grows 8 -> 9 mm (still "
        "normal: CR), then to 12 mm: +4 mm is below the sum rule, but a node back at >= 10 mm "
        "has reappeared, so PD (interpretation 7).",
        treatment_start="2015-03-09",
        lesions=(
            Lesion("T1", "lymph_node", True, True, "2015-03-02"),
            Lesion("T2", "lung", False, True, "2015-03-02"),
        ),
        scans=(
            # baseline: sum 35 = 20 (node short axis) + 15
            Scan(
                "2015-03-02",
                (
                    Reading("T1", "present", 25.0, short_axis_mm=20.0),
                    Reading("T2", "present", 15.0),
                ),
            ),
            # day 56: sum 8; node 8 < 10 and T2 absent -> CR
            Scan(
                "2015-05-04",
                (Reading("T1", "present", 10.0, short_axis_mm=8.0), Reading("T2", "absent")),
            ),
            # day 112: sum 9; nadir 8: +1 mm -> not PD; node 9 < 10: no disease -> CR
            Scan(
                "2015-06-29",
                (Reading("T1", "present", 11.0, short_axis_mm=9.0), Reading("T2", "absent")),
            ),
            # day 168: sum 12; nadir 8: 12 >= 9.6 but +4 mm < 5 -> not PD by the sum (12/35 =
            # 0.34 would be PR); node 12 >= 10 after a CR -> PD
            Scan(
                "2015-08-24",
                (Reading("T1", "present", 15.0, short_axis_mm=12.0), Reading("T2", "absent")),
            ),
        ),
        expected_target=("CR", "CR", "PD"),
        expected_nontarget=(None, None, None),
        expected_new=(False, False, False),
        expected_overall=("CR", "CR", "PD"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="R49",
        criteria="recist1.1",
        story="[cr-not-met][node-12-pr][interp] The lung target disappears but the target node "
        "never falls below 10 mm: PR, not CR; when the lung target comes back at 4 mm the "
        "sums decide, and they say PR (interpretation 7).",
        treatment_start="2015-04-06",
        lesions=(
            Lesion("T1", "lymph_node", True, True, "2015-03-30"),
            Lesion("T2", "lung", False, True, "2015-03-30"),
        ),
        scans=(
            # baseline: sum 35 = 20 (node) + 15
            Scan(
                "2015-03-30",
                (
                    Reading("T1", "present", 25.0, short_axis_mm=20.0),
                    Reading("T2", "present", 15.0),
                ),
            ),
            # day 56: sum 10; node 10 is not < 10 -> not CR; 10/35 = 0.286 -> PR
            Scan(
                "2015-06-01",
                (Reading("T1", "present", 14.0, short_axis_mm=10.0), Reading("T2", "absent")),
            ),
            # day 112: sum 14 = 10 + 4; nadir 10: 14 >= 12 but +4 mm < 5 -> not PD;
            # 14/35 = 0.4 -> PR; no earlier CR, so the reappearance is not PD by itself
            Scan(
                "2015-07-27",
                (
                    Reading("T1", "present", 14.0, short_axis_mm=10.0),
                    Reading("T2", "present", 4.0),
                ),
            ),
        ),
        expected_target=("PR", "PR"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("PR", "PR"),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="R50",
        criteria="recist1.1",
        story="[cr-not-met][too-small][interp] The reader records the last target too small "
        "rather than absent (likely still there): 5 mm, so PR, not CR; measured at 4 mm "
        "later it is still PR (interpretation 7).",
        treatment_start="2015-05-04",
        lesions=(
            Lesion("T1", "liver", False, True, "2015-04-27"),
            Lesion("T2", "lung", False, True, "2015-04-27"),
        ),
        scans=(
            # baseline: sum 30 = 18 + 12
            Scan(
                "2015-04-27",
                (Reading("T1", "present", 18.0), Reading("T2", "present", 12.0)),
            ),
            # day 56: sum 5 = 0 + 5 (too small); T2 present -> not CR; 5/30 = 0.167 -> PR
            Scan("2015-06-29", (Reading("T1", "absent"), Reading("T2", "too_small"))),
            # day 112: sum 4; nadir 5: lower -> not PD; 4/30 = 0.133 -> PR
            Scan("2015-08-24", (Reading("T1", "absent"), Reading("T2", "present", 4.0))),
        ),
        expected_target=("PR", "PR"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("PR", "PR"),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="R51",
        criteria="recist1.1",
        story="[cr-then-node-nt][node-nt-normal][interp] After CR a nodal non-target grows back "
        "from 8 to 12 mm short axis: a node has reappeared only when it progresses "
        "unequivocally (EORTC FAQ), so NON-CR/NON-PD and PR (interpretation 7).",
        treatment_start="2015-06-08",
        lesions=(
            Lesion("T1", "lung", False, True, "2015-06-01"),
            Lesion("NT1", "lymph_node", True, False, "2015-06-01"),
        ),
        scans=(
            # baseline: sum 20; NT1 node 12 mm short axis (pathological, non-target)
            Scan(
                "2015-06-01",
                (Reading("T1", "present", 20.0), Reading("NT1", "present", 16.0, None, 12.0)),
            ),
            # day 56: sum 0 -> CR; NT1 8 < 10 -> normal -> CR -> CR
            Scan(
                "2015-08-03",
                (Reading("T1", "absent"), Reading("NT1", "present", 11.0, None, 8.0)),
            ),
            # day 112: sum 0 -> CR; NT1 12 >= 10 -> NON-CR/NON-PD, not unequivocal -> PR
            Scan(
                "2015-09-28",
                (Reading("T1", "absent"), Reading("NT1", "present", 16.0, None, 12.0)),
            ),
        ),
        expected_target=("CR", "CR"),
        expected_nontarget=("CR", "NON-CR/NON-PD"),
        expected_new=(False, False),
        expected_overall=("CR", "PR"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="R52",
        criteria="recist1.1",
        story="[cr-not-overall][nadir-zero][T1-row2] Target CR while the bone non-target "
        "persists is PR, not an overall CR: the lung target back at 4 mm is judged by the "
        "sum from a nadir of 0 (PR), at 7 mm PD.",
        treatment_start="2015-07-06",
        lesions=(
            Lesion("T1", "lung", False, True, "2015-06-29"),
            Lesion("NT1", "bone", False, False, "2015-06-29"),
        ),
        scans=(
            # baseline: sum 20
            Scan("2015-06-29", (Reading("T1", "present", 20.0), Reading("NT1", "present"))),
            # day 56: sum 0 -> target CR; NT1 present -> NON-CR/NON-PD -> PR
            Scan("2015-08-31", (Reading("T1", "absent"), Reading("NT1", "present"))),
            # day 112: sum 4; nadir 0: +4 mm < 5 -> not PD; 4/20 = 0.2 -> PR -> PR
            Scan("2015-10-26", (Reading("T1", "present", 4.0), Reading("NT1", "present"))),
            # day 168: sum 7; nadir 0: +7 mm >= 5 and 7 >= 1.2*0 -> PD
            Scan("2015-12-21", (Reading("T1", "present", 7.0), Reading("NT1", "present"))),
        ),
        expected_target=("CR", "PR", "PD"),
        expected_nontarget=("NON-CR/NON-PD", "NON-CR/NON-PD", "NON-CR/NON-PD"),
        expected_new=(False, False, False),
        expected_overall=("PR", "PR", "PD"),
        expected_bor="PR",
    ),
    # ============================================================== WHO bidimensional
    ResponseCase(
        case_id="W01",
        criteria="who",
        story="[who-cr][who-cr-sustained][interp] SPD 900 -> 230 (PR), then every lesion gone "
        "(CR), kept at the next scan: a nadir SPD of 0 is not PD (interpretation 12).",
        treatment_start="1988-01-03",
        lesions=(
            Lesion("T1", "lung", False, True, "1987-12-27"),
            Lesion("T2", "liver", False, True, "1987-12-27"),
            Lesion("NT1", "bone", False, False, "1987-12-27"),
        ),
        scans=(
            # baseline: SPD 900 = 20x15 (300) + 30x20 (600)
            Scan(
                "1987-12-27",
                (
                    Reading("T1", "present", 20.0, 15.0),
                    Reading("T2", "present", 30.0, 20.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 56: SPD 230 = 10x8 (80) + 15x10 (150); 230/900 = 0.256 -> PR;
            # each lesion smaller; NT1 present -> PR
            Scan(
                "1988-02-28",
                (
                    Reading("T1", "present", 10.0, 8.0),
                    Reading("T2", "present", 15.0, 10.0),
                    Reading("NT1", "present"),
                ),
            ),
            # day 112: everything absent -> CR
            Scan(
                "1988-04-24",
                (Reading("T1", "absent"), Reading("T2", "absent"), Reading("NT1", "absent")),
            ),
            # day 168: still everything absent; SPD 0 with nadir 0 -> not PD -> CR
            Scan(
                "1988-06-19",
                (Reading("T1", "absent"), Reading("T2", "absent"), Reading("NT1", "absent")),
            ),
        ),
        expected_target=("PR", "CR", "CR"),
        expected_nontarget=("NON-CR/NON-PD", "CR", "CR"),
        expected_new=(False, False, False),
        expected_overall=("PR", "CR", "CR"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="W02",
        criteria="who",
        story="[who-pr-nt-persists][interp] The skin target disappears but a subcutaneous "
        "non-target persists: WHO CR needs all disease gone, so PR.",
        treatment_start="1988-02-03",
        lesions=(
            Lesion("T1", "skin", False, True, "1988-01-27"),
            Lesion("NT1", "subcutaneous", False, False, "1988-01-27"),
        ),
        scans=(
            # baseline: SPD 400 = 20x20
            Scan(
                "1988-01-27",
                (Reading("T1", "present", 20.0, 20.0), Reading("NT1", "present")),
            ),
            # day 56: SPD 0 -> targets CR; NT1 present -> not all gone; 0 <= 50% -> PR
            Scan("1988-03-30", (Reading("T1", "absent"), Reading("NT1", "present"))),
        ),
        expected_target=("CR",),
        expected_nontarget=("NON-CR/NON-PD",),
        expected_new=(False,),
        expected_overall=("PR",),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="W03",
        criteria="who",
        story="[who-pr-50] SPD 1600 -> 800, exactly 50% of baseline: PR (inclusive).",
        treatment_start="1988-03-03",
        lesions=(
            Lesion("T1", "liver", False, True, "1988-02-25"),
            Lesion("T2", "lung", False, True, "1988-02-25"),
        ),
        scans=(
            # baseline: SPD 1600 = 40x30 (1200) + 20x20 (400)
            Scan(
                "1988-02-25",
                (Reading("T1", "present", 40.0, 30.0), Reading("T2", "present", 20.0, 20.0)),
            ),
            # day 56: SPD 800 = 30x20 (600) + 20x10 (200); 800/1600 = 0.50 -> PR
            Scan(
                "1988-04-28",
                (Reading("T1", "present", 30.0, 20.0), Reading("T2", "present", 20.0, 10.0)),
            ),
        ),
        expected_target=("PR",),
        expected_nontarget=(None,),
        expected_new=(False,),
        expected_overall=("PR",),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="W04",
        criteria="who",
        story="[who-pr-above-50] SPD 1600 -> 801, just above 50% of baseline: no change (SD).",
        treatment_start="1988-04-03",
        lesions=(
            Lesion("T1", "liver", False, True, "1988-03-27"),
            Lesion("T2", "lung", False, True, "1988-03-27"),
        ),
        scans=(
            # baseline: SPD 1600 = 40x30 (1200) + 20x20 (400)
            Scan(
                "1988-03-27",
                (Reading("T1", "present", 40.0, 30.0), Reading("T2", "present", 20.0, 20.0)),
            ),
            # day 56: SPD 801 = 29x21 (609) + 16x12 (192); 801/1600 = 0.5006 -> SD
            Scan(
                "1988-05-29",
                (Reading("T1", "present", 29.0, 21.0), Reading("T2", "present", 16.0, 12.0)),
            ),
        ),
        expected_target=("SD",),
        expected_nontarget=(None,),
        expected_new=(False,),
        expected_overall=("SD",),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="W05",
        criteria="who",
        story="[who-pd-spd][interp] SPD 1050 -> 440 (PR) -> 581: +32% over the nadir 440 is "
        "PD although still below baseline (T1 +39% fires too, interpretation 11).",
        treatment_start="1988-05-03",
        lesions=(
            Lesion("T1", "liver", False, True, "1988-04-26"),
            Lesion("T2", "lung", False, True, "1988-04-26"),
        ),
        scans=(
            # baseline: SPD 1050 = 30x25 (750) + 20x15 (300)
            Scan(
                "1988-04-26",
                (Reading("T1", "present", 30.0, 25.0), Reading("T2", "present", 20.0, 15.0)),
            ),
            # day 56: SPD 440 = 20x15 (300) + 14x10 (140); 440/1050 = 0.419 -> PR
            Scan(
                "1988-06-28",
                (Reading("T1", "present", 20.0, 15.0), Reading("T2", "present", 14.0, 10.0)),
            ),
            # day 112: SPD 581 = 26x16 (416) + 15x11 (165); 581/440 = 1.32 >= 1.25 -> PD
            # (T1 416/300 = 1.39 also; T2 165/140 = 1.18; 581/1050 = 0.553 below baseline)
            Scan(
                "1988-08-23",
                (Reading("T1", "present", 26.0, 16.0), Reading("T2", "present", 15.0, 11.0)),
            ),
        ),
        expected_target=("PR", "PD"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("PR", "PD"),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="W06",
        criteria="who",
        story="[who-pd-single] The SPD falls 2180 -> 1434 but the lung lesion grows 180 -> "
        "234 mm2 (+30%): PD.",
        treatment_start="1988-06-03",
        lesions=(
            Lesion("T1", "liver", False, True, "1988-05-27"),
            Lesion("T2", "lung", False, True, "1988-05-27"),
        ),
        scans=(
            # baseline: SPD 2180 = 50x40 (2000) + 15x12 (180)
            Scan(
                "1988-05-27",
                (Reading("T1", "present", 50.0, 40.0), Reading("T2", "present", 15.0, 12.0)),
            ),
            # day 56: SPD 1434 = 40x30 (1200) + 18x13 (234); 1434/2180 = 0.658;
            # T2 234/180 = 1.30 >= 1.25 -> PD
            Scan(
                "1988-07-29",
                (Reading("T1", "present", 40.0, 30.0), Reading("T2", "present", 18.0, 13.0)),
            ),
        ),
        expected_target=("PD",),
        expected_nontarget=(None,),
        expected_new=(False,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="W07",
        criteria="who",
        story="[who-reappear][interp] A lung target disappears (PR), then reappears at 6 x 5 "
        "mm while the SPD stays at its nadir: PD (interpretation 12).",
        treatment_start="1988-07-03",
        lesions=(
            Lesion("T1", "lung", False, True, "1988-06-26"),
            Lesion("T2", "liver", False, True, "1988-06-26"),
        ),
        scans=(
            # baseline: SPD 820 = 20x16 (320) + 25x20 (500)
            Scan(
                "1988-06-26",
                (Reading("T1", "present", 20.0, 16.0), Reading("T2", "present", 25.0, 20.0)),
            ),
            # day 56: SPD 150 = 0 + 15x10 (150); 150/820 = 0.183 -> PR
            Scan(
                "1988-08-28",
                (Reading("T1", "absent"), Reading("T2", "present", 15.0, 10.0)),
            ),
            # day 112: SPD 150 = 6x5 (30) + 12x10 (120) = nadir -> no SPD PD; T2 smaller;
            # T1 was absent and is present again -> PD
            Scan(
                "1988-10-23",
                (Reading("T1", "present", 6.0, 5.0), Reading("T2", "present", 12.0, 10.0)),
            ),
        ),
        expected_target=("PR", "PD"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("PR", "PD"),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="W08",
        criteria="who",
        story="[who-too-small][who-pd-single][interp] A too-small lesion counts 5 x 5 = 25 "
        "mm2; measured 6 x 5 = 30 (+20%) is not PD, 6 x 6 = 36 (+44%) is PD.",
        treatment_start="1988-08-03",
        lesions=(
            Lesion("T1", "lung", False, True, "1988-07-27"),
            Lesion("T2", "lung", False, True, "1988-07-27"),
        ),
        scans=(
            # baseline: SPD 420 = 20x15 (300) + 12x10 (120)
            Scan(
                "1988-07-27",
                (Reading("T1", "present", 20.0, 15.0), Reading("T2", "present", 12.0, 10.0)),
            ),
            # day 56: SPD 105 = 10x8 (80) + 25 (too small); 105/420 = 0.25 -> PR
            Scan(
                "1988-09-28",
                (Reading("T1", "present", 10.0, 8.0), Reading("T2", "too_small")),
            ),
            # day 112: SPD 110 = 80 + 6x5 (30); T2 30/25 = 1.20 < 1.25; SPD 110/105 = 1.05;
            # 110/420 = 0.262 -> PR
            Scan(
                "1988-11-23",
                (Reading("T1", "present", 10.0, 8.0), Reading("T2", "present", 6.0, 5.0)),
            ),
            # day 168: SPD 108 = 9x8 (72) + 6x6 (36); T2 36/25 = 1.44 >= 1.25 -> PD
            Scan(
                "1989-01-18",
                (Reading("T1", "present", 9.0, 8.0), Reading("T2", "present", 6.0, 6.0)),
            ),
        ),
        expected_target=("PR", "PR", "PD"),
        expected_nontarget=(None, None, None),
        expected_new=(False, False, False),
        expected_overall=("PR", "PR", "PD"),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="W09",
        criteria="who",
        story="[who-new] The liver target shrinks to 47% of baseline (PR) but a new lung "
        "lesion appears: PD.",
        treatment_start="1988-09-03",
        lesions=(
            Lesion("T1", "liver", False, True, "1988-08-27"),
            Lesion("N1", "lung", False, False, "1988-10-29"),
        ),
        scans=(
            # baseline: SPD 600 = 30x20
            Scan("1988-08-27", (Reading("T1", "present", 30.0, 20.0),)),
            # day 56: SPD 280 = 20x14; 280/600 = 0.467 -> PR; N1 new, present -> PD
            Scan(
                "1988-10-29",
                (Reading("T1", "present", 20.0, 14.0), Reading("N1", "present", 10.0, 8.0)),
            ),
        ),
        expected_target=("PR",),
        expected_nontarget=(None,),
        expected_new=(True,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="W10",
        criteria="who",
        story="[who-nt-up] No change at day 56, then the bone non-target progresses "
        "unequivocally while the target shrinks slightly: PD; BOR SD.",
        treatment_start="1988-10-03",
        lesions=(
            Lesion("T1", "subcutaneous", False, True, "1988-09-26"),
            Lesion("NT1", "bone", False, False, "1988-09-26"),
        ),
        scans=(
            # baseline: SPD 500 = 25x20
            Scan(
                "1988-09-26",
                (Reading("T1", "present", 25.0, 20.0), Reading("NT1", "present")),
            ),
            # day 56: SPD 480 = 24x20; 480/500 = 0.96 -> SD
            Scan(
                "1988-11-28",
                (Reading("T1", "present", 24.0, 20.0), Reading("NT1", "present")),
            ),
            # day 112: SPD 396 = 22x18; 396/500 = 0.792 -> SD; NT1 unequivocal -> PD
            Scan(
                "1989-01-23",
                (Reading("T1", "present", 22.0, 18.0), Reading("NT1", "unequivocal_progression")),
            ),
        ),
        expected_target=("SD", "SD"),
        expected_nontarget=("NON-CR/NON-PD", "PD"),
        expected_new=(False, False),
        expected_overall=("SD", "PD"),
        expected_bor="SD",
    ),
    ResponseCase(
        case_id="W11",
        criteria="who",
        story="[who-ne] The lung target is not evaluated and the liver target shrinks: NE; "
        "the next full scan is PR against the baseline (the NE scan is no nadir).",
        treatment_start="1988-11-03",
        lesions=(
            Lesion("T1", "liver", False, True, "1988-10-27"),
            Lesion("T2", "lung", False, True, "1988-10-27"),
        ),
        scans=(
            # baseline: SPD 1200 = 30x30 (900) + 20x15 (300)
            Scan(
                "1988-10-27",
                (Reading("T1", "present", 30.0, 30.0), Reading("T2", "present", 20.0, 15.0)),
            ),
            # day 56: T2 NE; T1 20x20 = 400 < 900 (no lesion PD) -> NE
            Scan(
                "1988-12-29",
                (Reading("T1", "present", 20.0, 20.0), Reading("T2", "not_evaluated")),
            ),
            # day 112: SPD 480 = 20x18 (360) + 12x10 (120); 480/1200 = 0.40 -> PR
            Scan(
                "1989-02-23",
                (Reading("T1", "present", 20.0, 18.0), Reading("T2", "present", 12.0, 10.0)),
            ),
        ),
        expected_target=("NE", "PR"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("NE", "PR"),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="W12",
        criteria="who",
        story="[who-ne-pd] The lung target is not evaluated but the liver target grows 600 -> "
        "912 mm2 (+52%): PD is evident, so PD, not NE.",
        treatment_start="1988-12-03",
        lesions=(
            Lesion("T1", "liver", False, True, "1988-11-26"),
            Lesion("T2", "lung", False, True, "1988-11-26"),
        ),
        scans=(
            # baseline: SPD 792 = 30x20 (600) + 16x12 (192)
            Scan(
                "1988-11-26",
                (Reading("T1", "present", 30.0, 20.0), Reading("T2", "present", 16.0, 12.0)),
            ),
            # day 56: T2 NE; T1 38x24 = 912; 912/600 = 1.52 >= 1.25 -> PD
            Scan(
                "1989-01-28",
                (Reading("T1", "present", 38.0, 24.0), Reading("T2", "not_evaluated")),
            ),
        ),
        expected_target=("PD",),
        expected_nontarget=(None,),
        expected_new=(False,),
        expected_overall=("PD",),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="W13",
        criteria="who",
        story="[who-cr-then-pd] The skin target disappears (CR); later a new subcutaneous "
        "lesion appears (PD); BOR stays CR.",
        treatment_start="1989-01-03",
        lesions=(
            Lesion("T1", "skin", False, True, "1988-12-27"),
            Lesion("N1", "subcutaneous", False, False, "1989-04-25"),
        ),
        scans=(
            # baseline: SPD 180 = 15x12
            Scan("1988-12-27", (Reading("T1", "present", 15.0, 12.0),)),
            # day 56: SPD 0, every lesion absent -> CR
            Scan("1989-02-28", (Reading("T1", "absent"),)),
            # day 112: T1 absent -> targets CR; N1 new, present -> PD
            Scan("1989-04-25", (Reading("T1", "absent"), Reading("N1", "present", 8.0, 6.0))),
        ),
        expected_target=("CR", "CR"),
        expected_nontarget=(None, None),
        expected_new=(False, True),
        expected_overall=("CR", "PD"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="W14",
        criteria="who",
        story="[who-bor-missing] Only the baseline scan exists: BOR MISSING.",
        treatment_start="1989-02-03",
        lesions=(Lesion("T1", "liver", False, True, "1989-01-27"),),
        scans=(
            # baseline: SPD 750 = 30x25
            Scan("1989-01-27", (Reading("T1", "present", 30.0, 25.0),)),
        ),
        expected_target=(),
        expected_nontarget=(),
        expected_new=(),
        expected_overall=(),
        expected_bor="MISSING",
    ),
    ResponseCase(
        case_id="W15",
        criteria="who",
        story="[who-cr-nt-ne][interp] The lung target disappears while the pleural "
        "non-target is not evaluated: not every lesion is known absent, so PR, not CR "
        "and not NE (interpretations 13-14).",
        treatment_start="1989-03-03",
        lesions=(
            Lesion("T1", "lung", False, True, "1989-02-24"),
            Lesion("NT1", "pleura", False, False, "1989-02-24"),
        ),
        scans=(
            # baseline: SPD 270 = 18x15
            Scan(
                "1989-02-24",
                (Reading("T1", "present", 18.0, 15.0), Reading("NT1", "present")),
            ),
            # day 56: SPD 0 -> targets CR; NT1 NE -> not all absent; 0 <= 50% -> PR
            Scan("1989-04-28", (Reading("T1", "absent"), Reading("NT1", "not_evaluated"))),
        ),
        expected_target=("CR",),
        expected_nontarget=("NE",),
        expected_new=(False,),
        expected_overall=("PR",),
        expected_bor="PR",
    ),
    ResponseCase(
        case_id="W16",
        criteria="who",
        story="[who-bor-early-sd] No change on day 35 is too early to count: BOR NE.",
        treatment_start="1989-04-03",
        lesions=(Lesion("T1", "liver", False, True, "1989-03-27"),),
        scans=(
            # baseline: SPD 600 = 30x20
            Scan("1989-03-27", (Reading("T1", "present", 30.0, 20.0),)),
            # day 35: SPD 560 = 28x20; 560/600 = 0.933 -> SD (too early for BOR -> NE)
            Scan("1989-05-08", (Reading("T1", "present", 28.0, 20.0),)),
        ),
        expected_target=("SD",),
        expected_nontarget=(None,),
        expected_new=(False,),
        expected_overall=("SD",),
        expected_bor="NE",
    ),
    ResponseCase(
        case_id="W17",
        criteria="who",
        story="[who-bor-after-pd][who-pd-single] The lung lesion grows +32% at day 56 (PD); "
        "at day 112 both shrink to PR, but scans after the first PD are ignored: BOR PD.",
        treatment_start="1989-05-03",
        lesions=(
            Lesion("T1", "liver", False, True, "1989-04-26"),
            Lesion("T2", "lung", False, True, "1989-04-26"),
        ),
        scans=(
            # baseline: SPD 1300 = 40x30 (1200) + 10x10 (100)
            Scan(
                "1989-04-26",
                (Reading("T1", "present", 40.0, 30.0), Reading("T2", "present", 10.0, 10.0)),
            ),
            # day 56: SPD 882 = 30x25 (750) + 12x11 (132); T2 132/100 = 1.32 >= 1.25 -> PD
            Scan(
                "1989-06-28",
                (Reading("T1", "present", 30.0, 25.0), Reading("T2", "present", 12.0, 11.0)),
            ),
            # day 112: SPD 544 = 24x20 (480) + 8x8 (64); nadir 882: lower; T1 480 < 750,
            # T2 64 < 100; 544/1300 = 0.418 -> PR
            Scan(
                "1989-08-23",
                (Reading("T1", "present", 24.0, 20.0), Reading("T2", "present", 8.0, 8.0)),
            ),
        ),
        expected_target=("PD", "PR"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("PD", "PR"),
        expected_bor="PD",
    ),
    ResponseCase(
        case_id="W18",
        criteria="who",
        story="[who-cr-then-nt][interp] After a WHO CR (all disease gone) the bone non-target "
        "is seen again: recurrence, so PD, not PR (interpretation 17).",
        treatment_start="1988-09-05",
        lesions=(
            Lesion("T1", "lung", False, True, "1988-08-29"),
            Lesion("NT1", "bone", False, False, "1988-08-29"),
        ),
        scans=(
            # baseline: SPD 300 = 20x15
            Scan(
                "1988-08-29",
                (Reading("T1", "present", 20.0, 15.0), Reading("NT1", "present")),
            ),
            # day 56: everything absent -> CR
            Scan("1988-10-31", (Reading("T1", "absent"), Reading("NT1", "absent"))),
            # day 112: SPD 0 -> targets CR; NT1 present after the CR -> non-target PD -> PD
            Scan("1988-12-26", (Reading("T1", "absent"), Reading("NT1", "present"))),
        ),
        expected_target=("CR", "CR"),
        expected_nontarget=("CR", "PD"),
        expected_new=(False, False),
        expected_overall=("CR", "PD"),
        expected_bor="CR",
    ),
    ResponseCase(
        case_id="W19",
        criteria="who",
        story="[who-cr-not-met][who-too-small][interp] A target read too small (not absent) "
        "is not a WHO CR; measured 6 x 5 mm later (+20% of 25 mm2) it is PR, not PD "
        "(interpretation 17).",
        treatment_start="1988-10-03",
        lesions=(
            Lesion("T1", "lung", False, True, "1988-09-26"),
            Lesion("T2", "liver", False, True, "1988-09-26"),
        ),
        scans=(
            # baseline: SPD 900 = 20x15 (300) + 30x20 (600)
            Scan(
                "1988-09-26",
                (Reading("T1", "present", 20.0, 15.0), Reading("T2", "present", 30.0, 20.0)),
            ),
            # day 56: SPD 25 = 25 (too small) + 0; T1 present -> not CR; 25/900 -> PR
            Scan("1988-11-28", (Reading("T1", "too_small"), Reading("T2", "absent"))),
            # day 112: SPD 30 = 6x5; nadir 25: 30 < 31.25 -> not PD; T1 30/25 = 1.2 < 1.25;
            # T2 still absent; 30/900 -> PR
            Scan("1989-01-23", (Reading("T1", "present", 6.0, 5.0), Reading("T2", "absent"))),
        ),
        expected_target=("PR", "PR"),
        expected_nontarget=(None, None),
        expected_new=(False, False),
        expected_overall=("PR", "PR"),
        expected_bor="PR",
    ),
)
