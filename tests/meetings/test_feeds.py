"""Calendar and RSS feeds parse, carry stable UIDs and cancellations, and show public content only."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from committee.access import SYSTEM
from meetings import services
from meetings.models import AgendaItem, Meeting
from tests.factories import CommitteeFactory, MeetingFactory, MinuteItemFactory, ResolutionFactory, UserFactory

pytestmark = pytest.mark.django_db
SOON = datetime.date.today() + datetime.timedelta(days=10)


def events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def committee():
    return CommitteeFactory(name="Health Scrutiny Committee", slug="health")


def test_the_calendar_has_one_event_per_meeting_with_place_times_link_and_stable_uid(client, committee):
    # given
    meeting = MeetingFactory(committee=committee, date=SOON, start_time=datetime.time(18, 30), venue="Room 4, Town Hall")
    # when
    first = events(client.get(reverse("meetings:committee_calendar", args=["health"])))
    again = events(client.get(reverse("meetings:calendar"), HTTP_HOST="localhost"))
    # then: the UID depends on the meeting only, not on the host or the request
    uid = f"meeting-{meeting.pk}@127.0.0.1"
    assert set(first) == {uid}
    assert uid in again
    event = first[uid]
    start = timezone.make_aware(datetime.datetime.combine(SOON, datetime.time(18, 30)))
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + datetime.timedelta(hours=2)
    assert str(event["LOCATION"]) == "Room 4, Town Hall"
    assert str(event["URL"]).endswith(meeting.get_absolute_url())
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "DTSTAMP" in event
    assert str(event["SUMMARY"]) == "Health Scrutiny Committee"


def test_the_minuted_end_time_is_used_when_there_is_one(client, committee):
    meeting = MeetingFactory(committee=committee, date=SOON, start_time=datetime.time(19, 0), ended_at=datetime.time(20, 45))
    event = events(client.get(reverse("meetings:meeting_calendar", args=[meeting.pk])))[f"meeting-{meeting.pk}@127.0.0.1"]
    assert event.decoded("DTEND") == timezone.make_aware(datetime.datetime.combine(SOON, datetime.time(20, 45)))


def test_a_cancelled_meeting_is_status_cancelled(client, committee):
    meeting = MeetingFactory(committee=committee, date=SOON, status=Meeting.Status.CANCELLED)
    event = events(client.get(reverse("meetings:committee_calendar", args=["health"])))[f"meeting-{meeting.pk}@127.0.0.1"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled: ")


def test_one_meeting_downloads_as_an_attachment(client, committee):
    meeting = MeetingFactory(committee=committee, date=SOON)
    response = client.get(reverse("meetings:meeting_calendar", args=[meeting.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(events(response)) == 1


def test_the_committee_calendar_has_only_that_committees_meetings_and_not_old_ones(client, committee):
    MeetingFactory(committee=committee, date=SOON)
    MeetingFactory(committee=committee, date=datetime.date.today() - datetime.timedelta(days=800))
    MeetingFactory(date=SOON)
    assert len(events(client.get(reverse("meetings:committee_calendar", args=["health"])))) == 1
    assert len(events(client.get(reverse("meetings:calendar")))) == 2


def test_calendar_query_count_does_not_grow_with_meetings(client, committee, django_assert_max_num_queries):
    MeetingFactory(committee=committee, date=SOON)
    with django_assert_max_num_queries(4) as one:
        client.get(reverse("meetings:committee_calendar", args=["health"]))
    for n in range(10):
        MeetingFactory(committee=committee, date=SOON + datetime.timedelta(days=n + 1))
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("meetings:committee_calendar", args=["health"]))


def test_unknown_committee_or_meeting_is_404(client):
    assert client.get(reverse("meetings:committee_calendar", args=["nope"])).status_code == 404
    assert client.get(reverse("meetings:meeting_calendar", args=[999999])).status_code == 404
    assert client.get(reverse("meetings:committee_feed", args=["nope"])).status_code == 404


# ---------------------------------------------------------------------------
# RSS
# ---------------------------------------------------------------------------
def rss_items(response) -> list[dict]:
    assert response.status_code == 200
    assert "xml" in response["Content-Type"]
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    return [{child.tag: (child.text or "") for child in item} for item in root.iter("item")]


@pytest.fixture
def published_world(committee):
    """A published agenda, published draft minutes, approved minutes with a decision, and private matter beside them."""
    clerk = UserFactory(username="feed-clerk", role="Clerk")
    committee.supporting_officers.add(clerk)
    agenda = MeetingFactory(committee=committee, date=SOON, agenda_status=Meeting.AgendaStatus.DRAFT, minutes_status="none")
    AgendaItem.objects.create(meeting=agenda, number=1, title="APOLOGIES")
    services.meeting_publish_agenda(meeting=agenda, by=clerk)
    draft = MeetingFactory(committee=committee, date=datetime.date(2025, 9, 16), agenda_status=Meeting.AgendaStatus.DRAFT)
    services.minute_item_create(by=SYSTEM, meeting=draft, title="UNPUBLISHED", body="MARKER-FEED-DRAFT")
    draft.agenda_status = Meeting.AgendaStatus.DRAFT
    draft.minutes_status = Meeting.MinutesStatus.DRAFT
    draft.save()
    published_draft = MeetingFactory(committee=committee, date=datetime.date(2025, 10, 16), minutes_status=Meeting.MinutesStatus.DRAFT)
    ResolutionFactory(minute_item__meeting=published_draft, text="That the draft decision be noted.")
    services.minutes_publish_draft(meeting=published_draft, by=clerk)
    approved = MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10))
    ResolutionFactory(minute_item__meeting=approved, text="That the public decision be noted.")
    ResolutionFactory(minute_item=MinuteItemFactory(meeting=approved, is_exempt=True), text="MARKER-FEED-EXEMPT")
    ResolutionFactory(minute_item__meeting=draft, text="MARKER-FEED-DRAFT-DECISION")
    MeetingFactory(date=SOON, agenda_published_at=timezone.now())  # another committee
    return {"agenda": agenda, "published_draft": published_draft}


def test_the_committee_feed_lists_agendas_minutes_and_decisions_as_published(client, published_world):
    items = rss_items(client.get(reverse("meetings:committee_feed", args=["health"])))
    titles = [i["title"] for i in items]
    assert any(t.startswith("Agenda published: Health Scrutiny Committee") for t in titles)
    assert any(t.startswith("Draft minutes published: Health Scrutiny Committee, 16 October 2025") for t in titles)
    descriptions = " ".join(i["description"] for i in items)
    assert "That the public decision be noted." in descriptions
    assert "That the draft decision be noted." in descriptions
    assert all(i["guid"] for i in items)
    assert len({i["guid"] for i in items}) == len(items)


def test_feeds_never_carry_draft_or_exempt_content_even_for_members(client, published_world):
    client.force_login(UserFactory(username="feed-superuser", is_superuser=True))
    for url in [reverse("meetings:committee_feed", args=["health"]), reverse("meetings:feed")]:
        body = client.get(url).content.decode()
        assert "MARKER-FEED" not in body


def test_withdrawn_draft_minutes_leave_the_feed(client, published_world):
    services.minutes_unpublish(by=SYSTEM, meeting=published_world["published_draft"])
    titles = [i["title"] for i in rss_items(client.get(reverse("meetings:committee_feed", args=["health"])))]
    assert not any("Draft minutes published" in t for t in titles)
    assert not any("draft decision" in t for t in titles)


def test_the_all_committees_feed_includes_every_committee(client, published_world):
    items = rss_items(client.get(reverse("meetings:feed")))
    assert len({i["category"] for i in items}) == 2


def test_feed_query_count_is_fixed(client, published_world, django_assert_max_num_queries):
    """The committee, then agendas, minutes notices and decisions: one query each, whatever their number (plus savepoints)."""
    with django_assert_max_num_queries(6):
        client.get(reverse("meetings:committee_feed", args=["health"]))
