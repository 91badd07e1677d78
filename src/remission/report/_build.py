"""Build the report from a study, and write it (HTML, PDF, XLSX, figures, data) atomically."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import polars as pl

from remission._io import atomic_folder, write_csv
from remission.analysis import potential_followup
from remission.antigens.screens import ScreenTables, read_screen
from remission.derive import (
    DerivedDatasets,
    ResponseRules,
    derive_study,
    response_source,
    study_criteria,
)
from remission.report._antigens import antigen_section
from remission.report._format import format_number
from remission.report._html import render_html
from remission.report._methods import about_report, methods_section, provenance_section
from remission.report._model import Report, Section
from remission.report._pdf import render_pdf
from remission.report._predictors import factor_headline, factors_section, table_one_section
from remission.report._render import hand_off, rendering_batch
from remission.report._sections import (
    cohort_section,
    durability_section,
    exposure_section,
    responders_section,
    response_section,
    sites_section,
    survival_section,
)
from remission.report._xlsx import render_xlsx
from remission.study import Study


def _headline(study: Study, frames: DerivedDatasets) -> list[tuple[str, str]]:
    adsl = frames.adsl
    n = adsl.height
    cr = int((adsl["CRFL"] == "Y").sum())
    pr = int((adsl["CBOR"] == "PR").sum())
    rows = [
        (
            "patients",
            f"{n} ("
            + ", ".join(f"{k} {h}" for h, k in adsl.group_by("HISTOL").len().sort("HISTOL").rows())
            + ")",
        )
    ]
    if n:
        rows.append(("complete responses", f"{cr} ({format_number(100 * cr / n, 'percent')}%)"))
        rows.append(("partial responses", f"{pr} ({format_number(100 * pr / n, 'percent')}%)"))
        by = adsl.group_by("HISTOL").agg((pl.col("CRFL") == "Y").mean().alias("r")).sort("HISTOL")
        rows.append(
            (
                "CR by histology",
                ", ".join(f"{h} {format_number(100 * r, 'percent')}%" for h, r in by.rows()),
            )
        )
    crdur = frames.adtte.filter(pl.col("PARAMCD") == "CRDUR").join(
        adsl.select("USUBJID", "DTHDT"), on="USUBJID"
    )
    ongoing = crdur.filter((pl.col("CNSR") == 1) & pl.col("DTHDT").is_null())
    if cr:
        from remission.analysis import duration_range

        rng = duration_range(ongoing["AVAL"], ongoing["CNSR"]).estimate_label
        rows.append(("ongoing complete responses", f"{ongoing.height} of {cr}, {rng}"))
    treated = study.table("patients")["treatment_start"].drop_nulls()
    if treated.len():
        fu = potential_followup(treated, study.config.cutoff_date)
        if fu.estimate is not None:
            rows.append(
                ("median potential follow-up", f"{format_number(fu.estimate, 'years')} years")
            )
    return rows + factor_headline(study, frames)


_SECTIONS: dict[str, Callable[[Study, DerivedDatasets], Section]] = {
    "cohort": cohort_section,
    "table1": table_one_section,
    "exposure": exposure_section,
    "response": response_section,
    "responders": responders_section,
    "durability": durability_section,
    "sites": sites_section,
    "factors": factors_section,
    "survival": survival_section,
}
"""The study's sections in reading order; the antigen section (with a screen) follows."""

_COMPUTE_ORDER = (
    "antigens",
    "survival",
    "durability",
    "cohort",
    "table1",
    "exposure",
    "response",
    "responders",
    "sites",
    "factors",
)
"""The order the sections are computed in: those with the most figure drawing first, so
their figures are drawn while the others are computed (the demo: 2.4 s instead of 2.8 s)."""


