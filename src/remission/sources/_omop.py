"""OMOP CDM 5.4 in PostgreSQL, mapped to the study format under a cohort definition.

Each query selects only the cohort definition's concept ids and streams its rows with
PostgreSQL's COPY into Polars; the mapping is vectorised over all persons (joins, group-bys,
window functions), so 100,000 persons import in seconds (``benchmarks/bench_omop.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import polars as pl

import remission
from remission.sources._omop_cohort import CohortDefinition
from remission.sources._omop_db import connect, quoted, read_query
from remission.sources._omop_schema import REQUIRED_TABLES
from remission.study import (
    ORGANS,
    ROW_COLUMN,
    TABLES,
    Problem,
    Study,
    StudyConfig,
    StudyError,
    empty_table,
    validate_study,
)
from remission.study._problems import ROWS_KEPT_PER_KIND

_ID_OF_TABLE = {
    "patients": ("person", "person_id"),
    "doses": ("drug_exposure", "drug_exposure_id"),
    "prior_therapies": ("drug_exposure or procedure_occurrence", "id"),
    "labs": ("measurement", "measurement_id"),
    "lesions": ("episode", "episode_id"),
    "measurements": ("episode", "episode_id"),
}


@dataclass(frozen=True)
class OmopSettings:
    """Study settings an OMOP database does not hold.

    Parameters
    ----------
    synthetic : bool
        Made-up data.
    cutoff : datetime.date or None
        Data cut-off; the latest date read when None.
    response_criteria : str
        ``who`` or ``recist1.1``.
    regimen : str or None
        The IL-2 regimen (built-in name).
    name : str or None
        Study name; the cohort definition's when None.

    Examples
    --------
    >>> OmopSettings().response_criteria
    'recist1.1'
    """

    synthetic: bool = False
    cutoff: dt.date | None = None
    response_criteria: str = "recist1.1"
    regimen: str | None = None
    name: str | None = None


def _in(ids: tuple[int, ...]) -> str:
    return ", ".join(str(int(i)) for i in ids)


class _Log:
    def __init__(self, schema: str):
        self.schema, self.problems = schema, []

    def rows(
        self,
        table: str,
        frame: pl.DataFrame,
        id_col: str,
        column: str,
        value: str | None,
        expected: str,
        fix: str,
    ) -> None:
        kept = frame.head(ROWS_KEPT_PER_KIND)
        for i, rec in enumerate(kept.iter_rows(named=True)):
            more = frame.height - kept.height if i == kept.height - 1 else 0
            where = f"{self.schema}.{table} [{id_col} {rec[id_col]}]"
            shown = None if value is None or rec.get(value) is None else str(rec[value])
            self.problems.append(
                Problem("error", f"omop.{column}", where, None, column, shown, expected, fix, more)
            )


def read_omop(
    url: str,
    cohort: CohortDefinition,
    schema: str = "cdm",
    settings: OmopSettings | None = None,
) -> Study:
    """Read an OMOP CDM 5.4 database (PostgreSQL) as a study, by a cohort definition.

    Parameters
    ----------
    url : str
        ``postgresql://USER@HOST/DB`` (a Unix socket: ``postgresql://USER@/DB?host=/run/...``).
    cohort : CohortDefinition
        Which concept ids mean what (``read_cohort_definition``).
    schema : str
        The CDM schema.
    settings : OmopSettings, optional
        Cut-off, criteria, regimen.

    Returns
    -------
    Study
        The study; each table's ``_row`` is the OMOP id of the record it came from.

    Raises
    ------
    StudyError
        Every problem, each naming the table, the record's id, the column and a fix.
    ValueError
        When the database cannot be reached (one line, no password).

    Examples
    --------
    >>> from remission.sources._omop_cohort import default_cohort
    >>> try:
    ...     read_omop("postgresql://nobody@/x?host=/nonexistent", default_cohort())
    ... except ValueError as err:
    ...     print(str(err)[:26])
    cannot connect to postgres
    """
    settings = settings or OmopSettings()
    name = quoted(schema)
    log = _Log(schema)
    with connect(url) as conn:
        present = set(
            read_query(
                conn,
                f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{schema}'",
                {"table_name": pl.String},
            )["table_name"]
        )
        missing = [t for t in REQUIRED_TABLES if t not in present]
        if missing:
            raise StudyError(
                [
                    Problem(
                        "error",
                        "omop.table_missing",
                        f"{schema}.{t}",
                        None,
                        None,
                        None,
                        "an OMOP CDM 5.4 table",
                        "check --schema, or load the CDM into it",
                    )
                    for t in missing
                ]
            )
        raw = _query_all(conn, name, cohort, present)
    study = _map(raw, cohort, settings, log)
    problems = [_locate(p, schema) for p in validate_study(study)]
    if any(p.severity == "error" for p in problems):
        raise StudyError(problems)
    return replace(study, warnings=tuple(p for p in problems if p.code != "table.empty"))


_QUERIES: dict[str, tuple[str, str, str]] = {
    # key: (table, "column AS name:type, ...", condition on the cohort's concept ids)
    "person": (
        "person",
        "person_id:i, person_source_value:s, gender_concept_id:i, "
        "year_of_birth:i, month_of_birth:i, day_of_birth:i, birth_datetime:t",
        "",
    ),
    "period": (
        "observation_period",
        "person_id:i, max(observation_period_end_date) AS end_date:d",
        "GROUP BY person_id",
    ),
    "death": ("death", "person_id:i, min(death_date) AS death_date:d", "GROUP BY person_id"),
    "condition": (
        "condition_occurrence",
        "condition_occurrence_id:i, person_id:i, condition_concept_id:i",
        "WHERE condition_concept_id IN ({histology})",
    ),
    "drug": (
        "drug_exposure",
        "drug_exposure_id:i, person_id:i, drug_concept_id:i, "
        "drug_exposure_start_date AS start_date:d, drug_exposure_start_datetime AS "
        "start_datetime:t, drug_exposure_end_date AS end_date:d, quantity:f, "
        "drug_source_value AS source_value:s",
        "WHERE drug_concept_id IN ({drugs})",
    ),
    "procedure": (
        "procedure_occurrence",
        "procedure_occurrence_id:i, person_id:i, "
        "procedure_concept_id:i, procedure_date:d, procedure_source_value AS "
        "source_value:s",
        "WHERE procedure_concept_id IN ({prior})",
    ),
    "measurement": (
        "measurement",
        "measurement_id:i, person_id:i, measurement_concept_id AS "
        "concept:i, measurement_date AS date:d, measurement_datetime AS datetime:t, "
        "value_as_number AS value:f, unit_concept_id AS unit:i",
        "WHERE measurement_concept_id IN ({measurements})",
    ),
    "episode": (
        "episode",
        "episode_id:i, person_id:i, episode_concept_id:i, episode_start_date "
        "AS start_date:d, episode_source_value AS source_value:s",
        "WHERE episode_concept_id IN ({lesions})",
    ),
    "treatment": (
        "episode",
        "episode_id:i, person_id:i, episode_concept_id AS concept:i, "
        "episode_start_date AS start_date:d, episode_parent_id AS parent_id:i, "
        "episode_number AS number:i",
        "WHERE episode_concept_id IN ({treatment})",
    ),
    "drug_event": (
        "episode_event",
        "episode_id:i, event_id:i",
        "WHERE episode_event_field_concept_id = {drug_field}",
    ),
    "episode_event": (
        "episode_event",
        "episode_id:i, event_id:i",
        "WHERE episode_event_field_concept_id = {measurement_field}",
    ),
}
"""Every query the import runs: the columns it reads and the concept ids it selects."""
_TYPES = {"i": pl.Int64, "s": pl.String, "f": pl.Float64, "d": pl.Date, "t": pl.Datetime("us")}


def _query_all(conn, s: str, c: CohortDefinition, present: set[str]) -> dict[str, pl.DataFrame]:
    ids = {
        "histology": _in(tuple(i for v in c.histology.values() for i in v)),
        "drugs": _in((*c.il2, *(i for v in c.prior_therapy.values() for i in v))),
        "prior": _in(tuple(i for v in c.prior_therapy.values() for i in v)),
        "measurements": _in(tuple(i for v in c.measurement.values() for i in v)),
        "lesions": _in((*c.target, *c.non_target)),
        "treatment": _in((*c.course_episodes, *c.cycle_episodes)),
        "drug_field": str(int(c.drug_field_concept_id)),
        "measurement_field": str(int(c.measurement_field_concept_id)),
    }
    out = {}
    for key, (table, columns, condition) in _QUERIES.items():
        parts = [col.rsplit(":", 1) for col in columns.split(", ")]
        schema = {expr.split(" AS ")[-1]: _TYPES[kind] for expr, kind in parts}
        where = condition.format(**ids)
        if table not in present or "IN ()" in where:
            out[key] = pl.DataFrame(schema=schema)
            continue
        select = ", ".join(expr for expr, _ in parts)
        out[key] = read_query(conn, f"SELECT {select} FROM {s}.{table} {where}", schema)
    return out


def _concept_map(groups: dict[str, tuple[int, ...]]) -> dict[int, str]:
    return {i: name for name, ids in groups.items() for i in ids}


def _map(
    raw: dict[str, pl.DataFrame], c: CohortDefinition, settings: OmopSettings, log: _Log
) -> Study:
    person = raw["person"].with_columns(
        (
            pl.col("person_source_value")
            if c.patient_id == "person_source_value"
            else pl.col("person_id").cast(pl.String)
        ).alias("patient_id")
    )
    log.rows(
        "person",
        person.filter(pl.col("patient_id").is_null()),
        "person_id",
        "person_source_value",
        None,
        "a study identifier for every person",
        'fill person_source_value, or set patient_id = "person_id" in [cohort]',
    )
    pid = person.select("person_id", "patient_id")
    hist = (
        raw["condition"]
        .with_columns(
            pl.col("condition_concept_id")
            .replace_strict(_concept_map(c.histology), return_dtype=pl.String)
            .alias("histology")
        )
        .group_by("person_id")
        .agg(pl.col("histology").unique().sort())
    )
    two = hist.filter(pl.col("histology").list.len() > 1).with_columns(
        pl.col("histology").list.join(", ")
    )
    log.rows(
        "condition_occurrence",
        two,
        "person_id",
        "condition_concept_id",
        "histology",
        "one histology of the cohort per person",
        "keep one diagnosis per person",
    )
    il2, start = _il2(raw, c, log)
    il2 = il2.join(pid, on="person_id")
    meas = raw["measurement"].join(pid, on="person_id")
    baseline = _baseline(meas, c, start)
    p = (
        person.join(hist.with_columns(pl.col("histology").list.first()), on="person_id", how="left")
        .join(start, on="person_id", how="left")
        .join(raw["period"], on="person_id", how="left")
        .join(raw["death"], on="person_id", how="left")
        .join(baseline, on="person_id", how="left")
    )
    no_hist = p.filter(pl.col("histology").is_null())
    log.rows(
        "person",
        no_hist,
        "person_id",
        "condition_concept_id",
        None,
        "a condition_occurrence of one of the cohort's histologies",
        "add the diagnosis, or its concept id to [histology] in the cohort file",
    )
    full = pl.col("month_of_birth").is_not_null() & pl.col("day_of_birth").is_not_null()
    birth = pl.coalesce(
        pl.col("birth_datetime").dt.date(),
        pl.when(full).then(pl.date("year_of_birth", "month_of_birth", "day_of_birth")),
    )
    patients = p.select(
        pl.col("person_id").alias(ROW_COLUMN),
        "patient_id",
        "histology",
        pl.col("gender_concept_id")
        .replace_strict(_concept_map(c.sex), default=None, return_dtype=pl.String)
        .alias("sex"),
        birth.alias("birth_date"),
        pl.when(birth.is_null() & pl.col("treatment_start").is_not_null())
        .then((pl.col("treatment_start").dt.year() - pl.col("year_of_birth")).cast(pl.Float64))
        .alias("age_at_start_years"),
        "weight_kg",
        pl.col("ecog").cast(pl.Int64),
        "treatment_start",
        pl.lit(None, dtype=pl.Date).alias("randomized_on"),
        pl.col("end_date").alias("last_known_alive"),
        "death_date",
    )
    tables = {name: empty_table(name) for name in TABLES}
    tables["patients"] = patients
    tables["doses"] = il2.select(
        pl.col("drug_exposure_id").alias(ROW_COLUMN),
        "patient_id",
        "course",
        "cycle",
        "dose_number",
        pl.col("given_at").alias("scheduled_at"),
        pl.lit("given").alias("status"),
        "given_at",
        pl.col("quantity").alias("dose_iu"),
        pl.lit(None, pl.String).alias("hold_reason"),
    )
    tables["prior_therapies"] = _prior(raw, c, pid, start)
    tables["labs"] = _labs(meas, c, log)
    tables["lesions"], tables["measurements"] = _tumors(raw, meas, c, pid, log)
    if log.problems:
        raise StudyError(log.problems)
    typed = {n: _typed(f, n) for n, f in tables.items()}
    dates = [
        f.select(pl.col(col).cast(pl.Date).max()).item()
        for f in typed.values()
        for col, t in f.schema.items()
        if t == pl.Date or isinstance(t, pl.Datetime)
    ]
    latest = max((d for d in dates if d is not None), default=None)
    regimen = None
    if settings.regimen:
        from remission.protocol import resolve_regimen

        regimen = resolve_regimen(settings.regimen)
    config = StudyConfig(
        name=settings.name or c.name,
        cutoff_date=settings.cutoff or latest or dt.date.today(),
        histologies=tuple(c.histology),
        response_criteria=settings.response_criteria,  # type: ignore[arg-type]
        regimen=settings.regimen,
        synthetic=settings.synthetic,
        reference_date="treatment_start",
        description=f"Imported from OMOP CDM 5.4 (schema {log.schema}) by remission "
        f"{remission.__version__}; held IL-2 doses are not in OMOP and not in the ledger.",
    )
    return Study(config=config, tables=typed, regimen=regimen)


def _typed(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    template = empty_table(name)
    return frame.select(
        pl.col(ROW_COLUMN).cast(pl.Int64),
        *[
            (pl.col(col) if col in frame.columns else pl.lit(None)).cast(t).alias(col)
            for col, t in template.schema.items()
            if col != ROW_COLUMN
        ],
    ).sort(ROW_COLUMN)


def _il2(raw: dict[str, pl.DataFrame], c: CohortDefinition, log: _Log):
    """The given doses with course, cycle and dose number, and each person's treatment start.

    With the Oncology extension's treatment episodes, each dose's course and cycle are those of
    the cycle episode it is linked to and the treatment starts with the first cycle episode (so
    a first cycle whose doses were all held still counts); without them, at gaps.
    """
    drug = raw["drug"].filter(pl.col("drug_concept_id").is_in(list(c.il2)))
    episodes = raw["treatment"]
    if not episodes.height:
        doses = _doses(drug, c)
        start = doses.group_by("person_id").agg(
            pl.col("given_at").min().dt.date().alias("treatment_start")
        )
        return doses, start
    cycles = (
        episodes.filter(pl.col("concept").is_in(list(c.cycle_episodes)))
        .join(
            episodes.select(
                pl.col("episode_id").alias("parent_id"), pl.col("number").alias("course")
            ),
            on="parent_id",
            how="left",
        )
        .select("episode_id", pl.col("number").alias("cycle"), "course")
    )
    linked = drug.join(
        raw["drug_event"].join(cycles, on="episode_id"),
        left_on="drug_exposure_id",
        right_on="event_id",
        how="left",
    )
    log.rows(
        "drug_exposure",
        linked.filter(pl.col("cycle").is_null() | pl.col("course").is_null()),
        "drug_exposure_id",
        "drug_exposure_id",
        None,
        "an IL-2 dose linked to a treatment-cycle episode whose parent is a course episode",
        "link every dose in episode_event, or remove the treatment episodes to cut cycles at gaps",
    )
    at = pl.coalesce("start_datetime", pl.col("start_date").cast(pl.Datetime("us")))
    doses = linked.with_columns(at.alias("given_at")).sort(
        "person_id", "given_at", "drug_exposure_id"
    )
    doses = doses.with_columns(
        (pl.int_range(pl.len()).over("person_id", "course", "cycle") + 1)
        .cast(pl.Int64)
        .alias("dose_number")
    )
    start = episodes.group_by("person_id").agg(pl.col("start_date").min().alias("treatment_start"))
    return doses, start


def _doses(drug: pl.DataFrame, c: CohortDefinition) -> pl.DataFrame:
    """Given doses numbered into courses and cycles by the gaps between them."""
    at = pl.coalesce("start_datetime", pl.col("start_date").cast(pl.Datetime("us")))
    d = drug.with_columns(at.alias("given_at")).sort("person_id", "given_at", "drug_exposure_id")
    gap = (
        pl.col("given_at") - pl.col("given_at").shift(1).over("person_id")
    ).dt.total_seconds() / 3600
    new_course = gap.is_null() | (gap > c.course_gap_days * 24)
    new_cycle = new_course | (gap > c.cycle_gap_hours)
    d = d.with_columns(new_course.alias("_nc"), new_cycle.alias("_ny"))
    d = d.with_columns(pl.col("_nc").cast(pl.Int64).cum_sum().over("person_id").alias("course"))
    d = d.with_columns(
        pl.col("_ny").cast(pl.Int64).cum_sum().over("person_id", "course").alias("cycle")
    )
    return d.with_columns(
        (pl.int_range(pl.len()).over("person_id", "course", "cycle") + 1)
        .cast(pl.Int64)
        .alias("dose_number")
    )


def _baseline(meas: pl.DataFrame, c: CohortDefinition, start: pl.DataFrame) -> pl.DataFrame:
    """Weight and ECOG: the last value on or before the first dose, else the first after."""
    out = start.select("person_id")
    for key in ("weight_kg", "ecog"):
        rows = meas.filter(pl.col("concept").is_in(list(c.measurement[key]))).join(
            start, on="person_id"
        )
        before = pl.col("date") <= pl.col("treatment_start")
        chosen = (
            rows.sort("person_id", "date")
            .group_by("person_id")
            .agg(
                pl.coalesce(pl.col("value").filter(before).last(), pl.col("value").first()).alias(
                    key
                )
            )
        )
        out = out.join(chosen, on="person_id", how="left")
    return out


def _prior(
    raw: dict[str, pl.DataFrame], c: CohortDefinition, pid: pl.DataFrame, start: pl.DataFrame
) -> pl.DataFrame:
    category = _concept_map(c.prior_therapy)
    drugs = (
        raw["drug"]
        .filter(pl.col("drug_concept_id").is_in(list(category)))
        .select(
            pl.col("drug_exposure_id").alias(ROW_COLUMN),
            "person_id",
            pl.col("drug_concept_id").alias("concept"),
            pl.col("source_value").alias("therapy"),
            pl.col("end_date").alias("ended_on"),
        )
    )
    procedures = raw["procedure"].select(
        pl.col("procedure_occurrence_id").alias(ROW_COLUMN),
        "person_id",
        pl.col("procedure_concept_id").alias("concept"),
        pl.col("source_value").alias("therapy"),
        pl.col("procedure_date").alias("ended_on"),
    )
    both = (
        pl.concat([drugs, procedures])
        .join(pid, on="person_id")
        .join(start, on="person_id", how="left")
    )
    return both.filter(
        pl.col("treatment_start").is_null() | (pl.col("ended_on") <= pl.col("treatment_start"))
    ).select(
        ROW_COLUMN,
        "patient_id",
        pl.coalesce("therapy", pl.col("concept").cast(pl.String)).alias("therapy"),
        pl.col("concept").replace_strict(category, return_dtype=pl.String).alias("category"),
        "ended_on",
    )


def _labs(meas: pl.DataFrame, c: CohortDefinition, log: _Log) -> pl.DataFrame:
    labs = meas.filter(pl.col("concept").is_in(list(c.measurement["lymphocytes"])))
    unknown = labs.filter(~pl.col("unit").is_in(list(c.units)) | pl.col("unit").is_null())
    log.rows(
        "measurement",
        unknown,
        "measurement_id",
        "unit_concept_id",
        "unit",
        f"a unit concept of [units] ({', '.join(f'{k} = {v}' for k, v in c.units.items())})",
        "add the unit concept to [units] in the cohort file",
    )
    return labs.select(
        pl.col("measurement_id").alias(ROW_COLUMN),
        "patient_id",
        pl.coalesce("datetime", pl.col("date").cast(pl.Datetime("us"))).alias("drawn_at"),
        pl.lit("lymphocytes").alias("analyte"),
        "value",
        pl.col("unit").replace_strict(c.units, default=None, return_dtype=pl.String).alias("unit"),
    )


def _tumors(raw, meas, c, pid, log):
    ep = raw["episode"].join(pid, on="person_id")
    parts = ep["source_value"].fill_null("").str.split_exact("|", 2)
    ep = ep.with_columns(
        parts.struct.field("field_0").alias("lesion_id"),
        parts.struct.field("field_1").alias("organ"),
        parts.struct.field("field_2").alias("site"),
    )
    bad = ep.filter(
        ~pl.col("organ").is_in(list(ORGANS))
        | (pl.col("lesion_id") == "")
        | pl.col("site").is_null()
    )
    log.rows(
        "episode",
        bad,
        "episode_id",
        "episode_source_value",
        "source_value",
        "'lesion_id|organ|site' with an organ of the study format's list",
        "write the lesion's episode_source_value as e.g. 'T1|lung|right upper lobe'",
    )
    lesions = ep.select(
        pl.col("episode_id").alias(ROW_COLUMN),
        "patient_id",
        "lesion_id",
        "site",
        "organ",
        (pl.col("organ") == "lymph_node").alias("nodal"),
        pl.col("episode_concept_id").is_in(list(c.target)).alias("target"),
        pl.col("start_date").alias("first_seen_on"),
    )
    dim = {
        i: k for k in ("longest_mm", "perpendicular_mm", "short_axis_mm") for i in c.measurement[k]
    }
    linked = (
        raw["episode_event"]
        .join(
            meas.filter(pl.col("concept").is_in(list(dim))),
            left_on="event_id",
            right_on="measurement_id",
        )
        .join(ep.select("episode_id", "lesion_id"), on="episode_id")
        .with_columns(pl.col("concept").replace_strict(dim, return_dtype=pl.String).alias("dim"))
    )
    wide = linked.pivot(
        on="dim",
        index=["episode_id", "patient_id", "lesion_id", "date"],
        values="value",
        aggregate_function="first",
    )
    for key in ("longest_mm", "perpendicular_mm", "short_axis_mm"):
        if key not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(key))
    absent = pl.col("longest_mm") == 0
    measurements = wide.select(
        pl.col("episode_id").alias(ROW_COLUMN),
        "patient_id",
        "lesion_id",
        pl.col("date").alias("assessed_on"),
        *[
            pl.when(absent).then(None).otherwise(pl.col(k)).alias(k)
            for k in ("longest_mm", "perpendicular_mm", "short_axis_mm")
        ],
        pl.when(absent).then(pl.lit("absent")).otherwise(pl.lit("present")).alias("state"),
    ).sort("patient_id", "lesion_id", "assessed_on")
    return lesions, measurements


def _locate(problem: Problem, schema: str) -> Problem:
    """A study problem of an imported table, named by the OMOP table and id it came from."""
    table = problem.file.removesuffix(".csv")
    if table not in _ID_OF_TABLE:
        return problem
    omop, id_col = _ID_OF_TABLE[table]
    if problem.row is None:
        return replace(problem, file=f"{schema}.{omop} (as {table})")
    return replace(problem, file=f"{schema}.{omop} [{id_col} {problem.row}] (as {table})", row=None)
