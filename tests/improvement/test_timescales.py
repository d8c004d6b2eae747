"""The plan's "Timescales" cells become a due month; overdue means past the end of that month and not completed."""

import datetime

import pytest

from improvement.models import ImprovementAction, Rag
from improvement.timescales import parse_timescale
from tests.improvement.factories import ActionFactory, update

D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("November 2025", (None, D(2025, 11, 30))),
        ("February 2026", (None, D(2026, 2, 28))),
        ("September 2025 – July 2026", (D(2025, 9, 1), D(2026, 7, 31))),
        ("October 2025 to March 2026", (D(2025, 10, 1), D(2026, 3, 31))),
        ("January to June 2026", (D(2026, 1, 1), D(2026, 6, 30))),
        ("September - December 2024", (D(2024, 9, 1), D(2024, 12, 31))),
        ("September- December 2024", (D(2024, 9, 1), D(2024, 12, 31))),
        ("Ongoing up to 2030", (None, D(2030, 12, 31))),
        ("Magic Notes – November 2025 to March 2026 (ongoing)", (D(2025, 11, 1), D(2026, 3, 31))),
        ("Spring 2026", (None, D(2026, 5, 31))),
        ("See individual actions", (None, None)),
        ("", (None, None)),
    ],
)
def test_timescales_as_printed_in_the_plans_are_read_as_months(text, expected):
    assert parse_timescale(text) == expected


@pytest.mark.django_db
def test_an_action_is_overdue_only_after_the_last_day_of_its_timescale_month():
    # given an action due "November 2025" and one with no timescale (3.5c in the 2026 plan)
    november = ActionFactory(timescale="November 2025")
    undated = ActionFactory(timescale="")
    assert november.due_by == D(2025, 11, 30)
    assert undated.due_by is None
    actions = ImprovementAction.objects.filter(pk__in=[november.pk, undated.pk])
    # then on the last day of November it is not yet overdue; on 1 December it is; the undated one never is
    assert list(actions.overdue(D(2025, 11, 30))) == []
    assert list(actions.overdue(D(2025, 12, 1))) == [november]
    # and it shows as due soon in the 30 days before the month ends
    assert list(actions.due_within(30, D(2025, 11, 1))) == [november]
    assert list(actions.due_within(30, D(2025, 10, 30))) == []


@pytest.mark.django_db
def test_a_completed_action_is_never_overdue_and_a_reopened_one_is_again():
    # given an action due July 2025, rated Blue (completed) in June, then Amber in August
    action = ActionFactory(timescale="July 2025")
    update(action, D(2025, 6, 20), Rag.BLUE)
    qs = ImprovementAction.objects.filter(pk=action.pk)
    assert not qs.overdue(D(2025, 9, 1)).exists()
    update(action, D(2025, 8, 1), Rag.AMBER, "Reopened: the audit found gaps.")
    # then the latest rating decides: it is overdue again
    assert qs.overdue(D(2025, 9, 1)).exists()


@pytest.mark.django_db
def test_changing_the_timescale_moves_the_due_date_and_a_hand_set_date_is_kept():
    from improvement import services

    action = ActionFactory(timescale="July 2025")
    action.timescale = "September 2025 – July 2026"
    services.action_save(action=action)
    assert (action.starts_on, action.due_by) == (D(2025, 9, 1), D(2026, 7, 31))
    action.due_by = D(2026, 3, 31)  # an officer overrides the due date; the timescale text is unchanged
    services.action_save(action=action)
    assert action.due_by == D(2026, 3, 31)
