"""The sections of the study report, each a function of the study and its derived data."""

from __future__ import annotations

import polars as pl

from remission._units import DAYS_PER_MONTH, DAYS_PER_YEAR
from remission.analysis import (
    clopper_pearson,
    duration_range,
    event_observed,
    kaplan_meier,
    logrank_test,
    median_not_reached,
    potential_followup,
)
from remission.derive import DerivedDatasets, confirmations
from remission.figures import (
    flow_counts,
    flow_diagram,
    km_plot,
    spider_plot,
    swimmer_data,
    swimmer_pages,
    waterfall_data,
    waterfall_plot,
)
from remission.figures._flow import RESPONSE_ORDER
from remission.report._format import Column, format_number, format_p, human
from remission.report._model import ReportFigure, ReportTable, Section
from remission.report._published import published_table
from remission.study import Study

MONTHS = "Months from start of treatment"
YEARS = (1, 2, 5, 10)


def _groups(study: Study) -> pl.DataFrame:
    return study.table("patients").select(
        pl.col("patient_id").alias("USUBJID"),
        pl.col("histology").alias("group"),
        pl.col("death_date").alias("DTHDT"),
    )


def cohort_section(study: Study, frames: DerivedDatasets) -> Section:
    """Cohort and data cut-off, the patient flow, and the published figures beside ours."""
    cfg = study.config
    p = study.table("patients")
    s = Section("cohort", "Cohort and data cut-off")
    if cfg.synthetic:
        s.paragraphs.append(
            "SYNTHETIC DATA: every patient in this report is made up. " + (cfg.description or "")
        )
    treated = p.filter(pl.col("treatment_start").is_not_null())
    counts = p.group_by("histology").len().sort("histology")
    text = (
        f"{p.height} patients ({', '.join(f'{n} {h}' for h, n in counts.rows())}); "
        f"{treated.height} treated"
    )
    if treated.height:
        fu = potential_followup(treated["treatment_start"], cfg.cutoff_date)
        text += (
            f" between {treated['treatment_start'].min()} and "
            f"{treated['treatment_start'].max()}; data cut-off {cfg.cutoff_date}; median "
            f"potential follow-up {format_number(fu.estimate, 'years')} years (cut-off minus "
            "start of treatment, whether or not the patient is alive)."
        )
    else:
        text += f"; data cut-off {cfg.cutoff_date}."
    s.paragraphs.append(text)
    rows = [("enrolled", p.height)]
    rows += [(f"enrolled: {h}", n) for h, n in counts.rows()]
    rows += [
        ("treated", treated.height),
        ("died before the cut-off", int(p["death_date"].is_not_null().sum())),
    ]
    s.tables.append(
        ReportTable(
            "cohort",
            "The cohort",
            pl.DataFrame(rows, schema={"item": pl.String, "patients": pl.Int64}, orient="row"),
        )
    )
    flow = flow_counts(frames.adsl)
    s.figures.append(
        ReportFigure.from_matplotlib(
            "flow",
            "Patient flow",
            flow_diagram(flow),
            "Enrolled, treated and evaluable patients, and their best confirmed overall "
            "response by histology (percent of the treated). Evaluable: at least one tumor "
            "assessment after the start of treatment; NE: not evaluable, including patients "
            "never assessed.",
        )
    )
    published = published_table(cfg.published, frames, study)
    if published is not None:
        if cfg.synthetic:
            s.paragraphs.append(
                "This synthetic cohort is calibrated by construction to the published counts "
                "(outcome categories are assigned first, then records are drawn far from every "
                "response threshold), so any seed reproduces them: the agreement below checks "
                "the analysis code, not the science."
            )
        s.tables.append(published)
    return s


