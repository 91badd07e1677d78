"""Derived datasets in CDISC ADaM style: tables in, tables out, independent across patients.

- ``derive_adex``: exposure from the dose ledger (doses, IU, IU/kg per cycle, course, patient).
- ``derive_adtr`` / ``tumor_assessments``: tumor burden and time-point responses from lesion
  measurements, by ``RECIST_1_1`` or ``WHO`` rules.
- ``derive_adrs``: overall responses and best response with confirmation (admiralonco's rules,
  ``ResponseRules``).
- ``derive_adtte``: OS, PFS, duration of response (RSD) and complete-response duration (CRDUR).
- ``derive_adlb``: lymphocyte counts harmonised to cells/uL and the rebound after each cycle.
- ``derive_adsl``: one row per patient for subject-level analyses.
- ``derive_study``: every dataset a study supports, in one call, as a ``DerivedDatasets``
  (typed fields, and a mapping by file stem) with the rule objects that computed them,
  deriving ``DEFAULT_PARTITION_SIZE`` patients at a time (``patient_partitions``).

Each ``derive_*`` takes the tables it reads and returns one table; ``derive_study``,
``overall_responses``, ``subject_dates`` and ``response_qc`` read them from a ``Study``.

Examples
--------
>>> import polars as pl
>>> from remission.derive import derive_study
>>> from remission.simulate import simulate_study
>>> frames = derive_study(simulate_study(n_patients=40, seed=1))
>>> sorted(frames)
['adex', 'adlb', 'adrs', 'adsl', 'adtr', 'adtte']
>>> frames["adrs"].filter(pl.col("PARAMCD") == "BOR").height
40
"""

from remission.derive._adex import ADEX_PARAMETERS, derive_adex
from remission.derive._adlb import ReboundWindows, derive_adlb, lymphocytes_per_ul
from remission.derive._adrs import (
    ANALYSED,
    AVAL_OF,
    WORST_FIRST,
    Confirmation,
    best_overall_response,
    confirmations,
    confirmed_best_overall_response,
    derive_adrs,
    response_dates,
    up_to_first_pd,
)
from remission.derive._adsl import ADSL_COLUMNS, derive_adsl
from remission.derive._adtte import EventSource, derive_adtte
from remission.derive._criteria import CRITERIA, RECIST_1_1, WHO, ResponseCriteria, ResponseRules
from remission.derive._parameters import Parameter
from remission.derive._parts import derive_parts
from remission.derive._rule import FirstMatch, Rule
from remission.derive._spark import SparkDerived, derive_spark
from remission.derive._spark_files import put_spark_file, spark_folder_entries, spark_path_exists
from remission.derive._spark_session import SparkUnavailableError, spark_session
from remission.derive._study import (
    DATASETS,
    DEFAULT_PARTITION_SIZE,
    DerivedDatasets,
    derive_study,
    overall_responses,
    patient_partitions,
    response_qc,
    response_source,
    study_criteria,
    subject_dates,
)
from remission.derive._tumor import (
    BASELINE,
    BURDEN,
    DISEASE_AFTER_CR,
    NEW_LESION,
    NEW_LESION_SEEN,
    NONTARGET_AFTER_CR,
    OVERALL_RESPONSE,
    TARGET_AFTER_CR,
    MissingShortAxisWarning,
    derive_adtr,
    lesion_progressed,
    node_size,
    nontarget_normal,
    nontarget_response,
    nontarget_shows_disease,
    reading_value,
    reference_dates,
    select_targets,
    target_gone,
    target_response,
    target_shows_disease,
    tumor_assessments,
)

__all__ = [
    "ADEX_PARAMETERS",
    "ADSL_COLUMNS",
    "ANALYSED",
    "AVAL_OF",
    "BASELINE",
    "BURDEN",
    "CRITERIA",
    "DATASETS",
    "DEFAULT_PARTITION_SIZE",
    "DISEASE_AFTER_CR",
    "NEW_LESION",
    "NEW_LESION_SEEN",
    "NONTARGET_AFTER_CR",
    "OVERALL_RESPONSE",
    "RECIST_1_1",
    "TARGET_AFTER_CR",
    "WHO",
    "WORST_FIRST",
    "Confirmation",
    "DerivedDatasets",
    "EventSource",
    "FirstMatch",
    "MissingShortAxisWarning",
    "Parameter",
    "ReboundWindows",
    "ResponseCriteria",
    "ResponseRules",
    "Rule",
    "SparkDerived",
    "SparkUnavailableError",
    "best_overall_response",
    "confirmations",
    "confirmed_best_overall_response",
    "derive_adex",
    "derive_adlb",
    "derive_adrs",
    "derive_adsl",
    "derive_adtr",
    "derive_adtte",
    "derive_parts",
    "derive_spark",
    "derive_study",
    "lesion_progressed",
    "lymphocytes_per_ul",
    "node_size",
    "nontarget_normal",
    "nontarget_response",
    "nontarget_shows_disease",
    "overall_responses",
    "patient_partitions",
    "put_spark_file",
    "reading_value",
    "reference_dates",
    "response_dates",
    "response_qc",
    "response_source",
    "select_targets",
    "spark_folder_entries",
    "spark_path_exists",
    "spark_session",
    "study_criteria",
    "subject_dates",
    "target_gone",
    "target_response",
    "target_shows_disease",
    "tumor_assessments",
    "up_to_first_pd",
]
