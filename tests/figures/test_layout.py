"""Every figure, on studies of every size, at print size: no text over text, nothing outside
the figure, no font under 8 pt, at most 6.8 x 9 in (``layout.py`` does the looking).

Studies: the demo (409 patients), a 2,000-patient simulation, a 20-patient one (2 complete
responders, the fewest the simulator makes), and that small study without one or both of its
complete responders (1 CR, whose duration is censored: a curve with no event; and 0 CR).
Derived frames are made once per module; drawing is the cost (about 30 s in all).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import polars as pl
import pytest
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from remission.analysis import (
    event_observed,
    firth_regression,
    kaplan_meier,
    logistic_regression,
    logrank_test,
)
from remission.antigens.screens import analyse_screen, demo_screen
from remission.derive import DerivedDatasets, derive_study
from remission.figures import (
    flow_counts,
    flow_diagram,
    forest_plot,
    km_plot,
    screen_heatmap,
    screen_heatmap_pages,
    spider_plot,
    swimmer_data,
    swimmer_pages,
    swimmer_plot,
    titration_plot,
    waterfall_data,
    waterfall_plot,
)
from remission.simulate import DAYS_PER_MONTH, demo_study, simulate_study
from tests.figures.layout import layout_problems, text_overlaps

STUDIES = ("demo", "n2000", "n20", "n20_1cr", "n20_0cr")


def _groups(study: object) -> pl.DataFrame:
    return study.table("patients").select(  # type: ignore[attr-defined]
        pl.col("patient_id").alias("USUBJID"),
        pl.col("histology").alias("group"),
        pl.col("death_date").alias("DTHDT"),
    )


def _without(
    frames: DerivedDatasets, groups: pl.DataFrame, drop: list[str]
) -> tuple[DerivedDatasets, pl.DataFrame]:
    """The same study without some patients (every derived frame is per patient)."""
    keep = {
        k: (f.filter(~pl.col("USUBJID").is_in(drop)) if "USUBJID" in f.columns else f)
        for k, f in frames.items()
    }
    return dataclasses.replace(frames, **keep), groups.filter(~pl.col("USUBJID").is_in(drop))


@pytest.fixture(scope="module")
def studies() -> dict[str, tuple[DerivedDatasets, pl.DataFrame]]:
    out = {}
    demo = demo_study().study
    out["demo"] = (derive_study(demo), _groups(demo))
    big = simulate_study(n_patients=2000, seed=7)
    out["n2000"] = (derive_study(big), _groups(big))
    small = simulate_study(n_patients=20, seed=1)
    frames, groups = derive_study(small), _groups(small)
    out["n20"] = (frames, groups)
    crs = frames["adsl"].filter(pl.col("CBOR") == "CR")["USUBJID"].to_list()
    assert len(crs) == 2
    out["n20_1cr"] = _without(frames, groups, crs[:1])
    out["n20_0cr"] = _without(frames, groups, crs)
    return out


def _km(frames: DerivedDatasets, code: str, groups: pl.DataFrame | None = None) -> list[Figure]:
    rows = frames["adtte"].filter(pl.col("PARAMCD") == code)
    if rows.height == 0:
        return []
    g, annotation = None, None
    if groups is not None:
        rows = rows.join(groups, on="USUBJID", how="left")
        g = rows["group"].fill_null("unknown")
        if g.n_unique() > 1:
            test = logrank_test(rows["AVAL"], event_observed(rows["CNSR"]), g)
            annotation = f"log-rank p = {test.p_value:.2g}"
    km = kaplan_meier(
        rows["AVAL"], event_observed(rows["CNSR"]), g, conf_type="log-log", group_name="best"
    )
    top = float(rows["AVAL"].max()) / DAYS_PER_MONTH
    step = 12 if top <= 72 else 24
    ticks = [float(t) for t in range(0, int(top) + step, step)]
    fig, _ = km_plot(
        km,
        title=f"{code} by best response" if groups is not None else code,
        time_scale=DAYS_PER_MONTH,
        time_label="Months from start of treatment",
        ticks=ticks,
        annotation=annotation,
    )
    return [fig]


def _best(frames: DerivedDatasets) -> pl.DataFrame:
    return frames["adsl"].select(
        "USUBJID",
        pl.col("CBOR")
        .replace({"NE": "NE/missing", "MISSING": "NE/missing", "NON-CR/NON-PD": "SD"})
        .alias("group"),
    )


def forest_rows(adsl: pl.DataFrame) -> pl.DataFrame:
    """Univariable, multivariable and Firth odds ratios of the paper's three factors."""
    wide = adsl.with_columns(
        (pl.col("CRFL") == "Y").alias("cr"),
        (pl.col("PRIORIT") == "Y").cast(pl.Int64).alias("prior_immunotherapy"),
        pl.col("C1DOSES").alias("course1_doses"),
        (pl.col("LYMMAXC1") / 1000).alias("rebound_per_1000"),
    )
    terms = ["prior_immunotherapy", "course1_doses", "rebound_per_1000"]
    rows = []
    for term in terms:
        r = logistic_regression(wide, "cr", [term]).table.filter(pl.col("term") == term)
        rows.append(
            ("univariable", *r.select("term", "or", "profile_lower", "profile_upper").row(0))
        )
    for model, result in (
        ("multivariable", logistic_regression(wide, "cr", terms)),
        ("multivariable, Firth", firth_regression(wide, "cr", terms)),
    ):
        for r in result.table.filter(pl.col("term") != "(Intercept)").iter_rows(named=True):
            rows.append((model, r["term"], r["or"], r["profile_lower"], r["profile_upper"]))
    return pl.DataFrame(
        rows, schema=["model", "label", "estimate", "lower", "upper"], orient="row"
    ).with_columns(pl.col("estimate", "lower", "upper").cast(pl.Float64))


