"""Fuzz the study loader: mutated copies of the minimal study (issue 14).

Each case is the minimal valid study with 1-3 random mutations (``fuzz_mutations.py``: a fixed
seed per case, so a failure names the seed that replays it). Loading it may succeed or raise
``StudyError``, nothing else; a case with a mutation that makes the study invalid for sure must
be refused, by an error that names a file the case changed (the loader checks in stages, so the
error may be about another of the case's mutations). A sample of the cases also goes through
``remission validate`` in a real process: exit code 0 or 1, no traceback.

The numbers of the run by mutation (applied, invalid, refused, problems found) are printed by
``PYTHONPATH=src python -m tests.study.fuzz_table``.

A failing group lists its failing cases; replay one with (KINDS when the label names them)::

    PYTHONPATH=src python -m tests.study.fuzz_mutations SEED /tmp/case/study [KINDS]
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import traceback
from collections import Counter
from pathlib import Path

import pytest

from remission.study import StudyError, check_study, load
from tests.cli.test_cli import ENV
from tests.study.fuzz_mutations import CATALOGUE, PRINTED, Applied, build_case

CASES = 1000
GROUP = 50
CLI_CASES: list[tuple[int, tuple[str, ...]]] = [
    *((seed, tuple(CATALOGUE)) for seed in range(0, CASES, 40)),
    *((seed, PRINTED) for seed in range(25)),
]
"""What ``remission validate`` runs on: 25 of the in-process cases, and 25 cases drawn from the
mutations whose text the command prints (Rich markup there is read as markup)."""
CLI_GROUP = 5
SHOWN = 12
"""Failing cases listed in full per group (the rest are counted)."""


def _names(problem_file: str, files: set[str]) -> bool:
    """Whether a problem's file is one of ``files`` (a sheet counts as its workbook)."""
    return problem_file in files or problem_file.split("[", 1)[0] in files


def _where(exc: BaseException) -> str:
    """The innermost frame of remission's own code that the exception went through."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "remission" in Path(f.filename).parts] or frames
    return f"{Path(ours[-1].filename).name}:{ours[-1].lineno} in {ours[-1].name}"


def _label(seed: int, applied: list[Applied], kinds: tuple[str, ...] = tuple(CATALOGUE)) -> str:
    narrow = "" if kinds == tuple(CATALOGUE) else f" kinds {','.join(kinds)}"
    return f"seed {seed}{narrow} [{'; '.join(map(str, applied))}]"


def load_case(
    seed: int, root: Path, kinds: tuple[str, ...] = tuple(CATALOGUE), count: int | None = None
) -> str | None:
    """Build case ``seed`` under ``root`` and load it; a failure as one line, else None.

    ``kinds`` and ``count`` (see ``build_case``) serve to measure one mutation alone.
    """
    folder = root / f"case{seed}" / "study"
    applied = build_case(seed, folder, kinds, count)
    label = _label(seed, applied, kinds)
    try:
        load(folder)
    except StudyError as err:
        touched = {f for a in applied for f in a.files}
        if any(a.must_refuse for a in applied) and not any(
            _names(p.file, touched) for p in err.errors
        ):
            files = sorted({p.file for p in err.errors})
            return f"unnamed: {label}: refused, but no error names a changed file: {files}"
        return None
    except Exception as exc:
        first = (str(exc).splitlines() or [""])[0][:160]
        return f"traceback: {label}: {type(exc).__name__}: {first} (at {_where(exc)})"
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    if any(a.must_refuse for a in applied):
        return f"accepted: {label}: accepted in silence"
    return None


def _report(failures: list[str], ran: int) -> str:
    """The failures of a group: counted by kind, the first ``SHOWN`` in full."""
    kinds = Counter(f.split(":", 1)[0] for f in failures)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    lines = failures[:SHOWN]
    if len(failures) > SHOWN:
        lines.append(f"... and {len(failures) - SHOWN} more")
    return f"{len(failures)} of {ran} cases failed ({counts}):\n" + "\n".join(lines)


@pytest.mark.parametrize("first", range(0, CASES, GROUP), ids=lambda s: f"seeds{s}-{s + GROUP - 1}")
def test_load_mutated_study(first: int, tmp_path: Path) -> None:
    failures = [f for s in range(first, first + GROUP) if (f := load_case(s, tmp_path))]
    if failures:
        pytest.fail(_report(failures, GROUP), pytrace=False)


def validate_case(seed: int, kinds: tuple[str, ...], root: Path) -> str | None:
    """Build case ``seed`` and run ``remission validate`` on it; a failure, else None."""
    folder = root / f"case{seed}" / "study"
    applied = build_case(seed, folder, kinds)
    label = _label(seed, applied, kinds)
    try:
        errors: bool | None = bool([p for p in check_study(folder)[1] if p.severity == "error"])
    except Exception:  # the in-process test reports it; here only the command is judged
        errors = None
    args = ["validate", str(folder)] + (["--json"] if seed % 5 == 4 else [])
    try:
        result = subprocess.run(
            [sys.executable, "-m", "remission", *args],
            capture_output=True,
            text=True,
            check=False,
            env=ENV,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        return f"timeout: {label}"
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    output = result.stdout + result.stderr
    if "Traceback" in output or result.returncode not in (0, 1):
        lines = output.strip().splitlines() or [""]
        said = [ln for ln in lines if re.match(r"[\w.]+(Error|Exception)\b", ln)] or lines
        return f"traceback: {label}: exit {result.returncode}: {said[-1][:160]}"
    if errors is not None and result.returncode != int(errors):
        return f"exit: {label}: exit {result.returncode}, but check_study found errors={errors}"
    return None


def _cli_id(cases: list[tuple[int, tuple[str, ...]]]) -> str:
    printed = "printed-" if cases[0][1] == PRINTED else ""
    return f"{printed}seeds{cases[0][0]}-{cases[-1][0]}"


@pytest.mark.parametrize(
    "cases",
    [CLI_CASES[i : i + CLI_GROUP] for i in range(0, len(CLI_CASES), CLI_GROUP)],
    ids=_cli_id,
)
def test_validate_mutated_study(cases: list[tuple[int, tuple[str, ...]]], tmp_path: Path) -> None:
    failures = [f for seed, kinds in cases if (f := validate_case(seed, kinds, tmp_path))]
    if failures:
        pytest.fail(_report(failures, len(cases)), pytrace=False)
