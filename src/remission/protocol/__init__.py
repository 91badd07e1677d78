"""Treatment regimens as data: dose arithmetic, schedules, hold and stop rules.

FOR RESEARCH USE ONLY: the dose calculator and the hold rules model bedside practice for
analysis and simulation; every dose is verified by two-person check in the clinic.

Examples
--------
>>> from remission.protocol import REGIMENS, calculate_dose
>>> sorted(REGIMENS)
['label-hd-il2-600k', 'nci-hd-il2-720k', 'post-til-il2']
>>> calculate_dose(82, REGIMENS["nci-hd-il2-720k"]).dose_iu
59040000.0
"""

from remission.protocol._arithmetic import (
    CONCENTRATION_IU_PER_ML,
    IU_PER_MG,
    RESEARCH_USE,
    VIAL_IU,
    DoseCalculation,
    calculate_dose,
    dose_schedule,
)
from remission.protocol._regimen import (
    LABEL_600K,
    NCI_720K,
    POST_TIL,
    REGIMENS,
    Regimen,
    get_regimen,
)
from remission.protocol._rules import (
    DEFAULT_HOLD_RULES,
    VARIABLES,
    Criterion,
    DoseDecision,
    HoldRules,
    check_dose,
)
from remission.protocol._toml import (
    RegimenError,
    load_regimen,
    regimen_from_mapping,
    resolve_regimen,
)

__all__ = [
    "CONCENTRATION_IU_PER_ML",
    "DEFAULT_HOLD_RULES",
    "IU_PER_MG",
    "LABEL_600K",
    "NCI_720K",
    "POST_TIL",
    "REGIMENS",
    "RESEARCH_USE",
    "VARIABLES",
    "VIAL_IU",
    "Criterion",
    "DoseCalculation",
    "DoseDecision",
    "HoldRules",
    "Regimen",
    "RegimenError",
    "calculate_dose",
    "check_dose",
    "dose_schedule",
    "get_regimen",
    "load_regimen",
    "regimen_from_mapping",
    "resolve_regimen",
]
