"""A study as OMOP CDM 5.4 tables, loaded into PostgreSQL: the simulator's way into OMOP.

The inverse of ``read_omop`` under a cohort definition: every record goes where the cohort
definition's first concept id of its meaning says. OMOP records what happened, so held doses
(which did not happen) and the dose schedule are not written; see docs/sources.md.
"""

from __future__ import annotations

import polars as pl

from remission.sources._omop_cohort import CohortDefinition
from remission.sources._omop_schema import CDM_TABLES, create_table_sql
from remission.study import Study

EHR = 32817
"""Type concept "EHR" for every record written."""
PROCEDURES = ("surgery", "radiotherapy")
"""Prior-therapy categories written as procedures; the others as drug exposures."""


def _first(ids: tuple[int, ...], what: str) -> int:
    if not ids:
        raise ValueError(f"the cohort definition has no concept id for {what}")
    return ids[0]


def _ids(frame: pl.DataFrame, name: str, start: int = 1) -> pl.DataFrame:
    return frame.with_row_index(name, offset=start).with_columns(pl.col(name).cast(pl.Int64))


def omop_tables(study: Study, cohort: CohortDefinition) -> dict[str, pl.DataFrame]:
    """The study as OMOP CDM tables (``CDM_TABLES``' columns), ids numbered from 1.

    Parameters
    ----------
    study : Study
        The study (e.g. simulated).
    cohort : CohortDefinition
        Which concept ids to write.

    Returns
    -------
    dict of str to polars.DataFrame
        One frame per CDM table.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> from remission.sources._omop_cohort import default_cohort
    >>> tables = omop_tables(simulate_study(20, seed=1), default_cohort())
    >>> tables["person"].height, tables["episode"].height > 0
    (20, True)
    """
    p = _ids(study.table("patients"), "person_id")
    person_of = p.select("patient_id", "person_id")
    sex = {code: _first(ids, f"sex {code}") for code, ids in cohort.sex.items()}
    histology = {h: _first(ids, f"histology {h}") for h, ids in cohort.histology.items()}
    birth = pl.col("birth_date")
    person = p.select(
        "person_id",
        pl.col("sex")
        .replace_strict(sex, default=0, return_dtype=pl.Int64)
        .alias("gender_concept_id"),
        pl.coalesce(
            birth.dt.year(),
            (pl.col("treatment_start").dt.year() - pl.col("age_at_start_years").floor()).cast(
                pl.Int32
            ),
        ).alias("year_of_birth"),
        birth.dt.month().alias("month_of_birth"),
        birth.dt.day().alias("day_of_birth"),
        birth.cast(pl.Datetime("us")).alias("birth_datetime"),
        pl.lit(0).alias("race_concept_id"),
        pl.lit(0).alias("ethnicity_concept_id"),
        pl.col("patient_id").alias("person_source_value"),
        pl.col("sex").alias("gender_source_value"),
    )
    lesions = study.table("lesions").join(person_of, on="patient_id")
    labs = study.table("labs").join(person_of, on="patient_id")
    prior = study.table("prior_therapies").join(person_of, on="patient_id")
    first = (
        pl.concat(
            [
                p.select("person_id", pl.col("treatment_start").alias("d")),
                lesions.select("person_id", pl.col("first_seen_on").alias("d")),
                prior.select("person_id", pl.col("ended_on").alias("d")),
                labs.select("person_id", pl.col("drawn_at").dt.date().alias("d")),
            ]
        )
        .group_by("person_id")
        .agg(pl.col("d").min())
    )
    period = _ids(
        p.join(first, on="person_id", how="left")
        .filter(pl.col("last_known_alive").is_not_null())
        .select(
            "person_id",
            pl.min_horizontal("d", "last_known_alive").alias("observation_period_start_date"),
            pl.col("last_known_alive").alias("observation_period_end_date"),
            pl.lit(EHR).alias("period_type_concept_id"),
        ),
        "observation_period_id",
    )
    death = p.filter(pl.col("death_date").is_not_null()).select(
        "person_id",
        "death_date",
        pl.col("death_date").cast(pl.Datetime("us")).alias("death_datetime"),
        pl.lit(EHR).alias("death_type_concept_id"),
    )
    condition = _ids(
        p.select(
            "person_id",
            pl.col("histology")
            .replace_strict(histology, return_dtype=pl.Int64)
            .alias("condition_concept_id"),
            pl.coalesce("treatment_start", first["d"].min()).alias("condition_start_date"),
            pl.lit(EHR).alias("condition_type_concept_id"),
            pl.col("histology").alias("condition_source_value"),
        ),
        "condition_occurrence_id",
    )
    drugs, procedures = _exposures(study, cohort, person_of, prior)
    measurement, episode, episode_event = _measurements(study, cohort, p, person_of, labs, lesions)
    if cohort.course_episodes and cohort.cycle_episodes:
        treatment, links = _treatment_episodes(study, cohort, person_of, drugs, episode.height)
        episode = pl.concat([episode, treatment], how="vertical_relaxed")
        episode_event = pl.concat([episode_event, links], how="vertical_relaxed")
    tables = {
        "person": person,
        "observation_period": period,
        "death": death,
        "condition_occurrence": condition,
        "drug_exposure": drugs,
        "procedure_occurrence": procedures,
        "measurement": measurement,
        "episode": episode,
        "episode_event": episode_event,
    }
    return {name: tables[name].select([c for c, _ in CDM_TABLES[name]]) for name in CDM_TABLES}