def exposure_section(study: Study, frames: DerivedDatasets) -> Section:
    """Treatment exposure: courses, doses per cycle and course, holds by reason."""
    s = Section("exposure", "Treatment exposure")
    adex = frames.adex
    if adex is None or adex.is_empty():
        s.notes.append("Not available: the study has no dose ledger (no regimen and no doses).")
        return s
    if study.tables.get("doses", pl.DataFrame()).is_empty():
        # ADEX then says 0 doses for everyone, which is not data (as UNRECORDED, _predictors)
        s.notes.append("Not available: the study's dose ledger (the doses table) is empty.")
        return s
    regimen = study.regimen
    if regimen is not None:
        s.paragraphs.append(
            f"Regimen: {regimen.title} (at most {regimen.max_doses_per_cycle} "
            f"doses per cycle, {regimen.cycles_per_course} cycles per course)."
        )
    patient = adex.filter(pl.col("COURSE").is_null())
    cycle = adex.filter(pl.col("CYCLE").is_not_null())

    def dist(frame: pl.DataFrame, code: str, label: str) -> tuple:
        v = frame.filter(pl.col("PARAMCD") == code)["AVAL"]
        return (
            label,
            v.len(),
            v.mean(),
            v.median(),
            v.quantile(0.25, "linear"),
            v.quantile(0.75, "linear"),
            v.min(),
            v.max(),
        )

    table = pl.DataFrame(
        [
            dist(patient, "NCOURSES", "courses per patient"),
            dist(cycle, "DOSGIVN", "doses given per cycle"),
            dist(patient, "C1DOSES", "doses given in course 1"),
            dist(patient, "DOSGIVN", "doses given, all courses"),
            dist(cycle, "DOSHELD", "doses held per cycle"),
        ],
        schema={
            "measure": pl.String,
            "n": pl.Int64,
            "mean": pl.Float64,
            "median": pl.Float64,
            "Q1": pl.Float64,
            "Q3": pl.Float64,
            "min": pl.Float64,
            "max": pl.Float64,
        },
        orient="row",
    )
    one_decimal = Column("decimal")
    s.tables.append(
        ReportTable(
            "exposure",
            "Doses and courses",
            table,
            "n: patients (per patient) or cycles (per cycle). Q1, Q3: quartiles by linear "
            "interpolation (R type 7).",
            {c: one_decimal for c in ("mean", "median", "Q1", "Q3")}
            | {"min": Column("count"), "max": Column("count")},
        )
    )
    holds = (
        cycle.filter(pl.col("PARAMCD") == "HLDRSN")
        .group_by(pl.col("AVALC").alias("reason"))
        .agg(
            pl.col("AVAL").sum().alias("doses held"), pl.col("USUBJID").n_unique().alias("patients")
        )
        .sort("doses held", descending=True)
    )
    if holds.is_empty():
        s.notes.append("No dose was held in any cycle.")
        return s
    # the criterion's words ("creatinine 2.5-2.9 mg/dL"), not its identifier
    describe = regimen.hold_rules.describe if regimen is not None else human
    s.tables.append(
        ReportTable(
            "holds",
            "Doses held, by reason",
            holds.sort("doses held", "reason", descending=[True, False]).with_columns(
                pl.col("reason").map_elements(describe, return_dtype=pl.String),
                pl.col("doses held").cast(pl.Int64),
                pl.col("patients").cast(pl.Int64),
            ),
            "Doses held (skipped, never reduced) summed over all cycles; patients: with at "
            "least one dose held for the reason.",
        )
    )
    return s


def _ci(k: int, n: int) -> tuple[float | None, float | None]:
    if n == 0:
        return None, None
    low, high = clopper_pearson(k, n)
    return 100 * low, 100 * high


def _best_response_table(adsl: pl.DataFrame) -> pl.DataFrame:
    """Best confirmed response in clinical order, n and % per histology and overall."""
    best = adsl.select(
        pl.col("HISTOL").cast(pl.String),
        pl.col("CBOR").replace({"MISSING": "NE"}).alias("best"),
    )
    order = [r for r in RESPONSE_ORDER if r != "NON-CR/NON-PD" or (best["best"] == r).any()]
    out = pl.DataFrame({"best response": [human(r) for r in order]})
    groups = [*best["HISTOL"].unique().sort().to_list(), "all"]
    for group in groups:
        part = best if group == "all" else best.filter(pl.col("HISTOL") == group)
        n = part.height
        counts = [int((part["best"] == r).sum()) for r in order]
        out = out.with_columns(
            pl.Series(f"{group}: n", counts, dtype=pl.Int64),
            pl.Series(
                f"{group}: %", [100 * k / n if n else None for k in counts], dtype=pl.Float64
            ),
        )
    return out


