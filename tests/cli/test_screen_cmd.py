"""``remission antigens screen validate|analyse``, run as a user runs them (a real process)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from remission.antigens.screens import demo_screen, write_screen
from remission.report._antigens import antigen_section
from tests.cli.test_cli import run


@pytest.fixture(scope="module")
def screen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's screen folder, as ``remission demo`` writes it (study/screens)."""
    return write_screen(demo_screen(), tmp_path_factory.mktemp("demo") / "screens")


@pytest.fixture(scope="module")
def analysed(screen: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results") / "out"
    result = run("antigens", "screen", "analyse", screen, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out


@pytest.mark.parametrize("command", ["validate", "analyse", "design"])
def test_help_has_an_example(command: str) -> None:
    result = run("antigens", "screen", command, "--help")
    assert result.returncode == 0
    assert f"Example: remission antigens screen {command} " in result.stdout


def test_validate_a_clean_screen(screen: Path) -> None:
    result = run("antigens", "screen", "validate", screen)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{screen}: no errors (8 plates, 165 wells, 61 layout rows)"


def test_validate_lists_every_problem_one_line_each(screen: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    text = (screen / "plates.csv").read_text().splitlines()
    text[1] = text[1].replace(",A1,", ",Z99,", 1)
    text[5] = text[5].rsplit(",", 1)[0] + ",n/a"
    (bad / "plates.csv").write_text("\n".join(text) + "\n")
    (bad / "layout.csv").write_text((screen / "layout.csv").read_text())
    result = run("antigens", "screen", "validate", bad)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines == [
        "plates.csv:2: error: column well: 'Z99': expected a well name: row letter A-P and "
        "column 1-24 (e.g. B7); fix: write the well as on the plate map",
        "plates.csv:6: error: column value: 'n/a': expected a number; fix: write the number "
        "with a point as decimal mark and no unit or thousands separator",
        f"2 errors, 0 warnings in {bad}",
    ]


def test_analyse_writes_the_report_section_and_every_table(analysed: Path) -> None:
    names = sorted(p.name for p in analysed.iterdir())
    assert names == [
        ".remission-output.json", "figures", "index.html", "report.pdf", "tables", "tables.xlsx"
    ]  # fmt: skip
    assert sorted(p.name for p in (analysed / "tables").iterdir()) == [
        "analogs.csv", "decoding.csv", "lysis.csv", "lytic_units.csv", "positivity.csv",
        "problems.csv", "titrations.csv", "trail.csv",
    ]  # fmt: skip
    assert sorted(p.name for p in (analysed / "figures").iterdir()) == [
        "screen_heatmap.png", "screen_heatmap.svg", "titrations.png", "titrations.svg"
    ]  # fmt: skip
    html = (analysed / "index.html").read_text()
    assert "SYNTHETIC" in html and "<svg" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # self-contained: nothing fetched
    assert (analysed / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert pl.read_csv(analysed / "tables" / "problems.csv").height == 0


def test_analyse_gives_the_same_calls_as_the_report_section(analysed: Path) -> None:
    section = antigen_section(demo_screen())
    report_calls = next(t for t in section.tables if t.key == "screen_calls").frame
    ours = pl.read_csv(analysed / "tables" / "positivity.csv")
    keys = ["plate", "antigen", "readout", "positive"]
    assert ours.height == report_calls.height == 44
    assert ours.select(keys).rows() == report_calls.select(keys).rows()
    assert ours["positive"].sum() == 15
    trail = pl.read_csv(analysed / "tables" / "trail.csv")
    assert trail.filter(pl.col("identified"))["antigen"].to_list() == [
        "L07-S3-c4", "MART-1_26-35", "MART-1_27-35", "gp100_209-217", "gp100_209-217_2M"
    ]  # fmt: skip


def test_analyse_keeps_going_past_a_broken_plate(screen: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    plates = (screen / "plates.csv").read_text().replace("cDNA-subpools,A3,", "cDNA-subpools,Z9,")
    (bad / "plates.csv").write_text(plates)
    (bad / "layout.csv").write_text((screen / "layout.csv").read_text())
    out = tmp_path / "out"
    result = run("antigens", "screen", "analyse", bad, "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        "left out: plates.csv:30: plate cDNA-subpools, well Z9: well.invalid: column well: "
        "'Z9': expected a well name: row letter A-P and column 1-24 (e.g. B7); fix: write the "
        "well as on the plate map [left out: plate cDNA-subpools (10 wells)]"
    ]
    problems = pl.read_csv(out / "tables" / "problems.csv")
    assert problems.select("file", "row", "plate", "well").rows() == [
        ("plates.csv", 30, "cDNA-subpools", "Z9")
    ]
    calls = pl.read_csv(out / "tables" / "positivity.csv")
    assert "cDNA-subpools" not in calls["plate"].to_list()
    assert calls.height == 44 - 4


def test_analyse_of_a_folder_without_plates_fails_on_one_line(tmp_path: Path) -> None:
    result = run("antigens", "screen", "analyse", tmp_path, "--out", tmp_path.parent / "o")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[0].startswith("plates.csv: error: expected a plates")


def test_design_then_analyse_finds_the_planted_peptide(tmp_path: Path) -> None:
    from remission.antigens.screens import simulate_readings

    peptides = tmp_path / "peptides.csv"
    rows = [f"pep{i:02d},{'AAGIGILTV' if i == 23 else 'SLLMWITQC'}" for i in range(1, 37)]
    peptides.write_text("peptide,sequence\n" + "\n".join(rows) + "\n")
    design = tmp_path / "design"
    made = run(
        "antigens", "screen", "design", "--peptides", peptides, "--design", "matrix",
        "--pool-size", "6", "--plate", "384", "--effector", "TIL-7", "--target", "T2",
        "--out", design,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in design.iterdir()) == [
        ".remission-output.json", "README.txt", "layout.csv", "pipetting.csv", "plate_map.csv"
    ]  # fmt: skip
    assert "one positive peptide always decodes to itself" in made.stdout
    plate_map = pl.read_csv(design / "plate_map.csv", infer_schema=False)
    assert plate_map.height == 12 * 2 + 5 and set(plate_map["effector"]) == {"TIL-7"}
    layout = pl.read_csv(design / "layout.csv", infer_schema=False)
    screen = tmp_path / "screen"
    screen.mkdir()
    (screen / "layout.csv").write_text((design / "layout.csv").read_text())
    simulate_readings(plate_map, layout, ["pep23"]).write_csv(screen / "plates.csv")
    out = tmp_path / "results"
    result = run("antigens", "screen", "analyse", screen, "--out", out)
    assert result.returncode == 0, result.stderr
    decoding = pl.read_csv(out / "tables" / "decoding.csv")
    assert decoding.filter(pl.col("call") != "negative").rows() == [
        ("TIL-7", "pep23", "R4; C5", "R4; C5", True, True, "identified")
    ]
    assert "pep23" in result.stdout


def test_design_refuses_a_bad_peptide_list_on_one_line(tmp_path: Path) -> None:
    peptides = tmp_path / "peptides.txt"
    peptides.write_text("a\nb\na\n")
    result = run("antigens", "screen", "design", "--peptides", peptides, "--out", tmp_path / "o")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: each peptide once: a listed more than once"
