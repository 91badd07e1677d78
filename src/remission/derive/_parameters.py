"""Parameters of derived BDS datasets, as data: code, label, unit, level and definition."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """One parameter (``PARAMCD``) of a derived dataset, documented once for code and docs.

    Parameters
    ----------
    paramcd : str
        The ``PARAMCD`` value (at most 8 characters, CDISC style).
    param : str
        The ``PARAM`` label; one label per ``PARAMCD`` across levels.
    unit : str or None
        The ``AVALU`` value; None for a flag.
    level : str
        Where the parameter is derived: ``"patient"``, ``"course"`` or ``"cycle"``.
    definition : str
        How ``AVAL`` (and ``AVALC``) are computed, in words.

    Examples
    --------
    >>> p = Parameter("NCYCLES", "Number of cycles", "cycles", "course", "Cycles with a dose.")
    >>> p.paramcd, p.unit
    ('NCYCLES', 'cycles')
    """

    paramcd: str
    param: str
    unit: str | None
    level: str
    definition: str
