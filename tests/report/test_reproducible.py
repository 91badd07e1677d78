"""Byte-identical reruns: the same study, command and SOURCE_DATE_EPOCH give the same files."""

from __future__ import annotations

from pathlib import Path

import pytest

from remission.derive import derive_study
from remission.report import build_report, write_report
from remission.simulate import simulate_study


def test_two_runs_write_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    outs = []
    for run in ("a", "b"):
        study = simulate_study(n_patients=60, seed=4)
        frames = derive_study(study)
        report = build_report(study, frames, command="remission report STUDY --out OUT")
        outs.append(write_report(report, frames, tmp_path / run))
    # every file but the output marker, which records when and how the folder was written
    files = sorted(
        p.relative_to(outs[0])
        for p in outs[0].rglob("*")
        if p.is_file() and p.name != ".remission-output.json"
    )
    assert len(files) > 20
    for name in files:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    html = (outs[0] / "index.html").read_text(encoding="utf-8")
    assert "2001-09-09 01:46:40" in html  # the epoch, not the clock
