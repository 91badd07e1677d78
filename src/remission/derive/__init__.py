"""Derived datasets in CDISC ADaM style: tables in, tables out, independent across patients.

- ``derive_adex``: exposure from the dose ledger (doses, IU, IU/kg per cycle, course, patient).
- ``derive_adtr`` / ``tumor_assessments``: tumor burden and time-point responses from lesion
  measurements, by ``RECIST_1_1`` or ``WHO`` rules.
- ``derive_adrs``: overall responses and best response with confirmation (admiralonco's rules,
  ``ResponseRules``).
- ``derive_adtte``: OS, PFS, duration of response (RSD) and complete-response duration (CRDUR).
- ``derive_study``: every dataset a study supports, in one call.

Examples
--------
>>> import polars as pl
>>> from remission.derive import derive_study
>>> from remission.simulate import simulate_study
>>> frames = derive_study(simulate_study(n_patients=40, seed=1))
>>> sorted(frames)
['adex', 'adrs', 'adtr', 'adtte']
>>> frames["adrs"].filter(pl.col("PARAMCD") == "BOR").height
40
"""

from remission.derive._adex import ADEX_PARAMETERS, derive_adex
from remission.derive._adrs import AVAL_OF, ResponseRules, derive_adrs
from remission.derive._adtte import EventSource, derive_adtte
from remission.derive._criteria import CRITERIA, RECIST_1_1, WHO, ResponseCriteria
from remission.derive._parameters import Parameter
from remission.derive._study import (
    derive_study,
    overall_responses,
    response_qc,
    response_source,
    study_criteria,
    subject_dates,
)
from remission.derive._tumor import derive_adtr, reference_dates, select_targets, tumor_assessments

__all__ = [
    "ADEX_PARAMETERS",
    "AVAL_OF",
    "CRITERIA",
    "RECIST_1_1",
    "WHO",
    "EventSource",
    "Parameter",
    "ResponseCriteria",
    "ResponseRules",
    "derive_adex",
    "derive_adrs",
    "derive_adtr",
    "derive_adtte",
    "derive_study",
    "overall_responses",
    "reference_dates",
    "response_qc",
    "response_source",
    "select_targets",
    "study_criteria",
    "subject_dates",
    "tumor_assessments",
]
