"""Table 1 and the factors associated with complete response (the 1998 paper's three)."""

from __future__ import annotations

import polars as pl

from remission.analysis import (
    Factor,
    Result,
    factor_table,
    firth_regression,
    logistic_regression,
    table_one,
)
from remission.derive import DerivedDatasets
from remission.figures import forest_plot
from remission.report._format import Column, format_number, format_p
from remission.report._model import ReportFigure, ReportTable, Section
from remission.study import Study

TABLE_ONE = (
    Factor("AGE", "Age", "continuous", "years"),
    Factor("SEX", "Sex"),
    Factor("ECOG", "ECOG performance status"),
    Factor("WEIGHTBL", "Weight", "continuous", "kg"),
    Factor("PRIORIT", "Prior immunotherapy"),
    Factor("PRIORCT", "Prior chemotherapy"),
    Factor("NSITES", "Organ sites of disease", "continuous"),
    Factor("SCONLY", "Subcutaneous/cutaneous disease only"),
)

CANDIDATES = (
    Factor("PRIORIT", "Prior immunotherapy"),
    Factor("C1DOSES", "Doses of IL-2 given in course 1", "continuous", "doses"),
    Factor(
        "LYMMAXC1", "Maximal rebound lymphocytosis after IL-2, course 1", "continuous", "cells/µL"
    ),
    Factor("HISTOL", "Histology"),
    Factor("SCONLY", "Subcutaneous/cutaneous disease only"),
    Factor("NSITES", "Organ sites of disease", "continuous"),
    Factor("ECOG", "ECOG performance status"),
    Factor("AGE", "Age", "continuous", "years"),
    Factor("SEX", "Sex"),
)
"""Candidate factors, the paper's three first (order of the table)."""

THE_THREE = ("PRIORIT", "C1DOSES", "LYMMAXC1")


def _available(adsl: pl.DataFrame, factors: tuple[Factor, ...]) -> list[Factor]:
    """Factors with data and more than one value."""
    return [
        f
        for f in factors
        if f.column in adsl.columns and adsl[f.column].drop_nulls().n_unique() > 1
    ]


def table_one_section(study: Study, frames: DerivedDatasets) -> Section:
    """Table 1: patient characteristics by histology and overall (n (%), median [IQR],
    mean (SD), missing counts, standardised mean differences)."""
    s = Section("table1", "Patient characteristics")
    adsl = _recorded(study, frames.adsl)
    factors = _available(adsl, TABLE_ONE)
    note = _no_data_note(adsl, TABLE_ONE)
    if note:
        s.notes.append(note)
    groups = adsl["HISTOL"].n_unique()
    if groups == 1:
        s.notes.append(
            f"One histology ({adsl['HISTOL'][0]}): characteristics are shown overall, with no "
            "comparison between histologies (standardised mean differences not estimable)."
        )
    t = table_one(adsl, "HISTOL" if groups > 1 else None, factors)
    keep = [
        "variable",
        "level",
        "statistic",
        "Overall",
        *[str(g) for g in adsl["HISTOL"].unique().sort().to_list() if groups > 1],
    ]
    if "smd" in t.columns and groups == 2:
        keep.append("smd")
    s.tables.append(
        ReportTable(
            "table1",
            "Patient characteristics",
            _one_row_for_yes_no(t.select([c for c in keep if c in t.columns])),
            "n (%) for categories (for yes/no characteristics, the patients with 'yes'); median "
            "[Q1, Q3] and mean (SD) for numbers; SMD: standardised mean difference between the "
            "two histologies (Yang & Dalton for categories).",
        )
    )
    return s


def _one_row_for_yes_no(table: pl.DataFrame) -> pl.DataFrame:
    """Yes/no characteristics as one row (the 'yes' count), as tableone and gtsummary print
    dichotomous variables; a '(missing)' row stays."""
    levels = table.filter(pl.col("level").is_not_null() & (pl.col("level") != "(missing)"))
    yes_no = (
        levels.group_by("variable")
        .agg(pl.col("level").unique().sort().alias("levels"))
        .filter(pl.col("levels").list.join(",") == "N,Y")["variable"]
        .implode()
    )
    binary = pl.col("variable").is_in(yes_no)
    return table.filter(~(binary & (pl.col("level") == "N"))).with_columns(
        pl.when(binary & (pl.col("level") == "Y"))
        .then(pl.lit("yes"))
        .otherwise(pl.col("level"))
        .alias("level")
    )


