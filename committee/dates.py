"""Council calendar rules: municipal years (May to May)."""

import datetime

from django.conf import settings


def municipal_year_start(day: datetime.date) -> datetime.date:
    """First day of the municipal year that `day` falls in."""
    month = settings.MUNICIPAL_YEAR_START_MONTH
    year = day.year if day.month >= month else day.year - 1
    return datetime.date(year, month, 1)


def municipal_year(day: datetime.date) -> str:
    """The municipal year label the council uses, e.g. "2025-26" for 10 July 2025."""
    start = municipal_year_start(day)
    return f"{start.year}-{str(start.year + 1)[-2:]}"


def municipal_year_bounds(label: str) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of a municipal year given as "2025-26"."""
    start_year = int(label.split("-")[0])
    start = datetime.date(start_year, settings.MUNICIPAL_YEAR_START_MONTH, 1)
    end = datetime.date(start_year + 1, settings.MUNICIPAL_YEAR_START_MONTH, 1) - datetime.timedelta(days=1)
    return start, end
