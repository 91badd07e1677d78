""" "Published vs this analysis": the figures a paper reported beside what the records give."""

from __future__ import annotations

import polars as pl

from remission.analysis import duration_range, potential_followup
from remission.derive import DerivedDatasets
from remission.report._format import format_number
from remission.report._model import ReportTable
from remission.study import Published, Study


def _count(k: int, n: int) -> str:
    return f"{k} ({format_number(100 * k / n, 'percent')}%)" if n else str(k)


def published_table(
    published: Published | None, frames: DerivedDatasets, study: Study
) -> ReportTable | None:
    """Each figure the study's ``[published]`` table declares, beside this analysis's value.

    Parameters
    ----------
    published : Published or None
        The declared figures; None gives no table.
    frames : DerivedDatasets
        Derived datasets (ADSL, ADTTE).
    study : Study
        The study (treatment starts and cut-off for the follow-up).

    Returns
    -------
    ReportTable or None
        Columns figure, published, this analysis, agrees ("yes"/"no").

    Examples
    --------
    >>> from remission.simulate import demo_study
    >>> from remission.derive import derive_study
    >>> study = demo_study().study
    >>> t = published_table(study.config.published, derive_study(study), study)
    >>> t.frame.filter(pl.col("figure") == "complete responses").row(0)
    ('complete responses', '33 (8.1%)', '33 (8.1%)', 'yes')
    """
    if published is None:
        return None
    adsl = frames.adsl
    n = adsl.height
    cr = int((adsl["CBOR"] == "CR").sum())
    rows: list[tuple[str, str, str]] = []
    if published.patients is not None:
        rows.append(("patients", str(published.patients), str(n)))
    if published.complete_responses is not None:
        rows.append(
            (
                "complete responses",
                _count(published.complete_responses, published.patients or n),
                _count(cr, n),
            )
        )
    if published.partial_responses is not None:
        pr = int((adsl["CBOR"] == "PR").sum())
        rows.append(
            (
                "partial responses",
                _count(published.partial_responses, published.patients or n),
                _count(pr, n),
            )
        )
    for histology, k in published.complete_responses_by_histology.items():
        part = adsl.filter(pl.col("HISTOL") == histology)
        ours = int((part["CBOR"] == "CR").sum())
        rows.append((f"complete responses: {histology}", str(k), _count(ours, part.height)))
    if published.ongoing_complete_responses is not None or published.ongoing_duration_months:
        crdur = frames.adtte.filter(pl.col("PARAMCD") == "CRDUR").join(
            adsl.select("USUBJID", "DTHDT"), on="USUBJID"
        )
        ongoing = crdur.filter((pl.col("CNSR") == 1) & pl.col("DTHDT").is_null())
        if published.ongoing_complete_responses is not None:
            rows.append(
                (
                    "complete responses ongoing",
                    f"{published.ongoing_complete_responses} of {published.complete_responses}",
                    f"{ongoing.height} of {cr}",
                )
            )
        if published.ongoing_duration_months:
            ours = (
                duration_range(ongoing["AVAL"], ongoing["CNSR"]).estimate_label.removesuffix(
                    " months"
                )
                if ongoing.height
                else "none ongoing"
            )
            rows.append(
                ("ongoing complete responses (months)", published.ongoing_duration_months, ours)
            )
    if published.median_potential_followup_years is not None:
        starts = study.table("patients")["treatment_start"].drop_nulls()
        ours_fu = (
            format_number(potential_followup(starts, study.config.cutoff_date).estimate, "years")
            if starts.len()
            else "not available"
        )
        rows.append(
            (
                "median potential follow-up (years)",
                format_number(published.median_potential_followup_years, "years") or "",
                ours_fu or "",
            )
        )
    frame = pl.DataFrame(
        [(f, p, o, "yes" if p.split(" (")[0] == o.split(" (")[0] else "no") for f, p, o in rows],
        schema={
            "figure": pl.String,
            "published": pl.String,
            "this analysis": pl.String,
            "agrees": pl.String,
        },
        orient="row",
    )
    return ReportTable(
        "published",
        "Published vs this analysis",
        frame,
        f"Published: {published.citation}. 'agrees' compares the counts (or the printed "
        "value); percentages are of all patients, or of the histology's patients. Ongoing "
        "complete responses: from the start of treatment, '>' = still ongoing.",
    )
