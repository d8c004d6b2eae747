"""Council calendar rules: municipal years (May to May) and working days."""

import datetime
import functools

import holidays
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


def municipal_year_start_year(date_field: str):
    """The same rule as `municipal_year_start`, in SQL: the first calendar year of the municipal year of `date_field`."""
    from django.db.models import Case, IntegerField, When
    from django.db.models.functions import ExtractYear

    return Case(
        When(**{f"{date_field}__month__lt": settings.MUNICIPAL_YEAR_START_MONTH}, then=ExtractYear(date_field) - 1),
        default=ExtractYear(date_field),
        output_field=IntegerField(),
    )


def municipal_year_bounds(label: str) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of a municipal year given as "2025-26"."""
    start_year = int(label.split("-")[0])
    start = datetime.date(start_year, settings.MUNICIPAL_YEAR_START_MONTH, 1)
    end = datetime.date(start_year + 1, settings.MUNICIPAL_YEAR_START_MONTH, 1) - datetime.timedelta(days=1)
    return start, end


# ---------------------------------------------------------------------------
# Working days (England & Wales): weekends and bank holidays excluded
# ---------------------------------------------------------------------------
@functools.cache
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday and not an England & Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted), e.g. a Stage 1 due date."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    if end <= start:
        return 0
    # Counted, not walked: a stage a year overdue on the work list would otherwise cost a loop of 365 days per row.
    weeks, extra = divmod((end - start).days, 7)
    count = weeks * 5  # any 7 days in a row hold 5 weekdays
    count += sum(1 for i in range(1, extra + 1) if (start + datetime.timedelta(days=weeks * 7 + i)).weekday() < 5)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for day in _bank_holidays(year) if start < day <= end and day.weekday() < 5)
    return count


def clear_working_days_between(first: datetime.date, last: datetime.date) -> int:
    """Working days strictly between two dates: neither the first (e.g. publication) nor the last (the meeting) counts."""
    return max(working_days_between(first, last) - (1 if is_working_day(last) and last > first else 0), 0)