def _forest(frames: DerivedDatasets) -> list[Figure]:
    n_cr = int((frames["adsl"]["CRFL"] == "Y").sum())
    if n_cr in (0, frames["adsl"].height):
        return []  # the report draws no forest plot without complete responders
    return [forest_plot(forest_rows(frames["adsl"]), title="Odds ratios of complete response")]


def _swimmers(frames: DerivedDatasets, groups: pl.DataFrame) -> list[Figure]:
    lanes = swimmer_data(frames["adrs"], frames["adtte"], groups)
    pages = swimmer_pages(lanes, DAYS_PER_MONTH, "Months", "Responders")
    assert len(pages) == math.ceil(lanes.height / 60)
    return [fig for fig, _ in pages]


FIGURES: dict[str, Callable[[DerivedDatasets, pl.DataFrame], list[Figure]]] = {
    "km_crdur": lambda f, g: _km(f, "CRDUR"),
    "km_rsd": lambda f, g: _km(f, "RSD"),
    "km_os_by_best_response": lambda f, g: _km(f, "OS", _best(f)),
    "swimmer_pages": _swimmers,
    "swimmer_plot": lambda f, g: [
        swimmer_plot(swimmer_data(f["adrs"], f["adtte"], g), DAYS_PER_MONTH, "Months", "All")[0]
    ],
    "waterfall": lambda f, g: [
        waterfall_plot(waterfall_data(f["adtr"], f["adrs"]), -50, 25, "Best change")
    ],
    "spider": lambda f, g: [
        spider_plot(f["adtr"], f["adrs"], DAYS_PER_MONTH, "Months", "Burden")[0]
    ],
    "forest": lambda f, g: _forest(f),
    "flow": lambda f, g: [flow_diagram(flow_counts(f["adsl"]))],
}


