"""The OMOP cohort definition (TOML): which concept ids mean what, checked with located problems."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from remission.study import TABLES, Problem, StudyError

CATEGORIES = next(c.values for c in TABLES["prior_therapies"].columns if c.name == "category")
MEASUREMENTS = (
    "weight_kg",
    "ecog",
    "lymphocytes",
    "longest_mm",
    "perpendicular_mm",
    "short_axis_mm",
)
_SECTIONS = ("cohort", "sex", "histology", "il2", "prior_therapy", "measurement", "units", "lesion")


@dataclass(frozen=True)
class CohortDefinition:
    """The concept ids of an OMOP cohort, by meaning.

    Parameters
    ----------
    name : str
        The study name.
    patient_id : str
        ``person_source_value`` or ``person_id``: the column giving ``patient_id``.
    sex : dict of str to tuple of int
        ``F``/``M`` -> gender concept ids.
    histology : dict of str to tuple of int
        Histology -> condition concept ids.
    il2 : tuple of int
        IL-2 drug concept ids.
    cycle_gap_hours, course_gap_days : float
        Gaps that start a new cycle and a new course.
    prior_therapy : dict of str to tuple of int
        Category -> drug or procedure concept ids.
    measurement : dict of str to tuple of int
        ``weight_kg``, ``ecog``, ``lymphocytes``, ``longest_mm``, ``perpendicular_mm``,
        ``short_axis_mm`` -> measurement concept ids.
    units : dict of int to str
        Unit concept id -> unit text.
    target, non_target : tuple of int
        Lesion episode concept ids.
    measurement_field_concept_id : int
        ``episode_event.episode_event_field_concept_id`` of a measurement.
    course_episodes, cycle_episodes : tuple of int
        Episode concept ids of IL-2 courses and cycles (Oncology extension).
    drug_field_concept_id : int
        ``episode_event_field_concept_id`` linking a cycle to a drug exposure.

    Examples
    --------
    >>> default_cohort().sex["M"]
    (8507,)
    """

    name: str
    patient_id: str
    sex: dict[str, tuple[int, ...]]
    histology: dict[str, tuple[int, ...]]
    il2: tuple[int, ...]
    cycle_gap_hours: float
    course_gap_days: float
    prior_therapy: dict[str, tuple[int, ...]]
    measurement: dict[str, tuple[int, ...]]
    units: dict[int, str]
    target: tuple[int, ...]
    non_target: tuple[int, ...]
    measurement_field_concept_id: int
    course_episodes: tuple[int, ...] = ()
    cycle_episodes: tuple[int, ...] = ()
    drug_field_concept_id: int = 0


class _Reader:
    def __init__(self, file: str, data: dict):
        self.file, self.data, self.problems = file, data, []

    def bad(self, key: str, value: object, expected: str, fix: str) -> None:
        shown = None if value is None else str(value)
        self.problems.append(
            Problem("error", "omop.cohort", self.file, None, key, shown, expected, fix)
        )

    def table(self, name: str) -> dict:
        value = self.data.get(name)
        if not isinstance(value, dict):
            self.bad(name, None, f"a [{name}] table", "copy it from the example cohort file")
            return {}
        return value

    def ids(self, key: str, value: object) -> tuple[int, ...]:
        if isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value
        ):
            return tuple(value)
        self.bad(key, value, "a list of concept ids (whole numbers > 0)", "write e.g. [8507]")
        return ()

    def number(self, key: str, value: object, default: float) -> float:
        if value is None:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        self.bad(key, value, "a number > 0", "write e.g. 72")
        return default


def read_cohort_definition(path: str | Path) -> CohortDefinition:
    """Read and check an OMOP cohort definition.

    Parameters
    ----------
    path : str or pathlib.Path
        The TOML file (see ``docs/sources.md`` and the bundled ``omop_cohort.toml``).

    Returns
    -------
    CohortDefinition
        The concept ids by meaning.

    Raises
    ------
    StudyError
        Every problem of the file (setting, value, what was expected, a fix).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "cohort.toml"
    >>> _ = path.write_text("[cohort]\\nname = 'x'\\n")
    >>> try:
    ...     read_cohort_definition(path)
    ... except StudyError as err:
    ...     print(err.problems[0].render())  # doctest: +NORMALIZE_WHITESPACE
    error: cohort.toml, setting sex: expected a [sex] table;
    fix: copy it from the example cohort file
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StudyError([
            Problem("error", "omop.cohort_missing", str(path), None, None, None,
                    "the cohort definition (TOML)", "give the path of the cohort file")
        ]) from None  # fmt: skip
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise StudyError([
            Problem("error", "omop.cohort", path.name, None, None, None, "a TOML file",
                    f"fix the file: {exc}")
        ]) from None  # fmt: skip
    return _parse(_Reader(path.name, data))


