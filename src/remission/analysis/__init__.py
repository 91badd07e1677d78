"""Statistics of a study: survival, follow-up, association and regression; one result type.

- ``Result``: every estimate and test (estimate, CI, statistic, p-value, method, n,
  ``to_frame()``, ``to_html()``).
- Survival: ``kaplan_meier`` (R ``survfit`` intervals ``log``/``log-log``/``plain``, medians,
  landmarks), ``logrank_test`` (stratified too), ``cox_regression``; ``event_observed`` is the
  one place CDISC ``CNSR`` becomes an event indicator.
- Follow-up: ``potential_followup``, ``reverse_km_followup``, ``duration_range``.

Examples
--------
>>> from remission.analysis import kaplan_meier
>>> kaplan_meier([3, 5, 7, 9], [1, 0, 1, 1]).median()["median"].to_list()
[7.0]
"""

from remission.analysis._compare import cox_regression, logrank_test
from remission.analysis._followup import (
    duration_range,
    format_duration,
    potential_followup,
    reverse_km_followup,
)
from remission.analysis._km import KaplanMeier, event_observed, kaplan_meier
from remission.analysis._result import Result, format_p, frame_to_html

__all__ = [
    "KaplanMeier",
    "Result",
    "cox_regression",
    "duration_range",
    "event_observed",
    "format_duration",
    "format_p",
    "frame_to_html",
    "kaplan_meier",
    "logrank_test",
    "potential_followup",
    "reverse_km_followup",
]