def response_section(study: Study, frames: DerivedDatasets) -> Section:
    """Response by histology: CR, PR, ORR with exact Clopper-Pearson 95% CIs."""
    s = Section("response", "Response")
    adsl = frames.adsl
    cr, pr = confirmations(frames.rules)
    s.paragraphs.append(
        f"Best confirmed overall response by {frames.criteria.title} criteria (a CR confirmed "
        f"by a CR at least {cr.min_days} days later, a PR by a CR or PR at least {pr.min_days} "
        "days later); percentages of all patients, with exact (Clopper-Pearson) 95% "
        "confidence intervals."
    )
    rows = []
    groups = [(h, adsl.filter(pl.col("HISTOL") == h)) for h in adsl["HISTOL"].unique().sort()]
    for name, part in [*groups, ("all", adsl)]:
        n = part.height
        for label, k in (
            ("CR", int((part["CBOR"] == "CR").sum())),
            ("PR", int((part["CBOR"] == "PR").sum())),
            ("CR + PR", int(part["CBOR"].is_in(["CR", "PR"]).sum())),
        ):
            lo, hi = _ci(k, n)
            rows.append((name, label, k, n, 100 * k / n if n else None, lo, hi))
    table = pl.DataFrame(
        rows,
        schema={
            "histology": pl.String,
            "response": pl.String,
            "n": pl.Int64,
            "patients": pl.Int64,
            "%": pl.Float64,
            "95% CI, lower": pl.Float64,
            "95% CI, upper": pl.Float64,
        },
        orient="row",
    )
    pct = Column("percent")
    s.tables.append(
        ReportTable(
            "response",
            "Response by histology",
            table,
            "n: patients with the response; %: of the patients of the histology; 95% CI: "
            "exact (Clopper-Pearson) confidence interval of the percentage.",
            {"%": pct, "95% CI, lower": pct, "95% CI, upper": pct},
        )
    )
    best = _best_response_table(adsl)
    s.tables.append(
        ReportTable(
            "best_response",
            "Best confirmed overall response",
            best,
            "n (%) of the patients of each histology. NE: not evaluable, including patients "
            "with no tumor assessment after the start of treatment.",
            {c: pct for c in best.columns if c.endswith(": %")},
        )
    )
    qc = frames.rsqc
    if qc is not None:
        s.tables.append(
            ReportTable(
                "response_qc",
                "Recorded vs computed overall responses: disagreements",
                qc.with_columns(pl.col("ADT").cast(pl.String)),
                "Responses recorded by the investigator against those computed from the lesion "
                "measurements by the study's criteria; a date present on one side only counts.",
            )
        )
    return s


def responders_section(study: Study, frames: DerivedDatasets) -> Section:
    """Complete responders, one per row."""
    s = Section("responders", "Complete responders")
    adsl = frames.adsl
    crdur = frames.adtte.filter(pl.col("PARAMCD") == "CRDUR")
    crs = adsl.filter(pl.col("CRFL") == "Y")
    if crs.is_empty():
        s.notes.append("No patient had a confirmed complete response.")
        return s
    first_cr = (
        frames.adrs.filter((pl.col("PARAMCD") == "OVR") & (pl.col("AVALC") == "CR"))
        .group_by("USUBJID")
        .agg(pl.col("ADT").min().alias("_cr"))
    )
    table = (
        crs.join(crdur.select("USUBJID", "AVAL", "CNSR"), on="USUBJID", how="left")
        .join(first_cr, on="USUBJID", how="left")
        .sort("HISTOL", "AVAL", descending=[False, True])
    )
    ongoing = (table["CNSR"] == 1) & table["DTHDT"].is_null()
    frame = table.select(
        pl.col("USUBJID").alias("patient"),
        pl.col("HISTOL").alias("histology"),
        pl.col("SITES")
        .str.split(",")
        .list.eval(pl.element().str.strip_chars().str.replace_all("_", " "))
        .list.join(", ")
        .alias("sites at baseline"),
        ((pl.col("_cr") - pl.col("TRTSDT")).dt.total_days() / DAYS_PER_MONTH).alias(
            "CR at (months)"
        ),
        (pl.col("AVAL") / DAYS_PER_MONTH).alias("CR duration (months)"),
        pl.when(ongoing)
        .then(pl.lit("ongoing"))
        .when(pl.col("CNSR") == 0)
        .then(pl.lit("relapsed"))
        .otherwise(pl.lit("censored"))
        .alias("status"),
        (pl.col("CNSR") == 1).alias("_censored"),
    )
    n_ongoing = int(ongoing.sum())
    ongoing_rows = table.filter(ongoing)
    rng = duration_range(ongoing_rows["AVAL"], ongoing_rows["CNSR"])
    s.paragraphs.append(
        f"{n_ongoing} of {crs.height} complete responders "
        f"({format_number(100 * n_ongoing / crs.height, 'percent')}%) remain in continuous "
        f"complete response, {rng.estimate_label} from the start of treatment."
    )
    months = Column("months")
    s.tables.append(
        ReportTable(
            "complete_responders",
            "Complete responders",
            frame,
            "CR duration: from the start of treatment to relapse, or to the last tumor "
            "assessment; '+' = censored (ongoing, or died in CR). "
            f"Months of {DAYS_PER_MONTH:g} days.",
            {
                "CR at (months)": months,
                "CR duration (months)": Column("months", censored_by="_censored"),
            },
        )
    )
    return s


