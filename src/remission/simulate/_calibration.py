"""What the demo study is calibrated to: the published aggregates of the 1998 NCI series.

Rosenberg SA, Yang JC, White DE, Steinberg SM. Ann Surg 1998;228(3):307-19 (PMID 9742914),
unless another source is named. Counts scale with the number of patients simulated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Calibration:
    """Targets of the synthetic cohort (defaults: the 1998 series).

    Parameters
    ----------
    n_patients, n_melanoma : int
        Cohort size and how many have melanoma (the rest renal cell cancer): 409 and 182.
    cr_melanoma, cr_renal : int
        Complete responders: 12/182 (6.6%) and 21/227 (9.3%), the only split fitting both
        published percentages.
    pr_melanoma, pr_renal : int
        Partial responders, 37 in all; the split by histology is not published (17/20 assumed).
    cr_ongoing : int
        Complete responders still in continuous CR at cut-off: 27 of 33.
    ongoing_min_months, ongoing_max_months : float
        Shortest and longest ongoing CR, from treatment start to the last assessment:
        "39 to more than 148 months" (0.4 month above each so rounding or flooring prints them).
    first_start, last_start : datetime.date
        Treatment starts, September 1985 to November 1996.
    median_potential_followup_years : float
        Cut-off minus treatment start, median over patients: 7.1 years.
    prior_immunotherapy_cr, prior_immunotherapy_other : float
        Share with prior immunotherapy among complete responders and among the rest (not
        published; chosen so the association of the paper holds).
    course1_doses_cr_mean, course1_doses_other_mean, course1_doses_sd : float
        Doses given in course 1: 16.2 responders vs 14.5 non-responders (Phan GQ et al. J Clin
        Oncol 2001;19:3477-82, 374 melanoma patients); SD about 3.5 from the published SEMs.
    rebound_median_cr_per_ul, rebound_median_other_per_ul, rebound_sdlog : float
        Peak lymphocyte count after a cycle (cells/uL), higher in complete responders
        (Phan 2001: P2 = .0026); magnitudes are field knowledge, not published figures.

    Examples
    --------
    >>> Calibration().cr_melanoma + Calibration().cr_renal
    33
    """

    n_patients: int = 409
    n_melanoma: int = 182
    cr_melanoma: int = 12
    cr_renal: int = 21
    pr_melanoma: int = 17
    pr_renal: int = 20
    cr_ongoing: int = 27
    ongoing_min_months: float = 39.4
    ongoing_max_months: float = 148.4
    first_start: dt.date = dt.date(1985, 9, 1)
    last_start: dt.date = dt.date(1996, 11, 30)
    median_potential_followup_years: float = 7.1
    prior_immunotherapy_cr: float = 0.06
    prior_immunotherapy_other: float = 0.30
    course1_doses_cr_mean: float = 16.6
    course1_doses_other_mean: float = 14.5
    course1_doses_sd: float = 3.3
    rebound_median_cr_per_ul: float = 5200.0
    rebound_median_other_per_ul: float = 3600.0
    rebound_sdlog: float = 0.45

    def scaled(self, n_patients: int) -> Calibration:
        """Return the same targets for a cohort of another size (proportions kept).

        Parameters
        ----------
        n_patients : int
            Size of the cohort.

        Returns
        -------
        Calibration
            Counts scaled and rounded; rates and magnitudes unchanged.

        Examples
        --------
        >>> Calibration().scaled(818).cr_renal
        42
        """
        if n_patients == self.n_patients:
            return self
        f = n_patients / self.n_patients
        n_mel = round(self.n_melanoma * f)
        n_ren = n_patients - n_mel
        cr_mel = round(n_mel * self.cr_melanoma / self.n_melanoma)
        cr_ren = round(n_ren * self.cr_renal / (self.n_patients - self.n_melanoma))
        cr = cr_mel + cr_ren
        ongoing = min(cr, round(cr * self.cr_ongoing / (self.cr_melanoma + self.cr_renal)))
        return Calibration(
            **{
                **self.__dict__,
                "n_patients": n_patients,
                "n_melanoma": n_mel,
                "cr_melanoma": cr_mel,
                "cr_renal": cr_ren,
                "pr_melanoma": round(n_mel * self.pr_melanoma / self.n_melanoma),
                "pr_renal": round(n_ren * self.pr_renal / (self.n_patients - self.n_melanoma)),
                "cr_ongoing": ongoing,
            }
        )
