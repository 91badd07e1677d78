"""Units of time shared by every package: the one definition of a year and a month in days.

Examples
--------
>>> DAYS_PER_MONTH * 12 == DAYS_PER_YEAR
True
"""

from __future__ import annotations

DAYS_PER_YEAR = 365.25
"""Days in an average (Julian) year: ages, follow-up in years, landmarks."""

DAYS_PER_MONTH = DAYS_PER_YEAR / 12
"""Days in an average month (30.4375), used for every month figure the project prints."""
