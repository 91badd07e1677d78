"""Derived datasets in CDISC ADaM style: tables in, tables out, independent across patients.

``derive_adex`` turns the dose ledger into ADEX (exposure): doses given and held, IU and IU/kg
per cycle, course and patient. Every parameter is documented in ``ADEX_PARAMETERS``.

Examples
--------
>>> import polars as pl
>>> from remission.derive import derive_adex
>>> from remission.protocol import get_regimen
>>> from remission.simulate import simulate_study
>>> study = simulate_study(n_patients=40, seed=1)
>>> adex = derive_adex(study, get_regimen("nci-hd-il2-720k").max_doses_per_cycle)
>>> sorted(adex.filter(pl.col("COURSE").is_null())["PARAMCD"].unique())
['C1DOSES', 'C1IUKG', 'DOSGIVN', 'DOSHELD', 'NCOURSES', 'TOTIU', 'TOTIUKG']
"""

from remission.derive._adex import ADEX_PARAMETERS, derive_adex
from remission.derive._parameters import Parameter

__all__ = ["ADEX_PARAMETERS", "Parameter", "derive_adex"]
