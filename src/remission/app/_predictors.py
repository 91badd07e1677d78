"""Factors associated with complete response on the filtered cohort: the report's section.

The app shows what the report's ``factors_section`` computes (the factor table, the logistic
and Firth regressions and the forest plot), recomputed on the patients the filter keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from remission.report import ReportFigure, ReportTable
from remission.study import Study


@dataclass(frozen=True)
class Predictors:
    """The predictors of complete response, as the report shows them.

    Parameters
    ----------
    paragraphs : list of str
        What was compared.
    tables : list of ReportTable
        The factor table and the regression table (printed with the report's rules).
    forest : ReportFigure or None
        The forest plot of the odds ratios (SVG and PNG), when one can be drawn.
    notes : list of str
        What could not be estimated, and why.

    Examples
    --------
    >>> Predictors([], [], None, ["no complete responder"]).notes
    ['no complete responder']
    """

    paragraphs: list[str]
    tables: list[ReportTable]
    forest: ReportFigure | None
    notes: list[str]


def predictors_view(study: Study, adsl: pl.DataFrame) -> Predictors:
    """The factor table, the regressions and the forest plot of a filtered cohort.

    Parameters
    ----------
    study : Study
        The study (which source tables are empty decides which factors are data).
    adsl : polars.DataFrame
        The filtered ADSL.

    Returns
    -------
    Predictors
        The report's factors section on these patients.

    Examples
    --------
    >>> from remission.derive import derive_study
    >>> from remission.simulate import simulate_study
    >>> study = simulate_study(n_patients=120, seed=1)
    >>> view = predictors_view(study, derive_study(study)["adsl"])
    >>> [t.key for t in view.tables], view.forest is not None
    (['factors', 'regression'], True)
    """
    from remission.derive import DerivedDatasets, ResponseRules
    from remission.derive._study import study_criteria
    from remission.report._predictors import factors_section

    empty = pl.DataFrame()
    frames = DerivedDatasets(
        adsl=adsl,
        adrs=empty,
        adtte=empty,
        criteria=study_criteria(study),
        rules=ResponseRules(),
        source="measurements",
    )
    section = factors_section(study, frames)
    forest = next((f for f in section.figures if f.key == "forest"), None)
    return Predictors(section.paragraphs, section.tables, forest, section.notes)


def table_cells(table: ReportTable) -> tuple[list[str], list[list[str]]]:
    """A report table's headers and cells as text, printed by the report's rules.

    Parameters
    ----------
    table : ReportTable
        A table of the report.

    Returns
    -------
    tuple of (list of str, list of list of str)
        The headers and, row by row, the text of every cell.

    Examples
    --------
    >>> t = ReportTable("t", "T", pl.DataFrame({"n": [3]}))
    >>> table_cells(t)
    (['n'], [['3']])
    """
    rows = [[text for _, text, _, _ in row] for row in table.cells()]
    return table.headers(), rows
