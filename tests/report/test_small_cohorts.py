"""A report for every cohort: 50 small simulated studies, tables emptied and outcomes forced.

Each case is a simulated study of 20-60 patients (seeded), with tables randomly emptied (labs,
the dose ledger, prior therapies, the tumor records of some patients) and one forced edit: no
complete response, exactly one, everyone censored (no death, no progression) or a single
histology. The edited study must still validate (``validate_study``: no errors); its report
must build and render as HTML, PDF and XLSX; and whatever a section could not estimate must be
said in its notes. The cases come from one seeded generator, so a failure names its case and
reruns exactly.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest
from openpyxl import load_workbook

from remission.derive import derive_study
from remission.report import build_report
from remission.report._html import render_html
from remission.report._model import Report, Section
from remission.report._pdf import render_pdf
from remission.report._xlsx import render_xlsx
from remission.simulate import simulate_study
from remission.study import Study, empty_table, validate_study

FORCED = ("none", "no_cr", "one_cr", "all_censored", "single_histology")
N_CASES = 50


@dataclass(frozen=True)
class Case:
    """One small study: size, seed, tables emptied and the forced edit."""

    n_patients: int
    seed: int
    forced: str
    no_labs: bool
    no_doses: bool
    no_prior_therapies: bool
    untracked: float  # share of patients whose lesions and measurements are removed

    def __str__(self) -> str:
        empty = [
            name
            for name, flag in (
                ("labs", self.no_labs),
                ("doses", self.no_doses),
                ("prior", self.no_prior_therapies),
            )
            if flag
        ]
        return (
            f"n{self.n_patients}-seed{self.seed}-{self.forced}"
            + (f"-no_{'_'.join(empty)}" if empty else "")
            + (f"-untracked{self.untracked:.0%}" if self.untracked else "")
        )


def _cases() -> list[Case]:
    rng = np.random.default_rng(20240611)
    return [
        Case(
            n_patients=int(rng.integers(20, 61)),
            seed=int(rng.integers(0, 1_000_000)),
            forced=FORCED[i % len(FORCED)],
            no_labs=bool(rng.random() < 0.3),
            no_doses=bool(rng.random() < 0.3),
            no_prior_therapies=bool(rng.random() < 0.3),
            untracked=float(rng.choice([0.0, 0.0, 0.1, 0.3])),
        )
        for i in range(N_CASES)
    ]


CASES = _cases()


def _keep_patients(tables: dict[str, pl.DataFrame], keep: pl.Series) -> dict[str, pl.DataFrame]:
    ids = keep.implode()
    return {name: t.filter(pl.col("patient_id").is_in(ids)) for name, t in tables.items()}


def _before_progression(tables: dict[str, pl.DataFrame], adrs: pl.DataFrame) -> None:
    """Keep only what was recorded before each patient's first progression (or relapse)."""
    first_pd = (
        adrs.filter((pl.col("PARAMCD") == "OVR") & (pl.col("AVALC") == "PD"))
        .group_by(pl.col("USUBJID").alias("patient_id"))
        .agg(pl.col("ADT").min().alias("_pd"))
    )
    for name, column in (
        ("measurements", "assessed_on"),
        ("lesions", "first_seen_on"),
        ("assessments", "assessed_on"),
    ):
        tables[name] = (
            tables[name]
            .join(first_pd, on="patient_id", how="left")
            .filter(pl.col("_pd").is_null() | (pl.col(column) < pl.col("_pd")))
            .drop("_pd")
        )


