import datetime

import pytest

from committee.dates import municipal_year, municipal_year_bounds


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (datetime.date(2025, 7, 10), "2025-26"),
        (datetime.date(2026, 1, 7), "2025-26"),
        (datetime.date(2024, 3, 7), "2023-24"),
        (datetime.date(2025, 4, 30), "2024-25"),
        (datetime.date(2025, 5, 1), "2025-26"),
    ],
)
def test_municipal_year_runs_may_to_may(day, label):
    assert municipal_year(day) == label


def test_municipal_year_bounds():
    assert municipal_year_bounds("2025-26") == (datetime.date(2025, 5, 1), datetime.date(2026, 4, 30))


def test_working_days_skip_weekends_and_bank_holidays():
    from committee.dates import add_working_days, clear_working_days_between, working_days_between

    # Friday 22 August 2025 + 1 working day skips the weekend and the August bank holiday (Monday 25th)
    assert add_working_days(datetime.date(2025, 8, 22), 1) == datetime.date(2025, 8, 26)
    assert add_working_days(datetime.date(2025, 12, 19), 10) == datetime.date(2026, 1, 7)  # Christmas, Boxing Day, New Year
    assert working_days_between(datetime.date(2025, 8, 22), datetime.date(2025, 8, 26)) == 1
    # published Monday 8 Sept, meeting Tuesday 16 Sept: clear days Tue 9 – Mon 15 = 5
    assert clear_working_days_between(datetime.date(2025, 9, 8), datetime.date(2025, 9, 16)) == 5


def test_working_days_between_counts_as_walking_day_by_day_would():
    from committee.dates import is_working_day, working_days_between

    def walked(start, end):
        days = [start + datetime.timedelta(days=n) for n in range(1, (end - start).days + 1)]
        return sum(1 for day in days if is_working_day(day))

    start = datetime.date(2024, 12, 20)  # Christmas, New Year, Easter and May bank holidays, weekends, a leap year
    for length in [*range(-3, 40), 100, 365, 366, 800]:
        end = start + datetime.timedelta(days=length)
        assert working_days_between(start, end) == walked(start, end), end
