"""Figures drawn while the report is built: by forked workers and the parent, same bytes."""

from __future__ import annotations

import os
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib import pyplot as plt

from remission.report._render import defer, draw, hand_off, rendering_batch


def _figure(k: int) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [k, k + 1, k * 2])
    ax.set_title(f"figure {k}")
    return fig


def _no_children() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("processes", ["1", "2", "3"])
def test_handed_off_figures_are_the_serial_drawing(
    monkeypatch: pytest.MonkeyPatch, processes: str
) -> None:
    monkeypatch.setenv("REMISSION_PROCESSES", processes)
    expected = [draw(_figure(k)) for k in range(7)]
    targets = [SimpleNamespace(svg="", png=b"") for _ in range(7)]
    with rendering_batch():
        for k, target in enumerate(targets):
            assert defer(target, _figure(k))
            if k % 3 == 2:
                hand_off()  # as build_report does after each section
    assert [(t.svg, t.png) for t in targets] == expected
    assert plt.get_fignums() == []
    assert _no_children()


def test_an_error_in_the_block_closes_every_figure_and_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REMISSION_PROCESSES", "2")
    target = SimpleNamespace(svg="", png=b"")
    with pytest.raises(RuntimeError, match="a section failed"), rendering_batch():
        for k in range(4):
            defer(target, _figure(k))
            hand_off()
        raise RuntimeError("a section failed")
    assert plt.get_fignums() == []
    assert _no_children()
    assert target.svg == ""  # nothing delivered from an abandoned batch


def test_outside_a_batch_figures_are_not_deferred() -> None:
    fig = _figure(1)
    assert not defer(SimpleNamespace(svg="", png=b""), fig)
    hand_off()  # nothing to hand off; no error
    plt.close(fig)


def test_a_worker_draws_what_the_parent_would_whatever_the_style_at_its_fork(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a worker forked before the house style is first applied (svg.fonttype "none") saw
    # matplotlib's default ("path": glyphs as outlines), and two runs differed by timing
    monkeypatch.setenv("REMISSION_PROCESSES", "2")
    with plt.rc_context({"svg.fonttype": "path"}):
        expected = [draw(_figure(k)) for k in range(6)]
        targets = [SimpleNamespace(svg="", png=b"") for _ in range(6)]
        with rendering_batch():
            for k, target in enumerate(targets):
                plt.rcParams["svg.fonttype"] = ("path", "none")[k % 2]
                defer(target, _figure(k))
                hand_off()
    assert [(t.svg, t.png) for t in targets] == expected
    assert all("<text" in t.svg and "DejaVuSans-" not in t.svg for t in targets)