@pytest.mark.parametrize("figure", list(FIGURES))
@pytest.mark.parametrize("study", STUDIES)
def test_figure_fits_the_page(
    studies: dict[str, tuple[DerivedDatasets, pl.DataFrame]], study: str, figure: str
) -> None:
    frames, groups = studies[study]
    figures = FIGURES[figure](frames, groups)
    try:
        problems = [
            f"figure {i + 1}: {p}" for i, fig in enumerate(figures) for p in layout_problems(fig)
        ]
    finally:
        for fig in figures:
            plt.close(fig)
    assert problems == []


def test_the_small_studies_are_the_edge_cases(studies: dict) -> None:
    for name, n_cr in (("n20", 2), ("n20_1cr", 1), ("n20_0cr", 0)):
        frames, _ = studies[name]
        assert int((frames["adsl"]["CBOR"] == "CR").sum()) == n_cr
    crdur = studies["n20_1cr"][0]["adtte"].filter(pl.col("PARAMCD") == "CRDUR")
    assert crdur["CNSR"].to_list() == [1]  # a Kaplan-Meier curve without an event
    assert _km(studies["n20_0cr"][0], "CRDUR") == []


def test_km_annotation_sits_above_the_curves(studies: dict) -> None:
    frames, _ = studies["demo"]
    [fig] = _km(frames, "OS", _best(frames))
    note = next(t for t in fig.texts if t.get_text().startswith("log-rank p = "))
    fig.canvas.draw()
    curves = fig.axes[0].get_window_extent()
    assert note.get_window_extent().y0 >= curves.y1  # above the panel, never over a curve
    # the five strata are the rows of each block, in the colours of their curves
    names = [t.get_text() for t in fig.axes[1].texts if t.get_horizontalalignment() == "right"]
    assert names[:5] == ["CR", "NE/missing", "PD", "PR", "SD"]
    plt.close(fig)


def test_km_table_grows_by_rows_and_the_panel_stays(studies: dict) -> None:
    frames, _ = studies["demo"]
    [one] = _km(frames, "CRDUR")
    [five] = _km(frames, "OS", _best(frames))
    panel = [f.axes[0].get_position().height * f.get_figheight() for f in (one, five)]
    assert panel[0] == pytest.approx(panel[1])  # inches, whatever the strata
    rows = [f.axes[1].get_position().height * f.get_figheight() for f in (one, five)]
    assert rows[1] == pytest.approx(5 * rows[0])
    plt.close(one)
    plt.close(five)


def test_km_many_strata_still_fit() -> None:
    rng = np.random.default_rng(3)
    group = np.repeat([f"arm {i}" for i in range(12)], 15)
    km = kaplan_meier(rng.exponential(20, group.size), rng.random(group.size) < 0.7, group)
    fig, table = km_plot(km, annotation="log-rank p < 0.001", title="Twelve arms")
    assert layout_problems(fig) == []
    assert table["strata"].n_unique() == 12
    plt.close(fig)


def test_swimmer_pages_of_sixty_lanes_fit_nine_inches(studies: dict) -> None:
    frames, groups = studies["n2000"]
    lanes = swimmer_data(frames["adrs"], frames["adtte"], groups)
    pages = swimmer_pages(lanes, DAYS_PER_MONTH, "Months", "Responders")
    drawn = pl.concat([d for _, d in pages])
    assert drawn["USUBJID"].to_list() == lanes["USUBJID"].to_list()  # every lane, once
    assert all(d.height <= 60 for _, d in pages)
    n = len(pages)
    titles = [fig.texts[0].get_text() for fig, _ in pages]
    assert titles == [f"Responders (page {i} of {n})" for i in range(1, n + 1)]
    for fig, _ in pages:  # axis, legend and group headings on every page
        ax = fig.axes[0]
        assert ax.get_xlabel() == "Months" and fig.legends
        assert ax.texts[0].get_text().split(" (")[0] in set(lanes["group"])
        assert ax.get_xlim() == pages[0][0].axes[0].get_xlim()
        plt.close(fig)
    sixty = lanes.head(60).with_columns(pl.format("g{}", pl.int_range(60) % 6).alias("group"))
    [(fig, drawn)] = swimmer_pages(sixty, DAYS_PER_MONTH, "Months", "Sixty lanes in six groups")
    assert drawn.height == 60 and fig.get_figheight() <= 9.0
    plt.close(fig)