def make_study(case: Case) -> Study:
    """The case's study: simulated, emptied, edited, and still valid."""
    study = simulate_study(n_patients=case.n_patients, seed=case.seed)
    tables = dict(study.tables)
    rng = np.random.default_rng(case.seed)
    for name, flag in (
        ("labs", case.no_labs),
        ("doses", case.no_doses),
        ("prior_therapies", case.no_prior_therapies),
    ):
        if flag:
            tables[name] = empty_table(name)
    if case.untracked:
        ids = tables["patients"]["patient_id"].to_numpy()
        gone = rng.choice(ids, size=max(1, int(case.untracked * ids.size)), replace=False)
        for name in ("lesions", "measurements", "assessments"):
            tables[name] = tables[name].filter(~pl.col("patient_id").is_in(gone.tolist()))
    if case.forced in ("no_cr", "one_cr", "all_censored"):
        adsl = derive_study(Study(study.config, tables, regimen=study.regimen))["adsl"]
        crs = adsl.filter(pl.col("CRFL") == "Y")["USUBJID"]
        dropped = crs if case.forced == "no_cr" else crs[1:] if case.forced == "one_cr" else None
        if dropped is not None and dropped.len():
            ids = adsl["USUBJID"]
            tables = _keep_patients(tables, ids.filter(~ids.is_in(dropped.implode())))
    if case.forced == "all_censored":
        adrs = derive_study(Study(study.config, tables, regimen=study.regimen))["adrs"]
        _before_progression(tables, adrs)
        tables["patients"] = tables["patients"].with_columns(
            pl.lit(None, dtype=pl.Date).alias("death_date")
        )
    if case.forced == "single_histology":
        tables["patients"] = tables["patients"].with_columns(
            pl.lit(study.config.histologies[0]).alias("histology")
        )
    edited = Study(study.config, tables, regimen=study.regimen)
    errors = [p for p in validate_study(edited) if p.severity == "error"]
    assert not errors, f"{case}: the edited study is not valid: {errors[:3]}"
    return edited


def _section(report: Report, key: str) -> Section:
    return next(s for s in report.sections if s.key == key)


def _notes(report: Report, key: str) -> str:
    return " ".join(_section(report, key).notes)


def _check_notes(report: Report, frames: dict[str, pl.DataFrame]) -> None:
    """Whatever could not be estimated is said in the section's notes."""
    for section in report.sections:
        notes = " ".join(section.notes)
        for table in section.tables:
            if table.key.endswith("_median") and table.frame["median (months)"].null_count():
                assert "median not reached" in notes, (section.key, table.key)
    factors = _section(report, "factors")
    notes = " ".join(factors.notes)
    tables = {t.key: t.frame for t in factors.tables}
    if "factors" in tables:
        untested = tables["factors"].filter(pl.col("level").is_null() & pl.col("p_value").is_null())
        for factor in untested["factor"]:
            assert f"{factor}: not tested" in notes, factor
    if "regression" in tables:
        models = tables["regression"]
        plotted = models.filter(
            pl.all_horizontal(
                pl.col(c).is_not_null() & pl.col(c).is_finite()
                for c in ("odds_ratio", "ci_lower", "ci_upper")
            )
            & (pl.col("ci_lower") <= pl.col("odds_ratio"))
            & (pl.col("odds_ratio") <= pl.col("ci_upper"))
        )
        if plotted.height < models.height:
            assert "Forest plot: not drawn" in notes
        if plotted.height:
            assert [f.key for f in factors.figures] == ["forest"]
        for model in ("univariable", "multivariable"):
            ml = set(models.filter(pl.col("model") == model)["term"])
            firth = set(models.filter(pl.col("model") == f"{model}, Firth")["term"])
            if firth - ml:  # Firth in place of maximum likelihood: the note says why
                assert "Firth estimate shown" in notes, model
    elif factors.tables:
        assert "not estimable" in notes or "not done" in notes
    n_cr = int((frames["adsl"]["CRFL"] == "Y").sum())
    if n_cr in (0, frames["adsl"].height):
        assert notes.startswith("Not available")