def _exposures(study, cohort, person_of, prior):
    il2 = _first(cohort.il2, "IL-2")
    given = (
        study.table("doses").filter(pl.col("status") == "given").join(person_of, on="patient_id")
    )
    doses = given.sort("person_id", "given_at").select(
        "person_id",
        pl.lit(il2).alias("drug_concept_id"),
        pl.col("given_at").dt.date().alias("drug_exposure_start_date"),
        pl.col("given_at").alias("drug_exposure_start_datetime"),
        pl.col("given_at").dt.date().alias("drug_exposure_end_date"),
        pl.lit(EHR).alias("drug_type_concept_id"),
        pl.col("dose_iu").alias("quantity"),
        pl.lit("aldesleukin").alias("drug_source_value"),
        pl.col("course").alias("_course"),
        pl.col("cycle").alias("_cycle"),
    )
    concept = {c: ids[0] for c, ids in cohort.prior_therapy.items() if ids}
    known = prior.filter(pl.col("category").is_in(list(concept)))
    if known.height < prior.height:
        missing = sorted(set(prior["category"]) - set(concept))
        raise ValueError(f"the cohort definition has no concept id for {', '.join(missing)}")
    code = pl.col("category").replace_strict(concept, return_dtype=pl.Int64)
    prior_drugs = known.filter(~pl.col("category").is_in(PROCEDURES)).select(
        "person_id",
        code.alias("drug_concept_id"),
        pl.col("ended_on").alias("drug_exposure_start_date"),
        pl.col("ended_on").cast(pl.Datetime("us")).alias("drug_exposure_start_datetime"),
        pl.col("ended_on").alias("drug_exposure_end_date"),
        pl.lit(EHR).alias("drug_type_concept_id"),
        pl.lit(None, dtype=pl.Float64).alias("quantity"),
        pl.col("therapy").alias("drug_source_value"),
        pl.lit(None, pl.Int64).alias("_course"),
        pl.lit(None, pl.Int64).alias("_cycle"),
    )
    drugs = _ids(pl.concat([doses, prior_drugs], how="vertical_relaxed"), "drug_exposure_id")
    procedures = _ids(
        known.filter(pl.col("category").is_in(PROCEDURES)).select(
            "person_id",
            code.alias("procedure_concept_id"),
            pl.col("ended_on").alias("procedure_date"),
            pl.lit(EHR).alias("procedure_type_concept_id"),
            pl.col("therapy").alias("procedure_source_value"),
        ),
        "procedure_occurrence_id",
    )
    return drugs, procedures


