"""Follow-through: commitments fall due at the next meeting, are flagged when missing, reminded once, and counted."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from committee.access import SYSTEM
from committee.actions import Refused
from meetings import services
from meetings.models import Action, AgendaItem, Meeting, PublicationNotice, Subscription
from tests.factories import (
    ActionFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteItemFactory,
    OfficerFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def november():
    """A committee with a meeting on 13 November 2025 and its next on 7 January 2026."""
    committee = CommitteeFactory()
    MeetingFactory(committee=committee, date=datetime.date(2026, 1, 7), status=Meeting.Status.SCHEDULED)
    return MeetingFactory(committee=committee, date=datetime.date(2025, 11, 13))


def briefing_note(meeting, **fields):
    minute = MinuteItemFactory(meeting=meeting, number=84)
    return services.action_create(
        by=SYSTEM,
        minute_item=minute,
        description="Bring a briefing note showing how success will be measured to the next meeting.",
        kind=Action.Kind.BRIEFING_NOTE,
        due_rule=Action.DueRule.NEXT_MEETING,
        owner=OfficerFactory(email="j.richards@example.gov.uk"),
        **fields,
    )


# ---------------------------------------------------------------------------
# "Next meeting"
# ---------------------------------------------------------------------------
def test_next_meeting_resolves_to_the_committees_next_meeting(november):
    action = briefing_note(november)
    assert action.due_meeting.date == datetime.date(2026, 1, 7)
    assert action.due_date == datetime.date(2026, 1, 7)


def test_next_meeting_follows_a_meeting_that_is_added_earlier(november):
    action = briefing_note(november)
    services.meeting_create(by=SYSTEM, committee=november.committee, date=datetime.date(2025, 12, 9), with_standard_items=False)
    action.refresh_from_db()
    assert action.due_date == datetime.date(2025, 12, 9)


def test_next_meeting_follows_a_meeting_that_moves(november):
    action = briefing_note(november)
    services.meeting_update(by=SYSTEM, meeting=action.due_meeting, date=datetime.date(2026, 1, 14))
    action.refresh_from_db()
    assert action.due_date == datetime.date(2026, 1, 14)


def test_next_meeting_skips_a_cancelled_meeting(november):
    action = briefing_note(november)
    later = MeetingFactory(committee=november.committee, date=datetime.date(2026, 3, 10), status=Meeting.Status.SCHEDULED)
    services.meeting_change_status(by=SYSTEM, meeting=action.due_meeting, move="cancel", reason="Not quorate")
    action.refresh_from_db()
    assert action.due_meeting == later


def test_no_next_meeting_means_no_due_date_yet():
    meeting = MeetingFactory(date=datetime.date(2025, 11, 13))
    action = briefing_note(meeting)
    assert action.due_date is None
    services.meeting_create(by=SYSTEM, committee=meeting.committee, date=datetime.date(2026, 1, 7), with_standard_items=False)
    action.refresh_from_db()
    assert action.due_date == datetime.date(2026, 1, 7)


def test_admin_moving_a_meeting_re_resolves_commitments(client, november):
    action = briefing_note(november)
    clerk = UserFactory(username="clerk-move", role="Clerk")
    november.committee.supporting_officers.add(clerk)
    client.force_login(clerk)
    january = action.due_meeting
    data = {
        "committee": january.committee_id,
        "date": "21/01/2026",
        "start_time": "19:00",
        "venue": january.venue,
        "status": "scheduled",
        "minutes_status": "none",
        **{
            f"{p}-{k}": v
            for p in ("agenda_items", "attendances", "declarations", "minute_items", "speaker_links")
            for k, v in [("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000")]
        },
    }
    assert client.post(reverse("admin:meetings_meeting_change", args=[january.pk]), data).status_code == 302
    action.refresh_from_db()
    assert action.due_date == datetime.date(2026, 1, 21)


# ---------------------------------------------------------------------------
# Matters arising and the publication flag
# ---------------------------------------------------------------------------
def test_publishing_an_agenda_without_the_promised_item_flags_it(client, november):
    action = briefing_note(november)
    january = action.due_meeting
    january.agenda_status = Meeting.AgendaStatus.DRAFT
    january.save()
    published = services.meeting_publish_agenda(by=SYSTEM, meeting=january)
    assert [a.pk for a in published.unprovided_commitments] == [action.pk]
    action.refresh_from_db()
    assert action.flagged_at is not None
    html = client.get(january.get_absolute_url()).content.decode()
    assert "Not yet provided" in html
    assert "briefing note" in html


def test_a_commitment_provided_by_an_agenda_item_is_not_flagged(client, november):
    action = briefing_note(november)
    january = action.due_meeting
    item = AgendaItem.objects.create(meeting=january, number=6, title="SOCIAL CARE REFORM: HOW SUCCESS WILL BE MEASURED")
    services.commitment_provide(by=SYSTEM, action=action, agenda_item=item)
    services.meeting_publish_agenda(by=SYSTEM, meeting=january)
    action.refresh_from_db()
    assert action.flagged_at is None
    assert action.status == Action.Status.DONE
    assert action.completed_date == january.date
    assert "Provided" in client.get(january.get_absolute_url()).content.decode()


# ---------------------------------------------------------------------------
# The per-year record
# ---------------------------------------------------------------------------
def test_follow_through_record_arithmetic(client):
    committee = CommitteeFactory()
    july = MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10))
    minute = MinuteItemFactory(meeting=july)
    due = datetime.date(2025, 9, 16)
    for _ in range(3):  # on time
        ActionFactory(minute_item=minute, due_date=due, status=Action.Status.DONE, completed_date=due)
    ActionFactory(minute_item=minute, due_date=due, status=Action.Status.DONE, completed_date=datetime.date(2025, 10, 1))  # late
    ActionFactory(minute_item=minute, due_date=due)  # outstanding and overdue
    ActionFactory(minute_item=minute, due_date=None, due_rule=Action.DueRule.FUTURE_MEETING)  # outstanding, no date
    earlier = MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=datetime.date(2025, 3, 13)))
    ActionFactory(
        minute_item=earlier, due_date=datetime.date(2025, 7, 10), status=Action.Status.DONE, completed_date=datetime.date(2025, 7, 10)
    )
    response = client.get(reverse("meetings:follow_through", args=[committee.slug]))
    rows = {row["label"]: row for row in response.context["by_year"]}
    assert (rows["2025-26"]["made"], rows["2025-26"]["on_time"], rows["2025-26"]["late"], rows["2025-26"]["outstanding"]) == (6, 3, 1, 2)
    assert rows["2025-26"]["overdue"] == 1
    assert (rows["2024-25"]["made"], rows["2024-25"]["on_time"]) == (1, 1)
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    assert "Of 6 commitments made in 2025-26, 3 were met on time, 1 late, and 2 are outstanding (1 overdue)." in text


def test_follow_through_page_query_count_is_bounded(client, demo, django_assert_max_num_queries):
    """Guards against N+1 queries in the commitment tables and per-owner record."""
    url = reverse("meetings:follow_through", args=["children-and-young-people-scrutiny-committee"])
    with django_assert_max_num_queries(20) as baseline:
        client.get(url)
    committee = Meeting.objects.filter(committee__slug="children-and-young-people-scrutiny-committee").first().committee
    for i in range(10):
        meeting = MeetingFactory(committee=committee, date=datetime.date(2020, 1, 1) + datetime.timedelta(days=30 * i))
        for _ in range(20):
            ActionFactory(minute_item=MinuteItemFactory(meeting=meeting), owner=OfficerFactory())
        QuestionFactory(meeting=meeting, written_response_owed=True)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        assert client.get(url).status_code == 200


def test_demo_shows_the_cyp84_briefing_note_not_provided_and_the_ilacs_outcome_provided(client, demo):
    briefing = Action.objects.get(minute_item__number=84, kind=Action.Kind.BRIEFING_NOTE)
    assert briefing.due_date == datetime.date(2026, 1, 7)
    assert briefing.flagged_at is not None
    ilacs = Action.objects.get(description__startswith="Present the outcome of the upcoming Ofsted ILACS inspection")
    assert ilacs.provided_by_item.meeting.date == datetime.date(2025, 9, 16)
    assert ilacs.status == Action.Status.DONE
    ehcp = Action.objects.get(description__contains="97% compliance")
    assert ehcp.question.refers_to_meeting.date == datetime.date(2025, 3, 13)


# ---------------------------------------------------------------------------
# Reminders and subscriptions
# ---------------------------------------------------------------------------
def test_reminders_are_sent_once_per_due_commitment_however_often_the_command_runs(november, settings):
    settings.REMINDER_WORKING_DAYS = 5
    action = briefing_note(november)  # due Wednesday 7 January 2026
    call_command("send_reminders", "--today", "2025-12-01", verbosity=0)
    assert len(mail.outbox) == 0  # not yet within five working days
    call_command("send_reminders", "--today", "2025-12-31", verbosity=0)
    call_command("send_reminders", "--today", "2025-12-31", verbosity=0)
    call_command("send_reminders", "--today", "2026-01-02", verbosity=0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [action.owner.email]
    assert mail.outbox[0].subject.startswith("Due soon")
    call_command("send_reminders", "--today", "2026-01-08", verbosity=0)
    call_command("send_reminders", "--today", "2026-01-09", verbosity=0)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("Overdue")


def test_no_reminder_for_a_done_commitment(november):
    action = briefing_note(november)
    services.action_complete(by=SYSTEM, action=action, completed_date=datetime.date(2025, 12, 1))
    call_command("send_reminders", "--today", "2026-01-08", verbosity=0)
    assert mail.outbox == []


def test_subscribers_are_emailed_on_publication_only(client, november, django_capture_on_commit_callbacks):
    subscriber = UserFactory(username="resident", email="resident@example.org")
    client.force_login(subscriber)
    client.post(reverse("meetings:subscribe", args=[november.committee.slug]))
    assert Subscription.objects.filter(user=subscriber).exists()
    january = Meeting.objects.get(committee=november.committee, date=datetime.date(2026, 1, 7))
    # editing a meeting sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(by=SYSTEM, meeting=january, venue="Committee Room A&B, Town Hall, Bury, BL9 0SW")
    assert mail.outbox == []
    # publishing does, once per publication, and only once the change has committed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.meeting_publish_agenda(by=SYSTEM, meeting=january)
        assert mail.outbox == []
    assert len(callbacks) >= 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["resident@example.org"]
    november.minutes_status = Meeting.MinutesStatus.DRAFT
    november.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_publish_draft(by=SYSTEM, meeting=november)
    # publishing what is already published is refused (the process allows it once), so nobody is told twice
    with pytest.raises(Refused), django_capture_on_commit_callbacks(execute=True):
        services.minutes_publish_draft(by=SYSTEM, meeting=november)
    assert len(mail.outbox) == 2
    assert PublicationNotice.objects.filter(meeting=november, kind="draft_minutes").count() == 1


def test_a_publication_rolled_back_emails_nobody(client, november, django_capture_on_commit_callbacks):
    subscriber = UserFactory(username="resident-rollback", email="rollback@example.org")
    Subscription.objects.create(user=subscriber, committee=november.committee)
    january = Meeting.objects.get(committee=november.committee, date=datetime.date(2026, 1, 7))
    # given a request that publishes and then fails, so its transaction rolls back
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):  # noqa: PT012
        with transaction.atomic():
            services.meeting_publish_agenda(by=SYSTEM, meeting=january)
            raise RuntimeError("the request failed after publishing")
    # then no e-mail went, and nothing waits to send one
    assert callbacks == []
    assert mail.outbox == []
    assert not PublicationNotice.objects.filter(meeting=january).exists()


def test_unsubscribe(client, november):
    subscriber = UserFactory(username="resident2", email="r2@example.org")
    client.force_login(subscriber)
    url = reverse("meetings:subscribe", args=[november.committee.slug])
    client.post(url)
    client.post(url)
    assert not Subscription.objects.filter(user=subscriber).exists()


def test_subscribing_needs_an_account(client, november):
    response = client.post(reverse("meetings:subscribe", args=[november.committee.slug]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_recommendations_register_filters_by_response(client, demo):
    response = client.get(reverse("meetings:recommendations"), {"response": "pending"})
    assert response.status_code == 200
    assert "onward submission to Cabinet" in response.content.decode()
