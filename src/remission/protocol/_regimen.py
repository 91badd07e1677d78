"""Treatment regimens as data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Regimen:
    """A high-dose IL-2 regimen: the facts the ledger, the calculator and the simulator use.

    Parameters
    ----------
    name : str
        Identifier used in ``study.toml`` (e.g. ``"nci-hd-il2-720k"``).
    title : str
        Human-readable name.
    dose_iu_per_kg : float
        Dose per infusion, in international units per kilogram of body weight.
    infusion_minutes : float
        Length of one infusion.
    interval_hours : float
        Time between scheduled doses.
    max_doses_per_cycle : int
        Most doses one cycle may give.
    cycles_per_course : int
        Cycles that make one course.
    rest_days_between_cycles : int
        Days from the last dose of a cycle to the first of the next (typical).
    min_days_between_courses : int
        Fewest days from the start of one course to the start of the next.
    sources : tuple of str
        Where each fact comes from.

    Examples
    --------
    >>> from remission.protocol import get_regimen
    >>> get_regimen("nci-hd-il2-720k").max_doses_per_course
    30
    """

    name: str
    title: str
    dose_iu_per_kg: float
    infusion_minutes: float
    interval_hours: float
    max_doses_per_cycle: int
    cycles_per_course: int
    rest_days_between_cycles: int
    min_days_between_courses: int
    sources: tuple[str, ...] = ()

    @property
    def max_doses_per_course(self) -> int:
        """Most doses one course may give."""
        return self.max_doses_per_cycle * self.cycles_per_course


NCI_720K = Regimen(
    name="nci-hd-il2-720k",
    title="NCI Surgery Branch high-dose bolus IL-2, 720,000 IU/kg every 8 hours",
    dose_iu_per_kg=720_000,
    infusion_minutes=15,
    interval_hours=8,
    max_doses_per_cycle=15,
    cycles_per_course=2,
    rest_days_between_cycles=10,
    min_days_between_courses=42,
    sources=(
        "Rosenberg SA et al. Ann Surg 1998;228:307-19 (PMID 9742914): 720,000 IU/kg, 15-min "
        "infusion every 8 h for up to 5 days per cycle, two cycles per course",
        "Rosenberg SA et al. JAMA 1994;271:907-13 (PMID 8120958): at most 15 doses per cycle",
        "Rest between cycles ~7-14 days and next course after 6-12 weeks: field practice, "
        "configurable (DOMAIN.md section 2)",
    ),
)

REGIMENS: dict[str, Regimen] = {NCI_720K.name: NCI_720K}
"""Built-in regimens by name."""


def get_regimen(name: str) -> Regimen:
    """Return the built-in regimen called ``name``.

    Parameters
    ----------
    name : str
        A key of ``REGIMENS``.

    Returns
    -------
    Regimen
        The regimen.

    Raises
    ------
    KeyError
        When no built-in regimen has that name; the message lists those that exist.

    Examples
    --------
    >>> get_regimen("nci-hd-il2-720k").dose_iu_per_kg
    720000
    """
    try:
        return REGIMENS[name]
    except KeyError:
        raise KeyError(f"no regimen {name!r}; built-in regimens: {', '.join(REGIMENS)}") from None