UNRECORDED = {
    "doses": ("C1DOSES", "C1IUKG", "DOSGIVN", "TOTIUKG", "NCOURSES"),
    "prior_therapies": ("PRIORIT", "PRIORCT"),
    "labs": ("LYMBL", "LYMMAX", "LYMMAXC1", "LYMFCBL"),
}
"""ADSL columns that mean nothing when their source table is empty (ADSL then says 0 doses
or "no prior therapy" for everyone, which is not data)."""
NO_DATA = {
    "C1DOSES": "no dose ledger",
    "PRIORIT": "no prior-therapy records",
    "PRIORCT": "no prior-therapy records",
    "LYMMAXC1": "no lymphocyte counts in course 1",
}


def _recorded(study: Study, adsl: pl.DataFrame) -> pl.DataFrame:
    """ADSL with the columns whose source table is empty set to missing."""
    empty = [t for t in UNRECORDED if study.tables.get(t, pl.DataFrame()).is_empty()]
    gone = [c for t in empty for c in UNRECORDED[t] if c in adsl.columns]
    return adsl.with_columns(pl.lit(None, dtype=adsl.schema[c]).alias(c) for c in gone)


def _no_data_note(adsl: pl.DataFrame, factors: tuple[Factor, ...]) -> str | None:
    """Which factors have no value at all, and why."""
    missing = [
        f"{f.label} ({NO_DATA.get(f.column, 'no values')})"
        for f in factors
        if f.column not in adsl.columns or adsl[f.column].drop_nulls().is_empty()
    ]
    return "Not available for this study: " + "; ".join(missing) + "." if missing else None


def _wide(adsl: pl.DataFrame) -> pl.DataFrame:
    return adsl.with_columns(
        (pl.col("CRFL") == "Y").alias("cr"),
        (pl.col("PRIORIT") == "Y").cast(pl.Int64).alias("prior_immunotherapy"),
        pl.col("C1DOSES").alias("course1_doses"),
        (pl.col("LYMMAXC1") / 1000).alias("rebound_per_1000"),
    )


MODEL_TERMS = {
    "prior_immunotherapy": "Prior immunotherapy (yes vs no)",
    "course1_doses": "Course-1 doses (per dose)",
    "rebound_per_1000": "Maximal rebound (per 1,000 cells/µL)",
}
TERM_COLUMNS = {
    "prior_immunotherapy": "PRIORIT",
    "course1_doses": "C1DOSES",
    "rebound_per_1000": "LYMMAXC1",
}
TERM_WORDS = {
    "prior_immunotherapy": "prior immunotherapy",
    "course1_doses": "course-1 doses",
    "rebound_per_1000": "maximal rebound lymphocytosis in course 1",
}
TERM_UNITS = {"course1_doses": "", "rebound_per_1000": " cells/µL"}


def _complete(data: pl.DataFrame, terms: list[str]) -> pl.DataFrame:
    """Patients with every term recorded (NaN counts as missing, as in the regressions)."""
    return data.with_columns(
        pl.col(t).fill_nan(None) for t in terms if data.schema[t].is_float()
    ).drop_nulls(terms)


def _separating_words(data: pl.DataFrame, term: str) -> str | None:
    """How ``term`` alone separates complete responders from the others, in a reader's
    words, or None when it does not (rows missing the term are left out)."""
    rows = _complete(data, [term])
    cr, rest = rows.filter("cr")[term], rows.filter(~pl.col("cr"))[term]
    if cr.is_empty() or rest.is_empty():
        return None
    words = TERM_WORDS[term]
    if term == "prior_immunotherapy":
        for value, who in ((1, f"with {words}"), (0, f"without {words}")):
            n_cr, n_rest = int((cr == value).sum()), int((rest == value).sum())
            if n_cr + n_rest == 0:
                continue
            if n_cr == 0:
                return f"no complete responses among the {n_rest} patients {who}"
            if n_rest == 0:
                return f"every patient {who} ({n_cr}) had a complete response"
        return None
    raw = rows[TERM_COLUMNS[term]]
    cr, rest = raw.filter(rows["cr"]), raw.filter(~rows["cr"])
    unit = TERM_UNITS[term]
    if cr.min() >= rest.max():
        return (
            f"every complete responder had {words} of at least {cr.min():g}{unit} and every "
            f"other patient at most {rest.max():g}{unit}"
        )
    if cr.max() <= rest.min():
        return (
            f"every complete responder had {words} of at most {cr.max():g}{unit} and every "
            f"other patient at least {rest.min():g}{unit}"
        )
    return None


def _why_not(data: pl.DataFrame, terms: list[str], result: Result) -> str:
    """The reason an odds ratio could not be estimated, in the report's words."""
    reason = str(result.not_estimable)
    if "separation" not in reason:
        return _words(reason)
    kind = reason.split(" separation", maxsplit=1)[0]
    together = f" with the {len(terms)} factors together" if len(terms) > 1 else ""
    for term in terms:
        words = _separating_words(data, term)
        if words is not None:
            return f"{words} ({kind} separation{together})"
    return (
        f"the factors together predict complete response perfectly ({kind} separation), "
        "although none does alone"
    )


