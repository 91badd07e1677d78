"""remission: durable-response studies of cancer immunotherapy cohorts.

From raw records (doses, lesion measurements, labs, follow-up) to the answers of a
durable-response study. The packages follow the data flow of ``docs/architecture.md``:
``study`` -> ``derive`` -> ``analysis`` -> ``report``; ``protocol`` feeds validation and
simulation; ``simulate`` builds the synthetic demo study.

Examples
--------
>>> import remission
>>> remission.__version__.count(".") >= 1
True
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
