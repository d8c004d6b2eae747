"""Business rules for meetings: minute numbering, approval of minutes, overdue actions."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from committee.access import SYSTEM
from committee.models import Committee
from meetings import services
from meetings.models import Action, AgendaItem, Meeting
from tests.factories import ActionFactory, CommitteeFactory, MeetingFactory, MinuteItemFactory

pytestmark = pytest.mark.django_db


def test_minute_numbers_continue_across_meetings_and_municipal_years():
    # given a committee whose minutes run on from meeting to meeting (Bury: 59–67 on 10 July 2025, CYP.77 on 13 Nov)
    committee = CommitteeFactory(minute_numbering=Committee.MinuteNumbering.CONTINUOUS, minute_prefix="CYP.")
    march = MeetingFactory(committee=committee, date=datetime.date(2025, 3, 13))
    july = MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10))
    MinuteItemFactory(meeting=march, number=58)
    # when the first minutes of the next municipal year's meeting are taken
    first = services.minute_item_create(by=SYSTEM, meeting=july, title="APOLOGIES FOR ABSENCE")
    second = services.minute_item_create(by=SYSTEM, meeting=july, title="DECLARATIONS OF INTEREST")
    # then numbering continues and takes the committee's prefix
    assert (first.number, second.number) == (59, 60)
    assert first.reference == "CYP.59"


def test_next_meeting_is_offered_the_number_after_the_last_minute():
    committee = CommitteeFactory()
    july = MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10))
    september = MeetingFactory(committee=committee, date=datetime.date(2025, 9, 16))
    for n in range(59, 68):
        MinuteItemFactory(meeting=july, number=n)
    assert services.next_minute_number(meeting=september) == 68


def test_minute_numbers_restart_each_municipal_year_when_configured():
    committee = CommitteeFactory(minute_numbering=Committee.MinuteNumbering.MUNICIPAL_YEAR)
    march = MeetingFactory(committee=committee, date=datetime.date(2025, 3, 13))
    july = MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10))
    MinuteItemFactory(meeting=march, number=40)
    assert services.next_minute_number(meeting=july) == 1
    april = MeetingFactory(committee=committee, date=datetime.date(2025, 4, 1))
    assert services.next_minute_number(meeting=april) == 41


def test_minute_numbers_restart_each_meeting_when_configured():
    committee = CommitteeFactory(minute_numbering=Committee.MinuteNumbering.MEETING)
    first = MeetingFactory(committee=committee)
    MinuteItemFactory(meeting=first, number=12)
    assert services.next_minute_number(meeting=MeetingFactory(committee=committee)) == 1


def test_duplicate_minute_number_in_the_sequence_is_refused():
    committee = CommitteeFactory()
    july = MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10))
    september = MeetingFactory(committee=committee, date=datetime.date(2025, 9, 16))
    MinuteItemFactory(meeting=july, number=64)
    with pytest.raises(ValidationError) as error:
        services.minute_item_create(by=SYSTEM, meeting=september, title="X", number=64)
    assert "already used at the meeting of 10 July 2025" in str(error.value)


def test_other_committees_do_not_share_a_sequence():
    july = MeetingFactory(date=datetime.date(2025, 7, 10))
    MinuteItemFactory(meeting=july, number=64)
    other = MeetingFactory(date=datetime.date(2025, 9, 16))
    assert services.minute_item_create(by=SYSTEM, meeting=other, title="X", number=64).number == 64


def test_minuting_a_meeting_makes_its_minutes_a_draft():
    meeting = MeetingFactory(minutes_status=Meeting.MinutesStatus.NONE)
    assert meeting.minutes_status == Meeting.MinutesStatus.NONE
    services.minute_item_create(by=SYSTEM, meeting=meeting, title="APOLOGIES FOR ABSENCE")
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT


def test_approving_previous_minutes_marks_them_approved_and_links_the_meetings():
    # given the 10 July minutes in draft and the 16 September meeting's minutes item
    committee = CommitteeFactory()
    july = MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10), minutes_status=Meeting.MinutesStatus.DRAFT)
    september = MeetingFactory(committee=committee, date=datetime.date(2025, 9, 16))
    minute = services.minute_item_create(by=SYSTEM, meeting=september, title="MINUTES")
    # when the committee agrees they are a correct record
    resolution = services.resolution_create(
        by=SYSTEM,
        minute_item=minute,
        text="That the minutes of the meeting held on 10 July 2025 be approved as a correct and accurate record.",
        kind="approve_minutes",
        approves_minutes_of=july,
    )
    # then
    july.refresh_from_db()
    assert july.minutes_status == Meeting.MinutesStatus.APPROVED
    assert july.minutes_approved_by == resolution


def test_minutes_cannot_be_approved_at_an_earlier_meeting_or_by_another_committee():
    committee = CommitteeFactory()
    july = MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10))
    march = MeetingFactory(committee=committee, date=datetime.date(2025, 3, 13))
    minute = MinuteItemFactory(meeting=march)
    with pytest.raises(ValidationError, match="later meeting"):
        services.resolution_create(by=SYSTEM, minute_item=minute, text="approve", kind="approve_minutes", approves_minutes_of=july)
    elsewhere = MinuteItemFactory(meeting=MeetingFactory(date=datetime.date(2025, 12, 1)))
    with pytest.raises(ValidationError, match="its own minutes"):
        services.resolution_create(by=SYSTEM, minute_item=elsewhere, text="approve", kind="approve_minutes", approves_minutes_of=july)


def test_approving_resolution_must_name_the_meeting():
    with pytest.raises(ValidationError):
        services.resolution_create(by=SYSTEM, minute_item=MinuteItemFactory(), text="approve", kind="approve_minutes")


def test_overdue_actions_are_open_and_past_their_due_date():
    today = datetime.date(2026, 1, 7)
    late = ActionFactory(due_date=datetime.date(2025, 11, 13))
    ActionFactory(due_date=datetime.date(2026, 3, 1))  # not yet due
    ActionFactory(due_date=datetime.date(2025, 11, 13), status=Action.Status.DONE, completed_date=datetime.date(2025, 12, 1))
    ActionFactory(due_date=None)  # no date: cannot be overdue
    assert list(Action.objects.overdue(today)) == [late]
    assert Action.objects.open().count() == 3


def test_completing_an_action_records_the_date_and_an_update():
    action = ActionFactory()
    services.action_complete(
        by=SYSTEM, action=action, completed_date=datetime.date(2025, 9, 1), note="Survey results circulated by e-mail."
    )
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.updates.get().text == "Survey results circulated by e-mail."


def test_action_cannot_be_due_before_the_meeting_that_agreed_it():
    minute = MinuteItemFactory(meeting=MeetingFactory(date=datetime.date(2025, 7, 10)))
    with pytest.raises(ValidationError) as error:
        services.action_create(by=SYSTEM, minute_item=minute, description="Circulate", due_date=datetime.date(2025, 7, 1))
    assert "due_date" in error.value.message_dict


def test_new_meeting_gets_the_standing_items_with_the_councils_wording():
    committee = CommitteeFactory()
    previous = MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10))
    meeting = services.meeting_create(by=SYSTEM, committee=committee, date=datetime.date(2025, 9, 16), venue="Council Chamber")
    items = list(meeting.agenda_items.order_by("number"))
    assert [i.title for i in items] == [
        "APOLOGIES FOR ABSENCE",
        "DECLARATIONS OF INTEREST",
        "MINUTES",
        "PUBLIC QUESTIONS",
        "MEMBER QUESTIONS",
        "URGENT BUSINESS",
    ]
    minutes_item = items[2]
    assert minutes_item.minutes_of == previous
    assert minutes_item.description == "Minutes from the meeting held on 10 July 2025 are attached for approval."
    assert "30 minutes has been set aside" in items[3].description
    assert items[-1].kind == AgendaItem.Kind.URGENT_BUSINESS


def test_meeting_cannot_end_before_it_starts():
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            by=SYSTEM,
            committee=CommitteeFactory(),
            date=datetime.date(2025, 7, 10),
            started_at=datetime.time(19, 0),
            ended_at=datetime.time(18, 0),
        )
    assert "ended_at" in error.value.message_dict