def _treatment_episodes(study, cohort, person_of, drugs, offset):
    """Oncology extension: a "Treatment Regimen" episode per course, a "Treatment Cycle" per cycle.

    Their start dates are the first *scheduled* dose, so a cycle whose doses were all held keeps
    its date; each given dose is linked to its cycle in episode_event.
    """
    doses = study.table("doses").join(person_of, on="patient_id")
    courses = (
        doses.group_by("person_id", "course")
        .agg(
            pl.col("scheduled_at").min().dt.date().alias("episode_start_date"),
            pl.col("scheduled_at").max().dt.date().alias("episode_end_date"),
        )
        .sort("person_id", "course")
    )
    courses = _ids(courses, "episode_id", offset + 1)
    cycles = (
        doses.group_by("person_id", "course", "cycle")
        .agg(
            pl.col("scheduled_at").min().dt.date().alias("episode_start_date"),
            pl.col("scheduled_at").max().dt.date().alias("episode_end_date"),
        )
        .sort("person_id", "course", "cycle")
    )
    cycles = _ids(cycles, "episode_id", offset + courses.height + 1).join(
        courses.select("person_id", "course", pl.col("episode_id").alias("episode_parent_id")),
        on=["person_id", "course"],
    )

    def rows(frame, concept, number, parent):
        return frame.select(
            "episode_id",
            "person_id",
            pl.lit(concept).alias("episode_concept_id"),
            "episode_start_date",
            "episode_end_date",
            parent.alias("episode_parent_id"),
            pl.col(number).alias("episode_number"),
            pl.lit(_first(cohort.il2, "IL-2")).alias("episode_object_concept_id"),
            pl.lit(EHR).alias("episode_type_concept_id"),
            pl.lit(f"IL-2 {number}").alias("episode_source_value"),
        )

    episodes = pl.concat(
        [
            rows(courses, cohort.course_episodes[0], "course", pl.lit(None, pl.Int64)),
            rows(cycles, cohort.cycle_episodes[0], "cycle", pl.col("episode_parent_id")),
        ]
    )
    links = (
        drugs.filter(pl.col("_cycle").is_not_null())
        .join(
            cycles.select(
                "person_id",
                pl.col("course").alias("_course"),
                pl.col("cycle").alias("_cycle"),
                "episode_id",
            ),
            on=["person_id", "_course", "_cycle"],
        )
        .select(
            "episode_id",
            pl.col("drug_exposure_id").alias("event_id"),
            pl.lit(cohort.drug_field_concept_id).alias("episode_event_field_concept_id"),
        )
    )
    return episodes, links