def _strata_name(stratum: str) -> str:
    """'best=CR' -> 'CR'; the overall curve is 'all'."""
    return human(stratum.split("=", 1)[1]) if "=" in stratum else "all"


def _km_tables(kms: list, key: str, title: str) -> tuple[ReportTable, ReportTable]:
    """Medians with log-log 95% CIs ('NR' when not reached) and 1/2/5/10-year estimates."""
    group = pl.col("strata").map_elements(_strata_name, return_dtype=pl.String).alias("group")
    med = pl.concat(
        [
            km.median().select(
                group,
                pl.col("n").cast(pl.Int64),
                pl.col("events").cast(pl.Int64),
                *[
                    (pl.col(c) / DAYS_PER_MONTH).alias(name)
                    for c, name in (
                        ("median", "median (months)"),
                        ("lower", "95% CI, lower"),
                        ("upper", "95% CI, upper"),
                    )
                ],
            )
            for km in kms
        ]
    )
    land = pl.concat(
        [
            km.at([y * DAYS_PER_YEAR for y in YEARS], extend=False).select(
                group,
                (pl.col("time") / DAYS_PER_YEAR).round(0).cast(pl.Int64).alias("years"),
                pl.col("n_risk").cast(pl.Int64).alias("at risk"),
                (100 * pl.col("surv")).alias("%"),
                (100 * pl.col("lower")).alias("95% CI, lower"),
                (100 * pl.col("upper")).alias("95% CI, upper"),
            )
            for km in kms
        ]
    )
    nr = Column("months", missing="NR")
    pct = Column("percent")
    med_table = ReportTable(
        f"{key}_median",
        f"{title}: median",
        med,
        "Kaplan-Meier median in months with its 95% confidence interval (log-log, as R "
        "survival's default); NR: not reached (the curve or its limit stays above 50%).",
        {"median (months)": nr, "95% CI, lower": nr, "95% CI, upper": nr},
    )
    land_table = ReportTable(
        f"{key}_at",
        f"{title}: at 1, 2, 5 and 10 years",
        land,
        "Kaplan-Meier estimate (%) with 95% CI (log-log); at risk: patients still followed "
        "at that time. Times beyond the last follow-up are left out.",
        {"%": pct, "95% CI, lower": pct, "95% CI, upper": pct},
    )
    return med_table, land_table


KM_LEGEND = (
    "Kaplan-Meier estimate with its 95% confidence band (log-log, shaded); tick marks: "
    "censored patients; numbers at risk under the axis at each tick."
)


