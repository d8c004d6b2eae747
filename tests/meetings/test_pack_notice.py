"""Five clear working days' notice (Local Government Act 1972, s100B), counted as the law counts them.

Clear days exclude the day of publication and the day of the meeting; weekends and England & Wales bank holidays
do not count. Summer bank holiday 2025 was Monday 25 August.
"""

import datetime

import pytest

from meetings import packs
from meetings.models import Meeting


def meeting_on(day: datetime.date) -> Meeting:
    return Meeting(date=day)  # the rule needs only the date


TUESDAY_2_SEPTEMBER = datetime.date(2025, 9, 2)


@pytest.mark.parametrize(
    ("published_on", "clear", "counted_by_hand"),
    [
        # Thu 21 Aug: Fri 22, [Sat 23, Sun 24, Mon 25 bank holiday], Tue 26, Wed 27, Thu 28, Fri 29, [Sat, Sun], Mon 1 Sep
        (datetime.date(2025, 8, 21), 6, "22, 26, 27, 28, 29 Aug, 1 Sep"),
        # Fri 22 Aug: the bank holiday weekend gives nothing; Tue 26 to Mon 1 Sep
        (datetime.date(2025, 8, 22), 5, "26, 27, 28, 29 Aug, 1 Sep"),
        # Mon 25 Aug (a bank holiday, published anyway): the same five
        (datetime.date(2025, 8, 25), 5, "26, 27, 28, 29 Aug, 1 Sep"),
        # Tue 26 Aug: one day short
        (datetime.date(2025, 8, 26), 4, "27, 28, 29 Aug, 1 Sep"),
        # Mon 1 Sep: the day before the meeting
        (datetime.date(2025, 9, 1), 0, "none"),
    ],
)
def test_clear_days_across_the_august_bank_holiday(published_on, clear, counted_by_hand):
    assert packs.notice_clear_days(meeting=meeting_on(TUESDAY_2_SEPTEMBER), published_on=published_on) == clear, counted_by_hand


def test_a_bank_holiday_is_not_a_clear_day_where_weekdays_alone_would_pass():
    # Meeting Fri 29 Aug, published Thu 21 Aug: Mon-Fri between them gives 5 weekdays, but Mon 25 is a bank holiday.
    meeting = meeting_on(datetime.date(2025, 8, 29))
    assert packs.notice_clear_days(meeting=meeting, published_on=datetime.date(2025, 8, 21)) == 4
    warning = packs.notice_warning(meeting=meeting, published_on=datetime.date(2025, 8, 21))
    assert "4 clear working days" in warning
    assert "publish by Wednesday 20 August 2025" in warning


def test_no_warning_with_five_clear_days_and_the_deadline_is_the_last_such_day():
    meeting = meeting_on(TUESDAY_2_SEPTEMBER)
    assert packs.notice_warning(meeting=meeting, published_on=datetime.date(2025, 8, 22)) == ""
    assert packs.notice_deadline(meeting=meeting) == datetime.date(2025, 8, 25)
    assert packs.notice_warning(meeting=meeting, published_on=datetime.date(2025, 8, 26)).startswith(
        "Published on Tuesday 26 August 2025, 4 clear working days before the meeting on Tuesday 2 September 2025."
    )


def test_christmas_and_new_year_bank_holidays_shorten_notice():
    # Meeting Wed 7 Jan 2026, published Tue 30 Dec 2025: Wed 31, [Thu 1 Jan bank holiday], Fri 2, Mon 5, Tue 6 = 4.
    meeting = meeting_on(datetime.date(2026, 1, 7))
    assert packs.notice_clear_days(meeting=meeting, published_on=datetime.date(2025, 12, 30)) == 4
    assert packs.notice_deadline(meeting=meeting) == datetime.date(2025, 12, 29)
