"""Figures, headless: files written, numbers drawn equal the tables returned."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from matplotlib.patches import Rectangle

from remission.analysis import event_observed, kaplan_meier
from remission.derive import derive_study
from remission.figures import (
    km_plot,
    spider_plot,
    swimmer_data,
    swimmer_plot,
    waterfall_data,
    waterfall_plot,
)
from remission.simulate import DAYS_PER_MONTH, Simulation, demo_study


@pytest.fixture(scope="module")
def demo() -> tuple[Simulation, dict[str, pl.DataFrame]]:
    sim = demo_study()
    return sim, derive_study(sim.study)


def _groups(sim: Simulation) -> pl.DataFrame:
    return sim.study.table("patients").select(
        pl.col("patient_id").alias("USUBJID"),
        pl.col("histology").alias("group"),
        pl.col("death_date").alias("DTHDT"),
    )


def _save(fig: object, tmp_path: Path, stem: str) -> None:
    for ext in ("svg", "png"):
        path = tmp_path / f"{stem}.{ext}"
        fig.savefig(path)  # type: ignore[attr-defined]
        assert path.stat().st_size > 1000


def test_km_plot_at_risk_numbers_equal_the_table(demo: tuple, tmp_path: Path) -> None:
    sim, frames = demo
    os_ = frames["adtte"].filter(pl.col("PARAMCD") == "OS").join(_groups(sim), on="USUBJID")
    km = kaplan_meier(
        os_["AVAL"],
        event_observed(os_["CNSR"]),
        os_["group"],
        conf_type="log-log",
        group_name="histology",
    )
    ticks = [0, 24, 48, 72, 96, 120, 144]
    fig, table = km_plot(km, time_scale=DAYS_PER_MONTH, ticks=ticks, time_label="Months")
    _save(fig, tmp_path, "km")
    ax, *blocks = fig.axes  # the curves, then one axes per block of the risk table
    assert len(blocks) == 3
    for block, what in zip(blocks, ("at_risk", "censored", "events"), strict=True):
        printed = [t.get_text() for t in block.texts if t.get_text().isdigit()]
        expected = []
        for stratum in km.strata():
            expected += [str(v) for v in table.filter(pl.col("strata") == stratum)[what]]
        assert printed == expected
        # survminer style: the rows are labelled with the strata, coloured like their curves
        labels = [t for t in block.texts if t.get_text() in ("melanoma", "renal")]
        assert [t.get_color() for t in labels] == [line.get_color() for line in ax.lines[::2]]
    assert table.filter(pl.col("time") == 0)["at_risk"].to_list() == [182, 227]
    assert "Months" in ax.get_xlabel()
    assert ax.get_legend() is None  # the table's labels name the curves
    figure_texts = [t.get_text() for t in fig.texts]
    assert "Number at risk" in figure_texts
    assert any("followed at the time shown" in t for t in figure_texts)


def test_at_risk_counts_follow_the_stated_convention() -> None:
    km = kaplan_meier([2, 4, 4, 6, 8], [1, 0, 1, 1, 0])
    _, table = km_plot(km, ticks=[0, 4, 8])
    assert table.select("at_risk", "censored", "events").rows() == [(5, 0, 0), (4, 1, 2), (1, 2, 3)]


def test_swimmer_bars_equal_adtte_durations(demo: tuple, tmp_path: Path) -> None:
    sim, frames = demo
    lanes = swimmer_data(frames["adrs"], frames["adtte"], _groups(sim))
    assert lanes.height == 70  # 33 CR + 37 PR
    fig, drawn = swimmer_plot(lanes, time_scale=DAYS_PER_MONTH, time_label="Months")
    _save(fig, tmp_path, "swimmer")
    widths = sorted(
        round(p.get_width(), 9)
        for p in fig.axes[0].patches
        if isinstance(p, Rectangle) and abs(p.get_height() - 0.7) < 1e-9
    )
    assert widths == sorted(round(w, 9) for w in drawn["bar"].to_list())
    crdur = frames["adtte"].filter(pl.col("PARAMCD") == "CRDUR").select("USUBJID", "AVAL")
    cr_lanes = drawn.filter(pl.col("best") == "CR").join(crdur, on="USUBJID")
    assert cr_lanes.height == 33
    assert (cr_lanes["bar"] * DAYS_PER_MONTH - cr_lanes["AVAL"]).abs().max() < 1e-9
    assert drawn["ongoing"].filter(drawn["best"] == "CR").sum() == 27


def test_waterfall_and_spider(demo: tuple, tmp_path: Path) -> None:
    _, frames = demo
    data = waterfall_data(frames["adtr"], frames["adrs"])
    fig = waterfall_plot(data, pr_line=-50, pd_line=25)
    _save(fig, tmp_path, "waterfall")
    [bars] = fig.axes[0].collections
    assert len(bars.get_paths()) == data.height  # one bar per patient
    subtitle = f"N = {data.height} patients with measurable disease, assessed after baseline"
    assert subtitle in [t.get_text() for t in fig.texts]
    assert {"−50% (PR)", "+25% (PD)"} <= {t.get_text() for t in fig.texts}
    assert data.filter(pl.col("best") == "CR")["best_pchg"].max() == -100
    fig, points = spider_plot(frames["adtr"], frames["adrs"], DAYS_PER_MONTH, "Months")
    _save(fig, tmp_path, "spider")
    [lines] = fig.axes[0].collections
    assert points["USUBJID"].n_unique() == len(lines.get_segments())  # a line per patient
    assert points["USUBJID"].n_unique() == data.height  # the waterfall's patients
    assert subtitle in [t.get_text() for t in fig.texts]