def _measurements(study, cohort, p, person_of, labs, lesions):
    m = {k: ids[0] for k, ids in cohort.measurement.items() if ids}
    unit_of = {text: concept for concept, text in cohort.units.items()}

    def rows(frame, concept, date, value, unit, source):
        return frame.select(
            "person_id",
            pl.lit(concept, dtype=pl.Int64).alias("measurement_concept_id"),
            date.cast(pl.Date).alias("measurement_date"),
            date.cast(pl.Datetime("us")).alias("measurement_datetime"),
            pl.lit(EHR).alias("measurement_type_concept_id"),
            value.cast(pl.Float64).alias("value_as_number"),
            unit.alias("unit_concept_id"),
            pl.lit(source).alias("measurement_source_value"),
            *(
                [pl.col("_lesion")]
                if "_lesion" in frame.columns
                else [pl.lit(None, pl.Int64).alias("_lesion")]
            ),
        )

    start = pl.col("treatment_start")
    parts = [
        rows(
            p.filter(pl.col("weight_kg").is_not_null()),
            m["weight_kg"],
            start,
            pl.col("weight_kg"),
            pl.lit(unit_of["kg"], pl.Int64),
            "weight_kg",
        ),
        rows(
            p.filter(pl.col("ecog").is_not_null()),
            m["ecog"],
            start,
            pl.col("ecog"),
            pl.lit(None, pl.Int64),
            "ecog",
        ),
        rows(
            labs.filter(pl.col("analyte") == "lymphocytes"),
            m["lymphocytes"],
            pl.col("drawn_at"),
            pl.col("value"),
            pl.col("unit").replace_strict(unit_of, return_dtype=pl.Int64),
            "lymphocytes",
        ),
    ]
    les = _ids(lesions, "_lesion")
    meas = study.table("measurements").join(
        les.select("patient_id", "lesion_id", "_lesion", "person_id"),
        on=["patient_id", "lesion_id"],
    )
    mm = pl.lit(unit_of["mm"], pl.Int64)
    absent = pl.col("state") == "absent"
    for key in ("longest_mm", "perpendicular_mm", "short_axis_mm"):
        value = (
            pl.when(absent).then(0.0).otherwise(pl.col(key)) if key == "longest_mm" else pl.col(key)
        )
        # every assessment has a longest-diameter row (null: seen without a size; 0: absent)
        keep = meas.filter(value.is_not_null()) if key != "longest_mm" else meas
        parts.append(rows(keep, m[key], pl.col("assessed_on"), value, mm, key))
    measurement = _ids(pl.concat(parts, how="vertical_relaxed"), "measurement_id")
    target, non_target = (
        _first(cohort.target, "target lesions"),
        _first(cohort.non_target, "non-target lesions"),
    )
    episode = les.select(
        pl.col("_lesion").alias("episode_id"),
        "person_id",
        pl.when(pl.col("target")).then(target).otherwise(non_target).alias("episode_concept_id"),
        pl.col("first_seen_on").alias("episode_start_date"),
        pl.lit(None, dtype=pl.Date).alias("episode_end_date"),
        pl.lit(None, dtype=pl.Int64).alias("episode_parent_id"),
        pl.lit(None, dtype=pl.Int64).alias("episode_number"),
        pl.lit(0).alias("episode_object_concept_id"),
        pl.lit(EHR).alias("episode_type_concept_id"),
        pl.concat_str("lesion_id", "organ", "site", separator="|").alias("episode_source_value"),
    )
    episode_event = measurement.filter(pl.col("_lesion").is_not_null()).select(
        pl.col("_lesion").alias("episode_id"),
        pl.col("measurement_id").alias("event_id"),
        pl.lit(cohort.measurement_field_concept_id).alias("episode_event_field_concept_id"),
    )
    return measurement, episode, episode_event


def load_omop(tables: dict[str, pl.DataFrame], url: str, schema: str = "cdm") -> None:
    """Create ``schema`` and its CDM tables in a PostgreSQL database and load ``tables``.

    The schema must not exist yet (nothing is replaced); the tables are copied with
    PostgreSQL's ``COPY`` in one transaction, so a failure leaves no half-loaded schema.

    Parameters
    ----------
    tables : dict of str to polars.DataFrame
        From ``omop_tables``.
    url : str
        SQLAlchemy URL of the database (``postgresql+psycopg://user@host/db``).
    schema : str
        The schema to create.

    Raises
    ------
    ValueError
        When the schema exists or the database cannot be reached (the message never holds a
        password).

    Examples
    --------
    >>> load_omop({}, "postgresql+psycopg://nobody@/x?host=/nonexistent")
    Traceback (most recent call last):
    ...
    ValueError: cannot connect to postgresql+psycopg://nobody@/x?host=/nonexistent: ...
    """
    from remission.sources._omop_db import connect, quoted

    with connect(url) as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        with raw.cursor() as cur:
            cur.execute(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (schema,)
            )
            if cur.fetchone():
                raise ValueError(
                    f"schema {schema!r} already exists in the database: remission loads a new "
                    "schema only (choose another --schema, or drop it yourself)"
                )
            cur.execute(f"CREATE SCHEMA {quoted(schema)}")
            for name in CDM_TABLES:
                cur.execute(create_table_sql(quoted(schema), name))
                frame = tables.get(name)
                if frame is None or not frame.height:
                    continue
                columns = ", ".join(frame.columns)
                data = frame.write_csv(datetime_format="%Y-%m-%d %H:%M:%S", date_format="%Y-%m-%d")
                target = f"{quoted(schema)}.{name} ({columns})"
                sql = f"COPY {target} FROM STDIN WITH (FORMAT csv, HEADER true)"
                with cur.copy(sql) as copy:
                    copy.write(data.encode())
        raw.commit()