def test_no_responders_make_no_swimmer_pages(studies: dict) -> None:
    frames, groups = studies["n20"]
    lanes = swimmer_data(frames["adrs"], frames["adtte"], groups).clear()
    assert swimmer_pages(lanes) == []
    fig, drawn = swimmer_plot(lanes)
    assert drawn.height == 0 and layout_problems(fig) == []
    plt.close(fig)


# the rows that crashed `remission report` on `simulate --patients 20 --seed 1`: separation
# (NaN limits, estimates of 1e-26 and 1e12) and a profile interval that misses its estimate
CRASHED = pl.DataFrame(
    {
        "label": ["Prior immunotherapy", "Course-1 doses", "Maximal rebound"] * 3,
        "estimate": [
            2.07e-8,
            4.128882,
            1.774671,
            1.9e-26,
            908798.18,
            1.277e12,
            0.45567,
            1.906,
            1.78,
        ],
        "lower": [None, 10.99912, 0.864119, None, None, None, 0.000022, 0.888557, 0.935115],
        "upper": [None, 10.999141, 4.465697, None, None, None, 33.450234, 17.333382, 273.558117],
        "model": ["univariable"] * 3 + ["multivariable"] * 3 + ["multivariable, Firth"] * 3,
    }
)


def test_forest_draws_what_small_cohorts_produce() -> None:
    fig = forest_plot(CRASHED, title="Odds ratios of complete response")
    printed = [t.get_text() for t in fig.axes[0].texts]
    assert "4.13 (11.0–11.0) †" in printed  # drawn as given, flagged
    assert "<0.01 (NA–NA)" in printed and ">999 (NA–NA)" in printed
    notes = " ".join(t.get_text() for t in fig.texts)
    assert "does not contain its estimate" in notes and "NA: not estimable" in notes
    assert layout_problems(fig) == []
    plt.close(fig)


def test_forest_infinite_and_reversed_limits_never_fail() -> None:
    rows = pl.DataFrame(
        {
            "label": ["inf upper", "zero lower", "both infinite", "no estimate", "reversed"],
            "estimate": [3.0, 0.5, 1.0, None, 2.0],
            "lower": [1.2, 0.0, 0.0, 0.5, 3.0],
            "upper": [math.inf, 0.9, math.inf, 2.0, 1.0],
        }
    )
    fig = forest_plot(rows)
    ax = fig.axes[0]
    arrows = [line for line in ax.lines if line.get_marker() in ("<", ">")]
    assert len(arrows) == 4  # inf upper, zero lower, and both ends of the third
    lo, hi = ax.get_xlim()
    assert all(x in (lo, hi) for line in arrows for x in line.get_xdata())
    assert layout_problems(fig) == []
    plt.close(fig)


def test_forest_ticks_are_plain_numbers(studies: dict) -> None:
    fig = forest_plot(forest_rows(studies["demo"][0]["adsl"]))
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert "1" in labels and all(float(t) > 0 for t in labels)  # not 10^0 or $10^{-1}$
    plt.close(fig)


def _wide_screen() -> pl.DataFrame:
    """A bigger screen than the demo: 3 plates of 4 effectors, one plate of 60 long names."""
    rows = []
    rng = np.random.default_rng(0)
    for plate, n in (("library pools, first pass", 60), ("sub-pools", 12), ("peptides", 9)):
        for effector in ("TIL-CR01", "TIL-CR02 (expanded)", "PBL-CR01", "TIL-PR07"):
            for i in range(n):
                fold = float(rng.lognormal(0, 1.5))
                rows.append(
                    (
                        plate,
                        effector,
                        f"{plate.split()[0]}-{i:02d}-a-rather-long-identifier",
                        None,
                        "ifng_pg_ml",
                        fold,
                        fold > 8,
                    )
                )
    return pl.DataFrame(
        rows,
        schema=["plate", "effector", "label", "concentration", "readout", "fold", "positive"],
        orient="row",
    )


