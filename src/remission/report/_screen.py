"""A recognition screen's own report: the study report's antigen section, alone, with its
tables as CSV and XLSX, its figures, an HTML page and a PDF (``remission antigens screen
analyse``)."""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable
from pathlib import Path

import polars as pl

import remission
from remission._io import atomic_folder, write_csv
from remission.antigens.screens import ScreenResult, ScreenTables, analyse_screen
from remission.report._antigens import antigen_section
from remission.report._build import write_documents
from remission.report._methods import generated_at, git_commit
from remission.report._model import Report, Section
from remission.report._render import rendering_batch

#: The result tables written as CSV, in ``tables/``: file stem -> ScreenResult attribute.
SCREEN_TABLES = {
    "positivity": "positivity",
    "trail": "trail",
    "lysis": "lysis",
    "lytic_units": "lytic_units",
    "titrations": "titrations",
}


def screen_tables(result: ScreenResult) -> dict[str, pl.DataFrame]:
    """Every table of a screen's analysis, whole, as written to ``tables/*.csv``.

    List columns (the replicate values of a lysis row) are written as text joined by "; ".

    Parameters
    ----------
    result : ScreenResult
        From ``analyse_screen``.

    Returns
    -------
    dict of str to polars.DataFrame
        The tables by name: positivity, trail, lysis, lytic_units, titrations, analogs (EC50
        ratios), decoding (matrix pools: each candidate's call) and problems (what was left
        out and why; empty when nothing was).

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen
    >>> sorted(screen_tables(analyse_screen(demo_screen())))
    ['analogs', 'decoding', 'lysis', 'lytic_units', 'positivity', 'problems', 'titrations', 'trail']
    """
    out = {name: getattr(result, attr) for name, attr in SCREEN_TABLES.items()}
    if result.analog_comparisons:
        out["analogs"] = pl.concat([r.to_frame() for r in result.analog_comparisons])
    else:
        out["analogs"] = pl.DataFrame(schema={"name": pl.String, "estimate": pl.Float64})
    out["decoding"] = (
        result.decoding
        if result.decoding is not None
        else pl.DataFrame(schema={"effector": pl.String, "candidate": pl.String, "call": pl.String})
    )
    out["problems"] = result.problem_table
    return {
        name: frame.with_columns(
            pl.col(c).cast(pl.List(pl.String)).list.join("; ")
            for c, dtype in frame.schema.items()
            if isinstance(dtype, pl.List)
        )
        for name, frame in out.items()
    }


def build_screen_report(
    screen: ScreenTables, result: ScreenResult | None = None, command: str = ""
) -> Report:
    """The report of one screen: the study report's antigen section, with its provenance.

    Parameters
    ----------
    screen : ScreenTables
        The screen (``read_screen(folder, keep_going=True)``).
    result : ScreenResult, optional
        Its analysis; computed when omitted.
    command : str
        The command line, for provenance.

    Returns
    -------
    Report
        One section (calls, heatmap, trail, titrations, lysis, problems) and a note on the
        input; ``headline`` holds what was recognised.

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen
    >>> report = build_screen_report(demo_screen())
    >>> [s.key for s in report.sections], report.synthetic
    (['antigens', 'screen_input'], True)
    """
    result = result if result is not None else analyse_screen(screen)
    with rendering_batch():
        section = antigen_section(screen, result)
    notes = Section("screen_input", "Input and method")
    notes.paragraphs.append(
        f"Plates read: {screen.plates['plate'].n_unique()} ({screen.plates.height} wells); "
        f"layout rows: {screen.layout.height}; files {screen.plates_file} and "
        f"{screen.layout_file}. Rules, tests and formulas: docs/screens.md."
    )
    notes.notes.extend(w.render() for w in screen.warnings)
    positives = result.positivity.filter(pl.col("positive"))
    headline = [
        ("recognised", ", ".join(result.identified) or "nothing"),
        ("conditions", f"{result.positivity.height} tested, {positives.height} positive"),
        ("problems", str(len(result.problems))),
    ]
    about = [
        ("screen", screen.name),
        ("synthetic", "yes: made-up data" if screen.synthetic else "no"),
        ("remission", remission.__version__),
    ]
    commit = git_commit()
    if commit:
        about.append(("remission commit", commit))
    about += [
        ("python", platform.python_version()),
        ("generated (UTC)", generated_at().isoformat(sep=" ")),
        ("command", command or " ".join(sys.argv)),
    ]
    files = [f"tables/{name}.csv" for name in screen_tables(result)]
    return Report(screen.name, screen.synthetic, [section, notes], headline, about, files)


def write_screen_report(
    report: Report,
    result: ScreenResult,
    out: str | Path,
    *,
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Write ``index.html``, ``report.pdf``, ``tables.xlsx``, ``figures/`` and ``tables/``.

    Written to a temporary folder and renamed when complete; an existing ``out`` is replaced
    only when remission wrote it (``remission._io.atomic_folder``).

    Parameters
    ----------
    report : Report
        From ``build_screen_report``.
    result : ScreenResult
        The analysis, whose tables go to ``tables/*.csv`` in full.
    out : str or pathlib.Path
        The output folder.
    inputs : iterable of str or pathlib.Path
        The screen folder: ``out`` may not be, contain or lie inside it.

    Returns
    -------
    pathlib.Path
        The folder written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from remission.antigens.screens import demo_screen
    >>> screen = demo_screen()
    >>> result = analyse_screen(screen)
    >>> out = write_screen_report(build_screen_report(screen, result), result,
    ...                           pathlib.Path(tempfile.mkdtemp()) / "out")
    >>> sorted(p.name for p in out.iterdir())
    ['.remission-output.json', 'figures', 'index.html', 'report.pdf', 'tables', 'tables.xlsx']
    """
    out = Path(out)
    with atomic_folder(out, "screen analysis", inputs=inputs) as tmp:
        write_documents(report, tmp)
        tables = tmp / "tables"
        tables.mkdir()
        for name, frame in screen_tables(result).items():
            write_csv(frame, tables / f"{name}.csv")
    return out