def _words(text: str) -> str:
    for term, words in TERM_WORDS.items():
        text = text.replace(term, words)
    return text


def _model(
    data: pl.DataFrame, terms: list[str], label: str, notes: list[str], firth: bool = False
) -> list[tuple]:
    """One model's rows: maximum likelihood when its odds ratios exist, else Firth's, with a
    note saying why (separation); ``firth`` fits Firth's model directly. A factor that is
    constant among the patients with every factor of the model recorded is left out, with a
    note."""
    which = (
        f"the {label} odds ratio of {TERM_WORDS[terms[0]]}"
        if len(terms) == 1
        else f"the {label} odds ratios"
    )
    complete = _complete(data, terms)
    recorded = " and ".join(TERM_WORDS[t] for t in terms)
    if complete.is_empty() or not complete["cr"].any():
        notes.append(
            f"{which.capitalize()}: not estimable: no complete responder has {recorded} recorded."
        )
        return []
    if complete["cr"].all():
        notes.append(
            f"{which.capitalize()}: not estimable: every patient with {recorded} recorded "
            "had a complete response."
        )
        return []
    model = label
    if firth:
        result = firth_regression(data, "cr", terms, name=label)
    else:
        result = logistic_regression(data, "cr", terms, name=label)
    if not firth and not result.estimable and "separation" in str(result.not_estimable):
        notes.append(
            f"{which.capitalize()}: not estimable: {_why_not(complete, terms, result)}; "
            "Firth estimate shown."
        )
        model = f"{label}, Firth"
        result = firth_regression(data, "cr", terms, name=model)
    rows = []
    for term in terms:
        row = result.table.filter(pl.col("term") == term).row(0, named=True)
        if row["not_estimable"] is not None:
            notes.append(f"{model.capitalize()} model: {_words(row['not_estimable'])}.")
            continue
        rows.append(
            (
                model,
                MODEL_TERMS[term],
                row["or"],
                row["profile_lower"],
                row["profile_upper"],
                row["p"],
            )
        )
    return rows


