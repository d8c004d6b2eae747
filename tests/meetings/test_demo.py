"""The demo data is the real committee, transcribed from the seeds, and loading it twice changes nothing."""

import datetime

import pytest
from django.core.management import call_command

from committee.models import Committee, Membership, Person
from meetings.models import Action, Meeting, MinuteItem, Resolution

pytestmark = pytest.mark.django_db

SEED_MEETINGS = [
    datetime.date(2024, 3, 7),
    datetime.date(2024, 7, 11),
    datetime.date(2025, 3, 13),
    datetime.date(2025, 7, 10),
    datetime.date(2025, 9, 16),
    datetime.date(2025, 11, 13),
    datetime.date(2026, 1, 7),
]


def counts():
    return [m.objects.count() for m in (Committee, Person, Membership, Meeting, MinuteItem, Resolution, Action)]


def test_every_meeting_the_seeds_mention_is_loaded(demo):
    dates = set(Meeting.objects.values_list("date", flat=True))
    assert set(SEED_MEETINGS) <= dates


def test_load_demo_is_idempotent(demo):
    before = counts()
    call_command("load_demo", "--no-accounts", "--meetings-only", verbosity=0)
    assert counts() == before


def test_demo_minutes_as_printed(demo):
    july = Meeting.objects.get(date=datetime.date(2025, 7, 10))
    assert list(july.minute_items.values_list("number", flat=True)) == list(range(59, 68))
    november = Meeting.objects.get(date=datetime.date(2025, 11, 13))
    assert november.minute_items.first().reference == "CYP.77"
    assert not november.minute_items.filter(number=81).exists()  # the printed minutes skip CYP.81


def test_demo_minutes_approval_chain(demo):
    """13 Mar 2025 approved at 10 Jul 2025 (min. 61); 16 Sep 2025 approved at 13 Nov 2025 (CYP.79)."""
    march = Meeting.objects.get(date=datetime.date(2025, 3, 13))
    assert march.minutes_status == Meeting.MinutesStatus.APPROVED
    assert march.minutes_approved_by.minute_item.number == 61
    september = Meeting.objects.get(date=datetime.date(2025, 9, 16))
    assert september.minutes_approved_by.minute_item.reference == "CYP.79"


def test_demo_membership_of_each_municipal_year(demo):
    committee = Committee.objects.get()
    chair_2025 = Membership.objects.filter(committee=committee).current(datetime.date(2025, 7, 10)).get(role="chair")
    assert chair_2025.person.name == "C Boles"
    names_2024 = set(Membership.objects.filter(committee=committee).in_municipal_year("2024-25").values_list("person__name", flat=True))
    assert {"R Bernstein", "G Staples-Jones", "H Chadwick", "A Malik"} <= names_2024


def test_demo_actions_include_the_july_survey_and_the_november_briefing_note(demo):
    assert Action.objects.filter(description__icontains="survey", minute_item__number=64).exists()
    briefing = Action.objects.filter(description__icontains="briefing note", minute_item__number=84).get()
    assert briefing.due_date == datetime.date(2026, 1, 7)  # "to the next meeting"