def _parse(r: _Reader) -> CohortDefinition:
    for key in r.data:
        if key not in _SECTIONS:
            r.bad(key, None, f"one of the tables {', '.join(_SECTIONS)}", "remove or rename it")
    cohort, sex, histology = r.table("cohort"), r.table("sex"), r.table("histology")
    il2, prior, meas = r.table("il2"), r.table("prior_therapy"), r.table("measurement")
    units, lesion = r.table("units"), r.table("lesion")
    patient_id = cohort.get("patient_id", "person_source_value")
    if patient_id not in ("person_source_value", "person_id"):
        r.bad("cohort.patient_id", patient_id, "person_source_value or person_id", "choose one")
    for code in sex:
        if code not in ("F", "M"):
            r.bad(f"sex.{code}", None, "F or M", "the study format knows F and M")
    for key in prior:
        if key not in CATEGORIES:
            r.bad(f"prior_therapy.{key}", None, f"one of {', '.join(CATEGORIES)}", "rename it")
    for key in MEASUREMENTS:
        if key not in meas:
            r.bad(f"measurement.{key}", None, "a list of concept ids", "add it (may be [])")
    unit_map: dict[int, str] = {}
    for key, value in units.items():
        if not key.isdigit() or not isinstance(value, str):
            r.bad(f"units.{key}", value, "a unit concept id = unit text", 'write 8647 = "cells/uL"')
        else:
            unit_map[int(key)] = value
    field = lesion.get("measurement_field_concept_id")
    if not isinstance(field, int) or isinstance(field, bool):
        r.bad("lesion.measurement_field_concept_id", field, "a concept id", "add it")
        field = 0
    definition = CohortDefinition(
        name=str(cohort.get("name", "OMOP cohort")),
        patient_id=patient_id,
        sex={k: r.ids(f"sex.{k}", v) for k, v in sex.items()},
        histology={k: r.ids(f"histology.{k}", v) for k, v in histology.items()},
        il2=r.ids("il2.drug_concept_ids", il2.get("drug_concept_ids")),
        cycle_gap_hours=r.number("il2.cycle_gap_hours", il2.get("cycle_gap_hours"), 72),
        course_gap_days=r.number("il2.course_gap_days", il2.get("course_gap_days"), 28),
        prior_therapy={k: r.ids(f"prior_therapy.{k}", v) for k, v in prior.items()},
        measurement={k: r.ids(f"measurement.{k}", meas.get(k, [])) for k in MEASUREMENTS},
        units=unit_map,
        target=r.ids("lesion.target", lesion.get("target")),
        non_target=r.ids("lesion.non_target", lesion.get("non_target")),
        measurement_field_concept_id=field,
        course_episodes=r.ids(
            "il2.course_episode_concept_ids", il2.get("course_episode_concept_ids", [])
        ),
        cycle_episodes=r.ids(
            "il2.cycle_episode_concept_ids", il2.get("cycle_episode_concept_ids", [])
        ),
        drug_field_concept_id=int(
            r.number("il2.drug_field_concept_id", il2.get("drug_field_concept_id"), 1)
        ),
    )
    if not histology and not r.problems:
        r.bad("histology", None, "at least one histology", "name the cohort's histologies")
    if r.problems:
        raise StudyError(r.problems)
    return definition


def default_cohort() -> CohortDefinition:
    """The bundled example cohort definition (``omop_cohort.toml``), which the simulator uses.

    Returns
    -------
    CohortDefinition
        Its concept ids.

    Examples
    --------
    >>> sorted(default_cohort().histology)
    ['melanoma', 'renal']
    """
    text = resources.files("remission.sources").joinpath("omop_cohort.toml").read_text("utf-8")
    return _parse(_Reader("omop_cohort.toml", tomllib.loads(text)))


def default_cohort_text() -> str:
    """The bundled example cohort definition as text (to copy and edit).

    Returns
    -------
    str
        The TOML.

    Examples
    --------
    >>> default_cohort_text().startswith("# remission OMOP cohort definition")
    True
    """
    return resources.files("remission.sources").joinpath("omop_cohort.toml").read_text("utf-8")
