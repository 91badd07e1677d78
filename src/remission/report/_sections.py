"""The sections of the study report, each a function of the study and its derived data."""

from __future__ import annotations

import polars as pl
from scipy.stats import binomtest

from remission.analysis import (
    duration_range,
    event_observed,
    format_duration,
    kaplan_meier,
    logrank_test,
    median_not_reached,
    potential_followup,
)
from remission.figures import (
    km_plot,
    spider_plot,
    swimmer_data,
    swimmer_plot,
    waterfall_data,
    waterfall_plot,
)
from remission.report._model import ReportFigure, ReportTable, Section
from remission.simulate import DAYS_PER_MONTH
from remission.study import Study

Frames = dict[str, pl.DataFrame]
MONTHS = "Months from start of treatment"
YEARS = (1, 2, 5, 10)


def _groups(study: Study) -> pl.DataFrame:
    return study.table("patients").select(
        pl.col("patient_id").alias("USUBJID"),
        pl.col("histology").alias("group"),
        pl.col("death_date").alias("DTHDT"),
    )


def cohort_section(study: Study, frames: Frames) -> Section:
    """Cohort and data cut-off."""
    cfg = study.config
    p = study.table("patients")
    s = Section("cohort", "Cohort and data cut-off")
    if cfg.synthetic:
        s.paragraphs.append(
            "SYNTHETIC DATA: every patient in this report is made up. " + (cfg.description or "")
        )
    treated = p.filter(pl.col("treatment_start").is_not_null())
    fu = potential_followup(treated["treatment_start"], cfg.cutoff_date)
    counts = p.group_by("histology").len().sort("histology")
    s.paragraphs.append(
        f"{p.height} patients ({', '.join(f'{n} {h}' for h, n in counts.rows())}); "
        f"{treated.height} treated between {treated['treatment_start'].min()} and "
        f"{treated['treatment_start'].max()}; data cut-off {cfg.cutoff_date}; median potential "
        f"follow-up {fu.estimate:.1f} years."
    )
    rows = [("patients", float(p.height))]
    rows += [(f"patients: {h}", float(n)) for h, n in counts.rows()]
    rows += [
        ("treated", float(treated.height)),
        ("median potential follow-up (years)", round(fu.estimate, 2)),
        ("deaths", float(p["death_date"].is_not_null().sum())),
    ]
    s.tables.append(
        ReportTable(
            "cohort",
            "The cohort",
            pl.DataFrame(rows, schema={"item": pl.String, "value": pl.Float64}, orient="row"),
        )
    )
    return s


