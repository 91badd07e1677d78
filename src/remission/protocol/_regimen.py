"""Treatment regimens as data: the built-in high-dose IL-2 regimens and custom ones."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from remission.protocol._rules import DEFAULT_HOLD_RULES, HoldRules


@dataclass(frozen=True)
class Regimen:
    """A high-dose IL-2 regimen: the facts the ledger checks, the calculator and the simulator use.

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
        Days without dosing between the last dosing day of a cycle and the next cycle.
    min_days_between_courses : int
        Fewest days from the last dose of a course to the first dose of the next.
    hold_rules : HoldRules
        Criteria that hold a dose or stop a cycle.
    interval_tolerance_minutes : float
        How much earlier than ``interval_hours`` a dose may be given before the ledger check
        reports it.
    dose_tolerance_fraction : float
        How far a given dose may differ from weight x dose per kg before it is reported.
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
    hold_rules: HoldRules = field(default=DEFAULT_HOLD_RULES, repr=False)
    interval_tolerance_minutes: float = 60.0
    dose_tolerance_fraction: float = 0.05
    sources: tuple[str, ...] = ()

    @property
    def max_doses_per_course(self) -> int:
        """Most doses one course may give."""
        return self.max_doses_per_cycle * self.cycles_per_course

    @property
    def dosing_days_per_cycle(self) -> int:
        """Calendar days a full cycle spans (15 doses every 8 h: 5 days)."""
        hours = self.max_doses_per_cycle * self.interval_hours
        return max(1, math.ceil(round(hours, 6) / 24))

    @property
    def days_between_cycle_starts(self) -> int:
        """Days from the first dose of a cycle to the first dose of the next."""
        return self.dosing_days_per_cycle + self.rest_days_between_cycles


NCI_720K = Regimen(
    name="nci-hd-il2-720k",
    title="NCI Surgery Branch high-dose bolus IL-2, 720,000 IU/kg every 8 hours",
    dose_iu_per_kg=720_000,
    infusion_minutes=15,
    interval_hours=8,
    max_doses_per_cycle=15,
    cycles_per_course=2,
    rest_days_between_cycles=9,
    min_days_between_courses=42,
    sources=(
        "720,000 IU/kg, 15-min infusion every 8 h for up to 5 days per cycle, two cycles per "
        "course: Rosenberg SA et al. Ann Surg 1998;228:307-19 (PMID 9742914)",
        "At most 15 doses per cycle: Rosenberg SA et al. JAMA 1994;271:907-13 (PMID 8120958)",
        "Rest between cycles about 7-14 days (9 used, cycle 2 on day 15 as on the label) and "
        "next course after 6-12 weeks (42 days minimum): field practice, configurable",
        "Hold/stop criteria: Dutcher JP et al. J Immunother Cancer 2014;2:26, Table 3",
    ),
)

LABEL_600K = Regimen(
    name="label-hd-il2-600k",
    title="Proleukin (aldesleukin) label, 600,000 IU/kg every 8 hours",
    dose_iu_per_kg=600_000,
    infusion_minutes=15,
    interval_hours=8,
    max_doses_per_cycle=14,
    cycles_per_course=2,
    rest_days_between_cycles=9,
    min_days_between_courses=49,
    sources=(
        "600,000 IU/kg (0.037 mg/kg) as a 15-min IV infusion every 8 h, at most 14 doses; after "
        "9 days of rest a second cycle of at most 14 doses (days 15-19); at most 28 doses per "
        "course; retreatment no sooner than 7 weeks after discharge: Proleukin (aldesleukin) "
        "US prescribing information",
        "Hold/stop criteria: Dutcher JP et al. J Immunother Cancer 2014;2:26, Table 3",
    ),
)

POST_TIL = Regimen(
    name="post-til-il2",
    title="High-dose IL-2 after tumor-infiltrating lymphocyte infusion, up to 6 doses",
    dose_iu_per_kg=600_000,
    infusion_minutes=15,
    interval_hours=8,
    max_doses_per_cycle=6,
    cycles_per_course=1,
    rest_days_between_cycles=0,
    min_days_between_courses=42,
    sources=(
        "600,000 IU/kg every 8-12 h for up to 6 doses after the TIL infusion: Amtagvi "
        "(lifileucel) US prescribing information, 2024; NCI TIL protocols used 720,000 IU/kg "
        "to tolerance: configure a custom regimen for those",
        "One cycle per course; next-course spacing not applicable (42 days kept as a guard)",
        "Hold/stop criteria: Dutcher JP et al. J Immunother Cancer 2014;2:26, Table 3",
    ),
)

REGIMENS: dict[str, Regimen] = {r.name: r for r in (NCI_720K, LABEL_600K, POST_TIL)}
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
    >>> get_regimen("label-hd-il2-600k").max_doses_per_cycle
    14
    """
    try:
        return REGIMENS[name]
    except KeyError:
        raise KeyError(
            f"no built-in regimen {name!r}; built-in regimens: {', '.join(REGIMENS)}"
        ) from None
