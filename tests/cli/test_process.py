"""The command's process: no garbage collection while the stack is imported, frozen after it
and at exit; callers of ``main`` keep Python's collector as it was. Each case runs in its own
interpreter (freezing the test process would keep its garbage for good)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_PROBE = """
import gc, json
from remission.cli import _app
{setup}
collections = []
gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info))
before = gc.get_freeze_count()
with _app.stack_imported():
    import statsmodels.genmod.generalized_linear_model
    import lifelines
    during = len(collections)
print(json.dumps({{"frozen": gc.get_freeze_count() - before, "during": during,
                  "enabled": gc.isenabled()}}))
"""


def _probe(setup: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(setup=setup)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_command_imports_the_stack_without_collections_and_freezes_it() -> None:
    found = _probe('_app._PROCESS["command"] = True')
    assert found["during"] == 0
    assert found["frozen"] > 100_000  # the imported modules' objects
    assert found["enabled"] is True


def test_a_caller_of_main_keeps_the_collector_as_it_was() -> None:
    found = _probe("")
    assert found["during"] > 0  # lifelines' import allocates enough to collect
    assert found["frozen"] == 0
    assert found["enabled"] is True


@pytest.mark.parametrize(("argv", "code"), [(["--version"], 0), (["derive"], 2)])
def test_run_keeps_the_exit_code_and_freezes_at_exit(argv: list[str], code: int) -> None:
    script = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen at exit', gc.get_freeze_count() > 0))\n"
        f"sys.argv = ['remission', *{argv!r}]\n"
        "from remission.cli import run\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    assert done.returncode == code
    assert "frozen at exit True" in done.stdout