def _check_forced(case: Case, report: Report, frames: dict[str, pl.DataFrame]) -> None:
    adsl = frames["adsl"]
    n_cr = int((adsl["CRFL"] == "Y").sum())
    if case.forced == "no_cr":
        assert n_cr == 0
        assert "No patient had a confirmed complete response." in _notes(report, "responders")
        assert _notes(report, "factors").startswith(
            "Not available: no patient had a confirmed complete response"
        )
        assert "Duration of complete response: no patient qualifies." in _notes(
            report, "durability"
        )
    elif case.forced == "one_cr" and n_cr == 1:
        (table,) = _section(report, "responders").tables
        assert table.frame.height == 1
    elif case.forced == "all_censored":
        adtte = frames["adtte"]
        assert adtte.filter(pl.col("PARAMCD").is_in(["OS", "PFS"]))["CNSR"].eq(1).all()
        survival = _notes(report, "survival")
        assert "Overall survival, " in survival
        assert "median not reached (no events" in survival
        if adsl["CBOR"].n_unique() > 1:
            expected = "Log-rank test of Overall survival by best response not done: no events"
            assert expected in survival
        if n_cr:
            assert "Duration of complete response, all: median not reached" in _notes(
                report, "durability"
            )
    elif case.forced == "single_histology":
        assert adsl["HISTOL"].n_unique() == 1
        assert "One histology" in _notes(report, "table1")
        response = next(t for t in _section(report, "response").tables if t.key == "response")
        assert response.frame["histology"].unique().len() == 2  # the histology and "all"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_report_on_a_small_cohort(case: Case) -> None:
    started = time.perf_counter()
    study = make_study(case)
    frames = derive_study(study)
    report = build_report(study, frames, command="pytest")
    built = time.perf_counter()
    html = render_html(report)
    pdf = render_pdf(report)
    xlsx = render_xlsx(report)
    assert all(f'id="{s.key}"' in html for s in report.sections)
    assert pdf[:5] == b"%PDF-"
    sheets = load_workbook(io.BytesIO(xlsx), read_only=True).sheetnames
    assert sheets[0] == "README" and len(sheets) == len(report.tables()) + 1
    exposure = _section(report, "exposure")
    if case.no_doses:  # no table of zeros: an empty ledger is no data
        assert "the doses table) is empty" in _notes(report, "exposure")
        assert not exposure.tables
    else:
        assert [t.key for t in exposure.tables][:1] == ["exposure"]
        holds = [t.frame for t in exposure.tables if t.key == "holds"]
        words = {c.description for c in study.regimen.hold_rules.criteria}
        assert all(set(h["reason"].to_list()) <= words | {"not recorded"} for h in holds)
    if case.no_doses and not _notes(report, "factors").startswith("Not available:"):
        assert "Doses of IL-2 given in course 1 (no dose ledger)" in _notes(report, "factors")
    if case.no_prior_therapies:
        assert "Prior immunotherapy (no prior-therapy records)" in _notes(report, "table1")
    _check_notes(report, frames)
    _check_forced(case, report, frames)
    print(f"{case}: build {built - started:.1f} s, render {time.perf_counter() - built:.1f} s")


def test_cases_cover_every_forced_edit_and_every_empty_table() -> None:
    assert len(CASES) >= 50
    assert {c.forced for c in CASES} == set(FORCED)
    assert all(any(getattr(c, flag) for c in CASES) for flag in ("no_labs", "no_doses"))
    assert any(c.no_prior_therapies for c in CASES) and any(c.untracked for c in CASES)
    assert {c.n_patients for c in CASES} <= set(range(20, 61))


def test_separated_factor_shows_firth_with_the_reason_in_words() -> None:
    """20 patients (seed 1): no complete response among the 5 with prior immunotherapy. This
    study used to stop the report with matplotlib's "'xerr' must not contain negative values"."""
    from remission.report._predictors import factors_section

    study = simulate_study(n_patients=20, seed=1)
    section = factors_section(study, derive_study(study))
    notes = " ".join(section.notes)
    assert (
        "The univariable odds ratio of prior immunotherapy: not estimable: no complete "
        "responses among the 5 patients with prior immunotherapy (quasi-complete separation); "
        "Firth estimate shown."
    ) in notes
    models = next(t for t in section.tables if t.key == "regression").frame
    assert models.filter(pl.col("model") == "univariable, Firth")["term"].to_list() == [
        "Prior immunotherapy (yes vs no)"
    ]
    rows = models.filter(pl.col("model") == "univariable")
    assert (rows["ci_lower"] < rows["odds_ratio"]).all()
    assert (rows["odds_ratio"] < rows["ci_upper"]).all()
    assert [f.key for f in section.figures] == ["forest"]


def test_forest_plot_gets_only_finite_intervals_around_the_estimate() -> None:
    from remission.report._predictors import _plottable

    models = pl.DataFrame(
        {
            "model": ["a", "a", "a", "a", "a"],
            "term": ["fine", "open", "infinite", "outside", "zero"],
            "odds_ratio": [2.0, 2.0, 2.0, 4.13, 0.0],
            "ci_lower": [1.0, None, 1.0, 11.0, 0.0],
            "ci_upper": [3.0, 3.0, float("inf"), 11.0, 1.0],
            "p_value": [0.1] * 5,
        }
    )
    notes: list[str] = []
    assert _plottable(models, notes)["term"].to_list() == ["fine"]
    assert notes == [
        "Forest plot: not drawn (no finite 95% CI around the estimate): a: open; a: infinite; "
        "a: outside; a: zero."
    ]