def _plottable(models: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    """Rows a forest plot can draw: a positive, finite estimate inside a finite interval.

    The others stay in the table; a note names them and says why they are not drawn."""
    est, lo, hi = pl.col("odds_ratio"), pl.col("ci_lower"), pl.col("ci_upper")
    finite = pl.all_horizontal(c.is_not_null() & c.is_finite() & (c > 0) for c in (est, lo, hi))
    ok = models.with_columns((finite & (lo <= est) & (est <= hi)).fill_null(False).alias("_ok"))
    left = ok.filter(~pl.col("_ok"))
    if left.height:
        notes.append(
            "Forest plot: not drawn (no finite 95% CI around the estimate): "
            + "; ".join(f"{m}: {t}" for m, t in left.select("model", "term").rows())
            + "."
        )
    return ok.filter("_ok").drop("_ok")


def _untested_notes(table: pl.DataFrame) -> list[str]:
    rows = table.filter((pl.col("row") == "factor") & pl.col("not_tested").is_not_null())
    return [f"{f}: not tested ({why})." for f, why in rows.select("factor", "not_tested").rows()]


def factors_section(study: Study, frames: DerivedDatasets) -> Section:
    """Factors associated with complete response: the factor table, logistic and Firth
    regression of the paper's three factors, and a forest plot.

    What cannot be estimated is said in the section's notes: no (or only) complete
    responders, a factor with one value or no data, an odds ratio that does not exist
    (separation: the Firth estimate is shown instead), an interval the forest plot cannot
    draw.
    """
    s = Section("factors", "Factors associated with complete response")
    adsl = _wide(_recorded(study, frames.adsl))
    n_cr = int(adsl["cr"].sum())
    if n_cr == 0:
        s.notes.append(
            "Not available: no patient had a confirmed complete response, so there is no "
            "group to compare and no odds ratio can be estimated."
        )
        return s
    if n_cr == adsl.height:
        s.notes.append(
            "Not available: every patient had a confirmed complete response, so there is no "
            "one to compare them with and no odds ratio can be estimated."
        )
        return s
    factors = _available(adsl, CANDIDATES)
    absent = [f for f in CANDIDATES if f not in factors]
    single = [
        f"{f.label} ({adsl[f.column].drop_nulls()[0]})"
        for f in absent
        if not adsl[f.column].drop_nulls().is_empty()
    ]
    note = _no_data_note(adsl, CANDIDATES)
    if note:
        s.notes.append(note)
    if single:
        s.notes.append("Not tested, one value for every patient: " + "; ".join(single) + ".")
    s.paragraphs.append(
        f"{n_cr} complete responders compared with the other {adsl.height - n_cr} patients. "
        "Two-sided tests named beside each p-value; p (Holm) and p (BH) adjust over the factors."
    )
    if factors:
        table = factor_table(
            adsl, "cr", factors, outcome_label="complete response", adjust=("holm", "BH")
        )
        s.notes.extend(_untested_notes(table))
        show = ["factor", "level", "group", "rest", "test", "p_value", "p_holm", "p_bh"]
        s.tables.append(
            ReportTable(
                "factors",
                "Factors associated with complete response",
                table.select([c for c in show if c in table.columns]).rename(
                    {"group": "complete response", "rest": "no complete response"}
                ),
                "Categories: n (%); numbers: mean ± SEM; median [Q1, Q3].",
            )
        )
    columns = [f.column for f in factors]
    terms = [t for t, col in TERM_COLUMNS.items() if col in columns]
    if not terms:
        s.notes.append(
            "Logistic regression not done: none of the paper's three factors (prior "
            "immunotherapy, course-1 doses, rebound lymphocytosis) varies in this study."
        )
        return s
    notes: list[str] = []
    rows = [r for term in terms for r in _model(adsl, [term], "univariable", notes)]
    if len(terms) > 1:
        rows += _model(adsl, terms, "multivariable", notes)
    label = "multivariable, Firth" if len(terms) > 1 else "univariable, Firth"
    if not any(r[0] == label for r in rows):  # Firth beside maximum likelihood, as before
        rows += _model(adsl, terms, label, notes, firth=True)
    models = pl.DataFrame(
        rows,
        schema={
            "model": pl.String,
            "term": pl.String,
            "odds_ratio": pl.Float64,
            "ci_lower": pl.Float64,
            "ci_upper": pl.Float64,
            "p_value": pl.Float64,
        },
        orient="row",
    )
    s.tables.append(
        ReportTable(
            "regression",
            "Logistic regression of complete response",
            models,
            "Odds ratios with profile-likelihood 95% CIs (Firth: profile penalised likelihood); "
            "p: Wald (logistic) or penalised likelihood ratio (Firth). A model marked Firth in "
            "place of maximum likelihood has odds ratios that do not exist by maximum "
            "likelihood (see the notes); NR: a limit the profile did not reach.",
            {
                "odds_ratio": Column("ratio"),
                "ci_lower": Column("ratio", missing="NR"),
                "ci_upper": Column("ratio", missing="NR"),
                "p_value": Column("p"),
            },
        )
    )
    plotted = _plottable(models, notes)
    s.notes.extend(notes)
    if plotted.is_empty():
        s.notes.append("Forest plot: no odds ratio with a finite 95% CI to draw.")
        return s
    fig = forest_plot(
        plotted.select(
            pl.col("term").alias("label"),
            pl.col("odds_ratio").alias("estimate"),
            pl.col("ci_lower").alias("lower"),
            pl.col("ci_upper").alias("upper"),
            "model",
        ),
        title="Odds ratios of complete response",
    )
    s.figures.append(
        ReportFigure.from_matplotlib("forest", "Odds ratios of complete response", fig)
    )
    return s


def factor_headline(study: Study, frames: DerivedDatasets) -> list[tuple[str, str]]:
    """The paper's three factors with their direction and p-value, for the demo's summary.

    Empty without complete responders or without anyone else; a factor that could not be
    tested says why instead of giving a p-value.
    """
    adsl = _wide(_recorded(study, frames.adsl))
    n_cr = int(adsl["cr"].sum())
    if n_cr in (0, adsl.height):
        return []
    factors = [f for f in _available(adsl, CANDIDATES) if f.column in THE_THREE]
    if not factors:
        return []
    table = factor_table(adsl, "cr", factors).filter(pl.col("row") == "factor")

    def number(value: float | None, kind: str) -> str:
        return format_number(value, kind) or "NA"

    out = []
    for f, row in zip(factors, table.iter_rows(named=True), strict=True):
        cr_rows, rest_rows = adsl.filter("cr")[f.column], adsl.filter(~pl.col("cr"))[f.column]
        if f.kind == "continuous":
            kind = "measure" if f.unit == "cells/µL" else "decimal"
            direction = (
                f"median {number(cr_rows.median(), kind)} vs {number(rest_rows.median(), kind)}"
            )
        else:
            cr = (cr_rows == "Y").mean() * 100
            rest = (rest_rows == "Y").mean() * 100
            direction = f"{format_number(cr, 'percent')}% vs {format_number(rest, 'percent')}%"
        if row["p_value"] is None:
            tested = f"not tested: {row['not_tested'] or 'no test'}"
        else:
            tested = f"{format_p(row['p_value'])} ({row['test'].split(',')[0]})"
        out.append((f"{f.label} (CR vs others)", f"{direction}, {tested}"))
    return out