def exposure_section(study: Study, frames: Frames) -> Section:
    """Treatment exposure: courses, doses per cycle and course, holds by reason."""
    s = Section("exposure", "Treatment exposure")
    adex = frames.get("adex")
    if adex is None or adex.is_empty():
        s.notes.append("Not available: the study has no dose ledger (no regimen and no doses).")
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
            "q1": pl.Float64,
            "q3": pl.Float64,
            "min": pl.Float64,
            "max": pl.Float64,
        },
        orient="row",
    )
    s.tables.append(
        ReportTable(
            "exposure", "Doses and courses", table, "Quartiles by linear interpolation (R type 7)."
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
    s.tables.append(
        ReportTable(
            "holds",
            "Doses held, by reason",
            holds.with_columns(
                pl.col("doses held").cast(pl.Float64), pl.col("patients").cast(pl.Int64)
            ),
        )
    )
    return s


def _ci(k: int, n: int) -> tuple[float | None, float | None]:
    if n == 0:
        return None, None
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    return 100 * ci.low, 100 * ci.high


def response_section(study: Study, frames: Frames) -> Section:
    """Response by histology: CR, PR, ORR with exact Clopper-Pearson 95% CIs."""
    s = Section("response", "Response")
    adsl = frames["adsl"]
    crit = study.config.response_criteria
    s.paragraphs.append(
        f"Best confirmed overall response by {'RECIST 1.1' if crit == 'recist1.1' else 'WHO'} "
        "criteria (CR and PR confirmed by a later assessment at least 28 days on); percentages "
        "with exact (Clopper-Pearson) 95% confidence intervals."
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
            rows.append(
                (
                    name,
                    label,
                    k,
                    n,
                    round(100 * k / n, 1) if n else None,
                    None if lo is None else round(lo, 1),
                    None if hi is None else round(hi, 1),
                )
            )
    table = pl.DataFrame(
        rows,
        schema={
            "histology": pl.String,
            "response": pl.String,
            "n": pl.Int64,
            "patients": pl.Int64,
            "percent": pl.Float64,
            "ci_lower": pl.Float64,
            "ci_upper": pl.Float64,
        },
        orient="row",
    )
    s.tables.append(
        ReportTable(
            "response",
            "Response by histology",
            table,
            "ci: exact 95% confidence interval of the percentage.",
        )
    )
    best = adsl.group_by("HISTOL", "CBOR").len().sort("HISTOL", "CBOR")
    s.tables.append(
        ReportTable(
            "best_response",
            "Best confirmed overall response",
            best.rename(
                {"HISTOL": "histology", "CBOR": "best response", "len": "patients"}
            ).with_columns(pl.col("patients").cast(pl.Int64)),
        )
    )
    qc = frames.get("rsqc")
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


def responders_section(study: Study, frames: Frames) -> Section:
    """Complete responders, one per row."""
    s = Section("responders", "Complete responders")
    adsl = frames["adsl"]
    crdur = frames["adtte"].filter(pl.col("PARAMCD") == "CRDUR")
    crs = adsl.filter(pl.col("CRFL") == "Y")
    if crs.is_empty():
        s.notes.append("No patient had a confirmed complete response.")
        return s
    first_cr = (
        frames["adrs"]
        .filter((pl.col("PARAMCD") == "OVR") & (pl.col("AVALC") == "CR"))
        .group_by("USUBJID")
        .agg(pl.col("ADT").min().alias("_cr"))
    )
    table = (
        crs.join(crdur.select("USUBJID", "AVAL", "CNSR"), on="USUBJID", how="left")
        .join(first_cr, on="USUBJID", how="left")
        .sort("HISTOL", "AVAL", descending=[False, True])
    )
    ongoing = (table["CNSR"] == 1) & table["DTHDT"].is_null()
    rows = []
    for row, live in zip(table.iter_rows(named=True), ongoing.to_list(), strict=True):
        rows.append(
            (
                row["USUBJID"],
                row["HISTOL"],
                row["SITES"],
                (row["_cr"] - row["TRTSDT"]).days / DAYS_PER_MONTH if row["_cr"] else None,
                row["AVAL"] / DAYS_PER_MONTH if row["AVAL"] is not None else None,
                format_duration(row["AVAL"], bool(row["CNSR"])) if row["AVAL"] else "",
                "ongoing" if live else ("relapsed" if row["CNSR"] == 0 else "censored"),
            )
        )
    frame = pl.DataFrame(
        rows,
        schema={
            "patient": pl.String,
            "histology": pl.String,
            "sites at baseline": pl.String,
            "CR at (months)": pl.Float64,
            "duration (months)": pl.Float64,
            "duration": pl.String,
            "status": pl.String,
        },
        orient="row",
    )
    n_ongoing = int(ongoing.sum())
    ongoing_rows = table.filter(ongoing)
    rng = duration_range(ongoing_rows["AVAL"], ongoing_rows["CNSR"])
    s.paragraphs.append(
        f"{n_ongoing} of {crs.height} complete responders ({100 * n_ongoing / crs.height:.0f}%) "
        f"remain in continuous complete response, {rng.estimate_label} from the start of "
        "treatment. Durations are from the start of treatment to relapse, or to the last tumor "
        "assessment ('+' = ongoing)."
    )
    s.tables.append(ReportTable("complete_responders", "Complete responders", frame))
    return s


def _km_figure(
    frames: Frames,
    code: str,
    key: str,
    title: str,
    groups: pl.DataFrame | None,
    group_name: str,
    time_label: str = MONTHS,
) -> tuple[ReportFigure, ReportTable, ReportTable, list[str]] | None:
    rows = frames["adtte"].filter(pl.col("PARAMCD") == code)
    if rows.height == 0:
        return None
    g = None
    if groups is not None:
        rows = rows.join(groups, on="USUBJID", how="left")
        g = rows["group"].fill_null("unknown")
    km = kaplan_meier(
        rows["AVAL"], event_observed(rows["CNSR"]), g, conf_type="log-log", group_name=group_name
    )
    top = float(rows["AVAL"].max()) / DAYS_PER_MONTH
    step = 12 if top <= 72 else 24
    ticks = [float(t) for t in range(0, int(top) + step, step)]
    fig, at_risk = km_plot(
        km, title=title, time_scale=DAYS_PER_MONTH, time_label=time_label, ticks=ticks
    )
    med = (
        km.median()
        .with_columns(
            (pl.col(c) / DAYS_PER_MONTH).alias(f"{c} (months)")
            for c in ("median", "lower", "upper")
        )
        .select(
            "strata",
            pl.col("n").cast(pl.Int64),
            pl.col("events").cast(pl.Int64),
            "median (months)",
            "lower (months)",
            "upper (months)",
        )
    )
    landmarks = (
        km.at([y * 365.25 for y in YEARS], extend=False)
        .with_columns(
            (pl.col("time") / 365.25).alias("years"),
            (100 * pl.col("surv")).round(1).alias("percent"),
            (100 * pl.col("lower")).round(1).alias("ci_lower"),
            (100 * pl.col("upper")).round(1).alias("ci_upper"),
        )
        .select("strata", "years", "n_risk", "percent", "ci_lower", "ci_upper")
    )
    med_table = ReportTable(f"{key}_median", f"{title}: median (95% CI, log-log)", med)
    land_table = ReportTable(
        f"{key}_at",
        f"{title}: at 1, 2, 5 and 10 years",
        landmarks,
        "Percent surviving with 95% CI (log-log); n_risk at that time.",
    )
    del at_risk
    unreached = [f"{title}: {n}." for n in median_not_reached(km, DAYS_PER_MONTH, "months")]
    return ReportFigure.from_matplotlib(key, title, fig), med_table, land_table, unreached


def durability_section(study: Study, frames: Frames) -> Section:
    """Durability: KM of CR duration and response duration, swimmer, waterfall, spider."""
    s = Section("durability", "Durability of response")
    for code, key, title, label in (
        ("CRDUR", "km_crdur", "Duration of complete response", MONTHS),
        ("RSD", "km_dor", "Duration of response (CR or PR)", "Months from first response"),
    ):
        made = _km_figure(frames, code, key, title, None, "group", label)
        if made is None:
            s.notes.append(f"{title}: no patient qualifies.")
            continue
        fig, med, land, unreached = made
        s.figures.append(fig)
        s.tables.extend([med, land])
        s.notes.extend(unreached)
    lanes = swimmer_data(frames["adrs"], frames["adtte"], _groups(study))
    if lanes.height:
        fig, _ = swimmer_plot(lanes, DAYS_PER_MONTH, MONTHS, "Responders")
        s.figures.append(ReportFigure.from_matplotlib("swimmer", "Responders over time", fig))
    adtr = frames.get("adtr")
    if adtr is None:
        s.notes.append("Waterfall and spider plots: not available without lesion measurements.")
        return s
    who = study.config.response_criteria == "who"
    fig = waterfall_plot(
        waterfall_data(adtr, frames["adrs"]),
        -50 if who else -30,
        25 if who else 20,
        "Best change in tumor burden",
    )
    s.figures.append(ReportFigure.from_matplotlib("waterfall", "Best change in tumor burden", fig))
    fig, _ = spider_plot(adtr, frames["adrs"], DAYS_PER_MONTH, MONTHS, "Tumor burden over time")
    s.figures.append(ReportFigure.from_matplotlib("spider", "Tumor burden over time", fig))
    return s


def sites_section(study: Study, frames: Frames) -> Section:
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
    responders = (
        frames["adsl"].filter(pl.col("ORFL") == "Y").select(pl.col("USUBJID").alias("patient_id"))
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
        .sort("lesions", descending=True)
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
            "Baseline lesions; 'disappeared' = recorded absent at a later assessment.",
        )
    )
    return s


def survival_section(study: Study, frames: Frames) -> Section:
    """Overall survival by best response."""
    s = Section("survival", "Overall survival by best response")
    best = frames["adsl"].select(
        "USUBJID",
        pl.col("CBOR")
        .replace({"NE": "NE/missing", "MISSING": "NE/missing", "NON-CR/NON-PD": "SD"})
        .alias("group"),
    )
    made = _km_figure(frames, "OS", "km_os", "Overall survival by best response", best, "best")
    if made is None:
        s.notes.append("Not available: no patient with a reference date.")
        return s
    fig, med, land, unreached = made
    s.figures.append(fig)
    s.tables.extend([med, land])
    s.notes.extend(unreached)
    rows = frames["adtte"].filter(pl.col("PARAMCD") == "OS").join(best, on="USUBJID")
    if rows["group"].n_unique() > 1:
        test = logrank_test(
            rows["AVAL"], event_observed(rows["CNSR"]), rows["group"], name="OS by best response"
        )
        if not test.estimable:
            s.notes.append(f"Log-rank test of OS by best response not done: {test.not_estimable}.")
            return s
        s.paragraphs.append(
            str(test) + ". Survival by response is descriptive: responders "
            "must live long enough to respond (guarantee-time bias)."
        )
    return s
