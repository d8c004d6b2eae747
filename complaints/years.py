"""Reporting years for complaints: the financial year, 1 April to 31 March (not the May municipal year)."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import ExtractYear

FIRST_MONTH = 4  # the statutory annual report covers 1 April to 31 March
LABEL = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class FinancialYear:
    start_year: int

    @classmethod
    def of(cls, day: datetime.date) -> "FinancialYear":
        """The financial year `day` falls in."""
        return cls(day.year if day.month >= FIRST_MONTH else day.year - 1)

    @classmethod
    def parse(cls, label: str) -> "FinancialYear":
        """ "2024-25" -> FinancialYear(2024); ValueError for anything else (so URLs answer 404)."""
        match = LABEL.match(label or "")
        if not match:
            raise ValueError(f"not a financial year: {label!r}")
        start = int(match.group(1))
        if f"{(start + 1) % 100:02d}" != match.group(2) or not 1990 <= start <= 2200:
            raise ValueError(f"not a financial year: {label!r}")
        return cls(start)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.start_year, FIRST_MONTH, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.start_year + 1, FIRST_MONTH, 1) - datetime.timedelta(days=1)

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date]:
        return self.start, self.end

    @property
    def slug(self) -> str:
        """As in URLs and the admin: 2024-25."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        """As the council's reports print it: 2024/25."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def code(self) -> str:
        """Four digits for references: 2425."""
        return f"{self.start_year % 100:02d}{(self.start_year + 1) % 100:02d}"

    def previous(self, n: int = 1) -> "FinancialYear":
        return FinancialYear(self.start_year - n)

    def __str__(self):
        return self.label


def financial_year_of(field: str):
    """A database expression giving the financial year's first calendar year for a date field (for grouping)."""
    return ExtractYear(field) - Case(
        When(**{f"{field}__month__lt": FIRST_MONTH}, then=Value(1)), default=Value(0), output_field=IntegerField()
    )


class FinancialYearConverter:
    """URL converter for "2024-25"; malformed years never reach a view (404)."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> FinancialYear:
        return FinancialYear.parse(value)

    def to_url(self, value) -> str:
        return value.slug if isinstance(value, FinancialYear) else FinancialYear.parse(str(value)).slug
