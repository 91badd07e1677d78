"""The demo through REDCap: simulate --format redcap, import redcap, derive = the study folder.

Also the template dictionary against REDCap's documented dictionary rules, and the commands.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from remission.derive import derive_study
from remission.simulate import demo_study
from remission.sources import (
    DICTIONARY_COLUMNS,
    FIELD_TYPES,
    VALIDATIONS,
    RedcapSettings,
    check_dictionary,
    read_redcap,
    redcap_export,
    redcap_template,
    write_redcap_csv,
)
from remission.study import load, write_study
from tests.cli.test_cli import run

COMPARED = ("adsl", "adrs", "adtte", "adex", "adtr", "adlb")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("redcap")
    study = demo_study().study
    folder = write_study(study, root / "study")
    redcap_template()["dictionary"].write_csv(root / "dictionary.csv")
    for labels in (False, True):
        write_redcap_csv(redcap_export(study, labels=labels), str(root / f"export{labels}.csv"))
    return {"root": root, "study": study, "reference": derive_study(load(folder))}


@pytest.mark.parametrize("labels", [False, True], ids=["raw", "labels"])
def test_demo_through_redcap_derives_the_same_datasets(demo: dict, labels: bool) -> None:
    cfg = demo["study"].config
    settings = RedcapSettings(
        name=cfg.name, synthetic=True, cutoff=cfg.cutoff_date,
        response_criteria=cfg.response_criteria, regimen=cfg.regimen,
    )  # fmt: skip
    root = demo["root"]
    study = read_redcap(root / f"export{labels}.csv", root / "dictionary.csv", settings)
    derived = derive_study(study)
    for name in COMPARED:
        assert_frame_equal(derived[name], demo["reference"][name])
    assert derived["adsl"].height == 409


def test_the_demo_export_uses_every_redcap_feature(demo: dict) -> None:
    frame = pl.read_csv(demo["root"] / "exportFalse.csv", infer_schema=False)
    assert frame.columns[:4] == [
        "record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"
    ]  # fmt: skip
    assert set(frame["redcap_event_name"]) == {
        "baseline_arm_1", "treatment_arm_1", "tumor_assessment_arm_1", "follow_up_arm_1"
    }  # fmt: skip
    assert set(frame["redcap_repeat_instrument"].drop_nulls()) == {
        "prior_therapy", "il2_dose", "lesion", "measurement", "lab"
    }  # fmt: skip
    checked = frame.select(pl.col("^dose_hold_reason___.*$").cast(pl.Int64).sum())
    assert checked.sum_horizontal().item() == demo["study"].doses["hold_reason"].count()


def test_the_template_dictionary_follows_redcaps_rules() -> None:
    dictionary = redcap_template()["dictionary"]
    assert tuple(dictionary.columns) == DICTIONARY_COLUMNS
    assert check_dictionary(dictionary.with_row_index("_row", 2), "d.csv") == []
    for row in dictionary.iter_rows(named=True):
        name, ftype = row["Variable / Field Name"], row["Field Type"]
        validation = row["Text Validation Type OR Show Slider Number"]
        assert ftype in FIELD_TYPES
        assert name.islower() and len(name) <= 26  # REDCap's recommended length
        assert not validation or validation in VALIDATIONS
        if ftype in ("dropdown", "radio", "checkbox"):
            codes = [
                c.split(",")[0].strip()
                for c in row["Choices, Calculations, OR Slider Labels"].split("|")
            ]
            assert all(c.isalnum() for c in codes) and len(set(codes)) == len(codes)
    forms = dictionary["Form Name"].to_list()
    assert forms == sorted(forms, key=forms.index)  # each form in one block
    assert dictionary.row(0, named=True)["Variable / Field Name"] == "record_id"


BAD_DICTIONARIES = [
    ("Field Type", "text", "textbox", "expected one of text, notes, dropdown"),
    ("Variable / Field Name", "weight_kg", "Weight KG", "expected lower-case letters"),
    ("Text Validation Type OR Show Slider Number", "date_ymd", "date_iso", "a REDCap validation"),
    ("Choices, Calculations, OR Slider Labels", "1, melanoma | 2, renal", "melanoma | renal",
     "choices as 'code, label | code, label'"),
    ("Required Field?", "y", "yes", "'y' or empty"),
]  # fmt: skip


@pytest.mark.parametrize(("column", "old", "new", "message"), BAD_DICTIONARIES)
def test_dictionary_problems(column: str, old: str, new: str, message: str) -> None:
    dictionary = redcap_template()["dictionary"].with_row_index("_row", 2)
    i = dictionary.with_row_index("_i").filter(pl.col(column) == old)["_i"][-1]
    bad = dictionary.with_columns(
        pl.when(pl.int_range(pl.len()) == i).then(pl.lit(new)).otherwise(pl.col(column))
        .alias(column)
    )  # fmt: skip
    problems = check_dictionary(bad, "d.csv")
    assert len(problems) == 1 and message in problems[0].render()
    assert problems[0].row == i + 2 and problems[0].column == column


def test_commands_template_simulate_import_derive(tmp_path: Path) -> None:
    assert run("redcap", "template", "--out", tmp_path / "t").returncode == 0
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        ".remission-output.json", "redcap_arms.csv", "redcap_dictionary.csv",
        "redcap_events.csv", "redcap_instrument_designation.csv",
        "redcap_repeating_instruments.csv",
    ]  # fmt: skip
    sim = tmp_path / "sim"
    result = run("simulate", "--format", "redcap", "--patients", "30", "--seed", "4", "--out", sim)
    assert result.returncode == 0, result.stderr
    assert (sim / "redcap_export_labels.csv").is_file() and (sim / "study.toml").is_file()
    out = tmp_path / "study"
    dictionary, settings = sim / "redcap_dictionary.csv", sim / "study.toml"
    result = run("import", "redcap", sim / "redcap_export.csv", "--dictionary", dictionary,
                 "--settings", settings, "--out", out)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "imported SYNTHETIC study" in result.stdout
    marker = json.loads((out / ".remission-output.json").read_text())
    assert marker["command"].startswith("remission import redcap")
    direct = tmp_path / "direct"
    assert run("simulate", "--patients", "30", "--seed", "4", "--out", direct).returncode == 0
    for name in ("patients", "doses", "measurements"):
        assert (out / f"{name}.csv").read_text() == (direct / f"{name}.csv").read_text()
    # the command refuses its own inputs and a folder it did not write
    result = run("import", "redcap", sim / "redcap_export.csv", "--dictionary",
                 sim / "redcap_dictionary.csv", "--out", sim)  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_settings_file_problems(tmp_path: Path) -> None:
    assert (
        run(
            "simulate", "--format", "redcap", "--patients", "20", "--out", tmp_path / "s"
        ).returncode
        == 0
    )
    bad = tmp_path / "settings.toml"
    bad.write_text("[study]\nnmae = 'x'\n")
    result = run("import", "redcap", tmp_path / "s" / "redcap_export.csv", "--dictionary",
                 tmp_path / "s" / "redcap_dictionary.csv", "--settings", bad,
                 "--out", tmp_path / "o")  # fmt: skip
    assert result.returncode == 1
    assert "setting nmae" in result.stderr or "column nmae" in result.stderr
    assert not (tmp_path / "o").exists()