@pytest.mark.parametrize("screen", ["demo", "wide"])
def test_screen_heatmap_shows_every_label(screen: str) -> None:
    pos = analyse_screen(demo_screen()).positivity if screen == "demo" else _wide_screen()
    pages = screen_heatmap_pages(pos, title="Screen")
    drawn = [t.get_text() for fig in pages for ax in fig.axes for t in ax.texts]
    labels = pos["label"] if "label" in pos.columns else pos["antigen"].fill_null(pos["target"])
    for label in set(labels.to_list()):
        assert any(d.startswith(label[:20]) for d in drawn), label
    # every condition has its row: as many row labels as distinct conditions per plate
    conditions = pos.select("plate", labels.alias("l"), "concentration", "readout").unique()
    assert (
        sum(
            1
            for fig in pages
            for ax in fig.axes
            for t in ax.texts
            if t.get_horizontalalignment() == "right"
        )
        == conditions.height
    )
    for fig in pages:
        assert layout_problems(fig) == []
        plt.close(fig)
    if screen == "demo":  # one page, and the one-figure form draws the same
        assert len(pages) == 1
        fig = screen_heatmap(pos)
        assert layout_problems(fig) == []
        plt.close(fig)
    else:
        assert [f.texts[0].get_text() for f in pages][
            -1
        ] == f"Screen (page {len(pages)} of {len(pages)})"


def test_titration_points_are_the_wells_with_their_spread() -> None:
    screen = demo_screen()
    result = analyse_screen(screen)
    fig = titration_plot(result.titration_fits, screen.plates)
    ax = fig.axes[0]
    assert len(ax.containers) == len(result.titration_fits)  # an error bar set per fit
    wells = screen.plates.filter(
        (pl.col("antigen") == result.titration_fits[0].antigen) & (pl.col("concentration") > 0)
    )
    means = wells.group_by("concentration").agg(pl.col("value").mean()).sort("concentration")
    points = ax.containers[0].lines[0]
    assert np.allclose(points.get_ydata(), means["value"].to_numpy())
    assert ax.get_xticklabels() and layout_problems(fig) == []
    assert text_overlaps(fig) == []
    plt.close(fig)


def test_patient_timelines_keep_doses_and_labels_apart() -> None:
    """A CR followed for years (a course's doses at a scale of 12 years), the shortest
    follow-up and one in between: every dose counted once, in runs with their counts where
    ticks would merge; event labels above the dose panel, never over the doses; no text over
    text."""
    from remission.app._data import study_data
    from remission.app._timeline import patient_timeline, timeline_figure

    data = study_data(demo_study().study)
    os_days = data.frames["adtte"].filter(pl.col("PARAMCD") == "OS").sort("AVAL", "USUBJID")
    ids = os_days["USUBJID"]
    for patient in (ids[-1], ids[0], ids[ids.len() // 2]):
        timeline = patient_timeline(data, patient)
        fig = timeline_figure(timeline)
        try:
            assert layout_problems(fig) == [], patient
            fig.canvas.draw()
            doses = fig.axes[0]
            top = doses.get_window_extent().y1
            upright = [t for t in doses.texts if t.get_rotation() == 90]
            counts = [int(t.get_text()) for t in doses.texts if t.get_rotation() != 90]
            assert len(upright) == timeline.events.height, patient
            assert all(t.get_window_extent().y0 >= top for t in upright), patient
            # a run's count covers several doses: never more than were given and held
            assert all(c >= 2 for c in counts)
            assert sum(counts) <= timeline.doses_given() + timeline.doses_held(), patient
        finally:
            plt.close(fig)
