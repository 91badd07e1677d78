"""write_study: the workbook keeps text as text and its time reproducible; a regimen file is
copied from inside the study folder to inside the new one, never from or to anywhere else."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from remission.simulate import simulate_study
from remission.study import Study, load, write_study

PLANTED = ["=1+1", '=HYPERLINK("http://example.invalid","x")', "@SUM(A1)", "+1", "-1"]


def test_formula_like_text_stays_text_in_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    study = simulate_study(n_patients=20, seed=2)
    tables = dict(study.tables)
    sites = tables["lesions"]["site"].to_list()
    planted = [PLANTED[i % len(PLANTED)] for i in range(len(sites))]
    tables["lesions"] = tables["lesions"].with_columns(pl.Series("site", planted))
    out = write_study(
        Study(config=study.config, tables=tables, regimen=study.regimen), tmp_path / "s", "xlsx"
    )
    book = openpyxl.load_workbook(next(out.glob("*.xlsx")))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    sheet = book["lesions"]
    header = [c.value for c in sheet[1]]
    column = [r[header.index("site")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert column == planted  # "=1+1" is the text "=1+1", not 2 or 0
    assert book.properties.created == dt.datetime(2001, 9, 9, 1, 46, 40)
    # read back by remission: the same text
    assert load(out).tables["lesions"]["site"].to_list() == planted


@pytest.mark.parametrize("regimen", ["../regimen.toml", "/tmp/regimen.toml", "link.toml"])
def test_a_regimen_file_outside_the_study_is_never_read_or_written(
    regimen: str, tmp_path: Path
) -> None:
    folder = tmp_path / "parent" / "study"
    study = load(write_study(simulate_study(n_patients=20, seed=2), folder))
    (tmp_path / "parent" / "regimen.toml").write_text('[regimen]\nbased_on = "nci-hd-il2-720k"\n')
    (folder / "link.toml").symlink_to(tmp_path / "parent" / "regimen.toml")
    outside = dataclasses.replace(study, config=dataclasses.replace(study.config, regimen=regimen))
    out = tmp_path / "deep" / "copy"
    with pytest.raises(ValueError, match="is not inside the study folder"):
        write_study(outside, out)
    assert not (tmp_path / "deep").exists() or list((tmp_path / "deep").iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "parent").iterdir()) == ["regimen.toml", "study"]


def test_a_regimen_file_in_a_subfolder_is_copied_inside(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    study = load(write_study(simulate_study(n_patients=20, seed=2), folder))
    (folder / "protocol").mkdir()
    (folder / "protocol" / "regimen.toml").write_text(
        '[regimen]\nbased_on = "nci-hd-il2-720k"\nname = "ours"\n'
    )
    config = dataclasses.replace(study.config, regimen="protocol/regimen.toml")
    out = write_study(dataclasses.replace(study, config=config), tmp_path / "copy")
    assert (out / "protocol" / "regimen.toml").read_bytes() == (
        folder / "protocol" / "regimen.toml"
    ).read_bytes()
    assert load(out).config.regimen == "protocol/regimen.toml"
