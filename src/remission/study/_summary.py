"""A short factual summary of a loaded study (counts and dates, no analysis)."""

from __future__ import annotations

import polars as pl

from remission.study._study import Study


def summarize_study(study: Study) -> pl.DataFrame:
    """Return what a study holds, one labelled row per fact.

    Parameters
    ----------
    study : Study
        A loaded study.

    Returns
    -------
    polars.DataFrame
        Columns ``item`` and ``value`` (text), in reading order.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> summary = summarize_study(simulate_study(n_patients=40, seed=1))
    >>> summary.filter(pl.col("item") == "patients")["value"][0]
    '40'
    """
    cfg = study.config
    p = study.patients
    rows: list[tuple[str, str]] = [
        ("study", cfg.name),
        ("synthetic", "yes (made-up data)" if cfg.synthetic else "no"),
        ("data cut-off", cfg.cutoff_date.isoformat()),
        ("patients", str(p.height)),
    ]
    for hist, count in p.group_by("histology").len().sort("histology").iter_rows():
        rows.append((f"  {hist}", str(count)))
    if p.height:
        first, last = p["treatment_start"].min(), p["treatment_start"].max()
        rows.append(("treatment starts", f"{first} to {last}"))
        fu_years = p.select(
            (
                (pl.lit(cfg.cutoff_date) - pl.col("treatment_start")).dt.total_days() / 365.25
            ).median()
        ).item()
        rows.append(("median potential follow-up", f"{fu_years:.1f} years"))
        rows.append(("deaths recorded", str(p["death_date"].is_not_null().sum())))
    d = study.doses
    if d.height:
        given = int((d["status"] == "given").sum())
        rows.append(("doses given / held", f"{given} / {d.height - given}"))
    rows.append(("prior therapies", str(study.prior_therapies.height)))
    rows.append(("lesions", str(study.lesions.height)))
    rows.append(("lesion measurements", str(study.measurements.height)))
    rows.append(("laboratory values", str(study.labs.height)))
    if study.assessments.height:
        rows.append(("recorded responses", str(study.assessments.height)))
    rows.append(("response criteria", cfg.response_criteria))
    rows.append(("regimen", cfg.regimen or "none (no dose ledger)"))
    return pl.DataFrame(rows, schema={"item": pl.String, "value": pl.String}, orient="row")