def _km_figures(
    frames: DerivedDatasets,
    code: str,
    key: str,
    title: str,
    groups: pl.DataFrame | None,
    group_name: str,
    time_label: str = MONTHS,
    overall: bool = True,
) -> tuple[list[ReportFigure], list[ReportTable], str, list[str]] | None:
    """KM of one ADTTE parameter: overall (optional) and by ``groups`` with the log-rank p."""
    rows = frames.adtte.filter(pl.col("PARAMCD") == code)
    if rows.height == 0:
        return None
    top = float(rows["AVAL"].max()) / DAYS_PER_MONTH
    step = 12 if top <= 72 else 24
    ticks = [float(t) for t in range(0, int(top) + step, step)]
    figures, kms, sentence, notes = [], [], "", []
    events = event_observed(rows["CNSR"])
    if overall:
        km = kaplan_meier(rows["AVAL"], events, conf_type="log-log")
        kms.append(km)
        fig, _ = km_plot(
            km, title=title, time_scale=DAYS_PER_MONTH, time_label=time_label, ticks=ticks
        )
        n_events = int(events.sum())
        figures.append(
            ReportFigure.from_matplotlib(
                key, title, fig, f"{KM_LEGEND} N = {rows.height} patients, {n_events} events."
            )
        )
    if groups is not None:
        rows = rows.join(groups, on="USUBJID", how="left").with_columns(
            pl.col("group").fill_null("unknown")
        )
        if rows["group"].n_unique() > 1:
            events = event_observed(rows["CNSR"])
            km = kaplan_meier(
                rows["AVAL"], events, rows["group"], conf_type="log-log", group_name=group_name
            )
            kms.append(km)
            test = logrank_test(rows["AVAL"], events, rows["group"], name=title)
            labels = {st: _strata_name(st) for st in km.strata()}
            by_title = f"{title} by {group_name}"
            if test.estimable:
                p_text = format_p(test.p_value)
                sentence = f"{by_title}: log-rank {p_text}."
            else:
                p_text = "log-rank test not done"
                notes.append(f"Log-rank test of {by_title} not done: {test.not_estimable}.")
            fig, _ = km_plot(
                km,
                title=by_title,
                annotation=f"log-rank {p_text}" if test.estimable else None,
                time_scale=DAYS_PER_MONTH,
                time_label=time_label,
                ticks=ticks,
                labels=labels,
            )
            figures.append(
                ReportFigure.from_matplotlib(
                    f"{key}_by_{group_name.replace(' ', '_')}",
                    by_title,
                    fig,
                    f"{KM_LEGEND} N = {rows.height} patients; log-rank test across the "
                    f"{len(labels)} groups: {p_text}.",
                )
            )
    if not kms:
        return None
    for km in kms:
        for line in median_not_reached(km, DAYS_PER_MONTH, "months"):
            stratum, _, why = line.partition(": ")
            notes.append(f"{title}, {_strata_name(stratum)}: {why}.")
    return figures, list(_km_tables(kms, key, title)), sentence, notes


def _histology(frames: DerivedDatasets) -> pl.DataFrame:
    return frames.adsl.select("USUBJID", pl.col("HISTOL").cast(pl.String).alias("group"))


def durability_section(study: Study, frames: DerivedDatasets) -> Section:
    """Durability: KM of CR duration and response duration (overall and by histology),
    swimmer, waterfall, spider."""
    s = Section("durability", "Durability of response")
    for code, key, title, label in (
        ("CRDUR", "km_crdur", "Duration of complete response", MONTHS),
        ("RSD", "km_dor", "Duration of response (CR or PR)", "Months from first response"),
    ):
        made = _km_figures(frames, code, key, title, _histology(frames), "histology", label)
        if made is None:
            s.notes.append(f"{title}: no patient qualifies.")
            continue
        figs, tables, sentence, notes = made
        s.figures.extend(figs)
        s.tables.extend(tables)
        s.notes.extend(notes)
        if sentence:
            s.paragraphs.append(sentence)
    lanes = swimmer_data(frames.adrs, frames.adtte, _groups(study))
    pages = swimmer_pages(lanes, DAYS_PER_MONTH, MONTHS, "Responders")
    for i, (fig, _) in enumerate(pages, start=1):
        of = f" (page {i} of {len(pages)})" if len(pages) > 1 else ""
        key = "swimmer" if i == 1 else f"swimmer_{i}"
        s.figures.append(
            ReportFigure.from_matplotlib(
                key,
                f"Responders over time{of}",
                fig,
                "One lane per patient with a confirmed CR or PR, by histology, from the start of "
                "treatment to the last follow-up; marks at the first response, the first complete "
                "response and relapse or progression; an arrow: ongoing at the cut-off.",
            )
        )
    adtr = frames.adtr
    if adtr is None:
        s.notes.append("Waterfall and spider plots: not available without lesion measurements.")
        return s
    crit = frames.criteria
    fig = waterfall_plot(
        waterfall_data(adtr, frames.adrs),
        crit.pr_change_percent,
        crit.pd_change_percent,
        "Best change in tumor burden",
    )
    burden = f"{crit.burden_words} ({crit.title})"
    s.figures.append(
        ReportFigure.from_matplotlib(
            "waterfall",
            "Best change in tumor burden",
            fig,
            f"One bar per patient with measurable disease and an assessment after baseline: the "
            f"largest fall (or smallest rise) of the tumor burden, the {burden}, from baseline; "
            f"coloured by best confirmed response; dashed lines: the partial-response "
            f"({crit.pr_change_percent:g}%) and progression ({crit.pd_change_percent:+g}%) "
            "thresholds.",
        )
    )
    fig, _ = spider_plot(adtr, frames.adrs, DAYS_PER_MONTH, MONTHS, "Tumor burden over time")
    s.figures.append(
        ReportFigure.from_matplotlib(
            "spider",
            "Tumor burden over time",
            fig,
            "One line per patient: change of the tumor burden from baseline at each assessment, "
            "coloured by best confirmed response.",
        )
    )
    return s


