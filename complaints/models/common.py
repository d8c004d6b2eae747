"""Limits from the regulations and the date sanity rule every complaints date field shares."""

import datetime

from django.core.exceptions import ValidationError

# Working-day limits from the Children Act 1989 Representations Procedure (England) Regulations 2006.
INFORMAL_CONTACT_WORKING_DAYS = 2  # "contact the complainant within 48 hours", counted as two working days
STAGE_LIMITS = {1: 10, 2: 25, 3: 30}  # Stage 3: the panel is convened within 30 working days of the request
STAGE_EXTENDED_LIMITS = {1: 20, 2: 65}  # Stage 3 has no extension in the regulations
PANEL_REPORT_WORKING_DAYS = 5  # the panel's report, after the meeting
PANEL_RESPONSE_WORKING_DAYS = 15  # the council's response, after the panel's report


EARLIEST = datetime.date(1990, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def sensible_date(value: datetime.date):
    """Refuse dates outside 1990–2100: a mistyped year would otherwise send working-day arithmetic off the calendar."""
    if value and not EARLIEST <= value <= LATEST:
        raise ValidationError("Enter a date between 1990 and 2100.")
