"""Statistics of a study: survival, follow-up, association and regression; one result type.

- ``Result``: every estimate and test (estimate, CI, statistic, p-value, method, n,
  ``to_frame()``, ``to_html()``).
- One calling convention: a DataFrame (polars or pandas) plus column names, as R's
  ``data =`` calls read - ``fisher_test(adsl, "PRIORIT", "CRFL")``,
  ``wilcoxon_test(adsl, value="C1DOSES", by="CRFL")``, ``kaplan_meier(adtte,
  duration="AVAL", event="EVENT", group="ARM")``, ``cox_regression(adtte, "AVAL", "EVENT",
  ["ARM"])``; arrays and count tables are still accepted and give the same numbers.
- Survival: ``kaplan_meier`` (R ``survfit`` intervals ``log``/``log-log``/``plain``, medians,
  landmarks; ``median_not_reached`` says why a median is missing), ``logrank_test``
  (stratified too), ``cox_regression``; ``event_observed`` is the one place CDISC ``CNSR``
  becomes an event indicator.
- What cannot be estimated (no events, one group, separation, a constant covariate) comes
  back as a ``Result`` whose ``not_estimable`` gives the reason, not as an exception.
- Follow-up: ``potential_followup``, ``reverse_km_followup``, ``duration_range``.
- Proportions: ``clopper_pearson`` (exact interval, as R's ``binom.test``).
- Association: ``fisher_test`` (2 x 2 with R's conditional odds ratio; Freeman-Halton r x c),
  ``chisq_test``, ``wilcoxon_test``, ``p_adjust`` (R's ``fisher.test``, ``chisq.test``,
  ``wilcox.test``, ``p.adjust``).
- Regression: ``logistic_regression`` (Wald and R's profile intervals, separation check),
  ``firth_regression`` (Firth's penalised likelihood, logistf's defaults).
- Tables: ``factor_table`` (predictors of an outcome, the 1998 paper's table) and
  ``table_one`` (patient characteristics by group), both over ``Factor`` descriptions.

Examples
--------
>>> from remission.analysis import kaplan_meier
>>> kaplan_meier([3, 5, 7, 9], [1, 0, 1, 1]).median()["median"].to_list()
[7.0]
>>> import polars as pl
>>> from remission.analysis import fisher_test
>>> df = pl.DataFrame({"prior": ["Y", "Y", "N", "N", "N"], "cr": [0, 0, 1, 1, 0]})
>>> fisher_test(df, "prior", "cr").p_value == fisher_test([[1, 2], [2, 0]]).p_value
True
"""

from remission.analysis._association import chisq_test, p_adjust, wilcoxon_test
from remission.analysis._compare import cox_regression, logrank_test
from remission.analysis._firth import firth_regression
from remission.analysis._fisher import fisher_test
from remission.analysis._followup import (
    duration_range,
    format_duration,
    potential_followup,
    reverse_km_followup,
)
from remission.analysis._km import KaplanMeier, event_observed, kaplan_meier, median_not_reached
from remission.analysis._proportion import clopper_pearson
from remission.analysis._regression import logistic_regression
from remission.analysis._result import Result, format_p, frame_to_html
from remission.analysis._tables import Factor, factor_table, table_one

__all__ = [
    "Factor",
    "KaplanMeier",
    "Result",
    "chisq_test",
    "clopper_pearson",
    "cox_regression",
    "duration_range",
    "event_observed",
    "factor_table",
    "firth_regression",
    "fisher_test",
    "format_duration",
    "format_p",
    "frame_to_html",
    "kaplan_meier",
    "logistic_regression",
    "logrank_test",
    "median_not_reached",
    "p_adjust",
    "potential_followup",
    "reverse_km_followup",
    "table_one",
    "wilcoxon_test",
]
