"""Methods (written from the parameters actually used) and provenance sections."""

from __future__ import annotations

import importlib.metadata as md
import platform
import sys
from collections.abc import Sequence

import polars as pl

import remission
from remission.derive import CRITERIA, ResponseRules, response_source
from remission.report._model import ReportTable, Section
from remission.study import Problem, Study

PACKAGES = ("polars", "numpy", "scipy", "lifelines", "statsmodels", "matplotlib", "fpdf2")


def methods_section(study: Study, rules: ResponseRules) -> Section:
    """Methods, generated from the criteria, windows, regimen and tests actually used."""
    cfg = study.config
    crit = CRITERIA[cfg.response_criteria]
    s = Section("methods", "Methods")
    source = response_source(study)
    burden = (
        "sum of products of perpendicular diameters"
        if crit.burden == "sum_of_products"
        else "sum of diameters (short axis for nodes)"
    )
    s.paragraphs.append(
        f"Tumor response was assessed by {crit.title}: burden as the {burden}"
        f"; partial response at most {crit.pr_fraction:.0%} of baseline, progression at least "
        f"{crit.pd_fraction:.0%} of the nadir"
        + (f" and {crit.pd_absolute_mm:g} mm above it" if crit.pd_absolute_mm else "")
        + ". Overall responses were "
        + (
            "those recorded by the investigator."
            if source == "recorded"
            else "computed from every lesion measurement."
        )
    )
    s.paragraphs.append(
        f"Best overall response followed admiralonco's rules: reference date "
        f"{cfg.reference_date.replace('_', ' ')}; stable disease counted from day "
        f"{rules.ref_start_window_days}; CR and PR confirmed by a later response at least "
        f"{rules.confirmation_days} days on with at most {rules.max_ne} NE in between"
        + (" and one SD accepted" if rules.accept_sd else " and no SD")
        + "; assessments after the first progression were not used. Duration of complete "
        "response was counted, as in the 1998 NCI series, from the start of treatment to "
        "relapse, censored at the last tumor assessment."
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
        "or separated data. Months are 30.4375 days."
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
        [(x.table, x.file, x.rows, x.sha256) for x in study.sources],
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
    versions = [("remission", remission.__version__), ("python", platform.python_version())]
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
    s.paragraphs.append(f"Command: {command or ' '.join(sys.argv)}")
    return s
