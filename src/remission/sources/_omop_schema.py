"""The OMOP CDM 5.4 tables remission reads, as PostgreSQL DDL (OHDSI's column names and types).

Only the tables and columns of the official CDM 5.4 PostgreSQL DDL that the importer reads and
the simulator writes: person, observation_period, death, condition_occurrence, drug_exposure,
procedure_occurrence, measurement, and the Oncology extension's episode and episode_event.
"""

from __future__ import annotations

CDM_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "person": (
        ("person_id", "integer NOT NULL"),
        ("gender_concept_id", "integer NOT NULL"),
        ("year_of_birth", "integer NOT NULL"),
        ("month_of_birth", "integer NULL"),
        ("day_of_birth", "integer NULL"),
        ("birth_datetime", "TIMESTAMP NULL"),
        ("race_concept_id", "integer NOT NULL"),
        ("ethnicity_concept_id", "integer NOT NULL"),
        ("person_source_value", "varchar(50) NULL"),
        ("gender_source_value", "varchar(50) NULL"),
    ),
    "observation_period": (
        ("observation_period_id", "integer NOT NULL"),
        ("person_id", "integer NOT NULL"),
        ("observation_period_start_date", "date NOT NULL"),
        ("observation_period_end_date", "date NOT NULL"),
        ("period_type_concept_id", "integer NOT NULL"),
    ),
    "death": (
        ("person_id", "integer NOT NULL"),
        ("death_date", "date NOT NULL"),
        ("death_datetime", "TIMESTAMP NULL"),
        ("death_type_concept_id", "integer NULL"),
    ),
    "condition_occurrence": (
        ("condition_occurrence_id", "integer NOT NULL"),
        ("person_id", "integer NOT NULL"),
        ("condition_concept_id", "integer NOT NULL"),
        ("condition_start_date", "date NOT NULL"),
        ("condition_type_concept_id", "integer NOT NULL"),
        ("condition_source_value", "varchar(50) NULL"),
    ),
    "drug_exposure": (
        ("drug_exposure_id", "integer NOT NULL"),
        ("person_id", "integer NOT NULL"),
        ("drug_concept_id", "integer NOT NULL"),
        ("drug_exposure_start_date", "date NOT NULL"),
        ("drug_exposure_start_datetime", "TIMESTAMP NULL"),
        ("drug_exposure_end_date", "date NOT NULL"),
        ("drug_type_concept_id", "integer NOT NULL"),
        ("quantity", "NUMERIC NULL"),
        ("drug_source_value", "varchar(50) NULL"),
    ),
    "procedure_occurrence": (
        ("procedure_occurrence_id", "integer NOT NULL"),
        ("person_id", "integer NOT NULL"),
        ("procedure_concept_id", "integer NOT NULL"),
        ("procedure_date", "date NOT NULL"),
        ("procedure_type_concept_id", "integer NOT NULL"),
        ("procedure_source_value", "varchar(50) NULL"),
    ),
    "measurement": (
        ("measurement_id", "integer NOT NULL"),
        ("person_id", "integer NOT NULL"),
        ("measurement_concept_id", "integer NOT NULL"),
        ("measurement_date", "date NOT NULL"),
        ("measurement_datetime", "TIMESTAMP NULL"),
        ("measurement_type_concept_id", "integer NOT NULL"),
        ("value_as_number", "NUMERIC NULL"),
        ("unit_concept_id", "integer NULL"),
        ("measurement_source_value", "varchar(50) NULL"),
    ),
    "episode": (
        ("episode_id", "bigint NOT NULL"),
        ("person_id", "bigint NOT NULL"),
        ("episode_concept_id", "integer NOT NULL"),
        ("episode_start_date", "date NOT NULL"),
        ("episode_end_date", "date NULL"),
        ("episode_parent_id", "bigint NULL"),
        ("episode_number", "integer NULL"),
        ("episode_object_concept_id", "integer NOT NULL"),
        ("episode_type_concept_id", "integer NOT NULL"),
        ("episode_source_value", "varchar(50) NULL"),
    ),
    "episode_event": (
        ("episode_id", "bigint NOT NULL"),
        ("event_id", "bigint NOT NULL"),
        ("episode_event_field_concept_id", "integer NOT NULL"),
    ),
}
"""Table -> (column, PostgreSQL type) in CDM 5.4 order (the columns remission uses)."""

REQUIRED_TABLES = ("person", "observation_period", "death", "drug_exposure", "measurement")
"""Tables the import needs; the others (conditions, procedures, episodes) may be absent."""


def create_table_sql(schema: str, table: str) -> str:
    """``CREATE TABLE`` for one CDM table in ``schema``.

    Parameters
    ----------
    schema : str
        The schema (e.g. ``cdm``).
    table : str
        A key of ``CDM_TABLES``.

    Returns
    -------
    str
        The statement.

    Examples
    --------
    >>> create_table_sql("cdm", "death").splitlines()[0]
    'CREATE TABLE cdm.death ('
    """
    columns = ",\n".join(f"    {name} {kind}" for name, kind in CDM_TABLES[table])
    return f"CREATE TABLE {schema}.{table} (\n{columns}\n)"
