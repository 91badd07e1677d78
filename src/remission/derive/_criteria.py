"""The parameters of the response rules: criteria (RECIST 1.1, WHO) and best-response windows.

``ResponseCriteria`` holds the thresholds that turn lesion measurements into time-point
responses (``_tumor.py`` states the rules that use them); ``ResponseRules`` holds the windows
and options of the best-response derivations (``_adrs.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ResponseCriteria:
    """The thresholds that turn lesion measurements into time-point responses.

    Parameters
    ----------
    name : str
        ``"recist1.1"`` or ``"who"`` (as in ``study.toml``), or a custom name.
    title : str
        Human-readable name.
    burden : {"sum_of_diameters", "sum_of_products"}
        Tumor burden: RECIST sums diameters (short axis for nodes), WHO sums the products of
        the two perpendicular diameters.
    paramcd : str
        ``PARAMCD`` of the burden in ADTR (``SDIAM`` or ``SPD``).
    pr_fraction : float
        Partial response when the burden is at most this fraction of baseline.
    pd_fraction : float
        Progression when the burden is at least this fraction of its nadir.
    pd_absolute_mm : float
        ...and at least this much above the nadir (RECIST: 5 mm; WHO: 0).
    lesion_pd_fraction : float or None
        WHO: progression when any one target grows to this fraction of its own nadir (or
        reappears); None to ignore single lesions.
    node_normal_mm : float or None
        RECIST: a node whose short axis is below this counts as normal (complete response
        and non-target CR); None to require nodes to be absent.
    too_small_mm : float
        Diameter given to a lesion present but too small to measure (RECIST: 5 mm; for WHO
        the same convention gives 5 x 5 mm).
    measurable_mm, measurable_node_mm : float
        Measurability at baseline for automatic target selection (longest diameter; node
        short axis).
    max_targets, max_targets_per_organ : int or None
        Automatic target selection limits (RECIST: 5 and 2; WHO: no limit).
    sources : tuple of str
        Where the rules come from.

    Examples
    --------
    >>> RECIST_1_1.pr_fraction, WHO.pr_fraction
    (0.7, 0.5)
    """

    name: str
    title: str
    burden: Literal["sum_of_diameters", "sum_of_products"]
    paramcd: str
    pr_fraction: float
    pd_fraction: float
    pd_absolute_mm: float
    lesion_pd_fraction: float | None
    node_normal_mm: float | None
    too_small_mm: float = 5.0
    measurable_mm: float = 10.0
    measurable_node_mm: float = 15.0
    max_targets: int | None = None
    max_targets_per_organ: int | None = None
    sources: tuple[str, ...] = ()

    @property
    def burden_words(self) -> str:
        """The tumor burden in words.

        Examples
        --------
        >>> WHO.burden_words
        'sum of products of perpendicular diameters'
        """
        if self.burden == "sum_of_diameters":
            return "sum of diameters (short axis for nodes)"
        return "sum of products of perpendicular diameters"

    @property
    def pr_change_percent(self) -> float:
        """The partial-response threshold as a change from baseline, in percent.

        Examples
        --------
        >>> RECIST_1_1.pr_change_percent, WHO.pr_change_percent
        (-30.0, -50.0)
        """
        return round((self.pr_fraction - 1) * 100, 9)

    @property
    def pd_change_percent(self) -> float:
        """The progression threshold as a change from the nadir, in percent.

        Examples
        --------
        >>> RECIST_1_1.pd_change_percent, WHO.pd_change_percent
        (20.0, 25.0)
        """
        return round((self.pd_fraction - 1) * 100, 9)


RECIST_1_1 = ResponseCriteria(
    name="recist1.1",
    title="RECIST 1.1",
    burden="sum_of_diameters",
    paramcd="SDIAM",
    pr_fraction=0.7,
    pd_fraction=1.2,
    pd_absolute_mm=5.0,
    lesion_pd_fraction=None,
    node_normal_mm=10.0,
    max_targets=5,
    max_targets_per_organ=2,
    sources=(
        "Eisenhauer EA et al. New response evaluation criteria in solid tumours: revised RECIST "
        "guideline (version 1.1). Eur J Cancer 2009;45:228-47 (Tables 1 to 3)",
        "EORTC RECIST working group, RECIST FAQ: 'Abnormal lymph node' (recist.eortc.org)",
    ),
)

WHO = ResponseCriteria(
    name="who",
    title="WHO / NCI bidimensional",
    burden="sum_of_products",
    paramcd="SPD",
    pr_fraction=0.5,
    pd_fraction=1.25,
    pd_absolute_mm=0.0,
    lesion_pd_fraction=1.25,
    node_normal_mm=None,
    sources=(
        "Miller AB et al. Reporting results of cancer treatment. Cancer 1981;47:207-14 (WHO)",
        "Rosenberg SA et al. Ann Surg 1998;228:307-19: CR = disappearance of all disease; PR = "
        "a decrease of at least 50% in the sum of products of perpendicular diameters with no "
        "growing or new lesion",
    ),
)

CRITERIA: dict[str, ResponseCriteria] = {RECIST_1_1.name: RECIST_1_1, WHO.name: WHO}
"""Built-in response criteria by the name ``study.toml`` uses."""


@dataclass(frozen=True)
class ResponseRules:
    """The windows and options of the best-response derivations (admiralonco's defaults).

    Parameters
    ----------
    ref_start_window_days : int
        SD and NON-CR/NON-PD count only this many days or more after the reference date
        (earlier ones count as NE). Template: 42.
    confirmation_days : int
        A CR or PR is confirmed by a later CR (CR or PR for a PR) at least this many days
        after it. Template: 28; the admiralonco vignette uses 21.
    max_ne : int
        NE assessments allowed between a response and its confirmation.
    accept_sd : bool
        Whether one SD is allowed between a PR and its confirmation.
    missing_as_ne : bool
        Whether a subject without assessments gets BOR NE instead of MISSING.
    pd_cutoff : bool
        Whether response parameters use only assessments up to the first PD (template: yes).
    source : str
        Where the defaults come from.

    Examples
    --------
    >>> ResponseRules().confirmation_days
    28
    >>> ResponseRules(confirmation_days=21).ref_start_window_days
    42
    """

    ref_start_window_days: int = 42
    confirmation_days: int = 28
    max_ne: int = 1
    accept_sd: bool = False
    missing_as_ne: bool = False
    pd_cutoff: bool = True
    source: str = (
        "pharmaverse admiralonco: inst/templates/ad_adrs.R and the event objects of "
        "R/response_sources.R (bor_*, cbor_*, rsp_y, crsp_y_*, cb_y)"
    )
