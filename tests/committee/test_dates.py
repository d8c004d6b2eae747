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
