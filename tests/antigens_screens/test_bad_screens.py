"""Bad screens: one broken assay is reported (file, row, plate, well, reason) and left out;
every other assay of the screen is still analysed, with the results of the clean screen.

Each case breaks the demo screen in one way a lab makes by hand. The messages are snapshots
(``_snaps/bad_screens/<case>.txt``); regenerate them after a deliberate wording change with
``REMISSION_UPDATE_SNAPSHOTS=1`` and review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from remission.antigens.screens import (
    ScreenResult,
    analyse_screen,
    demo_screen,
    read_screen,
    write_screen,
)
from remission.study import StudyError

SNAPS = Path(__file__).parent / "_snaps" / "bad_screens"
UPDATE = os.environ.get("REMISSION_UPDATE_SNAPSHOTS") == "1"
CONC = ("MART-1-peptides", "MART-1-elispot", "MART-1-4-1BB", "gp100-titration")
CDNA = ("cDNA-library", "cDNA-subpools", "cDNA-clones")

Edit = Callable[[pl.DataFrame, pl.DataFrame], tuple[pl.DataFrame, pl.DataFrame]]


def _set(frame: pl.DataFrame, where: pl.Expr, **values: str | None) -> pl.DataFrame:
    """Set columns on the first row where ``where`` holds."""
    index = frame.with_row_index("_i").filter(where)["_i"][0]
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == index)
        .then(pl.lit(v, pl.String))
        .otherwise(pl.col(k))
        .alias(k)
        for k, v in values.items()
    )


def _plate(name: str, role: str | None = None) -> pl.Expr:
    expr = pl.col("plate") == name
    return expr & (pl.col("role") == role) if role else expr


# name -> (edit of (plates, layout) as text, plates whose assay is lost)
CASES: dict[str, tuple[Edit, tuple[str, ...]]] = {
    "unknown_well": (
        lambda p, lay: (_set(p, _plate("cDNA-subpools", "test"), well="Z99"), lay),
        ("cDNA-subpools",),
    ),
    "duplicated_well": (
        lambda p, lay: (_set(p, _plate("cDNA-clones", "test"), well="A1"), lay),
        ("cDNA-clones",),
    ),
    "missing_background": (
        lambda p, lay: (p.filter(~_plate("MART-1-4-1BB", "background")), lay),
        ("MART-1-4-1BB",),
    ),
    "unit_missing": (
        lambda p, lay: (p.rename({"concentration_nm": "concentration"}), lay),
        CONC,
    ),
    "unit_unknown": (
        lambda p, lay: (p.rename({"concentration_nm": "concentration_mg"}), lay),
        CONC,
    ),
    "peptide_not_in_layout": (
        lambda p, lay: (
            _set(p, pl.col("antigen") == "MART-1_27-35", antigen="MART-1_27-53"),
            lay,
        ),
        ("MART-1-peptides",),
    ),
    "non_numeric_reading": (
        lambda p, lay: (_set(p, _plate("gp100-titration", "test"), value="1,234"), lay),
        ("gp100-titration",),
    ),
    "negative_reading": (
        lambda p, lay: (_set(p, _plate("MART-1-elispot", "test"), value="-30"), lay),
        ("MART-1-elispot",),
    ),
    "readout_in_ng": (
        lambda p, lay: (
            p.with_columns(
                pl.when(_plate("cDNA-library"))
                .then(pl.lit("ifng_ng_ml"))
                .otherwise(pl.col("readout"))
                .alias("readout")
            ),
            lay,
        ),
        ("cDNA-library",),
    ),
    "unknown_role": (
        lambda p, lay: (_set(p, _plate("MART-1-peptides", "test"), role="blank"), lay),
        ("MART-1-peptides",),
    ),
    "two_readouts_on_a_plate": (
        lambda p, lay: (
            _set(p, _plate("MART-1-4-1BB", "test"), readout="spots_per_well"),
            lay,
        ),
        ("MART-1-4-1BB",),
    ),
    "missing_spontaneous": (
        lambda p, lay: (
            p.filter(~(_plate("Cr51-release", "spontaneous") & (pl.col("target") == "888mel"))),
            lay,
        ),
        ("Cr51-release",),
    ),
    "maximum_below_spontaneous": (
        lambda p, lay: (
            p.with_columns(
                pl.when(_plate("Cr51-release", "maximum") & (pl.col("target") == "624mel"))
                .then(pl.lit("100"))
                .otherwise(pl.col("value"))
                .alias("value")
            ),
            lay,
        ),
        ("Cr51-release",),
    ),
    "percent_above_100": (
        lambda p, lay: (_set(p, _plate("MART-1-4-1BB", "test"), value="140"), lay),
        ("MART-1-4-1BB",),
    ),
    "e_t_ratio_missing": (
        lambda p, lay: (_set(p, _plate("Cr51-release", "test"), e_t_ratio=None), lay),
        ("Cr51-release",),
    ),
    "replicate_not_whole": (
        lambda p, lay: (_set(p, _plate("cDNA-clones", "test"), replicate="1.5"), lay),
        ("cDNA-clones",),
    ),
    "effector_missing": (
        lambda p, lay: (_set(p, _plate("cDNA-library", "test"), effector=None), lay),
        ("cDNA-library",),
    ),
    "negative_concentration": (
        lambda p, lay: (_set(p, _plate("gp100-titration", "test"), concentration_nm="-1"), lay),
        ("gp100-titration",),
    ),
    "plate_name_missing": (
        lambda p, lay: (_set(p, _plate("cDNA-clones", "test"), plate=None), lay),
        (),
    ),
    "layout_member_twice": (
        lambda p, lay: (p, pl.concat([lay, lay.filter(pl.col("member") == "MART-1_27-35")])),
        (),
    ),
    "layout_sequence_invalid": (
        lambda p, lay: (p, _set(lay, pl.col("member") == "MART-1_31-39", sequence="GILTV1LGV")),
        ("MART-1-peptides",),
    ),
    "layout_cycle": (
        lambda p, lay: (
            p,
            pl.concat(
                [lay, pl.DataFrame({"pool": ["L07-S3-c4"], "member": ["L07"]})],
                how="diagonal",
            ).with_columns(pl.col("member_type").fill_null("pool")),
        ),
        CDNA,
    ),
    "flat_titration": (
        lambda p, lay: (
            p.with_columns(
                pl.when(pl.col("antigen") == "gp100_209-217_2M")
                .then(pl.lit("500"))
                .otherwise(pl.col("value"))
                .alias("value")
            ),
            lay,
        ),
        (),
    ),
    "two_point_titration": (
        lambda p, lay: (
            p.filter(
                pl.col("antigen").ne_missing("gp100_209-217")
                | pl.col("concentration_nm").is_in(["1.0", "100.0"])
            ),
            lay,
        ),
        (),
    ),
}


# valid files whose analysis fails in part (a titration without an EC50)
ANALYSIS_CASES = ("flat_titration", "two_point_titration")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ScreenResult]:
    folder = write_screen(demo_screen(), tmp_path_factory.mktemp("clean") / "screen")
    return folder, analyse_screen(read_screen(folder))


def _broken(folder: Path, out: Path, edit: Edit) -> Path:
    plates = pl.read_csv(folder / "plates.csv", infer_schema=False)
    layout = pl.read_csv(folder / "layout.csv", infer_schema=False)
    plates, layout = edit(plates, layout)
    out.mkdir()
    plates.write_csv(out / "plates.csv")
    layout.write_csv(out / "layout.csv")
    (out / "screen.toml").write_text((folder / "screen.toml").read_text())
    return out


def _on(frame: pl.DataFrame, plates: set[str]) -> pl.DataFrame:
    return frame.filter(pl.col("plate").is_in(list(plates)))


def test_there_are_at_least_15_cases():
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_assay_is_reported_and_the_others_analysed(case, clean, tmp_path):
    folder, good = clean
    edit, lost = CASES[case]
    broken = _broken(folder, tmp_path / case, edit)
    if case not in ANALYSIS_CASES:  # strict reading (remission antigens screen validate)
        with pytest.raises(StudyError):
            read_screen(broken)
    result = analyse_screen(read_screen(broken, keep_going=True))
    text = "\n".join(p.render() for p in result.problems) + "\n"
    snap = SNAPS / f"{case}.txt"
    if UPDATE:
        snap.write_text(text)
    assert text == snap.read_text(), f"messages of {case} changed"
    assert result.problems, "a broken screen must report a problem"
    # the lost plates are out; every other plate gives exactly the clean screen's results
    everything = set(good.positivity["plate"]) | set(good.lysis["plate"])
    kept = everything - set(lost)
    assert not set(lost) & (set(result.positivity["plate"]) | set(result.lysis["plate"]))
    for plate in {p.plate for p in result.problems} - {None}:
        assert plate in lost or case in ANALYSIS_CASES
    edited = {"gp100-titration"} if case in ANALYSIS_CASES else set()
    ours = _on(result.positivity, kept - edited)
    if case == "plate_name_missing":  # only that well is out: one replicate fewer
        diff = [
            a - b
            for a, b in zip(ours["n_replicates"], good.positivity["n_replicates"], strict=True)
        ]
        assert diff.count(-1) == 1 and diff.count(0) == ours.height - 1
    else:
        assert ours.equals(_on(good.positivity, kept - edited)), case
    assert _on(result.lysis, kept).equals(_on(good.lysis, kept))
    assert _on(result.lytic_units, kept).equals(_on(good.lytic_units, kept))
    if "gp100-titration" in kept:  # the titration left intact is fitted as in the clean screen
        intact = "gp100_209-217" if case == "flat_titration" else "gp100_209-217_2M"
        assert result.titrations.filter(pl.col("antigen") == intact)["ec50"].to_list() == (
            good.titrations.filter(pl.col("antigen") == intact)["ec50"].to_list()
        )


def test_nothing_left_to_analyse_still_raises(tmp_path):
    (tmp_path / "plates.csv").write_text("plate,well\nP1,A1\n")
    with pytest.raises(StudyError) as info:
        read_screen(tmp_path, keep_going=True)
    assert {p.code for p in info.value.errors} == {"column.missing"}


def test_the_report_section_lists_what_was_left_out(clean, tmp_path):
    from remission.report._antigens import antigen_section

    edit, _ = CASES["unknown_well"]
    broken = _broken(clean[0], tmp_path / "broken", edit)
    section = antigen_section(read_screen(broken, keep_going=True))
    table = next(t for t in section.tables if t.key == "screen_problems")
    assert table.frame["plate"].to_list() == ["cDNA-subpools"]
    assert section.notes == [
        "1 problem kept part of the screen out of the analysis (table 'Screen problems'); "
        "everything else is analysed."
    ]


def test_a_column_as_wide_as_its_word_keeps_the_word_whole_in_the_pdf():
    from remission.report import Report
    from remission.report._pdf import _Document, _wrap

    measure = _Document(Report("t", False, [])).measure(6.0, "B")
    # the layout makes a column its longest word + 2 pads, then wraps in width - 2 pads: the
    # problems table's header 'well' came out 'wel' / 'l' from one unit of rounding
    assert _wrap("well", measure("well") - 1e-12, measure) == ["well"]
    assert _wrap("well", measure("well") * 0.9, measure) != ["well"]  # a real shortfall splits
