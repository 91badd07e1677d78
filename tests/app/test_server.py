"""The app's server functions, without a browser: filter, KM, timeline, hover, cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from remission.analysis import event_observed, kaplan_meier, logrank_test
from remission.app import (
    Filters,
    StudyData,
    cohort_counts,
    filter_adsl,
    filter_choices,
    filter_frames,
    km_view,
    load_study_data,
    patient_timeline,
    read_derived,
    response_summary,
    strata_columns,
    study_data,
    study_key,
)
from remission.app._predictors import predictors_view
from remission.app._responses import spider_view, swimmer_view, waterfall_view
from remission.simulate import demo_study
from remission.study import load, write_study


@pytest.fixture(scope="module")
def demo() -> StudyData:
    return study_data(demo_study().study)


def _melanoma(demo: StudyData) -> dict[str, pl.DataFrame]:
    adsl = filter_adsl(demo.frames["adsl"], Filters(histology=("melanoma",)))
    return filter_frames(demo.frames, adsl)


def test_melanoma_filter_gives_the_published_182_patients_and_12_complete_responses(
    demo: StudyData,
) -> None:
    counts = cohort_counts(_melanoma(demo)["adsl"])
    assert counts.rows() == [("melanoma", 182, 12, 29), ("all", 182, 12, 29)]
    summary = dict(response_summary(_melanoma(demo)["adsl"]).select("response", "n").rows())
    assert summary["CR"] == 12
    assert summary["CR + PR"] == 29


def test_every_derived_dataset_keeps_only_the_filtered_patients(demo: StudyData) -> None:
    frames = _melanoma(demo)
    kept = set(frames["adsl"]["USUBJID"])
    for name, frame in frames.items():
        assert set(frame["USUBJID"]) <= kept, name
        full = demo.frames[name].filter(pl.col("USUBJID").is_in(list(kept)))
        assert frame.height == full.height, name


def test_filters_combine_and_an_empty_choice_keeps_everyone(demo: StudyData) -> None:
    adsl = demo.frames["adsl"]
    assert filter_adsl(adsl, Filters()).height == adsl.height
    chosen = Filters(
        histology=("renal",), sex=("F",), ecog=("0",), prior_immunotherapy=("N",), doses=(5, 12)
    )
    expected = adsl.filter(
        (pl.col("HISTOL") == "renal")
        & (pl.col("SEX") == "F")
        & (pl.col("ECOG") == 0)
        & (pl.col("PRIORIT") == "N")
        & pl.col("C1DOSES").is_between(5, 12)
    )
    got = filter_adsl(adsl, chosen)
    assert got["USUBJID"].to_list() == expected["USUBJID"].to_list()
    assert 0 < got.height < adsl.height
    assert chosen.active() == ["histology", "sex", "ecog", "prior_immunotherapy", "doses"]


def test_missing_values_are_a_choice_of_their_own() -> None:
    adsl = pl.DataFrame({"USUBJID": ["a", "b"], "HISTOL": ["m", "m"], "SEX": ["F", None]})
    assert filter_choices(adsl)["sex"] == ["F", "missing"]
    assert filter_adsl(adsl, Filters(sex=("missing",)))["USUBJID"].to_list() == ["b"]


def test_best_response_choices_are_in_clinical_order(demo: StudyData) -> None:
    choices = filter_choices(demo.frames["adsl"])["best_response"]
    assert choices[:2] == ["CR", "PR"]
    only_cr = filter_adsl(demo.frames["adsl"], Filters(best_response=("CR",)))
    assert set(only_cr["CRFL"]) == {"Y"}


@pytest.mark.parametrize("endpoint", ["OS", "PFS", "RSD", "CRDUR"])
def test_km_on_the_filtered_cohort_is_the_analysis_packages_fit(
    demo: StudyData, endpoint: str
) -> None:
    frames = _melanoma(demo)
    view = km_view(frames, endpoint, "SEX")
    rows = (
        frames["adtte"]
        .filter(pl.col("PARAMCD") == endpoint)
        .join(frames["adsl"].select("USUBJID", "SEX"), on="USUBJID")
    )
    events = event_observed(rows["CNSR"])
    direct = kaplan_meier(rows["AVAL"], events, rows["SEX"], conf_type="log-log")
    assert view.km is not None
    assert view.km.median()["median"].to_list() == direct.median()["median"].to_list()
    assert view.medians["n"].sum() == rows.height
    test = logrank_test(rows["AVAL"], events, rows["SEX"])
    assert view.logrank is not None
    assert view.logrank.p_value == pytest.approx(test.p_value)
    assert view.p_text().startswith("log-rank p")


def test_changing_the_stratification_changes_the_legend(demo: StudyData) -> None:
    frames = demo.frames
    assert km_view(frames, "OS", "HISTOL").legend() == ["melanoma", "renal"]
    assert km_view(frames, "OS", "SEX").legend() == ["F", "M"]
    assert km_view(frames, "OS").legend() == ["All patients"]
    assert km_view(frames, "OS").logrank is None


def test_strata_are_categorical_columns(demo: StudyData) -> None:
    columns = strata_columns(demo.frames["adsl"])
    assert {"HISTOL", "SEX", "ECOG", "PRIORIT", "CBOR", "CRFL"} <= set(columns)
    assert not {"USUBJID", "AGE", "TRTSDT", "STUDYID"} & set(columns)


def test_an_empty_cohort_gives_no_curve_and_no_error(demo: StudyData) -> None:
    adsl = filter_adsl(demo.frames["adsl"], Filters(histology=("no such",)))
    frames = filter_frames(demo.frames, adsl)
    view = km_view(frames, "CRDUR", "SEX")
    assert view.km is None
    assert view.medians.is_empty()
    assert response_summary(adsl)["n"].to_list() == [0]


def test_patient_timeline_counts_the_doses_of_adex(demo: StudyData) -> None:
    adex = demo.frames["adex"].filter(pl.col("COURSE").is_null())
    given = dict(adex.filter(pl.col("PARAMCD") == "DOSGIVN").select("USUBJID", "AVAL").rows())
    held = dict(adex.filter(pl.col("PARAMCD") == "DOSHELD").select("USUBJID", "AVAL").rows())
    for patient in list(given)[::40]:
        timeline = patient_timeline(demo, patient)
        assert timeline.doses_given() == given[patient]
        assert timeline.doses_held() == held[patient]
        reasons = timeline.doses.filter(pl.col("status") == "held")["hold reason"]
        assert reasons.null_count() == 0
        # the criteria's words ("creatinine 2.5-2.9 mg/dL"), not their identifiers
        described = {c.description for c in demo.study.regimen.hold_rules.criteria}
        assert set(reasons.to_list()) <= described


def test_patient_timeline_has_scans_lymphocytes_and_the_outcome(demo: StudyData) -> None:
    cr = demo.frames["adsl"].filter(pl.col("CRFL") == "Y")["USUBJID"][0]
    timeline = patient_timeline(demo, cr)
    summary = dict(timeline.summary)
    assert summary["best confirmed response"] == "CR"
    assert "months" in summary["CR duration"]
    assert "CR" in timeline.scans["response"].to_list()
    assert timeline.lymphocytes["peak"].any()
    assert (timeline.lymphocytes["phase"] == "rebound").any()
    assert "first CR" in timeline.events["label"].to_list()
    with pytest.raises(KeyError):
        patient_timeline(demo, "nobody")


def test_hover_shapes_name_each_patient_once_per_bar_and_lane(demo: StudyData) -> None:
    frames = _melanoma(demo)
    fig, hover = waterfall_view(frames, "who")
    width, height = fig.get_size_inches() * 100
    assert len({h.patient for h in hover}) == len(hover) > 100
    assert all(0 <= h.x <= width and 0 <= h.y <= height for h in hover)
    assert all(h.text.startswith(h.patient + ": ") and " on 19" in h.text for h in hover)
    _, lanes = swimmer_view(frames)
    assert len(lanes) == 29
    _, points = spider_view(frames)
    assert {p.patient for p in points} <= set(frames["adsl"]["USUBJID"])


def test_predictors_are_the_reports_section_on_the_filtered_cohort(demo: StudyData) -> None:
    view = predictors_view(demo.study, _melanoma(demo)["adsl"])
    assert [t.key for t in view.tables] == ["factors", "regression"]
    assert "12 complete responders" in view.paragraphs[0]
    assert view.forest is not None and view.forest.png[:4] == b"\x89PNG"


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_derived_once_then_read_from_the_cache_never_from_the_study_folder(
    tmp_path: Path,
) -> None:
    from remission.simulate import simulate_study

    write_study(simulate_study(n_patients=40, seed=2), tmp_path / "study", "csv")
    before = _tree(tmp_path / "study")
    study = load(tmp_path / "study")
    steps: list[str] = []
    first = load_study_data(study, cache=tmp_path / "cache", progress=steps.append)
    second = load_study_data(study, cache=tmp_path / "cache", progress=steps.append)
    assert (first.source, second.source) == ("derived", "cache")
    assert steps[0] == "deriving the analysis datasets"
    assert steps[-1] == "reading the cached derived datasets"
    assert second.frames["adsl"].equals(first.frames["adsl"])
    assert (tmp_path / "cache" / study_key(study) / "adsl.parquet").is_file()
    assert _tree(tmp_path / "study") == before


def test_a_changed_study_has_another_cache_key(tmp_path: Path) -> None:
    from remission.simulate import simulate_study

    write_study(simulate_study(n_patients=30, seed=2), tmp_path / "a", "csv")
    write_study(simulate_study(n_patients=30, seed=3), tmp_path / "b", "csv")
    assert study_key(load(tmp_path / "a")) != study_key(load(tmp_path / "b"))
    assert study_key(load(tmp_path / "a")) == study_key(load(tmp_path / "a"))


def test_datasets_written_by_remission_derive_read_back(tmp_path: Path, demo: StudyData) -> None:
    from typer.testing import CliRunner

    from remission.cli import app

    write_study(demo.study, tmp_path / "study", "csv")
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"derived-{fmt}"
        result = CliRunner().invoke(
            app, ["derive", str(tmp_path / "study"), "--out", str(out), "--format", fmt]
        )
        assert result.exit_code == 0, result.output
        frames = read_derived(out)
        assert frames["adsl"].equals(demo.frames["adsl"]), fmt
        assert frames["adtte"].height == demo.frames["adtte"].height
    with pytest.raises(ValueError, match="adsl"):
        read_derived(tmp_path)


def _pixel(png: bytes, x: float, y: float) -> tuple[int, ...]:
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return image.getpixel((round(x), round(y)))


def test_hover_shapes_lie_over_what_is_drawn(demo: StudyData) -> None:
    from remission.app._html import png_bytes

    frames = _melanoma(demo)
    fig, lanes = swimmer_view(frames)
    png = png_bytes(fig)
    drawn = [_pixel(png, h.x + h.width / 2, h.y + h.height / 2) for h in lanes]
    assert all(colour != (255, 255, 255) for colour in drawn)
    beside = [_pixel(png, h.x + h.width / 2, h.y - 2 * h.height) for h in lanes[:1]]
    assert beside != drawn[:1]
    fig, bars = waterfall_view(frames, "who")
    png = png_bytes(fig)
    first = bars[0]  # the largest increase: a progression bar well above zero
    top_of_axes, bottom = first.y, first.y + first.height
    inside = _pixel(png, first.x + first.width / 2, bottom - 0.4 * (bottom - top_of_axes))
    assert inside != (255, 255, 255)


def test_timeline_event_labels_do_not_overlap() -> None:
    import polars as pl

    from remission.figures import patient_timeline_plot

    events = pl.DataFrame(
        {"day": [40.0, 41.0, 42.0, 300.0], "label": ["first response", "first CR", "x", "death"]}
    )
    doses = pl.DataFrame({"day": [0.0], "status": ["given"]})
    empty = pl.DataFrame(schema={"day": pl.Float64, "value": pl.Float64, "response": pl.String})
    lymph = pl.DataFrame(
        schema={"day": pl.Float64, "value": pl.Float64, "rebound": pl.Boolean, "peak": pl.Boolean}
    )
    fig = patient_timeline_plot(doses, empty, lymph, events)
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in fig.axes[0].texts]
    assert len(boxes) == 4
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_timeline_labels_a_response_where_it_changes() -> None:
    import polars as pl

    from remission.figures import patient_timeline_plot

    burden = pl.DataFrame(
        {
            "day": [0.0, 60.0, 120.0, 180.0, 240.0, 300.0],
            "value": [500.0, 200.0, 0.0, 0.0, 0.0, 300.0],
            "response": [None, "PR", "CR", "CR", "CR", "PD"],
        }
    )
    doses = pl.DataFrame({"day": [0.0], "status": ["given"]})
    lymph = pl.DataFrame(
        schema={"day": pl.Float64, "value": pl.Float64, "rebound": pl.Boolean, "peak": pl.Boolean}
    )
    events = pl.DataFrame(schema={"day": pl.Float64, "label": pl.String})
    fig = patient_timeline_plot(doses, burden, lymph, events)
    assert [t.get_text() for t in fig.axes[1].texts] == ["PR", "CR", "PD"]
