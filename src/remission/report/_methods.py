"""Methods (written from the parameters actually used) and provenance sections."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata as md
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl

import remission
from remission._io import build_time
from remission._units import DAYS_PER_MONTH
from remission.derive import (
    DISEASE_AFTER_CR,
    DerivedDatasets,
    best_overall_response,
    confirmations,
    target_response,
)
from remission.report._model import ReportTable, Section
from remission.study import Problem, Study

PACKAGES = (
    "polars",
    "numpy",
    "scipy",
    "pandas",
    "lifelines",
    "statsmodels",
    "matplotlib",
    "fpdf2",
    "xlsxwriter",
    "jinja2",
)


def generated_at() -> dt.datetime:
    """When the report is made (UTC, to the second): ``SOURCE_DATE_EPOCH`` when set.

    Returns
    -------
    datetime.datetime
        A naive UTC time.

    Examples
    --------
    >>> import os
    >>> os.environ["SOURCE_DATE_EPOCH"] = "0"
    >>> generated_at().isoformat()
    '1970-01-01T00:00:00'
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    return build_time().replace(tzinfo=None, microsecond=0)


def git_commit() -> str | None:
    """The commit of the remission source tree when it runs from a git checkout, else None.

    Returns
    -------
    str or None
        The full commit hash, with "-dirty" when the tree has uncommitted changes.

    Examples
    --------
    >>> commit = git_commit()
    >>> commit is None or len(commit) >= 40
    True
    """
    root = Path(remission.__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("-dirty" if dirty else "") if head else None


def about_report(study: Study, command: str) -> list[tuple[str, str]]:
    """What the report is: study, SYNTHETIC flag, software, time and command.

    Parameters
    ----------
    study : Study
        The study.
    command : str
        The command line.

    Returns
    -------
    list of tuple of (str, str)
        Label and value, in order.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> dict(about_report(simulate_study(n_patients=20, seed=1), "x"))["synthetic"]
    'yes: made-up data, no real patient'
    """
    rows = [
        ("study", study.config.name),
        (
            "synthetic",
            "yes: made-up data, no real patient" if study.config.synthetic else "no",
        ),
        ("data cut-off", study.config.cutoff_date.isoformat()),
        ("remission", remission.__version__),
    ]
    commit = git_commit()
    if commit:
        rows.append(("remission commit", commit))
    rows += [
        ("python", platform.python_version()),
        ("generated (UTC)", generated_at().isoformat(sep=" ")),
        ("command", command or " ".join(sys.argv)),
    ]
    return rows


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _other_inputs(study: Study) -> list[tuple[str, str, int | None, str]]:
    """study.toml, a custom regimen file and the screen's files: hashed like the tables."""
    folder = study.folder
    if folder is None:
        return []
    known = {s.file for s in study.sources}
    paths = [folder / "study.toml"]
    paths += sorted(p for p in folder.glob("*.toml") if p.name != "study.toml")
    if (folder / "screens").is_dir():
        # the screen's data files; not hidden files such as the output marker remission
        # wrote there (it records when, so its hash would differ on every run)
        screens = (folder / "screens").rglob("*")
        paths += sorted(p for p in screens if p.is_file() and not p.name.startswith("."))
    out = []
    for path in paths:
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in known:
            kind = "settings" if path.suffix == ".toml" else "screen"
            out.append((kind, name, None, _sha256(path)))
    return out


def methods_section(study: Study, frames: DerivedDatasets) -> Section:
    """Methods, written from the rule objects that computed the results (``frames.criteria``,
    ``frames.rules``), the regimen and the tests used."""
    cfg, crit, rules, source = study.config, frames.criteria, frames.rules, frames.source
    s = Section("methods", "Methods")
    words = {r.value: r.description for r in target_response(crit).rules}
    s.paragraphs.append(
        f"Tumor response was assessed by {crit.title}: burden as the {crit.burden_words}; "
        f"partial response: {words['PR']}; progression: {words['PD']}, or a new lesion, or "
        f"unequivocal progression of a non-target; {DISEASE_AFTER_CR}."
        " Overall responses were "
        + (
            "those recorded by the investigator."
            if source == "recorded"
            else "computed from every lesion measurement."
        )
    )
    cr, pr = confirmations(rules)
    sd = next(r for r in best_overall_response(rules).rules if r.value == "SD")
    s.paragraphs.append(
        f"Best overall response followed admiralonco's rules: reference date "
        f"{cfg.reference_date.replace('_', ' ')}; only {sd.description} counts as stable disease; "
        f"{cr.description}; {pr.description}"
        + ("; assessments after the first progression were not used" if rules.pd_cutoff else "")
        + ". Duration of complete response was counted, as in the 1998 NCI series, from the "
        "start of treatment to relapse, censored at the last tumor assessment."
    )
    if study.regimen is not None:
        r = study.regimen
        s.paragraphs.append(
            f"Treatment: {r.title}; {r.dose_iu_per_kg:,.0f} IU/kg over {r.infusion_minutes:g} "
            f"minutes every {r.interval_hours:g} hours, at most {r.max_doses_per_cycle} doses per "
            f"cycle. Doses held or cycles stopped under the consensus criteria of Dutcher et al. "
            "(2014). The total dose is the number of doses given in course 1."
        )
    s.paragraphs.append(
        "Statistics: Kaplan-Meier estimates with log-log 95% confidence intervals and the "
        "log-rank test (matching R survival::survfit and survdiff); exact Clopper-Pearson "
        "intervals for response rates; Fisher's exact test for categorical factors and the "
        "Wilcoxon rank-sum test for continuous ones, two-sided (R fisher.test, wilcox.test); "
        "logistic regression (statsmodels) and Firth's penalised logistic regression for small "
        f"or separated data. Months are {DAYS_PER_MONTH:g} days."
    )
    rows = [
        ("response criteria", crit.name),
        ("reference date", cfg.reference_date),
        ("SD window (days)", str(rules.ref_start_window_days)),
        ("confirmation (days)", str(rules.confirmation_days)),
        ("NE allowed in confirmation", str(rules.max_ne)),
        ("SD allowed in confirmation", str(rules.accept_sd)),
        ("response source", source),
        ("regimen", cfg.regimen or "none"),
    ]
    s.tables.append(
        ReportTable(
            "parameters",
            "Parameters used",
            pl.DataFrame(rows, schema={"parameter": pl.String, "value": pl.String}, orient="row"),
        )
    )
    return s


def provenance_section(study: Study, command: str, notes: Sequence[Problem] = ()) -> Section:
    """Provenance: inputs with SHA-256 and row counts, notes on them, software, command line.

    ``notes`` are warnings from reading other inputs (a recognition screen); the study's own
    (``Study.warnings``) are listed with them, as ``remission validate`` prints them.
    """
    s = Section("provenance", "Provenance")
    sources = pl.DataFrame(
        [(x.table, x.file, x.rows, x.sha256) for x in study.sources] + _other_inputs(study),
        schema={"table": pl.String, "file": pl.String, "rows": pl.Int64, "sha256": pl.String},
        orient="row",
    )
    if sources.height:
        s.tables.append(ReportTable("inputs", "Input files", sources))
    else:
        s.notes.append("The study was not read from files (built in memory).")
    found = [*study.warnings, *notes]
    if found:
        s.tables.append(
            ReportTable(
                "input_notes",
                "Notes on the input files",
                pl.DataFrame(
                    [
                        (p.file, p.row, p.column, p.value, p.code, p.expected, p.fix, p.more_rows)
                        for p in found
                    ],
                    schema={
                        "file": pl.String,
                        "row": pl.Int64,
                        "column": pl.String,
                        "value": pl.String,
                        "note": pl.String,
                        "expected": pl.String,
                        "fix": pl.String,
                        "more_rows": pl.Int64,
                    },
                    orient="row",
                ),
                "Warnings found while reading the inputs: they do not stop the analysis, "
                "but say what was ignored or assumed.",
            )
        )
    versions = [("remission", remission.__version__)]
    commit = git_commit()
    if commit:
        versions.append(("remission commit", commit))
    versions.append(("python", platform.python_version()))
    for name in PACKAGES:
        try:
            versions.append((name, md.version(name)))
        except md.PackageNotFoundError:
            continue
    s.tables.append(
        ReportTable(
            "software",
            "Software",
            pl.DataFrame(
                versions, schema={"package": pl.String, "version": pl.String}, orient="row"
            ),
        )
    )
    s.paragraphs.append(
        f"Generated {generated_at().isoformat(sep=' ')} UTC by: {command or ' '.join(sys.argv)}"
    )
    return s