def build_report(
    study: Study,
    frames: Mapping[str, pl.DataFrame] | None = None,
    rules: ResponseRules | None = None,
    command: str = "",
    screen: ScreenTables | None = None,
) -> Report:
    """Build the study report: every section a clinical paper has, from raw records.

    Parameters
    ----------
    study : Study
        A loaded study.
    frames : DerivedDatasets or mapping of str to polars.DataFrame, optional
        Derived datasets (``derive_study``); derived here when omitted. The report states the
        criteria and rules that ``derive_study`` recorded in them; datasets from elsewhere
        (a mapping by file stem) get the study's criteria and ``rules``.
    rules : ResponseRules, optional
        Best-response windows: those ``frames`` were derived with (an error when they
        differ), else admiralonco's defaults.
    command : str
        The command line, for provenance.
    screen : ScreenTables, optional
        A T-cell recognition screen; read from the study folder's ``screens/`` when omitted
        and present. With one, the report gains an antigen section.

    Returns
    -------
    Report
        The report, ready to render.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> report = build_report(simulate_study(n_patients=120, seed=3))
    >>> [s.key for s in report.sections][:3]
    ['cohort', 'table1', 'exposure']
    """
    frames = _with_rules(study, frames, rules)
    if screen is None and study.folder is not None and (study.folder / "screens").is_dir():
        screen = read_screen(study.folder / "screens", keep_going=True)
    made: dict[str, Section] = {}
    # each section's figures are drawn on a free core while the next sections are computed,
    # the rest when the block ends, on all cores: so the sections with the most figures to
    # draw are computed first (_COMPUTE_ORDER), and the report keeps its reading order
    with rendering_batch():
        for name in _COMPUTE_ORDER:
            if name == "antigens":
                if screen is not None:
                    made[name] = antigen_section(screen)
            else:
                made[name] = _SECTIONS[name](study, frames)
            hand_off()
    sections = [made[name] for name in (*_SECTIONS, "antigens") if name in made]
    sections += [
        methods_section(study, frames),
        provenance_section(study, command, screen.warnings if screen is not None else ()),
    ]
    title = study.config.name
    files = [f"data/{name}.csv" for name in frames]
    return Report(
        title,
        study.config.synthetic,
        sections,
        _headline(study, frames),
        about_report(study, command),
        files,
    )


def _with_rules(
    study: Study, frames: Mapping[str, pl.DataFrame] | None, rules: ResponseRules | None
) -> DerivedDatasets:
    """The derived datasets with the rule objects that computed them: as ``derive_study``
    recorded them, or (for datasets from elsewhere) the study's criteria and ``rules``."""
    if frames is None:
        return derive_study(study, rules)
    if isinstance(frames, DerivedDatasets):
        if rules is not None and rules != frames.rules:
            raise ValueError(
                f"the datasets were derived with {frames.rules}, not with {rules}: derive them "
                "again with these rules, or leave rules out"
            )
        return frames
    rules = rules or ResponseRules()
    return DerivedDatasets.of(frames, study_criteria(study), rules, response_source(study))


def write_documents(report: Report, folder: Path) -> None:
    """Write ``report`` into ``folder`` (one being built by ``atomic_folder``): ``index.html``,
    ``report.pdf``, ``tables.xlsx`` and ``figures/`` (each figure as SVG and PNG).

    The study report and the screen report (``remission antigens screen analyse``) write
    their documents here, so both folders hold the same files for the same report.
    """
    (folder / "index.html").write_text(render_html(report), encoding="utf-8")
    (folder / "report.pdf").write_bytes(render_pdf(report))
    (folder / "tables.xlsx").write_bytes(render_xlsx(report))
    figures = folder / "figures"
    figures.mkdir()
    for fig in report.figures():
        (figures / f"{fig.key}.svg").write_text(fig.svg, encoding="utf-8")
        (figures / f"{fig.key}.png").write_bytes(fig.png)


def write_report(report: Report, frames: Mapping[str, pl.DataFrame], out: str | Path) -> Path:
    """Write ``index.html``, ``report.pdf``, ``tables.xlsx``, ``figures/`` and ``data/``.

    Everything is written to a temporary folder beside ``out`` and renamed when complete, so
    an interrupted or failed run leaves no half-written report; an existing ``out`` is replaced
    only when remission wrote it (``remission._io.atomic_folder``).

    Parameters
    ----------
    report : Report
        The report.
    frames : DerivedDatasets or mapping of str to polars.DataFrame
        Derived datasets by file stem, written to ``data/`` as CSV.
    out : str or pathlib.Path
        The report folder.

    Returns
    -------
    pathlib.Path
        The folder written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from remission.simulate import simulate_study
    >>> from remission.derive import derive_study
    >>> study = simulate_study(n_patients=60, seed=2)
    >>> frames = derive_study(study)
    >>> out = write_report(build_report(study, frames), frames,
    ...                    pathlib.Path(tempfile.mkdtemp()) / "report")
    >>> sorted(p.name for p in out.iterdir())
    ['.remission-output.json', 'data', 'figures', 'index.html', 'report.pdf', 'tables.xlsx']
    """
    out = Path(out)
    with atomic_folder(out, "report") as tmp:
        write_documents(report, tmp)
        data = tmp / "data"
        data.mkdir()
        for name, frame in frames.items():
            write_csv(frame, data / f"{name}.csv")
    return out
