"""Reading the plan's "Timescales" cells ("November 2025", "September 2025 – July 2026", "Ongoing up to 2030") as dates."""

import calendar
import datetime
import re

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
# Seasons as the council uses them ("Spring 2026"): read as the season's last month, so nothing is flagged early.
SEASONS = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}

_TOKEN = re.compile(
    r"\b(?:(?P<month>" + "|".join(sorted([*MONTHS, *SEASONS], key=len, reverse=True)) + r")\.?(?:\s+(?P<month_year>(?:19|20)\d\d))?"
    r"|(?P<year>(?:19|20)\d\d))\b",
    re.IGNORECASE,
)


def month_end(year: int, month: int) -> datetime.date:
    """The last day of a month."""
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_timescale(text: str) -> tuple[datetime.date | None, datetime.date | None]:
    """(starts_on, due_by) for a timescale as printed; due_by is the last day of the last month named.

    "November 2025" -> (None, 30 Nov 2025); "January to June 2026" -> (1 Jan 2026, 30 Jun 2026);
    "Ongoing up to 2030" -> (None, 31 Dec 2030); "See individual actions" or blank -> (None, None).
    A month without a year takes the year of the next month that has one ("September - December 2024").
    """
    tokens: list[list[int | None]] = []
    for match in _TOKEN.finditer(text or ""):
        if match.group("month"):
            word = match.group("month").lower()
            month = MONTHS.get(word) or SEASONS[word]
            year = int(match.group("month_year")) if match.group("month_year") else None
            tokens.append([month, year])
        else:
            tokens.append([None, int(match.group("year"))])
    # Borrow a missing year from the next token that has one, then from the previous one.
    following = None
    for token in reversed(tokens):
        if token[1] is None:
            token[1] = following
        following = token[1]
    previous = None
    for token in tokens:
        if token[1] is None:
            token[1] = previous
        previous = token[1]
    tokens = [t for t in tokens if t[1] is not None]
    if not tokens:
        return None, None
    last_month, last_year = tokens[-1]
    due_by = month_end(last_year, last_month or 12)
    if len(tokens) == 1:
        return None, due_by
    first_month, first_year = tokens[0]
    return datetime.date(first_year, first_month or 1, 1), due_by
