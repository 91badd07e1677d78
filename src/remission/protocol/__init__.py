"""Treatment regimens as data.

Examples
--------
>>> from remission.protocol import REGIMENS
>>> "nci-hd-il2-720k" in REGIMENS
True
"""

from remission.protocol._regimen import NCI_720K, REGIMENS, Regimen, get_regimen

__all__ = ["NCI_720K", "REGIMENS", "Regimen", "get_regimen"]
