"""docs/tutorial.ipynb runs, in the project's Python, and prints what the API computes.

The notebook is executed with nbclient in a fresh ``python3`` kernel (ipykernel of the same
environment; jupyter_client starts it with this interpreter) that imports the ``remission``
under test, not another installed copy: the kernel gets this checkout's ``src`` first on
``PYTHONPATH``. The three factors, the model and the survival results are then computed
here, directly, and must be what the notebook printed. The committed outputs must be those
a fresh run gives; after a change to the demo or the notebook, rewrite them with

    PYTHONPATH=src python -m tests.docs.test_tutorial
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import polars as pl
import pytest

import remission

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"
# the directory holding the remission package under test (this checkout's src)
SOURCE = Path(remission.__file__).resolve().parents[1]
TIME_LIMIT = 120  # seconds for the whole notebook; it takes about 10


def execute(path: Path = NOTEBOOK) -> tuple[nbformat.NotebookNode, float]:
    """The notebook executed in a fresh kernel, and the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(SOURCE), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    )
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=TIME_LIMIT,
        record_timing=False,  # no timestamps in the committed notebook
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute(env=env)
    return nb, time.perf_counter() - start


def stdout(nb: nbformat.NotebookNode) -> str:
    return "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stdout"
    )


def shown(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """What each code cell printed and displayed as text, in order (no HTML, no errors).

    A cell's printed text is one item however the kernel split it into stream messages
    (the split depends on timing).
    """
    out: list[tuple[str, str]] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        out.append(("cell", str(cell.get("execution_count"))))
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                if out[-1][0] == o["name"]:
                    out[-1] = (o["name"], out[-1][1] + o["text"])
                else:
                    out.append((o["name"], o["text"]))
            elif o.get("output_type") in ("execute_result", "display_data"):
                out.append(("text/plain", o["data"].get("text/plain", "")))
            elif o.get("output_type") == "error":
                out.append(("error", f"{o['ename']}: {o['evalue']}"))
    return out


@pytest.fixture(scope="module")
def executed() -> tuple[nbformat.NotebookNode, float]:
    return execute()


@pytest.fixture(scope="module")
def direct() -> dict[str, object]:
    """The notebook's analyses, computed here through the same API."""
    from remission.analysis import (
        cox_regression,
        event_observed,
        fisher_test,
        kaplan_meier,
        logistic_regression,
        wilcoxon_test,
    )
    from remission.derive import derive_study
    from remission.simulate import demo_study

    datasets = derive_study(demo_study().study)
    adsl, adtte = datasets["adsl"], datasets["adtte"]
    model_data = adsl.with_columns(
        cr=pl.col("CRFL") == "Y", rebound_per_1000=pl.col("LYMMAXC1") / 1000
    )
    cr = adtte.filter(pl.col("PARAMCD") == "CRDUR")
    cr = cr.with_columns(
        months=pl.col("AVAL") / 30.4375, relapse=pl.Series(event_observed(cr["CNSR"]))
    )
    os_data = adtte.filter(pl.col("PARAMCD") == "OS").join(
        adsl.select("USUBJID", "HISTOL", "PRIORIT"), on="USUBJID"
    )
    os_data = os_data.with_columns(
        months=pl.col("AVAL") / 30.4375, death=pl.Series(event_observed(os_data["CNSR"]))
    )
    return {
        "prior": fisher_test(adsl, "PRIORIT", "CRFL"),
        "doses": wilcoxon_test(adsl, value="C1DOSES", by="CRFL"),
        "rebound": wilcoxon_test(adsl, value="LYMMAXC1", by="CRFL"),
        "model": logistic_regression(model_data, "cr", ["PRIORIT", "C1DOSES", "rebound_per_1000"]),
        "km": kaplan_meier(cr, duration="months", event="relapse"),
        "cox": cox_regression(os_data, "months", "death", ["HISTOL", "PRIORIT"]),
    }


def test_the_notebook_says_synthetic_and_runs_fast(executed: tuple) -> None:
    nb, seconds = executed
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert "**SYNTHETIC DATA.**" in first.source
    assert "SYNTHETIC" in stdout(nb)  # the study's own name and description say it too
    assert not [o for o in shown(nb) if o[0] in ("error", "stderr")]
    assert seconds < 30, f"the tutorial took {seconds:.1f} s"


def test_the_notebook_prints_the_three_factors(executed: tuple, direct: dict) -> None:
    """Each result line as the API gives it; the p-values to the last digit."""
    text = stdout(executed[0])
    for key in ("prior", "doses", "rebound", "model", "cox"):
        assert str(direct[key]) + "\n" in text, key
    printed = dict(re.findall(r"^(\S+ by \S+): p = (\S+) \[", text, flags=re.MULTILINE))
    assert printed == {
        "CRFL by PRIORIT": repr(direct["prior"].p_value),
        "C1DOSES by CRFL": repr(direct["doses"].p_value),
        "LYMMAXC1 by CRFL": repr(direct["rebound"].p_value),
    }
    # the paper's directions, on the synthetic cohort: less prior immunotherapy among CRs,
    # more doses and a higher rebound; all three below 0.05
    assert direct["prior"].estimate < 1
    assert all(direct[k].p_value < 0.05 for k in ("prior", "doses", "rebound"))
    coef = dict(zip(direct["model"].table["term"], direct["model"].table["coef"], strict=True))
    assert coef["PRIORITY"] < 0 < coef["C1DOSES"]
    assert coef["rebound_per_1000"] > 0


def test_the_notebook_shows_the_event_time_table(executed: tuple, direct: dict) -> None:
    displayed = [text for kind, text in shown(executed[0]) if kind == "text/plain"]
    with pl.Config(tbl_cols=10):  # as the notebook sets it
        assert repr(direct["km"].summary()) in displayed


def test_the_committed_outputs_are_current(executed: tuple) -> None:
    committed = nbformat.read(NOTEBOOK, as_version=4)
    assert shown(committed) == shown(executed[0]), (
        "docs/tutorial.ipynb's outputs are stale: run "
        "`PYTHONPATH=src python -m tests.docs.test_tutorial` to rewrite them"
    )


if __name__ == "__main__":  # rewrite the notebook with fresh outputs
    nb, seconds = execute()
    nbformat.write(nb, NOTEBOOK)
    print(f"wrote {NOTEBOOK} ({seconds:.1f} s)", file=sys.stderr)