def sites_section(study: Study, frames: DerivedDatasets) -> Section:
    """Sites of regression: lesions and patients by organ site."""
    s = Section("sites", "Sites of disease and of regression")
    lesions = study.table("lesions")
    m = study.table("measurements")
    if lesions.is_empty():
        s.notes.append("Not available: the study has no lesion records.")
        return s
    base = m.group_by("patient_id").agg(pl.col("assessed_on").min().alias("_b"))
    baseline = lesions.join(base, on="patient_id", how="left").filter(
        pl.col("_b").is_null() | (pl.col("first_seen_on") <= pl.col("_b"))
    )
    gone = m.filter(pl.col("state") == "absent").select("patient_id", "lesion_id").unique()
    regressed = baseline.join(
        gone.with_columns(pl.lit(True).alias("_gone")), on=["patient_id", "lesion_id"], how="left"
    )
    responders = frames.adsl.filter(pl.col("ORFL") == "Y").select(
        pl.col("USUBJID").alias("patient_id")
    )
    table = (
        regressed.group_by("organ")
        .agg(
            pl.len().cast(pl.Int64).alias("lesions"),
            pl.col("_gone").fill_null(False).sum().cast(pl.Int64).alias("lesions disappeared"),
            pl.col("patient_id").n_unique().cast(pl.Int64).alias("patients"),
            pl.col("patient_id")
            .filter(pl.col("_gone").fill_null(False))
            .n_unique()
            .cast(pl.Int64)
            .alias("patients with a lesion disappeared"),
            pl.col("patient_id")
            .filter(pl.col("patient_id").is_in(responders["patient_id"].implode()))
            .n_unique()
            .cast(pl.Int64)
            .alias("responders with disease there"),
        )
        .sort(["lesions", "organ"], descending=[True, False])
        .with_columns(pl.col("organ").map_elements(human, return_dtype=pl.String))
    )
    s.paragraphs.append(
        f"Lesions disappeared at {table.filter(pl.col('lesions disappeared') > 0).height} of "
        f"{table.height} organ sites with disease at baseline."
    )
    s.tables.append(
        ReportTable(
            "sites",
            "Lesions and patients by organ site",
            table,
            "Lesions present at baseline, by organ; disappeared: recorded absent at a later "
            "assessment; responders: patients with a confirmed CR or PR.",
        )
    )
    return s


def survival_section(study: Study, frames: DerivedDatasets) -> Section:
    """Overall survival by histology and by best response."""
    s = Section("survival", "Overall survival")
    made = _km_figures(frames, "OS", "km_os", "Overall survival", _histology(frames), "histology")
    if made is None:
        s.notes.append("Not available: no patient with a reference date.")
        return s
    figs, tables, sentence, notes = made
    s.figures.extend(figs)
    s.tables.extend(tables)
    s.notes.extend(notes)
    if sentence:
        s.paragraphs.append(sentence)
    best = frames.adsl.select(
        "USUBJID",
        pl.col("CBOR").replace({"MISSING": "NE", "NON-CR/NON-PD": "SD"}).alias("group"),
    )
    made = _km_figures(
        frames, "OS", "km_os", "Overall survival", best, "best response", overall=False
    )
    if made is not None:
        figs, tables, sentence, notes = made
        s.notes.extend(notes)
        s.figures.extend(figs)
        s.tables.extend(
            ReportTable(
                t.key.replace("km_os", "km_os_best"),
                t.title + " by best response",
                t.frame,
                t.note,
                t.columns,
            )
            for t in tables
        )
        if sentence:
            s.paragraphs.append(
                sentence + " Survival by response is descriptive: responders must live long "
                "enough to respond (guarantee-time bias)."
            )
    return s
